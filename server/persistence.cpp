// server/persistence.cpp — when the dataset is saved and loaded (see persistence.h).
//
// Sections: SAVE POINTS (pure decisions) · FOREGROUND SAVE · BACKGROUND SAVE (fork, reap)
// · CRON AND SHUTDOWN · LOADING (start-up, DEBUG RELOAD, serving -LOADING meanwhile) ·
// DISPATCHER CHECKS · COMMANDS AND INFO.
//
// Everything here calls only rdb.h for the bytes. Time is Redis's: whole unix seconds for
// LASTSAVE, the save points and the retry delay.
#include "server/persistence.h"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>

#include "common/log.h"
#include "common/util.h"
#include "server/db.h"
#include "server/rdb.h"
#include "server/replication.h"
#include "server/scripting.h"

namespace osprey {

namespace {

// A child killed on purpose (SIGUSR1) exits with this code, so the parent can tell it from
// a failed save, as Redis's SERVER_CHILD_NOERROR_RETVAL.
constexpr int kChildNoErrorExit = 255;

long long unixNow() { return static_cast<long long>(time(nullptr)); }

std::string tempFileOf(int pid) { return "temp-" + std::to_string(pid) + ".rdb"; }

}  // namespace

// ==== SAVE POINTS ==========================================================================

bool bgsaveRetryAllowed(long long now, long long lastbgsave_try, bool lastbgsave_ok) {
  return lastbgsave_ok || now - lastbgsave_try > kBgsaveRetryDelay;
}

int dueSavePoint(const std::vector<SavePoint>& points, long long dirty, long long now,
                 long long lastsave, long long lastbgsave_try, bool lastbgsave_ok) {
  for (size_t i = 0; i < points.size(); i++) {
    const SavePoint& sp = points[i];
    if (dirty >= sp.changes && now - lastsave > sp.seconds &&
        bgsaveRetryAllowed(now, lastbgsave_try, lastbgsave_ok))
      return static_cast<int>(i);
  }
  return -1;
}

// ==== FOREGROUND SAVE ======================================================================

bool rdbSaveSync() {
  std::string err;
  // Every snapshot carries the replication position (aux repl-id / repl-offset), so a
  // restarted server can continue partially.
  RdbReplInfo repl;
  bool with_repl = replicationSaveInfo(&repl);
  if (!rdbSaveToFile(cfg().dbfilename, err, with_repl ? &repl : nullptr)) {
    serverLog(LogLevel::Warning, "{}", err);
    return false;
  }
  serverLog(LogLevel::Notice, "DB saved on disk");
  server.dirty = 0;
  server.lastsave = unixNow();
  server.lastbgsave_ok = true;
  return true;
}

void rdbSaveAfterFlushAll() {
  if (rdbChildRunning()) killRdbChild();
  if (!cfg().save.empty()) rdbSaveSync();
}

// ==== BACKGROUND SAVE ======================================================================

namespace {

void onKillInChild(int) { _exit(kChildNoErrorExit); }

// The forked child: it owns a copy-on-write snapshot of the dataset, writes it and exits
// without ever returning to the event loop (no libuv, no atexit handlers).
[[noreturn]] void runBgsaveChild() {
  logSetRole('C');
  // libuv's signal handlers would report our signals to the parent's loop through the pipe
  // both processes share: the child ignores shutdown signals, as Redis's child does, and
  // SIGUSR1 (killRdbChild) ends it quietly.
  signal(SIGTERM, SIG_IGN);
  signal(SIGINT, SIG_IGN);
  signal(SIGUSR1, onKillInChild);
  for (int fd : server.listen_fds) close(fd);
  std::string err;
  RdbReplInfo repl;
  bool with_repl = replicationSaveInfo(&repl);
  bool ok = rdbSaveToFile(cfg().dbfilename, err, with_repl ? &repl : nullptr);
  if (ok) {
    serverLog(LogLevel::Notice, "DB saved on disk");
    serverLog(LogLevel::Notice, "Fork CoW for RDB: current 0 MB, peak 0 MB, average 0 MB");
  } else {
    serverLog(LogLevel::Warning, "{}", err);
  }
  _exit(ok ? 0 : 1);
}

void resetChildState() {
  server.rdb_child_pid = -1;
  server.rdb_child_keys_total = 0;
}

// Redis's backgroundSaveDoneHandlerDisk: the child ended with `exitcode`, or by `bysignal`.
void backgroundSaveDone(int exitcode, int bysignal) {
  long long now = unixNow();
  if (!bysignal && exitcode == 0) {
    serverLog(LogLevel::Notice, "Background saving terminated with success");
    server.dirty -= server.dirty_before_bgsave;
    server.lastsave = now;
    server.lastbgsave_ok = true;
  } else if (!bysignal) {
    serverLog(LogLevel::Warning, "Background saving error");
    server.lastbgsave_ok = false;
  } else {
    serverLog(LogLevel::Warning, "Background saving terminated by signal {}", bysignal);
    unlink(tempFileOf(server.rdb_child_pid).c_str());
    // SIGUSR1 is how we stop a child ourselves: not an error.
    if (bysignal != SIGUSR1) server.lastbgsave_ok = false;
  }
  server.rdb_save_time_last = now - server.rdb_save_time_start;
  server.rdb_save_time_start = -1;
  resetChildState();
}

// Reaps the child when it has ended (never blocks).
void checkChildDone() {
  int status = 0;
  pid_t pid = waitpid(server.rdb_child_pid, &status, WNOHANG);
  if (pid == 0) return;
  if (pid == -1) {
    serverLog(LogLevel::Warning,
              "waitpid() returned an error: {}. child_type: RDB, child_pid = {}",
              strerror(errno), server.rdb_child_pid);
    resetChildState();
    return;
  }
  int exitcode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  int bysignal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  if (exitcode == kChildNoErrorExit) {
    bysignal = SIGUSR1;
    exitcode = 1;
  }
  backgroundSaveDone(exitcode, bysignal);
}

}  // namespace

bool rdbChildRunning() { return server.rdb_child_pid != -1; }

bool rdbSaveBackground() {
  if (rdbChildRunning()) return false;
  server.stat_rdb_saves++;
  server.dirty_before_bgsave = server.dirty;
  server.lastbgsave_try = unixNow();
  long long keys = totalKeys();
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) runBgsaveChild();
  if (pid == -1) {
    server.lastbgsave_ok = false;
    serverLog(LogLevel::Warning, "Can't save in background: fork: {}", strerror(errno));
    return false;
  }
  serverLog(LogLevel::Notice, "Background saving started by pid {}", pid);
  server.rdb_child_pid = pid;
  server.rdb_save_time_start = unixNow();
  server.rdb_child_keys_total = keys;
  return true;
}

