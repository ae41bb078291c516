// The AWS footprint under the Pulumi mock runtime, with the project's plausible mocks (scripts/plan/mocks.ts):
// what `pulumi up` would create, on which provider, with which properties, and what it hands to the host layer.
import * as pulumi from "@pulumi/pulumi";
import { AwsFootprint } from "../../components/aws/footprint";
import { scrapeTargets } from "../../components/host/render";
import type { Settings } from "../../components/config/types";
import type { PlanMocks } from "../../scripts/plan/mocks";
import { isSecretWrapper, RecordedResource, resolveInput, runComponent, unwrapSecrets } from "../support";
import { awsStagingSettings, awsTestSettings, withConfiguredKey } from "./awsFixtures";

interface Evaluation {
    readonly mocks: PlanMocks;
    readonly footprint: AwsFootprint;
    readonly all: readonly RecordedResource[];
    ofType(type: string): RecordedResource[];
    /** Inputs with secrets unwrapped. */
    inputs(r: RecordedResource): Record<string, any>;
    state(r: RecordedResource): Record<string, any>;
    byId(id: unknown): RecordedResource | undefined;
    /** The URN of the explicit provider for a region. */
    providerFor(region: string): string;
    resolve<T>(x: pulumi.Input<T>): Promise<{ value: T; secret: boolean }>;
}

async function evaluate(settings: Settings, stack: string): Promise<Evaluation> {
    const run = await runComponent(
        async () => {
            const footprint = new AwsFootprint("openzro", { settings });
            // Resolve every output and fact so apply failures surface inside the run.
            await Promise.all([
                ...Object.values(footprint.outputs).map((o) => resolveInput(o)),
                ...footprint.facts.controllers.map((c) => resolveInput(c.zone)),
            ]);
            return footprint;
        },
        // A default region no resource should ever use: anything on the default provider would land there.
        { project: "openzro", stack, defaultRegion: "sa-east-1" },
    );
    const all = run.resources;
    const providers = run.ofType("pulumi:providers:aws");
    return {
        mocks: run.mocks,
        footprint: run.result,
        all,
        ofType: (type) => run.ofType(type),
        inputs: (r) => unwrapSecrets(r.inputs),
        state: (r) => unwrapSecrets(r.state),
        byId: (id) => all.find((r) => r.id === unwrapSecrets(id)),
        providerFor: (region) => {
            const found = providers.filter((p) => unwrapSecrets<Record<string, unknown>>(p.inputs).region === region);
            expect(found).toHaveLength(1);
            return found[0].urn;
        },
        resolve: async (x) => {
            const r = await resolveInput(x);
            return { value: r.value, secret: r.secret };
        },
    };
}

const TYPES = {
    vpc: "aws:ec2/vpc:Vpc",
    subnet: "aws:ec2/subnet:Subnet",
    instance: "aws:ec2/instance:Instance",
    eip: "aws:ec2/eip:Eip",
    nat: "aws:ec2/natGateway:NatGateway",
    route: "aws:ec2/route:Route",
    sg: "aws:ec2/securityGroup:SecurityGroup",
    ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    record: "aws:route53/record:Record",
    rds: "aws:rds/instance:Instance",
    paramGroup: "aws:rds/parameterGroup:ParameterGroup",
    subnetGroup: "aws:rds/subnetGroup:SubnetGroup",
    alb: "aws:lb/loadBalancer:LoadBalancer",
    tg: "aws:lb/targetGroup:TargetGroup",
    attachment: "aws:lb/targetGroupAttachment:TargetGroupAttachment",
    listener: "aws:lb/listener:Listener",
    rule: "aws:lb/listenerRule:ListenerRule",
    cert: "aws:acm/certificate:Certificate",
    certValidation: "aws:acm/certificateValidation:CertificateValidation",
    keyPair: "aws:ec2/keyPair:KeyPair",
    tlsKey: "tls:index/privateKey:PrivateKey",
} as const;

