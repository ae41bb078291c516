// Management's database pools against the server's max_connections (D33): the RDS default for the class, the
// budget (every controller + one being replaced, reserve for superuser/RDS/bootstrap/admin), and the config errors.
import { validateSettings, type RawConfig } from "../../components/config/load";
import {
    CONNECTION_RESERVE,
    DEFAULT_POOL_CAP,
    POSTGRES_DEFAULT_MAX_CONNECTIONS,
    connectionBudget,
    rdsClassMemoryGib,
    rdsDefaultMaxConnections,
} from "../../components/config/dbConnections";
import { PRESETS } from "../../components/config/presets";
import { managementEnvEntries } from "../../components/host/render/managementEnv";
import { MINIMAL_RAW_CONFIG, SECRETS, settingsFor, topologyFor } from "./render-fixtures";

const BASE = MINIMAL_RAW_CONFIG;
const valid = (overrides: Record<string, unknown> = {}) => validateSettings({ ...BASE, ...overrides } as RawConfig);
const errorOf = (overrides: Record<string, unknown>) => {
    try {
        valid(overrides);
    } catch (e) {
        return (e as Error).message;
    }
    return undefined;
};

describe("the RDS class's max_connections", () => {
    it.each([
        // class, memory in GiB as AWS lists the class
        ["db.t3.micro", 1],
        ["db.t4g.small", 2],
        ["db.t4g.medium", 4],
        ["db.t3.large", 8],
        ["db.m7g.large", 8],
        ["db.m7g.xlarge", 16],
        ["db.m6i.2xlarge", 32],
        ["db.m5.24xlarge", 384],
        ["db.r6g.large", 16],
        ["db.r7g.4xlarge", 128],
        ["db.x2g.large", 32],
    ])("%s has %i GiB", (cls, gib) => {
        expect(rdsClassMemoryGib(cls)).toBe(gib);
    });

    it.each(["db.z1d.large", "db.r5.large.tpc1.mem2x", "db.m1.small", "db-custom-2-7680"])("%s is not in the table: the stack uses PostgreSQL's default 100 unless dbMaxConnections says otherwise", (cls) => {
        expect(rdsDefaultMaxConnections(cls)).toBeUndefined();
        expect(POSTGRES_DEFAULT_MAX_CONNECTIONS).toBe(100);
    });

    // max_connections measured with the default parameter group (`show max_connections`) on db.t2.small, .medium and
    // .large, which have the same memory as these classes.
    it.each([
        ["db.t4g.small", 198],
        ["db.t4g.medium", 413],
        ["db.t3.large", 856],
    ])("never above what RDS really allows: %s estimates at most %i and not below 70%% of it", (cls, measured) => {
        const estimate = rdsDefaultMaxConnections(cls) as number;
        expect(estimate).toBeLessThanOrEqual(measured);
        expect(estimate).toBeGreaterThanOrEqual(Math.floor(measured * 0.7));
    });

    it("stops at RDS's cap of 5000", () => {
        expect(rdsDefaultMaxConnections("db.r7g.16xlarge")).toBe(5000);
    });
});

describe("the connection budget", () => {
    const cases = Object.entries(PRESETS).flatMap(([size, preset]) =>
        [1, 3, 5, 7].flatMap((controllers) =>
            [false, true].map((dexEnabled) => ({
                name: `${size} (${preset.database.awsInstanceClass}), ${controllers} controllers, dex ${dexEnabled}`,
                maxConnections: rdsDefaultMaxConnections(preset.database.awsInstanceClass) as number,
                controllers,
                flowStore: true,
                dexEnabled,
            })),
        ),
    );

    it.each(cases)("$name: the default pools fit with every controller, one replacement and the reserve", (c) => {
        const b = connectionBudget(c);
        expect(b.defaultPool).toBeGreaterThanOrEqual(2);
        expect(b.defaultPool).toBeLessThanOrEqual(DEFAULT_POOL_CAP);
        expect(b.total(b.defaultPool)).toBeLessThanOrEqual(c.maxConnections);
        // The largest pool is the tight bound: one more per pool no longer fits.
        expect(b.total(b.largestPool)).toBeLessThanOrEqual(c.maxConnections);
        expect(b.total(b.largestPool + 1)).toBeGreaterThan(c.maxConnections);
    });

    it("counts what the formula says, worked by hand for 3 controllers on 100 connections with Dex", () => {
        const b = connectionBudget({ maxConnections: 100, controllers: 3, flowStore: true, dexEnabled: true });
        expect(Object.values(CONNECTION_RESERVE).reduce((a, x) => a + x, 0)).toBe(11);
        // (100 - 11) / 4 processes = 22.25 per process; minus flow 2 and Dex 5 = 15.25; two pools → 7 each.
        expect([b.reserved, b.processes, b.fixedPerProcess, b.largestPool]).toEqual([11, 4, 7, 7]);
        expect(b.total(7)).toBe(11 + 4 * (14 + 7));
    });
});

