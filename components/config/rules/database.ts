// Managed PostgreSQL (RDS today): size, durability, the master user.
import { ConfigError } from "../errors";
import { DEFAULTS } from "../keys";
import type { Preset } from "../presets";
import { RawReader } from "../reader";
import { isCloudSqlTier, isRdsInstanceClass } from "../syntax";
import { MIN_POOL, POSTGRES_DEFAULT_MAX_CONNECTIONS, connectionBudget, rdsDefaultMaxConnections } from "../dbConnections";
import type { Cloud, Settings } from "../types";
import { rejectOnGcp } from "./common";

const STORAGE_RANGE = { min: 20, max: 65536 } as const;
/** Names PostgreSQL or RDS keep for themselves (plus pg_* / rds_* prefixes). */
const RESERVED_USERS = ["postgres", "rdsadmin", "rdsrepladmin", "public", "user", "current_user", "session_user", "none", "all"];
const MIN_POSTGRES_MAJOR = 16;

export function readDatabase(r: RawReader, preset: Preset, cloud: Cloud = "aws"): Settings["database"] {
    const instanceClass = cloud === "aws" ? readRdsClass(r, preset) : readCloudSqlTier(r, preset);
    const allocated = r.int("dbAllocatedStorageGb", STORAGE_RANGE, preset.database.allocatedStorageGb);
    const maxAllocated = r.int("dbMaxAllocatedStorageGb", STORAGE_RANGE, Math.min(4 * allocated, STORAGE_RANGE.max));
    // RDS storage autoscaling wants a ceiling at least 10% above the allocated size.
    const minimumCeiling = Math.ceil((allocated * 11) / 10);
    if (maxAllocated < minimumCeiling) {
        throw new ConfigError(
            "dbMaxAllocatedStorageGb",
            `must be at least 10% above dbAllocatedStorageGb ${allocated} for storage autoscaling`,
            maxAllocated,
            `set ${minimumCeiling} or more, or leave it unset for ${Math.min(4 * allocated, STORAGE_RANGE.max)}`,
        );
    }
    return {
        engineVersion: readEngineVersion(r, cloud),
        instanceClass,
        allocatedStorageGb: allocated,
        maxAllocatedStorageGb: maxAllocated,
        multiAz: r.bool("dbMultiAz", preset.database.multiAz),
        backupRetentionDays: r.int("dbBackupRetentionDays", { min: 1, max: 35 }, DEFAULTS.dbBackupRetentionDays),
        deletionProtection: r.bool("dbDeletionProtection", DEFAULTS.dbDeletionProtection),
        skipFinalSnapshot: r.bool("dbSkipFinalSnapshot", DEFAULTS.dbSkipFinalSnapshot),
        performanceInsights: r.bool("dbPerformanceInsights", DEFAULTS.dbPerformanceInsights),
        username: readUsername(r, cloud),
        maxConnections: r.int("dbMaxConnections", MAX_CONNECTIONS_RANGE, rdsDefaultMaxConnections(instanceClass) ?? POSTGRES_DEFAULT_MAX_CONNECTIONS),
        ...readRdsLifecycle(r, cloud),
    };
}

/** PostgreSQL's own bounds for max_connections (RDS refuses fewer than a handful; 262143 is the server's limit). */
const MAX_CONNECTIONS_RANGE = { min: 20, max: 262143 } as const;

/**
 * OZ_SQL_MAX_OPEN_CONNS: management's two pools per process must fit the database's max_connections for every
 * controller plus one being replaced, after the reserve (components/config/dbConnections.ts, D33).
 */
export function readManagementDbPool(
    r: RawReader,
    facts: {
        readonly instanceClass: string;
        readonly maxConnections: number;
        readonly controllers: number;
        readonly flowStore: boolean;
        readonly dexEnabled: boolean;
    },
): number {
    const budget = connectionBudget(facts);
    const explicitMax = r.value("dbMaxConnections") !== undefined;
    if (budget.largestPool < MIN_POOL) {
        const needed = budget.total(MIN_POOL);
        throw new ConfigError(
            explicitMax ? "dbMaxConnections" : "dbInstanceClass",
            `leaves no room for ${facts.controllers} controllers' database pools (max_connections ${facts.maxConnections}; ${needed} needed for pools of ${MIN_POOL})`,
            explicitMax ? facts.maxConnections : facts.instanceClass,
            explicitMax
                ? `raise max_connections in the database's parameter group to at least ${needed} and set dbMaxConnections to it`
                : `use a larger dbInstanceClass, or set dbMaxConnections to the max_connections of a custom parameter group (at least ${needed})`,
        );
    }
    const pool = r.int("managementDbPoolSize", { min: 1, max: 10000 }, budget.defaultPool);
    if (pool > budget.largestPool) {
        throw new ConfigError(
            "managementDbPoolSize",
            `needs ${budget.total(pool)} connections for ${facts.controllers} controllers plus one being replaced, more than max_connections ${facts.maxConnections}`,
            pool,
            `use at most ${budget.largestPool}, or raise the database's max_connections (dbInstanceClass, or dbMaxConnections with a custom parameter group)`,
        );
    }
    return pool;
}

