// Pulumi.yaml and the stack files agree with the code: same keys, same defaults, and both shipped stacks
// validate to the shapes they promise.
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { cidrsOverlap } from "../../components/config/cidr";
import { CONFIG_KEYS, DEFAULTS, type ConfigKey } from "../../components/config/keys";
import { validateSettings, type RawConfig } from "../../components/config/load";

const ROOT = path.resolve(__dirname, "..", "..");
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8");

interface ConfigType {
    type?: string;
    items?: { type: string };
    description?: string;
    default?: unknown;
    secret?: boolean;
}
interface ProjectFile {
    name: string;
    runtime: { name: string; options?: { typescript?: boolean } };
    description?: string;
    config: Record<string, ConfigType>;
}

const projectText = read("Pulumi.yaml");
const project = yaml.load(projectText) as ProjectFile;
const catalogue = Object.keys(CONFIG_KEYS) as ConfigKey[];
const staticKeys = catalogue.filter((k) => CONFIG_KEYS[k].rule === "static" && CONFIG_KEYS[k].kind !== "object");

/** How the Pulumi CLI hands a YAML value to the program: scalars as text, objects and lists as JSON text. */
function asCliValue(v: unknown): string {
    return typeof v === "object" && v !== null ? JSON.stringify(v) : String(v);
}

/** Pulumi's own check of a typed value (workspace.ValidateConfigValue): integers and booleans may be text. */
function pulumiAccepts(type: ConfigType, value: unknown): boolean {
    switch (type.type) {
        case "string":
            return typeof value === "string";
        case "integer":
            return Number.isInteger(value) || (typeof value === "string" && /^-?[0-9]+$/.test(value));
        case "boolean":
            return typeof value === "boolean" || value === "true" || value === "false";
        case "array":
            return Array.isArray(value) && value.every((item) => pulumiAccepts({ type: type.items?.type }, item));
        default:
            return false;
    }
}

/** What the program sees for a stack: Pulumi.yaml defaults for keys the stack does not set, then the stack's values. */
function effectiveConfig(stackFile: string): RawConfig {
    const stack = yaml.load(read(stackFile)) as { config: Record<string, unknown> };
    const raw: Record<string, unknown> = {};
    for (const [key, type] of Object.entries(project.config)) {
        if (type.default !== undefined) raw[key] = asCliValue(type.default);
    }
    for (const [key, value] of Object.entries(stack.config)) {
        raw[key.startsWith("openzro:") ? key.slice("openzro:".length) : key] = asCliValue(value);
    }
    return raw as RawConfig;
}

