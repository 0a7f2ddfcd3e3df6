#!/usr/bin/env bash
# tests/sanitize_run.sh — runs a test command against a sanitizer build (make BUILD=asan)
# and fails it on any AddressSanitizer, UndefinedBehaviorSanitizer or LeakSanitizer report.
#
#   tests/sanitize_run.sh STEP -- COMMAND ARGS...
#
# Every sanitized process the command starts (the servers it launches) writes its reports
# to files in a temp directory (log_path), whatever the test does with its stderr; after
# the command the step fails if it failed or if any report exists, and prints them.
# LeakSanitizer runs when a server exits normally (SHUTDOWN, SIGTERM): leaks at shutdown
# are reports too. Forked BGSAVE children leave with _exit and are not leak-checked.
set -uo pipefail
step="$1"; shift
[ "${1:-}" = "--" ] && shift
dir="$(mktemp -d "${TMPDIR:-/tmp}/osprey-sanitize.XXXXXX")"
trap 'rm -rf "$dir"' EXIT
suppr="$(cd "$(dirname "$0")" && pwd)/sanitize.supp"
common="log_path=$dir/report:print_summary=1"
export ASAN_OPTIONS="$common:detect_leaks=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="$common:print_stacktrace=1:halt_on_error=0${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
export LSAN_OPTIONS="$common${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
[ -f "$suppr" ] && LSAN_OPTIONS="$LSAN_OPTIONS:suppressions=$suppr"
start=$(date +%s)
"$@"
rc=$?
secs=$(( $(date +%s) - start ))
reports=("$dir"/report*)
if [ -e "${reports[0]}" ]; then
  echo "sanitize: FAIL: $step: ${#reports[@]} sanitizer report(s):" >&2
  for f in "${reports[@]}"; do
    echo "---- $(basename "$f")" >&2
    head -60 "$f" >&2
  done
  exit 1
fi
if [ $rc -ne 0 ]; then
  echo "sanitize: FAIL: $step exited with $rc" >&2
  exit $rc
fi
echo "sanitize: $step: clean (${secs}s)"
