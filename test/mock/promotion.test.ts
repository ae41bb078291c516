// Promotion: production deploys the openZro version staging exports, not the one in its own stack file.
// evaluateStack plays the engine: staging's outputs are what a StackReference to it returns.
import { changedInputs, planStack, unwrapSecrets } from "../support";
import type { PlanResult } from "../support";

const STAGING = "acme/openzro/staging";
/** Staging's release (config and outputs keep openZro's release form) and what the hosts install for it (D30). */
const PROVEN = "0.53.1-alpha.87";
const PROVEN_PACKAGE = "0.53.1~alpha.87";

/** The vars.env file inside a converge payload (a bash script carrying each file as a base64 here-document). */
function payloadVars(stdin: string): string {
    const m = /base64 -d >"\$d\/vars\.env" <<'([^']+)'\n([\s\S]*?)\n\1\n/.exec(stdin);
    return m ? Buffer.from(m[2].replace(/\n/g, ""), "base64").toString("utf8") : "";
}

/** What every host's converge command ships: the package version its payload installs. */
/** Host → every OZ_VERSION its prepare, install and converge payloads carry. */
function convergeVersions(plan: PlanResult): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const r of plan.resources.filter((x) => x.type === "command:remote:Command" && /-(prepare|install|converge)-/.test(x.name))) {
        const host = r.name.replace(/^.*?-(prepare|install|converge)-/, "");
        const stdin = String(unwrapSecrets<Record<string, unknown>>(r.inputs).stdin ?? "");
        out[host] = [...(out[host] ?? []), ...[...payloadVars(stdin).matchAll(/\bOZ_VERSION='?([0-9A-Za-z.+~:-]+)/g)].map((m) => m[1])];
    }
    return out;
}

describe("promotion from staging to production", () => {
    let own: PlanResult;
    let promoted: PlanResult;

    beforeAll(async () => {
        // Production without a promotion source: only with the explicit override.
        own = await planStack({ stack: "production", configOverrides: { "openzro:promoteFromStack": undefined, "openzro:allowUnpromotedDeploy": true } });
        promoted = await planStack({
            stack: "production",
            configOverrides: { "openzro:promoteFromStack": STAGING },
            stackOutputsOf: { [STAGING]: { openzroVersion: PROVEN } },
        });
    }, 180_000);

    it("the committed production stack promotes from staging, and its offline plan resolves staging through the mocks", async () => {
        const committed = await planStack({ stack: "production" });
        expect(committed.settings.promoteFromStack).toBe("organization/openzro/staging");
        expect(committed.resources.filter((r) => r.type === "pulumi:pulumi:StackReference").map((r) => r.name)).toEqual(["organization/openzro/staging"]);
        expect(committed.diagnostics.unmockedTypes).toEqual([]);
        // Staging's stack file pins the version its own plan proves.
        const staging = await planStack({ stack: "staging" });
        expect(unwrapSecrets(committed.outputs.openzroVersion)).toBe(staging.settings.openzroVersion);
    }, 180_000);

    it("refuses a protected (production) stack without promoteFromStack, in one line naming the key and the fix", async () => {
        await expect(planStack({ stack: "production", configOverrides: { "openzro:promoteFromStack": undefined } })).rejects.toThrow(
            /^promoteFromStack: is required on a protected \(production\) stack, .* \(got nothing\); set openzro:promoteFromStack to <organization>\/openzro\/staging .*allowUnpromotedDeploy true.*$/,
        );
    }, 180_000);

    it("the production file pins a different version, so the test can tell them apart", () => {
        expect(promoted.settings.openzroVersion).not.toBe(PROVEN);
        expect(promoted.settings.promoteFromStack).toBe(STAGING);
    });

    it("reads staging through a stack reference", () => {
        const refs = promoted.resources.filter((r) => r.type === "pulumi:pulumi:StackReference");
        expect(refs.map((r) => r.name)).toEqual([STAGING]);
        expect(own.resources.filter((r) => r.type === "pulumi:pulumi:StackReference")).toEqual([]);
    });

    it("exports staging's version as production's openzroVersion", () => {
        expect(unwrapSecrets(promoted.outputs.openzroVersion)).toBe(PROVEN);
        expect(unwrapSecrets(own.outputs.openzroVersion)).toBe(own.settings.openzroVersion);
    });

    it("every host installs staging's version in its published package form, none the file's", () => {
        expect(own.settings.openzroVersion).toBe("0.53.1-alpha.86");
        const versions = convergeVersions(promoted);
        const hosts = Object.keys(versions);
        // 3 controllers and 3 relays in Pulumi.production.yaml.
        expect(hosts.length).toBe(promoted.settings.controllers.count + promoted.settings.relays.length);
        for (const host of hosts) {
            expect([host, [...new Set(versions[host])]]).toEqual([host, [PROVEN_PACKAGE]]);
        }
        const before = convergeVersions(own);
        for (const host of Object.keys(before)) {
            expect([host, [...new Set(before[host])]]).toEqual([host, ["0.53.1~alpha.86"]]);
        }
    });

    it("a preview shows the download and the rolled step of every host changing, and the verifies, nothing else", () => {
        const commands = (plan: PlanResult) => plan.resources.filter((r) => r.type === "command:remote:Command");
        const after = new Map(commands(promoted).map((r) => [r.name, r]));
        const changed = commands(own).filter((r) => changedInputs(r, after.get(r.name)!).length > 0).map((r) => r.name);
        const hosts = Object.keys(convergeVersions(promoted));
        expect(changed.sort()).toEqual(
            [
                ...hosts.map((h) => `openzro-prepare-${h}`),
                ...hosts.map((h) => `openzro-converge-${h}`),
                ...commands(own).filter((r) => /-verify-/.test(r.name)).map((r) => r.name),
            ].sort(),
        );
    });
});
