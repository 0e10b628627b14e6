# shellcheck shell=bash
# Part of scripts/stack/stack.sh (sourced): daemons in their own sessions, pid files, signals, waits.

pidfile() { echo "$RUN/$1.pid"; }

# Start time (in clock ticks since boot) of PID, from /proc/PID/stat.
proc_start() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  local fields
  read -ra fields <<<"${stat##*) }"
  echo "${fields[19]}"
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
# shellcheck disable=SC2016 # expanded by the wrapper's own bash
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

# End what of ours a lost pid file hid: SIGTERM, then SIGKILL after 2 s.
stop_strays() {
  local strays pid
  strays=$(stray_pids)
  [[ -n $strays ]] || return 0
  log "stray processes: ${strays//$'\n'/ }"
  for pid in $strays; do kill -TERM "$pid" 2>/dev/null || true; done
  sleep 2
  for pid in $(stray_pids); do kill -9 "$pid" 2>/dev/null || true; done
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
