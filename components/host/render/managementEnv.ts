// Env file of openzro-management (spec §1.4, §2.1): the DSNs (the ONLY place management reads them), the
// shared WireGuard identity, and the coordinator.
import { Settings } from "../../config/types";
import { DATABASE_APP_ROLE, DATABASE_NAMES } from "../facts";
import { RenderSecrets, RenderTopology } from "../files";
import { managementCoordinatorEnv } from "./coordinator";
import { EnvEntry, renderEnvFile } from "./envFile";
import { RenderError } from "./errors";
import { POSTGRES_CA_PATH } from "./paths";
import { postgresKeywordDsn } from "./postgresDsn";
import { controllerAt } from "./topology";

/** Management's DSN for one of its databases: the application role, never the master user. */
export function databaseDsn(topology: RenderTopology, secrets: RenderSecrets, dbname: string): string {
    const db = topology.database;
    return postgresKeywordDsn({
        host: db.host,
        port: db.port,
        dbname,
        user: DATABASE_APP_ROLE,
        password: secrets.databaseAppPassword,
        rootCert: POSTGRES_CA_PATH,
    });
}

export function managementEnvEntries(
    settings: Settings,
    topology: RenderTopology,
    controllerIndex: number,
    secrets: RenderSecrets,
): EnvEntry[] {
    controllerAt(settings, topology, controllerIndex);
    if (!settings.logLevel) {
        // The unit passes --log-level ${OPENZRO_LOG_LEVEL}; empty fails logrus parsing (spec §2, D14).
        throw new RenderError("openzro:logLevel", "must not be empty", settings.logLevel, "set e.g. info");
    }
    return [
        ["OPENZRO_LOG_LEVEL", settings.logLevel],
        ["OPENZRO_STORE_ENGINE_POSTGRES_DSN", databaseDsn(topology, secrets, topology.database.mainDatabase)],
        // Audit events: without these each replica keeps its own sqlite events.db (D7).
        ["OZ_ACTIVITY_EVENT_STORE_ENGINE", "postgres"],
        ["OZ_ACTIVITY_EVENT_POSTGRES_DSN", databaseDsn(topology, secrets, DATABASE_NAMES.activity)],
        ...(settings.management.flowStore
            ? ([
                  ["OPENZRO_FLOW_STORE_ENGINE", "postgres"],
                  ["OPENZRO_FLOW_STORE_DSN", databaseDsn(topology, secrets, DATABASE_NAMES.flow)],
                  ["OPENZRO_FLOW_RETENTION", settings.management.flowRetention],
              ] as const)
            : []),
        // Both pools (main and activity) read it; unset, each is runtime.NumCPU() (D33, sized against max_connections).
        ["OZ_SQL_MAX_OPEN_CONNS", String(settings.management.dbPoolSize)],
        // One WireGuard identity for every replica, or peers fail half their requests behind the LB (D6).
        ["OPENZRO_MGMT_WG_PRIVATE_KEY", secrets.managementWgPrivateKey],
        // Connector CRUD of the dashboard's "Authentication Providers" page talks to the controller's own Dex over
        // its gRPC API; loopback is the only address management accepts without mTLS (dex_proxy.FromEnv, D34).
        ...(settings.dex.enabled ? ([["OPENZRO_DEX_GRPC_ADDR", `127.0.0.1:${settings.dex.grpcPort}`]] as const) : []),
        ...managementCoordinatorEnv(settings, topology, controllerIndex, secrets),
    ];
}

export function renderManagementEnv(
    settings: Settings,
    topology: RenderTopology,
    controllerIndex: number,
    secrets: RenderSecrets,
): string {
    return renderEnvFile(
        ["openzro-management: DSNs, pool size, shared WireGuard key, cluster coordinator, Dex gRPC (management reads no DSN from management.json)."],
        managementEnvEntries(settings, topology, controllerIndex, secrets),
    );
}
