// tests/fuzz/fuzz_config.cpp — libFuzzer target: the config-file parser over hostile text.
//
// Loading must either apply the text or fail with Redis's FATAL CONFIG FILE ERROR report,
// never crash. Directives that reach outside the process at load time are left out (the
// input is skipped): `logfile` creates its file, `include` reads any path (a FIFO or
// /dev/zero would never end), `dir` changes the working directory. The harness finds
// them with the parser's own line splitter, so quoting tricks cannot hide them.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<osprey::ConfigLine> lines;
  osprey::ConfigError split_err;
  osprey::splitConfigText(text, &lines, &split_err);  // the lines before any bad quote
  for (const auto& l : lines) {
    if (l.argv.empty()) continue;
    const std::string& d = l.argv[0];
    if (d == "logfile" || d == "include" || d == "dir" || d == "pidfile" || d == "unixsocket")
      return 0;
  }
  std::string report;
  osprey::configResetToDefaults();
  bool ok = osprey::configLoadFromString(text, &report);
  if (!ok && report.find("*** FATAL CONFIG FILE ERROR") == std::string::npos &&
      report.find("FATAL") == std::string::npos)
    __builtin_trap();  // a refusal always says why, in Redis's words
  osprey::configResetToDefaults();
  return 0;
}
