// The instance chain's gates, cloud-agnostic. A footprint creates host i+1's instance only after host i's gate, so
// whatever the cloud applies to instances reaches one host per tier at a time:
// - a new instance (first install or a deliberate replacement): the gate waits until it booted (cloud-init done);
// - a change applied by stop and start (the instance type): the gate re-runs and waits until the host's services
//   answer again and, on a controller, until the load balancer counts it healthy; only then does the next
//   instance stop.
// The gate cannot drain a host before its stop: the next instance's change is what it orders, and the stopping
// host's own address is only known from that host's (changing) instance. The load balancer sees the stop as
// failing health checks (docs/runbook.md, "Changing instance types").
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { Settings } from "../config/types";
import { renderPayloadScript, Payload } from "./bundle";
import { loadHostScripts, scriptsFor } from "./bundle-scripts";
import { hostServices } from "./converge";
import { WAIT_DIAL, connectionArgs } from "./converge-connection";
import { InstanceGateFactory, InstanceGateHost } from "./facts";
import { DRAIN_FILE } from "./ports";
import { HOST_WAITS, READY_MARGIN_SECONDS } from "./rollout";

/** Resource-name suffix of a host's gate: `ready-<host>`. */
export function gateKey(host: string): string {
    return `ready-${host}`;
}

/** The gate's command line: the mode, and the instance facts whose change makes it re-run (nothing secret). */
export function gateCommand(mode: "boot" | "resume", instanceFacts: string): string {
    return `sudo -n bash -s -- ${mode} # openzro instance ${instanceFacts}`;
}

/** The payload of ready-host.sh: the host's health checks and the load balancer's ready time. */
export function gatePayload(settings: Settings, host: Pick<InstanceGateHost, "name" | "role">, scripts: Readonly<Record<string, string>>): Payload {
    const lb = settings.loadBalancer;
    const controller = host.role === "controller";
    const checks = hostServices(settings, host.role, host.name).flatMap((s) => s.checks.map((check) => `${s.unit}=${check}`));
    // The stop made the load balancer mark the host unhealthy: it needs healthyThreshold passing checks.
    const readySeconds = controller ? lb.healthCheckIntervalSeconds * lb.healthyThreshold + READY_MARGIN_SECONDS : 0;
    return {
        entrypoint: "ready-host.sh",
        scripts: scriptsFor(scripts, "ready-host.sh"),
        vars: {
            OZ_HOST_NAME: host.name,
            OZ_ROLE: host.role,
            OZ_HEALTH_CHECKS: checks.join(" "),
            OZ_DRAIN_FILE: DRAIN_FILE,
            OZ_CLOUD_INIT_SECONDS: String(HOST_WAITS.cloudInitSeconds),
            OZ_HEALTH_TIMEOUT_SECONDS: String(HOST_WAITS.healthSeconds),
            OZ_READY_WAIT_SECONDS: String(readySeconds),
        },
        files: [],
        // The script's own bounded waits plus a margin, below the gate's customTimeouts (GATE_TIMEOUT_MINUTES).
        timeLimitSeconds: gateRunLimitSeconds(checks.length, readySeconds),
    };
}

/** customTimeouts of a gate (minutes): above every gate's run limit, so the script's message wins. */
export const GATE_TIMEOUT_MINUTES = 60;

/** cloud-init, then each check up to healthSeconds, then the ready wait, plus two minutes for the shell. */
export function gateRunLimitSeconds(checkCount: number, readySeconds: number): number {
    const limit = HOST_WAITS.cloudInitSeconds + checkCount * HOST_WAITS.healthSeconds + readySeconds + 120;
    if (limit >= GATE_TIMEOUT_MINUTES * 60) {
        throw new Error(`instance gate: ${checkCount} health checks need ${limit} s, above the gate's ${GATE_TIMEOUT_MINUTES} min timeout; raise GATE_TIMEOUT_MINUTES`);
    }
    return limit;
}

/** The gate factory a footprint calls for every controller and relay, in chain order. */
export function instanceGates(settings: Settings, namePrefix: string, scripts: Readonly<Record<string, string>> = loadHostScripts()): InstanceGateFactory {
    return (host, opts) => {
        const stdin = renderPayloadScript(gatePayload(settings, host, scripts));
        return new command.remote.Command(
            `${namePrefix}-${gateKey(host.name)}`,
            {
                // A new instance: the first dial may wait for sshd, like the host layer's wait command.
                connection: connectionArgs(host.ssh, WAIT_DIAL),
                create: gateCommand("boot", host.instanceFacts),
                update: gateCommand("resume", host.instanceFacts),
                stdin,
                // A replaced instance re-runs create (boot); a stop/start changes the facts and runs update.
                triggers: [pulumi.CustomResource.isInstance(host.instance) ? host.instance.id : host.instance.urn],
                addPreviousOutputInEnv: false,
            },
            {
                ...opts,
                dependsOn: [host.instance],
                deletedWith: host.instance,
                customTimeouts: { create: `${GATE_TIMEOUT_MINUTES}m`, update: `${GATE_TIMEOUT_MINUTES}m` },
            },
        );
    };
}
