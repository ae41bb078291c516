// Every shell script the project ships or sends to hosts passes shellcheck (installed by scripts/test.sh).
// A missing shellcheck fails the suite rather than skipping it: an unchecked script is not a passing one.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { renderPayloadScript } from "../../components/host/bundle";
import { loadHostScripts } from "../../components/host/bundle-scripts";
import { convergePayload } from "../../components/host/converge";
import { awsTestSettings } from "../mock/awsFixtures";

const ROOT = path.resolve(__dirname, "..", "..");

function shellScripts(dir: string): string[] {
    const out: string[] = [];
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, entry.name);
        if (entry.isDirectory()) out.push(...shellScripts(p));
        else if (entry.name.endsWith(".sh")) out.push(p);
    }
    return out.sort();
}

function shellcheck(files: string[]): { status: number | null; output: string } {
    const r = spawnSync("shellcheck", ["--external-sources", "--format=gcc", ...files], { cwd: ROOT, encoding: "utf8" });
    if (r.error) {
        throw new Error(`shellcheck could not run (${r.error.message}); install it: apt-get install -y shellcheck`);
    }
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe("shellcheck", () => {
    const scripts = shellScripts(path.join(ROOT, "scripts"));

    it("finds the host scripts", () => {
        const rel = scripts.map((s) => path.relative(ROOT, s));
        expect(rel).toEqual(expect.arrayContaining(["scripts/host/converge.sh", "scripts/host/bootstrap-db.sh", "scripts/host/wait-host.sh"]));
    });

    it("passes every scripts/**/*.sh", () => {
        const r = shellcheck(scripts);
        expect(r.output).toBe("");
        expect(r.status).toBe(0);
    });

    it("passes a generated stdin payload", () => {
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "oz-shellcheck-"));
        try {
            const payload = convergePayload(
                awsTestSettings(),
                { role: "controller", name: "controller-1", clusterPeers: ["10.40.1.12:6222"] },
                "0.53.1",
                { proxyCidrs: ["10.40.0.0/24"], healthCheckIntervalSeconds: 10, healthyThreshold: 2, unhealthyThreshold: 2, deregistrationDelaySeconds: 30 },
                [{ path: "/etc/x", content: "x\n", mode: "0644", owner: "root", group: "root", restarts: ["nginx"], secret: false }],
                loadHostScripts(),
            );
            const file = path.join(tmp, "payload.sh");
            fs.writeFileSync(file, renderPayloadScript(payload));
            const r = shellcheck([file]);
            expect(r.output).toBe("");
            expect(r.status).toBe(0);
        } finally {
            fs.rmSync(tmp, { recursive: true, force: true });
        }
    });

    it("reports a real problem (the check is not a no-op)", () => {
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "oz-shellcheck-"));
        try {
            const bad = path.join(tmp, "bad.sh");
            fs.writeFileSync(bad, '#!/usr/bin/env bash\nrm -rf $1/*\n');
            const r = shellcheck([bad]);
            expect(r.status).not.toBe(0);
            expect(r.output).toMatch(/SC2086/);
        } finally {
            fs.rmSync(tmp, { recursive: true, force: true });
        }
    });
});
