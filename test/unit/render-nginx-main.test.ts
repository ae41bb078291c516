// The rendered nginx.conf: sized for long-lived gRPC streams, valid for the real nginx, and including only the
// openZro site.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { renderNginxSite } from "../../components/host/render";
import { renderNginxMainConf } from "../../components/host/render/nginxMain";
import { settingsFor, topologyFor } from "./render-fixtures";

function directive(conf: string, name: string): number {
    const match = new RegExp(`^\\s*${name}\\s+(\\d+);`, "m").exec(conf);
    if (!match) throw new Error(`${name} not found`);
    return Number(match[1]);
}

describe("renderNginxMainConf", () => {
    const conf = renderNginxMainConf("debian");

    it("holds the gRPC streams of the medium tier on the smallest controller", () => {
        // Medium tier: up to 10,000 peers over 3 controllers, each peer holding a management Sync and a signal
        // stream; grpc_pass opens one upstream connection per stream and the client side may be as many again.
        // The smallest controller has 2 vCPU, so 2 workers with `worker_processes auto`.
        const peersPerController = Math.ceil(10_000 / 3);
        const connectionsNeeded = peersPerController * 2 /* streams */ * 2 /* client + upstream */;
        expect(2 * directive(conf, "worker_connections")).toBeGreaterThanOrEqual(connectionsNeeded);
        expect(directive(conf, "worker_rlimit_nofile")).toBeGreaterThanOrEqual(directive(conf, "worker_connections"));
    });

    it("includes only the openZro site, not the distribution's default server", () => {
        expect(conf).toContain("include /etc/nginx/conf.d/*.conf;");
        expect(conf).not.toMatch(/^\s*include .*sites-enabled/m);
    });

    it.each([
        ["debian", "www-data", "/etc/nginx/modules-enabled/*.conf"],
        ["rhel", "nginx", "/usr/share/nginx/modules/*.conf"],
    ] as const)("uses the %s package's user and module directory", (os, user, modules) => {
        const text = renderNginxMainConf(os);
        expect(text).toMatch(new RegExp(`^user ${user};$`, "m"));
        expect(text).toContain(`include ${modules};`);
    });

    it("refuses a path that would inject a directive", () => {
        expect(() => renderNginxMainConf("debian", { siteInclude: "/tmp/x; user root" })).toThrow(/nginx\.siteInclude/);
    });

    it("is accepted by the real nginx together with the rendered site", () => {
        const nginx = ["/usr/sbin/nginx", "/usr/bin/nginx"].find((p) => spawnSync("test", ["-x", p]).status === 0);
        if (!nginx) throw new Error("nginx is not installed: run test/integration/harness/install-deps.sh");
        const dir = mkdtempSync(join(tmpdir(), "nginx-main-"));
        try {
            const settings = settingsFor({});
            writeFileSync(join(dir, "site.conf"), renderNginxSite(settings, topologyFor(settings), { httpListen: "127.0.0.1:18080", grpcListen: "127.0.0.1:18081" }));
            writeFileSync(join(dir, "nginx.conf"), renderNginxMainConf("debian", { siteInclude: join(dir, "site.conf"), pidFile: join(dir, "nginx.pid"), logDir: dir }));
            const result = spawnSync(nginx, ["-t", "-q", "-p", dir, "-e", join(dir, "error.log"), "-c", join(dir, "nginx.conf")], { encoding: "utf8" });
            expect(result.stderr).not.toMatch(/emerg/);
            expect(result.status).toBe(0);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });
});
