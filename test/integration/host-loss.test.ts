// Whole-host loss behind a load balancer. Three controller stand-in hosts, each in its own PID namespace on its own
// loopback address, each running what a controller runs: the rendered nginx site, management's embedded NATS
// (nats-server configured from the rendered env, as nats-embedded.test.ts does) and the management/signal gRPC and
// REST stand-ins. In front, a small round-robin front that skips unhealthy backends with the target group's own
// health check (path, thresholds; interval and timeout scaled down). A steady load of REST requests, gRPC unary
// calls and gRPC streams runs through it, and JetStream KV writes go to a surviving server. Then one host is killed
// whole (SIGKILL of its namespace's init: every process at once) and the test measures what users would see,
// restarts the host and checks it rejoins and serves again.
//
// Mutation switches (for the check recorded in docs/testing.md, never set in CI):
//   OZ_IT_FRONT_SKIP_UNHEALTHY=0   the front keeps routing to unhealthy backends
//   OZ_IT_HOST_LOSS_CONTROLLERS=2  run only two of the three controllers
import * as fs from "fs";
import * as path from "path";
import { envFilePath } from "../../components/host/render";
import type { NginxSiteOptions } from "../../components/host/render";
import { NGINX_SITE_PATH } from "../../components/host/render";
import { NGINX_MAIN_CONF_PATH, renderNginxMainConf } from "../../components/host/render/nginxMain";
import { HEALTH_PATH, MANAGEMENT_PORT, NGINX_GRPC_PORT, NGINX_HTTP_PORT, SIGNAL_PORT } from "../../components/host/ports";
import { targetGroupPlans } from "../../components/aws/loadBalancerPlan";
import { standInMap, StandInMap } from "./harness/addresses";
import { parseEnvFile } from "./harness/envfile";
import { loadProtos, LoadedProtos } from "./harness/grpc-standins";
import { getUntilOk, KvHandle, openKv, putUntilOk } from "./harness/nats-kv";
import { embeddedNatsConf, embeddedSpecFromEnv, NatsNode, waitForFullMesh, waitForMetaLeader, writeFile } from "./harness/nats";
import { DEBIAN_MAIN_CONF, nginxTest, relocateMainConf } from "./harness/nginx-runner";
import { ProcessGroup, retryUntil, sleep, StartedProcess, waitForPort } from "./harness/processes";
import { makeWorkDir, removeWorkDir } from "./harness/workdir";
import { ClientLoad, Sample } from "./support/client-load";
import { fileAt, loadFixture, StackFixture, throwawaySecrets } from "./support/fixture";
import { RoundRobinFront } from "./support/round-robin-front";

jest.setTimeout(180_000);

const PREFIX = "127.0.60";
/** The front (the ALB stand-in); nginx trusts it as the load balancer. */
const FRONT = `${PREFIX}.2`;
const MONITOR_PORT = 8222;
/** Health-check interval and timeout are scaled down by this factor; thresholds are the settings' own. */
const TIME_SCALE = 10;
const STEADY_MS = 3000;
const AFTER_LOSS_MS = 12000;
const AFTER_REJOIN_MS = 3000;
const KV_BUCKET = "oz_it_host_loss";
/** Peer channels: the front places them round-robin, so every host carries two peers' streams. */
const PEERS = 6;

const CONTROLLERS = Number(process.env.OZ_IT_HOST_LOSS_CONTROLLERS ?? "3");
const SKIP_UNHEALTHY = process.env.OZ_IT_FRONT_SKIP_UNHEALTHY !== "0";

interface Host {
    readonly name: string;
    readonly address: string;
    readonly dir: string;
    readonly nats: NatsNode;
    readonly command: string;
    holder?: StartedProcess;
}

let fixture: StackFixture;
let workDir: string;
let group: ProcessGroup;
let protos: LoadedProtos;
let front: RoundRobinFront;
const hosts: Host[] = [];
const kvHandles: KvHandle[] = [];
const report: Record<string, unknown> = {};

