// The integration harness's own pure pieces: every mapping from production values to stand-ins (addresses,
// peer URLs, DSN hosts, nginx paths) and every parser the tests read rendered files with, checked against the
// renderers' own writers where one exists, so a harness bug cannot make a broken rendering look right.
import * as fs from "fs";
import { planSubnets } from "../../components/config/cidr";
import type { Settings } from "../../components/config/types";
import type { HostFile } from "../../components/host/files";
import { postgresKeywordDsn, renderEnvFile } from "../../components/host/render";
import { assertLoopback, hostPortOf, mapNatsUrl, mapPeerList, standInMap } from "./harness/addresses";
import { parseEnvFile } from "./harness/envfile";
import { parseStreamPlan } from "./harness/grpc-standins";
import { nginxTimeSeconds } from "./harness/http-client";
import { looksLikeHttp2 } from "./harness/management-standin";
import { embeddedNatsConf, embeddedSpecFromEnv } from "./harness/nats";
import { DEBIAN_MAIN_CONF, directiveValues, relocateMainConf, serverBlocks } from "./harness/nginx-runner";
import { diffHostFiles, planHostFiles, PlanLike, splitEndpoint, standInTopology, topologyFromPlan } from "./harness/plan-topology";
import { formatKeywordDsn, parseKeywordDsn, withDsnHost } from "./harness/postgres";

const IPS = ["10.40.0.10", "10.40.64.10", "10.40.128.10"];

describe("stand-in addresses", () => {
    const map = standInMap(IPS, "127.0.20");

    test("each real host gets its own loopback address, in order", () => {
        expect(IPS.map((ip) => map.host(ip))).toEqual(["127.0.20.11", "127.0.20.12", "127.0.20.13"]);
    });

    test("127.0.0.1 on a host means that host's own stand-in", () => {
        expect(map.host("127.0.0.1", IPS[2])).toBe("127.0.20.13");
        expect(() => map.host("127.0.0.1")).toThrow(/needs the host/);
    });

    test.each([["10.40.0.11"], ["10.99.0.10"], ["openzro-db.example"]])("an address the plan does not have (%s) is an error", (addr) => {
        expect(() => map.host(addr)).toThrow(/not a host of the plan/);
    });

    test.each([["10.0.0.1"], ["127.0.0.256"], ["127.1"], ["::1"]])("only 127.0.0.0/8 IPv4 addresses are stand-ins (%s is refused)", (addr) => {
        expect(() => assertLoopback(addr)).toThrow(/not in 127\.0\.0\.0\/8/);
    });

    test("a host listed twice is refused", () => {
        expect(() => standInMap([IPS[0], IPS[0]], "127.0.20")).toThrow(/twice/);
    });

    test.each([
        ["nats://10.40.64.10:6222", "nats://127.0.20.12:6222"],
        ["nats://openzro:p%40ss@10.40.128.10:6223", "nats://openzro:p%40ss@127.0.20.13:6223"],
    ])("maps the host of %s and keeps port and credentials", (url, mapped) => {
        expect(mapNatsUrl(url, map)).toBe(mapped);
        expect(hostPortOf(mapped).port).toBe(hostPortOf(url).port);
    });

    test.each([["tls://10.40.0.10:6222"], ["10.40.0.10:6222"], ["nats://10.40.0.10"], ["nats://10.40.0.10:6222/x/y"]])("refuses %s (not nats://host:port)", (url) => {
        expect(() => mapNatsUrl(url, map)).toThrow();
    });

    test("maps a comma peer list, ignoring empty entries", () => {
        expect(mapPeerList("nats://10.40.0.10:6222, nats://10.40.64.10:6222,", map)).toEqual(["nats://127.0.20.11:6222", "nats://127.0.20.12:6222"]);
    });
});

