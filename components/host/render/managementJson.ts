// /etc/openzro/management.json (spec §1). Only fields openZro's types.Config really has; everything that is a
// secret connection string goes through env instead (DSNs are ignored here, spec §1.4).
import { HostProto, Settings } from "../../config/types";
import { relayAddress } from "../../config/naming";
import { RenderSecrets, RenderTopology } from "../files";
import { RenderError } from "./errors";
import { isBase64OfLength, isRedacted } from "./keys";
import { proxyCidrsOf } from "./topology";

/** The only Host.Proto values management accepts; anything else panics on the first peer login (spec §1.2). */
export const HOST_PROTOS: readonly HostProto[] = ["udp", "dtls", "tcp", "http", "https"];

/** Where the openZro CLI listens for the PKCE callback (HELM / upstream defaults). */
export const PKCE_REDIRECT_URLS = ["http://localhost:53000/", "http://localhost:54000/", "http://localhost:55000/"];

interface HostEntry {
    readonly Proto: HostProto;
    readonly URI: string;
}

function host(proto: HostProto, uri: string, key: string): HostEntry {
    if (!HOST_PROTOS.includes(proto)) {
        throw new RenderError(key, "Host.Proto must be one of udp|dtls|tcp|http|https", proto, "fix the proto; management panics on anything else");
    }
    return { Proto: proto, URI: uri };
}

/** The public gRPC endpoint peers use for signal and flow: the load balancer on 443 (no scheme, spec §1.2). */
export function publicGrpcUri(settings: Settings): string {
    return `${settings.domain}:443`;
}

/** Relay.Addresses: every relay's own URL, in configured order (spec §4). */
export function relayAddresses(settings: Settings): string[] {
    return settings.relays.map((r) => relayAddress(r.name, settings.domain, settings.relay));
}

/** The OIDC client secret when one is configured; the host layer must pass it whenever the settings have one. */
export function oidcClientSecret(settings: Settings, secrets: RenderSecrets): string | undefined {
    if (settings.oidc.clientSecret !== undefined && secrets.oidcClientSecret === undefined) {
        throw new RenderError("openzro:oidcClientSecret", "configured but not handed to the renderer", "undefined", "pass it in RenderSecrets.oidcClientSecret");
    }
    return settings.oidc.clientSecret !== undefined ? secrets.oidcClientSecret : undefined;
}

function issuerBase(settings: Settings): string {
    return settings.oidc.issuer.replace(/\/+$/, "");
}

