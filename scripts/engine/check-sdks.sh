#!/usr/bin/env bash
# Generates the nodejs, Python and Go SDKs of a package schema with pulumi-cinder-sdkgen into a
# temporary folder and proves that each one builds with the engine's version of the Pulumi SDK:
#   nodejs  tsc (the repository's TypeScript and node_modules, @pulumi/pulumi as pinned), then loads it
#   python  pip install --target <tmp> <sdk> pulumi==<engine version> (from the package index), then imports it
#   go      go build + go vet of the SDK from a throwaway module requiring sdk/v3 v<engine version>
# Usage: bash scripts/engine/check-sdks.sh [schema.json]   (default: test/fixtures/schema/sample-schema.json)
# Needs `npm ci` (scripts/setup.sh) for node_modules; builds the engine first if needed (cached).
set -euo pipefail

# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
log() { echo "check-sdks: $*" >&2; }

schema=$(realpath "${1:-$ENGINE_REPO/test/fixtures/schema/sample-schema.json}")
bash "$ENGINE_REPO/scripts/engine.sh" >/dev/null
sdkgen="$ENGINE_BIN/pulumi-cinder-sdkgen"

work=$(mktemp -d "${TMPDIR:-/tmp}/check-sdks.XXXXXX")
trap 'rm -rf "$work"' EXIT
for language in nodejs python go; do
	"$sdkgen" "$schema" "$language" "$work/$language"
done

seconds() { echo "$(($(date +%s) - $1))s"; }

# --- nodejs -------------------------------------------------------------------------------------
start=$(date +%s)
ln -s "$ENGINE_REPO/node_modules" "$work/nodejs/node_modules"
"$ENGINE_REPO/node_modules/.bin/tsc" -p "$work/nodejs/tsconfig.json"
# A published SDK carries its package.json in bin/ (utilities.ts reads the version from it).
cp "$work/nodejs/package.json" "$work/nodejs/bin/"
(cd "$work/nodejs" && node -e 'const sdk = require("./bin"); console.log("exports: " + Object.keys(sdk).sort().join(", "))') >&2
log "nodejs SDK compiles with tsc $("$ENGINE_REPO/node_modules/.bin/tsc" --version | cut -d' ' -f2) and @pulumi/pulumi $(node -p 'require(process.argv[1] + "/node_modules/@pulumi/pulumi/package.json").version' "$ENGINE_REPO") and loads ($(seconds "$start"))"

# --- python -------------------------------------------------------------------------------------
start=$(date +%s)
python3 -m pip install --quiet --disable-pip-version-check --target "$work/site" "$work/python" "pulumi==$ENGINE_VERSION" >&2
module=$(basename "$(dirname "$(ls "$work"/site/*/pulumi-plugin.json)")")
PYTHONPATH="$work/site" python3 -c "import importlib, importlib.metadata as m; importlib.import_module('$module'); print('imported $module; pulumi', m.version('pulumi'))" >&2
log "python SDK installs with pip and imports as $module ($(seconds "$start"))"

# --- go -----------------------------------------------------------------------------------------
start=$(date +%s)
sdk_module=$(sed -n 's/^module[[:space:]]*//p' "$work/go/go.mod")
mkdir "$work/goprog"
{
	echo "module check-sdks/goprog"
	echo
	echo "go 1.25"
	echo
	echo "require github.com/pulumi/pulumi/sdk/v3 v$ENGINE_VERSION"
	echo "require $sdk_module v0.0.0"
	echo "replace $sdk_module => ../go"
} >"$work/goprog/go.mod"
{
	echo "// Package goprog imports every public package of the generated SDK, so building it builds them all."
	echo "package goprog"
	echo
	echo "import ("
	(cd "$work/go" && find . -name '*.go' -not -path '*/internal/*' -exec dirname {} \; | sort -u) | while read -r dir; do
		echo "	_ \"$sdk_module/${dir#./}\""
	done
	echo ")"
} >"$work/goprog/imports.go"
(
	cd "$work/goprog"
	export GOFLAGS=-mod=mod
	go mod tidy >&2
	go build ./... "$sdk_module/..." >&2
	go vet "$sdk_module/..." >&2
)
log "go SDK ($sdk_module) builds and vets with github.com/pulumi/pulumi/sdk/v3 v$ENGINE_VERSION ($(seconds "$start"))"
