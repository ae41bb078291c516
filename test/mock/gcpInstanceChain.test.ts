// Day-2 safety on GCP, read from the whole program's registrations for the shipped GCP stacks (as the AWS side is
// in instanceChain.test.ts): instance changes Compute Engine applies by stop/start (a new machine type) or by
// replacement reach one host per tier at a time behind the previous host's gate; every SSH connection pins the
// host key its host got from cloud-init; instances ignore what would otherwise touch every host at once; the
// irreplaceable secrets are protected and retained.
import { controllerName, relayHostName } from "../../components/config/naming";
import { toPlanJson } from "../../scripts/plan/planJson";
import { isSecretWrapper, planStack, PlanResult } from "../support";
import * as chain from "../support/instanceChain";

const INSTANCE = "gcp:compute/instance:Instance";
const COMMAND = chain.COMMAND;
const TLS_KEY = chain.TLS_KEY;
const PASSWORD = "random:index/randomPassword:RandomPassword";

const inputs = chain.planInputs;
const instanceOf = (plan: PlanResult, host: string) => chain.instanceOf(plan, INSTANCE, host);
const gateOf = chain.gateOf;

describe("instance chain (gcp-production stack)", () => {
    let plan: PlanResult;
    let resized: PlanResult;
    const controllers = () => Array.from({ length: plan.settings.controllers.count }, (_, i) => controllerName(i));
    // One VPC and one provider for every region: relays chain in configuration order.
    const relays = () => plan.settings.relays.map((r) => relayHostName(r.name));

    beforeAll(async () => {
        plan = await planStack({ stack: "gcp-production" });
        resized = await planStack({
            stack: "gcp-production",
            configOverrides: { "openzro:controllerInstanceType": "n2-standard-8", "openzro:relayInstanceType": "n2-standard-4" },
        });
    }, 300_000);

    it("each controller's instance waits for the previous controller's gate, and each gate for its own instance", () => {
        const hosts = controllers();
        expect(hosts).toHaveLength(3);
        chain.expectChained(plan, INSTANCE, hosts);
    });

    it("relays form one chain across their regions, in configuration order", () => {
        const hosts = relays();
        expect(hosts).toHaveLength(3);
        expect(new Set(plan.settings.relays.map((r) => r.region)).size).toBe(3);
        chain.expectChained(plan, INSTANCE, hosts);
    });

    it("the bastion is in no chain: nothing waits for it but the connections through it", () => {
        expect(chain.gatesBefore(plan, instanceOf(plan, "bastion"))).toEqual([]);
        expect(plan.resources.filter((r) => r.type === COMMAND && r.name === "openzro-ready-bastion")).toEqual([]);
    });

    it("a gate boots a new instance and resumes a stopped-and-started one; its command line names the machine type", () => {
        chain.expectGates(plan, INSTANCE, controllers(), plan.settings.controllers.instanceType);
        for (const r of plan.settings.relays) chain.expectGates(plan, INSTANCE, [relayHostName(r.name)], r.instanceType);
    });

    it("a new machine type changes the instances (stop/start allowed) and re-runs only the gates (resume), never a converge", () => {
        expect(chain.changedCommands(plan, resized)).toEqual([...controllers(), ...relays()].map((h) => `openzro-ready-${h}`).sort());
        for (const host of controllers()) {
            const instance = inputs(instanceOf(resized, host));
            expect([instance.machineType, instance.allowStoppingForUpdate]).toEqual(["n2-standard-8", true]);
        }
        chain.expectGates(resized, INSTANCE, controllers(), "n2-standard-8");
        chain.expectGates(resized, INSTANCE, relays(), "n2-standard-4");
        for (const host of relays()) {
            expect(inputs(instanceOf(resized, host)).machineType).toBe("n2-standard-4");
        }
        chain.expectConvergeUnchanged(plan, resized, [...controllers(), ...relays()]);
    });

    it("plan.json records what keeps refreshes and image releases from touching every host: user data and the family image ignored", () => {
        const json = toPlanJson(plan);
        const instances = json.resources.filter((r) => r.type === INSTANCE);
        expect(instances).toHaveLength(1 + 3 + 3);
        for (const r of instances) {
            expect([r.name, r.options.ignoreChanges]).toEqual([r.name, ['metadata["user-data"]', "bootDisk.initializeParams.image"]]);
            expect([r.name, r.options.protect, r.options.deleteBeforeReplace]).toEqual([r.name, false, false]);
            expect([r.name, r.inputs.allowStoppingForUpdate]).toEqual([r.name, true]);
        }
        // The chain is in plan.json too: every chained instance lists the previous gate among its dependencies.
        const second = json.resources.find((r) => r.type === INSTANCE && r.name === `openzro-${controllerName(1)}`)!;
        expect(second.dependencies).toContain(gateOf(plan, controllerName(0)).urn);
    });
});

