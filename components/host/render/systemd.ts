// Drop-ins for the packaged units (spec §5). The packages' units read /etc/default/<unit> even on RPM hosts,
// where the package installs /etc/sysconfig/<unit> (D14); management has no env-to-flag mapping and signal
// cannot take --metrics-port from env, so flags go on ExecStart; all three daemons default metrics to :9090 (D13).
import { Settings } from "../../config/types";
import { MANAGEMENT_METRICS_PORT, MANAGEMENT_PORT, SIGNAL_METRICS_PORT, SIGNAL_PORT } from "../ports";
import { RELAY_STATE_DIRECTORY, relayUsesAcme } from "../relayTls";
import { RenderError } from "./errors";
import { MANAGEMENT_JSON_PATH, OpenzroUnit, envFilePath } from "./paths";

/** One ExecStart argument: no whitespace or quotes (systemd would split or unquote it), % doubled (specifiers). */
function arg(key: string, value: string): string {
    if (!/^[^\s"'\\;]+$/.test(value)) {
        throw new RenderError(key, "not usable as a command-line flag value", value, "use a value without spaces, quotes, backslashes or semicolons");
    }
    return value.replace(/%/g, "%%");
}

/** The packaged management ExecStart (spec §5) plus our flags. */
export function managementExecStart(settings: Settings): string {
    return [
        "/usr/bin/openzro-mgmt management",
        `--config ${MANAGEMENT_JSON_PATH}`,
        "--datadir /var/lib/openzro/management",
        `--port ${MANAGEMENT_PORT}`,
        "--log-file console",
        // Expanded by systemd from the env file; must be non-empty.
        "--log-level ${OPENZRO_LOG_LEVEL}",
        `--metrics-port ${MANAGEMENT_METRICS_PORT}`,
        `--dns-domain ${arg("openzro:managementDnsDomain", settings.management.dnsDomain)}`,
        ...(settings.management.anonymousMetrics ? [] : ["--disable-anonymous-metrics"]),
        ...(settings.management.geoliteUpdate ? [] : ["--disable-geolite-update"]),
    ].join(" ");
}

export function signalExecStart(): string {
    return [
        "/usr/bin/openzro-signal run",
        `--port ${SIGNAL_PORT}`,
        "--log-file console",
        "--log-level ${OPENZRO_LOG_LEVEL}",
        `--metrics-port ${SIGNAL_METRICS_PORT}`,
    ].join(" ");
}

function dropIn(settings: Settings, unit: OpenzroUnit, execStart?: string, extra: readonly string[] = []): string {
    return [
        "# Managed by Pulumi (openzro). Local edits are overwritten on the next `pulumi up`.",
        "[Service]",
        "# Reset the packaged EnvironmentFile=-/etc/default/... and read the file for this OS family; no leading",
        "# '-': a missing env file must fail the start rather than run with empty settings.",
        "EnvironmentFile=",
        `EnvironmentFile=${envFilePath(settings.hosts.osFamily, unit)}`,
        ...(execStart ? ["ExecStart=", `ExecStart=${execStart}`] : []),
        "Restart=on-failure",
        "RestartSec=15s",
        ...extra,
        "",
    ].join("\n");
}

export function renderManagementDropIn(settings: Settings): string {
    return dropIn(settings, "openzro-management", managementExecStart(settings));
}

export function renderSignalDropIn(settings: Settings): string {
    return dropIn(settings, "openzro-signal", signalExecStart());
}

/**
 * The relay is configured entirely through OZ_* env (OZ_METRICS_PORT included). The packaged unit runs it as
 * openzro under ProtectSystem=strict with no writable path and no capability (release_files/relay/
 * openzro-relay.service), so Let's Encrypt needs a state directory and a port below 1024 the bind capability.
 */
export function renderRelayDropIn(settings: Settings): string {
    const extra: string[] = [];
    if (relayUsesAcme(settings.relay.tls)) {
        extra.push(
            "# Let's Encrypt account and certificates (OZ_LETSENCRYPT_DATA_DIR): created and owned by User=, writable",
            "# under ProtectSystem=strict, kept across restarts so a restart never re-issues.",
            `StateDirectory=${RELAY_STATE_DIRECTORY}`,
            "StateDirectoryMode=0750",
        );
    }
    if (settings.relay.port < 1024) {
        extra.push(
            `# Port ${settings.relay.port} is privileged: grant exactly the bind capability, nothing else.`,
            "AmbientCapabilities=CAP_NET_BIND_SERVICE",
            "CapabilityBoundingSet=CAP_NET_BIND_SERVICE",
        );
    }
    return dropIn(settings, "openzro-relay", undefined, extra);
}
