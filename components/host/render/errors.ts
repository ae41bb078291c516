// One-line errors for inputs the renderers cannot turn into a working host file. Config validation
// (components/config) rejects almost everything earlier; these checks guard the few facts that only exist
// after the footprint resolves (addresses, secrets) and anything a caller could pass around validation.

/** `<key>: <problem> (got <value>); <fix>` on one line, like the config layer's ConfigError. */
export class RenderError extends Error {
    constructor(key: string, problem: string, got: unknown, fix: string) {
        super(`${key}: ${problem} (got ${oneLine(got)}); ${fix}`);
        this.name = "RenderError";
    }
}

function oneLine(value: unknown): string {
    const text = typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
    return text.replace(/[\r\n]+/g, " ");
}
