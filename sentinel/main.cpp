// sentinel/main.cpp — osprey-sentinel's start-up, as redis-sentinel's:
//   osprey-sentinel /path/to/sentinel.conf [--directive value ...]
// The config file is required and must be writable: Sentinel rewrites it with its state.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "common/config.h"
#include "common/log.h"
#include "common/util.h"
#include "common/acl_config.h"
#include "sentinel/acl.h"
#include "sentinel/sentinel.h"

using namespace osprey;
using namespace osprey::sentinel;

namespace {

uv_timer_t g_timer;
uv_signal_t g_sigterm, g_sigint;

// Redis changes hz a little on every run of the sentinel timer, so sentinels started together
// do not stay in lock-step (which would split their votes).
void onTimer(uv_timer_t*) {
  sentinelTimer();
  S().hz = 10 + std::rand() % 10;
  uv_timer_start(&g_timer, onTimer, static_cast<uint64_t>(1000 / S().hz), 0);
}

void onSignal(uv_signal_t*, int signum) {
  serverLog(LogLevel::Warning, "Received {} scheduling shutdown...", signum == SIGINT ? "SIGINT" : "SIGTERM");
  serverLog(LogLevel::Warning, "Sentinel is now ready to exit, bye bye...");
  if (!S().pidfile.empty()) unlink(S().pidfile.c_str());
  std::exit(0);
}

void daemonizeProcess() {
  pid_t pid = fork();
  if (pid < 0) return;
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

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && (args[0] == "-v" || args[0] == "--version")) {
    printf("Redis server v=7.0.15 sha=00000000:0 malloc=libc bits=64 build=osprey-sentinel\n");
    return 0;
  }
  std::srand(static_cast<unsigned>(ustime() ^ getpid()));
  logSetRole('X');
  if (args.empty() || args[0].rfind("--", 0) == 0) {
    serverLog(LogLevel::Warning, "Sentinel needs config file on disk to save state. Exiting...");
    return 1;
  }
  std::string path = args[0];
  std::vector<std::string> overrides(args.begin() + 1, args.end());
  std::string fatal;
  if (!loadConfig(path, overrides, &fatal)) {
    fputs(fatal.c_str(), stderr);
    return 1;
  }
  if (!aclLoadAtStartup(acls(), &fatal)) {
    serverLog(LogLevel::Warning, "{}", fatal);
    return 1;
  }
  SentinelState& st = S();
  st.config_file = configFilePath();
  if (access(st.config_file.c_str(), W_OK) == -1) {
    serverLog(LogLevel::Warning, "Sentinel config file {} is not writable: {}. Exiting...", st.config_file,
              strerror(errno));
    return 1;
  }
  st.port = cfg().port;
  st.requirepass = cfg().requirepass;
  st.logfile = cfg().logfile;
  st.pidfile = cfg().pidfile;
  st.daemonize = cfg().daemonize;
  char cwd[4096];
  if (getcwd(cwd, sizeof(cwd))) st.dir = cwd;
  logSetLevel(static_cast<LogLevel>(cfg().loglevel));
  if (!st.logfile.empty()) {
    std::string e;
    if (!logTrySetFile(st.logfile, &e)) {
      fprintf(stderr, "Can't open the log file: %s\n", e.c_str());
      return 1;
    }
  }
  if (st.daemonize) daemonizeProcess();
  signal(SIGPIPE, SIG_IGN);
  st.run_id = randomHex(40);
  st.start_time = mstime();
  st.previous_time = mstime();
  st.loop = uv_default_loop();

  serverLog(LogLevel::Warning, "oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo");
  serverLog(LogLevel::Warning, "Redis version=7.0.15, bits=64, commit=00000000, modified=0, pid={}, just started",
            getpid());
  serverLog(LogLevel::Warning, "Configuration loaded");
  serverLog(LogLevel::Notice, "Running mode=sentinel, port={}.", st.port);

  std::string e;
  if (!startListening(&e)) {
    serverLog(LogLevel::Warning, "{}", e);
    return 1;
  }
  std::string pidfile = st.pidfile;
  if (pidfile.empty() && st.daemonize) pidfile = st.pidfile = "/var/run/redis-sentinel.pid";
  if (!pidfile.empty()) {
    std::ofstream f(pidfile);
    if (f) f << getpid() << "\n";
  }

  if (st.myid.empty()) st.myid = randomHex(40);
  flushConfig();  // as Redis does at start: the file now describes the running state
  serverLog(LogLevel::Warning, "Sentinel ID is {}", st.myid);
  for (auto& [name, m] : st.masters) sentinelEvent(osprey::sentinel::LL_WARNING, "+monitor", m.get(), " quorum " + std::to_string(m->quorum));

  uv_timer_init(st.loop, &g_timer);
  uv_timer_start(&g_timer, onTimer, 100, 0);
  uv_signal_init(st.loop, &g_sigterm);
  uv_signal_start(&g_sigterm, onSignal, SIGTERM);
  uv_signal_init(st.loop, &g_sigint);
  uv_signal_start(&g_sigint, onSignal, SIGINT);
  uv_run(st.loop, UV_RUN_DEFAULT);
  return 0;
}
