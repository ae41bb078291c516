// Operations: the alarms that reach a person, and the opt-in "lose one availability zone" game day.
import { ConfigError } from "../errors";
import { DEFAULTS } from "../keys";
import { RawReader, scalarText } from "../reader";
import type { Cloud, OsFamily, Settings } from "../types";
import { rejectOnGcp } from "./common";

const SET_EMAIL = "`pulumi config set --path 'alarmEmails[0]' oncall@example.com`";
/** Deliberately plain: one @, no spaces, a dotted domain. SNS itself sends the confirmation that proves it. */
const EMAIL = /^[^\s@]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;

/** The alarms are CloudWatch alarms: the GCP footprint creates none, so a GCP stack must not believe it has them. */
const GCP_NO_ALARMS = "the alarms are CloudWatch alarms and the GCP footprint creates no alerting (set up Cloud Monitoring alerts yourself, docs/runbook.md)";

export function readAlarms(r: RawReader, cloud: Cloud = "aws"): Settings["alarms"] {
    const alarms = readAlarmSettings(r);
    if (cloud === "gcp") {
        rejectOnGcp("alarmEmails", alarms.emails, alarms.emails.length === 0, GCP_NO_ALARMS, "remove it (`pulumi config rm alarmEmails`)");
        const thresholds = [
            ["alarmUnhealthyHosts", alarms.unhealthyHosts],
            ["alarmAlb5xxPercent", alarms.alb5xxPercent],
            ["alarmDbCpuPercent", alarms.dbCpuPercent],
            ["alarmDbFreeStoragePercent", alarms.dbFreeStoragePercent],
            ["alarmDbConnectionsPercent", alarms.dbConnectionsPercent],
            ["alarmNatPortErrors", alarms.natPortErrors],
        ] as const;
        for (const [key, value] of thresholds) {
            rejectOnGcp(key, value, value === DEFAULTS[key], GCP_NO_ALARMS, `remove it (\`pulumi config rm ${key}\`)`);
        }
    }
    return alarms;
}

function readAlarmSettings(r: RawReader): Settings["alarms"] {
    return {
        emails: readEmails(r),
        unhealthyHosts: r.int("alarmUnhealthyHosts", { min: 0, max: 8 }, DEFAULTS.alarmUnhealthyHosts),
        alb5xxPercent: r.int("alarmAlb5xxPercent", { min: 1, max: 100 }, DEFAULTS.alarmAlb5xxPercent),
        dbCpuPercent: r.int("alarmDbCpuPercent", { min: 10, max: 100 }, DEFAULTS.alarmDbCpuPercent),
        dbFreeStoragePercent: r.int("alarmDbFreeStoragePercent", { min: 1, max: 50 }, DEFAULTS.alarmDbFreeStoragePercent),
        dbConnectionsPercent: r.int("alarmDbConnectionsPercent", { min: 10, max: 100 }, DEFAULTS.alarmDbConnectionsPercent),
        natPortErrors: r.int("alarmNatPortErrors", { min: 0, max: 100000 }, DEFAULTS.alarmNatPortErrors),
    };
}

function readEmails(r: RawReader): string[] {
    const raw = r.value("alarmEmails");
    const list = typeof raw === "string" && !raw.trim().startsWith("[") ? raw.split(",").map((s) => s.trim()) : r.structured("alarmEmails", SET_EMAIL);
    if (list === undefined) return [];
    if (!Array.isArray(list)) {
        throw new ConfigError("alarmEmails", "must be a list of email addresses", list, `set entries with ${SET_EMAIL}`);
    }
    const seen = new Set<string>();
    return list.map((entry, i) => {
        const key = `alarmEmails[${i}]`;
        const text = scalarText(key, entry, "write one email address per entry");
        if (!EMAIL.test(text)) {
            throw new ConfigError(key, "is not an email address", text, "use an address such as oncall@example.com");
        }
        if (seen.has(text.toLowerCase())) {
            throw new ConfigError(key, "is listed twice", text, "remove the duplicate");
        }
        seen.add(text.toLowerCase());
        return text;
    });
}