void killRdbChild() {
  // The child is reaped by the next cron (checkChildDone), which also removes its file.
  if (rdbChildRunning()) kill(server.rdb_child_pid, SIGUSR1);
}

// ==== CRON AND SHUTDOWN ====================================================================

void persistenceCron() {
  long long now = server.mstime_cached / 1000;
  if (rdbChildRunning()) {
    checkChildDone();
  } else {
    int due = dueSavePoint(cfg().save, server.dirty, now, server.lastsave, server.lastbgsave_try,
                           server.lastbgsave_ok);
    if (due >= 0) {
      const SavePoint& sp = cfg().save[static_cast<size_t>(due)];
      serverLog(LogLevel::Notice, "{} changes in {} seconds. Saving...", sp.changes, sp.seconds);
      rdbSaveBackground();
    }
  }
  // BGSAVE SCHEDULE (or BGSAVE inside MULTI) waits for no child and the retry delay.
  if (!rdbChildRunning() && server.rdb_bgsave_scheduled &&
      bgsaveRetryAllowed(now, server.lastbgsave_try, server.lastbgsave_ok)) {
    if (rdbSaveBackground()) server.rdb_bgsave_scheduled = false;
  }
}

bool persistenceShutdown(int flags) {
  // Never overwrite the file with a half-loaded dataset.
  if (server.loading) flags = (flags & ~SHUTDOWN_SAVE) | SHUTDOWN_NOSAVE;
  if (rdbChildRunning()) {
    // The child could otherwise rename its older snapshot over the final one.
    serverLog(LogLevel::Warning, "There is a child saving an .rdb. Killing it!");
    int pid = server.rdb_child_pid;
    kill(pid, SIGUSR1);
    waitpid(pid, nullptr, 0);
    unlink(tempFileOf(pid).c_str());
    resetChildState();
  }
  bool save = (!cfg().save.empty() && !(flags & SHUTDOWN_NOSAVE)) || (flags & SHUTDOWN_SAVE);
  if (!save) return true;
  serverLog(LogLevel::Notice, "Saving the final RDB snapshot before exiting.");
  if (rdbSaveSync()) return true;
  if (flags & SHUTDOWN_FORCE) {
    serverLog(LogLevel::Warning, "Error trying to save the DB. Exit anyway.");
    return true;
  }
  serverLog(LogLevel::Warning, "Error trying to save the DB, can't exit.");
  serverLog(LogLevel::Warning,
            "Errors trying to shut down the server. Check the logs for more information.");
  return false;
}

