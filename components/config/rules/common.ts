// Checks several config sections share: DNS names, CIDR blocks, instance types, privileged ports.
import { formatCidr, isAligned, isPrivateIpv4, networkOf, parseIpv4Cidr, type Cidr } from "../cidr";
import { ConfigError } from "../errors";
import { isDomainName, isEc2InstanceType, isGcpMachineType } from "../syntax";
import type { Cloud } from "../types";

/** A lower-case DNS name; the fix shows the corrected value when the mistake is obvious. */
export function checkDomainName(key: string, value: string, example: string): string {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
        const host = value.replace(/^[a-z][a-z0-9+.-]*:\/\//i, "").split(/[/:]/)[0];
        throw new ConfigError(key, "must be a DNS name, not a URL", value, `use "${host}"`);
    }
    if (value.endsWith(".") && isDomainName(value.slice(0, -1))) {
        throw new ConfigError(key, "must not end with a dot", value, `use "${value.slice(0, -1)}"`);
    }
    if (value !== value.toLowerCase() && isDomainName(value.toLowerCase())) {
        throw new ConfigError(key, "must be lower-case", value, `use "${value.toLowerCase()}"`);
    }
    if (!isDomainName(value)) {
        throw new ConfigError(
            key,
            "is not a valid DNS name",
            value,
            `use a lower-case name of dot-separated labels (a-z, 0-9, inner hyphens) such as ${example}`,
        );
    }
    return value;
}

/** An aligned IPv4 block inside RFC 1918. */
export function checkPrivateCidr(key: string, value: string, example: string): Cidr {
    const cidr = parseIpv4Cidr(value);
    if (!cidr) {
        throw new ConfigError(key, "is not an IPv4 CIDR block", value, `use a private block such as ${example}`);
    }
    if (!isAligned(cidr)) {
        throw new ConfigError(key, "has host bits set", value, `use the network address ${formatCidr(networkOf(cidr))}`);
    }
    if (!isPrivateIpv4(value)) {
        throw new ConfigError(
            key,
            "is not a private (RFC 1918) range",
            value,
            `use a block inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16, such as ${example}`,
        );
    }
    return cidr;
}

export function checkEc2InstanceType(key: string, value: string, example: string): string {
    if (!isEc2InstanceType(value)) {
        throw new ConfigError(key, "is not an EC2 instance type", value, `use a type such as ${example}`);
    }
    return value;
}

/** An instance type of the stack's cloud: an EC2 type on AWS, a Compute Engine machine type on GCP. */
export function checkMachineType(cloud: Cloud, key: string, value: string, example: string): string {
    if (cloud === "aws") {
        return checkEc2InstanceType(key, value, example);
    }
    if (isEc2InstanceType(value)) {
        throw new ConfigError(key, "is an EC2 instance type but cloud is gcp", value, `use a Compute Engine machine type such as ${example}`);
    }
    if (!isGcpMachineType(value)) {
        throw new ConfigError(key, "is not a Compute Engine machine type", value, `use a machine type such as ${example} (<series>-<kind>-<vCPUs>, or e2-micro/e2-small/e2-medium)`);
    }
    return value;
}

/** A key that only means something on AWS (or is AWS-only in this form) must keep its default on GCP. */
export function rejectOnGcp(key: string, value: unknown, isDefault: boolean, why: string, fix: string): void {
    if (!isDefault) {
        throw new ConfigError(key, `is an AWS setting and cloud is gcp: ${why}`, value, fix);
    }
}

/** openZro's daemons, NATS and Dex run as unprivileged users: they cannot bind ports below 1024. */
export function checkUnprivilegedPort(key: string, port: number, example: number): number {
    if (port < 1024) {
        throw new ConfigError(
            key,
            "is a privileged port (below 1024) and the daemon runs as an unprivileged user",
            port,
            `use a port between 1024 and 65535, e.g. ${example}`,
        );
    }
    return port;
}

export const PORT_RANGE = { min: 1, max: 65535 } as const;
