#!/usr/bin/env bash
# Make or remove a volume on the local stack's noauth Cinder API.
#
#   volume.sh create <name> [--multiattach] [--size N] [--timeout S]
#       prints the new volume's id once it is `available`
#   volume.sh delete <id> [--timeout S]
#       returns once the volume is gone
#
# Endpoint: $CINDER_ENDPOINT, else .local/stack/env.sh, else
# http://127.0.0.1:18776/v3. Identity: X-Auth-Token $OS_USER_ID:$OS_PROJECT_ID.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$SCRIPT_DIR/../.." && pwd)
S=${STACK_DIR:-$REPO/.local/stack}
if [[ -z ${CINDER_ENDPOINT:-} && -f $S/env.sh ]]; then
  # shellcheck disable=SC1091
  source "$S/env.sh"
fi
ENDPOINT=${CINDER_ENDPOINT:-http://127.0.0.1:18776/v3}
ENDPOINT=${ENDPOINT%/}
AUTH="${OS_USER_ID:-admin}:${OS_PROJECT_ID:-admin}"
MULTIATTACH_TYPE=${CINDER_MULTIATTACH_TYPE:-multiattach}
PY=/usr/bin/python3

die() { echo "volume.sh: $*" >&2; exit 1; }
usage() {
  echo "usage: $0 create <name> [--multiattach] [--size N] [--timeout S] | delete <id> [--timeout S]" >&2
  exit 2
}

# api METHOD PATH [BODY]: prints the body, then the HTTP status on its own line.
api() {
  local args=(-sS -m 30 -X "$1" -H "X-Auth-Token: $AUTH" -H 'Accept: application/json'
    -H 'Content-Type: application/json' -w '\n%{http_code}')
  [[ $# -ge 3 ]] && args+=(-d "$3")
  curl "${args[@]}" "$ENDPOINT$2"
}

field() { # JSON on stdin; prints volume.<key>
  $PY -c 'import json,sys; print(json.load(sys.stdin)["volume"].get(sys.argv[1]) or "")' "$1"
}

create() {
  local name=${1:-} size=1 multi= timeout=120
  [[ -n $name && $name != --* ]] || usage
  shift
  while (($#)); do
    case $1 in
      --multiattach) multi=1 ;;
      --size) size=${2:?--size needs a value}; shift ;;
      --timeout) timeout=${2:?--timeout needs a value}; shift ;;
      *) usage ;;
    esac
    shift
  done
  [[ $size =~ ^[0-9]+$ ]] || die "bad size: $size"
  local body
  body=$($PY -c '
import json, sys
v = {"name": sys.argv[1], "size": int(sys.argv[2])}
if sys.argv[3]:
    v["volume_type"] = sys.argv[3]
print(json.dumps({"volume": v}))' "$name" "$size" "${multi:+$MULTIATTACH_TYPE}")
  local out code id
  out=$(api POST /volumes "$body") || die "POST /volumes failed (is the stack running?)"
  code=${out##*$'\n'}; out=${out%$'\n'*}
  [[ $code == 202 ]] || die "POST /volumes answered $code: $out"
  id=$(field id <<<"$out")
  local deadline=$((SECONDS + timeout)) status=
  while :; do
    out=$(api GET "/volumes/$id") || die "GET /volumes/$id failed"
    code=${out##*$'\n'}; out=${out%$'\n'*}
    [[ $code == 200 ]] || die "GET /volumes/$id answered $code: $out"
    status=$(field status <<<"$out")
    case $status in
      available) break ;;
      error*) die "volume $id went to $status" ;;
    esac
    ((SECONDS < deadline)) || die "volume $id still $status after ${timeout}s"
    sleep 0.2
  done
  echo "$id"
}

delete() {
  local id=${1:-} timeout=120
  [[ -n $id && $id != --* ]] || usage
  shift
  while (($#)); do
    case $1 in
      --timeout) timeout=${2:?--timeout needs a value}; shift ;;
      *) usage ;;
    esac
    shift
  done
  local out code
  out=$(api DELETE "/volumes/$id") || die "DELETE /volumes/$id failed"
  code=${out##*$'\n'}; out=${out%$'\n'*}
  case $code in
    202 | 204) ;;
    404) return 0 ;;
    *) die "DELETE /volumes/$id answered $code: $out" ;;
  esac
  local deadline=$((SECONDS + timeout)) status=
  while :; do
    out=$(api GET "/volumes/$id") || die "GET /volumes/$id failed"
    code=${out##*$'\n'}; out=${out%$'\n'*}
    [[ $code == 404 ]] && return 0
    [[ $code == 200 ]] || die "GET /volumes/$id answered $code: $out"
    status=$(field status <<<"$out")
    [[ $status == error_deleting ]] && die "volume $id went to error_deleting"
    ((SECONDS < deadline)) || die "volume $id still $status after ${timeout}s"
    sleep 0.2
  done
}

(($#)) || usage
cmd=$1; shift
case $cmd in
  create) create "$@" ;;
  delete) delete "$@" ;;
  *) usage ;;
esac
