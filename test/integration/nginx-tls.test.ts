// The rendered nginx site for a load balancer that speaks HTTP/2 to backends only over TLS (grpcBackend "tls",
// GCP's global external Application Load Balancer), run by the real Debian nginx on a loopback address in front
// of the gRPC stand-ins. Clients connect the way Google's front ends do: TLS with ALPN h2, without verifying the
// self-signed certificate. The certificate and key are generated here (openssl) in place of the host layer's
// @pulumi/tls ones and go through the same renderer, which writes them as files nginx loads.
import * as grpc from "@grpc/grpc-js";
import { X509Certificate } from "crypto";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { NGINX_GRPC_TLS_CERT_PATH, NGINX_GRPC_TLS_KEY_PATH, NGINX_SITE_PATH, renderControllerFiles } from "../../components/host/render";
import { NGINX_MAIN_CONF_PATH, renderNginxMainConf } from "../../components/host/render/nginxMain";
import { HEALTH_PATH, MANAGEMENT_PORT, NGINX_GRPC_PORT, NGINX_GRPC_TLS_PORT, NGINX_HTTP_PORT, SIGNAL_HEALTH_PATH, SIGNAL_PORT } from "../../components/host/ports";
import type { RenderTopology } from "../../components/host/files";
import { standInMap } from "./harness/addresses";
import { bidiEcho, Clients, rawUnary, serverStream, unary } from "./harness/grpc-clients";
import { LoadedProtos, loadProtos, RunningGrpc, startSignalGrpc } from "./harness/grpc-standins";
import { httpGet } from "./harness/http-client";
import { RunningManagement, startManagementStandIn } from "./harness/management-standin";
import { startNginx } from "./harness/nginx-runner";
import { standInTopology } from "./harness/plan-topology";
import { ProcessGroup, retryUntil, waitForPort } from "./harness/processes";
import { makeWorkDir, removeWorkDir } from "./harness/workdir";
import { fileAt, loadFixture, StackFixture, throwawaySecrets } from "./support/fixture";
import { h2Get, rawGrpcOverTls, startGrpcGoLikeServer, tlsClientsFor, tlsHandshake } from "./support/tls-clients";

jest.setTimeout(120_000);

const PREFIX = "127.0.14";
const HOST = `${PREFIX}.11`;
const LOAD_BALANCER = `${PREFIX}.2`;
const GRPC_UNAVAILABLE = { httpStatus: 200, contentType: "application/grpc", grpcStatus: "14" };

let fixture: StackFixture;
let workDir: string;
let group: ProcessGroup;
let protos: LoadedProtos;
let management: RunningManagement;
let signal: RunningGrpc | undefined;
let clients: Clients;
let certificatePem: string;
let drainFile: string;
const tlsAuthority = `${HOST}:${NGINX_GRPC_TLS_PORT}`;
const http = (p: string) => `http://${HOST}:${NGINX_HTTP_PORT}${p}`;

/** A self-signed RSA certificate and key, like the host layer's @pulumi/tls pair. */
function selfSigned(dir: string): { cert: string; key: string } {
    const [certFile, keyFile] = [path.join(dir, "material.crt"), path.join(dir, "material.key")];
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", keyFile, "-out", certFile, "-days", "2", "-subj", "/CN=openzro-grpc-backend"], { stdio: "ignore" });
    const material = { cert: fs.readFileSync(certFile, "utf8"), key: fs.readFileSync(keyFile, "utf8") };
    fs.rmSync(keyFile);
    return material;
}

function refused(host: string, port: number): Promise<boolean> {
    return new Promise((resolve) => {
        const s = net.connect({ host, port });
        s.on("connect", () => {
            s.destroy();
            resolve(false);
        });
        s.on("error", () => resolve(true));
    });
}

