// server/db.cpp — keyspace operations (see db.h): lookups with lazy expiry, adds and
// deletes, expiries, active expiry, WATCH signals and keyspace notifications.
#include "server/db.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>

#include "common/config.h"
#include "common/util.h"
#include "server/blocking.h"
#include "server/replication.h"

namespace osprey {

uint32_t lruClock() { return static_cast<uint32_t>(server.mstime_cached / 1000) & kLruClockMax; }

uint64_t lruIdleSeconds(const Object& o) {
  uint32_t now = lruClock();
  return now >= o.lru ? now - o.lru : now + (kLruClockMax - o.lru);
}

uint32_t lruFromIdle(long long idle_seconds) {
  long long abs = static_cast<long long>(lruClock()) - idle_seconds;
  if (abs < 0) abs += kLruClockMax;  // the 24-bit clock wrapped in between
  return abs < 0 ? 0 : static_cast<uint32_t>(abs);
}

// ---- LRU / LFU access data -------------------------------------------------

namespace {

constexpr uint32_t kLfuInitVal = 5;

uint32_t lfuTimeInMinutes() {
  return static_cast<uint32_t>(server.mstime_cached / 1000 / 60) & 65535;
}

}  // namespace

bool lfuPolicySelected() {
  int policy = cfg().maxmemory_policy;
  return policy == MAXMEMORY_VOLATILE_LFU || policy == MAXMEMORY_ALLKEYS_LFU;
}

uint32_t initialAccessData() {
  return lfuPolicySelected() ? (lfuTimeInMinutes() << 8) | kLfuInitVal : lruClock();
}

long long lfuDecrAndReturn(const Object& o) {
  uint32_t ldt = (o.lru >> 8) & 65535;
  uint32_t counter = o.lru & 255;
  uint32_t now = lfuTimeInMinutes();
  uint32_t elapsed = now >= ldt ? now - ldt : 65535 - ldt + now;
  long long decay = cfg().lfu_decay_time;
  uint64_t periods = decay > 0 ? elapsed / static_cast<uint64_t>(decay) : 0;
  if (periods) counter = periods > counter ? 0 : counter - static_cast<uint32_t>(periods);
  return counter;
}

void touchObject(Object& o) {
  if (!lfuPolicySelected()) {
    o.lru = lruClock();
    return;
  }
  uint32_t counter = static_cast<uint32_t>(lfuDecrAndReturn(o));
  if (counter < 255) {
    // Logarithmic increment: the higher the counter, the less likely it grows.
    double r = static_cast<double>(dictRandom() & 0xFFFFFFFFu) / 4294967295.0;
    double base = counter > kLfuInitVal ? counter - kLfuInitVal : 0;
    double p = 1.0 / (base * static_cast<double>(cfg().lfu_log_factor) + 1);
    if (r < p) counter++;
  }
  o.lru = (lfuTimeInMinutes() << 8) | counter;
}

// ---- Lookups ---------------------------------------------------------------

Object* lookupKeyPeek(Db& db, std::string_view key) {
  auto* e = db.keys.find(key);
  return e ? &e->value : nullptr;
}

static void deleteExpiredKey(Db& db, std::string_view key);

Object* lookupKeyWrite(Db& db, std::string_view key) {
  // A write on a writable replica drops the logically expired key locally.
  // (On a master the key is gone, or hidden while clients are paused.)
  if (expireIfNeeded(db, key)) {
    if (!replicationIAmReplica()) return nullptr;
    deleteExpiredKey(db, key);
  }
  Object* o = lookupKeyPeek(db, key);
  if (o) touchObject(*o);  // writes count as accesses too, as in Redis
  return o;
}

Object* lookupKeyRead(Db& db, std::string_view key) {
  Object* o = expireIfNeeded(db, key) ? nullptr : lookupKeyPeek(db, key);
  if (o) {
    server.stat_keyspace_hits++;
    touchObject(*o);
  } else {
    server.stat_keyspace_misses++;
    notifyKeyspaceEvent(NOTIFY_KEY_MISS, "keymiss", key, db.id);
  }
  return o;
}

Object* lookupReadOfType(Client& c, std::string_view key, ObjType type, bool* wrongtype) {
  Object* o = lookupKeyRead(*c.db, key);
  *wrongtype = false;
  if (o && o->type != type) {
    *wrongtype = true;
    replyWrongType(c);
    return nullptr;
  }
  return o;
}

Object* lookupWriteOfType(Client& c, std::string_view key, ObjType type, bool* wrongtype) {
  Object* o = lookupKeyWrite(*c.db, key);
  *wrongtype = false;
  if (o && o->type != type) {
    *wrongtype = true;
    replyWrongType(c);
    return nullptr;
  }
  return o;
}

// ---- Adds and deletes ------------------------------------------------------

Object* dbAdd(Db& db, std::string_view key, Object&& val) {
  val.lru = initialAccessData();
  auto [e, inserted] = db.keys.insert(std::string(key), std::move(val));
  (void)inserted;
  notifyKeyspaceEvent(NOTIFY_NEW, "new", key, db.id);  // 'n' events, as Redis's dbAdd
  return &e->value;
}

Object* setKey(Client* c, Db& db, std::string_view key, Object&& val, bool keep_ttl) {
  val.lru = initialAccessData();
  auto* e = db.keys.find(key);
  Object* stored;
  if (e) {
    // An overwritten key keeps its access frequency under LFU, as Redis's dbOverwrite.
    if (lfuPolicySelected()) val.lru = e->value.lru;
    e->value = std::move(val);
    stored = &e->value;
    if (!keep_ttl) removeExpire(db, key);
  } else {
    stored = dbAdd(db, key, std::move(val));
  }
  signalModifiedKey(c, db, key);
  return stored;
}

bool dbDelete(Db& db, std::string_view key) {
  if (db.expires.size()) db.expires.erase(key);
  return db.keys.erase(key);
}

bool dbExists(Db& db, std::string_view key) { return db.keys.find(key) != nullptr; }

// ---- Expiry ----------------------------------------------------------------

long long getExpire(Db& db, std::string_view key) {
  if (db.expires.empty()) return -1;
  auto* e = db.expires.find(key);
  return e ? e->value : -1;
}

void setExpire(Db& db, std::string_view key, long long when_ms) {
  auto* ke = db.keys.find(key);
  if (!ke) return;
  std::string_view stable(ke->key());  // lives as long as the key entry
  auto [e, inserted] = db.expires.insert(stable, when_ms);
  if (!inserted) e->value = when_ms;
  // A writable replica's own volatile keys are expired by the replica itself (its master
  // knows nothing of them), as Redis's rememberSlaveKeyWithExpire.
  if (replicationIAmReplica() && !replicationCommandFromMaster()) replicationRememberKeyWithExpire(db.id, key);
}

bool removeExpire(Db& db, std::string_view key) {
  if (db.expires.empty()) return false;
  return db.expires.erase(key);
}

bool keyIsExpired(Db& db, std::string_view key) {
  long long when = getExpire(db, key);
  if (when < 0) return false;
  // While a script runs, time is frozen at its start (as Redis does), so a key cannot
  // expire in the middle of a script.
  return server.mstime_cached > when;
}

static void deleteExpiredKey(Db& db, std::string_view key) {
  std::string k(key);  // key may point into the entry being deleted
  dbDelete(db, k);
  server.stat_expiredkeys++;
  notifyKeyspaceEvent(NOTIFY_EXPIRED, "expired", k, db.id);
  signalModifiedKey(nullptr, db, k);
  propagate(db.id, {"DEL", k});
}

bool expireIfNeeded(Db& db, std::string_view key) {
  if (!keyIsExpired(db, key)) return false;
  // A replica never expires keys itself: the master sends the DEL. Its own commands still
  // see the key (the stream is consistent with the master's view); other clients get it
  // hidden as if it were gone.
  if (replicationIAmReplica()) return !replicationCommandFromMaster();
  // While clients are paused (CLIENT PAUSE, FAILOVER) the dataset must not change: the key
  // is hidden, its DEL waits for the end of the pause.
  if (server.pause_end_ms) return true;
  deleteExpiredKey(db, key);
  return true;
}

// Active expiry, following Redis's sampling: per db, test up to 20 random keys with an
// expiry; repeat while more than 10% of the sample was expired, within a time budget of
// 25% of a cron tick (slow cycle) or 1 ms (fast cycle).
void activeExpireCycle(bool fast) {
  if (!server.active_expire_enabled || replicationIAmReplica() || server.pause_end_ms) return;
  long long start = monotonicUs();
  long long hz = std::max<long long>(cfg().hz, 1);
  long long budget_us = fast ? 1000 : 1000000 * 25 / hz / 100;
  constexpr int kSample = 20;
  bool timed_out = false;
  for (Db& db : server.dbs) {
    if (timed_out) break;
    int iterations = 0;
    if (db.expires.empty()) db.avg_ttl = 0;  // as Redis: no volatile key, no average
    while (db.expires.size() > 0) {
      int sampled = 0, expired = 0;
      long long ttl_sum = 0, ttl_samples = 0;
      // Walk buckets with the db's own cursor so every key is eventually visited.
      int buckets_visited = 0;
      while (sampled < kSample && buckets_visited < kSample * 20) {
        std::vector<std::string> to_expire;
        db.expires_cursor = db.expires.scan(db.expires_cursor, [&](auto& e) {
          sampled++;
          long long ttl = e.value - server.mstime_cached;
          if (ttl < 0) {
            to_expire.emplace_back(e.key);
          } else {
            ttl_sum += ttl;
            ttl_samples++;
          }
        });
        buckets_visited++;
        for (auto& k : to_expire) {
          if (keyIsExpired(db, k)) {
            deleteExpiredKey(db, k);
            expired++;
          }
        }
        if (db.expires_cursor == 0) break;
      }
      if (ttl_samples) {
        long long avg = ttl_sum / ttl_samples;
        db.avg_ttl = db.avg_ttl ? (db.avg_ttl / 50) * 49 + avg / 50 : avg;
      }
      if ((++iterations & 15) == 0 && monotonicUs() - start > budget_us) {
        timed_out = true;
        server.stat_expired_time_cap_reached_count++;
        break;
      }
      if (sampled == 0 || expired * 10 <= sampled) break;
    }
  }
}

// ---- WATCH -----------------------------------------------------------------

// Stale-key marks of WATCH live in cmd_multi.cpp: a key that was already logically expired
// when a client WATCHed it is not a change for that client when it is finally deleted.
bool watchedKeyWasStale(const Client& c, int dbid, std::string_view key);
void setWatchedKeyStale(const Client& c, int dbid, std::string_view key, bool stale);

void touchWatchedKey(Db& db, std::string_view key) {
  if (db.watched_keys.empty()) return;
  auto it = db.watched_keys.find(std::string(key));
  if (it == db.watched_keys.end()) return;
  bool gone = !dbExists(db, key);
  for (Client* c : it->second) {
    if (gone && watchedKeyWasStale(*c, db.id, key)) {
      setWatchedKeyStale(*c, db.id, key, false);  // deleted keys are not stale any more
      continue;
    }
    c->dirty_cas = true;
  }
}

void signalModifiedKey(Client* c, Db& db, std::string_view key) {
  touchWatchedKey(db, key);
  signalKeyAsReady(db, key);  // clients blocked on this key may now be served
}

// FLUSHDB / FLUSHALL (other = nullptr) and SWAPDB (other = the db swapped in): a watched key
// changes if it exists on either side, except that stale keys count as missing: a stale
// key flushed away, or replaced by another stale key, is no change, and a missing key
// replaced by a stale one becomes a stale watched key.
void touchAllWatchedKeysInDb(Db& db, Db* other) {
  for (auto& [key, clients] : db.watched_keys) {
    bool in_db = dbExists(db, key);
    bool in_other = other && dbExists(*other, key);
    if (!in_db && !in_other) continue;
    for (Client* c : clients) {
      if (watchedKeyWasStale(*c, db.id, key)) {
        if (!in_other) {
          setWatchedKeyStale(*c, db.id, key, false);
          continue;
        }
        if (keyIsExpired(*other, key)) continue;
      } else if (!in_db && keyIsExpired(*other, key)) {
        setWatchedKeyStale(*c, db.id, key, true);
        continue;
      }
      c->dirty_cas = true;
    }
  }
}

void unwatchAllKeys(Client& c) {
  for (auto& [dbid, key] : c.watched) {
    Db& db = server.dbs[dbid];
    auto it = db.watched_keys.find(key);
    if (it == db.watched_keys.end()) continue;
    it->second.remove(&c);
    if (it->second.empty()) db.watched_keys.erase(it);
  }
  c.watched.clear();
}

// ---- Notifications ---------------------------------------------------------

void notifyKeyspaceEvent(int type, std::string_view event, std::string_view key, int dbid) {
  int flags = cfg().notify_keyspace_events;
  if (!(flags & type)) return;
  std::string db = std::to_string(dbid);
  if (flags & NOTIFY_KEYSPACE) {
    std::string ch = "__keyspace@" + db + "__:";
    ch.append(key);
    pubsubPublishMessage(ch, event);
  }
  if (flags & NOTIFY_KEYEVENT) {
    std::string ch = "__keyevent@" + db + "__:";
    ch.append(event);
    pubsubPublishMessage(ch, key);
  }
}

// ---- Whole databases -------------------------------------------------------

long long emptyData(int dbnum) {
  long long removed = 0;
  for (Db& db : server.dbs) {
    if (dbnum != -1 && db.id != dbnum) continue;
    removed += static_cast<long long>(db.keys.size());
    db.expires.clear();
    db.keys.clear();
    db.avg_ttl = 0;
    db.expires_cursor = 0;
  }
  return removed;
}

long long totalKeys() {
  long long n = 0;
  for (Db& db : server.dbs) n += static_cast<long long>(db.keys.size());
  return n;
}

}  // namespace osprey

