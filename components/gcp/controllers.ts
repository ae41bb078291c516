// The controller hosts: no external address (egress through Cloud NAT), spread round-robin over the zones, a
// unique hostname each (the embedded NATS server_name, spec §2.4), and one unmanaged instance group per zone that
// holds controllers, with the named ports the backend services use. An instance may belong to only one
// load-balanced instance group, and a group in use by a backend service cannot be deleted: groups stay one per
// zone, their membership changes in place.
import * as pulumi from "@pulumi/pulumi";
import type { LaunchedController } from "../host/facts";
import * as gcp from "@pulumi/gcp";
import { Settings } from "../config/types";
import { controllerHostname, controllerName } from "../config/naming";
import { roundRobinSlot } from "../aws/zones";
import { UbuntuImages } from "./image";
import { generateHostKey } from "../host/hostKeys";
import { chainedAfter } from "../host/instanceChain";
import { AfterInstance, gcpHostArgs, gcpHostOptions } from "./instance";
import { resourceLabels } from "./labels";
import { NAMED_PORTS } from "./loadBalancerPlan";

export interface ControllersArgs {
    readonly settings: Settings;
    readonly images: UbuntuImages;
    /** Zone slots; controller i goes to slot i mod length. */
    readonly zones: readonly pulumi.Output<string>[];
    readonly subnetwork: pulumi.Input<string>;
    readonly networkId: pulumi.Input<string>;
    readonly sshPublicKey: pulumi.Input<string>;
    readonly serviceAccountEmail: pulumi.Input<string>;
    readonly provider: gcp.Provider;
    /** The instance chain: controller i+1's instance waits for what this returns for controller i. */
    readonly afterInstance?: AfterInstance;
}

export type ControllerHost = LaunchedController<gcp.compute.Instance>;

export class Controllers extends pulumi.ComponentResource {
    readonly hosts: readonly ControllerHost[];
    /** One per zone slot that holds a controller, in slot order. */
    readonly instanceGroups: readonly gcp.compute.InstanceGroup[];

    constructor(name: string, args: ControllersArgs, opts?: pulumi.ComponentResourceOptions) {
        super("openzro:gcp:Controllers", name, {}, opts);
        const { settings } = args;
        const childOpts = { parent: this, provider: args.provider };

        let previousGate: pulumi.Resource | undefined;
        this.hosts = Array.from({ length: settings.controllers.count }, (_, index) => {
            const stem = controllerName(index);
            const zone = args.zones[roundRobinSlot(index, args.zones.length)];
            const hostKey = generateHostKey(`${name}-${stem}-host-key`, { parent: this });
            const instance = new gcp.compute.Instance(
                `${name}-${stem}`,
                gcpHostArgs({
                    machineType: settings.controllers.instanceType,
                    zone,
                    image: args.images.imageFor(settings.controllers.instanceType),
                    subnetwork: args.subnetwork,
                    rootVolumeGb: settings.controllers.rootVolumeGb,
                    hostname: controllerHostname(index),
                    hostKey,
                    sshUser: settings.ssh.user,
                    sshPublicKey: args.sshPublicKey,
                    serviceAccountEmail: args.serviceAccountEmail,
                    labels: resourceLabels("controllers"),
                }),
                gcpHostOptions(args.images.pinned, { ...childOpts, ...chainedAfter(previousGate) }),
            );
            previousGate = args.afterInstance?.({ name: stem, instance, instanceType: settings.controllers.instanceType, hostPublicKey: hostKey.publicKey });
            return {
                index,
                name: stem,
                hostname: controllerHostname(index),
                instance,
                privateIp: instance.networkInterfaces.apply((nics) => nics[0].networkIp),
                zone: instance.zone,
                hostPublicKey: hostKey.publicKey,
            };
        });

        const slots = Math.min(args.zones.length, this.hosts.length);
        this.instanceGroups = Array.from({ length: slots }, (_, slot) => {
            const members = this.hosts.filter((h) => roundRobinSlot(h.index, args.zones.length) === slot);
            return new gcp.compute.InstanceGroup(
                `${name}-zone-${slot + 1}`,
                {
                    zone: args.zones[slot],
                    network: args.networkId,
                    instances: members.map((h) => h.instance.selfLink),
                    namedPorts: NAMED_PORTS.map((p) => ({ name: p.name, port: p.port })),
                    description: `openZro controllers in zone slot ${slot + 1}`,
                },
                childOpts,
            );
        });

        this.registerOutputs({ privateIps: this.hosts.map((h) => h.privateIp) });
    }
}
