// Self-test of the plan mocks and the test harness other suites build on: plausible, region-aware, deterministic
// values; recorded parents, providers and dependencies; secrets kept secret.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as random from "@pulumi/random";
import * as tls from "@pulumi/tls";
import { cidrContains } from "../../scripts/plan/ipv4";
import { containsSecret, redactSecrets, runComponent, unwrapSecrets, valueOf, isSecretOutput } from "../support";

class Sample extends pulumi.ComponentResource {
    readonly password: pulumi.Output<string>;
    readonly relayIps: pulumi.Output<string>[];
    readonly version: pulumi.Output<string>;
    readonly dbEndpoint: pulumi.Output<string>;
    readonly validation: aws.acm.Certificate["domainValidationOptions"];

    constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
        super("openzro:test:Sample", name, {}, opts);
        const eu = new aws.Provider("eu-west-1", { region: "eu-west-1" }, { parent: this });
        const zones = aws.getAvailabilityZonesOutput({}, { parent: this, provider: eu });
        const vpc = new aws.ec2.Vpc("vpc", { cidrBlock: "10.20.0.0/16" }, { parent: this, provider: eu });
        const subnets = [0, 1].map((i) => new aws.ec2.Subnet(`private-${i}`, {
            vpcId: vpc.id, cidrBlock: `10.20.${i}.0/24`, availabilityZone: zones.names[i],
        }, { parent: this, provider: eu }));
        const password = new random.RandomPassword("db", { length: 24, special: false }, { parent: this });
        const key = new tls.PrivateKey("ssh", { algorithm: "ED25519" }, { parent: this });
        const instances = subnets.map((s, i) => new aws.ec2.Instance(`controller-${i + 1}`, {
            ami: "ami-0123456789abcdef0", instanceType: "t3.small", subnetId: s.id, userData: password.result,
        }, { parent: this, provider: eu, dependsOn: [key] }));
        this.relayIps = instances.map((inst, i) => new aws.ec2.Eip(`relay-${i}`, { instance: inst.id }, { parent: this, provider: eu }).publicIp);
        const db = new aws.rds.Instance("db", {
            instanceClass: "db.t4g.medium", engine: "postgres", allocatedStorage: 20, multiAz: true,
            username: "openzro", password: password.result,
        }, { parent: this, protect: true });
        const cert = new aws.acm.Certificate("cert", { domainName: "openzro.example.com", validationMethod: "DNS" }, { parent: this });
        this.validation = cert.domainValidationOptions;
        this.dbEndpoint = db.endpoint;
        this.password = password.result;
        this.version = new pulumi.StackReference("acme/openzro/staging", {}, { parent: this }).requireOutput("openzroVersion").apply(String);
        aws.ec2.getAmiOutput({ owners: ["099720109477"], mostRecent: true, filters: [{ name: "architecture", values: ["arm64"] }] }, { parent: this });
        this.registerOutputs({});
    }
}

const stackOutputsOf = { "acme/openzro/staging": { openzroVersion: "0.53.1" } };

