// The instance chain: every change EC2 applies to instances (a new instance type is a stop and start, a replacement
// is a new instance) reaches one host per tier at a time, each host healthy again before the next one changes.
// Read from the whole program's registrations: instance i+1 waits for host i's gate, which waits for instance i.
import { controllerName, relayHostName } from "../../components/config/naming";
import { gatePayload } from "../../components/host/instanceGate";
import { loadHostScripts } from "../../components/host/bundle-scripts";
import { awsTestSettings } from "./awsFixtures";
import { isSecretWrapper, planStack, PlanResult } from "../support";
import * as chain from "../support/instanceChain";

const INSTANCE = "aws:ec2/instance:Instance";
const inputs = chain.planInputs;
const instanceOf = (plan: PlanResult, host: string) => chain.instanceOf(plan, INSTANCE, host);

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
        expect(controllers()).toHaveLength(3);
        chain.expectChained(plan, INSTANCE, controllers());
    });

    it("relays form one chain across their regions", () => {
        expect(relays()).toHaveLength(3);
        chain.expectChained(plan, INSTANCE, relays());
    });

    it("a gate boots a new instance and resumes a stopped-and-started one; its command line names the instance type", () => {
        chain.expectGates(plan, INSTANCE, controllers(), plan.settings.controllers.instanceType);
        for (const r of plan.settings.relays) chain.expectGates(plan, INSTANCE, [relayHostName(r.name)], r.instanceType);
    });

    it("a new instance type changes the instances and re-runs only the gates (resume), never a converge", () => {
        expect(chain.changedCommands(plan, resized)).toEqual([...controllers(), ...relays()].map((h) => `openzro-ready-${h}`).sort());
        for (const host of controllers()) {
            expect(inputs(instanceOf(resized, host)).instanceType).toBe("c7i.2xlarge");
        }
        chain.expectGates(resized, INSTANCE, controllers(), "c7i.2xlarge");
        // Converge payloads are untouched: a type change is not a reason to reinstall anything.
        chain.expectConvergeUnchanged(plan, resized, [...controllers(), ...relays()]);
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

    const publicKeyOf = (name: string) => chain.publicKeyOf(plan, name);
    const hostKeyResource = (host: string) =>
        host.startsWith("relay-") ? plan.resources.find((r) => r.type === chain.TLS_KEY && r.name.endsWith(`-${host}-host-key`))!.name : `openzro-${host}-host-key`;

    it("every remote command pins its host's key, and every controller connection pins the bastion's too", () => {
        const commands = chain.commandsByHost(plan);
        // Every kind of command on all six hosts, the gates included.
        expect(commands.length).toBeGreaterThanOrEqual(6 * 3);
        const bastionKey = publicKeyOf("openzro-bastion-host-key");
        for (const { command: c, host } of commands) {
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
        for (const i of instances) {
            expect([i.name, isSecretWrapper(i.inputs.userData)]).toEqual([i.name, true]);
            expect(String(inputs(i).userData)).toMatch(/^ssh_deletekeys: true$/m);
        }
        // Seven hosts, seven identities.
        chain.expectOwnHostKeys(plan, instances, (i) => String(inputs(i).userData), hostKeyResource);
    });
});
