// Management daemon behaviour: peer DNS domain, telemetry, flow store, STUN servers (spec §1.2, §2.1, §9).
import { ConfigError } from "../errors";
import { DEFAULTS } from "../keys";
import { RawReader, scalarText } from "../reader";
import { goDurationSeconds, isWithinDomain } from "../syntax";
import type { HostProto, Settings, StunServer } from "../types";
import { checkDomainName } from "./common";

/** --dns-domain is validated by management at startup: a valid domain of at most 192 characters. */
const MAX_DNS_DOMAIN_LENGTH = 192;
export const HOST_PROTOS: readonly HostProto[] = ["udp", "dtls", "tcp", "http", "https"];
const STUN_FIELDS = ["proto", "uri"];
const SET_STUN = "`pulumi config set --path 'stuns[0].proto' udp` and `pulumi config set --path 'stuns[0].uri' stun:stun.example.com:3478`";
/** stun:/stuns: only (RFC 7064: no query part); TURN needs credentials a Stuns entry cannot carry. */
const STUN_URI = /^stuns?:(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*|\[[0-9a-fA-F:.]+\])(?::([0-9]{1,5}))?$/;

export function readManagement(r: RawReader, domain: string): Omit<Settings["management"], "dbPoolSize"> {
    const dnsDomain = checkDomainName("managementDnsDomain", r.text("managementDnsDomain", DEFAULTS.managementDnsDomain), DEFAULTS.managementDnsDomain);
    if (dnsDomain.length > MAX_DNS_DOMAIN_LENGTH) {
        throw new ConfigError("managementDnsDomain", `is longer than the ${MAX_DNS_DOMAIN_LENGTH} characters management accepts`, dnsDomain, `use a shorter domain such as ${DEFAULTS.managementDnsDomain}`);
    }
    if (isWithinDomain(domain, dnsDomain) || isWithinDomain(dnsDomain, domain)) {
        throw new ConfigError(
            "managementDnsDomain",
            `overlaps domain "${domain}": peers would resolve the control plane inside their own DNS domain`,
            dnsDomain,
            `use a domain that neither contains nor lies inside ${domain}, e.g. ${DEFAULTS.managementDnsDomain}`,
        );
    }
    const flowRetention = r.text("flowRetention", DEFAULTS.flowRetention);
    const seconds = goDurationSeconds(flowRetention);
    if (seconds === undefined || seconds <= 0) {
        throw new ConfigError("flowRetention", "is not a positive Go duration", flowRetention, `use a duration such as ${DEFAULTS.flowRetention} (30 days)`);
    }
    return {
        dnsDomain,
        anonymousMetrics: r.bool("anonymousMetrics", DEFAULTS.anonymousMetrics),
        geoliteUpdate: r.bool("geoliteUpdate", DEFAULTS.geoliteUpdate),
        disableDefaultPolicy: r.bool("disableDefaultPolicy", DEFAULTS.disableDefaultPolicy),
        flowStore: r.bool("flowStore", DEFAULTS.flowStore),
        flowRetention,
    };
}

/** `stuns` as set, or by default the STUN server on every relay host (relayStuns). */
export function readStuns(r: RawReader, relayStuns: readonly StunServer[]): StunServer[] {
    const raw = r.structured("stuns", SET_STUN);
    if (raw === undefined) {
        return [...relayStuns];
    }
    if (!Array.isArray(raw)) {
        throw new ConfigError("stuns", "must be a list of {proto, uri}", raw, `set entries with ${SET_STUN}`);
    }
    return raw.map((entry, i) => {
        const at = `stuns[${i}]`;
        if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
            throw new ConfigError(at, "must be an object with proto and uri", entry, `set ${at}.proto and ${at}.uri with --path`);
        }
        const fields = entry as Record<string, unknown>;
        for (const field of Object.keys(fields)) {
            if (!STUN_FIELDS.includes(field)) {
                throw new ConfigError(`${at}.${field}`, "is not a STUN setting", fields[field], "use only proto and uri");
            }
        }
        const proto = fields.proto === undefined ? "" : scalarText(`${at}.proto`, fields.proto, "use one protocol");
        if (!(HOST_PROTOS as readonly string[]).includes(proto)) {
            throw new ConfigError(
                `${at}.proto`,
                `must be exactly one of ${HOST_PROTOS.join(", ")} (anything else crashes management on the first peer login)`,
                fields.proto,
                "use udp for a STUN server",
            );
        }
        const uri = fields.uri === undefined ? "" : scalarText(`${at}.uri`, fields.uri, "use one URI");
        if (/^turns?:/i.test(uri)) {
            throw new ConfigError(`${at}.uri`, "is a TURN URI, but Stuns takes only stun: and stuns: URIs (a TURN server needs credentials)", fields.uri, "use the server's stun: URI, e.g. stun:turn.example.com:3478");
        }
        const m = STUN_URI.exec(uri);
        if (!m || (m[1] !== undefined && (Number(m[1]) < 1 || Number(m[1]) > 65535))) {
            throw new ConfigError(`${at}.uri`, "is not a STUN URI", fields.uri, "use stun:host:port, e.g. stun:stun.example.com:3478");
        }
        return { proto: proto as HostProto, uri };
    });
}
