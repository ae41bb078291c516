// The GCP policies: silent on a compliant GCP deployment (and on the AWS one), each firing on the same deployment
// with one thing broken. Resources are shaped like @pulumi/gcp inputs (type tokens and names checked below against
// the installed typings), with the provider's defaultLabels carrying project/stack as a footprint would set them.
import * as fs from "fs";
import * as path from "path";
import { DEFAULT_REQUIRED_LABELS, LABELED_GCP_TYPES, gcpPolicies } from "../../policy/gcp";
import { G } from "../../policy/lib/types-gcp";
import type { StackResource } from "../../policy/lib/types";
import { EngineResource, evaluate, policyNames } from "./harness";
import { goodSpecs, materialize, SSH_KEY_PEM } from "./fixtures";

interface GSpec {
    type: string;
    name: string;
    props: Record<string, any>;
    deps?: Record<string, string[]>;
}

const PROVIDER = { type: "pulumi:providers:gcp", urn: "urn:pulumi:gcp-production::openzro::pulumi:providers:gcp::gcp", name: "gcp", props: { project: "acme-net", defaultLabels: JSON.stringify({ project: "openzro", stack: "gcp-production" }) } };
const labels = (component: string) => ({ component });
const GRPC_TIMEOUT = 86400;
const indent = (text: string, n: number) => text.split("\n").map((l) => (l === "" ? l : " ".repeat(n) + l)).join("\n");
/** What components/gcp/instance.ts puts in metadata: the login key, and user data with the host's own SSH identity. */
const metadata = (host: string) => ({
    "ssh-keys": "ubuntu:ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILoginKeyFixture",
    "block-project-ssh-keys": "TRUE",
    "enable-oslogin": "FALSE",
    "user-data": `#cloud-config\nhostname: openzro-${host}\nssh_deletekeys: true\nssh_keys:\n  ed25519_private: |\n${indent(SSH_KEY_PEM, 4)}  ed25519_public: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHostKeyFixture\nwrite_files:\n  - path: /etc/default/instance_configs.cfg\n    permissions: '0644'\n    content: |\n      [InstanceSetup]\n      set_host_keys = false\n`,
});

function controller(i: number, zone: string): GSpec {
    return {
        type: G.instance,
        name: `controller-${i}`,
        props: {
            machineType: "e2-standard-2",
            zone,
            tags: ["oz-controller"],
            labels: labels("controllers"),
            networkInterfaces: [{ subnetwork: "projects/acme-net/regions/europe-west1/subnetworks/controllers", networkIp: `10.40.0.${10 + i}` }],
            shieldedInstanceConfig: { enableSecureBoot: true, enableVtpm: true, enableIntegrityMonitoring: true },
            bootDisk: { initializeParams: { image: "ubuntu-2404", size: 40 } },
            metadata: metadata(`controller-${i}`),
        },
    };
}

function relay(name: string, region: string, ip: string): GSpec[] {
    return [
        { type: G.address, name: `relay-${name}-ip`, props: { region, addressType: "EXTERNAL", address: ip, labels: labels("relays") } },
        {
            type: G.instance,
            name: `relay-${name}`,
            props: {
                machineType: "e2-small",
                zone: `${region}-b`,
                tags: ["oz-relay"],
                labels: labels("relays"),
                networkInterfaces: [{ subnetwork: `relays-${region}`, accessConfigs: [{ natIp: ip, networkTier: "PREMIUM" }] }],
                metadata: metadata(`relay-${name}`),
                shieldedInstanceConfig: { enableSecureBoot: true, enableVtpm: true, enableIntegrityMonitoring: true },
            },
            deps: { networkInterfaces: [`relay-${name}-ip`] },
        },
    ];
}

