#!/usr/bin/env bash
# The whole test suite, on a fresh machine or a warm one: installs and starts what the tests need
# (npm packages, the local OpenStack stack with Keystone, the Pulumi engine), checks types, lint and
# formatting, then runs the unit, contract and end-to-end jest projects against the real services.
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
step "types, lint, formatting"
npx tsc --noEmit -p .
npx eslint .
npx prettier --check . >/dev/null
step "API reference (typedoc; an undocumented export fails)"
npm run --silent docs >/dev/null
step "tests"
npx jest --maxWorkers=2 "$@"
