// Plausible state for the non-AWS packages the program uses: random, tls, command, and stack references.
// Values that are secret in the real provider come back as pulumi.secret(...) because the mock monitor ignores
// additionalSecretOutputs; every such value is also remembered so tests can prove it never leaks.
import * as pulumi from "@pulumi/pulumi";
import { createPrivateKey, createPublicKey } from "crypto";
import { hexId, seededBytes, seededInt, seededString, seededUuid, sha256Hex } from "./deterministic";
import { MockWorld } from "./mockWorld";
import { unwrapSecrets } from "./wire";

export interface GenericRequest {
    readonly type: string;
    readonly name: string;
    readonly seed: string;
    readonly inputs: Record<string, unknown>;
}

export interface GenericAnswer {
    readonly id: string;
    readonly computed: Record<string, unknown>;
}

const LOWER = "abcdefghijklmnopqrstuvwxyz";
const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const DIGITS = "0123456789";
const SPECIAL_DEFAULT = "!@#$%&*()-_=+[]{}<>:?";

function num(x: unknown, fallback: number): number {
    const v = unwrapSecrets(x);
    return typeof v === "number" ? v : fallback;
}

/** The alphabet random_password/random_string would draw from, honouring the usual flags. */
function alphabet(inputs: Record<string, unknown>): string {
    const on = (k: string) => inputs[k] !== false;
    const special = typeof inputs.overrideSpecial === "string" ? inputs.overrideSpecial : SPECIAL_DEFAULT;
    return (on("lower") ? LOWER : "") + (on("upper") ? UPPER : "") + (on("numeric") ? DIGITS : "") + (on("special") ? special : "");
}

function secret(world: MockWorld, value: string): pulumi.Output<string> {
    return pulumi.secret(world.secret(value));
}

/** OpenSSH wire string: uint32 length + bytes. */
function sshString(b: Buffer): Buffer {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(b.length);
    return Buffer.concat([len, b]);
}

/** A real Ed25519 key pair derived from the seed, in the formats @pulumi/tls returns. */
function ed25519(seed: string): { privatePem: string; privateOpenssh: string; publicPem: string; publicOpenssh: string; publicRaw: Buffer } {
    const secretSeed = seededBytes(`${seed}#ed25519`, 32);
    const pkcs8 = Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), secretSeed]);
    const key = createPrivateKey({ key: pkcs8, format: "der", type: "pkcs8" });
    const spki = createPublicKey(key).export({ format: "der", type: "spki" }) as Buffer;
    const publicRaw = spki.subarray(spki.length - 32);
    const keyType = Buffer.from("ssh-ed25519");
    const publicBlob = Buffer.concat([sshString(keyType), sshString(publicRaw)]);
    const check = seededBytes(`${seed}#check`, 4);
    let privateSection = Buffer.concat([
        check, check, sshString(keyType), sshString(publicRaw),
        sshString(Buffer.concat([secretSeed, publicRaw])), sshString(Buffer.from("")),
    ]);
    for (let pad = 1; privateSection.length % 8 !== 0; pad++) {
        privateSection = Buffer.concat([privateSection, Buffer.from([pad])]);
    }
    const count = Buffer.alloc(4);
    count.writeUInt32BE(1);
    const body = Buffer.concat([
        Buffer.from("openssh-key-v1\0"), sshString(Buffer.from("none")), sshString(Buffer.from("none")),
        sshString(Buffer.from("")), count, sshString(publicBlob), sshString(privateSection),
    ]);
    const wrap = (b64: string) => b64.match(/.{1,70}/g)!.join("\n");
    return {
        privatePem: key.export({ format: "pem", type: "pkcs8" }) as string,
        privateOpenssh: `-----BEGIN OPENSSH PRIVATE KEY-----\n${wrap(body.toString("base64"))}\n-----END OPENSSH PRIVATE KEY-----\n`,
        publicPem: createPublicKey(key).export({ format: "pem", type: "spki" }) as string,
        publicOpenssh: `ssh-ed25519 ${publicBlob.toString("base64")} openzro\n`,
        publicRaw: publicBlob,
    };
}

type Handler = (world: MockWorld, req: GenericRequest) => GenericAnswer;

