// The relay tier: one host, one public address and one DNS name per relay (spec §4).
import { relayRegionCapacity } from "../cidr";
import { ConfigError } from "../errors";
import { DEFAULTS } from "../keys";
import { relayDnsName } from "../naming";
import type { Preset } from "../presets";
import { RawReader, scalarText } from "../reader";
import { goDurationSeconds, isAmiId, isAwsRegion, isDnsLabel } from "../syntax";
import { checkGcpRegion } from "./region";
import type { Cloud, RelaySettings, RelayTlsMode, Settings } from "../types";
import { PORT_RANGE, checkMachineType } from "./common";
import { ACME_TLS_ALPN_PORT, RELAY_METRICS_PORT, STUN_PORT } from "../../host/ports";

/** relay-<name> must stay a valid DNS label with room to spare. */
export const MAX_RELAY_NAME_LENGTH = 40;
const RELAY_FIELDS = ["name", "region", "instanceType"];
const SET_RELAY = "`pulumi config set --path 'relays[0].name' us-east` and `pulumi config set --path 'relays[0].region' us-east-1`";

export interface RelayContext {
    readonly cloud: Cloud;
    readonly domain: string;
    readonly preset: Preset;
    readonly relayVpcCidr: string;
}

export function readRelays(r: RawReader, ctx: RelayContext): Pick<Settings, "relay" | "relays"> {
    const example = ctx.cloud === "aws" ? ctx.preset.relay.awsInstanceType : ctx.preset.relay.gcpMachineType;
    const defaultType = checkMachineType(ctx.cloud, "relayInstanceType", r.text("relayInstanceType", example), example);
    const relays = readRelayList(r, ctx, defaultType);
    const regions = new Set(relays.map((relay) => relay.region));

    const capacity = relayRegionCapacity(ctx.relayVpcCidr);
    if (regions.size > capacity) {
        throw new ConfigError(
            "relayVpcCidr",
            `has room for ${capacity} relay region${capacity === 1 ? "" : "s"} (one /20 each) but relays use ${regions.size}`,
            ctx.relayVpcCidr,
            `use a larger block, e.g. ${DEFAULTS.relayVpcCidr}`,
        );
    }

    const amiId = r.text("relayAmiId");
    if (amiId !== undefined && ctx.cloud === "gcp") {
        throw new ConfigError("relayAmiId", "is an AWS setting (an AMI) and cloud is gcp", amiId, "remove it; pin the GCP boot image with gcpImage");
    }
    if (amiId !== undefined && !isAmiId(amiId)) {
        throw new ConfigError("relayAmiId", "is not an AMI ID", amiId, "use an ID like ami-0123456789abcdef0, or leave it unset");
    }
    if (amiId !== undefined && regions.size > 1) {
        throw new ConfigError(
            "relayAmiId",
            `names one AMI but AMI IDs are regional and relays run in ${regions.size} regions`,
            amiId,
            "leave it unset to look up the image in each region",
        );
    }

    const tls = readRelayTls(r, ctx.cloud);
    const port = readRelayPort(r, tls.tls);

    return {
        relays,
        relay: {
            port,
            ...tls,
            rootVolumeGb: r.int("relayRootVolumeGb", { min: 20, max: 16384 }, ctx.preset.relay.rootVolumeGb),
            ...(amiId !== undefined ? { amiId } : {}),
            credentialsTtl: readCredentialsTtl(r),
        },
    };
}

