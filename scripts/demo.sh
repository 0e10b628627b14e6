#!/usr/bin/env bash
# npm run demo: `pulumi up` of the main example (examples/iscsi-attach, run by the top-level
# Pulumi.yaml + index.ts) against the local, real Cinder, with the real Pulumi engine.
#
# Idempotent; every step reuses what is already there:
#   1. npm packages (npm ci when node_modules is missing), `npm run build`, the self-link
#      node_modules/pulumi-cinder-attachment -> .. (the examples import the package by name)
#   2. the local stack (scripts/stack/stack.sh start) and the engine (scripts/engine.sh)
#   3. a demo volume named $DEMO_VOLUME (default pulumi-demo-volume), made when missing
#   4. the stack `demo` of the top-level project with the local Cinder in its config, then
#      `pulumi up --yes --refresh`, its outputs (secrets masked), and how to destroy.
# Progress goes to stderr prefixed "demo:"; the outputs and the destroy hint go to stdout.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"

STACK=${DEMO_STACK:-demo}
VOLUME_NAME=${DEMO_VOLUME:-pulumi-demo-volume}
# The instance the demo volume is attached for (no Nova here: any UUID will do).
INSTANCE=${DEMO_INSTANCE:-5f2b9c1e-7d4a-4e3b-9a61-0c8d2e4f6a17}

log() { echo "demo: $*" >&2; }

# --- 1. the package --------------------------------------------------------------------------
if [[ ! -d node_modules/@pulumi/pulumi ]]; then
	log "installing npm packages"
	if [[ -f package-lock.json ]]; then npm ci >&2; else npm install >&2; fi
fi
log "building the package (npm run build)"
npm run --silent build >&2
ln -sfn .. node_modules/pulumi-cinder-attachment

# --- 2. the local stack and the engine ---------------------------------------------------------
log "starting the local Cinder if needed (scripts/stack/stack.sh start)"
bash scripts/stack/stack.sh start >&2
# shellcheck source=/dev/null
. .local/stack/env.sh
log "building or reusing the Pulumi engine (scripts/engine.sh)"
bash scripts/engine.sh >/dev/null
# shellcheck source=scripts/engine/env.sh
. scripts/engine/env.sh

# --- 3. the demo volume ------------------------------------------------------------------------
# The one usable volume with the demo's name, if any (an `error*` one is left alone).
find_volume() {
	curl -sS -m 30 -H "X-Auth-Token: ${OS_USER_ID:-admin}:${OS_PROJECT_ID:-admin}" -H "Accept: application/json" \
		"${CINDER_ENDPOINT%/}/volumes/detail?name=$VOLUME_NAME" |
		python3 -c '
import json, sys
usable = [v for v in json.load(sys.stdin)["volumes"] if v["name"] == sys.argv[1] and not v["status"].startswith("error")]
print(usable[0]["id"] if len(usable) == 1 else "")
if len(usable) > 1:
    sys.exit("demo: %d volumes are named %s; delete all but one" % (len(usable), sys.argv[1]))' "$VOLUME_NAME"
}
VOLUME_ID=$(find_volume)
if [[ -n $VOLUME_ID ]]; then
	log "reusing volume $VOLUME_NAME ($VOLUME_ID)"
else
	log "creating volume $VOLUME_NAME"
	VOLUME_ID=$(bash scripts/stack/volume.sh create "$VOLUME_NAME")
fi

# --- 4. the stack --------------------------------------------------------------------------------
log "selecting stack $STACK of the top-level project (Pulumi.yaml -> index.ts -> examples/iscsi-attach)"
pulumi stack select --create "$STACK" --non-interactive >&2
pulumi config set --stack "$STACK" volume "$VOLUME_ID"
pulumi config set --stack "$STACK" instanceUuid "$INSTANCE"
pulumi config set --stack "$STACK" mode rw
pulumi config set --stack "$STACK" cinder:endpoint "$CINDER_ENDPOINT"
pulumi config set --stack "$STACK" cinder:authType noauth
pulumi config set --stack "$STACK" cinder:userId "${OS_USER_ID:-admin}"
pulumi config set --stack "$STACK" cinder:projectId "${OS_PROJECT_ID:-admin}"
# Under noauth this plays the service token's part: without it Cinder refuses to delete an
# instance-bound, connected attachment (OSSA-2023-003), so `pulumi destroy` would fail.
pulumi config set --stack "$STACK" cinder:noauthServiceRoles service

log "pulumi up --yes --refresh --stack $STACK"
pulumi up --yes --refresh --stack "$STACK" --non-interactive --color never >&2

echo
echo "Outputs of stack '$STACK' (secrets masked; add --show-secrets to see them):"
pulumi stack output --stack "$STACK"
cat <<EOF

Volume $VOLUME_NAME ($VOLUME_ID) is attached: see it with
  . .local/stack/env.sh && OS_VOLUME_API_VERSION=3.54 cinder attachment-list --volume-id $VOLUME_ID

To destroy (from $REPO):
  . scripts/engine/env.sh && pulumi destroy --yes --stack $STACK
and, to remove the stack and the volume too:
  pulumi stack rm --yes $STACK && bash scripts/stack/volume.sh delete $VOLUME_ID
EOF
