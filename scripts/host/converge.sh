#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Converges one openZro host to the payload in <payload-dir>: package repository, pinned packages, managed files,
# directories and services. Idempotent: a second run with the same payload writes nothing and restarts nothing.
#
# Usage: converge.sh <payload-dir> [prepare|create|update|verify]
#   prepare package repository and download of the packages this payload pins; installs nothing, writes no
#           managed file, touches no service. Runs on every host at once before the serial steps.
#   create  first install. Services that need a cluster quorum (management on JetStream) are started but not
#           waited for unless the rest of the cluster already runs: the quorum only exists once a majority of
#           controllers run them (the host layer's verify commands wait for them after the whole tier converged).
#   update  a change to a running host. A controller drains itself from the load balancer before anything
#           restarts, and rejoins only after every service answers locally.
#   verify  changes nothing; waits until every service on this host answers.
# The payload-dir layout is documented in docs/hosts.md ("Payload directory").
set -euo pipefail

OZ_SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/common.sh
. "$OZ_SCRIPT_DIR/lib/common.sh"
# shellcheck source=lib/files.sh
. "$OZ_SCRIPT_DIR/lib/files.sh"
# shellcheck source=lib/packages.sh
. "$OZ_SCRIPT_DIR/lib/packages.sh"
# shellcheck source=lib/health.sh
. "$OZ_SCRIPT_DIR/lib/health.sh"
# shellcheck source=lib/dbca.sh
. "$OZ_SCRIPT_DIR/lib/dbca.sh"
# shellcheck source=lib/agent.sh
. "$OZ_SCRIPT_DIR/lib/agent.sh"

# The payload unpacks under umask 077; files this script and the tools it runs create (apt lists, the
# dashboard's rendered assets) must stay readable by the services, so start from the usual 022. Files with
# secrets get their modes explicitly.
umask 022

payload_dir="${1:-}"
mode="${2:-create}"
if [ -z "$payload_dir" ] || [ ! -f "$payload_dir/vars.env" ]; then
    oz_fail "usage: converge.sh <payload-dir> [prepare|create|update|verify] (no vars.env in '${payload_dir}')"
fi
case "$mode" in
    prepare | create | update | verify) ;;
    *) oz_fail "mode: unknown value (got '$mode'); use prepare, create, update or verify" ;;
esac

# shellcheck source=/dev/null
. "$payload_dir/vars.env"
export OZ_LOG_TAG="openzro-converge $OZ_HOST_NAME"
oz_require_command systemctl "the scripts drive services through systemctl"

OZ_WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/openzro-converge.XXXXXXXX")"
trap 'rm -rf -- "$OZ_WORK_DIR"' EXIT
mkdir -p "$OZ_WORK_DIR/backup"

summary=()       # what this run changed, for the one-line summary
restart_units=() # units whose files or package changed
changed_files=() # manifest lines whose file differs

note() { summary+=("$*"); }

# One line: what this run changed.
log_summary() {
    if [ "${#summary[@]}" -eq 0 ]; then
        oz_log "$mode: no changes"
    else
        oz_log "$mode: $(IFS=';'; printf '%s' "${summary[*]}" | sed 's/;/; /g')"
    fi
}

# The checks of unit $1 in the "unit=check unit=check" list $2, one per line in list order (a unit may have
# several; prints nothing and fails when it has none).
check_of() {
    local entry found=1
    for entry in $2; do
        if [ "${entry%%=*}" = "$1" ]; then
            printf '%s\n' "${entry#*=}"
            found=0
        fi
    done
    return "$found"
}

# Waits for every check of unit $1 in list $2, in order.
wait_checks() {
    local unit="$1" checks="$2" timeout_s="$3" check
    while IFS= read -r check; do
        oz_wait_healthy "$unit" "$check" "$timeout_s"
    done <<<"$checks"
}

# ---- plan: what differs, decided before touching anything (a controller drains only if something restarts) ----

