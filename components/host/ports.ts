// Every port a host uses, in one place. Management, signal and relay all default their metrics server to
// :9090 (spec §3, D13), so each daemon on a controller gets its own.
export const MANAGEMENT_PORT = 33073; // REST + gRPC (packaged unit); nothing listens on 33071 (spec §1.3, D2/D3)
export const MANAGEMENT_METRICS_PORT = 9091;
export const SIGNAL_PORT = 10000;
export const SIGNAL_METRICS_PORT = 9092;
export const RELAY_METRICS_PORT = 9090; // relays run alone on their host
/** coturn in stun-only mode on every relay host, UDP only (peers' ICE agents use UDP, audit §1.4). */
export const STUN_PORT = 3478;
/** Let's Encrypt's TLS-ALPN-01 validation always connects to TCP 443 (RFC 8737 §3). */
export const ACME_TLS_ALPN_PORT = 443;
/** nginx, HTTP/1.1: dashboard, /api, /dex/, health. The load balancer's HTTP target group. */
export const NGINX_HTTP_PORT = 80;
/** nginx, cleartext HTTP/2 (h2c): gRPC to management, flow and signal. The load balancer's gRPC target groups. */
export const NGINX_GRPC_PORT = 8080;
/**
 * nginx, HTTP/2 over TLS with a self-signed certificate: gRPC for load balancers that speak HTTP/2 to backends
 * only over TLS and do not verify the certificate (GCP's global external Application Load Balancer).
 */
export const NGINX_GRPC_TLS_PORT = 8443;
/** Health and drain switch, served by nginx on both ports. */
export const HEALTH_PATH = "/healthz";
/**
 * Signal's health on nginx, for load balancers that cannot run a gRPC health check (GCP): 200 while signal
 * accepts connections locally, 503 while drained. Management's is HEALTH_PATH itself.
 */
export const SIGNAL_HEALTH_PATH = "/healthz/signal";
/** Drain flag: while it exists, nginx health answers 503 (HTTP) / UNAVAILABLE (gRPC). */
export const DRAIN_FILE = "/var/lib/openzro/drain";
/** Management's embedded NATS client listener (loopback only, spec §2.4). */
export const EMBEDDED_NATS_CLIENT_PORT = 4222;
/** Signal's own embedded NATS client listener (must differ from management's on the same host). */
export const SIGNAL_NATS_CLIENT_PORT = 4223;
/** Standalone nats-server client port (coordinator "nats"). */
export const NATS_CLIENT_PORT = 4222;
export const REDIS_PORT = 6379;
export const POSTGRES_PORT = 5432;
