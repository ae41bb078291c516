// A minimal STUN client (RFC 5389) for the tests: a Binding request and a TURN Allocate request (RFC 5766) over
// UDP, and the parts of the answer the tests assert on. Test code only: hosts check with turnutils_stunclient.
import * as crypto from "crypto";
import * as dgram from "dgram";

const MAGIC_COOKIE = 0x2112a442;
const BINDING_REQUEST = 0x0001;
const ALLOCATE_REQUEST = 0x0003;
const XOR_MAPPED_ADDRESS = 0x0020;
const ERROR_CODE = 0x0009;
const REQUESTED_TRANSPORT = 0x0019;

export interface StunAnswer {
    /** Message type: 0x0101 binding success, 0x0111 binding error, 0x0103 allocate success, 0x0113 allocate error. */
    readonly type: number;
    readonly mapped?: { readonly address: string; readonly port: number };
    readonly errorCode?: number;
}

function request(type: number, attributes: Buffer): { message: Buffer; transactionId: Buffer } {
    const transactionId = crypto.randomBytes(12);
    const header = Buffer.alloc(20);
    header.writeUInt16BE(type, 0);
    header.writeUInt16BE(attributes.length, 2);
    header.writeUInt32BE(MAGIC_COOKIE, 4);
    transactionId.copy(header, 8);
    return { message: Buffer.concat([header, attributes]), transactionId };
}

export function parseAnswer(msg: Buffer, transactionId: Buffer): StunAnswer | undefined {
    if (msg.length < 20 || msg.readUInt32BE(4) !== MAGIC_COOKIE || !msg.subarray(8, 20).equals(transactionId)) return undefined;
    const type = msg.readUInt16BE(0);
    const end = 20 + msg.readUInt16BE(2);
    let mapped: StunAnswer["mapped"];
    let errorCode: number | undefined;
    for (let at = 20; at + 4 <= end; ) {
        const attr = msg.readUInt16BE(at);
        const len = msg.readUInt16BE(at + 2);
        const value = msg.subarray(at + 4, at + 4 + len);
        if (attr === XOR_MAPPED_ADDRESS && value[1] === 0x01) {
            const port = value.readUInt16BE(2) ^ (MAGIC_COOKIE >>> 16);
            const ip = (value.readUInt32BE(4) ^ MAGIC_COOKIE) >>> 0;
            mapped = { address: [ip >>> 24, (ip >>> 16) & 255, (ip >>> 8) & 255, ip & 255].join("."), port };
        }
        if (attr === ERROR_CODE) {
            errorCode = (value[2] & 7) * 100 + value[3];
        }
        at += 4 + Math.ceil(len / 4) * 4;
    }
    return { type, mapped, errorCode };
}

/** Sends one request from `from` (address, port 0 = any) and resolves with the answer, or undefined on silence. */
async function exchange(server: { address: string; port: number }, from: string, type: number, attributes: Buffer, timeoutMs: number): Promise<{ answer?: StunAnswer; local: { address: string; port: number } }> {
    const socket = dgram.createSocket("udp4");
    await new Promise<void>((resolve) => socket.bind(0, from, resolve));
    const local = socket.address();
    const { message, transactionId } = request(type, attributes);
    try {
        const answer = await new Promise<StunAnswer | undefined>((resolve) => {
            const timer = setTimeout(() => resolve(undefined), timeoutMs);
            socket.on("message", (msg) => {
                const parsed = parseAnswer(msg, transactionId);
                if (parsed) {
                    clearTimeout(timer);
                    resolve(parsed);
                }
            });
            // Retransmit like a real client (UDP may drop the first one while the server starts).
            const send = () => socket.send(message, server.port, server.address);
            send();
            const again = setInterval(send, 250);
            socket.once("close", () => clearInterval(again));
            timer.unref();
        });
        return { answer, local: { address: local.address, port: local.port } };
    } finally {
        socket.close();
    }
}

export function stunBinding(server: { address: string; port: number }, from: string, timeoutMs = 3000) {
    return exchange(server, from, BINDING_REQUEST, Buffer.alloc(0), timeoutMs);
}

/** A TURN Allocate for a UDP relay, without credentials (what a TURN server answers 401 to, and must not grant). */
export function turnAllocate(server: { address: string; port: number }, from: string, timeoutMs = 3000) {
    const attr = Buffer.alloc(8);
    attr.writeUInt16BE(REQUESTED_TRANSPORT, 0);
    attr.writeUInt16BE(4, 2);
    attr[4] = 17; // UDP
    return exchange(server, from, ALLOCATE_REQUEST, attr, timeoutMs);
}
