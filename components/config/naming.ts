// Names shared by the footprint, the host layer and the offline plan. One place, so a controller's resource
// name, its hostname (the embedded NATS server_name, spec §2.4) and its plan directory always agree.
import type { RelayTlsMode } from "./types";

/** Resource-name stem and offline-plan host directory of controller `index` (0-based). */
export function controllerName(index: number): string {
    return `controller-${index + 1}`;
}

/** OS hostname of controller `index`: unique per controller, because embedded NATS uses it as server_name. */
export function controllerHostname(index: number): string {
    return `openzro-controller-${index + 1}`;
}

/** Resource-name stem and offline-plan host directory of a relay. */
export function relayHostName(relayName: string): string {
    return `relay-${relayName}`;
}

/** OS hostname of a relay. */
export function relayHostname(relayName: string): string {
    return `openzro-relay-${relayName}`;
}

/** Public DNS name of a relay; resolves to that relay's own address only (spec §4). */
export function relayDnsName(relayName: string, domain: string): string {
    return `relay-${relayName}.${domain}`;
}

/**
 * The URL a relay advertises (OZ_EXPOSED_ADDRESS) and management lists (Relay.Addresses). rels:// when the relay
 * terminates TLS (WebSocket over TLS on TCP, QUIC on UDP of the same port); rel:// without TLS (WebSocket over
 * TCP only: openZro's relay starts QUIC only with TLS, relay/server/server.go).
 */
export function relayAddress(relayName: string, domain: string, relay: { readonly port: number; readonly tls: RelayTlsMode }): string {
    const scheme = relay.tls === "none" ? "rel" : "rels";
    return `${scheme}://${relayDnsName(relayName, domain)}:${relay.port}`;
}

/** The STUN server on a relay host (coturn, stun-only), as peers reach it. */
export function relayStunUri(relayName: string, domain: string, port: number): string {
    return `stun:${relayDnsName(relayName, domain)}:${port}`;
}
