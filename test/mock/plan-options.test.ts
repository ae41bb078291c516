// plan.json's `options`: what the program sent to the engine for replace and delete decisions, recorded from the
// RegisterResourceRequest the SDK builds (aliases arrive as structured specs, because the mock monitor supports
// "aliasSpecs"; the engine turns them into URNs the same way the plan does).
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { planJsonOptions } from "../../scripts/plan/planJson";
import { runComponent } from "../support";

class Holder extends pulumi.ComponentResource {
    constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
        super("test:index:Holder", name, {}, opts);
    }
}

describe("plan.json resource options", () => {
    it("records every replace/delete option exactly as sent, aliases as the URNs the engine would match", async () => {
        const run = await runComponent(() => {
            const holder = new Holder("holder");
            const anchor = new random.RandomId("anchor", { byteLength: 4 }, { parent: holder });
            new random.RandomBytes(
                "key",
                { length: 32 },
                {
                    parent: holder,
                    protect: true,
                    retainOnDelete: true,
                    ignoreChanges: ["length"],
                    deleteBeforeReplace: true,
                    replaceOnChanges: ["keepers"],
                    deletedWith: anchor,
                    customTimeouts: { create: "5m", delete: "1m" },
                    aliases: [{ name: "old-key" }, { name: "older-key", parent: pulumi.rootStackResource }, "urn:pulumi:test::openzro::random:index/randomBytes:RandomBytes::by-urn"],
                },
            );
            new random.RandomBytes("plain", { length: 8 });
        });
        const key = run.one("random:index/randomBytes:RandomBytes", "key");
        const anchorUrn = run.one("random:index/randomId:RandomId", "anchor").urn;
        const holderType = "test:index:Holder";
        expect(planJsonOptions(key.options)).toEqual({
            protect: true,
            retainOnDelete: true,
            ignoreChanges: ["length"],
            deleteBeforeReplace: true,
            replaceOnChanges: ["keepers"],
            deletedWith: anchorUrn,
            aliases: [
                `urn:pulumi:test::openzro::${holderType}$random:index/randomBytes:RandomBytes::old-key`,
                // Under the stack root: no parent type in the qualified type.
                "urn:pulumi:test::openzro::random:index/randomBytes:RandomBytes::older-key",
                "urn:pulumi:test::openzro::random:index/randomBytes:RandomBytes::by-urn",
            ],
            customTimeouts: { create: "5m", delete: "1m" },
        });
        expect(planJsonOptions(run.one("random:index/randomBytes:RandomBytes", "plain").options)).toEqual({
            protect: false,
            retainOnDelete: false,
            ignoreChanges: [],
            deleteBeforeReplace: false,
            replaceOnChanges: [],
            deletedWith: null,
            aliases: [],
            customTimeouts: null,
        });
    });
});