beforeAll(async () => {
    fixture = await loadFixture("production");
    workDir = makeWorkDir("nginx-tls");
    group = new ProcessGroup(path.join(workDir, "logs"));
    protos = loadProtos();
    const dir = path.join(workDir, "controller-1");
    fs.mkdirSync(path.join(dir, "dashboard"), { recursive: true });
    fs.writeFileSync(path.join(dir, "dashboard", "index.html"), "<!doctype html><title>dashboard</title>\n");
    drainFile = path.join(dir, "drain");
    const material = selfSigned(workDir);
    certificatePem = material.cert;

    const map = standInMap([...fixture.topology.controllers.map((c) => c.privateIp), fixture.topology.database.host], PREFIX);
    const topology: RenderTopology = { ...standInTopology(fixture.topology, map, LOAD_BALANCER), grpcBackend: "tls", nginxGrpcTlsCertificate: material.cert };
    const files = renderControllerFiles(fixture.settings, topology, 0, { ...throwawaySecrets(), nginxGrpcTlsKey: material.key }, {
        nginx: {
            httpListen: `${HOST}:${NGINX_HTTP_PORT}`,
            grpcListen: `${HOST}:${NGINX_GRPC_PORT}`,
            grpcTlsListen: tlsAuthority,
            grpcTlsCertificate: path.join(dir, "grpc.crt"),
            grpcTlsKey: path.join(dir, "grpc.key"),
            dashboardRoot: path.join(dir, "dashboard"),
            drainFile,
            managementUpstream: `${HOST}:${MANAGEMENT_PORT}`,
            signalUpstream: `${HOST}:${SIGNAL_PORT}`,
        },
    });
    // The files as shipped: the certificate public, the key readable by root only (nginx's master reads it as root).
    const cert = fileAt(files, NGINX_GRPC_TLS_CERT_PATH);
    const key = fileAt(files, NGINX_GRPC_TLS_KEY_PATH);
    fs.writeFileSync(path.join(dir, "grpc.crt"), cert.content, { mode: parseInt(cert.mode, 8) });
    fs.writeFileSync(path.join(dir, "grpc.key"), key.content, { mode: parseInt(key.mode, 8) });
    const siteFile = path.join(dir, "openzro.conf");
    fs.writeFileSync(siteFile, fileAt(files, NGINX_SITE_PATH).content);

    management = await startManagementStandIn(protos, HOST, MANAGEMENT_PORT);
    signal = await startSignalGrpc(protos, HOST, SIGNAL_PORT);
    const nginxDir = path.join(dir, "nginx");
    const shipsMain = files.some((f) => f.path === NGINX_MAIN_CONF_PATH);
    const nginx = startNginx(group, "nginx-tls", nginxDir, [siteFile], shipsMain ? renderNginxMainConf(fixture.settings.hosts.osFamily, { siteInclude: siteFile, pidFile: path.join(nginxDir, "nginx.pid"), logDir: nginxDir }) : undefined);
    await waitForPort(HOST, NGINX_GRPC_TLS_PORT, 10000, nginx.process);
    clients = tlsClientsFor(protos, tlsAuthority);
});

afterAll(async () => {
    clients?.close();
    await management?.stop();
    await signal?.stop();
    await group?.stopAll();
    if (workDir) removeWorkDir(workDir);
});

describe("the TLS gRPC listener", () => {
    test("negotiates HTTP/2 by ALPN with the rendered self-signed certificate; no cleartext gRPC listener is left", async () => {
        const hs = await tlsHandshake(HOST, NGINX_GRPC_TLS_PORT);
        expect(hs.alpn).toBe("h2");
        expect(hs.authorized).toBe(false); // self-signed: only a client that does not verify (Google's front end) connects
        expect(new X509Certificate(hs.certificate).fingerprint256).toBe(new X509Certificate(certificatePem).fingerprint256);
        expect(await refused(HOST, NGINX_GRPC_PORT)).toBe(true);
    });

    test("carries unary and streaming gRPC for management, flow and signal to the stand-ins", async () => {
        expect((await unary(clients.management, "isHealthy", {})).code).toBe(grpc.status.OK);
        const sync = await serverStream(clients.management, "Sync", { wgPubKey: "peer-a", body: Buffer.from(JSON.stringify({ messages: 3, intervalMs: 50 })) }, 10000);
        expect(sync).toEqual({ code: grpc.status.OK, details: "", messages: 3 });
        expect((await unary(clients.flow, "Status", {})).code).toBe(grpc.status.OK);
        expect((await bidiEcho(clients.flow, "Events", [{ eventId: Buffer.from("e1") }, { eventId: Buffer.from("e2") }], 10000)).messages).toBe(2);
        expect((await unary(clients.signal, "Send", { key: "a", remoteKey: "b", body: Buffer.from("offer") })).code).toBe(grpc.status.OK);
        const connect = await bidiEcho(clients.signal, "ConnectStream", [{ key: "a", remoteKey: "b", body: Buffer.from("{}") }], 10000);
        expect(connect).toMatchObject({ code: grpc.status.OK, messages: 1 });
        expect(management.grpc.calls.map((c) => c.path)).toEqual(expect.arrayContaining(["/management.ManagementService/Sync", "/flow.FlowService/Events"]));
        expect(signal?.calls.map((c) => c.path)).toEqual(expect.arrayContaining(["/signalexchange.SignalExchange/ConnectStream"]));
    });
});

