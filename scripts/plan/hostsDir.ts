// DIR/hosts/<host>/<absolute path on the host>: every file the program writes on each host, as rendered with
// secrets REDACTED. Paths come from renderers; they are checked so a bad one can never escape DIR.
import * as fs from "fs";
import * as path from "path";
import type { HostFile } from "../../components/host/files";

/** Where a host file lands under `hostsDir`; throws on a relative path or one that climbs out. */
export function hostFileTarget(hostsDir: string, host: string, file: Pick<HostFile, "path">): string {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(host)) {
        throw new Error(`host name ${JSON.stringify(host)} is not a safe directory name`);
    }
    if (!file.path.startsWith("/") || file.path.split("/").some((part) => part === "..")) {
        throw new Error(`host file path ${JSON.stringify(file.path)} on ${host} must be absolute without ".."`);
    }
    return path.join(hostsDir, host, ...file.path.split("/").filter((p) => p !== ""));
}

export function writeHostFiles(hostsDir: string, hostFiles: Readonly<Record<string, readonly HostFile[]>>): number {
    let written = 0;
    for (const host of Object.keys(hostFiles).sort()) {
        for (const file of hostFiles[host]) {
            const target = hostFileTarget(hostsDir, host, file);
            fs.mkdirSync(path.dirname(target), { recursive: true });
            fs.writeFileSync(target, file.content);
            written++;
        }
    }
    return written;
}
