// sentinel/links.cpp — the sentinel's connections to the instances it watches, through
// hiredis's async API on the libuv loop: a command link (PING, INFO, PUBLISH hello, SLAVEOF,
// is-master-down-by-addr ...) per instance and a Pub/Sub link subscribed to
// __sentinel__:hello per master and replica. Each link names itself with CLIENT SETNAME
// sentinel-<id8>-cmd / -pubsub and authenticates first when a password is configured.
// The reply callbacks here feed monitor.cpp's state machines.
#include <hiredis/adapters/libuv.h>
#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include <cstring>

#include "common/config.h"
#include "common/log.h"
#include "common/util.h"
#include "sentinel/info_parse.h"
#include "sentinel/sentinel.h"

namespace osprey::sentinel {

namespace {

// Sends one command on a link; counts it as pending on success (as Redis does).
bool sendArgv(Instance* ri, redisAsyncContext* ac, redisCallbackFn* fn,
              const std::vector<std::string>& args) {
  if (!ac) return false;
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (const auto& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  if (redisAsyncCommandArgv(ac, fn, ri, static_cast<int>(args.size()), argv.data(), lens.data()) !=
      REDIS_OK)
    return false;
  ri->link->pending_commands++;
  return true;
}

Instance* replyOwner(redisAsyncContext* ac, void* reply, void* privdata) {
  if (!reply || !ac->data) return nullptr;
  return static_cast<Instance*>(privdata);
}

void discardReplyCallback(redisAsyncContext* ac, void* reply, void* privdata) {
  Instance* ri = replyOwner(ac, reply, privdata);
  if (ri) ri->link->pending_commands--;
}

// Marks the link down when a connection drops or fails; hiredis frees the context itself.
void linkConnectionError(const redisAsyncContext* c) {
  Instance* ri = static_cast<Instance*>(c->data);
  if (!ri) return;
  Link* link = ri->link.get();
  link->disconnected = true;
  if (link->cc == c) {
    link->cc = nullptr;
    link->pending_commands = 0;
  } else if (link->pc == c) {
    link->pc = nullptr;
  }
}

void connectCallback(const redisAsyncContext* c, int status) {
  if (status != REDIS_OK) linkConnectionError(c);
}

void disconnectCallback(const redisAsyncContext* c, int status) { linkConnectionError(c); }

void sendAuthIfNeeded(Instance* ri, redisAsyncContext* c) {
  std::string pass, user;
  if (ri->isMaster()) {
    pass = ri->auth_pass;
    user = ri->auth_user;
  } else if (ri->isSlave()) {
    pass = ri->master->auth_pass;
    user = ri->master->auth_user;
  } else if (ri->isSentinel()) {
    // Without sentinel-pass, requirepass serves both ways (Redis's compatibility rule).
    if (!S().sentinel_auth_pass.empty()) {
      pass = S().sentinel_auth_pass;
      user = S().sentinel_auth_user;
    } else {
      pass = S().requirepass;
    }
  }
  if (pass.empty()) return;
  if (user.empty())
    sendArgv(ri, c, discardReplyCallback, {mapCommand(ri, "AUTH"), pass});
  else
    sendArgv(ri, c, discardReplyCallback, {mapCommand(ri, "AUTH"), user, pass});
}

void setClientName(Instance* ri, redisAsyncContext* c, const char* type) {
  std::string name = "sentinel-" + S().myid.substr(0, 8) + "-" + type;
  sendArgv(ri, c, discardReplyCallback, {mapCommand(ri, "CLIENT"), "SETNAME", name});
}

// ---- Reply callbacks -------------------------------------------------------------------

void pingReplyCallback(redisAsyncContext* ac, void* r, void* privdata) {
  Instance* ri = replyOwner(ac, r, privdata);
  if (!ri) return;
  redisReply* reply = static_cast<redisReply*>(r);
  Link* link = ri->link.get();
  link->pending_commands--;
  if (reply->type == REDIS_REPLY_STATUS || reply->type == REDIS_REPLY_ERROR) {
    std::string_view s(reply->str, reply->len);
    // PONG, and the "alive but not ready" answers, count as available.
    if (s.substr(0, 4) == "PONG" || s.substr(0, 7) == "LOADING" || s.substr(0, 10) == "MASTERDOWN") {
      link->last_avail_time = mstime();
      link->act_ping_time = 0;
      if ((ri->flags & SRI_MASTER_REBOOT) && s.substr(0, 4) == "PONG") ri->flags &= ~SRI_MASTER_REBOOT;
      noteNotBusyReply(ri);
    } else if (s.substr(0, 4) == "BUSY") {
      noteBusyReply(ri);
      // A script holds the instance: once it is SDOWN, try to kill the script (once).
      if ((ri->flags & SRI_S_DOWN) && !(ri->flags & SRI_SCRIPT_KILL_SENT)) {
        sendArgv(ri, ac, discardReplyCallback, {mapCommand(ri, "SCRIPT"), "KILL"});
        ri->flags |= SRI_SCRIPT_KILL_SENT;
      }
    } else {
      noteNotBusyReply(ri);
    }
  }
  link->last_pong_time = mstime();
}

void infoReplyCallback(redisAsyncContext* ac, void* r, void* privdata) {
  Instance* ri = replyOwner(ac, r, privdata);
  if (!ri) return;
  redisReply* reply = static_cast<redisReply*>(r);
  ri->link->pending_commands--;
  if (reply->type == REDIS_REPLY_STRING) refreshInstanceInfo(ri, std::string(reply->str, reply->len));
}

void publishReplyCallback(redisAsyncContext* ac, void* r, void* privdata) {
  Instance* ri = replyOwner(ac, r, privdata);
  if (!ri) return;
  redisReply* reply = static_cast<redisReply*>(r);
  ri->link->pending_commands--;
  // Only a successful PUBLISH delays the next hello.
  if (reply->type != REDIS_REPLY_ERROR) ri->last_pub_time = mstime();
}

void receiveHelloMessages(redisAsyncContext* ac, void* r, void* privdata) {
  Instance* ri = replyOwner(ac, r, privdata);
  if (!ri) return;
  redisReply* reply = static_cast<redisReply*>(r);
  ri->link->pc_last_activity = mstime();
  if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 3 ||
      reply->element[0]->type != REDIS_REPLY_STRING || reply->element[1]->type != REDIS_REPLY_STRING ||
      reply->element[2]->type != REDIS_REPLY_STRING || strcmp(reply->element[0]->str, "message") != 0)
    return;
  std::string_view payload(reply->element[2]->str, reply->element[2]->len);
  // Our own hellos come back to us too.
  if (payload.find(S().myid) != std::string_view::npos) return;
  processHelloMessage(payload);
}

void isMasterDownReplyCallback(redisAsyncContext* ac, void* r, void* privdata) {
  Instance* ri = replyOwner(ac, r, privdata);
  if (!ri) return;
  redisReply* reply = static_cast<redisReply*>(r);
  ri->link->pending_commands--;
  if (reply->type == REDIS_REPLY_ARRAY && reply->elements == 3 &&
      reply->element[0]->type == REDIS_REPLY_INTEGER && reply->element[1]->type == REDIS_REPLY_STRING &&
      reply->element[2]->type == REDIS_REPLY_INTEGER) {
    ri->last_master_down_reply_time = mstime();
    if (reply->element[0]->integer == 1)
      ri->flags |= SRI_MASTER_DOWN;
    else
      ri->flags &= ~SRI_MASTER_DOWN;
    if (strcmp(reply->element[1]->str, "*") != 0) {
      // A run id instead of "*" is the sentinel's vote.
      uint64_t epoch = static_cast<uint64_t>(reply->element[2]->integer);
      if (ri->leader_epoch != epoch)
        serverLog(LogLevel::Warning, "{} voted for {} {}", ri->name, reply->element[1]->str,
                  static_cast<unsigned long long>(epoch));
      ri->leader = reply->element[1]->str;
      ri->leader_epoch = epoch;
    }
  }
}

redisAsyncContext* openContext(Instance* ri) {
  // bind-source-addr: the local address of outgoing connections, as Redis binds them.
  const std::string& source = cfg().bind_source_addr;
  redisAsyncContext* c = source.empty()
                             ? redisAsyncConnect(ri->addr.ip.c_str(), ri->addr.port)
                             : redisAsyncConnectBind(ri->addr.ip.c_str(), ri->addr.port, source.c_str());
  if (!c) return nullptr;
  if (c->err) {
    std::string e = c->errstr;
    redisAsyncFree(c);
    sentinelEvent(LL_DEBUG, "-cmd-link-reconnection", ri, " #" + e);
    return nullptr;
  }
  c->data = ri;
  redisLibuvAttach(c, S().loop);
  redisAsyncSetConnectCallback(c, connectCallback);
  redisAsyncSetDisconnectCallback(c, disconnectCallback);
  return c;
}

void freeContext(redisAsyncContext* c) {
  if (!c) return;
  c->data = nullptr;  // the callbacks hiredis runs while freeing must not touch the instance
  redisAsyncFree(c);
}

bool sendPing(Instance* ri) {
  if (!sendArgv(ri, ri->link->cc, pingReplyCallback, {mapCommand(ri, "PING")})) return false;
  ri->link->last_ping_time = mstime();
  // act_ping_time is the oldest unanswered PING: only set when none is outstanding.
  if (ri->link->act_ping_time == 0) ri->link->act_ping_time = ri->link->last_ping_time;
  return true;
}

// Publishes our hello (who we are, and what we think the master's address and epoch are) on
// the instance's hello channel — or straight to a sentinel, which accepts PUBLISH for it.
bool sendHello(Instance* ri) {
  if (ri->link->disconnected || !ri->link->cc) return false;
  Instance* master = ri->isMaster() ? ri : ri->master;
  const Addr& master_addr = currentMasterAddress(master);
  std::string announce_ip = S().announce_ip;
  if (announce_ip.empty()) {
    struct sockaddr_storage sa;
    socklen_t len = sizeof(sa);
    if (getsockname(ri->link->cc->c.fd, reinterpret_cast<sockaddr*>(&sa), &len) == -1) return false;
    char buf[INET6_ADDRSTRLEN];
    if (sa.ss_family == AF_INET)
      inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&sa)->sin_addr, buf, sizeof(buf));
    else
      inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(&sa)->sin6_addr, buf, sizeof(buf));
    announce_ip = buf;
  }
  Hello h;
  h.ip = announce_ip;
  h.port = S().announce_port ? S().announce_port : S().port;
  h.runid = S().myid;
  h.current_epoch = S().current_epoch;
  h.master_name = master->name;
  h.master_ip = announceAddr(master_addr);
  h.master_port = master_addr.port;
  h.master_config_epoch = master->config_epoch;
  return sendArgv(ri, ri->link->cc, publishReplyCallback,
                  {mapCommand(ri, "PUBLISH"), kHelloChannel, formatHello(h)});
}

