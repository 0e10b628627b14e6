# shellcheck shell=bash
# Part of scripts/stack/stack.sh (sourced): the status command.

cmd_status() {
  local name port any=
  for name in rabbitmq epmd cinder-api cinder-scheduler cinder-volume cinder-api-keystone keystone postgres; do
    case $name in
      rabbitmq) port=$RABBIT_PORT ;; epmd) port=$EPMD_PORT ;; cinder-api) port=$CINDER_PORT ;;
      cinder-api-keystone) port=$CINDER_KS_PORT ;; keystone) port=$KEYSTONE_PORT ;;
      postgres) port=$PG_PORT ;; *) port= ;;
    esac
    local up="" pid=""
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
  local strays="" known=" " f pid pg st fields
  for f in "$RUN"/*.pid; do
    [[ -s $f ]] && read -r pid _ <"$f" && known+="$pid "
  done
  pg_running && known+="$(head -n 1 "$S/postgres/data/postmaster.pid") "
  for pid in $(stray_pids); do
    st=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
    read -ra fields <<<"${st##*) }"; pg=${fields[2]}
    [[ $known == *" $pg "* ]] || strays+="$pid "
  done
  [[ -n $strays ]] && echo "stray processes of this stack (no pid file): ${strays% } — 'stop' ends them"
  [[ -n $any ]]
}
