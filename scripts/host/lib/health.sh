#!/usr/bin/env bash
# Local health checks with bounded waits. Sourced by converge.sh. Requires common.sh.
# A check is "<kind>:<target>": http:<url> (HTTP 200), http-drain:<url> (200, or 503 while the drain file
# exists), http-any:<url> (any HTTP answer: the server is up), tcp:<host>:<port> (a TCP connect succeeds),
# tls:<host>:<port>:<name> (a TLS handshake with SNI <name> whose certificate the system trust store and <name>
# verify), tls-issued:<host>:<port>:<name>:<cert path> (tls: once <cert path> exists, before that tcp: — a
# certificate issued on the first handshake must not be re-requested in a loop), stun:<host>:<port> (a STUN
# binding request is answered with a mapped address).

# TCP connect within 5 s.
oz_tcp_open() {
    # shellcheck disable=SC2016 # expanded by the inner bash, from its arguments
    timeout 5 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null
}

# TLS handshake to $1:$2 with SNI $3, certificate verified for $3 (chain against the default trust store,
# which SSL_CERT_FILE/SSL_CERT_DIR may point elsewhere). Prints the observed state.
oz_tls_handshake() {
    local host="$1" port="$2" name="$3" out
    if ! oz_tcp_open "$host" "$port"; then
        printf 'TCP %s:%s closed' "$host" "$port"
        return 1
    fi
    if out="$(timeout 10 openssl s_client -connect "$host:$port" -servername "$name" -verify_hostname "$name" \
        -verify_return_error -brief </dev/null 2>&1)"; then
        printf 'TLS %s:%s serves a valid certificate for %s' "$host" "$port" "$name"
        return 0
    fi
    printf 'TLS %s:%s has no valid certificate for %s: %s' "$host" "$port" "$name" \
        "$(printf '%s' "$out" | grep -iE 'verify|error|alert' | head -n 2 | tr '\n' ' ')"
    return 1
}

# One attempt; returns 0 when healthy. Prints the observed status to stdout for the failure message.
oz_probe() {
    local kind="${1%%:*}" target="${1#*:}" code host port name cert
    case "$kind" in
        http | http-drain | http-any)
            code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$target" 2>/dev/null || true)"
            code="${code:-000}"
            printf 'HTTP %s from %s' "$code" "$target"
            if [ "$kind" = http-any ]; then
                [ "$code" != 000 ]
            elif [ "$kind" = http-drain ] && [ -e "$(oz_path "$OZ_DRAIN_FILE")" ]; then
                [ "$code" = 503 ]
            else
                [ "$code" = 200 ]
            fi
            ;;
        tcp)
            host="${target%:*}"
            port="${target##*:}"
            if oz_tcp_open "$host" "$port"; then
                printf 'TCP %s:%s open' "$host" "$port"
                return 0
            fi
            printf 'TCP %s:%s closed' "$host" "$port"
            return 1
            ;;
        tls)
            IFS=: read -r host port name <<<"$target"
            oz_tls_handshake "$host" "$port" "$name"
            ;;
        tls-issued)
            IFS=: read -r host port name cert <<<"$target"
            if [ -s "$(oz_path "$cert")" ]; then
                oz_tls_handshake "$host" "$port" "$name"
                return
            fi
            if oz_tcp_open "$host" "$port"; then
                printf 'TCP %s:%s open; no certificate for %s yet (the first TLS handshake for it requests one)' "$host" "$port" "$name"
                return 0
            fi
            printf 'TCP %s:%s closed' "$host" "$port"
            return 1
            ;;
        stun)
            host="${target%:*}"
            port="${target##*:}"
            # turnutils_stunclient (coturn) retries forever when nothing answers: bound it.
            code="$(timeout 5 turnutils_stunclient -p "$port" "$host" 2>&1 | grep -m 1 -o 'reflexive addr: [^ ]*' || true)"
            if [ -n "$code" ]; then
                printf 'STUN %s:%s answers (%s)' "$host" "$port" "$code"
                return 0
            fi
            printf 'STUN %s:%s does not answer a binding request' "$host" "$port"
            return 1
            ;;
        *)
            printf 'unknown check kind %s' "$kind"
            return 1
            ;;
    esac
}

# The last journal lines of a unit, credentials masked.
oz_journal_tail() {
    if command -v journalctl >/dev/null 2>&1; then
        journalctl -u "$1" -n 40 --no-pager 2>&1 | oz_redact || true
    else
        echo "(journalctl not available on this host)"
    fi
}

# Waits until unit $1 passes check $2, for at most $3 seconds; on timeout fails with the unit's journal.
oz_wait_healthy() {
    local unit="$1" check="$2" timeout_s="$3" deadline status
    deadline=$((SECONDS + timeout_s))
    while true; do
        if status="$(oz_probe "$check")"; then
            oz_log "$unit healthy ($status)"
            return 0
        fi
        if [ "$SECONDS" -ge "$deadline" ]; then
            {
                printf '%s: ERROR: %s not healthy after %ss: %s. Last journal lines:\n' \
                    "${OZ_LOG_TAG:-openzro}" "$unit" "$timeout_s" "$status"
                oz_journal_tail "$unit"
            } >&2
            exit 1
        fi
        sleep 2
    done
}

# How many cluster members can be up right now: this host plus the peers whose route port answers.
oz_cluster_members_up() {
    local up=1 peer
    for peer in ${OZ_CLUSTER_PEERS:-}; do
        if oz_probe "tcp:$peer" >/dev/null; then
            up=$((up + 1))
        fi
    done
    printf '%s' "$up"
}

# True when a majority of the cluster can be up, so waiting for a quorum-bound service can finish without any
# host that converges later.
oz_quorum_reachable() {
    [ $(($(oz_cluster_members_up) * 2)) -gt "${OZ_CLUSTER_SIZE:-1}" ]
}

# True when every other member answers: the cluster already exists (a host is re-converged or replaced).
oz_cluster_complete() {
    [ "$(oz_cluster_members_up)" -ge "${OZ_CLUSTER_SIZE:-1}" ]
}
