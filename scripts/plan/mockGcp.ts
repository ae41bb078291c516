// Plausible GCP resource state and invoke answers for the offline plan. Values follow GCP's real shapes (ids as
// projects/<p>/..., self links, instance IPs inside their subnet, Cloud SQL's private IP inside the private
// services range, service-account emails, documentation-range external addresses) so renderers and tests see
// realistic text. Physical names follow Pulumi's autonaming: "<logical name>-<7 hex>".
import { hexId, seededBytes, seededInt } from "./deterministic";
import { cidrContains } from "./ipv4";
import { CreatedResource, MockWorld } from "./mockWorld";
import { unwrapSecrets } from "./wire";

export interface GcpResourceRequest {
    readonly type: string;
    readonly name: string;
    readonly seed: string;
    readonly inputs: Record<string, unknown>;
    /** The provider's region (regional resources without a region argument land there). */
    readonly region: string;
    readonly project: string;
}

export interface GcpResourceAnswer {
    readonly id: string;
    readonly computed: Record<string, unknown>;
    readonly generic?: boolean;
    /** Remember under (kind, name) too, for mocks that look resources up by name. */
    readonly rememberAs?: { readonly kind: string; readonly name: string };
}

const COMPUTE = "https://www.googleapis.com/compute/v1";

function str(x: unknown): string | undefined {
    const v = unwrapSecrets(x);
    return typeof v === "string" ? v : undefined;
}

/** The program's name, or Pulumi-style autonaming within GCP's 63-character, lower-case rule. */
function physicalName(req: GcpResourceRequest, field = "name"): string {
    const given = str(req.inputs[field]);
    if (given) {
        return given;
    }
    const suffix = hexId(`${req.seed}#name`, 7);
    return `${req.name.toLowerCase().replace(/[^a-z0-9-]/g, "-").slice(0, 63 - 8)}-${suffix}`;
}

/** "europe-west1-b" → "europe-west1" */
function regionOfZone(zone: string): string {
    return zone.replace(/-[a-z]$/, "");
}

function numericId(seed: string): string {
    return String(BigInt(`0x${hexId(seed, 15)}`));
}

type Handler = (world: MockWorld, req: GcpResourceRequest, name: string) => GcpResourceAnswer;

function globalResource(collection: string): Handler {
    return (_w, req, name) => {
        const id = `projects/${req.project}/global/${collection}/${name}`;
        return { id, computed: { name, selfLink: `${COMPUTE}/${id}`, project: req.project, creationTimestamp: "2025-01-01T00:00:00.000-08:00" } };
    };
}

function regionalResource(collection: string): Handler {
    return (_w, req, name) => {
        const region = str(req.inputs.region) ?? req.region;
        const id = `projects/${req.project}/regions/${region}/${collection}/${name}`;
        return { id, computed: { name, region, selfLink: `${COMPUTE}/${id}`, project: req.project } };
    };
}

