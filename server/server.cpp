// server/server.cpp — the server's life: start-up (config, databases, listeners, the event
// loop), serverCron at `hz`, beforeSleep, signals and shutdown.
#include "server/server.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstring>
#include <fstream>

#include "common/config.h"
#include "common/log.h"
#include "common/util.h"
#include "common/acl_config.h"
#include "server/acl.h"
#include "server/blocking.h"
#include "server/db.h"
#include "server/evict.h"
#include "server/networking.h"
#include "server/persistence.h"
#include "server/replication.h"

namespace osprey {

Server server;

// cmd_server.cpp: INFO's instantaneous metrics and memory samples; DEBUG PAUSE-CRON.
// TODO(lead): declare in server.h.
void serverStatsCron();
bool serverCronPaused();

void updateCachedTime() {
  server.ustime_cached = ustime();
  server.mstime_cached = server.ustime_cached / 1000;
}

// ---- Cron ------------------------------------------------------------------

// Closes clients idle for longer than `timeout` seconds (not replicas, not Pub/Sub
// subscribers, not blocked clients), as Redis's clientsCronHandleTimeout.
static void clientsCronTimeouts() {
  long long maxidle = cfg().timeout;
  if (maxidle <= 0) return;
  std::vector<Client*> idle;
  for (Client* c : server.client_list) {
    if (c->pubsub() || c->monitor || c->postponed) continue;
    if (server.mstime_cached - c->last_interaction > maxidle * 1000) idle.push_back(c);
  }
  for (Client* c : idle) {
    serverLog(LogLevel::Verbose, "Closing idle client");
    freeClient(c);
  }
}

static void checkClientPauseTimeout() {
  if (server.pause_end_ms && server.mstime_cached >= server.pause_end_ms) unpauseClients();
}

void serverCron() {
  updateCachedTime();
  if (serverCronPaused()) return;  // DEBUG PAUSE-CRON 1: no cron work at all, as Redis
  server.cronloops++;
  server.lru_clock = lruClock();
  clientsCronTimeouts();
  checkClientPauseTimeout();
  activeExpireCycle(false);
  serverStatsCron();
  persistenceCron();
  if (server.shutdown_asap) {
    if (prepareForShutdown(server.shutdown_flags)) exitServer(0);
    server.shutdown_asap = false;
  }
}

static void onCron(uv_timer_t*) { serverCron(); }

// ---- beforeSleep -----------------------------------------------------------

static void onBeforeSleep(uv_prepare_t*) {
  updateCachedTime();
  checkClientPauseTimeout();
  if (cfg().hz > 0 && server.active_expire_enabled) activeExpireCycle(true);
  processUnblockedClients();
  replicationBeforeSleep();
  evictClients();  // maxmemory-clients: query and output buffers that grew this iteration
  handleClientsWithPendingWrites();
  freeClientsInAsyncQueue();
}

// ---- Pause -----------------------------------------------------------------

void unpauseClients() {
  server.pause_end_ms = 0;
  server.pause_write_only = false;
  auto waiting = std::move(server.postponed_clients);
  server.postponed_clients.clear();
  for (Client* c : waiting) resumeClient(c);
}

// ---- Signals and shutdown --------------------------------------------------

static uv_signal_t sigterm_handle, sigint_handle;

// Redis writes what its signal handler says in a line of its own shape.
static void logFromSignalHandler(std::string_view msg) {
  logVerbatim(LogLevel::Warning,
              fmt::format("{}:signal-handler ({}) {}", getpid(), static_cast<long long>(time(nullptr)), msg));
}

static void onSignal(uv_signal_t* h, int signum) {
  const char* name = signum == SIGINT ? "SIGINT" : "SIGTERM";
  int flags = signum == SIGINT ? cfg().shutdown_on_sigint : cfg().shutdown_on_sigterm;
  if (server.shutdown_asap && signum == SIGINT) {
    logFromSignalHandler("You insist... exiting now.");
    exit(1);
  }
  logFromSignalHandler(fmt::format("Received {} scheduling shutdown...", name));
  server.shutdown_asap = true;
  server.shutdown_flags = flags;
  (void)h;
}

static void removePidFile() {
  if (!cfg().pidfile.empty()) unlink(cfg().pidfile.c_str());
}

bool prepareForShutdown(int flags) {
  serverLog(LogLevel::Warning, "User requested shutdown...");
  // Kill a BGSAVE child, then the final snapshot (SAVE, or save points without NOSAVE); a
  // failed save aborts unless FORCE (SHUTDOWN then answers "Errors trying to SHUTDOWN").
  if (!persistenceShutdown(flags)) return false;
  if (!cfg().pidfile.empty()) {
    serverLog(LogLevel::Notice, "Removing the pid file.");
    removePidFile();
  }
  if (!cfg().unixsocket.empty()) {
    serverLog(LogLevel::Notice, "Removing the unix socket file.");
  }
  // Flush what clients are owed (e.g. replies queued before SHUTDOWN) as best effort.
  handleClientsWithPendingWrites();
  closeListeners();
  serverLog(LogLevel::Warning, "Redis is now ready to exit, bye bye...");
  return true;
}

[[noreturn]] void exitServer(int code) {
  fflush(stdout);
  _exit(code);
}

// ---- Start-up --------------------------------------------------------------

// Redis writes a pid file when one is configured, and when daemonized without one it
// writes the default /var/run/redis.pid.
static void createPidFile() {
  std::string path = cfg().pidfile;
  if (path.empty()) {
    if (!cfg().daemonize) return;
    path = "/var/run/redis.pid";
  }
  std::ofstream f(path);
  if (f)
    f << getpid() << "\n";
  else
    serverLog(LogLevel::Warning, "Failed to write PID file: {}", strerror(errno));
}

// `daemonize yes`: the parent returns to the shell at once; the child leaves the session
// and its stdio goes to /dev/null (log lines go to `logfile`, or nowhere), as Redis does.
static void daemonize() {
  pid_t pid = fork();
  if (pid < 0) return;  // keep running in the foreground
  if (pid > 0) _exit(0);
  setsid();
  int fd = open("/dev/null", O_RDWR, 0);
  if (fd != -1) {
    dup2(fd, STDIN_FILENO);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    if (fd > STDERR_FILENO) close(fd);
  }
}

static void registerConfigHooks() {
  evictionInit();
  configOnApply("loglevel", [](std::string*) {
    logSetLevel(static_cast<LogLevel>(cfg().loglevel));
    return true;
  });
  configOnApply("hz", [](std::string*) {
    long long hz = std::clamp<long long>(cfg().hz, 1, 500);
    uv_timer_set_repeat(&server.cron_timer, static_cast<uint64_t>(1000 / hz));
    return true;
  });
  configOnApply("port", [](std::string* err) {
    // Rebind: listen on the new port before closing the old listeners.
    auto old_listeners = std::move(server.listeners);
    auto old_fds = std::move(server.listen_fds);
    server.listeners.clear();
    server.listen_fds.clear();
    if (!listenToPort()) {
      for (auto* h : server.listeners) {
        uv_poll_stop(h);
        uv_close(reinterpret_cast<uv_handle_t*>(h), [](uv_handle_t* hh) { delete reinterpret_cast<uv_poll_t*>(hh); });
      }
      for (int fd : server.listen_fds) close(fd);
      server.listeners = std::move(old_listeners);
      server.listen_fds = std::move(old_fds);
      *err = "Unable to listen on this port";
      return false;
    }
    for (auto* h : old_listeners) {
      uv_poll_stop(h);
      uv_close(reinterpret_cast<uv_handle_t*>(h), [](uv_handle_t* hh) { delete reinterpret_cast<uv_poll_t*>(hh); });
    }
    for (int fd : old_fds) close(fd);
    return true;
  });
}

int serverMain(const std::string& config_path, const std::vector<std::string>& overrides,
               const std::string& executable) {
  std::string fatal;
  // The table exists before the config is read: rename-command edits it.
  server.commands.build();
  aclInit();  // the `user` directive is validated while the config is read
  configOnDirective("rename-command", [](const std::vector<std::string>& argv, std::string* err) {
    return server.commands.rename(argv[1], argv[2], err);
  });
  if (!configLoad(config_path, overrides, &fatal)) {
    fputs(fatal.c_str(), stderr);
    return 1;
  }
  logSetRole('C');
  logSetLevel(static_cast<LogLevel>(cfg().loglevel));
  if (!cfg().logfile.empty()) {
    std::string err;
    if (!logTrySetFile(cfg().logfile, &err)) {
      fprintf(stderr, "Can't open the log file: %s\n", err.c_str());
      return 1;
    }
  }
  server.pid = getpid();
  server.executable = executable;
  server.config_file = configFilePath();
  updateCachedTime();
  server.start_time_ms = server.mstime_cached;
  server.lastsave = server.mstime_cached / 1000;
  server.runid = randomHex(40);

  serverLog(LogLevel::Warning, "oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo");
  serverLog(LogLevel::Warning,
            "Redis version={}, bits=64, commit=00000000, modified=0, pid={}, just started",
            kRedisVersion, server.pid);
  if (config_path.empty())
    serverLog(LogLevel::Warning,
              "Warning: no config file specified, using the default config. In order to "
              "specify a config file use {} /path/to/redis.conf",
              executable);
  else
    serverLog(LogLevel::Warning, "Configuration loaded");
  bool supervised = cfg().supervised == SUPERVISED_SYSTEMD || cfg().supervised == SUPERVISED_UPSTART ||
                    (cfg().supervised == SUPERVISED_AUTODETECT && (getenv("NOTIFY_SOCKET") || getenv("UPSTART_JOB")));
  if (cfg().daemonize && !supervised) {
    daemonize();
    server.pid = getpid();
  }
  logSetRole('M');

  signal(SIGPIPE, SIG_IGN);
  server.loop = uv_default_loop();
  server.dbs.resize(static_cast<size_t>(cfg().databases));
  for (size_t i = 0; i < server.dbs.size(); i++) server.dbs[i].id = static_cast<int>(i);
  serverLog(LogLevel::Notice, "monotonic clock: POSIX clock_gettime");
  if (cfg().always_show_logo || (cfg().logfile.empty() && isatty(fileno(stdout)))) {
    // Our own banner, carrying the facts Redis's logo carries (tools such as Redis's test
    // suite read the " PID: <pid>" line from it).
    std::string banner = fmt::format(
        "\n"
        "        ___\n"
        "   ____/ o \\___       Osprey {} (Redis {} compatible) 64 bit\n"
        "   \\___     ___/      Running in standalone mode\n"
        "        \\   /         Port: {}\n"
        "         \\_/          PID: {}\n"
        "\n",
        kOspreyVersion, kRedisVersion, cfg().port, server.pid);
    logVerbatim(LogLevel::Notice, banner);
  } else {
    serverLog(LogLevel::Notice, "Running mode=standalone, port={}.", cfg().port);
  }

  if (!listenToPort()) return 1;
  createPidFile();
  registerConfigHooks();

  uv_timer_init(server.loop, &server.cron_timer);
  long long hz = std::clamp<long long>(cfg().hz, 1, 500);
  uv_timer_start(&server.cron_timer, onCron, static_cast<uint64_t>(1000 / hz),
                 static_cast<uint64_t>(1000 / hz));
  uv_prepare_init(server.loop, &server.before_sleep);
  uv_prepare_start(&server.before_sleep, onBeforeSleep);
  uv_signal_init(server.loop, &sigterm_handle);
  uv_signal_start(&sigterm_handle, onSignal, SIGTERM);
  uv_signal_init(server.loop, &sigint_handle);
  uv_signal_start(&sigint_handle, onSignal, SIGINT);

  {
    std::string acl_err;
    if (!aclLoadAtStartup(acls(), &acl_err)) {
      serverLog(LogLevel::Warning, "{}", acl_err);
      exit(1);
    }
  }
  serverLog(LogLevel::Warning, "Server initialized");
  loadDataFromDisk();
  replicationInit();
  onServerStarted();
  serverLog(LogLevel::Notice, "Ready to accept connections");
  uv_run(server.loop, UV_RUN_DEFAULT);
  return 0;
}

}  // namespace osprey
