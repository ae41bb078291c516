// The plan CLI itself, in a child process (its own Pulumi runtime), as `npm run plan -- ...` runs it.
import * as fs from "fs";
import * as path from "path";
import { runPlanCli, tempDir } from "../support";

describe("npm run plan", () => {
    let out: { dir: string; remove(): void };
    beforeAll(() => {
        out = tempDir();
    });
    afterAll(() => out.remove());

    it("prints plan.json with --json and writes plan.json, hosts/ and topology.mmd with --out", () => {
        const run = runPlanCli(["--stack", "production", "--json", "--out", out.dir]);
        expect(run.stderr).not.toMatch(/^error:/m);
        expect(run.status).toBe(0);
        const fromStdout = JSON.parse(run.stdout);
        expect(fromStdout).toEqual(JSON.parse(fs.readFileSync(path.join(out.dir, "plan.json"), "utf8")));
        expect(fromStdout.stack).toBe("production");
        expect(fs.readdirSync(path.join(out.dir, "hosts"))).toContain("controller-1");
        const mermaid = fs.readFileSync(path.join(out.dir, "topology.mmd"), "utf8");
        // Balanced subgraphs, and every edge endpoint is a declared node.
        expect((mermaid.match(/^\s*subgraph /gm) ?? []).length).toBe((mermaid.match(/^\s*end$/gm) ?? []).length);
        const declared = new Set([...mermaid.matchAll(/^\s*([A-Za-z0-9_]+)[[(]/gm)].map((m) => m[1]));
        for (const [, from, to] of mermaid.matchAll(/^\s*([A-Za-z0-9_]+) [-.<>]+\|[^|]*\| ([A-Za-z0-9_]+)$/gm)) {
            expect(declared).toContain(from);
            expect(declared).toContain(to);
        }
        expect(run.stderr).toMatch(/wrote .*plan\.json/);
    });

    it("prints the resource tree and a summary by default", () => {
        const run = runPlanCli(["--stack", "staging"]);
        expect(run.status).toBe(0);
        expect(run.stdout).toMatch(/^openzro:aws:Footprint openzro$/m);
        expect(run.stdout).toMatch(/^[│ ]*[├└]─ aws:ec2\/instance:Instance \S+ {2}\(eu-west-1\)$/m);
        expect(run.stdout).toMatch(/^Controllers per AZ: /m);
        // Staging runs a Multi-AZ database so its game day can force a failover (Pulumi.staging.yaml).
        expect(run.stdout).toMatch(/^Database \S+: postgres .* Multi-AZ yes/m);
        expect(run.stdout).not.toMatch(/-----BEGIN/);
    });

    it.each([
        [["--stack", "nope"], /^error: unknown stack "nope": no Pulumi\.nope\.yaml in the project; use one of: gcp-production, gcp-staging, production, staging\n$/],
        [["--stack", "production", "--set", "openzro:controllerCount=2"], /^error: controllerCount: .*\(got 2\); .+\n$/],
        [["--out", "x"], /^error: --stack is required/],
    ])("fails with one line and exit 1 for %j", (args, message) => {
        const run = runPlanCli(args);
        expect(run.status).toBe(1);
        expect(run.stderr.replace(/^npm warn.*\n/gm, "")).toMatch(message);
        expect(run.stdout).toBe("");
    });
});
