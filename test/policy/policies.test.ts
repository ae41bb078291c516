// Every policy stays silent on a compliant deployment and fires, alone (or with the policies that must fire
// with it), on the same deployment with one thing broken.
import { gcpPolicies } from "../../policy/gcp";
import { policies } from "../../policy/policies";
import { evaluate, policyNames } from "./harness";
import { DB_PASSWORD, find, goodSpecs, materialize, RELAY_SECRET, SSH_KEY_PEM, Spec, T } from "./fixtures";

type Row = [policy: string, what: string, breakIt: (s: Spec[]) => void, alsoFiring?: string[]];

const remove = (s: Spec[], name: string) => s.splice(s.indexOf(find(s, name)), 1);
const indent = (text: string, n: number) => text.trimEnd().split("\n").map((l) => `${" ".repeat(n)}${l}`).join("\n") + "\n";
/** What components/host/cloudInit.ts renders: the host's own SSH identity under ssh_keys. */
const hostKeyCloudConfig = `#cloud-config\nhostname: openzro-bastion\nssh_deletekeys: true\nssh_keys:\n  ed25519_private: |\n${indent(SSH_KEY_PEM, 4)}  ed25519_public: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHostKeyFixture\n`;

const rows: Row[] = [
    ["rds-not-publicly-accessible", "public database", (s) => (find(s, "postgres").props.publiclyAccessible = true)],
    ["rds-storage-encrypted", "unencrypted storage", (s) => (find(s, "postgres").props.storageEncrypted = false)],
    ["rds-storage-encrypted", "encryption left to the default", (s) => delete find(s, "postgres").props.storageEncrypted],
    ["rds-force-ssl", "parameter group with rds.force_ssl=0", (s) => (find(s, "postgres-params").props.parameters = [{ name: "rds.force_ssl", value: "0" }])],
    ["rds-force-ssl", "default parameter group", (s) => delete find(s, "postgres").props.parameterGroupName],
    ["rds-backup-retention", "1 day of backups", (s) => (find(s, "postgres").props.backupRetentionPeriod = 1)],
    ["rds-multi-az", "single-AZ database", (s) => (find(s, "postgres").props.multiAz = false)],
    ["rds-deletion-protection", "no deletion protection", (s) => (find(s, "postgres").props.deletionProtection = false)],
    ["rds-final-snapshot", "final snapshot skipped", (s) => (find(s, "postgres").props.skipFinalSnapshot = true)],
    ["rds-final-snapshot", "final snapshot without a name", (s) => delete find(s, "postgres").props.finalSnapshotIdentifier],
    ["rds-pulumi-protect", "database without Pulumi protect", (s) => (find(s, "postgres").options = { protect: false })],
    ["ec2-imdsv2-required", "IMDSv1 allowed", (s) => (find(s, "controller-2").props.metadataOptions.httpTokens = "optional")],
    ["ec2-imdsv2-required", "no metadataOptions", (s) => delete find(s, "bastion").props.metadataOptions],
    ["ec2-volumes-encrypted", "unencrypted root volume", (s) => (find(s, "relay-eu-west").props.rootBlockDevice.encrypted = false)],
    [
        "ec2-volumes-encrypted",
        "unencrypted data volume",
        (s) => (find(s, "controller-1").props.ebsBlockDevices = [{ deviceName: "/dev/sdf", encrypted: false }]),
    ],
    ["controller-no-public-ip", "controller with associatePublicIpAddress", (s) => (find(s, "controller-1").props.associatePublicIpAddress = true)],
    ["controller-no-public-ip", "controller in a public subnet", (s) => (find(s, "controller-3").props.subnetId = "subnet-public-c")],
    [
        "controller-no-public-ip",
        "Elastic IP on a controller",
        (s) => s.push({ type: T.eip, name: "controller-eip", props: { instance: "i-controller-2", publicIp: "198.51.100.99", tags: { Component: "controllers" } } }),
    ],
    ["sg-no-public-ssh", "bastion SSH from 0.0.0.0/0", (s) => (find(s, "bastion-ssh").props.cidrIpv4 = "0.0.0.0/0")],
    [
        "sg-no-public-ssh",
        "SSH inside a public tcp range, as an inline rule from ::/0",
        (s) => (find(s, "sg-bastion").props.ingress = [{ protocol: "tcp", fromPort: 20, toPort: 25, ipv6CidrBlocks: ["::/0"] }]),
    ],
    [
        "sg-no-public-ssh",
        "SSH via aws.ec2.SecurityGroupRule",
        (s) =>
            s.push({
                type: T.sgRule,
                name: "legacy-ssh",
                props: { type: "ingress", securityGroupId: "sg-bastion", protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] },
            }),
    ],
    ["sg-no-all-ports-ingress", "every udp port to the bastion", (s) => Object.assign(find(s, "bastion-ssh").props, { ipProtocol: "udp", fromPort: 1, toPort: 65535 })],
    [
        "sg-no-all-ports-ingress",
        "all traffic from the load balancer to controllers",
        (s) => Object.assign(find(s, "controllers-http-from-lb").props, { ipProtocol: "-1", fromPort: undefined, toPort: undefined }),
        // all traffic includes the cluster ports, and from a group that is not the controllers'
        ["sg-cluster-port-only-between-controllers"],
    ],
    ["sg-postgres-only-from-controllers", "database open to the bastion", (s) => (find(s, "db-from-controllers").props.referencedSecurityGroupId = "sg-bastion")],
    [
        "sg-postgres-only-from-controllers",
        "database open to a CIDR",
        (s) => s.push({ type: T.ingress, name: "db-from-vpc", props: { securityGroupId: "sg-database", ipProtocol: "tcp", fromPort: 5432, toPort: 5432, cidrIpv4: "10.0.0.0/16", tags: { Component: "network" } } }),
    ],
    ["sg-postgres-only-from-controllers", "database without a security group", (s) => (find(s, "postgres").props.vpcSecurityGroupIds = [])],
    ["sg-cluster-port-only-between-controllers", "cluster port from the load balancer", (s) => (find(s, "controllers-cluster").props.referencedSecurityGroupId = "sg-lb")],
    [
        "sg-cluster-port-only-between-controllers",
        "cluster port from a group the bastion shares",
        (s) => find(s, "bastion").props.vpcSecurityGroupIds.push("sg-controllers"),
    ],
    [
        "sg-relay-only-relay-port-public",
        "relay metrics open to the internet",
        (s) => s.push({ type: T.ingress, name: "relay-metrics", props: { securityGroupId: "sg-relays", ipProtocol: "tcp", fromPort: 9090, toPort: 9090, cidrIpv4: "0.0.0.0/0", tags: { Component: "network" } } }),
    ],
    ["sg-relay-only-relay-port-public", "a public port range on a relay", (s) => (find(s, "relay-udp").props.toPort = 33090)],
    ["sg-relay-only-relay-port-public", "STUN over TCP (nothing listens there)", (s) => (find(s, "relay-stun").props.ipProtocol = "tcp")],
    ["sg-relay-only-relay-port-public", "STUN on another port than the pack's", (s) => Object.assign(find(s, "relay-stun").props, { fromPort: 3479, toPort: 3479 })],
    ["sg-relay-only-relay-port-public", "the relay on another port than the stack's", (s) => Object.assign(find(s, "relay-tcp").props, { fromPort: 33080, toPort: 33080 })],
    ["lb-https-tls12", "TLS 1.0 security policy", (s) => (find(s, "https").props.sslPolicy = "ELBSecurityPolicy-2016-08")],
    ["lb-https-tls12", "no security policy", (s) => delete find(s, "https").props.sslPolicy],
    ["lb-http-redirect-only", "HTTP listener serving content", (s) => (find(s, "http").props.defaultActions = [{ type: "forward", targetGroupArn: "arn:tg-http" }])],
    ["lb-http-redirect-only", "HTTP redirect to HTTP", (s) => (find(s, "http").props.defaultActions[0].redirect.protocol = "HTTP")],
    [
        "lb-http-rules-redirect-only",
        "a forwarding rule on the HTTP listener",
        (s) => s.push({ type: T.rule, name: "http-api", props: { listenerArn: "arn:listener-http", conditions: [{ pathPattern: { values: ["/api/*"] } }], actions: [{ type: "forward", targetGroupArn: "arn:tg-http" }], tags: { Component: "loadbalancer" } } }),
    ],
    ["lb-grpc-paths-on-grpc-target-groups", "gRPC paths on an HTTP/1.1 target group", (s) => (find(s, "tg-grpc").props.protocolVersion = "HTTP1")],
    ["lb-grpc-paths-on-grpc-target-groups", "REST paths on the gRPC target group", (s) => (find(s, "api").props.actions = [{ type: "forward", targetGroupArn: "arn:tg-grpc" }])],
    ["lb-grpc-paths-on-grpc-target-groups", "everything to the gRPC target group by default", (s) => (find(s, "https").props.defaultActions = [{ type: "forward", targetGroupArn: "arn:tg-grpc" }])],
    ["lb-idle-timeout-for-streams", "60 s idle timeout", (s) => (find(s, "alb").props.idleTimeout = 60)],
    ["lb-idle-timeout-for-streams", "idle timeout left to the AWS default", (s) => delete find(s, "alb").props.idleTimeout],
    ["lb-drop-invalid-header-fields", "invalid headers passed on", (s) => (find(s, "alb").props.dropInvalidHeaderFields = false)],
    ["controllers-spread-over-azs", "three controllers in two AZs", (s) => (find(s, "controller-3").props.subnetId = "subnet-private-a")],
    ["controller-count-quorum", "two controllers with the embedded coordinator", (s) => remove(s, "controller-3")],
    [
        "controller-count-quorum",
        "three controllers with nothing open between them",
        (s) => {
            remove(s, "controllers-cluster");
            remove(s, "controllers-signal-cluster");
        },
    ],
    ["relay-distinct-address-and-dns", "two relay names on one address", (s) => (find(s, "relay-us-east-dns").props.records = ["198.51.100.10"])],
    ["relay-distinct-address-and-dns", "one name round-robin over both relays", (s) => (find(s, "relay-eu-west-dns").props.records = ["198.51.100.10", "198.51.100.20"])],
    ["relay-distinct-address-and-dns", "a relay without an address of its own", (s) => remove(s, "relay-us-east-eip")],
    [
        "relay-distinct-address-and-dns",
        "two relays behind one target group",
        (s) =>
            s.push(
                { type: T.tg, name: "tg-relays", props: { arn: "arn:tg-relays", port: 33080, protocol: "TCP", tags: { Component: "relays" } } },
                { type: "aws:lb/targetGroupAttachment:TargetGroupAttachment", name: "att-eu", props: { targetGroupArn: "arn:tg-relays", targetId: "i-relay-eu-west" } },
                { type: "aws:lb/targetGroupAttachment:TargetGroupAttachment", name: "att-us", props: { targetGroupArn: "arn:tg-relays", targetId: "i-relay-us-east" } },
            ),
    ],
    ["required-tags", "a resource without its component tag", (s) => (find(s, "vpc").props.tags = {})],
    [
        "required-tags",
        "on the default provider, with only some tags of its own",
        (s) => Object.assign(find(s, "postgres"), { defaultProvider: true, props: { ...find(s, "postgres").props, tags: { Component: "database", Project: "openzro" } } }),
    ],
    ["no-plaintext-secrets", "database password on a command line", (s) => (find(s, "controller-1-converge").props.create = `PGPASSWORD=${DB_PASSWORD} psql -c 'select 1'`)],
    ["no-plaintext-secrets", "relay secret in a tag", (s) => (find(s, "relay-eu-west").props.tags.Secret = RELAY_SECRET)],
    ["no-plaintext-secrets", "SSH key in base64 user data", (s) => (find(s, "bastion").props.userDataBase64 = Buffer.from(`#!/bin/sh\ncat > /root/.ssh/id <<EOF\n${SSH_KEY_PEM}EOF\n`).toString("base64"))],
    [
        "no-plaintext-secrets",
        "a private key in user data next to a host key, outside the ssh_keys block",
        (s) => (find(s, "bastion").props.userData = `${hostKeyCloudConfig}write_files:\n  - path: /root/.ssh/id\n    content: |\n${indent(SSH_KEY_PEM, 6)}`),
    ],
    [
        "no-plaintext-secrets",
        "a known secret in user data that also carries a host key",
        (s) => (find(s, "bastion").props.userData = `${hostKeyCloudConfig}runcmd:\n  - echo ${DB_PASSWORD}\n`),
    ],
];

