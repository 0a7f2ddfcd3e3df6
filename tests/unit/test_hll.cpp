// tests/unit/test_hll.cpp — HyperLogLog (server/hll.h, server/t_hll.cpp). Register
// positions, stored bytes, estimates and digests were taken from a real Redis 7.0.15 fed
// the same elements (PFDEBUG DECODE, GET, PFCOUNT, sha1 of GET).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "common/config.h"
#include "common/util.h"
#include "server/db.h"
#include "server/hll.h"
#include "tests/unit/harness.h"

using namespace osprey;
using osprey::test::TestServer;

namespace {

using Argv = std::vector<std::string>;
std::string bulk(const std::string& s) { return "$" + std::to_string(s.size()) + "\r\n" + s + "\r\n"; }
std::string integer(long long v) { return ":" + std::to_string(v) + "\r\n"; }

struct PropagationRecorder {
  std::vector<Argv> ops;
  PropagationRecorder() {
    server.propagate_sinks.push_back(
        [this](int, const Argv& argv) { ops.push_back(argv); });
  }
  ~PropagationRecorder() { server.propagate_sinks.pop_back(); }
};

const std::string kABC("HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80`\xf3\x80P\xb1\x84K\xfb\x80\x42Z",
                       27);

}  // namespace

TEST_CASE("HLL: element to register and value, as Redis's PFDEBUG DECODE shows them") {
  struct Case {
    const char* element;
    int reg, value;
  };
  // "Z:12711 v:2,1 Z:3672" means register 12711 holds 2.
  for (Case c : {Case{"a", 12711, 2}, Case{"hello", 9216, 1}, Case{"", 5938, 2},
                 Case{"foobar12345678", 13442, 2}}) {
    int reg, value;
    hll::patternOf(c.element, &reg, &value);
    CHECK(reg == c.reg);
    CHECK(value == c.value);
  }
}

TEST_CASE("HLL: the empty value, sparse bytes and the cache flag") {
  std::string s = hll::makeEmpty();
  CHECK(s == std::string("HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x7f\xff", 18));
  CHECK(hll::looksValid(s));
  CHECK(hll::count(s, nullptr) == 0);
  for (const char* e : {"a", "b", "c"}) CHECK(hll::add(s, e) == 1);
  CHECK(hll::add(s, "a") == 0);
  hll::invalidateCache(s);
  CHECK(s == kABC);
  CHECK(hll::decodeSparse(s) == "Z:8436 v:1,1 Z:4274 v:2,1 Z:3068 v:1,1 Z:603");
  bool invalid = false;
  CHECK(hll::count(s, &invalid) == 3);
  CHECK_FALSE(invalid);
  std::string dense = s;
  REQUIRE(hll::toDense(dense));
  CHECK(dense.size() == hll::kDenseSize);
  CHECK(hll::count(dense, nullptr) == 3);
  CHECK(hll::getDense(reinterpret_cast<const uint8_t*>(dense.data()) + 16, 12711) == 2);
}

TEST_CASE("HLL: validity checks and corrupt sparse data") {
  CHECK_FALSE(hll::looksValid("HYLL"));
  CHECK_FALSE(hll::looksValid(std::string("HYLX\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x7f\xff", 18)));
  CHECK_FALSE(hll::looksValid(std::string("HYLL\x02\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x7f\xff", 18)));
  CHECK_FALSE(hll::looksValid(std::string("HYLL\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x7f\xff", 18)));
  std::string s = kABC + "hello";  // registers past 16384
  bool invalid = false;
  hll::count(s, &invalid);
  CHECK(invalid);
  std::string copy = s;
  CHECK_FALSE(hll::toDense(copy));
  CHECK(copy == s);
}

