// Identity of the stack: cloud, region, names, size, version, tags, OS family, promotion source.
import { ConfigError } from "../errors";
import { DEFAULTS } from "../keys";
import { SIZE_PRESETS } from "../presets";
import { RawReader, scalarText } from "../reader";
import { releaseVersionProblem } from "../releaseVersion";
import { isAwsRegion, isGcpLabelKey, isGcpLabelValue, isWithinDomain } from "../syntax";
import type { Cloud, LogLevel, OsFamily, Settings, SizePreset } from "../types";
import { checkDomainName, rejectOnGcp } from "./common";
import { checkGcpRegion } from "./region";

export const LOG_LEVELS: readonly LogLevel[] = ["panic", "fatal", "error", "warn", "info", "debug", "trace"];

export type CoreSettings = Pick<
    Settings,
    | "cloud"
    | "region"
    | "domain"
    | "dnsZone"
    | "size"
    | "openzroVersion"
    | "logLevel"
    | "tags"
    | "protectResources"
    | "allowUnpromotedDeploy"
    | "secretsBackup"
    | "hosts"
    | "promoteFromStack"
>;

export function readCore(r: RawReader): CoreSettings {
    const cloud = r.oneOf<Cloud>("cloud", ["aws", "gcp"], DEFAULTS.cloud);
    const region = readRegion(r, cloud);
    const domain = checkDomainName("domain", r.requiredText("domain", "openzro.example.com"), "openzro.example.com");
    const dnsZone = checkDomainName("dnsZone", r.requiredText("dnsZone", "example.com"), "example.com");
    if (!isWithinDomain(domain, dnsZone)) {
        throw new ConfigError(
            "dnsZone",
            `does not contain domain "${domain}"`,
            dnsZone,
            "set dnsZone to the hosted zone that holds the domain (the domain itself or a parent of it)",
        );
    }
    const promoteFromStack = r.text("promoteFromStack");
    if (promoteFromStack !== undefined && !/^[A-Za-z0-9][A-Za-z0-9_.-]*\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(promoteFromStack)) {
        throw new ConfigError(
            "promoteFromStack",
            "is not a fully qualified stack name",
            promoteFromStack,
            "use <organization>/<project>/<stack>, e.g. acme/openzro/staging",
        );
    }
    return {
        cloud,
        region,
        domain,
        dnsZone,
        size: r.oneOf<SizePreset>("size", SIZE_PRESETS, DEFAULTS.size),
        openzroVersion: readVersion(r),
        logLevel: r.oneOf<LogLevel>("logLevel", LOG_LEVELS, DEFAULTS.logLevel),
        tags: readTags(r, cloud),
        protectResources: r.bool("protectResources", DEFAULTS.protectResources),
        allowUnpromotedDeploy: r.bool("allowUnpromotedDeploy", DEFAULTS.allowUnpromotedDeploy),
        secretsBackup: readSecretsBackup(r, cloud),
        hosts: { osFamily: r.oneOf<OsFamily>("osFamily", ["debian", "rhel"], DEFAULTS.osFamily) },
        ...(promoteFromStack !== undefined ? { promoteFromStack } : {}),
    };
}

function readRegion(r: RawReader, cloud: Cloud): string {
    const key = `${cloud}:region`;
    const region = r.region(cloud);
    const example = cloud === "aws" ? "us-east-1" : "us-central1";
    if (region === undefined) {
        throw new ConfigError(key, `is required for cloud ${cloud}`, region, `set it, e.g. \`pulumi config set ${key} ${example}\``);
    }
    if (cloud === "aws" && !isAwsRegion(region)) {
        const zone = /^(.*-[0-9]+)[a-z]$/.exec(region);
        const fix = zone && isAwsRegion(zone[1]) ? `that is an availability zone; use the region "${zone[1]}"` : `use a region code such as ${example} or eu-west-1`;
        throw new ConfigError(key, "does not look like an AWS region", region, fix);
    }
    if (cloud === "gcp") {
        checkGcpRegion(key, region, example);
    }
    return region;
}

function readVersion(r: RawReader): string {
    const version = r.requiredText("openzroVersion", "0.53.1-alpha.87");
    const bad = releaseVersionProblem(version);
    if (bad) {
        throw new ConfigError("openzroVersion", bad.problem, version, bad.fix);
    }
    return version;
}

const TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

function readTags(r: RawReader, cloud: Cloud): Readonly<Record<string, string>> {
    const raw = r.structured("tags", "`pulumi config set --path tags.team platform`");
    if (raw === undefined) {
        return {};
    }
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
        throw new ConfigError("tags", "must be an object of tag names to values", raw, "set entries with `pulumi config set --path tags.team platform`");
    }
    const tags: Record<string, string> = {};
    for (const [name, value] of Object.entries(raw)) {
        const key = `tags.${name}`;
        const text = value === null || value === undefined ? "" : scalarText(key, value, "tag values are single strings");
        if (name === "Name") {
            throw new ConfigError(key, "is set by the program on every resource", text, "use another tag name");
        }
        if (name.toLowerCase().startsWith("aws:")) {
            throw new ConfigError(key, "uses the aws: prefix AWS reserves for itself", text, "use a tag name without the aws: prefix");
        }
        if (name.length < 1 || name.length > 128 || !TAG_CHARS.test(name)) {
            throw new ConfigError(key, "is not a valid tag name", name, "use 1-128 letters, digits, spaces and _ . : / = + - @");
        }
        if (text.length > 256 || !TAG_CHARS.test(text)) {
            throw new ConfigError(key, "is not a valid tag value", text, "use at most 256 letters, digits, spaces and _ . : / = + - @");
        }
        if (cloud === "gcp" && !isGcpLabelKey(name)) {
            throw new ConfigError(key, "is not a valid GCP label key (tags become labels on GCP)", name, "use a lower-case letter, then up to 62 lower-case letters, digits, _ or -");
        }
        if (cloud === "gcp" && !isGcpLabelValue(text)) {
            throw new ConfigError(key, "is not a valid GCP label value (tags become labels on GCP)", text, "use at most 63 lower-case letters, digits, _ or -");
        }
        tags[name] = text;
    }
    return tags;
}

/** The backup goes to AWS Secrets Manager; the GCP footprint has no backup yet, so a set value must not be ignored. */
function readSecretsBackup(r: RawReader, cloud: Cloud): boolean {
    const secretsBackup = r.bool("secretsBackup", DEFAULTS.secretsBackup);
    if (cloud === "gcp") {
        rejectOnGcp("secretsBackup", secretsBackup, !secretsBackup, "the backup copy goes to AWS Secrets Manager and the GCP footprint has none yet", "remove it");
    }
    return secretsBackup;
}
