// validateSettings: a valid stack becomes fully defaulted Settings; every bad value is one exact line
// `<key>: <problem> (got <value>); <fix>`.
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, validateSettings, type RawConfig } from "../../components/config/load";
import type { Settings } from "../../components/config/types";

/** A real OpenSSH ed25519 public key line: the blob is length-prefixed "ssh-ed25519" + 32 key bytes. */
function ed25519PublicKeyLine(seed: number): string {
    const field = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
    const key = Buffer.alloc(32, seed);
    return `ssh-ed25519 ${Buffer.concat([field(Buffer.from("ssh-ed25519")), field(key)]).toString("base64")} ops@example`;
}

/** Values as `pulumi.Config.get` delivers them: text, JSON text for lists and objects. */
const BASE: RawConfig = {
    domain: "openzro.example.com",
    dnsZone: "example.com",
    openzroVersion: "0.53.1",
    oidcIssuer: "https://idp.example.com",
    relays: JSON.stringify([
        { name: "us-east", region: "us-east-1" },
        { name: "eu-west", region: "eu-west-1" },
    ]),
    sshAllowedCidrs: JSON.stringify(["203.0.113.0/24"]),
    "aws:region": "us-east-1",
};

function valid(overrides: Partial<Record<keyof RawConfig, unknown>> = {}): Settings {
    return validateSettings({ ...BASE, ...overrides } as RawConfig);
}

function errorOf(overrides: Partial<Record<keyof RawConfig, unknown>>): ConfigError {
    try {
        valid(overrides);
    } catch (e) {
        if (e instanceof ConfigError) return e;
        throw e;
    }
    throw new Error(`expected a ConfigError for ${JSON.stringify(overrides)}`);
}

function secretValue(o: pulumi.Output<string> | undefined): Promise<{ value: string; secret: boolean }> {
    if (!o) throw new Error("missing output");
    return new Promise((resolve) =>
        o.apply((value) => {
            void pulumi.isSecret(o).then((secret) => resolve({ value, secret }));
            return value;
        }),
    );
}

describe("validateSettings: a minimal valid stack", () => {
    it("fills every default for the medium preset", () => {
        const expected: Settings = {
            cloud: "aws",
            region: "us-east-1",
            domain: "openzro.example.com",
            dnsZone: "example.com",
            size: "medium",
            openzroVersion: "0.53.1",
            logLevel: "info",
            tags: {},
            protectResources: true,
            allowUnpromotedDeploy: false,
            secretsBackup: false,
            hosts: { osFamily: "debian" },
            network: { vpcCidr: "10.40.0.0/16", azCount: 3, natGateways: "perAz", relayVpcCidr: "10.64.0.0/12" },
            controllers: { count: 3, instanceType: "c7i.xlarge", rootVolumeGb: 100 },
            relay: { port: 443, tls: "letsencrypt", rootVolumeGb: 40, credentialsTtl: "24h" },
            relays: [
                { name: "us-east", region: "us-east-1", instanceType: "c7i.large" },
                { name: "eu-west", region: "eu-west-1", instanceType: "c7i.large" },
            ],
            bastion: { instanceType: "t3.micro" },
            ssh: { user: "ubuntu", allowedCidrs: ["203.0.113.0/24"] },
            database: {
                engineVersion: "16",
                allowMajorVersionUpgrade: false,
                applyImmediately: false,
                instanceClass: "db.m7g.xlarge",
                allocatedStorageGb: 100,
                maxAllocatedStorageGb: 400,
                multiAz: true,
                backupRetentionDays: 14,
                deletionProtection: true,
                skipFinalSnapshot: false,
                performanceInsights: false,
                username: "openzro_admin",
                maxConnections: 1351,
            },
            loadBalancer: {
                idleTimeoutSeconds: 3600,
                deregistrationDelaySeconds: 30,
                healthCheckIntervalSeconds: 10,
                healthyThreshold: 2,
                unhealthyThreshold: 2,
                sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
                staticIngress: false,
            },
            oidc: {
                issuer: "https://idp.example.com",
                clientId: "openzro-dashboard",
                audience: "openzro-dashboard",
                scopes: "openid profile email offline_access",
                userIdClaim: "sub",
                idpManagerType: "none",
                deviceAuthFlow: true,
            },
            dex: { enabled: false, port: 5556, grpcPort: 5557 },
            cluster: { coordinator: "embedded", peerPort: 6222, signalPeerPort: 6223 },
            management: {
                dnsDomain: "openzro.selfhosted",
                anonymousMetrics: false,
                geoliteUpdate: true,
                disableDefaultPolicy: false,
                flowStore: true,
                flowRetention: "720h",
                dbPoolSize: 25,
            },
            // Unset stuns: the STUN server on every relay host, one entry per relay, in relay order.
            stuns: [
                { proto: "udp", uri: "stun:relay-us-east.openzro.example.com:3478" },
                { proto: "udp", uri: "stun:relay-eu-west.openzro.example.com:3478" },
            ],
            alarms: {
                emails: [],
                unhealthyHosts: 0,
                alb5xxPercent: 5,
                dbCpuPercent: 80,
                dbFreeStoragePercent: 5,
                dbConnectionsPercent: 80,
                natPortErrors: 0,
            },
            gameDay: { enabled: false, stopMinutes: 10 },
            metrics: { agent: true },
        };
        expect(valid()).toEqual(expected);
    });

    it("reads text values exactly like typed ones (Pulumi delivers text, tests may not)", () => {
        const typed = valid({
            azCount: 2,
            controllerCount: 1,
            dbMultiAz: false,
            protectResources: false,
            relays: [{ name: "solo", region: "eu-central-1" }],
            sshAllowedCidrs: ["198.51.100.0/24", "2001:db8::/32"],
            tags: { team: "net", costCenter: 42 },
            stuns: [{ proto: "udp", uri: "stun:stun.example.com:3478" }],
        });
        const text = valid({
            azCount: "2",
            controllerCount: "1",
            dbMultiAz: "false",
            protectResources: "false",
            relays: '[{"name":"solo","region":"eu-central-1"}]',
            sshAllowedCidrs: '["198.51.100.0/24","2001:db8::/32"]',
            tags: '{"team":"net","costCenter":42}',
            stuns: '[{"proto":"udp","uri":"stun:stun.example.com:3478"}]',
        });
        expect(text).toEqual(typed);
        expect(typed.network.azCount).toBe(2);
        expect(typed.tags).toEqual({ team: "net", costCenter: "42" });
        expect(typed.ssh.allowedCidrs).toEqual(["198.51.100.0/24", "2001:db8::/32"]);
    });

    it("accepts a comma-separated sshAllowedCidrs typed by hand", () => {
        expect(valid({ sshAllowedCidrs: "198.51.100.0/24, 192.0.2.7/32" }).ssh.allowedCidrs).toEqual(["198.51.100.0/24", "192.0.2.7/32"]);
    });

    it("treats empty strings (the Pulumi.yaml default of optional keys) as unset", () => {
        const s = valid({
            controllerCount: "",
            controllerInstanceType: "",
            controllerAmiId: "",
            relayAmiId: "",
            dbMultiAz: "",
            dbMaxAllocatedStorageGb: "",
            oidcAudience: "",
            clusterCoordinator: "",
            promoteFromStack: "",
            sshPublicKey: "",
        });
        expect(s).toEqual(valid());
        expect(s.controllers.amiId).toBeUndefined();
        expect(s.promoteFromStack).toBeUndefined();
    });
});

