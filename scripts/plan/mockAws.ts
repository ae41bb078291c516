// Plausible AWS resource state and invoke answers for the offline plan. Values follow AWS's real shapes (id prefixes,
// ARNs with the region of the resource's provider, endpoints) so renderers and tests see realistic text.
import { hexId, seededString, seededUuid, sha256Hex } from "./deterministic";
import { cidrContains } from "./ipv4";
import { ACCOUNT_ID, MockWorld } from "./mockWorld";
import { unwrapSecrets } from "./wire";

export interface AwsResourceRequest {
    readonly type: string;
    readonly name: string;
    /** Unique seed (the URN): every derived value comes from it. */
    readonly seed: string;
    readonly inputs: Record<string, unknown>;
    readonly region: string;
}

export interface AwsResourceAnswer {
    readonly id: string;
    /** Computed fields; merged over the echoed inputs. */
    readonly computed: Record<string, unknown>;
    /** True when no type-specific mock exists (generic id and ARN only). */
    readonly generic?: boolean;
}

/** EC2 id prefixes by resource type name (the part after the last ':' of the token). */
const EC2_ID_PREFIX: Record<string, string> = {
    Vpc: "vpc", Subnet: "subnet", Instance: "i", Eip: "eipalloc", EipAssociation: "eipassoc", NatGateway: "nat",
    InternetGateway: "igw", EgressOnlyInternetGateway: "eigw", RouteTable: "rtb", Route: "r",
    RouteTableAssociation: "rtbassoc", SecurityGroup: "sg", SecurityGroupRule: "sgrule",
    SecurityGroupIngressRule: "sgr", SecurityGroupEgressRule: "sgr", KeyPair: "key", LaunchTemplate: "lt",
    NetworkInterface: "eni", VpcPeeringConnection: "pcx", VpcPeeringConnectionAccepter: "pcx", VpcEndpoint: "vpce",
    FlowLog: "fl", NetworkAcl: "acl", Volume: "vol", PlacementGroup: "pg", MainRouteTableAssociation: "rtbassoc",
    DefaultSecurityGroup: "sg", DefaultRouteTable: "rtb", DefaultNetworkAcl: "acl", VpcDhcpOptions: "dopt",
};

/** Types whose physical name the real provider generates when the program does not set one. */
const AUTONAMED: Record<string, { field: string; max: number; lower?: boolean }> = {
    "aws:iam/role:Role": { field: "name", max: 64 },
    "aws:iam/policy:Policy": { field: "name", max: 128 },
    "aws:iam/instanceProfile:InstanceProfile": { field: "name", max: 128 },
    "aws:iam/rolePolicy:RolePolicy": { field: "name", max: 128 },
    "aws:ec2/securityGroup:SecurityGroup": { field: "name", max: 255 },
    "aws:ec2/keyPair:KeyPair": { field: "keyName", max: 255 },
    "aws:ec2/launchTemplate:LaunchTemplate": { field: "name", max: 128 },
    "aws:lb/loadBalancer:LoadBalancer": { field: "name", max: 32 },
    "aws:lb/targetGroup:TargetGroup": { field: "name", max: 32 },
    "aws:rds/subnetGroup:SubnetGroup": { field: "name", max: 255, lower: true },
    "aws:rds/parameterGroup:ParameterGroup": { field: "name", max: 255, lower: true },
    "aws:rds/instance:Instance": { field: "identifier", max: 63, lower: true },
    "aws:rds/cluster:Cluster": { field: "clusterIdentifier", max: 63, lower: true },
    "aws:cloudwatch/logGroup:LogGroup": { field: "name", max: 512 },
    "aws:secretsmanager/secret:Secret": { field: "name", max: 512 },
    "aws:sns/topic:Topic": { field: "name", max: 256 },
    "aws:s3/bucket:Bucket": { field: "bucket", max: 63, lower: true },
    "aws:s3/bucketV2:BucketV2": { field: "bucket", max: 63, lower: true },
};

