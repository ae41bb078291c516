// plan.json, the stable contract of the offline plan (ARCHITECTURE.md §6):
//   { project, stack, resources: [{ urn, type, name, parent, provider, dependencies, inputs, options }], outputs }
// Secret values become "[secret]" unless the caller explicitly asks to see them. `options` are the resource
// options that decide what a replace or a destroy does, exactly as the program sent them to the engine.
import type { PlanResult } from "./evaluate";
import type { RecordedOptions } from "./recorder";
import { redactSecrets, unwrapSecrets } from "./wire";

export interface PlanJsonResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly parent: string | null;
    readonly provider: string | null;
    readonly dependencies: readonly string[];
    readonly inputs: Record<string, unknown>;
    readonly options: PlanJsonOptions;
}

/** The options a reviewer needs to see what `pulumi up` or `destroy` would do to a resource (ARCHITECTURE.md §6). */
export type PlanJsonOptions = Pick<
    RecordedOptions,
    "protect" | "retainOnDelete" | "ignoreChanges" | "deleteBeforeReplace" | "replaceOnChanges" | "deletedWith" | "aliases" | "customTimeouts"
>;

export function planJsonOptions(o: RecordedOptions): PlanJsonOptions {
    return {
        protect: o.protect,
        retainOnDelete: o.retainOnDelete,
        ignoreChanges: [...o.ignoreChanges],
        deleteBeforeReplace: o.deleteBeforeReplace,
        replaceOnChanges: [...o.replaceOnChanges],
        deletedWith: o.deletedWith,
        aliases: [...o.aliases],
        customTimeouts: o.customTimeouts,
    };
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
            options: planJsonOptions(r.options),
        })),
        outputs: clean<Record<string, unknown>>({ ...result.outputs }),
    };
}

/** Stable text: two-space indent and a final newline, so identical plans are byte-identical files. */
export function planJsonText(plan: PlanJson): string {
    return `${JSON.stringify(plan, null, 2)}\n`;
}
