// relayTls route53: the relay obtains its certificate by Let's Encrypt DNS-01 through Route 53 with the AWS SDK's
// default credentials (openZro encryption/route53.go, libdns/route53): the instance role. An internet-facing host
// holding DNS-write credentials is the risk of this mode, so the role may change exactly one record set: the
// TXT record _acme-challenge.<its own name>, nothing else in the zone.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

/** The role's policy document (pure, tested directly). */
export function relayAcmePolicy(zoneId: string, dnsName: string): Record<string, unknown> {
    const zoneArn = `arn:aws:route53:::hostedzone/${zoneId}`;
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "AcmeChallengeRecordOnly",
                Effect: "Allow",
                Action: "route53:ChangeResourceRecordSets",
                Resource: zoneArn,
                Condition: {
                    "ForAllValues:StringEquals": {
                        "route53:ChangeResourceRecordSetsNormalizedRecordNames": [`_acme-challenge.${dnsName}`],
                        "route53:ChangeResourceRecordSetsRecordTypes": ["TXT"],
                    },
                },
            },
            // Reading the zone's records (libdns merges TXT values) and waiting for the change to propagate.
            { Sid: "ReadZone", Effect: "Allow", Action: "route53:ListResourceRecordSets", Resource: zoneArn },
            { Sid: "WaitForChange", Effect: "Allow", Action: "route53:GetChange", Resource: "arn:aws:route53:::change/*" },
            // Finding the zone by name (these actions support no resource restriction).
            { Sid: "FindZone", Effect: "Allow", Action: ["route53:ListHostedZonesByName", "route53:ListHostedZones"], Resource: "*" },
        ],
    };
}

export interface RelayAcmeRoleArgs {
    readonly zoneId: pulumi.Input<string>;
    /** relay-<name>.<domain> */
    readonly dnsName: string;
    readonly tags: Record<string, string>;
}

/** IAM is global: the role, its inline policy and the instance profile the relay instance uses. */
export class RelayAcmeRole extends pulumi.ComponentResource {
    readonly instanceProfileName: pulumi.Output<string>;
    /** The role's id, for further inline policies (the metrics agent's). */
    readonly roleId: pulumi.Output<string>;

    constructor(name: string, args: RelayAcmeRoleArgs, opts?: pulumi.ComponentResourceOptions) {
        super("openzro:aws:RelayAcmeRole", name, {}, opts);
        const role = new aws.iam.Role(
            `${name}-role`,
            {
                assumeRolePolicy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
                }),
                tags: args.tags,
            },
            { parent: this },
        );
        new aws.iam.RolePolicy(
            `${name}-route53`,
            { role: role.id, policy: pulumi.output(args.zoneId).apply((zoneId) => JSON.stringify(relayAcmePolicy(zoneId, args.dnsName))) },
            { parent: this },
        );
        const profile = new aws.iam.InstanceProfile(`${name}-profile`, { role: role.name, tags: args.tags }, { parent: this });
        this.roleId = role.id;
        this.instanceProfileName = profile.name;
        this.registerOutputs({ instanceProfileName: this.instanceProfileName });
    }
}