describe("SSH host keys on GCP: generated, installed by cloud-init, pinned on every connection", () => {
    let plan: PlanResult;
    beforeAll(async () => {
        plan = await planStack({ stack: "gcp-production" });
    }, 300_000);

    const publicKeyOf = (name: string) => chain.publicKeyOf(plan, name);
    const hostKeyResource = (host: string) => `openzro-${host}-host-key`;

    it("every remote command pins its host's key and the bastion's, relays included (they are reached through it)", () => {
        const commands = chain.commandsByHost(plan);
        expect(commands.length).toBeGreaterThanOrEqual(6 * 3);
        const bastionKey = publicKeyOf("openzro-bastion-host-key");
        for (const { command: c, host } of commands) {
            const connection = inputs(c).connection;
            expect([c.name, connection.hostKey]).toEqual([c.name, publicKeyOf(hostKeyResource(host))]);
            expect(connection.hostKey).toMatch(/^ssh-ed25519 [A-Za-z0-9+/]+=*$/);
            expect([c.name, connection.proxy?.hostKey]).toEqual([c.name, bastionKey]);
        }
    });

    it("no command dials through the bastion before the bastion instance exists (its static address exists earlier)", () => {
        const bastion = instanceOf(plan, "bastion");
        const commands = plan.resources.filter((r) => r.type === COMMAND);
        expect(commands.filter((c) => !c.dependencies.includes(bastion.urn)).map((c) => c.name)).toEqual([]);
    });

    it("each host's metadata user-data installs exactly its own key pair and is a secret; the plan shows it redacted", () => {
        const instances = plan.resources.filter((r) => r.type === INSTANCE);
        for (const i of instances) {
            expect([i.name, isSecretWrapper((i.inputs.metadata as Record<string, unknown>)["user-data"])]).toEqual([i.name, true]);
        }
        chain.expectOwnHostKeys(plan, instances, (i) => String(inputs(i).metadata["user-data"]), hostKeyResource);
        const json = toPlanJson(plan).resources.filter((r) => r.type === INSTANCE);
        expect(json.map((r) => (r.inputs.metadata as Record<string, unknown>)["user-data"])).toEqual(json.map(() => "[secret]"));
    });
});

describe("irreplaceable secrets on GCP", () => {
    it.each([
        ["gcp-production", true],
        ["gcp-staging", false],
    ])("%s: the login key and the database password are retained on delete, protected when protectResources is %p", async (stack, protect) => {
        const plan = await planStack({ stack });
        expect(plan.settings.protectResources).toBe(protect);
        const login = plan.resources.filter((r) => r.type === TLS_KEY && r.name === "openzro-ssh");
        const password = plan.resources.filter((r) => r.type === PASSWORD && r.name === "openzro-db-user");
        expect([login.length, password.length]).toEqual([1, 1]);
        for (const r of [...login, ...password]) {
            expect([r.name, r.options.protect, r.options.retainOnDelete]).toEqual([r.name, protect, true]);
        }
        // Host keys live and die with their instance: neither protected nor retained, like the AWS ones.
        for (const r of plan.resources.filter((x) => x.type === TLS_KEY && x.name.endsWith("-host-key"))) {
            expect([r.name, r.options.protect, r.options.retainOnDelete]).toEqual([r.name, false, false]);
        }
    }, 300_000);
});
