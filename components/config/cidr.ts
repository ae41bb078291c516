// Pure CIDR math for config validation and subnet planning. BigInt so IPv4 and IPv6 share one code path.

export interface Cidr {
    readonly family: 4 | 6;
    /** The address as written (host bits may be set; see isAligned). */
    readonly address: bigint;
    readonly prefix: number;
}

const BITS = { 4: 32, 6: 128 } as const;

/** Parses "a.b.c.d/n" or an IPv6 "x:y::z/n"; undefined when it is not a CIDR. */
export function parseCidr(text: string): Cidr | undefined {
    const slash = text.indexOf("/");
    if (slash < 0 || text.indexOf("/", slash + 1) >= 0) {
        return undefined;
    }
    const addressText = text.slice(0, slash);
    const prefixText = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(prefixText)) {
        return undefined;
    }
    const prefix = Number(prefixText);
    const v4 = parseIpv4(addressText);
    if (v4 !== undefined) {
        return prefix <= 32 ? { family: 4, address: v4, prefix } : undefined;
    }
    const v6 = parseIpv6(addressText);
    if (v6 !== undefined) {
        return prefix <= 128 ? { family: 6, address: v6, prefix } : undefined;
    }
    return undefined;
}

/** Parses an IPv4 CIDR only. */
export function parseIpv4Cidr(text: string): Cidr | undefined {
    const c = parseCidr(text);
    return c && c.family === 4 ? c : undefined;
}

function parseIpv4(text: string): bigint | undefined {
    const parts = text.split(".");
    if (parts.length !== 4) {
        return undefined;
    }
    let value = 0n;
    for (const part of parts) {
        // No leading zeros: "010" is octal to some tools and decimal to others.
        if (!/^(0|[1-9]\d{0,2})$/.test(part) || Number(part) > 255) {
            return undefined;
        }
        value = (value << 8n) | BigInt(part);
    }
    return value;
}

function parseIpv6(text: string): bigint | undefined {
    if (!/^[0-9a-fA-F:]+$/.test(text) || text.split("::").length > 2) {
        return undefined;
    }
    const [head, tail] = text.includes("::") ? text.split("::") : [text, undefined];
    const headGroups = head === "" ? [] : head.split(":");
    const tailGroups = tail === undefined || tail === "" ? [] : tail.split(":");
    const explicit = headGroups.length + tailGroups.length;
    if (tail === undefined ? explicit !== 8 : explicit > 7) {
        return undefined;
    }
    const groups = [...headGroups, ...Array(8 - explicit).fill("0"), ...tailGroups];
    let value = 0n;
    for (const group of groups) {
        if (!/^[0-9a-fA-F]{1,4}$/.test(group)) {
            return undefined;
        }
        value = (value << 16n) | BigInt(parseInt(group, 16));
    }
    return value;
}

function hostMask(c: Cidr): bigint {
    return (1n << BigInt(BITS[c.family] - c.prefix)) - 1n;
}

/** The network address (host bits cleared). */
export function networkOf(c: Cidr): Cidr {
    return { ...c, address: c.address & ~hostMask(c) };
}

/** True when no host bits are set ("10.0.0.0/16", not "10.0.0.1/16"). */
export function isAligned(c: Cidr): boolean {
    return (c.address & hostMask(c)) === 0n;
}

export function formatCidr(c: Cidr): string {
    if (c.family === 4) {
        const octets = [24n, 16n, 8n, 0n].map((shift) => String((c.address >> shift) & 255n));
        return `${octets.join(".")}/${c.prefix}`;
    }
    const groups: string[] = [];
    for (let shift = 112n; shift >= 0n; shift -= 16n) {
        groups.push(((c.address >> shift) & 0xffffn).toString(16));
    }
    return `${compressIpv6(groups)}/${c.prefix}`;
}

/** RFC 5952 style: the longest run (>= 2) of zero groups becomes "::". */
function compressIpv6(groups: string[]): string {
    let bestStart = -1;
    let bestLength = 1;
    for (let i = 0; i < groups.length; ) {
        if (groups[i] !== "0") {
            i++;
            continue;
        }
        let j = i;
        while (j < groups.length && groups[j] === "0") j++;
        if (j - i > bestLength) {
            bestStart = i;
            bestLength = j - i;
        }
        i = j;
    }
    if (bestStart < 0) {
        return groups.join(":");
    }
    return `${groups.slice(0, bestStart).join(":")}::${groups.slice(bestStart + bestLength).join(":")}`;
}

/** Number of addresses in the block. */
export function sizeOf(c: Cidr): bigint {
    return 1n << BigInt(BITS[c.family] - c.prefix);
}

/** Whether two CIDRs share any address. Different families never overlap. Throws on unparsable input. */
export function cidrsOverlap(a: string, b: string): boolean {
    const x = networkOf(mustParse(a));
    const y = networkOf(mustParse(b));
    if (x.family !== y.family) {
        return false;
    }
    const xEnd = x.address + sizeOf(x);
    const yEnd = y.address + sizeOf(y);
    return x.address < yEnd && y.address < xEnd;
}

/** Whether `inner` lies entirely inside `outer`. */
export function cidrContains(outer: string, inner: string): boolean {
    const o = networkOf(mustParse(outer));
    const i = networkOf(mustParse(inner));
    return o.family === i.family && o.prefix <= i.prefix && (i.address & ~hostMask(o)) === o.address;
}

