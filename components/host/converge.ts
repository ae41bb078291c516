// What one host runs and how the converge script gets there: packages, systemd units, local health checks,
// directories and the script variables, turned into payloads (bundle.ts). Pure: settings and resolved facts in,
// payloads out; the host layer only resolves Outputs and calls these.
import { packageVersionOf, parseReleaseVersion, releaseVersionProblem } from "../config/releaseVersion";
import { OsFamily, Settings } from "../config/types";
import { DATABASE_APP_ROLE, DATABASE_NAMES, LoadBalancerFacts } from "./facts";
import { HostFile, ServiceName } from "./files";
import {
    DRAIN_FILE,
    HEALTH_PATH,
    MANAGEMENT_PORT,
    NATS_CLIENT_PORT,
    NGINX_HTTP_PORT,
    REDIS_PORT,
    RELAY_METRICS_PORT,
    SIGNAL_PORT,
    STUN_PORT,
} from "./ports";
import { relayDnsName, relayHostName } from "../config/naming";
import { autocertCachePath, relayHasTls } from "./relayTls";
import { DASHBOARD_ENV_PATH, DASHBOARD_ROOT, MANAGEMENT_JETSTREAM_DIR, NATS_JETSTREAM_DIR, POSTGRES_CA_PATH } from "./render/paths";
import { Payload, PayloadFile } from "./bundle";
import { renderPostgresCa } from "./render/hostFiles";
import { scriptsFor } from "./bundle-scripts";
import { HOST_WAITS, RUN_LIMIT_SECONDS, drainTimings } from "./rollout";
import { metricsAgentVars } from "./metricsAgent";
import type { MetricsAgentFacts } from "./facts";

export type HostRole = "controller" | "relay";

/** Default package repository; the integration tests override OZ_REPO_URL / OZ_KEY_URL with a local one. */
export const OPENZRO_REPO_URL: Readonly<Record<OsFamily, string>> = {
    debian: "https://pkg.openzro.io/apt",
    // `$basearch` is expanded by dnf, not by the shell (vars.env single-quotes it).
    rhel: "https://pkg.openzro.io/rpm/$basearch",
};
export const OPENZRO_KEY_URL = "https://pkg.openzro.io/openzro-archive-key.asc";
export const DASHBOARD_PACKAGE = "openzro-dashboard";

/** systemd unit of a service on this OS family (RHEL names the Redis unit and package "redis"). */
export function systemdUnit(os: OsFamily, service: ServiceName): string {
    return os === "rhel" && service === "redis-server" ? "redis" : service;
}

function systemPackage(os: OsFamily, service: "nginx" | "nats-server" | "redis-server"): string {
    return systemdUnit(os, service);
}

/** Services whose health needs a majority of the controllers (a JetStream quorum): see converge.sh. */
export function quorumBoundServices(settings: Settings): ServiceName[] {
    if (settings.controllers.count < 2) return [];
    switch (settings.cluster.coordinator) {
        // Management's coordinator keeps its locks in a JetStream KV; signal runs its own embedded NATS
        // cluster; nginx's /healthz proxies to management, so it cannot answer 200 before management does.
        case "embedded":
            return ["openzro-management", "openzro-signal", "nginx"];
        // The standalone nats-server answers on its own; management's KV still needs the JetStream quorum.
        case "nats":
            return ["openzro-management", "nginx"];
        default:
            return [];
    }
}

export interface HostService {
    readonly service: ServiceName;
    readonly unit: string;
    /** Readiness checks, all must pass (health.sh kinds): http:, http-drain:, http-any:, tcp:, tls:, tls-issued:, stun:. */
    readonly checks: readonly string[];
    /** Check used instead while a quorum-bound service cannot be ready yet; undefined: none. */
    readonly liveness?: string;
    readonly quorumBound: boolean;
}

/**
 * The relay is ready when its listener is, not when /metrics answers: metrics start before TLS set-up and the
 * relay listener (relay/cmd/root.go) and stay up when a listener fails (audit F4). With TLS the port must complete
 * a handshake for the relay's name, verified against the system's trust store. Let's Encrypt by autocert issues
 * the certificate on the first handshake for the name and retries a failed issuance on the next handshake with
 * no back-off, so a check looping on handshakes before the first issuance would burn Let's Encrypt's
 * failed-validation limit: tls-issued handshakes only once the certificate is cached, and until then needs the
 * port to accept connections. route53 obtains the certificate before listening and files load it at start, so
 * their port never opens without one.
 */
