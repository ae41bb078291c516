// One error type for every bad config value, with one message shape:
//   <key>: <problem> (got <value>); <fix>
// on ONE line, so `pulumi up` shows the whole story in its first line of output.

/** How a bad value is shown: quoted strings, JSON for objects, "nothing" when unset; long values are cut. */
export function describeValue(value: unknown): string {
    if (value === undefined || value === null || value === "") {
        return "nothing";
    }
    const text = typeof value === "string" ? JSON.stringify(value) : safeJson(value);
    const oneLine = text.replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
    return oneLine.length > MAX_SHOWN ? `${oneLine.slice(0, MAX_SHOWN - 1)}…` : oneLine;
}

const MAX_SHOWN = 80;

function safeJson(value: unknown): string {
    try {
        return JSON.stringify(value) ?? String(value);
    } catch {
        return String(value);
    }
}

export class ConfigError extends Error {
    /** The config key (e.g. "vpcCidr", "relays[1].name", "aws:region"). */
    readonly key: string;

    constructor(key: string, problem: string, got: unknown, fix: string) {
        super(`${key}: ${problem} (got ${describeValue(got)}); ${fix}`.replace(/[\r\n]+/g, " "));
        this.name = "ConfigError";
        this.key = key;
    }
}
