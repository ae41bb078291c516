// The catalogue of config keys (namespace `openzro`): their kind and where their default comes from.
// loadSettings() reads keys from it, the Pulumi.yaml test checks the project file against it, and
// docs/configuration.md documents the same list.

/** Static defaults. Production-safe: staging relaxes them in its own stack file. */
export const DEFAULTS = {
    cloud: "aws",
    size: "medium",
    logLevel: "info",
    tags: {} as Readonly<Record<string, string>>,
    protectResources: true,
    allowUnpromotedDeploy: false,
    secretsBackup: false,
    vpcCidr: "10.40.0.0/16",
    azCount: 3,
    natGateways: "perAz",
    relayVpcCidr: "10.64.0.0/12",
    relayTls: "letsencrypt",
    relayCredentialsTtl: "24h",
    gcpPrivateServicesCidr: "10.100.0.0/16",
    sshUser: "ubuntu",
    dbBackupRetentionDays: 14,
    dbDeletionProtection: true,
    dbSkipFinalSnapshot: false,
    dbPerformanceInsights: false,
    dbUsername: "openzro_admin",
    dbEngineVersion: "16",
    dbAllowMajorVersionUpgrade: false,
    dbApplyImmediately: false,
    albIdleTimeoutSeconds: 3600,
    albDeregistrationDelaySeconds: 30,
    albHealthCheckIntervalSeconds: 10,
    albHealthyThreshold: 2,
    albUnhealthyThreshold: 2,
    albSslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
    staticIngress: false,
    oidcClientId: "openzro-dashboard",
    oidcScopes: "openid profile email offline_access",
    oidcUserIdClaim: "sub",
    idpManagerType: "none",
    oidcDeviceAuthFlow: true,
    dexEnabled: false,
    dexPort: 5556,
    dexGrpcPort: 5557,
    clusterPeerPort: 6222,
    signalPeerPort: 6223,
    managementDnsDomain: "openzro.selfhosted",
    anonymousMetrics: false,
    geoliteUpdate: true,
    disableDefaultPolicy: false,
    flowStore: true,
    flowRetention: "720h",
    osFamily: "debian",
    alarmEmails: [] as readonly string[],
    alarmUnhealthyHosts: 0,
    alarmAlb5xxPercent: 5,
    alarmDbCpuPercent: 80,
    alarmDbFreeStoragePercent: 5,
    alarmDbConnectionsPercent: 80,
    alarmNatPortErrors: 0,
    gameDay: false,
    gameDayStopMinutes: 10,
    deployRunnerInstanceType: "t3.small",
} as const;

/** How a key's value is written in Pulumi config. */
export type KeyKind = "string" | "integer" | "boolean" | "stringList" | "object" | "secret";

/**
 * Where the default comes from:
 * - static: DEFAULTS[key] (Pulumi.yaml carries the same default);
 * - derived: computed from other keys (size preset, controller count, domain, ...);
 * - optional: no default, the feature is off / the lookup is used;
 * - required: the stack must set it.
 * Pulumi.yaml gives derived and optional keys `default: ""` because a project key without a default is
 * required by the Pulumi CLI; the empty string means "not set" everywhere in this module.
 */
export type DefaultRule = "static" | "derived" | "optional" | "required";

export interface KeySpec {
    readonly kind: KeyKind;
    readonly rule: DefaultRule;
}

const spec = <K extends KeyKind, R extends DefaultRule>(kind: K, rule: R) => ({ kind, rule }) as const;