// ==== LOADING ==============================================================================
//
// rdbLoadFile calls back every ~2 MB of file. Each call updates INFO's loading figures,
// applies `key-load-delay` to the keys read since the previous call, and serves the other
// clients with the poll(2)-based loop the busy-script state uses (processEventsWhileBusy):
// libuv's loop is not running (start-up) or we are inside one of its callbacks (DEBUG
// RELOAD), so it cannot be used. processCommand answers -LOADING to every command without
// the `loading` flag while server.loading is set.

namespace {

struct LoadRun {
  long long keys_before = 0;  // keys already present (DEBUG RELOAD NOFLUSH)
  long long keys_seen = 0;    // keys at the previous progress call
  bool at_startup = false;    // shutdown signals are watched (libuv's loop is not running)
};
LoadRun g_load;
RdbReplInfo g_loaded_repl;
std::vector<std::pair<int, std::string>> g_expired_at_load;

volatile sig_atomic_t g_signal_while_loading = 0;
void onShutdownSignalWhileLoading(int sig) { g_signal_while_loading = sig; }

void serveClientsWhileLoading() {
  updateCachedTime();
  if (g_load.at_startup && g_signal_while_loading) {
    // As Redis: a shutdown signal during loading exits at once, without saving.
    logVerbatim(LogLevel::Warning,
                fmt::format("{}:signal-handler ({}) Received shutdown signal during loading, "
                            "scheduling shutdown.",
                            getpid(), unixNow()));
    if (prepareForShutdown(SHUTDOWN_NOSAVE)) exitServer(0);
    g_signal_while_loading = 0;
  }
  processEventsWhileBusy();
}

// key-load-delay: microseconds per key loaded (negative: 1 us every -N keys), as Redis's
// debugDelay per key. Slept in slices so clients keep being answered.
void applyKeyLoadDelay(long long keys) {
  long long per_key = cfg().key_load_delay;
  if (per_key == 0 || keys <= 0) return;
  long long total_us = per_key > 0 ? keys * per_key : keys / -per_key;
  constexpr long long kSliceUs = 10000;
  while (total_us > 0) {
    long long slice = std::min(total_us, kSliceUs);
    usleep(static_cast<useconds_t>(slice));
    total_us -= slice;
    serveClientsWhileLoading();
  }
}

void onLoadProgress(size_t done, size_t total) {
  server.loading_loaded_bytes = static_cast<long long>(done);
  if (total) server.loading_total_bytes = static_cast<long long>(total);
  long long keys = totalKeys();
  server.rdb_last_load_keys_loaded = keys - g_load.keys_before;
  long long added = keys - g_load.keys_seen;
  g_load.keys_seen = keys;
  applyKeyLoadDelay(added);
  serveClientsWhileLoading();
}

// Loads dbfilename with the LOADING state set (Redis's rdbLoad with startLoading /
// stopLoading around it) and logs the "Done loading RDB" line.
RdbLoadStatus loadRdbFile(std::string& err, bool at_startup) {
  struct stat st;
  long long size = stat(cfg().dbfilename.c_str(), &st) == 0 ? static_cast<long long>(st.st_size) : 0;
  server.loading = true;
  server.loading_start_time = unixNow();
  server.loading_total_bytes = size;
  server.loading_loaded_bytes = 0;
  server.rdb_last_load_keys_loaded = 0;
  server.rdb_last_load_keys_expired = 0;
  g_load.keys_before = g_load.keys_seen = totalKeys();
  g_load.at_startup = at_startup;

  RdbLoadOptions opts;
  opts.progress = onLoadProgress;
  opts.on_expired = [](int dbid, std::string_view key) {
    server.rdb_last_load_keys_expired++;
    g_expired_at_load.emplace_back(dbid, std::string(key));
  };
  g_expired_at_load.clear();
  if (at_startup) opts.repl_out = &g_loaded_repl;
  RdbLoadStatus status = rdbLoadFile(cfg().dbfilename, err, opts);
  if (status == RdbLoadStatus::Ok) {
    server.rdb_last_load_keys_loaded = totalKeys() - g_load.keys_before;
    serverLog(LogLevel::Notice, "Done loading RDB, keys loaded: {}, keys expired: {}.",
              server.rdb_last_load_keys_loaded, server.rdb_last_load_keys_expired);
  }
  server.loading = false;
  g_load.at_startup = false;
  return status;
}

}  // namespace

