// The nginx site's parameters (what the integration tests override) and its behaviour-bearing directives.
import { renderNginxSite } from "../../components/host/render";
import { NginxNode, directives, parseNginx, settingsFor, topologyFor } from "./render-fixtures";

const settings = settingsFor({ dex: { enabled: true, port: 5556 } });
const topology = topologyFor(settings);

function servers(text: string): { http: NginxNode; grpc: NginxNode } {
    const all = directives(parseNginx(text), "server");
    const isGrpc = (s: NginxNode) => directives(s.children, "listen").some((l) => l.args.includes("http2"));
    return { http: all.find((s) => !isGrpc(s)) as NginxNode, grpc: all.find(isGrpc) as NginxNode };
}

function location(server: NginxNode, ...args: string[]): NginxNode {
    const found = directives(server.children, "location").filter((l) => l.args.join(" ") === args.join(" "));
    if (found.length !== 1) throw new Error(`expected one location ${args.join(" ")}, found ${found.length}`);
    return found[0];
}

const arg0 = (node: NginxNode | undefined, name: string) => directives(node?.children, name).map((d) => d.args.join(" "));

describe("renderNginxSite parameters (defaults = production)", () => {
    test("defaults: listen 80 / 8080, dashboard root, drain file, loopback upstreams, one-day streams", () => {
        const { http, grpc } = servers(renderNginxSite(settings, topology));
        expect(arg0(http, "listen")).toEqual(["80 default_server"]);
        expect(arg0(grpc, "listen")).toEqual(["8080 http2 default_server"]);
        expect(arg0(http, "root")).toEqual(["/usr/share/openzro-dashboard"]);
        expect(arg0(grpc, "grpc_read_timeout")).toEqual(["1d"]);
        const ifs = directives(location(http, "=", "/healthz").children, "if");
        expect(ifs.map((i) => i.args.join(" "))).toEqual(["(-f /var/lib/openzro/drain)"]);
    });

    test("every address, port, root and timeout can be pointed elsewhere without editing text", () => {
        const { http, grpc } = servers(
            renderNginxSite(settings, topology, {
                httpListen: "127.0.0.11:18080",
                grpcListen: "127.0.0.11:18081",
                dashboardRoot: "/tmp/it/dash",
                drainFile: "/tmp/it/drain",
                managementUpstream: "127.0.0.21:33073",
                signalUpstream: "127.0.0.22:10000",
                dexUpstream: "127.0.0.23:5556",
                streamTimeout: "90s",
            }),
        );
        expect(arg0(http, "listen")).toEqual(["127.0.0.11:18080 default_server"]);
        expect(arg0(grpc, "listen")).toEqual(["127.0.0.11:18081 http2 default_server"]);
        expect(arg0(http, "root")).toEqual(["/tmp/it/dash"]);
        expect(arg0(location(http, "/api/"), "proxy_pass")).toEqual(["http://127.0.0.21:33073"]);
        expect(arg0(location(http, "/dex/"), "proxy_pass")).toEqual(["http://127.0.0.23:5556"]);
        expect(arg0(location(http, "=", "/healthz"), "proxy_pass")).toEqual(["http://127.0.0.21:33073/scim/v2/ServiceProviderConfig"]);
        expect(arg0(location(grpc, "/management.ManagementService/"), "grpc_pass")).toEqual(["grpc://127.0.0.21:33073"]);
        expect(arg0(location(grpc, "/signalexchange.SignalExchange/"), "grpc_pass")).toEqual(["grpc://127.0.0.22:10000"]);
        for (const t of ["grpc_read_timeout", "grpc_send_timeout", "client_body_timeout"]) expect(arg0(grpc, t)).toEqual(["90s"]);
        for (const server of [http, grpc]) {
            for (const loc of directives(server.children, "location")) {
                for (const cond of directives(loc.children, "if")) expect(cond.args).toEqual(["(-f", "/tmp/it/drain)"]);
            }
        }
    });

    test.each([
        ["httpListen", "80; include /etc/passwd"],
        ["dashboardRoot", "/srv/x }"],
        ["managementUpstream", "127.0.0.1:33073 backup"],
        ["streamTimeout", "1d\n"],
    ])("a %s that could inject a directive is refused", (key, value) => {
        expect(() => renderNginxSite(settings, topology, { [key]: value })).toThrow(new RegExp(`^nginx ${key}: not a plain address`));
    });
});

