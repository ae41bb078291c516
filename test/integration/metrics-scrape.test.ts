// The metrics agent's scrape configuration against a real Prometheus (Debian's prometheus package): the text
// the staging plan ships to controller-1 and to a relay passes `promtool check config`, and a real Prometheus
// reading those scrape_configs, with 127.0.0.1 remapped to one stand-in loopback address per host (like the other
// tests' stand-in hosts), finds every target up at the port the host's units set and keeps only the kept metrics.
// The stand-in endpoints answer like openZro's: the kept metrics, plus what the daemons expose besides (Go
// runtime, histogram buckets, target_info) that must not pass.
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import * as yaml from "js-yaml";
import { CLOUDWATCH_PROMETHEUS_CONFIG_PATH, KEPT_METRICS, ScrapeJob, dropInPath, envFilePath } from "../../components/host/render";
import { parseEnvFile } from "./harness/envfile";
import { httpGet } from "./harness/http-client";
import { ProcessGroup, retryUntil, StartedProcess, waitForPort } from "./harness/processes";
import { makeWorkDir, removeWorkDir } from "./harness/workdir";
import { fileAt, loadFixture, StackFixture, throwawaySecrets } from "./support/fixture";

jest.setTimeout(120_000);

const PREFIX = "127.0.70";
const PROMETHEUS = { host: `${PREFIX}.2`, port: 9090 };

interface ScrapeConfig {
    job_name: string;
    static_configs: { targets: string[]; labels: Record<string, string> }[];
}

let fixture: StackFixture;
let workDir: string;
let group: ProcessGroup;
let prometheus: StartedProcess;
const servers: http.Server[] = [];
/** host name → its scrape configuration as the plan ships it. */
const shipped = new Map<string, string>();
/** stand-in address of each host. */
const addressOf = new Map<string, string>();
/** host name → job → the metrics port its shipped drop-in or env file sets. */
const unitPorts = new Map<string, Record<string, number>>();

function metricsPortFlag(dropIn: string): number {
    const words = (dropIn.split("\n").filter((l) => l.startsWith("ExecStart=")).pop() ?? "").split(" ");
    return Number(words[words.indexOf("--metrics-port") + 1]);
}

/** What an openZro daemon's /metrics shows: the kept metrics and others the agent must drop. */
function exposition(job: ScrapeJob): string {
    const lines: string[] = [];
    for (const [i, m] of KEPT_METRICS[job].entries()) {
        const type = m.name.endsWith("_total") ? "counter" : "gauge";
        lines.push(`# TYPE ${m.name} ${type}`, `${m.name}{otel_scope_name="openzro"} ${i + 1}`);
    }
    lines.push(
        "# TYPE go_goroutines gauge",
        "go_goroutines 42",
        "# TYPE openzro_standin_duration_milliseconds histogram",
        'openzro_standin_duration_milliseconds_bucket{le="5"} 1',
        'openzro_standin_duration_milliseconds_bucket{le="+Inf"} 2',
        "openzro_standin_duration_milliseconds_sum 7",
        "openzro_standin_duration_milliseconds_count 2",
        "# TYPE target_info gauge",
        'target_info{service_name="openzro"} 1',
    );
    return `${lines.join("\n")}\n`;
}

function serve(address: string, port: number, job: ScrapeJob): Promise<void> {
    const server = http.createServer((req, res) => {
        if (req.url !== "/metrics") {
            res.writeHead(404).end();
            return;
        }
        res.writeHead(200, { "content-type": "text/plain; version=0.0.4" }).end(exposition(job));
    });
    servers.push(server);
    return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, address, () => resolve());
    });
}

/** The shipped text with this host's loopback replaced by its stand-in address; nothing else changes. */
function remapped(text: string, address: string): string {
    const out = text.replace(/"127\.0\.0\.1:(\d+)"/g, `"${address}:$1"`);
    if (/127\.0\.0\.1/.test(out)) throw new Error("a target is written in a form the remap does not know");
    return out;
}

async function query(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
    const r = await httpGet(`http://${PROMETHEUS.host}:${PROMETHEUS.port}/api/v1/query?query=${encodeURIComponent(expr)}`);
    return (JSON.parse(r.body) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } }).data.result;
}

