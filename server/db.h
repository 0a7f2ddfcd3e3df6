// server/db.h — keyspace operations: the layer between commands and the databases.
//
// Every command reads and writes keys through these functions, never through Db's tables
// directly, so lazy expiry, hit/miss statistics, LRU updates, WATCH invalidation and
// keyspace notifications happen in one place. RDB loading, scripting and unit tests use the
// same functions.
#pragma once

#include <string>
#include <string_view>

#include "server/server.h"

namespace osprey {

// Lookups. Both expire the key lazily first. The read variant counts keyspace hits/misses
// and updates the key's access time.
Object* lookupKeyRead(Db& db, std::string_view key);
Object* lookupKeyWrite(Db& db, std::string_view key);
// Lookup without side effects (no expiry deletion, no stats): TYPE-free probes, SCAN.
Object* lookupKeyPeek(Db& db, std::string_view key);

// Typed lookups for handlers: nullptr with *wrongtype=false when missing; nullptr with
// WRONGTYPE already replied (and *wrongtype=true) when the type differs.
Object* lookupReadOfType(Client& c, std::string_view key, ObjType type, bool* wrongtype);
Object* lookupWriteOfType(Client& c, std::string_view key, ObjType type, bool* wrongtype);

// Adds a key that must not exist. Returns the stored object.
Object* dbAdd(Db& db, std::string_view key, Object&& val);
// Stores val under key (adding or overwriting). keep_ttl keeps an existing expiry;
// otherwise any expiry is removed. Signals the modification (WATCH).
Object* setKey(Client* c, Db& db, std::string_view key, Object&& val, bool keep_ttl = false);
// Deletes a key and its expiry. Returns false when it did not exist.
bool dbDelete(Db& db, std::string_view key);
bool dbExists(Db& db, std::string_view key);  // without expiring or counting

// Expiry: absolute unix time in ms, -1 = none.
long long getExpire(Db& db, std::string_view key);
void setExpire(Db& db, std::string_view key, long long when_ms);
bool removeExpire(Db& db, std::string_view key);
bool keyIsExpired(Db& db, std::string_view key);
// Deletes key if it is logically expired (propagating a DEL as Redis does). True if gone.
bool expireIfNeeded(Db& db, std::string_view key);
// One active-expiry cycle over all dbs (serverCron); `fast` = the short cycle.
void activeExpireCycle(bool fast);

// WATCH bookkeeping and modification signals.
void signalModifiedKey(Client* c, Db& db, std::string_view key);
void touchWatchedKey(Db& db, std::string_view key);
// FLUSHDB/FLUSHALL/SWAPDB: mark watchers of keys that exist in `db` (or in `other`).
void touchAllWatchedKeysInDb(Db& db, Db* other);
void unwatchAllKeys(Client& c);

// Keyspace notifications (notify-keyspace-events), published on __keyspace@N__ /
// __keyevent@N__ channels.
void notifyKeyspaceEvent(int type, std::string_view event, std::string_view key, int dbid);

// Empties one database (dbnum) or all (-1). Returns the number of keys removed.
long long emptyData(int dbnum);
// Keys in all databases.
long long totalKeys();

// Pub/Sub delivery (networking of subscribers lives in cmd_pubsub.cpp). Returns receivers.
long long pubsubPublishMessage(std::string_view channel, std::string_view message);

// The LRU clock used for OBJECT IDLETIME: seconds, wrapping at 24 bits (Object::lru's
// width, Redis's LRU_BITS), as Redis's default resolution.
constexpr uint32_t kLruClockMax = (1u << 24) - 1;
uint32_t lruClock();
uint64_t lruIdleSeconds(const Object& o);     // seconds since o's last access (LRU data)
uint32_t lruFromIdle(long long idle_seconds);  // LRU data for a value idle that long

// Access data in Object::lru. Under an LRU (or no) maxmemory-policy it is the LRU clock of
// the last access. Under an LFU policy it is Redis's LFU layout: the minutes clock (16
// bits) of the last decrement, then an 8-bit logarithmic access counter that starts at 5,
// grows with probability 1/((counter-5)*lfu-log-factor+1) per access and loses one per
// lfu-decay-time minutes without access.
bool lfuPolicySelected();
uint32_t initialAccessData();       // for a new value
void touchObject(Object& o);        // one access (Redis's updateLFU, or the LRU clock)
long long lfuDecrAndReturn(const Object& o);  // the decayed counter (OBJECT FREQ)

// ---- SCAN family -------------------------------------------------------------
// One parser for SCAN, HSCAN, SSCAN and ZSCAN, with Redis's errors.

// A cursor as Redis reads it (strtoul: an optional sign, no leading space, no overflow);
// replies "ERR invalid cursor" and returns false otherwise.
bool parseScanCursorOrReply(Client& c, const std::string& arg, uint64_t* cursor);

struct ScanOptions {
  long long count = 10;
  const std::string* pattern = nullptr;  // nullptr: no filtering ("*" filters nothing)
  const std::string* type = nullptr;     // SCAN's TYPE
};
// Parses the options from argv[first] on: MATCH pattern, COUNT n (>= 1, else a syntax
// error) and, when allow_type (SCAN only), TYPE name. Later options override earlier
// ones. Replies the error and returns false when they are invalid.
bool parseScanOptionsOrReply(Client& c, size_t first, bool allow_type, ScanOptions* opts);

}  // namespace osprey
