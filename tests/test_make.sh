#!/usr/bin/env bash
# tests/test_make.sh — checks of the Makefile itself: `make test` compiles with every core
# (-jN, N = nproc, at least 2) and keeps the compilers' messages readable (--output-sync:
# each target's output in one piece, not interleaved).
set -euo pipefail
cd "$(dirname "$0")/.."
want="$(nproc 2>/dev/null || echo 2)"
[ "$want" -ge 2 ] || want=2
# -n prints the recipes; lines running $(MAKE) are printed as they run, so the sub-make
# that builds shows its options.
line="$(make -n test 2>/dev/null | grep -E -- '(^| )(all|bin/osprey-server)( |$)' | grep -E -- 'unit-tests' | head -1 || true)"
fail=0
if ! grep -qE -- "(^| )-j$want( |$)" <<<"$line"; then
  echo "test_make: FAIL: make test does not build with -j$want: '$line'"; fail=1
fi
if ! grep -qE -- "(^| )(-O|-Otarget|--output-sync(=target)?)( |$)" <<<"$line"; then
  echo "test_make: FAIL: make test builds without --output-sync (messages of parallel jobs interleave): '$line'"; fail=1
fi
[ $fail -eq 0 ] && echo "test_make: 2 checks passed"
exit $fail
