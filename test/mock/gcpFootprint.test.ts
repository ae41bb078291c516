// The GCP footprint under the Pulumi mock runtime, with the project's plausible mocks (scripts/plan/mocks.ts): what
// `pulumi up` would create, with which properties, and what it hands to the cloud-agnostic host layer.
import * as pulumi from "@pulumi/pulumi";
import { AwsFootprint } from "../../components/aws/footprint";
import { cidrContains } from "../../components/config/cidr";
import { controllerName } from "../../components/config/naming";
import type { Settings } from "../../components/config/types";
import { GcpFootprint } from "../../components/gcp/footprint";
import type { FootprintFacts } from "../../components/host/facts";
import type { HostFile } from "../../components/host/files";
import { HostLayer } from "../../components/host/layer";
import { relayPublicListeners } from "../../components/host/relayListeners";
import type { PlanMocks } from "../../scripts/plan/mocks";
import { isSecretWrapper, RecordedResource, resolveInput, runComponent, unwrapSecrets, valueOf } from "../support";
import { awsTestSettings } from "./awsFixtures";
import { gcpTestSettings } from "./gcpFixtures";

const T = {
    provider: "pulumi:providers:gcp",
    network: "gcp:compute/network:Network",
    subnet: "gcp:compute/subnetwork:Subnetwork",
    router: "gcp:compute/router:Router",
    nat: "gcp:compute/routerNat:RouterNat",
    globalAddress: "gcp:compute/globalAddress:GlobalAddress",
    psa: "gcp:servicenetworking/connection:Connection",
    firewall: "gcp:compute/firewall:Firewall",
    address: "gcp:compute/address:Address",
    instance: "gcp:compute/instance:Instance",
    group: "gcp:compute/instanceGroup:InstanceGroup",
    sql: "gcp:sql/databaseInstance:DatabaseInstance",
    sqlUser: "gcp:sql/user:User",
    sqlDb: "gcp:sql/database:Database",
    hc: "gcp:compute/healthCheck:HealthCheck",
    bs: "gcp:compute/backendService:BackendService",
    urlMap: "gcp:compute/uRLMap:URLMap",
    httpsProxy: "gcp:compute/targetHttpsProxy:TargetHttpsProxy",
    httpProxy: "gcp:compute/targetHttpProxy:TargetHttpProxy",
    rule: "gcp:compute/globalForwardingRule:GlobalForwardingRule",
    cert: "gcp:compute/managedSslCertificate:ManagedSslCertificate",
    sslPolicy: "gcp:compute/sSLPolicy:SSLPolicy",
    record: "gcp:dns/recordSet:RecordSet",
    account: "gcp:serviceaccount/account:Account",
    iam: "gcp:projects/iAMMember:IAMMember",
} as const;

/** A whole footprint under the mock runtime takes seconds alone and minutes on a loaded machine. */
const EVALUATION_TIMEOUT_MS = 240_000;

interface Evaluation {
    readonly mocks: PlanMocks;
    readonly footprint: GcpFootprint;
    readonly all: readonly RecordedResource[];
    ofType(type: string): RecordedResource[];
    one(type: string, nameEnd: string): RecordedResource;
    inputs(r: RecordedResource): Record<string, any>;
    state(r: RecordedResource): Record<string, any>;
    byId(id: unknown): RecordedResource | undefined;
}

async function evaluate(settings: Settings, stack = "production"): Promise<Evaluation> {
    const run = await runComponent(
        async () => {
            const footprint = new GcpFootprint("openzro", { settings });
            await Promise.all([
                ...Object.values(footprint.outputs).map((o) => resolveInput(o)),
                ...footprint.facts.controllers.map((c) => resolveInput(c.zone)),
                ...footprint.facts.loadBalancer.proxyCidrs.map((c) => resolveInput(c)),
                resolveInput(footprint.databaseCaCertificate),
            ]);
            return footprint;
        },
        { project: "openzro", stack, defaultRegion: "sa-east-1" },
    );
    const all = run.resources;
    return {
        mocks: run.mocks,
        footprint: run.result,
        all,
        ofType: (type) => run.ofType(type),
        one: (type, nameEnd) => {
            const found = all.filter((r) => r.type === type && r.name.endsWith(nameEnd));
            if (found.length !== 1) throw new Error(`expected one ${type} ending in ${nameEnd}, found ${found.map((r) => r.name).join(", ") || "none"}`);
            return found[0];
        },
        inputs: (r) => unwrapSecrets(r.inputs),
        state: (r) => unwrapSecrets(r.state),
        byId: (id) => all.find((r) => r.id === unwrapSecrets(id)),
    };
}

/** Removes secret wrappers (what remains is what would be stored in plain text). */
function stripSecrets(x: unknown): unknown {
    if (isSecretWrapper(x)) return "[secret]";
    if (Array.isArray(x)) return x.map(stripSecrets);
    if (x && typeof x === "object") return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, stripSecrets(v)]));
    return x;
}

