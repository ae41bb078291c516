// How management replicas coordinate and how signal replicas share messages (spec §2.1, §2.2, §2.4). The
// env names are the ones openZro's cluster/factory and signal/cmd/dispatcher.go read.
import { Settings } from "../../config/types";
import { RenderSecrets, RenderTopology } from "../files";
import { EMBEDDED_NATS_CLIENT_PORT, NATS_CLIENT_PORT, REDIS_PORT, SIGNAL_NATS_CLIENT_PORT } from "../ports";
import { EnvEntry } from "./envFile";
import { RenderError } from "./errors";
import { isRedacted } from "./keys";
import { MANAGEMENT_JETSTREAM_DIR } from "./paths";
import { hostPort, otherControllerRoutes } from "./topology";

/** The standalone nats-server on each controller (coordinator "nats"): loopback client listener. */
export const LOCAL_NATS_URL = `nats://127.0.0.1:${NATS_CLIENT_PORT}`;

/** redis://:<password>@<controller-1>:6379 — every replica writes to the master on the first controller. */
export function redisUrl(topology: RenderTopology, password: string, port: number = REDIS_PORT): string {
    const master = topology.controllers[0];
    if (!master) {
        throw new RenderError("controllers", "the redis coordinator needs at least one controller", topology.controllers.length, "configure controllers");
    }
    return `redis://:${urlSecret(password)}@${hostPort(master.privateIp, port)}`;
}

/** Percent-encodes a secret for URL userinfo; REDACTED stays readable in the offline plan. */
export function urlSecret(secret: string): string {
    return isRedacted(secret) ? secret : encodeURIComponent(secret);
}

function externalUrl(settings: Settings, secrets: RenderSecrets): string {
    if (!secrets.clusterUrl) {
        throw new RenderError("openzro:clusterUrl", `coordinator ${settings.cluster.coordinator} needs the broker URL`, "", "set it with `pulumi config set --secret openzro:clusterUrl <url>`");
    }
    return secrets.clusterUrl;
}

/** Coordinator env for management on controller `controllerIndex`. */
export function managementCoordinatorEnv(
    settings: Settings,
    topology: RenderTopology,
    controllerIndex: number,
    secrets: RenderSecrets,
): EnvEntry[] {
    switch (settings.cluster.coordinator) {
        case "none":
            return [];
        case "embedded": {
            // Peers are the OTHER controllers' private addresses (spec §2.4, D18): the route port is reachable
            // only between controllers; listing only others is accepted by openZro and avoids a self-route.
            const peers = otherControllerRoutes(topology, controllerIndex, settings.cluster.peerPort);
            return [
                ["OPENZRO_BROKER", "embedded"],
                ...(peers.length > 0 ? [["OPENZRO_CLUSTER_PEERS", peers.join(",")] as const] : []),
                ["OPENZRO_EMBEDDED_NATS_CLIENT_PORT", String(EMBEDDED_NATS_CLIENT_PORT)],
                ["OPENZRO_EMBEDDED_NATS_CLUSTER_PORT", String(settings.cluster.peerPort)],
                // Persist JetStream (the locks KV and coordinator state) across restarts, inside the unit's
                // writable paths.
                ["OPENZRO_EMBEDDED_NATS_JETSTREAM_DIR", MANAGEMENT_JETSTREAM_DIR],
            ];
        }
        case "nats":
            // Explicit URL: an empty one silently disables coordination (D17).
            return [["OPENZRO_NATS_URL", LOCAL_NATS_URL]];
        case "redis":
            return [["OPENZRO_REDIS_URL", redisUrl(topology, secrets.coordinatorPassword)]];
        case "external-nats":
            return [["OPENZRO_NATS_URL", externalUrl(settings, secrets)]];
        case "external-redis":
            return [["OPENZRO_REDIS_URL", externalUrl(settings, secrets)]];
    }
}

/**
 * Signal's dispatcher (spec §2.2). One controller: in-memory, stated explicitly so no stray broker variable can
 * switch it. Several: messages must cross replicas, so a broker is mandatory.
 */
export function signalDispatcherEnv(
    settings: Settings,
    topology: RenderTopology,
    controllerIndex: number,
    secrets: RenderSecrets,
): EnvEntry[] {
    if (topology.controllers.length === 1) {
        return [["OPENZRO_SIGNAL_DISPATCHER", "inmem"]];
    }
    switch (settings.cluster.coordinator) {
        case "none":
            throw new RenderError(
                "openzro:clusterCoordinator",
                `signal on ${topology.controllers.length} controllers drops messages between replicas without a broker`,
                "none",
                "use embedded (or nats, redis, external-nats, external-redis)",
            );
        case "embedded":
            // Signal runs ITS OWN embedded NATS cluster rather than joining management's through
            // nats://127.0.0.1:4222. Joining would make signal depend on management's uptime: every rolling
            // restart of management would cut signal's broker for up to nats.go's ~2 min reconnect budget.
            // A separate cluster gives signal its own failure domain, as the HELM chart does (_cluster.tpl);
            // the cost is one more route port (signalPeerPort, 6223) open between controllers only. The client
            // port differs from management's 4222 because both embedded servers bind loopback on one host.
            return [
                ["OPENZRO_SIGNAL_DISPATCHER", "nats"],
                ["OPENZRO_BROKER", "embedded"],
                ["OPENZRO_CLUSTER_PEERS", otherControllerRoutes(topology, controllerIndex, settings.cluster.signalPeerPort).join(",")],
                ["OPENZRO_EMBEDDED_NATS_CLIENT_PORT", String(SIGNAL_NATS_CLIENT_PORT)],
                ["OPENZRO_EMBEDDED_NATS_CLUSTER_PORT", String(settings.cluster.signalPeerPort)],
            ];
        case "nats":
            // The standalone nats-server is its own process, so sharing it does not tie signal to management.
            return [
                ["OPENZRO_SIGNAL_DISPATCHER", "nats"],
                ["OPENZRO_NATS_URL", LOCAL_NATS_URL],
            ];
        case "redis":
            return [
                ["OPENZRO_SIGNAL_DISPATCHER", "redis"],
                ["OPENZRO_REDIS_URL", redisUrl(topology, secrets.coordinatorPassword)],
            ];
        case "external-nats":
            return [
                ["OPENZRO_SIGNAL_DISPATCHER", "nats"],
                ["OPENZRO_NATS_URL", externalUrl(settings, secrets)],
            ];
        case "external-redis":
            return [
                ["OPENZRO_SIGNAL_DISPATCHER", "redis"],
                ["OPENZRO_REDIS_URL", externalUrl(settings, secrets)],
            ];
    }
}
