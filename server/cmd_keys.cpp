// server/cmd_keys.cpp — commands that act on keys whatever their type: deletion (DEL,
// UNLINK), existence and type (EXISTS, TYPE, TOUCH), expiry (EXPIRE family, TTL family,
// PERSIST), renaming and copying (RENAME, RENAMENX, MOVE, COPY), iteration (KEYS, SCAN,
// RANDOMKEY), whole databases (DBSIZE, FLUSHDB, FLUSHALL, SWAPDB) and OBJECT.
//
// Nothing here knows a value's type beyond typeName() and Object::clone(), so a new data
// type only has to teach those two.
//
// Replication follows Redis 7.0: relative expiries are propagated as PEXPIREAT with an
// absolute time, an expiry already in the past as the DEL (or UNLINK) it amounts to, and
// FLUSHDB / FLUSHALL always, even when there was nothing to flush.
#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <string>
#include <vector>

#include "common/config.h"
#include "common/util.h"
#include "server/blocking.h"
#include "server/db.h"
#include "server/persistence.h"
#include "server/replication.h"
#include "server/server.h"

namespace osprey {

namespace {

// ---- Shared helpers --------------------------------------------------------

// A read lookup that expires the key, counts a hit or miss and (unless told not to) fires
// "keymiss", but leaves the key's access time alone, as Redis's LOOKUP_NOTOUCH. EXISTS,
// TYPE and the TTL family look keys up this way, OBJECT without the notification.
Object* lookupKeyReadNoTouch(Db& db, std::string_view key, bool notify_miss = true) {
  // On a replica a logically expired key stays until the master's DEL, hidden meanwhile.
  Object* o = expireIfNeeded(db, key) ? nullptr : lookupKeyPeek(db, key);
  if (o) {
    server.stat_keyspace_hits++;
  } else {
    server.stat_keyspace_misses++;
    if (notify_miss) notifyKeyspaceEvent(NOTIFY_KEY_MISS, "keymiss", key, db.id);
  }
  return o;
}

// A database index argument (MOVE, COPY ... DB): an int, or Redis's error.
bool getDbIndexOrReply(Client& c, const std::string& arg, Db** out) {
  long long id;
  if (!getRangeLongOrReply(c, arg, INT_MIN, INT_MAX, &id)) return false;
  if (id < 0 || id >= static_cast<long long>(server.dbs.size())) {
    c.r().error(err::kDbIndexRange);
    return false;
  }
  *out = &server.dbs[static_cast<size_t>(id)];
  return true;
}

// Redis's refcount for OBJECT REFCOUNT: small integers are shared objects (refcount
// INT_MAX) unless an LRU/LFU maxmemory policy needs per-key access data. Derived from the
// value, so one case differs: Redis's COPY of a small integer makes an unshared object
// (refcount 1), which we cannot tell apart without a flag on Object.
long long objectRefcount(const Object& o) {
  if (o.type != ObjType::String || o.encoding != Encoding::Int) return 1;
  int policy = cfg().maxmemory_policy;
  bool per_key_policy = policy == MAXMEMORY_VOLATILE_LRU || policy == MAXMEMORY_VOLATILE_LFU ||
                        policy == MAXMEMORY_ALLKEYS_LRU || policy == MAXMEMORY_ALLKEYS_LFU;
  if (cfg().maxmemory != 0 && per_key_policy) return 1;
  long long v;
  if (string2ll(o.str(), &v) && v >= 0 && v < 10000) return INT_MAX;
  return 1;
}

// ---- DEL / UNLINK / EXISTS / TYPE / TOUCH ----------------------------------

// DEL and UNLINK differ only in where memory is reclaimed, which is not observable here.
void delGeneric(Client& c) {
  long long deleted = 0;
  for (size_t j = 1; j < c.argc(); j++) {
    const std::string& key = c.arg(j);
    expireIfNeeded(*c.db, key);
    if (dbDelete(*c.db, key)) {
      signalModifiedKey(&c, *c.db, key);
      notifyKeyspaceEvent(NOTIFY_GENERIC, "del", key, c.db->id);
      server.dirty++;
      deleted++;
    }
  }
  c.r().integer(deleted);
}

void delCommand(Client& c) { delGeneric(c); }
void unlinkCommand(Client& c) { delGeneric(c); }

void existsCommand(Client& c) {
  long long count = 0;
  for (size_t j = 1; j < c.argc(); j++)
    if (lookupKeyReadNoTouch(*c.db, c.arg(j))) count++;
  c.r().integer(count);
}

void typeCommand(Client& c) {
  Object* o = lookupKeyReadNoTouch(*c.db, c.arg(1));
  c.r().status(o ? typeName(o->type) : "none");
}

void touchCommand(Client& c) {
  long long touched = 0;
  for (size_t j = 1; j < c.argc(); j++)
    if (lookupKeyRead(*c.db, c.arg(j))) touched++;
  c.r().integer(touched);
}

// ---- Expiry ----------------------------------------------------------------

enum ExpireCondition : unsigned { kExpireNX = 1, kExpireXX = 2, kExpireGT = 4, kExpireLT = 8 };

// NX / XX / GT / LT after the time argument.
bool parseExpireConditionsOrReply(Client& c, unsigned* out) {
  unsigned flags = 0;
  for (size_t j = 3; j < c.argc(); j++) {
    const std::string& opt = c.arg(j);
    if (equalsIgnoreCase(opt, "nx"))
      flags |= kExpireNX;
    else if (equalsIgnoreCase(opt, "xx"))
      flags |= kExpireXX;
    else if (equalsIgnoreCase(opt, "gt"))
      flags |= kExpireGT;
    else if (equalsIgnoreCase(opt, "lt"))
      flags |= kExpireLT;
    else {
      c.r().error("ERR Unsupported option " + opt);
      return false;
    }
  }
  if ((flags & kExpireNX) && (flags & (kExpireXX | kExpireGT | kExpireLT))) {
    c.r().error("ERR NX and XX, GT or LT options at the same time are not compatible");
    return false;
  }
  if ((flags & kExpireGT) && (flags & kExpireLT)) {
    c.r().error("ERR GT and LT options at the same time are not compatible");
    return false;
  }
  *out = flags;
  return true;
}

// Whether the NX / XX / GT / LT conditions let a key whose expiry is `current` (-1: none,
// i.e. infinite) take the expiry `when`.
bool expireConditionsHold(unsigned flags, long long current, long long when) {
  if ((flags & kExpireNX) && current != -1) return false;
  if ((flags & kExpireXX) && current == -1) return false;
  if ((flags & kExpireGT) && (current == -1 || when <= current)) return false;
  if ((flags & kExpireLT) && current != -1 && when >= current) return false;
  return true;
}

// EXPIRE, PEXPIRE, EXPIREAT and PEXPIREAT: `basetime` is now (relative forms) or 0.
void expireGeneric(Client& c, long long basetime, bool seconds) {
  const std::string& key = c.arg(1);
  unsigned conditions;
  if (!parseExpireConditionsOrReply(c, &conditions)) return;
  long long when;
  if (!getLongLongOrReply(c, c.arg(2), &when)) return;

  // Negative times are allowed, but not overflowing ones.
  std::string invalid = "ERR invalid expire time in '" + c.cmd->fullname + "' command";
  if (seconds) {
    if (when > LLONG_MAX / 1000 || when < LLONG_MIN / 1000) {
      c.r().error(invalid);
      return;
    }
    when *= 1000;
  }
  if (when > LLONG_MAX - basetime) {
    c.r().error(invalid);
    return;
  }
  when += basetime;

  if (!lookupKeyWrite(*c.db, key)) {
    c.r().integer(0);
    return;
  }
  if (conditions && !expireConditionsHold(conditions, getExpire(*c.db, key), when)) {
    c.r().integer(0);
    return;
  }

  if (when <= server.mstime_cached) {
    // Already in the past: the key goes now, and replicas see the deletion itself.
    bool lazy = cfg().lazyfree_lazy_expire;
    dbDelete(*c.db, key);
    server.dirty++;
    c.rewriteForPropagation({lazy ? "UNLINK" : "DEL", key});
    signalModifiedKey(&c, *c.db, key);
    notifyKeyspaceEvent(NOTIFY_GENERIC, "del", key, c.db->id);
    c.r().integer(1);
    return;
  }
  setExpire(*c.db, key, when);
  c.r().integer(1);
  // Replicated as PEXPIREAT <absolute ms>, the options kept; PEXPIREAT itself unchanged.
  bool is_pexpireat = basetime == 0 && !seconds;
  if (!is_pexpireat) {
    std::vector<std::string> argv = c.argv;
    argv[0] = "PEXPIREAT";
    argv[2] = ll2string(when);
    c.rewriteForPropagation(std::move(argv));
  }
  signalModifiedKey(&c, *c.db, key);
  notifyKeyspaceEvent(NOTIFY_GENERIC, "expire", key, c.db->id);
  server.dirty++;
}

void expireCommand(Client& c) { expireGeneric(c, server.mstime_cached, true); }
void pexpireCommand(Client& c) { expireGeneric(c, server.mstime_cached, false); }
void expireatCommand(Client& c) { expireGeneric(c, 0, true); }
void pexpireatCommand(Client& c) { expireGeneric(c, 0, false); }

// TTL, PTTL, EXPIRETIME, PEXPIRETIME: -2 no key, -1 no expiry; seconds are rounded.
void ttlGeneric(Client& c, bool in_ms, bool absolute) {
  const std::string& key = c.arg(1);
  if (!lookupKeyReadNoTouch(*c.db, key)) {
    c.r().integer(-2);
    return;
  }
  long long expire = getExpire(*c.db, key);
  if (expire == -1) {
    c.r().integer(-1);
    return;
  }
  long long ttl = absolute ? expire : expire - server.mstime_cached;
  if (ttl < 0) ttl = 0;
  c.r().integer(in_ms ? ttl : (ttl + 500) / 1000);
}

void ttlCommand(Client& c) { ttlGeneric(c, false, false); }
void pttlCommand(Client& c) { ttlGeneric(c, true, false); }
void expiretimeCommand(Client& c) { ttlGeneric(c, false, true); }
void pexpiretimeCommand(Client& c) { ttlGeneric(c, true, true); }

void persistCommand(Client& c) {
  const std::string& key = c.arg(1);
  if (lookupKeyWrite(*c.db, key) && removeExpire(*c.db, key)) {
    signalModifiedKey(&c, *c.db, key);
    notifyKeyspaceEvent(NOTIFY_GENERIC, "persist", key, c.db->id);
    c.r().integer(1);
    server.dirty++;
  } else {
    c.r().integer(0);
  }
}

// ---- RENAME / MOVE / COPY --------------------------------------------------

// Moves the value (with its expiry and access time) of `from` in `src` to `to` in `dst`,
// where `to` must not exist. `value` points into src's entry for `from`.
void relocateKey(Db& src, const std::string& from, Object* value, Db& dst, const std::string& to) {
  long long expire = getExpire(src, from);
  uint32_t lru = value->lru;
  Object moved = std::move(*value);
  dbDelete(src, from);
  Object* stored = dbAdd(dst, to, std::move(moved));
  stored->lru = lru;
  if (expire != -1) setExpire(dst, to, expire);
}

void renameGeneric(Client& c, bool nx) {
  const std::string& from = c.arg(1);
  const std::string& to = c.arg(2);
  Object* o = lookupKeyWrite(*c.db, from);
  if (!o) {
    c.r().error(err::kNoKey);
    return;
  }
  // Renaming a key to itself does nothing (but the key must exist).
  if (from == to) {
    if (nx)
      c.r().integer(0);
    else
      c.r().ok();
    return;
  }
  if (lookupKeyWrite(*c.db, to)) {
    if (nx) {
      c.r().integer(0);
      return;
    }
    dbDelete(*c.db, to);
  }
  relocateKey(*c.db, from, o, *c.db, to);
  signalModifiedKey(&c, *c.db, from);
  signalModifiedKey(&c, *c.db, to);
  notifyKeyspaceEvent(NOTIFY_GENERIC, "rename_from", from, c.db->id);
  notifyKeyspaceEvent(NOTIFY_GENERIC, "rename_to", to, c.db->id);
  server.dirty++;
  if (nx)
    c.r().integer(1);
  else
    c.r().ok();
}

void renameCommand(Client& c) { renameGeneric(c, false); }
void renamenxCommand(Client& c) { renameGeneric(c, true); }

void moveCommand(Client& c) {
  if (cfg().cluster_enabled) {
    c.r().error("ERR MOVE is not allowed in cluster mode");
    return;
  }
  const std::string& key = c.arg(1);
  Db& src = *c.db;
  Db* dst;
  if (!getDbIndexOrReply(c, c.arg(2), &dst)) return;
  if (dst == &src) {
    c.r().error(err::kSameObject);
    return;
  }
  Object* o = lookupKeyWrite(src, key);
  if (!o || lookupKeyWrite(*dst, key)) {
    c.r().integer(0);
    return;
  }
  relocateKey(src, key, o, *dst, key);
  signalModifiedKey(&c, src, key);
  signalModifiedKey(&c, *dst, key);
  notifyKeyspaceEvent(NOTIFY_GENERIC, "move_from", key, src.id);
  notifyKeyspaceEvent(NOTIFY_GENERIC, "move_to", key, dst->id);
  server.dirty++;
  c.r().integer(1);
}

void copyCommand(Client& c) {
  Db& src = *c.db;
  Db* dst = c.db;
  bool replace = false;
  for (size_t j = 3; j < c.argc(); j++) {
    const std::string& opt = c.arg(j);
    if (equalsIgnoreCase(opt, "replace")) {
      replace = true;
    } else if (equalsIgnoreCase(opt, "db") && j + 1 < c.argc()) {
      if (!getDbIndexOrReply(c, c.arg(++j), &dst)) return;
    } else {
      replySyntaxError(c);
      return;
    }
  }
  if (cfg().cluster_enabled && (src.id != 0 || dst->id != 0)) {
    c.r().error("ERR Copying to another database is not allowed in cluster mode");
    return;
  }
  const std::string& key = c.arg(1);
  const std::string& newkey = c.arg(2);
  if (dst == &src && key == newkey) {
    c.r().error(err::kSameObject);
    return;
  }
  Object* o = lookupKeyRead(src, key);
  if (!o) {
    c.r().integer(0);
    return;
  }
  long long expire = getExpire(src, key);
  if (lookupKeyWrite(*dst, newkey)) {
    if (!replace) {
      c.r().integer(0);
      return;
    }
    dbDelete(*dst, newkey);
  }
  dbAdd(*dst, newkey, o->clone());
  if (expire != -1) setExpire(*dst, newkey, expire);
  signalModifiedKey(&c, *dst, newkey);
  notifyKeyspaceEvent(NOTIFY_GENERIC, "copy_to", newkey, dst->id);
  server.dirty++;
  c.r().integer(1);
}

// ---- KEYS / SCAN / RANDOMKEY -----------------------------------------------

void keysCommand(Client& c) {
  const std::string& pattern = c.arg(1);
  bool all = pattern == "*";
  Db& db = *c.db;
  auto& r = c.r();
  Deferred len = r.deferLen();
  size_t n = 0;
  // Logically expired keys are skipped, not deleted (KEYS must not modify the keyspace).
  db.keys.forEach([&](auto& e) {
    if ((all || stringmatch(pattern, e.key())) && !keyIsExpired(db, e.key())) {
      r.bulk(e.key());
      n++;
    }
  });
  r.setDeferredArrayLen(len, n);
}

void scanCommand(Client& c) {
  uint64_t cursor;
  if (!parseScanCursorOrReply(c, c.arg(1), &cursor)) return;
  ScanOptions opts;
  if (!parseScanOptionsOrReply(c, 2, true, &opts)) return;
  long long count = opts.count;
  const std::string* pattern = opts.pattern;
  const std::string* type = opts.type;

  // Visit buckets until COUNT keys were collected, at most 10 x COUNT buckets.
  Db& db = *c.db;
  std::vector<std::string> keys;
  long long max_buckets = count * 10;
  do {
    cursor = db.keys.scan(cursor, [&](auto& e) { keys.push_back(std::string(e.key())); });
  } while (cursor && max_buckets-- && static_cast<long long>(keys.size()) < count);

  // Filter afterwards, as Redis: pattern, then type, then (lazily deleting) expiry.
  size_t kept = 0;
  for (size_t i = 0; i < keys.size(); i++) {
    const std::string& key = keys[i];
    if (pattern && !stringmatch(*pattern, key)) continue;
    if (type) {
      Object* o = lookupKeyReadNoTouch(db, key);
      if (!equalsIgnoreCase(*type, o ? typeName(o->type) : "none")) continue;
    }
    if (expireIfNeeded(db, key)) continue;
    if (kept != i) keys[kept] = std::move(keys[i]);
    kept++;
  }
  keys.resize(kept);

  auto& r = c.r();
  r.arrayLen(2);
  r.bulk(ull2string(cursor));
  r.arrayLen(keys.size());
  for (const auto& k : keys) r.bulk(k);
}

void randomkeyCommand(Client& c) {
  Db& db = *c.db;
  // A replica cannot delete expired keys: when every key is volatile and expired, it
  // answers one of them after a hundred draws rather than looping, as Redis does.
  int maxtries = 100;
  bool all_volatile = db.expires.size() == db.keys.size();
  while (auto* e = db.keys.random()) {
    std::string key = std::string(e->key());
    // A logically expired key is deleted and another one drawn.
    if (expireIfNeeded(db, key) && !(replicationIAmReplica() && all_volatile && --maxtries == 0)) continue;
    c.r().bulk(key);
    return;
  }
  c.r().null();
}

// ---- Whole databases -------------------------------------------------------

void dbsizeCommand(Client& c) { c.r().integer(static_cast<long long>(c.db->keys.size())); }

// FLUSHDB / FLUSHALL [ASYNC|SYNC]. Freeing happens inline either way.
bool parseFlushOptionsOrReply(Client& c) {
  if (c.argc() == 1) return true;
  if (c.argc() == 2 && (equalsIgnoreCase(c.arg(1), "sync") || equalsIgnoreCase(c.arg(1), "async")))
    return true;
  replySyntaxError(c);
  return false;
}

// FLUSHDB / FLUSHALL replicate even when there was nothing to remove (or when saving the
// RDB reset the change counter): call() only propagates commands that changed `dirty`.
void propagateFlushIfUncounted(Client& c, long long dirty_before) {
  if (server.dirty <= dirty_before) propagate(c.db->id, c.argv);
}

void flushdbCommand(Client& c) {
  if (!parseFlushOptionsOrReply(c)) return;
  long long dirty_before = server.dirty;
  touchAllWatchedKeysInDb(*c.db, nullptr);
  server.dirty += emptyData(c.db->id);
  signalAllBlockedKeysAsReady(*c.db);  // XREADGROUP waiters learn their stream is gone
  propagateFlushIfUncounted(c, dirty_before);
  c.r().ok();
}

void flushallCommand(Client& c) {
  if (!parseFlushOptionsOrReply(c)) return;
  long long dirty_before = server.dirty;
  for (Db& db : server.dbs) touchAllWatchedKeysInDb(db, nullptr);
  server.dirty += emptyData(-1);
  for (Db& db : server.dbs) signalAllBlockedKeysAsReady(db);  // XREADGROUP waiters
  // As Redis: a running BGSAVE child is killed and, with save points configured, the now
  // empty dataset is saved at once (which resets `dirty`; the flush is then propagated
  // explicitly).
  rdbSaveAfterFlushAll();
  propagateFlushIfUncounted(c, dirty_before);
  c.r().ok();
}

void swapdbCommand(Client& c) {
  if (cfg().cluster_enabled) {
    c.r().error("ERR SWAPDB is not allowed in cluster mode");
    return;
  }
  long long id1, id2;
  if (!getRangeLongOrReply(c, c.arg(1), INT_MIN, INT_MAX, &id1, "ERR invalid first DB index"))
    return;
  if (!getRangeLongOrReply(c, c.arg(2), INT_MIN, INT_MAX, &id2, "ERR invalid second DB index"))
    return;
  long long ndb = static_cast<long long>(server.dbs.size());
  if (id1 < 0 || id1 >= ndb || id2 < 0 || id2 >= ndb) {
    c.r().error(err::kDbIndexRange);
    return;
  }
  if (id1 != id2) {
    Db& a = server.dbs[static_cast<size_t>(id1)];
    Db& b = server.dbs[static_cast<size_t>(id2)];
    // Clients stay in their database number; WATCHers of keys on either side are touched.
    touchAllWatchedKeysInDb(a, &b);
    touchAllWatchedKeysInDb(b, &a);
    a.keys.swap(b.keys);
    a.expires.swap(b.expires);
    std::swap(a.avg_ttl, b.avg_ttl);
    std::swap(a.expires_cursor, b.expires_cursor);
    // Clients blocked in either database may find their keys there now.
    signalAllBlockedKeysAsReady(a);
    signalAllBlockedKeysAsReady(b);
  }
  server.dirty++;
  c.r().ok();
}

// ---- OBJECT ----------------------------------------------------------------

// OBJECT's lookup: counts a hit or miss, no keymiss event, no access-time update.
Object* objectLookupOrReply(Client& c) {
  Object* o = lookupKeyReadNoTouch(*c.db, c.arg(2), false);
  if (!o) c.r().null();
  return o;
}

void objectCommand(Client& c) { replySubcommandSyntaxError(c); }  // subcommands only

void objectEncodingCommand(Client& c) {
  if (Object* o = objectLookupOrReply(c)) c.r().bulk(encodingName(o->encoding));
}

void objectRefcountCommand(Client& c) {
  if (Object* o = objectLookupOrReply(c)) c.r().integer(objectRefcount(*o));
}

void objectIdletimeCommand(Client& c) {
  Object* o = objectLookupOrReply(c);
  if (!o) return;
  if (lfuPolicySelected()) {
    c.r().error(
        "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when "
        "switching between policies at runtime LRU and LFU data will take some time to adjust.");
    return;
  }
  c.r().integer(static_cast<long long>(lruIdleSeconds(*o)));
}

void objectFreqCommand(Client& c) {
  Object* o = objectLookupOrReply(c);
  if (!o) return;
  if (!lfuPolicySelected()) {
    c.r().error(
        "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note "
        "that when switching between policies at runtime LRU and LFU data will take some time "
        "to adjust.");
    return;
  }
  c.r().integer(lfuDecrAndReturn(*o));
}

void objectHelpCommand(Client& c) {
  replyHelp(c, {
                   "ENCODING <key>",
                   "    Return the kind of internal representation used in order to store the value",
                   "    associated with a <key>.",
                   "FREQ <key>",
                   "    Return the access frequency index of the <key>. The returned integer is",
                   "    proportional to the logarithm of the recent access frequency of the key.",
                   "IDLETIME <key>",
                   "    Return the idle time of the <key>, that is the approximated number of",
                   "    seconds elapsed since the last access to the key.",
                   "REFCOUNT <key>",
                   "    Return the number of references of the value associated with the specified",
                   "    <key>.",
               });
}

// ---- Command table ---------------------------------------------------------

const CommandRow kKeyRows[] = {
    {"del", -2, "write", "@keyspace @write @slow", 1, -1, 1, delCommand, "generic", "1.0.0",
     "Delete a key",
     "O(N) where N is the number of keys that will be removed. When a key to remove holds a "
     "value other than a string, the individual complexity for this key is O(M) where M is the "
     "number of elements in the list, set, sorted set or hash. Removing a single key that holds "
     "a string value is O(1).",
     "request_policy:multi_shard response_policy:agg_sum"},
    {"unlink", -2, "write fast", "@keyspace @write @fast", 1, -1, 1, unlinkCommand, "generic",
     "4.0.0",
     "Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non "
     "blocking.",
     "O(1) for each key removed regardless of its size. Then the command does O(N) work in a "
     "different thread in order to reclaim memory, where N is the number of allocations the "
     "deleted objects where composed of.",
     "request_policy:multi_shard response_policy:agg_sum"},
    {"exists", -2, "readonly fast", "@keyspace @read @fast", 1, -1, 1, existsCommand, "generic",
     "1.0.0", "Determine if a key exists", "O(N) where N is the number of keys to check.",
     "request_policy:multi_shard response_policy:agg_sum"},
    {"type", 2, "readonly fast", "@keyspace @read @fast", 1, 1, 1, typeCommand, "generic", "1.0.0",
     "Determine the type stored at key", "O(1)"},
    {"touch", -2, "readonly fast", "@keyspace @read @fast", 1, -1, 1, touchCommand, "generic",
     "3.2.1",
     "Alters the last access time of a key(s). Returns the number of existing keys specified.",
     "O(N) where N is the number of keys that will be touched.",
     "request_policy:multi_shard response_policy:agg_sum"},
    {"expire", -3, "write fast", "@keyspace @write @fast", 1, 1, 1, expireCommand, "generic",
     "1.0.0", "Set a key's time to live in seconds", "O(1)"},
    {"pexpire", -3, "write fast", "@keyspace @write @fast", 1, 1, 1, pexpireCommand, "generic",
     "2.6.0", "Set a key's time to live in milliseconds", "O(1)"},
    {"expireat", -3, "write fast", "@keyspace @write @fast", 1, 1, 1, expireatCommand, "generic",
     "1.2.0", "Set the expiration for a key as a UNIX timestamp", "O(1)"},
    {"pexpireat", -3, "write fast", "@keyspace @write @fast", 1, 1, 1, pexpireatCommand,
     "generic", "2.6.0",
     "Set the expiration for a key as a UNIX timestamp specified in milliseconds", "O(1)"},
    {"expiretime", 2, "readonly fast", "@keyspace @read @fast", 1, 1, 1, expiretimeCommand,
     "generic", "7.0.0", "Get the expiration Unix timestamp for a key", "O(1)"},
    {"pexpiretime", 2, "readonly fast", "@keyspace @read @fast", 1, 1, 1, pexpiretimeCommand,
     "generic", "7.0.0", "Get the expiration Unix timestamp for a key in milliseconds", "O(1)"},
    {"ttl", 2, "readonly fast", "@keyspace @read @fast", 1, 1, 1, ttlCommand, "generic", "1.0.0",
     "Get the time to live for a key in seconds", "O(1)", "nondeterministic_output"},
    {"pttl", 2, "readonly fast", "@keyspace @read @fast", 1, 1, 1, pttlCommand, "generic", "2.6.0",
     "Get the time to live for a key in milliseconds", "O(1)", "nondeterministic_output"},
    {"persist", 2, "write fast", "@keyspace @write @fast", 1, 1, 1, persistCommand, "generic",
     "2.2.0", "Remove the expiration from a key", "O(1)"},
    {"rename", 3, "write", "@keyspace @write @slow", 1, 2, 1, renameCommand, "generic", "1.0.0",
     "Rename a key", "O(1)"},
    {"renamenx", 3, "write fast", "@keyspace @write @fast", 1, 2, 1, renamenxCommand, "generic",
     "1.0.0", "Rename a key, only if the new key does not exist", "O(1)"},
    {"move", 3, "write fast", "@keyspace @write @fast", 1, 1, 1, moveCommand, "generic", "1.0.0",
     "Move a key to another database", "O(1)"},
    {"copy", -3, "write denyoom", "@keyspace @write @slow", 1, 2, 1, copyCommand, "generic",
     "6.2.0", "Copy a key",
     "O(N) worst case for collections, where N is the number of nested items. O(1) for string "
     "values."},
    {"keys", 2, "readonly", "@keyspace @read @slow @dangerous", 0, 0, 0, keysCommand, "generic",
     "1.0.0", "Find all keys matching the given pattern",
     "O(N) with N being the number of keys in the database, under the assumption that the key "
     "names in the database and the given pattern have limited length.",
     "request_policy:all_shards nondeterministic_output_order"},
    {"scan", -2, "readonly", "@keyspace @read @slow", 0, 0, 0, scanCommand, "generic", "2.8.0",
     "Incrementally iterate the keys space",
     "O(1) for every call. O(N) for a complete iteration, including enough command calls for "
     "the cursor to return back to 0. N is the number of elements inside the collection.",
     "nondeterministic_output request_policy:special"},
    {"randomkey", 1, "readonly", "@keyspace @read @slow", 0, 0, 0, randomkeyCommand, "generic",
     "1.0.0", "Return a random key from the keyspace", "O(1)",
     "request_policy:all_shards nondeterministic_output"},
    {"dbsize", 1, "readonly fast", "@keyspace @read @fast", 0, 0, 0, dbsizeCommand, "server",
     "1.0.0", "Return the number of keys in the selected database", "O(1)",
     "request_policy:all_shards response_policy:agg_sum"},
    {"flushdb", -1, "write", "@keyspace @write @slow @dangerous", 0, 0, 0, flushdbCommand,
     "server", "1.0.0", "Remove all keys from the current database",
     "O(N) where N is the number of keys in the selected database",
     "request_policy:all_shards response_policy:all_succeeded"},
    {"flushall", -1, "write", "@keyspace @write @slow @dangerous", 0, 0, 0, flushallCommand,
     "server", "1.0.0", "Remove all keys from all databases",
     "O(N) where N is the total number of keys in all databases",
     "request_policy:all_shards response_policy:all_succeeded"},
    {"swapdb", 3, "write fast", "@keyspace @write @fast @dangerous", 0, 0, 0, swapdbCommand,
     "server", "4.0.0", "Swaps two Redis databases",
     "O(N) where N is the count of clients watching or blocking on keys from both databases."},
    {"object", -2, "", "", 0, 0, 0, objectCommand, "generic", "2.2.3",
     "A container for object introspection commands", "Depends on subcommand."},
    {"object|encoding", 3, "readonly", "@keyspace @read @slow", 2, 2, 1, objectEncodingCommand,
     "generic", "2.2.3", "Inspect the internal encoding of a Redis object", "O(1)",
     "nondeterministic_output"},
    {"object|freq", 3, "readonly", "@keyspace @read @slow", 2, 2, 1, objectFreqCommand, "generic",
     "4.0.0", "Get the logarithmic access frequency counter of a Redis object", "O(1)",
     "nondeterministic_output"},
    {"object|help", 2, "loading stale", "@keyspace @slow", 0, 0, 0, objectHelpCommand, "generic",
     "6.2.0", "Show helpful text about the different subcommands", "O(1)"},
    {"object|idletime", 3, "readonly", "@keyspace @read @slow", 2, 2, 1, objectIdletimeCommand,
     "generic", "2.2.3", "Get the time since a Redis object was last accessed", "O(1)",
     "nondeterministic_output"},
    {"object|refcount", 3, "readonly", "@keyspace @read @slow", 2, 2, 1, objectRefcountCommand,
     "generic", "2.2.3", "Get the number of references to the value of the key", "O(1)",
     "nondeterministic_output"},
};

}  // namespace

CommandRows keyCommands() { return {kKeyRows, sizeof(kKeyRows) / sizeof(kKeyRows[0])}; }

}  // namespace osprey
