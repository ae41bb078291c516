// The mocked stack (test/support planStack: the real program under the plan mocks) turned into what the engine
// hands a policy pack: stack policies see every resource's state (outputs) with secrets unwrapped (the engine
// unwraps them too), resource policies its inputs and options, each with its provider's properties.
import { unwrapSecrets } from "../support";
import type { PlanResource, PlanResult } from "../support";
import type { StackResource } from "../../policy/lib/types";
import type { EngineResource } from "./harness";

type Mutable = EngineResource & {
    parent?: StackResource;
    dependencies: StackResource[];
    propertyDependencies: Record<string, StackResource[]>;
};

export function engineResources(plan: Pick<PlanResult, "resources">): EngineResource[] {
    const byUrn = new Map<string, PlanResource>(plan.resources.map((r) => [r.urn, r]));
    const out = new Map<string, Mutable>();
    for (const r of plan.resources) {
        const providerRecord = r.provider ? byUrn.get(r.provider) : undefined;
        const state = unwrapSecrets<Record<string, any>>(r.state ?? {});
        out.set(r.urn, {
            type: r.type,
            urn: r.urn,
            name: r.name,
            props: { ...state, ...(r.id && state.id === undefined ? { id: r.id } : {}) },
            inputs: unwrapSecrets<Record<string, any>>(r.inputs),
            options: { protect: r.options.protect },
            provider: providerRecord
                ? { type: providerRecord.type, urn: providerRecord.urn, name: providerRecord.name, props: unwrapSecrets(providerRecord.inputs) }
                : undefined,
            dependencies: [],
            propertyDependencies: {},
        });
    }
    for (const r of plan.resources) {
        const m = out.get(r.urn)!;
        m.parent = r.parent ? out.get(r.parent) : undefined;
        m.dependencies = r.dependencies.map((u) => out.get(u)).filter((x): x is Mutable => x !== undefined);
        for (const [prop, urns] of Object.entries(r.propertyDependencies)) {
            m.propertyDependencies[prop] = urns.map((u) => out.get(u)).filter((x): x is Mutable => x !== undefined);
        }
    }
    return [...out.values()];
}
