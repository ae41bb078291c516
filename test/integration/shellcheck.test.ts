// shellcheck over every shell script this repository runs: each scripts/**/*.sh file on its own, the stand-in
// packages' maintainer script, and the exact stdin payloads the production plan's commands ship (controller,
// relay, database bootstrap), which are what `bash -s` runs on a host. A missing shellcheck fails the test.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { renderPayloadScript } from "../../components/host/bundle";
import { loadHostScripts } from "../../components/host/bundle-scripts";
import { bootstrapPayload } from "../../components/host/converge";
import { makeWorkDir, removeWorkDir } from "./harness/workdir";
import { controllerPayload, relayPayload } from "./support/converge";
import { loadFixture, StackFixture, throwawaySecrets } from "./support/fixture";

jest.setTimeout(60_000);

const ROOT = path.resolve(__dirname, "..", "..");

function filesUnder(dir: string, keep: (name: string) => boolean): string[] {
    const out: string[] = [];
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) out.push(...filesUnder(p, keep));
        else if (keep(e.name)) out.push(p);
    }
    return out.sort();
}

function shellcheck(file: string, shell?: string): string {
    const r = spawnSync("shellcheck", ["--external-sources", "--format=gcc", ...(shell ? ["--shell", shell] : []), file], { cwd: ROOT, encoding: "utf8" });
    if (r.error) throw new Error(`shellcheck could not run (${r.error.message}); run test/integration/harness/install-deps.sh`);
    return `${r.stdout}${r.stderr}`.trim() + (r.status === 0 ? "" : `\n(exit ${r.status})`);
}

const repositoryScripts = ["scripts", "test"]
    .flatMap((top) => filesUnder(path.join(ROOT, top), (n) => n.endsWith(".sh")))
    .map((f) => path.relative(ROOT, f));

test("finds the host scripts and the integration scripts", () => {
    expect(repositoryScripts).toEqual(
        expect.arrayContaining(["scripts/host/converge.sh", "scripts/host/bootstrap-db.sh", "test/integration/harness/install-deps.sh", "test/integration/harness/debian-root.sh"]),
    );
});

test.each(repositoryScripts.map((f) => [f]))("%s passes shellcheck", (file) => {
    expect(shellcheck(path.join(ROOT, file))).toBe("");
});

test("the stand-in packages' postinst (/bin/sh) passes shellcheck", () => {
    expect(shellcheck(path.join(ROOT, "test/integration/harness/stand-in-packages/maintainer/postinst"), "sh")).toBe("");
});

describe("the production plan's stdin payloads", () => {
    let fixture: StackFixture;
    let dir: string;
    beforeAll(async () => {
        fixture = await loadFixture("production");
        dir = makeWorkDir("shellcheck");
    });
    afterAll(() => dir && removeWorkDir(dir));

    test.each([["controller-1 converge"], ["relay converge"], ["database bootstrap"]])("%s passes shellcheck", (which) => {
        const secrets = throwawaySecrets();
        const script =
            which === "controller-1 converge"
                ? controllerPayload(fixture, 0, fixture.controllerFiles(0, secrets))
                : which === "relay converge"
                  ? relayPayload(fixture, 0, fixture.relayFiles(0, secrets))
                  : renderPayloadScript(
                        bootstrapPayload(
                            fixture.settings,
                            { ...fixture.topology.database, caUrl: "https://ca.example/bundle.pem" },
                            { masterPassword: secrets.databasePassword, appPassword: secrets.databaseAppPassword },
                            loadHostScripts(),
                        ),
                    );
        const file = path.join(dir, `${which.replace(/\W+/g, "-")}.sh`);
        fs.writeFileSync(file, script);
        expect(shellcheck(file)).toBe("");
    });
});
