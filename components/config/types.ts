// The validated, fully defaulted settings of one stack. Produced by `loadSettings()` (components/config/load.ts)
// from Pulumi config; every other layer reads only this. Plain values decide how many resources exist;
// secrets stay pulumi.Output so they never become plain text.
import * as pulumi from "@pulumi/pulumi";

export type Cloud = "aws" | "gcp";
export type SizePreset = "small" | "medium" | "large";
/** How management replicas coordinate (spec §2.1, §2.4). */
export type CoordinatorKind = "none" | "embedded" | "nats" | "redis" | "external-nats" | "external-redis";
/** debian: apt, env files in /etc/default. rhel: dnf, env files in /etc/sysconfig (spec §5, D14). */
export type OsFamily = "debian" | "rhel";
export type NatGatewayMode = "perAz" | "single";
/** The only values management accepts in Host.Proto; anything else panics on first peer login (spec §1.2). */
export type HostProto = "udp" | "dtls" | "tcp" | "http" | "https";
export type LogLevel = "panic" | "fatal" | "error" | "warn" | "info" | "debug" | "trace";

/**
 * Where a relay's TLS certificate comes from (openZro relay/cmd/root.go handleTLSConfig):
 * - letsencrypt: Let's Encrypt by TLS-ALPN-01 on public TCP 443, obtained on the first TLS handshake for the
 *   relay's name and renewed in process (golang.org/x/crypto/acme/autocert);
 * - route53: Let's Encrypt by Route 53 DNS-01, obtained before the relay listens and renewed in process
 *   (certmagic); AWS only, needs an instance role that may write the challenge record;
 * - files: a certificate and key already on the host, loaded once at start (a renewal needs a restart);
 * - none: no TLS: rel://, WebSocket over TCP only, no QUIC (labs).
 */
export type RelayTlsMode = "letsencrypt" | "route53" | "files" | "none";

export interface StunServer {
    readonly proto: HostProto;
    /** e.g. "stun:stun.example.com:3478" */
    readonly uri: string;
}

export interface RelaySettings {
    /** DNS-safe, unique; the relay is published as relay-<name>.<domain>. */
    readonly name: string;
    /** Cloud region the relay host runs in (e.g. "eu-west-1"). */
    readonly region: string;
    readonly instanceType: string;
}

export interface Settings {
    readonly cloud: Cloud;
    /** Public hostname of the control plane, e.g. "openzro.example.com". */
    readonly domain: string;
    /** DNS zone (Route53 hosted zone name) that contains `domain` and the relay records. */
    readonly dnsZone: string;
    readonly size: SizePreset;
    /** Pinned openZro package version, e.g. "0.53.1". */
    readonly openzroVersion: string;
    readonly logLevel: LogLevel;
    /** Primary region: network, controllers, database, load balancer. */
    readonly region: string;
    /** Applied to every taggable resource, on top of project/stack/component tags. */
    readonly tags: Readonly<Record<string, string>>;
    /** `protect: true` on stateful resources (database, irreplaceable secrets); also marks a production stack. */
    readonly protectResources: boolean;
    /** A protected (production) stack may deploy its own openzroVersion without promoteFromStack. */
    readonly allowUnpromotedDeploy: boolean;
    /** Copy the two irreplaceable keys to the cloud's secret store (AWS Secrets Manager), outside the state. */
    readonly secretsBackup: boolean;

    readonly network: {
        readonly vpcCidr: string;
        /** 1..3 availability zones for subnets; controllers are spread round-robin over them. */
        readonly azCount: number;
        readonly natGateways: NatGatewayMode;
        /** Pool the relay-region VPCs are carved from; must not overlap vpcCidr. */
        readonly relayVpcCidr: string;
    };

    readonly controllers: {
        /** 1, or an odd number >= 3 with the embedded coordinator. */
        readonly count: number;
        readonly instanceType: string;
        readonly rootVolumeGb: number;
        /** Overrides the Ubuntu 24.04 LTS lookup. */
        readonly amiId?: string;
    };

