#!/usr/bin/python3
# STAND-IN for the openZro server binaries, for the converge tests only (the real packages are unreachable
# here). One program installed under the three binary names; argv[0] picks the daemon. Each one checks what
# the real binary checks at startup -- the rules the rendered files must satisfy (spec §1-§4) -- then serves
# what the converge script's local health checks probe:
#   openzro-mgmt   management --config --datadir --port --log-file --log-level [--metrics-port ...]: parses
#                  management.json (Go text/template can't take "{{"; DataStoreEncryptionKey must be base64 of
#                  32 bytes; StoreConfig.Engine postgres needs OPENZRO_STORE_ENGINE_POSTGRES_DSN in env), checks
#                  the embedded-NATS peer URLs use nats://, then answers HTTP 200 on
#                  /scim/v2/ServiceProviderConfig at --port and /metrics at --metrics-port (default 9090).
#   openzro-signal run --port --log-file --log-level [--metrics-port]: accepts TCP on --port, /metrics.
#   openzro-relay  (env only) OZ_EXPOSED_ADDRESS rel(s)://host:port and OZ_AUTH_SECRET required; with
#                  OZ_LETSENCRYPT_DOMAINS it creates <OZ_LETSENCRYPT_DATA_DIR>/letsencrypt like the real relay (under
#                  the packaged unit's ProtectSystem=strict only a StateDirectory= is writable, so any other
#                  directory fails), with OZ_TLS_CERT_FILE/KEY it reads both; a rels:// address without a TLS
#                  source fails; listens on OZ_LISTEN_ADDRESS (below 1024 only with CAP_NET_BIND_SERVICE, as the
#                  kernel enforces) and serves /metrics on OZ_METRICS_PORT (default 9090).
# An unknown flag, a bad log level or a port already taken ends the process with an error, as the real
# daemons do. It does not speak gRPC, run NATS or touch a database. It never prints secret values.
import base64
import binascii
import http.server
import json
import os
import re
import socketserver
import sys
import threading

LOG_LEVELS = {"panic", "fatal", "error", "warn", "warning", "info", "debug", "trace"}


def log(msg):
    sys.stdout.write("%s: %s\n" % (os.path.basename(sys.argv[0]), msg))
    sys.stdout.flush()


def die(msg):
    log("FATAL " + msg)
    sys.exit(1)


def parse_flags(argv, known_values, known_bools):
    flags = {}
    i = 0
    while i < len(argv):
        arg = argv[i]
        if not arg.startswith("--"):
            die("unexpected argument %r" % arg)
        name, eq, value = arg[2:].partition("=")
        if name in known_bools:
            flags[name] = value if eq else "true"
        elif name in known_values:
            if not eq:
                if i + 1 >= len(argv):
                    die("flag needs an argument: --%s" % name)
                i += 1
                value = argv[i]
            flags[name] = value
        else:
            die("unknown flag: --%s" % name)
        i += 1
    return flags


def check_log_level(value, source):
    if value is None:
        return
    if value.lower() not in LOG_LEVELS:
        die('failed parsing log-level %r from %s: not a valid logrus Level' % (value, source))


def check_cluster_peers(env):
    if env.get("OPENZRO_BROKER") != "embedded":
        return
    for peer in filter(None, (p.strip() for p in env.get("OPENZRO_CLUSTER_PEERS", "").split(","))):
        if not re.fullmatch(r"nats://[^/\s:@]+:\d+", peer):
            die("embedded nats: cluster peer %r must use nats:// scheme with host:port" % peer)


class Health(http.server.BaseHTTPRequestHandler):
    paths = {}

    def do_GET(self):
        status = self.paths.get(self.path.split("?")[0], 404)
        body = b"ok\n" if status == 200 else b"not found\n"
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_):
        pass


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def serve_http(port, paths, what):
    handler = type("H", (Health,), {"paths": paths})
    try:
        srv = Server(("0.0.0.0", port), handler)
    except OSError as e:
        die("%s: listen tcp :%d: %s" % (what, port, e.strerror))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    log("%s listening on :%d" % (what, port))
    return srv


def port_of(value, what):
    if not re.fullmatch(r"\d{1,5}", str(value)) or not 0 < int(value) < 65536:
        die("%s: invalid port %r" % (what, value))
    return int(value)


