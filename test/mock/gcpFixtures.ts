// A complete, valid GCP Settings for footprint tests, written out by hand (not produced by the code under test),
// with per-test overrides of whole sections. Mirrors awsFixtures.ts.
import type { Settings } from "../../components/config/types";
import { awsTestSettings } from "./awsFixtures";

type Sections = { [K in keyof Settings]?: Settings[K] extends object ? Partial<Settings[K]> | Settings[K] : Settings[K] };

export function gcpTestSettings(overrides: Sections = {}): Settings {
    const base = awsTestSettings({
        cloud: "gcp",
        region: "europe-west1",
        controllers: { count: 3, instanceType: "n2-standard-4", rootVolumeGb: 100 },
        relays: [
            { name: "fra", region: "europe-west1", instanceType: "n2-standard-2" },
            { name: "use", region: "us-east1", instanceType: "t2a-standard-2" },
            { name: "use2", region: "us-east1", instanceType: "n2-standard-2" },
            { name: "bom", region: "asia-south1", instanceType: "e2-small" },
        ],
        bastion: { instanceType: "e2-micro" },
        ssh: { user: "ubuntu", allowedCidrs: ["198.51.100.0/24", "203.0.113.7/32", "2001:db8::/48"] },
        database: { instanceClass: "db-custom-4-8192" },
        // The GCP footprint has no metrics agent yet (config rejects one).
        metrics: { agent: false },
    });
    const withGcp: Settings = {
        ...base,
        // Replaced, not merged: AWS tag names are not valid GCP label keys.
        tags: { costcenter: "networking" },
        gcp: { project: "acme-openzro-test", dnsManagedZone: "example-com", privateServicesCidr: "10.100.0.0/16" },
    };
    const merged: Record<string, unknown> = { ...withGcp };
    for (const [key, value] of Object.entries(overrides)) {
        const current = (withGcp as unknown as Record<string, unknown>)[key];
        merged[key] =
            value && typeof value === "object" && !Array.isArray(value) && current && typeof current === "object" && !Array.isArray(current)
                ? { ...current, ...value }
                : value;
    }
    return merged as unknown as Settings;
}
