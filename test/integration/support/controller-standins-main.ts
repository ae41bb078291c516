// Child-process entry point: one controller's management (REST + gRPC on one port) and signal gRPC stand-ins,
// so they live inside the stand-in host's PID namespace and die with it. Usage: <host address>.
import { MANAGEMENT_PORT, SIGNAL_PORT } from "../../../components/host/ports";
import { loadProtos, startSignalGrpc } from "../harness/grpc-standins";
import { startManagementStandIn } from "../harness/management-standin";

async function main(): Promise<void> {
    const host = process.argv[2];
    if (!host || !/^127\.\d+\.\d+\.\d+$/.test(host)) throw new Error(`usage: controller-standins-main <loopback address> (got ${host})`);
    const protos = loadProtos();
    await startManagementStandIn(protos, host, MANAGEMENT_PORT);
    await startSignalGrpc(protos, host, SIGNAL_PORT);
    process.stdout.write(`ready ${host}\n`);
    // Lives until the host's namespace is killed (or the test stops it); nothing else keeps the loop alive.
    setInterval(() => undefined, 1 << 30);
}

main().catch((err) => {
    process.stderr.write(`${(err as Error).stack ?? err}\n`);
    process.exit(1);
});
