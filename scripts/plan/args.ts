// Command line of the offline plan: npm run plan -- --stack <name> [--out DIR] [--json] [--show-secrets]
export interface PlanArgs {
    readonly stack: string;
    readonly out?: string;
    readonly json: boolean;
    readonly showSecrets: boolean;
    readonly verbose: boolean;
    readonly help: boolean;
}

export const USAGE = `usage: npm run plan -- --stack <name> [--out DIR] [--json] [--show-secrets] [--verbose]

Evaluates the program for Pulumi.<name>.yaml under mocks (no cloud account, no Pulumi CLI) and shows what
\`pulumi up\` would create.
  --stack <name>    stack to plan (a Pulumi.<name>.yaml must exist)
  --out DIR         write DIR/plan.json, DIR/hosts/<host>/<path> and DIR/topology.mmd
  --json            print plan.json to stdout instead of the tree and summary
  --show-secrets    put secret values in plan.json instead of "[secret]" (never share that file)
  --verbose         print stack traces of unexpected errors`;

export class UsageError extends Error {}

export function parsePlanArgs(argv: readonly string[]): PlanArgs {
    let stack: string | undefined;
    let out: string | undefined;
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
    return { stack: stack ?? "", out, ...flags };
}
