// Optional CI deploy runner (off unless deployRunnerRepository is set): a small GitHub Actions runner inside the
// stack's VPC, so CI reaches the bastion and the relays over SSH without opening SSH to the world. It sits in a
// public subnet with its own Elastic IP: a fixed egress address that only this stack's bastion and relay groups
// admit on port 22 (the host layer dials the bastion's and relays' public addresses, so a security-group
// reference would not match). It accepts no inbound traffic at all. The GitHub token lives in Secrets Manager;
// the instance role may read only that secret. docs/promotion.md ("CI deploy runner") explains bootstrapping.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { instanceArchitecture } from "./architecture";
import { UbuntuAmis } from "./ami";
import { hostInstanceArgs, hostInstanceOptions } from "./instance";
import { resourceTags } from "./tags";
import { loadRunnerScript, renderRunnerUserData } from "./deployRunnerUserData";

export const DEPLOY_RUNNER_HOSTNAME = "openzro-deploy-runner";
const ROOT_VOLUME_GB = 30;

/** The label the deploy workflow targets for a stack: one runner per stack, inside that stack's VPC. */
export function deployRunnerLabel(stack: string): string {
    return `openzro-${stack}`;
}

export interface DeployRunnerArgs {
    readonly repository: string;
    readonly instanceType: string;
    /** Secret. */
    readonly githubToken: pulumi.Input<string>;
    readonly region: string;
    readonly amis: UbuntuAmis;
    readonly vpcId: pulumi.Input<string>;
    readonly subnetId: pulumi.Input<string>;
    readonly internetGateway: pulumi.Resource;
    readonly keyName: pulumi.Input<string>;
    /** Groups that must admit the runner on SSH: the bastion's (primary region) and each relay region's. */
    readonly sshTargets: readonly { readonly name: string; readonly securityGroupId: pulumi.Input<string>; readonly provider: aws.Provider }[];
    readonly provider: aws.Provider;
}

export class DeployRunner extends pulumi.ComponentResource {
    readonly instance: aws.ec2.Instance;
    /** The runner's fixed egress address (admitted on port 22 by the bastion and relays). */
    readonly publicIp: pulumi.Output<string>;
    readonly label: string;

    constructor(name: string, args: DeployRunnerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("openzro:aws:DeployRunner", name, {}, opts);
        const stack = pulumi.getStack();
        const tags = resourceTags("ci", stack, "deploy-runner");
        const childOpts = { parent: this, provider: args.provider };
        this.label = deployRunnerLabel(stack);

        const secret = new aws.secretsmanager.Secret(
            `${name}-deploy-runner-github-token`,
            { description: `GitHub token the openZro deploy runner of ${stack} registers with`, tags },
            childOpts,
        );
        new aws.secretsmanager.SecretVersion(
            `${name}-deploy-runner-github-token`,
            { secretId: secret.id, secretString: pulumi.secret(args.githubToken) },
            childOpts,
        );

        const role = new aws.iam.Role(
            `${name}-deploy-runner`,
            {
                description: "openZro CI deploy runner: reads its GitHub token, nothing else (CI assumes deploy roles via OIDC)",
                assumeRolePolicy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
                }),
                tags,
            },
            childOpts,
        );
        new aws.iam.RolePolicy(
            `${name}-deploy-runner-token`,
            {
                role: role.id,
                policy: secret.arn.apply((arn) =>
                    JSON.stringify({
                        Version: "2012-10-17",
                        Statement: [{ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: arn }],
                    }),
                ),
            },
            childOpts,
        );
        const profile = new aws.iam.InstanceProfile(`${name}-deploy-runner`, { role: role.name, tags }, childOpts);

        // No ingress rule at all; egress anywhere (GitHub, Pulumi Cloud, AWS APIs, npm, and SSH to the hosts).
        const group = new aws.ec2.SecurityGroup(
            `${name}-deploy-runner`,
            { vpcId: args.vpcId, description: "openZro CI deploy runner: no inbound", tags },
            childOpts,
        );
        new aws.vpc.SecurityGroupEgressRule(
            `${name}-deploy-runner-out-all`,
            { securityGroupId: group.id, ipProtocol: "-1", cidrIpv4: "0.0.0.0/0", description: "GitHub, Pulumi Cloud, AWS APIs, packages, SSH to the hosts", tags },
            childOpts,
        );

        const hostArgs = {
            instanceType: args.instanceType,
            ami: args.amis.imageId(instanceArchitecture(args.instanceType, "deployRunnerInstanceType")),
            amiFromLookup: true,
            subnetId: args.subnetId,
            securityGroupIds: [group.id],
            keyName: args.keyName,
            hostname: DEPLOY_RUNNER_HOSTNAME,
            rootVolumeGb: ROOT_VOLUME_GB,
            tags,
            iamInstanceProfile: profile.name,
            // Its own user data (below) is its whole configuration: a change must replace it, not be ignored.
            replaceOnUserDataChange: true,
        };
        const serviceScript = loadRunnerScript();
        this.instance = new aws.ec2.Instance(
            `${name}-deploy-runner`,
            {
                ...hostInstanceArgs(hostArgs),
                userData: secret.arn.apply((secretArn) =>
                    renderRunnerUserData({
                        hostname: DEPLOY_RUNNER_HOSTNAME,
                        repository: args.repository,
                        labels: ["self-hosted", "linux", this.label],
                        secretArn,
                        region: args.region,
                        serviceScript,
                    }),
                ),
                // A new script or label set replaces the runner (it holds no state); nothing else depends on it.
                userDataReplaceOnChange: true,
            },
            hostInstanceOptions(hostArgs, childOpts),
        );
        const eip = new aws.ec2.Eip(
            `${name}-deploy-runner`,
            { domain: "vpc", instance: this.instance.id, tags },
            { ...childOpts, dependsOn: [args.internetGateway] },
        );
        this.publicIp = eip.publicIp;

        for (const target of args.sshTargets) {
            new aws.vpc.SecurityGroupIngressRule(
                `${name}-${target.name}-in-22-deploy-runner`,
                {
                    securityGroupId: target.securityGroupId,
                    ipProtocol: "tcp",
                    fromPort: 22,
                    toPort: 22,
                    cidrIpv4: pulumi.interpolate`${eip.publicIp}/32`,
                    description: "SSH from the CI deploy runner",
                    tags,
                },
                { parent: this, provider: target.provider },
            );
        }

        this.registerOutputs({ publicIp: this.publicIp, label: this.label });
    }
}
