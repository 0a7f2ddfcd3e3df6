// server/replication.cpp — replication, both roles (see replication.h).
//
// Sections: STATE · BACKLOG · MASTER (SYNC / PSYNC / REPLCONF, the replica stream, the
// diskless delay) · REPLICA (REPLICAOF, the handshake state machine, the transfer, the
// master client) · PSYNC CACHE (what a replica keeps to continue partially) · WAIT AND GOOD
// REPLICAS · FAILOVER · CRON · Public (INFO replication, ROLE, the dispatcher's checks).
//
// Shape of the stream, as Redis 7.0 writes it:
//   PSYNC <id> <offset>  ->  "+FULLRESYNC <id> <offset>\r\n" "$<len>\r\n<rdb>"  (no CRLF after)
//                        or  "+CONTINUE <id>\r\n" <backlog bytes from offset>
//   SYNC                 ->  "$<len>\r\n<rdb>"
//   then every effect as a RESP array, "SELECT <db>" first whenever the db differs from
//   the last one sent, and "PING" every repl-ping-replica-period seconds.
// A master's backlog is created when the first replica asks to sync (which also gives the
// master a fresh replication id, as Redis does) and lives on afterwards; master_repl_offset
// counts every byte ever appended to it.
//
// PSYNC2 in one paragraph: a replica takes its master's replication id and offset as its
// own (master_replid / master_repl_offset), and appends every byte of the master's stream
// it has applied to its own backlog and to its own replicas, unchanged. So a replica's
// history *is* its master's, and a chained replica, or a replica of a promoted replica,
// can continue from it. When a replica is promoted (REPLICAOF NO ONE) it keeps the old id as
// master_replid2, valid up to second_repl_offset, and starts a new id; PSYNC requests that
// name the old id are still served from the backlog. The "cached master" of Redis is
// simply our own id and offset: after the link drops, PSYNC asks for them.
#include "server/replication.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#include <algorithm>
#include <climits>
#include <cerrno>
#include <cstring>
#include <set>
#include <unordered_map>

#include "common/config.h"
#include "common/log.h"
#include "common/util.h"
#include "server/blocking.h"
#include "server/db.h"
#include "server/networking.h"
#include "server/persistence.h"
#include "server/rdb.h"
#include "server/scripting.h"

namespace osprey {

std::string clientInfoString(const Client& c);  // cmd_connection.cpp (CLIENT INFO's line)

namespace {

// ==== STATE =================================================================================

enum class ReplicaState { WaitBgsave, Online };

struct Replica {
  uint64_t client_id = 0;
  std::string ip;            // REPLCONF ip-address, else the peer address
  int listening_port = 0;    // REPLCONF listening-port
  long long ack_offset = 0;  // last REPLCONF ACK
  long long ack_time = 0;    // unix seconds of the last ACK (or of the sync)
  bool psync2 = false;       // REPLCONF capa psync2
  // Waiting for a diskless snapshot (repl-diskless-sync-delay): not sent the stream yet,
  // answered only newlines; INFO says state=wait_bgsave, ROLE does not list it.
  bool waiting = false;
  bool psync = false;        // it asked with PSYNC (answer +FULLRESYNC first)
  bool functions_only = false;
  long long wait_since = 0;  // unix seconds
  std::string name() const {  // as Redis names replicas in its log
    return ip + ":" + (listening_port ? std::to_string(listening_port) : "<unknown-replica-port>");
  }
};

// Settings a connection sends with REPLCONF before it asks to sync.
struct PendingConf {
  std::string ip;
  int listening_port = 0;
  bool psync2 = false;
  bool eof = false;             // REPLCONF capa eof: may receive a diskless ($EOF:) transfer
  bool functions_only = false;  // REPLCONF rdb-filter-only functions (redis-cli --functions-rdb)
};

struct ReplState {
  std::string id = randomHex(40);
  std::string id2 = std::string(40, '0');
  long long second_offset = -1;

  // Backlog: a ring of repl-backlog-size bytes holding the newest `histlen` bytes.
  bool backlog_active = false;
  bool sink_registered = false;
  std::string backlog;
  size_t backlog_idx = 0;  // where the next byte goes
  long long histlen = 0;
  long long master_offset = 0;

  int seldb = -1;  // db of the last SELECT sent (-1: send one before the next effect)
  std::vector<Replica> replicas;
  std::unordered_map<uint64_t, PendingConf> pending;  // by client id

  long long no_replicas_since = 0;  // unix seconds the last replica left (backlog TTL)
  long long stat_sync_full = 0, stat_sync_partial_ok = 0, stat_sync_partial_err = 0;

  bool initialised = false;
  uv_timer_t cron;
  long long cron_loops = 0;
};

ReplState& R() {
  static ReplState state;
  return state;
}

// The replica's side: Redis's repl_state and the link to the master. Names as Redis's.
enum ReplLinkState {
  REPL_STATE_NONE = 0,         // not a replica
  REPL_STATE_CONNECT,          // must connect (cron retries every second)
  REPL_STATE_CONNECTING,       // non-blocking connect in progress
  REPL_STATE_RECEIVE_PING_REPLY,
  REPL_STATE_SEND_HANDSHAKE,
  REPL_STATE_RECEIVE_AUTH_REPLY,
  REPL_STATE_RECEIVE_PORT_REPLY,
  REPL_STATE_RECEIVE_IP_REPLY,
  REPL_STATE_RECEIVE_CAPA_REPLY,
  REPL_STATE_SEND_PSYNC,
  REPL_STATE_RECEIVE_PSYNC_REPLY,
  REPL_STATE_TRANSFER,         // receiving the RDB of a full resynchronisation
  REPL_STATE_CONNECTED,        // the master client streams commands
};

struct MasterLink {
  ReplLinkState state = REPL_STATE_NONE;
  int fd = -1;                // the socket during the handshake and the transfer
  uv_poll_t* poll = nullptr;
  std::string inbuf;          // bytes read and not yet consumed (handshake, transfer)
  long long lastio = 0;       // unix seconds of the last handshake / transfer I/O
  long long down_since = 0;   // unix seconds the link went down (0: never up)

  // The transfer (REPL_STATE_TRANSFER).
  bool transfer_header_read = false;
  long long transfer_size = -1;  // -1: $EOF:<mark> transfer
  std::string eofmark;
  std::string payload;
  long long transfer_start = 0;

  // FULLRESYNC: the id and offset the snapshot corresponds to.
  std::string full_id;
  long long full_offset = -1;

  // PSYNC cache: may we ask to continue with our own id and offset?
  bool have_cached = false;
  int cached_db = 0;          // the db the stream was in when the link dropped