beforeAll(async () => {
    fixture = await loadFixture("staging");
    workDir = makeWorkDir("metrics-scrape");
    group = new ProcessGroup(path.join(workDir, "logs"));
    const secrets = throwawaySecrets();
    const relay = fixture.settings.relays[0].name;
    const controllerFiles = fixture.controllerFiles(0, secrets);
    const relayFiles = fixture.relayFiles(0, secrets);
    shipped.set("controller-1", fileAt(controllerFiles, CLOUDWATCH_PROMETHEUS_CONFIG_PATH).content);
    shipped.set(`relay-${relay}`, fileAt(relayFiles, CLOUDWATCH_PROMETHEUS_CONFIG_PATH).content);
    unitPorts.set("controller-1", {
        "openzro-management": metricsPortFlag(fileAt(controllerFiles, dropInPath("openzro-management")).content),
        "openzro-signal": metricsPortFlag(fileAt(controllerFiles, dropInPath("openzro-signal")).content),
    });
    const relayEnv = parseEnvFile(fileAt(relayFiles, envFilePath(fixture.settings.hosts.osFamily, "openzro-relay")).content);
    unitPorts.set(`relay-${relay}`, { "openzro-relay": Number(relayEnv.OZ_METRICS_PORT) });
    [...shipped.keys()].forEach((host, i) => addressOf.set(host, `${PREFIX}.${11 + i}`));
}, 300_000);

afterAll(async () => {
    await group?.stopAll();
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    if (workDir) removeWorkDir(workDir);
});

test("promtool accepts the scrape configuration every host gets", () => {
    for (const [host, text] of shipped) {
        const file = path.join(workDir, `${host}.yaml`);
        fs.writeFileSync(file, text);
        const r = spawnSync("promtool", ["check", "config", file], { encoding: "utf8" });
        if (r.error) throw new Error(`promtool could not run (${r.error.message}); run test/integration/harness/install-deps.sh`);
        expect({ host, status: r.status, out: r.status === 0 ? "" : r.stdout + r.stderr }).toEqual({ host, status: 0, out: "" });
    }
});

test("a real Prometheus finds every target up and keeps only the kept metrics", async () => {
    // Every host's targets, remapped, in one Prometheus. Scraping every second instead of every minute is the
    // only change to the shipped text: the test cannot wait minutes.
    const scrapeConfigs: ScrapeConfig[] = [];
    for (const [host, text] of shipped) {
        const config = yaml.load(remapped(text, addressOf.get(host)!)) as { scrape_configs: ScrapeConfig[] };
        scrapeConfigs.push(...config.scrape_configs);
    }
    // The stand-in daemons listen where the shipped units put them (not where the scrape configuration says), so a
    // target on any other port is down.
    for (const [host, ports] of unitPorts) {
        for (const [job, port] of Object.entries(ports)) await serve(addressOf.get(host)!, port, job as ScrapeJob);
    }
    const configFile = path.join(workDir, "prometheus.yml");
    fs.writeFileSync(configFile, yaml.dump({ global: { scrape_interval: "1s", scrape_timeout: "1s" }, scrape_configs: scrapeConfigs }));
    execFileSync("promtool", ["check", "config", configFile], { stdio: "pipe" });
    prometheus = group.start("prometheus", "prometheus", [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${path.join(workDir, "tsdb")}`,
        `--web.listen-address=${PROMETHEUS.host}:${PROMETHEUS.port}`,
    ]);
    await waitForPort(PROMETHEUS.host, PROMETHEUS.port, 30_000, prometheus);

    // Every target up: the jobs each host role has, each at its host's stand-in and the port its units set.
    const { value: targets } = await retryUntil(
        "every target up",
        async () => {
            const r = await httpGet(`http://${PROMETHEUS.host}:${PROMETHEUS.port}/api/v1/targets?state=active`);
            const active = (JSON.parse(r.body) as { data: { activeTargets: { labels: Record<string, string>; health: string; lastError: string }[] } }).data.activeTargets;
            if (active.length !== scrapeConfigs.length || active.some((t) => t.health !== "up")) {
                throw new Error(`targets not all up yet: ${JSON.stringify(active.map((t) => [t.labels.job, t.health, t.lastError]))}`);
            }
            return active;
        },
        { timeoutMs: 30_000, intervalMs: 500 },
    );
    expect(targets.map((t) => `${t.labels.host} ${t.labels.job}`).sort()).toEqual(
        [
            "controller-1 openzro-management",
            "controller-1 openzro-signal",
            `relay-${fixture.settings.relays[0].name} openzro-relay`,
        ].sort(),
    );

    // Kept: every listed metric, labelled with its host. Dropped: everything else the daemons expose.
    await retryUntil(
        "every kept metric scraped",
        async () => {
            for (const c of scrapeConfigs) {
                for (const m of KEPT_METRICS[c.job_name as ScrapeJob]) {
                    const series = await query(m.name);
                    if (series.length !== 1) throw new Error(`${m.name}: ${series.length} series`);
                    expect(series[0].metric).toMatchObject({ job: c.job_name, host: c.static_configs[0].labels.host });
                }
            }
            return true;
        },
        { timeoutMs: 20_000, intervalMs: 500 },
    );
    for (const dropped of ["go_goroutines", "openzro_standin_duration_milliseconds_bucket", "openzro_standin_duration_milliseconds_count", "target_info"]) {
        expect({ dropped, series: await query(dropped) }).toEqual({ dropped, series: [] });
    }
});