export interface GameDayContext {
    readonly cloud: Cloud;
    readonly controllerCount: number;
    readonly azCount: number;
    readonly multiAz: boolean;
}

/** How many controllers each zone slot holds when `count` controllers are spread round-robin over `zones`. */
export function controllersPerZone(count: number, zones: number): number[] {
    return Array.from({ length: zones }, (_, slot) => Math.floor(count / zones) + (slot < count % zones ? 1 : 0));
}

export function readGameDay(r: RawReader, ctx: GameDayContext): Settings["gameDay"] {
    const enabled = r.bool("gameDay", DEFAULTS.gameDay);
    const stopMinutes = r.int("gameDayStopMinutes", { min: 2, max: 60 }, DEFAULTS.gameDayStopMinutes);
    if (ctx.cloud === "gcp" && !enabled) {
        rejectOnGcp(
            "gameDayStopMinutes",
            stopMinutes,
            stopMinutes === DEFAULTS.gameDayStopMinutes,
            "it times the AWS Fault Injection Service experiment; the GCP game day is run by hand",
            "remove it and choose the stop time in the GCP game-day procedure (docs/runbook.md)",
        );
    }
    if (!enabled) return { enabled, stopMinutes };
    if (ctx.cloud !== "aws") {
        throw new ConfigError("gameDay", `builds an AWS Fault Injection Service experiment, not available with cloud ${ctx.cloud}`, true, "set gameDay to false and follow the GCP game-day procedure in docs/runbook.md");
    }
    if (ctx.controllerCount < 3) {
        throw new ConfigError(
            "gameDay",
            `needs at least 3 controllers (controllerCount is ${ctx.controllerCount}): losing the zone of the only controller is an outage, not a test`,
            true,
            "set controllerCount to 3 or gameDay to false",
        );
    }
    if (!ctx.multiAz) {
        throw new ConfigError(
            "gameDay",
            "forces a database failover, which needs a Multi-AZ database (dbMultiAz is false)",
            true,
            "set dbMultiAz to true or gameDay to false",
        );
    }
    // A zone holding a majority of the controllers takes the JetStream quorum with it: the experiment would only
    // confirm an outage the topology already guarantees.
    const perZone = controllersPerZone(ctx.controllerCount, ctx.azCount);
    const majority = Math.floor(ctx.controllerCount / 2) + 1;
    const slot = perZone.findIndex((n) => n >= majority);
    if (slot >= 0) {
        throw new ConfigError(
            "gameDay",
            `zone ${slot + 1} of ${ctx.azCount} holds ${perZone[slot]} of ${ctx.controllerCount} controllers, a majority: losing it loses the NATS quorum`,
            true,
            "set azCount so that no zone holds a majority (3 zones for 3 controllers), or gameDay to false",
        );
    }
    return { enabled, stopMinutes };
}

/**
 * The metrics agent (components/aws/metricsAgent.ts): on by default on AWS, where the CloudWatch agent scrapes the
 * daemons. The GCP footprint has no agent yet (the Ops Agent would be its counterpart), so asking for one there must
 * fail rather than deploy hosts whose metrics nobody keeps.
 */
export function readMetrics(r: RawReader, cloud: Cloud, osFamily: OsFamily): Settings["metrics"] {
    const agent = r.bool("metricsAgent", cloud === "aws" && osFamily === "debian");
    if (cloud === "gcp" && agent) {
        throw new ConfigError(
            "metricsAgent",
            "is not available with cloud gcp yet: only the AWS footprint installs a metrics agent (the CloudWatch agent)",
            agent,
            "remove it (on GCP it defaults to false) or set it to false",
        );
    }
    if (osFamily === "rhel" && agent) {
        throw new ConfigError("metricsAgent", "needs osFamily debian: the CloudWatch agent is installed from Amazon's .deb", agent, "remove it (with osFamily rhel it defaults to false) or use osFamily debian");
    }
    return { agent };
}
