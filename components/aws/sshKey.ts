// The SSH key every host accepts: the configured key pair, or one generated with @pulumi/tls (ED25519). The
// private key only ever exists as a secret Output (stack state encrypts it; outputs print "[secret]").
// EC2 key pairs are regional, so there is one aws.ec2.KeyPair per region that runs hosts.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as tls from "@pulumi/tls";
import { Settings } from "../config/types";
import { RegionalProviders } from "./providers";
import { irreplaceableSecretOptions } from "../host/secrets";
import { nameTag } from "./tags";

export interface SshKeysArgs {
    readonly settings: Settings;
    /** Regions that run hosts; decides how many KeyPairs exist. */
    readonly regions: readonly string[];
    readonly providers: RegionalProviders;
}

export class SshKeys extends pulumi.ComponentResource {
    /** OpenSSH private key, secret. */
    readonly privateKey: pulumi.Output<string>;
    /** OpenSSH authorized_keys line. */
    readonly publicKey: pulumi.Output<string>;
    private readonly keyNames = new Map<string, pulumi.Output<string>>();

    constructor(name: string, args: SshKeysArgs, opts?: pulumi.ComponentResourceOptions) {
        super("openzro:aws:SshKeys", name, {}, opts);
        const { settings } = args;

        if (settings.ssh.publicKey && settings.ssh.privateKey) {
            this.publicKey = pulumi.output(settings.ssh.publicKey);
            this.privateKey = pulumi.secret(settings.ssh.privateKey);
        } else {
            // Every host's authorized_keys holds its public half: a new key would lock the program out of them.
            const generated = new tls.PrivateKey(
                `${name}-ssh`,
                { algorithm: "ED25519" },
                { parent: this, ...irreplaceableSecretOptions(settings.protectResources) },
            );
            this.publicKey = generated.publicKeyOpenssh;
            // Secret in the provider schema already; wrapped again so it can never leak through a mock or an
            // older provider version.
            this.privateKey = pulumi.secret(generated.privateKeyOpenssh);
        }

        for (const region of args.regions) {
            const keyPair = new aws.ec2.KeyPair(
                `${name}-ssh-${region}`,
                {
                    publicKey: this.publicKey,
                    tags: { Name: nameTag(pulumi.getStack(), `ssh-${region}`), Component: region === settings.region ? "controllers" : "relays" },
                },
                { parent: this, provider: args.providers.for(region) },
            );
            this.keyNames.set(region, keyPair.keyName);
        }

        this.registerOutputs({ publicKey: this.publicKey, privateKey: this.privateKey });
    }

    /** Name of the EC2 key pair in `region`. */
    keyName(region: string): pulumi.Output<string> {
        const keyName = this.keyNames.get(region);
        if (!keyName) {
            throw new Error(`no SSH key pair in region "${region}"`);
        }
        return keyName;
    }
}