describe("validateSettings: derived defaults", () => {
    it.each([
        // [overrides, controllers, coordinator, controller type, relay type, db class, storage, max storage, multiAz]
        [{ size: "small" }, 1, "none", "t3.medium", "t3.small", "db.t4g.medium", 50, 200, false],
        [{ size: "small", controllerCount: "3" }, 3, "embedded", "t3.medium", "t3.small", "db.t4g.medium", 50, 200, false],
        [{ size: "medium" }, 3, "embedded", "c7i.xlarge", "c7i.large", "db.m7g.xlarge", 100, 400, true],
        [{ size: "large" }, 3, "embedded", "c7i.2xlarge", "c7i.xlarge", "db.m7g.2xlarge", 500, 2000, true],
        [{ size: "large", dbAllocatedStorageGb: "20000" }, 3, "embedded", "c7i.2xlarge", "c7i.xlarge", "db.m7g.2xlarge", 20000, 65536, true],
        [{ size: "medium", controllerCount: "1" }, 1, "none", "c7i.xlarge", "c7i.large", "db.m7g.xlarge", 100, 400, true],
        [{ controllerCount: "2", clusterCoordinator: "redis" }, 2, "redis", "c7i.xlarge", "c7i.large", "db.m7g.xlarge", 100, 400, true],
        [{ controllerCount: "5", controllerInstanceType: "m7i.large", dbMultiAz: "false" }, 5, "embedded", "m7i.large", "c7i.large", "db.m7g.xlarge", 100, 400, false],
    ])("%j", (overrides, count, coordinator, controllerType, relayType, dbClass, storage, maxStorage, multiAz) => {
        const s = valid(overrides);
        expect(s.controllers.count).toBe(count);
        expect(s.cluster.coordinator).toBe(coordinator);
        expect(s.controllers.instanceType).toBe(controllerType);
        expect(s.relays.map((r) => r.instanceType)).toEqual([relayType, relayType]);
        expect(s.database.instanceClass).toBe(dbClass);
        expect(s.database.allocatedStorageGb).toBe(storage);
        expect(s.database.maxAllocatedStorageGb).toBe(maxStorage);
        expect(s.database.multiAz).toBe(multiAz);
    });

    it("keeps a relay's own instance type over relayInstanceType", () => {
        const s = valid({
            relayInstanceType: "c7i.xlarge",
            relays: [
                { name: "a", region: "us-east-1", instanceType: "c7gn.large" },
                { name: "b", region: "us-west-2" },
            ],
        });
        expect(s.relays).toEqual([
            { name: "a", region: "us-east-1", instanceType: "c7gn.large" },
            { name: "b", region: "us-west-2", instanceType: "c7i.xlarge" },
        ]);
    });

    it("uses this deployment's Dex as the issuer when dexEnabled and no issuer is set", () => {
        const s = valid({ dexEnabled: "true", oidcIssuer: "" });
        expect(s.oidc.issuer).toBe("https://openzro.example.com/dex");
        expect(s.dex).toEqual({ enabled: true, port: 5556, grpcPort: 5557 });
    });

    it("defaults the audience to the client id", () => {
        expect(valid({ oidcClientId: "my-client" }).oidc.audience).toBe("my-client");
        expect(valid({ oidcClientId: "my-client", oidcAudience: "api" }).oidc.audience).toBe("api");
    });

    it("accepts pre-release versions, IPv6 admin networks, stun:/stuns: URIs and a promotion source", () => {
        const s = valid({
            openzroVersion: "0.53.1-alpha.87",
            sshAllowedCidrs: ["2001:db8:1234::/48"],
            stuns: [
                { proto: "udp", uri: "stun:stun.example.com:3478" },
                { proto: "udp", uri: "stuns:[2001:db8::1]:5349" },
            ],
            promoteFromStack: "acme/openzro/staging",
        });
        // Config and outputs keep the release form; only the host layer uses the package form (0.53.1~alpha.87).
        expect(s.openzroVersion).toBe("0.53.1-alpha.87");
        expect(s.stuns).toEqual([
            { proto: "udp", uri: "stun:stun.example.com:3478" },
            { proto: "udp", uri: "stuns:[2001:db8::1]:5349" },
        ]);
        expect(s.promoteFromStack).toBe("acme/openzro/staging");
    });
});

