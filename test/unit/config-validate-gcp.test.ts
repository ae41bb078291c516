// validateSettings for cloud gcp: a valid GCP stack becomes Settings with GCP types and a gcp section; every
// GCP-specific mistake (and every AWS-only setting given on GCP) is one exact line `<key>: <problem> (got <v>); <fix>`.
import { ConfigError, validateSettings, type RawConfig } from "../../components/config/load";
import type { Settings } from "../../components/config/types";

/** Values as `pulumi.Config.get` delivers them: text, JSON text for lists and objects. */
const GCP_BASE: RawConfig = {
    cloud: "gcp",
    "gcp:project": "acme-openzro-prod",
    "gcp:region": "europe-west1",
    domain: "openzro.example.com",
    dnsZone: "example.com",
    openzroVersion: "0.53.1",
    oidcIssuer: "https://idp.example.com",
    relays: JSON.stringify([
        { name: "eu-west", region: "europe-west1" },
        { name: "us-east", region: "us-east1" },
    ]),
    sshAllowedCidrs: JSON.stringify(["203.0.113.0/24"]),
};

type Overrides = Partial<Record<keyof RawConfig, unknown>>;

function valid(overrides: Overrides = {}): Settings {
    return validateSettings({ ...GCP_BASE, ...overrides } as RawConfig);
}

function messageOf(overrides: Overrides): string {
    try {
        valid(overrides);
    } catch (e) {
        if (e instanceof ConfigError) return e.message;
        throw e;
    }
    throw new Error(`expected a ConfigError for ${JSON.stringify(overrides)}`);
}

describe("validateSettings, cloud gcp: a minimal valid stack", () => {
    const s = valid();

    it("takes the project and region from the gcp namespace", () => {
        expect([s.cloud, s.region]).toEqual(["gcp", "europe-west1"]);
        expect(s.gcp).toEqual({ project: "acme-openzro-prod", dnsManagedZone: "example-com", privateServicesCidr: "10.100.0.0/16" });
    });

    it("sizes hosts with Compute Engine machine types and the database with a Cloud SQL tier (medium preset)", () => {
        expect(s.controllers).toEqual({ count: 3, instanceType: "n2-standard-4", rootVolumeGb: 100 });
        expect(s.relays.map((r) => r.instanceType)).toEqual(["n2-standard-2", "n2-standard-2"]);
        expect(s.bastion.instanceType).toBe("e2-micro");
        expect(s.database.instanceClass).toBe("db-custom-4-8192");
        expect(s.database.multiAz).toBe(true);
    });

    it("accepts configured zones, a pinned image, an Arm relay and a custom tier", () => {
        const t = valid({
            gcpZones: JSON.stringify(["europe-west1-b", "europe-west1-c", "europe-west1-d"]),
            gcpImage: "projects/ubuntu-os-cloud/global/images/ubuntu-2404-noble-amd64-v20250110",
            relays: JSON.stringify([{ name: "eu-west", region: "europe-west1", instanceType: "t2a-standard-2" }]),
            dbInstanceClass: "db-custom-2-7680",
            tags: JSON.stringify({ team: "platform-net" }),
        });
        expect(t.gcp?.zones).toEqual(["europe-west1-b", "europe-west1-c", "europe-west1-d"]);
        expect(t.gcp?.image).toBe("projects/ubuntu-os-cloud/global/images/ubuntu-2404-noble-amd64-v20250110");
        expect(t.relays[0].instanceType).toBe("t2a-standard-2");
        expect(t.database.instanceClass).toBe("db-custom-2-7680");
    });

    it("keeps AWS stacks free of a gcp section", () => {
        const aws = validateSettings({
            ...GCP_BASE,
            cloud: "aws",
            "aws:region": "us-east-1",
            relays: JSON.stringify([{ name: "a", region: "us-east-1" }]),
        } as RawConfig);
        expect(aws.gcp).toBeUndefined();
        expect(aws.bastion.instanceType).toBe("t3.micro");
    });
});

const ZONES = (...z: string[]) => JSON.stringify(z);
const NO_ALARMS = "the alarms are CloudWatch alarms and the GCP footprint creates no alerting (set up Cloud Monitoring alerts yourself, docs/runbook.md)";
const NO_RUNNER = "the CI deploy runner is an EC2 instance and the GCP footprint creates none (on GCP you register the runner yourself)";

