// Secrets generated once per stack and shared by every host. No keepers and no config inputs: nothing in the
// stack's configuration can ever regenerate them, because a new DataStoreEncryptionKey makes the database's
// encrypted columns unreadable and a new WireGuard key or relay secret cuts every peer (spec §1.2, §4).
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { clampWireGuardPrivateKey } from "./render/keys";

/** Nothing that shapes a secret is configurable (see the module comment); only how hard the state guards them. */
export interface ClusterSecretsArgs {
    /**
     * `protect` on the secrets that cannot be regenerated (production: openzro:protectResources). They also get
     * `retainOnDelete` always, so no destroy, rename or replacement typo silently makes a new one.
     */
    readonly protect?: boolean;
}

/** Resource options of a secret that must never be regenerated (ClusterSecrets, the SSH key, the DB password). */
export function irreplaceableSecretOptions(protect: boolean): Pick<pulumi.CustomResourceOptions, "protect" | "retainOnDelete"> {
    return { protect, retainOnDelete: true };
}

export class ClusterSecrets extends pulumi.ComponentResource {
    /** Relay.Secret in management.json and every relay's OZ_AUTH_SECRET. */
    public readonly relayAuthSecret: pulumi.Output<string>;
    /** DataStoreEncryptionKey: base64 of exactly 32 bytes, identical on every controller. */
    public readonly dataStoreEncryptionKey: pulumi.Output<string>;
    /** OPENZRO_MGMT_WG_PRIVATE_KEY: a clamped Curve25519 key in `wg genkey` format, shared by every replica. */
    public readonly managementWgPrivateKey: pulumi.Output<string>;
    /** Password of the standalone nats-server routes / redis-server (requirepass, masterauth). URL-safe. */
    public readonly coordinatorPassword: pulumi.Output<string>;

    constructor(name: string, args: ClusterSecretsArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        super("openzro:host:ClusterSecrets", name, {}, opts);
        const child = { parent: this };
        const irreplaceable = irreplaceableSecretOptions(args.protect ?? false);

        const relay = new random.RandomPassword(
            `${name}-relay-auth-secret`,
            // Alphanumeric: it travels through env files and HMAC keys; 48 characters is ~285 bits.
            { length: 48, special: false },
            { ...child, additionalSecretOutputs: ["result"] },
        );
        const dataKey = new random.RandomBytes(
            `${name}-datastore-encryption-key`,
            { length: 32 },
            { ...child, ...irreplaceable, additionalSecretOutputs: ["base64", "hex"] },
        );
        const wgKey = new random.RandomBytes(
            `${name}-management-wg-private-key`,
            { length: 32 },
            { ...child, ...irreplaceable, additionalSecretOutputs: ["base64", "hex"] },
        );
        const coordinator = new random.RandomPassword(
            `${name}-coordinator-password`,
            // Unreserved URL characters only: it goes unencoded into nats:// route URLs and redis:// URLs.
            { length: 32, special: true, overrideSpecial: "-_" },
            { ...child, additionalSecretOutputs: ["result"] },
        );

        this.relayAuthSecret = pulumi.secret(relay.result);
        this.dataStoreEncryptionKey = pulumi.secret(dataKey.base64);
        this.managementWgPrivateKey = pulumi.secret(wgKey.base64.apply(clampWireGuardPrivateKey));
        this.coordinatorPassword = pulumi.secret(coordinator.result);

        this.registerOutputs({
            relayAuthSecret: this.relayAuthSecret,
            dataStoreEncryptionKey: this.dataStoreEncryptionKey,
            managementWgPrivateKey: this.managementWgPrivateKey,
            coordinatorPassword: this.coordinatorPassword,
        });
    }
}
