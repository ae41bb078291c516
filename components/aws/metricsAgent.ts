// Where the CloudWatch agent on every controller and relay sends the kept metrics (metricsAgent): one CloudWatch
// Logs group in the primary region, created here with a retention, and the only permission the hosts get for it.
// The agent writes Embedded Metric Format events and CloudWatch Logs turns the declared fields into metrics, so
// the hosts need no cloudwatch:PutMetricData and no log group of their own: exactly CreateLogStream and
// PutLogEvents on this group (the agent's cloudwatchlogs output, plugins/outputs/cloudwatchlogs/internal/pusher).
// Not granted: CreateLogGroup (the agent only tries it when the group is missing; a group it created would have no
// retention), PutRetentionPolicy/DescribeLogGroups (used only with an agent-side retention, which is not set).
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { MetricsAgentFacts } from "../host/facts";

/**
 * The EMF events are the raw samples behind the metrics; CloudWatch keeps the metrics themselves for 15 months
 * whatever this says. A week is enough to look at a raw sample while investigating, and keeps storage negligible.
 */
export const METRICS_LOG_RETENTION_DAYS = 7;

export function metricsLogGroupName(stack: string): string {
    return `/openzro/${stack}/metrics`;
}

/** One namespace per stack: staging and production in one account never mix. */
export function metricsNamespace(stack: string): string {
    return `openZro/${stack}`;
}

/** The hosts' permission on the one log group (pure, tested directly). */
export function metricsAgentPolicy(logGroupArn: string): Record<string, unknown> {
    // The log group's ARN as the provider reports it ends in ":*"; streams are "<group ARN>:log-stream:<name>".
    const group = logGroupArn.replace(/:\*$/, "");
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "MetricsAgentWritesItsLogGroupOnly",
                Effect: "Allow",
                Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                Resource: [group, `${group}:log-stream:*`],
            },
        ],
    };
}

export interface MetricsAgentTarget {
    readonly facts: MetricsAgentFacts;
    /** The policy document (JSON) each host role gets as an inline policy. */
    readonly policy: pulumi.Output<string>;
    readonly logGroup: aws.cloudwatch.LogGroup;
}

/** The log group (primary region) and what the footprint hands to the hosts and their roles. */
export function metricsAgentTarget(name: string, stack: string, region: string, tags: Record<string, string>, opts: pulumi.CustomResourceOptions): MetricsAgentTarget {
    const logGroupName = metricsLogGroupName(stack);
    const logGroup = new aws.cloudwatch.LogGroup(
        `${name}-metrics`,
        { name: logGroupName, retentionInDays: METRICS_LOG_RETENTION_DAYS, tags },
        opts,
    );
    return {
        facts: { kind: "cloudwatch", logGroupName, region, namespace: metricsNamespace(stack) },
        policy: logGroup.arn.apply((arn) => JSON.stringify(metricsAgentPolicy(arn))),
        logGroup,
    };
}
