// Keyword-form libpq DSN (the form HELM uses; gorm's pgx driver and psql both accept it, spec §1.4). Values are
// single-quoted with ' and \ backslash-escaped whenever they hold anything but plain characters, so any
// database password survives.
export interface PostgresTarget {
    readonly host: string;
    readonly port: number;
    readonly dbname: string;
    readonly user: string;
    readonly password: string;
}

const PLAIN = /^[A-Za-z0-9_.:@/+-]+$/;

export function dsnValue(value: string): string {
    return PLAIN.test(value) ? value : `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}

/** TLS is required: RDS enforces rds.force_ssl, and the database is only reached over the VPC. */
export function postgresKeywordDsn(t: PostgresTarget): string {
    return [
        `host=${dsnValue(t.host)}`,
        `port=${t.port}`,
        `dbname=${dsnValue(t.dbname)}`,
        `user=${dsnValue(t.user)}`,
        `password=${dsnValue(t.password)}`,
        "sslmode=require",
    ].join(" ");
}
