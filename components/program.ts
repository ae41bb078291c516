// The whole deployment: cloud footprint, then the cloud-agnostic host layer on top of its facts.
// index.ts and the offline plan (scripts/plan.ts) both call these two functions, so the plan evaluates
// exactly the program `pulumi up` runs.
import * as pulumi from "@pulumi/pulumi";
import { Settings } from "./config/types";
import { assertPromotionSource } from "./config/promotion";
import { AwsFootprint } from "./aws/footprint";
import type { GcpFootprint } from "./gcp/footprint";
import { FootprintFacts } from "./host/facts";
import { ClusterSecrets } from "./host/secrets";
import { HostLayer } from "./host/layer";
import { instanceGates } from "./host/instanceGate";

/** What the program needs from either cloud's footprint: the host layer's facts and the stack outputs. */
export interface Footprint {
    readonly facts: FootprintFacts;
    readonly outputs: object;
}

export interface Deployment {
    readonly settings: Settings;
    readonly footprint: Footprint;
    readonly secrets: ClusterSecrets;
    readonly hosts: HostLayer;
    /** The openZro version the hosts run: this stack's setting, or the one promoteFromStack proved. */
    readonly openzroVersion: pulumi.Output<string>;
}

export function deployOpenzro(settings: Settings): Deployment {
    // Before anything is registered: a protected stack without a version source must not half-deploy.
    assertPromotionSource(settings);
    const secrets = new ClusterSecrets("openzro", { protect: settings.protectResources });
    const footprint: Footprint =
        settings.cloud === "gcp"
            ? new (loadGcpFootprint())("openzro", { settings, instanceGate: instanceGates(settings, "openzro") })
            : new AwsFootprint("openzro", { settings, irreplaceableKeys: secrets, instanceGate: instanceGates(settings, "openzro") });
    const openzroVersion = resolveVersion(settings);
    const hosts = new HostLayer("openzro", {
        settings,
        facts: footprint.facts,
        secrets,
        openzroVersion,
    });
    return { settings, footprint, secrets, hosts, openzroVersion };
}

/**
 * Loaded only for GCP stacks: @pulumi/gcp's compute module alone takes seconds to load, which every AWS
 * `pulumi up`, preview and offline plan would otherwise pay.
 */
function loadGcpFootprint(): typeof GcpFootprint {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require("./gcp/footprint") as typeof import("./gcp/footprint")).GcpFootprint;
}

/** Production can run exactly the version staging proved: read it from staging's stack outputs. */
function resolveVersion(settings: Settings): pulumi.Output<string> {
    if (!settings.promoteFromStack) {
        return pulumi.output(settings.openzroVersion);
    }
    const source = new pulumi.StackReference(settings.promoteFromStack);
    return source.requireOutput("openzroVersion").apply((v) => String(v));
}

/** The stack outputs, secrets as secrets. */
export function stackOutputs(d: Deployment): Record<string, pulumi.Output<unknown>> {
    return {
        ...(d.footprint.outputs as Record<string, pulumi.Output<unknown>>),
        openzroVersion: d.openzroVersion,
    };
}
