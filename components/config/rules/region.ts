// GCP region names, with the mistakes people make when they come from AWS: an AWS region code, or a zone.
import { ConfigError } from "../errors";
import { gcpZoneRegion, isAwsRegion, isGcpRegion, isGcpZone } from "../syntax";

export function checkGcpRegion(key: string, region: string, example: string): string {
    if (isGcpRegion(region)) {
        return region;
    }
    if (isGcpZone(region)) {
        throw new ConfigError(key, "is a GCP zone, not a region", region, `use the region "${gcpZoneRegion(region)}"`);
    }
    if (isAwsRegion(region)) {
        throw new ConfigError(key, "is an AWS region code but cloud is gcp", region, `use a GCP region such as ${example} (GCP writes them without the last hyphen, e.g. us-east1)`);
    }
    throw new ConfigError(key, "does not look like a GCP region", region, `use a region such as ${example}`);
}
