// Alarm and game-day settings: defaults, the retired alarmDbMaxConnections key, and the combinations a game day refuses.
import { CONFIG_KEYS } from "../../components/config/keys";
import { closestKey } from "../../components/config/unknownKeys";
import { validateSettings, type RawConfig } from "../../components/config/load";
import { controllersPerZone } from "../../components/config/rules/operations";
import { elbArnSuffix } from "../../components/aws/alarms";

const MINIMAL: RawConfig = {
    domain: "openzro.example.com",
    dnsZone: "example.com",
    openzroVersion: "0.53.1",
    oidcIssuer: "https://idp.example.com",
    relays: [{ name: "us-east", region: "us-east-1" }],
    sshAllowedCidrs: ["203.0.113.0/24"],
    "aws:region": "us-east-1",
};
const valid = (extra: Record<string, unknown> = {}) => validateSettings({ ...MINIMAL, ...extra } as RawConfig);
const error = (extra: Record<string, unknown>) => {
    try {
        valid(extra);
    } catch (e) {
        return (e as Error).message;
    }
    throw new Error("no error");
};

describe("alarm settings", () => {
    it("no longer knows alarmDbMaxConnections: a stack that still sets it is pointed to dbMaxConnections", () => {
        expect(closestKey("alarmDbMaxConnections", Object.keys(CONFIG_KEYS))).toBe("dbMaxConnections");
    });

    it("reads email lists as JSON or comma-separated text and rejects bad or repeated entries", () => {
        expect(valid({ alarmEmails: '["a@example.com","b@example.org"]' }).alarms.emails).toEqual(["a@example.com", "b@example.org"]);
        expect(valid({ alarmEmails: "a@example.com, b@example.org" }).alarms.emails).toEqual(["a@example.com", "b@example.org"]);
        expect(valid().alarms.emails).toEqual([]);
        expect(error({ alarmEmails: ["oncall"] })).toBe('alarmEmails[0]: is not an email address (got "oncall"); use an address such as oncall@example.com');
        expect(error({ alarmEmails: ["a@example.com", "A@example.com"] })).toBe('alarmEmails[1]: is listed twice (got "A@example.com"); remove the duplicate');
    });

    it("keeps thresholds in range", () => {
        expect(error({ alarmAlb5xxPercent: "0" })).toBe('alarmAlb5xxPercent: is out of range (got "0"); set a whole number between 1 and 100');
    });
});

describe("game day settings", () => {
    it("is off by default, on with the medium preset's 3 controllers in 3 zones and Multi-AZ database", () => {
        expect(valid().gameDay).toEqual({ enabled: false, stopMinutes: 10 });
        expect(valid({ gameDay: "true", gameDayStopMinutes: "5" }).gameDay).toEqual({ enabled: true, stopMinutes: 5 });
    });

    it("refuses a single controller, a single-AZ database and a zone holding a majority", () => {
        expect(error({ gameDay: true, size: "small", dbMultiAz: true })).toMatch(/^gameDay: needs at least 3 controllers \(controllerCount is 1\).*; set controllerCount to 3 or gameDay to false$/);
        expect(error({ gameDay: true, dbMultiAz: false })).toMatch(/^gameDay: forces a database failover, which needs a Multi-AZ database .*; set dbMultiAz to true or gameDay to false$/);
        expect(error({ gameDay: true, azCount: 2 })).toBe(
            "gameDay: zone 1 of 2 holds 2 of 3 controllers, a majority: losing it loses the NATS quorum (got true); set azCount so that no zone holds a majority (3 zones for 3 controllers), or gameDay to false",
        );
        expect(valid({ gameDay: true, azCount: 3, controllerCount: 5 }).gameDay.enabled).toBe(true);
    });

    it("spreads controllers round-robin like the footprint does", () => {
        expect(controllersPerZone(3, 2)).toEqual([2, 1]);
        expect(controllersPerZone(5, 3)).toEqual([2, 2, 1]);
        expect(controllersPerZone(3, 3)).toEqual([1, 1, 1]);
    });
});

describe("elbArnSuffix", () => {
    it("gives CloudWatch's dimension values for ALBs and target groups", () => {
        expect(elbArnSuffix("arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/openzro-alb/50dc6c495c0c9188")).toBe("app/openzro-alb/50dc6c495c0c9188");
        expect(elbArnSuffix("arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/openzro-http/73e2d6bc24d8a067")).toBe("targetgroup/openzro-http/73e2d6bc24d8a067");
        expect(() => elbArnSuffix("arn:aws:ec2:eu-west-1:123456789012:instance/i-0abc")).toThrow(/not an ELB/);
    });
});
