// Env file of openzro-signal (spec §2.2): log level for the unit's ExecStart and the dispatcher.
import { Settings } from "../../config/types";
import { RenderSecrets, RenderTopology } from "../files";
import { signalDispatcherEnv } from "./coordinator";
import { EnvEntry, renderEnvFile } from "./envFile";
import { controllerAt } from "./topology";

export function signalEnvEntries(
    settings: Settings,
    topology: RenderTopology,
    controllerIndex: number,
    secrets: RenderSecrets,
): EnvEntry[] {
    controllerAt(settings, topology, controllerIndex);
    return [
        // Consumed only by the unit's ExecStart (--log-level ${OPENZRO_LOG_LEVEL}); must be non-empty.
        ["OPENZRO_LOG_LEVEL", settings.logLevel],
        ...signalDispatcherEnv(settings, topology, controllerIndex, secrets),
    ];
}

export function renderSignalEnv(
    settings: Settings,
    topology: RenderTopology,
    controllerIndex: number,
    secrets: RenderSecrets,
): string {
    return renderEnvFile(["openzro-signal: dispatcher shared by every signal replica."], signalEnvEntries(settings, topology, controllerIndex, secrets));
}
