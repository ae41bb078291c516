// Modelled wall-clock of a first install and of a version bump, from the offline plan's real dependency graph
// and the duration model. Pure: plan resources and timings in, figures out; scripts/bench.ts prints them.
import { DrainTimings } from "../../components/host/rollout";
import { schedule, TimedNode } from "./criticalPath";
import { durationRule, UNMODELLED_RULE, PlannedResource } from "./durationModel";

export interface GraphResource extends PlannedResource {
    readonly urn: string;
    readonly dependencies: readonly string[];
    readonly provider: string | null;
}

export interface PathStep {
    readonly name: string;
    readonly type: string;
    readonly label: string;
    readonly seconds: number;
    /** Earliest finish, from the start of `pulumi up`. */
    readonly finish: number;
}

export interface FirstInstallEstimate {
    readonly seconds: number;
    readonly path: readonly PathStep[];
    /** Database ready + DB bootstrap + one controller's install + verify: what no ordering of host work can beat. */
    readonly floorSeconds: number;
    readonly databaseReadySeconds: number;
    /** Types no rule names (the duration model's last rule). */
    readonly defaultedTypes: readonly string[];
}

const DATABASE_TYPES = ["aws:rds/instance:Instance", "gcp:sql/databaseInstance:DatabaseInstance"];

/** Provider references are "<urn>::<id>"; a resource waits for its provider. */
function providerUrn(ref: string | null): string | undefined {
    if (!ref) return undefined;
    const at = ref.lastIndexOf("::");
    return at > 0 ? ref.slice(0, at) : ref;
}

function commandSeconds(resources: readonly GraphResource[], pattern: RegExp): number {
    const command = resources.find((r) => r.type === "command:remote:Command" && pattern.test(r.name));
    if (!command) throw new Error(`install model: the plan has no command matching ${pattern}`);
    return durationRule(command).seconds;
}

export function firstInstallEstimate(resources: readonly GraphResource[]): FirstInstallEstimate {
    const urns = new Set(resources.map((r) => r.urn));
    const nodes: TimedNode[] = resources.map((r) => {
        const provider = providerUrn(r.provider);
        const deps = [...r.dependencies, ...(provider && urns.has(provider) ? [provider] : [])].filter((d) => urns.has(d) && d !== r.urn);
        return { id: r.urn, seconds: durationRule(r).seconds, deps: [...new Set(deps)] };
    });
    const plan = schedule(nodes);
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const path = plan.path.map((urn): PathStep => {
        const r = byUrn.get(urn) as GraphResource;
        const rule = durationRule(r);
        return { name: r.name, type: r.type, label: rule.label, seconds: rule.seconds, finish: plan.finish.get(urn) as number };
    });
    const databases = resources.filter((r) => DATABASE_TYPES.includes(r.type));
    if (databases.length === 0) throw new Error("install model: the plan has no managed database");
    const databaseReadySeconds = Math.max(...databases.map((d) => plan.finish.get(d.urn) as number));
    const floorSeconds =
        databaseReadySeconds + commandSeconds(resources, /-db-bootstrap-/) + commandSeconds(resources, /-install-controller-/) + commandSeconds(resources, /-verify-/);
    const defaultedTypes = [...new Set(resources.filter((r) => durationRule(r) === UNMODELLED_RULE).map((r) => r.type))].sort();
    return { seconds: plan.seconds, path, floorSeconds, databaseReadySeconds, defaultedTypes };
}

export interface RollingUpgradeEstimate {
    readonly seconds: number;
    /** One line per serial step: host and seconds. */
    readonly steps: readonly { readonly host: string; readonly seconds: number }[];
    readonly ansibleSeconds: { readonly low: number; readonly high: number };
}

/** Per host in openZro's Ansible upgrades (its HA guide: "~2–3 minutes per host", strictly serial). */
export const ANSIBLE_SECONDS_PER_HOST = { low: 120, high: 180 } as const;

/**
 * A version bump: every host downloads the new packages at once (prepare); then every controller in turn drains,
 * runs its serial step, and waits to be healthy in the load balancer again; then verify; then every relay in turn
 * runs its serial step (relays have no load balancer). At most one host of each tier is out at any moment.
 */
export function rollingUpgradeEstimate(
    controllers: readonly string[],
    relays: readonly string[],
    timings: DrainTimings,
    steps: { readonly prepareSeconds: number; readonly serialStepSeconds: number; readonly verifySeconds: number },
): RollingUpgradeEstimate {
    const serial = [
        { host: "prepare (every host at once)", seconds: steps.prepareSeconds },
        ...controllers.map((host) => ({ host, seconds: timings.drainSeconds + steps.serialStepSeconds + timings.readySeconds })),
        { host: "verify (all controllers)", seconds: steps.verifySeconds },
        ...relays.map((host) => ({ host, seconds: steps.serialStepSeconds })),
    ];
    const hosts = controllers.length + relays.length;
    return {
        seconds: serial.reduce((sum, s) => sum + s.seconds, 0),
        steps: serial,
        ansibleSeconds: { low: hosts * ANSIBLE_SECONDS_PER_HOST.low, high: hosts * ANSIBLE_SECONDS_PER_HOST.high },
    };
}
