// Every firewall rule of the GCP footprint as plain data, so the exact rule set can be unit-tested. One scheme:
// rules target (and, between hosts, match) the role's service account, never network tags (tags can be changed by
// anyone who can edit an instance; attaching a service account needs iam.serviceAccountUser on it). The VPC's
// implied rules deny all other ingress and allow all egress, so there are no egress rules here.
import { Settings } from "../config/types";
import { parseCidr } from "../config/cidr";
import { NGINX_GRPC_TLS_PORT, NGINX_HTTP_PORT } from "../host/ports";
import { relayPublicListeners } from "../host/relayListeners";
import { controllerPeerPorts } from "../aws/securityRules";

export type HostRole = "controller" | "bastion" | "relay";

/**
 * Where Google's front ends (the global external Application Load Balancer's proxies) and its health-check probers
 * connect from (Google, "Request distribution for external Application Load Balancers"; the same ranges as the
 * health-check firewall rule in "Health checks overview").
 */
export const GOOGLE_FRONT_END_RANGES: readonly string[] = ["35.191.0.0/16", "130.211.0.0/22"];

export interface FirewallAllow {
    readonly protocol: "tcp" | "udp";
    readonly ports: readonly string[];
}

export interface FirewallRulePlan {
    /** Resource-name stem, e.g. "lb-to-nginx". */
    readonly key: string;
    readonly description: string;
    /** Exactly one of sourceRanges / sourceRoles. */
    readonly sourceRanges?: readonly string[];
    readonly sourceRoles?: readonly HostRole[];
    readonly targetRoles: readonly HostRole[];
    readonly allows: readonly FirewallAllow[];
}

/** One allow entry per protocol, ports in listing order, no duplicates. */
function allowsOf(listeners: readonly { protocol: "tcp" | "udp"; port: number }[]): FirewallAllow[] {
    const byProtocol = new Map<"tcp" | "udp", string[]>();
    for (const { protocol, port } of listeners) {
        const ports = byProtocol.get(protocol) ?? [];
        if (!ports.includes(String(port))) ports.push(String(port));
        byProtocol.set(protocol, ports);
    }
    return [...byProtocol.entries()].map(([protocol, ports]) => ({ protocol, ports }));
}

export function gcpFirewallRules(settings: Settings): FirewallRulePlan[] {
    const rules: FirewallRulePlan[] = [
        {
            key: "lb-to-nginx",
            description: "Google front ends and health checks to nginx: HTTP/1.1 and gRPC over TLS",
            sourceRanges: GOOGLE_FRONT_END_RANGES,
            targetRoles: ["controller"],
            allows: [{ protocol: "tcp", ports: [String(NGINX_HTTP_PORT), String(NGINX_GRPC_TLS_PORT)] }],
        },
    ];
    const peerPorts = controllerPeerPorts(settings.cluster.coordinator, settings.cluster);
    if (peerPorts.length > 0) {
        rules.push({
            key: "controller-cluster",
            description: peerPorts.map((p) => p.description).join("; "),
            sourceRoles: ["controller"],
            targetRoles: ["controller"],
            allows: [{ protocol: "tcp", ports: peerPorts.map((p) => String(p.port)) }],
        });
    }
    // A GCP firewall rule holds one address family: IPv4 and IPv6 operator networks get a rule each.
    const v4 = settings.ssh.allowedCidrs.filter((c) => parseCidr(c)?.family === 4);
    const v6 = settings.ssh.allowedCidrs.filter((c) => parseCidr(c)?.family === 6);
    for (const [suffix, ranges] of [["", v4], ["-v6", v6]] as const) {
        if (ranges.length > 0) {
            rules.push({
                key: `ssh-to-bastion${suffix}`,
                description: "SSH from the allowed operator networks to the bastion",
                sourceRanges: ranges,
                targetRoles: ["bastion"],
                allows: [{ protocol: "tcp", ports: ["22"] }],
            });
        }
    }
    rules.push(
        {
            // Relays too: every host is in the one VPC, so the bastion reaches relays on their internal IPs and
            // SSH is never open to the internet on any host but the bastion.
            key: "ssh-from-bastion",
            description: "SSH from the bastion to controllers and relays (internal addresses)",
            sourceRoles: ["bastion"],
            targetRoles: ["controller", "relay"],
            allows: [{ protocol: "tcp", ports: ["22"] }],
        },
        {
            key: "relay-listeners",
            description: relayPublicListeners(settings).map((l) => `${l.protocol}/${l.port} ${l.purpose}`).join("; "),
            sourceRanges: ["0.0.0.0/0"],
            targetRoles: ["relay"],
            allows: allowsOf(relayPublicListeners(settings)),
        },
    );
    return rules;
}
