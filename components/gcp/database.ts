// Cloud SQL for PostgreSQL for all three stores: private IP only (private services access), TLS required,
// REGIONAL (a standby in another zone, same IP after failover) when dbMultiAz, daily backups with point-in-time
// recovery, a maintenance window, deletion protection on both sides (Cloud SQL's flag and Pulumi's protect).
// The main database and the user are created here; the host layer's bootstrap creates the others, as on AWS.
import * as pulumi from "@pulumi/pulumi";
import * as gcp from "@pulumi/gcp";
import * as random from "@pulumi/random";
import { Settings } from "../config/types";
import { DATABASE_NAMES } from "../host/facts";
import { POSTGRES_PORT } from "../host/ports";
import { irreplaceableSecretOptions } from "../host/secrets";
import { PASSWORD_SPECIALS } from "../aws/database";

/** Cloud SQL's databaseVersion of a configured major version ("16" → POSTGRES_16). */
export function cloudSqlVersion(engineVersion: string): string {
    const major = /^([0-9]+)$/.exec(engineVersion);
    if (!major) {
        throw new Error(`dbEngineVersion: Cloud SQL takes a major version (got "${engineVersion}"); use e.g. "16"`);
    }
    return `POSTGRES_${major[1]}`;
}

/** Enterprise Plus runs only its db-perf-optimized-N-* tiers; everything else is Enterprise. Never left to the default. */
export function cloudSqlEdition(tier: string): "ENTERPRISE" | "ENTERPRISE_PLUS" {
    return tier.startsWith("db-perf-optimized-N-") ? "ENTERPRISE_PLUS" : "ENTERPRISE";
}

/** Write-ahead log kept for point-in-time recovery: at most 7 days on Enterprise, 35 on Enterprise Plus. */
export function transactionLogRetentionDays(backupRetentionDays: number, edition: "ENTERPRISE" | "ENTERPRISE_PLUS"): number {
    return Math.min(backupRetentionDays, edition === "ENTERPRISE" ? 7 : 35);
}

/** Sunday 03:00 UTC, after the 02:00 backup window opens. */
export const MAINTENANCE_WINDOW = { day: 7, hour: 3, updateTrack: "stable" } as const;
export const BACKUP_START_TIME = "02:00";

export interface DatabaseArgs {
    readonly settings: Settings;
    readonly networkId: pulumi.Input<string>;
    readonly privateServicesRangeName: pulumi.Input<string>;
    /** The SQL instance is created only after the peering exists (nothing else orders them). */
    readonly privateServicesConnection: pulumi.Resource;
    readonly provider: gcp.Provider;
}

export class Database extends pulumi.ComponentResource {
    readonly instance: gcp.sql.DatabaseInstance;
    readonly user: gcp.sql.User;
    readonly mainDatabase: gcp.sql.Database;
    /** Private IP. */
    readonly address: pulumi.Output<string>;
    readonly port: pulumi.Output<number>;
    readonly endpoint: pulumi.Output<string>;
    readonly username: string;
    /** Secret. */
    readonly password: pulumi.Output<string>;
    /** PEM of the instance's server CA: what a verify-ca/verify-full client trusts. */
    readonly serverCaCertificate: pulumi.Output<string>;

    constructor(name: string, args: DatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
        super("openzro:gcp:Database", name, {}, opts);
        const db = args.settings.database;
        const childOpts = { parent: this, provider: args.provider };
        const edition = cloudSqlEdition(db.instanceClass);

        const password = new random.RandomPassword(
            `${name}-db-user`,
            { length: 40, special: true, overrideSpecial: PASSWORD_SPECIALS, minLower: 2, minUpper: 2, minNumeric: 2, minSpecial: 1 },
            // Rotation is deliberate (docs/runbook.md: unprotect, --replace, protect again), never a side effect.
            { parent: this, ...irreplaceableSecretOptions(args.settings.protectResources) },
        );
        this.password = pulumi.secret(password.result);

        this.instance = new gcp.sql.DatabaseInstance(
            `${name}-db`,
            {
                // No fixed name: Cloud SQL reserves a deleted instance's name for days; auto-naming never collides.
                region: args.settings.region,
                databaseVersion: cloudSqlVersion(db.engineVersion),
                deletionProtection: db.deletionProtection,
                settings: {
                    tier: db.instanceClass,
                    edition,
                    availabilityType: db.multiAz ? "REGIONAL" : "ZONAL",
                    deletionProtectionEnabled: db.deletionProtection,
                    diskType: "PD_SSD",
                    diskSize: db.allocatedStorageGb,
                    diskAutoresize: true,
                    diskAutoresizeLimit: db.maxAllocatedStorageGb,
                    backupConfiguration: {
                        enabled: true,
                        // Required for REGIONAL, and it restarts the database if turned on later: set it at creation.
                        pointInTimeRecoveryEnabled: true,
                        startTime: BACKUP_START_TIME,
                        transactionLogRetentionDays: transactionLogRetentionDays(db.backupRetentionDays, edition),
                        backupRetentionSettings: { retainedBackups: db.backupRetentionDays, retentionUnit: "COUNT" },
                    },
                    ipConfiguration: {
                        ipv4Enabled: false,
                        privateNetwork: args.networkId,
                        allocatedIpRange: args.privateServicesRangeName,
                        sslMode: "ENCRYPTED_ONLY",
                        // The hosts verify the server (sslmode=verify-full against the private IP): the CAS-based CA
                        // issues server certificates that name the instance's IP addresses; the per-instance internal
                        // CA's certificates name only "<project>:<instance>".
                        serverCaMode: "GOOGLE_MANAGED_CAS_CA",
                    },
                    maintenanceWindow: { ...MAINTENANCE_WINDOW },
                    insightsConfig: { queryInsightsEnabled: db.performanceInsights },
                    // The closest to RDS's final snapshot: backups outlive the instance unless skipFinalSnapshot.
                    retainBackupsOnDelete: !db.skipFinalSnapshot,
                    userLabels: { component: "database" },
                },
            },
            { ...childOpts, protect: args.settings.protectResources, dependsOn: [args.privateServicesConnection] },
        );

        this.user = new gcp.sql.User(
            `${name}-db-user`,
            {
                instance: this.instance.name,
                name: db.username,
                password: this.password,
                // Postgres users that own objects cannot be deleted through the API; leave them with the instance.
                deletionPolicy: "ABANDON",
            },
            childOpts,
        );
        this.mainDatabase = new gcp.sql.Database(
            `${name}-db-main`,
            { instance: this.instance.name, name: DATABASE_NAMES.main, deletionPolicy: "ABANDON" },
            { ...childOpts, protect: args.settings.protectResources },
        );

        this.address = this.instance.privateIpAddress;
        this.port = pulumi.output(POSTGRES_PORT);
        this.endpoint = pulumi.interpolate`${this.address}:${POSTGRES_PORT}`;
        this.username = db.username;
        // Every CA certificate Cloud SQL lists (the current one and any upcoming one during rotation).
        this.serverCaCertificate = this.instance.serverCaCerts.apply((certs) => certs.map((c) => c.cert.trim()).filter((c) => c !== "").join("\n") + "\n");
        this.registerOutputs({ endpoint: this.endpoint, password: this.password, serverCaCertificate: this.serverCaCertificate });
    }
}
