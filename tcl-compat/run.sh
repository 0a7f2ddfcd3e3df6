#!/usr/bin/env bash
# Runs the upstream Redis 7.0.15 Tcl test suite (from Debian's source package `redis`)
# against Osprey or any other server binary. See tcl-compat/README.md.
#
#   tcl-compat/run.sh --ci                    CI subset (units-ci.txt), bin/osprey-server
#   tcl-compat/run.sh --full                  every unit of units.txt
#   tcl-compat/run.sh --units unit/quit,unit/auth
#   tcl-compat/run.sh --server /usr/bin/redis-server --full    reference baseline
#
# Options:
#   --server PATH            server under test (default bin/osprey-server)
#   --sentinel PATH          sentinel binary placed as src/redis-sentinel
#                            (default bin/osprey-sentinel for Osprey, else redis-sentinel
#                            next to --server)
#   --jobs N                 units run in parallel, each in its own work copy (default 1)
#   --ignore-encoding        pass --ignore-encoding to the suite (default: on for an
#   --no-ignore-encoding       osprey-* binary, off otherwise)
#   --skiplist FILE          expected failures (default tcl-compat/skiplist.txt for an
#   --no-skiplist              osprey-* binary, none otherwise)
#   --write-skiplist         rewrite the skiplist from this run's failures
#   --record-reference       store per-test outcomes in tcl-compat/reference-tests.tsv
#                            (use with the real redis-server)
#   --debian-patched         use the suite with Debian's patches applied (adds CVE
#                            regression tests; reference-tests-debian.tsv). Default: the
#                            upstream 7.0.15 suite as released, i.e. the reference's 2,489
#   --timeout SEC            suite no-progress timeout (default 600 full / 120 ci)
#   --unit-timeout SEC       wall clock per unit, then killed (default 1800 full / 180 ci)
#   --budget SEC             start no unit after SEC seconds; the units left count as not
#                            run, i.e. failed (default none / 420 ci)
#   --port-base PORT         suite --baseport of slot 0 (default 21111, or
#                            $OSPREY_TCL_PORT_BASE): separate runs on one machine
#                            (several work trees) need separate port ranges
#   -- ARGS...               extra test_helper.tcl arguments (e.g. -- --dump-logs)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
CALLER_PWD="$PWD"
cd "$ROOT"

# Debian source package holding the suite. Upstream version is fixed (7.0.15); the Debian
# revision is the one matching the reference binaries. The security archive only keeps the
# newest revision, so a newer 7.0.15-* revision is used (with a warning) once it is gone.
UPSTREAM_VERSION="7.0.15"
PIN_VERSION="5:7.0.15-1~deb12u10"
CACHE="$HERE/cache"
WORK="$HERE/work"
RESULTS="$HERE/results"

MODE=""
UNITS=""
SERVER="bin/osprey-server"
SENTINEL=""
JOBS=1
IGNORE_ENC=""
SKIPLIST=""
NO_SKIPLIST=0
WRITE_SKIPLIST=0
RECORD_REF=0
DEBIAN_PATCHED=0
TIMEOUT=""
UNIT_TIMEOUT=""
BUDGET=""
PORT_BASE="${OSPREY_TCL_PORT_BASE:-21111}"
EXTRA=()

die() { echo "tcl-compat: error: $*" >&2; exit 2; }
usage() { sed -n '2,33p' "$HERE/run.sh" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }

while [ $# -gt 0 ]; do
  case "$1" in
    --full) MODE=full ;;
    --ci) MODE=ci ;;
    --units) UNITS="$2"; MODE="${MODE:-units}"; shift ;;
    --server) SERVER="$2"; shift ;;
    --sentinel) SENTINEL="$2"; shift ;;
    --jobs) JOBS="$2"; shift ;;
    --port-base) PORT_BASE="$2"; shift ;;
    --ignore-encoding) IGNORE_ENC=1 ;;
    --no-ignore-encoding) IGNORE_ENC=0 ;;
    --skiplist) SKIPLIST="$2"; shift ;;
    --no-skiplist) NO_SKIPLIST=1 ;;
    --write-skiplist) WRITE_SKIPLIST=1 ;;
    --record-reference) RECORD_REF=1 ;;
    --debian-patched) DEBIAN_PATCHED=1 ;;
    --timeout) TIMEOUT="$2"; shift ;;
    --unit-timeout) UNIT_TIMEOUT="$2"; shift ;;
    --budget) BUDGET="$2"; shift ;;
    -h|--help) usage 0 ;;
    --) shift; EXTRA=("$@"); break ;;
    *) echo "tcl-compat: unknown option $1" >&2; usage 2 ;;
  esac
  shift
