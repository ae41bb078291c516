// The metrics agent's files: the scrape configuration must point at the ports the rendered units really set (read
// back from the drop-ins and the relay's env file, not from ports.ts, so a port changed in one place fails here),
// on loopback only, keeping exactly what the CloudWatch agent's declarations turn into metrics.
import * as yaml from "js-yaml";
import type { MetricsAgentFacts } from "../../components/host/facts";
import {
    CLOUDWATCH_AGENT_CONFIG_PATH,
    CLOUDWATCH_PROMETHEUS_CONFIG_PATH,
    KEPT_METRICS,
    MetricsHostRole,
    cloudwatchAgentConfig,
    renderControllerFiles,
    renderManagementDropIn,
    renderRelayEnv,
    renderRelayFiles,
    renderScrapeConfig,
    renderSignalDropIn,
} from "../../components/host/render";
import { SECRETS, fileAt, parseEnvFile, settingsFor, topologyFor } from "./render-fixtures";

const FACTS: MetricsAgentFacts = { kind: "cloudwatch", logGroupName: "/openzro/staging/metrics", region: "us-east-1", namespace: "openZro/staging" };

interface ScrapeConfig {
    job_name: string;
    metrics_path: string;
    static_configs: { targets: string[]; labels: Record<string, string> }[];
    metric_relabel_configs: { source_labels: string[]; regex: string; action: string }[];
}

function scrapeConfigs(text: string): ScrapeConfig[] {
    return (yaml.load(text) as { scrape_configs: ScrapeConfig[] }).scrape_configs;
}

/** job → the metrics port its rendered unit / env really sets. */
function portsTheUnitsSet(role: MetricsHostRole): Record<string, number> {
    const settings = settingsFor();
    if (role === "relay") {
        return { "openzro-relay": Number(parseEnvFile(renderRelayEnv(settings, 0, SECRETS)).get("OZ_METRICS_PORT")) };
    }
    const flag = (dropIn: string): number => {
        const execStart = dropIn.split("\n").filter((l) => l.startsWith("ExecStart=")).pop() ?? "";
        const words = execStart.split(" ");
        return Number(words[words.indexOf("--metrics-port") + 1]);
    };
    return { "openzro-management": flag(renderManagementDropIn(settings)), "openzro-signal": flag(renderSignalDropIn(settings)) };
}

/** The prometheus keep regex matches a name as a whole (Prometheus anchors it). */
function kept(config: ScrapeConfig, name: string): boolean {
    const keep = config.metric_relabel_configs.find((r) => r.action === "keep" && r.source_labels.join() === "__name__");
    return keep !== undefined && new RegExp(`^(?:${keep.regex})$`).test(name);
}

describe("scrape configuration", () => {
    test.each<[MetricsHostRole, string]>([
        ["controller", "controller-2"],
        ["relay", "relay-fra"],
    ])("%s: one job per daemon with metrics, at the port its unit sets, on 127.0.0.1", (role, host) => {
        const configs = scrapeConfigs(renderScrapeConfig(role, host));
        const ports = portsTheUnitsSet(role);
        expect(configs.map((c) => c.job_name).sort()).toEqual(Object.keys(ports).sort());
        for (const c of configs) {
            expect(c.metrics_path).toBe("/metrics");
            expect(c.static_configs).toEqual([{ targets: [`127.0.0.1:${ports[c.job_name]}`], labels: { host } }]);
        }
    });

    it("gives every daemon on a controller its own port (all three default to 9090, spec §3)", () => {
        const ports = Object.values(portsTheUnitsSet("controller"));
        expect(new Set(ports).size).toBe(ports.length);
    });

    it("keeps exactly the listed metrics of each job and drops everything else", () => {
        for (const c of scrapeConfigs(renderScrapeConfig("controller", "controller-1")).concat(scrapeConfigs(renderScrapeConfig("relay", "relay-fra")))) {
            const names = KEPT_METRICS[c.job_name as keyof typeof KEPT_METRICS].map((m) => m.name);
            for (const name of names) expect(kept(c, name)).toBe(true);
            // A histogram bucket, another daemon's metric, a prefix of a kept name: all dropped.
            for (const other of ["management_grpc_sync_request_duration_ms_bucket", "go_goroutines", "relay_peers_idle", "active_peers_total", "target_info"]) {
                expect(kept(c, other)).toBe(names.includes(other));
            }
        }
    });

    it("lets a test remap targets without touching anything else", () => {
        const remapped = scrapeConfigs(renderScrapeConfig("relay", "relay-fra", { address: (t) => `127.0.0.5:${t.port + 1000}` }));
        expect(remapped[0].static_configs[0].targets).toEqual([`127.0.0.5:${portsTheUnitsSet("relay")["openzro-relay"] + 1000}`]);
    });

    it("refuses a host name that cannot be a label value", () => {
        expect(() => renderScrapeConfig("relay", 'relay"x')).toThrow(/hostName: is not a host name/);
    });
});

