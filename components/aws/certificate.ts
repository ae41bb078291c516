// DNS and TLS for the public hostname: the existing hosted zone (looked up, never created: it is shared with
// whatever else lives in it), an ACM certificate for settings.domain, and its DNS validation.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { resourceTags } from "./tags";

export interface CertificateArgs {
    readonly domain: string;
    /** Route53 hosted zone name that contains `domain` and the relay records. */
    readonly dnsZone: string;
    readonly provider: aws.Provider;
}

export class Certificate extends pulumi.ComponentResource {
    readonly zoneId: pulumi.Output<string>;
    /** ARN of the certificate once validated: listeners that use it wait for validation. */
    readonly certificateArn: pulumi.Output<string>;

    constructor(name: string, args: CertificateArgs, opts?: pulumi.ComponentResourceOptions) {
        super("openzro:aws:Certificate", name, {}, opts);
        const childOpts = { parent: this, provider: args.provider };

        const zone = aws.route53.getZoneOutput({ name: args.dnsZone, privateZone: false }, childOpts);
        this.zoneId = zone.zoneId;

        const certificate = new aws.acm.Certificate(
            `${name}-cert`,
            { domainName: args.domain, validationMethod: "DNS", tags: resourceTags("dns", pulumi.getStack(), "cert") },
            childOpts,
        );

        // One domain, so exactly one validation option: use its Outputs directly (no resources inside apply).
        const option = certificate.domainValidationOptions.apply((options) => options[0]);
        const validationRecord = new aws.route53.Record(
            `${name}-cert-validation`,
            {
                zoneId: this.zoneId,
                name: option.apply((o) => o.resourceRecordName),
                type: option.apply((o) => o.resourceRecordType),
                records: [option.apply((o) => o.resourceRecordValue)],
                ttl: 300,
                // The record may already exist from an earlier certificate for the same name (ACM reuses it).
                allowOverwrite: true,
            },
            childOpts,
        );
        const validation = new aws.acm.CertificateValidation(
            `${name}-cert`,
            { certificateArn: certificate.arn, validationRecordFqdns: [validationRecord.fqdn] },
            childOpts,
        );
        this.certificateArn = validation.certificateArn;

        this.registerOutputs({ zoneId: this.zoneId, certificateArn: this.certificateArn });
    }
}
