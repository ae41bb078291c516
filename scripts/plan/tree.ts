// The readable resource tree: components and their children, each custom AWS resource with its provider's region.
import type { PlanResource, PlanResult } from "./evaluate";
import { unwrapSecrets } from "./wire";

export function resourceTree(result: PlanResult): string {
    const byUrn = new Map(result.resources.map((r) => [r.urn, r]));
    const children = new Map<string | null, PlanResource[]>();
    for (const r of result.resources) {
        // A parent the plan never saw (should not happen) still shows its children at the root.
        const key = r.parent && byUrn.has(r.parent) ? r.parent : null;
        children.set(key, [...(children.get(key) ?? []), r]);
    }
    const regionOf = (r: PlanResource): string | undefined => {
        if (!r.custom || r.type.startsWith("pulumi:")) return undefined;
        if (!r.type.startsWith("aws:")) return undefined;
        const provider = r.provider ? byUrn.get(r.provider) : undefined;
        const region = unwrapSecrets<Record<string, unknown>>(provider?.inputs ?? {}).region;
        return typeof region === "string" ? region : `${result.settings.region}, default provider`;
    };
    const label = (r: PlanResource): string => {
        const notes = [
            regionOf(r),
            r.type === "pulumi:providers:aws" ? `region ${String(unwrapSecrets<Record<string, unknown>>(r.inputs).region ?? "?")}` : undefined,
            r.read ? "read" : undefined,
            r.options.protect ? "protected" : undefined,
        ].filter(Boolean);
        return `${r.type} ${r.name}${notes.length ? `  (${notes.join(", ")})` : ""}`;
    };
    const lines: string[] = [];
    const walk = (parent: string | null, prefix: string) => {
        const list = children.get(parent) ?? [];
        list.forEach((r, i) => {
            const last = i === list.length - 1;
            lines.push(`${prefix}${parent === null ? "" : last ? "└─ " : "├─ "}${label(r)}`);
            walk(r.urn, parent === null ? "" : `${prefix}${last ? "   " : "│  "}`);
        });
    };
    walk(null, "");
    return lines.join("\n");
}
