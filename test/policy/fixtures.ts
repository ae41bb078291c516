// A small, hand-built deployment that satisfies every policy: 3 controllers over 3 AZs, 2 relays, a bastion,
// PostgreSQL with TLS forced, an ALB with HTTP→HTTPS redirect and a gRPC rule. Each test gets a fresh copy and
// breaks one thing in it.
import type { StackResource } from "../../policy/lib/types";
import type { EngineResource } from "./harness";

export interface Spec {
    type: string;
    name: string;
    props: Record<string, any>;
    /** property -> names of the specs it depends on (what the engine reports as propertyDependencies) */
    deps?: Record<string, string[]>;
    options?: { protect?: boolean };
    /** Created without the explicit provider (so without its defaultTags). */
    defaultProvider?: boolean;
}

export const T = {
    vpc: "aws:ec2/vpc:Vpc",
    subnet: "aws:ec2/subnet:Subnet",
    sg: "aws:ec2/securityGroup:SecurityGroup",
    sgRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
    ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    instance: "aws:ec2/instance:Instance",
    eip: "aws:ec2/eip:Eip",
    record: "aws:route53/record:Record",
    pg: "aws:rds/parameterGroup:ParameterGroup",
    db: "aws:rds/instance:Instance",
    lb: "aws:lb/loadBalancer:LoadBalancer",
    tg: "aws:lb/targetGroup:TargetGroup",
    listener: "aws:lb/listener:Listener",
    rule: "aws:lb/listenerRule:ListenerRule",
    password: "random:index/randomPassword:RandomPassword",
    bytes: "random:index/randomBytes:RandomBytes",
    key: "tls:index/privateKey:PrivateKey",
    command: "command:remote:Command",
    stack: "pulumi:pulumi:Stack",
} as const;

export const DB_PASSWORD = "db-password-4f8a1c2e9b";
export const RELAY_SECRET = "cmVsYXktc2VjcmV0LTczOTFhYmNk";
export const SSH_KEY_PEM = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n";

const tags = (component: string) => ({ Name: `openzro-production-${component}`, Component: component });
const imds = { httpTokens: "required", httpEndpoint: "enabled" };
const root = { encrypted: true, volumeSize: 20 };

function ingress(name: string, group: string, protocol: string, port: number, source: { cidr?: string; sg?: string }): Spec {
    return {
        type: T.ingress,
        name,
        props: {
            securityGroupId: group,
            ipProtocol: protocol,
            fromPort: port,
            toPort: port,
            ...(source.cidr ? (source.cidr.includes(":") ? { cidrIpv6: source.cidr } : { cidrIpv4: source.cidr }) : {}),
            ...(source.sg ? { referencedSecurityGroupId: source.sg } : {}),
            tags: tags("network"),
        },
    };
}

function controller(i: number, subnet: string): Spec {
    return {
        type: T.instance,
        name: `controller-${i}`,
        props: {
            id: `i-controller-${i}`,
            subnetId: subnet,
            vpcSecurityGroupIds: ["sg-controllers"],
            metadataOptions: { ...imds },
            rootBlockDevice: { ...root },
            associatePublicIpAddress: false,
            tags: tags("controllers"),
        },
    };
}

function relay(name: string, ip: string): Spec[] {
    return [
        {
            type: T.instance,
            name: `relay-${name}`,
            props: {
                id: `i-relay-${name}`,
                subnetId: "subnet-public-a",
                vpcSecurityGroupIds: ["sg-relays"],
                metadataOptions: { ...imds },
                rootBlockDevice: { ...root },
                tags: tags("relays"),
            },
        },
        { type: T.eip, name: `relay-${name}-eip`, props: { instance: `i-relay-${name}`, publicIp: ip, domain: "vpc", tags: tags("relays") } },
        { type: T.record, name: `relay-${name}-dns`, props: { name: `relay-${name}.openzro.example.com`, type: "A", ttl: 300, records: [ip] } },
    ];
}