function readRelayList(r: RawReader, ctx: RelayContext, defaultType: string): RelaySettings[] {
    const raw = r.structured("relays", SET_RELAY);
    if (raw === undefined || (Array.isArray(raw) && raw.length === 0)) {
        throw new ConfigError("relays", "needs at least one relay", raw, `add one with ${SET_RELAY}`);
    }
    if (!Array.isArray(raw)) {
        throw new ConfigError("relays", "must be a list of {name, region, instanceType?}", raw, `set entries with ${SET_RELAY}`);
    }
    const seen = new Map<string, number>();
    return raw.map((entry, i) => {
        const at = `relays[${i}]`;
        if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
            throw new ConfigError(at, "must be an object with name and region", entry, `set ${at}.name and ${at}.region with --path`);
        }
        const fields = entry as Record<string, unknown>;
        for (const field of Object.keys(fields)) {
            if (!RELAY_FIELDS.includes(field)) {
                throw new ConfigError(`${at}.${field}`, "is not a relay setting", fields[field], `use only ${RELAY_FIELDS.join(", ")}`);
            }
        }
        const name = requiredField(fields, at, "name", "eu-west");
        if (!isDnsLabel(name, MAX_RELAY_NAME_LENGTH)) {
            throw new ConfigError(
                `${at}.name`,
                `must be lower-case letters, digits and inner hyphens, at most ${MAX_RELAY_NAME_LENGTH} characters (it becomes the DNS label relay-<name>)`,
                name,
                'use a name such as "eu-west"',
            );
        }
        if (seen.has(name)) {
            throw new ConfigError(`${at}.name`, `duplicates relays[${seen.get(name)}].name`, name, "give every relay its own name");
        }
        seen.set(name, i);
        if (relayDnsName(name, ctx.domain).length > 253) {
            throw new ConfigError(`${at}.name`, "makes the relay DNS name longer than 253 characters", name, "use a shorter relay name or domain");
        }
        const region = requiredField(fields, at, "region", ctx.cloud === "aws" ? "eu-west-1" : "europe-west1");
        if (ctx.cloud === "gcp") {
            checkGcpRegion(`${at}.region`, region, "europe-west1");
        } else if (!isAwsRegion(region)) {
            throw new ConfigError(`${at}.region`, "does not look like an AWS region", region, "use a region code such as eu-west-1");
        }
        const typeValue = fields.instanceType;
        const instanceType =
            typeValue === undefined || typeValue === null || typeValue === ""
                ? defaultType
                : checkMachineType(ctx.cloud, `${at}.instanceType`, scalarText(`${at}.instanceType`, typeValue, "use a single instance type"), defaultType);
        return { name, region, instanceType };
    });
}

function requiredField(fields: Record<string, unknown>, at: string, field: string, example: string): string {
    const v = fields[field];
    const key = `${at}.${field}`;
    if (v === undefined || v === null || v === "") {
        throw new ConfigError(key, "is required", v, `set it, e.g. \`pulumi config set --path '${key}' ${example}\``);
    }
    return scalarText(key, v, `set ${key} to a single value`);
}

/** Relays accept a token for at most 24h (relay/cmd/root.go), so a longer TTL only breaks reconnects. */
function readCredentialsTtl(r: RawReader): string {
    const ttl = r.text("relayCredentialsTtl", DEFAULTS.relayCredentialsTtl);
    const seconds = goDurationSeconds(ttl);
    if (seconds === undefined) {
        throw new ConfigError("relayCredentialsTtl", "is not a Go duration", ttl, "use a duration such as 24h or 12h30m");
    }
    if (seconds < 60) {
        throw new ConfigError("relayCredentialsTtl", "is shorter than 1m", ttl, "use a duration between 1m and 24h, e.g. 24h");
    }
    if (seconds > 24 * 3600) {
        throw new ConfigError("relayCredentialsTtl", "is longer than the 24h relays accept a token for", ttl, "use 24h or less");
    }
    return ttl;
}

export const RELAY_TLS_MODES: readonly RelayTlsMode[] = ["letsencrypt", "route53", "files", "none"];
/** relayPort when relayTls is none: a plaintext relay must not sit on 443 (see readRelayPort). */
export const PLAINTEXT_RELAY_PORT = 33080;
const EMAIL = /^[A-Za-z0-9._%+-]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;
const ABSOLUTE_PATH = /^\/[A-Za-z0-9._@+\/-]*[A-Za-z0-9._@+-]$/;

type RelayTls = Pick<Settings["relay"], "tls" | "acmeEmail" | "certFile" | "keyFile">;

