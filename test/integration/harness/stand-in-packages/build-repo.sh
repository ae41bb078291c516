#!/usr/bin/env bash
# Builds the stand-in openZro packages (real package names, file layout and unit names, spec §5; stand-in
# binaries) for the given versions, and a local APT repository signed with a throwaway key:
#   <out>/pool/main/*.deb
#   <out>/dists/stable/{Release,Release.gpg,InRelease}, <out>/dists/stable/main/binary-<arch>/Packages{,.gz}
#   <out>/openzro-archive-key.asc   (the public key, what the converge script downloads)
# The layout answers `deb [signed-by=...] <repo-url> stable main`, exactly the line the converge script writes.
#
# Versions are given in openZro's release form, as tagged without the "v" (0.53.1-alpha.87), and the packages carry
# the version openZro's release pipeline publishes for that tag: goreleaser/nfpm parse it as SemVer and join the
# pre-release with "~" (Version: 0.53.1~alpha.87; a stable 0.54.0 stays 0.54.0), no Debian revision.
#
# With --cloudwatch-agent <version> it also publishes a stand-in CloudWatch agent the way Amazon does: no apt
# repository, one .deb per architecture and version with a detached signature next to it and the signing key
# under assets/ (a second throwaway key, as the vendor's is not openZro's), plus its fingerprint:
#   <out>/cloudwatch-agent/ubuntu/<arch>/<version>/amazon-cloudwatch-agent.deb{,.sig}
#   <out>/cloudwatch-agent/assets/amazon-cloudwatch-agent.gpg, <out>/cloudwatch-agent/fingerprint
#
# Usage: build-repo.sh <out-dir> [--cloudwatch-agent <version>] <release-version> [<release-version>...]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:?usage: build-repo.sh <out-dir> [--cloudwatch-agent <version>] <version>...}"
shift
cwagent_version=""
if [ "${1:-}" = --cloudwatch-agent ]; then
    cwagent_version="${2:?--cloudwatch-agent needs a version}"
    shift 2
fi
[ "$#" -gt 0 ] || { echo "build-repo: give at least one version" >&2; exit 1; }
for cmd in dpkg-deb apt-ftparchive gpg; do
    command -v "$cmd" >/dev/null || { echo "build-repo: $cmd missing; run test/integration/harness/install-deps.sh" >&2; exit 1; }
done
arch="$(dpkg --print-architecture)"

work="$(mktemp -d)"
trap 'rm -rf -- "$work"' EXIT
mkdir -p "$out/pool/main" "$out/dists/stable/main/binary-$arch"

control() { # package version description
    cat <<CONTROL
Package: $1
Version: $2
Architecture: $arch
Maintainer: openZro integration tests <tests@localhost>
Depends: python3
Description: STAND-IN $1 for the openZro Pulumi integration tests
 $3
CONTROL
}

build_daemon() { # package binary unit version
    local pkg="$1" bin="$2" unit="$3" version="$4" root="$work/$1-$4"
    install -d "$root/DEBIAN" "$root/usr/bin" "$root/lib/systemd/system"
    install -m 0755 "$here/openzro-standin.py" "$root/usr/bin/$bin"
    install -m 0644 "$here/units/$unit.service" "$root/lib/systemd/system/$unit.service"
    sed "s/@UNIT@/$unit/" "$here/maintainer/postinst" >"$root/DEBIAN/postinst"
    chmod 0755 "$root/DEBIAN/postinst"
    if [ "$pkg" = openzro-management ]; then
        install -d "$root/etc/openzro"
        printf '{\n  "DataStoreEncryptionKey": ""\n}\n' >"$root/etc/openzro/management.json.example"
        echo /etc/openzro/management.json.example >"$root/DEBIAN/conffiles"
    fi
    control "$pkg" "$version" "Stand-in $bin that checks its startup configuration and answers health probes." >"$root/DEBIAN/control"
    dpkg-deb --root-owner-group -Zgzip --build "$root" "$out/pool/main/${pkg}_${version}_$arch.deb" >/dev/null
}

build_dashboard() { # version
    local version="$1" root="$work/openzro-dashboard-$1"
    install -d "$root/DEBIAN" "$root/usr/share/openzro-dashboard" "$root/usr/share/doc/openzro-dashboard"
    install -m 0644 "$here/dashboard/index.html" "$here/dashboard/OidcTrustedDomains.js.tmpl" "$root/usr/share/openzro-dashboard/"
    install -m 0755 "$here/dashboard/render-env.sh" "$root/usr/share/openzro-dashboard/render-env.sh"
    printf 'AUTH_AUTHORITY=\n' >"$root/usr/share/doc/openzro-dashboard/openzro-dashboard.env.example"
    control openzro-dashboard "$version" "Stand-in static dashboard with render-env.sh." >"$root/DEBIAN/control"
    dpkg-deb --root-owner-group -Zgzip --build "$root" "$out/pool/main/openzro-dashboard_${version}_$arch.deb" >/dev/null
}