export function goodSpecs(): Spec[] {
    return [
        { type: T.vpc, name: "vpc", props: { cidrBlock: "10.0.0.0/16", tags: tags("network") } },
        ...["a", "b", "c"].map((z) => ({
            type: T.subnet,
            name: `private-${z}`,
            props: { id: `subnet-private-${z}`, availabilityZone: `eu-west-1${z}`, mapPublicIpOnLaunch: false, tags: tags("network") },
        })),
        ...["a", "c"].map((z) => ({
            type: T.subnet,
            name: `public-${z}`,
            props: { id: `subnet-public-${z}`, availabilityZone: `eu-west-1${z}`, mapPublicIpOnLaunch: true, tags: tags("network") },
        })),
        ...["controllers", "database", "relays", "lb", "bastion"].map((g) => ({
            type: T.sg,
            name: `sg-${g}`,
            props: { id: `sg-${g}`, description: `openzro ${g}`, tags: tags(g) },
        })),
        ingress("db-from-controllers", "sg-database", "tcp", 5432, { sg: "sg-controllers" }),
        ingress("controllers-cluster", "sg-controllers", "tcp", 6222, { sg: "sg-controllers" }),
        ingress("controllers-signal-cluster", "sg-controllers", "tcp", 6223, { sg: "sg-controllers" }),
        ingress("controllers-http-from-lb", "sg-controllers", "tcp", 80, { sg: "sg-lb" }),
        ingress("controllers-grpc-from-lb", "sg-controllers", "tcp", 8080, { sg: "sg-lb" }),
        ingress("controllers-ssh-from-bastion", "sg-controllers", "tcp", 22, { sg: "sg-bastion" }),
        ingress("bastion-ssh", "sg-bastion", "tcp", 22, { cidr: "203.0.113.0/24" }),
        ingress("lb-https", "sg-lb", "tcp", 443, { cidr: "0.0.0.0/0" }),
        ingress("lb-https-v6", "sg-lb", "tcp", 443, { cidr: "::/0" }),
        ingress("lb-http", "sg-lb", "tcp", 80, { cidr: "0.0.0.0/0" }),
        ingress("relay-tcp", "sg-relays", "tcp", 443, { cidr: "0.0.0.0/0" }),
        ingress("relay-udp", "sg-relays", "udp", 443, { cidr: "0.0.0.0/0" }),
        ingress("relay-stun", "sg-relays", "udp", 3478, { cidr: "0.0.0.0/0" }),
        ingress("relay-ssh", "sg-relays", "tcp", 22, { cidr: "203.0.113.0/24" }),
        controller(1, "subnet-private-a"),
        controller(2, "subnet-private-b"),
        controller(3, "subnet-private-c"),
        {
            type: T.instance,
            name: "bastion",
            props: {
                id: "i-bastion",
                subnetId: "subnet-public-a",
                vpcSecurityGroupIds: ["sg-bastion"],
                metadataOptions: { ...imds },
                rootBlockDevice: { ...root },
                userData: "#cloud-config\npackage_update: true\n",
                tags: tags("bastion"),
            },
        },
        ...relay("eu-west", "198.51.100.10"),
        ...relay("us-east", "198.51.100.20"),
        {
            type: T.pg,
            name: "postgres-params",
            props: { name: "openzro-pg16", family: "postgres16", parameters: [{ name: "rds.force_ssl", value: "1" }], tags: tags("database") },
        },
        {
            type: T.db,
            name: "postgres",
            props: {
                engine: "postgres",
                publiclyAccessible: false,
                storageEncrypted: true,
                parameterGroupName: "openzro-pg16",
                backupRetentionPeriod: 7,
                multiAz: true,
                deletionProtection: true,
                skipFinalSnapshot: false,
                finalSnapshotIdentifier: "openzro-production-final",
                vpcSecurityGroupIds: ["sg-database"],
                password: DB_PASSWORD,
                tags: tags("database"),
            },
            options: { protect: true },
        },
        {
            type: T.lb,
            name: "alb",
            props: { arn: "arn:lb", loadBalancerType: "application", idleTimeout: 3600, dropInvalidHeaderFields: true, securityGroups: ["sg-lb"], tags: tags("load-balancer") },
        },
        { type: T.tg, name: "tg-http", props: { arn: "arn:tg-http", port: 80, protocol: "HTTP", protocolVersion: "HTTP1", tags: tags("load-balancer") } },
        { type: T.tg, name: "tg-grpc", props: { arn: "arn:tg-grpc", port: 8080, protocol: "HTTP", protocolVersion: "GRPC", tags: tags("load-balancer") } },
        {
            type: T.listener,
            name: "https",
            props: {
                arn: "arn:listener-https",
                protocol: "HTTPS",
                port: 443,
                sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
                defaultActions: [{ type: "forward", targetGroupArn: "arn:tg-http" }],
                tags: tags("load-balancer"),
            },
        },
        {
            type: T.listener,
            name: "http",
            props: {
                arn: "arn:listener-http",
                protocol: "HTTP",
                port: 80,
                defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
                tags: tags("load-balancer"),
            },
        },
        {
            type: T.rule,
            name: "grpc",
            props: {
                listenerArn: "arn:listener-https",
                priority: 10,
                conditions: [{ pathPattern: { values: ["/management.ManagementService/*", "/signalexchange.SignalExchange/*"] } }],
                actions: [{ type: "forward", targetGroupArn: "arn:tg-grpc" }],
                tags: tags("load-balancer"),
            },
        },
        {
            type: T.rule,
            name: "api",
            props: {
                listenerArn: "arn:listener-https",
                priority: 20,
                conditions: [{ pathPattern: { values: ["/api/*"] } }],
                actions: [{ type: "forward", forward: { targetGroups: [{ arn: "arn:tg-http", weight: 1 }] } }],
                tags: tags("load-balancer"),
            },
        },
        { type: T.password, name: "db-password", props: { length: 32, result: DB_PASSWORD } },
        { type: T.bytes, name: "relay-secret", props: { length: 24, base64: RELAY_SECRET } },
        { type: T.key, name: "ssh-key", props: { algorithm: "ED25519", privateKeyOpenssh: SSH_KEY_PEM } },
        {
            type: T.command,
            name: "controller-1-converge",
            props: {
                create: "sudo bash /var/lib/openzro/converge.sh",
                stdin: `OZ_AUTH_SECRET=${RELAY_SECRET}\n`,
                connection: { host: "10.0.1.10", user: "ubuntu", privateKey: SSH_KEY_PEM },
                triggers: ["sha256:3b1f"],
            },
        },
        { type: T.stack, name: "openzro-production", props: { sshPrivateKey: SSH_KEY_PEM } },
    ];
}

