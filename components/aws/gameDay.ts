// Game day in the cloud: an AWS Fault Injection Service experiment template per availability zone that holds
// controllers, "lose zone N": stop every openZro instance of the primary region in that zone (its controllers, and
// the bastion when it lives there) for settings.gameDay.stopMinutes, and force a Multi-AZ failover of the database
// at the same moment. The experiment stops early when the ALB's 5xx alarm fires, and logs every step to CloudWatch.
// Creating the templates changes nothing; only `aws fis start-experiment` does (docs/runbook.md).
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { Settings } from "../config/types";
import { nameTag, resourceTags } from "./tags";

/** An instance of the primary region and the zone slot (index into network.zoneNames) it runs in. */
export interface ZonedInstance {
    readonly name: string;
    readonly slot: number;
    readonly arn: pulumi.Input<string>;
}

export interface GameDayArgs {
    readonly settings: Settings;
    /** Zone names by slot (network.zoneNames). */
    readonly zoneNames: readonly pulumi.Input<string>[];
    /** Controllers and the bastion, with their slots: the instances a zone loss stops. */
    readonly instances: readonly ZonedInstance[];
    readonly databaseArn: pulumi.Input<string>;
    /** Alarms that end the experiment early (FIS stop conditions). */
    readonly stopConditionAlarmArns: readonly pulumi.Input<string>[];
    readonly provider: aws.Provider;
}

/** ISO 8601 duration of the stop: FIS starts the instances again after it. */
export function stopDuration(minutes: number): string {
    return `PT${minutes}M`;
}

/** Zone slots that hold at least one of `instances`, in order: one experiment template each. */
export function zoneSlotsWith(instances: readonly Pick<ZonedInstance, "slot">[]): number[] {
    return [...new Set(instances.map((i) => i.slot))].sort((a, b) => a - b);
}

export class GameDay extends pulumi.ComponentResource {
    readonly templates: aws.fis.ExperimentTemplate[];
    readonly role: aws.iam.Role;
    readonly logGroup: aws.cloudwatch.LogGroup;

    constructor(name: string, args: GameDayArgs, opts?: pulumi.ComponentResourceOptions) {
        super("openzro:aws:GameDay", name, {}, opts);
        const { settings } = args;
        const stack = pulumi.getStack();
        const tags = (stem: string) => resourceTags("gameday", stack, stem);
        const childOpts = { parent: this, provider: args.provider };

        this.logGroup = new aws.cloudwatch.LogGroup(
            `${name}-game-day`,
            { name: `/openzro/${stack}/game-day`, retentionInDays: 90, tags: tags("game-day") },
            childOpts,
        );

        this.role = new aws.iam.Role(
            `${name}-game-day`,
            {
                description: "openZro game day: lets AWS FIS stop and start the zone's instances and fail the database over",
                assumeRolePolicy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [{ Effect: "Allow", Principal: { Service: "fis.amazonaws.com" }, Action: "sts:AssumeRole" }],
                }),
                tags: tags("game-day"),
            },
            childOpts,
        );
        const region = settings.region;
        const rolePolicy = new aws.iam.RolePolicy(
            `${name}-game-day`,
            {
                role: this.role.id,
                policy: pulumi
                    .all([pulumi.all(args.instances.map((i) => i.arn)), args.databaseArn])
                    .apply(([instanceArns, databaseArn]) => JSON.stringify(gameDayPolicy(region, instanceArns, databaseArn))),
            },
            childOpts,
        );

        const stopConditions = args.stopConditionAlarmArns.map((value) => ({ source: "aws:cloudwatch:alarm", value }));
        this.templates = zoneSlotsWith(args.instances).map((slot) => {
            const inZone = args.instances.filter((i) => i.slot === slot);
            const stem = `lose-zone-${slot + 1}`;
            return new aws.fis.ExperimentTemplate(
                `${name}-${stem}`,
                {
                    description: pulumi.interpolate`openZro ${stack}: lose zone ${args.zoneNames[slot]} (${inZone.map((i) => i.name).join(", ")} stopped ${settings.gameDay.stopMinutes} min) and fail the database over`,
                    roleArn: this.role.arn,
                    targets: [
                        { name: "zone-instances", resourceType: "aws:ec2:instance", selectionMode: "ALL", resourceArns: inZone.map((i) => i.arn) },
                        { name: "database", resourceType: "aws:rds:db", selectionMode: "ALL", resourceArns: [args.databaseArn] },
                    ],
                    actions: [
                        {
                            name: "stop-zone-instances",
                            actionId: "aws:ec2:stop-instances",
                            description: "Stop the zone's instances; FIS starts them again after the duration.",
                            parameters: [{ key: "startInstancesAfterDuration", value: stopDuration(settings.gameDay.stopMinutes) }],
                            target: { key: "Instances", value: "zone-instances" },
                        },
                        {
                            name: "fail-over-database",
                            actionId: "aws:rds:reboot-db-instances",
                            description: "Reboot the database with failover: the standby in another zone becomes the primary.",
                            parameters: [{ key: "forceFailover", value: "true" }],
                            target: { key: "DBInstances", value: "database" },
                        },
                    ],
                    stopConditions,
                    // A target that resolves to nothing (an instance replaced outside Pulumi) fails the experiment
                    // instead of reporting a game day that stopped nothing.
                    experimentOptions: { emptyTargetResolutionMode: "fail" },
                    logConfiguration: {
                        logSchemaVersion: 2,
                        cloudwatchLogsConfiguration: { logGroupArn: pulumi.interpolate`${this.logGroup.arn}:*` },
                    },
                    tags: { ...tags(stem), Name: nameTag(stack, stem) },
                },
                { ...childOpts, dependsOn: [rolePolicy] },
            );
        });

        this.registerOutputs({ templateIds: this.templates.map((t) => t.id) });
    }
}

/** The FIS role's permissions: exactly the experiment's instances and database, plus the calls FIS needs to run. */
export function gameDayPolicy(region: string, instanceArns: readonly string[], databaseArn: string) {
    return {
        Version: "2012-10-17",
        Statement: [
            { Sid: "StopAndStartZoneInstances", Effect: "Allow", Action: ["ec2:StopInstances", "ec2:StartInstances"], Resource: [...instanceArns] },
            // Target resolution and state polling; DescribeInstances has no resource-level permissions.
            { Sid: "DescribeInstances", Effect: "Allow", Action: ["ec2:DescribeInstances"], Resource: "*" },
            // Starting an instance whose volumes use a customer-managed KMS key needs a grant for EC2.
            {
                Sid: "StartEncryptedVolumes",
                Effect: "Allow",
                Action: ["kms:CreateGrant"],
                Resource: "*",
                Condition: { StringEquals: { "kms:ViaService": `ec2.${region}.amazonaws.com` }, Bool: { "kms:GrantIsForAWSResource": "true" } },
            },
            { Sid: "FailOverDatabase", Effect: "Allow", Action: ["rds:RebootDBInstance"], Resource: [databaseArn] },
            { Sid: "DescribeDatabases", Effect: "Allow", Action: ["rds:DescribeDBInstances"], Resource: "*" },
            // Experiment logging to CloudWatch Logs (vended log delivery).
            {
                Sid: "ExperimentLog",
                Effect: "Allow",
                Action: ["logs:CreateLogDelivery", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies", "logs:DescribeLogGroups"],
                Resource: "*",
            },
        ],
    };
}
