// validateSettings: raw stack config in, validated and fully defaulted Settings out, or one ConfigError.
// Pure: no Pulumi runtime, no I/O. It runs before any resource is registered, so a bad stack fails in its
// first second with a message naming the key, the value and the fix.
import { presetFor } from "./presets";
import type { RawConfig } from "./raw";
import { RawReader } from "./reader";
import { readBastion, readSsh } from "./rules/access";
import { readDeployRunner } from "./rules/deployRunner";
import { checkControllerPorts, readCluster, readControllers } from "./rules/controllers";
import { readCore } from "./rules/core";
import { readDatabase, readManagementDbPool } from "./rules/database";
import { readGcp } from "./rules/gcp";
import { readDex, readOidc } from "./rules/identity";
import { readLoadBalancer } from "./rules/load-balancer";
import { readManagement, readStuns } from "./rules/management";
import { readNetwork } from "./rules/network";
import { readAlarms, readGameDay, readMetrics } from "./rules/operations";
import { readRelays } from "./rules/relays";
import type { RelaySettings, Settings, StunServer } from "./types";
import { relayStunUri } from "./naming";
import { STUN_PORT } from "../host/ports";

/** Throws ConfigError (one line: `<key>: <problem> (got <value>); <fix>`) on the first bad value. */
export function validateSettings(raw: RawConfig): Settings {
    const r = new RawReader(raw);
    const core = readCore(r);
    const preset = presetFor(core.size);
    const network = readNetwork(r, core.cloud);
    const controllers = readControllers(r, preset, core.cloud);
    const cluster = readCluster(r, controllers.count);
    const { relay, relays } = readRelays(r, { cloud: core.cloud, domain: core.domain, preset, relayVpcCidr: network.relayVpcCidr });
    const dex = readDex(r);
    checkControllerPorts([
        ["clusterPeerPort", cluster.peerPort],
        ["signalPeerPort", cluster.signalPeerPort],
        ...(dex.enabled
            ? ([
                  ["dexPort", dex.port],
                  ["dexGrpcPort", dex.grpcPort],
              ] as const)
            : []),
    ]);
    const database = readDatabase(r, preset, core.cloud);
    const management = readManagement(r, core.domain);
    const dbPoolSize = readManagementDbPool(r, {
        instanceClass: database.instanceClass,
        maxConnections: database.maxConnections,
        controllers: controllers.count,
        flowStore: management.flowStore,
        dexEnabled: dex.enabled,
    });

    const gcp = readGcp(r, {
        cloud: core.cloud,
        region: core.region,
        azCount: network.azCount,
        dnsZone: core.dnsZone,
        osFamily: core.hosts.osFamily,
        vpcCidr: network.vpcCidr,
        relayVpcCidr: network.relayVpcCidr,
    });

    return {
        ...core,
        network,
        controllers,
        relay,
        relays,
        bastion: readBastion(r, core.cloud),
        ...readDeployRunner(r, core.cloud),
        ssh: readSsh(r, core.hosts.osFamily),
        database,
        loadBalancer: readLoadBalancer(r, core.cloud),
        oidc: readOidc(r, core.domain, dex.enabled),
        dex,
        cluster,
        management: { ...management, dbPoolSize },
        stuns: readStuns(r, relayStunServers(relays, core.domain)),
        alarms: readAlarms(r, core.cloud),
        gameDay: readGameDay(r, {
            cloud: core.cloud,
            controllerCount: controllers.count,
            azCount: network.azCount,
            multiAz: database.multiAz,
        }),
        metrics: readMetrics(r, core.cloud, core.hosts.osFamily),
        ...(gcp ? { gcp } : {}),
    };
}

/** The default Stuns: the STUN server every relay host runs (coturn, UDP), in relay order. */
export function relayStunServers(relays: readonly RelaySettings[], domain: string): StunServer[] {
    return relays.map((relay) => ({ proto: "udp", uri: relayStunUri(relay.name, domain, STUN_PORT) }));
}
