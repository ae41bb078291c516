// Host convergence, cloud-agnostic: turns the footprint's facts into files on every host and running services,
// through remote commands over SSH (controllers through the bastion). Per host: wait for the instance, prepare
// (repository and package download, every host at once), install (the first install, every host at once), and
// converge (every later change, one host at a time); controller 1 first creates the extra databases; a verify
// command per controller closes the controller tier. The order is rollout.ts's commandGraph.
//
// Change detection: a command re-runs only when one of its inputs changes. Its stdin is the whole payload (a
// secret), so any change to a file, a secret, the version or the scripts is an input diff and runs the
// command's `update` (the rolling path). The command line carries the sha256 of the REDACTED payload only, so
// `pulumi preview` shows which hosts change without revealing anything. A hash of the secret values is not
// needed (the secret stdin already differs) and would be one more thing derived from secrets in plain state.
// `triggers` hold only the instance's identity: triggers force a replacement, which re-runs `create` (the first
// install path) exactly when the instance itself was replaced.
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import * as random from "@pulumi/random";
import * as tls from "@pulumi/tls";
import { relayHostName } from "../config/naming";
import { Settings } from "../config/types";
import { FootprintFacts, SshRoute } from "./facts";
import { HostFile, REDACTED, RenderSecrets, RenderTopology } from "./files";
import { renderControllerFiles, renderRelayFiles } from "./render";
import { renderPayloadScript, sha256Hex } from "./bundle";
import { loadHostScripts } from "./bundle-scripts";
import { COMMAND_DIAL, DialSettings, WAIT_DIAL, connectionArgs } from "./converge-connection";
import { ConvergeHost, HostRole, bootstrapPayload, clusterPeers, convergePayload, preparePayload, verifyPayload } from "./converge";
import { COMMAND_TIMEOUTS, CommandKind, CommandNode, HOST_WAITS, RUN_LIMIT_SECONDS, commandGraph } from "./rollout";

/** The secrets the host layer ships; ClusterSecrets (secrets.ts) provides them. */
export interface HostSecretsSource {
    readonly relayAuthSecret: pulumi.Output<string>;
    readonly dataStoreEncryptionKey: pulumi.Output<string>;
    readonly managementWgPrivateKey: pulumi.Output<string>;
    readonly coordinatorPassword: pulumi.Output<string>;
}

export interface HostLayerArgs {
    readonly settings: Settings;
    readonly facts: FootprintFacts;
    readonly secrets: HostSecretsSource;
    readonly openzroVersion: pulumi.Input<string>;
}

/** One host as the command graph sees it. */
interface HostTarget {
    readonly name: string;
    readonly role: HostRole;
    readonly index: number;
    readonly ssh: SshRoute;
    readonly instance: pulumi.Resource;
}

/** Redacted stand-ins for every secret a renderer may need. */
export function redactedSecrets(settings: Settings, grpcBackend: "h2c" | "tls" = "h2c"): RenderSecrets {
    return {
        relayAuthSecret: REDACTED,
        dataStoreEncryptionKey: REDACTED,
        managementWgPrivateKey: REDACTED,
        databasePassword: REDACTED,
        databaseAppPassword: REDACTED,
        coordinatorPassword: REDACTED,
        clusterUrl: settings.cluster.url ? REDACTED : undefined,
        oidcClientSecret: settings.oidc.clientSecret ? REDACTED : undefined,
        nginxGrpcTlsKey: grpcBackend === "tls" ? REDACTED : undefined,
    };
}

/** Ten years: the load balancer does not check expiry, and a renewal would only restart nginx everywhere. */
export const NGINX_GRPC_TLS_VALIDITY_HOURS = 10 * 365 * 24;

/**
 * nginx's self-signed certificate for the TLS gRPC listener, one per stack: the load balancer verifies neither its
 * name nor its issuer, so the certificate only encrypts the LB-to-host hop and a per-host key would add resources
 * without adding trust. RSA 2048, the key type every TLS client accepts. No early renewal and no time-based
 * input, so a no-op `pulumi up` never replaces it.
 */
