// Deterministic stand-ins for values a cloud would generate (ids, hashes, random bytes). Everything derives from a
// seed string (a resource URN or an invoke's inputs) so two evaluations of the same program are byte-identical.
import { createHash } from "crypto";

/** Hex SHA-256 of the seed. */
export function sha256Hex(seed: string): string {
    return createHash("sha256").update(seed).digest("hex");
}

/** `length` bytes derived from the seed (SHA-256 in counter mode). */
export function seededBytes(seed: string, length: number): Buffer {
    const blocks: Buffer[] = [];
    for (let block = 0; blocks.length * 32 < length; block++) {
        blocks.push(createHash("sha256").update(`${seed}#${block}`).digest());
    }
    return Buffer.concat(blocks).subarray(0, length);
}

/** `length` lowercase hex characters. */
export function hexId(seed: string, length: number): string {
    return seededBytes(seed, Math.ceil(length / 2)).toString("hex").slice(0, length);
}

/** `length` characters drawn from `alphabet`. */
export function seededString(seed: string, length: number, alphabet: string): string {
    const bytes = seededBytes(seed, length);
    let out = "";
    for (const b of bytes) {
        out += alphabet[b % alphabet.length];
    }
    return out;
}

/** An integer in [min, max]. */
export function seededInt(seed: string, min: number, max: number): number {
    const n = seededBytes(seed, 4).readUInt32BE(0);
    return min + (n % (max - min + 1));
}

/** A UUID-shaped (version 4 layout) string. */
export function seededUuid(seed: string): string {
    const h = hexId(seed, 32).split("");
    h[12] = "4";
    h[16] = "89ab"[parseInt(h[16], 16) % 4];
    const s = h.join("");
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}