describe("health for a load balancer without gRPC health checks", () => {
    const all = async () => ({
        http: (await httpGet(http(HEALTH_PATH))).status,
        httpSignal: (await httpGet(http(SIGNAL_HEALTH_PATH))).status,
        tls: await h2Get(tlsAuthority, HEALTH_PATH),
        tlsSignal: await h2Get(tlsAuthority, SIGNAL_HEALTH_PATH),
    });

    test("200 on the HTTP port (HTTP/1.1 checks) and on the TLS port (HTTP/2 checks) while everything is up", async () => {
        expect(await all()).toEqual({ http: 200, httpSignal: 200, tls: 200, tlsSignal: 200 });
    });

    test("drained: every health path 503 and every gRPC path a real UNAVAILABLE, then 200 again", async () => {
        fs.writeFileSync(drainFile, "");
        try {
            expect(await all()).toEqual({ http: 503, httpSignal: 503, tls: 503, tlsSignal: 503 });
            for (const p of ["/management.ManagementService/isHealthy", "/flow.FlowService/Status", "/signalexchange.SignalExchange/Send"]) {
                expect(await rawGrpcOverTls(tlsAuthority, p)).toEqual(GRPC_UNAVAILABLE);
            }
            expect((await unary(clients.signal, "Send", { key: "a", remoteKey: "b" })).code).toBe(grpc.status.UNAVAILABLE);
        } finally {
            fs.rmSync(drainFile, { force: true });
        }
        expect(await all()).toEqual({ http: 200, httpSignal: 200, tls: 200, tlsSignal: 200 });
        expect((await rawUnary(clients.raw, "/management.ManagementService/isHealthy")).code).toBe(grpc.status.OK);
    });

    test("signal stopped: /healthz/signal 503 on both ports while management's /healthz stays 200; back to 200 when it returns", async () => {
        await signal?.stop();
        signal = undefined;
        try {
            const down = await retryUntil("signal health 503", async () => {
                const s = await all();
                return s.httpSignal === 503 && s.tlsSignal === 503 ? s : undefined;
            }, { timeoutMs: 10000, intervalMs: 300 });
            expect(down.value).toEqual({ http: 200, httpSignal: 503, tls: 200, tlsSignal: 503 });
            expect(await rawGrpcOverTls(tlsAuthority, "/signalexchange.SignalExchange/Send")).toEqual(GRPC_UNAVAILABLE);
        } finally {
            signal = await startSignalGrpc(protos, HOST, SIGNAL_PORT);
        }
        expect(await all()).toEqual({ http: 200, httpSignal: 200, tls: 200, tlsSignal: 200 });
    });

    test("signal answering like grpc-go (405 to the checker's GET) counts as up; the probe reached signal as gRPC", async () => {
        await signal?.stop();
        signal = undefined;
        const grpcGo = await startGrpcGoLikeServer(HOST, SIGNAL_PORT);
        try {
            expect((await httpGet(http(SIGNAL_HEALTH_PATH))).status).toBe(200);
            expect(await h2Get(tlsAuthority, SIGNAL_HEALTH_PATH)).toBe(200);
            expect(grpcGo.requests).toEqual([
                { method: "GET", path: "/signalexchange.SignalExchange/Healthz", contentType: "application/grpc" },
                { method: "GET", path: "/signalexchange.SignalExchange/Healthz", contentType: "application/grpc" },
            ]);
        } finally {
            await grpcGo.stop();
            signal = await startSignalGrpc(protos, HOST, SIGNAL_PORT);
        }
    });

    test("management stopped: /healthz 503 on both ports, signal's health unaffected", async () => {
        await management.stop();
        try {
            expect(await all()).toEqual({ http: 503, httpSignal: 200, tls: 503, tlsSignal: 200 });
        } finally {
            management = await startManagementStandIn(protos, HOST, MANAGEMENT_PORT);
        }
        expect(await all()).toEqual({ http: 200, httpSignal: 200, tls: 200, tlsSignal: 200 });
    });
});