function goodGcp(): GSpec[] {
    return [
        {
            type: G.sqlInstance,
            name: "postgres",
            props: {
                databaseVersion: "POSTGRES_16",
                region: "europe-west1",
                deletionProtection: true,
                settings: {
                    tier: "db-custom-2-7680",
                    edition: "ENTERPRISE",
                    availabilityType: "REGIONAL",
                    deletionProtectionEnabled: true,
                    backupConfiguration: { enabled: true, pointInTimeRecoveryEnabled: true, transactionLogRetentionDays: 7 },
                    ipConfiguration: { ipv4Enabled: false, privateNetwork: "projects/acme-net/global/networks/openzro", sslMode: "ENCRYPTED_ONLY" },
                    userLabels: { project: "openzro", stack: "gcp-production", component: "database" },
                },
            },
        },
        controller(1, "europe-west1-b"),
        controller(2, "europe-west1-c"),
        controller(3, "europe-west1-d"),
        {
            type: G.instance,
            name: "bastion",
            props: {
                tags: ["oz-bastion"],
                labels: labels("bastion"),
                networkInterfaces: [{ subnetwork: "controllers", accessConfigs: [{ natIp: "34.76.0.10" }] }],
                metadata: metadata("bastion"),
                shieldedInstanceConfig: { enableSecureBoot: true },
            },
            deps: { networkInterfaces: ["bastion-ip"] },
        },
        { type: G.address, name: "bastion-ip", props: { region: "europe-west1", address: "34.76.0.10", labels: labels("bastion") } },
        ...relay("eu-west", "europe-west1", "34.77.1.1"),
        ...relay("us-east", "us-east1", "35.185.2.2"),
        { type: G.firewall, name: "ssh-bastion", props: { network: "openzro", direction: "INGRESS", sourceRanges: ["203.0.113.0/24"], targetTags: ["oz-bastion"], allows: [{ protocol: "tcp", ports: ["22"] }] } },
        { type: G.firewall, name: "ssh-from-bastion", props: { network: "openzro", sourceTags: ["oz-bastion"], targetTags: ["oz-controller", "oz-relay"], allows: [{ protocol: "tcp", ports: ["22"] }] } },
        { type: G.firewall, name: "lb-to-nginx", props: { network: "openzro", sourceRanges: ["35.191.0.0/16", "130.211.0.0/22"], targetTags: ["oz-controller"], allows: [{ protocol: "tcp", ports: ["80", "8443"] }] } },
        { type: G.firewall, name: "relay", props: { network: "openzro", sourceRanges: ["0.0.0.0/0"], targetTags: ["oz-relay"], allows: [{ protocol: "tcp", ports: ["443"] }, { protocol: "udp", ports: ["443", "3478"] }] } },
        { type: G.backendService, name: "bs-http", props: { id: "projects/acme-net/global/backendServices/bs-http", protocol: "HTTP", portName: "http", timeoutSec: 60, loadBalancingScheme: "EXTERNAL_MANAGED" } },
        { type: G.backendService, name: "bs-management", props: { id: "projects/acme-net/global/backendServices/bs-management", protocol: "HTTP2", portName: "grpc", timeoutSec: GRPC_TIMEOUT, loadBalancingScheme: "EXTERNAL_MANAGED" } },
        { type: G.backendService, name: "bs-signal", props: { id: "projects/acme-net/global/backendServices/bs-signal", protocol: "HTTP2", portName: "grpc", timeoutSec: GRPC_TIMEOUT, loadBalancingScheme: "EXTERNAL_MANAGED" } },
        {
            type: G.urlMap,
            name: "https",
            props: {
                defaultService: "projects/acme-net/global/backendServices/bs-http",
                hostRules: [{ hosts: ["openzro.example.com"], pathMatcher: "openzro" }],
                pathMatchers: [
                    {
                        name: "openzro",
                        defaultService: "projects/acme-net/global/backendServices/bs-http",
                        pathRules: [
                            { paths: ["/management.ManagementService/*", "/flow.FlowService/*"], service: "projects/acme-net/global/backendServices/bs-management" },
                            { paths: ["/signalexchange.SignalExchange/*"], service: "projects/acme-net/global/backendServices/bs-signal" },
                        ],
                    },
                ],
            },
        },
        { type: G.urlMap, name: "http-redirect", props: { defaultUrlRedirect: { httpsRedirect: true, stripQuery: false } } },
        { type: "gcp:compute/globalAddress:GlobalAddress", name: "lb-ip", props: { address: "34.120.0.1", labels: labels("loadbalancer") } },
    ];
}

