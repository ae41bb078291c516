// Pure helpers for the key material ClusterSecrets generates. Kept apart from secrets.ts so they can be tested
// without the Pulumi runtime.
import { REDACTED } from "../files";

/**
 * Turns 32 random bytes (base64) into a WireGuard private key, exactly as `wg genkey` does: clear the low three
 * bits of the first byte and the top bit of the last, set the second-highest bit of the last (Curve25519 clamping,
 * RFC 7748 §5). openZro's management accepts any 32-byte key, but clamping makes it the canonical form other tools
 * expect and show.
 */
export function clampWireGuardPrivateKey(randomBase64: string): string {
    const bytes = Buffer.from(randomBase64, "base64");
    if (bytes.length !== 32) {
        throw new Error(`WireGuard private key: expected 32 random bytes, got ${bytes.length}`);
    }
    bytes[0] &= 248;
    bytes[31] &= 127;
    bytes[31] |= 64;
    return bytes.toString("base64");
}

/** True when `value` is canonical base64 of exactly `length` bytes (what DataStoreEncryptionKey must be, spec §1.2). */
export function isBase64OfLength(value: string, length: number): boolean {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value)) {
        return false;
    }
    const bytes = Buffer.from(value, "base64");
    return bytes.length === length && bytes.toString("base64") === value;
}

/** Redacted renderings (offline plan) carry REDACTED instead of secrets; format checks skip them. */
export function isRedacted(value: string | undefined): boolean {
    return value === REDACTED;
}
