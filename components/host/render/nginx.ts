// The nginx site on every controller, behind the load balancer (spec §3, §6; ARCHITECTURE §1):
//  - server A, HTTP/1.1 (ALB HTTP target group): dashboard SPA, /api and /scim/v2 to management, /dex/ to Dex,
//    /healthz;
//  - server B, HTTP/2: management, flow and signal gRPC services. Cleartext (h2c) for the ALB's gRPC target
//    groups; or, when the load balancer speaks HTTP/2 to backends only over TLS (grpcBackend "tls", GCP), TLS with
//    a self-signed certificate on NGINX_GRPC_TLS_PORT instead, plus SIGNAL_HEALTH_PATH on both servers.
// Works on nginx 1.22 (Debian 12) and 1.24 (Ubuntu 24.04): `listen ... http2` instead of `http2 on;` (1.25.1+).
// Every address, port and filesystem root is a parameter so the integration tests run this same text on
// loopback and temp dirs.
import { Settings } from "../../config/types";
import { RenderTopology } from "../files";
import {
    DRAIN_FILE,
    HEALTH_PATH,
    MANAGEMENT_PORT,
    NGINX_GRPC_PORT,
    NGINX_GRPC_TLS_PORT,
    NGINX_HTTP_PORT,
    SIGNAL_HEALTH_PATH,
    SIGNAL_PORT,
} from "../ports";
import { RenderError } from "./errors";
import { DASHBOARD_ROOT, NGINX_GRPC_TLS_CERT_PATH, NGINX_GRPC_TLS_KEY_PATH } from "./paths";
import { proxyCidrsOf } from "./topology";

export interface NginxSiteOptions {
    /** `listen` of server A (HTTP/1.1), e.g. "80" or "127.0.0.11:18080". Default: NGINX_HTTP_PORT. */
    readonly httpListen?: string;
    /** `listen` of server B (h2c gRPC), e.g. "8080" or "127.0.0.11:18081". Default: NGINX_GRPC_PORT. */
    readonly grpcListen?: string;
    /** `listen` of server B with grpcBackend "tls", e.g. "8443" or "127.0.0.11:18443". Default: NGINX_GRPC_TLS_PORT. */
    readonly grpcTlsListen?: string;
    /** Certificate and key files of the TLS gRPC listener. Default: NGINX_GRPC_TLS_CERT_PATH / _KEY_PATH. */
    readonly grpcTlsCertificate?: string;
    readonly grpcTlsKey?: string;
    /** Static dashboard root. Default: /usr/share/openzro-dashboard. */
    readonly dashboardRoot?: string;
    /** While this file exists the host reports itself unhealthy. Default: DRAIN_FILE. */
    readonly drainFile?: string;
    /** host:port of management (REST + gRPC). Default: 127.0.0.1:33073 — never 33071, where nothing listens (D3). */
    readonly managementUpstream?: string;
    /** host:port of signal gRPC. Default: 127.0.0.1:10000. */
    readonly signalUpstream?: string;
    /** host:port of Dex's HTTP listener. Default: 127.0.0.1:<settings.dex.port>. */
    readonly dexUpstream?: string;
    /** Read/send/body timeout of gRPC streams (nginx time syntax). Default "1d"; tests may shorten it. */
    readonly streamTimeout?: string;
}

export type ResolvedNginxSiteOptions = Required<NginxSiteOptions>;

