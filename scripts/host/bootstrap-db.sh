#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Prepares the managed PostgreSQL for management, connected as the master user over TLS with server
# verification (sslmode=verify-full against the server CA):
# - creates the databases the cloud does not: openzro_activity, openzro_flow and (with Dex) dex;
# - creates the application role OZ_DB_APP_ROLE: LOGIN, no CREATEDB/CREATEROLE/superuser, owner of the
#   databases in OZ_DB_APP_DATABASES and of the tables the master user created in them (earlier versions ran
#   management as the master user). Management connects only as this role.
# Idempotent: a second run changes nothing (the password is set only when logging in with it fails).
#
# Usage: bootstrap-db.sh <payload-dir>
#   vars.env: OZ_DB_HOST, OZ_DB_PORT, OZ_DB_USER, OZ_DB_MAIN (database to connect to), OZ_DB_CREATE (names),
#             OZ_DB_APP_ROLE, OZ_DB_APP_DATABASES, OZ_DB_CA_FILE / OZ_DB_CA_URL (server CA, lib/dbca.sh),
#             OZ_DB_ATTEMPTS, OZ_DB_RETRY_SECONDS, OZ_DB_STATEMENT_TIMEOUT_SECONDS, OZ_OS_FAMILY
#   secrets/db-password, secrets/db-app-password: the passwords. They never appear on a command line: psql
#   reads them from a PGPASSFILE and from files through psql's \set (0600, in a private temp dir removed on exit).
set -euo pipefail

OZ_SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/common.sh
. "$OZ_SCRIPT_DIR/lib/common.sh"
# shellcheck source=lib/dbca.sh
. "$OZ_SCRIPT_DIR/lib/dbca.sh"

# The payload unpacks under umask 077; files this script and the tools it runs create (apt lists) must stay
# readable, so start from the usual 022. Files with secrets get their modes explicitly.
umask 022

payload_dir="${1:-}"
if [ -z "$payload_dir" ] || [ ! -f "$payload_dir/vars.env" ] || [ ! -f "$payload_dir/secrets/db-password" ] ||
    [ ! -f "$payload_dir/secrets/db-app-password" ]; then
    oz_fail "usage: bootstrap-db.sh <payload-dir> (needs vars.env, secrets/db-password and secrets/db-app-password in '${payload_dir}')"
fi
# shellcheck source=/dev/null
. "$payload_dir/vars.env"
export OZ_LOG_TAG="openzro-bootstrap-db"

# Names go into SQL as identifiers: allow only plain lowercase names.
for name in $OZ_DB_CREATE $OZ_DB_APP_DATABASES $OZ_DB_APP_ROLE; do
    [[ "$name" =~ ^[a-z_][a-z0-9_]{0,62}$ ]] || oz_fail "OZ_DB_CREATE/OZ_DB_APP_DATABASES/OZ_DB_APP_ROLE: not a plain name (got '$name'); use lowercase letters, digits, underscores"
done

if ! command -v psql >/dev/null 2>&1; then
    oz_log "installing a PostgreSQL client"
    case "$OZ_OS_FAMILY" in
        debian)
            DEBIAN_FRONTEND=noninteractive apt-get -y -q -o DPkg::Lock::Timeout=300 update </dev/null >/dev/null
            DEBIAN_FRONTEND=noninteractive apt-get -y -q -o DPkg::Lock::Timeout=300 install --no-install-recommends postgresql-client </dev/null >/dev/null
            ;;
        rhel) dnf -y -q install postgresql </dev/null >/dev/null ;;
        *) oz_fail "OZ_OS_FAMILY: unsupported value (got '$OZ_OS_FAMILY'); use debian or rhel" ;;
    esac
    command -v psql >/dev/null 2>&1 || oz_fail "psql still missing after installing the PostgreSQL client package"
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/openzro-db.XXXXXXXX")"
trap 'rm -rf -- "$work"' EXIT
chmod 0700 "$work"

oz_db_ca_download "$payload_dir"
ca_file="$payload_dir/$(oz_db_ca_content "$payload_dir")"

