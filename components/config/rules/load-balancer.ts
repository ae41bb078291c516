// The public L7 load balancer in front of the controllers.
import { ConfigError } from "../errors";
import { DEFAULTS } from "../keys";
import { RawReader } from "../reader";
import type { Cloud, Settings } from "../types";
import { rejectOnGcp } from "./common";

/** TLS 1.2+ ALB policies: the TLS13-1-2/1-3 family, TLS-1-2-* and FS-1-2-*. Older ones still allow TLS 1.0/1.1. */
const TLS12_PLUS_POLICY = /^ELBSecurityPolicy-(?:TLS13-1-[23]-|TLS-1-2-|FS-1-2-)[A-Za-z0-9-]+$/;

export function readLoadBalancer(r: RawReader, cloud: Cloud = "aws"): Settings["loadBalancer"] {
    const sslPolicy = r.text("albSslPolicy", DEFAULTS.albSslPolicy);
    const idleTimeoutSeconds = r.int("albIdleTimeoutSeconds", { min: 60, max: 4000 }, DEFAULTS.albIdleTimeoutSeconds);
    if (cloud === "gcp") {
        rejectOnGcp("albSslPolicy", sslPolicy, sslPolicy === DEFAULTS.albSslPolicy, "GCP's load balancer uses its own SSL policy (MODERN profile, TLS 1.2 minimum)", "remove it");
        rejectOnGcp(
            "albIdleTimeoutSeconds",
            idleTimeoutSeconds,
            idleTimeoutSeconds === DEFAULTS.albIdleTimeoutSeconds,
            "GCP has no ALB idle timeout (gRPC backend services get a one-day stream timeout)",
            "remove it",
        );
    }
    if (!TLS12_PLUS_POLICY.test(sslPolicy)) {
        throw new ConfigError(
            "albSslPolicy",
            "is not a TLS 1.2+ ALB security policy",
            sslPolicy,
            `use ${DEFAULTS.albSslPolicy} (TLS 1.2 and 1.3) or another ELBSecurityPolicy-TLS13-* policy`,
        );
    }

    return {
        // Peers hold gRPC streams open for hours: the idle timeout must be long (ALB maximum 4000 s).
        idleTimeoutSeconds,
        deregistrationDelaySeconds: r.int("albDeregistrationDelaySeconds", { min: 0, max: 3600 }, DEFAULTS.albDeregistrationDelaySeconds),
        healthCheckIntervalSeconds: r.int("albHealthCheckIntervalSeconds", { min: 5, max: 300 }, DEFAULTS.albHealthCheckIntervalSeconds),
        healthyThreshold: r.int("albHealthyThreshold", { min: 2, max: 10 }, DEFAULTS.albHealthyThreshold),
        unhealthyThreshold: r.int("albUnhealthyThreshold", { min: 2, max: 10 }, DEFAULTS.albUnhealthyThreshold),
        sslPolicy,
        staticIngress: readStaticIngress(r, cloud),
    };
}

/** The NLB in front of the ALB is AWS's; GCP's global load balancer has one static anycast address already. */
function readStaticIngress(r: RawReader, cloud: Cloud): boolean {
    const staticIngress = r.bool("staticIngress", DEFAULTS.staticIngress);
    if (cloud === "gcp") {
        rejectOnGcp("staticIngress", staticIngress, !staticIngress, "GCP's global load balancer already has one static address", "remove it");
    }
    return staticIngress;
}
