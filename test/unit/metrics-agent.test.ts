// The metrics agent outside its files: the hosts' IAM permission, the metricsAgent setting, and what converge.sh
// is told to install and run.
import { ConfigError, validateSettings, type RawConfig } from "../../components/config/load";
import { metricsAgentPolicy, metricsLogGroupName } from "../../components/aws/metricsAgent";
import { convergeVars, preparePayload } from "../../components/host/converge";
import { CLOUDWATCH_AGENT_KEY_FINGERPRINT, CLOUDWATCH_AGENT_VERSION } from "../../components/host/metricsAgent";
import { loadHostScripts } from "../../components/host/bundle-scripts";
import { MINIMAL_RAW_CONFIG, settingsFor } from "./render-fixtures";

const GROUP_ARN = "arn:aws:logs:us-east-1:123456789012:log-group:/openzro/staging/metrics:*";

/** IAM's resource matching: `*` any run of characters, `?` one character, nothing else special. */
function resourceMatches(pattern: string, arn: string): boolean {
    const re = pattern.replace(/[.+^${}()|[\]\\/]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
    return new RegExp(`^${re}$`).test(arn);
}

function allowed(policy: Record<string, unknown>, action: string, arn: string): boolean {
    const statements = policy.Statement as { Effect: string; Action: string | string[]; Resource: string | string[] }[];
    return statements.some(
        (s) =>
            s.Effect === "Allow" &&
            ([] as string[]).concat(s.Action).some((a) => resourceMatches(a, action)) &&
            ([] as string[]).concat(s.Resource).some((r) => resourceMatches(r, arn)),
    );
}

describe("the hosts' permission", () => {
    const policy = metricsAgentPolicy(GROUP_ARN);
    const group = "arn:aws:logs:us-east-1:123456789012:log-group:/openzro/staging/metrics";

    it("lets the agent create its streams and write to them in its own log group", () => {
        expect(allowed(policy, "logs:CreateLogStream", group)).toBe(true);
        expect(allowed(policy, "logs:PutLogEvents", `${group}:log-stream:openzro-management`)).toBe(true);
    });

    it("allows nothing else: no other group, no group creation, no retention change, no PutMetricData", () => {
        const other = "arn:aws:logs:us-east-1:123456789012:log-group:/openzro/production/metrics";
        expect(allowed(policy, "logs:PutLogEvents", `${other}:log-stream:x`)).toBe(false);
        // A group whose name only starts like ours.
        expect(allowed(policy, "logs:PutLogEvents", `${group}-other:log-stream:x`)).toBe(false);
        for (const action of ["logs:CreateLogGroup", "logs:PutRetentionPolicy", "logs:DeleteLogGroup", "cloudwatch:PutMetricData", "logs:GetLogEvents"]) {
            expect(allowed(policy, action, group)).toBe(false);
        }
    });

    it("names the group the stack's way", () => {
        expect(metricsLogGroupName("staging")).toBe("/openzro/staging/metrics");
    });
});

describe("metricsAgent setting", () => {
    const BASE: Record<string, unknown> = MINIMAL_RAW_CONFIG;
    const GCP: Record<string, unknown> = {
        ...BASE,
        cloud: "gcp",
        "gcp:project": "acme-openzro-prod",
        "gcp:region": "europe-west1",
        relays: JSON.stringify([{ name: "fra", region: "europe-west1" }]),
        "aws:region": undefined,
    };
    const read = (raw: Record<string, unknown>) => validateSettings(raw as RawConfig).metrics;
    const errorOf = (raw: Record<string, unknown>): string => {
        try {
            validateSettings(raw as RawConfig);
        } catch (e) {
            if (e instanceof ConfigError) return e.message;
            throw e;
        }
        throw new Error("expected a ConfigError");
    };

    it("is on by default on AWS, off on GCP and with rhel hosts", () => {
        expect(read(BASE)).toEqual({ agent: true });
        expect(read({ ...BASE, metricsAgent: "false" })).toEqual({ agent: false });
        expect(read(GCP)).toEqual({ agent: false });
        expect(read({ ...BASE, osFamily: "rhel", sshUser: "ec2-user" })).toEqual({ agent: false });
    });

    it.each([
        [{ ...GCP, metricsAgent: "true" }, /^metricsAgent: is not available with cloud gcp yet.*set it to false$/],
        [{ ...BASE, osFamily: "rhel", sshUser: "ec2-user", metricsAgent: true }, /^metricsAgent: needs osFamily debian.*use osFamily debian$/],
        [{ ...BASE, metricsAgent: "yes" }, /^metricsAgent: /],
    ])("refuses %j in one line", (raw, message) => {
        const text = errorOf(raw);
        expect(text).toMatch(message);
        expect(text).not.toContain("\n");
    });
});

describe("converge variables", () => {
    const settings = settingsFor();
    const LB = { proxyCidrs: [], healthCheckIntervalSeconds: 10, healthyThreshold: 2, unhealthyThreshold: 2, deregistrationDelaySeconds: 30 };

    it("installs, restarts on change and runs the agent on a host that has one, after the openZro services", () => {
        const vars = convergeVars(settings, { role: "relay", name: "relay-us-east", clusterPeers: [], metricsAgent: "cloudwatch" }, "0.53.1", LB);
        expect(vars.OZ_SERVICES.split(" ").pop()).toBe("amazon-cloudwatch-agent");
        expect(vars.OZ_PACKAGE_UNITS.split(" ")).toContain("amazon-cloudwatch-agent=amazon-cloudwatch-agent");
        expect(vars.OZ_AGENT_DEB_URL).toBe(`https://amazoncloudwatch-agent.s3.amazonaws.com/ubuntu/@ARCH@/${CLOUDWATCH_AGENT_VERSION}/amazon-cloudwatch-agent.deb`);
        expect(vars.OZ_AGENT_KEY_FINGERPRINT).toMatch(/^[0-9A-F]{40}$/);
        expect(vars.OZ_AGENT_KEY_FINGERPRINT).toBe(CLOUDWATCH_AGENT_KEY_FINGERPRINT);
        // Not held or pinned like openZro's packages: it comes from no repository an upgrade could move it from.
        expect(vars.OZ_PINNED_PACKAGES.split(" ")).not.toContain("amazon-cloudwatch-agent");
    });

    it("mentions no agent on a host without one", () => {
        const vars = convergeVars(settings, { role: "controller", name: "controller-1", clusterPeers: [] }, "0.53.1", LB);
        expect(vars.OZ_SERVICES).not.toContain("amazon-cloudwatch-agent");
        expect(Object.entries(vars).filter(([k, v]) => k.startsWith("OZ_AGENT_") && v !== "")).toEqual([]);
    });

    it("hands the prepare step what the download needs", () => {
        const payload = preparePayload(settings, { role: "controller", name: "controller-1", clusterPeers: [], metricsAgent: "cloudwatch" }, "0.53.1", LB, loadHostScripts());
        for (const key of ["OZ_AGENT_PACKAGE", "OZ_AGENT_VERSION", "OZ_AGENT_DEB_URL", "OZ_AGENT_KEY_URL", "OZ_AGENT_KEY_FINGERPRINT", "OZ_AGENT_CACHE_DIR"]) {
            expect(payload.vars[key]).not.toBe("");
        }
    });
});
