// Every controller's rendered nginx site (production plan), run by the real Debian nginx on its own loopback
// address, in front of real upstreams: a grpc-js server registering management.ManagementService,
// flow.FlowService and signalexchange.SignalExchange, an HTTP server standing in for management's REST API on
// the same port (management serves both on 33073), and a static dashboard tree. The site is rendered by the
// same renderer the host layer uses, with only its listen addresses, upstreams, roots and drain file pointed
// at the stand-ins (renderer parameters) and the load balancer's subnets mapped to a stand-in LB address.
import * as grpc from "@grpc/grpc-js";
import * as fs from "fs";
import * as path from "path";
import { NGINX_SITE_PATH, renderControllerFiles } from "../../components/host/render";
import type { NginxSiteOptions } from "../../components/host/render";
import { NGINX_MAIN_CONF_PATH, renderNginxMainConf } from "../../components/host/render/nginxMain";
import { MANAGEMENT_PORT, NGINX_GRPC_PORT, NGINX_HTTP_PORT, SIGNAL_PORT } from "../../components/host/ports";
import { standInMap } from "./harness/addresses";
import { bidiEcho, Clients, clientsFor, rawGrpcResponse, rawUnary, serverStream, unary } from "./harness/grpc-clients";
import { LoadedProtos, loadProtos, RunningGrpc, startSignalGrpc } from "./harness/grpc-standins";
import { httpGet, httpPost, nginxTimeSeconds } from "./harness/http-client";
import { RunningManagement, startManagementStandIn } from "./harness/management-standin";
import { DEBIAN_MAIN_CONF, directiveValues, relocateMainConf, serverBlocks, startNginx } from "./harness/nginx-runner";
import { standInTopology } from "./harness/plan-topology";
import { ProcessGroup, retryUntil, waitForPort } from "./harness/processes";
import { makeWorkDir, removeWorkDir } from "./harness/workdir";
import { fileAt, loadFixture, StackFixture, throwawaySecrets } from "./support/fixture";

jest.setTimeout(120_000);

const PREFIX = "127.0.10";
/** Requests from this address come "from the ALB" (it replaces the ALB subnets in set_real_ip_from). */
const LOAD_BALANCER = `${PREFIX}.2`;
/** A second nginx for controller-1 with a 2 s stream timeout: proves the timeout directives govern the streams. */
const SHORT_TIMEOUT_HOST = `${PREFIX}.21`;
const SHORT_TIMEOUT = "2s";
/** What a gRPC UNAVAILABLE looks like on the wire (gRPC PROTOCOL-HTTP2: HTTP 200, application/grpc, grpc-status). */
const GRPC_UNAVAILABLE = { httpStatus: 200, contentType: "application/grpc", grpcStatus: "14" };

interface Controller {
    readonly name: string;
    readonly host: string;
    readonly dir: string;
    readonly drainFile: string;
    management: RunningManagement;
    signal: RunningGrpc;
    clients: Clients;
}

let fixture: StackFixture;
let workDir: string;
let group: ProcessGroup;
let protos: LoadedProtos;
const controllers: Controller[] = [];
let shortClients: Clients;

function renderSite(f: StackFixture, index: number, host: string, upstreamHost: string, dir: string, streamTimeout?: string): string {
    const map = standInMap([...f.topology.controllers.map((c) => c.privateIp), f.topology.database.host], PREFIX);
    const topology = standInTopology(f.topology, map, LOAD_BALANCER);
    const files = renderSiteFiles(f, topology, index, {
        httpListen: `${host}:${NGINX_HTTP_PORT}`,
        grpcListen: `${host}:${NGINX_GRPC_PORT}`,
        dashboardRoot: path.join(dir, "dashboard"),
        drainFile: path.join(dir, "drain"),
        managementUpstream: `${upstreamHost}:${MANAGEMENT_PORT}`,
        signalUpstream: `${upstreamHost}:${SIGNAL_PORT}`,
        ...(streamTimeout ? { streamTimeout } : {}),
    });
    return fileAt(files, NGINX_SITE_PATH).content;
}

/** The host layer's renderer entry point, with the stand-in topology and nginx parameters. */
function renderSiteFiles(f: StackFixture, topology: StackFixture["topology"], index: number, nginx: NginxSiteOptions) {
    return renderControllerFiles(f.settings, topology, index, throwawaySecrets(), { nginx });
}

/**
 * The main nginx.conf a controller runs under: the program's rendered one when it ships one (pointed at the test
 * dir through the renderer's parameters), else the package's own (relocated by startNginx).
 */
