// The whole GCP footprint of one stack, and its hand-over to the cloud-agnostic host layer: the same facts
// (components/host/facts.ts) the AWS footprint produces, so host convergence and every renderer run unchanged.
// One explicit provider (project + primary region); regional resources name their region.
import * as pulumi from "@pulumi/pulumi";
import * as gcp from "@pulumi/gcp";
import { Settings } from "../config/types";
import { relayAddress, relayHostName } from "../config/naming";
import { DATABASE_NAMES, FootprintFacts, InstanceGateFactory, controllerFacts, viaBastion } from "../host/facts";
import { relayRegions } from "../aws/providers";
import { roundRobinSlot } from "../aws/zones";
import { Bastion } from "./bastion";
import { Controllers } from "./controllers";
import { Database } from "./database";
import { DnsZone } from "./dns";
import { Firewall } from "./firewall";
import { GOOGLE_FRONT_END_RANGES, gcpFirewallRules } from "./firewallPlan";
import { UbuntuImages } from "./image";
import { namePrefix, providerDefaultLabels } from "./labels";
import { LoadBalancer } from "./loadBalancer";
import { Network } from "./network";
import { planGcpNetwork } from "./networkPlan";
import { RelayHost } from "./relayHost";
import { ServiceAccounts } from "./serviceAccounts";
import { SshKey } from "./sshKey";
import { regionZones } from "./zones";

export interface GcpFootprintOutputs {
    readonly dashboardUrl: pulumi.Output<string>;
    readonly managementEndpoint: pulumi.Output<string>;
    readonly relayAddresses: pulumi.Output<string[]>;
    readonly controllerPrivateIps: pulumi.Output<string[]>;
    readonly bastionAddress: pulumi.Output<string>;
    readonly databaseEndpoint: pulumi.Output<string>;
    /** The global address the domain points at. */
    readonly loadBalancerAddress: pulumi.Output<string>;
    /** Google-managed certificate: `gcloud compute ssl-certificates describe <name> --global` shows its status. */
    readonly certificateName: pulumi.Output<string>;
    /** Secret: the generated key, or the configured one. */
    readonly sshPrivateKey: pulumi.Output<string>;
}

export interface GcpFootprintArgs {
    readonly settings: Settings;
    /**
     * The instance chain (components/host/instanceGate.ts): each controller's and each relay's instance waits for
     * the previous host's gate, so machine type changes (stop/start) and replacements reach one host per tier at a
     * time. Without it (component tests) instances are independent.
     */
    readonly instanceGate?: InstanceGateFactory;
}

/** What only a misbuilt Settings could break: config validation makes these unreachable from a stack file. */
export function assertGcpSettings(settings: Settings): NonNullable<Settings["gcp"]> {
    if (settings.cloud !== "gcp" || !settings.gcp) {
        throw new Error(`GcpFootprint: settings are for cloud "${settings.cloud}" and carry no gcp section; set openzro:cloud to gcp`);
    }
    return settings.gcp;
}

export class GcpFootprint extends pulumi.ComponentResource {
    readonly facts: FootprintFacts;
    readonly outputs: GcpFootprintOutputs;
    /**
     * PEM of the Cloud SQL server CA, for a host layer that verifies the server (sslmode=verify-ca). Not a stack
     * output: it is public, but a PEM block in outputs is indistinguishable from a leaked key to the plan's checks.
     */
    readonly databaseCaCertificate: pulumi.Output<string>;

