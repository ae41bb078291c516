// A stand-in for the management daemon's single port (spec §3): the real binary serves REST (/api, /scim) over
// HTTP/1.1 and gRPC over h2c on ONE port (33073). Here a tiny TCP demultiplexer on that port sends connections
// that open with the HTTP/2 preface to a grpc-js server and everything else to an HTTP/1.1 REST stand-in, so
// nginx talks to one upstream address exactly as it would in production.
import * as http from "http";
import * as net from "net";
import { AddressInfo } from "net";
import { LoadedProtos, RunningGrpc, startManagementGrpc } from "./grpc-standins";

const H2_PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

/** True when the first bytes of a connection are (a prefix of) the HTTP/2 client preface. */
export function looksLikeHttp2(firstBytes: Buffer): boolean {
    const head = firstBytes.subarray(0, H2_PREFACE.length).toString("latin1");
    return head.length > 0 && H2_PREFACE.startsWith(head);
}

export interface RecordedRequest {
    readonly method: string;
    readonly url: string;
    readonly headers: http.IncomingHttpHeaders;
}

export interface RunningRest {
    readonly port: number;
    readonly requests: RecordedRequest[];
    stop(): Promise<void>;
}

/** SCIM discovery endpoints management serves without authentication (handlers/scim/handler.go bypass paths). */
const SCIM_DISCOVERY = ["/scim/v2/ServiceProviderConfig", "/scim/v2/Schemas", "/scim/v2/ResourceTypes"];

/**
 * The REST half, routed like management's root router: SCIM 2.0 under /scim/v2 (discovery without auth, every other
 * SCIM route 401 without a bearer token, as management's auth middleware answers), /api/* echoes what arrived
 * (with the size of the request body it read), anything else 404.
 */
export function startRestStandIn(host: string): Promise<RunningRest> {
    const requests: RecordedRequest[] = [];
    const server = http.createServer((req, res) => {
        requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers });
        const json = (status: number, body: unknown) => {
            res.writeHead(status, { "content-type": "application/json" });
            res.end(JSON.stringify(body));
        };
        const url = req.url ?? "";
        const seen = () => ({
            url,
            xForwardedFor: req.headers["x-forwarded-for"] ?? null,
            xRealIp: req.headers["x-real-ip"] ?? null,
            xForwardedProto: req.headers["x-forwarded-proto"] ?? null,
        });
        let bodyBytes = 0;
        req.on("data", (chunk: Buffer) => (bodyBytes += chunk.length));
        req.on("end", () => {
            if (SCIM_DISCOVERY.includes(url.split("?")[0])) {
                json(200, { schemas: ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"], standIn: "management-scim", ...seen() });
            } else if (url.startsWith("/scim/v2/")) {
                if (req.headers.authorization) json(200, { standIn: "management-scim", ...seen() });
                else json(401, { schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: "401", detail: "no valid authentication provided" });
            } else if (url.startsWith("/api/")) {
                json(200, { standIn: "management-rest", method: req.method, bodyBytes, ...seen() });
            } else {
                json(404, { error: "not found" });
            }
        });
    });
    return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, host, () =>
            resolve({
                port: (server.address() as AddressInfo).port,
                requests,
                stop: () => new Promise<void>((r) => {
                    server.closeAllConnections();
                    server.close(() => r());
                }),
            }),
        );
    });
}

export interface RunningManagement {
    readonly host: string;
    readonly port: number;
    readonly rest: RunningRest;
    readonly grpc: RunningGrpc;
    stop(): Promise<void>;
}

export async function startManagementStandIn(protos: LoadedProtos, host: string, port: number): Promise<RunningManagement> {
    const grpcServer = await startManagementGrpc(protos, host, 0);
    const rest = await startRestStandIn(host);
    const sockets = new Set<net.Socket>();
    const demux = net.createServer((client) => {
        sockets.add(client);
        client.once("close", () => sockets.delete(client));
        client.once("data", (first: Buffer) => {
            client.pause();
            const target = looksLikeHttp2(first) ? grpcServer.port : rest.port;
            const upstream = net.connect({ host, port: target }, () => {
                upstream.write(first);
                client.pipe(upstream);
                upstream.pipe(client);
                client.resume();
            });
            sockets.add(upstream);
            upstream.once("close", () => {
                sockets.delete(upstream);
                client.destroy();
            });
            upstream.once("error", () => client.destroy());
            client.once("close", () => upstream.destroy());
        });
        client.on("error", () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
        demux.once("error", reject);
        demux.listen(port, host, () => resolve());
    });
    return {
        host,
        port,
        rest,
        grpc: grpcServer,
        stop: async () => {
            sockets.forEach((s) => s.destroy());
            await new Promise<void>((r) => demux.close(() => r()));
            await grpcServer.stop();
            await rest.stop();
        },
    };
}