done
[ -n "$MODE" ] || usage 2
abs() { case "$1" in ""|/*) echo "$1" ;; *) echo "$CALLER_PWD/$1" ;; esac; }
[ "$SERVER" = bin/osprey-server ] || SERVER="$(abs "$SERVER")"
SENTINEL="$(abs "$SENTINEL")"
SKIPLIST="$(abs "$SKIPLIST")"

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"

# ---------------------------------------------------------------- tools
need_pkgs=()
command -v tclsh8.6 >/dev/null 2>&1 || need_pkgs+=(tcl8.6)
command -v python3 >/dev/null 2>&1 || need_pkgs+=(python3)
command -v ps >/dev/null 2>&1 || need_pkgs+=(procps)
command -v dpkg-source >/dev/null 2>&1 || need_pkgs+=(dpkg-dev)
[ -x /usr/bin/redis-cli ] && [ -x /usr/bin/redis-benchmark ] || need_pkgs+=(redis-tools)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  echo "tcl-compat: installing ${need_pkgs[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO -E apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}"
fi

# ---------------------------------------------------------------- server under test
[ -e "$SERVER" ] || die "server binary '$SERVER' not found (build it first: make)"
[ -x "$SERVER" ] || die "server binary '$SERVER' is not executable"
SERVER="$(cd "$(dirname "$SERVER")" && pwd)/$(basename "$SERVER")"
case "$(basename "$SERVER")" in
  osprey*) OSPREY=1 ;;
  *) OSPREY=0 ;;
esac
if [ -z "$SENTINEL" ]; then
  if [ $OSPREY -eq 1 ]; then SENTINEL="$(dirname "$SERVER")/osprey-sentinel"
  else SENTINEL="$(dirname "$SERVER")/redis-sentinel"; fi
fi
[ -e "$SENTINEL" ] || SENTINEL=""
[ -n "$IGNORE_ENC" ] || IGNORE_ENC=$OSPREY
if [ $NO_SKIPLIST -eq 1 ]; then SKIPLIST=""
elif [ -z "$SKIPLIST" ] && { [ $OSPREY -eq 1 ] || [ $WRITE_SKIPLIST -eq 1 ]; }; then
  SKIPLIST="$HERE/skiplist.txt"
fi

# ---------------------------------------------------------------- the suite (cached)
# cache/dl holds the downloaded source package; cache/redis-7.0.15 is its upstream tree
# without Debian's patches (the suite as released: the reference's 2,489), and
# cache/redis-7.0.15-debian the tree with Debian's patches (adds CVE regression tests).
download_source() {
  # A deb-src entry for bookworm is needed; add one mirroring the binary sources.
  if ! apt-cache showsrc redis 2>/dev/null | grep -q "^Version: 5:$UPSTREAM_VERSION-"; then
    local src=/etc/apt/sources.list.d/osprey-src.sources
    if [ ! -e "$src" ]; then
      echo "tcl-compat: enabling Debian source archive ($src)"
      if [ -e /etc/apt/sources.list.d/debian.sources ]; then
        sed 's/^Types:.*/Types: deb-src/' /etc/apt/sources.list.d/debian.sources | $SUDO tee "$src" >/dev/null
      else
        printf '%s\n' "Types: deb-src" "URIs: http://deb.debian.org/debian" \
          "Suites: bookworm bookworm-updates" "Components: main" \
          "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg" "" \
          "Types: deb-src" "URIs: http://deb.debian.org/debian-security" \
          "Suites: bookworm-security" "Components: main" \
          "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg" | $SUDO tee "$src" >/dev/null
      fi
    fi
    $SUDO apt-get update -qq
  fi
  local versions version
  versions="$(apt-cache showsrc redis 2>/dev/null | sed -n 's/^Version: //p' | grep "^5:$UPSTREAM_VERSION-" || true)"
  [ -n "$versions" ] || die "no source package redis $UPSTREAM_VERSION in the apt sources"
  if grep -qxF "$PIN_VERSION" <<<"$versions"; then
    version="$PIN_VERSION"
  else
    version="$(sort -V <<<"$versions" | tail -1)"
    echo "tcl-compat: warning: $PIN_VERSION no longer in the archive; using $version" >&2
  fi
  rm -rf "$CACHE/dl"
  mkdir -p "$CACHE/dl.tmp"
  (cd "$CACHE/dl.tmp" && apt-get source --download-only -qq "redis=$version" 2>&1 | grep -v "unsandboxed" || true)
  ls "$CACHE"/dl.tmp/redis_*.dsc >/dev/null 2>&1 || die "apt-get source redis=$version failed"
  echo "$version" > "$CACHE/dl.tmp/VERSION"
  mv "$CACHE/dl.tmp" "$CACHE/dl"
}

