// Names shared by the footprint, the host layer and the offline plan. One place, so a controller's resource
// name, its hostname (the embedded NATS server_name, spec §2.4) and its plan directory always agree.

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
 * The URL a relay advertises (OZ_EXPOSED_ADDRESS) and management lists (Relay.Addresses). rel:// because the
 * relays do not terminate TLS; clients then use WebSocket over TCP only (QUIC needs rels://, spec §4).
 */
export function relayAddress(relayName: string, domain: string, port: number): string {
    return `rel://${relayDnsName(relayName, domain)}:${port}`;
}