export function resolveNginxSiteOptions(settings: Settings, options: NginxSiteOptions = {}): ResolvedNginxSiteOptions {
    const resolved: ResolvedNginxSiteOptions = {
        httpListen: options.httpListen ?? String(NGINX_HTTP_PORT),
        grpcListen: options.grpcListen ?? String(NGINX_GRPC_PORT),
        grpcTlsListen: options.grpcTlsListen ?? String(NGINX_GRPC_TLS_PORT),
        grpcTlsCertificate: options.grpcTlsCertificate ?? NGINX_GRPC_TLS_CERT_PATH,
        grpcTlsKey: options.grpcTlsKey ?? NGINX_GRPC_TLS_KEY_PATH,
        dashboardRoot: options.dashboardRoot ?? DASHBOARD_ROOT,
        drainFile: options.drainFile ?? DRAIN_FILE,
        managementUpstream: options.managementUpstream ?? `127.0.0.1:${MANAGEMENT_PORT}`,
        signalUpstream: options.signalUpstream ?? `127.0.0.1:${SIGNAL_PORT}`,
        dexUpstream: options.dexUpstream ?? `127.0.0.1:${settings.dex.port}`,
        streamTimeout: options.streamTimeout ?? "1d",
    };
    for (const [key, value] of Object.entries(resolved) as [string, string][]) {
        // Everything lands unquoted in nginx syntax: refuse anything that could end or inject a directive.
        if (!/^[A-Za-z0-9_.:/\[\]-]+$/.test(value)) {
            throw new RenderError(`nginx ${key}`, "not a plain address, path or time", value, "use letters, digits and . : / - _ [ ] only");
        }
    }
    return resolved;
}

function realIp(proxyCidrs: readonly string[]): string[] {
    // The ALB appends the client address to X-Forwarded-For; trusting it only from the ALB subnets keeps the
    // client address (logs, rate limits, management's peer IPs) without letting anyone else spoof it.
    return [...proxyCidrs.map((c) => `set_real_ip_from ${c};`), "real_ip_header X-Forwarded-For;", "real_ip_recursive on;"];
}

function healthLocation(o: ResolvedNginxSiteOptions): string[] {
    // The load balancer's health check: 503 while draining (the rolling upgrade touches the drain file), else
    // management's SCIM ServiceProviderConfig, which answers 200 without auth (spec §3); management down → 503.
    return [
        `location = ${HEALTH_PATH} {`,
        "    access_log off;",
        `    if (-f ${o.drainFile}) {`,
        "        return 503;",
        "    }",
        `    proxy_pass http://${o.managementUpstream}/scim/v2/ServiceProviderConfig;`,
        "    proxy_connect_timeout 2s;",
        "    proxy_read_timeout 5s;",
        "    error_page 502 504 =503 @openzro_unhealthy;",
        "}",
        "",
        "location @openzro_unhealthy {",
        "    return 503;",
        "}",
    ];
}

function signalHealthLocation(o: ResolvedNginxSiteOptions): string[] {
    // For load balancers without a gRPC health check that accepts signal's answer (GCP): 200 when signal's own
    // gRPC server answers a request, 503 while draining or when it cannot be reached. grpc_pass forwards the
    // checker's method, and signal (grpc-go) answers a GET with HTTP 405 + grpc-status before any handler runs;
    // a POST to a method signal lacks gets 200 + UNIMPLEMENTED. Either is signal's gRPC server answering, which is
    // all the ALB's Healthz/UNIMPLEMENTED check proves too. Connection refused or no answer in time: 503.
    return [
        `location = ${SIGNAL_HEALTH_PATH} {`,
        "    access_log off;",
        `    if (-f ${o.drainFile}) {`,
        "        return 503;",
        "    }",
        "    rewrite ^ /signalexchange.SignalExchange/Healthz break;",
        "    grpc_set_header Content-Type application/grpc;",
        "    grpc_set_header TE trailers;",
        "    grpc_connect_timeout 2s;",
        "    grpc_send_timeout 5s;",
        "    grpc_read_timeout 5s;",
        "    grpc_intercept_errors on;",
        "    error_page 405 = @openzro_signal_answered;",
        "    error_page 502 504 =503 @openzro_unhealthy;",
        `    grpc_pass grpc://${o.signalUpstream};`,
        "}",
        "",
        "location @openzro_signal_answered {",
        "    return 200;",
        "}",
    ];
}

function proxyHeaders(): string[] {
    return [
        "proxy_http_version 1.1;",
        "proxy_set_header Host $host;",
        "proxy_set_header X-Real-IP $remote_addr;",
        "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        "proxy_set_header X-Forwarded-Proto $openzro_forwarded_proto;",
    ];
}

/** Request bodies management's REST API accepts through nginx: openZro's own example site uses 32m (D31). */
export const MANAGEMENT_BODY_LIMIT = "32m";

