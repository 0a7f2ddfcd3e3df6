// server/cmd_connection.cpp — connection commands: PING, ECHO, SELECT, QUIT, RESET, HELLO,
// AUTH and the CLIENT family (ID, INFO, LIST, KILL, SETNAME, GETNAME, REPLY, PAUSE,
// UNPAUSE, NO-EVICT, TRACKING, CACHING, TRACKINGINFO, GETREDIR, UNBLOCK, HELP).
//
// Authentication checks the ACL users (server/acl.h): AUTH [user] pass and HELLO's AUTH
// option log a connection in as a user; `requirepass` is the default user's password.
//
// Client-side caching (CLIENT TRACKING) keeps the per-connection state Redis reports
// (CLIENT TRACKINGINFO / GETREDIR / the t, B, R flags of CLIENT LIST), but no invalidation
// messages are sent yet: the key-tracking table belongs to a later issue.
#include <algorithm>
#include <climits>
#include <unordered_map>

#include "common/config.h"
#include "common/util.h"
#include "server/acl.h"
#include "server/blocking.h"
#include "server/db.h"
#include "server/networking.h"
#include "server/replication.h"
#include "server/script_nonatomic.h"
#include "server/server.h"
#include "server/sticky.h"

namespace osprey {

// From cmd_multi.cpp.
void discardTransaction(Client& c);
void forgetStaleWatchedKeys(const Client& c);

// ==== Per-connection state kept outside Client ===============================

namespace {

struct TrackingState {
  bool on = false, bcast = false, optin = false, optout = false, noloop = false;
  bool caching = false;  // CLIENT CACHING given for the next command
  long long redirect = 0;
  std::vector<std::string> prefixes;  // sorted, as Redis's rax iterates them
};

struct ConnectionExtras {
  bool no_evict = false;
  TrackingState tracking;
};

std::unordered_map<const Client*, ConnectionExtras>& extrasTable() {
  static std::unordered_map<const Client*, ConnectionExtras> table;
  return table;
}

ConnectionExtras& extras(const Client& c) { return extrasTable()[&c]; }

const ConnectionExtras* findExtras(const Client& c) {
  auto it = extrasTable().find(&c);
  return it == extrasTable().end() ? nullptr : &it->second;
}

void setProtocol(Client& c, int resp) {
  c.resp = resp;
  c.writer.setProtocol(resp);
  if (c.reply != &c.writer) c.reply->setProtocol(resp);
}

// ---- Authentication --------------------------------------------------------

bool defaultUserNoPass() { return aclDefaultUser()->nopass; }

bool authenticateUser(Client& c, const std::string& user, const std::string& pass) {
  return aclAuthenticate(c, user, pass);
}

bool userExists(std::string_view name) { return aclUserExists(name); }

// ---- Client classes (CLIENT LIST TYPE, CLIENT KILL TYPE) -------------------

enum class ClientType { Normal, Replica, PubSub, Master };

bool clientTypeByName(std::string_view name, ClientType* out) {
  if (equalsIgnoreCase(name, "normal")) *out = ClientType::Normal;
  else if (equalsIgnoreCase(name, "slave") || equalsIgnoreCase(name, "replica")) *out = ClientType::Replica;
  else if (equalsIgnoreCase(name, "pubsub")) *out = ClientType::PubSub;
  else if (equalsIgnoreCase(name, "master")) *out = ClientType::Master;
  else return false;
  return true;
}

// Replica and master links arrive with replication; until then every client is normal or,
// while subscribed, pubsub. MONITOR clients count as normal, as in Redis.
ClientType clientType(const Client& c) {
  if (c.is_master) return ClientType::Master;
  if (replicationIsReplica(c)) return ClientType::Replica;
  return c.pubsub() ? ClientType::PubSub : ClientType::Normal;
}

bool clientTypeByNameOrReply(Client& c, const std::string& name, ClientType* out) {
  if (clientTypeByName(name, out)) return true;
  c.r().error("ERR Unknown client type '" + name + "'");
  return false;
}

// Names must keep CLIENT LIST splittable on spaces: printable ASCII without space.
bool validClientName(std::string_view name) {
  return std::all_of(name.begin(), name.end(), [](char ch) { return ch >= '!' && ch <= '~'; });
}

bool setNameOrReply(Client& c, const std::string& name) {
  if (!validClientName(name)) {
    c.r().error("ERR Client names cannot contain spaces, newlines or special characters.");
    return false;
  }
  c.name = name;  // "" removes the name
  return true;
}

Client* lookupClientById(long long id) {
  if (id <= 0) return nullptr;
  auto it = server.clients.find(static_cast<uint64_t>(id));
  return it == server.clients.end() ? nullptr : it->second;
}

}  // namespace

// ==== CLIENT LIST / CLIENT INFO line =========================================

// Memory figures follow Redis's meaning with our buffers: the query buffer and its spare
// capacity, the current arguments (only while a command runs or waits), the queued
// transaction, the 16k reply buffer ("rbs"/"rbp") and what overflows it ("obl"/"oll"/"omem").
std::string clientInfoString(const Client& c) {
  constexpr size_t kReplyChunk = 16 * 1024;
  std::string flags;
  if (c.monitor) flags += 'O';
  else if (replicationIsReplica(c)) flags += 'S';
  else if (c.is_master) flags += 'M';
  if (c.pubsub()) flags += 'P';
  if (c.in_multi) flags += 'x';
  if (c.blocked || c.postponed) flags += 'b';
  const ConnectionExtras* ex = findExtras(c);
  if (ex && ex->tracking.on) flags += 't';
  if (ex && ex->tracking.on && ex->tracking.redirect && !lookupClientById(ex->tracking.redirect))
    flags += 'R';
  if (ex && ex->tracking.bcast) flags += 'B';
  if (c.dirty_cas) flags += 'd';
  if (c.close_after_reply) flags += 'c';
  if (c.unblocked_pending) flags += 'u';
  if (c.close_asap) flags += 'A';
  if (c.is_unix) flags += 'U';
  if (ex && ex->no_evict) flags += 'e';
  if (flags.empty()) flags = "N";

  std::string events;
  if (c.poll && !c.protected_) events += 'r';
  if (c.poll_events & UV_WRITABLE) events += 'w';

  size_t argv_mem = 0;
  if (&c == server.current_client || c.postponed)
    for (const auto& a : c.argv) argv_mem += a.size();
  size_t multi_mem = 0;
  for (const auto& q : c.mstate) {
    for (const auto& a : q.argv) multi_mem += a.size();
    multi_mem += sizeof(void*) * q.argv.size();
  }
  size_t pending = c.out.size();
  size_t obl = std::min(pending, kReplyChunk);
  size_t omem = pending - obl;
  size_t oll = (omem + kReplyChunk - 1) / kReplyChunk;
  size_t qbuf = c.querybuf.size();
  size_t qbuf_free = c.querybuf.capacity() - qbuf;
  size_t tot_mem = sizeof(Client) + c.querybuf.capacity() + kReplyChunk + omem + argv_mem +
                   multi_mem + c.name.size();

  long long now_s = server.mstime_cached / 1000;
  std::string s;
  s.reserve(384);
  s += "id=" + std::to_string(c.id);
  s += " addr=" + c.addr;
  s += " laddr=" + c.laddr;
  s += " fd=" + std::to_string(c.fd);
  s += " name=" + c.name;
  s += " age=" + std::to_string(now_s - c.ctime / 1000);
  s += " idle=" + std::to_string(now_s - c.last_interaction / 1000);
  s += " flags=" + flags;
  s += " db=" + std::to_string(c.db ? c.db->id : 0);
  s += " sub=" + std::to_string(c.channels.size());
  s += " psub=" + std::to_string(c.patterns.size());
  s += " ssub=" + std::to_string(c.shard_channels.size());
  s += " multi=" + std::to_string(c.in_multi ? static_cast<long long>(c.mstate.size()) : -1LL);
  s += " qbuf=" + std::to_string(qbuf);
  s += " qbuf-free=" + std::to_string(qbuf_free);
  s += " argv-mem=" + std::to_string(argv_mem);
  s += " multi-mem=" + std::to_string(multi_mem);
  s += " rbs=" + std::to_string(kReplyChunk);
  s += " rbp=" + std::to_string(kReplyChunk);
  s += " obl=" + std::to_string(obl);
  s += " oll=" + std::to_string(oll);
  s += " omem=" + std::to_string(omem);
  s += " tot-mem=" + std::to_string(tot_mem);
  s += " events=" + events;
  s += " cmd=" + (c.lastcmd ? c.lastcmd->fullname : std::string("NULL"));
  s += " user=" + c.user;
  s += " redir=" + std::to_string(ex && ex->tracking.on ? ex->tracking.redirect : -1LL);
  s += " resp=" + std::to_string(c.resp);
  return s;
}

// ==== Simple connection commands =============================================

static void pingCommand(Client& c) {
  if (c.argc() > 2) {
    replyWrongArity(c);
    return;
  }
  if (applyStickMarkerFromMaster(c)) return;  // STICK's marker in the replication stream
  if (c.pubsub() && c.resp == 2) {
    // In RESP2 subscribed context PING answers as a Pub/Sub message.
    c.r().arrayLen(2);
    c.r().bulk("pong");
    c.r().bulk(c.argc() == 1 ? "" : c.arg(1));
    return;
  }
  if (c.argc() == 1)
    c.r().status("PONG");
  else
    c.r().bulk(c.arg(1));
}

static void echoCommand(Client& c) { c.r().bulk(c.arg(1)); }

static void selectCommand(Client& c) {
  long long id;
  if (!getLongLongOrReply(c, c.arg(1), &id)) return;
  if (id < 0 || id >= static_cast<long long>(server.dbs.size())) {
    c.r().error(err::kDbIndexRange);
    return;
  }
  c.db = &server.dbs[static_cast<size_t>(id)];
  c.r().ok();
}

static void quitCommand(Client& c) {
  c.r().ok();
  c.close_after_reply = true;
}

// RESET: back to the state of a fresh connection (db 0, RESP2, default user, no name, no
// transaction, WATCH, subscription, MONITOR, tracking or CLIENT REPLY mode). No-evict stays.
static void resetCommand(Client& c) {
  if (c.monitor) {
    server.monitors.erase(std::remove(server.monitors.begin(), server.monitors.end(), &c),
                          server.monitors.end());
    c.monitor = false;
  }
  if (auto it = extrasTable().find(&c); it != extrasTable().end()) it->second.tracking = {};
  c.db = &server.dbs[0];
  setProtocol(c, 2);
  aclAttachNewClient(c);  // the default user, authenticated when it needs no password
  discardTransaction(c);
  pubsubUnsubscribeAll(c);
  c.name.clear();
  c.reply_mode = ReplyMode::On;
  applyReplyMode(c);
  c.r().status("RESET");
}

// HELLO [protover [AUTH user pass] [SETNAME name]]
static void helloCommand(Client& c) {
  long long ver = 0;
  size_t j = 1;
  if (c.argc() >= 2) {
    if (!getLongLongOrReply(c, c.arg(j++), &ver,
                            "ERR Protocol version is not an integer or out of range"))
      return;
    if (ver < 2 || ver > 3) {
      c.r().error("NOPROTO unsupported protocol version");
      return;
    }
  }
  for (; j < c.argc(); j++) {
    size_t more = c.argc() - 1 - j;
    const std::string& opt = c.arg(j);
    if (equalsIgnoreCase(opt, "auth") && more >= 2) {
      bool ok = authenticateUser(c, c.arg(j + 1), c.arg(j + 2));
      c.argv[j + 1] = c.argv[j + 2] = "(redacted)";  // credentials never reach SLOWLOG
      if (!ok) {
        c.r().error("WRONGPASS invalid username-password pair or user is disabled.");
        return;
      }
      j += 2;
    } else if (equalsIgnoreCase(opt, "setname") && more >= 1) {
      if (!setNameOrReply(c, c.arg(j + 1))) return;
      j++;
    } else {
      c.r().error("ERR Syntax error in HELLO option '" + opt + "'");
      return;
    }
  }
  if (!c.authenticated) {
    c.r().error(
        "NOAUTH HELLO must be called with the client already authenticated, otherwise the "
        "HELLO AUTH <user> <pass> option can be used to authenticate the client and select "
        "the RESP protocol version at the same time");
    return;
  }
  if (ver) setProtocol(c, static_cast<int>(ver));
  auto& r = c.r();
  r.mapLen(7);
  r.bulk("server");
  r.bulk("redis");
  r.bulk("version");
  r.bulk(kRedisVersion);
  r.bulk("proto");
  r.integer(c.resp);
  r.bulk("id");
  r.integer(static_cast<long long>(c.id));
  r.bulk("mode");
  r.bulk(cfg().cluster_enabled ? "cluster" : "standalone");
  r.bulk("role");
  r.bulk(cfg().replicaof_host.empty() ? "master" : "replica");
  r.bulk("modules");
  r.arrayLen(0);
}

// AUTH [user] password
static void authCommand(Client& c) {
  if (c.argc() > 3) {
    replySyntaxError(c);
    return;
  }
  std::string user = "default";
  const std::string* pass = &c.arg(1);
  if (c.argc() == 2) {
    if (defaultUserNoPass()) {
      c.argv[1] = "(redacted)";
      c.r().error(
          "ERR AUTH <password> called without any password configured for the default user. "
          "Are you sure your configuration is correct?");
      return;
    }
  } else {
    user = c.arg(1);
    pass = &c.arg(2);
  }
  bool ok = authenticateUser(c, user, *pass);
  for (size_t j = 1; j < c.argc(); j++) c.argv[j] = "(redacted)";  // never reach SLOWLOG
  if (ok)
    c.r().ok();
  else
    c.r().error("WRONGPASS invalid username-password pair or user is disabled.");
}

// ==== CLIENT =================================================================

static void clientCommand(Client& c) { replySubcommandSyntaxError(c); }  // never called

static void clientHelpCommand(Client& c) {
  replyHelp(c, {
      "CACHING (YES|NO)",
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
      "    * USER <username>",
      "      Kill connections authenticated by <username>.",
      "    * SKIPME (YES|NO)",
      "      Skip killing current connection (default: yes).",
      "LIST [options ...]",
      "    Return information about client connections. Options:",
      "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
      "      Return clients of specified type.",
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
      "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
      "         [OPTIN] [OPTOUT] [NOLOOP]",
      "    Control server assisted client side caching.",
      "TRACKINGINFO",
      "    Report tracking status for the current connection.",
      "NO-EVICT (ON|OFF)",
      "    Protect current client connection from eviction.",
  });
}

static void clientIdCommand(Client& c) { c.r().integer(static_cast<long long>(c.id)); }

static void clientInfoCommand(Client& c) { c.r().verbatim(clientInfoString(c) + "\n", "txt"); }

// CLIENT LIST [TYPE type] | [ID id ...]
static void clientListCommand(Client& c) {
  std::string out;
  if (c.argc() == 4 && equalsIgnoreCase(c.arg(2), "type")) {
    ClientType type;
    if (!clientTypeByNameOrReply(c, c.arg(3), &type)) return;
    for (Client* cl : server.client_list)
      if (clientType(*cl) == type) out += clientInfoString(*cl) + "\n";
  } else if (c.argc() > 3 && equalsIgnoreCase(c.arg(2), "id")) {
    std::vector<Client*> picked;
    for (size_t j = 3; j < c.argc(); j++) {
      long long id;
      if (!getLongLongOrReply(c, c.arg(j), &id, "ERR Invalid client ID")) return;
      if (Client* cl = lookupClientById(id)) picked.push_back(cl);
    }
    for (Client* cl : picked) out += clientInfoString(*cl) + "\n";
  } else if (c.argc() != 2) {
    replySyntaxError(c);
    return;
  } else {
    for (Client* cl : server.client_list) out += clientInfoString(*cl) + "\n";
  }
  c.r().verbatim(out, "txt");
}

// CLIENT KILL ip:port  |  CLIENT KILL [ID id] [TYPE t] [USER u] [ADDR a] [LADDR a] [SKIPME y/n]
static void clientKillCommand(Client& c) {
  const std::string* addr = nullptr;
  const std::string* laddr = nullptr;
  const std::string* user = nullptr;
  bool by_type = false;
  ClientType type = ClientType::Normal;
  long long id = 0;
  bool skipme = true;
  bool old_form = c.argc() == 3;

  if (old_form) {
    addr = &c.arg(2);
    skipme = false;  // the old form may kill the caller itself
  } else {
    for (size_t i = 2; i < c.argc(); i += 2) {
      bool more = c.argc() > i + 1;
      const std::string& opt = c.arg(i);
      if (equalsIgnoreCase(opt, "id") && more) {
        if (!getRangeLongOrReply(c, c.arg(i + 1), 1, LONG_MAX, &id,
                                 "ERR client-id should be greater than 0"))
          return;
      } else if (equalsIgnoreCase(opt, "type") && more) {
        if (!clientTypeByNameOrReply(c, c.arg(i + 1), &type)) return;
        by_type = true;
      } else if (equalsIgnoreCase(opt, "addr") && more) {
        addr = &c.arg(i + 1);
      } else if (equalsIgnoreCase(opt, "laddr") && more) {
        laddr = &c.arg(i + 1);
      } else if (equalsIgnoreCase(opt, "user") && more) {
        if (!userExists(c.arg(i + 1))) {
          c.r().error("ERR No such user '" + c.arg(i + 1) + "'");
          return;
        }
        user = &c.arg(i + 1);
      } else if (equalsIgnoreCase(opt, "skipme") && more) {
        if (equalsIgnoreCase(c.arg(i + 1), "yes")) {
          skipme = true;
        } else if (equalsIgnoreCase(c.arg(i + 1), "no")) {
          skipme = false;
        } else {
          replySyntaxError(c);
          return;
        }
      } else {
        replySyntaxError(c);
        return;
      }
    }
  }

  std::vector<Client*> victims;
  bool close_self = false;
  for (Client* cl : server.client_list) {
    if (addr && cl->addr != *addr) continue;
    if (laddr && cl->laddr != *laddr) continue;
    if (by_type && clientType(*cl) != type) continue;
    if (id != 0 && cl->id != static_cast<uint64_t>(id)) continue;
    if (user && cl->user != *user) continue;
    if (cl == &c) {
      if (skipme) continue;
      close_self = true;
    } else {
      victims.push_back(cl);
    }
  }
  long long killed = static_cast<long long>(victims.size()) + (close_self ? 1 : 0);
  for (Client* v : victims) freeClient(v);

  if (old_form) {
    if (killed == 0)
      c.r().error("ERR No such client");
    else
      c.r().ok();
  } else {
    c.r().integer(killed);
  }
  // Flagged only after the reply is queued, so the caller still receives it.
  if (close_self) c.close_after_reply = true;
}

static void clientSetnameCommand(Client& c) {
  if (setNameOrReply(c, c.arg(2))) c.r().ok();
}

static void clientGetnameCommand(Client& c) {
  if (c.name.empty())
    c.r().null();
  else
    c.r().bulk(c.name);
}

// CLIENT REPLY ON|OFF|SKIP. OFF and SKIP answer nothing; networking.cpp routes the replies
// of the following commands to the discard buffer according to reply_mode.
static void clientReplyCommand(Client& c) {
  const std::string& mode = c.arg(2);
  if (equalsIgnoreCase(mode, "on")) {
    c.reply_mode = ReplyMode::On;
    applyReplyMode(c);
    c.r().ok();
  } else if (equalsIgnoreCase(mode, "off")) {
    c.reply_mode = ReplyMode::Off;
  } else if (equalsIgnoreCase(mode, "skip")) {
    if (c.reply_mode != ReplyMode::Off) c.reply_mode = ReplyMode::SkipNext;
  } else {
    replySyntaxError(c);
  }
}

static void clientNoEvictCommand(Client& c) {
  const std::string& v = c.arg(2);
  if (equalsIgnoreCase(v, "on")) {
    extras(c).no_evict = true;
  } else if (equalsIgnoreCase(v, "off")) {
    if (auto it = extrasTable().find(&c); it != extrasTable().end()) it->second.no_evict = false;
  } else {
    replySyntaxError(c);
    return;
  }
  c.r().ok();
}

// CLIENT PAUSE timeout [WRITE|ALL]: a pause already running is extended to the later end
// and to the stricter mode.
static void clientPauseCommand(Client& c) {
  if (c.argc() != 3 && c.argc() != 4) {
    replySubcommandSyntaxError(c);
    return;
  }
  bool write_only = false;
  if (c.argc() == 4) {
    if (equalsIgnoreCase(c.arg(3), "write")) {
      write_only = true;
    } else if (!equalsIgnoreCase(c.arg(3), "all")) {
      c.r().error("ERR CLIENT PAUSE mode must be WRITE or ALL");
      return;
    }
  }
  long long end;
  if (!getTimeoutOrReply(c, c.arg(2), false, &end)) return;
  if (server.pause_end_ms == 0 || server.pause_end_ms <= server.mstime_cached) {
    // No pause running (or one already over, e.g. just ended by CLIENT UNPAUSE). A pause
    // whose end is already past (timeout 0) never starts.
    if (end > server.mstime_cached) {
      server.pause_end_ms = end;
      server.pause_write_only = write_only;
    }
  } else {
    server.pause_end_ms = std::max(server.pause_end_ms, end);
    server.pause_write_only = server.pause_write_only && write_only;
  }
  c.r().ok();
}

// CLIENT UNPAUSE: the pause ends now; the postponed clients resume from beforeSleep (not
// from inside this command, so their commands do not run nested in ours).
static void clientUnpauseCommand(Client& c) {
  if (server.pause_end_ms) server.pause_end_ms = 1;
  c.r().ok();
}

// CLIENT TRACKING ON|OFF [REDIRECT id] [BCAST] [PREFIX p ...] [OPTIN] [OPTOUT] [NOLOOP]
static void clientTrackingCommand(Client& c) {
  long long redir = 0;
  bool bcast = false, optin = false, optout = false, noloop = false;
  std::vector<std::string> prefixes;
  for (size_t j = 3; j < c.argc(); j++) {
    bool more = c.argc() - 1 > j;
    const std::string& opt = c.arg(j);
    if (equalsIgnoreCase(opt, "redirect") && more) {
      j++;
      if (redir != 0) {
        c.r().error("ERR A client can only redirect to a single other client");
        return;
      }
      if (!getLongLongOrReply(c, c.arg(j), &redir)) return;
      if (!lookupClientById(redir)) {
        c.r().error("ERR The client ID you want redirect to does not exist");
        return;
      }
    } else if (equalsIgnoreCase(opt, "bcast")) {
      bcast = true;
    } else if (equalsIgnoreCase(opt, "optin")) {
      optin = true;
    } else if (equalsIgnoreCase(opt, "optout")) {
      optout = true;
    } else if (equalsIgnoreCase(opt, "noloop")) {
      noloop = true;
    } else if (equalsIgnoreCase(opt, "prefix") && more) {
      prefixes.push_back(c.arg(++j));
    } else {
      replySyntaxError(c);
      return;
    }
  }

  TrackingState& t = extras(c).tracking;
  if (equalsIgnoreCase(c.arg(2), "on")) {
    if (!bcast && !prefixes.empty()) {
      c.r().error("ERR PREFIX option requires BCAST mode to be enabled");
      return;
    }
    if (t.on && t.bcast != bcast) {
      c.r().error(
          "ERR You can't switch BCAST mode on/off before disabling tracking for this client, "
          "and then re-enabling it with a different mode.");
      return;
    }
    if (bcast && (optin || optout)) {
      c.r().error("ERR OPTIN and OPTOUT are not compatible with BCAST");
      return;
    }
    if (optin && optout) {
      c.r().error("ERR You can't specify both OPTIN mode and OPTOUT mode");
      return;
    }
    if ((optin && t.optout) || (optout && t.optin)) {
      c.r().error(
          "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, "
          "and then re-enabling it with a different mode.");
      return;
    }
    if (bcast) {
      // No prefix may be a prefix of another (equal ones included): neither one already
      // registered nor another one of this call.
      auto overlap = [](const std::string& a, const std::string& b) {
        size_t n = std::min(a.size(), b.size());
        return a.compare(0, n, b, 0, n) == 0;
      };
      for (size_t i = 0; i < prefixes.size(); i++) {
        for (const auto& q : t.prefixes) {
          if (overlap(q, prefixes[i])) {
            c.r().error("ERR Prefix '" + prefixes[i] + "' overlaps with an existing prefix '" +
                        q + "'. Prefixes for a single client must not overlap.");
            return;
          }
        }
        for (size_t j = i + 1; j < prefixes.size(); j++) {
          if (overlap(prefixes[i], prefixes[j])) {
            c.r().error("ERR Prefix '" + prefixes[i] + "' overlaps with another provided prefix '" +
                        prefixes[j] + "'. Prefixes for a single client must not overlap.");
            return;
          }
        }
      }
    }
    t.on = true;
    t.bcast = bcast;
    t.optin = optin;
    t.optout = optout;
    t.noloop = noloop;
    t.redirect = redir;
    if (bcast) {
      if (prefixes.empty()) prefixes.push_back("");
      for (auto& p : prefixes)
        if (std::find(t.prefixes.begin(), t.prefixes.end(), p) == t.prefixes.end())
          t.prefixes.push_back(std::move(p));
      std::sort(t.prefixes.begin(), t.prefixes.end());
    }
  } else if (equalsIgnoreCase(c.arg(2), "off")) {
    t = {};
  } else {
    replySyntaxError(c);
    return;
  }
  c.r().ok();
}

static void clientCachingCommand(Client& c) {
  const ConnectionExtras* ex = findExtras(c);
  if (!ex || !ex->tracking.on) {
    c.r().error(
        "ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN "
        "or OPTOUT mode enabled");
    return;
  }
  TrackingState& t = extras(c).tracking;
  const std::string& opt = c.arg(2);
  if (equalsIgnoreCase(opt, "yes")) {
    if (!t.optin) {
      c.r().error("ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.");
      return;
    }
  } else if (equalsIgnoreCase(opt, "no")) {
    if (!t.optout) {
      c.r().error("ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.");
      return;
    }
  } else {
    replySyntaxError(c);
    return;
  }
  t.caching = true;
  c.r().ok();
}

static void clientGetredirCommand(Client& c) {
  const ConnectionExtras* ex = findExtras(c);
  c.r().integer(ex && ex->tracking.on ? ex->tracking.redirect : -1);
}

static void clientTrackinginfoCommand(Client& c) {
  static const TrackingState kOff;
  const ConnectionExtras* ex = findExtras(c);
  const TrackingState& t = ex ? ex->tracking : kOff;
  std::vector<const char*> flags;
  flags.push_back(t.on ? "on" : "off");
  if (t.bcast) flags.push_back("bcast");
  if (t.optin) {
    flags.push_back("optin");
    if (t.caching) flags.push_back("caching-yes");
  }
  if (t.optout) {
    flags.push_back("optout");
    if (t.caching) flags.push_back("caching-no");
  }
  if (t.noloop) flags.push_back("noloop");
  if (t.on && t.redirect && !lookupClientById(t.redirect)) flags.push_back("broken_redirect");
  auto& r = c.r();
  r.mapLen(3);
  r.bulk("flags");
  r.setLen(flags.size());
  for (const char* f : flags) r.bulk(f);
  r.bulk("redirect");
  r.integer(t.on ? t.redirect : -1);
  r.bulk("prefixes");
  r.arrayLen(t.prefixes.size());
  for (const auto& p : t.prefixes) r.bulk(p);
}

// CLIENT UNBLOCK id [TIMEOUT|ERROR]: blocking commands register their clients with the
// blocking issue; until one exists no client can be blocked, so the answer is 0.
static void clientUnblockCommand(Client& c) {
  if (c.argc() != 3 && c.argc() != 4) {
    replySubcommandSyntaxError(c);
    return;
  }
  if (c.argc() == 4 && !equalsIgnoreCase(c.arg(3), "timeout") &&
      !equalsIgnoreCase(c.arg(3), "error")) {
    c.r().error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
    return;
  }
  long long id;
  if (!getLongLongOrReply(c, c.arg(2), &id)) return;
  auto it = server.clients.find(static_cast<uint64_t>(id));
  bool with_error = c.argc() == 4 && equalsIgnoreCase(c.arg(3), "error");
  // Only clients blocked on keys can be unblocked (paused clients are not "blocked").
  bool done = it != server.clients.end() && it->second->blocked &&
              unblockClientFromOutside(*it->second, with_error);
  c.r().integer(done ? 1 : 0);
}

// ==== Table ==================================================================

static const CommandRow kConnectionRows[] = {
    {"auth", -2, "noscript loading stale fast no_auth allow_busy", "@fast @connection", 0, 0, 0,
     authCommand, "connection", "1.0.0", "Authenticate to the server",
     "O(N) where N is the number of passwords defined for the user"},
    {"client", -2, "", "@slow", 0, 0, 0, clientCommand, "connection", "2.4.0",
     "A container for client connection commands", "Depends on subcommand."},
    {"client|caching", 3, "noscript loading stale", "@slow @connection", 0, 0, 0,
     clientCachingCommand, "connection", "6.0.0",
     "Instruct the server about tracking or not keys in the next request", "O(1)"},
    {"client|getname", 2, "noscript loading stale", "@slow @connection", 0, 0, 0,
     clientGetnameCommand, "connection", "2.6.9", "Get the current connection name", "O(1)"},
    {"client|getredir", 2, "noscript loading stale", "@slow @connection", 0, 0, 0,
     clientGetredirCommand, "connection", "6.0.0",
     "Get tracking notifications redirection client ID if any", "O(1)"},
    {"client|help", 2, "loading stale", "@slow @connection", 0, 0, 0, clientHelpCommand,
     "connection", "5.0.0", "Show helpful text about the different subcommands", "O(1)"},
    {"client|id", 2, "noscript loading stale", "@slow @connection", 0, 0, 0, clientIdCommand,
     "connection", "5.0.0", "Returns the client ID for the current connection", "O(1)"},
    {"client|info", 2, "noscript loading stale", "@slow @connection", 0, 0, 0,
     clientInfoCommand, "connection", "6.2.0",
     "Returns information about the current client connection.", "O(1)",
     "nondeterministic_output"},
    {"client|kill", -3, "admin noscript loading stale", "@admin @slow @dangerous @connection", 0,
     0, 0, clientKillCommand, "connection", "2.4.0", "Kill the connection of a client",
     "O(N) where N is the number of client connections"},
    {"client|list", -2, "admin noscript loading stale", "@admin @slow @dangerous @connection", 0,
     0, 0, clientListCommand, "connection", "2.4.0", "Get the list of client connections",
     "O(N) where N is the number of client connections", "nondeterministic_output"},
    {"client|no-evict", 3, "admin noscript loading stale",
     "@admin @slow @dangerous @connection", 0, 0, 0, clientNoEvictCommand, "connection",
     "7.0.0", "Set client eviction mode for the current connection", "O(1)"},
    {"client|pause", -3, "admin noscript loading stale", "@admin @slow @dangerous @connection",
     0, 0, 0, clientPauseCommand, "connection", "2.9.50",
     "Stop processing commands from clients for some time", "O(1)"},
    {"client|reply", 3, "noscript loading stale", "@slow @connection", 0, 0, 0,
     clientReplyCommand, "connection", "3.2.0",
     "Instruct the server whether to reply to commands", "O(1)"},
    {"client|setname", 3, "noscript loading stale", "@slow @connection", 0, 0, 0,
     clientSetnameCommand, "connection", "2.6.9", "Set the current connection name", "O(1)"},
    {"client|tracking", -3, "noscript loading stale", "@slow @connection", 0, 0, 0,
     clientTrackingCommand, "connection", "6.0.0",
     "Enable or disable server assisted client side caching support",
     "O(1). Some options may introduce additional complexity."},
    {"client|trackinginfo", 2, "noscript loading stale", "@slow @connection", 0, 0, 0,
     clientTrackinginfoCommand, "connection", "6.2.0",
     "Return information about server assisted client side caching for the current "
     "connection",
     "O(1)"},
    {"client|unblock", -3, "admin noscript loading stale", "@admin @slow @dangerous @connection",
     0, 0, 0, clientUnblockCommand, "connection", "5.0.0",
     "Unblock a client blocked in a blocking command from a different connection",
     "O(log N) where N is the number of client connections"},
    {"client|unpause", 2, "admin noscript loading stale", "@admin @slow @dangerous @connection",
     0, 0, 0, clientUnpauseCommand, "connection", "6.2.0",
     "Resume processing of clients that were paused",
     "O(N) Where N is the number of paused clients"},
    {"echo", 2, "loading stale fast", "@fast @connection", 0, 0, 0, echoCommand, "connection", "1.0.0",
     "Echo the given string", "O(1)"},
    {"hello", -1, "noscript loading stale fast no_auth allow_busy", "@fast @connection", 0, 0, 0,
     helloCommand, "connection", "6.0.0", "Handshake with Redis", "O(1)"},
    {"ping", -1, "fast", "@fast @connection", 0, 0, 0, pingCommand, "connection", "1.0.0",
     "Ping the server", "O(1)", "request_policy:all_shards response_policy:all_succeeded"},
    {"quit", -1, "allow_busy noscript loading stale fast no_auth", "@fast @connection", 0, 0, 0,
     quitCommand, "connection", "1.0.0", "Close the connection", "O(1)"},
    {"reset", 1, "noscript loading stale fast no_auth allow_busy", "@fast @connection", 0, 0, 0,
     resetCommand, "connection", "6.2.0", "Reset the connection", "O(1)"},
    {"select", 2, "loading stale fast", "@fast @connection", 0, 0, 0, selectCommand,
     "connection", "1.0.0", "Change the selected database for the current connection", "O(1)"},
};

CommandRows connectionCommands() {
  return {kConnectionRows, sizeof(kConnectionRows) / sizeof(kConnectionRows[0])};
}

// ==== Hooks ==================================================================

bool clientNoEvict(const Client& c) {
  const ConnectionExtras* ex = findExtras(c);
  return ex && ex->no_evict;
}

void onClientFreed(Client& c) {
  replicationOnClientFreed(c);
  extrasTable().erase(&c);
  nonAtomicClientFreed(c);
  forgetStaleWatchedKeys(c);
}

void onServerStarted() {}

}  // namespace osprey
