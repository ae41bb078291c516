// The Debian redis-server run with a rendered redis.conf, and redis-cli from the same package as the client.
import { execFileSync } from "child_process";
import { ProcessGroup, StartedProcess, waitForPort } from "./processes";

export interface CliResult {
    readonly status: number;
    readonly out: string;
}

/**
 * redis-cli against host:port. The password goes through REDISCLI_AUTH (not argv) so it is not visible in `ps`;
 * without one the client connects unauthenticated.
 */
export function redisCli(host: string, port: number, args: readonly string[], password?: string): CliResult {
    try {
        const out = execFileSync("redis-cli", ["-h", host, "-p", String(port), ...args], {
            env: { PATH: process.env.PATH, ...(password !== undefined ? { REDISCLI_AUTH: password } : {}) },
            stdio: ["ignore", "pipe", "pipe"],
            timeout: 10000,
        }).toString();
        return { status: 0, out: out.trim() };
    } catch (err) {
        const e = err as { status?: number; stdout?: Buffer; stderr?: Buffer };
        return { status: e.status ?? 1, out: `${e.stdout?.toString() ?? ""}${e.stderr?.toString() ?? ""}`.trim() };
    }
}

/** `INFO <section>` as key → value. */
export function redisInfo(host: string, port: number, section: string, password: string): Record<string, string> {
    const r = redisCli(host, port, ["INFO", section], password);
    if (r.status !== 0) throw new Error(`redis INFO ${section} on ${host}:${port}: ${r.out}`);
    const out: Record<string, string> = {};
    for (const line of r.out.replace(/^"|"$/g, "").split(/\\r\\n|\r?\n/)) {
        const i = line.indexOf(":");
        if (i > 0 && !line.startsWith("#")) out[line.slice(0, i)] = line.slice(i + 1);
    }
    return out;
}

/**
 * Starts redis-server with a config file. Extra `--option value` pairs after the file override it (redis
 * applies command-line options last); the tests use that only for things that must be per-process here
 * (foreground, pid/log files), never for what the rendered file decides.
 */
export async function startRedis(group: ProcessGroup, name: string, confFile: string, host: string, port: number, overrides: readonly string[]): Promise<StartedProcess> {
    const proc = group.start(name, "redis-server", [confFile, ...overrides]);
    await waitForPort(host, port, 15000, proc);
    return proc;
}