def management(argv):
    if not argv or argv[0] != "management":
        die("usage: openzro-mgmt management [flags]")
    flags = parse_flags(
        argv[1:],
        {"config", "datadir", "port", "log-file", "log-level", "metrics-port", "dns-domain", "letsencrypt-domain",
         "cert-file", "cert-key", "single-account-mode-domain", "maxmind-license-key"},
        {"disable-anonymous-metrics", "disable-geolite-update", "disable-single-account-mode",
         "idp-sign-key-refresh-enabled", "user-delete-from-idp"},
    )
    check_log_level(flags.get("log-level"), "--log-level")
    config_path = flags.get("config", "/etc/openzro/management.json")
    try:
        with open(config_path) as f:
            text = f.read()
    except OSError as e:
        die("failed reading %s: %s" % (config_path, e.strerror))
    if "{{" in text:
        die("%s: template: unexpected \"{{\" (the file is a Go text/template)" % config_path)
    try:
        config = json.loads(text)
    except ValueError as e:
        die("failed parsing %s: %s" % (config_path, e))
    key = config.get("DataStoreEncryptionKey") or ""
    try:
        if len(base64.b64decode(key, validate=True)) != 32:
            die("DataStoreEncryptionKey: key must be 32 bytes")
    except (binascii.Error, ValueError):
        die("DataStoreEncryptionKey: illegal base64 data")
    engine = ((config.get("StoreConfig") or {}).get("Engine") or os.environ.get("OPENZRO_STORE_ENGINE") or "sqlite").lower()
    if engine == "postgres" and not os.environ.get("OPENZRO_STORE_ENGINE_POSTGRES_DSN"):
        die("failed creating store: postgres: OPENZRO_STORE_ENGINE_POSTGRES_DSN is not set")
    datadir = flags.get("datadir", "/var/lib/openzro/")
    if not os.access(datadir, os.W_OK):
        die("datadir %s is not writable" % datadir)
    check_cluster_peers(os.environ)
    port = port_of(flags.get("port", "80"), "--port")
    serve_http(port_of(flags.get("metrics-port", "9090"), "--metrics-port"), {"/metrics": 200}, "metrics")
    serve_http(port, {"/scim/v2/ServiceProviderConfig": 200}, "management (REST+gRPC stand-in)")


def signal_(argv):
    if not argv or argv[0] != "run":
        die("usage: openzro-signal run [flags]")
    flags = parse_flags(argv[1:], {"port", "log-file", "log-level", "metrics-port", "ssl-dir", "letsencrypt-domain",
                                   "cert-file", "cert-key"}, set())
    check_log_level(flags.get("log-level"), "--log-level")
    check_cluster_peers(os.environ)
    port = port_of(flags.get("port", os.environ.get("OZ_PORT", "10000")), "--port")
    serve_http(port_of(flags.get("metrics-port", "9090"), "--metrics-port"), {"/metrics": 200}, "metrics")
    serve_http(port, {}, "signal (gRPC stand-in)")


def writable_under_protect_system_strict(path, env):
    """ProtectSystem=strict mounts everything read-only except the unit's StateDirectory= (and /dev, /proc, /sys,
    the private /tmp). systemd tells the process its state directories in $STATE_DIRECTORY."""
    allowed = [p for p in env.get("STATE_DIRECTORY", "").split(":") if p]
    real = os.path.realpath(path)
    return any(real == a or real.startswith(a.rstrip("/") + "/") for a in allowed)


def relay_tls(env):
    """handleTLSConfig (relay/cmd/root.go): route53, then autocert, then files. Returns the source or None."""
    domains = env.get("OZ_LETSENCRYPT_DOMAINS", "")
    data_dir = env.get("OZ_LETSENCRYPT_DATA_DIR", "")
    if env.get("OZ_LETSENCRYPT_AWS_ROUTE53") == "true" or (domains and data_dir):
        if not data_dir:
            die("failed to setup TLS config: mkdir certificates: read-only file system")
        target = os.path.join(data_dir, "letsencrypt")
        if not writable_under_protect_system_strict(data_dir, env):
            die("failed to setup TLS config: mkdir %s: read-only file system" % target)
        try:
            os.makedirs(target, 0o755, exist_ok=True)
        except OSError as e:
            die("failed to setup TLS config: mkdir %s: %s" % (target, e.strerror))
        return "letsencrypt"
    cert, key = env.get("OZ_TLS_CERT_FILE", ""), env.get("OZ_TLS_KEY_FILE", "")
    if cert and key:
        for path in (cert, key):
            try:
                open(path).close()
            except OSError as e:
                die("failed to setup TLS config: open %s: %s" % (path, e.strerror))
        return "files"
    return None


def relay(argv):
    if argv:
        die("unexpected arguments %r (the relay is configured through OZ_* env)" % argv)
    env = os.environ
    check_log_level(env.get("OZ_LOG_LEVEL"), "OZ_LOG_LEVEL")
    exposed = env.get("OZ_EXPOSED_ADDRESS", "")
    if not exposed:
        die("exposed address is required")
    if not re.fullmatch(r"(rels?://)?[A-Za-z0-9.-]+:\d+", exposed):
        die("invalid exposed address %r: want rel://host:port or rels://host:port" % exposed)
    if not env.get("OZ_AUTH_SECRET"):
        die("auth secret is required")
    tls = relay_tls(env)
    if exposed.startswith("rels://") and not tls:
        die("exposed address %s is rels:// but no TLS source is configured" % exposed)
    listen = env.get("OZ_LISTEN_ADDRESS", ":443")
    port = port_of(listen.rsplit(":", 1)[-1], "OZ_LISTEN_ADDRESS")
    serve_http(port_of(env.get("OZ_METRICS_PORT", "9090"), "OZ_METRICS_PORT"), {"/metrics": 200}, "metrics")
    serve_http(port, {}, "relay (WebSocket stand-in) exposed as %s" % exposed)


def main():
    name = os.path.basename(sys.argv[0])
    daemons = {"openzro-mgmt": management, "openzro-signal": signal_, "openzro-relay": relay}
    if name not in daemons:
        die("installed under an unknown name %r" % name)
    daemons[name](sys.argv[1:])
    threading.Event().wait()


if __name__ == "__main__":
    main()