// [overrides, exact message]. Each row breaks one GCP rule.
const INVALID: Array<[Overrides, string]> = [
    // project and region
    [{ "gcp:project": undefined }, "gcp:project: is required for cloud gcp (got nothing); set it, e.g. `pulumi config set gcp:project my-project-id`"],
    [
        { "gcp:project": "Acme Prod" },
        'gcp:project: is not a GCP project ID (got "Acme Prod"); use the project ID (not its display name or number): 6-30 lower-case letters, digits and hyphens, starting with a letter',
    ],
    [{ "gcp:region": undefined }, "gcp:region: is required for cloud gcp (got nothing); set it, e.g. `pulumi config set gcp:region us-central1`"],
    [
        { "gcp:region": "eu-west-1" },
        'gcp:region: is an AWS region code but cloud is gcp (got "eu-west-1"); use a GCP region such as us-central1 (GCP writes them without the last hyphen, e.g. us-east1)',
    ],
    [{ "gcp:region": "europe-west1-b" }, 'gcp:region: is a GCP zone, not a region (got "europe-west1-b"); use the region "europe-west1"'],
    [
        { relays: JSON.stringify([{ name: "us-east", region: "us-east-1" }]) },
        'relays[0].region: is an AWS region code but cloud is gcp (got "us-east-1"); use a GCP region such as europe-west1 (GCP writes them without the last hyphen, e.g. us-east1)',
    ],
    // zones
    [
        { gcpZones: ZONES("us-east1-b", "europe-west1-c", "europe-west1-d") },
        'gcpZones[0]: is not in the stack\'s region europe-west1 (got "us-east1-b"); use zones of europe-west1, e.g. europe-west1-b',
    ],
    [{ gcpZones: ZONES("europe-west1", "europe-west1-c", "europe-west1-d") }, 'gcpZones[0]: is not a GCP zone (got "europe-west1"); use a zone of europe-west1 such as europe-west1-b'],
    [
        { gcpZones: ZONES("europe-west1-b", "europe-west1-b", "europe-west1-d") },
        'gcpZones[1]: is listed twice (got "europe-west1-b"); list each zone once: controllers are spread over distinct zones',
    ],
    [
        { gcpZones: ZONES("europe-west1-b", "europe-west1-c") },
        'gcpZones: lists 2 zones but azCount is 3 (got ["europe-west1-b","europe-west1-c"]); list exactly 3 zones, or set azCount to 2',
    ],
    // machine types and tiers
    [{ controllerInstanceType: "c7i.xlarge" }, 'controllerInstanceType: is an EC2 instance type but cloud is gcp (got "c7i.xlarge"); use a Compute Engine machine type such as n2-standard-4'],
    [
        { controllerInstanceType: "n2-standard" },
        'controllerInstanceType: is not a Compute Engine machine type (got "n2-standard"); use a machine type such as n2-standard-4 (<series>-<kind>-<vCPUs>, or e2-micro/e2-small/e2-medium)',
    ],
    [
        { controllerInstanceType: "t2a-standard-4" },
        'controllerInstanceType: is an Arm machine type but controllers must be x86_64: the openzro-dashboard package is amd64-only (got "t2a-standard-4"); use an x86_64 machine type such as n2-standard-4',
    ],
    [
        { relays: JSON.stringify([{ name: "eu-west", region: "europe-west1", instanceType: "t3.small" }]) },
        'relays[0].instanceType: is an EC2 instance type but cloud is gcp (got "t3.small"); use a Compute Engine machine type such as n2-standard-2',
    ],
    [{ bastionInstanceType: "t3.micro" }, 'bastionInstanceType: is an EC2 instance type but cloud is gcp (got "t3.micro"); use a Compute Engine machine type such as e2-micro'],
    [{ dbInstanceClass: "db.m7g.xlarge" }, 'dbInstanceClass: is an RDS instance class but cloud is gcp (got "db.m7g.xlarge"); use a Cloud SQL tier such as db-custom-4-8192'],
    [
        { dbInstanceClass: "db-custom-4-2048" },
        'dbInstanceClass: has a memory size Cloud SQL does not offer for its vCPUs (got "db-custom-4-2048"); use 0.9 to 6.5 GB per vCPU in multiples of 256 MB, e.g. db-custom-4-16384',
    ],
    [
        { dbInstanceClass: "db-custom-3-7680" },
        'dbInstanceClass: has a vCPU count Cloud SQL does not offer (got "db-custom-3-7680"); use 1 or an even number of vCPUs up to 96, e.g. db-custom-4-8192',
    ],
    [{ dbEngineVersion: "16.4" }, 'dbEngineVersion: names a minor version but Cloud SQL takes only the major version (got "16.4"); use "16"'],
    [{ dbUsername: "cloudsqladmin" }, 'dbUsername: is reserved by Cloud SQL (cloudsql* roles) (got "cloudsqladmin"); use another name such as openzro_admin'],
    // AWS-only settings
    [
        { natGateways: "single" },
        'natGateways: is an AWS setting and cloud is gcp: Cloud NAT is one regional, highly available service (got "single"); remove it (the default perAz is ignored on GCP)',
    ],
    [
        { albSslPolicy: "ELBSecurityPolicy-TLS13-1-3-2021-06" },
        'albSslPolicy: is an AWS setting and cloud is gcp: GCP\'s load balancer uses its own SSL policy (MODERN profile, TLS 1.2 minimum) (got "ELBSecurityPolicy-TLS13-1-3-2021-06"); remove it',
    ],
    [
        { albIdleTimeoutSeconds: "600" },
        "albIdleTimeoutSeconds: is an AWS setting and cloud is gcp: GCP has no ALB idle timeout (gRPC backend services get a one-day stream timeout) (got 600); remove it",
    ],
    [{ controllerAmiId: "ami-0123456789abcdef0" }, 'controllerAmiId: is an AWS setting (an AMI) and cloud is gcp (got "ami-0123456789abcdef0"); remove it; pin the GCP boot image with gcpImage'],
    [{ relayAmiId: "ami-0123456789abcdef0" }, 'relayAmiId: is an AWS setting (an AMI) and cloud is gcp (got "ami-0123456789abcdef0"); remove it; pin the GCP boot image with gcpImage'],
    [{ secretsBackup: "true" }, "secretsBackup: is an AWS setting and cloud is gcp: the backup copy goes to AWS Secrets Manager and the GCP footprint has none yet (got true); remove it"],
    [{ staticIngress: "true" }, "staticIngress: is an AWS setting and cloud is gcp: GCP's global load balancer already has one static address (got true); remove it"],
    [{ dbAllowMajorVersionUpgrade: "true" }, "dbAllowMajorVersionUpgrade: is an AWS setting and cloud is gcp: the Cloud SQL footprint does not read it (got true); remove it"],
    [{ dbApplyImmediately: "true" }, "dbApplyImmediately: is an AWS setting and cloud is gcp: the Cloud SQL footprint does not read it (got true); remove it"],
    // alarms (CloudWatch), the FIS game day and the EC2 deploy runner: never silently ignored on GCP
    ...(
        [
            ["alarmUnhealthyHosts", "1", 1],
            ["alarmAlb5xxPercent", "10", 10],
            ["alarmDbCpuPercent", "90", 90],
            ["alarmDbFreeStoragePercent", "10", 10],
            ["alarmDbConnectionsPercent", "90", 90],
            ["alarmNatPortErrors", "5", 5],
        ] as const
    ).map(([key, raw, got]): [Overrides, string] => [
        { [key]: raw },
        `${key}: is an AWS setting and cloud is gcp: ${NO_ALARMS} (got ${got}); remove it (\`pulumi config rm ${key}\`)`,
    ]),
    [{ alarmEmails: JSON.stringify(["oncall@example.com"]) }, `alarmEmails: is an AWS setting and cloud is gcp: ${NO_ALARMS} (got ["oncall@example.com"]); remove it (\`pulumi config rm alarmEmails\`)`],
    [
        { gameDay: "true" },
        "gameDay: builds an AWS Fault Injection Service experiment, not available with cloud gcp (got true); set gameDay to false and follow the GCP game-day procedure in docs/runbook.md",
    ],
    [
        { gameDayStopMinutes: "15" },
        "gameDayStopMinutes: is an AWS setting and cloud is gcp: it times the AWS Fault Injection Service experiment; the GCP game day is run by hand (got 15); remove it and choose the stop time in the GCP game-day procedure (docs/runbook.md)",
    ],
    [{ deployRunnerRepository: "acme/openzro-deploy" }, `deployRunnerRepository: is an AWS setting and cloud is gcp: ${NO_RUNNER} (got "acme/openzro-deploy"); remove it and register a runner labelled openzro-<stack> (docs/promotion.md, "GCP: a runner you register")`],
    [{ deployRunnerInstanceType: "e2-small" }, `deployRunnerInstanceType: is an AWS setting and cloud is gcp: ${NO_RUNNER} (got "e2-small"); remove it`],
    [{ deployRunnerGithubToken: "github_pat_0123456789abcdef" }, `deployRunnerGithubToken: is an AWS setting and cloud is gcp: ${NO_RUNNER} (got "[secret]"); remove it with \`pulumi config rm deployRunnerGithubToken\``],
    // image, DNS, private services, labels
    [
        { gcpImage: "ubuntu-2404-lts-amd64" },
        'gcpImage: is not a Compute Engine image reference (got "ubuntu-2404-lts-amd64"); use projects/<project>/global/images/<image name>, e.g. projects/ubuntu-os-cloud/global/images/ubuntu-2404-noble-amd64-v20250110',
    ],
    [{ osFamily: "rhel", sshUser: "cloud-user" }, 'osFamily: is rhel but the default GCP image is Ubuntu 24.04 (got "rhel"); set gcpImage to a RHEL-family image, or use osFamily debian'],
    [
        { dnsZone: "example.org" },
        'dnsZone: does not contain domain "openzro.example.com" (got "example.org"); set dnsZone to the hosted zone that holds the domain (the domain itself or a parent of it)',
    ],
    [
        { gcpDnsManagedZone: "example.com" },
        'gcpDnsManagedZone: is not a Cloud DNS managed-zone name (got "example.com"); use the zone\'s resource name as `gcloud dns managed-zones list` shows it (lower-case letters, digits, hyphens), not its DNS name',
    ],
    [
        { gcpPrivateServicesCidr: "10.40.128.0/20" },
        'gcpPrivateServicesCidr: overlaps vpcCidr 10.40.0.0/16: Cloud SQL\'s addresses would collide with the hosts\' (got "10.40.128.0/20"); choose a block that overlaps neither vpcCidr nor relayVpcCidr, e.g. 10.100.0.0/16',
    ],
    [
        { gcpPrivateServicesCidr: "10.100.0.0/25" },
        'gcpPrivateServicesCidr: is smaller than the /24 Google requires for private services access (got "10.100.0.0/25"); use a /24 or larger (Google recommends a /16), e.g. 10.100.0.0/16',
    ],
    [
        { tags: JSON.stringify({ CostCenter: "networking" }) },
        'tags.CostCenter: is not a valid GCP label key (tags become labels on GCP) (got "CostCenter"); use a lower-case letter, then up to 62 lower-case letters, digits, _ or -',
    ],
    [
        { tags: JSON.stringify({ team: "Platform Net" }) },
        'tags.team: is not a valid GCP label value (tags become labels on GCP) (got "Platform Net"); use at most 63 lower-case letters, digits, _ or -',
    ],
];