describe("plan mocks", () => {
    let run: Awaited<ReturnType<typeof runComponent<Sample>>>;
    beforeAll(async () => {
        run = await runComponent(() => new Sample("sample"), { defaultRegion: "us-east-1", stackOutputsOf });
    });

    it("records parent, provider and dependencies from the monitor requests", () => {
        const component = run.one("openzro:test:Sample");
        const instance = run.one("aws:ec2/instance:Instance", "controller-1");
        const subnet = run.one("aws:ec2/subnet:Subnet", "private-0");
        const key = run.one("tls:index/privateKey:PrivateKey");
        const provider = run.one("pulumi:providers:aws", "eu-west-1");
        expect(component.parent).toBeNull();
        expect(instance.parent).toBe(component.urn);
        expect(instance.provider).toBe(provider.urn);
        // Output-derived (subnet id, password) and explicit (dependsOn key) dependencies.
        expect(instance.dependencies).toEqual(expect.arrayContaining([subnet.urn, key.urn, run.one("random:index/randomPassword:RandomPassword").urn]));
        expect(instance.propertyDependencies.subnetId).toEqual([subnet.urn]);
        expect(run.one("aws:rds/instance:Instance").options.protect).toBe(true);
        for (const r of run.resources) {
            for (const ref of [r.parent, r.provider, ...r.dependencies].filter((u): u is string => !!u)) {
                expect(run.mocks.recorder.byUrn(ref)).toBeDefined();
            }
        }
    });

    it.each([
        ["controller-1", "private-0"],
        ["controller-2", "private-1"],
    ])("puts %s inside %s: address, zone and region agree", (instanceName, subnetName) => {
        const instance = run.one("aws:ec2/instance:Instance", instanceName);
        const subnet = run.one("aws:ec2/subnet:Subnet", subnetName);
        expect(cidrContains(subnet.inputs.cidrBlock as string, instance.state.privateIp as string)).toBe(true);
        expect(instance.state.availabilityZone).toBe(subnet.inputs.availabilityZone);
        expect(subnet.inputs.availabilityZone).toMatch(/^eu-west-1[ab]$/);
        expect(run.regionOf(instance)).toBe("eu-west-1");
        expect(instance.state.arn).toMatch(/^arn:aws:ec2:eu-west-1:\d{12}:instance\/i-[0-9a-f]{17}$/);
        expect(instance.id).toMatch(/^i-[0-9a-f]{17}$/);
    });

    it("gives every Elastic IP its own documentation-range address", async () => {
        const ips = await Promise.all(run.result.relayIps.map(valueOf));
        expect(new Set(ips).size).toBe(ips.length);
        for (const ip of ips) {
            expect(ip).toMatch(/^(203\.0\.113|198\.51\.100|192\.0\.2)\.\d+$/);
        }
    });

    it("answers RDS, ACM, AMI and stack references plausibly", async () => {
        expect(await valueOf(run.result.dbEndpoint)).toMatch(/^db-[0-9a-f]{7}\.c9abcdefghij\.us-east-1\.rds\.amazonaws\.com:5432$/);
        const [dvo] = await valueOf(run.result.validation);
        expect(dvo).toMatchObject({ domainName: "openzro.example.com", resourceRecordType: "CNAME" });
        expect(dvo.resourceRecordName).toMatch(/^_[0-9a-f]{32}\.openzro\.example\.com\.$/);
        expect(dvo.resourceRecordValue).toMatch(/\.acm-validations\.aws\.$/);
        expect(await valueOf(run.result.version)).toBe("0.53.1");
        // One lookup in the program, one recorded invoke.
        const amis = run.mocks.recorder.invokes.filter((i) => i.token === "aws:ec2/getAmi:getAmi");
        expect(amis).toHaveLength(1);
        expect(amis[0].inputs.owners).toEqual(["099720109477"]);
        expect(run.mocks.recorder.unmockedInvokes.size).toBe(0);
    });

    it("keeps generated secrets secret and offers unwrap/redact", async () => {
        expect(await isSecretOutput(run.result.password)).toBe(true);
        const password = await valueOf(run.result.password);
        expect(password).toMatch(/^[A-Za-z0-9]{24}$/);
        expect(run.secretValues).toContain(password);
        expect(run.secretValues.some((s) => s.startsWith("-----BEGIN OPENSSH PRIVATE KEY-----"))).toBe(true);
        const db = run.one("aws:rds/instance:Instance");
        expect(containsSecret(db.inputs)).toBe(true);
        expect(unwrapSecrets<{ password: string }>(db.inputs).password).toBe(password);
        expect(JSON.stringify(redactSecrets(run.resources.map((r) => [r.inputs, r.state])))).not.toContain(password);
    });

    it("is deterministic: a second run records byte-identical resources", async () => {
        const again = await runComponent(() => new Sample("sample"), { defaultRegion: "us-east-1", stackOutputsOf });
        expect(JSON.stringify(again.resources)).toBe(JSON.stringify(run.resources));
    });
});
