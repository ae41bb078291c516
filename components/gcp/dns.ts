// The Cloud DNS managed zone (looked up, never created: it is shared with whatever else lives in it) and the
// A records of the deployment. The zone's DNS name must be dnsZone, or records would land in another domain.
import * as pulumi from "@pulumi/pulumi";
import * as gcp from "@pulumi/gcp";

export interface DnsZoneArgs {
    /** Managed-zone resource name (gcpDnsManagedZone). */
    readonly managedZone: string;
    /** The DNS name it must serve (dnsZone), without the trailing dot. */
    readonly dnsZone: string;
    readonly provider: gcp.Provider;
}

/** "example.com." → "example.com" */
export function withoutTrailingDot(name: string): string {
    return name.replace(/\.$/, "");
}

export class DnsZone extends pulumi.ComponentResource {
    /** The zone's resource name, once its DNS name was checked against dnsZone. */
    readonly name: pulumi.Output<string>;
    private readonly provider: gcp.Provider;

    constructor(name: string, args: DnsZoneArgs, opts?: pulumi.ComponentResourceOptions) {
        super("openzro:gcp:DnsZone", name, {}, opts);
        this.provider = args.provider;
        const zone = gcp.dns.getManagedZoneOutput({ name: args.managedZone }, { parent: this, provider: args.provider });
        this.name = zone.apply((z) => {
            if (withoutTrailingDot(z.dnsName) !== args.dnsZone) {
                throw new Error(
                    `gcpDnsManagedZone: the Cloud DNS zone "${args.managedZone}" serves "${withoutTrailingDot(z.dnsName)}", not dnsZone "${args.dnsZone}"; set gcpDnsManagedZone to the zone whose DNS name is ${args.dnsZone}`,
                );
            }
            if (z.visibility !== undefined && z.visibility !== "public") {
                throw new Error(`gcpDnsManagedZone: the Cloud DNS zone "${args.managedZone}" is ${z.visibility}; use a public zone`);
            }
            return z.name;
        });
        this.registerOutputs({ name: this.name });
    }

    /** An A record `fqdn` → `address` (one address only: relays never share). */
    aRecord(resourceName: string, fqdn: string, address: pulumi.Input<string>, parent: pulumi.Resource): gcp.dns.RecordSet {
        return new gcp.dns.RecordSet(
            resourceName,
            { managedZone: this.name, name: `${fqdn}.`, type: "A", ttl: 300, rrdatas: [address] },
            { parent, provider: this.provider },
        );
    }
}
