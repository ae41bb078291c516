// The rendered configs are accepted by the real daemons' own config checkers (Debian's nginx 1.22 and
// nats-server 2.9; installed by test/integration/harness/install-deps.sh). Behaviour is proven by the integration
// tests; this catches syntax and version problems (e.g. `http2 on;`, which 1.22 rejects) in a second.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { NATS_SERVER_CONF_PATH, NGINX_GRPC_TLS_CERT_PATH, NGINX_GRPC_TLS_KEY_PATH, NGINX_SITE_PATH, renderControllerFiles } from "../../components/host/render";
import { SECRETS, SettingsPatch, fileAt, settingsFor, topologyFor } from "./render-fixtures";

function binary(name: string, candidates: string[]): string {
    const found = candidates.find((p) => spawnSync("test", ["-x", p]).status === 0);
    if (!found) throw new Error(`${name} is not installed: run test/integration/harness/install-deps.sh (Debian packages nginx, nats-server)`);
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

/** A real self-signed certificate and key (openssl, installed by install-deps.sh): nginx -t loads both. */
function selfSigned(root: string): { cert: string; key: string } {
    const openssl = binary("openssl", ["/usr/bin/openssl"]);
    mkdirSync(root, { recursive: true });
    const [certFile, keyFile] = [join(root, "c.pem"), join(root, "k.pem")];
    execFileSync(openssl, ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", keyFile, "-out", certFile, "-days", "1", "-subj", "/CN=openzro-grpc-backend"], { stdio: "ignore" });
    return { cert: readFileSync(certFile, "utf8"), key: readFileSync(keyFile, "utf8") };
}

const TLS_VARIANTS: [string, SettingsPatch][] = [
    ["TLS gRPC backend (GCP)", {}],
    ["TLS gRPC backend (GCP), dex enabled", { dex: { enabled: true, port: 5556 } }],
];

describe.each([...VARIANTS.map(([n, p]) => [n, p, false] as const), ...TLS_VARIANTS.map(([n, p]) => [n, p, true] as const)])("%s", (name, patch, tls) => {
    const settings = settingsFor(patch);
    const slug = name.replace(/\W+/g, "-");

    test("nginx -t accepts the site inside an http block, as conf.d is included", () => {
        const nginx = binary("nginx", ["/usr/sbin/nginx"]);
        const root = join(dir, `nginx-${slug}`);
        mkdirSync(join(root, "tmp"), { recursive: true });
        const material = tls ? selfSigned(join(root, "material")) : undefined;
        const topology = material ? { ...topologyFor(settings), grpcBackend: "tls" as const, nginxGrpcTlsCertificate: material.cert } : topologyFor(settings);
        const files = renderControllerFiles(settings, topology, 0, { ...SECRETS, nginxGrpcTlsKey: material?.key }, {
            nginx: { grpcTlsCertificate: join(root, "grpc.crt"), grpcTlsKey: join(root, "grpc.key") },
        });
        if (material) {
            writeFileSync(join(root, "grpc.crt"), fileAt(files, NGINX_GRPC_TLS_CERT_PATH).content);
            writeFileSync(join(root, "grpc.key"), fileAt(files, NGINX_GRPC_TLS_KEY_PATH).content, { mode: 0o600 });
        }
        writeFileSync(join(root, "site.conf"), fileAt(files, NGINX_SITE_PATH).content);
        const temp = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((t) => `${t}_temp_path ${root}/tmp;`).join(" ");
        writeFileSync(
            join(root, "nginx.conf"),
            `pid ${root}/nginx.pid;\nerror_log ${root}/error.log;\nevents {}\nhttp {\n access_log off;\n ${temp}\n include /etc/nginx/mime.types;\n include ${root}/site.conf;\n}\n`,
        );
        const result = spawnSync(nginx, ["-t", "-q", "-p", root, "-e", `${root}/error.log`, "-c", `${root}/nginx.conf`], { encoding: "utf8" });
        expect([result.status, result.stderr.trim()]).toEqual([0, ""]);
    });

    if (settings.cluster.coordinator === "nats" && !tls) {
        const topology = topologyFor(settings);
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