    constructor(name: string, args: GcpFootprintArgs, opts?: pulumi.ComponentResourceOptions) {
        const gcpSettings = assertGcpSettings(args.settings);
        const plan = planGcpNetwork(args.settings);
        super("openzro:gcp:Footprint", name, {}, opts);
        const { settings } = args;
        const stack = pulumi.getStack();

        const provider = new gcp.Provider(
            `${name}-gcp`,
            { project: gcpSettings.project, region: settings.region, defaultLabels: providerDefaultLabels(settings, stack) },
            { parent: this },
        );
        const childOpts = { parent: this, providers: { gcp: provider } };
        const lookups = { parent: this as pulumi.Resource, provider };

        const sshKey = new SshKey(name, { settings }, { parent: this });
        const accounts = new ServiceAccounts(name, { project: gcpSettings.project, stackPrefix: namePrefix(stack), provider }, childOpts);
        const network = new Network(name, { plan, provider }, childOpts);
        new Firewall(name, { networkId: network.networkId, rules: gcpFirewallRules(settings), serviceAccounts: accounts.emails, provider }, childOpts);
        const images = new UbuntuImages({ parent: this, provider, pinned: gcpSettings.image });
        const zones = regionZones(settings.region, settings.network.azCount, gcpSettings.zones, lookups);
        const dns = new DnsZone(name, { managedZone: gcpSettings.dnsManagedZone, dnsZone: settings.dnsZone, provider }, childOpts);

        const bastion = new Bastion(
            name,
            {
                machineType: settings.bastion.instanceType,
                region: settings.region,
                zone: zones[0],
                images,
                subnetwork: network.controllerSubnetId,
                sshUser: settings.ssh.user,
                sshPublicKey: sshKey.publicKey,
                serviceAccountEmail: accounts.emails.bastion,
                provider,
            },
            childOpts,
        );
        const user = settings.ssh.user;
        const privateKey = sshKey.privateKey;
        // Controllers and relays alike: SSH only through the bastion, to internal addresses, every key pinned.
        const throughBastion = viaBastion({ host: bastion.sshHost, hostKey: bastion.hostPublicKey }, user, privateKey);
        const gate = args.instanceGate;
        const privateIpOf = (instance: gcp.compute.Instance) => instance.networkInterfaces.apply((nics) => nics[0].networkIp);

        const controllers = new Controllers(
            name,
            {
                settings,
                images,
                zones,
                subnetwork: network.controllerSubnetId,
                networkId: network.networkId,
                sshPublicKey: sshKey.publicKey,
                serviceAccountEmail: accounts.emails.controller,
                provider,
                afterInstance: gate
                    ? (h) => gate({ name: h.name, role: "controller", ssh: throughBastion(privateIpOf(h.instance), h.hostPublicKey), instance: h.instance, instanceFacts: h.instanceType }, { parent: this })
                    : undefined,
            },
            childOpts,
        );
        const database = new Database(
            name,
            {
                settings,
                networkId: network.networkId,
                privateServicesRangeName: network.privateServicesRangeName,
                privateServicesConnection: network.privateServicesConnection,
                provider,
            },
            childOpts,
        );
        const loadBalancer = new LoadBalancer(
            name,
            { settings, instanceGroups: controllers.instanceGroups.map((g) => g.id), dns, provider },
            childOpts,
        );

        const relayZones = new Map(
            relayRegions(settings).map((region) => [
                region,
                regionZones(region, Math.max(1, settings.relays.filter((r) => r.region === region).length), undefined, lookups),
            ]),
        );
        // One chain over every relay, in configuration order (regions share one VPC and one provider).
        let previousRelayGate: pulumi.Resource | undefined;
        const relayHosts = settings.relays.map((relay) => {
            const inRegion = settings.relays.filter((r) => r.region === relay.region);
            const slots = relayZones.get(relay.region)!;
            const subnetwork = network.relaySubnetIds.get(relay.region);
            if (!subnetwork) {
                throw new Error(`relay "${relay.name}": no subnet was planned for region ${relay.region}`);
            }
            const host = new RelayHost(
                `${name}-${relayHostName(relay.name)}`,
                {
                    relay,
                    domain: settings.domain,
                    rootVolumeGb: settings.relay.rootVolumeGb,
                    zone: slots[roundRobinSlot(inRegion.indexOf(relay), slots.length)],
                    images,
                    subnetwork,
                    sshUser: settings.ssh.user,
                    sshPublicKey: sshKey.publicKey,
                    serviceAccountEmail: accounts.emails.relay,
                    dns,
                    provider,
                    after: previousRelayGate,
                },
                childOpts,
            );
            if (gate) {
                previousRelayGate = gate(
                    { name: relayHostName(relay.name), role: "relay", ssh: throughBastion(host.privateIp, host.hostPublicKey), instance: host.instance, instanceFacts: relay.instanceType },
                    { parent: this },
                );
            }
            return host;
        });

        this.facts = {
            controllers: controllerFacts(controllers.hosts, throughBastion),
            relays: settings.relays.map((relay, i) => ({
                name: relay.name,
                region: relay.region,
                publicIp: relayHosts[i].publicIp,
                dnsName: relayHosts[i].dnsName,
                ssh: throughBastion(relayHosts[i].privateIp, relayHosts[i].hostPublicKey),
                instance: relayHosts[i].instance,
            })),
            database: {
                host: database.address,
                port: database.port,
                user: database.username,
                password: database.password,
                serverCa: { pem: database.serverCaCertificate },
                mainDatabase: DATABASE_NAMES.main,
                // No firewall rule to wait for: Cloud SQL sits behind the peering, egress is allowed by default.
                dependsOn: [database.instance, database.user, database.mainDatabase, network.privateServicesConnection],
            },
            loadBalancer: {
                // Google's front ends connect from these ranges, and the load balancer appends its own address as
                // the last X-Forwarded-For entry (<client>, <load balancer>): trusting it lets nginx and management
                // walk one step further left to the real client.
                proxyCidrs: [...GOOGLE_FRONT_END_RANGES, pulumi.interpolate`${loadBalancer.address}/32`],
                healthCheckIntervalSeconds: settings.loadBalancer.healthCheckIntervalSeconds,
                healthyThreshold: settings.loadBalancer.healthyThreshold,
                unhealthyThreshold: settings.loadBalancer.unhealthyThreshold,
                // Applied as connectionDrainingTimeoutSec on every backend service.
                deregistrationDelaySeconds: settings.loadBalancer.deregistrationDelaySeconds,
                grpcBackend: "tls",
            },
        };

        this.databaseCaCertificate = database.serverCaCertificate;
        this.outputs = {
            dashboardUrl: pulumi.output(`https://${settings.domain}`),
            managementEndpoint: pulumi.output(`https://${settings.domain}:443`),
            relayAddresses: pulumi.output(settings.relays.map((r) => relayAddress(r.name, settings.domain, settings.relay))),
            controllerPrivateIps: pulumi.all(controllers.hosts.map((h) => h.privateIp)),
            bastionAddress: bastion.publicIp,
            databaseEndpoint: database.endpoint,
            loadBalancerAddress: loadBalancer.address,
            certificateName: loadBalancer.certificateName,
            sshPrivateKey: pulumi.secret(privateKey),
        };
        this.registerOutputs({ ...this.outputs });
    }
}