/** The management.json object (exported for tests and the offline plan; render with renderManagementJson). */
export function managementConfig(settings: Settings, topology: RenderTopology, secrets: RenderSecrets): Record<string, unknown> {
    const key = secrets.dataStoreEncryptionKey;
    if (!isRedacted(key) && !isBase64OfLength(key, 32)) {
        // Any other length fails management's startup (flow_exports.NewFieldEncrypt, spec §1.2).
        throw new RenderError("DataStoreEncryptionKey", "must be base64 of exactly 32 bytes", `${key.length} characters`, "use ClusterSecrets.dataStoreEncryptionKey");
    }
    if (settings.relays.length === 0) {
        throw new RenderError("openzro:relays", "at least one relay is required", [], "configure openzro:relays");
    }
    const proxies = proxyCidrsOf(topology);
    const issuer = issuerBase(settings);
    const grpcUri = publicGrpcUri(settings);
    const secret = oidcClientSecret(settings, secrets);
    const clientSecret = secret !== undefined ? { ClientSecret: secret } : {};
    const providerBase = {
        Audience: settings.oidc.audience,
        ClientID: settings.oidc.clientId,
        ...clientSecret,
        Scope: settings.oidc.scopes,
        UseIDToken: false,
    };

    return {
        Stuns: settings.stuns.map((s, i) => host(s.proto, s.uri, `openzro:stuns[${i}].proto`)),
        Relay: {
            Addresses: relayAddresses(settings),
            CredentialsTTL: settings.relay.credentialsTtl,
            Secret: secrets.relayAuthSecret,
        },
        Signal: host("https", grpcUri, "Signal.Proto"),
        // Explicit: without it peers use the Signal URI for FlowService (spec §1.2, D9). Same public endpoint
        // here, but the ALB routes /flow.FlowService/ to management, not signal.
        Flow: host("https", grpcUri, "Flow.Proto"),
        ReverseProxy: {
            // Management's real peer is always the local nginx (127.0.0.1); nginx already replaced
            // $remote_addr with the client address using set_real_ip_from <proxyCidrs>, and forwards
            // X-Forwarded-For "<what the ALB sent>, <client>". Management walks X-Forwarded-For from the right,
            // skipping TrustedHTTPProxies, so listing the ALB subnets is enough; a proxy COUNT on top of the
            // list is both redundant and warned about by management (management.go), so it stays 0.
            TrustedHTTPProxies: proxies,
            TrustedHTTPProxiesCount: 0,
            // Never empty and never 0.0.0.0/0: either would trust forwarded headers from anyone (spec §1.6).
            TrustedPeers: [...new Set(["127.0.0.1/32", ...proxies])],
        },
        DisableDefaultPolicy: settings.management.disableDefaultPolicy,
        // Supplied, identical on every controller: an empty key makes management generate one and rewrite this
        // (read-only) file, and different keys per replica corrupt shared data (spec §1.1, D5).
        DataStoreEncryptionKey: key,
        // Engine only: there is no DSN field; the DSN is OPENZRO_STORE_ENGINE_POSTGRES_DSN (spec §1.4, D1).
        StoreConfig: { Engine: "postgres" },
        // No Address: the field does not exist; REST and gRPC share --port 33073 (spec §1.3, D2).
        HttpConfig: {
            AuthIssuer: settings.oidc.issuer,
            AuthAudience: settings.oidc.audience,
            AuthUserIDClaim: settings.oidc.userIdClaim,
            // Fetched at boot (fatal if unreachable); it overrides the issuer, JWKS location and the flow
            // endpoints below (spec §1.3).
            OIDCConfigEndpoint: `${issuer}/.well-known/openid-configuration`,
            IdpSignKeyRefreshEnabled: true,
        },
        IdpManagerConfig: { ManagerType: settings.oidc.idpManagerType },
        // Endpoints follow Dex's layout; for any issuer, discovery replaces them at boot (spec §1.3), so they
        // are placeholders that are right for Dex and harmless elsewhere. Without this block CLI SSO login
        // returns NotFound (D10).
        PKCEAuthorizationFlow: {
            ProviderConfig: {
                ...providerBase,
                AuthorizationEndpoint: `${issuer}/auth`,
                TokenEndpoint: `${issuer}/token`,
                RedirectURLs: PKCE_REDIRECT_URLS,
            },
        },
        ...(settings.oidc.deviceAuthFlow
            ? {
                  DeviceAuthorizationFlow: {
                      Provider: "hosted",
                      ProviderConfig: {
                          ...providerBase,
                          TokenEndpoint: `${issuer}/token`,
                          DeviceAuthEndpoint: `${issuer}/device/code`,
                      },
                  },
              }
            : {}),
    };
}

/**
 * Management parses the file as a Go text/template before JSON (spec §1.1): a literal "{{" anywhere breaks
 * startup or, worse, gets substituted. Structural JSON never has two adjacent braces, so every "{{" is inside a
 * string; writing "{" there as the JSON escape \u007b keeps the decoded value identical and the template inert.
 */
export function escapeGoTemplateDelimiters(json: string): string {
    return json.replace(/\{(?=\{)/g, "\\u007b");
}

export function renderManagementJson(settings: Settings, topology: RenderTopology, secrets: RenderSecrets): string {
    return `${escapeGoTemplateDelimiters(JSON.stringify(managementConfig(settings, topology, secrets), null, 2))}\n`;
}
