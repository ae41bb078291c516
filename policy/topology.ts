// Whole-deployment shape: controllers survive an AZ loss, the controller count can keep a JetStream quorum, and
// every relay is reachable at an address and name of its own (peers homed on different relay processes cannot
// pair through one shared address, spec §4 / ADR-0014).
import type { StackValidationPolicy } from "@pulumi/policy";
import { covers, ingressRulesOf } from "./lib/ingress";
import { hostsWithRole } from "./lib/roles";
import { StackIndex } from "./lib/stack";
import type { StackResource } from "./lib/types";
import { LB_TYPES, T } from "./lib/types-aws";
import { DEFAULT_CLUSTER_PORTS } from "./securityGroups";

function zoneOf(stack: StackIndex, instance: StackResource): string | undefined {
    const own = instance.props.availabilityZone;
    if (typeof own === "string" && own !== "") {
        return own;
    }
    const subnet = stack.resolveOne(instance, "subnetId", instance.props.subnetId, stack.ofType(T.subnet));
    const z = subnet?.props.availabilityZone ?? subnet?.props.availabilityZoneId;
    return typeof z === "string" && z !== "" ? z : undefined;
}

export const controllersSpreadOverAzs: StackValidationPolicy = {
    name: "controllers-spread-over-azs",
    description: "Controllers run in at least min(count, 3) distinct availability zones, so one AZ outage leaves a quorum.",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        const stack = new StackIndex(args.resources);
        const controllers = hostsWithRole(args.resources, "controller");
        const zones = new Set<string>();
        for (const c of controllers) {
            const z = zoneOf(stack, c);
            if (z === undefined) {
                reportViolation(`${c.name}: its availability zone cannot be determined (no availabilityZone, subnet not in this stack).`, c.urn);
            } else {
                zones.add(z);
            }
        }
        const needed = Math.min(controllers.length, 3);
        if (zones.size < needed) {
            reportViolation(
                `${controllers.length} controllers run in ${zones.size} availability zone(s) (${[...zones].join(", ")}); spread them over at least ${needed} (openzro:network.azCount).`,
            );
        }
    },
};

/** Ingress rules on the controllers' groups whose only sources are the controllers' groups: the coordinator's cluster. */
function controllerToControllerRules(stack: StackIndex, controllerGroups: Set<StackResource>) {
    const groups = stack.ofType(T.securityGroup);
    return stack.ofType(T.securityGroup, T.securityGroupRule, T.ingressRule).flatMap((r) =>
        ingressRulesOf(r).filter((rule) => {
            const group = r.type === T.securityGroup ? r : stack.resolveOne(r, rule.groupIdProp!, rule.groupId, groups);
            if (!group || !controllerGroups.has(group) || rule.cidrs.length > 0) {
                return false;
            }
            const sources = stack.resolveAll(r, rule.sourceGroupProp ?? "", rule.sourceGroupIds, groups);
            return (rule.self || sources.length > 0) && sources.every((s) => controllerGroups.has(s));
        }),
    );
}

export const controllerCountQuorum: StackValidationPolicy = {
    name: "controller-count-quorum",
    description:
        "Several controllers are joined by a coordinator cluster, and with the embedded (JetStream) coordinator their count is odd: an even count has no majority after one failure.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            ports: { type: "array", items: { type: "integer", minimum: 1, maximum: 65535 }, default: DEFAULT_CLUSTER_PORTS },
            externalCoordinator: { type: "boolean", default: false },
        },
    },
    validateStack: (args, reportViolation) => {
        const config = args.getConfig<{ ports?: number[]; externalCoordinator?: boolean }>();
        const peerPort = (config.ports ?? DEFAULT_CLUSTER_PORTS)[0];
        const stack = new StackIndex(args.resources);
        const controllers = hostsWithRole(args.resources, "controller");
        const n = controllers.length;
        if (n <= 1) {
            return;
        }
        const cluster = controllerToControllerRules(stack, new Set(controllers.flatMap((c) => stack.securityGroupsOf(c))));
        // The embedded coordinator (and a standalone nats-server) keep JetStream state in a Raft group on the
        // controllers, reached on the NATS route port.
        const jetStream = cluster.some((rule) => covers(rule, peerPort, "tcp"));
        if (jetStream && n % 2 === 0) {
            reportViolation(
                `${n} controllers with the embedded coordinator: an even count has no JetStream majority after one failure; use 1 or an odd number >= 3 (openzro:controllerCount).`,
            );
        }
        if (cluster.length === 0 && !config.externalCoordinator) {
            // Without a cluster between them the replicas run as islands: signal cannot reach peers connected to
            // another replica (spec §2.2).
            reportViolation(
                `${n} controllers but no port is open between them, so no coordinator cluster can form (openzro:clusterCoordinator); for an external coordinator set this policy's externalCoordinator: true.`,
            );
        }
    },
};

