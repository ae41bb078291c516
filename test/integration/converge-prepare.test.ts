// The prepare/activate split of a host's converge, run for real in the Debian root with the stand-in packages (see
// converge.test.ts for the stand-ins): prepare (every host at once, before the serial chain) configures the
// repository and downloads the pinned packages without touching anything that runs; the serial step after it
// installs from that download with no network, restarts only what changed and waits for health.
import * as fs from "fs";
import * as path from "path";
import { execFileSync } from "child_process";
import { AGENT_CACHE_DIR, CLOUDWATCH_AGENT_VERSION } from "../../components/host/metricsAgent";
import type { HostFile } from "../../components/host/files";
import { ProcessGroup } from "./harness/processes";
import { buildStandInRepo, debianRootTarball, ExecResult, KEY_URL, REPO_DIR_IN_ROOT, REPO_URL, StandInHost, standInAgentEnv } from "./harness/stand-in-host";
import { makeWorkDir, removeWorkDir } from "./harness/workdir";
import { actions, changedPaths, controllerPayload, controllerPreparePayload, snapshot } from "./support/converge";
import { loadFixture, StackFixture, throwawaySecrets } from "./support/fixture";

jest.setTimeout(300_000);

const NEXT_VERSION = "0.53.2";
// What dpkg knows the production pin as: openZro's deb packages carry the pre-release after "~" (nfpm; D30).
const PUBLISHED_CURRENT = "0.53.1~alpha.86";
const MISSING_VERSION = "0.99.0";
// apt's copy: method copies packages into /var/cache/apt/archives the way an https repository does (file: would
// install them in place and leave the cache empty, which no real host does).
const COPY_REPO_URL = REPO_URL.replace(/^file:/, "copy:");
const TEST_ENV = {
    OZ_REPO_URL: COPY_REPO_URL,
    OZ_KEY_URL: KEY_URL,
    OZ_HEALTH_TIMEOUT_SECONDS: "20",
    OZ_VERIFY_TIMEOUT_SECONDS: "20",
    OZ_DRAIN_WAIT_SECONDS: "0",
    OZ_READY_WAIT_SECONDS: "0",
};
const WATCHED = ["/etc", "/usr/share/openzro-dashboard", "/var/lib/openzro", "/var/cache/apt/archives"];
const ARCHIVES = "/var/cache/apt/archives";
const AGENT_CACHE = AGENT_CACHE_DIR;
const arch = execFileSync("dpkg", ["--print-architecture"]).toString().trim();

let fixture: StackFixture;
let workDir: string;
let group: ProcessGroup;
let host: StandInHost;
let files: HostFile[];
/** The stand-in CloudWatch agent's URLs and key (the production plan runs the agent on every host). */
let agentEnv: Record<string, string> = {};

async function run(payload: string, mode: "prepare" | "create" | "update"): Promise<ExecResult & { calls: string[] }> {
    const before = host.systemctlCalls().length;
    const r = await host.exec(["bash", "-s", "--", mode], { stdin: payload, env: { ...TEST_ENV, ...agentEnv } });
    return { ...r, calls: host.systemctlCalls().slice(before) };
}

