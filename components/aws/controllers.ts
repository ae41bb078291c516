// The controller hosts: management, signal, dashboard and nginx on each, in the private subnets, spread round-robin
// over the zones. Each has a unique hostname (the embedded NATS server_name, spec §2.4) and an instance profile
// with SSM, so operators keep a way in even when the bastion is gone.
import * as pulumi from "@pulumi/pulumi";
import type { LaunchedController } from "../host/facts";
import * as aws from "@pulumi/aws";
import { Settings } from "../config/types";
import { controllerHostname, controllerName } from "../config/naming";
import { instanceArchitecture } from "./architecture";
import { UbuntuAmis } from "./ami";
import { generateHostKey } from "../host/hostKeys";
import { AfterInstance, chainedAfter, hostInstanceArgs, hostInstanceOptions } from "./instance";
import { resourceTags } from "./tags";
import { roundRobinSlot } from "./zones";

export interface ControllersArgs {
    readonly settings: Settings;
    readonly amis: UbuntuAmis;
    /** One per zone; controller i goes to subnet i mod length. */
    readonly privateSubnetIds: readonly pulumi.Input<string>[];
    readonly securityGroupId: pulumi.Input<string>;
    readonly keyName: pulumi.Input<string>;
    readonly provider: aws.Provider;
    /** The instance chain: controller i+1's instance waits for what this returns for controller i. */
    readonly afterInstance?: AfterInstance;
    /** The metrics agent's policy (JSON, metricsAgent.ts): the controllers' role carries it. */
    readonly metricsPolicy?: pulumi.Input<string>;
}

export type ControllerHost = LaunchedController<aws.ec2.Instance>;

const SSM_POLICY = "AmazonSSMManagedInstanceCore";

export class Controllers extends pulumi.ComponentResource {
    readonly hosts: readonly ControllerHost[];

    constructor(name: string, args: ControllersArgs, opts?: pulumi.ComponentResourceOptions) {
        super("openzro:aws:Controllers", name, {}, opts);
        const { settings } = args;
        const stack = pulumi.getStack();
        const childOpts = { parent: this, provider: args.provider };

        const role = new aws.iam.Role(
            `${name}-controller`,
            {
                description: "openZro controllers: SSM Session Manager access",
                assumeRolePolicy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
                }),
                tags: resourceTags("controllers", stack, "controller"),
            },
            childOpts,
        );
        const partition = aws.getPartitionOutput({}, childOpts).partition;
        new aws.iam.RolePolicyAttachment(
            `${name}-controller-ssm`,
            { role: role.name, policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/${SSM_POLICY}` },
            childOpts,
        );
        if (args.metricsPolicy !== undefined) {
            new aws.iam.RolePolicy(`${name}-controller-metrics`, { role: role.id, policy: args.metricsPolicy }, childOpts);
        }
        const profile = new aws.iam.InstanceProfile(
            `${name}-controller`,
            { role: role.name, tags: resourceTags("controllers", stack, "controller") },
            childOpts,
        );

        const arch = instanceArchitecture(settings.controllers.instanceType, "controllers.instanceType");
        const ami = args.amis.imageId(arch, settings.controllers.amiId);
        let previousGate: pulumi.Resource | undefined;
        this.hosts = Array.from({ length: settings.controllers.count }, (_, index) => {
            const stem = controllerName(index);
            const hostKey = generateHostKey(`${name}-${stem}-host-key`, { parent: this });
            const hostArgs = {
                instanceType: settings.controllers.instanceType,
                ami,
                amiFromLookup: !settings.controllers.amiId,
                subnetId: args.privateSubnetIds[roundRobinSlot(index, args.privateSubnetIds.length)],
                securityGroupIds: [args.securityGroupId],
                keyName: args.keyName,
                hostname: controllerHostname(index),
                hostKey,
                rootVolumeGb: settings.controllers.rootVolumeGb,
                tags: resourceTags("controllers", stack, stem),
                iamInstanceProfile: profile.name,
            };
            const instance = new aws.ec2.Instance(
                `${name}-${stem}`,
                hostInstanceArgs(hostArgs),
                hostInstanceOptions(hostArgs, { ...childOpts, ...chainedAfter(previousGate) }),
            );
            previousGate = args.afterInstance?.({ name: stem, instance, instanceType: settings.controllers.instanceType, hostPublicKey: hostKey.publicKey });
            return {
                index,
                name: stem,
                hostname: controllerHostname(index),
                instance,
                privateIp: instance.privateIp,
                zone: instance.availabilityZone,
                hostPublicKey: hostKey.publicKey,
            };
        });

        this.registerOutputs({ privateIps: this.hosts.map((h) => h.privateIp) });
    }
}
