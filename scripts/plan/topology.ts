// topology.mmd: a Mermaid flowchart of tiers, hosts, regions and connections, drawn from the plan's inventory:
// users → load balancer → controllers (grouped by zone), controllers ↔ each other on the cluster ports,
// controllers → database, peers → each relay (grouped by region), operators → bastion → controllers.
import { relayPublicListeners } from "../../components/host/relayListeners";
import { MANAGEMENT_PORT, NGINX_GRPC_PORT, NGINX_HTTP_PORT, POSTGRES_PORT } from "../../components/host/ports";
import type { PlanResult } from "./evaluate";
import { inventory } from "./inventory";

/** Mermaid node ids: letters, digits and underscores only. */
export function mermaidId(prefix: string, name: string): string {
    return `${prefix}_${name.replace(/[^A-Za-z0-9]/g, "_")}`;
}

/** A quoted Mermaid label; <br/> separates lines, quotes are escaped as entities. */
function label(...lines: string[]): string {
    return `"${lines.filter((l) => l !== "").map((l) => l.replace(/"/g, "#quot;")).join("<br/>")}"`;
}

export function topologyMermaid(result: PlanResult): string {
    const inv = inventory(result);
    const { settings } = result;
    const out: string[] = ["flowchart TB"];
    const edges: string[] = [];

    out.push(`  users((${label("users and peers")}))`);
    out.push(`  operators((${label("operators")}))`);
    out.push(`  subgraph primary[${label(`primary region ${inv.primaryRegion}`)}]`);
    out.push("    direction TB");
    for (const lb of inv.loadBalancers) {
        const id = mermaidId("lb", lb.name);
        const lbLabel = settings.cloud === "gcp"
            ? label(`global external Application LB ${settings.domain}`, lb.dnsName)
            : label(`ALB ${settings.domain}`, lb.dnsName, `idle timeout ${lb.idleTimeout ?? "default"} s`);
        out.push(`    ${id}[${lbLabel}]`);
        edges.push(`  users -->|"HTTPS 443"| ${id}`);
        const versions = [...new Set(inv.targetGroups.map((tg) => `${tg.protocolVersion} :${tg.port ?? "?"}`))];
        for (const c of inv.controllers) {
            edges.push(`  ${id} -->|${label(versions.length ? versions.join(", ") : `HTTP :${NGINX_HTTP_PORT}, gRPC :${NGINX_GRPC_PORT}`)}| ${mermaidId("host", c.host)}`);
        }
    }
    const zones = [...new Set(inv.controllers.map((c) => c.zone || "unknown zone"))];
    zones.forEach((zone) => {
        out.push(`    subgraph ${mermaidId("az", zone)}[${label(zone)}]`);
        for (const c of inv.controllers.filter((x) => (x.zone || "unknown zone") === zone)) {
            out.push(`      ${mermaidId("host", c.host)}[${label(c.host, c.privateIp, `management :${MANAGEMENT_PORT}, signal, nginx`)}]`);
        }
        out.push("    end");
    });
    for (const db of inv.databases) {
        const id = mermaidId("db", db.name);
        const ha = settings.cloud === "gcp" ? (db.multiAz ? "REGIONAL" : "ZONAL") : db.multiAz ? "Multi-AZ" : "single AZ";
        out.push(`    ${id}[(${label(`PostgreSQL ${db.engineVersion}`, ha, db.instanceClass)})]`);
        for (const c of inv.controllers) {
            edges.push(`  ${mermaidId("host", c.host)} -->|"TLS ${POSTGRES_PORT}"| ${id}`);
        }
    }
    if (inv.bastion) {
        out.push(`    bastion[${label("bastion", inv.bastion.publicIp)}]`);
        edges.push(`  operators -->|"SSH 22"| bastion`);
        for (const c of inv.controllers) {
            edges.push(`  bastion -.->|"SSH 22"| ${mermaidId("host", c.host)}`);
        }
    }
    out.push("  end");

    if (inv.clusterPorts.length > 0) {
        const ports = `cluster ${inv.clusterPorts.join(", ")}`;
        for (let i = 0; i < inv.controllers.length; i++) {
            for (let j = i + 1; j < inv.controllers.length; j++) {
                edges.push(`  ${mermaidId("host", inv.controllers[i].host)} <-->|${label(ports)}| ${mermaidId("host", inv.controllers[j].host)}`);
            }
        }
    }

    const regions = [...new Set(inv.relays.map((r) => r.region))];
    for (const region of regions) {
        out.push(`  subgraph ${mermaidId("relays", region)}[${label(`relays ${region}`)}]`);
        for (const r of inv.relays.filter((x) => x.region === region)) {
            out.push(`    ${mermaidId("host", r.host)}[${label(r.host, r.address, r.publicIp)}]`);
        }
        out.push("  end");
    }
    for (const r of inv.relays) {
        // Exactly what the relay host's firewall opens (relayListeners.ts): WebSocket, QUIC with TLS, STUN.
        const ports = relayPublicListeners(settings).map((l) => `${l.protocol} ${l.port} ${l.purpose}`);
        edges.push(`  users -->|${label(ports.join(", "))}| ${mermaidId("host", r.host)}`);
        // GCP: SSH reaches relays only through the bastion (their internal addresses); AWS: directly.
        edges.push(settings.cloud === "gcp" && inv.bastion
            ? `  bastion -.->|"SSH 22"| ${mermaidId("host", r.host)}`
            : `  operators -.->|"SSH 22"| ${mermaidId("host", r.host)}`);
    }
    return `${[...out, ...edges].join("\n")}\n`;
}
