// Optional copy of the two keys that can never be regenerated (DataStoreEncryptionKey, management WireGuard key) in
// AWS Secrets Manager: a backup outside the stack state, for a lost or corrupted state file or a stack that has to
// be rebuilt around an existing database. Off by default (openzro:secretsBackup); the copy is as sensitive as the
// state itself, so access to it is the account's IAM policy.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { resourceTags } from "./tags";

export interface IrreplaceableKeys {
    readonly dataStoreEncryptionKey: pulumi.Output<string>;
    readonly managementWgPrivateKey: pulumi.Output<string>;
}

export interface SecretsBackupArgs {
    readonly keys: IrreplaceableKeys;
    readonly protect: boolean;
    readonly provider: aws.Provider;
}

/** Secrets Manager name of the backup; stable per stack so an operator finds it without the state. */
export function secretsBackupName(stack: string): string {
    return `openzro/${stack}/irreplaceable-keys`;
}

export class SecretsBackup extends pulumi.ComponentResource {
    readonly secretArn: pulumi.Output<string>;

    constructor(name: string, args: SecretsBackupArgs, opts?: pulumi.ComponentResourceOptions) {
        super("openzro:aws:SecretsBackup", name, {}, opts);
        const stack = pulumi.getStack();
        // Deleting the stack must never delete the backup: it exists for exactly that day.
        const keep = { parent: this, provider: args.provider, protect: args.protect, retainOnDelete: true };
        const secret = new aws.secretsmanager.Secret(
            `${name}-irreplaceable-keys`,
            {
                name: secretsBackupName(stack),
                description: "openZro: DataStoreEncryptionKey and management WireGuard key (backup; see docs/runbook.md)",
                recoveryWindowInDays: 30,
                tags: resourceTags("secrets", stack, "irreplaceable-keys"),
            },
            keep,
        );
        new aws.secretsmanager.SecretVersion(
            `${name}-irreplaceable-keys`,
            {
                secretId: secret.id,
                secretString: pulumi.secret(
                    pulumi
                        .all([args.keys.dataStoreEncryptionKey, args.keys.managementWgPrivateKey])
                        .apply(([dataStoreEncryptionKey, managementWgPrivateKey]) => JSON.stringify({ dataStoreEncryptionKey, managementWgPrivateKey })),
                ),
            },
            keep,
        );
        this.secretArn = secret.arn;
        this.registerOutputs({ secretArn: this.secretArn });
    }
}