describe("nginx site behaviour", () => {
    const { http, grpc } = servers(renderNginxSite(settings, topology));

    test("every gRPC location answers gRPC UNAVAILABLE while draining and when its daemon is down", () => {
        const grpcLocations = directives(grpc.children, "location").filter((l) => directives(l.children, "grpc_pass").length > 0);
        expect(grpcLocations).toHaveLength(3);
        for (const loc of grpcLocations) {
            const drain = directives(loc.children, "if");
            expect(drain.map((i) => arg0(i, "return"))).toEqual([["503"]]);
            expect(arg0(loc, "error_page")).toEqual(["502 503 504 = @openzro_grpc_unavailable"]);
        }
        const unavailable = location(grpc, "@openzro_grpc_unavailable");
        expect(arg0(unavailable, "default_type")).toEqual(["application/grpc"]);
        expect(arg0(unavailable, "add_header")).toContain("grpc-status 14 always");
        // gRPC needs HTTP 200 (grpc-go maps any other status to Unknown); the empty body makes nginx end the
        // stream on the HEADERS frame, i.e. a Trailers-Only response carrying grpc-status.
        expect(arg0(unavailable, "return")).toEqual(["200"]);
    });

    test("health: 503 while draining, management's unauthenticated SCIM config otherwise, 503 when it is down", () => {
        for (const server of [http, grpc]) {
            const health = location(server, "=", "/healthz");
            expect(directives(health.children, "if").map((i) => arg0(i, "return"))).toEqual([["503"]]);
            expect(arg0(health, "proxy_pass")[0]).toMatch(/\/scim\/v2\/ServiceProviderConfig$/);
            expect(arg0(health, "error_page")).toEqual(["502 504 =503 @openzro_unhealthy"]);
            expect(arg0(location(server, "@openzro_unhealthy"), "return")).toEqual(["503"]);
        }
    });

    test("the dashboard falls back to the SPA and /api forwards the client address and scheme", () => {
        expect(arg0(location(http, "/"), "try_files")).toEqual(["$uri $uri.html $uri/ /index.html"]);
        const headers = arg0(location(http, "/api/"), "proxy_set_header");
        expect(headers).toEqual(expect.arrayContaining(["X-Real-IP $remote_addr", "X-Forwarded-For $proxy_add_x_forwarded_for", "X-Forwarded-Proto $openzro_forwarded_proto"]));
        expect(arg0(grpc, "grpc_set_header")).toEqual(["X-Forwarded-For $proxy_add_x_forwarded_for", "X-Real-IP $remote_addr"]);
        expect(arg0(http, "real_ip_header")).toEqual(["X-Forwarded-For"]);
    });

    test("security headers on every dashboard/API response, errors included", () => {
        const headers = arg0(http, "add_header");
        expect(headers).toEqual(
            expect.arrayContaining([
                // (the parser drops the quotes around each value)
                expect.stringMatching(/^Strict-Transport-Security max-age=\d+ always$/),
                "X-Content-Type-Options nosniff always",
                "X-Frame-Options SAMEORIGIN always",
                expect.stringMatching(/^Referrer-Policy \S+ always$/),
            ]),
        );
        // A location with its own add_header silently drops the server's: only the dashboard has its own, and it
        // repeats every server header.
        for (const loc of directives(http.children, "location")) {
            const own = arg0(loc, "add_header");
            if (loc.args.join(" ") === "/") expect(own).toEqual(expect.arrayContaining(headers));
            else expect([loc.args.join(" "), own]).toEqual([loc.args.join(" "), []]);
        }
    });

    test("the dashboard is never cached and its OIDC service worker may claim the origin, as openZro's dashboard image does", () => {
        const own = arg0(location(http, "/"), "add_header");
        // (quotes dropped by the parser) Values as in openZro's dashboard/docker/default.conf.
        expect(own).toEqual(
            expect.arrayContaining(["Cache-Control no-store, no-cache, must-revalidate, proxy-revalidate, max-age=0 always", "Service-Worker-Allowed / always"]),
        );
        // Not on the API: management's responses keep their own caching headers.
        expect(arg0(http, "add_header").some((h) => h.startsWith("Cache-Control"))).toBe(false);
    });

    test("SCIM 2.0 (/scim/v2/, outside /api) goes to management like /api/, with the same headers and body limit", () => {
        const api = location(http, "/api/");
        const scim = location(http, "/scim/v2/");
        expect(arg0(scim, "proxy_pass")).toEqual(["http://127.0.0.1:33073"]);
        // No URI part on proxy_pass: management sees /scim/v2/... unchanged (it mounts SCIM at the root router).
        for (const name of ["proxy_pass", "proxy_set_header", "proxy_http_version", "client_max_body_size"]) {
            expect([name, arg0(scim, name)]).toEqual([name, arg0(api, name)]);
        }
        expect(directives(grpc.children, "location").some((l) => l.args.join(" ").includes("scim/v2/Users"))).toBe(false);
    });

    test("management's REST API takes request bodies up to openZro's 32m, not nginx's 1m default", () => {
        expect(arg0(location(http, "/api/"), "client_max_body_size")).toEqual(["32m"]);
        // The dashboard and Dex keep nginx's default.
        expect(arg0(location(http, "/"), "client_max_body_size")).toEqual([]);
        expect(arg0(http, "client_max_body_size")).toEqual([]);
    });

    test("idle connections outlive the load balancer's idle timeout, so it never reuses one nginx is closing", () => {
        const seconds = (s: string) => Number(/^(\d+)s$/.exec(s)?.[1]);
        for (const server of [http, grpc]) {
            expect(seconds(arg0(server, "keepalive_timeout")[0])).toBeGreaterThan(settings.loadBalancer.idleTimeoutSeconds);
        }
        expect(arg0(grpc, "client_max_body_size")).toEqual(["0"]);
    });
});