function nginxGrpcTls(name: string, parent: pulumi.Resource): { certificatePem: pulumi.Output<string>; keyPem: pulumi.Output<string> } {
    const key = new tls.PrivateKey(
        `${name}-nginx-grpc-tls`,
        { algorithm: "RSA", rsaBits: 2048 },
        { parent, additionalSecretOutputs: ["privateKeyPem", "privateKeyPemPkcs8", "privateKeyOpenssh"] },
    );
    const cert = new tls.SelfSignedCert(
        `${name}-nginx-grpc-tls`,
        {
            privateKeyPem: key.privateKeyPem,
            subject: { commonName: "openzro-grpc-backend", organization: "openzro" },
            validityPeriodHours: NGINX_GRPC_TLS_VALIDITY_HOURS,
            allowedUses: ["digital_signature", "key_encipherment", "server_auth"],
        },
        { parent },
    );
    return { certificatePem: cert.certPem, keyPem: pulumi.secret(key.privateKeyPem) };
}

/**
 * The secret values this host's files hold (as written, or JSON-escaped): masked in the converge output on the
 * host (bundle.ts). Only those: a relay's payload must not carry the database password just to mask it.
 */
export function secretValuesIn(files: readonly HostFile[], sec: RenderSecrets): string[] {
    const contents = files.map((f) => f.content);
    return Object.values(sec)
        .filter((v): v is string => typeof v === "string" && v !== "")
        .filter((v) => contents.some((c) => c.includes(v) || c.includes(JSON.stringify(v).slice(1, -1))));
}

/** The command lines: no secret, only the mode and a digest that makes a changed payload visible in a diff. */
export function payloadCommand(mode: "prepare" | "create" | "update" | "verify" | "bootstrap", digest: string): string {
    return `sudo -n bash -s -- ${mode} # openzro payload sha256:${digest}`;
}

function instanceIdentity(instance: pulumi.Resource): pulumi.Output<string> {
    return pulumi.CustomResource.isInstance(instance) ? instance.id : instance.urn;
}

export class HostLayer extends pulumi.ComponentResource {
    /** Every file per host (controllerName(i) / relayHostName(name)), secrets replaced by REDACTED. */
    public readonly redactedFiles: pulumi.Output<Record<string, HostFile[]>>;
    /** The remote commands by graph key (`converge-controller-1`, ...), in creation order. */
    public readonly commands: Readonly<Record<string, command.remote.Command>>;
    /** The order the commands run in (rollout.ts). */
    public readonly graph: readonly CommandNode[];

