// sentinel/instance.cpp — monitored instances: creation, lookup, addresses, reset and
// address switch of a master, the flags string of SENTINEL MASTER, and sentinelEvent (every
// event is logged, published on our Pub/Sub under its own name, and warning-level ones are
// handed to the master's notification script).
#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <cstring>

#include "common/log.h"
#include "common/util.h"
#include "sentinel/sentinel.h"

namespace osprey::sentinel {

SentinelState& S() {
  static SentinelState state;
  return state;
}

const char* failoverStateName(FailoverState s) {
  switch (s) {
    case FailoverState::None: return "none";
    case FailoverState::WaitStart: return "wait_start";
    case FailoverState::SelectSlave: return "select_slave";
    case FailoverState::SendSlaveofNoone: return "send_slaveof_noone";
    case FailoverState::WaitPromotion: return "wait_promotion";
    case FailoverState::ReconfSlaves: return "reconf_slaves";
    case FailoverState::UpdateConfig: return "update_config";
  }
  return "unknown";
}

// ---- Addresses ---------------------------------------------------------------------------

// As Redis's createSentinelAddr: the port must be 0..65535; the host must be an IP address
// unless resolve-hostnames is on. With accept_unresolved a name that does not resolve is
// kept (its ip left empty) — used while loading known instances from the config.
bool resolveAddr(const std::string& host, Addr* out, bool accept_unresolved) {
  out->hostname = host;
  out->ip.clear();
  struct addrinfo hints {};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  if (!S().resolve_hostnames) hints.ai_flags = AI_NUMERICHOST;
  struct addrinfo* res = nullptr;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &res) != 0 || !res) {
    if (accept_unresolved) {
      out->ip = host;
      return true;
    }
    return false;
  }
  char buf[INET6_ADDRSTRLEN];
  if (res->ai_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(res->ai_addr)->sin_addr, buf, sizeof(buf));
  } else {
    inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(res->ai_addr)->sin6_addr, buf, sizeof(buf));
  }
  freeaddrinfo(res);
  out->ip = buf;
  return true;
}

bool addrEqualsHostname(const Addr& a, const std::string& hostname) {
  if (S().resolve_hostnames) {
    Addr other;
    if (!resolveAddr(hostname, &other, false)) return false;
    return equalsIgnoreCase(a.ip, other.ip);
  }
  return equalsIgnoreCase(a.hostname, hostname);
}

std::string announceAddr(const Addr& a) {
  return S().announce_hostnames ? a.hostname : a.ip;
}

std::string formatAddrPort(const std::string& ip, int port) {
  if (ip.find(':') != std::string::npos) return "[" + ip + "]:" + std::to_string(port);
  return ip + ":" + std::to_string(port);
}

const char* instanceTypeStr(const Instance* ri) {
  if (ri->flags & SRI_MASTER) return "master";
  if (ri->flags & SRI_SLAVE) return "slave";
  if (ri->flags & SRI_SENTINEL) return "sentinel";
  return "unknown";
}

// ---- Instances ---------------------------------------------------------------------------

Instance* createInstance(const std::string& name, uint32_t flags, const std::string& host, int port,
                         unsigned quorum, Instance* master, std::string* err) {
  Addr addr;
  if (port < 0 || port > 65535) {
    *err = "Invalid port number.";
    return nullptr;
  }
  if (!resolveAddr(host, &addr, false)) {
    *err = "Can't resolve instance hostname.";
    return nullptr;
  }
  addr.port = port;
  std::string key = name;
  if (flags & SRI_SLAVE) key = formatAddrPort(host, port);
  auto& table = (flags & SRI_MASTER) ? S().masters
                : (flags & SRI_SLAVE) ? master->slaves
                                      : master->sentinels;
  if (table.count(key)) {
    *err = "Duplicate master name.";
    return nullptr;
  }
  auto ri = std::make_unique<Instance>();
  long long now = mstime();
  ri->flags = flags;
  ri->name = key;
  ri->addr = addr;
  ri->link = std::make_unique<Link>();
  ri->link->last_avail_time = now;
  ri->link->act_ping_time = now;
  ri->link->last_pong_time = now;
  ri->down_after_period = master ? master->down_after_period : S().timers.default_down_after;
  ri->master_reboot_down_after_period = 0;
  ri->quorum = quorum;
  ri->failover_timeout = S().timers.default_failover_timeout;
  ri->role_reported = flags & (SRI_MASTER | SRI_SLAVE);
  ri->role_reported_time = now;
  ri->slave_conf_change_time = now;
  ri->master = master;
  if (master) ri->busy_down_after_period = master->busy_down_after_period;
  Instance* raw = ri.get();
  table.emplace(key, std::move(ri));
  return raw;
}