describe("AWS footprint, production shape (3 controllers, 4 relays in 3 regions)", () => {
    const settings = awsTestSettings();
    let e: Evaluation;

    beforeAll(async () => {
        e = await evaluate(settings, "production");
    }, 300_000);

    describe("providers, parents, tags", () => {
        it("creates one explicit provider per region with the project's default tags", () => {
            const providers = e.ofType("pulumi:providers:aws").map((p) => e.inputs(p));
            expect(providers.map((p) => p.region).sort()).toEqual(["ap-south-1", "eu-central-1", "us-east-1"]);
            for (const p of providers) {
                expect(JSON.parse(p.defaultTags).tags).toEqual({ Project: "openzro", Stack: "production", ManagedBy: "pulumi", CostCenter: "networking" });
            }
        });

        it("puts no AWS resource or lookup on the default provider", () => {
            const aws = e.all.filter((r) => r.type.startsWith("aws:"));
            expect(aws.length).toBeGreaterThan(50);
            expect(aws.filter((r) => r.provider === null).map((r) => r.name)).toEqual([]);
            const lookups = e.mocks.recorder.invokes.filter((i) => i.token.startsWith("aws:"));
            expect(lookups.filter((i) => i.provider === null).map((i) => i.token)).toEqual([]);
            expect([...e.mocks.recorder.unmockedInvokes]).toEqual([]);
        });

        it("parents every resource under the footprint component", () => {
            const root = e.ofType("openzro:aws:Footprint");
            expect(root).toHaveLength(1);
            for (const r of e.all.filter((x) => x.urn !== root[0].urn && x.type !== "pulumi:pulumi:Stack")) {
                const chain = e.mocks.recorder.ancestorsOf(r.urn).map((a) => a.urn);
                expect({ name: r.name, underFootprint: chain.includes(root[0].urn) }).toEqual({ name: r.name, underFootprint: true });
            }
        });

        it("uses openzro:aws:* tokens for its components", () => {
            const components = e.all.filter((r) => !r.custom && r.type !== "pulumi:pulumi:Stack").map((r) => r.type);
            expect(new Set(components)).toEqual(
                new Set([
                    "openzro:aws:Footprint", "openzro:aws:SshKeys", "openzro:aws:Network", "openzro:aws:SecurityGroups",
                    "openzro:aws:Bastion", "openzro:aws:Controllers", "openzro:aws:Database", "openzro:aws:Certificate",
                    "openzro:aws:LoadBalancer", "openzro:aws:RelayRegion", "openzro:aws:RelayHost", "openzro:aws:Alarms",
                ]),
            );
        });

        it("gives every tagged AWS resource a Name and a Component tag", () => {
            const components = new Set(["network", "bastion", "controllers", "relays", "database", "dns", "loadbalancer", "monitoring", "gameday"]);
            const tagged = e.all.filter((r) => r.type.startsWith("aws:") && e.inputs(r).tags !== undefined);
            expect(tagged.length).toBeGreaterThan(40);
            for (const r of tagged) {
                const tags = e.inputs(r).tags;
                expect({ name: r.name, nameTag: typeof tags.Name, component: components.has(tags.Component) }).toEqual({ name: r.name, nameTag: "string", component: true });
            }
            for (const type of [TYPES.vpc, TYPES.subnet, TYPES.instance, TYPES.eip, TYPES.nat, TYPES.sg, TYPES.rds, TYPES.alb, TYPES.tg, TYPES.keyPair]) {
                for (const r of e.ofType(type)) {
                    expect({ name: r.name, tags: e.inputs(r).tags !== undefined }).toEqual({ name: r.name, tags: true });
                }
            }
        });
    });

    describe("network", () => {
        const primaryVpc = () => e.ofType(TYPES.vpc).filter((v) => e.inputs(v).cidrBlock === "10.40.0.0/16");

        it("has one VPC with DNS hostnames on", () => {
            expect(primaryVpc()).toHaveLength(1);
            expect(e.inputs(primaryVpc()[0])).toMatchObject({ enableDnsHostnames: true, enableDnsSupport: true });
        });

        it("has a public and a private subnet in each of three zones, with the planned CIDRs", () => {
            const vpcId = primaryVpc()[0].id;
            const subnets = e.ofType(TYPES.subnet).filter((s) => e.inputs(s).vpcId === vpcId).map((s) => e.state(s));
            const byTier = (tier: string) => subnets.filter((s) => s.tags.Tier === tier);
            expect(byTier("private").map((s) => s.cidrBlock).sort()).toEqual(["10.40.0.0/18", "10.40.128.0/18", "10.40.64.0/18"]);
            expect(byTier("public").map((s) => s.cidrBlock).sort()).toEqual(["10.40.192.0/20", "10.40.208.0/20", "10.40.224.0/20"]);
            expect(new Set(byTier("private").map((s) => s.availabilityZone)).size).toBe(3);
            expect(new Set(byTier("public").map((s) => s.availabilityZone)).size).toBe(3);
            expect(subnets.every((s) => s.mapPublicIpOnLaunch === false)).toBe(true);
        });

        it("has a NAT gateway per zone, each private route table using the NAT of its own zone", () => {
            const nats = e.ofType(TYPES.nat);
            expect(nats).toHaveLength(3);
            const natZone = new Map(nats.map((n) => [n.id, e.byId(e.inputs(n).subnetId) && e.state(e.byId(e.inputs(n).subnetId)!).availabilityZone]));
            const natRoutes = e.ofType(TYPES.route).filter((r) => e.inputs(r).natGatewayId);
            expect(natRoutes).toHaveLength(3);
            expect(new Set(natRoutes.map((r) => e.inputs(r).natGatewayId)).size).toBe(3);
            for (const route of natRoutes) {
                const table = e.byId(e.inputs(route).routeTableId)!;
                const association = e.ofType("aws:ec2/routeTableAssociation:RouteTableAssociation").find((a) => e.inputs(a).routeTableId === table.id)!;
                const subnetZone = e.state(e.byId(e.inputs(association).subnetId)!).availabilityZone;
                expect(natZone.get(e.inputs(route).natGatewayId)).toBe(subnetZone);
            }
        });

        it("attaches Elastic IPs and the internet-facing ALB only after their VPC's internet gateway", () => {
            const igwOfVpc = new Map(e.ofType("aws:ec2/internetGateway:InternetGateway").map((g) => [e.inputs(g).vpcId, g.urn]));
            const vpcOfSubnet = new Map(e.ofType(TYPES.subnet).map((s) => [s.id, e.inputs(s).vpcId]));
            const hostEips = e.ofType(TYPES.eip).filter((x) => e.inputs(x).instance);
            expect(hostEips).toHaveLength(5); // bastion + 4 relays
            for (const eip of hostEips) {
                const instance = e.byId(e.inputs(eip).instance)!;
                const igw = igwOfVpc.get(vpcOfSubnet.get(e.inputs(instance).subnetId));
                expect({ eip: eip.name, waitsForGateway: eip.dependencies.includes(igw!) }).toEqual({ eip: eip.name, waitsForGateway: true });
            }
            const [alb] = e.ofType(TYPES.alb);
            expect(alb.dependencies).toContain(igwOfVpc.get(vpcOfSubnet.get(e.inputs(alb).subnets[0])));
        });

        it("routes the public subnets to the internet gateway", () => {
            const igwRoutes = e.ofType(TYPES.route).filter((r) => e.inputs(r).gatewayId);
            // primary VPC + one per relay region
            expect(igwRoutes).toHaveLength(4);
            expect(igwRoutes.every((r) => e.inputs(r).destinationCidrBlock === "0.0.0.0/0")).toBe(true);
        });
    });

    describe("controllers", () => {
        const controllers = () => e.ofType(TYPES.instance).filter((i) => e.inputs(i).tags.Component === "controllers");

        it("runs three controllers in three distinct zones, in private subnets, without public addresses", async () => {
            expect(controllers()).toHaveLength(3);
            const zones = await Promise.all(e.footprint.facts.controllers.map((c) => e.resolve(c.zone)));
            expect(new Set(zones.map((z) => z.value)).size).toBe(3);
            for (const c of controllers()) {
                const subnet = e.state(e.byId(e.inputs(c).subnetId)!);
                expect(subnet.tags.Tier).toBe("private");
                expect(e.inputs(c).associatePublicIpAddress).toBeUndefined();
                expect(e.state(c).publicIp).toBe("");
            }
        });

        it("requires IMDSv2 with hop limit 1 and an encrypted gp3 root volume", () => {
            for (const c of controllers()) {
                expect(e.inputs(c).metadataOptions).toMatchObject({ httpTokens: "required", httpPutResponseHopLimit: 1 });
                expect(e.inputs(c).rootBlockDevice).toMatchObject({ volumeType: "gp3", encrypted: true, volumeSize: 100 });
                expect(e.inputs(c).instanceType).toBe("c7i.xlarge");
            }
        });

        it("gives each controller its own hostname through user data", () => {
            const names = controllers().map((c) => /^hostname: (.+)$/m.exec(e.inputs(c).userData)?.[1]).sort();
            expect(names).toEqual(["openzro-controller-1", "openzro-controller-2", "openzro-controller-3"]);
        });

        it("attaches an instance profile whose role has AmazonSSMManagedInstanceCore", () => {
            // The relays' profiles (the metrics agent's role) are theirs; the controllers share one.
            const profiles = e.ofType("aws:iam/instanceProfile:InstanceProfile").filter((p) => e.inputs(p).tags.Component === "controllers");
            expect(profiles).toHaveLength(1);
            for (const c of controllers()) {
                expect(e.inputs(c).iamInstanceProfile).toBe(e.state(profiles[0]).name);
            }
            const attachments = e.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").map((a) => e.inputs(a));
            expect(attachments.map((a) => a.policyArn)).toEqual(["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"]);
            expect(attachments[0].role).toBe(e.inputs(profiles[0]).role);
        });

        it("uses the amd64 Ubuntu 24.04 image and does not replace hosts when a newer image appears", () => {
            for (const c of controllers()) {
                expect(c.options.ignoreChanges).toContain("ami");
                expect(e.inputs(c).ami).toMatch(/^ami-/);
            }
            const euLookups = e.mocks.recorder.invokes.filter((i) => i.token === "aws:ec2/getAmi:getAmi" && i.provider === e.providerFor("eu-central-1"));
            const names = euLookups.map((i) => (i.inputs.filters as { name: string; values: string[] }[]).find((f) => f.name === "name")!.values[0]);
            expect(names).toEqual(["ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*"]);
            expect(euLookups.every((i) => JSON.stringify(i.inputs.owners) === '["099720109477"]')).toBe(true);
        });
    });

    describe("bastion", () => {
        it("is one small instance in a public subnet with its own Elastic IP", () => {
            const bastions = e.ofType(TYPES.instance).filter((i) => e.inputs(i).tags.Component === "bastion");
            expect(bastions).toHaveLength(1);
            const b = bastions[0];
            expect(e.state(e.byId(e.inputs(b).subnetId)!).tags.Tier).toBe("public");
            expect(e.inputs(b).metadataOptions.httpTokens).toBe("required");
            const eips = e.ofType(TYPES.eip).filter((x) => e.inputs(x).instance === b.id);
            expect(eips).toHaveLength(1);
        });
    });

    describe("security groups", () => {
        /** "<group Name tag suffix> <protocol>/<port> <peer>", peers named by their group's key. */
        function ruleSet(type: string): string[] {
            const groupKey = new Map(e.ofType(TYPES.sg).map((g) => [g.id, String(e.inputs(g).tags.Name).replace(/^openzro-production-(relays-[a-z0-9-]+-)?/, "")]));
            return e.ofType(type).map((r) => {
                const i = e.inputs(r);
                const peer = i.referencedSecurityGroupId ? `sg:${groupKey.get(i.referencedSecurityGroupId)}` : i.cidrIpv4 ?? i.cidrIpv6;
                const port = i.ipProtocol === "-1" ? "all" : `${i.ipProtocol}/${i.fromPort}`;
                expect(i.fromPort).toBe(i.toPort);
                return `${groupKey.get(i.securityGroupId)} ${port} ${peer}`;
            }).sort();
        }

        it("admits exactly the documented ingress, one resource per rule", () => {
            const relayIngress = ["tcp/443 0.0.0.0/0", "udp/443 0.0.0.0/0", "udp/3478 0.0.0.0/0", "tcp/22 198.51.100.0/24", "tcp/22 203.0.113.7/32"];
            expect(ruleSet(TYPES.ingress)).toEqual(
                [
                    "alb tcp/80 0.0.0.0/0",
                    "alb tcp/443 0.0.0.0/0",
                    "controllers tcp/80 sg:alb",
                    "controllers tcp/8080 sg:alb",
                    "controllers tcp/22 sg:bastion",
                    "controllers tcp/6222 sg:controllers",
                    "controllers tcp/6223 sg:controllers",
                    "bastion tcp/22 198.51.100.0/24",
                    "bastion tcp/22 203.0.113.7/32",
                    "database tcp/5432 sg:controllers",
                    ...[1, 2, 3].flatMap(() => relayIngress.map((r) => `relay ${r}`)),
                ].sort(),
            );
        });

        it("lets the load balancer out only to the controllers' nginx ports", () => {
            expect(ruleSet(TYPES.egress)).toEqual(
                ["alb tcp/80 sg:controllers", "alb tcp/8080 sg:controllers", "controllers all 0.0.0.0/0", "bastion all 0.0.0.0/0", "relay all 0.0.0.0/0", "relay all 0.0.0.0/0", "relay all 0.0.0.0/0"].sort(),
            );
        });

        it("uses no inline rules on the groups", () => {
            for (const g of e.ofType(TYPES.sg)) {
                expect(e.inputs(g).ingress).toBeUndefined();
                expect(e.inputs(g).egress).toBeUndefined();
            }
        });
    });

    describe("relays", () => {
        const relayInstances = () => e.ofType(TYPES.instance).filter((i) => e.inputs(i).tags.Component === "relays");
        const regionOf: Record<string, string> = { fra: "eu-central-1", use: "us-east-1", use2: "us-east-1", bom: "ap-south-1" };

        it("gives relays with relayTls letsencrypt no credentials but the metrics agent's writes to its log group", () => {
            const profiles = e.ofType("aws:iam/instanceProfile:InstanceProfile");
            const policies = e.ofType("aws:iam/rolePolicy:RolePolicy");
            for (const relay of relayInstances()) {
                const profile = profiles.find((p) => e.state(p).name === e.inputs(relay).iamInstanceProfile)!;
                expect(profile).toBeDefined();
                const role = e.ofType("aws:iam/role:Role").find((r) => e.state(r).name === e.inputs(profile).role)!;
                const own = policies.filter((p) => e.inputs(p).role === role.id).map((p) => JSON.parse(e.inputs(p).policy));
                const actions = own.flatMap((d) => d.Statement.flatMap((s: { Action: string | string[] }) => ([] as string[]).concat(s.Action)));
                expect(actions.sort()).toEqual(["logs:CreateLogStream", "logs:PutLogEvents"]);
                expect(e.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((a) => e.inputs(a).role === e.state(role).name)).toEqual([]);
            }
        });

        it("runs one host per relay, each on its own region's provider", () => {
            expect(relayInstances()).toHaveLength(4);
            for (const relay of settings.relays) {
                const host = relayInstances().filter((i) => e.inputs(i).tags.Name === `openzro-production-relay-${relay.name}`);
                expect(host).toHaveLength(1);
                expect(host[0].provider).toBe(e.providerFor(regionOf[relay.name]));
                expect(e.inputs(host[0]).userData).toContain(`hostname: openzro-relay-${relay.name}\n`);
            }
        });

        it("keeps every relay-region resource on that region's provider, except the global DNS records", () => {
            for (const region of ["us-east-1", "ap-south-1"]) {
                const component = e.ofType("openzro:aws:RelayRegion").find((c) => c.name.endsWith(region))!;
                // AWS resources only: the relays' SSH host keys (@pulumi/tls) belong to no cloud region.
                const descendants = e.all.filter((r) => r.custom && r.type.startsWith("aws:") && e.mocks.recorder.ancestorsOf(r.urn).some((a) => a.urn === component.urn));
                expect(descendants.length).toBeGreaterThan(10);
                for (const r of descendants) {
                    // IAM is global: the relays' roles live with the primary provider, like the DNS records.
                    const global = r.type === TYPES.record || r.type.startsWith("aws:iam/");
                    const expected = global ? e.providerFor("eu-central-1") : e.providerFor(region);
                    expect({ name: r.name, provider: r.provider }).toEqual({ name: r.name, provider: expected });
                }
            }
        });

        it("gives each relay its own Elastic IP and an A record pointing at that address only", async () => {
            const addresses = new Set<string>();
            for (const relay of settings.relays) {
                const host = relayInstances().find((i) => e.inputs(i).tags.Name === `openzro-production-relay-${relay.name}`)!;
                const eips = e.ofType(TYPES.eip).filter((x) => e.inputs(x).instance === host.id);
                expect(eips).toHaveLength(1);
                const ip = e.state(eips[0]).publicIp;
                addresses.add(ip);
                const records = e.ofType(TYPES.record).filter((r) => e.inputs(r).name === `relay-${relay.name}.vpn.example.com`);
                expect(records).toHaveLength(1);
                expect(e.inputs(records[0])).toMatchObject({ type: "A", records: [ip] });
                expect(records[0].provider).toBe(e.providerFor("eu-central-1"));
                const fact = e.footprint.facts.relays.find((r) => r.name === relay.name)!;
                expect((await e.resolve(fact.publicIp)).value).toBe(ip);
                expect((await e.resolve(fact.ssh.host)).value).toBe(ip);
            }
            expect(addresses.size).toBe(4);
        });

        it("uses arm64 images for Graviton relays and amd64 for the others, looked up in each relay's region", () => {
            const lookups = e.mocks.recorder.invokes.filter((i) => i.token === "aws:ec2/getAmi:getAmi");
            const archIn = (region: string) =>
                lookups
                    .filter((i) => i.provider === e.providerFor(region))
                    .map((i) => (i.inputs.filters as { name: string; values: string[] }[]).find((f) => f.name === "architecture")!.values[0])
                    .sort();
            expect(archIn("us-east-1")).toEqual(["arm64", "x86_64"]);
            expect(archIn("ap-south-1")).toEqual(["arm64"]);
            expect(archIn("eu-central-1")).toEqual(["x86_64"]);
        });

        it("builds a small VPC per relay region, carved from the relay pool, with the relay security group", () => {
            const relayVpcs = e.ofType(TYPES.vpc).filter((v) => e.inputs(v).tags.Component === "relays");
            expect(relayVpcs.map((v) => e.inputs(v).cidrBlock).sort()).toEqual(["10.200.0.0/20", "10.200.16.0/20", "10.200.32.0/20"]);
            expect(new Set(relayVpcs.map((v) => v.provider)).size).toBe(3);
        });

        it("puts each region's key pair in that region", () => {
            const pairs = e.ofType(TYPES.keyPair);
            expect(pairs.map((p) => p.provider).sort()).toEqual(["ap-south-1", "eu-central-1", "us-east-1"].map((r) => e.providerFor(r)).sort());
        });
    });

    describe("metrics agent", () => {
        const groupArn = "arn:aws:logs:eu-central-1:123456789012:log-group:/openzro/production/metrics";

        it("creates one log group in the primary region, with a retention, and hands it to the hosts", () => {
            const groups = e.ofType("aws:cloudwatch/logGroup:LogGroup").filter((g) => e.inputs(g).name === e.footprint.facts.metricsAgent?.logGroupName);
            expect(groups).toHaveLength(1);
            expect(groups[0].provider).toBe(e.providerFor("eu-central-1"));
            // Never kept forever (0/absent), and short: the metrics themselves live in CloudWatch for 15 months.
            expect(e.inputs(groups[0]).retentionInDays).toBeGreaterThan(0);
            expect(e.inputs(groups[0]).retentionInDays).toBeLessThanOrEqual(30);
            expect(e.footprint.facts.metricsAgent).toMatchObject({ kind: "cloudwatch", region: "eu-central-1", namespace: "openZro/production" });
        });

        it("lets every host's instance role write to that log group and nothing else", () => {
            const profiles = e.ofType("aws:iam/instanceProfile:InstanceProfile");
            const roles = e.ofType("aws:iam/role:Role");
            const hosts = e.ofType(TYPES.instance).filter((i) => ["controllers", "relays"].includes(e.inputs(i).tags.Component));
            expect(hosts).toHaveLength(7);
            for (const host of hosts) {
                const profile = profiles.find((p) => e.state(p).name === e.inputs(host).iamInstanceProfile)!;
                const role = roles.find((r) => e.state(r).name === e.inputs(profile).role)!;
                const statements = e
                    .ofType("aws:iam/rolePolicy:RolePolicy")
                    .filter((p) => e.inputs(p).role === role.id)
                    .flatMap((p) => JSON.parse(e.inputs(p).policy).Statement as { Action: string[]; Resource: string[] }[])
                    .filter((st) => st.Action.some((a) => a.startsWith("logs:")));
                expect(statements).toHaveLength(1);
                expect(statements[0].Action.sort()).toEqual(["logs:CreateLogStream", "logs:PutLogEvents"]);
                // The mock's ARN for the group (region/account of the mocks); the document names it and its streams only.
                expect(statements[0].Resource.every((r) => r.replace(/arn:aws:logs:[^:]+:\d+:/, "arn:aws:logs:eu-central-1:123456789012:").startsWith(groupArn))).toBe(true);
            }
        });

        it("opens no metrics port: every scrape target is reachable on the host's loopback only", () => {
            const ports = [...scrapeTargets("controller"), ...scrapeTargets("relay")].map((t) => t.port);
            for (const rule of e.ofType(TYPES.ingress).map((r) => e.inputs(r))) {
                const all = rule.ipProtocol === "-1";
                for (const port of ports) {
                    expect({ rule: `${rule.ipProtocol}/${rule.fromPort}-${rule.toPort}`, port, covers: all || (rule.fromPort <= port && port <= rule.toPort) }).toMatchObject({ covers: false });
                }
            }
        });
    });

    describe("database", () => {
        const rds = () => {
            const all = e.ofType(TYPES.rds);
            expect(all).toHaveLength(1);
            return all[0];
        };

        it("is private, encrypted, Multi-AZ PostgreSQL 16 on gp3 with autoscaling storage", () => {
            expect(e.inputs(rds())).toMatchObject({
                engine: "postgres",
                engineVersion: "16",
                instanceClass: "db.m7g.xlarge",
                publiclyAccessible: false,
                storageEncrypted: true,
                storageType: "gp3",
                allocatedStorage: 100,
                maxAllocatedStorage: 500,
                multiAz: true,
                backupRetentionPeriod: 14,
                performanceInsightsEnabled: true,
                copyTagsToSnapshot: true,
                dbName: "openzro",
                username: "openzro",
            });
        });

        it("forces TLS through a postgres16 parameter group", () => {
            const groups = e.ofType(TYPES.paramGroup);
            expect(groups).toHaveLength(1);
            expect(e.inputs(groups[0]).family).toBe("postgres16");
            expect(e.inputs(groups[0]).parameters).toEqual([expect.objectContaining({ name: "rds.force_ssl", value: "1" })]);
            expect(e.inputs(rds()).parameterGroupName).toBe(e.state(groups[0]).name);
        });

        it("lives in the private subnets and admits only the controllers' group", () => {
            const privateIds = e.ofType(TYPES.subnet).filter((s) => e.inputs(s).tags.Tier === "private").map((s) => s.id).sort();
            const subnetGroup = e.ofType(TYPES.subnetGroup)[0];
            expect([...e.inputs(subnetGroup).subnetIds].sort()).toEqual(privateIds);
            const [dbGroup] = e.inputs(rds()).vpcSecurityGroupIds;
            const rules = e.ofType(TYPES.ingress).filter((r) => e.inputs(r).securityGroupId === dbGroup).map((r) => e.inputs(r));
            const controllersGroup = e.ofType(TYPES.sg).find((g) => e.inputs(g).tags.Name === "openzro-production-controllers")!.id;
            expect(rules).toEqual([expect.objectContaining({ fromPort: 5432, toPort: 5432, ipProtocol: "tcp", referencedSecurityGroupId: controllersGroup })]);
        });

        it("is protected: deletion protection, a stable final snapshot name, and protect", () => {
            expect(e.inputs(rds())).toMatchObject({ deletionProtection: true, skipFinalSnapshot: false, finalSnapshotIdentifier: "openzro-production-final" });
            expect(rds().options.protect).toBe(true);
        });

        it("keeps the master password secret end to end", async () => {
            expect(isSecretWrapper(rds().inputs.password)).toBe(true);
            const password = await e.resolve(e.footprint.facts.database.password);
            expect(password.secret).toBe(true);
            expect(password.value).toBe(e.inputs(rds()).password);
            expect(password.value).not.toMatch(/[/@" ]/);
        });

        it("hands the host layer the endpoint, the main database and what to wait for", async () => {
            const db = e.footprint.facts.database;
            expect((await e.resolve(db.host)).value).toBe(e.state(rds()).address);
            expect((await e.resolve(db.port)).value).toBe(5432);
            expect(db.user).toBe("openzro");
            expect(db.mainDatabase).toBe("openzro");
            const waitFor = await Promise.all(db.dependsOn.map((r) => e.resolve(r.urn)));
            expect(waitFor.map((u) => u.value)).toContain(rds().urn);
        });
    });

    describe("certificate, DNS and load balancer", () => {
        it("validates an ACM certificate for the domain through a record in the looked-up zone", () => {
            const [cert] = e.ofType(TYPES.cert);
            expect(e.inputs(cert)).toMatchObject({ domainName: "vpn.example.com", validationMethod: "DNS" });
            const option = e.state(cert).domainValidationOptions[0];
            const validationRecords = e.ofType(TYPES.record).filter((r) => e.inputs(r).name === option.resourceRecordName);
            expect(validationRecords).toHaveLength(1);
            expect(e.inputs(validationRecords[0])).toMatchObject({ type: option.resourceRecordType, records: [option.resourceRecordValue] });
            const [validation] = e.ofType(TYPES.certValidation);
            expect(e.inputs(validation).validationRecordFqdns).toEqual([e.state(validationRecords[0]).fqdn]);
            const zoneLookups = e.mocks.recorder.invokes.filter((i) => i.token === "aws:route53/getZone:getZone");
            expect(zoneLookups.map((i) => i.inputs.name)).toEqual(["example.com"]);
        });

        it("runs an internet-facing ALB in the public subnets with HTTP/2, header hygiene and a long idle timeout", () => {
            const [alb] = e.ofType(TYPES.alb);
            const publicIds = e.ofType(TYPES.subnet).filter((s) => e.inputs(s).tags.Tier === "public" && e.inputs(s).tags.Component === "network").map((s) => s.id).sort();
            expect(e.inputs(alb)).toMatchObject({ internal: false, loadBalancerType: "application", enableHttp2: true, dropInvalidHeaderFields: true, idleTimeout: 3600 });
            // Long-lived gRPC streams: the connection lifetime must exceed a day-long stream, not the 1 h default.
            expect(e.inputs(alb).clientKeepAlive).toBeGreaterThanOrEqual(86400);
            expect([...e.inputs(alb).subnets].sort()).toEqual(publicIds);
        });

        it("has target groups for nginx HTTP, management gRPC and signal gRPC with meaningful health checks", () => {
            const groups = e.ofType(TYPES.tg).map((t) => e.inputs(t));
            const summary = groups.map((g) => `${g.port} ${g.protocol} ${g.protocolVersion} ${g.healthCheck.path} ${g.healthCheck.matcher}`).sort();
            expect(summary).toEqual(
                [
                    "80 HTTP HTTP1 /healthz 200",
                    "8080 HTTP GRPC /management.ManagementService/isHealthy 0",
                    "8080 HTTP GRPC /signalexchange.SignalExchange/Healthz 12",
                ].sort(),
            );
            for (const g of groups) {
                expect(g).toMatchObject({ targetType: "instance", deregistrationDelay: 30 });
                expect(g.healthCheck).toMatchObject({ interval: 10, healthyThreshold: 2, unhealthyThreshold: 2 });
                expect(g.healthCheck.timeout).toBeLessThan(g.healthCheck.interval);
            }
        });

        it("registers every controller in every target group on the group's port", () => {
            const controllerIds = e.ofType(TYPES.instance).filter((i) => e.inputs(i).tags.Component === "controllers").map((i) => i.id).sort();
            for (const tg of e.ofType(TYPES.tg)) {
                const attached = e.ofType(TYPES.attachment).map((a) => e.inputs(a)).filter((a) => a.targetGroupArn === e.state(tg).arn);
                expect(attached.map((a) => a.targetId).sort()).toEqual(controllerIds);
                expect(attached.every((a) => a.port === e.inputs(tg).port)).toBe(true);
            }
            expect(e.ofType(TYPES.attachment)).toHaveLength(9);
        });

        it("redirects HTTP to HTTPS and serves HTTPS with the validated certificate and the configured policy", () => {
            const listeners = e.ofType(TYPES.listener).map((l) => e.inputs(l));
            const http = listeners.find((l) => l.port === 80)!;
            expect(http.defaultActions).toEqual([expect.objectContaining({ type: "redirect", redirect: expect.objectContaining({ protocol: "HTTPS", port: "443", statusCode: "HTTP_301" }) })]);
            const https = listeners.find((l) => l.port === 443)!;
            const [validation] = e.ofType(TYPES.certValidation);
            expect(https).toMatchObject({ protocol: "HTTPS", sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06", certificateArn: e.state(validation).certificateArn });
            const httpGroup = e.ofType(TYPES.tg).find((t) => e.inputs(t).protocolVersion === "HTTP1")!;
            expect(https.defaultActions).toEqual([expect.objectContaining({ type: "forward", targetGroupArn: e.state(httpGroup).arn })]);
        });

        it("routes gRPC paths to the gRPC target groups", () => {
            const tgByArn = new Map(e.ofType(TYPES.tg).map((t) => [e.state(t).arn, e.inputs(t).healthCheck.path]));
            const routes = e.ofType(TYPES.rule).flatMap((r) => {
                const i = e.inputs(r);
                return i.conditions[0].pathPattern.values.map((p: string) => `${p} -> ${tgByArn.get(i.actions[0].targetGroupArn)}`);
            });
            expect(routes.sort()).toEqual(
                [
                    "/management.ManagementService/* -> /management.ManagementService/isHealthy",
                    "/flow.FlowService/* -> /management.ManagementService/isHealthy",
                    "/signalexchange.SignalExchange/* -> /signalexchange.SignalExchange/Healthz",
                ].sort(),
            );
        });

        it("points the domain at the ALB with an alias record", () => {
            const [alb] = e.ofType(TYPES.alb);
            const records = e.ofType(TYPES.record).filter((r) => e.inputs(r).name === "vpn.example.com");
            expect(records).toHaveLength(1);
            expect(e.inputs(records[0])).toMatchObject({ type: "A", aliases: [expect.objectContaining({ name: e.state(alb).dnsName, zoneId: e.state(alb).zoneId })] });
        });
    });

    describe("hand-over facts and outputs", () => {
        it("describes each controller with its private address and an SSH route through the bastion", async () => {
            const bastionIp = (await e.resolve(e.footprint.outputs.bastionAddress)).value;
            const [bastionEip] = e.ofType(TYPES.eip).filter((x) => e.inputs(x).tags.Component === "bastion");
            expect(bastionIp).toBe(e.state(bastionEip).publicIp);
            const facts = e.footprint.facts.controllers;
            expect(facts.map((c) => [c.index, c.name, c.hostname])).toEqual([
                [0, "controller-1", "openzro-controller-1"],
                [1, "controller-2", "openzro-controller-2"],
                [2, "controller-3", "openzro-controller-3"],
            ]);
            for (const c of facts) {
                const ip = (await e.resolve(c.privateIp)).value;
                expect((await e.resolve(c.ssh.host)).value).toBe(ip);
                expect((await e.resolve(c.ssh.proxy!.host)).value).toBe(bastionIp);
                expect(c.ssh.user).toBe("ubuntu");
                expect((await e.resolve(c.ssh.privateKey)).secret).toBe(true);
                expect((await e.resolve(c.instance.urn)).value).toMatch(/controller/);
            }
        });

        it("lists relays in configuration order with their own DNS names", () => {
            expect(e.footprint.facts.relays.map((r) => [r.name, r.region, r.dnsName])).toEqual([
                ["fra", "eu-central-1", "relay-fra.vpn.example.com"],
                ["use", "us-east-1", "relay-use.vpn.example.com"],
                ["use2", "us-east-1", "relay-use2.vpn.example.com"],
                ["bom", "ap-south-1", "relay-bom.vpn.example.com"],
            ]);
        });

        it("gives the load balancer's public subnets (never 0.0.0.0/0) as proxy sources", () => {
            expect(e.footprint.facts.loadBalancer).toEqual({
                proxyCidrs: ["10.40.192.0/20", "10.40.208.0/20", "10.40.224.0/20"],
                healthCheckIntervalSeconds: 10,
                healthyThreshold: 2,
                unhealthyThreshold: 2,
                deregistrationDelaySeconds: 30,
            });
        });

        it("exports URLs, relay addresses, addresses and a secret SSH key", async () => {
            const o = e.footprint.outputs;
            expect((await e.resolve(o.dashboardUrl)).value).toBe("https://vpn.example.com");
            expect((await e.resolve(o.managementEndpoint)).value).toBe("https://vpn.example.com:443");
            expect((await e.resolve(o.relayAddresses)).value).toEqual([
                "rels://relay-fra.vpn.example.com:443",
                "rels://relay-use.vpn.example.com:443",
                "rels://relay-use2.vpn.example.com:443",
                "rels://relay-bom.vpn.example.com:443",
            ]);
            const ips = (await e.resolve(o.controllerPrivateIps)).value;
            expect(new Set(ips).size).toBe(3);
            expect(ips.every((ip) => ip.startsWith("10.40."))).toBe(true);
            expect((await e.resolve(o.databaseEndpoint)).value).toMatch(/\.rds\.amazonaws\.com:5432$/);
            expect((await e.resolve(o.certificateArn)).value).toMatch(/^arn:aws:acm:eu-central-1:/);
            const key = await e.resolve(o.sshPrivateKey);
            expect(key.secret).toBe(true);
            expect(key.value).toContain("OPENSSH PRIVATE KEY");
        });

        it("generates an ED25519 key and registers its public half in every region", async () => {
            // The login key; the other tls keys are the hosts' own SSH host keys (one per instance).
            const keys = e.ofType(TYPES.tlsKey).filter((k) => !k.name.endsWith("-host-key"));
            expect(keys.map((k) => e.inputs(k).algorithm)).toEqual(["ED25519"]);
            const publicKey = e.state(keys[0]).publicKeyOpenssh;
            expect(e.ofType(TYPES.keyPair).map((p) => e.inputs(p).publicKey)).toEqual([publicKey, publicKey, publicKey]);
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

/** Removes secret wrappers (what remains is what would be stored in plain text). */
function stripSecrets(x: unknown): unknown {
    if (isSecretWrapper(x)) {
        return "[secret]";
    }
    if (Array.isArray(x)) {
        return x.map(stripSecrets);
    }
    if (x && typeof x === "object") {
        return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, stripSecrets(v)]));
    }
    return x;
}

describe("AWS footprint, staging shape (1 controller, relaxed data protection)", () => {
    let e: Evaluation;

    beforeAll(async () => {
        e = await evaluate(awsStagingSettings(), "staging");
    }, 300_000);

    it("lets the database go without a snapshot and without protection", () => {
        const [rds] = e.ofType(TYPES.rds);
        expect(e.inputs(rds)).toMatchObject({ deletionProtection: false, skipFinalSnapshot: true, multiAz: false, performanceInsightsEnabled: false });
        expect(e.inputs(rds).finalSnapshotIdentifier).toBeUndefined();
        expect(rds.options.protect).toBe(false);
    });

    it("shares one NAT gateway across two zones", () => {
        expect(e.ofType(TYPES.nat)).toHaveLength(1);
        const natRoutes = e.ofType(TYPES.route).filter((r) => e.inputs(r).natGatewayId);
        expect(natRoutes).toHaveLength(2);
        expect(new Set(natRoutes.map((r) => e.inputs(r).natGatewayId)).size).toBe(1);
        expect(e.ofType(TYPES.subnet).filter((s) => e.inputs(s).tags.Component === "network")).toHaveLength(4);
    });

    it("runs one controller registered once per target group and opens no peer ports", () => {
        expect(e.ofType(TYPES.instance).filter((i) => e.inputs(i).tags.Component === "controllers")).toHaveLength(1);
        expect(e.ofType(TYPES.attachment)).toHaveLength(3);
        const peerRules = e.ofType(TYPES.ingress).filter((r) => [6222, 6223, 6379].includes(e.inputs(r).fromPort));
        expect(peerRules).toEqual([]);
    });

    it("needs only the primary region's provider when every relay is there, plus us-east-1 for Route 53 health-check alarms", () => {
        const providers = e.ofType("pulumi:providers:aws");
        expect(providers.map((p) => e.inputs(p).region)).toEqual(["eu-central-1", "us-east-1"]);
        const metrics = providers.find((p) => e.inputs(p).region === "us-east-1")!;
        expect(e.all.find((r) => r.urn === metrics.parent)?.type).toBe("openzro:aws:Alarms");
        expect(e.ofType(TYPES.keyPair)).toHaveLength(1);
    });
});

describe("AWS footprint with a configured SSH key", () => {
    const privateKey = "-----BEGIN OPENSSH PRIVATE KEY-----\nconfigured-fixture\n-----END OPENSSH PRIVATE KEY-----\n";
    let e: Evaluation;

    beforeAll(async () => {
        e = await evaluate(withConfiguredKey(awsStagingSettings(), privateKey), "staging");
    }, 300_000);

    it("registers the configured public key and generates no login key (only the hosts' own host keys)", () => {
        expect(e.ofType(TYPES.tlsKey).filter((k) => !k.name.endsWith("-host-key"))).toEqual([]);
        expect(e.ofType(TYPES.keyPair).map((p) => e.inputs(p).publicKey)).toEqual(["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFixtureKey operator"]);
    });

    it("exports and hands over the configured private key as a secret", async () => {
        const exported = await e.resolve(e.footprint.outputs.sshPrivateKey);
        expect(exported).toEqual({ value: privateKey, secret: true });
        const route = e.footprint.facts.controllers[0].ssh;
        expect(await e.resolve(route.proxy!.privateKey)).toEqual({ value: privateKey, secret: true });
    });
});

describe("AWS footprint with relayTls route53", () => {
    let e: Evaluation;
    const base = awsStagingSettings();

    beforeAll(async () => {
        e = await evaluate({ ...base, relay: { ...base.relay, tls: "route53" } }, "staging");
    });

    it("gives each relay its own instance profile that may write only its own _acme-challenge TXT record", () => {
        const relays = e.ofType(TYPES.instance).filter((i) => e.inputs(i).tags.Component === "relays");
        expect(relays.length).toBe(base.relays.length);
        const policies = e.ofType("aws:iam/rolePolicy:RolePolicy").map((p) => JSON.parse(e.inputs(p).policy));
        for (const [i, relay] of base.relays.entries()) {
            const instance = relays.find((r) => String(e.inputs(r).tags.Name).endsWith(`-relay-${relay.name}`))!;
            const profile = e.ofType("aws:iam/instanceProfile:InstanceProfile").find((p) => e.state(p).name === e.inputs(instance).iamInstanceProfile)!;
            expect(profile).toBeDefined();
            const mine = policies.filter((p) => p.Statement[0].Condition?.["ForAllValues:StringEquals"]?.["route53:ChangeResourceRecordSetsNormalizedRecordNames"]?.[0] === `_acme-challenge.relay-${relay.name}.${base.domain}`);
            expect([i, mine.length]).toEqual([i, 1]);
            expect(mine[0].Statement[0].Condition["ForAllValues:StringEquals"]["route53:ChangeResourceRecordSetsRecordTypes"]).toEqual(["TXT"]);
        }
    });
});

describe("AWS footprint input errors", () => {
    it.each([
        ["an unknown relay instance type", awsTestSettings({ relays: [{ name: "fra", region: "eu-central-1", instanceType: "huge" }] }), /^relays\[fra\]\.instanceType: .*got "huge"/],
        ["an unparsable database version", awsTestSettings({ database: { engineVersion: "sixteen" } }), /^database\.engineVersion: .*got "sixteen"/],
    ])("rejects %s with a one-line message naming the key, before registering anything", (_what, settings, message) => {
        expect(() => new AwsFootprint("openzro", { settings })).toThrow(message);
    });
});