function expectOk(r: ExecResult): void {
    if (r.status !== 0) throw new Error(`converge exited ${r.status}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
}

/** "<status> <version>", e.g. "hi 0.53.1" (held, installed); the status alone when not installed. */
async function installedVersion(pkg: string): Promise<string> {
    const out = (await host.exec(["dpkg-query", "-W", "-f", "${db:Status-Abbrev}|${Version}", pkg])).stdout;
    const [status, version] = out.split("|");
    return `${status.trim()} ${version ?? ""}`.trim();
}

function cachedDebs(): string[] {
    return fs.readdirSync(path.join(host.root, ARCHIVES)).filter((f) => f.endsWith(".deb")).sort();
}

/** Moves the host's package repository away, so any download fails, for the duration of `fn`. */
async function withRepositoryUnreachable<T>(fn: () => Promise<T>): Promise<T> {
    const repo = path.join(host.root, REPO_DIR_IN_ROOT);
    fs.renameSync(repo, `${repo}.offline`);
    try {
        return await fn();
    } finally {
        fs.renameSync(`${repo}.offline`, repo);
    }
}

beforeAll(async () => {
    fixture = await loadFixture("production");
    workDir = makeWorkDir("converge-prepare");
    group = new ProcessGroup(path.join(workDir, "logs"));
    files = fixture.controllerFiles(0, throwawaySecrets());
    const repo = path.join(workDir, "repo");
    buildStandInRepo(repo, [fixture.settings.openzroVersion, NEXT_VERSION]);
    agentEnv = standInAgentEnv(repo);
    host = await StandInHost.boot(group, workDir, "controller-1", fixture.topology.controllers[0].hostname, debianRootTarball(), repo);
}, 600_000);

afterAll(async () => {
    await host?.shutdown();
    await group?.stopAll();
    if (workDir) removeWorkDir(workDir);
});

describe("prepare on a fresh host", () => {
    test("refuses a metrics agent package whose signature does not verify, before touching anything", async () => {
        // A package changed after it was signed (or a signature of something else), as a tampered mirror would serve.
        const deb = path.join(host.root, REPO_DIR_IN_ROOT, "cloudwatch-agent", "ubuntu", fs.readdirSync(path.join(host.root, REPO_DIR_IN_ROOT, "cloudwatch-agent", "ubuntu"))[0]);
        const file = path.join(deb, fs.readdirSync(deb)[0], "amazon-cloudwatch-agent.deb");
        const good = fs.readFileSync(file);
        fs.appendFileSync(file, "x");
        try {
            const before = snapshot(host.root, [...WATCHED, AGENT_CACHE]);
            const r = await run(controllerPreparePayload(fixture, 0), "prepare");
            expect(r.status).not.toBe(0);
            expect(r.stderr).toMatch(/amazon-cloudwatch-agent\.deb: the signature does not verify against the key with fingerprint [0-9A-F]{40}; not installing it/);
            expect(changedPaths(before, snapshot(host.root, [...WATCHED, AGENT_CACHE]))).toEqual([]);
        } finally {
            fs.writeFileSync(file, good);
        }
    });

    test("the production pin is the release whose package version this file expects", () => {
        expect(fixture.settings.openzroVersion).toBe("0.53.1-alpha.86");
    });

    test("configures the repository and downloads the pinned packages, installs nothing and touches no service", async () => {
        const before = snapshot(host.root, WATCHED);
        const r = await run(controllerPreparePayload(fixture, 0), "prepare");
        expectOk(r);
        expect(actions(r.calls)).toEqual([]);
        // Only the repository's files and the package cache changed: no managed file, no service configuration.
        const changed = changedPaths(before, snapshot(host.root, WATCHED));
        expect(changed.filter((p) => !p.startsWith("/etc/apt/") && !p.startsWith(`${ARCHIVES}/`))).toEqual([]);
        expect(host.read("/etc/apt/sources.list.d/openzro.list")).toContain(COPY_REPO_URL);
        for (const pkg of ["openzro-management", "openzro-signal", "openzro-dashboard"]) {
            expect(cachedDebs().some((f) => f.startsWith(`${pkg}_`))).toBe(true);
            expect(await installedVersion(pkg)).not.toMatch(/^ii/);
        }
        // The metrics agent: downloaded with its signature and key into its own cache, not installed.
        expect(fs.readdirSync(path.join(host.root, AGENT_CACHE)).sort()).toEqual(
            ["", ".sig", ".key"].map((ext) => `amazon-cloudwatch-agent_${CLOUDWATCH_AGENT_VERSION}_${arch}.deb${ext}`).sort(),
        );
        expect(await installedVersion("amazon-cloudwatch-agent")).not.toMatch(/^ii/);
    });

    test("a second prepare changes nothing", async () => {
        const before = snapshot(host.root, WATCHED);
        const r = await run(controllerPreparePayload(fixture, 0), "prepare");
        expectOk(r);
        expect(changedPaths(before, snapshot(host.root, WATCHED))).toEqual([]);
        expect(actions(r.calls)).toEqual([]);
    });

    test("the first install after it needs no download", async () => {
        const r = await withRepositoryUnreachable(() => run(controllerPayload(fixture, 0, files), "create"));
        expectOk(r);
        expect(await installedVersion("openzro-management")).toBe(`hi ${PUBLISHED_CURRENT}`);
        // The agent too, from its verified cache (its "bucket" sits in the same unreachable directory).
        expect(await installedVersion("amazon-cloudwatch-agent")).toBe(`ii ${CLOUDWATCH_AGENT_VERSION}`);
        for (const f of files) expect(host.read(f.path)).toBe(f.content);
    });
});

describe(`a version bump (${NEXT_VERSION}) split into prepare and the serial step`, () => {
    test("prepare downloads the new version while the old one keeps running untouched", async () => {
        const before = snapshot(host.root, WATCHED.filter((d) => d !== ARCHIVES));
        const r = await run(controllerPreparePayload(fixture, 0, NEXT_VERSION), "prepare");
        expectOk(r);
        expect(actions(r.calls)).toEqual([]);
        expect(changedPaths(before, snapshot(host.root, WATCHED.filter((d) => d !== ARCHIVES)))).toEqual([]);
        expect(await installedVersion("openzro-management")).toBe(`hi ${PUBLISHED_CURRENT}`);
        expect(cachedDebs().some((f) => f.startsWith(`openzro-management_${NEXT_VERSION}_`))).toBe(true);
    });

    test("the serial step installs it from the download with no network and restarts only management and signal", async () => {
        const r = await withRepositoryUnreachable(() => run(controllerPayload(fixture, 0, files, NEXT_VERSION), "update"));
        expectOk(r);
        expect(await installedVersion("openzro-management")).toBe(`hi ${NEXT_VERSION}`);
        expect(actions(r.calls).filter((a) => /^(restart|start|reload|stop) /.test(a)).sort()).toEqual([
            "restart openzro-management",
            "restart openzro-signal",
        ]);
        // The figure behind the bench's serial-step model (printed, never asserted: timings depend on the machine).
        process.stdout.write(`converge-prepare: serial step of a version bump (install from cache, restart, health) took ${(r.durationMs / 1000).toFixed(1)} s\n`);
    });

    test("a failed prepare (a version the repository does not have) fails with the version named and touches nothing", async () => {
        const before = snapshot(host.root, WATCHED.filter((d) => d !== ARCHIVES));
        const r = await run(controllerPreparePayload(fixture, 0, MISSING_VERSION), "prepare");
        expect(r.status).not.toBe(0);
        expect(r.stderr).toContain(MISSING_VERSION);
        expect(actions(r.calls)).toEqual([]);
        expect(changedPaths(before, snapshot(host.root, WATCHED.filter((d) => d !== ARCHIVES)))).toEqual([]);
        expect(await installedVersion("openzro-management")).toBe(`hi ${NEXT_VERSION}`);
        const health = await host.exec(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5", "http://127.0.0.1/healthz"]);
        expect(health.stdout).toBe("200");
    });
});
