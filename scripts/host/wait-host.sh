#!/usr/bin/env bash
# Waits until a freshly booted host is ready for convergence: cloud-init finished (bounded) and sudo works
# without a password. Runs as the SSH user, fed on stdin: `bash -s -- <timeout-seconds>`.
set -euo pipefail

timeout_s="${1:-1200}"

if command -v cloud-init >/dev/null 2>&1; then
    rc=0
    timeout "$timeout_s" cloud-init status --wait >/dev/null 2>&1 || rc=$?
    case "$rc" in
        0) ;;
        # cloud-init >= 23.4 exits 2 when it finished with recoverable errors (deprecated keys and the like).
        2) echo "wait-host: cloud-init finished with recoverable errors; continuing" ;;
        124)
            echo "wait-host: ERROR: cloud-init still running after ${timeout_s}s; inspect /var/log/cloud-init-output.log on the host" >&2
            exit 1
            ;;
        *)
            echo "wait-host: ERROR: cloud-init failed (exit $rc): $(cloud-init status --long 2>&1 | tr '\n' ' ')" >&2
            exit 1
            ;;
    esac
fi

sudo -n true 2>/dev/null || {
    echo "wait-host: ERROR: user $(id -un) cannot run sudo without a password; the converge step needs it" >&2
    exit 1
}
echo "wait-host: $(hostname) ready"
