// gRPC clients for the tests: the typed stand-in services, plus a raw unary call to any path (what the load
// balancer's gRPC health check does, e.g. /signalexchange.SignalExchange/Healthz which no proto here defines).
import * as grpc from "@grpc/grpc-js";
import * as http2 from "http2";
import { LoadedProtos } from "./grpc-standins";

export interface CallOutcome {
    readonly code: grpc.status;
    readonly details: string;
    readonly messages: number;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyClient = any;

export interface Clients {
    readonly management: AnyClient;
    readonly signal: AnyClient;
    readonly flow: AnyClient;
    readonly raw: grpc.Client;
    close(): void;
}

/** Clients over cleartext HTTP/2 (h2c, prior knowledge) to one address, as the ALB's gRPC target groups connect. */
export function clientsFor(protos: LoadedProtos, target: string): Clients {
    const creds = grpc.credentials.createInsecure();
    // No retries or keepalive tricks: every call's outcome is what nginx answered.
    const options = { "grpc.enable_retries": 0, "grpc.max_reconnect_backoff_ms": 500 };
    const management = new protos.management.ManagementService(target, creds, options);
    const signal = new protos.signalexchange.SignalExchange(target, creds, options);
    const flow = new protos.flow.FlowService(target, creds, options);
    const raw = new grpc.Client(target, creds, options);
    return {
        management,
        signal,
        flow,
        raw,
        close: () => [management, signal, flow, raw].forEach((c) => c.close()),
    };
}

const deadline = (ms: number) => new Date(Date.now() + ms);

/** A unary call to an arbitrary method path with an empty request message. */
export function rawUnary(client: grpc.Client, path: string, timeoutMs = 5000): Promise<CallOutcome> {
    return new Promise((resolve) => {
        client.makeUnaryRequest(
            path,
            (x: Buffer) => x,
            (b: Buffer) => b,
            Buffer.alloc(0),
            new grpc.Metadata(),
            { deadline: deadline(timeoutMs) },
            (err) => resolve({ code: err ? err.code : grpc.status.OK, details: err?.details ?? "", messages: err ? 0 : 1 }),
        );
    });
}

/** A typed unary call; resolves with its status instead of throwing. */
export function unary(client: AnyClient, method: string, request: unknown, timeoutMs = 5000): Promise<CallOutcome & { response?: unknown }> {
    return new Promise((resolve) => {
        client[method](request, { deadline: deadline(timeoutMs) }, (err: grpc.ServiceError | null, response: unknown) =>
            resolve({ code: err ? err.code : grpc.status.OK, details: err?.details ?? "", messages: err ? 0 : 1, response }),
        );
    });
}

/** A server-streaming call read to its end. */
export function serverStream(client: AnyClient, method: string, request: unknown, timeoutMs: number): Promise<CallOutcome> {
    return new Promise((resolve) => {
        let messages = 0;
        const call = client[method](request, { deadline: deadline(timeoutMs) });
        call.on("data", () => messages++);
        call.on("error", (err: grpc.ServiceError) => resolve({ code: err.code, details: err.details, messages }));
        call.on("end", () => resolve({ code: grpc.status.OK, details: "", messages }));
    });
}

/** A bidi stream: writes each request (waiting for its answer before the next), then half-closes. */
export function bidiEcho(client: AnyClient, method: string, requests: readonly unknown[], timeoutMs: number): Promise<CallOutcome> {
    return new Promise((resolve) => {
        let messages = 0;
        let settled = false;
        const done = (o: CallOutcome) => {
            if (!settled) {
                settled = true;
                resolve(o);
            }
        };
        const call = client[method]({ deadline: deadline(timeoutMs) });
        const writeNext = () => {
            if (messages < requests.length) call.write(requests[messages]);
            else call.end();
        };
        call.on("data", () => {
            messages++;
            writeNext();
        });
        call.on("error", (err: grpc.ServiceError) => done({ code: err.code, details: err.details, messages }));
        call.on("status", (s: grpc.StatusObject) => done({ code: s.code, details: s.details, messages }));
        writeNext();
    });
}

/**
 * One gRPC request over raw HTTP/2 (h2c) with an empty message, returning the HTTP status and the grpc-status /
 * content-type nginx sent (from the headers or the trailers). Used where a client library would hide the
 * difference between a real gRPC status and an HTTP error it maps to one (grpc-js turns HTTP 503 into
 * UNAVAILABLE as well).
 */
export function rawGrpcResponse(authority: string, path: string, timeoutMs = 5000): Promise<H2Response> {
    // An empty, uncompressed gRPC message: flag 0, length 0.
    return h2Exchange(`http://${authority}`, { ":method": "POST", ":path": path, "content-type": "application/grpc", te: "trailers" }, Buffer.alloc(5), timeoutMs);
}

export interface H2Response {
    readonly httpStatus: number;
    readonly grpcStatus?: string;
    readonly contentType?: string;
}

/**
 * One HTTP/2 request to `origin` (http:// for h2c, https:// for TLS without certificate checks), bounded by
 * `timeoutMs`: the HTTP status, and grpc-status / content-type from the headers or the trailers.
 */
export function h2Exchange(origin: string, headers: http2.OutgoingHttpHeaders, body: Buffer | undefined, timeoutMs: number): Promise<H2Response> {
    return new Promise((resolve, reject) => {
        const session = http2.connect(origin, origin.startsWith("https:") ? { rejectUnauthorized: false } : {});
        session.on("error", reject);
        const req = session.request(headers);
        const timer = setTimeout(() => req.close(http2.constants.NGHTTP2_CANCEL), timeoutMs);
        let httpStatus = 0;
        let grpcStatus: string | undefined;
        let contentType: string | undefined;
        req.on("response", (h) => {
            httpStatus = Number(h[":status"]);
            contentType = h["content-type"] as string | undefined;
            if (h["grpc-status"] !== undefined) grpcStatus = String(h["grpc-status"]);
        });
        req.on("trailers", (t) => {
            if (t["grpc-status"] !== undefined) grpcStatus = String(t["grpc-status"]);
        });
        req.on("data", () => undefined);
        req.on("close", () => {
            clearTimeout(timer);
            session.close();
            resolve({ httpStatus, grpcStatus, contentType });
        });
        req.on("error", reject);
        req.end(body);
    });
}
