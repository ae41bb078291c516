// The public application load balancer: TLS 1.2+ only, plain HTTP only redirects, gRPC paths reach HTTP/2
// (gRPC) target groups, peers' long-lived gRPC streams survive idle periods, and malformed headers are dropped
// before they reach nginx.
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import type { Unwrap } from "@pulumi/pulumi";
import type { ListenerArgs } from "@pulumi/aws/lb/listener";
import type { ListenerRuleArgs } from "@pulumi/aws/lb/listenerRule";
import type { LoadBalancerArgs } from "@pulumi/aws/lb/loadBalancer";
import { StackIndex } from "./lib/stack";
import type { StackResource } from "./lib/types";
import { isOneOf, LB_TYPES } from "./lib/types-aws";

type ListenerProps = Unwrap<ListenerArgs>;
type RuleProps = Unwrap<ListenerRuleArgs>;
type LbProps = Unwrap<LoadBalancerArgs>;

function isApplicationLb(type: string, props: LbProps): boolean {
    return isOneOf(type, LB_TYPES.loadBalancer) && (props.loadBalancerType ?? "application") === "application";
}

/**
 * Why 600 s: the ALB closes a client connection after `idleTimeout` seconds without data, and management's
 * keepalive PINGs (every 30 s, spec §9) end at the ALB instead of crossing it. A peer's Sync stream carries data
 * only when its network map changes, so it can be silent for many minutes. Cuts at 60-120 s are what upstream
 * users saw behind proxies with short timeouts (netbird#1357, #5184); every cut is a reconnect and a full
 * network-map resync for that peer. 600 s is the floor (GCP's front end keeps backend connections 600 s, so both
 * clouds share it); the program's default is far above it.
 */
export const DEFAULT_MIN_IDLE_TIMEOUT_SECONDS = 600;

export const lbIdleTimeoutForStreams: ResourceValidationPolicy = {
    name: "lb-idle-timeout-for-streams",
    description: `Application load balancers keep idle connections at least ${DEFAULT_MIN_IDLE_TIMEOUT_SECONDS} s so peers' gRPC streams are not cut.`,
    enforcementLevel: "mandatory",
    configSchema: {
        properties: { minSeconds: { type: "integer", minimum: 1, maximum: 4000, default: DEFAULT_MIN_IDLE_TIMEOUT_SECONDS } },
    },
    validateResource: (args, reportViolation) => {
        const props = args.props as LbProps;
        if (!isApplicationLb(args.type, props)) {
            return;
        }
        const min = Number(args.getConfig<{ minSeconds?: number }>().minSeconds ?? DEFAULT_MIN_IDLE_TIMEOUT_SECONDS);
        const idle = props.idleTimeout ?? 60; // AWS default
        if (idle < min) {
            reportViolation(`idleTimeout is ${idle} s; set openzro:loadBalancer.idleTimeoutSeconds to at least ${min}.`);
        }
    },
};

export const lbDropInvalidHeaderFields: ResourceValidationPolicy = {
    name: "lb-drop-invalid-header-fields",
    description: "Application load balancers drop HTTP headers with invalid names instead of passing them to nginx (request smuggling).",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        const props = args.props as LbProps;
        if (isApplicationLb(args.type, props) && props.dropInvalidHeaderFields !== true) {
            reportViolation(`dropInvalidHeaderFields is ${String(props.dropInvalidHeaderFields)}; set it to true.`);
        }
    },
};

/** ELB security policies that accept only TLS 1.2 and 1.3 (names from the ELB docs). */
const TLS12_PLUS = /^ELBSecurityPolicy-(TLS13-1-[23]|TLS-1-2|FS-1-2)(-|$)/;

export function isTls12PlusPolicy(name: unknown): boolean {
    return typeof name === "string" && TLS12_PLUS.test(name);
}

export const lbHttpsTls12: ResourceValidationPolicy = {
    name: "lb-https-tls12",
    description: "HTTPS and TLS listeners name a security policy that accepts TLS 1.2 and 1.3 only.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (!isOneOf(args.type, LB_TYPES.listener)) {
            return;
        }
        const props = args.props as ListenerProps;
        if ((props.protocol === "HTTPS" || props.protocol === "TLS") && !isTls12PlusPolicy(props.sslPolicy)) {
            reportViolation(
                `sslPolicy is ${JSON.stringify(props.sslPolicy)}; use a TLS 1.2+ policy such as ELBSecurityPolicy-TLS13-1-2-2021-06 (openzro:loadBalancer.sslPolicy).`,
            );
        }
    },
};

function redirectsToHttps(action: { type?: string; redirect?: { protocol?: string } }): boolean {
    return action.type === "redirect" && (action.redirect?.protocol ?? "").toUpperCase() === "HTTPS";
}

