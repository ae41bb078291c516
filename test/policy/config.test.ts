// The per-stack --policy-pack-config files CI passes, and the pack's own metadata.
import * as fs from "fs";
import * as path from "path";
import { policyConfigFor, RELAXED_IN_STAGING } from "../../policy/enforcement";
import { policies } from "../../policy/policies";

const POLICY_DIR = path.resolve(__dirname, "../../policy");
const readConfig = (stack: string) => JSON.parse(fs.readFileSync(path.join(POLICY_DIR, "config", `${stack}.json`), "utf8"));

describe("policy pack configuration", () => {
    it.each(["production", "staging", "gcp-production", "gcp-staging"])("policy/config/%s.json is what policyConfigFor produces", (stack) => {
        expect(readConfig(stack)).toEqual(policyConfigFor(stack));
    });

    it("production enforces every policy", () => {
        const config = readConfig("production");
        expect(Object.keys(config).sort()).toEqual(policies.map((p) => p.name).sort());
        expect(Object.entries(config).filter(([, c]: [string, any]) => c.enforcementLevel !== "mandatory")).toEqual([]);
    });

    it("staging relaxes exactly the database safety policies, to advisory (never disabled)", () => {
        const config = readConfig("staging");
        const relaxed = Object.entries(config).filter(([, c]: [string, any]) => c.enforcementLevel !== "mandatory");
        expect(relaxed.map(([name]) => name).sort()).toEqual([...RELAXED_IN_STAGING].sort());
        expect(new Set(relaxed.map(([, c]: [string, any]) => c.enforcementLevel))).toEqual(new Set(["advisory"]));
        // Network exposure, encryption, TLS and secrets are never relaxed.
        for (const name of ["rds-not-publicly-accessible", "rds-storage-encrypted", "rds-force-ssl", "sg-no-public-ssh", "no-plaintext-secrets"]) {
            expect(config[name].enforcementLevel).toBe("mandatory");
        }
    });

    it("an unknown stack gets production's strictness", () => {
        expect(policyConfigFor("dev")).toEqual(policyConfigFor("production"));
    });

    it("policy names are unique, valid identifiers, and every policy explains itself", () => {
        const names = policies.map((p) => p.name);
        expect(new Set(names).size).toBe(names.length);
        for (const p of policies) {
            expect(p.name).toMatch(/^[a-z0-9][a-z0-9-]{2,60}$/);
            expect(p.description.length).toBeGreaterThan(30);
            expect(p.enforcementLevel).toBe("mandatory");
        }
    });

    it("the pack manifest is what the Pulumi CLI needs to load it", () => {
        const yaml = fs.readFileSync(path.join(POLICY_DIR, "PulumiPolicy.yaml"), "utf8");
        expect(yaml).toMatch(/^runtime: nodejs$/m);
        // PolicyPack reads its version from the pack directory's package.json and refuses to start without one.
        const pkg = JSON.parse(fs.readFileSync(path.join(POLICY_DIR, "package.json"), "utf8"));
        expect(pkg.version).toMatch(/^\d+\.\d+\.\d+$/);
        const root = JSON.parse(fs.readFileSync(path.join(POLICY_DIR, "..", "package.json"), "utf8"));
        for (const dep of ["@pulumi/policy", "@pulumi/pulumi"]) {
            expect(pkg.dependencies[dep]).toBe(root.dependencies[dep]);
        }
    });
});
