// openZro's release form (config, outputs, promotion) vs. the deb/rpm version its repository publishes (D30).
// The expected package forms come from nfpm's rules as read in its source (deb control template:
// Version + "~" + Prerelease; rpm formatVersion: the same with "-" in the pre-release turned into "_"), and the
// ordering is checked with the real dpkg, not with our own comparison.
import { execFileSync } from "child_process";
import { packageVersionOf, parseReleaseVersion } from "../../components/config/releaseVersion";
import type { OsFamily } from "../../components/config/types";
import { convergeVars, hostPackageVersion } from "../../components/host/converge";
import { awsTestSettings } from "../mock/awsFixtures";

const LB = { proxyCidrs: ["10.40.0.0/24"], healthCheckIntervalSeconds: 10, healthyThreshold: 2, unhealthyThreshold: 2, deregistrationDelaySeconds: 30 };

describe("release form → published package form", () => {
    it.each([
        // release tag (without v)  deb                 rpm (VERSION tag; RELEASE is nfpm's default "1")
        ["0.53.1-alpha.87", "0.53.1~alpha.87", "0.53.1~alpha.87"],
        ["0.53.1-alpha.1", "0.53.1~alpha.1", "0.53.1~alpha.1"],
        ["0.1.0-alpha.3", "0.1.0~alpha.3", "0.1.0~alpha.3"],
        ["1.0.0-rc-1", "1.0.0~rc-1", "1.0.0~rc_1"],
        ["0.54.0", "0.54.0", "0.54.0"],
    ])("%s installs as %s (deb) and %s (rpm)", (release, deb, rpm) => {
        const parsed = parseReleaseVersion(release);
        expect(parsed).toBeDefined();
        expect(packageVersionOf(parsed!, "debian")).toBe(deb);
        expect(packageVersionOf(parsed!, "rhel")).toBe(rpm);
        expect(hostPackageVersion(release, "debian")).toBe(deb);
        expect(hostPackageVersion(release, "rhel")).toBe(rpm);
    });

    it.each(["debian", "rhel"] as OsFamily[])("the converge variables on %s carry the package form to install and the release form for messages", (os) => {
        const settings = awsTestSettings({ hosts: { osFamily: os } });
        const vars = convergeVars(settings, { role: "controller", name: "controller-1", clusterPeers: [] }, "0.53.1-alpha.87", LB);
        expect([vars.OZ_VERSION, vars.OZ_RELEASE]).toEqual(["0.53.1~alpha.87", "0.53.1-alpha.87"]);
    });

    it.each([
        ["0.53.1~alpha.87", 'openzroVersion: is the deb/rpm package form, not the release form (got "0.53.1~alpha.87"); use the release tag without "v", "0.53.1-alpha.87"'],
        ["v0.53.1-alpha.87", 'openzroVersion: must not start with "v" (got "v0.53.1-alpha.87"); use "0.53.1-alpha.87"'],
        ["0.53.1 ; rm -rf /", 'openzroVersion: is not a pinned release version (got "0.53.1 ; rm -rf /")'],
        ["", 'openzroVersion: is not a pinned release version (got "")'],
        ["latest\n", 'openzroVersion: is not a pinned release version (got "latest\\n")'],
    ])("a promoted value that config validation never saw is refused in one line naming openzroVersion: %j", (bad, message) => {
        let error: Error | undefined;
        try {
            hostPackageVersion(bad, "debian");
        } catch (e) {
            error = e as Error;
        }
        expect(error?.message.startsWith(message)).toBe(true);
        expect(error?.message).toMatch(/with promoteFromStack, fix that stack's openzroVersion\)$/);
        expect(error?.message).not.toMatch(/\n/);
    });
});

describe("the published forms sort the way openZro releases do (real dpkg --compare-versions)", () => {
    const dpkgLess = (a: string, b: string): boolean => {
        try {
            execFileSync("dpkg", ["--compare-versions", a, "lt", b]);
            return true;
        } catch {
            return false;
        }
    };

    it.each([
        ["0.53.1-alpha.86", "0.53.1-alpha.87"],
        ["0.53.1-alpha.9", "0.53.1-alpha.10"],
        ["0.53.1-alpha.87", "0.53.1"],
        ["0.1.0-alpha.3", "0.53.1-alpha.1"],
        ["0.53.1", "0.53.2-alpha.1"],
    ])("%s < %s", (older, newer) => {
        const [a, b] = [hostPackageVersion(older, "debian"), hostPackageVersion(newer, "debian")];
        expect([a, b, dpkgLess(a, b), dpkgLess(b, a)]).toEqual([a, b, true, false]);
    });

    it("the release form itself would sort a pre-release after the stable release: why the translation matters", () => {
        expect(dpkgLess("0.53.1", "0.53.1-alpha.87")).toBe(true);
    });
});
