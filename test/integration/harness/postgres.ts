// A real PostgreSQL 15 server (Debian package) standing in for the managed database: initdb into a temp dir,
// TCP on one 127.x address, TLS with a throwaway self-signed certificate, and password (SCRAM) authentication
// on TLS connections ONLY (pg_hba hostssl), like RDS with rds.force_ssl. The master user gets what an RDS
// master user has for our purposes (LOGIN, CREATEDB, CREATEROLE, not SUPERUSER) and owns the main database the
// cloud creates; everything else (activity, flow, dex) is up to the bootstrap script under test.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { assertLoopback } from "./addresses";
import { ProcessGroup, StartedProcess, waitForPort } from "./processes";

export interface PostgresOptions {
    readonly host: string;
    readonly port: number;
    readonly masterUser: string;
    readonly masterPassword: string;
    readonly mainDatabase: string;
    /** DNS name the server certificate is issued for (besides the IP address), as on a managed database. */
    readonly serverName?: string;
}

export interface RunningPostgres extends PostgresOptions {
    /** PEM of the throwaway CA that signed the server certificate (what the footprint hands over as serverCa). */
    readonly caPem: string;
    readonly caFile: string;
    readonly dir: string;
    readonly socketDir: string;
    readonly process: StartedProcess;
    /** Runs SQL as the postgres superuser over the unix socket; returns psql's unaligned output. */
    adminSql(sql: string, database?: string): string;
}

export function pgBinDir(): string {
    const base = "/usr/lib/postgresql";
    const versions = fs.existsSync(base) ? fs.readdirSync(base).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
    if (versions.length === 0) throw new Error("PostgreSQL server binaries not found under /usr/lib/postgresql (run test/integration/harness/install-deps.sh)");
    return path.join(base, versions[0], "bin");
}

function userIds(name: string): { uid: number; gid: number } {
    const uid = Number(execFileSync("id", ["-u", name]).toString().trim());
    const gid = Number(execFileSync("id", ["-g", name]).toString().trim());
    return { uid, gid };
}

/** Runs a command (optionally as another user); a failure carries the command's stderr. */
function run(cmd: string, args: readonly string[], as?: { uid: number; gid: number }): string {
    try {
        return execFileSync(cmd, args as string[], { uid: as?.uid, gid: as?.gid, stdio: ["ignore", "pipe", "pipe"] }).toString();
    } catch (err) {
        const e = err as { stderr?: Buffer };
        throw new Error(`${path.basename(cmd)} failed: ${e.stderr?.toString().trim() ?? String(err)}`);
    }
}

/** SQL string literal (standard_conforming_strings on). */
export function sqlLiteral(s: string): string {
    return `'${s.replace(/'/g, "''")}'`;
}

/** SQL identifier. */
export function sqlIdent(s: string): string {
    return `"${s.replace(/"/g, '""')}"`;
}

