// The SSH key every host accepts: the configured key pair, or one generated with @pulumi/tls (ED25519). GCP has no
// key-pair resource: the public key goes into each instance's metadata (ssh-keys), which the guest environment of
// Google's and Canonical's images installs for the named user.
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { Settings } from "../config/types";

export class SshKey extends pulumi.ComponentResource {
    /** OpenSSH private key, secret. */
    readonly privateKey: pulumi.Output<string>;
    /** OpenSSH authorized_keys line. */
    readonly publicKey: pulumi.Output<string>;

    constructor(name: string, args: { settings: Settings }, opts?: pulumi.ComponentResourceOptions) {
        super("openzro:gcp:SshKey", name, {}, opts);
        const { ssh } = args.settings;
        if (ssh.publicKey && ssh.privateKey) {
            this.publicKey = pulumi.output(ssh.publicKey);
            this.privateKey = pulumi.secret(ssh.privateKey);
        } else {
            const generated = new tls.PrivateKey(`${name}-ssh`, { algorithm: "ED25519" }, { parent: this });
            this.publicKey = generated.publicKeyOpenssh;
            this.privateKey = pulumi.secret(generated.privateKeyOpenssh);
        }
        this.registerOutputs({ publicKey: this.publicKey, privateKey: this.privateKey });
    }
}

/**
 * Instance metadata for SSH with the stack's key only: project-wide keys blocked, OS Login off for this instance
 * (with OS Login on, metadata keys are ignored and every remote command fails to authenticate).
 */
export function sshMetadata(user: string, publicKey: pulumi.Input<string>): pulumi.Output<Record<string, string>> {
    return pulumi.output(publicKey).apply((key): Record<string, string> => ({
        "ssh-keys": `${user}:${key.trim()}`,
        "block-project-ssh-keys": "TRUE",
        "enable-oslogin": "FALSE",
    }));
}
