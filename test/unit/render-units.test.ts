// systemd drop-ins (flags management and signal can only take on the command line) and the dashboard env.
import { Settings } from "../../components/config/types";
import {
    dashboardEnvEntries,
    renderManagementDropIn,
    renderRelayDropIn,
    renderSignalDropIn,
} from "../../components/host/render";
import { CLIENT_SECRET, SECRETS, settingsFor, withClientSecret } from "./render-fixtures";

function lines(content: string, key: string): string[] {
    return content.split("\n").filter((l) => l.startsWith(`${key}=`)).map((l) => l.slice(key.length + 1));
}

describe("management drop-in", () => {
    test.each([
        [false, true, ["--disable-anonymous-metrics"], ["--disable-geolite-update"]],
        [true, false, ["--disable-geolite-update"], ["--disable-anonymous-metrics"]],
        [false, false, ["--disable-anonymous-metrics", "--disable-geolite-update"], []],
        [true, true, [], ["--disable-anonymous-metrics", "--disable-geolite-update"]],
    ])("anonymousMetrics=%s geoliteUpdate=%s", (anonymousMetrics, geoliteUpdate, present, absent) => {
        const settings = settingsFor({ management: { anonymousMetrics, geoliteUpdate, dnsDomain: "peers.internal" } as Settings["management"] });
        const execStart = lines(renderManagementDropIn(settings), "ExecStart");
        // Reset first: a second ExecStart= without it is rejected for Type=simple units.
        expect(execStart[0]).toBe("");
        const words = execStart[1].split(" ");
        for (const flag of present) expect(words).toContain(flag);
        for (const flag of absent) expect(words).not.toContain(flag);
        expect(words[words.indexOf("--dns-domain") + 1]).toBe("peers.internal");
        expect(words.slice(0, 2)).toEqual(["/usr/bin/openzro-mgmt", "management"]);
        expect(words[words.indexOf("--config") + 1]).toBe("/etc/openzro/management.json");
    });

    test("a --dns-domain that would split or inject arguments is refused", () => {
        const settings = settingsFor({ management: { dnsDomain: "a b" } as Settings["management"] });
        expect(() => renderManagementDropIn(settings)).toThrow(/^openzro:managementDnsDomain: not usable as a command-line flag value/);
    });

    test("every unit keeps Restart=on-failure", () => {
        const settings = settingsFor();
        for (const content of [renderManagementDropIn(settings), renderSignalDropIn(settings), renderRelayDropIn(settings)]) {
            expect(lines(content, "Restart")).toEqual(["on-failure"]);
            expect(content.split("\n")[1]).toBe("[Service]");
        }
        // The relay is configured through env only: its packaged ExecStart stays.
        expect(lines(renderRelayDropIn(settings), "ExecStart")).toEqual([]);
    });
});

describe("dashboard env (render-env.sh contract)", () => {
    const REQUIRED = ["AUTH_AUTHORITY", "AUTH_CLIENT_ID", "AUTH_AUDIENCE", "AUTH_SUPPORTED_SCOPES", "USE_AUTH0", "OPENZRO_MGMT_API_ENDPOINT"];

    test("every variable render-env.sh requires is set and non-empty", () => {
        const env = new Map(dashboardEnvEntries(settingsFor(), SECRETS));
        for (const name of REQUIRED) expect([name, (env.get(name) ?? "").length > 0]).toEqual([name, true]);
        expect(env.get("USE_AUTH0")).toBe("false");
        expect(env.get("OPENZRO_MGMT_API_ENDPOINT")).toBe("https://openzro.example.com");
        expect(env.get("OPENZRO_MGMT_GRPC_API_ENDPOINT")).toBe("https://openzro.example.com");
    });

    test.each([true, false])("dex.enabled=%s: redirect paths are set and carry no fragment (RFC 6749 §3.1.2)", (enabled) => {
        const env = new Map(dashboardEnvEntries(settingsFor({ dex: { enabled, port: 5556 } }), SECRETS));
        for (const key of ["AUTH_REDIRECT_URI", "AUTH_SILENT_REDIRECT_URI"]) {
            const path = env.get(key) ?? "";
            expect([key, path.startsWith("/"), path.includes("#")]).toEqual([key, true, false]);
        }
        // The two are distinct routes of the dashboard: silent renewal must not land on the login callback.
        expect(env.get("AUTH_REDIRECT_URI")).not.toBe(env.get("AUTH_SILENT_REDIRECT_URI"));
    });

    test("the client secret appears only when configured", () => {
        expect(new Map(dashboardEnvEntries(settingsFor(), SECRETS)).has("AUTH_CLIENT_SECRET")).toBe(false);
        const env = new Map(dashboardEnvEntries(withClientSecret(settingsFor()), { ...SECRETS, oidcClientSecret: CLIENT_SECRET }));
        expect(env.get("AUTH_CLIENT_SECRET")).toBe(CLIENT_SECRET);
        expect(() => dashboardEnvEntries(withClientSecret(settingsFor()), SECRETS)).toThrow(/^openzro:oidcClientSecret: configured but not handed to the renderer/);
    });
});

describe("relay drop-in per relayTls (the packaged unit: User=openzro, ProtectSystem=strict, no capability)", () => {
    test.each([
        // tls, port, StateDirectory, bind capability
        ["letsencrypt", 443, ["openzro-relay"], ["CAP_NET_BIND_SERVICE"]],
        ["route53", 443, ["openzro-relay"], ["CAP_NET_BIND_SERVICE"]],
        ["route53", 8443, ["openzro-relay"], []],
        ["files", 443, [], ["CAP_NET_BIND_SERVICE"]],
        ["files", 1024, [], []],
        ["none", 33080, [], []],
    ] as const)("%s on %i: StateDirectory %j, capabilities %j", (tls, port, stateDirectory, caps) => {
        const content = renderRelayDropIn(settingsFor({ relay: { tls, port } }));
        // Let's Encrypt writes its account and certificates: the only writable place under ProtectSystem=strict.
        expect(lines(content, "StateDirectory")).toEqual(stateDirectory);
        expect(lines(content, "StateDirectoryMode")).toEqual(stateDirectory.length ? ["0750"] : []);
        // Below 1024 the unprivileged user needs exactly the bind capability, ambient (it has no file caps).
        expect(lines(content, "AmbientCapabilities")).toEqual(caps);
        expect(lines(content, "CapabilityBoundingSet")).toEqual(caps);
    });
});
