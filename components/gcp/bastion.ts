// The SSH jump host: the only host with SSH open to the outside (from ssh.allowedCidrs), and the way in to the
// controllers and relays on their internal addresses. A static external address keeps the host layer's proxy
// address stable when the bastion is replaced. The remote commands dial it directly: @pulumi/command has no
// ProxyCommand, so IAP TCP forwarding cannot replace it.
import * as pulumi from "@pulumi/pulumi";
import * as gcp from "@pulumi/gcp";
import { UbuntuImages } from "./image";
import { generateHostKey } from "../host/hostKeys";
import { gcpHostArgs, gcpHostOptions } from "./instance";
import { resourceLabels } from "./labels";

export const BASTION_HOSTNAME = "openzro-bastion";
const BASTION_ROOT_VOLUME_GB = 10;

export interface BastionArgs {
    readonly machineType: string;
    readonly region: string;
    readonly zone: pulumi.Input<string>;
    readonly images: UbuntuImages;
    readonly subnetwork: pulumi.Input<string>;
    readonly sshUser: string;
    readonly sshPublicKey: pulumi.Input<string>;
    readonly serviceAccountEmail: pulumi.Input<string>;
    readonly provider: gcp.Provider;
}

export class Bastion extends pulumi.ComponentResource {
    readonly instance: gcp.compute.Instance;
    readonly publicIp: pulumi.Output<string>;
    /**
     * The address connections dial through it, known only once the instance exists: the static address alone
     * exists before the bastion does, and a command dialing through it would race the bastion's creation (on AWS
     * the Elastic IP's association orders the same thing).
     */
    readonly sshHost: pulumi.Output<string>;
    /** Its SSH host key's public half: every connection through it pins it. */
    readonly hostPublicKey: pulumi.Output<string>;

    constructor(name: string, args: BastionArgs, opts?: pulumi.ComponentResourceOptions) {
        super("openzro:gcp:Bastion", name, {}, opts);
        const childOpts = { parent: this, provider: args.provider };
        const address = new gcp.compute.Address(
            `${name}-bastion`,
            { region: args.region, addressType: "EXTERNAL", networkTier: "PREMIUM", description: "openZro SSH bastion", labels: resourceLabels("bastion") },
            childOpts,
        );
        this.publicIp = address.address;
        const hostKey = generateHostKey(`${name}-bastion-host-key`, { parent: this });
        this.hostPublicKey = hostKey.publicKey;
        this.instance = new gcp.compute.Instance(
            `${name}-bastion`,
            gcpHostArgs({
                machineType: args.machineType,
                zone: args.zone,
                image: args.images.imageFor(args.machineType),
                subnetwork: args.subnetwork,
                rootVolumeGb: BASTION_ROOT_VOLUME_GB,
                hostname: BASTION_HOSTNAME,
                hostKey,
                sshUser: args.sshUser,
                sshPublicKey: args.sshPublicKey,
                serviceAccountEmail: args.serviceAccountEmail,
                labels: resourceLabels("bastion"),
                externalAddress: address.address,
            }),
            gcpHostOptions(args.images.pinned, childOpts),
        );
        this.sshHost = pulumi.all([this.publicIp, this.instance.id]).apply(([ip]) => ip);
        this.registerOutputs({ publicIp: this.publicIp });
    }
}
