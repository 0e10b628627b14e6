#!/usr/bin/env bash
# Local OpenStack block-storage stack for tests: RabbitMQ + standalone Cinder
# (noauth, fixture iSCSI driver) on PostgreSQL, optionally Keystone (same
# PostgreSQL, uwsgi) and a second Cinder API behind it. Everything lives in
# <repo>/.local/stack/ and binds to 127.0.0.1 only. See README.md here.
#
#   stack.sh install | start [--keystone] | stop | status | restart [--keystone]
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
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
KEYSTONE_ADMIN_USER=admin
KEYSTONE_ADMIN_PASSWORD=stack-admin-pw
KEYSTONE_ADMIN_PROJECT=admin
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

PACKAGES=(cinder-api cinder-scheduler cinder-volume rabbitmq-server keystone
  python3-cinderclient python3-openstackclient postgresql python3-psycopg2
  uwsgi uwsgi-plugin-python3 curl)
BINARIES=(cinder-api cinder-scheduler cinder-volume cinder-manage cinder
  openstack keystone-manage keystone-wsgi-public uwsgi epmd curl
  /usr/lib/rabbitmq/bin/rabbitmq-server /usr/lib/uwsgi/plugins/python3_plugin.so)

die() { echo "stack: $*" >&2; exit 1; }
log() { echo "$(date '+%F %T.%3N') $*" >>"$LOGS/stack.log"; }

# ---------------------------------------------------------------- install --

