// Rolling changes by construction: the order of the remote commands and how long a controller waits around a
// restart. Pure; the host layer turns the graph into dependsOn edges and the timings into script variables.
import { LoadBalancerFacts } from "./facts";

/** Extra wait after the health checks should have passed or failed, for check timeouts and clock skew. */
export const READY_MARGIN_SECONDS = 5;

export interface DrainTimings {
    /** After the drain flag appears: until the LB has marked the host unhealthy and stopped sending it requests. */
    readonly drainSeconds: number;
    /** After the drain flag is removed: until the LB marks the host healthy again. */
    readonly readySeconds: number;
}

function positiveInteger(key: string, value: number, min: number): number {
    if (!Number.isInteger(value) || value < min) {
        throw new Error(`loadBalancer.${key}: must be an integer >= ${min} (got ${value}); fix the footprint's load balancer facts`);
    }
    return value;
}

/**
 * Worst cases, from the target groups' own settings, counting only what the load balancer really does. The host
 * never deregisters itself: it fails its health checks. The first failing check comes at most one interval after
 * the flag appears and the LB needs `unhealthyThreshold` of them (plus a margin for the check's own timeout); from
 * then on it sends no new requests. The deregistration delay does NOT apply: it only runs on DeregisterTargets
 * (a controller removed or replaced), so counting it would only make every rollout slower. Coming back needs
 * `healthyThreshold` passing checks, plus the same margin.
 */
export function drainTimings(lb: LoadBalancerFacts): DrainTimings {
    const interval = positiveInteger("healthCheckIntervalSeconds", lb.healthCheckIntervalSeconds, 1);
    const unhealthy = positiveInteger("unhealthyThreshold", lb.unhealthyThreshold, 1);
    const healthy = positiveInteger("healthyThreshold", lb.healthyThreshold, 1);
    // Still validated: the footprint hands it over for the target groups, and a bad value is a footprint bug.
    positiveInteger("deregistrationDelaySeconds", lb.deregistrationDelaySeconds, 0);
    return {
        drainSeconds: interval * unhealthy + READY_MARGIN_SECONDS,
        readySeconds: interval * healthy + READY_MARGIN_SECONDS,
    };
}

export type CommandKind = "wait" | "prepare" | "db-bootstrap" | "install" | "converge" | "verify";

export interface CommandNode {
    /** Unique key, also the resource-name suffix: `<kind>-<host>`. */
    readonly key: string;
    readonly kind: CommandKind;
    /** Host name (controllerName / relayHostName). */
    readonly host: string;
    /** Keys of the commands that must finish first. */
    readonly dependsOn: readonly string[];
}

export function commandKey(kind: CommandKind, host: string): string {
    return `${kind}-${host}`;
}

/**
 * Every remote command and its ordering, in creation order. Pulumi's graph is static, so the first install and a
 * rolling update get their different shapes from two commands per host: `install` acts only when it is created
 * (first install, or a replaced instance) and does nothing on update; `converge` does nothing when it is created
 * and rolls every later change (its `update`).
 * - `wait-<host>` for every host (SSH up, cloud-init done), in parallel.
 * - `prepare-<host>` after its wait, in parallel on every host: package repository and download of the pinned
 *   packages; touches no service, needs no database and no other host. On a version bump it re-runs on every
 *   host at once, before the serial chain starts.
 * - `db-bootstrap-<controller 1>` after that host's wait: creates the extra databases before any management
 *   process starts.
 * - `install-<host>` after its prepare (controllers: and the bootstrap): the first install, every host at once;
 *   relays need nothing of the database or the controllers, so they serve as soon as they run.
 * - `converge-<controller i>` after its install, every prepare, the bootstrap and controller i-1's converge: one
 *   controller at a time, so a change rolls through the tier (each drains, restarts, and is healthy again before
 *   the next).
 * - `verify-<controller i>` after every controller's install and converge: waits for the services whose health
 *   needs a cluster quorum, which a first install cannot wait for host by host (see converge.sh, docs/hosts.md).
 * - `converge-<relay j>` after its install and relay j-1 (relay 1: after every verify), one relay at a time, after
 *   the control plane, so peers always have the other relays while one restarts.
 */
