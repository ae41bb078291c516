// Reads an environment file the way systemd's EnvironmentFile= does (the subset a renderer may emit): KEY=value
// lines, '#'/';' comments, blank lines, double quotes with backslash escapes, single quotes taken literally.
// Used to take rendered env files apart (cluster peers, DSNs, URLs) instead of grepping them.

export function parseEnvFile(content: string): Record<string, string> {
    const out: Record<string, string> = {};
    const lines = content.split("\n");
    for (let n = 0; n < lines.length; n++) {
        let line = lines[n].replace(/\r$/, "");
        // systemd joins a line ending in a backslash with the next one.
        while (line.endsWith("\\") && n + 1 < lines.length) {
            line = line.slice(0, -1) + lines[++n];
        }
        const trimmed = line.trim();
        if (trimmed === "" || trimmed.startsWith("#") || trimmed.startsWith(";")) continue;
        const eq = trimmed.indexOf("=");
        if (eq <= 0) throw new Error(`env file line ${n + 1}: expected KEY=value, got ${JSON.stringify(trimmed)}`);
        const key = trimmed.slice(0, eq).trim();
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new Error(`env file line ${n + 1}: bad variable name ${JSON.stringify(key)}`);
        out[key] = unquote(trimmed.slice(eq + 1).trim());
    }
    return out;
}

function unquote(raw: string): string {
    if (raw.length >= 2 && raw.startsWith("'") && raw.endsWith("'")) return raw.slice(1, -1);
    if (raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"')) {
        // Inside double quotes systemd (and sh) drop the backslash before exactly these four characters.
        return raw.slice(1, -1).replace(/\\(["\\$`])/g, (_m, c: string) => c);
    }
    return raw;
}
