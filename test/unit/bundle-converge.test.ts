// Runs the real converge.sh on a real payload against a scratch root (OZ_ROOT), with recording stand-ins for the
// commands that would change the machine (systemctl, apt-get, dpkg-query, apt-mark, gpg, nginx, journalctl, curl)
// and the dashboard's render-env.sh. What it proves: first install, a second identical run changing nothing,
// restarts limited to what changed, drain/undrain on the update path, nginx -t rollback, render-env.sh re-runs,
// health failures with redacted journal lines, and the quorum rules. The full Debian-root test (real packages,
// real services) is the integration suite's.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { renderPayloadScript } from "../../components/host/bundle";
import { writePayloadDir } from "../../components/host/bundle-dir";
import { loadHostScripts } from "../../components/host/bundle-scripts";
import { ConvergeHost, convergePayload, convergeVars, verifyPayload } from "../../components/host/converge";
import { HostFile, RenderSecrets, RenderTopology } from "../../components/host/files";
import { DRAIN_FILE } from "../../components/host/ports";
import { renderControllerFiles, renderRelayFiles } from "../../components/host/render";
import { Settings } from "../../components/config/types";
import { awsTestSettings } from "../mock/awsFixtures";

const SECRETS: RenderSecrets = {
    relayAuthSecret: "relay-secret-9f8e7d6c5b4a39281706",
    dataStoreEncryptionKey: Buffer.alloc(32, 11).toString("base64"),
    managementWgPrivateKey: "kJ3KvXFhJrEGf9bQ1G4h8Qe4lYqzYm1lYbS3ZqWfT0s=",
    databasePassword: "db-pass-Zq81kLm",
    databaseAppPassword: "db-app-pass-Yx72jKn",
    coordinatorPassword: "coord-pw-77Hx2",
};
const SECRET_VALUES = [SECRETS.relayAuthSecret, SECRETS.dataStoreEncryptionKey, SECRETS.managementWgPrivateKey, SECRETS.databaseAppPassword];
const LB = { proxyCidrs: ["10.40.0.0/24"], healthCheckIntervalSeconds: 10, healthyThreshold: 2, unhealthyThreshold: 2, deregistrationDelaySeconds: 30 };
const MGMT_URL = "http://127.0.0.1:33073/scim/v2/ServiceProviderConfig";
const RELAY_URL = "http://127.0.0.1:9090/metrics";

const TOPOLOGY: RenderTopology = {
    controllers: [1, 2, 3].map((i) => ({ name: `controller-${i}`, hostname: `openzro-controller-${i}`, privateIp: `10.40.1.${10 + i}` })),
    relays: [
        { name: "fra", dnsName: "relay-fra.vpn.example.com", publicIp: "198.51.100.21" },
        { name: "use", dnsName: "relay-use.vpn.example.com", publicIp: "198.51.100.22" },
        { name: "use2", dnsName: "relay-use2.vpn.example.com", publicIp: "198.51.100.23" },
        { name: "bom", dnsName: "relay-bom.vpn.example.com", publicIp: "198.51.100.24" },
    ],
    database: { host: "openzro.c1.eu-central-1.rds.amazonaws.com", port: 5432, user: "openzro", mainDatabase: "openzro" },
    proxyCidrs: ["10.40.0.0/24"],
};

// ---- stand-ins -------------------------------------------------------------------------------------------------

