// GCP invariants, the counterparts of the AWS policies: Cloud SQL private, backed up with point-in-time recovery,
// REGIONAL and protected; controllers without external IPs; shielded VMs; no SSH from the world; gRPC routed to
// HTTP/2 backend services whose timeout outlives a stream; one external address per relay; labels everywhere.
// They only look at gcp:* resources, so they are silent on AWS stacks (and the AWS policies on GCP stacks).
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import type { Unwrap } from "@pulumi/pulumi";
import type { DatabaseInstanceArgs } from "@pulumi/gcp/sql/databaseInstance";
import type { InstanceArgs } from "@pulumi/gcp/compute/instance";
import type { FirewallArgs } from "@pulumi/gcp/compute/firewall";
import type { BackendServiceArgs } from "@pulumi/gcp/compute/backendService";
import type { URLMapArgs } from "@pulumi/gcp/compute/urlmap";
import { HostRole } from "./lib/roles";
import type { StackResource } from "./lib/types";
import { G, GRPC_PATH_PREFIXES } from "./lib/types-gcp";

type SqlProps = Unwrap<DatabaseInstanceArgs>;
type InstanceProps = Unwrap<InstanceArgs>;

function resourcePolicy<P>(name: string, description: string, type: string, check: (props: P, r: { name: string }) => string | undefined): ResourceValidationPolicy {
    return {
        name,
        description,
        enforcementLevel: "mandatory",
        validateResource: (args, reportViolation) => {
            if (args.type !== type) return;
            const problem = check(args.props as P, { name: args.name });
            if (problem) reportViolation(problem);
        },
    };
}

// ---- Cloud SQL ----

export const gcpSqlPrivateOnly = resourcePolicy<SqlProps>(
    "gcp-sql-private-only",
    "Cloud SQL has no public IP; controllers reach it on its private IP through Private Services Access.",
    G.sqlInstance,
    (db) => {
        const ip = db.settings?.ipConfiguration;
        if (ip?.ipv4Enabled !== false) return `settings.ipConfiguration.ipv4Enabled is ${String(ip?.ipv4Enabled)} (a public IP); set it to false.`;
        if (!ip.privateNetwork) return "settings.ipConfiguration.privateNetwork is not set; attach the instance to the VPC (Private Services Access).";
        return undefined;
    },
);

export const gcpSqlBackupsPitr = resourcePolicy<SqlProps>(
    "gcp-sql-backups-pitr",
    "Cloud SQL takes automated backups and keeps write-ahead logs for point-in-time recovery.",
    G.sqlInstance,
    (db) => {
        const b = db.settings?.backupConfiguration;
        if (b?.enabled !== true) return `settings.backupConfiguration.enabled is ${String(b?.enabled)}; set it to true.`;
        if (b.pointInTimeRecoveryEnabled !== true) return `settings.backupConfiguration.pointInTimeRecoveryEnabled is ${String(b.pointInTimeRecoveryEnabled)}; set it to true (at creation: enabling it later restarts the database).`;
        return undefined;
    },
);

export const gcpSqlRegional = resourcePolicy<SqlProps>(
    "gcp-sql-regional",
    "Cloud SQL is REGIONAL: a standby in another zone takes over on failure, keeping the private IP.",
    G.sqlInstance,
    (db) => (db.settings?.availabilityType === "REGIONAL" ? undefined : `settings.availabilityType is ${String(db.settings?.availabilityType ?? "ZONAL (default)")}; set it to REGIONAL (openzro:database.multiAz).`),
);

export const gcpSqlDeletionProtection = resourcePolicy<SqlProps>(
    "gcp-sql-deletion-protection",
    "Cloud SQL cannot be deleted by Pulumi (deletionProtection) nor through any Google API (settings.deletionProtectionEnabled).",
    G.sqlInstance,
    (db) => {
        // deletionProtection defaults to true in the provider; only an explicit false turns it off.
        if (db.deletionProtection === false) return "deletionProtection is false; set openzro:database.deletionProtection to true.";
        if (db.settings?.deletionProtectionEnabled !== true) return `settings.deletionProtectionEnabled is ${String(db.settings?.deletionProtectionEnabled)}; set it to true.`;
        return undefined;
    },
);