    readonly relay: {
        /** Port every relay listens on and advertises: TCP (WebSocket), and UDP (QUIC) when tls is not none. */
        readonly port: number;
        readonly tls: RelayTlsMode;
        /** ACME account contact (OZ_LETSENCRYPT_EMAIL); route53 mode only (the autocert path ignores it). */
        readonly acmeEmail?: string;
        /** files mode: certificate chain and key on the relay host (OZ_TLS_CERT_FILE / OZ_TLS_KEY_FILE). */
        readonly certFile?: string;
        readonly keyFile?: string;
        readonly rootVolumeGb: number;
        readonly amiId?: string;
        /** Relay.CredentialsTTL in management.json (Go duration). */
        readonly credentialsTtl: string;
    };
    /** At least one; each gets its own host, public address and DNS name. */
    readonly relays: readonly RelaySettings[];

    readonly bastion: {
        readonly instanceType: string;
    };

    /**
     * Optional GitHub Actions runner inside the stack's VPC, so CI reaches the hosts over SSH without opening SSH
     * to the world (components/aws/deployRunner.ts, docs/promotion.md). Undefined: no runner.
     */
    readonly deployRunner?: {
        /** `owner/name` of the GitHub repository the runner registers with. */
        readonly repository: string;
        readonly instanceType: string;
        /** Secret: a GitHub token allowed to create runner registrations (Administration: write). */
        readonly githubToken: pulumi.Output<string>;
    };

    readonly ssh: {
        readonly user: string;
        /** Sources allowed to SSH to the bastion and the relays. */
        readonly allowedCidrs: readonly string[];
        /** Both set, or neither (then a key pair is generated with @pulumi/tls). */
        readonly publicKey?: string;
        readonly privateKey?: pulumi.Output<string>;
    };

    readonly database: {
        /** Major version ("16" or later), or major.minor (then RDS automatic minor upgrades are off). */
        readonly engineVersion: string;
        /** Lets RDS apply a change of the major version (a deliberate, documented upgrade). */
        readonly allowMajorVersionUpgrade: boolean;
        /** Apply RDS modifications now instead of in the next maintenance window. */
        readonly applyImmediately: boolean;
        readonly instanceClass: string;
        readonly allocatedStorageGb: number;
        readonly maxAllocatedStorageGb: number;
        readonly multiAz: boolean;
        readonly backupRetentionDays: number;
        readonly deletionProtection: boolean;
        readonly skipFinalSnapshot: boolean;
        readonly performanceInsights: boolean;
        /** Master user; management connects as this user. */
        readonly username: string;
        /** The server's max_connections (RDS default for the class, or dbMaxConnections): management's pools fit it. */
        readonly maxConnections: number;
    };

    readonly loadBalancer: {
        /** ALB idle timeout; long so peers' gRPC streams are not cut (max 4000). */
        readonly idleTimeoutSeconds: number;
        readonly deregistrationDelaySeconds: number;
        readonly healthCheckIntervalSeconds: number;
        readonly healthyThreshold: number;
        readonly unhealthyThreshold: number;
        /** ALB TLS security policy (TLS 1.2+ / 1.3). */
        readonly sslPolicy: string;
        /** A Network Load Balancer with one Elastic IP per zone in front of the ALB: fixed public addresses. */
        readonly staticIngress: boolean;
    };

    readonly oidc: {
        /** https URL of the external identity provider (or https://<domain>/dex with dex.enabled). */
        readonly issuer: string;
        readonly clientId: string;
        readonly audience: string;
        /** Space-separated scopes. */
        readonly scopes: string;
        readonly userIdClaim: string;
        /** IdpManagerConfig.ManagerType (spec §1.2); "none" unless an IdP API is configured. */
        readonly idpManagerType: string;
        /** Render DeviceAuthorizationFlow (openzro login on headless peers). */
        readonly deviceAuthFlow: boolean;
        readonly clientSecret?: pulumi.Output<string>;
    };

