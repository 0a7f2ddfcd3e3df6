#!/usr/bin/env bash
# Runs the upstream Redis 7.0.15 Sentinel suite (tests/sentinel, ./runtest-sentinel) with
# osprey-sentinel as src/redis-sentinel. The data nodes are bin/osprey-server by default;
# --server picks another binary (e.g. /usr/bin/redis-server for Osprey sentinels watching
# real servers), --sentinel another sentinel (/usr/bin/redis-sentinel: real sentinels
# failing Osprey servers over).
#
#   tcl-compat/run-sentinel.sh                       every unit, osprey-sentinel + osprey-server
#   tcl-compat/run-sentinel.sh --units 00-base,05-manual
#   tcl-compat/run-sentinel.sh --sentinel /usr/bin/redis-sentinel --server /usr/bin/redis-server   reference
#
# Options:
#   --sentinel PATH   sentinel under test (default bin/osprey-sentinel)
#   --server PATH     data node binary (default bin/osprey-server)
#   --units LIST      comma-separated unit names (file names without .tcl); default all 13
#   --unit-timeout S  wall clock per unit, then killed (default 600)
#   --skiplist FILE   expected failures (default tcl-compat/skiplist-sentinel.txt for an
#   --no-skiplist       osprey binary, none otherwise)
#   -- ARGS...        extra runtest-sentinel arguments (e.g. -- --dont-clean)
#
# The suite uses its own fixed ports (sentinels from 20000, servers from 30000), so only one
# run per machine at a time. Prints one line per unit: passed / failed, and the total; the
# full output of each unit is in tcl-compat/results/sentinel-<unit>.log. Exits 1 on a failure.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
cd "$ROOT"
SUITE="$HERE/cache/redis-7.0.15"
WORK="$HERE/work-sentinel"
RESULTS="$HERE/results"
SENTINEL="bin/osprey-sentinel"
SERVER="bin/osprey-server"
UNITS=""
UNIT_TIMEOUT=600
SKIPLIST=""
NO_SKIPLIST=0
EXTRA=()

while [ $# -gt 0 ]; do
  case "$1" in
    --sentinel) SENTINEL="$2"; shift ;;
    --server) SERVER="$2"; shift ;;
    --units) UNITS="$2"; shift ;;
    --unit-timeout) UNIT_TIMEOUT="$2"; shift ;;
    --skiplist) SKIPLIST="$2"; shift ;;
    --no-skiplist) NO_SKIPLIST=1 ;;
    --) shift; EXTRA=("$@"); break ;;
    -h|--help) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run-sentinel: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

[ -d "$SUITE/tests/sentinel" ] || { echo "run-sentinel: the upstream suite is not fetched; run tcl-compat/run.sh --units unit/ping once" >&2; exit 2; }
SENTINEL="$(cd "$(dirname "$SENTINEL")" && pwd)/$(basename "$SENTINEL")"
SERVER="$(cd "$(dirname "$SERVER")" && pwd)/$(basename "$SERVER")"

if [ -z "$SKIPLIST" ] && [ "$NO_SKIPLIST" = 0 ] && [[ "$(basename "$SENTINEL")" == osprey-* ]]; then
  SKIPLIST="$HERE/skiplist-sentinel.txt"
fi
[ "$NO_SKIPLIST" = 1 ] && SKIPLIST=""

# A private copy of the suite's tree, with our binaries where the suite looks for them.
rm -rf "$WORK"
mkdir -p "$WORK/src" "$RESULTS"
cp -r "$SUITE/tests" "$SUITE/runtest-sentinel" "$WORK/"
ln -s "$SENTINEL" "$WORK/src/redis-sentinel"
ln -s "$SERVER" "$WORK/src/redis-server"
ln -s "$(command -v redis-cli)" "$WORK/src/redis-cli"
mkdir -p "$WORK/tests/sentinel/tmp"

if [ -z "$UNITS" ]; then
  UNITS="$(cd "$WORK/tests/sentinel/tests" && ls *.tcl | sed 's/\.tcl$//' | paste -sd, -)"
fi

total_ok=0; total_err=0; total_exp=0; status=0
IFS=',' read -r -a unit_list <<< "$UNITS"
for unit in "${unit_list[@]}"; do
  log="$RESULTS/sentinel-$unit.log"
  # Each unit alone (--single), as the suite's instances are shared state between units.
  (cd "$WORK" && TERM=dumb timeout -k 10 "$UNIT_TIMEOUT" ./runtest-sentinel --single "$unit" "${EXTRA[@]}") >"$log" 2>&1 || true
  # Tests print "<time>> <name>: OK" or "<time>> <name>: FAILED: ..."; the suite repeats a
  # failed assertion as "FAILED: caught an error ..." (not counted twice), and a unit that
  # does not reach its end counts as one more failure.
  ok=$(grep -c ': OK$' "$log" || true)
  err=0; exp=0
  while IFS= read -r name; do
    if [ -n "$SKIPLIST" ] && grep -qF "$(printf '%s\t%s\t' "$unit" "$name")" "$SKIPLIST"; then
      exp=$((exp + 1))
    else
      err=$((err + 1)); echo "  FAILED: $unit: $name"
    fi
  done < <(grep -a '^[0-9:]*> .*: FAILED' "$log" | sed 's/^[0-9:]*> \(.*\): FAILED.*/\1/')
  if ! grep -q 'GOOD! No errors.\|test(s) failed.' "$log"; then err=$((err + 1)); echo "  $unit did not finish"; fi
  printf '%-28s %3d passed  %3d failed  %3d expected failures\n' "$unit" "$ok" "$err" "$exp"
  total_ok=$((total_ok + ok)); total_err=$((total_err + err)); total_exp=$((total_exp + exp))
  [ "$err" -eq 0 ] || status=1
done
printf '%-28s %3d passed  %3d failed  %3d expected failures\n' "total" "$total_ok" "$total_err" "$total_exp"
rm -rf "$WORK/tests/sentinel/tmp"
exit $status
