// server/evict.cpp — maxmemory and key eviction (see evict.h).
//
// How Redis 7.0 evicts, and so how we do:
//   * Used memory is the allocator's figure (jemalloc's stats.allocated, as INFO's
//     used_memory) less what is not counted: the replicas' output buffers. Client query and
//     output buffers of normal clients do count, so a flood of big replies evicts keys.
//   * The LRU / LFU / TTL policies share one eviction pool of 16 candidates sorted by
//     "idle" score (LRU: idle milliseconds; LFU: 255 - the decayed counter; TTL: the
//     farther the expiry, the lower). Each round samples maxmemory-samples keys of every
//     database (the whole keyspace for allkeys-*, the keys with an expiry for volatile-*)
//     into the pool, then evicts the best candidate that still exists. Candidates survive
//     across rounds and commands, so the pool converges towards the true best key.
//   * The random policies take a random key of the next non-empty database, round robin.
//   * Each evicted key: deleted, evicted_keys++, WATCH touched, an `evicted` keyspace event,
//     and a DEL (UNLINK with lazyfree-lazy-eviction) propagated to replicas.
//   * The work is bounded by maxmemory-eviction-tenacity (0: 0 us ... 10: 500 us, then
//     +15% per step, 100: no limit). When the budget ends first, a timer in the event loop
//     goes on evicting and commands are not refused meanwhile (EVICT_RUNNING).
//   * Sticky keys (STICK) are never candidates. When sampling finds none but sticky keys,
//     one full walk of the keyspace decides whether anything evictable is left, so a write
//     is refused only when every key that the policy may take is sticky.
#include "server/evict.h"

#include <uv.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <string>
#include <vector>

#include "common/config.h"
#include "common/log.h"
#include "common/util.h"
#include "server/db.h"
#include "server/networking.h"
#include "server/replication.h"
#include "server/scripting.h"
#include "server/scripting_hooks.h"