describe("embedded NATS from a rendered env", () => {
    const map = standInMap(IPS, "127.0.20");
    const env = {
        OPENZRO_BROKER: "embedded",
        OPENZRO_CLUSTER_PEERS: "nats://10.40.64.10:6222,nats://10.40.128.10:6222",
        OPENZRO_EMBEDDED_NATS_CLIENT_PORT: "4222",
        OPENZRO_EMBEDDED_NATS_CLUSTER_PORT: "6222",
    };

    test("is what openZro's embedded server would start, on the host's stand-in address", () => {
        const spec = embeddedSpecFromEnv(env, { hostname: "openzro-controller-1", privateIp: IPS[0] }, map, "/tmp/js");
        expect(spec).toEqual({
            serverName: "openzro-controller-1",
            clientHost: "127.0.20.11",
            clientPort: 4222,
            clusterHost: "127.0.20.11",
            clusterPort: 6222,
            routes: ["nats://127.0.20.12:6222", "nats://127.0.20.13:6222"],
            storeDir: "/tmp/js",
        });
        const conf = embeddedNatsConf(spec, { host: "127.0.20.11", port: 8222 });
        expect(conf).toMatch(/name: "openzro"/);
        expect(conf).toMatch(/store_dir: "\/tmp\/js"/);
        expect(conf).toContain('"nats://127.0.20.13:6222"');
    });

    test("defaults the ports as openZro does (4222/6222) when the env leaves them out", () => {
        const spec = embeddedSpecFromEnv({ OPENZRO_BROKER: "embedded" }, { hostname: "h", privateIp: IPS[1] }, map, "/tmp/js");
        expect([spec.clientPort, spec.clusterPort, spec.routes]).toEqual([4222, 6222, []]);
    });

    test.each([
        ["no embedded broker", { ...env, OPENZRO_BROKER: "" }, /not "embedded"/],
        ["a peer outside the plan", { ...env, OPENZRO_CLUSTER_PEERS: "nats://10.40.0.99:6222" }, /not a host of the plan/],
        ["a non-numeric port", { ...env, OPENZRO_EMBEDDED_NATS_CLUSTER_PORT: "62x2" }, /not a port/],
    ])("refuses an env with %s", (_what, bad, message) => {
        expect(() => embeddedSpecFromEnv(bad, { hostname: "h", privateIp: IPS[0] }, map, "/tmp/js")).toThrow(message);
    });
});

describe("env files", () => {
    const tricky = ["plain", "with space", `quote " and 'single'`, "back\\slash", "dollar $HOME and `tick`", "p@ss:w/rd+=,.-", ""];

    test.each(tricky.map((v) => [v]))("reads back what the renderer wrote: %j", (value) => {
        expect(parseEnvFile(renderEnvFile(["a comment"], [["OZ_VALUE", value]])).OZ_VALUE).toBe(value);
    });

    test("skips comments and blank lines, and refuses a line that is not KEY=value", () => {
        expect(parseEnvFile("# c\n\n; c\nA=1\nB='x y'\n")).toEqual({ A: "1", B: "x y" });
        expect(() => parseEnvFile("just words\n")).toThrow(/KEY=value/);
    });
});

describe("PostgreSQL DSNs", () => {
    const passwords = ["simple", "Db'p\\ss \"w$rd x", "a=b c"];

    test.each(passwords.map((p) => [p]))("parses the renderer's DSN back, password %j intact", (password) => {
        const dsn = postgresKeywordDsn({ host: "db.example", port: 5432, dbname: "openzro", user: "openzro_app", password, rootCert: "/etc/ca x.pem" });
        expect(parseKeywordDsn(dsn)).toEqual({
            host: "db.example",
            port: "5432",
            dbname: "openzro",
            user: "openzro_app",
            password,
            sslmode: "verify-full",
            sslrootcert: "/etc/ca x.pem",
        });
        expect(parseKeywordDsn(formatKeywordDsn(parseKeywordDsn(dsn)))).toEqual(parseKeywordDsn(dsn));
    });

    test("withDsnHost changes only the host, and only to a loopback address", () => {
        const dsn = postgresKeywordDsn({ host: "db.example", port: 5432, dbname: "openzro", user: "u", password: "p w", rootCert: "/ca.pem" });
        expect(parseKeywordDsn(withDsnHost(dsn, "127.0.40.11"))).toEqual({ ...parseKeywordDsn(dsn), host: "127.0.40.11" });
        expect(() => withDsnHost(dsn, "10.0.0.5")).toThrow(/127\.0\.0\.0\/8/);
    });
});