  Client* master = nullptr;   // REPL_STATE_CONNECTED: the client applying the stream
  // Bytes of the master's stream parsed but not yet applied: the command being parsed, or
  // a transaction the master client is inside (MULTI ... not yet EXEC). Our offset moves
  // over a transaction only once it is executed, as Redis's reploff.
  std::string multi_pending;
  long long read_offset = 0;  // bytes read from the master (slave_read_repl_offset)
  bool sent_ip = false;
  bool sent_auth = false;
};

MasterLink& L() {
  static MasterLink link;
  return link;
}

// WAIT: clients blocked until enough replicas acked an offset.
struct Waiter {
  uint64_t client_id;
  long long offset;      // the master offset the client's writes reached
  long long numreplicas;
  long long timeout_ms;  // absolute, 0 = forever
};
std::vector<Waiter> g_waiters;
bool g_getack_pending = false;  // send REPLCONF GETACK before the loop sleeps

// FAILOVER (Redis's failover_state): pause writes, wait until the target replica acked our
// whole stream, then become its replica with "PSYNC <id> <offset> FAILOVER", which makes it
// promote itself before it answers.
enum FailoverState { NO_FAILOVER = 0, FAILOVER_WAIT_FOR_SYNC, FAILOVER_IN_PROGRESS };

struct Failover {
  FailoverState state = NO_FAILOVER;
  std::string host;      // target ("" until chosen when FAILOVER named none)
  long long port = 0;
  long long end_ms = 0;  // TIMEOUT deadline, 0 = none
  bool force = false;
  bool paused_writes = false;  // we started the write pause (so we end it)
};

Failover& F() {
  static Failover f;
  return f;
}

const char* failoverStateName() {
  switch (F().state) {
    case FAILOVER_WAIT_FOR_SYNC: return "waiting-for-sync";
    case FAILOVER_IN_PROGRESS: return "failover-in-progress";
    default: return "no-failover";
  }
}

bool isReplicaRole() { return !cfg().replicaof_host.empty(); }

long long unixNow() { return server.mstime_cached / 1000; }

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

// Closes every replica connection (they reconnect and PSYNC again), as disconnectSlaves.
void disconnectReplicas() {
  for (auto& rep : R().replicas)
    if (Client* c = liveClient(rep.client_id)) freeClientAsync(c);
}

// ==== BACKLOG ===============================================================================

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
    if (!c || rep.waiting) continue;  // its snapshot will include this
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

// Turns one effect into stream bytes: backlog, offset, replicas. A replica originates no
// stream of its own: it proxies its master's (replicationFeedFromMaster), and writes made
// on a writable replica stay local, as in Redis.
void feed(int dbid, const std::vector<std::string>& argv) {
  auto& st = R();
  if (!st.backlog_active || isReplicaRole()) return;
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

// An empty backlog whose next byte is master_offset + 1 (the ids are left alone).
void activateBacklog() {
  auto& st = R();
  resizeBacklog(static_cast<size_t>(std::max<long long>(cfg().repl_backlog_size, 16 * 1024)));
  st.backlog_active = true;
  if (!st.sink_registered) {
    // From now on effects are wanted (before, call() need not even collect them).
    server.propagate_sinks.emplace_back(feed);
    st.sink_registered = true;
  }
}

void createBacklog() {
  auto& st = R();
  changeReplicationId();
  st.id2.assign(40, '0');
  st.second_offset = -1;
  activateBacklog();
  serverLog(LogLevel::Notice, "Replication backlog created, my new replication IDs are '{}' and '{}'",
            st.id, st.id2);
}

// Promotion: the current history stays valid as id2 up to the next byte; a new id starts.
void shiftReplicationId() {
  auto& st = R();
  st.id2 = st.id;
  st.second_offset = st.master_offset + 1;
  changeReplicationId();
  serverLog(LogLevel::Warning,
            "Setting secondary replication ID to {}, valid up to offset: {}. New replication ID is {}",
            st.id2, st.second_offset, st.id);
}

// ==== MASTER ================================================================================

void unsetMaster();  // REPLICA section: PSYNC ... FAILOVER promotes us

std::string replicaName(const Client& c, const PendingConf& conf) {
  std::string ip = conf.ip;
  if (ip.empty()) ip = c.addr.substr(0, c.addr.rfind(':'));
  return ip + ":" + (conf.listening_port ? std::to_string(conf.listening_port) : "<unknown-replica-port>");
}

// The replication position a snapshot stands for (RDB aux fields repl-id / repl-offset).
RdbReplInfo currentReplInfo() {
  auto& st = R();
  RdbReplInfo info;
  info.repl_id = st.id;
  info.repl_offset = st.master_offset;
  if (isReplicaRole())
    info.repl_stream_db = L().master ? L().master->db->id : L().cached_db;
  else
    info.repl_stream_db = st.seldb == -1 ? 0 : st.seldb;
  return info;
}

void sendSnapshot(Client& c, Replica& rep);

// Makes c a replica and sends it the snapshot (after the diskless delay, when one applies).
// `psync`: answer +FULLRESYNC first.
void fullResync(Client& c, bool psync) {
  auto& st = R();
  PendingConf conf = st.pending[c.id];
  std::string name = replicaName(c, conf);
  serverLog(LogLevel::Notice, "Replica {} asks for synchronization", name);
  if (psync) serverLog(LogLevel::Notice, "Full resync requested by replica {}", name);
  st.stat_sync_full++;
  if (!st.backlog_active) createBacklog();

  Replica rep;
  rep.client_id = c.id;
  rep.ip = name.substr(0, name.rfind(':'));
  rep.listening_port = conf.listening_port;
  rep.ack_offset = 0;
  rep.ack_time = unixNow();
  rep.psync2 = conf.psync2;
  rep.psync = psync;
  rep.functions_only = conf.functions_only;
  // A diskless master waits repl-diskless-sync-delay seconds for more replicas to share
  // the transfer, as Redis does (a replica without capa eof gets a disk-style transfer).
  if (cfg().repl_diskless_sync && conf.eof && cfg().repl_diskless_sync_delay > 0 && !isReplicaRole()) {
    rep.waiting = true;
    rep.wait_since = unixNow();
    st.replicas.push_back(rep);
    serverLog(LogLevel::Notice, "Delay next BGSAVE for diskless SYNC");
    return;
  }
  st.replicas.push_back(rep);
  sendSnapshot(c, st.replicas.back());
}

// Sends the snapshot to a replica (now or once its diskless delay is over); from then on it
// receives the stream.
void sendSnapshot(Client& c, Replica& rep) {
  auto& st = R();
  std::string name = rep.name();
  rep.waiting = false;
  rep.ack_time = unixNow();
  bool psync = rep.psync;
  RdbReplInfo info = currentReplInfo();
  std::string rdb;
  if (rep.functions_only) {
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
  if (!isReplicaRole()) st.seldb = -1;
  serverLog(LogLevel::Notice, "Synchronization with replica {} succeeded", name);
}

// Cron: the waiting replicas get their snapshot once the delay is over (or enough of them
// wait); meanwhile a newline each second keeps their link alive.
void startPendingSyncs() {
  auto& st = R();
  long long oldest = 0;
  long long count = 0;
  for (auto& rep : st.replicas)
    if (rep.waiting && liveClient(rep.client_id)) {
      count++;
      if (!oldest || rep.wait_since < oldest) oldest = rep.wait_since;
    }
  if (!count) return;
  long long max = cfg().repl_diskless_sync_max_replicas;
  bool go = unixNow() - oldest >= cfg().repl_diskless_sync_delay || (max > 0 && count >= max);
  for (auto& rep : st.replicas) {
    Client* c = liveClient(rep.client_id);
    if (!rep.waiting || !c) continue;
    if (go) {
      sendSnapshot(*c, rep);
    } else {
      c->out.append("\n");
      queueClientWrite(c);
    }
  }
}

// PSYNC <replid> <offset>: continue from the backlog when possible.
bool tryPartialResync(Client& c, std::string_view id, long long offset) {
  auto& st = R();
  PendingConf conf = st.pending[c.id];
  std::string name = replicaName(c, conf);
  if (!st.backlog_active) return false;
  bool same_history = id == st.id || (id == st.id2 && offset <= st.second_offset);
  if (!same_history) {
    if (id != "?") {
      if (id != st.id && id != st.id2)
        serverLog(LogLevel::Notice,
                  "Partial resynchronization not accepted: Replication ID mismatch (Replica "
                  "asked for '{}', my replication IDs are '{}' and '{}')",
                  id, st.id, st.id2);
      else
        serverLog(LogLevel::Notice,
                  "Partial resynchronization not accepted: Requested offset for second ID was "
                  "{}, but I can reply up to {}",
                  offset, st.second_offset);
    }
    return false;
  }
  if (offset < backlogFirstByteOffset() || offset > st.master_offset + 1) {
    serverLog(LogLevel::Notice,
              "Unable to partial resync with replica {} for lack of backlog (Replica request was: {}).",
              name, offset);
    if (offset > st.master_offset + 1)
      serverLog(LogLevel::Warning,
                "Warning: replica {} tried to PSYNC with an offset that is greater than the "
                "master replication offset.",
                name);
    return false;
  }

  st.stat_sync_partial_ok++;
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
  rep.ack_time = unixNow();
  rep.psync2 = conf.psync2;
  st.replicas.push_back(rep);
  serverLog(LogLevel::Notice,
            "Partial resynchronization request from {} accepted. Sending {} bytes of backlog "
            "starting from offset {}.",
            name, sent, offset);
  return true;
}

void syncCommand(Client& c) {
  if (findReplica(c.id)) return;  // already a replica: ignore, as Redis does
  if (c.is_master) {
    c.r().error("ERR Replica can't interact with the keyspace");
    return;
  }
  // PSYNC <id> <offset> FAILOVER: our master hands its role over to us.
  if (c.argc() > 3 && equalsIgnoreCase(c.arg(0), "psync") && equalsIgnoreCase(c.arg(3), "failover")) {
    if (c.arg(1) != R().id) {
      c.r().error("ERR PSYNC FAILOVER replid must match my replid.");
      return;
    }
    unsetMaster();
    serverLog(LogLevel::Notice, "MASTER MODE enabled (failover request from '{}')", clientInfoString(c));
  }
  // A replica serves its own replicas only while its data follows a master.
  if (isReplicaRole() && L().state != REPL_STATE_CONNECTED) {
    c.r().error("NOMASTERLINK Can't SYNC while not connected with my master");
    return;
  }
  if (c.argc() >= 3 && equalsIgnoreCase(c.arg(0), "psync")) {
    long long offset;
    if (!string2ll(c.arg(2), &offset)) {
      c.r().error("ERR value is not an integer or out of range");
      return;
    }
    if (tryPartialResync(c, c.arg(1), offset)) return;
    // A replica that asked to continue and could not counts as a failed partial attempt.
    if (c.arg(1) != "?") R().stat_sync_partial_err++;
    fullResync(c, true);
    return;
  }
  fullResync(c, false);
}

void sendAckToMaster();
void unsetMaster();

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
      if (equalsIgnoreCase(val, "eof")) conf.eof = true;
    } else if (equalsIgnoreCase(opt, "ack")) {
      // Sent by replicas only; never answered.
      Replica* rep = findReplica(c.id);
      if (!rep) return;
      long long off;
      if (!string2ll(val, &off)) return;
      if (off > rep->ack_offset) rep->ack_offset = off;
      rep->ack_time = unixNow();
      replicationAckReceived();
      return;
    } else if (equalsIgnoreCase(opt, "getack")) {
      // Our master asks where we are: answered on the link even though the master client
      // gets no replies otherwise.
      if (c.is_master && L().master == &c) sendAckToMaster();
      return;
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

// ==== REPLICA ===============================================================================
//
// connectWithMaster (CONNECT → CONNECTING) → the socket is writable: PING
// (RECEIVE_PING_REPLY) → AUTH, REPLCONF listening-port, [ip-address], capa all sent at once
// (SEND_HANDSHAKE) and their replies read one by one (RECEIVE_*_REPLY) → PSYNC (SEND_PSYNC,
// RECEIVE_PSYNC_REPLY) → +CONTINUE: CONNECTED at once; +FULLRESYNC: TRANSFER (the RDB,
// "$<len>" or "$EOF:<mark>"), loaded with -LOADING to clients, then CONNECTED. Any error
// closes the socket and goes back to CONNECT; the cron retries every second.

void onLinkEvent(uv_poll_t* h, int status, int events);
void replicationCacheMaster(const Client& master);
void clearFailoverState();
void abortFailover(const char* reason);

const char* linkStateName(ReplLinkState st) {
  switch (st) {
    case REPL_STATE_CONNECT: return "connect";
    case REPL_STATE_CONNECTING: return "connecting";
    case REPL_STATE_TRANSFER: return "sync";
    case REPL_STATE_CONNECTED: return "connected";
    case REPL_STATE_NONE: return "none";
    default: return "handshake";
  }
}

bool inHandshake(ReplLinkState st) {
  return st >= REPL_STATE_RECEIVE_PING_REPLY && st <= REPL_STATE_RECEIVE_PSYNC_REPLY;
}

void closeLinkSocket() {
  auto& l = L();
  if (l.poll) {
    uv_poll_stop(l.poll);
    uv_close(reinterpret_cast<uv_handle_t*>(l.poll),
             [](uv_handle_t* h) { delete reinterpret_cast<uv_poll_t*>(h); });
    l.poll = nullptr;
  }
  if (l.fd >= 0) close(l.fd);
  l.fd = -1;
  l.inbuf.clear();
  l.payload.clear();
  l.payload.shrink_to_fit();
  l.transfer_header_read = false;
}

// Redis's cancelReplicationHandshake: back to CONNECT (the cron reconnects).
void cancelHandshake() {
  auto& l = L();
  if (l.state == REPL_STATE_TRANSFER || l.state == REPL_STATE_CONNECTING || inHandshake(l.state)) {
    closeLinkSocket();
    l.state = REPL_STATE_CONNECT;
  }
}

void linkWatch(int events) {
  auto& l = L();
  if (!l.poll) return;
  uv_poll_start(l.poll, events, onLinkEvent);
}

void connectWithMaster() {
  auto& l = L();
  const std::string host = cfg().replicaof_host;
  int port = static_cast<int>(cfg().replicaof_port);
  serverLog(LogLevel::Notice, "Connecting to MASTER {}:{}", host, port);
  addrinfo hints{}, *res = nullptr;
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  std::string portstr = std::to_string(port);
  int rc = getaddrinfo(host.c_str(), portstr.c_str(), &hints, &res);
  if (rc != 0 || !res) {
    serverLog(LogLevel::Warning, "Unable to connect to MASTER: {}", gai_strerror(rc));
    if (res) freeaddrinfo(res);
    return;
  }
  int fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    serverLog(LogLevel::Warning, "Unable to connect to MASTER: {}", strerror(errno));
    freeaddrinfo(res);
    return;
  }
  int r = connect(fd, res->ai_addr, res->ai_addrlen);
  freeaddrinfo(res);
  if (r < 0 && errno != EINPROGRESS) {
    serverLog(LogLevel::Warning, "Unable to connect to MASTER: {}", strerror(errno));
    close(fd);
    return;
  }
  int yes = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
  l.fd = fd;
  l.poll = new uv_poll_t;
  uv_poll_init(server.loop, l.poll, fd);
  l.poll->data = nullptr;
  l.state = REPL_STATE_CONNECTING;
  l.lastio = unixNow();
  l.inbuf.clear();
  linkWatch(UV_WRITABLE | UV_READABLE);
  serverLog(LogLevel::Notice, "MASTER <-> REPLICA sync started");
}

void linkSend(std::string_view data) {
  auto& l = L();
  // Handshake commands are a few bytes: a blocking-style loop on EAGAIN is not needed
  // on a fresh socket, but partial writes are handled.
  while (!data.empty()) {
    ssize_t w = write(l.fd, data.data(), data.size());
    if (w < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) {
        usleep(1000);
        continue;
      }
      return;
    }
    data.remove_prefix(static_cast<size_t>(w));
  }
}

std::string respCommand(const std::vector<std::string>& argv) {
  std::string buf = "*" + std::to_string(argv.size()) + "\r\n";
  for (const auto& a : argv) appendBulk(buf, a);
  return buf;
}

// Takes one "\n"-terminated line out of inbuf (without CR LF). False: not complete yet.
bool takeLine(std::string* line) {
  auto& l = L();
  size_t nl = l.inbuf.find('\n');
  if (nl == std::string::npos) return false;
  size_t end = nl > 0 && l.inbuf[nl - 1] == '\r' ? nl - 1 : nl;
  line->assign(l.inbuf, 0, end);
  l.inbuf.erase(0, nl + 1);
  return true;
}

void sendHandshake() {
  auto& l = L();
  std::string buf;
  l.sent_auth = !cfg().masterauth.empty();
  if (l.sent_auth) {
    if (!cfg().masteruser.empty())
      buf += respCommand({"AUTH", cfg().masteruser, cfg().masterauth});
    else
      buf += respCommand({"AUTH", cfg().masterauth});
  }
  long long port = cfg().replica_announce_port ? cfg().replica_announce_port : server.tcp_port;
  buf += respCommand({"REPLCONF", "listening-port", std::to_string(port)});
  l.sent_ip = !cfg().replica_announce_ip.empty();
  if (l.sent_ip) buf += respCommand({"REPLCONF", "ip-address", cfg().replica_announce_ip});
  buf += respCommand({"REPLCONF", "capa", "eof", "capa", "psync2"});
  linkSend(buf);
  l.state = l.sent_auth ? REPL_STATE_RECEIVE_AUTH_REPLY : REPL_STATE_RECEIVE_PORT_REPLY;
}

void sendPsync() {
  auto& l = L();
  auto& st = R();
  std::string id = "?", off = "-1";
  bool failover = F().state == FAILOVER_IN_PROGRESS;
  if (l.have_cached) {
    id = st.id;
    off = std::to_string(st.master_offset + 1);
    serverLog(LogLevel::Notice, "Trying a partial resynchronization (request {}:{}).", id, off);
  } else {
    serverLog(LogLevel::Notice, "Partial resynchronization not possible (no cached master)");
  }
  if (failover)
    linkSend(respCommand({"PSYNC", id, off, "FAILOVER"}));
  else
    linkSend(respCommand({"PSYNC", id, off}));
  l.state = REPL_STATE_RECEIVE_PSYNC_REPLY;
}

// The socket becomes the master client: from now on the stream goes through the dispatcher.
void createMasterClient(int db) {
  auto& l = L();
  std::string rest = std::move(l.inbuf);
  int fd = l.fd;
  // Hand the fd over: the link's own watcher goes, the client's comes.
  if (l.poll) {
    uv_poll_stop(l.poll);
    uv_close(reinterpret_cast<uv_handle_t*>(l.poll),
             [](uv_handle_t* h) { delete reinterpret_cast<uv_poll_t*>(h); });
    l.poll = nullptr;
  }
  l.fd = -1;
  l.inbuf.clear();
  Client* c = createClient(fd, false);
  c->is_master = true;
  c->authenticated = true;
  c->reply_mode = ReplyMode::Off;  // a master gets no replies (REPLCONF ACK is written apart)
  applyReplyMode(*c);
  c->addr = cfg().replicaof_host + ":" + std::to_string(cfg().replicaof_port);
  sockaddr_storage ls{};
  socklen_t llen = sizeof ls;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&ls), &llen) == 0) {
    char ip[INET6_ADDRSTRLEN] = {0};
    int port = 0;
    if (ls.ss_family == AF_INET) {
      auto* s = reinterpret_cast<sockaddr_in*>(&ls);
      inet_ntop(AF_INET, &s->sin_addr, ip, sizeof ip);
      port = ntohs(s->sin_port);
    } else if (ls.ss_family == AF_INET6) {
      auto* s = reinterpret_cast<sockaddr_in6*>(&ls);
      inet_ntop(AF_INET6, &s->sin6_addr, ip, sizeof ip);
      port = ntohs(s->sin6_port);
    }
    c->laddr = std::string(ip) + ":" + std::to_string(port);
  }
  if (db >= 0 && db < static_cast<int>(server.dbs.size())) c->db = &server.dbs[static_cast<size_t>(db)];
  l.master = c;
  l.multi_pending.clear();
  l.state = REPL_STATE_CONNECTED;
  l.down_since = 0;
  l.read_offset = R().master_offset;
  if (!rest.empty()) {
    l.read_offset += static_cast<long long>(rest.size());
    c->querybuf = std::move(rest);
    processInputBuffer(c);
  }
}

