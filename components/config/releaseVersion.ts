// openZro versions in the two forms that exist (ARCHITECTURE §3, audit F1, docs/spec-discrepancies.md D30):
//  - the release form, as openZro tags it without the "v": 0.53.1-alpha.87 (config, stack outputs, promotion);
//  - the published package form, what apt and dnf know: 0.53.1~alpha.87.
// openZro builds its deb/rpm packages with goreleaser/nfpm, which parses the tag as SemVer and joins the
// pre-release with "~" (deb control template; rpm formatVersion also turns "-" inside the pre-release into "_").
// "~" sorts before anything, even the end of the string, so 0.53.1~alpha.87 < 0.53.1 in dpkg and rpm alike.
// Config and outputs keep the release form; only the host layer uses the package form.
import type { OsFamily } from "./types";

export interface ReleaseVersion {
    /** MAJOR.MINOR.PATCH */
    readonly core: string;
    /** SemVer pre-release without the "-" (alpha.87), or undefined for a stable release. */
    readonly prerelease?: string;
}

const NUMBER = "(?:0|[1-9][0-9]*)";
// SemVer 2.0.0 pre-release identifiers: alphanumerics and "-", numeric ones without leading zeros (nfpm's SemVer
// parser refuses those and would then publish the raw tag, "-" and all).
const IDENTIFIER = "(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)";
const RELEASE = new RegExp(`^(${NUMBER}\\.${NUMBER}\\.${NUMBER})(?:-(${IDENTIFIER}(?:\\.${IDENTIFIER})*))?$`);

/** The parts of a release-form version (0.53.1, 0.53.1-alpha.87), or undefined when it is not one. */
export function parseReleaseVersion(version: string): ReleaseVersion | undefined {
    const m = RELEASE.exec(version);
    if (!m) return undefined;
    return m[2] === undefined ? { core: m[1] } : { core: m[1], prerelease: m[2] };
}

/** The version string openZro's repository publishes for this release on this OS family (nfpm's rules). */
export function packageVersionOf(release: ReleaseVersion, os: OsFamily): string {
    if (release.prerelease === undefined) return release.core;
    return os === "rhel" ? `${release.core}~${release.prerelease.replace(/-/g, "_")}` : `${release.core}~${release.prerelease}`;
}

/**
 * Why `version` is not a release-form version, as the problem and fix of a one-line error, or undefined when it is
 * one. Shared by config validation and by the host layer (a promoted version never passes config validation).
 */
export function releaseVersionProblem(version: string): { problem: string; fix: string } | undefined {
    if (parseReleaseVersion(version)) return undefined;
    if (/^v/i.test(version) && parseReleaseVersion(version.slice(1))) {
        return { problem: 'must not start with "v"', fix: `use "${version.slice(1)}"` };
    }
    const tilde = /^([^~]+)~(.+)$/.exec(version);
    const release = tilde ? `${tilde[1]}-${tilde[2].replace(/_/g, "-")}` : undefined;
    if (release && parseReleaseVersion(release)) {
        return {
            problem: "is the deb/rpm package form, not the release form",
            fix: `use the release tag without "v", "${release}" (the hosts install package version ${version} from it)`,
        };
    }
    return {
        problem: "is not a pinned release version",
        fix: "pin an exact openZro release as tagged, without the v: MAJOR.MINOR.PATCH with an optional pre-release (e.g. 0.53.1-alpha.87), so every host runs the same build",
    };
}
