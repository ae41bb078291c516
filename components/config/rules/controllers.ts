// Controllers and how their management/signal replicas coordinate (spec §2.1, §2.2, §2.4).
import { ConfigError } from "../errors";
import { DEFAULTS } from "../keys";
import type { Preset } from "../presets";
import { RawReader } from "../reader";
import { isAmiId, isGcpArmMachineType, isGravitonInstanceType } from "../syntax";
import type { Cloud, CoordinatorKind, Settings } from "../types";
import { PORT_RANGE, checkMachineType, checkUnprivilegedPort } from "./common";
import * as ports from "../../host/ports";

export const COORDINATORS: readonly CoordinatorKind[] = ["none", "embedded", "nats", "redis", "external-nats", "external-redis"];
/** Coordinators that keep state in a JetStream (Raft) cluster on the controllers: they need a majority. */
const JETSTREAM_ON_CONTROLLERS: readonly CoordinatorKind[] = ["embedded", "nats"];
const MAX_CONTROLLERS = 9;

export function readControllers(r: RawReader, preset: Preset, cloud: Cloud = "aws"): Settings["controllers"] {
    const count = r.int("controllerCount", { min: 1, max: MAX_CONTROLLERS }, preset.controllerCount);
    const example = cloud === "aws" ? preset.controller.awsInstanceType : preset.controller.gcpMachineType;
    const instanceType = checkMachineType(cloud, "controllerInstanceType", r.text("controllerInstanceType", example), example);
    if (cloud === "aws" && isGravitonInstanceType(instanceType)) {
        throw new ConfigError(
            "controllerInstanceType",
            "is an arm64 (Graviton) type but controllers must be x86_64: the openzro-dashboard package is amd64-only",
            instanceType,
            `use an x86_64 type such as ${example}`,
        );
    }
    if (cloud === "gcp" && isGcpArmMachineType(instanceType)) {
        throw new ConfigError(
            "controllerInstanceType",
            "is an Arm machine type but controllers must be x86_64: the openzro-dashboard package is amd64-only",
            instanceType,
            `use an x86_64 machine type such as ${example}`,
        );
    }
    const amiId = r.text("controllerAmiId");
    if (amiId !== undefined && cloud === "gcp") {
        throw new ConfigError("controllerAmiId", "is an AWS setting (an AMI) and cloud is gcp", amiId, "remove it; pin the GCP boot image with gcpImage");
    }
    if (amiId !== undefined && !isAmiId(amiId)) {
        throw new ConfigError("controllerAmiId", "is not an AMI ID", amiId, "use an ID like ami-0123456789abcdef0, or leave it unset for Ubuntu 24.04");
    }
    return {
        count,
        instanceType,
        rootVolumeGb: r.int("controllerRootVolumeGb", { min: 20, max: 16384 }, preset.controller.rootVolumeGb),
        ...(amiId !== undefined ? { amiId } : {}),
    };
}

export function readCluster(r: RawReader, controllerCount: number): Settings["cluster"] {
    const coordinator = r.oneOf<CoordinatorKind>("clusterCoordinator", COORDINATORS, controllerCount > 1 ? "embedded" : "none");
    if (coordinator === "none" && controllerCount > 1) {
        throw new ConfigError(
            "clusterCoordinator",
            `cannot be none with ${controllerCount} controllers: their management and signal replicas would not coordinate`,
            coordinator,
            "use embedded (or nats, redis, external-nats, external-redis), or set controllerCount 1",
        );
    }
    if (JETSTREAM_ON_CONTROLLERS.includes(coordinator) && controllerCount === 2) {
        throw new ConfigError(
            "controllerCount",
            "2 controllers cannot keep a JetStream quorum when one fails",
            controllerCount,
            "use 1 controller, or 3 (or another odd number) for high availability",
        );
    }
    if (JETSTREAM_ON_CONTROLLERS.includes(coordinator) && controllerCount % 2 === 0) {
        throw new ConfigError(
            "controllerCount",
            `is even: ${controllerCount} controllers tolerate no more failures than ${controllerCount - 1} do, yet need a larger JetStream quorum`,
            controllerCount,
            `use an odd number such as ${controllerCount - 1} or ${controllerCount + 1}`,
        );
    }

    const url = r.secret("clusterUrl");
    const external = coordinator === "external-nats" || coordinator === "external-redis";
    if (external && url === undefined) {
        const scheme = coordinator === "external-nats" ? "nats" : "redis";
        throw new ConfigError(
            "clusterUrl",
            `is required with clusterCoordinator ${coordinator}`,
            undefined,
            `set it with \`pulumi config set --secret clusterUrl ${scheme}://host:port\``,
        );
    }
    if (!external && url !== undefined) {
        throw new ConfigError(
            "clusterUrl",
            `is only used with external-nats or external-redis, not ${coordinator}`,
            "[secret]",
            "remove it (`pulumi config rm clusterUrl`) or set clusterCoordinator to external-nats or external-redis",
        );
    }

    const peerPort = checkUnprivilegedPort("clusterPeerPort", r.int("clusterPeerPort", PORT_RANGE, DEFAULTS.clusterPeerPort), DEFAULTS.clusterPeerPort);
    const signalPeerPort = checkUnprivilegedPort(
        "signalPeerPort",
        r.int("signalPeerPort", PORT_RANGE, DEFAULTS.signalPeerPort),
        DEFAULTS.signalPeerPort,
    );
    if (signalPeerPort === peerPort) {
        throw new ConfigError(
            "signalPeerPort",
            `must differ from clusterPeerPort ${peerPort}: both NATS route listeners run on every controller`,
            signalPeerPort,
            `use another port, e.g. ${peerPort === DEFAULTS.signalPeerPort ? DEFAULTS.clusterPeerPort : DEFAULTS.signalPeerPort}`,
        );
    }
    return { coordinator, peerPort, signalPeerPort, ...(url !== undefined ? { url } : {}) };
}

/** Ports the program itself uses on every controller; configurable ports must avoid them. */
export const CONTROLLER_FIXED_PORTS: ReadonlyMap<number, string> = new Map([
    [22, "SSH"],
    [ports.NGINX_HTTP_PORT, "nginx HTTP"],
    [ports.NGINX_GRPC_PORT, "nginx gRPC"],
    [ports.NGINX_GRPC_TLS_PORT, "nginx gRPC over TLS"],
    [ports.MANAGEMENT_PORT, "management"],
    [ports.MANAGEMENT_METRICS_PORT, "management metrics"],
    [ports.SIGNAL_PORT, "signal gRPC"],
    [ports.SIGNAL_METRICS_PORT, "signal metrics"],
    [6060, "signal pprof"],
    [ports.EMBEDDED_NATS_CLIENT_PORT, "NATS client"],
    [ports.SIGNAL_NATS_CLIENT_PORT, "signal NATS client"],
    [ports.REDIS_PORT, "Redis"],
]);

/** Every configurable controller port is free of the fixed ones and of each other. */
export function checkControllerPorts(configured: ReadonlyArray<readonly [string, number]>): void {
    configured.forEach(([key, port], i) => {
        const fixed = CONTROLLER_FIXED_PORTS.get(port);
        if (fixed !== undefined) {
            throw new ConfigError(key, `collides with the ${fixed} port on the controllers`, port, "choose a free port");
        }
        const earlier = configured.slice(0, i).find(([, other]) => other === port);
        if (earlier) {
            throw new ConfigError(key, `collides with ${earlier[0]} on the controllers`, port, "choose a different port");
        }
    });
}
