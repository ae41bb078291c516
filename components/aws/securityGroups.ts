// Security groups of the primary region and the helper that turns planned rules (securityRules.ts) into one
// aws.vpc.SecurityGroupIngressRule / EgressRule resource each.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { Settings } from "../config/types";
import { ComponentTag, resourceTags } from "./tags";
import { GroupKey, SecurityRule, primarySecurityRules } from "./securityRules";

/** The ids of the groups a rule set refers to. */
export type GroupIds = Partial<Record<GroupKey, pulumi.Input<string>>>;

/** Creates one rule resource per planned rule; returns them by rule key. */
export function createSecurityRules(
    name: string,
    rules: readonly SecurityRule[],
    groupIds: GroupIds,
    component: (group: GroupKey) => ComponentTag,
    opts: pulumi.CustomResourceOptions,
): Map<string, pulumi.CustomResource> {
    const stack = pulumi.getStack();
    const idOf = (group: GroupKey): pulumi.Input<string> => {
        const id = groupIds[group];
        if (id === undefined) {
            throw new Error(`security rule refers to group "${group}", which does not exist here`);
        }
        return id;
    };
    const created = new Map<string, pulumi.CustomResource>();
    for (const rule of rules) {
        const peer =
            "group" in rule.peer
                ? { referencedSecurityGroupId: idOf(rule.peer.group) }
                : rule.peer.cidr.includes(":")
                  ? { cidrIpv6: rule.peer.cidr }
                  : { cidrIpv4: rule.peer.cidr };
        const ports = rule.protocol === "all" ? {} : { fromPort: rule.port, toPort: rule.port };
        const args = {
            securityGroupId: idOf(rule.group),
            ipProtocol: rule.protocol === "all" ? "-1" : rule.protocol,
            ...ports,
            ...peer,
            description: rule.description,
            tags: resourceTags(component(rule.group), stack, rule.key),
        };
        const resource =
            rule.direction === "ingress"
                ? new aws.vpc.SecurityGroupIngressRule(`${name}-${rule.key}`, args, opts)
                : new aws.vpc.SecurityGroupEgressRule(`${name}-${rule.key}`, args, opts);
        created.set(rule.key, resource);
    }
    return created;
}

export const GROUP_COMPONENT: Record<GroupKey, ComponentTag> = {
    alb: "loadbalancer",
    controllers: "controllers",
    bastion: "bastion",
    database: "database",
    relay: "relays",
};

const GROUP_DESCRIPTION: Record<Exclude<GroupKey, "relay">, string> = {
    alb: "openZro load balancer",
    controllers: "openZro controllers (management, signal, dashboard)",
    bastion: "openZro SSH bastion",
    database: "openZro PostgreSQL",
};

export interface SecurityGroupsArgs {
    readonly settings: Settings;
    readonly vpcId: pulumi.Input<string>;
    readonly provider: aws.Provider;
}

export class SecurityGroups extends pulumi.ComponentResource {
    readonly albId: pulumi.Output<string>;
    readonly controllersId: pulumi.Output<string>;
    readonly bastionId: pulumi.Output<string>;
    readonly databaseId: pulumi.Output<string>;
    /** Rule resources by key (e.g. "database-in-5432"), for dependsOn. */
    readonly rules: ReadonlyMap<string, pulumi.CustomResource>;

    constructor(name: string, args: SecurityGroupsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("openzro:aws:SecurityGroups", name, {}, opts);
        const stack = pulumi.getStack();
        const childOpts = { parent: this, provider: args.provider };
        const group = (key: Exclude<GroupKey, "relay">) =>
            new aws.ec2.SecurityGroup(
                `${name}-${key}`,
                {
                    vpcId: args.vpcId,
                    description: GROUP_DESCRIPTION[key],
                    // alb and controllers reference each other: revoke rules first so either can be deleted.
                    revokeRulesOnDelete: true,
                    tags: resourceTags(GROUP_COMPONENT[key], stack, key),
                },
                childOpts,
            ).id;
        this.albId = group("alb");
        this.controllersId = group("controllers");
        this.bastionId = group("bastion");
        this.databaseId = group("database");

        this.rules = createSecurityRules(
            name,
            primarySecurityRules(args.settings),
            { alb: this.albId, controllers: this.controllersId, bastion: this.bastionId, database: this.databaseId },
            (g) => GROUP_COMPONENT[g],
            childOpts,
        );

        this.registerOutputs({
            albId: this.albId,
            controllersId: this.controllersId,
            bastionId: this.bastionId,
            databaseId: this.databaseId,
        });
    }
}
