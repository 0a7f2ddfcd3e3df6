// common/log.h — the server's log in Redis's exact line format,
//   <pid>:<role> <dd> <Mon> <yyyy> <hh>:<mm>:<ss>.<mmm> <level char> <message>
// written through spdlog to stdout or to an append-mode file, flushed after every line
// (tests tail the log file). Safe to call from any thread.
#pragma once

#include <fmt/format.h>

#include <string>
#include <string_view>

namespace osprey {

enum class LogLevel { Debug = 0, Verbose = 1, Notice = 2, Warning = 3 };

void logSetLevel(LogLevel level);
LogLevel logLevel();
// Accepts "debug", "verbose", "notice", "warning" in any case (as CONFIG SET loglevel).
bool logSetLevelByName(std::string_view name);

// "" logs to stdout; otherwise the file is opened in append mode. Calling it again
// switches (or reopens) the destination. On failure the previous destination is kept.
void logSetFile(const std::string& path);
// As logSetFile, but reports failure with Redis-style wording in *error (strerror text),
// so startup can print "Can't open the log file: ..." and exit as Redis does.
bool logTrySetFile(const std::string& path, std::string* error);

// 'M' master, 'S' replica, 'C' forked child, 'X' sentinel.
void logSetRole(char role);

// Writes msg as one log line; nothing happens below the current level.
void logRaw(LogLevel level, std::string_view msg);
// Writes text as it is, without the pid/time/level prefix (the start-up banner).
void logVerbatim(LogLevel level, std::string_view text);

namespace detail {
// Redis formats serverLog messages into a 1024-byte buffer, so longer ones are cut to
// 1023 bytes; logRaw itself writes any length.
inline constexpr size_t kLogMaxLen = 1024;
}  // namespace detail

// fmt-style formatted log line; the level is checked first so filtered messages cost
// no formatting.
template <class... A>
void serverLog(LogLevel level, fmt::format_string<A...> format, A&&... args) {
  if (static_cast<int>(level) < static_cast<int>(logLevel())) return;
  char buf[detail::kLogMaxLen];
  auto result = fmt::format_to_n(buf, sizeof(buf) - 1, format, std::forward<A>(args)...);
  size_t len = result.size < sizeof(buf) - 1 ? result.size : sizeof(buf) - 1;
  logRaw(level, std::string_view(buf, len));
}

}  // namespace osprey
