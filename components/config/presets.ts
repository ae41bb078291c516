// Size presets from the openZro HA guide's sizing tiers. Each tier keeps its intent (vCPU / memory / disk) next to
// the AWS class that meets it, so a GCP footprint can map the same intent to its own machine types.
// Any explicit config key (controllerCount, controllerInstanceType, dbInstanceClass, ...) overrides its preset value.
import type { SizePreset } from "./types";

export interface MachineIntent {
    readonly vcpu: number;
    readonly memoryGb: number;
}

export interface HostTier extends MachineIntent {
    /** An EC2 type with at least this many vCPUs and GB (controllers: x86_64 only). */
    readonly awsInstanceType: string;
    /** A Compute Engine machine type with at least this many vCPUs and GB (controllers: x86_64 only). */
    readonly gcpMachineType: string;
    readonly rootVolumeGb: number;
}

export interface DatabaseTier extends MachineIntent {
    /** An RDS class with at least this many vCPUs and GB. */
    readonly awsInstanceClass: string;
    /** A Cloud SQL tier (Enterprise edition custom machine) with exactly this many vCPUs and GB. */
    readonly gcpTier: string;
    readonly allocatedStorageGb: number;
    readonly multiAz: boolean;
}

export interface Preset {
    /** Who it is for, in the guide's words. */
    readonly audience: string;
    readonly controllerCount: number;
    readonly controller: HostTier;
    readonly relay: HostTier;
    readonly database: DatabaseTier;
}

export const PRESETS: Readonly<Record<SizePreset, Preset>> = {
    small: {
        audience: "100 - 1,000 peers; one controller, no control-plane HA",
        controllerCount: 1,
        // Burstable on both clouds: t3.medium and e2-medium are 2 shared vCPUs / 4 GB.
        controller: { vcpu: 2, memoryGb: 4, awsInstanceType: "t3.medium", gcpMachineType: "e2-medium", rootVolumeGb: 60 },
        relay: { vcpu: 1, memoryGb: 2, awsInstanceType: "t3.small", gcpMachineType: "e2-small", rootVolumeGb: 20 },
        database: { vcpu: 2, memoryGb: 4, awsInstanceClass: "db.t4g.medium", gcpTier: "db-custom-2-4096", allocatedStorageGb: 50, multiAz: false },
    },
    medium: {
        audience: "1,000 - 10,000 peers; three controllers active-active",
        controllerCount: 3,
        // Compute Engine has no predefined 4 vCPU / 8 GB type on a general-purpose series: n2-standard-4 (16 GB) and
        // n2-standard-2 (8 GB) are the smallest that meet it; Cloud SQL custom tiers match the intent exactly.
        controller: { vcpu: 4, memoryGb: 8, awsInstanceType: "c7i.xlarge", gcpMachineType: "n2-standard-4", rootVolumeGb: 100 },
        relay: { vcpu: 2, memoryGb: 4, awsInstanceType: "c7i.large", gcpMachineType: "n2-standard-2", rootVolumeGb: 40 },
        // RDS has no 4 vCPU / 8 GB class: db.m7g.xlarge (4 vCPU / 16 GB) is the smallest that meets it.
        database: { vcpu: 4, memoryGb: 8, awsInstanceClass: "db.m7g.xlarge", gcpTier: "db-custom-4-8192", allocatedStorageGb: 100, multiAz: true },
    },
    large: {
        audience: "10,000+ peers; profile first, then scale relays out",
        controllerCount: 3,
        controller: { vcpu: 8, memoryGb: 16, awsInstanceType: "c7i.2xlarge", gcpMachineType: "n2-standard-8", rootVolumeGb: 200 },
        relay: { vcpu: 4, memoryGb: 8, awsInstanceType: "c7i.xlarge", gcpMachineType: "n2-standard-4", rootVolumeGb: 80 },
        database: { vcpu: 8, memoryGb: 32, awsInstanceClass: "db.m7g.2xlarge", gcpTier: "db-custom-8-32768", allocatedStorageGb: 500, multiAz: true },
    },
};

export const SIZE_PRESETS = Object.keys(PRESETS) as SizePreset[];

export function presetFor(size: SizePreset): Preset {
    return PRESETS[size];
}

/** The bastion only forwards SSH: the smallest burstable type of each cloud. */
export const BASTION_TYPE = { aws: "t3.micro", gcp: "e2-micro" } as const;