# .pgpass fields are colon-separated; a backslash or colon inside a password must be escaped.
pgpass_line() {
    local password
    password="$(cat "$2")"
    password="${password//\\/\\\\}"
    password="${password//:/\\:}"
    printf '%s:%s:*:%s:%s\n' "$OZ_DB_HOST" "$OZ_DB_PORT" "$1" "$password"
}
(
    umask 077
    pgpass_line "$OZ_DB_USER" "$payload_dir/secrets/db-password" >"$work/pgpass"
    pgpass_line "$OZ_DB_APP_ROLE" "$payload_dir/secrets/db-app-password" >>"$work/pgpass"
)

export PGPASSFILE="$work/pgpass" PGSSLMODE=verify-full PGSSLROOTCERT="$ca_file" PGCONNECT_TIMEOUT=10 PGAPPNAME=openzro-bootstrap
export PGHOST="$OZ_DB_HOST" PGPORT="$OZ_DB_PORT" PGUSER="$OZ_DB_USER" PGDATABASE="$OZ_DB_MAIN"
# No statement may wait forever (a CREATE DATABASE behind a lock, say): the run's limit would cut it anyway,
# without saying which statement hung.
export PGOPTIONS="-c statement_timeout=${OZ_DB_STATEMENT_TIMEOUT_SECONDS}s -c lock_timeout=${OZ_DB_STATEMENT_TIMEOUT_SECONDS}s"

psql_query() {
    psql -X -q -v ON_ERROR_STOP=1 -At "$@" 2>"$work/psql.err"
}
psql_error() {
    oz_redact <"$work/psql.err" | tr '\n' ' '
}

attempt=1
until psql_query -c 'SELECT 1' >/dev/null; do
    if [ "$attempt" -ge "$OZ_DB_ATTEMPTS" ]; then
        oz_fail "cannot connect to PostgreSQL at $OZ_DB_HOST:$OZ_DB_PORT as $OZ_DB_USER (sslmode=verify-full) after $attempt attempts: $(psql_error)"
    fi
    attempt=$((attempt + 1))
    sleep "$OZ_DB_RETRY_SECONDS"
done

changes=()

for db in $OZ_DB_CREATE; do
    exists="$(psql_query -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" ||
        oz_fail "querying pg_database on $OZ_DB_HOST:$OZ_DB_PORT failed: $(psql_error)"
    if [ "$exists" != 1 ]; then
        psql_query -c "CREATE DATABASE \"$db\"" >/dev/null ||
            oz_fail "CREATE DATABASE $db on $OZ_DB_HOST:$OZ_DB_PORT failed: $(psql_error)"
        changes+=("created database $db")
    fi
done

role="$OZ_DB_APP_ROLE"
# The password reaches the server only inside the SQL text (read from its file by psql's \set, never a command
# line); the server stores its SCRAM hash. Statement logging of DDL would record it: see docs/hosts.md.
set_password_sql() {
    # shellcheck disable=SC2016 # the backticks are psql's: it runs `cat <file>` and keeps the output in :pw
    printf '\\set pw `cat %s`\n' "$payload_dir/secrets/db-app-password"
    printf 'ALTER ROLE "%s" WITH LOGIN PASSWORD :'"'"'pw'"'"';\n' "$role"
}

exists="$(psql_query -c "SELECT 1 FROM pg_roles WHERE rolname = '$role'")" ||
    oz_fail "querying pg_roles failed: $(psql_error)"
if [ "$exists" != 1 ]; then
    psql_query -c "CREATE ROLE \"$role\" NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT" >/dev/null ||
        oz_fail "CREATE ROLE $role failed: $(psql_error)"
    changes+=("created role $role")
fi
# Least privilege, also for a role that existed before (someone may have widened it by hand). Only the
# attributes that are set are named: changing REPLICATION or BYPASSRLS needs a superuser, which an RDS master is not.
extra="$(psql_query -c "SELECT concat_ws(' ', CASE WHEN rolsuper THEN 'NOSUPERUSER' END, CASE WHEN rolcreatedb THEN 'NOCREATEDB' END, CASE WHEN rolcreaterole THEN 'NOCREATEROLE' END, CASE WHEN rolreplication THEN 'NOREPLICATION' END, CASE WHEN rolbypassrls THEN 'NOBYPASSRLS' END) FROM pg_roles WHERE rolname = '$role'")" ||
    oz_fail "reading the attributes of $role failed: $(psql_error)"