// Closes the instance's links and keeps its memory until the next timer tick: the callback
// that decided to drop it may still be running above us on the stack.
void releaseInstance(std::unique_ptr<Instance> ri) {
  if (!ri) return;
  closeLinks(ri.get());
  for (auto& [k, s] : ri->slaves) releaseInstance(std::move(s));
  for (auto& [k, s] : ri->sentinels) releaseInstance(std::move(s));
  ri->slaves.clear();
  ri->sentinels.clear();
  S().graveyard.push_back(std::move(ri));
}

Instance* masterByName(std::string_view name) {
  auto it = S().masters.find(std::string(name));
  return it == S().masters.end() ? nullptr : it->second.get();
}

Instance* lookupSlave(Instance* master, const std::string& ip, int port) {
  Addr a;
  if (!resolveAddr(ip, &a, false)) return nullptr;
  auto it = master->slaves.find(formatAddrPort(ip, port));
  return it == master->slaves.end() ? nullptr : it->second.get();
}

Instance* instanceByAddrAndRunid(std::map<std::string, std::unique_ptr<Instance>>& table,
                                 const std::string& ip, int port, const std::string& runid) {
  Addr want;
  bool have_addr = !ip.empty();
  if (have_addr && !resolveAddr(ip, &want, true)) return nullptr;
  for (auto& [k, ri] : table) {
    if (!runid.empty() && ri->runid != runid) continue;
    if (have_addr && (ri->addr.port != port || ri->addr.ip != want.ip)) continue;
    return ri.get();
  }
  return nullptr;
}

const std::string& mapCommand(const Instance* ri, const std::string& cmd) {
  const Instance* m = ri->isMaster() ? ri : ri->master;
  if (m) {
    auto it = m->renamed_commands.find(toLower(cmd));
    if (it != m->renamed_commands.end()) return it->second;
  }
  return cmd;
}

// The address our hellos and the config advertise for a master: the promoted replica's once
// the failover has reached reconf-slaves.
const Addr& currentMasterAddress(Instance* master) {
  if ((master->flags & SRI_FAILOVER_IN_PROGRESS) && master->promoted_slave &&
      master->failover_state >= FailoverState::ReconfSlaves)
    return master->promoted_slave->addr;
  return master->addr;
}

std::string instanceFlagsString(const Instance* ri) {
  std::string f;
  auto add = [&](bool cond, const char* s) {
    if (cond) {
      f += s;
      f += ',';
    }
  };
  add(ri->flags & SRI_S_DOWN, "s_down");
  add(ri->flags & SRI_O_DOWN, "o_down");
  add(ri->flags & SRI_MASTER, "master");
  add(ri->flags & SRI_SLAVE, "slave");
  add(ri->flags & SRI_SENTINEL, "sentinel");
  add(ri->link->disconnected, "disconnected");
  add(ri->flags & SRI_MASTER_DOWN, "master_down");
  add(ri->flags & SRI_FAILOVER_IN_PROGRESS, "failover_in_progress");
  add(ri->flags & SRI_PROMOTED, "promoted");
  add(ri->flags & SRI_RECONF_SENT, "reconf_sent");
  add(ri->flags & SRI_RECONF_INPROG, "reconf_inprog");
  add(ri->flags & SRI_RECONF_DONE, "reconf_done");
  add(ri->flags & SRI_FORCE_FAILOVER, "force_failover");
  add(ri->flags & SRI_SCRIPT_KILL_SENT, "script_kill_sent");
  add(ri->flags & SRI_BUSY, "busy");
  if (!f.empty()) f.pop_back();
  return f;
}

