#!/usr/bin/env bash
# tests/fuzz/run.sh — runs the libFuzzer targets built by `make fuzz-build` (bin/fuzz/).
#
#   tests/fuzz/run.sh fuzz SECONDS TARGET...    fuzz each target SECONDS on its corpus
#   tests/fuzz/run.sh replay 0 TARGET...        run every committed corpus input once
#
# Corpora: tests/fuzz/corpus/<target>/ (small, committed, made by gen_corpus.py). Fuzzing
# reads them and writes what it finds to build/fuzz/corpus/<target>/ (not committed) and
# any crash to build/fuzz/artifacts/<target>-crash-*; the run fails when a target crashes,
# leaks or times out, and prints each target's executions.
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT="$PWD"  # absolute paths: the targets chdir into a temp directory
mode="$1"; seconds="$2"; shift 2
export ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
fail=0
mkdir -p build/fuzz/artifacts
for t in "$@"; do
  bin="bin/fuzz/fuzz_$t"
  seeds="$ROOT/tests/fuzz/corpus/$t"
  [ -x "$bin" ] || { echo "fuzz: $bin not built (make fuzz-build)"; fail=1; continue; }
  log="$ROOT/build/fuzz/$t.log"
  if [ "$mode" = replay ]; then
    n=$(find "$seeds" -type f | wc -l)
    start=$(date +%s)
    if find "$seeds" -type f -print0 | xargs -0 -r "$bin" -rss_limit_mb=4096 -timeout=25 >"$log" 2>&1; then
      printf 'fuzz replay: %-8s %4d inputs ok (%ds)\n' "$t" "$n" "$(( $(date +%s) - start ))"
    else
      echo "fuzz replay: $t FAILED (log $log):"; tail -40 "$log"; fail=1
    fi
  else
    mkdir -p "build/fuzz/corpus/$t"
    "$bin" -max_total_time="$seconds" -rss_limit_mb=4096 -timeout=25 -max_len=65536 \
      -print_final_stats=1 -artifact_prefix="$ROOT/build/fuzz/artifacts/$t-" \
      "$ROOT/build/fuzz/corpus/$t" "$seeds" >"$log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    cov=$(grep -a -o 'cov: [0-9]*' "$log" | tail -1)
    if [ $rc -eq 0 ]; then
      printf 'fuzz: %-8s %10s executions in %ss, %s, no crash\n' "$t" "${execs:-?}" "$seconds" "$cov"
    else
      echo "fuzz: $t FAILED after ${execs:-?} executions (log $log):"; grep -a -A30 -m1 "==ERROR\|runtime error\|ERROR: libFuzzer" "$log"; fail=1
    fi
  fi
done
exit $fail
