// Operator access: the bastion and SSH to it and to the relays.
import { formatCidr, isAligned, networkOf, parseCidr } from "../cidr";
import { ConfigError } from "../errors";
import { DEFAULTS } from "../keys";
import { RawReader, scalarText } from "../reader";
import { isPosixUserName, isSshPublicKey } from "../syntax";
import { BASTION_TYPE } from "../presets";
import type { Cloud, OsFamily, Settings } from "../types";
import { checkMachineType } from "./common";

const SET_CIDR = "`pulumi config set --path 'sshAllowedCidrs[0]' 203.0.113.0/24`";

export function readBastion(r: RawReader, cloud: Cloud): Settings["bastion"] {
    const fallback = BASTION_TYPE[cloud];
    return { instanceType: checkMachineType(cloud, "bastionInstanceType", r.text("bastionInstanceType", fallback), fallback) };
}

export function readSsh(r: RawReader, osFamily: OsFamily): Settings["ssh"] {
    const user = r.text("sshUser", DEFAULTS.sshUser);
    if (!isPosixUserName(user)) {
        throw new ConfigError("sshUser", "is not a valid login name", user, "use the image's default user, e.g. ubuntu (Ubuntu) or ec2-user (RHEL family)");
    }
    if (user === "root") {
        throw new ConfigError("sshUser", "cannot be root: cloud images refuse root logins", user, "use the image's default user, e.g. ubuntu or ec2-user");
    }
    if (osFamily === "rhel" && user === "ubuntu") {
        throw new ConfigError("sshUser", "is the Ubuntu image user but osFamily is rhel", user, "set sshUser to your image's user, e.g. ec2-user");
    }

    const publicKey = r.text("sshPublicKey");
    const privateKey = r.secret("sshPrivateKey");
    if (publicKey !== undefined && !isSshPublicKey(publicKey)) {
        throw new ConfigError("sshPublicKey", "is not an OpenSSH public key", publicKey, "paste the single line of your .pub file (ssh-ed25519, ssh-rsa or ecdsa-sha2-nistp*)");
    }
    if (publicKey !== undefined && privateKey === undefined) {
        throw new ConfigError(
            "sshPrivateKey",
            "is required when sshPublicKey is set",
            undefined,
            "set both (`pulumi config set --secret sshPrivateKey < key`) or neither to have a key pair generated",
        );
    }
    if (publicKey === undefined && privateKey !== undefined) {
        throw new ConfigError(
            "sshPublicKey",
            "is required when sshPrivateKey is set",
            undefined,
            "set both (`pulumi config set sshPublicKey \"$(cat key.pub)\"`) or neither to have a key pair generated",
        );
    }

    return {
        user,
        allowedCidrs: readAllowedCidrs(r),
        ...(publicKey !== undefined ? { publicKey } : {}),
        ...(privateKey !== undefined ? { privateKey } : {}),
    };
}

function readAllowedCidrs(r: RawReader): string[] {
    const raw = r.value("sshAllowedCidrs");
    // A JSON list (what Pulumi stores), or a comma-separated string typed by hand.
    const list = typeof raw === "string" && !raw.trim().startsWith("[") ? raw.split(",").map((s) => s.trim()) : r.structured("sshAllowedCidrs", SET_CIDR);
    if (list === undefined || (Array.isArray(list) && list.length === 0)) {
        throw new ConfigError("sshAllowedCidrs", "needs at least one network allowed to SSH to the bastion and relays", list, `add your admin network, e.g. ${SET_CIDR}`);
    }
    if (!Array.isArray(list)) {
        throw new ConfigError("sshAllowedCidrs", "must be a list of CIDR blocks", list, `set entries with ${SET_CIDR}`);
    }
    const seen = new Set<string>();
    return list.map((entry, i) => {
        const key = `sshAllowedCidrs[${i}]`;
        const text = scalarText(key, entry, "write one CIDR block per entry");
        const cidr = parseCidr(text);
        if (!cidr) {
            throw new ConfigError(key, "is not a CIDR block", text, "write an address block such as 203.0.113.0/24 or 2001:db8::/32 (a single address is /32)");
        }
        if (cidr.prefix === 0) {
            throw new ConfigError(key, "opens SSH to the whole internet", text, "list your admin networks or VPN egress addresses instead");
        }
        if (!isAligned(cidr)) {
            throw new ConfigError(key, "has host bits set", text, `use the network address ${formatCidr(networkOf(cidr))}`);
        }
        const canonical = formatCidr(cidr);
        if (seen.has(canonical)) {
            throw new ConfigError(key, "is listed twice", text, "remove the duplicate");
        }
        seen.add(canonical);
        return text;
    });
}