describe("policy pack on a hand-built deployment", () => {
    it("every policy is silent on the compliant deployment", async () => {
        expect(await evaluate(materialize(goodSpecs()))).toEqual([]);
    });

    it("every policy has at least one breaking row (the GCP policies' rows: test/policy/gcp.test.ts)", () => {
        const covered = new Set(rows.map(([p]) => p));
        const aws = policies.filter((p) => !(gcpPolicies as readonly unknown[]).includes(p));
        expect(aws.map((p) => p.name).filter((n) => !covered.has(n))).toEqual([]);
    });

    it.each(rows)("%s fires on: %s", async (policy, _what, breakIt, alsoFiring = []) => {
        const specs = goodSpecs();
        breakIt(specs);
        const violations = await evaluate(materialize(specs));
        expect(policyNames(violations)).toEqual([policy, ...alsoFiring].sort());
        for (const v of violations) {
            expect(v.message.length).toBeGreaterThan(10);
            expect(v.enforcementLevel).toBe("mandatory");
        }
    });
});

type SilentRow = [what: string, vary: (s: Spec[]) => void, config?: Record<string, Record<string, unknown>>];

const silentRows: SilentRow[] = [
    [
        "a single controller with no coordinator",
        (s) => ["controller-2", "controller-3", "controllers-cluster", "controllers-signal-cluster"].forEach((n) => remove(s, n)),
    ],
    [
        "two controllers with a redis coordinator (no JetStream majority needed)",
        (s) => {
            ["controller-3", "controllers-cluster", "controllers-signal-cluster"].forEach((n) => remove(s, n));
            s.push({ type: T.ingress, name: "controllers-redis", props: { securityGroupId: "sg-controllers", ipProtocol: "tcp", fromPort: 6379, toPort: 6379, referencedSecurityGroupId: "sg-controllers", tags: { Component: "controllers" } } });
        },
    ],
    [
        "three controllers with an external coordinator, acknowledged in the policy config",
        (s) => ["controllers-cluster", "controllers-signal-cluster"].forEach((n) => remove(s, n)),
        { "controller-count-quorum": { externalCoordinator: true } },
    ],
    [
        "cluster ports as one inline self-referencing rule",
        (s) => {
            ["controllers-cluster", "controllers-signal-cluster"].forEach((n) => remove(s, n));
            find(s, "sg-controllers").props.ingress = [{ protocol: "tcp", fromPort: 6222, toPort: 6223, self: true }];
        },
    ],
    [
        "parameter group linked only through property dependencies",
        (s) => {
            delete find(s, "postgres-params").props.name;
            find(s, "postgres").props.parameterGroupName = "name-the-policy-cannot-match";
            find(s, "postgres").deps = { parameterGroupName: ["postgres-params"] };
        },
    ],
    ["the host's own SSH host key in cloud-config ssh_keys (the documented exception)", (s) => (find(s, "bastion").props.userData = hostKeyCloudConfig)],
    ["a TLS 1.3-only listener", (s) => (find(s, "https").props.sslPolicy = "ELBSecurityPolicy-TLS13-1-3-2021-06")],
    ["no instance metadata service at all", (s) => (find(s, "bastion").props.metadataOptions = { httpEndpoint: "disabled" })],
    [
        "gRPC routed by content-type to the gRPC target group",
        (s) =>
            s.push({
                type: T.rule,
                name: "grpc-by-header",
                props: {
                    listenerArn: "arn:listener-https",
                    conditions: [{ httpHeader: { httpHeaderName: "Content-Type", values: ["application/grpc*"] } }],
                    actions: [{ type: "forward", targetGroupArn: "arn:tg-grpc" }],
                    tags: { Component: "loadbalancer" },
                },
            }),
    ],
    ["a longer backup window than required", (s) => (find(s, "postgres").props.backupRetentionPeriod = 35)],
    ["a stricter idle timeout floor still met", (s) => (find(s, "alb").props.idleTimeout = 900), { "lb-idle-timeout-for-streams": { minSeconds: 900 } }],
];