/** The deprecated alb module is an alias of lb. */
export function canonicalAwsType(type: string): string {
    return type.replace(/^aws:alb\//, "aws:lb/");
}

function str(x: unknown): string | undefined {
    const v = unwrapSecrets(x);
    return typeof v === "string" ? v : undefined;
}

function kebab(s: string): string {
    return s.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();
}

/** Physical name: the program's, or "<logical name>-<7 hex>" like Pulumi autonaming, within the type's limit. */
function physicalName(req: AwsResourceRequest): string | undefined {
    const rule = AUTONAMED[req.type];
    if (!rule) {
        return undefined;
    }
    const given = str(req.inputs[rule.field]);
    if (given) {
        return given;
    }
    const prefix = str(req.inputs[`${rule.field === "keyName" ? "keyName" : "name"}Prefix`]);
    const suffix = hexId(`${req.seed}#name`, 7);
    let stem = prefix ?? `${req.name}-`;
    stem = stem.slice(0, rule.max - suffix.length);
    const name = `${stem}${suffix}`;
    return rule.lower ? name.toLowerCase() : name;
}

function regionalArn(service: string, region: string, resource: string): string {
    return `arn:aws:${service}:${region}:${ACCOUNT_ID}:${resource}`;
}

/** "us-east-1" → "use1" (AWS zone-id prefix). */
function regionShort(region: string): string {
    const [geo, dir = "", num = ""] = region.split("-");
    const short = dir.replace("north", "n").replace("south", "s").replace("east", "e").replace("west", "w").replace("central", "c");
    return `${geo}${short}${num}`;
}

export function availabilityZones(region: string): { names: string[]; zoneIds: string[] } {
    const letters = ["a", "b", "c"];
    return {
        names: letters.map((l) => `${region}${l}`),
        zoneIds: letters.map((_, i) => `${regionShort(region)}-az${i + 1}`),
    };
}

/** Answers a registration of an aws:* resource (not the provider itself). */
export function awsResource(world: MockWorld, req: AwsResourceRequest): AwsResourceAnswer {
    const [, modulePath, typeName] = req.type.split(":");
    const service = modulePath.split("/")[0];
    const name = physicalName(req);
    const named = name === undefined ? {} : { [AUTONAMED[req.type].field]: name };
    const specific = SPECIFIC[req.type]?.(world, req, name ?? req.name);
    if (specific) {
        return { id: specific.id, computed: { ...named, ...specific.computed } };
    }
    if (service === "ec2" && EC2_ID_PREFIX[typeName]) {
        const id = `${EC2_ID_PREFIX[typeName]}-${hexId(req.seed, 17)}`;
        return { id, computed: { ...named, arn: regionalArn("ec2", req.region, `${kebab(typeName)}/${id}`) } };
    }
    const id = name ?? `${req.name}-${hexId(req.seed, 8)}`;
    const arn = service === "iam"
        ? `arn:aws:iam::${ACCOUNT_ID}:${kebab(typeName)}/${id}`
        : regionalArn(service, req.region, `${kebab(typeName)}/${id}`);
    return { id, computed: { ...named, arn }, generic: true };
}

type Specific = (world: MockWorld, req: AwsResourceRequest, physical: string) => AwsResourceAnswer;

function securityGroupRule(_w: MockWorld, req: AwsResourceRequest): AwsResourceAnswer {
    const id = `sgr-${hexId(req.seed, 17)}`;
    return { id, computed: { securityGroupRuleId: id, arn: regionalArn("ec2", req.region, `security-group-rule/${id}`) } };
}

const SPECIFIC: Record<string, Specific> = {
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": securityGroupRule,
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": securityGroupRule,
    "aws:ec2/vpc:Vpc": (_w, req) => {
        const id = `vpc-${hexId(req.seed, 17)}`;
        return {
            id,
            computed: {
                arn: regionalArn("ec2", req.region, `vpc/${id}`),
                defaultSecurityGroupId: `sg-${hexId(`${req.seed}#sg`, 17)}`,
                defaultRouteTableId: `rtb-${hexId(`${req.seed}#rtb`, 17)}`,
                mainRouteTableId: `rtb-${hexId(`${req.seed}#rtb`, 17)}`,
                defaultNetworkAclId: `acl-${hexId(`${req.seed}#acl`, 17)}`,
                ownerId: ACCOUNT_ID,
            },
        };
    },
    "aws:ec2/subnet:Subnet": (_w, req) => {
        const id = `subnet-${hexId(req.seed, 17)}`;
        const zones = availabilityZones(req.region);
        const az = str(req.inputs.availabilityZone)
            ?? zones.names[Math.max(0, zones.zoneIds.indexOf(str(req.inputs.availabilityZoneId) ?? ""))];
        return {
            id,
            computed: {
                arn: regionalArn("ec2", req.region, `subnet/${id}`),
                availabilityZone: az,
                availabilityZoneId: zones.zoneIds[Math.max(0, zones.names.indexOf(az))],
                ownerId: ACCOUNT_ID,
            },
        };
    },
    "aws:ec2/instance:Instance": (world, req) => {
        const id = `i-${hexId(req.seed, 17)}`;
        const subnet = world.lookup(req.inputs.subnetId);
        const cidr = str(subnet?.state.cidrBlock);
        const given = str(req.inputs.privateIp);
        const privateIp = given ?? (cidr && subnet ? world.nextHostIn(subnet.id, cidr) : world.nextHostIn("default", "172.31.0.0/16"));
        if (cidr && given && !cidrContains(cidr, given)) {
            throw new Error(`${req.name}: privateIp ${given} is outside its subnet ${cidr}`);
        }
        if (given) {
            world.reservePrivateIp(given);
        }
        const az = str(subnet?.state.availabilityZone) ?? str(req.inputs.availabilityZone) ?? `${req.region}a`;
        const publicIp = req.inputs.associatePublicIpAddress === true ? world.nextPublicAddress() : "";
        const dnsSuffix = req.region === "us-east-1" ? "ec2.internal" : `${req.region}.compute.internal`;
        return {
            id,
            computed: {
                arn: regionalArn("ec2", req.region, `instance/${id}`),
                privateIp,
                privateDns: `ip-${privateIp.replace(/\./g, "-")}.${dnsSuffix}`,
                publicIp,
                publicDns: publicIp ? `ec2-${publicIp.replace(/\./g, "-")}.${req.region}.compute.amazonaws.com` : "",
                availabilityZone: az,
                primaryNetworkInterfaceId: `eni-${hexId(`${req.seed}#eni`, 17)}`,
                instanceState: "running",
            },
        };
    },
    "aws:ec2/eip:Eip": (world, req) => {
        const id = `eipalloc-${hexId(req.seed, 17)}`;
        const publicIp = world.nextPublicAddress();
        return {
            id,
            computed: {
                allocationId: id,
                publicIp,
                publicDns: `ec2-${publicIp.replace(/\./g, "-")}.${req.region}.compute.amazonaws.com`,
                domain: "vpc",
                arn: regionalArn("ec2", req.region, `elastic-ip/${id}`),
                associationId: req.inputs.instance || req.inputs.networkInterface ? `eipassoc-${hexId(`${req.seed}#assoc`, 17)}` : "",
            },
        };
    },
    "aws:ec2/natGateway:NatGateway": (world, req) => {
        const id = `nat-${hexId(req.seed, 17)}`;
        const eip = world.lookup(req.inputs.allocationId);
        const subnet = world.lookup(req.inputs.subnetId);
        const cidr = str(subnet?.state.cidrBlock);
        return {
            id,
            computed: {
                publicIp: str(eip?.state.publicIp) ?? world.nextPublicAddress(),
                privateIp: cidr && subnet ? world.nextHostIn(subnet.id, cidr) : "",
                networkInterfaceId: `eni-${hexId(`${req.seed}#eni`, 17)}`,
            },
        };
    },
    "aws:ec2/keyPair:KeyPair": (_w, req, physical) => ({
        id: physical,
        computed: {
            keyPairId: `key-${hexId(req.seed, 17)}`,
            fingerprint: sha256Hex(str(req.inputs.publicKey) ?? req.seed).slice(0, 32).replace(/(..)(?!$)/g, "$1:"),
            arn: regionalArn("ec2", req.region, `key-pair/${physical}`),
        },
    }),
    "aws:ec2/securityGroup:SecurityGroup": (_w, req) => {
        const id = `sg-${hexId(req.seed, 17)}`;
        return { id, computed: { arn: regionalArn("ec2", req.region, `security-group/${id}`), ownerId: ACCOUNT_ID } };
    },
    "aws:rds/instance:Instance": (_w, req, identifier) => {
        const port = typeof req.inputs.port === "number" ? req.inputs.port : 5432;
        const address = `${identifier}.c9abcdefghij.${req.region}.rds.amazonaws.com`;
        return {
            id: identifier,
            computed: {
                identifier,
                address,
                port,
                endpoint: `${address}:${port}`,
                arn: regionalArn("rds", req.region, `db:${identifier}`),
                resourceId: `db-${seededString(req.seed, 26, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")}`,
                hostedZoneId: "Z2R2ITUGPM61AM",
                status: "available",
            },
        };
    },
    "aws:rds/cluster:Cluster": (_w, req, identifier) => {
        const port = typeof req.inputs.port === "number" ? req.inputs.port : 5432;
        return {
            id: identifier,
            computed: {
                clusterIdentifier: identifier,
                endpoint: `${identifier}.cluster-c9abcdefghij.${req.region}.rds.amazonaws.com`,
                readerEndpoint: `${identifier}.cluster-ro-c9abcdefghij.${req.region}.rds.amazonaws.com`,
                port,
                arn: regionalArn("rds", req.region, `cluster:${identifier}`),
                clusterResourceId: `cluster-${seededString(req.seed, 26, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")}`,
            },
        };
    },
    "aws:rds/subnetGroup:SubnetGroup": (_w, req, physical) => ({
        id: physical,
        computed: { arn: regionalArn("rds", req.region, `subgrp:${physical}`) },
    }),
    "aws:rds/parameterGroup:ParameterGroup": (_w, req, physical) => ({
        id: physical,
        computed: { arn: regionalArn("rds", req.region, `pg:${physical}`) },
    }),
    "aws:lb/loadBalancer:LoadBalancer": (_w, req, physical) => {
        const kind = str(req.inputs.loadBalancerType) === "network" ? "net" : "app";
        const suffix = `${kind}/${physical}/${hexId(req.seed, 16)}`;
        return {
            id: regionalArn("elasticloadbalancing", req.region, `loadbalancer/${suffix}`),
            computed: {
                arn: regionalArn("elasticloadbalancing", req.region, `loadbalancer/${suffix}`),
                arnSuffix: suffix,
                dnsName: `${physical}-123456789.${req.region}.elb.amazonaws.com`,
                zoneId: kind === "net" ? "Z26RNL4JYFTOTI" : "Z35SXDOTRQ7X7K",
                loadBalancerType: str(req.inputs.loadBalancerType) ?? "application",
            },
        };
    },
    "aws:lb/targetGroup:TargetGroup": (_w, req, physical) => {
        const suffix = `targetgroup/${physical}/${hexId(req.seed, 16)}`;
        const arn = regionalArn("elasticloadbalancing", req.region, suffix);
        return { id: arn, computed: { arn, arnSuffix: suffix } };
    },
    "aws:lb/listener:Listener": (world, req) => {
        const lb = world.lookup(req.inputs.loadBalancerArn);
        const lbSuffix = str(lb?.state.arnSuffix) ?? `app/${req.name}/${hexId(`${req.seed}#lb`, 16)}`;
        const arn = regionalArn("elasticloadbalancing", req.region, `listener/${lbSuffix}/${hexId(req.seed, 16)}`);
        return { id: arn, computed: { arn } };
    },
    "aws:lb/listenerRule:ListenerRule": (world, req) => {
        const listener = str(req.inputs.listenerArn) ?? regionalArn("elasticloadbalancing", req.region, "listener/app/x/0/0");
        const arn = `${listener.replace(":listener/", ":listener-rule/")}/${hexId(req.seed, 16)}`;
        return { id: arn, computed: { arn } };
    },
    "aws:lb/targetGroupAttachment:TargetGroupAttachment": (_w, req) => ({
        id: `${str(req.inputs.targetGroupArn) ?? "tg"}-${hexId(req.seed, 20)}`,
        computed: {},
    }),
    "aws:acm/certificate:Certificate": (_w, req) => {
        const arn = regionalArn("acm", req.region, `certificate/${seededUuid(req.seed)}`);
        const domains = [str(req.inputs.domainName), ...((unwrapSecrets(req.inputs.subjectAlternativeNames) as string[] | undefined) ?? [])]
            .filter((d): d is string => !!d);
        const unique = [...new Set(domains)];
        return {
            id: arn,
            computed: {
                arn,
                status: "PENDING_VALIDATION",
                validationMethod: str(req.inputs.validationMethod) ?? "DNS",
                domainValidationOptions: unique.map((domain) => {
                    const base = domain.replace(/^\*\./, "");
                    return {
                        domainName: domain,
                        resourceRecordName: `_${hexId(`${req.seed}#${base}`, 32)}.${base}.`,
                        resourceRecordType: "CNAME",
                        resourceRecordValue: `_${hexId(`${req.seed}#${base}#v`, 32)}.${seededString(`${req.seed}#${base}`, 10, "abcdefghijklmnopqrstuvwxyz")}.acm-validations.aws.`,
                    };
                }),
            },
        };
    },
    "aws:acm/certificateValidation:CertificateValidation": (_w, req) => ({
        id: str(req.inputs.certificateArn) ?? req.name,
        computed: {},
    }),
    "aws:route53/zone:Zone": (world, req) => {
        const zoneId = `Z${seededString(req.seed, 13, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")}`;
        world.rememberZone(zoneId, str(req.inputs.name) ?? req.name);
        return {
            id: zoneId,
            computed: {
                zoneId,
                arn: `arn:aws:route53:::hostedzone/${zoneId}`,
                nameServers: [1, 2, 3, 4].map((i) => `ns-${100 * i + (zoneId.charCodeAt(1) % 100)}.awsdns-${10 + i}.net`),
            },
        };
    },
    "aws:route53/record:Record": (world, req) => {
        const name = (str(req.inputs.name) ?? req.name).replace(/\.$/, "");
        const zone = world.zoneName(str(req.inputs.zoneId));
        const fqdn = zone && name !== zone && !name.endsWith(`.${zone}`) ? `${name}.${zone}` : name;
        return { id: `${str(req.inputs.zoneId)}_${name}_${str(req.inputs.type)}`, computed: { fqdn } };
    },
    "aws:iam/role:Role": (_w, req, physical) => ({
        id: physical,
        computed: { arn: `arn:aws:iam::${ACCOUNT_ID}:role/${physical}`, uniqueId: `AROA${seededString(req.seed, 17, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")}` },
    }),
    "aws:iam/instanceProfile:InstanceProfile": (_w, req, physical) => ({
        id: physical,
        computed: { arn: `arn:aws:iam::${ACCOUNT_ID}:instance-profile/${physical}`, uniqueId: `AIPA${seededString(req.seed, 17, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")}` },
    }),
    "aws:iam/policy:Policy": (_w, req, physical) => ({
        id: `arn:aws:iam::${ACCOUNT_ID}:policy/${physical}`,
        computed: { arn: `arn:aws:iam::${ACCOUNT_ID}:policy/${physical}`, policyId: `ANPA${seededString(req.seed, 17, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")}` },
    }),
    // An inline policy's id is "<role name>:<policy name>".
    "aws:iam/rolePolicy:RolePolicy": (_w, req, physical) => ({ id: `${str(req.inputs.role) ?? "role"}:${physical}`, computed: {} }),
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": (_w, req) => ({
        id: `${str(req.inputs.role) ?? req.name}-${hexId(req.seed, 20)}`,
        computed: {},
    }),
    "aws:kms/key:Key": (_w, req) => {
        const keyId = seededUuid(req.seed);
        return { id: keyId, computed: { keyId, arn: regionalArn("kms", req.region, `key/${keyId}`) } };
    },
    "aws:secretsmanager/secret:Secret": (_w, req, physical) => {
        const arn = regionalArn("secretsmanager", req.region, `secret:${physical}-${seededString(req.seed, 6, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")}`);
        return { id: arn, computed: { arn } };
    },
    "aws:cloudwatch/logGroup:LogGroup": (_w, req, physical) => ({
        id: physical,
        computed: { arn: regionalArn("logs", req.region, `log-group:${physical}`) },
    }),
    // The topic's id is its ARN; a subscription's ARN is the topic's plus a uuid ("pending confirmation" for email
    // until the address confirms, which a plan cannot do).
    "aws:sns/topic:Topic": (_w, req, physical) => {
        const arn = regionalArn("sns", req.region, physical);
        return { id: arn, computed: { arn } };
    },
    "aws:sns/topicSubscription:TopicSubscription": (_w, req) => {
        const arn = `${str(req.inputs.topic) ?? regionalArn("sns", req.region, "topic")}:${seededUuid(req.seed)}`;
        return { id: arn, computed: { arn, pendingConfirmation: str(req.inputs.protocol) === "email" } };
    },
    "aws:cloudwatch/metricAlarm:MetricAlarm": (_w, req) => {
        const name = str(req.inputs.name) ?? `${req.name}-${hexId(req.seed, 8)}`;
        return { id: name, computed: { arn: regionalArn("cloudwatch", req.region, `alarm:${name}`) } };
    },
    // Health checks are global: their ARN has neither region nor account.
    "aws:route53/healthCheck:HealthCheck": (_w, req) => {
        const id = seededUuid(req.seed);
        return { id, computed: { arn: `arn:aws:route53:::healthcheck/${id}` } };
    },
    "aws:fis/experimentTemplate:ExperimentTemplate": (_w, req) => {
        const id = `EXT${seededString(req.seed, 14, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnopqrstuvwxyz")}`;
        return { id, computed: { arn: regionalArn("fis", req.region, `experiment-template/${id}`) } };
    },
};

