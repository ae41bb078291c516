// What the global external Application Load Balancer routes where, as plain data (the GCP counterpart of
// aws/loadBalancerPlan.ts, from the same path rules).
//
// Backend protocol for gRPC: HTTP2, i.e. HTTP/2 over TLS, to nginx's TLS listener (NGINX_GRPC_TLS_PORT), not H2C
// to the cleartext one. Google's Compute API defines HTTP2 as "HTTP/2 with SSL" and H2C as "HTTP2 over cleartext";
// HTTP2 is the long-documented way to run gRPC behind this load balancer (GFEs negotiate h2 by ALPN and do not
// verify the backend certificate, so a self-signed one is enough), while H2C reached the provider only in 2025
// (GoogleCloudPlatform/magic-modules#13910) and is still reported failing to apply
// (hashicorp/terraform-provider-google#23433). The health checks of the gRPC backends are HTTP/2-over-TLS checks on
// the same port, so they probe exactly the listener the traffic uses.
import { Settings } from "../config/types";
import { HEALTH_PATH, NGINX_GRPC_TLS_PORT, NGINX_HTTP_PORT, SIGNAL_HEALTH_PATH } from "../host/ports";
import { LISTENER_RULES, TargetKey, healthCheckTimeout } from "../aws/loadBalancerPlan";

/**
 * Backend-service timeout of the gRPC paths. On this load balancer it is not an idle timeout: it bounds how long a
 * request may take until its response completes, so for management's Sync and signal's ConnectStream (responses
 * that never complete) it is the maximum lifetime of a stream. One day: peers reconnect at most daily, each at its
 * own time of day (streams start whenever the peer connected).
 */
export const GRPC_STREAM_TIMEOUT_SECONDS = 86400;
/** Dashboard, REST API and Dex: ordinary request/response. */
export const HTTP_TIMEOUT_SECONDS = 60;

/** Instance-group named ports: backend services pick theirs by name. */
export const NAMED_PORTS = [
    { name: "http", port: NGINX_HTTP_PORT },
    { name: "grpc-tls", port: NGINX_GRPC_TLS_PORT },
] as const;

export interface BackendServicePlan {
    readonly key: TargetKey;
    /** HTTP: HTTP/1.1 cleartext. HTTP2: HTTP/2 over TLS. */
    readonly protocol: "HTTP" | "HTTP2";
    readonly portName: (typeof NAMED_PORTS)[number]["name"];
    readonly timeoutSec: number;
    readonly connectionDrainingTimeoutSec: number;
    readonly healthCheck: {
        /** http: HTTP/1.1 GET; http2: HTTP/2 GET over TLS (what Google's HTTP/2 health check speaks). */
        readonly kind: "http" | "http2";
        readonly port: number;
        readonly requestPath: string;
        readonly checkIntervalSec: number;
        readonly timeoutSec: number;
        readonly healthyThreshold: number;
        readonly unhealthyThreshold: number;
    };
}

export function backendServicePlans(lb: Settings["loadBalancer"]): BackendServicePlan[] {
    const common = {
        checkIntervalSec: lb.healthCheckIntervalSeconds,
        timeoutSec: healthCheckTimeout(lb.healthCheckIntervalSeconds),
        healthyThreshold: lb.healthyThreshold,
        unhealthyThreshold: lb.unhealthyThreshold,
    };
    const draining = lb.deregistrationDelaySeconds;
    return [
        {
            key: "http",
            protocol: "HTTP",
            portName: "http",
            timeoutSec: HTTP_TIMEOUT_SECONDS,
            connectionDrainingTimeoutSec: draining,
            healthCheck: { kind: "http", port: NGINX_HTTP_PORT, requestPath: HEALTH_PATH, ...common },
        },
        {
            // Management's health through nginx: 503 while drained, 502 (unhealthy) when management is down.
            key: "management",
            protocol: "HTTP2",
            portName: "grpc-tls",
            timeoutSec: GRPC_STREAM_TIMEOUT_SECONDS,
            connectionDrainingTimeoutSec: draining,
            healthCheck: { kind: "http2", port: NGINX_GRPC_TLS_PORT, requestPath: HEALTH_PATH, ...common },
        },
        {
            // Signal's own gRPC server answering, as nginx's signal health location reports it.
            key: "signal",
            protocol: "HTTP2",
            portName: "grpc-tls",
            timeoutSec: GRPC_STREAM_TIMEOUT_SECONDS,
            connectionDrainingTimeoutSec: draining,
            healthCheck: { kind: "http2", port: NGINX_GRPC_TLS_PORT, requestPath: SIGNAL_HEALTH_PATH, ...common },
        },
    ];
}

/** URL-map path rules: the same paths the ALB listener rules route (LISTENER_RULES). */
export function urlMapPathRules(): { readonly paths: readonly string[]; readonly target: TargetKey }[] {
    return LISTENER_RULES.map((rule) => ({ paths: rule.paths, target: rule.target }));
}

/** The client-side HTTP keepalive of the HTTPS proxy (GCP: 5-1200 s, default 610). */
export const CLIENT_KEEPALIVE_SECONDS = 1200;
