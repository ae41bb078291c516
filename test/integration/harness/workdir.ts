// Per-test-file scratch directories. World-traversable (0755) because services under test run as their own
// users (postgres, www-data nginx workers) and must reach files inside. Removed afterwards unless
// OZ_IT_KEEP=1 (then the path is printed, for looking at logs after a failure).
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export function makeWorkDir(name: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `openzro-it-${name}-`));
    fs.chmodSync(dir, 0o755);
    return dir;
}

export function removeWorkDir(dir: string): void {
    if (process.env.OZ_IT_KEEP === "1") {
        // eslint-disable-next-line no-console
        console.log(`OZ_IT_KEEP=1: kept ${dir}`);
        return;
    }
    fs.rmSync(dir, { recursive: true, force: true });
}
