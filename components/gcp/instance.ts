// The one way this program launches a Compute Engine host: shielded VM, balanced persistent disk, the stack's SSH
// key in metadata, the hostname set by cloud-init user data (as on AWS), a role service account, and no external
// address unless one is passed in.
import * as pulumi from "@pulumi/pulumi";
import * as gcp from "@pulumi/gcp";
import { renderCloudInit } from "../host/cloudInit";
import { sshMetadata } from "./sshKey";

export interface GcpHostArgs {
    readonly machineType: string;
    readonly zone: pulumi.Input<string>;
    readonly image: pulumi.Input<string>;
    readonly subnetwork: pulumi.Input<string>;
    readonly rootVolumeGb: number;
    readonly hostname: string;
    readonly sshUser: string;
    readonly sshPublicKey: pulumi.Input<string>;
    readonly serviceAccountEmail: pulumi.Input<string>;
    readonly labels: Record<string, string>;
    /** A static external address: the host's only public address. Absent: internal address only. */
    readonly externalAddress?: pulumi.Input<string>;
}

export function gcpHostArgs(a: GcpHostArgs): gcp.compute.InstanceArgs {
    return {
        machineType: a.machineType,
        zone: a.zone,
        bootDisk: {
            autoDelete: true,
            initializeParams: { image: a.image, size: a.rootVolumeGb, type: "pd-balanced", labels: a.labels },
        },
        networkInterfaces: [
            {
                subnetwork: a.subnetwork,
                ...(a.externalAddress !== undefined ? { accessConfigs: [{ natIp: a.externalAddress, networkTier: "PREMIUM" }] } : {}),
            },
        ],
        serviceAccount: { email: a.serviceAccountEmail, scopes: ["cloud-platform"] },
        shieldedInstanceConfig: { enableSecureBoot: true, enableVtpm: true, enableIntegrityMonitoring: true },
        metadata: pulumi.all([sshMetadata(a.sshUser, a.sshPublicKey)]).apply(([ssh]) => ({
            ...ssh,
            // Nothing secret: user data is readable by anyone who can describe the instance.
            "user-data": renderCloudInit({ hostname: a.hostname }),
        })),
        labels: a.labels,
        // Machine type, service account and shielded-VM changes need the instance stopped first.
        allowStoppingForUpdate: true,
    };
}

/**
 * Hosts booted from a family lookup ignore later image changes: a newer Ubuntu image must not replace every
 * controller at once on an unrelated `pulumi up`. A pinned image (gcpImage) is deliberate, so changing it does.
 */
export function gcpHostOptions(imagePinned: boolean, opts: pulumi.CustomResourceOptions): pulumi.CustomResourceOptions {
    return imagePinned ? opts : { ...opts, ignoreChanges: ["bootDisk.initializeParams.image"] };
}
