// One relay process on its own host with its OWN Elastic IP and DNS name. Peers compare relay instance URLs as
// strings, so several relay processes behind one address cannot pair their peers (spec §4, ADR-0014): every
// relay gets a distinct address and an A record that points at that address only.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { RelaySettings } from "../config/types";
import { relayDnsName, relayHostName, relayHostname } from "../config/naming";
import { generateHostKey } from "../host/hostKeys";
import { chainedAfter, hostInstanceArgs, hostInstanceOptions } from "./instance";
import { RelayAcmeRole } from "./relayAcmeRole";
import { resourceTags } from "./tags";

export interface RelayHostArgs {
    readonly relay: RelaySettings;
    readonly domain: string;
    readonly rootVolumeGb: number;
    readonly ami: pulumi.Input<string>;
    readonly amiFromLookup: boolean;
    readonly subnetId: pulumi.Input<string>;
    readonly securityGroupId: pulumi.Input<string>;
    readonly keyName: pulumi.Input<string>;
    /** The region VPC's internet gateway: AWS refuses to associate an Elastic IP before it is attached. */
    readonly internetGateway: pulumi.Resource;
    readonly zoneId: pulumi.Input<string>;
    /** relayTls route53: the relay writes its own ACME challenge record through an instance role. */
    readonly route53Acme?: boolean;
    /** The relay's region. */
    readonly provider: aws.Provider;
    /** The primary provider: Route53 is global and the zone is managed from the primary region. */
    readonly dnsProvider: aws.Provider;
    /** The previous relay's gate (instance chain): this relay's instance changes only after it. */
    readonly after?: pulumi.Resource;
    /** The metrics agent's policy (JSON, metricsAgent.ts): the relay's instance role carries it. */
    readonly metricsPolicy?: pulumi.Input<string>;
}

export class RelayHost extends pulumi.ComponentResource {
    readonly instance: aws.ec2.Instance;
    /** Elastic IP: this relay's own public address. */
    readonly publicIp: pulumi.Output<string>;
    readonly dnsName: string;
    /** Public half of its SSH host key (pinned by every connection). */
    readonly hostPublicKey: pulumi.Output<string>;

    constructor(name: string, args: RelayHostArgs, opts?: pulumi.ComponentResourceOptions) {
        super("openzro:aws:RelayHost", name, {}, opts);
        const stack = pulumi.getStack();
        const stem = relayHostName(args.relay.name);
        const tags = resourceTags("relays", stack, stem);
        const childOpts = { parent: this, provider: args.provider };
        const hostKey = generateHostKey(`${name}-host-key`, { parent: this });
        this.hostPublicKey = hostKey.publicKey;

        const dnsName = relayDnsName(args.relay.name, args.domain);
        // IAM is global; the primary provider manages it like the DNS zone.
        const acme = args.route53Acme
            ? new RelayAcmeRole(`${name}-acme`, { zoneId: args.zoneId, dnsName, tags }, { parent: this, provider: args.dnsProvider })
            : undefined;
        // The metrics agent writes with the instance role: the ACME role when there is one, else a role of its own.
        let metricsRoleId: pulumi.Input<string> | undefined;
        let metricsProfile: pulumi.Input<string> | undefined;
        if (args.metricsPolicy !== undefined && acme) {
            metricsRoleId = acme.roleId;
        } else if (args.metricsPolicy !== undefined) {
            const role = new aws.iam.Role(
                `${name}-role`,
                {
                    description: "openZro relay: the metrics agent's writes to its log group",
                    assumeRolePolicy: JSON.stringify({
                        Version: "2012-10-17",
                        Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
                    }),
                    tags,
                },
                { parent: this, provider: args.dnsProvider },
            );
            metricsRoleId = role.id;
            metricsProfile = new aws.iam.InstanceProfile(`${name}-profile`, { role: role.name, tags }, { parent: this, provider: args.dnsProvider }).name;
        }
        if (args.metricsPolicy !== undefined && metricsRoleId !== undefined) {
            new aws.iam.RolePolicy(`${name}-metrics`, { role: metricsRoleId, policy: args.metricsPolicy }, { parent: this, provider: args.dnsProvider });
        }
        const instanceProfile = acme ? acme.instanceProfileName : metricsProfile;
        const hostArgs = {
            instanceType: args.relay.instanceType,
            ami: args.ami,
            amiFromLookup: args.amiFromLookup,
            subnetId: args.subnetId,
            securityGroupIds: [args.securityGroupId],
            keyName: args.keyName,
            hostname: relayHostname(args.relay.name),
            hostKey,
            rootVolumeGb: args.rootVolumeGb,
            tags,
            ...(instanceProfile !== undefined ? { iamInstanceProfile: instanceProfile } : {}),
        };
        this.instance = new aws.ec2.Instance(`${name}-host`, hostInstanceArgs(hostArgs), hostInstanceOptions(hostArgs, { ...childOpts, ...chainedAfter(args.after) }));
        const eip = new aws.ec2.Eip(`${name}-ip`, { domain: "vpc", instance: this.instance.id, tags }, { ...childOpts, dependsOn: [args.internetGateway] });
        this.publicIp = eip.publicIp;

        this.dnsName = dnsName;
        new aws.route53.Record(
            `${name}-dns`,
            { zoneId: args.zoneId, name: this.dnsName, type: "A", ttl: 300, records: [this.publicIp] },
            { parent: this, provider: args.dnsProvider },
        );

        this.registerOutputs({ publicIp: this.publicIp, dnsName: this.dnsName });
    }
}
