// server/scripting.cpp — run context, busy state and script kill (see scripting.h).
//
// Serving clients while a script holds the server
// -----------------------------------------------
// The script runs inside a libuv callback (the caller's read event). libuv forbids running
// its loop from inside one of its callbacks, so while busy we do not touch libuv's loop at
// all. Instead processEventsWhileBusy() calls poll(2) directly, with a zero timeout, on the
// listening sockets and on every client socket, and drives the very same functions the
// loop callbacks use (acceptOn, readFromClient, writeToClient — plain syscalls on file
// descriptors, see networking.cpp). Commands read this way go through processCommand,
// which answers -BUSY to everything but the allow-busy commands (SCRIPT KILL, SHUTDOWN
// NOSAVE, ...). The script's own client is "protected": its socket is not read until the
// script ends, so its pipeline waits its turn. libuv's epoll registrations stay as they
// are; after the script the loop may see a readiness that was already consumed, which the
// non-blocking reads simply answer with EAGAIN.
// The engine's hook calls scriptInterrupt() every 100,000 Lua instructions (about a
// millisecond), so busy clients are answered within a few milliseconds.
#include "server/scripting.h"
#include "server/persistence.h"

#include <poll.h>

#include <algorithm>

#include "common/config.h"
#include "common/log.h"
#include "common/util.h"
#include "server/acl.h"
#include "server/db.h"
#include "server/evict.h"
#include "server/networking.h"
#include "server/replication.h"
#include "server/script_nonatomic.h"
#include "server/scripting_hooks.h"

