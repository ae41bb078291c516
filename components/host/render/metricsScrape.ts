// The Prometheus scrape configuration the host's metrics agent reads (the CloudWatch agent's
// prometheus_config_path): the openZro daemons of this host on loopback, at the metrics ports their units set
// (ports.ts; spec §3, D13), and only the metrics this program keeps. Plain Prometheus <scrape_config>s, so
// `promtool check config` and a real Prometheus read the same text (test/integration/metrics-scrape.test.ts).
import { MANAGEMENT_METRICS_PORT, RELAY_METRICS_PORT, SIGNAL_METRICS_PORT } from "../ports";
import { RenderError } from "./errors";

export type MetricsHostRole = "controller" | "relay";
export type ScrapeJob = "openzro-management" | "openzro-signal" | "openzro-relay";

/** One kept metric: its name as the daemon exposes it, and its CloudWatch unit. */
export interface KeptMetric {
    readonly name: string;
    readonly unit: "Count" | "Bytes";
    /** What it answers, for the docs and the plan. */
    readonly why: string;
}

/**
 * The metrics kept per daemon, named as openZro exposes them: OpenTelemetry instruments
 * (management/server/telemetry, signal/metrics/app.go, relay/metrics/realy.go) through the OpenTelemetry Go
 * Prometheus exporter v0.48, which turns dots into underscores, appends `_ratio` for unit "1" and `_total` to
 * counters (management's instruments carry unit "1"; signal's and relay's carry none and already end in _total).
 * Few on purpose: every kept metric is a CloudWatch custom metric per host (docs/hosts.md, "Metrics").
 */
export const KEPT_METRICS: Readonly<Record<ScrapeJob, readonly KeptMetric[]>> = {
    "openzro-management": [
        { name: "management_grpc_connected_streams_ratio", unit: "Count", why: "peers holding a sync stream on this controller" },
        { name: "management_grpc_sync_request_counter_ratio_total", unit: "Count", why: "peer sync requests (reconnect storms)" },
        { name: "management_grpc_login_request_counter_ratio_total", unit: "Count", why: "peer logins" },
    ],
    "openzro-signal": [
        { name: "active_peers", unit: "Count", why: "peers registered with this signal" },
        { name: "messages_forwarded_total", unit: "Count", why: "signalling messages forwarded" },
        { name: "message_forward_failures_total", unit: "Count", why: "messages signal could not deliver" },
        { name: "registration_failures_total", unit: "Count", why: "peers that failed to register" },
    ],
    "openzro-relay": [
        { name: "relay_peers", unit: "Count", why: "peers connected to this relay" },
        { name: "relay_peers_active", unit: "Count", why: "peers relaying traffic right now" },
        { name: "relay_transfer_sent_bytes_total", unit: "Bytes", why: "bytes relayed out" },
        { name: "relay_transfer_received_bytes_total", unit: "Bytes", why: "bytes relayed in" },
    ],
};

export interface ScrapeTarget {
    readonly job: ScrapeJob;
    /** The daemon's metrics port on this host (ports.ts; the drop-in / env file sets it). */
    readonly port: number;
}

/** The daemons of a host role and the port each serves /metrics on. */
export function scrapeTargets(role: MetricsHostRole): ScrapeTarget[] {
    return role === "controller"
        ? [
              { job: "openzro-management", port: MANAGEMENT_METRICS_PORT },
              { job: "openzro-signal", port: SIGNAL_METRICS_PORT },
          ]
        : [{ job: "openzro-relay", port: RELAY_METRICS_PORT }];
}

/** The label every kept series carries: the host's name (controller-1, relay-fra), a CloudWatch dimension. */
export const HOST_LABEL = "host";
/** CloudWatch's standard resolution is one minute: scraping more often would only cost more. */
export const SCRAPE_INTERVAL = "1m";
export const SCRAPE_TIMEOUT = "10s";

export interface ScrapeConfigOptions {
    /** host:port of a target (tests remap loopback ports to stand-in endpoints); default 127.0.0.1:<port>. */
    readonly address?: (target: ScrapeTarget) => string;
}

const HOST_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * The scrape configuration of one host. Targets are on 127.0.0.1 only: the agent runs on the host, so nothing
 * has to open a metrics port beyond it (the security groups and firewalls do not). metric_relabel_configs keep
 * only KEPT_METRICS, so the agent neither ships nor pays for the hundreds of other series (histogram buckets).
 */
export function renderScrapeConfig(role: MetricsHostRole, hostName: string, options: ScrapeConfigOptions = {}): string {
    if (!HOST_NAME.test(hostName)) {
        throw new RenderError("hostName", "is not a host name usable as a metric label", hostName, "use controllerName(i) or relayHostName(name)");
    }
    const address = options.address ?? ((t: ScrapeTarget) => `127.0.0.1:${t.port}`);
    const lines = [
        "# Managed by Pulumi (openzro). Local edits are overwritten on the next `pulumi up`.",
        "# The openZro daemons of this host, scraped on loopback; only the kept metrics pass.",
        "global:",
        `  scrape_interval: ${SCRAPE_INTERVAL}`,
        `  scrape_timeout: ${SCRAPE_TIMEOUT}`,
        "scrape_configs:",
    ];
    for (const target of scrapeTargets(role)) {
        const kept = KEPT_METRICS[target.job].map((m) => m.name);
        lines.push(
            `  - job_name: ${target.job}`,
            "    metrics_path: /metrics",
            "    scheme: http",
            "    static_configs:",
            `      - targets: ["${address(target)}"]`,
            "        labels:",
            `          ${HOST_LABEL}: "${hostName}"`,
            "    metric_relabel_configs:",
            "      - source_labels: [__name__]",
            `        regex: "${kept.join("|")}"`,
            "        action: keep",
        );
    }
    return `${lines.join("\n")}\n`;
}
