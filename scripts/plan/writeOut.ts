// --out DIR: plan.json, hosts/<host>/<path> and topology.mmd. hosts/ is rebuilt from scratch so files a previous
// plan wrote for a host or path that no longer exists do not linger.
import * as fs from "fs";
import * as path from "path";
import type { PlanResult } from "./evaluate";
import { writeHostFiles } from "./hostsDir";
import { planJsonText, toPlanJson } from "./planJson";
import { topologyMermaid } from "./topology";

export interface WrittenPlan {
    readonly planJson: string;
    readonly hostsDir: string;
    readonly hostFileCount: number;
    readonly topology: string;
}

export function writePlanDir(dir: string, result: PlanResult, opts: { showSecrets?: boolean } = {}): WrittenPlan {
    fs.mkdirSync(dir, { recursive: true });
    const planJson = path.join(dir, "plan.json");
    fs.writeFileSync(planJson, planJsonText(toPlanJson(result, opts)));
    const hostsDir = path.join(dir, "hosts");
    fs.rmSync(hostsDir, { recursive: true, force: true });
    fs.mkdirSync(hostsDir);
    const hostFileCount = writeHostFiles(hostsDir, result.hostFiles);
    const topology = path.join(dir, "topology.mmd");
    fs.writeFileSync(topology, topologyMermaid(result));
    return { planJson, hostsDir, hostFileCount, topology };
}
