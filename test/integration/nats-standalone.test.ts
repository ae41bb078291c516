// The standalone NATS backend (coordinator "nats" through configOverrides): the rendered
// nats-server.conf of every controller, run as is by the Debian nats-server. The renderer's own parameters put
// the client, route and monitoring listeners on each controller's stand-in address and JetStream in a temp dir;
// the topology handed to it has the controllers' private IPs mapped to those stand-in addresses, so the routes it
// renders (with their credentials) point at the other stand-ins. Same assertions as the embedded clusters,
// plus: routes are authenticated.
import * as fs from "fs";
import * as path from "path";
import { NATS_CLIENT_PORT } from "../../components/host/ports";
import { NATS_CLUSTER_NAME, NATS_MONITOR_PORT, NATS_ROUTE_USER, NATS_SERVER_CONF_PATH, renderControllerFiles } from "../../components/host/render";
import type { RenderSecrets } from "../../components/host/files";
import { standInMap } from "./harness/addresses";
import { NatsNode, routeConnect, startNatsNode, writeFile } from "./harness/nats";
import { standInTopology } from "./harness/plan-topology";
import { ProcessGroup } from "./harness/processes";
import { makeWorkDir, removeWorkDir } from "./harness/workdir";
import { fileAt, loadFixture, StackFixture, throwawaySecrets } from "./support/fixture";
import { describeNatsCluster, failoverTimes, NatsCluster } from "./support/nats-cluster";

jest.setTimeout(120_000);

const PREFIX = "127.0.30";

let fixture: StackFixture;
let workDir: string;
let secrets: RenderSecrets;
let cluster: NatsCluster;
const confs: string[] = [];

beforeAll(async () => {
    fixture = await loadFixture("production", { "openzro:clusterCoordinator": "nats" });
    workDir = makeWorkDir("nats-standalone");
    secrets = throwawaySecrets();
    const map = standInMap([...fixture.topology.controllers.map((c) => c.privateIp), fixture.topology.database.host], PREFIX);
    const topology = standInTopology(fixture.topology, map, `${PREFIX}.2`);
    const group = new ProcessGroup(path.join(workDir, "logs"));
    const nodes: NatsNode[] = topology.controllers.map((c, i) => {
        const files = renderControllerFiles(fixture.settings, topology, i, secrets, {
            nats: {
                clientHost: c.privateIp,
                clusterHost: c.privateIp,
                monitorListen: `${c.privateIp}:${NATS_MONITOR_PORT}`,
                jetstreamDir: path.join(workDir, c.name, "jetstream"),
            },
        });
        const conf = fileAt(files, NATS_SERVER_CONF_PATH).content;
        confs.push(conf);
        return {
            name: `nats-server-${c.name}`,
            confFile: writeFile(path.join(workDir, c.name, "nats-server.conf"), conf),
            clientUrl: `nats://${c.privateIp}:${NATS_CLIENT_PORT}`,
            monitor: { host: c.privateIp, port: NATS_MONITOR_PORT },
            cluster: { host: c.privateIp, port: fixture.settings.cluster.peerPort },
        };
    });
    cluster = { label: "standalone nats-server", nodes, serverNames: topology.controllers.map((c) => c.hostname), group };
    await Promise.all(nodes.map((n) => startNatsNode(group, n)));
});

afterAll(async () => {
    await cluster?.group.stopAll();
    if (workDir) removeWorkDir(workDir);
    if (failoverTimes.length > 0) {
        // eslint-disable-next-line no-console
        console.log(`NATS failover summary: ${failoverTimes.map((t) => `${t.cluster} kill ${t.killed}: ${t.ms} ms`).join("; ")}`);
    }
});

test("the rendered config files are what runs (one per controller, secret-bearing, owned by nats)", () => {
    expect(confs).toHaveLength(fixture.topology.controllers.length);
    const shipped = fixture.controllerFiles(0, secrets);
    expect(fileAt(shipped, NATS_SERVER_CONF_PATH)).toMatchObject({ owner: "nats", group: "nats", secret: true });
    for (const n of cluster.nodes) expect(fs.readFileSync(n.confFile, "utf8")).toContain(secrets.coordinatorPassword);
});

describe("routes are authenticated", () => {
    test.each([
        ["no credentials", undefined],
        ["a wrong password", { user: NATS_ROUTE_USER, pass: "not-the-password" }],
    ])("a route connection with %s is refused", async (_what, creds) => {
        const n = cluster.nodes[0];
        const reply = await routeConnect(n.cluster.host, n.cluster.port, NATS_CLUSTER_NAME, creds);
        expect(reply).toMatch(/^INFO /);
        expect(reply).toContain("Authorization Violation");
    });

    test("a route connection with the rendered credentials is accepted", async () => {
        const n = cluster.nodes[0];
        const reply = await routeConnect(n.cluster.host, n.cluster.port, NATS_CLUSTER_NAME, { user: NATS_ROUTE_USER, pass: secrets.coordinatorPassword });
        expect(reply).not.toContain("-ERR");
        expect(reply).toContain("PONG");
    });
});

describeNatsCluster("standalone nats-server cluster (rendered nats-server.conf)", () => cluster, ["KV stream leader", "follower"]);
