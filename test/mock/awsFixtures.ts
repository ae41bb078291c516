// A complete, valid Settings for AWS footprint tests, written out by hand (not produced by the code under test), with
// per-test overrides of whole sections.
import * as pulumi from "@pulumi/pulumi";
import type { Settings } from "../../components/config/types";

type Sections = { [K in keyof Settings]?: Settings[K] extends object ? Partial<Settings[K]> | Settings[K] : Settings[K] };

export function awsTestSettings(overrides: Sections = {}): Settings {
    const base: Settings = {
        cloud: "aws",
        domain: "vpn.example.com",
        dnsZone: "example.com",
        size: "medium",
        openzroVersion: "0.53.1",
        logLevel: "info",
        region: "eu-central-1",
        tags: { CostCenter: "networking" },
        protectResources: true,
        allowUnpromotedDeploy: false,
        secretsBackup: false,
        network: { vpcCidr: "10.40.0.0/16", azCount: 3, natGateways: "perAz", relayVpcCidr: "10.200.0.0/16" },
        controllers: { count: 3, instanceType: "c7i.xlarge", rootVolumeGb: 100 },
        relay: { port: 443, tls: "letsencrypt", rootVolumeGb: 40, credentialsTtl: "24h" },
        relays: [
            { name: "fra", region: "eu-central-1", instanceType: "c7i.large" },
            { name: "use", region: "us-east-1", instanceType: "t4g.small" },
            { name: "use2", region: "us-east-1", instanceType: "c7i.large" },
            { name: "bom", region: "ap-south-1", instanceType: "c7g.large" },
        ],
        bastion: { instanceType: "t3.micro" },
        ssh: { user: "ubuntu", allowedCidrs: ["198.51.100.0/24", "203.0.113.7/32"] },
        database: {
            engineVersion: "16",
            allowMajorVersionUpgrade: false,
            applyImmediately: false,
            instanceClass: "db.m7g.xlarge",
            allocatedStorageGb: 100,
            maxAllocatedStorageGb: 500,
            multiAz: true,
            backupRetentionDays: 14,
            deletionProtection: true,
            skipFinalSnapshot: false,
            performanceInsights: true,
            username: "openzro",
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
            clientId: "openzro",
            audience: "openzro",
            scopes: "openid profile email offline_access",
            userIdClaim: "sub",
            idpManagerType: "none",
            deviceAuthFlow: false,
        },
        dex: { enabled: false, port: 5556, grpcPort: 5557 },
        cluster: { coordinator: "embedded", peerPort: 6222, signalPeerPort: 6223 },
        management: {
            dnsDomain: "openzro.internal",
            anonymousMetrics: false,
            geoliteUpdate: false,
            disableDefaultPolicy: false,
            flowStore: true,
            flowRetention: "720h",
            dbPoolSize: 25,
        },
        stuns: [{ proto: "udp", uri: "stun:stun.example.com:3478" }],
        hosts: { osFamily: "debian" },
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
    const merged: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(overrides)) {
        const current = (base as unknown as Record<string, unknown>)[key];
        merged[key] =
            value && typeof value === "object" && !Array.isArray(value) && current && typeof current === "object" && !Array.isArray(current)
                ? { ...current, ...value }
                : value;
    }
    return merged as unknown as Settings;
}

/** The staging shape: one controller, relaxed data protection. */
export function awsStagingSettings(): Settings {
    return awsTestSettings({
        size: "small",
        protectResources: false,
        network: { azCount: 2, natGateways: "single" },
        controllers: { count: 1, instanceType: "t3.medium", rootVolumeGb: 60 },
        cluster: { coordinator: "none", peerPort: 6222, signalPeerPort: 6223 },
        database: { multiAz: false, deletionProtection: false, skipFinalSnapshot: true, performanceInsights: false, backupRetentionDays: 1 },
        relays: [{ name: "fra", region: "eu-central-1", instanceType: "t3.small" }],
    });
}

/** A configured key pair instead of a generated one. */
export function withConfiguredKey(settings: Settings, privateKey: string): Settings {
    return { ...settings, ssh: { ...settings.ssh, publicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFixtureKey operator", privateKey: pulumi.secret(privateKey) } };
}
