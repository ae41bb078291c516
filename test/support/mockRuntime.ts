// Test harness: run one component (or any code that creates resources) under the plan mocks and inspect every
// registration. Each call installs fresh mocks into the global Pulumi runtime; calls must be awaited one after
// another (Jest already isolates test files from each other: each file has its own module registry and globals).
import * as pulumi from "@pulumi/pulumi";
import { installPlanMocks, PlanMockOptions, PlanMocks, unwrapSecrets } from "../../scripts/plan/mocks";
import type { RecordedResource } from "../../scripts/plan/recorder";
import { resolveInput, RuntimeErrors, setRuntimeConfig, settle } from "../../scripts/plan/runtime";

export { resolveInput } from "../../scripts/plan/runtime";
export type { Resolved } from "../../scripts/plan/runtime";
export { unwrapSecrets, redactSecrets, containsSecret, isSecretWrapper } from "../../scripts/plan/mocks";
export type { RecordedResource } from "../../scripts/plan/recorder";

export interface MockRunOptions extends PlanMockOptions {
    /** Pulumi config visible to the code under test: "<namespace>:<key>" → value. */
    readonly config?: Readonly<Record<string, unknown>>;
    readonly secretConfigKeys?: readonly string[];
}

export interface MockRun<T> {
    /** Whatever `build` returned (e.g. the component), its Outputs resolved by now. */
    readonly result: T;
    readonly mocks: PlanMocks;
    /** Every registration in order: components, custom resources, providers, reads. */
    readonly resources: readonly RecordedResource[];
    /** Secret values the mocks produced (passwords, keys): assert none of them leaks. */
    readonly secretValues: readonly string[];
    ofType(type: string): RecordedResource[];
    /** Exactly one resource of `type` (and `name` when given); throws with the candidates otherwise. */
    one(type: string, name?: string): RecordedResource;
    /** The resource's inputs with secrets unwrapped. */
    inputsOf<I = Record<string, unknown>>(r: RecordedResource): I;
    /** Region of the resource's aws provider (default provider: the run's defaultRegion). */
    regionOf(r: RecordedResource): string;
}

/**
 * Installs the mocks, sets config, runs `build`, waits until every registration settled and rethrows any error the
 * SDK reported only asynchronously. `build` may be async.
 */
export async function runComponent<T>(build: () => T | Promise<T>, options: MockRunOptions = {}): Promise<MockRun<T>> {
    const mocks = await installPlanMocks({ project: "openzro", stack: "test", ...options });
    setRuntimeConfig({ "aws:region": options.defaultRegion ?? "us-east-1", ...options.config }, options.secretConfigKeys);
    const errors = new RuntimeErrors(mocks);
    try {
        const result = await build();
        await settle(mocks);
        errors.throwIfAny();
        return describeRun(result, mocks, options.defaultRegion ?? "us-east-1");
    } finally {
        errors.stop();
    }
}

function describeRun<T>(result: T, mocks: PlanMocks, defaultRegion: string): MockRun<T> {
    const resources = mocks.recorder.resources;
    return {
        result,
        mocks,
        resources,
        secretValues: [...mocks.secretValues],
        ofType: (type) => resources.filter((r) => r.type === type),
        one(type, name) {
            const found = resources.filter((r) => r.type === type && (name === undefined || r.name === name));
            if (found.length !== 1) {
                const names = resources.filter((r) => r.type === type).map((r) => r.name);
                throw new Error(`expected exactly one ${type}${name ? ` named ${name}` : ""}, found ${found.length} (have: ${names.join(", ") || "none"})`);
            }
            return found[0];
        },
        inputsOf: <I>(r: RecordedResource) => unwrapSecrets<I>(r.inputs),
        regionOf(r) {
            const provider = r.provider ? mocks.recorder.byUrn(r.provider) : undefined;
            const region = provider?.inputs.region;
            return typeof region === "string" ? region : defaultRegion;
        },
    };
}

/** The value of an Output (or any Input) once resolved. */
export async function valueOf<T>(x: pulumi.Input<T>): Promise<T> {
    return (await resolveInput(x)).value;
}

/** Whether an Output is marked secret. */
export async function isSecretOutput(x: pulumi.Input<unknown>): Promise<boolean> {
    return (await resolveInput(x)).secret;
}
