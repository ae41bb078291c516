// PostgreSQL (Debian's) standing in for the managed database (TLS only, SCRAM passwords, on its own loopback
// address, a server certificate issued by a throwaway CA for the plan's database host name): the database
// bootstrap runs exactly as the db-bootstrap command ships it (the stdin payload built by the host layer's pure
// functions from the production plan, run with `bash -s`); libpq's PGHOSTADDR maps the plan's host name to the
// stand-in, so sslmode=verify-full checks the certificate against the real name. Then management's rendered
// DSNs connect as the application role.
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { loadHostScripts } from "../../components/host/bundle-scripts";
import { renderPayloadScript } from "../../components/host/bundle";
import { bootstrapPayload, databasesToCreate } from "../../components/host/converge";
import { DATABASE_APP_ROLE, DATABASE_NAMES } from "../../components/host/facts";
import type { RenderSecrets } from "../../components/host/files";
import { envFilePath } from "../../components/host/render";
import { parseEnvFile } from "./harness/envfile";
import { formatKeywordDsn, makeCa, parseKeywordDsn, psqlWithDsn, RunningPostgres, startPostgres } from "./harness/postgres";
import { ProcessGroup } from "./harness/processes";
import { makeWorkDir, removeWorkDir } from "./harness/workdir";
import { fileAt, loadFixture, StackFixture, throwawaySecrets } from "./support/fixture";

// Loading the production fixture evaluates the whole program: slow on a shared machine.
jest.setTimeout(300_000);

const DB_HOST = "127.0.40.11";
const UNREACHABLE = "127.0.40.99";

let fixture: StackFixture;
let workDir: string;
let group: ProcessGroup;
let secrets: RenderSecrets;
let pg: RunningPostgres;
let payload: string;
let dbName: string;
let impostorCa: string;

interface RunResult {
    readonly status: number;
    readonly stdout: string;
    readonly stderr: string;
}

