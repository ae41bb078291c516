// CPU architecture of an EC2 instance type, so the AMI lookup asks for an image that can boot on it.
// EC2 names are <family><generation><attributes>.<size> (e.g. m7gd.large); a "g" among the attributes marks
// AWS Graviton (arm64). The a1 family predates that convention and is Graviton too.

export type CpuArchitecture = "amd64" | "arm64";

const INSTANCE_TYPE = /^([a-z]+)(\d+)([a-z-]*)\.([a-z0-9-]+)$/;

/**
 * arm64 for Graviton types (t4g, m7g, c7gn, im4gn, a1, ...), amd64 otherwise.
 * `configKey` names the setting the type came from, for the error message.
 */
export function instanceArchitecture(instanceType: string, configKey = "instanceType"): CpuArchitecture {
    const match = INSTANCE_TYPE.exec(instanceType);
    if (!match) {
        throw new Error(
            `${configKey}: not an EC2 instance type (got "${instanceType}"); use <family><generation>.<size>, e.g. "t3.small" or "t4g.small"`,
        );
    }
    const [, family, generation, attributes] = match;
    if (family === "a" && generation === "1") {
        return "arm64";
    }
    // Only the attribute letters count: the g in g5.xlarge is the GPU family, not Graviton.
    return attributes.replace(/-.*$/, "").includes("g") ? "arm64" : "amd64";
}
