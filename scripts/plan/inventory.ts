// The deployment as an operator reads it, extracted from a PlanResult: controllers with zones and addresses,
// relays with their own addresses, the database, load balancers and target groups. Feeds the summary and the
// topology diagram; it reads only what the plan recorded (inputs and mock state), never re-derives it.
import { controllerName, relayAddress, relayDnsName, relayHostName, relayStunUri } from "../../components/config/naming";
import { STUN_PORT } from "../../components/host/ports";
import { relayCertificateSource } from "../../components/host/relayTls";
import type { PlanResource, PlanResult } from "./evaluate";
import { unwrapSecrets } from "./wire";

export interface HostInventory {
    /** Plan host name: controller-1, relay-eu-west, ... */
    readonly host: string;
    readonly resource: PlanResource | undefined;
    readonly region: string;
    readonly zone: string;
    readonly privateIp: string;
    readonly instanceType: string;
}

export interface RelayInventory extends HostInventory {
    readonly relayName: string;
    readonly publicIp: string;
    readonly dnsName: string;
    readonly address: string;
    /** Where its TLS certificate comes from (relayTls). */
    readonly certificate: string;
    /** The STUN server on this relay host, as peers reach it. */
    readonly stun: string;
}

export interface TargetGroupInventory {
    readonly name: string;
    readonly port: number | undefined;
    readonly protocol: string;
    readonly protocolVersion: string;
    readonly healthCheckPath: string;
    readonly targets: number;
}

export interface Inventory {
    readonly primaryRegion: string;
    readonly controllers: readonly HostInventory[];
    readonly relays: readonly RelayInventory[];
    readonly bastion?: { readonly publicIp: string; readonly zone: string };
    readonly databases: readonly {
        readonly name: string;
        readonly engine: string;
        readonly engineVersion: string;
        readonly instanceClass: string;
        readonly multiAz: boolean;
        readonly address: string;
        readonly region: string;
    }[];
    readonly loadBalancers: readonly { readonly name: string; readonly dnsName: string; readonly idleTimeout: number | undefined }[];
    readonly targetGroups: readonly TargetGroupInventory[];
    /** Ports a tier opens to itself: the controllers' cluster ports (NATS routes, signal's NATS routes). */
    readonly clusterPorts: readonly number[];
    readonly countsByType: ReadonlyArray<readonly [string, number]>;
}

const INSTANCE = "aws:ec2/instance:Instance";
const GCP_INSTANCE = "gcp:compute/instance:Instance";

type Plain = Record<string, unknown>;
const plain = (x: unknown): Plain => unwrapSecrets<Plain>(x ?? {});
const text = (x: unknown): string => (typeof x === "string" ? x : x === undefined || x === null ? "" : String(x));

