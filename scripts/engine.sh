#!/usr/bin/env bash
# Builds the real Pulumi CLI (and this project's plugins for it) into a cache outside the clone:
#   ${PULUMI_CINDER_CACHE:-$HOME/.cache/pulumi-cinder-attachment}/engine-v<version>/bin/
#     pulumi                          the CLI, built from engine/ (go.mod pins the version), stamped
#     pulumi-language-nodejs          our minimal Node language host (engine/languagehost)
#     pulumi-language-yaml            the real Pulumi YAML language host (pulumi-yaml, engine/yaml)
#     pulumi-cinder-sdkgen            SDK generator on Pulumi's code generators (engine/sdkgen)
#     pulumi-resource-pulumi-nodejs   launcher for Node dynamic providers
#     pulumi-analyzer-policy-nodejs   launcher for Node policy packs
#     plugin-watchdog.js              preloaded into their node processes: exit once the engine is gone
#     node-compile-cache.js           preloaded too: V8's code cache of their modules, kept across processes
#     plugin-main.js                  the launchers' main module
# Each piece is rebuilt only when missing or stale, written under a temporary name and renamed into
# place, so the script is idempotent, safe to run concurrently (it takes a lock), and takes well
# under a second when everything is cached. Progress goes to stderr; the LAST line of stdout is the
# path of the `pulumi` binary. See docs/engine.md.
set -euo pipefail

# shellcheck source=engine/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/engine/common.sh"

log() { echo "engine: $*" >&2; }

mkdir -p "$ENGINE_BIN"

# One builder at a time per cache (parallel test runners may all call this).
if command -v flock >/dev/null 2>&1; then
	exec 9>"$ENGINE_CACHE/.lock"
	flock 9
fi

if ! command -v go >/dev/null 2>&1; then
	log "go is not on PATH; the engine is built from source with Go >= 1.25"
	exit 1
fi
if ! command -v node >/dev/null 2>&1; then
	log "warning: node is not on PATH; the plugins need it at run time"
fi

cd "$ENGINE_REPO/engine"
# Never rewrite go.mod/go.sum here; a missing checksum is an error to fix in the repository.
export GOFLAGS="${GOFLAGS:+$GOFLAGS }-mod=readonly"

# --- the CLI ----------------------------------------------------------------------------------
cli="$ENGINE_BIN/pulumi"
want="v$ENGINE_VERSION"
have=""
if [ -x "$cli" ]; then
	have=$("$cli" version 2>/dev/null || true)
fi
if [ "$have" = "$want" ]; then
	log "pulumi $want is cached in $ENGINE_BIN"
else
	[ -n "$have" ] && log "cached pulumi answers '$have', not $want: rebuilding"
	log "building pulumi $want from source (cold: about 8 minutes on 2 cores with an empty Go build cache, plus module downloads if any)"
	tmp="$ENGINE_BIN/.pulumi.tmp.$$"
	trap 'rm -f "$tmp"' EXIT
	start=$(date +%s)
	go build -trimpath \
		-ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$want" \
		-o "$tmp" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi >&2
	got=$("$tmp" version)
	if [ "$got" != "$want" ]; then
		log "the new binary answers '$got', expected $want"
		exit 1
	fi
	mv -f "$tmp" "$cli"
	trap - EXIT
	log "built pulumi $want in $(($(date +%s) - start))s"
fi

