#!/usr/bin/env bash
# Prepares a checkout: npm dependencies (npm ci, skipped while package-lock.json is unchanged),
# the compiled package (dist/) and the plugin's nodejs SDK (sdks/nodejs/bin/), the package's link
# to itself, through which the provider process and the examples resolve `pulumi-cinder-attachment`
# inside the repository, and the link through which programs resolve the SDK as `pulumi-cinder`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

stamp=node_modules/.lock-sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ ! -f $stamp || $(cat "$stamp") != "$want" ]]; then
  echo "setup: npm ci" >&2
  npm ci --no-audit --no-fund >&2
  echo "$want" >"$stamp"
fi
ln -sfn .. node_modules/pulumi-cinder-attachment
ln -sfn ../sdks/nodejs/bin node_modules/pulumi-cinder
npm run --silent build >&2
