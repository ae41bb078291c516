// /etc/nginx/nginx.conf on a controller. The distributions' default allows 768 connections per worker, but nginx
// opens one upstream connection per proxied gRPC stream (grpc_pass does not multiplex) and counts both sides
// against worker_connections: every peer holds a management Sync and a signal stream, so a few hundred peers
// would exhaust a default worker. `events {}` cannot be set from conf.d, hence a rendered main file.
import { OsFamily } from "../../config/types";
import { RenderError } from "./errors";

/** Connections per worker (client side + upstream side): about 8,000 concurrent gRPC streams per worker. */
export const NGINX_WORKER_CONNECTIONS = 16384;
/** File descriptors per worker: every connection is one, plus logs and static files being served. */
export const NGINX_WORKER_RLIMIT_NOFILE = 2 * NGINX_WORKER_CONNECTIONS;

export const NGINX_MAIN_CONF_PATH = "/etc/nginx/nginx.conf";

/** Paths that differ between a host and the integration tests' temp dirs. Defaults: the packaged layout. */
export interface NginxMainConfOptions {
    /** Where the openZro site (and nothing else) is included from. */
    readonly siteInclude?: string;
    readonly pidFile?: string;
    readonly logDir?: string;
}

/** User and dynamic-module directory of the distributions' nginx packages. */
const DISTRIBUTION: Record<OsFamily, { user: string; modules: string }> = {
    debian: { user: "www-data", modules: "/etc/nginx/modules-enabled/*.conf" },
    rhel: { user: "nginx", modules: "/usr/share/nginx/modules/*.conf" },
};

export function renderNginxMainConf(osFamily: OsFamily, options: NginxMainConfOptions = {}): string {
    const siteInclude = options.siteInclude ?? "/etc/nginx/conf.d/*.conf";
    const pidFile = options.pidFile ?? "/run/nginx.pid"; // the packaged units' PIDFile on both families
    const logDir = options.logDir ?? "/var/log/nginx";
    for (const [key, value] of Object.entries({ siteInclude, pidFile, logDir })) {
        if (!/^\/[A-Za-z0-9._*\/-]*$/.test(value)) {
            throw new RenderError(`nginx.${key}`, "must be an absolute path without spaces or directives", value, "pass a plain absolute path");
        }
    }
    const { user, modules } = DISTRIBUTION[osFamily];
    return [
        "# Managed by Pulumi (openzro). Local edits are overwritten on the next `pulumi up`.",
        `user ${user};`,
        "worker_processes auto;",
        `worker_rlimit_nofile ${NGINX_WORKER_RLIMIT_NOFILE};`,
        `pid ${pidFile};`,
        `error_log ${logDir}/error.log;`,
        `include ${modules};`,
        "",
        "events {",
        `    worker_connections ${NGINX_WORKER_CONNECTIONS};`,
        "}",
        "",
        "http {",
        "    sendfile on;",
        "    tcp_nopush on;",
        "    types_hash_max_size 2048;",
        "    server_tokens off;",
        "    include /etc/nginx/mime.types;",
        "    default_type application/octet-stream;",
        `    access_log ${logDir}/access.log;`,
        "    gzip on;",
        "    # Only the openZro site: the distribution's sites-enabled/ (and its default server on :80) is not included.",
        `    include ${siteInclude};`,
        "}",
        "",
    ].join("\n");
}
