// User data for every host, cloud-agnostic: only the identity cloud-init must set before anything else runs.
// A unique hostname matters because embedded NATS uses it as its server_name (spec §2.4). The SSH host key is the
// one secret here, by design: the program generates it so every SSH connection can pin it before the first dial
// (hostKey), and cloud-init must install it before sshd starts. User data is readable by whoever may describe the
// instance's attributes and by processes on the host via the metadata service, so the footprint marks it secret
// in the state and docs/hosts.md names the trade-off. Nothing else secret goes here: packages, config and
// secrets arrive later through host convergence over SSH.

export interface CloudInitArgs {
    /** Short hostname (one DNS label), e.g. "openzro-controller-1". */
    readonly hostname: string;
    /** Optional fully qualified name; its first label must equal `hostname`. */
    readonly fqdn?: string;
    /** The host's SSH identity (ED25519, OpenSSH format): replaces the image's keys, no others are generated. */
    readonly hostKey?: { readonly privateKeyOpenssh: string; readonly publicKeyOpenssh: string };
    /**
     * Plain configuration files cloud-init writes in its first (init) stage, before the image's own agents start
     * (GCP: the guest agent's config, so it keeps the host key above). Nothing secret: user data is readable.
     */
    readonly files?: readonly CloudInitFile[];
}

export interface CloudInitFile {
    /** Absolute path on the host. */
    readonly path: string;
    readonly content: string;
    /** Octal mode, e.g. "0644". */
    readonly permissions: string;
}

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

function assertHostname(hostname: string): void {
    if (!LABEL.test(hostname)) {
        throw new Error(
            `hostname: not a valid host name (got "${hostname}"); use 1-63 lowercase letters, digits and inner hyphens`,
        );
    }
}

function assertFqdn(fqdn: string, hostname: string): void {
    const labels = fqdn.split(".");
    if (fqdn.length > 253 || labels.length < 2 || !labels.every((l) => LABEL.test(l))) {
        throw new Error(`fqdn: not a valid fully qualified domain name (got "${fqdn}"); use lowercase DNS labels joined by dots`);
    }
    if (labels[0] !== hostname) {
        throw new Error(`fqdn: must start with the hostname "${hostname}" (got "${fqdn}"); use "${hostname}.<domain>"`);
    }
}

/** #cloud-config that sets the hostname (and /etc/hosts, so the name resolves locally). */
export function renderCloudInit(args: CloudInitArgs): string {
    assertHostname(args.hostname);
    const lines = ["#cloud-config", `hostname: ${args.hostname}`];
    if (args.fqdn !== undefined) {
        assertFqdn(args.fqdn, args.hostname);
        lines.push(`fqdn: ${args.fqdn}`);
    }
    lines.push("preserve_hostname: false", "manage_etc_hosts: true");
    if (args.hostKey !== undefined) {
        lines.push(...hostKeyLines(args.hostKey));
    }
    if (args.files !== undefined && args.files.length > 0) {
        lines.push(...writeFilesLines(args.files));
    }
    return lines.join("\n") + "\n";
}

const OPENSSH_PRIVATE = /^-----BEGIN OPENSSH PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+-----END OPENSSH PRIVATE KEY-----\n?$/;
const ED25519_PUBLIC = /^ssh-ed25519 [A-Za-z0-9+/]+=*$/;

/** cloud-init's ssh module: delete the image's host keys, write exactly this ED25519 pair (0600, root). */
function hostKeyLines(key: NonNullable<CloudInitArgs["hostKey"]>): string[] {
    const publicKey = key.publicKeyOpenssh.trim().split(" ").slice(0, 2).join(" ");
    if (!OPENSSH_PRIVATE.test(key.privateKeyOpenssh) || !ED25519_PUBLIC.test(publicKey)) {
        // Never echo the key.
        throw new Error("hostKey: not an ED25519 key pair in OpenSSH format; generate it with @pulumi/tls (algorithm ED25519)");
    }
    const privateLines = key.privateKeyOpenssh.trimEnd().split("\n").map((l) => `    ${l}`);
    return ["ssh_deletekeys: true", "ssh_keys:", "  ed25519_private: |", ...privateLines, `  ed25519_public: ${publicKey}`];
}

const FILE_PATH = /^\/[A-Za-z0-9._\/-]+$/;
const FILE_MODE = /^0[0-7]{3}$/;

/** cloud-init's write_files module: each file's content as a literal block (kept byte for byte). */
function writeFilesLines(files: readonly CloudInitFile[]): string[] {
    return ["write_files:", ...files.flatMap((f) => {
        if (!FILE_PATH.test(f.path) || f.path.includes("..")) {
            throw new Error(`files: not an absolute path (got "${f.path}"); use an absolute path of letters, digits, . _ - /`);
        }
        if (!FILE_MODE.test(f.permissions)) {
            throw new Error(`files: not an octal mode (got "${f.permissions}") for ${f.path}; use e.g. "0644"`);
        }
        const body = f.content.endsWith("\n") ? f.content.slice(0, -1) : f.content;
        return [`  - path: ${f.path}`, `    permissions: '${f.permissions}'`, "    content: |", ...body.split("\n").map((l) => (l === "" ? "" : `      ${l}`))];
    })];
}
