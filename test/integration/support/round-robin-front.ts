// A tiny stand-in for the ALB in front of the controllers: TCP listeners that hand each new client connection to
// the next backend in round-robin order, skipping backends its health check marks unhealthy. The health check
// follows the ALB's target-group rules: GET <path> every `intervalMs`, a backend becomes unhealthy after
// `unhealthyThreshold` consecutive failures and healthy again after `healthyThreshold` consecutive successes.
// Connection-level balancing (not per request): clients that open a connection per request are spread per
// request, long-lived gRPC channels stay on one backend until their connection breaks, as a peer's would.
import * as http from "http";
import * as net from "net";

export interface FrontOptions {
    readonly backends: readonly string[];
    /** Ports the front listens on (on `host`), each forwarding to the same port of the chosen backend. */
    readonly ports: readonly number[];
    readonly host: string;
    readonly health: { readonly port: number; readonly path: string; readonly intervalMs: number; readonly timeoutMs: number };
    readonly healthyThreshold: number;
    readonly unhealthyThreshold: number;
    /** Mutation switch for the tests: false routes to every backend whatever its health. */
    readonly skipUnhealthy?: boolean;
}

interface BackendState {
    readonly host: string;
    healthy: boolean;
    passes: number;
    failures: number;
}

export class RoundRobinFront {
    private readonly states: BackendState[];
    private readonly servers: net.Server[] = [];
    private readonly sockets = new Set<net.Socket>();
    /** Round-robin position per listener port, like one ALB target group per port. */
    private readonly next = new Map<number, number>();
    private readonly connections = new Map<string, number>();
    private timer?: NodeJS.Timeout;
    /** Health transitions with their time, for the report. */
    readonly transitions: { at: number; host: string; healthy: boolean }[] = [];

    constructor(private readonly opts: FrontOptions) {
        // Registered targets start unhealthy and must pass healthyThreshold checks, as on the ALB.
        this.states = opts.backends.map((host) => ({ host, healthy: false, passes: 0, failures: 0 }));
    }

    async start(): Promise<void> {
        for (const port of this.opts.ports) {
            const server = net.createServer((client) => this.forward(client, port));
            await new Promise<void>((resolve, reject) => {
                server.once("error", reject);
                server.listen(port, this.opts.host, () => resolve());
            });
            this.servers.push(server);
        }
        const tick = () => {
            void Promise.all(this.states.map((s) => this.check(s))).finally(() => {
                if (this.timer !== undefined) this.timer = setTimeout(tick, this.opts.health.intervalMs);
            });
        };
        this.timer = setTimeout(tick, 0);
    }

    /** How many client connections the front has handed to `host` so far. */
    connectionsTo(host: string): number {
        return this.connections.get(host) ?? 0;
    }

    healthyBackends(): string[] {
        return this.states.filter((s) => s.healthy).map((s) => s.host);
    }

    private pick(port: number): string | undefined {
        const candidates = this.opts.skipUnhealthy === false ? this.states : this.states.filter((s) => s.healthy);
        if (candidates.length === 0) return undefined;
        const n = this.next.get(port) ?? 0;
        this.next.set(port, n + 1);
        return candidates[n % candidates.length].host;
    }

    private forward(client: net.Socket, port: number): void {
        this.sockets.add(client);
        client.once("close", () => this.sockets.delete(client));
        client.on("error", () => client.destroy());
        const backend = this.pick(port);
        if (!backend) {
            client.destroy(); // no healthy target: the ALB answers 503; a reset is the L4 equivalent
            return;
        }
        this.connections.set(backend, (this.connections.get(backend) ?? 0) + 1);
        const upstream = net.connect({ host: backend, port });
        this.sockets.add(upstream);
        upstream.once("close", () => {
            this.sockets.delete(upstream);
            client.destroy();
        });
        upstream.on("error", () => upstream.destroy());
        client.once("close", () => upstream.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
    }

    private check(s: BackendState): Promise<void> {
        return new Promise((resolve) => {
            let done = false;
            const finish = (ok: boolean) => {
                if (done) return;
                done = true;
                if (ok) {
                    s.failures = 0;
                    s.passes++;
                    if (!s.healthy && s.passes >= this.opts.healthyThreshold) this.mark(s, true);
                } else {
                    s.passes = 0;
                    s.failures++;
                    if (s.healthy && s.failures >= this.opts.unhealthyThreshold) this.mark(s, false);
                }
                resolve();
            };
            const req = http.get({ host: s.host, port: this.opts.health.port, path: this.opts.health.path, agent: false, timeout: this.opts.health.timeoutMs }, (res) => {
                res.resume();
                finish(res.statusCode === 200);
            });
            req.on("timeout", () => {
                req.destroy();
                finish(false);
            });
            req.on("error", () => finish(false));
        });
    }

    private mark(s: BackendState, healthy: boolean): void {
        s.healthy = healthy;
        this.transitions.push({ at: Date.now(), host: s.host, healthy });
    }

    async stop(): Promise<void> {
        const t = this.timer;
        this.timer = undefined;
        if (t) clearTimeout(t);
        this.sockets.forEach((s) => s.destroy());
        await Promise.all(this.servers.map((srv) => new Promise<void>((r) => srv.close(() => r()))));
    }
}
