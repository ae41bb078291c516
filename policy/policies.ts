// Every policy of the openzro pack, as plain objects. Tests import this file (never index.ts, whose PolicyPack
// constructor starts a gRPC server).
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { databasePolicies } from "./database";
import { gcpPolicies } from "./gcp";
import { instancePolicies } from "./instances";
import { loadBalancerPolicies } from "./loadBalancer";
import { secretPolicies } from "./secrets";
import { securityGroupPolicies } from "./securityGroups";
import { taggingPolicies } from "./tagging";
import { topologyPolicies } from "./topology";

export type OpenzroPolicy = ResourceValidationPolicy | StackValidationPolicy;

export const policies: readonly OpenzroPolicy[] = [
    ...databasePolicies,
    ...instancePolicies,
    ...securityGroupPolicies,
    ...loadBalancerPolicies,
    ...topologyPolicies,
    ...taggingPolicies,
    ...secretPolicies,
    ...gcpPolicies,
];

export function isStackPolicy(p: OpenzroPolicy): p is StackValidationPolicy {
    return "validateStack" in p;
}
