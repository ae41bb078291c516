// A stand-in host for the converge tests: a Debian bookworm root (the cached debootstrap tarball) running in
// its own PID, mount, UTS, IPC and network namespaces. Its hostname is the plan's hostname, its only network is
// its own loopback (nothing it does can reach another host or this machine's services), and its PID 1 is a
// reaper that keeps the daemons the stand-in systemctl started alive between converge runs. Stopping the
// namespace's holder process by PID ends everything inside it.
import { spawn } from "child_process";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ProcessGroup, retryUntil, StartedProcess } from "./processes";
import { CLOUDWATCH_AGENT_VERSION } from "../../../components/host/metricsAgent";

const HERE = __dirname;
export const STAND_IN_ROOT_FILES = path.join(HERE, "stand-in-root");
/** Where the local package repository is copied inside the root; the converge script gets file:// URLs to it. */
export const REPO_DIR_IN_ROOT = "/srv/openzro-it-repo";
export const REPO_URL = `file://${REPO_DIR_IN_ROOT}`;
export const KEY_URL = `file://${REPO_DIR_IN_ROOT}/openzro-archive-key.asc`;

export interface ExecResult {
    readonly status: number;
    readonly stdout: string;
    readonly stderr: string;
    readonly durationMs: number;
}

/** Path of the cached root tarball (built on first use by debian-root.sh). */
export function debianRootTarball(): string {
    return execFileSync("bash", [path.join(HERE, "debian-root.sh")], { stdio: ["ignore", "pipe", "inherit"], timeout: 600_000 })
        .toString()
        .trim();
}

/**
 * Builds the stand-in packages for `versions` into a signed local repository at `outDir`, and the stand-in
 * CloudWatch agent of the pinned version the way Amazon publishes it (see build-repo.sh).
 */
export function buildStandInRepo(outDir: string, versions: readonly string[]): void {
    execFileSync("bash", [path.join(HERE, "stand-in-packages", "build-repo.sh"), outDir, "--cloudwatch-agent", CLOUDWATCH_AGENT_VERSION, ...versions], {
        stdio: ["ignore", "pipe", "pipe"],
    });
}

/**
 * converge.sh's agent variables pointed at the stand-in agent inside the root (the same layout as Amazon's bucket,
 * file:// instead of https://) and at its throwaway signing key's fingerprint, read from the built repository.
 */
export function standInAgentEnv(repoDir: string): Record<string, string> {
    const base = `file://${REPO_DIR_IN_ROOT}/cloudwatch-agent`;
    return {
        OZ_AGENT_DEB_URL: `${base}/ubuntu/@ARCH@/${CLOUDWATCH_AGENT_VERSION}/amazon-cloudwatch-agent.deb`,
        OZ_AGENT_KEY_URL: `${base}/assets/amazon-cloudwatch-agent.gpg`,
        OZ_AGENT_KEY_FINGERPRINT: fs.readFileSync(path.join(repoDir, "cloudwatch-agent", "fingerprint"), "utf8").trim(),
    };
}

export class StandInHost {
    private constructor(
        readonly name: string,
        readonly root: string,
        private readonly group: ProcessGroup,
        private readonly holder: StartedProcess,
        readonly initPid: number,
    ) {}