const HANDLERS: Record<string, Handler> = {
    "random:index/randomPassword:RandomPassword": (world, req) => {
        const result = seededString(req.seed, num(req.inputs.length, 16), alphabet(req.inputs));
        return {
            id: "none",
            computed: { result: secret(world, result), bcryptHash: secret(world, `$2a$10$${seededString(`${req.seed}#bcrypt`, 53, LOWER + UPPER + DIGITS + "./")}`) },
        };
    },
    "random:index/randomString:RandomString": (_world, req) => {
        const result = seededString(req.seed, num(req.inputs.length, 16), alphabet(req.inputs));
        return { id: result, computed: { result } };
    },
    "random:index/randomBytes:RandomBytes": (world, req) => {
        const bytes = seededBytes(req.seed, num(req.inputs.length, 32));
        return { id: "none", computed: { base64: secret(world, bytes.toString("base64")), hex: secret(world, bytes.toString("hex")) } };
    },
    "random:index/randomId:RandomId": (_world, req) => {
        const bytes = seededBytes(req.seed, num(req.inputs.byteLength, 8));
        const prefix = typeof req.inputs.prefix === "string" ? req.inputs.prefix : "";
        const b64Url = bytes.toString("base64url");
        return {
            id: b64Url,
            computed: { hex: prefix + bytes.toString("hex"), b64Std: prefix + bytes.toString("base64"), b64Url: prefix + b64Url, dec: prefix + BigInt(`0x${bytes.toString("hex")}`).toString() },
        };
    },
    "random:index/randomInteger:RandomInteger": (_world, req) => {
        const result = seededInt(req.seed, num(req.inputs.min, 0), num(req.inputs.max, 100));
        return { id: String(result), computed: { result } };
    },
    "random:index/randomUuid:RandomUuid": (_world, req) => {
        const result = seededUuid(req.seed);
        return { id: result, computed: { result } };
    },
    "random:index/randomPet:RandomPet": (_world, req) => {
        const words = ["brave", "calm", "eager", "gentle", "lucky", "otter", "heron", "lynx", "falcon", "badger"];
        const n = num(req.inputs.length, 2);
        const parts = Array.from({ length: n }, (_, i) => words[seededInt(`${req.seed}#${i}`, 0, words.length - 1)]);
        const id = [typeof req.inputs.prefix === "string" ? req.inputs.prefix : undefined, ...parts].filter(Boolean).join(String(req.inputs.separator ?? "-"));
        return { id, computed: {} };
    },
    "tls:index/privateKey:PrivateKey": (world, req) => {
        const k = ed25519(req.seed);
        const fingerprint = sha256Hex(k.publicRaw.toString("hex"));
        return {
            id: hexId(req.seed, 40),
            computed: {
                privateKeyPem: secret(world, k.privatePem),
                privateKeyPemPkcs8: secret(world, k.privatePem),
                privateKeyOpenssh: secret(world, k.privateOpenssh),
                publicKeyPem: k.publicPem,
                publicKeyOpenssh: k.publicOpenssh,
                publicKeyFingerprintMd5: fingerprint.slice(0, 32).replace(/(..)(?!$)/g, "$1:"),
                publicKeyFingerprintSha256: `SHA256:${Buffer.from(fingerprint, "hex").toString("base64").replace(/=+$/, "")}`,
            },
        };
    },
    "tls:index/selfSignedCert:SelfSignedCert": (_world, req) => ({
        id: BigInt(`0x${hexId(req.seed, 30)}`).toString(),
        computed: {
            certPem: `-----BEGIN CERTIFICATE-----\n${seededBytes(req.seed, 96).toString("base64")}\n-----END CERTIFICATE-----\n`,
            validityStartTime: "2025-01-01T00:00:00Z",
            validityEndTime: "2026-01-01T00:00:00Z",
            readyForRenewal: false,
        },
    }),
    "command:remote:Command": () => ({ id: "", computed: { stdout: "", stderr: "" } }),
    "command:local:Command": () => ({ id: "", computed: { stdout: "", stderr: "" } }),
    "command:remote:CopyToRemote": () => ({ id: "", computed: {} }),
    "command:remote:CopyFile": () => ({ id: "", computed: {} }),
};

/** Answers a registration of a non-AWS resource, or undefined when there is no mock for its type. */
export function genericResource(world: MockWorld, req: GenericRequest): GenericAnswer | undefined {
    const handler = HANDLERS[req.type];
    if (!handler) {
        return undefined;
    }
    const answer = handler(world, req);
    // Commands have provider-generated ids; make them deterministic and unique per resource.
    return answer.id === "" ? { ...answer, id: `${req.name}-${hexId(req.seed, 8)}` } : answer;
}
