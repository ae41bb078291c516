// Plausible, deterministic mocks for the Pulumi mock runtime, plus a recorder of every registration.
//
// installPlanMocks() calls pulumi.runtime.setMocks (preview=false) and then wraps the MockMonitor's
// registerResource/readResource: MockResourceArgs carries neither the URN, the parent, nor the dependencies, but
// the RegisterResourceRequest the monitor receives does. Everything derives from URNs, never from randomness or time,
// so evaluating the same program twice gives byte-identical results.
import * as pulumi from "@pulumi/pulumi";
import { awsInvoke, awsResource, canonicalAwsType } from "./mockAws";
import { genericResource } from "./mockGeneric";
import { gcpInvoke, gcpResource, rememberGcpName } from "./mockGcp";
import { seededUuid } from "./deterministic";
import { MockWorld } from "./mockWorld";
import { PlanRecorder, RecordedOptions, RecordedResource } from "./recorder";
import { normalizeWire } from "./wire";

export { unwrapSecrets, redactSecrets, containsSecret, isSecretWrapper, REDACTED_SECRET } from "./wire";
export { PlanRecorder } from "./recorder";
export type { RecordedResource, RecordedInvoke, RecordedOptions } from "./recorder";

export interface PlanMockOptions {
    readonly project?: string;
    readonly stack?: string;
    /** Region of the default aws provider (the stack's aws:region). */
    readonly defaultRegion?: string;
    /** Outputs of referenced stacks, by the StackReference's name (e.g. "acme/openzro/staging"). */
    readonly stackOutputsOf?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/** What the wrapper learned from the request before the mock is asked for state. */
interface RequestContext {
    readonly urn: string;
    readonly inputs: Record<string, unknown>;
}

/** The subset of the SDK's MockMonitor we wrap (runtime/mocks.js). */
interface MockMonitorLike {
    newUrn(parent: string, type: string, name: string): string;
    registerResource(req: RegisterRequest, callback: (err: unknown, resp: unknown) => void): Promise<void>;
    readResource(req: ReadRequest, callback: (err: unknown, resp: unknown) => void): Promise<void>;
}

interface StructLike {
    toJavaScript(): Record<string, unknown>;
}

interface ReadRequest {
    getId(): string;
    getType(): string;
    getName(): string;
    getParent(): string;
    getProvider(): string;
    getProperties(): StructLike | undefined;
    getDependenciesList(): string[];
    getAdditionalsecretoutputsList(): string[];
}

interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getProvider(): string;
    getCustom(): boolean;
    getObject(): StructLike | undefined;
    getDependenciesList(): string[];
    getPropertydependenciesMap(): { forEach(cb: (value: { getUrnsList(): string[] }, key: string) => void): void };
    getProtect(): boolean;
    getDeletedwith(): string;
    getRetainondelete(): boolean;
    getDeletebeforereplace(): boolean;
    getIgnorechangesList(): string[];
    getReplaceonchangesList(): string[];
    getAdditionalsecretoutputsList(): string[];
    getCustomtimeouts(): { getCreate(): string; getUpdate(): string; getDelete(): string } | undefined;
    getAliasurnsList(): string[];
    /** Structured aliases (the mock monitor supports "aliasSpecs", so the SDK sends these, not aliasURNs). */
    getAliasesList(): AliasMessage[];
}

interface AliasMessage {
    getUrn(): string;
    getSpec(): { getName(): string; getType(): string; getStack(): string; getProject(): string; getParenturn(): string; getNoparent(): boolean } | undefined;
}

export class PlanMocks implements pulumi.runtime.Mocks {
    readonly world: MockWorld;
    readonly recorder = new PlanRecorder();
    /** Set by the monitor wrapper while the (synchronous) call into newResource happens. */
    private pending?: RequestContext;

    private readonly stackOutputs: Record<string, Readonly<Record<string, unknown>>>;

    constructor(options: PlanMockOptions = {}) {
        this.world = new MockWorld(options.defaultRegion ?? "us-east-1");
        this.stackOutputs = { ...options.stackOutputsOf };
    }

    /** Answers StackReference(name) registered from now on with these outputs. */
    setStackOutputs(name: string, outputs: Readonly<Record<string, unknown>>): void {
        this.stackOutputs[name] = outputs;
    }

    /** Every secret value the mocks produced (passwords, keys, bytes): they must never appear in a plan. */
    get secretValues(): ReadonlySet<string> {
        return this.world.secretValues;
    }

    newResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
        const ctx = this.pending ?? { urn: `${args.type}::${args.name}`, inputs: args.inputs as Record<string, unknown> };
        this.pending = undefined;
        const inputs = ctx.inputs;
        const seed = ctx.urn;

