// JetStream KV through the npm `nats` client, the way management's coordinator uses the cluster (a KV bucket in
// memory storage), with the retry loop a client needs while the cluster elects new leaders after losing a node.
import { connect, KV, NatsConnection, StorageType } from "nats";
import { retryUntil } from "./processes";

export interface KvHandle {
    readonly nc: NatsConnection;
    readonly kv: KV;
}

/** Connects to one node (as a co-located management would) and opens/creates a memory bucket. */
export async function openKv(url: string, bucket: string, replicas: number, auth?: { user: string; pass: string }): Promise<KvHandle> {
    const nc = await connect({
        servers: [url],
        ...(auth ?? {}),
        reconnect: true,
        maxReconnectAttempts: 100,
        reconnectTimeWait: 250,
        timeout: 3000,
    });
    const js = nc.jetstream({ timeout: 2000 });
    const { value: kv } = await retryUntil(
        `KV bucket ${bucket} via ${url}`,
        () => js.views.kv(bucket, { replicas, storage: StorageType.Memory, timeout: 2000 }),
        { timeoutMs: 30000, intervalMs: 500 },
    );
    return { nc, kv };
}

/** Puts key=value, retrying every 250 ms until it succeeds or `timeoutMs` passes; returns how long it took. */
export async function putUntilOk(kv: KV, key: string, value: string, timeoutMs: number): Promise<number> {
    const { elapsedMs } = await retryUntil(`KV put ${key}`, async () => (await kv.put(key, value)) > 0 || undefined, {
        timeoutMs,
        intervalMs: 250,
    });
    return elapsedMs;
}

/** Reads a key's current value as text (undefined when absent), retrying transient errors. */
export async function getUntilOk(kv: KV, key: string, timeoutMs: number): Promise<string | undefined> {
    const { value } = await retryUntil(
        `KV get ${key}`,
        async () => {
            const e = await kv.get(key);
            return { v: e ? e.string() : undefined };
        },
        { timeoutMs, intervalMs: 250 },
    );
    return value.v;
}
