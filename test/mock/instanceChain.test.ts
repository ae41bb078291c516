// The instance chain: every change EC2 applies to instances (a new instance type is a stop and start, a replacement
// is a new instance) reaches one host per tier at a time, each host healthy again before the next one changes.
// Read from the whole program's registrations: instance i+1 waits for host i's gate, which waits for instance i.
import { controllerName, relayHostName } from "../../components/config/naming";
import { gatePayload } from "../../components/host/instanceGate";
import { loadHostScripts } from "../../components/host/bundle-scripts";
import { awsTestSettings } from "./awsFixtures";
import { isSecretWrapper, planStack, PlanResource, PlanResult, unwrapSecrets } from "../support";

const INSTANCE = "aws:ec2/instance:Instance";
const COMMAND = "command:remote:Command";

function instanceOf(plan: PlanResult, host: string): PlanResource {
    const found = plan.resources.filter((r) => r.type === INSTANCE && (r.name === `openzro-${host}` || r.name.endsWith(`-${host}-host`)));
    expect([host, found.length]).toEqual([host, 1]);
    return found[0];
}

function gateOf(plan: PlanResult, host: string): PlanResource {
    const found = plan.resources.filter((r) => r.type === COMMAND && r.name === `openzro-ready-${host}`);
    expect([host, found.length]).toEqual([host, 1]);
    return found[0];
}

const inputs = (r: PlanResource) => unwrapSecrets<Record<string, any>>(r.inputs);

describe("instance chain (production stack)", () => {
    let plan: PlanResult;
    let resized: PlanResult;
    const controllers = () => Array.from({ length: plan.settings.controllers.count }, (_, i) => controllerName(i));
    // Relays chain in region order, then configuration order inside a region (each RelayRegion in turn).
    const relays = () => {
        const regions = [...new Set(plan.settings.relays.map((r) => r.region))];
        return regions.flatMap((region) => plan.settings.relays.filter((r) => r.region === region).map((r) => relayHostName(r.name)));
    };

    beforeAll(async () => {
        plan = await planStack({ stack: "production" });
        resized = await planStack({ stack: "production", configOverrides: { "openzro:controllerInstanceType": "c7i.2xlarge", "openzro:relayInstanceType": "c7i.xlarge" } });
    }, 300_000);

    it("each controller's instance waits for the previous controller's gate, and each gate for its own instance", () => {
        const hosts = controllers();
        expect(hosts).toHaveLength(3);
        hosts.forEach((host, i) => {
            const instance = instanceOf(plan, host);
            const gate = gateOf(plan, host);
            expect(gate.dependencies).toContain(instance.urn);
            const gatesBefore = plan.resources.filter((r) => r.type === COMMAND && r.name.startsWith("openzro-ready-") && instance.dependencies.includes(r.urn)).map((r) => r.name);
            expect([host, gatesBefore]).toEqual([host, i === 0 ? [] : [`openzro-ready-${hosts[i - 1]}`]]);
        });
    });

    it("relays form one chain across their regions", () => {
        const hosts = relays();
        expect(hosts).toHaveLength(3);
        hosts.forEach((host, i) => {
            const instance = instanceOf(plan, host);
            expect(gateOf(plan, host).dependencies).toContain(instance.urn);
            const gatesBefore = plan.resources.filter((r) => r.type === COMMAND && r.name.startsWith("openzro-ready-relay-") && instance.dependencies.includes(r.urn)).map((r) => r.name);
            expect([host, gatesBefore]).toEqual([host, i === 0 ? [] : [`openzro-ready-${hosts[i - 1]}`]]);
        });
    });

    it("a gate boots a new instance and resumes a stopped-and-started one; its command line names the instance type", () => {
        for (const host of controllers()) {
            const g = inputs(gateOf(plan, host));
            expect(g.create).toBe(`sudo -n bash -s -- boot # openzro instance ${plan.settings.controllers.instanceType}`);
            expect(g.update).toBe(`sudo -n bash -s -- resume # openzro instance ${plan.settings.controllers.instanceType}`);
            // A replaced instance re-runs create: the trigger is the instance's id.
            expect(g.triggers).toEqual([instanceOf(plan, host).id]);
            // Nothing secret travels in a gate: its stdin is the ready-host.sh payload with health checks only.
            expect(isSecretWrapper(gateOf(plan, host).inputs.stdin)).toBe(false);
            expect(g.stdin).toContain("ready-host.sh");
            expect(gateOf(plan, host).options.deletedWith).toBe(instanceOf(plan, host).urn);
        }
    });

    it("a new instance type changes the instances and re-runs only the gates (resume), never a converge", () => {
        const createOf = (p: PlanResult) => Object.fromEntries(p.resources.filter((r) => r.type === COMMAND).map((r) => [r.name, inputs(r).update ?? inputs(r).create]));
        const before = createOf(plan);
        const after = createOf(resized);
        const changed = Object.keys(after).filter((n) => after[n] !== before[n]).sort();
        expect(changed).toEqual([...controllers(), ...relays()].map((h) => `openzro-ready-${h}`).sort());
        for (const host of controllers()) {
            expect(inputs(instanceOf(resized, host)).instanceType).toBe("c7i.2xlarge");
            expect(after[`openzro-ready-${host}`]).toBe("sudo -n bash -s -- resume # openzro instance c7i.2xlarge");
        }
        // Converge payloads are untouched: a type change is not a reason to reinstall anything.
        const stdinOf = (p: PlanResult, name: string) => JSON.stringify(p.resources.find((r) => r.name === name)?.inputs.stdin);
        for (const host of controllers()) {
            expect(stdinOf(resized, `openzro-converge-${host}`)).toBe(stdinOf(plan, `openzro-converge-${host}`));
        }
    });
});