describe("Pulumi.yaml", () => {
    it("is the openzro TypeScript project", () => {
        expect(project.name).toBe("openzro");
        expect(project.runtime).toEqual({ name: "nodejs", options: { typescript: true } });
        expect(project.description).toMatch(/openZro/);
    });

    it("declares every scalar and list key the program reads, and nothing else", () => {
        const declared = Object.keys(project.config).sort();
        const expected = catalogue.filter((k) => CONFIG_KEYS[k].kind !== "object").sort();
        expect(declared).toEqual(expected);
    });

    it.each(catalogue.filter((k) => CONFIG_KEYS[k].kind === "object"))("documents the object key %s in its comment", (key) => {
        expect(projectText).toMatch(new RegExp(`^#\\s+${key}\\b`, "m"));
    });

    it.each(Object.keys(project.config))("%s has a description", (key) => {
        expect(project.config[key].description?.length ?? 0).toBeGreaterThan(10);
    });

    it.each(staticKeys)("%s: same default as the code", (key) => {
        const declared = project.config[key];
        const kind = CONFIG_KEYS[key].kind;
        expect(declared.type).toBe(kind === "stringList" ? "array" : kind);
        expect(declared.default).toEqual(DEFAULTS[key as keyof typeof DEFAULTS]);
        expect(pulumiAccepts(declared, declared.default)).toBe(true);
    });

    it.each(catalogue.filter((k) => CONFIG_KEYS[k].rule === "required" && CONFIG_KEYS[k].kind !== "object"))(
        "%s has no default, so the Pulumi CLI requires it on every stack",
        (key) => {
            expect(project.config[key]).not.toHaveProperty("default");
            expect(project.config[key].type).toBeDefined();
        },
    );

    // Object keys (stuns) are not declared in Pulumi.yaml at all (see the test above).
    it.each(catalogue.filter((k) => ["derived", "optional"].includes(CONFIG_KEYS[k].rule) && CONFIG_KEYS[k].kind !== "object"))(
        '%s defaults to "" (not set) so the CLI does not require it',
        (key) => {
            const declared = project.config[key];
            expect(declared.default).toBe("");
            // A typed entry's default must satisfy its type, or Pulumi rejects the project file.
            if (declared.type !== undefined) {
                expect(pulumiAccepts(declared, "")).toBe(true);
            }
        },
    );

    it.each(catalogue.filter((k) => CONFIG_KEYS[k].kind === "secret"))("%s is marked secret and untyped", (key) => {
        // Untyped: with a type, the CLI would reject the plain "" default as "must be encrypted".
        expect(project.config[key]).toEqual(expect.objectContaining({ secret: true, default: "" }));
        expect(project.config[key].type).toBeUndefined();
    });

    it("declares list keys with their item type", () => {
        expect(project.config.sshAllowedCidrs).toEqual(expect.objectContaining({ type: "array", items: { type: "string" } }));
    });

    it("defaults mean the same as unset keys", () => {
        const minimal = {
            domain: "openzro.example.com",
            dnsZone: "example.com",
            openzroVersion: "0.53.1-alpha.87",
            oidcIssuer: "https://idp.example.com",
            relays: '[{"name":"a","region":"us-east-1"}]',
            sshAllowedCidrs: '["203.0.113.0/24"]',
            "aws:region": "us-east-1",
        };
        const withDefaults: Record<string, unknown> = {};
        for (const [key, type] of Object.entries(project.config)) {
            if (type.default !== undefined) withDefaults[key] = asCliValue(type.default);
        }
        expect(validateSettings({ ...withDefaults, ...minimal } as RawConfig)).toEqual(validateSettings(minimal as RawConfig));
    });
});

describe("README.md configuration reference", () => {
    const rows = new Map<string, string[]>();
    for (const line of read("README.md").split("\n")) {
        const m = /^\| `([^`]+)` \|(.*)\|$/.exec(line);
        if (m) rows.set(m[1], m[2].split("|").map((cell) => cell.trim()));
    }

    it.each([...catalogue, "aws:region"])("has a row for %s", (key) => {
        expect(rows.has(key)).toBe(true);
    });

    it.each(staticKeys.concat(["tags"] as ConfigKey[]))("shows the code's default of %s", (key) => {
        const value = DEFAULTS[key as keyof typeof DEFAULTS];
        const shown = typeof value === "object" ? JSON.stringify(value) : String(value);
        expect(rows.get(key)?.[1]).toBe(`\`${shown}\``);
    });
});

describe.each(["Pulumi.production.yaml", "Pulumi.staging.yaml"])("%s", (file) => {
    const text = read(file);
    const stack = yaml.load(text) as { config: Record<string, unknown> };

    it("sets only known keys, in the openzro and aws namespaces", () => {
        for (const key of Object.keys(stack.config)) {
            if (key === "aws:region") continue;
            expect(key).toMatch(/^openzro:/);
            expect(catalogue).toContain(key.slice("openzro:".length));
        }
    });

    it("holds no secrets", () => {
        for (const key of catalogue.filter((k) => CONFIG_KEYS[k].kind === "secret")) {
            expect(stack.config).not.toHaveProperty(`openzro:${key}`);
        }
        expect(text).not.toMatch(/secure:|PRIVATE KEY|password/i);
    });

    it("marks the documentation SSH range for replacement", () => {
        expect(stack.config["openzro:sshAllowedCidrs"]).toEqual(["203.0.113.0/24"]);
        expect(text).toMatch(/203\.0\.113\.0\/24 is a documentation range.*replace/);
    });

    it("validates", () => {
        expect(() => validateSettings(effectiveConfig(file))).not.toThrow();
    });
});

