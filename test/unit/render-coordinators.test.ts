// Standalone coordinators: nats-server.conf and redis.conf per controller.
import { RenderTopology } from "../../components/host/files";
import { renderNatsServerConf, renderRedisConf } from "../../components/host/render";
import { SECRETS, settingsFor, topologyFor } from "./render-fixtures";

const natsSettings = settingsFor({ cluster: { coordinator: "nats", peerPort: 6222, signalPeerPort: 6223 } });
const redisSettings = settingsFor({ cluster: { coordinator: "redis", peerPort: 6222, signalPeerPort: 6223 } });
const topology: RenderTopology = topologyFor(natsSettings);

/** Top-level `key: value` and block contents of a NATS config, enough for these assertions. */
function natsValue(conf: string, key: string): string[] {
    return [...conf.matchAll(new RegExp(`^\\s*${key}:\\s*"([^"]*)"`, "gm"))].map((m) => m[1]);
}

describe("nats-server.conf", () => {
    test.each([0, 1, 2])("controller %i: its own server_name, loopback clients, authenticated routes to the others", (i) => {
        const conf = renderNatsServerConf(natsSettings, topology, i, SECRETS);
        expect(natsValue(conf, "server_name")).toEqual([topology.controllers[i].hostname]);
        expect(natsValue(conf, "listen")).toEqual(["127.0.0.1:4222", "0.0.0.0:6222"]);
        expect(natsValue(conf, "name")).toEqual(["openzro"]);
        expect(natsValue(conf, "user")).toEqual(["openzro"]);
        expect(natsValue(conf, "password")).toEqual([SECRETS.coordinatorPassword]);
        const routes = [...conf.matchAll(/^\s*"(nats:\/\/[^"]+)"\s*$/gm)].map((m) => new URL(m[1]));
        expect(routes.map((u) => u.hostname).sort()).toEqual(topology.controllers.filter((_, j) => j !== i).map((c) => c.privateIp).sort());
        for (const u of routes) {
            expect([u.username, decodeURIComponent(u.password), u.port]).toEqual(["openzro", SECRETS.coordinatorPassword, "6222"]);
        }
        expect(natsValue(conf, "store_dir")).toEqual(["/var/lib/nats/jetstream"]);
    });

    test("a single controller runs JetStream without a cluster block (nothing to route to)", () => {
        const one = settingsFor({ cluster: { coordinator: "nats", peerPort: 6222, signalPeerPort: 6223 }, controllers: { count: 1, instanceType: "c7i.xlarge", rootVolumeGb: 100 } });
        const conf = renderNatsServerConf(one, topologyFor(one), 0, SECRETS);
        expect(conf).not.toMatch(/cluster\s*{/);
        expect(conf).toMatch(/jetstream\s*{/);
    });

    test("listeners, monitoring and store are parameters for tests on loopback", () => {
        const conf = renderNatsServerConf(natsSettings, topology, 1, SECRETS, {
            clientHost: "127.0.0.12",
            clientPort: 14222,
            clusterHost: "127.0.0.12",
            monitorListen: "127.0.0.12:18222",
            jetstreamDir: "/tmp/it/js",
        });
        expect(natsValue(conf, "listen")).toEqual(["127.0.0.12:14222", "127.0.0.12:6222"]);
        expect(natsValue(conf, "http")).toEqual(["127.0.0.12:18222"]);
        expect(natsValue(conf, "store_dir")).toEqual(["/tmp/it/js"]);
    });
});

describe("redis.conf", () => {
    const setting = (conf: string, key: string) => conf.split("\n").filter((l) => l.startsWith(`${key} `)).map((l) => l.slice(key.length + 1));

    test("the first controller is the master; the others replicate it, authenticating with the same password", () => {
        topology.controllers.forEach((c, i) => {
            const conf = renderRedisConf(redisSettings, topology, i, SECRETS);
            expect(setting(conf, "bind")).toEqual([`${c.privateIp} 127.0.0.1`]);
            expect(setting(conf, "requirepass")).toEqual([`"${SECRETS.coordinatorPassword}"`]);
            expect(setting(conf, "masterauth")).toEqual([`"${SECRETS.coordinatorPassword}"`]);
            expect(setting(conf, "protected-mode")).toEqual(["yes"]);
            expect(setting(conf, "appendonly")).toEqual(["yes"]);
            expect(setting(conf, "replicaof")).toEqual(i === 0 ? [] : [`${topology.controllers[0].privateIp} 6379`]);
        });
    });

    test("a password with quotes or backslashes stays one quoted redis token", () => {
        const conf = renderRedisConf(redisSettings, topology, 0, { ...SECRETS, coordinatorPassword: 'a"b\\c' });
        expect(setting(conf, "requirepass")).toEqual(['"a\\"b\\\\c"']);
    });

    test("bind, port, dir and pidfile are parameters for tests on loopback", () => {
        const conf = renderRedisConf(redisSettings, topology, 2, SECRETS, { bind: ["127.0.0.13"], port: 16379, dir: "/tmp/it/r", pidFile: "/tmp/it/r.pid" });
        expect(setting(conf, "bind")).toEqual(["127.0.0.13"]);
        expect(setting(conf, "port")).toEqual(["16379"]);
        expect(setting(conf, "dir")).toEqual(['"/tmp/it/r"']);
        expect(setting(conf, "replicaof")).toEqual([`${topology.controllers[0].privateIp} 16379`]);
    });
});