function build(specs: readonly GSpec[]): EngineResource[] {
    const byName = new Map<string, EngineResource & { propertyDependencies: Record<string, StackResource[]> }>();
    for (const s of specs) {
        byName.set(s.name, { type: s.type, name: s.name, urn: `urn:pulumi:gcp-production::openzro::${s.type}::${s.name}`, props: s.props, provider: PROVIDER, dependencies: [], propertyDependencies: {} });
    }
    for (const s of specs) {
        for (const [prop, names] of Object.entries(s.deps ?? {})) byName.get(s.name)!.propertyDependencies[prop] = names.map((n) => byName.get(n)!);
    }
    return [...byName.values()];
}

const find = (s: GSpec[], name: string) => {
    const f = s.find((x) => x.name === name);
    if (!f) throw new Error(`no fixture ${name}`);
    return f;
};
const backend = (s: GSpec[], name: string) => find(s, name).props;
const remove = (s: GSpec[], name: string) => s.splice(s.indexOf(find(s, name)), 1);

type Row = [policy: string, what: string, breakIt: (s: GSpec[]) => void];

const rows: Row[] = [
    ["gcp-sql-private-only", "public IP on Cloud SQL", (s) => (find(s, "postgres").props.settings.ipConfiguration.ipv4Enabled = true)],
    ["gcp-sql-private-only", "public IP left to the default", (s) => delete find(s, "postgres").props.settings.ipConfiguration.ipv4Enabled],
    ["gcp-sql-private-only", "no private network", (s) => delete find(s, "postgres").props.settings.ipConfiguration.privateNetwork],
    ["gcp-sql-backups-pitr", "backups off", (s) => (find(s, "postgres").props.settings.backupConfiguration.enabled = false)],
    ["gcp-sql-backups-pitr", "no point-in-time recovery", (s) => delete find(s, "postgres").props.settings.backupConfiguration.pointInTimeRecoveryEnabled],
    ["gcp-sql-regional", "ZONAL database", (s) => (find(s, "postgres").props.settings.availabilityType = "ZONAL")],
    ["gcp-sql-regional", "availability left to the default (ZONAL)", (s) => delete find(s, "postgres").props.settings.availabilityType],
    ["gcp-sql-deletion-protection", "Pulumi-side protection off", (s) => (find(s, "postgres").props.deletionProtection = false)],
    ["gcp-sql-deletion-protection", "no GCP-side deletion protection", (s) => delete find(s, "postgres").props.settings.deletionProtectionEnabled],
    ["gcp-controller-no-external-ip", "controller with an ephemeral external IP", (s) => (find(s, "controller-2").props.networkInterfaces[0].accessConfigs = [{}])],
    ["gcp-controller-no-external-ip", "controller with an IPv6 external address", (s) => (find(s, "controller-3").props.networkInterfaces[0].ipv6AccessConfigs = [{ networkTier: "PREMIUM" }])],
    ["gcp-shielded-vm", "Secure Boot off on a relay", (s) => (find(s, "relay-us-east").props.shieldedInstanceConfig.enableSecureBoot = false)],
    ["gcp-shielded-vm", "no shielded config on a controller", (s) => delete find(s, "controller-1").props.shieldedInstanceConfig],
    ["gcp-shielded-vm", "vTPM off", (s) => (find(s, "controller-1").props.shieldedInstanceConfig.enableVtpm = false)],
    ["gcp-firewall-no-world-ssh", "bastion SSH from 0.0.0.0/0", (s) => (find(s, "ssh-bastion").props.sourceRanges = ["0.0.0.0/0"])],
    ["gcp-firewall-no-world-ssh", "every tcp port to relays from ::/0", (s) => (find(s, "relay").props.allows = [{ protocol: "tcp" }, { protocol: "udp", ports: ["443"] }])],
    ["gcp-firewall-no-world-ssh", "a port range spanning 22, from the world", (s) => (find(s, "relay").props.allows = [{ protocol: "tcp", ports: ["1-1024"] }])],
    ["gcp-firewall-no-world-ssh", "protocol all from the world", (s) => (find(s, "lb-to-nginx").props = { ...find(s, "lb-to-nginx").props, sourceRanges: ["::/0"], allows: [{ protocol: "all" }] })],
    ["gcp-grpc-on-http2-backends", "signal backend over cleartext H2C", (s) => (backend(s, "bs-signal").protocol = "H2C")],
    ["gcp-grpc-on-http2-backends", "management backend with the default protocol", (s) => delete backend(s, "bs-management").protocol],
    ["gcp-grpc-on-http2-backends", "default 30 s timeout cuts every stream", (s) => delete backend(s, "bs-management").timeoutSec],
    ["gcp-grpc-on-http2-backends", "a 10-minute stream timeout", (s) => (backend(s, "bs-signal").timeoutSec = 600)],
    ["gcp-grpc-on-http2-backends", "no path rule for signal (it would reach the HTTP backend)", (s) => find(s, "https").props.pathMatchers[0].pathRules.pop()],
    ["gcp-grpc-on-http2-backends", "flow routed to the HTTP backend", (s) => (find(s, "https").props.pathMatchers[0].pathRules = [
        { paths: ["/management.ManagementService/*"], service: "projects/acme-net/global/backendServices/bs-management" },
        { paths: ["/flow.FlowService/*"], service: "projects/acme-net/global/backendServices/bs-http" },
        { paths: ["/signalexchange.SignalExchange/*"], service: "projects/acme-net/global/backendServices/bs-signal" },
    ])],
    ["gcp-relay-distinct-addresses", "two relays on one address", (s) => (find(s, "relay-us-east").props.networkInterfaces[0].accessConfigs[0].natIp = "34.77.1.1")],
    ["gcp-relay-distinct-addresses", "a relay on an ephemeral address", (s) => {
        find(s, "relay-us-east").props.networkInterfaces[0].accessConfigs = [{}];
        delete find(s, "relay-us-east").deps;
    }],
    ["gcp-relay-distinct-addresses", "a relay reusing the bastion's address", (s) => (find(s, "relay-eu-west").props.networkInterfaces[0].accessConfigs[0].natIp = "34.76.0.10")],
    ["gcp-required-labels", "a relay VM without its component label", (s) => delete find(s, "relay-eu-west").props.labels],
    ["gcp-required-labels", "Cloud SQL without user labels", (s) => delete find(s, "postgres").props.settings.userLabels],
    ["gcp-required-labels", "the load balancer's address unlabeled", (s) => (find(s, "lb-ip").props.labels = {})],
];

