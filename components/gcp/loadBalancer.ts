// The public entry point: a global external Application Load Balancer (EXTERNAL_MANAGED) on a reserved global
// address, a Google-managed certificate for settings.domain, HTTPS with a TLS 1.2+ SSL policy, HTTP redirected to
// HTTPS, and a URL map sending the gRPC paths to HTTP/2 (over TLS) backend services and everything else to
// nginx's HTTP/1.1 port, on every controller's zone group. Routing, timeouts and health checks come from
// loadBalancerPlan.ts. The managed certificate turns ACTIVE only once the A record resolves to the address.
import * as pulumi from "@pulumi/pulumi";
import * as gcp from "@pulumi/gcp";
import { Settings } from "../config/types";
import { TargetKey } from "../aws/loadBalancerPlan";
import { DnsZone } from "./dns";
import { resourceLabels } from "./labels";
import { BackendServicePlan, CLIENT_KEEPALIVE_SECONDS, backendServicePlans, urlMapPathRules } from "./loadBalancerPlan";

export interface LoadBalancerArgs {
    readonly settings: Settings;
    readonly instanceGroups: readonly pulumi.Input<string>[];
    readonly dns: DnsZone;
    readonly provider: gcp.Provider;
}

const SCHEME = "EXTERNAL_MANAGED";

function healthCheckArgs(plan: BackendServicePlan): gcp.compute.HealthCheckArgs {
    const hc = plan.healthCheck;
    const probe = { port: hc.port, portSpecification: "USE_FIXED_PORT", requestPath: hc.requestPath };
    return {
        checkIntervalSec: hc.checkIntervalSec,
        timeoutSec: hc.timeoutSec,
        healthyThreshold: hc.healthyThreshold,
        unhealthyThreshold: hc.unhealthyThreshold,
        ...(hc.kind === "http" ? { httpHealthCheck: probe } : { http2HealthCheck: probe }),
        logConfig: { enable: false },
    };
}

export class LoadBalancer extends pulumi.ComponentResource {
    /** The global anycast IPv4 address the domain points at. */
    readonly address: pulumi.Output<string>;
    readonly certificateName: pulumi.Output<string>;
    readonly backendServices: Readonly<Record<TargetKey, gcp.compute.BackendService>>;

    constructor(name: string, args: LoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("openzro:gcp:LoadBalancer", name, {}, opts);
        const { settings } = args;
        const childOpts = { parent: this, provider: args.provider };

        const ip = new gcp.compute.GlobalAddress(`${name}-lb`, { ipVersion: "IPV4", addressType: "EXTERNAL", description: `openZro ${settings.domain}`, labels: resourceLabels("loadbalancer") }, childOpts);
        this.address = ip.address;
        // No AAAA record: the load balancer has no IPv6 address, and a stray AAAA keeps the certificate FAILED_NOT_VISIBLE.
        const record = args.dns.aRecord(`${name}-domain`, settings.domain, ip.address, this);

        // Auto-named: a changed domain list needs a new certificate while the old one is still attached.
        const certificate = new gcp.compute.ManagedSslCertificate(`${name}-cert`, { type: "MANAGED", managed: { domains: [settings.domain] } }, childOpts);
        this.certificateName = certificate.name;
        const sslPolicy = new gcp.compute.SSLPolicy(`${name}-tls`, { profile: "MODERN", minTlsVersion: "TLS_1_2" }, childOpts);

        const services = {} as Record<TargetKey, gcp.compute.BackendService>;
        for (const plan of backendServicePlans(settings.loadBalancer)) {
            const healthCheck = new gcp.compute.HealthCheck(`${name}-hc-${plan.key}`, healthCheckArgs(plan), childOpts);
            services[plan.key] = new gcp.compute.BackendService(
                `${name}-${plan.key}`,
                {
                    loadBalancingScheme: SCHEME,
                    protocol: plan.protocol,
                    portName: plan.portName,
                    timeoutSec: plan.timeoutSec,
                    connectionDrainingTimeoutSec: plan.connectionDrainingTimeoutSec,
                    healthChecks: healthCheck.id,
                    backends: args.instanceGroups.map((group) => ({ group, balancingMode: "UTILIZATION", maxUtilization: 0.8, capacityScaler: 1 })),
                    logConfig: { enable: true, sampleRate: 1 },
                },
                childOpts,
            );
        }
        this.backendServices = services;

        const urlMap = new gcp.compute.URLMap(
            `${name}-https`,
            {
                defaultService: services.http.id,
                hostRules: [{ hosts: [settings.domain], pathMatcher: "openzro" }],
                pathMatchers: [
                    {
                        name: "openzro",
                        defaultService: services.http.id,
                        pathRules: urlMapPathRules().map((rule) => ({ paths: [...rule.paths], service: services[rule.target].id })),
                    },
                ],
            },
            childOpts,
        );
        const httpsProxy = new gcp.compute.TargetHttpsProxy(
            `${name}-https`,
            { urlMap: urlMap.id, sslCertificates: [certificate.id], sslPolicy: sslPolicy.id, httpKeepAliveTimeoutSec: CLIENT_KEEPALIVE_SECONDS },
            childOpts,
        );
        new gcp.compute.GlobalForwardingRule(
            `${name}-https`,
            { target: httpsProxy.id, ipAddress: ip.address, portRange: "443", ipProtocol: "TCP", loadBalancingScheme: SCHEME, labels: resourceLabels("loadbalancer") },
            { ...childOpts, dependsOn: [record] },
        );

        const redirect = new gcp.compute.URLMap(
            `${name}-redirect`,
            { defaultUrlRedirect: { httpsRedirect: true, stripQuery: false, redirectResponseCode: "MOVED_PERMANENTLY_DEFAULT" } },
            childOpts,
        );
        const httpProxy = new gcp.compute.TargetHttpProxy(`${name}-http`, { urlMap: redirect.id }, childOpts);
        new gcp.compute.GlobalForwardingRule(
            `${name}-http`,
            { target: httpProxy.id, ipAddress: ip.address, portRange: "80", ipProtocol: "TCP", loadBalancingScheme: SCHEME, labels: resourceLabels("loadbalancer") },
            childOpts,
        );

        this.registerOutputs({ address: this.address, certificateName: this.certificateName });
    }
}
