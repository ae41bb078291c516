// One gcp.compute.Firewall per planned rule (firewallPlan.ts), sources and targets resolved to the role service
// accounts. INGRESS only; the VPC's implied rules allow egress and deny everything else.
import * as pulumi from "@pulumi/pulumi";
import * as gcp from "@pulumi/gcp";
import { FirewallRulePlan, HostRole } from "./firewallPlan";

export interface FirewallArgs {
    readonly networkId: pulumi.Input<string>;
    readonly rules: readonly FirewallRulePlan[];
    readonly serviceAccounts: Readonly<Record<HostRole, pulumi.Input<string>>>;
    readonly provider: gcp.Provider;
}

export class Firewall extends pulumi.ComponentResource {
    readonly rules: ReadonlyMap<string, gcp.compute.Firewall>;

    constructor(name: string, args: FirewallArgs, opts?: pulumi.ComponentResourceOptions) {
        super("openzro:gcp:Firewall", name, {}, opts);
        const accounts = (roles: readonly HostRole[]) => roles.map((r) => args.serviceAccounts[r]);
        const created = new Map<string, gcp.compute.Firewall>();
        for (const rule of args.rules) {
            if ((rule.sourceRanges === undefined) === (rule.sourceRoles === undefined)) {
                throw new Error(`firewall rule ${rule.key}: exactly one of sourceRanges and sourceRoles must be set`);
            }
            created.set(
                rule.key,
                new gcp.compute.Firewall(
                    `${name}-${rule.key}`,
                    {
                        network: args.networkId,
                        direction: "INGRESS",
                        description: rule.description,
                        ...(rule.sourceRanges ? { sourceRanges: [...rule.sourceRanges] } : { sourceServiceAccounts: accounts(rule.sourceRoles!) }),
                        targetServiceAccounts: accounts(rule.targetRoles),
                        allows: rule.allows.map((a) => ({ protocol: a.protocol, ports: [...a.ports] })),
                        logConfig: { metadata: "EXCLUDE_ALL_METADATA" },
                    },
                    { parent: this, provider: args.provider },
                ),
            );
        }
        this.rules = created;
        this.registerOutputs({});
    }
}