describe("config: dbMaxConnections and managementDbPoolSize", () => {
    it("derives max_connections from the class and renders the pool size for management's both pools", () => {
        const s = valid({ size: "small", controllerCount: 3 });
        expect(s.database.maxConnections).toBe(rdsDefaultMaxConnections("db.t4g.medium"));
        expect(s.management.dbPoolSize).toBe(DEFAULT_POOL_CAP);
        const tiny = valid({ size: "small", controllerCount: 3, dbInstanceClass: "db.t3.micro" });
        expect(tiny.management.dbPoolSize).toBe(connectionBudget({ maxConnections: tiny.database.maxConnections, controllers: 3, flowStore: true, dexEnabled: false }).largestPool);
        expect(tiny.management.dbPoolSize).toBeLessThan(DEFAULT_POOL_CAP);
    });

    it("takes an explicit max_connections (custom parameter group) and an explicit pool that fits", () => {
        const s = valid({ dbMaxConnections: "400", managementDbPoolSize: "40" });
        expect([s.database.maxConnections, s.management.dbPoolSize]).toEqual([400, 40]);
    });

    it.each([
        [
            { managementDbPoolSize: "500" },
            "managementDbPoolSize: needs 4019 connections for 3 controllers plus one being replaced, more than max_connections 1351 (got 500); use at most 166, or raise the database's max_connections (dbInstanceClass, or dbMaxConnections with a custom parameter group)",
        ],
        [
            { dbMaxConnections: "30", controllerCount: 5 },
            "dbMaxConnections: leaves no room for 5 controllers' database pools (max_connections 30; 47 needed for pools of 2) (got 30); raise max_connections in the database's parameter group to at least 47 and set dbMaxConnections to it",
        ],
        [
            { dbInstanceClass: "db.t3.micro", controllerCount: 7, dexEnabled: "true", oidcIssuer: "https://openzro.example.com/dex" },
            "dbInstanceClass: leaves no room for 7 controllers' database pools (max_connections 84; 99 needed for pools of 2) (got \"db.t3.micro\"); use a larger dbInstanceClass, or set dbMaxConnections to the max_connections of a custom parameter group (at least 99)",
        ],
        [{ dbMaxConnections: "10" }, 'dbMaxConnections: is out of range (got "10"); set a whole number between 20 and 262143'],
        [{ managementDbPoolSize: "0" }, 'managementDbPoolSize: is out of range (got "0"); set a whole number between 1 and 10000'],
        [{ managementDbPoolSize: "ten" }, 'managementDbPoolSize: must be a whole number (got "ten"); set a whole number between 1 and 10000'],
    ])("refuses %j in one line", (overrides, message) => {
        expect(errorOf(overrides)).toBe(message);
    });
});

describe("management's env file", () => {
    it("sets OZ_SQL_MAX_OPEN_CONNS to the validated pool size", () => {
        const settings = settingsFor({ management: { dbPoolSize: 17 } });
        const env = new Map(managementEnvEntries(settings, topologyFor(settings), 0, SECRETS));
        expect(env.get("OZ_SQL_MAX_OPEN_CONNS")).toBe("17");
    });
});

describe("management and Dex (D34)", () => {
    it("with dexEnabled, management reaches its own controller's Dex gRPC API on loopback (the only plaintext address it accepts)", () => {
        const settings = settingsFor({ dex: { enabled: true, port: 5556, grpcPort: 5567 } });
        const env = new Map(managementEnvEntries(settings, topologyFor(settings), 0, SECRETS));
        expect(env.get("OPENZRO_DEX_GRPC_ADDR")).toBe("127.0.0.1:5567");
        // No mTLS material and no insecure opt-in: dex_proxy.FromEnv takes plaintext only for loopback addresses.
        expect([...env.keys()].filter((k) => /^OPENZRO_DEX_GRPC_(CA_CERT|CLIENT_CERT|CLIENT_KEY|INSECURE)$/.test(k))).toEqual([]);
    });

    it("without Dex, no Dex address (management then answers 503 on the auth-providers API, as upstream intends)", () => {
        const settings = settingsFor({ dex: { enabled: false, port: 5556, grpcPort: 5557 } });
        const env = new Map(managementEnvEntries(settings, topologyFor(settings), 0, SECRETS));
        expect(env.has("OPENZRO_DEX_GRPC_ADDR")).toBe(false);
    });

    it.each([
        [{ dexEnabled: "true", oidcIssuer: "https://openzro.example.com/dex", dexGrpcPort: "5556" }, "dexGrpcPort: collides with dexPort on the controllers (got 5556); choose a different port"],
        [{ dexEnabled: "true", oidcIssuer: "https://openzro.example.com/dex", dexGrpcPort: "33073" }, "dexGrpcPort: collides with the management port on the controllers (got 33073); choose a free port"],
        [{ dexGrpcPort: "80" }, "dexGrpcPort: is a privileged port (below 1024) and the daemon runs as an unprivileged user (got 80); use a port between 1024 and 65535, e.g. 5557"],
    ])("refuses %j in one line", (overrides, message) => {
        expect(errorOf(overrides)).toBe(message);
    });
});
