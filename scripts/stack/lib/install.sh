# shellcheck shell=bash
# Part of scripts/stack/stack.sh (sourced): the Debian packages, installed only when something is missing.

PACKAGES=(cinder-api cinder-scheduler cinder-volume rabbitmq-server keystone
  python3-cinderclient python3-openstackclient postgresql python3-psycopg2
  uwsgi uwsgi-plugin-python3 curl)
BINARIES=(cinder-api cinder-scheduler cinder-volume cinder-manage cinder
  openstack keystone-manage keystone-wsgi-public uwsgi epmd curl
  /usr/lib/rabbitmq/bin/rabbitmq-server /usr/lib/uwsgi/plugins/python3_plugin.so)

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
