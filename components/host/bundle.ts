// The payload a remote command feeds to `sudo -n bash -s` on stdin: one self-contained bash script that unpacks
// the host scripts, a manifest of files and the variables into a private temp dir, runs the entry script on it
// and removes the dir on exit. Nothing secret ever reaches a command line (visible in `ps`); secrets travel only
// inside stdin and land in 0600 files of a 0700 dir.
//
// Pure: the same input gives byte-identical output (no timestamps, no randomness, sorted where order is free),
// so a second `pulumi up` sees no diff and re-runs nothing. docs/hosts.md ("Payload directory") documents the
// layout for anyone running converge.sh directly.
import { createHash } from "crypto";

/** One file the host must end up with. `units` are the systemd units restarted when it changes. */
export interface PayloadFile {
    readonly path: string;
    readonly mode: string;
    readonly owner: string;
    readonly group: string;
    readonly units: readonly string[];
    readonly content: string;
}

export interface Payload {
    /** Script run as `bash scripts/<entrypoint> <payload-dir> <args...>`; must be a key of `scripts`. */
    readonly entrypoint: string;
    /** Relative path under scripts/ → content (e.g. "converge.sh", "lib/common.sh"). */
    readonly scripts: Readonly<Record<string, string>>;
    /** Non-secret settings, written to vars.env. Names OZ_[A-Z0-9_]+. */
    readonly vars: Readonly<Record<string, string>>;
    /** Written to manifest.tsv + files/NNNN. */
    readonly files: readonly PayloadFile[];
    /** Secret inputs a script reads (e.g. "db-password"), written to secrets/<name>. */
    readonly secrets?: Readonly<Record<string, string>>;
    /**
     * Secret values that must never leave the host in the command's output (see redactionList). The payload's
     * own `secrets` are always added. Written to the 0600 file `redact`, never to a command line.
     */
    readonly redact?: readonly string[];
    /**
     * Whole-run limit: the entry script (and everything it started) is stopped after this many seconds.
     * Pulumi's customTimeouts do not stop a running remote command, so every payload bounds itself.
     */
    readonly timeLimitSeconds: number;
}

/**
 * The lines of the `redact` file: every value, each line of a multi-line value, and the JSON-escaped form where
 * it differs (values inside management.json). Sorted and unique, so the payload stays byte-stable.
 */
export function redactionList(values: readonly string[]): string[] {
    const out = new Set<string>();
    for (const value of values) {
        for (const form of [value, JSON.stringify(value).slice(1, -1)]) {
            for (const line of form.split(/\r?\n/)) {
                if (line.length >= MIN_REDACTED_LENGTH) out.add(line);
            }
        }
    }
    // Longest first: a shorter secret inside a longer one must not break the longer one's match.
    return [...out].sort((a, b) => b.length - a.length || (a < b ? -1 : a > b ? 1 : 0));
}

/** A file inside the payload dir: relative path, content, octal mode. */
export interface PayloadEntry {
    readonly path: string;
    readonly content: string;
    readonly mode: number;
}

const VAR_NAME = /^OZ_[A-Z0-9_]+$/;
const SCRIPT_PATH = /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*\.sh$/;
const SECRET_NAME = /^[a-z0-9-]+$/;
const OCTAL_MODE = /^0?[0-7]{3,4}$/;
const ACCOUNT = /^[a-z_][a-z0-9_-]*$/;
const UNIT = /^[A-Za-z0-9@_.-]+$/;
/** Secret values shorter than this are not masked: they would mask ordinary words. Ours are all far longer. */
export const MIN_REDACTED_LENGTH = 6;
/** What a masked value becomes in the output. */
export const REDACTION_MARK = "[secret]";

/** Heredoc terminator: '_' is outside the base64 alphabet, so no encoded line can equal it. */
const EOF_MARK = "OZ_PAYLOAD_EOF";

export function sha256Hex(text: string): string {
    return createHash("sha256").update(text, "utf8").digest("hex");
}

