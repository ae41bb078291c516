// coturn's configuration on every relay host: a STUN server and nothing else (audit §1.4). No openZro binary
// serves STUN, and peers without a STUN server gather host candidates only, so two peers behind NAT never
// connect directly. stun-only turns TURN off entirely: no relay ports, no credentials (the openZro relay
// replaces TURN). UDP only: peers' ICE agents gather over UDP (client/internal/peer/ice/agent.go).
import { STUN_PORT } from "../ports";
import { MANAGED_HEADER } from "./envFile";
import { RenderError } from "./errors";

export interface StunServerOptions {
    /**
     * listening-ip; default 0.0.0.0 (every IPv4 address: the cloud NATs the public address to the private one).
     * Explicit, because coturn's own address discovery runs once at start: started before the network is up (its
     * unit orders only After=network.target) or with loopback alone, it finds no usable address and exits.
     */
    readonly listenAddress?: string;
    /** Default STUN_PORT; tests run on their own port. */
    readonly port?: number;
}

const IPV4 = /^(?:(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])$/;

export function renderStunServerConf(options: StunServerOptions = {}): string {
    const port = options.port ?? STUN_PORT;
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
        throw new RenderError("stun port", "not a port", port, "use 1..65535");
    }
    if (options.listenAddress !== undefined && !IPV4.test(options.listenAddress)) {
        throw new RenderError("stun listenAddress", "not an IPv4 address", options.listenAddress, "use an address such as 127.0.0.2");
    }
    return [
        MANAGED_HEADER,
        "# STUN only (coturn): peers learn their public address here. No TURN, no credentials, no relay ports.",
        `listening-port=${port}`,
        `listening-ip=${options.listenAddress ?? "0.0.0.0"}`,
        "stun-only",
        "# UDP only: peers' ICE agents never use STUN over TCP, TLS or DTLS.",
        "no-tcp",
        "no-tls",
        "no-dtls",
        "no-cli",
        "fingerprint",
        "no-software-attribute",
        "no-multicast-peers",
        "# Smaller binding responses: less use as a reflection amplifier (the packaged sample's advice).",
        "no-rfc5780",
        "no-stun-backward-compatibility",
        "response-origin-only-with-rfc5780",
        "syslog",
        "",
    ].join("\n");
}
