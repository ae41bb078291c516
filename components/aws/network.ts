// The primary region's network: one VPC, a public and a private subnet per availability zone, an internet gateway,
// NAT (one per zone, or one shared), and the routes between them. Controllers and the database live in the
// private subnets; the load balancer, NAT gateways and the bastion in the public ones.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { NatGatewayMode } from "../config/types";
import { planSubnets } from "../config/cidr";
import { resourceTags } from "./tags";

export interface NetworkArgs {
    readonly vpcCidr: string;
    /** Decides how many subnets (and, with perAz, NAT gateways) exist. */
    readonly azCount: number;
    readonly natGateways: NatGatewayMode;
    readonly provider: aws.Provider;
}

/** How many NAT gateways a mode needs: perAz keeps a zone's egress alive when another zone fails. */
export function natGatewayCount(mode: NatGatewayMode, azCount: number): number {
    return mode === "perAz" ? azCount : 1;
}

export class Network extends pulumi.ComponentResource {
    readonly vpcId: pulumi.Output<string>;
    readonly vpcCidr: string;
    /** Elastic IPs and an internet-facing load balancer can only attach once the gateway is attached. */
    readonly internetGateway: aws.ec2.InternetGateway;
    readonly publicSubnetIds: pulumi.Output<string>[];
    readonly privateSubnetIds: pulumi.Output<string>[];
    /** Plain CIDRs (known before deployment): the ALB's nodes live in these, so they are the real proxy sources. */
    readonly publicSubnetCidrs: readonly string[];
    readonly privateSubnetCidrs: readonly string[];
    /** NAT gateway ids (one per zone with perAz, one with single): their port allocation errors are alarmed on. */
    readonly natGatewayIds: pulumi.Output<string>[];
    /** Availability zone of subnet slot i (public[i] and private[i] share it). */
    readonly zoneNames: pulumi.Output<string>[];

    constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("openzro:aws:Network", name, {}, opts);
        const stack = pulumi.getStack();
        const tags = (stem: string) => resourceTags("network", stack, stem);
        const childOpts = { parent: this, provider: args.provider };
        const plan = planSubnets(args.vpcCidr, args.azCount);
        this.vpcCidr = args.vpcCidr;
        this.publicSubnetCidrs = plan.public;
        this.privateSubnetCidrs = plan.private;

        // Zones that need no opt-in: Local Zones and Wavelength zones lack ALB/RDS/NAT support.
        const zones = aws.getAvailabilityZonesOutput(
            { state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] },
            childOpts,
        );
        this.zoneNames = plan.public.map((_, i) =>
            zones.names.apply((names) => {
                if (names.length <= i) {
                    throw new Error(
                        `network.azCount: the region has only ${names.length} availability zones (got ${args.azCount}); lower network.azCount`,
                    );
                }
                return names[i];
            }),
        );

        const vpc = new aws.ec2.Vpc(
            `${name}-vpc`,
            { cidrBlock: args.vpcCidr, enableDnsHostnames: true, enableDnsSupport: true, tags: tags("vpc") },
            childOpts,
        );
        this.vpcId = vpc.id;

        const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: tags("igw") }, childOpts);
        this.internetGateway = igw;

        const publicSubnets = plan.public.map(
            (cidr, i) =>
                new aws.ec2.Subnet(
                    `${name}-public-${i + 1}`,
                    {
                        vpcId: vpc.id,
                        cidrBlock: cidr,
                        availabilityZone: this.zoneNames[i],
                        // Hosts that need a public address get an Elastic IP; nothing gets one by accident.
                        mapPublicIpOnLaunch: false,
                        tags: { ...tags(`public-${i + 1}`), Tier: "public" },
                    },
                    childOpts,
                ),
        );
        const privateSubnets = plan.private.map(
            (cidr, i) =>
                new aws.ec2.Subnet(
                    `${name}-private-${i + 1}`,
                    {
                        vpcId: vpc.id,
                        cidrBlock: cidr,
                        availabilityZone: this.zoneNames[i],
                        mapPublicIpOnLaunch: false,
                        tags: { ...tags(`private-${i + 1}`), Tier: "private" },
                    },
                    childOpts,
                ),
        );
        this.publicSubnetIds = publicSubnets.map((s) => s.id);
        this.privateSubnetIds = privateSubnets.map((s) => s.id);

        const publicRoutes = new aws.ec2.RouteTable(`${name}-public`, { vpcId: vpc.id, tags: tags("public") }, childOpts);
        new aws.ec2.Route(
            `${name}-public-default`,
            { routeTableId: publicRoutes.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id },
            childOpts,
        );
        publicSubnets.forEach(
            (subnet, i) =>
                new aws.ec2.RouteTableAssociation(
                    `${name}-public-${i + 1}`,
                    { subnetId: subnet.id, routeTableId: publicRoutes.id },
                    childOpts,
                ),
        );

        const natGateways = Array.from({ length: natGatewayCount(args.natGateways, plan.public.length) }, (_, i) => {
            const eip = new aws.ec2.Eip(`${name}-nat-${i + 1}`, { domain: "vpc", tags: tags(`nat-${i + 1}`) }, childOpts);
            return new aws.ec2.NatGateway(
                `${name}-nat-${i + 1}`,
                { allocationId: eip.allocationId, subnetId: publicSubnets[i].id, tags: tags(`nat-${i + 1}`) },
                { ...childOpts, dependsOn: [igw] },
            );
        });

        this.natGatewayIds = natGateways.map((n) => n.id);

        // One private route table per zone, so perAz NAT keeps each zone's egress inside the zone.
        privateSubnets.forEach((subnet, i) => {
            const routes = new aws.ec2.RouteTable(
                `${name}-private-${i + 1}`,
                { vpcId: vpc.id, tags: tags(`private-${i + 1}`) },
                childOpts,
            );
            new aws.ec2.Route(
                `${name}-private-${i + 1}-default`,
                { routeTableId: routes.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: natGateways[i % natGateways.length].id },
                childOpts,
            );
            new aws.ec2.RouteTableAssociation(`${name}-private-${i + 1}`, { subnetId: subnet.id, routeTableId: routes.id }, childOpts);
        });

        this.registerOutputs({
            vpcId: this.vpcId,
            publicSubnetIds: this.publicSubnetIds,
            privateSubnetIds: this.privateSubnetIds,
        });
    }
}
