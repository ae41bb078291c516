// Managed PostgreSQL for all three stores (main, activity, flow). Never public, TLS forced, encrypted at rest,
// reachable on 5432 from the controllers' security group only. The master password is generated once per stack and
// only ever exists as a secret.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as random from "@pulumi/random";
import { Settings } from "../config/types";
import { DATABASE_NAMES } from "../host/facts";
import { irreplaceableSecretOptions } from "../host/secrets";
import { POSTGRES_PORT } from "../host/ports";
import { resourceTags } from "./tags";

/**
 * Special characters of the master password. RDS rejects / @ " and space; these four are also safe unquoted in a
 * URL DSN, a key=value DSN, a systemd EnvironmentFile and a shell, wherever the host layer puts the password.
 */
export const PASSWORD_SPECIALS = "-_.~";

/** Parameter-group family of a major version: "16" or "16.4" → "postgres16". */
export function postgresFamily(engineVersion: string): string {
    const major = /^(\d+)(\.\d+)?$/.exec(engineVersion);
    if (!major) {
        throw new Error(`database.engineVersion: not a PostgreSQL version (got "${engineVersion}"); use a major version such as "16"`);
    }
    return `postgres${major[1]}`;
}

/** "16.4" pins a minor; "16" lets RDS pick (and upgrade) the minor. */
export function pinsMinorVersion(engineVersion: string): boolean {
    return /^\d+\.\d+$/.test(engineVersion);
}

/**
 * Stable per stack: RDS refuses to delete without a final snapshot name when skipFinalSnapshot is false
 * (pulumi/pulumi-aws#2196, #2020), and a name derived from a timestamp would show a diff on every run.
 */
export function finalSnapshotIdentifier(stack: string): string {
    return `openzro-${stack}-final`.toLowerCase().replace(/[^a-z0-9-]/g, "-").replace(/-+/g, "-");
}

export interface DatabaseArgs {
    readonly settings: Settings;
    readonly privateSubnetIds: pulumi.Input<string>[];
    readonly securityGroupId: pulumi.Input<string>;
    readonly provider: aws.Provider;
}

export class Database extends pulumi.ComponentResource {
    readonly instance: aws.rds.Instance;
    /** Endpoint hostname. */
    readonly address: pulumi.Output<string>;
    readonly port: pulumi.Output<number>;
    /** host:port */
    readonly endpoint: pulumi.Output<string>;
    readonly username: string;
    /** Secret. */
    readonly password: pulumi.Output<string>;

    constructor(name: string, args: DatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
        super("openzro:aws:Database", name, {}, opts);
        const db = args.settings.database;
        const stack = pulumi.getStack();
        const tags = (stem: string) => resourceTags("database", stack, stem);
        const childOpts = { parent: this, provider: args.provider };

        const password = new random.RandomPassword(
            `${name}-db-master`,
            { length: 40, special: true, overrideSpecial: PASSWORD_SPECIALS, minLower: 2, minUpper: 2, minNumeric: 2, minSpecial: 1 },
            // Rotation is deliberate (docs/runbook.md: unprotect, --replace, protect again), never a side effect.
            { parent: this, ...irreplaceableSecretOptions(args.settings.protectResources) },
        );
        this.password = pulumi.secret(password.result);

        const subnets = new aws.rds.SubnetGroup(
            `${name}-db`,
            { description: "openZro PostgreSQL: private subnets", subnetIds: args.privateSubnetIds, tags: tags("db") },
            childOpts,
        );
        const parameters = new aws.rds.ParameterGroup(
            `${name}-db`,
            {
                family: postgresFamily(db.engineVersion),
                description: "openZro PostgreSQL: TLS required",
                // pending-reboot is accepted for static and dynamic parameters alike; the instance is created with
                // this group, so the value is in force from the first boot.
                parameters: [{ name: "rds.force_ssl", value: "1", applyMethod: "pending-reboot" }],
                tags: tags("db"),
            },
            childOpts,
        );

        this.instance = new aws.rds.Instance(
            `${name}-db`,
            {
                engine: "postgres",
                engineVersion: db.engineVersion,
                instanceClass: db.instanceClass,
                dbName: DATABASE_NAMES.main,
                username: db.username,
                password: this.password,
                port: POSTGRES_PORT,
                allocatedStorage: db.allocatedStorageGb,
                maxAllocatedStorage: db.maxAllocatedStorageGb,
                storageType: "gp3",
                storageEncrypted: true,
                multiAz: db.multiAz,
                dbSubnetGroupName: subnets.name,
                parameterGroupName: parameters.name,
                vpcSecurityGroupIds: [args.securityGroupId],
                publiclyAccessible: false,
                backupRetentionPeriod: db.backupRetentionDays,
                copyTagsToSnapshot: true,
                performanceInsightsEnabled: db.performanceInsights,
                // A pinned minor and automatic minor upgrades would fight: after AWS upgrades 16.4 to 16.x the next
                // `up` would plan a downgrade RDS refuses. With a major only, RDS owns the minor (the provider
                // tolerates the prefix).
                autoMinorVersionUpgrade: !pinsMinorVersion(db.engineVersion),
                // A major upgrade is deliberate and opt-in (docs/runbook.md, "Upgrading PostgreSQL").
                allowMajorVersionUpgrade: db.allowMajorVersionUpgrade,
                applyImmediately: db.applyImmediately,
                // Point-in-time restore must survive a deletion of the instance.
                deleteAutomatedBackups: false,
                deletionProtection: db.deletionProtection,
                skipFinalSnapshot: db.skipFinalSnapshot,
                finalSnapshotIdentifier: db.skipFinalSnapshot ? undefined : finalSnapshotIdentifier(stack),
                tags: tags("db"),
            },
            { ...childOpts, protect: args.settings.protectResources },
        );

        this.address = this.instance.address;
        this.port = this.instance.port;
        this.endpoint = this.instance.endpoint;
        this.username = db.username;
        this.registerOutputs({ endpoint: this.endpoint, password: this.password });
    }
}
