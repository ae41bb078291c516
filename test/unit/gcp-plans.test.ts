// The GCP footprint's pure plans: subnets and the private services range, firewall rules, backend services and
// URL-map rules, Cloud SQL version/edition mapping. Settings are written out by hand (test/mock/gcpFixtures.ts).
import { cidrContains, cidrsOverlap } from "../../components/config/cidr";
import { planGcpNetwork } from "../../components/gcp/networkPlan";
import { GOOGLE_FRONT_END_RANGES, gcpFirewallRules } from "../../components/gcp/firewallPlan";
import { GRPC_STREAM_TIMEOUT_SECONDS, NAMED_PORTS, backendServicePlans, urlMapPathRules } from "../../components/gcp/loadBalancerPlan";
import { cloudSqlEdition, cloudSqlVersion, transactionLogRetentionDays } from "../../components/gcp/database";
import { accountId } from "../../components/gcp/serviceAccounts";
import { relayPublicListeners } from "../../components/host/relayListeners";
import { gcpTestSettings } from "../mock/gcpFixtures";

describe("planGcpNetwork", () => {
    const settings = gcpTestSettings();
    const plan = planGcpNetwork(settings);

    it("puts the controllers' subnet in the primary region, the whole vpcCidr", () => {
        expect(plan.controllerSubnet).toEqual({ region: "europe-west1", cidr: "10.40.0.0/16" });
    });

    it("gives each distinct relay region one /20 of relayVpcCidr, in the order regions first appear", () => {
        // Relays: fra (europe-west1), use (us-east1), use2 (us-east1), bom (asia-south1).
        expect(plan.relaySubnets).toEqual({ "europe-west1": "10.200.0.0/20", "us-east1": "10.200.16.0/20", "asia-south1": "10.200.32.0/20" });
        for (const cidr of Object.values(plan.relaySubnets)) {
            expect(cidrContains(settings.network.relayVpcCidr, cidr)).toBe(true);
        }
    });

    it("reserves the private services range as GlobalAddress wants it, overlapping nothing", () => {
        expect(plan.privateServices).toEqual({ address: "10.100.0.0", prefixLength: 16 });
        for (const cidr of [plan.controllerSubnet.cidr, ...Object.values(plan.relaySubnets)]) {
            expect(cidrsOverlap(cidr, "10.100.0.0/16")).toBe(false);
        }
    });

    it("keeps existing relay subnets when a relay in a new region is appended", () => {
        const grown = planGcpNetwork(gcpTestSettings({ relays: [...settings.relays, { name: "syd", region: "australia-southeast1", instanceType: "n2-standard-2" }] }));
        expect(grown.relaySubnets).toEqual({ ...plan.relaySubnets, "australia-southeast1": "10.200.48.0/20" });
    });

    it("refuses settings without a gcp section", () => {
        expect(() => planGcpNetwork({ ...settings, gcp: undefined })).toThrow(/settings\.gcp is missing/);
    });
});

describe("gcpFirewallRules", () => {
    const rules = gcpFirewallRules(gcpTestSettings());
    const byKey = new Map(rules.map((r) => [r.key, r]));

    it("is exactly the designed rule set", () => {
        expect(rules.map((r) => r.key)).toEqual(["lb-to-nginx", "controller-cluster", "ssh-to-bastion", "ssh-to-bastion-v6", "ssh-from-bastion", "relay-listeners"]);
    });

    it("lets only Google's front ends and health checkers reach nginx, on HTTP and the TLS gRPC port", () => {
        expect(byKey.get("lb-to-nginx")).toMatchObject({
            sourceRanges: ["35.191.0.0/16", "130.211.0.0/22"],
            targetRoles: ["controller"],
            allows: [{ protocol: "tcp", ports: ["80", "8443"] }],
        });
        expect(GOOGLE_FRONT_END_RANGES).toEqual(["35.191.0.0/16", "130.211.0.0/22"]);
    });

    it("opens the NATS route ports between controllers only", () => {
        expect(byKey.get("controller-cluster")).toMatchObject({ sourceRoles: ["controller"], targetRoles: ["controller"], allows: [{ protocol: "tcp", ports: ["6222", "6223"] }] });
    });

    it("has no cluster rule when nothing coordinates between controllers", () => {
        const single = gcpFirewallRules(gcpTestSettings({ controllers: { count: 1 }, cluster: { coordinator: "none", peerPort: 6222, signalPeerPort: 6223 } }));
        expect(single.map((r) => r.key)).not.toContain("controller-cluster");
    });

    it("opens SSH from the operators to the bastion only, one rule per address family", () => {
        expect(byKey.get("ssh-to-bastion")).toMatchObject({ sourceRanges: ["198.51.100.0/24", "203.0.113.7/32"], targetRoles: ["bastion"], allows: [{ protocol: "tcp", ports: ["22"] }] });
        expect(byKey.get("ssh-to-bastion-v6")).toMatchObject({ sourceRanges: ["2001:db8::/48"], targetRoles: ["bastion"] });
        const sshRules = rules.filter((r) => r.allows.some((a) => a.ports.includes("22")));
        for (const r of sshRules.filter((x) => x.sourceRanges)) {
            expect(r.targetRoles).toEqual(["bastion"]);
        }
    });

    it("lets the bastion (and only it) reach controllers and relays on SSH", () => {
        expect(byKey.get("ssh-from-bastion")).toMatchObject({ sourceRoles: ["bastion"], targetRoles: ["controller", "relay"], allows: [{ protocol: "tcp", ports: ["22"] }] });
    });

    it("opens exactly the relay's public listeners (relayPublicListeners) to the world, on relays only, one entry per protocol", () => {
        const settings = gcpTestSettings();
        const rule = byKey.get("relay-listeners")!;
        expect(rule).toMatchObject({ sourceRanges: ["0.0.0.0/0"], targetRoles: ["relay"] });
        const opened = rule.allows.flatMap((a) => a.ports.map((p) => `${a.protocol}/${p}`)).sort();
        expect(opened).toEqual(relayPublicListeners(settings).map((l) => `${l.protocol}/${l.port}`).sort());
        expect(new Set(rule.allows.map((a) => a.protocol)).size).toBe(rule.allows.length);
        expect(opened).toContain(`tcp/${settings.relay.port}`);
    });

    it("sets exactly one kind of source on every rule", () => {
        for (const r of rules) {
            expect([r.key, r.sourceRanges === undefined, r.sourceRoles === undefined]).not.toEqual([r.key, true, true]);
            expect([r.key, r.sourceRanges !== undefined && r.sourceRoles !== undefined]).toEqual([r.key, false]);
        }
    });
});

