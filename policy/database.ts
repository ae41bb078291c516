// Managed PostgreSQL: never public, encrypted, TLS forced, recoverable (backups, Multi-AZ, no accidental
// deletion). Resource policies read the instance's inputs, so `pulumi preview` stops a bad database before it
// exists; the TLS check needs the parameter group too and is a stack policy.
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import type { Unwrap } from "@pulumi/pulumi";
import type { InstanceArgs as RdsInstanceArgs } from "@pulumi/aws/rds/instance";
import type { ParameterGroupArgs } from "@pulumi/aws/rds/parameterGroup";
import { StackIndex } from "./lib/stack";
import { T } from "./lib/types-aws";

type RdsProps = Unwrap<RdsInstanceArgs>;

/** A resource policy over aws:rds/instance:Instance inputs. */
function rdsPolicy(
    name: string,
    description: string,
    check: (db: RdsProps, config: Record<string, any>) => string | undefined,
): ResourceValidationPolicy {
    return {
        name,
        description,
        enforcementLevel: "mandatory",
        validateResource: (args, reportViolation) => {
            if (args.type !== T.rdsInstance) {
                return;
            }
            const problem = check(args.props as RdsProps, args.getConfig<Record<string, any>>());
            if (problem) {
                reportViolation(problem);
            }
        },
    };
}

export const rdsNotPubliclyAccessible = rdsPolicy(
    "rds-not-publicly-accessible",
    "The database has no public endpoint; only the controllers reach it, inside the VPC.",
    (db) => (db.publiclyAccessible === true ? "publiclyAccessible is true; set it to false (controllers connect over the VPC)." : undefined),
);

export const rdsStorageEncrypted = rdsPolicy(
    "rds-storage-encrypted",
    "Database storage, snapshots and backups are encrypted at rest.",
    (db) => (db.storageEncrypted === true ? undefined : `storageEncrypted is ${String(db.storageEncrypted)}; set it to true.`),
);

export const DEFAULT_MIN_BACKUP_RETENTION_DAYS = 7;

export const rdsBackupRetention: ResourceValidationPolicy = {
    ...rdsPolicy(
        "rds-backup-retention",
        `Automated backups (and so point-in-time restore) are kept at least ${DEFAULT_MIN_BACKUP_RETENTION_DAYS} days.`,
        (db, config) => {
            const min = Number(config.minDays ?? DEFAULT_MIN_BACKUP_RETENTION_DAYS);
            const days = db.backupRetentionPeriod;
            return typeof days === "number" && days >= min
                ? undefined
                : `backupRetentionPeriod is ${String(days)}; keep at least ${min} days (openzro:database.backupRetentionDays).`;
        },
    ),
    configSchema: { properties: { minDays: { type: "integer", minimum: 1, maximum: 35, default: DEFAULT_MIN_BACKUP_RETENTION_DAYS } } },
};

export const rdsMultiAz = rdsPolicy(
    "rds-multi-az",
    "The database has a synchronous standby in another availability zone and fails over to it.",
    (db) => (db.multiAz === true ? undefined : `multiAz is ${String(db.multiAz)}; set openzro:database.multiAz to true.`),
);

export const rdsDeletionProtection = rdsPolicy(
    "rds-deletion-protection",
    "The database cannot be deleted (by `pulumi destroy` or by hand) until deletion protection is turned off.",
    (db) =>
        db.deletionProtection === true
            ? undefined
            : `deletionProtection is ${String(db.deletionProtection)}; set openzro:database.deletionProtection to true.`,
);

export const rdsFinalSnapshot = rdsPolicy(
    "rds-final-snapshot",
    "Deleting the database takes a named final snapshot first.",
    (db) => {
        if (db.skipFinalSnapshot === true) {
            return "skipFinalSnapshot is true; set openzro:database.skipFinalSnapshot to false.";
        }
        if (typeof db.finalSnapshotIdentifier !== "string" || db.finalSnapshotIdentifier === "") {
            // Without an identifier AWS refuses the delete ("FinalSnapshotIdentifier is required").
            return "finalSnapshotIdentifier is not set; a final snapshot needs a name.";
        }
        return undefined;
    },
);

export const rdsPulumiProtect: ResourceValidationPolicy = {
    name: "rds-pulumi-protect",
    description: "The database resource has Pulumi's `protect` option, so `pulumi destroy` or a replacing change stops before deleting it.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (args.type === T.rdsInstance && args.opts?.protect !== true) {
            reportViolation("the database is not protected; set openzro:protectResources to true.");
        }
    },
};

function forcesSsl(pg: Unwrap<ParameterGroupArgs>): boolean {
    return (pg.parameters ?? []).some((p) => p.name === "rds.force_ssl" && String(p.value) === "1");
}

export const rdsForceSsl: StackValidationPolicy = {
    name: "rds-force-ssl",
    description: "Every database uses a parameter group with rds.force_ssl=1, so no client connects without TLS.",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        const stack = new StackIndex(args.resources);
        const groups = stack.ofType(T.rdsParameterGroup);
        for (const db of stack.ofType(T.rdsInstance)) {
            const pg = stack.resolveOne(db, "parameterGroupName", db.props.parameterGroupName, groups);
            if (!pg) {
                reportViolation(
                    `${db.name}: parameterGroupName ${JSON.stringify(db.props.parameterGroupName)} is not a parameter group of this stack; attach one with rds.force_ssl=1.`,
                    db.urn,
                );
            } else if (!forcesSsl(pg.props as Unwrap<ParameterGroupArgs>)) {
                reportViolation(`${db.name}: parameter group ${pg.name} does not set rds.force_ssl=1.`, db.urn);
            }
        }
    },
};

export const databasePolicies = [
    rdsNotPubliclyAccessible,
    rdsStorageEncrypted,
    rdsForceSsl,
    rdsBackupRetention,
    rdsMultiAz,
    rdsDeletionProtection,
    rdsFinalSnapshot,
    rdsPulumiProtect,
];
