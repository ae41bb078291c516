// The primary VPC and the pool relay-region VPCs are carved from.
import { RELAY_VPC_PREFIX, VPC_MAX_PREFIX, VPC_MIN_PREFIX, cidrsOverlap, formatCidr } from "../cidr";
import { ConfigError } from "../errors";
import { DEFAULTS } from "../keys";
import { RawReader } from "../reader";
import type { Cloud, NatGatewayMode, Settings } from "../types";
import { checkPrivateCidr, rejectOnGcp } from "./common";

export function readNetwork(r: RawReader, cloud: Cloud): Settings["network"] {
    const vpcCidr = r.text("vpcCidr", DEFAULTS.vpcCidr);
    const vpc = checkPrivateCidr("vpcCidr", vpcCidr, DEFAULTS.vpcCidr);
    if (vpc.prefix < VPC_MIN_PREFIX) {
        throw new ConfigError("vpcCidr", "is larger than an AWS VPC can be", vpcCidr, `use a /${VPC_MIN_PREFIX} to /${VPC_MAX_PREFIX}, e.g. ${DEFAULTS.vpcCidr}`);
    }
    if (vpc.prefix > VPC_MAX_PREFIX) {
        throw new ConfigError(
            "vpcCidr",
            "is too small for public and private subnets in 3 availability zones",
            vpcCidr,
            `use a /${VPC_MAX_PREFIX} or larger, e.g. ${DEFAULTS.vpcCidr}`,
        );
    }

    const azCount = r.int("azCount", { min: 1, max: 3 }, DEFAULTS.azCount);
    if (cloud === "aws" && azCount < 2) {
        throw new ConfigError(
            "azCount",
            "is too few: an AWS load balancer and a database subnet group need subnets in at least 2 availability zones",
            azCount,
            "set 2 or 3",
        );
    }

    const relayVpcCidr = r.text("relayVpcCidr", DEFAULTS.relayVpcCidr);
    const pool = checkPrivateCidr("relayVpcCidr", relayVpcCidr, DEFAULTS.relayVpcCidr);
    if (pool.prefix > RELAY_VPC_PREFIX) {
        throw new ConfigError(
            "relayVpcCidr",
            `is smaller than the /${RELAY_VPC_PREFIX} each relay region needs`,
            relayVpcCidr,
            `use a /${RELAY_VPC_PREFIX} or larger, e.g. ${DEFAULTS.relayVpcCidr}`,
        );
    }
    if (cidrsOverlap(vpcCidr, relayVpcCidr)) {
        throw new ConfigError(
            "relayVpcCidr",
            `overlaps vpcCidr ${formatCidr(vpc)}`,
            relayVpcCidr,
            `choose blocks that do not overlap, e.g. vpcCidr ${DEFAULTS.vpcCidr} and relayVpcCidr ${DEFAULTS.relayVpcCidr}`,
        );
    }

    const natGateways = r.oneOf<NatGatewayMode>("natGateways", ["perAz", "single"], DEFAULTS.natGateways);
    if (cloud === "gcp") {
        rejectOnGcp("natGateways", natGateways, natGateways === DEFAULTS.natGateways, "Cloud NAT is one regional, highly available service", `remove it (the default ${DEFAULTS.natGateways} is ignored on GCP)`);
    }
    return {
        vpcCidr,
        azCount,
        natGateways,
        relayVpcCidr,
    };
}
