// Test harness: evaluate a whole stack (the real program) offline, exactly as `npm run plan` does.
// Each call loads the program's modules afresh (jest.isolateModulesAsync), so module-level state in components
// cannot leak from one evaluation into the next; evaluations still run one after another (global runtime).
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync, SpawnSyncReturns } from "child_process";
import type { EvaluateOptions, PlanResult } from "../../scripts/plan/evaluate";

export type { EvaluateOptions, PlanResult, PlanResource } from "../../scripts/plan/evaluate";

export async function planStack(opts: EvaluateOptions): Promise<PlanResult> {
    let result: PlanResult | undefined;
    await jest.isolateModulesAsync(async () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { evaluateStack } = require("../../scripts/plan/evaluate") as typeof import("../../scripts/plan/evaluate");
        result = await evaluateStack(opts);
    });
    return result!;
}

export const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** A fresh temporary directory, removed by the returned function. */
export function tempDir(prefix = "openzro-plan-"): { dir: string; remove(): void } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Runs the plan CLI (scripts/plan.ts) in a child process, as `npm run plan -- <args>` would, and returns its
 * exit status and output. The child has its own Pulumi runtime.
 */
export function runPlanCli(args: readonly string[], timeoutMs = 120_000): SpawnSyncReturns<string> {
    return spawnSync(process.execPath, [require.resolve("ts-node/dist/bin"), "--transpile-only", "scripts/plan.ts", ...args], {
        cwd: REPO_ROOT,
        encoding: "utf8",
        timeout: timeoutMs,
        maxBuffer: 64 * 1024 * 1024,
    });
}
