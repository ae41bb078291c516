// Every relay of the production plan converged into its own stand-in host (Debian root, own namespaces), and
// then asked what it actually runs with: each relay process must advertise its own address (spec §4: relays
// behind one shared address cannot pair peers homed on different processes), that address must be the one
// management hands to peers, its DNS name must resolve (in the plan's records) to that relay's own Elastic IP,
// it must listen on the advertised port, and its auth secret must be management's Relay.Secret.
import * as path from "path";
import { relayHostname } from "../../components/config/naming";
import type { RenderSecrets } from "../../components/host/files";
import { MANAGEMENT_JSON_PATH } from "../../components/host/render";
import { relayPublicIp } from "./harness/plan-topology";
import { ProcessGroup } from "./harness/processes";
import { buildStandInRepo, debianRootTarball, KEY_URL, REPO_URL, StandInHost, standInAgentEnv } from "./harness/stand-in-host";
import { makeWorkDir, removeWorkDir } from "./harness/workdir";
import { relayPayload } from "./support/converge";
import { fileAt, loadFixture, StackFixture, throwawaySecrets } from "./support/fixture";

jest.setTimeout(300_000);

interface RunningRelay {
    readonly name: string;
    readonly env: Record<string, string>;
    readonly listening: boolean;
}

let fixture: StackFixture;
let workDir: string;
let group: ProcessGroup;
let secrets: RenderSecrets;
const hosts: StandInHost[] = [];
const relays: RunningRelay[] = [];

/** The environment of the relay process the (stand-in) systemd started, read from /proc inside the host. */
async function processEnv(host: StandInHost): Promise<Record<string, string>> {
    const r = await host.exec(["bash", "-c", "tr '\\0' '\\n' </proc/$(cat /run/openzro-it-systemd/openzro-relay.service.pid)/environ"]);
    if (r.status !== 0) throw new Error(`no running openzro-relay on ${host.name}: ${r.stderr}`);
    return Object.fromEntries(r.stdout.split("\n").filter((l) => l.includes("=")).map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
}

// Long bound: the first run on a machine builds the cached Debian root (debootstrap, ~2 min).
beforeAll(async () => {
    fixture = await loadFixture("production");
    workDir = makeWorkDir("relays");
    group = new ProcessGroup(path.join(workDir, "logs"));
    secrets = throwawaySecrets();
    const tarball = debianRootTarball();
    const repo = path.join(workDir, "repo");
    buildStandInRepo(repo, [fixture.settings.openzroVersion]);
    const names = fixture.settings.relays.map((r) => r.name);
    hosts.push(...(await Promise.all(names.map((n) => StandInHost.boot(group, workDir, `relay-${n}`, relayHostname(n), tarball, repo)))));
    await Promise.all(
        hosts.map(async (host, i) => {
            const r = await host.exec(["bash", "-s", "--", "create"], {
                stdin: relayPayload(fixture, i, fixture.relayFiles(i, secrets)),
                env: { OZ_REPO_URL: REPO_URL, OZ_KEY_URL: KEY_URL, OZ_HEALTH_TIMEOUT_SECONDS: "20", ...standInAgentEnv(repo) },
            });
            if (r.status !== 0) throw new Error(`converge of ${host.name} failed:\n${r.stdout}\n${r.stderr}`);
            const env = await processEnv(host);
            const port = new URL(env.OZ_EXPOSED_ADDRESS.replace(/^rels?:/, "http:")).port;
            const listening = (await host.exec(["bash", "-c", `exec 3<>/dev/tcp/127.0.0.1/${port}`])).status === 0;
            relays[i] = { name: names[i], env, listening };
        }),
    );
}, 600_000);

afterAll(async () => {
    await Promise.all(hosts.map((h) => h.shutdown()));
    await group?.stopAll();
    if (workDir) removeWorkDir(workDir);
});

test("every relay process advertises an address of its own", () => {
    const advertised = relays.map((r) => r.env.OZ_EXPOSED_ADDRESS);
    expect(advertised.every((a) => /^rels?:\/\/[^/:]+:\d+$/.test(a))).toBe(true);
    expect(new Set(advertised).size).toBe(relays.length);
});

test("the advertised addresses are exactly management's Relay.Addresses, relay by relay", () => {
    const managementJson = JSON.parse(fileAt(fixture.controllerFiles(0, secrets), MANAGEMENT_JSON_PATH).content);
    expect(relays.map((r) => r.env.OZ_EXPOSED_ADDRESS)).toEqual(managementJson.Relay.Addresses);
    for (const r of relays) expect(r.env.OZ_AUTH_SECRET).toBe(managementJson.Relay.Secret);
});

test("each advertised name resolves (plan DNS records) to that relay's own Elastic IP only", () => {
    const records = fixture.plan.resources.filter((r) => r.type === "aws:route53/record:Record" && r.inputs.type === "A");
    for (const r of relays) {
        const host = new URL(r.env.OZ_EXPOSED_ADDRESS.replace(/^rels?:/, "http:")).hostname;
        const matching = records.filter((rec) => String(rec.inputs.name).replace(/\.$/, "") === host);
        expect(matching).toHaveLength(1);
        expect(matching[0].inputs.records).toEqual([relayPublicIp(fixture.plan, r.name)]);
    }
    const ips = relays.map((r) => relayPublicIp(fixture.plan, r.name));
    expect(new Set(ips).size).toBe(relays.length);
});

test("each relay listens on the port it advertises", () => {
    expect(relays.map((r) => [r.name, r.listening])).toEqual(relays.map((r) => [r.name, true]));
});