function mustParse(text: string): Cidr {
    const c = parseCidr(text);
    if (!c) {
        throw new Error(`not a CIDR: ${JSON.stringify(text)}`);
    }
    return c;
}

/** The `index`-th block of prefix `newPrefix` inside `c`. */
export function subdivide(c: Cidr, newPrefix: number, index: number): Cidr {
    const count = 1n << BigInt(newPrefix - c.prefix);
    if (newPrefix < c.prefix || newPrefix > BITS[c.family] || BigInt(index) >= count || index < 0) {
        throw new Error(`cannot take block ${index} of /${newPrefix} from ${formatCidr(c)}`);
    }
    const base = networkOf(c).address;
    const step = 1n << BigInt(BITS[c.family] - newPrefix);
    return { family: c.family, address: base + step * BigInt(index), prefix: newPrefix };
}

const RFC1918 = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

/** Inside one of the RFC 1918 private ranges. */
export function isPrivateIpv4(text: string): boolean {
    const c = parseIpv4Cidr(text);
    return c !== undefined && RFC1918.some((range) => cidrContains(range, text));
}

// ---- Subnet planning ------------------------------------------------------------------------------------------

/** Subnets are laid out for this many zones whatever azCount is, so raising azCount never moves a subnet. */
export const PLANNED_ZONES = 3;
/** AWS VPCs are /16 (largest) to /28; our layout needs /23 or larger so public subnets stay >= /27 (ALB minimum). */
export const VPC_MIN_PREFIX = 16;
export const VPC_MAX_PREFIX = 23;
/** Each relay region gets a /20 of the relay pool. */
export const RELAY_VPC_PREFIX = 20;

export interface SubnetPlan {
    readonly public: string[];
    readonly private: string[];
}

/**
 * Splits the VPC in quarters: quarters 0..2 are the private subnets of zones a..c (controllers, database),
 * quarter 3 is cut in four and its first three blocks are the public subnets (load balancer, NAT, bastion).
 * Returns the first `azCount` of each. 10.40.0.0/16 → private /18s, public /20s.
 */
export function planSubnets(vpcCidr: string, azCount: number): SubnetPlan {
    const vpc = mustParse(vpcCidr);
    if (vpc.family !== 4 || !isAligned(vpc) || vpc.prefix < VPC_MIN_PREFIX || vpc.prefix > VPC_MAX_PREFIX) {
        throw new Error(`planSubnets: ${vpcCidr} must be an aligned IPv4 /${VPC_MIN_PREFIX}../${VPC_MAX_PREFIX}`);
    }
    if (!Number.isInteger(azCount) || azCount < 1 || azCount > PLANNED_ZONES) {
        throw new Error(`planSubnets: azCount must be 1..${PLANNED_ZONES}, got ${azCount}`);
    }
    const publicQuarter = subdivide(vpc, vpc.prefix + 2, 3);
    const zones = [...Array(azCount).keys()];
    return {
        private: zones.map((i) => formatCidr(subdivide(vpc, vpc.prefix + 2, i))),
        public: zones.map((i) => formatCidr(subdivide(publicQuarter, publicQuarter.prefix + 2, i))),
    };
}

export interface RelayVpcPlan {
    readonly vpcCidr: string;
    readonly publicSubnets: string[];
}

/** How many relay regions fit in a pool. */
export function relayRegionCapacity(relayVpcCidr: string): number {
    const pool = mustParse(relayVpcCidr);
    return pool.family === 4 && pool.prefix <= RELAY_VPC_PREFIX ? 2 ** (RELAY_VPC_PREFIX - pool.prefix) : 0;
}

/**
 * One /20 per distinct region, in the order regions first appear (duplicates share their VPC). Each /20 is
 * cut into four /22s and the first `subnetsPerVpc` are public subnets in zones a, b, ...
 * Appending a relay never moves an existing relay VPC; reordering or removing a region's first relay does.
 */
export function planRelayVpcs(
    relayVpcCidr: string,
    regions: readonly string[],
    subnetsPerVpc = 2,
): Record<string, RelayVpcPlan> {
    const pool = mustParse(relayVpcCidr);
    if (pool.family !== 4 || !isAligned(pool)) {
        throw new Error(`planRelayVpcs: ${relayVpcCidr} must be an aligned IPv4 CIDR`);
    }
    if (!Number.isInteger(subnetsPerVpc) || subnetsPerVpc < 1 || subnetsPerVpc > 4) {
        throw new Error(`planRelayVpcs: subnetsPerVpc must be 1..4, got ${subnetsPerVpc}`);
    }
    const distinct = [...new Set(regions)];
    const capacity = relayRegionCapacity(relayVpcCidr);
    if (distinct.length > capacity) {
        throw new Error(
            `planRelayVpcs: ${relayVpcCidr} holds ${capacity} /${RELAY_VPC_PREFIX} blocks, ${distinct.length} regions need one each`,
        );
    }
    const plan: Record<string, RelayVpcPlan> = {};
    distinct.forEach((region, slot) => {
        const vpc = subdivide(pool, RELAY_VPC_PREFIX, slot);
        plan[region] = {
            vpcCidr: formatCidr(vpc),
            publicSubnets: [...Array(subnetsPerVpc).keys()].map((i) => formatCidr(subdivide(vpc, RELAY_VPC_PREFIX + 2, i))),
        };
    });
    return plan;
}
