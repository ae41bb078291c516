// The rendered configs are accepted by the real daemons' own config checkers (Debian's nginx 1.22 and
// nats-server 2.9; installed by scripts/integration/install-deps.sh). Behaviour is proven by the integration
// tests; this catches syntax and version problems (e.g. `http2 on;`, which 1.22 rejects) in a second.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NATS_SERVER_CONF_PATH, NGINX_SITE_PATH, renderControllerFiles } from "../../components/host/render";
import { SECRETS, SettingsPatch, fileAt, settingsFor, topologyFor } from "./render-fixtures";

function binary(name: string, candidates: string[]): string {
    const found = candidates.find((p) => spawnSync("test", ["-x", p]).status === 0);
    if (!found) throw new Error(`${name} is not installed: run scripts/integration/install-deps.sh (Debian packages nginx, nats-server)`);
    return found;
}

const VARIANTS: [string, SettingsPatch][] = [
    ["production defaults", {}],
    ["dex enabled", { dex: { enabled: true, port: 5556 } }],
    ["one controller, no coordinator", { controllers: { count: 1, instanceType: "t3.medium", rootVolumeGb: 60 }, cluster: { coordinator: "none", peerPort: 6222, signalPeerPort: 6223 } }],
    ["standalone nats", { cluster: { coordinator: "nats", peerPort: 6222, signalPeerPort: 6223 } }],
];

let dir: string;
beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "render-syntax-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(VARIANTS)("%s", (name, patch) => {
    const settings = settingsFor(patch);
    const topology = topologyFor(settings);
    const files = renderControllerFiles(settings, topology, 0, SECRETS);

    test("nginx -t accepts the site inside an http block, as conf.d is included", () => {
        const nginx = binary("nginx", ["/usr/sbin/nginx"]);
        const root = join(dir, `nginx-${name.replace(/\W+/g, "-")}`);
        mkdirSync(join(root, "tmp"), { recursive: true });
        writeFileSync(join(root, "site.conf"), fileAt(files, NGINX_SITE_PATH).content);
        const temp = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((t) => `${t}_temp_path ${root}/tmp;`).join(" ");
        writeFileSync(
            join(root, "nginx.conf"),
            `pid ${root}/nginx.pid;\nerror_log ${root}/error.log;\nevents {}\nhttp {\n access_log off;\n ${temp}\n include /etc/nginx/mime.types;\n include ${root}/site.conf;\n}\n`,
        );
        const result = spawnSync(nginx, ["-t", "-q", "-p", root, "-e", `${root}/error.log`, "-c", `${root}/nginx.conf`], { encoding: "utf8" });
        expect([result.status, result.stderr.trim()]).toEqual([0, ""]);
    });

    if (settings.cluster.coordinator === "nats") {
        test("nats-server -t accepts every controller's nats-server.conf", () => {
            const nats = binary("nats-server", ["/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server"]);
            topology.controllers.forEach((_, i) => {
                const path = join(dir, `nats-${i}.conf`);
                writeFileSync(path, fileAt(renderControllerFiles(settings, topology, i, SECRETS), NATS_SERVER_CONF_PATH).content);
                expect(execFileSync(nats, ["-t", "-c", path], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })).toBeDefined();
            });
        });
    }
});
