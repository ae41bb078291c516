// Pure "does this look right" predicates for config values. No Pulumi, no I/O: validate.ts turns a false into a
// one-line ConfigError that names the key, the value and the fix.
import { parseReleaseVersion } from "./releaseVersion";

const LABEL = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";
const TLD = "(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})";
const DOMAIN = new RegExp(`^(?:${LABEL}\\.)+${TLD}$`);

/** A lower-case DNS name with at least two labels and an alphabetic top-level label, <= 253 characters. */
export function isDomainName(name: string): boolean {
    return name.length <= 253 && DOMAIN.test(name);
}

/** `name` equals `zone` or is a subdomain of it (label boundary, so "badexample.com" is not in "example.com"). */
export function isWithinDomain(name: string, zone: string): boolean {
    return name === zone || name.endsWith(`.${zone}`);
}

/** A single DNS label: lower-case letters, digits and inner hyphens. */
export function isDnsLabel(label: string, maxLength = 63): boolean {
    return label.length <= maxLength && new RegExp(`^${LABEL}$`).test(label);
}

const DIRECTIONS = "east|west|north|south|central|northeast|northwest|southeast|southwest";
const AWS_REGION = new RegExp(`^[a-z]{2,4}(?:-[a-z]{2,4})?-(?:${DIRECTIONS})-[1-9][0-9]?$`);

/** us-east-1, ap-south-1, us-gov-west-1, eusc-de-east-1 ... (not an AZ like us-east-1a, not GCP's us-east1). */
export function isAwsRegion(region: string): boolean {
    return AWS_REGION.test(region);
}

/** us-central1, europe-west4, northamerica-northeast1 ... */
export function isGcpRegion(region: string): boolean {
    return /^[a-z]+-[a-z]+[1-9][0-9]?$/.test(region);
}

const EC2_TYPE =
    /^([a-z]+)([1-9][0-9]?)([a-z]*(?:-flex)?)\.(nano|micro|small|medium|large|xlarge|[1-9][0-9]*xlarge|metal(?:-[1-9][0-9]*xl)?)$/;

interface Ec2Type {
    readonly series: string;
    readonly generation: string;
    readonly attributes: string;
    readonly size: string;
}

function parseEc2Type(type: string): Ec2Type | undefined {
    const m = EC2_TYPE.exec(type);
    return m ? { series: m[1], generation: m[2], attributes: m[3], size: m[4] } : undefined;
}

/** c7i.xlarge, t3.medium, m7i-flex.large, r6id.2xlarge, c7g.metal ... */
export function isEc2InstanceType(type: string): boolean {
    return parseEc2Type(type) !== undefined;
}

/**
 * arm64: Graviton has a "g" among the attribute letters after the generation (c7g, m7gd, c6gn, t4g, im4gn,
 * is4gen, g5g), plus the first-generation a1; mac2 and later are Apple silicon. The series letter itself
 * ("g4dn" = GPU) says nothing about the CPU.
 */
export function isGravitonInstanceType(type: string): boolean {
    const t = parseEc2Type(type.startsWith("db.") ? type.slice(3) : type);
    if (t === undefined) {
        return false;
    }
    const appleSilicon = t.series === "mac" && t.generation !== "1";
    return t.attributes.includes("g") || (t.series === "a" && t.generation === "1") || appleSilicon;
}

/** db.m7g.xlarge, db.t4g.medium, db.r6i.large ... */
export function isRdsInstanceClass(value: string): boolean {
    return value.startsWith("db.") && isEc2InstanceType(value.slice(3));
}

export function isAmiId(value: string): boolean {
    return /^ami-(?:[0-9a-f]{8}|[0-9a-f]{17})$/.test(value);
}

const DURATION_UNITS: Record<string, number> = {
    ns: 1e-9,
    us: 1e-6,
    "µs": 1e-6,
    "μs": 1e-6,
    ms: 1e-3,
    s: 1,
    m: 60,
    h: 3600,
};

/** Seconds in a Go duration string ("24h", "1h30m", "720h", "0"), or undefined when Go would reject it. */
export function goDurationSeconds(text: string): number | undefined {
    if (text === "0") {
        return 0;
    }
    if (!/^(?:[0-9]+(?:\.[0-9]+)?(?:ns|us|µs|μs|ms|s|m|h))+$/.test(text)) {
        return undefined;
    }
    let total = 0;
    for (const m of text.matchAll(/([0-9]+(?:\.[0-9]+)?)(ns|us|µs|μs|ms|s|m|h)/g)) {
        total += Number(m[1]) * DURATION_UNITS[m[2]];
    }
    return total;
}

