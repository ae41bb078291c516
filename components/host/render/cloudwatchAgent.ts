// The CloudWatch agent's own configuration (AWS): its Prometheus input reads the scrape configuration
// (metricsScrape.ts) and writes every scraped sample to one CloudWatch Logs group as Embedded Metric Format events;
// the emf_processor's metric_declarations turn exactly the kept metrics into CloudWatch metrics (field names from
// the agent's translator/config/schema.json: logs.metrics_collected.prometheus). EMF needs no
// cloudwatch:PutMetricData: CloudWatch Logs extracts the metrics, so the hosts only write to that log group.
import type { MetricsAgentFacts } from "../facts";
import { RenderError } from "./errors";
import { HOST_LABEL, KEPT_METRICS, MetricsHostRole, scrapeTargets } from "./metricsScrape";

export const CLOUDWATCH_AGENT_DIR = "/opt/aws/amazon-cloudwatch-agent";
/** The scrape configuration's path (prometheus_config_path). */
export const CLOUDWATCH_PROMETHEUS_CONFIG_PATH = `${CLOUDWATCH_AGENT_DIR}/etc/openzro-prometheus.yaml`;
/**
 * Where `amazon-cloudwatch-agent-ctl -a fetch-config -c file:openzro.json` would put the configuration: the agent's
 * start wrapper translates every `*.tmp` JSON in amazon-cloudwatch-agent.d on each start (config-translator,
 * multi-config "default"), so writing the file and restarting the unit is what fetch-config does, minus its
 * network and credential checks.
 */
export const CLOUDWATCH_AGENT_CONFIG_PATH = `${CLOUDWATCH_AGENT_DIR}/etc/amazon-cloudwatch-agent.d/file_openzro.json.tmp`;
/** The package's unit (it installs /etc/systemd/system/amazon-cloudwatch-agent.service). */
export const CLOUDWATCH_AGENT_UNIT = "amazon-cloudwatch-agent";

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const LOG_GROUP = /^[A-Za-z0-9_\-/.#]{1,512}$/;
const NAMESPACE = /^[A-Za-z0-9 _\-/.#:]{1,255}$/;

function escapeRegex(text: string): string {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The agent's JSON for one host role: scrape, then keep KEPT_METRICS as metrics per host. */
export function cloudwatchAgentConfig(role: MetricsHostRole, facts: MetricsAgentFacts): Record<string, unknown> {
    if (!REGION.test(facts.region)) throw new RenderError("metricsAgent.region", "is not an AWS region", facts.region, "hand over the log group's region, e.g. us-east-1");
    if (!LOG_GROUP.test(facts.logGroupName)) throw new RenderError("metricsAgent.logGroupName", "is not a CloudWatch Logs group name", facts.logGroupName, "use letters, digits, _ - / . #");
    if (!NAMESPACE.test(facts.namespace)) throw new RenderError("metricsAgent.namespace", "is not a CloudWatch namespace", facts.namespace, "use letters, digits, spaces, _ - / . # :");
    const jobs = scrapeTargets(role).map((t) => t.job);
    const kept = jobs.flatMap((job) => KEPT_METRICS[job]);
    return {
        // The log group's region, also on relays in other regions: one place for every host's metrics.
        agent: { region: facts.region },
        logs: {
            metrics_collected: {
                prometheus: {
                    log_group_name: facts.logGroupName,
                    prometheus_config_path: CLOUDWATCH_PROMETHEUS_CONFIG_PATH,
                    emf_processor: {
                        metric_namespace: facts.namespace,
                        metric_unit: Object.fromEntries(kept.map((m) => [m.name, m.unit])),
                        metric_declaration: jobs.map((job) => ({
                            source_labels: ["job"],
                            label_matcher: `^${escapeRegex(job)}$`,
                            // One series per metric and host: bounded, and enough to tell hosts apart.
                            dimensions: [[HOST_LABEL]],
                            metric_selectors: KEPT_METRICS[job].map((m) => `^${escapeRegex(m.name)}$`),
                        })),
                    },
                },
            },
        },
    };
}

export function renderCloudwatchAgentConfig(role: MetricsHostRole, facts: MetricsAgentFacts): string {
    return `${JSON.stringify(cloudwatchAgentConfig(role, facts), null, 2)}\n`;
}