describe("nginx", () => {
    test("the package's nginx.conf is relocated into the test dir with only the site included", () => {
        const conf = relocateMainConf(fs.readFileSync(DEBIAN_MAIN_CONF, "utf8"), "/tmp/t", ["/tmp/t/site.conf"]);
        expect(conf).toMatch(/^pid \/tmp\/t\/nginx\.pid;$/m);
        expect(conf).toMatch(/^error_log \/tmp\/t\/error\.log/m);
        expect(conf).toMatch(/access_log \/tmp\/t\/access\.log;/);
        expect(conf).toMatch(/include \/tmp\/t\/site\.conf;/);
        expect(conf).not.toMatch(/sites-enabled|conf\.d|\/run\/nginx\.pid|\/var\/log\/nginx/);
        expect(conf).toMatch(/include \/etc\/nginx\/mime\.types;/);
    });

    test("a main config without the directives to relocate is an error", () => {
        expect(() => relocateMainConf("events {}\nhttp {}\n", "/tmp/t", [])).toThrow(/no pid, error, access, include/);
    });

    test("finds server blocks and their directives, comments ignored", () => {
        const site = "map $a $b { default x; }\nserver { listen 80; # grpc_read_timeout 5s;\n location / { return 200; } }\nserver { listen 8080 http2; grpc_read_timeout 1d; location /x { grpc_read_timeout 2h; } }\n";
        const blocks = serverBlocks(site);
        expect(blocks).toHaveLength(2);
        expect(directiveValues(blocks[0], "grpc_read_timeout")).toEqual([]);
        expect(directiveValues(blocks[1], "grpc_read_timeout")).toEqual(["1d", "2h"]);
    });

    test.each([
        ["60", 60],
        ["30s", 30],
        ["5m", 300],
        ["1h30m", 5400],
        ["1d", 86400],
    ])("nginx time %s is %i s", (value, seconds) => {
        expect(nginxTimeSeconds(value)).toBe(seconds);
    });

    test("an nginx time with junk is refused", () => {
        expect(() => nginxTimeSeconds("1 day")).toThrow();
    });
});

describe("management's single port", () => {
    test.each([
        [Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), true],
        [Buffer.from("PRI * HT"), true],
        [Buffer.from("GET /api/users HTTP/1.1\r\n"), false],
        [Buffer.from("POST /scim"), false],
    ])("routes %j to gRPC: %s", (bytes, h2) => {
        expect(looksLikeHttp2(bytes)).toBe(h2);
    });

    test.each([
        ['{"messages":3,"intervalMs":50}', { messages: 3, intervalMs: 50 }],
        ['{"messages":100000,"intervalMs":-5}', { messages: 1000, intervalMs: 0 }],
        ["not json", { messages: 1, intervalMs: 0 }],
    ])("a stream plan %s is read as %j (bounded)", (body, plan) => {
        expect(parseStreamPlan(Buffer.from(body))).toEqual(plan);
    });
});

