// Reads the installed @pulumi/aws typings: whether a resource type takes a `tags` argument.
import * as fs from "fs";
import * as path from "path";

const AWS_DIR = path.dirname(require.resolve("@pulumi/aws/package.json"));

/** True when the resource's Args interface in the typings has a `tags` argument. */
export function argsHaveTags(type: string): boolean {
    const m = /^aws:([a-zA-Z0-9]+)\/([a-zA-Z0-9]+):([A-Za-z0-9]+)$/.exec(type);
    if (!m) {
        throw new Error(`not an AWS resource token: ${type}`);
    }
    const [, mod, file, cls] = m;
    const dts = fs.readFileSync(path.join(AWS_DIR, mod, `${file}.d.ts`), "utf8");
    const start = dts.indexOf(`export interface ${cls}Args {`);
    if (start < 0) {
        throw new Error(`${type}: no ${cls}Args in ${mod}/${file}.d.ts`);
    }
    const body = dts.slice(start, dts.indexOf("\n}", start));
    return /^\s+tags\?:/m.test(body);
}
