// The relay tier: one host, one public address and one DNS name per relay (spec §4).
import { relayRegionCapacity } from "../cidr";
import { ConfigError } from "../errors";
import { DEFAULTS } from "../keys";
import { relayDnsName } from "../naming";
import type { Preset } from "../presets";
import { RawReader, scalarText } from "../reader";
import { goDurationSeconds, isAmiId, isAwsRegion, isDnsLabel, isGcpRegion } from "../syntax";
import type { Cloud, RelaySettings, Settings } from "../types";
import { PORT_RANGE, checkEc2InstanceType, checkUnprivilegedPort } from "./common";
import { RELAY_METRICS_PORT } from "../../host/ports";

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
    const defaultType = checkEc2InstanceType(
        "relayInstanceType",
        r.text("relayInstanceType", ctx.preset.relay.awsInstanceType),
        ctx.preset.relay.awsInstanceType,
    );
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

    const port = checkUnprivilegedPort("relayPort", r.int("relayPort", PORT_RANGE, DEFAULTS.relayPort), DEFAULTS.relayPort);
    if (port === 22 || port === RELAY_METRICS_PORT) {
        const what = port === 22 ? "SSH" : "metrics";
        throw new ConfigError("relayPort", `collides with the relay host's ${what} port`, port, `use another port, e.g. ${DEFAULTS.relayPort}`);
    }

    return {
        relays,
        relay: {
            port,
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
        const regionOk = ctx.cloud === "aws" ? isAwsRegion(region) : isGcpRegion(region);
        if (!regionOk) {
            throw new ConfigError(
                `${at}.region`,
                `does not look like an ${ctx.cloud.toUpperCase()} region`,
                region,
                ctx.cloud === "aws" ? "use a region code such as eu-west-1" : "use a region such as europe-west1",
            );
        }
        const typeValue = fields.instanceType;
        const instanceType =
            typeValue === undefined || typeValue === null || typeValue === ""
                ? defaultType
                : checkEc2InstanceType(`${at}.instanceType`, scalarText(`${at}.instanceType`, typeValue, "use a single instance type"), defaultType);
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
