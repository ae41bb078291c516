#!/usr/bin/env bash
# Shared helpers for the host scripts: logging, failure, root-relative paths, secret redaction.
# Sourced, never executed. Every message goes to stdout/stderr of a remote command whose output Pulumi shows on
# failure, so nothing here may print a secret: journal lines pass through oz_redact first.

# Prefix for every path the scripts write or inspect. Empty on a real host; tests point it at a scratch root.
OZ_ROOT="${OZ_ROOT:-}"

oz_log() {
    printf '%s: %s\n' "${OZ_LOG_TAG:-openzro}" "$*"
}

oz_fail() {
    printf '%s: ERROR: %s\n' "${OZ_LOG_TAG:-openzro}" "$*" >&2
    exit 1
}

# Absolute host path -> path under OZ_ROOT.
oz_path() {
    printf '%s%s' "$OZ_ROOT" "$1"
}

oz_require_command() {
    command -v "$1" >/dev/null 2>&1 || oz_fail "required command '$1' not found on PATH; $2"
}

# Masks credentials in text read from stdin: key=value pairs whose key names a password, secret, token or
# private key, the password part of redis:// and nats:// URLs, and JSON "Secret"/"Password"/"Key" fields.
oz_redact() {
    sed -E \
        -e 's#(redis|rediss|nats|tls|postgres|postgresql)://([^:/@[:space:]]*):[^@[:space:]]*@#\1://\2:***@#g' \
        -e 's#([Pp][Aa][Ss][Ss][Ww][Oo][Rr][Dd]|[Ss][Ee][Cc][Rr][Ee][Tt]|[Tt][Oo][Kk][Ee][Nn]|PRIVATE_KEY|EncryptionKey|WgPrivateKey)(["]?[[:space:]]*[=:][[:space:]]*["]?)[^"[:space:]&,;]+#\1\2***#g'
}

# True when the word $1 is one of the remaining arguments.
oz_in_list() {
    local needle="$1" item
    shift
    for item in "$@"; do
        [ "$item" = "$needle" ] && return 0
    done
    return 1
}
