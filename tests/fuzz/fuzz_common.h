// tests/fuzz/fuzz_common.h — what the libFuzzer targets share: one in-process server
// (tests/unit/harness.h's TestServer, DEBUG allowed) and a reader that walks every key
// with the read commands of its type, plus one write each, so that a value a loader
// accepted is proven usable.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "common/config.h"
#include "tests/unit/harness.h"

namespace osprey::fuzz {

using Server = osprey::test::TestServer;

inline Server& server() {
  static Server* s = [] {
    // Tests write only in temp directories: the server's working directory (where a
    // save would go) is a fresh one, and no save point is set.
    static char dir[] = "/tmp/osprey-fuzz.XXXXXX";
    if (!mkdtemp(dir) || chdir(dir) != 0) abort();
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    });
    auto* ts = new Server();
    cfg().enable_debug_command = PROTECTED_ACTION_YES;
    ts->run({"CONFIG", "SET", "save", ""});
    return ts;
  }();
  return *s;
}

inline void readKey(Server& ts, const std::string& k) {
  std::string type = ts.run({"TYPE", k});
  ts.run({"OBJECT", "ENCODING", k});
  ts.run({"DEBUG", "DIGEST-VALUE", k});
  ts.run({"DUMP", k});
  if (type == "+string\r\n") {
    ts.run({"GET", k});
    ts.run({"STRLEN", k});
    ts.run({"GETRANGE", k, "1", "-2"});
    ts.run({"APPEND", k, "x"});
  } else if (type == "+list\r\n") {
    ts.run({"LRANGE", k, "0", "-1"});
    ts.run({"LINDEX", k, "-1"});
    ts.run({"LPOS", k, "x"});
    ts.run({"RPUSH", k, "x"});
    ts.run({"LPOP", k});
  } else if (type == "+hash\r\n") {
    ts.run({"HGETALL", k});
    ts.run({"HRANDFIELD", k, "-5", "WITHVALUES"});
    ts.run({"HSET", k, "x", "y"});
    ts.run({"HDEL", k, "x"});
  } else if (type == "+set\r\n") {
    ts.run({"SMEMBERS", k});
    ts.run({"SRANDMEMBER", k, "-5"});
    ts.run({"SISMEMBER", k, "1"});
    ts.run({"SADD", k, "x", "7"});
    ts.run({"SPOP", k});
  } else if (type == "+zset\r\n") {
    ts.run({"ZRANGE", k, "0", "-1", "WITHSCORES"});
    ts.run({"ZRANGEBYLEX", k, "-", "+"});
    ts.run({"ZRANDMEMBER", k, "-5", "WITHSCORES"});
    ts.run({"ZADD", k, "1", "x"});
    ts.run({"ZPOPMIN", k});
  }
  ts.run({"DEBUG", "DIGEST-VALUE", k});
}

inline void readEveryKey(Server& ts) {
  for (int db = 0; db < 16; db++) {
    ts.run({"SELECT", std::to_string(db)});
    for (const std::string& k : osprey::test::bulks(ts.run({"KEYS", "*"}))) readKey(ts, k);
  }
  ts.run({"SELECT", "0"});
}

}  // namespace osprey::fuzz
