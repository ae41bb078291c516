// Where the metrics agent's package comes from and how converge.sh gets it (scripts/host/lib/agent.sh). The
// CloudWatch agent has no apt repository: Amazon publishes one .deb per architecture and version in a public S3
// bucket, with a detached GPG signature next to it (<url>.sig) and its public key under assets/. The host
// downloads all three in the prepare step, checks the key's fingerprint against the one pinned here and the
// signature against that key, keeps them in a cache, and installs from the cache (no network in the serial step).
import type { MetricsAgentFacts } from "./facts";
import { CLOUDWATCH_AGENT_UNIT } from "./render/cloudwatchAgent";

/** The pinned agent release (github.com/aws/amazon-cloudwatch-agent tag v1.300070.0, the release branch). */
export const CLOUDWATCH_AGENT_VERSION = "1.300070.0";
/** `@ARCH@` becomes `dpkg --print-architecture` on the host (amd64, arm64): the bucket's own directory names. */
export const CLOUDWATCH_AGENT_DEB_URL = `https://amazoncloudwatch-agent.s3.amazonaws.com/ubuntu/@ARCH@/${CLOUDWATCH_AGENT_VERSION}/amazon-cloudwatch-agent.deb`;
export const CLOUDWATCH_AGENT_KEY_URL = "https://amazoncloudwatch-agent.s3.amazonaws.com/assets/amazon-cloudwatch-agent.gpg";
/** The fingerprint AWS documents for the agent's signing key ("Verifying the signature of the CloudWatch agent package"). */
export const CLOUDWATCH_AGENT_KEY_FINGERPRINT = "937616F3450B7D806CBD9725D58167303B789C72";
export const CLOUDWATCH_AGENT_PACKAGE = "amazon-cloudwatch-agent";
/** Downloaded and verified packages survive between runs here (prepare fills it, install reads it). */
export const AGENT_CACHE_DIR = "/var/cache/openzro/agent";

/** converge.sh's agent variables (docs/hosts.md); every one empty when the host has no agent. */
export function metricsAgentVars(agent: MetricsAgentFacts["kind"] | undefined): Record<string, string> {
    const on = agent === "cloudwatch";
    return {
        OZ_AGENT_PACKAGE: on ? CLOUDWATCH_AGENT_PACKAGE : "",
        OZ_AGENT_VERSION: on ? CLOUDWATCH_AGENT_VERSION : "",
        OZ_AGENT_DEB_URL: on ? CLOUDWATCH_AGENT_DEB_URL : "",
        OZ_AGENT_KEY_URL: on ? CLOUDWATCH_AGENT_KEY_URL : "",
        OZ_AGENT_KEY_FINGERPRINT: on ? CLOUDWATCH_AGENT_KEY_FINGERPRINT : "",
        OZ_AGENT_UNIT: on ? CLOUDWATCH_AGENT_UNIT : "",
        OZ_AGENT_CACHE_DIR: on ? AGENT_CACHE_DIR : "",
    };
}
