// PostgreSQL 15 standing in for the managed database (TLS only, SCRAM passwords, on its own loopback address):
// the database bootstrap runs exactly as the db-bootstrap command ships it (the stdin payload built by the host
// layer's pure functions from the production plan, run with `bash -s`), with only the database host pointed at
// the stand-in through the payload's documented environment override; then management's rendered DSNs connect.
import { spawn } from "child_process";
import * as path from "path";
import { loadHostScripts } from "../../components/host/bundle-scripts";
import { renderPayloadScript } from "../../components/host/bundle";
import { bootstrapPayload, databasesToCreate } from "../../components/host/converge";
import { DATABASE_NAMES } from "../../components/host/facts";
import type { RenderSecrets } from "../../components/host/files";
import { envFilePath } from "../../components/host/render";
import { parseEnvFile } from "../../scripts/integration/envfile";
import { formatKeywordDsn, parseKeywordDsn, psqlWithDsn, RunningPostgres, startPostgres, withDsnHost } from "../../scripts/integration/postgres";
import { ProcessGroup } from "../../scripts/integration/processes";
import { makeWorkDir, removeWorkDir } from "../../scripts/integration/workdir";
import { fileAt, loadFixture, StackFixture, throwawaySecrets } from "./support/fixture";

jest.setTimeout(60_000);

const DB_HOST = "127.0.40.11";
const UNREACHABLE = "127.0.40.99";

let fixture: StackFixture;
let workDir: string;
let group: ProcessGroup;
let secrets: RenderSecrets;
let pg: RunningPostgres;
let payload: string;

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

beforeAll(async () => {
    fixture = await loadFixture("production");
    workDir = makeWorkDir("postgres");
    group = new ProcessGroup(path.join(workDir, "logs"));
    secrets = throwawaySecrets();
    const db = fixture.topology.database;
    pg = await startPostgres(group, path.join(workDir, "pg"), {
        host: DB_HOST,
        port: db.port,
        masterUser: db.user,
        masterPassword: secrets.databasePassword,
        mainDatabase: db.mainDatabase,
    });
    payload = renderPayloadScript(bootstrapPayload(fixture.settings, db, secrets.databasePassword, loadHostScripts()));
});

afterAll(async () => {
    await group?.stopAll();
    if (workDir) removeWorkDir(workDir);
});

describe("database bootstrap (scripts/host/bootstrap-db.sh via its stdin payload)", () => {
    test("creates the extra databases on the first run", async () => {
        const before = databases();
        const r = await runPayload(payload, { OZ_DB_HOST: DB_HOST });
        expect(r.stderr).toBe("");
        expect(r.status).toBe(0);
        const created = databases().filter((d) => !before.includes(d));
        expect(created.sort()).toEqual(databasesToCreate(fixture.settings).sort());
        expect(created).toEqual(expect.arrayContaining([DATABASE_NAMES.activity, DATABASE_NAMES.flow]));
        expect(r.stdout + r.stderr).not.toContain(secrets.databasePassword);
    });

    test("changes nothing on the second run", async () => {
        const oids = pg.adminSql("SELECT datname || ':' || oid FROM pg_database ORDER BY datname");
        const r = await runPayload(payload, { OZ_DB_HOST: DB_HOST });
        expect(r.status).toBe(0);
        expect(r.stdout).toMatch(/no changes/);
        expect(pg.adminSql("SELECT datname || ':' || oid FROM pg_database ORDER BY datname")).toBe(oids);
    });

    test("fails with a message naming the host when the server is unreachable", async () => {
        const r = await runPayload(payload, { OZ_DB_HOST: UNREACHABLE, OZ_DB_ATTEMPTS: "2", OZ_DB_RETRY_SECONDS: "1" });
        expect(r.status).not.toBe(0);
        expect(r.stderr).toContain(`${UNREACHABLE}:${fixture.topology.database.port}`);
        expect(r.stdout + r.stderr).not.toContain(secrets.databasePassword);
    });
});

describe("management's rendered DSNs (host mapped to the stand-in)", () => {
    const env = () => parseEnvFile(fileAt(fixture.controllerFiles(0, secrets), envFilePath(fixture.settings.hosts.osFamily, "openzro-management")).content);

    test.each([
        ["OPENZRO_STORE_ENGINE_POSTGRES_DSN", DATABASE_NAMES.main],
        ["OZ_ACTIVITY_EVENT_POSTGRES_DSN", DATABASE_NAMES.activity],
        ["OPENZRO_FLOW_STORE_DSN", DATABASE_NAMES.flow],
    ])("%s connects to %s over TLS with the password as rendered", (variable, database) => {
        const dsn = env()[variable];
        expect(dsn).toBeDefined();
        expect(parseKeywordDsn(dsn)).toMatchObject({ host: fixture.topology.database.host, sslmode: "require", dbname: database });
        const r = psqlWithDsn(withDsnHost(dsn, DB_HOST), "SELECT current_database() || ' ' || ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
        expect(r.stderr).toBe("");
        expect(r.stdout).toBe(`${database} true`);
    });

    test("control: the stand-in refuses connections without TLS, so the ones above used it", () => {
        const dsn = parseKeywordDsn(env().OPENZRO_STORE_ENGINE_POSTGRES_DSN);
        const plain = withDsnHost(formatKeywordDsn({ ...dsn, sslmode: "disable" }), DB_HOST);
        const r = psqlWithDsn(plain, "SELECT 1");
        expect(r.status).not.toBe(0);
        expect(r.stderr).toMatch(/no encryption/);
    });
});
