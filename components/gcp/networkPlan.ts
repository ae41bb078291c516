// Address plan of the one global VPC, as plain data: the controller subnet (vpcCidr, in the primary region), one
// subnet per relay region (a /20 of relayVpcCidr each, in the order regions first appear, like the AWS relay VPCs),
// and the private services access range Cloud SQL's private IP comes from. Config validation already proved that
// none of them overlap.
import { RELAY_VPC_PREFIX, cidrsOverlap, parseIpv4Cidr, planRelayVpcs } from "../config/cidr";
import { Settings } from "../config/types";
import { relayRegions } from "../aws/providers";

export interface GcpNetworkPlan {
    /** Controllers and the bastion; a GCP subnet spans every zone of its region. */
    readonly controllerSubnet: { readonly region: string; readonly cidr: string };
    /** Relay region → its subnet. A relay region equal to the primary region still gets its own subnet. */
    readonly relaySubnets: Readonly<Record<string, string>>;
    /** The allocated range of private services access, as GlobalAddress wants it: start address and prefix. */
    readonly privateServices: { readonly address: string; readonly prefixLength: number };
}

export function planGcpNetwork(settings: Settings): GcpNetworkPlan {
    if (!settings.gcp) {
        throw new Error("planGcpNetwork: settings.gcp is missing (cloud is not gcp)");
    }
    const relayPlans = planRelayVpcs(settings.network.relayVpcCidr, relayRegions(settings), 1);
    const relaySubnets: Record<string, string> = {};
    for (const [region, plan] of Object.entries(relayPlans)) {
        relaySubnets[region] = plan.vpcCidr;
    }
    const psa = settings.gcp.privateServicesCidr;
    const parsed = parseIpv4Cidr(psa);
    if (!parsed) {
        throw new Error(`gcpPrivateServicesCidr: not an IPv4 CIDR (got "${psa}")`);
    }
    const all = [settings.network.vpcCidr, ...Object.values(relaySubnets), psa];
    for (let i = 0; i < all.length; i++) {
        for (let j = i + 1; j < all.length; j++) {
            if (cidrsOverlap(all[i], all[j])) {
                throw new Error(`GCP network plan: ${all[i]} overlaps ${all[j]}; config validation should have refused this`);
            }
        }
    }
    return {
        controllerSubnet: { region: settings.region, cidr: settings.network.vpcCidr },
        relaySubnets,
        privateServices: { address: psa.split("/")[0], prefixLength: parsed.prefix },
    };
}

/** Each relay region's subnet is one /20: room for thousands of relays, and the same budget as an AWS relay VPC. */
export const RELAY_SUBNET_PREFIX = RELAY_VPC_PREFIX;
