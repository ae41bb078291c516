// Size presets: the guide's sizing tiers, and AWS classes that really provide them.
import { PRESETS, SIZE_PRESETS, presetFor } from "../../components/config/presets";
import {
    isCloudSqlTier,
    isEc2InstanceType,
    isGcpArmMachineType,
    isGcpMachineType,
    isGravitonInstanceType,
    isRdsInstanceClass,
} from "../../components/config/syntax";
import type { SizePreset } from "../../components/config/types";

/** vCPU and memory (GiB) as AWS publishes them for each class the presets use. */
const AWS_SPECS: Record<string, { vcpu: number; memoryGb: number }> = {
    "t3.small": { vcpu: 2, memoryGb: 2 },
    "t3.medium": { vcpu: 2, memoryGb: 4 },
    "c7i.large": { vcpu: 2, memoryGb: 4 },
    "c7i.xlarge": { vcpu: 4, memoryGb: 8 },
    "c7i.2xlarge": { vcpu: 8, memoryGb: 16 },
    "db.t4g.medium": { vcpu: 2, memoryGb: 4 },
    "db.m7g.xlarge": { vcpu: 4, memoryGb: 16 },
    "db.m7g.2xlarge": { vcpu: 8, memoryGb: 32 },
};

/** vCPU and memory (GB) as Google publishes them for each machine type the presets use (e2 shared-core: 2 vCPUs). */
const GCP_SPECS: Record<string, { vcpu: number; memoryGb: number }> = {
    "e2-small": { vcpu: 2, memoryGb: 2 },
    "e2-medium": { vcpu: 2, memoryGb: 4 },
    "n2-standard-2": { vcpu: 2, memoryGb: 8 },
    "n2-standard-4": { vcpu: 4, memoryGb: 16 },
    "n2-standard-8": { vcpu: 8, memoryGb: 32 },
};

/** A Cloud SQL custom tier spells its size: db-custom-<vCPUs>-<memory MB>. */
function cloudSqlSize(tier: string): { vcpu: number; memoryGb: number } {
    const m = /^db-custom-(\d+)-(\d+)$/.exec(tier);
    if (!m) throw new Error(`not a custom tier: ${tier}`);
    return { vcpu: Number(m[1]), memoryGb: Number(m[2]) / 1024 };
}

