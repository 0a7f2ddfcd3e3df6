// server/cmd_multi.cpp — transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH.
//
// Queueing itself happens in processCommand (dispatch.cpp): inside MULTI every command but
// EXEC / DISCARD / MULTI / WATCH / QUIT / RESET is checked, then stored in Client::mstate
// and answered +QUEUED; a command rejected while queueing marks the transaction dirty_exec.
// EXEC then runs the queue through call(), one reply per command in one array.
//
// WATCH is optimistic locking: Db::watched_keys maps a key to its watchers, and every
// modification signal (signalModifiedKey → touchWatchedKey in db.cpp) sets dirty_cas on
// them; EXEC of a dirty_cas client answers a null array and runs nothing.
//
// Keys that are logically expired but not yet deleted ("stale") need care, as in Redis 7.0:
//   * a key that expires between WATCH and EXEC counts as modified, even when nothing has
//     deleted it yet (EXEC checks every watched key's expiry);
//   * a key that was already stale when WATCHed is not a change when it expires or is
//     deleted later: it was already gone, logically.
// Which watched keys were stale at WATCH time is remembered here, beside Client::watched.
#include <algorithm>
#include <string_view>
#include <unordered_map>

#include "server/acl.h"
#include "server/db.h"
#include "server/server.h"