describe("CloudWatch agent configuration", () => {
    test.each<MetricsHostRole>(["controller", "relay"])("%s: turns exactly the scraped, kept metrics into metrics, per host", (role) => {
        const config = cloudwatchAgentConfig(role, FACTS) as {
            agent: { region: string };
            logs: { metrics_collected: { prometheus: Record<string, unknown> } };
        };
        const prom = config.logs.metrics_collected.prometheus as {
            log_group_name: string;
            prometheus_config_path: string;
            emf_processor: {
                metric_namespace: string;
                metric_unit: Record<string, string>;
                metric_declaration: { source_labels: string[]; label_matcher: string; dimensions: string[][]; metric_selectors: string[] }[];
            };
        };
        expect(config.agent.region).toBe(FACTS.region);
        expect(prom.log_group_name).toBe(FACTS.logGroupName);
        expect(prom.prometheus_config_path).toBe(CLOUDWATCH_PROMETHEUS_CONFIG_PATH);
        expect(prom.emf_processor.metric_namespace).toBe(FACTS.namespace);

        const scrape = scrapeConfigs(renderScrapeConfig(role, "h-1"));
        const declared = new Set<string>();
        for (const d of prom.emf_processor.metric_declaration) {
            // Each declaration selects one scrape job by its label and keeps only that job's kept metrics.
            const jobs = scrape.filter((c) => new RegExp(d.label_matcher).test(c.job_name));
            expect(d.source_labels).toEqual(["job"]);
            expect(jobs).toHaveLength(1);
            expect(d.dimensions).toEqual([[Object.keys(jobs[0].static_configs[0].labels)[0]]]);
            const names = KEPT_METRICS[jobs[0].job_name as keyof typeof KEPT_METRICS].map((m) => m.name);
            for (const name of names) expect(d.metric_selectors.some((s) => new RegExp(s).test(name))).toBe(true);
            for (const s of d.metric_selectors) {
                const matched = names.filter((n) => new RegExp(s).test(n));
                expect(matched).toHaveLength(1);
                declared.add(matched[0]);
                expect(kept(jobs[0], matched[0])).toBe(true);
            }
        }
        expect(Object.keys(prom.emf_processor.metric_unit).sort()).toEqual([...declared].sort());
    });

    it("refuses facts that are not AWS names", () => {
        expect(() => cloudwatchAgentConfig("relay", { ...FACTS, region: "europe-west1" })).toThrow(/metricsAgent.region: is not an AWS region/);
        expect(() => cloudwatchAgentConfig("relay", { ...FACTS, logGroupName: "bad name" })).toThrow(/metricsAgent.logGroupName/);
    });
});

describe("host files", () => {
    const settings = settingsFor();

    it("a controller and a relay get both agent files when the footprint hands over an agent, restarting only the agent", () => {
        const topology = { ...topologyFor(settings), metricsAgent: FACTS };
        const controller = renderControllerFiles(settings, topology, 1, SECRETS);
        const relay = renderRelayFiles(settings, topology, 0, SECRETS);
        for (const [files, role, host] of [
            [controller, "controller", "controller-2"],
            [relay, "relay", `relay-${settings.relays[0].name}`],
        ] as const) {
            for (const path of [CLOUDWATCH_PROMETHEUS_CONFIG_PATH, CLOUDWATCH_AGENT_CONFIG_PATH]) {
                const f = fileAt(files, path);
                expect([f.mode, f.owner, f.group, f.secret, f.restarts]).toEqual(["0644", "root", "root", false, ["amazon-cloudwatch-agent"]]);
            }
            expect(fileAt(files, CLOUDWATCH_PROMETHEUS_CONFIG_PATH).content).toBe(renderScrapeConfig(role, host));
            expect(JSON.parse(fileAt(files, CLOUDWATCH_AGENT_CONFIG_PATH).content)).toEqual(cloudwatchAgentConfig(role, FACTS));
        }
    });

    it("nothing of the agent without one", () => {
        const topology = topologyFor(settings);
        const paths = [...renderControllerFiles(settings, topology, 0, SECRETS), ...renderRelayFiles(settings, topology, 0, SECRETS)].map((f) => f.path);
        expect(paths.filter((p) => p.startsWith("/opt/aws/"))).toEqual([]);
    });
});