# --- our Node language host -------------------------------------------------------------------
# Rebuilt when its sources, go.mod/go.sum or the version change (the stamp records a hash of them).
lh="$ENGINE_BIN/pulumi-language-nodejs"
lh_stamp="$ENGINE_BIN/.pulumi-language-nodejs.stamp"
lh_hash=$( (echo "$ENGINE_VERSION"; cat go.mod go.sum languagehost/*.go) | sha256sum | cut -d' ' -f1)
if [ -x "$lh" ] && [ "$(cat "$lh_stamp" 2>/dev/null || true)" = "$lh_hash" ]; then
	log "pulumi-language-nodejs is cached"
else
	log "building pulumi-language-nodejs (engine/languagehost)"
	tmp="$ENGINE_BIN/.pulumi-language-nodejs.tmp.$$"
	trap 'rm -f "$tmp"' EXIT
	go build -trimpath -ldflags "-s -w -X main.version=$ENGINE_VERSION" -o "$tmp" ./languagehost >&2
	mv -f "$tmp" "$lh"
	trap - EXIT
	echo "$lh_hash" >"$lh_stamp"
fi

# --- separate build modules: the YAML language host and the SDK generator -------------------
# Each has its own go.mod, so neither changes the CLI's dependency versions; each is rebuilt when
# its stamp (a hash of the engine version, link flags, its go.mod, go.sum and sources) differs.
# pulumi-yaml needs its own pkg/v3 (see engine/yaml/go.mod); sdkgen must require the CLI's.
require_engine_version() { # <module dir>
	local got
	got=$(sed -n 's#^[[:space:]]*github.com/pulumi/pulumi/pkg/v3 v\([0-9][^ ]*\).*#\1#p' "$1/go.mod" | head -n 1)
	if [ "$got" != "$ENGINE_VERSION" ]; then
		log "engine/$1/go.mod has github.com/pulumi/pulumi/pkg/v3 v$got, engine/go.mod v$ENGINE_VERSION: bump them together"
		exit 1
	fi
}

build_module_binary() { # <module dir> <binary name> <package> <ldflags>
	local dir=$1 name=$2 pkg=$3 ldflags=$4
	local bin="$ENGINE_BIN/$name" stamp="$ENGINE_BIN/.$name.stamp" hash start
	hash=$({
		echo "$ENGINE_VERSION $ldflags"
		cat "$dir/go.mod" "$dir/go.sum"
		find "$dir" -name '*.go' -print0 | LC_ALL=C sort -z | xargs -0 -r cat
	} | sha256sum | cut -d' ' -f1)
	if [ -x "$bin" ] && [ "$(cat "$stamp" 2>/dev/null || true)" = "$hash" ]; then
		log "$name is cached"
		return
	fi
	log "building $name (engine/$dir)"
	tmp="$ENGINE_BIN/.$name.tmp.$$" # global: the EXIT trap still needs it after we return
	trap 'rm -f "$tmp"' EXIT
	start=$(date +%s)
	(cd "$dir" && go build -trimpath -ldflags "-s -w $ldflags" -o "$tmp" "$pkg") >&2
	mv -f "$tmp" "$bin"
	trap - EXIT
	echo "$hash" >"$stamp"
	log "built $name in $(($(date +%s) - start))s"
}

# The YAML host's version is the pulumi-yaml module version engine/yaml/go.mod selects.
yaml_version=$(sed -n 's#^[[:space:]]*\(require \)\{0,1\}github.com/pulumi/pulumi-yaml \(v[0-9][^ ]*\).*#\2#p' yaml/go.mod | head -n 1)
build_module_binary yaml pulumi-language-yaml . \
	"-X github.com/pulumi/pulumi-yaml/pkg/version.Version=$yaml_version"
# The SDK generator must use the code generators of the engine's own version.
require_engine_version sdkgen
build_module_binary sdkgen pulumi-cinder-sdkgen . ""

# --- launchers (shell scripts), the watchdog and the compile cache they and the host preload -------
for name in plugin-watchdog.js node-compile-cache.js plugin-main.js pulumi-resource-pulumi-nodejs pulumi-analyzer-policy-nodejs; do
	src="$ENGINE_REPO/scripts/engine/$name"
	dst="$ENGINE_BIN/$name"
	if [ -x "$dst" ] && cmp -s "$src" "$dst"; then
		continue
	fi
	log "installing $name"
	cp "$src" "$dst.tmp.$$"
	chmod 0755 "$dst.tmp.$$"
	mv -f "$dst.tmp.$$" "$dst"
done

echo "$cli"