// ---- Full synchronisation: the transfer and the load ----

bool useDisklessLoad() {
  int mode = static_cast<int>(cfg().repl_diskless_load);
  return mode == REPL_DISKLESS_LOAD_SWAPDB ||
         (mode == REPL_DISKLESS_LOAD_WHEN_DB_EMPTY && totalKeys() == 0);
}

// Loads the received snapshot with the LOADING state set; clients get -LOADING meanwhile.
bool loadTransferredRdb(bool diskless, RdbReplInfo* info, std::string* err) {
  auto& l = L();
  server.loading = true;
  server.loading_start_time = unixNow();
  server.loading_total_bytes = static_cast<long long>(l.payload.size());
  server.loading_loaded_bytes = 0;
  RdbLoadOptions opts;
  opts.repl_out = info;
  opts.progress = [](size_t done, size_t) {
    server.loading_loaded_bytes = static_cast<long long>(done);
    updateCachedTime();
    processEventsWhileBusy();
  };
  bool ok;
  if (diskless) {
    ok = rdbLoadFromBuffer(l.payload, *err, opts);
  } else {
    ok = rdbLoadFile(cfg().dbfilename, *err, opts) == RdbLoadStatus::Ok;
  }
  server.loading = false;
  if (ok) {
    server.rdb_last_load_keys_loaded = totalKeys();
    serverLog(LogLevel::Notice, "Done loading RDB, keys loaded: {}, keys expired: {}.",
              server.rdb_last_load_keys_loaded, 0);
  }
  return ok;
}

