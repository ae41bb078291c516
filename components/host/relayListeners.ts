// What a relay host exposes to the internet, as plain data. The cloud footprints derive their firewall rules from
// it (AWS security groups, GCP firewall rules), so a port is open exactly where something listens.
import { Settings } from "../config/types";

export interface PublicListener {
    readonly protocol: "tcp" | "udp";
    readonly port: number;
    /** Short description for the rule, e.g. "relay (WebSocket)". */
    readonly purpose: string;
}

/** The relay host's public listeners: the relay port (TCP for WebSocket, UDP for QUIC). */
export function relayPublicListeners(settings: Settings): PublicListener[] {
    const port = settings.relay.port;
    return [
        { protocol: "tcp", port, purpose: "relay (WebSocket)" },
        { protocol: "udp", port, purpose: "relay (QUIC)" },
    ];
}