function renderHost(f: StackFixture, map: StandInMap, index: number, address: string, dir: string): { site: string; natsConf: NatsNode; mainConf: string } {
    const secrets = throwawaySecrets();
    const nginx: NginxSiteOptions = {
        httpListen: `${address}:${NGINX_HTTP_PORT}`,
        grpcListen: `${address}:${NGINX_GRPC_PORT}`,
        dashboardRoot: path.join(dir, "dashboard"),
        drainFile: path.join(dir, "drain"),
        managementUpstream: `${address}:${MANAGEMENT_PORT}`,
        signalUpstream: `${address}:${SIGNAL_PORT}`,
    };
    const files = f.controllerFiles(index, secrets, { nginx });
    const siteFile = writeFile(path.join(dir, "openzro.conf"), fileAt(files, NGINX_SITE_PATH).content);
    const nginxDir = path.join(dir, "nginx");
    fs.mkdirSync(path.join(nginxDir, "tmp"), { recursive: true });
    const mainText = f.controllerFiles(0, secrets).some((x) => x.path === NGINX_MAIN_CONF_PATH)
        ? renderNginxMainConf(f.settings.hosts.osFamily, { siteInclude: siteFile, pidFile: path.join(nginxDir, "nginx.pid"), logDir: nginxDir })
        : relocateMainConf(fs.readFileSync(DEBIAN_MAIN_CONF, "utf8"), nginxDir, [siteFile]);
    const mainConf = writeFile(path.join(nginxDir, "nginx.conf"), mainText);
    nginxTest(mainConf, nginxDir);

    const c = f.topology.controllers[index];
    const env = parseEnvFile(fileAt(files, envFilePath(f.settings.hosts.osFamily, "openzro-management")).content);
    const spec = embeddedSpecFromEnv(env, c, map, path.join(dir, "jetstream"));
    const natsConf: NatsNode = {
        name: `nats-${c.name}`,
        confFile: writeFile(path.join(dir, "nats.conf"), embeddedNatsConf(spec, { host: address, port: MONITOR_PORT })),
        clientUrl: `nats://${spec.clientHost}:${spec.clientPort}`,
        monitor: { host: address, port: MONITOR_PORT },
        cluster: { host: spec.clusterHost, port: spec.clusterPort },
    };
    return { site: siteFile, natsConf, mainConf };
}

/** Starts (or restarts) a host: one PID namespace whose init runs nginx, NATS and the stand-ins; it dies whole. */
async function bootHost(h: Host): Promise<void> {
    h.holder = group.start(`host-${h.name}`, "unshare", ["--pid", "--fork", "--kill-child", "--mount", "--mount-proc", "sh", "-c", h.command]);
    await waitForPort(h.address, MANAGEMENT_PORT, 60000, h.holder);
    await waitForPort(h.address, SIGNAL_PORT, 20000, h.holder);
    await waitForPort(h.address, NGINX_GRPC_PORT, 20000, h.holder);
    await waitForPort(h.nats.monitor.host, h.nats.monitor.port, 20000, h.holder);
}

function windowStats(samples: readonly Sample[], from: number, to: number) {
    const inWindow = samples.filter((s) => s.at >= from && s.at < to);
    const failed = inWindow.filter((s) => !s.ok);
    const byKind = (kind: Sample["kind"]) => ({ total: inWindow.filter((s) => s.kind === kind).length, failed: failed.filter((s) => s.kind === kind).length });
    return {
        total: inWindow.length,
        failed: failed.length,
        lastFailureAt: failed.length ? Math.max(...failed.map((s) => s.at)) : undefined,
        rest: byKind("rest"),
        unary: byKind("grpc-unary"),
        stream: byKind("stream"),
    };
}

beforeAll(async () => {
    fixture = await loadFixture("production");
    workDir = makeWorkDir("host-loss");
    group = new ProcessGroup(path.join(workDir, "logs"));
    protos = loadProtos();
    const controllers = fixture.topology.controllers.slice(0, CONTROLLERS);
    const map = standInMap([...fixture.topology.controllers.map((c) => c.privateIp), fixture.topology.database.host], PREFIX);
    const tsNode = require.resolve("ts-node/dist/bin");
    const standins = path.join(__dirname, "support", "controller-standins-main.ts");
    for (let i = 0; i < controllers.length; i++) {
        const c = controllers[i];
        const address = map.host(c.privateIp);
        const dir = path.join(workDir, c.name);
        fs.mkdirSync(path.join(dir, "dashboard"), { recursive: true });
        fs.writeFileSync(path.join(dir, "dashboard", "index.html"), "<!doctype html><title>dashboard stand-in</title>\n");
        const { natsConf, mainConf } = renderHost(fixture, map, i, address, dir);
        const q = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;
        // PID 1 of the namespace: starts the host's daemons and waits; SIGKILL of it ends all of them at once.
        const command = [
            `nats-server -c ${q(natsConf.confFile)} &`,
            `nginx -c ${q(mainConf)} -p ${q(path.join(dir, "nginx"))} -g 'daemon off;' &`,
            `${q(process.execPath)} ${q(tsNode)} --transpile-only ${q(standins)} ${q(address)} &`,
            "wait",
        ].join("\n");
        hosts.push({ name: c.name, address, dir, nats: natsConf, command });
    }
    await Promise.all(hosts.map((h) => bootHost(h)));
    await waitForFullMesh(hosts.map((h) => h.nats), controllers.map((c) => c.hostname), 30000);
    await waitForMetaLeader(hosts.map((h) => h.nats), 30000);

    const http = targetGroupPlans(fixture.settings.loadBalancer).find((p) => p.key === "http")!;
    report.healthCheck = {
        intervalMs: (http.healthCheck.interval * 1000) / TIME_SCALE,
        timeoutMs: (http.healthCheck.timeout * 1000) / TIME_SCALE,
        healthyThreshold: http.healthCheck.healthyThreshold,
        unhealthyThreshold: http.healthCheck.unhealthyThreshold,
    };
    front = new RoundRobinFront({
        backends: hosts.map((h) => h.address),
        ports: [NGINX_HTTP_PORT, NGINX_GRPC_PORT],
        host: FRONT,
        health: { port: NGINX_HTTP_PORT, path: http.healthCheck.path, intervalMs: (http.healthCheck.interval * 1000) / TIME_SCALE, timeoutMs: (http.healthCheck.timeout * 1000) / TIME_SCALE },
        healthyThreshold: http.healthCheck.healthyThreshold,
        unhealthyThreshold: http.healthCheck.unhealthyThreshold,
        skipUnhealthy: SKIP_UNHEALTHY,
    });
    await front.start();
    await retryUntil("every backend healthy in the front", async () => (front.healthyBackends().length === hosts.length ? true : undefined), { timeoutMs: 20000, intervalMs: 100 });
});