namespace osprey {

size_t allocatorUsedMemory();  // cmd_server.cpp: INFO's used_memory

namespace {

constexpr int kPoolSize = 16;  // Redis's EVPOOL_SIZE

struct PoolEntry {
  unsigned long long idle = 0;  // the higher, the better a candidate
  int dbid = 0;
  bool used = false;
  std::string key;
};

struct EvictState {
  PoolEntry pool[kPoolSize];
  unsigned next_db = 0;  // round robin of the random policies
  bool timer_init = false, timer_running = false;
  uv_timer_t timer;
  bool pre_command_oom = false;
  long long exceeded_since_us = 0;  // monotonic start of the current stretch over the limit
  long long exceeded_total_us = 0;  // finished stretches
};

EvictState& E() {
  static EvictState st;
  return st;
}

bool isAllKeys(int policy) {
  return policy == MAXMEMORY_ALLKEYS_LRU || policy == MAXMEMORY_ALLKEYS_LFU ||
         policy == MAXMEMORY_ALLKEYS_RANDOM;
}
bool isLru(int p) { return p == MAXMEMORY_ALLKEYS_LRU || p == MAXMEMORY_VOLATILE_LRU; }
bool isLfu(int p) { return p == MAXMEMORY_ALLKEYS_LFU || p == MAXMEMORY_VOLATILE_LFU; }
bool isRandom(int p) { return p == MAXMEMORY_ALLKEYS_RANDOM || p == MAXMEMORY_VOLATILE_RANDOM; }

// Memory over the limit, or 0 when under it (Redis's getMaxmemoryState).
size_t memoryToFree() {
  unsigned long long maxmemory = cfg().maxmemory;
  if (!maxmemory) return 0;
  size_t used = allocatorUsedMemory();
  if (used <= maxmemory) return 0;
  size_t not_counted = memoryNotCountedForEvict();
  used = used > not_counted ? used - not_counted : 0;
  return used > maxmemory ? used - maxmemory : 0;
}

// The eviction time budget of maxmemory-eviction-tenacity, in microseconds.
unsigned long long evictionTimeLimitUs() {
  long long t = cfg().maxmemory_eviction_tenacity;
  if (t <= 10) return 50ULL * static_cast<unsigned long long>(t);
  if (t < 100)
    return static_cast<unsigned long long>(500.0 * std::pow(1.15, static_cast<double>(t) - 10.0));
  return ULLONG_MAX;
}

// The pool score of a key: higher is a better candidate.
unsigned long long idleScore(int policy, const Object& o, long long expire) {
  if (isLru(policy)) return lruIdleSeconds(o) * 1000;
  if (isLfu(policy)) return 255 - static_cast<unsigned long long>(lfuDecrAndReturn(o));
  return ULLONG_MAX - static_cast<unsigned long long>(expire);  // volatile-ttl
}

// Inserts a candidate into the pool kept sorted by ascending score, as Redis's
// evictionPoolPopulate: when full, the worst candidate (the leftmost) makes room.
void poolInsert(std::string_view key, int dbid, unsigned long long idle) {
  PoolEntry* pool = E().pool;
  int k = 0;
  while (k < kPoolSize && pool[k].used && pool[k].idle < idle) k++;
  if (k == 0 && pool[kPoolSize - 1].used) return;  // worse than everything in a full pool
  if (k < kPoolSize && !pool[k].used) {
    // An empty slot at k: insert there.
  } else if (!pool[kPoolSize - 1].used) {
    // Free room on the right: shift k.. one place right.
    for (int i = kPoolSize - 1; i > k; i--) std::swap(pool[i], pool[i - 1]);
  } else {
    // Full: drop the leftmost (worst) and shift the left part one place left.
    k--;
    for (int i = 0; i < k; i++) std::swap(pool[i], pool[i + 1]);
  }
  pool[k].used = true;
  pool[k].idle = idle;
  pool[k].dbid = dbid;
  pool[k].key.assign(key);
}

// Samples maxmemory-samples keys of db into the pool. Returns how many were evictable.
int poolPopulate(Db& db, int policy) {
  size_t want = static_cast<size_t>(std::max<long long>(cfg().maxmemory_samples, 1));
  int added = 0;
  if (isAllKeys(policy)) {
    std::vector<KeyEntry*> sample(want);
    size_t n = db.keys.sample(sample.data(), want);
    for (size_t i = 0; i < n; i++) {
      const Object& o = sample[i]->value;
      if (o.sticky) continue;
      poolInsert(sample[i]->key(), db.id, idleScore(policy, o, 0));
      added++;
    }
  } else {
    using ExpEntry = Dict<std::string_view, long long>::Entry;
    std::vector<ExpEntry*> sample(want);
    size_t n = db.expires.sample(sample.data(), want);
    for (size_t i = 0; i < n; i++) {
      KeyEntry* ke = db.keys.find(sample[i]->key);
      if (!ke || ke->value.sticky) continue;
      poolInsert(sample[i]->key, db.id, idleScore(policy, ke->value, sample[i]->value));
      added++;
    }
  }
  return added;
}

// Whether db has any key the policy may evict (a full walk: only after sampling saw
// nothing but sticky keys).
bool hasEvictableKey(Db& db, int policy, std::string* found) {
  bool any = false;
  if (isAllKeys(policy)) {
    db.keys.forEach([&](KeyEntry& e) {
      if (!any && !e.value.sticky) {
        any = true;
        found->assign(e.key());
      }
    });
  } else {
    db.expires.forEach([&](auto& e) {
      if (any) return;
      KeyEntry* ke = db.keys.find(e.key);
      if (ke && !ke->value.sticky) {
        any = true;
        found->assign(e.key);
      }
    });
  }
  return any;
}

// The next key to evict under an LRU / LFU / TTL policy, or false when none is left.
bool selectFromPool(int policy, int* dbid, std::string* key) {
  EvictState& st = E();
  for (int round = 0;; round++) {
    size_t total = 0;
    int added = 0;
    for (Db& db : server.dbs) {
      size_t n = isAllKeys(policy) ? db.keys.size() : db.expires.size();
      if (n == 0) continue;
      total += n;
      added += poolPopulate(db, policy);
    }
    if (total == 0) return false;
    for (int k = kPoolSize - 1; k >= 0; k--) {
      PoolEntry& pe = st.pool[k];
      if (!pe.used) continue;
      Db& db = server.dbs[static_cast<size_t>(pe.dbid)];
      KeyEntry* ke = db.keys.find(pe.key);
      bool ok = ke && !ke->value.sticky && (isAllKeys(policy) || db.expires.find(pe.key));
      pe.used = false;
      if (ok) {
        *dbid = pe.dbid;
        *key = std::move(pe.key);
        return true;
      }
      // A ghost: deleted (or made sticky) since it was sampled. Try the next.
    }
    if (added == 0 && round >= 3) {
      // Only sticky keys were sampled, repeatedly: look for any evictable key at all.
      for (Db& db : server.dbs) {
        if (hasEvictableKey(db, policy, key)) {
          *dbid = db.id;
          return true;
        }
      }
      return false;
    }
  }
}

// The next key under a random policy, or false when none is left.
bool selectRandom(int policy, int* dbid, std::string* key) {
  EvictState& st = E();
  size_t dbnum = server.dbs.size();
  for (size_t i = 0; i < dbnum; i++) {
    Db& db = server.dbs[(++st.next_db) % dbnum];
    bool all = isAllKeys(policy);
    if ((all ? db.keys.size() : db.expires.size()) == 0) continue;
    for (int tries = 0; tries < 16; tries++) {
      if (all) {
        KeyEntry* e = db.keys.random();
        if (e && !e->value.sticky) {
          *dbid = db.id;
          key->assign(e->key());
          return true;
        }
      } else {
        auto* e = db.expires.random();
        KeyEntry* ke = e ? db.keys.find(e->key) : nullptr;
        if (ke && !ke->value.sticky) {
          *dbid = db.id;
          key->assign(e->key);
          return true;
        }
      }
    }
    if (hasEvictableKey(db, policy, key)) {
      *dbid = db.id;
      return true;
    }
  }
  return false;
}

// Deletes one key as an eviction, with its statistics, signals and propagation.
void evictKey(Db& db, const std::string& key) {
  dbDelete(db, key);
  server.stat_evictedkeys++;
  signalModifiedKey(nullptr, db, key);
  notifyKeyspaceEvent(NOTIFY_EVICTED, "evicted", key, db.id);
  propagate(db.id, {cfg().lazyfree_lazy_eviction ? "UNLINK" : "DEL", key});
}

bool safeToEvict() {
  if (server.loading) return false;
  if (scriptIsTimedOut()) return false;  // a script holds the server: nothing may change
  if (!cfg().replicaof_host.empty() && cfg().replica_ignore_maxmemory) return false;
  // While clients are paused the dataset stays still: no expiry, no eviction.
  if (server.pause_end_ms) return false;
  return true;
}

void onEvictionTimer(uv_timer_t*) {
  EvictState& st = E();
  st.timer_running = false;
  updateCachedTime();
  performEvictions();  // restarts the timer when it runs out of time again
}

}  // namespace

// ---- Public ------------------------------------------------------------------------

size_t memoryNotCountedForEvict() { return replicationBuffersMemory(); }

bool preCommandOomState() { return E().pre_command_oom; }

bool dictExpandAllowed(size_t more_bytes, double fill_ratio) {
  unsigned long long maxmemory = cfg().maxmemory;
  // Past 1.618 entries per bucket (Redis's HASHTABLE_MAX_LOAD_FACTOR) the table grows anyway.
  if (!maxmemory || fill_ratio > 1.618) return true;
  size_t used = allocatorUsedMemory(), not_counted = memoryNotCountedForEvict();
  used = used > not_counted ? used - not_counted : 0;
  return used + more_bytes <= maxmemory;
}

void startEvictionTimer() {
  EvictState& st = E();
  if (st.timer_running || !server.loop) return;
  if (!st.timer_init) {
    uv_timer_init(server.loop, &st.timer);
    uv_unref(reinterpret_cast<uv_handle_t*>(&st.timer));
    st.timer_init = true;
  }
  st.timer_running = true;
  uv_timer_start(&st.timer, onEvictionTimer, 0, 0);
}

static EvictStatus performEvictionsOnce();

// Redis's update_metrics: the time spent over the limit, for INFO.
EvictStatus performEvictions() {
  EvictState& st = E();
  EvictStatus s = performEvictionsOnce();
  if (s != EvictStatus::Ok) {
    if (st.exceeded_since_us == 0) st.exceeded_since_us = monotonicUs();
  } else if (st.exceeded_since_us != 0) {
    st.exceeded_total_us += monotonicUs() - st.exceeded_since_us;
    st.exceeded_since_us = 0;
  }
  return s;
}

long long evictionExceededMs(bool current_only) {
  EvictState& st = E();
  long long current = st.exceeded_since_us ? monotonicUs() - st.exceeded_since_us : 0;
  return (current_only ? current : st.exceeded_total_us + current) / 1000;
}

void evictionResetStats() {
  E().exceeded_total_us = 0;
  E().exceeded_since_us = 0;
}

static EvictStatus performEvictionsOnce() {
  if (!safeToEvict()) return EvictStatus::Ok;
  size_t to_free = memoryToFree();
  if (to_free == 0) return EvictStatus::Ok;
  int policy = cfg().maxmemory_policy;
  if (policy == MAXMEMORY_NO_EVICTION) return EvictStatus::Fail;

  long long start = monotonicUs();
  unsigned long long limit = evictionTimeLimitUs();
  size_t freed = 0;
  long long keys_freed = 0;
  while (freed < to_free) {
    int dbid = 0;
    std::string key;
    bool found = isRandom(policy) ? selectRandom(policy, &dbid, &key)
                                  : selectFromPool(policy, &dbid, &key);
    if (!found) break;
    size_t before = allocatorUsedMemory();
    evictKey(server.dbs[static_cast<size_t>(dbid)], key);
    size_t after = allocatorUsedMemory();
    if (before > after) freed += before - after;
    keys_freed++;
    if (keys_freed % 16 == 0 &&
        static_cast<unsigned long long>(monotonicUs() - start) > limit) {
      // Out of time while still over the limit: the timer goes on from the event loop.
      if (memoryToFree() == 0) return EvictStatus::Ok;
      startEvictionTimer();
      return EvictStatus::Running;
    }
  }
  if (freed >= to_free) return EvictStatus::Ok;
  // Nothing evictable is left: still over the limit, DENYOOM commands are refused.
  return memoryToFree() == 0 ? EvictStatus::Ok : EvictStatus::Fail;
}

// Redis's getClientEvictionLimit: bytes, or a percentage of maxmemory, at least 128 KB.
static size_t clientEvictionLimit() {
  long long v = cfg().maxmemory_clients;
  if (v == 0) return 0;
  unsigned long long limit = v > 0 ? static_cast<unsigned long long>(v)
                                   : cfg().maxmemory * static_cast<unsigned long long>(-v) / 100;
  if (limit == 0) return 0;  // a percentage of no maxmemory
  return std::max<unsigned long long>(limit, 128 * 1024);
}

// What a client holds: its struct, query buffer, parsed arguments and pending replies.
static size_t clientEvictionMemory(const Client& c) {
  size_t n = sizeof(Client) + c.querybuf.capacity() + c.out.allocated();
  for (const std::string& a : c.argv) n += a.capacity();
  return n;
}

bool evictClients(Client* current) {
  size_t limit = clientEvictionLimit();
  if (!limit) return false;
  std::vector<std::pair<size_t, Client*>> candidates;
  size_t total = 0;
  for (Client* c : server.client_list) {
    if (c->fake || c->close_asap || c->is_master || c->monitor || replicationIsReplica(*c))
      continue;
    size_t mem = clientEvictionMemory(*c);
    total += mem;
    if (!clientNoEvict(*c)) candidates.emplace_back(mem, c);
  }
  if (total < limit) return false;
  std::sort(candidates.begin(), candidates.end(),
            [](const auto& a, const auto& b) { return a.first > b.first; });
  bool evicted_current = false;
  for (auto& [mem, c] : candidates) {
    if (total < limit) break;
    serverLog(LogLevel::Notice, "Evicting client: id={} addr={} name={}", c->id, c->addr, c->name);
    server.stat_evictedclients++;
    total -= mem;
    if (c == current) {
      evicted_current = true;
      freeClientAsync(c);  // its command is being dispatched: freed before the loop sleeps
    } else {
      freeClient(c);  // at once, as CLIENT KILL does, so its memory is free for what follows
    }
  }
  return evicted_current;
}

bool rejectCommandForMaxmemory(Client& c) {
  EvictState& st = E();
  // Clients first, then keys: the last command may have grown an output buffer.
  if (evictClients(&c)) return true;
  if (!cfg().maxmemory || scriptIsTimedOut()) return false;
  bool oom = performEvictions() == EvictStatus::Fail;
  // A command queued inside MULTI may grow memory without bound; EXEC, DISCARD, QUIT and
  // RESET still pass (EXEC is refused only when it holds a DENYOOM command).
  const std::string& n = c.cmd->fullname;
  bool deny = c.cmd->has(CMD_DENYOOM) || scriptCommandDenyOom(c) ||
              (n == "exec" && (c.mstate_flags & CMD_DENYOOM));
  if (c.in_multi && n != "exec" && n != "discard" && n != "quit" && n != "reset") deny = true;
  if (oom && deny) {
    rejectCommand(c, err::kOom);
    return true;
  }
  st.pre_command_oom = oom;
  return false;
}

void evictionInit() {
  g_dict_expand_allowed = dictExpandAllowed;
  // Create EVAL's Lua VM now, as Redis creates its VM at start-up: otherwise its ~50 KB
  // would appear in used_memory at the first INFO or EVAL, right after a client measured
  // the memory to set a tight maxmemory.
  evalLuaMemory();
  configOnApply("maxmemory", [](std::string*) {
    unsigned long long maxmemory = cfg().maxmemory;
    if (maxmemory) {
      size_t used = allocatorUsedMemory();
      size_t not_counted = memoryNotCountedForEvict();
      if (used > not_counted && used - not_counted > maxmemory)
        serverLog(LogLevel::Warning,
                  "WARNING: the new maxmemory value set via CONFIG SET ({}) is smaller than the "
                  "current memory usage ({}). This will result in key eviction and/or the "
                  "inability to accept new write commands depending on the maxmemory-policy.",
                  maxmemory, used);
      startEvictionTimer();
    }
    return true;
  });
}

}  // namespace osprey
