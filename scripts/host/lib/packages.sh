#!/usr/bin/env bash
# Package repository and package installs for apt (debian family) and dnf (rhel family).
# Sourced by converge.sh. Requires common.sh and files.sh. Reads OZ_OS_FAMILY, OZ_REPO_URL, OZ_KEY_URL, and OZ_VERSION
# (package form, 0.53.1~alpha.87) with OZ_RELEASE (openZro's release form, 0.53.1-alpha.87) for messages.

OZ_APT_KEY_ASC=/etc/apt/keyrings/openzro-archive-key.asc
OZ_APT_KEYRING=/etc/apt/keyrings/openzro-archive-keyring.gpg
OZ_APT_SOURCE=/etc/apt/sources.list.d/openzro.list
OZ_RPM_KEY=/etc/pki/rpm-gpg/RPM-GPG-KEY-openzro
OZ_RPM_REPO=/etc/yum.repos.d/openzro.repo

# Installed version of a package, or empty when it is not (fully) installed.
oz_pkg_version() {
    case "$OZ_OS_FAMILY" in
        debian)
            # Status-Abbrev is want/state/error: "ii " installed, "hi " installed and held.
            dpkg-query -W -f='${db:Status-Abbrev}|${Version}\n' "$1" 2>/dev/null |
                awk -F'|' '$1 ~ /^.i/ { print $2 }' || true
            ;;
        rhel)
            rpm -q --qf '%{VERSION}\n' "$1" 2>/dev/null | grep -v 'not installed' || true
            ;;
    esac
}

# True when the installed version is the wanted one, both in the published package form (0.53.1~alpha.87: the host
# layer translates openZro's release form, D30). rpm's %{VERSION} carries no release; a Debian revision (-1), which
# openZro's packages do not have, is ignored.
oz_pkg_is_version() {
    local installed
    installed="$(oz_pkg_version "$1")"
    [ "$installed" = "$2" ] || [ "${installed%-*}" = "$2" ]
}

# Writes a small repo file when it differs. Returns 0 when it changed.
oz_write_if_changed() {
    local dest content_file
    dest="$(oz_path "$1")"
    content_file="$OZ_WORK_DIR/repo-$(basename "$1")"
    printf '%s' "$2" >"$content_file"
    if oz_file_differs "$content_file" "$dest" 0644 root root; then
        oz_install_file "$content_file" "$dest" 0644 root root
        return 0
    fi
    return 1
}

# Fetches the signing key only when it is missing: a no-op converge must not need the network.
oz_fetch_key() {
    local dest
    dest="$(oz_path "$1")"
    [ -s "$dest" ] && return 1
    oz_require_command curl "install curl or let the base image provide it"
    install -d -m 0755 "$(dirname "$dest")"
    curl -fsSL --retry 5 --retry-delay 3 --max-time 60 -o "$OZ_WORK_DIR/key.asc" "$OZ_KEY_URL" ||
        oz_fail "cannot download the openZro signing key from $OZ_KEY_URL; check the host's outbound HTTPS access"
    oz_install_file "$OZ_WORK_DIR/key.asc" "$dest" 0644 root root
    return 0
}

# Adds the openZro package repository. Sets OZ_REPO_CHANGED=1 when anything was written.
oz_repo_converge() {
    OZ_REPO_CHANGED=0
    case "$OZ_OS_FAMILY" in
        debian)
            if oz_fetch_key "$OZ_APT_KEY_ASC"; then OZ_REPO_CHANGED=1; fi
            if [ "$OZ_REPO_CHANGED" = 1 ] || [ ! -s "$(oz_path "$OZ_APT_KEYRING")" ]; then
                oz_require_command gpg "install gnupg"
                gpg --batch --yes --dearmor -o "$OZ_WORK_DIR/keyring.gpg" "$(oz_path "$OZ_APT_KEY_ASC")"
                oz_install_file "$OZ_WORK_DIR/keyring.gpg" "$(oz_path "$OZ_APT_KEYRING")" 0644 root root
                OZ_REPO_CHANGED=1
            fi
            if oz_write_if_changed "$OZ_APT_SOURCE" \
                "deb [signed-by=$OZ_APT_KEYRING] $OZ_REPO_URL stable main
"; then
                OZ_REPO_CHANGED=1
            fi
            ;;
        rhel)
            if oz_fetch_key "$OZ_RPM_KEY"; then
                OZ_REPO_CHANGED=1
                rpm --import "$(oz_path "$OZ_RPM_KEY")"
            fi
            if oz_write_if_changed "$OZ_RPM_REPO" "[openzro]
name=openZro
baseurl=$OZ_REPO_URL
enabled=1
gpgcheck=1
repo_gpgcheck=1
gpgkey=file://$OZ_RPM_KEY
"; then
                OZ_REPO_CHANGED=1
            fi
            ;;
        *) oz_fail "OZ_OS_FAMILY: unsupported value (got '$OZ_OS_FAMILY'); use debian or rhel" ;;
    esac
}

