// The SSH jump host: the only way in to the controllers (private subnets, no public addresses). One small
// instance in a public subnet with its own Elastic IP; its security group admits SSH from ssh.allowedCidrs only.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { instanceArchitecture } from "./architecture";
import { UbuntuAmis } from "./ami";
import { generateHostKey } from "../host/hostKeys";
import { hostInstanceArgs, hostInstanceOptions } from "./instance";
import { resourceTags } from "./tags";

export const BASTION_HOSTNAME = "openzro-bastion";
const BASTION_ROOT_VOLUME_GB = 10;

export interface BastionArgs {
    readonly instanceType: string;
    readonly amis: UbuntuAmis;
    readonly subnetId: pulumi.Input<string>;
    readonly securityGroupId: pulumi.Input<string>;
    readonly keyName: pulumi.Input<string>;
    /** The VPC's internet gateway: AWS refuses to associate an Elastic IP before it is attached. */
    readonly internetGateway: pulumi.Resource;
    readonly provider: aws.Provider;
}

export class Bastion extends pulumi.ComponentResource {
    readonly instance: aws.ec2.Instance;
    /** The Elastic IP: the address operators and the host layer's SSH proxy dial. */
    readonly publicIp: pulumi.Output<string>;
    /** Its SSH host key's public half: every connection through it pins it. */
    readonly hostPublicKey: pulumi.Output<string>;

    constructor(name: string, args: BastionArgs, opts?: pulumi.ComponentResourceOptions) {
        super("openzro:aws:Bastion", name, {}, opts);
        const stack = pulumi.getStack();
        const childOpts = { parent: this, provider: args.provider };
        const hostKey = generateHostKey(`${name}-bastion-host-key`, { parent: this });
        this.hostPublicKey = hostKey.publicKey;
        const hostArgs = {
            instanceType: args.instanceType,
            ami: args.amis.imageId(instanceArchitecture(args.instanceType, "bastion.instanceType")),
            amiFromLookup: true,
            subnetId: args.subnetId,
            securityGroupIds: [args.securityGroupId],
            keyName: args.keyName,
            hostname: BASTION_HOSTNAME,
            hostKey,
            rootVolumeGb: BASTION_ROOT_VOLUME_GB,
            tags: resourceTags("bastion", stack, "bastion"),
        };
        this.instance = new aws.ec2.Instance(`${name}-bastion`, hostInstanceArgs(hostArgs), hostInstanceOptions(hostArgs, childOpts));
        const eip = new aws.ec2.Eip(
            `${name}-bastion`,
            { domain: "vpc", instance: this.instance.id, tags: resourceTags("bastion", stack, "bastion") },
            { ...childOpts, dependsOn: [args.internetGateway] },
        );
        this.publicIp = eip.publicIp;
        this.registerOutputs({ publicIp: this.publicIp });
    }
}
