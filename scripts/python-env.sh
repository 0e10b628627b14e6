#!/usr/bin/env bash
# The Python environment of the Python e2e tests (and of anyone running a Python program on the
# plugin here): a venv with the Pulumi Python SDK at the engine's version (pulumi==<engine/go.mod's
# version>) and the generated SDK of the plugin (sdks/python, installed with pip as a user would).
#
#   ${PULUMI_CINDER_CACHE:-$HOME/.cache/pulumi-cinder-attachment}/python-<version>-<hash>/
#
# <hash> covers the interpreter's version and the requirements below: a change makes a new venv.
# The SDK is reinstalled (from a copy, so that pip leaves nothing in sdks/python) whenever a file of
# sdks/python changes. The interpreter is ${PULUMI_CINDER_PYTHON:-python3} (>= 3.9, with venv).
# Idempotent, locked (parallel test runners may all call it), well under a second when cached.
# Progress goes to stderr; the LAST line of stdout is the path of the venv's python.
set -euo pipefail

# shellcheck source=engine/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/engine/common.sh"

log() { echo "python-env: $*" >&2; }

python=${PULUMI_CINDER_PYTHON:-python3}
if ! python_version=$("$python" -c 'import sys; assert sys.version_info >= (3, 9); print(sys.version.split()[0])' 2>/dev/null); then
	log "$python is missing or older than 3.9; set PULUMI_CINDER_PYTHON to a Python >= 3.9 with the venv module"
	exit 1
fi

# setuptools and wheel build the SDK without build isolation (no build env fetched per install).
requirements=("pulumi==$ENGINE_VERSION" "setuptools>=61" "wheel")
hash=$(printf '%s\n' "$python_version" "${requirements[@]}" | sha256sum | cut -c1-12)
cache_root="${PULUMI_CINDER_CACHE:-$HOME/.cache/pulumi-cinder-attachment}"
venv="$cache_root/python-$ENGINE_VERSION-$hash"
mkdir -p "$cache_root"

if command -v flock >/dev/null 2>&1; then
	exec 9>"$cache_root/.python-env.lock"
	flock 9
fi

pip() { "$venv/bin/python" -m pip --disable-pip-version-check --no-input -q "$@" >&2; }

# A venv is complete once its marker exists; a half-made one (interrupted run) is made again.
if [ -f "$venv/.complete" ]; then
	log "venv $venv is cached (Python $python_version)"
else
	log "making $venv (Python $python_version: ${requirements[*]})"
	rm -rf "$venv"
	start=$(date +%s)
	"$python" -m venv "$venv" >&2
	pip install "${requirements[@]}"
	touch "$venv/.complete"
	log "made the venv in $(($(date +%s) - start))s"
fi

# The generated SDK: reinstalled when any of its files changes (the stamp is a hash of them all).
sdk="$ENGINE_REPO/sdks/python"
sdk_hash=$(cd "$sdk" && find . -type f ! -path '*/__pycache__/*' ! -path './build/*' ! -path '*.egg-info/*' -print0 |
	LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
if [ "$(cat "$venv/.sdk.stamp" 2>/dev/null || true)" = "$sdk_hash" ]; then
	log "pulumi_cinder is up to date with sdks/python"
else
	log "installing pulumi_cinder from sdks/python"
	copy=$(mktemp -d "${TMPDIR:-/tmp}/pulumi-cinder-python-sdk.XXXXXX")
	trap 'rm -rf "$copy"' EXIT
	cp -a "$sdk/." "$copy/"
	if "$venv/bin/python" -m pip show -q pulumi_cinder >/dev/null 2>&1; then pip uninstall -y pulumi_cinder; fi
	pip install --no-build-isolation "$copy" # its dependencies too, when one is missing
	echo "$sdk_hash" >"$venv/.sdk.stamp"
fi

echo "$venv/bin/python"
