#!/usr/bin/env bash
# Builds the benchmark's Terraform peer (bench/README.md, part "peer") into a cache outside the clone:
#   ${PULUMI_CINDER_CACHE:-$HOME/.cache/pulumi-cinder-attachment}/peer-tofu-v<tofu>-openstack-v<provider>/
#     bin/tofu                                  OpenTofu, built from bench/peer (its go.mod pins the version)
#     plugins/terraform-provider-openstack      terraform-provider-openstack, `go install`ed at the pin below
#     tofurc                                    CLI config (TF_CLI_CONFIG_FILE): dev_overrides to plugins/,
#                                               so OpenTofu never asks a registry for the provider
# Both come from the Go module proxy. A piece is rebuilt only when missing or when its stamp (the
# version, the link flags and, for tofu, bench/peer/go.mod and go.sum) differs; it is written under
# a temporary name and renamed into place, and the script takes a lock, so it is idempotent, safe to
# run concurrently, and takes well under a second when cached. Cold: several minutes of CPU on 2
# cores. Progress goes to stderr; the LAST line of stdout is the path of `tofu`.
set -euo pipefail

# The provider's version (the one pin that is not in bench/peer/go.mod: `go install pkg@version`
# builds it with its own go.mod, as upstream releases it).
OPENSTACK_PROVIDER_VERSION=3.4.0

log() { echo "peer: $*" >&2; }

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MODULE="$REPO/bench/peer"
PATH="$PATH:/usr/local/go/bin"

tofu_version=$(sed -n 's#^[[:space:]]*github.com/opentofu/opentofu v\([0-9][^ ]*\).*#\1#p' "$MODULE/go.mod" | head -n 1)
if [ -z "$tofu_version" ]; then
	log "cannot read the github.com/opentofu/opentofu version from $MODULE/go.mod"
	exit 1
fi
CACHE="${PULUMI_CINDER_CACHE:-$HOME/.cache/pulumi-cinder-attachment}/peer-tofu-v$tofu_version-openstack-v$OPENSTACK_PROVIDER_VERSION"
mkdir -p "$CACHE/bin" "$CACHE/plugins"

# One builder at a time per cache.
if command -v flock >/dev/null 2>&1; then
	exec 9>"$CACHE/.lock"
	flock 9
fi

if ! command -v go >/dev/null 2>&1; then
	log "go is not on PATH; the peer is built from source with Go >= 1.26.6"
	exit 1
fi

tmp=""
trap '[ -z "$tmp" ] || rm -f "$tmp"' EXIT

# Builds <binary> with <command...> (which writes to $tmp) unless its stamp says <hash>.
build_once() { # <binary> <hash> <what> <command...>
	local bin=$1 hash=$2 what=$3 start
	shift 3
	local stamp
	stamp="$(dirname "$bin")/.$(basename "$bin").stamp"
	if [ -x "$bin" ] && [ "$(cat "$stamp" 2>/dev/null || true)" = "$hash" ]; then
		log "$what is cached in $(dirname "$bin")"
		return
	fi
	log "building $what (cold: minutes of CPU)"
	tmp="$bin.tmp.$$"
	start=$(date +%s)
	"$@"
	mv -f "$tmp" "$bin"
	tmp=""
	echo "$hash" >"$stamp"
	log "built $what in $(($(date +%s) - start))s"
}

# --- OpenTofu, from the build module bench/peer ------------------------------------------------
# Upstream's release flags (.goreleaser.yaml): static, trimmed, not marked as a dev build.
tofu="$CACHE/bin/tofu"
tofu_ldflags="-s -w -X 'github.com/opentofu/opentofu/version.dev=no'"
tofu_hash=$( (echo "$tofu_version $tofu_ldflags"; cat "$MODULE/go.mod" "$MODULE/go.sum") | sha256sum | cut -d' ' -f1)
build_tofu() {
	# Never rewrite go.mod/go.sum here; a missing checksum is an error to fix in the repository.
	(cd "$MODULE" && CGO_ENABLED=0 GOFLAGS="${GOFLAGS:+$GOFLAGS }-mod=readonly" \
		go build -trimpath -ldflags "$tofu_ldflags" -o "$tmp" github.com/opentofu/opentofu/cmd/tofu) >&2
	local got
	got=$(TF_CLI_CONFIG_FILE=/dev/null "$tmp" version -json | sed -n 's/.*"terraform_version": *"\([^"]*\)".*/\1/p')
	if [ "$got" != "$tofu_version" ]; then
		log "the new tofu answers version '$got', expected $tofu_version"
		exit 1
	fi
}
build_once "$tofu" "$tofu_hash" "tofu v$tofu_version" build_tofu

# --- terraform-provider-openstack ---------------------------------------------------------------
# OpenTofu finds a dev override's plugin as terraform-provider-<type> in the override's folder.
provider="$CACHE/plugins/terraform-provider-openstack"
provider_pkg="github.com/terraform-provider-openstack/terraform-provider-openstack/v3"
provider_ldflags="-s -w -X $provider_pkg/openstack.version=$OPENSTACK_PROVIDER_VERSION"
provider_hash=$(echo "$OPENSTACK_PROVIDER_VERSION $provider_ldflags" | sha256sum | cut -d' ' -f1)
build_provider() {
	local gobin="$CACHE/.gobin.$$"
	rm -rf "$gobin"
	# `go install pkg@version` uses that module's own go.mod and go.sum (checked against the
	# checksum database); run outside any module so no go.mod around us takes part.
	(cd "$CACHE" && CGO_ENABLED=0 GOBIN="$gobin" GOFLAGS="" \
		go install -trimpath -ldflags "$provider_ldflags" "$provider_pkg@v$OPENSTACK_PROVIDER_VERSION") >&2
	mv -f "$gobin/terraform-provider-openstack" "$tmp"
	rm -rf "$gobin"
}
build_once "$provider" "$provider_hash" "terraform-provider-openstack v$OPENSTACK_PROVIDER_VERSION" build_provider

# --- the CLI config ----------------------------------------------------------------------------
# dev_overrides: the provider from plugins/ (OpenTofu warns about it on every command and needs no
# `tofu init`); direct {}: anything else would come from its origin registry (the bench uses nothing else).
rc="$CACHE/tofurc"
want_rc=$(
	cat <<EOF
# Written by scripts/peer.sh: use with TF_CLI_CONFIG_FILE=$rc
provider_installation {
  dev_overrides {
    "registry.opentofu.org/terraform-provider-openstack/openstack" = "$CACHE/plugins"
  }
  direct {}
}
EOF
)
if [ "$(cat "$rc" 2>/dev/null || true)" != "$want_rc" ]; then
	printf '%s\n' "$want_rc" >"$rc.tmp.$$"
	mv -f "$rc.tmp.$$" "$rc"
fi

echo "$tofu"