// ---- Instances ----

const ROLE_PATTERNS: readonly [HostRole, RegExp][] = [
    ["controller", /(^|[^a-z])controllers?([^a-z]|$)/i],
    ["relay", /(^|[^a-z])relays?([^a-z]|$)/i],
    ["bastion", /(^|[^a-z])bastion([^a-z]|$)/i],
];

/** Which host a GCP instance is: its component/role label, its network tags, else its resource name. */
export function gcpHostRole(r: { type: string; name: string; props: Record<string, any> }): HostRole | undefined {
    if (r.type !== G.instance) return undefined;
    const labels: Record<string, unknown> = r.props.labels ?? {};
    const texts = [labels.role, labels.component, ...(Array.isArray(r.props.tags) ? r.props.tags : []), r.name].filter((t): t is string => typeof t === "string");
    for (const text of texts) {
        const role = ROLE_PATTERNS.find(([, re]) => re.test(text))?.[0];
        if (role) return role;
    }
    return undefined;
}

export const gcpControllerNoExternalIp: ResourceValidationPolicy = {
    name: "gcp-controller-no-external-ip",
    description: "Controllers have no external IP: the load balancer reaches them inside the VPC, SSH goes through the bastion.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (gcpHostRole(args) !== "controller") return;
        const nics = ((args.props as InstanceProps).networkInterfaces ?? []) as InstanceProps["networkInterfaces"] & unknown[];
        nics.forEach((nic, i) => {
            if ((nic.accessConfigs ?? []).length > 0 || (nic.ipv6AccessConfigs ?? []).length > 0) {
                reportViolation(`networkInterfaces[${i}] has accessConfigs (an external IP); remove them (Cloud NAT gives controllers egress).`);
            }
        });
    },
};

export const gcpShieldedVm = resourcePolicy<InstanceProps>(
    "gcp-shielded-vm",
    "Every VM boots with Secure Boot, a vTPM and integrity monitoring (shielded VM).",
    G.instance,
    (vm) => {
        const s = vm.shieldedInstanceConfig;
        const off = [
            s?.enableSecureBoot === true ? undefined : "enableSecureBoot",
            s?.enableVtpm === false ? "enableVtpm" : undefined,
            s?.enableIntegrityMonitoring === false ? "enableIntegrityMonitoring" : undefined,
        ].filter((x): x is string => x !== undefined);
        return off.length === 0 ? undefined : `shieldedInstanceConfig.${off.join(", ")} not enabled; set it to true (Ubuntu images support shielded VMs).`;
    },
);

// ---- Firewall ----

const WORLD = new Set(["0.0.0.0/0", "::/0"]);

/** True when a FirewallAllow entry admits TCP port `port` (no ports = every port; "all" = every protocol). */
function allowsTcpPort(allow: { protocol?: string; ports?: string[] }, port: number): boolean {
    const protocol = String(allow.protocol ?? "").toLowerCase();
    if (protocol !== "tcp" && protocol !== "all" && protocol !== "6") return false;
    if (!allow.ports || allow.ports.length === 0) return true;
    return allow.ports.some((p) => {
        const [from, to = from] = String(p).split("-").map(Number);
        return from <= port && port <= to;
    });
}

export const gcpFirewallNoWorldSsh = resourcePolicy<Unwrap<FirewallArgs>>(
    "gcp-firewall-no-world-ssh",
    "No firewall rule lets the whole internet reach SSH (tcp/22); the bastion admits only openzro:ssh.allowedCidrs.",
    G.firewall,
    (fw) => {
        if (fw.disabled === true || (fw.direction ?? "INGRESS") !== "INGRESS") return undefined;
        const world = (fw.sourceRanges ?? []).filter((c) => WORLD.has(c));
        if (world.length === 0) return undefined;
        return (fw.allows ?? []).some((a) => allowsTcpPort(a, 22))
            ? `allows tcp/22 from ${world.join(", ")}; admit SSH only from openzro:ssh.allowedCidrs, to the bastion.`
            : undefined;
    },
);

// ---- Load balancer ----

