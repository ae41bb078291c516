// User data for every host, cloud-agnostic: only the identity cloud-init must set before anything else runs.
// A unique hostname matters because embedded NATS uses it as its server_name (spec §2.4). Nothing secret ever
// goes here: user data is readable by anyone who can describe the instance and by every process via IMDS.
// Everything else (packages, config, secrets) arrives later through host convergence over SSH.

export interface CloudInitArgs {
    /** Short hostname (one DNS label), e.g. "openzro-controller-1". */
    readonly hostname: string;
    /** Optional fully qualified name; its first label must equal `hostname`. */
    readonly fqdn?: string;
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
    return lines.join("\n") + "\n";
}
