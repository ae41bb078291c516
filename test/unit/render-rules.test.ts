// One test per rule of ARCHITECTURE §3 ("Rules that come from openZro's source"), each asserting the rule
// itself on the rendered files of a whole deployment (3 controllers, 3 relays unless a case says otherwise).
import { DATABASE_NAMES } from "../../components/host/facts";
import { HostFile, RenderTopology } from "../../components/host/files";
import {
    MANAGEMENT_JSON_PATH,
    NGINX_SITE_PATH,
    OpenzroUnit,
    dropInPath,
    envFilePath,
    renderControllerFiles,
    renderRelayFiles,
} from "../../components/host/render";
import {
    SECRETS,
    SettingsPatch,
    directives,
    fileAt,
    parseEnvFile,
    parseKeywordDsn,
    parseNginx,
    settingsFor,
    topologyFor,
    withClientSecret,
    CLIENT_SECRET,
} from "./render-fixtures";
import { Settings } from "../../components/config/types";
import { validateSettings, type RawConfig } from "../../components/config/load";

function deployment(patch: SettingsPatch = {}, topologyPatch: Partial<RenderTopology> = {}) {
    const settings = settingsFor(patch);
    const topology = { ...topologyFor(settings), ...topologyPatch };
    return {
        settings,
        topology,
        controllers: topology.controllers.map((_, i) => renderControllerFiles(settings, topology, i, SECRETS)),
        relays: settings.relays.map((_, i) => renderRelayFiles(settings, topology, i, SECRETS)),
    };
}

const json = (files: readonly HostFile[]) => JSON.parse(fileAt(files, MANAGEMENT_JSON_PATH).content);
const env = (files: readonly HostFile[], unit: OpenzroUnit, os: Settings["hosts"]["osFamily"] = "debian") =>
    parseEnvFile(fileAt(files, envFilePath(os, unit)).content);

/** Every key path of a JSON value, e.g. "HttpConfig.AuthIssuer". */
function keyPaths(value: unknown, prefix = ""): string[] {
    if (value === null || typeof value !== "object") return [];
    return Object.entries(value).flatMap(([k, v]) => [`${prefix}${k}`, ...keyPaths(v, `${prefix}${k}.`)]);
}

/** `--flag value` pairs of a drop-in's (last) ExecStart line. */
function execStartFlags(files: readonly HostFile[], unit: OpenzroUnit): Map<string, string> {
    const lines = fileAt(files, dropInPath(unit)).content.split("\n").filter((l) => l.startsWith("ExecStart="));
    const words = lines[lines.length - 1].slice("ExecStart=".length).split(" ");
    const flags = new Map<string, string>();
    words.forEach((w, i) => {
        if (w.startsWith("--")) flags.set(w, words[i + 1]?.startsWith("--") || words[i + 1] === undefined ? "" : words[i + 1]);
    });
    return flags;
}

function nginxSeconds(value: string): number {
    const m = /^(\d+)(ms|s|m|h|d|w)?$/.exec(value);
    if (!m) throw new Error(`not an nginx time: ${value}`);
    const unit = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800 }[m[2] ?? "s"] as number;
    return Number(m[1]) * unit;
}

