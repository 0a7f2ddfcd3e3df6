#!/usr/bin/env bash
# Installs the Debian packages that Osprey's build, tests and comparisons need.
# Does nothing when everything is present. Uses sudo when not root.
# The reference redis-server / redis-sentinel are installed only to compare against:
# their Debian services must never run, so service starts are blocked during the
# install (policy-rc.d) and any instance the packages started is stopped afterwards.
set -euo pipefail

PKGS=(g++ make pkg-config python3 libuv1-dev liblua5.1-0-dev lua-cjson-dev lua-bitop-dev
      libhiredis-dev liblzf-dev libjemalloc-dev libspdlog-dev libfmt-dev doctest-dev tcl redis-server redis-tools
      redis-sentinel python3-redis
      clang libclang-rt-dev)  # clang + its fuzzer runtime: make fuzz / fuzz-replay

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "deps: installing ${missing[*]}"

# Block service starts while installing (the reference must never run as a service).
created_policy=0
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  created_policy=1
fi
$SUDO apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
[ $created_policy -eq 1 ] && $SUDO rm -f /usr/sbin/policy-rc.d

# If a package service came up anyway, stop and disable it.
for svc in redis-server redis-sentinel; do
  if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    $SUDO systemctl disable --now "$svc" >/dev/null 2>&1 || true
  fi
  $SUDO service "$svc" stop >/dev/null 2>&1 || true
done
for pidfile in /run/redis/redis-server.pid /run/sentinel/redis-sentinel.pid; do
  [ -f "$pidfile" ] && $SUDO kill "$(cat "$pidfile")" 2>/dev/null || true
done
exit 0
