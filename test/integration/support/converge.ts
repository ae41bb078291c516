// Converge payloads for the plan's hosts, built by the host layer's own pure functions (convergePayload +
// renderPayloadScript) from the fixture's files, and snapshots of a stand-in root to tell what a run changed.
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { controllerName, relayHostName } from "../../../components/config/naming";
import { renderPayloadScript } from "../../../components/host/bundle";
import { loadHostScripts } from "../../../components/host/bundle-scripts";
import { clusterPeers, convergePayload, preparePayload } from "../../../components/host/converge";
import type { LoadBalancerFacts } from "../../../components/host/facts";
import type { HostFile } from "../../../components/host/files";
import type { StackFixture } from "./fixture";

/** The load balancer facts the AWS footprint hands over (components/aws/footprint.ts). */
export function loadBalancerFacts(f: StackFixture): LoadBalancerFacts {
    const lb = f.settings.loadBalancer;
    return {
        proxyCidrs: f.topology.proxyCidrs,
        healthCheckIntervalSeconds: lb.healthCheckIntervalSeconds,
        healthyThreshold: lb.healthyThreshold,
        unhealthyThreshold: lb.unhealthyThreshold,
        deregistrationDelaySeconds: lb.deregistrationDelaySeconds,
    };
}

/** The metrics agent the plan's hosts run (as the host layer hands it to converge.sh). */
function agentOf(f: StackFixture): { metricsAgent?: "cloudwatch" } {
    return f.topology.metricsAgent ? { metricsAgent: f.topology.metricsAgent.kind } : {};
}

export function controllerPayload(f: StackFixture, index: number, files: readonly HostFile[], version = f.settings.openzroVersion): string {
    const host = {
        role: "controller" as const,
        name: controllerName(index),
        clusterPeers: clusterPeers(f.settings, f.topology.controllers.map((c) => c.privateIp), index),
        ...agentOf(f),
    };
    return renderPayloadScript(convergePayload(f.settings, host, version, loadBalancerFacts(f), files, loadHostScripts()));
}

export function relayPayload(f: StackFixture, index: number, files: readonly HostFile[], version = f.settings.openzroVersion): string {
    const host = { role: "relay" as const, name: relayHostName(f.settings.relays[index].name), clusterPeers: [], ...agentOf(f) };
    return renderPayloadScript(convergePayload(f.settings, host, version, loadBalancerFacts(f), files, loadHostScripts()));
}

/** The prepare command's payload for controller `index` (package download only). */
export function controllerPreparePayload(f: StackFixture, index: number, version = f.settings.openzroVersion): string {
    const host = { role: "controller" as const, name: controllerName(index), clusterPeers: [], ...agentOf(f) };
    return renderPayloadScript(preparePayload(f.settings, host, version, loadBalancerFacts(f), loadHostScripts()));
}

export interface FileState {
    readonly sha256: string;
    readonly mode: string;
    readonly owner: string;
    readonly group: string;
    readonly inode: number;
    readonly mtimeMs: number;
}

function names(root: string, file: "passwd" | "group"): Map<number, string> {
    const out = new Map<number, string>();
    for (const line of fs.readFileSync(path.join(root, "etc", file), "utf8").split("\n")) {
        const parts = line.split(":");
        if (parts.length > 2) out.set(Number(parts[2]), parts[0]);
    }
    return out;
}

/** State of one file inside a root (undefined when absent), owners resolved with the root's own passwd/group. */
export function fileState(root: string, file: string): FileState | undefined {
    const p = path.join(root, file);
    if (!fs.existsSync(p)) return undefined;
    const st = fs.statSync(p);
    return {
        sha256: createHash("sha256").update(fs.readFileSync(p)).digest("hex"),
        mode: (st.mode & 0o7777).toString(8).padStart(4, "0"),
        owner: names(root, "passwd").get(st.uid) ?? String(st.uid),
        group: names(root, "group").get(st.gid) ?? String(st.gid),
        inode: st.ino,
        mtimeMs: st.mtimeMs,
    };
}

/** Every regular file under the given directories of a root → its state (symlinks and special files skipped). */
export function snapshot(root: string, dirs: readonly string[]): Map<string, FileState> {
    const out = new Map<string, FileState>();
    const walk = (rel: string) => {
        const abs = path.join(root, rel);
        if (!fs.existsSync(abs)) return;
        for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
            const child = path.posix.join(rel, e.name);
            if (e.isDirectory()) walk(child);
            else if (e.isFile()) out.set(child, fileState(root, child) as FileState);
        }
    };
    dirs.forEach(walk);
    return out;
}

/** Paths added, removed or changed in any way (content, mode, owner, or rewritten: inode/mtime) between two snapshots. */
export function changedPaths(before: Map<string, FileState>, after: Map<string, FileState>): string[] {
    const paths = new Set([...before.keys(), ...after.keys()]);
    return [...paths].filter((p) => JSON.stringify(before.get(p)) !== JSON.stringify(after.get(p))).sort();
}

/** systemctl calls that change something (everything but queries), options dropped: "restart nginx". */
export function actions(calls: readonly string[]): string[] {
    return calls
        .map((c) => c.split(/\s+/).filter((w) => w !== "" && !w.startsWith("-")).join(" "))
        .filter((c) => !/^(is-enabled|is-active|status|show|cat|list-units)\b/.test(c));
}
