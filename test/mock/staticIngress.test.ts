// staticIngress: a Network Load Balancer with one Elastic IP per zone in front of the ALB, so the control plane has
// fixed public addresses; the ALB keeps terminating TLS and routing gRPC.
import { AwsFootprint } from "../../components/aws/footprint";
import { RecordedResource, resolveInput, runComponent, unwrapSecrets } from "../support";
import { awsTestSettings } from "./awsFixtures";

const T = {
    lb: "aws:lb/loadBalancer:LoadBalancer",
    tg: "aws:lb/targetGroup:TargetGroup",
    attachment: "aws:lb/targetGroupAttachment:TargetGroupAttachment",
    listener: "aws:lb/listener:Listener",
    eip: "aws:ec2/eip:Eip",
    record: "aws:route53/record:Record",
    subnet: "aws:ec2/subnet:Subnet",
    igw: "aws:ec2/internetGateway:InternetGateway",
} as const;

describe("static ingress addresses", () => {
    const settings = awsTestSettings({ loadBalancer: { staticIngress: true } });
    let run: Awaited<ReturnType<typeof runComponent<AwsFootprint>>>;
    let addresses: string[];
    const inputs = (r: RecordedResource) => unwrapSecrets<Record<string, any>>(r.inputs);
    const state = (r: RecordedResource) => unwrapSecrets<Record<string, any>>(r.state);
    const byId = (id: unknown) => run.resources.find((r) => r.id === unwrapSecrets(id));

    beforeAll(async () => {
        run = await runComponent(() => new AwsFootprint("openzro", { settings }), { project: "openzro", stack: "production", defaultRegion: "sa-east-1" });
        addresses = (await resolveInput(run.result.outputs.ingressAddresses)).value;
    }, 300_000);

    const nlb = () => run.ofType(T.lb).filter((r) => inputs(r).loadBalancerType === "network");
    const alb = () => run.ofType(T.lb).filter((r) => inputs(r).loadBalancerType === "application");

    it("puts one internet-facing NLB in the public subnets, one Elastic IP per zone, after the internet gateway", () => {
        expect(nlb()).toHaveLength(1);
        expect(alb()).toHaveLength(1);
        const n = nlb()[0];
        expect(inputs(n).internal).toBe(false);
        const mappings = inputs(n).subnetMappings as { subnetId: string; allocationId: string }[];
        expect(mappings).toHaveLength(settings.network.azCount);
        const zones = new Set<string>();
        for (const m of mappings) {
            const subnet = byId(m.subnetId)!;
            expect(state(subnet).tags.Tier).toBe("public");
            zones.add(state(subnet).availabilityZone);
            const eip = byId(m.allocationId)!;
            expect(eip.type).toBe(T.eip);
            expect(inputs(eip).instance).toBeUndefined();
            expect(eip.dependencies.some((d) => run.resources.find((r) => r.urn === d)?.type === T.igw)).toBe(true);
        }
        expect(zones.size).toBe(settings.network.azCount);
    });

    it("forwards TCP 443 and 80 to the ALB (target type alb), registered only after the ALB listens on that port", () => {
        const nlbArn = state(nlb()[0]).arn;
        const albArn = state(alb()[0]).arn;
        const nlbListeners = run.ofType(T.listener).filter((l) => inputs(l).loadBalancerArn === nlbArn);
        expect(nlbListeners.map((l) => [inputs(l).port, inputs(l).protocol]).sort()).toEqual([[443, "TCP"], [80, "TCP"]]);
        for (const listener of nlbListeners) {
            const port = inputs(listener).port;
            const group = run.ofType(T.tg).find((g) => state(g).arn === inputs(listener).defaultActions[0].targetGroupArn)!;
            expect(inputs(group)).toMatchObject({ targetType: "alb", protocol: "TCP", port });
            expect(inputs(group).healthCheck).toMatchObject({ protocol: port === 443 ? "HTTPS" : "HTTP", path: "/healthz" });
            const attachments = run.ofType(T.attachment).filter((a) => inputs(a).targetGroupArn === state(group).arn);
            expect(attachments).toHaveLength(1);
            expect(inputs(attachments[0])).toMatchObject({ targetId: albArn, port });
            const albListener = run.ofType(T.listener).find((l) => inputs(l).loadBalancerArn === albArn && inputs(l).port === port)!;
            expect(attachments[0].dependencies).toContain(albListener.urn);
        }
    });

    it("keeps the ALB as the L7 router: HTTPS with the certificate, gRPC rules, idle timeout unchanged", () => {
        const a = alb()[0];
        expect(inputs(a).idleTimeout).toBe(settings.loadBalancer.idleTimeoutSeconds);
        const albArn = state(a).arn;
        const https = run.ofType(T.listener).find((l) => inputs(l).loadBalancerArn === albArn && inputs(l).port === 443)!;
        expect(inputs(https).protocol).toBe("HTTPS");
        expect(run.ofType("aws:lb/listenerRule:ListenerRule").length).toBeGreaterThanOrEqual(2);
    });

    it("points the domain at the NLB and lists the fixed addresses as an output", () => {
        const domain = run.ofType(T.record).filter((r) => inputs(r).name === settings.domain);
        expect(domain).toHaveLength(1);
        expect(inputs(domain[0]).aliases).toEqual([{ name: state(nlb()[0]).dnsName, zoneId: state(nlb()[0]).zoneId, evaluateTargetHealth: true }]);
        const eips = (inputs(nlb()[0]).subnetMappings as { allocationId: string }[]).map((m) => state(byId(m.allocationId)!).publicIp);
        expect(addresses).toEqual(eips);
        expect(new Set(addresses).size).toBe(settings.network.azCount);
    });
});
