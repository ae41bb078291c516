// scripts/host/lib/dbca.sh: the database server CA handed over as a URL is downloaded over HTTPS only, must be PEM
// certificates and nothing else, and joins the payload's manifest so converge installs it like any other file.
// A real HTTPS server on loopback stands in for the RDS trust store.
import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as https from "https";
import type { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";

const LIB = path.resolve(__dirname, "../../scripts/host/lib");
const CA_PATH = "/etc/openzro/postgres-ca.pem";

let dir: string;
let server: https.Server;
let base: string;
let serverCert: string;
const bodies: Record<string, string> = {};

function certificate(cn: string): { key: string; cert: string } {
    const key = path.join(dir, `${cn}.key`);
    const cert = path.join(dir, `${cn}.crt`);
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", `/CN=${cn}`, "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert], { stdio: "ignore" });
    return { key: fs.readFileSync(key, "utf8"), cert: fs.readFileSync(cert, "utf8") };
}

function run(script: string, env: Record<string, string>): Promise<{ status: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
        const child = spawn("bash", ["--norc", "--noprofile", "-c", `set -euo pipefail; . "${LIB}/common.sh"; . "${LIB}/dbca.sh"; ${script}`], {
            env: { PATH: process.env.PATH ?? "/usr/bin:/bin", CURL_CA_BUNDLE: path.join(dir, "server.pem"), ...env },
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (c) => (stdout += c));
        child.stderr.on("data", (c) => (stderr += c));
        child.on("close", (code) => resolve({ status: code ?? -1, stdout, stderr }));
    });
}

function payloadDir(): string {
    const p = fs.mkdtempSync(path.join(dir, "payload-"));
    fs.mkdirSync(path.join(p, "files"));
    fs.writeFileSync(path.join(p, "manifest.tsv"), "/etc/openzro/management.json\t0640\troot\topenzro\topenzro-management\tfiles/0001\n");
    return p;
}

beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "oz-dbca-"));
    const tls = certificate("127.0.0.1");
    serverCert = tls.cert;
    fs.writeFileSync(path.join(dir, "server.pem"), tls.cert);
    const caOne = certificate("ca-one").cert;
    const caTwo = certificate("ca-two").cert;
    bodies["/bundle.pem"] = caOne + caTwo;
    bodies["/error.html"] = "<html><body>Access denied</body></html>\n";
    bodies["/with-key.pem"] = caOne + tls.key;
    server = https.createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
        const body = bodies[req.url ?? ""];
        res.writeHead(body === undefined ? 404 : 200).end(body ?? "not found");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
    await new Promise((r) => server.close(r));
    fs.rmSync(dir, { recursive: true, force: true });
});

describe("oz_db_ca_download", () => {
    const vars = (url: string) => ({ OZ_DB_CA_URL: url, OZ_DB_CA_FILE: CA_PATH, OZ_DB_CA_UNITS: "openzro-management" });

    it("downloads the bundle into the payload and adds its manifest line (restarting management when it changes)", async () => {
        const p = payloadDir();
        const r = await run(`oz_db_ca_download "${p}"; oz_db_ca_content "${p}"`, vars(`${base}/bundle.pem`));
        expect(r.stderr).toBe("");
        expect(r.stdout).toBe("files/db-ca");
        expect(fs.readFileSync(path.join(p, "files/db-ca"), "utf8")).toBe(bodies["/bundle.pem"]);
        expect(fs.readFileSync(path.join(p, "manifest.tsv"), "utf8").split("\n")[1]).toBe(`${CA_PATH}\t0644\troot\troot\topenzro-management\tfiles/db-ca`);
    });

    it.each([
        ["an error page", "/error.html", /holds no PEM certificate/],
        ["a private key next to the certificate", "/with-key.pem", /holds something besides PEM certificates/],
        ["a missing file", "/missing.pem", /cannot download the database server CA/],
    ])("refuses %s", async (_what, url, message) => {
        const p = payloadDir();
        const r = await run(`oz_db_ca_download "${p}"`, vars(`${base}${url}`));
        expect(r.status).not.toBe(0);
        expect(r.stderr).toMatch(message);
        expect(fs.readFileSync(path.join(p, "manifest.tsv"), "utf8")).not.toContain(CA_PATH);
        expect(r.stderr).not.toContain("PRIVATE KEY");
    });

    it("refuses plain HTTP: the CA must come over a verified TLS connection", async () => {
        const r = await run(`oz_db_ca_download "${payloadDir()}"`, vars(base.replace("https:", "http:") + "/bundle.pem"));
        expect(r.status).not.toBe(0);
        expect(r.stderr).toMatch(/cannot download the database server CA/);
    });

    it("refuses a server whose certificate the host does not trust", async () => {
        const untrusted = path.join(dir, "other.pem");
        fs.writeFileSync(untrusted, certificate("someone-else").cert);
        const r = await run(`oz_db_ca_download "${payloadDir()}"`, { ...vars(`${base}/bundle.pem`), CURL_CA_BUNDLE: untrusted });
        expect(r.status).not.toBe(0);
        expect(serverCert).not.toBe(fs.readFileSync(untrusted, "utf8"));
    });

    it("does nothing without a URL (the CA was shipped as a payload file), and then finds that file", async () => {
        const p = payloadDir();
        fs.writeFileSync(path.join(p, "files/0002"), bodies["/bundle.pem"]);
        fs.appendFileSync(path.join(p, "manifest.tsv"), `${CA_PATH}\t0644\troot\troot\topenzro-management\tfiles/0002\n`);
        const r = await run(`oz_db_ca_download "${p}"; oz_db_ca_content "${p}"`, vars(""));
        expect(r.stdout).toBe("files/0002");
    });

    it("fails clearly when the payload has no CA at all", async () => {
        const r = await run(`oz_db_ca_content "${payloadDir()}"`, vars(""));
        expect(r.status).not.toBe(0);
        expect(r.stderr).toMatch(/has no database server CA for \/etc\/openzro\/postgres-ca\.pem/);
    });
});
