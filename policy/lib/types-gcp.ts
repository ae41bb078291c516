// GCP resource type tokens the GCP policies look at (checked against the @pulumi/gcp typings by test/policy). The
// @pulumi/gcp classes are only imported as types, never loaded at run time.
export const G = {
    sqlInstance: "gcp:sql/databaseInstance:DatabaseInstance",
    instance: "gcp:compute/instance:Instance",
    firewall: "gcp:compute/firewall:Firewall",
    backendService: "gcp:compute/backendService:BackendService",
    urlMap: "gcp:compute/uRLMap:URLMap",
    address: "gcp:compute/address:Address",
    gcpProvider: "pulumi:providers:gcp",
} as const;

/** The gRPC services peers call through the load balancer (components/aws/loadBalancerPlan.ts LISTENER_RULES). */
export const GRPC_PATH_PREFIXES = ["/management.ManagementService/", "/flow.FlowService/", "/signalexchange.SignalExchange/"] as const;