    /** Proxy /dex/ to an operator-run Dex on 127.0.0.1:<port> (spec §6). */
    readonly dex: {
        readonly enabled: boolean;
        readonly port: number;
        /** Dex's gRPC API on 127.0.0.1 (connector CRUD): management's OPENZRO_DEX_GRPC_ADDR. */
        readonly grpcPort: number;
    };

    readonly cluster: {
        readonly coordinator: CoordinatorKind;
        /** Route port between management NATS servers (embedded or standalone nats-server). */
        readonly peerPort: number;
        /** Route port of signal's own embedded NATS cluster (embedded coordinator only). */
        readonly signalPeerPort: number;
        /** external-nats / external-redis only. */
        readonly url?: pulumi.Output<string>;
    };

    readonly management: {
        /** --dns-domain; must not overlap `domain`. */
        readonly dnsDomain: string;
        readonly anonymousMetrics: boolean;
        readonly geoliteUpdate: boolean;
        readonly disableDefaultPolicy: boolean;
        /** Persist traffic (flow) events in the openzro_flow database. */
        readonly flowStore: boolean;
        /** OPENZRO_FLOW_RETENTION (Go duration). */
        readonly flowRetention: string;
        /** OZ_SQL_MAX_OPEN_CONNS: size of each of management's two database pools (main, activity). */
        readonly dbPoolSize: number;
    };

    /** Stuns in management.json: by default one stun:relay-<name>.<domain>:3478 per relay (coturn on every relay). */
    readonly stuns: readonly StunServer[];

    readonly hosts: {
        readonly osFamily: OsFamily;
    };

    /** CloudWatch alarms and where they are sent (components/aws/alarms.ts). */
    readonly alarms: {
        /** Email addresses subscribed to the alarm topics (each confirms once per topic). */
        readonly emails: readonly string[];
        /** Alarm when a target group has more unhealthy controllers than this. */
        readonly unhealthyHosts: number;
        /** Alarm when 5xx answers (ALB's own + controllers') exceed this percentage of requests. */
        readonly alb5xxPercent: number;
        readonly dbCpuPercent: number;
        /** Alarm when free storage falls below this percentage of the allocated storage. */
        readonly dbFreeStoragePercent: number;
        /** Alarm when connections exceed this percentage of dbMaxConnections. */
        readonly dbConnectionsPercent: number;
        /** Alarm when a NAT gateway reports more port allocation errors than this in a minute. */
        readonly natPortErrors: number;
    };

    /** The "lose one availability zone" experiment (components/aws/gameDay.ts). */
    readonly gameDay: {
        readonly enabled: boolean;
        /** How long the zone's instances stay stopped before FIS starts them again. */
        readonly stopMinutes: number;
    };

    /**
     * The cloud's own agent scrapes the daemons' Prometheus endpoints on each host (loopback only) and keeps the
     * chosen metrics (components/host/render/metricsScrape.ts; on AWS the CloudWatch agent).
     */
    readonly metrics: {
        readonly agent: boolean;
    };

    /** Production reads the openZro version proven by this stack (`<org>/<project>/<stack>`). */
    readonly promoteFromStack?: string;

    /** Present exactly when cloud is "gcp". */
    readonly gcp?: GcpSettings;
}

/** What only a GCP deployment needs (cloud "gcp"). */
export interface GcpSettings {
    /** `gcp:project`: every resource is created in it. */
    readonly project: string;
    /** Zones controllers are spread over (azCount of them); unset: the region's first UP zones, looked up. */
    readonly zones?: readonly string[];
    /** Pinned boot image for every host; unset: Ubuntu 24.04 LTS family, resolved once and kept (ignoreChanges). */
    readonly image?: string;
    /** Cloud DNS managed-zone resource name whose DNS name is dnsZone. */
    readonly dnsManagedZone: string;
    /** Range reserved for private services access (Cloud SQL's private IP lives in it). */
    readonly privateServicesCidr: string;
}
