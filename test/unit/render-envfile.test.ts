// Env files must mean the same thing to systemd (EnvironmentFile=) and to bash (render-env.sh sources the
// dashboard's). Round-trip awkward values through both readers.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dsnValue, postgresKeywordDsn, quoteEnvValue, renderEnvFile } from "../../components/host/render";
import { parseEnvFile, parseKeywordDsn } from "./render-fixtures";

const AWKWARD = [
    "plain",
    "with space",
    `dq"inside`,
    "sq'inside",
    "back\\slash",
    "dollar$HOME and ${PATH}",
    "back`tick`",
    "hash # not a comment",
    "~tilde",
    "semi;colon&amp|pipe",
    "trailing space ",
    " leading space",
    "=equals=",
    "ünïcødé ✓",
    "",
];

describe("env file quoting", () => {
    test.each(AWKWARD.map((v) => [v]))("systemd reads back %j unchanged", (value) => {
        const env = parseEnvFile(renderEnvFile([], [["VALUE", value]]));
        expect(env.get("VALUE")).toBe(value);
    });

    test("bash (how render-env.sh loads the dashboard env) reads back every value unchanged", () => {
        const dir = mkdtempSync(join(tmpdir(), "render-env-"));
        try {
            const path = join(dir, "env");
            writeFileSync(path, renderEnvFile(["comment line"], AWKWARD.map((v, i) => [`V${i}`, v] as const)));
            // Same loading as render-env.sh: set -a; . FILE; then print each value NUL-terminated.
            const out = execFileSync("bash", ["-c", `set -euo pipefail; set -a; . "$1"; set +a; for i in $(seq 0 ${AWKWARD.length - 1}); do n="V$i"; printf '%s\\0' "\${!n}"; done`, "bash", path]);
            expect(out.toString("utf8").split("\0").slice(0, -1)).toEqual(AWKWARD);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });

    test("values with line breaks or NUL are refused with a one-line error naming the variable", () => {
        for (const bad of ["a\nb", "a\rb", "a\0b"]) {
            expect(() => quoteEnvValue("SOME_VAR", bad)).toThrow(/^SOME_VAR: env values must be one line without NUL \(got .*\); /);
            try {
                quoteEnvValue("SOME_VAR", bad);
            } catch (e) {
                expect((e as Error).message).not.toMatch(/\n/);
            }
        }
    });

    test("a variable name that is not a shell identifier, or rendered twice, is refused", () => {
        expect(() => renderEnvFile([], [["1BAD", "x"]])).toThrow(/invalid variable name/);
        expect(() => renderEnvFile([], [["A", "x"], ["A", "y"]])).toThrow(/rendered twice/);
    });
});

describe("libpq keyword DSN", () => {
    test.each([`p@ss w'o"rd\\$x`, "simple", "", "a b", "'"])("password %j survives the DSN quoting", (password) => {
        const dsn = postgresKeywordDsn({ host: "db.example.net", port: 5432, dbname: "openzro", user: "u", password, rootCert: "/etc/openzro/postgres-ca.pem" });
        expect(parseKeywordDsn(dsn)).toEqual({
            host: "db.example.net",
            port: "5432",
            dbname: "openzro",
            user: "u",
            password,
            sslmode: "verify-full",
            sslrootcert: "/etc/openzro/postgres-ca.pem",
        });
    });

    test("plain values stay unquoted, readable", () => {
        expect(dsnValue("openzro_activity")).toBe("openzro_activity");
        expect(dsnValue("x y")).toBe("'x y'");
    });
});
