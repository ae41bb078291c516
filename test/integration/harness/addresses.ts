// Stand-in hosts on one machine: each host of the plan gets its own 127.x.y.z address, and every address a
// rendered file names (a peer's private IP, "127.0.0.1" meaning "this host", the database endpoint) is mapped to
// the matching stand-in address. Unknown addresses are an error, never passed through: a rendered peer list that
// names a host the plan does not have must fail the test, not silently route somewhere else.

/** Throws unless `addr` is an IPv4 address in 127.0.0.0/8: the tests never bind or send anywhere else. */
export function assertLoopback(addr: string): string {
    const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(addr);
    if (!m || m.slice(1).some((o) => Number(o) > 255)) {
        throw new Error(`stand-in address ${JSON.stringify(addr)} is not in 127.0.0.0/8`);
    }
    return addr;
}

export interface StandInMap {
    /** Real host address (private IP, DB endpoint, ...) → stand-in loopback address. */
    readonly byRealHost: ReadonlyMap<string, string>;
    /** Maps one real host; "127.0.0.1"/"localhost" mean `self` (the host whose file is being read). */
    host(real: string, self?: string): string;
}

/**
 * Gives the i-th real host `<prefix>.<first + i>` (e.g. 127.0.20.11, .12, .13). `prefix` is the first three
 * octets; each test file uses its own prefix so files never share an address.
 */
export function standInMap(realHosts: readonly string[], prefix: string, first = 11): StandInMap {
    const byRealHost = new Map<string, string>();
    realHosts.forEach((h, i) => {
        if (byRealHost.has(h)) throw new Error(`standInMap: host ${h} listed twice`);
        byRealHost.set(h, assertLoopback(`${prefix}.${first + i}`));
    });
    return {
        byRealHost,
        host(real: string, self?: string): string {
            if (real === "127.0.0.1" || real === "localhost") {
                if (!self) throw new Error(`standInMap: ${real} needs the host it is local to`);
                return this.host(self);
            }
            const mapped = byRealHost.get(real);
            if (!mapped) {
                throw new Error(`standInMap: ${real} is not a host of the plan (known: ${[...byRealHost.keys()].join(", ")})`);
            }
            return mapped;
        },
    };
}

/** nats://[user:pass@]host:port with host mapped; any other scheme or a missing port is an error. */
export function mapNatsUrl(url: string, map: StandInMap, self?: string): string {
    const m = /^nats:\/\/(?:([^@/]*)@)?([^:/@]+):(\d+)\/?$/.exec(url.trim());
    if (!m) throw new Error(`not a nats://host:port URL: ${JSON.stringify(url)}`);
    const [, userinfo, host, port] = m;
    return `nats://${userinfo ? `${userinfo}@` : ""}${map.host(host, self)}:${port}`;
}

/** A comma list of nats:// peers (OPENZRO_CLUSTER_PEERS) mapped to stand-in URLs. */
export function mapPeerList(list: string, map: StandInMap, self?: string): string[] {
    const peers = list.split(",").map((s) => s.trim()).filter((s) => s !== "");
    return peers.map((p) => mapNatsUrl(p, map, self));
}

/** The host:port of a URL-ish peer (for assertions on which stand-in a route points at). */
export function hostPortOf(url: string): { host: string; port: number } {
    const m = /^[a-z]+:\/\/(?:[^@/]*@)?([^:/@]+):(\d+)/.exec(url);
    if (!m) throw new Error(`no host:port in ${JSON.stringify(url)}`);
    return { host: m[1], port: Number(m[2]) };
}
