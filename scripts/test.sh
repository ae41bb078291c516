#!/usr/bin/env bash
# The whole test suite, runnable from a fresh clone (`npm test`): installs what the tests need (Debian packages
# for the real-service tests, npm packages), type-checks the program, then runs the unit, mock-runtime, policy
# and integration tests.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "==> Debian packages for the real-service tests"
bash scripts/integration/install-deps.sh

echo "==> npm packages"
# npm ci when node_modules is missing or older than the lockfile.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund
fi

echo "==> type check (strict)"
npx tsc --noEmit -p tsconfig.json

echo "==> unit, mock-runtime and policy tests"
npx jest --ci --selectProjects unit

echo "==> integration tests against real services"
# They bind port 80 on loopback, run PostgreSQL as its own user and build a Debian root: root is required.
if [ "$(id -u)" -eq 0 ]; then
    npx jest --ci --selectProjects integration --runInBand
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo -n env "PATH=$PATH" npx jest --ci --selectProjects integration --runInBand
else
    echo "test.sh: the integration tests need root: run 'npm test' as root or with passwordless sudo" >&2
    exit 1
fi