describe("the shipped stacks", () => {
    const production = validateSettings(effectiveConfig("Pulumi.production.yaml"));
    const staging = validateSettings(effectiveConfig("Pulumi.staging.yaml"));

    it("production: 3 controllers over 3 zones, relays in three regions, production-safe defaults", () => {
        expect(production.region).toBe("us-east-1");
        expect([production.domain, production.dnsZone, production.size]).toEqual(["openzro.example.com", "example.com", "medium"]);
        // A release openZro has tagged (v0.53.1-alpha.86); there is no 0.53.1 release (D30).
        expect(production.openzroVersion).toBe("0.53.1-alpha.86");
        expect(production.controllers.count).toBe(3);
        expect(production.network.azCount).toBe(3);
        expect(production.cluster.coordinator).toBe("embedded");
        expect(production.relays.map((r) => [r.name, r.region])).toEqual([
            ["us-east", "us-east-1"],
            ["eu-west", "eu-west-1"],
            ["ap-south", "ap-south-1"],
        ]);
        expect(production.oidc.issuer).toBe("https://idp.example.com");
        expect(production.network.natGateways).toBe("perAz");
        expect(production.database.multiAz).toBe(true);
        expect(production.database.deletionProtection).toBe(true);
        expect(production.database.skipFinalSnapshot).toBe(false);
        expect(production.database.backupRetentionDays).toBeGreaterThanOrEqual(7);
        expect(production.protectResources).toBe(true);
        expect(production.promoteFromStack).toBe("organization/openzro/staging");
    });

    it("staging: the same HA shape on small machines, relaxed for teardown", () => {
        expect(staging.domain).toBe("staging.openzro.example.com");
        expect(staging.size).toBe("small");
        expect(staging.controllers).toEqual({ count: 3, instanceType: "t3.medium", rootVolumeGb: 60 });
        expect(staging.cluster.coordinator).toBe("embedded");
        expect(staging.relays.map((r) => [r.name, r.region])).toEqual([
            ["us-east", "us-east-1"],
            ["eu-west", "eu-west-1"],
        ]);
        expect(staging.network.natGateways).toBe("single");
        // The game day forces a database failover: staging keeps production's Multi-AZ database.
        expect(staging.gameDay.enabled).toBe(true);
        expect(production.gameDay.enabled).toBe(false);
        expect(staging.database.multiAz).toBe(true);
        expect(staging.database.deletionProtection).toBe(false);
        expect(staging.database.skipFinalSnapshot).toBe(true);
        expect(staging.protectResources).toBe(false);
        // One release ahead of production, as during a promotion: the newest tag, v0.53.1-alpha.87.
        expect(staging.openzroVersion).toBe("0.53.1-alpha.87");
    });

    it("use address space that never overlaps, so they can share an account or be peered", () => {
        const blocks = [production.network.vpcCidr, production.network.relayVpcCidr, staging.network.vpcCidr, staging.network.relayVpcCidr];
        for (let i = 0; i < blocks.length; i++) {
            for (let j = i + 1; j < blocks.length; j++) {
                expect(cidrsOverlap(blocks[i], blocks[j])).toBe(false);
            }
        }
    });
});

describe.each(["Pulumi.gcp-production.yaml", "Pulumi.gcp-staging.yaml"])("%s", (file) => {
    const text = read(file);
    const stack = yaml.load(text) as { config: Record<string, unknown> };

    it("sets only known keys, in the openzro and gcp namespaces, and no secret", () => {
        for (const key of Object.keys(stack.config)) {
            if (key === "gcp:project" || key === "gcp:region") continue;
            expect(key).toMatch(/^openzro:/);
            expect(catalogue).toContain(key.slice("openzro:".length));
        }
        expect(text).not.toMatch(/secure:|PRIVATE KEY|password/i);
        expect(text).toMatch(/203\.0\.113\.0\/24 is a documentation range.*replace/);
    });
});