const STUBS: Record<string, string> = {
    systemctl: `
args=(); for a in "$@"; do case "$a" in --quiet|-q|--no-pager) ;; *) args+=("$a") ;; esac; done
cmd="\${args[0]}"; unit="\${args[1]:-}"
drained=""; [ -e "$OZ_ROOT${DRAIN_FILE}" ] && drained=" (drained)"
case "$cmd" in
  is-enabled) [ -e "$STUB/enabled/$unit" ] ;;
  is-active) [ -e "$STUB/active/$unit" ] ;;
  enable) echo "systemctl enable $unit" >>"$STUB/calls"; touch "$STUB/enabled/$unit" ;;
  start|restart) echo "systemctl $cmd $unit$drained" >>"$STUB/calls"; touch "$STUB/active/$unit" ;;
  reload|daemon-reload) echo "systemctl $cmd $unit$drained" >>"$STUB/calls" ;;
  *) echo "systemctl: unexpected $*" >&2; exit 2 ;;
esac`,
    "dpkg-query": `
# Status-Abbrev as dpkg prints it: "ii " installed, "hi " installed and held.
pkg="\${!#}"; want=i; [ -e "$STUB/held/$pkg" ] && want=h
[ -f "$STUB/pkgs/$pkg" ] && printf '%si |%s\\n' "$want" "$(cat "$STUB/pkgs/$pkg")"; exit 0`,
    "apt-get": `
words=(); skip=0
for a in "$@"; do
  if [ "$skip" = 1 ]; then skip=0; continue; fi
  case "$a" in -o) skip=1 ;; -*) ;; *) words+=("$a") ;; esac
done
echo "apt-get \${words[*]}" >>"$STUB/calls"
[ "\${words[0]}" = install ] || exit 0
for spec in "\${words[@]:1}"; do
  pkg="\${spec%%=*}"; ver="1.0"; [ "$spec" != "$pkg" ] && ver="\${spec#*=}"
  echo "$ver" >"$STUB/pkgs/$pkg"
  if [ "$pkg" = openzro-dashboard ]; then   # lays down pristine files, as dpkg would
    d="$OZ_ROOT/usr/share/openzro-dashboard"; mkdir -p "$d"
    printf '<html data-version="%s">$$AUTH_AUTHORITY $$AUTH_SUPPORTED_SCOPES</html>\\n' "$ver" >"$d/index.html"
    cp "$STUB/render-env.sh" "$d/render-env.sh"
  fi
done`,
    "apt-mark": `
# Like apt-mark: hold/unhold of a package apt does not know fails with exit 100.
case "$1" in
  showhold) ls "$STUB/held" ;;
  hold|unhold)
    cmd="$1"; shift
    for p in "$@"; do [ -f "$STUB/pkgs/$p" ] || { echo "E: Unable to locate package $p" >&2; exit 100; }; done
    for p in "$@"; do
      if [ "$cmd" = hold ]; then touch "$STUB/held/$p"; echo "apt-mark hold $p" >>"$STUB/calls"; else rm -f "$STUB/held/$p"; fi
    done ;;
esac`,
    gpg: `
out=""; in=""; while [ $# -gt 0 ]; do case "$1" in -o) out="$2"; shift 2 ;; -*) shift ;; *) in="$1"; shift ;; esac; done
{ echo "dearmored"; cat "$in"; } >"$out"`,
    curl: `
out=""; url=""
while [ $# -gt 0 ]; do case "$1" in -o|-w|--max-time|--retry|--retry-delay) [ "$1" = -o ] && out="$2"; shift 2 ;; -*) shift ;; *) url="$1"; shift ;; esac; done
if [ -n "$out" ] && [ "$out" != /dev/null ]; then echo "curl key $url" >>"$STUB/calls"; echo "-----BEGIN PGP PUBLIC KEY BLOCK-----" >"$out"; exit 0; fi
code_of() { local f; f="$STUB/http/$(printf '%s' "$1" | tr -c 'A-Za-z0-9' '_')"; [ -f "$f" ] && cat "$f" || printf 000; }
case "$url" in
  */healthz)   # nginx: 503 while drained, else management's answer through the proxy
    if [ -e "$OZ_ROOT${DRAIN_FILE}" ]; then code=503; elif [ "$(code_of "${MGMT_URL}")" = 200 ]; then code=200; else code=503; fi
    [ -e "$STUB/active/nginx" ] || code=000 ;;
  *) code="$(code_of "$url")" ;;
esac
printf '%s' "$code"; [ "$code" != 000 ]`,
    nginx: `
if grep -rqs INVALID "$OZ_ROOT/etc/nginx"; then echo "nginx: [emerg] unknown directive \\"INVALID\\" in /etc/nginx/conf.d/openzro.conf:1" >&2; exit 1; fi
echo "nginx -t" >>"$STUB/calls"`,
    // coturn's STUN client: a binding response only while the (stub) coturn unit runs.
    turnutils_stunclient: `
[ -e "$STUB/active/coturn" ] || exit 1
echo "0: : IPv4. UDP reflexive addr: 127.0.0.1:40000"`,
    journalctl: `
echo "level=error msg=\\"store: dial failed\\" dsn=\\"host=db password=hunter2 sslmode=require\\""
echo "redis://:hunter3@10.40.1.11:6379 nats://openzro:hunter4@127.0.0.1:4222 OZ_AUTH_SECRET=hunter5"`,
};

