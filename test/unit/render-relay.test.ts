// What a relay host runs with per relayTls: the relay's env (openZro relay/cmd/root.go handleTLSConfig reads
// route53 first, then autocert, then files) and coturn's STUN-only configuration.
import { renderStunServerConf, relayEnvEntries } from "../../components/host/render";
import { RenderSecrets } from "../../components/host/files";
import { SECRETS, settingsFor } from "./render-fixtures";

const envOf = (patch: Parameters<typeof settingsFor>[0], index = 1, secrets: RenderSecrets = SECRETS) =>
    Object.fromEntries(relayEnvEntries(settingsFor(patch), index, secrets));

describe("relay env per relayTls", () => {
    const common = {
        OZ_LISTEN_ADDRESS: ":443",
        OZ_EXPOSED_ADDRESS: "rels://relay-eu-west.openzro.example.com:443",
        OZ_AUTH_SECRET: SECRETS.relayAuthSecret,
        OZ_LOG_LEVEL: "info",
        OZ_METRICS_PORT: "9090",
    };

    test("letsencrypt: autocert for the relay's own name, cached in the unit's state directory; no email (ignored there)", () => {
        expect(envOf({ relay: { tls: "letsencrypt", port: 443 } })).toEqual({
            ...common,
            OZ_LETSENCRYPT_DOMAINS: "relay-eu-west.openzro.example.com",
            OZ_LETSENCRYPT_DATA_DIR: "/var/lib/openzro-relay",
        });
    });

    test("route53: DNS-01 through the instance role, the account contact, and the relay's region for the AWS SDK", () => {
        expect(envOf({ relay: { tls: "route53", port: 443, acmeEmail: "ops@example.com" } })).toEqual({
            ...common,
            OZ_LETSENCRYPT_AWS_ROUTE53: "true",
            OZ_LETSENCRYPT_DOMAINS: "relay-eu-west.openzro.example.com",
            OZ_LETSENCRYPT_DATA_DIR: "/var/lib/openzro-relay",
            OZ_LETSENCRYPT_EMAIL: "ops@example.com",
            AWS_REGION: "eu-west-1",
        });
        expect(envOf({ relay: { tls: "route53", port: 443 } })).not.toHaveProperty("OZ_LETSENCRYPT_EMAIL");
    });

    test("files: the configured paths, no Let's Encrypt", () => {
        expect(envOf({ relay: { tls: "files", port: 8443, certFile: "/etc/openzro-relay/tls/fullchain.pem", keyFile: "/etc/openzro-relay/tls/privkey.pem" } })).toEqual({
            ...common,
            OZ_LISTEN_ADDRESS: ":8443",
            OZ_EXPOSED_ADDRESS: "rels://relay-eu-west.openzro.example.com:8443",
            OZ_TLS_CERT_FILE: "/etc/openzro-relay/tls/fullchain.pem",
            OZ_TLS_KEY_FILE: "/etc/openzro-relay/tls/privkey.pem",
        });
    });

    test("none: rel:// and no TLS source at all (a leftover one would make the relay serve TLS behind a rel:// URL)", () => {
        const env = envOf({ relay: { tls: "none", port: 33080 } });
        expect(env).toEqual({ ...common, OZ_LISTEN_ADDRESS: ":33080", OZ_EXPOSED_ADDRESS: "rel://relay-eu-west.openzro.example.com:33080" });
    });
});

describe("coturn (STUN only)", () => {
    const directives = (conf: string) => conf.split("\n").filter((l) => l && !l.startsWith("#"));

    test("STUN on UDP 3478 on every IPv4 address; TURN, TCP, TLS, DTLS and the CLI off", () => {
        const d = directives(renderStunServerConf());
        expect(d).toEqual(expect.arrayContaining(["listening-port=3478", "stun-only", "no-tcp", "no-tls", "no-dtls", "no-cli"]));
        // Explicit wildcard: coturn's address discovery exits when it finds only loopback (early boot).
        expect(d.filter((l) => l.startsWith("listening-ip="))).toEqual(["listening-ip=0.0.0.0"]);
        // Nothing TURN needs: no credentials, no realm, no relay port range.
        expect(d.filter((l) => /^(lt-cred-mech|use-auth-secret|static-auth-secret|user=|realm=|min-port|max-port|relay-ip)/.test(l))).toEqual([]);
    });

    test("takes a test address and port, the way the nginx renderer takes listen addresses", () => {
        const d = directives(renderStunServerConf({ listenAddress: "127.0.47.11", port: 33478 }));
        expect(d).toEqual(expect.arrayContaining(["listening-port=33478", "listening-ip=127.0.47.11"]));
        expect(d.filter((l) => l.startsWith("listening-ip="))).toHaveLength(1);
        expect(() => renderStunServerConf({ listenAddress: "0.0.0.0; rm" })).toThrow(/stun listenAddress: not an IPv4 address/);
        expect(() => renderStunServerConf({ port: 70000 })).toThrow(/stun port: not a port/);
    });
});
