// The host layer under the Pulumi mock runtime: which remote commands exist, their order (dependencies), how they
// connect, and that secrets stay secret. Facts are built by hand (no footprint), with known secret strings that
// must never appear outside a secret.
import * as pulumi from "@pulumi/pulumi";
import { controllerHostname, controllerName, relayHostName } from "../../components/config/naming";
import { Settings } from "../../components/config/types";
import { FootprintFacts } from "../../components/host/facts";
import { REDACTED } from "../../components/host/files";
import { HostLayer } from "../../components/host/layer";
import { DRAIN_FILE } from "../../components/host/ports";
import { NGINX_GRPC_TLS_CERT_PATH, NGINX_GRPC_TLS_KEY_PATH, NGINX_SITE_PATH } from "../../components/host/render";
import { RecordedResource, changedInputs, isSecretWrapper, redactSecrets, runComponent, unwrapSecrets, valueOf } from "../support";
import { awsTestSettings } from "./awsFixtures";

const COMMAND = "command:remote:Command";
const SSH_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAAfakeTESTkey\n-----END OPENSSH PRIVATE KEY-----\n";
const SECRETS = {
    relayAuthSecret: "relay-auth-Secret-5e1f0c2b9a",
    dataStoreEncryptionKey: Buffer.alloc(32, 42).toString("base64"),
    managementWgPrivateKey: "cFr5Ehy8P9qQ3QZ0x6sJ2m1l7iV4bN8uTzWkYdA0e2Q=",
    coordinatorPassword: "coord-Pw-3d9b7a",
};
const DB_PASSWORD = "db-Password-81c4e2";
const KNOWN_SECRETS = [SSH_KEY.split("\n")[1], ...Object.values(SECRETS), DB_PASSWORD];
const BASTION = "198.51.100.10";

class FakeInstance extends pulumi.CustomResource {
    constructor(name: string) {
        super("test:index:Instance", name, {}, {});
    }
}

function facts(settings: Settings): FootprintFacts {
    const key = pulumi.secret(SSH_KEY);
    return {
        controllers: Array.from({ length: settings.controllers.count }, (_, i) => {
            const ip = `10.40.1.${11 + i}`;
            return {
                index: i,
                name: controllerName(i),
                hostname: controllerHostname(i),
                privateIp: pulumi.output(ip),
                zone: "eu-central-1a",
                ssh: { host: ip, user: "ubuntu", privateKey: key, proxy: { host: pulumi.output(BASTION), user: "ubuntu", privateKey: key } },
                instance: new FakeInstance(`instance-${controllerName(i)}`),
            };
        }),
        relays: settings.relays.map((r, j) => {
            const ip = `203.0.113.${21 + j}`;
            return {
                name: r.name,
                region: r.region,
                publicIp: pulumi.output(ip),
                dnsName: `relay-${r.name}.${settings.domain}`,
                ssh: { host: ip, user: "ubuntu", privateKey: key },
                instance: new FakeInstance(`instance-${relayHostName(r.name)}`),
            };
        }),
        database: {
            host: pulumi.output("openzro.c9x.eu-central-1.rds.amazonaws.com"),
            port: pulumi.output(5432),
            serverCa: { url: "https://truststore.example/global-bundle.pem" },
            user: "openzro",
            password: pulumi.secret(DB_PASSWORD),
            mainDatabase: "openzro",
            dependsOn: [new FakeInstance("database")],
        },
        loadBalancer: {
            proxyCidrs: ["10.40.0.0/24", "10.40.1.0/24"],
            healthCheckIntervalSeconds: 15,
            healthyThreshold: 3,
            unhealthyThreshold: 2,
            deregistrationDelaySeconds: 20,
        },
    };
}

