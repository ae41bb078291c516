// The stdin payload: what it unpacks on a host must be exactly the scripts, variables and files it was built from,
// in a private directory that is gone afterwards; the same input must give the same bytes.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
    Payload,
    PayloadFile,
    contentName,
    payloadEntries,
    renderManifest,
    redactionList,
    renderPayloadScript,
    renderVarsEnv,
    sha256Hex,
} from "../../components/host/bundle";
import { writePayloadDir } from "../../components/host/bundle-dir";

function bash(script: string, opts: { input?: string; env?: Record<string, string>; args?: string[] } = {}) {
    const r = spawnSync("bash", ["--norc", "--noprofile", "-c", script, "bash", ...(opts.args ?? [])], {
        input: opts.input,
        encoding: "utf8",
        env: { PATH: process.env.PATH ?? "/usr/bin:/bin", TMPDIR: opts.env?.TMPDIR ?? os.tmpdir(), ...opts.env },
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const file = (p: string, content: string, extra: Partial<PayloadFile> = {}): PayloadFile => ({
    path: p,
    mode: "0640",
    owner: "root",
    group: "openzro",
    units: ["openzro-management"],
    content,
    ...extra,
});

describe("renderVarsEnv", () => {
    const tricky: [string, string][] = [
        ["plain", "0.53.1"],
        ["spaces and list", "openzro-management openzro-signal"],
        ["dollar left for dnf", "https://pkg.openzro.io/rpm/$basearch"],
        ["quotes", `it's "quoted"`],
        ["backtick and backslash", "a`b\\c"],
        ["braces", "x}y{z"],
        ["empty", ""],
    ];

    it.each(tricky)("a sourced value comes back literally: %s", (_label, value) => {
        const r = bash(`set -eu; eval "$(cat)"; printf '%s' "$OZ_VALUE"`, { input: renderVarsEnv({ OZ_VALUE: value }) });
        expect(r.status).toBe(0);
        expect(r.stdout).toBe(value);
    });

    it("lets an environment variable of the same name win, even an empty one", () => {
        const vars = renderVarsEnv({ OZ_REPO_URL: "https://pkg.openzro.io/apt", OZ_SITE: "/etc/nginx/sites-enabled/default" });
        const r = bash(`set -eu; eval "$(cat)"; printf '%s|%s' "$OZ_REPO_URL" "$OZ_SITE"`, {
            input: vars,
            env: { OZ_REPO_URL: "http://127.0.0.1:8080/apt", OZ_SITE: "" },
        });
        expect(r.stdout).toBe("http://127.0.0.1:8080/apt|");
    });

    it("writes variables in name order, so the output does not depend on insertion order", () => {
        expect(renderVarsEnv({ OZ_B: "2", OZ_A: "1" })).toBe(renderVarsEnv({ OZ_A: "1", OZ_B: "2" }));
    });

    it.each([
        [{ PATH: "/tmp" }, /variable name must match/],
        [{ OZ_lower: "x" }, /variable name must match/],
        [{ OZ_X: "two\nlines" }, /OZ_X must be one line/],
    ])("rejects %j", (vars, message) => {
        expect(() => renderVarsEnv(vars)).toThrow(message);
    });
});

describe("renderManifest", () => {
    it("has one tab-separated line per file, sorted by path, with '-' for no units", () => {
        const manifest = renderManifest([
            file("/etc/openzro/management.json", "{}"),
            file("/etc/openzro-dashboard.env", "A=1", { units: [], mode: "0640", group: "root" }),
            file("/etc/nginx/conf.d/openzro.conf", "server {}", { units: ["nginx"], mode: "0644", group: "root" }),
        ]);
        expect(manifest.split("\n").filter(Boolean).map((l) => l.split("\t"))).toEqual([
            ["/etc/nginx/conf.d/openzro.conf", "0644", "root", "root", "nginx", "files/0001"],
            ["/etc/openzro-dashboard.env", "0640", "root", "root", "-", "files/0002"],
            ["/etc/openzro/management.json", "0640", "root", "openzro", "openzro-management", "files/0003"],
        ]);
    });

    it.each([
        ["a relative path", file("etc/x", "")],
        ["a path with a tab", file("/etc/x\ty", "")],
        ["a path with ..", file("/etc/../x", "")],
        ["a non-octal mode", file("/etc/x", "", { mode: "rw-r-----" })],
        ["an owner with a space", file("/etc/x", "", { owner: "a b" })],
        ["a unit with a slash", file("/etc/x", "", { units: ["../nginx"] })],
    ])("rejects %s", (_label, bad) => {
        expect(() => renderManifest([bad])).toThrow(/^host payload: /);
    });

    it("rejects two files for one path", () => {
        expect(() => renderManifest([file("/etc/x", "a"), file("/etc/x", "b")])).toThrow(/two files for the same path/);
    });
});

describe("renderPayloadScript", () => {
    // An entrypoint that reports what it sees: its arguments, its stdin, the dir's files, modes and contents.
    const inspect = [
        "#!/usr/bin/env bash",
        "set -euo pipefail",
        'd="$1"; shift',
        'printf "args=%s\\n" "$*"',
        'printf "stdin=%s\\n" "$(cat)"',
        'printf "dirmode=%s\\n" "$(stat -c %a "$d")"',
        'printf "dir=%s\\n" "$d"',
        '(cd "$d" && find . -type f | sort | while read -r f; do printf "file=%s mode=%s sha=%s\\n" "$f" "$(stat -c %a "$f")" "$(sha256sum < "$f" | cut -c1-64)"; done)',
    ].join("\n");
    const payload: Payload = {
        entrypoint: "inspect.sh",
        scripts: { "inspect.sh": inspect, "lib/common.sh": "# shared\n" },
        vars: { OZ_VERSION: "0.53.1", OZ_ROLE: "controller" },
        files: [
            file("/etc/openzro/management.json", '{"Relay":{"Secret":"s3cr3t-relay"}}\n'),
            file("/etc/empty", ""),
            // A line equal to the heredoc terminator inside a file must not end the heredoc early.
            file("/etc/tricky", "OZ_PAYLOAD_EOF\n'quotes' $HOME `cmd` \\ \u00e9\u4e2d\n", { units: [] }),
        ],
        secrets: { "db-password": "p@ss:w\\rd" },
        timeLimitSeconds: 60,
    };

    it("unpacks exactly the payload entries into a private dir, runs the entrypoint with empty stdin, then removes the dir", () => {
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "oz-bundle-"));
        try {
            const r = bash(renderPayloadScript(payload), { args: ["create", "extra"], env: { TMPDIR: tmp } });
            expect(r.stderr).toBe("");
            expect(r.status).toBe(0);
            const lines = r.stdout.trim().split("\n");
            expect(lines).toContain("args=create extra");
            expect(lines).toContain("stdin=");
            expect(lines).toContain("dirmode=700");
            const expected = payloadEntries(payload)
                .map((e) => `file=./${e.path} mode=${e.mode.toString(8)} sha=${sha256Hex(e.content)}`)
                .sort();
            expect(lines.filter((l) => l.startsWith("file="))).toEqual(expected);
            // The dir it ran in is gone, and nothing else is left behind in TMPDIR.
            const dir = lines.find((l) => l.startsWith("dir="))!.slice(4);
            expect(dir.startsWith(tmp)).toBe(true);
            expect(fs.existsSync(dir)).toBe(false);
            expect(fs.readdirSync(tmp)).toEqual([]);
        } finally {
            fs.rmSync(tmp, { recursive: true, force: true });
        }
    });

    it("passes the entrypoint's failure on and still removes the dir", () => {
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "oz-bundle-"));
        try {
            const failing: Payload = { ...payload, scripts: { "inspect.sh": "echo failing >&2; exit 7" } };
            const r = bash(renderPayloadScript(failing), { env: { TMPDIR: tmp } });
            expect(r.status).toBe(7);
            expect(r.stderr).toContain("failing");
            expect(fs.readdirSync(tmp)).toEqual([]);
        } finally {
            fs.rmSync(tmp, { recursive: true, force: true });
        }
    });

    it("masks every secret value in a failing run's stdout and stderr, each on its own stream", () => {
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "oz-bundle-"));
        try {
            const secret = "Zq8-relay-secret-\\value/with$chars";
            const dbPassword = "pw-from-the-secrets-dir";
            const leaking: Payload = {
                ...payload,
                scripts: {
                    // Prints the secrets the way a failing service's journal might: bare, inside JSON, twice on a line.
                    "inspect.sh": [
                        'printf \'{"Secret":"%s"} and again %s\\n\' "$OZ_SECRET_JSON" "$OZ_SECRET"',
                        'echo "DSN password=$(cat "$1/secrets/db-password") host=db" >&2',
                        'echo "multi: line-two-of-the-key" >&2',
                        "exit 5",
                    ].join("\n"),
                },
                secrets: { "db-password": dbPassword },
                redact: [secret, "-----BEGIN KEY-----\nline-two-of-the-key\n-----END KEY-----"],
            };
            const r = bash(renderPayloadScript(leaking), {
                env: { TMPDIR: tmp, OZ_SECRET: secret, OZ_SECRET_JSON: JSON.stringify(secret).slice(1, -1) },
            });
            expect(r.status).toBe(5);
            expect(r.stdout).toBe('{"Secret":"[secret]"} and again [secret]\n');
            expect(r.stderr).toBe("DSN password=[secret] host=db\nmulti: [secret]\n");
            for (const text of [r.stdout, r.stderr]) {
                expect(text).not.toContain(dbPassword);
                expect(text).not.toContain("relay-secret");
            }
            expect(fs.readdirSync(tmp)).toEqual([]);
        } finally {
            fs.rmSync(tmp, { recursive: true, force: true });
        }
    });

    it("lists values longest first, with lines of multi-line values and JSON-escaped forms, and skips short ones", () => {
        expect(redactionList(['ab"cdef', "x1", "line-one\nline-2-long"])).toEqual([
            "line-one\\nline-2-long",
            "line-2-long",
            'ab\\"cdef',
            "line-one",
            'ab"cdef',
        ]);
    });

    it("stops a run at its time limit, with its children, and says so", () => {
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "oz-bundle-"));
        try {
            const marker = path.join(tmp, "child-survived");
            const slow: Payload = {
                ...payload,
                scripts: { "inspect.sh": `echo started; (sleep 2; touch ${marker}) & sleep 30; echo never` },
                timeLimitSeconds: 1,
            };
            const r = bash(renderPayloadScript(slow), { env: { TMPDIR: tmp } });
            expect(r.status).toBe(124);
            expect(r.stdout).toBe("started\n");
            expect(r.stderr).toContain("openzro: ERROR: inspect.sh ran longer than its limit of 1s and was stopped");
            // The background child was in the same process group and was stopped too.
            spawnSync("sleep", ["3"]);
            expect(fs.existsSync(marker)).toBe(false);
        } finally {
            fs.rmSync(tmp, { recursive: true, force: true });
        }
    });

    it("rejects a payload without a positive whole-second limit", () => {
        expect(() => renderPayloadScript({ ...payload, timeLimitSeconds: 0 })).toThrow(/timeLimitSeconds/);
    });

    it("runs nothing when the stream is cut short", () => {
        const script = renderPayloadScript({ ...payload, scripts: { "inspect.sh": "echo RAN" } });
        const truncated = script.slice(0, script.lastIndexOf("oz_payload_main"));
        const r = bash(truncated);
        expect(r.stdout).not.toContain("RAN");
    });

    it("is byte-identical for the same input, and differs when only a secret differs", () => {
        const again = JSON.parse(JSON.stringify(payload)) as Payload;
        expect(renderPayloadScript(again)).toBe(renderPayloadScript(payload));
        const rotated = { ...payload, secrets: { "db-password": "another" } };
        expect(renderPayloadScript(rotated)).not.toBe(renderPayloadScript(payload));
    });

    it("does not depend on the order the renderer listed the files in", () => {
        const reversed = { ...payload, files: [...payload.files].reverse() };
        expect(renderPayloadScript(reversed)).toBe(renderPayloadScript(payload));
    });

    it("rejects an entrypoint that is not among the scripts", () => {
        expect(() => renderPayloadScript({ ...payload, entrypoint: "converge.sh" })).toThrow(/entrypoint is not among the scripts/);
    });
});

describe("writePayloadDir", () => {
    it("lays out the same entries the stdin script unpacks", () => {
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "oz-bundle-dir-"));
        try {
            const payload: Payload = {
                entrypoint: "converge.sh",
                scripts: { "converge.sh": "true\n" },
                vars: { OZ_ROLE: "relay" },
                files: [file("/etc/default/openzro-relay", "OZ_AUTH_SECRET=x\n")],
                timeLimitSeconds: 60,
            };
            writePayloadDir(tmp, payload);
            expect(fs.readFileSync(path.join(tmp, contentName(0)), "utf8")).toBe("OZ_AUTH_SECRET=x\n");
            expect(fs.readFileSync(path.join(tmp, "manifest.tsv"), "utf8")).toBe(renderManifest(payload.files));
            expect(fs.statSync(path.join(tmp, "vars.env")).mode & 0o777).toBe(0o600);
            expect(fs.statSync(path.join(tmp, "scripts/converge.sh")).mode & 0o777).toBe(0o700);
        } finally {
            fs.rmSync(tmp, { recursive: true, force: true });
        }
    });
});
