// The public entry point: an internet-facing ALB terminating TLS for settings.domain, routing gRPC paths to
// HTTP/2 (GRPC) target groups and everything else to nginx's HTTP/1.1 port on every controller, and the alias
// record that points the domain at it.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { Settings } from "../config/types";
import { LISTENER_RULES, TargetKey, targetGroupPlans } from "./loadBalancerPlan";
import { StaticIngress } from "./staticIngress";
import { resourceTags } from "./tags";

export interface LoadBalancerArgs {
    readonly settings: Settings;
    readonly vpcId: pulumi.Input<string>;
    readonly publicSubnetIds: pulumi.Input<string>[];
    readonly securityGroupId: pulumi.Input<string>;
    /** Validated certificate ARN (the HTTPS listener waits for validation). */
    readonly certificateArn: pulumi.Input<string>;
    readonly zoneId: pulumi.Input<string>;
    /** An internet-facing ALB cannot be created in a VPC without an attached internet gateway. */
    readonly internetGateway: pulumi.Resource;
    /** Every controller is a target of every target group; the count decides how many attachments exist. */
    readonly targets: readonly { readonly name: string; readonly instanceId: pulumi.Input<string> }[];
    readonly provider: aws.Provider;
}

/** Maximum lifetime of a client connection to the ALB (valid 60-604800 s). */
export const CLIENT_KEEPALIVE_SECONDS = 86400;

/** Short logical names: target-group names are limited to 32 characters including the random suffix. */
const TARGET_GROUP_STEM: Record<TargetKey, string> = { http: "http", management: "mgmt", signal: "signal" };

export class LoadBalancer extends pulumi.ComponentResource {
    readonly dnsName: pulumi.Output<string>;
    readonly arn: pulumi.Output<string>;
    readonly targetGroupArns: Readonly<Record<TargetKey, pulumi.Output<string>>>;
    /** The fixed addresses customers can allowlist (staticIngress); empty without it. */
    readonly ingressAddresses: pulumi.Output<string[]>;

    constructor(name: string, args: LoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("openzro:aws:LoadBalancer", name, {}, opts);
        const { settings } = args;
        const stack = pulumi.getStack();
        const tags = (stem: string) => resourceTags("loadbalancer", stack, stem);
        const childOpts = { parent: this, provider: args.provider };

        const alb = new aws.lb.LoadBalancer(
            `${name}-alb`,
            {
                loadBalancerType: "application",
                internal: false,
                subnets: args.publicSubnetIds,
                securityGroups: [args.securityGroupId],
                enableHttp2: true,
                dropInvalidHeaderFields: true,
                // Peers hold management and signal gRPC streams open for hours. Management pings every 30 s, but
                // the ALB terminates HTTP/2 and does not count the PING frames it answers as activity, so a quiet
                // stream is only kept alive by this timeout: keep it long (max 4000 s).
                idleTimeout: settings.loadBalancer.idleTimeoutSeconds,
                // Independently of idleness, the ALB closes every client connection after clientKeepAlive (default
                // 3600 s), cutting all of a peer's streams at once every hour. One day matches nginx's gRPC timeouts.
                clientKeepAlive: CLIENT_KEEPALIVE_SECONDS,
                tags: tags("alb"),
            },
            { ...childOpts, dependsOn: [args.internetGateway] },
        );
        this.dnsName = alb.dnsName;
        this.arn = alb.arn;

        const targetGroups = {} as Record<TargetKey, aws.lb.TargetGroup>;
        for (const plan of targetGroupPlans(settings.loadBalancer)) {
            const stem = TARGET_GROUP_STEM[plan.key];
            const group = new aws.lb.TargetGroup(
                `${name}-${stem}`,
                {
                    targetType: "instance",
                    vpcId: args.vpcId,
                    port: plan.port,
                    protocol: plan.protocol,
                    protocolVersion: plan.protocolVersion,
                    deregistrationDelay: plan.deregistrationDelay,
                    healthCheck: {
                        enabled: true,
                        protocol: "HTTP",
                        port: "traffic-port",
                        path: plan.healthCheck.path,
                        matcher: plan.healthCheck.matcher,
                        interval: plan.healthCheck.interval,
                        timeout: plan.healthCheck.timeout,
                        healthyThreshold: plan.healthCheck.healthyThreshold,
                        unhealthyThreshold: plan.healthCheck.unhealthyThreshold,
                    },
                    tags: tags(`tg-${stem}`),
                },
                childOpts,
            );
            targetGroups[plan.key] = group;
            for (const target of args.targets) {
                new aws.lb.TargetGroupAttachment(
                    `${name}-${stem}-${target.name}`,
                    { targetGroupArn: group.arn, targetId: target.instanceId, port: plan.port },
                    childOpts,
                );
            }
        }
        this.targetGroupArns = {
            http: targetGroups.http.arn,
            management: targetGroups.management.arn,
            signal: targetGroups.signal.arn,
        };

        const http = new aws.lb.Listener(
            `${name}-http`,
            {
                loadBalancerArn: alb.arn,
                port: 80,
                protocol: "HTTP",
                defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
                tags: tags("listener-http"),
            },
            childOpts,
        );
        const https = new aws.lb.Listener(
            `${name}-https`,
            {
                loadBalancerArn: alb.arn,
                port: 443,
                protocol: "HTTPS",
                sslPolicy: settings.loadBalancer.sslPolicy,
                certificateArn: args.certificateArn,
                defaultActions: [{ type: "forward", targetGroupArn: targetGroups.http.arn }],
                tags: tags("listener-https"),
            },
            childOpts,
        );
        for (const rule of LISTENER_RULES) {
            new aws.lb.ListenerRule(
                `${name}-${rule.key}`,
                {
                    listenerArn: https.arn,
                    priority: rule.priority,
                    actions: [{ type: "forward", targetGroupArn: targetGroups[rule.target].arn }],
                    conditions: [{ pathPattern: { values: [...rule.paths] } }],
                    tags: tags(`rule-${rule.key}`),
                },
                childOpts,
            );
        }

        // Fixed addresses (optional): the domain then points at the NLB in front of the ALB.
        const ingress = settings.loadBalancer.staticIngress
            ? new StaticIngress(
                  name,
                  {
                      publicSubnetIds: args.publicSubnetIds,
                      vpcId: args.vpcId,
                      alb,
                      albListeners: { 443: https, 80: http },
                      internetGateway: args.internetGateway,
                      provider: args.provider,
                  },
                  { parent: this },
              )
            : undefined;
        this.ingressAddresses = ingress ? ingress.addresses : pulumi.output([]);

        new aws.route53.Record(
            `${name}-domain`,
            {
                zoneId: args.zoneId,
                name: settings.domain,
                type: "A",
                aliases: [
                    ingress
                        ? { name: ingress.dnsName, zoneId: ingress.zoneId, evaluateTargetHealth: true }
                        : { name: alb.dnsName, zoneId: alb.zoneId, evaluateTargetHealth: true },
                ],
            },
            childOpts,
        );

        this.registerOutputs({ dnsName: this.dnsName, arn: this.arn });
    }
}
