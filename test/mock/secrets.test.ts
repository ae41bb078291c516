// ClusterSecrets: generated once per stack, secret everywhere, and untouched by any configuration change
// (no keepers, no config inputs), so a `pulumi up` after editing config never replaces them.
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { ClusterSecrets } from "../../components/host/secrets";
import { PlanResource, REPO_ROOT, isSecretOutput, planStack, runComponent, unwrapSecrets, valueOf } from "../support";

const TOKEN = "openzro:host:ClusterSecrets";

describe("ClusterSecrets component", () => {
    let run: Awaited<ReturnType<typeof runComponent<ClusterSecrets>>>;
    beforeAll(async () => {
        run = await runComponent(() => new ClusterSecrets("openzro", {}));
    });

    test("every output is a secret Output", async () => {
        const s = run.result;
        for (const output of [s.relayAuthSecret, s.dataStoreEncryptionKey, s.managementWgPrivateKey, s.coordinatorPassword]) {
            expect(await isSecretOutput(output)).toBe(true);
        }
    });

    test("values have the formats openZro needs", async () => {
        const s = run.result;
        expect(Buffer.from(await valueOf(s.dataStoreEncryptionKey), "base64")).toHaveLength(32);
        const wg = Buffer.from(await valueOf(s.managementWgPrivateKey), "base64");
        expect(wg).toHaveLength(32);
        expect([wg[0] & 7, wg[31] & 0x80, wg[31] & 0x40]).toEqual([0, 0, 0x40]);
        expect(await valueOf(s.relayAuthSecret)).toMatch(/^[A-Za-z0-9]{48}$/);
        expect(await valueOf(s.coordinatorPassword)).toMatch(/^[A-Za-z0-9_-]{32}$/);
    });

    test("four random resources under the component, no keepers, secret outputs declared", () => {
        const component = run.one(TOKEN);
        const children = run.resources.filter((r) => r.parent === component.urn);
        const summary = Object.fromEntries(children.map((r) => [r.name, { type: r.type, inputs: run.inputsOf(r) }]));
        expect(summary).toEqual({
            "openzro-relay-auth-secret": { type: "random:index/randomPassword:RandomPassword", inputs: expect.objectContaining({ length: 48, special: false }) },
            "openzro-datastore-encryption-key": { type: "random:index/randomBytes:RandomBytes", inputs: { length: 32 } },
            "openzro-management-wg-private-key": { type: "random:index/randomBytes:RandomBytes", inputs: { length: 32 } },
            "openzro-coordinator-password": { type: "random:index/randomPassword:RandomPassword", inputs: expect.objectContaining({ length: 32, special: true, overrideSpecial: "-_" }) },
        });
        for (const r of children) {
            expect(r.inputs).not.toHaveProperty("keepers");
            expect(r.options.additionalSecretOutputs.length).toBeGreaterThan(0);
        }
    });
});

/** Keys that cannot differ in a valid configuration, and why. */
const UNCHANGEABLE: Record<string, string> = {
    cloud: "another cloud is another stack; this configuration stays on aws",
    gcpZones: "GCP-only, rejected on aws",
    gcpImage: "GCP-only, rejected on aws",
    gcpDnsManagedZone: "GCP-only, rejected on aws",
    gcpPrivateServicesCidr: "GCP-only, rejected on aws",
    idpManagerType: "must stay none with dexEnabled, which this configuration flips",
    relayAcmeEmail: "only valid with relayTls route53; this configuration uses files to change the path keys",
    gameDay: "needs a Multi-AZ database and no zone holding a majority, which this configuration flips",
};

/**
 * A second configuration that differs from Pulumi.production.yaml in every other non-secret key the program
 * reads (checked against Pulumi.yaml below), still valid.
 */
