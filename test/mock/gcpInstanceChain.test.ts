// Day-2 safety on GCP, read from the whole program's registrations for the shipped GCP stacks (as the AWS side is
// in instanceChain.test.ts): instance changes Compute Engine applies by stop/start (a new machine type) or by
// replacement reach one host per tier at a time behind the previous host's gate; every SSH connection pins the
// host key its host got from cloud-init; instances ignore what would otherwise touch every host at once; the
// irreplaceable secrets are protected and retained.
import { controllerName, relayHostName } from "../../components/config/naming";
import { toPlanJson } from "../../scripts/plan/planJson";
import { isSecretWrapper, planStack, PlanResource, PlanResult, unwrapSecrets } from "../support";

const INSTANCE = "gcp:compute/instance:Instance";
const COMMAND = "command:remote:Command";
const TLS_KEY = "tls:index/privateKey:PrivateKey";
const PASSWORD = "random:index/randomPassword:RandomPassword";

const inputs = (r: PlanResource) => unwrapSecrets<Record<string, any>>(r.inputs);

function instanceOf(plan: PlanResult, host: string): PlanResource {
    const found = plan.resources.filter((r) => r.type === INSTANCE && (r.name === `openzro-${host}` || r.name === `openzro-${host}-host`));
    expect([host, found.length]).toEqual([host, 1]);
    return found[0];
}

function gateOf(plan: PlanResult, host: string): PlanResource {
    const found = plan.resources.filter((r) => r.type === COMMAND && r.name === `openzro-ready-${host}`);
    expect([host, found.length]).toEqual([host, 1]);
    return found[0];
}

/** The gates an instance waits for (its dependencies that are gates). */
const gatesBefore = (plan: PlanResult, instance: PlanResource) =>
    plan.resources.filter((r) => r.type === COMMAND && r.name.startsWith("openzro-ready-") && instance.dependencies.includes(r.urn)).map((r) => r.name);

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
        hosts.forEach((host, i) => {
            const instance = instanceOf(plan, host);
            expect(gateOf(plan, host).dependencies).toContain(instance.urn);
            expect([host, gatesBefore(plan, instance)]).toEqual([host, i === 0 ? [] : [`openzro-ready-${hosts[i - 1]}`]]);
        });
    });

    it("relays form one chain across their regions, in configuration order", () => {
        const hosts = relays();
        expect(hosts).toHaveLength(3);
        expect(new Set(plan.settings.relays.map((r) => r.region)).size).toBe(3);
        hosts.forEach((host, i) => {
            const instance = instanceOf(plan, host);
            expect(gateOf(plan, host).dependencies).toContain(instance.urn);
            expect([host, gatesBefore(plan, instance)]).toEqual([host, i === 0 ? [] : [`openzro-ready-${hosts[i - 1]}`]]);
        });
    });

    it("the bastion is in no chain: nothing waits for it but the connections through it", () => {
        expect(gatesBefore(plan, instanceOf(plan, "bastion"))).toEqual([]);
        expect(plan.resources.filter((r) => r.type === COMMAND && r.name === "openzro-ready-bastion")).toEqual([]);
    });

    it("a gate boots a new instance and resumes a stopped-and-started one; its command line names the machine type", () => {
        for (const host of controllers()) {
            const g = inputs(gateOf(plan, host));
            expect(g.create).toBe(`sudo -n bash -s -- boot # openzro instance ${plan.settings.controllers.instanceType}`);
            expect(g.update).toBe(`sudo -n bash -s -- resume # openzro instance ${plan.settings.controllers.instanceType}`);
            // A replaced instance has a new id, which re-runs create.
            expect(g.triggers).toEqual([instanceOf(plan, host).id]);
            expect(isSecretWrapper(gateOf(plan, host).inputs.stdin)).toBe(false);
            expect(g.stdin).toContain("ready-host.sh");
            expect(gateOf(plan, host).options.deletedWith).toBe(instanceOf(plan, host).urn);
        }
    });

    it("a new machine type changes the instances (stop/start allowed) and re-runs only the gates (resume), never a converge", () => {
        const commandOf = (p: PlanResult) => Object.fromEntries(p.resources.filter((r) => r.type === COMMAND).map((r) => [r.name, inputs(r).update ?? inputs(r).create]));
        const before = commandOf(plan);
        const after = commandOf(resized);
        const changed = Object.keys(after).filter((n) => after[n] !== before[n]).sort();
        expect(changed).toEqual([...controllers(), ...relays()].map((h) => `openzro-ready-${h}`).sort());
        for (const host of controllers()) {
            const instance = inputs(instanceOf(resized, host));
            expect([instance.machineType, instance.allowStoppingForUpdate]).toEqual(["n2-standard-8", true]);
            expect(after[`openzro-ready-${host}`]).toBe("sudo -n bash -s -- resume # openzro instance n2-standard-8");
        }
        for (const host of relays()) {
            expect(inputs(instanceOf(resized, host)).machineType).toBe("n2-standard-4");
        }
        const stdinOf = (p: PlanResult, name: string) => JSON.stringify(p.resources.find((r) => r.name === name)?.inputs.stdin);
        for (const host of [...controllers(), ...relays()]) {
            expect(stdinOf(resized, `openzro-converge-${host}`)).toBe(stdinOf(plan, `openzro-converge-${host}`));
        }
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

    /** The public half the mock tls provider generated for a host key resource, as a connection pins it. */
    const publicKeyOf = (name: string) => {
        const found = plan.resources.filter((r) => r.type === TLS_KEY && r.name === name);
        expect([name, found.length]).toEqual([name, 1]);
        return String(unwrapSecrets<Record<string, unknown>>(found[0].state).publicKeyOpenssh).trim().split(" ").slice(0, 2).join(" ");
    };
    const hostKeyResource = (host: string) => `openzro-${host}-host-key`;

    it("every remote command pins its host's key and the bastion's, relays included (they are reached through it)", () => {
        const commands = plan.resources.filter((r) => r.type === COMMAND);
        expect(commands.length).toBeGreaterThanOrEqual(6 * 3);
        const bastionKey = publicKeyOf("openzro-bastion-host-key");
        for (const c of commands) {
            const m = /^openzro-(?:wait|prepare|install|converge|verify|db-bootstrap|ready)-(.+)$/.exec(c.name);
            expect([c.name, m !== null]).toEqual([c.name, true]);
            const connection = inputs(c).connection;
            expect([c.name, connection.hostKey]).toEqual([c.name, publicKeyOf(hostKeyResource(m![1]))]);
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
        const privates = new Set<string>();
        for (const i of instances) {
            expect([i.name, isSecretWrapper((i.inputs.metadata as Record<string, unknown>)["user-data"])]).toEqual([i.name, true]);
            const userData = String(inputs(i).metadata["user-data"]);
            const hostname = /^hostname: openzro-(.+)$/m.exec(userData)![1];
            expect(userData).toContain(`  ed25519_public: ${publicKeyOf(hostKeyResource(hostname))}\n`);
            privates.add(/ed25519_private: \|\n((?: {4}.*\n)+)/.exec(userData)![1]);
        }
        expect(privates.size).toBe(instances.length);
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
