// The host scripts (scripts/host/**.sh) as text, for the payload. They are real files in the repository so they
// can be shellchecked and run directly; this reads them at program start. Not pure (file system), so the pure
// payload builder takes its result as an argument.
import * as fs from "fs";
import * as path from "path";

/** scripts/host, found from this module whether it runs from source (ts-node) or from a compiled outDir. */
export function hostScriptsDir(start: string = __dirname): string {
    let dir = start;
    for (let i = 0; i < 6; i++) {
        const candidate = path.join(dir, "scripts", "host");
        if (fs.existsSync(path.join(candidate, "converge.sh"))) return candidate;
        dir = path.dirname(dir);
    }
    throw new Error(`host scripts: scripts/host/converge.sh not found above ${start}; run the program from a checkout of the repository`);
}

/** Every *.sh under scripts/host, keyed by path relative to it ("converge.sh", "lib/common.sh"). */
export function loadHostScripts(dir: string = hostScriptsDir()): Record<string, string> {
    const scripts: Record<string, string> = {};
    const walk = (rel: string): void => {
        for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
            const relPath = rel ? `${rel}/${entry.name}` : entry.name;
            if (entry.isDirectory()) walk(relPath);
            else if (entry.name.endsWith(".sh")) scripts[relPath] = fs.readFileSync(path.join(dir, relPath), "utf8");
        }
    };
    walk("");
    return scripts;
}

/** The scripts one entry point needs: itself and the shared library (lib/). */
export function scriptsFor(all: Readonly<Record<string, string>>, entrypoint: string): Record<string, string> {
    if (!(entrypoint in all)) throw new Error(`host scripts: ${entrypoint} not found in scripts/host`);
    const picked: Record<string, string> = { [entrypoint]: all[entrypoint] };
    for (const name of Object.keys(all)) if (name.startsWith("lib/")) picked[name] = all[name];
    return picked;
}