const RdbReplInfo& rdbLoadedReplInfo() { return g_loaded_repl; }

std::vector<std::pair<int, std::string>> takeKeysExpiredAtLoad() { return std::move(g_expired_at_load); }

void loadDataFromDisk() {
  long long start = ustime();
  // libuv's loop does not run yet, so its signal handlers would only act after loading:
  // watch SIGTERM / SIGINT ourselves meanwhile, and give them back afterwards.
  struct sigaction watch = {}, old_term = {}, old_int = {};
  watch.sa_handler = onShutdownSignalWhileLoading;
  sigemptyset(&watch.sa_mask);
  sigaction(SIGTERM, &watch, &old_term);
  sigaction(SIGINT, &watch, &old_int);
  std::string err;
  RdbLoadStatus status = loadRdbFile(err, true);
  sigaction(SIGTERM, &old_term, nullptr);
  sigaction(SIGINT, &old_int, nullptr);
  if (g_signal_while_loading) raise(g_signal_while_loading);  // libuv handles it now

  if (status == RdbLoadStatus::Ok) {
    serverLog(LogLevel::Notice, "DB loaded from disk: {:.3f} seconds",
              static_cast<double>(ustime() - start) / 1000000);
  } else if (status == RdbLoadStatus::Failed) {
    // rdb.cpp words I/O failures fully; format errors are reported as Redis does for a
    // wrong signature (the reason, then errno EINVAL's text).
    if (err.rfind("Fatal error loading the DB", 0) == 0) {
      serverLog(LogLevel::Warning, "{}", err);
    } else {
      serverLog(LogLevel::Warning, "{}", err);
      serverLog(LogLevel::Warning, "Fatal error loading the DB: {}. Exiting.", strerror(EINVAL));
    }
    exit(1);
  }
}

// ==== DISPATCHER CHECKS ====================================================================

bool writeCommandsDeniedByDiskError() {
  return cfg().stop_writes_on_bgsave_error && !cfg().save.empty() && !server.lastbgsave_ok;
}

bool rejectCommandForPersistence(Client& c) {
  if (server.lastbgsave_ok && !server.loading) return false;  // the hot path: one test
  const Command* cmd = c.cmd;
  bool is_exec = cmd->fullname == "exec";
  if (writeCommandsDeniedByDiskError() && !c.is_master) {
    bool is_write = cmd->has(CMD_WRITE) || (is_exec && (c.mstate_flags & CMD_WRITE));
    if (is_write || cmd->fullname == "ping") {
      rejectCommand(c, kMisconfError);
      return true;
    }
  }
  if (server.loading) {
    bool deny = !cmd->has(CMD_LOADING);
    if (is_exec)
      for (const QueuedCommand& q : c.mstate) deny = deny || !q.cmd->has(CMD_LOADING);
    if (deny) {
      rejectCommand(c, err::kLoading);
      return true;
    }
  }
  return false;
}

// ==== COMMANDS AND INFO ====================================================================

void saveCommand(Client& c) {
  if (rdbChildRunning()) {
    c.r().error("ERR Background save already in progress");
    return;
  }
  server.stat_rdb_saves++;
  if (rdbSaveSync())
    c.r().ok();
  else
    c.r().error("ERR");
}

// BGSAVE [SCHEDULE]. Without other kinds of children (AOF rewrite, modules) SCHEDULE only
// matters inside MULTI, where a fork must wait for EXEC's end.
void bgsaveCommand(Client& c) {
  if (c.argc() > 1 && !(c.argc() == 2 && equalsIgnoreCase(c.arg(1), "schedule"))) {
    replySyntaxError(c);
    return;
  }
  if (rdbChildRunning()) {
    c.r().error("ERR Background save already in progress");
  } else if (server.in_exec) {
    server.rdb_bgsave_scheduled = true;
    c.r().status("Background saving scheduled");
  } else if (rdbSaveBackground()) {
    c.r().status("Background saving started");
  } else {
    c.r().error("ERR");
  }
}

void lastsaveCommand(Client& c) { c.r().integer(server.lastsave); }

