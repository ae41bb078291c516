// Secrets stay in secret channels. A policy cannot see which inputs Pulumi marks secret (the engine hands it
// plain values), so this is a heuristic over the places that are never secret: tags, names, descriptions, EC2
// user data (readable by anyone with ec2:Describe*), Compute Engine instance metadata (user-data, startup scripts:
// readable by anyone with compute.instances.get), and remote commands' create/update/delete/environment/
// triggers strings (stored in state, shown in logs, visible in `ps` on the host). It looks there for
//   1. PEM private keys ("-----BEGIN ... PRIVATE KEY-----"), and
//   2. the exact value of any known secret of this stack: outputs of secret generators (random passwords and
//      bytes, TLS private keys) and values under secret-named properties (password, secret, privateKey, ...)
//      anywhere in the stack, e.g. the database password or an SSH key in a command's connection.
// Legitimate secret channels (the database `password`, a command's `stdin` and connection, files copied to the
// host) are not scanned. Values shorter than 8 characters are ignored to avoid matching ordinary words.
// One documented exception in user data (EC2 userData, GCP metadata): the host's own SSH host key under cloud-config `ssh_keys:`
// (`<type>_private: |` blocks). The program generates it so connections can pin it before the first dial, and
// cloud-init must install it before sshd starts (components/host/cloudInit.ts, docs/hosts.md). Only those blocks
// are skipped; any other private key or secret in user data is still a violation.
import type { StackValidationPolicy } from "@pulumi/policy";
import type { StackResource } from "./lib/types";
import { T } from "./lib/types-aws";

const MIN_SECRET_LENGTH = 8;
const PEM_PRIVATE_KEY = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;
const SECRET_KEY_NAME = /(password|secret|secretstring|privatekey\w*|authsecret|encryptionkey)$/i;
/** Stand-in the program uses for redacted secrets (components/host/files.ts REDACTED). */
const REDACTED = "[secret]";

/** Outputs that secret generators produce (the providers mark them secret). */
const SECRET_OUTPUTS: Readonly<Record<string, readonly string[]>> = {
    "random:index/randomPassword:RandomPassword": ["result", "bcryptHash"],
    "random:index/randomBytes:RandomBytes": ["base64", "hex"],
    "tls:index/privateKey:PrivateKey": ["privateKeyPem", "privateKeyOpenssh", "privateKeyPemPkcs8"],
};

const VISIBLE_EVERYWHERE = ["tags", "tagsAll", "description", "name", "namePrefix"];
const VISIBLE_BY_TYPE: Readonly<Record<string, readonly string[]>> = {
    [T.ec2Instance]: ["userData", "userDataBase64"],
    "aws:ec2/launchTemplate:LaunchTemplate": ["userData"],
    // Metadata values are plain text: `user-data` (cloud-init), `startup-script`, `ssh-keys` and anything else.
    "gcp:compute/instance:Instance": ["metadata", "metadataStartupScript"],
    "gcp:compute/instanceTemplate:InstanceTemplate": ["metadata", "metadataStartupScript"],
    [T.commandRemote]: ["create", "update", "delete", "environment", "triggers"],
    "command:local:Command": ["create", "update", "delete", "environment", "triggers"],
    "command:remote:CopyToRemote": ["remotePath", "triggers"],
};

/** Reads a property, treating a value unknown during preview as absent (it cannot leak what it does not hold). */
function read(get: () => unknown): unknown {
    try {
        return get();
    } catch (e) {
        if (e instanceof Error && e.constructor.name === "UnknownValueError") {
            return undefined;
        }
        throw e;
    }
}

/** User data without cloud-config host-key blocks (`  ed25519_private: |` and its indented lines). */
export function withoutCloudInitHostKeys(text: string): string {
    if (!/^ssh_keys:$/m.test(text)) {
        return text;
    }
    return text.replace(/^ {2}(?:rsa|dsa|ecdsa|ed25519)_private: \|\n(?: {4}.*(?:\n|$))*/gm, "");
}

/** Fields that carry cloud-init user data: their cloud-config host-key blocks are the one exception. */
const USER_DATA_FIELDS = new Set(["userData", "userDataBase64", "metadata"]);

/** Every string inside a value, with user data base64 decoded. */
function stringsIn(value: unknown, decodeBase64 = false): string[] {
    if (typeof value === "string") {
        return decodeBase64 ? [value, Buffer.from(value, "base64").toString("utf8")] : [value];
    }
    if (Array.isArray(value)) {
        return value.flatMap((v, i) => stringsIn(read(() => value[i]), decodeBase64));
    }
    if (typeof value === "object" && value !== null) {
        const o = value as Record<string, unknown>;
        return Object.keys(o).flatMap((k) => stringsIn(read(() => o[k]), decodeBase64));
    }
    return [];
}

function collectSecretNamedValues(value: unknown, into: Set<string>, depth = 0): void {
    if (depth > 8 || typeof value !== "object" || value === null) {
        return;
    }
    const o = value as Record<string, unknown>;
    for (const k of Object.keys(o)) {
        const v = read(() => o[k]);
        if (SECRET_KEY_NAME.test(k) && typeof v === "string") {
            into.add(v);
        } else {
            collectSecretNamedValues(v, into, depth + 1);
        }
    }
}

export function knownSecretValues(resources: readonly StackResource[]): Set<string> {
    const values = new Set<string>();
    for (const r of resources) {
        if (r.type === "pulumi:pulumi:Stack") {
            continue;
        }
        for (const key of SECRET_OUTPUTS[r.type] ?? []) {
            const v = read(() => r.props[key]);
            typeof v === "string" && values.add(v);
        }
        collectSecretNamedValues(r.props, values);
    }
    for (const v of [...values]) {
        if (v.length < MIN_SECRET_LENGTH || v === REDACTED) {
            values.delete(v);
        }
    }
    return values;
}

export const noPlaintextSecrets: StackValidationPolicy = {
    name: "no-plaintext-secrets",
    description:
        "No private key and no known secret value of the stack appears in tags, names, descriptions, EC2 user data, GCP instance metadata or remote command lines/environment/triggers.",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        const secrets = knownSecretValues(args.resources);
        for (const r of args.resources) {
            const fields = [...VISIBLE_EVERYWHERE, ...(VISIBLE_BY_TYPE[r.type] ?? [])];
            for (const field of fields) {
                const userData = USER_DATA_FIELDS.has(field);
                // EC2 user data may arrive base64 encoded; GCP metadata is plain text.
                const texts = stringsIn(read(() => r.props[field]), field !== "metadata" && userData).map((t) => (userData ? withoutCloudInitHostKeys(t) : t));
                const pem = texts.some((t) => PEM_PRIVATE_KEY.test(t));
                const known = texts.some((t) => [...secrets].some((s) => t.includes(s)));
                if (pem || known) {
                    // Never echo the value itself.
                    reportViolation(
                        `${r.name} (${r.type}): ${field} contains ${pem ? "a PEM private key" : "a secret value of this stack"}; pass it through a secret channel (stdin, a 0600 file, a secret input).`,
                        r.urn,
                    );
                }
            }
        }
    },
};

export const secretPolicies = [noPlaintextSecrets];
