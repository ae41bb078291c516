#!/usr/bin/env bash
# Stand-in for the dashboard package's render-env.sh, written from its documented contract (spec §5): source
# ENV_FILE (default /etc/openzro-dashboard.env) under DASHBOARD_ROOT (default /usr/share/openzro-dashboard),
# require AUTH_AUTHORITY AUTH_CLIENT_ID AUTH_AUDIENCE AUTH_SUPPORTED_SCOPES USE_AUTH0 OPENZRO_MGMT_API_ENDPOINT
# (a trailing :443/:80 is stripped), render OidcTrustedDomains.js from its .tmpl, and envsubst every file that
# contains AUTH_SUPPORTED_SCOPES from a pristine .orig copy so it can be re-run.
set -euo pipefail
DASHBOARD_ROOT="${DASHBOARD_ROOT:-/usr/share/openzro-dashboard}"
ENV_FILE="${ENV_FILE:-/etc/openzro-dashboard.env}"
[ -f "$ENV_FILE" ] || { echo "render-env: $ENV_FILE not found" >&2; exit 1; }
set -a
# shellcheck disable=SC1090
. "$ENV_FILE"
set +a
missing=()
for v in AUTH_AUTHORITY AUTH_CLIENT_ID AUTH_AUDIENCE AUTH_SUPPORTED_SCOPES USE_AUTH0 OPENZRO_MGMT_API_ENDPOINT; do
    [ -n "${!v:-}" ] || missing+=("$v")
done
if [ "${#missing[@]}" -gt 0 ]; then
    echo "render-env: missing in $ENV_FILE: ${missing[*]}" >&2
    exit 1
fi
OPENZRO_MGMT_API_ENDPOINT="$(printf '%s' "$OPENZRO_MGMT_API_ENDPOINT" | sed -E 's/(:80|:443)$//')"
export OPENZRO_MGMT_API_ENDPOINT
export AUTH_CLIENT_SECRET="${AUTH_CLIENT_SECRET:-}" AUTH_REDIRECT_URI="${AUTH_REDIRECT_URI:-}"
export AUTH_SILENT_REDIRECT_URI="${AUTH_SILENT_REDIRECT_URI:-}" OPENZRO_MGMT_GRPC_API_ENDPOINT="${OPENZRO_MGMT_GRPC_API_ENDPOINT:-}"
# The stand-in pages carry $NAME placeholders; only these names are substituted.
# shellcheck disable=SC2016 # literal names for envsubst's SHELL-FORMAT
vars='$USE_AUTH0 $AUTH_AUDIENCE $AUTH_AUTHORITY $AUTH_CLIENT_ID $AUTH_CLIENT_SECRET $AUTH_SUPPORTED_SCOPES'
vars="$vars \$OPENZRO_MGMT_API_ENDPOINT \$OPENZRO_MGMT_GRPC_API_ENDPOINT \$AUTH_REDIRECT_URI \$AUTH_SILENT_REDIRECT_URI"
subst() { envsubst "$vars"; }
if [ -f "$DASHBOARD_ROOT/OidcTrustedDomains.js.tmpl" ]; then
    subst <"$DASHBOARD_ROOT/OidcTrustedDomains.js.tmpl" >"$DASHBOARD_ROOT/OidcTrustedDomains.js"
fi
self="$(readlink -f "$0")"
while IFS= read -r f; do
    # Never this script (it names the variables too) nor the pristine copies and templates.
    case "$f" in *.orig | *.tmpl | "$self") continue ;; esac
    [ -f "$f.orig" ] || cp -p "$f" "$f.orig"
    subst <"$f.orig" >"$f"
done < <(grep -rl 'AUTH_SUPPORTED_SCOPES' "$DASHBOARD_ROOT" 2>/dev/null || true)
echo "render-env: dashboard rendered with $ENV_FILE"