export const CONFIG_KEYS = {
    cloud: spec("string", "static"),
    domain: spec("string", "required"),
    dnsZone: spec("string", "required"),
    size: spec("string", "static"),
    openzroVersion: spec("string", "required"),
    logLevel: spec("string", "static"),
    tags: spec("object", "static"),
    protectResources: spec("boolean", "static"),
    allowUnpromotedDeploy: spec("boolean", "static"),
    secretsBackup: spec("boolean", "static"),
    vpcCidr: spec("string", "static"),
    azCount: spec("integer", "static"),
    natGateways: spec("string", "static"),
    relayVpcCidr: spec("string", "static"),
    controllerCount: spec("integer", "derived"),
    controllerInstanceType: spec("string", "derived"),
    controllerRootVolumeGb: spec("integer", "derived"),
    controllerAmiId: spec("string", "optional"),
    relays: spec("object", "required"),
    relayInstanceType: spec("string", "derived"),
    relayRootVolumeGb: spec("integer", "derived"),
    relayAmiId: spec("string", "optional"),
    relayPort: spec("integer", "derived"),
    relayTls: spec("string", "static"),
    relayAcmeEmail: spec("string", "optional"),
    relayTlsCertFile: spec("string", "optional"),
    relayTlsKeyFile: spec("string", "optional"),
    relayCredentialsTtl: spec("string", "static"),
    bastionInstanceType: spec("string", "derived"),
    sshUser: spec("string", "static"),
    sshAllowedCidrs: spec("stringList", "required"),
    sshPublicKey: spec("string", "optional"),
    sshPrivateKey: spec("secret", "optional"),
    dbInstanceClass: spec("string", "derived"),
    dbAllocatedStorageGb: spec("integer", "derived"),
    dbMaxAllocatedStorageGb: spec("integer", "derived"),
    dbMultiAz: spec("boolean", "derived"),
    dbBackupRetentionDays: spec("integer", "static"),
    dbDeletionProtection: spec("boolean", "static"),
    dbSkipFinalSnapshot: spec("boolean", "static"),
    dbPerformanceInsights: spec("boolean", "static"),
    dbUsername: spec("string", "static"),
    dbEngineVersion: spec("string", "static"),
    dbMaxConnections: spec("integer", "derived"),
    managementDbPoolSize: spec("integer", "derived"),
    dbAllowMajorVersionUpgrade: spec("boolean", "static"),
    dbApplyImmediately: spec("boolean", "static"),
    albIdleTimeoutSeconds: spec("integer", "static"),
    albDeregistrationDelaySeconds: spec("integer", "static"),
    albHealthCheckIntervalSeconds: spec("integer", "static"),
    albHealthyThreshold: spec("integer", "static"),
    albUnhealthyThreshold: spec("integer", "static"),
    albSslPolicy: spec("string", "static"),
    staticIngress: spec("boolean", "static"),
    oidcIssuer: spec("string", "derived"),
    oidcClientId: spec("string", "static"),
    oidcAudience: spec("string", "derived"),
    oidcScopes: spec("string", "static"),
    oidcUserIdClaim: spec("string", "static"),
    oidcClientSecret: spec("secret", "optional"),
    idpManagerType: spec("string", "static"),
    oidcDeviceAuthFlow: spec("boolean", "static"),
    dexEnabled: spec("boolean", "static"),
    dexPort: spec("integer", "static"),
    dexGrpcPort: spec("integer", "static"),
    clusterCoordinator: spec("string", "derived"),
    clusterPeerPort: spec("integer", "static"),
    signalPeerPort: spec("integer", "static"),
    clusterUrl: spec("secret", "optional"),
    managementDnsDomain: spec("string", "static"),
    anonymousMetrics: spec("boolean", "static"),
    geoliteUpdate: spec("boolean", "static"),
    disableDefaultPolicy: spec("boolean", "static"),
    flowStore: spec("boolean", "static"),
    flowRetention: spec("string", "static"),
    stuns: spec("object", "derived"),
    osFamily: spec("string", "static"),
    promoteFromStack: spec("string", "optional"),
    alarmEmails: spec("stringList", "static"),
    alarmUnhealthyHosts: spec("integer", "static"),
    alarmAlb5xxPercent: spec("integer", "static"),
    alarmDbCpuPercent: spec("integer", "static"),
    alarmDbFreeStoragePercent: spec("integer", "static"),
    alarmDbConnectionsPercent: spec("integer", "static"),
    alarmNatPortErrors: spec("integer", "static"),
    gameDay: spec("boolean", "static"),
    gameDayStopMinutes: spec("integer", "static"),
    metricsAgent: spec("boolean", "derived"),
    deployRunnerRepository: spec("string", "optional"),
    deployRunnerInstanceType: spec("string", "static"),
    deployRunnerGithubToken: spec("secret", "optional"),
    gcpZones: spec("stringList", "optional"),
    gcpImage: spec("string", "optional"),
    gcpDnsManagedZone: spec("string", "derived"),
    gcpPrivateServicesCidr: spec("string", "static"),
} as const satisfies Record<string, KeySpec>;

export type ConfigKey = keyof typeof CONFIG_KEYS;
export type SecretKey = { [K in ConfigKey]: (typeof CONFIG_KEYS)[K]["kind"] extends "secret" ? K : never }[ConfigKey];
export type PlainKey = Exclude<ConfigKey, SecretKey>;

export const SECRET_KEYS = (Object.keys(CONFIG_KEYS) as ConfigKey[]).filter(
    (k) => CONFIG_KEYS[k].kind === "secret",
) as SecretKey[];
export const PLAIN_KEYS = (Object.keys(CONFIG_KEYS) as ConfigKey[]).filter(
    (k) => CONFIG_KEYS[k].kind !== "secret",
) as PlainKey[];