export const DEFAULT_MIN_GRPC_TIMEOUT_SECONDS = 3600;

function referenceIds(r: StackResource): string[] {
    return ["id", "selfLink", "name"].map((k) => r.props[k]).filter((v): v is string => typeof v === "string" && v !== "");
}

/** The backend service a URL map's `service` value names: by id/selfLink/name, else by property dependency. */
function backendFor(urlMap: StackResource, value: unknown, services: readonly StackResource[]): StackResource | undefined {
    const byValue = typeof value === "string" ? services.find((s) => referenceIds(s).includes(value)) : undefined;
    if (byValue) return byValue;
    const deps = (urlMap.propertyDependencies.pathMatchers ?? []).filter((d) => services.includes(d));
    return deps.length === 1 ? deps[0] : undefined;
}

export const gcpGrpcOnHttp2Backends: StackValidationPolicy = {
    name: "gcp-grpc-on-http2-backends",
    description:
        "Every serving URL map routes the management, flow and signal gRPC paths to HTTP2 backend services (TLS to nginx's gRPC listener) whose timeoutSec outlives a peer's stream.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { minSeconds: { type: "integer", minimum: 60, default: DEFAULT_MIN_GRPC_TIMEOUT_SECONDS } } },
    validateStack: (args, reportViolation) => {
        const min = Number(args.getConfig<{ minSeconds?: number }>().minSeconds ?? DEFAULT_MIN_GRPC_TIMEOUT_SECONDS);
        const resources = args.resources as unknown as StackResource[];
        const services = resources.filter((r) => r.type === G.backendService);
        for (const map of resources.filter((r) => r.type === G.urlMap)) {
            const props = map.props as Unwrap<URLMapArgs>;
            // A redirect-only map (HTTP -> HTTPS) serves nothing.
            if (!props.defaultService && (props.pathMatchers ?? []).length === 0) continue;
            const rules = (props.pathMatchers ?? []).flatMap((m) => m.pathRules ?? []);
            for (const prefix of GRPC_PATH_PREFIXES) {
                const rule = rules.find((pr) => (pr.paths ?? []).some((p) => p === `${prefix}*`));
                if (!rule) {
                    reportViolation(`${map.name}: no path rule for ${prefix}*; gRPC would reach the HTTP/1.1 backend. Route it to an HTTP2 backend service.`, map.urn);
                    continue;
                }
                const bs = backendFor(map, rule.service, services);
                if (!bs) {
                    reportViolation(`${map.name}: ${prefix}* routes to ${JSON.stringify(rule.service)}, not a backend service of this stack.`, map.urn);
                    continue;
                }
                const b = bs.props as Unwrap<BackendServiceArgs>;
                if (b.protocol !== "HTTP2") {
                    reportViolation(`${bs.name}: protocol is ${String(b.protocol ?? "HTTP (default)")} for ${prefix}*; set HTTP2 (nginx serves gRPC over TLS on its gRPC port).`, bs.urn);
                }
                if (typeof b.timeoutSec !== "number" || b.timeoutSec < min) {
                    reportViolation(`${bs.name}: timeoutSec is ${String(b.timeoutSec ?? "30 (default)")}; it caps every gRPC stream's lifetime, set at least ${min}.`, bs.urn);
                }
            }
        }
    },
};

// ---- Relays ----

function externalIps(vm: StackResource): unknown[] {
    return ((vm.props.networkInterfaces ?? []) as { accessConfigs?: { natIp?: unknown }[] }[]).flatMap((n) => (n.accessConfigs ?? []).map((a) => a.natIp));
}

