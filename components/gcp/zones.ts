// Zones of a region: the configured ones (gcpZones), or the region's zones that are UP, looked up. Zone letters
// differ per region (europe-west1 has b, c, d; us-central1 a, b, c, f), so they are never guessed.
import * as pulumi from "@pulumi/pulumi";
import * as gcp from "@pulumi/gcp";

export function regionZones(
    region: string,
    count: number,
    configured: readonly string[] | undefined,
    opts: { parent: pulumi.Resource; provider: gcp.Provider },
): pulumi.Output<string>[] {
    if (configured) {
        return configured.slice(0, count).map((z) => pulumi.output(z));
    }
    const names = gcp.compute.getZonesOutput({ region, status: "UP" }, opts).names;
    return Array.from({ length: count }, (_, i) =>
        names.apply((list) => {
            const sorted = [...list].sort();
            if (sorted.length === 0) {
                throw new Error(`gcp:region: no zone of ${region} is UP; check the region name or set gcpZones`);
            }
            // Fewer zones than asked (a relay region with one zone): wrap around.
            return sorted[i % sorted.length];
        }),
    );
}
