// The offline plan's pure pieces: command line, stack config reading, secret handling, safe host paths.
import * as fs from "fs";
import * as path from "path";
import { parsePlanArgs, UsageError } from "../../scripts/plan/args";
import { hostFileTarget } from "../../scripts/plan/hostsDir";
import { MockWorld } from "../../scripts/plan/mockWorld";
import { applyOverrides, PlanInputError, readStackConfig, securePlaceholder } from "../../scripts/plan/stackConfig";
import { containsSecret, redactSecrets, unwrapSecrets, wrapSecret } from "../../scripts/plan/wire";
import { tempDir } from "../support";

describe("plan command line", () => {
    it.each([
        [["--stack", "production"], { stack: "production", json: false, showSecrets: false, out: undefined }],
        [["--stack=staging", "--json"], { stack: "staging", json: true }],
        [["--stack", "production", "--out", "plan-out", "--show-secrets"], { out: "plan-out", showSecrets: true }],
        [["--stack", "production", "--set", "openzro:controllerCount=5", "--set", "azCount=2"], { overrides: { "openzro:controllerCount": 5, azCount: 2 } }],
        [["--stack", "production", "--set", "openzro:relays=[{name: a, region: eu-west-1}]"], { overrides: { "openzro:relays": [{ name: "a", region: "eu-west-1" }] } }],
        [["--help"], { help: true }],
    ])("parses %j", (argv, expected) => {
        expect(parsePlanArgs(argv)).toMatchObject(expected);
    });

    it.each([
        [[], /--stack is required/],
        [["--stack"], /--stack needs a value/],
        [["--stack", "--json"], /--stack needs a value/],
        [["--stack", "production", "--frobnicate"], /unknown argument "--frobnicate"/],
        [["--stack", "production", "--set", "novalue"], /--set needs KEY=VALUE/],
    ])("rejects %j with one line", (argv, message) => {
        expect(() => parsePlanArgs(argv)).toThrow(UsageError);
        expect(() => parsePlanArgs(argv)).toThrow(message);
    });
});

describe("stack config", () => {
    let project: { dir: string; remove(): void };
    beforeAll(() => {
        project = tempDir();
        const write = (name: string, text: string) => fs.writeFileSync(path.join(project.dir, name), text);
        write("Pulumi.yaml", [
            "name: demo",
            "runtime: nodejs",
            "config:",
            "  size:",
            "    type: string",
            "    default: medium",
            "  count:",
            "    description: derived when empty",
            "    default: \"\"",
            "  token:",
            "    secret: true",
            "    default: \"\"",
            "  aws:region:",
            "    value: eu-west-1",
        ].join("\n"));
        write("Pulumi.dev.yaml", [
            "config:",
            "  demo:size: small",
            "  demo:relays:",
            "    - name: a",
            "      region: us-east-1",
            "  demo:token:",
            "    secure: v1:AAAAbase64ciphertext",
            "  aws:region: us-east-1",
        ].join("\n"));
        write("Pulumi.prod.yml", "config:\n  demo:size: large\n");
    });
    afterAll(() => project.remove());

    it("layers the stack file over the project's defaults and values", () => {
        const c = readStackConfig(project.dir, "dev");
        expect(c.project).toBe("demo");
        expect(c.values["demo:size"]).toBe("small");
        expect(c.values["demo:count"]).toBe("");
        expect(c.values["aws:region"]).toBe("us-east-1");
        expect(c.values["demo:relays"]).toEqual([{ name: "a", region: "us-east-1" }]);
    });

    it("replaces a secure value by a deterministic secret placeholder, never the ciphertext", () => {
        const c = readStackConfig(project.dir, "dev");
        expect(c.secretKeys).toEqual(["demo:token"]);
        expect(c.values["demo:token"]).toBe(securePlaceholder("dev", "demo:token"));
        expect(JSON.stringify(c)).not.toContain("ciphertext");
        expect(securePlaceholder("dev", "demo:token")).not.toBe(securePlaceholder("prod", "demo:token"));
    });

    it("passes an empty optional secret default through as not set, like the CLI", () => {
        const c = readStackConfig(project.dir, "prod");
        expect(c.values["demo:token"]).toBe("");
        expect(c.secretKeys).toEqual([]);
        expect(c.values["aws:region"]).toBe("eu-west-1");
    });

    it("lets overrides replace whole keys, bare keys meaning the project namespace", () => {
        const c = applyOverrides(readStackConfig(project.dir, "dev"), { size: "large", "aws:region": "ap-south-1", "demo:relays": undefined });
        expect(c.values["demo:size"]).toBe("large");
        expect(c.values["aws:region"]).toBe("ap-south-1");
        expect("demo:relays" in c.values).toBe(false);
    });

    it("names the unknown stack and the stacks that exist", () => {
        expect(() => readStackConfig(project.dir, "qa")).toThrow(PlanInputError);
        expect(() => readStackConfig(project.dir, "qa")).toThrow('unknown stack "qa": no Pulumi.qa.yaml in the project; use one of: dev, prod');
    });
});