function managementLocation(path: string, o: ResolvedNginxSiteOptions): string[] {
    return [
        `location ${path} {`,
        ...indent([`proxy_pass http://${o.managementUpstream};`, ...proxyHeaders(), `client_max_body_size ${MANAGEMENT_BODY_LIMIT};`]),
        "}",
    ];
}

/** Headers on every response of server A, errors included. */
const SECURITY_HEADERS = [
    // The browser sees these over HTTPS from the ALB, so HSTS takes effect.
    'add_header Strict-Transport-Security "max-age=63072000" always;',
    'add_header X-Content-Type-Options "nosniff" always;',
    'add_header X-Frame-Options "SAMEORIGIN" always;',
    'add_header Referrer-Policy "strict-origin-when-cross-origin" always;',
];

/**
 * The dashboard's own headers, as openZro's dashboard image sets them (dashboard/docker/default.conf, D32): no
 * caching of the SPA shell and of OidcServiceWorker.js / OidcTrustedDomains.js, so an upgrade or a changed
 * dashboard env reaches browsers on the next load instead of a stale OIDC service worker (axa-fr/oidc-client
 * #1131); the service worker may claim the whole origin.
 */
export const DASHBOARD_HEADERS = [
    'add_header Cache-Control "no-store, no-cache, must-revalidate, proxy-revalidate, max-age=0" always;',
    'add_header Service-Worker-Allowed "/" always;',
];

function grpcLocation(path: string, upstream: string, o: ResolvedNginxSiteOptions): string[] {
    return [
        `location ${path} {`,
        `    if (-f ${o.drainFile}) {`,
        "        return 503;",
        "    }",
        "    error_page 502 503 504 = @openzro_grpc_unavailable;",
        `    grpc_pass grpc://${upstream};`,
        "}",
    ];
}

function indent(lines: readonly string[], depth = 1): string[] {
    return lines.map((l) => (l === "" ? "" : `${"    ".repeat(depth)}${l}`));
}

/**
 * A load balancer that speaks HTTP/2 to backends over TLS (GCP's) keeps backend connections open for up to 600 s,
 * fixed; a backend closing one earlier races the next request into a 502. nginx must keep them longer.
 */
export const TLS_BACKEND_MIN_KEEPALIVE_SECONDS = 620;

/** How server B listens: cleartext HTTP/2 (the ALB) or TLS HTTP/2 with the self-signed certificate (GCP). */
function grpcListenLines(tls: boolean, o: ResolvedNginxSiteOptions): string[] {
    if (!tls) {
        // h2c with prior knowledge: the ALB's gRPC target groups speak HTTP/2 to the target without TLS.
        return [`listen ${o.grpcListen} http2 default_server;`];
    }
    return [
        "# HTTP/2 over TLS (ALPN h2): the load balancer speaks HTTP/2 to backends only over TLS and does not verify the",
        "# certificate, so a self-signed one generated per stack is enough; it only encrypts the hop to this host.",
        `listen ${o.grpcTlsListen} ssl http2 default_server;`,
        `ssl_certificate ${o.grpcTlsCertificate};`,
        `ssl_certificate_key ${o.grpcTlsKey};`,
        "ssl_protocols TLSv1.2 TLSv1.3;",
        "ssl_session_cache shared:openzro_grpc_tls:10m;",
    ];
}