describe('grpcBackend "tls" (a load balancer that speaks HTTP/2 to backends only over TLS, e.g. GCP)', () => {
    const CERT = "-----BEGIN CERTIFICATE-----\nMIIBfakecertificatebody\n-----END CERTIFICATE-----\n";
    const tlsTopology = { ...topology, grpcBackend: "tls" as const, nginxGrpcTlsCertificate: CERT };
    const h2c = servers(renderNginxSite(settings, topology));
    const tls = servers(renderNginxSite(settings, tlsTopology));

    test("the gRPC server listens with TLS and HTTP/2 on 8443 instead of h2c on 8080, with the per-stack certificate", () => {
        expect(arg0(tls.grpc, "listen")).toEqual(["8443 ssl http2 default_server"]);
        expect(arg0(tls.grpc, "ssl_certificate")).toEqual(["/etc/nginx/openzro-grpc-backend.crt"]);
        expect(arg0(tls.grpc, "ssl_certificate_key")).toEqual(["/etc/nginx/openzro-grpc-backend.key"]);
        expect(arg0(tls.grpc, "ssl_protocols")).toEqual(["TLSv1.2 TLSv1.3"]);
        // No cleartext gRPC listener is left for anything to reach by mistake; HTTP/1.1 stays on 80, without TLS.
        const listens = directives(parseNginx(renderNginxSite(settings, tlsTopology)), "server").flatMap((s) => arg0(s, "listen"));
        expect(listens).toEqual(["80 default_server", "8443 ssl http2 default_server"]);
    });

    test("the gRPC locations, their drain switch and the UNAVAILABLE answer are the same as on the h2c server", () => {
        const grpcLocations = (s: NginxNode) =>
            directives(s.children, "location")
                .filter((l) => directives(l.children, "grpc_pass").length > 0 && !l.args.includes("/healthz/signal"))
                .map((l) => JSON.stringify(l));
        expect(grpcLocations(tls.grpc)).toEqual(grpcLocations(h2c.grpc));
        expect(grpcLocations(tls.grpc)).toHaveLength(3);
        expect(JSON.stringify(location(tls.grpc, "@openzro_grpc_unavailable"))).toEqual(JSON.stringify(location(h2c.grpc, "@openzro_grpc_unavailable")));
        for (const t of ["grpc_read_timeout", "grpc_send_timeout", "client_body_timeout", "client_max_body_size"]) expect(arg0(tls.grpc, t)).toEqual(arg0(h2c.grpc, t));
    });

    test("both servers answer /healthz and /healthz/signal (the TLS port is where HTTP/2 health checks land)", () => {
        for (const server of [tls.http, tls.grpc]) {
            expect(JSON.stringify(location(server, "=", "/healthz"))).toEqual(JSON.stringify(location(h2c.http, "=", "/healthz")));
            const signal = location(server, "=", "/healthz/signal");
            // Drained: 503 before anything is asked of signal.
            expect(directives(signal.children, "if").map((i) => [i.args.join(" "), arg0(i, "return")])).toEqual([["(-f /var/lib/openzro/drain)", ["503"]]]);
            // Signal itself is asked, on its own gRPC port, as a gRPC request.
            expect(arg0(signal, "grpc_pass")).toEqual(["grpc://127.0.0.1:10000"]);
            expect(arg0(signal, "rewrite")).toEqual(["^ /signalexchange.SignalExchange/Healthz break"]);
            expect(arg0(signal, "grpc_set_header")).toContain("Content-Type application/grpc");
            // Unreachable or silent: 503. grpc-go's answer to the checker's GET (405 before any handler): alive.
            expect(arg0(signal, "error_page")).toEqual(["405 = @openzro_signal_answered", "502 504 =503 @openzro_unhealthy"]);
            expect(arg0(signal, "grpc_intercept_errors")).toEqual(["on"]);
            expect(arg0(location(server, "@openzro_signal_answered"), "return")).toEqual(["200"]);
            expect(arg0(location(server, "@openzro_unhealthy"), "return")).toEqual(["503"]);
        }
    });

    test("idle backend connections outlive the 600 s the TLS load balancer keeps them (GCP), on both servers", () => {
        const seconds = (s: string) => Number(/^(\d+)s$/.exec(s)?.[1]);
        for (const server of [tls.http, tls.grpc]) expect(seconds(arg0(server, "keepalive_timeout")[0])).toBeGreaterThan(600);
        const longIdle = settingsFor({ loadBalancer: { ...settings.loadBalancer, idleTimeoutSeconds: 3600 } });
        expect(arg0(servers(renderNginxSite(longIdle, tlsTopology)).grpc, "keepalive_timeout")).toEqual(["3660s"]);
    });

    test("the h2c rendering (the ALB) has none of it", () => {
        const text = renderNginxSite(settings, topology);
        expect(text).toBe(renderNginxSite(settings, { ...topology, grpcBackend: "h2c" }));
        expect(text).not.toMatch(/ssl|8443|healthz\/signal/);
    });

    test("the TLS listen address and file paths are parameters and refuse injected directives", () => {
        const o = { grpcTlsListen: "127.0.0.11:18443", grpcTlsCertificate: "/tmp/it/c.pem", grpcTlsKey: "/tmp/it/k.pem" };
        const { grpc } = servers(renderNginxSite(settings, tlsTopology, o));
        expect(arg0(grpc, "listen")).toEqual(["127.0.0.11:18443 ssl http2 default_server"]);
        expect([...arg0(grpc, "ssl_certificate"), ...arg0(grpc, "ssl_certificate_key")]).toEqual(["/tmp/it/c.pem", "/tmp/it/k.pem"]);
        expect(() => renderNginxSite(settings, tlsTopology, { grpcTlsKey: "/k.pem; ssl_verify_client off" })).toThrow(/^nginx grpcTlsKey: not a plain address/);
    });
});
