// What the converge payload tells a host to run: packages, units, health checks, quorum rules, directories, and
// the database bootstrap's variables. Expected values are written out from the spec and docs/hosts.md.
import {
    bootstrapPayload,
    clusterPeers,
    convergeVars,
    databasesToCreate,
    hostDirectories,
    hostPackages,
    hostServices,
    payloadFiles,
    quorumBoundServices,
    systemdUnit,
} from "../../components/host/converge";
import { CoordinatorKind } from "../../components/config/types";
import { awsTestSettings } from "../mock/awsFixtures";

const LB = { proxyCidrs: ["10.40.0.0/24"], healthCheckIntervalSeconds: 10, healthyThreshold: 2, unhealthyThreshold: 2, deregistrationDelaySeconds: 30 };
const withCoordinator = (coordinator: CoordinatorKind, count = 3) =>
    awsTestSettings({ controllers: { count, instanceType: "c7i.xlarge", rootVolumeGb: 100 }, cluster: { coordinator, peerPort: 6222, signalPeerPort: 6223 } });

describe("per-coordinator controller plan", () => {
    it.each([
        // coordinator, controllers, system packages, units in start order, quorum-bound units
        ["embedded", 3, "nginx", "openzro-management openzro-signal nginx", "openzro-management openzro-signal nginx"],
        ["nats", 3, "nginx nats-server", "nats-server openzro-management openzro-signal nginx", "openzro-management nginx"],
        ["redis", 3, "nginx redis-server", "redis-server openzro-management openzro-signal nginx", ""],
        ["external-nats", 3, "nginx", "openzro-management openzro-signal nginx", ""],
        ["external-redis", 3, "nginx", "openzro-management openzro-signal nginx", ""],
        ["embedded", 1, "nginx", "openzro-management openzro-signal nginx", ""],
        ["none", 1, "nginx", "openzro-management openzro-signal nginx", ""],
    ] as const)("%s on %i controller(s): installs [%s], runs [%s], defers [%s] on first install", (coordinator, count, system, units, quorum) => {
        const settings = withCoordinator(coordinator, count);
        const vars = convergeVars(settings, { role: "controller", name: "controller-1", clusterPeers: [] }, "0.53.1", LB);
        expect(vars.OZ_PINNED_PACKAGES).toBe("openzro-management openzro-signal openzro-dashboard");
        expect(vars.OZ_SYSTEM_PACKAGES).toBe(system);
        expect(vars.OZ_SERVICES).toBe(units);
        expect(vars.OZ_QUORUM_UNITS).toBe(quorum);
        expect(vars.OZ_CLUSTER_SIZE).toBe(String(count));
    });

    it("checks management on its SCIM endpoint, signal on its gRPC port and nginx on /healthz (503 while drained)", () => {
        const services = hostServices(withCoordinator("nats"), "controller");
        expect(Object.fromEntries(services.map((s) => [s.unit, s.checks]))).toEqual({
            "nats-server": ["tcp:127.0.0.1:4222"],
            "openzro-management": ["http:http://127.0.0.1:33073/scim/v2/ServiceProviderConfig"],
            "openzro-signal": ["tcp:127.0.0.1:10000"],
            nginx: ["http-drain:http://127.0.0.1:80/healthz"],
        });
        // While quorum-bound, nginx is only required to answer at all.
        expect(services.find((s) => s.unit === "nginx")?.liveness).toBe("http-any:http://127.0.0.1:80/healthz");
    });

    it("restarts a service when its package changes", () => {
        expect(hostPackages(withCoordinator("redis"), "controller").units).toEqual({
            "openzro-management": "openzro-management",
            "openzro-signal": "openzro-signal",
            nginx: "nginx",
            "redis-server": "redis-server",
        });
    });

    it.each([
        ["embedded", [{ path: "/var/lib/openzro/management/jetstream", owner: "openzro", group: "openzro", mode: "0750" }]],
        ["nats", [
            { path: "/var/lib/nats", owner: "nats", group: "nats", mode: "0750" },
            { path: "/var/lib/nats/jetstream", owner: "nats", group: "nats", mode: "0750" },
        ]],
        ["redis", []],
    ] as const)("%s creates the JetStream directories its packages do not", (coordinator, dirs) => {
        expect(hostDirectories(withCoordinator(coordinator), "controller")).toEqual(dirs);
    });
});

