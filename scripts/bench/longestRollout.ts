// The longest `pulumi up` the host scripts allow: every remote command that does work in a run takes its whole
// run limit (RUN_LIMIT_SECONDS, enforced on the host with `timeout`), in the order the command graph imposes.
// CI's deploy jobs and their cloud sessions must outlast it (docs/promotion.md, "Time limits"). Pure.
import { CommandKind, RUN_LIMIT_SECONDS, commandGraph } from "../../components/host/rollout";
import { schedule } from "./criticalPath";

export type RunKind = "first install" | "update";

/**
 * Which commands do work in each kind of run (components/host/layer.ts, commandSpec); the others are a no-op SSH
 * round trip, counted as 0 s. An update counts wait and db-bootstrap too: they re-run when their own script
 * changes. SSH dial retries (an unreachable host) are not counted: they end in a failed command, not a long run.
 */
export const WORKING_COMMANDS: Readonly<Record<RunKind, Readonly<Record<CommandKind, boolean>>>> = {
    // converge is created with nothing to do: install did the first install.
    "first install": { wait: true, prepare: true, "db-bootstrap": true, install: true, converge: false, verify: true },
    // install's update is a no-op: every later change rolls through converge, one host at a time.
    update: { wait: true, prepare: true, "db-bootstrap": true, install: false, converge: true, verify: true },
};

export interface LongestRollout {
    readonly seconds: number;
    readonly run: RunKind;
    /** Command keys on the longest path, first to last. */
    readonly path: readonly string[];
}

/** The longer of a first install and an update with every working command at its run limit. */
export function longestRollout(controllers: number, relays: number): LongestRollout {
    const graph = commandGraph(
        Array.from({ length: controllers }, (_, i) => `controller-${i + 1}`),
        Array.from({ length: relays }, (_, i) => `relay-${i + 1}`),
    );
    const runs = (Object.keys(WORKING_COMMANDS) as RunKind[]).map((run) => {
        const s = schedule(graph.map((n) => ({ id: n.key, deps: n.dependsOn, seconds: WORKING_COMMANDS[run][n.kind] ? RUN_LIMIT_SECONDS[n.kind] : 0 })));
        return { seconds: s.seconds, run, path: s.path };
    });
    return runs.reduce((a, b) => (b.seconds > a.seconds ? b : a));
}
