// The SSH key every host accepts: the configured key pair, or one generated with @pulumi/tls (ED25519). GCP has no
// key-pair resource: the public key goes into each instance's metadata (ssh-keys), which the guest environment of
// Google's and Canonical's images installs for the named user
// (components/gcp/instance.ts).
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { Settings } from "../config/types";
import { irreplaceableSecretOptions } from "../host/secrets";

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
            // Every host's login and every stored connection use it: rotation is deliberate (docs/runbook.md), never
            // the side effect of a replaced resource.
            const generated = new tls.PrivateKey(
                `${name}-ssh`,
                { algorithm: "ED25519" },
                { parent: this, ...irreplaceableSecretOptions(args.settings.protectResources) },
            );
            this.publicKey = generated.publicKeyOpenssh;
            this.privateKey = pulumi.secret(generated.privateKeyOpenssh);
        }
        this.registerOutputs({ publicKey: this.publicKey, privateKey: this.privateKey });
    }
}
