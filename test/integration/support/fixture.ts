// A stack's plan, the topology it hands to the renderers, and renderings with throwaway secrets. Loading one
// proves first that rendering the topology with REDACTED secrets gives back, byte for byte, every file the
// offline plan wrote for every host: the files the tests run are the files the program ships.
import { randomBytes } from "crypto";
import type { Settings } from "../../../components/config/types";
import type { HostFile, RenderSecrets, RenderTopology } from "../../../components/host/files";
import { redactedSecrets } from "../../../components/host/layer";
import { clampWireGuardPrivateKey, renderControllerFiles, renderRelayFiles } from "../../../components/host/render";
import type { ControllerRenderOptions } from "../../../components/host/render";
import { diffHostFiles, planHostFiles, topologyFromPlan } from "../harness/plan-topology";
import { planStack, PlanResult } from "../../support";

export interface StackFixture {
    readonly plan: PlanResult;
    readonly settings: Settings;
    readonly topology: RenderTopology;
    controllerFiles(index: number, secrets: RenderSecrets, options?: ControllerRenderOptions): HostFile[];
    relayFiles(index: number, secrets: RenderSecrets): HostFile[];
}

export async function loadFixture(stack: string, configOverrides?: Record<string, unknown>): Promise<StackFixture> {
    const plan = await planStack({ stack, configOverrides });
    const settings = plan.settings;
    const topology = topologyFromPlan(plan);
    const redacted = redactedSecrets(settings, topology.grpcBackend);
    const problems: string[] = [];
    topology.controllers.forEach((c, i) => {
        const diff = diffHostFiles(planHostFiles(plan, { role: "controller", index: i }), renderControllerFiles(settings, topology, i, redacted));
        problems.push(...diff.map((d) => `${c.name} ${d}`));
    });
    settings.relays.forEach((r, i) => {
        const diff = diffHostFiles(planHostFiles(plan, { role: "relay", name: r.name }), renderRelayFiles(settings, topology, i, redacted));
        problems.push(...diff.map((d) => `relay ${r.name} ${d}`));
    });
    if (problems.length > 0) {
        throw new Error(`the test rendering of stack ${stack} differs from the offline plan's hosts/: ${problems.join("; ")}`);
    }
    return {
        plan,
        settings,
        topology,
        controllerFiles: (i, secrets, options) => renderControllerFiles(settings, topology, i, secrets, options),
        relayFiles: (i, secrets) => renderRelayFiles(settings, topology, i, secrets),
    };
}

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
function randomString(length: number, alphabet = ALNUM): string {
    return [...randomBytes(length)].map((b) => alphabet[b % alphabet.length]).join("");
}

/**
 * Fresh secrets for one test run, shaped like ClusterSecrets' (and RDS's) values. The database password also
 * carries the characters DSN and env-file quoting must survive (quote, backslash, space, dollar, double quote).
 */
export function throwawaySecrets(): RenderSecrets {
    return {
        relayAuthSecret: randomString(48),
        dataStoreEncryptionKey: randomBytes(32).toString("base64"),
        managementWgPrivateKey: clampWireGuardPrivateKey(randomBytes(32).toString("base64")),
        databasePassword: `Db'p\\ss "w$rd ${randomString(12)}`,
        // Like the host layer's RandomPassword: alphanumeric.
        databaseAppPassword: randomString(40),
        coordinatorPassword: randomString(32, `${ALNUM}-_`),
    };
}

/** One file of a rendering, by path (fails loudly when the renderer stopped producing it). */
export function fileAt(files: readonly HostFile[], path: string): HostFile {
    const f = files.find((x) => x.path === path);
    if (!f) throw new Error(`no rendered file ${path} (have: ${files.map((x) => x.path).join(", ")})`);
    return f;
}
