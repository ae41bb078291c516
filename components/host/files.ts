// A file the host layer writes on a host, and the signatures of the renderers that produce them.
// Renderers are pure: plain values in, file content out. The host layer calls them twice per host:
// once with real secrets (shipped, as a secret Output) and once with REDACTED (the offline plan's hosts/).
import type { MetricsAgentFacts } from "./facts";

/** systemd units a file belongs to; a changed file restarts exactly these. */
export type ServiceName =
    | "openzro-management"
    | "openzro-signal"
    | "openzro-relay"
    | "nginx"
    | "nats-server"
    | "redis-server"
    | "coturn"
    | "amazon-cloudwatch-agent";

export interface HostFile {
    /** Absolute path on the host. */
    readonly path: string;
    readonly content: string;
    /** Octal, e.g. "0640". Files holding secrets are 0600 or 0640. */
    readonly mode: string;
    readonly owner: string;
    readonly group: string;
    /** Services to restart when this file changes (empty: nothing restarts, e.g. dashboard assets). */
    readonly restarts: readonly ServiceName[];
    /** True when the content holds a secret. */
    readonly secret: boolean;
}

/** Stand-in for every secret value in redacted renderings (offline plan, logs, diffs). */
export const REDACTED = "[secret]";

/** Secrets a renderer may need, as plain strings (real values, or REDACTED for the plan). */
export interface RenderSecrets {
    /** Relay.Secret and every relay's OZ_AUTH_SECRET. */
    readonly relayAuthSecret: string;
    /** DataStoreEncryptionKey: base64 of exactly 32 bytes, same on every controller. */
    readonly dataStoreEncryptionKey: string;
    /** OPENZRO_MGMT_WG_PRIVATE_KEY: one WireGuard private key shared by every management replica. */
    readonly managementWgPrivateKey: string;
    /** Master password: the database bootstrap only; never rendered into a host file. */
    readonly databasePassword: string;
    /** Password of DATABASE_APP_ROLE, in management's DSNs. */
    readonly databaseAppPassword: string;
    /** Password of a standalone nats-server (routes) or redis-server (requirepass/masterauth). */
    readonly coordinatorPassword: string;
    /** external-nats / external-redis URL (may carry credentials). */
    readonly clusterUrl?: string;
    readonly oidcClientSecret?: string;
    /** PEM private key of nginx's TLS gRPC listener; present when the topology's grpcBackend is "tls". */
    readonly nginxGrpcTlsKey?: string;
}

/** Plain (resolved) facts about the whole deployment that renderers need. */
export interface RenderTopology {
    readonly controllers: readonly { readonly name: string; readonly hostname: string; readonly privateIp: string }[];
    readonly relays: readonly { readonly name: string; readonly dnsName: string; readonly publicIp: string }[];
    readonly database: {
        readonly host: string;
        readonly port: number;
        /** Master user (bootstrap only). Management connects as DATABASE_APP_ROLE. */
        readonly user: string;
        readonly mainDatabase: string;
        /** The server CA when the footprint hands it over as PEM (shipped as POSTGRES_CA_PATH); else downloaded. */
        readonly serverCaPem?: string;
    };
    readonly proxyCidrs: readonly string[];
    /** How the load balancer speaks gRPC to nginx (LoadBalancerFacts.grpcBackend). Absent: "h2c". */
    readonly grpcBackend?: "h2c" | "tls";
    /** PEM of nginx's self-signed certificate for the TLS gRPC listener (public); required with grpcBackend "tls". */
    readonly nginxGrpcTlsCertificate?: string;
    /** The cloud's metrics agent (FootprintFacts.metricsAgent); absent: no agent files. */
    readonly metricsAgent?: MetricsAgentFacts;
}