// ---- Events ------------------------------------------------------------------------------

void sentinelEvent(int level, const char* type, Instance* ri, const std::string& rest, bool at_prefix) {
  std::string msg;
  if (ri && at_prefix) {
    Instance* master = ri->isMaster() ? nullptr : ri->master;
    msg = std::string(instanceTypeStr(ri)) + " " + ri->name + " " + announceAddr(ri->addr) + " " +
          std::to_string(ri->addr.port);
    if (master)
      msg += " @ " + master->name + " " + announceAddr(master->addr) + " " +
             std::to_string(master->addr.port);
  }
  msg += rest;
  serverLog(static_cast<LogLevel>(level), "{} {}", type, msg);
  if (level != LL_DEBUG) publishMessage(type, msg);
  if (level == LL_WARNING && ri) {
    Instance* master = ri->isMaster() ? ri : ri->master;
    if (master && !master->notification_script.empty())
      scheduleScript(master->notification_script, {type, msg});
  }
}

// ---- Reset -------------------------------------------------------------------------------

// Forgets what was learned about a master (replicas, optionally sentinels, flags, failover
// state) and reconnects to it; SENTINEL RESET and the address switch after a failover.
void resetMaster(Instance* ri, int flags) {
  for (auto& [k, s] : ri->slaves) releaseInstance(std::move(s));
  ri->slaves.clear();
  if (!(flags & RESET_NO_SENTINELS)) {
    for (auto& [k, s] : ri->sentinels) releaseInstance(std::move(s));
    ri->sentinels.clear();
  }
  closeLinks(ri);
  ri->flags &= SRI_MASTER;
  ri->leader.clear();
  ri->failover_state = FailoverState::None;
  ri->failover_state_change_time = 0;
  ri->failover_start_time = 0;
  ri->promoted_slave = nullptr;
  ri->runid.clear();
  ri->slave_master_host.clear();
  long long now = mstime();
  ri->link->act_ping_time = now;
  ri->link->last_ping_time = 0;
  ri->link->last_avail_time = now;
  ri->link->last_pong_time = now;
  ri->role_reported_time = now;
  ri->role_reported = SRI_MASTER;
  ri->busy_since_time = 0;
  if (flags & RESET_GENERATE_EVENT) sentinelEvent(LL_WARNING, "+reset-master", ri, "");
}

int resetMastersByPattern(const std::string& pattern, int flags) {
  int reset = 0;
  for (auto& [name, ri] : S().masters) {
    if (stringmatch(pattern, name)) {
      resetMaster(ri.get(), flags);
      reset++;
    }
  }
  return reset;
}

// After a failover (ours or learned from a hello): the master is now at host:port. The
// replicas we knew, and the old master, become the new master's replicas.
void resetMasterAndChangeAddress(Instance* master, const std::string& host, int port) {
  Addr newaddr;
  if (!resolveAddr(host, &newaddr, false)) return;
  newaddr.port = port;
  std::vector<std::pair<std::string, int>> slaves;
  for (auto& [k, s] : master->slaves) {
    if (addrEqualsHostname(s->addr, host) && s->addr.port == port) continue;
    slaves.emplace_back(s->addr.hostname, s->addr.port);
  }
  if (!addrEqualsHostname(newaddr, master->addr.hostname) || master->addr.port != newaddr.port)
    slaves.emplace_back(master->addr.hostname, master->addr.port);
  resetMaster(master, RESET_NO_SENTINELS);
  master->addr = newaddr;
  master->o_down_since_time = 0;
  master->s_down_since_time = 0;
  for (auto& [h, p] : slaves) {
    std::string err;
    Instance* slave = createInstance("", SRI_SLAVE, h, p, master->quorum, master, &err);
    if (slave) sentinelEvent(LL_NOTICE, "+slave", slave, "");
  }
  flushConfig();
}

}  // namespace osprey::sentinel
