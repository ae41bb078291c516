// Just enough IPv4 arithmetic for the mocks to hand out addresses inside a subnet's CIDR block.

export function ipToInt(ip: string): number {
    const parts = ip.split(".").map(Number);
    if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
        throw new Error(`not an IPv4 address: ${ip}`);
    }
    return ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3];
}

export function intToIp(n: number): string {
    return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

export interface Cidr {
    readonly network: number;
    readonly prefix: number;
    readonly size: number;
}

export function parseCidr(cidr: string): Cidr {
    const [ip, prefixText] = cidr.split("/");
    const prefix = Number(prefixText);
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > 32) {
        throw new Error(`not an IPv4 CIDR block: ${cidr}`);
    }
    const size = 2 ** (32 - prefix);
    const network = ipToInt(ip) - (ipToInt(ip) % size);
    return { network, prefix, size };
}

export function cidrContains(cidr: string, ip: string): boolean {
    const c = parseCidr(cidr);
    const n = ipToInt(ip);
    return n >= c.network && n < c.network + c.size;
}

/**
 * The `offset`-th address of the block. AWS reserves the first four and the last address of a subnet, so the
 * mocks start at offset 10 like a freshly created subnet would typically hand out.
 */
export function hostAt(cidr: string, offset: number): string {
    const c = parseCidr(cidr);
    if (offset < 0 || offset >= c.size - 1) {
        throw new Error(`${cidr} has no host at offset ${offset}`);
    }
    return intToIp(c.network + offset);
}
