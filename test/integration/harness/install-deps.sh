#!/usr/bin/env bash
# Debian packages the integration tests run for real (test/integration/**). Idempotent: installs only what is
# missing, never starts a distro instance of a service (the tests start their own processes on loopback
# addresses and stop them by PID), and needs root or passwordless sudo.
set -euo pipefail

# The services the rendered files are proven against, the shell linter, and what the Debian-root converge test
# needs (debootstrap for the root, apt-utils + gnupg + dpkg-deb for the signed local package repository, openssl
# for the PostgreSQL and relay test certificates, iproute2/util-linux for the isolated network namespace, coturn
# for the STUN server the relay hosts run, prometheus for promtool and a real scrape of the rendered scrape
# configuration: about 96 MB installed, the only way to prove the metrics agent's targets against a real scraper).
PACKAGES=(
    nginx nats-server redis-server postgresql shellcheck debootstrap
    apt-utils gnupg openssl iproute2 util-linux coturn prometheus
)

if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
else
    echo "install-deps: needs root or passwordless sudo to install: ${PACKAGES[*]}" >&2
    exit 1
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q '^install ok installed$'; then
        missing+=("$pkg")
    fi
done

if [ "${#missing[@]}" -eq 0 ]; then
    echo "install-deps: all present (${PACKAGES[*]})"
    exit 0
fi

# Package maintainer scripts start services through invoke-rc.d, which asks policy-rc.d first. A distro nginx on
# 0.0.0.0:80 (or redis on 6379) would collide with the tests' own processes, so forbid starts while installing
# unless the machine already has a policy (containers usually do).
POLICY=/usr/sbin/policy-rc.d
created_policy=false
if [ ! -e "$POLICY" ]; then
    printf '#!/bin/sh\nexit 101\n' | "${SUDO[@]}" tee "$POLICY" >/dev/null
    "${SUDO[@]}" chmod 0755 "$POLICY"
    created_policy=true
fi
cleanup() {
    if [ "$created_policy" = true ]; then
        "${SUDO[@]}" rm -f "$POLICY"
    fi
}
trap cleanup EXIT

echo "install-deps: installing ${missing[*]}"
"${SUDO[@]}" apt-get update -q
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