export function inventory(result: PlanResult): Inventory {
    const byUrn = new Map(result.resources.map((r) => [r.urn, r]));
    const regionOf = (r: PlanResource | undefined): string => {
        const provider = r?.provider ? byUrn.get(r.provider) : undefined;
        return text(plain(provider?.inputs).region) || result.settings.region;
    };
    const instances = result.resources.filter((r) => r.type === INSTANCE || r.type === GCP_INSTANCE);
    /** The instance belonging to a host: its own name or an ancestor's ends in "-<host>". */
    const instanceOf = (host: string): PlanResource | undefined =>
        instances.find((inst) => {
            for (let r: PlanResource | undefined = inst; r; r = r.parent ? byUrn.get(r.parent) : undefined) {
                if (r.name === host || r.name.endsWith(`-${host}`)) {
                    return true;
                }
            }
            return false;
        });
    const describeHost = (host: string): HostInventory => {
        const resource = instanceOf(host);
        const state = plain(resource?.state);
        if (resource?.type === GCP_INSTANCE) {
            const nic = plain((state.networkInterfaces as unknown[] | undefined)?.[0]);
            const zone = text(state.zone);
            return { host, resource, region: zone.replace(/-[a-z]$/, ""), zone, privateIp: text(nic.networkIp), instanceType: text(state.machineType) };
        }
        return {
            host,
            resource,
            region: regionOf(resource),
            zone: text(state.availabilityZone),
            privateIp: text(state.privateIp),
            instanceType: text(state.instanceType),
        };
    };
    const eips = result.resources.filter((r) => r.type === "aws:ec2/eip:Eip").map((r) => plain(r.state));
    const publicIpOf = (resource: PlanResource | undefined): string => {
        if (!resource) return "";
        if (resource.type === GCP_INSTANCE) {
            const nic = plain((plain(resource.state).networkInterfaces as unknown[] | undefined)?.[0]);
            return text(plain((nic.accessConfigs as unknown[] | undefined)?.[0]).natIp);
        }
        const eip = eips.find((e) => e.instance === resource.id);
        return text(eip?.publicIp) || text(plain(resource.state).publicIp);
    };

    const { settings } = result;
    const controllers = Array.from({ length: settings.controllers.count }, (_, i) => describeHost(controllerName(i)));
    const relays = settings.relays.map((relay): RelayInventory => {
        const h = describeHost(relayHostName(relay.name));
        return {
            ...h,
            relayName: relay.name,
            publicIp: publicIpOf(h.resource),
            dnsName: relayDnsName(relay.name, settings.domain),
            address: relayAddress(relay.name, settings.domain, settings.relay),
            certificate: relayCertificateSource(settings, relay.name),
            stun: relayStunUri(relay.name, settings.domain, STUN_PORT),
        };
    });
    const bastionResource = instanceOf("bastion");
    const bastion = bastionResource
        ? { publicIp: publicIpOf(bastionResource), zone: text(plain(bastionResource.state).availabilityZone) || text(plain(bastionResource.state).zone) }
        : undefined;

    const databases = result.resources.filter((r) => r.type === "aws:rds/instance:Instance").map((r) => {
        const s = plain(r.state);
        return {
            name: r.name,
            engine: text(s.engine),
            engineVersion: text(s.engineVersion),
            instanceClass: text(s.instanceClass),
            multiAz: s.multiAz === true,
            address: text(s.address),
            region: regionOf(r),
        };
    });
    const cloudSql = result.resources.filter((r) => r.type === "gcp:sql/databaseInstance:DatabaseInstance").map((r) => {
        const s = plain(r.state);
        const dbSettings = plain(s.settings);
        return {
            name: r.name,
            engine: "postgres",
            engineVersion: text(s.databaseVersion).replace(/^POSTGRES_/, ""),
            instanceClass: text(dbSettings.tier),
            multiAz: dbSettings.availabilityType === "REGIONAL",
            address: text(s.privateIpAddress),
            region: text(s.region),
        };
    });
    databases.push(...cloudSql);
    const gcpLoadBalancers = result.resources
        .filter((r) => r.type === "gcp:compute/globalForwardingRule:GlobalForwardingRule" && plain(r.inputs).portRange === "443")
        .map((r) => ({ name: r.name, dnsName: text(plain(r.state).ipAddress), idleTimeout: undefined }));
    const loadBalancers = result.resources.filter((r) => r.type === "aws:lb/loadBalancer:LoadBalancer").map((r) => {
        const s = plain(r.state);
        return { name: r.name, dnsName: text(s.dnsName), idleTimeout: typeof s.idleTimeout === "number" ? s.idleTimeout : undefined };
    });
    loadBalancers.push(...gcpLoadBalancers);
    const attachments = result.resources.filter((r) => r.type === "aws:lb/targetGroupAttachment:TargetGroupAttachment").map((r) => plain(r.inputs));
    const targetGroups = result.resources.filter((r) => r.type === "aws:lb/targetGroup:TargetGroup").map((r) => {
        const s = plain(r.state);
        return {
            name: r.name,
            port: typeof s.port === "number" ? s.port : undefined,
            protocol: text(s.protocol),
            protocolVersion: text(s.protocolVersion) || "HTTP1",
            healthCheckPath: text(plain(s.healthCheck).path),
            targets: attachments.filter((a) => a.targetGroupArn === s.arn).length,
        };
    });

    targetGroups.push(...gcpBackendServices(result.resources));

    const counts = new Map<string, number>();
    for (const r of result.resources) {
        counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
    }
    return {
        primaryRegion: settings.region,
        controllers,
        relays,
        bastion,
        databases,
        loadBalancers,
        targetGroups,
        clusterPorts: selfReferencingPorts(result.resources),
        countsByType: [...counts.entries()].sort((a, b) => a[0].localeCompare(b[0])),
    };
}

/** GCP backend services in the target-group shape: port from the groups' named port, health path from the check. */
function gcpBackendServices(resources: readonly PlanResource[]): TargetGroupInventory[] {
    const groups = resources.filter((r) => r.type === "gcp:compute/instanceGroup:InstanceGroup").map((r) => plain(r.inputs));
    const checks = resources.filter((r) => r.type === "gcp:compute/healthCheck:HealthCheck");
    return resources.filter((r) => r.type === "gcp:compute/backendService:BackendService").map((r) => {
        const s = plain(r.state);
        const named = (groups[0]?.namedPorts as { name: string; port: number }[] | undefined)?.find((p) => p.name === s.portName);
        const check = plain(checks.find((c) => c.id === s.healthChecks)?.inputs);
        const probe = plain(check.http2HealthCheck ?? check.httpHealthCheck);
        return {
            name: r.name,
            port: named?.port,
            protocol: text(s.protocol),
            protocolVersion: s.protocol === "HTTP2" ? "HTTP2 (TLS)" : "HTTP1",
            healthCheckPath: text(probe.requestPath),
            targets: ((s.backends as unknown[] | undefined) ?? []).length,
        };
    });
}

/** Ports of ingress rules whose source is their own group: what the hosts of one tier open to each other. */
function selfReferencingPorts(resources: readonly PlanResource[]): number[] {
    const ports = new Set<number>();
    for (const r of resources) {
        const i = plain(r.inputs);
        if (r.type === "gcp:compute/firewall:Firewall" && i.sourceServiceAccounts !== undefined
            && JSON.stringify(i.sourceServiceAccounts) === JSON.stringify(i.targetServiceAccounts)) {
            for (const allow of (i.allows as { ports?: string[] }[] | undefined) ?? []) {
                for (const port of allow.ports ?? []) ports.add(Number(port));
            }
        }
        const selfRule =
            (r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule" && i.referencedSecurityGroupId !== undefined && i.referencedSecurityGroupId === i.securityGroupId) ||
            (r.type === "aws:ec2/securityGroupRule:SecurityGroupRule" && i.type === "ingress" && i.self === true);
        if (selfRule && typeof i.fromPort === "number") {
            ports.add(i.fromPort);
        }
    }
    return [...ports].sort((a, b) => a - b);
}
