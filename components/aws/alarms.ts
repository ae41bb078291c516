// Alarms that reach a person: CloudWatch alarms on the load balancer, the database, every instance's status checks,
// the NAT gateways, and each relay's public listeners probed from outside by Route 53. Every alarm notifies the SNS
// topic of its own region (alarmTopics.ts) when it fires and when it clears. Thresholds come from settings.alarms.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { Settings } from "../config/types";
import { relayHostName } from "../config/naming";
import { relayPublicListeners } from "../host/relayListeners";
import { AlarmTopics } from "./alarmTopics";
import { TargetKey } from "./loadBalancerPlan";
import { nameTag, providerDefaultTags, resourceTags } from "./tags";

/** Route 53 health checkers publish HealthCheckStatus only in us-east-1: its alarms live there. */
export const ROUTE53_METRICS_REGION = "us-east-1";
const GIB = 1024 ** 3;

/** CloudWatch's dimension value for an ALB or target group: the ARN after "loadbalancer/" or from "targetgroup/". */
export function elbArnSuffix(arn: string): string {
    const resource = arn.split(":").slice(5).join(":");
    if (resource.startsWith("loadbalancer/")) return resource.slice("loadbalancer/".length);
    if (resource.startsWith("targetgroup/")) return resource;
    throw new Error(`not an ELB load balancer or target group ARN: ${arn}`);
}

export type AlarmedHostRole = "controller" | "relay" | "bastion";

export interface AlarmedInstance {
    readonly name: string;
    readonly role: AlarmedHostRole;
    readonly region: string;
    readonly instanceId: pulumi.Input<string>;
}

export interface AlarmedRelay {
    readonly name: string;
    readonly publicIp: pulumi.Input<string>;
}

export interface AlarmsArgs {
    readonly settings: Settings;
    /** Provider of a region the footprint already uses (primary, relay regions). */
    readonly providerFor: (region: string) => aws.Provider;
    readonly regions: readonly string[];
    readonly primary: aws.Provider;
    readonly loadBalancerArn: pulumi.Input<string>;
    readonly targetGroupArns: Readonly<Record<TargetKey, pulumi.Input<string>>>;
    readonly databaseIdentifier: pulumi.Input<string>;
    readonly natGatewayIds: readonly pulumi.Input<string>[];
    readonly instances: readonly AlarmedInstance[];
    readonly relays: readonly AlarmedRelay[];
}

/** What one alarm watches: a single metric, or a metric-math expression. */
interface AlarmSpec {
    readonly stem: string;
    readonly region: string;
    readonly description: string;
    readonly comparisonOperator: string;
    readonly threshold: number;
    readonly evaluationPeriods: number;
    readonly treatMissingData: "notBreaching" | "breaching" | "missing";
    readonly metric?: {
        readonly namespace: string;
        readonly metricName: string;
        readonly dimensions: Record<string, pulumi.Input<string>>;
        readonly statistic: string;
        readonly period: number;
    };
    readonly metricQueries?: aws.types.input.cloudwatch.MetricAlarmMetricQuery[];
}

export class Alarms extends pulumi.ComponentResource {
    /** By stem (e.g. "alb-5xx", "tg-http-unhealthy"): the game day uses some as stop conditions. */
    readonly alarms = new Map<string, aws.cloudwatch.MetricAlarm>();
    readonly topics: AlarmTopics;
    readonly healthChecks: aws.route53.HealthCheck[] = [];

