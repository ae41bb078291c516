// Fixtures and small parsers for the renderer tests (test/unit/render*.test.ts). Values are chosen to be
// awkward: a database password with every character that breaks naive quoting, distinct secrets per kind.
import * as pulumi from "@pulumi/pulumi";
import type { RawConfig } from "../../components/config/load";
import { Settings } from "../../components/config/types";
import { RenderSecrets, RenderTopology } from "../../components/host/files";

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends object ? Mutable<T[K]> : T[K] };
export type SettingsPatch = { [K in keyof Settings]?: Settings[K] extends readonly unknown[] ? Settings[K] : Settings[K] extends object ? Partial<Settings[K]> : Settings[K] };

const CONTROLLER_IPS = ["10.40.128.10", "10.40.144.10", "10.40.160.10", "10.40.128.11", "10.40.144.11"];

export function settingsFor(patch: SettingsPatch = {}): Settings {
    const base: Mutable<Settings> = {
        cloud: "aws",
        domain: "openzro.example.com",
        dnsZone: "example.com",
        size: "medium",
        openzroVersion: "0.53.1",
        logLevel: "info",
        region: "us-east-1",
        tags: {},
        protectResources: true,
        allowUnpromotedDeploy: false,
        secretsBackup: false,
        network: { vpcCidr: "10.40.0.0/16", azCount: 3, natGateways: "perAz", relayVpcCidr: "10.64.0.0/12" },
        controllers: { count: 3, instanceType: "c7i.xlarge", rootVolumeGb: 100 },
        relay: { port: 443, tls: "letsencrypt", rootVolumeGb: 40, credentialsTtl: "24h" },
        relays: [
            { name: "us-east", region: "us-east-1", instanceType: "c7i.large" },
            { name: "eu-west", region: "eu-west-1", instanceType: "c7i.large" },
            { name: "ap-south", region: "ap-south-1", instanceType: "c7i.large" },
        ],
        bastion: { instanceType: "t3.micro" },
        ssh: { user: "ubuntu", allowedCidrs: ["203.0.113.0/24"] },
        database: {
            engineVersion: "16",
            allowMajorVersionUpgrade: false,
            applyImmediately: false,
            instanceClass: "db.m7g.xlarge",
            allocatedStorageGb: 100,
            maxAllocatedStorageGb: 400,
            multiAz: true,
            backupRetentionDays: 14,
            deletionProtection: true,
            skipFinalSnapshot: false,
            performanceInsights: false,
            username: "openzro_admin",
            maxConnections: 1351,
        },
        loadBalancer: {
            idleTimeoutSeconds: 3600,
            deregistrationDelaySeconds: 30,
            healthCheckIntervalSeconds: 10,
            healthyThreshold: 2,
            unhealthyThreshold: 2,
            sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
            staticIngress: false,
        },
        oidc: {
            issuer: "https://idp.example.com",
            clientId: "openzro-dashboard",
            audience: "openzro-dashboard",
            scopes: "openid profile email offline_access",
            userIdClaim: "sub",
            idpManagerType: "none",
            deviceAuthFlow: true,
        },
        dex: { enabled: false, port: 5556, grpcPort: 5557 },
        cluster: { coordinator: "embedded", peerPort: 6222, signalPeerPort: 6223 },
        management: {
            dnsDomain: "openzro.selfhosted",
            anonymousMetrics: false,
            geoliteUpdate: true,
            disableDefaultPolicy: false,
            flowStore: true,
            flowRetention: "720h",
            dbPoolSize: 25,
        },
        stuns: [{ proto: "udp", uri: "stun:stun.example.net:3478" }],
        hosts: { osFamily: "debian" },
        alarms: {
            emails: [],
            unhealthyHosts: 0,
            alb5xxPercent: 5,
            dbCpuPercent: 80,
            dbFreeStoragePercent: 5,
            dbConnectionsPercent: 80,
            natPortErrors: 0,
        },
        gameDay: { enabled: false, stopMinutes: 10 },
        metrics: { agent: true },
    };
    const merged: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(patch)) {
        const current = (base as Record<string, unknown>)[key];
        merged[key] = value !== null && typeof value === "object" && !Array.isArray(value) && typeof current === "object" && !Array.isArray(current)
            ? { ...(current as object), ...(value as object) }
            : value;
    }
    return merged as unknown as Settings;
}