describe("ARCHITECTURE §3 rules on rendered hosts", () => {
    test("Postgres DSNs reach management only through env (main, activity, flow), never management.json [§1.4]", () => {
        const d = deployment();
        for (const files of d.controllers) {
            const raw = fileAt(files, MANAGEMENT_JSON_PATH).content;
            const config = json(files);
            expect(config.StoreConfig).toEqual({ Engine: "postgres" });
            expect(keyPaths(config).filter((k) => /dsn|postgres|datasource/i.test(k))).toEqual([]);
            expect(raw).not.toContain(d.topology.database.host);
            expect(raw).not.toContain("sslmode");

            const e = env(files, "openzro-management");
            const expectDsn = (name: string, dbname: string) => {
                expect(parseKeywordDsn(e.get(name) as string)).toEqual({
                    host: d.topology.database.host,
                    port: "5432",
                    dbname,
                    // Management's own least-privilege role, never the master user; TLS verifying the server.
                    user: "openzro_app",
                    password: SECRETS.databaseAppPassword,
                    sslmode: "verify-full",
                    sslrootcert: "/etc/openzro/postgres-ca.pem",
                });
                expect(e.get(name)).not.toContain(SECRETS.databasePassword);
            };
            expectDsn("OPENZRO_STORE_ENGINE_POSTGRES_DSN", DATABASE_NAMES.main);
            expect(e.get("OZ_ACTIVITY_EVENT_STORE_ENGINE")).toBe("postgres");
            expectDsn("OZ_ACTIVITY_EVENT_POSTGRES_DSN", DATABASE_NAMES.activity);
            expect(e.get("OPENZRO_FLOW_STORE_ENGINE")).toBe("postgres");
            expectDsn("OPENZRO_FLOW_STORE_DSN", DATABASE_NAMES.flow);
            expect(e.get("OPENZRO_FLOW_RETENTION")).toBe("720h");
        }
        const noFlow = deployment({ management: { flowStore: false } });
        expect([...env(noFlow.controllers[0], "openzro-management").keys()].filter((k) => k.startsWith("OPENZRO_FLOW_"))).toEqual([]);
    });

    test("DataStoreEncryptionKey is base64 of exactly 32 bytes, the stack's one key, on every controller [§1.2]", () => {
        const d = deployment();
        const keys = d.controllers.map((files) => json(files).DataStoreEncryptionKey as string);
        expect(new Set(keys)).toEqual(new Set([SECRETS.dataStoreEncryptionKey]));
        expect(Buffer.from(keys[0], "base64")).toHaveLength(32);
        const shortKey = { ...SECRETS, dataStoreEncryptionKey: Buffer.alloc(16, 1).toString("base64") };
        expect(() => renderControllerFiles(d.settings, d.topology, 0, shortKey)).toThrow(/DataStoreEncryptionKey: must be base64 of exactly 32 bytes/);
    });

    test("OPENZRO_MGMT_WG_PRIVATE_KEY: one WireGuard key shared by every management replica [§1.2]", () => {
        const d = deployment();
        const keys = d.controllers.map((files) => env(files, "openzro-management").get("OPENZRO_MGMT_WG_PRIVATE_KEY"));
        expect(keys).toEqual(d.controllers.map(() => SECRETS.managementWgPrivateKey));
        // No second source that could disagree with the env (env wins over WgPrivateKey, spec §1.2).
        expect(keyPaths(json(d.controllers[0]))).not.toContain("WgPrivateKey");
    });

    test("no HttpConfig.Address; REST goes to 33073 and nothing anywhere points at 33071 [§1.3, §3]", () => {
        const d = deployment({ dex: { enabled: true, port: 5556 } });
        for (const files of d.controllers) {
            expect(Object.keys(json(files).HttpConfig)).not.toContain("Address");
            expect(execStartFlags(files, "openzro-management").get("--port")).toBe("33073");
            const [http] = directives(parseNginx(fileAt(files, NGINX_SITE_PATH).content), "server");
            const api = directives(http.children, "location").find((l) => l.args.join(" ") === "/api/");
            expect(directives(api?.children, "proxy_pass").map((p) => p.args[0])).toEqual(["http://127.0.0.1:33073"]);
        }
        for (const f of [...d.controllers, ...d.relays].flat()) {
            expect(f.content).not.toMatch(/33071/);
        }
    });

    test("each daemon on a controller gets its own metrics port, clear of every other listener [§3]", () => {
        const d = deployment();
        for (const files of d.controllers) {
            const mgmt = execStartFlags(files, "openzro-management");
            const signal = execStartFlags(files, "openzro-signal");
            const metrics = [Number(mgmt.get("--metrics-port")), Number(signal.get("--metrics-port"))];
            const mEnv = env(files, "openzro-management");
            const sEnv = env(files, "openzro-signal");
            const otherListeners = [
                Number(mgmt.get("--port")),
                Number(signal.get("--port")),
                80,
                8080,
                Number(mEnv.get("OPENZRO_EMBEDDED_NATS_CLIENT_PORT")),
                Number(mEnv.get("OPENZRO_EMBEDDED_NATS_CLUSTER_PORT")),
                Number(sEnv.get("OPENZRO_EMBEDDED_NATS_CLIENT_PORT")),
                Number(sEnv.get("OPENZRO_EMBEDDED_NATS_CLUSTER_PORT")),
            ];
            expect(metrics.every((p) => Number.isInteger(p) && p > 0)).toBe(true);
            expect(new Set(metrics).size).toBe(2);
            // 9090 is every daemon's default: taking it would collide with anything left unset.
            expect(metrics).not.toContain(9090);
            expect(metrics.filter((p) => otherListeners.includes(p))).toEqual([]);
        }
        for (const files of d.relays) {
            const r = env(files, "openzro-relay");
            expect(r.get("OZ_METRICS_PORT")).toMatch(/^\d+$/);
            expect(r.get("OZ_LISTEN_ADDRESS")).not.toBe(`:${r.get("OZ_METRICS_PORT")}`);
        }
    });

    test("OPENZRO_LOG_LEVEL is non-empty for the units that substitute it; the relay reads OZ_LOG_LEVEL [§2]", () => {
        const d = deployment({ logLevel: "debug" });
        for (const files of d.controllers) {
            for (const unit of ["openzro-management", "openzro-signal"] as const) {
                expect(env(files, unit).get("OPENZRO_LOG_LEVEL")).toBe("debug");
                expect(execStartFlags(files, unit).get("--log-level")).toBe("${OPENZRO_LOG_LEVEL}");
            }
        }
        for (const files of d.relays) {
            const r = env(files, "openzro-relay");
            expect(r.get("OZ_LOG_LEVEL")).toBe("debug");
            expect(r.has("OPENZRO_LOG_LEVEL")).toBe(false);
        }
        const empty = settingsFor({ logLevel: "" as Settings["logLevel"] });
        expect(() => renderControllerFiles(empty, topologyFor(empty), 0, SECRETS)).toThrow(/openzro:logLevel: must not be empty/);
    });

    describe("signal with more than one replica shares a dispatcher; management gets the matching coordinator [§2.2]", () => {
        const clusterUrl = "nats://user:pw@broker.example.net:4222";
        const cases: {
            coordinator: Settings["cluster"]["coordinator"];
            count: number;
            signal: Record<string, string | undefined>;
            management: Record<string, string | undefined>;
        }[] = [
            { coordinator: "embedded", count: 3, signal: { OPENZRO_SIGNAL_DISPATCHER: "nats", OPENZRO_BROKER: "embedded" }, management: { OPENZRO_BROKER: "embedded", OPENZRO_NATS_URL: undefined, OPENZRO_REDIS_URL: undefined } },
            { coordinator: "nats", count: 3, signal: { OPENZRO_SIGNAL_DISPATCHER: "nats", OPENZRO_NATS_URL: "nats://127.0.0.1:4222", OPENZRO_BROKER: undefined }, management: { OPENZRO_NATS_URL: "nats://127.0.0.1:4222", OPENZRO_BROKER: undefined } },
            { coordinator: "redis", count: 3, signal: { OPENZRO_SIGNAL_DISPATCHER: "redis", OPENZRO_REDIS_URL: "redis://:Coord-Pass_0123456789abcdefghijk@10.40.128.10:6379" }, management: { OPENZRO_REDIS_URL: "redis://:Coord-Pass_0123456789abcdefghijk@10.40.128.10:6379", OPENZRO_BROKER: undefined } },
            { coordinator: "external-nats", count: 3, signal: { OPENZRO_SIGNAL_DISPATCHER: "nats", OPENZRO_NATS_URL: clusterUrl }, management: { OPENZRO_NATS_URL: clusterUrl } },
            { coordinator: "external-redis", count: 3, signal: { OPENZRO_SIGNAL_DISPATCHER: "redis", OPENZRO_REDIS_URL: clusterUrl }, management: { OPENZRO_REDIS_URL: clusterUrl } },
            { coordinator: "embedded", count: 1, signal: { OPENZRO_SIGNAL_DISPATCHER: "inmem", OPENZRO_BROKER: undefined }, management: { OPENZRO_BROKER: "embedded", OPENZRO_CLUSTER_PEERS: undefined } },
            { coordinator: "none", count: 1, signal: { OPENZRO_SIGNAL_DISPATCHER: "inmem", OPENZRO_BROKER: undefined }, management: { OPENZRO_BROKER: undefined, OPENZRO_NATS_URL: undefined, OPENZRO_REDIS_URL: undefined } },
        ];
        test.each(cases)("$coordinator on $count controller(s)", ({ coordinator, count, signal, management }) => {
            const settings = settingsFor({ cluster: { coordinator, peerPort: 6222, signalPeerPort: 6223 }, controllers: { count, instanceType: "c7i.xlarge", rootVolumeGb: 100 } });
            const topology = topologyFor(settings);
            const secrets = { ...SECRETS, clusterUrl };
            for (let i = 0; i < count; i++) {
                const files = renderControllerFiles(settings, topology, i, secrets);
                const s = env(files, "openzro-signal");
                const m = env(files, "openzro-management");
                for (const [k, v] of Object.entries(signal)) expect([k, s.get(k)]).toEqual([k, v]);
                for (const [k, v] of Object.entries(management)) expect([k, m.get(k)]).toEqual([k, v]);
            }
        });
        test("none on 3 controllers is refused: messages between replicas would be dropped", () => {
            const settings = settingsFor({ cluster: { coordinator: "none", peerPort: 6222, signalPeerPort: 6223 } });
            expect(() => renderControllerFiles(settings, topologyFor(settings), 0, SECRETS)).toThrow(/^openzro:clusterCoordinator: .*drops messages.*; use embedded/);
        });
        test("the redis URL carries the coordinator password intact, aimed at the first controller", () => {
            const settings = settingsFor({ cluster: { coordinator: "redis", peerPort: 6222, signalPeerPort: 6223 } });
            const awkward = { ...SECRETS, coordinatorPassword: "a:b@c/d%e" };
            const url = new URL(env(renderControllerFiles(settings, topologyFor(settings), 2, awkward), "openzro-management").get("OPENZRO_REDIS_URL") as string);
            expect([url.protocol, decodeURIComponent(url.password), url.hostname, url.port]).toEqual(["redis:", "a:b@c/d%e", "10.40.128.10", "6379"]);
        });
    });

    describe("embedded NATS: peers are the OTHER controllers' private IPs on the route port, nats:// [§2.4]", () => {
        test.each([3, 5])("%i controllers, management on clusterPeerPort and signal on signalPeerPort", (count) => {
            const settings = settingsFor({ controllers: { count, instanceType: "c7i.xlarge", rootVolumeGb: 100 }, cluster: { coordinator: "embedded", peerPort: 7222, signalPeerPort: 7223 } });
            const topology = topologyFor(settings);
            topology.controllers.forEach((self, i) => {
                const files = renderControllerFiles(settings, topology, i, SECRETS);
                const others = topology.controllers.filter((c) => c !== self).map((c) => c.privateIp).sort();
                for (const [unit, port] of [["openzro-management", "7222"], ["openzro-signal", "7223"]] as const) {
                    const e = env(files, unit);
                    const peers = (e.get("OPENZRO_CLUSTER_PEERS") as string).split(",").map((p) => new URL(p));
                    expect(peers.every((u) => u.protocol === "nats:" && u.port === port && u.username === "")).toBe(true);
                    expect(peers.map((u) => u.hostname).sort()).toEqual(others);
                    expect(e.get("OPENZRO_EMBEDDED_NATS_CLUSTER_PORT")).toBe(port);
                }
                // Two embedded servers on one host: their loopback client ports must differ.
                expect(env(files, "openzro-management").get("OPENZRO_EMBEDDED_NATS_CLIENT_PORT")).not.toBe(env(files, "openzro-signal").get("OPENZRO_EMBEDDED_NATS_CLIENT_PORT"));
            });
        });
        test("duplicate hostnames (the NATS server_name) are refused", () => {
            const settings = settingsFor();
            const topology = topologyFor(settings);
            const clash = { ...topology, controllers: topology.controllers.map((c) => ({ ...c, hostname: "ubuntu" })) };
            expect(() => renderControllerFiles(settings, clash, 0, SECRETS)).toThrow(/controller hostnames must be unique/);
        });
    });

    test("Relay.Secret equals every relay's OZ_AUTH_SECRET; each OZ_EXPOSED_ADDRESS is its own Relay.Addresses entry [§4]", () => {
        const d = deployment();
        const relay = json(d.controllers[0]).Relay;
        expect(relay.Addresses).toEqual([
            "rels://relay-us-east.openzro.example.com:443",
            "rels://relay-eu-west.openzro.example.com:443",
            "rels://relay-ap-south.openzro.example.com:443",
        ]);
        d.controllers.forEach((files) => expect(json(files).Relay).toEqual(relay));
        d.relays.forEach((files, i) => {
            const r = env(files, "openzro-relay");
            expect(r.get("OZ_AUTH_SECRET")).toBe(relay.Secret);
            expect(r.get("OZ_EXPOSED_ADDRESS")).toBe(relay.Addresses[i]);
            expect(r.get("OZ_LISTEN_ADDRESS")).toBe(`:${new URL(relay.Addresses[i]).port}`);
        });
        expect(relay.Secret).toBe(SECRETS.relayAuthSecret);
    });

    test.each([
        ["letsencrypt", 443, "rels"],
        ["route53", 8443, "rels"],
        ["none", 33080, "rel"],
    ] as const)("relayTls %s: Relay.Addresses, every OZ_EXPOSED_ADDRESS and the scheme agree (rels:// only with TLS) [§4]", (tls, port, scheme) => {
        const d = deployment({ relay: { tls, port } });
        const addresses = json(d.controllers[0]).Relay.Addresses;
        expect(addresses).toEqual(["us-east", "eu-west", "ap-south"].map((n) => `${scheme}://relay-${n}.openzro.example.com:${port}`));
        d.relays.forEach((files, i) => expect(env(files, "openzro-relay").get("OZ_EXPOSED_ADDRESS")).toBe(addresses[i]));
    });

    test("Stuns lists every relay host's STUN server by default, and each relay host runs one [audit F2]", () => {
        // The stuns a stack gets when it sets none (config validation), rendered for the same relays.
        const { stuns } = validateSettings({
            domain: "openzro.example.com",
            dnsZone: "example.com",
            openzroVersion: "0.53.1",
            oidcIssuer: "https://idp.example.com",
            relays: '[{"name":"us-east","region":"us-east-1"},{"name":"eu-west","region":"eu-west-1"},{"name":"ap-south","region":"ap-south-1"}]',
            sshAllowedCidrs: '["203.0.113.0/24"]',
            "aws:region": "us-east-1",
        } as RawConfig);
        const d = deployment({ stuns });
        expect(json(d.controllers[0]).Stuns).toEqual([
            { Proto: "udp", URI: "stun:relay-us-east.openzro.example.com:3478" },
            { Proto: "udp", URI: "stun:relay-eu-west.openzro.example.com:3478" },
            { Proto: "udp", URI: "stun:relay-ap-south.openzro.example.com:3478" },
        ]);
        // Each listed server exists: the host of relay i renders coturn's config on the STUN port.
        d.relays.forEach((files) => {
            const conf = files.find((f) => f.path === "/etc/turnserver.conf");
            expect(conf?.content).toMatch(/^listening-port=3478$/m);
            expect(conf?.restarts).toEqual(["coturn"]);
        });
    });

    test("every Host.Proto is exactly udp|dtls|tcp|http|https, and Flow is set explicitly [§1.2]", () => {
        const d = deployment({ stuns: [{ proto: "udp", uri: "stun:a.example.net:3478" }, { proto: "tcp", uri: "stun:b.example.net:3478" }] });
        const config = json(d.controllers[0]);
        const hosts = [...config.Stuns, config.Signal, config.Flow];
        expect(hosts).toHaveLength(4);
        for (const h of hosts) expect(["udp", "dtls", "tcp", "http", "https"]).toContain(h.Proto);
        expect(config.Flow).toEqual({ Proto: "https", URI: "openzro.example.com:443" });
        const bad = settingsFor({ stuns: [{ proto: "stun" as never, uri: "stun:a.example.net:3478" }] });
        expect(() => renderControllerFiles(bad, topologyFor(bad), 0, SECRETS)).toThrow(/^openzro:stuns\[0\]\.proto: Host\.Proto must be one of/);
    });

    test("ReverseProxy.TrustedPeers lists 127.0.0.1/32 and the LB subnets, never 0.0.0.0/0 [§1.6]", () => {
        const d = deployment();
        const rp = json(d.controllers[0]).ReverseProxy;
        expect(new Set(rp.TrustedPeers)).toEqual(new Set(["127.0.0.1/32", ...d.topology.proxyCidrs]));
        expect(rp.TrustedPeers.some((c: string) => c.endsWith("/0"))).toBe(false);
        expect(rp.TrustedHTTPProxies).toEqual(d.topology.proxyCidrs);
        // nginx trusts X-Forwarded-For from exactly the same sources, on both servers.
        for (const server of directives(parseNginx(fileAt(d.controllers[0], NGINX_SITE_PATH).content), "server")) {
            expect(directives(server.children, "set_real_ip_from").map((n) => n.args[0])).toEqual(d.topology.proxyCidrs);
        }
        for (const catchAll of ["0.0.0.0/0", "::/0"]) {
            const settings = settingsFor();
            const topology = { ...topologyFor(settings), proxyCidrs: ["10.40.0.0/20", catchAll] };
            expect(() => renderControllerFiles(settings, topology, 0, SECRETS)).toThrow(/^loadBalancer\.proxyCidrs: a catch-all range/);
        }
    });

    test.each([
        ["https://idp.example.com", "https://idp.example.com/.well-known/openid-configuration"],
        ["https://idp.example.com/realms/openzro/", "https://idp.example.com/realms/openzro/.well-known/openid-configuration"],
        ["https://openzro.example.com/dex", "https://openzro.example.com/dex/.well-known/openid-configuration"],
    ])("OIDCConfigEndpoint is the issuer's discovery document (%s) [§1.3]", (issuer, endpoint) => {
        const d = deployment({ oidc: { ...settingsFor().oidc, issuer } });
        expect(json(d.controllers[0]).HttpConfig.OIDCConfigEndpoint).toBe(endpoint);
    });

    describe("env files live in /etc/default on Debian/Ubuntu and /etc/sysconfig on RPM hosts, and units read them [§5]", () => {
        test.each([
            ["debian", "/etc/default"],
            ["rhel", "/etc/sysconfig"],
        ] as const)("%s", (osFamily, dir) => {
            const d = deployment({ hosts: { osFamily } });
            const hosts: [readonly HostFile[], OpenzroUnit[]][] = [
                [d.controllers[0], ["openzro-management", "openzro-signal"]],
                [d.relays[0], ["openzro-relay"]],
            ];
            for (const [files, units] of hosts) {
                for (const unit of units) {
                    expect(fileAt(files, `${dir}/${unit}`).content).toMatch(/^[A-Z_]+=/m);
                    const envLines = fileAt(files, dropInPath(unit)).content.split("\n").filter((l) => l.startsWith("EnvironmentFile="));
                    // Reset first, so the packaged EnvironmentFile=-/etc/default/... no longer applies.
                    expect(envLines).toEqual(["EnvironmentFile=", `EnvironmentFile=${dir}/${unit}`]);
                }
                const otherDir = dir === "/etc/default" ? "/etc/sysconfig" : "/etc/default";
                expect(files.filter((f) => f.path.startsWith(otherDir))).toEqual([]);
            }
        });
    });

    test("Dex is proxied at /dex/ without stripping the prefix, only when enabled [§6]", () => {
        const on = deployment({ dex: { enabled: true, port: 5599 } });
        const [http] = directives(parseNginx(fileAt(on.controllers[0], NGINX_SITE_PATH).content), "server");
        const dex = directives(http.children, "location").filter((l) => l.args.join(" ") === "/dex/");
        expect(dex).toHaveLength(1);
        // No URI part on proxy_pass: nginx then forwards /dex/... unchanged.
        expect(directives(dex[0].children, "proxy_pass").map((p) => p.args[0])).toEqual(["http://127.0.0.1:5599"]);
        expect(directives(dex[0].children, "rewrite")).toEqual([]);

        const off = deployment({ dex: { enabled: false, port: 5599 } });
        expect(fileAt(off.controllers[0], NGINX_SITE_PATH).content).not.toMatch(/\/dex/);
    });

    test("gRPC paths are served over HTTP/2 to the right daemon with stream timeouts far above the defaults [LB]", () => {
        const d = deployment();
        const servers = directives(parseNginx(fileAt(d.controllers[0], NGINX_SITE_PATH).content), "server");
        const grpc = servers.filter((s) => directives(s.children, "listen").some((l) => l.args.includes("http2")));
        expect(grpc).toHaveLength(1);
        expect(directives(grpc[0].children, "listen")[0].args[0]).toBe("8080");
        const targets = Object.fromEntries(
            directives(grpc[0].children, "location")
                .filter((l) => directives(l.children, "grpc_pass").length > 0)
                .map((l) => [l.args[0], directives(l.children, "grpc_pass")[0].args[0]]),
        );
        expect(targets).toEqual({
            "/management.ManagementService/": "grpc://127.0.0.1:33073",
            "/flow.FlowService/": "grpc://127.0.0.1:33073",
            "/signalexchange.SignalExchange/": "grpc://127.0.0.1:10000",
        });
        for (const t of ["grpc_read_timeout", "grpc_send_timeout", "client_body_timeout"]) {
            expect(nginxSeconds(directives(grpc[0].children, t)[0].args[0])).toBeGreaterThanOrEqual(3600);
        }
        const http = servers.filter((s) => s !== grpc[0]);
        expect(http.map((s) => directives(s.children, "listen")[0].args)).toEqual([["80", "default_server"]]);
    });

    test("management.json never contains a Go template delimiter, even when a value does [§1.1]", () => {
        const settings = withClientSecret(settingsFor());
        const topology = topologyFor(settings);
        const files = renderControllerFiles(settings, topology, 0, { ...SECRETS, oidcClientSecret: CLIENT_SECRET });
        const raw = fileAt(files, MANAGEMENT_JSON_PATH).content;
        expect(CLIENT_SECRET).toContain("{{");
        expect(raw).not.toContain("{{");
        expect(JSON.parse(raw).PKCEAuthorizationFlow.ProviderConfig.ClientSecret).toBe(CLIENT_SECRET);
    });
});
