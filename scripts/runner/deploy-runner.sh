#!/usr/bin/env bash
# The CI deploy runner's service loop (components/aws/deployRunner.ts installs it through cloud-init, run by
# systemd as the unprivileged user `runner`). Each round: read the GitHub token from AWS Secrets Manager (with the
# instance role; the token is never written to disk or put on a command line), ask GitHub for a just-in-time,
# single-use runner configuration, and run exactly one job with it. Every job starts from a clean work directory.
#
# Environment (the unit's EnvironmentFile; nothing secret): OZ_RUNNER_REPOSITORY (owner/name),
# OZ_RUNNER_LABELS (comma list), OZ_RUNNER_SECRET_ARN, OZ_RUNNER_REGION, OZ_RUNNER_HOME (unpacked runner).
set -euo pipefail

log() { printf 'openzro-deploy-runner: %s\n' "$*"; }

: "${OZ_RUNNER_REPOSITORY:?}" "${OZ_RUNNER_LABELS:?}" "${OZ_RUNNER_SECRET_ARN:?}" "${OZ_RUNNER_REGION:?}" "${OZ_RUNNER_HOME:?}"

# GitHub's API with the token as a header read from stdin (curl -K -), so it never shows in `ps`.
github_post() {
    local path="$1" body="$2" token="$3"
    printf 'header = "Authorization: Bearer %s"\n' "$token" |
        curl -fsS --proto '=https' --connect-timeout 10 --max-time 30 -K - \
            -X POST -H 'Accept: application/vnd.github+json' -H 'X-GitHub-Api-Version: 2022-11-28' \
            --data "$body" "https://api.github.com/repos/$OZ_RUNNER_REPOSITORY/$path"
}

one_job() {
    local token labels body config
    token="$(timeout 60 aws secretsmanager get-secret-value --region "$OZ_RUNNER_REGION" --secret-id "$OZ_RUNNER_SECRET_ARN" \
        --query SecretString --output text)" || { log "cannot read the GitHub token from Secrets Manager"; return 1; }
    labels="$(printf '%s' "$OZ_RUNNER_LABELS" | jq -R 'split(",")')"
    body="$(jq -cn --arg name "$(hostname)-$(date +%s)" --argjson labels "$labels" \
        '{name: $name, runner_group_id: 1, labels: $labels, work_folder: "_work"}')"
    config="$(github_post actions/runners/generate-jitconfig "$body" "$token" | jq -r .encoded_jit_config)" ||
        { log "GitHub refused a runner registration for $OZ_RUNNER_REPOSITORY; check the token's Administration permission"; return 1; }
    unset token
    rm -rf -- "$OZ_RUNNER_HOME/_work"
    # The runner reads its configuration from this variable and clears it; it never appears in `ps`.
    ACTIONS_RUNNER_INPUT_JITCONFIG="$config" "$OZ_RUNNER_HOME/run.sh"
}

# Bounded back-off after a failure, so a revoked token does not hammer GitHub.
failures=0
while true; do
    if one_job; then
        failures=0
    else
        failures=$((failures + 1))
        sleep $((failures < 10 ? failures * 30 : 300))
    fi
done
