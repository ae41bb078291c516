// The instance chain as a footprint builds it, cloud-agnostic: host i+1's instance depends on what the chain returned
// for host i (its gate, components/host/instanceGate.ts), so a stop/start change or a replacement reaches one host
// per tier at a time, on AWS and on GCP alike.
import * as pulumi from "@pulumi/pulumi";

/** Called right after a host's instance is declared; returns what the next instance of the tier must wait for. */
export type AfterInstance<I extends pulumi.Resource> = (host: {
    readonly name: string;
    readonly instance: I;
    /** What the cloud applies by stop/start (instance/machine type): the gate's command line names it. */
    readonly instanceType: string;
    readonly hostPublicKey: pulumi.Output<string>;
}) => pulumi.Resource | undefined;

/** Options of the next instance in a chain: it waits for the previous host's gate. */
export function chainedAfter(previous: pulumi.Resource | undefined): pulumi.CustomResourceOptions {
    return previous ? { dependsOn: [previous] } : {};
}
