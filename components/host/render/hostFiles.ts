// Every file a controller or a relay gets, with its path, ownership, mode and the services it restarts.
// The host layer calls these twice per host: with real secrets (shipped) and with REDACTED (offline plan).
import { relayDnsName, relayHostName } from "../../config/naming";
import { Settings } from "../../config/types";
import { HostFile, REDACTED, RenderSecrets, RenderTopology, ServiceName } from "../files";
import { renderDashboardEnv } from "./dashboardEnv";
import { RenderError } from "./errors";
import { renderManagementEnv } from "./managementEnv";
import { oidcClientSecret, renderManagementJson } from "./managementJson";
import { NatsServerConfOptions, renderNatsServerConf } from "./natsServer";
import { NginxSiteOptions, renderNginxSite } from "./nginx";
import { NGINX_MAIN_CONF_PATH, renderNginxMainConf } from "./nginxMain";
import {
    DASHBOARD_ENV_PATH,
    MANAGEMENT_JSON_PATH,
    NATS_SERVER_CONF_PATH,
    NGINX_GRPC_TLS_CERT_PATH,
    NGINX_GRPC_TLS_KEY_PATH,
    NGINX_SITE_PATH,
    OpenzroUnit,
    REDIS_CONF_PATH,
    dropInPath,
    envFilePath,
    stunServerConfPath,
} from "./paths";
import { RedisConfOptions, renderRedisConf } from "./redis";
import { renderRelayEnv } from "./relayEnv";
import { renderSignalEnv } from "./signalEnv";
import { StunServerOptions, renderStunServerConf } from "./stunServer";
import { renderManagementDropIn, renderRelayDropIn, renderSignalDropIn } from "./systemd";
import { controllerAt } from "./topology";
import { POSTGRES_CA_PATH } from "./paths";
import { CLOUDWATCH_AGENT_CONFIG_PATH, CLOUDWATCH_PROMETHEUS_CONFIG_PATH, renderCloudwatchAgentConfig } from "./cloudwatchAgent";
import { MetricsHostRole, ScrapeConfigOptions, renderScrapeConfig } from "./metricsScrape";
import type { MetricsAgentFacts } from "../facts";

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----/g;

/** The server CA file: certificates only (anything else, e.g. a private key pasted by mistake, is an error). */
export function renderPostgresCa(pem: string): string {
    const certificates = pem.match(PEM_CERTIFICATE) ?? [];
    const rest = pem.replace(PEM_CERTIFICATE, "").trim();
    if (certificates.length === 0 || rest !== "") {
        throw new RenderError(
            "database.serverCa.pem",
            "must be PEM certificates and nothing else",
            // Never the text itself: a private key pasted by mistake must not reach a log.
            certificates.length === 0 ? "no certificate" : "text besides the certificates",
            "hand over the CA certificate(s) that sign the database's server certificate",
        );
    }
    return `${certificates.map((c) => c.replace(/\r\n/g, "\n")).join("\n")}\n`;
}

/** Non-default renderer parameters, for tests that run the files on loopback addresses and temp dirs. */
export interface ControllerRenderOptions {
    readonly nginx?: NginxSiteOptions;
    readonly nats?: NatsServerConfOptions;
    readonly redis?: RedisConfOptions;
}

function file(
    path: string,
    content: string,
    access: { mode: string; owner: string; group: string },
    restarts: readonly ServiceName[],
    secret: boolean,
): HostFile {
    return { path, content, ...access, restarts, secret };
}

/** Secrets readable by the service's group only; root writes them (the daemons never do). */
const OPENZRO_SECRET = { mode: "0640", owner: "root", group: "openzro" };
const ROOT_PUBLIC = { mode: "0644", owner: "root", group: "root" };
/** Read by root only (render-env.sh runs as root). */
const ROOT_PRIVATE = { mode: "0640", owner: "root", group: "root" };

/** nginx's master process reads its TLS keys as root before it drops privileges: nobody else needs to. */
const ROOT_ONLY = { mode: "0600", owner: "root", group: "root" };

/** The TLS gRPC listener's certificate and key (grpcBackend "tls"); nothing otherwise. */
export function renderNginxGrpcTlsFiles(topology: RenderTopology, secrets: RenderSecrets): HostFile[] {
    if ((topology.grpcBackend ?? "h2c") !== "tls") return [];
    const pem = (value: string | undefined, what: string, key: string): string => {
        // REDACTED stands in for the key in the offline plan; anything else must be a PEM block.
        if (value === undefined || (value !== REDACTED && !/^-----BEGIN [A-Z ]+-----\n[\s\S]+\n-----END [A-Z ]+-----\n?$/.test(value))) {
            throw new RenderError(key, `must be the PEM ${what} of nginx's TLS gRPC listener when grpcBackend is "tls"`, value === undefined ? "missing" : "not PEM", "hand it over from the host layer's self-signed certificate");
        }
        return value.endsWith("\n") ? value : `${value}\n`;
    };
    return [
        file(NGINX_GRPC_TLS_CERT_PATH, pem(topology.nginxGrpcTlsCertificate, "certificate", "nginxGrpcTlsCertificate"), ROOT_PUBLIC, ["nginx"], false),
        file(NGINX_GRPC_TLS_KEY_PATH, pem(secrets.nginxGrpcTlsKey, "private key", "nginxGrpcTlsKey"), ROOT_ONLY, ["nginx"], true),
    ];
}

/**
 * The metrics agent's files (none without one): the scrape configuration and the agent's own. Public (no secret),
 * read by the agent's user, and a change restarts only the agent.
 */
