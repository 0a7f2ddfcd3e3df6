// tests/unit/test_bitops.cpp — the bitmap commands (server/t_bitops.cpp) and their bit
// arithmetic (server/bitops.h). Expected replies, dirty counts and propagated commands
// were taken from a real Redis 7.0.15 running the same commands.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "common/config.h"
#include "server/bitops.h"
#include "server/db.h"
#include "tests/unit/harness.h"

using namespace osprey;
using osprey::test::TestServer;

namespace {

using Argv = std::vector<std::string>;
std::string bulk(const std::string& s) { return "$" + std::to_string(s.size()) + "\r\n" + s + "\r\n"; }
std::string integer(long long v) { return ":" + std::to_string(v) + "\r\n"; }
const std::string kWrongType =
    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
const std::string kBadOffset = "-ERR bit offset is not an integer or out of range\r\n";

struct PropagationRecorder {
  std::vector<Argv> ops;
  PropagationRecorder() {
    server.propagate_sinks.push_back(
        [this](int, const Argv& argv) { ops.push_back(argv); });
  }
  ~PropagationRecorder() { server.propagate_sinks.pop_back(); }
};

const uint8_t* u8(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }

}  // namespace

TEST_CASE("bit arithmetic: popcount, first bit, fields MSB first") {
  std::string s("\x00\x0f\xf0\xff\x00\x00\x00\x00\x00\x01", 10);
  CHECK(bits::popcount(u8(s), s.size()) == 17);
  CHECK(bits::firstBit(u8(s), s.size(), 1) == 12);
  CHECK(bits::firstBit(u8(s), s.size(), 0) == 0);
  CHECK(bits::firstBit(u8(s) + 3, 1, 0) == -1);
  CHECK(bits::firstBit(u8(s) + 4, 6, 1) == 47);  // past a whole zero word
  // Long enough for the four-word loop, the one-word loop and the byte tail.
  std::string longer;
  uint64_t naive = 0;
  for (int i = 0; i < 77; i++) {
    uint8_t b = static_cast<uint8_t>(i * 37 + 11);
    longer.push_back(static_cast<char>(b));
    naive += static_cast<uint64_t>(__builtin_popcount(b));
  }
  CHECK(bits::popcount(u8(longer), longer.size()) == naive);
  CHECK(naive == 308);
  std::string f(9, '\0');
  uint8_t* p = reinterpret_cast<uint8_t*>(f.data());
  bits::setField(p, 3, 8, 0xab);
  CHECK(f.substr(0, 2) == std::string("\x15\x60", 2));
  CHECK(bits::getUnsigned(p, 3, 8) == 0xab);
  CHECK(bits::getSigned(p, 3, 8) == -85);
  bits::setField(p, 5, 64, 0x8000000000000001ULL);
  CHECK(bits::getSigned(p, 5, 64) == INT64_MIN + 1);
  CHECK(bits::getUnsigned(p, 5, 63) == 0x4000000000000000ULL);
}

TEST_CASE("bit arithmetic: BITFIELD overflow rules") {
  using bits::Overflow;
  int64_t r = 0;
  CHECK_FALSE(bits::addSigned(100, 27, 8, Overflow::Wrap, &r));
  CHECK(r == 127);
  CHECK(bits::addSigned(100, 257, 8, Overflow::Wrap, &r));
  CHECK(r == 101);
  CHECK(bits::addSigned(100, 257, 8, Overflow::Sat, &r));
  CHECK(r == 127);
  CHECK(bits::addSigned(-100, -255, 8, Overflow::Sat, &r));
  CHECK(r == -128);
  CHECK(bits::addSigned(INT64_MAX, 1, 64, Overflow::Wrap, &r));
  CHECK(r == INT64_MIN);
  CHECK(bits::addSigned(INT64_MIN, -1, 64, Overflow::Sat, &r));
  CHECK(r == INT64_MIN);
  r = 42;
  CHECK(bits::addSigned(4, 0, 3, Overflow::Fail, &r));
  CHECK(r == 42);  // FAIL leaves the result alone
  uint64_t u = 0;
  CHECK(bits::addUnsigned(100, 257, 8, Overflow::Wrap, &u));
  CHECK(u == 101);
  CHECK(bits::addUnsigned(100, -255, 8, Overflow::Sat, &u));
  CHECK(u == 0);
  // A negative SET value is a huge unsigned one: it saturates to the maximum.
  CHECK(bits::addUnsigned(static_cast<uint64_t>(-1LL), 0, 8, Overflow::Sat, &u));
  CHECK(u == 255);
  CHECK_FALSE(bits::addUnsigned(0, (1LL << 62), 63, Overflow::Fail, &u));
}

