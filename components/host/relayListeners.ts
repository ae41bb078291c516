// What a relay host exposes to the internet, as plain data. The cloud footprints derive their firewall rules from
// it (AWS security groups, GCP firewall rules), so a port is open exactly where something listens.
import { Settings } from "../config/types";
import { STUN_PORT } from "./ports";
import { relayHasTls } from "./relayTls";

export interface PublicListener {
    readonly protocol: "tcp" | "udp";
    readonly port: number;
    /** Short description for the rule, e.g. "relay (WebSocket)". */
    readonly purpose: string;
}

/**
 * The relay host's public listeners: the relay port on TCP (WebSocket; with letsencrypt also Let's Encrypt's
 * TLS-ALPN-01 validation), on UDP only with TLS (the relay starts QUIC only with a TLS config), and coturn's
 * STUN on UDP 3478.
 */
export function relayPublicListeners(settings: Settings): PublicListener[] {
    const port = settings.relay.port;
    const tls = relayHasTls(settings.relay.tls);
    return [
        { protocol: "tcp", port, purpose: tls ? "relay (WebSocket over TLS)" : "relay (WebSocket)" },
        ...(tls ? [{ protocol: "udp" as const, port, purpose: "relay (QUIC)" }] : []),
        { protocol: "udp", port: STUN_PORT, purpose: "STUN (coturn, stun-only)" },
    ];
}
