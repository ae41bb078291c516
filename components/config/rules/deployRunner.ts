// The optional CI deploy runner (docs/promotion.md, "CI deploy runner"). Off unless deployRunnerRepository is set;
// then the GitHub token is required, because the runner cannot register without it.
import { ConfigError } from "../errors";
import { DEFAULTS } from "../keys";
import type { RawReader } from "../reader";
import type { Cloud, Settings } from "../types";
import { checkEc2InstanceType, rejectOnGcp } from "./common";

const REPOSITORY = /^[A-Za-z0-9-]{1,39}\/[A-Za-z0-9._-]{1,100}$/;

/** The runner is an EC2 instance inside the stack's VPC; the GCP footprint has none, so its keys must stay unset. */
const GCP_NO_RUNNER = "the CI deploy runner is an EC2 instance and the GCP footprint creates none (on GCP you register the runner yourself)";

export function readDeployRunner(r: RawReader, cloud: Cloud = "aws"): Pick<Settings, "deployRunner"> {
    const repository = r.text("deployRunnerRepository");
    if (cloud === "gcp") {
        rejectOnGcp("deployRunnerRepository", repository, repository === undefined, GCP_NO_RUNNER, "remove it and register a runner labelled openzro-<stack> (docs/promotion.md, \"GCP: a runner you register\")");
        const type = r.text("deployRunnerInstanceType", DEFAULTS.deployRunnerInstanceType);
        rejectOnGcp("deployRunnerInstanceType", type, type === DEFAULTS.deployRunnerInstanceType, GCP_NO_RUNNER, "remove it");
        const token = r.secret("deployRunnerGithubToken");
        rejectOnGcp("deployRunnerGithubToken", "[secret]", token === undefined, GCP_NO_RUNNER, "remove it with `pulumi config rm deployRunnerGithubToken`");
        return {};
    }
    const instanceType = checkEc2InstanceType(
        "deployRunnerInstanceType",
        r.text("deployRunnerInstanceType", DEFAULTS.deployRunnerInstanceType),
        DEFAULTS.deployRunnerInstanceType,
    );
    const githubToken = r.secret("deployRunnerGithubToken");
    if (repository === undefined) {
        if (githubToken !== undefined) {
            throw new ConfigError(
                "deployRunnerGithubToken",
                "is set but deployRunnerRepository is not, so no runner would use it",
                "[secret]",
                "set deployRunnerRepository to owner/name, or remove the token with `pulumi config rm deployRunnerGithubToken`",
            );
        }
        return {};
    }
    if (!REPOSITORY.test(repository) || repository.includes("..")) {
        throw new ConfigError("deployRunnerRepository", "is not a GitHub repository", repository, "use owner/name, e.g. acme/openzro-deploy (no URL)");
    }
    if (githubToken === undefined) {
        throw new ConfigError(
            "deployRunnerGithubToken",
            "is required when deployRunnerRepository is set",
            undefined,
            "set a fine-grained GitHub token with Administration: write on the repository: `pulumi config set --secret deployRunnerGithubToken <token>`",
        );
    }
    return { deployRunner: { repository, instanceType, githubToken } };
}