        if (args.type.startsWith("pulumi:providers:")) {
            if (args.type === "pulumi:providers:aws" || args.type === "pulumi:providers:gcp") {
                this.world.rememberProvider(
                    ctx.urn,
                    typeof inputs.region === "string" ? inputs.region : undefined,
                    typeof inputs.project === "string" ? inputs.project : undefined,
                );
            }
            return { id: seededUuid(`${seed}#provider`), state: inputs };
        }
        if (args.type === "pulumi:pulumi:StackReference") {
            const name = String(inputs.name ?? args.name);
            const outputs = this.stackOutputs[name];
            if (!outputs) {
                this.recorder.unmockedTypes.add(`pulumi:pulumi:StackReference(${name})`);
            }
            return { id: name, state: { name, outputs: outputs ?? {}, secretOutputNames: [] } };
        }
        if (args.custom === false) {
            return { id: undefined, state: inputs };
        }
        if (args.type.startsWith("aws:")) {
            const type = canonicalAwsType(args.type);
            const answer = awsResource(this.world, { type, name: args.name, seed, inputs, region: this.world.regionOf(args.provider) });
            if (answer.generic) {
                this.recorder.unmockedTypes.add(args.type);
            }
            return this.created(answer.id, type, args.name, ctx.urn, inputs, answer.computed);
        }
        if (args.type.startsWith("gcp:")) {
            const answer = gcpResource(this.world, {
                type: args.type,
                name: args.name,
                seed,
                inputs,
                region: this.world.regionOf(args.provider),
                project: this.world.projectOf(args.provider),
            });
            if (answer.generic) {
                this.recorder.unmockedTypes.add(args.type);
            }
            const result = this.created(answer.id, args.type, args.name, ctx.urn, inputs, answer.computed);
            const created = this.world.lookup(answer.id);
            if (created) {
                rememberGcpName(this.world, answer, created);
            }
            return result;
        }
        const generic = genericResource(this.world, { type: args.type, name: args.name, seed, inputs });
        if (generic) {
            return this.created(generic.id, args.type, args.name, ctx.urn, inputs, generic.computed);
        }
        this.recorder.unmockedTypes.add(args.type);
        return this.created(`${args.name}-id`, args.type, args.name, ctx.urn, inputs, {});
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        const inputs = normalizeWire(args.inputs ?? {}) as Record<string, unknown>;
        this.recorder.invokes.push({ token: args.token, provider: providerUrn(args.provider), inputs });
        if (args.token.startsWith("aws:")) {
            const answer = awsInvoke(this.world, { token: args.token, inputs, region: this.world.regionOf(args.provider) });
            if (answer) {
                return answer;
            }
        }
        if (args.token.startsWith("gcp:")) {
            const answer = gcpInvoke({ token: args.token, inputs, region: this.world.regionOf(args.provider), project: this.world.projectOf(args.provider) });
            if (answer) {
                return answer;
            }
        }
        this.recorder.unmockedInvokes.add(args.token);
        return {};
    }

    private created(id: string, type: string, name: string, urn: string, inputs: Record<string, unknown>, computed: Record<string, unknown>): pulumi.runtime.MockResourceResult {
        const state = { ...inputs, ...computed };
        this.world.remember(id, { id, type, name, urn, inputs, state: { ...state, id } });
        return { id, state };
    }

    /** Wraps the monitor's entry points so each registration is recorded with its URN, parent and dependencies. */
    attach(monitor: MockMonitorLike): void {
        const register = monitor.registerResource.bind(monitor);
        const read = monitor.readResource.bind(monitor);
        const self = this;

        monitor.registerResource = (req, callback) => {
            const urn = monitor.newUrn(req.getParent(), req.getType(), req.getName());
            const inputs = normalizeWire(req.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>;
            return self.around(urn, inputs, () => register(req, self.recording(callback, () => {
                const propertyDependencies: Record<string, string[]> = {};
                req.getPropertydependenciesMap().forEach((v, k) => {
                    propertyDependencies[k] = [...v.getUrnsList()].sort();
                });
                return {
                    urn, type: req.getType(), name: req.getName(), custom: req.getCustom(), read: false,
                    parent: req.getParent() || null, provider: providerUrn(req.getProvider()),
                    dependencies: unionSorted(req.getDependenciesList(), ...Object.values(propertyDependencies)),
                    propertyDependencies, inputs, options: registerOptions(req, monitor),
                };
            })));
        };

        monitor.readResource = (req, callback) => {
            const urn = monitor.newUrn(req.getParent(), req.getType(), req.getName());
            const inputs = normalizeWire(req.getProperties()?.toJavaScript() ?? {}) as Record<string, unknown>;
            return self.around(urn, inputs, () => read(req, self.recording(callback, () => ({
                urn, type: req.getType(), name: req.getName(), custom: true, read: true, readId: req.getId(),
                parent: req.getParent() || null, provider: providerUrn(req.getProvider()),
                dependencies: unionSorted(req.getDependenciesList()), propertyDependencies: {}, inputs,
                options: { ...NO_OPTIONS, additionalSecretOutputs: req.getAdditionalsecretoutputsList() },
            }))));
        };
    }

    private around(urn: string, inputs: Record<string, unknown>, call: () => Promise<void>): Promise<void> {
        this.pending = { urn, inputs };
        try {
            const done = call();
            if (this.pending !== undefined) {
                // The SDK's MockMonitor no longer calls newResource synchronously: the recorder would misattribute.
                throw new Error("plan mocks: MockMonitor did not call newResource synchronously; update scripts/plan/mocks.ts");
            }
            return done;
        } finally {
            this.pending = undefined;
        }
    }

    /** A monitor callback that records the registration (with the state the mock answered) once it succeeded. */
    private recording(
        callback: (err: unknown, resp: unknown) => void,
        describe: () => Omit<RecordedResource, "id" | "state"> & { readonly readId?: string },
    ): (err: unknown, resp: unknown) => void {
        return (err, resp) => {
            if (err) {
                this.recorder.failures.push(err instanceof Error ? err : new Error(String(err)));
            } else if (resp) {
                const r = resp as { getId?(): string; getObject?(): StructLike; getProperties?(): StructLike };
                const struct = r.getObject ? r.getObject() : r.getProperties?.();
                const { readId, ...d } = describe();
                const id = readId ?? (r.getId?.() || null);
                this.recorder.add({ ...d, id, state: normalizeWire(struct?.toJavaScript() ?? {}) as Record<string, unknown> });
            }
            callback(err, resp);
        };
    }
}

