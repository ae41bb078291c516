// The offline plan of the real program for both committed stacks: the plan.json contract (ARCHITECTURE.md §6),
// no secret anywhere in what it writes, a hosts/ directory per host, determinism, and production's HA shape.
import * as fs from "fs";
import * as path from "path";
import { controllerName, relayHostName } from "../../components/config/naming";
import { planJsonText, toPlanJson, PlanJson } from "../../scripts/plan/planJson";
import { topologyMermaid } from "../../scripts/plan/topology";
import { inventory } from "../../scripts/plan/inventory";
import { planSummary } from "../../scripts/plan/summary";
import { writePlanDir } from "../../scripts/plan/writeOut";
import { planStack, PlanResult, PlanResource, tempDir, unwrapSecrets } from "../support";

/** Every file under dir, as [relative path, content]. */
function readTree(dir: string): [string, string][] {
    return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => {
            const full = path.join(e.parentPath, e.name);
            return [path.relative(dir, full), fs.readFileSync(full, "utf8")] as [string, string];
        });
}

const SECRET_MARKERS = ["-----BEGIN", "PRIVATE KEY", "offline-plan-secret-"];

describe.each(["production", "staging", "gcp-production", "gcp-staging"])("offline plan of %s", (stack) => {
    let result: PlanResult;
    let plan: PlanJson;
    let planText: string;
    let out: { dir: string; remove(): void };

    beforeAll(async () => {
        result = await planStack({ stack });
        plan = toPlanJson(result);
        out = tempDir();
        writePlanDir(out.dir, result);
        planText = fs.readFileSync(path.join(out.dir, "plan.json"), "utf8");
    }, 300_000);
    afterAll(() => out.remove());

    it("writes plan.json with exactly the contract's fields and types", () => {
        const parsed = JSON.parse(planText);
        expect(Object.keys(parsed).sort()).toEqual(["outputs", "project", "resources", "stack"]);
        expect(parsed.project).toBe("openzro");
        expect(parsed.stack).toBe(stack);
        expect(typeof parsed.outputs).toBe("object");
        expect(parsed.resources.length).toBeGreaterThan(50);
        for (const r of parsed.resources) {
            expect(Object.keys(r).sort()).toEqual(["dependencies", "inputs", "name", "options", "parent", "provider", "type", "urn"]);
            expect(Object.keys(r.options).sort()).toEqual([
                "aliases", "customTimeouts", "deleteBeforeReplace", "deletedWith", "ignoreChanges", "protect", "replaceOnChanges", "retainOnDelete",
            ]);
            expect(typeof r.options.protect === "boolean" && typeof r.options.retainOnDelete === "boolean").toBe(true);
            expect(r.urn).toMatch(new RegExp(`^urn:pulumi:${stack}::openzro::`));
            expect(r.urn.endsWith(`::${r.name}`)).toBe(true);
            expect(r.urn.split("::")[2].split("$").pop()).toBe(r.type);
            expect(r.parent === null || typeof r.parent === "string").toBe(true);
            expect(r.provider === null || typeof r.provider === "string").toBe(true);
            expect(Array.isArray(r.dependencies) && r.dependencies.every((d: unknown) => typeof d === "string")).toBe(true);
            expect(typeof r.inputs === "object" && r.inputs !== null && !Array.isArray(r.inputs)).toBe(true);
        }
    });

    it("refers only to resources in the plan (parents, providers, dependencies), and each URN once", () => {
        const urns = new Set(plan.resources.map((r) => r.urn));
        expect(urns.size).toBe(plan.resources.length);
        const dangling = plan.resources.flatMap((r) =>
            [r.parent, r.provider, ...r.dependencies].filter((u): u is string => u !== null && !urns.has(u)).map((u) => `${r.urn} -> ${u}`));
        expect(dangling).toEqual([]);
        for (const r of plan.resources.filter((x) => x.provider !== null)) {
            expect(plan.resources.find((p) => p.urn === r.provider)?.type).toMatch(/^pulumi:providers:/);
        }
    });

    it("keeps every secret out of plan.json, hosts/ and topology.mmd", () => {
        expect(result.secretValues.length).toBeGreaterThan(0);
        const written = readTree(out.dir);
        for (const [file, content] of written) {
            for (const secret of result.secretValues) {
                if (content.includes(secret)) {
                    throw new Error(`${file} contains a secret value`);
                }
            }
            // Public certificates (GCP: the TLS gRPC backend's, Cloud SQL's server CA) are PEM too; nothing else may look like a key.
            const publicCertificate = /\.(crt|pem)$/.test(file) && /^(-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+-----END CERTIFICATE-----\n?)+$/.test(content);
            for (const marker of SECRET_MARKERS.filter((m) => !(publicCertificate && m === "-----BEGIN"))) {
                expect(`${file}: ${content.includes(marker)}`).toBe(`${file}: false`);
            }
        }
        // The secrets were there and are redacted, not merely absent: asked to show them, the plan does.
        expect(plan.outputs.sshPrivateKey).toBe("[secret]");
        expect(planText).toContain('"[secret]"');
        const shown = planJsonText(toPlanJson(result, { showSecrets: true }));
        expect(result.secretValues.some((s) => shown.includes(s))).toBe(true);
    });

    it("has a hosts/ directory per controller and per relay, holding every rendered file", () => {
        const expected = [
            ...Array.from({ length: result.settings.controllers.count }, (_, i) => controllerName(i)),
            ...result.settings.relays.map((r) => relayHostName(r.name)),
        ].sort();
        expect(fs.readdirSync(path.join(out.dir, "hosts")).sort()).toEqual(expected);
        for (const host of expected) {
            for (const file of result.hostFiles[host]) {
                expect(fs.readFileSync(path.join(out.dir, "hosts", host, file.path), "utf8")).toBe(file.content);
            }
        }
        expect(fs.readFileSync(path.join(out.dir, "topology.mmd"), "utf8")).toMatch(/^flowchart TB\n/);
    });

    it("asked the mocks for nothing they cannot answer", () => {
        expect(result.diagnostics.unmockedInvokes).toEqual([]);
        expect(result.diagnostics.unmockedTypes).toEqual([]);
    });
});

