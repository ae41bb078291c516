// Pure planning helpers of the AWS footprint: no Pulumi runtime involved.
import { instanceArchitecture } from "../../components/aws/architecture";
import { CANONICAL_OWNER_ID, ubuntuNobleAmiFilters } from "../../components/aws/ami";
import { finalSnapshotIdentifier, PASSWORD_SPECIALS, postgresFamily } from "../../components/aws/database";
import { healthCheckTimeout, LISTENER_RULES, targetGroupPlans } from "../../components/aws/loadBalancerPlan";
import { natGatewayCount } from "../../components/aws/network";
import { deploymentRegions, relayRegions } from "../../components/aws/providers";
import { controllerPeerPorts, primarySecurityRules, relaySecurityRules, SecurityRule } from "../../components/aws/securityRules";
import { providerDefaultTags, resourceTags } from "../../components/aws/tags";
import { roundRobinSlot } from "../../components/aws/zones";
import type { CoordinatorKind } from "../../components/config/types";
import { awsTestSettings } from "./awsFixtures";

describe("instanceArchitecture", () => {
    it.each([
        ["t3.micro", "amd64"],
        ["c7i.xlarge", "amd64"],
        ["m7i-flex.large", "amd64"],
        ["m6a.large", "amd64"],
        ["g5.xlarge", "amd64"], // GPU family g, not Graviton
        ["g4ad.xlarge", "amd64"],
        ["t4g.small", "arm64"],
        ["c7g.large", "arm64"],
        ["m7gd.2xlarge", "arm64"],
        ["c6gn.medium", "arm64"],
        ["im4gn.large", "arm64"],
        ["g5g.xlarge", "arm64"],
        ["a1.medium", "arm64"],
    ])("%s is %s", (type, arch) => {
        expect(instanceArchitecture(type)).toBe(arch);
    });

    it.each(["", "t3", "large", "T3.micro", "t3.micro.extra"])("rejects %j naming the config key", (type) => {
        expect(() => instanceArchitecture(type, "relays[fra].instanceType")).toThrow(/^relays\[fra\]\.instanceType: .*got/);
    });
});

describe("roundRobinSlot", () => {
    it("puts three controllers in three distinct zones", () => {
        expect(new Set([0, 1, 2].map((i) => roundRobinSlot(i, 3))).size).toBe(3);
    });
    it("wraps around when there are more hosts than zones", () => {
        expect([0, 1, 2, 3, 4].map((i) => roundRobinSlot(i, 3))).toEqual([0, 1, 2, 0, 1]);
    });
    it.each([[0, 0], [1, -1], [-1, 3], [1.5, 3]])("rejects host %p over %p slots", (host, slots) => {
        expect(() => roundRobinSlot(host, slots)).toThrow();
    });
});

describe("Ubuntu AMI lookup", () => {
    it("asks Canonical's account, not any owner", () => {
        expect(CANONICAL_OWNER_ID).toBe("099720109477");
    });
    it.each([
        ["amd64", "x86_64"],
        ["arm64", "arm64"],
    ] as const)("looks up the noble 24.04 gp3 %s server image", (arch, ec2Arch) => {
        const filters = Object.fromEntries(ubuntuNobleAmiFilters(arch).map((f) => [f.name, f.values]));
        expect(filters.name).toEqual([`ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-${arch}-server-*`]);
        expect(filters.architecture).toEqual([ec2Arch]);
        expect(filters["virtualization-type"]).toEqual(["hvm"]);
    });
});

describe("database helpers", () => {
    it.each([
        ["16", "postgres16"],
        ["17", "postgres17"],
        ["16.4", "postgres16"],
    ])("engine %s uses parameter family %s", (version, family) => {
        expect(postgresFamily(version)).toBe(family);
    });
    it.each(["", "latest", "16.4.1", "v16"])("rejects engine version %j", (version) => {
        expect(() => postgresFamily(version)).toThrow(/^database\.engineVersion: /);
    });
    it("names the final snapshot after the stack, stable across runs and valid for RDS", () => {
        expect(finalSnapshotIdentifier("production")).toBe("openzro-production-final");
        expect(finalSnapshotIdentifier("Prod_EU")).toMatch(/^[a-z][a-z0-9-]*[a-z0-9]$/);
        expect(finalSnapshotIdentifier("Prod_EU")).not.toMatch(/--/);
    });
    it("never uses a password character RDS rejects", () => {
        for (const bad of ["/", "@", '"', " "]) {
            expect(PASSWORD_SPECIALS).not.toContain(bad);
        }
    });
});

