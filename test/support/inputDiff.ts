// Which inputs of a resource a `pulumi preview` would show as changed between two evaluations: every top-level input
// whose value differs, less the ones the resource's `ignoreChanges` option hides (as the engine does).
import type { RecordedResource } from "../../scripts/plan/recorder";
import { unwrapSecrets } from "../../scripts/plan/wire";

export function changedInputs(before: RecordedResource, after: RecordedResource): string[] {
    const a = unwrapSecrets<Record<string, unknown>>(before.inputs);
    const b = unwrapSecrets<Record<string, unknown>>(after.inputs);
    const ignored = new Set(after.options.ignoreChanges);
    return [...new Set([...Object.keys(a), ...Object.keys(b)])]
        .filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]))
        .filter((k) => !ignored.has(k))
        .sort();
}
