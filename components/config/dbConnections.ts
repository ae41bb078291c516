// How many PostgreSQL connections management may open, against the database's max_connections (D33).
// Management opens two pools per process (main store and activity store), both sized by OZ_SQL_MAX_OPEN_CONNS
// (management/server/store/sql_store.go, activity/store/sql_store.go; unset → runtime.NumCPU() each). The flow
// store's gorm pool has no limit and no setting upstream (flow/store/factory); it writes from one batching
// goroutine, so it is budgeted at a small fixed number. Documented in docs/hosts.md ("Database connections").
//
//   processes  = controllers + 1              (a replaced controller's successor connects before the old one is gone)
//   per process = 2 × pool + flow (2, when flowStore) + Dex (5, when dexEnabled: Dex's own storage pool)
//   reserve    = 3 superuser (superuser_reserved_connections) + 2 for RDS's own sessions (rdsadmin)
//                + 1 database bootstrap + 5 admin sessions (psql, pg_dump, monitoring)
//   largest pool = floor(((max_connections − reserve) / processes − per-process fixed) / 2)
//   default pool = min(DEFAULT_POOL_CAP, largest pool); an explicit managementDbPoolSize must not exceed the largest.

/** RDS for PostgreSQL's default parameter group: max_connections = LEAST({DBInstanceClassMemory/9531392}, 5000). */
export const RDS_BYTES_PER_CONNECTION = 9531392;
export const RDS_MAX_CONNECTIONS_CAP = 5000;
/**
 * DBInstanceClassMemory is the class's memory minus what the OS and RDS keep, and AWS publishes no table of it.
 * Measured max_connections: db.t2.small (2 GiB) 198, t2.medium (4 GiB) 413, t2.large (8 GiB) 856, r4.large
 * (15.25 GiB) 1660: 88-97% of the nominal memory; 1 GiB classes are lower. 75% stays below every one of them.
 */
export const RDS_USABLE_MEMORY_SHARE = 0.75;
/** PostgreSQL's own default max_connections: assumed for classes this table does not know (set dbMaxConnections). */
export const POSTGRES_DEFAULT_MAX_CONNECTIONS = 100;

export const CONNECTION_RESERVE = { superuser: 3, rdsAdmin: 2, bootstrap: 1, adminSessions: 5 } as const;
/** The flow store's unbounded pool in practice: one batch writer, the retention purge (queries come on top). */
export const FLOW_STORE_CONNECTIONS = 2;
/** Per controller with dexEnabled: set Dex's `storage.config.maxOpenConns` to this (docs/hosts.md). */
export const DEX_CONNECTIONS = 5;
/** Default pool size when the database has room: several times upstream's NumCPU default on the preset machines. */
export const DEFAULT_POOL_CAP = 25;
/** A pool smaller than this serialises management's own concurrent requests. */
export const MIN_POOL = 2;

const T_FAMILY_GIB: Readonly<Record<string, number>> = { micro: 1, small: 2, medium: 4, large: 8, xlarge: 16, "2xlarge": 32 };
/** GiB per vCPU of the RDS families whose memory follows their size (large = 2 vCPU, xlarge = 4, Nxlarge = 4N). */
const GIB_PER_VCPU: ReadonlyArray<readonly [RegExp, number]> = [
    [/^m[5-9][a-z]*$/, 4],
    [/^r[5-9][a-z]*$/, 8],
    [/^x2g$/, 16],
];

/** Nominal memory of an RDS class in GiB, or undefined for a class this table does not know. */
export function rdsClassMemoryGib(instanceClass: string): number | undefined {
    const m = /^db\.([a-z0-9]+)\.(micro|small|medium|large|xlarge|([1-9][0-9]*)xlarge)$/.exec(instanceClass);
    if (!m) return undefined;
    const [, family, size, multiple] = m;
    if (/^t[2-9][a-z]*$/.test(family)) return T_FAMILY_GIB[size];
    const perVcpu = GIB_PER_VCPU.find(([re]) => re.test(family))?.[1];
    if (perVcpu === undefined) return undefined;
    const vcpu = size === "large" ? 2 : size === "xlarge" ? 4 : multiple ? 4 * Number(multiple) : undefined;
    return vcpu === undefined ? undefined : vcpu * perVcpu;
}

/** The max_connections an RDS class's default parameter group gives (conservatively), or undefined when unknown. */
export function rdsDefaultMaxConnections(instanceClass: string): number | undefined {
    const gib = rdsClassMemoryGib(instanceClass);
    if (gib === undefined) return undefined;
    return Math.min(Math.floor((gib * 2 ** 30 * RDS_USABLE_MEMORY_SHARE) / RDS_BYTES_PER_CONNECTION), RDS_MAX_CONNECTIONS_CAP);
}

export interface ConnectionBudgetInput {
    readonly maxConnections: number;
    readonly controllers: number;
    readonly flowStore: boolean;
    readonly dexEnabled: boolean;
}

export interface ConnectionBudget {
    readonly reserved: number;
    readonly processes: number;
    /** Connections per process outside the two pools. */
    readonly fixedPerProcess: number;
    /** The largest OZ_SQL_MAX_OPEN_CONNS that fits. */
    readonly largestPool: number;
    readonly defaultPool: number;
    /** Connections at most in use with `pool`, reserve included. */
    total(pool: number): number;
}

export function connectionBudget(input: ConnectionBudgetInput): ConnectionBudget {
    const reserved = Object.values(CONNECTION_RESERVE).reduce((a, b) => a + b, 0);
    const processes = input.controllers + 1;
    const fixedPerProcess = (input.flowStore ? FLOW_STORE_CONNECTIONS : 0) + (input.dexEnabled ? DEX_CONNECTIONS : 0);
    const largestPool = Math.floor(((input.maxConnections - reserved) / processes - fixedPerProcess) / 2);
    return {
        reserved,
        processes,
        fixedPerProcess,
        largestPool,
        defaultPool: Math.min(DEFAULT_POOL_CAP, largestPool),
        total: (pool) => reserved + processes * (2 * pool + fixedPerProcess),
    };
}
