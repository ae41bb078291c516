// What the load balancer routes where, as plain data. gRPC needs HTTP/2 end to end, so the gRPC paths go to
// target groups with protocolVersion GRPC on nginx's h2c port; everything else (dashboard, /api, /dex/) goes to
// nginx's HTTP/1.1 port. Health checks tell the ALB when a controller is drained or a daemon is down.
import { Settings } from "../config/types";
import { HEALTH_PATH, NGINX_GRPC_PORT, NGINX_HTTP_PORT } from "../host/ports";

export type TargetKey = "http" | "management" | "signal";

export interface TargetGroupPlan {
    readonly key: TargetKey;
    readonly port: number;
    readonly protocol: "HTTP";
    readonly protocolVersion: "HTTP1" | "GRPC";
    readonly healthCheck: {
        readonly path: string;
        /** HTTP status codes, or gRPC status codes when protocolVersion is GRPC. */
        readonly matcher: string;
        readonly interval: number;
        readonly timeout: number;
        readonly healthyThreshold: number;
        readonly unhealthyThreshold: number;
    };
    readonly deregistrationDelay: number;
}

export interface ListenerRulePlan {
    readonly key: string;
    readonly priority: number;
    readonly paths: readonly string[];
    readonly target: TargetKey;
}

/** gRPC status codes (grpc-go codes package). */
const GRPC_OK = "0";
const GRPC_UNIMPLEMENTED = "12";

/** A real unary RPC of openZro's ManagementService that needs no authentication. */
export const MANAGEMENT_HEALTH_PATH = "/management.ManagementService/isHealthy";
/**
 * A method signal does not have: grpc-go answers UNIMPLEMENTED (12) only when signal's gRPC server is up; nginx
 * answers UNAVAILABLE (14) while the host is drained or signal is down. So "12" means healthy.
 */
export const SIGNAL_HEALTH_PATH = "/signalexchange.SignalExchange/Healthz";

/** AWS requires the timeout to be shorter than the interval; 5 s is the ALB default for HTTP. */
export function healthCheckTimeout(intervalSeconds: number): number {
    return Math.max(2, Math.min(5, intervalSeconds - 1));
}

export function targetGroupPlans(lb: Settings["loadBalancer"]): TargetGroupPlan[] {
    const common = {
        interval: lb.healthCheckIntervalSeconds,
        timeout: healthCheckTimeout(lb.healthCheckIntervalSeconds),
        healthyThreshold: lb.healthyThreshold,
        unhealthyThreshold: lb.unhealthyThreshold,
    };
    const base = { protocol: "HTTP" as const, deregistrationDelay: lb.deregistrationDelaySeconds };
    return [
        { key: "http", port: NGINX_HTTP_PORT, protocolVersion: "HTTP1", healthCheck: { path: HEALTH_PATH, matcher: "200", ...common }, ...base },
        { key: "management", port: NGINX_GRPC_PORT, protocolVersion: "GRPC", healthCheck: { path: MANAGEMENT_HEALTH_PATH, matcher: GRPC_OK, ...common }, ...base },
        { key: "signal", port: NGINX_GRPC_PORT, protocolVersion: "GRPC", healthCheck: { path: SIGNAL_HEALTH_PATH, matcher: GRPC_UNIMPLEMENTED, ...common }, ...base },
    ];
}

/** HTTPS listener rules; anything unmatched goes to the nginx HTTP target group (the listener's default). */
export const LISTENER_RULES: readonly ListenerRulePlan[] = [
    { key: "management", priority: 10, paths: ["/management.ManagementService/*", "/flow.FlowService/*"], target: "management" },
    { key: "signal", priority: 20, paths: ["/signalexchange.SignalExchange/*"], target: "signal" },
];
