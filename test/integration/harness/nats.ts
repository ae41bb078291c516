// NATS clusters on stand-in hosts. Two ways in:
//  - embedded: management/signal run NATS inside the binary, configured from env (spec §2.4, openZro
//    cluster/embedded): cluster name "openzro", JetStream on, server_name = hostname, client listener on
//    127.0.0.1:<client port>, cluster listener on 0.0.0.0:<cluster port>, routes = OPENZRO_CLUSTER_PEERS. The same
//    options are written as a nats-server config (embeddedNatsConf) and run with the Debian nats-server.
//  - standalone: the rendered nats-server.conf itself, run as is with its addresses and paths mapped.
// Each node also gets a monitoring listener (test-only) for /routez and /jsz.
import * as http from "http";
import * as net from "net";
import * as fs from "fs";
import * as path from "path";
import { mapPeerList, StandInMap } from "./addresses";
import { ProcessGroup, retryUntil, StartedProcess, waitForPort } from "./processes";

export interface EmbeddedNatsSpec {
    readonly serverName: string;
    readonly clientHost: string;
    readonly clientPort: number;
    readonly clusterHost: string;
    readonly clusterPort: number;
    readonly routes: readonly string[];
    readonly storeDir: string;
}

/** The options openZro's embedded server sets, as a nats-server config file. */
export function embeddedNatsConf(spec: EmbeddedNatsSpec, monitor: { host: string; port: number }): string {
    const q = (s: string) => JSON.stringify(s);
    return [
        `server_name: ${q(spec.serverName)}`,
        `host: ${q(spec.clientHost)}`,
        `port: ${spec.clientPort}`,
        `http: ${q(`${monitor.host}:${monitor.port}`)}`,
        `jetstream {`,
        `  store_dir: ${q(spec.storeDir)}`,
        `}`,
        `cluster {`,
        `  name: "openzro"`,
        `  host: ${q(spec.clusterHost)}`,
        `  port: ${spec.clusterPort}`,
        `  routes: [`,
        ...spec.routes.map((r) => `    ${q(r)}`),
        `  ]`,
        `}`,
        "",
    ].join("\n");
}

/**
 * Reads one daemon's rendered env (management or signal) the way openZro's cluster factory does and returns the
 * embedded server it would start, with addresses mapped to stand-ins. Throws when the env does not select the
 * embedded broker, or names a peer that is not a controller of the plan.
 */
export function embeddedSpecFromEnv(
    env: Readonly<Record<string, string>>,
    host: { hostname: string; privateIp: string },
    map: StandInMap,
    storeDir: string,
): EmbeddedNatsSpec {
    if (env.OPENZRO_BROKER !== "embedded") {
        throw new Error(`OPENZRO_BROKER is ${JSON.stringify(env.OPENZRO_BROKER)}, not "embedded"`);
    }
    const port = (key: string, dflt: number) => {
        const v = env[key];
        if (v === undefined || v === "") return dflt;
        if (!/^\d+$/.test(v)) throw new Error(`${key}=${JSON.stringify(v)} is not a port`);
        return Number(v);
    };
    const self = map.host(host.privateIp);
    return {
        serverName: host.hostname,
        clientHost: self, // embedded binds 127.0.0.1: "this host"
        clientPort: port("OPENZRO_EMBEDDED_NATS_CLIENT_PORT", 4222),
        clusterHost: self, // embedded binds 0.0.0.0: on a stand-in, the host's own address
        clusterPort: port("OPENZRO_EMBEDDED_NATS_CLUSTER_PORT", 6222),
        routes: mapPeerList(env.OPENZRO_CLUSTER_PEERS ?? "", map, host.privateIp),
        storeDir,
    };
}

export interface NatsNode {
    readonly name: string;
    readonly confFile: string;
    readonly clientUrl: string;
    readonly monitor: { host: string; port: number };
    readonly cluster: { host: string; port: number };
    process?: StartedProcess;
}

export async function startNatsNode(group: ProcessGroup, node: NatsNode): Promise<StartedProcess> {
    const proc = group.start(node.name, "nats-server", ["-c", node.confFile]);
    node.process = proc;
    await waitForPort(node.monitor.host, node.monitor.port, 15000, proc);
    return proc;
}

/** GET a monitoring endpoint as JSON. */
export function monitorJson<T = Record<string, unknown>>(mon: { host: string; port: number }, pathAndQuery: string): Promise<T> {
    return new Promise((resolve, reject) => {
        const req = http.get({ host: mon.host, port: mon.port, path: pathAndQuery, timeout: 2000 }, (res) => {
            let body = "";
            res.setEncoding("utf8");
            res.on("data", (c) => (body += c));
            res.on("end", () => {
                try {
                    resolve(JSON.parse(body) as T);
                } catch (e) {
                    reject(e);
                }
            });
        });
        req.on("timeout", () => req.destroy(new Error(`${pathAndQuery}: timeout`)));
        req.on("error", reject);
    });
}

