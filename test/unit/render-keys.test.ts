// The key material's format rules: WireGuard clamping (`wg genkey`) and base64-of-32-bytes.
import { createPrivateKey, createPublicKey, randomBytes } from "node:crypto";
import { clampWireGuardPrivateKey, isBase64OfLength } from "../../components/host/render";

describe("clampWireGuardPrivateKey", () => {
    test.each([
        ["all ones", Buffer.alloc(32, 0xff)],
        ["all zeros", Buffer.alloc(32, 0x00)],
        ["random", randomBytes(32)],
    ])("%s: Curve25519 clamping bits are set, every other bit is kept", (_, input) => {
        const out = Buffer.from(clampWireGuardPrivateKey(input.toString("base64")), "base64");
        expect(out).toHaveLength(32);
        expect(out[0] & 0b111).toBe(0);
        expect(out[31] & 0x80).toBe(0);
        expect(out[31] & 0x40).toBe(0x40);
        expect(out[0] >> 3).toBe(input[0] >> 3);
        expect(out[31] & 0x3f).toBe(input[31] & 0x3f);
        expect(out.subarray(1, 31).equals(input.subarray(1, 31))).toBe(true);
    });

    test("the result is a valid X25519 private key (Node derives its public key)", () => {
        const key = clampWireGuardPrivateKey(randomBytes(32).toString("base64"));
        const d = Buffer.from(key, "base64").toString("base64url");
        const pub = createPublicKey(createPrivateKey({ key: { kty: "OKP", crv: "X25519", d, x: "" }, format: "jwk" }));
        expect(pub.asymmetricKeyType).toBe("x25519");
        // Clamping is idempotent: an already clamped key is unchanged.
        expect(clampWireGuardPrivateKey(key)).toBe(key);
    });

    test("anything but 32 bytes is refused", () => {
        expect(() => clampWireGuardPrivateKey(Buffer.alloc(31).toString("base64"))).toThrow(/expected 32 random bytes, got 31/);
    });
});

describe("isBase64OfLength", () => {
    test.each([
        [Buffer.alloc(32, 7).toString("base64"), 32, true],
        [Buffer.alloc(31, 7).toString("base64"), 32, false],
        [Buffer.alloc(33, 7).toString("base64"), 32, false],
        [Buffer.alloc(32, 7).toString("hex"), 32, false],
        ["not base64!", 32, false],
        [Buffer.alloc(32, 7).toString("base64url"), 32, false],
    ])("%s is %i bytes of base64: %s", (value, length, expected) => {
        expect(isBase64OfLength(value as string, length as number)).toBe(expected);
    });
});