void transferDone() {
  auto& l = L();
  auto& st = R();
  bool diskless = useDisklessLoad();
  if (!diskless) {
    // As Redis: the snapshot goes to a temp file, which then replaces dbfilename.
    std::string tmp = "temp-" + std::to_string(unixNow()) + "." + std::to_string(getpid()) + ".rdb";
    FILE* f = fopen(tmp.c_str(), "wb");
    bool ok = f && fwrite(l.payload.data(), 1, l.payload.size(), f) == l.payload.size();
    if (f) {
      ok = fflush(f) == 0 && ok;
      fsync(fileno(f));
      fclose(f);
    }
    if (!ok || rename(tmp.c_str(), cfg().dbfilename.c_str()) != 0) {
      serverLog(LogLevel::Warning,
                "Failed trying to rename the temp DB into {} in MASTER <-> REPLICA "
                "synchronization: {}",
                cfg().dbfilename, strerror(errno));
      unlink(tmp.c_str());
      cancelHandshake();
      return;
    }
  }
  // The new history replaces ours: our replicas must resync, the backlog restarts.
  disconnectReplicas();
  serverLog(LogLevel::Notice, "MASTER <-> REPLICA sync: Flushing old data");
  std::vector<Db> backup;
  bool swapdb = diskless && cfg().repl_diskless_load == REPL_DISKLESS_LOAD_SWAPDB;
  if (swapdb) {
    backup.resize(server.dbs.size());
    for (size_t i = 0; i < backup.size(); i++) backup[i].id = static_cast<int>(i);
    std::swap(server.dbs, backup);
    for (Client* c : server.client_list) c->db = &server.dbs[static_cast<size_t>(c->db - backup.data())];
  } else {
    emptyData(-1);
  }
  functionsClearLibraries();
  serverLog(LogLevel::Notice, "MASTER <-> REPLICA sync: Loading DB in memory");
  RdbReplInfo info;
  std::string err;
  // The socket is not read while loading: the watcher would fire into the load.
  if (l.poll) uv_poll_stop(l.poll);
  bool ok = loadTransferredRdb(diskless, &info, &err);
  if (!ok) {
    if (!err.empty()) serverLog(LogLevel::Warning, "{}", err);
    serverLog(LogLevel::Warning,
              "Failed trying to load the MASTER synchronization DB from {}, check server logs.",
              diskless ? "socket" : "disk");
    if (swapdb) {
      std::swap(server.dbs, backup);
      for (Client* c : server.client_list) c->db = &server.dbs[static_cast<size_t>(c->db - backup.data())];
    } else {
      emptyData(-1);
    }
    cancelHandshake();
    return;
  }
  if (swapdb) serverLog(LogLevel::Notice, "MASTER <-> REPLICA sync: Discarding previously cached master state.");
  l.payload.clear();
  l.payload.shrink_to_fit();
  st.id = l.full_id;
  st.id2.assign(40, '0');
  st.second_offset = -1;
  st.master_offset = l.full_offset;
  activateBacklog();
  createMasterClient(info.repl_stream_db >= 0 ? info.repl_stream_db : 0);
  serverLog(LogLevel::Notice, "MASTER <-> REPLICA sync: Finished with success");
}

// Reads the transfer: the "$<len>" / "$EOF:<mark>" header (keepalive newlines before it are
// skipped), then the payload.
void readTransfer() {
  auto& l = L();
  if (!l.transfer_header_read) {
    std::string line;
    while (true) {
      if (!takeLine(&line)) return;
      if (line.empty()) continue;  // the master's keepalive while it prepares the RDB
      if (line[0] == '-') {
        serverLog(LogLevel::Warning, "MASTER aborted replication with an error: {}", line.substr(1));
        cancelHandshake();
        return;
      }
      if (line[0] != '$') {
        serverLog(LogLevel::Warning,
                  "Bad protocol from MASTER, the first byte is not '$' (we received '{}'), are "
                  "you sure the host and port are right?",
                  line);
        cancelHandshake();
        return;
      }
      break;
    }
    bool diskless = useDisklessLoad();
    if (line.rfind("$EOF:", 0) == 0 && line.size() >= 5 + 40) {
      l.eofmark = line.substr(5, 40);
      l.transfer_size = -1;
      serverLog(LogLevel::Notice, "MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF {}",
                diskless ? "to parser" : "to disk");
    } else {
      long long len = 0;
      string2ll(std::string_view(line).substr(1), &len);
      l.transfer_size = len;
      serverLog(LogLevel::Notice, "MASTER <-> REPLICA sync: receiving {} bytes from master {}", len,
                diskless ? "to parser" : "to disk");
    }
    l.transfer_header_read = true;
    l.payload.clear();
  }
  if (l.transfer_size >= 0) {
    size_t want = static_cast<size_t>(l.transfer_size) - l.payload.size();
    size_t take = std::min(want, l.inbuf.size());
    l.payload.append(l.inbuf, 0, take);
    l.inbuf.erase(0, take);
    if (static_cast<long long>(l.payload.size()) < l.transfer_size) return;
  } else {
    l.payload.append(l.inbuf);
    l.inbuf.clear();
    if (l.payload.size() < 40 || l.payload.compare(l.payload.size() - 40, 40, l.eofmark) != 0) return;
    l.payload.resize(l.payload.size() - 40);
  }
  transferDone();
}