namespace osprey {

static ScriptRun* g_run = nullptr;

ScriptRun* currentScript() { return g_run; }

bool scriptIsTimedOut() { return g_run && g_run->timed_out; }
bool scriptIsEval() { return !g_run || g_run->is_eval; }

bool scriptFlagFromName(std::string_view name, uint64_t* flag) {
  if (name == "no-writes") *flag = SCRIPT_FLAG_NO_WRITES;
  else if (name == "allow-oom") *flag = SCRIPT_FLAG_ALLOW_OOM;
  else if (name == "allow-stale") *flag = SCRIPT_FLAG_ALLOW_STALE;
  else if (name == "no-cluster") *flag = SCRIPT_FLAG_NO_CLUSTER;
  else if (name == "allow-cross-slot-keys") *flag = SCRIPT_FLAG_ALLOW_CROSS_SLOT;
  else if (name == "disable-atomicity") *flag = SCRIPT_FLAG_DISABLE_ATOMICITY;
  else if (name == "allow-undeclared-keys") *flag = SCRIPT_FLAG_ALLOW_UNDECLARED_KEYS;
  else return false;
  return true;
}

bool scriptPrepare(Client& caller, uint64_t flags, bool ro_command) {
  if (flags & SCRIPT_FLAG_EVAL_COMPAT_MODE) return true;
  if ((flags & SCRIPT_FLAG_NO_CLUSTER) && cfg().cluster_enabled) {
    caller.r().error("ERR Can not run script on cluster, 'no-cluster' flag is set.");
    return false;
  }
  // A script that may write is refused on a read-only
  // replica, while RDB saving fails (the dispatcher's MISCONF, as Redis counts such a script
  // as a write command), and without enough good replicas.
  if (!(flags & SCRIPT_FLAG_NO_WRITES) && !caller.is_master) {
    if (replicationIAmReplica() && cfg().replica_read_only) {
      caller.r().error("READONLY Can not run script with write flag on readonly replica");
      return false;
    }
    if (writeCommandsDeniedByDiskError()) {
      caller.r().error(kMisconfError);
      return false;
    }
    if (!replicationEnoughGoodReplicas()) {
      caller.r().error(kNoReplicasError);
      return false;
    }
  }
  if (!(flags & SCRIPT_FLAG_ALLOW_STALE) && replicationIAmReplica() && !replicationLinkUp() &&
      !cfg().replica_serve_stale_data) {
    caller.r().error(
        "MASTERDOWN Link with MASTER is down, replica-serve-stale-data is set to 'no' and "
        "'allow-stale' flag is not set on the script.");
    return false;
  }
  if (ro_command && !(flags & SCRIPT_FLAG_NO_WRITES)) {
    caller.r().error("ERR Can not execute a script with write flag using *_ro command.");
    return false;
  }
  // no-writes implies allow-oom (checked after the write refusals, as Redis does).
  if (preCommandOomState() && cfg().maxmemory &&
      !(flags & (SCRIPT_FLAG_ALLOW_OOM | SCRIPT_FLAG_NO_WRITES))) {
    caller.r().error(
        "OOM allow-oom flag is not set on the script, can not run it when used memory > "
        "'maxmemory'");
    return false;
  }
  return true;
}

bool scriptCommandDenyOom(const Client& c) {
  const std::string& n = c.cmd->fullname;
  uint64_t flags = 0;
  bool known;
  if (n == "eval" || n == "eval_ro") known = evalScriptFlags(c.argv, false, &flags);
  else if (n == "evalsha" || n == "evalsha_ro") known = evalScriptFlags(c.argv, true, &flags);
  else if (n == "fcall" || n == "fcall_ro") known = c.argc() > 1 && fcallScriptFlags(c.argv[1], &flags);
  else return false;
  if (!known || (flags & SCRIPT_FLAG_EVAL_COMPAT_MODE)) return false;
  return !(flags & (SCRIPT_FLAG_ALLOW_OOM | SCRIPT_FLAG_NO_WRITES));
}

void scriptBegin(ScriptRun* run) {
  run->start_us = monotonicUs();
  g_run = run;
  server.in_script = true;
}

void scriptEnd() {
  ScriptRun* run = g_run;
  g_run = nullptr;
  server.in_script = false;
  if (run && run->timed_out) {
    // The caller was protected while busy; it is read again from now on. Clients that
    // pipelined behind it are served by the normal loop.
    run->caller->protected_ = false;
    queueClientWrite(run->caller);
  }
}

// ---- Busy poller ------------------------------------------------------------

void processEventsWhileBusy() {
  std::vector<pollfd> fds;
  std::vector<uint64_t> ids;  // client id per pollfd (0 = listener)
  for (int lfd : server.listen_fds) {
    fds.push_back(pollfd{lfd, POLLIN, 0});
    ids.push_back(0);
  }
  for (Client* c : server.client_list) {
    if (c->fd < 0 || c->close_asap) continue;
    short ev = 0;
    // The master link is not read while busy or loading: its stream waits, in order.
    if (!c->protected_ && !c->postponed && !c->is_master) ev |= POLLIN;
    if (!c->out.empty()) ev |= POLLOUT;
    if (!ev) continue;
    fds.push_back(pollfd{c->fd, ev, 0});
    ids.push_back(c->id);
  }
  if (fds.empty()) return;
  int n = poll(fds.data(), fds.size(), 0);
  if (n > 0) {
    for (size_t i = 0; i < fds.size(); i++) {
      if (!fds[i].revents) continue;
      if (ids[i] == 0) {
        acceptOn(fds[i].fd);
        continue;
      }
      auto it = server.clients.find(ids[i]);
      if (it == server.clients.end()) continue;  // freed meanwhile
      Client* c = it->second;
      if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) {
        if (!readFromClient(c)) continue;
      }
      if ((fds[i].revents & POLLOUT) && !c->close_asap) writeToClient(c);
    }
  }
  handleClientsWithPendingWrites();
  freeClientsInAsyncQueue();
}

bool scriptInterrupt() {
  ScriptRun* run = g_run;
  if (!run) return false;
  if (!run->timed_out) {
    long long threshold = cfg().busy_reply_threshold;
    long long elapsed_ms = (monotonicUs() - run->start_us) / 1000;
    if (threshold <= 0 || elapsed_ms < threshold) return run->kill_requested;
    run->timed_out = true;
    serverLog(LogLevel::Warning,
              "Slow script detected: still in execution after {} milliseconds. You can try "
              "killing the script using the {} command. Script name is: {}.",
              elapsed_ms, run->is_eval ? "SCRIPT KILL" : "FUNCTION KILL", run->funcname);
    run->caller->protected_ = true;
  }
  processEventsWhileBusy();
  return run->kill_requested;
}

// ---- Kill ------------------------------------------------------------------

void scriptKillCommand(Client& c, bool is_eval) {
  ScriptRun* run = g_run ? g_run : nonAtomicCurrent();
  if (!run) {
    c.r().error("NOTBUSY No scripts in execution right now.");
    return;
  }
  if (run->caller->is_master) {
    c.r().error(
        "UNKILLABLE The busy script was sent by a master instance in the context of "
        "replication and cannot be killed.");
    return;
  }
  if (run->wrote && !run->non_atomic) {  // a non-atomic script has no atomicity to protect
    c.r().error(
        "UNKILLABLE Sorry the script already executed write commands against the dataset. "
        "You can either wait the script termination or kill the server in a hard way using "
        "the SHUTDOWN NOSAVE command.");
    return;
  }
  if (run->is_eval != is_eval) {
    c.r().error(run->is_eval ? err::kBusyEval : err::kBusyFcall);
    return;
  }
  run->kill_requested = true;
  c.r().ok();
}

