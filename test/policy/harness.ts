// Runs the pack's policies the way the Pulumi engine does, without the engine: resource policies once per
// resource (on its inputs), stack policies once over all resources, enforcement taken from the stack's
// --policy-pack-config (policy/config/<stack>.json content). Used by every test under test/policy.
import type { EnforcementLevel, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import { policyConfigFor, PolicyPackConfig } from "../../policy/enforcement";
import { isStackPolicy, OpenzroPolicy, policies as allPolicies } from "../../policy/policies";
import type { StackResource } from "../../policy/lib/types";

/**
 * A resource as the engine knows it: stack policies read `props` (outputs), resource policies read `inputs`
 * (falling back to props) and `options` (protect and friends).
 */
export interface EngineResource extends StackResource {
    readonly inputs?: Record<string, any>;
    readonly options?: { readonly protect?: boolean };
}

export interface Violation {
    readonly policy: string;
    readonly enforcementLevel: EnforcementLevel;
    readonly message: string;
    readonly urn?: string;
}

class NotApplicable extends Error {}

function configOf(config: PolicyPackConfig | Record<string, any>, name: string): Record<string, any> {
    const { enforcementLevel: _ignored, ...rest } = (config[name] ?? {}) as Record<string, any>;
    return rest;
}

export interface EvaluateOptions {
    /** Stack name: picks the enforcement levels (staging relaxes some policies). Default "production". */
    readonly stack?: string;
    /** Extra per-policy config (merged over the stack's), e.g. { "lb-idle-timeout-for-streams": { minSeconds: 900 } }. */
    readonly config?: Record<string, Record<string, unknown>>;
    readonly policies?: readonly OpenzroPolicy[];
}

export async function evaluate(resources: readonly EngineResource[], opts: EvaluateOptions = {}): Promise<Violation[]> {
    const stackConfig: Record<string, any> = policyConfigFor(opts.stack ?? "production");
    for (const [name, extra] of Object.entries(opts.config ?? {})) {
        stackConfig[name] = { ...(stackConfig[name] ?? {}), ...extra };
    }
    const out: Violation[] = [];
    for (const p of opts.policies ?? allPolicies) {
        const enforcementLevel: EnforcementLevel = stackConfig[p.name]?.enforcementLevel ?? p.enforcementLevel ?? "mandatory";
        if (enforcementLevel === "disabled") {
            continue;
        }
        const getConfig = <T extends object>() => configOf(stackConfig, p.name) as T;
        const notApplicable = (reason?: string): never => {
            throw new NotApplicable(reason);
        };
        try {
            if (isStackPolicy(p)) {
                const args: StackValidationArgs = { resources: resources as any, stackTags: new Map(), getConfig, notApplicable };
                await p.validateStack(args, (message, urn) => out.push({ policy: p.name, enforcementLevel, message, urn }));
                continue;
            }
            const validators = (Array.isArray(p.validateResource) ? p.validateResource : [p.validateResource]).filter(
                (v): v is NonNullable<typeof v> => v !== undefined,
            );
            for (const r of resources) {
                const args = {
                    type: r.type,
                    props: r.inputs ?? r.props,
                    urn: r.urn,
                    name: r.name,
                    opts: { protect: r.options?.protect === true, ignoreChanges: [], aliases: [], additionalSecretOutputs: [] },
                    stackTags: new Map(),
                    getConfig,
                    notApplicable,
                    isType: () => false,
                    asType: () => undefined,
                } as unknown as ResourceValidationArgs;
                for (const v of validators) {
                    await v(args, (message) => out.push({ policy: p.name, enforcementLevel, message, urn: r.urn }));
                }
            }
        } catch (e) {
            if (!(e instanceof NotApplicable)) {
                throw e;
            }
        }
    }
    return out;
}

export function policyNames(vs: readonly Violation[]): string[] {
    return [...new Set(vs.map((v) => v.policy))].sort();
}

export function mandatory(vs: readonly Violation[]): Violation[] {
    return vs.filter((v) => v.enforcementLevel === "mandatory");
}
