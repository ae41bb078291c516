import * as yaml from "js-yaml";
import { renderCloudInit } from "../../components/host/cloudInit";
import { controllerHostname, relayHostname } from "../../components/config/naming";

describe("renderCloudInit", () => {
    it("starts with the #cloud-config marker cloud-init requires on the first line", () => {
        expect(renderCloudInit({ hostname: "openzro-controller-1" }).split("\n")[0]).toBe("#cloud-config");
    });

    it.each([
        ["controller", controllerHostname(0)],
        ["third controller", controllerHostname(2)],
        ["relay", relayHostname("eu-west")],
    ])("sets the %s hostname, lets cloud-init own it, and maps it in /etc/hosts", (_what, hostname) => {
        const doc = yaml.load(renderCloudInit({ hostname })) as Record<string, unknown>;
        expect(doc).toEqual({ hostname, preserve_hostname: false, manage_etc_hosts: true });
    });

    it("adds the fqdn when given", () => {
        const doc = yaml.load(renderCloudInit({ hostname: "openzro-relay-fra", fqdn: "openzro-relay-fra.example.com" })) as Record<string, unknown>;
        expect(doc.fqdn).toBe("openzro-relay-fra.example.com");
        expect(doc.hostname).toBe("openzro-relay-fra");
    });

    it("gives distinct controllers distinct user data (embedded NATS server_name is the hostname)", () => {
        const rendered = new Set([0, 1, 2].map((i) => renderCloudInit({ hostname: controllerHostname(i) })));
        expect(rendered.size).toBe(3);
    });

    it("carries nothing but identity: no packages, commands, users or files", () => {
        const doc = yaml.load(renderCloudInit({ hostname: "openzro-bastion", fqdn: "openzro-bastion.example.com" })) as Record<string, unknown>;
        expect(Object.keys(doc).sort()).toEqual(["fqdn", "hostname", "manage_etc_hosts", "preserve_hostname"]);
    });

    it.each([
        ["empty", ""],
        ["upper case", "Controller-1"],
        ["underscore", "controller_1"],
        ["leading hyphen", "-controller"],
        ["trailing hyphen", "controller-"],
        ["dots (an fqdn)", "controller.example.com"],
        ["YAML injection", "x\nruncmd: [reboot]"],
        ["64 characters", "a".repeat(64)],
    ])("rejects a %s hostname with a message naming the key", (_what, hostname) => {
        expect(() => renderCloudInit({ hostname })).toThrow(/^hostname: .*got/);
    });

    it("accepts a 63-character label", () => {
        expect(() => renderCloudInit({ hostname: "a".repeat(63) })).not.toThrow();
    });

    it.each([
        ["single label", "openzro-bastion"],
        ["other host", "other.example.com"],
        ["injection", "openzro-bastion.example.com\nruncmd: [reboot]"],
        ["empty label", "openzro-bastion..com"],
    ])("rejects an fqdn that is a %s", (_what, fqdn) => {
        expect(() => renderCloudInit({ hostname: "openzro-bastion", fqdn })).toThrow(/^fqdn: /);
    });
});

describe("renderCloudInit with the host's SSH key", () => {
    // A syntactically valid OpenSSH private key block and an ED25519 public key line (the test never uses them).
    const privateKeyOpenssh = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACBdGVzdGtleQ==\n-----END OPENSSH PRIVATE KEY-----\n";
    const publicKeyOpenssh = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIF0ZXN0a2V5 \n";

    it("replaces the image's host keys with exactly this ED25519 pair, as cloud-init's ssh module reads it", () => {
        const doc = yaml.load(renderCloudInit({ hostname: "openzro-bastion", hostKey: { privateKeyOpenssh, publicKeyOpenssh } })) as Record<string, any>;
        expect(doc.ssh_deletekeys).toBe(true);
        expect(Object.keys(doc.ssh_keys)).toEqual(["ed25519_private", "ed25519_public"]);
        // The private key keeps its final newline: OpenSSH refuses a key file without it.
        expect(doc.ssh_keys.ed25519_private).toBe(privateKeyOpenssh);
        expect(doc.ssh_keys.ed25519_public).toBe("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIF0ZXN0a2V5");
        expect(doc.hostname).toBe("openzro-bastion");
    });

    it("refuses anything but an OpenSSH ED25519 pair, without echoing it", () => {
        const bad = { privateKeyOpenssh: "-----BEGIN RSA PRIVATE KEY-----\nc2VjcmV0\n-----END RSA PRIVATE KEY-----\n", publicKeyOpenssh };
        expect(() => renderCloudInit({ hostname: "openzro-bastion", hostKey: bad })).toThrow(/^hostKey: not an ED25519 key pair in OpenSSH format/);
        try {
            renderCloudInit({ hostname: "openzro-bastion", hostKey: bad });
        } catch (e) {
            expect(String(e)).not.toContain("c2VjcmV0");
        }
        const injected = { privateKeyOpenssh, publicKeyOpenssh: "ssh-ed25519 AAAA\nruncmd: [reboot]" };
        expect(() => renderCloudInit({ hostname: "openzro-bastion", hostKey: injected })).toThrow(/^hostKey: /);
    });
});

describe("renderCloudInit with plain files (GCP: the guest agent keeps the host key)", () => {
    const agentConfig = { path: "/etc/default/instance_configs.cfg", permissions: "0644", content: "[InstanceSetup]\nset_host_keys = false\n" };

    it("writes each file byte for byte through cloud-init's write_files, with its mode", () => {
        const doc = yaml.load(renderCloudInit({ hostname: "openzro-controller-1", files: [agentConfig, { path: "/etc/x.conf", permissions: "0600", content: "a\n\n  b" }] })) as Record<string, any>;
        expect(doc.write_files).toEqual([
            { path: "/etc/default/instance_configs.cfg", permissions: "0644", content: "[InstanceSetup]\nset_host_keys = false\n" },
            { path: "/etc/x.conf", permissions: "0600", content: "a\n\n  b\n" },
        ]);
        expect(doc.hostname).toBe("openzro-controller-1");
    });

    it("is the GCP footprint's guest agent setting, next to the host key", async () => {
        const { GUEST_AGENT_CONFIG } = await import("../../components/gcp/instance");
        const doc = yaml.load(renderCloudInit({ hostname: "openzro-relay-fra", files: [GUEST_AGENT_CONFIG] })) as Record<string, any>;
        // What the guest agent's INI reader sees: the InstanceSetup section turning host key generation off.
        expect(doc.write_files[0].path).toBe("/etc/default/instance_configs.cfg");
        expect(doc.write_files[0].content.split("\n")).toEqual(["[InstanceSetup]", "set_host_keys = false", ""]);
    });

    it.each([
        [{ ...agentConfig, path: "etc/relative" }, /^files: not an absolute path \(got "etc\/relative"\)/],
        [{ ...agentConfig, path: "/etc/../root/.ssh/x" }, /^files: not an absolute path/],
        [{ ...agentConfig, path: "/etc/a\nruncmd: [x]" }, /^files: not an absolute path/],
        [{ ...agentConfig, permissions: "644" }, /^files: not an octal mode \(got "644"\) for \/etc\/default\/instance_configs\.cfg/],
    ])("refuses %j", (file, message) => {
        expect(() => renderCloudInit({ hostname: "openzro-bastion", files: [file] })).toThrow(message);
    });

    it("adds nothing without files", () => {
        expect(renderCloudInit({ hostname: "openzro-bastion", files: [] })).toBe(renderCloudInit({ hostname: "openzro-bastion" }));
    });
});
