// CPU architecture of an EC2 instance type, so the AMI lookup asks for an image that can boot on it. The
// Graviton rule lives with the config layer (components/config/syntax.ts), so validation and the lookup agree.
import { isEc2InstanceType, isGravitonInstanceType } from "../config/syntax";

export type CpuArchitecture = "amd64" | "arm64";

/**
 * arm64 for Graviton types (t4g, m7g, c7gn, im4gn, a1, ...), amd64 otherwise.
 * `configKey` names the setting the type came from, for the error message.
 */
export function instanceArchitecture(instanceType: string, configKey = "instanceType"): CpuArchitecture {
    if (!isEc2InstanceType(instanceType)) {
        throw new Error(
            `${configKey}: not an EC2 instance type (got "${instanceType}"); use <family><generation>.<size>, e.g. "t3.small" or "t4g.small"`,
        );
    }
    return isGravitonInstanceType(instanceType) ? "arm64" : "amd64";
}
