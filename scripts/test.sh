#!/usr/bin/env bash
# The whole test suite, on a fresh machine or a warm one: installs and starts what the tests need
# (npm packages, the local OpenStack stack with Keystone, the Pulumi engine, the Python venv), checks
# types, lint and formatting, then runs the unit, contract and end-to-end jest projects against the
# real services, and scans what the run printed and left for credentials (scripts/secret_scan.py).
# Extra arguments go to jest (e.g. `npm test -- --selectProjects unit`).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$PATH:/usr/local/go/bin"

step() { printf '\n== %s\n' "$*" >&2; }

step "setup (npm, build)"
bash scripts/setup.sh
step "local OpenStack stack"
bash scripts/stack/stack.sh start --keystone
step "Pulumi engine"
bash scripts/engine.sh >/dev/null
step "Python environment (venv with pulumi and the generated SDK)"
bash scripts/python-env.sh >/dev/null
step "Go test program (go-attach on the generated Go SDK; built before the tests so its compile does not compete with them)"
bash test/e2e/programs/go-attach/build.sh >/dev/null
step "SDK generator (go test of engine/sdkgen)"
(cd engine/sdkgen && GOFLAGS=-mod=readonly go test ./...)
step "types, lint, formatting"
npx tsc --noEmit -p .
npx eslint .
npx prettier --check . >/dev/null
step "API reference (typedoc; an undocumented export fails)"
npm run --silent docs >/dev/null
step "tests"
mkdir -p .local
status=0
npx jest --maxWorkers=2 "$@" 2>&1 | tee .local/test-output.log || status=$?
step "secret scan (the run's output, the Pulumi state it left, the reports)"
/usr/bin/python3 scripts/secret_scan.py .local/test-output.log || status=1
exit "$status"