/** Single-quoted for bash: the value is taken literally (no expansion of $, `, \). */
export function shellQuote(value: string): string {
    return `'${value.replace(/'/g, `'\\''`)}'`;
}

function fail(what: string, got: string, fix: string): never {
    throw new Error(`host payload: ${what} (got ${JSON.stringify(got)}); ${fix}`);
}

/**
 * vars.env: `[ -n "${OZ_X+set}" ] || OZ_X='value'` lines. A variable already in the environment wins (even
 * when empty), so a test or an operator debugging a host can override any value, e.g. OZ_REPO_URL for a local
 * package repository. `sudo` resets the environment, so on a real host the payload's values apply.
 */
export function renderVarsEnv(vars: Readonly<Record<string, string>>): string {
    const lines = ["# openZro host variables (generated; not secret). Environment variables of the same name win."];
    for (const name of Object.keys(vars).sort()) {
        if (!VAR_NAME.test(name)) fail("variable name must match OZ_[A-Z0-9_]+", name, "rename it");
        const value = vars[name];
        if (/[\n\r\0]/.test(value)) fail(`${name} must be one line`, value, "remove the line break");
        lines.push(`[ -n "\${${name}+set}" ] || ${name}=${shellQuote(value)}`);
    }
    return `${lines.join("\n")}\n`;
}

function validateFile(f: PayloadFile): void {
    if (!f.path.startsWith("/") || /[\t\n\r\0]/.test(f.path) || f.path.split("/").includes("..")) {
        fail("file path must be absolute without tabs, newlines or '..'", f.path, "fix the renderer that produced it");
    }
    if (!OCTAL_MODE.test(f.mode)) fail(`mode of ${f.path} must be octal like 0640`, f.mode, "fix the renderer");
    if (!ACCOUNT.test(f.owner)) fail(`owner of ${f.path} is not a user name`, f.owner, "fix the renderer");
    if (!ACCOUNT.test(f.group)) fail(`group of ${f.path} is not a group name`, f.group, "fix the renderer");
    for (const u of f.units) if (!UNIT.test(u)) fail(`unit restarted by ${f.path} is not a unit name`, u, "fix the renderer");
}

/** Files sorted by path (their order carries no meaning), with duplicates rejected. */
export function sortedFiles(files: readonly PayloadFile[]): PayloadFile[] {
    const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    for (let i = 1; i < sorted.length; i++) {
        if (sorted[i].path === sorted[i - 1].path) {
            fail("two files for the same path", sorted[i].path, "a renderer emits it twice; keep one");
        }
    }
    sorted.forEach(validateFile);
    return sorted;
}

/** Name of the i-th file's content inside the payload dir. */
export function contentName(i: number): string {
    return `files/${String(i + 1).padStart(4, "0")}`;
}

/** manifest.tsv: path, mode, owner, group, units (comma list or -), content file; one line per file. */
export function renderManifest(files: readonly PayloadFile[]): string {
    return sortedFiles(files)
        .map((f, i) => [f.path, f.mode, f.owner, f.group, f.units.length ? f.units.join(",") : "-", contentName(i)].join("\t") + "\n")
        .join("");
}

/** Every file of the payload dir (relative path, content, mode), in a stable order. */
export function payloadEntries(p: Payload): PayloadEntry[] {
    if (!(p.entrypoint in p.scripts)) fail("entrypoint is not among the scripts", p.entrypoint, "add the script");
    const entries: PayloadEntry[] = [];
    for (const name of Object.keys(p.scripts).sort()) {
        if (!SCRIPT_PATH.test(name)) fail("script path must be relative and end in .sh", name, "rename it");
        entries.push({ path: `scripts/${name}`, content: p.scripts[name], mode: 0o700 });
    }
    entries.push({ path: "vars.env", content: renderVarsEnv(p.vars), mode: 0o600 });
    const files = sortedFiles(p.files);
    entries.push({ path: "manifest.tsv", content: renderManifest(files), mode: 0o600 });
    files.forEach((f, i) => entries.push({ path: contentName(i), content: f.content, mode: 0o600 }));
    for (const name of Object.keys(p.secrets ?? {}).sort()) {
        if (!SECRET_NAME.test(name)) fail("secret name must be lowercase letters, digits and hyphens", name, "rename it");
        entries.push({ path: `secrets/${name}`, content: (p.secrets ?? {})[name], mode: 0o600 });
    }
    const redact = redactionList([...(p.redact ?? []), ...Object.values(p.secrets ?? {})]);
    entries.push({ path: "redact", content: redact.map((v) => `${v}\n`).join(""), mode: 0o600 });
    return entries;
}

function base64Lines(content: string): string {
    const b64 = Buffer.from(content, "utf8").toString("base64");
    const lines: string[] = [];
    for (let i = 0; i < b64.length; i += 76) lines.push(b64.slice(i, i + 76));
    return lines.join("\n");
}

/** Seconds between the stop signal and SIGKILL when a run exceeds its limit. */
export const KILL_AFTER_SECONDS = 30;

/**
 * Runs the entry script under `timeout` (the whole process group is signalled) and passes its stdout and stderr,
 * each on its own stream, through a literal-string filter that replaces every line of `redact` with
 * REDACTION_MARK. Whatever reaches Pulumi (the streamed log, the stdout/stderr outputs, and the error text,
 * which pulumi-command fills with the whole output whatever `logging` says) has been masked on the host.
 */
function runLines(p: Payload): string[] {
    const limit = p.timeLimitSeconds;
    if (!Number.isInteger(limit) || limit < 1) fail("timeLimitSeconds must be a whole number of seconds >= 1", String(limit), "fix the payload builder");
    const entry = shellQuote(p.entrypoint);
    return [
        "    oz_payload_redact() {",
        "        # Secrets come from the 0600 file, never from a command line; output is flushed line by line.",
        `        awk -v mark=${shellQuote(REDACTION_MARK)} 'FILENAME == ARGV[1] { s[++n] = $0; next }`,
        "            { line = $0",
        "              for (i = 1; i <= n; i++) { out = \"\"; while ((p = index(line, s[i])) > 0) { out = out substr(line, 1, p - 1) mark; line = substr(line, p + length(s[i])) } line = out line }",
        "              print line; fflush() }' \"$d/redact\" -",
        "    }",
        "    local rc=0",
        "    { { timeout --kill-after=" + KILL_AFTER_SECONDS + " " + limit + ` bash "$d/scripts/"${entry} "$d" "$@" </dev/null 2>&1 1>&3 3>&- || echo "$?" >"$d/rc"; } | oz_payload_redact >&2; } 3>&1 | oz_payload_redact`,
        '    [ ! -f "$d/rc" ] || rc="$(cat "$d/rc")"',
        '    if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then',
        `        echo "openzro: ERROR: "${entry}" ran longer than its limit of ${limit}s and was stopped; see docs/runbook.md (\"A command hit its time limit\")" >&2`,
        "    fi",
        '    return "$rc"',
    ];
}

