// Checks and lookups on RenderTopology shared by several renderers.
import { isIP } from "node:net";
import { Settings } from "../../config/types";
import { RenderTopology } from "../files";
import { RenderError } from "./errors";

type Controller = RenderTopology["controllers"][number];

/** The controller a file is rendered for, after checking the topology agrees with the settings. */
export function controllerAt(settings: Settings, topology: RenderTopology, controllerIndex: number): Controller {
    if (topology.controllers.length !== settings.controllers.count) {
        throw new RenderError(
            "openzro:controllerCount",
            `the footprint handed over ${topology.controllers.length} controllers for ${settings.controllers.count} configured`,
            topology.controllers.map((c) => c.name),
            "the footprint and the settings must describe the same controllers",
        );
    }
    const controller = topology.controllers[controllerIndex];
    if (!Number.isInteger(controllerIndex) || !controller) {
        throw new RenderError("controllerIndex", "no such controller", controllerIndex, `use 0..${topology.controllers.length - 1}`);
    }
    const hostnames = new Set(topology.controllers.map((c) => c.hostname));
    if (hostnames.size !== topology.controllers.length) {
        // Embedded NATS uses the hostname as server_name; JetStream rejects duplicates (spec §2.4, D18).
        throw new RenderError("controllers.hostname", "controller hostnames must be unique", topology.controllers.map((c) => c.hostname), "give every controller its own hostname");
    }
    for (const c of topology.controllers) {
        if (isIP(c.privateIp) === 0) {
            throw new RenderError(`${c.name}.privateIp`, "not an IP address", c.privateIp, "controllers are addressed by private IP on the cluster ports");
        }
    }
    return controller;
}

/** nats://<private ip>:<port> of every controller except `controllerIndex`, in controller order (spec §2.4). */
export function otherControllerRoutes(topology: RenderTopology, controllerIndex: number, port: number, userInfo?: string): string[] {
    return topology.controllers
        .filter((_, i) => i !== controllerIndex)
        .map((c) => `nats://${userInfo ? `${userInfo}@` : ""}${hostPort(c.privateIp, port)}`);
}

export function hostPort(ip: string, port: number): string {
    return isIP(ip) === 6 ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** Proxy source CIDRs, refusing the catch-all ranges that would let anyone spoof client addresses (spec §1.6). */
export function proxyCidrsOf(topology: RenderTopology): string[] {
    for (const cidr of topology.proxyCidrs) {
        const [address, bits, extra] = cidr.split("/");
        const family = isIP(address ?? "");
        const maxBits = family === 6 ? 128 : 32;
        if (family === 0 || extra !== undefined || !/^\d+$/.test(bits ?? "") || Number(bits) > maxBits) {
            throw new RenderError("loadBalancer.proxyCidrs", "not a CIDR", cidr, "hand over the load balancer subnets as CIDRs, e.g. 10.40.0.0/24");
        }
        if (Number(bits) === 0) {
            throw new RenderError("loadBalancer.proxyCidrs", "a catch-all range would trust forwarded addresses from anyone", cidr, "list only the load balancer subnets");
        }
    }
    return [...new Set(topology.proxyCidrs)];
}