    /** Unpacks the root, adds the stand-in systemctl/journalctl/init and the repository, and boots the namespace. */
    static async boot(group: ProcessGroup, workDir: string, name: string, hostname: string, tarball: string, repoDir: string): Promise<StandInHost> {
        const root = path.join(workDir, name, "root");
        fs.mkdirSync(root, { recursive: true });
        execFileSync("tar", ["-xzf", tarball, "-C", root, "--numeric-owner"]);
        const install = (src: string, dest: string) => {
            fs.mkdirSync(path.dirname(path.join(root, dest)), { recursive: true });
            fs.copyFileSync(path.join(STAND_IN_ROOT_FILES, src), path.join(root, dest));
            fs.chmodSync(path.join(root, dest), 0o755);
        };
        install("systemctl", "/usr/local/sbin/systemctl");
        install("journalctl", "/usr/local/bin/journalctl");
        install("init", "/usr/local/sbin/openzro-it-init");
        fs.cpSync(repoDir, path.join(root, REPO_DIR_IN_ROOT), { recursive: true });
        fs.writeFileSync(path.join(root, "etc/hostname"), `${hostname}\n`);
        fs.writeFileSync(path.join(root, "etc/hosts"), `127.0.0.1 localhost\n127.0.1.1 ${hostname}\n`);

        const holder = group.start(`host-${name}`, "unshare", [
            "--pid", "--fork", "--kill-child", "--mount", "--uts", "--ipc", "--net", `--mount-proc=${path.join(root, "proc")}`,
            "--", "sh", "-c", 'ip link set lo up && hostname "$1" && mount -t devpts -o newinstance,ptmxmode=0666 devpts "$2/dev/pts" && exec chroot "$2" /usr/local/sbin/openzro-it-init', "sh", hostname, root,
        ]);
        // The namespace's PID 1 is unshare's child once it has chrooted into the root.
        const { value: initPid } = await retryUntil(
            `${name}: namespace init`,
            async () => {
                const children = fs.readFileSync(`/proc/${holder.pid}/task/${holder.pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean);
                for (const c of children) {
                    try {
                        if (fs.readlinkSync(`/proc/${c}/root`) === root && fs.readFileSync(`/proc/${c}/cmdline`, "utf8").includes("openzro-it-init")) {
                            return Number(c);
                        }
                    } catch {
                        // exited or not ours yet
                    }
                }
                return undefined;
            },
            { timeoutMs: 30000, intervalMs: 50 },
        );
        return new StandInHost(name, root, group, holder, initPid);
    }

    /** Runs a command inside the host as root with a clean environment plus `env`; `stdin` is fed to it. */
    exec(argv: readonly string[], opts: { stdin?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<ExecResult> {
        const env = {
            PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            HOME: "/root",
            LANG: "C.UTF-8",
            TERM: "dumb",
            ...(opts.env ?? {}),
        };
        const args = [
            "-t", String(this.initPid), "--mount", "--uts", "--ipc", "--net", "--pid", "--root", "--wd",
            "--", "/usr/bin/env", "-i", ...Object.entries(env).map(([k, v]) => `${k}=${v}`), ...argv,
        ];
        const started = Date.now();
        return new Promise((resolve, reject) => {
            const child = spawn("nsenter", args, { stdio: ["pipe", "pipe", "pipe"] });
            let stdout = "";
            let stderr = "";
            child.stdout.on("data", (c) => (stdout += c));
            child.stderr.on("data", (c) => (stderr += c));
            const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 300_000);
            child.on("error", reject);
            child.on("close", (code) => {
                clearTimeout(timer);
                resolve({ status: code ?? -1, stdout, stderr, durationMs: Date.now() - started });
            });
            // If nsenter or the command exits without reading all of stdin, the exit status and stderr tell why.
            child.stdin.on("error", (err) => (stderr += `[stdin: ${err.message}]\n`));
            child.stdin.end(opts.stdin ?? "");
        });
    }

    /** Reads a file of the host (undefined when absent). */
    read(file: string): string | undefined {
        const p = path.join(this.root, file);
        return fs.existsSync(p) ? fs.readFileSync(p, "utf8") : undefined;
    }

    /** Every systemctl call recorded so far, one string of arguments each. */
    systemctlCalls(): string[] {
        return (this.read("/var/log/openzro-it/systemctl.log") ?? "").split("\n").filter((l) => l !== "");
    }

    /**
     * Ends the namespace: SIGTERM to its PID 1 (the reaper exits, and the kernel kills every process left in
     * the namespace), then waits for the holder. unshare itself ignores SIGTERM while it waits for its child, so
     * it is only SIGKILLed if the namespace did not end in time.
     */
    async shutdown(): Promise<void> {
        try {
            process.kill(this.initPid, "SIGTERM");
        } catch {
            // already gone
        }
        await this.group.awaitExit(this.holder, 5000);
    }
}