/**
 * The stdin script. Everything runs inside a function that is called on the last line, so bash has read the
 * whole payload before anything executes: a truncated transfer runs nothing, and the entry script (and every
 * command it starts) sees an empty stdin instead of the rest of the payload.
 */
export function renderPayloadScript(p: Payload): string {
    const entries = payloadEntries(p);
    const dirs = [...new Set(entries.map((e) => e.path.split("/").slice(0, -1).join("/")).filter((d) => d !== ""))].sort();
    const out: string[] = [
        "#!/usr/bin/env bash",
        `# openZro host payload (${p.entrypoint}); generated. Unpacks into a private temp dir removed on exit.`,
        "set -euo pipefail",
        "oz_payload_main() {",
        "    umask 077",
        "    local d",
        '    d="$(mktemp -d "${TMPDIR:-/tmp}/openzro-payload.XXXXXXXX")"',
        "    # shellcheck disable=SC2064 # expand now: the trap must remove this very dir",
        `    trap "rm -rf -- '$d'" EXIT`,
    ];
    for (const dir of dirs) out.push(`    mkdir -p "$d/${dir}"`);
    for (const e of entries) {
        out.push(`    base64 -d >"$d/${e.path}" <<'${EOF_MARK}'`, base64Lines(e.content), EOF_MARK);
        out.push(`    chmod ${e.mode.toString(8).padStart(4, "0")} "$d/${e.path}"`);
    }
    out.push(...runLines(p), "}", 'oz_payload_main "$@"', "");
    return out.join("\n");
}
