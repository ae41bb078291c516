// Labels: provider-wide defaults (every labelled resource) plus a per-resource component label, so the console and
// billing exports show which part of the deployment a resource belongs to. GCP labels are lower-case; config
// validation already refused tags that are not valid labels.
import { Settings } from "../config/types";
import type { ComponentTag } from "../aws/tags";

/** A stack name as a label value: lower-case, [a-z0-9_-], at most 63 characters. */
export function labelValue(text: string): string {
    return text.toLowerCase().replace(/[^a-z0-9_-]/g, "-").slice(0, 63);
}

/** defaultLabels of the gcp.Provider; settings.tags may add keys or override. */
export function providerDefaultLabels(settings: Settings, stack: string): Record<string, string> {
    return { project: "openzro", stack: labelValue(stack), "managed-by": "pulumi", ...settings.tags };
}

export function resourceLabels(component: ComponentTag): Record<string, string> {
    return { component };
}

/** Physical-name prefix of resources whose names the program sets (none needs to be globally unique). */
export function namePrefix(stack: string): string {
    return `openzro-${labelValue(stack)}`.replace(/_/g, "-");
}