# nfpm's deb version for a release tag: MAJOR.MINOR.PATCH, then "~" and the SemVer pre-release when there is one.
deb_version() {
    local core="${1%%-*}"
    if [ "$core" = "$1" ]; then printf '%s' "$1"; else printf '%s~%s' "$core" "${1#*-}"; fi
}

for release in "$@"; do
    [[ "$release" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]] ||
        { echo "build-repo: $release is not a release version (e.g. 0.53.1-alpha.87)" >&2; exit 1; }
    version="$(deb_version "$release")"
    build_daemon openzro-management openzro-mgmt openzro-management "$version"
    build_daemon openzro-signal openzro-signal openzro-signal "$version"
    build_daemon openzro-relay openzro-relay openzro-relay "$version"
    build_dashboard "$version"
done

(
    cd "$out"
    apt-ftparchive packages pool/main >"dists/stable/main/binary-$arch/Packages"
    gzip -9nkf "dists/stable/main/binary-$arch/Packages"
    apt-ftparchive -o APT::FTPArchive::Release::Suite=stable -o APT::FTPArchive::Release::Codename=stable \
        -o APT::FTPArchive::Release::Components=main -o "APT::FTPArchive::Release::Architectures=$arch" \
        release dists/stable >"$work/Release"
    mv "$work/Release" dists/stable/Release
)

# A throwaway signing key, only ever in this temp GNUPGHOME.
export GNUPGHOME="$work/gnupg"
install -d -m 0700 "$GNUPGHOME"
gpg --batch --quiet --passphrase '' --quick-gen-key 'openZro integration tests <tests@localhost>' ed25519 sign 1d
gpg --batch --quiet --armor --export >"$out/openzro-archive-key.asc"
gpg --batch --quiet --yes --armor --detach-sign -o "$out/dists/stable/Release.gpg" "$out/dists/stable/Release"
gpg --batch --quiet --yes --clearsign -o "$out/dists/stable/InRelease" "$out/dists/stable/Release"

# The stand-in CloudWatch agent, signed with its own key (gpg --detach-sign, binary, like Amazon's .sig files).
build_cloudwatch_agent() { # version
    local version="$1" root="$work/cwagent" dir="$out/cloudwatch-agent/ubuntu/$arch/$1" cw="$here/cloudwatch-agent"
    install -d "$root/DEBIAN" "$root/opt/aws/amazon-cloudwatch-agent/bin" "$root/opt/aws/amazon-cloudwatch-agent/logs" \
        "$root/opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.d" "$root/etc/systemd/system" "$dir" "$out/cloudwatch-agent/assets"
    install -m 0755 "$cw/start-amazon-cloudwatch-agent" "$root/opt/aws/amazon-cloudwatch-agent/bin/start-amazon-cloudwatch-agent"
    install -m 0644 "$cw/amazon-cloudwatch-agent.service" "$root/etc/systemd/system/amazon-cloudwatch-agent.service"
    printf '# stand-in common-config.toml\n' >"$root/opt/aws/amazon-cloudwatch-agent/etc/common-config.toml"
    echo /opt/aws/amazon-cloudwatch-agent/etc/common-config.toml >"$root/DEBIAN/conffiles"
    install -m 0755 "$cw/preinst" "$root/DEBIAN/preinst"
    control amazon-cloudwatch-agent "$version" "Stand-in CloudWatch agent that checks its configuration and scrapes its Prometheus targets." >"$root/DEBIAN/control"
    dpkg-deb --root-owner-group -Zgzip --build "$root" "$dir/amazon-cloudwatch-agent.deb" >/dev/null
    export GNUPGHOME="$work/cwagent-gnupg"
    install -d -m 0700 "$GNUPGHOME"
    gpg --batch --quiet --passphrase '' --quick-gen-key 'CloudWatch agent stand-in <tests@localhost>' ed25519 sign 1d
    gpg --batch --quiet --armor --export >"$out/cloudwatch-agent/assets/amazon-cloudwatch-agent.gpg"
    gpg --batch --quiet --yes --detach-sign -o "$dir/amazon-cloudwatch-agent.deb.sig" "$dir/amazon-cloudwatch-agent.deb"
    gpg --batch --with-colons --fingerprint | awk -F: '$1 == "fpr" { print $10; exit }' >"$out/cloudwatch-agent/fingerprint"
    gpgconf --kill all 2>/dev/null || true
}
gpgconf --kill all 2>/dev/null || true
if [ -n "$cwagent_version" ]; then
    build_cloudwatch_agent "$cwagent_version"
fi
echo "build-repo: $(find "$out/pool" -name '*.deb' | wc -l) packages in $out${cwagent_version:+, CloudWatch agent $cwagent_version}"
