// The controller and relay converge, run for real: the stdin payload the converge commands ship (built by the
// host layer's pure functions from the production plan's files, with throwaway secrets) is fed to `bash -s` in a
// Debian bookworm root standing in for a fresh host (its own PID/mount/UTS/network namespaces, hostname from the
// plan, loopback only). The openZro repository is a local APT repository of stand-in packages with the real names,
// layout and units, signed with a throwaway key; the payload's documented environment overrides point
// OZ_REPO_URL/OZ_KEY_URL at it (file://). systemd is not PID 1: a recording systemctl stand-in really starts the
// units (packaged unit + our drop-ins + env files), and the stand-in daemons check their startup configuration the
// way the real ones do before answering the converge script's local health probes. nginx is Debian's, for real.
import * as fs from "fs";
import * as path from "path";
import type { HostFile, RenderSecrets } from "../../components/host/files";
import { DASHBOARD_ROOT, dropInPath, envFilePath } from "../../components/host/render";
import { CLOUDWATCH_AGENT_VERSION } from "../../components/host/metricsAgent";
import { CLOUDWATCH_AGENT_CONFIG_PATH } from "../../components/host/render/cloudwatchAgent";
import { ProcessGroup, retryUntil } from "./harness/processes";
import { buildStandInRepo, debianRootTarball, ExecResult, KEY_URL, REPO_URL, StandInHost, standInAgentEnv } from "./harness/stand-in-host";
import { makeWorkDir, removeWorkDir } from "./harness/workdir";
import { actions, changedPaths, controllerPayload, fileState, relayPayload, snapshot } from "./support/converge";
import { loadFixture, StackFixture, throwawaySecrets } from "./support/fixture";

jest.setTimeout(300_000);

// Release forms (config, outputs); the stand-in repository publishes them the way openZro's release pipeline does
// (nfpm: 0.53.1-alpha.87 → deb version 0.53.1~alpha.87; D30), so a converge that asked apt for the release form
// would find nothing. STABLE stands in for a future stable 0.53.1, which must sort after every 0.53.1 pre-release.
const NEXT_VERSION = "0.53.1-alpha.87";
const STABLE_VERSION = "0.53.1";
/** What apt and dpkg call those releases (read off nfpm's deb control template, not computed by the program). */
const PUBLISHED: Record<string, string> = {
    "0.53.1-alpha.86": "0.53.1~alpha.86",
    [NEXT_VERSION]: "0.53.1~alpha.87",
    [STABLE_VERSION]: "0.53.1",
};
/** Short bounds for the tests (the payload's defaults are minutes); drain waits are the LB's business. */
const TEST_ENV = {
    OZ_REPO_URL: REPO_URL,
    OZ_KEY_URL: KEY_URL,
    OZ_HEALTH_TIMEOUT_SECONDS: "20",
    OZ_VERIFY_TIMEOUT_SECONDS: "20",
    OZ_DRAIN_WAIT_SECONDS: "0",
    OZ_READY_WAIT_SECONDS: "0",
};
/** What a run may change on a host, watched for "nothing changed". */
const WATCHED = ["/etc", "/usr/share/openzro-dashboard", "/var/lib/openzro", "/var/lib/dpkg/status"];

let fixture: StackFixture;
let workDir: string;
let group: ProcessGroup;
let secrets: RenderSecrets;
let controller: StandInHost;
let relay: StandInHost;
let controllerFiles: HostFile[];
let relayFiles: HostFile[];
/** The stand-in CloudWatch agent's URLs and key (the production plan runs the agent on every host). */
let agentEnv: Record<string, string> = {};

async function converge(host: StandInHost, payload: string, mode: "create" | "update" | "verify", env: Record<string, string> = {}): Promise<ExecResult & { calls: string[] }> {
    const before = host.systemctlCalls().length;
    const r = await host.exec(["bash", "-s", "--", mode], { stdin: payload, env: { ...TEST_ENV, ...agentEnv, ...env } });
    return { ...r, calls: host.systemctlCalls().slice(before) };
}

function snap(host: StandInHost) {
    return snapshot(host.root, WATCHED.filter((d) => !d.endsWith("/status"))).set("/var/lib/dpkg/status", fileState(host.root, "/var/lib/dpkg/status")!);
}