export function renderMetricsAgentFiles(
    role: MetricsHostRole,
    hostName: string,
    facts: MetricsAgentFacts | undefined,
    options: ScrapeConfigOptions = {},
): HostFile[] {
    if (facts === undefined) return [];
    return [
        file(CLOUDWATCH_PROMETHEUS_CONFIG_PATH, renderScrapeConfig(role, hostName, options), ROOT_PUBLIC, ["amazon-cloudwatch-agent"], false),
        file(CLOUDWATCH_AGENT_CONFIG_PATH, renderCloudwatchAgentConfig(role, facts), ROOT_PUBLIC, ["amazon-cloudwatch-agent"], false),
    ];
}

/** The systemd drop-ins of a controller (management, signal) or a relay. */
export function renderSystemdDropIns(settings: Settings, role: "controller" | "relay"): HostFile[] {
    const dropIn = (unit: OpenzroUnit, content: string) => file(dropInPath(unit), content, ROOT_PUBLIC, [unit], false);
    return role === "controller"
        ? [dropIn("openzro-management", renderManagementDropIn(settings)), dropIn("openzro-signal", renderSignalDropIn(settings))]
        : [dropIn("openzro-relay", renderRelayDropIn(settings))];
}

export function renderControllerFiles(
    settings: Settings,
    topology: RenderTopology,
    controllerIndex: number,
    secrets: RenderSecrets,
    options: ControllerRenderOptions = {},
): HostFile[] {
    controllerAt(settings, topology, controllerIndex);
    const os = settings.hosts.osFamily;
    const coordinator = settings.cluster.coordinator;
    const multi = topology.controllers.length > 1;
    // Signal's env carries a credential only when its broker URL does.
    const signalEnvSecret = multi && (coordinator === "redis" || coordinator === "external-nats" || coordinator === "external-redis");

    const files: HostFile[] = [
        file(MANAGEMENT_JSON_PATH, renderManagementJson(settings, topology, secrets), OPENZRO_SECRET, ["openzro-management"], true),
        file(envFilePath(os, "openzro-management"), renderManagementEnv(settings, topology, controllerIndex, secrets), OPENZRO_SECRET, ["openzro-management"], true),
        file(envFilePath(os, "openzro-signal"), renderSignalEnv(settings, topology, controllerIndex, secrets), OPENZRO_SECRET, ["openzro-signal"], signalEnvSecret),
        ...renderSystemdDropIns(settings, "controller"),
        // No service restarts for the dashboard: the converge script re-runs render-env.sh when this path changes.
        file(DASHBOARD_ENV_PATH, renderDashboardEnv(settings, secrets), ROOT_PRIVATE, [], oidcClientSecret(settings, secrets) !== undefined),
        // The main file too: the distributions' 768 connections per worker cannot hold a fleet's gRPC streams.
        file(NGINX_MAIN_CONF_PATH, renderNginxMainConf(os), ROOT_PUBLIC, ["nginx"], false),
        file(NGINX_SITE_PATH, renderNginxSite(settings, topology, options.nginx), ROOT_PUBLIC, ["nginx"], false),
        ...renderNginxGrpcTlsFiles(topology, secrets),
        ...renderMetricsAgentFiles("controller", topology.controllers[controllerIndex].name, topology.metricsAgent),
    ];
    if (topology.database.serverCaPem !== undefined) {
        // The database's server CA (not secret). Handed over as URL instead, converge.sh downloads it to this path.
        files.push(file(POSTGRES_CA_PATH, renderPostgresCa(topology.database.serverCaPem), ROOT_PUBLIC, ["openzro-management"], false));
    }
    if (coordinator === "nats") {
        files.push(
            file(NATS_SERVER_CONF_PATH, renderNatsServerConf(settings, topology, controllerIndex, secrets, options.nats), { mode: "0640", owner: "nats", group: "nats" }, ["nats-server"], multi),
        );
    }
    if (coordinator === "redis") {
        files.push(
            file(REDIS_CONF_PATH, renderRedisConf(settings, topology, controllerIndex, secrets, options.redis), { mode: "0640", owner: "redis", group: "redis" }, ["redis-server"], true),
        );
    }
    return files;
}

export interface RelayRenderOptions {
    readonly stun?: StunServerOptions;
}

/** A relay's files need the relays only: nothing of the controllers or the database (its install waits for neither). */
export function renderRelayFiles(
    settings: Settings,
    topology: Pick<RenderTopology, "relays" | "metricsAgent">,
    relayIndex: number,
    secrets: RenderSecrets,
    options: RelayRenderOptions = {},
): HostFile[] {
    const relay = settings.relays[relayIndex];
    const handed = topology.relays[relayIndex];
    if (!relay || !handed || topology.relays.length !== settings.relays.length) {
        throw new RenderError("relayIndex", "no such relay in both the settings and the footprint", relayIndex, `use 0..${settings.relays.length - 1} with one footprint relay per configured relay`);
    }
    if (handed.name !== relay.name || handed.dnsName !== relayDnsName(relay.name, settings.domain)) {
        throw new RenderError(`relays[${relayIndex}]`, "the footprint's relay does not match the configured one", handed, "hand over relays in configured order with relay-<name>.<domain> names");
    }
    return [
        file(envFilePath(settings.hosts.osFamily, "openzro-relay"), renderRelayEnv(settings, relayIndex, secrets), OPENZRO_SECRET, ["openzro-relay"], true),
        ...renderSystemdDropIns(settings, "relay"),
        // Public (no secret); coturn runs as turnserver and only reads it.
        file(stunServerConfPath(settings.hosts.osFamily), renderStunServerConf(options.stun), ROOT_PUBLIC, ["coturn"], false),
        ...renderMetricsAgentFiles("relay", relayHostName(relay.name), topology.metricsAgent),
    ];
}
