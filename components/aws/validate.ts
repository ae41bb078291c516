// AWS-specific checks of validated settings, run before the footprint registers anything, so a bad value fails
// the whole program with one clear line instead of half a stack.
import { Settings } from "../config/types";
import { instanceArchitecture } from "./architecture";
import { postgresFamily } from "./database";
import { relayRegions } from "./providers";

export function assertAwsSettings(settings: Settings): void {
    instanceArchitecture(settings.controllers.instanceType, "controllers.instanceType");
    instanceArchitecture(settings.bastion.instanceType, "bastion.instanceType");
    for (const relay of settings.relays) {
        instanceArchitecture(relay.instanceType, `relays[${relay.name}].instanceType`);
    }
    postgresFamily(settings.database.engineVersion);

    if (Boolean(settings.ssh.publicKey) !== Boolean(settings.ssh.privateKey)) {
        throw new Error("ssh: publicKey and privateKey must be set together (got only one); set both, or neither to generate a key");
    }

    // AMI ids are regional: one configured relay AMI cannot be right for relays in several regions.
    const regions = relayRegions(settings);
    if (settings.relay.amiId && regions.length > 1) {
        throw new Error(
            `relay.amiId: an AMI id exists in one region only (got "${settings.relay.amiId}" for relays in ${regions.join(", ")}); unset relay.amiId to look up Ubuntu 24.04 in each region`,
        );
    }
}
