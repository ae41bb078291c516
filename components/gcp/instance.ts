// The one way this program launches a Compute Engine host: shielded VM, balanced persistent disk, the stack's SSH
// key in metadata, the hostname and the host's own SSH host key set by cloud-init user data (metadata `user-data`,
// which the GCE datasource of Ubuntu's cloud-init reads, as on AWS), a role service account, and no external
// address unless one is passed in.
import * as pulumi from "@pulumi/pulumi";
import * as gcp from "@pulumi/gcp";
import { CloudInitFile } from "../host/cloudInit";
import { HostKey, cloudInitWithHostKey } from "../host/hostKeys";
import { AfterInstance as GenericAfterInstance } from "../host/instanceChain";

export interface GcpHostArgs {
    readonly machineType: string;
    readonly zone: pulumi.Input<string>;
    readonly image: pulumi.Input<string>;
    readonly subnetwork: pulumi.Input<string>;
    readonly rootVolumeGb: number;
    readonly hostname: string;
    /** The host's SSH identity: installed by cloud-init, pinned by every connection (components/host/hostKeys.ts). */
    readonly hostKey: HostKey;
    readonly sshUser: string;
    readonly sshPublicKey: pulumi.Input<string>;
    readonly serviceAccountEmail: pulumi.Input<string>;
    readonly labels: Record<string, string>;
    /** A static external address: the host's only public address. Absent: internal address only. */
    readonly externalAddress?: pulumi.Input<string>;
}

/**
 * Google's guest agent generates new SSH host keys on an instance's first boot (InstanceSetup.set_host_keys, on by
 * default), which would replace the key cloud-init installed and break every pinned connection. cloud-init writes
 * this file in its init stage, before the agent starts (the agent runs after network-online, cloud-init's init
 * stage before it); /etc/default/instance_configs.cfg is the agent's user configuration and wins over the image's
 * distribution defaults.
 */
export const GUEST_AGENT_CONFIG: CloudInitFile = {
    path: "/etc/default/instance_configs.cfg",
    permissions: "0644",
    content: "[InstanceSetup]\nset_host_keys = false\n",
};

/** The full-URL form of the cloud-platform scope: what the API stores, so a refresh reads back what was sent. */
export const CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";

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
        serviceAccount: { email: a.serviceAccountEmail, scopes: [CLOUD_PLATFORM_SCOPE] },
        shieldedInstanceConfig: { enableSecureBoot: true, enableVtpm: true, enableIntegrityMonitoring: true },
        metadata: {
            // The stack's login key only: project-wide keys blocked, OS Login off for this instance (with OS Login on,
            // metadata keys are ignored and every remote command fails to authenticate). The guest agent applies a
            // changed key to the running host, so rotating it needs no replacement.
            "ssh-keys": pulumi.interpolate`${a.sshUser}:${pulumi.output(a.sshPublicKey).apply((k) => k.trim())}`,
            "block-project-ssh-keys": "TRUE",
            "enable-oslogin": "FALSE",
            // Secret: it carries the host's private SSH key (components/host/cloudInit.ts). Readable by principals
            // allowed compute.instances.get and by processes on the host through the metadata server (docs/hosts.md).
            "user-data": cloudInitWithHostKey({ hostname: a.hostname, files: [GUEST_AGENT_CONFIG] }, a.hostKey),
        },
        labels: a.labels,
        // Machine type, service account and shielded-VM changes need the instance stopped first; the instance chain
        // (footprint.ts) makes that one host per tier at a time.
        allowStoppingForUpdate: true,
    };
}

/**
 * Instance fields that must not change every host at once on an unrelated `pulumi up`:
 * - metadata["user-data"]: cloud-init reads it on the first boot only; a change would be written to metadata and
 *   never applied, so a new host key in it would only break the pinned connections. The host key is fixed for the
 *   life of the instance (as userData on AWS).
 * - bootDisk.initializeParams.image (family lookup only): a newer Ubuntu image must not replace every controller;
 *   a pinned image (gcpImage) is deliberate, so changing it does replace the hosts, one at a time (the chain).
 * machineType is deliberately NOT ignored: its stop/start is ordered one host at a time (footprint.ts).
 */
export const GCP_INSTANCE_IGNORED_CHANGES = ['metadata["user-data"]'] as const;

export function gcpHostOptions(imagePinned: boolean, opts: pulumi.CustomResourceOptions): pulumi.CustomResourceOptions {
    return { ...opts, ignoreChanges: [...GCP_INSTANCE_IGNORED_CHANGES, ...(imagePinned ? [] : ["bootDisk.initializeParams.image"])] };
}

/** The chain's hook for Compute Engine instances (components/host/instanceChain.ts). */
export type AfterInstance = GenericAfterInstance<gcp.compute.Instance>;