describe("convergeVars", () => {
    const settings = awsTestSettings();

    it("gives a controller the drain timings of its load balancer and the other controllers as cluster peers", () => {
        const peers = clusterPeers(settings, ["10.40.1.11", "10.40.1.12", "10.40.1.13"], 1);
        expect(peers).toEqual(["10.40.1.11:6222", "10.40.1.13:6222"]);
        const vars = convergeVars(settings, { role: "controller", name: "controller-2", clusterPeers: peers }, "0.53.1", LB);
        expect(vars).toMatchObject({
            OZ_HOST_NAME: "controller-2",
            OZ_ROLE: "controller",
            OZ_OS_FAMILY: "debian",
            OZ_VERSION: "0.53.1",
            OZ_REPO_URL: "https://pkg.openzro.io/apt",
            OZ_KEY_URL: "https://pkg.openzro.io/openzro-archive-key.asc",
            OZ_DRAIN_FILE: "/var/lib/openzro/drain",
            OZ_DRAIN_WAIT_SECONDS: "25",
            OZ_READY_WAIT_SECONDS: "25",
            OZ_CLUSTER_PEERS: "10.40.1.11:6222 10.40.1.13:6222",
            OZ_DASHBOARD_ENV_FILE: "/etc/openzro-dashboard.env",
            OZ_DASHBOARD_ROOT: "/usr/share/openzro-dashboard",
            OZ_NGINX_DEFAULT_SITE: "/etc/nginx/sites-enabled/default",
        });
    });

    it("gives a relay no drain, no dashboard and no nginx site to remove", () => {
        const vars = convergeVars(settings, { role: "relay", name: "relay-fra", clusterPeers: [] }, "0.53.1", LB);
        expect(vars).toMatchObject({
            OZ_ROLE: "relay",
            OZ_PINNED_PACKAGES: "openzro-relay",
            OZ_SYSTEM_PACKAGES: "coturn openssl",
            OZ_PACKAGE_UNITS: "openzro-relay=openzro-relay coturn=coturn",
            OZ_SERVICES: "coturn openzro-relay",
            // STUN answers; metrics AND the relay's own listener: a TLS handshake for its name once Let's Encrypt
            // has issued the certificate (the autocert cache file), before that the port accepting connections.
            OZ_HEALTH_CHECKS: [
                "coturn=stun:127.0.0.1:3478",
                "openzro-relay=http:http://127.0.0.1:9090/metrics",
                "openzro-relay=tls-issued:127.0.0.1:443:relay-fra.vpn.example.com:/var/lib/openzro-relay/letsencrypt/relay-fra.vpn.example.com",
            ].join(" "),
            OZ_DRAIN_WAIT_SECONDS: "0",
            OZ_READY_WAIT_SECONDS: "0",
            OZ_DASHBOARD_PACKAGE: "",
            OZ_NGINX_DEFAULT_SITE: "",
            OZ_CLUSTER_SIZE: "1",
        });
    });

    it.each([
        ["route53", { tls: "route53" }, "coturn openssl", "openzro-relay=tls:127.0.0.1:443:relay-fra.vpn.example.com"],
        ["files on 8443", { tls: "files", port: 8443, certFile: "/etc/c.pem", keyFile: "/etc/k.pem" }, "coturn openssl", "openzro-relay=tls:127.0.0.1:8443:relay-fra.vpn.example.com"],
        ["none", { tls: "none", port: 33080 }, "coturn", "openzro-relay=tcp:127.0.0.1:33080"],
    ] as const)("checks the relay listener of relayTls %s: %s", (_what, relay, system, listenerCheck) => {
        const s = awsTestSettings({ relay: { ...settings.relay, ...relay } });
        const vars = convergeVars(s, { role: "relay", name: "relay-fra", clusterPeers: [] }, "0.53.1", LB);
        expect(vars.OZ_SYSTEM_PACKAGES).toBe(system);
        expect(vars.OZ_HEALTH_CHECKS.split(" ")).toEqual(["coturn=stun:127.0.0.1:3478", "openzro-relay=http:http://127.0.0.1:9090/metrics", listenerCheck]);
    });

    it("refuses a relay host name that is no configured relay", () => {
        expect(() => hostServices(settings, "relay", "relay-nowhere")).toThrow(/relay host "relay-nowhere": no such relay/);
    });

    it("uses the RPM repository, unit names and no Debian default site on the rhel family", () => {
        const rhel = awsTestSettings({ hosts: { osFamily: "rhel" }, cluster: { coordinator: "redis", peerPort: 6222, signalPeerPort: 6223 } });
        const vars = convergeVars(rhel, { role: "controller", name: "controller-1", clusterPeers: [] }, "0.53.1", LB);
        expect(vars.OZ_REPO_URL).toBe("https://pkg.openzro.io/rpm/$basearch");
        expect(vars.OZ_SYSTEM_PACKAGES).toBe("nginx redis");
        expect(vars.OZ_SERVICES).toBe("redis openzro-management openzro-signal nginx");
        expect(vars.OZ_NGINX_DEFAULT_SITE).toBe("");
        expect(systemdUnit("rhel", "redis-server")).toBe("redis");
        expect(
            payloadFiles("rhel", [{ path: "/etc/redis/redis.conf", content: "", mode: "0640", owner: "redis", group: "redis", restarts: ["redis-server"], secret: true }])[0].units,
        ).toEqual(["redis"]);
    });

    it.each(["0.53.1 ; rm -rf /", "", "latest\n", "0.53.1~alpha.87"])("rejects a version that is not an openZro release: %j", (version) => {
        expect(() => convergeVars(settings, { role: "relay", name: "relay-fra", clusterPeers: [] }, version, LB)).toThrow(/^openzroVersion: /);
    });

    it("has no quorum-bound service and no peers for a single controller", () => {
        const single = withCoordinator("embedded", 1);
        expect(quorumBoundServices(single)).toEqual([]);
        expect(clusterPeers(single, ["10.40.1.11"], 0)).toEqual([]);
    });
});

