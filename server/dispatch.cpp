// server/dispatch.cpp — how a command runs.
//
// processCommand() performs every check in Redis 7.0's order, so no handler repeats them:
//   existence (unknown command / unknown subcommand) → arity → protected (DEBUG) → NOAUTH →
//   NO_MULTI inside MULTI → ACL (NOPERM) → OOM → READONLY replica → Pub/Sub context (RESP2) →
//   MASTERDOWN → LOADING → BUSY (a script is running) → client pause → queue inside MULTI,
//   or call().
// call() runs the handler and does the bookkeeping that follows every execution: command
// statistics, slowlog, MONITOR feed, and propagation of the effects (replication / AOF).
#include <algorithm>
#include <climits>
#include <cmath>
#include <cstring>

#include "common/config.h"
#include "common/log.h"
#include "common/util.h"
#include "server/acl.h"
#include "server/blocking.h"
#include "server/db.h"
#include "server/evict.h"
#include "server/persistence.h"
#include "server/server.h"
#include "server/networking.h"
#include "server/replication.h"
#include "server/scripting_hooks.h"

namespace osprey {

// cmd_server.cpp: latency histograms (latency-tracking) and the latency monitor's events.
void recordCommandLatency(Command& cmd, long long duration_us);

// ---- Rejections and common error replies -----------------------------------

void rejectCommand(Client& c, std::string_view errtext) {
  if (c.in_multi) c.dirty_exec = true;
  if (c.cmd) c.cmd->rejected_calls++;
  if (c.cmd && c.cmd->fullname == "exec") {
    // A rejected EXEC discards the transaction and says why, as Redis's execCommandAbort.
    c.mstate.clear();
    c.mstate_flags = 0;
    c.in_multi = c.dirty_cas = c.dirty_exec = false;
    unwatchAllKeys(c);
    // Redis builds its dispatcher errors without a code (the reply gets "ERR " added), so
    // the reason quotes them bare; coded ones (BUSY, NOAUTH, ...) keep their code.
    std::string_view reason = errtext;
    if (reason.substr(0, 4) == "ERR ") reason.remove_prefix(4);
    std::string e = "EXECABORT Transaction discarded because of: ";
    e.append(reason);
    c.r().error(e);
    return;
  }
  c.r().error(errtext);
}

void replyWrongArity(Client& c) {
  std::string e = "ERR wrong number of arguments for '";
  e += c.cmd ? c.cmd->fullname : toLower(c.argv[0]);
  e += "' command";
  c.r().error(e);
}
void replySyntaxError(Client& c) { c.r().error(err::kSyntax); }
void replyWrongType(Client& c) { c.r().error(err::kWrongType); }
void replyNotInteger(Client& c) { c.r().error(err::kNotInteger); }

void replySubcommandSyntaxError(Client& c) {
  std::string cmd = c.argv[0];
  std::transform(cmd.begin(), cmd.end(), cmd.begin(), ::toupper);
  std::string e = "ERR unknown subcommand or wrong number of arguments for '";
  e += c.argv[1].substr(0, 128);
  e += "'. Try ";
  e += cmd;
  e += " HELP.";
  c.r().error(e);
}

void replyHelp(Client& c, const std::vector<std::string>& lines) {
  std::string cmd = c.argv[0];
  std::transform(cmd.begin(), cmd.end(), cmd.begin(), ::toupper);
  c.r().arrayLen(lines.size() + 3);
  c.r().status(cmd + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  for (const auto& l : lines) c.r().status(l);
  c.r().status("HELP");
  c.r().status("    Prints this help.");
}

bool getLongLongOrReply(Client& c, const std::string& s, long long* out, const char* msg) {
  if (string2ll(s, out)) return true;
  c.r().error(msg ? msg : err::kNotInteger);
  return false;
}

bool getLongOrReply(Client& c, const std::string& s, long* out, const char* msg) {
  long long v;
  if (!getLongLongOrReply(c, s, &v, msg)) return false;
  *out = static_cast<long>(v);
  return true;
}

bool getPositiveLongOrReply(Client& c, const std::string& s, long long* out, const char* msg) {
  // As Redis's getPositiveLongFromObjectOrReply: one message for both a non-number and a
  // negative value ("value is out of range, must be positive" by default).
  if (!getLongLongOrReply(c, s, out, msg ? msg : err::kPositive)) return false;
  if (*out < 0) {
    c.r().error(msg ? msg : err::kPositive);
    return false;
  }
  return true;
}

bool getRangeLongOrReply(Client& c, const std::string& s, long long min, long long max,
                         long long* out, const char* msg) {
  if (!string2ll(s, out)) {
    c.r().error(msg ? msg : err::kNotInteger);
    return false;
  }
  if (*out < min || *out > max) {
    if (msg) {
      c.r().error(msg);
    } else {
      c.r().error("ERR value is out of range, value must between " + std::to_string(min) +
                  " and " + std::to_string(max));
    }
    return false;
  }
  return true;
}

bool getDoubleOrReply(Client& c, const std::string& s, double* out, const char* msg) {
  if (string2d(s, out)) return true;
  c.r().error(msg ? msg : err::kNotFloat);
  return false;
}

bool getLongDoubleOrReply(Client& c, const std::string& s, long double* out, const char* msg) {
  if (string2ld(s, out)) return true;
  c.r().error(msg ? msg : err::kNotFloat);
  return false;
}

bool getTimeoutOrReply(Client& c, const std::string& s, bool seconds, long long* abs_ms) {
  long long tval;
  if (seconds) {
    long double ftval;
    if (!string2ld(s, &ftval)) {
      c.r().error("ERR timeout is not a float or out of range");
      return false;
    }
    // Redis 7.0 takes the ceiling of the milliseconds (0.0001 s is 1 ms, not "forever"),
    // and a value beyond the long long range converts to LLONG_MIN on x86: "negative".
    long double ms = ceill(ftval * 1000.0L);
    if (!(ms < 9223372036854775807.0L && ms >= -9223372036854775807.0L))
      tval = LLONG_MIN;
    else
      tval = static_cast<long long>(ms);
  } else {
    if (!string2ll(s, &tval)) {
      c.r().error("ERR timeout is not an integer or out of range");
      return false;
    }
  }
  if (tval < 0) {
    c.r().error("ERR timeout is negative");
    return false;
  }
  if (tval > 0) {
    if (tval > LLONG_MAX - server.mstime_cached) {
      c.r().error("ERR timeout is out of range");
      return false;
    }
    tval += server.mstime_cached;
  }
  *abs_ms = tval;
  return true;
}

// ---- Lookup errors ---------------------------------------------------------

static std::string unknownCommandError(const Client& c, bool container) {
  std::string e;
  if (container) {
    std::string cmd = c.argv[0];
    std::transform(cmd.begin(), cmd.end(), cmd.begin(), ::toupper);
    e = "ERR unknown subcommand '" + c.argv[1].substr(0, 128) + "'. Try " + cmd + " HELP.";
  } else {
    std::string args;
    for (size_t i = 1; i < c.argv.size() && args.size() < 128; i++) {
      size_t room = 128 - args.size();
      args += '\'';
      args += c.argv[i].substr(0, room);
      args += "' ";
    }
    e = "ERR unknown command '" + c.argv[0].substr(0, 128) +
        "', with args beginning with: " + args;
  }
  for (char& ch : e)
    if (ch == '\r' || ch == '\n') ch = ' ';
  return e;
}

static bool isLocalClient(const Client& c) {
  if (c.is_unix || c.fake) return true;
  return c.addr.rfind("127.", 0) == 0 || c.addr.rfind("::1:", 0) == 0;
}

// ---- processCommand --------------------------------------------------------

bool processCommand(Client& c) {
  // Redis closes on what looks like an HTTP request smuggled into the protocol.
  if (equalsIgnoreCase(c.argv[0], "host:") || equalsIgnoreCase(c.argv[0], "post")) {
    serverLog(LogLevel::Warning,
              "Possible SECURITY ATTACK detected. It looks like somebody is sending POST or "
              "Host: commands to Redis. This is likely due to an attacker attempting to use "
              "Cross Protocol Scripting to compromise your Redis instance. Connection from {} "
              "aborted.",
              c.addr);
    freeClientAsync(&c);
    return false;
  }

  c.cmd = c.lastcmd = server.commands.lookup(c.argv);
  if (!c.cmd) {
    Command* container = server.commands.lookupName(c.argv[0]);
    bool is_container = container && !container->subcommands.empty() && c.argv.size() >= 2;
    rejectCommand(c, unknownCommandError(c, is_container));
    return true;
  }
  Command* cmd = c.cmd;
  long long argc = static_cast<long long>(c.argv.size());
  if ((cmd->arity > 0 && cmd->arity != argc) || (argc < -cmd->arity)) {
    std::string e = "ERR wrong number of arguments for '" + cmd->fullname + "' command";
    rejectCommand(c, e);
    return true;
  }

  if (cmd->has(CMD_PROTECTED) && cmd->fullname == "debug" &&
      !protectedActionAllowed(cfg().enable_debug_command, isLocalClient(c))) {
    rejectCommand(c,
                  "ERR DEBUG command not allowed. If the enable-debug-command option is set to "
                  "\"local\", you can run it from a local connection, otherwise you need to set "
                  "this option in the configuration file, and then restart the server.");
    return true;
  }
  if (cmd->has(CMD_PROTECTED) && cmd->parent && cmd->parent->name == "module" &&
      !protectedActionAllowed(cfg().enable_module_command, isLocalClient(c))) {
    rejectCommand(c,
                  "ERR MODULE command not allowed. If the enable-module-command option is set to "
                  "\"local\", you can run it from a local connection, otherwise you need to set "
                  "this option in the configuration file, and then restart the server.");
    return true;
  }

  if (clientAuthRequired(c) && !cmd->has(CMD_NO_AUTH)) {
    rejectCommand(c, err::kNoAuth);
    return true;
  }

  if (c.in_multi && cmd->has(CMD_NO_MULTI)) {
    rejectCommand(c, err::kNoMulti);
    return true;
  }

  // ACL: the user's command, key and channel permissions (-NOPERM, logged in ACL LOG).
  if (!aclCheckCommandOrReject(c)) return true;

  // maxmemory: evict first; then refuse what may grow memory if that was not enough.
  if (rejectCommandForMaxmemory(c)) return true;

  // NOREPLICAS, READONLY replica, MASTERDOWN (replication.cpp).
  if (std::string_view e = replicationRejectCommand(c); !e.empty()) {
    rejectCommand(c, e);
    return true;
  }

  // MISCONF after a failed BGSAVE, LOADING while the dataset loads (persistence.cpp).
  if (rejectCommandForPersistence(c)) return true;

  if (c.pubsub() && c.resp == 2) {
    const std::string& n = cmd->fullname;
    if (n != "ping" && n != "subscribe" && n != "ssubscribe" && n != "unsubscribe" &&
        n != "sunsubscribe" && n != "psubscribe" && n != "punsubscribe" && n != "quit" &&
        n != "reset") {
      rejectCommand(c, "ERR Can't execute '" + n +
                           "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET "
                           "are allowed in this context");
      return true;
    }
  }

  // A script holding the server: only allow-busy commands run (scripting issue).
  if (scriptIsTimedOut() && !cmd->has(CMD_ALLOW_BUSY)) {
    rejectCommand(c, scriptIsEval() ? err::kBusyEval : err::kBusyFcall);
    return true;
  }

  // CLIENT PAUSE: hold the command until the pause ends.
  if (server.pause_end_ms && !c.fake) {
    bool write_like = cmd->has(CMD_WRITE) || cmd->has(CMD_MAY_REPLICATE) ||
                      (cmd->fullname == "exec" && (c.mstate_flags & (CMD_WRITE | CMD_MAY_REPLICATE)));
    if (!server.pause_write_only || write_like) {
      c.postponed = true;
      server.postponed_clients.push_back(&c);
      return false;
    }
  }

  if (c.in_multi && cmd->fullname != "exec" && cmd->fullname != "discard" &&
      cmd->fullname != "multi" && cmd->fullname != "watch" && cmd->fullname != "quit" &&
      cmd->fullname != "reset") {
    c.mstate.push_back(QueuedCommand{cmd, c.argv});
    c.mstate_flags |= cmd->flags;
    c.r().status("QUEUED");
    return true;
  }

  call(c);
  if (!server.ready_keys.empty() && !server.in_script) handleClientsBlockedOnKeys();
  return !c.blocked;
}

// ---- call ------------------------------------------------------------------

static void slowlogPush(Client& c, long long duration) {
  long long max_len = cfg().slowlog_max_len;
  SlowlogEntry e;
  e.id = server.slowlog_next_id++;
  e.time = server.mstime_cached / 1000;
  e.duration = duration;
  // Redis keeps at most 32 arguments (the last says how many more) of at most 128 bytes.
  size_t n = std::min<size_t>(c.argv.size(), 32);
  for (size_t i = 0; i < n; i++) {
    if (i == 31 && c.argv.size() > 32) {
      e.argv.push_back("... (" + std::to_string(c.argv.size() - 31) + " more arguments)");
      break;
    }
    const std::string& a = c.argv[i];
    if (a.size() > 128)
      e.argv.push_back(a.substr(0, 128) + "... (" + std::to_string(a.size() - 128) +
                       " more bytes)");
    else
      e.argv.push_back(a);
  }
  e.peer = c.addr;
  e.name = c.name;
  server.slowlog.push_front(std::move(e));
  while (static_cast<long long>(server.slowlog.size()) > max_len) server.slowlog.pop_back();
}

static void feedMonitors(Client& c, const std::vector<std::string>& argv) {
  if (server.monitors.empty()) return;
  long long us = ustime();
  std::string line = "+" + std::to_string(us / 1000000) + "." + [&] {
    std::string frac = std::to_string(us % 1000000);
    return std::string(6 - frac.size(), '0') + frac;
  }();
  line += " [" + std::to_string(c.db ? c.db->id : 0) + " ";
  if (server.in_script)
    line += "lua";
  else if (c.is_unix)
    line += "unix:" + cfg().unixsocket;
  else
    line += c.addr;
  line += "]";
  for (const auto& a : argv) line += " " + catRepr(a);
  line += "\r\n";
  for (Client* m : server.monitors) {
    m->out.append(line);
    queueClientWrite(m);
  }
}

// MONITOR shows a script's own command before the commands the script runs (Redis 7.0);
// every other command is shown once it has run (so EXEC follows its queued commands).
static bool monitorBeforeRun(const Command& cmd) {
  const std::string& n = cmd.name;
  return n == "eval" || n == "evalsha" || n == "eval_ro" || n == "evalsha_ro" || n == "fcall" ||
         n == "fcall_ro";
}

void call(Client& c) {
  Command* cmd = c.cmd;
  bool monitor_first = !server.monitors.empty() && monitorBeforeRun(*cmd);
  if (monitor_first) feedMonitors(c, c.argv);
  long long dirty_before = server.dirty;
  long long errors_before = server.stat_total_error_replies;
  Client* prev = server.current_client;
  bool saved_prevent = c.prevent_propagate;
  std::vector<std::string> saved_rewrite = std::move(c.propagate_argv);
  c.prevent_propagate = false;
  c.propagate_argv.clear();
  server.current_client = &c;
  bool top = ++server.execution_nesting == 1;
  // One clock read per command: a top-level command starts at the cached time when the
  // input loop has just read the clock (commandClockFresh), and its end becomes the cached
  // time of the next one. Nested calls (EXEC, scripts) keep the time frozen and measure
  // their own duration with two reads.
  long long start;
  if (top) {
    if (!commandClockFresh()) updateCachedTime();
    start = server.ustime_cached;
  } else {
    start = ustime();
  }
  cmd->proc(c);
  long long end = ustime();
  long long duration = end - start;
  if (top) {
    server.ustime_cached = end;
    server.mstime_cached = end / 1000;
    noteCommandClock();
  }
  server.current_client = prev;

  // A command that blocked counts once, when it is served (its re-run).
  if (!c.blocked) cmd->calls++;
  cmd->usec += duration;
  if (server.stat_total_error_replies > errors_before) cmd->failed_calls++;
  server.stat_numcommands++;
  const Settings& conf = cfg();
  if (conf.latency_tracking || conf.latency_monitor_threshold > 0)
    recordCommandLatency(*cmd, duration);
  if (!cmd->has(CMD_SKIP_SLOWLOG) && conf.slowlog_log_slower_than >= 0 &&
      duration >= conf.slowlog_log_slower_than && !server.in_exec)
    slowlogPush(c, duration);
  if (!monitor_first && !server.monitors.empty() && !cmd->has(CMD_SKIP_MONITOR) &&
      !cmd->has(CMD_ADMIN))
    feedMonitors(c, c.argv);

  // Replicate effects: a command that changed the dataset is propagated as written (or as
  // its handler rewrote it, e.g. relative expiries made absolute), after any DEL of keys it
  // found expired. EXEC and scripts prevent their own propagation: their inner writes go.
  // Nothing is queued while no sink (AOF, replicas) listens: the copy would be dropped.
  if (server.dirty > dirty_before && !c.prevent_propagate && !server.propagate_sinks.empty()) {
    server.pending_propagate.emplace_back(
        c.db->id, c.propagate_argv.empty() ? c.argv : c.propagate_argv);
  }
  c.prevent_propagate = saved_prevent;
  c.propagate_argv = std::move(saved_rewrite);
  server.execution_nesting--;
  if (server.execution_nesting == 0 && !server.pending_propagate.empty()) flushPropagation();
}

// Emits the effects of one top-level execution: more than one is wrapped in MULTI/EXEC so
// replicas apply them atomically, as Redis 7.0 does.
void flushPropagation() {
  auto ops = std::move(server.pending_propagate);
  server.pending_propagate.clear();
  if (ops.empty() || server.propagate_sinks.empty()) return;
  bool wrap = ops.size() > 1;
  if (wrap) {
    for (auto& sink : server.propagate_sinks) sink(ops.front().first, {"MULTI"});
  }
  for (auto& [dbid, argv] : ops)
    for (auto& sink : server.propagate_sinks) sink(dbid, argv);
  if (wrap) {
    for (auto& sink : server.propagate_sinks) sink(ops.back().first, {"EXEC"});
  }
}

void propagate(int dbid, const std::vector<std::string>& argv) {
  server.pending_propagate.emplace_back(dbid, argv);
  if (server.execution_nesting == 0) flushPropagation();
}

}  // namespace osprey