install_specs=()
changed_packages=()
agent_install=0
plan_packages() {
    local pkg
    for pkg in $OZ_PINNED_PACKAGES; do
        if ! oz_pkg_is_version "$pkg" "$OZ_VERSION"; then
            install_specs+=("$(oz_pkg_spec "$pkg" "$OZ_VERSION")")
            changed_packages+=("$pkg")
        fi
    done
    for pkg in $OZ_SYSTEM_PACKAGES; do
        if [ -z "$(oz_pkg_version "$pkg")" ]; then
            install_specs+=("$pkg")
            changed_packages+=("$pkg")
        fi
    done
    # The metrics agent: its verified package from the cache (oz_agent_fetch ran first). prepare has nothing to
    # download for it (the cache is its download).
    if [ "$mode" != prepare ] && oz_agent_enabled && ! oz_agent_current; then
        agent_install=1
        changed_packages+=("$OZ_AGENT_PACKAGE")
    fi
}

plan_files() {
    local path mode owner group units content
    while IFS=$'\t' read -r path mode owner group units content; do
        [ -n "$path" ] || continue
        if oz_file_differs "$payload_dir/$content" "$(oz_path "$path")" "$mode" "$owner" "$group"; then
            changed_files+=("$path"$'\t'"$mode"$'\t'"$owner"$'\t'"$group"$'\t'"$units"$'\t'"$content")
        fi
    done <"$payload_dir/manifest.tsv"
}

