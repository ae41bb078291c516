// Where alarms go: one SNS topic per region that has alarms, each with the configured email subscriptions.
// CloudWatch can only notify a topic in the alarm's own region, so a region without its own topic cannot alarm.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { nameTag, resourceTags } from "./tags";

export class AlarmTopics {
    private readonly byRegion = new Map<string, aws.sns.Topic>();

    constructor(
        private readonly name: string,
        private readonly emails: readonly string[],
        private readonly providerFor: (region: string) => aws.Provider,
        private readonly parent: pulumi.Resource,
    ) {}

    /** The topic of `region`, created on first use with that region's provider. */
    topic(region: string): aws.sns.Topic {
        const existing = this.byRegion.get(region);
        if (existing) return existing;
        const stack = pulumi.getStack();
        const opts = { parent: this.parent, provider: this.providerFor(region) };
        const topic = new aws.sns.Topic(
            `${this.name}-alarms-${region}`,
            { name: nameTag(stack, `alarms-${region}`), displayName: `openZro ${stack} alarms`, tags: resourceTags("monitoring", stack, `alarms-${region}`) },
            opts,
        );
        // Named by address, not position: removing one address must not re-create (and re-confirm) the others.
        this.emails.forEach((email) => {
            new aws.sns.TopicSubscription(`${this.name}-alarms-${region}-${email.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`, { topic: topic.arn, protocol: "email", endpoint: email }, opts);
        });
        this.byRegion.set(region, topic);
        return topic;
    }

    regions(): string[] {
        return [...this.byRegion.keys()];
    }
}
