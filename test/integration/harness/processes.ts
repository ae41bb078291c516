// Processes the integration tests start: each one is remembered by PID, its output goes to a log file (shown
// when a test fails), and every one of them is stopped by PID, never by name. A last-chance exit hook kills
// whatever a crashed test left behind.
import { ChildProcess, spawn, SpawnOptions } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";

export interface StartedProcess {
    readonly name: string;
    readonly pid: number;
    readonly logFile: string;
    /** Resolves with the exit code (or null when killed by a signal) once the process is gone. */
    readonly exited: Promise<number | null>;
    readonly child: ChildProcess;
}

export interface StartOptions {
    readonly env?: NodeJS.ProcessEnv;
    readonly cwd?: string;
    /** Run as this uid/gid (postgres refuses to run as root). */
    readonly uid?: number;
    readonly gid?: number;
}

// One registry and one exit hook per process, even when a test runner loads this module once per test file.
const shared = globalThis as unknown as { [key: symbol]: Set<number> | undefined };
const REGISTRY = Symbol.for("openzro.integration.livePids");
if (!shared[REGISTRY]) {
    const pids = new Set<number>();
    shared[REGISTRY] = pids;
    process.once("exit", () => {
        // Synchronous last resort: the owning group's stopAll() normally ran already.
        for (const pid of pids) {
            try {
                process.kill(pid, "SIGKILL");
            } catch {
                // already gone
            }
        }
    });
}
const everyLivePid = shared[REGISTRY] as Set<number>;

function isAlive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch {
        return false;
    }
}

export class ProcessGroup {
    private readonly running = new Map<number, StartedProcess>();

    constructor(readonly logDir: string) {
        fs.mkdirSync(logDir, { recursive: true });
    }

    start(name: string, command: string, args: readonly string[], opts: StartOptions = {}): StartedProcess {
        const logFile = path.join(this.logDir, `${name.replace(/[^A-Za-z0-9_.-]/g, "_")}.log`);
        const fd = fs.openSync(logFile, "a");
        const spawnOpts: SpawnOptions = {
            cwd: opts.cwd,
            env: opts.env ?? process.env,
            stdio: ["ignore", fd, fd],
            uid: opts.uid,
            gid: opts.gid,
        };
        const child = spawn(command, args as string[], spawnOpts);
        fs.closeSync(fd);
        if (child.pid === undefined) {
            throw new Error(`${name}: could not start ${command} (see ${logFile})`);
        }
        const pid = child.pid;
        const exited = new Promise<number | null>((resolve) => {
            child.once("exit", (code) => {
                everyLivePid.delete(pid);
                this.running.delete(pid);
                resolve(code);
            });
            child.once("error", () => resolve(null));
        });
        const started: StartedProcess = { name, pid, logFile, exited, child };
        everyLivePid.add(pid);
        this.running.set(pid, started);
        return started;
    }

    /** Stops one process by PID: `signal`, then SIGKILL after `graceMs`. */
    async stop(p: StartedProcess, signal: NodeJS.Signals = "SIGTERM", graceMs = 5000): Promise<void> {
        if (!isAlive(p.pid) && !this.running.has(p.pid)) return;
        try {
            process.kill(p.pid, signal);
        } catch {
            return;
        }
        const timer = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), graceMs).unref());
        if ((await Promise.race([p.exited, timer])) === "timeout") {
            try {
                process.kill(p.pid, "SIGKILL");
            } catch {
                // gone meanwhile
            }
            await p.exited;
        }
    }

    /** Waits up to `timeoutMs` for a process to end by itself; SIGKILLs it otherwise. */
    async awaitExit(p: StartedProcess, timeoutMs: number): Promise<void> {
        const timer = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), timeoutMs).unref());
        if ((await Promise.race([p.exited, timer])) === "timeout") await this.kill(p);
    }

    /** SIGKILL, as a crashing host would die; resolves once the PID is gone. */
    async kill(p: StartedProcess): Promise<void> {
        await this.stop(p, "SIGKILL", 5000);
    }

    async stopAll(): Promise<void> {
        await Promise.all([...this.running.values()].map((p) => this.stop(p)));
    }

    /** The tail of a process's log, for failure messages. */
    static tail(p: StartedProcess, lines = 30): string {
        try {
            return fs.readFileSync(p.logFile, "utf8").split("\n").slice(-lines).join("\n");
        } catch {
            return "(no log)";
        }
    }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Retries `attempt` until it returns a value (not undefined) or `timeoutMs` passes; the loop is bounded by time
 * and by a maximum number of attempts. Returns the value and how long it took.
 */
export async function retryUntil<T>(
    what: string,
    attempt: () => Promise<T | undefined>,
    opts: { timeoutMs: number; intervalMs?: number },
): Promise<{ value: T; elapsedMs: number }> {
    const started = Date.now();
    const interval = opts.intervalMs ?? 200;
    const maxAttempts = Math.ceil(opts.timeoutMs / interval) + 1;
    let lastError: unknown;
    for (let i = 0; i < maxAttempts && Date.now() - started <= opts.timeoutMs; i++) {
        try {
            const value = await attempt();
            if (value !== undefined) return { value, elapsedMs: Date.now() - started };
        } catch (err) {
            lastError = err;
        }
        await sleep(interval);
    }
    const reason = lastError instanceof Error ? lastError.message : String(lastError ?? "condition never true");
    throw new Error(`${what}: not reached within ${opts.timeoutMs} ms (last: ${reason})`);
}

/** Resolves once something accepts TCP connections on host:port (bounded), or throws with the process log. */
export async function waitForPort(host: string, port: number, timeoutMs = 15000, owner?: StartedProcess): Promise<void> {
    try {
        await retryUntil(
            `${host}:${port}`,
            () =>
                new Promise<true | undefined>((resolve, reject) => {
                    const s = net.connect({ host, port });
                    s.setTimeout(1000);
                    s.once("connect", () => {
                        s.destroy();
                        resolve(true);
                    });
                    s.once("timeout", () => {
                        s.destroy();
                        resolve(undefined);
                    });
                    s.once("error", reject);
                }),
            { timeoutMs, intervalMs: 100 },
        );
    } catch (err) {
        const log = owner ? `\n--- ${owner.name} log ---\n${ProcessGroup.tail(owner)}` : "";
        throw new Error(`${(err as Error).message}${log}`);
    }
}

/** True when nothing accepts connections on host:port. */
export function portIsClosed(host: string, port: number): Promise<boolean> {
    return new Promise((resolve) => {
        const s = net.connect({ host, port });
        s.setTimeout(1000);
        s.once("connect", () => {
            s.destroy();
            resolve(false);
        });
        s.once("timeout", () => {
            s.destroy();
            resolve(false);
        });
        s.once("error", () => resolve(true));
    });
}