function mainConfFor(f: StackFixture, dir: string, siteFile: string): string | undefined {
    if (!f.controllerFiles(0, throwawaySecrets()).some((x) => x.path === NGINX_MAIN_CONF_PATH)) return undefined;
    return renderNginxMainConf(f.settings.hosts.osFamily, { siteInclude: siteFile, pidFile: path.join(dir, "nginx.pid"), logDir: dir });
}

function writeDashboard(root: string): void {
    fs.mkdirSync(path.join(root, "assets"), { recursive: true });
    fs.writeFileSync(path.join(root, "index.html"), "<!doctype html><title>openZro dashboard stand-in</title>\n");
    fs.writeFileSync(path.join(root, "assets", "app.js"), "console.log('dashboard asset');\n");
}

beforeAll(async () => {
    fixture = await loadFixture("production");
    workDir = makeWorkDir("nginx");
    group = new ProcessGroup(path.join(workDir, "logs"));
    protos = loadProtos();
    for (let i = 0; i < fixture.topology.controllers.length; i++) {
        const name = fixture.topology.controllers[i].name;
        const host = `${PREFIX}.${11 + i}`;
        const dir = path.join(workDir, name);
        writeDashboard(path.join(dir, "dashboard"));
        const management = await startManagementStandIn(protos, host, MANAGEMENT_PORT);
        const signal = await startSignalGrpc(protos, host, SIGNAL_PORT);
        const siteFile = path.join(dir, "openzro.conf");
        fs.writeFileSync(siteFile, renderSite(fixture, i, host, host, dir));
        const nginx = startNginx(group, `nginx-${name}`, path.join(dir, "nginx"), [siteFile], mainConfFor(fixture, path.join(dir, "nginx"), siteFile));
        await waitForPort(host, NGINX_GRPC_PORT, 10000, nginx.process);
        controllers.push({ name, host, dir, drainFile: path.join(dir, "drain"), management, signal, clients: clientsFor(protos, `${host}:${NGINX_GRPC_PORT}`) });
    }
    // controller-1 again, behind a second nginx whose stream timeout is short.
    const c1 = controllers[0];
    const shortSite = path.join(c1.dir, "short", "openzro.conf");
    fs.mkdirSync(path.dirname(shortSite), { recursive: true });
    fs.writeFileSync(shortSite, renderSite(fixture, 0, SHORT_TIMEOUT_HOST, c1.host, c1.dir, SHORT_TIMEOUT));
    const shortDir = path.join(c1.dir, "short", "nginx");
    const shortNginx = startNginx(group, "nginx-short-timeout", shortDir, [shortSite], mainConfFor(fixture, shortDir, shortSite));
    await waitForPort(SHORT_TIMEOUT_HOST, NGINX_GRPC_PORT, 10000, shortNginx.process);
    shortClients = clientsFor(protos, `${SHORT_TIMEOUT_HOST}:${NGINX_GRPC_PORT}`);
});

afterAll(async () => {
    for (const c of controllers) {
        c.clients.close();
        await c.management.stop();
        await c.signal.stop();
    }
    shortClients?.close();
    await group?.stopAll();
    if (workDir) removeWorkDir(workDir);
});

/** The production stack runs three controllers (size medium); the first test checks the plan agrees. */
const PRODUCTION_CONTROLLERS = ["controller-1", "controller-2", "controller-3"];

describe("the production site as rendered", () => {
    test("the plan has the controllers this file runs", () => {
        expect(fixture.topology.controllers.map((c) => c.name)).toEqual(PRODUCTION_CONTROLLERS);
    });

    test("nginx runs under the main config the controller gets (the program's when it ships one, else the package's)", () => {
        const shipped = fixture.controllerFiles(0, throwawaySecrets()).find((f) => f.path === NGINX_MAIN_CONF_PATH);
        const running = fs.readFileSync(path.join(controllers[0].dir, "nginx", "nginx.conf"), "utf8");
        const dir = path.join(controllers[0].dir, "nginx");
        const site = path.join(controllers[0].dir, "openzro.conf");
        if (shipped) {
            expect(shipped.content).toBe(renderNginxMainConf(fixture.settings.hosts.osFamily));
            expect(running).toBe(renderNginxMainConf(fixture.settings.hosts.osFamily, { siteInclude: site, pidFile: path.join(dir, "nginx.pid"), logDir: dir }));
        } else {
            expect(running).toBe(relocateMainConf(fs.readFileSync(DEBIAN_MAIN_CONF, "utf8"), dir, [site]));
        }
    });

    test("keeps gRPC streams open far beyond nginx's 60 s defaults (read, send and request body)", () => {
        const grpcServer = serverBlocks(fileAt(fixture.controllerFiles(0, throwawaySecrets()), NGINX_SITE_PATH).content).find((b) =>
            /listen\s+\S+\s+http2/.test(b),
        );
        expect(grpcServer).toBeDefined();
        for (const directive of ["grpc_read_timeout", "grpc_send_timeout", "client_body_timeout"]) {
            const values = directiveValues(grpcServer as string, directive);
            expect(values.length).toBeGreaterThan(0);
            for (const v of values) expect(nginxTimeSeconds(v)).toBeGreaterThanOrEqual(3600);
        }
    });
});

