// The relay host's readiness, for real: coturn started from the RENDERED stun-only config answers a STUN binding
// request with the client's own address and grants no TURN allocation, and the relay health checks of
// scripts/host/lib/health.sh (stun:, tls:, tls-issued:) fail where nothing (or the wrong thing) listens and pass
// against the real thing: coturn, and a TLS listener serving a test certificate for the relay's name. Everything
// runs on 127.0.47.x.
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { renderStunServerConf } from "../../components/host/render/stunServer";
import { ProcessGroup, StartedProcess, retryUntil, waitForPort } from "./harness/processes";
import { makeWorkDir, removeWorkDir } from "./harness/workdir";
import { stunBinding, turnAllocate } from "./support/stun-client";

jest.setTimeout(90_000);

const LIB = path.resolve(__dirname, "../../scripts/host/lib");
const STUN = { address: "127.0.47.11", port: 33478 };
/** The same rendered config without `stun-only`: proves the refusal comes from that line, not from the test. */
const TURN_CONTROL = { address: "127.0.47.11", port: 33479 };
const CLIENT = "127.0.47.21";
const TLS = { address: "127.0.47.12", port: 34443 };
const PLAIN = { address: "127.0.47.13", port: 34444 };
const NOTHING = { address: "127.0.47.14", port: 34445 };
const RELAY_NAME = "relay-us-east.openzro.example.com";

let workDir: string;
let group: ProcessGroup;
let coturn: StartedProcess;
let caFile: string;

function openssl(args: string[]): void {
    execFileSync("openssl", args, { stdio: ["ignore", "pipe", "pipe"] });
}

