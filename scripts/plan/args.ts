// Command line of the offline plan: npm run plan -- --stack <name> [--out DIR] [--json] [--show-secrets]
import * as yaml from "js-yaml";
export interface PlanArgs {
    readonly stack: string;
    readonly out?: string;
    readonly json: boolean;
    readonly showSecrets: boolean;
    readonly verbose: boolean;
    readonly help: boolean;
    /** --set key=value: config overrides ("openzro:controllerCount" or a bare project key). */
    readonly overrides: Readonly<Record<string, unknown>>;
}

export const USAGE = `usage: npm run plan -- --stack <name> [--out DIR] [--json] [--show-secrets] [--set KEY=VALUE]... [--verbose]

Evaluates the program for Pulumi.<name>.yaml under mocks (no cloud account, no Pulumi CLI) and shows what
\`pulumi up\` would create.
  --stack <name>    stack to plan (a Pulumi.<name>.yaml must exist)
  --out DIR         write DIR/plan.json, DIR/hosts/<host>/<path> and DIR/topology.mmd
  --json            print plan.json to stdout instead of the tree and summary
  --show-secrets    put secret values in plan.json instead of "[secret]" (never share that file)
  --set KEY=VALUE   override one config key for this plan only, e.g. --set openzro:controllerCount=5
                    (VALUE is read as YAML: numbers, booleans, [lists] and {maps} work)
  --verbose         print stack traces of unexpected errors`;

export class UsageError extends Error {}

export function parsePlanArgs(argv: readonly string[]): PlanArgs {
    let stack: string | undefined;
    let out: string | undefined;
    const overrides: Record<string, unknown> = {};
    const flags = { json: false, showSecrets: false, verbose: false, help: false };
    for (let i = 0; i < argv.length; i++) {
        const [name, inline] = argv[i].startsWith("--") && argv[i].includes("=") ? [argv[i].slice(0, argv[i].indexOf("=")), argv[i].slice(argv[i].indexOf("=") + 1)] : [argv[i], undefined];
        const value = (): string => {
            const v = inline ?? argv[++i];
            if (v === undefined || v === "" || (inline === undefined && v.startsWith("--"))) {
                throw new UsageError(`${name} needs a value; see --help`);
            }
            return v;
        };
        switch (name) {
            case "--stack": stack = value(); break;
            case "--out": out = value(); break;
            case "--set": {
                const assignment = value();
                const eq = assignment.indexOf("=");
                if (eq <= 0) {
                    throw new UsageError(`--set needs KEY=VALUE (got ${JSON.stringify(assignment)})`);
                }
                overrides[assignment.slice(0, eq)] = parseValue(assignment.slice(eq + 1));
                break;
            }
            case "--json": flags.json = true; break;
            case "--show-secrets": flags.showSecrets = true; break;
            case "--verbose": flags.verbose = true; break;
            case "-h":
            case "--help": flags.help = true; break;
            default:
                throw new UsageError(`unknown argument ${JSON.stringify(argv[i])}; see --help`);
        }
    }
    if (!stack && !flags.help) {
        throw new UsageError("--stack is required, e.g. npm run plan -- --stack production");
    }
    return { stack: stack ?? "", out, overrides, ...flags };
}

/** A --set value as YAML would read it in a stack file ("5" → 5, "[a, b]" → list); bad YAML stays a string. */
function parseValue(text: string): unknown {
    try {
        const v = yaml.load(text);
        return v === undefined || v === null ? text : v;
    } catch {
        return text;
    }
}