/** A topology that agrees with `settings`: controllers on distinct private IPs, relays in configured order. */
/** The smallest raw AWS stack configuration validateSettings accepts: one relay, documentation-range SSH. */
export const MINIMAL_RAW_CONFIG: RawConfig = {
    domain: "openzro.example.com",
    dnsZone: "example.com",
    openzroVersion: "0.53.1-alpha.87",
    oidcIssuer: "https://idp.example.com",
    relays: JSON.stringify([{ name: "us-east", region: "us-east-1" }]),
    sshAllowedCidrs: JSON.stringify(["203.0.113.0/24"]),
    "aws:region": "us-east-1",
};

export function topologyFor(settings: Settings): RenderTopology {
    return {
        controllers: Array.from({ length: settings.controllers.count }, (_, i) => ({
            name: `controller-${i + 1}`,
            hostname: `openzro-controller-${i + 1}`,
            privateIp: CONTROLLER_IPS[i],
        })),
        relays: settings.relays.map((r, i) => ({ name: r.name, dnsName: `relay-${r.name}.${settings.domain}`, publicIp: `198.51.100.${10 + i}` })),
        database: { host: "openzro.c9abcdefghij.us-east-1.rds.amazonaws.com", port: 5432, user: settings.database.username, mainDatabase: "openzro" },
        proxyCidrs: ["10.40.0.0/20", "10.40.16.0/20", "10.40.32.0/20"],
    };
}

function bytes(seed: number): Buffer {
    return Buffer.from(Array.from({ length: 32 }, (_, i) => (seed * 31 + i * 7) % 256));
}

/** A valid clamped WireGuard key (built by hand, not by the function under test). */
const wg = bytes(3);
wg[0] = wg[0] & 0xf8;
wg[31] = (wg[31] & 0x7f) | 0x40;

export const SECRETS: RenderSecrets = {
    relayAuthSecret: "RelaySecret0123456789abcdefghijklmnopqrstuvwxyzAB",
    dataStoreEncryptionKey: bytes(1).toString("base64"),
    managementWgPrivateKey: wg.toString("base64"),
    // Quotes, backslash, dollar, backtick, space, @ and # — each breaks one naive quoting scheme or another.
    databasePassword: `p@ss w'o"rd\\$HOME\`x#1`,
    databaseAppPassword: `app p@ss w'o"rd\\$HOME\`x#2`,
    coordinatorPassword: "Coord-Pass_0123456789abcdefghijk",
};

/** Settings with an OIDC client secret configured (the Output is never read by the renderers). */
export const CLIENT_SECRET = "client-secret-{{value}}";
export function withClientSecret(settings: Settings): Settings {
    return { ...settings, oidc: { ...settings.oidc, clientSecret: pulumi.output(CLIENT_SECRET) } };
}

/**
 * Parses an env file the way systemd's EnvironmentFile= does (systemd.exec(5)): comments, bare values with
 * backslash escapes, double-quoted values where \ keeps only " \ ` $ and anything else stays verbatim,
 * single-quoted values verbatim. Throws on lines it would not accept, so a malformed file fails the test.
 */
