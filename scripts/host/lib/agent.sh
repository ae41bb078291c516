#!/usr/bin/env bash
# The metrics agent's package: a vendor .deb outside any apt repository (the CloudWatch agent is published as
# <url> plus a detached GPG signature <url>.sig and a public key). Sourced by converge.sh. Requires common.sh and
# packages.sh. Reads OZ_AGENT_PACKAGE (empty: no agent), OZ_AGENT_VERSION, OZ_AGENT_DEB_URL (@ARCH@ becomes
# `dpkg --print-architecture`), OZ_AGENT_KEY_URL, OZ_AGENT_KEY_FINGERPRINT, OZ_AGENT_CACHE_DIR.
#
# The cache keeps the package, its signature and the key as downloaded; every use verifies them again (the key
# must carry the pinned fingerprint, the signature must be good and made by that key), so a file changed in the
# cache is never installed, and a verified cache makes the install step need no network.

oz_agent_enabled() {
    [ -n "${OZ_AGENT_PACKAGE:-}" ]
}

oz_agent_arch() {
    dpkg --print-architecture
}

# The cached package's path for this version and architecture.
oz_agent_deb() {
    printf '%s/%s_%s_%s.deb' "$(oz_path "$OZ_AGENT_CACHE_DIR")" "$OZ_AGENT_PACKAGE" "$OZ_AGENT_VERSION" "$(oz_agent_arch)"
}

# True when $1 (a .deb with $1.sig and $1.key next to it) is signed by the key with the pinned fingerprint.
oz_agent_verify() {
    local deb="$1" home status
    [ -s "$deb" ] && [ -s "$deb.sig" ] && [ -s "$deb.key" ] || return 1
    oz_require_command gpg "install gnupg"
    home="$(mktemp -d "$OZ_WORK_DIR/agent-gnupg.XXXXXXXX")"
    gpg --homedir "$home" --batch --quiet --import "$deb.key" >/dev/null 2>&1 || return 1
    # The key file may hold any key: only the pinned one counts.
    gpg --homedir "$home" --batch --with-colons --fingerprint 2>/dev/null | grep -q "^fpr:::::::::$OZ_AGENT_KEY_FINGERPRINT:" || return 1
    status="$(gpg --homedir "$home" --batch --status-fd 1 --verify "$deb.sig" "$deb" 2>/dev/null)" || return 1
    # VALIDSIG <signing key fpr> ... <primary key fpr>: either is the pinned key (a subkey signature names both).
    grep -Eq "^\[GNUPG:\] VALIDSIG .*\b$OZ_AGENT_KEY_FINGERPRINT\b" <<<"$status"
}

# Downloads $1 to $2 (bounded, retried), failing with what to check.
oz_agent_download() {
    curl -fsSL --retry 5 --retry-delay 3 --max-time 300 -o "$2" "$1" ||
        oz_fail "cannot download $1; check the host's outbound HTTPS access (the metrics agent's package comes from Amazon's S3 bucket)"
}

# Makes sure the cache holds the verified package of OZ_AGENT_VERSION; downloads only when it does not (a no-op
# run needs no network). Returns 0 when it downloaded, 1 when there was nothing to do.
oz_agent_fetch() {
    oz_agent_enabled || return 1
    [ "$OZ_OS_FAMILY" = debian ] || oz_fail "OZ_AGENT_PACKAGE: the metrics agent is installed from a .deb, not on $OZ_OS_FAMILY hosts; set metricsAgent to false"
    local deb url dir
    deb="$(oz_agent_deb)"
    oz_agent_verify "$deb" && return 1
    oz_require_command curl "install curl or let the base image provide it"
    url="${OZ_AGENT_DEB_URL//@ARCH@/$(oz_agent_arch)}"
    dir="$(mktemp -d "$OZ_WORK_DIR/agent.XXXXXXXX")"
    oz_agent_download "$url" "$dir/agent.deb"
    oz_agent_download "$url.sig" "$dir/agent.deb.sig"
    oz_agent_download "$OZ_AGENT_KEY_URL" "$dir/agent.deb.key"
    oz_agent_verify "$dir/agent.deb" ||
        oz_fail "$url: the signature does not verify against the key with fingerprint $OZ_AGENT_KEY_FINGERPRINT; not installing it"
    install -d -m 0755 "$(dirname "$deb")"
    # Package last: a cache with a package always has its signature and key.
    install -m 0644 "$dir/agent.deb.sig" "$deb.sig"
    install -m 0644 "$dir/agent.deb.key" "$deb.key"
    install -m 0644 "$dir/agent.deb" "$deb"
    return 0
}

# The Version field of the cached package (what dpkg will report once it is installed).
oz_agent_deb_version() {
    dpkg-deb -f "$(oz_agent_deb)" Version
}

# Installs the cached package (verified again first). apt-get resolves its dependencies from what is installed (the
# real package needs only libc6), so no index refresh and no network; --no-download would refuse the local file.
oz_agent_install() {
    local deb
    deb="$(oz_agent_deb)"
    oz_agent_verify "$deb" || oz_fail "$deb: the cached package no longer verifies against the key with fingerprint $OZ_AGENT_KEY_FINGERPRINT; not installing it"
    oz_apt_get install --allow-downgrades --no-install-recommends "$deb" >/dev/null ||
        oz_fail "apt-get install $deb failed (the metrics agent $OZ_AGENT_PACKAGE $OZ_AGENT_VERSION)"
}

# True when the installed agent is the cached package's version.
oz_agent_current() {
    [ "$(oz_pkg_version "$OZ_AGENT_PACKAGE")" = "$(oz_agent_deb_version)" ]
}
