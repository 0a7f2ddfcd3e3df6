// server/db.cpp — keyspace operations (see db.h): lookups with lazy expiry, adds and
// deletes, expiries, active expiry, WATCH signals and keyspace notifications.
#include "server/db.h"

#include <algorithm>

#include "common/config.h"
#include "common/util.h"
#include "server/blocking.h"

namespace osprey {

uint32_t lruClock() { return static_cast<uint32_t>(server.mstime_cached / 1000); }

// ---- Lookups ---------------------------------------------------------------

Object* lookupKeyPeek(Db& db, std::string_view key) {
  auto* e = db.keys.find(key);
  return e ? &e->value : nullptr;
}

Object* lookupKeyWrite(Db& db, std::string_view key) {
  expireIfNeeded(db, key);
  return lookupKeyPeek(db, key);
}

Object* lookupKeyRead(Db& db, std::string_view key) {
  expireIfNeeded(db, key);
  Object* o = lookupKeyPeek(db, key);
  if (o) {
    server.stat_keyspace_hits++;
    o->lru = lruClock();
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
  val.lru = lruClock();
  auto [e, inserted] = db.keys.insert(std::string(key), std::move(val));
  (void)inserted;
  return &e->value;
}

Object* setKey(Client* c, Db& db, std::string_view key, Object&& val, bool keep_ttl) {
  val.lru = lruClock();
  auto* e = db.keys.find(key);
  Object* stored;
  if (e) {
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
  std::string_view stable(ke->key);  // lives as long as the key entry
  auto [e, inserted] = db.expires.insert(stable, when_ms);
  if (!inserted) e->value = when_ms;
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
  // A replica never expires keys itself: the master sends the DEL. (Replication issue.)
  deleteExpiredKey(db, key);
  return true;
}

// Active expiry, following Redis's sampling: per db, test up to 20 random keys with an
// expiry; repeat while more than 10% of the sample was expired, within a time budget of
// 25% of a cron tick (slow cycle) or 1 ms (fast cycle).
void activeExpireCycle(bool fast) {
  if (!server.active_expire_enabled) return;
  long long start = monotonicUs();
  long long hz = std::max<long long>(cfg().hz, 1);
  long long budget_us = fast ? 1000 : 1000000 * 25 / hz / 100;
  constexpr int kSample = 20;
  bool timed_out = false;
  for (Db& db : server.dbs) {
    if (timed_out) break;
    int iterations = 0;
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