export function relayListenerCheck(settings: Settings, relayName: string): string {
    const port = settings.relay.port;
    const name = relayDnsName(relayName, settings.domain);
    switch (settings.relay.tls) {
        case "none":
            return `tcp:127.0.0.1:${port}`;
        case "letsencrypt":
            return `tls-issued:127.0.0.1:${port}:${name}:${autocertCachePath(name)}`;
        case "route53":
        case "files":
            return `tls:127.0.0.1:${port}:${name}`;
    }
}

/** The relay of a relay host's ConvergeHost.name (relayHostName). */
function relayOfHost(settings: Settings, hostName: string | undefined): string {
    const relay = settings.relays.find((r) => relayHostName(r.name) === hostName);
    if (!relay) {
        throw new Error(`relay host ${JSON.stringify(hostName)}: no such relay in the settings; use relayHostName(<relay name>)`);
    }
    return relay.name;
}

/** The services of a host in start order: coordinator first, then management, signal, nginx; coturn, relay. */
export function hostServices(settings: Settings, role: HostRole, hostName?: string): HostService[] {
    const os = settings.hosts.osFamily;
    const quorum = new Set(quorumBoundServices(settings));
    const svc = (service: ServiceName, check: string | readonly string[], liveness?: string): HostService => ({
        service,
        unit: systemdUnit(os, service),
        checks: typeof check === "string" ? [check] : check,
        liveness,
        quorumBound: quorum.has(service),
    });
    if (role === "relay") {
        const relayName = relayOfHost(settings, hostName);
        return [
            // A STUN binding request answered with a mapped address, not just a bound socket.
            svc("coturn", `stun:127.0.0.1:${STUN_PORT}`),
            svc("openzro-relay", [`http:http://127.0.0.1:${RELAY_METRICS_PORT}/metrics`, relayListenerCheck(settings, relayName)]),
        ];
    }
    const services: HostService[] = [];
    if (settings.cluster.coordinator === "nats") services.push(svc("nats-server", `tcp:127.0.0.1:${NATS_CLIENT_PORT}`));
    if (settings.cluster.coordinator === "redis") services.push(svc("redis-server", `tcp:127.0.0.1:${REDIS_PORT}`));
    const healthz = `http://127.0.0.1:${NGINX_HTTP_PORT}${HEALTH_PATH}`;
    services.push(
        svc("openzro-management", `http:http://127.0.0.1:${MANAGEMENT_PORT}/scim/v2/ServiceProviderConfig`),
        svc("openzro-signal", `tcp:127.0.0.1:${SIGNAL_PORT}`),
        // 503 while drained; otherwise 200 only when management answers behind it. Liveness: nginx answers at all.
        svc("nginx", `http-drain:${healthz}`, `http-any:${healthz}`),
    );
    return services;
}

export interface HostPackages {
    /** Installed at exactly the openZro version and held. */
    readonly pinned: readonly string[];
    /** Installed from the distribution when missing. */
    readonly system: readonly string[];
    /** Package → unit restarted when the package changes. */
    readonly units: Readonly<Record<string, string>>;
}

export function hostPackages(settings: Settings, role: HostRole): HostPackages {
    const os = settings.hosts.osFamily;
    if (role === "relay") {
        // coturn: the STUN server (stun-only). openssl: the relay's TLS health check.
        const system = ["coturn", ...(relayHasTls(settings.relay.tls) ? ["openssl"] : [])];
        return { pinned: ["openzro-relay"], system, units: { "openzro-relay": "openzro-relay", coturn: "coturn" } };
    }
    const system = [systemPackage(os, "nginx")];
    const units: Record<string, string> = {
        "openzro-management": "openzro-management",
        "openzro-signal": "openzro-signal",
        [systemPackage(os, "nginx")]: systemdUnit(os, "nginx"),
    };
    // The standalone coordinators run on every controller.
    const coordinatorService =
        settings.cluster.coordinator === "nats" ? "nats-server" : settings.cluster.coordinator === "redis" ? "redis-server" : undefined;
    if (coordinatorService) {
        system.push(systemPackage(os, coordinatorService));
        units[systemPackage(os, coordinatorService)] = systemdUnit(os, coordinatorService);
    }
    return { pinned: ["openzro-management", "openzro-signal", DASHBOARD_PACKAGE], system, units };
}