export const gcpRelayDistinctAddresses: StackValidationPolicy = {
    name: "gcp-relay-distinct-addresses",
    description: "Every relay has its own static external address, used by no other VM (peers homed on different relays must reach each one).",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        const resources = args.resources as unknown as StackResource[];
        const vms = resources.filter((r) => r.type === G.instance);
        const addresses = resources.filter((r) => r.type === G.address);
        const owner = new Map<string, string>();
        for (const vm of vms) {
            const ips = externalIps(vm);
            if (gcpHostRole(vm) === "relay") {
                const ok = ips.length === 1 && typeof ips[0] === "string" && ips[0] !== "";
                const isStatic = ok && addresses.some((a) => a.props.address === ips[0]);
                const viaDependency = (vm.propertyDependencies.networkInterfaces ?? []).some((d) => d.type === G.address);
                if (!ok && !viaDependency) {
                    reportViolation(`${vm.name}: a relay needs exactly one external address (accessConfigs[].natIp from a gcp.compute.Address); it has ${ips.length}.`, vm.urn);
                } else if (ok && !isStatic && !viaDependency) {
                    reportViolation(`${vm.name}: natIp ${String(ips[0])} is not a static gcp.compute.Address of this stack; an ephemeral IP changes on restart.`, vm.urn);
                }
            }
            for (const ip of ips) {
                if (typeof ip !== "string" || ip === "") continue;
                const first = owner.get(ip);
                if (first) reportViolation(`${vm.name} and ${first} share the external address ${ip}; give each relay its own.`, vm.urn);
                else owner.set(ip, vm.name);
            }
        }
    },
};

// ---- Labels ----

export const DEFAULT_REQUIRED_LABELS = ["project", "stack", "component"];

/**
 * GCP types with a `labels` argument this program creates or may create (Cloud SQL's are settings.userLabels);
 * test/policy checks the list against the @pulumi/gcp typings. Firewalls, backend services and URL maps have no
 * labels in the API.
 */
export const LABELED_GCP_TYPES: ReadonlySet<string> = new Set([
    "gcp:compute/instance:Instance",
    "gcp:compute/address:Address",
    "gcp:compute/globalAddress:GlobalAddress",
    "gcp:compute/globalForwardingRule:GlobalForwardingRule",
    "gcp:compute/forwardingRule:ForwardingRule",
    "gcp:compute/image:Image",
    "gcp:compute/disk:Disk",
    "gcp:dns/managedZone:ManagedZone",
]);

function asObject(x: unknown): Record<string, unknown> {
    if (typeof x === "string") {
        try {
            return asObject(JSON.parse(x));
        } catch {
            return {};
        }
    }
    return typeof x === "object" && x !== null ? (x as Record<string, unknown>) : {};
}

/** Labels a resource ends up with: the provider's defaultLabels overlaid by its own (effectiveLabels when known). */
export function effectiveLabels(r: StackResource): Record<string, unknown> {
    const own = r.type === G.sqlInstance ? asObject(asObject(r.props.settings).userLabels) : { ...asObject(r.props.effectiveLabels), ...asObject(r.props.labels) };
    return { ...asObject(r.provider?.props.defaultLabels), ...own };
}

export const gcpRequiredLabels: StackValidationPolicy = {
    name: "gcp-required-labels",
    description: `Every labelable GCP resource (Cloud SQL: userLabels) carries the ${DEFAULT_REQUIRED_LABELS.join(", ")} labels (provider defaultLabels included).`,
    enforcementLevel: "mandatory",
    configSchema: { properties: { keys: { type: "array", items: { type: "string" }, default: DEFAULT_REQUIRED_LABELS } } },
    validateStack: (args, reportViolation) => {
        const keys = args.getConfig<{ keys?: string[] }>().keys ?? DEFAULT_REQUIRED_LABELS;
        for (const r of args.resources as unknown as StackResource[]) {
            if (!(LABELED_GCP_TYPES.has(r.type) || r.type === G.sqlInstance)) continue;
            const labels = effectiveLabels(r);
            const missing = keys.filter((k) => typeof labels[k] !== "string" || labels[k] === "");
            if (missing.length > 0) reportViolation(`${r.name} (${r.type}) lacks label(s) ${missing.join(", ")}.`, r.urn);
        }
    },
};

export const gcpPolicies = [
    gcpSqlPrivateOnly,
    gcpSqlBackupsPitr,
    gcpSqlRegional,
    gcpSqlDeletionProtection,
    gcpControllerNoExternalIp,
    gcpShieldedVm,
    gcpFirewallNoWorldSsh,
    gcpGrpcOnHttp2Backends,
    gcpRelayDistinctAddresses,
    gcpRequiredLabels,
];
