// redis.conf for the "redis" coordinator: the master on the first controller, replicas on the others, all
// password-protected. Replicas only mirror; every replica's management writes to the master
// (OPENZRO_REDIS_URL), so losing the first controller stops coordination until it returns — the trade-off
// of this coordinator, documented for operators; embedded NATS has no such single point.
import { Settings } from "../../config/types";
import { RenderSecrets, RenderTopology } from "../files";
import { REDIS_PORT } from "../ports";
import { RenderError } from "./errors";
import { REDIS_DATA_DIR } from "./paths";
import { controllerAt } from "./topology";

export interface RedisConfOptions {
    /** Addresses to bind. Default: the controller's private IP and 127.0.0.1. */
    readonly bind?: readonly string[];
    /** Own port and the master's. Default REDIS_PORT (6379). */
    readonly port?: number;
    /** Default /var/lib/redis (writable under the packaged unit's ProtectSystem=strict). */
    readonly dir?: string;
    /** Default /run/redis/redis-server.pid (the packaged unit's PIDFile). */
    readonly pidFile?: string;
}

/** redis.conf string: double-quoted with \ and " escaped (sdssplitargs syntax). */
function str(value: string): string {
    if (/[\r\n]/.test(value)) {
        throw new RenderError("redis.conf", "values must be one line", value, "remove the line break");
    }
    return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

export function renderRedisConf(
    settings: Settings,
    topology: RenderTopology,
    controllerIndex: number,
    secrets: RenderSecrets,
    options: RedisConfOptions = {},
): string {
    const self = controllerAt(settings, topology, controllerIndex);
    const master = topology.controllers[0];
    const port = options.port ?? REDIS_PORT;
    const bind = [...new Set(options.bind ?? [self.privateIp, "127.0.0.1"])];
    const password = str(secrets.coordinatorPassword);
    const lines = [
        "# Managed by Pulumi (openzro). Local edits are overwritten on the next `pulumi up`.",
        `# openZro coordinator: ${controllerIndex === 0 ? "master" : `replica of ${master.name}`}.`,
        `bind ${bind.join(" ")}`,
        `port ${port}`,
        "# Stays on: with a password set, remote clients that authenticate are allowed, others refused.",
        "protected-mode yes",
        `requirepass ${password}`,
        "# Replicas authenticate to the master with the same password.",
        `masterauth ${password}`,
        "daemonize no",
        `pidfile ${str(options.pidFile ?? "/run/redis/redis-server.pid")}`,
        '# Log to stdout: the journal keeps it.',
        'logfile ""',
        "loglevel notice",
        `dir ${str(options.dir ?? REDIS_DATA_DIR)}`,
        "appendonly yes",
        "appendfsync everysec",
    ];
    if (controllerIndex !== 0) {
        lines.push(`replicaof ${master.privateIp} ${port}`, "replica-read-only yes");
    }
    return `${lines.join("\n")}\n`;
}