/** A PEM-shaped stand-in (not a real certificate: nothing parses it offline). */
function pemLike(seed: string): string {
    const body = seededBytes(seed, 96).toString("base64").match(/.{1,64}/g)!.join("\n");
    return `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
}

const HANDLERS: Record<string, Handler> = {
    "gcp:compute/network:Network": (w, req, name) => {
        const base = globalResource("networks")(w, req, name);
        return { ...base, computed: { ...base.computed, numericId: numericId(req.seed), gatewayIpv4: "" } };
    },
    "gcp:compute/subnetwork:Subnetwork": (w, req, name) => {
        const base = regionalResource("subnetworks")(w, req, name);
        const cidr = str(req.inputs.ipCidrRange) ?? "10.128.0.0/20";
        const [a, b, c, d] = cidr.split("/")[0].split(".").map(Number);
        return { ...base, computed: { ...base.computed, ipCidrRange: cidr, gatewayAddress: `${a}.${b}.${c}.${d + 1}`, fingerprint: hexId(req.seed, 16) } };
    },
    "gcp:compute/router:Router": regionalResource("routers"),
    "gcp:compute/routerNat:RouterNat": (_w, req, name) => {
        const region = str(req.inputs.region) ?? req.region;
        return { id: `${req.project}/${region}/${str(req.inputs.router) ?? "router"}/${name}`, computed: { name, region, project: req.project } };
    },
    "gcp:compute/firewall:Firewall": globalResource("firewalls"),
    "gcp:compute/globalAddress:GlobalAddress": (w, req, name) => {
        const base = globalResource("addresses")(w, req, name);
        const internal = str(req.inputs.purpose) === "VPC_PEERING";
        const address = internal ? str(req.inputs.address) ?? "10.100.0.0" : w.nextPublicAddress();
        return {
            ...base,
            computed: { ...base.computed, address, addressType: internal ? "INTERNAL" : "EXTERNAL", ipVersion: internal ? "" : "IPV4" },
            rememberAs: { kind: "globalAddress", name },
        };
    },
    "gcp:servicenetworking/connection:Connection": (_w, req) => ({
        id: `${str(req.inputs.network) ?? "network"}:${str(req.inputs.service) ?? "servicenetworking.googleapis.com"}`,
        computed: { peering: "servicenetworking-googleapis-com" },
    }),
    "gcp:compute/address:Address": (w, req, name) => {
        const base = regionalResource("addresses")(w, req, name);
        const external = (str(req.inputs.addressType) ?? "EXTERNAL") === "EXTERNAL";
        return { ...base, computed: { ...base.computed, address: external ? w.nextPublicAddress() : "", addressType: external ? "EXTERNAL" : "INTERNAL", users: [] } };
    },
    "gcp:compute/instance:Instance": (w, req, name) => {
        const zone = str(req.inputs.zone) ?? `${req.region}-b`;
        const id = `projects/${req.project}/zones/${zone}/instances/${name}`;
        const nics = (unwrapSecrets(req.inputs.networkInterfaces) as Record<string, unknown>[] | undefined) ?? [{}];
        const networkInterfaces = nics.map((nic, i) => {
            const subnet = w.lookup(nic.subnetwork);
            const cidr = str(subnet?.state.ipCidrRange);
            if (subnet && regionOfZone(zone) !== str(subnet.state.region)) {
                throw new Error(`${req.name}: zone ${zone} is not in its subnet's region ${str(subnet.state.region)}`);
            }
            const given = str(nic.networkIp);
            if (given && cidr && !cidrContains(cidr, given)) {
                throw new Error(`${req.name}: networkIp ${given} is outside its subnet ${cidr}`);
            }
            const networkIp = given ?? (subnet && cidr ? w.nextHostIn(subnet.id, cidr) : w.nextHostIn("default", "10.128.0.0/20"));
            const accessConfigs = ((nic.accessConfigs as Record<string, unknown>[] | undefined) ?? []).map((ac) => ({
                ...ac,
                natIp: str(ac.natIp) ?? w.nextPublicAddress(),
                networkTier: str(ac.networkTier) ?? "PREMIUM",
            }));
            return { ...nic, name: `nic${i}`, networkIp, network: str(subnet?.inputs.network) ?? "", accessConfigs };
        });
        return {
            id,
            computed: {
                name,
                zone,
                project: req.project,
                instanceId: numericId(req.seed),
                selfLink: `${COMPUTE}/${id}`,
                networkInterfaces,
                cpuPlatform: "Intel Cascade Lake",
                currentStatus: "RUNNING",
            },
        };
    },
    "gcp:compute/instanceGroup:InstanceGroup": (_w, req, name) => {
        const zone = str(req.inputs.zone) ?? `${req.region}-b`;
        const id = `projects/${req.project}/zones/${zone}/instanceGroups/${name}`;
        const instances = (unwrapSecrets(req.inputs.instances) as unknown[] | undefined) ?? [];
        return { id, computed: { name, zone, project: req.project, selfLink: `${COMPUTE}/${id}`, size: instances.length } };
    },
    "gcp:compute/healthCheck:HealthCheck": (w, req, name) => {
        const base = globalResource("healthChecks")(w, req, name);
        const type = req.inputs.http2HealthCheck ? "HTTP2" : req.inputs.httpHealthCheck ? "HTTP" : req.inputs.grpcHealthCheck ? "GRPC" : "TCP";
        return { ...base, computed: { ...base.computed, type } };
    },
    "gcp:compute/backendService:BackendService": (w, req, name) => {
        const base = globalResource("backendServices")(w, req, name);
        return { ...base, computed: { ...base.computed, fingerprint: hexId(req.seed, 16), generatedId: seededInt(req.seed, 1, 2 ** 31 - 1) } };
    },
    "gcp:compute/uRLMap:URLMap": (w, req, name) => {
        const base = globalResource("urlMaps")(w, req, name);
        return { ...base, computed: { ...base.computed, mapId: seededInt(req.seed, 1, 2 ** 31 - 1), fingerprint: hexId(req.seed, 16) } };
    },
    "gcp:compute/targetHttpsProxy:TargetHttpsProxy": (w, req, name) => {
        const base = globalResource("targetHttpsProxies")(w, req, name);
        return { ...base, computed: { ...base.computed, proxyId: seededInt(req.seed, 1, 2 ** 31 - 1) } };
    },
    "gcp:compute/targetHttpProxy:TargetHttpProxy": (w, req, name) => {
        const base = globalResource("targetHttpProxies")(w, req, name);
        return { ...base, computed: { ...base.computed, proxyId: seededInt(req.seed, 1, 2 ** 31 - 1) } };
    },
    "gcp:compute/globalForwardingRule:GlobalForwardingRule": (w, req, name) => {
        const base = globalResource("forwardingRules")(w, req, name);
        return { ...base, computed: { ...base.computed, ipAddress: str(req.inputs.ipAddress) ?? w.nextPublicAddress(), pscConnectionId: "" } };
    },
    "gcp:compute/managedSslCertificate:ManagedSslCertificate": (w, req, name) => {
        const base = globalResource("sslCertificates")(w, req, name);
        const domains = ((unwrapSecrets(req.inputs.managed) as { domains?: string[] } | undefined)?.domains ?? []).slice();
        return { ...base, computed: { ...base.computed, certificateId: seededInt(req.seed, 1, 2 ** 31 - 1), subjectAlternativeNames: domains, expireTime: "" } };
    },
    "gcp:compute/sSLPolicy:SSLPolicy": (w, req, name) => {
        const base = globalResource("sslPolicies")(w, req, name);
        return { ...base, computed: { ...base.computed, fingerprint: hexId(req.seed, 16), enabledFeatures: [] } };
    },
    "gcp:sql/databaseInstance:DatabaseInstance": (w, req, name) => {
        const region = str(req.inputs.region) ?? req.region;
        const settings = (unwrapSecrets(req.inputs.settings) as Record<string, unknown> | undefined) ?? {};
        const ip = (settings.ipConfiguration as Record<string, unknown> | undefined) ?? {};
        const range = w.named("globalAddress", ip.allocatedIpRange);
        const rangeCidr = range ? `${str(range.state.address)}/${String(unwrapSecrets(range.inputs.prefixLength))}` : "10.100.0.0/16";
        const privateIpAddress = ip.privateNetwork ? w.nextHostIn(range?.id ?? "psa", rangeCidr) : "";
        const publicIp = ip.ipv4Enabled === false ? "" : w.nextPublicAddress();
        return {
            id: name,
            computed: {
                name,
                region,
                project: req.project,
                connectionName: `${req.project}:${region}:${name}`,
                selfLink: `https://sqladmin.googleapis.com/sql/v1beta4/projects/${req.project}/instances/${name}`,
                privateIpAddress,
                publicIpAddress: publicIp,
                firstIpAddress: privateIpAddress || publicIp,
                ipAddresses: [
                    ...(privateIpAddress ? [{ ipAddress: privateIpAddress, type: "PRIVATE", timeToRetire: "" }] : []),
                    ...(publicIp ? [{ ipAddress: publicIp, type: "PRIMARY", timeToRetire: "" }] : []),
                ],
                serverCaCerts: [
                    {
                        cert: pemLike(`${req.seed}#ca`),
                        commonName: `C=US,O=Google\\, Inc,CN=Google Cloud SQL Server CA,dnQualifier=${hexId(`${req.seed}#dn`, 32)}`,
                        createTime: "2025-01-01T00:00:00.000Z",
                        expirationTime: "2035-01-01T00:00:00.000Z",
                        sha1Fingerprint: hexId(`${req.seed}#sha1`, 40),
                    },
                ],
                serviceAccountEmailAddress: `p${numericId(`${req.seed}#sa`).slice(0, 12)}-${hexId(`${req.seed}#sa`, 6)}@gcp-sa-cloud-sql.iam.gserviceaccount.com`,
                dnsName: "",
                pscServiceAttachmentLink: "",
            },
        };
    },
    "gcp:sql/user:User": (_w, req) => ({
        id: `${str(req.inputs.name) ?? req.name}//${str(req.inputs.instance) ?? "instance"}`,
        computed: { project: req.project, sqlServerUserDetails: [] },
    }),
    "gcp:sql/database:Database": (_w, req) => {
        const instance = str(req.inputs.instance) ?? "instance";
        const name = str(req.inputs.name) ?? req.name;
        return { id: `projects/${req.project}/instances/${instance}/databases/${name}`, computed: { project: req.project, charset: "UTF8", collation: "en_US.UTF8", selfLink: `https://sqladmin.googleapis.com/sql/v1beta4/projects/${req.project}/instances/${instance}/databases/${name}` } };
    },
    "gcp:dns/recordSet:RecordSet": (_w, req) => ({
        id: `projects/${req.project}/managedZones/${str(req.inputs.managedZone) ?? "zone"}/rrsets/${str(req.inputs.name) ?? req.name}/${str(req.inputs.type) ?? "A"}`,
        computed: { project: req.project },
    }),
    "gcp:serviceaccount/account:Account": (_w, req) => {
        const accountId = str(req.inputs.accountId) ?? req.name;
        const email = `${accountId}@${req.project}.iam.gserviceaccount.com`;
        return {
            id: `projects/${req.project}/serviceAccounts/${email}`,
            computed: { email, name: `projects/${req.project}/serviceAccounts/${email}`, uniqueId: numericId(req.seed).slice(0, 21), member: `serviceAccount:${email}` },
        };
    },
    "gcp:projects/iAMMember:IAMMember": (_w, req) => ({
        id: `${str(req.inputs.project)}/${str(req.inputs.role)}/${str(req.inputs.member)}`,
        computed: { etag: `BwY${hexId(req.seed, 9)}=` },
    }),
};

