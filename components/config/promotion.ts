// Which openZro version a protected (production) stack may deploy. A manual `pulumi up` against production must
// install what staging proved, never whatever its own stack file pins (docs/promotion.md). Pure; the program
// calls it before registering anything.
import { ConfigError } from "./errors";
import type { Settings } from "./types";

export function assertPromotionSource(settings: Pick<Settings, "protectResources" | "promoteFromStack" | "allowUnpromotedDeploy">): void {
    if (settings.protectResources && !settings.promoteFromStack && !settings.allowUnpromotedDeploy) {
        throw new ConfigError(
            "promoteFromStack",
            "is required on a protected (production) stack, or a manual run would install this stack's own openzroVersion instead of the one staging proved",
            settings.promoteFromStack,
            "set openzro:promoteFromStack to <organization>/openzro/staging (docs/promotion.md), or set openzro:allowUnpromotedDeploy true for a stack that deploys its own openzroVersion",
        );
    }
}