    constructor(name: string, args: HostLayerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("openzro:host:HostLayer", name, {}, opts);
        const { settings, facts } = args;
        if (facts.controllers.length !== settings.controllers.count) {
            throw new Error(
                `controllers: the footprint handed over ${facts.controllers.length} controllers for openzro:controllerCount ${settings.controllers.count}; the footprint must create one host per configured controller`,
            );
        }
        if (facts.relays.length !== settings.relays.length) {
            throw new Error(
                `relays: the footprint handed over ${facts.relays.length} relays for ${settings.relays.length} configured; the footprint must create one host per configured relay`,
            );
        }
        const scripts = loadHostScripts();
        const lb = facts.loadBalancer;
        const grpcBackend = lb.grpcBackend ?? "h2c";
        const version = pulumi.output(args.openzroVersion);
        const grpcTls = grpcBackend === "tls" ? nginxGrpcTls(name, this) : undefined;
        const metricsAgent = facts.metricsAgent;

        const serverCa = facts.database.serverCa;
        if ((serverCa.pem === undefined) === (serverCa.url === undefined)) {
            throw new Error("database.serverCa: the footprint must hand over exactly one of pem or url (the database's server CA)");
        }
        const topology: pulumi.Output<RenderTopology> = pulumi
            .all([
                pulumi.all(facts.controllers.map((c) => c.privateIp)),
                pulumi.all(facts.relays.map((r) => r.publicIp)),
                facts.database.host,
                facts.database.port,
                grpcTls ? grpcTls.certificatePem : undefined,
                serverCa.pem,
                pulumi.all([...lb.proxyCidrs]),
            ])
            .apply(([controllerIps, relayIps, dbHost, dbPort, grpcCertificate, caPem, proxyCidrs]) => ({
                controllers: facts.controllers.map((c, i) => ({ name: c.name, hostname: c.hostname, privateIp: controllerIps[i] })),
                relays: facts.relays.map((r, i) => ({ name: r.name, dnsName: r.dnsName, publicIp: relayIps[i] })),
                database: {
                    host: dbHost,
                    port: Number(dbPort),
                    user: facts.database.user,
                    mainDatabase: facts.database.mainDatabase,
                    ...(caPem === undefined ? {} : { serverCaPem: caPem }),
                },
                proxyCidrs,
                ...(grpcBackend === "tls" ? { grpcBackend, nginxGrpcTlsCertificate: grpcCertificate } : {}),
                ...(metricsAgent ? { metricsAgent } : {}),
            }));

        // Management's own role (DATABASE_APP_ROLE): alphanumeric, so it needs no quoting in DSNs or .pgpass.
        const appPassword = new random.RandomPassword(
            `${name}-db-app-password`,
            { length: 40, special: false },
            { parent: this, additionalSecretOutputs: ["result"] },
        );

        const s = args.secrets;
        const realSecrets: pulumi.Output<RenderSecrets> = pulumi
            .all([
                s.relayAuthSecret,
                s.dataStoreEncryptionKey,
                s.managementWgPrivateKey,
                facts.database.password,
                s.coordinatorPassword,
                settings.cluster.url,
                settings.oidc.clientSecret,
                pulumi.all([grpcTls ? grpcTls.keyPem : undefined, appPassword.result]),
            ])
            .apply(([relay, dataKey, wgKey, dbPassword, coordinatorPassword, clusterUrl, oidcClientSecret, [nginxGrpcTlsKey, dbAppPassword]]) => ({
                relayAuthSecret: relay,
                dataStoreEncryptionKey: dataKey,
                managementWgPrivateKey: wgKey,
                databasePassword: dbPassword,
                databaseAppPassword: dbAppPassword,
                coordinatorPassword,
                clusterUrl,
                oidcClientSecret,
                nginxGrpcTlsKey,
            }));
        const redacted = redactedSecrets(settings, grpcBackend);

        // Relays get only what their files need, so nothing of theirs waits for the database or the controllers,
        // and only the one secret they use.
        const relayTopology = pulumi.all(facts.relays.map((r) => r.publicIp)).apply((relayIps) => ({
            relays: facts.relays.map((r, i) => ({ name: r.name, dnsName: r.dnsName, publicIp: relayIps[i] })),
            ...(metricsAgent ? { metricsAgent } : {}),
        }));
        const relaySecrets: pulumi.Output<RenderSecrets> = s.relayAuthSecret.apply((relayAuthSecret) => ({
            ...redactedSecrets(settings),
            relayAuthSecret,
        }));
        const filesOf = (role: HostRole, index: number, sec: pulumi.Output<RenderSecrets> | RenderSecrets): pulumi.Output<HostFile[]> =>
            role === "controller"
                ? pulumi.all([topology, sec]).apply(([t, x]) => renderControllerFiles(settings, t, index, x))
                : pulumi.all([relayTopology, sec]).apply(([t, x]) => renderRelayFiles(settings, t, index, x));

        const hosts: HostTarget[] = [
            ...facts.controllers.map((c) => ({ name: c.name, role: "controller" as const, index: c.index, ssh: c.ssh, instance: c.instance })),
            ...facts.relays.map((r, index) => ({ name: relayHostName(r.name), role: "relay" as const, index, ssh: r.ssh, instance: r.instance })),
        ];
        const hostNames = new Set(hosts.map((h) => h.name));
        if (hostNames.size !== hosts.length) {
            throw new Error(`hosts: two hosts share a name (${hosts.map((h) => h.name).join(", ")}); give every controller and relay its own name`);
        }

        const redactedByHost: Record<string, pulumi.Output<HostFile[]>> = {};
        const stdinByHost: Record<string, pulumi.Output<string>> = {};
        const digestByHost: Record<string, pulumi.Output<string>> = {};
        const verifyStdinByHost: Record<string, pulumi.Output<string>> = {};
        const prepareStdinByHost: Record<string, pulumi.Output<string>> = {};
        const agentOf = metricsAgent ? { metricsAgent: metricsAgent.kind } : {};
        for (const h of hosts) {
            const convergeHost: pulumi.Output<ConvergeHost> =
                h.role === "controller"
                    ? topology.apply((t) => ({
                          role: h.role,
                          name: h.name,
                          clusterPeers: clusterPeers(settings, t.controllers.map((c) => c.privateIp), h.index),
                          ...(serverCa.url !== undefined ? { databaseCaUrl: serverCa.url } : {}),
                          ...agentOf,
                      }))
                    : pulumi.output({ role: h.role, name: h.name, clusterPeers: [], ...agentOf });
            const redactedFiles = filesOf(h.role, h.index, redacted);
            const realFiles = filesOf(h.role, h.index, h.role === "controller" ? realSecrets : relaySecrets);
            redactedByHost[h.name] = redactedFiles;
            prepareStdinByHost[h.name] = version.apply((v) =>
                renderPayloadScript(preparePayload(settings, { role: h.role, name: h.name, clusterPeers: [], ...agentOf }, v, lb, scripts)),
            );
            stdinByHost[h.name] = pulumi.secret(
                pulumi
                    .all([convergeHost, version, realFiles, h.role === "controller" ? realSecrets : relaySecrets])
                    .apply(([ch, v, files, sec]) =>
                        renderPayloadScript(convergePayload(settings, ch, v, lb, files, scripts, secretValuesIn(files, sec))),
                    ),
            );
            digestByHost[h.name] = pulumi
                .all([convergeHost, version, redactedFiles])
                .apply(([ch, v, files]) =>
                    sha256Hex(renderPayloadScript(convergePayload(settings, ch, v, lb, files, scripts, secretValuesIn(files, redacted)))),
                );
            if (h.role === "controller") {
                verifyStdinByHost[h.name] = pulumi
                    .all([convergeHost, version])
                    .apply(([ch, v]) => renderPayloadScript(verifyPayload(settings, ch, v, lb, scripts)));
            }
        }
        // verify re-runs whenever any controller's payload changed: it closes every rollout of the tier.
        const tierDigest = pulumi
            .all(facts.controllers.map((c) => digestByHost[c.name]))
            .apply((digests) => sha256Hex(digests.join("\n")));

        const database = pulumi.all([facts.database.host, facts.database.port, serverCa.pem]).apply(([host, port, caPem]) => ({
            host,
            port: Number(port),
            user: facts.database.user,
            mainDatabase: facts.database.mainDatabase,
            ...(caPem === undefined ? { caUrl: serverCa.url } : { serverCaPem: caPem }),
        }));
        const bootstrapStdin = pulumi.secret(
            pulumi
                .all([database, facts.database.password, appPassword.result])
                .apply(([db, masterPassword, appPw]) =>
                    renderPayloadScript(bootstrapPayload(settings, db, { masterPassword, appPassword: appPw }, scripts)),
                ),
        );
        const bootstrapDigest = database.apply((db) =>
            sha256Hex(renderPayloadScript(bootstrapPayload(settings, db, { masterPassword: REDACTED, appPassword: REDACTED }, scripts))),
        );

        this.graph = commandGraph(
            facts.controllers.map((c) => c.name),
            facts.relays.map((r) => relayHostName(r.name)),
        );
        const byName = new Map(hosts.map((h) => [h.name, h]));
        const commands: Record<string, command.remote.Command> = {};
        for (const node of this.graph) {
            const host = byName.get(node.host) as HostTarget;
            const prepareStdin = prepareStdinByHost[host.name];
            const payloads: Record<CommandKind, { stdin: pulumi.Output<string>; digest: pulumi.Output<string> }> = {
                // Not secret and prints nothing secret: the wait script itself is the stdin, its output stays visible.
                wait: { stdin: pulumi.output(scripts["wait-host.sh"]), digest: pulumi.output("") },
                prepare: { stdin: prepareStdin, digest: prepareStdin.apply(sha256Hex) },
                "db-bootstrap": { stdin: bootstrapStdin, digest: bootstrapDigest },
                install: { stdin: stdinByHost[host.name], digest: digestByHost[host.name] },
                converge: { stdin: stdinByHost[host.name], digest: digestByHost[host.name] },
                verify: { stdin: verifyStdinByHost[host.name], digest: tierDigest },
            };
            const spec = commandSpec(node.kind, payloads[node.kind]);
            const extraDependencies = node.kind === "db-bootstrap" ? facts.database.dependsOn : [];
            commands[node.key] = new command.remote.Command(
                `${name}-${node.key}`,
                {
                    ...spec.args,
                    connection: connectionArgs(host.ssh, spec.dial),
                    // A replaced instance re-runs create (first install); nothing else replaces a command.
                    triggers: [instanceIdentity(host.instance)],
                    // The previous run's output could carry journal lines; never hand it back to the host.
                    addPreviousOutputInEnv: false,
                },
                {
                    parent: this,
                    dependsOn: [host.instance, ...node.dependsOn.map((k) => commands[k]), ...extraDependencies],
                    deletedWith: host.instance,
                    customTimeouts: COMMAND_TIMEOUTS[node.kind],
                    additionalSecretOutputs: spec.secretOutputs ? ["stdout", "stderr"] : [],
                    ignoreChanges: spec.ignoreChanges,
                },
            );
        }
        this.commands = commands;

        this.redactedFiles = pulumi.all(redactedByHost);
        this.registerOutputs({ redactedFiles: this.redactedFiles });
    }
}

