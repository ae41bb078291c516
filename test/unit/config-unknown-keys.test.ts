// Unknown keys in the openzro namespace fail with one line naming the key and the closest known key, under the
// runtime config the CLI hands the program (PULUMI_CONFIG) and under the offline plan's mock runtime.
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, loadSettings, stackConfigKeys } from "../../components/config/load";
import { CONFIG_KEYS } from "../../components/config/keys";
import { checkKnownKeys, closestKey, editDistance } from "../../components/config/unknownKeys";
import { readStackConfig, applyOverrides } from "../../scripts/plan/stackConfig";
import { setRuntimeConfig } from "../../scripts/plan/runtime";
import * as path from "path";

const KNOWN = Object.keys(CONFIG_KEYS);
const ROOT = path.resolve(__dirname, "../..");

afterEach(() => pulumi.runtime.setAllConfig({}, []));

describe("closest known key", () => {
    it.each([
        ["controlerCount", "controllerCount"],
        ["ControllerCount", "controllerCount"],
        ["azcount", "azCount"],
        ["relay", "relays"],
        ["sshAllowedCidr", "sshAllowedCidrs"],
        ["dbMultiAZ", "dbMultiAz"],
        ["openzroVresion", "openzroVersion"],
        ["logLvel", "logLevel"],
        ["dbinstanceclas", "dbInstanceClass"],
        ["promoteFrom", "promoteFromStack"],
        ["oidcClientSecrets", "oidcClientSecret"],
    ])("%s → %s", (typo, expected) => {
        expect(KNOWN).toContain(expected);
        expect(closestKey(typo, KNOWN)).toBe(expected);
    });

    it("counts a swap of neighbours as one edit and ignores case", () => {
        expect(editDistance("azCuont", "azCount")).toBe(1);
        expect(editDistance("AZCOUNT", "azCount")).toBe(0);
        expect(editDistance("", "abc")).toBe(3);
    });
});

describe("checkKnownKeys", () => {
    it("accepts every key of the catalogue and keys of other namespaces", () => {
        const keys = [...KNOWN.map((k) => `openzro:${k}`), "aws:region", "aws:profile", "gcp:project", "pulumi:tags"];
        expect(() => checkKnownKeys(keys, "openzro")).not.toThrow();
    });

    it("names the unknown key and the closest known one, on one line, as a ConfigError", () => {
        let error: unknown;
        try {
            checkKnownKeys(["openzro:domain", "openzro:controlerCount"], "openzro");
        } catch (e) {
            error = e;
        }
        expect(error).toBeInstanceOf(ConfigError);
        const message = (error as Error).message;
        expect(message).toBe(
            "openzro:controlerCount: is not a key this program reads; did you mean controllerCount? " +
                "Rename it (`pulumi config rm openzro:controlerCount`, then set openzro:controllerCount) or remove it",
        );
        expect(message).not.toMatch(/\n/);
        expect((error as ConfigError).key).toBe("openzro:controlerCount");
    });

    it("reports the first unknown key in sorted order when there are several", () => {
        expect(() => checkKnownKeys(["openzro:zzz", "openzro:dbMultiAZ"], "openzro")).toThrow(/^openzro:dbMultiAZ: .*did you mean dbMultiAz\?/);
    });

    it("follows the catalogue: a key added to CONFIG_KEYS is known, one missing from it is not", () => {
        expect(() => checkKnownKeys(["openzro:newFeature"], "openzro", [...KNOWN, "newFeature"])).not.toThrow();
        expect(() => checkKnownKeys(["openzro:newFeature"], "openzro")).toThrow(/openzro:newFeature: is not a key/);
    });
});

describe("loadSettings with an unknown key", () => {
    const STACK = {
        "aws:region": "eu-west-1",
        "openzro:domain": "vpn.example.net",
        "openzro:dnsZone": "example.net",
        "openzro:openzroVersion": "0.53.1",
        "openzro:relays": '[{"name":"eu","region":"eu-west-1"}]',
        "openzro:sshAllowedCidrs": '["198.51.100.0/24"]',
    };

    it("fails before validation, without showing the value (it may be a secret)", () => {
        pulumi.runtime.setAllConfig({ ...STACK, "openzro:sshPrivatKey": "-----BEGIN OPENSSH PRIVATE KEY-----x" }, ["openzro:sshPrivatKey"]);
        expect(() => loadSettings()).toThrow(
            "openzro:sshPrivatKey: is not a key this program reads; did you mean sshPrivateKey?",
        );
        try {
            loadSettings();
        } catch (e) {
            expect((e as Error).message).not.toContain("BEGIN");
        }
    });

    it("reads the keys from the CLI's PULUMI_CONFIG map (legacy `:config:` keys included)", () => {
        // The language host puts the stack's config into the runtime store as PULUMI_CONFIG JSON text.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const state = require("@pulumi/pulumi/runtime/state") as { getStore(): { config: Record<string, string> } };
        state.getStore().config["PULUMI_CONFIG"] = JSON.stringify({ ...STACK, "openzro:config:azCuont": "2" });
        expect(stackConfigKeys()).toContain("openzro:azCuont");
        expect(() => loadSettings()).toThrow(/^openzro:azCuont: .*did you mean azCount\?/);
    });

    it("fails the offline plan's stack config the same way (Pulumi.yaml defaults stay known)", () => {
        const config = applyOverrides(readStackConfig(ROOT, "staging"), { relayInstanceTyp: "t3.small" });
        setRuntimeConfig(config.values, config.secretKeys);
        expect(() => loadSettings()).toThrow(/^openzro:relayInstanceTyp: .*did you mean relayInstanceType\?/);
        const clean = readStackConfig(ROOT, "staging");
        setRuntimeConfig(clean.values, clean.secretKeys);
        expect(() => loadSettings()).not.toThrow();
    });
});
