// The HostFile metadata the converge script acts on: which files hold secrets (and are protected), who owns
// them, which service each change restarts, and which files exist for each coordinator.
import { Settings } from "../../components/config/types";
import { HostFile, REDACTED, RenderSecrets } from "../../components/host/files";
import {
    DASHBOARD_ENV_PATH,
    MANAGEMENT_JSON_PATH,
    NATS_SERVER_CONF_PATH,
    NGINX_GRPC_TLS_CERT_PATH,
    NGINX_GRPC_TLS_KEY_PATH,
    NGINX_MAIN_CONF_PATH,
    NGINX_SITE_PATH,
    REDIS_CONF_PATH,
    dropInPath,
    stunServerConfPath,
    envFilePath,
    renderControllerFiles,
    renderRelayFiles,
} from "../../components/host/render";
import { CLIENT_SECRET, SECRETS, fileAt, parseEnvFile, settingsFor, topologyFor, withClientSecret } from "./render-fixtures";

const CLUSTER_URL = "redis://:external-broker-pw@broker.example.net:6379";
const ALL_SECRETS: RenderSecrets = { ...SECRETS, oidcClientSecret: CLIENT_SECRET, clusterUrl: CLUSTER_URL };
const REDACTED_SECRETS: RenderSecrets = {
    relayAuthSecret: REDACTED,
    dataStoreEncryptionKey: REDACTED,
    managementWgPrivateKey: REDACTED,
    databasePassword: REDACTED,
    databaseAppPassword: REDACTED,
    coordinatorPassword: REDACTED,
    oidcClientSecret: REDACTED,
    clusterUrl: REDACTED,
};
/** Secret values as they can appear in a file (raw, or percent-encoded inside a URL). */
const SECRET_VALUES = Object.values(ALL_SECRETS).flatMap((v) => [v as string, encodeURIComponent(v as string)]);
const COORDINATORS: Settings["cluster"]["coordinator"][] = ["embedded", "nats", "redis", "external-nats", "external-redis"];

function hostsFor(coordinator: Settings["cluster"]["coordinator"], secrets: RenderSecrets = ALL_SECRETS) {
    const settings = withClientSecret(settingsFor({ cluster: { coordinator, peerPort: 6222, signalPeerPort: 6223 }, dex: { enabled: true, port: 5556 } }));
    const topology = topologyFor(settings);
    return [
        ...topology.controllers.map((_, i) => renderControllerFiles(settings, topology, i, secrets)),
        ...settings.relays.map((_, i) => renderRelayFiles(settings, topology, i, secrets)),
    ];
}

function holdsSecret(f: HostFile): boolean {
    // The DSN password is escaped for libpq and the env file; compare on the decoded env values too.
    const values = f.content.includes("=") && !f.path.endsWith(".json") && !f.path.endsWith(".conf") ? [...parseEnvFile(f.content).values()].join("\n") : "";
    return SECRET_VALUES.some((s) => f.content.includes(s) || values.includes(s));
}

describe.each(COORDINATORS)("host files with the %s coordinator", (coordinator) => {
    const hosts = hostsFor(coordinator);

    test("every file holding a secret says so and is readable by its owner and group only", () => {
        for (const f of hosts.flat()) {
            expect([f.path, holdsSecret(f) ? true : f.secret]).toEqual([f.path, f.secret]);
            if (f.secret) expect([f.path, f.mode]).toEqual([f.path, expect.stringMatching(/^06[04]0$/)]);
        }
    });

    test("paths are absolute and unique per host; each change restarts only its own service", () => {
        const expected: Record<string, string[]> = {
            [MANAGEMENT_JSON_PATH]: ["openzro-management"],
            [envFilePath("debian", "openzro-management")]: ["openzro-management"],
            [envFilePath("debian", "openzro-signal")]: ["openzro-signal"],
            [envFilePath("debian", "openzro-relay")]: ["openzro-relay"],
            [dropInPath("openzro-management")]: ["openzro-management"],
            [dropInPath("openzro-signal")]: ["openzro-signal"],
            [dropInPath("openzro-relay")]: ["openzro-relay"],
            // The converge script re-runs render-env.sh for this path; no daemon restarts.
            [DASHBOARD_ENV_PATH]: [],
            [NGINX_MAIN_CONF_PATH]: ["nginx"],
            [NGINX_SITE_PATH]: ["nginx"],
            [NATS_SERVER_CONF_PATH]: ["nats-server"],
            [REDIS_CONF_PATH]: ["redis-server"],
            [stunServerConfPath("debian")]: ["coturn"],
        };
        for (const files of hosts) {
            const paths = files.map((f) => f.path);
            expect(new Set(paths).size).toBe(paths.length);
            for (const f of files) {
                expect(f.path.startsWith("/")).toBe(true);
                expect([f.path, [...f.restarts]]).toEqual([f.path, expected[f.path]]);
            }
        }
    });

    test("the standalone coordinator's config exists exactly when that coordinator runs, owned by its daemon", () => {
        const controllers = hosts.slice(0, 3);
        const relays = hosts.slice(3);
        for (const files of controllers) {
            const nats = files.filter((f) => f.path === NATS_SERVER_CONF_PATH);
            const redis = files.filter((f) => f.path === REDIS_CONF_PATH);
            expect(nats.map((f) => `${f.owner}:${f.group}`)).toEqual(coordinator === "nats" ? ["nats:nats"] : []);
            expect(redis.map((f) => `${f.owner}:${f.group}`)).toEqual(coordinator === "redis" ? ["redis:redis"] : []);
        }
        for (const files of relays) {
            expect(files.map((f) => f.path).sort()).toEqual([dropInPath("openzro-relay"), envFilePath("debian", "openzro-relay"), "/etc/turnserver.conf"].sort());
        }
    });

    test("the redacted rendering (offline plan) has the same files and metadata, with no real secret in it", () => {
        const redacted = hostsFor(coordinator, REDACTED_SECRETS);
        const meta = (hs: HostFile[][]) => hs.map((files) => files.map(({ content: _content, ...rest }) => rest));
        expect(meta(redacted)).toEqual(meta(hosts));
        for (const f of redacted.flat()) {
            expect(SECRET_VALUES.filter((s) => f.content.includes(s))).toEqual([]);
            if (f.secret) expect(f.content).toContain(REDACTED);
        }
    });
});

