// What validateSettings() consumes: config values as Pulumi delivers them, before any checking.
import type * as pulumi from "@pulumi/pulumi";
import type { PlainKey, SecretKey } from "./keys";

/**
 * One stack's raw configuration.
 * - Plain keys (namespace `openzro`): strings as `pulumi.Config.get` returns them ("3", "true", JSON text for
 *   objects and arrays), or already-typed values (3, true, arrays, objects) from tests. "" means "not set"
 *   (Pulumi.yaml gives optional keys an empty default).
 * - Secret keys: `pulumi.Output<string>` marked secret, present only when set to a non-empty value.
 * - The primary region from the cloud provider's namespace.
 */
export type RawConfig = { readonly [K in PlainKey]?: unknown } & {
    readonly [K in SecretKey]?: pulumi.Output<string>;
} & {
    readonly "aws:region"?: string;
    readonly "gcp:region"?: string;
    readonly "gcp:project"?: string;
};