packages_present() {
  local b
  for b in "${BINARIES[@]}"; do
    if [[ $b == /* ]]; then [[ -e $b ]] || return 1
    else command -v "$b" >/dev/null 2>&1 || return 1; fi
  done
  [[ -x $PY ]] || return 1
  local n
  n=$(dpkg-query -W -f='${db:Status-Abbrev}\n' "${PACKAGES[@]}" 2>/dev/null | grep -c '^ii' || true)
  [[ $n -eq ${#PACKAGES[@]} ]]
}

cmd_install() {
  mkdir -p "$LOGS"
  packages_present && return 0
  [[ $(id -u) -eq 0 ]] || die "install needs root"
  local ilog=$LOGS/install.log policy=/usr/sbin/policy-rc.d temp_policy=
  echo "stack: installing Debian packages (log: $ilog)" >&2
  # Keep the packages' init scripts from starting system-wide daemons
  # (they would take 5672 etc. on all interfaces): we start our own.
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod 755 "$policy"; temp_policy=1
  fi
  local rc=0
  {
    apt-get update -q &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${PACKAGES[@]}"
  } >>"$ilog" 2>&1 || rc=$?
  [[ -n $temp_policy ]] && rm -f "$policy"
  if [[ $rc -ne 0 ]]; then
    tail -n 30 "$ilog" >&2; die "package install failed (rc $rc)"
  fi
  packages_present || die "packages installed but some binary is still missing"
}

# ------------------------------------------------------ process helpers --

pidfile() { echo "$RUN/$1.pid"; }

# Start time (in clock ticks since boot) of PID, from /proc/PID/stat.
proc_start() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  set -- $stat
  echo "${20}"
}

# running NAME: the process recorded in NAME's pid file ("pid starttime")
# is alive and is still the one we started.
running() {
  local f pid st now
  f=$(pidfile "$1")
  [[ -s $f ]] || return 1
  read -r pid st <"$f" || true
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  now=$(proc_start "$pid") || return 1
  [[ -z $st || $st == "$now" ]]
}

# spawn NAME [ENV=VAL ...] -- CMD...: start CMD in its own session, so that
# the whole process group can be signalled; output to logs/NAME.out. The
# process records itself ("pid starttime") just before it execs CMD, so the
# pid file is right even where setsid has to fork.
SPAWN_WRAPPER='pf=$1; shift
st=$(</proc/$$/stat); read -ra f <<<"${st##*) }"
echo "$$ ${f[19]}" >"$pf.tmp" && mv -f "$pf.tmp" "$pf"
exec "$@"'
spawn() {
  local name=$1; shift
  local envs=() pf i
  while [[ $1 != -- ]]; do envs+=("$1"); shift; done
  shift
  pf=$(pidfile "$name")
  rm -f "$pf"
  log "start $name: $*"
  env "${envs[@]}" setsid /bin/bash -c "$SPAWN_WRAPPER" spawn "$pf" "$@" \
    </dev/null >>"$LOGS/$name.out" 2>&1 {LOCK_FD}>&- &
  for ((i = 0; i < 500; i++)); do
    [[ -s $pf ]] && return 0
    sleep 0.01
  done
  die "$name did not start (see $LOGS/$name.out)"
}

# signal_group NAME SIGNAL: signal the process group of NAME (if running).
signal_group() {
  local name=$1 sig=$2 pid
  running "$name" || { rm -f "$(pidfile "$name")"; return 0; }
  read -r pid _ <"$(pidfile "$name")"
  log "stop $name (pid $pid, SIG$sig)"
  kill -s "$sig" -- "-$pid" 2>/dev/null || kill -s "$sig" "$pid" 2>/dev/null || true
}

# reap_groups TIMEOUT NAME...: wait for the signalled groups to be gone,
# SIGKILL what is left after TIMEOUT seconds, remove the pid files.
reap_groups() {
  local timeout=$1; shift
  local name pid left i
  for ((i = 0; i <= timeout * 10; i++)); do
    left=
    for name in "$@"; do
      [[ -s $(pidfile "$name") ]] || continue
      read -r pid _ <"$(pidfile "$name")"
      kill -0 -- "-$pid" 2>/dev/null && left=1
    done
    [[ -z $left ]] && break
    sleep 0.1
  done
  for name in "$@"; do
    if [[ -s $(pidfile "$name") ]]; then
      read -r pid _ <"$(pidfile "$name")"
      if kill -0 -- "-$pid" 2>/dev/null; then
        log "kill -9 $name group $pid"
        kill -9 -- "-$pid" 2>/dev/null || true
      fi
    fi
    rm -f "$(pidfile "$name")"
  done
}

# Pids of daemons of this stack found by command line (a safety net for
# daemons whose pid file was lost): cinder-* and uwsgi with our config
# files, RabbitMQ's beam with our mnesia folder, our PostgreSQL.
stray_pids() {
  local f pid args
  for f in /proc/[0-9]*/cmdline; do
    pid=${f#/proc/}; pid=${pid%/cmdline}
    [[ $pid == "$$" || $pid == "$BASHPID" ]] && continue
    args=$(tr '\0' ' ' 2>/dev/null <"$f") || continue
    case $args in
      *"/cinder-"*" --config-file $S/cinder/"* | *"uwsgi --ini $S/keystone/"* | \
        *beam.smp*" -home $S/rabbitmq "* | *"postgres -D $S/postgres/data"*) echo "$pid" ;;
    esac
  done
}

# An epmd started with exactly our command line but whose pid file was lost
# (e.g. a start interrupted by a stop): end it when no node is registered.
stop_unowned_epmd() {
  local f pid args
  for f in /proc/[0-9]*/cmdline; do
    args=$(tr '\0' ' ' 2>/dev/null <"$f") || continue
    [[ $args == "/usr/bin/epmd -address 127.0.0.1 -port $EPMD_PORT " ]] || continue
    pid=${f#/proc/}; pid=${pid%/cmdline}
    if ! /usr/bin/epmd -port "$EPMD_PORT" -names 2>/dev/null | grep -q '^name '; then
      log "stop unowned epmd (pid $pid)"
      kill "$pid" 2>/dev/null || true
    fi
  done
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# show_logs LOGFILE [PROCNAME]: the tail of LOGFILE and of PROCNAME's
# stdout/stderr capture (tracebacks from before logging was set up).
show_logs() {
  local logf=$1 proc=${2:-} f
  for f in "$logf" ${proc:+"$LOGS/$proc.out"}; do
    [[ -s $f ]] || continue
    echo "---- tail of $f:" >&2
    tail -n 30 "$f" >&2 || true
  done
}

# wait_for DESC TIMEOUT LOGFILE PROCNAME|'' CMD...
wait_for() {
  local desc=$1 timeout=$2 logf=$3 proc=$4; shift 4
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if [[ -n $proc ]] && ! running "$proc"; then
      echo "stack: $proc exited while waiting for $desc" >&2
      show_logs "$logf" "$proc"
      return 1
    fi
    if ((SECONDS >= deadline)); then
      echo "stack: timed out after ${timeout}s waiting for $desc" >&2
      show_logs "$logf" "$proc"
      return 1
    fi
    sleep 0.2
  done
  log "ready: $desc"
}

ccurl() { # noauth Cinder API
  curl -sS -f -m 15 -H 'X-Auth-Token: admin:admin' -H 'Accept: application/json' \
    -H 'Content-Type: application/json' "$@"
}

# ----------------------------------------------------------------- cache --
# The freshly initialised PostgreSQL cluster (Cinder's database after db sync,
# Keystone's after bootstrap and the users/projects/endpoints), with Keystone's
# key repositories, is kept outside the repo and copied in on a cold start:
# this skips the CPU-bound set-up. It is taken after the first full
# `start --keystone`. The key covers these scripts
# and the package versions. STACK_CACHE=0 turns it off.
CACHE_ROOT=${STACK_CACHE_DIR:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/openstack-local-stack}
CACHE=

cache_init() {
  [[ ${STACK_CACHE:-1} == 0 ]] && return 0
  local key
  key=$({
    cat "$SCRIPT_DIR/stack.sh" "$SCRIPT_DIR/keystone_setup.py"
    dpkg-query -W -f='${Package}=${Version}\n' python3-cinder python3-keystone 2>/dev/null || true
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null || true
    echo "$CINDER_KS_PORT $KEYSTONE_PORT $PG_PORT" # baked into the Keystone catalog
  } | sha256sum | cut -c1-16)
  CACHE=$CACHE_ROOT/$key
  mkdir -p "$CACHE" 2>/dev/null || CACHE=
}

# Remove cache entries of other keys (older scripts or packages).
cache_prune() {
  [[ -n $CACHE ]] || return 0
  local d
  for d in "$CACHE_ROOT"/*; do
    [[ -d $d && $d != "$CACHE" ]] && rm -rf "$d"
  done
  return 0
}

# ------------------------------------------------------------- RabbitMQ --

rabbit_env() {
  printf '%s\n' HOME="$S/rabbitmq" \
    RABBITMQ_NODENAME=stack$RABBIT_PORT@localhost \
    RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
    RABBITMQ_NODE_PORT=$RABBIT_PORT \
    RABBITMQ_DIST_PORT=$RABBIT_DIST_PORT \
    ERL_EPMD_ADDRESS=127.0.0.1 \
    ERL_EPMD_PORT=$EPMD_PORT \
    RABBITMQ_MNESIA_BASE="$S/rabbitmq/mnesia" \
    RABBITMQ_LOG_BASE="$LOGS/rabbitmq" \
    RABBITMQ_ENABLED_PLUGINS_FILE="$S/rabbitmq/enabled_plugins" \
    RABBITMQ_CONFIG_FILE="$S/rabbitmq/rabbitmq.conf" \
    RABBITMQ_ADVANCED_CONFIG_FILE="$S/rabbitmq/advanced.config" \
    "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS=-kernel inet_dist_use_interface {127,0,0,1} +sbwt none +sbwtdcpu none +sbwtdio none"
}

start_rabbit() {
  mkdir -p "$S/rabbitmq/mnesia" "$LOGS/rabbitmq"
  [[ -f $S/rabbitmq/enabled_plugins ]] || echo '[].' >"$S/rabbitmq/enabled_plugins"
  cat >"$S/rabbitmq/rabbitmq.conf" <<EOF
# generated by scripts/stack/stack.sh (listener: RABBITMQ_NODE_IP_ADDRESS/PORT)
loopback_users.guest = true
EOF
  [[ -f $S/rabbitmq/advanced.config ]] || echo '[].' >"$S/rabbitmq/advanced.config"
  # epmd: our own, loopback only (the one erl would start detaches and
  # would outlive `stop`). Reuse one that already answers.
  if ! running epmd && ! port_open $EPMD_PORT; then
    spawn epmd -- /usr/bin/epmd -address 127.0.0.1 -port $EPMD_PORT
  fi
  if running rabbitmq; then return 0; fi
  if port_open $RABBIT_PORT; then
    die "port $RABBIT_PORT is taken by a process that is not this stack's RabbitMQ"
  fi
  local envs=()
  mapfile -t envs < <(rabbit_env)
  spawn rabbitmq "${envs[@]}" -- /usr/lib/rabbitmq/bin/rabbitmq-server
}

# ---------------------------------------------------------------- Cinder --

write_cinder_conf() {
  mkdir -p "$S/cinder/state" "$S/cinder/locks"
  local debug=false
  [[ ${STACK_DEBUG:-} == 1 ]] && debug=true
  cat >"$S/cinder/cinder.conf.new" <<EOF
# generated by scripts/stack/stack.sh
[DEFAULT]
auth_strategy = noauth
api_paste_config = /etc/cinder/api-paste.ini
transport_url = rabbit://guest:guest@127.0.0.1:$RABBIT_PORT/
osapi_volume_listen = 127.0.0.1
osapi_volume_listen_port = $CINDER_PORT
osapi_volume_workers = 1
enabled_backends = fake
# Parallel test suites make many small volumes: no per-project volume quota on this test stack.
quota_volumes = -1
quota_gigabytes = -1
quota_snapshots = -1
host = $CINDER_HOST
my_ip = 127.0.0.1
state_path = $S/cinder/state
log_dir = $LOGS
debug = $debug
graceful_shutdown_timeout = 5
rootwrap_config = /etc/cinder/rootwrap.conf
glance_api_servers = http://127.0.0.1:9292

[database]
# PostgreSQL, not SQLite: with several daemons (and the fault suites' own) writing at once, SQLite
# answered "database is locked" even in WAL mode. Small pools: many daemons share max_connections.
connection = $CINDER_DATABASE_URL
max_pool_size = 4
max_overflow = 8

[oslo_concurrency]
lock_path = $S/cinder/locks

[coordination]
backend_url = file://$S/cinder/state

[oslo_messaging_rabbit]
rabbit_retry_interval = 1
rabbit_retry_backoff = 1
rabbit_interval_max = 2

[fake]
volume_driver = fixture_iscsi_driver.FixtureISCSIDriver
volume_backend_name = fake
target_helper = fake
target_protocol = iscsi
target_ip_address = 127.0.0.1
target_port = 3260
EOF
  mv -f "$S/cinder/cinder.conf.new" "$S/cinder/cinder.conf"

  cat >"$S/cinder/cinder-keystone.conf" <<EOF
# generated by scripts/stack/stack.sh: overrides cinder.conf for the
# second cinder-api (Keystone auth) on 127.0.0.1:$CINDER_KS_PORT
[DEFAULT]
auth_strategy = keystone
osapi_volume_listen_port = $CINDER_KS_PORT
log_file = cinder-api-keystone.log

[keystone_authtoken]
www_authenticate_uri = $KEYSTONE_URL
auth_url = $KEYSTONE_URL
auth_type = password
username = $KEYSTONE_SERVICE_USER
password = $KEYSTONE_SERVICE_PASSWORD
project_name = $KEYSTONE_SERVICE_PROJECT
user_domain_name = $KEYSTONE_DOMAIN
project_domain_name = $KEYSTONE_DOMAIN
region_name = $KEYSTONE_REGION
service_token_roles = service
service_token_roles_required = true
EOF
}

cinder_db_sync() {
  [[ -f $S/cinder/.db-synced ]] && return 0
  log "cinder-manage db sync"
  cinder-manage --config-file "$S/cinder/cinder.conf" db sync >>"$LOGS/cinder-manage.out" 2>&1 ||
    { tail -n 30 "$LOGS/cinder-manage.out" >&2; die "cinder-manage db sync failed"; }
  touch "$S/cinder/.db-synced"
}

start_cinder_service() { # NAME BINARY PORT|'' [extra config files...]
  local name=$1 bin=$2 port=$3; shift 3
  running "$name" && return 0
  if [[ -n $port ]] && port_open "$port"; then
    die "127.0.0.1:$port is taken by a process that is not this stack's $name"
  fi
  local args=(--config-file "$S/cinder/cinder.conf")
  local f
  for f in "$@"; do args+=(--config-file "$f"); done
  spawn "$name" "PYTHONPATH=$FIXTURES${PYTHONPATH:+:$PYTHONPATH}" -- "$(command -v "$bin")" "${args[@]}"
}

volume_service_up() {
  ccurl -m 5 "$CINDER_URL/v3/os-services?binary=cinder-volume" | $PY -c '
import json, sys
svcs = json.load(sys.stdin)["services"]
sys.exit(0 if any(s["state"] == "up" and s["status"] == "enabled"
                  and s["host"].startswith(sys.argv[1]) for s in svcs) else 1)' "$CINDER_HOST@fake"
}

# The scheduler has the backend's capabilities (multiattach pool): volumes
# can be scheduled now.
scheduler_has_pool() {
  # short timeout: a call sent before the scheduler listens is lost and
  # would only time out after rpc_response_timeout
  ccurl -m 2 "$CINDER_URL/v3/scheduler-stats/get_pools?detail=true" | $PY -c '
import json, sys
pools = json.load(sys.stdin)["pools"]
sys.exit(0 if any(p.get("capabilities", {}).get("multiattach") is True
                  for p in pools) else 1)'
}

ensure_multiattach_type() {
  local types id
  types=$(ccurl "$CINDER_URL/v3/types?is_public=None")
  id=$($PY -c '
import json, sys
for t in json.loads(sys.argv[1])["volume_types"]:
    if t["name"] == sys.argv[2]:
        ok = (t.get("extra_specs") or {}).get("multiattach") == "<is> True"
        print(t["id"] if ok else "fix:" + t["id"])
        break' "$types" "$MULTIATTACH_TYPE")
  if [[ -z $id ]]; then
    log "create volume type $MULTIATTACH_TYPE"
    ccurl -X POST "$CINDER_URL/v3/types" -d "{\"volume_type\": {\"name\": \"$MULTIATTACH_TYPE\",
      \"description\": \"multiattach volumes (local test stack)\", \"os-volume-type-access:is_public\": true,
      \"extra_specs\": {\"multiattach\": \"<is> True\"}}}" >/dev/null
  elif [[ $id == fix:* ]]; then
    ccurl -X POST "$CINDER_URL/v3/types/${id#fix:}/extra_specs" \
      -d '{"extra_specs": {"multiattach": "<is> True"}}' >/dev/null
  fi
}

# -------------------------------------------------- PostgreSQL + Keystone --

pg_bin() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [[ -n $d ]] || die "PostgreSQL binaries not found"
  echo "$d"
}

as_postgres() { runuser -u postgres -- "$@"; }

pg_running() {
  [[ -s $S/postgres/data/postmaster.pid ]] || return 1
  local pid
  pid=$(head -n 1 "$S/postgres/data/postmaster.pid")
  kill -0 "$pid" 2>/dev/null
}

pg_write_conf() { # DATA SOCKETDIR (rewritten on every start: paths may move)
  local data=$1 sock=$2
  cat >"$data/postgresql.auto.conf" <<CONF
# generated by scripts/stack/stack.sh
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$sock'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 150
shared_buffers = 32MB
CONF
  # loopback TCP with a password; the socket (in our folder) trusted
  cat >"$data/pg_hba.conf" <<CONF
local all all trust
local replication all trust
host all all 127.0.0.1/32 scram-sha-256
CONF
  chown postgres:postgres "$data/postgresql.auto.conf" "$data/pg_hba.conf"
}

start_postgres() {
  local bin data=$S/postgres/data sock=$S/postgres/run
  bin=$(pg_bin)
  mkdir -p "$S/postgres" "$sock"
  chown postgres:postgres "$S/postgres" "$sock"
  if [[ ! -f $data/PG_VERSION ]]; then
    rm -rf "$data"
    if [[ -n $CACHE && -f $CACHE/postgres/pgdata/PG_VERSION ]]; then
      log "cinder and keystone databases, keystone keys from cache $CACHE"
      cp -a "$CACHE/postgres/pgdata" "$data"
      chmod 700 "$data"
      mkdir -p "$S/keystone" "$S/cinder"
      rm -rf "$S/keystone/fernet-keys" "$S/keystone/credential-keys"
      cp -a "$CACHE/postgres/fernet-keys" "$CACHE/postgres/credential-keys" "$S/keystone/"
      touch "$S/postgres/.databases" "$S/cinder/.db-synced" "$S/keystone/.bootstrapped" "$S/keystone/.resources"
    else
      log "initdb"
      rm -f "$S/postgres/.databases" "$S/cinder/.db-synced" "$S/keystone/.bootstrapped" "$S/keystone/.resources"
      as_postgres "$bin/initdb" -D "$data" -U postgres -A trust -E UTF8 --no-instructions \
        >>"$LOGS/postgres-initdb.out" 2>&1 || { tail -n 20 "$LOGS/postgres-initdb.out" >&2; die "initdb failed"; }
    fi
  fi
  pg_write_conf "$data" "$sock"
  touch "$LOGS/postgres.log"; chown postgres:postgres "$LOGS/postgres.log"
  if ! pg_running; then
    port_open $PG_PORT && die "127.0.0.1:$PG_PORT is taken by a process that is not this stack's PostgreSQL"
    rm -f "$data/postmaster.pid"
    log "pg_ctl start"
    as_postgres "$bin/pg_ctl" -D "$data" -l "$LOGS/postgres.log" -w -t 60 start >>"$LOGS/postgres-ctl.out" 2>&1 {LOCK_FD}>&- ||
      { tail -n 20 "$LOGS/postgres.log" >&2; die "PostgreSQL did not start"; }
  fi
  if [[ ! -f $S/postgres/.databases ]]; then
    local psql=("$bin/psql" -h "$sock" -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -qAt) name password
    for name in cinder keystone; do
      password=$CINDER_DB_PASSWORD
      [[ $name == keystone ]] && password=$KEYSTONE_DB_PASSWORD
      as_postgres "${psql[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname='$name'" | grep -q 1 ||
        as_postgres "${psql[@]}" -c "CREATE ROLE $name LOGIN PASSWORD '$password'"
      as_postgres "${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname='$name'" | grep -q 1 ||
        as_postgres "${psql[@]}" -c "CREATE DATABASE $name OWNER $name"
    done
    touch "$S/postgres/.databases"
  fi
}

# Keep a consistent copy of the freshly set-up databases (the running cluster,
# via pg_basebackup: Cinder synced, Keystone bootstrapped with its resources)
# and Keystone's key repositories in the cache.
cache_postgres() {
  [[ -n $CACHE && ! -d $CACHE/postgres && -f $S/keystone/.resources && -f $S/cinder/.db-synced ]] || return 0
  cache_prune
  local tmp=$CACHE/postgres.tmp.$$ bb=$S/postgres/basebackup.tmp
  rm -rf "$tmp" "$bb"; mkdir -p "$tmp"
  # written where the postgres user may write, then moved by root
  if as_postgres "$(pg_bin)/pg_basebackup" -h "$S/postgres/run" -p "$PG_PORT" -U postgres \
    -D "$bb" -X stream -c fast >>"$LOGS/postgres-ctl.out" 2>&1; then
    mv "$bb" "$tmp/pgdata"
    cp -a "$S/keystone/fernet-keys" "$S/keystone/credential-keys" "$tmp/"
    mv -T "$tmp" "$CACHE/postgres" 2>/dev/null || rm -rf "$tmp"
    log "databases cached in $CACHE"
  else
    log "pg_basebackup failed; databases not cached"
    rm -rf "$tmp" "$bb"
  fi
}

stop_postgres() {
  pg_running || return 0
  log "pg_ctl stop"
  as_postgres "$(pg_bin)/pg_ctl" -D "$S/postgres/data" -m fast -w -t 30 stop >>"$LOGS/postgres-ctl.out" 2>&1 || true
}

write_keystone_conf() {
  local k=$S/keystone
  mkdir -p "$k/fernet-keys" "$k/credential-keys"
  cat >"$k/keystone.conf" <<EOF
# generated by scripts/stack/stack.sh
[DEFAULT]
log_dir = $LOGS
debug = false

[database]
connection = postgresql://keystone:$KEYSTONE_DB_PASSWORD@127.0.0.1:$PG_PORT/keystone

[fernet_tokens]
key_repository = $k/fernet-keys/

[fernet_receipts]
key_repository = $k/fernet-keys/

[credential]
key_repository = $k/credential-keys/

[token]
provider = fernet

[identity]
# throwaway local passwords: cheapest bcrypt cost, fast token issuing
password_hash_rounds = 4
EOF
  cat >"$k/uwsgi.ini" <<EOF
[uwsgi]
plugins = python3
http-socket = 127.0.0.1:$KEYSTONE_PORT
wsgi-file = /usr/bin/keystone-wsgi-public
processes = 1
threads = 4
master = true
die-on-term = true
need-app = true
buffer-size = 65535
env = OS_KEYSTONE_CONFIG_FILES=$k/keystone.conf
EOF
}

kmanage() {
  keystone-manage --config-file "$S/keystone/keystone.conf" "$@" >>"$LOGS/keystone-manage.out" 2>&1 ||
    { tail -n 30 "$LOGS/keystone-manage.out" >&2; echo "stack: keystone-manage $1 failed" >&2; return 1; }
}

keystone_env() {
  export KEYSTONE_URL CINDER_KEYSTONE_ENDPOINT KEYSTONE_REGION \
    KEYSTONE_ADMIN_USER KEYSTONE_ADMIN_PASSWORD KEYSTONE_ADMIN_PROJECT \
    KEYSTONE_DEMO_USER KEYSTONE_DEMO_PASSWORD KEYSTONE_DEMO_PROJECT \
    KEYSTONE_SERVICE_USER KEYSTONE_SERVICE_PASSWORD KEYSTONE_SERVICE_PROJECT
}

keystone_up() { curl -sS -f -m 5 -o /dev/null "$KEYSTONE_URL"; }

# Fernet keys as keystone-manage fernet_setup/credential_setup make them
# (a staged key 0 and a primary key 1), without its ~3 s of start-up each.
make_key_repo() {
  local dir=$1
  [[ -f $dir/0 && -f $dir/1 ]] && return 0
  mkdir -p "$dir"; chmod 700 "$dir"
  "$PY" -c '
import base64, os, sys
for name in ("0", "1"):
    path = os.path.join(sys.argv[1], name)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.write(fd, base64.urlsafe_b64encode(os.urandom(32)))
    os.close(fd)' "$dir"
}

# Runs in the background during `start --keystone`.
start_keystone() {
  write_keystone_conf
  local k=$S/keystone
  make_key_repo "$k/fernet-keys"
  make_key_repo "$k/credential-keys"
  if ! running keystone; then
    if port_open $KEYSTONE_PORT; then
      echo "stack: port $KEYSTONE_PORT is taken by a process that is not this stack's Keystone" >&2; return 1
    fi
    # uwsgi loads the app (a few seconds) while the database is set up.
    spawn keystone -- /usr/bin/uwsgi --ini "$k/uwsgi.ini"
  fi
  if [[ ! -f $k/.bootstrapped ]]; then
    log "keystone db_sync/bootstrap"
    kmanage db_sync
    kmanage bootstrap --bootstrap-password "$KEYSTONE_ADMIN_PASSWORD" \
      --bootstrap-username "$KEYSTONE_ADMIN_USER" \
      --bootstrap-project-name "$KEYSTONE_ADMIN_PROJECT" \
      --bootstrap-admin-url "http://127.0.0.1:$KEYSTONE_PORT/v3/" \
      --bootstrap-public-url "http://127.0.0.1:$KEYSTONE_PORT/v3/" \
      --bootstrap-internal-url "http://127.0.0.1:$KEYSTONE_PORT/v3/" \
      --bootstrap-region-id "$KEYSTONE_REGION"
    touch "$k/.bootstrapped"
  fi
  wait_for "Keystone on 127.0.0.1:$KEYSTONE_PORT" 60 "$LOGS/keystone.out" keystone keystone_up
  if [[ ! -f $k/.resources ]]; then
    log "keystone resources"
    keystone_env
    "$PY" "$SCRIPT_DIR/keystone_setup.py" >>"$LOGS/keystone-setup.out" 2>&1 ||
      { tail -n 20 "$LOGS/keystone-setup.out" >&2; echo "stack: keystone resources failed" >&2; return 1; }
    touch "$k/.resources"
  fi
  log "keystone ready"
}

# A token for USER/PASSWORD/PROJECT on stdout.
ks_token() {
  curl -sS -f -m 15 -D - -o /dev/null -H 'Content-Type: application/json' "$KEYSTONE_URL/auth/tokens" -d "{\"auth\":
    {\"identity\": {\"methods\": [\"password\"], \"password\": {\"user\": {\"name\": \"$1\",
     \"domain\": {\"name\": \"$KEYSTONE_DOMAIN\"}, \"password\": \"$2\"}}},
     \"scope\": {\"project\": {\"name\": \"$3\", \"domain\": {\"name\": \"$KEYSTONE_DOMAIN\"}}}}}" |
    tr -d '\r' | sed -n 's/^[Xx]-[Ss]ubject-[Tt]oken: //p'
}

# The Keystone-backed Cinder API accepts the demo user's token.
cinder_ks_authenticated() {
  local tok
  tok=$(ks_token "$KEYSTONE_DEMO_USER" "$KEYSTONE_DEMO_PASSWORD" "$KEYSTONE_DEMO_PROJECT")
  [[ -n $tok ]] || return 1
  curl -sS -f -m 15 -o /dev/null -H "X-Auth-Token: $tok" "$CINDER_KEYSTONE_ENDPOINT/volumes"
}

# ------------------------------------------------------------- env files --

write_env() {
  local keys=(CINDER_ENDPOINT OS_AUTH_TYPE OS_PROJECT_ID OS_USER_ID CINDER_MULTIATTACH_TYPE STACK_LOG_DIR
    CINDER_DATABASE_URL)
  local CINDER_ENDPOINT=$CINDER_URL/v3 OS_AUTH_TYPE=noauth OS_PROJECT_ID=admin OS_USER_ID=admin \
    CINDER_MULTIATTACH_TYPE=$MULTIATTACH_TYPE STACK_LOG_DIR=$LOGS
  if running keystone && running cinder-api-keystone; then
    keys+=(KEYSTONE_URL CINDER_KEYSTONE_ENDPOINT KEYSTONE_DOMAIN KEYSTONE_REGION
      KEYSTONE_ADMIN_USER KEYSTONE_ADMIN_PASSWORD KEYSTONE_ADMIN_PROJECT
      KEYSTONE_DEMO_USER KEYSTONE_DEMO_PASSWORD KEYSTONE_DEMO_PROJECT
      KEYSTONE_SERVICE_USER KEYSTONE_SERVICE_PASSWORD KEYSTONE_SERVICE_PROJECT)
  fi
  local k sh="# generated by scripts/stack/stack.sh start"$'\n' json_args=()
  for k in "${keys[@]}"; do
    sh+="export $k=$(printf '%q' "${!k}")"$'\n'
    json_args+=("$k" "${!k}")
  done
  printf '%s' "$sh" >"$S/env.sh.new" && mv -f "$S/env.sh.new" "$S/env.sh"
  "$PY" -c '
import json, sys
a = sys.argv[1:]
print(json.dumps(dict(zip(a[0::2], a[1::2])), indent=2))' "${json_args[@]}" >"$S/env.json.new"
  mv -f "$S/env.json.new" "$S/env.json"
}

# -------------------------------------------------------------- commands --

cmd_start() {
  local with_keystone=
  while (($#)); do
    case $1 in
      --keystone) with_keystone=1 ;;
      *) die "unknown option for start: $1" ;;
    esac
    shift
  done
  [[ $(id -u) -eq 0 ]] || die "start needs root"
  cmd_install
  mkdir -p "$LOGS" "$RUN"
  # env.sh/env.json stay while a running stack is re-checked (tests may be
  # reading them); they go if this start fails.
  trap 'rc=$?; if ((rc != 0)); then rm -f "$S/env.sh" "$S/env.json"; fi' EXIT
  log "start${with_keystone:+ --keystone}"
  cache_init

  start_rabbit
  start_postgres

  local ks_job=
  if [[ -n $with_keystone ]]; then
    start_keystone >>"$LOGS/stack.log" 2>"$RUN/keystone-job.err" &
    ks_job=$!
  fi

  write_cinder_conf
  cinder_db_sync
  start_cinder_service cinder-api cinder-api $CINDER_PORT
  start_cinder_service cinder-scheduler cinder-scheduler ''
  start_cinder_service cinder-volume cinder-volume ''
  if [[ -n $with_keystone ]]; then
    start_cinder_service cinder-api-keystone cinder-api $CINDER_KS_PORT "$S/cinder/cinder-keystone.conf"
  fi

  wait_for "RabbitMQ on 127.0.0.1:$RABBIT_PORT" 60 "$LOGS/rabbitmq.out" rabbitmq port_open $RABBIT_PORT
  wait_for "cinder-api on $CINDER_URL" 60 "$LOGS/cinder-api.log" cinder-api ccurl -o /dev/null "$CINDER_URL/"
  wait_for "cinder-volume to be up in os-services" 90 "$LOGS/cinder-volume.log" cinder-volume volume_service_up
  wait_for "the scheduler to know the fixture pool" 90 "$LOGS/cinder-scheduler.log" cinder-scheduler scheduler_has_pool
  ensure_multiattach_type

  if [[ -n $ks_job ]]; then
    if ! wait "$ks_job"; then
      cat "$RUN/keystone-job.err" >&2
      die "Keystone did not come up (logs: $LOGS)"
    fi
    wait_for "cinder-api (keystone) on $CINDER_KEYSTONE_ENDPOINT" 60 "$LOGS/cinder-api-keystone.log" \
      cinder-api-keystone curl -sS -f -m 5 -o /dev/null "http://127.0.0.1:$CINDER_KS_PORT/"
    wait_for "a demo token to work on $CINDER_KEYSTONE_ENDPOINT" 60 "$LOGS/cinder-api-keystone.log" \
      cinder-api-keystone cinder_ks_authenticated
  fi
  cache_postgres
  write_env
  log "start done"
}

cmd_stop() {
  mkdir -p "$LOGS" "$RUN"
  log "stop"
  local n
  for n in cinder-api-keystone cinder-api cinder-volume cinder-scheduler; do signal_group "$n" TERM; done
  signal_group keystone INT # uwsgi: SIGINT is "stop" (SIGTERM would be "reload" without die-on-term)
  reap_groups 15 cinder-api-keystone cinder-api cinder-volume cinder-scheduler keystone
  stop_postgres &
  local pg_job=$!
  signal_group rabbitmq TERM
  reap_groups 30 rabbitmq
  signal_group epmd TERM
  reap_groups 5 epmd
  stop_unowned_epmd
  wait "$pg_job" || true
  # anything of ours that a lost pid file hid
  local strays pid
  strays=$(stray_pids)
  if [[ -n $strays ]]; then
    log "stray processes: $(echo $strays)"
    for pid in $strays; do kill -TERM "$pid" 2>/dev/null || true; done
    sleep 2
    for pid in $(stray_pids); do kill -9 "$pid" 2>/dev/null || true; done
  fi
  rm -f "$S/env.sh" "$S/env.json"
  log "stop done"
}

cmd_status() {
  local name port any=
  for name in rabbitmq epmd cinder-api cinder-scheduler cinder-volume cinder-api-keystone keystone postgres; do
    case $name in
      rabbitmq) port=$RABBIT_PORT ;; epmd) port=$EPMD_PORT ;; cinder-api) port=$CINDER_PORT ;;
      cinder-api-keystone) port=$CINDER_KS_PORT ;; keystone) port=$KEYSTONE_PORT ;;
      postgres) port=$PG_PORT ;; *) port= ;;
    esac
    local up= pid=
    case $name in
      postgres) pg_running && up=1 && pid=$(head -n 1 "$S/postgres/data/postmaster.pid") ;;
      *) running "$name" && up=1 && read -r pid _ <"$(pidfile "$name")" ;;
    esac
    if [[ -n $up ]]; then
      any=1
      if [[ -n $port ]]; then
        if port_open "$port"; then
          printf '%-20s running  pid %-7s 127.0.0.1:%s\n' "$name" "$pid" "$port"
        else
          printf '%-20s running  pid %-7s 127.0.0.1:%s NOT ANSWERING\n' "$name" "$pid" "$port"
        fi
      else
        printf '%-20s running  pid %s\n' "$name" "$pid"
      fi
    elif [[ -n $port ]] && port_open "$port"; then
      printf '%-20s 127.0.0.1:%s answers, but not a process this stack started\n' "$name" "$port"
    else
      printf '%-20s stopped\n' "$name"
    fi
  done
  [[ -f $S/env.sh ]] && echo "env: $S/env.sh"
  local strays= known=" " f pid pg st
  for f in "$RUN"/*.pid; do
    [[ -s $f ]] && read -r pid _ <"$f" && known+="$pid "
  done
  pg_running && known+="$(head -n 1 "$S/postgres/data/postmaster.pid") "
  for pid in $(stray_pids); do
    st=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
    st=${st##*) }; set -- $st; pg=$3
    [[ $known == *" $pg "* ]] || strays+="$pid "
  done
  [[ -n $strays ]] && echo "stray processes of this stack (no pid file): $(echo $strays) — 'stop' ends them"
  [[ -n $any ]]
}

usage() {
  echo "usage: $0 install | start [--keystone] | stop | restart [--keystone] | status" >&2
  exit 2
}

# One start/stop at a time per stack folder (parallel test runners, or two
# people, may call `start` together); the daemons do not inherit the lock.
LOCK_FD=
take_lock() {
  mkdir -p "$S"
  exec {LOCK_FD}>"$S/.lock"
  if ! flock -w "${STACK_LOCK_TIMEOUT:-600}" "$LOCK_FD"; then
    die "another stack.sh holds $S/.lock"
  fi
}

main() {
  (($#)) || usage
  local cmd=$1; shift
  case $cmd in
    install) take_lock; cmd_install ;;
    start) take_lock; cmd_start "$@" ;;
    stop) take_lock; cmd_stop ;;
    restart) take_lock; cmd_stop; cmd_start "$@" ;;
    status) cmd_status ;;
    *) usage ;;
  esac
}

main "$@"