describe("gate payload", () => {
    it("waits for the host's own health checks, and on a controller for the load balancer's healthy threshold", () => {
        const scripts = loadHostScripts();
        const settings = awsTestSettings();
        const controller = gatePayload(settings, { name: "controller-1", role: "controller" }, scripts);
        const relay = gatePayload(settings, { name: "relay-fra", role: "relay" }, scripts);
        // 10 s interval x 2 healthy checks + 5 s margin (awsTestSettings' load balancer).
        expect(controller.vars.OZ_READY_WAIT_SECONDS).toBe("25");
        expect(relay.vars.OZ_READY_WAIT_SECONDS).toBe("0");
        expect(controller.vars.OZ_HEALTH_CHECKS).toMatch(/^openzro-management=http:.* openzro-signal=tcp:.* nginx=http-drain:/);
        // The relay host: STUN answers, relay metrics and its relay listener (the same checks converge.sh waits for).
        expect(relay.vars.OZ_HEALTH_CHECKS.split(" ").map((e) => e.split("=")[0] + "=" + e.split("=")[1].split(":")[0])).toEqual([
            "coturn=stun",
            "openzro-relay=http",
            expect.stringMatching(/^openzro-relay=(tcp|tls|tls-issued)$/),
        ]);
        expect(Object.keys(controller.scripts).sort()).toEqual(expect.arrayContaining(["ready-host.sh", "lib/common.sh", "lib/health.sh"]));
    });
});

describe("SSH host keys: generated, installed by cloud-init, pinned on every connection", () => {
    let plan: PlanResult;
    beforeAll(async () => {
        plan = await planStack({ stack: "production" });
    }, 300_000);

    const TLS_KEY = "tls:index/privateKey:PrivateKey";
    /** The public half the mock tls provider generated for a host key resource, as a connection pins it. */
    const publicKeyOf = (name: string) => {
        const found = plan.resources.filter((r) => r.type === TLS_KEY && r.name === name);
        expect([name, found.length]).toEqual([name, 1]);
        return String(unwrapSecrets<Record<string, unknown>>(found[0].state).publicKeyOpenssh).trim().split(" ").slice(0, 2).join(" ");
    };
    const hostKeyResource = (host: string) =>
        host.startsWith("relay-") ? plan.resources.find((r) => r.type === TLS_KEY && r.name.endsWith(`-${host}-host-key`))!.name : `openzro-${host}-host-key`;

    it("every remote command pins its host's key, and every controller connection pins the bastion's too", () => {
        const commands = plan.resources.filter((r) => r.type === COMMAND);
        // Every kind of command on all six hosts, the gates included.
        expect(commands.length).toBeGreaterThanOrEqual(6 * 3);
        const bastionKey = publicKeyOf("openzro-bastion-host-key");
        for (const c of commands) {
            const m = /^openzro-(?:wait|prepare|install|converge|verify|db-bootstrap|ready)-(.+)$/.exec(c.name);
            expect([c.name, m !== null]).toEqual([c.name, true]);
            const host = m![1];
            const connection = inputs(c).connection;
            expect([c.name, connection.hostKey]).toEqual([c.name, publicKeyOf(hostKeyResource(host))]);
            expect(connection.hostKey).toMatch(/^ssh-ed25519 [A-Za-z0-9+/]+=*$/);
            if (host.startsWith("controller-")) {
                expect([c.name, connection.proxy?.hostKey]).toEqual([c.name, bastionKey]);
            } else {
                expect(connection.proxy).toBeUndefined();
            }
        }
    });

    it("each host's user data installs exactly its own key pair, and is a secret", () => {
        const instances = plan.resources.filter((r) => r.type === INSTANCE);
        expect(instances).toHaveLength(7);
        const privates = new Set<string>();
        for (const i of instances) {
            expect([i.name, isSecretWrapper(i.inputs.userData)]).toEqual([i.name, true]);
            const userData = String(inputs(i).userData);
            const hostname = /^hostname: openzro-(.+)$/m.exec(userData)![1];
            expect(userData).toContain(`  ed25519_public: ${publicKeyOf(hostKeyResource(hostname))}\n`);
            expect(userData).toMatch(/^ssh_deletekeys: true$/m);
            privates.add(/ed25519_private: \|\n((?: {4}.*\n)+)/.exec(userData)![1]);
        }
        // Seven hosts, seven identities.
        expect(privates.size).toBe(7);
    });
});