/** The shared secrets policy reads GCP metadata as it reads EC2 user data: the host-key block is the one exception. */
const DB_PASSWORD = "gcp-db-password-fixture-0123456789";
const secretRows: Row[] = [
    ["no-plaintext-secrets", "a private key in a startup script", (s) => (find(s, "bastion").props.metadata["startup-script"] = `#!/bin/sh\ncat > /root/.ssh/id <<EOF\n${SSH_KEY_PEM}EOF\n`)],
    ["no-plaintext-secrets", "a private key in metadataStartupScript", (s) => (find(s, "controller-1").props.metadataStartupScript = `echo '${SSH_KEY_PEM}' > /root/id`)],
    [
        "no-plaintext-secrets",
        "a private key in user-data next to the host key, outside the ssh_keys block",
        (s) => (find(s, "relay-eu-west").props.metadata["user-data"] += `  - path: /root/.ssh/id\n    content: |\n${indent(SSH_KEY_PEM, 6)}`),
    ],
    [
        "no-plaintext-secrets",
        "the database password in user-data that also carries a host key",
        (s) => {
            find(s, "postgres").props.settings.rootPassword = DB_PASSWORD;
            find(s, "controller-2").props.metadata["user-data"] += `runcmd:\n  - echo ${DB_PASSWORD}\n`;
        },
    ],
];

