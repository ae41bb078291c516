// The policy pack as the Pulumi CLI loads it: `pulumi preview --policy-pack policy --policy-pack-config
// policy/config/<stack>.json`. The policies themselves live in policies.ts (plain objects, tested directly).
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("openzro", {
    description: "Security and reliability invariants of an openZro deployment on AWS or GCP.",
    enforcementLevel: "mandatory",
    policies: [...policies],
});
