// nats-server.conf for the standalone coordinator ("nats"): one nats-server per controller, clustered over
// the controllers' private addresses, JetStream on (management's coordinator keeps its locks in a KV bucket).
// It mirrors what openZro's embedded server configures for itself (spec §2.4), plus route authentication,
// which the embedded server cannot have.
import { Settings } from "../../config/types";
import { RenderSecrets, RenderTopology } from "../files";
import { NATS_CLIENT_PORT } from "../ports";
import { urlSecret } from "./coordinator";
import { RenderError } from "./errors";
import { NATS_JETSTREAM_DIR } from "./paths";
import { controllerAt, otherControllerRoutes } from "./topology";

/** Route user; the password is ClusterSecrets.coordinatorPassword. */
export const NATS_ROUTE_USER = "openzro";
/** openZro's embedded servers use this cluster name too (spec §2.4). */
export const NATS_CLUSTER_NAME = "openzro";
export const NATS_MONITOR_PORT = 8222;

export interface NatsServerConfOptions {
    /** Client listener host (management and signal connect here). Default 127.0.0.1: loopback only. */
    readonly clientHost?: string;
    /** Default NATS_CLIENT_PORT (4222), what OPENZRO_NATS_URL points at. */
    readonly clientPort?: number;
    /** Route listener host; the port is settings.cluster.peerPort. Default 0.0.0.0 (firewalled to controllers). */
    readonly clusterHost?: string;
    /** Monitoring (/varz, /routez, /jsz) host:port. Default 127.0.0.1:8222. */
    readonly monitorListen?: string;
    /** Default /var/lib/nats/jetstream. */
    readonly jetstreamDir?: string;
}

/** NATS config string: quoted, with \ and " escaped, so no value is read as a variable or number. */
function str(value: string): string {
    if (/[\r\n]/.test(value)) {
        throw new RenderError("nats-server.conf", "values must be one line", value, "remove the line break");
    }
    return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

export function renderNatsServerConf(
    settings: Settings,
    topology: RenderTopology,
    controllerIndex: number,
    secrets: RenderSecrets,
    options: NatsServerConfOptions = {},
): string {
    const self = controllerAt(settings, topology, controllerIndex);
    const clientHost = options.clientHost ?? "127.0.0.1";
    const clientPort = options.clientPort ?? NATS_CLIENT_PORT;
    const clusterHost = options.clusterHost ?? "0.0.0.0";
    const password = secrets.coordinatorPassword;
    const routes = otherControllerRoutes(topology, controllerIndex, settings.cluster.peerPort, `${NATS_ROUTE_USER}:${urlSecret(password)}`);

    const lines = [
        "# Managed by Pulumi (openzro). Local edits are overwritten on the next `pulumi up`.",
        "# Standalone NATS for openZro: management's coordinator (OPENZRO_NATS_URL) and signal's dispatcher.",
        "",
        "# Unique per controller: JetStream clustering rejects duplicate server names (spec §2.4).",
        `server_name: ${str(self.hostname)}`,
        "# Loopback only: management and signal on this host are the only clients.",
        `listen: ${str(`${clientHost}:${clientPort}`)}`,
        `http: ${str(options.monitorListen ?? `127.0.0.1:${NATS_MONITOR_PORT}`)}`,
        "",
        "jetstream {",
        `    store_dir: ${str(options.jetstreamDir ?? NATS_JETSTREAM_DIR)}`,
        "}",
    ];
    if (topology.controllers.length > 1) {
        lines.push(
            "",
            "# Routes between controllers only (security group), authenticated.",
            "cluster {",
            `    name: ${str(NATS_CLUSTER_NAME)}`,
            `    listen: ${str(`${clusterHost}:${settings.cluster.peerPort}`)}`,
            "    authorization {",
            `        user: ${str(NATS_ROUTE_USER)}`,
            `        password: ${str(password)}`,
            "        timeout: 2",
            "    }",
            "    routes: [",
            ...routes.map((r) => `        ${str(r)}`),
            "    ]",
            "}",
        );
    }
    return `${lines.join("\n")}\n`;
}