export interface HostDirectory {
    readonly path: string;
    readonly owner: string;
    readonly group: string;
    readonly mode: string;
}

/** Directories the services need that their packages do not create. */
export function hostDirectories(settings: Settings, role: HostRole): HostDirectory[] {
    if (role === "relay") return [];
    switch (settings.cluster.coordinator) {
        case "embedded":
            return [{ path: MANAGEMENT_JETSTREAM_DIR, owner: "openzro", group: "openzro", mode: "0750" }];
        case "nats": {
            const parent = NATS_JETSTREAM_DIR.slice(0, NATS_JETSTREAM_DIR.lastIndexOf("/"));
            return [
                { path: parent, owner: "nats", group: "nats", mode: "0750" },
                { path: NATS_JETSTREAM_DIR, owner: "nats", group: "nats", mode: "0750" },
            ];
        }
        default:
            return [];
    }
}

/** HostFile → payload file, with logical services mapped to this OS family's units. */
export function payloadFiles(os: OsFamily, files: readonly HostFile[]): PayloadFile[] {
    return files.map((f) => ({
        path: f.path,
        mode: f.mode,
        owner: f.owner,
        group: f.group,
        units: f.restarts.map((s) => systemdUnit(os, s)),
        content: f.content,
    }));
}

/** Everything about one host the converge script needs besides its files. */
export interface ConvergeHost {
    readonly role: HostRole;
    /** controllerName(i) / relayHostName(name): log tag and plan directory. */
    readonly name: string;
    /** host:port of the other controllers' cluster route listeners (quorum-bound services only). */
    readonly clusterPeers: readonly string[];
    /** Controllers, when the footprint hands the database's server CA over as a URL: converge.sh downloads it. */
    readonly databaseCaUrl?: string;
    /** The cloud's metrics agent this host runs (FootprintFacts.metricsAgent); absent: none. */
    readonly metricsAgent?: MetricsAgentFacts["kind"];
}

function list(items: readonly string[]): string {
    return items.join(" ");
}

function entries(pairs: readonly (readonly [string, string])[]): string {
    return pairs.map(([k, v]) => `${k}=${v}`).join(" ");
}

/**
 * The package version the host installs for an openZro release (0.53.1-alpha.87 → 0.53.1~alpha.87, D30).
 * The release reaches this point from config or from a promoted stack's output, which config validation never
 * saw: a value that is not a release fails the preview or update here (in the Output that builds the payloads),
 * before any converge command runs on a host.
 */
export function hostPackageVersion(release: string, os: OsFamily): string {
    const parsed = parseReleaseVersion(release);
    if (!parsed) {
        const bad = releaseVersionProblem(release) ?? { problem: "is not a release version", fix: "use e.g. 0.53.1-alpha.87" };
        throw new Error(
            `openzroVersion: ${bad.problem} (got ${JSON.stringify(release)}); ${bad.fix} (with promoteFromStack, fix that stack's openzroVersion)`,
        );
    }
    return packageVersionOf(parsed, os);
}