// Mimics the package's render-env.sh, including what makes re-runs fragile: it snapshots *.orig on the first run
// and on later runs its grep finds the snapshots (which still carry the placeholders) instead of the files.
const RENDER_ENV = `#!/usr/bin/env bash
set -euo pipefail
set -a; . "$ENV_FILE"; set +a
echo "render-env $(grep -o 'data-version="[^"]*"' "$DASHBOARD_ROOT/index.html" | head -1)" >>"$STUB/calls"
echo "window.trusted = ['$AUTH_AUTHORITY'];" >"$DASHBOARD_ROOT/OidcTrustedDomains.js"
while IFS= read -r f; do
  [ -f "$f.orig" ] || cp -p "$f" "$f.orig"
  sed -e "s|\\$\\$AUTH_AUTHORITY|$AUTH_AUTHORITY|g" -e "s|\\$\\$AUTH_SUPPORTED_SCOPES|$AUTH_SUPPORTED_SCOPES|g" "$f.orig" >"$f"
done < <(grep -lr 'AUTH_SUPPORTED_SCOPES' "$DASHBOARD_ROOT" || true)
`;

// ---- harness ---------------------------------------------------------------------------------------------------

interface Sandbox {
    readonly root: string;
    readonly stub: string;
    readonly bin: string;
    readonly base: string;
}

function sandbox(): Sandbox {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), "oz-converge-"));
    const sb = { base, root: path.join(base, "root"), stub: path.join(base, "stub"), bin: path.join(base, "bin") };
    for (const d of ["enabled", "active", "pkgs", "held", "http"]) fs.mkdirSync(path.join(sb.stub, d), { recursive: true });
    fs.mkdirSync(sb.bin, { recursive: true });
    fs.mkdirSync(path.join(sb.root, "etc/nginx/sites-enabled"), { recursive: true });
    fs.writeFileSync(path.join(sb.root, "etc/nginx/sites-enabled/default"), "server { listen 80 default_server; }\n");
    for (const [name, body] of Object.entries(STUBS)) {
        fs.writeFileSync(path.join(sb.bin, name), `#!/usr/bin/env bash\nset -u\n${body}\n`, { mode: 0o755 });
    }
    fs.writeFileSync(path.join(sb.stub, "render-env.sh"), RENDER_ENV, { mode: 0o755 });
    fs.writeFileSync(path.join(sb.stub, "calls"), "");
    return sb;
}

function setHttp(sb: Sandbox, url: string, code: string | undefined): void {
    const f = path.join(sb.stub, "http", url.replace(/[^A-Za-z0-9]/g, "_"));
    if (code === undefined) fs.rmSync(f, { force: true });
    else fs.writeFileSync(f, code);
}

function takeCalls(sb: Sandbox): string[] {
    const file = path.join(sb.stub, "calls");
    const calls = fs.readFileSync(file, "utf8").split("\n").filter(Boolean);
    fs.writeFileSync(file, "");
    return calls;
}

/** Real renderer output, owned by root (the test cannot create the openzro user). */
function asRoot(files: HostFile[]): HostFile[] {
    return files.map((f) => ({ ...f, owner: "root", group: "root" }));
}

function controllerFiles(settings: Settings): HostFile[] {
    return asRoot(renderControllerFiles(settings, TOPOLOGY, 0, SECRETS));
}

