// npm run plan -- --stack <name> [--out DIR] [--json] [--show-secrets]
// The offline plan (ARCHITECTURE.md §6): evaluates the real program for one stack under deterministic mocks and
// shows what `pulumi up` would create. One evaluation per process: the Pulumi runtime is process-global.
import * as path from "path";
import { parsePlanArgs, USAGE, UsageError } from "./plan/args";
import { evaluateStack } from "./plan/evaluate";
import { planJsonText, toPlanJson } from "./plan/planJson";
import { PlanInputError } from "./plan/stackConfig";
import { planSummary } from "./plan/summary";
import { resourceTree } from "./plan/tree";
import { writePlanDir } from "./plan/writeOut";

/** Errors whose message is the whole story (bad input): one line, no stack trace. */
function isInputError(err: unknown): boolean {
    return err instanceof UsageError || err instanceof PlanInputError || (err instanceof Error && err.name === "ConfigError");
}

async function main(argv: readonly string[]): Promise<number> {
    const args = parsePlanArgs(argv);
    if (args.help) {
        process.stdout.write(`${USAGE}\n`);
        return 0;
    }
    const result = await evaluateStack({ stack: args.stack, configOverrides: args.overrides });
    // With --json, stdout carries plan.json only; everything for humans goes to stderr.
    const say = (text: string) => (args.json ? process.stderr : process.stdout).write(`${text}\n`);
    if (args.showSecrets) {
        process.stderr.write("warning: --show-secrets puts secret values in plan.json; do not share or commit it\n");
    }
    if (args.json) {
        process.stdout.write(planJsonText(toPlanJson(result, { showSecrets: args.showSecrets })));
    } else {
        say(resourceTree(result));
        say("");
        say(planSummary(result));
    }
    if (args.out) {
        // npm runs scripts from the package root; a relative --out means relative to where the user typed it.
        const out = path.resolve(process.env.INIT_CWD ?? process.cwd(), args.out);
        const written = writePlanDir(out, result, { showSecrets: args.showSecrets });
        say(`wrote ${written.planJson}, ${written.hostFileCount} host files under ${written.hostsDir}, ${written.topology}`);
    }
    return 0;
}

main(process.argv.slice(2)).then(
    (code) => {
        process.exitCode = code;
    },
    (err: unknown) => {
        const message = err instanceof Error ? err.message : String(err);
        process.stderr.write(`error: ${message.split("\n")[0]}\n`);
        if (!isInputError(err) && process.argv.includes("--verbose") && err instanceof Error && err.stack) {
            process.stderr.write(`${err.stack}\n`);
        }
        process.exitCode = 1;
    },
);
