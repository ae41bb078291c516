// The plan summary an operator reads before `pulumi up`: how much, where, and the HA-relevant facts.
import type { PlanResult } from "./evaluate";
import { inventory } from "./inventory";
import { quotaReport } from "./quotas";

export function planSummary(result: PlanResult): string {
    const inv = inventory(result);
    const out: string[] = [];
    const total = result.resources.length;
    const custom = result.resources.filter((r) => r.custom).length;
    out.push(`Plan for stack ${result.stack} (project ${result.project}), primary region ${inv.primaryRegion}`);
    out.push(`Resources: ${total} (${custom} cloud/provider resources, ${total - custom} components)`);
    for (const [type, n] of inv.countsByType) {
        out.push(`  ${String(n).padStart(4)}  ${type}`);
    }

    out.push(`Controllers (${inv.controllers.length}):`);
    for (const c of inv.controllers) {
        out.push(`  ${c.host.padEnd(16)} ${c.zone.padEnd(14)} ${c.privateIp.padEnd(15)} ${c.instanceType}`);
    }
    const perZone = new Map<string, string[]>();
    for (const c of inv.controllers) {
        perZone.set(c.zone || "?", [...(perZone.get(c.zone || "?") ?? []), c.host]);
    }
    out.push(`Controllers per AZ: ${[...perZone.entries()].map(([z, hosts]) => `${z}: ${hosts.join(", ")}`).join("; ")}`);
    out.push(`Cluster ports between controllers: ${inv.clusterPorts.length ? inv.clusterPorts.join(", ") : "none"}`);

    out.push(`Relays (${inv.relays.length}):`);
    for (const r of inv.relays) {
        out.push(`  ${r.host.padEnd(20)} ${r.region.padEnd(15)} ${r.publicIp.padEnd(15)} ${r.address}`);
        out.push(`  ${"".padEnd(20)} certificate: ${r.certificate}; STUN: ${r.stun} (udp)`);
    }
    if (inv.bastion) {
        out.push(`Bastion: ${inv.bastion.publicIp} (${inv.bastion.zone})`);
    }
    for (const db of inv.databases) {
        const ha = result.settings.cloud === "gcp" ? `availability ${db.multiAz ? "REGIONAL" : "ZONAL"}` : `Multi-AZ ${db.multiAz ? "yes" : "NO"}`;
        out.push(`Database ${db.name}: ${db.engine} ${db.engineVersion} ${db.instanceClass}, ${ha}, ${db.address} (${db.region})`);
    }
    for (const lb of inv.loadBalancers) {
        out.push(result.settings.cloud === "gcp"
            ? `Load balancer ${lb.name}: ${lb.dnsName} (global external Application LB)`
            : `Load balancer ${lb.name}: ${lb.dnsName}, idle timeout ${lb.idleTimeout ?? "default"} s`);
    }
    out.push(`${result.settings.cloud === "gcp" ? "Backend services" : "Target groups"} (${inv.targetGroups.length}):`);
    for (const tg of inv.targetGroups) {
        out.push(`  ${tg.name.padEnd(28)} ${tg.protocol}/${tg.protocolVersion} :${tg.port ?? "?"}  health ${tg.healthCheckPath || "-"}  ${tg.targets} target(s)`);
    }
    const quotas = quotaReport(result);
    out.push(...quotas.lines);
    const hosts = Object.keys(result.hostFiles).sort();
    out.push(`Host files (${hosts.length} hosts):`);
    for (const host of hosts) {
        out.push(`  ${host}:`);
        for (const f of result.hostFiles[host]) {
            out.push(`    ${f.mode} ${`${f.owner}:${f.group}`.padEnd(22)} ${f.path}${f.secret ? "  (holds secrets, redacted)" : ""}`);
        }
    }
    const d = result.diagnostics;
    for (const w of d.warnings) out.push(`warning: ${w}`);
    for (const w of quotas.warnings) out.push(`warning: ${w}`);
    if (d.unmockedInvokes.length) out.push(`note: lookups answered with {} by the offline mocks: ${d.unmockedInvokes.join(", ")}`);
    if (d.unmockedTypes.length) out.push(`note: resource types with generic mock values: ${d.unmockedTypes.join(", ")}`);
    return out.join("\n");
}