describe("natGatewayCount", () => {
    it.each([
        ["perAz", 3, 3],
        ["perAz", 1, 1],
        ["single", 3, 1],
    ] as const)("%s over %d zones needs %d", (mode, zones, count) => {
        expect(natGatewayCount(mode, zones)).toBe(count);
    });
});

describe("regions and tags", () => {
    it("lists the primary region first, then each relay region once in configuration order", () => {
        const settings = awsTestSettings();
        expect(deploymentRegions(settings)).toEqual(["eu-central-1", "us-east-1", "ap-south-1"]);
        expect(relayRegions(settings)).toEqual(["eu-central-1", "us-east-1", "ap-south-1"]);
    });
    it("tags with project, stack and manager, and lets settings.tags add keys", () => {
        expect(providerDefaultTags(awsTestSettings(), "production")).toEqual({
            Project: "openzro",
            Stack: "production",
            ManagedBy: "pulumi",
            CostCenter: "networking",
        });
    });
    it("gives each resource a Name that includes the stack and a Component", () => {
        expect(resourceTags("controllers", "staging", "controller-1")).toEqual({ Name: "openzro-staging-controller-1", Component: "controllers" });
    });
});

/** A compact, order-independent rendering of a rule: "group direction protocol/port peer". */
function describeRule(r: SecurityRule): string {
    const peer = "group" in r.peer ? `sg:${r.peer.group}` : r.peer.cidr;
    return `${r.group} ${r.direction} ${r.protocol}${r.port === undefined ? "" : `/${r.port}`} ${peer}`;
}

describe("security rules", () => {
    it("opens exactly the documented rules for three controllers with the embedded coordinator", () => {
        const rules = primarySecurityRules(awsTestSettings()).map(describeRule).sort();
        expect(rules).toEqual(
            [
                "alb ingress tcp/80 0.0.0.0/0",
                "alb ingress tcp/443 0.0.0.0/0",
                "alb egress tcp/80 sg:controllers",
                "alb egress tcp/8080 sg:controllers",
                "controllers ingress tcp/80 sg:alb",
                "controllers ingress tcp/8080 sg:alb",
                "controllers ingress tcp/22 sg:bastion",
                "controllers ingress tcp/6222 sg:controllers",
                "controllers ingress tcp/6223 sg:controllers",
                "controllers egress all 0.0.0.0/0",
                "bastion ingress tcp/22 198.51.100.0/24",
                "bastion ingress tcp/22 203.0.113.7/32",
                "bastion egress all 0.0.0.0/0",
                "database ingress tcp/5432 sg:controllers",
            ].sort(),
        );
    });

    it("gives every rule a unique resource key", () => {
        const keys = primarySecurityRules(awsTestSettings()).map((r) => r.key);
        expect(new Set(keys).size).toBe(keys.length);
    });

    it("lets nothing from the internet reach controllers, bastion SSH aside from allowed CIDRs, or the database", () => {
        const open = primarySecurityRules(awsTestSettings()).filter(
            (r) => r.direction === "ingress" && "cidr" in r.peer && r.peer.cidr === "0.0.0.0/0",
        );
        expect(open.map((r) => `${r.group}/${r.port}`).sort()).toEqual(["alb/443", "alb/80"]);
    });

    it.each([
        ["embedded", [6222, 6223]],
        ["nats", [6222]],
        ["redis", [6379]],
        ["none", []],
        ["external-nats", []],
        ["external-redis", []],
    ] as [CoordinatorKind, number[]][])("coordinator %s opens peer ports %j between controllers only", (coordinator, ports) => {
        expect(controllerPeerPorts(coordinator, { peerPort: 6222, signalPeerPort: 6223 }).map((p) => p.port)).toEqual(ports);
        const settings = awsTestSettings({ cluster: { coordinator, peerPort: 6222, signalPeerPort: 6223 } });
        const selfRules = primarySecurityRules(settings).filter((r) => "group" in r.peer && r.peer.group === "controllers" && r.group === "controllers");
        expect(selfRules.map((r) => r.port).sort()).toEqual([...ports].sort());
    });

    it("follows a non-default peer port", () => {
        const settings = awsTestSettings({ cluster: { coordinator: "embedded", peerPort: 7222, signalPeerPort: 7223 } });
        const ports = primarySecurityRules(settings).filter((r) => r.group === "controllers" && r.direction === "ingress").map((r) => r.port);
        expect(ports).toEqual(expect.arrayContaining([7222, 7223]));
        expect(ports).not.toContain(6222);
    });

    it.each([
        // relayTls, port, what listens publicly: WebSocket (tcp), QUIC (udp, only with TLS), STUN (udp 3478)
        ["letsencrypt", 443, ["tcp/443", "udp/443", "udp/3478"]],
        ["route53", 8443, ["tcp/8443", "udp/8443", "udp/3478"]],
        ["files", 443, ["tcp/443", "udp/443", "udp/3478"]],
        ["none", 33080, ["tcp/33080", "udp/3478"]],
    ] as const)("relayTls %s on %i opens to the world exactly where something listens", (tls, port, open) => {
        const rules = relaySecurityRules(awsTestSettings({ relay: { port, tls, rootVolumeGb: 40, credentialsTtl: "24h" } }));
        const world = rules.filter((r) => r.direction === "ingress" && "cidr" in r.peer && r.peer.cidr === "0.0.0.0/0");
        expect(world.map((r) => `${r.protocol}/${r.port}`)).toEqual(open);
    });

    it("opens only the relay port (TCP and UDP), STUN (UDP) to the world and SSH to allowed CIDRs on relays", () => {
        const rules = relaySecurityRules(awsTestSettings({ relay: { port: 443 } })).map(describeRule).sort();
        expect(rules).toEqual(
            [
                "relay ingress tcp/443 0.0.0.0/0",
                "relay ingress udp/443 0.0.0.0/0",
                "relay ingress udp/3478 0.0.0.0/0",
                "relay ingress tcp/22 198.51.100.0/24",
                "relay ingress tcp/22 203.0.113.7/32",
                "relay egress all 0.0.0.0/0",
            ].sort(),
        );
    });
});

