#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Creates the databases the cloud does not: openzro_activity, openzro_flow and (with Dex) dex, on the managed
# PostgreSQL, over TLS (sslmode=require). Idempotent: existing databases are left alone.
#
# Usage: bootstrap-db.sh <payload-dir>
#   vars.env: OZ_DB_HOST, OZ_DB_PORT, OZ_DB_USER, OZ_DB_MAIN (database to connect to), OZ_DB_CREATE (names),
#             OZ_DB_ATTEMPTS, OZ_DB_RETRY_SECONDS, OZ_OS_FAMILY
#   secrets/db-password: the password. It never appears on a command line: psql reads it from a PGPASSFILE
#   (0600, in a private temp dir removed on exit).
set -euo pipefail

OZ_SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/common.sh
. "$OZ_SCRIPT_DIR/lib/common.sh"

# The payload unpacks under umask 077; files this script and the tools it runs create (apt lists, the
# dashboard's rendered assets) must stay readable by the services, so start from the usual 022. Files with
# secrets get their modes explicitly.
umask 022

payload_dir="${1:-}"
if [ -z "$payload_dir" ] || [ ! -f "$payload_dir/vars.env" ] || [ ! -f "$payload_dir/secrets/db-password" ]; then
    oz_fail "usage: bootstrap-db.sh <payload-dir> (needs vars.env and secrets/db-password in '${payload_dir}')"
fi
# shellcheck source=/dev/null
. "$payload_dir/vars.env"
export OZ_LOG_TAG="openzro-bootstrap-db"

# Database names go into SQL as identifiers: allow only what DATABASE_NAMES uses.
for db in $OZ_DB_CREATE; do
    [[ "$db" =~ ^[a-z_][a-z0-9_]{0,62}$ ]] || oz_fail "OZ_DB_CREATE: not a plain database name (got '$db'); use lowercase letters, digits, underscores"
done

if ! command -v psql >/dev/null 2>&1; then
    oz_log "installing a PostgreSQL client"
    case "$OZ_OS_FAMILY" in
        debian)
            DEBIAN_FRONTEND=noninteractive apt-get -y -q -o DPkg::Lock::Timeout=600 update </dev/null >/dev/null
            DEBIAN_FRONTEND=noninteractive apt-get -y -q -o DPkg::Lock::Timeout=600 install --no-install-recommends postgresql-client </dev/null >/dev/null
            ;;
        rhel) dnf -y -q install postgresql </dev/null >/dev/null ;;
        *) oz_fail "OZ_OS_FAMILY: unsupported value (got '$OZ_OS_FAMILY'); use debian or rhel" ;;
    esac
    command -v psql >/dev/null 2>&1 || oz_fail "psql still missing after installing the PostgreSQL client package"
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/openzro-db.XXXXXXXX")"
trap 'rm -rf -- "$work"' EXIT
chmod 0700 "$work"

# .pgpass fields are colon-separated; a backslash or colon inside the password must be escaped.
password="$(cat "$payload_dir/secrets/db-password")"
password="${password//\\/\\\\}"
password="${password//:/\\:}"
(
    umask 077
    printf '%s:%s:*:%s:%s\n' "$OZ_DB_HOST" "$OZ_DB_PORT" "$OZ_DB_USER" "$password" >"$work/pgpass"
)
unset password

export PGPASSFILE="$work/pgpass" PGSSLMODE=require PGCONNECT_TIMEOUT=10 PGAPPNAME=openzro-bootstrap
export PGHOST="$OZ_DB_HOST" PGPORT="$OZ_DB_PORT" PGUSER="$OZ_DB_USER" PGDATABASE="$OZ_DB_MAIN"

psql_query() {
    psql -X -q -v ON_ERROR_STOP=1 -At "$@" 2>"$work/psql.err"
}

attempt=1
until psql_query -c 'SELECT 1' >/dev/null; do
    if [ "$attempt" -ge "$OZ_DB_ATTEMPTS" ]; then
        oz_fail "cannot connect to PostgreSQL at $OZ_DB_HOST:$OZ_DB_PORT as $OZ_DB_USER (sslmode=require) after $attempt attempts: $(oz_redact <"$work/psql.err" | tr '\n' ' ')"
    fi
    attempt=$((attempt + 1))
    sleep "$OZ_DB_RETRY_SECONDS"
done

created=()
for db in $OZ_DB_CREATE; do
    exists="$(psql_query -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" ||
        oz_fail "querying pg_database on $OZ_DB_HOST:$OZ_DB_PORT failed: $(oz_redact <"$work/psql.err" | tr '\n' ' ')"
    if [ "$exists" != 1 ]; then
        psql_query -c "CREATE DATABASE \"$db\"" >/dev/null ||
            oz_fail "CREATE DATABASE $db on $OZ_DB_HOST:$OZ_DB_PORT failed: $(oz_redact <"$work/psql.err" | tr '\n' ' ')"
        created+=("$db")
    fi
done

if [ "${#created[@]}" -eq 0 ]; then
    oz_log "databases present: $OZ_DB_CREATE; no changes"
else
    oz_log "created: ${created[*]}"
fi
