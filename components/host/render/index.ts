// Pure renderers for every file the program writes on a host. Plain values in, file content out; the
// openZro knowledge (spec §1-§6) lives here and is tested directly and against real services.
export { RenderError } from "./errors";
export { clampWireGuardPrivateKey, isBase64OfLength, isRedacted } from "./keys";
export {
    DASHBOARD_ENV_PATH,
    DASHBOARD_ROOT,
    MANAGEMENT_JETSTREAM_DIR,
    MANAGEMENT_JSON_PATH,
    NATS_JETSTREAM_DIR,
    NATS_SERVER_CONF_PATH,
    NGINX_GRPC_TLS_CERT_PATH,
    NGINX_GRPC_TLS_KEY_PATH,
    NGINX_SITE_PATH,
    REDIS_CONF_PATH,
    REDIS_DATA_DIR,
    dropInPath,
    envFilePath,
    stunServerConfPath,
} from "./paths";
export type { OpenzroUnit } from "./paths";
export { MANAGED_HEADER, quoteEnvValue, renderEnvFile } from "./envFile";
export type { EnvEntry } from "./envFile";
export { dsnValue, postgresKeywordDsn } from "./postgresDsn";
export type { PostgresTarget } from "./postgresDsn";
export { LOCAL_NATS_URL, managementCoordinatorEnv, redisUrl, signalDispatcherEnv, urlSecret } from "./coordinator";
export { otherControllerRoutes } from "./topology";
export {
    HOST_PROTOS,
    PKCE_REDIRECT_URLS,
    escapeGoTemplateDelimiters,
    managementConfig,
    oidcClientSecret,
    publicGrpcUri,
    relayAddresses,
    renderManagementJson,
} from "./managementJson";
export { databaseDsn, managementEnvEntries, renderManagementEnv } from "./managementEnv";
export { renderSignalEnv, signalEnvEntries } from "./signalEnv";
export { relayEnvEntries, relayTlsEntries, renderRelayEnv } from "./relayEnv";
export { renderStunServerConf } from "./stunServer";
export type { StunServerOptions } from "./stunServer";
export { dashboardEnvEntries, renderDashboardEnv } from "./dashboardEnv";
export { managementExecStart, renderManagementDropIn, renderRelayDropIn, renderSignalDropIn, signalExecStart } from "./systemd";
export { TLS_BACKEND_MIN_KEEPALIVE_SECONDS, renderNginxSite, resolveNginxSiteOptions } from "./nginx";
export type { NginxSiteOptions, ResolvedNginxSiteOptions } from "./nginx";
export { NATS_CLUSTER_NAME, NATS_MONITOR_PORT, NATS_ROUTE_USER, renderNatsServerConf } from "./natsServer";
export type { NatsServerConfOptions } from "./natsServer";
export { renderRedisConf } from "./redis";
export type { RedisConfOptions } from "./redis";
export { renderControllerFiles, renderMetricsAgentFiles, renderNginxGrpcTlsFiles, renderRelayFiles, renderSystemdDropIns } from "./hostFiles";
export { HOST_LABEL, KEPT_METRICS, renderScrapeConfig, scrapeTargets } from "./metricsScrape";
export type { KeptMetric, MetricsHostRole, ScrapeConfigOptions, ScrapeJob, ScrapeTarget } from "./metricsScrape";
export {
    CLOUDWATCH_AGENT_CONFIG_PATH,
    CLOUDWATCH_AGENT_DIR,
    CLOUDWATCH_AGENT_UNIT,
    CLOUDWATCH_PROMETHEUS_CONFIG_PATH,
    cloudwatchAgentConfig,
    renderCloudwatchAgentConfig,
} from "./cloudwatchAgent";
export type { ControllerRenderOptions } from "./hostFiles";
export { NGINX_MAIN_CONF_PATH, NGINX_WORKER_CONNECTIONS, renderNginxMainConf } from "./nginxMain";
export type { NginxMainConfOptions } from "./nginxMain";