describe("validateSettings: relay TLS and STUN", () => {
    it("defaults to Let's Encrypt on 443 and to the relays' own STUN servers", () => {
        const s = valid();
        expect(s.relay).toEqual(expect.objectContaining({ port: 443, tls: "letsencrypt" }));
        expect(s.relay).not.toHaveProperty("acmeEmail");
        expect(s.stuns.map((x) => x.uri)).toEqual(["stun:relay-us-east.openzro.example.com:3478", "stun:relay-eu-west.openzro.example.com:3478"]);
    });

    it("defaults a relay without TLS to 33080 (never a plaintext relay on 443)", () => {
        expect(valid({ relayTls: "none" }).relay).toEqual(expect.objectContaining({ port: 33080, tls: "none" }));
    });

    it("takes route53 with a contact on AWS, and files with both paths on any port", () => {
        expect(valid({ relayTls: "route53", relayAcmeEmail: "ops@example.com", relayPort: "8443" }).relay).toEqual(
            expect.objectContaining({ tls: "route53", acmeEmail: "ops@example.com", port: 8443 }),
        );
        expect(valid({ relayTls: "files", relayTlsCertFile: "/etc/openzro-relay/tls/fullchain.pem", relayTlsKeyFile: "/etc/openzro-relay/tls/privkey.pem" }).relay).toEqual(
            expect.objectContaining({ tls: "files", port: 443, certFile: "/etc/openzro-relay/tls/fullchain.pem", keyFile: "/etc/openzro-relay/tls/privkey.pem" }),
        );
    });

    it("lets an explicit stuns list replace the relays' STUN servers, an empty one included", () => {
        expect(valid({ stuns: [{ proto: "udp", uri: "stun:stun.example.com:3478" }] }).stuns).toEqual([{ proto: "udp", uri: "stun:stun.example.com:3478" }]);
        expect(valid({ stuns: "[]" }).stuns).toEqual([]);
    });
});

describe("validateSettings: secrets", () => {
    it("keeps the SSH key pair, the client secret and the cluster URL as secret Outputs", async () => {
        const publicKey = ed25519PublicKeyLine(7);
        const s = valid({
            sshPublicKey: publicKey,
            sshPrivateKey: pulumi.secret("-----BEGIN OPENSSH PRIVATE KEY-----x"),
            oidcClientSecret: pulumi.secret("client-secret-value"),
            clusterCoordinator: "external-nats",
            clusterUrl: pulumi.secret("nats://user:pw@nats.internal:4222"),
        });
        expect(s.ssh.publicKey).toBe(publicKey);
        await expect(secretValue(s.ssh.privateKey)).resolves.toEqual({ value: "-----BEGIN OPENSSH PRIVATE KEY-----x", secret: true });
        await expect(secretValue(s.oidc.clientSecret)).resolves.toEqual({ value: "client-secret-value", secret: true });
        await expect(secretValue(s.cluster.url)).resolves.toEqual({ value: "nats://user:pw@nats.internal:4222", secret: true });
    });

    it("never prints a secret value in an error", () => {
        const e = errorOf({ clusterUrl: pulumi.secret("redis://:hunter2@cache:6379") });
        expect(e.message).not.toContain("hunter2");
        expect(e.message).toContain('(got "[secret]")');
    });
});

const LONG_NAME = "a".repeat(41);
const KEY = ed25519PublicKeyLine(1);
const SET_RELAY = "`pulumi config set --path 'relays[0].name' us-east` and `pulumi config set --path 'relays[0].region' us-east-1`";

