// loadSettings: read this stack's Pulumi config and validate it. The only place that touches pulumi.Config.
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_KEYS, PLAIN_KEYS, SECRET_KEYS, type PlainKey, type SecretKey } from "./keys";
import type { RawConfig } from "./raw";
import type { Settings } from "./types";
import { checkKnownKeys } from "./unknownKeys";
import { validateSettings } from "./validate";

export { ConfigError } from "./errors";
export { validateSettings } from "./validate";
export type { RawConfig } from "./raw";

/** The project's config namespace (Pulumi.yaml `name`). */
export const CONFIG_NAMESPACE = "openzro";

/**
 * Reads every key as text (objects and lists arrive as JSON text) and leaves all parsing to validateSettings,
 * so every bad value gets the same one-line error. Secrets are read with getSecret and never touch a log.
 */
export function readRawConfig(): RawConfig {
    const config = new pulumi.Config(CONFIG_NAMESPACE);
    const values: { [K in PlainKey]?: unknown } = {};
    for (const key of PLAIN_KEYS) {
        values[key] = config.get(key);
    }
    const secrets: { [K in SecretKey]?: pulumi.Output<string> } = {};
    for (const key of SECRET_KEYS) {
        // Pulumi.yaml gives optional secrets an empty default; empty means "not set". The plain value is only
        // compared with "", never kept or printed.
        if ((config.get(key) ?? "") !== "") {
            secrets[key] = config.requireSecret(key);
        }
    }
    return {
        ...values,
        ...secrets,
        "aws:region": new pulumi.Config("aws").get("region"),
        "gcp:region": new pulumi.Config("gcp").get("region"),
        "gcp:project": new pulumi.Config("gcp").get("project"),
    };
}

/**
 * Every config key the stack hands the program, in every namespace. pulumi.Config has no "list keys" call; the
 * runtime's allConfig() reads the same map Config.get does: PULUMI_CONFIG set by the CLI's language host, or
 * setAllConfig under the mock runtime (the offline plan and tests).
 */
export function stackConfigKeys(): string[] {
    return Object.keys(pulumi.runtime.allConfig());
}

/** This stack's validated Settings; throws ConfigError on the first unknown key or bad value. */
export function loadSettings(): Settings {
    checkKnownKeys(stackConfigKeys(), CONFIG_NAMESPACE);
    return validateSettings(readRawConfig());
}

/** Keys this program reads (for tooling and docs checks). */
export const KNOWN_KEYS = Object.keys(CONFIG_KEYS);
