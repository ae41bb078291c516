// The pack as `pulumi preview --policy-pack policy` runs it: the analyzer plugin starts
// @pulumi/pulumi/cmd/run-policy-pack in the pack directory (TypeScript through ts-node with type checking, the
// root node_modules found by walking up), the pack prints its gRPC port, and the engine talks to it. This test
// plays the engine on loopback: it lists the policies, applies the staging config, and analyses resources.
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import * as analyzerPb from "@pulumi/pulumi/proto/analyzer_pb";
import * as analyzerGrpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import { policies } from "../../policy/policies";
import { DB_PASSWORD, find, goodSpecs, materialize } from "./fixtures";
import type { EngineResource } from "./harness";

const PACK_DIR = path.resolve(__dirname, "../../policy");
const LEVEL: Record<number, string> = { 0: "advisory", 1: "mandatory", 2: "disabled", 3: "remediate" };

let pack: ChildProcess | undefined;
let client: analyzerGrpc.AnalyzerClient;

function call<Req, Res>(fn: Function, req: Req): Promise<Res> {
    return new Promise((resolve, reject) => fn.call(client, req, (err: grpc.ServiceError | null, res: Res) => (err ? reject(err) : resolve(res))));
}

function options(r: EngineResource): analyzerPb.AnalyzerResourceOptions {
    return new analyzerPb.AnalyzerResourceOptions().setProtect(r.options?.protect === true);
}

function analyzeRequest(r: EngineResource): analyzerPb.AnalyzeRequest {
    return new analyzerPb.AnalyzeRequest()
        .setType(r.type)
        .setName(r.name)
        .setUrn(r.urn)
        .setProperties(Struct.fromJavaScript(JSON.parse(JSON.stringify(r.inputs ?? r.props))))
        .setOptions(options(r));
}

function diagnostics(res: analyzerPb.AnalyzeResponse) {
    return res.getDiagnosticsList().map((d) => ({ policy: d.getPolicyname(), level: LEVEL[d.getEnforcementlevel()], message: d.getMessage() }));
}

beforeAll(async () => {
    // Exactly how the analyzer plugin finds the runner: resolved from the pack directory.
    const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [PACK_DIR] });
    const child = spawn(process.execPath, [runner, "127.0.0.1:1", "."], { cwd: PACK_DIR, stdio: ["ignore", "pipe", "pipe"] });
    pack = child;
    let stderr = "";
    child.stderr!.on("data", (d) => (stderr += d));
    const port = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`policy pack printed no port in 90 s: ${stderr}`)), 90_000);
        let out = "";
        child.stdout!.on("data", (d) => {
            out += d;
            const m = /^(\d+)\s*$/m.exec(out);
            if (m) {
                clearTimeout(timer);
                resolve(Number(m[1]));
            }
        });
        child.on("exit", (code) => {
            clearTimeout(timer);
            reject(new Error(`policy pack exited (${code}): ${stderr}`));
        });
    });
    client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
}, 120_000);

afterAll(() => {
    client?.close();
    if (pack?.pid && pack.exitCode === null) {
        pack.kill("SIGTERM");
    }
});

describe("policy pack served the way the Pulumi CLI runs it", () => {
    it("announces every policy, mandatory by default", async () => {
        const info = await call<Empty, analyzerPb.AnalyzerInfo>(client.getAnalyzerInfo, new Empty());
        expect(info.getName()).toBe("openzro");
        expect(info.getVersion()).toBe(JSON.parse(fs.readFileSync(path.join(PACK_DIR, "package.json"), "utf8")).version);
        const announced = info.getPoliciesList().map((p) => [p.getName(), LEVEL[p.getEnforcementlevel()]]);
        expect(announced.sort()).toEqual(policies.map((p) => [p.name, "mandatory"]).sort());
    });

    it("with staging's config file, a single-AZ database is advisory and a public one mandatory", async () => {
        const config = JSON.parse(fs.readFileSync(path.join(PACK_DIR, "config", "staging.json"), "utf8")) as Record<string, { enforcementLevel: string }>;
        const req = new analyzerPb.ConfigureAnalyzerRequest();
        const levels: Record<string, analyzerPb.EnforcementLevel> = { advisory: 0, mandatory: 1, disabled: 2 };
        for (const [name, c] of Object.entries(config)) {
            req.getPolicyconfigMap().set(name, new analyzerPb.PolicyConfig().setEnforcementlevel(levels[c.enforcementLevel]).setProperties(Struct.fromJavaScript({})));
        }
        await call<analyzerPb.ConfigureAnalyzerRequest, Empty>(client.configure, req);

        const specs = goodSpecs();
        Object.assign(find(specs, "postgres").props, { deletionProtection: false, publiclyAccessible: true });
        const db = materialize(specs).find((r) => r.name === "postgres")!;
        const found = diagnostics(await call<analyzerPb.AnalyzeRequest, analyzerPb.AnalyzeResponse>(client.analyze, analyzeRequest(db)));
        expect(found.map((d) => [d.policy, d.level]).sort()).toEqual([
            ["rds-deletion-protection", "advisory"],
            ["rds-not-publicly-accessible", "mandatory"],
        ]);
        // Messages name the problem, never a secret value.
        expect(found.every((d) => !d.message.includes(DB_PASSWORD))).toBe(true);
    });

    it("stack policies run over the whole stack and point at the offending resource", async () => {
        const specs = goodSpecs();
        find(specs, "controllers-cluster").props.referencedSecurityGroupId = "sg-lb";
        const resources = materialize(specs).map((r) =>
            new analyzerPb.AnalyzerResource()
                .setType(r.type)
                .setName(r.name)
                .setUrn(r.urn)
                .setProperties(Struct.fromJavaScript(JSON.parse(JSON.stringify(r.props))))
                .setOptions(options(r))
                .setProvider(
                    r.provider &&
                        new analyzerPb.AnalyzerProviderResource()
                            .setType(r.provider.type)
                            .setName(r.provider.name)
                            .setUrn(r.provider.urn)
                            .setProperties(Struct.fromJavaScript(r.provider.props)),
                ),
        );
        const res = await call<analyzerPb.AnalyzeStackRequest, analyzerPb.AnalyzeResponse>(
            client.analyzeStack,
            new analyzerPb.AnalyzeStackRequest().setResourcesList(resources),
        );
        const found = res.getDiagnosticsList().map((d) => [d.getPolicyname(), d.getUrn()]);
        expect(found).toEqual([["sg-cluster-port-only-between-controllers", materialize(specs).find((r) => r.name === "controllers-cluster")!.urn]]);
    });
});