describe("GCP policies", () => {
    it("are silent on the compliant GCP deployment", async () => {
        expect(await evaluate(build(goodGcp()))).toEqual([]);
    });

    it("are silent on the compliant AWS deployment (and the AWS policies on GCP)", async () => {
        expect(await evaluate(materialize(goodSpecs()), { policies: gcpPolicies })).toEqual([]);
    });

    it.each(rows)("%s fires, alone, on: %s", async (policy, _what, breakIt) => {
        const specs = goodGcp();
        breakIt(specs);
        const violations = await evaluate(build(specs));
        expect(policyNames(violations)).toEqual([policy]);
        expect(violations.every((v) => v.enforcementLevel === "mandatory" && v.message.length > 20)).toBe(true);
    });

    it.each(secretRows)("%s fires, alone, on GCP metadata: %s", async (policy, _what, breakIt) => {
        const specs = goodGcp();
        breakIt(specs);
        const violations = await evaluate(build(specs));
        expect(policyNames(violations)).toEqual([policy]);
        expect(violations.every((v) => v.message.includes("metadata") && !v.message.includes("BEGIN") && !v.message.includes(DB_PASSWORD))).toBe(true);
    });

    it("a host's own key in metadata user-data is the documented exception, the same key anywhere else is not", async () => {
        const withKey = build(goodGcp()).filter((r) => JSON.stringify(r.props).includes("OPENSSH PRIVATE KEY"));
        expect(withKey.length).toBe(6);
        expect(await evaluate(build(goodGcp()))).toEqual([]);
        const specs = goodGcp();
        find(specs, "bastion").props.metadata["user-data"] = find(specs, "bastion").props.metadata["user-data"].replace("ssh_keys:\n", "ssh_keys_not:\n");
        expect(policyNames(await evaluate(build(specs)))).toEqual(["no-plaintext-secrets"]);
    });

    it("every GCP policy has a row that makes it fire", () => {
        expect([...new Set(rows.map((r) => r[0]))].sort()).toEqual(gcpPolicies.map((p) => p.name).sort());
    });

    it("a missing redirect map or an extra unlabeled-by-API resource is no violation", async () => {
        const specs = goodGcp();
        remove(specs, "http-redirect");
        specs.push({ type: "gcp:compute/healthCheck:HealthCheck", name: "hc-http", props: { httpHealthCheck: { port: 80, requestPath: "/healthz" } } });
        expect(await evaluate(build(specs))).toEqual([]);
    });

    it("a stricter stream timeout floor is configurable", async () => {
        const violations = await evaluate(build(goodGcp()), { config: { "gcp-grpc-on-http2-backends": { minSeconds: 172800 } } });
        expect(violations.map((v) => v.policy)).toEqual(["gcp-grpc-on-http2-backends", "gcp-grpc-on-http2-backends", "gcp-grpc-on-http2-backends"]);
    });

    it("labels come from the provider's defaultLabels too; required keys are configurable", async () => {
        const noDefaults = build(goodGcp()).map((r) => (r.provider ? { ...r, provider: { ...r.provider, props: { project: "acme-net" } } } : r));
        const violations = await evaluate(noDefaults, { policies: gcpPolicies });
        // Cloud SQL's userLabels are complete on their own; every other labeled resource lost project and stack.
        expect(violations.every((v) => /lacks label\(s\) project, stack\.$/.test(v.message))).toBe(true);
        expect(violations.length).toBe(build(goodGcp()).filter((r) => LABELED_GCP_TYPES.has(r.type)).length);
        expect(await evaluate(build(goodGcp()), { config: { "gcp-required-labels": { keys: [...DEFAULT_REQUIRED_LABELS, "owner"] } }, policies: gcpPolicies })).not.toEqual([]);
    });

    it("a ZONAL or unprotected database is advisory in gcp-staging and mandatory in gcp-production; a public one mandatory everywhere", async () => {
        const specs = goodGcp();
        find(specs, "postgres").props.settings.availabilityType = "ZONAL";
        find(specs, "postgres").props.settings.deletionProtectionEnabled = false;
        const staging = await evaluate(build(specs), { stack: "gcp-staging" });
        expect(staging.map((v) => [v.policy, v.enforcementLevel])).toEqual([["gcp-sql-regional", "advisory"], ["gcp-sql-deletion-protection", "advisory"]]);
        const production = await evaluate(build(specs), { stack: "gcp-production" });
        expect(production.map((v) => v.enforcementLevel)).toEqual(["mandatory", "mandatory"]);
        find(specs, "postgres").props.settings.ipConfiguration.ipv4Enabled = true;
        expect((await evaluate(build(specs), { stack: "gcp-staging" })).find((v) => v.policy === "gcp-sql-private-only")?.enforcementLevel).toBe("mandatory");
    });
});