afterAll(async () => {
    for (const h of kvHandles) await h.nc.close().catch(() => undefined);
    await front?.stop();
    await group?.stopAll();
    // eslint-disable-next-line no-console
    console.log(`host-loss figures: ${JSON.stringify(report)}`);
    if (workDir) removeWorkDir(workDir);
});

test("the front checks the target group's health path with its thresholds", () => {
    expect(HEALTH_PATH).toBe("/healthz");
    expect(report.healthCheck).toEqual(
        expect.objectContaining({ healthyThreshold: fixture.settings.loadBalancer.healthyThreshold, unhealthyThreshold: fixture.settings.loadBalancer.unhealthyThreshold }),
    );
});

test("losing one whole controller: users see failures only until the front takes it out, KV keeps writing, the host rejoins and serves", async () => {
    const cfg = report.healthCheck as { intervalMs: number; timeoutMs: number; unhealthyThreshold: number };
    // The worst case for a writer: the host whose NATS server leads the KV stream.
    const first = await openKv(hosts[0].nats.clientUrl, KV_BUCKET, hosts.length);
    kvHandles.push(first);
    await putUntilOk(first.kv, "k", "0", 15000);
    const info = await (await first.nc.jetstreamManager()).streams.info(`KV_${KV_BUCKET}`);
    const leader = info.cluster?.leader ?? "";
    const victimIndex = fixture.topology.controllers.findIndex((c) => c.hostname === leader);
    expect(victimIndex).toBeGreaterThanOrEqual(0);
    expect(victimIndex).toBeLessThan(hosts.length);
    const victim = hosts[victimIndex];
    const survivor = hosts[(victimIndex + 1) % hosts.length];
    const kv = await openKv(survivor.nats.clientUrl, KV_BUCKET, hosts.length);
    kvHandles.push(kv);

    // KV writer: one put every 250 ms through the survivor, recording outcomes (bounded by the phases below).
    const kvSamples: { at: number; ok: boolean; seq: number }[] = [];
    let writing = true;
    let seq = 0;
    const writer = (async () => {
        while (writing) {
            seq++;
            const ok = await kv.kv.put("k", String(seq)).then(() => true, () => false);
            kvSamples.push({ at: Date.now(), ok, seq });
            await sleep(250);
        }
    })();

    const load = new ClientLoad(protos, { host: FRONT, httpPort: NGINX_HTTP_PORT, grpcPort: NGINX_GRPC_PORT, peers: PEERS, intervalMs: 50, maxMs: 120_000 });
    load.start();
    try {
        await sleep(STEADY_MS);
        const steadyFrom = Date.now() - STEADY_MS + 500;
        const lossAt = Date.now();
        await group.kill(victim.holder!);
        await sleep(AFTER_LOSS_MS);
        const afterLoss = Date.now();

        const steady = windowStats(load.samples, steadyFrom, lossAt);
        const loss = windowStats(load.samples, lossAt, afterLoss);
        const kvAfter = kvSamples.filter((s) => s.at >= lossAt && s.at < afterLoss);
        // Writes fail while the cluster elects a new stream leader; they must resume and stay up.
        const kvLastFailure = kvAfter.filter((s) => !s.ok).pop();
        const kvResumed = kvAfter.find((s) => s.ok && (!kvLastFailure || s.at > kvLastFailure.at));
        const takenOut = front.transitions.find((t) => t.host === victim.address && !t.healthy && t.at >= lossAt);
        const breaks = load.breaks.filter((b) => b.brokeAt >= lossAt);
        report.loss = {
            victim: victim.name,
            steady: { requests: steady.total, failed: steady.failed },
            duringLoss: { requests: loss.total, failed: loss.failed, rest: loss.rest, unary: loss.unary, stream: loss.stream },
            msUntilEveryCallSucceeds: loss.lastFailureAt === undefined ? 0 : loss.lastFailureAt - lossAt,
            msUntilFrontTookItOut: takenOut ? takenOut.at - lossAt : null,
            streamsBroken: breaks.length,
            msUntilStreamsBack: breaks.map((b) => (b.backAt === undefined ? null : b.backAt - b.brokeAt)),
            kv: {
                writesAfterLoss: kvAfter.filter((s) => s.ok).length,
                failedAfterLoss: kvAfter.filter((s) => !s.ok).length,
                msUntilWritesResumed: kvResumed ? kvResumed.at - lossAt : null,
            },
        };

        // Before the loss: everything works.
        expect(steady.total).toBeGreaterThan(20);
        expect(steady.failed).toBe(0);
        // The front takes the host out within its thresholds (plus one check's timeout and scheduling slack).
        expect(takenOut).toBeDefined();
        expect(takenOut!.at - lossAt).toBeLessThanOrEqual(cfg.unhealthyThreshold * cfg.intervalMs + cfg.timeoutMs + 1500);
        // Users see failures only in that window (plus gRPC's reconnect backoff): after it, every call succeeds.
        const bound = cfg.unhealthyThreshold * cfg.intervalMs + cfg.timeoutMs + 3000;
        expect(loss.lastFailureAt === undefined ? 0 : loss.lastFailureAt - lossAt).toBeLessThanOrEqual(bound);
        const tail = windowStats(load.samples, lossAt + bound, afterLoss);
        expect(tail.total).toBeGreaterThan(20);
        expect(tail.failed).toBe(0);
        // The lost host carried peers' streams (so the figures are not vacuous); they came back on another host.
        expect(breaks.length).toBeGreaterThanOrEqual(1);
        for (const b of breaks) expect(b.backAt).toBeDefined();
        // The JetStream quorum held: KV writes resume after the loss (within the failover bound) and keep working.
        expect(kvResumed).toBeDefined();
        expect(kvResumed!.at - lossAt).toBeLessThanOrEqual(30000);
        expect(kvAfter.filter((s) => s.at >= kvResumed!.at).length).toBeGreaterThan(3);

        // The host comes back: same configuration, same addresses.
        const rejoinAt = Date.now();
        await bootHost(victim);
        const bootedAt = Date.now();
        await waitForFullMesh(hosts.map((h) => h.nats), fixture.topology.controllers.slice(0, hosts.length).map((c) => c.hostname), 30000);
        const { elapsedMs: msUntilHealthy } = await retryUntil("rejoined host healthy in the front", async () => (front.healthyBackends().includes(victim.address) ? true : undefined), {
            timeoutMs: 20000,
            intervalMs: 50,
        });
        const meshAndHealthyAt = Date.now();
        const backFrom = Date.now();
        const before = front.connectionsTo(victim.address);
        await sleep(AFTER_REJOIN_MS);
        const rejoined = windowStats(load.samples, backFrom, Date.now());
        // It has the KV data written while it was gone.
        const back = await openKv(victim.nats.clientUrl, KV_BUCKET, hosts.length);
        kvHandles.push(back);
        const latest = kvSamples.filter((s) => s.ok).pop()!;
        const seen = await retryUntil("rejoined server caught up", async () => {
            const v = Number(await getUntilOk(back.kv, "k", 5000));
            return v >= latest.seq ? v : undefined;
        }, { timeoutMs: 20000, intervalMs: 250 });
        report.rejoin = {
            msToBootServices: bootedAt - rejoinAt,
            msFromServicesUpToMeshAndHealthyInFront: meshAndHealthyAt - bootedAt,
            msHealthyWaitInFront: msUntilHealthy,
            connectionsToRejoined: front.connectionsTo(victim.address) - before,
            requests: rejoined.total,
            failed: rejoined.failed,
            kvCaughtUpToSeq: seen.value,
        };
        expect(front.connectionsTo(victim.address) - before).toBeGreaterThan(1);
        expect(rejoined.total).toBeGreaterThan(20);
        expect(rejoined.failed).toBe(0);
        expect(seen.value).toBeGreaterThanOrEqual(latest.seq);
    } finally {
        writing = false;
        await writer;
        await load.stop();
    }
});