unpack_suite() {  # $1 = target dir, $2 = 1 to apply Debian's patches
  [ -f "$CACHE/dl/VERSION" ] || download_source
  local dsc version opts=()
  dsc="$(ls "$CACHE"/dl/redis_*.dsc | head -1)"
  version="$(cat "$CACHE/dl/VERSION")"
  [ "$2" = 1 ] || opts+=(--skip-patches)
  rm -rf "$1.tmp"
  dpkg-source --no-check --no-copy "${opts[@]}" -x "$dsc" "$1.tmp" >/dev/null
  [ -f "$1.tmp/tests/test_helper.tcl" ] || die "unpacked source has no tests/test_helper.tcl"
  echo "$version" > "$1.tmp/.osprey-debian-version"
  mv "$1.tmp" "$1"
  echo "tcl-compat: suite from Debian source package redis $version" \
       "($([ "$2" = 1 ] && echo "with Debian's patches" || echo "upstream tree, Debian patches not applied"))" \
       "in ${1#$ROOT/}"
}

if [ $DEBIAN_PATCHED -eq 1 ]; then
  SUITE="$CACHE/redis-$UPSTREAM_VERSION-debian"; REFERENCE="$HERE/reference-tests-debian.tsv"
else
  SUITE="$CACHE/redis-$UPSTREAM_VERSION"; REFERENCE="$HERE/reference-tests.tsv"
fi
mkdir -p "$CACHE"
[ -f "$SUITE/.osprey-debian-version" ] || unpack_suite "$SUITE" "$DEBIAN_PATCHED"

# ---------------------------------------------------------------- units
units_of() { sed 's/#.*//; s/[[:space:]]*$//; /^$/d' "$1" | paste -sd, -; }
ALL_UNITS="$(units_of "$HERE/units.txt")"
case "$MODE" in
  full) UNITS="$ALL_UNITS"; : "${TIMEOUT:=600}"; : "${UNIT_TIMEOUT:=1800}" ;;
  ci) UNITS="$(units_of "$HERE/units-ci.txt")"; : "${TIMEOUT:=120}"; : "${UNIT_TIMEOUT:=180}"
      : "${BUDGET:=420}" ;;
  *) : "${TIMEOUT:=600}"; : "${UNIT_TIMEOUT:=1800}" ;;
esac
IFS=, read -ra _u <<<"$UNITS"
for u in "${_u[@]}"; do
  [ -f "$SUITE/tests/$u.tcl" ] || die "no such unit: $u"
done

# One run at a time: work/ and results/ are shared.
mkdir -p "$WORK"
exec 9>"$WORK/.lock"
flock -n 9 || die "another tcl-compat/run.sh is running (lock $WORK/.lock)"

args=(--suite "$SUITE" --work "$WORK" --results "$RESULTS" --server "$SERVER"
      --sentinel "$SENTINEL" --units "$UNITS" --all-units "$ALL_UNITS" --mode "$MODE"
      --reference "$REFERENCE" --jobs "$JOBS" --timeout "$TIMEOUT"
      --unit-timeout "$UNIT_TIMEOUT" --budget "${BUDGET:-0}" --skiplist "$SKIPLIST" --port-base "$PORT_BASE")
[ "$IGNORE_ENC" = 1 ] && args+=(--ignore-encoding)
[ $WRITE_SKIPLIST -eq 1 ] && args+=(--write-skiplist)
[ $RECORD_REF -eq 1 ] && args+=(--record-reference)
exec python3 "$HERE/harness.py" "${args[@]}" -- "${EXTRA[@]}"
