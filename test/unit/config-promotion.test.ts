// assertPromotionSource: a protected (production) stack needs a version source, staging never does.
import { ConfigError } from "../../components/config/errors";
import { assertPromotionSource } from "../../components/config/promotion";

describe("assertPromotionSource", () => {
    it("refuses a protected stack without promoteFromStack, in one line naming the key and both fixes", () => {
        let error: unknown;
        try {
            assertPromotionSource({ protectResources: true, allowUnpromotedDeploy: false });
        } catch (e) {
            error = e;
        }
        expect(error).toBeInstanceOf(ConfigError);
        const message = (error as Error).message;
        expect(message.split("\n")).toHaveLength(1);
        expect(message).toMatch(/^promoteFromStack: .*\(got nothing\); set openzro:promoteFromStack to <organization>\/openzro\/staging .* openzro:allowUnpromotedDeploy true/);
    });

    it.each([
        ["a protected stack that promotes", { protectResources: true, promoteFromStack: "acme/openzro/staging", allowUnpromotedDeploy: false }],
        ["a protected stack with the explicit override", { protectResources: true, allowUnpromotedDeploy: true }],
        ["an unprotected stack (staging)", { protectResources: false, allowUnpromotedDeploy: false }],
    ])("accepts %s", (_what, settings) => {
        expect(() => assertPromotionSource(settings)).not.toThrow();
    });
});