function build(settings: Settings, openzroVersion = "0.53.1", grpcBackend?: "h2c" | "tls"): HostLayer {
    const f = facts(settings);
    return new HostLayer("openzro", {
        settings,
        facts: grpcBackend ? { ...f, loadBalancer: { ...f.loadBalancer, grpcBackend } } : f,
        secrets: {
            relayAuthSecret: pulumi.secret(SECRETS.relayAuthSecret),
            dataStoreEncryptionKey: pulumi.secret(SECRETS.dataStoreEncryptionKey),
            managementWgPrivateKey: pulumi.secret(SECRETS.managementWgPrivateKey),
            coordinatorPassword: pulumi.secret(SECRETS.coordinatorPassword),
        },
        openzroVersion,
    });
}

/** The files a stdin payload unpacks: relative path → content (decoded from its heredocs). */
function unpack(payload: string): Record<string, string> {
    const files: Record<string, string> = {};
    const lines = payload.split("\n");
    for (let i = 0; i < lines.length; i++) {
        const m = /^ {4}base64 -d >"\$d\/([^"]+)" <<'OZ_PAYLOAD_EOF'$/.exec(lines[i]);
        if (!m) continue;
        const chunk: string[] = [];
        for (i++; lines[i] !== "OZ_PAYLOAD_EOF"; i++) chunk.push(lines[i]);
        files[m[1]] = Buffer.from(chunk.join(""), "base64").toString("utf8");
    }
    return files;
}

/** vars.env → name → value (the payload single-quotes every value). */
function vars(payload: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const line of unpack(payload)["vars.env"].split("\n")) {
        const m = /^\[ -n "\$\{(OZ_[A-Z0-9_]+)\+set\}" \] \|\| \1='(.*)'$/.exec(line);
        if (m) out[m[1]] = m[2].replace(/'\\''/g, "'");
    }
    return out;
}

