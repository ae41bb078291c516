// Shared memory of the plausible mocks: what has been "created" so far, so dependent values stay consistent
// (an instance's private IP lies in its subnet, a record's fqdn ends in its zone, every EIP is distinct).
import { hostAt, parseCidr } from "./ipv4";
import { unwrapSecrets } from "./wire";

export const ACCOUNT_ID = "123456789012";

export interface CreatedResource {
    readonly id: string;
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    readonly inputs: Record<string, unknown>;
    readonly state: Record<string, unknown>;
}

/** Public addresses come from the documentation ranges (RFC 5737), never from real address space. */
const DOCUMENTATION_RANGES = ["203.0.113", "198.51.100", "192.0.2"];

export class MockWorld {
    /** Region of every explicit aws provider, by provider URN. */
    private readonly providerRegions = new Map<string, string>();
    private readonly byId = new Map<string, CreatedResource>();
    private readonly hostsPerSubnet = new Map<string, number>();
    private readonly usedPublicIps = new Set<string>();
    private readonly usedPrivateIps = new Set<string>();
    private nextPublicIp = 0;
    private readonly zoneNames = new Map<string, string>();
    /** Project of every explicit gcp provider, by provider URN. */
    private readonly providerProjects = new Map<string, string>();
    /** Resources a mock must find by (kind, name), e.g. a private services range by its name. */
    private readonly namedResources = new Map<string, CreatedResource>();
    /** Every secret value a mock produced: tests check none of them leaks into the plan. */
    readonly secretValues = new Set<string>();

    constructor(readonly defaultRegion: string) {}

    rememberProvider(urn: string, region: string | undefined, project?: string): void {
        if (region) {
            this.providerRegions.set(urn, region);
        }
        if (project) {
            this.providerProjects.set(urn, project);
        }
    }

    /** The project of a gcp provider reference ("<urn>::<id>"); a fixed stand-in for the default provider. */
    projectOf(provider: string | undefined): string {
        const urn = provider ? provider.slice(0, provider.lastIndexOf("::")) : "";
        return this.providerProjects.get(urn) ?? "openzro-plan";
    }

    rememberNamed(kind: string, name: string, resource: CreatedResource): void {
        this.namedResources.set(`${kind}/${name}`, resource);
    }

    named(kind: string, name: unknown): CreatedResource | undefined {
        const plain = unwrapSecrets(name);
        return typeof plain === "string" ? this.namedResources.get(`${kind}/${plain}`) : undefined;
    }

    /** `provider` is "<provider urn>::<provider id>", or empty for the default provider. */
    regionOf(provider: string | undefined): string {
        if (!provider) {
            return this.defaultRegion;
        }
        const urn = provider.slice(0, provider.lastIndexOf("::"));
        return this.providerRegions.get(urn) ?? this.defaultRegion;
    }

    remember(id: string, resource: CreatedResource): void {
        this.byId.set(id, resource);
    }

    lookup(id: unknown): CreatedResource | undefined {
        const plain = unwrapSecrets(id);
        return typeof plain === "string" ? this.byId.get(plain) : undefined;
    }

    /**
     * Next free host address in the subnet's block (order of creation, deterministic): .10, .11, ... then the
     * rest of the usable range (AWS reserves the first four and the last address). Skips reserved addresses.
     */
    nextHostIn(subnetId: string, cidr: string): string {
        const { size } = parseCidr(cidr);
        const usable = size - 5;
        for (let tries = 0; tries < usable; tries++) {
            const n = this.hostsPerSubnet.get(subnetId) ?? 0;
            this.hostsPerSubnet.set(subnetId, n + 1);
            const ip = hostAt(cidr, 4 + ((6 + n) % usable));
            if (!this.usedPrivateIps.has(ip)) {
                this.usedPrivateIps.add(ip);
                return ip;
            }
        }
        throw new Error(`mock subnet ${subnetId} (${cidr}) has no free address left`);
    }

    /** An address the program chose itself: never handed out again. */
    reservePrivateIp(ip: string): void {
        this.usedPrivateIps.add(ip);
    }

    /** A distinct documentation-range public address per call. */
    nextPublicAddress(): string {
        for (;;) {
            const i = this.nextPublicIp++;
            const range = Math.floor(i / 250);
            if (range >= DOCUMENTATION_RANGES.length) {
                throw new Error("mock public address pool exhausted (750 addresses)");
            }
            const ip = `${DOCUMENTATION_RANGES[range]}.${(i % 250) + 5}`;
            if (!this.usedPublicIps.has(ip)) {
                this.usedPublicIps.add(ip);
                return ip;
            }
        }
    }

    rememberZone(zoneId: string, name: string): void {
        this.zoneNames.set(zoneId, name.replace(/\.$/, ""));
    }

    zoneName(zoneId: unknown): string | undefined {
        return typeof zoneId === "string" ? this.zoneNames.get(zoneId) : undefined;
    }

    secret(value: string): string {
        this.secretValues.add(value);
        return value;
    }
}