describe("load balancer plan", () => {
    const lb = awsTestSettings().loadBalancer;
    const byKey = Object.fromEntries(targetGroupPlans(lb).map((t) => [t.key, t]));

    it("serves the dashboard and REST from nginx's HTTP/1.1 port with an HTTP health check on /healthz", () => {
        expect(byKey.http).toMatchObject({ port: 80, protocol: "HTTP", protocolVersion: "HTTP1" });
        expect(byKey.http.healthCheck).toMatchObject({ path: "/healthz", matcher: "200" });
    });

    it("sends management gRPC as gRPC to nginx's h2c port, healthy when isHealthy answers OK", () => {
        expect(byKey.management).toMatchObject({ port: 8080, protocol: "HTTP", protocolVersion: "GRPC" });
        expect(byKey.management.healthCheck).toMatchObject({ path: "/management.ManagementService/isHealthy", matcher: "0" });
    });

    it("sends signal gRPC as gRPC, healthy when an unknown method answers UNIMPLEMENTED (server up)", () => {
        expect(byKey.signal).toMatchObject({ port: 8080, protocol: "HTTP", protocolVersion: "GRPC" });
        expect(byKey.signal.healthCheck).toMatchObject({ path: "/signalexchange.SignalExchange/Healthz", matcher: "12" });
    });

    it("takes thresholds, interval and deregistration delay from settings", () => {
        const custom = targetGroupPlans({ ...lb, healthCheckIntervalSeconds: 15, healthyThreshold: 3, unhealthyThreshold: 4, deregistrationDelaySeconds: 45 });
        for (const t of custom) {
            expect(t.healthCheck).toMatchObject({ interval: 15, healthyThreshold: 3, unhealthyThreshold: 4 });
            expect(t.deregistrationDelay).toBe(45);
        }
    });

    it.each([
        [5, 4],
        [6, 5],
        [10, 5],
        [30, 5],
        [3, 2],
    ])("health-check timeout for interval %d is %d (below the interval, as AWS requires)", (interval, timeout) => {
        expect(healthCheckTimeout(interval)).toBe(timeout);
    });

    it("routes management and flow gRPC to the management group and signal to the signal group", () => {
        const routes = LISTENER_RULES.flatMap((r) => r.paths.map((p) => `${p} -> ${r.target}`)).sort();
        expect(routes).toEqual(
            [
                "/management.ManagementService/* -> management",
                "/flow.FlowService/* -> management",
                "/signalexchange.SignalExchange/* -> signal",
            ].sort(),
        );
        expect(new Set(LISTENER_RULES.map((r) => r.priority)).size).toBe(LISTENER_RULES.length);
    });
});