// ---- Commands from scripts -------------------------------------------------

bool g_script_disable_deny_script = false;

void scriptErrorStat(std::string_view err, int delta) {
  // The code is the first word when it is all capitals, as the reply path counts it.
  size_t sp = err.find(' ');
  std::string code(err.substr(0, sp == std::string_view::npos ? err.size() : sp));
  if (code.empty() || !std::all_of(code.begin(), code.end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; }))
    code = "ERR";
  if (delta < 0) {
    auto it = server.errorstats.find(code);
    if (it == server.errorstats.end() || it->second <= 0 || server.stat_total_error_replies <= 0)
      return;
    if (--it->second == 0) server.errorstats.erase(it);
    server.stat_total_error_replies--;
    return;
  }
  server.stat_total_error_replies += delta;
  if (server.errorstats.size() < 128 || server.errorstats.count(code)) server.errorstats[code] += delta;
}

// Replies a refusal of scriptCall, counted like any error reply of a command.
static bool refuse(ReplyCapture& out, std::string_view err) {
  out.error(err);
  scriptErrorStat(err, 1);
  return false;
}

bool scriptCall(std::vector<std::string>& argv, ReplyCapture& out) {
  ScriptRun* run = g_run;
  Client& fake = *run->fake;
  Command* cmd = server.commands.lookup(argv);
  if (!cmd) return refuse(out, "ERR Unknown Redis command called from script");
  long long argc = static_cast<long long>(argv.size());
  if ((cmd->arity > 0 && cmd->arity != argc) || argc < -cmd->arity)
    return refuse(out, "ERR Wrong number of args calling Redis command from script");
  if (cmd->has(CMD_NOSCRIPT) && !g_script_disable_deny_script)
    return refuse(out, "ERR This Redis command is not allowed from script");
  if (replicationIAmReplica() && !replicationLinkUp() && !cfg().replica_serve_stale_data &&
      !cmd->has(CMD_STALE) && !run->caller->is_master)
    return refuse(out, "ERR Can not execute the command on a stale replica");
  if (std::string denied = aclCheckScriptCall(*run->caller, cmd, argv); !denied.empty())
    return refuse(out, denied);
  if (cmd->has(CMD_WRITE)) {
    if (run->read_only) return refuse(out, "ERR Write commands are not allowed from read-only scripts.");
    if (!run->caller->is_master) {
      if (replicationIAmReplica() && cfg().replica_read_only) return refuse(out, err::kReadonlyReplica);
      if (writeCommandsDeniedByDiskError()) return refuse(out, kMisconfError);
      if (!replicationEnoughGoodReplicas()) return refuse(out, kNoReplicasError);
    }
  }
  // Redis's scriptVerifyOOM: over maxmemory when the script started, its first DENYOOM
  // call is refused; once it wrote it cannot stop half-way, so later ones run.
  if (cmd->has(CMD_DENYOOM) && !(run->flags & SCRIPT_FLAG_ALLOW_OOM) && cfg().maxmemory &&
      !run->caller->is_master && !run->wrote && preCommandOomState())
    return refuse(out, err::kOom);
  if (cmd->has(CMD_WRITE)) {
    // Once a write ran the script can no longer be killed (its effects would be partial).
    run->wrote = true;
  }
  fake.argv = std::move(argv);
  fake.cmd = fake.lastcmd = cmd;
  fake.reply = &out;
  fake.resp = out.protocol();
  size_t pending_before = server.pending_propagate.size();
  call(fake);
  if (!out.replies().empty() && out.replies().front().kind == ReplyValue::Kind::Error)
    scriptErrorStat(out.replies().front().str, 1);
  if (run->repl == SCRIPT_REPL_NONE || !(run->repl & SCRIPT_REPL_REPLICA)) {
    // redis.set_repl without replicas: this command's effects are not propagated.
    server.pending_propagate.resize(pending_before);
  }
  argv = std::move(fake.argv);
  return true;
}

}  // namespace osprey