TEST_CASE("PFADD / PFCOUNT / PFMERGE through the commands") {
  TestServer ts;
  CHECK(ts.run({"PFADD", "h", "a", "b", "c"}) == integer(1));
  CHECK(ts.run({"GET", "h"}) == bulk(kABC));
  CHECK(ts.run({"PFCOUNT", "h"}) == integer(3));
  std::string cached = kABC;
  cached[8] = 3;
  cached[15] = 0;
  CHECK(ts.run({"GET", "h"}) == bulk(cached));
  CHECK(ts.run({"PFADD", "h", "a"}) == integer(0));
  CHECK(ts.run({"GET", "h"}) == bulk(cached));  // nothing changed: the cache stays valid
  ts.run({"PFADD", "h2", "c", "d"});
  CHECK(ts.run({"PFCOUNT", "h", "h2", "nokey"}) == integer(4));
  CHECK(ts.run({"PFMERGE", "m", "h", "h2"}) == "+OK\r\n");
  CHECK(ts.run({"PFCOUNT", "m"}) == integer(4));
  ts.run({"SET", "str", "foo"});
  CHECK(ts.run({"PFADD", "str", "x"}) ==
        "-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n");
  ts.run({"SET", "bad", kABC + "hello"});
  CHECK(ts.run({"PFCOUNT", "bad"}) == "-INVALIDOBJ Corrupted HLL object detected\r\n");
  CHECK(ts.run({"PFDEBUG", "ENCODING", "h"}) == "+sparse\r\n");
  CHECK(ts.run({"PFDEBUG", "TODENSE", "h"}) == integer(1));
  CHECK(ts.run({"PFDEBUG", "DECODE", "h"}) == "-ERR HLL encoding is not sparse\r\n");
  CHECK(ts.run({"PFDEBUG", "NOPE", "h"}) == "-ERR Unknown PFDEBUG subcommand 'NOPE'\r\n");
  CHECK(ts.run({"PFDEBUG", "ENCODING", "nokey"}) == "-ERR The specified key does not exist\r\n");
  CHECK(ts.run({"PFSELFTEST"}) == "+OK\r\n");
}

TEST_CASE("HLL: 20,000 elements give Redis's dense bytes and estimate") {
  TestServer ts;
  for (int j = 0; j < 20000; j += 500) {
    Argv argv{"PFADD", "big"};
    for (int i = j; i < j + 500; i++) argv.push_back("e:" + std::to_string(i));
    CHECK(ts.run(argv) == integer(1));
  }
  CHECK(ts.run({"PFCOUNT", "big"}) == integer(20096));
  CHECK(ts.run({"PFDEBUG", "ENCODING", "big"}) == "+dense\r\n");
  Object* o = lookupKeyPeek(server.dbs[0], "big");
  REQUIRE(o);
  CHECK(sha1hex(o->str()) == "f4b4087302780c3097ab7e25dbdb2e2cec6b90f4");
}

TEST_CASE("HLL writes replicate: PFADD when a register changed, PFCOUNT when it cached") {
  TestServer ts;
  PropagationRecorder rec;
  ts.run({"PFADD", "h", "a"});
  ts.run({"PFADD", "h", "a"});      // no change
  ts.run({"PFCOUNT", "h"});         // stores the cache
  ts.run({"PFCOUNT", "h"});         // reads it
  ts.run({"PFDEBUG", "TODENSE", "h"});
  ts.run({"PFDEBUG", "TODENSE", "h"});  // already dense
  REQUIRE(rec.ops.size() == 3);
  CHECK(rec.ops[0] == Argv{"PFADD", "h", "a"});
  CHECK(rec.ops[1] == Argv{"PFCOUNT", "h"});
  CHECK(rec.ops[2] == Argv{"PFDEBUG", "TODENSE", "h"});
}

TEST_CASE("PFCOUNT may replicate (CLIENT PAUSE WRITE holds it) but COMMAND lists only readonly") {
  TestServer ts;
  Command* cmd = server.commands.lookupName("pfcount");
  REQUIRE(cmd);
  CHECK(cmd->has(CMD_MAY_REPLICATE));
  std::string info = ts.run({"COMMAND", "INFO", "pfcount"});
  CHECK(info.rfind("*1\r\n*10\r\n$7\r\npfcount\r\n:-2\r\n*1\r\n+readonly\r\n", 0) == 0);
}
