// Pure CIDR math: parsing, overlap, and the subnet layouts the AWS footprint builds from.
import {
    cidrContains,
    cidrsOverlap,
    formatCidr,
    isAligned,
    isPrivateIpv4,
    parseCidr,
    planRelayVpcs,
    planSubnets,
    relayRegionCapacity,
} from "../../components/config/cidr";

describe("parseCidr", () => {
    it.each([
        ["10.40.0.0/16", 4, 16, "10.40.0.0/16"],
        ["0.0.0.0/0", 4, 0, "0.0.0.0/0"],
        ["203.0.113.7/32", 4, 32, "203.0.113.7/32"],
        ["2001:db8::/32", 6, 32, "2001:db8::/32"],
        ["::/0", 6, 0, "::/0"],
        ["2001:DB8:0:0:0:0:0:1/128", 6, 128, "2001:db8::1/128"],
        ["fe80:0:0:0:1:0:0:0/64", 6, 64, "fe80::1:0:0:0/64"],
        ["2001:db8:0:0:1:0:0:1/128", 6, 128, "2001:db8::1:0:0:1/128"],
        ["2001:db8:1:2:3:4:5:6/128", 6, 128, "2001:db8:1:2:3:4:5:6/128"],
    ])("%s is IPv%s /%s and prints as %s", (text, family, prefix, printed) => {
        const c = parseCidr(text);
        expect(c).toBeDefined();
        expect(c!.family).toBe(family);
        expect(c!.prefix).toBe(prefix);
        expect(formatCidr(c!)).toBe(printed);
    });

    it.each(["10.40.0.0", "10.40.0.0/33", "10.40.0/16", "256.0.0.0/8", "010.0.0.0/8", "10.0.0.0/16/2", "2001:db8::1::/64", "2001:db8::/129", "gggg::/16", "", "/16", "10.0.0.0/-1"])(
        "rejects %j",
        (text) => {
            expect(parseCidr(text)).toBeUndefined();
        },
    );

    it.each([
        ["10.40.0.0/16", true],
        ["10.40.1.0/16", false],
        ["2001:db8::/32", true],
        ["2001:db8::1/32", false],
        ["192.0.2.1/32", true],
    ])("%s aligned: %s", (text, aligned) => {
        expect(isAligned(parseCidr(text)!)).toBe(aligned);
    });
});

describe("overlap and containment", () => {
    it.each([
        ["10.40.0.0/16", "10.64.0.0/12", false],
        ["10.40.0.0/16", "10.32.0.0/12", true],
        ["10.0.0.0/8", "10.255.255.0/24", true],
        ["10.40.0.0/16", "10.41.0.0/16", false],
        ["10.40.255.0/24", "10.41.0.0/24", false],
        ["192.168.0.0/16", "192.168.0.0/16", true],
        ["10.0.0.0/8", "2001:db8::/32", false],
        ["2001:db8::/32", "2001:db8:1::/48", true],
        ["2001:db8::/32", "2001:db9::/32", false],
    ])("%s vs %s overlap: %s (both ways)", (a, b, overlap) => {
        expect(cidrsOverlap(a, b)).toBe(overlap);
        expect(cidrsOverlap(b, a)).toBe(overlap);
    });

    it.each([
        ["10.0.0.0/8", "10.40.0.0/16", true],
        ["10.40.0.0/16", "10.0.0.0/8", false],
        ["172.16.0.0/12", "172.31.255.0/24", true],
        ["172.16.0.0/12", "172.32.0.0/24", false],
    ])("%s contains %s: %s", (outer, inner, contains) => {
        expect(cidrContains(outer, inner)).toBe(contains);
    });

    it.each([
        ["10.40.0.0/16", true],
        ["172.20.0.0/16", true],
        ["192.168.10.0/24", true],
        ["172.32.0.0/16", false],
        ["8.8.8.0/24", false],
        ["100.64.0.0/16", false],
        ["2001:db8::/32", false],
    ])("%s private: %s", (text, isPrivate) => {
        expect(isPrivateIpv4(text)).toBe(isPrivate);
    });

    it("throws on text that is not a CIDR", () => {
        expect(() => cidrsOverlap("10.0.0.0/8", "nope")).toThrow(/not a CIDR/);
    });
});