/** Public IP of an Elastic IP (its output), falling back to its name for matching by dependency only. */
function eipAddress(eip: StackResource): string | undefined {
    const ip = eip.props.publicIp;
    return typeof ip === "string" && ip !== "" ? ip : undefined;
}

export const relayDistinctAddressAndDns: StackValidationPolicy = {
    name: "relay-distinct-address-and-dns",
    description:
        "Every relay has exactly one Elastic IP of its own and one DNS A record that resolves to that address only; no load balancer target group spans relays.",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        const stack = new StackIndex(args.resources);
        const relays = hostsWithRole(args.resources, "relay");
        const eips = stack.ofType(T.eip);
        const assocs = stack.ofType(T.eipAssociation);
        const records = stack.ofType(T.route53Record).filter((r) => (r.props.type ?? "A") === "A");

        const eipsOf = new Map<StackResource, StackResource[]>(relays.map((r) => [r, []]));
        for (const eip of eips) {
            const relay = stack.resolveOne(eip, "instance", eip.props.instance, relays);
            relay && eipsOf.get(relay)!.push(eip);
        }
        for (const a of assocs) {
            const relay = stack.resolveOne(a, "instanceId", a.props.instanceId, relays);
            const eip = stack.resolveOne(a, "allocationId", a.props.allocationId, eips);
            relay && eip && !eipsOf.get(relay)!.includes(eip) && eipsOf.get(relay)!.push(eip);
        }

        const namesSeen = new Map<string, StackResource>();
        for (const relay of relays) {
            const own = eipsOf.get(relay)!;
            if (own.length !== 1) {
                reportViolation(`${relay.name}: has ${own.length} Elastic IPs; each relay needs exactly one address of its own.`, relay.urn);
                continue;
            }
            const eip = own[0];
            const ip = eipAddress(eip);
            const pointing = records.filter((rec) => {
                const values: unknown[] = rec.props.records ?? [];
                return ip !== undefined ? values.includes(ip) : (rec.propertyDependencies.records ?? []).includes(eip);
            });
            if (pointing.length !== 1) {
                reportViolation(`${relay.name}: ${pointing.length} DNS A records point at its address; publish exactly one name (relay-<name>.<domain>).`, relay.urn);
                continue;
            }
            const rec = pointing[0];
            const values: unknown[] = rec.props.records ?? [];
            if (values.length !== 1) {
                reportViolation(`${rec.name}: the relay record lists ${values.length} addresses; a relay name resolves to its own address only.`, rec.urn);
            }
            const name = String(rec.props.name ?? rec.name).replace(/\.$/, "").toLowerCase();
            const other = namesSeen.get(name);
            if (other) {
                reportViolation(`${relay.name} and ${other.name} share the DNS name ${name}.`, relay.urn);
            }
            namesSeen.set(name, relay);
        }

        // An address shared between relays shows up as one EIP resolved for two relays.
        const owners = new Map<StackResource, StackResource[]>();
        for (const [relay, list] of eipsOf) {
            for (const eip of list) {
                owners.set(eip, [...(owners.get(eip) ?? []), relay]);
            }
        }
        for (const [eip, rs] of owners) {
            if (rs.length > 1) {
                reportViolation(`${eip.name} is shared by relays ${rs.map((r) => r.name).join(", ")}.`, eip.urn);
            }
        }

        const relaysByGroup = new Map<StackResource, Set<StackResource>>();
        const tgs = stack.ofType(...LB_TYPES.targetGroup);
        for (const att of stack.ofType(...LB_TYPES.targetGroupAttachment)) {
            const relay = stack.resolveOne(att, "targetId", att.props.targetId, relays);
            const tg = stack.resolveOne(att, "targetGroupArn", att.props.targetGroupArn, tgs);
            if (relay && tg) {
                relaysByGroup.set(tg, new Set([...(relaysByGroup.get(tg) ?? []), relay]));
            }
        }
        for (const [tg, rs] of relaysByGroup) {
            if (rs.size > 1) {
                reportViolation(`${tg.name} balances ${rs.size} relays behind one address; give each relay its own listener and address.`, tg.urn);
            }
        }
    },
};

export const topologyPolicies = [controllersSpreadOverAzs, controllerCountQuorum, relayDistinctAddressAndDns];
