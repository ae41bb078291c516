// What the instance chain and the pinned host keys look like in a whole-program plan, the same on AWS and GCP:
// instance i+1 waits for host i's gate (openzro-ready-<host>), which waits for instance i; every connection pins
// the host key cloud-init installed. The cloud-specific tests name their instance type and call these.
import { isSecretWrapper, unwrapSecrets } from "./mockRuntime";
import type { PlanResource, PlanResult } from "./stack";

export const COMMAND = "command:remote:Command";
export const TLS_KEY = "tls:index/privateKey:PrivateKey";

export const planInputs = (r: PlanResource) => unwrapSecrets<Record<string, any>>(r.inputs);

/** Exactly one resource of `type` for `host`: named openzro-<host>, or <prefix>-<host>-host (relays, GCP hosts). */
export function instanceOf(plan: PlanResult, type: string, host: string): PlanResource {
    const found = plan.resources.filter((r) => r.type === type && (r.name === `openzro-${host}` || r.name.endsWith(`-${host}-host`)));
    expect([host, found.length]).toEqual([host, 1]);
    return found[0];
}

export function gateOf(plan: PlanResult, host: string): PlanResource {
    const found = plan.resources.filter((r) => r.type === COMMAND && r.name === `openzro-ready-${host}`);
    expect([host, found.length]).toEqual([host, 1]);
    return found[0];
}

/** The gates an instance waits for (those of its dependencies that are gates). */
export const gatesBefore = (plan: PlanResult, instance: PlanResource) =>
    plan.resources.filter((r) => r.type === COMMAND && r.name.startsWith("openzro-ready-") && instance.dependencies.includes(r.urn)).map((r) => r.name);

/** Each host's gate waits for its own instance, and each instance for the previous host's gate only. */
export function expectChained(plan: PlanResult, instanceType: string, hosts: readonly string[]): void {
    hosts.forEach((host, i) => {
        const instance = instanceOf(plan, instanceType, host);
        expect(gateOf(plan, host).dependencies).toContain(instance.urn);
        expect([host, gatesBefore(plan, instance)]).toEqual([host, i === 0 ? [] : [`openzro-ready-${hosts[i - 1]}`]]);
    });
}

/** A gate boots a new instance and resumes a stopped-and-started one; its command line names the machine type. */
export function expectGates(plan: PlanResult, instanceType: string, hosts: readonly string[], machineType: string): void {
    for (const host of hosts) {
        const gate = gateOf(plan, host);
        const g = planInputs(gate);
        expect(g.create).toBe(`sudo -n bash -s -- boot # openzro instance ${machineType}`);
        expect(g.update).toBe(`sudo -n bash -s -- resume # openzro instance ${machineType}`);
        // A replaced instance has a new id, which re-runs create.
        expect(g.triggers).toEqual([instanceOf(plan, instanceType, host).id]);
        // Nothing secret travels in a gate: its stdin is the ready-host.sh payload with health checks only.
        expect(isSecretWrapper(gate.inputs.stdin)).toBe(false);
        expect(g.stdin).toContain("ready-host.sh");
        expect(gate.options.deletedWith).toBe(instanceOf(plan, instanceType, host).urn);
    }
}

/** Every command's effective command line (update, or create for commands without one), by name. */
export const commandLines = (plan: PlanResult): Record<string, string> =>
    Object.fromEntries(plan.resources.filter((r) => r.type === COMMAND).map((r) => [r.name, planInputs(r).update ?? planInputs(r).create]));

/** The names of the commands whose command line differs between two plans, sorted. */
export function changedCommands(before: PlanResult, after: PlanResult): string[] {
    const a = commandLines(before);
    const b = commandLines(after);
    return Object.keys(b).filter((n) => b[n] !== a[n]).sort();
}

/** The converge payloads of `hosts` are byte-identical in both plans: nothing is reinstalled. */
export function expectConvergeUnchanged(before: PlanResult, after: PlanResult, hosts: readonly string[]): void {
    const stdinOf = (p: PlanResult, name: string) => JSON.stringify(p.resources.find((r) => r.name === name)?.inputs.stdin);
    for (const host of hosts) {
        expect([host, stdinOf(after, `openzro-converge-${host}`)]).toEqual([host, stdinOf(before, `openzro-converge-${host}`)]);
    }
}

/** The public half the mock tls provider generated for a host key resource, as a connection pins it. */
export function publicKeyOf(plan: PlanResult, keyName: string): string {
    const found = plan.resources.filter((r) => r.type === TLS_KEY && r.name === keyName);
    expect([keyName, found.length]).toEqual([keyName, 1]);
    return String(unwrapSecrets<Record<string, unknown>>(found[0].state).publicKeyOpenssh).trim().split(" ").slice(0, 2).join(" ");
}

/** Every remote command with the host it runs on, named openzro-<kind>-<host>; fails on any other name. */
export function commandsByHost(plan: PlanResult): { command: PlanResource; host: string }[] {
    return plan.resources
        .filter((r) => r.type === COMMAND)
        .map((c) => {
            const m = /^openzro-(?:wait|prepare|install|converge|verify|db-bootstrap|ready)-(.+)$/.exec(c.name);
            expect([c.name, m !== null]).toEqual([c.name, true]);
            return { command: c, host: m![1] };
        });
}

/**
 * Each instance's cloud-init user data installs exactly its own host key pair (hostnames openzro-<host>), and no
 * two instances share a private key. `userDataOf` reads the instance's user data (unwrapped).
 */
export function expectOwnHostKeys(plan: PlanResult, instances: readonly PlanResource[], userDataOf: (i: PlanResource) => string, keyNameOf: (host: string) => string): void {
    const privates = new Set<string>();
    for (const i of instances) {
        const userData = userDataOf(i);
        const hostname = /^hostname: openzro-(.+)$/m.exec(userData)![1];
        expect(userData).toContain(`  ed25519_public: ${publicKeyOf(plan, keyNameOf(hostname))}\n`);
        privates.add(/ed25519_private: \|\n((?: {4}.*\n)+)/.exec(userData)![1]);
    }
    expect(privates.size).toBe(instances.length);
}
