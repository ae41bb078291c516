// One service account per host role: the firewall rules match and target them (firewallPlan.ts), and they keep
// every host off the Compute Engine default account (Editor in many projects). Controllers and relays may write
// logs and metrics (the Ops Agent, if an operator installs it); the bastion gets no role at all.
import * as pulumi from "@pulumi/pulumi";
import * as gcp from "@pulumi/gcp";
import { HostRole } from "./firewallPlan";

export const ROLE_GRANTS: Readonly<Record<HostRole, readonly string[]>> = {
    controller: ["roles/logging.logWriter", "roles/monitoring.metricWriter"],
    relay: ["roles/logging.logWriter", "roles/monitoring.metricWriter"],
    bastion: [],
};

/** accountId: 6-30 characters, lower-case letters, digits, hyphens. */
export function accountId(stackPrefix: string, role: HostRole): string {
    const suffix = `-${role}`;
    return `${stackPrefix.slice(0, 30 - suffix.length).replace(/-+$/, "")}${suffix}`;
}

export interface ServiceAccountsArgs {
    readonly project: string;
    readonly stackPrefix: string;
    readonly provider: gcp.Provider;
}

export class ServiceAccounts extends pulumi.ComponentResource {
    readonly emails: Readonly<Record<HostRole, pulumi.Output<string>>>;

    constructor(name: string, args: ServiceAccountsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("openzro:gcp:ServiceAccounts", name, {}, opts);
        const childOpts = { parent: this, provider: args.provider };
        const emails = {} as Record<HostRole, pulumi.Output<string>>;
        for (const role of Object.keys(ROLE_GRANTS) as HostRole[]) {
            const account = new gcp.serviceaccount.Account(
                `${name}-${role}`,
                { accountId: accountId(args.stackPrefix, role), displayName: `openZro ${role} (${args.stackPrefix})` },
                childOpts,
            );
            for (const grant of ROLE_GRANTS[role]) {
                new gcp.projects.IAMMember(
                    `${name}-${role}-${grant.replace(/^roles\//, "").replace(/\./g, "-")}`,
                    { project: args.project, role: grant, member: pulumi.interpolate`serviceAccount:${account.email}` },
                    childOpts,
                );
            }
            emails[role] = account.email;
        }
        this.emails = emails;
        this.registerOutputs({ emails: this.emails });
    }
}
