// Tags: provider-wide defaults (every resource of every explicit provider) plus per-resource Name and Component,
// so the console and cost reports show which part of the deployment a resource belongs to.
import { Settings } from "../config/types";

export type ComponentTag = "network" | "bastion" | "controllers" | "relays" | "database" | "dns" | "loadbalancer" | "monitoring" | "gameday" | "ci" | "secrets";

/** defaultTags of every aws.Provider this program creates; settings.tags may add keys or override. */
export function providerDefaultTags(settings: Settings, stack: string): Record<string, string> {
    return { Project: "openzro", Stack: stack, ManagedBy: "pulumi", ...settings.tags };
}

/** Human-readable Name: the stack is part of it so two stacks in one account stay distinguishable. */
export function nameTag(stack: string, stem: string): string {
    return `openzro-${stack}-${stem}`;
}

export function resourceTags(component: ComponentTag, stack: string, stem: string): Record<string, string> {
    return { Name: nameTag(stack, stem), Component: component };
}
