// Enforcement per stack. Every policy is mandatory by default (and in production, whose config file says so
// explicitly); staging deliberately runs a cheaper database, so exactly these policies drop to advisory there:
// they still print, they no longer block. The per-stack files policy/config/<stack>.json are what CI passes to
// `pulumi preview/up --policy-pack policy --policy-pack-config policy/config/<stack>.json`.
import type { EnforcementLevel } from "@pulumi/policy";
import { policies } from "./policies";

/**
 * Staging relaxations (Pulumi.staging.yaml, and a GCP staging stack): a database that may be destroyed with the
 * stack. RDS Multi-AZ is not relaxed: staging's game day fails the database over, which needs the standby.
 */
export const RELAXED_IN_STAGING: readonly string[] = [
    "rds-deletion-protection",
    "rds-final-snapshot",
    "rds-pulumi-protect",
    "gcp-sql-regional",
    "gcp-sql-deletion-protection",
];

/** The stacks that promote to production (docs/promotion.md): AWS's `staging` and GCP's `gcp-staging`. */
export const STAGING_STACKS: readonly string[] = ["staging", "gcp-staging"];

export type PolicyPackConfig = Record<string, { enforcementLevel: EnforcementLevel; [setting: string]: unknown }>;

/**
 * Policy settings the stacks share: the relay host's public ports (defaults of relayTls/relayPort, and coturn's
 * STUN port). A stack that sets another relayPort edits its file's relayPort to match.
 */
export const POLICY_SETTINGS: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
    "sg-relay-only-relay-port-public": { relayPort: 443, stunPort: 3478 },
};

/** The --policy-pack-config content for a stack; stacks other than the staging ones get production's strictness. */
export function policyConfigFor(stack: string): PolicyPackConfig {
    const config: PolicyPackConfig = {};
    for (const p of policies) {
        const relaxed = STAGING_STACKS.includes(stack) && RELAXED_IN_STAGING.includes(p.name);
        config[p.name] = { enforcementLevel: relaxed ? "advisory" : "mandatory", ...POLICY_SETTINGS[p.name] };
    }
    return config;
}