const DIFFERENT: Record<string, unknown> = {
    "aws:region": "eu-west-1",
    domain: "zro.example.org",
    dnsZone: "example.org",
    size: "large",
    openzroVersion: "0.54.0",
    logLevel: "debug",
    protectResources: false,
    allowUnpromotedDeploy: true,
    secretsBackup: true,
    osFamily: "rhel",
    promoteFromStack: "acme/openzro/staging",
    // Adding the CI deploy runner (it needs its token) must not touch the cluster's secrets either.
    deployRunnerRepository: "acme/openzro-deploy",
    deployRunnerInstanceType: "t3.medium",
    deployRunnerGithubToken: "github_pat_secrets_test_token",
    vpcCidr: "10.50.0.0/16",
    azCount: 2,
    natGateways: "single",
    relayVpcCidr: "10.96.0.0/12",
    controllerCount: 5,
    controllerInstanceType: "m7i.xlarge",
    controllerRootVolumeGb: 150,
    controllerAmiId: "ami-0123456789abcdef0",
    relays: [
        { name: "one", region: "eu-central-1" },
        { name: "two", region: "eu-central-1" },
    ],
    relayInstanceType: "t3.medium",
    relayRootVolumeGb: 30,
    relayAmiId: "ami-0fedcba9876543210",
    relayPort: 34000,
    relayTls: "files",
    relayTlsCertFile: "/etc/openzro-relay/tls/fullchain.pem",
    relayTlsKeyFile: "/etc/openzro-relay/tls/privkey.pem",
    relayCredentialsTtl: "12h",
    bastionInstanceType: "t3.small",
    sshUser: "ec2-user",
    sshAllowedCidrs: ["198.51.100.0/24"],
    sshPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOwnr5Ol7bAYCQ3LRd1OExampleKeyOnlyForTests ops@example.org",
    sshPrivateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nexample\n-----END OPENSSH PRIVATE KEY-----\n",
    dbInstanceClass: "db.r7g.large",
    dbAllocatedStorageGb: 200,
    dbMaxAllocatedStorageGb: 1000,
    dbMultiAz: false,
    dbBackupRetentionDays: 21,
    dbDeletionProtection: false,
    dbSkipFinalSnapshot: true,
    dbPerformanceInsights: true,
    dbUsername: "zro_admin",
    dbEngineVersion: "17",
    dbMaxConnections: 800,
    managementDbPoolSize: 30,
    dbAllowMajorVersionUpgrade: true,
    dbApplyImmediately: true,
    albIdleTimeoutSeconds: 1800,
    albDeregistrationDelaySeconds: 60,
    albHealthCheckIntervalSeconds: 15,
    albHealthyThreshold: 3,
    albUnhealthyThreshold: 3,
    albSslPolicy: "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
    staticIngress: true,
    // With Dex enabled the issuer must be Dex at <domain>/dex (still different from production's).
    oidcIssuer: "https://zro.example.org/dex",
    oidcClientId: "zro-dashboard",
    oidcAudience: "zro-api",
    oidcScopes: "openid email",
    oidcUserIdClaim: "email",
    oidcDeviceAuthFlow: false,
    dexEnabled: true,
    dexPort: 5600,
    dexGrpcPort: 5601,
    clusterCoordinator: "nats",
    clusterPeerPort: 7222,
    signalPeerPort: 7223,
    managementDnsDomain: "peers.zro.internal",
    anonymousMetrics: true,
    geoliteUpdate: false,
    disableDefaultPolicy: true,
    flowStore: false,
    flowRetention: "168h",
    stuns: [{ proto: "udp", uri: "stun:stun.example.org:3478" }],
    tags: { team: "network" },
    alarmEmails: ["oncall@example.org"],
    alarmUnhealthyHosts: 1,
    alarmAlb5xxPercent: 10,
    alarmDbCpuPercent: 90,
    alarmDbFreeStoragePercent: 10,
    alarmDbConnectionsPercent: 70,
    alarmNatPortErrors: 5,
    gameDayStopMinutes: 5,
    metricsAgent: false,
};

describe("no configuration change regenerates the stack's secrets", () => {
    test("the override set really touches every non-secret key of Pulumi.yaml (and the object-valued ones)", () => {
        const schema = (yaml.load(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8")) as { config: Record<string, { secret?: boolean }> }).config;
        const nonSecret = Object.entries(schema).filter(([, v]) => !v.secret).map(([k]) => k);
        const missing = nonSecret.filter((k) => !(k in DIFFERENT));
        expect(missing.sort()).toEqual(Object.keys(UNCHANGEABLE).sort());
        for (const objectKey of ["relays", "stuns", "tags"]) expect(DIFFERENT).toHaveProperty(objectKey);
    });

    test("two programs whose config differs in every key register the same secret resources (same URNs and inputs)", async () => {
        const secretsOf = (resources: readonly PlanResource[]) => {
            const component = resources.filter((r) => r.type === TOKEN);
            expect(component).toHaveLength(1);
            return resources
                .filter((r) => r.parent === component[0].urn)
                .map((r) => ({ urn: r.urn, type: r.type, inputs: unwrapSecrets(r.inputs), dependencies: r.dependencies }));
        };
        const production = await planStack({ stack: "production" });
        const other = await planStack({
            stack: "production",
            configOverrides: Object.fromEntries(Object.entries(DIFFERENT).map(([k, v]) => [k.includes(":") ? k : `openzro:${k}`, v])),
            stackOutputsOf: { "acme/openzro/staging": { openzroVersion: "0.54.0" } },
        });
        // The second evaluation really is a different deployment.
        expect(other.settings.domain).not.toBe(production.settings.domain);
        expect(other.settings.controllers.count).toBe(5);
        expect(other.resources.length).not.toBe(production.resources.length);

        const a = secretsOf(production.resources);
        expect(a).toHaveLength(4);
        expect(secretsOf(other.resources)).toEqual(a);
    }, 300_000);
});