export const lbHttpRedirectOnly: ResourceValidationPolicy = {
    name: "lb-http-redirect-only",
    description: "Plain-HTTP listeners do nothing but redirect to HTTPS.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (!isOneOf(args.type, LB_TYPES.listener)) {
            return;
        }
        const props = args.props as ListenerProps;
        if (props.protocol !== "HTTP") {
            return;
        }
        const actions = props.defaultActions ?? [];
        if (actions.length === 0 || !actions.every(redirectsToHttps)) {
            reportViolation(`HTTP listener default actions are [${actions.map((a) => a.type).join(", ")}]; redirect to HTTPS only.`);
        }
    },
};

export const lbHttpRulesRedirectOnly: StackValidationPolicy = {
    name: "lb-http-rules-redirect-only",
    description: "Listener rules on a plain-HTTP listener only redirect to HTTPS (no content is served without TLS).",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        const stack = new StackIndex(args.resources);
        const httpListeners = stack.ofType(...LB_TYPES.listener).filter((l) => l.props.protocol === "HTTP");
        for (const rule of stack.ofType(...LB_TYPES.listenerRule)) {
            const listener = stack.resolveOne(rule, "listenerArn", rule.props.listenerArn, httpListeners);
            const actions: RuleProps["actions"] = rule.props.actions ?? [];
            if (listener && !actions.every(redirectsToHttps)) {
                reportViolation(`${rule.name}: a rule on HTTP listener ${listener.name} does more than redirect to HTTPS.`, rule.urn);
            }
        }
    },
};

/** gRPC request paths are /<package>.<Service>/<Method>, e.g. /management.ManagementService/*. */
const GRPC_PATH = /^\/[A-Za-z_]\w*(\.[A-Za-z_]\w*)+\/(\*|[A-Za-z_]\w*\*?)$/;

export function isGrpcCondition(condition: NonNullable<RuleProps["conditions"]>[number]): boolean {
    const paths = condition.pathPattern?.values ?? [];
    if (paths.some((p) => GRPC_PATH.test(p))) {
        return true;
    }
    const h = condition.httpHeader;
    return (
        h !== undefined &&
        h.httpHeaderName.toLowerCase() === "content-type" &&
        (h.values ?? []).some((v) => v.toLowerCase().startsWith("application/grpc"))
    );
}

/** Target group references of a list of actions (targetGroupArn and weighted forward). */
function targetGroupRefs(actions: readonly any[]): string[] {
    const refs: string[] = [];
    for (const a of actions) {
        if (a.type !== "forward") {
            continue;
        }
        if (typeof a.targetGroupArn === "string") {
            refs.push(a.targetGroupArn);
        }
        for (const tg of a.forward?.targetGroups ?? []) {
            refs.push(tg.arn);
        }
    }
    return refs;
}

function speaksHttp2(tg: StackResource): boolean {
    return tg.props.protocolVersion === "GRPC" || tg.props.protocolVersion === "HTTP2";
}

export const lbGrpcPathsOnGrpcTargetGroups: StackValidationPolicy = {
    name: "lb-grpc-paths-on-grpc-target-groups",
    description:
        "Rules matching gRPC paths forward only to GRPC/HTTP2 target groups, and GRPC target groups receive nothing but gRPC (HTTP/1.1 breaks gRPC; GRPC groups reject browsers).",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        const stack = new StackIndex(args.resources);
        const groups = stack.ofType(...LB_TYPES.targetGroup);
        const resolveTgs = (from: StackResource, prop: string, actions: readonly any[]) =>
            stack.resolveAll(from, prop, targetGroupRefs(actions), groups);
        for (const rule of stack.ofType(...LB_TYPES.listenerRule)) {
            const grpc = (rule.props.conditions ?? []).some(isGrpcCondition);
            for (const tg of resolveTgs(rule, "actions", rule.props.actions ?? [])) {
                if (grpc && !speaksHttp2(tg)) {
                    reportViolation(`${rule.name}: gRPC paths forward to ${tg.name} with protocolVersion ${JSON.stringify(tg.props.protocolVersion)}; use GRPC.`, rule.urn);
                }
                if (!grpc && tg.props.protocolVersion === "GRPC") {
                    reportViolation(`${rule.name}: non-gRPC traffic forwards to gRPC target group ${tg.name}.`, rule.urn);
                }
            }
        }
        for (const listener of stack.ofType(...LB_TYPES.listener)) {
            for (const tg of resolveTgs(listener, "defaultActions", listener.props.defaultActions ?? [])) {
                if (tg.props.protocolVersion === "GRPC") {
                    reportViolation(`${listener.name}: the default action forwards everything to gRPC target group ${tg.name}.`, listener.urn);
                }
            }
        }
    },
};

export const loadBalancerPolicies = [
    lbHttpsTls12,
    lbHttpRedirectOnly,
    lbHttpRulesRedirectOnly,
    lbGrpcPathsOnGrpcTargetGroups,
    lbIdleTimeoutForStreams,
    lbDropInvalidHeaderFields,
];
