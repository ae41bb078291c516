// The hand-over from a cloud footprint (AWS today, GCP later) to the cloud-agnostic host layer.
// Both footprints produce exactly this shape; the host layer and every renderer exist once.
import * as pulumi from "@pulumi/pulumi";

/** How the SSH client reaches a host: directly, or through the bastion as a jump host. */
export interface SshRoute {
    /** Address the SSH client dials (through the proxy when set): private IP for controllers, public for relays. */
    readonly host: pulumi.Input<string>;
    readonly user: string;
    /** Secret. */
    readonly privateKey: pulumi.Input<string>;
    /**
     * The host's SSH public host key (`ssh-ed25519 AAAA...`, authorized_keys format) the connection must see; the
     * footprint generates it and installs it at first boot. Every footprint should set it (and the proxy's): without
     * it the SSH client accepts any host key.
     */
    readonly hostKey?: pulumi.Input<string>;
    readonly proxy?: {
        readonly host: pulumi.Input<string>;
        readonly user: string;
        readonly privateKey: pulumi.Input<string>;
        /** The bastion's public host key. */
        readonly hostKey?: pulumi.Input<string>;
    };
}

/**
 * Routes through the bastion, both ends pinned: `route(host, hostKey)` dials `host` (an internal or public address)
 * with the stack's login key, proxied by the bastion at `bastion.host`.
 */
export function viaBastion(
    bastion: { readonly host: pulumi.Input<string>; readonly hostKey: pulumi.Input<string> },
    user: string,
    privateKey: pulumi.Input<string>,
): (host: pulumi.Input<string>, hostKey: pulumi.Input<string>) => SshRoute {
    return (host, hostKey) => ({ host, user, privateKey, hostKey, proxy: { host: bastion.host, user, privateKey, hostKey: bastion.hostKey } });
}

export interface ControllerFacts {
    /** 0-based position; controller 0 bootstraps the database and is first in every rollout. */
    readonly index: number;
    /** Resource-name stem, e.g. "controller-1". */
    readonly name: string;
    /** Unique per controller; it is the embedded NATS server_name (spec §2.4). */
    readonly hostname: string;
    readonly privateIp: pulumi.Input<string>;
    /** Availability zone. */
    readonly zone: pulumi.Input<string>;
    readonly ssh: SshRoute;
    /** The instance: commands are `deletedWith` it and wait for it. */
    readonly instance: pulumi.Resource;
}

/** A controller as a footprint launched it; `I` is the cloud's instance resource. */
export interface LaunchedController<I extends pulumi.Resource = pulumi.Resource> {
    readonly index: number;
    readonly name: string;
    readonly hostname: string;
    readonly instance: I;
    readonly privateIp: pulumi.Output<string>;
    readonly zone: pulumi.Output<string>;
    /** Public half of its SSH host key (pinned by every connection). */
    readonly hostPublicKey: pulumi.Output<string>;
}

/** The host layer's controllers: each reached at its private address through `route` (the bastion). */
export function controllerFacts(
    hosts: readonly LaunchedController[],
    route: (host: pulumi.Input<string>, hostKey: pulumi.Input<string>) => SshRoute,
): ControllerFacts[] {
    return hosts.map((h) => ({
        index: h.index,
        name: h.name,
        hostname: h.hostname,
        privateIp: h.privateIp,
        zone: h.zone,
        ssh: route(h.privateIp, h.hostPublicKey),
        instance: h.instance,
    }));
}

export interface RelayFacts {
    readonly name: string;
    readonly region: string;
    /** Its own public address (Elastic IP / static external IP); never shared (spec §4). */
    readonly publicIp: pulumi.Input<string>;
    /** relay-<name>.<domain>, resolving to publicIp only. */
    readonly dnsName: string;
    readonly ssh: SshRoute;
    readonly instance: pulumi.Resource;
}

/**
 * The CA(s) that sign the managed PostgreSQL's server certificate, so clients verify it (sslmode=verify-full).
 * Cloud-agnostic; exactly one of:
 * - `pem`: the certificates themselves (GCP: Cloud SQL's `serverCaCerts[*].cert`), shipped to the hosts;
 * - `url`: an https URL the hosts download them from at converge time (AWS: the RDS global bundle, which is
 *   rotated by AWS and too large to vendor). The download is checked to be PEM certificates only.
 */
export type DatabaseServerCa = { readonly pem: pulumi.Input<string>; readonly url?: undefined } | { readonly url: string; readonly pem?: undefined };