int removeMatchingSentinelFromMaster(Instance* master, const std::string& runid) {
  int removed = 0;
  for (auto it = master->sentinels.begin(); it != master->sentinels.end();) {
    if (it->second->runid == runid) {
      releaseInstance(std::move(it->second));
      it = master->sentinels.erase(it);
      removed++;
    } else {
      ++it;
    }
  }
  return removed;
}

// The same sentinel (same run id) watches other masters too: give them its new address.
void updateSentinelAddressInAllMasters(Instance* ri) {
  int reconfigured = 0;
  for (auto& [name, master] : S().masters) {
    for (auto& [k, s] : master->sentinels) {
      if (s.get() == ri || s->runid != ri->runid) continue;
      if (s->addr.ip == ri->addr.ip && s->addr.port == ri->addr.port) continue;
      s->addr = ri->addr;
      closeLinks(s.get());
      reconfigured++;
    }
  }
  if (reconfigured)
    sentinelEvent(LL_NOTICE, "+sentinel-address-update", ri,
                  " " + std::to_string(reconfigured) + " additional matching instances");
}

}  // namespace

// ---- Link management ----------------------------------------------------------------------

void closeCommandLink(Instance* ri) {
  Link* link = ri->link.get();
  if (!link->cc) return;
  redisAsyncContext* c = link->cc;
  link->cc = nullptr;
  link->pending_commands = 0;
  link->disconnected = true;
  freeContext(c);
}

