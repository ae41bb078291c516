// Per-region relay VPC ranges, carved from network.relayVpcCidr by the config layer's pure CIDR planner.
import { RelayVpcPlan, planRelayVpcs } from "../config/cidr";

/** Lookup of each relay region's plan; fails loudly if the planner left a region out. */
export function relayVpcPlan(relayVpcCidr: string, regions: readonly string[]): (region: string) => RelayVpcPlan {
    const plans = planRelayVpcs(relayVpcCidr, regions);
    return (region) => {
        const plan = plans[region];
        if (!plan) {
            throw new Error(`network.relayVpcCidr: no relay VPC range was planned for region "${region}"`);
        }
        return plan;
    };
}
