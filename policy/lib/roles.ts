// Which host an EC2 instance is. The footprint tags every resource with its component; the resource name
// (controller-1, relay-eu-west, bastion: components/config/naming.ts) is the fallback, so a policy still knows a
// controller from a relay when tags are missing (which the tagging policy reports on its own).
import type { StackResource } from "./types";
import { T } from "./types-aws";

export type HostRole = "controller" | "relay" | "bastion";

const ROLE_TAG_KEYS = ["openzro:role", "role", "component", "Component"];
const ROLE_PATTERNS: readonly [HostRole, RegExp][] = [
    ["controller", /(^|[^a-z])controllers?([^a-z]|$)/i],
    ["relay", /(^|[^a-z])relays?([^a-z]|$)/i],
    ["bastion", /(^|[^a-z])bastion([^a-z]|$)/i],
];

function roleIn(text: string): HostRole | undefined {
    return ROLE_PATTERNS.find(([, re]) => re.test(text))?.[0];
}

export function hostRole(r: { type: string; name: string; props: Record<string, any> }): HostRole | undefined {
    if (r.type !== T.ec2Instance) {
        return undefined;
    }
    const tags: Record<string, unknown> = r.props.tags ?? {};
    for (const key of ROLE_TAG_KEYS) {
        const v = tags[key];
        if (typeof v === "string") {
            const role = roleIn(v);
            if (role) {
                return role;
            }
        }
    }
    return roleIn(r.name);
}

export function hostsWithRole(resources: readonly StackResource[], role: HostRole): StackResource[] {
    return resources.filter((r) => hostRole(r) === role);
}
