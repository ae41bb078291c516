// The one way this program launches an EC2 host: IMDSv2 only, encrypted gp3 root volume, no public address
// unless an Elastic IP is attached later, hostname from cloud-init user data.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { renderCloudInit } from "../host/cloudInit";

export interface HostInstanceArgs {
    readonly instanceType: string;
    readonly ami: pulumi.Input<string>;
    /** True when the AMI came from a "most recent" lookup (see hostInstanceOptions). */
    readonly amiFromLookup: boolean;
    readonly subnetId: pulumi.Input<string>;
    readonly securityGroupIds: pulumi.Input<string>[];
    readonly keyName: pulumi.Input<string>;
    readonly hostname: string;
    readonly rootVolumeGb: number;
    readonly tags: Record<string, string>;
    readonly iamInstanceProfile?: pulumi.Input<string>;
}

export function hostInstanceArgs(a: HostInstanceArgs): aws.ec2.InstanceArgs {
    return {
        ami: a.ami,
        instanceType: a.instanceType,
        subnetId: a.subnetId,
        vpcSecurityGroupIds: a.securityGroupIds,
        keyName: a.keyName,
        associatePublicIpAddress: false,
        iamInstanceProfile: a.iamInstanceProfile,
        userData: renderCloudInit({ hostname: a.hostname }),
        // IMDSv2 only, and a hop limit of 1 so nothing forwarded through the host (or a container on it) can
        // reach the metadata service and its role credentials.
        metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
        // Simplified automatic recovery (the EC2 default for supported types), stated so a console change is undone
        // by the next `pulumi up`: a failed AWS host moves the instance to healthy hardware with its id, private IP,
        // Elastic IP and volumes. Status-check alarms (alarms.ts) tell a person; they do not also act.
        maintenanceOptions: { autoRecovery: "default" },
        rootBlockDevice: {
            volumeType: "gp3",
            volumeSize: a.rootVolumeGb,
            encrypted: true,
            deleteOnTermination: true,
            tags: a.tags,
        },
        tags: a.tags,
    };
}

/**
 * A newer Ubuntu image must not replace running hosts on an unrelated `pulumi up` (all controllers at once would be
 * an outage); replacing a host for a new image is a deliberate, one-host-at-a-time operation. A configured AMI id
 * is deliberate already, so changing it does replace the host.
 */
export function hostInstanceOptions(a: Pick<HostInstanceArgs, "amiFromLookup">, opts: pulumi.CustomResourceOptions): pulumi.CustomResourceOptions {
    return a.amiFromLookup ? { ...opts, ignoreChanges: ["ami"] } : opts;
}
