// Boot images: the configured pin (gcpImage), or Ubuntu 24.04 LTS from Canonical's ubuntu-os-cloud project by
// family, one lookup per CPU architecture. A family always resolves to its newest image; hosts built from a lookup
// ignore later changes of it (instance.ts), so a new Canonical image never replaces running hosts.
import * as pulumi from "@pulumi/pulumi";
import * as gcp from "@pulumi/gcp";
import { isGcpArmMachineType } from "../config/syntax";

export type GcpArchitecture = "amd64" | "arm64";

export const UBUNTU_IMAGE_PROJECT = "ubuntu-os-cloud";

export function ubuntuFamily(arch: GcpArchitecture): string {
    return `ubuntu-2404-lts-${arch}`;
}

export function machineArchitecture(machineType: string): GcpArchitecture {
    return isGcpArmMachineType(machineType) ? "arm64" : "amd64";
}

export class UbuntuImages {
    private readonly cache = new Map<GcpArchitecture, pulumi.Output<string>>();

    constructor(private readonly opts: { parent: pulumi.Resource; provider: gcp.Provider; pinned?: string }) {}

    /** True when hosts boot a pinned image (changing the pin replaces them deliberately). */
    get pinned(): boolean {
        return this.opts.pinned !== undefined;
    }

    imageFor(machineType: string): pulumi.Output<string> {
        if (this.opts.pinned !== undefined) {
            return pulumi.output(this.opts.pinned);
        }
        const arch = machineArchitecture(machineType);
        let image = this.cache.get(arch);
        if (!image) {
            image = gcp.compute
                .getImageOutput({ family: ubuntuFamily(arch), project: UBUNTU_IMAGE_PROJECT }, { parent: this.opts.parent, provider: this.opts.provider })
                .apply((i) => i.selfLink);
            this.cache.set(arch, image);
        }
        return image;
    }
}