describe("backendServicePlans", () => {
    const lb = gcpTestSettings().loadBalancer;
    const plans = new Map(backendServicePlans(lb).map((p) => [p.key, p]));

    it("speaks HTTP/1.1 to nginx :80 for everything but gRPC, with an ordinary request timeout", () => {
        expect(plans.get("http")).toMatchObject({ protocol: "HTTP", portName: "http", timeoutSec: 60, healthCheck: { kind: "http", port: 80, requestPath: "/healthz" } });
    });

    it.each([
        ["management", "/healthz"],
        ["signal", "/healthz/signal"],
    ] as const)("speaks HTTP/2 over TLS to nginx :8443 for %s, streams bounded at one day, checked on %s", (key, path) => {
        expect(plans.get(key)).toMatchObject({ protocol: "HTTP2", portName: "grpc-tls", timeoutSec: 86400, healthCheck: { kind: "http2", port: 8443, requestPath: path } });
        expect(GRPC_STREAM_TIMEOUT_SECONDS).toBeGreaterThanOrEqual(3600);
    });

    it("drains for the configured deregistration delay and checks with the configured interval and thresholds", () => {
        for (const p of plans.values()) {
            expect(p.connectionDrainingTimeoutSec).toBe(lb.deregistrationDelaySeconds);
            expect(p.healthCheck).toMatchObject({ checkIntervalSec: lb.healthCheckIntervalSeconds, healthyThreshold: lb.healthyThreshold, unhealthyThreshold: lb.unhealthyThreshold });
            // GCP rejects a check timeout longer than its interval.
            expect(p.healthCheck.timeoutSec).toBeLessThanOrEqual(p.healthCheck.checkIntervalSec);
        }
    });

    it("names the ports the backend services select", () => {
        expect(NAMED_PORTS).toEqual([{ name: "http", port: 80 }, { name: "grpc-tls", port: 8443 }]);
        for (const p of plans.values()) {
            expect(NAMED_PORTS.map((n) => n.name)).toContain(p.portName);
        }
    });

    it("routes the gRPC paths to the gRPC services, everything else to HTTP (the URL map's default)", () => {
        expect(urlMapPathRules()).toEqual([
            { paths: ["/management.ManagementService/*", "/flow.FlowService/*"], target: "management" },
            { paths: ["/signalexchange.SignalExchange/*"], target: "signal" },
        ]);
    });
});

describe("Cloud SQL mapping", () => {
    it.each([
        ["16", "POSTGRES_16"],
        ["17", "POSTGRES_17"],
    ])("version %s is %s", (v, expected) => {
        expect(cloudSqlVersion(v)).toBe(expected);
    });

    it("refuses a minor version", () => {
        expect(() => cloudSqlVersion("16.4")).toThrow(/^dbEngineVersion: Cloud SQL takes a major version/);
    });

    it.each([
        ["db-custom-4-8192", "ENTERPRISE"],
        ["db-f1-micro", "ENTERPRISE"],
        ["db-perf-optimized-N-4", "ENTERPRISE_PLUS"],
    ])("tier %s runs on edition %s", (tier, edition) => {
        expect(cloudSqlEdition(tier)).toBe(edition);
    });

    it("keeps write-ahead logs within the edition's limit", () => {
        expect(transactionLogRetentionDays(14, "ENTERPRISE")).toBe(7);
        expect(transactionLogRetentionDays(3, "ENTERPRISE")).toBe(3);
        expect(transactionLogRetentionDays(30, "ENTERPRISE_PLUS")).toBe(30);
    });
});

describe("service account ids", () => {
    it.each(["controller", "bastion", "relay"] as const)("stay within GCP's 6-30 character rule for %s", (role) => {
        const id = accountId("openzro-a-very-long-stack-name-indeed", role);
        expect(id).toMatch(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/);
        expect(id.endsWith(`-${role}`)).toBe(true);
    });
});
