// What a stack needs of the AWS quotas that a first `pulumi up` runs into, per region, against AWS's default
// quotas: Elastic IPs, VPCs, internet gateways and on-demand vCPUs. Read from the plan's registrations only.
// Quotas are per account and region: stacks that share an account (staging and production often do) add up, and
// the default VPC of a region takes one VPC and one internet gateway of its own.
import type { PlanResource, PlanResult } from "./evaluate";
import { unwrapSecrets } from "./wire";

export type QuotaName = "elasticIps" | "vpcs" | "internetGateways" | "vcpus";

export interface QuotaSpec {
    readonly label: string;
    /** AWS's default per region (vCPU: the usual default; new accounts can start lower). */
    readonly defaultLimit: number;
    /** `aws service-quotas get-service-quota --service-code <service> --quota-code <code>` */
    readonly service: "ec2" | "vpc";
    readonly code: string;
}

export const QUOTAS: Readonly<Record<QuotaName, QuotaSpec>> = {
    elasticIps: { label: "Elastic IPs", defaultLimit: 5, service: "ec2", code: "L-0263D0A3" },
    vpcs: { label: "VPCs", defaultLimit: 5, service: "vpc", code: "L-F678F1CE" },
    internetGateways: { label: "Internet gateways", defaultLimit: 5, service: "vpc", code: "L-A4707A72" },
    vcpus: { label: "On-demand standard vCPUs", defaultLimit: 32, service: "ec2", code: "L-1216C47A" },
};

const TYPE_OF: Readonly<Record<string, QuotaName>> = {
    "aws:ec2/eip:Eip": "elasticIps",
    "aws:ec2/vpc:Vpc": "vpcs",
    "aws:ec2/internetGateway:InternetGateway": "internetGateways",
};

/**
 * vCPUs of an EC2 instance type from its size (the same for the C, M, R and T families this program uses):
 * nano to large 2, xlarge 4, Nxlarge 4N. Undefined for sizes it cannot tell (metal, unusual families).
 */
export function instanceVcpus(instanceType: string): number | undefined {
    const size = instanceType.split(".")[1] ?? "";
    if (["nano", "micro", "small", "medium", "large"].includes(size)) return 2;
    if (size === "xlarge") return 4;
    const m = /^(\d+)xlarge$/.exec(size);
    return m ? 4 * Number(m[1]) : undefined;
}

export interface RegionQuotaUse {
    readonly region: string;
    readonly use: Readonly<Record<QuotaName, number>>;
    /** Instance types whose vCPUs could not be told (counted as 0). */
    readonly unknownTypes: readonly string[];
}

export function quotaUse(result: Pick<PlanResult, "resources" | "settings">): RegionQuotaUse[] {
    const byUrn = new Map(result.resources.map((r) => [r.urn, r]));
    const regionOf = (r: PlanResource): string => {
        const provider = r.provider ? byUrn.get(r.provider) : undefined;
        const region = unwrapSecrets<Record<string, unknown>>(provider?.inputs ?? {}).region;
        return typeof region === "string" && region ? region : result.settings.region;
    };
    const regions = new Map<string, { use: Record<QuotaName, number>; unknownTypes: Set<string> }>();
    const at = (region: string) => {
        let entry = regions.get(region);
        if (!entry) {
            entry = { use: { elasticIps: 0, vpcs: 0, internetGateways: 0, vcpus: 0 }, unknownTypes: new Set() };
            regions.set(region, entry);
        }
        return entry;
    };
    for (const r of result.resources) {
        if (!r.custom || r.read) continue;
        const quota = TYPE_OF[r.type];
        if (quota) at(regionOf(r)).use[quota] += 1;
        if (r.type === "aws:ec2/instance:Instance") {
            const type = String(unwrapSecrets<Record<string, unknown>>(r.inputs).instanceType ?? "");
            const vcpus = instanceVcpus(type);
            const entry = at(regionOf(r));
            if (vcpus === undefined) entry.unknownTypes.add(type);
            entry.use.vcpus += vcpus ?? 0;
        }
    }
    return [...regions.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([region, e]) => ({ region, use: e.use, unknownTypes: [...e.unknownTypes].sort() }));
}

/** Several stacks in one account: their needs add up per region (staging and production often share one). */
export function combinedQuotaUse(results: readonly Pick<PlanResult, "resources" | "settings">[]): RegionQuotaUse[] {
    const sum = new Map<string, { use: Record<QuotaName, number>; unknownTypes: Set<string> }>();
    for (const r of results.flatMap((x) => quotaUse(x))) {
        const entry = sum.get(r.region) ?? { use: { elasticIps: 0, vpcs: 0, internetGateways: 0, vcpus: 0 }, unknownTypes: new Set<string>() };
        for (const q of Object.keys(QUOTAS) as QuotaName[]) entry.use[q] += r.use[q];
        r.unknownTypes.forEach((t) => entry.unknownTypes.add(t));
        sum.set(r.region, entry);
    }
    return [...sum.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([region, e]) => ({ region, use: e.use, unknownTypes: [...e.unknownTypes].sort() }));
}

/** The summary's quota table and its warnings (at or over a default quota, counting the region's default VPC). */
export function quotaReport(result: Pick<PlanResult, "resources" | "settings">): { lines: string[]; warnings: string[] } {
    return quotaReportOf(quotaUse(result), "this stack");
}

export function quotaReportOf(uses: readonly RegionQuotaUse[], who: string): { lines: string[]; warnings: string[] } {
    const lines = [`Quotas per region (${who} / AWS default; stacks sharing an account and region add up):`];
    const warnings: string[] = [];
    for (const { region, use, unknownTypes } of uses) {
        const cells = (Object.keys(QUOTAS) as QuotaName[]).map((q) => `${QUOTAS[q].label} ${use[q]}/${QUOTAS[q].defaultLimit}`);
        lines.push(`  ${region.padEnd(15)} ${cells.join(", ")}`);
        for (const q of Object.keys(QUOTAS) as QuotaName[]) {
            // The region's default VPC holds one VPC and one internet gateway already.
            const need = use[q] + (q === "vpcs" || q === "internetGateways" ? 1 : 0);
            const spec = QUOTAS[q];
            if (use[q] > 0 && need >= spec.defaultLimit) {
                warnings.push(
                    `${region}: ${spec.label} ${need}${q === "vpcs" || q === "internetGateways" ? " (with the default VPC)" : ""} ${need > spec.defaultLimit ? "exceed" : "reach"} the default quota of ${spec.defaultLimit}; check with \`aws service-quotas get-service-quota --service-code ${spec.service} --quota-code ${spec.code} --region ${region}\` and request an increase before the first up (docs/runbook.md, "Before the first deploy")`,
                );
            }
        }
        if (unknownTypes.length) lines.push(`    vCPUs unknown for ${unknownTypes.join(", ")} (not counted)`);
    }
    return { lines, warnings };
}