if [ -n "$extra" ]; then
    psql_query -c "ALTER ROLE \"$role\" $extra" >/dev/null ||
        oz_fail "removing extra privileges ($extra) from $role failed: $(psql_error)"
    changes+=("removed extra privileges from $role ($extra)")
fi
# Log in as the role itself: only when that fails is the password (re)set, so a second run changes nothing.
if ! PGUSER="$role" psql_query -c 'SELECT 1' >/dev/null; then
    set_password_sql | psql_query -f - >/dev/null || oz_fail "setting the password of $role failed: $(psql_error)"
    changes+=("set the password of $role")
fi

# The master user must be able to SET ROLE to the app role to hand it databases and tables. PostgreSQL 16 gives
# a role's creator ADMIN only (no SET), so grant SET explicitly; before 16 plain membership allows SET ROLE.
# A superuser passes the check without any membership.
pg16="$(psql_query -c "SELECT (current_setting('server_version_num')::int >= 160000)::int")" ||
    oz_fail "reading the server version failed: $(psql_error)"
if [ "$pg16" = 1 ]; then
    can_set="$(psql_query -c "SELECT pg_has_role(current_user, '$role', 'SET')::int")"
    grant="GRANT \"$role\" TO CURRENT_USER WITH INHERIT FALSE, SET TRUE"
else
    can_set="$(psql_query -c "SELECT pg_has_role(current_user, '$role', 'MEMBER')::int")"
    grant="GRANT \"$role\" TO CURRENT_USER"
fi
if [ "$can_set" != 1 ]; then
    psql_query -c "$grant" >/dev/null || oz_fail "GRANT $role TO $OZ_DB_USER failed: $(psql_error)"
    changes+=("let $OZ_DB_USER set role $role")
fi

# Ownership of management's databases, and of what the master user created in their public schema.
reassign_sql="DO \$oz\$ DECLARE r record; n int := 0; BEGIN
  FOR r IN SELECT c.oid::regclass AS obj, CASE WHEN c.relkind = 'S' THEN 'SEQUENCE' WHEN c.relkind IN ('v') THEN 'VIEW' WHEN c.relkind = 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END AS kind
    FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
    WHERE s.nspname = 'public' AND c.relkind IN ('r', 'p', 'S', 'v', 'm') AND c.relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i'))
  LOOP EXECUTE format('ALTER %s %s OWNER TO %I', r.kind, r.obj, '$role'); n := n + 1; END LOOP;
  RAISE NOTICE 'oz-reassigned:%', n; END \$oz\$"
for db in $OZ_DB_APP_DATABASES; do
    owner="$(psql_query -c "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = '$db'")" ||
        oz_fail "reading the owner of $db failed: $(psql_error)"
    [ -n "$owner" ] || oz_fail "database $db does not exist on $OZ_DB_HOST:$OZ_DB_PORT; it should have been created by the cloud or above"
    if [ "$owner" != "$role" ]; then
        psql_query -c "ALTER DATABASE \"$db\" OWNER TO \"$role\"" >/dev/null ||
            oz_fail "ALTER DATABASE $db OWNER TO $role failed: $(psql_error)"
        changes+=("gave database $db to $role")
    fi
    PGDATABASE="$db" psql -X -q -v ON_ERROR_STOP=1 -c "$reassign_sql" 2>"$work/psql.err" >/dev/null ||
        oz_fail "handing the tables of $db to $role failed: $(psql_error)"
    moved="$(sed -n 's/.*oz-reassigned:\([0-9]*\).*/\1/p' "$work/psql.err")"
    if [ "${moved:-0}" != 0 ]; then
        changes+=("gave $moved tables/sequences/views of $db to $role")
    fi
done

if [ "${#changes[@]}" -eq 0 ]; then
    oz_log "databases $OZ_DB_CREATE and role $role as required; no changes"
else
    oz_log "$(IFS=';'; printf '%s' "${changes[*]}" | sed 's/;/; /g')"
fi
