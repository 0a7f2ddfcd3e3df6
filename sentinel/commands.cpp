// sentinel/commands.cpp — the commands osprey-sentinel answers, as Redis 7.0.15 in sentinel
// mode: one row per command (and per SENTINEL / CLIENT / COMMAND subcommand) in the tables at
// the bottom; processCommand runs Redis's checks in Redis's order (lookup, arity, NOAUTH,
// Pub/Sub context) so handlers never re-check. Everything else is Redis's unknown command.
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <functional>

#include "common/config.h"
#include "common/log.h"
#include "common/util.h"
#include "sentinel/acl.h"
#include "sentinel/command_docs.h"
#include "sentinel/net.h"
#include "sentinel/sentinel.h"

namespace osprey::sentinel {

namespace err {
constexpr const char* kNoSuchMaster = "ERR No such master with that name";
constexpr const char* kNotInteger = "ERR value is not an integer or out of range";
constexpr const char* kSyntax = "ERR syntax error";
constexpr const char* kNoAuth = "NOAUTH Authentication required.";
constexpr const char* kWrongPass = "WRONGPASS invalid username-password pair or user is disabled.";
constexpr const char* kAuthNoPassword =
    "ERR AUTH <password> called without any password configured for the default user. Are you sure your "
    "configuration is correct?";
constexpr const char* kOnlyHello = "ERR Only HELLO messages are accepted by Sentinel instances.";
constexpr const char* kConfigOnlyGetSet = "ERR Only SENTINEL CONFIG GET <option> / SET <option> <value> are supported.";
constexpr const char* kSaveFailed = "ERR Failed to save config file. Check server logs.";
constexpr const char* kScriptsDenied =
    "ERR Reconfiguration of scripts path is denied for security reasons. Check the deny-scripts-reconfig "
    "configuration directive in your Sentinel configuration";
}  // namespace err

struct CommandRow;
using Handler = void (*)(Client*);

struct CommandRow {
  const char* name;
  int arity;
  Handler handler;
  const char* flags;       // space separated, as COMMAND INFO shows them
  const char* categories;  // space separated
  const char* tips;        // space separated
  std::vector<CommandRow> subcommands;
  bool no_auth() const { return std::strstr(flags, "no_auth") != nullptr; }
};

const std::vector<CommandRow>& commandTable();

namespace {

std::vector<std::string> words(const char* s) {
  std::vector<std::string> out;
  std::string cur;
  for (const char* p = s; *p; p++) {
    if (*p == ' ') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += *p;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

bool getLongLong(Client* c, const std::string& s, long long* out, const char* msg = nullptr) {
  if (string2ll(s, out)) return true;
  c->r().error(msg ? std::string("ERR ") + msg : err::kNotInteger);
  return false;
}

// sentinelFlushConfigAndReply: +OK, or Redis's error when the rewrite failed.
void flushConfigAndReply(Client* c) {
  if (flushConfig()) c->r().ok();
  else c->r().error(err::kSaveFailed);
}

Instance* masterOrReply(Client* c, const std::string& name) {
  Instance* ri = masterByName(name);
  if (!ri) c->r().error(err::kNoSuchMaster);
  return ri;
}

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), ::toupper);
  return s;
}

void replyHelp(Client* c, const std::string& cmd, const std::vector<const char*>& lines) {
  c->r().arrayLen(lines.size() + 3);
  c->r().status(upper(cmd) + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  for (const char* l : lines) c->r().status(l);
  c->r().status("HELP");
  c->r().status("    Prints this help.");
}

// ==== Instance replies ====================================================================

void replyInstance(Client* c, Instance* ri) {
  ReplyBuilder& r = c->r();
  long long now = mstime();
  Deferred d = r.deferLen();
  size_t fields = 0;
  auto kv = [&](const char* k, const std::string& v) {
    r.bulk(k);
    r.bulk(v);
    fields++;
  };
  auto kvi = [&](const char* k, long long v) { kv(k, std::to_string(v)); };
  kv("name", ri->name);
  kv("ip", announceAddr(ri->addr));
  kvi("port", ri->addr.port);
  kv("runid", ri->runid);
  kv("flags", instanceFlagsString(ri));
  kvi("link-pending-commands", ri->link->pending_commands);
  kvi("link-refcount", 1);
  if (ri->flags & SRI_FAILOVER_IN_PROGRESS) kv("failover-state", failoverStateName(ri->failover_state));
  kvi("last-ping-sent", ri->link->act_ping_time ? now - ri->link->act_ping_time : 0);
  kvi("last-ok-ping-reply", now - ri->link->last_avail_time);
  kvi("last-ping-reply", now - ri->link->last_pong_time);
  if (ri->flags & SRI_S_DOWN) kvi("s-down-time", now - ri->s_down_since_time);
  if (ri->flags & SRI_O_DOWN) kvi("o-down-time", now - ri->o_down_since_time);
  kvi("down-after-milliseconds", ri->down_after_period);
  if (ri->flags & (SRI_MASTER | SRI_SLAVE)) {
    kvi("info-refresh", ri->info_refresh ? now - ri->info_refresh : 0);
    kv("role-reported", ri->role_reported == SRI_MASTER ? "master" : "slave");
    kvi("role-reported-time", now - ri->role_reported_time);
  }
  if (ri->isMaster()) {
    kvi("config-epoch", static_cast<long long>(ri->config_epoch));
    kvi("num-slaves", static_cast<long long>(ri->slaves.size()));
    kvi("num-other-sentinels", static_cast<long long>(ri->sentinels.size()));
    kvi("quorum", ri->quorum);
    kvi("failover-timeout", ri->failover_timeout);
    kvi("parallel-syncs", ri->parallel_syncs);
    if (!ri->notification_script.empty()) kv("notification-script", ri->notification_script);
    if (!ri->client_reconfig_script.empty()) kv("client-reconfig-script", ri->client_reconfig_script);
    if (ri->busy_down_after_period) kvi("busy-down-after-milliseconds", ri->busy_down_after_period);
  }
  if (ri->isSlave()) {
    kvi("master-link-down-time", ri->master_link_down_time);
    kv("master-link-status", ri->slave_master_link_status == MasterLinkStatus::Up ? "ok" : "err");
    kv("master-host", ri->slave_master_host.empty() ? "?" : ri->slave_master_host);
    kvi("master-port", ri->slave_master_port);
    kvi("slave-priority", ri->slave_priority);
    kvi("slave-repl-offset", static_cast<long long>(ri->slave_repl_offset));
    kvi("replica-announced", ri->replica_announced);
  }
  if (ri->isSentinel()) {
    kvi("last-hello-message", now - ri->last_hello_time);
    kv("voted-leader", ri->leader.empty() ? "?" : ri->leader);
    kvi("voted-leader-epoch", static_cast<long long>(ri->leader_epoch));
  }
  r.setDeferredMapLen(d, fields);
}

void replyInstances(Client* c, std::map<std::string, std::unique_ptr<Instance>>& table) {
  Deferred d = c->r().deferLen();
  size_t n = 0;
  for (auto& [k, ri] : table) {
    if (ri->isSlave() && !ri->replica_announced) continue;  // replica-announced no
    replyInstance(c, ri.get());
    n++;
  }
  c->r().setDeferredArrayLen(d, n);
}

// ==== SENTINEL subcommands ================================================================

void sentinelMasters(Client* c) { replyInstances(c, S().masters); }

void sentinelMaster(Client* c) {
  if (Instance* ri = masterOrReply(c, c->argv[2])) replyInstance(c, ri);
}

void sentinelReplicas(Client* c) {
  if (Instance* ri = masterOrReply(c, c->argv[2])) replyInstances(c, ri->slaves);
}

void sentinelSentinels(Client* c) {
  if (Instance* ri = masterOrReply(c, c->argv[2])) replyInstances(c, ri->sentinels);
}

void sentinelMyid(Client* c) { c->r().bulk(S().myid); }

void sentinelIsMasterDownByAddr(Client* c) {
  long long port, req_epoch;
  if (!getLongLong(c, c->argv[3], &port) || !getLongLong(c, c->argv[4], &req_epoch)) return;
  Instance* ri = nullptr;
  for (auto& [k, m] : S().masters) {
    Addr a;
    if (!resolveAddr(c->argv[2], &a, true)) continue;
    if (m->addr.port == port && m->addr.ip == a.ip) {
      ri = m.get();
      break;
    }
  }
  // In TILT we always answer "not down".
  bool isdown = !S().tilt && ri && (ri->flags & SRI_S_DOWN) && ri->isMaster();
  std::string leader;
  uint64_t leader_epoch = 0;
  if (ri && ri->isMaster() && c->argv[5] != "*")
    leader = voteLeader(ri, static_cast<uint64_t>(req_epoch), c->argv[5], &leader_epoch);
  c->r().arrayLen(3);
  c->r().integer(isdown ? 1 : 0);
  c->r().bulk(leader.empty() ? "*" : leader);
  c->r().integer(static_cast<long long>(leader_epoch));
}

void sentinelReset(Client* c) { c->r().integer(resetMastersByPattern(c->argv[2], RESET_GENERATE_EVENT)); }

void sentinelGetMasterAddrByName(Client* c) {
  Instance* ri = masterByName(c->argv[2]);
  if (!ri) {
    c->r().nullArray();
    return;
  }
  const Addr& a = currentMasterAddress(ri);
  c->r().arrayLen(2);
  c->r().bulk(announceAddr(a));
  c->r().bulk(std::to_string(a.port));
}

void sentinelFailover(Client* c) {
  Instance* ri = masterOrReply(c, c->argv[2]);
  if (!ri) return;
  if (ri->flags & SRI_FAILOVER_IN_PROGRESS) {
    c->r().error("INPROG Failover already in progress");
    return;
  }
  if (!selectSlave(ri)) {
    c->r().error("NOGOODSLAVE No suitable replica to promote");
    return;
  }
  serverLog(LogLevel::Warning, "Executing user requested FAILOVER of '{}'", ri->name);
  startFailover(ri);
  ri->flags |= SRI_FORCE_FAILOVER;
  c->r().ok();
}

void sentinelPendingScripts(Client* c) {
  auto jobs = pendingScripts();
  c->r().arrayLen(jobs.size());
  for (auto& j : jobs) {
    c->r().mapLen(5);
    c->r().bulk("argv");
    c->r().arrayLen(j.argv.size());
    for (auto& a : j.argv) c->r().bulk(a);
    c->r().bulk("flags");
    c->r().bulk(j.running ? "running" : "scheduled");
    c->r().bulk("pid");
    c->r().bulk(std::to_string(j.pid));
    c->r().bulk(j.running ? "run-time" : "run-delay");
    c->r().bulk(std::to_string(j.run_time));
    c->r().bulk("retry-num");
    c->r().bulk(std::to_string(j.retry_num));
  }
}

void sentinelMonitor(Client* c) {
  long long port, quorum;
  if (!getLongLong(c, c->argv[4], &port, "Invalid port")) return;
  if (!getLongLong(c, c->argv[5], &quorum, "Invalid quorum")) return;
  if (quorum <= 0) {
    c->r().error("ERR Quorum must be 1 or greater.");
    return;
  }
  Addr probe;
  if (!resolveAddr(c->argv[3], &probe, false)) {
    c->r().error("ERR Invalid IP address or hostname specified");
    return;
  }
  if (port < 0 || port > 65535) {
    c->r().error("ERR Invalid port number.");
    return;
  }
  std::string e;
  Instance* ri = createInstance(c->argv[2], SRI_MASTER, c->argv[3], static_cast<int>(port),
                                static_cast<unsigned>(quorum), nullptr, &e);
  if (!ri) {
    c->r().error("ERR " + e);
    return;
  }
  bool saved = flushConfig();
  sentinelEvent(LL_WARNING, "+monitor", ri, " quorum " + std::to_string(ri->quorum));
  if (saved) c->r().ok();
  else c->r().error(err::kSaveFailed);
}

void sentinelFlushconfig(Client* c) { flushConfigAndReply(c); }

void sentinelRemove(Client* c) {
  Instance* ri = masterOrReply(c, c->argv[2]);
  if (!ri) return;
  sentinelEvent(LL_WARNING, "-monitor", ri, "");
  auto it = S().masters.find(ri->name);
  releaseInstance(std::move(it->second));
  S().masters.erase(it);
  flushConfigAndReply(c);
}

void sentinelCkquorum(Client* c) {
  Instance* ri = masterOrReply(c, c->argv[2]);
  if (!ri) return;
  int usable;
  int result = isQuorumReachable(ri, &usable);
  if (result == QUORUM_OK) {
    c->r().status("OK " + std::to_string(usable) + " usable Sentinels. Quorum and failover authorization can be reached");
    return;
  }
  std::string e = "NOQUORUM " + std::to_string(usable) + " usable Sentinels. ";
  if (result & QUORUM_NOQUORUM) e += "Not enough available Sentinels to reach the specified quorum for this master";
  if (result & QUORUM_NOAUTH) {
    if (result & QUORUM_NOQUORUM) e += ". ";
    e += "Not enough available Sentinels to reach the majority and authorize a failover";
  }
  c->r().error(e);
}

void propagateDownAfter(Instance* ri) {
  for (auto& [k, s] : ri->slaves) s->down_after_period = ri->down_after_period;
  for (auto& [k, s] : ri->sentinels) s->down_after_period = ri->down_after_period;
}

void sentinelSet(Client* c) {
  Instance* ri = masterOrReply(c, c->argv[2]);
  if (!ri) return;
  auto& a = c->argv;
  int changes = 0;
  size_t badarg = 0;
  std::string option;
  size_t j;
  for (j = 3; j < a.size(); j++) {
    size_t moreargs = a.size() - 1 - j;
    option = a[j];
    size_t old_j = j;
    bool redacted = false;
    long long ll;
    std::string o = toLower(option);
    if (o == "down-after-milliseconds" && moreargs > 0) {
      if (!string2ll(a[++j], &ll) || ll <= 0) { badarg = j; break; }
      ri->down_after_period = ll;
      propagateDownAfter(ri);
    } else if (o == "busy-down-after-milliseconds" && moreargs > 0) {
      if (!string2ll(a[++j], &ll) || ll < 0) { badarg = j; break; }
      ri->busy_down_after_period = ll;
      for (auto& [k, s] : ri->slaves) s->busy_down_after_period = ll;
    } else if (o == "failover-timeout" && moreargs > 0) {
      if (!string2ll(a[++j], &ll) || ll <= 0) { badarg = j; break; }
      ri->failover_timeout = ll;
    } else if (o == "parallel-syncs" && moreargs > 0) {
      if (!string2ll(a[++j], &ll) || ll <= 0) { badarg = j; break; }
      ri->parallel_syncs = static_cast<int>(ll);
    } else if ((o == "notification-script" || o == "client-reconfig-script") && moreargs > 0) {
      const std::string& value = a[++j];
      if (S().deny_scripts_reconfig) {
        c->r().error(err::kScriptsDenied);
        return;
      }
      if (!value.empty() && !scriptPathUsable(value)) {
        c->r().error(o == "notification-script" ? "ERR Notification script seems non existing or non executable"
                                                : "ERR Client reconfiguration script seems non existing or non executable");
        if (changes) flushConfig();
        return;
      }
      (o == "notification-script" ? ri->notification_script : ri->client_reconfig_script) = value;
    } else if (o == "auth-pass" && moreargs > 0) {
      ri->auth_pass = a[++j];
      redacted = true;
    } else if (o == "auth-user" && moreargs > 0) {
      ri->auth_user = a[++j];
    } else if (o == "quorum" && moreargs > 0) {
      if (!string2ll(a[++j], &ll) || ll <= 0) { badarg = j; break; }
      ri->quorum = static_cast<unsigned>(ll);
    } else if (o == "rename-command" && moreargs > 1) {
      std::string oldname = a[++j], newname = a[++j];
      if (oldname.empty() || newname.empty()) { badarg = oldname.empty() ? j - 1 : j; break; }
      ri->renamed_commands.erase(toLower(oldname));
      if (!equalsIgnoreCase(oldname, newname)) ri->renamed_commands[toLower(oldname)] = newname;
    } else if (o == "master-reboot-down-after-period" && moreargs > 0) {
      if (!string2ll(a[++j], &ll) || ll < 0) { badarg = j; break; }
      ri->master_reboot_down_after_period = ll;
    } else {
      c->r().error("ERR Unknown option or number of arguments for SENTINEL SET '" + option + "'");
      if (changes) flushConfig();
      return;
    }
    changes++;
    size_t numargs = j - old_j + 1;
    if (numargs == 2)
      sentinelEvent(LL_WARNING, "+set", ri, " " + a[old_j] + " " + (redacted ? "******" : a[old_j + 1]));
    else if (numargs == 3)
      sentinelEvent(LL_WARNING, "+set", ri, " " + a[old_j] + " " + a[old_j + 1] + " " + a[old_j + 2]);
    else
      sentinelEvent(LL_WARNING, "+set", ri, " " + a[old_j]);
  }
  if (badarg) {
    if (changes) flushConfig();
    c->r().error("ERR Invalid argument '" + a[badarg] + "' for SENTINEL SET '" + option + "'");
    return;
  }
  if (changes) flushConfigAndReply(c);
  else c->r().ok();
}

void sentinelInfoCache(Client* c) {
  long long now = mstime();
  std::vector<Instance*> wanted;
  for (size_t j = 2; j < c->argv.size(); j++) {
    Instance* ri = masterByName(c->argv[j]);
    if (ri && std::find(wanted.begin(), wanted.end(), ri) == wanted.end()) wanted.push_back(ri);
  }
  c->r().arrayLen(wanted.size() * 2);
  for (Instance* ri : wanted) {
    c->r().bulk(ri->name);
    c->r().arrayLen(ri->slaves.size() + 1);
    auto one = [&](Instance* x) {
      c->r().arrayLen(2);
      c->r().integer(x->info_refresh ? now - x->info_refresh : 0);
      if (x->info.empty()) c->r().null();
      else c->r().bulk(x->info);
    };
    one(ri);
    for (auto& [k, s] : ri->slaves) one(s.get());
  }
}

void sentinelSimulateFailure(Client* c) {
  S().simfailure_flags = 0;
  for (size_t j = 2; j < c->argv.size(); j++) {
    const std::string& a = c->argv[j];
    if (equalsIgnoreCase(a, "crash-after-election")) {
      S().simfailure_flags |= SIMFAILURE_CRASH_AFTER_ELECTION;
      serverLog(LogLevel::Warning,
                "Failure simulation: this Sentinel will crash after being successfully elected as failover leader");
    } else if (equalsIgnoreCase(a, "crash-after-promotion")) {
      S().simfailure_flags |= SIMFAILURE_CRASH_AFTER_PROMOTION;
      serverLog(LogLevel::Warning,
                "Failure simulation: this Sentinel will crash after promoting the selected replica to master");
    } else if (equalsIgnoreCase(a, "help")) {
      c->r().arrayLen(2);
      c->r().bulk("crash-after-election");
      c->r().bulk("crash-after-promotion");
      return;
    } else {
      c->r().error("ERR Unknown failure simulation specified");
      return;
    }
  }
  c->r().ok();
}

struct DebugParam {
  const char* name;
  long long Timers::*field;
};
const DebugParam kDebugParams[] = {
    {"INFO-PERIOD", &Timers::info_period},
    {"PING-PERIOD", &Timers::ping_period},
    {"ASK-PERIOD", &Timers::ask_period},
    {"PUBLISH-PERIOD", &Timers::publish_period},
    {"DEFAULT-DOWN-AFTER", &Timers::default_down_after},
    {"DEFAULT-FAILOVER-TIMEOUT", &Timers::default_failover_timeout},
    {"TILT-TRIGGER", &Timers::tilt_trigger},
    {"TILT-PERIOD", &Timers::tilt_period},
    {"SLAVE-RECONF-TIMEOUT", &Timers::slave_reconf_timeout},
    {"MIN-LINK-RECONNECT-PERIOD", &Timers::min_link_reconnect_period},
    {"ELECTION-TIMEOUT", &Timers::election_timeout},
    {"SCRIPT-MAX-RUNTIME", &Timers::script_max_runtime},
    {"SCRIPT-RETRY-DELAY", &Timers::script_retry_delay},
};

void sentinelDebug(Client* c) {
  if (c->argv.size() == 2) {
    c->r().mapLen(std::size(kDebugParams));
    for (const auto& p : kDebugParams) {
      c->r().bulk(p.name);
      c->r().bulk(std::to_string(S().timers.*(p.field)));
    }
    return;
  }
  auto& a = c->argv;
  for (size_t j = 2; j < a.size(); j++) {
    const DebugParam* param = nullptr;
    for (const auto& p : kDebugParams)
      if (equalsIgnoreCase(a[j], p.name)) param = &p;
    if (!param || j + 1 >= a.size()) {
      c->r().error("ERR Unknown option or number of arguments for SENTINEL DEBUG '" + a[j] + "'");
      return;
    }
    long long ll;
    if (!string2ll(a[j + 1], &ll) || ll <= 0) {
      c->r().error("ERR Invalid argument '" + a[j + 1] + "' for SENTINEL DEBUG '" + a[j] + "'");
      return;
    }
    S().timers.*(param->field) = ll;
    j++;
  }
  c->r().ok();
}

const char* const kConfigParams[] = {"resolve-hostnames", "announce-hostnames", "announce-ip",
                                     "announce-port",     "sentinel-user",      "sentinel-pass"};

std::string configValue(const std::string& name) {
  if (name == "resolve-hostnames") return S().resolve_hostnames ? "yes" : "no";
  if (name == "announce-hostnames") return S().announce_hostnames ? "yes" : "no";
  if (name == "announce-ip") return S().announce_ip;
  if (name == "announce-port") return std::to_string(S().announce_port);
  if (name == "sentinel-user") return S().sentinel_auth_user;
  return S().sentinel_auth_pass;
}

void sentinelConfig(Client* c) {
  auto& a = c->argv;
  if (a.size() < 4) {
    c->r().error(err::kConfigOnlyGetSet);
    return;
  }
  if (equalsIgnoreCase(a[2], "get") && a.size() == 4) {
    Deferred d = c->r().deferLen();
    size_t n = 0;
    for (const char* p : kConfigParams) {
      if (!stringmatch(a[3], p, true)) continue;
      c->r().bulk(p);
      c->r().bulk(configValue(p));
      n++;
    }
    c->r().setDeferredMapLen(d, n);
    return;
  }
  if (equalsIgnoreCase(a[2], "set") && a.size() == 5) {
    std::string o = toLower(a[3]);
    const std::string& val = a[4];
    bool ok = true, drop_links = false;
    if (o == "resolve-hostnames" || o == "announce-hostnames") {
      bool v;
      if (equalsIgnoreCase(val, "yes")) v = true;
      else if (equalsIgnoreCase(val, "no")) v = false;
      else ok = false;
      if (ok) (o == "resolve-hostnames" ? S().resolve_hostnames : S().announce_hostnames) = v;
    } else if (o == "announce-ip") {
      S().announce_ip = val;
    } else if (o == "announce-port") {
      long long ll;
      if (!string2ll(val, &ll) || ll < 0 || ll > 65535) ok = false;
      else S().announce_port = static_cast<int>(ll);
    } else if (o == "sentinel-user") {
      S().sentinel_auth_user = val;
      drop_links = true;
    } else if (o == "sentinel-pass") {
      S().sentinel_auth_pass = val;
      drop_links = true;
    } else {
      c->r().error("ERR Invalid argument '" + a[3] + "' to SENTINEL CONFIG SET");
      return;
    }
    if (!ok) {
      c->r().error("ERR Invalid value '" + val + "' to SENTINEL CONFIG SET '" + a[3] + "'");
      return;
    }
    // New credentials for the other sentinels: every link reconnects (and logs in) with them,
    // as Redis's sentinelDropConnections.
    if (drop_links) {
      for (auto& [name, m] : S().masters) {
        closeLinks(m.get());
        for (auto& [k, ri] : m->slaves) closeLinks(ri.get());
        for (auto& [k, ri] : m->sentinels) closeLinks(ri.get());
      }
    }
    flushConfigAndReply(c);
    return;
  }
  c->r().error(err::kConfigOnlyGetSet);
}

void sentinelHelp(Client* c) {
  replyHelp(c, "SENTINEL",
            {"CKQUORUM <master-name>",
             "    Check if the current Sentinel configuration is able to reach the quorum",
             "    needed to failover a master and the majority needed to authorize the",
             "    failover.",
             "CONFIG SET <param> <value>",
             "    Set a global Sentinel configuration parameter.",
             "CONFIG GET <param>",
             "    Get global Sentinel configuration parameter.",
             "DEBUG [<param> <value> ...]",
             "    Show a list of configurable time parameters and their values (milliseconds).",
             "    Or update current configurable parameters values (one or more).",
             "GET-MASTER-ADDR-BY-NAME <master-name>",
             "    Return the ip and port number of the master with that name.",
             "FAILOVER <master-name>",
             "    Manually failover a master node without asking for agreement from other",
             "    Sentinels",
             "FLUSHCONFIG",
             "    Force Sentinel to rewrite its configuration on disk, including the current",
             "    Sentinel state.",
             "INFO-CACHE <master-name>",
             "    Return last cached INFO output from masters and all its replicas.",
             "IS-MASTER-DOWN-BY-ADDR <ip> <port> <current-epoch> <runid>",
             "    Check if the master specified by ip:port is down from current Sentinel's",
             "    point of view.",
             "MASTER <master-name>",
             "    Show the state and info of the specified master.",
             "MASTERS",
             "    Show a list of monitored masters and their state.",
             "MONITOR <name> <ip> <port> <quorum>",
             "    Start monitoring a new master with the specified name, ip, port and quorum.",
             "MYID",
             "    Return the ID of the Sentinel instance.",
             "PENDING-SCRIPTS",
             "    Get pending scripts information.",
             "REMOVE <master-name>",
             "    Remove master from Sentinel's monitor list.",
             "REPLICAS <master-name>",
             "    Show a list of replicas for this master and their state.",
             "RESET <pattern>",
             "    Reset masters for specific master name matching this pattern.",
             "SENTINELS <master-name>",
             "    Show a list of Sentinel instances for this master and their state.",
             "SET <master-name> <option> <value> [<option> <value> ...]",
             "    Set configuration parameters for certain masters.",
             "SIMULATE-FAILURE [CRASH-AFTER-ELECTION] [CRASH-AFTER-PROMOTION] [HELP]",
             "    Simulate a Sentinel crash."});
}

// ==== Other commands ======================================================================

void pingCommand(Client* c) {
  if (c->subscriptions() && c->writer.protocol() == 2) {
    c->r().arrayLen(2);
    c->r().bulk("pong");
    c->r().bulk(c->argv.size() > 1 ? c->argv[1] : "");
    return;
  }
  if (c->argv.size() > 2) {
    c->r().error("ERR wrong number of arguments for 'ping' command");
    return;
  }
  if (c->argv.size() == 2) c->r().bulk(c->argv[1]);
  else c->r().status("PONG");
}

void subscribeCommand(Client* c) {
  bool pattern = equalsIgnoreCase(c->argv[0], "psubscribe");
  for (size_t j = 1; j < c->argv.size(); j++) {
    (pattern ? c->patterns : c->channels).insert(c->argv[j]);
    c->r().pushLen(3);
    c->r().bulk(pattern ? "psubscribe" : "subscribe");
    c->r().bulk(c->argv[j]);
    c->r().integer(static_cast<long long>(c->subscriptions()));
  }
}

void unsubscribeCommand(Client* c) {
  bool pattern = equalsIgnoreCase(c->argv[0], "punsubscribe");
  auto& set = pattern ? c->patterns : c->channels;
  const char* kind = pattern ? "punsubscribe" : "unsubscribe";
  std::vector<std::string> targets(c->argv.begin() + 1, c->argv.end());
  if (targets.empty()) {
    targets.assign(set.begin(), set.end());
    if (targets.empty()) {
      c->r().pushLen(3);
      c->r().bulk(kind);
      c->r().null();
      c->r().integer(static_cast<long long>(c->subscriptions()));
      return;
    }
  }
  for (const auto& t : targets) {
    set.erase(t);
    c->r().pushLen(3);
    c->r().bulk(kind);
    c->r().bulk(t);
    c->r().integer(static_cast<long long>(c->subscriptions()));
  }
}

void publishCommand(Client* c) {
  if (c->argv[1] != kHelloChannel) {
    c->r().error(err::kOnlyHello);
    return;
  }
  processHelloMessage(c->argv[2]);
  c->r().integer(1);
}

std::string infoSection(const std::string& name) {
  std::string s;
  long long now = mstime();
  if (name == "server") {
    struct utsname u;
    uname(&u);
    s = "# Server\r\n";
    s += "redis_version:7.0.15\r\nredis_git_sha1:00000000\r\nredis_git_dirty:0\r\nredis_build_id:0\r\n";
    s += "redis_mode:sentinel\r\n";
    s += fmt::format("os:{} {} {}\r\n", u.sysname, u.release, u.machine);
    s += "arch_bits:64\r\nmonotonic_clock:POSIX clock_gettime\r\nmultiplexing_api:epoll\r\n";
    s += "atomicvar_api:c11-builtin\r\ngcc_version:0.0.0\r\n";
    s += fmt::format("process_id:{}\r\nprocess_supervised:no\r\nrun_id:{}\r\ntcp_port:{}\r\n", getpid(), S().run_id,
                     S().port);
    s += fmt::format("server_time_usec:{}\r\nuptime_in_seconds:{}\r\nuptime_in_days:{}\r\n", ustime(),
                     (now - S().start_time) / 1000, (now - S().start_time) / 86400000);
    s += fmt::format("hz:{}\r\nconfigured_hz:10\r\nlru_clock:{}\r\n", S().hz, (now / 1000) & ((1 << 24) - 1));
    s += fmt::format("executable:{}\r\nconfig_file:{}\r\nio_threads_active:0\r\n", "", S().config_file);
  } else if (name == "clients") {
    s = "# Clients\r\n";
    s += fmt::format("connected_clients:{}\r\ncluster_connections:0\r\nmaxclients:10000\r\n", connectedClients());
    s += "client_recent_max_input_buffer:0\r\nclient_recent_max_output_buffer:0\r\nblocked_clients:0\r\n";
    s += "tracking_clients:0\r\nclients_in_timeout_table:0\r\n";
  } else if (name == "cpu") {
    struct rusage self, kids;
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &kids);
    auto secs = [](const timeval& tv) { return tv.tv_sec + tv.tv_usec / 1e6; };
    s = "# CPU\r\n";
    s += fmt::format("used_cpu_sys:{:.6f}\r\nused_cpu_user:{:.6f}\r\n", secs(self.ru_stime), secs(self.ru_utime));
    s += fmt::format("used_cpu_sys_children:{:.6f}\r\nused_cpu_user_children:{:.6f}\r\n", secs(kids.ru_stime),
                     secs(kids.ru_utime));
  } else if (name == "sentinel") {
    s = "# Sentinel\r\n";
    s += fmt::format("sentinel_masters:{}\r\nsentinel_tilt:{}\r\nsentinel_tilt_since_seconds:{}\r\n",
                     S().masters.size(), S().tilt ? 1 : 0,
                     S().tilt ? (now - S().tilt_start_time) / 1000 : -1);
    s += fmt::format("sentinel_running_scripts:{}\r\nsentinel_scripts_queue_length:{}\r\n", S().running_scripts,
                     scriptsQueueLength());
    s += fmt::format("sentinel_simulate_failure_flags:{}\r\n", S().simfailure_flags);
    int i = 0;
    for (auto& [name2, m] : S().masters) {
      const char* status = (m->flags & SRI_O_DOWN) ? "odown" : (m->flags & SRI_S_DOWN) ? "sdown" : "ok";
      s += fmt::format("master{}:name={},status={},address={},slaves={},sentinels={}\r\n", i++, m->name, status,
                       formatAddrPort(announceAddr(m->addr), m->addr.port), m->slaves.size(),
                       m->sentinels.size() + 1);
    }
  }
  return s;
}

void infoCommand(Client* c) {
  static const char* const kDefault[] = {"server", "clients", "cpu", "sentinel"};
  std::vector<std::string> sections;
  if (c->argv.size() == 1) {
    sections.assign(std::begin(kDefault), std::end(kDefault));
  } else {
    for (size_t j = 1; j < c->argv.size(); j++) {
      std::string s = toLower(c->argv[j]);
      if (s == "all" || s == "default" || s == "everything") {
        sections.assign(std::begin(kDefault), std::end(kDefault));
        break;
      }
      sections.push_back(s);
    }
  }
  std::string out;
  for (const auto& s : sections) {
    std::string sec = infoSection(s);
    if (sec.empty()) continue;
    if (!out.empty()) out += "\r\n";
    out += sec;
  }
  c->r().verbatim(out, "txt");
}

void roleCommand(Client* c) {
  c->r().arrayLen(2);
  c->r().bulk("sentinel");
  c->r().arrayLen(S().masters.size());
  for (auto& [name, m] : S().masters) c->r().bulk(name);
}

void authCommand(Client* c) {
  auto& a = c->argv;
  if (a.size() > 3) {
    c->r().error(err::kSyntax);
    return;
  }
  std::string user = a.size() == 3 ? a[1] : "default";
  const std::string& pass = a.back();
  // AUTH <password> with a default user that has no password (Redis's "nopass" check).
  if (a.size() == 2 && acls().defaultUser().nopass) {
    c->r().error(err::kAuthNoPassword);
    return;
  }
  if (!aclAuthenticate(c, user, pass)) {
    c->r().error(err::kWrongPass);
    return;
  }
  c->r().ok();
}

void helloCommand(Client* c) {
  auto& a = c->argv;
  long long ver = 0;
  size_t j = 1;
  if (a.size() >= 2) {
    if (!string2ll(a[1], &ver)) {
      c->r().error("ERR Protocol version is not an integer or out of range");
      return;
    }
    if (ver < 2 || ver > 3) {
      c->r().error("NOPROTO unsupported protocol version");
      return;
    }
    j = 2;
  }
  std::string setname;
  bool has_setname = false;
  for (; j < a.size(); j++) {
    size_t more = a.size() - 1 - j;
    if (equalsIgnoreCase(a[j], "AUTH") && more >= 2) {
      const std::string& user = a[j + 1];
      const std::string& pass = a[j + 2];
      if (!aclAuthenticate(c, user, pass)) {
        c->r().error(err::kWrongPass);
        return;
      }
      j += 2;
    } else if (equalsIgnoreCase(a[j], "SETNAME") && more >= 1) {
      setname = a[++j];
      has_setname = true;
    } else {
      c->r().error("ERR Syntax error in HELLO option '" + a[j] + "'");
      return;
    }
  }
  if (!c->authenticated) {
    c->r().error("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH "
                 "<user> <pass> option can be used to authenticate the client and select the RESP protocol "
                 "version at the same time");
    return;
  }
  if (has_setname) c->name = setname;
  if (ver) c->writer.setProtocol(static_cast<int>(ver));
  c->r().mapLen(6);
  c->r().bulk("server");
  c->r().bulk("redis");
  c->r().bulk("version");
  c->r().bulk("7.0.15");
  c->r().bulk("proto");
  c->r().integer(c->writer.protocol());
  c->r().bulk("id");
  c->r().integer(static_cast<long long>(c->id));
  c->r().bulk("mode");
  c->r().bulk("sentinel");
  c->r().bulk("modules");
  c->r().arrayLen(0);
}

void shutdownCommand(Client* c) {
  for (size_t j = 1; j < c->argv.size(); j++) {
    std::string o = toLower(c->argv[j]);
    if (o != "nosave" && o != "save" && o != "now" && o != "force" && o != "abort") {
      c->r().error(err::kSyntax);
      return;
    }
    if (o == "abort") {
      c->r().error("ERR No shutdown in progress.");
      return;
    }
  }
  serverLog(LogLevel::Warning, "User requested shutdown...");
  serverLog(LogLevel::Warning, "Sentinel is now ready to exit, bye bye...");
  if (!S().pidfile.empty()) unlink(S().pidfile.c_str());
  std::exit(0);
}

// ---- CLIENT ----

bool validClientName(const std::string& n) {
  for (char ch : n)
    if (ch < '!' || ch > '~') return false;
  return true;
}

void clientSetname(Client* c) {
  if (!validClientName(c->argv[2])) {
    c->r().error("ERR Client names cannot contain spaces, newlines or special characters.");
    return;
  }
  c->name = c->argv[2];
  c->r().ok();
}
void clientGetname(Client* c) {
  if (c->name.empty()) c->r().null();
  else c->r().bulk(c->name);
}
void clientId(Client* c) { c->r().integer(static_cast<long long>(c->id)); }
void clientInfo(Client* c) { c->r().verbatim(clientInfoLine(c) + "\n", "txt"); }
void clientList(Client* c) {
  std::string out;
  for (Client* x : clients()) out += clientInfoLine(x) + "\n";
  c->r().verbatim(out, "txt");
}
void clientKill(Client* c) {
  auto& a = c->argv;
  if (a.size() == 3) {
    for (Client* x : clients()) {
      if (x->addr == a[2]) {
        if (x == c) closeClientAfterReply(x);
        else closeClient(x);
        c->r().ok();
        return;
      }
    }
    c->r().error("ERR No such client");
    return;
  }
  if (a.size() % 2 != 0) {
    c->r().error(err::kSyntax);
    return;
  }
  std::string id, addr, laddr, type, user;
  bool skipme = true;
  for (size_t j = 2; j + 1 < a.size(); j += 2) {
    std::string o = toLower(a[j]);
    if (o == "id") id = a[j + 1];
    else if (o == "addr") addr = a[j + 1];
    else if (o == "laddr") laddr = a[j + 1];
    else if (o == "type") type = toLower(a[j + 1]);
    else if (o == "user") {
      if (!aclUserExists(a[j + 1])) {
        c->r().error("ERR No such user '" + a[j + 1] + "'");
        return;
      }
      user = a[j + 1];
    } else if (o == "skipme") skipme = equalsIgnoreCase(a[j + 1], "yes");
    else {
      c->r().error(err::kSyntax);
      return;
    }
  }
  long long killed = 0;
  std::vector<Client*> victims;
  for (Client* x : clients()) {
    if (!id.empty() && std::to_string(x->id) != id) continue;
    if (!addr.empty() && x->addr != addr) continue;
    if (!laddr.empty() && x->laddr != laddr) continue;
    if (!user.empty() && x->user != user) continue;
    if (type == "pubsub" && !x->subscriptions()) continue;
    if (type == "normal" && x->subscriptions()) continue;
    if (x == c && skipme) continue;
    victims.push_back(x);
  }
  for (Client* x : victims) {
    if (x == c) closeClientAfterReply(x);
    else closeClient(x);
    killed++;
  }
  c->r().integer(killed);
}
void clientGetredir(Client* c) { c->r().integer(c->tracking ? c->tracking_redirect : -1); }

void clientNoEvict(Client* c) {
  if (equalsIgnoreCase(c->argv[2], "on") || equalsIgnoreCase(c->argv[2], "off")) c->r().ok();
  else c->r().error(err::kSyntax);
}

// Sentinel has no blocking commands: no client is ever blocked.
void clientUnblock(Client* c) {
  long long id;
  if (!getLongLong(c, c->argv[2], &id)) return;
  if (c->argv.size() == 4 && !equalsIgnoreCase(c->argv[3], "timeout") && !equalsIgnoreCase(c->argv[3], "error")) {
    c->r().error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
    return;
  }
  c->r().integer(0);
}

void clientTracking(Client* c) {
  auto& a = c->argv;
  bool on;
  if (equalsIgnoreCase(a[2], "on")) on = true;
  else if (equalsIgnoreCase(a[2], "off")) on = false;
  else {
    c->r().error(err::kSyntax);
    return;
  }
  long long redir = 0;
  bool bcast = false, optin = false, optout = false, noloop = false;
  std::vector<std::string> prefixes;
  for (size_t j = 3; j < a.size(); j++) {
    bool more = j + 1 < a.size();
    if (equalsIgnoreCase(a[j], "redirect") && more) {
      if (redir) {
        c->r().error("ERR A client can only redirect to a single other client");
        return;
      }
      if (!getLongLong(c, a[++j], &redir)) return;
      bool found = false;
      for (Client* x : clients())
        if (static_cast<long long>(x->id) == redir) found = true;
      if (!found) {
        c->r().error("ERR The client ID you want redirect to does not exist");
        return;
      }
    } else if (equalsIgnoreCase(a[j], "bcast")) {
      bcast = true;
    } else if (equalsIgnoreCase(a[j], "optin")) {
      optin = true;
    } else if (equalsIgnoreCase(a[j], "optout")) {
      optout = true;
    } else if (equalsIgnoreCase(a[j], "noloop")) {
      noloop = true;
    } else if (equalsIgnoreCase(a[j], "prefix") && more) {
      prefixes.push_back(a[++j]);
    } else {
      c->r().error(err::kSyntax);
      return;
    }
  }
  if (!on) {
    c->tracking = c->tracking_bcast = c->tracking_optin = c->tracking_optout = c->tracking_noloop = false;
    c->tracking_caching = false;
    c->tracking_redirect = 0;
    c->tracking_prefixes.clear();
    c->r().ok();
    return;
  }
  if (!bcast && !prefixes.empty()) {
    c->r().error("ERR PREFIX option requires BCAST mode to be enabled");
    return;
  }
  if (c->tracking && c->tracking_bcast != bcast) {
    c->r().error("ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then "
                 "re-enabling it with a different mode.");
    return;
  }
  if (bcast && (optin || optout)) {
    c->r().error("ERR OPTIN and OPTOUT are not compatible with BCAST");
    return;
  }
  if (optin && optout) {
    c->r().error("ERR You can't specify both OPTIN mode and OPTOUT mode");
    return;
  }
  if ((optin && c->tracking_optout) || (optout && c->tracking_optin)) {
    c->r().error("ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then "
                 "re-enabling it with a different mode.");
    return;
  }
  c->tracking = true;
  c->tracking_bcast = bcast;
  c->tracking_optin = optin;
  c->tracking_optout = optout;
  c->tracking_noloop = noloop;
  c->tracking_redirect = redir;
  for (auto& p : prefixes)
    if (std::find(c->tracking_prefixes.begin(), c->tracking_prefixes.end(), p) == c->tracking_prefixes.end())
      c->tracking_prefixes.push_back(p);
  if (bcast && c->tracking_prefixes.empty()) c->tracking_prefixes.push_back("");
  c->r().ok();
}

void clientTrackinginfo(Client* c) {
  c->r().mapLen(3);
  c->r().bulk("flags");
  std::vector<const char*> flags;
  if (!c->tracking) flags.push_back("off");
  else {
    flags.push_back("on");
    if (c->tracking_bcast) flags.push_back("bcast");
    if (c->tracking_optin) flags.push_back("optin");
    if (c->tracking_caching && c->tracking_optin) flags.push_back("caching-yes");
    if (c->tracking_optout) flags.push_back("optout");
    if (c->tracking_caching && c->tracking_optout) flags.push_back("caching-no");
    if (c->tracking_noloop) flags.push_back("noloop");
  }
  c->r().setLen(flags.size());
  for (const char* f : flags) c->r().bulk(f);
  c->r().bulk("redirect");
  c->r().integer(c->tracking ? c->tracking_redirect : -1);
  c->r().bulk("prefixes");
  c->r().arrayLen(c->tracking_bcast ? c->tracking_prefixes.size() : 0);
  if (c->tracking_bcast)
    for (auto& p : c->tracking_prefixes) c->r().bulk(p);
}

// With no keys to track, the flag only shows in TRACKINGINFO (caching-yes / caching-no) until
// tracking is switched off, as on the real sentinel.
void clientCaching(Client* c) {
  if (!c->tracking) {
    c->r().error("ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT "
                 "mode enabled");
    return;
  }
  if (equalsIgnoreCase(c->argv[2], "yes")) {
    if (!c->tracking_optin) {
      c->r().error("ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.");
      return;
    }
  } else if (equalsIgnoreCase(c->argv[2], "no")) {
    if (!c->tracking_optout) {
      c->r().error("ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.");
      return;
    }
  } else {
    c->r().error(err::kSyntax);
    return;
  }
  c->tracking_caching = true;
  c->r().ok();
}

void clientReply(Client* c) {
  const std::string& mode = c->argv[2];
  if (equalsIgnoreCase(mode, "on")) {
    c->reply_off = false;
    c->reply_skip = false;
    c->r().ok();
  } else if (equalsIgnoreCase(mode, "off")) {
    c->reply_off = true;
  } else if (equalsIgnoreCase(mode, "skip")) {
    if (!c->reply_off) c->reply_skip = true;
  } else {
    c->r().error(err::kSyntax);
  }
}

void clientPause(Client* c) {
  long long ms;
  if (!string2ll(c->argv[2], &ms) || ms < 0) {
    c->r().error("ERR timeout is not an integer or out of range");
    return;
  }
  bool all = true;
  if (c->argv.size() == 4) {
    if (equalsIgnoreCase(c->argv[3], "write")) all = false;
    else if (!equalsIgnoreCase(c->argv[3], "all")) {
      c->r().error("ERR CLIENT PAUSE mode must be WRITE or ALL");
      return;
    }
  }
  pauseClients(mstime() + ms, all);
  c->r().ok();
}

void clientUnpause(Client* c) {
  unpauseClients();
  c->r().ok();
}

void clientHelp(Client* c) {
  replyHelp(c, "CLIENT",
            {"CACHING (YES|NO)",
             "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
             "GETREDIR",
             "    Return the client ID we are redirecting to when tracking is enabled.",
             "GETNAME",
             "    Return the name of the current connection.",
             "ID",
             "    Return the ID of the current connection.",
             "INFO",
             "    Return information about the current client connection.",
             "KILL <ip:port>",
             "    Kill connection made from <ip:port>.",
             "KILL <option> <value> [<option> <value> [...]]",
             "    Kill connections. Options are:",
             "    * ADDR (<ip:port>|<unixsocket>:0)",
             "      Kill connections made from the specified address",
             "    * LADDR (<ip:port>|<unixsocket>:0)",
             "      Kill connections made to specified local address",
             "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
             "      Kill connections by type.",
             "    * SKIPME (YES|NO)",
             "      Skip killing current connection (default: yes).",
             "LIST",
             "    Return information about client connections.",
             "UNPAUSE",
             "    Stop the current client pause, resuming traffic.",
             "PAUSE <timeout> [WRITE|ALL]",
             "    Suspend all, or just write, clients for <timeout> milliseconds.",
             "REPLY (ON|OFF|SKIP)",
             "    Control the replies sent to the current connection.",
             "SETNAME <name>",
             "    Assign the name <name> to the current connection.",
             "UNBLOCK <clientid> [TIMEOUT|ERROR]",
             "    Unblock the specified blocked client.",
             "TRACKINGINFO",
             "    Report tracking status for the current connection.",
             "NO-EVICT (ON|OFF)",
             "    Protect current client connection from eviction."});
}

// ---- COMMAND ----

size_t countCommands() { return commandTable().size(); }

void replyCommandInfo(Client* c, const CommandRow& row, const std::string& fullname) {
  ReplyBuilder& r = c->r();
  r.arrayLen(10);
  r.bulk(fullname);
  r.integer(row.arity);
  auto flags = words(row.flags);
  r.setLen(flags.size());
  for (auto& f : flags) r.status(f);
  r.integer(0);
  r.integer(0);
  r.integer(0);
  auto cats = words(row.categories);
  r.setLen(cats.size());
  for (auto& cat : cats) r.status(cat);
  auto tips = words(row.tips);
  r.setLen(tips.size());
  for (auto& t : tips) r.bulk(t);
  // No command of Sentinel has key specs; Redis sends an empty set (RESP3 ~0) for them and
  // for the subcommands of a command that has none.
  r.setLen(0);
  if (row.subcommands.empty()) r.setLen(0);
  else r.arrayLen(row.subcommands.size());
  for (auto& sub : row.subcommands) replyCommandInfo(c, sub, fullname + "|" + sub.name);
}

const CommandRow* findTop(const std::string& name) {
  for (auto& row : commandTable())
    if (equalsIgnoreCase(row.name, name)) return &row;
  return nullptr;
}

void commandCommand(Client* c) {
  c->r().arrayLen(commandTable().size());
  for (auto& row : commandTable()) replyCommandInfo(c, row, row.name);
}
void commandCount(Client* c) { c->r().integer(static_cast<long long>(countCommands())); }
void commandList(Client* c) {
  std::vector<std::string> names;
  for (auto& row : commandTable()) {
    names.push_back(row.name);
    for (auto& sub : row.subcommands) names.push_back(std::string(row.name) + "|" + sub.name);
  }
  c->r().arrayLen(names.size());
  for (auto& n : names) c->r().bulk(n);
}
void commandInfo(Client* c) {
  c->r().arrayLen(c->argv.size() - 2);
  for (size_t j = 2; j < c->argv.size(); j++) {
    std::string n = c->argv[j];
    size_t bar = n.find('|');
    const CommandRow* row = findTop(bar == std::string::npos ? n : n.substr(0, bar));
    if (row && bar != std::string::npos) {
      const CommandRow* sub = nullptr;
      for (auto& s : row->subcommands)
        if (equalsIgnoreCase(s.name, n.substr(bar + 1))) sub = &s;
      if (sub) replyCommandInfo(c, *sub, std::string(row->name) + "|" + sub->name);
      else c->r().nullArray();
      continue;
    }
    if (row) replyCommandInfo(c, *row, row->name);
    else c->r().nullArray();
  }
}
// COMMAND GETKEYS / GETKEYSANDFLAGS: no command of Sentinel takes keys.
void commandGetkeys(Client* c) {
  const CommandRow* row = findTop(c->argv[2]);
  if (row && !row->subcommands.empty() && c->argv.size() >= 4) {
    const CommandRow* sub = nullptr;
    for (auto& s : row->subcommands)
      if (equalsIgnoreCase(s.name, c->argv[3])) sub = &s;
    row = sub;
  }
  if (!row) c->r().error("ERR Invalid command specified");
  else c->r().error("ERR The command has no key arguments");
}

// COMMAND DOCS: the generated docs (sentinel/command_docs.cpp) replayed node by node.
size_t replayDocNode(ReplyBuilder& r, size_t i) {
  const DocNode& d = kDocNodes[i++];
  size_t children = 0;
  switch (d.type) {
    case '%':
      r.mapLen(static_cast<size_t>(d.n));
      children = static_cast<size_t>(d.n) * 2;
      break;
    case '~':
      r.setLen(static_cast<size_t>(d.n));
      children = static_cast<size_t>(d.n);
      break;
    case '*':
      r.arrayLen(static_cast<size_t>(d.n));
      children = static_cast<size_t>(d.n);
      break;
    case '+':
      r.status(d.s);
      break;
    case ':':
      r.integer(d.n);
      break;
    default:
      r.bulk(d.s);
  }
  for (size_t k = 0; k < children; k++) i = replayDocNode(r, i);
  return i;
}

void commandDocs(Client* c) {
  std::vector<const DocEntry*> picked;
  if (c->argv.size() == 2) {
    for (size_t i = 0; i < kDocEntryCount; i++)
      if (!std::strchr(kDocEntries[i].fullname, '|')) picked.push_back(&kDocEntries[i]);
  } else {
    for (size_t j = 2; j < c->argv.size(); j++)
      for (size_t i = 0; i < kDocEntryCount; i++)
        if (equalsIgnoreCase(kDocEntries[i].fullname, c->argv[j])) picked.push_back(&kDocEntries[i]);
  }
  c->r().mapLen(picked.size());
  for (const DocEntry* e : picked) {
    c->r().bulk(e->fullname);
    replayDocNode(c->r(), static_cast<size_t>(e->first));
  }
}

void commandHelp(Client* c) {
  replyHelp(c, "COMMAND",
            {"(no subcommand)", "    Return details about all Redis commands.", "COUNT",
             "    Return the total number of commands in this Redis server.", "LIST",
             "    Return a list of all commands in this Redis server.", "INFO [<command-name> ...]",
             "    Return details about multiple Redis commands.",
             "    If no command names are given, documentation details for all",
             "    commands are returned."});
}

// Container commands dispatch to the subcommand row already chosen by processCommand.
void containerNoop(Client*) {}

constexpr const char* kSentinelFlags = "admin";
constexpr const char* kSentinelCats = "@admin @slow @dangerous";
constexpr const char* kClientSubFlags = "noscript loading stale";
constexpr const char* kClientSubCats = "@slow @connection";
constexpr const char* kAclAdminFlags = "admin noscript loading stale";
constexpr const char* kAclAdminCats = "@admin @slow @dangerous";
constexpr const char* kAclFlags = "noscript loading stale";

}  // namespace

