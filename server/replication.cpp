// server/replication.cpp — the master side of replication (see replication.h):
// SYNC, PSYNC, REPLCONF, the backlog, the replica stream, INFO replication and ROLE.
//
// Shape of the stream, as Redis 7.0 writes it:
//   PSYNC <id> <offset>  ->  "+FULLRESYNC <id> <offset>\r\n" "$<len>\r\n<rdb>"  (no CRLF after)
//                        or  "+CONTINUE <id>\r\n" <backlog bytes from offset>
//   SYNC                 ->  "$<len>\r\n<rdb>"
//   then every effect as a RESP array, "SELECT <db>" first whenever the db differs from
//   the last one sent, and "PING" every repl-ping-replica-period seconds.
// The backlog is created when the first replica asks to sync (which also gives the master
// a fresh replication id, as Redis does) and lives on afterwards; master_repl_offset counts
// every byte ever appended to it.
#include "server/replication.h"

#include <uv.h>

#include <algorithm>
#include <unordered_map>

#include "common/config.h"
#include "common/log.h"
#include "common/util.h"
#include "server/rdb.h"

namespace osprey {

namespace {

enum class ReplicaState { Online };

struct Replica {
  uint64_t client_id = 0;
  std::string ip;            // REPLCONF ip-address, else the peer address
  int listening_port = 0;    // REPLCONF listening-port
  long long ack_offset = 0;  // last REPLCONF ACK
  long long ack_time = 0;    // unix seconds of the last ACK (or of the sync)
  bool psync2 = false;       // REPLCONF capa psync2
  std::string name() const {  // as Redis names replicas in its log
    return ip + ":" + (listening_port ? std::to_string(listening_port) : "<unknown-replica-port>");
  }
};

// Settings a connection sends with REPLCONF before it asks to sync.
struct PendingConf {
  std::string ip;
  int listening_port = 0;
  bool psync2 = false;
  bool functions_only = false;  // REPLCONF rdb-filter-only functions (redis-cli --functions-rdb)
};

struct ReplState {
  std::string id = randomHex(40);
  std::string id2 = std::string(40, '0');
  long long second_offset = -1;

  // Backlog: a ring of repl-backlog-size bytes holding the newest `histlen` bytes.
  bool backlog_active = false;
  std::string backlog;
  size_t backlog_idx = 0;  // where the next byte goes
  long long histlen = 0;
  long long master_offset = 0;

  int seldb = -1;  // db of the last SELECT sent (-1: send one before the next effect)
  std::vector<Replica> replicas;
  std::unordered_map<uint64_t, PendingConf> pending;  // by client id

