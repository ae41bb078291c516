// The Redis backend (coordinator "redis" through configOverrides): the rendered redis.conf of the master
// (controller-1) and of each replica, run by the Debian redis-server. The renderer's parameters bind each one to
// its controller's stand-in address and keep data/pid files in a temp dir; the topology handed to it has the
// controllers' private IPs mapped to those stand-ins, so `replicaof` names the master's stand-in.
import * as path from "path";
import type { RenderSecrets } from "../../components/host/files";
import { REDIS_PORT } from "../../components/host/ports";
import { envFilePath, REDIS_CONF_PATH, renderControllerFiles } from "../../components/host/render";
import { standInMap } from "./harness/addresses";
import { parseEnvFile } from "./harness/envfile";
import { writeFile } from "./harness/nats";
import { standInTopology } from "./harness/plan-topology";
import { ProcessGroup, retryUntil } from "./harness/processes";
import { redisCli, redisInfo, startRedis } from "./harness/redis";
import { makeWorkDir, removeWorkDir } from "./harness/workdir";
import { fileAt, loadFixture, StackFixture, throwawaySecrets } from "./support/fixture";

jest.setTimeout(60_000);

const PREFIX = "127.0.50";

let fixture: StackFixture;
let workDir: string;
let group: ProcessGroup;
let secrets: RenderSecrets;
let hosts: string[] = [];
let productionUrl: string;

beforeAll(async () => {
    fixture = await loadFixture("production", { "openzro:clusterCoordinator": "redis" });
    workDir = makeWorkDir("redis");
    group = new ProcessGroup(path.join(workDir, "logs"));
    secrets = throwawaySecrets();
    const map = standInMap([...fixture.topology.controllers.map((c) => c.privateIp), fixture.topology.database.host], PREFIX);
    const topology = standInTopology(fixture.topology, map, `${PREFIX}.2`);
    hosts = topology.controllers.map((c) => c.privateIp);
    productionUrl = parseEnvFile(fileAt(fixture.controllerFiles(1, secrets), envFilePath(fixture.settings.hosts.osFamily, "openzro-management")).content).OPENZRO_REDIS_URL;
    // Master first, so the replicas find it at once.
    for (const [i, c] of topology.controllers.entries()) {
        const dir = path.join(workDir, c.name);
        const files = renderControllerFiles(fixture.settings, topology, i, secrets, {
            redis: { bind: [c.privateIp], dir, pidFile: path.join(dir, "redis.pid") },
        });
        const conf = writeFile(path.join(dir, "redis.conf"), fileAt(files, REDIS_CONF_PATH).content);
        await startRedis(group, `redis-${c.name}`, conf, c.privateIp, REDIS_PORT, []);
    }
});

afterAll(async () => {
    await group?.stopAll();
    if (workDir) removeWorkDir(workDir);
});

test("the replicas replicate from the master, authenticating with masterauth", async () => {
    const [master, ...replicas] = hosts;
    const { value } = await retryUntil(
        "both replicas connected",
        async () => {
            const info = redisInfo(master, REDIS_PORT, "replication", secrets.coordinatorPassword);
            return info.connected_slaves === String(replicas.length) ? info : undefined;
        },
        { timeoutMs: 20000, intervalMs: 250 },
    );
    expect(value.role).toBe("master");
    for (const r of replicas) {
        // connected_slaves counts a replica as soon as it connects; the link is "up" once the first sync is done.
        const { value: info } = await retryUntil(
            `replica ${r} in sync`,
            async () => {
                const i = redisInfo(r, REDIS_PORT, "replication", secrets.coordinatorPassword);
                return i.master_link_status === "up" ? i : undefined;
            },
            { timeoutMs: 20000, intervalMs: 250 },
        );
        expect(info.role).toBe("slave");
        expect(info.master_host).toBe(master);
    }
});

test("a write on the master is readable on every replica; replicas refuse writes", async () => {
    const [master, ...replicas] = hosts;
    const key = `oz:it:${Date.now()}`;
    expect(redisCli(master, REDIS_PORT, ["SET", key, "locked"], secrets.coordinatorPassword).out).toBe("OK");
    for (const r of replicas) {
        const { value } = await retryUntil("replicated", async () => (redisCli(r, REDIS_PORT, ["GET", key], secrets.coordinatorPassword).out === "locked" ? true : undefined), {
            timeoutMs: 10000,
            intervalMs: 100,
        });
        expect(value).toBe(true);
        expect(redisCli(r, REDIS_PORT, ["SET", key, "x"], secrets.coordinatorPassword).out).toMatch(/READONLY/);
    }
});

test.each([
    ["without a password", ["GET", "anything"], /^NOAUTH/],
    ["with a wrong password", ["AUTH", "wrong-password"], /^WRONGPASS/],
])("a client %s is refused on every node", (_what, command, refusal) => {
    for (const h of hosts) {
        expect(redisCli(h, REDIS_PORT, command).out).toMatch(refusal);
    }
});

test("management's rendered OPENZRO_REDIS_URL names the master with the password, and it works", () => {
    const m = /^redis:\/\/:([^@]+)@([^:/]+):(\d+)$/.exec(productionUrl);
    expect(m).not.toBeNull();
    const [, password, host, port] = m as RegExpExecArray;
    expect(host).toBe(fixture.topology.controllers[0].privateIp);
    expect(decodeURIComponent(password)).toBe(secrets.coordinatorPassword);
    const master = standInMap(fixture.topology.controllers.map((c) => c.privateIp), PREFIX).host(host);
    expect(redisCli(master, Number(port), ["SET", "oz:it:url", "1"], decodeURIComponent(password)).out).toBe("OK");
});