describe.each(PRODUCTION_CONTROLLERS.map((name, i) => [name, i] as const))("%s behind its rendered nginx", (_name, index) => {
    const c = () => controllers[index];
    const http = (p: string) => `http://${c().host}:${NGINX_HTTP_PORT}${p}`;

    test("serves the dashboard, its assets and the SPA fallback for deep links, with security headers", async () => {
        const index = await httpGet(http("/"));
        expect(index.status).toBe(200);
        expect(index.body).toContain("openZro dashboard stand-in");
        expect(index.headers["x-content-type-options"]).toBe("nosniff");
        expect(index.headers["strict-transport-security"]).toMatch(/max-age=\d+/);
        const asset = await httpGet(http("/assets/app.js"));
        expect(asset.body).toContain("dashboard asset");
        const deepLink = await httpGet(http("/peers/3f2a/details"));
        expect(deepLink.status).toBe(200);
        expect(deepLink.body).toContain("openZro dashboard stand-in");
    });

    test("proxies /api to management's REST API with the client address the ALB forwarded", async () => {
        const r = await httpGet(http("/api/users?limit=1"), {
            localAddress: LOAD_BALANCER,
            headers: { "X-Forwarded-For": "198.51.100.7", "X-Forwarded-Proto": "https" },
        });
        expect(r.status).toBe(200);
        const seen = JSON.parse(r.body);
        expect(seen.standIn).toBe("management-rest");
        expect(seen.url).toBe("/api/users?limit=1");
        expect(seen.xRealIp).toBe("198.51.100.7");
        expect(String(seen.xForwardedFor).split(/,\s*/)).toContain("198.51.100.7");
        expect(seen.xForwardedProto).toBe("https");
    });

    test("routes SCIM 2.0 to management: /scim/v2/ServiceProviderConfig is management's JSON, not the SPA's index.html", async () => {
        const r = await httpGet(http("/scim/v2/ServiceProviderConfig"), {
            localAddress: LOAD_BALANCER,
            headers: { "X-Forwarded-For": "198.51.100.8", "X-Forwarded-Proto": "https" },
        });
        expect(r.status).toBe(200);
        expect(r.headers["content-type"]).toMatch(/^application\/json/);
        const seen = JSON.parse(r.body);
        expect(seen).toMatchObject({ standIn: "management-scim", url: "/scim/v2/ServiceProviderConfig", xRealIp: "198.51.100.8", xForwardedProto: "https" });
        expect(seen.schemas).toContain("urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig");
        // An IdP's provisioning call reaches management's auth (401 without a token), not a 200 HTML page.
        const users = await httpGet(http("/scim/v2/Users?filter=userName%20eq%20%22a%40example.com%22"));
        expect(users.status).toBe(401);
        const withToken = await httpGet(http("/scim/v2/Users"), { headers: { Authorization: "Bearer nbp_standin" } });
        expect(JSON.parse(withToken.body)).toMatchObject({ standIn: "management-scim", url: "/scim/v2/Users" });
    });

    test("serves the dashboard uncached with Service-Worker-Allowed (index, deep links, the OIDC service worker), security headers kept", async () => {
        fs.writeFileSync(path.join(c().dir, "dashboard", "OidcServiceWorker.js"), "self.addEventListener('fetch', () => {});\n");
        for (const p of ["/", "/peers/3f2a/details", "/OidcServiceWorker.js", "/assets/app.js"]) {
            const r = await httpGet(http(p));
            expect([p, r.status]).toEqual([p, 200]);
            expect([p, r.headers["cache-control"]]).toEqual([p, "no-store, no-cache, must-revalidate, proxy-revalidate, max-age=0"]);
            expect([p, r.headers["service-worker-allowed"]]).toEqual([p, "/"]);
            expect([p, r.headers["x-content-type-options"], r.headers["x-frame-options"]]).toEqual([p, "nosniff", "SAMEORIGIN"]);
            expect([p, r.headers["strict-transport-security"]]).toEqual([p, expect.stringMatching(/max-age=\d+/)]);
        }
        // The API keeps management's own caching: nginx adds none.
        expect((await httpGet(http("/api/peers"))).headers["cache-control"]).toBeUndefined();
    });

    test("takes request bodies up to openZro's 32m on /api/ (nginx's default 1m would answer 413), and refuses more", async () => {
        const fiveMb = Buffer.alloc(5 * 1024 * 1024, 0x20);
        const ok = await httpPost(http("/api/setup-keys"), fiveMb);
        expect(ok.status).toBe(200);
        expect(JSON.parse(ok.body)).toMatchObject({ standIn: "management-rest", method: "POST", bodyBytes: fiveMb.length });
        const tooBig = await httpPost(http("/api/setup-keys"), Buffer.alloc(33 * 1024 * 1024, 0x20)).catch((e: Error) => e);
        // nginx refuses on the Content-Length alone: 413 (or the connection closed mid-upload), never management.
        if (!(tooBig instanceof Error)) expect(tooBig.status).toBe(413);
        expect(c().management.rest.requests.filter((q) => q.method === "POST").length).toBe(1);
    });

    test("does not believe X-Forwarded-For from anyone but the load balancer", async () => {
        const r = await httpGet(http("/api/peers"), { localAddress: "127.0.0.1", headers: { "X-Forwarded-For": "203.0.113.99" } });
        const seen = JSON.parse(r.body);
        expect(seen.xRealIp).toBe("127.0.0.1");
    });

    test("answers unary and streaming gRPC over h2c for management, flow and signal, forwarding the client address", async () => {
        const { management, signal, flow } = c().clients;
        expect((await unary(management, "isHealthy", {})).code).toBe(grpc.status.OK);
        const sync = await serverStream(management, "Sync", { wgPubKey: "peer-a", body: Buffer.from(JSON.stringify({ messages: 3, intervalMs: 50 })) }, 10000);
        expect(sync).toEqual({ code: grpc.status.OK, details: "", messages: 3 });
        expect((await unary(flow, "Status", {})).code).toBe(grpc.status.OK);
        expect((await bidiEcho(flow, "Events", [{ eventId: Buffer.from("e1") }, { eventId: Buffer.from("e2") }], 10000)).messages).toBe(2);
        const sent = await unary(signal, "Send", { key: "a", remoteKey: "b", body: Buffer.from("offer") });
        expect(sent.code).toBe(grpc.status.OK);
        const connect = await bidiEcho(signal, "ConnectStream", [{ key: "a", remoteKey: "b", body: Buffer.from("{}") }, { key: "a", remoteKey: "b", body: Buffer.from("{}") }], 10000);
        expect(connect).toMatchObject({ code: grpc.status.OK, messages: 2 });
        const calls = [...c().management.grpc.calls, ...c().signal.calls];
        expect(calls.map((x) => x.path)).toEqual(
            expect.arrayContaining([
                "/management.ManagementService/isHealthy",
                "/management.ManagementService/Sync",
                "/flow.FlowService/Status",
                "/flow.FlowService/Events",
                "/signalexchange.SignalExchange/Send",
                "/signalexchange.SignalExchange/ConnectStream",
            ]),
        );
        for (const call of calls) expect(call.metadata["x-forwarded-for"]).toBeTruthy();
    });

    test("answers the ALB's gRPC health checks: management isHealthy OK, signal Healthz UNIMPLEMENTED", async () => {
        expect((await rawUnary(c().clients.raw, "/management.ManagementService/isHealthy")).code).toBe(grpc.status.OK);
        expect((await rawUnary(c().clients.raw, "/signalexchange.SignalExchange/Healthz")).code).toBe(grpc.status.UNIMPLEMENTED);
    });

    test("drains: /healthz 200, then 503 and gRPC UNAVAILABLE while the drain file exists, then 200 again", async () => {
        const healthz = async () => (await httpGet(http("/healthz"))).status;
        expect(await healthz()).toBe(200);
        fs.writeFileSync(c().drainFile, "");
        try {
            expect(await healthz()).toBe(503);
            const drained = await rawUnary(c().clients.raw, "/management.ManagementService/isHealthy");
            expect(drained.code).toBe(grpc.status.UNAVAILABLE);
            // A real gRPC answer, not an HTTP error a client library may map to 14 (grpc-js does, grpc-go -- the
            // peers -- reports Unknown for a non-200 status without content-type): PROTOCOL-HTTP2 Trailers-Only.
            for (const p of ["/management.ManagementService/isHealthy", "/flow.FlowService/Status", "/signalexchange.SignalExchange/Send"]) {
                expect(await rawGrpcResponse(`${c().host}:${NGINX_GRPC_PORT}`, p)).toEqual(GRPC_UNAVAILABLE);
            }
            expect((await unary(c().clients.signal, "Send", { key: "a", remoteKey: "b" })).code).toBe(grpc.status.UNAVAILABLE);
            expect((await unary(c().clients.flow, "Status", {})).code).toBe(grpc.status.UNAVAILABLE);
        } finally {
            fs.rmSync(c().drainFile, { force: true });
        }
        expect(await healthz()).toBe(200);
        expect((await rawUnary(c().clients.raw, "/management.ManagementService/isHealthy")).code).toBe(grpc.status.OK);
    });
});

