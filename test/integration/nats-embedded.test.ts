// The embedded NATS backend (production coordinator "embedded"): for every controller of the production plan,
// a nats-server configured the way openZro's embedded server configures itself from the rendered env (spec
// §2.4): cluster "openzro", JetStream on, server_name = the controller's hostname, client listener on "this
// host", cluster listener on the controller's cluster port, routes = the controller's rendered
// OPENZRO_CLUSTER_PEERS with private IPs mapped to stand-in loopback addresses. Management's cluster
// (peerPort) and signal's own cluster (signalPeerPort) run side by side on the same stand-in hosts.
import * as path from "path";
import { envFilePath } from "../../components/host/render";
import { parseEnvFile } from "./harness/envfile";
import { StandInMap, standInMap } from "./harness/addresses";
import { embeddedNatsConf, embeddedSpecFromEnv, NatsNode, startNatsNode, writeFile } from "./harness/nats";
import { ProcessGroup } from "./harness/processes";
import { makeWorkDir, removeWorkDir } from "./harness/workdir";
import { fileAt, loadFixture, StackFixture, throwawaySecrets } from "./support/fixture";
import { describeNatsCluster, failoverTimes, NatsCluster } from "./support/nats-cluster";

jest.setTimeout(120_000);

const PREFIX = "127.0.20";
/** Test-only monitoring listeners (openZro's embedded server has none) for /varz, /routez and /jsz. */
const MONITOR_PORT = { "openzro-management": 8222, "openzro-signal": 8223 } as const;

let fixture: StackFixture;
let workDir: string;
const clusters: Partial<Record<"openzro-management" | "openzro-signal", NatsCluster>> = {};

function clusterFromEnv(f: StackFixture, map: StandInMap, unit: "openzro-management" | "openzro-signal", group: ProcessGroup): NatsCluster {
    const secrets = throwawaySecrets();
    const nodes: NatsNode[] = f.topology.controllers.map((c, i) => {
        const env = parseEnvFile(fileAt(f.controllerFiles(i, secrets), envFilePath(f.settings.hosts.osFamily, unit)).content);
        const spec = embeddedSpecFromEnv(env, c, map, path.join(workDir, unit, c.name, "jetstream"));
        const monitor = { host: spec.clientHost, port: MONITOR_PORT[unit] };
        return {
            name: `${unit}-${c.name}`,
            confFile: writeFile(path.join(workDir, unit, c.name, "nats.conf"), embeddedNatsConf(spec, monitor)),
            clientUrl: `nats://${spec.clientHost}:${spec.clientPort}`,
            monitor,
            cluster: { host: spec.clusterHost, port: spec.clusterPort },
        };
    });
    return { label: `embedded ${unit}`, nodes, serverNames: f.topology.controllers.map((c) => c.hostname), group };
}

beforeAll(async () => {
    fixture = await loadFixture("production");
    workDir = makeWorkDir("nats-embedded");
    const map = standInMap(fixture.topology.controllers.map((c) => c.privateIp), PREFIX);
    for (const unit of ["openzro-management", "openzro-signal"] as const) {
        const group = new ProcessGroup(path.join(workDir, "logs", unit));
        const cluster = clusterFromEnv(fixture, map, unit, group);
        clusters[unit] = cluster;
        await Promise.all(cluster.nodes.map((n) => startNatsNode(group, n)));
    }
});

afterAll(async () => {
    for (const c of Object.values(clusters)) await c?.group.stopAll();
    if (workDir) removeWorkDir(workDir);
    if (failoverTimes.length > 0) {
        // eslint-disable-next-line no-console
        console.log(`NATS failover summary: ${failoverTimes.map((t) => `${t.cluster} kill ${t.killed}: ${t.ms} ms`).join("; ")}`);
    }
});

test("the rendered env selects the embedded broker on distinct ports for management and signal", () => {
    const m = clusters["openzro-management"]!.nodes[0];
    const s = clusters["openzro-signal"]!.nodes[0];
    expect(m.cluster.port).toBe(fixture.settings.cluster.peerPort);
    expect(s.cluster.port).toBe(fixture.settings.cluster.signalPeerPort);
    expect(new Set([m.cluster.port, s.cluster.port, Number(m.clientUrl.split(":").pop()), Number(s.clientUrl.split(":").pop())]).size).toBe(4);
});

// Management's cluster: the KV stream's leader (the writer's worst case), the meta-leader, and a plain follower.
describeNatsCluster("management's embedded NATS cluster (peerPort)", () => clusters["openzro-management"]!, ["KV stream leader", "JetStream meta-leader", "follower"]);
// Signal's own cluster, on signalPeerPort.
describeNatsCluster("signal's embedded NATS cluster (signalPeerPort)", () => clusters["openzro-signal"]!, ["KV stream leader"]);