function readRdsClass(r: RawReader, preset: Preset): string {
    const instanceClass = r.text("dbInstanceClass", preset.database.awsInstanceClass);
    if (!isRdsInstanceClass(instanceClass)) {
        throw new ConfigError("dbInstanceClass", "is not an RDS instance class", instanceClass, `use a class starting with db., such as ${preset.database.awsInstanceClass}`);
    }
    return instanceClass;
}

/** Cloud SQL custom tiers: 1 or an even number of vCPUs, 0.9-6.5 GB per vCPU in 256 MB steps (Cloud SQL docs). */
function readCloudSqlTier(r: RawReader, preset: Preset): string {
    const example = preset.database.gcpTier;
    const tier = r.text("dbInstanceClass", example);
    if (isRdsInstanceClass(tier)) {
        throw new ConfigError("dbInstanceClass", "is an RDS instance class but cloud is gcp", tier, `use a Cloud SQL tier such as ${example}`);
    }
    if (!isCloudSqlTier(tier)) {
        throw new ConfigError("dbInstanceClass", "is not a Cloud SQL tier", tier, `use a tier such as ${example} (db-custom-<vCPUs>-<memory MB>)`);
    }
    const custom = /^db-custom-([0-9]+)-([0-9]+)$/.exec(tier);
    if (custom) {
        const vcpu = Number(custom[1]);
        const mb = Number(custom[2]);
        if ((vcpu !== 1 && vcpu % 2 !== 0) || vcpu > 96) {
            throw new ConfigError("dbInstanceClass", "has a vCPU count Cloud SQL does not offer", tier, "use 1 or an even number of vCPUs up to 96, e.g. db-custom-4-8192");
        }
        if (mb % 256 !== 0 || mb < vcpu * 922 || mb > vcpu * 6656) {
            throw new ConfigError(
                "dbInstanceClass",
                "has a memory size Cloud SQL does not offer for its vCPUs",
                tier,
                `use 0.9 to 6.5 GB per vCPU in multiples of 256 MB, e.g. db-custom-${vcpu}-${vcpu * 4096}`,
            );
        }
    }
    return tier;
}

function readEngineVersion(r: RawReader, cloud: Cloud): string {
    const version = r.text("dbEngineVersion", DEFAULTS.dbEngineVersion);
    if (cloud === "gcp" && /^[0-9]+\.[0-9]+$/.test(version)) {
        throw new ConfigError("dbEngineVersion", "names a minor version but Cloud SQL takes only the major version", version, `use "${version.split(".")[0]}"`);
    }
    const m = /^([0-9]+)(?:\.[0-9]+)?$/.exec(version);
    if (!m) {
        throw new ConfigError("dbEngineVersion", "is not a PostgreSQL version", version, `use a major version such as ${DEFAULTS.dbEngineVersion} or 17`);
    }
    if (Number(m[1]) < MIN_POSTGRES_MAJOR) {
        throw new ConfigError("dbEngineVersion", `is older than PostgreSQL ${MIN_POSTGRES_MAJOR}`, version, `use ${MIN_POSTGRES_MAJOR} or later`);
    }
    return version;
}

function readUsername(r: RawReader, cloud: Cloud): string {
    const user = r.text("dbUsername", DEFAULTS.dbUsername);
    if (!/^[a-z][a-z0-9_]{0,62}$/.test(user)) {
        throw new ConfigError(
            "dbUsername",
            "must start with a lower-case letter and use only a-z, 0-9 and _ (at most 63 characters)",
            user,
            `use a name such as ${DEFAULTS.dbUsername}`,
        );
    }
    if (RESERVED_USERS.includes(user) || user.startsWith("pg_") || user.startsWith("rds_")) {
        throw new ConfigError("dbUsername", "is reserved by PostgreSQL or RDS", user, `use another name such as ${DEFAULTS.dbUsername}`);
    }
    if (cloud === "gcp" && user.startsWith("cloudsql")) {
        throw new ConfigError("dbUsername", "is reserved by Cloud SQL (cloudsql* roles)", user, `use another name such as ${DEFAULTS.dbUsername}`);
    }
    return user;
}

/** RDS's change controls (AWS only: the GCP footprint does not read them yet, so a set value must not be ignored). */
function readRdsLifecycle(r: RawReader, cloud: Cloud): Pick<Settings["database"], "allowMajorVersionUpgrade" | "applyImmediately"> {
    const allowMajorVersionUpgrade = r.bool("dbAllowMajorVersionUpgrade", DEFAULTS.dbAllowMajorVersionUpgrade);
    const applyImmediately = r.bool("dbApplyImmediately", DEFAULTS.dbApplyImmediately);
    if (cloud === "gcp") {
        rejectOnGcp("dbAllowMajorVersionUpgrade", allowMajorVersionUpgrade, !allowMajorVersionUpgrade, "the Cloud SQL footprint does not read it", "remove it");
        rejectOnGcp("dbApplyImmediately", applyImmediately, !applyImmediately, "the Cloud SQL footprint does not read it", "remove it");
    }
    return { allowMajorVersionUpgrade, applyImmediately };
}
