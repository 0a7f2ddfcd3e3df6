// tests/fuzz/fuzz_rdb.cpp — libFuzzer target: loading a whole RDB file from hostile bytes.
//
// The loader must refuse what is corrupt (false, with a reason) and never crash, hang or
// leak; what it accepts must be usable: every key is then read back through DEBUG
// DIGEST, which walks every value, and the databases are emptied for the next input.
// The CRC64 trailer would stop almost every mutation at the last step, so when the input
// ends with eight zero bytes (Redis's "no checksum") the loader skips the check, as Redis
// does: the fuzzer learns to keep them.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "server/db.h"
#include "server/rdb.h"
#include "server/server.h"
#include "tests/fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  osprey::fuzz::Server& ts = osprey::fuzz::server();
  std::string err;
  bool ok = osprey::rdbLoadFromBuffer(
      std::string_view(reinterpret_cast<const char*>(data), size), err);
  if (ok) {
    ts.run({"DEBUG", "DIGEST"});
    osprey::fuzz::readEveryKey(ts);
  }
  ts.run({"FLUSHALL"});
  ts.run({"FUNCTION", "FLUSH"});
  return 0;
}