describe("controller-1 when its daemons stop", () => {
    test("signal down: the ALB's signal health check gets UNAVAILABLE (14) instead of UNIMPLEMENTED", async () => {
        const c = controllers[0];
        await c.signal.stop();
        try {
            const r = await retryUntil(
                "signal reported UNAVAILABLE",
                async () => {
                    const o = await rawUnary(c.clients.raw, "/signalexchange.SignalExchange/Healthz");
                    return o.code === grpc.status.UNAVAILABLE ? o : undefined;
                },
                { timeoutMs: 10000, intervalMs: 300 },
            );
            expect(r.value.code).toBe(grpc.status.UNAVAILABLE);
            expect(await rawGrpcResponse(`${c.host}:${NGINX_GRPC_PORT}`, "/signalexchange.SignalExchange/Healthz")).toEqual(GRPC_UNAVAILABLE);
            // Management on the same host is unaffected.
            expect((await rawUnary(c.clients.raw, "/management.ManagementService/isHealthy")).code).toBe(grpc.status.OK);
        } finally {
            c.signal = await startSignalGrpc(protos, c.host, SIGNAL_PORT);
        }
        expect((await rawUnary(c.clients.raw, "/signalexchange.SignalExchange/Healthz")).code).toBe(grpc.status.UNIMPLEMENTED);
    });

    test("management down: /healthz answers 503 so the ALB stops sending traffic", async () => {
        const c = controllers[0];
        await c.management.stop();
        try {
            expect((await httpGet(`http://${c.host}:${NGINX_HTTP_PORT}/healthz`)).status).toBe(503);
            expect((await rawUnary(c.clients.raw, "/management.ManagementService/isHealthy")).code).toBe(grpc.status.UNAVAILABLE);
        } finally {
            c.management = await startManagementStandIn(protos, c.host, MANAGEMENT_PORT);
        }
        expect((await httpGet(`http://${c.host}:${NGINX_HTTP_PORT}/healthz`)).status).toBe(200);
    });
});

