// server/blocking.cpp — blocked clients, ready keys and timeouts (see blocking.h).
#include "server/blocking.h"

#include <algorithm>

#include "common/util.h"
#include "server/db.h"
#include "server/networking.h"
#include "server/t_stream.h"

namespace osprey {

static void armBlockTimer();

bool clientMayBlock(const Client& c) { return !c.fake && !server.in_exec && !c.in_multi; }

// Clients held by CLIENT PAUSE count as blocked too, as Redis's BLOCKED_POSTPONE.
long long blockedClientsCount() {
  return server.blocked_clients + static_cast<long long>(server.postponed_clients.size());
}

long long blockedClientsWithTimeout() {
  long long n = 0;
  for (const Client* c : server.client_list)
    if (c->blocked && c->block_timeout_ms) n++;
  return n;
}

void blockForKeys(Client& c, const std::vector<std::string>& keys, long long timeout_ms,
                  BlockType type) {
  c.blocked = true;
  c.block_type = static_cast<uint8_t>(type);
  c.block_timeout_ms = timeout_ms;
  c.block_db = c.db;
  c.blocking_keys.clear();
  for (const auto& k : keys) {
    if (std::find(c.blocking_keys.begin(), c.blocking_keys.end(), k) != c.blocking_keys.end())
      continue;
    c.blocking_keys.push_back(k);
    c.db->blocking_keys[k].push_back(&c);
  }
  server.blocked_clients++;
  // The blocked command itself is not propagated (nothing changed) and is re-run later.
  c.prevent_propagate = true;
  if (timeout_ms) armBlockTimer();
}

void unblockClient(Client& c) {
  if (!c.blocked) return;
  for (const auto& k : c.blocking_keys) {
    auto it = c.block_db->blocking_keys.find(k);
    if (it == c.block_db->blocking_keys.end()) continue;
    it->second.remove(&c);
    if (it->second.empty()) c.block_db->blocking_keys.erase(it);
  }
  c.blocking_keys.clear();
  c.blocked = false;
  c.block_type = 0;
  c.block_timeout_ms = 0;
  server.blocked_clients--;
}

void signalKeyAsReady(Db& db, std::string_view key) {
  if (db.blocking_keys.empty()) return;
  auto it = db.blocking_keys.find(std::string(key));
  if (it == db.blocking_keys.end()) return;
  for (auto& [d, k] : server.ready_keys)
    if (d == &db && k == key) return;
  server.ready_keys.emplace_back(&db, std::string(key));
}

void signalAllBlockedKeysAsReady(Db& db) {
  for (auto& [k, clients] : db.blocking_keys) signalKeyAsReady(db, k);
}

static bool keyServes(Db& db, const std::string& key, BlockType type) {
  Object* o = lookupKeyPeek(db, key);
  if (!o || keyIsExpired(db, key)) return false;
  if (type == BlockType::List) return o->type == ObjType::List;
  if (type == BlockType::ZSet) return o->type == ObjType::ZSet;
  return false;
}

static void queueUnblocked(Client* c) {
  if (c->unblocked_pending) return;
  c->unblocked_pending = true;
  server.unblocked_clients.push_back(c);
}

// Re-runs the blocked command of c: it finds its data now. Its client db is where it
// blocked (a SELECT pipelined after it has not run yet).
static void rerunBlockedCommand(Client* c, Db* db) {
  unblockClient(*c);
  Db* saved = c->db;
  c->db = db;
  c->cmd = server.commands.lookup(c->argv);
  if (c->cmd) call(*c);
  c->db = saved;
  queueClientWrite(c);
  if (!c->blocked) queueUnblocked(c);
}

// Stream readers do not consume what they read, so every one of them blocked on the key
// is served, in the order they blocked, with the entries of that key only (Redis 7.0).
static void serveStreamClients(Db* db, const std::string& key) {
  auto it = db->blocking_keys.find(key);
  if (it == db->blocking_keys.end()) return;
  std::vector<Client*> waiters;
  for (Client* c : it->second)
    if (c->block_type == static_cast<uint8_t>(BlockType::Stream)) waiters.push_back(c);
  for (Client* c : waiters) {
    if (!c->blocked || c->block_db != db || !streamBlockedClientServes(*c, *db, key)) continue;
    setStreamServingKey(&key);
    rerunBlockedCommand(c, db);
    setStreamServingKey(nullptr);
  }
}

void handleClientsBlockedOnKeys() {
  // Serving a client may make more keys ready (BLMOVE pushes to its destination).
  while (!server.ready_keys.empty()) {
    auto ready = std::move(server.ready_keys);
    server.ready_keys.clear();
    for (auto& [db, key] : ready) {
      serveStreamClients(db, key);
      while (true) {
        auto it = db->blocking_keys.find(key);
        if (it == db->blocking_keys.end() || it->second.empty()) break;
        Client* c = nullptr;
        for (Client* w : it->second)
          if (w->block_type != static_cast<uint8_t>(BlockType::Stream)) {
            c = w;
            break;
          }
        if (!c || !keyServes(*db, key, static_cast<BlockType>(c->block_type))) break;
        rerunBlockedCommand(c, db);
        // A client that blocked again (its command found nothing usable) waits at the
        // back; stop if the key can no longer serve anyone.
        if (c->blocked) break;
      }
    }
  }
}

// A command that blocked was not counted when it ran (call() counts it once, when it is
// served); one that ends by timeout or CLIENT UNBLOCK is counted here, as in Redis.
static void countUnblockedCall(Client& c, bool failed) {
  if (!c.cmd) return;
  c.cmd->calls++;
  if (failed) c.cmd->failed_calls++;
}

void replyToBlockedClientTimedOut(Client& c) {
  unblockClient(c);
  countUnblockedCall(c, false);
  c.r().nullArray();
  queueClientWrite(&c);
  queueUnblocked(&c);
}

bool unblockClientFromOutside(Client& c, bool with_error) {
  if (!c.blocked) return false;
  if (with_error) {
    unblockClient(c);
    countUnblockedCall(c, true);
    c.r().error("UNBLOCKED client unblocked via CLIENT UNBLOCK");
    queueClientWrite(&c);
    queueUnblocked(&c);
  } else {
    replyToBlockedClientTimedOut(c);
  }
  return true;
}

void processUnblockedClients() {
  auto list = std::move(server.unblocked_clients);
  server.unblocked_clients.clear();
  for (Client* c : list) {
    c->unblocked_pending = false;
    if (c->close_asap || c->blocked) continue;
    resumeClient(c);
  }
}

// ---- Timeouts ----------------------------------------------------------------

static void onBlockTimer(uv_timer_t*) {
  updateCachedTime();
  std::vector<Client*> expired;
  for (Client* c : server.client_list)
    if (c->blocked && c->block_timeout_ms && c->block_timeout_ms <= server.mstime_cached)
      expired.push_back(c);
  for (Client* c : expired) replyToBlockedClientTimedOut(*c);
  armBlockTimer();
}

static void armBlockTimer() {
  static bool initialised = false;
  if (!server.loop) return;
  if (!initialised) {
    uv_timer_init(server.loop, &server.block_timer);
    uv_unref(reinterpret_cast<uv_handle_t*>(&server.block_timer));
    initialised = true;
  }
  long long nearest = 0;
  for (Client* c : server.client_list)
    if (c->blocked && c->block_timeout_ms && (!nearest || c->block_timeout_ms < nearest))
      nearest = c->block_timeout_ms;
  uv_timer_stop(&server.block_timer);
  if (!nearest) return;
  long long wait = nearest - mstime();
  uv_timer_start(&server.block_timer, onBlockTimer, static_cast<uint64_t>(std::max(wait, 0LL)), 0);
}

}  // namespace osprey
