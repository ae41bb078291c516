// OIDC for management and the dashboard, and the optional operator-run Dex behind /dex/ (spec §1.3, §6).
import { ConfigError } from "../errors";
import { DEFAULTS } from "../keys";
import { RawReader } from "../reader";
import { isHttpsUrl } from "../syntax";
import type { Settings } from "../types";
import { PORT_RANGE, checkUnprivilegedPort } from "./common";

/** IdpManagerConfig.ManagerType values management accepts ("" is read as none) (spec §1.2). */
export const IDP_MANAGER_TYPES = ["none", "auth0", "azure", "keycloak", "zitadel", "authentik", "okta", "google", "jumpcloud"] as const;

export function readDex(r: RawReader): Settings["dex"] {
    return {
        enabled: r.bool("dexEnabled", DEFAULTS.dexEnabled),
        port: checkUnprivilegedPort("dexPort", r.int("dexPort", PORT_RANGE, DEFAULTS.dexPort), DEFAULTS.dexPort),
        grpcPort: checkUnprivilegedPort("dexGrpcPort", r.int("dexGrpcPort", PORT_RANGE, DEFAULTS.dexGrpcPort), DEFAULTS.dexGrpcPort),
    };
}

export function dexIssuer(domain: string): string {
    return `https://${domain}/dex`;
}

export function readOidc(r: RawReader, domain: string, dexEnabled: boolean): Settings["oidc"] {
    const issuer = readIssuer(r, domain, dexEnabled);
    const clientId = token("oidcClientId", r.text("oidcClientId", DEFAULTS.oidcClientId));
    const audience = token("oidcAudience", r.text("oidcAudience", clientId));
    const userIdClaim = r.text("oidcUserIdClaim", DEFAULTS.oidcUserIdClaim);
    if (!/^[A-Za-z0-9_.:/-]+$/.test(userIdClaim)) {
        throw new ConfigError("oidcUserIdClaim", "is not a JWT claim name", userIdClaim, `use a claim such as ${DEFAULTS.oidcUserIdClaim} or email`);
    }
    const idpManagerType = readIdpManagerType(r, dexEnabled);
    const clientSecret = r.secret("oidcClientSecret");
    return {
        issuer,
        clientId,
        audience,
        scopes: readScopes(r),
        userIdClaim,
        idpManagerType,
        deviceAuthFlow: r.bool("oidcDeviceAuthFlow", DEFAULTS.oidcDeviceAuthFlow),
        ...(clientSecret !== undefined ? { clientSecret } : {}),
    };
}

function readIssuer(r: RawReader, domain: string, dexEnabled: boolean): string {
    const own = dexIssuer(domain);
    const issuer = r.text("oidcIssuer");
    if (issuer === undefined) {
        if (dexEnabled) {
            return own;
        }
        throw new ConfigError(
            "oidcIssuer",
            "is required unless dexEnabled is true",
            undefined,
            "set your identity provider's issuer, e.g. `pulumi config set oidcIssuer https://idp.example.com`, or set dexEnabled true",
        );
    }
    if (!isHttpsUrl(issuer)) {
        throw new ConfigError(
            "oidcIssuer",
            "must be an https URL without query or fragment (management fetches its discovery document at boot)",
            issuer,
            "use the issuer exactly as your identity provider publishes it, e.g. https://idp.example.com",
        );
    }
    if (dexEnabled && issuer.replace(/\/$/, "") !== own) {
        throw new ConfigError("oidcIssuer", `must be ${own} when dexEnabled is true`, issuer, "leave oidcIssuer unset to use Dex, or set dexEnabled false");
    }
    if (!dexEnabled && new URL(issuer).hostname === domain) {
        throw new ConfigError(
            "oidcIssuer",
            "points at this deployment, which serves an issuer only when dexEnabled is true",
            issuer,
            "set dexEnabled true, or use your identity provider's issuer URL",
        );
    }
    return dexEnabled ? own : issuer;
}

function token(key: string, value: string): string {
    if (!/^[^\s]{1,255}$/.test(value)) {
        throw new ConfigError(key, "must be a single word without spaces (at most 255 characters)", value, `use the value registered at your identity provider, e.g. ${DEFAULTS.oidcClientId}`);
    }
    return value;
}

function readScopes(r: RawReader): string {
    const scopes = r.text("oidcScopes", DEFAULTS.oidcScopes);
    if (scopes.includes(",")) {
        throw new ConfigError("oidcScopes", "separates scopes with commas", scopes, `separate them with spaces, e.g. "${DEFAULTS.oidcScopes}"`);
    }
    const list = scopes.trim().split(/\s+/);
    if (!list.includes("openid")) {
        throw new ConfigError("oidcScopes", "must include openid", scopes, `use "openid ${list.join(" ")}"`);
    }
    return list.join(" ");
}

function readIdpManagerType(r: RawReader, dexEnabled: boolean): string {
    const value = r.text("idpManagerType", DEFAULTS.idpManagerType);
    if (value === "dex") {
        throw new ConfigError("idpManagerType", "has no dex type in management", value, "use none with Dex");
    }
    if (!(IDP_MANAGER_TYPES as readonly string[]).includes(value)) {
        throw new ConfigError(
            "idpManagerType",
            "is not a manager type management accepts (it would fail to start)",
            value,
            `use one of: ${IDP_MANAGER_TYPES.join(", ")}`,
        );
    }
    if (dexEnabled && value !== "none") {
        throw new ConfigError("idpManagerType", "must be none when dexEnabled is true", value, "set idpManagerType none");
    }
    return value;
}
