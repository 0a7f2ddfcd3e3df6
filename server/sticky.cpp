// server/sticky.cpp — STICK: marks keys that eviction never takes (see sticky.h).
#include "server/sticky.h"

#include "server/db.h"

namespace osprey {

void propagateStickMarker(int dbid, const std::string& key) {
  propagate(dbid, {"PING", std::string(kStickMarkerPrefix) + key});
}

bool applyStickMarkerFromMaster(Client& c) {
  if (!c.is_master || c.argc() != 2) return false;
  const std::string& m = c.arg(1);
  std::string_view prefix(kStickMarkerPrefix);
  if (m.compare(0, prefix.size(), prefix) != 0) return false;
  if (Object* o = lookupKeyPeek(*c.db, std::string_view(m).substr(prefix.size()))) o->sticky = true;
  return true;
}

namespace {

// STICK key [key ...]: marks the existing keys; answers how many were not sticky before.
// The effect replicates as one marker per newly sticky key, never as STICK itself (a real
// Redis replica would refuse an unknown command).
void stickCommand(Client& c) {
  long long made = 0;
  for (size_t j = 1; j < c.argc(); j++) {
    Object* o = lookupKeyWrite(*c.db, c.arg(j));
    if (!o || o->sticky) continue;
    o->sticky = true;
    made++;
    server.dirty++;
    propagateStickMarker(c.db->id, c.arg(j));
  }
  c.prevent_propagate = true;
  c.r().integer(made);
}

const CommandRow kRows[] = {
    {"stick", -2, "write fast", "@keyspace @write @fast", 1, -1, 1, stickCommand, "generic",
     "7.0.0", "Mark keys so that no maxmemory policy evicts them (Dragonfly's STICK)",
     "O(N) where N is the number of keys"},
};

}  // namespace

CommandRows stickyCommands() { return {kRows, sizeof(kRows) / sizeof(kRows[0])}; }

}  // namespace osprey
