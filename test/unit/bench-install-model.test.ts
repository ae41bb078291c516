// The bench's deployment-time model: the critical-path search on hand-made graphs with answers worked out by hand,
// the duration rules, and the first-install / version-bump estimates.
import { schedule } from "../../scripts/bench/criticalPath";
import { durationRule } from "../../scripts/bench/durationModel";
import { firstInstallEstimate, GraphResource, rollingUpgradeEstimate } from "../../scripts/bench/installModel";
import { longestRollout } from "../../scripts/bench/longestRollout";
import { RUN_LIMIT_SECONDS } from "../../components/host/rollout";

describe("schedule (critical path)", () => {
    it("takes the longest chain through a diamond", () => {
        // a(10) → b(5) → d(1); a(10) → c(20) → d(1): the path through c is 31 s, through b 16 s.
        const s = schedule([
            { id: "a", seconds: 10, deps: [] },
            { id: "b", seconds: 5, deps: ["a"] },
            { id: "c", seconds: 20, deps: ["a"] },
            { id: "d", seconds: 1, deps: ["b", "c"] },
        ]);
        expect(s.seconds).toBe(31);
        expect(s.path).toEqual(["a", "c", "d"]);
        expect(s.finish.get("b")).toBe(15);
    });

    it("runs independent nodes in parallel: the longest one decides", () => {
        const s = schedule([
            { id: "x", seconds: 7, deps: [] },
            { id: "y", seconds: 3, deps: [] },
        ]);
        expect(s.seconds).toBe(7);
        expect(s.path).toEqual(["x"]);
    });

    it("refuses cycles, unknown dependencies and negative durations", () => {
        expect(() => schedule([{ id: "a", seconds: 1, deps: ["b"] }, { id: "b", seconds: 1, deps: ["a"] }])).toThrow(/cycle/);
        expect(() => schedule([{ id: "a", seconds: 1, deps: ["nope"] }])).toThrow(/unknown node nope/);
        expect(() => schedule([{ id: "a", seconds: -1, deps: [] }])).toThrow(/non-negative/);
    });
});

const res = (urn: string, type: string, dependencies: string[] = [], inputs: Record<string, unknown> = {}, provider: string | null = null): GraphResource => ({
    urn,
    type,
    name: urn,
    inputs,
    dependencies,
    provider,
});

describe("duration model", () => {
    it("tells a Multi-AZ database from a single-AZ one and each command kind from the others", () => {
        expect(durationRule(res("db", "aws:rds/instance:Instance", [], { multiAz: true })).seconds).toBe(18 * 60);
        expect(durationRule(res("db", "aws:rds/instance:Instance", [], { multiAz: false })).seconds).toBe(10 * 60);
        const kinds = ["wait", "prepare", "db-bootstrap", "install", "converge", "verify", "ready"];
        const labels = kinds.map((k) => durationRule(res(`openzro-${k}-controller-1`, "command:remote:Command")).label);
        expect(new Set(labels).size).toBe(kinds.length);
        // A created converge has nothing left to do: far shorter than the install it follows.
        expect(durationRule(res("openzro-converge-relay-a", "command:remote:Command")).seconds).toBeLessThan(
            durationRule(res("openzro-install-relay-a", "command:remote:Command")).seconds,
        );
    });

    it("refuses a remote command of a kind it does not know, instead of counting it as a quick API call", () => {
        expect(() => durationRule(res("openzro-frobnicate-controller-1", "command:remote:Command"))).toThrow(/no rule for command:remote:Command openzro-frobnicate-controller-1/);
    });
});

