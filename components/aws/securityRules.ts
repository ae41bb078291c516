// Every security-group rule of the deployment as plain data, so the exact rule set can be unit-tested and each
// rule becomes its own aws.vpc.SecurityGroup{Ingress,Egress}Rule resource (no inline rules, no rule fighting).
import { CoordinatorKind, Settings } from "../config/types";
import { NGINX_GRPC_PORT, NGINX_HTTP_PORT, POSTGRES_PORT, REDIS_PORT } from "../host/ports";
import { relayPublicListeners } from "../host/relayListeners";

export type GroupKey = "alb" | "controllers" | "bastion" | "database" | "relay";
export type RuleProtocol = "tcp" | "udp" | "all";
export type RulePeer = { readonly cidr: string } | { readonly group: GroupKey };

export interface SecurityRule {
    /** Unique resource-name stem, e.g. "alb-in-443". */
    readonly key: string;
    readonly group: GroupKey;
    readonly direction: "ingress" | "egress";
    readonly protocol: RuleProtocol;
    /** Absent for protocol "all". */
    readonly port?: number;
    readonly peer: RulePeer;
    readonly description: string;
}

const WORLD_V4 = "0.0.0.0/0";

/** Ports only controllers talk to each other on, by coordinator (spec §2.2, §2.4). */
export function controllerPeerPorts(
    coordinator: CoordinatorKind,
    cluster: { peerPort: number; signalPeerPort: number },
): { port: number; description: string }[] {
    switch (coordinator) {
        case "embedded":
            return [
                { port: cluster.peerPort, description: "management embedded NATS routes (no auth, no TLS: peers only)" },
                { port: cluster.signalPeerPort, description: "signal embedded NATS routes (no auth, no TLS: peers only)" },
            ];
        case "nats":
            return [{ port: cluster.peerPort, description: "nats-server cluster routes" }];
        case "redis":
            return [{ port: REDIS_PORT, description: "redis-server on the controllers" }];
        case "none":
        case "external-nats":
        case "external-redis":
            return [];
    }
}

function cidrRules(group: GroupKey, stem: string, protocol: RuleProtocol, port: number, cidrs: readonly string[], description: string): SecurityRule[] {
    return cidrs.map((cidr, i) => ({
        key: cidrs.length === 1 ? stem : `${stem}-${i + 1}`,
        group,
        direction: "ingress" as const,
        protocol,
        port,
        peer: { cidr },
        description,
    }));
}

/** Rules of the primary region's groups: load balancer, controllers, bastion, database. */
export function primarySecurityRules(settings: Settings): SecurityRule[] {
    const rules: SecurityRule[] = [];
    const add = (r: SecurityRule) => rules.push(r);

    // Load balancer: the world in on 80 (redirect) and 443; out only to the controllers' nginx.
    add({ key: "alb-in-80", group: "alb", direction: "ingress", protocol: "tcp", port: 80, peer: { cidr: WORLD_V4 }, description: "HTTP (redirects to HTTPS)" });
    add({ key: "alb-in-443", group: "alb", direction: "ingress", protocol: "tcp", port: 443, peer: { cidr: WORLD_V4 }, description: "HTTPS and gRPC" });
    for (const port of [NGINX_HTTP_PORT, NGINX_GRPC_PORT]) {
        add({ key: `alb-out-${port}`, group: "alb", direction: "egress", protocol: "tcp", port, peer: { group: "controllers" }, description: `to controller nginx :${port}` });
    }

    // Controllers: nginx only from the load balancer, SSH only from the bastion, peer ports only from each other.
    for (const port of [NGINX_HTTP_PORT, NGINX_GRPC_PORT]) {
        add({ key: `controllers-in-${port}`, group: "controllers", direction: "ingress", protocol: "tcp", port, peer: { group: "alb" }, description: `nginx :${port} from the load balancer` });
    }
    add({ key: "controllers-in-22", group: "controllers", direction: "ingress", protocol: "tcp", port: 22, peer: { group: "bastion" }, description: "SSH from the bastion" });
    for (const { port, description } of controllerPeerPorts(settings.cluster.coordinator, settings.cluster)) {
        add({ key: `controllers-in-${port}`, group: "controllers", direction: "ingress", protocol: "tcp", port, peer: { group: "controllers" }, description });
    }
    // Packages, the identity provider and the database are all outbound from the controllers.
    add({ key: "controllers-out-all", group: "controllers", direction: "egress", protocol: "all", peer: { cidr: WORLD_V4 }, description: "packages, identity provider, database" });

    // Bastion: SSH from the operators' networks only.
    rules.push(...cidrRules("bastion", "bastion-in-22", "tcp", 22, settings.ssh.allowedCidrs, "SSH from allowed operator networks"));
    add({ key: "bastion-out-all", group: "bastion", direction: "egress", protocol: "all", peer: { cidr: WORLD_V4 }, description: "SSH to controllers, package updates" });

    // Database: PostgreSQL from the controllers only; no egress rule (replies are allowed by connection tracking).
    add({ key: "database-in-5432", group: "database", direction: "ingress", protocol: "tcp", port: POSTGRES_PORT, peer: { group: "controllers" }, description: "PostgreSQL from the controllers" });

    return rules;
}

/**
 * Rules of a relay region's group: the relay host's public listeners (relayListeners.ts) from anywhere, SSH from
 * the operators. IPv4 only: the relay VPCs have no IPv6, so ::/0 rules would suggest reachability that does not exist.
 */
export function relaySecurityRules(settings: Settings): SecurityRule[] {
    return [
        ...relayPublicListeners(settings).map(
            ({ protocol, port, purpose }): SecurityRule => ({
                key: `relay-in-${protocol}-${port}`,
                group: "relay",
                direction: "ingress",
                protocol,
                port,
                peer: { cidr: WORLD_V4 },
                description: purpose,
            }),
        ),
        ...cidrRules("relay", "relay-in-22", "tcp", 22, settings.ssh.allowedCidrs, "SSH from allowed operator networks"),
        { key: "relay-out-all", group: "relay", direction: "egress", protocol: "all", peer: { cidr: WORLD_V4 }, description: "packages, peers" },
    ];
}