describe("GCP footprint, production shape (3 controllers over 3 zones, 4 relays in 3 regions)", () => {
    const settings = gcpTestSettings();
    let e: Evaluation;
    let emails: Record<string, string>;

    beforeAll(async () => {
        e = await evaluate(settings);
        emails = Object.fromEntries(e.ofType(T.account).map((a) => [a.name.replace(/^openzro-/, ""), e.state(a).email]));
    }, EVALUATION_TIMEOUT_MS);

    describe("provider, parents, tokens", () => {
        it("creates one explicit provider with the project, the primary region and the labels", () => {
            const providers = e.ofType(T.provider).map((p) => e.inputs(p));
            expect(providers).toHaveLength(1);
            expect(providers[0]).toMatchObject({ project: "acme-openzro-test", region: "europe-west1" });
            expect(JSON.parse(providers[0].defaultLabels)).toEqual({ project: "openzro", stack: "production", "managed-by": "pulumi", costcenter: "networking" });
        });

        it("puts no GCP resource or lookup on the default provider, and the mocks answered everything", () => {
            const gcp = e.all.filter((r) => r.type.startsWith("gcp:"));
            expect(gcp.length).toBeGreaterThan(50);
            expect(gcp.filter((r) => r.provider === null).map((r) => r.name)).toEqual([]);
            expect(e.mocks.recorder.invokes.filter((i) => i.token.startsWith("gcp:") && i.provider === null)).toEqual([]);
            expect([...e.mocks.recorder.unmockedInvokes, ...e.mocks.recorder.unmockedTypes]).toEqual([]);
        });

        it("parents every resource under the footprint and uses openzro:gcp:* component tokens", () => {
            const root = e.ofType("openzro:gcp:Footprint");
            expect(root).toHaveLength(1);
            for (const r of e.all.filter((x) => x.urn !== root[0].urn)) {
                expect({ name: r.name, under: e.mocks.recorder.ancestorsOf(r.urn).some((a) => a.urn === root[0].urn) }).toEqual({ name: r.name, under: true });
            }
            const components = new Set(e.all.filter((r) => !r.custom).map((r) => r.type));
            expect(components).toEqual(
                new Set([
                    "openzro:gcp:Footprint", "openzro:gcp:SshKey", "openzro:gcp:ServiceAccounts", "openzro:gcp:Network", "openzro:gcp:Firewall",
                    "openzro:gcp:DnsZone", "openzro:gcp:Bastion", "openzro:gcp:Controllers", "openzro:gcp:Database", "openzro:gcp:LoadBalancer",
                    "openzro:gcp:RelayHost",
                ]),
            );
        });
    });

    describe("network", () => {
        it("is one custom-mode VPC with the controller subnet and one subnet per relay region, in their regions", () => {
            expect(e.ofType(T.network)).toHaveLength(1);
            expect(e.inputs(e.ofType(T.network)[0])).toMatchObject({ autoCreateSubnetworks: false, deleteDefaultRoutesOnCreate: false });
            const subnets = e.ofType(T.subnet).map((s) => [e.inputs(s).region, e.inputs(s).ipCidrRange]);
            expect(subnets).toEqual([
                ["europe-west1", "10.40.0.0/16"],
                ["europe-west1", "10.200.0.0/20"],
                ["us-east1", "10.200.16.0/20"],
                ["asia-south1", "10.200.32.0/20"],
            ]);
        });

        it("gives the controllers Cloud NAT in the primary region, for their subnet only", () => {
            const [router] = e.ofType(T.router);
            const nats = e.ofType(T.nat);
            expect(nats).toHaveLength(1);
            expect(e.inputs(router).region).toBe("europe-west1");
            const nat = e.inputs(nats[0]);
            expect(nat).toMatchObject({ region: "europe-west1", router: e.state(router).name, sourceSubnetworkIpRangesToNat: "LIST_OF_SUBNETWORKS" });
            expect(nat.subnetworks).toEqual([{ name: e.one(T.subnet, "-controllers").id, sourceIpRangesToNats: ["ALL_IP_RANGES"] }]);
        });

        it("reserves the private services range and peers it, abandoning the peering on destroy", () => {
            const range = e.one(T.globalAddress, "-private-services");
            expect(e.inputs(range)).toMatchObject({ purpose: "VPC_PEERING", addressType: "INTERNAL", address: "10.100.0.0", prefixLength: 16 });
            const [psa] = e.ofType(T.psa);
            expect(e.inputs(psa)).toMatchObject({ service: "servicenetworking.googleapis.com", reservedPeeringRanges: [e.state(range).name], deletionPolicy: "ABANDON" });
        });
    });

    describe("service accounts and firewall", () => {
        it("creates one service account per role, log/metric writer for controllers and relays only", () => {
            expect(Object.keys(emails).sort()).toEqual(["bastion", "controller", "relay"]);
            const grants = e.ofType(T.iam).map((g) => [e.inputs(g).member, e.inputs(g).role]);
            expect(grants.sort()).toEqual(
                [
                    [`serviceAccount:${emails.controller}`, "roles/logging.logWriter"],
                    [`serviceAccount:${emails.controller}`, "roles/monitoring.metricWriter"],
                    [`serviceAccount:${emails.relay}`, "roles/logging.logWriter"],
                    [`serviceAccount:${emails.relay}`, "roles/monitoring.metricWriter"],
                ].sort(),
            );
        });

        it("has exactly the designed rules, sources and targets as service accounts (never tags)", () => {
            const rules = Object.fromEntries(
                e.ofType(T.firewall).map((f) => {
                    const i = e.inputs(f);
                    return [f.name.replace(/^openzro-/, ""), { direction: i.direction, src: i.sourceRanges ?? i.sourceServiceAccounts, dst: i.targetServiceAccounts, allows: i.allows, tags: [i.sourceTags, i.targetTags] }];
                }),
            );
            const none = [undefined, undefined];
            // The relay host's listeners (relayListeners.ts), one allow entry per protocol.
            const relayAllows = (["tcp", "udp"] as const)
                .map((protocol) => ({ protocol, ports: relayPublicListeners(settings).filter((l) => l.protocol === protocol).map((l) => String(l.port)) }))
                .filter((a) => a.ports.length > 0);
            expect(rules).toEqual({
                "lb-to-nginx": { direction: "INGRESS", src: ["35.191.0.0/16", "130.211.0.0/22"], dst: [emails.controller], allows: [{ protocol: "tcp", ports: ["80", "8443"] }], tags: none },
                "controller-cluster": { direction: "INGRESS", src: [emails.controller], dst: [emails.controller], allows: [{ protocol: "tcp", ports: ["6222", "6223"] }], tags: none },
                "ssh-to-bastion": { direction: "INGRESS", src: ["198.51.100.0/24", "203.0.113.7/32"], dst: [emails.bastion], allows: [{ protocol: "tcp", ports: ["22"] }], tags: none },
                "ssh-to-bastion-v6": { direction: "INGRESS", src: ["2001:db8::/48"], dst: [emails.bastion], allows: [{ protocol: "tcp", ports: ["22"] }], tags: none },
                "ssh-from-bastion": { direction: "INGRESS", src: [emails.bastion], dst: [emails.controller, emails.relay], allows: [{ protocol: "tcp", ports: ["22"] }], tags: none },
                "relay-listeners": { direction: "INGRESS", src: ["0.0.0.0/0"], dst: [emails.relay], allows: relayAllows, tags: none },
            });
        });

        it("attaches each role's account to its hosts", () => {
            const accountOf = (nameEnd: string) => e.inputs(e.one(T.instance, nameEnd)).serviceAccount.email;
            expect([accountOf("-controller-1"), accountOf("-bastion"), accountOf("-relay-fra-host")]).toEqual([emails.controller, emails.bastion, emails.relay]);
        });
    });

    describe("controllers", () => {
        const controllers = () => [0, 1, 2].map((i) => e.one(T.instance, `-${controllerName(i)}`));

        it("spreads 3 controllers round-robin over 3 distinct zones of the region, none with an external address", () => {
            const zones = controllers().map((c) => e.state(c).zone);
            expect(zones).toEqual(["europe-west1-b", "europe-west1-c", "europe-west1-d"]);
            for (const c of controllers()) {
                const nic = e.inputs(c).networkInterfaces[0];
                expect(nic.accessConfigs).toBeUndefined();
                expect(nic.subnetwork).toBe(e.one(T.subnet, "-controllers").id);
                expect(cidrContains("10.40.0.0/16", `${e.state(c).networkInterfaces[0].networkIp}/32`)).toBe(true);
            }
        });

        it("boots shielded Ubuntu 24.04 from the family once resolved, ignoring later family images", () => {
            for (const c of controllers()) {
                const i = e.inputs(c);
                expect(i.machineType).toBe("n2-standard-4");
                expect(i.shieldedInstanceConfig).toEqual({ enableSecureBoot: true, enableVtpm: true, enableIntegrityMonitoring: true });
                expect(i.bootDisk.initializeParams).toMatchObject({ size: 100, type: "pd-balanced" });
                expect(i.bootDisk.initializeParams.image).toMatch(/\/projects\/ubuntu-os-cloud\/global\/images\/ubuntu-2404-noble-amd64-/);
                // User data is first-boot only (it holds the host key); the family image must not replace hosts later.
                expect(c.options.ignoreChanges).toEqual(['metadata["user-data"]', "bootDisk.initializeParams.image"]);
            }
            const lookups = e.mocks.recorder.invokes.filter((i) => i.token === "gcp:compute/getImage:getImage").map((i) => i.inputs.family);
            expect([...new Set(lookups)].sort()).toEqual(["ubuntu-2404-lts-amd64", "ubuntu-2404-lts-arm64"]);
        });

        it("installs the stack's key for the SSH user only, OS Login off, and a unique hostname per controller", () => {
            const hostnames = controllers().map((c) => {
                const md = e.inputs(c).metadata;
                expect(md["ssh-keys"]).toMatch(/^ubuntu:ssh-ed25519 \S+ openzro$/);
                expect([md["block-project-ssh-keys"], md["enable-oslogin"]]).toEqual(["TRUE", "FALSE"]);
                return /^hostname: (.+)$/m.exec(md["user-data"])![1];
            });
            expect(hostnames).toEqual(["openzro-controller-1", "openzro-controller-2", "openzro-controller-3"]);
        });

        it("installs each host's own SSH host key through secret user-data, and keeps Google's agent from replacing it", () => {
            const instances = e.ofType(T.instance);
            const privates = new Set<string>();
            for (const i of instances) {
                // Only the user data is secret: the login key and the OS Login switches stay reviewable in a diff.
                const metadata = i.inputs.metadata as Record<string, unknown>;
                expect([i.name, isSecretWrapper(metadata["user-data"]), isSecretWrapper(metadata["ssh-keys"])]).toEqual([i.name, true, false]);
                const userData = String(e.inputs(i).metadata["user-data"]);
                expect(userData).toMatch(/^ssh_deletekeys: true$/m);
                expect(userData).toMatch(/^  ed25519_public: ssh-ed25519 [A-Za-z0-9+/]+=*$/m);
                expect(userData).toContain("write_files:\n  - path: /etc/default/instance_configs.cfg\n    permissions: '0644'\n    content: |\n      [InstanceSetup]\n      set_host_keys = false\n");
                privates.add(/ed25519_private: \|\n((?: {4}.*\n)+)/.exec(userData)![1]);
            }
            // Bastion, 3 controllers and 4 relays: eight identities.
            expect(instances).toHaveLength(8);
            expect(privates.size).toBe(8);
            // The tls provider's key resources are children of the host components, on no GCP provider.
            const keys = e.ofType("tls:index/privateKey:PrivateKey").filter((k) => k.name.endsWith("-host-key"));
            expect(keys).toHaveLength(8);
            expect(keys.filter((k) => k.provider !== null)).toEqual([]);
        });

        it("puts each controller in its zone's unmanaged instance group, with the named ports", () => {
            const groups = e.ofType(T.group);
            expect(groups).toHaveLength(3);
            controllers().forEach((c, i) => {
                const g = e.inputs(groups[i]);
                expect(g.instances).toEqual([e.state(c).selfLink]);
                expect(g.zone).toBe(e.state(c).zone);
                expect(g.namedPorts).toEqual([{ name: "http", port: 80 }, { name: "grpc-tls", port: 8443 }]);
            });
        });
    });

    describe("bastion", () => {
        it("has its own static external address in the primary region and SSH from the operators only", () => {
            const address = e.one(T.address, "-bastion");
            const bastion = e.one(T.instance, "-bastion");
            expect(e.inputs(address)).toMatchObject({ region: "europe-west1", addressType: "EXTERNAL" });
            expect(e.inputs(bastion).networkInterfaces[0].accessConfigs).toEqual([{ natIp: e.state(address).address, networkTier: "PREMIUM" }]);
            expect(e.inputs(bastion).machineType).toBe("e2-micro");
        });
    });

    describe("Cloud SQL", () => {
        it("is REGIONAL PostgreSQL 16 with a private IP only, TLS required, backups with point-in-time recovery", () => {
            const [sql] = e.ofType(T.sql);
            const i = e.inputs(sql);
            expect(i).toMatchObject({ databaseVersion: "POSTGRES_16", region: "europe-west1", deletionProtection: true });
            expect(i.name).toBeUndefined();
            expect(i.settings).toMatchObject({
                tier: "db-custom-4-8192",
                edition: "ENTERPRISE",
                availabilityType: "REGIONAL",
                deletionProtectionEnabled: true,
                ipConfiguration: { ipv4Enabled: false, privateNetwork: e.ofType(T.network)[0].id, allocatedIpRange: e.state(e.one(T.globalAddress, "-private-services")).name, sslMode: "ENCRYPTED_ONLY" },
                backupConfiguration: { enabled: true, pointInTimeRecoveryEnabled: true, transactionLogRetentionDays: 7, backupRetentionSettings: { retainedBackups: 14, retentionUnit: "COUNT" } },
                maintenanceWindow: { day: 7, hour: 3, updateTrack: "stable" },
                insightsConfig: { queryInsightsEnabled: true },
                retainBackupsOnDelete: true,
            });
            expect(sql.options.protect).toBe(true);
            expect(cidrContains("10.100.0.0/16", `${e.state(sql).privateIpAddress}/32`)).toBe(true);
        });

        it("is created only after private services access exists", () => {
            const [sql] = e.ofType(T.sql);
            expect(sql.dependencies).toContain(e.ofType(T.psa)[0].urn);
        });

        it("has the main database and the configured user, whose password stays secret", () => {
            const [sql] = e.ofType(T.sql);
            expect(e.ofType(T.sqlDb).map((d) => [e.inputs(d).name, e.inputs(d).instance])).toEqual([["openzro", e.state(sql).name]]);
            const [user] = e.ofType(T.sqlUser);
            expect(e.inputs(user)).toMatchObject({ name: "openzro", instance: e.state(sql).name });
            expect(isSecretWrapper(user.inputs.password)).toBe(true);
        });

        it("keeps the server CA available (not a stack output)", async () => {
            expect(await valueOf(e.footprint.databaseCaCertificate)).toMatch(/^-----BEGIN CERTIFICATE-----/);
            expect(Object.keys(e.footprint.outputs)).not.toContain("databaseCaCertificate");
        });
    });

    describe("global external Application Load Balancer", () => {
        const service = (key: string) => e.one(T.bs, `-${key}`);

        it.each([
            ["http", "HTTP", "http", 60, "httpHealthCheck", 80, "/healthz"],
            ["management", "HTTP2", "grpc-tls", 86400, "http2HealthCheck", 8443, "/healthz"],
            ["signal", "HTTP2", "grpc-tls", 86400, "http2HealthCheck", 8443, "/healthz/signal"],
        ])("backend service %s: %s on %s, timeout %i s, %s on :%i%s", (key, protocol, portName, timeout, checkKind, port, path) => {
            const bs = e.inputs(service(key));
            expect(bs).toMatchObject({ loadBalancingScheme: "EXTERNAL_MANAGED", protocol, portName, timeoutSec: timeout, connectionDrainingTimeoutSec: 30 });
            expect(bs.backends.map((b: any) => b.group)).toEqual(e.ofType(T.group).map((g) => g.id));
            const check = e.byId(bs.healthChecks)!;
            expect(e.inputs(check)).toMatchObject({ checkIntervalSec: 10, timeoutSec: 5, healthyThreshold: 2, unhealthyThreshold: 2 });
            expect(e.inputs(check)[checkKind]).toEqual({ port, portSpecification: "USE_FIXED_PORT", requestPath: path });
        });

        it("routes the gRPC paths to the HTTP/2 services and the rest to HTTP", () => {
            const map = e.inputs(e.one(T.urlMap, "-https"));
            expect(map.defaultService).toBe(service("http").id);
            expect(map.hostRules).toEqual([{ hosts: ["vpn.example.com"], pathMatcher: "openzro" }]);
            expect(map.pathMatchers).toEqual([
                {
                    name: "openzro",
                    defaultService: service("http").id,
                    pathRules: [
                        { paths: ["/management.ManagementService/*", "/flow.FlowService/*"], service: service("management").id },
                        { paths: ["/signalexchange.SignalExchange/*"], service: service("signal").id },
                    ],
                },
            ]);
        });

        it("terminates TLS with a Google-managed certificate and a TLS 1.2+ policy on 443, redirects 80, one address", () => {
            const ip = e.state(e.one(T.globalAddress, "-lb")).address;
            const cert = e.inputs(e.ofType(T.cert)[0]);
            expect(cert).toMatchObject({ type: "MANAGED", managed: { domains: ["vpn.example.com"] } });
            expect(e.inputs(e.ofType(T.sslPolicy)[0])).toEqual(expect.objectContaining({ profile: "MODERN", minTlsVersion: "TLS_1_2" }));
            const proxy = e.ofType(T.httpsProxy)[0];
            expect(e.inputs(proxy)).toMatchObject({ urlMap: e.one(T.urlMap, "-https").id, sslCertificates: [e.ofType(T.cert)[0].id], sslPolicy: e.ofType(T.sslPolicy)[0].id });
            const rules = e.ofType(T.rule).map((r) => e.inputs(r)).sort((a, b) => Number(b.portRange) - Number(a.portRange));
            expect(rules.map((r) => [r.portRange, r.ipAddress, r.loadBalancingScheme])).toEqual([
                ["443", ip, "EXTERNAL_MANAGED"],
                ["80", ip, "EXTERNAL_MANAGED"],
            ]);
            expect(rules[0].target).toBe(proxy.id);
            expect(e.inputs(e.one(T.urlMap, "-redirect")).defaultUrlRedirect).toEqual({ httpsRedirect: true, stripQuery: false, redirectResponseCode: "MOVED_PERMANENTLY_DEFAULT" });
            expect(rules[1].target).toBe(e.ofType(T.httpProxy)[0].id);
        });

        it("points the domain at the load balancer with one A record in the managed zone", () => {
            const ip = e.state(e.one(T.globalAddress, "-lb")).address;
            expect(e.inputs(e.one(T.record, "-domain"))).toEqual(expect.objectContaining({ managedZone: "example-com", name: "vpn.example.com.", type: "A", rrdatas: [ip] }));
        });
    });

    describe("relays", () => {
        it.each([
            ["fra", "europe-west1", "n2-standard-2"],
            ["use", "us-east1", "t2a-standard-2"],
            ["use2", "us-east1", "n2-standard-2"],
            ["bom", "asia-south1", "e2-small"],
        ])("relay %s runs in %s on its own static address and DNS name", (name, region, type) => {
            const address = e.one(T.address, `-relay-${name}-ip`);
            const host = e.one(T.instance, `-relay-${name}-host`);
            expect(e.inputs(address)).toMatchObject({ region, addressType: "EXTERNAL" });
            const i = e.inputs(host);
            expect(i.zone.startsWith(`${region}-`)).toBe(true);
            expect(i.machineType).toBe(type);
            expect(i.networkInterfaces[0]).toEqual({ subnetwork: e.ofType(T.subnet).find((s) => e.inputs(s).region === region && !s.name.endsWith("-controllers"))!.id, accessConfigs: [{ natIp: e.state(address).address, networkTier: "PREMIUM" }] });
            expect(e.inputs(e.one(T.record, `-relay-${name}-dns`))).toEqual(expect.objectContaining({ name: `relay-${name}.vpn.example.com.`, type: "A", rrdatas: [e.state(address).address] }));
        });

        it("never shares an address: one per relay, all distinct", () => {
            const relayAddresses = e.ofType(T.address).filter((a) => a.name.includes("-relay-")).map((a) => e.state(a).address);
            expect(relayAddresses).toHaveLength(4);
            expect(new Set(relayAddresses).size).toBe(4);
        });

        it("spreads two relays of one region over different zones, and boots Arm relays from the arm64 family", () => {
            const zones = ["use", "use2"].map((n) => e.inputs(e.one(T.instance, `-relay-${n}-host`)).zone);
            expect(new Set(zones).size).toBe(2);
            expect(e.inputs(e.one(T.instance, "-relay-use-host")).bootDisk.initializeParams.image).toMatch(/arm64/);
        });
    });

    describe("facts for the host layer", () => {
        let facts: FootprintFacts;
        /** The public host key a host's user data installs: what every connection to it must pin. */
        const hostKeyIn = (instance: RecordedResource) => /^  ed25519_public: (.+)$/m.exec(String(e.inputs(instance).metadata["user-data"]))![1];
        beforeAll(() => {
            facts = e.footprint.facts;
        });

        it("hands over controllers with their private IPs, zones and a route through the bastion", async () => {
            const bastionIp = e.state(e.one(T.address, "-bastion")).address;
            for (const [i, c] of facts.controllers.entries()) {
                const instance = e.one(T.instance, `-${controllerName(i)}`);
                expect(await valueOf(c.privateIp)).toBe(e.state(instance).networkInterfaces[0].networkIp);
                expect(await valueOf(c.zone)).toBe(e.state(instance).zone);
                expect(await valueOf(c.ssh.proxy!.host)).toBe(bastionIp);
                expect(c.hostname).toBe(`openzro-controller-${i + 1}`);
                expect(await valueOf(c.ssh.hostKey!)).toBe(hostKeyIn(instance));
                expect(await valueOf(c.ssh.proxy!.hostKey!)).toBe(hostKeyIn(e.one(T.instance, "-bastion")));
            }
        });

        it("reaches relays only through the bastion, on their internal addresses, and hands over their own public address", async () => {
            for (const r of facts.relays) {
                const host = e.one(T.instance, `-relay-${r.name}-host`);
                expect(await valueOf(r.ssh.host)).toBe(e.state(host).networkInterfaces[0].networkIp);
                expect(r.ssh.proxy).toBeDefined();
                expect(await valueOf(r.ssh.hostKey!)).toBe(hostKeyIn(host));
                expect(await valueOf(r.ssh.proxy!.hostKey!)).toBe(hostKeyIn(e.one(T.instance, "-bastion")));
                expect(await valueOf(r.publicIp)).toBe(e.state(e.one(T.address, `-relay-${r.name}-ip`)).address);
                expect(r.dnsName).toBe(`relay-${r.name}.vpn.example.com`);
            }
        });

        it("hands over the database on its private IP, waiting for instance, user, database and peering", async () => {
            const [sql] = e.ofType(T.sql);
            expect(await valueOf(facts.database.host)).toBe(e.state(sql).privateIpAddress);
            expect(await valueOf(facts.database.port)).toBe(5432);
            expect(facts.database.mainDatabase).toBe("openzro");
            const deps = await Promise.all(facts.database.dependsOn.map((d) => valueOf(d.urn)));
            expect(deps.sort()).toEqual([sql.urn, e.ofType(T.sqlUser)[0].urn, e.ofType(T.sqlDb)[0].urn, e.ofType(T.psa)[0].urn].sort());
            expect((await resolveInput(facts.database.password)).secret).toBe(true);
        });

        it("trusts Google's front ends and the load balancer's own address (the last X-Forwarded-For hop)", async () => {
            const ip = e.state(e.one(T.globalAddress, "-lb")).address;
            expect(await Promise.all(facts.loadBalancer.proxyCidrs.map((c) => valueOf(c)))).toEqual(["35.191.0.0/16", "130.211.0.0/22", `${ip}/32`]);
            expect(facts.loadBalancer).toMatchObject({ grpcBackend: "tls", healthCheckIntervalSeconds: 10, healthyThreshold: 2, unhealthyThreshold: 2, deregistrationDelaySeconds: 30 });
        });

        it("keeps the SSH key secret in facts and outputs", async () => {
            expect((await resolveInput(facts.controllers[0].ssh.privateKey)).secret).toBe(true);
            expect((await resolveInput(e.footprint.outputs.sshPrivateKey)).secret).toBe(true);
        });

        it("never stores a secret value in plain text in any input or state", () => {
            const plain = JSON.stringify(e.all.map((r) => ({ inputs: stripSecrets(r.inputs), state: stripSecrets(r.state) })));
            expect(e.mocks.secretValues.size).toBeGreaterThan(0);
            for (const value of e.mocks.secretValues) {
                expect(plain.includes(value)).toBe(false);
            }
        });
    });
});

