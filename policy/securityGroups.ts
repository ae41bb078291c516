// Network exposure. Two resource policies that hold for any rule anywhere (no SSH from the internet, no
// all-ports ingress) and three stack policies that need to know which group guards what: a group "belongs" to
// the database, the controllers or the relays when it is attached to them.
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { covers, describeRule, Ingress, ingressRulesOf, isAllPorts, isInternetCidr } from "./lib/ingress";
import { hostsWithRole } from "./lib/roles";
import { StackIndex } from "./lib/stack";
import type { StackResource } from "./lib/types";
import { T } from "./lib/types-aws";

const SSH_PORT = 22;
const POSTGRES_PORT = 5432;
/** Embedded NATS routes of management and of signal (Settings.cluster.peerPort / signalPeerPort defaults). */
export const DEFAULT_CLUSTER_PORTS = [6222, 6223];

export const sgNoPublicSsh: ResourceValidationPolicy = {
    name: "sg-no-public-ssh",
    description: "No security group lets SSH (tcp/22) in from 0.0.0.0/0 or ::/0.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        for (const rule of ingressRulesOf(args)) {
            const open = rule.cidrs.filter(isInternetCidr);
            if (open.length > 0 && covers(rule, SSH_PORT, "tcp")) {
                reportViolation(`ingress ${describeRule(rule)} opens SSH to the internet; list your networks in openzro:ssh.allowedCidrs.`);
            }
        }
    },
};

export const sgNoAllPortsIngress: ResourceValidationPolicy = {
    name: "sg-no-all-ports-ingress",
    description: "No ingress rule allows every protocol or every port; each rule names the port it is for.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        for (const rule of ingressRulesOf(args)) {
            if (isAllPorts(rule)) {
                reportViolation(`ingress ${describeRule(rule)} allows every port; open only the ports the service needs.`);
            }
        }
    },
};

/** Every ingress rule in the stack with the group it belongs to resolved. */
function rulesWithGroups(stack: StackIndex): { rule: Ingress; declaredBy: StackResource; group?: StackResource }[] {
    const groups = stack.ofType(T.securityGroup);
    const out: { rule: Ingress; declaredBy: StackResource; group?: StackResource }[] = [];
    for (const r of stack.ofType(T.securityGroup, T.securityGroupRule, T.ingressRule)) {
        for (const rule of ingressRulesOf(r)) {
            const group =
                r.type === T.securityGroup ? r : stack.resolveOne(r, rule.groupIdProp!, rule.groupId, groups);
            out.push({ rule, declaredBy: r, group });
        }
    }
    return out;
}

/** Groups attached to hosts of one kind. */
function groupsOf(stack: StackIndex, hosts: readonly StackResource[]): Set<StackResource> {
    return new Set(hosts.flatMap((h) => stack.securityGroupsOf(h)));
}

/** The source groups of a rule, resolved (the group itself for `self`). */
function sourceGroups(stack: StackIndex, declaredBy: StackResource, rule: Ingress, group?: StackResource): StackResource[] {
    const sources = stack.resolveAll(declaredBy, rule.sourceGroupProp ?? "", rule.sourceGroupIds, stack.ofType(T.securityGroup));
    if (rule.self && group) {
        sources.push(group);
    }
    return sources;
}

export const sgPostgresOnlyFromControllers: StackValidationPolicy = {
    name: "sg-postgres-only-from-controllers",
    description: "The database's security groups let in only its port, and only from the controllers' security groups.",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        const stack = new StackIndex(args.resources);
        const dbs = stack.ofType(T.rdsInstance);
        const controllerGroups = groupsOf(stack, hostsWithRole(args.resources, "controller"));
        const dbGroups = new Set<StackResource>();
        for (const db of dbs) {
            const attached = stack.securityGroupsOf(db);
            if (attached.length === 0) {
                // Without one, RDS falls back to the VPC's default group.
                reportViolation(`${db.name}: no security group of this stack is attached (vpcSecurityGroupIds).`, db.urn);
            }
            attached.forEach((g) => dbGroups.add(g));
        }
        const dbPort = Number(dbs[0]?.props.port ?? POSTGRES_PORT);
        for (const { rule, declaredBy, group } of rulesWithGroups(stack)) {
            if (!group || !dbGroups.has(group)) {
                continue;
            }
            const onlyDbPort = rule.protocol === "tcp" && rule.fromPort === dbPort && rule.toPort === dbPort;
            const sources = sourceGroups(stack, declaredBy, rule, group);
            const fromControllersOnly =
                rule.cidrs.length === 0 &&
                rule.prefixLists.length === 0 &&
                sources.length > 0 &&
                sources.length === rule.sourceGroupIds.length + (rule.self ? 1 : 0) &&
                sources.every((s) => controllerGroups.has(s));
            if (!onlyDbPort || !fromControllersOnly) {
                reportViolation(
                    `${declaredBy.name}: database group ${group.name} allows ${describeRule(rule)}; allow only tcp ${dbPort} from the controllers' security group.`,
                    declaredBy.urn,
                );
            }
        }
    },
};