namespace osprey {

// ---- SCAN family -------------------------------------------------------------

bool parseScanCursorOrReply(Client& c, const std::string& arg, uint64_t* cursor) {
  const char* p = arg.c_str();
  char* end = nullptr;
  errno = 0;
  unsigned long long v = strtoull(p, &end, 10);
  if (isspace(static_cast<unsigned char>(p[0])) || *end != '\0' || errno == ERANGE) {
    c.r().error("ERR invalid cursor");
    return false;
  }
  *cursor = v;
  return true;
}

bool parseScanOptionsOrReply(Client& c, size_t first, bool allow_type, ScanOptions* opts) {
  for (size_t i = first; i < c.argc(); i += 2) {
    const std::string& opt = c.arg(i);
    bool has_value = i + 1 < c.argc();
    if (has_value && equalsIgnoreCase(opt, "count")) {
      if (!getLongLongOrReply(c, c.arg(i + 1), &opts->count)) return false;
      if (opts->count < 1) {
        replySyntaxError(c);
        return false;
      }
    } else if (has_value && equalsIgnoreCase(opt, "match")) {
      opts->pattern = c.arg(i + 1) == "*" ? nullptr : &c.arg(i + 1);
    } else if (has_value && allow_type && equalsIgnoreCase(opt, "type")) {
      opts->type = &c.arg(i + 1);
    } else {
      replySyntaxError(c);
      return false;
    }
  }
  return true;
}

}  // namespace osprey
