// Optional fixed public addresses in front of the ALB (openzro:staticIngress). An ALB's addresses change over
// time; customers who allowlist the control plane in their firewalls need addresses that never change. A Network
// Load Balancer with one Elastic IP per zone forwards TCP 443 and 80 to the ALB (target type "alb"), which stays
// the L7 router: TLS, gRPC routes, health checks and timeouts are unchanged. The domain then points at the NLB.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { HEALTH_PATH } from "../host/ports";
import { resourceTags } from "./tags";

/** Ports the NLB forwards to the ALB listener of the same port. */
export const STATIC_INGRESS_PORTS = [443, 80] as const;

export interface StaticIngressArgs {
    /** One per zone: each gets one Elastic IP. */
    readonly publicSubnetIds: readonly pulumi.Input<string>[];
    readonly vpcId: pulumi.Input<string>;
    readonly alb: aws.lb.LoadBalancer;
    /** The ALB's listener per port: AWS registers an ALB as a target only on a port it listens on. */
    readonly albListeners: Readonly<Record<(typeof STATIC_INGRESS_PORTS)[number], aws.lb.Listener>>;
    /** An internet-facing NLB and its Elastic IPs need the VPC's internet gateway attached first. */
    readonly internetGateway: pulumi.Resource;
    readonly provider: aws.Provider;
}

export class StaticIngress extends pulumi.ComponentResource {
    readonly dnsName: pulumi.Output<string>;
    readonly zoneId: pulumi.Output<string>;
    /** The fixed public addresses, one per zone, in subnet order. */
    readonly addresses: pulumi.Output<string[]>;

    constructor(name: string, args: StaticIngressArgs, opts?: pulumi.ComponentResourceOptions) {
        super("openzro:aws:StaticIngress", name, {}, opts);
        const stack = pulumi.getStack();
        const tags = (stem: string) => resourceTags("loadbalancer", stack, stem);
        const childOpts = { parent: this, provider: args.provider };

        const ips = args.publicSubnetIds.map(
            (_, i) => new aws.ec2.Eip(`${name}-ingress-${i + 1}`, { domain: "vpc", tags: tags(`ingress-${i + 1}`) }, { ...childOpts, dependsOn: [args.internetGateway] }),
        );
        const nlb = new aws.lb.LoadBalancer(
            `${name}-nlb`,
            {
                loadBalancerType: "network",
                internal: false,
                subnetMappings: args.publicSubnetIds.map((subnetId, i) => ({ subnetId, allocationId: ips[i].allocationId })),
                // Each zone's address answers even when that zone's ALB node is impaired.
                enableCrossZoneLoadBalancing: true,
                tags: tags("nlb"),
            },
            { ...childOpts, dependsOn: [args.internetGateway] },
        );

        for (const port of STATIC_INGRESS_PORTS) {
            const group = new aws.lb.TargetGroup(
                `${name}-alb-${port}`,
                {
                    targetType: "alb",
                    vpcId: args.vpcId,
                    port,
                    protocol: "TCP",
                    // The NLB checks the ALB itself: /healthz answers 200 through HTTPS, and 301 (the redirect) on 80.
                    healthCheck: {
                        enabled: true,
                        protocol: port === 443 ? "HTTPS" : "HTTP",
                        port: "traffic-port",
                        path: HEALTH_PATH,
                        matcher: "200-399",
                    },
                    tags: tags(`tg-alb-${port}`),
                },
                childOpts,
            );
            new aws.lb.TargetGroupAttachment(
                `${name}-alb-${port}`,
                { targetGroupArn: group.arn, targetId: args.alb.arn, port },
                { ...childOpts, dependsOn: [args.albListeners[port]] },
            );
            new aws.lb.Listener(
                `${name}-nlb-${port}`,
                { loadBalancerArn: nlb.arn, port, protocol: "TCP", defaultActions: [{ type: "forward", targetGroupArn: group.arn }], tags: tags(`listener-nlb-${port}`) },
                childOpts,
            );
        }

        this.dnsName = nlb.dnsName;
        this.zoneId = nlb.zoneId;
        this.addresses = pulumi.all(ips.map((ip) => ip.publicIp));
        this.registerOutputs({ addresses: this.addresses, dnsName: this.dnsName });
    }
}
