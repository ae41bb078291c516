// The assertions every NATS cluster of the plan must pass, shared by the embedded (management, signal) and the
// standalone (nats-server.conf) tests: a full mesh, one JetStream meta-leader, a JetStream KV put that works
// again within a bounded time after any one node is SIGKILLed (measured and printed), and the node rejoining
// after a restart with the data it missed.
import { connect } from "nats";
import { ProcessGroup, retryUntil } from "../harness/processes";
import { NatsNode, startNatsNode, waitForFullMesh, waitForMetaLeader } from "../harness/nats";
import { getUntilOk, KvHandle, openKv, putUntilOk } from "../harness/nats-kv";

/** Upper bound for a KV put to work again after a node dies (NATS elects within ~4-8 s here). */
export const FAILOVER_BOUND_MS = 30_000;

export interface NatsCluster {
    readonly label: string;
    readonly nodes: NatsNode[];
    /** server_name of each node, in node order (the controllers' hostnames). */
    readonly serverNames: readonly string[];
    readonly group: ProcessGroup;
    /** Extra nats.connect options (credentials) for clients. */
    readonly clientAuth?: { user: string; pass: string };
}

export const failoverTimes: { cluster: string; killed: string; ms: number }[] = [];

async function kvFor(cluster: NatsCluster, node: NatsNode, bucket: string): Promise<KvHandle> {
    return openKv(node.clientUrl, bucket, cluster.nodes.length, cluster.clientAuth);
}

/** Which node a failover round kills. The KV stream's leader is the worst case for a writer. */
export type Victim = "KV stream leader" | "JetStream meta-leader" | "follower";

async function victimIndex(c: NatsCluster, role: Victim, bucket: string, probe: KvHandle): Promise<number> {
    const meta = await waitForMetaLeader(c.nodes);
    const info = await (await probe.nc.jetstreamManager()).streams.info(`KV_${bucket}`);
    const streamLeader = info.cluster?.leader ?? "";
    const name =
        role === "KV stream leader" ? streamLeader : role === "JetStream meta-leader" ? meta : c.serverNames.find((n) => n !== meta && n !== streamLeader);
    const index = c.serverNames.indexOf(name ?? "");
    if (index < 0) throw new Error(`no ${role} among ${c.serverNames.join(", ")} (meta ${meta}, stream ${streamLeader})`);
    return index;
}

/**
 * Defines the tests. `getCluster` is called inside the tests (after beforeAll started the nodes). `kill` lists
 * the nodes to kill one after another, by role at that moment; each is restarted before the next round.
 */
export function describeNatsCluster(title: string, getCluster: () => NatsCluster, kill: readonly Victim[]): void {
    describe(title, () => {
        const handles: KvHandle[] = [];
        afterAll(async () => {
            for (const h of handles) await h.nc.close().catch(() => undefined);
        });

        test("forms a full mesh: every server routes to every other by its server name", async () => {
            const c = getCluster();
            await waitForFullMesh(c.nodes, c.serverNames);
        });

        test("elects one JetStream meta-leader that every server agrees on", async () => {
            const c = getCluster();
            const leader = await waitForMetaLeader(c.nodes);
            expect(c.serverNames).toContain(leader);
        });

        test("carries core NATS messages between servers (a subscriber on one, a publisher on another)", async () => {
            const c = getCluster();
            const auth = c.clientAuth ?? {};
            const sub = await connect({ servers: [c.nodes[0].clientUrl], ...auth });
            const pub = await connect({ servers: [c.nodes[c.nodes.length - 1].clientUrl], ...auth });
            try {
                const subject = "oz.signal.peer.integration-test";
                const got = new Promise<string>((resolve) => {
                    const s = sub.subscribe(subject, { max: 1 });
                    (async () => {
                        for await (const m of s) resolve(m.string());
                    })();
                });
                await sub.flush();
                // Interest propagates over the routes asynchronously: publish until it arrives (bounded).
                const { value } = await retryUntil(
                    "message across the cluster",
                    async () => {
                        pub.publish(subject, "offer");
                        return Promise.race([got, new Promise<undefined>((r) => setTimeout(() => r(undefined), 200))]);
                    },
                    { timeoutMs: 10000, intervalMs: 50 },
                );
                expect(value).toBe("offer");
            } finally {
                await sub.close();
                await pub.close();
            }
        });

        test.each(kill.map((role) => [role] as const))(
            "survives SIGKILL of the %s: a KV put works again within the bound, and the node rejoins after a restart",
            async (role) => {
                const c = getCluster();
                const bucket = `oz_it_failover_${role.replace(/[^a-z]/g, "_")}`;
                // Any node can be the first client's; pick the victim first, then a surviving node to write through.
                const probe = await kvFor(c, c.nodes[0], bucket);
                handles.push(probe);
                await putUntilOk(probe.kv, "lock", "before", 10000);
                const index = await victimIndex(c, role, bucket, probe);
                const victim = c.nodes[index];
                const survivor = c.nodes[(index + 1) % c.nodes.length];
                const kv = await kvFor(c, survivor, bucket);
                handles.push(kv);
                await putUntilOk(kv.kv, "lock", "before", 10000);

                await c.group.kill(victim.process!);
                const ms = await putUntilOk(kv.kv, "lock", "during", FAILOVER_BOUND_MS);
                failoverTimes.push({ cluster: c.label, killed: `${role} ${c.serverNames[index]}`, ms });
                // eslint-disable-next-line no-console
                console.log(`NATS failover [${c.label}] SIGKILL ${role} (${c.serverNames[index]}): KV put OK again after ${ms} ms`);
                expect(ms).toBeLessThanOrEqual(FAILOVER_BOUND_MS);

                await startNatsNode(c.group, victim);
                await waitForFullMesh(c.nodes, c.serverNames);
                const leader = await waitForMetaLeader(c.nodes);
                expect(c.serverNames).toContain(leader);
                // The restarted server serves the value written while it was dead.
                const back = await kvFor(c, victim, bucket);
                handles.push(back);
                const seen = await retryUntil("rejoined node has caught up", async () => ((await getUntilOk(back.kv, "lock", 5000)) === "during" ? true : undefined), {
                    timeoutMs: 20000,
                    intervalMs: 250,
                });
                expect(seen.value).toBe(true);
            },
            90_000,
        );
    });
}