describe("the shipped GCP stacks", () => {
    const production = validateSettings(effectiveConfig("Pulumi.gcp-production.yaml"));
    const staging = validateSettings(effectiveConfig("Pulumi.gcp-staging.yaml"));

    it("gcp-production has the AWS production shape on GCP: 3 controllers over 3 zones, REGIONAL database, relays in 3 regions", () => {
        const aws = validateSettings(effectiveConfig("Pulumi.production.yaml"));
        expect(production.cloud).toBe("gcp");
        expect(production.gcp).toMatchObject({ project: "acme-openzro-prod", zones: ["us-east1-b", "us-east1-c", "us-east1-d"], dnsManagedZone: "example-com" });
        expect(production.controllers.count).toBe(aws.controllers.count);
        expect(production.network.azCount).toBe(3);
        expect(production.database.multiAz).toBe(true);
        expect(production.relays.map((r) => r.name)).toEqual(aws.relays.map((r) => r.name));
        expect(new Set(production.relays.map((r) => r.region)).size).toBe(3);
        expect([production.size, production.openzroVersion, production.domain]).toEqual([aws.size, aws.openzroVersion, aws.domain]);
        expect(production.protectResources).toBe(true);
    });

    it("gcp-production promotes what gcp-staging proved, as production does with staging", () => {
        const aws = validateSettings(effectiveConfig("Pulumi.production.yaml"));
        expect(production.promoteFromStack).toBe("organization/openzro/gcp-staging");
        expect(production.allowUnpromotedDeploy).toBe(false);
        expect(aws.promoteFromStack!.replace(/staging$/, "gcp-staging")).toBe(production.promoteFromStack);
        // Staging leads by one real tag, exactly like the AWS pair.
        const awsStaging = validateSettings(effectiveConfig("Pulumi.staging.yaml"));
        expect([staging.openzroVersion, production.openzroVersion]).toEqual([awsStaging.openzroVersion, aws.openzroVersion]);
        expect(staging.openzroVersion).not.toBe(production.openzroVersion);
    });

    it("gcp-staging: the same HA shape on small machines in its own project, relaxed for teardown", () => {
        expect(staging.cloud).toBe("gcp");
        expect(staging.gcp?.project).not.toBe(production.gcp?.project);
        expect(staging.region).toBe(production.region);
        expect(staging.domain).toBe("staging.openzro.example.com");
        expect(staging.size).toBe("small");
        expect(staging.controllers.count).toBe(3);
        expect(staging.gcp?.zones).toHaveLength(3);
        expect(staging.cluster.coordinator).toBe("embedded");
        expect(staging.relays.map((r) => r.name)).toEqual(["us-east", "eu-west"]);
        // The GCP game day forces a Cloud SQL failover: staging keeps production's REGIONAL database.
        expect(staging.database.multiAz).toBe(true);
        expect(staging.database.deletionProtection).toBe(false);
        expect(staging.database.skipFinalSnapshot).toBe(true);
        expect(staging.protectResources).toBe(false);
        expect(staging.promoteFromStack).toBeUndefined();
    });

    it("use address space that overlaps no other shipped stack", () => {
        const aws = ["Pulumi.production.yaml", "Pulumi.staging.yaml"].map((f) => validateSettings(effectiveConfig(f)));
        const blocks = [
            ...[production, staging].flatMap((s) => [s.network.vpcCidr, s.network.relayVpcCidr, s.gcp!.privateServicesCidr]),
            ...aws.flatMap((s) => [s.network.vpcCidr, s.network.relayVpcCidr]),
        ];
        for (let i = 0; i < blocks.length; i++) {
            for (let j = i + 1; j < blocks.length; j++) {
                expect(`${blocks[i]} vs ${blocks[j]}: ${cidrsOverlap(blocks[i], blocks[j])}`).toBe(`${blocks[i]} vs ${blocks[j]}: false`);
            }
        }
    });
});
