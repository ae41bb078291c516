// /etc/openzro-dashboard.env, sourced by the package's render-env.sh which bakes the values into the static
// dashboard (spec §5). The converge script re-runs render-env.sh whenever this file changes.
import { Settings } from "../../config/types";
import { RenderSecrets } from "../files";
import { EnvEntry, renderEnvFile } from "./envFile";
import { oidcClientSecret } from "./managementJson";

export function dashboardEnvEntries(settings: Settings, secrets: RenderSecrets): EnvEntry[] {
    const endpoint = `https://${settings.domain}`;
    const secret = oidcClientSecret(settings, secrets);
    return [
        ["AUTH_AUTHORITY", settings.oidc.issuer],
        ["AUTH_CLIENT_ID", settings.oidc.clientId],
        ["AUTH_AUDIENCE", settings.oidc.audience],
        ["AUTH_SUPPORTED_SCOPES", settings.oidc.scopes],
        ["USE_AUTH0", "false"],
        ["OPENZRO_MGMT_API_ENDPOINT", endpoint],
        // Same host: the ALB routes gRPC paths to management, everything else to nginx.
        ["OPENZRO_MGMT_GRPC_API_ENDPOINT", endpoint],
        ...(secret !== undefined ? ([["AUTH_CLIENT_SECRET", secret]] as const) : []),
        // Always explicit: unset, the SPA redirects to /#callback and /#silent-callback (spec §5), and OAuth forbids
        // fragments in redirect URIs (RFC 6749 §3.1.2), so many IdPs refuse them. Dex's client registers these too.
        ["AUTH_REDIRECT_URI", "/auth"],
        ["AUTH_SILENT_REDIRECT_URI", "/silent-auth"],
    ];
}

export function renderDashboardEnv(settings: Settings, secrets: RenderSecrets): string {
    return renderEnvFile(["openzro-dashboard: read by /usr/share/openzro-dashboard/render-env.sh."], dashboardEnvEntries(settings, secrets));
}
