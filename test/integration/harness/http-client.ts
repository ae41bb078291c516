// A small HTTP/1.1 client for the tests, with a chosen source address (to be, or not be, "the load balancer").
import * as http from "http";

export interface HttpResult {
    readonly status: number;
    readonly headers: http.IncomingHttpHeaders;
    readonly body: string;
}

export function httpGet(
    url: string,
    opts: { headers?: Record<string, string>; localAddress?: string; timeoutMs?: number } = {},
): Promise<HttpResult> {
    return new Promise((resolve, reject) => {
        const req = http.get(url, { headers: opts.headers, localAddress: opts.localAddress, timeout: opts.timeoutMs ?? 5000, agent: false }, (res) => {
            let body = "";
            res.setEncoding("utf8");
            res.on("data", (c) => (body += c));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        });
        req.on("timeout", () => req.destroy(new Error(`GET ${url}: timeout`)));
        req.on("error", reject);
    });
}

/** nginx time ("90", "30s", "5m", "1h", "1d", "1h30m") in seconds. */
export function nginxTimeSeconds(value: string): number {
    const units: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, M: 2592000, y: 31536000 };
    if (/^\d+$/.test(value)) return Number(value);
    const parts = [...value.matchAll(/(\d+)(ms|s|m|h|d|w|M|y)/g)];
    if (parts.length === 0 || parts.map((p) => p[0]).join("") !== value) throw new Error(`not an nginx time: ${JSON.stringify(value)}`);
    return parts.reduce((sum, p) => sum + Number(p[1]) * units[p[2]], 0);
}

/** POST `body` (sent with Content-Length) and collect the answer. */
export function httpPost(
    url: string,
    body: Buffer,
    opts: { headers?: Record<string, string>; localAddress?: string; timeoutMs?: number } = {},
): Promise<HttpResult> {
    return new Promise((resolve, reject) => {
        const req = http.request(
            url,
            {
                method: "POST",
                headers: { "content-type": "application/json", "content-length": String(body.length), ...opts.headers },
                localAddress: opts.localAddress,
                timeout: opts.timeoutMs ?? 15000,
                agent: false,
            },
            (res) => {
                let text = "";
                res.setEncoding("utf8");
                res.on("data", (c) => (text += c));
                res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
            },
        );
        req.on("timeout", () => req.destroy(new Error(`POST ${url}: timeout`)));
        // nginx answers 413 and closes while the body is still being sent: keep the answer, not the EPIPE.
        req.on("error", reject);
        req.end(body);
    });
}