function run(
    sb: Sandbox,
    mode: string,
    payloadArgs: { settings: Settings; host: ConvergeHost; version?: string; files: HostFile[]; verify?: boolean },
    env: Record<string, string> = {},
) {
    const scripts = loadHostScripts();
    const version = payloadArgs.version ?? "0.53.1-alpha.86";
    const payload = payloadArgs.verify
        ? verifyPayload(payloadArgs.settings, payloadArgs.host, version, LB, scripts)
        : convergePayload(payloadArgs.settings, payloadArgs.host, version, LB, payloadArgs.files, scripts);
    const dir = path.join(sb.base, "payload");
    fs.rmSync(dir, { recursive: true, force: true });
    writePayloadDir(dir, payload);
    const r = spawnSync("bash", ["--norc", "--noprofile", path.join(dir, "scripts/converge.sh"), dir, mode], {
        encoding: "utf8",
        env: {
            PATH: `${sb.bin}:${process.env.PATH}`,
            HOME: sb.base,
            TMPDIR: sb.base,
            STUB: sb.stub,
            OZ_ROOT: sb.root,
            // The real timings are tens of seconds; the order of events is what is under test.
            OZ_DRAIN_WAIT_SECONDS: "0",
            OZ_READY_WAIT_SECONDS: "0",
            OZ_HEALTH_TIMEOUT_SECONDS: "3",
            OZ_VERIFY_TIMEOUT_SECONDS: "3",
            OZ_DIRECTORIES: `/var/lib/openzro/management/jetstream:root:root:0750`,
            ...env,
        },
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, out: `${r.stdout}${r.stderr}` };
}

const readRoot = (sb: Sandbox, p: string) => fs.readFileSync(path.join(sb.root, p), "utf8");
const mtimes = (sb: Sandbox, files: HostFile[]) => files.map((f) => fs.statSync(path.join(sb.root, f.path)).mtimeMs);

/** A TCP listener on loopback standing in for signal / a cluster peer. */
async function listener(): Promise<{ port: number; close(): Promise<void> }> {
    const server = net.createServer((s) => s.destroy());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as net.AddressInfo).port;
    return { port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

// ---- tests -----------------------------------------------------------------------------------------------------

describe("converge.sh against a scratch root", () => {
    if (process.getuid?.() !== 0) {
        throw new Error("bundle-converge tests need root (they chown files to root:root, as scripts/test.sh runs them)");
    }
    let signal: { port: number; close(): Promise<void> };
    let sb: Sandbox;
    const embedded = awsTestSettings(); // 3 controllers, embedded coordinator
    // Peers on loopback ports where nothing listens: the quorum probe must never leave the machine.
    const host: ConvergeHost = { role: "controller", name: "controller-1", clusterPeers: ["127.0.0.1:1", "127.0.0.1:2"] };
    // Signal's TCP check points at a real listener; everything else keeps the generated checks.
    const checks = () =>
        `openzro-management=http:${MGMT_URL} openzro-signal=tcp:127.0.0.1:${signal.port} nginx=http-drain:http://127.0.0.1:80/healthz`;

    beforeAll(async () => {
        signal = await listener();
    });
    afterAll(async () => {
        await signal.close();
    });
    beforeEach(() => {
        sb = sandbox();
    });
    afterEach(() => {
        fs.rmSync(sb.base, { recursive: true, force: true });
    });

    it("first install through the stdin payload: repo, pinned packages, files, services; quorum-bound health deferred", () => {
        const files = controllerFiles(embedded);
        const script = renderPayloadScript(convergePayload(embedded, host, "0.53.1", LB, files, loadHostScripts()));
        const r = spawnSync("bash", ["--norc", "--noprofile", "-s", "--", "create"], {
            input: script,
            encoding: "utf8",
            env: {
                PATH: `${sb.bin}:${process.env.PATH}`, HOME: sb.base, TMPDIR: sb.base, STUB: sb.stub, OZ_ROOT: sb.root,
                OZ_HEALTH_TIMEOUT_SECONDS: "3", OZ_HEALTH_CHECKS: checks(), OZ_DIRECTORIES: "/var/lib/openzro/management/jetstream:root:root:0750",
            },
        });
        expect(r.stderr).toBe("");
        expect(r.status).toBe(0);

        expect(readRoot(sb, "etc/apt/sources.list.d/openzro.list")).toBe(
            "deb [signed-by=/etc/apt/keyrings/openzro-archive-keyring.gpg] https://pkg.openzro.io/apt stable main\n",
        );
        expect(readRoot(sb, "etc/apt/keyrings/openzro-archive-key.asc")).toContain("BEGIN PGP PUBLIC KEY BLOCK");
        expect(readRoot(sb, "etc/apt/keyrings/openzro-archive-keyring.gpg")).toContain("dearmored");
        for (const f of files) {
            expect(readRoot(sb, f.path)).toBe(f.content);
            expect((fs.statSync(path.join(sb.root, f.path)).mode & 0o777).toString(8).padStart(4, "0")).toBe(f.mode);
        }
        expect(fs.existsSync(path.join(sb.root, "etc/nginx/sites-enabled/default"))).toBe(false);
        expect(fs.statSync(path.join(sb.root, "var/lib/openzro/management/jetstream")).isDirectory()).toBe(true);
        // The dashboard was rendered with the env file's values.
        expect(readRoot(sb, "usr/share/openzro-dashboard/index.html")).toContain(embedded.oidc.issuer);
        // Files the tools create are readable by nginx although the payload unpacks under umask 077.
        expect(fs.statSync(path.join(sb.root, "usr/share/openzro-dashboard/OidcTrustedDomains.js")).mode & 0o777).toBe(0o644);

        const calls = takeCalls(sb);
        expect(calls).toContain("apt-get install openzro-management=0.53.1 openzro-signal=0.53.1 openzro-dashboard=0.53.1 nginx");
        expect(calls.filter((c) => c.startsWith("apt-mark hold")).sort()).toEqual(
            ["apt-mark hold openzro-dashboard", "apt-mark hold openzro-management", "apt-mark hold openzro-signal"],
        );
        expect(calls).toContain("systemctl daemon-reload ");
        for (const unit of ["openzro-management", "openzro-signal", "nginx"]) {
            expect(calls).toContain(`systemctl enable ${unit}`);
            expect(calls).toContain(`systemctl restart ${unit}`);
        }
        // Nothing was drained on the create path, and the restarts follow the start order.
        expect(calls.some((c) => c.includes("(drained)"))).toBe(false);
        const order = calls.filter((c) => c.startsWith("systemctl restart")).map((c) => c.split(" ")[2]);
        expect(order).toEqual(["openzro-management", "openzro-signal", "nginx"]);
        // Management's health needs a JetStream quorum: the first controller cannot wait for it.
        expect(r.stdout).toMatch(/openzro-management: not waiting for full health here \(first install/);
        expect(r.stdout).toMatch(/nginx healthy \(HTTP 503 from http:\/\/127\.0\.0\.1:80\/healthz\)/);
        for (const secret of SECRET_VALUES) expect(`${r.stdout}${r.stderr}`).not.toContain(secret);
        // The payload dir and the converge work dir are gone.
        expect(fs.readdirSync(sb.base).sort()).toEqual(["bin", "root", "stub"]);
    });

    it("a second run with the same payload changes no file and restarts nothing", () => {
        const files = controllerFiles(embedded);
        const args = { settings: embedded, host, files };
        expect(run(sb, "create", args, { OZ_HEALTH_CHECKS: checks() }).status).toBe(0);
        takeCalls(sb);
        const before = mtimes(sb, files);

        const again = run(sb, "create", args, { OZ_HEALTH_CHECKS: checks() });
        expect(again.stderr).toBe("");
        expect(again.status).toBe(0);
        expect(takeCalls(sb)).toEqual([]);
        expect(mtimes(sb, files)).toEqual(before);
        expect(again.stdout).toMatch(/openzro-converge controller-1: create: no changes\n$/);
    });

    it("update: drains before restarting only what changed, waits for health, undrains", () => {
        setHttp(sb, MGMT_URL, "200");
        const files = controllerFiles(embedded);
        expect(run(sb, "create", { settings: embedded, host, files }, { OZ_HEALTH_CHECKS: checks() }).status).toBe(0);
        takeCalls(sb);

        const changed = files.map((f) => (f.path === "/etc/nginx/conf.d/openzro.conf" ? { ...f, content: `${f.content}# tuned\n` } : f));
        // Two of three peers answer, so management's health is waited for on the update path.
        const peer = signal.port;
        const r = run(sb, "update", { settings: embedded, host: { ...host, clusterPeers: [`127.0.0.1:${peer}`, "127.0.0.1:1"] }, files: changed }, { OZ_HEALTH_CHECKS: checks() });
        expect(r.stderr).toBe("");
        expect(r.status).toBe(0);
        expect(takeCalls(sb)).toEqual(["nginx -t", "systemctl reload nginx (drained)"]);
        expect(r.stdout).toMatch(/draining: load balancer health now fails; waiting 0s/);
        expect(r.stdout).toMatch(/openzro-management healthy \(HTTP 200/);
        expect(r.stdout).toMatch(/nginx healthy \(HTTP 503 .*healthz\)/); // still drained while checked
        expect(r.stdout).toMatch(/update: drained; files changed: 1; restarted: nginx; undrained\n$/);
        expect(fs.existsSync(path.join(sb.root, DRAIN_FILE))).toBe(false);
    });

    it("update with a new version upgrades the pinned packages, restarts their services and re-renders the dashboard", () => {
        setHttp(sb, MGMT_URL, "200");
        const files = controllerFiles(embedded);
        expect(run(sb, "create", { settings: embedded, host, files }, { OZ_HEALTH_CHECKS: checks() }).status).toBe(0);
        takeCalls(sb);

        const r = run(sb, "update", { settings: embedded, host: { ...host, clusterPeers: [`127.0.0.1:${signal.port}`] }, files, version: "0.53.1-alpha.87" }, { OZ_HEALTH_CHECKS: checks() });
        expect(r.stderr).toBe("");
        expect(r.status).toBe(0);
        const calls = takeCalls(sb);
        // The published package form (D30): the release 0.53.1-alpha.87 is the deb version 0.53.1~alpha.87.
        expect(calls).toContain("apt-get install openzro-management=0.53.1~alpha.87 openzro-signal=0.53.1~alpha.87 openzro-dashboard=0.53.1~alpha.87");
        expect(calls).toEqual(expect.arrayContaining([
            "systemctl restart openzro-management (drained)",
            "systemctl restart openzro-signal (drained)",
            'render-env data-version="0.53.1~alpha.87"',
        ]));
        expect(calls.filter((c) => c.startsWith("systemctl") && !c.includes("(drained)"))).toEqual([]);
        // nginx itself did not change: not reloaded.
        expect(calls.some((c) => c.includes("nginx") && c.startsWith("systemctl"))).toBe(false);
        const html = readRoot(sb, "usr/share/openzro-dashboard/index.html");
        expect(html).toContain('data-version="0.53.1~alpha.87"');
        expect(html).toContain(embedded.oidc.issuer);
    });

    it("a changed dashboard env re-renders from pristine files without draining or restarting anything", () => {
        const files = controllerFiles(embedded);
        expect(run(sb, "create", { settings: embedded, host, files }, { OZ_HEALTH_CHECKS: checks() }).status).toBe(0);
        for (const issuer of ["https://idp2.example.com", "https://idp3.example.com"]) {
            takeCalls(sb);
            const next = files.map((f) =>
                f.path === "/etc/openzro-dashboard.env" ? { ...f, content: f.content.replace(/^AUTH_AUTHORITY=.*$/m, `AUTH_AUTHORITY=${issuer}`) } : f,
            );
            const r = run(sb, "update", { settings: embedded, host, files: next }, { OZ_HEALTH_CHECKS: checks() });
            expect(r.stderr).toBe("");
            expect(r.status).toBe(0);
            expect(takeCalls(sb)).toEqual(['render-env data-version="0.53.1~alpha.86"']);
            expect(readRoot(sb, "usr/share/openzro-dashboard/index.html")).toContain(issuer);
        }
    });

    it("nginx -t failure puts the previous files back, restarts nothing and says why", () => {
        const files = controllerFiles(embedded);
        expect(run(sb, "create", { settings: embedded, host, files }, { OZ_HEALTH_CHECKS: checks() }).status).toBe(0);
        takeCalls(sb);
        const site = files.find((f) => f.path === "/etc/nginx/conf.d/openzro.conf")!;
        const broken = files.map((f) => (f === site ? { ...f, content: "INVALID;\n" } : f));

        const r = run(sb, "update", { settings: embedded, host, files: broken }, { OZ_HEALTH_CHECKS: checks() });
        expect(r.status).not.toBe(0);
        expect(r.stderr).toMatch(/nginx rejected the new configuration \(previous files restored, nothing restarted\): nginx: \[emerg\] unknown directive/);
        expect(readRoot(sb, site.path)).toBe(site.content);
        expect(takeCalls(sb).filter((c) => c.startsWith("systemctl"))).toEqual([]);
        // It stays drained: the host was taken out before the change and must not rejoin half-changed.
        expect(fs.existsSync(path.join(sb.root, DRAIN_FILE))).toBe(true);
    });

    it("an unhealthy service fails the run with its last journal lines, credentials masked, and the host stays drained", () => {
        setHttp(sb, MGMT_URL, "200");
        const files = controllerFiles(embedded);
        expect(run(sb, "create", { settings: embedded, host, files }, { OZ_HEALTH_CHECKS: checks() }).status).toBe(0);
        setHttp(sb, MGMT_URL, "500");
        const changed = files.map((f) => (f.path === "/etc/openzro/management.json" ? { ...f, content: f.content.replace("}", ' }') } : f));

        const r = run(sb, "update", { settings: embedded, host: { ...host, clusterPeers: [`127.0.0.1:${signal.port}`] }, files: changed }, { OZ_HEALTH_CHECKS: checks(), OZ_HEALTH_TIMEOUT_SECONDS: "2" });
        expect(r.status).not.toBe(0);
        expect(r.stderr).toMatch(/openzro-management not healthy after 2s: HTTP 500 from http:\/\/127\.0\.0\.1:33073\/scim\/v2\/ServiceProviderConfig\. Last journal lines:/);
        expect(r.stderr).toContain("password=***");
        expect(r.stderr).toContain("redis://:***@10.40.1.11:6379");
        expect(r.stderr).toContain("nats://openzro:***@127.0.0.1:4222");
        expect(r.stderr).toContain("OZ_AUTH_SECRET=***");
        for (const leaked of ["hunter2", "hunter3", "hunter4", "hunter5"]) expect(r.out).not.toContain(leaked);
        expect(fs.existsSync(path.join(sb.root, DRAIN_FILE))).toBe(true);

        // Recovery: fix the cause and run again; the leftover drain flag is not waited on twice, and is removed.
        setHttp(sb, MGMT_URL, "200");
        takeCalls(sb);
        const again = run(sb, "update", { settings: embedded, host: { ...host, clusterPeers: [`127.0.0.1:${signal.port}`] }, files: changed }, { OZ_HEALTH_CHECKS: checks() });
        expect(again.status).toBe(0);
        expect(again.stdout).toMatch(/undrained/);
        expect(fs.existsSync(path.join(sb.root, DRAIN_FILE))).toBe(false);
    });

    it("update does not wait for a quorum-bound service when a majority of its peers cannot answer (controllers being added)", () => {
        const files = controllerFiles(embedded);
        expect(run(sb, "create", { settings: embedded, host, files }, { OZ_HEALTH_CHECKS: checks() }).status).toBe(0);
        const changed = files.map((f) => (f.path === "/etc/openzro/management.json" ? { ...f, content: `${f.content} ` } : f));
        const r = run(sb, "update", { settings: embedded, host: { ...host, clusterPeers: ["127.0.0.1:1", "127.0.0.1:2"] }, files: changed }, { OZ_HEALTH_CHECKS: checks() });
        expect(r.status).toBe(0);
        expect(r.stdout).toMatch(/openzro-management: not waiting for full health here \(fewer than a majority of its cluster peers answer\)/);
    });

    it("create on a host whose cluster already runs (re-converged or replaced host) waits for full health", async () => {
        const peer2 = await listener();
        try {
            const files = controllerFiles(embedded);
            const running = { ...host, clusterPeers: [`127.0.0.1:${signal.port}`, `127.0.0.1:${peer2.port}`] };
            const r = run(sb, "create", { settings: embedded, host: running, files }, { OZ_HEALTH_CHECKS: checks(), OZ_HEALTH_TIMEOUT_SECONDS: "2" });
            expect(r.status).not.toBe(0);
            expect(r.stderr).toMatch(/openzro-management not healthy after 2s: HTTP 000/);

            // Only one of two peers answering is a cluster still being installed: deferred, as on first install.
            const partial = run(sb, "create", { settings: embedded, host: { ...host, clusterPeers: [`127.0.0.1:${peer2.port}`, "127.0.0.1:1"] }, files }, { OZ_HEALTH_CHECKS: checks() });
            expect(partial.status).toBe(0);
            expect(partial.stdout).toMatch(/openzro-management: not waiting for full health here \(first install/);
        } finally {
            await peer2.close();
        }
    });

    it("verify waits for full health of every service, quorum-bound ones included", () => {
        const files = controllerFiles(embedded);
        expect(run(sb, "create", { settings: embedded, host, files }, { OZ_HEALTH_CHECKS: checks() }).status).toBe(0);
        takeCalls(sb);
        const failing = run(sb, "verify", { settings: embedded, host, files: [], verify: true }, { OZ_HEALTH_CHECKS: checks() });
        expect(failing.status).not.toBe(0);
        expect(failing.stderr).toMatch(/openzro-management not healthy after 3s: HTTP 000/);

        setHttp(sb, MGMT_URL, "200");
        const ok = run(sb, "verify", { settings: embedded, host, files: [], verify: true }, { OZ_HEALTH_CHECKS: checks() });
        expect(ok.status).toBe(0);
        expect(ok.stdout).toMatch(/nginx healthy \(HTTP 200 from http:\/\/127\.0\.0\.1:80\/healthz\)/);
        expect(takeCalls(sb)).toEqual([]);
    });

    it("a relay converges without any drain and is gated on STUN, its metrics endpoint and its listener", () => {
        const relayFiles = asRoot(renderRelayFiles(embedded, TOPOLOGY, 0, SECRETS));
        const relay: ConvergeHost = { role: "relay", name: "relay-fra", clusterPeers: [] };
        // The rendered checks, with the relay's port moved to a real listener of this test.
        const relayChecks = (vars: string) => vars.replace(/127\.0\.0\.1:443:/, `127.0.0.1:${signal.port}:`);
        const relayHealth = relayChecks(convergeVars(embedded, relay, "0.53.1", LB).OZ_HEALTH_CHECKS);
        expect(relayHealth).toMatch(/^coturn=stun:127\.0\.0\.1:3478 openzro-relay=http:http:\/\/127\.0\.0\.1:9090\/metrics openzro-relay=tls-issued:127\.0\.0\.1:\d+:/);
        setHttp(sb, RELAY_URL, "200");
        const first = run(sb, "create", { settings: embedded, host: relay, files: relayFiles }, { OZ_HEALTH_CHECKS: relayHealth });
        expect(first.stderr).toBe("");
        expect(first.status).toBe(0);
        expect(takeCalls(sb)).toEqual(expect.arrayContaining(["apt-get install openzro-relay=0.53.1~alpha.86 coturn openssl", "systemctl restart coturn", "systemctl restart openzro-relay"]));
        // The relay host has no nginx: its default site is not touched.
        expect(fs.existsSync(path.join(sb.root, "etc/nginx/sites-enabled/default"))).toBe(true);

        const upgraded = run(sb, "update", { settings: embedded, host: relay, files: relayFiles, version: "0.53.1-alpha.87" }, { OZ_HEALTH_CHECKS: relayHealth });
        expect(upgraded.status).toBe(0);
        const calls = takeCalls(sb);
        expect(calls).toContain("systemctl restart openzro-relay");
        expect(calls.some((c) => c.includes("(drained)"))).toBe(false);
        expect(upgraded.stdout).toMatch(/coturn healthy \(STUN 127\.0\.0\.1:3478 answers \(reflexive addr: 127\.0\.0\.1:40000\)\)/);
        expect(upgraded.stdout).toMatch(/openzro-relay healthy \(HTTP 200 from http:\/\/127\.0\.0\.1:9090\/metrics\)/);
        // Metrics alone are not enough: the relay's own listener is checked too (no certificate cached yet).
        expect(upgraded.stdout).toMatch(/openzro-relay healthy \(TCP 127\.0\.0\.1:\d+ open; no certificate for relay-\S+ yet/);

        // A relay whose metrics answer but whose listener is gone fails the run.
        const noListener = run(sb, "verify", { settings: embedded, host: relay, files: [], verify: true }, { OZ_HEALTH_CHECKS: relayHealth.replace(/127\.0\.0\.1:\d+:relay/, "127.0.0.1:1:relay") });
        expect(noListener.status).not.toBe(0);
        expect(noListener.stderr).toMatch(/openzro-relay not healthy after 3s: TCP 127\.0\.0\.1:1 closed/);
    });
});
