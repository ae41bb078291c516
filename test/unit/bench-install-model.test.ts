// The bench's deployment-time model: the critical-path search on hand-made graphs with answers worked out by hand,
// the duration rules, and the first-install / version-bump estimates.
import { schedule } from "../../scripts/bench/criticalPath";
import { durationRule } from "../../scripts/bench/durationModel";
import { firstInstallEstimate, GraphResource, rollingUpgradeEstimate } from "../../scripts/bench/installModel";

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
    it("tells a Multi-AZ database from a single-AZ one and a host converge from a verify", () => {
        expect(durationRule(res("db", "aws:rds/instance:Instance", [], { multiAz: true })).seconds).toBe(18 * 60);
        expect(durationRule(res("db", "aws:rds/instance:Instance", [], { multiAz: false })).seconds).toBe(10 * 60);
        expect(durationRule(res("openzro-converge-controller-1", "command:remote:Command")).seconds).toBe(120);
        expect(durationRule(res("openzro-verify-controller-1", "command:remote:Command")).seconds).toBe(30);
    });

    it("refuses a remote command of a kind it does not know, instead of counting it as a quick API call", () => {
        expect(() => durationRule(res("openzro-prepare-controller-1", "command:remote:Command"))).toThrow(/no rule for command:remote:Command openzro-prepare-controller-1/);
    });
});

describe("first install estimate", () => {
    // vpc 5 → db 1080 (Multi-AZ) → bootstrap 15 → converge c1 120 → converge c2 120 → verify 30 → relay converge 120.
    // The relay's instance (30) and wait (90) run in parallel long before. Path: 5+1080+15+120+120+30+120 = 1490 s.
    // Floor: database ready (5+1080) + bootstrap 15 + one controller converge 120 + verify 30 = 1250 s.
    const provider = "urn:provider";
    const resources = [
        res(provider, "pulumi:providers:aws"),
        res("vpc", "aws:ec2/vpc:Vpc", [], {}, `${provider}::id`),
        res("db", "aws:rds/instance:Instance", ["vpc"], { multiAz: true }),
        res("relay", "aws:ec2/instance:Instance", ["vpc"]),
        res("openzro-wait-relay-a", "command:remote:Command", ["relay"]),
        res("openzro-db-bootstrap-controller-1", "command:remote:Command", ["db"]),
        res("openzro-converge-controller-1", "command:remote:Command", ["openzro-db-bootstrap-controller-1"]),
        res("openzro-converge-controller-2", "command:remote:Command", ["openzro-converge-controller-1"]),
        res("openzro-verify-controller-1", "command:remote:Command", ["openzro-converge-controller-2"]),
        res("openzro-converge-relay-a", "command:remote:Command", ["openzro-verify-controller-1", "openzro-wait-relay-a"]),
    ];

    it("follows the graph to the last relay and compares it with the floor", () => {
        const estimate = firstInstallEstimate(resources);
        expect(estimate.seconds).toBe(1490);
        expect(estimate.databaseReadySeconds).toBe(1085);
        expect(estimate.floorSeconds).toBe(1250);
        expect(estimate.path.map((p) => p.name)).toEqual([
            provider, "vpc", "db", "openzro-db-bootstrap-controller-1", "openzro-converge-controller-1",
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
    it("adds drain, host step and ready wait per controller, verify, then the relays' host steps", () => {
        // 3 × (20 + 120 + 25) + 30 + 3 × 120 = 885 s; Ansible: 6 hosts × 2–3 min = 720–1080 s.
        const estimate = rollingUpgradeEstimate(["c1", "c2", "c3"], ["r1", "r2", "r3"], { drainSeconds: 20, readySeconds: 25 }, 120, 30);
        expect(estimate.seconds).toBe(885);
        expect(estimate.ansibleSeconds).toEqual({ low: 720, high: 1080 });
        expect(estimate.steps.map((s) => s.host)).toEqual(["c1", "c2", "c3", "verify (all controllers)", "r1", "r2", "r3"]);
    });
});
