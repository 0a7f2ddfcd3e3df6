// server/cmd_dump.cpp — DUMP and RESTORE: one key's value in the RDB payload format.
//
// The payload (rdb.h) is the value's RDB type and encoding, the RDB version and a CRC64, so a
// payload from Redis 7.0 restores here and the other way round. RESTORE replicates with its
// TTL made absolute (… <abs ms> ... ABSTTL), as Redis 7.0 rewrites it.
#include "common/config.h"
#include "common/util.h"
#include "server/db.h"
#include "server/rdb.h"
#include "server/server.h"

namespace osprey {

namespace {

// DUMP key
void dumpCommand(Client& c) {
  Object* o = lookupKeyRead(*c.db, c.arg(1));
  if (!o) {
    c.r().null();
    return;
  }
  c.r().bulk(rdbDumpPayload(*o));
}

// Sets the access data RESTORE's IDLETIME / FREQ ask for, under the policy in force (as
// Redis's objectSetLRUOrLFU: FREQ only counts under an LFU policy, IDLETIME otherwise).
void setIdleOrFreq(Object& o, long long lru_idle, long long lfu_freq) {
  int policy = cfg().maxmemory_policy;
  bool lfu = policy == MAXMEMORY_VOLATILE_LFU || policy == MAXMEMORY_ALLKEYS_LFU;
  if (lfu) {
    if (lfu_freq >= 0) {
      unsigned long minutes = static_cast<unsigned long>(server.mstime_cached / 1000 / 60) & 65535;
      o.lru = static_cast<uint32_t>((minutes << 8) | static_cast<unsigned long>(lfu_freq));
    }
  } else if (lru_idle >= 0) {
    o.lru = lruFromIdle(lru_idle);
  }
}

// RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency]
void restoreCommand(Client& c) {
  bool replace = false, absttl = false;
  long long lru_idle = -1, lfu_freq = -1;
  for (size_t j = 4; j < c.argc(); j++) {
    const std::string& opt = c.arg(j);
    size_t additional = c.argc() - j - 1;
    if (equalsIgnoreCase(opt, "replace")) {
      replace = true;
    } else if (equalsIgnoreCase(opt, "absttl")) {
      absttl = true;
    } else if (equalsIgnoreCase(opt, "idletime") && additional >= 1 && lfu_freq == -1) {
      if (!getLongLongOrReply(c, c.arg(j + 1), &lru_idle)) return;
      if (lru_idle < 0) {
        c.r().error("ERR Invalid IDLETIME value, must be >= 0");
        return;
      }
      j++;
    } else if (equalsIgnoreCase(opt, "freq") && additional >= 1 && lru_idle == -1) {
      if (!getLongLongOrReply(c, c.arg(j + 1), &lfu_freq)) return;
      if (lfu_freq < 0 || lfu_freq > 255) {
        c.r().error("ERR Invalid FREQ value, must be >= 0 and <= 255");
        return;
      }
      j++;
    } else {
      c.r().error(err::kSyntax);
      return;
    }
  }

  const std::string& key = c.arg(1);
  if (!replace && lookupKeyWrite(*c.db, key)) {
    c.r().error("BUSYKEY Target key name already exists.");
    return;
  }
  long long ttl;
  if (!getLongLongOrReply(c, c.arg(2), &ttl)) return;
  if (ttl < 0) {
    c.r().error("ERR Invalid TTL value, must be >= 0");
    return;
  }
  const std::string& payload = c.arg(3);
  if (!rdbVerifyDumpPayload(payload)) {
    c.r().error("ERR DUMP payload version or checksum are wrong");
    return;
  }
  Object value;
  if (!rdbLoadDumpPayload(payload, value)) {
    c.r().error("ERR Bad data format");
    return;
  }

  bool deleted = replace && dbDelete(*c.db, key);
  if (ttl && !absttl) ttl += mstime();
  // Already expired: nothing is created (a replaced key is gone, which is replicated as
  // a DEL), as Redis does when it is not loading and not a replica.
  if (ttl && ttl <= mstime() && cfg().replicaof_host.empty()) {
    if (deleted) {
      c.rewriteForPropagation({cfg().lazyfree_lazy_server_del ? "UNLINK" : "DEL", key});
      signalModifiedKey(&c, *c.db, key);
      notifyKeyspaceEvent(NOTIFY_GENERIC, "del", key, c.db->id);
      server.dirty++;
    }
    c.r().ok();
    return;
  }

  Object* stored = dbAdd(*c.db, key, std::move(value));
  if (ttl) {
    setExpire(*c.db, key, ttl);
    if (!absttl) {
      std::vector<std::string> argv = c.argv;
      argv[2] = ll2string(ttl);
      argv.push_back("ABSTTL");
      c.rewriteForPropagation(std::move(argv));
    }
  }
  setIdleOrFreq(*stored, lru_idle, lfu_freq);
  signalModifiedKey(&c, *c.db, key);
  notifyKeyspaceEvent(NOTIFY_GENERIC, "restore", key, c.db->id);
  c.r().ok();
  server.dirty++;
}

const CommandRow kRows[] = {
    {"dump", 2, "readonly", "@keyspace @read @slow", 1, 1, 1, dumpCommand, "generic", "2.6.0",
     "Return a serialized version of the value stored at the specified key.",
     "O(1) to access the key and additional O(N*M) to serialize it, where N is the number of Redis "
     "objects composing the value and M their average size. For small string values the time "
     "complexity is thus O(1)+O(1*M) where M is small, so simply O(1).",
     "nondeterministic_output"},
    {"restore", -4, "write denyoom", "@keyspace @write @slow @dangerous", 1, 1, 1, restoreCommand,
     "generic", "2.6.0",
     "Create a key using the provided serialized value, previously obtained using DUMP.",
     "O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where N "
     "is the number of Redis objects composing the value and M their average size. For small string "
     "values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1). However for "
     "sorted set values the complexity is O(N*M*log(N)) because inserting values into sorted sets is "
     "O(log(N))."},
};

}  // namespace

CommandRows dumpCommands() { return {kRows, sizeof(kRows) / sizeof(kRows[0])}; }

}  // namespace osprey
