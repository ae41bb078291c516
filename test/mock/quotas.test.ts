// The offline plan's quota table: per region, what the stack needs of the quotas a first `up` runs into, against
// AWS's defaults, and a warning at or over them; staging and production in one account add up.
import { combinedQuotaUse, instanceVcpus, quotaReport, quotaReportOf, quotaUse } from "../../scripts/plan/quotas";
import { planSummary } from "../../scripts/plan/summary";
import { planStack, PlanResult } from "../support";

describe("instanceVcpus", () => {
    it.each([
        ["t3.micro", 2], ["t3.medium", 2], ["c7i.large", 2], ["c7i.xlarge", 4], ["c7i.2xlarge", 8], ["m7i.12xlarge", 48], ["c7g.large", 2],
    ])("%s has %i vCPUs", (type, vcpus) => expect(instanceVcpus(type)).toBe(vcpus));
    it("says it does not know rather than guess", () => expect(instanceVcpus("c7i.metal-24xl")).toBeUndefined());
});

describe("quota table of the committed stacks", () => {
    let production: PlanResult;
    let staging: PlanResult;
    beforeAll(async () => {
        production = await planStack({ stack: "production" });
        staging = await planStack({ stack: "staging" });
    }, 300_000);

    it("production: counted by hand from Pulumi.production.yaml (3 NAT + bastion + relay EIPs in us-east-1)", () => {
        // us-east-1: primary VPC + the us-east relay VPC; 3 x c7i.xlarge + c7i.large relay + t3.micro bastion.
        expect(quotaUse(production)).toEqual([
            { region: "ap-south-1", use: { elasticIps: 1, vpcs: 1, internetGateways: 1, vcpus: 2 }, unknownTypes: [] },
            { region: "eu-west-1", use: { elasticIps: 1, vpcs: 1, internetGateways: 1, vcpus: 2 }, unknownTypes: [] },
            { region: "us-east-1", use: { elasticIps: 5, vpcs: 2, internetGateways: 2, vcpus: 16 }, unknownTypes: [] },
        ]);
    });

    it("production alone reaches the Elastic IP default in us-east-1, and the summary says so with the pre-flight command", () => {
        const { warnings } = quotaReport(production);
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).toMatch(/^us-east-1: Elastic IPs 5 reach the default quota of 5; check with `aws service-quotas get-service-quota --service-code ec2 --quota-code L-0263D0A3 --region us-east-1`/);
        const summary = planSummary(production);
        expect(summary).toContain("  us-east-1       Elastic IPs 5/5, VPCs 2/5, Internet gateways 2/5, On-demand standard vCPUs 16/32");
        expect(summary).toContain(`warning: ${warnings[0]}`);
    });

    it("staging: one NAT gateway, so 3 Elastic IPs in us-east-1 and no warning of its own", () => {
        // 3 x t3.medium + t3.small relay + t3.micro bastion = 10 vCPUs.
        expect(quotaUse(staging).find((r) => r.region === "us-east-1")?.use).toEqual({ elasticIps: 3, vpcs: 2, internetGateways: 2, vcpus: 10 });
        expect(quotaReport(staging).warnings).toEqual([]);
    });

    it("staging and production in one account exceed the Elastic IP default and fill the VPC and gateway defaults", () => {
        const both = combinedQuotaUse([production, staging]);
        expect(both.find((r) => r.region === "us-east-1")?.use).toEqual({ elasticIps: 8, vpcs: 4, internetGateways: 4, vcpus: 26 });
        const warnings = quotaReportOf(both, "staging + production").warnings.filter((w) => w.startsWith("us-east-1"));
        expect(warnings.map((w) => w.split(";")[0])).toEqual([
            "us-east-1: Elastic IPs 8 exceed the default quota of 5",
            "us-east-1: VPCs 5 (with the default VPC) reach the default quota of 5",
            "us-east-1: Internet gateways 5 (with the default VPC) reach the default quota of 5",
        ]);
    });
});
