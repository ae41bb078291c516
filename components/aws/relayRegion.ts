// Everything relays need in one region: a small VPC of its own (public subnets only, relays have public
// addresses), an internet gateway, a route table, the relay security group, and one RelayHost per relay.
// Every child runs on that region's provider; only the relays' DNS records use the primary one.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { RelaySettings, Settings } from "../config/types";
import { relayHostName } from "../config/naming";
import { instanceArchitecture } from "./architecture";
import { UbuntuAmis } from "./ami";
import { RelayHost } from "./relayHost";
import { createSecurityRules, GROUP_COMPONENT } from "./securityGroups";
import { relaySecurityRules } from "./securityRules";
import { resourceTags } from "./tags";
import { roundRobinSlot } from "./zones";

export interface RelayRegionArgs {
    readonly settings: Settings;
    readonly region: string;
    /** Carved from network.relayVpcCidr by planRelayVpcs. */
    readonly vpcCidr: string;
    /** Decides how many subnets exist; relays are spread over them round-robin. */
    readonly publicSubnetCidrs: readonly string[];
    /** The relays of this region; decides how many hosts exist. */
    readonly relays: readonly RelaySettings[];
    readonly keyName: pulumi.Input<string>;
    /** Ubuntu image lookups of this region, shared with anything else the footprint runs here. */
    readonly amis: UbuntuAmis;
    readonly zoneId: pulumi.Input<string>;
    readonly provider: aws.Provider;
    readonly dnsProvider: aws.Provider;
    /** The gate of the relay before this region's first relay (instance chain across regions). */
    readonly after?: pulumi.Resource;
    /** Creates a relay's gate once its host exists; the next relay's instance waits for it. */
    readonly gateOf?: (host: RelayHost, relay: RelaySettings) => pulumi.Resource | undefined;
    /** The metrics agent's policy (JSON): every relay's instance role carries it. */
    readonly metricsPolicy?: pulumi.Input<string>;
}

export class RelayRegion extends pulumi.ComponentResource {
    readonly hosts: readonly { readonly relay: RelaySettings; readonly host: RelayHost }[];
    /** The relay security group (the CI deploy runner adds its SSH rule to it). */
    readonly securityGroupId: pulumi.Output<string>;
    /** The last relay's gate: the next region's first relay waits for it. */
    readonly lastGate: pulumi.Resource | undefined;

    constructor(name: string, args: RelayRegionArgs, opts?: pulumi.ComponentResourceOptions) {
        super("openzro:aws:RelayRegion", name, {}, { ...opts, providers: { aws: args.provider } });
        const { settings } = args;
        const stack = pulumi.getStack();
        const tags = (stem: string) => resourceTags("relays", stack, `relays-${args.region}-${stem}`);
        const childOpts = { parent: this, provider: args.provider };

        const zones = aws.getAvailabilityZonesOutput(
            { state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] },
            childOpts,
        );
        const vpc = new aws.ec2.Vpc(
            `${name}-vpc`,
            { cidrBlock: args.vpcCidr, enableDnsHostnames: true, enableDnsSupport: true, tags: tags("vpc") },
            childOpts,
        );
        const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: tags("igw") }, childOpts);
        const routes = new aws.ec2.RouteTable(`${name}-public`, { vpcId: vpc.id, tags: tags("public") }, childOpts);
        new aws.ec2.Route(`${name}-public-default`, { routeTableId: routes.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id }, childOpts);

        const subnets = args.publicSubnetCidrs.map((cidr, i) => {
            const subnet = new aws.ec2.Subnet(
                `${name}-public-${i + 1}`,
                {
                    vpcId: vpc.id,
                    cidrBlock: cidr,
                    availabilityZone: zones.names.apply((names) => names[roundRobinSlot(i, names.length)]),
                    mapPublicIpOnLaunch: false,
                    tags: { ...tags(`public-${i + 1}`), Tier: "public" },
                },
                childOpts,
            );
            new aws.ec2.RouteTableAssociation(`${name}-public-${i + 1}`, { subnetId: subnet.id, routeTableId: routes.id }, childOpts);
            return subnet;
        });

        const group = new aws.ec2.SecurityGroup(
            `${name}-relay`,
            { vpcId: vpc.id, description: "openZro relays: relay port and SSH only", tags: tags("relay") },
            childOpts,
        );
        createSecurityRules(name, relaySecurityRules(settings), { relay: group.id }, (g) => GROUP_COMPONENT[g], childOpts);
        this.securityGroupId = group.id;

        let previousGate = args.after;
        this.hosts = args.relays.map((relay, i) => {
            const arch = instanceArchitecture(relay.instanceType, `relays[${relay.name}].instanceType`);
            const host = new RelayHost(
                `${name}-${relayHostName(relay.name)}`,
                {
                    relay,
                    domain: settings.domain,
                    rootVolumeGb: settings.relay.rootVolumeGb,
                    ami: args.amis.imageId(arch, settings.relay.amiId),
                    amiFromLookup: !settings.relay.amiId,
                    subnetId: subnets[roundRobinSlot(i, subnets.length)].id,
                    securityGroupId: group.id,
                    keyName: args.keyName,
                    internetGateway: igw,
                    zoneId: args.zoneId,
                    route53Acme: settings.relay.tls === "route53",
                    provider: args.provider,
                    dnsProvider: args.dnsProvider,
                    after: previousGate,
                    ...(args.metricsPolicy !== undefined ? { metricsPolicy: args.metricsPolicy } : {}),
                },
                { parent: this },
            );
            previousGate = args.gateOf?.(host, relay) ?? previousGate;
            return { relay, host };
        });
        this.lastGate = previousGate;

        this.registerOutputs({ publicIps: this.hosts.map((h) => h.host.publicIp) });
    }
}