describe("topology from a plan", () => {
    const settings = {
        domain: "openzro.example.com",
        network: { vpcCidr: "10.40.0.0/16", azCount: 3 },
        database: { username: "openzro_admin" },
        relays: [{ name: "us-east", region: "us-east-1", instanceType: "t3.small" }],
        region: "us-east-1",
        metrics: { agent: false },
    } as unknown as Settings;
    const file = (p: string, content = "x"): HostFile => ({ path: p, content, mode: "0640", owner: "root", group: "openzro", restarts: [], secret: false });
    const plan: PlanLike = {
        settings,
        outputs: { controllerPrivateIps: IPS, databaseEndpoint: "openzro-db.abc.us-east-1.rds.amazonaws.com:5432" },
        resources: [
            { type: "aws:ec2/eip:Eip", name: "openzro-nat-1", state: { publicIp: "203.0.113.5" } },
            { type: "aws:ec2/eip:Eip", name: "openzro-relays-us-east-1-relay-us-east-ip", state: { publicIp: "203.0.113.9" } },
        ],
        hostFiles: { "controller-1": [file("/a")], "relay-us-east": [file("/b")] },
    };

    test("is the facts the host layer hands to the renderers", () => {
        expect(topologyFromPlan(plan)).toEqual({
            controllers: IPS.map((ip, i) => ({ name: `controller-${i + 1}`, hostname: `openzro-controller-${i + 1}`, privateIp: ip })),
            relays: [{ name: "us-east", dnsName: "relay-us-east.openzro.example.com", publicIp: "203.0.113.9" }],
            database: { host: "openzro-db.abc.us-east-1.rds.amazonaws.com", port: 5432, user: "openzro_admin", mainDatabase: "openzro" },
            proxyCidrs: planSubnets("10.40.0.0/16", 3).public,
        });
    });

    test("hands over the metrics agent the plan created the log group for, and none without it", () => {
        const group = { type: "aws:cloudwatch/logGroup:LogGroup", name: "openzro-metrics", state: { name: "/openzro/staging/metrics" } };
        const withAgent = { ...plan, settings: { ...settings, metrics: { agent: true } }, resources: [...plan.resources, group] };
        expect(topologyFromPlan(withAgent).metricsAgent).toEqual({ kind: "cloudwatch", logGroupName: "/openzro/staging/metrics", region: "us-east-1", namespace: "openZro/staging" });
        expect(topologyFromPlan(plan).metricsAgent).toBeUndefined();
        expect(() => topologyFromPlan({ ...withAgent, resources: plan.resources })).toThrow(/one metrics log group/);
        expect(() => topologyFromPlan({ ...plan, resources: [...plan.resources, group] })).toThrow(/metricsAgent is off/);
    });

    test("a relay without its own Elastic IP, or a database endpoint without a port, is an error", () => {
        expect(() => topologyFromPlan({ ...plan, resources: plan.resources.slice(0, 1) })).toThrow(/Elastic IP.*us-east/);
        expect(() => splitEndpoint("db.example")).toThrow(/host:port/);
    });

    test("finds a host's files under relay-<name> or the bare relay name", () => {
        expect(planHostFiles(plan, { role: "relay", name: "us-east" })[0].path).toBe("/b");
        expect(planHostFiles({ ...plan, hostFiles: { "us-east": [file("/c")] } }, { role: "relay", name: "us-east" })[0].path).toBe("/c");
        expect(() => planHostFiles(plan, { role: "controller", index: 2 })).toThrow(/controller-3/);
    });

    test("diffHostFiles reports every difference that matters on a host", () => {
        expect(diffHostFiles([file("/a")], [file("/a")])).toEqual([]);
        expect(diffHostFiles([file("/a")], [{ ...file("/a", "y"), mode: "0644" }])).toEqual(["/a: content differs", "/a: mode differs"]);
        expect(diffHostFiles([file("/a")], [file("/z")])).toEqual(["/a: only in the plan", "/z: only in the test rendering"]);
    });

    test("the stand-in topology maps controllers and database, and trusts only the stand-in load balancer", () => {
        const t = topologyFromPlan(plan);
        const map = standInMap([...IPS, t.database.host], "127.0.10");
        const s = standInTopology(t, map, "127.0.10.2");
        expect(s.controllers.map((c) => c.privateIp)).toEqual(["127.0.10.11", "127.0.10.12", "127.0.10.13"]);
        expect(s.database.host).toBe("127.0.10.14");
        expect(s.proxyCidrs).toEqual(["127.0.10.2/32"]);
        expect(s.controllers.map((c) => c.hostname)).toEqual(t.controllers.map((c) => c.hostname));
    });
});
