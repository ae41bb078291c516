#!/usr/bin/env bash
# Prints the path of a cached Debian bookworm root tarball for the converge tests, creating it on first use
# (debootstrap minbase + what a cloud image already has, ~1-2 min; needs root and the Debian mirror).
#
# The root is a stand-in for a freshly booted controller/relay image: the packages the converge script expects
# from the OS (curl, gnupg, ca-certificates) plus nginx from Debian (the real web server, run for real), python3
# (the stand-in openZro daemons are small Python programs), gettext-base (envsubst, used by the dashboard's
# render-env.sh), a PostgreSQL client, and coturn + openssl (a relay host's STUN server and TLS check). Its APT sources are emptied afterwards: inside the test the only
# repository is the local openZro one, so nothing reaches the network.
#
# Usage: debian-root.sh            -> prints the tarball path
# Cache: $OZ_IT_CACHE_DIR, else $XDG_CACHE_HOME/openzro-it, else /var/cache/openzro-it (root) or ~/.cache/openzro-it.
set -euo pipefail

SUITE=bookworm
MIRROR="${OZ_IT_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
INCLUDE=ca-certificates,curl,gnupg,nginx,python3,gettext-base,postgresql-client,procps,coturn,openssl

if [ -n "${OZ_IT_CACHE_DIR:-}" ]; then
    cache_dir="$OZ_IT_CACHE_DIR"
elif [ -n "${XDG_CACHE_HOME:-}" ]; then
    cache_dir="$XDG_CACHE_HOME/openzro-it"
elif [ "$(id -u)" -eq 0 ]; then
    cache_dir=/var/cache/openzro-it
else
    cache_dir="$HOME/.cache/openzro-it"
fi

# The key changes whenever what goes into the root changes, so a stale cache is never reused.
key="$(printf '%s|%s|%s|v1' "$SUITE" "$INCLUDE" "$(dpkg --print-architecture)" | sha256sum | cut -c1-12)"
tarball="$cache_dir/debian-$SUITE-minbase-$key.tar.gz"

if [ -s "$tarball" ]; then
    printf '%s\n' "$tarball"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "debian-root: building the root needs root (debootstrap); run the integration tests as root" >&2
    exit 1
fi
command -v debootstrap >/dev/null || { echo "debian-root: debootstrap missing; run test/integration/harness/install-deps.sh" >&2; exit 1; }

mkdir -p "$cache_dir"
# One builder at a time (two test runs may start together).
exec 9>"$cache_dir/.lock"
flock 9
if [ -s "$tarball" ]; then
    printf '%s\n' "$tarball"
    exit 0
fi

work="$(mktemp -d "$cache_dir/build.XXXXXXXX")"
cleanup() {
    # debootstrap may leave proc/sys mounted in the target on failure.
    for m in proc sys dev/pts dev; do
        if mountpoint -q "$work/root/$m" 2>/dev/null; then umount -l "$work/root/$m" || true; fi
    done
    rm -rf -- "$work"
}
trap cleanup EXIT

echo "debian-root: debootstrap $SUITE (minbase + $INCLUDE) from $MIRROR; cached for later runs in $cache_dir" >&2
if ! debootstrap --variant=minbase --include="$INCLUDE" "$SUITE" "$work/root" "$MIRROR" >"$work/debootstrap.log" 2>&1; then
    tail -n 30 "$work/debootstrap.log" >&2
    echo "debian-root: debootstrap failed (log above)" >&2
    exit 1
fi

# No network inside the tests: drop the mirror and its downloaded indexes and packages.
: >"$work/root/etc/apt/sources.list"
rm -rf "$work/root/etc/apt/sources.list.d/"* "$work/root/var/lib/apt/lists/"* "$work/root/var/cache/apt/archives/"*.deb
# debootstrap leaves the build host's name and resolver behind; a stand-in host sets its own.
: >"$work/root/etc/hostname"

tar -C "$work/root" --numeric-owner -czf "$work/root.tar.gz" .
mv "$work/root.tar.gz" "$tarball"
printf '%s\n' "$tarball"
