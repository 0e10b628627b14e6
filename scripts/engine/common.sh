# Shared by scripts/engine.sh and scripts/engine/env.sh (sourced, not run): where the engine lives.
# Sets ENGINE_REPO, ENGINE_VERSION (from engine/go.mod, the one pin), ENGINE_CACHE and ENGINE_BIN.
# Works in bash and zsh.

if [ -n "${BASH_SOURCE[0]:-}" ]; then
	_engine_common_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
else
	# zsh: %x is the file being sourced
	_engine_common_dir=$(cd "$(dirname "${(%):-%x}")" && pwd)
fi
ENGINE_REPO=$(cd "$_engine_common_dir/../.." && pwd)
unset _engine_common_dir

# The Pulumi version is the one engine/go.mod requires for github.com/pulumi/pulumi/pkg/v3.
ENGINE_VERSION=$(sed -n 's#^[[:space:]]*github.com/pulumi/pulumi/pkg/v3 v\([0-9][^ ]*\).*#\1#p' "$ENGINE_REPO/engine/go.mod" | head -n 1)
if [ -z "$ENGINE_VERSION" ]; then
	echo "engine: cannot read the github.com/pulumi/pulumi/pkg/v3 version from $ENGINE_REPO/engine/go.mod" >&2
	return 1 2>/dev/null || exit 1
fi
ENGINE_CACHE="${PULUMI_CINDER_CACHE:-$HOME/.cache/pulumi-cinder-attachment}/engine-v$ENGINE_VERSION"
ENGINE_BIN="$ENGINE_CACHE/bin"
