// Evaluates the real program (components/program.ts) for one stack under the plan mocks: no cloud, no Pulumi CLI.
//
// The Pulumi SDK keeps its runtime state in process globals, so evaluations must run one after another, never
// concurrently. The CLI evaluates once per process; tests get fresh program modules per evaluation through
// test/support (jest.isolateModulesAsync), and a child process when they exercise the CLI itself.
import * as path from "path";
import type { Settings } from "../../components/config/types";
import type { HostFile } from "../../components/host/files";
import { installPlanMocks, PlanMocks } from "./mocks";
import type { RecordedResource } from "./recorder";
import { resolveInput, resolveWrapped, RuntimeErrors, setRuntimeConfig, settle } from "./runtime";
import { applyOverrides, listStacks, readStackConfig, StackConfig } from "./stackConfig";

export interface EvaluateOptions {
    readonly stack: string;
    /** "<namespace>:<key>" (or a bare project key) → value; replaces the whole key. */
    readonly configOverrides?: Readonly<Record<string, unknown>>;
    /** Outputs of stacks the program references (promoteFromStack), by reference name. */
    readonly stackOutputsOf?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
    /** Directory holding Pulumi.yaml; defaults to the repository root. */
    readonly projectDir?: string;
}

/** One registered resource. `inputs` keeps secrets as wrappers (see wire.ts); plan.json redacts them. */
export type PlanResource = RecordedResource;

export interface PlanResult {
    readonly project: string;
    readonly stack: string;
    /** Registration order. */
    readonly resources: readonly PlanResource[];
    /** Stack outputs; secret ones as secret wrappers. */
    readonly outputs: Readonly<Record<string, unknown>>;
    /** Host name (controller-1, relay-eu-west, ...) → files written there, secrets REDACTED. */
    readonly hostFiles: Readonly<Record<string, readonly HostFile[]>>;
    readonly settings: Settings;
    readonly diagnostics: {
        readonly unmockedInvokes: readonly string[];
        readonly unmockedTypes: readonly string[];
        readonly warnings: readonly string[];
    };
    /** Every secret value the evaluation handled (mock-generated and config placeholders): must never be printed. */
    readonly secretValues: readonly string[];
}

export const REPOSITORY_ROOT = path.resolve(__dirname, "..", "..");

interface ProgramModules {
    loadSettings(): Settings;
    deployOpenzro(settings: Settings): { hosts: { redactedFiles: unknown } };
    stackOutputs(deployment: unknown): Record<string, unknown>;
}

/** Required lazily so a test's isolated module registry (and config set just before) applies to the program. */
function loadProgram(): ProgramModules {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const load = require("../../components/config/load") as Pick<ProgramModules, "loadSettings">;
    const program = require("../../components/program") as Omit<ProgramModules, "loadSettings">;
    /* eslint-enable @typescript-eslint/no-require-imports */
    return { loadSettings: load.loadSettings, deployOpenzro: program.deployOpenzro, stackOutputs: program.stackOutputs };
}

export async function evaluateStack(opts: EvaluateOptions): Promise<PlanResult> {
    const projectDir = opts.projectDir ?? REPOSITORY_ROOT;
    const config = applyOverrides(readStackConfig(projectDir, opts.stack), opts.configOverrides);
    const region = config.values["aws:region"] ?? config.values["gcp:region"];
    const mocks = await installPlanMocks({
        project: config.project,
        stack: config.stack,
        defaultRegion: typeof region === "string" ? region : undefined,
        stackOutputsOf: { ...opts.stackOutputsOf },
    });
    const errors = new RuntimeErrors(mocks);
    try {
        const program = loadProgram();
        const settings = withConfig(config, () => program.loadSettings());
        provideReferencedStacks(mocks, program, projectDir, settings, opts);
        setRuntimeConfig(config.values, config.secretKeys);

        const deployment = program.deployOpenzro(settings);
        const outputs = program.stackOutputs(deployment);
        const resolvedOutputs: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(outputs)) {
            resolvedOutputs[key] = await resolveWrapped(value as never);
        }
        const hostFiles = (await resolveInput(deployment.hosts.redactedFiles as never)).value as Record<string, HostFile[]>;
        await settle(mocks);
        errors.throwIfAny();
        return {
            project: config.project,
            stack: config.stack,
            resources: mocks.recorder.resources,
            outputs: resolvedOutputs,
            hostFiles: hostFiles ?? {},
            settings,
            diagnostics: {
                unmockedInvokes: [...mocks.recorder.unmockedInvokes].sort(),
                unmockedTypes: [...mocks.recorder.unmockedTypes].sort(),
                warnings: config.warnings,
            },
            secretValues: [...mocks.secretValues, ...config.secretKeys.map((k) => String(config.values[k]))],
        };
    } finally {
        errors.stop();
    }
}

function withConfig<T>(config: StackConfig, fn: () => T): T {
    setRuntimeConfig(config.values, config.secretKeys);
    return fn();
}

/**
 * `promoteFromStack` reads another stack's outputs. Unless the caller supplied them, answer with what that stack's
 * own config in this project says (its openzroVersion): the version staging is configured to prove.
 */
function provideReferencedStacks(mocks: PlanMocks, program: ProgramModules, projectDir: string, settings: Settings, opts: EvaluateOptions): void {
    const ref = settings.promoteFromStack;
    if (!ref || opts.stackOutputsOf?.[ref]) {
        return;
    }
    const stack = ref.split("/").pop() ?? ref;
    if (!listStacks(projectDir).includes(stack)) {
        return;
    }
    const referenced = readStackConfig(projectDir, stack);
    try {
        const version = withConfig(referenced, () => program.loadSettings()).openzroVersion;
        mocks.setStackOutputs(ref, { openzroVersion: version });
    } catch {
        // The referenced stack's config does not validate: leave the reference unanswered (the plan reports it).
    }
}