describe("legitimate variants stay silent", () => {
    it.each(silentRows)("%s", async (_what, vary, config = undefined) => {
        const specs = goodSpecs();
        vary(specs);
        expect(await evaluate(materialize(specs), { config })).toEqual([]);
    });

    it("a configured floor above the setting fires", async () => {
        const violations = await evaluate(materialize(goodSpecs()), { config: { "lb-idle-timeout-for-streams": { minSeconds: 4000 } } });
        expect(policyNames(violations)).toEqual(["lb-idle-timeout-for-streams"]);
    });
});

describe("enforcement per stack", () => {
    it("a database without deletion protection is advisory in staging and mandatory in production", async () => {
        const specs = goodSpecs();
        find(specs, "postgres").props.deletionProtection = false;
        const staging = await evaluate(materialize(specs), { stack: "staging" });
        const production = await evaluate(materialize(specs), { stack: "production" });
        expect(staging.map((v) => [v.policy, v.enforcementLevel])).toEqual([["rds-deletion-protection", "advisory"]]);
        expect(production.map((v) => [v.policy, v.enforcementLevel])).toEqual([["rds-deletion-protection", "mandatory"]]);
    });

    it("a single-AZ database is mandatory in staging too: staging's game day fails the database over", async () => {
        const specs = goodSpecs();
        find(specs, "postgres").props.multiAz = false;
        const staging = await evaluate(materialize(specs), { stack: "staging" });
        expect(staging.map((v) => [v.policy, v.enforcementLevel])).toEqual([["rds-multi-az", "mandatory"]]);
    });

    it("a public database is mandatory even in staging", async () => {
        const specs = goodSpecs();
        find(specs, "postgres").props.publiclyAccessible = true;
        const staging = await evaluate(materialize(specs), { stack: "staging" });
        expect(staging.map((v) => [v.policy, v.enforcementLevel])).toEqual([["rds-not-publicly-accessible", "mandatory"]]);
    });
});
