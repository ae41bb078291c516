// Cloud-init user data of the CI deploy runner: pure, and free of secrets (user data is readable through IMDS and
// DescribeInstanceAttribute). The runner's service loop (scripts/runner/deploy-runner.sh) reads the GitHub token
// from Secrets Manager at run time with the instance role.
import * as fs from "fs";
import * as path from "path";

export interface RunnerUserDataArgs {
    readonly hostname: string;
    /** owner/name */
    readonly repository: string;
    readonly labels: readonly string[];
    readonly secretArn: string;
    readonly region: string;
    /** scripts/runner/deploy-runner.sh */
    readonly serviceScript: string;
}

export const RUNNER_HOME = "/opt/actions-runner";
const SCRIPT_PATH = "/usr/local/bin/openzro-deploy-runner";

/** scripts/runner/deploy-runner.sh, found from this module (source or compiled). */
export function loadRunnerScript(start: string = __dirname): string {
    let dir = start;
    for (let i = 0; i < 6; i++) {
        const candidate = path.join(dir, "scripts", "runner", "deploy-runner.sh");
        if (fs.existsSync(candidate)) return fs.readFileSync(candidate, "utf8");
        dir = path.dirname(dir);
    }
    throw new Error(`deploy runner: scripts/runner/deploy-runner.sh not found above ${start}; run the program from a checkout`);
}

function indent(text: string, by: number): string {
    const pad = " ".repeat(by);
    return text.replace(/\n$/, "").split("\n").map((l) => (l === "" ? "" : pad + l)).join("\n");
}

const SAFE = /^[A-Za-z0-9._:/,@+-]+$/;

export function renderRunnerUserData(a: RunnerUserDataArgs): string {
    for (const [what, value] of [["repository", a.repository], ["secretArn", a.secretArn], ["region", a.region], ["labels", a.labels.join(",")]] as const) {
        if (!SAFE.test(value)) throw new Error(`deploy runner: ${what} holds characters user data cannot carry safely (got ${JSON.stringify(value)})`);
    }
    const env = [
        `OZ_RUNNER_REPOSITORY=${a.repository}`,
        `OZ_RUNNER_LABELS=${a.labels.join(",")}`,
        `OZ_RUNNER_SECRET_ARN=${a.secretArn}`,
        `OZ_RUNNER_REGION=${a.region}`,
        `OZ_RUNNER_HOME=${RUNNER_HOME}`,
        // The runner updates itself; GitHub refuses jobs to outdated runners otherwise.
        "",
    ].join("\n");
    const unit = [
        "[Unit]",
        "Description=openZro CI deploy runner (one GitHub Actions job per registration)",
        "After=network-online.target",
        "Wants=network-online.target",
        "[Service]",
        "User=runner",
        "EnvironmentFile=/etc/openzro-deploy-runner.env",
        `ExecStart=${SCRIPT_PATH}`,
        "Restart=always",
        "RestartSec=30",
        "[Install]",
        "WantedBy=multi-user.target",
        "",
    ].join("\n");
    const install = [
        "set -euo pipefail",
        "export DEBIAN_FRONTEND=noninteractive",
        "apt-get update -q",
        "apt-get install -y -q --no-install-recommends curl jq git ca-certificates tar build-essential",
        "snap install aws-cli --classic",
        "id runner >/dev/null 2>&1 || useradd --create-home --shell /bin/bash runner",
        `mkdir -p ${RUNNER_HOME}`,
        // Latest release over TLS from GitHub (the runner keeps itself current afterwards).
        'version="$(curl -fsS --max-time 30 https://api.github.com/repos/actions/runner/releases/latest | jq -r .tag_name)"',
        'arch="$(uname -m | sed -e s/x86_64/x64/ -e s/aarch64/arm64/)"',
        `curl -fsSL --max-time 300 "https://github.com/actions/runner/releases/download/\${version}/actions-runner-linux-\${arch}-\${version#v}.tar.gz" | tar -xz -C ${RUNNER_HOME}`,
        `${RUNNER_HOME}/bin/installdependencies.sh`,
        `chown -R runner:runner ${RUNNER_HOME}`,
        "systemctl daemon-reload",
        "systemctl enable --now openzro-deploy-runner.service",
    ].join("\n");
    return [
        "#cloud-config",
        `hostname: ${a.hostname}`,
        "preserve_hostname: false",
        "manage_etc_hosts: true",
        "write_files:",
        `  - path: ${SCRIPT_PATH}`,
        "    permissions: '0755'",
        "    content: |",
        indent(a.serviceScript, 6),
        "  - path: /etc/openzro-deploy-runner.env",
        "    permissions: '0644'",
        "    content: |",
        indent(env, 6),
        "  - path: /etc/systemd/system/openzro-deploy-runner.service",
        "    permissions: '0644'",
        "    content: |",
        indent(unit, 6),
        "  - path: /usr/local/sbin/openzro-install-deploy-runner",
        "    permissions: '0700'",
        "    content: |",
        indent(`#!/usr/bin/env bash\n${install}\n`, 6),
        "runcmd:",
        "  - [timeout, '1800', /usr/local/sbin/openzro-install-deploy-runner]",
        "",
    ].join("\n");
}
