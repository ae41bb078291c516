// Clients that reach nginx's TLS gRPC listener the way GCP's load balancer does: TLS with ALPN h2, without
// verifying the self-signed certificate. Plus a stand-in for how signal's grpc-go server answers requests that
// never reach a handler (what nginx's /healthz/signal forwards).
import * as grpc from "@grpc/grpc-js";
import * as http2 from "http2";
import * as tls from "tls";
import { Clients, h2Exchange, H2Response } from "../harness/grpc-clients";
import { LoadedProtos } from "../harness/grpc-standins";

/** The typed stand-in clients over TLS (ALPN h2), accepting any certificate like Google's front ends. */
export function tlsClientsFor(protos: LoadedProtos, target: string): Clients {
    const creds = grpc.credentials.createSsl(null, null, null, { rejectUnauthorized: false, checkServerIdentity: () => undefined });
    const options = { "grpc.enable_retries": 0, "grpc.max_reconnect_backoff_ms": 500 };
    const management = new protos.management.ManagementService(target, creds, options);
    const signal = new protos.signalexchange.SignalExchange(target, creds, options);
    const flow = new protos.flow.FlowService(target, creds, options);
    const raw = new grpc.Client(target, creds, options);
    return { management, signal, flow, raw, close: () => [management, signal, flow, raw].forEach((c) => c.close()) };
}

/** The TLS handshake as a client sees it: negotiated ALPN protocol and the server's certificate (DER). */
export function tlsHandshake(host: string, port: number, alpn: string[] = ["h2"]): Promise<{ alpn: string | false; certificate: Buffer; authorized: boolean }> {
    return new Promise((resolve, reject) => {
        const socket = tls.connect({ host, port, ALPNProtocols: alpn, rejectUnauthorized: false, servername: undefined }, () => {
            const result = { alpn: socket.alpnProtocol ?? false, certificate: socket.getPeerCertificate().raw, authorized: socket.authorized };
            socket.end();
            resolve(result);
        });
        socket.on("error", reject);
    });
}

/** One HTTP/2-over-TLS request (what a GCP HTTP/2 health check or a gRPC call sends), without certificate checks. */
export function h2Request(authority: string, headers: http2.OutgoingHttpHeaders, body?: Buffer, timeoutMs = 5000): Promise<H2Response> {
    return h2Exchange(`https://${authority}`, headers, body, timeoutMs);
}

/** A GET over HTTP/2 + TLS: GCP's HTTP/2 health check against the backend port. */
export function h2Get(authority: string, path: string): Promise<number> {
    return h2Request(authority, { ":method": "GET", ":path": path }).then((r) => r.httpStatus);
}

/** A gRPC request with an empty message over HTTP/2 + TLS, for the raw wire answer (status, content-type). */
export function rawGrpcOverTls(authority: string, path: string) {
    return h2Request(authority, { ":method": "POST", ":path": path, "content-type": "application/grpc", te: "trailers" }, Buffer.alloc(5));
}

export interface RunningH2 {
    readonly requests: { method: string; path: string; contentType?: string }[];
    stop(): Promise<void>;
}

/**
 * Cleartext HTTP/2 server answering like grpc-go (the server signal runs, google.golang.org/grpc 1.80) does before
 * any handler: a non-POST gets HTTP 405 with grpc-status 13 (internal/transport/http2_server.go, operateHeaders →
 * writeEarlyAbort, since grpc-go 1.37); a non-gRPC content-type gets 415 with grpc-status 3; a POST to a method
 * the server lacks gets HTTP 200 with grpc-status 12 (Trailers-Only). grpc-js, the other stand-ins' server,
 * answers a GET with 200 + UNIMPLEMENTED instead, so it cannot show the first case.
 */
export function startGrpcGoLikeServer(host: string, port: number): Promise<RunningH2> {
    const requests: RunningH2["requests"] = [];
    const server = http2.createServer();
    const sessions = new Set<http2.ServerHttp2Session>();
    server.on("session", (s) => {
        sessions.add(s);
        s.on("close", () => sessions.delete(s));
    });
    server.on("stream", (stream, headers) => {
        const method = String(headers[":method"]);
        const contentType = headers["content-type"] as string | undefined;
        requests.push({ method, path: String(headers[":path"]), contentType });
        const abort = (status: number, code: number, message: string) =>
            stream.respond({ ":status": status, "content-type": "application/grpc", "grpc-status": String(code), "grpc-message": message }, { endStream: true });
        if (!contentType?.startsWith("application/grpc")) return abort(415, 3, `invalid gRPC request content-type "${contentType ?? ""}"`);
        if (method !== "POST") return abort(405, 13, `Received a HEADERS frame with :method "${method}" which should be POST`);
        return abort(200, 12, "unknown service");
    });
    return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () =>
            resolve({
                requests,
                stop: () =>
                    new Promise<void>((done) => {
                        sessions.forEach((s) => s.destroy());
                        server.close(() => done());
                    }),
            }),
        );
    });
}
