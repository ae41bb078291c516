// The Pulumi wire format as the mock monitor sees it: secrets, resource references, assets and unknowns travel as
// objects carrying a signature key. These helpers turn that into plain JSON-able values for the plan and tests.

/** Key and signatures of the Pulumi RPC format (see @pulumi/pulumi runtime/rpc.js). */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17";
const ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7";
const OUTPUT_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";
const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** What a redacted secret looks like in plan.json (same string as components/host/files.ts REDACTED). */
export const REDACTED_SECRET = "[secret]";
/** What a value unknown at plan time looks like (should not happen with preview=false). */
export const UNKNOWN_PLACEHOLDER = "[unknown]";

export interface SecretWrapper {
    readonly [SIG_KEY]: typeof SECRET_SIG;
    readonly value: unknown;
}

export function isSecretWrapper(x: unknown): x is SecretWrapper {
    return typeof x === "object" && x !== null && (x as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

export function wrapSecret(value: unknown): SecretWrapper {
    return { [SIG_KEY]: SECRET_SIG, value } as SecretWrapper;
}

/**
 * Raw struct (as serialized by the SDK) → plain JSON with secrets kept as wrappers: resource references become
 * their URN, assets/archives a small descriptive object, unknowns "[unknown]".
 */
export function normalizeWire(x: unknown): unknown {
    if (x === UNKNOWN_VALUE) {
        return UNKNOWN_PLACEHOLDER;
    }
    if (Array.isArray(x)) {
        return x.map(normalizeWire);
    }
    if (typeof x !== "object" || x === null) {
        return x;
    }
    const o = x as Record<string, unknown>;
    switch (o[SIG_KEY]) {
        case SECRET_SIG:
            return wrapSecret(normalizeWire(o.value));
        case RESOURCE_SIG:
            return o.urn;
        case ASSET_SIG:
            return { asset: o.path ?? o.uri ?? (o.text !== undefined ? { text: o.text } : null) };
        case ARCHIVE_SIG:
            return { archive: o.path ?? o.uri ?? normalizeWire(o.assets) };
        case OUTPUT_SIG:
            return o.secret === true ? wrapSecret(normalizeWire(o.value)) : normalizeWire(o.value);
        case undefined:
            return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, normalizeWire(v)]));
        default:
            return o;
    }
}

/** Replace every secret wrapper by its value (for tests asserting what a resource really receives). */
export function unwrapSecrets<T = unknown>(x: unknown): T {
    return mapSecrets(x, (s) => unwrapSecrets(s.value)) as T;
}

/** Replace every secret wrapper by "[secret]" (for plan.json and anything printed). */
export function redactSecrets<T = unknown>(x: unknown): T {
    return mapSecrets(x, () => REDACTED_SECRET) as T;
}

/** True when `x` holds a secret wrapper anywhere. */
export function containsSecret(x: unknown): boolean {
    let found = false;
    mapSecrets(x, (s) => {
        found = true;
        return s;
    });
    return found;
}

function mapSecrets(x: unknown, onSecret: (s: SecretWrapper) => unknown): unknown {
    if (isSecretWrapper(x)) {
        return onSecret(x);
    }
    if (Array.isArray(x)) {
        return x.map((e) => mapSecrets(e, onSecret));
    }
    if (typeof x === "object" && x !== null && Object.getPrototypeOf(x) === Object.prototype) {
        return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, mapSecrets(v, onSecret)]));
    }
    return x;
}