plan_restarts() {
    local line units unit pkg entry
    for line in "${changed_files[@]+"${changed_files[@]}"}"; do
        units="$(printf '%s' "$line" | cut -f5)"
        [ "$units" = "-" ] && continue
        for unit in ${units//,/ }; do
            oz_in_list "$unit" "${restart_units[@]+"${restart_units[@]}"}" || restart_units+=("$unit")
        done
    done
    for pkg in "${changed_packages[@]+"${changed_packages[@]}"}"; do
        for entry in $OZ_PACKAGE_UNITS; do
            if [ "${entry%%=*}" = "$pkg" ]; then
                unit="${entry#*=}"
                oz_in_list "$unit" "${restart_units[@]+"${restart_units[@]}"}" || restart_units+=("$unit")
            fi
        done
    done
    if [ -n "$OZ_NGINX_DEFAULT_SITE" ] && [ -e "$(oz_path "$OZ_NGINX_DEFAULT_SITE")" ]; then
        oz_in_list nginx "${restart_units[@]+"${restart_units[@]}"}" || restart_units+=(nginx)
    fi
}

# ---- drain: only controllers behind the load balancer, only on the update path ----

drain() {
    local flag
    flag="$(oz_path "$OZ_DRAIN_FILE")"
    if [ -e "$flag" ]; then
        oz_log "already drained (left by an earlier run that failed); not waiting again"
        return 0
    fi
    install -d -m 0755 "$(dirname "$flag")"
    # nginx (www-data) must be able to see the flag; the openzro user's home may be 0750.
    chmod o+x "$(dirname "$flag")"
    : >"$flag"
    oz_log "draining: load balancer health now fails; waiting ${OZ_DRAIN_WAIT_SECONDS}s for it to stop sending traffic"
    sleep "$OZ_DRAIN_WAIT_SECONDS"
    note "drained"
}

undrain() {
    local flag
    flag="$(oz_path "$OZ_DRAIN_FILE")"
    [ -e "$flag" ] || return 0
    rm -f "$flag"
    if [ "$OZ_ROLE" = controller ] && [ "$mode" = update ]; then
        oz_log "undrained: waiting ${OZ_READY_WAIT_SECONDS}s for the load balancer to mark this host healthy"
        sleep "$OZ_READY_WAIT_SECONDS"
    fi
    note "undrained"
}

# ---- apply ----

apply_packages() {
    oz_repo_converge
    [ "$OZ_REPO_CHANGED" = 1 ] && note "package repository configured"
    if [ "${#install_specs[@]}" -gt 0 ]; then
        # shellcheck disable=SC2086 # word lists by design
        oz_pkg_unhold $OZ_PINNED_PACKAGES
        oz_pkg_install "${install_specs[@]}"
        note "packages: ${install_specs[*]}"
    fi
    # shellcheck disable=SC2086
    oz_pkg_hold $OZ_PINNED_PACKAGES
    if [ "$agent_install" = 1 ]; then
        oz_agent_install
        note "packages: $OZ_AGENT_PACKAGE $OZ_AGENT_VERSION"
    fi
}

apply_directories() {
    local entry path owner group mode
    for entry in $OZ_DIRECTORIES; do
        IFS=: read -r path owner group mode <<<"$entry"
        if oz_ensure_dir "$path" "$owner" "$group" "$mode"; then
            note "directory $path"
        fi
    done
}

daemon_reload=0
dashboard_env_changed=0
apply_files() {
    local line path mode owner group units content
    for line in "${changed_files[@]+"${changed_files[@]}"}"; do
        IFS=$'\t' read -r path mode owner group units content <<<"$line"
        oz_backup_file "$(oz_path "$path")" "$OZ_WORK_DIR/backup"
        oz_install_file "$payload_dir/$content" "$(oz_path "$path")" "$mode" "$owner" "$group"
        oz_is_unit_file "$path" && daemon_reload=1
        [ "$path" = "$OZ_DASHBOARD_ENV_FILE" ] && dashboard_env_changed=1
    done
    [ "${#changed_files[@]}" -gt 0 ] && note "files changed: ${#changed_files[@]}"
    if [ -n "$OZ_NGINX_DEFAULT_SITE" ] && [ -e "$(oz_path "$OZ_NGINX_DEFAULT_SITE")" ]; then
        rm -f "$(oz_path "$OZ_NGINX_DEFAULT_SITE")"
        note "nginx default site removed"
    fi
    return 0
}

# Puts back every file this run replaced (used when nginx rejects the new configuration).
restore_files() {
    local line path
    for line in "${changed_files[@]+"${changed_files[@]}"}"; do
        path="$(printf '%s' "$line" | cut -f1)"
        oz_restore_file "$(oz_path "$path")" "$OZ_WORK_DIR/backup"
    done
}

check_nginx() {
    oz_in_list nginx "${restart_units[@]+"${restart_units[@]}"}" || return 0
    local out
    if ! out="$(nginx -t 2>&1)"; then
        restore_files
        oz_fail "nginx rejected the new configuration (previous files restored, nothing restarted): $(printf '%s' "$out" | oz_redact | tr '\n' ' ')"
    fi
}

# render-env.sh snapshots pristine files as *.orig on its first run and, on later runs, finds those snapshots
# instead of the files (they are what still holds the placeholders). Start it from pristine files every time:
# after a package change the package just laid them down, so stale snapshots go; otherwise restore them.
render_dashboard() {
    local package_changed="$1" root orig
    root="$(oz_path "$OZ_DASHBOARD_ROOT")"
    [ -f "$root/render-env.sh" ] || oz_fail "$OZ_DASHBOARD_ROOT/render-env.sh is missing; is $OZ_DASHBOARD_PACKAGE installed?"
    while IFS= read -r -d '' orig; do
        if [ "$package_changed" = 1 ]; then
            rm -f -- "$orig"
        else
            mv -f -- "$orig" "${orig%.orig}"
        fi
    done < <(find "$root" -type f -name '*.orig' -print0 | sort -z -r)
    # Run a copy from outside the dashboard tree: render-env.sh rewrites every file under DASHBOARD_ROOT that
    # holds its placeholders, and its own text holds them, so it could rewrite itself while bash reads it.
    local copy
    copy="$(mktemp)"
    cp -- "$root/render-env.sh" "$copy"
    if ! ENV_FILE="$(oz_path "$OZ_DASHBOARD_ENV_FILE")" DASHBOARD_ROOT="$root" bash "$copy" >/dev/null; then
        rm -f -- "$copy"
        oz_fail "the dashboard's render-env.sh failed; check $OZ_DASHBOARD_ENV_FILE"
    fi
    rm -f -- "$copy"
    note "dashboard rendered"
}

apply_services() {
    local unit enabled=() restarted=() started=()
    if [ "$daemon_reload" = 1 ]; then
        systemctl daemon-reload
        note "daemon-reload"
    fi
    for unit in $OZ_SERVICES; do
        if ! systemctl is-enabled --quiet "$unit" 2>/dev/null; then
            systemctl enable --quiet "$unit"
            enabled+=("$unit")
        fi
    done
    for unit in $OZ_SERVICES; do
        if oz_in_list "$unit" "${restart_units[@]+"${restart_units[@]}"}"; then
            if [ "$unit" = nginx ] && systemctl is-active --quiet nginx; then
                systemctl reload nginx # graceful: open connections finish on the old workers
            else
                systemctl restart "$unit"
            fi
            restarted+=("$unit")
        elif ! systemctl is-active --quiet "$unit"; then
            systemctl start "$unit"
            started+=("$unit")
        fi
    done
    [ "${#enabled[@]}" -gt 0 ] && note "enabled: ${enabled[*]}"
    [ "${#restarted[@]}" -gt 0 ] && note "restarted: ${restarted[*]}"
    [ "${#started[@]}" -gt 0 ] && note "started: ${started[*]}"
    return 0
}

# Waits for every service. A quorum-bound one (OZ_QUORUM_UNITS) is only checked for liveness while its quorum
# may need a host that converges later:
#   create: unless every other member already answers (first install: the next controllers are not there yet;
#           a re-converged or replaced host in a running cluster is gated);
#   update: unless a majority of the cluster answers (controllers being added in the same run).
# Either way no host ever waits for one after it in the chain. verify always waits for full health.
wait_services() {
    local unit check checks timeout_s="$1" why
    for unit in $OZ_SERVICES; do
        checks="$(check_of "$unit" "$OZ_HEALTH_CHECKS")" || continue
        # shellcheck disable=SC2086 # a word list by design
        if [ "$mode" != verify ] && oz_in_list "$unit" $OZ_QUORUM_UNITS; then
            why=""
            if [ "$mode" = create ] && ! oz_cluster_complete; then
                why="first install: its cluster quorum forms only once a majority of controllers run it"
            elif [ "$mode" = update ] && ! oz_quorum_reachable; then
                why="fewer than a majority of its cluster peers answer"
            fi
            if [ -n "$why" ]; then
                oz_log "$unit: not waiting for full health here ($why); the verify step waits for it after every controller converged"
                if check="$(check_of "$unit" "$OZ_LIVENESS_CHECKS")"; then
                    wait_checks "$unit" "$check" "$timeout_s"
                fi
                continue
            fi
        fi
        wait_checks "$unit" "$checks" "$timeout_s"
    done
}

# The agent's package: downloaded and verified into the cache (prepare), or found there (every other mode but verify).
fetch_agent() {
    if oz_agent_fetch; then note "downloaded and verified: $OZ_AGENT_PACKAGE $OZ_AGENT_VERSION"; fi
    return 0
}

if [ "$mode" = prepare ]; then
    fetch_agent
    plan_packages
    oz_repo_converge
    [ "$OZ_REPO_CHANGED" = 1 ] && note "package repository configured"
    if [ "${#install_specs[@]}" -gt 0 ]; then
        oz_pkg_download "${install_specs[@]}"
        note "downloaded: ${install_specs[*]}"
    fi
    log_summary
    exit 0
fi

if [ "$mode" = verify ]; then
    wait_services "$OZ_VERIFY_TIMEOUT_SECONDS"
    oz_log "verify: every service answers"
    exit 0
fi

# A CA handed over as a URL becomes one more payload file (changes restart management like any other file).
oz_db_ca_download "$payload_dir"
fetch_agent
plan_packages
plan_files
plan_restarts

# Whether the run touches what serves traffic. The metrics agent's package and files restart only the agent, so a
# change to them alone does not take the controller out of the load balancer.
serving_change() {
    local unit
    [ "${#install_specs[@]}" -gt 0 ] && return 0
    for unit in "${restart_units[@]+"${restart_units[@]}"}"; do
        [ "$unit" = "${OZ_AGENT_UNIT:-}" ] || return 0
    done
    return 1
}

if [ "$mode" = update ] && [ "$OZ_ROLE" = controller ] && serving_change; then
    drain
fi

apply_packages
apply_directories
apply_files
check_nginx
package_dashboard=0
oz_in_list "$OZ_DASHBOARD_PACKAGE" "${changed_packages[@]+"${changed_packages[@]}"}" && package_dashboard=1
if [ -n "$OZ_DASHBOARD_PACKAGE" ] && { [ "$dashboard_env_changed" = 1 ] || [ "$package_dashboard" = 1 ]; }; then
    render_dashboard "$package_dashboard"
fi
apply_services
wait_services "$OZ_HEALTH_TIMEOUT_SECONDS"
undrain
log_summary