TEST_CASE("SETBIT / GETBIT: replies, growth, errors, encodings") {
  TestServer ts;
  CHECK(ts.run({"SETBIT", "k", "7", "1"}) == integer(0));
  CHECK(ts.run({"GET", "k"}) == bulk("\x01"));
  CHECK(ts.run({"SETBIT", "k", "7", "0"}) == integer(1));
  CHECK(ts.run({"SETBIT", "k", "23", "1"}) == integer(0));
  CHECK(ts.run({"GET", "k"}) == bulk(std::string("\x00\x00\x01", 3)));
  CHECK(ts.run({"SETBIT", "k", "-1", "1"}) == kBadOffset);
  CHECK(ts.run({"SETBIT", "k", "4294967296", "1"}) == kBadOffset);  // byte 512MB
  CHECK(ts.run({"SETBIT", "k", "1", "2"}) == "-ERR bit is not an integer or out of range\r\n");
  CHECK(ts.run({"SETBIT", "k", "x", "2"}) == kBadOffset);  // the offset is checked first
  CHECK(ts.run({"SET", "n", "12"}) == "+OK\r\n");
  CHECK(ts.run({"SETBIT", "n", "7", "0"}) == integer(1));  // '1' is 0x31
  CHECK(ts.run({"GET", "n"}) == bulk("02"));
  CHECK(ts.run({"OBJECT", "ENCODING", "n"}) == bulk("raw"));
  CHECK(ts.run({"GETBIT", "n", "2"}) == integer(1));
  CHECK(ts.run({"GETBIT", "n", "100"}) == integer(0));
  CHECK(ts.run({"GETBIT", "nokey", "0"}) == integer(0));
  CHECK(ts.run({"RPUSH", "l", "a"}) == integer(1));
  CHECK(ts.run({"SETBIT", "l", "0", "1"}) == kWrongType);
  CHECK(ts.run({"GETBIT", "l", "0"}) == kWrongType);
}

TEST_CASE("BITCOUNT and BITPOS ranges in bytes and bits") {
  TestServer ts;
  ts.run({"SET", "s", "foobar"});
  CHECK(ts.run({"BITCOUNT", "s"}) == integer(26));
  CHECK(ts.run({"BITCOUNT", "s", "1", "1"}) == integer(6));
  CHECK(ts.run({"BITCOUNT", "s", "5", "30", "BIT"}) == integer(17));
  CHECK(ts.run({"BITCOUNT", "s", "-1", "-2", "nonsense"}) == integer(0));
  CHECK(ts.run({"BITCOUNT", "s", "0"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"BITCOUNT", "nokey", "0"}) == integer(0));  // missing key first
  ts.run({"SET", "p", "\xff\xf0"});
  CHECK(ts.run({"BITPOS", "p", "0"}) == integer(12));
  CHECK(ts.run({"BITPOS", "p", "1", "1"}) == integer(8));
  ts.run({"SET", "f", "\xff\xff"});
  CHECK(ts.run({"BITPOS", "f", "0"}) == integer(16));  // zero-padded on the right
  CHECK(ts.run({"BITPOS", "f", "0", "0", "-1"}) == integer(-1));  // not with an end
  CHECK(ts.run({"BITPOS", "f", "0", "3", "9", "bit"}) == integer(-1));
  CHECK(ts.run({"BITPOS", "nokey", "0"}) == integer(0));
  CHECK(ts.run({"BITPOS", "nokey", "1"}) == integer(-1));
  CHECK(ts.run({"BITPOS", "f", "2"}) == "-ERR The bit argument must be 1 or 0.\r\n");
}

TEST_CASE("BITOP: padding, NOT, empty results delete the target") {
  TestServer ts;
  ts.run({"SET", "a", "\x01\x02\xff\xff"});
  ts.run({"SET", "b", "\x01\x02\xff"});
  CHECK(ts.run({"BITOP", "AND", "r", "a", "b"}) == integer(4));
  CHECK(ts.run({"GET", "r"}) == bulk(std::string("\x01\x02\xff\x00", 4)));
  CHECK(ts.run({"BITOP", "XOR", "r", "a", "b"}) == integer(4));
  CHECK(ts.run({"GET", "r"}) == bulk(std::string("\x00\x00\x00\xff", 4)));
  CHECK(ts.run({"BITOP", "NOT", "r", "a", "b"}) ==
        "-ERR BITOP NOT must be called with a single source key.\r\n");
  CHECK(ts.run({"BITOP", "NAND", "r", "a"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"BITOP", "OR", "r", "nokey"}) == integer(0));
  CHECK(ts.run({"EXISTS", "r"}) == integer(0));
  ts.run({"RPUSH", "l", "x"});
  CHECK(ts.run({"BITOP", "OR", "r", "a", "l"}) == kWrongType);
}