/** relayTls and the settings only one mode uses; a setting the chosen mode would ignore is an error. */
function readRelayTls(r: RawReader, cloud: Cloud): RelayTls {
    const tls = r.oneOf("relayTls", RELAY_TLS_MODES, DEFAULTS.relayTls);
    if (tls === "route53" && cloud !== "aws") {
        throw new ConfigError(
            "relayTls",
            `uses Route 53 DNS-01, which needs AWS, but cloud is ${cloud}`,
            tls,
            "use letsencrypt (TLS-ALPN-01 on port 443) or files",
        );
    }
    const acmeEmail = r.text("relayAcmeEmail");
    if (acmeEmail !== undefined) {
        if (tls !== "route53") {
            const why =
                tls === "letsencrypt"
                    ? "is ignored with relayTls letsencrypt: openZro's relay registers that Let's Encrypt account without a contact"
                    : `is only used with relayTls route53 (relayTls is ${tls})`;
            throw new ConfigError("relayAcmeEmail", why, acmeEmail, "leave it unset, or use relayTls route53");
        }
        if (!EMAIL.test(acmeEmail)) {
            throw new ConfigError("relayAcmeEmail", "is not an email address", acmeEmail, "use an address such as ops@example.com");
        }
    }
    const certFile = r.text("relayTlsCertFile");
    const keyFile = r.text("relayTlsKeyFile");
    for (const [key, value] of [["relayTlsCertFile", certFile], ["relayTlsKeyFile", keyFile]] as const) {
        if (tls === "files" && value === undefined) {
            throw new ConfigError(
                key,
                "is required with relayTls files",
                value,
                `set the path of the ${key === "relayTlsCertFile" ? "certificate chain" : "private key"} on the relay hosts, e.g. \`pulumi config set ${key} /etc/openzro-relay/tls/${key === "relayTlsCertFile" ? "fullchain.pem" : "privkey.pem"}\``,
            );
        }
        if (tls !== "files" && value !== undefined) {
            throw new ConfigError(key, `is only used with relayTls files (relayTls is ${tls})`, value, "leave it unset, or use relayTls files");
        }
        if (value !== undefined && !ABSOLUTE_PATH.test(value)) {
            throw new ConfigError(key, "is not an absolute path without spaces", value, "use a path such as /etc/openzro-relay/tls/fullchain.pem");
        }
        if (value !== undefined && /^\/(home|root|tmp|var\/tmp)\//.test(value)) {
            throw new ConfigError(key, "is hidden from the relay by its packaged unit (ProtectHome=true, PrivateTmp=true)", value, "use a path under /etc, e.g. /etc/openzro-relay/tls/fullchain.pem");
        }
    }
    if (certFile !== undefined && certFile === keyFile) {
        throw new ConfigError("relayTlsKeyFile", "is the same file as relayTlsCertFile", keyFile, "point it at the private key, e.g. /etc/openzro-relay/tls/privkey.pem");
    }
    return { tls, ...(acmeEmail !== undefined ? { acmeEmail } : {}), ...(certFile !== undefined ? { certFile, keyFile } : {}) };
}

/**
 * 443 with TLS (the port restrictive networks let through; the unit drop-in grants CAP_NET_BIND_SERVICE), 33080
 * without: a plaintext WebSocket on 443 is what TLS-inspecting middleboxes break first.
 */
function readRelayPort(r: RawReader, tls: RelayTlsMode): number {
    const fallback = tls === "none" ? PLAINTEXT_RELAY_PORT : ACME_TLS_ALPN_PORT;
    const port = r.int("relayPort", PORT_RANGE, fallback);
    if (tls === "none") {
        if (port < 1024) {
            throw new ConfigError(
                "relayPort",
                "is a privileged port (below 1024), which relays get only with TLS (relayTls none)",
                port,
                `use a port between 1024 and 65535 such as ${PLAINTEXT_RELAY_PORT}, or turn TLS on with relayTls letsencrypt`,
            );
        }
    }
    if (tls === "letsencrypt" && port !== ACME_TLS_ALPN_PORT) {
        throw new ConfigError(
            "relayPort",
            `must be ${ACME_TLS_ALPN_PORT} with relayTls letsencrypt: Let's Encrypt validates TLS-ALPN-01 on TCP 443 only`,
            port,
            `use ${ACME_TLS_ALPN_PORT}, or relayTls route53 or files for another port`,
        );
    }
    if (port === 22 || port === RELAY_METRICS_PORT || port === STUN_PORT) {
        const what = port === 22 ? "SSH" : port === STUN_PORT ? "STUN" : "metrics";
        throw new ConfigError("relayPort", `collides with the relay host's ${what} port`, port, `use another port, e.g. ${fallback}`);
    }
    return port;
}