oz_apt_get() {
    DEBIAN_FRONTEND=noninteractive apt-get -y -q \
        -o DPkg::Lock::Timeout=600 \
        -o Acquire::Retries=5 \
        -o Dpkg::Options::=--force-confdef \
        -o Dpkg::Options::=--force-confold \
        "$@" </dev/null
}

# Installs the given package specs (apt: name=version, dnf: name-version or name). First from what the prepare
# step downloaded, with no network (the serial step stays short and works while the repository is unreachable);
# otherwise refreshes the index once and downloads.
oz_pkg_install() {
    case "$OZ_OS_FAMILY" in
        debian)
            if oz_apt_get install --no-download --allow-change-held-packages --allow-downgrades --no-install-recommends "$@" >/dev/null 2>&1; then
                return 0
            fi
            if [ "${OZ_APT_UPDATED:-0}" != 1 ]; then
                oz_apt_get update >/dev/null || oz_fail "apt-get update failed; check the repositories in /etc/apt"
                OZ_APT_UPDATED=1
            fi
            # --allow-downgrades: going back to an earlier release (a rollback) is a pinned install like any other.
            oz_apt_get install --allow-change-held-packages --allow-downgrades --no-install-recommends "$@" >/dev/null ||
                oz_fail "apt-get install $* failed; is openZro ${OZ_RELEASE:-$OZ_VERSION} published in $OZ_REPO_URL as package version $OZ_VERSION? check with: apt-cache madison openzro-management"
            ;;
        rhel)
            dnf -y -q --cacheonly install "$@" </dev/null >/dev/null 2>&1 && return 0
            dnf -y -q install "$@" </dev/null >/dev/null ||
                oz_fail "dnf install $* failed; is openZro ${OZ_RELEASE:-$OZ_VERSION} published in $OZ_REPO_URL as package version $OZ_VERSION? check with: dnf --showduplicates list openzro-management"
            ;;
    esac
}

# Downloads the given package specs into the package cache without installing anything or touching a service
# (the prepare step): the later install then needs no download. Refreshes the index once.
oz_pkg_download() {
    case "$OZ_OS_FAMILY" in
        debian)
            if [ "${OZ_APT_UPDATED:-0}" != 1 ]; then
                oz_apt_get update >/dev/null || oz_fail "apt-get update failed; check the repositories in /etc/apt"
                OZ_APT_UPDATED=1
            fi
            oz_apt_get install --download-only --allow-change-held-packages --allow-downgrades --no-install-recommends "$@" >/dev/null ||
                oz_fail "apt-get download of $* failed; is version $OZ_VERSION published in $OZ_REPO_URL?"
            ;;
        rhel)
            # The versionlock of the installed packages would hide the new version from this download.
            dnf -y -q --disableplugin=versionlock install --downloadonly "$@" </dev/null >/dev/null ||
                oz_fail "dnf download of $* failed; is version $OZ_VERSION published in $OZ_REPO_URL?"
            ;;
    esac
}

# Keeps unattended upgrades away from the pinned packages: only `pulumi up` moves them.
oz_pkg_hold() {
    local pkg held
    case "$OZ_OS_FAMILY" in
        debian)
            # Read the list once: `apt-mark showhold | grep -q` under pipefail fails when grep exits early.
            held="$(apt-mark showhold 2>/dev/null || true)"
            for pkg in "$@"; do
                if ! grep -qx -- "$pkg" <<<"$held"; then
                    apt-mark hold "$pkg" >/dev/null
                fi
            done
            ;;
        rhel)
            if ! dnf versionlock list >/dev/null 2>&1; then
                dnf -y -q install 'dnf-command(versionlock)' </dev/null >/dev/null ||
                    oz_fail "cannot install the dnf versionlock plugin; install python3-dnf-plugin-versionlock"
            fi
            for pkg in "$@"; do
                dnf versionlock add "$pkg" >/dev/null
            done
            ;;
    esac
}

# Releases the hold of those packages that are held (apt-mark fails on packages it does not know yet).
oz_pkg_unhold() {
    local pkg current held=()
    case "$OZ_OS_FAMILY" in
        debian)
            current="$(apt-mark showhold 2>/dev/null || true)"
            for pkg in "$@"; do
                if grep -qx -- "$pkg" <<<"$current"; then held+=("$pkg"); fi
            done
            if [ "${#held[@]}" -gt 0 ]; then apt-mark unhold "${held[@]}" >/dev/null; fi
            ;;
        rhel) dnf versionlock delete "$@" >/dev/null 2>&1 || true ;; # a lock hides other versions from dnf
    esac
}

# The package spec that selects exactly version $2 of package $1.
oz_pkg_spec() {
    case "$OZ_OS_FAMILY" in
        debian) printf '%s=%s' "$1" "$2" ;;
        rhel) printf '%s-%s' "$1" "$2" ;;
    esac
}
