// npm run bench [-- --quick] [-- --repeat N]: how offline plan time and memory grow with the topology.
// Each measurement runs the real program for the production stack (relays and controllers overridden) in its own
// child process, so one run's heap never inflates the next and maxRSS is that evaluation's peak.
// This is a script, not a test: timings depend on the machine and are printed, never asserted.
import { spawnSync } from "child_process";
import * as path from "path";
import { performance } from "perf_hooks";

const RELAY_REGIONS = ["us-east-1", "eu-west-1", "ap-south-1", "us-west-2"];

interface Measurement {
    readonly relays: number;
    readonly controllers: number;
    readonly resources: number;
    /** evaluateStack only (config, program, every registration settled), modules already loaded. */
    readonly evaluateMs: number;
    /** Child process start to exit (Node + ts-node start-up, module loading, evaluation). */
    readonly processMs: number;
    readonly maxRssMb: number;
}

function relayOverrides(relays: number): { name: string; region: string }[] {
    return Array.from({ length: relays }, (_, i) => ({ name: `bench-${i + 1}`, region: RELAY_REGIONS[i % RELAY_REGIONS.length] }));
}

/** Child mode: evaluate once, print one JSON line. */
async function child(relays: number, controllers: number): Promise<void> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { evaluateStack } = require("./plan/evaluate") as typeof import("./plan/evaluate");
    // Load the program's modules (the aws SDK among them) before the clock starts: measure the evaluation.
    /* eslint-disable @typescript-eslint/no-require-imports */
    require("../components/config/load");
    require("../components/program");
    /* eslint-enable @typescript-eslint/no-require-imports */
    const start = performance.now();
    const result = await evaluateStack({
        stack: "production",
        configOverrides: { "openzro:relays": relayOverrides(relays), "openzro:controllerCount": controllers },
    });
    const evaluateMs = performance.now() - start;
    const maxRssMb = process.resourceUsage().maxRSS / 1024;
    process.stdout.write(`${JSON.stringify({ resources: result.resources.length, evaluateMs, maxRssMb })}\n`);
}

function measure(relays: number, controllers: number): Measurement {
    const start = performance.now();
    const run = spawnSync(
        process.execPath,
        [require.resolve("ts-node/dist/bin"), "--transpile-only", path.join(__dirname, "bench.ts"), "--child", String(relays), String(controllers)],
        {
            cwd: path.resolve(__dirname, ".."),
            encoding: "utf8",
            timeout: 300_000,
            maxBuffer: 16 * 1024 * 1024,
        },
    );
    const processMs = performance.now() - start;
    const line = run.stdout.trim().split("\n").pop() ?? "";
    if (run.status !== 0 || !line.startsWith("{")) {
        throw new Error(`bench run relays=${relays} controllers=${controllers} failed (exit ${run.status}): ${run.stderr.trim().split("\n").slice(-3).join(" | ")}`);
    }
    const parsed = JSON.parse(line) as { resources: number; evaluateMs: number; maxRssMb: number };
    return { relays, controllers, processMs, ...parsed };
}

function table(rows: readonly Measurement[]): string {
    const header = ["relays", "controllers", "resources", "evaluate s", "process s", "peak RSS MB"];
    const body = rows.map((m) => [
        String(m.relays), String(m.controllers), String(m.resources),
        (m.evaluateMs / 1000).toFixed(2), (m.processMs / 1000).toFixed(2), m.maxRssMb.toFixed(0),
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
    const line = (cells: string[]) => `| ${cells.map((c, i) => c.padStart(widths[i])).join(" | ")} |`;
    return [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...body.map(line)].join("\n");
}

/** Per added relay, between the smallest and the largest relay count, for each controller count. */
function growth(rows: readonly Measurement[]): string {
    const out: string[] = [];
    for (const controllers of [...new Set(rows.map((r) => r.controllers))]) {
        const series = rows.filter((r) => r.controllers === controllers).sort((a, b) => a.relays - b.relays);
        if (series.length < 2) continue;
        const [lo, hi] = [series[0], series[series.length - 1]];
        const added = hi.relays - lo.relays;
        out.push(
            `controllers ${controllers}: per added relay +${((hi.resources - lo.resources) / added).toFixed(1)} resources, ` +
            `+${((hi.evaluateMs - lo.evaluateMs) / added).toFixed(1)} ms evaluate, +${((hi.maxRssMb - lo.maxRssMb) / added).toFixed(2)} MB peak RSS; ` +
            `${lo.relays}→${hi.relays} relays: time ×${(hi.evaluateMs / lo.evaluateMs).toFixed(2)}, memory ×${(hi.maxRssMb / lo.maxRssMb).toFixed(2)}`,
        );
    }
    return out.join("\n");
}

/** The run with the median evaluation time of `repeat` runs (the machines are shared and noisy). */
function measureMedian(relays: number, controllers: number, repeat: number): Measurement {
    const runs = Array.from({ length: repeat }, () => measure(relays, controllers)).sort((a, b) => a.evaluateMs - b.evaluateMs);
    return runs[Math.floor(runs.length / 2)];
}

function main(argv: readonly string[]): void {
    const quick = argv.includes("--quick");
    const repeatAt = argv.indexOf("--repeat");
    const repeat = repeatAt >= 0 ? Number(argv[repeatAt + 1]) : 1;
    if (!Number.isInteger(repeat) || repeat < 1 || repeat > 9) {
        throw new Error(`--repeat must be an integer from 1 to 9 (got ${argv[repeatAt + 1]}); e.g. --repeat 3`);
    }
    const relayCounts = quick ? [3, 30] : [3, 10, 30, 100];
    const controllerCounts = quick ? [1, 3] : [1, 3, 5];
    const rows: Measurement[] = [];
    process.stdout.write(`offline plan benchmark (${quick ? "quick" : "full"}, median of ${repeat}): relays ${relayCounts.join(", ")} × controllers ${controllerCounts.join(", ")}, relays spread over ${RELAY_REGIONS.join(", ")}\n`);
    for (const controllers of controllerCounts) {
        for (const relays of relayCounts) {
            const m = measureMedian(relays, controllers, repeat);
            process.stderr.write(`  relays ${relays}, controllers ${controllers}: ${(m.evaluateMs / 1000).toFixed(2)} s, ${m.maxRssMb.toFixed(0)} MB\n`);
            rows.push(m);
        }
    }
    process.stdout.write(`${table(rows)}\n\n${growth(rows)}\n`);
}

const childAt = process.argv.indexOf("--child");
if (childAt >= 0) {
    child(Number(process.argv[childAt + 1]), Number(process.argv[childAt + 2])).catch((err: unknown) => {
        process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exitCode = 1;
    });
} else {
    try {
        main(process.argv.slice(2));
    } catch (err) {
        process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exitCode = 1;
    }
}
