// Unknown keys in the project's namespace are errors: a typo such as `openzro:controlerCount` would otherwise be
// ignored silently and the stack would deploy the default. The known set is CONFIG_KEYS, so a key added there is
// known here without another list to keep in sync.
import { ConfigError } from "./errors";
import { CONFIG_KEYS } from "./keys";

/** Case-insensitive edit distance (insert, delete, substitute, swap of two neighbours). */
export function editDistance(a: string, b: string): number {
    const s = a.toLowerCase();
    const t = b.toLowerCase();
    const d: number[][] = Array.from({ length: s.length + 1 }, (_, i) => [i, ...new Array<number>(t.length).fill(0)]);
    for (let j = 0; j <= t.length; j++) d[0][j] = j;
    for (let i = 1; i <= s.length; i++) {
        for (let j = 1; j <= t.length; j++) {
            const cost = s[i - 1] === t[j - 1] ? 0 : 1;
            d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
            if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) {
                d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
            }
        }
    }
    return d[s.length][t.length];
}

/** The known key nearest to `key` (ties: the first in `known`'s order). */
export function closestKey(key: string, known: readonly string[]): string {
    let best = known[0];
    let bestDistance = Number.POSITIVE_INFINITY;
    for (const candidate of known) {
        const distance = editDistance(key, candidate);
        if (distance < bestDistance) {
            best = candidate;
            bestDistance = distance;
        }
    }
    return best;
}

/** A key of the namespace that the program does not read. The value is never shown: it may be a secret. */
export class UnknownConfigKeyError extends ConfigError {
    constructor(fullKey: string, namespace: string, suggestion: string) {
        super(fullKey, "is not a key this program reads", undefined, "");
        this.message =
            `${fullKey}: is not a key this program reads; did you mean ${suggestion}? ` +
            `Rename it (\`pulumi config rm ${fullKey}\`, then set ${namespace}:${suggestion}) or remove it`;
    }
}

/**
 * Throws UnknownConfigKeyError for the first (sorted) key `<namespace>:<name>` whose name is not in `known`.
 * `configKeys` are every config key the stack hands the program, in any namespace; other namespaces (aws:, gcp:,
 * pulumi:) belong to providers and are left alone.
 */
export function checkKnownKeys(
    configKeys: readonly string[],
    namespace: string,
    known: readonly string[] = Object.keys(CONFIG_KEYS),
): void {
    const prefix = `${namespace}:`;
    const knownSet = new Set(known);
    const unknown = configKeys
        .filter((k) => k.startsWith(prefix))
        .map((k) => k.slice(prefix.length))
        .filter((name) => !knownSet.has(name))
        .sort();
    if (unknown.length > 0) {
        throw new UnknownConfigKeyError(`${prefix}${unknown[0]}`, namespace, closestKey(unknown[0], known));
    }
}