describe("size presets", () => {
    it.each<[SizePreset, number, string, number, string, number, string, number, boolean]>([
        // size, controllers, controller type, GB, relay type, GB, db class, GB, multi-AZ
        ["small", 1, "t3.medium", 60, "t3.small", 20, "db.t4g.medium", 50, false],
        ["medium", 3, "c7i.xlarge", 100, "c7i.large", 40, "db.m7g.xlarge", 100, true],
        ["large", 3, "c7i.2xlarge", 200, "c7i.xlarge", 80, "db.m7g.2xlarge", 500, true],
    ])("%s", (size, count, controllerType, controllerGb, relayType, relayGb, dbClass, dbGb, multiAz) => {
        const p = presetFor(size);
        expect(p.controllerCount).toBe(count);
        expect([p.controller.awsInstanceType, p.controller.rootVolumeGb]).toEqual([controllerType, controllerGb]);
        expect([p.relay.awsInstanceType, p.relay.rootVolumeGb]).toEqual([relayType, relayGb]);
        expect([p.database.awsInstanceClass, p.database.allocatedStorageGb, p.database.multiAz]).toEqual([dbClass, dbGb, multiAz]);
    });

    it.each([
        // The guide's tiers (vCPU / GB) that a GCP footprint will map to its own machine types.
        ["small", [2, 4], [1, 2], [2, 4]],
        ["medium", [4, 8], [2, 4], [4, 8]],
        ["large", [8, 16], [4, 8], [8, 32]],
    ] as const)("%s keeps the sizing intent", (size, controller, relay, database) => {
        const p = PRESETS[size];
        expect([p.controller.vcpu, p.controller.memoryGb]).toEqual(controller);
        expect([p.relay.vcpu, p.relay.memoryGb]).toEqual(relay);
        expect([p.database.vcpu, p.database.memoryGb]).toEqual(database);
    });

    it.each(SIZE_PRESETS)("%s: every AWS class meets or exceeds its tier", (size) => {
        const p = PRESETS[size];
        for (const [tier, type] of [
            [p.controller, p.controller.awsInstanceType],
            [p.relay, p.relay.awsInstanceType],
            [p.database, p.database.awsInstanceClass],
        ] as const) {
            const spec = AWS_SPECS[type];
            expect(spec).toBeDefined();
            expect(spec.vcpu).toBeGreaterThanOrEqual(tier.vcpu);
            expect(spec.memoryGb).toBeGreaterThanOrEqual(tier.memoryGb);
        }
    });

    it.each(SIZE_PRESETS)("%s: controllers are x86_64 EC2 types, the database an RDS class", (size) => {
        const p = PRESETS[size];
        expect(isEc2InstanceType(p.controller.awsInstanceType)).toBe(true);
        expect(isGravitonInstanceType(p.controller.awsInstanceType)).toBe(false);
        expect(isEc2InstanceType(p.relay.awsInstanceType)).toBe(true);
        expect(isRdsInstanceClass(p.database.awsInstanceClass)).toBe(true);
    });

    it.each<[SizePreset, string, string, string]>([
        ["small", "e2-medium", "e2-small", "db-custom-2-4096"],
        ["medium", "n2-standard-4", "n2-standard-2", "db-custom-4-8192"],
        ["large", "n2-standard-8", "n2-standard-4", "db-custom-8-32768"],
    ])("%s on GCP: %s controllers, %s relays, %s database", (size, controller, relay, tier) => {
        const p = PRESETS[size];
        expect([p.controller.gcpMachineType, p.relay.gcpMachineType, p.database.gcpTier]).toEqual([controller, relay, tier]);
    });

    it.each(SIZE_PRESETS)("%s: every GCP type meets or exceeds its tier, the database tier matches it exactly", (size) => {
        const p = PRESETS[size];
        for (const [tier, type] of [
            [p.controller, p.controller.gcpMachineType],
            [p.relay, p.relay.gcpMachineType],
        ] as const) {
            const spec = GCP_SPECS[type];
            expect(spec).toBeDefined();
            expect(spec.vcpu).toBeGreaterThanOrEqual(tier.vcpu);
            expect(spec.memoryGb).toBeGreaterThanOrEqual(tier.memoryGb);
        }
        expect(cloudSqlSize(p.database.gcpTier)).toEqual({ vcpu: p.database.vcpu, memoryGb: p.database.memoryGb });
    });

    it.each(SIZE_PRESETS)("%s: GCP controllers are x86_64 machine types, the database a Cloud SQL tier", (size) => {
        const p = PRESETS[size];
        expect(isGcpMachineType(p.controller.gcpMachineType)).toBe(true);
        expect(isGcpArmMachineType(p.controller.gcpMachineType)).toBe(false);
        expect(isGcpMachineType(p.relay.gcpMachineType)).toBe(true);
        expect(isCloudSqlTier(p.database.gcpTier)).toBe(true);
    });

    it("grows monotonically from small to large", () => {
        const [small, medium, large] = SIZE_PRESETS.map((s) => PRESETS[s]);
        for (const [a, b] of [
            [small, medium],
            [medium, large],
        ]) {
            expect(b.controller.vcpu).toBeGreaterThan(a.controller.vcpu);
            expect(b.relay.vcpu).toBeGreaterThan(a.relay.vcpu);
            expect(b.database.vcpu).toBeGreaterThan(a.database.vcpu);
            expect(b.controller.rootVolumeGb).toBeGreaterThan(a.controller.rootVolumeGb);
            expect(b.database.allocatedStorageGb).toBeGreaterThan(a.database.allocatedStorageGb);
        }
    });

    it("lists the presets in size order", () => {
        expect(SIZE_PRESETS).toEqual(["small", "medium", "large"]);
    });
});
