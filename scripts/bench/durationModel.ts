// How long each planned resource takes to create, as a documented model (seconds). The figures are typical
// creation times, not measurements made here (there is no cloud); each rule says where its figure comes from, so
// a reader can replace a figure with one observed in their own account and rerun `npm run bench`.
// Types no rule names fall to the last rule, and the bench prints which types did.

export interface PlannedResource {
    readonly type: string;
    readonly name: string;
    readonly inputs: Readonly<Record<string, unknown>>;
}

export interface DurationRule {
    readonly label: string;
    readonly seconds: number;
    readonly source: string;
    readonly matches: (r: PlannedResource) => boolean;
}

const type = (...types: string[]) => (r: PlannedResource) => types.includes(r.type);
const command = (pattern: RegExp) => (r: PlannedResource) => r.type === "command:remote:Command" && pattern.test(r.name);

const ISSUE_MODEL = "issue 11's model of AWS create times (RDS Multi-AZ ~18 min, ~2 min per host install, ~90 s to boot)";

/** First rule that matches wins. */
export const DURATION_RULES: readonly DurationRule[] = [
    { label: "components, providers, random values, keys", seconds: 0, source: "no cloud call (state only)",
        matches: (r) => r.type.startsWith("openzro:") || r.type.startsWith("pulumi:providers:") || r.type.startsWith("random:") || r.type.startsWith("tls:") },
    { label: "RDS instance, Multi-AZ", seconds: 18 * 60, source: `${ISSUE_MODEL}; the AWS CDK Cookbook reports "roughly 20 minutes or more" for a Multi-AZ instance`,
        matches: (r) => r.type === "aws:rds/instance:Instance" && r.inputs.multiAz === true },
    { label: "RDS instance, single-AZ", seconds: 10 * 60, source: "typical single-AZ creation (no standby to seed); assumption",
        matches: type("aws:rds/instance:Instance") },
    { label: "Cloud SQL instance, REGIONAL", seconds: 15 * 60, source: "typical Cloud SQL HA creation; assumption",
        matches: type("gcp:sql/databaseInstance:DatabaseInstance") },
    { label: "private services access peering", seconds: 60, source: "servicenetworking connection create; assumption",
        matches: type("gcp:servicenetworking/connection:Connection") },
    { label: "load balancer (ALB/NLB)", seconds: 3 * 60, source: "the provider waits for state active; typically 2–3 min",
        matches: type("aws:lb/loadBalancer:LoadBalancer") },
    { label: "NAT gateway", seconds: 2 * 60, source: "the provider waits for state available; typically 1–2 min",
        matches: type("aws:ec2/natGateway:NatGateway") },
    { label: "ACM DNS validation", seconds: 3 * 60, source: "ACM validates a Route 53 CNAME within minutes (AWS: up to 30 min); assumption",
        matches: type("aws:acm/certificateValidation:CertificateValidation") },
    { label: "Route 53 record", seconds: 45, source: "the provider waits for INSYNC; AWS: changes reach all name servers within 60 s",
        matches: type("aws:route53/record:Record") },
    { label: "instance to running", seconds: 30, source: "RunInstances to state running; the provider waits for it",
        matches: type("aws:ec2/instance:Instance", "gcp:compute/instance:Instance") },
    { label: "host reachable (boot, cloud-init)", seconds: 90, source: ISSUE_MODEL, matches: command(/-wait-/) },
    { label: "database bootstrap", seconds: 15, source: "three CREATE DATABASE over one connection; assumption", matches: command(/-db-bootstrap-/) },
    { label: "host prepare (repository, index, package download)", seconds: 60, source: `about half of ${ISSUE_MODEL}'s 2 min per host install; assumption`,
        matches: command(/-prepare-/) },
    { label: "host first install (install the download, write files, start, health)", seconds: 60, source: `the other half of the 2 min per host install (${ISSUE_MODEL}); assumption`,
        matches: command(/-install-/) },
    { label: "host converge, created (nothing to do: one SSH round trip)", seconds: 5, source: "an SSH session through the bastion; assumption",
        matches: command(/-converge-/) },
    { label: "cluster verify (quorum-bound services healthy)", seconds: 30, source: "embedded NATS forms a mesh and elects a leader in seconds (docs/testing.md); assumption",
        matches: command(/-verify-/) },
    { label: "instance gate, created (boot: cloud-init done)", seconds: 90, source: `waits for the same boot as the host's wait command (${ISSUE_MODEL}'s ~90 s to boot); assumption`,
        matches: command(/-ready-/) },
    { label: "GCP API enablement", seconds: 45, source: "serviceusage operation; typically under a minute; assumption",
        matches: type("gcp:projects/service:Service") },
    { label: "GCP load balancer piece (backend service, forwarding rule)", seconds: 30, source: "compute operation polled until DONE; assumption",
        matches: type("gcp:compute/backendService:BackendService", "gcp:compute/globalForwardingRule:GlobalForwardingRule") },
    { label: "other GCP object (network, subnet, firewall, address, record, ...)", seconds: 15, source: "one compute/DNS/SQL operation polled until DONE; assumption",
        matches: (r) => r.type.startsWith("gcp:") },
    { label: "other AWS object (VPC, subnet, rule, IAM, target group, ...)", seconds: 5, source: "one synchronous API call; assumption",
        matches: (r) => r.type.startsWith("aws:") },
    { label: "unmodelled type", seconds: 5, source: "no rule yet: the bench lists these types; add a rule", matches: () => true },
];

/**
 * The serial step of a rolling update after prepare: install from the download, restart what changed, wait for
 * local health (drain and ready waits come on top, from the load balancer). With stand-in packages in the Debian
 * root this step measures about 9 s (test/integration/converge-prepare.test.ts prints it); real daemons start
 * slower (management opens its stores and joins its NATS cluster): modelled at 30 s.
 */
export const ROLLED_STEP = { seconds: 30, source: "Debian-root measurement (~9 s with stand-in daemons) plus real daemon start-up; assumption" } as const;

export const UNMODELLED_RULE = DURATION_RULES[DURATION_RULES.length - 1];

export function durationRule(r: PlannedResource): DurationRule {
    const rule = DURATION_RULES.find((candidate) => candidate.matches(r));
    // A remote command is never a quick API call: a new command kind must get its own rule.
    if (!rule || (rule === UNMODELLED_RULE && r.type === "command:remote:Command")) {
        throw new Error(`duration model: no rule for ${r.type} ${r.name}; add one to scripts/bench/durationModel.ts`);
    }
    return rule;
}
