// Env file of openzro-relay (spec §2.3, §4). The relay reads OZ_* only (OPENZRO_LOG_LEVEL has no effect, D16).
import { Settings } from "../../config/types";
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
    ];
}

export function renderRelayEnv(settings: Settings, relayIndex: number, secrets: RenderSecrets): string {
    return renderEnvFile(["openzro-relay: this relay's own public address and the shared auth secret."], relayEnvEntries(settings, relayIndex, secrets));
}