describe("GCP footprint, staging shape", () => {
    it("has a ZONAL database without protection, one controller in one instance group, and no cluster rule", async () => {
        const e = await evaluate(
            gcpTestSettings({
                protectResources: false,
                network: { azCount: 1 },
                controllers: { count: 1, instanceType: "e2-medium", rootVolumeGb: 60 },
                cluster: { coordinator: "none", peerPort: 6222, signalPeerPort: 6223 },
                database: { multiAz: false, deletionProtection: false, skipFinalSnapshot: true, backupRetentionDays: 3, instanceClass: "db-custom-2-4096" },
                gcp: { project: "acme-openzro-test", dnsManagedZone: "example-com", privateServicesCidr: "10.100.0.0/16", zones: ["europe-west1-c"] },
            }),
            "staging",
        );
        const [sql] = e.ofType(T.sql);
        expect(e.inputs(sql).settings).toMatchObject({ availabilityType: "ZONAL", deletionProtectionEnabled: false, retainBackupsOnDelete: false, backupConfiguration: { transactionLogRetentionDays: 3 } });
        expect(sql.options.protect).toBe(false);
        expect(e.ofType(T.group)).toHaveLength(1);
        expect(e.inputs(e.one(T.instance, "-controller-1")).zone).toBe("europe-west1-c");
        expect(e.ofType(T.firewall).map((f) => f.name)).not.toContain("openzro-controller-cluster");
        expect(e.mocks.recorder.invokes.filter((i) => i.token === "gcp:compute/getZones:getZones").map((i) => i.inputs.region)).not.toContain("europe-west1-c");
    }, EVALUATION_TIMEOUT_MS);

    it("pins a configured image: no family lookup, changing it replaces hosts", async () => {
        const image = "projects/acme-images/global/images/openzro-base-20250110";
        const e = await evaluate(gcpTestSettings({ gcp: { project: "acme-openzro-test", dnsManagedZone: "example-com", privateServicesCidr: "10.100.0.0/16", image } }));
        expect(e.mocks.recorder.invokes.filter((i) => i.token === "gcp:compute/getImage:getImage")).toEqual([]);
        for (const host of e.ofType(T.instance)) {
            expect(e.inputs(host).bootDisk.initializeParams.image).toBe(image);
            expect(host.options.ignoreChanges).toEqual(['metadata["user-data"]']);
        }
    }, EVALUATION_TIMEOUT_MS);
});