namespace osprey {

// ==== Stale watched keys ====================================================

namespace {

struct WatchedKeyRef {
  int dbid;
  std::string key;
  bool operator==(const WatchedKeyRef&) const = default;
};

// Client → the watched keys that were already expired when it WATCHed them. An entry is
// meaningful only while the key is still in the client's Client::watched.
std::unordered_map<const Client*, std::vector<WatchedKeyRef>>& staleWatched() {
  static std::unordered_map<const Client*, std::vector<WatchedKeyRef>> table;
  return table;
}

bool isWatching(const Client& c, int dbid, std::string_view key) {
  for (const auto& [id, k] : c.watched)
    if (id == dbid && k == key) return true;
  return false;
}

}  // namespace

// True when c WATCHed key in db dbid while it was already logically expired (and nothing
// since then has made it a real key again). touchWatchedKey uses it: deleting such a key
// is not a modification.
bool watchedKeyWasStale(const Client& c, int dbid, std::string_view key) {
  auto it = staleWatched().find(&c);
  if (it == staleWatched().end()) return false;
  for (const auto& ref : it->second)
    if (ref.dbid == dbid && ref.key == key) return isWatching(c, dbid, key);
  return false;
}

// Sets or clears the "stale when watched" mark of one watched key.
void setWatchedKeyStale(const Client& c, int dbid, std::string_view key, bool stale) {
  auto& table = staleWatched();
  auto it = table.find(&c);
  if (!stale) {
    if (it == table.end()) return;
    auto& v = it->second;
    v.erase(std::remove_if(v.begin(), v.end(),
                           [&](const WatchedKeyRef& r) { return r.dbid == dbid && r.key == key; }),
            v.end());
    if (v.empty()) table.erase(it);
    return;
  }
  if (it == table.end()) it = table.emplace(&c, std::vector<WatchedKeyRef>{}).first;
  WatchedKeyRef ref{dbid, std::string(key)};
  if (std::find(it->second.begin(), it->second.end(), ref) == it->second.end())
    it->second.push_back(std::move(ref));
}

// Forgets every mark of c (UNWATCH, end of a transaction, client freed).
void forgetStaleWatchedKeys(const Client& c) { staleWatched().erase(&c); }

// EXEC's check: a watched key that expired after WATCH counts as modified, even if it
// has not been deleted yet. Keys that were already stale when watched are ignored.
static bool isWatchedKeyExpired(Client& c) {
  for (const auto& [dbid, key] : c.watched) {
    Db& db = server.dbs[static_cast<size_t>(dbid)];
    if (watchedKeyWasStale(c, dbid, key)) continue;
    if (keyIsExpired(db, key)) return true;
  }
  return false;
}

static void watchForKey(Client& c, const std::string& key) {
  int dbid = c.db->id;
  if (isWatching(c, dbid, key)) return;
  c.watched.emplace_back(dbid, key);
  c.db->watched_keys[key].push_back(&c);
  // keyIsExpired is false for a missing key, so a later SET of it is a change as usual.
  setWatchedKeyStale(c, dbid, key, keyIsExpired(*c.db, key));
}

static void unwatchAll(Client& c) {
  unwatchAllKeys(c);
  forgetStaleWatchedKeys(c);
}

// ==== Transaction state ======================================================

// Leaves MULTI: drops the queue, both dirty flags and every WATCH (DISCARD, EXEC, RESET).
void discardTransaction(Client& c) {
  c.mstate.clear();
  c.mstate.shrink_to_fit();
  c.mstate_flags = 0;
  c.in_multi = false;
  c.dirty_cas = false;
  c.dirty_exec = false;
  unwatchAll(c);
}

// ==== Commands ===============================================================

static void multiCommand(Client& c) {
  if (c.in_multi) {
    c.r().error("ERR MULTI calls can not be nested");
    return;
  }
  c.in_multi = true;
  c.r().ok();
}

static void discardCommand(Client& c) {
  if (!c.in_multi) {
    c.r().error("ERR DISCARD without MULTI");
    return;
  }
  discardTransaction(c);
  c.r().ok();
}

static void execCommand(Client& c) {
  if (!c.in_multi) {
    c.r().error("ERR EXEC without MULTI");
    return;
  }
  if (isWatchedKeyExpired(c)) c.dirty_cas = true;
  if (c.dirty_cas || c.dirty_exec) {
    if (c.dirty_exec)
      c.r().error(err::kExecAbort);
    else
      c.r().nullArray();
    discardTransaction(c);
    return;
  }

  // Watching is over once the transaction runs; the queued commands' effects propagate
  // (wrapped in MULTI/EXEC by flushPropagation when there are several), EXEC itself not.
  unwatchAll(c);
  c.prevent_propagate = true;
  server.in_exec = true;
  Command* exec_cmd = c.cmd;
  std::vector<std::string> exec_argv = std::move(c.argv);
  std::vector<QueuedCommand> queue = std::move(c.mstate);
  c.mstate.clear();
  c.r().arrayLen(queue.size());
  for (QueuedCommand& q : queue) {
    c.argv = std::move(q.argv);
    c.cmd = q.cmd;
    // ACL rules may have changed since the command was queued: checked again.
    std::string denied = aclCheckQueued(c);
    if (denied.empty())
      call(c);
    else
      c.r().error(denied);
    q.argv = std::move(c.argv);
  }
  c.argv = std::move(exec_argv);
  c.cmd = exec_cmd;
  discardTransaction(c);
  server.in_exec = false;
}

static void watchCommand(Client& c) {
  if (c.in_multi) {
    c.r().error("ERR WATCH inside MULTI is not allowed");
    return;
  }
  // Already dirty: EXEC will fail whatever else is watched.
  if (!c.dirty_cas)
    for (size_t j = 1; j < c.argc(); j++) watchForKey(c, c.arg(j));
  c.r().ok();
}

static void unwatchCommand(Client& c) {
  unwatchAll(c);
  c.dirty_cas = false;
  c.r().ok();
}

static const CommandRow kMultiRows[] = {
    {"discard", 1, "noscript loading stale fast allow_busy", "@fast @transaction", 0, 0, 0,
     discardCommand, "transactions", "2.0.0", "Discard all commands issued after MULTI",
     "O(N), when N is the number of queued commands"},
    {"exec", 1, "noscript loading stale skip_slowlog", "@slow @transaction", 0, 0, 0, execCommand,
     "transactions", "1.2.0", "Execute all commands issued after MULTI",
     "Depends on commands in the transaction"},
    {"multi", 1, "noscript loading stale fast allow_busy", "@fast @transaction", 0, 0, 0,
     multiCommand, "transactions", "1.2.0", "Mark the start of a transaction block", "O(1)"},
    {"unwatch", 1, "noscript loading stale fast allow_busy", "@fast @transaction", 0, 0, 0,
     unwatchCommand, "transactions", "2.2.0", "Forget about all watched keys", "O(1)"},
    {"watch", -2, "noscript loading stale fast allow_busy", "@fast @transaction", 1, -1, 1,
     watchCommand, "transactions", "2.2.0",
     "Watch the given keys to determine execution of the MULTI/EXEC block",
     "O(1) for every key."},
};

CommandRows multiCommands() { return {kMultiRows, sizeof(kMultiRows) / sizeof(kMultiRows[0])}; }

}  // namespace osprey