void closePubsubLink(Instance* ri) {
  Link* link = ri->link.get();
  if (!link->pc) return;
  redisAsyncContext* c = link->pc;
  link->pc = nullptr;
  link->disconnected = true;
  freeContext(c);
}

void closeLinks(Instance* ri) {
  closeCommandLink(ri);
  closePubsubLink(ri);
}

// sentinelReconnectInstance: (re)opens the missing links at most once per ping period.
void reconnectInstance(Instance* ri) {
  Link* link = ri->link.get();
  if (!link->disconnected) return;
  if (ri->addr.port == 0) return;  // port 0 means "address known to be invalid"
  long long now = mstime();
  if (now - link->last_reconn_time < S().timers.ping_period) return;
  link->last_reconn_time = now;

  if (!link->cc) {
    link->pending_commands = 0;
    link->cc = openContext(ri);
    if (link->cc) {
      link->cc_conn_time = mstime();
      sendAuthIfNeeded(ri, link->cc);
      setClientName(ri, link->cc, "cmd");
      sendPing(ri);
    }
  }
  if ((ri->isMaster() || ri->isSlave()) && !link->pc) {
    link->pc = openContext(ri);
    if (link->pc) {
      link->pc_conn_time = mstime();
      link->pc_last_activity = mstime();
      sendAuthIfNeeded(ri, link->pc);
      setClientName(ri, link->pc, "pubsub");
      if (!sendArgv(ri, link->pc, receiveHelloMessages, {mapCommand(ri, "SUBSCRIBE"), kHelloChannel})) {
        closePubsubLink(ri);
        return;
      }
      // The subscription's replies are not counted as pending commands.
      link->pending_commands--;
    }
  }
  if (link->cc && (ri->isSentinel() || link->pc)) link->disconnected = false;
}

