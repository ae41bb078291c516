// plan.json, the stable contract of the offline plan (ARCHITECTURE.md §6):
//   { project, stack, resources: [{ urn, type, name, parent, provider, dependencies, inputs }], outputs }
// Secret values become "[secret]" unless the caller explicitly asks to see them.
import type { PlanResult } from "./evaluate";
import { redactSecrets, unwrapSecrets } from "./wire";

export interface PlanJsonResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly parent: string | null;
    readonly provider: string | null;
    readonly dependencies: readonly string[];
    readonly inputs: Record<string, unknown>;
}

export interface PlanJson {
    readonly project: string;
    readonly stack: string;
    readonly resources: readonly PlanJsonResource[];
    readonly outputs: Record<string, unknown>;
}

export function toPlanJson(result: PlanResult, opts: { showSecrets?: boolean } = {}): PlanJson {
    const clean = opts.showSecrets ? unwrapSecrets : redactSecrets;
    return {
        project: result.project,
        stack: result.stack,
        resources: result.resources.map((r) => ({
            urn: r.urn,
            type: r.type,
            name: r.name,
            parent: r.parent,
            provider: r.provider,
            dependencies: [...r.dependencies],
            inputs: clean<Record<string, unknown>>(r.inputs),
        })),
        outputs: clean<Record<string, unknown>>({ ...result.outputs }),
    };
}

/** Stable text: two-space indent and a final newline, so identical plans are byte-identical files. */
export function planJsonText(plan: PlanJson): string {
    return `${JSON.stringify(plan, null, 2)}\n`;
}