/** Answers a registration of a gcp:* resource (not the provider itself). */
export function gcpResource(world: MockWorld, req: GcpResourceRequest): GcpResourceAnswer {
    const handler = HANDLERS[req.type];
    if (handler) {
        return handler(world, req, physicalName(req));
    }
    const name = physicalName(req);
    return { id: `projects/${req.project}/${name}`, computed: { name }, generic: true };
}

/** Remember a created resource under its name when the answer asked for it. */
export function rememberGcpName(world: MockWorld, answer: GcpResourceAnswer, created: CreatedResource): void {
    if (answer.rememberAs) {
        world.rememberNamed(answer.rememberAs.kind, answer.rememberAs.name, created);
    }
}

export interface GcpInvokeRequest {
    readonly token: string;
    readonly inputs: Record<string, unknown>;
    readonly region: string;
    readonly project: string;
}

/** Zones as GCP names them: most regions have b, c, d (some a, b, c, f): b, c, d is the plausible shape. */
export function gcpZones(region: string): string[] {
    return ["b", "c", "d"].map((l) => `${region}-${l}`);
}

const INVOKES: Record<string, (req: GcpInvokeRequest) => Record<string, unknown>> = {
    "gcp:compute/getZones:getZones": (req) => {
        const region = str(req.inputs.region) ?? req.region;
        return { id: `projects/${req.project}/regions/${region}`, names: gcpZones(region), project: req.project, region, status: str(req.inputs.status) ?? "" };
    },
    "gcp:compute/getImage:getImage": (req) => {
        const family = str(req.inputs.family) ?? "ubuntu-2404-lts-amd64";
        const project = str(req.inputs.project) ?? req.project;
        const arch = family.endsWith("arm64") ? "arm64" : "amd64";
        const name = `ubuntu-2404-noble-${arch}-v20250110`;
        const id = `projects/${project}/global/images/${name}`;
        return {
            id,
            name,
            family,
            project,
            selfLink: `${COMPUTE}/${id}`,
            diskSizeGb: 10,
            status: "READY",
            architecture: arch === "arm64" ? "ARM64" : "X86_64",
            imageId: numericId(`${family}|${project}`),
            labels: {},
            licenses: [`${COMPUTE}/projects/${project}/global/licenses/ubuntu-2404-lts`],
        };
    },
    "gcp:dns/getManagedZone:getManagedZone": (req) => {
        // Offline there is no zone to read: answer with the conventional DNS name of the zone's resource name
        // ("example-com" → "example.com."), the convention gcpDnsManagedZone defaults to.
        const name = str(req.inputs.name) ?? "example-com";
        return {
            id: `projects/${req.project}/managedZones/${name}`,
            name,
            dnsName: `${name.replace(/-/g, ".")}.`,
            project: req.project,
            visibility: "public",
            description: "",
            managedZoneId: numericId(name),
            nameServers: ["ns-cloud-a1.googledomains.com.", "ns-cloud-a2.googledomains.com.", "ns-cloud-a3.googledomains.com.", "ns-cloud-a4.googledomains.com."],
        };
    },
};

export function gcpInvoke(req: GcpInvokeRequest): Record<string, unknown> | undefined {
    return INVOKES[req.token]?.(req);
}