// sentinelSendPeriodicCommands: INFO every info period (every second for the replicas of a
// master in trouble), PING when the last answer is older than the ping period, hello every
// publish period.
void sendPeriodicCommands(Instance* ri) {
  Link* link = ri->link.get();
  if (link->disconnected) return;
  if (link->pending_commands >= kMaxPendingCommands) return;
  long long now = mstime();
  const Timers& t = S().timers;
  long long info_period = t.info_period;
  // Replicas of a master in trouble, or cut from their master, are polled every second.
  if (ri->isSlave() &&
      ((ri->master->flags & (SRI_O_DOWN | SRI_FAILOVER_IN_PROGRESS)) || ri->master_link_down_time != 0))
    info_period = 1000;
  long long ping_period = ri->down_after_period;
  if (ping_period > t.ping_period) ping_period = t.ping_period;

  if (!ri->isSentinel() && (ri->info_refresh == 0 || now - ri->info_refresh > info_period))
    sendArgv(ri, link->cc, infoReplyCallback, {mapCommand(ri, "INFO")});
  if (now - link->last_pong_time > ping_period && now - link->last_ping_time > ping_period / 2)
    sendPing(ri);
  if (now - ri->last_pub_time > t.publish_period) sendHello(ri);
}

// Promotes (addr == nullptr: SLAVEOF NO ONE) or re-points an instance, in one transaction
// that also rewrites its config and disconnects its clients, so they reconnect and ask
// Sentinel for the new topology.
bool sendSlaveOf(Instance* ri, const Addr* addr) {
  std::string host = "NO", port = "ONE";
  if (addr) {
    host = announceAddr(*addr);
    port = std::to_string(addr->port);
  }
  redisAsyncContext* cc = ri->link->cc;
  if (!sendArgv(ri, cc, discardReplyCallback, {mapCommand(ri, "MULTI")})) return false;
  if (!sendArgv(ri, cc, discardReplyCallback, {mapCommand(ri, "SLAVEOF"), host, port})) return false;
  sendArgv(ri, cc, discardReplyCallback, {mapCommand(ri, "CONFIG"), "REWRITE"});
  sendArgv(ri, cc, discardReplyCallback, {mapCommand(ri, "CLIENT"), "KILL", "TYPE", "normal"});
  sendArgv(ri, cc, discardReplyCallback, {mapCommand(ri, "CLIENT"), "KILL", "TYPE", "pubsub"});
  sendArgv(ri, cc, discardReplyCallback, {mapCommand(ri, "EXEC")});
  return true;
}