describe("validateSettings, cloud gcp: one exact line per mistake", () => {
    it("covers at least 15 distinct GCP mistakes", () => {
        expect(new Set(INVALID.map(([, message]) => message)).size).toBeGreaterThanOrEqual(15);
    });

    it.each(INVALID)("%j", (overrides, message) => {
        const actual = messageOf(overrides);
        expect(actual).toBe(message);
        expect(actual).not.toMatch(/[\r\n]/);
    });
});

describe("AWS-only settings at their defaults on GCP", () => {
    it("pass: a default is not a setting (Pulumi.yaml hands every static default to the program)", () => {
        const s = valid({ alarmEmails: "[]", alarmUnhealthyHosts: "0", alarmAlb5xxPercent: "5", gameDay: "false", gameDayStopMinutes: "10", deployRunnerInstanceType: "t3.small", secretsBackup: "false", staticIngress: "false" });
        expect([s.alarms.emails, s.gameDay.enabled, s.deployRunner]).toEqual([[], false, undefined]);
    });

    it("every AWS-only key of the catalogue is covered by a row above or is read by the GCP footprint", () => {
        const rejected = new Set(INVALID.flatMap(([overrides]) => Object.keys(overrides)));
        const awsOnly = ["natGateways", "albSslPolicy", "albIdleTimeoutSeconds", "controllerAmiId", "relayAmiId", "secretsBackup", "staticIngress",
            "dbAllowMajorVersionUpgrade", "dbApplyImmediately", "alarmEmails", "alarmUnhealthyHosts", "alarmAlb5xxPercent", "alarmDbCpuPercent",
            "alarmDbFreeStoragePercent", "alarmDbConnectionsPercent", "alarmNatPortErrors", "gameDay", "gameDayStopMinutes",
            "deployRunnerRepository", "deployRunnerInstanceType", "deployRunnerGithubToken"];
        expect(awsOnly.filter((k) => !rejected.has(k))).toEqual([]);
    });
});