async function curl(host: StandInHost, url: string): Promise<string> {
    return (await host.exec(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5", url])).stdout;
}

async function installedVersion(host: StandInHost, pkg: string): Promise<string> {
    return (await host.exec(["dpkg-query", "-W", "-f", "${Version}", pkg])).stdout.trim();
}

/** The last transaction in apt's history log: its Upgrade:/Downgrade:/Install: lines. */
async function lastAptTransaction(host: StandInHost): Promise<string[]> {
    const log = host.read("/var/log/apt/history.log") ?? "";
    const last = log.trim().split(/\n\s*\n/).pop() ?? "";
    return last.split("\n").filter((l) => /^(Install|Upgrade|Downgrade|Remove): /.test(l));
}

function expectOk(r: ExecResult): void {
    if (r.status !== 0) throw new Error(`converge exited ${r.status}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
}

// Long bound: the first run on a machine builds the cached Debian root (debootstrap, ~2 min).
beforeAll(async () => {
    fixture = await loadFixture("production");
    workDir = makeWorkDir("converge");
    group = new ProcessGroup(path.join(workDir, "logs"));
    secrets = throwawaySecrets();
    controllerFiles = fixture.controllerFiles(0, secrets);
    relayFiles = fixture.relayFiles(0, secrets);
    const tarball = debianRootTarball();
    const repo = path.join(workDir, "repo");
    buildStandInRepo(repo, [fixture.settings.openzroVersion, NEXT_VERSION, STABLE_VERSION]);
    agentEnv = standInAgentEnv(repo);
    [controller, relay] = await Promise.all([
        StandInHost.boot(group, workDir, "controller-1", fixture.topology.controllers[0].hostname, tarball, repo),
        StandInHost.boot(group, workDir, "relay", `openzro-relay-${fixture.settings.relays[0].name}`, tarball, repo),
    ]);
}, 600_000);

afterAll(async () => {
    await controller?.shutdown();
    await relay?.shutdown();
    await group?.stopAll();
    if (workDir) removeWorkDir(workDir);
});

describe("controller-1 (production plan)", () => {
    test("first run installs the pinned packages, writes every file with its owner and mode, and starts the services", async () => {
        const r = await converge(controller, controllerPayload(fixture, 0, controllerFiles), "create");
        expectOk(r);
        // Production pins the release 0.53.1-alpha.86; dpkg knows it as the published 0.53.1~alpha.86.
        expect(fixture.settings.openzroVersion).toBe("0.53.1-alpha.86");
        const dpkg = await controller.exec(["dpkg-query", "-W", "-f", "${Package}=${Version}\\n", "openzro-management", "openzro-signal", "openzro-dashboard"]);
        expect(dpkg.stdout.trim().split("\n").sort()).toEqual(
            ["openzro-dashboard", "openzro-management", "openzro-signal"].map((p) => `${p}=0.53.1~alpha.86`),
        );
        expect((await controller.exec(["apt-mark", "showhold"])).stdout.split("\n")).toEqual(
            expect.arrayContaining(["openzro-management", "openzro-signal", "openzro-dashboard"]),
        );
        for (const f of controllerFiles) {
            const st = fileState(controller.root, f.path);
            expect({ path: f.path, ...st }).toMatchObject({ path: f.path, mode: f.mode, owner: f.owner, group: f.group });
            expect(controller.read(f.path)).toBe(f.content);
        }
        expect(controller.read("/etc/nginx/sites-enabled/default")).toBeUndefined();
        const acts = actions(r.calls);
        for (const unit of ["openzro-management", "openzro-signal", "nginx"]) {
            expect(acts.some((a) => new RegExp(`^(restart|start|reload) ${unit}$`).test(a))).toBe(true);
        }
    });

    test("the services run from those files: management, signal and nginx answer locally", async () => {
        expect(await curl(controller, "http://127.0.0.1:33073/scim/v2/ServiceProviderConfig")).toBe("200");
        expect(await curl(controller, "http://127.0.0.1/healthz")).toBe("200");
        // Distinct metrics ports per daemon (D13): both bound, neither crashed on :9090.
        expect(await curl(controller, "http://127.0.0.1:9091/metrics")).toBe("200");
        expect(await curl(controller, "http://127.0.0.1:9092/metrics")).toBe("200");
        const dashboard = controller.read(`${DASHBOARD_ROOT}/index.html`) ?? "";
        expect(dashboard).toContain(`"authority":"${fixture.settings.oidc.issuer}"`);
        expect(dashboard).not.toContain("$AUTH_AUTHORITY");
        const verify = await converge(controller, controllerPayload(fixture, 0, controllerFiles), "verify");
        expectOk(verify);
        expect(actions(verify.calls)).toEqual([]);
    });

    test("the metrics agent is installed from its verified package and scrapes every openZro daemon of the host", async () => {
        const dpkg = await controller.exec(["dpkg-query", "-W", "-f", "${db:Status-Abbrev}${Version}", "amazon-cloudwatch-agent"]);
        expect(dpkg.stdout).toBe(`ii ${CLOUDWATCH_AGENT_VERSION}`);
        expect(controller.systemctlCalls()).toEqual(expect.arrayContaining(["enable --quiet amazon-cloudwatch-agent"]));
        // The stand-in agent logs each scrape of the targets in the shipped scrape configuration.
        const log = "/opt/aws/amazon-cloudwatch-agent/logs/amazon-cloudwatch-agent.log";
        await retryUntil(
            "the agent scraped management and signal",
            async () => {
                const text = controller.read(log) ?? "";
                return /^scrape 127\.0\.0\.1:9091 200 /m.test(text) && /^scrape 127\.0\.0\.1:9092 200 /m.test(text) ? true : undefined;
            },
            { timeoutMs: 20_000, intervalMs: 500 },
        );
    });

    test("a second run with the same payload changes no file and restarts nothing", async () => {
        const before = snap(controller);
        const r = await converge(controller, controllerPayload(fixture, 0, controllerFiles), "update");
        expectOk(r);
        expect(changedPaths(before, snap(controller))).toEqual([]);
        expect(actions(r.calls)).toEqual([]);
        expect(r.stdout).toMatch(/no changes/);
        expect(fs.existsSync(path.join(controller.root, "var/lib/openzro/drain"))).toBe(false);
    });

    test("a changed input (openzro:disableDefaultPolicy) rewrites management.json only and restarts management only", async () => {
        const changed = await loadFixture("production", { "openzro:disableDefaultPolicy": true });
        const files = changed.controllerFiles(0, secrets);
        const before = snap(controller);
        const r = await converge(controller, controllerPayload(changed, 0, files), "update");
        expectOk(r);
        expect(changedPaths(before, snap(controller))).toEqual(["/etc/openzro/management.json"]);
        expect(actions(r.calls)).toEqual(["restart openzro-management"]);
        expect(JSON.parse(controller.read("/etc/openzro/management.json") ?? "{}").DisableDefaultPolicy).toBe(true);
        expect(fs.existsSync(path.join(controller.root, "var/lib/openzro/drain"))).toBe(false);
        // Back to the production files for the next test.
        expectOk(await converge(controller, controllerPayload(fixture, 0, controllerFiles), "update"));
    }, 120_000);

    test("a change to the metrics agent's configuration restarts only the agent and does not drain the controller", async () => {
        // Another metrics namespace: a change to the agent's own file only.
        const renamed = (content: string) => {
            const config = JSON.parse(content);
            config.logs.metrics_collected.prometheus.emf_processor.metric_namespace += "-renamed";
            return `${JSON.stringify(config, null, 2)}\n`;
        };
        const changed = controllerFiles.map((f) => (f.path === CLOUDWATCH_AGENT_CONFIG_PATH ? { ...f, content: renamed(f.content) } : f));
        const r = await converge(controller, controllerPayload(fixture, 0, changed), "update");
        expectOk(r);
        expect(actions(r.calls)).toEqual(["restart amazon-cloudwatch-agent"]);
        expect(r.stdout).not.toMatch(/\bdrained\b/);
        // A change to what serves traffic does drain (the same run with management's file changed).
        const serving = await loadFixture("production", { "openzro:disableDefaultPolicy": true });
        const both = await converge(controller, controllerPayload(serving, 0, serving.controllerFiles(0, secrets)), "update");
        expectOk(both);
        expect(both.stdout).toMatch(/\bdrained\b/);
        expectOk(await converge(controller, controllerPayload(fixture, 0, controllerFiles), "update"));
    }, 120_000);

    test(`a version bump (${NEXT_VERSION}) upgrades the packages and restarts management and signal, not nginx`, async () => {
        const r = await converge(controller, controllerPayload(fixture, 0, controllerFiles, NEXT_VERSION), "update");
        expectOk(r);
        expect(await installedVersion(controller, "openzro-management")).toBe(PUBLISHED[NEXT_VERSION]);
        // apt saw a newer version (alpha.86 < alpha.87 in dpkg's order), not a downgrade.
        expect(await lastAptTransaction(controller)).toEqual([expect.stringMatching(/^Upgrade: .*openzro-management:[a-z0-9]+ \(0\.53\.1~alpha\.86, 0\.53\.1~alpha\.87\)/)]);
        const acts = actions(r.calls).filter((a) => /^(restart|start|reload|stop) /.test(a));
        expect(acts.sort()).toEqual(["restart openzro-management", "restart openzro-signal"]);
        expect(await curl(controller, "http://127.0.0.1/healthz")).toBe("200");
        expect((await controller.exec(["apt-mark", "showhold"])).stdout.split("\n")).toEqual(
            expect.arrayContaining(["openzro-management", "openzro-signal", "openzro-dashboard"]),
        );
    });

    test("the same payload again changes nothing: the installed 0.53.1~alpha.87 is recognised as the release 0.53.1-alpha.87", async () => {
        const before = snap(controller);
        const r = await converge(controller, controllerPayload(fixture, 0, controllerFiles, NEXT_VERSION), "update");
        expectOk(r);
        expect(changedPaths(before, snap(controller))).toEqual([]);
        expect(actions(r.calls)).toEqual([]);
    });

    test(`the stable release ${STABLE_VERSION} sorts after its pre-releases (0.53.1~alpha.87 < 0.53.1): an upgrade`, async () => {
        const r = await converge(controller, controllerPayload(fixture, 0, controllerFiles, STABLE_VERSION), "update");
        expectOk(r);
        expect(await installedVersion(controller, "openzro-signal")).toBe(PUBLISHED[STABLE_VERSION]);
        expect(await lastAptTransaction(controller)).toEqual([expect.stringMatching(/^Upgrade: .*openzro-signal:[a-z0-9]+ \(0\.53\.1~alpha\.87, 0\.53\.1\)/)]);
    });

    test(`a rollback to ${NEXT_VERSION} is a downgrade apt performs for the pinned install`, async () => {
        const r = await converge(controller, controllerPayload(fixture, 0, controllerFiles, NEXT_VERSION), "update");
        expectOk(r);
        expect(await installedVersion(controller, "openzro-dashboard")).toBe(PUBLISHED[NEXT_VERSION]);
        expect(await lastAptTransaction(controller)).toEqual([expect.stringMatching(/^Downgrade: .*openzro-dashboard:[a-z0-9]+ \(0\.53\.1, 0\.53\.1~alpha\.87\)/)]);
        expect(await curl(controller, "http://127.0.0.1/healthz")).toBe("200");
    });

    test("a failing health wait exits non-zero, naming the service, with its last journal lines and no secret", async () => {
        await controller.exec(["systemctl", "stop", "openzro-management"]);
        // Management would not come back: its env file has lost the main DSN (the D1 failure mode).
        const env = envFilePath(fixture.settings.hosts.osFamily, "openzro-management");
        const broken = controllerFiles.map((f) =>
            f.path === env ? { ...f, content: f.content.split("\n").filter((l) => !l.startsWith("OPENZRO_STORE_ENGINE_POSTGRES_DSN=")).join("\n") } : f,
        );
        // update writes the file and restarts management; on a multi-controller stack it leaves the full health
        // wait of quorum-bound services to the verify step, which is what fails here.
        const r = await converge(controller, controllerPayload(fixture, 0, broken, NEXT_VERSION), "update");
        const verify = await converge(controller, controllerPayload(fixture, 0, broken, NEXT_VERSION), "verify", { OZ_VERIFY_TIMEOUT_SECONDS: "6" });
        expect(verify.status).not.toBe(0);
        expect(verify.stderr).toMatch(/openzro-management not healthy after 6s/);
        expect(verify.stderr).toContain("OPENZRO_STORE_ENGINE_POSTGRES_DSN is not set");
        for (const secret of Object.values(secrets)) expect(r.stdout + r.stderr + verify.stdout + verify.stderr).not.toContain(secret);
    });
});

describe("relay us-east (production plan)", () => {
    test("first run installs the relay, writes its files and the relay answers", async () => {
        const r = await converge(relay, relayPayload(fixture, 0, relayFiles), "create");
        expectOk(r);
        expect(await installedVersion(relay, "openzro-relay")).toBe(PUBLISHED[fixture.settings.openzroVersion]);
        expect((await relay.exec(["apt-mark", "showhold"])).stdout.split("\n")).toContain("openzro-relay");
        for (const f of relayFiles) {
            expect({ path: f.path, ...fileState(relay.root, f.path) }).toMatchObject({ path: f.path, mode: f.mode, owner: f.owner, group: f.group });
            expect(relay.read(f.path)).toBe(f.content);
        }
        expect(actions(r.calls).some((a) => /^(restart|start) openzro-relay$/.test(a))).toBe(true);
        expect(await curl(relay, "http://127.0.0.1:9090/metrics")).toBe("200");
        // The relay advertises its own address (it listens where the exposed URL says).
        const port = fixture.settings.relay.port;
        expect((await relay.exec(["bash", "-c", `exec 3<>/dev/tcp/127.0.0.1/${port}`])).status).toBe(0);
    });

    test("a second run changes no file and restarts nothing", async () => {
        const before = snap(relay);
        const r = await converge(relay, relayPayload(fixture, 0, relayFiles), "update");
        expectOk(r);
        expect(changedPaths(before, snap(relay))).toEqual([]);
        expect(actions(r.calls)).toEqual([]);
    });

    test("a relay that cannot start fails the run with its journal, and the correct payload recovers it", async () => {
        const env = envFilePath(fixture.settings.hosts.osFamily, "openzro-relay");
        const broken = relayFiles.map((f) => (f.path === env ? { ...f, content: f.content.replace(/^OZ_EXPOSED_ADDRESS=.*\n/m, "") } : f));
        const r = await converge(relay, relayPayload(fixture, 0, broken), "update", { OZ_HEALTH_TIMEOUT_SECONDS: "6" });
        expect(r.status).not.toBe(0);
        expect(r.stderr).toMatch(/openzro-relay not healthy after 6s: HTTP 000 from http:\/\/127\.0\.0\.1:9090\/metrics/);
        expect(r.stderr).toContain("exposed address is required");
        expect(r.stdout + r.stderr).not.toContain(secrets.relayAuthSecret);

        const fixed = await converge(relay, relayPayload(fixture, 0, relayFiles), "update");
        expectOk(fixed);
        expect(actions(fixed.calls)).toEqual(["restart openzro-relay"]);
        expect(await curl(relay, "http://127.0.0.1:9090/metrics")).toBe("200");
    });

    test("coturn answers STUN from the rendered config on the relay host", async () => {
        const r = await relay.exec(["bash", "-c", "timeout 5 turnutils_stunclient 127.0.0.1"]);
        expect(r.stdout).toMatch(/UDP reflexive addr: 127\.0\.0\.1:\d+/);
    });

    // The packaged unit (ProtectSystem=strict, no capability) as the relay host has it: without the drop-in's
    // StateDirectory= the Let's Encrypt data dir is not writable, without AmbientCapabilities= port 443 cannot be
    // bound, and either way the run fails on the relay's own listener.
    test.each([
        ["StateDirectory", /^StateDirectory(Mode)?=.*\n/gm, /read-only file system/],
        ["the bind capability", /^(AmbientCapabilities|CapabilityBoundingSet)=.*\n/gm, /listen tcp :443: Permission denied/],
    ])("a drop-in without %s fails the run on the relay listener", async (_what, strip, journal) => {
        const dropIn = dropInPath("openzro-relay");
        const broken = relayFiles.map((f) => (f.path === dropIn ? { ...f, content: f.content.replace(strip, "") } : f));
        expect(broken.find((f) => f.path === dropIn)?.content).not.toBe(relayFiles.find((f) => f.path === dropIn)?.content);
        const r = await converge(relay, relayPayload(fixture, 0, broken), "update", { OZ_HEALTH_TIMEOUT_SECONDS: "6" });
        expect(r.status).not.toBe(0);
        expect(r.stderr).toMatch(/openzro-relay not healthy after 6s/);
        expect(r.stderr).toMatch(journal);
        const fixed = await converge(relay, relayPayload(fixture, 0, relayFiles), "update");
        expectOk(fixed);
        expect((await relay.exec(["bash", "-c", `exec 3<>/dev/tcp/127.0.0.1/${fixture.settings.relay.port}`])).status).toBe(0);
    });
});
