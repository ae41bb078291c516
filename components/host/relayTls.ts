// What each relayTls mode means on a relay host, in one place: the relay's env, its unit drop-in, its health
// check and the offline plan all read it (openZro relay/cmd/root.go handleTLSConfig, encryption/*.go).
import { relayDnsName } from "../config/naming";
import type { RelayTlsMode, Settings } from "../config/types";

/** systemd StateDirectory= name: /var/lib/openzro-relay, owned by the unit's User= (openzro). */
export const RELAY_STATE_DIRECTORY = "openzro-relay";
/** OZ_LETSENCRYPT_DATA_DIR: the only place the relay writes under the packaged unit's ProtectSystem=strict. */
export const RELAY_STATE_DIR = `/var/lib/${RELAY_STATE_DIRECTORY}`;

/** The Let's Encrypt modes keep an ACME account and certificates in RELAY_STATE_DIR. */
export function relayUsesAcme(tls: RelayTlsMode): boolean {
    return tls === "letsencrypt" || tls === "route53";
}

/** Whether the relay terminates TLS, so it also runs QUIC on UDP of its port (relay/server/server.go). */
export function relayHasTls(tls: RelayTlsMode): boolean {
    return tls !== "none";
}

/**
 * Where autocert caches the certificate of `dnsName` (encryption/letsencrypt.go: DirCache(<datadir>/letsencrypt),
 * keyed by the name for an ECDSA certificate). Its existence means a certificate was issued; before that the
 * first TLS handshake for the name starts the issuance.
 */
export function autocertCachePath(dnsName: string): string {
    return `${RELAY_STATE_DIR}/letsencrypt/${dnsName}`;
}

/** One line for the offline plan and docs: where relay `relayName`'s certificate comes from. */
export function relayCertificateSource(settings: Settings, relayName: string): string {
    const name = relayDnsName(relayName, settings.domain);
    switch (settings.relay.tls) {
        case "letsencrypt":
            return `Let's Encrypt TLS-ALPN-01 for ${name} on tcp/443, renewed in process`;
        case "route53":
            return `Let's Encrypt Route 53 DNS-01 for ${name}, renewed in process`;
        case "files":
            return `files ${settings.relay.certFile} + ${settings.relay.keyFile} (restart to renew)`;
        case "none":
            return "none (rel://, no QUIC)";
    }
}
