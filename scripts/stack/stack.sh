#!/usr/bin/env bash
# Local OpenStack block-storage stack for tests: RabbitMQ + standalone Cinder
# (noauth, fixture iSCSI driver) on PostgreSQL, optionally Keystone (same
# PostgreSQL, uwsgi) and a second Cinder API behind it. Everything lives in
# <repo>/.local/stack/ and binds to 127.0.0.1 only. See README.md here.
#
#   stack.sh install | start [--keystone] | stop | status | restart [--keystone]
#
# This file holds the commands; each service or concern is a part in lib/:
# common (paths, ports, credentials), install, processes, cache, rabbitmq,
# postgres, cinder, keystone, env (env.sh/env.json), status.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib/common.sh
. "$SCRIPT_DIR/lib/common.sh"
# shellcheck source=lib/install.sh
. "$SCRIPT_DIR/lib/install.sh"
# shellcheck source=lib/processes.sh
. "$SCRIPT_DIR/lib/processes.sh"
# shellcheck source=lib/cache.sh
. "$SCRIPT_DIR/lib/cache.sh"
# shellcheck source=lib/rabbitmq.sh
. "$SCRIPT_DIR/lib/rabbitmq.sh"
# shellcheck source=lib/postgres.sh
. "$SCRIPT_DIR/lib/postgres.sh"
# shellcheck source=lib/cinder.sh
. "$SCRIPT_DIR/lib/cinder.sh"
# shellcheck source=lib/keystone.sh
. "$SCRIPT_DIR/lib/keystone.sh"
# shellcheck source=lib/env.sh
. "$SCRIPT_DIR/lib/env.sh"
# shellcheck source=lib/status.sh
. "$SCRIPT_DIR/lib/status.sh"

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
  start_cinder_service cinder-api cinder-api "$CINDER_PORT"
  start_cinder_service cinder-scheduler cinder-scheduler ''
  start_cinder_service cinder-volume cinder-volume ''
  if [[ -n $with_keystone ]]; then
    start_cinder_service cinder-api-keystone cinder-api "$CINDER_KS_PORT" "$S/cinder/cinder-keystone.conf"
  fi

  wait_for "RabbitMQ on 127.0.0.1:$RABBIT_PORT" 60 "$LOGS/rabbitmq.out" rabbitmq port_open "$RABBIT_PORT"
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
  stop_strays
  rm -f "$S/env.sh" "$S/env.json"
  log "stop done"
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
