// What only a GCP stack needs: the project, the zones controllers spread over, a pinned image, the Cloud DNS
// managed zone, and the private services access range Cloud SQL's private IP comes from. On AWS these keys must
// keep their defaults, so a GCP setting never sits silently in an AWS stack.
import { cidrsOverlap, formatCidr } from "../cidr";
import { ConfigError } from "../errors";
import { DEFAULTS } from "../keys";
import { RawReader, scalarText } from "../reader";
import { gcpZoneRegion, isGcpImageReference, isGcpProjectId, isGcpResourceName, isGcpZone } from "../syntax";
import type { Cloud, GcpSettings, OsFamily } from "../types";
import { checkPrivateCidr } from "./common";

/** Google requires at least a /24 for an allocated service range and recommends a /16 (one per service producer). */
const PSA_MAX_PREFIX = 24;
const SET_ZONES = "`pulumi config set --path 'gcpZones[0]' europe-west1-b`";

export interface GcpContext {
    readonly cloud: Cloud;
    readonly region: string;
    readonly azCount: number;
    readonly dnsZone: string;
    readonly osFamily: OsFamily;
    readonly vpcCidr: string;
    readonly relayVpcCidr: string;
}

/** The conventional Cloud DNS zone name of a DNS name: "example.com" → "example-com". */
export function defaultManagedZoneName(dnsZone: string): string {
    return dnsZone.replace(/\./g, "-");
}

export function readGcp(r: RawReader, ctx: GcpContext): GcpSettings | undefined {
    if (ctx.cloud !== "gcp") {
        rejectOnAws(r);
        return undefined;
    }
    const project = r.project();
    if (project === undefined) {
        throw new ConfigError("gcp:project", "is required for cloud gcp", project, "set it, e.g. `pulumi config set gcp:project my-project-id`");
    }
    if (!isGcpProjectId(project)) {
        throw new ConfigError(
            "gcp:project",
            "is not a GCP project ID",
            project,
            "use the project ID (not its display name or number): 6-30 lower-case letters, digits and hyphens, starting with a letter",
        );
    }

    const zones = readZones(r, ctx);
    const image = r.text("gcpImage");
    if (image !== undefined && !isGcpImageReference(image)) {
        throw new ConfigError(
            "gcpImage",
            "is not a Compute Engine image reference",
            image,
            "use projects/<project>/global/images/<image name>, e.g. projects/ubuntu-os-cloud/global/images/ubuntu-2404-noble-amd64-v20250110",
        );
    }
    if (image === undefined && ctx.osFamily === "rhel") {
        throw new ConfigError("osFamily", "is rhel but the default GCP image is Ubuntu 24.04", ctx.osFamily, "set gcpImage to a RHEL-family image, or use osFamily debian");
    }

    const dnsManagedZone = r.text("gcpDnsManagedZone", defaultManagedZoneName(ctx.dnsZone));
    if (!isGcpResourceName(dnsManagedZone)) {
        throw new ConfigError(
            "gcpDnsManagedZone",
            "is not a Cloud DNS managed-zone name",
            dnsManagedZone,
            "use the zone's resource name as `gcloud dns managed-zones list` shows it (lower-case letters, digits, hyphens), not its DNS name",
        );
    }

    return { project, ...(zones ? { zones } : {}), ...(image !== undefined ? { image } : {}), dnsManagedZone, privateServicesCidr: readPsaCidr(r, ctx) };
}

function readZones(r: RawReader, ctx: GcpContext): string[] | undefined {
    const raw = r.value("gcpZones");
    if (raw === undefined) {
        return undefined;
    }
    const list = typeof raw === "string" && !raw.trim().startsWith("[") ? raw.split(",").map((z) => z.trim()) : r.structured("gcpZones", SET_ZONES);
    if (!Array.isArray(list)) {
        throw new ConfigError("gcpZones", "must be a list of zones", list, `set entries with ${SET_ZONES}`);
    }
    const zones = list.map((entry, i) => {
        const key = `gcpZones[${i}]`;
        const zone = scalarText(key, entry, "write one zone per entry");
        if (!isGcpZone(zone)) {
            throw new ConfigError(key, "is not a GCP zone", zone, `use a zone of ${ctx.region} such as ${ctx.region}-b`);
        }
        if (gcpZoneRegion(zone) !== ctx.region) {
            throw new ConfigError(key, `is not in the stack's region ${ctx.region}`, zone, `use zones of ${ctx.region}, e.g. ${ctx.region}-b`);
        }
        if (list.slice(0, i).includes(zone)) {
            throw new ConfigError(key, "is listed twice", zone, "list each zone once: controllers are spread over distinct zones");
        }
        return zone;
    });
    if (zones.length !== ctx.azCount) {
        throw new ConfigError(
            "gcpZones",
            `lists ${zones.length} zone${zones.length === 1 ? "" : "s"} but azCount is ${ctx.azCount}`,
            zones,
            `list exactly ${ctx.azCount} zones, or set azCount to ${zones.length}`,
        );
    }
    return zones;
}

function readPsaCidr(r: RawReader, ctx: GcpContext): string {
    const text = r.text("gcpPrivateServicesCidr", DEFAULTS.gcpPrivateServicesCidr);
    const cidr = checkPrivateCidr("gcpPrivateServicesCidr", text, DEFAULTS.gcpPrivateServicesCidr);
    if (cidr.prefix > PSA_MAX_PREFIX) {
        throw new ConfigError(
            "gcpPrivateServicesCidr",
            `is smaller than the /${PSA_MAX_PREFIX} Google requires for private services access`,
            text,
            `use a /${PSA_MAX_PREFIX} or larger (Google recommends a /16), e.g. ${DEFAULTS.gcpPrivateServicesCidr}`,
        );
    }
    for (const [key, other] of [
        ["vpcCidr", ctx.vpcCidr],
        ["relayVpcCidr", ctx.relayVpcCidr],
    ] as const) {
        if (cidrsOverlap(text, other)) {
            throw new ConfigError(
                "gcpPrivateServicesCidr",
                `overlaps ${key} ${other}: Cloud SQL's addresses would collide with the hosts'`,
                formatCidr(cidr),
                `choose a block that overlaps neither vpcCidr nor relayVpcCidr, e.g. ${DEFAULTS.gcpPrivateServicesCidr}`,
            );
        }
    }
    return text;
}

/** GCP keys in an AWS stack: set by mistake (or for another stack); say so instead of ignoring them. */
function rejectOnAws(r: RawReader): void {
    for (const key of ["gcpZones", "gcpImage", "gcpDnsManagedZone"] as const) {
        if (r.has(key)) {
            throw new ConfigError(key, "is a GCP setting and cloud is aws", r.value(key), `remove it (\`pulumi config rm ${key}\`)`);
        }
    }
    const psa = r.text("gcpPrivateServicesCidr", DEFAULTS.gcpPrivateServicesCidr);
    if (psa !== DEFAULTS.gcpPrivateServicesCidr) {
        throw new ConfigError("gcpPrivateServicesCidr", "is a GCP setting and cloud is aws", psa, "remove it (`pulumi config rm gcpPrivateServicesCidr`)");
    }
}