describe("secret wrappers", () => {
    const inputs = { user: "openzro", password: wrapSecret("hunter2-long-password"), nested: [{ key: wrapSecret({ pem: "KEY" }) }] };

    it("redacts every secret, at any depth, to [secret]", () => {
        expect(redactSecrets(inputs)).toEqual({ user: "openzro", password: "[secret]", nested: [{ key: "[secret]" }] });
    });

    it("unwraps every secret to its value", () => {
        expect(unwrapSecrets(inputs)).toEqual({ user: "openzro", password: "hunter2-long-password", nested: [{ key: { pem: "KEY" } }] });
    });

    it.each([
        [inputs, true],
        [{ user: "openzro", list: [1, 2] }, false],
    ])("knows whether %j holds a secret", (x, expected) => {
        expect(containsSecret(x)).toBe(expected);
    });
});

describe("host file paths under hosts/", () => {
    it("maps an absolute host path below the host's directory", () => {
        expect(hostFileTarget("/out/hosts", "controller-1", { path: "/etc/openzro/management.json" }))
            .toBe(path.join("/out/hosts", "controller-1", "etc", "openzro", "management.json"));
    });

    it.each([
        ["controller-1", "etc/relative"],
        ["controller-1", "/etc/../../escape"],
        ["../up", "/etc/x"],
        ["", "/etc/x"],
        ["a/b", "/etc/x"],
    ])("refuses host %j with path %j", (host, p) => {
        expect(() => hostFileTarget("/out/hosts", host, { path: p })).toThrow();
    });
});

describe("mock address allocation", () => {
    it("hands out every usable address of a small subnet once, skipping AWS's reserved ones, then fails", () => {
        const world = new MockWorld("us-east-1");
        world.reservePrivateIp("10.0.0.28");
        const ips = Array.from({ length: 10 }, () => world.nextHostIn("subnet-1", "10.0.0.16/28"));
        // /28 = 16 addresses: the first four and the last are reserved, 11 usable, one taken by the program.
        expect(new Set(ips).size).toBe(10);
        for (const ip of ips) {
            const last = Number(ip.split(".")[3]);
            expect(last >= 20 && last <= 30).toBe(true);
        }
        expect(ips[0]).toBe("10.0.0.26");
        expect(() => world.nextHostIn("subnet-1", "10.0.0.16/28")).toThrow(/no free address/);
    });

    it("never hands out the same public address twice", () => {
        const world = new MockWorld("us-east-1");
        const ips = Array.from({ length: 600 }, () => world.nextPublicAddress());
        expect(new Set(ips).size).toBe(600);
        expect(ips.every((ip) => /^(203\.0\.113|198\.51\.100|192\.0\.2)\.\d+$/.test(ip))).toBe(true);
    });
});
