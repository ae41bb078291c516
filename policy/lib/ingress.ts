// Security-group ingress, normalised. AWS has three ways to declare a rule (inline `ingress` on
// aws.ec2.SecurityGroup, aws.ec2.SecurityGroupRule with type "ingress", and the recommended
// aws.vpc.SecurityGroupIngressRule); every rule policy reads them through this one shape so a rule cannot slip
// past a check by being declared the other way.
import { T } from "./types-aws";

export type Protocol = "all" | "tcp" | "udp" | "icmp" | "icmpv6" | string;

export interface Ingress {
    /** Resource that declares the rule (the security group itself for inline rules). */
    readonly declaredBy: { readonly type: string; readonly urn: string; readonly name: string };
    /** Property of `declaredBy` holding the group the rule belongs to; undefined for inline rules. */
    readonly groupIdProp?: string;
    /** Value of that property (a security group id); undefined for inline rules. */
    readonly groupId?: string;
    readonly protocol: Protocol;
    readonly fromPort: number;
    readonly toPort: number;
    readonly cidrs: readonly string[];
    /** Property holding the source groups, for resolving them through property dependencies. */
    readonly sourceGroupProp?: string;
    readonly sourceGroupIds: readonly string[];
    /** Source is the group itself. */
    readonly self: boolean;
    readonly prefixLists: readonly string[];
}

const MAX_PORT = 65535;

export function normaliseProtocol(p: unknown): Protocol {
    const s = String(p ?? "").toLowerCase();
    switch (s) {
        case "-1":
        case "all":
            return "all";
        case "6":
            return "tcp";
        case "17":
            return "udp";
        case "1":
            return "icmp";
        case "58":
            return "icmpv6";
        default:
            return s;
    }
}

function portRange(protocol: Protocol, from: unknown, to: unknown): { fromPort: number; toPort: number } {
    if (protocol === "all") {
        return { fromPort: 0, toPort: MAX_PORT };
    }
    // A tcp/udp rule without ports means every port.
    const f = typeof from === "number" ? from : 0;
    const t = typeof to === "number" ? to : MAX_PORT;
    return { fromPort: f, toPort: t };
}

function strings(...xs: unknown[]): string[] {
    const out: string[] = [];
    for (const x of xs) {
        if (typeof x === "string" && x !== "") {
            out.push(x);
        } else if (Array.isArray(x)) {
            out.push(...x.filter((v): v is string => typeof v === "string" && v !== ""));
        }
    }
    return out;
}

/** Every ingress rule a resource declares (none for resources that declare no ingress). */
export function ingressRulesOf(r: { type: string; urn: string; name: string; props: Record<string, any> }): Ingress[] {
    const declaredBy = { type: r.type, urn: r.urn, name: r.name };
    const p = r.props;
    switch (r.type) {
        case T.ingressRule: {
            const protocol = normaliseProtocol(p.ipProtocol);
            return [
                {
                    declaredBy,
                    groupIdProp: "securityGroupId",
                    groupId: p.securityGroupId,
                    protocol,
                    ...portRange(protocol, p.fromPort, p.toPort),
                    cidrs: strings(p.cidrIpv4, p.cidrIpv6),
                    sourceGroupProp: "referencedSecurityGroupId",
                    sourceGroupIds: strings(p.referencedSecurityGroupId),
                    self: false,
                    prefixLists: strings(p.prefixListId),
                },
            ];
        }
        case T.securityGroupRule: {
            if (p.type !== "ingress") {
                return [];
            }
            const protocol = normaliseProtocol(p.protocol);
            return [
                {
                    declaredBy,
                    groupIdProp: "securityGroupId",
                    groupId: p.securityGroupId,
                    protocol,
                    ...portRange(protocol, p.fromPort, p.toPort),
                    cidrs: strings(p.cidrBlocks, p.ipv6CidrBlocks),
                    sourceGroupProp: "sourceSecurityGroupId",
                    sourceGroupIds: strings(p.sourceSecurityGroupId),
                    self: p.self === true,
                    prefixLists: strings(p.prefixListIds),
                },
            ];
        }
        case T.securityGroup: {
            const rules: any[] = Array.isArray(p.ingress) ? p.ingress : [];
            return rules.map((rule) => {
                const protocol = normaliseProtocol(rule.protocol);
                return {
                    declaredBy,
                    protocol,
                    ...portRange(protocol, rule.fromPort, rule.toPort),
                    cidrs: strings(rule.cidrBlocks, rule.ipv6CidrBlocks),
                    sourceGroupProp: "ingress",
                    sourceGroupIds: strings(rule.securityGroups),
                    self: rule.self === true,
                    prefixLists: strings(rule.prefixListIds),
                };
            });
        }
        default:
            return [];
    }
}

/** True when the rule lets `port` in over `proto`. */
export function covers(rule: Ingress, port: number, proto: "tcp" | "udp"): boolean {
    if (rule.protocol !== "all" && rule.protocol !== proto) {
        return false;
    }
    return rule.fromPort <= port && port <= rule.toPort;
}

/** Every protocol, or every tcp/udp port (0/1 through 65535). */
export function isAllPorts(rule: Ingress): boolean {
    if (rule.protocol === "all") {
        return true;
    }
    return (rule.protocol === "tcp" || rule.protocol === "udp") && rule.fromPort <= 1 && rule.toPort >= MAX_PORT;
}

/** 0.0.0.0/0 and ::/0 (any /0): the whole internet. */
export function isInternetCidr(cidr: string): boolean {
    return /\/0$/.test(cidr.trim());
}

export function describeRule(rule: Ingress): string {
    const ports = rule.protocol === "all" ? "all traffic" : `${rule.protocol} ${rule.fromPort}-${rule.toPort}`;
    const sources = [
        ...rule.cidrs,
        ...rule.sourceGroupIds.map((g) => `sg ${g}`),
        ...rule.prefixLists.map((p) => `prefix list ${p}`),
        ...(rule.self ? ["self"] : []),
    ];
    return `${ports} from ${sources.length ? sources.join(", ") : "nowhere"}`;
}