void debugReloadCommand(Client& c) {
  bool flush = true, save = true;
  for (size_t j = 2; j < c.argc(); j++) {
    const std::string& opt = c.arg(j);
    if (equalsIgnoreCase(opt, "merge")) {
      // Duplicates are refused by rdb.h's loader either way.
    } else if (equalsIgnoreCase(opt, "noflush")) {
      flush = false;
    } else if (equalsIgnoreCase(opt, "nosave")) {
      save = false;
    } else {
      c.r().error("ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.");
      return;
    }
  }
  if (save && !rdbSaveSync()) {
    c.r().error("ERR");
    return;
  }
  if (flush) {
    emptyData(-1);
    functionsClearLibraries();
  }
  // The caller's own pipeline waits until the reload is over.
  bool was_protected = c.protected_;
  c.protected_ = true;
  std::string err;
  RdbLoadStatus status = loadRdbFile(err, false);
  c.protected_ = was_protected;
  if (status != RdbLoadStatus::Ok) {
    if (!err.empty()) serverLog(LogLevel::Warning, "{}", err);
    c.r().error("ERR Error trying to load the RDB dump");
    return;
  }
  serverLog(LogLevel::Warning, "DB reloaded by DEBUG RELOAD");
  c.r().ok();
}

void infoPersistence(std::string& s) {
  long long now = unixNow();
  bool child = rdbChildRunning();
  s += "# Persistence\r\n";
  s += fmt::format("loading:{}\r\n", server.loading ? 1 : 0);
  s += "async_loading:0\r\n";
  s += "current_cow_peak:0\r\ncurrent_cow_size:0\r\ncurrent_cow_size_age:0\r\n";
  s += "current_fork_perc:0.00\r\n";
  s += "current_save_keys_processed:0\r\n";
  s += fmt::format("current_save_keys_total:{}\r\n", child ? server.rdb_child_keys_total : 0);
  s += fmt::format("rdb_changes_since_last_save:{}\r\n", server.dirty);
  s += fmt::format("rdb_bgsave_in_progress:{}\r\n", child ? 1 : 0);
  s += fmt::format("rdb_last_save_time:{}\r\n", server.lastsave);
  s += fmt::format("rdb_last_bgsave_status:{}\r\n", server.lastbgsave_ok ? "ok" : "err");
  s += fmt::format("rdb_last_bgsave_time_sec:{}\r\n", server.rdb_save_time_last);
  s += fmt::format("rdb_current_bgsave_time_sec:{}\r\n",
                   child ? now - server.rdb_save_time_start : -1);
  s += fmt::format("rdb_saves:{}\r\n", server.stat_rdb_saves);
  s += "rdb_last_cow_size:0\r\n";
  s += fmt::format("rdb_last_load_keys_expired:{}\r\n", server.rdb_last_load_keys_expired);
  s += fmt::format("rdb_last_load_keys_loaded:{}\r\n", server.rdb_last_load_keys_loaded);
  s += "aof_enabled:0\r\n";
  s += "aof_rewrite_in_progress:0\r\n";
  s += "aof_rewrite_scheduled:0\r\n";
  s += "aof_last_rewrite_time_sec:-1\r\n";
  s += "aof_current_rewrite_time_sec:-1\r\n";
  s += "aof_last_bgrewrite_status:ok\r\n";
  s += "aof_rewrites:0\r\n";
  s += "aof_rewrites_consecutive_failures:0\r\n";
  s += "aof_last_write_status:ok\r\n";
  s += "aof_last_cow_size:0\r\n";
  s += "module_fork_in_progress:0\r\n";
  s += "module_fork_last_cow_size:0\r\n";
  if (server.loading) {
    long long total = server.loading_total_bytes, loaded = server.loading_loaded_bytes;
    double perc = total ? static_cast<double>(loaded) / static_cast<double>(total) * 100 : 0;
    long long elapsed = now - server.loading_start_time;
    // Redis shows a fake 1 second until a whole second has passed.
    long long eta = elapsed == 0 ? 1 : elapsed * (total - loaded) / (loaded + 1);
    s += fmt::format("loading_start_time:{}\r\n", server.loading_start_time);
    s += fmt::format("loading_total_bytes:{}\r\n", total);
    s += "loading_rdb_used_mem:0\r\n";
    s += fmt::format("loading_loaded_bytes:{}\r\n", loaded);
    s += fmt::format("loading_loaded_perc:{:.2f}\r\n", perc);
    s += fmt::format("loading_eta_seconds:{}\r\n", eta);
  }
}

}  // namespace osprey