interface Routez {
    num_routes: number;
    routes?: { remote_id: string; ip: string; port: number }[];
}

/** server_id → server_name of every node that answers (nats-server 2.9's /routez names peers by id only). */
async function serverNamesById(nodes: readonly NatsNode[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const n of nodes) {
        try {
            const v = await monitorJson<{ server_id: string; server_name: string }>(n.monitor, "/varz");
            out.set(v.server_id, v.server_name);
        } catch {
            // a stopped node has no monitor; its routes are gone too
        }
    }
    return out;
}

/** Names of the servers `node` has a route to (deduplicated; unknown ids are kept as ids). */
export async function routedServerNames(node: NatsNode, all: readonly NatsNode[]): Promise<string[]> {
    const names = await serverNamesById(all);
    const r = await monitorJson<Routez>(node.monitor, "/routez");
    return [...new Set((r.routes ?? []).map((x) => names.get(x.remote_id) ?? x.remote_id))].sort();
}

/** Waits until every node routes to every other node by server name (a full mesh). */
export async function waitForFullMesh(nodes: readonly NatsNode[], serverNames: readonly string[], timeoutMs = 20000): Promise<number> {
    let last = "";
    try {
        const { elapsedMs } = await retryUntil(
            "full NATS mesh",
            async () => {
                const seen: string[] = [];
                let ok = true;
                for (let i = 0; i < nodes.length; i++) {
                    const expected = serverNames.filter((_, j) => j !== i).sort();
                    const got = await routedServerNames(nodes[i], nodes);
                    seen.push(`${serverNames[i]} -> [${got.join(", ")}]`);
                    if (JSON.stringify(got) !== JSON.stringify(expected)) ok = false;
                }
                last = seen.join("; ");
                return ok || undefined;
            },
            { timeoutMs, intervalMs: 200 },
        );
        return elapsedMs;
    } catch (err) {
        throw new Error(`${(err as Error).message}; routes seen: ${last}`);
    }
}

interface Jsz {
    server_id?: string;
    meta_cluster?: { name?: string; leader?: string; cluster_size?: number; replicas?: { name: string; current: boolean }[] };
}

/** The JetStream meta-leader every listed node agrees on (waits for agreement). */
export async function waitForMetaLeader(nodes: readonly NatsNode[], timeoutMs = 30000): Promise<string> {
    const { value } = await retryUntil(
        "JetStream meta-leader",
        async () => {
            const leaders = new Set<string>();
            for (const n of nodes) {
                const j = await monitorJson<Jsz>(n.monitor, "/jsz");
                if (!j.meta_cluster?.leader) return undefined;
                leaders.add(j.meta_cluster.leader);
            }
            return leaders.size === 1 ? [...leaders][0] : undefined;
        },
        { timeoutMs, intervalMs: 250 },
    );
    return value;
}

/** Writes a file (creating its directory) and returns its path. */
export function writeFile(file: string, content: string): string {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
    return file;
}

/**
 * Opens a raw route connection to a cluster listener and sends a route CONNECT (optionally with credentials);
 * resolves with everything the server sent within `waitMs` (e.g. "-ERR 'Authorization Violation'").
 */
export function routeConnect(host: string, port: number, clusterName: string, creds?: { user: string; pass: string }, waitMs = 2000): Promise<string> {
    return new Promise((resolve, reject) => {
        const socket = net.connect({ host, port });
        let received = "";
        let sent = false;
        const finish = () => {
            socket.destroy();
            resolve(received);
        };
        const timer = setTimeout(finish, waitMs);
        socket.setEncoding("utf8");
        socket.on("data", (chunk: string) => {
            received += chunk;
            // A verdict: refused (-ERR), or the PING after our CONNECT answered (accepted).
            if (sent && /-ERR|PONG/.test(received.slice(received.indexOf("\r\n")))) {
                clearTimeout(timer);
                finish();
                return;
            }
            if (!sent && received.includes("\r\n")) {
                sent = true;
                const connect = { verbose: false, pedantic: false, tls_required: false, name: "intruder", cluster: clusterName, ...(creds ?? {}) };
                socket.write(`CONNECT ${JSON.stringify(connect)}\r\nPING\r\n`);
            }
        });
        socket.on("close", () => {
            clearTimeout(timer);
            resolve(received);
        });
        socket.on("error", (e) => {
            clearTimeout(timer);
            if (received) resolve(received);
            else reject(e);
        });
    });
}
