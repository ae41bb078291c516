// loadSettings reads the stack's Pulumi config (as the engine hands it to the program: all text) and validates it.
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, loadSettings, readRawConfig } from "../../components/config/load";

const STACK = {
    "aws:region": "eu-west-1",
    "openzro:domain": "vpn.example.net",
    "openzro:dnsZone": "example.net",
    "openzro:openzroVersion": "0.53.1",
    "openzro:oidcIssuer": "https://login.example.net",
    "openzro:size": "small",
    "openzro:azCount": "2",
    "openzro:dbMultiAz": "true",
    "openzro:relays": '[{"name":"eu","region":"eu-west-1"},{"name":"us","region":"us-east-2","instanceType":"c7i.large"}]',
    "openzro:sshAllowedCidrs": '["198.51.100.0/24"]',
    "openzro:tags": '{"team":"network"}',
};

function setConfig(values: Record<string, string>, secretKeys: string[] = []): void {
    pulumi.runtime.setAllConfig(values, secretKeys);
}

function resolve<T>(o: pulumi.Output<T> | undefined): Promise<{ value: T; secret: boolean }> {
    if (!o) throw new Error("missing output");
    return new Promise((done) =>
        o.apply((value) => {
            void pulumi.isSecret(o).then((secret) => done({ value, secret }));
            return value;
        }),
    );
}

afterEach(() => setConfig({}));

describe("loadSettings", () => {
    it("parses numbers, booleans and structured values from config text", () => {
        setConfig(STACK);
        const s = loadSettings();
        expect(s.region).toBe("eu-west-1");
        expect(s.domain).toBe("vpn.example.net");
        expect(s.network.azCount).toBe(2);
        expect(s.database.multiAz).toBe(true);
        expect(s.controllers.count).toBe(1);
        expect(s.controllers.instanceType).toBe("t3.medium");
        expect(s.relays).toEqual([
            { name: "eu", region: "eu-west-1", instanceType: "t3.small" },
            { name: "us", region: "us-east-2", instanceType: "c7i.large" },
        ]);
        expect(s.tags).toEqual({ team: "network" });
        expect(s.ssh.privateKey).toBeUndefined();
    });

    it("reads secrets as secret Outputs and ignores the empty Pulumi.yaml default", async () => {
        const privateKey = "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----";
        const field = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
        const publicKey = `ssh-ed25519 ${Buffer.concat([field(Buffer.from("ssh-ed25519")), field(Buffer.alloc(32, 9))]).toString("base64")}`;
        setConfig(
            {
                ...STACK,
                "openzro:sshPublicKey": publicKey,
                "openzro:sshPrivateKey": privateKey,
                "openzro:oidcClientSecret": "",
                "openzro:clusterUrl": "",
            },
            ["openzro:sshPrivateKey"],
        );
        const s = loadSettings();
        await expect(resolve(s.ssh.privateKey)).resolves.toEqual({ value: privateKey, secret: true });
        expect(s.oidc.clientSecret).toBeUndefined();
        expect(s.cluster.url).toBeUndefined();
        const raw = readRawConfig();
        expect(raw.oidcClientSecret).toBeUndefined();
        expect(pulumi.Output.isInstance(raw.sshPrivateKey)).toBe(true);
    });

    it("fails with the one-line ConfigError of the first bad key", () => {
        setConfig({ ...STACK, "openzro:azCount": "three" });
        expect(() => loadSettings()).toThrow(ConfigError);
        expect(() => loadSettings()).toThrow('azCount: must be a whole number (got "three"); set a whole number between 1 and 3');
    });

    it("reports a missing required key by name", () => {
        const { ["openzro:dnsZone"]: _omitted, ...rest } = STACK;
        setConfig(rest);
        expect(() => loadSettings()).toThrow("dnsZone: is required (got nothing); set it, e.g. `pulumi config set dnsZone example.com`");
    });
});
