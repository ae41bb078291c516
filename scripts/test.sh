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
npx jest --ci --selectProjects integration --runInBand