/** The variables of converge.sh (documented in docs/hosts.md). */
export function convergeVars(
    settings: Settings,
    host: ConvergeHost,
    version: string,
    lb: LoadBalancerFacts,
): Record<string, string> {
    const os = settings.hosts.osFamily;
    const packageVersion = hostPackageVersion(version, os);
    const services = hostServices(settings, host.role, host.name);
    const packages = hostPackages(settings, host.role);
    const timings = drainTimings(lb);
    const controller = host.role === "controller";
    const agent = metricsAgentVars(host.metricsAgent);
    // The agent runs after the daemons it scrapes; it has no local health check (it only pushes), so converge.sh
    // enables and starts it and waits for nothing.
    const units = [...services.map((s) => s.unit), ...(agent.OZ_AGENT_UNIT ? [agent.OZ_AGENT_UNIT] : [])];
    const packageUnits = { ...packages.units, ...(agent.OZ_AGENT_PACKAGE ? { [agent.OZ_AGENT_PACKAGE]: agent.OZ_AGENT_UNIT } : {}) };
    return {
        OZ_HOST_NAME: host.name,
        OZ_ROLE: host.role,
        OZ_OS_FAMILY: os,
        OZ_RELEASE: version,
        OZ_VERSION: packageVersion,
        OZ_REPO_URL: OPENZRO_REPO_URL[os],
        OZ_KEY_URL: OPENZRO_KEY_URL,
        OZ_PINNED_PACKAGES: list(packages.pinned),
        OZ_SYSTEM_PACKAGES: list(packages.system),
        OZ_PACKAGE_UNITS: entries(Object.entries(packageUnits)),
        OZ_DASHBOARD_PACKAGE: controller ? DASHBOARD_PACKAGE : "",
        OZ_DASHBOARD_ROOT: controller ? DASHBOARD_ROOT : "",
        OZ_DASHBOARD_ENV_FILE: controller ? DASHBOARD_ENV_PATH : "",
        OZ_NGINX_DEFAULT_SITE: controller && os === "debian" ? "/etc/nginx/sites-enabled/default" : "",
        OZ_DIRECTORIES: list(hostDirectories(settings, host.role).map((d) => `${d.path}:${d.owner}:${d.group}:${d.mode}`)),
        OZ_SERVICES: list(units),
        // A unit with several checks appears once per check; converge.sh waits for each in order.
        OZ_HEALTH_CHECKS: entries(services.flatMap((s) => s.checks.map((check) => [s.unit, check] as const))),
        OZ_QUORUM_UNITS: list(services.filter((s) => s.quorumBound).map((s) => s.unit)),
        OZ_LIVENESS_CHECKS: entries(services.filter((s) => s.quorumBound && s.liveness).map((s) => [s.unit, s.liveness as string] as const)),
        OZ_CLUSTER_PEERS: list(host.clusterPeers),
        OZ_CLUSTER_SIZE: String(controller ? settings.controllers.count : 1),
        OZ_DRAIN_FILE: DRAIN_FILE,
        OZ_DRAIN_WAIT_SECONDS: String(controller ? timings.drainSeconds : 0),
        OZ_READY_WAIT_SECONDS: String(controller ? timings.readySeconds : 0),
        OZ_HEALTH_TIMEOUT_SECONDS: String(HOST_WAITS.healthSeconds),
        OZ_VERIFY_TIMEOUT_SECONDS: String(HOST_WAITS.verifySeconds),
        // The database's server CA: downloaded to OZ_DB_CA_FILE when a URL is set (else shipped as a file).
        OZ_DB_CA_URL: controller ? (host.databaseCaUrl ?? "") : "",
        OZ_DB_CA_FILE: controller ? POSTGRES_CA_PATH : "",
        OZ_DB_CA_UNITS: controller ? "openzro-management" : "",
        ...agent,
    };
}

/** host:port of the other controllers' cluster route listeners, in controller order. */
export function clusterPeers(settings: Settings, privateIps: readonly string[], index: number): string[] {
    if (quorumBoundServices(settings).length === 0) return [];
    return privateIps.filter((_, i) => i !== index).map((ip) => `${ip}:${settings.cluster.peerPort}`);
}

/**
 * The payload of the converge command: scripts, variables and every file of the host. `redact`: the secret
 * values inside the files, masked in whatever the run prints (the host layer passes the real secrets).
 */
export function convergePayload(
    settings: Settings,
    host: ConvergeHost,
    version: string,
    lb: LoadBalancerFacts,
    files: readonly HostFile[],
    scripts: Readonly<Record<string, string>>,
    redact: readonly string[] = [],
): Payload {
    return {
        entrypoint: "converge.sh",
        scripts: scriptsFor(scripts, "converge.sh"),
        vars: convergeVars(settings, host, version, lb),
        files: payloadFiles(settings.hosts.osFamily, files),
        redact,
        timeLimitSeconds: RUN_LIMIT_SECONDS.converge,
    };
}

/** The verify command's payload: the same variables, no files (verify changes nothing). */
export function verifyPayload(
    settings: Settings,
    host: ConvergeHost,
    version: string,
    lb: LoadBalancerFacts,
    scripts: Readonly<Record<string, string>>,
): Payload {
    return { ...convergePayload(settings, host, version, lb, [], scripts), timeLimitSeconds: RUN_LIMIT_SECONDS.verify };
}

