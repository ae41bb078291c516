// Helpers around the (process-global) Pulumi runtime for mock evaluations: config, waiting until every
// registration settled, resolving Outputs with their secret bit, and catching errors the SDK only reports as
// unhandled rejections or runtime log errors.
import * as pulumi from "@pulumi/pulumi";
import { PlanMocks } from "./mocks";
import { wrapSecret } from "./wire";

/** Pulumi config as the CLI would pass it: "<namespace>:<key>" → value (objects/arrays/numbers serialized to JSON). */
export function setRuntimeConfig(config: Readonly<Record<string, unknown>>, secretKeys: readonly string[] = []): void {
    const serialized: Record<string, string> = {};
    for (const [key, value] of Object.entries(config)) {
        if (value !== undefined) {
            serialized[key] = typeof value === "string" ? value : JSON.stringify(value);
        }
    }
    pulumi.runtime.setAllConfig(serialized, [...secretKeys]);
}

interface OutputInternals {
    promise(withUnknowns?: boolean): Promise<unknown>;
    isKnown: Promise<boolean>;
}

export interface Resolved<T> {
    readonly value: T;
    readonly secret: boolean;
    readonly known: boolean;
}

/** Value, secret bit and known bit of any Input (plain values and nested Outputs included). */
export async function resolveInput<T>(x: pulumi.Input<T>): Promise<Resolved<T>> {
    const o = pulumi.output(x) as unknown as pulumi.Output<T> & OutputInternals;
    const [value, secret, known] = await Promise.all([o.promise(true), pulumi.isSecret(o), o.isKnown]);
    return { value: value as T, secret, known };
}

/** Resolved value, as a secret wrapper when the Output is secret (the plan's uniform representation). */
export async function resolveWrapped(x: pulumi.Input<unknown>): Promise<unknown> {
    const r = await resolveInput(x);
    return r.secret ? wrapSecret(r.value) : r.value;
}

/**
 * Waits until no registration, invoke or RPC is in flight and nothing new appeared for one macrotask turn
 * (resources created inside apply callbacks register late). Bounded.
 */
export async function settle(mocks: PlanMocks, maxRounds = 500): Promise<void> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };
    let last = -1;
    for (let round = 0; round < maxRounds; round++) {
        await settings.waitForRPCs();
        await new Promise((resolve) => setImmediate(resolve));
        const seen = mocks.recorder.resources.length + mocks.recorder.invokes.length;
        if (seen === last) {
            return;
        }
        last = seen;
    }
    throw new Error(`Pulumi registrations did not settle after ${maxRounds} rounds`);
}

/**
 * Collects failures the SDK reports only as unhandled rejections or `log.error` while an evaluation runs: rejected
 * registrations (seen by the mock monitor), rejections (plain Node; under Jest, Jest reports them itself) and log errors.
 */
export class RuntimeErrors {
    private readonly errors: unknown[] = [];
    private readonly logErrorsBefore = logErrorCount();
    private readonly onRejection = (reason: unknown) => {
        this.errors.push(reason);
    };

    constructor(private readonly mocks: PlanMocks) {
        process.on("unhandledRejection", this.onRejection);
    }

    stop(): void {
        process.off("unhandledRejection", this.onRejection);
    }

    /** Throws the first failure (the one that explains the others). */
    throwIfAny(): void {
        const failures = [...this.mocks.recorder.failures, ...this.errors];
        if (failures.length > 0) {
            const first = failures[0];
            throw first instanceof Error ? first : new Error(String(first));
        }
        const logged = logErrorCount() - this.logErrorsBefore;
        if (logged > 0) {
            throw new Error(`the program logged ${logged} error(s) (see "error: [runtime]" above)`);
        }
    }
}

function logErrorCount(): number {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const state = require("@pulumi/pulumi/runtime/state") as { getStore(): { logErrorCount: number } };
    return state.getStore().logErrorCount;
}