describe("the host layer gets facts of the same shape from both clouds", () => {
    /** Every file per host of a full footprint + host layer run. */
    async function hostFiles(settings: Settings, footprintOf: (s: Settings) => { facts: FootprintFacts }): Promise<{ files: Record<string, HostFile[]>; facts: FootprintFacts }> {
        const run = await runComponent(
            async () => {
                const footprint = footprintOf(settings);
                const layer = new HostLayer("openzro", {
                    settings,
                    facts: footprint.facts,
                    secrets: {
                        relayAuthSecret: pulumi.secret("relay-secret"),
                        dataStoreEncryptionKey: pulumi.secret(Buffer.alloc(32, 7).toString("base64")),
                        managementWgPrivateKey: pulumi.secret("cFr5Ehy8P9qQ3QZ0x6sJ2m1l7iV4bN8uTzWkYdA0e2Q="),
                        coordinatorPassword: pulumi.secret("coordinator"),
                    },
                    openzroVersion: "0.53.1",
                });
                return { files: await valueOf(layer.redactedFiles), facts: footprint.facts };
            },
            { project: "openzro", stack: "production", defaultRegion: "sa-east-1" },
        );
        return run.result;
    }

    /** Replaces every address the footprint decided (hosts, relays, database, proxies) by a role placeholder. */
    async function normalizer(facts: FootprintFacts): Promise<(text: string) => string> {
        const pairs: [string, string][] = [];
        for (const [i, c] of facts.controllers.entries()) pairs.push([await valueOf(c.privateIp), `<controller-${i + 1}-ip>`]);
        for (const r of facts.relays) pairs.push([await valueOf(r.publicIp), `<relay-${r.name}-ip>`]);
        pairs.push([String(await valueOf(facts.database.host)), "<database-host>"]);
        pairs.sort((a, b) => b[0].length - a[0].length);
        return (text) => pairs.reduce((t, [from, to]) => t.split(from).join(to), text);
    }

    it("renders the same controller and relay files, differing only in addresses, proxies and the gRPC listener", async () => {
        // The same openZro settings on both clouds; only the footprint differs.
        const gcpSettings = gcpTestSettings();
        // The metrics agent exists on AWS only so far (config refuses it on GCP): compare without it.
        const awsSettings = awsTestSettings({
            relays: gcpSettings.relays.map((r, i) => ({ ...r, region: ["eu-central-1", "us-east-1", "us-east-1", "ap-south-1"][i], instanceType: "c7i.large" })),
            metrics: { agent: false },
        });
        const aws = await hostFiles(awsSettings, (s) => new AwsFootprint("openzro", { settings: s }));
        const gcp = await hostFiles(gcpSettings, (s) => new GcpFootprint("openzro", { settings: s }));

        expect(Object.keys(gcp.files).sort()).toEqual(Object.keys(aws.files).sort());
        const normAws = await normalizer(aws.facts);
        const normGcp = await normalizer(gcp.facts);
        const awsProxies = (await Promise.all(aws.facts.loadBalancer.proxyCidrs.map((c) => valueOf(c)))) as string[];
        const gcpProxies = (await Promise.all(gcp.facts.loadBalancer.proxyCidrs.map((c) => valueOf(c)))) as string[];
        const differing: string[] = [];
        for (const host of Object.keys(aws.files)) {
            const awsByPath = new Map(aws.files[host].map((f) => [f.path, f]));
            const gcpByPath = new Map(gcp.files[host].map((f) => [f.path, f]));
            // GCP ships on controllers what AWS does not: the HTTP/2-over-TLS backend's certificate and key, and Cloud
            // SQL's server CA (AWS's RDS bundle is downloaded at converge time instead). Nothing else differs.
            const tlsBackendFiles = [...gcpByPath.keys()].filter((p) => /^\/etc\/nginx\/openzro-grpc-backend\.(crt|key)$|^\/etc\/openzro\/postgres-ca\.pem$/.test(p) && !awsByPath.has(p));
            expect(tlsBackendFiles.length).toBe(host.startsWith("controller-") ? 3 : 0);
            expect([host, ...[...gcpByPath.keys()].filter((p) => !tlsBackendFiles.includes(p)).sort()]).toEqual([host, ...[...awsByPath.keys()].sort()]);
            for (const [path, awsFile] of awsByPath) {
                const a = normAws(awsFile.content);
                const g = normGcp(gcpByPath.get(path)!.content);
                if (a !== g) differing.push(`${host}:${path}`);
            }
        }
        // Files holding the proxies (trusted X-Forwarded-For sources) or the load balancer's listener may differ;
        // they do hold exactly each cloud's proxies. Nothing else may.
        for (const entry of differing) {
            const [host, path] = entry.split(":");
            const gcpText = gcp.files[host].find((f) => f.path === path)!.content;
            const awsText = aws.files[host].find((f) => f.path === path)!.content;
            const holdsProxies = gcpProxies.every((p) => gcpText.includes(p)) && awsProxies.every((p) => awsText.includes(p));
            const isNginxSite = /nginx/.test(path);
            expect({ entry, explained: holdsProxies || isNginxSite }).toEqual({ entry, explained: true });
        }
        expect(differing.length).toBeGreaterThan(0);
        expect(differing.every((d) => d.startsWith("controller-"))).toBe(true);
    }, 2 * EVALUATION_TIMEOUT_MS);
});