describe("management and signal files are readable by the openzro service user only through its group", () => {
    test.each([MANAGEMENT_JSON_PATH, envFilePath("debian", "openzro-management"), envFilePath("debian", "openzro-signal")])("%s", (path) => {
        const f = fileAt(hostsFor("embedded")[0], path);
        expect([f.mode, f.owner, f.group]).toEqual(["0640", "root", "openzro"]);
    });
});

describe('grpcBackend "tls": nginx gets its certificate and a root-only key', () => {
    const settings = settingsFor({});
    const CERT = "-----BEGIN CERTIFICATE-----\nMIIBcertificatebody\n-----END CERTIFICATE-----\n";
    const KEY = "-----BEGIN RSA PRIVATE KEY-----\nMIIEkeybodythatmuststaysecret\n-----END RSA PRIVATE KEY-----\n";
    const topology = { ...topologyFor(settings), grpcBackend: "tls" as const, nginxGrpcTlsCertificate: CERT };
    const files = renderControllerFiles(settings, topology, 0, { ...SECRETS, nginxGrpcTlsKey: KEY });

    test("certificate public, key secret 0600 root:root; both restart nginx only; the site names both", () => {
        expect(fileAt(files, NGINX_GRPC_TLS_CERT_PATH)).toMatchObject({ content: CERT, mode: "0644", owner: "root", group: "root", restarts: ["nginx"], secret: false });
        expect(fileAt(files, NGINX_GRPC_TLS_KEY_PATH)).toMatchObject({ content: KEY, mode: "0600", owner: "root", group: "root", restarts: ["nginx"], secret: true });
        const site = fileAt(files, NGINX_SITE_PATH).content;
        expect(site).toContain(`ssl_certificate ${NGINX_GRPC_TLS_CERT_PATH};`);
        expect(site).toContain(`ssl_certificate_key ${NGINX_GRPC_TLS_KEY_PATH};`);
        // The key appears in its own file only.
        expect(files.filter((f) => f.content.includes("keybodythatmuststaysecret")).map((f) => f.path)).toEqual([NGINX_GRPC_TLS_KEY_PATH]);
    });

    test("the redacted rendering (offline plan) keeps the certificate and hides the key", () => {
        const redacted = renderControllerFiles(settings, topology, 0, { ...REDACTED_SECRETS, nginxGrpcTlsKey: REDACTED });
        expect(fileAt(redacted, NGINX_GRPC_TLS_CERT_PATH).content).toBe(CERT);
        expect(fileAt(redacted, NGINX_GRPC_TLS_KEY_PATH).content).toBe(`${REDACTED}\n`);
    });

    test("a missing or non-PEM key or certificate is a one-line error that never prints the value", () => {
        expect(() => renderControllerFiles(settings, topology, 0, SECRETS)).toThrow(/^nginxGrpcTlsKey: must be the PEM private key .* \(got "missing"\); /);
        expect(() => renderControllerFiles(settings, topology, 0, { ...SECRETS, nginxGrpcTlsKey: "hunter2-not-a-pem" })).toThrow(/\(got "not PEM"\)/);
        expect(() => renderControllerFiles(settings, { ...topology, nginxGrpcTlsCertificate: undefined }, 0, { ...SECRETS, nginxGrpcTlsKey: KEY })).toThrow(
            /^nginxGrpcTlsCertificate: must be the PEM certificate/,
        );
    });

    test("the h2c rendering (ALB) ships neither file", () => {
        const h2c = renderControllerFiles(settings, topologyFor(settings), 0, SECRETS).map((f) => f.path);
        expect(h2c).not.toContain(NGINX_GRPC_TLS_CERT_PATH);
        expect(h2c).not.toContain(NGINX_GRPC_TLS_KEY_PATH);
    });
});
