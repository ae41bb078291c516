// The facts the host layer hands to the renderers, read back from an offline plan (scripts/plan/evaluate.ts):
// controller private IPs and the database endpoint from the stack outputs, relay addresses from their Elastic
// IPs, proxy CIDRs from the same subnet plan the network component uses. The integration tests render files
// from this with throwaway secrets and check, byte for byte, that the REDACTED rendering equals what the plan
// wrote under hosts/ -- so what runs against real services is exactly what the program ships.
import { controllerHostname, controllerName, relayDnsName, relayHostName } from "../../../components/config/naming";
import { planSubnets } from "../../../components/config/cidr";
import type { Settings } from "../../../components/config/types";
import { DATABASE_NAMES } from "../../../components/host/facts";
import { metricsNamespace } from "../../../components/aws/metricsAgent";
import type { HostFile, RenderTopology } from "../../../components/host/files";

/** The parts of a PlanResult this needs (structural, so tests can hand-build one). */
export interface PlanLike {
    readonly settings: Settings;
    readonly outputs: Readonly<Record<string, unknown>>;
    readonly resources: readonly { readonly type: string; readonly name: string; readonly state: Record<string, unknown> }[];
    readonly hostFiles: Readonly<Record<string, readonly HostFile[]>>;
}

function stringList(value: unknown, what: string): string[] {
    if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
        throw new Error(`plan output ${what} is not a list of strings: ${JSON.stringify(value)}`);
    }
    return value as string[];
}

/** "host:port" → parts (the databaseEndpoint output). */
export function splitEndpoint(endpoint: unknown): { host: string; port: number } {
    const m = typeof endpoint === "string" ? /^([^:\s]+):(\d+)$/.exec(endpoint) : null;
    if (!m) throw new Error(`plan output databaseEndpoint is not host:port: ${JSON.stringify(endpoint)}`);
    return { host: m[1], port: Number(m[2]) };
}

/** Public IP of a relay: the Elastic IP registered for that relay host. */
export function relayPublicIp(plan: PlanLike, relayName: string): string {
    const suffix = `${relayHostName(relayName)}-ip`;
    const eips = plan.resources.filter((r) => r.type === "aws:ec2/eip:Eip" && r.name.endsWith(suffix));
    if (eips.length !== 1) {
        throw new Error(`expected one Elastic IP named *${suffix} for relay ${relayName}, found ${eips.length}`);
    }
    const ip = eips[0].state.publicIp;
    if (typeof ip !== "string") throw new Error(`Elastic IP ${eips[0].name} has no publicIp`);
    return ip;
}

export function topologyFromPlan(plan: PlanLike): RenderTopology {
    const s = plan.settings;
    const ips = stringList(plan.outputs.controllerPrivateIps, "controllerPrivateIps");
    const db = splitEndpoint(plan.outputs.databaseEndpoint);
    return {
        controllers: ips.map((privateIp, i) => ({ name: controllerName(i), hostname: controllerHostname(i), privateIp })),
        relays: s.relays.map((r) => ({ name: r.name, dnsName: relayDnsName(r.name, s.domain), publicIp: relayPublicIp(plan, r.name) })),
        database: { host: db.host, port: db.port, user: s.database.username, mainDatabase: DATABASE_NAMES.main },
        proxyCidrs: planSubnets(s.network.vpcCidr, s.network.azCount).public,
        ...metricsAgentFromPlan(plan),
    };
}

/** The metrics agent the footprint handed over: its log group as the plan created it (none: no agent). */
export function metricsAgentFromPlan(plan: PlanLike): Pick<RenderTopology, "metricsAgent"> {
    const groups = plan.resources.filter((r) => r.type === "aws:cloudwatch/logGroup:LogGroup" && /^\/openzro\/[^/]+\/metrics$/.test(String(r.state.name)));
    if (!plan.settings.metrics.agent) {
        if (groups.length > 0) throw new Error("the plan has a metrics log group but metricsAgent is off");
        return {};
    }
    if (groups.length !== 1) throw new Error(`expected one metrics log group in the plan, found ${groups.length}`);
    const logGroupName = String(groups[0].state.name);
    const stack = logGroupName.split("/")[2];
    return { metricsAgent: { kind: "cloudwatch", logGroupName, region: plan.settings.region, namespace: metricsNamespace(stack) } };
}

/**
 * The files the plan wrote for one host. Controllers are keyed controller-<n>; relays by relayHostName(name)
 * (relay-<name>) per the plan contract, or by the bare relay name.
 */
export function planHostFiles(plan: PlanLike, host: { role: "controller"; index: number } | { role: "relay"; name: string }): readonly HostFile[] {
    const keys = host.role === "controller" ? [controllerName(host.index)] : [relayHostName(host.name), host.name];
    for (const k of keys) {
        const files = plan.hostFiles[k];
        if (files) return files;
    }
    throw new Error(`the plan has no files for ${keys.join(" / ")} (hosts: ${Object.keys(plan.hostFiles).join(", ")})`);
}

/** Differences between two renderings of one host, as readable lines (empty when identical). */
export function diffHostFiles(expected: readonly HostFile[], actual: readonly HostFile[]): string[] {
    const out: string[] = [];
    const byPath = (files: readonly HostFile[]) => new Map(files.map((f) => [f.path, f]));
    const e = byPath(expected);
    const a = byPath(actual);
    for (const p of new Set([...e.keys(), ...a.keys()])) {
        const x = e.get(p);
        const y = a.get(p);
        if (!x || !y) {
            out.push(`${p}: only in ${x ? "the plan" : "the test rendering"}`);
            continue;
        }
        for (const k of ["content", "mode", "owner", "group", "secret"] as const) {
            if (x[k] !== y[k]) out.push(`${p}: ${k} differs`);
        }
        if (JSON.stringify(x.restarts) !== JSON.stringify(y.restarts)) out.push(`${p}: restarts differ`);
    }
    return out;
}

/**
 * The same topology with every address a stand-in: controllers' private IPs and the database host through `map`,
 * and the load balancer's subnets replaced by the stand-in load balancer's address (/32), so requests the tests
 * send from that address are "from the ALB" and everything else is not.
 */
export function standInTopology(
    topology: RenderTopology,
    map: { host(real: string): string },
    loadBalancer: string,
): RenderTopology {
    return {
        controllers: topology.controllers.map((c) => ({ ...c, privateIp: map.host(c.privateIp) })),
        relays: topology.relays,
        database: { ...topology.database, host: map.host(topology.database.host) },
        proxyCidrs: [`${loadBalancer}/32`],
    };
}