export function renderNginxSite(settings: Settings, topology: RenderTopology, options: NginxSiteOptions = {}): string {
    const o = resolveNginxSiteOptions(settings, options);
    const proxies = proxyCidrsOf(topology);
    const tls = (topology.grpcBackend ?? "h2c") === "tls";
    // Keep idle client connections longer than the ALB's idle timeout, so the ALB never reuses a connection
    // nginx is closing (AWS's guidance for targets); HTTP/2 connections use keepalive_timeout since 1.19.7.
    const keepaliveSeconds = settings.loadBalancer.idleTimeoutSeconds + 60;
    const keepalive = `keepalive_timeout ${tls ? Math.max(keepaliveSeconds, TLS_BACKEND_MIN_KEEPALIVE_SECONDS) : keepaliveSeconds}s;`;
    const signalHealth = tls ? ["", ...signalHealthLocation(o)] : [];

    const httpServer = [
        "server {",
        ...indent([
            `listen ${o.httpListen} default_server;`,
            "server_name _;",
            "server_tokens off;",
            keepalive,
            "",
            ...realIp(proxies),
            "",
            `root ${o.dashboardRoot};`,
            "index index.html;",
            "",
            ...SECURITY_HEADERS,
            "",
            ...healthLocation(o),
            ...signalHealth,
            "",
            "# Management REST shares the gRPC port, 33073 (spec §1.3, D3: the port of older examples has no listener).",
            ...managementLocation("/api/", o),
            "",
            "# SCIM 2.0 provisioning (Okta, Entra ID) is management's too, mounted outside /api (D31).",
            ...managementLocation("/scim/v2/", o),
            ...(settings.dex.enabled
                ? [
                      "",
                      "# Dex serves every route under its issuer path /dex: no URI on proxy_pass, so the prefix is kept (spec §6, D9).",
                      "location /dex/ {",
                      ...indent([`proxy_pass http://${o.dexUpstream};`, ...proxyHeaders()]),
                      "}",
                  ]
                : []),
            "",
            "# Dashboard (static export): deep links fall back to the SPA. add_header in a location replaces the",
            "# server's, so the security headers are repeated with the dashboard's cache headers.",
            "location / {",
            ...indent([...SECURITY_HEADERS, ...DASHBOARD_HEADERS, "try_files $uri $uri.html $uri/ /index.html;"]),
            "}",
        ]),
        "}",
    ];

    const grpcServer = [
        "server {",
        ...indent([
            ...grpcListenLines(tls, o),
            "server_name _;",
            "server_tokens off;",
            keepalive,
            "",
            ...realIp(proxies),
            "",
            "# Peers hold Sync/ConnectStream/Events open for hours: no size cap on a stream's body and long",
            "# timeouts both ways (management pings every 30 s, but nginx does not forward HTTP/2 PINGs).",
            "client_max_body_size 0;",
            `client_body_timeout ${o.streamTimeout};`,
            `grpc_read_timeout ${o.streamTimeout};`,
            `grpc_send_timeout ${o.streamTimeout};`,
            "grpc_socket_keepalive on;",
            "# Management reads the client address from these (ReverseProxy.TrustedPeers includes 127.0.0.1/32).",
            "grpc_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
            "grpc_set_header X-Real-IP $remote_addr;",
            "",
            ...grpcLocation("/management.ManagementService/", o.managementUpstream, o),
            "",
            "# FlowService is served by management, on the same port (spec §1.2).",
            ...grpcLocation("/flow.FlowService/", o.managementUpstream, o),
            "",
            ...grpcLocation("/signalexchange.SignalExchange/", o.signalUpstream, o),
            "",
            ...healthLocation(o),
            ...signalHealth,
            "",
            "# Draining, or the daemon is down: answer as gRPC UNAVAILABLE (14) so clients and the ALB's gRPC",
            "# health checks retry elsewhere instead of reading an HTML error page. A gRPC Trailers-Only response:",
            "# HTTP 200 with content-type application/grpc and grpc-status in one HEADERS frame that ends the stream",
            "# (nginx ends it there because the body is empty). Not 204: grpc-go, which peers use, turns any",
            "# non-200 status into Unknown and ignores grpc-status.",
            "location @openzro_grpc_unavailable {",
            "    default_type application/grpc;",
            "    add_header grpc-status 14 always;",
            '    add_header grpc-message "openzro: host draining or upstream unavailable" always;',
            "    return 200;",
            "}",
            "",
            "location / {",
            "    return 404;",
            "}",
        ]),
        "}",
    ];

    return [
        "# Managed by Pulumi (openzro). Local edits are overwritten on the next `pulumi up`.",
        "",
        "# Clients reach the ALB over HTTPS; keep that scheme for the upstreams, or ours for direct requests.",
        "map $http_x_forwarded_proto $openzro_forwarded_proto {",
        "    default $http_x_forwarded_proto;",
        '    ""      $scheme;',
        "}",
        "",
        ...httpServer,
        "",
        ...grpcServer,
        "",
    ].join("\n");
}