export function parseEnvFile(text: string): Map<string, string> {
    const env = new Map<string, string>();
    for (const raw of text.split("\n")) {
        const line = raw.trim();
        if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
        const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
        if (!m) throw new Error(`not an assignment: ${line}`);
        const [, name, rest] = m;
        let value = "";
        if (rest.startsWith('"')) {
            let i = 1;
            for (; i < rest.length && rest[i] !== '"'; i++) {
                if (rest[i] === "\\" && i + 1 < rest.length) {
                    const next = rest[i + 1];
                    value += '"\\`$'.includes(next) ? next : `\\${next}`;
                    i++;
                } else {
                    value += rest[i];
                }
            }
            if (rest[i] !== '"' || rest.slice(i + 1).trim() !== "") throw new Error(`bad double-quoted value: ${line}`);
        } else if (rest.startsWith("'")) {
            const end = rest.indexOf("'", 1);
            if (end < 0 || rest.slice(end + 1).trim() !== "") throw new Error(`bad single-quoted value: ${line}`);
            value = rest.slice(1, end);
        } else {
            for (let i = 0; i < rest.length; i++) {
                if (rest[i] === "\\" && i + 1 < rest.length) value += rest[++i];
                else value += rest[i];
            }
        }
        env.set(name, value);
    }
    return env;
}

/** Parses a libpq keyword DSN (key=value, values optionally single-quoted with \ escapes). */
export function parseKeywordDsn(dsn: string): Record<string, string> {
    const out: Record<string, string> = {};
    let i = 0;
    while (i < dsn.length) {
        while (dsn[i] === " ") i++;
        if (i >= dsn.length) break;
        const eq = dsn.indexOf("=", i);
        if (eq < 0) throw new Error(`no '=' in ${dsn.slice(i)}`);
        const key = dsn.slice(i, eq).trim();
        i = eq + 1;
        let value = "";
        if (dsn[i] === "'") {
            i++;
            while (i < dsn.length && dsn[i] !== "'") {
                if (dsn[i] === "\\") i++;
                value += dsn[i++];
            }
            if (dsn[i] !== "'") throw new Error("unterminated quote");
            i++;
        } else {
            while (i < dsn.length && dsn[i] !== " ") value += dsn[i++];
        }
        out[key] = value;
    }
    return out;
}

export function fileAt<T extends { path: string }>(files: readonly T[], path: string): T {
    const f = files.find((x) => x.path === path);
    if (!f) throw new Error(`no file ${path} among ${files.map((x) => x.path).join(", ")}`);
    return f;
}

/** One nginx directive: `name args...;` or `name args... { children }`. */
export interface NginxNode {
    readonly name: string;
    readonly args: string[];
    readonly children?: NginxNode[];
}

/** A small nginx config parser (comments, quotes, blocks) so tests can assert structure, not substrings. */
export function parseNginx(text: string): NginxNode[] {
    const tokens: string[] = [];
    const re = /#[^\n]*|"((?:\\.|[^"\\])*)"|'((?:\\.|[^'\\])*)'|([{};])|([^\s{};"'#]+)/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text))) {
        if (m[0].startsWith("#")) continue;
        tokens.push(m[1] ?? m[2] ?? m[3] ?? m[4]);
    }
    let pos = 0;
    function block(): NginxNode[] {
        const nodes: NginxNode[] = [];
        while (pos < tokens.length && tokens[pos] !== "}") {
            const words: string[] = [];
            while (pos < tokens.length && tokens[pos] !== ";" && tokens[pos] !== "{") {
                if (tokens[pos] === "}") throw new Error("unexpected }");
                words.push(tokens[pos++]);
            }
            const end = tokens[pos++];
            if (end === "{") {
                const children = block();
                if (tokens[pos++] !== "}") throw new Error("unclosed block");
                nodes.push({ name: words[0], args: words.slice(1), children });
            } else if (end === ";") {
                nodes.push({ name: words[0], args: words.slice(1) });
            } else {
                throw new Error(`unterminated directive ${words.join(" ")}`);
            }
        }
        return nodes;
    }
    const nodes = block();
    if (pos !== tokens.length) throw new Error("unbalanced }");
    return nodes;
}

export function directives(nodes: readonly NginxNode[] | undefined, name: string): NginxNode[] {
    return (nodes ?? []).filter((n) => n.name === name);
}