const std::vector<CommandRow>& commandTable() {
  static const std::vector<CommandRow> table = {
      {"ping", -1, pingCommand, "fast", "@fast @connection", "request_policy:all_shards response_policy:all_succeeded", {}},
      {"sentinel", -2, containerNoop, kSentinelFlags, kSentinelCats, "", {
           {"ckquorum", 3, sentinelCkquorum, kSentinelFlags, kSentinelCats, "", {}},
           {"config", -3, sentinelConfig, kSentinelFlags, kSentinelCats, "", {}},
           {"debug", -2, sentinelDebug, kSentinelFlags, kSentinelCats, "", {}},
           {"failover", 3, sentinelFailover, kSentinelFlags, kSentinelCats, "", {}},
           {"flushconfig", 2, sentinelFlushconfig, kSentinelFlags, kSentinelCats, "", {}},
           {"get-master-addr-by-name", 3, sentinelGetMasterAddrByName, kSentinelFlags, kSentinelCats, "", {}},
           {"help", 2, sentinelHelp, "loading stale", "@slow", "", {}},
           {"info-cache", -3, sentinelInfoCache, kSentinelFlags, kSentinelCats, "", {}},
           {"is-master-down-by-addr", 6, sentinelIsMasterDownByAddr, kSentinelFlags, kSentinelCats, "", {}},
           {"master", 3, sentinelMaster, kSentinelFlags, kSentinelCats, "", {}},
           {"masters", 2, sentinelMasters, kSentinelFlags, kSentinelCats, "", {}},
           {"monitor", 6, sentinelMonitor, kSentinelFlags, kSentinelCats, "", {}},
           {"myid", 2, sentinelMyid, kSentinelFlags, kSentinelCats, "", {}},
           {"pending-scripts", 2, sentinelPendingScripts, kSentinelFlags, kSentinelCats, "", {}},
           {"remove", 3, sentinelRemove, kSentinelFlags, kSentinelCats, "", {}},
           {"replicas", 3, sentinelReplicas, kSentinelFlags, kSentinelCats, "", {}},
           {"reset", 3, sentinelReset, kSentinelFlags, kSentinelCats, "", {}},
           {"sentinels", 3, sentinelSentinels, kSentinelFlags, kSentinelCats, "", {}},
           {"set", -5, sentinelSet, kSentinelFlags, kSentinelCats, "", {}},
           {"simulate-failure", -3, sentinelSimulateFailure, kSentinelFlags, kSentinelCats, "", {}},
           {"slaves", 3, sentinelReplicas, kSentinelFlags, kSentinelCats, "", {}},
       }},
      {"subscribe", -2, subscribeCommand, "pubsub noscript loading stale", "@pubsub @slow", "", {}},
      {"unsubscribe", -1, unsubscribeCommand, "pubsub noscript loading stale", "@pubsub @slow", "", {}},
      {"psubscribe", -2, subscribeCommand, "pubsub noscript loading stale", "@pubsub @slow", "", {}},
      {"punsubscribe", -1, unsubscribeCommand, "pubsub noscript loading stale", "@pubsub @slow", "", {}},
      {"publish", 3, publishCommand, "pubsub loading stale fast", "@pubsub @fast", "", {}},
      {"info", -1, infoCommand, "loading stale", "@slow @dangerous",
       "nondeterministic_output request_policy:all_shards response_policy:special", {}},
      {"role", 1, roleCommand, "noscript loading stale fast", "@admin @fast @dangerous", "", {}},
      {"client", -2, containerNoop, "", "@slow", "", {
           {"caching", 3, clientCaching, kClientSubFlags, kClientSubCats, "", {}},
           {"getname", 2, clientGetname, kClientSubFlags, kClientSubCats, "", {}},
           {"getredir", 2, clientGetredir, kClientSubFlags, kClientSubCats, "", {}},
           {"help", 2, clientHelp, "loading stale", kClientSubCats, "", {}},
           {"id", 2, clientId, kClientSubFlags, kClientSubCats, "", {}},
           {"info", 2, clientInfo, kClientSubFlags, kClientSubCats, "nondeterministic_output", {}},
           {"kill", -3, clientKill, "admin noscript loading stale", "@admin @slow @dangerous @connection", "", {}},
           {"list", -2, clientList, "admin noscript loading stale", "@admin @slow @dangerous @connection",
            "nondeterministic_output", {}},
           {"no-evict", 3, clientNoEvict, "admin noscript loading stale", "@admin @slow @dangerous @connection", "", {}},
           {"pause", -3, clientPause, "admin noscript loading stale", "@admin @slow @dangerous @connection", "", {}},
           {"reply", 3, clientReply, kClientSubFlags, kClientSubCats, "", {}},
           {"setname", 3, clientSetname, kClientSubFlags, kClientSubCats, "", {}},
           {"tracking", -3, clientTracking, kClientSubFlags, kClientSubCats, "", {}},
           {"trackinginfo", 2, clientTrackinginfo, kClientSubFlags, kClientSubCats, "", {}},
           {"unblock", -3, clientUnblock, "admin noscript loading stale", "@admin @slow @dangerous @connection", "", {}},
           {"unpause", 2, clientUnpause, "admin noscript loading stale", "@admin @slow @dangerous @connection", "", {}},
       }},
      {"shutdown", -1, shutdownCommand, "admin noscript loading stale no_multi allow_busy", "@admin @slow @dangerous", "", {}},
      {"auth", -2, authCommand, "noscript loading stale fast no_auth allow_busy", "@fast @connection", "", {}},
      {"hello", -1, helloCommand, "noscript loading stale fast no_auth allow_busy", "@fast @connection", "", {}},
      {"acl", -2, containerNoop, "", "@slow", "", {
           {"cat", -2, aclCat, kAclFlags, "@slow", "", {}},
           {"deluser", -3, aclDeluser, kAclAdminFlags, kAclAdminCats, "", {}},
           {"dryrun", -4, aclDryrun, kAclAdminFlags, kAclAdminCats, "", {}},
           {"genpass", -2, aclGenpass, kAclFlags, "@slow", "", {}},
           {"getuser", 3, aclGetuser, kAclAdminFlags, kAclAdminCats, "", {}},
           {"help", 2, aclHelp, "loading stale", "@slow", "", {}},
           {"list", 2, aclList, kAclAdminFlags, kAclAdminCats, "", {}},
           {"load", 2, aclLoad, kAclAdminFlags, kAclAdminCats, "", {}},
           {"log", -2, aclLog, kAclAdminFlags, kAclAdminCats, "", {}},
           {"save", 2, aclSave, kAclAdminFlags, kAclAdminCats, "", {}},
           {"setuser", -3, aclSetuser, kAclAdminFlags, kAclAdminCats, "", {}},
           {"users", 2, aclUsers, kAclAdminFlags, kAclAdminCats, "", {}},
           {"whoami", 2, aclWhoami, kAclFlags, "@slow", "", {}},
       }},
      {"command", -1, commandCommand, "loading stale", "@slow @connection", "nondeterministic_output_order", {
           {"count", 2, commandCount, "loading stale", "@slow @connection", "", {}},
           {"docs", -2, commandDocs, "loading stale", "@slow @connection", "nondeterministic_output_order", {}},
           {"getkeys", -4, commandGetkeys, "loading stale", "@slow @connection", "", {}},
           {"getkeysandflags", -4, commandGetkeys, "loading stale", "@slow @connection", "", {}},
           {"help", 2, commandHelp, "loading stale", "@slow @connection", "", {}},
           {"info", -2, commandInfo, "loading stale", "@slow @connection", "nondeterministic_output_order", {}},
           {"list", -2, commandList, "loading stale", "@slow @connection", "nondeterministic_output_order", {}},
       }},
  };
  return table;
}

