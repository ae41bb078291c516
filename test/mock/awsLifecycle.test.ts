// Day-2 behaviour of the AWS footprint that a plain `pulumi up` cannot show: what a refresh reads back, which
// changes the provider applies by stop/start or replacement, what the state guards against deletion, and how RDS
// applies changes. Options are read from what the program sent to the engine (the recorder).
import * as aws from "@pulumi/aws";
import { Database } from "../../components/aws/database";
import { AwsFootprint } from "../../components/aws/footprint";
import { ClusterSecrets } from "../../components/host/secrets";
import type { Settings } from "../../components/config/types";
import { isSecretWrapper, RecordedResource, resolveInput, runComponent, unwrapSecrets } from "../support";
import { awsStagingSettings, awsTestSettings } from "./awsFixtures";

const T = {
    instance: "aws:ec2/instance:Instance",
    eip: "aws:ec2/eip:Eip",
    rds: "aws:rds/instance:Instance",
    tlsKey: "tls:index/privateKey:PrivateKey",
    password: "random:index/randomPassword:RandomPassword",
    bytes: "random:index/randomBytes:RandomBytes",
    secret: "aws:secretsmanager/secret:Secret",
    secretVersion: "aws:secretsmanager/secretVersion:SecretVersion",
} as const;

async function footprint(settings: Settings, stack = "production") {
    return runComponent(
        () => {
            const secrets = new ClusterSecrets("openzro", { protect: settings.protectResources });
            return new AwsFootprint("openzro", { settings, irreplaceableKeys: secrets });
        },
        { project: "openzro", stack, defaultRegion: "sa-east-1" },
    );
}

type Run = Awaited<ReturnType<typeof footprint>>;
const inputs = (r: RecordedResource) => unwrapSecrets<Record<string, any>>(r.inputs);

// Three evaluations shared by the file (each is a whole footprint): production, staging, and production with a
// configured controller AMI and the secrets backup on.
let run: Run;
let staging: Run;
let variant: Run;
beforeAll(async () => {
    run = await footprint(awsTestSettings());
    staging = await footprint(awsStagingSettings(), "staging");
    variant = await footprint(awsTestSettings({ controllers: { amiId: "ami-0123456789abcdef0" }, secretsBackup: true }));
}, 300_000);

describe("hosts survive a refresh and unrelated changes", () => {
    it("no host with an Elastic IP sets associatePublicIpAddress (the provider reads it back as true and would replace it)", () => {
        const withEip = run.ofType(T.eip).map((e) => inputs(e).instance).filter((id) => id);
        const hosts = run.ofType(T.instance).filter((i) => withEip.includes(i.id));
        // The bastion and the four relays.
        expect(hosts).toHaveLength(5);
        for (const h of hosts) {
            expect([h.name, "associatePublicIpAddress" in h.inputs]).toEqual([h.name, false]);
        }
    });

    it("ignores the fields the provider reads back or applies with a stop/start or a replacement of every host", () => {
        for (const i of run.ofType(T.instance)) {
            expect([i.name, [...i.options.ignoreChanges].sort()]).toEqual([i.name, ["ami", "associatePublicIpAddress", "keyName", "userData"]]);
            // The instance type is not ignored: its change rolls (footprint instance chain).
            expect(i.options.ignoreChanges).not.toContain("instanceType");
        }
    });

    it("a configured AMI id is deliberate: changing it replaces the host, so only the lookup is ignored", () => {
        const controllers = variant.ofType(T.instance).filter((i) => inputs(i).tags.Component === "controllers");
        expect(controllers).toHaveLength(3);
        for (const c of controllers) expect(c.options.ignoreChanges).not.toContain("ami");
    });
});

