#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# The instance gate of one host: the cloud just created or changed its instance (a new instance type is a stop and
# start), and the next host's instance must not change before this one is back. Run by the host layer's
# instance chain (components/host/instanceGate.ts), fed as a payload on stdin.
#
# Usage: ready-host.sh <payload-dir> [boot|resume]
#   boot    a new instance: waits for cloud-init only (the converge commands install it afterwards).
#   resume  the instance was stopped and started: waits until every service answers locally, removes a drain
#           flag if one is left, and on a controller waits for the load balancer to count it healthy again.
set -euo pipefail

OZ_SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/common.sh
. "$OZ_SCRIPT_DIR/lib/common.sh"
# shellcheck source=lib/health.sh
. "$OZ_SCRIPT_DIR/lib/health.sh"

payload_dir="${1:-}"
mode="${2:-boot}"
if [ -z "$payload_dir" ] || [ ! -f "$payload_dir/vars.env" ]; then
    oz_fail "usage: ready-host.sh <payload-dir> [boot|resume] (no vars.env in '${payload_dir}')"
fi
case "$mode" in
    boot | resume) ;;
    *) oz_fail "mode: unknown value (got '$mode'); use boot or resume" ;;
esac
# shellcheck source=/dev/null
. "$payload_dir/vars.env"
export OZ_LOG_TAG="openzro-ready $OZ_HOST_NAME"

if command -v cloud-init >/dev/null 2>&1; then
    rc=0
    timeout "$OZ_CLOUD_INIT_SECONDS" cloud-init status --wait >/dev/null 2>&1 || rc=$?
    case "$rc" in
        0 | 2) ;;
        124) oz_fail "cloud-init still running after ${OZ_CLOUD_INIT_SECONDS}s; inspect /var/log/cloud-init-output.log" ;;
        *) oz_fail "cloud-init failed (exit $rc); inspect /var/log/cloud-init-output.log" ;;
    esac
fi

if [ "$mode" = boot ]; then
    oz_log "boot: instance up, cloud-init done"
    exit 0
fi

# Services start on boot by themselves; wait until each answers (the same checks converge.sh uses).
for entry in $OZ_HEALTH_CHECKS; do
    oz_wait_healthy "${entry%%=*}" "${entry#*=}" "$OZ_HEALTH_TIMEOUT_SECONDS"
done

flag="$(oz_path "$OZ_DRAIN_FILE")"
if [ -e "$flag" ]; then
    rm -f "$flag"
    oz_log "resume: removed the drain flag"
fi
if [ "$OZ_READY_WAIT_SECONDS" -gt 0 ]; then
    oz_log "resume: waiting ${OZ_READY_WAIT_SECONDS}s for the load balancer to count this host healthy again"
    sleep "$OZ_READY_WAIT_SECONDS"
fi
oz_log "resume: healthy"