/** The RDS CA bundle for every commercial region (AWS documentation, "Using SSL/TLS to encrypt a connection"). */
export const RDS_GLOBAL_CA_BUNDLE_URL = "https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem";

export interface DatabaseFacts {
    /** Endpoint hostname of the managed PostgreSQL. */
    readonly host: pulumi.Input<string>;
    readonly port: pulumi.Input<number>;
    readonly user: string;
    /** Secret. The master (admin) password: only the database bootstrap uses it. */
    readonly password: pulumi.Input<string>;
    /** Verifies the server's certificate; its names must include `host`. */
    readonly serverCa: DatabaseServerCa;
    /** Database created by the cloud (the main store); activity/flow/dex are created by the host layer. */
    readonly mainDatabase: string;
    /** Resources the database bootstrap must wait for (instance, and anything that must exist before connecting). */
    readonly dependsOn: pulumi.Resource[];
}

/** What the host layer needs to drain a controller from the load balancer and know when it is back. */
export interface LoadBalancerFacts {
    /**
     * Source CIDRs of the real proxies in front of nginx (the LB's subnets), and any address the load balancer itself
     * appends to X-Forwarded-For (GCP appends its own IP, known only once reserved: hence Inputs). Never 0.0.0.0/0.
     */
    readonly proxyCidrs: readonly pulumi.Input<string>[];
    readonly healthCheckIntervalSeconds: number;
    readonly healthyThreshold: number;
    readonly unhealthyThreshold: number;
    readonly deregistrationDelaySeconds: number;
    /**
     * How the load balancer speaks HTTP/2 (gRPC) to nginx: "h2c", cleartext on NGINX_GRPC_PORT (ALB gRPC target
     * groups), or "tls", HTTP/2 over TLS with a self-signed certificate on NGINX_GRPC_TLS_PORT (GCP's global load
     * balancer speaks HTTP/2 to backends only over TLS and does not verify the certificate). Absent: "h2c".
     */
    readonly grpcBackend?: "h2c" | "tls";
}

/**
 * One host as the instance chain sees it (footprint → host layer, before the host layer exists): a footprint
 * creates host i+1's instance only after the gate of host i, so any change the cloud applies to instances
 * (a new instance type is a stop and start; a replacement) reaches one host at a time per tier.
 */
export interface InstanceGateHost {
    /** controllerName(i) / relayHostName(name). */
    readonly name: string;
    readonly role: "controller" | "relay";
    readonly ssh: SshRoute;
    readonly instance: pulumi.Resource;
    /** What the cloud applies by stop/start (e.g. the instance type): the gate re-runs when it changes. */
    readonly instanceFacts: string;
}

/** Creates the gate of a host: a command that finishes once the host is back and healthy after a change. */
export type InstanceGateFactory = (host: InstanceGateHost, opts: pulumi.CustomResourceOptions) => pulumi.Resource;

/**
 * The cloud's metrics agent on every controller and relay (absent: none). The footprint creates where the metrics
 * go and grants the hosts exactly that; the host layer installs the agent and renders its configuration.
 */
export interface MetricsAgentFacts {
    /** The CloudWatch agent (AWS): Prometheus scrapes turned into CloudWatch metrics through EMF log events. */
    readonly kind: "cloudwatch";
    /** CloudWatch Logs group the agent writes its EMF events to (created by the footprint, with retention). */
    readonly logGroupName: string;
    /** That log group's region: every host writes there, relays in other regions too. */
    readonly region: string;
    /** CloudWatch namespace of the kept metrics (one per stack). */
    readonly namespace: string;
}

export interface FootprintFacts {
    readonly controllers: readonly ControllerFacts[];
    readonly relays: readonly RelayFacts[];
    readonly database: DatabaseFacts;
    readonly loadBalancer: LoadBalancerFacts;
    readonly metricsAgent?: MetricsAgentFacts;
}

/**
 * The role management connects as: LOGIN, owner of its three databases, and nothing else (no CREATEDB,
 * CREATEROLE or superuser). The database bootstrap creates it; its password is a RandomPassword of the host layer.
 */
export const DATABASE_APP_ROLE = "openzro_app";

/** The three stores management uses, plus Dex's (spec §1.4, HELM naming). */
export const DATABASE_NAMES = {
    main: "openzro",
    activity: "openzro_activity",
    flow: "openzro_flow",
    dex: "dex",
} as const;