describe("first install estimate", () => {
    // Seconds from the model: vpc 5, Multi-AZ db 1080, instances 30, wait 90, prepare 60, bootstrap 15, install 60,
    // converge (created) 5, verify 30. The hosts are up and prepared at 5+30+90+60 = 185 s, long before the database
    // (1085 s). Path: provider 0, vpc 5, db 1080, bootstrap 15, install c1 60, converge c1 5, converge c2 5, verify 30,
    // converge relay 5 = 1205 s. Floor: database ready 1085 + bootstrap 15 + one install 60 + verify 30 = 1190 s.
    const provider = "urn:provider";
    const command = (name: string, deps: string[]) => res(name, "command:remote:Command", deps);
    const resources = [
        res(provider, "pulumi:providers:aws"),
        res("vpc", "aws:ec2/vpc:Vpc", [], {}, `${provider}::id`),
        res("db", "aws:rds/instance:Instance", ["vpc"], { multiAz: true }),
        res("c1", "aws:ec2/instance:Instance", ["vpc"]),
        res("c2", "aws:ec2/instance:Instance", ["vpc"]),
        res("r1", "aws:ec2/instance:Instance", ["vpc"]),
        command("openzro-wait-controller-1", ["c1"]),
        command("openzro-wait-controller-2", ["c2"]),
        command("openzro-wait-relay-a", ["r1"]),
        command("openzro-prepare-controller-1", ["openzro-wait-controller-1"]),
        command("openzro-prepare-controller-2", ["openzro-wait-controller-2"]),
        command("openzro-prepare-relay-a", ["openzro-wait-relay-a"]),
        command("openzro-db-bootstrap-controller-1", ["openzro-wait-controller-1", "db"]),
        command("openzro-install-controller-1", ["openzro-prepare-controller-1", "openzro-db-bootstrap-controller-1"]),
        command("openzro-install-controller-2", ["openzro-prepare-controller-2", "openzro-db-bootstrap-controller-1"]),
        command("openzro-install-relay-a", ["openzro-prepare-relay-a"]),
        command("openzro-converge-controller-1", ["openzro-install-controller-1", "openzro-prepare-controller-2", "openzro-prepare-relay-a"]),
        command("openzro-converge-controller-2", ["openzro-install-controller-2", "openzro-converge-controller-1"]),
        command("openzro-verify-controller-1", ["openzro-install-controller-1", "openzro-install-controller-2", "openzro-converge-controller-2"]),
        command("openzro-converge-relay-a", ["openzro-install-relay-a", "openzro-verify-controller-1"]),
    ];

    it("follows the graph to the last relay and compares it with the floor", () => {
        const estimate = firstInstallEstimate(resources);
        expect(estimate.seconds).toBe(1205);
        expect(estimate.databaseReadySeconds).toBe(1085);
        expect(estimate.floorSeconds).toBe(1190);
        expect(estimate.path.map((p) => p.name)).toEqual([
            provider, "vpc", "db", "openzro-db-bootstrap-controller-1", "openzro-install-controller-1", "openzro-converge-controller-1",
            "openzro-converge-controller-2", "openzro-verify-controller-1", "openzro-converge-relay-a",
        ]);
        expect(estimate.defaultedTypes).toEqual([]);
    });

    it("lists types the model does not know", () => {
        const estimate = firstInstallEstimate([...resources, res("thing", "acme:index/widget:Widget")]);
        expect(estimate.defaultedTypes).toEqual(["acme:index/widget:Widget"]);
    });
});

describe("version bump estimate", () => {
    it("adds one parallel download, then drain, serial step and ready wait per controller, verify, then the relays' serial steps", () => {
        // 60 + 3 × (20 + 30 + 25) + 30 + 3 × 30 = 405 s; Ansible: 6 hosts × 2–3 min = 720–1080 s.
        const estimate = rollingUpgradeEstimate(["c1", "c2", "c3"], ["r1", "r2", "r3"], { drainSeconds: 20, readySeconds: 25 }, {
            prepareSeconds: 60,
            serialStepSeconds: 30,
            verifySeconds: 30,
        });
        expect(estimate.seconds).toBe(405);
        expect(estimate.ansibleSeconds).toEqual({ low: 720, high: 1080 });
        expect(estimate.steps.map((s) => s.host)).toEqual(["prepare (every host at once)", "c1", "c2", "c3", "verify (all controllers)", "r1", "r2", "r3"]);
    });
});

describe("longest rollout the host scripts allow", () => {
    const L = RUN_LIMIT_SECONDS;

    it("one controller, no relay: a first install (wait, prepare, install, verify in a row) is the longest run", () => {
        // An update of this shape: wait, prepare, one converge, verify; the install is a no-op, so it is shorter
        // only if converge's limit is not above install's (both 40 min today: the first install wins the tie).
        const r = longestRollout(1, 0);
        expect(r.seconds).toBe(Math.max(L.wait + L.prepare + L.install + L.verify, L.wait + L.prepare + L.converge + L.verify));
        expect(r.path[0]).toBe("wait-controller-1");
        expect(r.path[r.path.length - 1]).toBe("verify-controller-1");
    });

    it("three controllers and three relays: an update, every converge one after another around verify", () => {
        const r = longestRollout(3, 3);
        expect(r.run).toBe("update");
        expect(r.seconds).toBe(L.wait + L.prepare + 3 * L.converge + L.verify + 3 * L.converge);
        expect(r.path.filter((k) => k.startsWith("converge-"))).toEqual([
            "converge-controller-1", "converge-controller-2", "converge-controller-3", "converge-relay-1", "converge-relay-2", "converge-relay-3",
        ]);
    });

    it("each further relay adds one converge limit", () => {
        expect(longestRollout(3, 4).seconds - longestRollout(3, 3).seconds).toBe(L.converge);
    });
});