describe("bootstrapPayload", () => {
    const db = {
        host: "openzro.c9x.eu-central-1.rds.amazonaws.com",
        port: 5432,
        user: "openzro",
        mainDatabase: "openzro",
        caUrl: "https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem",
    };
    const pw = { masterPassword: "s3cr3t-pw", appPassword: "app-s3cr3t-pw" };

    it.each([
        [false, ["openzro_activity", "openzro_flow"]],
        [true, ["openzro_activity", "openzro_flow", "dex"]],
    ])("with dex.enabled=%s creates %j, never the main database", (dex, names) => {
        const settings = awsTestSettings({ dex: { enabled: dex, port: 5556 } });
        expect(databasesToCreate(settings)).toEqual(names);
        const payload = bootstrapPayload(settings, db, pw, { "bootstrap-db.sh": "#", "lib/common.sh": "#", "converge.sh": "#" });
        expect(payload.vars.OZ_DB_CREATE).toBe(names.join(" "));
        expect(payload.vars.OZ_DB_MAIN).toBe("openzro");
        expect(Object.keys(payload.scripts).sort()).toEqual(["bootstrap-db.sh", "lib/common.sh"]);
    });

    it("carries the passwords only as secret files, never as variables", () => {
        const payload = bootstrapPayload(awsTestSettings(), db, pw, { "bootstrap-db.sh": "#" });
        expect(payload.secrets).toEqual({ "db-password": "s3cr3t-pw", "db-app-password": "app-s3cr3t-pw" });
        expect(JSON.stringify(payload.vars)).not.toContain("s3cr3t-pw");
    });

    it("gives management's three databases (not Dex's) to the application role", () => {
        const payload = bootstrapPayload(awsTestSettings({ dex: { enabled: true, port: 5556 } }), db, pw, { "bootstrap-db.sh": "#" });
        expect(payload.vars.OZ_DB_APP_ROLE).toBe("openzro_app");
        expect(payload.vars.OZ_DB_APP_DATABASES).toBe("openzro openzro_activity openzro_flow");
    });

    it("verifies the server with the CA handed over: a URL to download, or PEM shipped as a payload file", () => {
        const byUrl = bootstrapPayload(awsTestSettings(), db, pw, { "bootstrap-db.sh": "#" });
        expect(byUrl.vars.OZ_DB_CA_URL).toBe(db.caUrl);
        expect(byUrl.files).toEqual([]);
        const pem = "-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE-----\n";
        const { caUrl: _url, ...withoutUrl } = db;
        const byPem = bootstrapPayload(awsTestSettings(), { ...withoutUrl, serverCaPem: pem }, pw, { "bootstrap-db.sh": "#" });
        expect(byPem.vars.OZ_DB_CA_URL).toBe("");
        expect(byPem.files.map((f) => [f.path, f.content])).toEqual([["/etc/openzro/postgres-ca.pem", pem]]);
        expect(() => bootstrapPayload(awsTestSettings(), withoutUrl, pw, { "bootstrap-db.sh": "#" })).toThrow(/database\.serverCa: set exactly one/);
    });
});
