// Size presets: the guide's sizing tiers, and AWS classes that really provide them.
import { PRESETS, SIZE_PRESETS, presetFor } from "../../components/config/presets";
import { isEc2InstanceType, isGravitonInstanceType, isRdsInstanceClass } from "../../components/config/syntax";
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
