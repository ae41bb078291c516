// Alarms under the mock runtime, from the whole AWS footprint: which metric, namespace, dimensions, threshold and
// action each alarm has, that each notifies a topic in its own region, and the relays' Route 53 health checks.
import { AwsFootprint } from "../../components/aws/footprint";
import type { Settings } from "../../components/config/types";
import { RecordedResource, resolveInput, runComponent, unwrapSecrets } from "../support";
import { awsTestSettings } from "./awsFixtures";

const T = {
    alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    topic: "aws:sns/topic:Topic",
    subscription: "aws:sns/topicSubscription:TopicSubscription",
    healthCheck: "aws:route53/healthCheck:HealthCheck",
    instance: "aws:ec2/instance:Instance",
    eip: "aws:ec2/eip:Eip",
    tg: "aws:lb/targetGroup:TargetGroup",
    alb: "aws:lb/loadBalancer:LoadBalancer",
    rds: "aws:rds/instance:Instance",
    nat: "aws:ec2/natGateway:NatGateway",
} as const;

async function evaluate(settings: Settings) {
    const run = await runComponent(
        async () => {
            const footprint = new AwsFootprint("openzro", { settings });
            await Promise.all(Object.values(footprint.outputs).map((o) => resolveInput(o)));
            return footprint;
        },
        { project: "openzro", stack: "production", defaultRegion: "sa-east-1" },
    );
    const inputs = (r: RecordedResource) => unwrapSecrets<Record<string, any>>(r.inputs);
    const state = (r: RecordedResource) => unwrapSecrets<Record<string, any>>(r.state);
    const alarms = run.ofType(T.alarm);
    const alarmNamed = (name: string) => {
        const found = alarms.filter((a) => inputs(a).name === name);
        if (found.length !== 1) throw new Error(`alarm ${name}: found ${found.length} (have ${alarms.map((a) => inputs(a).name).join(", ")})`);
        return inputs(found[0]);
    };
    const topicIn = (region: string) => {
        const topics = run.ofType(T.topic).filter((t) => run.regionOf(t) === region);
        expect(topics).toHaveLength(1);
        return state(topics[0]).arn as string;
    };
    return { run, inputs, state, alarms, alarmNamed, topicIn };
}