export function commandGraph(controllers: readonly string[], relays: readonly string[]): CommandNode[] {
    if (controllers.length === 0) throw new Error("host layer: no controllers; controllers.count must be at least 1");
    const nodes: CommandNode[] = [];
    const add = (kind: CommandKind, host: string, dependsOn: string[]): string => {
        const key = commandKey(kind, host);
        nodes.push({ key, kind, host, dependsOn });
        return key;
    };
    const hosts = [...controllers, ...relays];
    for (const host of hosts) add("wait", host, []);
    const prepares = hosts.map((host) => add("prepare", host, [commandKey("wait", host)]));
    const bootstrap = add("db-bootstrap", controllers[0], [commandKey("wait", controllers[0])]);
    const installs = controllers.map((host) => add("install", host, [commandKey("prepare", host), bootstrap]));
    for (const host of relays) add("install", host, [commandKey("prepare", host)]);
    const converges: string[] = [];
    controllers.forEach((host, i) => {
        // The first controller waits for every host's download; the others follow the chain.
        const before = i === 0 ? prepares : [commandKey("prepare", host), converges[i - 1]];
        converges.push(add("converge", host, [commandKey("install", host), bootstrap, ...before]));
    });
    const verifies = controllers.map((host) => add("verify", host, [...installs, ...converges]));
    let previousRelay: string[] = verifies;
    for (const host of relays) {
        previousRelay = [add("converge", host, [commandKey("install", host), ...previousRelay])];
    }
    return nodes;
}

/** Seconds the host scripts wait, in one place. */
export const HOST_WAITS = {
    /** `cloud-init status --wait` on a fresh instance. */
    cloudInitSeconds: 1200,
    /** Per service, after a (re)start: management retries its store and KV setup for about a minute. */
    healthSeconds: 300,
    /** verify: quorum-bound services on a freshly formed cluster (restart backoff 15 s, KV retries 60 s). */
    verifySeconds: 600,
    /** bootstrap-db: attempts x pause while the database finishes coming up. */
    databaseAttempts: 30,
    databaseRetrySeconds: 10,
    /** bootstrap-db: any one SQL statement (a CREATE DATABASE waiting on a lock, say). */
    databaseStatementSeconds: 60,
} as const;

/**
 * Whole-run limits of the host scripts (seconds), enforced on the host with `timeout` (bundle.ts). Pulumi's
 * customTimeouts bound the SSH dial but never stop a running remote command (pulumi-command runs
 * session.Run without watching the deadline), so the scripts stop themselves: each limit is above the sum of
 * the script's own bounded waits and below the command's customTimeout, so the script's message wins.
 */
export const RUN_LIMIT_SECONDS: Readonly<Record<CommandKind, number>> = {
    // cloud-init wait plus a margin for sudo and the shell.
    wait: HOST_WAITS.cloudInitSeconds + 300,
    // Repository setup and package downloads (apt lock wait up to 10 min, curl --max-time per fetch).
    prepare: 25 * 60,
    // install runs the converge payload (same limit as converge).
    install: 40 * 60,
    // 30 connection attempts x (10 s connect timeout + 10 s pause), a client install, a CA download and a
    // handful of statements (each bounded by databaseStatementSeconds).
    "db-bootstrap": 13 * 60,
    // Package installs (apt lock wait up to 10 min), drain, up to four services x healthSeconds, ready wait.
    converge: 40 * 60,
    // Up to three quorum-bound services x verifySeconds, plus a margin.
    verify: 35 * 60,
};

/** Pulumi customTimeouts per command kind: above the scripts' own bounds, so the script's message wins. */
export const COMMAND_TIMEOUTS: Readonly<Record<CommandKind, { readonly create: string; readonly update: string }>> = {
    wait: { create: "30m", update: "30m" },
    prepare: { create: "30m", update: "30m" },
    install: { create: "45m", update: "10m" },
    "db-bootstrap": { create: "15m", update: "15m" },
    converge: { create: "45m", update: "60m" },
    // Up to three services x HOST_WAITS.verifySeconds.
    verify: { create: "40m", update: "40m" },
};
