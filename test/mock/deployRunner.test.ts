// The optional CI deploy runner under the mock runtime: absent by default; when configured, a runner with no
// inbound rules whose fixed address (and only that) the bastion and every relay region admit on SSH, and whose
// GitHub token reaches AWS only as a secret Secrets Manager value (never user data, never plain state).
import * as pulumi from "@pulumi/pulumi";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import { AwsFootprint } from "../../components/aws/footprint";
import type { Settings } from "../../components/config/types";
import { isSecretWrapper, redactSecrets, resolveInput, runComponent, unwrapSecrets } from "../support";
import { awsTestSettings } from "./awsFixtures";

jest.setTimeout(240_000);

const TOKEN = "github_pat_11AAAAtestTOKENvalue0123456789";

async function evaluate(settings: Settings) {
    return runComponent(
        async () => {
            const footprint = new AwsFootprint("openzro", { settings });
            await Promise.all(Object.values(footprint.outputs).map((o) => resolveInput(o)));
            return footprint;
        },
        { project: "openzro", stack: "staging", defaultRegion: "sa-east-1" },
    );
}

const withRunner = () =>
    awsTestSettings({ deployRunner: { repository: "acme/openzro-deploy", instanceType: "t3.small", githubToken: pulumi.secret(TOKEN) } } as never);

describe("CI deploy runner", () => {
    it("is not created unless configured", async () => {
        const run = await evaluate(awsTestSettings());
        expect(run.resources.filter((r) => r.type === "openzro:aws:DeployRunner")).toEqual([]);
        expect(run.resources.filter((r) => r.type === "aws:secretsmanager/secret:Secret")).toEqual([]);
    });

    describe("when configured", () => {
        let run: Awaited<ReturnType<typeof evaluate>>;
        beforeAll(async () => {
            run = await evaluate(withRunner());
        });
        const inputs = (r: { inputs: unknown }) => unwrapSecrets<Record<string, any>>(r.inputs);
        const runner = () => run.ofType("aws:ec2/instance:Instance").find((r) => r.name === "openzro-deploy-runner")!;

        it("admits nothing inbound on the runner itself", () => {
            const group = run.ofType("aws:ec2/securityGroup:SecurityGroup").find((r) => r.name === "openzro-deploy-runner")!;
            const ingressOnRunner = run
                .ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
                .filter((r) => inputs(r).securityGroupId === group.id);
            expect(ingressOnRunner).toEqual([]);
        });

        it("lets the bastion and every relay region admit exactly the runner's Elastic IP on port 22", () => {
            const eip = run.ofType("aws:ec2/eip:Eip").find((r) => r.name === "openzro-deploy-runner")!;
            expect(inputs(eip).instance).toBe(runner().id);
            const rules = run.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => /deploy-runner$/.test(r.name));
            const regions = [...new Set(awsTestSettings().relays.map((r) => r.region))];
            expect(rules.map((r) => r.name).sort()).toEqual(
                ["openzro-bastion-in-22-deploy-runner", ...regions.map((g) => `openzro-relays-${g}-in-22-deploy-runner`)].sort(),
            );
            for (const rule of rules) {
                expect(inputs(rule)).toMatchObject({ ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv4: `${unwrapSecrets(eip.state.publicIp)}/32` });
            }
        });

        it("keeps the GitHub token out of user data and plain state: only the secret SecretVersion carries it", () => {
            const version = run.ofType("aws:secretsmanager/secretVersion:SecretVersion")[0];
            expect(isSecretWrapper(version.inputs.secretString)).toBe(true);
            expect(inputs(version).secretString).toBe(TOKEN);
            for (const r of run.resources) {
                expect(JSON.stringify(redactSecrets(r.inputs))).not.toContain(TOKEN);
            }
        });

        it("lets the instance role read only that secret", () => {
            const secret = run.ofType("aws:secretsmanager/secret:Secret")[0];
            // The runner's own policy (the hosts' roles carry the metrics agent's).
            const runnerPolicies = run.ofType("aws:iam/rolePolicy:RolePolicy").filter((r) => /deploy-runner/.test(r.name));
            expect(runnerPolicies).toHaveLength(1);
            const policy = JSON.parse(inputs(runnerPolicies[0]).policy);
            expect(policy.Statement).toEqual([{ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: secret.state.arn }]);
            expect(run.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((r) => /deploy-runner/.test(r.name))).toEqual([]);
        });

        it("registers with the stack's label through cloud-init, with a service script that passes shellcheck", () => {
            const userData = inputs(runner()).userData as string;
            expect(userData.startsWith("#cloud-config\n")).toBe(true);
            const doc = yaml.load(userData) as { write_files: { path: string; content: string }[] };
            const env = doc.write_files.find((f) => f.path === "/etc/openzro-deploy-runner.env")!.content;
            expect(env).toContain("OZ_RUNNER_REPOSITORY=acme/openzro-deploy\n");
            expect(env).toContain("OZ_RUNNER_LABELS=self-hosted,linux,openzro-staging\n");
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "oz-runner-"));
            try {
                for (const f of doc.write_files.filter((x) => x.path.startsWith("/usr/local/"))) {
                    const file = path.join(dir, path.basename(f.path));
                    fs.writeFileSync(file, f.content);
                    const r = spawnSync("shellcheck", ["--shell=bash", file], { encoding: "utf8" });
                    expect(r.stdout + r.stderr).toBe("");
                }
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });
    });
});