describe("gRPC stream timeouts (controller-1)", () => {
    const plan = (messages: number, intervalMs: number) => ({ wgPubKey: "peer", body: Buffer.from(JSON.stringify({ messages, intervalMs })) });

    test(`a stream silent for longer than the stream timeout is cut (control: nginx with ${SHORT_TIMEOUT})`, async () => {
        const [quiet, busy, silent] = await Promise.all([
            serverStream(shortClients.management, "Sync", plan(1, 800), 15000),
            // Five messages a second apart: the timeout is between reads, so a talking stream outlives it.
            serverStream(shortClients.management, "Sync", plan(5, 900), 15000),
            serverStream(shortClients.management, "Sync", plan(1, 4500), 15000),
        ]);
        expect(quiet).toMatchObject({ code: grpc.status.OK, messages: 1 });
        expect(busy).toMatchObject({ code: grpc.status.OK, messages: 5 });
        expect(silent.code).not.toBe(grpc.status.OK);
        expect(silent.messages).toBe(0);
    });

    const idleMs = Number(process.env.OZ_IT_STREAM_IDLE_SECONDS ?? "4.5") * 1000;
    test(`the same silent stream survives the rendered production timeouts (idle ${idleMs / 1000} s; OZ_IT_STREAM_IDLE_SECONDS=65 proves > 60 s)`, async () => {
        const c = controllers[0];
        const [sync, connect] = await Promise.all([
            serverStream(c.clients.management, "Sync", plan(1, idleMs), idleMs + 15000),
            bidiEcho(c.clients.signal, "ConnectStream", [{ key: "a", remoteKey: "b", body: Buffer.from(JSON.stringify({ messages: 1, intervalMs: idleMs })) }], idleMs + 15000),
        ]);
        expect(sync).toMatchObject({ code: grpc.status.OK, messages: 1 });
        expect(connect).toMatchObject({ code: grpc.status.OK, messages: 1 });
    }, Number(process.env.OZ_IT_STREAM_IDLE_SECONDS ?? "4.5") * 1000 + 60_000);
});
