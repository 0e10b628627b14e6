# shellcheck shell=bash
# Part of scripts/stack/stack.sh (sourced): paths, ports, the throwaway credentials, die and log.
# SCRIPT_DIR (this folder's parent) is set by stack.sh.

REPO=$(cd "$SCRIPT_DIR/../.." && pwd)
S=${STACK_DIR:-$REPO/.local/stack}
LOGS=$S/logs
RUN=$S/run
FIXTURES=$REPO/test/stack-fixtures
PY=/usr/bin/python3

# Ports (loopback only); STACK_*_PORT override them, e.g. to run a second
# stack (with its own STACK_DIR) beside this one.
CINDER_PORT=${STACK_CINDER_PORT:-18776}
CINDER_KS_PORT=${STACK_CINDER_KEYSTONE_PORT:-18777}
KEYSTONE_PORT=${STACK_KEYSTONE_PORT:-15000}
RABBIT_PORT=${STACK_RABBIT_PORT:-5672}
RABBIT_DIST_PORT=${STACK_RABBIT_DIST_PORT:-$((RABBIT_PORT + 20000))}
EPMD_PORT=${STACK_EPMD_PORT:-4369}
PG_PORT=${STACK_PG_PORT:-15432}

CINDER_URL=http://127.0.0.1:$CINDER_PORT
CINDER_HOST=local-stack
MULTIATTACH_TYPE=multiattach

# Throwaway local credentials (written to .local/stack/env.sh).
KEYSTONE_ADMIN_USER="admin"
KEYSTONE_ADMIN_PASSWORD=stack-admin-pw
KEYSTONE_ADMIN_PROJECT="admin"
KEYSTONE_DEMO_USER=demo
KEYSTONE_DEMO_PASSWORD=stack-demo-pw
KEYSTONE_DEMO_PROJECT=demo
KEYSTONE_SERVICE_USER=cinder
KEYSTONE_SERVICE_PASSWORD=stack-cinder-pw
KEYSTONE_SERVICE_PROJECT=service
KEYSTONE_DOMAIN=Default
KEYSTONE_REGION=RegionOne
KEYSTONE_DB_PASSWORD=stack-keystone-db-pw
CINDER_DB_PASSWORD=stack-cinder-db-pw
CINDER_DATABASE_URL=postgresql://cinder:$CINDER_DB_PASSWORD@127.0.0.1:$PG_PORT/cinder
KEYSTONE_URL=http://127.0.0.1:$KEYSTONE_PORT/v3
CINDER_KEYSTONE_ENDPOINT=http://127.0.0.1:$CINDER_KS_PORT/v3

die() { echo "stack: $*" >&2; exit 1; }
log() { echo "$(date '+%F %T.%3N') $*" >>"$LOGS/stack.log"; }