export interface AwsInvokeRequest {
    readonly token: string;
    readonly inputs: Record<string, unknown>;
    readonly region: string;
}

/** Answers a data-source invoke, or undefined when it has no mock (the caller records it). */
export function awsInvoke(world: MockWorld, req: AwsInvokeRequest): Record<string, unknown> | undefined {
    const seed = `${req.token}|${req.region}|${JSON.stringify(req.inputs)}`;
    const handler = INVOKES[req.token];
    return handler ? handler(world, req, seed) : undefined;
}

type Invoke = (world: MockWorld, req: AwsInvokeRequest, seed: string) => Record<string, unknown>;

function filterValue(inputs: Record<string, unknown>, name: string): string | undefined {
    const filters = (inputs.filters as { name: string; values: string[] }[] | undefined) ?? [];
    return filters.find((f) => f.name === name)?.values?.[0];
}

const INVOKES: Record<string, Invoke> = {
    "aws:ec2/getAmi:getAmi": (_w, req, seed) => {
        const id = `ami-${hexId(seed, 17)}`;
        const architecture = filterValue(req.inputs, "architecture") ?? "x86_64";
        const namePattern = filterValue(req.inputs, "name") ?? "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*";
        return {
            id,
            imageId: id,
            architecture,
            name: namePattern.replace(/\*/g, "20250101"),
            ownerId: ((req.inputs.owners as string[] | undefined) ?? ["099720109477"])[0],
            rootDeviceName: "/dev/sda1",
            virtualizationType: "hvm",
            arn: `arn:aws:ec2:${req.region}::image/${id}`,
        };
    },
    "aws:index/getAvailabilityZones:getAvailabilityZones": (_w, req) => {
        const zones = availabilityZones(req.region);
        return { id: req.region, names: zones.names, zoneIds: zones.zoneIds, groupNames: zones.names.map(() => req.region), state: "available" };
    },
    "aws:route53/getZone:getZone": (world, req, seed) => {
        const name = (str(req.inputs.name) ?? "example.com").replace(/\.$/, "");
        const zoneId = str(req.inputs.zoneId) ?? `Z${seededString(`zone|${name}`, 13, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")}`;
        world.rememberZone(zoneId, name);
        return {
            id: zoneId,
            zoneId,
            name,
            arn: `arn:aws:route53:::hostedzone/${zoneId}`,
            privateZone: req.inputs.privateZone === true,
            callerReference: hexId(seed, 16),
            nameServers: ["ns-101.awsdns-11.net", "ns-202.awsdns-12.org", "ns-303.awsdns-13.com", "ns-404.awsdns-14.co.uk"],
            resourceRecordSetCount: 2,
        };
    },
    "aws:index/getCallerIdentity:getCallerIdentity": () => ({
        id: ACCOUNT_ID,
        accountId: ACCOUNT_ID,
        arn: `arn:aws:iam::${ACCOUNT_ID}:user/openzro-plan`,
        userId: "AIDAPLANOFFLINEUSER01",
    }),
    "aws:index/getRegion:getRegion": (_w, req) => ({
        id: req.region,
        name: req.region,
        region: req.region,
        endpoint: `ec2.${req.region}.amazonaws.com`,
        description: req.region,
    }),
    "aws:index/getPartition:getPartition": () => ({
        id: "aws", partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws",
    }),
    "aws:iam/getPolicyDocument:getPolicyDocument": (_w, req, seed) => {
        const statements = ((req.inputs.statements as Record<string, unknown>[] | undefined) ?? []).map(policyStatement);
        const doc = { Version: "2012-10-17", Statement: statements };
        return { id: hexId(seed, 10), json: JSON.stringify(doc, null, 2), minifiedJson: JSON.stringify(doc) };
    },
    "aws:elb/getServiceAccount:getServiceAccount": (_w, req) => ({
        id: "127311923021", arn: "arn:aws:iam::127311923021:root", region: req.region,
    }),
};

function policyStatement(s: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = { Effect: s.effect ?? "Allow" };
    if (s.sid) out.Sid = s.sid;
    if (s.actions) out.Action = s.actions;
    if (s.resources) out.Resource = s.resources;
    const principals = s.principals as { type: string; identifiers: string[] }[] | undefined;
    if (principals) {
        out.Principal = Object.fromEntries(principals.map((p) => [p.type, p.identifiers]));
    }
    return out;
}