describe("offline plan determinism", () => {
    it("evaluates production twice to byte-identical plan.json, host files and topology", async () => {
        const first = await planStack({ stack: "production" });
        const second = await planStack({ stack: "production" });
        expect(planJsonText(toPlanJson(second))).toBe(planJsonText(toPlanJson(first)));
        expect(JSON.stringify(second.hostFiles)).toBe(JSON.stringify(first.hostFiles));
        expect(topologyMermaid(second)).toBe(topologyMermaid(first));
    }, 300_000);
});

describe("production plan: the HA shape", () => {
    let result: PlanResult;
    const ofType = (type: string) => result.resources.filter((r) => r.type === type);
    const inputs = (r: PlanResource) => unwrapSecrets<Record<string, any>>(r.inputs);
    const state = (r: PlanResource) => unwrapSecrets<Record<string, any>>(r.state);
    const regionOf = (r: PlanResource) => inputs(result.resources.find((p) => p.urn === r.provider)!).region;
    /** The EC2 instance of a host: the instance or one of its parents is named "...-<host>". */
    const instanceOf = (host: string) => ofType("aws:ec2/instance:Instance").filter((inst) => {
        for (let r: PlanResource | undefined = inst; r; r = result.resources.find((p) => p.urn === r!.parent)) {
            if (r.name.endsWith(`-${host}`)) return true;
        }
        return false;
    });

    beforeAll(async () => {
        result = await planStack({ stack: "production" });
    }, 300_000);

    it("runs 3 controllers in 3 distinct availability zones of us-east-1, inside their subnets", () => {
        const controllers = [0, 1, 2].map((i) => instanceOf(controllerName(i)));
        expect(controllers.map((c) => c.length)).toEqual([1, 1, 1]);
        expect(instanceOf(controllerName(3))).toHaveLength(0);
        const zones = controllers.map(([c]) => state(c).availabilityZone);
        expect(new Set(zones).size).toBe(3);
        for (const [c] of controllers) {
            expect(regionOf(c)).toBe("us-east-1");
            expect(state(c).availabilityZone).toMatch(/^us-east-1[a-z]$/);
            const subnet = ofType("aws:ec2/subnet:Subnet").find((s) => s.id === inputs(c).subnetId)!;
            expect(inputs(subnet).availabilityZone).toBe(state(c).availabilityZone);
        }
    });

    it.each([
        ["us-east", "us-east-1"],
        ["eu-west", "eu-west-1"],
        ["ap-south", "ap-south-1"],
    ])("runs relay %s in %s with its own Elastic IP", (relay, region) => {
        const [instance] = instanceOf(relayHostName(relay));
        expect(instance).toBeDefined();
        expect(regionOf(instance)).toBe(region);
        const eips = ofType("aws:ec2/eip:Eip").filter((e) => inputs(e).instance === instance.id);
        expect(eips).toHaveLength(1);
        expect(regionOf(eips[0])).toBe(region);
    });

    it("gives the relays distinct public addresses", () => {
        const relays = result.settings.relays.map((r) => instanceOf(relayHostName(r.name))[0]);
        const ips = relays.map((inst) => state(ofType("aws:ec2/eip:Eip").find((e) => inputs(e).instance === inst.id)!).publicIp);
        expect(new Set(ips).size).toBe(3);
    });

    it("shows every relay on rels://…:443 with its certificate source and STUN server, and labels the new ports", () => {
        const relays = inventory(result).relays;
        expect(relays.map((r) => [r.address, r.certificate, r.stun])).toEqual(
            ["us-east", "eu-west", "ap-south"].map((n) => [
                `rels://relay-${n}.openzro.example.com:443`,
                `Let's Encrypt TLS-ALPN-01 for relay-${n}.openzro.example.com on tcp/443, renewed in process`,
                `stun:relay-${n}.openzro.example.com:3478`,
            ]),
        );
        const summary = planSummary(result);
        expect(summary).toContain("certificate: Let's Encrypt TLS-ALPN-01 for relay-eu-west.openzro.example.com on tcp/443, renewed in process; STUN: stun:relay-eu-west.openzro.example.com:3478 (udp)");
        const edges = topologyMermaid(result).split("\n").filter((l) => l.startsWith("  users -->") && l.includes("host_relay_"));
        expect(edges).toHaveLength(3);
        for (const e of edges) expect(e).toContain("tcp 443 relay (WebSocket over TLS), udp 443 relay (QUIC), udp 3478 STUN (coturn, stun-only)");
    });

    it("has one Multi-AZ PostgreSQL database", () => {
        const dbs = ofType("aws:rds/instance:Instance");
        expect(dbs).toHaveLength(1);
        expect(inputs(dbs[0])).toMatchObject({ engine: "postgres", multiAz: true, publiclyAccessible: false });
    });

    it.each([
        ["/management.ManagementService/*"],
        ["/signalexchange.SignalExchange/*"],
    ])("routes %s to a gRPC target group", (grpcPath) => {
        const rule = ofType("aws:lb/listenerRule:ListenerRule").find((r) =>
            inputs(r).conditions.some((c: any) => c.pathPattern?.values?.includes(grpcPath)));
        expect(rule).toBeDefined();
        const arn = inputs(rule!).actions[0].targetGroupArn;
        const group = ofType("aws:lb/targetGroup:TargetGroup").find((g) => state(g).arn === arn)!;
        expect(inputs(group).protocolVersion).toBe("GRPC");
    });
});

