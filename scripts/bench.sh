#!/usr/bin/env bash
# The benchmark (bench/README.md): provider cost against the raw API and real peer clients, the
# engine's up/destroy of many attachments, and Keystone token requests, in one run against the
# local stack. Writes bench/RESULTS.md.
#
#   npm run bench                       # full run (about 4-6 minutes on 2 cores)
#   npm run bench -- --quick            # the small CI version (about a minute)
#   npm run bench -- --out F --json J   # write the report to F and a machine-readable summary to J
#
# Prepares what it needs, reusing what is there: npm packages and the package's dist/ (as
# scripts/setup.sh does), the local stack with Keystone (scripts/stack/stack.sh start --keystone,
# idempotent), the Pulumi engine (scripts/engine.sh), then compiles bench/ to .local/bench-dist.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$PATH:/usr/local/go/bin"
repo=$(pwd)
mkdir -p .local

step() { printf '[bench.sh] %s\n' "$*" >&2; }

# npm packages and the self-link (scripts/setup.sh does the same, plus an unconditional build).
if [[ ! -f node_modules/.lock-sha256 || $(cat node_modules/.lock-sha256) != $(sha256sum package-lock.json | cut -d' ' -f1) ]]; then
  step "npm packages"
  bash scripts/setup.sh
fi
[[ $(readlink node_modules/pulumi-cinder-attachment 2>/dev/null || true) == ".." ]] || ln -sfn .. node_modules/pulumi-cinder-attachment

# dist/ (what the provider process loads by package name), rebuilt only when older than its sources;
# under the same lock as the end-to-end tests' rebuild.
node scripts/ensure-dist.mjs

step "local stack (start --keystone is idempotent)"
bash scripts/stack/stack.sh start --keystone

step "Pulumi engine"
bash scripts/engine.sh >/dev/null
# shellcheck source=engine/env.sh
. scripts/engine/env.sh

step "compiling bench/ to .local/bench-dist"
flock .local/bench-build.lock node_modules/.bin/tsc -p bench/tsconfig.json

export BENCH_REPO_ROOT=$repo
exec node .local/bench-dist/bench/main.js "$@"