describe("GCP settings in an AWS stack", () => {
    const AWS: Overrides = { cloud: "aws", "aws:region": "us-east-1", relays: JSON.stringify([{ name: "a", region: "us-east-1" }]) };

    it.each<[Overrides, string]>([
        [{ gcpZones: ZONES("us-east1-b") }, 'gcpZones: is a GCP setting and cloud is aws (got "[\\"us-east1-b\\"]"); remove it (`pulumi config rm gcpZones`)'],
        [{ gcpImage: "projects/ubuntu-os-cloud/global/images/x" }, 'gcpImage: is a GCP setting and cloud is aws (got "projects/ubuntu-os-cloud/global/images/x"); remove it (`pulumi config rm gcpImage`)'],
        [{ gcpPrivateServicesCidr: "10.101.0.0/16" }, 'gcpPrivateServicesCidr: is a GCP setting and cloud is aws (got "10.101.0.0/16"); remove it (`pulumi config rm gcpPrivateServicesCidr`)'],
        [{ bastionInstanceType: "e2-micro" }, 'bastionInstanceType: is not an EC2 instance type (got "e2-micro"); use a type such as t3.micro'],
    ])("%j", (overrides, message) => {
        expect(messageOf({ ...AWS, ...overrides })).toBe(message);
    });
});
