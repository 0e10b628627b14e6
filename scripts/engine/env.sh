# Source this file (`. scripts/engine/env.sh`) to use the engine that `npm run engine` builds,
# offline and isolated from any other Pulumi setup on the machine. It does not build anything; it
# warns when the engine is missing. Idempotent: sourcing it twice changes nothing.
#
#   PATH                                         gains the engine's bin dir (pulumi + plugins), first
#   PULUMI_ENGINE_BIN                            that bin dir (used by test/e2e/support/engine.ts)
#   PULUMI_HOME                                  <repo>/.local/pulumi-home (plugins, workspaces)
#   PULUMI_BACKEND_URL                           file://<repo>/.local/pulumi-state (local state)
#   PULUMI_CONFIG_PASSPHRASE                     fixed local value unless already set (even to "")
#   PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION  true: never try to download a plugin
#   PULUMI_SKIP_UPDATE_CHECK                     true: never ask for a newer CLI

# shellcheck source=common.sh
if [ -n "${BASH_SOURCE[0]:-}" ]; then
	. "$(dirname "${BASH_SOURCE[0]}")/common.sh" || return 1
else
	. "$(dirname "${(%):-%x}")/common.sh" || return 1
fi

export PULUMI_ENGINE_BIN="$ENGINE_BIN"
case ":$PATH:" in
*":$ENGINE_BIN:"*) ;;
*) export PATH="$ENGINE_BIN:$PATH" ;;
esac

export PULUMI_HOME="$ENGINE_REPO/.local/pulumi-home"
export PULUMI_BACKEND_URL="file://$ENGINE_REPO/.local/pulumi-state"
mkdir -p "$PULUMI_HOME" "$ENGINE_REPO/.local/pulumi-state"
export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE-pulumi-cinder-attachment-local}"
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PULUMI_SKIP_UPDATE_CHECK=true

if [ ! -x "$ENGINE_BIN/pulumi" ]; then
	echo "engine: $ENGINE_BIN/pulumi is missing; run 'npm run engine' (or bash scripts/engine.sh)" >&2
fi