    constructor(name: string, args: AlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("openzro:aws:Alarms", name, {}, opts);
        const { settings } = args;
        const a = settings.alarms;
        const stack = pulumi.getStack();
        const primary = settings.region;

        // Route 53's metrics region gets its own provider unless the footprint already has one there.
        const metricsProvider = args.regions.includes(ROUTE53_METRICS_REGION)
            ? args.providerFor(ROUTE53_METRICS_REGION)
            : new aws.Provider(`${name}-${ROUTE53_METRICS_REGION}`, { region: ROUTE53_METRICS_REGION, defaultTags: { tags: providerDefaultTags(settings, stack) } }, { parent: this });
        const providerFor = (region: string) => (region === ROUTE53_METRICS_REGION ? metricsProvider : args.providerFor(region));
        this.topics = new AlarmTopics(name, a.emails, providerFor, this);

        const alarm = (spec: AlarmSpec) => {
            const topic = this.topics.topic(spec.region);
            const created = new aws.cloudwatch.MetricAlarm(
                `${name}-${spec.stem}`,
                {
                    name: nameTag(stack, spec.stem),
                    alarmDescription: spec.description,
                    comparisonOperator: spec.comparisonOperator,
                    threshold: spec.threshold,
                    evaluationPeriods: spec.evaluationPeriods,
                    treatMissingData: spec.treatMissingData,
                    ...(spec.metric ?? {}),
                    metricQueries: spec.metricQueries,
                    alarmActions: [topic.arn],
                    okActions: [topic.arn],
                    tags: resourceTags("monitoring", stack, spec.stem),
                },
                { parent: this, provider: providerFor(spec.region) },
            );
            this.alarms.set(spec.stem, created);
            return created;
        };

        // Load balancer: per target group, more unhealthy controllers than allowed; and the share of 5xx answers.
        const albSuffix = pulumi.output(args.loadBalancerArn).apply(elbArnSuffix);
        for (const [key, arn] of Object.entries(args.targetGroupArns) as [TargetKey, pulumi.Input<string>][]) {
            alarm({
                stem: `tg-${key}-unhealthy`,
                region: primary,
                description: `More than ${a.unhealthyHosts} unhealthy controller(s) in the ${key} target group for 2 minutes.`,
                comparisonOperator: "GreaterThanThreshold",
                threshold: a.unhealthyHosts,
                evaluationPeriods: 2,
                treatMissingData: "notBreaching",
                metric: {
                    namespace: "AWS/ApplicationELB",
                    metricName: "UnHealthyHostCount",
                    dimensions: { TargetGroup: pulumi.output(arn).apply(elbArnSuffix), LoadBalancer: albSuffix },
                    statistic: "Maximum",
                    period: 60,
                },
            });
        }
        const albMetric = (id: string, metricName: string): aws.types.input.cloudwatch.MetricAlarmMetricQuery => ({
            id,
            returnData: false,
            metric: { namespace: "AWS/ApplicationELB", metricName, dimensions: { LoadBalancer: albSuffix }, stat: "Sum", period: 300 },
        });
        alarm({
            stem: "alb-5xx",
            region: primary,
            description: `More than ${a.alb5xxPercent}% of requests answered 5xx (by the ALB or a controller) over 5 minutes.`,
            comparisonOperator: "GreaterThanThreshold",
            threshold: a.alb5xxPercent,
            evaluationPeriods: 1,
            treatMissingData: "notBreaching",
            metricQueries: [
                albMetric("elb5xx", "HTTPCode_ELB_5XX_Count"),
                albMetric("target5xx", "HTTPCode_Target_5XX_Count"),
                albMetric("requests", "RequestCount"),
                {
                    id: "rate",
                    label: "5xx percentage",
                    returnData: true,
                    expression: "IF(requests > 0, 100 * (FILL(elb5xx, 0) + FILL(target5xx, 0)) / requests, 0)",
                },
            ],
        });

        // Database.
        const db = (metricName: string, statistic: string, period: number) => ({
            namespace: "AWS/RDS",
            metricName,
            dimensions: { DBInstanceIdentifier: args.databaseIdentifier },
            statistic,
            period,
        });
        alarm({
            stem: "db-cpu",
            region: primary,
            description: `Database CPU above ${a.dbCpuPercent}% for 15 minutes.`,
            comparisonOperator: "GreaterThanThreshold",
            threshold: a.dbCpuPercent,
            evaluationPeriods: 3,
            treatMissingData: "missing",
            metric: db("CPUUtilization", "Average", 300),
        });
        alarm({
            stem: "db-free-storage",
            region: primary,
            description: `Database free storage below ${a.dbFreeStoragePercent}% of ${settings.database.allocatedStorageGb} GiB; storage autoscaling did not help (ceiling ${settings.database.maxAllocatedStorageGb} GiB or cooldown).`,
            comparisonOperator: "LessThanThreshold",
            threshold: Math.round((settings.database.allocatedStorageGb * GIB * a.dbFreeStoragePercent) / 100),
            evaluationPeriods: 1,
            treatMissingData: "missing",
            metric: db("FreeStorageSpace", "Minimum", 300),
        });
        alarm({
            stem: "db-connections",
            region: primary,
            description: `Database connections above ${a.dbConnectionsPercent}% of max_connections ${settings.database.maxConnections} for 5 minutes.`,
            comparisonOperator: "GreaterThanThreshold",
            threshold: Math.floor((settings.database.maxConnections * a.dbConnectionsPercent) / 100),
            evaluationPeriods: 5,
            treatMissingData: "missing",
            metric: db("DatabaseConnections", "Maximum", 60),
        });
        // No ReplicaLag alarm: a Multi-AZ DB instance's standby is synchronous and publishes no ReplicaLag, and this
        // program creates no read replicas.

        // Every instance: system checks (AWS hardware/host: simplified automatic recovery moves the instance) and
        // instance checks (the OS itself: needs a person). A stopped instance reports nothing: not breaching.
        for (const host of args.instances) {
            for (const [kind, metricName, what] of [
                ["system", "StatusCheckFailed_System", "the AWS host under it failed (automatic recovery restarts it on healthy hardware)"],
                ["instance", "StatusCheckFailed_Instance", "its operating system stopped answering (needs a reboot or a person)"],
            ] as const) {
                alarm({
                    stem: `${host.name}-status-${kind}`,
                    region: host.region,
                    description: `${host.role} ${host.name}: ${what}.`,
                    comparisonOperator: "GreaterThanOrEqualToThreshold",
                    threshold: 1,
                    evaluationPeriods: 2,
                    treatMissingData: "notBreaching",
                    metric: { namespace: "AWS/EC2", metricName, dimensions: { InstanceId: host.instanceId }, statistic: "Maximum", period: 60 },
                });
            }
        }

        // NAT gateways: port allocation errors mean connections from the private subnets are being refused.
        args.natGatewayIds.forEach((id, i) => {
            alarm({
                stem: `nat-${i + 1}-port-allocation`,
                region: primary,
                description: `NAT gateway ${i + 1}: more than ${a.natPortErrors} port allocation errors in a minute (outbound connections fail).`,
                comparisonOperator: "GreaterThanThreshold",
                threshold: a.natPortErrors,
                evaluationPeriods: 1,
                treatMissingData: "notBreaching",
                metric: { namespace: "AWS/NATGateway", metricName: "ErrorPortAllocation", dimensions: { NatGatewayId: id }, statistic: "Sum", period: 60 },
            });
        });

        // Relays, from outside: a Route 53 TCP health check per relay and public TCP listener. Route 53 cannot probe
        // UDP, so QUIC and STUN over UDP stay unchecked from outside (see docs/runbook.md).
        const tcpListeners = relayPublicListeners(settings).filter((l) => l.protocol === "tcp");
        for (const relay of args.relays) {
            for (const listener of tcpListeners) {
                const stem = `${relayHostName(relay.name)}-tcp-${listener.port}`;
                const check = new aws.route53.HealthCheck(
                    `${name}-${stem}`,
                    {
                        type: "TCP",
                        ipAddress: relay.publicIp,
                        port: listener.port,
                        requestInterval: 30,
                        failureThreshold: 3,
                        tags: resourceTags("monitoring", stack, stem),
                    },
                    { parent: this, provider: args.primary },
                );
                this.healthChecks.push(check);
                alarm({
                    stem: `${stem}-health`,
                    region: ROUTE53_METRICS_REGION,
                    description: `Relay ${relay.name}: ${listener.purpose} on TCP ${listener.port} does not answer Route 53's checkers.`,
                    comparisonOperator: "LessThanThreshold",
                    threshold: 1,
                    evaluationPeriods: 2,
                    treatMissingData: "breaching",
                    metric: { namespace: "AWS/Route53", metricName: "HealthCheckStatus", dimensions: { HealthCheckId: check.id }, statistic: "Minimum", period: 60 },
                });
            }
        }

        this.registerOutputs({ topicRegions: this.topics.regions() });
    }
}
