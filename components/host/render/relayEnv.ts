// Env file of openzro-relay (spec §2.3, §4). The relay reads OZ_* only (OPENZRO_LOG_LEVEL has no effect, D16);
// every flag maps to OZ_<FLAG> (relay/cmd/env.go). TLS per relayTls (relay/cmd/root.go handleTLSConfig).
import { relayDnsName } from "../../config/naming";
import { Settings } from "../../config/types";
import { RELAY_STATE_DIR } from "../relayTls";
import { RenderSecrets } from "../files";
import { RELAY_METRICS_PORT } from "../ports";
import { EnvEntry, renderEnvFile } from "./envFile";
import { RenderError } from "./errors";
import { relayAddresses } from "./managementJson";

export function relayEnvEntries(settings: Settings, relayIndex: number, secrets: RenderSecrets): EnvEntry[] {
    const addresses = relayAddresses(settings);
    const exposed = addresses[relayIndex];
    if (!Number.isInteger(relayIndex) || exposed === undefined) {
        throw new RenderError("relayIndex", "no such relay", relayIndex, `use 0..${addresses.length - 1}`);
    }
    return [
        // Both TCP (WebSocket) and, with TLS, UDP (QUIC) bind here.
        ["OZ_LISTEN_ADDRESS", `:${settings.relay.port}`],
        // Exactly this relay's entry in Relay.Addresses: clients compare these strings to decide whether a peer
        // is on "their" relay, so a shared or mismatched value breaks pairing (spec §4, D11).
        ["OZ_EXPOSED_ADDRESS", exposed],
        // Equals management's Relay.Secret, or every relay credential fails.
        ["OZ_AUTH_SECRET", secrets.relayAuthSecret],
        ["OZ_LOG_LEVEL", settings.logLevel],
        ["OZ_METRICS_PORT", String(RELAY_METRICS_PORT)],
        ...relayTlsEntries(settings, relayIndex),
    ];
}

/** The certificate source of one relay; nothing for relayTls none (no TLS, no QUIC: rel://). */
export function relayTlsEntries(settings: Settings, relayIndex: number): EnvEntry[] {
    const relay = settings.relays[relayIndex];
    const name = relayDnsName(relay.name, settings.domain);
    switch (settings.relay.tls) {
        case "letsencrypt":
            // autocert: TLS-ALPN-01 on this listener (public tcp/443), on the first handshake for the name; cache
            // in <dir>/letsencrypt, renewed in process. It ignores OZ_LETSENCRYPT_EMAIL, so none is set.
            return [
                ["OZ_LETSENCRYPT_DOMAINS", name],
                ["OZ_LETSENCRYPT_DATA_DIR", RELAY_STATE_DIR],
            ];
        case "route53":
            // certmagic DNS-01 through the instance role (AWS SDK default chain) before the relay listens. Route 53
            // is global, but the SDK still wants a region: the relay's own.
            return [
                ["OZ_LETSENCRYPT_AWS_ROUTE53", "true"],
                ["OZ_LETSENCRYPT_DOMAINS", name],
                ["OZ_LETSENCRYPT_DATA_DIR", RELAY_STATE_DIR],
                ...(settings.relay.acmeEmail !== undefined ? ([["OZ_LETSENCRYPT_EMAIL", settings.relay.acmeEmail]] as const) : []),
                ["AWS_REGION", relay.region],
            ];
        case "files":
            if (settings.relay.certFile === undefined || settings.relay.keyFile === undefined) {
                throw new RenderError("openzro:relayTlsCertFile", "relayTls files without both paths", settings.relay.certFile, "set relayTlsCertFile and relayTlsKeyFile");
            }
            return [
                ["OZ_TLS_CERT_FILE", settings.relay.certFile],
                ["OZ_TLS_KEY_FILE", settings.relay.keyFile],
            ];
        case "none":
            return [];
    }
}

export function renderRelayEnv(settings: Settings, relayIndex: number, secrets: RenderSecrets): string {
    return renderEnvFile(["openzro-relay: this relay's own public address and the shared auth secret."], relayEnvEntries(settings, relayIndex, secrets));
}