export const PROVIDER = {
    type: "pulumi:providers:aws",
    urn: "urn:pulumi:production::openzro::pulumi:providers:aws::aws-eu-west-1",
    name: "aws-eu-west-1",
    props: { region: "eu-west-1", defaultTags: JSON.stringify({ tags: { Project: "openzro", Stack: "production", ManagedBy: "pulumi" } }) },
};

export function find(specs: Spec[], name: string): Spec {
    const s = specs.find((x) => x.name === name);
    if (!s) {
        throw new Error(`fixture has no resource named ${name}`);
    }
    return s;
}

/** Specs -> the objects stack policies receive (provider, property dependencies and all). */
export function materialize(specs: readonly Spec[]): EngineResource[] {
    const byName = new Map<string, EngineResource & { propertyDependencies: Record<string, StackResource[]> }>();
    for (const s of specs) {
        byName.set(s.name, {
            type: s.type,
            name: s.name,
            urn: `urn:pulumi:production::openzro::${s.type}::${s.name}`,
            props: s.props,
            provider: s.type.startsWith("aws:") && !s.defaultProvider ? PROVIDER : undefined,
            dependencies: [],
            propertyDependencies: {},
            options: s.options,
        });
    }
    for (const s of specs) {
        const r = byName.get(s.name)!;
        for (const [prop, names] of Object.entries(s.deps ?? {})) {
            r.propertyDependencies[prop] = names.map((n) => byName.get(n)!);
        }
    }
    return [...byName.values()];
}
