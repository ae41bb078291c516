// A steady client load through the front, shaped like peers and operators: REST requests (a new connection each, so
// the front balances them per request), gRPC unary calls from long-lived peer channels (management and signal),
// and long-lived management Sync streams that reopen when they break. Every outcome is recorded with its time.
// All loops stop on stop(); each also ends by itself after `maxMs`.
import * as grpc from "@grpc/grpc-js";
import * as http from "http";
import { unary } from "../harness/grpc-clients";
import { LoadedProtos } from "../harness/grpc-standins";
import { sleep } from "../harness/processes";

export type SampleKind = "rest" | "grpc-unary" | "stream";

export interface Sample {
    readonly at: number;
    readonly kind: SampleKind;
    readonly ok: boolean;
}

export interface StreamBreak {
    readonly brokeAt: number;
    /** When the reopened stream delivered its first message again (undefined: not yet). */
    backAt?: number;
}

export interface LoadOptions {
    readonly host: string;
    readonly httpPort: number;
    readonly grpcPort: number;
    readonly peers: number;
    readonly intervalMs: number;
    readonly maxMs: number;
}

function restGet(host: string, port: number, timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
        const req = http.get({ host, port, path: "/api/peers", agent: false, timeout: timeoutMs }, (res) => {
            res.resume();
            res.on("end", () => resolve(res.statusCode === 200));
            res.on("error", () => resolve(false));
        });
        req.on("timeout", () => req.destroy());
        req.on("error", () => resolve(false));
    });
}

export class ClientLoad {
    readonly samples: Sample[] = [];
    readonly breaks: StreamBreak[] = [];
    private running = true;
    private readonly loops: Promise<void>[] = [];
    private readonly clients: grpc.Client[] = [];
    private readonly calls = new Set<grpc.ClientReadableStream<unknown>>();

    constructor(private readonly protos: LoadedProtos, private readonly opts: LoadOptions) {}

    start(): void {
        const until = Date.now() + this.opts.maxMs;
        const live = () => this.running && Date.now() < until;
        const o = this.opts;
        this.loops.push(
            (async () => {
                while (live()) {
                    this.samples.push({ at: Date.now(), kind: "rest", ok: await restGet(o.host, o.httpPort, 2000) });
                    await sleep(o.intervalMs);
                }
            })(),
        );
        for (let p = 0; p < o.peers; p++) {
            const clients = this.peerClients(`${o.host}:${o.grpcPort}`);
            this.loops.push(
                (async () => {
                    for (let i = 0; live(); i++) {
                        const outcome =
                            i % 2 === 0
                                ? await unary(clients.management, "isHealthy", {}, 2000)
                                : await unary(clients.signal, "Send", { key: `peer-${p}`, remoteKey: "peer-x", body: Buffer.from("offer") }, 2000);
                        this.samples.push({ at: Date.now(), kind: "grpc-unary", ok: outcome.code === grpc.status.OK });
                        await sleep(o.intervalMs);
                    }
                })(),
            );
            this.loops.push(this.holdStream(clients, p, live));
        }
    }

    /**
     * A peer's own connections: management and signal each on their own HTTP/2 connection, as a real peer dials
     * them separately. grpc-js shares one connection per target across clients unless each has a local pool.
     */
    private peerClients(target: string) {
        const creds = grpc.credentials.createInsecure();
        const options = { "grpc.enable_retries": 0, "grpc.max_reconnect_backoff_ms": 500, "grpc.use_local_subchannel_pool": 1 };
        const management = new this.protos.management.ManagementService(target, creds, options);
        const signal = new this.protos.signalexchange.SignalExchange(target, creds, options);
        this.clients.push(management, signal);
        return { management, signal };
    }

    /** One peer's Sync stream: held open, reopened when it breaks; each break and recovery is recorded. */
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    private async holdStream(clients: { management: any }, peer: number, live: () => boolean): Promise<void> {
        let pendingBreak: StreamBreak | undefined;
        while (live()) {
            await new Promise<void>((resolve) => {
                const call = clients.management.Sync({ wgPubKey: `peer-${peer}`, body: Buffer.from(JSON.stringify({ messages: 1000, intervalMs: 200 })) });
                this.calls.add(call);
                call.on("data", () => {
                    if (pendingBreak && pendingBreak.backAt === undefined) pendingBreak.backAt = Date.now();
                    this.samples.push({ at: Date.now(), kind: "stream", ok: true });
                });
                const ended = () => {
                    this.calls.delete(call);
                    if (this.running) {
                        // A reopen that fails again before any message is the same outage, not a new one.
                        if (!pendingBreak || pendingBreak.backAt !== undefined) {
                            pendingBreak = { brokeAt: Date.now() };
                            this.breaks.push(pendingBreak);
                        }
                        this.samples.push({ at: Date.now(), kind: "stream", ok: false });
                    }
                    resolve();
                };
                call.on("error", ended);
                call.on("end", ended);
            });
            await sleep(100);
        }
    }

    async stop(): Promise<void> {
        this.running = false;
        this.calls.forEach((c) => c.cancel());
        await Promise.all(this.loops);
        this.clients.forEach((c) => c.close());
    }
}
