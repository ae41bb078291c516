// Runs the real nginx (Debian package) with a rendered site, unprivileged paths in a temp dir. The main config is
// the package's own /etc/nginx/nginx.conf with only its machine-wide paths relocated (relocateMainConf, tested),
// so the rendered site is proven inside the same http{} context it gets on a Debian/Ubuntu host.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ProcessGroup, StartedProcess } from "./processes";

export const DEBIAN_MAIN_CONF = "/etc/nginx/nginx.conf";

/**
 * The package's main nginx.conf with its pid, logs and site includes pointed into `dir`: the site file(s) to
 * include replace conf.d/sites-enabled, temp paths move into dir/tmp, and workers run as `user` (so a test
 * directory it can read is enough). Every other directive stays as the package ships it.
 */
export function relocateMainConf(original: string, dir: string, siteIncludes: readonly string[], user = "www-data"): string {
    const replaced = { pid: false, error: false, access: false, include: false };
    const lines = original.split("\n").flatMap((line): string[] => {
        const t = line.trim();
        if (/^user\s+\S+;/.test(t)) return [`user ${user};`];
        if (/^pid\s+/.test(t)) {
            replaced.pid = true;
            return [`pid ${path.join(dir, "nginx.pid")};`];
        }
        if (/^error_log\s+/.test(t)) {
            replaced.error = true;
            return [`error_log ${path.join(dir, "error.log")} info;`];
        }
        if (/^access_log\s+/.test(t)) {
            replaced.access = true;
            return [
                `\taccess_log ${path.join(dir, "access.log")};`,
                ...["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map(
                    (k) => `\t${k}_temp_path ${path.join(dir, "tmp", k)};`,
                ),
            ];
        }
        if (/^include\s+\/etc\/nginx\/conf\.d\//.test(t)) {
            replaced.include = true;
            return siteIncludes.map((s) => `\tinclude ${s};`);
        }
        if (/^include\s+\/etc\/nginx\/sites-enabled\//.test(t)) return [];
        return [line];
    });
    const missing = Object.entries(replaced).filter(([, v]) => !v).map(([k]) => k);
    if (missing.length > 0) {
        throw new Error(`relocateMainConf: ${DEBIAN_MAIN_CONF} has no ${missing.join(", ")} directive to relocate`);
    }
    return lines.join("\n");
}

export interface RunningNginx {
    readonly dir: string;
    readonly process: StartedProcess;
    readonly mainConf: string;
}

/**
 * Validates (`nginx -t`) then starts nginx in the foreground; the master's PID is what the group stops. The main
 * config is `mainConfText` when given (a rendered nginx.conf, already pointed at `dir`), else the package's own
 * nginx.conf relocated into `dir`.
 */
export function startNginx(group: ProcessGroup, name: string, dir: string, siteFiles: readonly string[], mainConfText?: string): RunningNginx {
    fs.mkdirSync(path.join(dir, "tmp"), { recursive: true });
    const mainConf = path.join(dir, "nginx.conf");
    fs.writeFileSync(mainConf, mainConfText ?? relocateMainConf(fs.readFileSync(DEBIAN_MAIN_CONF, "utf8"), dir, siteFiles));
    nginxTest(mainConf, dir);
    const proc = group.start(name, "nginx", ["-c", mainConf, "-p", dir, "-g", "daemon off;"]);
    return { dir, process: proc, mainConf };
}

/** `nginx -t` on a main config; throws with nginx's own message. */
export function nginxTest(mainConf: string, prefix: string): void {
    try {
        execFileSync("nginx", ["-t", "-q", "-c", mainConf, "-p", prefix], { stdio: ["ignore", "pipe", "pipe"] });
    } catch (err) {
        const e = err as { stderr?: Buffer };
        throw new Error(`nginx -t failed for ${mainConf}: ${e.stderr?.toString() ?? String(err)}`);
    }
}

/** The text of every top-level `server { ... }` block of a site (braces matched; comments dropped). */
export function serverBlocks(site: string): string[] {
    const text = site.replace(/#[^\n]*/g, "");
    const blocks: string[] = [];
    const re = /(^|[\s;}])server\s*\{/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) !== null) {
        let depth = 0;
        const start = text.indexOf("{", m.index);
        for (let i = start; i < text.length; i++) {
            if (text[i] === "{") depth++;
            else if (text[i] === "}" && --depth === 0) {
                blocks.push(text.slice(start + 1, i));
                re.lastIndex = i + 1;
                break;
            }
        }
    }
    return blocks;
}

/** Values of a directive anywhere inside a block (e.g. "grpc_read_timeout" → ["1d"]). */
export function directiveValues(block: string, name: string): string[] {
    return [...block.matchAll(new RegExp(`(?:^|[\\s;{}])${name}\\s+([^;]+);`, "g"))].map((m) => m[1].trim());
}