const NO_OPTIONS: RecordedOptions = {
    protect: false, deletedWith: null, retainOnDelete: false, deleteBeforeReplace: false, ignoreChanges: [],
    replaceOnChanges: [], additionalSecretOutputs: [], customTimeouts: null, aliases: [],
};

function registerOptions(req: RegisterRequest, monitor: MockMonitorLike): RecordedOptions {
    const t = req.getCustomtimeouts();
    const timeouts = t && (t.getCreate() || t.getUpdate() || t.getDelete())
        ? { ...(t.getCreate() ? { create: t.getCreate() } : {}), ...(t.getUpdate() ? { update: t.getUpdate() } : {}), ...(t.getDelete() ? { delete: t.getDelete() } : {}) }
        : null;
    return {
        protect: req.getProtect() === true,
        deletedWith: req.getDeletedwith() || null,
        retainOnDelete: req.getRetainondelete() === true,
        deleteBeforeReplace: req.getDeletebeforereplace() === true,
        ignoreChanges: req.getIgnorechangesList(),
        replaceOnChanges: req.getReplaceonchangesList(),
        additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
        customTimeouts: timeouts,
        aliases: [...req.getAliasurnsList(), ...(req.getAliasesList?.() ?? []).map((a) => aliasUrn(a, req, monitor))],
    };
}

/**
 * The URN an alias stands for, as the engine computes it: empty spec fields mean "same as the resource" (name,
 * type, stack, project); the parent is the spec's parent URN, none with noParent, else the resource's parent.
 */
function aliasUrn(alias: AliasMessage, req: RegisterRequest, monitor: MockMonitorLike): string {
    const spec = alias.getSpec();
    if (alias.getUrn() || !spec) {
        return alias.getUrn();
    }
    const parent = spec.getNoparent() ? "" : spec.getParenturn() || req.getParent();
    const urn = monitor.newUrn(parent, spec.getType() || req.getType(), spec.getName() || req.getName());
    // newUrn uses this stack and project; an alias into another stack or project names them itself.
    const [, stack, project] = /^urn:pulumi:([^:]*)::([^:]*)::/.exec(urn) ?? [];
    return urn.replace(`urn:pulumi:${stack}::${project}::`, `urn:pulumi:${spec.getStack() || stack}::${spec.getProject() || project}::`);
}

/** "<urn>::<id>" → urn; "" (default provider) → null. */
function providerUrn(ref: string | undefined): string | null {
    if (!ref) {
        return null;
    }
    const cut = ref.lastIndexOf("::");
    return cut > 0 ? ref.slice(0, cut) : ref;
}

function unionSorted(...lists: readonly (readonly string[])[]): string[] {
    return [...new Set(lists.flat().filter((u) => u))].sort();
}

/**
 * Installs the plan mocks into the (process-global) Pulumi runtime and returns them. Await it before creating
 * resources. The runtime is global: one installation per evaluation, evaluations strictly one after another.
 */
export async function installPlanMocks(options: PlanMockOptions = {}): Promise<PlanMocks> {
    const mocks = new PlanMocks(options);
    await pulumi.runtime.setMocks(mocks, options.project ?? "project", options.stack ?? "stack", false);
    // The monitor setMocks just installed (runtime/settings.js keeps it in the global store).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const settings = require("@pulumi/pulumi/runtime/settings") as { getMonitor(): unknown };
    mocks.attach(settings.getMonitor() as MockMonitorLike);
    return mocks;
}