/** A pinned openZro release in its tag form: 0.53.1 or 0.53.1-alpha.87 (no "v", no ranges, no "latest"). */
export function isPinnedVersion(version: string): boolean {
    return parseReleaseVersion(version) !== undefined;
}

const SSH_KEY_TYPES = ["ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521"];

/** One OpenSSH public key line whose base64 blob really encodes the key type it names. */
export function isSshPublicKey(line: string): boolean {
    const m = /^([a-z0-9-]+) ([A-Za-z0-9+/]+={0,3})(?: [^\r\n]*)?$/.exec(line);
    if (!m || !SSH_KEY_TYPES.includes(m[1])) {
        return false;
    }
    const blob = Buffer.from(m[2], "base64");
    if (blob.length < 4) {
        return false;
    }
    const nameLength = blob.readUInt32BE(0);
    return blob.subarray(4, 4 + nameLength).toString("latin1") === m[1];
}

/** An absolute https URL with a host and no credentials, query or fragment (an OIDC issuer). */
export function isHttpsUrl(text: string): boolean {
    let url: URL;
    try {
        url = new URL(text);
    } catch {
        return false;
    }
    return (
        url.protocol === "https:" &&
        url.hostname !== "" &&
        url.username === "" &&
        url.password === "" &&
        url.search === "" &&
        url.hash === "" &&
        !/\s/.test(text)
    );
}

/** A POSIX login name as cloud images create them. */
export function isPosixUserName(name: string): boolean {
    return /^[a-z_][a-z0-9_-]{0,31}$/.test(name);
}

// ---- GCP -------------------------------------------------------------------------------------------------------

/** europe-west1-b, us-central1-f: a zone is its region plus "-<letter>". */
export function isGcpZone(zone: string): boolean {
    return /^[a-z]+-[a-z]+[1-9][0-9]?-[a-z]$/.test(zone);
}

/** The region of a GCP zone ("europe-west1-b" → "europe-west1"). */
export function gcpZoneRegion(zone: string): string {
    return zone.replace(/-[a-z]$/, "");
}

/** A GCP project ID: 6-30 characters, lower-case letters, digits and hyphens, starting with a letter. */
export function isGcpProjectId(id: string): boolean {
    return /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/.test(id);
}

/** A Compute Engine resource name (RFC 1035 label, at most 63 characters): also Cloud DNS managed-zone names. */
export function isGcpResourceName(name: string): boolean {
    return /^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(name);
}

const GCP_PREDEFINED = /^[a-z][a-z0-9]*-[a-z]+(?:-[a-z]+)?-[1-9][0-9]*(?:-lssd|-metal)?$/;
const GCP_CUSTOM = /^(?:[a-z][a-z0-9]*-)?custom-[1-9][0-9]*-[1-9][0-9]*(?:-ext)?$/;
const GCP_SHARED_CORE = /^(?:e2-(?:micro|small|medium)|f1-micro|g1-small)$/;

/** n2-standard-4, e2-medium, c3-highcpu-8, n2-custom-4-8192, t2a-standard-2 ... */
export function isGcpMachineType(type: string): boolean {
    return GCP_SHARED_CORE.test(type) || GCP_CUSTOM.test(type) || GCP_PREDEFINED.test(type);
}

/** Arm machine series (Ampere t2a, Axion c4a/n4a): they need the arm64 image. */
export function isGcpArmMachineType(type: string): boolean {
    return /^(?:t2a|c4a|n4a)-/.test(type);
}

/** Cloud SQL tiers: db-custom-<vCPU>-<MB>, db-perf-optimized-N-<vCPU> (Enterprise Plus), shared-core, legacy n1. */
export function isCloudSqlTier(tier: string): boolean {
    return /^db-custom-[1-9][0-9]*-[1-9][0-9]*$|^db-perf-optimized-N-[1-9][0-9]*$|^db-(?:f1-micro|g1-small)$|^db-n1-(?:standard|highmem)-[1-9][0-9]*$/.test(tier);
}

/**
 * A Compute Engine image reference: a self link or projects/<p>/global/images/<name> (or .../images/family/<f>).
 * A family reference still floats; the pin is a full image name.
 */
export function isGcpImageReference(ref: string): boolean {
    return /^(?:https:\/\/www\.googleapis\.com\/compute\/v1\/)?projects\/[a-z][a-z0-9-]{4,28}[a-z0-9]\/global\/images\/(?:family\/)?[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(ref);
}

/** GCP label keys: lower-case letter first, then lower-case letters, digits, _ and -, at most 63 characters. */
export function isGcpLabelKey(key: string): boolean {
    return /^[a-z][a-z0-9_-]{0,62}$/.test(key);
}

export function isGcpLabelValue(value: string): boolean {
    return /^[a-z0-9_-]{0,63}$/.test(value);
}
