// common/log.cpp — Redis-format log lines (see common/log.h) written through one
// spdlog logger whose sink is either stdout or an append-mode file. We build the whole
// line ourselves (pid, role, millisecond timestamp, level char) and give spdlog the
// "%v" pattern, so the output does not depend on spdlog's own formatting.
#include "common/log.h"

#include <spdlog/logger.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>
#include <mutex>

namespace osprey {

namespace {

std::atomic<int> gLevel{static_cast<int>(LogLevel::Notice)};
std::atomic<char> gRole{'M'};

// One mutex guards both the logger pointer and writes: the sinks are the
// single-threaded variants, so this is the only lock taken per line.
std::mutex gMutex;
std::shared_ptr<spdlog::logger> gLogger;

std::shared_ptr<spdlog::logger> makeLogger(spdlog::sink_ptr sink) {
  auto logger = std::make_shared<spdlog::logger>("osprey", std::move(sink));
  logger->set_pattern("%v");
  logger->set_level(spdlog::level::trace);
  logger->flush_on(spdlog::level::trace);  // flush every line
  return logger;
}

// Caller holds gMutex.
spdlog::logger& currentLogger() {
  if (!gLogger) gLogger = makeLogger(std::make_shared<spdlog::sinks::stdout_sink_st>());
  return *gLogger;
}

// "22 Nov 2026 04:49:38.123", month names fixed to the C locale as Redis prints them.
size_t formatTimestamp(char* buf, size_t size) {
  static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  struct timeval tv;
  gettimeofday(&tv, nullptr);
  time_t secs = tv.tv_sec;
  struct tm tm;
  localtime_r(&secs, &tm);
  int n = std::snprintf(buf, size, "%02d %s %d %02d:%02d:%02d.%03d", tm.tm_mday,
                        kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                        tm.tm_sec, static_cast<int>(tv.tv_usec / 1000));
  return n < 0 ? 0 : static_cast<size_t>(n);
}

}  // namespace

void logSetLevel(LogLevel level) { gLevel.store(static_cast<int>(level)); }

LogLevel logLevel() { return static_cast<LogLevel>(gLevel.load(std::memory_order_relaxed)); }

bool logSetLevelByName(std::string_view name) {
  static const struct {
    const char* name;
    LogLevel level;
  } kLevels[] = {{"debug", LogLevel::Debug},
                 {"verbose", LogLevel::Verbose},
                 {"notice", LogLevel::Notice},
                 {"warning", LogLevel::Warning}};
  for (const auto& entry : kLevels) {
    if (name.size() == std::strlen(entry.name) &&
        strncasecmp(name.data(), entry.name, name.size()) == 0) {
      logSetLevel(entry.level);
      return true;
    }
  }
  return false;
}

bool logTrySetFile(const std::string& path, std::string* error) {
  spdlog::sink_ptr sink;
  if (path.empty()) {
    sink = std::make_shared<spdlog::sinks::stdout_sink_st>();
  } else {
    // Probe with fopen first: spdlog would create missing directories and reports
    // failures as exceptions, while Redis simply fails with errno's text.
    FILE* probe = std::fopen(path.c_str(), "a");
    if (!probe) {
      if (error) *error = std::strerror(errno);
      return false;
    }
    std::fclose(probe);
    try {
      sink = std::make_shared<spdlog::sinks::basic_file_sink_st>(path, /*truncate=*/false);
    } catch (const spdlog::spdlog_ex& e) {
      if (error) *error = e.what();
      return false;
    }
  }
  auto logger = makeLogger(std::move(sink));
  std::lock_guard<std::mutex> lock(gMutex);
  gLogger = std::move(logger);
  return true;
}

void logSetFile(const std::string& path) { logTrySetFile(path, nullptr); }

void logSetRole(char role) { gRole.store(role); }

void logRaw(LogLevel level, std::string_view msg) {
  int lv = static_cast<int>(level);
  if (lv < gLevel.load(std::memory_order_relaxed)) return;
  static const char kLevelChars[] = {'.', '-', '*', '#'};
  char prefix[96];
  int n = std::snprintf(prefix, sizeof(prefix), "%d:%c ", static_cast<int>(getpid()),
                        gRole.load(std::memory_order_relaxed));
  size_t len = n < 0 ? 0 : static_cast<size_t>(n);
  len += formatTimestamp(prefix + len, sizeof(prefix) - len);
  if (len + 4 <= sizeof(prefix)) {
    prefix[len++] = ' ';
    prefix[len++] = kLevelChars[lv & 3];
    prefix[len++] = ' ';
  }
  std::string line;
  line.reserve(len + msg.size());
  line.append(prefix, len);
  line.append(msg);
  std::lock_guard<std::mutex> lock(gMutex);
  currentLogger().log(spdlog::level::info, spdlog::string_view_t(line.data(), line.size()));
}

}  // namespace osprey

namespace osprey {

void logVerbatim(LogLevel level, std::string_view text) {
  if (static_cast<int>(level) < gLevel.load(std::memory_order_relaxed)) return;
  std::lock_guard<std::mutex> lock(gMutex);
  currentLogger().log(spdlog::level::info, spdlog::string_view_t(text.data(), text.size()));
}

}  // namespace osprey
