// Cost allocation and ownership: every taggable AWS resource carries the project, stack and component tags,
// counting the provider's defaultTags (how the footprint applies project/stack everywhere) plus its own tags.
import type { StackValidationPolicy } from "@pulumi/policy";
import type { StackResource } from "./lib/types";

/** Provider defaultTags carry Project and Stack; every resource adds its Component (components/aws/tags.ts). */
export const DEFAULT_REQUIRED_TAGS = ["Project", "Stack", "Component"];

/**
 * AWS types with a `tags` argument that this program creates or may create. A taggable resource is also
 * recognised by a `tags`/`tagsAll` property (the provider always returns tagsAll), so this list matters for
 * untagged resources during preview; test/policy checks it against the @pulumi/aws typings.
 */
export const TAGGABLE_AWS_TYPES: ReadonlySet<string> = new Set([
    "aws:acm/certificate:Certificate",
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:cloudwatch/metricAlarm:MetricAlarm",
    "aws:ec2/eip:Eip",
    "aws:ec2/instance:Instance",
    "aws:ec2/internetGateway:InternetGateway",
    "aws:ec2/keyPair:KeyPair",
    "aws:ec2/launchTemplate:LaunchTemplate",
    "aws:ec2/natGateway:NatGateway",
    "aws:ec2/routeTable:RouteTable",
    "aws:ec2/securityGroup:SecurityGroup",
    "aws:ec2/subnet:Subnet",
    "aws:ec2/vpc:Vpc",
    "aws:ec2/vpcEndpoint:VpcEndpoint",
    "aws:fis/experimentTemplate:ExperimentTemplate",
    "aws:ec2/flowLog:FlowLog",
    "aws:iam/instanceProfile:InstanceProfile",
    "aws:iam/policy:Policy",
    "aws:iam/role:Role",
    "aws:kms/key:Key",
    "aws:lb/listener:Listener",
    "aws:lb/listenerRule:ListenerRule",
    "aws:lb/loadBalancer:LoadBalancer",
    "aws:lb/targetGroup:TargetGroup",
    "aws:alb/listener:Listener",
    "aws:alb/listenerRule:ListenerRule",
    "aws:alb/loadBalancer:LoadBalancer",
    "aws:alb/targetGroup:TargetGroup",
    "aws:rds/instance:Instance",
    "aws:rds/parameterGroup:ParameterGroup",
    "aws:rds/subnetGroup:SubnetGroup",
    "aws:route53/healthCheck:HealthCheck",
    "aws:route53/zone:Zone",
    "aws:s3/bucket:Bucket",
    "aws:s3/bucketV2:BucketV2",
    "aws:secretsmanager/secret:Secret",
    "aws:sns/topic:Topic",
    "aws:ssm/parameter:Parameter",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
]);

export function isTaggable(r: { type: string; props: Record<string, any> }): boolean {
    if (!r.type.startsWith("aws:") || r.type.startsWith("pulumi:providers:")) {
        return false;
    }
    return TAGGABLE_AWS_TYPES.has(r.type) || "tagsAll" in r.props;
}

function asObject(x: unknown): Record<string, unknown> {
    if (typeof x === "string") {
        // Provider configuration reaches policies JSON-encoded.
        try {
            return asObject(JSON.parse(x));
        } catch {
            return {};
        }
    }
    return typeof x === "object" && x !== null ? (x as Record<string, unknown>) : {};
}

/** Tags the resource ends up with: its provider's defaultTags overlaid by its own tags (tagsAll when known). */
export function effectiveTags(r: StackResource): Record<string, unknown> {
    const defaults = asObject(asObject(r.provider?.props.defaultTags).tags);
    return { ...defaults, ...asObject(r.props.tagsAll), ...asObject(r.props.tags) };
}

export const requiredTags: StackValidationPolicy = {
    name: "required-tags",
    description: `Every taggable AWS resource carries the ${DEFAULT_REQUIRED_TAGS.join(", ")} tags (provider defaultTags included).`,
    enforcementLevel: "mandatory",
    configSchema: { properties: { keys: { type: "array", items: { type: "string" }, default: DEFAULT_REQUIRED_TAGS } } },
    validateStack: (args, reportViolation) => {
        const keys = args.getConfig<{ keys?: string[] }>().keys ?? DEFAULT_REQUIRED_TAGS;
        for (const r of args.resources) {
            if (!isTaggable(r)) {
                continue;
            }
            const tags = effectiveTags(r);
            const missing = keys.filter((k) => typeof tags[k] !== "string" || tags[k] === "");
            if (missing.length > 0) {
                reportViolation(`${r.name} (${r.type}) lacks tag(s) ${missing.join(", ")}.`, r.urn);
            }
        }
    },
};

export const taggingPolicies = [requiredTags];
