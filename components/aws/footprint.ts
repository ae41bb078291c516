// The whole AWS footprint of one stack, and its hand-over to the cloud-agnostic host layer: plain facts about the
// hosts, the database and the load balancer (components/host/facts.ts), plus the stack outputs.
import * as pulumi from "@pulumi/pulumi";
import { Settings } from "../config/types";
import { relayAddress, relayHostName } from "../config/naming";
import { metricsAgentTarget } from "./metricsAgent";
import { resourceTags } from "./tags";
import { DATABASE_NAMES, FootprintFacts, InstanceGateFactory, RDS_GLOBAL_CA_BUNDLE_URL, controllerFacts, viaBastion } from "../host/facts";
import { Alarms } from "./alarms";
import { UbuntuAmis } from "./ami";
import { Bastion } from "./bastion";
import { Certificate } from "./certificate";
import { Controllers } from "./controllers";
import { Database } from "./database";
import { DeployRunner, DeployRunnerArgs } from "./deployRunner";
import { GameDay } from "./gameDay";
import { LoadBalancer } from "./loadBalancer";
import { Network } from "./network";
import { RegionalProviders, relayRegions } from "./providers";
import { RelayRegion } from "./relayRegion";
import { SecurityGroups } from "./securityGroups";
import { SshKeys } from "./sshKey";
import { IrreplaceableKeys, SecretsBackup } from "./secretsBackup";
import { relayVpcPlan } from "./relayVpcPlan";
import { roundRobinSlot } from "./zones";
import { assertAwsSettings } from "./validate";

export interface AwsFootprintArgs {
    readonly settings: Settings;
    /** The keys settings.secretsBackup copies to Secrets Manager (required when it is on). */
    readonly irreplaceableKeys?: IrreplaceableKeys;
    /**
     * The instance chain (components/host/instanceGate.ts): each controller's and each relay's instance waits for
     * the previous host's gate, so stop/start changes and replacements reach one host per tier at a time.
     * Without it (component tests) instances are independent.
     */
    readonly instanceGate?: InstanceGateFactory;
}

export interface AwsFootprintOutputs {
    readonly dashboardUrl: pulumi.Output<string>;
    readonly managementEndpoint: pulumi.Output<string>;
    readonly relayAddresses: pulumi.Output<string[]>;
    readonly controllerPrivateIps: pulumi.Output<string[]>;
    readonly bastionAddress: pulumi.Output<string>;
    /** Fixed public addresses of the control plane (staticIngress); empty without it. */
    readonly ingressAddresses: pulumi.Output<string[]>;
    readonly databaseEndpoint: pulumi.Output<string>;
    readonly certificateArn: pulumi.Output<string>;
    /** Secret: the generated key, or the configured one. */
    readonly sshPrivateKey: pulumi.Output<string>;
}

export class AwsFootprint extends pulumi.ComponentResource {
    readonly facts: FootprintFacts;
    readonly outputs: AwsFootprintOutputs;