describe("staging plan", () => {
    it("is the cheaper shape its stack file asks for: one NAT gateway, relays in two regions; Multi-AZ database and a game day per zone", async () => {
        const result = await planStack({ stack: "staging" });
        const ofType = (type: string) => result.resources.filter((r) => r.type === type);
        expect(unwrapSecrets<Record<string, unknown>>(ofType("aws:rds/instance:Instance")[0].inputs).multiAz).toBe(true);
        expect(ofType("aws:fis/experimentTemplate:ExperimentTemplate")).toHaveLength(3);
        expect(ofType("aws:ec2/natGateway:NatGateway")).toHaveLength(1);
        expect(result.settings.relays.map((r) => r.region)).toEqual(["us-east-1", "eu-west-1"]);
    }, 300_000);
});

describe("gcp-production plan: the same HA shape on GCP", () => {
    let result: PlanResult;
    const ofType = (type: string) => result.resources.filter((r) => r.type === type);
    const inputs = (r: PlanResource) => unwrapSecrets<Record<string, any>>(r.inputs);
    const state = (r: PlanResource) => unwrapSecrets<Record<string, any>>(r.state);
    const instance = (nameEnd: string) => {
        const found = ofType("gcp:compute/instance:Instance").filter((r) => r.name.endsWith(nameEnd));
        expect(found).toHaveLength(1);
        return found[0];
    };

    beforeAll(async () => {
        result = await planStack({ stack: "gcp-production" });
    }, 240_000);

    it("runs 3 controllers in 3 distinct zones of us-east1, no external address, inside the controller subnet", () => {
        const controllers = [0, 1, 2].map((i) => instance(`-${controllerName(i)}`));
        expect(controllers.map((c) => state(c).zone)).toEqual(["us-east1-b", "us-east1-c", "us-east1-d"]);
        for (const c of controllers) {
            expect(state(c).networkInterfaces[0].accessConfigs).toEqual([]);
            expect(state(c).networkInterfaces[0].networkIp).toMatch(/^10\.42\./);
        }
    });

    it.each([
        ["us-east", "us-east1"],
        ["eu-west", "europe-west1"],
        ["ap-south", "asia-south1"],
    ])("runs relay %s in %s with its own static address", (relay, region) => {
        const host = instance(`-${relayHostName(relay)}-host`);
        expect(state(host).zone.startsWith(`${region}-`)).toBe(true);
        const address = ofType("gcp:compute/address:Address").find((a) => a.name.endsWith(`-${relayHostName(relay)}-ip`))!;
        expect(inputs(address).region).toBe(region);
        expect(state(host).networkInterfaces[0].accessConfigs[0].natIp).toBe(state(address).address);
    });

    it("has one REGIONAL Cloud SQL instance on a private IP, protected", () => {
        const dbs = ofType("gcp:sql/databaseInstance:DatabaseInstance");
        expect(dbs).toHaveLength(1);
        expect(inputs(dbs[0]).settings).toMatchObject({ availabilityType: "REGIONAL", ipConfiguration: { ipv4Enabled: false, sslMode: "ENCRYPTED_ONLY" } });
        expect(state(dbs[0]).privateIpAddress).toMatch(/^10\.112\./);
        expect(dbs[0].options.protect).toBe(true);
    });

    it("routes the gRPC paths to HTTP/2 backend services with day-long stream timeouts", () => {
        const services = ofType("gcp:compute/backendService:BackendService");
        const [map] = ofType("gcp:compute/uRLMap:URLMap").filter((m) => inputs(m).pathMatchers);
        for (const rule of inputs(map).pathMatchers[0].pathRules) {
            const target = services.find((s) => s.id === rule.service)!;
            expect(inputs(target)).toMatchObject({ protocol: "HTTP2", timeoutSec: 86400 });
        }
    });

    it("trusts Google's front ends and the load balancer's own address in the controllers' files", () => {
        const lbIp = state(ofType("gcp:compute/globalAddress:GlobalAddress").find((a) => a.name.endsWith("-lb"))!).address;
        const files = result.hostFiles[controllerName(0)].map((f) => f.content).join("\n");
        expect(files).toContain(`${lbIp}/32`);
        expect(files).toContain("35.191.0.0/16");
    });

    it("promotes what gcp-staging proved: the committed reference resolves from Pulumi.gcp-staging.yaml, not its own pin", () => {
        expect(result.settings.promoteFromStack).toBe("organization/openzro/gcp-staging");
        expect(result.resources.filter((r) => r.type === "pulumi:pulumi:StackReference").map((r) => r.name)).toEqual(["organization/openzro/gcp-staging"]);
        expect(result.settings.openzroVersion).toBe("0.53.1-alpha.86");
        expect(unwrapSecrets(result.outputs.openzroVersion)).toBe("0.53.1-alpha.87");
    });

    it("writes the GCP shape into the summary", () => {
        const summary = planSummary(result);
        expect(summary).toMatch(/^Plan for stack gcp-production \(project openzro\), primary region us-east1$/m);
        expect(summary).toMatch(/Controllers per AZ: us-east1-b: controller-1; us-east1-c: controller-2; us-east1-d: controller-3/);
        expect(summary).toMatch(/Database openzro-db: postgres 16 db-custom-4-8192, availability REGIONAL, 10\.112\./);
        expect(summary).toMatch(/openzro-signal +HTTP2\/HTTP2 \(TLS\) :8443 +health \/healthz\/signal +3 target/);
    });
});
