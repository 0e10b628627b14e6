# shellcheck shell=bash
# Part of scripts/stack/stack.sh (sourced): the cache of set-up databases and key repositories.
#
# The freshly initialised PostgreSQL cluster (Cinder's database after db sync,
# Keystone's after bootstrap and the users/projects/endpoints), with Keystone's
# key repositories, is kept outside the repo and copied in on a cold start:
# this skips the CPU-bound set-up. It is taken after the first full
# `start --keystone`. The key covers these scripts (stack.sh, its parts in
# lib/, keystone_setup.py), the package versions and the Keystone-side ports.
# STACK_CACHE=0 turns it off, STACK_CACHE_DIR moves it.
CACHE_ROOT=${STACK_CACHE_DIR:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/openstack-local-stack}
CACHE=

cache_init() {
  [[ ${STACK_CACHE:-1} == 0 ]] && return 0
  local key
  key=$({
    cat "$SCRIPT_DIR/stack.sh" "$SCRIPT_DIR"/lib/*.sh "$SCRIPT_DIR/keystone_setup.py"
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