    constructor(name: string, args: AwsFootprintArgs, opts?: pulumi.ComponentResourceOptions) {
        // Before anything is registered: a bad value must not leave half a stack behind.
        assertAwsSettings(args.settings);
        super("openzro:aws:Footprint", name, {}, opts);
        const { settings } = args;

        const providers = new RegionalProviders(name, settings, this);
        const primary = providers.primary;
        const sshKeys = new SshKeys(name, { settings, regions: providers.regions(), providers }, { parent: this });
        if (settings.secretsBackup) {
            if (!args.irreplaceableKeys) {
                throw new Error("secretsBackup: the footprint got no keys to back up; pass irreplaceableKeys (components/program.ts)");
            }
            new SecretsBackup(name, { keys: args.irreplaceableKeys, protect: settings.protectResources, provider: primary }, { parent: this });
        }

        const network = new Network(
            name,
            { vpcCidr: settings.network.vpcCidr, azCount: settings.network.azCount, natGateways: settings.network.natGateways, provider: primary },
            { parent: this, providers: { aws: primary } },
        );
        const groups = new SecurityGroups(name, { settings, vpcId: network.vpcId, provider: primary }, { parent: this, providers: { aws: primary } });
        // One image lookup per region and architecture, shared by every host in that region.
        const amisByRegion = new Map(providers.regions().map((region) => [region, new UbuntuAmis({ parent: this, provider: providers.for(region) })]));
        const amis = amisByRegion.get(settings.region)!;

        const bastion = new Bastion(
            name,
            {
                instanceType: settings.bastion.instanceType,
                amis,
                subnetId: network.publicSubnetIds[0],
                securityGroupId: groups.bastionId,
                keyName: sshKeys.keyName(settings.region),
                internetGateway: network.internetGateway,
                provider: primary,
            },
            { parent: this, providers: { aws: primary } },
        );
        const user = settings.ssh.user;
        const privateKey = sshKeys.privateKey;
        const throughBastion = viaBastion({ host: bastion.publicIp, hostKey: bastion.hostPublicKey }, user, privateKey);
        const gate = args.instanceGate;

        // The metrics agent's log group and permission (metricsAgent): created before the hosts that write to it.
        const metrics = settings.metrics.agent
            ? metricsAgentTarget(name, pulumi.getStack(), settings.region, resourceTags("monitoring", pulumi.getStack(), "metrics"), { parent: this, provider: primary })
            : undefined;

        const controllers = new Controllers(
            name,
            {
                settings,
                ...(metrics ? { metricsPolicy: metrics.policy } : {}),
                amis,
                privateSubnetIds: network.privateSubnetIds,
                securityGroupId: groups.controllersId,
                keyName: sshKeys.keyName(settings.region),
                provider: primary,
                afterInstance: gate
                    ? (h) => gate({ name: h.name, role: "controller", ssh: throughBastion(h.instance.privateIp, h.hostPublicKey), instance: h.instance, instanceFacts: h.instanceType }, { parent: this })
                    : undefined,
            },
            { parent: this, providers: { aws: primary } },
        );
        const database = new Database(
            name,
            { settings, privateSubnetIds: network.privateSubnetIds, securityGroupId: groups.databaseId, provider: primary },
            { parent: this, providers: { aws: primary } },
        );
        const certificate = new Certificate(
            name,
            { domain: settings.domain, dnsZone: settings.dnsZone, provider: primary },
            { parent: this, providers: { aws: primary } },
        );
        const loadBalancer = new LoadBalancer(
            name,
            {
                settings,
                vpcId: network.vpcId,
                publicSubnetIds: network.publicSubnetIds,
                securityGroupId: groups.albId,
                certificateArn: certificate.certificateArn,
                zoneId: certificate.zoneId,
                internetGateway: network.internetGateway,
                targets: controllers.hosts.map((h) => ({ name: h.name, instanceId: h.instance.id })),
                provider: primary,
            },
            { parent: this, providers: { aws: primary } },
        );

        const regions = relayRegions(settings);
        const vpcPlans = relayVpcPlan(settings.network.relayVpcCidr, regions);
        const relaySshTargets: DeployRunnerArgs["sshTargets"][number][] = [];
        let lastRelayGate: pulumi.Resource | undefined;
        const relayHosts = regions.flatMap((region) => {
            const plan = vpcPlans(region);
            const relayRegion = new RelayRegion(
                `${name}-relays-${region}`,
                {
                    settings,
                    region,
                    vpcCidr: plan.vpcCidr,
                    publicSubnetCidrs: plan.publicSubnets,
                    relays: settings.relays.filter((r) => r.region === region),
                    keyName: sshKeys.keyName(region),
                    amis: amisByRegion.get(region)!,
                    zoneId: certificate.zoneId,
                    provider: providers.for(region),
                    dnsProvider: primary,
                    after: lastRelayGate,
                    ...(metrics ? { metricsPolicy: metrics.policy } : {}),
                    gateOf: gate
                        ? (host, relay) =>
                              gate(
                                  {
                                      name: relayHostName(relay.name),
                                      role: "relay",
                                      ssh: { host: host.publicIp, user, privateKey, hostKey: host.hostPublicKey },
                                      instance: host.instance,
                                      instanceFacts: relay.instanceType,
                                  },
                                  { parent: this },
                              )
                        : undefined,
                },
                { parent: this },
            );
            relaySshTargets.push({ name: `relays-${region}`, securityGroupId: relayRegion.securityGroupId, provider: providers.for(region) });
            lastRelayGate = relayRegion.lastGate;
            return relayRegion.hosts;
        });
        if (settings.deployRunner) {
            new DeployRunner(
                name,
                {
                    ...settings.deployRunner,
                    region: settings.region,
                    amis,
                    vpcId: network.vpcId,
                    subnetId: network.publicSubnetIds[0],
                    internetGateway: network.internetGateway,
                    keyName: sshKeys.keyName(settings.region),
                    sshTargets: [{ name: "bastion", securityGroupId: groups.bastionId, provider: primary }, ...relaySshTargets],
                    provider: primary,
                },
                { parent: this, providers: { aws: primary } },
            );
        }
        // Facts list relays in configuration order, whatever the region grouping.
        const relaysInOrder = settings.relays.map((relay) => {
            const found = relayHosts.find((h) => h.relay.name === relay.name);
            if (!found) {
                throw new Error(`relay "${relay.name}" was not created`);
            }
            return found;
        });

        const alarms = new Alarms(
            name,
            {
                settings,
                providerFor: (region) => providers.for(region),
                regions: providers.regions(),
                primary,
                loadBalancerArn: loadBalancer.arn,
                targetGroupArns: loadBalancer.targetGroupArns,
                databaseIdentifier: database.instance.identifier,
                natGatewayIds: network.natGatewayIds,
                instances: [
                    ...controllers.hosts.map((h) => ({ name: h.name, role: "controller" as const, region: settings.region, instanceId: h.instance.id })),
                    ...relaysInOrder.map(({ relay, host }) => ({ name: relayHostName(relay.name), role: "relay" as const, region: relay.region, instanceId: host.instance.id })),
                    { name: "bastion", role: "bastion" as const, region: settings.region, instanceId: bastion.instance.id },
                ],
                relays: relaysInOrder.map(({ relay, host }) => ({ name: relay.name, publicIp: host.publicIp })),
            },
            { parent: this },
        );

        if (settings.gameDay.enabled) {
            new GameDay(
                name,
                {
                    settings,
                    zoneNames: network.zoneNames,
                    // Controllers go round-robin over the private subnets; the bastion lives in public subnet 0.
                    instances: [
                        ...controllers.hosts.map((h) => ({ name: h.name, slot: roundRobinSlot(h.index, network.privateSubnetIds.length), arn: h.instance.arn })),
                        { name: "bastion", slot: 0, arn: bastion.instance.arn },
                    ],
                    databaseArn: database.instance.arn,
                    stopConditionAlarmArns: [alarms.alarms.get("alb-5xx")!.arn],
                    provider: primary,
                },
                { parent: this, providers: { aws: primary } },
            );
        }

        this.facts = {
            controllers: controllerFacts(controllers.hosts, throughBastion),
            relays: relaysInOrder.map(({ relay, host }) => ({
                name: relay.name,
                region: relay.region,
                publicIp: host.publicIp,
                dnsName: host.dnsName,
                ssh: { host: host.publicIp, user, privateKey, hostKey: host.hostPublicKey },
                instance: host.instance,
            })),
            database: {
                host: database.address,
                port: database.port,
                user: database.username,
                password: database.password,
                // RDS server certificates chain to the RDS CAs; the hosts download AWS's current bundle.
                serverCa: { url: RDS_GLOBAL_CA_BUNDLE_URL },
                mainDatabase: DATABASE_NAMES.main,
                // The bootstrap connects from a controller: it needs the instance and the rule that lets it in.
                dependsOn: [database.instance, ...ruleOrNothing(groups, "database-in-5432")],
            },
            loadBalancer: {
                proxyCidrs: [...network.publicSubnetCidrs],
                healthCheckIntervalSeconds: settings.loadBalancer.healthCheckIntervalSeconds,
                healthyThreshold: settings.loadBalancer.healthyThreshold,
                unhealthyThreshold: settings.loadBalancer.unhealthyThreshold,
                deregistrationDelaySeconds: settings.loadBalancer.deregistrationDelaySeconds,
            },
            ...(metrics ? { metricsAgent: metrics.facts } : {}),
        };

        this.outputs = {
            dashboardUrl: pulumi.output(`https://${settings.domain}`),
            managementEndpoint: pulumi.output(`https://${settings.domain}:443`),
            relayAddresses: pulumi.output(settings.relays.map((r) => relayAddress(r.name, settings.domain, settings.relay))),
            controllerPrivateIps: pulumi.all(controllers.hosts.map((h) => h.privateIp)),
            bastionAddress: bastion.publicIp,
            ingressAddresses: loadBalancer.ingressAddresses,
            databaseEndpoint: database.endpoint,
            certificateArn: certificate.certificateArn,
            sshPrivateKey: pulumi.secret(privateKey),
        };

        this.registerOutputs({ ...this.outputs });
    }
}

function ruleOrNothing(groups: SecurityGroups, key: string): pulumi.Resource[] {
    const rule = groups.rules.get(key);
    return rule ? [rule] : [];
}

