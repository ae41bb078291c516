// SSH connection arguments for the remote commands. Typed ConnectionArgs only: an unexpected field makes the
// CLI echo the whole connection, private key included, in its error (pulumi/pulumi#19465).
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { SshRoute } from "./facts";

export interface DialSettings {
    /** Failed dials before giving up (-1: unlimited). */
    readonly dialErrorLimit: number;
    /** Seconds per dial attempt. */
    readonly perDialTimeout: number;
}

/**
 * The first command on a fresh instance. Between dials the provider backs off from ~0.1 s to at most 5 s and
 * has no configurable wait (pulumi/pulumi-command#1238), so while sshd still refuses connections a small limit
 * is used up in seconds. 120 attempts is roughly 10 minutes of refusals, or up to 30 minutes of silent
 * timeouts, inside the command's 30 minute customTimeout.
 */
export const WAIT_DIAL: DialSettings = { dialErrorLimit: 120, perDialTimeout: 10 };

/** Later commands: the host already answered its wait command; only transient failures are retried. */
export const COMMAND_DIAL: DialSettings = { dialErrorLimit: 20, perDialTimeout: 15 };

/** Connection to a host, through the bastion when the route has a proxy. The private keys are secrets. */
export function connectionArgs(route: SshRoute, dial: DialSettings): command.types.input.remote.ConnectionArgs {
    const connection: command.types.input.remote.ConnectionArgs = {
        host: route.host,
        user: route.user,
        privateKey: pulumi.secret(route.privateKey),
        dialErrorLimit: dial.dialErrorLimit,
        perDialTimeout: dial.perDialTimeout,
        // Pinned: pulumi-command verifies exactly this key (ssh.FixedHostKey) instead of accepting any.
        ...(route.hostKey !== undefined ? { hostKey: route.hostKey } : {}),
    };
    if (route.proxy) {
        const proxy: command.types.input.remote.ProxyConnectionArgs = {
            host: route.proxy.host,
            user: route.proxy.user,
            privateKey: pulumi.secret(route.proxy.privateKey),
            dialErrorLimit: dial.dialErrorLimit,
            perDialTimeout: dial.perDialTimeout,
            ...(route.proxy.hostKey !== undefined ? { hostKey: route.proxy.hostKey } : {}),
        };
        return { ...connection, proxy };
    }
    return connection;
}