void forceHelloUpdateForMaster(Instance* master) {
  long long step = S().timers.publish_period + 1;
  auto force = [step](Instance* ri) {
    if (ri->last_pub_time >= step) ri->last_pub_time -= step;
  };
  for (auto& [k, s] : master->sentinels) force(s.get());
  for (auto& [k, s] : master->slaves) force(s.get());
  force(master);
}

// sentinelAskMasterStateToOtherSentinels: while the master is SDOWN, ask every sentinel
// whether it agrees (and, once we run a failover, for its vote) every ask period; forget
// answers older than five ask periods.
void askMasterStateToOtherSentinels(Instance* master, bool forced) {
  long long now = mstime();
  for (auto& [k, sp] : master->sentinels) {
    Instance* ri = sp.get();
    long long elapsed = now - ri->last_master_down_reply_time;
    if (elapsed > S().timers.ask_period * 5) {
      ri->flags &= ~SRI_MASTER_DOWN;
      ri->leader.clear();
    }
    if (!(master->flags & SRI_S_DOWN)) continue;
    if (ri->link->disconnected) continue;
    if (!forced && now - ri->last_master_down_reply_time < S().timers.ask_period) continue;
    std::string runid = master->failover_state > FailoverState::None ? S().myid : "*";
    sendArgv(ri, ri->link->cc, isMasterDownReplyCallback,
             {mapCommand(ri, "SENTINEL"), "is-master-down-by-addr", announceAddr(master->addr),
              std::to_string(master->addr.port), std::to_string(S().current_epoch), runid});
  }
}

// sentinelProcessHelloMessage: learn a sentinel (or its new address), a newer current epoch,
// and a newer configuration of the master (a failover done by someone else).
void processHelloMessage(std::string_view payload) {
  Hello h;
  if (!parseHello(payload, &h)) return;
  Instance* master = masterByName(h.master_name);
  if (!master) return;
  Instance* si = instanceByAddrAndRunid(master->sentinels, h.ip, h.port, h.runid);
  if (!si) {
    int removed = removeMatchingSentinelFromMaster(master, h.runid);
    if (removed) {
      sentinelEvent(LL_NOTICE, "+sentinel-address-switch", master,
                    " ip " + h.ip + " port " + std::to_string(h.port) + " for " + h.runid);
    } else {
      Instance* other = instanceByAddrAndRunid(master->sentinels, h.ip, h.port, "");
      if (other) {
        // Another run id at this address: a restarted sentinel with a new id. The old
        // one is forgotten everywhere.
        sentinelEvent(LL_NOTICE, "+sentinel-invalid-addr", other, "");
        std::string obsolete = other->runid;
        for (auto& [name, m] : S().masters) removeMatchingSentinelFromMaster(m.get(), obsolete);
      }
    }
    std::string err;
    si = createInstance(h.runid, SRI_SENTINEL, h.ip, h.port, master->quorum, master, &err);
    if (si) {
      if (!removed) sentinelEvent(LL_NOTICE, "+sentinel", si, "");
      si->runid = h.runid;
      if (removed) updateSentinelAddressInAllMasters(si);
      flushConfig();
    }
  }
  if (h.current_epoch > S().current_epoch) {
    S().current_epoch = h.current_epoch;
    flushConfig();
    sentinelEvent(LL_WARNING, "+new-epoch", master, std::to_string(S().current_epoch), false);
  }
  if (si && master->config_epoch < h.master_config_epoch) {
    master->config_epoch = h.master_config_epoch;
    if (h.master_port != master->addr.port || !addrEqualsHostname(master->addr, h.master_ip)) {
      sentinelEvent(LL_WARNING, "+config-update-from", si, "");
      sentinelEvent(LL_WARNING, "+switch-master", master,
                    master->name + " " + announceAddr(master->addr) + " " +
                        std::to_string(master->addr.port) + " " + h.master_ip + " " +
                        std::to_string(h.master_port),
                    false);
      Addr old_addr = master->addr;
      resetMasterAndChangeAddress(master, h.master_ip, h.master_port);
      callClientReconfScript(master, "observer", "start", old_addr, master->addr);
    }
  }
  if (si) si->last_hello_time = mstime();
}

}  // namespace osprey::sentinel