export const sgClusterPortOnlyBetweenControllers: StackValidationPolicy = {
    name: "sg-cluster-port-only-between-controllers",
    description:
        "The embedded NATS route ports (no authentication) are open only on the controllers' groups, only from groups attached to controllers alone.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: { ports: { type: "array", items: { type: "integer", minimum: 1, maximum: 65535 }, default: DEFAULT_CLUSTER_PORTS } },
    },
    validateStack: (args, reportViolation) => {
        const ports: number[] = args.getConfig<{ ports?: number[] }>().ports ?? DEFAULT_CLUSTER_PORTS;
        const stack = new StackIndex(args.resources);
        const controllers = hostsWithRole(args.resources, "controller");
        const controllerGroups = groupsOf(stack, controllers);
        const others = args.resources.filter((r) => (r.type === T.ec2Instance || r.type === T.rdsInstance) && !controllers.includes(r));
        const sharedGroups = groupsOf(stack, others);
        const controllerOnly = (g: StackResource) => controllerGroups.has(g) && !sharedGroups.has(g);
        for (const { rule, declaredBy, group } of rulesWithGroups(stack)) {
            const hit = ports.filter((p) => covers(rule, p, "tcp"));
            if (hit.length === 0) {
                continue;
            }
            const sources = sourceGroups(stack, declaredBy, rule, group);
            const ok =
                group !== undefined &&
                controllerGroups.has(group) &&
                rule.cidrs.length === 0 &&
                rule.prefixLists.length === 0 &&
                sources.length > 0 &&
                sources.length === rule.sourceGroupIds.length + (rule.self ? 1 : 0) &&
                sources.every(controllerOnly);
            if (!ok) {
                reportViolation(
                    `${declaredBy.name}: ${describeRule(rule)} reaches cluster port ${hit.join(", ")}; open it only from the controllers' own group.`,
                    declaredBy.urn,
                );
            }
        }
    },
};

/** coturn's STUN port on every relay host (components/host/ports.ts STUN_PORT); the pack's default. */
export const RELAY_STUN_PORT = 3478;

export const sgRelayOnlyRelayPortPublic: StackValidationPolicy = {
    name: "sg-relay-only-relay-port-public",
    description:
        "From the internet a relay exposes its relay port (tcp, and udp for QUIC) and STUN on udp/3478, and nothing else.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            relayPort: { type: "integer", minimum: 1, maximum: 65535 },
            stunPort: { type: "integer", minimum: 1, maximum: 65535, default: RELAY_STUN_PORT },
        },
    },
    validateStack: (args, reportViolation) => {
        const config = args.getConfig<{ relayPort?: number; stunPort?: number }>();
        const expected = config.relayPort;
        const stunPort = config.stunPort ?? RELAY_STUN_PORT;
        const stack = new StackIndex(args.resources);
        const relayGroups = groupsOf(stack, hostsWithRole(args.resources, "relay"));
        const relayPorts = new Map<number, StackResource>();
        for (const { rule, declaredBy, group } of rulesWithGroups(stack)) {
            if (!group || !relayGroups.has(group) || !rule.cidrs.some(isInternetCidr)) {
                continue;
            }
            const single = (rule.protocol === "tcp" || rule.protocol === "udp") && rule.fromPort === rule.toPort;
            if (!single) {
                reportViolation(`${declaredBy.name}: relay group ${group.name} opens ${describeRule(rule)} to the internet; expose only the relay port and udp/${stunPort} (STUN).`, declaredBy.urn);
                continue;
            }
            // STUN is UDP only: nothing listens on tcp/<stunPort>.
            if (rule.protocol === "udp" && rule.fromPort === stunPort) {
                continue;
            }
            if (expected !== undefined && rule.fromPort !== expected) {
                reportViolation(`${declaredBy.name}: relay group ${group.name} opens ${describeRule(rule)}; the relay port is ${expected} and STUN is udp/${stunPort}.`, declaredBy.urn);
            }
            relayPorts.set(rule.fromPort, declaredBy);
        }
        if (relayPorts.size > 1) {
            const [, first] = [...relayPorts.entries()][1];
            reportViolation(`relays expose ports ${[...relayPorts.keys()].join(", ")} to the internet; only the relay port (and udp/${stunPort} for STUN) may be public.`, first.urn);
        }
    },
};

export const securityGroupPolicies = [
    sgNoPublicSsh,
    sgNoAllPortsIngress,
    sgPostgresOnlyFromControllers,
    sgClusterPortOnlyBetweenControllers,
    sgRelayOnlyRelayPortPublic,
];