  bool initialised = false;
  uv_timer_t cron;
  long long cron_loops = 0;
};

ReplState& R() {
  static ReplState state;
  return state;
}

Client* liveClient(uint64_t id) {
  auto it = server.clients.find(id);
  return it == server.clients.end() || it->second->close_asap ? nullptr : it->second;
}

// Drops replicas whose connection is gone.
void pruneReplicas() {
  auto& reps = R().replicas;
  for (auto it = reps.begin(); it != reps.end();) {
    if (liveClient(it->client_id)) {
      ++it;
    } else {
      serverLog(LogLevel::Notice, "Connection with replica {} lost.", it->name());
      it = reps.erase(it);
    }
  }
  for (auto it = R().pending.begin(); it != R().pending.end();)
    it = liveClient(it->first) ? std::next(it) : R().pending.erase(it);
}

Replica* findReplica(uint64_t client_id) {
  for (auto& r : R().replicas)
    if (r.client_id == client_id) return &r;
  return nullptr;
}

void resizeBacklog(size_t size) {
  auto& st = R();
  st.backlog.assign(size, '\0');
  st.backlog_idx = 0;
  st.histlen = 0;
}

void appendToBacklog(std::string_view data) {
  auto& st = R();
  st.master_offset += static_cast<long long>(data.size());
  size_t cap = st.backlog.size();
  if (cap == 0) return;
  if (data.size() >= cap) data = data.substr(data.size() - cap);
  while (!data.empty()) {
    size_t n = std::min(data.size(), cap - st.backlog_idx);
    st.backlog.replace(st.backlog_idx, n, data.data(), n);
    st.backlog_idx = (st.backlog_idx + n) % cap;
    data.remove_prefix(n);
    st.histlen = std::min<long long>(st.histlen + static_cast<long long>(n), static_cast<long long>(cap));
  }
}

long long backlogFirstByteOffset() { return R().master_offset - R().histlen + 1; }

// The bytes of the backlog from `offset` (1-based stream position) to the end.
std::string backlogFrom(long long offset) {
  auto& st = R();
  long long skip = offset - backlogFirstByteOffset();
  long long len = st.histlen - skip;
  std::string out;
  if (len <= 0) return out;
  size_t cap = st.backlog.size();
  size_t start = (st.backlog_idx + cap - static_cast<size_t>(st.histlen) + static_cast<size_t>(skip)) % cap;
  out.reserve(static_cast<size_t>(len));
  size_t first = std::min(static_cast<size_t>(len), cap - start);
  out.append(st.backlog, start, first);
  out.append(st.backlog, 0, static_cast<size_t>(len) - first);
  return out;
}

void writeToReplicas(std::string_view data) {
  for (auto& rep : R().replicas) {
    Client* c = liveClient(rep.client_id);
    if (!c) continue;
    c->out.append(data);
    queueClientWrite(c);
  }
}

void appendBulk(std::string& buf, std::string_view s) {
  buf += '$';
  buf += std::to_string(s.size());
  buf += "\r\n";
  buf.append(s);
  buf += "\r\n";
}

// Turns one effect into stream bytes: backlog, offset, replicas.
void feed(int dbid, const std::vector<std::string>& argv) {
  auto& st = R();
  if (!st.backlog_active) return;
  std::string buf;
  if (dbid >= 0 && dbid != st.seldb) {
    std::string db = std::to_string(dbid);
    buf += "*2\r\n$6\r\nSELECT\r\n";
    appendBulk(buf, db);
    st.seldb = dbid;
  }
  buf += '*';
  buf += std::to_string(argv.size());
  buf += "\r\n";
  for (const auto& a : argv) appendBulk(buf, a);
  appendToBacklog(buf);
  writeToReplicas(buf);
}

void createBacklog() {
  auto& st = R();
  changeReplicationId();
  st.id2.assign(40, '0');
  st.second_offset = -1;
  resizeBacklog(static_cast<size_t>(std::max<long long>(cfg().repl_backlog_size, 16 * 1024)));
  st.backlog_active = true;
  // From now on effects are wanted (before, call() need not even collect them).
  server.propagate_sinks.emplace_back(feed);
  serverLog(LogLevel::Notice, "Replication backlog created, my new replication IDs are '{}' and '{}'",
            st.id, st.id2);
}

void replicationCron(uv_timer_t*) {
  auto& st = R();
  pruneReplicas();
  st.cron_loops++;
  long long period = std::max<long long>(cfg().repl_ping_replica_period, 1);
  if (!st.replicas.empty() && st.cron_loops % period == 0) {
    std::string ping = "*1\r\n$4\r\nPING\r\n";
    appendToBacklog(ping);
    writeToReplicas(ping);
  }
}

std::string replicaName(const Client& c, const PendingConf& conf) {
  std::string ip = conf.ip;
  if (ip.empty()) ip = c.addr.substr(0, c.addr.rfind(':'));
  return ip + ":" + (conf.listening_port ? std::to_string(conf.listening_port) : "<unknown-replica-port>");
}

// Sends the snapshot and makes c an online replica. `psync`: answer +FULLRESYNC first.
void fullResync(Client& c, bool psync) {
  auto& st = R();
  PendingConf conf = st.pending[c.id];
  std::string name = replicaName(c, conf);
  serverLog(LogLevel::Notice, "Replica {} asks for synchronization", name);
  if (psync) serverLog(LogLevel::Notice, "Full resync requested by replica {}", name);
  if (!st.backlog_active) createBacklog();

  RdbReplInfo info;
  info.repl_id = st.id;
  info.repl_offset = st.master_offset;
  info.repl_stream_db = st.seldb == -1 ? 0 : st.seldb;
  std::string rdb;
  if (conf.functions_only) {
    // The snapshot without the keyspace: save while the databases are swapped for empty ones.
    std::vector<Db> empty(server.dbs.size());
    for (size_t i = 0; i < empty.size(); i++) empty[i].id = static_cast<int>(i);
    std::swap(server.dbs, empty);
    rdbSaveToBuffer(rdb, &info);
    std::swap(server.dbs, empty);
  } else {
    rdbSaveToBuffer(rdb, &info);
  }
  serverLog(LogLevel::Notice, "Starting BGSAVE for SYNC with target: replicas sockets");

  if (psync) c.out.append("+FULLRESYNC " + st.id + " " + std::to_string(st.master_offset) + "\r\n");
  c.out.append("$" + std::to_string(rdb.size()) + "\r\n");
  c.out.appendOwned(std::move(rdb));
  queueClientWrite(&c);
  // The snapshot was taken in some db context: the next effect names its db again.
  st.seldb = -1;

  Replica rep;
  rep.client_id = c.id;
  rep.ip = name.substr(0, name.rfind(':'));
  rep.listening_port = conf.listening_port;
  rep.ack_offset = 0;
  rep.ack_time = server.mstime_cached / 1000;
  rep.psync2 = conf.psync2;
  st.replicas.push_back(rep);
  serverLog(LogLevel::Notice, "Synchronization with replica {} succeeded", name);
}

// PSYNC <replid> <offset>: continue from the backlog when possible.
bool tryPartialResync(Client& c, std::string_view id, long long offset) {
  auto& st = R();
  if (!st.backlog_active) return false;
  bool same_history = id == st.id || (id == st.id2 && offset <= st.second_offset);
  if (!same_history) return false;
  if (offset < backlogFirstByteOffset() || offset > st.master_offset + 1) return false;

  PendingConf conf = st.pending[c.id];
  std::string name = replicaName(c, conf);
  std::string data = backlogFrom(offset);
  c.out.append(conf.psync2 ? "+CONTINUE " + st.id + "\r\n" : std::string("+CONTINUE\r\n"));
  size_t sent = data.size();
  if (!data.empty()) c.out.appendOwned(std::move(data));
  queueClientWrite(&c);
  Replica rep;
  rep.client_id = c.id;
  rep.ip = name.substr(0, name.rfind(':'));
  rep.listening_port = conf.listening_port;
  rep.ack_offset = offset - 1;
  rep.ack_time = server.mstime_cached / 1000;
  rep.psync2 = conf.psync2;
  st.replicas.push_back(rep);
  serverLog(LogLevel::Notice,
            "Partial resynchronization request from {} accepted. Sending {} bytes of backlog "
            "starting from offset {}.",
            name, sent, offset);
  return true;
}

// ---- Commands ----------------------------------------------------------------

void syncCommand(Client& c) {
  if (findReplica(c.id)) return;  // already a replica: ignore, as Redis does
  if (c.argc() == 3 && equalsIgnoreCase(c.arg(0), "psync")) {
    long long offset;
    if (!string2ll(c.arg(2), &offset)) {
      c.r().error("ERR value is not an integer or out of range");
      return;
    }
    if (c.arg(1) != "?" && tryPartialResync(c, c.arg(1), offset)) return;
    fullResync(c, true);
    return;
  }
  fullResync(c, false);
}

void replconfCommand(Client& c) {
  if (c.argc() % 2 == 0) {
    c.r().error("ERR syntax error");
    return;
  }
  auto& conf = R().pending[c.id];
  for (size_t j = 1; j < c.argc(); j += 2) {
    const std::string& opt = c.arg(j);
    const std::string& val = c.arg(j + 1);
    if (equalsIgnoreCase(opt, "listening-port")) {
      long long port;
      if (!getLongLongOrReply(c, val, &port)) return;
      conf.listening_port = static_cast<int>(port);
      if (Replica* rep = findReplica(c.id)) rep->listening_port = conf.listening_port;
    } else if (equalsIgnoreCase(opt, "ip-address")) {
      if (val.size() >= 46) {
        c.r().error("ERR REPLCONF ip-address provided by replica instance is too long: " +
                    std::to_string(val.size()) + " bytes");
        return;
      }
      conf.ip = val;
    } else if (equalsIgnoreCase(opt, "capa")) {
      if (equalsIgnoreCase(val, "psync2")) conf.psync2 = true;
    } else if (equalsIgnoreCase(opt, "ack")) {
      // Sent by replicas only; never answered.
      Replica* rep = findReplica(c.id);
      if (!rep) return;
      long long off;
      if (!string2ll(val, &off)) return;
      if (off > rep->ack_offset) rep->ack_offset = off;
      rep->ack_time = server.mstime_cached / 1000;
      return;
    } else if (equalsIgnoreCase(opt, "getack")) {
      return;  // a master's request to its replica: we have no master
    } else if (equalsIgnoreCase(opt, "rdb-filter-only")) {
      // A space-separated list of include filters; "" means everything.
      bool functions_only = false;
      std::vector<std::string> filters;
      if (!splitArgs(val, &filters)) {
        c.r().error("ERR Missing rdb-filter-only values");
        return;
      }
      for (const std::string& f : filters) {
        if (equalsIgnoreCase(f, "functions")) {
          functions_only = true;
        } else {
          c.r().error("ERR Unsupported rdb-filter-only option: " + f);
          return;
        }
      }
      conf.functions_only = functions_only;
    } else if (equalsIgnoreCase(opt, "rdb-only")) {
      long long v;
      if (!getLongLongOrReply(c, val, &v)) return;
      if (v != 0 && v != 1) {
        c.r().error("ERR syntax error");
        return;
      }
    } else {
      c.r().error("ERR Unrecognized REPLCONF option: " + opt);
      return;
    }
  }
  c.r().status("OK");
}

const CommandRow kRows[] = {
    {"sync", 1, "admin noscript no_async_loading no_multi", "@admin @slow @dangerous", 0, 0, 0,
     syncCommand, "server", "1.0.0", "Internal command used for replication", ""},
    {"psync", -3, "admin noscript no_async_loading no_multi", "@admin @slow @dangerous", 0, 0, 0,
     syncCommand, "server", "2.8.0", "Internal command used for replication", ""},
    {"replconf", -1, "admin noscript loading stale allow_busy", "@admin @slow @dangerous", 0, 0, 0,
     replconfCommand, "server", "3.0.0", "An internal command for configuring the replication stream",
     "O(1)"},
};

}  // namespace

// ---- Public ----------------------------------------------------------------------

std::string& replicationId() { return R().id; }
std::string& replicationId2() { return R().id2; }

void changeReplicationId() { R().id = randomHex(40); }

long long replicationOffset() { return R().master_offset; }

bool replicationIsReplica(const Client& c) { return findReplica(c.id) != nullptr; }

size_t replicationBuffersMemory() {
  size_t n = 0;
  for (const auto& rep : R().replicas)
    if (Client* c = liveClient(rep.client_id)) n += c->out.size();
  return n;
}

size_t replicationConnectedReplicas() {
  pruneReplicas();
  return R().replicas.size();
}

void replicationInit() {
  auto& st = R();
  if (st.initialised) return;
  st.initialised = true;
  uv_timer_init(server.loop, &st.cron);
  uv_timer_start(&st.cron, replicationCron, 1000, 1000);
  uv_unref(reinterpret_cast<uv_handle_t*>(&st.cron));
}

void replicationInfo(std::string& s) {
  auto& st = R();
  pruneReplicas();
  s += "# Replication\r\n";
  s += "role:master\r\n";
  s += "connected_slaves:" + std::to_string(st.replicas.size()) + "\r\n";
  long long now = server.mstime_cached / 1000;
  for (size_t i = 0; i < st.replicas.size(); i++) {
    const auto& rep = st.replicas[i];
    s += "slave" + std::to_string(i) + ":ip=" + rep.ip + ",port=" + std::to_string(rep.listening_port) +
         ",state=online,offset=" + std::to_string(rep.ack_offset) +
         ",lag=" + std::to_string(now - rep.ack_time) + "\r\n";
  }
  if (cfg().min_replicas_to_write && cfg().min_replicas_max_lag) {
    size_t good = 0;
    for (const auto& rep : st.replicas)
      if (now - rep.ack_time <= cfg().min_replicas_max_lag) good++;
    s += "min_slaves_good_slaves:" + std::to_string(good) + "\r\n";
  }
  s += "master_failover_state:no-failover\r\n";
  s += "master_replid:" + st.id + "\r\n";
  s += "master_replid2:" + st.id2 + "\r\n";
  s += "master_repl_offset:" + std::to_string(st.master_offset) + "\r\n";
  s += "second_repl_offset:" + std::to_string(st.second_offset) + "\r\n";
  s += std::string("repl_backlog_active:") + (st.backlog_active ? "1" : "0") + "\r\n";
  s += "repl_backlog_size:" + std::to_string(cfg().repl_backlog_size) + "\r\n";
  s += "repl_backlog_first_byte_offset:" +
       std::to_string(st.backlog_active ? backlogFirstByteOffset() : 0) + "\r\n";
  s += "repl_backlog_histlen:" + std::to_string(st.histlen) + "\r\n";
}

void replicationRole(Client& c) {
  auto& st = R();
  pruneReplicas();
  c.r().arrayLen(3);
  c.r().bulk("master");
  c.r().integer(st.master_offset);
  c.r().arrayLen(st.replicas.size());
  for (const auto& rep : st.replicas) {
    c.r().arrayLen(3);
    c.r().bulk(rep.ip);
    c.r().bulk(std::to_string(rep.listening_port));
    c.r().bulk(std::to_string(rep.ack_offset));
  }
}

CommandRows replicationCommands() { return {kRows, sizeof(kRows) / sizeof(kRows[0])}; }

}  // namespace osprey