describe("secrets that cannot be regenerated are guarded in the state", () => {
    const guarded = (run: Run) =>
        Object.fromEntries(
            [...run.ofType(T.bytes), ...run.ofType(T.tlsKey), ...run.ofType(T.password)].filter((r) => !r.name.endsWith("-host-key")).map((r) => [
                r.name,
                { protect: r.options.protect, retainOnDelete: r.options.retainOnDelete },
            ]),
        );

    it("production: protect and retainOnDelete on the two keys, the SSH key and the database password only", () => {
        expect(guarded(run)).toEqual({
            "openzro-datastore-encryption-key": { protect: true, retainOnDelete: true },
            "openzro-management-wg-private-key": { protect: true, retainOnDelete: true },
            "openzro-ssh": { protect: true, retainOnDelete: true },
            "openzro-db-master": { protect: true, retainOnDelete: true },
            // Rotatable by design (docs/runbook.md): no guard.
            "openzro-relay-auth-secret": { protect: false, retainOnDelete: false },
            "openzro-coordinator-password": { protect: false, retainOnDelete: false },
        });
    });

    it("SSH host keys are not guarded: removing a host removes its key, and a replaced key only needs a new host", () => {
        const hostKeys = run.ofType(T.tlsKey).filter((r) => r.name.endsWith("-host-key"));
        // bastion, 3 controllers, 4 relays
        expect(hostKeys).toHaveLength(8);
        for (const k of hostKeys) expect([k.name, k.options.protect, k.options.retainOnDelete]).toEqual([k.name, false, false]);
    });

    it("staging (protectResources false): no protect, so the stack can be torn down, but still retainOnDelete", () => {
        const g = guarded(staging);
        for (const n of ["openzro-datastore-encryption-key", "openzro-management-wg-private-key", "openzro-ssh", "openzro-db-master"]) {
            expect([n, g[n]]).toEqual([n, { protect: false, retainOnDelete: true }]);
        }
    });

    it("writes no backup copy unless secretsBackup is on", () => {
        expect(run.ofType(T.secret)).toEqual([]);
        expect(run.ofType(T.secretVersion)).toEqual([]);
    });

    it("with secretsBackup, copies exactly the two keys to one protected, retained Secrets Manager secret in the primary region", () => {
        const secret = variant.one(T.secret);
        const version = variant.one(T.secretVersion);
        expect(inputs(secret).name).toBe("openzro/production/irreplaceable-keys");
        expect(variant.regionOf(secret)).toBe("eu-central-1");
        expect(inputs(secret).recoveryWindowInDays).toBe(30);
        for (const r of [secret, version]) expect([r.options.protect, r.options.retainOnDelete]).toEqual([true, true]);
        expect(version.dependencies).toContain(secret.urn);
        // The value is a secret in the inputs, and holds the two keys the cluster uses.
        expect(isSecretWrapper(version.inputs.secretString)).toBe(true);
        const stored = JSON.parse(inputs(version).secretString);
        expect(Object.keys(stored).sort()).toEqual(["dataStoreEncryptionKey", "managementWgPrivateKey"]);
        expect(Buffer.from(stored.dataStoreEncryptionKey, "base64")).toHaveLength(32);
    });
});

describe("static ingress is off by default", () => {
    it("has only the ALB, the domain points at it, and no fixed addresses are exported", async () => {
        const lbs = run.ofType("aws:lb/loadBalancer:LoadBalancer");
        expect(lbs.map((l) => inputs(l).loadBalancerType)).toEqual(["application"]);
        expect((await resolveInput(run.result.outputs.ingressAddresses)).value).toEqual([]);
    });
});

describe("database lifecycle", () => {
    // The Database component alone: a whole footprint per variant would only repeat the network.
    const db = async (database: Partial<Settings["database"]>) => {
        const settings = awsTestSettings({ database });
        const r = await runComponent(() => {
            const provider = new aws.Provider("primary", { region: "eu-central-1" });
            return new Database("openzro", { settings, privateSubnetIds: ["subnet-a", "subnet-b"], securityGroupId: "sg-db", provider });
        });
        return inputs(r.one(T.rds));
    };

    it("a major version only: RDS owns the minor (automatic minor upgrades), majors never change by accident", async () => {
        const i = await db({ engineVersion: "16" });
        expect([i.engineVersion, i.autoMinorVersionUpgrade, i.allowMajorVersionUpgrade]).toEqual(["16", true, false]);
    });

    it("a pinned minor turns automatic minor upgrades off, so an upgraded minor never plans a downgrade", async () => {
        const i = await db({ engineVersion: "16.4" });
        expect([i.engineVersion, i.autoMinorVersionUpgrade]).toEqual(["16.4", false]);
    });

    it("a major upgrade needs the explicit opt-in, and changes wait for the maintenance window unless asked", async () => {
        expect((await db({})).applyImmediately).toBe(false);
        const i = await db({ engineVersion: "17", allowMajorVersionUpgrade: true, applyImmediately: true });
        expect([i.engineVersion, i.allowMajorVersionUpgrade, i.applyImmediately]).toEqual(["17", true, true]);
    });

    it("keeps automated backups (point-in-time restore) when the instance is deleted", async () => {
        expect((await db({})).deleteAutomatedBackups).toBe(false);
    });
});