describe("alarms (production shape: 3 controllers in 3 zones, 4 relays in 3 regions)", () => {
    const settings = awsTestSettings({
        alarms: {
            emails: ["oncall@example.com", "netops@example.org"],
            unhealthyHosts: 1,
            alb5xxPercent: 3,
            dbCpuPercent: 75,
            dbFreeStoragePercent: 5,
            dbConnectionsPercent: 80,
            natPortErrors: 10,
        },
        database: { maxConnections: 1802 },
    });
    let e: Awaited<ReturnType<typeof evaluate>>;
    beforeAll(async () => {
        e = await evaluate(settings);
    });

    it("has one topic per region with alarms, each with every configured email subscribed", () => {
        // Primary eu-central-1 (also a relay region), relays in us-east-1 and ap-south-1; us-east-1 also holds the
        // Route 53 health-check alarms.
        const topics = e.run.ofType(T.topic);
        expect(topics.map((t) => e.run.regionOf(t)).sort()).toEqual(["ap-south-1", "eu-central-1", "us-east-1"]);
        for (const topic of topics) {
            const arn = e.state(topic).arn;
            const subs = e.run.ofType(T.subscription).filter((s) => e.inputs(s).topic === arn);
            expect(subs.map((s) => [e.inputs(s).protocol, e.inputs(s).endpoint, e.run.regionOf(s)]).sort()).toEqual([
                ["email", "netops@example.org", e.run.regionOf(topic)],
                ["email", "oncall@example.com", e.run.regionOf(topic)],
            ]);
        }
    });

    it("notifies the topic of its own region when an alarm fires and when it clears", () => {
        expect(e.alarms.length).toBeGreaterThan(20);
        for (const alarm of e.alarms) {
            const topic = e.topicIn(e.run.regionOf(alarm));
            expect({ name: e.inputs(alarm).name, alarm: e.inputs(alarm).alarmActions, ok: e.inputs(alarm).okActions }).toEqual({
                name: e.inputs(alarm).name,
                alarm: [topic],
                ok: [topic],
            });
            expect(e.inputs(alarm).tags.Component).toBe("monitoring");
        }
    });

    it("alarms on each target group's unhealthy controllers, with the CloudWatch dimensions of that group and the ALB", () => {
        const alb = e.state(e.run.one(T.alb));
        const groups = e.run.ofType(T.tg);
        expect(groups).toHaveLength(3);
        for (const [stem, group] of [["http", "openzro-http"], ["management", "openzro-mgmt"], ["signal", "openzro-signal"]]) {
            const tg = e.state(e.run.one(T.tg, group));
            const a = e.alarmNamed(`openzro-production-tg-${stem}-unhealthy`);
            expect(e.run.regionOf(e.alarms.find((x) => e.inputs(x).name === a.name)!)).toBe("eu-central-1");
            expect(a).toMatchObject({
                namespace: "AWS/ApplicationELB",
                metricName: "UnHealthyHostCount",
                statistic: "Maximum",
                comparisonOperator: "GreaterThanThreshold",
                threshold: 1,
                // CloudWatch's dimension values: "targetgroup/<name>/<id>" and "app/<name>/<id>".
                dimensions: { TargetGroup: tg.arn.split(":").pop(), LoadBalancer: alb.arnSuffix },
            });
            expect(a.dimensions.TargetGroup).toMatch(/^targetgroup\//);
        }
    });

    it("alarms on the ALB's 5xx percentage: ALB and target 5xx over requests, from the ALB's own metrics", () => {
        const alb = e.state(e.run.one(T.alb));
        const a = e.alarmNamed("openzro-production-alb-5xx");
        expect(a).toMatchObject({ threshold: 3, comparisonOperator: "GreaterThanThreshold" });
        expect(a.metricName).toBeUndefined();
        const byId = Object.fromEntries(a.metricQueries.map((q: any) => [q.id, q]));
        for (const [id, metric] of [["elb5xx", "HTTPCode_ELB_5XX_Count"], ["target5xx", "HTTPCode_Target_5XX_Count"], ["requests", "RequestCount"]]) {
            expect(byId[id].metric).toMatchObject({ namespace: "AWS/ApplicationELB", metricName: metric, stat: "Sum", dimensions: { LoadBalancer: alb.arnSuffix } });
            expect(byId[id].returnData).toBe(false);
        }
        expect(byId.rate.returnData).toBe(true);
        expect(byId.rate.expression).toContain("100 * (FILL(elb5xx, 0) + FILL(target5xx, 0)) / requests");
    });

    it("alarms on the database's CPU, free storage and connections against its maximum", () => {
        const identifier = e.state(e.run.one(T.rds)).identifier;
        const db = { namespace: "AWS/RDS", dimensions: { DBInstanceIdentifier: identifier } };
        expect(e.alarmNamed("openzro-production-db-cpu")).toMatchObject({ ...db, metricName: "CPUUtilization", threshold: 75, comparisonOperator: "GreaterThanThreshold" });
        // 5% of 100 GiB, in bytes.
        expect(e.alarmNamed("openzro-production-db-free-storage")).toMatchObject({ ...db, metricName: "FreeStorageSpace", threshold: 5368709120, comparisonOperator: "LessThanThreshold" });
        // 80% of the database's max_connections 1802.
        expect(e.alarmNamed("openzro-production-db-connections")).toMatchObject({ ...db, metricName: "DatabaseConnections", threshold: 1441, comparisonOperator: "GreaterThanThreshold" });
        expect(e.alarms.filter((a) => e.inputs(a).metricName === "ReplicaLag")).toEqual([]);
    });

    it("alarms on both status checks of every instance, in the instance's region, without an EC2 action", () => {
        const instances = e.run.ofType(T.instance);
        expect(instances).toHaveLength(3 + 4 + 1);
        for (const instance of instances) {
            const id = instance.id;
            const mine = e.alarms.filter((a) => e.inputs(a).dimensions?.InstanceId === id);
            expect(mine.map((a) => e.inputs(a).metricName).sort()).toEqual(["StatusCheckFailed_Instance", "StatusCheckFailed_System"]);
            for (const a of mine) {
                expect(e.run.regionOf(a)).toBe(e.run.regionOf(instance));
                expect(e.inputs(a)).toMatchObject({ namespace: "AWS/EC2", threshold: 1, comparisonOperator: "GreaterThanOrEqualToThreshold", treatMissingData: "notBreaching" });
                expect(e.inputs(a).alarmActions.join(" ")).not.toContain(":automate:");
            }
            // Recovery is EC2's simplified automatic recovery, stated on the instance.
            expect(e.inputs(instance).maintenanceOptions).toEqual({ autoRecovery: "default" });
        }
    });

    it("alarms on every NAT gateway's port allocation errors", () => {
        const nats = e.run.ofType(T.nat).map((n) => n.id).sort();
        expect(nats).toHaveLength(3);
        const natAlarms = e.alarms.filter((a) => e.inputs(a).metricName === "ErrorPortAllocation");
        expect(natAlarms.map((a) => e.inputs(a).dimensions.NatGatewayId).sort()).toEqual(nats);
        for (const a of natAlarms) {
            expect(e.inputs(a)).toMatchObject({ namespace: "AWS/NATGateway", statistic: "Sum", threshold: 10, comparisonOperator: "GreaterThanThreshold" });
        }
    });

    it("probes each relay's public TCP listener from Route 53 and alarms on it in us-east-1", () => {
        const checks = e.run.ofType(T.healthCheck);
        expect(checks).toHaveLength(4);
        const relayIps = e.run.ofType(T.eip).filter((x) => e.inputs(x).tags.Component === "relays").map((x) => e.state(x).publicIp);
        expect(checks.map((c) => e.inputs(c).ipAddress).sort()).toEqual([...relayIps].sort());
        const us = e.topicIn("us-east-1");
        for (const check of checks) {
            expect(e.inputs(check)).toMatchObject({ type: "TCP", port: settings.relay.port });
            const alarms = e.alarms.filter((a) => e.inputs(a).dimensions?.HealthCheckId === check.id);
            expect(alarms).toHaveLength(1);
            expect(e.run.regionOf(alarms[0])).toBe("us-east-1");
            expect(e.inputs(alarms[0])).toMatchObject({
                namespace: "AWS/Route53",
                metricName: "HealthCheckStatus",
                comparisonOperator: "LessThanThreshold",
                threshold: 1,
                treatMissingData: "breaching",
                alarmActions: [us],
            });
        }
    });
});

describe("alarms without a provider in us-east-1", () => {
    it("creates one for the Route 53 alarms, tagged like every other provider", async () => {
        const settings = awsTestSettings({ relays: [{ name: "fra", region: "eu-central-1", instanceType: "c7i.large" }] });
        const e = await evaluate(settings);
        const providers = e.run.ofType("pulumi:providers:aws").map((p) => e.inputs(p));
        expect(providers.map((p) => p.region).sort()).toEqual(["eu-central-1", "us-east-1"]);
        for (const p of providers) {
            expect(JSON.parse(p.defaultTags).tags).toMatchObject({ Project: "openzro", Stack: "production" });
        }
        const healthAlarm = e.alarms.find((a) => e.inputs(a).namespace === "AWS/Route53")!;
        expect(e.run.regionOf(healthAlarm)).toBe("us-east-1");
        // No emails configured: topics exist (other subscribers can be added) but nothing is subscribed.
        expect(e.run.ofType(T.subscription)).toEqual([]);
    });
});
