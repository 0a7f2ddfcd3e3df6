// sentinel/command_docs.h — COMMAND DOCS data of osprey-sentinel's commands (generated into
// sentinel/command_docs.cpp by scripts/gen_sentinel_docs.py from the real redis-sentinel).
#pragma once

#include <cstddef>

namespace osprey::sentinel {

// One RESP3 node of a docs reply, in pre-order: '%' map (n pairs follow), '~' set and '*'
// array (n elements follow), '$' bulk string, '+' status (text in s), ':' integer (n).
struct DocNode {
  char type;
  long long n;
  const char* s;
};
struct DocEntry {
  const char* fullname;  // "sentinel|masters"
  int first;             // index in kDocNodes of the docs map
};

extern const DocNode kDocNodes[];
extern const DocEntry kDocEntries[];
extern const size_t kDocEntryCount;

}  // namespace osprey::sentinel
