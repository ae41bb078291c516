// Typed, defaulted access to a RawConfig. Pulumi hands every value over as a string; this is where "3", "true"
// and JSON text become numbers, booleans and objects, with our own one-line errors instead of the SDK's.
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "./errors";
import type { PlainKey, SecretKey } from "./keys";
import type { RawConfig } from "./raw";

export function isUnset(value: unknown): boolean {
    return value === undefined || value === null || value === "";
}

export interface IntRange {
    readonly min: number;
    readonly max: number;
}

export class RawReader {
    constructor(private readonly raw: RawConfig) {}

    /** The value as given, or undefined when unset. */
    value(key: PlainKey): unknown {
        const v = this.raw[key];
        return isUnset(v) ? undefined : v;
    }

    has(key: PlainKey): boolean {
        return this.value(key) !== undefined;
    }

    /** A string (numbers and booleans are accepted as their text), or `fallback` when unset. */
    text(key: PlainKey): string | undefined;
    text(key: PlainKey, fallback: string): string;
    text(key: PlainKey, fallback?: string): string | undefined {
        const v = this.value(key);
        if (v === undefined) {
            return fallback;
        }
        return scalarText(key, v, `set ${key} to a single text value`);
    }

    /** A required string: unset is an error whose fix shows `example`. */
    requiredText(key: PlainKey, example: string): string {
        const v = this.text(key);
        if (v === undefined) {
            throw new ConfigError(key, "is required", undefined, `set it, e.g. \`pulumi config set ${key} ${example}\``);
        }
        return v;
    }

    /** One of `allowed` (case-sensitive), or `fallback` when unset. */
    oneOf<T extends string>(key: PlainKey, allowed: readonly T[], fallback: T): T {
        const v = this.text(key, fallback);
        if (!(allowed as readonly string[]).includes(v)) {
            throw new ConfigError(key, "is not a supported value", v, `use one of: ${allowed.join(", ")}`);
        }
        return v as T;
    }

    /** A whole number within `range`, or `fallback` when unset. */
    int(key: PlainKey, range: IntRange, fallback: number): number;
    int(key: PlainKey, range: IntRange, fallback?: number): number | undefined;
    int(key: PlainKey, range: IntRange, fallback?: number): number | undefined {
        const v = this.value(key);
        if (v === undefined) {
            return fallback;
        }
        return toInt(key, v, range);
    }

    /** true or false ("true"/"false" as text), or `fallback` when unset. */
    bool(key: PlainKey, fallback: boolean): boolean {
        const v = this.value(key);
        if (v === undefined) {
            return fallback;
        }
        return toBool(key, v);
    }

    /** A structured value: JSON text is parsed, anything else is returned as given; undefined when unset. */
    structured(key: PlainKey, example: string): unknown {
        const v = this.value(key);
        if (typeof v !== "string") {
            return v;
        }
        try {
            return JSON.parse(v);
        } catch {
            throw new ConfigError(key, "is not valid JSON", v, `set it as structured config, e.g. ${example}`);
        }
    }

    /** A secret Output, or undefined when unset ("" is the Pulumi.yaml default). Plain text is wrapped as secret. */
    secret(key: SecretKey): pulumi.Output<string> | undefined {
        const v: unknown = this.raw[key];
        if (isUnset(v)) {
            return undefined;
        }
        return pulumi.Output.isInstance(v) ? pulumi.secret(v as pulumi.Output<string>) : pulumi.secret(String(v));
    }

    /** `gcp:project`, or undefined when unset. */
    project(): string | undefined {
        const v = this.raw["gcp:project"];
        return isUnset(v) ? undefined : String(v);
    }

    region(cloud: "aws" | "gcp"): string | undefined {
        const v = cloud === "aws" ? this.raw["aws:region"] : this.raw["gcp:region"];
        return isUnset(v) ? undefined : String(v);
    }
}

/** Text of a scalar; objects and arrays are an error. */
export function scalarText(key: string, v: unknown, fix: string): string {
    if (typeof v === "string") {
        return v;
    }
    if (typeof v === "number" || typeof v === "boolean") {
        return String(v);
    }
    throw new ConfigError(key, "must be a single value, not a list or object", v, fix);
}

export function toInt(key: string, v: unknown, range: IntRange): number {
    const n = typeof v === "number" ? v : typeof v === "string" && /^-?[0-9]+$/.test(v.trim()) ? Number(v.trim()) : NaN;
    const between = `between ${range.min} and ${range.max}`;
    if (!Number.isSafeInteger(n)) {
        throw new ConfigError(key, "must be a whole number", v, `set a whole number ${between}`);
    }
    if (n < range.min || n > range.max) {
        throw new ConfigError(key, `is out of range`, v, `set a whole number ${between}`);
    }
    return n;
}

export function toBool(key: string, v: unknown): boolean {
    if (v === true || v === "true") return true;
    if (v === false || v === "false") return false;
    throw new ConfigError(key, "must be a boolean", v, "set true or false");
}
