// One explicit aws.Provider per region the deployment touches: the primary region (network, controllers,
// database, load balancer, DNS) and every distinct relay region. Nothing relies on the ambient default provider,
// so an unset or different `aws:region` can never move resources.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { Settings } from "../config/types";
import { providerDefaultTags } from "./tags";

/** Regions in a stable order: the primary first, then relay regions in the order relays are configured. */
export function deploymentRegions(settings: Settings): string[] {
    const regions = [settings.region];
    for (const relay of settings.relays) {
        if (!regions.includes(relay.region)) {
            regions.push(relay.region);
        }
    }
    return regions;
}

/** Distinct relay regions in configuration order. */
export function relayRegions(settings: Settings): string[] {
    return [...new Set(settings.relays.map((r) => r.region))];
}

export class RegionalProviders {
    readonly primary: aws.Provider;
    private readonly byRegion = new Map<string, aws.Provider>();

    constructor(name: string, settings: Settings, parent: pulumi.Resource) {
        const defaultTags = { tags: providerDefaultTags(settings, pulumi.getStack()) };
        for (const region of deploymentRegions(settings)) {
            this.byRegion.set(region, new aws.Provider(`${name}-${region}`, { region, defaultTags }, { parent }));
        }
        this.primary = this.for(settings.region);
    }

    for(region: string): aws.Provider {
        const provider = this.byRegion.get(region);
        if (!provider) {
            throw new Error(`no aws.Provider for region "${region}"; it is not the primary or a relay region`);
        }
        return provider;
    }

    regions(): string[] {
        return [...this.byRegion.keys()];
    }
}
