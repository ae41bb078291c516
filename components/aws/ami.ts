// Ubuntu 24.04 LTS (noble) AMI lookup: Canonical's own images, by name, newest first. One lookup per region and
// architecture (AMI ids are regional).
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { CpuArchitecture } from "./architecture";

/** Canonical's AWS account: only images it published match, never a look-alike from another owner. */
export const CANONICAL_OWNER_ID = "099720109477";

export function ubuntuNobleAmiName(arch: CpuArchitecture): string {
    return `ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-${arch}-server-*`;
}

/** The filters of the lookup; plain data so tests can assert them. */
export function ubuntuNobleAmiFilters(arch: CpuArchitecture): { name: string; values: string[] }[] {
    return [
        { name: "name", values: [ubuntuNobleAmiName(arch)] },
        { name: "architecture", values: [arch === "arm64" ? "arm64" : "x86_64"] },
        { name: "virtualization-type", values: ["hvm"] },
        { name: "root-device-type", values: ["ebs"] },
    ];
}

/** Resolves AMI ids in one region, looking each architecture up once. */
export class UbuntuAmis {
    private readonly cache = new Map<CpuArchitecture, pulumi.Output<string>>();

    constructor(private readonly opts: { parent: pulumi.Resource; provider: aws.Provider }) {}

    /** `override` (a configured AMI id) wins over the lookup. */
    imageId(arch: CpuArchitecture, override?: string): pulumi.Output<string> {
        if (override) {
            return pulumi.output(override);
        }
        let id = this.cache.get(arch);
        if (!id) {
            id = aws.ec2
                .getAmiOutput(
                    { owners: [CANONICAL_OWNER_ID], mostRecent: true, filters: ubuntuNobleAmiFilters(arch) },
                    { parent: this.opts.parent, provider: this.opts.provider },
                )
                .apply((ami) => ami.id);
            this.cache.set(arch, id);
        }
        return id;
    }
}