describe("HostLayer under the mock runtime", () => {
    const settings = awsTestSettings(); // 3 controllers (embedded NATS), 4 relays
    let run: Awaited<ReturnType<typeof runComponent<HostLayer>>>;
    let commands: RecordedResource[];
    const cmd = (key: string) => run.one(COMMAND, `openzro-${key}`);
    const controllers = ["controller-1", "controller-2", "controller-3"];
    const relays = settings.relays.map((r) => relayHostName(r.name));

    beforeAll(async () => {
        run = await runComponent(() => build(settings), { defaultRegion: "eu-central-1" });
        commands = run.ofType(COMMAND);
    });

    /** Every resource URN `urn` waits for, directly or through others. */
    const upstream = (urn: string): Set<string> => {
        const byUrn = new Map(run.resources.map((r) => [r.urn, r]));
        const seen = new Set<string>();
        const walk = (u: string) => (byUrn.get(u)?.dependencies ?? []).forEach((d) => !seen.has(d) && (seen.add(d), walk(d)));
        walk(urn);
        return seen;
    };

    it("creates wait, prepare, db-bootstrap, install, converge and verify commands, all children of the HostLayer component", () => {
        const layer = run.one("openzro:host:HostLayer", "openzro");
        expect(commands.map((c) => c.name).sort()).toEqual(
            [
                ...[...controllers, ...relays].map((h) => `openzro-wait-${h}`),
                ...[...controllers, ...relays].map((h) => `openzro-prepare-${h}`),
                "openzro-db-bootstrap-controller-1",
                ...[...controllers, ...relays].map((h) => `openzro-install-${h}`),
                ...[...controllers, ...relays].map((h) => `openzro-converge-${h}`),
                ...controllers.map((h) => `openzro-verify-${h}`),
            ].sort(),
        );
        for (const c of commands) expect(c.parent).toBe(layer.urn);
    });

    it("chains each tier's converges in order: controllers one by one, then relays one by one", () => {
        for (let i = 1; i < controllers.length; i++) {
            expect(cmd(`converge-${controllers[i]}`).dependencies).toContain(cmd(`converge-${controllers[i - 1]}`).urn);
        }
        expect(cmd(`converge-${controllers[0]}`).dependencies.some((d) => d.includes("openzro-converge-"))).toBe(false);
        for (const v of controllers) expect(cmd(`converge-${relays[0]}`).dependencies).toContain(cmd(`verify-${v}`).urn);
        for (let j = 1; j < relays.length; j++) {
            expect(cmd(`converge-${relays[j]}`).dependencies).toContain(cmd(`converge-${relays[j - 1]}`).urn);
        }
    });

    it("bootstraps the databases on controller 1 after its wait and the database, before every controller's install and converge", () => {
        const bootstrap = cmd("db-bootstrap-controller-1");
        expect(bootstrap.dependencies).toEqual(
            expect.arrayContaining([cmd("wait-controller-1").urn, run.one("test:index:Instance", "database").urn]),
        );
        for (const h of controllers) {
            expect(cmd(`install-${h}`).dependencies).toContain(bootstrap.urn);
            expect(cmd(`converge-${h}`).dependencies).toContain(bootstrap.urn);
        }
    });

    it("installs every host at once: no install waits for another host's install, converge or verify", () => {
        for (const h of [...controllers, ...relays]) {
            const others = [...upstream(cmd(`install-${h}`).urn)].filter((u) => /openzro-(install|converge|verify)-/.test(u));
            expect([h, others]).toEqual([h, []]);
        }
    });

    it("prepares and installs a relay with nothing of the database or the controllers, payload included", () => {
        const database = run.one("test:index:Instance", "database").urn;
        const controllerInstances = controllers.map((h) => run.one("test:index:Instance", `instance-${h}`).urn);
        for (const h of relays) {
            const waitsFor = upstream(cmd(`install-${h}`).urn);
            expect(waitsFor.has(database)).toBe(false);
            for (const c of controllerInstances) expect(waitsFor.has(c)).toBe(false);
            expect(waitsFor.has(cmd("db-bootstrap-controller-1").urn)).toBe(false);
        }
    });

    it("downloads on every host before the first serial step", () => {
        for (const h of [...controllers, ...relays]) expect(cmd("converge-controller-1").dependencies).toContain(cmd(`prepare-${h}`).urn);
    });

    it("cannot deadlock a first install: verify follows every controller's install and converge, and no converge waits for a verify", () => {
        for (const v of controllers) {
            for (const h of controllers) {
                expect(cmd(`verify-${v}`).dependencies).toContain(cmd(`install-${h}`).urn);
                expect(cmd(`verify-${v}`).dependencies).toContain(cmd(`converge-${h}`).urn);
            }
        }
        for (const h of controllers) {
            expect(cmd(`converge-${h}`).dependencies.some((d) => d.includes("openzro-verify-"))).toBe(false);
        }
    });

    it("runs the create path once in install, and the draining update path on changes in converge", async () => {
        for (const h of [...controllers, ...relays]) {
            const install = cmd(`install-${h}`);
            const installInputs = run.inputsOf<{ create: string; update: string; stdin: string }>(install);
            expect(installInputs.create).toMatch(/^sudo -n bash -s -- create # openzro payload sha256:[0-9a-f]{64}$/);
            // A later change never re-runs the install: payload changes are hidden, anything else runs a no-op.
            expect(installInputs.update).toMatch(/^true # /);
            expect(install.options.ignoreChanges).toEqual(["create", "stdin"]);
            const inputs = run.inputsOf<{ create: string; update: string; stdin: string }>(cmd(`converge-${h}`));
            expect(inputs.create).toMatch(/^true # /);
            expect(inputs.update).toMatch(/^sudo -n bash -s -- update # openzro payload sha256:[0-9a-f]{64}$/);
            expect(unpack(inputs.stdin)["scripts/converge.sh"]).toContain('mode="${2:-create}"');
            // Both carry the same payload: a replaced host's install applies what converge would.
            expect(installInputs.stdin).toBe(inputs.stdin);
        }
        // The drain timings come from the load balancer facts: 15 s x 2 + 5 s to drain (health-check failure only;
        // the 20 s deregistration delay never applies), 15 s x 3 + 5 s to return.
        const v = vars(run.inputsOf<{ stdin: string }>(cmd("converge-controller-2")).stdin);
        expect(v).toMatchObject({
            OZ_ROLE: "controller",
            OZ_DRAIN_FILE: DRAIN_FILE,
            OZ_DRAIN_WAIT_SECONDS: "35",
            OZ_READY_WAIT_SECONDS: "50",
            OZ_QUORUM_UNITS: "openzro-management openzro-signal nginx",
            OZ_CLUSTER_PEERS: "10.40.1.11:6222 10.40.1.13:6222",
            OZ_CLUSTER_SIZE: "3",
            OZ_VERSION: "0.53.1",
        });
        // Relays have no load balancer: nothing to drain.
        const r = vars(run.inputsOf<{ stdin: string }>(cmd(`converge-${relays[0]}`)).stdin);
        expect(r).toMatchObject({ OZ_ROLE: "relay", OZ_DRAIN_WAIT_SECONDS: "0", OZ_READY_WAIT_SECONDS: "0", OZ_QUORUM_UNITS: "" });
        expect(run.inputsOf<{ create: string }>(cmd("verify-controller-1")).create).toMatch(/^sudo -n bash -s -- verify # /);
    });

    it("reaches controllers through the bastion and relays directly, with generous dial retries for the first command", () => {
        for (const [i, h] of controllers.entries()) {
            const conn = run.inputsOf<{ connection: Record<string, unknown> }>(cmd(`wait-${h}`)).connection;
            expect(conn).toMatchObject({ host: `10.40.1.${11 + i}`, user: "ubuntu", privateKey: SSH_KEY, dialErrorLimit: 120 });
            expect(conn.proxy).toMatchObject({ host: BASTION, user: "ubuntu", privateKey: SSH_KEY });
            // Typed ConnectionArgs only (the SDK adds the port default): no stray field for the CLI to echo.
            expect(Object.keys(conn).sort()).toEqual(["dialErrorLimit", "host", "perDialTimeout", "port", "privateKey", "proxy", "user"]);
        }
        for (const [j, h] of relays.entries()) {
            const conn = run.inputsOf<{ connection: Record<string, unknown> }>(cmd(`converge-${h}`)).connection;
            expect(conn).toMatchObject({ host: `203.0.113.${21 + j}`, privateKey: SSH_KEY });
            expect(conn.proxy).toBeUndefined();
        }
    });

    it("ties every command to its instance: deletedWith, dependency and a trigger on the instance id", () => {
        for (const c of commands) {
            const host = c.name.replace(/^openzro-(wait|prepare|db-bootstrap|install|converge|verify)-/, "");
            const instance = run.one("test:index:Instance", `instance-${host}`);
            expect(c.options.deletedWith).toBe(instance.urn);
            expect(c.dependencies).toContain(instance.urn);
            expect(run.inputsOf<{ triggers: unknown[] }>(c).triggers).toEqual([instance.id]);
            expect(c.options.customTimeouts?.create).toMatch(/^\d+m$/);
        }
    });

    it("prepares with a payload that holds no file and no secret: versions, packages and the repository only", () => {
        for (const h of [...controllers, ...relays]) {
            const prepare = cmd(`prepare-${h}`);
            const inputs = run.inputsOf<{ create: string; update: string; stdin: string }>(prepare);
            expect(inputs.create).toMatch(/^sudo -n bash -s -- prepare # openzro payload sha256:[0-9a-f]{64}$/);
            expect(inputs.update).toBe(inputs.create);
            expect(isSecretWrapper(prepare.inputs.stdin)).toBe(false);
            expect(Object.keys(vars(inputs.stdin)).sort()).toEqual(
                [
                    // The metrics agent's download (empty here: these facts hand over no agent).
                    "OZ_AGENT_CACHE_DIR",
                    "OZ_AGENT_DEB_URL",
                    "OZ_AGENT_KEY_FINGERPRINT",
                    "OZ_AGENT_KEY_URL",
                    "OZ_AGENT_PACKAGE",
                    "OZ_AGENT_VERSION",
                    "OZ_HOST_NAME",
                    "OZ_KEY_URL",
                    "OZ_OS_FAMILY",
                    "OZ_PINNED_PACKAGES",
                    "OZ_REPO_URL",
                    "OZ_ROLE",
                    "OZ_SYSTEM_PACKAGES",
                    "OZ_VERSION",
                ],
            );
            expect(unpack(inputs.stdin)["manifest.tsv"]).toBe("");
        }
    });

    it("keeps secret-bearing commands out of logs and plain state", () => {
        for (const c of commands.filter((x) => !/^openzro-(wait|prepare)-/.test(x.name))) {
            expect(isSecretWrapper(c.inputs.connection)).toBe(true);
            expect(c.inputs.logging).toBe("none");
            expect(c.inputs.addPreviousOutputInEnv).toBe(false);
            expect(c.options.additionalSecretOutputs).toEqual(expect.arrayContaining(["stdout", "stderr"]));
        }
        for (const c of commands.filter((x) => /^openzro-(install|converge|db-bootstrap)-/.test(x.name))) {
            expect(isSecretWrapper(c.inputs.stdin)).toBe(true);
        }
        const bootstrap = unpack(run.inputsOf<{ stdin: string }>(cmd("db-bootstrap-controller-1")).stdin);
        expect(bootstrap["secrets/db-password"]).toBe(DB_PASSWORD);
        expect(vars(run.inputsOf<{ stdin: string }>(cmd("db-bootstrap-controller-1")).stdin)).toMatchObject({
            OZ_DB_HOST: "openzro.c9x.eu-central-1.rds.amazonaws.com",
            OZ_DB_CREATE: "openzro_activity openzro_flow",
        });
    });

    it("never puts a secret value in a non-secret input, also not inside a non-secret payload", () => {
        for (const c of commands) {
            const visible = JSON.stringify(redactSecrets(c.inputs));
            const decoded = Object.values(redactSecrets<Record<string, unknown>>(c.inputs))
                .filter((v): v is string => typeof v === "string" && v.includes("OZ_PAYLOAD_EOF"))
                .map((p) => Object.values(unpack(p)).join("\n"))
                .join("\n");
            for (const secret of [...KNOWN_SECRETS, ...run.secretValues]) {
                expect(visible).not.toContain(secret);
                expect(decoded).not.toContain(secret);
            }
        }
    });

    it("ships the real secrets inside the converge payloads (and only there)", () => {
        const files = unpack(run.inputsOf<{ stdin: string }>(cmd("converge-controller-1")).stdin);
        const shipped = Object.values(files).join("\n");
        expect(shipped).toContain(SECRETS.relayAuthSecret);
        expect(shipped).toContain(SECRETS.dataStoreEncryptionKey);
        // Management's DSNs carry its own role's password; the master password goes to the bootstrap only.
        const appPassword = unpack(run.inputsOf<{ stdin: string }>(cmd("db-bootstrap-controller-1")).stdin)["secrets/db-app-password"];
        expect(appPassword).toMatch(/^[A-Za-z0-9]{40}$/);
        expect(shipped).toContain(appPassword);
        expect(shipped).not.toContain(DB_PASSWORD);
        const relayFiles = Object.values(unpack(run.inputsOf<{ stdin: string }>(cmd(`converge-${relays[1]}`)).stdin)).join("\n");
        expect(relayFiles).toContain(SECRETS.relayAuthSecret);
        // A relay gets the one secret it uses, nothing of the control plane's.
        for (const other of [DB_PASSWORD, SECRETS.dataStoreEncryptionKey, SECRETS.managementWgPrivateKey, SECRETS.coordinatorPassword]) {
            expect(relayFiles).not.toContain(other);
        }
    });

    it("masks on the host exactly the secrets a payload carries, and bounds every run", () => {
        const redactList = (key: string) => unpack(run.inputsOf<{ stdin: string }>(cmd(key)).stdin)["redact"].split("\n");
        const controller = redactList("converge-controller-1");
        const appPassword = unpack(run.inputsOf<{ stdin: string }>(cmd("db-bootstrap-controller-1")).stdin)["secrets/db-app-password"];
        for (const secret of [SECRETS.relayAuthSecret, SECRETS.dataStoreEncryptionKey, SECRETS.managementWgPrivateKey, appPassword]) {
            expect(controller).toContain(secret);
        }
        expect(controller).not.toContain(DB_PASSWORD);
        const relay = redactList(`converge-${relays[1]}`);
        expect(relay).toContain(SECRETS.relayAuthSecret);
        expect(relay).not.toContain(DB_PASSWORD);
        expect(redactList("db-bootstrap-controller-1")).toEqual(expect.arrayContaining([DB_PASSWORD, appPassword]));
        for (const c of commands.filter((x) => !x.name.startsWith("openzro-wait-"))) {
            const script = unwrapSecrets<{ stdin: string }>(c.inputs).stdin;
            expect(script).toMatch(/timeout --kill-after=\d+ \d+ bash "\$d\/scripts\//);
        }
        for (const c of commands.filter((x) => x.name.startsWith("openzro-wait-"))) {
            expect(c.inputs.create).toMatch(/^timeout \d+ bash -s -- \d+$/);
        }
    });

    it("exposes every host's files with secrets redacted, keyed by host name", async () => {
        const files = await valueOf(run.result.redactedFiles);
        expect(Object.keys(files).sort()).toEqual([...controllers, ...relays].sort());
        const all = JSON.stringify(files);
        for (const secret of KNOWN_SECRETS) expect(all).not.toContain(secret);
        const mgmt = files["controller-1"].find((f) => f.path === "/etc/openzro/management.json");
        expect(mgmt?.content).toContain(`"Secret": "${REDACTED}"`);
        expect(files[relays[0]].some((f) => f.path === "/etc/default/openzro-relay")).toBe(true);
        // The redacted payload digest on the command line matches what the plan would show, host by host.
        const digests = new Set([...controllers, ...relays].map((h) => run.inputsOf<{ update: string }>(cmd(`converge-${h}`)).update));
        expect(digests.size).toBe(controllers.length + relays.length);
    });

    it("gives byte-identical command inputs on a second evaluation (a no-op `pulumi up` re-runs nothing)", async () => {
        const again = await runComponent(() => build(settings), { defaultRegion: "eu-central-1" });
        const snapshot = (rs: readonly RecordedResource[]) =>
            rs.filter((r) => r.type === COMMAND).map((r) => [r.name, JSON.stringify(unwrapSecrets(r.inputs))]);
        expect(snapshot(again.resources)).toEqual(snapshot(run.resources));
    });
});

describe("HostLayer input changes", () => {
    const converge = (settings: Settings, version?: string) => runComponent(() => build(settings, version), { defaultRegion: "eu-central-1" });

    it("a version bump re-runs every download and every rolled step and verify; waits and installs show no change", async () => {
        const settings = awsTestSettings({ relays: [{ name: "fra", region: "eu-central-1", instanceType: "t3.small" }] });
        const before = await converge(settings);
        const after = await converge(settings, "0.54.0");
        for (const r of before.ofType(COMMAND)) {
            const changed = changedInputs(r, after.one(COMMAND, r.name));
            expect([r.name, changed.length > 0]).toEqual([r.name, /openzro-(prepare|converge|verify)-/.test(r.name)]);
        }
    });

    it("rejects facts that disagree with the settings, naming the key", async () => {
        const settings = awsTestSettings();
        await expect(
            runComponent(() => new HostLayer("openzro", {
                settings: { ...settings, controllers: { ...settings.controllers, count: 5 } },
                facts: facts(settings),
                secrets: { relayAuthSecret: pulumi.secret("a"), dataStoreEncryptionKey: pulumi.secret("b"), managementWgPrivateKey: pulumi.secret("c"), coordinatorPassword: pulumi.secret("d") },
                openzroVersion: "0.53.1",
            })),
        ).rejects.toThrow(/^controllers: the footprint handed over 3 controllers for openzro:controllerCount 5; /);
    });
});

describe('HostLayer with a TLS gRPC backend (grpcBackend "tls", GCP)', () => {
    const settings = awsTestSettings();
    const controllers = ["controller-1", "controller-2", "controller-3"];
    let run: Awaited<ReturnType<typeof runComponent<HostLayer>>>;
    const cmd = (key: string) => run.one(COMMAND, `openzro-${key}`);

    beforeAll(async () => {
        run = await runComponent(() => build(settings, "0.53.1", "tls"), { defaultRegion: "eu-central-1" });
    });

    it("generates one RSA key and one long-lived self-signed certificate for the stack, children of the layer", () => {
        const layer = run.one("openzro:host:HostLayer", "openzro");
        const key = run.one("tls:index/privateKey:PrivateKey");
        const cert = run.one("tls:index/selfSignedCert:SelfSignedCert");
        expect([key.parent, cert.parent]).toEqual([layer.urn, layer.urn]);
        expect(run.inputsOf(key)).toMatchObject({ algorithm: "RSA", rsaBits: 2048 });
        const certInputs = run.inputsOf<{ validityPeriodHours: number; earlyRenewalHours?: number; allowedUses: string[] }>(cert);
        // Nothing time-based: no early renewal, and years of validity (the load balancer does not check expiry).
        expect(certInputs.validityPeriodHours).toBeGreaterThanOrEqual(5 * 365 * 24);
        expect(certInputs.earlyRenewalHours).toBeUndefined();
        expect(certInputs.allowedUses).toContain("server_auth");
        expect(key.options.additionalSecretOutputs).toEqual(expect.arrayContaining(["privateKeyPem"]));
    });

    it("ships the certificate and the real key to every controller (key 0600, only in the secret payload)", async () => {
        const keyPem = run.secretValues.find((v) => v.includes("PRIVATE KEY"));
        expect(keyPem).toBeDefined();
        for (const h of controllers) {
            const files = unpack(run.inputsOf<{ stdin: string }>(cmd(`converge-${h}`)).stdin);
            expect(Object.values(files).join("\n")).toContain((keyPem as string).trim());
            expect(isSecretWrapper(cmd(`converge-${h}`).inputs.stdin)).toBe(true);
        }
        const redacted = await valueOf(run.result.redactedFiles);
        for (const h of controllers) {
            const byPath = new Map(redacted[h].map((f) => [f.path, f]));
            expect(byPath.get(NGINX_GRPC_TLS_KEY_PATH)).toMatchObject({ content: `${REDACTED}\n`, mode: "0600", secret: true });
            expect(byPath.get(NGINX_GRPC_TLS_CERT_PATH)?.content).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
            expect(byPath.get(NGINX_SITE_PATH)?.content).toContain("listen 8443 ssl http2 default_server;");
        }
        expect(JSON.stringify(redacted)).not.toContain((keyPem as string).trim().split("\n")[1]);
        // Relays have no nginx: nothing of it reaches them.
        for (const r of settings.relays) expect(redacted[relayHostName(r.name)].map((f) => f.path)).not.toContain(NGINX_GRPC_TLS_KEY_PATH);
    });

    it("never puts the key in a non-secret input, and a second evaluation changes nothing", async () => {
        for (const c of run.ofType(COMMAND)) {
            const visible = JSON.stringify(redactSecrets(c.inputs));
            for (const secret of run.secretValues) expect(visible).not.toContain(secret);
        }
        const again = await runComponent(() => build(settings, "0.53.1", "tls"), { defaultRegion: "eu-central-1" });
        const snapshot = (rs: readonly RecordedResource[]) => rs.filter((r) => r.type === COMMAND).map((r) => [r.name, JSON.stringify(unwrapSecrets(r.inputs))]);
        expect(snapshot(again.resources)).toEqual(snapshot(run.resources));
    });

    it("creates no key and no certificate for the h2c backend (the ALB)", async () => {
        const h2c = await runComponent(() => build(settings), { defaultRegion: "eu-central-1" });
        expect(h2c.ofType("tls:index/privateKey:PrivateKey")).toEqual([]);
        expect(h2c.ofType("tls:index/selfSignedCert:SelfSignedCert")).toEqual([]);
    });
});
