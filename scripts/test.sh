#!/usr/bin/env bash
# The whole test suite, runnable from a fresh clone (`npm test`): installs what the tests need (Debian packages
# for the real-service tests, npm packages), type-checks the program, then runs the unit, mock-runtime, policy
# and integration tests.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "==> Debian packages for the real-service tests"
bash test/integration/harness/install-deps.sh

echo "==> npm packages"
# npm ci when node_modules is missing or older than the lockfile.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund
fi

echo "==> type check (strict)"
npx tsc --noEmit -p tsconfig.json

reports="$(mktemp -d)"
trap 'rm -rf "$reports"' EXIT

echo "==> unit, mock-runtime and policy tests"
# One worker per core: jest's default (cores - 1) runs the suites one at a time on a 2-core machine, while its
# main process sits idle (measured: 4 whole-program suites in 107 s with 1 worker, 73 s with 2).
npx jest --ci --selectProjects unit --maxWorkers="$(nproc)" --json --outputFile="$reports/unit.json"

echo "==> integration tests against real services"
# They bind port 80 on loopback, run PostgreSQL as its own user and build a Debian root: root is required.
if [ "$(id -u)" -eq 0 ]; then
    npx jest --ci --selectProjects integration --runInBand --json --outputFile="$reports/integration.json"
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo -n env "PATH=$PATH" npx jest --ci --selectProjects integration --runInBand --json --outputFile="$reports/integration.json"
else
    echo "test.sh: the integration tests need root: run 'npm test' as root or with passwordless sudo" >&2
    exit 1
fi

# One closing line for the whole suite, summed over both jest runs.
# shellcheck disable=SC2016 # the ${...} below is a JavaScript template literal, not shell
node -e '
let passed = 0, failed = 0;
for (const file of process.argv.slice(1)) {
    const report = require(file);
    passed += report.numPassedTests;
    failed += report.numFailedTests;
}
console.log(`tests: ${passed} passed, ${failed} failed`);
' "$reports/unit.json" "$reports/integration.json"
