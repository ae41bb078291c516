// The rolling order of the remote commands and the drain timings derived from the load balancer's checks.
import { COMMAND_TIMEOUTS, HOST_WAITS, RUN_LIMIT_SECONDS, commandGraph, drainTimings, READY_MARGIN_SECONDS } from "../../components/host/rollout";
import { KILL_AFTER_SECONDS } from "../../components/host/bundle";

describe("drainTimings", () => {
    it.each([
        // interval, unhealthy, healthy, deregistration → drain, ready (worked out by hand). The deregistration delay
        // never counts: the host fails its checks, it is never deregistered (the delay applies to DeregisterTargets).
        { interval: 10, unhealthy: 2, healthy: 2, delay: 30, drain: 25, ready: 25 },
        { interval: 30, unhealthy: 3, healthy: 5, delay: 300, drain: 95, ready: 155 },
        { interval: 5, unhealthy: 2, healthy: 3, delay: 0, drain: 15, ready: 20 },
    ])("interval $interval s, $unhealthy down / $healthy up, delay $delay s → drain $drain s, ready $ready s", (c) => {
        expect(READY_MARGIN_SECONDS).toBe(5);
        expect(
            drainTimings({
                proxyCidrs: ["10.0.0.0/24"],
                healthCheckIntervalSeconds: c.interval,
                unhealthyThreshold: c.unhealthy,
                healthyThreshold: c.healthy,
                deregistrationDelaySeconds: c.delay,
            }),
        ).toEqual({ drainSeconds: c.drain, readySeconds: c.ready });
    });

    it.each([
        ["healthCheckIntervalSeconds", { healthCheckIntervalSeconds: 0 }],
        ["unhealthyThreshold", { unhealthyThreshold: 1.5 }],
        ["healthyThreshold", { healthyThreshold: -1 }],
        ["deregistrationDelaySeconds", { deregistrationDelaySeconds: -5 }],
    ])("rejects a bad %s with a one-line error naming it", (key, bad) => {
        const lb = { proxyCidrs: [], healthCheckIntervalSeconds: 10, unhealthyThreshold: 2, healthyThreshold: 2, deregistrationDelaySeconds: 30, ...bad };
        expect(() => drainTimings(lb)).toThrow(new RegExp(`^loadBalancer\\.${key}: .*\\(got [^)]+\\); `));
    });
});

