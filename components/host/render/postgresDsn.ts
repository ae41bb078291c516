// Keyword-form libpq DSN (the form HELM uses; gorm's pgx driver and psql both accept it, spec §1.4). Values are
// single-quoted with ' and \ backslash-escaped whenever they hold anything but plain characters, so any
// database password survives.
export interface PostgresTarget {
    readonly host: string;
    readonly port: number;
    readonly dbname: string;
    readonly user: string;
    readonly password: string;
    /** PEM file of the CA(s) that sign the server certificate. */
    readonly rootCert: string;
}

const PLAIN = /^[A-Za-z0-9_.:@/+-]+$/;

export function dsnValue(value: string): string {
    return PLAIN.test(value) ? value : `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}

/**
 * TLS with server verification: sslmode=verify-full checks the chain against `rootCert` and that the
 * certificate names `host` (libpq and pgx alike), so a machine in the path cannot pose as the database.
 */
export function postgresKeywordDsn(t: PostgresTarget): string {
    return [
        `host=${dsnValue(t.host)}`,
        `port=${t.port}`,
        `dbname=${dsnValue(t.dbname)}`,
        `user=${dsnValue(t.user)}`,
        `password=${dsnValue(t.password)}`,
        "sslmode=verify-full",
        `sslrootcert=${dsnValue(t.rootCert)}`,
    ].join(" ");
}