/** Stands in for a step that has nothing to do: the command still connects, so a dead host still fails it. */
export const NO_OP = (why: string) => `true # ${why}`;

/** The command-specific arguments; connection, triggers and options are the same for every kind. */
function commandSpec(
    kind: CommandKind,
    inputs: { stdin: pulumi.Output<string>; digest: pulumi.Output<string> },
): {
    args: Omit<command.remote.CommandArgs, "connection">;
    dial: DialSettings;
    secretOutputs: boolean;
    ignoreChanges?: string[];
} {
    switch (kind) {
        case "wait":
            return {
                // `timeout` bounds the whole run on the host: customTimeouts never stop a running command.
                args: { create: `timeout ${RUN_LIMIT_SECONDS.wait} bash -s -- ${HOST_WAITS.cloudInitSeconds}`, stdin: inputs.stdin },
                dial: WAIT_DIAL,
                secretOutputs: false,
            };
        case "prepare":
            // No secret goes in (versions, package names, the repository); apt's output stays visible.
            return {
                args: {
                    create: inputs.digest.apply((d) => payloadCommand("prepare", d)),
                    update: inputs.digest.apply((d) => payloadCommand("prepare", d)),
                    stdin: inputs.stdin,
                },
                dial: COMMAND_DIAL,
                secretOutputs: false,
            };
        case "db-bootstrap":
            return {
                args: { create: inputs.digest.apply((d) => payloadCommand("bootstrap", d)), stdin: inputs.stdin, logging: "none" },
                dial: COMMAND_DIAL,
                secretOutputs: true,
            };
        case "install":
            // The first install of a host, every host at once. Later payload changes are converge's (rolled one
            // host at a time): they are ignored here, and any other input change runs the no-op update, never a
            // second unrolled install.
            return {
                args: {
                    create: inputs.digest.apply((d) => payloadCommand("create", d)),
                    update: NO_OP("first install only: changes roll through converge-<host>"),
                    stdin: inputs.stdin,
                    logging: "none",
                },
                dial: COMMAND_DIAL,
                secretOutputs: true,
                ignoreChanges: ["create", "stdin"],
            };
        case "converge":
            // Created right after the install, when there is nothing left to do; every later change is its update.
            return {
                args: {
                    create: NO_OP("install-<host> did the first install"),
                    update: inputs.digest.apply((d) => payloadCommand("update", d)),
                    stdin: inputs.stdin,
                    logging: "none",
                },
                dial: COMMAND_DIAL,
                secretOutputs: true,
            };
        case "verify":
            // Nothing secret goes in; journal lines may come out (masked, but treated as secret anyway).
            return {
                args: { create: inputs.digest.apply((d) => payloadCommand("verify", d)), stdin: inputs.stdin, logging: "none" },
                dial: COMMAND_DIAL,
                secretOutputs: true,
            };
    }
}
