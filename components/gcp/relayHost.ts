// One relay process on its own host with its OWN static external address and DNS name. Peers compare relay
// instance URLs as strings, so several relay processes behind one address cannot pair their peers (spec §4,
// ADR-0014): every relay gets a distinct address and an A record that points at that address only.
import * as pulumi from "@pulumi/pulumi";
import * as gcp from "@pulumi/gcp";
import { RelaySettings } from "../config/types";
import { relayDnsName, relayHostname } from "../config/naming";
import { DnsZone } from "./dns";
import { UbuntuImages } from "./image";
import { generateHostKey } from "../host/hostKeys";
import { chainedAfter } from "../host/instanceChain";
import { gcpHostArgs, gcpHostOptions } from "./instance";
import { resourceLabels } from "./labels";

export interface RelayHostArgs {
    readonly relay: RelaySettings;
    readonly domain: string;
    readonly rootVolumeGb: number;
    readonly zone: pulumi.Input<string>;
    readonly images: UbuntuImages;
    readonly subnetwork: pulumi.Input<string>;
    readonly sshUser: string;
    readonly sshPublicKey: pulumi.Input<string>;
    readonly serviceAccountEmail: pulumi.Input<string>;
    readonly dns: DnsZone;
    readonly provider: gcp.Provider;
    /** The previous relay's gate (instance chain): this relay's instance changes only after it. */
    readonly after?: pulumi.Resource;
}

export class RelayHost extends pulumi.ComponentResource {
    readonly instance: gcp.compute.Instance;
    readonly publicIp: pulumi.Output<string>;
    /** Internal address: the bastion reaches the relay on it (firewall source service accounts match only these). */
    readonly privateIp: pulumi.Output<string>;
    readonly dnsName: string;
    /** Public half of its SSH host key (pinned by every connection). */
    readonly hostPublicKey: pulumi.Output<string>;

    constructor(name: string, args: RelayHostArgs, opts?: pulumi.ComponentResourceOptions) {
        super("openzro:gcp:RelayHost", name, {}, opts);
        const childOpts = { parent: this, provider: args.provider };
        const address = new gcp.compute.Address(
            `${name}-ip`,
            { region: args.relay.region, addressType: "EXTERNAL", networkTier: "PREMIUM", description: `openZro relay ${args.relay.name}`, labels: resourceLabels("relays") },
            childOpts,
        );
        this.publicIp = address.address;
        const hostKey = generateHostKey(`${name}-host-key`, { parent: this });
        this.hostPublicKey = hostKey.publicKey;
        this.instance = new gcp.compute.Instance(
            `${name}-host`,
            gcpHostArgs({
                machineType: args.relay.instanceType,
                zone: args.zone,
                image: args.images.imageFor(args.relay.instanceType),
                subnetwork: args.subnetwork,
                rootVolumeGb: args.rootVolumeGb,
                hostname: relayHostname(args.relay.name),
                hostKey,
                sshUser: args.sshUser,
                sshPublicKey: args.sshPublicKey,
                serviceAccountEmail: args.serviceAccountEmail,
                labels: resourceLabels("relays"),
                externalAddress: address.address,
            }),
            gcpHostOptions(args.images.pinned, { ...childOpts, ...chainedAfter(args.after) }),
        );
        this.privateIp = this.instance.networkInterfaces.apply((nics) => nics[0].networkIp);
        this.dnsName = relayDnsName(args.relay.name, args.domain);
        args.dns.aRecord(`${name}-dns`, this.dnsName, this.publicIp, this);
        this.registerOutputs({ publicIp: this.publicIp, dnsName: this.dnsName });
    }
}