// One step of the state machine with the bytes read so far.
void advanceHandshake() {
  auto& l = L();
  std::string line;
  while (true) {
    switch (l.state) {
      case REPL_STATE_RECEIVE_PING_REPLY:
        if (!takeLine(&line)) return;
        // -NOAUTH / -NOPERM / -ERR operation not permitted: the master wants AUTH, which the
        // handshake sends next.
        if (!line.empty() && line[0] == '-' && line.rfind("-NOAUTH", 0) != 0 &&
            line.rfind("-NOPERM", 0) != 0 && line.rfind("-ERR operation not permitted", 0) != 0) {
          serverLog(LogLevel::Warning, "Error reply to PING from master: '{}'", line);
          cancelHandshake();
          return;
        }
        serverLog(LogLevel::Notice, "Master replied to PING, replication can continue...");
        l.state = REPL_STATE_SEND_HANDSHAKE;
        sendHandshake();
        break;
      case REPL_STATE_RECEIVE_AUTH_REPLY:
        if (!takeLine(&line)) return;
        if (!line.empty() && line[0] == '-') {
          serverLog(LogLevel::Warning, "Unable to AUTH to MASTER: {}", line);
          cancelHandshake();
          return;
        }
        l.state = REPL_STATE_RECEIVE_PORT_REPLY;
        break;
      case REPL_STATE_RECEIVE_PORT_REPLY:
        if (!takeLine(&line)) return;
        if (!line.empty() && line[0] == '-')
          serverLog(LogLevel::Notice, "(Non critical) Master does not understand REPLCONF listening-port: {}", line);
        l.state = l.sent_ip ? REPL_STATE_RECEIVE_IP_REPLY : REPL_STATE_RECEIVE_CAPA_REPLY;
        break;
      case REPL_STATE_RECEIVE_IP_REPLY:
        if (!takeLine(&line)) return;
        if (!line.empty() && line[0] == '-')
          serverLog(LogLevel::Notice, "(Non critical) Master does not understand REPLCONF ip-address: {}", line);
        l.state = REPL_STATE_RECEIVE_CAPA_REPLY;
        break;
      case REPL_STATE_RECEIVE_CAPA_REPLY:
        if (!takeLine(&line)) return;
        if (!line.empty() && line[0] == '-')
          serverLog(LogLevel::Notice, "(Non critical) Master does not understand REPLCONF capa: {}", line);
        l.state = REPL_STATE_SEND_PSYNC;
        sendPsync();
        break;
      case REPL_STATE_RECEIVE_PSYNC_REPLY: {
        if (!takeLine(&line)) return;
        if (line.empty()) break;  // keepalive newline while the master prepares
        if (line.rfind("+FULLRESYNC", 0) == 0) {
          std::vector<std::string> parts;
          splitArgs(line, &parts);
          long long off = -1;
          if (parts.size() >= 3 && parts[1].size() == 40 && string2ll(parts[2], &off)) {
            l.full_id = parts[1];
            l.full_offset = off;
          } else {
            serverLog(LogLevel::Warning, "Master replied with wrong +FULLRESYNC syntax.");
            l.full_id = std::string(40, '0');
            l.full_offset = -1;
          }
          serverLog(LogLevel::Notice, "Full resync from master: {}:{}", l.full_id, l.full_offset);
          if (F().state == FAILOVER_IN_PROGRESS) clearFailoverState();
          if (l.have_cached) {
            serverLog(LogLevel::Notice, "Discarding previously cached master state.");
            l.have_cached = false;
          }
          l.state = REPL_STATE_TRANSFER;
          l.transfer_header_read = false;
          l.transfer_start = unixNow();
          l.payload.clear();
          readTransfer();
          return;
        }
        if (line.rfind("+CONTINUE", 0) == 0) {
          auto& st = R();
          serverLog(LogLevel::Notice, "Successful partial resynchronization with master.");
          std::string newid = line.size() > 10 ? line.substr(10) : std::string();
          while (!newid.empty() && (newid.back() == ' ' || newid.back() == '\r')) newid.pop_back();
          if (newid.size() == 40 && newid != st.id) {
            // The master's history goes on under a new id (it was promoted): ours too, and
            // the old one stays valid up to here, so our replicas can continue.
            st.id2 = st.id;
            st.second_offset = st.master_offset + 1;
            st.id = newid;
            serverLog(LogLevel::Notice, "Master replication ID changed to {}", newid);
            disconnectReplicas();
          }
          if (!st.backlog_active) activateBacklog();
          l.have_cached = false;
          serverLog(LogLevel::Notice, "MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.");
          if (F().state == FAILOVER_IN_PROGRESS) clearFailoverState();
          createMasterClient(l.cached_db);
          return;
        }
        if (line.rfind("-NOMASTERLINK", 0) == 0 || line.rfind("-LOADING", 0) == 0) {
          serverLog(LogLevel::Notice,
                    "Master is currently unable to PSYNC but should be in the future: {}", line);
        } else if (line[0] == '-') {
          serverLog(LogLevel::Warning, "Unexpected reply to PSYNC from master: {}", line);
        } else {
          serverLog(LogLevel::Warning, "Unexpected reply to PSYNC from master: {}", line);
        }
        cancelHandshake();
        if (F().state == FAILOVER_IN_PROGRESS) abortFailover("Failover target rejected psync request");
        return;
      }
      case REPL_STATE_TRANSFER:
        readTransfer();
        return;
      default:
        return;
    }
  }
}