TEST_CASE("BITFIELD: operations, overflow, # offsets, BITFIELD_RO") {
  TestServer ts;
  CHECK(ts.run({"BITFIELD", "bf", "SET", "u8", "#1", "66", "GET", "u8", "#1"}) ==
        "*2\r\n:0\r\n:66\r\n");
  CHECK(ts.run({"GET", "bf"}) == bulk(std::string("\x00\x42", 2)));
  CHECK(ts.run({"BITFIELD", "bf", "OVERFLOW", "FAIL", "INCRBY", "u8", "8", "200", "OVERFLOW",
                "SAT", "INCRBY", "u8", "8", "200", "GET", "i8", "8"}) ==
        "*3\r\n$-1\r\n:255\r\n:-1\r\n");
  CHECK(ts.run({"BITFIELD", "bf", "GET", "u64", "0"}) ==
        "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported "
        "but i64 is.\r\n");
  CHECK(ts.run({"BITFIELD", "bf", "OVERFLOW", "X"}) == "-ERR Invalid OVERFLOW type specified\r\n");
  CHECK(ts.run({"BITFIELD", "bf", "GET", "u8"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"BITFIELD_RO", "bf", "GET", "u8", "8", "SET", "u8", "0", "1"}) ==
        "-ERR BITFIELD_RO only supports the GET subcommand\r\n");
  CHECK(ts.run({"BITFIELD_RO", "bf", "GET", "u8", "8"}) == "*1\r\n:255\r\n");
  CHECK(ts.run({"BITFIELD", "nokey", "GET", "i64", "100"}) == "*1\r\n:0\r\n");
  CHECK(ts.run({"EXISTS", "nokey"}) == integer(0));
}

TEST_CASE("bitmap writes count and replicate only real changes") {
  TestServer ts;
  PropagationRecorder rec;
  long long d0 = server.dirty;
  ts.run({"SETBIT", "k", "0", "0"});  // creates the key: a change
  ts.run({"SETBIT", "k", "0", "0"});  // nothing changes
  ts.run({"SETBIT", "k", "0", "1"});
  ts.run({"BITFIELD", "b", "SET", "i5", "0", "0"});  // creates
  ts.run({"BITFIELD", "b", "SET", "i5", "0", "0"});
  ts.run({"BITFIELD", "b", "SET", "i5", "0", "1", "SET", "i5", "0", "2"});  // two changes
  ts.run({"BITFIELD", "b", "GET", "i5", "0"});
  ts.run({"BITOP", "NOT", "n", "k"});
  CHECK(server.dirty - d0 == 6);
  REQUIRE(rec.ops.size() == 5);
  CHECK(rec.ops[0] == Argv{"SETBIT", "k", "0", "0"});
  CHECK(rec.ops[1] == Argv{"SETBIT", "k", "0", "1"});
  CHECK(rec.ops[2] == Argv{"BITFIELD", "b", "SET", "i5", "0", "0"});
  CHECK(rec.ops[3] == Argv{"BITFIELD", "b", "SET", "i5", "0", "1", "SET", "i5", "0", "2"});
  CHECK(rec.ops[4] == Argv{"BITOP", "NOT", "n", "k"});
}

TEST_CASE("offsets obey proto-max-bulk-len") {
  TestServer ts;
  long long saved = cfg().proto_max_bulk_len;
  cfg().proto_max_bulk_len = 1024 * 1024;
  CHECK(ts.run({"SETBIT", "big", "8388608", "1"}) == kBadOffset);
  CHECK(ts.run({"SETBIT", "big", "8388607", "1"}) == integer(0));
  CHECK(ts.run({"STRLEN", "big"}) == integer(1024 * 1024));
  CHECK(ts.run({"BITFIELD", "big", "GET", "u8", "#1048576"}) == kBadOffset);
  CHECK(ts.run({"BITPOS", "big", "1"}) == integer(8388607));
  CHECK(ts.run({"BITCOUNT", "big"}) == integer(1));
  cfg().proto_max_bulk_len = saved;
}
