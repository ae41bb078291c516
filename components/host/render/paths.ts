// Where every rendered file lives on a host. One place, so renderers, the converge script payload and the
// offline plan agree (the converge script also keys actions on some of these paths, e.g. re-running the
// dashboard's render-env.sh when DASHBOARD_ENV_PATH changes).
import { OsFamily } from "../../config/types";

/** The units the openZro packages install (spec §5). */
export type OpenzroUnit = "openzro-management" | "openzro-signal" | "openzro-relay";

/** The managed PostgreSQL's server CA (certificates only, not secret); management's DSNs name it as sslrootcert. */
export const POSTGRES_CA_PATH = "/etc/openzro/postgres-ca.pem";

/** management --config (the packaged unit's value). */
export const MANAGEMENT_JSON_PATH = "/etc/openzro/management.json";
/** render-env.sh's default ENV_FILE (spec §5). The converge script re-runs render-env.sh when it changes. */
export const DASHBOARD_ENV_PATH = "/etc/openzro-dashboard.env";
/** render-env.sh's default DASHBOARD_ROOT: the static dashboard nginx serves. */
export const DASHBOARD_ROOT = "/usr/share/openzro-dashboard";
/**
 * conf.d rather than sites-available: both Debian/Ubuntu and RHEL nginx.conf include conf.d/*.conf inside
 * http {}, so no symlink step is needed on either family. The converge script removes the distribution's
 * default site so our `default_server` is the only one.
 */
export const NGINX_SITE_PATH = "/etc/nginx/conf.d/openzro.conf";
/**
 * nginx's self-signed certificate and key for the TLS gRPC listener (LoadBalancerFacts.grpcBackend "tls"). nginx's
 * master process reads both as root before it starts workers, so the key stays root-only (0600).
 */
export const NGINX_GRPC_TLS_CERT_PATH = "/etc/nginx/openzro-grpc-backend.crt";
export const NGINX_GRPC_TLS_KEY_PATH = "/etc/nginx/openzro-grpc-backend.key";
/** The Debian nats-server package's unit runs `nats-server -c /etc/nats-server.conf` as user nats. */
export const NATS_SERVER_CONF_PATH = "/etc/nats-server.conf";
/** JetStream store of the standalone nats-server; the converge script creates /var/lib/nats owned by nats. */
export const NATS_JETSTREAM_DIR = "/var/lib/nats/jetstream";
/** The Debian redis-server unit runs `redis-server /etc/redis/redis.conf` (same path on RHEL 9). */
export const REDIS_CONF_PATH = "/etc/redis/redis.conf";
/** Writable for redis-server under the packaged unit's ProtectSystem=strict. */
export const REDIS_DATA_DIR = "/var/lib/redis";
/**
 * coturn's config: the Debian/Ubuntu unit runs `turnserver -c /etc/turnserver.conf` as user turnserver (verified
 * in coturn_4.6.1-1); the RHEL (EPEL) package keeps it under /etc/coturn.
 */
export function stunServerConfPath(osFamily: OsFamily): string {
    return osFamily === "rhel" ? "/etc/coturn/turnserver.conf" : "/etc/turnserver.conf";
}
/** Management's JetStream store: inside the unit's ReadWritePaths (/var/lib/openzro/management). */
export const MANAGEMENT_JETSTREAM_DIR = "/var/lib/openzro/management/jetstream";

/**
 * The env file a unit reads on this OS family: the packages install it to /etc/default on deb and
 * /etc/sysconfig on rpm (spec §5, D14). The drop-ins point every unit at this path explicitly.
 */
export function envFilePath(osFamily: OsFamily, unit: OpenzroUnit): string {
    switch (osFamily) {
        case "debian":
            return `/etc/default/${unit}`;
        case "rhel":
            return `/etc/sysconfig/${unit}`;
    }
}

/** Our drop-in for a packaged unit; `systemctl daemon-reload` picks it up. */
export function dropInPath(unit: OpenzroUnit): string {
    return `/etc/systemd/system/${unit}.service.d/openzro.conf`;
}
