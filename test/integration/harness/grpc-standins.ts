// gRPC stand-ins for management (ManagementService + FlowService, one server like the real binary) and signal
// (SignalExchange), built with @grpc/grpc-js from the shape-only protos in test/integration/protos. They register
// the real package/service/method names, so nginx's path routing, h2c and timeouts are exercised for real.
//
// Test control: a Sync request's body (and a ConnectStream message's body) may carry JSON
// {"messages": n, "intervalMs": ms} telling the stand-in how many stream messages to send and how far apart,
// so a test can hold a stream open and silent for as long as it needs.
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import * as path from "path";

export const PROTO_DIR = path.resolve(__dirname, "../protos");

export interface StreamPlan {
    readonly messages: number;
    readonly intervalMs: number;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyService = any;

export interface LoadedProtos {
    readonly management: AnyService;
    readonly signalexchange: AnyService;
    readonly flow: AnyService;
}

export function loadProtos(): LoadedProtos {
    const load = (file: string) =>
        grpc.loadPackageDefinition(
            protoLoader.loadSync(path.join(PROTO_DIR, file), { keepCase: true, longs: String, defaults: true }),
        );
    return {
        management: (load("management.proto") as AnyService).management,
        signalexchange: (load("signalexchange.proto") as AnyService).signalexchange,
        flow: (load("flow.proto") as AnyService).flow,
    };
}

export function parseStreamPlan(body: Buffer | Uint8Array | undefined): StreamPlan {
    try {
        const raw = JSON.parse(Buffer.from(body ?? []).toString("utf8"));
        const messages = Math.min(Math.max(Number(raw.messages) || 1, 1), 1000);
        const intervalMs = Math.min(Math.max(Number(raw.intervalMs) || 0, 0), 600_000);
        return { messages, intervalMs };
    } catch {
        return { messages: 1, intervalMs: 0 };
    }
}

export interface RunningGrpc {
    readonly host: string;
    readonly port: number;
    /** Metadata of every call the stand-in received (x-forwarded-for etc.), newest last. */
    readonly calls: { path: string; metadata: Record<string, string> }[];
    stop(): Promise<void>;
}

function metadataOf(call: { metadata: grpc.Metadata }): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(call.metadata.getMap())) out[k] = String(v);
    return out;
}

async function serve(host: string, port: number, register: (server: grpc.Server, calls: RunningGrpc["calls"]) => void): Promise<RunningGrpc> {
    const server = new grpc.Server();
    const calls: RunningGrpc["calls"] = [];
    register(server, calls);
    const bound = await new Promise<number>((resolve, reject) =>
        server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
    );
    return {
        host,
        port: bound,
        calls,
        stop: () =>
            new Promise<void>((resolve) => {
                server.forceShutdown();
                resolve();
            }),
    };
}

function streamFromPlan(
    call: grpc.ServerWritableStream<unknown, unknown>,
    plan: StreamPlan,
    message: (i: number) => unknown,
): void {
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    const next = () => {
        if (call.cancelled) return;
        call.write(message(sent));
        sent++;
        if (sent >= plan.messages) {
            call.end();
            return;
        }
        timer = setTimeout(next, plan.intervalMs);
    };
    call.on("cancelled", () => timer && clearTimeout(timer));
    // The first message also waits one interval: a plan with messages=1 and intervalMs=T holds the stream silent
    // for T before anything crosses nginx.
    timer = setTimeout(next, plan.intervalMs);
}

/** management.ManagementService + flow.FlowService on one gRPC server (management serves both on one port). */
export function startManagementGrpc(protos: LoadedProtos, host: string, port = 0): Promise<RunningGrpc> {
    return serve(host, port, (server, calls) => {
        server.addService(protos.management.ManagementService.service, {
            isHealthy: (call: grpc.ServerUnaryCall<unknown, unknown>, cb: grpc.sendUnaryData<unknown>) => {
                calls.push({ path: "/management.ManagementService/isHealthy", metadata: metadataOf(call) });
                cb(null, {});
            },
            Sync: (call: grpc.ServerWritableStream<{ wgPubKey: string; body: Buffer }, unknown>) => {
                calls.push({ path: "/management.ManagementService/Sync", metadata: metadataOf(call) });
                streamFromPlan(call, parseStreamPlan(call.request.body), (i) => ({
                    wgPubKey: call.request.wgPubKey,
                    body: Buffer.from(`sync-${i}`),
                    version: i,
                }));
            },
        });
        server.addService(protos.flow.FlowService.service, {
            Status: (call: grpc.ServerUnaryCall<unknown, unknown>, cb: grpc.sendUnaryData<unknown>) => {
                calls.push({ path: "/flow.FlowService/Status", metadata: metadataOf(call) });
                cb(null, {});
            },
            Events: (call: grpc.ServerDuplexStream<{ eventId: Buffer }, unknown>) => {
                calls.push({ path: "/flow.FlowService/Events", metadata: metadataOf(call) });
                call.on("data", (ev: { eventId: Buffer }) => call.write({ eventId: ev.eventId }));
                call.on("end", () => call.end());
            },
        });
    });
}

/** signalexchange.SignalExchange: Send echoes, ConnectStream answers each message after its plan's interval. */
export function startSignalGrpc(protos: LoadedProtos, host: string, port = 0): Promise<RunningGrpc> {
    return serve(host, port, (server, calls) => {
        server.addService(protos.signalexchange.SignalExchange.service, {
            Send: (call: grpc.ServerUnaryCall<{ key: string; remoteKey: string; body: Buffer }, unknown>, cb: grpc.sendUnaryData<unknown>) => {
                calls.push({ path: "/signalexchange.SignalExchange/Send", metadata: metadataOf(call) });
                cb(null, { key: call.request.remoteKey, remoteKey: call.request.key, body: call.request.body });
            },
            ConnectStream: (call: grpc.ServerDuplexStream<{ key: string; remoteKey: string; body: Buffer }, unknown>) => {
                calls.push({ path: "/signalexchange.SignalExchange/ConnectStream", metadata: metadataOf(call) });
                const timers = new Set<NodeJS.Timeout>();
                let clientDone = false;
                // End our side only after every delayed answer went out.
                const maybeEnd = () => clientDone && timers.size === 0 && !call.cancelled && call.end();
                call.on("data", (msg: { key: string; remoteKey: string; body: Buffer }) => {
                    const plan = parseStreamPlan(msg.body);
                    const t = setTimeout(() => {
                        timers.delete(t);
                        if (!call.cancelled) call.write({ key: msg.remoteKey, remoteKey: msg.key, body: msg.body });
                        maybeEnd();
                    }, plan.intervalMs);
                    timers.add(t);
                });
                call.on("end", () => {
                    clientDone = true;
                    maybeEnd();
                });
                call.on("cancelled", () => timers.forEach((t) => clearTimeout(t)));
            },
        });
    });
}
