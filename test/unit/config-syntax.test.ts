// The "looks right" predicates behind config validation.
import {
    goDurationSeconds,
    isAmiId,
    isAwsRegion,
    isDomainName,
    isEc2InstanceType,
    isGravitonInstanceType,
    isHttpsUrl,
    isPinnedVersion,
    isRdsInstanceClass,
    isSshPublicKey,
    isWithinDomain,
} from "../../components/config/syntax";

describe("DNS names", () => {
    it.each([
        ["openzro.example.com", true],
        ["a.io", true],
        ["xn--bcher-kva.example", true],
        ["openzro.selfhosted", true],
        ["localhost", false],
        ["-bad.example.com", false],
        ["bad-.example.com", false],
        ["under_score.example.com", false],
        ["Upper.example.com", false],
        ["example.123", false],
        [`${"a".repeat(64)}.example.com`, false],
        [`${"a".repeat(63)}.example.com`, true],
        ["a..example.com", false],
    ])("%s valid: %s", (name, valid) => {
        expect(isDomainName(name)).toBe(valid);
    });

    it.each([
        ["openzro.example.com", "example.com", true],
        ["example.com", "example.com", true],
        ["openzro.badexample.com", "example.com", false],
        ["example.com", "openzro.example.com", false],
    ])("%s within %s: %s", (name, zone, within) => {
        expect(isWithinDomain(name, zone)).toBe(within);
    });
});

describe("AWS names", () => {
    it.each([
        ["us-east-1", true],
        ["ap-south-1", true],
        ["ap-southeast-2", true],
        ["us-gov-west-1", true],
        ["eu-central-2", true],
        ["us-iso-east-1", true],
        ["eusc-de-east-1", true],
        ["us-east-1a", false],
        ["us-east1", false],
        ["europe-west1", false],
        ["US-EAST-1", false],
        ["useast1", false],
    ])("region %s: %s", (region, valid) => {
        expect(isAwsRegion(region)).toBe(valid);
    });

    it.each([
        // type, EC2 type, Graviton
        ["c7i.xlarge", true, false],
        ["m7i-flex.large", true, false],
        ["t3.micro", true, false],
        ["r6id.2xlarge", true, false],
        ["g4dn.xlarge", true, false],
        ["c6a.metal", true, false],
        ["c7g.xlarge", true, true],
        ["m7gd.large", true, true],
        ["c6gn.medium", true, true],
        ["t4g.small", true, true],
        ["im4gn.large", true, true],
        ["is4gen.medium", true, true],
        ["g5g.xlarge", true, true],
        ["a1.large", true, true],
        ["c8g.48xlarge", true, true],
        ["x2gd.metal", true, true],
        ["mac1.metal", true, false],
        ["mac2.metal", true, true],
        ["large", false, false],
        ["c7i", false, false],
        ["c7i.huge", false, false],
        ["C7I.xlarge", false, false],
    ])("%s: EC2 %s, Graviton %s", (type, ec2, graviton) => {
        expect(isEc2InstanceType(type)).toBe(ec2);
        expect(isGravitonInstanceType(type)).toBe(graviton);
    });

    it.each([
        ["db.m7g.xlarge", true],
        ["db.t4g.medium", true],
        ["db.r6i.large", true],
        ["db.x2iedn.xlarge", true],
        ["m7g.xlarge", false],
        ["db.serverless", false],
        ["db.", false],
    ])("RDS class %s: %s", (value, valid) => {
        expect(isRdsInstanceClass(value)).toBe(valid);
    });

    it.each([
        ["ami-0123456789abcdef0", true],
        ["ami-12345678", true],
        ["ami-123", false],
        ["ami-0123456789ABCDEF0", false],
        ["0123456789abcdef0", false],
    ])("AMI %s: %s", (value, valid) => {
        expect(isAmiId(value)).toBe(valid);
    });
});

describe("values", () => {
    it.each([
        ["24h", 86400],
        ["720h", 2592000],
        ["1h30m", 5400],
        ["1.5h", 5400],
        ["90s", 90],
        ["500ms", 0.5],
        ["0", 0],
        ["30d", undefined],
        ["24", undefined],
        ["h", undefined],
        ["-1h", undefined],
        ["1 h", undefined],
    ])("Go duration %s = %s s", (text, seconds) => {
        expect(goDurationSeconds(text)).toBe(seconds);
    });

    it.each([
        ["0.53.1", true],
        ["0.53.1-alpha.78", true],
        ["0.53.1-alpha.87", true],
        ["0.53.1~alpha.87", false],
        ["0.53.1-alpha.087", false],
        ["0.53.1-", false],
        ["0.53.1-alpha..1", false],
        ["1.0.0-rc.1", true],
        ["v0.53.1", false],
        ["0.53", false],
        ["latest", false],
        ["0.53.01", false],
        ["0.53.1+build", false],
        ["^0.53.1", false],
    ])("version %s pinned: %s", (version, pinned) => {
        expect(isPinnedVersion(version)).toBe(pinned);
    });

    it.each([
        ["https://idp.example.com", true],
        ["https://tenant.auth0.com/", true],
        ["https://login.example.com/realms/openzro", true],
        ["http://idp.example.com", false],
        ["https://idp.example.com?x=1", false],
        ["https://user:pw@idp.example.com", false],
        ["idp.example.com", false],
        ["https://", false],
    ])("https URL %s: %s", (url, valid) => {
        expect(isHttpsUrl(url)).toBe(valid);
    });

    it("checks that an SSH public key's blob names its own type", () => {
        const field = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
        const blob = (type: string) => Buffer.concat([field(Buffer.from(type)), field(Buffer.alloc(32, 3))]).toString("base64");
        expect(isSshPublicKey(`ssh-ed25519 ${blob("ssh-ed25519")} me@host`)).toBe(true);
        expect(isSshPublicKey(`ssh-ed25519 ${blob("ssh-ed25519")}`)).toBe(true);
        expect(isSshPublicKey(`ssh-rsa ${blob("ssh-ed25519")}`)).toBe(false);
        expect(isSshPublicKey(`ssh-dss ${blob("ssh-dss")}`)).toBe(false);
        expect(isSshPublicKey(`ssh-ed25519 ${blob("ssh-ed25519")}\nssh-ed25519 ${blob("ssh-ed25519")}`)).toBe(false);
        expect(isSshPublicKey("-----BEGIN OPENSSH PRIVATE KEY-----")).toBe(false);
    });
});