void onLinkEvent(uv_poll_t*, int status, int events) {
  auto& l = L();
  updateCachedTime();
  if (l.state == REPL_STATE_CONNECTING) {
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(l.fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (status < 0 || err) {
      serverLog(LogLevel::Warning, "Error condition on socket for SYNC: {}", strerror(err ? err : ECONNREFUSED));
      cancelHandshake();
      return;
    }
    if (!(events & UV_WRITABLE)) return;
    serverLog(LogLevel::Notice, "Non blocking connect for SYNC fired the event.");
    l.state = REPL_STATE_RECEIVE_PING_REPLY;
    l.lastio = unixNow();
    linkWatch(UV_READABLE | UV_DISCONNECT);
    linkSend(respCommand({"PING"}));
    return;
  }
  // An error or a hang-up is found by the read below (0 or an error).
  if (status < 0) events |= UV_READABLE;
  if (!(events & (UV_READABLE | UV_DISCONNECT))) return;
  char buf[64 * 1024];
  while (true) {
    ssize_t n = read(l.fd, buf, sizeof buf);
    if (n > 0) {
      l.inbuf.append(buf, static_cast<size_t>(n));
      l.lastio = unixNow();
      if (n < static_cast<ssize_t>(sizeof buf)) break;
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (n < 0 && errno == EINTR) continue;
    if (l.state == REPL_STATE_TRANSFER)
      serverLog(LogLevel::Warning, "I/O error trying to sync with MASTER: {}",
                n == 0 ? "connection lost" : strerror(errno));
    else
      serverLog(LogLevel::Warning, "Master closed the connection during the handshake");
    cancelHandshake();
    return;
  }
  advanceHandshake();
}

// ---- The replica's own commands ----

// Clients blocked on keys (or in WAIT) would otherwise be served by the master's stream
// later: they are answered with an error and closed, as Redis's disconnectAllBlockedClients.
// Clients held by CLIENT PAUSE are not: their command has not started.
void disconnectAllBlockedClients() {
  std::vector<Client*> victims;
  for (Client* c : server.client_list)
    if (c->blocked && !c->postponed && !c->is_master) victims.push_back(c);
  for (Client* c : victims) {
    c->r().error("UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)");
    g_waiters.erase(std::remove_if(g_waiters.begin(), g_waiters.end(),
                                   [&](const Waiter& w) { return w.client_id == c->id; }),
                    g_waiters.end());
    unblockClient(*c);
    c->close_after_reply = true;
    queueClientWrite(c);
  }
}

// Redis's replicationSetMaster: follow host:port (the link restarts from CONNECT).
void setMaster(const std::string& host, long long port) {
  auto& l = L();
  bool was_master = !isReplicaRole();
  disconnectAllBlockedClients();
  cfg().replicaof_host = host;
  cfg().replicaof_port = port;
  logSetRole('S');
  if (l.master) freeClient(l.master);  // caches the master state (onMasterClientFreed)
  cancelHandshake();
  if (was_master) {
    // Our own history is what we ask the new master to continue.
    l.have_cached = true;
    l.cached_db = R().seldb >= 0 ? R().seldb : 0;
    l.down_since = 0;
  }
  l.state = REPL_STATE_CONNECT;
  connectWithMaster();
}

// Redis's replicationUnsetMaster: become a master, keeping the history as id2.
void unsetMaster() {
  auto& l = L();
  cfg().replicaof_host.clear();
  cfg().replicaof_port = 0;
  logSetRole('M');
  if (l.master) {
    Client* m = l.master;
    l.master = nullptr;
    freeClient(m);
  }
  if (l.have_cached) serverLog(LogLevel::Notice, "Discarding previously cached master state.");
  l.have_cached = false;
  cancelHandshake();
  shiftReplicationId();
  // Our replicas learn the new id by reconnecting (and continue partially).
  disconnectReplicas();
  l.state = REPL_STATE_NONE;
  R().seldb = -1;
}

void replicaofCommand(Client& c) {
  if (cfg().cluster_enabled) {
    c.r().error("ERR REPLICAOF not allowed in cluster mode.");
    return;
  }
  if (replicationFailoverInProgress()) {
    c.r().error("ERR REPLICAOF not allowed while failing over.");
    return;
  }
  if (equalsIgnoreCase(c.arg(1), "no") && equalsIgnoreCase(c.arg(2), "one")) {
    if (isReplicaRole()) {
      unsetMaster();
      serverLog(LogLevel::Notice, "MASTER MODE enabled (user request from '{}')", clientInfoString(c));
    }
    c.r().ok();
    return;
  }
  if (c.is_master) {
    c.r().error("ERR Command is not valid when client is a replica.");
    return;
  }
  long long port;
  if (!getRangeLongOrReply(c, c.arg(2), 0, 65535, &port, "ERR Invalid master port")) return;
  if (isReplicaRole() && equalsIgnoreCase(cfg().replicaof_host, c.arg(1)) && cfg().replicaof_port == port) {
    serverLog(LogLevel::Notice,
              "REPLICAOF would result into synchronization with the master we are already "
              "connected with. No operation performed.");
    c.r().status("OK Already connected to specified master");
    return;
  }
  setMaster(c.arg(1), port);
  serverLog(LogLevel::Notice, "REPLICAOF {}:{} enabled (user request from '{}')", c.arg(1), port,
            clientInfoString(c));
  c.r().ok();
}

void sendAckToMaster() {
  auto& l = L();
  if (!l.master) return;
  l.master->out.append(respCommand({"REPLCONF", "ACK", std::to_string(R().master_offset)}));
  queueClientWrite(l.master);
}

// ==== PSYNC CACHE ===========================================================================

// The master client is gone: remember where we are, so the next PSYNC continues from here.
void replicationCacheMaster(const Client& master) {
  auto& l = L();
  serverLog(LogLevel::Notice, "Caching the disconnected master state.");
  l.have_cached = true;
  // The stream goes on in the db it was in: the master sends no SELECT on a partial resync.
  l.cached_db = master.db ? master.db->id : 0;
  // An unfinished transaction is dropped with the client: its bytes were never counted.
  l.multi_pending.clear();
}

// ==== WAIT AND GOOD REPLICAS ================================================================


long long replicasAckedAt(long long offset) {
  long long n = 0;
  for (const auto& rep : R().replicas)
    if (liveClient(rep.client_id) && rep.ack_offset >= offset) n++;
  return n;
}

size_t goodReplicas() {
  long long now = unixNow();
  size_t good = 0;
  for (const auto& rep : R().replicas)
    if (liveClient(rep.client_id) && !rep.waiting && now - rep.ack_time <= cfg().min_replicas_max_lag) good++;
  return good;
}

// Unblocks the WAITs that are satisfied or timed out (reply: how many replicas acked).
void processWaiters(bool timeouts_only) {
  long long now = server.mstime_cached;
  for (auto it = g_waiters.begin(); it != g_waiters.end();) {
    Client* c = liveClient(it->client_id);
    long long acked = replicasAckedAt(it->offset);
    bool done = !c || (!timeouts_only && acked >= it->numreplicas) ||
                (it->timeout_ms && now >= it->timeout_ms);
    if (!done) {
      ++it;
      continue;
    }
    if (c) {
      c->r().integer(acked);
      c->blocked = false;
      server.blocked_clients--;
      queueClientWrite(c);
      resumeClient(c);
    }
    it = g_waiters.erase(it);
  }
}

// WAIT numreplicas timeout
void waitCommand(Client& c) {
  if (isReplicaRole()) {
    c.r().error("ERR WAIT cannot be used with replica instances. Please also note that since "
                "Redis 4.0 if a replica is configured to be writable (which is not the default) "
                "writes to replicas are just local and are not propagated.");
    return;
  }
  long long numreplicas, timeout;
  if (!getLongLongOrReply(c, c.arg(1), &numreplicas)) return;
  if (!getTimeoutOrReply(c, c.arg(2), false, &timeout)) return;
  long long offset = R().master_offset;
  long long acked = replicasAckedAt(offset);
  if (acked >= numreplicas || server.in_exec || server.in_script) {
    c.r().integer(acked);
    return;
  }
  g_waiters.push_back(Waiter{c.id, offset, numreplicas, timeout});
  c.blocked = true;
  server.blocked_clients++;
  g_getack_pending = true;
}

// ==== FAILOVER ==============================================================================

Replica* findReplicaByAddr(const std::string& host, long long port) {
  for (auto& rep : R().replicas)
    if (liveClient(rep.client_id) && equalsIgnoreCase(rep.ip, host) && rep.listening_port == port) return &rep;
  return nullptr;
}

void pauseWritesForFailover() {
  auto& f = F();
  if (server.pause_end_ms == 0) {
    server.pause_end_ms = LLONG_MAX;
    server.pause_write_only = true;
    f.paused_writes = true;
  }
}

void clearFailoverState() {
  auto& f = F();
  f.state = NO_FAILOVER;
  f.host.clear();
  f.port = 0;
  f.end_ms = 0;
  f.force = false;
  // The postponed writes resume (on a replica now: they get -READONLY, as in Redis).
  if (f.paused_writes && server.pause_end_ms == LLONG_MAX) unpauseClients();
  f.paused_writes = false;
}

void abortFailover(const char* reason) {
  auto& f = F();
  if (f.state == NO_FAILOVER) return;
  if (f.host.empty())
    serverLog(LogLevel::Notice, "FAILOVER to any replica aborted: {}", reason);
  else
    serverLog(LogLevel::Notice, "FAILOVER to {}:{} aborted: {}", f.host, f.port, reason);
  if (f.state == FAILOVER_IN_PROGRESS) {
    f.state = NO_FAILOVER;  // unsetMaster must not see a failover running
    unsetMaster();
  }
  clearFailoverState();
}

// Redis's updateFailoverStatus: the timeout, or the target (or any replica) caught up.
void updateFailoverStatus() {
  auto& f = F();
  if (f.state != FAILOVER_WAIT_FOR_SYNC) return;
  if (f.end_ms && f.end_ms <= server.mstime_cached) {
    if (f.force) {
      serverLog(LogLevel::Notice, "FAILOVER to {}:{} time out exceeded, failing over.", f.host, f.port);
      f.state = FAILOVER_IN_PROGRESS;
      setMaster(f.host, f.port);
    } else {
      abortFailover("Replica never caught up before timeout");
    }
    return;
  }
  Replica* rep = nullptr;
  if (!f.host.empty()) {
    rep = findReplicaByAddr(f.host, f.port);
  } else {
    for (auto& r : R().replicas)
      if (liveClient(r.client_id) && r.ack_offset == R().master_offset) {
        rep = &r;
        f.host = r.ip;
        f.port = r.listening_port;
        break;
      }
  }
  if (rep && rep->ack_offset == R().master_offset) {
    f.state = FAILOVER_IN_PROGRESS;
    serverLog(LogLevel::Notice, "Failover target {}:{} is synced, failing over.", f.host, f.port);
    setMaster(f.host, f.port);
  }
}

// FAILOVER [TO host port [FORCE]] [ABORT] [TIMEOUT ms]
void failoverCommand(Client& c) {
  if (cfg().cluster_enabled) {
    c.r().error("ERR FAILOVER not allowed in cluster mode.");
    return;
  }
  bool abort = false, force = false;
  long long timeout = 0, port = 0;
  const std::string* host = nullptr;
  for (size_t j = 1; j < c.argc(); j++) {
    if (equalsIgnoreCase(c.arg(j), "abort") && !abort) {
      abort = true;
    } else if (equalsIgnoreCase(c.arg(j), "timeout") && j + 1 < c.argc() && timeout <= 0) {
      if (!getLongLongOrReply(c, c.arg(j + 1), &timeout)) return;
      if (timeout <= 0) {
        c.r().error("ERR FAILOVER timeout must be greater than 0");
        return;
      }
      j++;
    } else if (equalsIgnoreCase(c.arg(j), "to") && j + 2 < c.argc() && !host) {
      if (!getLongLongOrReply(c, c.arg(j + 2), &port)) return;
      host = &c.arg(j + 1);
      j += 2;
    } else if (equalsIgnoreCase(c.arg(j), "force") && !force) {
      force = true;
    } else {
      replySyntaxError(c);
      return;
    }
  }
  auto& f = F();
  if (abort) {
    if (f.state == NO_FAILOVER) {
      c.r().error("ERR No failover in progress.");
      return;
    }
    abortFailover("Failover manually aborted");
    c.r().ok();
    return;
  }
  if (f.state != NO_FAILOVER) {
    c.r().error("ERR FAILOVER already in progress.");
    return;
  }
  if (isReplicaRole()) {
    c.r().error("ERR FAILOVER is not valid when server is a replica.");
    return;
  }
  pruneReplicas();
  if (R().replicas.empty()) {
    c.r().error("ERR FAILOVER requires connected replicas.");
    return;
  }
  if (force && (!timeout || !host)) {
    c.r().error("ERR FAILOVER with force option requires both a timeout and target HOST and IP.");
    return;
  }
  if (host) {
    Replica* target = findReplicaByAddr(*host, port);
    if (!target) {
      c.r().error("ERR FAILOVER target HOST and PORT is not a replica.");
      return;
    }
    if (target->waiting) {
      c.r().error("ERR FAILOVER target replica is not online.");
      return;
    }
    f.host = *host;
    f.port = port;
    serverLog(LogLevel::Notice, "FAILOVER requested to {}:{}.", *host, port);
  } else {
    serverLog(LogLevel::Notice, "FAILOVER requested to any replica.");
  }
  f.end_ms = timeout ? server.mstime_cached + timeout : 0;
  f.force = force;
  f.state = FAILOVER_WAIT_FOR_SYNC;
  pauseWritesForFailover();
  // Ask the replicas where they are now rather than at their next periodic ACK.
  g_getack_pending = true;
  c.r().ok();
}

// ==== CRON ==================================================================================

// Keys written with an expiry by clients of a writable replica (db id, key).
std::set<std::pair<int, std::string>> g_replica_volatile_keys;

// Redis's expireSlaveKeys: deletes those keys once expired (no DEL is propagated: a replica
// sends nothing downstream but its master's stream).
void expireReplicaKeys() {
  if (g_replica_volatile_keys.empty()) return;
  std::set<std::pair<int, std::string>> keep;
  for (const auto& [dbid, key] : g_replica_volatile_keys) {
    Db& db = server.dbs[static_cast<size_t>(dbid)];
    long long when = getExpire(db, key);
    if (when < 0) continue;  // gone or persisted
    if (when < server.mstime_cached) {
      dbDelete(db, key);
      server.stat_expiredkeys++;
      notifyKeyspaceEvent(NOTIFY_EXPIRED, "expired", key, dbid);
      continue;
    }
    keep.emplace(dbid, key);
  }
  g_replica_volatile_keys = std::move(keep);
}

void replicaCron() {
  auto& l = L();
  if (!isReplicaRole()) return;
  long long now = unixNow();
  long long timeout = cfg().repl_timeout;
  if ((l.state == REPL_STATE_CONNECTING || inHandshake(l.state)) && now - l.lastio > timeout) {
    serverLog(LogLevel::Warning, "Timeout connecting to the MASTER...");
    cancelHandshake();
  }
  if (l.state == REPL_STATE_TRANSFER && now - l.lastio > timeout) {
    serverLog(LogLevel::Warning,
              "Timeout receiving bulk data from MASTER... If the problem persists try to set "
              "the 'repl-timeout' parameter in redis.conf to a larger value.");
    cancelHandshake();
  }
  if (l.master && now - l.master->last_interaction / 1000 > timeout) {
    serverLog(LogLevel::Warning, "MASTER timeout: no data nor PING received...");
    freeClient(l.master);
  }
  if (l.state == REPL_STATE_CONNECT) connectWithMaster();
  if (l.master) sendAckToMaster();
}

void replicationCron(uv_timer_t*) {
  auto& st = R();
  updateCachedTime();
  pruneReplicas();
  replicaCron();
  if (isReplicaRole()) expireReplicaKeys();
  st.cron_loops++;
  // A master without replicas for repl-backlog-ttl seconds frees its backlog (and forgets
  // its history: a new id, no id2), as Redis does; replicas never do (they may be promoted).
  if (!isReplicaRole() && st.backlog_active) {
    if (!st.replicas.empty()) {
      st.no_replicas_since = 0;
    } else if (st.no_replicas_since == 0) {
      st.no_replicas_since = unixNow();
    } else if (cfg().repl_backlog_ttl > 0 && unixNow() - st.no_replicas_since > cfg().repl_backlog_ttl) {
      changeReplicationId();
      st.id2.assign(40, '0');
      st.second_offset = -1;
      st.backlog_active = false;
      st.backlog.clear();
      st.backlog.shrink_to_fit();
      st.histlen = 0;
      st.backlog_idx = 0;
      serverLog(LogLevel::Notice, "Replication backlog freed after {} seconds without connected replicas.",
                cfg().repl_backlog_ttl);
    }
  }
  long long period = std::max<long long>(cfg().repl_ping_replica_period, 1);
  if (!isReplicaRole() && !st.replicas.empty() && st.cron_loops % period == 0) {
    std::string ping = "*1\r\n$4\r\nPING\r\n";
    appendToBacklog(ping);
    writeToReplicas(ping);
  }
  if (!isReplicaRole()) startPendingSyncs();
  processWaiters(true);
  updateFailoverStatus();
}

// ---- Commands table ----

const CommandRow kRows[] = {
    {"sync", 1, "admin noscript no_async_loading no_multi", "@admin @slow @dangerous", 0, 0, 0,
     syncCommand, "server", "1.0.0", "Internal command used for replication", ""},
    {"psync", -3, "admin noscript no_async_loading no_multi", "@admin @slow @dangerous", 0, 0, 0,
     syncCommand, "server", "2.8.0", "Internal command used for replication", ""},
    {"replconf", -1, "admin noscript loading stale allow_busy", "@admin @slow @dangerous", 0, 0, 0,
     replconfCommand, "server", "3.0.0", "An internal command for configuring the replication stream",
     "O(1)"},
    {"replicaof", 3, "admin noscript stale no_async_loading", "@admin @slow @dangerous", 0, 0, 0,
     replicaofCommand, "server", "5.0.0", "Make the server a replica of another instance, or promote it as master.",
     "O(1)"},
    {"slaveof", 3, "admin noscript stale no_async_loading", "@admin @slow @dangerous", 0, 0, 0,
     replicaofCommand, "server", "1.0.0", "Make the server a replica of another instance, or promote it as master.",
     "O(1)"},
    {"wait", 3, "noscript", "@slow @connection", 0, 0, 0, waitCommand, "generic", "3.0.0",
     "Wait for the synchronous replication of all the write commands sent in the context of the current connection",
     "O(1)", "request_policy:all_shards response_policy:agg_min"},
    {"failover", -1, "admin noscript stale", "@admin @slow @dangerous", 0, 0, 0, failoverCommand,
     "server", "6.2.0", "Start a coordinated failover between this server and one of its replicas.", "O(1)"},
};

}  // namespace

// ==== Public ================================================================================

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

bool replicationIAmReplica() { return isReplicaRole(); }

bool replicationCommandFromMaster() {
  Client* cur = server.current_client;
  if (cur && cur->is_master) return true;
  ScriptRun* run = currentScript();
  return run && run->caller && run->caller->is_master;
}

bool replicationLinkUp() { return L().state == REPL_STATE_CONNECTED; }

bool replicationFailoverInProgress() { return F().state != NO_FAILOVER; }

void replicationMasterBytesParsed(Client& c, std::string_view bytes) {
  if (&c == L().master) L().multi_pending.append(bytes);
}

void replicationMasterCommandDone(Client& c) {
  auto& l = L();
  if (&c != l.master || c.in_multi || l.multi_pending.empty()) return;
  appendToBacklog(l.multi_pending);
  writeToReplicas(l.multi_pending);
  l.multi_pending.clear();
}

void replicationOnMasterRead(Client& c, size_t bytes) {
  if (&c == L().master) L().read_offset += static_cast<long long>(bytes);
}

void replicationOnClientFreed(Client& c) {
  auto& l = L();
  if (&c == l.master) {
    l.master = nullptr;
    if (!isReplicaRole()) return;  // REPLICAOF NO ONE: nothing to cache
    serverLog(LogLevel::Notice, "Connection with master lost.");
    replicationCacheMaster(c);
    l.state = REPL_STATE_CONNECT;
    l.down_since = unixNow();
    // Reconnect at once, as Redis does (the cron retries when it fails).
    serverLog(LogLevel::Notice, "Reconnecting to MASTER {}:{}", cfg().replicaof_host, cfg().replicaof_port);
    connectWithMaster();
  }
  for (auto it = g_waiters.begin(); it != g_waiters.end(); ++it)
    if (it->client_id == c.id) {
      g_waiters.erase(it);
      // freeClient's unblockClient already counted it out.
      if (c.blocked) {
        c.blocked = false;
        server.blocked_clients--;
      }
      break;
    }
}

void replicationAckReceived() {
  processWaiters(false);
  updateFailoverStatus();
}

void replicationBeforeSleep() {
  if (g_getack_pending) {
    g_getack_pending = false;
    if (!isReplicaRole() && R().backlog_active) {
      std::string getack = respCommand({"REPLCONF", "GETACK", "*"});
      appendToBacklog(getack);
      writeToReplicas(getack);
    }
  }
}

bool replicationSaveInfo(RdbReplInfo* info) {
  if (!R().backlog_active && !isReplicaRole()) return false;
  *info = currentReplInfo();
  return true;
}

void replicationInfoSyncStats(std::string& s) {
  auto& st = R();
  s += "sync_full:" + std::to_string(st.stat_sync_full) + "\r\n";
  s += "sync_partial_ok:" + std::to_string(st.stat_sync_partial_ok) + "\r\n";
  s += "sync_partial_err:" + std::to_string(st.stat_sync_partial_err) + "\r\n";
}

void replicationResetStats() {
  R().stat_sync_full = R().stat_sync_partial_ok = R().stat_sync_partial_err = 0;
}

size_t replicationReplicaKeysWithExpire() { return g_replica_volatile_keys.size(); }

bool replicationEnoughGoodReplicas() {
  if (isReplicaRole() || !cfg().min_replicas_to_write || !cfg().min_replicas_max_lag) return true;
  return goodReplicas() >= static_cast<size_t>(cfg().min_replicas_to_write);
}

void replicationRememberKeyWithExpire(int dbid, std::string_view key) {
  g_replica_volatile_keys.emplace(dbid, std::string(key));
}

std::string_view replicationRejectCommand(const Client& c) {
  if (c.is_master) return {};
  const Command* cmd = c.cmd;
  bool is_exec = cmd->fullname == "exec";
  bool is_write = cmd->has(CMD_WRITE) || (is_exec && (c.mstate_flags & CMD_WRITE));
  if (!isReplicaRole()) {
    if (is_write && !replicationEnoughGoodReplicas()) return kNoReplicasError;
    return {};
  }
  if (cfg().replica_read_only && is_write) return err::kReadonlyReplica;
  if (!cfg().replica_serve_stale_data && L().state != REPL_STATE_CONNECTED) {
    bool deny = !cmd->has(CMD_STALE);
    if (is_exec)
      for (const QueuedCommand& q : c.mstate) deny = deny || !q.cmd->has(CMD_STALE);
    if (deny) return err::kMasterDown;
  }
  return {};
}

void replicationInit() {
  auto& st = R();
  if (st.initialised) return;
  st.initialised = true;
  // A dataset saved with its replication position lets us continue partially: a replica
  // asks its master for the next byte; a restarted master keeps the history as id2.
  const RdbReplInfo& loaded = rdbLoadedReplInfo();
  if (loaded.repl_id.size() == 40 && loaded.repl_offset >= 0 && loaded.repl_stream_db >= 0) {
    if (isReplicaRole()) {
      st.id = loaded.repl_id;
      st.master_offset = loaded.repl_offset;
      activateBacklog();
      L().have_cached = true;
      L().cached_db = loaded.repl_stream_db;
    } else {
      st.id2 = loaded.repl_id;
      st.second_offset = loaded.repl_offset + 1;
      st.master_offset = loaded.repl_offset;
      activateBacklog();
      for (const auto& [dbid, key] : takeKeysExpiredAtLoad()) feed(dbid, {"DEL", key});
    }
  }
  if (isReplicaRole()) {
    logSetRole('S');
    L().state = REPL_STATE_CONNECT;
  }
  // A new backlog size keeps the newest history that fits.
  configOnApply("repl-backlog-size", [](std::string*) {
    auto& s = R();
    if (!s.backlog_active) return true;
    size_t size = static_cast<size_t>(std::max<long long>(cfg().repl_backlog_size, 16 * 1024));
    if (size == s.backlog.size()) return true;
    std::string kept = backlogFrom(backlogFirstByteOffset());
    long long end = s.master_offset;
    resizeBacklog(size);
    s.master_offset = end - static_cast<long long>(kept.size());
    appendToBacklog(kept);
    return true;
  });
  uv_timer_init(server.loop, &st.cron);
  uv_timer_start(&st.cron, replicationCron, 1000, 1000);
  uv_unref(reinterpret_cast<uv_handle_t*>(&st.cron));
  // replicaof in the config: connect as soon as the loop runs (after "Ready to accept
  // connections", as Redis logs it).
  if (isReplicaRole()) {
    static uv_timer_t first_connect;
    uv_timer_init(server.loop, &first_connect);
    uv_timer_start(&first_connect, [](uv_timer_t*) {
      if (isReplicaRole() && L().state == REPL_STATE_CONNECT) connectWithMaster();
    }, 0, 0);
  }
}

void replicationInfo(std::string& s) {
  auto& st = R();
  auto& l = L();
  pruneReplicas();
  long long now = unixNow();
  s += "# Replication\r\n";
  if (!isReplicaRole()) {
    s += "role:master\r\n";
  } else {
    s += "role:slave\r\n";
    s += "master_host:" + cfg().replicaof_host + "\r\n";
    s += "master_port:" + std::to_string(cfg().replicaof_port) + "\r\n";
    s += std::string("master_link_status:") + (l.state == REPL_STATE_CONNECTED ? "up" : "down") + "\r\n";
    s += "master_last_io_seconds_ago:" +
         std::to_string(l.master ? now - l.master->last_interaction / 1000 : -1) + "\r\n";
    s += std::string("master_sync_in_progress:") + (l.state == REPL_STATE_TRANSFER ? "1" : "0") + "\r\n";
    long long reploff = 1, readoff = 1;
    if (l.master) {
      reploff = st.master_offset;
      readoff = l.read_offset;
    } else if (l.have_cached) {
      reploff = readoff = st.master_offset;
    }
    s += "slave_read_repl_offset:" + std::to_string(readoff) + "\r\n";
    s += "slave_repl_offset:" + std::to_string(reploff) + "\r\n";
    if (l.state == REPL_STATE_TRANSFER) {
      long long size = l.transfer_size;
      long long read = static_cast<long long>(l.payload.size());
      double perc = size ? static_cast<double>(read) / static_cast<double>(size) * 100 : 0;
      s += "master_sync_total_bytes:" + std::to_string(size) + "\r\n";
      s += "master_sync_read_bytes:" + std::to_string(read) + "\r\n";
      s += "master_sync_left_bytes:" + std::to_string(size - read) + "\r\n";
      s += fmt::format("master_sync_perc:{:.2f}\r\n", perc);
      s += "master_sync_last_io_seconds_ago:" + std::to_string(now - l.lastio) + "\r\n";
    }
    if (l.state != REPL_STATE_CONNECTED)
      s += "master_link_down_since_seconds:" +
           std::to_string(l.down_since ? now - l.down_since : -1) + "\r\n";
    s += "slave_priority:" + std::to_string(cfg().replica_priority) + "\r\n";
    s += std::string("slave_read_only:") + (cfg().replica_read_only ? "1" : "0") + "\r\n";
    s += std::string("replica_announced:") + (cfg().replica_announced ? "1" : "0") + "\r\n";
  }
  s += "connected_slaves:" + std::to_string(st.replicas.size()) + "\r\n";
  for (size_t i = 0; i < st.replicas.size(); i++) {
    const auto& rep = st.replicas[i];
    s += "slave" + std::to_string(i) + ":ip=" + rep.ip + ",port=" + std::to_string(rep.listening_port) +
         ",state=" + (rep.waiting ? "wait_bgsave" : "online") + ",offset=" + std::to_string(rep.ack_offset) +
         ",lag=" + std::to_string(now - rep.ack_time) + "\r\n";
  }
  if (cfg().min_replicas_to_write && cfg().min_replicas_max_lag)
    s += "min_slaves_good_slaves:" + std::to_string(goodReplicas()) + "\r\n";
  s += std::string("master_failover_state:") + failoverStateName() + "\r\n";
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
  auto& l = L();
  pruneReplicas();
  if (isReplicaRole()) {
    c.r().arrayLen(5);
    c.r().bulk("slave");
    c.r().bulk(cfg().replicaof_host);
    c.r().integer(cfg().replicaof_port);
    c.r().bulk(linkStateName(l.state));
    c.r().integer(l.master ? st.master_offset : -1);
    return;
  }
  c.r().arrayLen(3);
  c.r().bulk("master");
  c.r().integer(st.master_offset);
  size_t online = 0;
  for (const auto& rep : st.replicas) online += rep.waiting ? 0 : 1;
  c.r().arrayLen(online);
  for (const auto& rep : st.replicas) {
    if (rep.waiting) continue;  // only replicas that receive the stream, as Redis
    c.r().arrayLen(3);
    c.r().bulk(rep.ip);
    c.r().bulk(std::to_string(rep.listening_port));
    c.r().bulk(std::to_string(rep.ack_offset));
  }
}

CommandRows replicationCommands() { return {kRows, sizeof(kRows) / sizeof(kRows[0])}; }

}  // namespace osprey
