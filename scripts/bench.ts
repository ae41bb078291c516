// npm run bench [-- --quick] [-- --repeat N]:
// 1. modelled deployment times of every committed stack: the first install's critical path through the plan's
//    real dependency graph (scripts/bench/durationModel.ts gives each resource a documented duration) against its
//    floor, a version bump's rolling time against openZro's Ansible figure, and the longest rollout the host
//    scripts' run limits allow (what CI's deploy sessions must outlast, scripts/bench/longestRollout.ts);
// 2. how offline plan time and memory grow with the topology.
// Each evaluation runs the real program in its own child process, so one run's heap never inflates the next and
// maxRSS is that evaluation's peak. This is a script, not a test: figures are printed, never asserted.
import { spawnSync } from "child_process";
import * as path from "path";
import { performance } from "perf_hooks";
import type { FirstInstallEstimate, RollingUpgradeEstimate } from "./bench/installModel";
import type { LongestRollout } from "./bench/longestRollout";

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

interface StackFigures {
    readonly stack: string;
    readonly install: FirstInstallEstimate;
    readonly upgrade: RollingUpgradeEstimate;
    readonly longest: LongestRollout;
}

/** Child mode: evaluate one stack, model its first install and a version bump, print one JSON line. */
async function childInstall(stack: string): Promise<void> {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { evaluateStack } = require("./plan/evaluate") as typeof import("./plan/evaluate");
    const { firstInstallEstimate, rollingUpgradeEstimate } = require("./bench/installModel") as typeof import("./bench/installModel");
    const { durationRule, ROLLED_STEP } = require("./bench/durationModel") as typeof import("./bench/durationModel");
    const { drainTimings } = require("../components/host/rollout") as typeof import("../components/host/rollout");
    const { longestRollout } = require("./bench/longestRollout") as typeof import("./bench/longestRollout");
    const naming = require("../components/config/naming") as typeof import("../components/config/naming");
    /* eslint-enable @typescript-eslint/no-require-imports */
    const result = await evaluateStack({ stack });
    const resources = result.resources.filter((r) => !r.read);
    const install = firstInstallEstimate(resources);
    const seconds = (pattern: RegExp) => {
        const command = resources.find((r) => r.type === "command:remote:Command" && pattern.test(r.name));
        if (!command) throw new Error(`stack ${stack}: no command matching ${pattern}`);
        return durationRule(command).seconds;
    };
    const settings = result.settings;
    const upgrade = rollingUpgradeEstimate(
        Array.from({ length: settings.controllers.count }, (_, i) => naming.controllerName(i)),
        settings.relays.map((r) => naming.relayHostName(r.name)),
        drainTimings({ proxyCidrs: [], ...settings.loadBalancer }),
        { prepareSeconds: seconds(/-prepare-/), serialStepSeconds: ROLLED_STEP.seconds, verifySeconds: seconds(/-verify-/) },
    );
    const longest = longestRollout(settings.controllers.count, settings.relays.length);
    process.stdout.write(`${JSON.stringify({ stack, install, upgrade, longest } satisfies StackFigures)}\n`);
}

function runChild(args: readonly string[], what: string): string {
    const run = spawnSync(process.execPath, [require.resolve("ts-node/dist/bin"), "--transpile-only", path.join(__dirname, "bench.ts"), ...args], {
        cwd: path.resolve(__dirname, ".."),
        encoding: "utf8",
        timeout: 300_000,
        maxBuffer: 16 * 1024 * 1024,
    });
    const line = run.stdout.trim().split("\n").pop() ?? "";
    if (run.status !== 0 || !line.startsWith("{")) {
        throw new Error(`bench ${what} failed (exit ${run.status}): ${run.stderr.trim().split("\n").slice(-3).join(" | ")}`);
    }
    return line;
}

const minutes = (s: number) => `${(s / 60).toFixed(1)} min`;

function stackFiguresText(f: StackFigures): string {
    const { install, upgrade } = f;
    const ratio = install.seconds / install.floorSeconds;
    const lines = [
        `stack ${f.stack}`,
        `  first install: critical path ${minutes(install.seconds)}; floor ${minutes(install.floorSeconds)} ` +
            `(database ready at ${minutes(install.databaseReadySeconds)} + DB bootstrap + one controller install + verify); ratio ×${ratio.toFixed(2)}`,
        "  critical path (finish time, step):",
        ...install.path.filter((p) => p.seconds > 0).map((p) => `    ${minutes(p.finish).padStart(9)}  ${p.name} (${p.label}, ${p.seconds} s)`),
    ];
    if (install.defaultedTypes.length > 0) {
        lines.push(`  not in the duration model (counted as 5 s): ${install.defaultedTypes.join(", ")}`);
    }
    const serialHosts = upgrade.steps.length - 2;
    lines.push(
        `  version bump, ${serialHosts} hosts one at a time after one parallel download: ${minutes(upgrade.seconds)} ` +
            `(${upgrade.steps.map((s) => `${s.host} ${s.seconds} s`).join(", ")}); ` +
            `openZro's Ansible, serial at 2–3 min per host: ${minutes(upgrade.ansibleSeconds.low)}–${minutes(upgrade.ansibleSeconds.high)}; ` +
            `ratio to its midpoint ×${(upgrade.seconds / ((upgrade.ansibleSeconds.low + upgrade.ansibleSeconds.high) / 2)).toFixed(2)}`,
        `  longest rollout the host scripts allow (${f.longest.run}, every command at its run limit): ${minutes(f.longest.seconds)} ` +
            `(${(f.longest.seconds / 3600).toFixed(2)} h); CI's deploy sessions must outlast it`,
    );
    return lines.join("\n");
}

function measure(relays: number, controllers: number): Measurement {
    const start = performance.now();
    const line = runChild(["--child", String(relays), String(controllers)], `run relays=${relays} controllers=${controllers}`);
    const processMs = performance.now() - start;
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
    process.stdout.write("modelled deployment times (durations: scripts/bench/durationModel.ts)\n");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { listStacks } = require("./plan/stackConfig") as typeof import("./plan/stackConfig");
    for (const stack of listStacks(path.resolve(__dirname, ".."))) {
        const figures = JSON.parse(runChild(["--child-install", stack], `stack ${stack}`)) as StackFigures;
        process.stdout.write(`${stackFiguresText(figures)}\n`);
    }
    process.stdout.write("\n");
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
const childInstallAt = process.argv.indexOf("--child-install");
if (childInstallAt >= 0) {
    childInstall(process.argv[childInstallAt + 1]).catch((err: unknown) => {
        process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exitCode = 1;
    });
} else if (childAt >= 0) {
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
