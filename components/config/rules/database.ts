// Managed PostgreSQL (RDS today): size, durability, the master user.
import { ConfigError } from "../errors";
import { DEFAULTS } from "../keys";
import type { Preset } from "../presets";
import { RawReader } from "../reader";
import { isRdsInstanceClass } from "../syntax";
import type { Settings } from "../types";

const STORAGE_RANGE = { min: 20, max: 65536 } as const;
/** Names PostgreSQL or RDS keep for themselves (plus pg_* / rds_* prefixes). */
const RESERVED_USERS = ["postgres", "rdsadmin", "rdsrepladmin", "public", "user", "current_user", "session_user", "none", "all"];
const MIN_POSTGRES_MAJOR = 16;

export function readDatabase(r: RawReader, preset: Preset): Settings["database"] {
    const instanceClass = r.text("dbInstanceClass", preset.database.awsInstanceClass);
    if (!isRdsInstanceClass(instanceClass)) {
        throw new ConfigError("dbInstanceClass", "is not an RDS instance class", instanceClass, `use a class starting with db., such as ${preset.database.awsInstanceClass}`);
    }
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
        engineVersion: readEngineVersion(r),
        instanceClass,
        allocatedStorageGb: allocated,
        maxAllocatedStorageGb: maxAllocated,
        multiAz: r.bool("dbMultiAz", preset.database.multiAz),
        backupRetentionDays: r.int("dbBackupRetentionDays", { min: 1, max: 35 }, DEFAULTS.dbBackupRetentionDays),
        deletionProtection: r.bool("dbDeletionProtection", DEFAULTS.dbDeletionProtection),
        skipFinalSnapshot: r.bool("dbSkipFinalSnapshot", DEFAULTS.dbSkipFinalSnapshot),
        performanceInsights: r.bool("dbPerformanceInsights", DEFAULTS.dbPerformanceInsights),
        username: readUsername(r),
    };
}

function readEngineVersion(r: RawReader): string {
    const version = r.text("dbEngineVersion", DEFAULTS.dbEngineVersion);
    const m = /^([0-9]+)(?:\.[0-9]+)?$/.exec(version);
    if (!m) {
        throw new ConfigError("dbEngineVersion", "is not a PostgreSQL version", version, `use a major version such as ${DEFAULTS.dbEngineVersion} or 17`);
    }
    if (Number(m[1]) < MIN_POSTGRES_MAJOR) {
        throw new ConfigError("dbEngineVersion", `is older than PostgreSQL ${MIN_POSTGRES_MAJOR}`, version, `use ${MIN_POSTGRES_MAJOR} or later`);
    }
    return version;
}

function readUsername(r: RawReader): string {
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
    return user;
}
