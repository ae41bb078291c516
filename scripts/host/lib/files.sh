#!/usr/bin/env bash
# Writing managed files: compare first, replace atomically, keep the old copy until the change is accepted.
# Sourced by converge.sh. Requires common.sh.

# Octal mode of a file without leading zeros ("640"), or empty when it does not exist.
oz_file_mode() {
    stat -c '%a' "$1" 2>/dev/null || true
}

# True when dest is missing or differs from src in content, mode, owner or group.
oz_file_differs() {
    local src="$1" dest="$2" mode="$3" owner="$4" group="$5"
    [ -f "$dest" ] || return 0
    cmp -s "$src" "$dest" || return 0
    [ "$((8#$(oz_file_mode "$dest")))" -eq "$((8#$mode))" ] || return 0
    [ "$(stat -c '%U:%G' "$dest")" = "$owner:$group" ] || return 0
    return 1
}

# Replaces dest with src atomically (temp file in the same directory, then rename), so a reader never sees a
# half-written file and a crash leaves either the old or the new version.
oz_install_file() {
    local src="$1" dest="$2" mode="$3" owner="$4" group="$5" dir tmp
    dir="$(dirname "$dest")"
    [ -d "$dir" ] || install -d -m 0755 "$dir"
    tmp="$(mktemp "$dir/.openzro-XXXXXXXX")"
    # chmod/chown before the content lands, so a secret is never readable with the temp file's default mode.
    chmod "$mode" "$tmp"
    chown "$owner:$group" "$tmp"
    cat "$src" >"$tmp"
    mv -f "$tmp" "$dest"
}

# Copies dest (if it exists) into the backup dir so a rejected change can be undone. Prints nothing.
oz_backup_file() {
    local dest="$1" backup_dir="$2" name
    name="$(printf '%s' "$dest" | sha256sum | cut -c1-16)"
    if [ -e "$dest" ]; then
        cp -p "$dest" "$backup_dir/$name"
    else
        : >"$backup_dir/$name.absent"
    fi
}

oz_restore_file() {
    local dest="$1" backup_dir="$2" name
    name="$(printf '%s' "$dest" | sha256sum | cut -c1-16)"
    if [ -e "$backup_dir/$name.absent" ]; then
        rm -f "$dest"
    elif [ -e "$backup_dir/$name" ]; then
        cp -p "$backup_dir/$name" "$dest"
    fi
}

# True for systemd unit files and drop-ins: a change needs `systemctl daemon-reload`.
oz_is_unit_file() {
    case "$1" in
        /etc/systemd/system/* | /lib/systemd/system/* | /usr/lib/systemd/system/*) return 0 ;;
        *) return 1 ;;
    esac
}

# Creates a directory with owner/group/mode when missing or different. Returns 0 when it changed something.
oz_ensure_dir() {
    local path="$1" owner="$2" group="$3" mode="$4" target changed=1
    target="$(oz_path "$path")"
    if [ ! -d "$target" ]; then
        install -d -m "$mode" -o "$owner" -g "$group" "$target"
        return 0
    fi
    if [ "$((8#$(oz_file_mode "$target")))" -ne "$((8#$mode))" ]; then
        chmod "$mode" "$target"
        changed=0
    fi
    if [ "$(stat -c '%U:%G' "$target")" != "$owner:$group" ]; then
        chown "$owner:$group" "$target"
        changed=0
    fi
    return "$changed"
}