describe("the GCP policies read what @pulumi/gcp really has", () => {
    const GCP_DIR = path.dirname(require.resolve("@pulumi/gcp/package.json"));
    const argsOf = (token: string): string => {
        const m = /^gcp:([a-zA-Z0-9]+)\/([a-zA-Z0-9]+):([A-Za-z0-9]+)$/.exec(token);
        if (!m) throw new Error(`not a GCP token: ${token}`);
        const [, mod, , cls] = m;
        const dir = path.join(GCP_DIR, mod);
        const file = fs.readdirSync(dir).find((f) => f.endsWith(".js") && fs.readFileSync(path.join(dir, f), "utf8").includes(`__pulumiType = '${token}'`));
        if (!file) throw new Error(`${token}: no class registers this type token in @pulumi/gcp/${mod}`);
        const dts = fs.readFileSync(path.join(dir, file.replace(/\.js$/, ".d.ts")), "utf8");
        const start = dts.indexOf(`export interface ${cls}Args {`);
        if (start < 0) throw new Error(`${token}: no ${cls}Args`);
        return dts.slice(start, dts.indexOf("\n}", start));
    };
    const has = (token: string, field: string) => new RegExp(`^\\s+${field}\\??:`, "m").test(argsOf(token));

    it("every type token the policies match is registered by @pulumi/gcp, with the inputs they read", () => {
        expect(has(G.sqlInstance, "deletionProtection") && has(G.sqlInstance, "settings")).toBe(true);
        expect(["networkInterfaces", "shieldedInstanceConfig", "labels", "tags"].every((f) => has(G.instance, f))).toBe(true);
        expect(["allows", "sourceRanges", "direction", "disabled"].every((f) => has(G.firewall, f))).toBe(true);
        expect(["protocol", "timeoutSec"].every((f) => has(G.backendService, f))).toBe(true);
        expect(["defaultService", "pathMatchers"].every((f) => has(G.urlMap, f))).toBe(true);
        expect(has(G.address, "address")).toBe(true);
        const input = fs.readFileSync(path.join(GCP_DIR, "types", "input.d.ts"), "utf8");
        for (const [iface, fields] of Object.entries({
            DatabaseInstanceSettings: ["availabilityType", "deletionProtectionEnabled", "backupConfiguration", "ipConfiguration", "userLabels"],
            DatabaseInstanceSettingsBackupConfiguration: ["enabled", "pointInTimeRecoveryEnabled"],
            DatabaseInstanceSettingsIpConfiguration: ["ipv4Enabled", "privateNetwork"],
            InstanceNetworkInterface: ["accessConfigs", "ipv6AccessConfigs"],
            InstanceNetworkInterfaceAccessConfig: ["natIp"],
            InstanceShieldedInstanceConfig: ["enableSecureBoot", "enableVtpm", "enableIntegrityMonitoring"],
            FirewallAllow: ["protocol", "ports"],
            URLMapPathMatcherPathRule: ["paths", "service"],
        })) {
            const start = input.indexOf(`    interface ${iface} {`);
            expect([iface, start >= 0]).toEqual([iface, true]);
            const body = input.slice(start, input.indexOf("\n    }", start));
            for (const f of fields) expect([iface, f, new RegExp(`^\\s+${f}\\??:`, "m").test(body)]).toEqual([iface, f, true]);
        }
    });

    it("the labeled types take labels; firewalls, backend services and URL maps do not (so they are not required to)", () => {
        for (const t of LABELED_GCP_TYPES) expect([t, has(t, "labels")]).toEqual([t, true]);
        for (const t of [G.firewall, G.backendService, G.urlMap]) expect([t, has(t, "labels")]).toEqual([t, false]);
    });
});
