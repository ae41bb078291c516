// Parses the settings the footprint derives AWS values from (instance architectures, the parameter-group family)
// before anything is registered, so an unparsable value fails with one line instead of half a stack. Rules about
// combinations of keys (SSH key pair, regional AMI ids) belong to config validation (components/config/rules),
// which already ran.
import { Settings } from "../config/types";
import { instanceArchitecture } from "./architecture";
import { postgresFamily } from "./database";

export function assertAwsSettings(settings: Settings): void {
    instanceArchitecture(settings.controllers.instanceType, "controllers.instanceType");
    instanceArchitecture(settings.bastion.instanceType, "bastion.instanceType");
    for (const relay of settings.relays) {
        instanceArchitecture(relay.instanceType, `relays[${relay.name}].instanceType`);
    }
    postgresFamily(settings.database.engineVersion);
}