void fillAclCatalog(acl::AclCatalog& cat) {
  auto cats = [](const char* list) {
    uint64_t bits = 0;
    for (const std::string& w : words(list)) bits |= acl::categoryFlag(w.substr(1));  // "@slow"
    return bits;
  };
  for (const CommandRow& row : commandTable()) {
    cat.add(row.name, row.arity, row.no_auth(), cats(row.categories));
    for (const CommandRow& sub : row.subcommands)
      cat.add(std::string(row.name) + "|" + sub.name, sub.arity, sub.no_auth(), cats(sub.categories));
  }
}

// processCommand: lookup (unknown command / subcommand), arity, NOAUTH, the RESP2 Pub/Sub
// context, then the handler — Redis's order.
void processCommand(Client* c) {
  auto& a = c->argv;
  if (equalsIgnoreCase(a[0], "quit")) {
    c->r().ok();
    closeClientAfterReply(c);
    return;
  }
  const CommandRow* row = findTop(a[0]);
  if (!row) {
    std::string args;
    for (size_t i = 1; i < a.size() && args.size() < 128; i++) args += "'" + a[i].substr(0, 128 - args.size()) + "' ";
    std::string e = "ERR unknown command '" + a[0].substr(0, 128) + "', with args beginning with: " + args;
    for (char& ch : e)
      if (ch == '\r' || ch == '\n') ch = ' ';
    c->r().error(e);
    return;
  }
  std::string fullname = row->name;
  if (!row->subcommands.empty() && a.size() >= 2) {
    const CommandRow* sub = nullptr;
    for (auto& s : row->subcommands)
      if (equalsIgnoreCase(s.name, a[1])) sub = &s;
    if (!sub) {
      std::string e = "ERR unknown subcommand '" + a[1].substr(0, 128) + "'. Try " + upper(row->name) + " HELP.";
      for (char& ch : e)
        if (ch == '\r' || ch == '\n') ch = ' ';
      c->r().error(e);
      return;
    }
    fullname += "|";
    fullname += sub->name;
    row = sub;
  } else if (!row->subcommands.empty() && row->handler == containerNoop) {
    c->r().error("ERR wrong number of arguments for '" + fullname + "' command");
    return;
  }
  long long argc = static_cast<long long>(a.size());
  if ((row->arity > 0 && row->arity != argc) || argc < -row->arity) {
    c->r().error("ERR wrong number of arguments for '" + fullname + "' command");
    return;
  }
  if (!c->authenticated && !row->no_auth()) {
    c->r().error(err::kNoAuth);
    return;
  }
  c->lastcmd = fullname;  // as Redis, a refused call still shows as the client's last command
  if (!aclCheckCommandOrReject(c, fullname)) return;
  if (c->subscriptions() && c->writer.protocol() == 2 && fullname != "ping" && fullname != "subscribe" &&
      fullname != "unsubscribe" && fullname != "psubscribe" && fullname != "punsubscribe") {
    c->r().error("ERR Can't execute '" + fullname +
                 "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context");
    return;
  }
  c->lastcmd = fullname;
  // CLIENT REPLY OFF / SKIP: the reply is built and dropped (CLIENT REPLY itself answers).
  bool drop = (c->reply_off || c->reply_skip) && fullname != "client|reply";
  c->reply_skip = false;
  if (!drop) {
    row->handler(c);
    return;
  }
  OutputBuffer scratch;
  c->writer.retarget(&scratch);
  row->handler(c);
  c->writer.retarget(&c->out);
}

}  // namespace osprey::sentinel
