// The longest path through a dependency graph whose nodes take time: how long a `pulumi up` that starts every
// resource as soon as its dependencies finish needs at best (Pulumi's engine runs independent steps in parallel).
// Pure; the bench feeds it the offline plan's graph and a duration model.

export interface TimedNode {
    readonly id: string;
    readonly seconds: number;
    /** Ids that must finish before this node starts. */
    readonly deps: readonly string[];
}

export interface Schedule {
    /** Earliest finish of every node, in seconds from the start. */
    readonly finish: ReadonlyMap<string, number>;
    /** Finish of the last node. */
    readonly seconds: number;
    /** Ids on one longest path, first to last. */
    readonly path: readonly string[];
}

/** Earliest-finish schedule and one critical path. Throws on an unknown dependency or a cycle. */
export function schedule(nodes: readonly TimedNode[]): Schedule {
    const byId = new Map(nodes.map((n) => [n.id, n]));
    if (byId.size !== nodes.length) throw new Error("critical path: duplicate node ids");
    for (const n of nodes) {
        if (!(n.seconds >= 0)) throw new Error(`critical path: ${n.id} has no non-negative duration (got ${n.seconds})`);
        for (const d of n.deps) {
            if (!byId.has(d)) throw new Error(`critical path: ${n.id} depends on unknown node ${d}`);
        }
    }
    const finish = new Map<string, number>();
    const via = new Map<string, string | undefined>();
    const state = new Map<string, "visiting" | "done">();
    const visit = (id: string): number => {
        const known = finish.get(id);
        if (known !== undefined) return known;
        if (state.get(id) === "visiting") throw new Error(`critical path: dependency cycle through ${id}`);
        state.set(id, "visiting");
        const node = byId.get(id) as TimedNode;
        let start = 0;
        let from: string | undefined;
        for (const d of node.deps) {
            const f = visit(d);
            if (from === undefined || f > start) {
                start = f;
                from = d;
            }
        }
        const end = start + node.seconds;
        finish.set(id, end);
        via.set(id, from);
        state.set(id, "done");
        return end;
    };
    let last: string | undefined;
    for (const n of nodes) {
        const f = visit(n.id);
        if (last === undefined || f > (finish.get(last) as number)) last = n.id;
    }
    const path: string[] = [];
    for (let id = last; id !== undefined; id = via.get(id)) path.unshift(id);
    return { finish, seconds: last === undefined ? 0 : (finish.get(last) as number), path };
}