/** A CA and a certificate for `name` signed by it (what Let's Encrypt would hand the relay, trusted via SSL_CERT_FILE). */
function certificateFor(dir: string, name: string): { cert: string; key: string } {
    const p = (f: string) => path.join(dir, f);
    const ext = p(`${name}.ext`);
    fs.writeFileSync(ext, `subjectAltName=DNS:${name}\nextendedKeyUsage=serverAuth\n`);
    openssl(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", p(`${name}.key`), "-subj", `/CN=${name}`, "-out", p(`${name}.csr`)]);
    openssl(["x509", "-req", "-in", p(`${name}.csr`), "-CA", p("ca.crt"), "-CAkey", p("ca.key"), "-CAcreateserial", "-days", "2", "-extfile", ext, "-out", p(`${name}.crt`)]);
    return { cert: p(`${name}.crt`), key: p(`${name}.key`) };
}

/** One health.sh probe, as converge.sh runs it. */
function probe(check: string, env: NodeJS.ProcessEnv = {}): { ok: boolean; status: string } {
    const r = spawnSync("bash", ["-c", '. "$1/common.sh"; . "$1/health.sh"; oz_probe "$2"', "_", LIB, check], {
        env: { PATH: process.env.PATH, SSL_CERT_FILE: caFile, OZ_ROOT: "", ...env },
        encoding: "utf8",
        timeout: 30_000,
    });
    return { ok: r.status === 0, status: r.stdout };
}

function startCoturn(name: string, conf: string): StartedProcess {
    const file = path.join(workDir, `${name}.conf`);
    fs.writeFileSync(file, conf);
    // What the packaged unit runs (`turnserver -c <conf> --pidfile=`), logging to the test's log instead of syslog.
    return group.start(name, "turnserver", ["-c", file, "--pidfile=", "--log-file=stdout", "--no-stdout-log"]);
}

beforeAll(async () => {
    workDir = makeWorkDir("stun-relay-health");
    group = new ProcessGroup(path.join(workDir, "logs"));
    const certs = path.join(workDir, "certs");
    fs.mkdirSync(certs);
    caFile = path.join(certs, "ca.crt");
    openssl(["req", "-x509", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", path.join(certs, "ca.key"), "-subj", "/CN=openzro test CA", "-days", "2", "-out", caFile]);
    coturn = startCoturn("coturn", renderStunServerConf({ listenAddress: STUN.address, port: STUN.port }));
    await retryUntil("coturn answering STUN", async () => ((await stunBinding(STUN, CLIENT, 500)).answer ? true : undefined), { timeoutMs: 15_000 });
});

afterAll(async () => {
    await group?.stopAll();
    if (workDir) removeWorkDir(workDir);
});

describe("coturn from the rendered config", () => {
    it("answers a binding request with the client's own address and port (XOR-MAPPED-ADDRESS)", async () => {
        const { answer, local } = await stunBinding(STUN, CLIENT);
        expect(answer?.type).toBe(0x0101);
        expect(answer?.mapped).toEqual({ address: CLIENT, port: local.port });
    });

    it("grants no TURN allocation, where the same config without stun-only is an open TURN relay", async () => {
        // stun-only: an Allocate is dropped (no success, no relayed address). coturn answers nothing at all.
        const refused = await turnAllocate(STUN, CLIENT, 1500);
        expect(refused.answer).toBeUndefined();
        const control = startCoturn(
            "coturn-turn-control",
            renderStunServerConf({ listenAddress: TURN_CONTROL.address, port: TURN_CONTROL.port }).replace(/^stun-only\n/m, ""),
        );
        try {
            const { value: granted } = await retryUntil("control coturn answering", async () => (await turnAllocate(TURN_CONTROL, CLIENT, 500)).answer, { timeoutMs: 15_000 });
            // Without stun-only and with no credentials configured, coturn grants anonymous allocations (0x0103).
            expect(granted.type).toBe(0x0103);
        } finally {
            await group.stop(control);
        }
    });

    it("listens on UDP only: nothing accepts TCP on the STUN port", async () => {
        expect(probe(`tcp:${STUN.address}:${STUN.port}`).ok).toBe(false);
    });
});

describe("health.sh relay checks", () => {
    let tls: StartedProcess;
    let plain: StartedProcess;
    let issued: string;

    beforeAll(async () => {
        const dir = path.join(workDir, "certs");
        const good = certificateFor(dir, RELAY_NAME);
        // The TLS stand-in for a relay with its certificate: a real TLS server for the relay's name.
        tls = group.start("tls-relay", "openssl", ["s_server", "-accept", `${TLS.address}:${TLS.port}`, "-cert", good.cert, "-key", good.key, "-www", "-quiet"]);
        // A relay that accepts connections but serves no TLS (e.g. before its certificate exists).
        plain = group.start("plain-relay", "python3", ["-c", `import socket,time\ns=socket.socket();s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1);s.bind(("${PLAIN.address}",${PLAIN.port}));s.listen(16)\nwhile True:\n  c,_=s.accept();c.close()`]);
        await Promise.all([waitForPort(TLS.address, TLS.port, 15_000, tls), waitForPort(PLAIN.address, PLAIN.port, 15_000, plain)]);
        issued = path.join(workDir, "letsencrypt", RELAY_NAME);
    });

    it("stun: passes against coturn and fails where nothing answers STUN", () => {
        const ok = probe(`stun:${STUN.address}:${STUN.port}`);
        expect(ok).toEqual({ ok: true, status: expect.stringMatching(/^STUN 127\.0\.47\.11:33478 answers \(reflexive addr: 127\.\d+\.\d+\.\d+:\d+\)$/) });
        expect(probe(`stun:${NOTHING.address}:${NOTHING.port}`)).toEqual({ ok: false, status: "STUN 127.0.47.14:34445 does not answer a binding request" });
    });

    it("tls: passes against a listener serving a trusted certificate for the relay's name", () => {
        expect(probe(`tls:${TLS.address}:${TLS.port}:${RELAY_NAME}`)).toEqual({ ok: true, status: `TLS ${TLS.address}:${TLS.port} serves a valid certificate for ${RELAY_NAME}` });
    });

    it("tls: fails with no listener, with a plaintext listener, for another name and without the issuer in the trust store", () => {
        expect(probe(`tls:${NOTHING.address}:${NOTHING.port}:${RELAY_NAME}`)).toEqual({ ok: false, status: `TCP ${NOTHING.address}:${NOTHING.port} closed` });
        expect(probe(`tls:${PLAIN.address}:${PLAIN.port}:${RELAY_NAME}`).ok).toBe(false);
        const wrongName = probe(`tls:${TLS.address}:${TLS.port}:relay-eu-west.openzro.example.com`);
        expect(wrongName.ok).toBe(false);
        expect(wrongName.status).toMatch(/has no valid certificate for relay-eu-west\.openzro\.example\.com/);
        const emptyStore = path.join(workDir, "empty-store.pem");
        fs.writeFileSync(emptyStore, "");
        expect(probe(`tls:${TLS.address}:${TLS.port}:${RELAY_NAME}`, { SSL_CERT_FILE: emptyStore, SSL_CERT_DIR: path.join(workDir, "no-such-dir") }).ok).toBe(false);
    });

    it("tls-issued: before the certificate is cached needs only an open port, afterwards a valid TLS handshake", () => {
        const check = (at: { address: string; port: number }) => `tls-issued:${at.address}:${at.port}:${RELAY_NAME}:${issued}`;
        fs.rmSync(issued, { force: true });
        expect(probe(check(PLAIN))).toEqual({ ok: true, status: `TCP ${PLAIN.address}:${PLAIN.port} open; no certificate for ${RELAY_NAME} yet (the first TLS handshake for it requests one)` });
        expect(probe(check(NOTHING))).toEqual({ ok: false, status: `TCP ${NOTHING.address}:${NOTHING.port} closed` });
        fs.mkdirSync(path.dirname(issued), { recursive: true });
        fs.writeFileSync(issued, "cached certificate\n");
        expect(probe(check(PLAIN)).ok).toBe(false);
        expect(probe(check(TLS)).ok).toBe(true);
    });
});