// [overrides, exact message]. Each row breaks one rule; the message names the key and the bad value.
const INVALID: Array<[Partial<Record<keyof RawConfig, unknown>>, string]> = [
    // core
    [{ cloud: "azure" }, 'cloud: is not a supported value (got "azure"); use one of: aws, gcp'],
    [{ "aws:region": undefined }, "aws:region: is required for cloud aws (got nothing); set it, e.g. `pulumi config set aws:region us-east-1`"],
    [{ "aws:region": "us-east-1a" }, 'aws:region: does not look like an AWS region (got "us-east-1a"); that is an availability zone; use the region "us-east-1"'],
    [{ "aws:region": "us-east1" }, 'aws:region: does not look like an AWS region (got "us-east1"); use a region code such as us-east-1 or eu-west-1'],
    [{ domain: "" }, "domain: is required (got nothing); set it, e.g. `pulumi config set domain openzro.example.com`"],
    [{ domain: "https://openzro.example.com" }, 'domain: must be a DNS name, not a URL (got "https://openzro.example.com"); use "openzro.example.com"'],
    [{ domain: "OpenZro.Example.com" }, 'domain: must be lower-case (got "OpenZro.Example.com"); use "openzro.example.com"'],
    [
        { domain: "openzro_.example.com" },
        'domain: is not a valid DNS name (got "openzro_.example.com"); use a lower-case name of dot-separated labels (a-z, 0-9, inner hyphens) such as openzro.example.com',
    ],
    [
        { dnsZone: "example.org" },
        'dnsZone: does not contain domain "openzro.example.com" (got "example.org"); set dnsZone to the hosted zone that holds the domain (the domain itself or a parent of it)',
    ],
    [
        { domain: "openzro.badexample.com" },
        'dnsZone: does not contain domain "openzro.badexample.com" (got "example.com"); set dnsZone to the hosted zone that holds the domain (the domain itself or a parent of it)',
    ],
    [{ dnsZone: "example.com." }, 'dnsZone: must not end with a dot (got "example.com."); use "example.com"'],
    [{ size: "xl" }, 'size: is not a supported value (got "xl"); use one of: small, medium, large'],
    [{ openzroVersion: "v0.53.1" }, 'openzroVersion: must not start with "v" (got "v0.53.1"); use "0.53.1"'],
    [{ openzroVersion: "v0.53.1-alpha.87" }, 'openzroVersion: must not start with "v" (got "v0.53.1-alpha.87"); use "0.53.1-alpha.87"'],
    [
        { openzroVersion: "latest" },
        'openzroVersion: is not a pinned release version (got "latest"); pin an exact openZro release as tagged, without the v: MAJOR.MINOR.PATCH with an optional pre-release (e.g. 0.53.1-alpha.87), so every host runs the same build',
    ],
    // The deb/rpm package form is what `apt-cache madison` shows; config takes the release form (D30).
    [
        { openzroVersion: "0.53.1~alpha.87" },
        'openzroVersion: is the deb/rpm package form, not the release form (got "0.53.1~alpha.87"); use the release tag without "v", "0.53.1-alpha.87" (the hosts install package version 0.53.1~alpha.87 from it)',
    ],
    [
        { openzroVersion: "0.53.1~rc_1" },
        'openzroVersion: is the deb/rpm package form, not the release form (got "0.53.1~rc_1"); use the release tag without "v", "0.53.1-rc-1" (the hosts install package version 0.53.1~rc_1 from it)',
    ],
    [
        { openzroVersion: "0.53.1-alpha.087" },
        'openzroVersion: is not a pinned release version (got "0.53.1-alpha.087"); pin an exact openZro release as tagged, without the v: MAJOR.MINOR.PATCH with an optional pre-release (e.g. 0.53.1-alpha.87), so every host runs the same build',
    ],
    [{ logLevel: "verbose" }, 'logLevel: is not a supported value (got "verbose"); use one of: panic, fatal, error, warn, info, debug, trace'],
    [{ tags: { Name: "x" } }, 'tags.Name: is set by the program on every resource (got "x"); use another tag name'],
    [{ tags: '{"aws:cost":"a"}' }, 'tags.aws:cost: uses the aws: prefix AWS reserves for itself (got "a"); use a tag name without the aws: prefix'],
    [{ tags: '["a"]' }, 'tags: must be an object of tag names to values (got ["a"]); set entries with `pulumi config set --path tags.team platform`'],
    [{ protectResources: "yes" }, 'protectResources: must be a boolean (got "yes"); set true or false'],
    [{ osFamily: "ubuntu" }, 'osFamily: is not a supported value (got "ubuntu"); use one of: debian, rhel'],
    [{ promoteFromStack: "staging" }, 'promoteFromStack: is not a fully qualified stack name (got "staging"); use <organization>/<project>/<stack>, e.g. acme/openzro/staging'],
    // network
    [{ vpcCidr: "10.40.0.0" }, 'vpcCidr: is not an IPv4 CIDR block (got "10.40.0.0"); use a private block such as 10.40.0.0/16'],
    [{ vpcCidr: "10.40.1.0/16" }, 'vpcCidr: has host bits set (got "10.40.1.0/16"); use the network address 10.40.0.0/16'],
    [
        { vpcCidr: "8.8.0.0/16" },
        'vpcCidr: is not a private (RFC 1918) range (got "8.8.0.0/16"); use a block inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16, such as 10.40.0.0/16',
    ],
    [{ vpcCidr: "10.40.0.0/24" }, 'vpcCidr: is too small for public and private subnets in 3 availability zones (got "10.40.0.0/24"); use a /23 or larger, e.g. 10.40.0.0/16'],
    [{ vpcCidr: "10.0.0.0/8" }, 'vpcCidr: is larger than an AWS VPC can be (got "10.0.0.0/8"); use a /16 to /23, e.g. 10.40.0.0/16'],
    [{ azCount: "4" }, 'azCount: is out of range (got "4"); set a whole number between 1 and 3'],
    [{ azCount: "two" }, 'azCount: must be a whole number (got "two"); set a whole number between 1 and 3'],
    [
        { azCount: "1" },
        "azCount: is too few: an AWS load balancer and a database subnet group need subnets in at least 2 availability zones (got 1); set 2 or 3",
    ],
    [{ natGateways: "perAZ" }, 'natGateways: is not a supported value (got "perAZ"); use one of: perAz, single'],
    [
        { relayVpcCidr: "10.32.0.0/12" },
        'relayVpcCidr: overlaps vpcCidr 10.40.0.0/16 (got "10.32.0.0/12"); choose blocks that do not overlap, e.g. vpcCidr 10.40.0.0/16 and relayVpcCidr 10.64.0.0/12',
    ],
    [{ relayVpcCidr: "10.64.0.0/21" }, 'relayVpcCidr: is smaller than the /20 each relay region needs (got "10.64.0.0/21"); use a /20 or larger, e.g. 10.64.0.0/12'],
    [
        { relayVpcCidr: "10.64.0.0/20" },
        'relayVpcCidr: has room for 1 relay region (one /20 each) but relays use 2 (got "10.64.0.0/20"); use a larger block, e.g. 10.64.0.0/12',
    ],
    // controllers and coordination
    [{ controllerCount: "2" }, "controllerCount: 2 controllers cannot keep a JetStream quorum when one fails (got 2); use 1 controller, or 3 (or another odd number) for high availability"],
    [
        { controllerCount: "2", clusterCoordinator: "nats" },
        "controllerCount: 2 controllers cannot keep a JetStream quorum when one fails (got 2); use 1 controller, or 3 (or another odd number) for high availability",
    ],
    [
        { controllerCount: "4" },
        "controllerCount: is even: 4 controllers tolerate no more failures than 3 do, yet need a larger JetStream quorum (got 4); use an odd number such as 3 or 5",
    ],
    [
        { clusterCoordinator: "none" },
        'clusterCoordinator: cannot be none with 3 controllers: their management and signal replicas would not coordinate (got "none"); use embedded (or nats, redis, external-nats, external-redis), or set controllerCount 1',
    ],
    [{ clusterCoordinator: "etcd" }, 'clusterCoordinator: is not a supported value (got "etcd"); use one of: none, embedded, nats, redis, external-nats, external-redis'],
    [{ controllerCount: "0" }, 'controllerCount: is out of range (got "0"); set a whole number between 1 and 9'],
    [
        { controllerInstanceType: "m7g.xlarge" },
        'controllerInstanceType: is an arm64 (Graviton) type but controllers must be x86_64: the openzro-dashboard package is amd64-only (got "m7g.xlarge"); use an x86_64 type such as c7i.xlarge',
    ],
    [
        { size: "small", controllerInstanceType: "t4g.medium" },
        'controllerInstanceType: is an arm64 (Graviton) type but controllers must be x86_64: the openzro-dashboard package is amd64-only (got "t4g.medium"); use an x86_64 type such as t3.medium',
    ],
    [{ controllerInstanceType: "large" }, 'controllerInstanceType: is not an EC2 instance type (got "large"); use a type such as c7i.xlarge'],
    [{ controllerAmiId: "ami-123" }, 'controllerAmiId: is not an AMI ID (got "ami-123"); use an ID like ami-0123456789abcdef0, or leave it unset for Ubuntu 24.04'],
    [{ controllerRootVolumeGb: "10" }, 'controllerRootVolumeGb: is out of range (got "10"); set a whole number between 20 and 16384'],
    [
        { clusterCoordinator: "external-nats" },
        "clusterUrl: is required with clusterCoordinator external-nats (got nothing); set it with `pulumi config set --secret clusterUrl nats://host:port`",
    ],
    [
        { clusterUrl: pulumi.secret("nats://nats:4222") },
        'clusterUrl: is only used with external-nats or external-redis, not embedded (got "[secret]"); remove it (`pulumi config rm clusterUrl`) or set clusterCoordinator to external-nats or external-redis',
    ],
    [
        { signalPeerPort: "6222" },
        "signalPeerPort: must differ from clusterPeerPort 6222: both NATS route listeners run on every controller (got 6222); use another port, e.g. 6223",
    ],
    [{ clusterPeerPort: "33073" }, "clusterPeerPort: collides with the management port on the controllers (got 33073); choose a free port"],
    [{ signalPeerPort: "10000" }, "signalPeerPort: collides with the signal gRPC port on the controllers (got 10000); choose a free port"],
    [{ signalPeerPort: "8443" }, "signalPeerPort: collides with the nginx gRPC over TLS port on the controllers (got 8443); choose a free port"],
    [
        { clusterPeerPort: "80" },
        "clusterPeerPort: is a privileged port (below 1024) and the daemon runs as an unprivileged user (got 80); use a port between 1024 and 65535, e.g. 6222",
    ],
    [{ clusterPeerPort: "70000" }, 'clusterPeerPort: is out of range (got "70000"); set a whole number between 1 and 65535'],
    [{ dexEnabled: "true", oidcIssuer: "", dexPort: "6223" }, "dexPort: collides with signalPeerPort on the controllers (got 6223); choose a different port"],
    // relays
    [{ relays: undefined }, `relays: needs at least one relay (got nothing); add one with ${SET_RELAY}`],
    [{ relays: "[]" }, `relays: needs at least one relay (got []); add one with ${SET_RELAY}`],
    [{ relays: "[{name: us-east}]" }, `relays: is not valid JSON (got "[{name: us-east}]"); set it as structured config, e.g. ${SET_RELAY}`],
    [
        { relays: [{ name: "us-east", region: "us-east-1" }, { name: "us-east", region: "us-west-2" }] },
        'relays[1].name: duplicates relays[0].name (got "us-east"); give every relay its own name',
    ],
    [
        { relays: [{ name: "US_East", region: "us-east-1" }] },
        'relays[0].name: must be lower-case letters, digits and inner hyphens, at most 40 characters (it becomes the DNS label relay-<name>) (got "US_East"); use a name such as "eu-west"',
    ],
    [
        { relays: [{ name: LONG_NAME, region: "us-east-1" }] },
        `relays[0].name: must be lower-case letters, digits and inner hyphens, at most 40 characters (it becomes the DNS label relay-<name>) (got "${LONG_NAME}"); use a name such as "eu-west"`,
    ],
    [{ relays: [{ name: "eu", region: "eu-west" }] }, 'relays[0].region: does not look like an AWS region (got "eu-west"); use a region code such as eu-west-1'],
    [{ relays: [{ name: "eu" }] }, "relays[0].region: is required (got nothing); set it, e.g. `pulumi config set --path 'relays[0].region' eu-west-1`"],
    [{ relays: [{ name: "eu", regoin: "eu-west-1" }] }, 'relays[0].regoin: is not a relay setting (got "eu-west-1"); use only name, region, instanceType'],
    [{ relays: ["eu-west-1"] }, 'relays[0]: must be an object with name and region (got "eu-west-1"); set relays[0].name and relays[0].region with --path'],
    [
        { relays: [{ name: "eu", region: "eu-west-1", instanceType: "big" }] },
        'relays[0].instanceType: is not an EC2 instance type (got "big"); use a type such as c7i.large',
    ],
    [
        { relayAmiId: "ami-0123456789abcdef0" },
        'relayAmiId: names one AMI but AMI IDs are regional and relays run in 2 regions (got "ami-0123456789abcdef0"); leave it unset to look up the image in each region',
    ],
    [{ relayTls: "none", relayPort: "9090" }, "relayPort: collides with the relay host's metrics port (got 9090); use another port, e.g. 33080"],
    [{ relayTls: "files", relayTlsCertFile: "/etc/c.pem", relayTlsKeyFile: "/etc/k.pem", relayPort: "3478" }, "relayPort: collides with the relay host's STUN port (got 3478); use another port, e.g. 443"],
    [{ relayTls: "route53", relayPort: "22" }, "relayPort: collides with the relay host's SSH port (got 22); use another port, e.g. 443"],
    [
        { relayTls: "none", relayPort: "443" },
        "relayPort: is a privileged port (below 1024), which relays get only with TLS (relayTls none) (got 443); use a port between 1024 and 65535 such as 33080, or turn TLS on with relayTls letsencrypt",
    ],
    [
        { relayPort: "33080" },
        "relayPort: must be 443 with relayTls letsencrypt: Let's Encrypt validates TLS-ALPN-01 on TCP 443 only (got 33080); use 443, or relayTls route53 or files for another port",
    ],
    [{ relayTls: "acme" }, 'relayTls: is not a supported value (got "acme"); use one of: letsencrypt, route53, files, none'],
    [
        { cloud: "gcp", "gcp:region": "europe-west1", relays: [{ name: "eu", region: "europe-west1" }], relayTls: "route53" },
        'relayTls: uses Route 53 DNS-01, which needs AWS, but cloud is gcp (got "route53"); use letsencrypt (TLS-ALPN-01 on port 443) or files',
    ],
    [
        { relayTls: "files", relayTlsKeyFile: "/etc/k.pem" },
        "relayTlsCertFile: is required with relayTls files (got nothing); set the path of the certificate chain on the relay hosts, e.g. `pulumi config set relayTlsCertFile /etc/openzro-relay/tls/fullchain.pem`",
    ],
    [
        { relayTls: "files", relayTlsCertFile: "/etc/c.pem" },
        "relayTlsKeyFile: is required with relayTls files (got nothing); set the path of the private key on the relay hosts, e.g. `pulumi config set relayTlsKeyFile /etc/openzro-relay/tls/privkey.pem`",
    ],
    [{ relayTlsCertFile: "/etc/c.pem" }, 'relayTlsCertFile: is only used with relayTls files (relayTls is letsencrypt) (got "/etc/c.pem"); leave it unset, or use relayTls files'],
    [
        { relayTls: "files", relayTlsCertFile: "certs/c.pem", relayTlsKeyFile: "/etc/k.pem" },
        'relayTlsCertFile: is not an absolute path without spaces (got "certs/c.pem"); use a path such as /etc/openzro-relay/tls/fullchain.pem',
    ],
    [
        { relayTls: "files", relayTlsCertFile: "/etc/c.pem", relayTlsKeyFile: "/root/k.pem" },
        'relayTlsKeyFile: is hidden from the relay by its packaged unit (ProtectHome=true, PrivateTmp=true) (got "/root/k.pem"); use a path under /etc, e.g. /etc/openzro-relay/tls/fullchain.pem',
    ],
    [
        { relayTls: "files", relayTlsCertFile: "/etc/both.pem", relayTlsKeyFile: "/etc/both.pem" },
        'relayTlsKeyFile: is the same file as relayTlsCertFile (got "/etc/both.pem"); point it at the private key, e.g. /etc/openzro-relay/tls/privkey.pem',
    ],
    [
        { relayAcmeEmail: "ops@example.com" },
        "relayAcmeEmail: is ignored with relayTls letsencrypt: openZro's relay registers that Let's Encrypt account without a contact (got \"ops@example.com\"); leave it unset, or use relayTls route53",
    ],
    [{ relayTls: "none", relayAcmeEmail: "ops@example.com" }, 'relayAcmeEmail: is only used with relayTls route53 (relayTls is none) (got "ops@example.com"); leave it unset, or use relayTls route53'],
    [{ relayTls: "route53", relayAcmeEmail: "ops at example" }, 'relayAcmeEmail: is not an email address (got "ops at example"); use an address such as ops@example.com'],
    [{ relayCredentialsTtl: "48h" }, 'relayCredentialsTtl: is longer than the 24h relays accept a token for (got "48h"); use 24h or less'],
    [{ relayCredentialsTtl: "1 day" }, 'relayCredentialsTtl: is not a Go duration (got "1 day"); use a duration such as 24h or 12h30m'],
    [{ relayCredentialsTtl: "30s" }, 'relayCredentialsTtl: is shorter than 1m (got "30s"); use a duration between 1m and 24h, e.g. 24h'],
    // access
    [
        { sshAllowedCidrs: undefined },
        "sshAllowedCidrs: needs at least one network allowed to SSH to the bastion and relays (got nothing); add your admin network, e.g. `pulumi config set --path 'sshAllowedCidrs[0]' 203.0.113.0/24`",
    ],
    [{ sshAllowedCidrs: '["0.0.0.0/0"]' }, 'sshAllowedCidrs[0]: opens SSH to the whole internet (got "0.0.0.0/0"); list your admin networks or VPN egress addresses instead'],
    [{ sshAllowedCidrs: ["203.0.113.0/24", "::/0"] }, 'sshAllowedCidrs[1]: opens SSH to the whole internet (got "::/0"); list your admin networks or VPN egress addresses instead'],
    [{ sshAllowedCidrs: ["203.0.113.5/24"] }, 'sshAllowedCidrs[0]: has host bits set (got "203.0.113.5/24"); use the network address 203.0.113.0/24'],
    [
        { sshAllowedCidrs: ["203.0.113.5"] },
        'sshAllowedCidrs[0]: is not a CIDR block (got "203.0.113.5"); write an address block such as 203.0.113.0/24 or 2001:db8::/32 (a single address is /32)',
    ],
    [{ sshAllowedCidrs: ["203.0.113.0/24", "203.0.113.0/24"] }, 'sshAllowedCidrs[1]: is listed twice (got "203.0.113.0/24"); remove the duplicate'],
    [{ sshUser: "root" }, 'sshUser: cannot be root: cloud images refuse root logins (got "root"); use the image\'s default user, e.g. ubuntu or ec2-user'],
    [{ osFamily: "rhel" }, 'sshUser: is the Ubuntu image user but osFamily is rhel (got "ubuntu"); set sshUser to your image\'s user, e.g. ec2-user'],
    [
        { sshPublicKey: KEY },
        "sshPrivateKey: is required when sshPublicKey is set (got nothing); set both (`pulumi config set --secret sshPrivateKey < key`) or neither to have a key pair generated",
    ],
    [
        { sshPrivateKey: pulumi.secret("k") },
        'sshPublicKey: is required when sshPrivateKey is set (got nothing); set both (`pulumi config set sshPublicKey "$(cat key.pub)"`) or neither to have a key pair generated',
    ],
    [
        { sshPublicKey: "ssh-ed25519 AAAAnotakey", sshPrivateKey: pulumi.secret("k") },
        'sshPublicKey: is not an OpenSSH public key (got "ssh-ed25519 AAAAnotakey"); paste the single line of your .pub file (ssh-ed25519, ssh-rsa or ecdsa-sha2-nistp*)',
    ],
    [{ bastionInstanceType: "micro" }, 'bastionInstanceType: is not an EC2 instance type (got "micro"); use a type such as t3.micro'],
    // database
    [{ dbInstanceClass: "m7g.xlarge" }, 'dbInstanceClass: is not an RDS instance class (got "m7g.xlarge"); use a class starting with db., such as db.m7g.xlarge'],
    [{ dbAllocatedStorageGb: "10" }, 'dbAllocatedStorageGb: is out of range (got "10"); set a whole number between 20 and 65536'],
    [
        { dbMaxAllocatedStorageGb: "105" },
        "dbMaxAllocatedStorageGb: must be at least 10% above dbAllocatedStorageGb 100 for storage autoscaling (got 105); set 110 or more, or leave it unset for 400",
    ],
    [{ dbBackupRetentionDays: "36" }, 'dbBackupRetentionDays: is out of range (got "36"); set a whole number between 1 and 35'],
    [{ dbMultiAz: "maybe" }, 'dbMultiAz: must be a boolean (got "maybe"); set true or false'],
    [{ dbUsername: "postgres" }, 'dbUsername: is reserved by PostgreSQL or RDS (got "postgres"); use another name such as openzro_admin'],
    [{ dbUsername: "rds_owner" }, 'dbUsername: is reserved by PostgreSQL or RDS (got "rds_owner"); use another name such as openzro_admin'],
    [
        { dbUsername: "Admin" },
        'dbUsername: must start with a lower-case letter and use only a-z, 0-9 and _ (at most 63 characters) (got "Admin"); use a name such as openzro_admin',
    ],
    [{ dbEngineVersion: "15" }, 'dbEngineVersion: is older than PostgreSQL 16 (got "15"); use 16 or later'],
    [{ dbEngineVersion: "latest" }, 'dbEngineVersion: is not a PostgreSQL version (got "latest"); use a major version such as 16 or 17'],
    // load balancer
    [{ albIdleTimeoutSeconds: "30" }, 'albIdleTimeoutSeconds: is out of range (got "30"); set a whole number between 60 and 4000'],
    [{ albIdleTimeoutSeconds: "5000" }, 'albIdleTimeoutSeconds: is out of range (got "5000"); set a whole number between 60 and 4000'],
    [{ albDeregistrationDelaySeconds: "-1" }, 'albDeregistrationDelaySeconds: is out of range (got "-1"); set a whole number between 0 and 3600'],
    [{ albHealthCheckIntervalSeconds: "1" }, 'albHealthCheckIntervalSeconds: is out of range (got "1"); set a whole number between 5 and 300'],
    [{ albHealthyThreshold: "1" }, 'albHealthyThreshold: is out of range (got "1"); set a whole number between 2 and 10'],
    [{ albUnhealthyThreshold: "11" }, 'albUnhealthyThreshold: is out of range (got "11"); set a whole number between 2 and 10'],
    [
        { albSslPolicy: "ELBSecurityPolicy-2016-08" },
        'albSslPolicy: is not a TLS 1.2+ ALB security policy (got "ELBSecurityPolicy-2016-08"); use ELBSecurityPolicy-TLS13-1-2-2021-06 (TLS 1.2 and 1.3) or another ELBSecurityPolicy-TLS13-* policy',
    ],
    // identity
    [
        { oidcIssuer: "" },
        "oidcIssuer: is required unless dexEnabled is true (got nothing); set your identity provider's issuer, e.g. `pulumi config set oidcIssuer https://idp.example.com`, or set dexEnabled true",
    ],
    [
        { oidcIssuer: "http://idp.example.com" },
        'oidcIssuer: must be an https URL without query or fragment (management fetches its discovery document at boot) (got "http://idp.example.com"); use the issuer exactly as your identity provider publishes it, e.g. https://idp.example.com',
    ],
    [
        { oidcIssuer: "https://openzro.example.com/dex" },
        'oidcIssuer: points at this deployment, which serves an issuer only when dexEnabled is true (got "https://openzro.example.com/dex"); set dexEnabled true, or use your identity provider\'s issuer URL',
    ],
    [
        { dexEnabled: "true" },
        'oidcIssuer: must be https://openzro.example.com/dex when dexEnabled is true (got "https://idp.example.com"); leave oidcIssuer unset to use Dex, or set dexEnabled false',
    ],
    [{ oidcScopes: "profile email" }, 'oidcScopes: must include openid (got "profile email"); use "openid profile email"'],
    [{ oidcScopes: "openid,profile" }, 'oidcScopes: separates scopes with commas (got "openid,profile"); separate them with spaces, e.g. "openid profile email offline_access"'],
    [
        { oidcClientId: "my client" },
        'oidcClientId: must be a single word without spaces (at most 255 characters) (got "my client"); use the value registered at your identity provider, e.g. openzro-dashboard',
    ],
    [{ idpManagerType: "dex" }, 'idpManagerType: has no dex type in management (got "dex"); use none with Dex'],
    [
        { idpManagerType: "Keycloak" },
        'idpManagerType: is not a manager type management accepts (it would fail to start) (got "Keycloak"); use one of: none, auth0, azure, keycloak, zitadel, authentik, okta, google, jumpcloud',
    ],
    [{ dexEnabled: "true", oidcIssuer: "", idpManagerType: "zitadel" }, 'idpManagerType: must be none when dexEnabled is true (got "zitadel"); set idpManagerType none'],
    [
        { dexEnabled: "true", oidcIssuer: "", dexPort: "80" },
        "dexPort: is a privileged port (below 1024) and the daemon runs as an unprivileged user (got 80); use a port between 1024 and 65535, e.g. 5556",
    ],
    // management
    [
        { managementDnsDomain: "openzro.example.com" },
        'managementDnsDomain: overlaps domain "openzro.example.com": peers would resolve the control plane inside their own DNS domain (got "openzro.example.com"); use a domain that neither contains nor lies inside openzro.example.com, e.g. openzro.selfhosted',
    ],
    [
        { managementDnsDomain: "example.com" },
        'managementDnsDomain: overlaps domain "openzro.example.com": peers would resolve the control plane inside their own DNS domain (got "example.com"); use a domain that neither contains nor lies inside openzro.example.com, e.g. openzro.selfhosted',
    ],
    [
        { managementDnsDomain: "peers.openzro.example.com" },
        'managementDnsDomain: overlaps domain "openzro.example.com": peers would resolve the control plane inside their own DNS domain (got "peers.openzro.example.com"); use a domain that neither contains nor lies inside openzro.example.com, e.g. openzro.selfhosted',
    ],
    [{ flowRetention: "30d" }, 'flowRetention: is not a positive Go duration (got "30d"); use a duration such as 720h (30 days)'],
    [{ geoliteUpdate: "1" }, 'geoliteUpdate: must be a boolean (got "1"); set true or false'],
    [
        { stuns: [{ proto: "UDP", uri: "stun:stun.example.com:3478" }] },
        'stuns[0].proto: must be exactly one of udp, dtls, tcp, http, https (anything else crashes management on the first peer login) (got "UDP"); use udp for a STUN server',
    ],
    [
        { stuns: [{ proto: "udp", uri: "stun.example.com:3478" }] },
        'stuns[0].uri: is not a STUN URI (got "stun.example.com:3478"); use stun:host:port, e.g. stun:stun.example.com:3478',
    ],
    [
        { stuns: [{ proto: "udp", uri: "stun:stun.example.com:99999" }] },
        'stuns[0].uri: is not a STUN URI (got "stun:stun.example.com:99999"); use stun:host:port, e.g. stun:stun.example.com:3478',
    ],
    [
        { stuns: [{ proto: "udp", uri: "turn:turn.example.com:3478?transport=udp" }] },
        'stuns[0].uri: is a TURN URI, but Stuns takes only stun: and stuns: URIs (a TURN server needs credentials) (got "turn:turn.example.com:3478?transport=udp"); use the server\'s stun: URI, e.g. stun:turn.example.com:3478',
    ],
    [
        { stuns: [{ proto: "udp", uri: "stun:stun.example.com:3478?transport=udp" }] },
        'stuns[0].uri: is not a STUN URI (got "stun:stun.example.com:3478?transport=udp"); use stun:host:port, e.g. stun:stun.example.com:3478',
    ],
    [{ stuns: [{ proto: "udp", uri: "stun:a.example.com", password: "x" }] }, 'stuns[0].password: is not a STUN setting (got "x"); use only proto and uri'],
    [
        { stuns: '{"proto":"udp"}' },
        "stuns: must be a list of {proto, uri} (got {\"proto\":\"udp\"}); set entries with `pulumi config set --path 'stuns[0].proto' udp` and `pulumi config set --path 'stuns[0].uri' stun:stun.example.com:3478`",
    ],
];

describe("validateSettings: invalid configurations", () => {
    it("covers at least 25 distinct rules", () => {
        expect(new Set(INVALID.map(([, message]) => message)).size).toBeGreaterThanOrEqual(25);
    });

    it.each(INVALID)("%j", (overrides, message) => {
        const error = errorOf(overrides);
        expect(error).toBeInstanceOf(ConfigError);
        expect(error.message).toBe(message);
        expect(error.message).not.toMatch(/[\r\n]/);
        // Names the key it blames, first, and says what it got.
        expect(error.message.startsWith(`${error.key}: `)).toBe(true);
        expect(error.message).toMatch(/ \(got .+\); /);
    });
});

describe("validateSettings: one-line errors with hostile values", () => {
    it("escapes newlines and cuts long values", () => {
        const e = errorOf({ domain: "a\nb".repeat(60) });
        expect(e.message).not.toMatch(/[\r\n]/);
        expect(e.message).toContain("…");
        expect(e.message.startsWith("domain: ")).toBe(true);
    });
});