describe("commandGraph", () => {
    const controllers = ["controller-1", "controller-2", "controller-3"];
    const relays = ["relay-fra", "relay-use"];
    const hosts = [...controllers, ...relays];
    const graph = commandGraph(controllers, relays);
    const deps = (key: string) => graph.find((n) => n.key === key)?.dependsOn;
    /** Every command `key` waits for, directly or through others. */
    const upstream = (key: string): Set<string> => {
        const seen = new Set<string>();
        const walk = (k: string) => (deps(k) ?? []).forEach((d) => !seen.has(d) && (seen.add(d), walk(d)));
        walk(key);
        return seen;
    };

    it("lists every command once, each after the commands it depends on", () => {
        const keys = graph.map((n) => n.key);
        expect(new Set(keys).size).toBe(keys.length);
        expect(keys).toHaveLength(5 /* waits */ + 5 /* prepares */ + 1 /* bootstrap */ + 5 /* installs */ + 5 /* converges */ + 3 /* verifies */);
        graph.forEach((node, i) => node.dependsOn.forEach((d) => expect(keys.indexOf(d)).toBeLessThan(i)));
    });

    it("waits for every host, then prepares (repository, download) every host at once, each after its own wait only", () => {
        for (const host of hosts) {
            expect(deps(`wait-${host}`)).toEqual([]);
            expect(deps(`prepare-${host}`)).toEqual([`wait-${host}`]);
        }
    });

    it("bootstraps the databases on the first controller only, after it is reachable", () => {
        expect(graph.filter((n) => n.kind === "db-bootstrap").map((n) => n.host)).toEqual(["controller-1"]);
        expect(deps("db-bootstrap-controller-1")).toEqual(["wait-controller-1"]);
    });

    it("installs every controller at once after its download and the database bootstrap", () => {
        for (const host of controllers) expect(deps(`install-${host}`)).toEqual([`prepare-${host}`, "db-bootstrap-controller-1"]);
    });

    it("installs every relay after its own download only: nothing of the database or the controllers", () => {
        for (const host of relays) {
            expect([...upstream(`install-${host}`)].sort()).toEqual([`prepare-${host}`, `wait-${host}`]);
        }
    });

    it("rolls the controllers one after another, the first only once every host has its download", () => {
        expect(deps("converge-controller-1")).toEqual(["install-controller-1", "db-bootstrap-controller-1", ...hosts.map((h) => `prepare-${h}`)]);
        expect(deps("converge-controller-2")).toEqual(["install-controller-2", "db-bootstrap-controller-1", "prepare-controller-2", "converge-controller-1"]);
        expect(deps("converge-controller-3")).toEqual(["install-controller-3", "db-bootstrap-controller-1", "prepare-controller-3", "converge-controller-2"]);
    });

    it("verifies every controller only after the whole tier installed and converged (first install cannot deadlock on quorum)", () => {
        const tier = [...controllers.map((h) => `install-${h}`), ...controllers.map((h) => `converge-${h}`)];
        for (const host of controllers) expect(deps(`verify-${host}`)).toEqual(tier);
        // No install or converge of a controller waits for a verify: none needs the next controller to be up.
        for (const n of graph.filter((x) => (x.kind === "converge" || x.kind === "install") && x.host.startsWith("controller"))) {
            expect(n.dependsOn.some((d) => d.startsWith("verify-"))).toBe(false);
        }
    });

    it("rolls the relays one at a time after the verified controller tier", () => {
        expect(deps("converge-relay-fra")).toEqual(["install-relay-fra", "verify-controller-1", "verify-controller-2", "verify-controller-3"]);
        expect(deps("converge-relay-use")).toEqual(["install-relay-use", "converge-relay-fra"]);
    });

    it("works for a single controller without relays", () => {
        expect(commandGraph(["controller-1"], []).map((n) => `${n.key} <- ${n.dependsOn.join(",")}`)).toEqual([
            "wait-controller-1 <- ",
            "prepare-controller-1 <- wait-controller-1",
            "db-bootstrap-controller-1 <- wait-controller-1",
            "install-controller-1 <- prepare-controller-1,db-bootstrap-controller-1",
            "converge-controller-1 <- install-controller-1,db-bootstrap-controller-1,prepare-controller-1",
            "verify-controller-1 <- install-controller-1,converge-controller-1",
        ]);
    });

    it("rejects an empty controller tier", () => {
        expect(() => commandGraph([], ["relay-fra"])).toThrow(/controllers\.count must be at least 1/);
    });
});

describe("whole-run limits of the host scripts", () => {
    const minutes = (t: string) => Number(/^(\d+)m$/.exec(t)![1]);
    it.each(Object.keys(RUN_LIMIT_SECONDS) as (keyof typeof RUN_LIMIT_SECONDS)[])(
        "%s stops itself (limit + kill grace) before Pulumi's customTimeout, so the script's message is the one shown",
        (kind) => {
            const bound = RUN_LIMIT_SECONDS[kind] + KILL_AFTER_SECONDS;
            // install runs its payload only on create, converge only on update (the other verb is a no-op).
            if (kind !== "converge") expect(bound).toBeLessThan(minutes(COMMAND_TIMEOUTS[kind].create) * 60);
            if (kind !== "install") expect(bound).toBeLessThan(minutes(COMMAND_TIMEOUTS[kind].update) * 60);
        },
    );

    it("leave room for the scripts' own bounded waits", () => {
        expect(RUN_LIMIT_SECONDS.wait).toBeGreaterThan(HOST_WAITS.cloudInitSeconds);
        expect(RUN_LIMIT_SECONDS.verify).toBeGreaterThan(3 * HOST_WAITS.verifySeconds);
        expect(RUN_LIMIT_SECONDS["db-bootstrap"]).toBeGreaterThan(HOST_WAITS.databaseAttempts * (HOST_WAITS.databaseRetrySeconds + 10));
        expect(RUN_LIMIT_SECONDS.converge).toBeGreaterThan(4 * HOST_WAITS.healthSeconds + 600);
    });
});
