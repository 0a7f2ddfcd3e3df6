#!/usr/bin/env bash
# tests/tree_guard.sh — tests write only in temp directories: this fails a test step that
# left a file in the project tree (a dump.rdb in the root, an appendonlydir, a log ...).
#
#   tests/tree_guard.sh start            remember the moment (a stamp outside the tree)
#   tests/tree_guard.sh check STEP       fail, naming the files, if any file of the tree
#                                        outside the build / cache directories is newer
#
# Build outputs (build/, bin/), the fetched upstream suite and its work and result
# directories (tcl-compat/cache, work, results), bench/results and Python's __pycache__
# are where the steps are meant to write.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STAMP="${OSPREY_TREE_STAMP:-${TMPDIR:-/tmp}/osprey-tree-guard.$(printf '%s' "$ROOT" | cksum | cut -d' ' -f1)}"

case "${1:-}" in
  start)
    touch "$STAMP"
    ;;
  check)
    step="${2:-test step}"
    [ -e "$STAMP" ] || { echo "tree_guard: no stamp ($STAMP): run 'tests/tree_guard.sh start' first" >&2; exit 2; }
    cd "$ROOT"
    left="$(find . \( -path ./.git -o -path ./build -o -path ./bin -o -path ./tcl-compat/cache \
                     -o -path ./tcl-compat/work -o -path ./tcl-compat/results -o -path ./bench/results \
                     -o -name __pycache__ \) -prune -o \( -type f -o -type d -o -type l \) \
                  -newer "$STAMP" -print | grep -v '^\.$' || true)"
    # A directory whose contents changed is newer too: report files, and only the
    # directories that did not exist before (they hold nothing else we could name).
    files="$(while IFS= read -r p; do
               [ -n "$p" ] || continue
               if [ -d "$p" ] && [ -n "$(git ls-files -- "$p" | head -1)" ]; then continue; fi
               if [ -e "$p" ] && git ls-files --error-unmatch -- "$p" >/dev/null 2>&1; then
                 # tracked files change only through edits, not through tests
                 continue
               fi
               echo "$p"
             done <<<"$left")"
    if [ -n "$files" ]; then
      echo "tree_guard: FAIL: $step wrote in the project tree (tests write only in temp directories):" >&2
      sed 's/^/  /' <<<"$files" >&2
      exit 1
    fi
    ;;
  *)
    echo "usage: tests/tree_guard.sh start | check STEP" >&2
    exit 2
    ;;
esac
