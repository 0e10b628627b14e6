#!/usr/bin/env bash
# The SDKs of the cinder resource plugin, generated from its package schema
# (provider/cmd/pulumi-resource-cinder/schema.json, written by `npm run schema`) by Pulumi's own code
# generators at the engine's version (pulumi-cinder-sdkgen, engine/sdkgen; built by scripts/engine.sh
# when missing). Each SDK is checked in under sdks/<language>/ and replaced as a whole.
#
#   npm run sdks                         # every language below
#   npm run sdks -- nodejs               # only the ones named
#   npm run sdks -- --check [language…]  # exit 1 when a checked-in SDK differs from what the schema generates
#
# After regenerating, the nodejs SDK is compiled to sdks/nodejs/bin/ (npm run build does the same).
# The python SDK (package pulumi_cinder) installs with `pip install ./sdks/python`; scripts/python-env.sh
# installs it into the venv of the Python tests.
# The go SDK is the Go module sdks/go (module path: the schema's language.go.importBasePath without
# its last element; package sdks/go/cinder); its go.mod and go.sum are finished by finish_go_module
# below, here and in --check alike, so the check compares them too.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$PATH:/usr/local/go/bin"

all_languages=(nodejs python go)
schema=provider/cmd/pulumi-resource-cinder/schema.json

check=false
languages=()
for arg in "$@"; do
  case $arg in
    --check) check=true ;;
    -*) echo "sdks: unknown option $arg" >&2 && exit 2 ;;
    *) languages+=("$arg") ;;
  esac
done
[[ ${#languages[@]} -gt 0 ]] || languages=("${all_languages[@]}")

# shellcheck source=scripts/engine/common.sh
. scripts/engine/common.sh
bash scripts/engine.sh >/dev/null
sdkgen="$ENGINE_BIN/pulumi-cinder-sdkgen"

# The generator's go.mod requires github.com/pulumi/pulumi/sdk/v3 v3.30.0 and nothing else, and it
# writes no go.sum, so the module would not build with -mod=readonly. Pin sdk/v3 to the engine's
# version and let `go mod tidy` add the rest of the requirements and the checksums (the same for the
# same sdk/v3 version; modules come from the module cache, else from the module proxy). The
# checked-in go.sum seeds it, so that only new modules need a checksum lookup; tidy drops what is
# no longer needed.
finish_go_module() {
  local dir=$1 seed=$2
  if [[ -f $seed ]]; then
    cp "$seed" "$dir/go.sum"
  fi
  (
    cd "$dir"
    go mod edit -require="github.com/pulumi/pulumi/sdk/v3@v$ENGINE_VERSION"
    GOFLAGS=-mod=mod go mod tidy
  )
}

if $check; then
  work=$(mktemp -d "${TMPDIR:-/tmp}/sdks-check.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  stale=()
  for language in "${languages[@]}"; do
    "$sdkgen" "$schema" "$language" "$work/$language" 2>/dev/null
    if [[ $language == go ]]; then
      finish_go_module "$work/$language" "sdks/go/go.sum"
    fi
    # What the build and the package managers add (bin/, node_modules/; pip's build/, *.egg-info/,
    # Python's __pycache__/) is not generated.
    if ! diff -r --exclude=bin --exclude=node_modules --exclude=build --exclude='*.egg-info' --exclude=__pycache__ \
      "sdks/$language" "$work/$language" >&2; then
      stale+=("$language")
    fi
  done
  if [[ ${#stale[@]} -gt 0 ]]; then
    echo "sdks: the checked-in SDK(s) ${stale[*]} differ from what $schema generates: run npm run sdks" >&2
    exit 1
  fi
  echo "sdks: ${languages[*]} up to date with $schema" >&2
  exit 0
fi

for language in "${languages[@]}"; do
  if [[ $language == go && -f sdks/go/go.sum ]]; then
    cp sdks/go/go.sum "${TMPDIR:-/tmp}/sdks-go.sum.$$"
  fi
  "$sdkgen" "$schema" "$language" "sdks/$language"
  if [[ $language == nodejs ]]; then
    npm run --silent build:sdk-nodejs
  elif [[ $language == go ]]; then
    finish_go_module sdks/go "${TMPDIR:-/tmp}/sdks-go.sum.$$"
    rm -f "${TMPDIR:-/tmp}/sdks-go.sum.$$"
  fi
done
