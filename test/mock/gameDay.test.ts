// The game day under the mock runtime: one FIS template per zone with controllers, what each stops, for how long,
// the database failover, the stop condition, the log, and the role's permissions.
import { AwsFootprint } from "../../components/aws/footprint";
import type { Settings } from "../../components/config/types";
import { RecordedResource, resolveInput, runComponent, unwrapSecrets } from "../support";
import { awsTestSettings } from "./awsFixtures";

const T = {
    template: "aws:fis/experimentTemplate:ExperimentTemplate",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    instance: "aws:ec2/instance:Instance",
    rds: "aws:rds/instance:Instance",
    alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
} as const;

async function evaluate(settings: Settings) {
    const run = await runComponent(
        async () => {
            const footprint = new AwsFootprint("openzro", { settings });
            await Promise.all(Object.values(footprint.outputs).map((o) => resolveInput(o)));
            return footprint;
        },
        { project: "openzro", stack: "staging", defaultRegion: "sa-east-1" },
    );
    const inputs = (r: RecordedResource) => unwrapSecrets<Record<string, any>>(r.inputs);
    const state = (r: RecordedResource) => unwrapSecrets<Record<string, any>>(r.state);
    return { run, inputs, state };
}

describe("game day (3 controllers in 3 zones, Multi-AZ database)", () => {
    const settings = awsTestSettings({ gameDay: { enabled: true, stopMinutes: 7 } });
    let e: Awaited<ReturnType<typeof evaluate>>;
    const arnOf = (r: RecordedResource) => e.state(r).arn as string;
    const host = (component: string, name: string) =>
        e.run.ofType(T.instance).find((i) => e.inputs(i).tags.Component === component && e.inputs(i).tags.Name === `openzro-staging-${name}`)!;

    beforeAll(async () => {
        e = await evaluate(settings);
    });

    it("has one template per zone, each stopping exactly that zone's controllers (and the bastion in zone 1)", () => {
        const templates = e.run.ofType(T.template);
        expect(templates).toHaveLength(3);
        const zoneOf = (r: RecordedResource) => e.state(r).availabilityZone;
        const controllers = [1, 2, 3].map((n) => host("controllers", `controller-${n}`));
        const bastion = e.run.ofType(T.instance).find((i) => e.inputs(i).tags.Component === "bastion")!;
        // The zones really differ, and the bastion shares controller-1's.
        expect(new Set(controllers.map(zoneOf)).size).toBe(3);
        expect(zoneOf(bastion)).toBe(zoneOf(controllers[0]));
        const expected: Record<string, string[]> = {
            "openzro-lose-zone-1": [arnOf(controllers[0]), arnOf(bastion)],
            "openzro-lose-zone-2": [arnOf(controllers[1])],
            "openzro-lose-zone-3": [arnOf(controllers[2])],
        };
        for (const t of templates) {
            const target = e.inputs(t).targets.find((x: any) => x.name === "zone-instances");
            expect({ name: t.name, type: target.resourceType, mode: target.selectionMode, arns: [...target.resourceArns].sort() }).toEqual({
                name: t.name,
                type: "aws:ec2:instance",
                mode: "ALL",
                arns: [...expected[t.name]].sort(),
            });
            // The description names the zone it loses.
            const zone = zoneOf(controllers[Number(t.name.slice(-1)) - 1]);
            expect(e.inputs(t).description).toContain(`lose zone ${zone}`);
            expect(e.run.regionOf(t)).toBe("eu-central-1");
        }
    });

    it("stops the instances for the configured minutes and fails the database over at the same time", () => {
        const db = e.run.one(T.rds);
        for (const t of e.run.ofType(T.template)) {
            const { actions, targets } = e.inputs(t);
            expect(targets.find((x: any) => x.name === "database")).toEqual(
                expect.objectContaining({ resourceType: "aws:rds:db", selectionMode: "ALL", resourceArns: [arnOf(db)] }),
            );
            const byName = Object.fromEntries(actions.map((a: any) => [a.name, a]));
            expect(byName["stop-zone-instances"]).toMatchObject({
                actionId: "aws:ec2:stop-instances",
                parameters: [{ key: "startInstancesAfterDuration", value: "PT7M" }],
                target: { key: "Instances", value: "zone-instances" },
            });
            expect(byName["fail-over-database"]).toMatchObject({
                actionId: "aws:rds:reboot-db-instances",
                parameters: [{ key: "forceFailover", value: "true" }],
                target: { key: "DBInstances", value: "database" },
            });
            expect(actions.flatMap((a: any) => a.startAfters ?? [])).toEqual([]);
            expect(e.inputs(t).experimentOptions).toEqual({ emptyTargetResolutionMode: "fail" });
        }
    });

    it("stops early on the ALB 5xx alarm and logs the run to its own log group", () => {
        const alarm = e.run.ofType(T.alarm).find((a) => e.inputs(a).name === "openzro-staging-alb-5xx")!;
        const log = e.run.ofType(T.logGroup).find((l) => e.inputs(l).name === "/openzro/staging/game-day")!;
        expect(e.inputs(log).retentionInDays).toBeGreaterThanOrEqual(30);
        for (const t of e.run.ofType(T.template)) {
            expect(e.inputs(t).stopConditions).toEqual([{ source: "aws:cloudwatch:alarm", value: arnOf(alarm) }]);
            expect(e.inputs(t).logConfiguration).toEqual({ logSchemaVersion: 2, cloudwatchLogsConfiguration: { logGroupArn: `${arnOf(log)}:*` } });
            expect(e.inputs(t).tags.Component).toBe("gameday");
        }
    });

    it("runs as a role only FIS can assume, allowed to stop and start exactly the game day's instances and reboot the database", () => {
        const role = e.run.ofType(T.role).find((r) => e.inputs(r).tags?.Component === "gameday")!;
        for (const t of e.run.ofType(T.template)) expect(e.inputs(t).roleArn).toBe(arnOf(role));
        expect(JSON.parse(e.inputs(role).assumeRolePolicy).Statement).toEqual([
            { Effect: "Allow", Principal: { Service: "fis.amazonaws.com" }, Action: "sts:AssumeRole" },
        ]);
        const policies = e.run.ofType(T.rolePolicy).filter((p) => e.inputs(p).role === role.id);
        expect(policies).toHaveLength(1);
        const statements: any[] = JSON.parse(e.inputs(policies[0]).policy).Statement;
        const allowed = (action: string) => statements.filter((s) => s.Effect === "Allow" && s.Action.includes(action)).flatMap((s) => [].concat(s.Resource));

        const gameDayInstances = [1, 2, 3].map((n) => arnOf(host("controllers", `controller-${n}`)));
        gameDayInstances.push(arnOf(e.run.ofType(T.instance).find((i) => e.inputs(i).tags.Component === "bastion")!));
        expect(allowed("ec2:StopInstances").sort()).toEqual([...gameDayInstances].sort());
        expect(allowed("ec2:StartInstances").sort()).toEqual([...gameDayInstances].sort());
        // Relays are not the game day's to stop.
        for (const relay of e.run.ofType(T.instance).filter((i) => e.inputs(i).tags.Component === "relays")) {
            expect(allowed("ec2:StopInstances")).not.toContain(arnOf(relay));
        }
        expect(allowed("rds:RebootDBInstance")).toEqual([arnOf(e.run.one(T.rds))]);
        expect(allowed("logs:CreateLogDelivery")).toEqual(["*"]);
        const kms = statements.find((s) => s.Action.includes("kms:CreateGrant"));
        expect(kms.Condition).toEqual({ StringEquals: { "kms:ViaService": "ec2.eu-central-1.amazonaws.com" }, Bool: { "kms:GrantIsForAWSResource": "true" } });
        // Nothing destructive beyond stop/start and reboot.
        const actions = statements.flatMap((s) => s.Action);
        expect(actions.filter((a: string) => /Terminate|Delete|Modify|\*/.test(a))).toEqual([]);
    });
});

describe("game day off (the default)", () => {
    it("creates no FIS template, role or log group", async () => {
        const e = await evaluate(awsTestSettings());
        expect(e.run.ofType(T.template)).toEqual([]);
        expect(e.run.ofType(T.role).filter((r) => e.inputs(r).tags?.Component === "gameday")).toEqual([]);
        expect(e.run.ofType("openzro:aws:GameDay")).toEqual([]);
    });
});
