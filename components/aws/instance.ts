// The one way this program launches an EC2 host: IMDSv2 only, encrypted gp3 root volume, no public address
// unless an Elastic IP is attached later, hostname (and SSH host key) from cloud-init user data.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { renderCloudInit } from "../host/cloudInit";
import { HostKey, cloudInitWithHostKey } from "../host/hostKeys";
import { AfterInstance as GenericAfterInstance, chainedAfter } from "../host/instanceChain";

export interface HostInstanceArgs {
    readonly instanceType: string;
    readonly ami: pulumi.Input<string>;
    /** True when the AMI came from a "most recent" lookup (see hostInstanceOptions). */
    readonly amiFromLookup: boolean;
    readonly subnetId: pulumi.Input<string>;
    readonly securityGroupIds: pulumi.Input<string>[];
    readonly keyName: pulumi.Input<string>;
    readonly hostname: string;
    /**
     * The host's SSH identity: installed by cloud-init, pinned by every connection. Every host the program
     * connects to has one; a host it never connects to (the CI deploy runner) brings its own user data instead.
     */
    readonly hostKey?: HostKey;
    /** The user data is the host's whole configuration and a change replaces it (the CI deploy runner). */
    readonly replaceOnUserDataChange?: boolean;
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
        // associatePublicIpAddress stays unset: every subnet has mapPublicIpOnLaunch false, so no address is
        // auto-assigned, and the provider reads the field back as "has a public address" (true once an Elastic IP
        // is associated), which would plan a replacement after every refresh (hashicorp/terraform-provider-aws#37318).
        iamInstanceProfile: a.iamInstanceProfile,
        // Secret: it carries the host's private SSH key (components/host/cloudInit.ts).
        userData: a.hostKey ? cloudInitWithHostKey({ hostname: a.hostname }, a.hostKey) : renderCloudInit({ hostname: a.hostname }),
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
 * Instance fields the provider changes by stopping or replacing the instance, or reads back differently from what
 * was sent. None of them may change all hosts at once on an unrelated `pulumi up`:
 * - associatePublicIpAddress: computed and ForceNew; read back as true on hosts with an Elastic IP.
 * - userData: cloud-init runs it on the first boot only; a change would stop and start every host in parallel
 *   (the provider's modify-with-stop-start). The hostname is enforced again by cloud-init's first boot only, and
 *   the SSH host key lives in user data by design (fixed for the life of the instance).
 * - keyName: ForceNew; a new SSH key pair would replace every host at once. The EC2 key pair only seeds the first
 *   boot's authorized_keys (docs/runbook.md, "Rotate the SSH key").
 * - ami (lookup only): a newer Ubuntu image must not replace running hosts; a configured AMI id is deliberate,
 *   so changing it does replace the host (one at a time, see the instance chain in footprint.ts).
 * instanceType is deliberately NOT ignored: its stop/start is ordered one host at a time (footprint.ts).
 */
export const INSTANCE_IGNORED_CHANGES = ["associatePublicIpAddress", "userData", "keyName"] as const;

export function hostInstanceOptions(a: Pick<HostInstanceArgs, "amiFromLookup" | "replaceOnUserDataChange">, opts: pulumi.CustomResourceOptions): pulumi.CustomResourceOptions {
    const ignored = INSTANCE_IGNORED_CHANGES.filter((f) => !(f === "userData" && a.replaceOnUserDataChange));
    return { ...opts, ignoreChanges: [...ignored, ...(a.amiFromLookup ? ["ami"] : [])] };
}

/** The chain's hook for EC2 instances (components/host/instanceChain.ts). */
export type AfterInstance = GenericAfterInstance<aws.ec2.Instance>;
export { chainedAfter };