/** converge.sh variables the prepare mode reads: what the package download needs, nothing else. */
const PREPARE_VARS = [
    "OZ_HOST_NAME",
    "OZ_ROLE",
    "OZ_OS_FAMILY",
    "OZ_VERSION",
    "OZ_REPO_URL",
    "OZ_KEY_URL",
    "OZ_PINNED_PACKAGES",
    "OZ_SYSTEM_PACKAGES",
    "OZ_AGENT_PACKAGE",
    "OZ_AGENT_VERSION",
    "OZ_AGENT_DEB_URL",
    "OZ_AGENT_KEY_URL",
    "OZ_AGENT_KEY_FINGERPRINT",
    "OZ_AGENT_CACHE_DIR",
] as const;

/**
 * The prepare command's payload: package repository and download only. No files, no secrets, nothing of the
 * database or of other hosts, so it re-runs only when the version or the package set changes, and a relay's
 * prepare waits for nothing but its own host.
 */
export function preparePayload(
    settings: Settings,
    host: ConvergeHost,
    version: string,
    lb: LoadBalancerFacts,
    scripts: Readonly<Record<string, string>>,
): Payload {
    const all = convergeVars(settings, { ...host, clusterPeers: [] }, version, lb);
    return {
        entrypoint: "converge.sh",
        scripts: scriptsFor(scripts, "converge.sh"),
        vars: Object.fromEntries(PREPARE_VARS.map((k) => [k, all[k]])),
        files: [],
        timeLimitSeconds: RUN_LIMIT_SECONDS.prepare,
    };
}

export interface DatabaseTarget {
    readonly host: string;
    readonly port: number;
    readonly user: string;
    readonly mainDatabase: string;
    /** The server CA as PEM, or (when undefined) `caUrl` to download it from. */
    readonly serverCaPem?: string;
    readonly caUrl?: string;
}

/** Secrets of the database bootstrap: the master password it connects with and the app role's password. */
export interface BootstrapSecrets {
    readonly masterPassword: string;
    readonly appPassword: string;
}

/** Databases the host layer creates (the cloud creates the main one). */
export function databasesToCreate(settings: Settings): string[] {
    return [DATABASE_NAMES.activity, DATABASE_NAMES.flow, ...(settings.dex.enabled ? [DATABASE_NAMES.dex] : [])];
}

/** Management's databases: the app role owns exactly these. */
export function applicationDatabases(db: DatabaseTarget): string[] {
    return [db.mainDatabase, DATABASE_NAMES.activity, DATABASE_NAMES.flow];
}

/**
 * The database bootstrap's payload; the secrets are REDACTED for the offline plan's digest. The server CA
 * travels as a payload file (not installed: the script only reads it) or as a URL the script downloads.
 */
export function bootstrapPayload(
    settings: Settings,
    db: DatabaseTarget,
    secrets: BootstrapSecrets,
    scripts: Readonly<Record<string, string>>,
): Payload {
    if ((db.serverCaPem === undefined) === (db.caUrl === undefined)) {
        throw new Error("database.serverCa: set exactly one of pem or url; the footprint must hand over the database's server CA");
    }
    return {
        entrypoint: "bootstrap-db.sh",
        scripts: scriptsFor(scripts, "bootstrap-db.sh"),
        vars: {
            OZ_OS_FAMILY: settings.hosts.osFamily,
            OZ_DB_HOST: db.host,
            OZ_DB_PORT: String(db.port),
            OZ_DB_USER: db.user,
            OZ_DB_MAIN: db.mainDatabase,
            OZ_DB_CREATE: list(databasesToCreate(settings)),
            OZ_DB_APP_ROLE: DATABASE_APP_ROLE,
            OZ_DB_APP_DATABASES: list(applicationDatabases(db)),
            OZ_DB_CA_URL: db.caUrl ?? "",
            OZ_DB_CA_FILE: POSTGRES_CA_PATH,
            OZ_DB_CA_UNITS: "",
            OZ_DB_ATTEMPTS: String(HOST_WAITS.databaseAttempts),
            OZ_DB_RETRY_SECONDS: String(HOST_WAITS.databaseRetrySeconds),
            OZ_DB_STATEMENT_TIMEOUT_SECONDS: String(HOST_WAITS.databaseStatementSeconds),
        },
        files:
            db.serverCaPem === undefined
                ? []
                : [{ path: POSTGRES_CA_PATH, mode: "0644", owner: "root", group: "root", units: [], content: renderPostgresCa(db.serverCaPem) }],
        secrets: { "db-password": secrets.masterPassword, "db-app-password": secrets.appPassword },
        timeLimitSeconds: RUN_LIMIT_SECONDS["db-bootstrap"],
    };
}