/** `bash -s` with the payload on stdin, a clean environment plus `env` (what `sudo -n bash -s` gets). */
function runPayload(script: string, env: Record<string, string>): Promise<RunResult> {
    return new Promise((resolve, reject) => {
        const child = spawn("bash", ["-s"], {
            env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: workDir, TMPDIR: workDir, ...env },
            stdio: ["pipe", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (c) => (stdout += c));
        child.stderr.on("data", (c) => (stderr += c));
        const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
        child.on("error", reject);
        child.on("close", (code) => {
            clearTimeout(timer);
            resolve({ status: code ?? -1, stdout, stderr });
        });
        child.stdin.end(script);
    });
}

function databases(): string[] {
    return pg.adminSql("SELECT datname FROM pg_database ORDER BY datname").split("\n");
}

/** Everything the bootstrap may change: databases (oid, owner), the app role (attributes, password hash), memberships, table owners. */
function catalogue(): string {
    return [
        pg.adminSql("SELECT datname || ':' || oid || ':' || pg_get_userbyid(datdba) FROM pg_database ORDER BY datname"),
        pg.adminSql(`SELECT row(rolsuper, rolcreatedb, rolcreaterole, rolcanlogin, rolreplication, rolbypassrls, rolpassword)::text FROM pg_authid WHERE rolname = '${DATABASE_APP_ROLE}'`),
        pg.adminSql("SELECT row(roleid::regrole, member::regrole, admin_option)::text FROM pg_auth_members ORDER BY 1"),
        pg.adminSql("SELECT relname || ':' || pg_get_userbyid(relowner) FROM pg_class WHERE relnamespace = 'public'::regnamespace ORDER BY 1", fixture.topology.database.mainDatabase),
    ].join("\n");
}

/** The stand-in is reached by the plan's host name, mapped to its loopback address (libpq's hostaddr). */
const TO_STAND_IN = () => ({ OZ_DB_HOST: dbName, PGHOSTADDR: DB_HOST });

/** A DSN as rendered, reaching the stand-in by hostaddr (host stays the name verify-full checks), with the given CA file. */
function toStandIn(dsn: string, caFile: string, overrides: Record<string, string> = {}): string {
    return formatKeywordDsn({ ...parseKeywordDsn(dsn), hostaddr: DB_HOST, sslrootcert: caFile, ...overrides });
}

beforeAll(async () => {
    fixture = await loadFixture("production");
    workDir = makeWorkDir("postgres");
    group = new ProcessGroup(path.join(workDir, "logs"));
    secrets = throwawaySecrets();
    const db = fixture.topology.database;
    dbName = db.host;
    pg = await startPostgres(group, path.join(workDir, "pg"), {
        host: DB_HOST,
        port: db.port,
        masterUser: db.user,
        masterPassword: secrets.databasePassword,
        mainDatabase: db.mainDatabase,
        serverName: dbName,
    });
    impostorCa = makeCa(workDir, "some other CA").certFile;
    payload = renderPayloadScript(
        bootstrapPayload(
            fixture.settings,
            { ...db, serverCaPem: pg.caPem },
            { masterPassword: secrets.databasePassword, appPassword: secrets.databaseAppPassword },
            loadHostScripts(),
        ),
    );
    // What an earlier version of the program left behind: management ran as the master user and created its
    // tables (with a serial column: an owned sequence) in the main database.
    const main = fixture.topology.database.mainDatabase;
    pg.adminSql(`SET ROLE "${fixture.topology.database.user}"; CREATE TABLE accounts (id serial PRIMARY KEY, name text)`, main);
});

afterAll(async () => {
    await group?.stopAll();
    if (workDir) removeWorkDir(workDir);
});

describe("database bootstrap (scripts/host/bootstrap-db.sh via its stdin payload)", () => {
    test("creates the extra databases and the application role, and hands it management's databases and tables", async () => {
        const before = databases();
        const r = await runPayload(payload, TO_STAND_IN());
        expect(r.stderr).toBe("");
        expect(r.status).toBe(0);
        const created = databases().filter((d) => !before.includes(d));
        expect(created.sort()).toEqual(databasesToCreate(fixture.settings).sort());
        expect(created).toEqual(expect.arrayContaining([DATABASE_NAMES.activity, DATABASE_NAMES.flow]));
        expect(r.stdout).toContain(`created role ${DATABASE_APP_ROLE}`);
        for (const db of [DATABASE_NAMES.main, DATABASE_NAMES.activity, DATABASE_NAMES.flow]) {
            expect(pg.adminSql(`SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = '${db}'`)).toBe(DATABASE_APP_ROLE);
        }
        // The table and its sequence (and the primary key's index) now belong to the app role.
        expect(catalogue()).toContain(`accounts:${DATABASE_APP_ROLE}`);
        expect(catalogue()).toContain(`accounts_id_seq:${DATABASE_APP_ROLE}`);
        expect(pg.adminSql(`SELECT row(rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls, rolcanlogin)::text FROM pg_roles WHERE rolname = '${DATABASE_APP_ROLE}'`)).toBe("(f,f,f,f,f,t)");
        for (const secret of [secrets.databasePassword, secrets.databaseAppPassword]) {
            expect(r.stdout + r.stderr).not.toContain(secret);
        }
    });

    test("changes nothing on the second run (databases, role, password hash, memberships, owners)", async () => {
        const before = catalogue();
        const r = await runPayload(payload, TO_STAND_IN());
        expect(r.stderr).toBe("");
        expect(r.status).toBe(0);
        expect(r.stdout).toMatch(/no changes/);
        expect(catalogue()).toBe(before);
    });

    test("takes back privileges someone added to the role by hand", async () => {
        pg.adminSql(`ALTER ROLE ${DATABASE_APP_ROLE} CREATEDB CREATEROLE`);
        const r = await runPayload(payload, TO_STAND_IN());
        expect(r.status).toBe(0);
        expect(r.stdout).toContain(`removed extra privileges from ${DATABASE_APP_ROLE}`);
        expect(pg.adminSql(`SELECT row(rolcreatedb, rolcreaterole)::text FROM pg_roles WHERE rolname = '${DATABASE_APP_ROLE}'`)).toBe("(f,f)");
    });

    test("refuses a server whose certificate another CA signed (sslmode=verify-full), without leaking a password", async () => {
        const other = renderPayloadScript(
            bootstrapPayload(
                fixture.settings,
                { ...fixture.topology.database, serverCaPem: fs.readFileSync(impostorCa, "utf8") },
                { masterPassword: secrets.databasePassword, appPassword: secrets.databaseAppPassword },
                loadHostScripts(),
            ),
        );
        const r = await runPayload(other, { ...TO_STAND_IN(), OZ_DB_ATTEMPTS: "1" });
        expect(r.status).not.toBe(0);
        expect(r.stderr).toMatch(/certificate verify failed/);
        expect(r.stdout + r.stderr).not.toContain(secrets.databasePassword);
    });

    test("fails with a message naming the host when the server is unreachable", async () => {
        const r = await runPayload(payload, { OZ_DB_HOST: UNREACHABLE, OZ_DB_ATTEMPTS: "2", OZ_DB_RETRY_SECONDS: "1" });
        expect(r.status).not.toBe(0);
        expect(r.stderr).toContain(`${UNREACHABLE}:${fixture.topology.database.port}`);
        expect(r.stdout + r.stderr).not.toContain(secrets.databasePassword);
    });
});

describe("management's rendered DSNs (the plan's host name, mapped to the stand-in)", () => {
    const env = () => parseEnvFile(fileAt(fixture.controllerFiles(0, secrets), envFilePath(fixture.settings.hosts.osFamily, "openzro-management")).content);
    const mainDsn = () => env().OPENZRO_STORE_ENGINE_POSTGRES_DSN;

    test.each([
        ["OPENZRO_STORE_ENGINE_POSTGRES_DSN", DATABASE_NAMES.main],
        ["OZ_ACTIVITY_EVENT_POSTGRES_DSN", DATABASE_NAMES.activity],
        ["OPENZRO_FLOW_STORE_DSN", DATABASE_NAMES.flow],
    ])("%s connects to %s as the application role, verifying the server, and can create tables there", (variable, database) => {
        const dsn = env()[variable];
        expect(dsn).toBeDefined();
        expect(parseKeywordDsn(dsn)).toMatchObject({
            host: fixture.topology.database.host,
            user: DATABASE_APP_ROLE,
            sslmode: "verify-full",
            sslrootcert: "/etc/openzro/postgres-ca.pem",
            dbname: database,
        });
        const r = psqlWithDsn(
            toStandIn(dsn, pg.caFile),
            "CREATE TABLE IF NOT EXISTS oz_probe (x int); SELECT current_user || ' ' || current_database() || ' ' || ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
        );
        expect(r.stderr).toBe("");
        expect(r.stdout).toBe(`${DATABASE_APP_ROLE} ${database} true`);
    });

    test("the application role can neither create roles nor databases", () => {
        const createRole = psqlWithDsn(toStandIn(mainDsn(), pg.caFile), "CREATE ROLE oz_intruder");
        expect(createRole.status).not.toBe(0);
        expect(createRole.stderr).toMatch(/permission denied to create role/);
        const createDb = psqlWithDsn(toStandIn(mainDsn(), pg.caFile), "CREATE DATABASE oz_intruder");
        expect(createDb.status).not.toBe(0);
        expect(createDb.stderr).toMatch(/permission denied to create database/);
    });

    test("verify-full refuses a certificate from another CA", () => {
        const r = psqlWithDsn(toStandIn(mainDsn(), impostorCa), "SELECT 1");
        expect(r.status).not.toBe(0);
        expect(r.stderr).toMatch(/certificate verify failed/);
    });

    test("verify-full refuses a certificate that does not name the host connected to", () => {
        const r = psqlWithDsn(toStandIn(mainDsn(), pg.caFile, { host: "impostor.openzro.test" }), "SELECT 1");
        expect(r.status).not.toBe(0);
        expect(r.stderr).toMatch(/does not match host name "impostor\.openzro\.test"/);
    });

    test("control: the stand-in refuses connections without TLS, so the ones above used it", () => {
        const plain = toStandIn(mainDsn(), pg.caFile, { sslmode: "disable" });
        const r = psqlWithDsn(plain, "SELECT 1");
        expect(r.status).not.toBe(0);
        expect(r.stderr).toMatch(/no encryption/);
    });
});
