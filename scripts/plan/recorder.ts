// Every registration the program makes, with what the mock monitor alone knows: parent, provider, dependencies
// (explicit dependsOn and the ones derived from Outputs) and resource options. Tests and the plan read this.

/** Resource options worth asserting on (what `pulumi up` would do on replace/delete). */
export interface RecordedOptions {
    readonly protect: boolean;
    readonly deletedWith: string | null;
    readonly retainOnDelete: boolean;
    readonly deleteBeforeReplace: boolean;
    readonly ignoreChanges: readonly string[];
    readonly replaceOnChanges: readonly string[];
    readonly additionalSecretOutputs: readonly string[];
    readonly customTimeouts: { readonly create?: string; readonly update?: string; readonly delete?: string } | null;
    readonly aliases: readonly string[];
}

export interface RecordedResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    /** False for component resources. */
    readonly custom: boolean;
    /** True for resources read rather than created (StackReference, `get` methods). */
    readonly read: boolean;
    readonly parent: string | null;
    /** URN of the explicit provider; null for the default provider (and for providers themselves). */
    readonly provider: string | null;
    /** Union of dependsOn and every property dependency, sorted. */
    readonly dependencies: readonly string[];
    readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
    /** Inputs as the provider would receive them; secrets stay wrapped (see wire.ts unwrapSecrets/redactSecrets). */
    readonly inputs: Record<string, unknown>;
    readonly id: string | null;
    /** Inputs echoed plus what the mock computed (ids, IPs, endpoints), secrets wrapped. */
    readonly state: Record<string, unknown>;
    readonly options: RecordedOptions;
}

export interface RecordedInvoke {
    readonly token: string;
    readonly provider: string | null;
    readonly inputs: Record<string, unknown>;
}

export class PlanRecorder {
    readonly resources: RecordedResource[] = [];
    readonly invokes: RecordedInvoke[] = [];
    /** Invoke tokens that had no mock and got {} (a test can assert this stays empty). */
    readonly unmockedInvokes = new Set<string>();
    /** Resource types that got only echoed inputs and a generic id. */
    readonly unmockedTypes = new Set<string>();
    /** Registrations the mocks rejected (the SDK reports them only as unhandled rejections). */
    readonly failures: Error[] = [];
    private readonly byUrnIndex = new Map<string, RecordedResource>();

    add(r: RecordedResource): void {
        this.resources.push(r);
        this.byUrnIndex.set(r.urn, r);
    }

    byUrn(urn: string): RecordedResource | undefined {
        return this.byUrnIndex.get(urn);
    }

    ofType(type: string): RecordedResource[] {
        return this.resources.filter((r) => r.type === type);
    }

    named(name: string): RecordedResource[] {
        return this.resources.filter((r) => r.name === name);
    }

    childrenOf(urn: string): RecordedResource[] {
        return this.resources.filter((r) => r.parent === urn);
    }

    /** Walks parents up to the root (nearest first). */
    ancestorsOf(urn: string): RecordedResource[] {
        const out: RecordedResource[] = [];
        for (let p = this.byUrn(urn)?.parent; p; p = this.byUrn(p)?.parent) {
            const parent = this.byUrn(p);
            if (!parent) break;
            out.push(parent);
        }
        return out;
    }
}
