// Reads a stack's configuration the way the Pulumi CLI would hand it to the program: Pulumi.yaml project config
// (declared defaults and values) under Pulumi.<stack>.yaml, with `secure:` values replaced by deterministic secret
// placeholders (the offline plan has no secrets provider, and must never see real secrets anyway).
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { hexId } from "./deterministic";

export class PlanInputError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "PlanInputError";
    }
}

export interface StackConfig {
    readonly project: string;
    readonly stack: string;
    /** "<namespace>:<key>" → value (YAML types kept; setRuntimeConfig serializes). */
    readonly values: Readonly<Record<string, unknown>>;
    /** Keys whose value is secret (secure: in the stack file, or secret: true in the project schema). */
    readonly secretKeys: readonly string[];
    /** Things the offline plan could not honour (e.g. ESC environments), for the CLI to print. */
    readonly warnings: readonly string[];
}

function readYaml(file: string): Record<string, unknown> {
    const doc = yaml.load(fs.readFileSync(file, "utf8"));
    if (doc === null || doc === undefined) {
        return {};
    }
    if (typeof doc !== "object" || Array.isArray(doc)) {
        throw new PlanInputError(`${path.basename(file)}: expected a YAML mapping at the top level`);
    }
    return doc as Record<string, unknown>;
}

/** Stacks that have a Pulumi.<stack>.yaml next to Pulumi.yaml. */
export function listStacks(projectDir: string): string[] {
    return fs.readdirSync(projectDir)
        .map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1])
        .filter((s): s is string => !!s)
        .sort();
}

function stackFile(projectDir: string, stack: string): string | undefined {
    return ["yaml", "yml"].map((ext) => path.join(projectDir, `Pulumi.${stack}.${ext}`)).find((f) => fs.existsSync(f));
}

export function projectName(projectDir: string): string {
    const file = path.join(projectDir, "Pulumi.yaml");
    if (!fs.existsSync(file)) {
        throw new PlanInputError(`Pulumi.yaml not found in ${projectDir}; run the plan from the project root`);
    }
    const name = readYaml(file).name;
    if (typeof name !== "string" || !name) {
        throw new PlanInputError("Pulumi.yaml: name is missing; set the project name");
    }
    return name;
}

function fullKey(project: string, key: string): string {
    return key.includes(":") ? key : `${project}:${key}`;
}

/** A Pulumi.yaml config entry is either a schema ({type, default, secret, ...}), {value}, or a bare value. */
function projectEntry(entry: unknown): { value?: unknown; secret: boolean } {
    if (typeof entry === "object" && entry !== null && !Array.isArray(entry)) {
        const e = entry as Record<string, unknown>;
        if ("value" in e) {
            return { value: e.value, secret: e.secret === true };
        }
        if ("type" in e || "default" in e || "description" in e || "secret" in e) {
            return { value: e.default, secret: e.secret === true };
        }
    }
    return { value: entry, secret: false };
}

/** Deterministic stand-in for a `secure:` value: recognisable, unique per stack and key. */
export function securePlaceholder(stack: string, key: string): string {
    return `offline-plan-secret-${hexId(`${stack}|${key}`, 16)}`;
}

export function readStackConfig(projectDir: string, stack: string): StackConfig {
    const project = projectName(projectDir);
    const file = stackFile(projectDir, stack);
    if (!file) {
        const known = listStacks(projectDir);
        throw new PlanInputError(`unknown stack "${stack}": no Pulumi.${stack}.yaml in the project; use one of: ${known.join(", ") || "(none)"}`);
    }
    const values: Record<string, unknown> = {};
    const secretKeys = new Set<string>();
    const warnings: string[] = [];

    const projectConfig = (readYaml(path.join(projectDir, "Pulumi.yaml")).config ?? {}) as Record<string, unknown>;
    for (const [key, entry] of Object.entries(projectConfig)) {
        const { value, secret } = projectEntry(entry);
        const k = fullKey(project, key);
        if (value !== undefined) {
            // Like the CLI: a declared default is passed as is ("" means "not set" for optional secrets).
            values[k] = value;
            if (secret && value !== "") {
                secretKeys.add(k);
            }
        }
    }

    const stackDoc = readYaml(file);
    if (stackDoc.environment !== undefined) {
        warnings.push(`Pulumi.${stack}.yaml imports ESC environments; the offline plan does not read them`);
    }
    const stackConfig = (stackDoc.config ?? {}) as Record<string, unknown>;
    for (const [key, value] of Object.entries(stackConfig)) {
        const k = fullKey(project, key);
        if (typeof value === "object" && value !== null && "secure" in value) {
            values[k] = securePlaceholder(stack, k);
            secretKeys.add(k);
        } else {
            values[k] = value;
        }
    }
    return { project, stack, values, secretKeys: [...secretKeys].sort(), warnings };
}

/** Overrides replace whole keys; a key without a namespace belongs to the project. */
export function applyOverrides(config: StackConfig, overrides: Readonly<Record<string, unknown>> = {}): StackConfig {
    const values = { ...config.values };
    for (const [key, value] of Object.entries(overrides)) {
        const k = fullKey(config.project, key);
        if (value === undefined) {
            delete values[k];
        } else {
            values[k] = value;
        }
    }
    return { ...config, values };
}
