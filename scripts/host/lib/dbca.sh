#!/usr/bin/env bash
# The managed PostgreSQL's server CA, for sslmode=verify-full. Sourced by converge.sh and bootstrap-db.sh.
# Requires common.sh. The footprint hands the CA over as a payload file for OZ_DB_CA_FILE, or as OZ_DB_CA_URL,
# which is downloaded here into the payload and added to its manifest, so the file machinery installs it (and
# restarts OZ_DB_CA_UNITS when it changed) like any other file.

# Downloads OZ_DB_CA_URL into <payload-dir> and appends its manifest line; nothing when no URL is set.
oz_db_ca_download() {
    local dir="$1" content="files/db-ca"
    [ -n "${OZ_DB_CA_URL:-}" ] || return 0
    oz_require_command curl "install curl or let the base image provide it"
    curl -fsS --proto '=https' --retry 5 --retry-delay 3 --connect-timeout 10 --max-time 60 \
        -o "$dir/$content" "$OZ_DB_CA_URL" ||
        oz_fail "cannot download the database server CA from $OZ_DB_CA_URL; the host needs outbound HTTPS (NAT) to it"
    oz_db_ca_check "$dir/$content" "$OZ_DB_CA_URL"
    printf '%s\t0644\troot\troot\t%s\t%s\n' "$OZ_DB_CA_FILE" "${OZ_DB_CA_UNITS:--}" "$content" >>"$dir/manifest.tsv"
}

# Fails unless file $1 holds PEM certificates and nothing else (no HTML error page, no key).
oz_db_ca_check() {
    local file="$1" source="$2"
    grep -q -- '-----BEGIN CERTIFICATE-----' "$file" ||
        oz_fail "the database server CA from $source holds no PEM certificate"
    if grep -v -E '^(-----(BEGIN|END) CERTIFICATE-----|[A-Za-z0-9+/=]*)\r?$' "$file" | grep -q .; then
        oz_fail "the database server CA from $source holds something besides PEM certificates"
    fi
}

# The payload-relative content file for OZ_DB_CA_FILE (after oz_db_ca_download), or fails.
oz_db_ca_content() {
    local dir="$1" content
    content="$(awk -F '\t' -v p="$OZ_DB_CA_FILE" '$1 == p { print $6; exit }' "$dir/manifest.tsv")"
    if [ -z "$content" ] || [ ! -s "$dir/$content" ]; then
        oz_fail "the payload has no database server CA for $OZ_DB_CA_FILE; the footprint must hand over database.serverCa"
    fi
    printf '%s' "$content"
}