export async function startPostgres(group: ProcessGroup, dir: string, opts: PostgresOptions): Promise<RunningPostgres> {
    assertLoopback(opts.host);
    const bin = pgBinDir();
    const pg = userIds("postgres");
    const dataDir = path.join(dir, "data");
    const socketDir = path.join(dir, "sock");
    fs.mkdirSync(dir, { recursive: true });
    fs.chmodSync(dir, 0o755);
    for (const d of [dataDir, socketDir]) {
        fs.mkdirSync(d, { recursive: true });
        fs.chownSync(d, pg.uid, pg.gid);
        fs.chmodSync(d, 0o700);
    }
    fs.chmodSync(socketDir, 0o755);
    run(path.join(bin, "initdb"), ["-D", dataDir, "-U", "postgres", "--auth-local=peer", "--auth-host=reject", "-E", "UTF8", "--no-instructions"], pg);

    const key = path.join(dataDir, "server.key");
    const crt = path.join(dataDir, "server.crt");
    // A throwaway CA and a server certificate it signs, for the IP address and (when given) a DNS name, so
    // clients can verify it (sslmode=verify-full) exactly as they verify a managed database's certificate.
    const ca = makeCa(dir, "openzro test database CA");
    const csr = path.join(dir, "server.csr");
    const ext = path.join(dir, "server.ext");
    const names = [`IP:${opts.host}`, ...(opts.serverName ? [`DNS:${opts.serverName}`] : [])];
    fs.writeFileSync(ext, `subjectAltName=${names.join(",")}\nextendedKeyUsage=serverAuth\n`);
    run("openssl", ["req", "-new", "-newkey", "rsa:2048", "-nodes", "-subj", `/CN=${opts.serverName ?? opts.host}`, "-keyout", key, "-out", csr]);
    run("openssl", ["x509", "-req", "-in", csr, "-CA", ca.certFile, "-CAkey", ca.keyFile, "-CAcreateserial", "-days", "2", "-extfile", ext, "-out", crt]);
    for (const f of [key, crt]) fs.chownSync(f, pg.uid, pg.gid);
    fs.chmodSync(key, 0o600);

    fs.appendFileSync(
        path.join(dataDir, "postgresql.conf"),
        [
            "",
            `listen_addresses = ${sqlLiteral(opts.host)}`,
            `port = ${opts.port}`,
            `unix_socket_directories = ${sqlLiteral(socketDir)}`,
            "ssl = on",
            `ssl_cert_file = ${sqlLiteral(crt)}`,
            `ssl_key_file = ${sqlLiteral(key)}`,
            "password_encryption = 'scram-sha-256'",
            // A throwaway server: durability is not what is tested.
            "fsync = off",
            "synchronous_commit = off",
            "full_page_writes = off",
            "",
        ].join("\n"),
    );
    // Only the local superuser over the socket (to set up), and password auth over TLS from loopback.
    fs.writeFileSync(
        path.join(dataDir, "pg_hba.conf"),
        ["local all postgres peer", "hostssl all all 127.0.0.0/8 scram-sha-256", "hostnossl all all 0.0.0.0/0 reject", ""].join("\n"),
    );

    const proc = group.start(`postgres-${opts.host}`, path.join(bin, "postgres"), ["-D", dataDir], { uid: pg.uid, gid: pg.gid });
    await waitForPort(opts.host, opts.port, 20000, proc);

    const adminSql = (sql: string, database = "postgres"): string =>
        run("psql", ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", socketDir, "-p", String(opts.port), "-U", "postgres", "-d", database, "-c", sql], pg).trim();

    adminSql(`CREATE ROLE ${sqlIdent(opts.masterUser)} LOGIN CREATEDB CREATEROLE PASSWORD ${sqlLiteral(opts.masterPassword)}`);
    adminSql(`CREATE DATABASE ${sqlIdent(opts.mainDatabase)} OWNER ${sqlIdent(opts.masterUser)}`);
    return { ...opts, dir, socketDir, process: proc, adminSql, caPem: fs.readFileSync(ca.certFile, "utf8"), caFile: ca.certFile };
}

/** A self-signed CA in `dir` (key and certificate files). */
export function makeCa(dir: string, name: string): { certFile: string; keyFile: string } {
    const stem = path.join(dir, name.replace(/[^a-z0-9]+/gi, "-").toLowerCase());
    const certFile = `${stem}.crt`;
    const keyFile = `${stem}.key`;
    run("openssl", [
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", `/CN=${name}`,
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        "-keyout", keyFile, "-out", certFile,
    ]);
    fs.chmodSync(certFile, 0o644);
    return { certFile, keyFile };
}

export interface PsqlResult {
    readonly status: number;
    readonly stdout: string;
    readonly stderr: string;
}

/** psql with a libpq connection string (keyword or URI form), as the management binary's driver would connect. */
export function psqlWithDsn(dsn: string, sql: string, env: NodeJS.ProcessEnv = {}): PsqlResult {
    try {
        const stdout = execFileSync("psql", ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", dsn, "-c", sql], {
            // Keep any PG* variables of the caller's environment out: only the DSN may decide.
            env: { PATH: process.env.PATH, PGCONNECT_TIMEOUT: "5", ...env },
            stdio: ["ignore", "pipe", "pipe"],
        }).toString();
        return { status: 0, stdout: stdout.trim(), stderr: "" };
    } catch (err) {
        const e = err as { status?: number; stdout?: Buffer; stderr?: Buffer };
        return { status: e.status ?? 1, stdout: e.stdout?.toString().trim() ?? "", stderr: e.stderr?.toString().trim() ?? "" };
    }
}

/** Parses a libpq keyword/value connection string (values bare, or single-quoted with \' and \\ escapes). */
export function parseKeywordDsn(dsn: string): Record<string, string> {
    const out: Record<string, string> = {};
    let i = 0;
    const skipSpace = () => {
        while (i < dsn.length && /\s/.test(dsn[i])) i++;
    };
    while (true) {
        skipSpace();
        if (i >= dsn.length) return out;
        const eq = dsn.indexOf("=", i);
        if (eq < 0) throw new Error(`DSN: expected keyword=value at ${JSON.stringify(dsn.slice(i))}`);
        const key = dsn.slice(i, eq).trim();
        if (!/^[a-z_]+$/.test(key)) throw new Error(`DSN: bad keyword ${JSON.stringify(key)}`);
        i = eq + 1;
        skipSpace();
        let value = "";
        if (dsn[i] === "'") {
            i++;
            while (i < dsn.length && dsn[i] !== "'") {
                if (dsn[i] === "\\" && i + 1 < dsn.length) i++;
                value += dsn[i++];
            }
            if (dsn[i] !== "'") throw new Error("DSN: unterminated quoted value");
            i++;
        } else {
            while (i < dsn.length && !/\s/.test(dsn[i])) value += dsn[i++];
        }
        out[key] = value;
    }
}

/** Serialises keyword/value pairs, quoting every value (always valid libpq syntax). */
export function formatKeywordDsn(fields: Readonly<Record<string, string>>): string {
    return Object.entries(fields)
        .map(([k, v]) => `${k}='${v.replace(/[\\']/g, (c) => `\\${c}`)}'`)
        .join(" ");
}

/** The same DSN pointed at a stand-in host (everything else, sslmode included, unchanged). */
export function withDsnHost(dsn: string, host: string): string {
    const fields = parseKeywordDsn(dsn);
    if (!("host" in fields)) throw new Error("DSN has no host");
    return formatKeywordDsn({ ...fields, host: assertLoopback(host) });
}