describe("planSubnets", () => {
    it.each([
        [
            "10.40.0.0/16",
            3,
            ["10.40.192.0/20", "10.40.208.0/20", "10.40.224.0/20"],
            ["10.40.0.0/18", "10.40.64.0/18", "10.40.128.0/18"],
        ],
        ["10.40.0.0/16", 2, ["10.40.192.0/20", "10.40.208.0/20"], ["10.40.0.0/18", "10.40.64.0/18"]],
        ["10.50.0.0/16", 1, ["10.50.192.0/20"], ["10.50.0.0/18"]],
        [
            "172.16.8.0/21",
            3,
            ["172.16.14.0/25", "172.16.14.128/25", "172.16.15.0/25"],
            ["172.16.8.0/23", "172.16.10.0/23", "172.16.12.0/23"],
        ],
        [
            "192.168.0.0/23",
            3,
            ["192.168.1.128/27", "192.168.1.160/27", "192.168.1.192/27"],
            ["192.168.0.0/25", "192.168.0.128/25", "192.168.1.0/25"],
        ],
    ])("%s over %i zones", (vpc, azCount, publicSubnets, privateSubnets) => {
        expect(planSubnets(vpc, azCount)).toEqual({ public: publicSubnets, private: privateSubnets });
    });

    it("never moves a subnet when zones are added", () => {
        const two = planSubnets("10.40.0.0/16", 2);
        const three = planSubnets("10.40.0.0/16", 3);
        expect(three.public.slice(0, 2)).toEqual(two.public);
        expect(three.private.slice(0, 2)).toEqual(two.private);
    });

    it.each(["10.40.0.0/16", "172.16.8.0/21", "192.168.0.0/23"])("%s: subnets lie inside the VPC and never overlap", (vpc) => {
        const plan = planSubnets(vpc, 3);
        const all = [...plan.public, ...plan.private];
        for (const subnet of all) {
            expect(cidrContains(vpc, subnet)).toBe(true);
        }
        for (let i = 0; i < all.length; i++) {
            for (let j = i + 1; j < all.length; j++) {
                expect(cidrsOverlap(all[i], all[j])).toBe(false);
            }
        }
    });

    it.each([
        ["10.40.0.0/24", 3, /\/16\.\.\/23/],
        ["10.0.0.0/8", 3, /\/16\.\.\/23/],
        ["10.40.1.0/16", 3, /aligned/],
        ["10.40.0.0/16", 0, /azCount must be 1\.\.3/],
        ["10.40.0.0/16", 4, /azCount must be 1\.\.3/],
    ])("refuses %s with %i zones", (vpc, azCount, error) => {
        expect(() => planSubnets(vpc, azCount)).toThrow(error);
    });
});

describe("planRelayVpcs", () => {
    it("gives each distinct region the next /20, in order of first appearance", () => {
        expect(planRelayVpcs("10.64.0.0/12", ["us-east-1", "eu-west-1", "us-east-1", "ap-south-1"])).toEqual({
            "us-east-1": { vpcCidr: "10.64.0.0/20", publicSubnets: ["10.64.0.0/22", "10.64.4.0/22"] },
            "eu-west-1": { vpcCidr: "10.64.16.0/20", publicSubnets: ["10.64.16.0/22", "10.64.20.0/22"] },
            "ap-south-1": { vpcCidr: "10.64.32.0/20", publicSubnets: ["10.64.32.0/22", "10.64.36.0/22"] },
        });
    });

    it.each([
        [1, ["10.80.0.0/22"]],
        [3, ["10.80.0.0/22", "10.80.4.0/22", "10.80.8.0/22"]],
    ])("cuts %i public subnets per relay VPC", (count, subnets) => {
        expect(planRelayVpcs("10.80.0.0/12", ["eu-west-1"], count)["eu-west-1"].publicSubnets).toEqual(subnets);
    });

    it("keeps existing relay VPCs where they are when a region is appended", () => {
        const before = planRelayVpcs("10.64.0.0/12", ["us-east-1", "eu-west-1"]);
        const after = planRelayVpcs("10.64.0.0/12", ["us-east-1", "eu-west-1", "sa-east-1"]);
        expect(after["us-east-1"]).toEqual(before["us-east-1"]);
        expect(after["eu-west-1"]).toEqual(before["eu-west-1"]);
    });

    it.each([
        ["10.64.0.0/12", 256],
        ["10.64.0.0/16", 16],
        ["10.64.0.0/20", 1],
        ["10.64.0.0/21", 0],
    ])("%s holds %i relay regions", (pool, capacity) => {
        expect(relayRegionCapacity(pool)).toBe(capacity);
    });

    it("refuses more regions than the pool holds", () => {
        expect(() => planRelayVpcs("10.64.0.0/20", ["us-east-1", "eu-west-1"])).toThrow(/holds 1 \/20 blocks, 2 regions/);
    });

    it("returns nothing for no regions", () => {
        expect(planRelayVpcs("10.64.0.0/12", [])).toEqual({});
    });
});
