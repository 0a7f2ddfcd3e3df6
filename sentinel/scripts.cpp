// sentinel/scripts.cpp — notification-script and client-reconfig-script: a queue of jobs
// (at most 256), at most 16 running at once, each killed after the script max runtime; a
// job exiting with 1 or killed by a signal is retried up to 10 times with a doubling delay
// (Redis's sentinelRunPendingScripts / sentinelCollectTerminatedScripts).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "sentinel/sentinel.h"

extern char** environ;

namespace osprey::sentinel {

namespace {

long long retryDelay(int retry_num) {
  long long delay = S().timers.script_retry_delay;
  while (retry_num-- > 1) delay *= 2;
  return delay;
}

}  // namespace

void scheduleScript(const std::string& path, const std::vector<std::string>& args) {
  auto job = std::make_unique<ScriptJob>();
  job->argv.push_back(path);
  for (const auto& a : args) job->argv.push_back(a);
  auto& q = S().scripts_queue;
  q.push_back(std::move(job));
  if (static_cast<int>(q.size()) > kScriptMaxQueue) {
    // Drop the oldest job that is not running.
    for (auto it = q.begin(); it != q.end(); ++it) {
      if ((*it)->running) continue;
      q.erase(it);  // dropped silently, as Redis does
      break;
    }
  }
}

void runPendingScripts() {
  long long now = mstime();
  for (auto& job : S().scripts_queue) {
    if (S().running_scripts >= kScriptMaxRunning) break;
    if (job->running || job->start_time > now) continue;
    job->running = true;
    job->start_time = mstime();
    job->retry_num++;
    pid_t pid = fork();
    if (pid == -1) {
      sentinelEvent(LL_WARNING, "-script-error", nullptr, job->argv[0] + " 99 0", false);
      job->running = false;
      job->pid = 0;
    } else if (pid == 0) {
      std::vector<char*> argv;
      for (auto& a : job->argv) argv.push_back(a.data());
      argv.push_back(nullptr);
      // The script must not inherit our sockets or log file.
      for (int fd = 3; fd < 65536; fd++) close(fd);
      execve(argv[0], argv.data(), environ);
      _exit(2);  // could not run the script
    } else {
      S().running_scripts++;
      job->pid = pid;
      sentinelEvent(LL_DEBUG, "+script-child", nullptr, std::to_string(pid), false);
    }
  }
}

void collectTerminatedScripts() {
  int status;
  pid_t pid;
  while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
    int exitcode = WIFEXITED(status) ? WEXITSTATUS(status) : 0;
    int bysignal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    sentinelEvent(LL_DEBUG, "-script-child", nullptr,
                  std::to_string(pid) + " " + std::to_string(bysignal) + " " + std::to_string(exitcode), false);
    auto& q = S().scripts_queue;
    for (auto it = q.begin(); it != q.end(); ++it) {
      ScriptJob* job = it->get();
      if (job->pid != pid) continue;
      if ((bysignal || exitcode == 1) && job->retry_num != kScriptMaxRetry) {
        job->running = false;
        job->pid = 0;
        job->start_time = mstime() + retryDelay(job->retry_num);
      } else {
        if (bysignal || exitcode != 0)
          sentinelEvent(LL_WARNING, "-script-error", nullptr,
                        job->argv[0] + " " + std::to_string(bysignal) + " " + std::to_string(exitcode), false);
        q.erase(it);
      }
      S().running_scripts--;
      break;
    }
  }
}

void killTimedoutScripts() {
  long long now = mstime();
  for (auto& job : S().scripts_queue) {
    if (job->running && now - job->start_time > S().timers.script_max_runtime) {
      sentinelEvent(LL_WARNING, "-script-timeout", nullptr, job->argv[0] + " " + std::to_string(job->pid), false);
      kill(job->pid, SIGKILL);
    }
  }
}

void callClientReconfScript(Instance* master, const char* role, const char* state, const Addr& from,
                            const Addr& to) {
  if (master->client_reconfig_script.empty()) return;
  scheduleScript(master->client_reconfig_script,
                 {master->name, role, state, announceAddr(from), std::to_string(from.port), announceAddr(to),
                  std::to_string(to.port)});
}

std::vector<PendingScriptInfo> pendingScripts() {
  std::vector<PendingScriptInfo> out;
  long long now = mstime();
  for (auto& job : S().scripts_queue) {
    PendingScriptInfo p;
    p.argv = job->argv;
    p.running = job->running;
    p.run_time = job->running ? now - job->start_time : (job->start_time ? job->start_time - now : 0);
    p.pid = job->pid;
    p.retry_num = job->retry_num;
    out.push_back(std::move(p));
  }
  return out;
}

size_t scriptsQueueLength() { return S().scripts_queue.size(); }

bool scriptPathUsable(const std::string& path) { return access(path.c_str(), X_OK) == 0; }

}  // namespace osprey::sentinel
