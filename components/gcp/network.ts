// The one global VPC: custom mode, the controller subnet in the primary region, one subnet per relay region,
// Cloud Router + Cloud NAT for the controllers' egress (they have no external address), and private services
// access (an allocated range and the peering connection) that gives Cloud SQL a private IP inside the VPC.
import * as pulumi from "@pulumi/pulumi";
import * as gcp from "@pulumi/gcp";
import { resourceLabels } from "./labels";
import { GcpNetworkPlan } from "./networkPlan";

export interface NetworkArgs {
    readonly plan: GcpNetworkPlan;
    readonly provider: gcp.Provider;
}

export class Network extends pulumi.ComponentResource {
    readonly networkId: pulumi.Output<string>;
    readonly controllerSubnetId: pulumi.Output<string>;
    /** Relay region → subnet id. */
    readonly relaySubnetIds: ReadonlyMap<string, pulumi.Output<string>>;
    /** The name of the allocated range Cloud SQL takes its address from. */
    readonly privateServicesRangeName: pulumi.Output<string>;
    /** Cloud SQL must wait for it: the instance references only the network, not the peering. */
    readonly privateServicesConnection: gcp.servicenetworking.Connection;

    constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("openzro:gcp:Network", name, {}, opts);
        const childOpts = { parent: this, provider: args.provider };
        const { plan } = args;

        const vpc = new gcp.compute.Network(
            `${name}-vpc`,
            {
                autoCreateSubnetworks: false,
                routingMode: "REGIONAL",
                // The default route to the internet is what Cloud NAT and the external addresses use.
                deleteDefaultRoutesOnCreate: false,
                description: "openZro: controllers, bastion, relays",
            },
            childOpts,
        );
        this.networkId = vpc.id;

        const controllerSubnet = new gcp.compute.Subnetwork(
            `${name}-controllers`,
            {
                network: vpc.id,
                region: plan.controllerSubnet.region,
                ipCidrRange: plan.controllerSubnet.cidr,
                // Google APIs without NAT.
                privateIpGoogleAccess: true,
                description: "openZro controllers and bastion",
            },
            childOpts,
        );
        this.controllerSubnetId = controllerSubnet.id;

        const relaySubnets = new Map<string, pulumi.Output<string>>();
        for (const [region, cidr] of Object.entries(plan.relaySubnets)) {
            const subnet = new gcp.compute.Subnetwork(
                `${name}-relays-${region}`,
                { network: vpc.id, region, ipCidrRange: cidr, privateIpGoogleAccess: true, description: `openZro relays in ${region}` },
                childOpts,
            );
            relaySubnets.set(region, subnet.id);
        }
        this.relaySubnetIds = relaySubnets;

        // Cloud NAT serves only instances without an external address in its region: the controllers.
        const router = new gcp.compute.Router(`${name}-router`, { network: vpc.id, region: plan.controllerSubnet.region }, childOpts);
        new gcp.compute.RouterNat(
            `${name}-nat`,
            {
                router: router.name,
                region: plan.controllerSubnet.region,
                natIpAllocateOption: "AUTO_ONLY",
                sourceSubnetworkIpRangesToNat: "LIST_OF_SUBNETWORKS",
                subnetworks: [{ name: controllerSubnet.id, sourceIpRangesToNats: ["ALL_IP_RANGES"] }],
                logConfig: { enable: true, filter: "ERRORS_ONLY" },
            },
            childOpts,
        );

        const psaRange = new gcp.compute.GlobalAddress(
            `${name}-private-services`,
            {
                network: vpc.id,
                purpose: "VPC_PEERING",
                addressType: "INTERNAL",
                // Pinned start address: the range cannot land on a subnet that config validation did not see.
                address: plan.privateServices.address,
                prefixLength: plan.privateServices.prefixLength,
                description: "openZro: private services access (Cloud SQL)",
                labels: resourceLabels("network"),
            },
            childOpts,
        );
        this.privateServicesRangeName = psaRange.name;
        this.privateServicesConnection = new gcp.servicenetworking.Connection(
            `${name}-private-services`,
            {
                network: vpc.id,
                service: "servicenetworking.googleapis.com",
                reservedPeeringRanges: [psaRange.name],
                // Deleting the peering fails while (and for a while after) Cloud SQL used it; leave it to the VPC's
                // deletion instead of failing `pulumi destroy` (hashicorp/terraform-provider-google#19908).
                deletionPolicy: "ABANDON",
            },
            childOpts,
        );

        this.registerOutputs({ networkId: this.networkId, controllerSubnetId: this.controllerSubnetId });
    }
}
