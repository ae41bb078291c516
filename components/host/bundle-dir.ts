// Materialises a payload as a directory, exactly as the stdin script unpacks it on a host. For tests and for
// running converge.sh by hand (`bash <dir>/scripts/converge.sh <dir> create`).
import * as fs from "fs";
import * as path from "path";
import { Payload, payloadEntries } from "./bundle";

export function writePayloadDir(dir: string, payload: Payload): void {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.chmodSync(dir, 0o700);
    for (const entry of payloadEntries(payload)) {
        const target = path.join(dir, entry.path);
        fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
        fs.writeFileSync(target, entry.content, { mode: entry.mode });
        fs.chmodSync(target, entry.mode);
    }
}
