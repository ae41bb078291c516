// Env files read by BOTH systemd (EnvironmentFile=) and POSIX shells (render-env.sh sources the dashboard's).
// One quoting rule that both parse identically: double quotes with \ " $ ` escaped (systemd.exec(5): inside
// double quotes a backslash keeps exactly these four characters; sh does the same). Newlines are rejected
// rather than continued, because the two disagree on line continuation inside values.
import { RenderError } from "./errors";

export type EnvEntry = readonly [name: string, value: string];

export const MANAGED_HEADER = "# Managed by Pulumi (openzro). Local edits are overwritten on the next `pulumi up`.";

/** Values made only of these characters need no quotes in either syntax (no ~, which sh would expand). */
const BARE_VALUE = /^[A-Za-z0-9_.,:/@+=-]+$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function quoteEnvValue(name: string, value: string): string {
    if (/[\r\n\0]/.test(value)) {
        throw new RenderError(name, "env values must be one line without NUL", value.length > 40 ? `${value.slice(0, 40)}…` : value, "remove the line break from the setting that feeds it");
    }
    if (BARE_VALUE.test(value)) {
        return value;
    }
    return `"${value.replace(/[\\"$`]/g, (c) => `\\${c}`)}"`;
}

/** `NAME=value` lines under the managed-file header and optional comment lines. */
export function renderEnvFile(comments: readonly string[], entries: readonly EnvEntry[]): string {
    const seen = new Set<string>();
    const lines = [MANAGED_HEADER, ...comments.map((c) => `# ${c}`)];
    for (const [name, value] of entries) {
        if (!ENV_NAME.test(name)) {
            throw new RenderError("env file", "invalid variable name", name, "use letters, digits and underscores");
        }
        if (seen.has(name)) {
            throw new RenderError(name, "variable rendered twice in one env file", name, "this is a renderer bug; report it");
        }
        seen.add(name);
        lines.push(`${name}=${quoteEnvValue(name, value)}`);
    }
    return `${lines.join("\n")}\n`;
}
