// Cross-resource lookups for stack policies. A reference (a security group id, a target group ARN, a parameter
// group name) is matched to the resource it names by value first (id, arn, name outputs), then through the
// engine's property dependencies, which still link the two when the value itself is not an identifier the
// referenced resource exports.
import type { StackResource } from "./types";
import { T } from "./types-aws";

/** Values a resource can be referred to by. */
export function identifiers(r: StackResource): string[] {
    const ids: string[] = [];
    for (const key of ["id", "arn", "name"]) {
        const v = r.props[key];
        if (typeof v === "string" && v !== "") {
            ids.push(v);
        }
    }
    return ids;
}

export class StackIndex {
    private readonly byType = new Map<string, StackResource[]>();

    constructor(readonly resources: readonly StackResource[]) {
        for (const r of resources) {
            const list = this.byType.get(r.type) ?? [];
            list.push(r);
            this.byType.set(r.type, list);
        }
    }

    ofType(...types: readonly string[]): StackResource[] {
        return types.flatMap((t) => this.byType.get(t) ?? []);
    }

    /**
     * The candidates that `from.props[prop]` (a value or a list of values) refers to. Values that match no
     * candidate's identifiers fall back to the candidates among the property's dependencies.
     */
    resolveAll(from: StackResource, prop: string, values: unknown, candidates: readonly StackResource[]): StackResource[] {
        const wanted = (Array.isArray(values) ? values : [values]).filter((v): v is string => typeof v === "string" && v !== "");
        const found = new Set<StackResource>();
        let unmatched = false;
        for (const v of wanted) {
            const hit = candidates.find((c) => identifiers(c).includes(v));
            if (hit) {
                found.add(hit);
            } else {
                unmatched = true;
            }
        }
        if (unmatched || wanted.length === 0) {
            for (const dep of from.propertyDependencies[prop] ?? []) {
                if (candidates.includes(dep)) {
                    found.add(dep);
                }
            }
        }
        return [...found];
    }

    resolveOne(from: StackResource, prop: string, value: unknown, candidates: readonly StackResource[]): StackResource | undefined {
        const all = this.resolveAll(from, prop, value, candidates);
        return all.length === 1 ? all[0] : undefined;
    }

    /** Security groups attached to an instance, database or load balancer. */
    securityGroupsOf(r: StackResource): StackResource[] {
        const prop = r.type === T.ec2Instance || r.type === T.rdsInstance ? "vpcSecurityGroupIds" : "securityGroups";
        return this.resolveAll(r, prop, r.props[prop], this.ofType(T.securityGroup));
    }
}
