// tests/unit/test_set.cpp — the set commands (server/t_set.cpp), byte for byte. Every
// expected reply, error text, encoding, keyspace event, dirty count and propagated effect
// was taken from a real Redis 7.0.15 running the same commands; random replies are
// checked by their properties (sizes, distinctness, membership).
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "common/config.h"
#include "server/db.h"
#include "server/t_set.h"
#include "tests/unit/harness.h"

using namespace osprey;
using osprey::test::TestServer;

namespace {

const std::string kWrongType =
    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
const std::string kNotInt = "-ERR value is not an integer or out of range\r\n";
const std::string kSyntax = "-ERR syntax error\r\n";

std::string bulk(const std::string& s) {
  return "$" + std::to_string(s.size()) + "\r\n" + s + "\r\n";
}

std::string arr(const std::vector<std::string>& items) {
  std::string out = "*" + std::to_string(items.size()) + "\r\n";
  for (const auto& s : items) out += bulk(s);
  return out;
}

std::string resp3set(const std::vector<std::string>& items) {
  std::string out = "~" + std::to_string(items.size()) + "\r\n";
  for (const auto& s : items) out += bulk(s);
  return out;
}

using osprey::test::bulks;

std::set<std::string> members(TestServer& ts, const std::string& key) {
  auto b = bulks(ts.run({"SMEMBERS", key}));
  return {b.begin(), b.end()};
}

std::string encoding(TestServer& ts, const std::string& key) {
  auto b = bulks(ts.run({"OBJECT", "ENCODING", key}));
  return b.empty() ? "" : b[0];
}

bool keyExists(const std::string& key) { return lookupKeyPeek(server.dbs[0], key) != nullptr; }

// SADD key <prefix>from ... <prefix>(to-1)
std::vector<std::string> saddRange(const std::string& key, int from, int to,
                                   const std::string& prefix = "") {
  std::vector<std::string> argv{"SADD", key};
  for (int i = from; i < to; i++) argv.push_back(prefix + std::to_string(i));
  return argv;
}

struct PropagationRecorder {
  std::vector<std::vector<std::string>> ops;
  PropagationRecorder() {
    server.propagate_sinks.push_back(
        [this](int, const std::vector<std::string>& argv) { ops.push_back(argv); });
  }
  ~PropagationRecorder() { server.propagate_sinks.pop_back(); }
};

}  // namespace

TEST_CASE("SADD / SREM / SCARD / SISMEMBER / SMISMEMBER") {
  TestServer ts;
  CHECK(ts.run({"SADD", "s", "5", "3", "1", "-2", "10", "3"}) == ":5\r\n");
  CHECK(ts.run({"SADD", "s", "1"}) == ":0\r\n");
  CHECK(ts.run({"SCARD", "s"}) == ":5\r\n");
  CHECK(ts.run({"SCARD", "nokey"}) == ":0\r\n");
  CHECK(ts.run({"SISMEMBER", "s", "3"}) == ":1\r\n");
  CHECK(ts.run({"SISMEMBER", "s", "4"}) == ":0\r\n");
  CHECK(ts.run({"SISMEMBER", "s", "03"}) == ":0\r\n");
  CHECK(ts.run({"SISMEMBER", "nokey", "3"}) == ":0\r\n");
  CHECK(ts.run({"SMISMEMBER", "s", "3", "4", "10"}) == "*3\r\n:1\r\n:0\r\n:1\r\n");
  CHECK(ts.run({"SMISMEMBER", "nokey", "a", "b"}) == "*2\r\n:0\r\n:0\r\n");
  CHECK(ts.run({"SREM", "s", "9"}) == ":0\r\n");
  CHECK(ts.run({"SREM", "nokey", "9"}) == ":0\r\n");
  CHECK(ts.run({"SREM", "s", "3", "3", "5"}) == ":2\r\n");
  CHECK(ts.run({"TYPE", "s"}) == "+set\r\n");
  // Emptying the set deletes the key, and the count stops there.
  CHECK(ts.run({"SREM", "s", "1", "-2", "10", "1"}) == ":3\r\n");
  CHECK_FALSE(keyExists("s"));
  CHECK(ts.run({"SADD", "s"}) == "-ERR wrong number of arguments for 'sadd' command\r\n");
  CHECK(ts.run({"SMISMEMBER", "s"}) ==
        "-ERR wrong number of arguments for 'smismember' command\r\n");
}

TEST_CASE("every set command answers WRONGTYPE on another type") {
  TestServer ts;
  ts.run({"SET", "str", "x"});
  ts.run({"SADD", "s", "1"});
  const std::vector<std::vector<std::string>> cmds = {
      {"SADD", "str", "a"},
      {"SREM", "str", "a"},
      {"SCARD", "str"},
      {"SISMEMBER", "str", "a"},
      {"SMISMEMBER", "str", "a"},
      {"SMEMBERS", "str"},
      {"SPOP", "str"},
      {"SPOP", "str", "2"},
      {"SRANDMEMBER", "str"},
      {"SRANDMEMBER", "str", "-2"},
      {"SMOVE", "str", "s", "x"},
      {"SMOVE", "s", "str", "x"},
      {"SINTER", "s", "str"},
      {"SINTER", "nokey", "str"},
      {"SINTERCARD", "2", "s", "str"},
      {"SINTERSTORE", "d", "s", "str"},
      {"SUNION", "nokey", "str"},
      {"SUNIONSTORE", "d", "str"},
      {"SDIFF", "nokey", "str"},
      {"SDIFF", "str", "nokey"},
      {"SDIFFSTORE", "d", "s", "str"},
      {"SSCAN", "str", "0"},
      {"SSCAN", "str", "0", "foo"},
  };
  for (const auto& argv : cmds) CHECK_MESSAGE(ts.run(argv) == kWrongType, argv[0]);
  // A missing source makes SMOVE answer 0 before the destination's type is looked at.
  CHECK(ts.run({"SMOVE", "nokey", "str", "x"}) == ":0\r\n");
  CHECK(ts.run({"SSCAN", "str", "abc"}) == "-ERR invalid cursor\r\n");
}

TEST_CASE("set encodings: intset while integers and <= 512, else hashtable, one way") {
  TestServer ts;
  ts.run({"SADD", "s", "5", "3", "1", "-2", "10"});
  CHECK(encoding(ts, "s") == "intset");
  CHECK(ts.run({"SMEMBERS", "s"}) == arr({"-2", "1", "3", "5", "10"}));  // ascending
  CHECK(ts.run({"SSCAN", "s", "0"}) == "*2\r\n$1\r\n0\r\n" + arr({"-2", "1", "3", "5", "10"}));
  // Not an integer for string2ll: "007", "+1", 2^63 -> hashtable.
  ts.run({"SADD", "s", "007"});
  CHECK(encoding(ts, "s") == "hashtable");
  ts.run({"SREM", "s", "007"});
  CHECK(encoding(ts, "s") == "hashtable");
  ts.run({"SADD", "s2", "9223372036854775807", "-9223372036854775808"});
  CHECK(encoding(ts, "s2") == "intset");
  CHECK(ts.run({"SMEMBERS", "s2"}) == arr({"-9223372036854775808", "9223372036854775807"}));
  ts.run({"SADD", "s3", "9223372036854775808"});
  CHECK(encoding(ts, "s3") == "hashtable");
  ts.run({"SADD", "s4", "+1"});
  CHECK(encoding(ts, "s4") == "hashtable");
  ts.run({"SADD", "s5", "a"});
  CHECK(encoding(ts, "s5") == "hashtable");
  ts.run({"SADD", "s5", "1"});
  CHECK(encoding(ts, "s5") == "hashtable");

  ts.run(saddRange("i", 0, 512));
  CHECK(encoding(ts, "i") == "intset");
  ts.run({"SADD", "i", "512"});
  CHECK(encoding(ts, "i") == "hashtable");
  ts.run({"SREM", "i", "512"});
  CHECK(encoding(ts, "i") == "hashtable");
  ts.run(saddRange("i2", 0, 513));
  CHECK(encoding(ts, "i2") == "hashtable");

  CHECK(ts.run({"CONFIG", "SET", "set-max-intset-entries", "2"}) == "+OK\r\n");
  ts.run({"SADD", "c", "1", "2"});
  CHECK(encoding(ts, "c") == "intset");
  ts.run({"SADD", "c", "3"});
  CHECK(encoding(ts, "c") == "hashtable");
}

TEST_CASE("SMEMBERS and set replies in RESP3") {
  TestServer ts;
  ts.run({"SADD", "s", "3", "1", "2"});
  CHECK(ts.run({"SMEMBERS", "nokey"}) == "*0\r\n");
  ts.run({"HELLO", "3"});
  CHECK(ts.run({"SMEMBERS", "s"}) == resp3set({"1", "2", "3"}));
  CHECK(ts.run({"SMEMBERS", "nokey"}) == "~0\r\n");
  CHECK(ts.run({"SUNION", "s"}) == resp3set({"1", "2", "3"}));
  CHECK(ts.run({"SINTER", "s"}) == resp3set({"1", "2", "3"}));
  CHECK(ts.run({"SDIFF", "s"}) == resp3set({"1", "2", "3"}));
  CHECK(ts.run({"SINTER", "nokey", "s"}) == "~0\r\n");
  CHECK(ts.run({"SPOP", "nokey", "2"}) == "~0\r\n");
  CHECK(ts.run({"SPOP", "nokey"}) == "_\r\n");
  CHECK(ts.run({"SRANDMEMBER", "nokey"}) == "_\r\n");
  CHECK(ts.run({"SRANDMEMBER", "nokey", "3"}) == "*0\r\n");
  CHECK(ts.run({"SRANDMEMBER", "s", "100"}) == arr({"1", "2", "3"}));  // an array, not a set
  CHECK(ts.run({"SSCAN", "s", "0"}) == "*2\r\n$1\r\n0\r\n" + arr({"1", "2", "3"}));
  CHECK(ts.run({"SMISMEMBER", "s", "1", "9"}) == "*2\r\n:1\r\n:0\r\n");
  ts.run({"SADD", "p", "1", "2", "3"});
  CHECK(ts.run({"SPOP", "p", "5"}) == resp3set({"1", "2", "3"}));
}

TEST_CASE("SINTER / SINTERSTORE / SINTERCARD") {
  TestServer ts;
  ts.run({"SADD", "x", "1", "2", "3", "4"});
  ts.run({"SADD", "y", "3", "4", "5"});
  CHECK(ts.run({"SINTER", "x", "y"}) == arr({"3", "4"}));
  CHECK(ts.run({"SINTER", "x", "nokey"}) == "*0\r\n");
  CHECK(ts.run({"SINTER", "x", "x"}) == arr({"1", "2", "3", "4"}));
  CHECK(ts.run({"SINTERCARD", "2", "x", "y"}) == ":2\r\n");
  CHECK(ts.run({"SINTERCARD", "2", "x", "y", "LIMIT", "1"}) == ":1\r\n");
  CHECK(ts.run({"SINTERCARD", "2", "x", "y", "limit", "0"}) == ":2\r\n");
  CHECK(ts.run({"SINTERCARD", "1", "x", "LIMIT", "10"}) == ":4\r\n");
  CHECK(ts.run({"SINTERCARD", "3", "a", "b", "c"}) == ":0\r\n");
  // A hashtable walked as the smallest set, tested against an intset.
  ts.run({"SADD", "h", "3", "a", "b"});
  CHECK(members(ts, "h").size() == 3);
  CHECK(ts.run({"SINTER", "h", "x"}) == arr({"3"}));
  CHECK(ts.run({"SINTER", "x", "h"}) == arr({"3"}));

  CHECK(ts.run({"SINTERSTORE", "d", "x", "y"}) == ":2\r\n");
  CHECK(encoding(ts, "d") == "intset");
  CHECK(ts.run({"SMEMBERS", "d"}) == arr({"3", "4"}));
  // The result starts as an intset even when a source is a hashtable.
  ts.run({"SADD", "hx", "a", "1", "2"});
  CHECK(encoding(ts, "hx") == "hashtable");
  CHECK(ts.run({"SINTERSTORE", "d", "hx", "x"}) == ":2\r\n");
  CHECK(encoding(ts, "d") == "intset");
  ts.run({"SADD", "hy", "a", "b"});
  CHECK(ts.run({"SINTERSTORE", "d", "hx", "hy"}) == ":1\r\n");
  CHECK(encoding(ts, "d") == "hashtable");
  // The destination may be a source.
  CHECK(ts.run({"SINTERSTORE", "x", "x", "y"}) == ":2\r\n");
  CHECK(ts.run({"SMEMBERS", "x"}) == arr({"3", "4"}));
  // Empty results delete the destination.
  CHECK(ts.run({"SINTERSTORE", "d", "x", "nokey"}) == ":0\r\n");
  CHECK_FALSE(keyExists("d"));
  CHECK(ts.run({"SINTERSTORE", "d", "nokey"}) == ":0\r\n");
  // The destination's old value and expiry are replaced.
  ts.run({"SET", "str", "v"});
  ts.run({"EXPIRE", "str", "100"});
  CHECK(ts.run({"SINTERSTORE", "str", "y"}) == ":3\r\n");
  CHECK(ts.run({"TTL", "str"}) == ":-1\r\n");
  CHECK(ts.run({"TYPE", "str"}) == "+set\r\n");
}

TEST_CASE("SINTERCARD argument errors") {
  TestServer ts;
  ts.run({"SADD", "s", "1"});
  CHECK(ts.run({"SINTERCARD", "0", "a"}) == "-ERR numkeys should be greater than 0\r\n");
  CHECK(ts.run({"SINTERCARD", "-1", "a"}) == "-ERR numkeys should be greater than 0\r\n");
  CHECK(ts.run({"SINTERCARD", "abc", "a"}) == "-ERR numkeys should be greater than 0\r\n");
  CHECK(ts.run({"SINTERCARD", "2", "a"}) ==
        "-ERR Number of keys can't be greater than number of args\r\n");
  CHECK(ts.run({"SINTERCARD", "1", "a", "limit"}) == kSyntax);
  CHECK(ts.run({"SINTERCARD", "1", "a", "limit", "-1"}) == "-ERR LIMIT can't be negative\r\n");
  CHECK(ts.run({"SINTERCARD", "1", "a", "limit", "abc"}) == "-ERR LIMIT can't be negative\r\n");
  CHECK(ts.run({"SINTERCARD", "1", "a", "foo", "1"}) == kSyntax);
  CHECK(ts.run({"SINTERCARD", "1", "s", "limit", "0"}) == ":1\r\n");
  CHECK(ts.run({"SINTERCARD", "1"}) ==
        "-ERR wrong number of arguments for 'sintercard' command\r\n");

  const std::string invalid = "-ERR Invalid arguments specified for command\r\n";
  CHECK(ts.run({"COMMAND", "GETKEYS", "SINTERCARD", "2", "a", "b", "LIMIT", "1"}) ==
        arr({"a", "b"}));
  CHECK(ts.run({"COMMAND", "GETKEYS", "SINTERCARD", "3", "a", "b", "limit"}) ==
        arr({"a", "b", "limit"}));
  CHECK(ts.run({"COMMAND", "GETKEYS", "SINTERCARD", "4294967297", "a", "b"}) == arr({"a"}));
  CHECK(ts.run({"COMMAND", "GETKEYS", "SINTERCARD", "0", "a"}) == invalid);
  CHECK(ts.run({"COMMAND", "GETKEYS", "SINTERCARD", "4", "a", "b"}) == invalid);
  CHECK(ts.run({"COMMAND", "GETKEYS", "SINTERCARD", "x", "a", "b"}) == invalid);
  CHECK(ts.run({"COMMAND", "GETKEYS", "SINTERCARD", "-1", "a", "b"}) == invalid);
  CHECK(ts.run({"COMMAND", "GETKEYS", "SINTERSTORE", "d", "a", "b"}) == arr({"d", "a", "b"}));
  CHECK(ts.run({"COMMAND", "GETKEYS", "SMOVE", "a", "b", "c"}) == arr({"a", "b"}));
}

TEST_CASE("SUNION / SDIFF and their STORE forms") {
  TestServer ts;
  ts.run({"SADD", "x", "1", "2", "3", "4"});
  ts.run({"SADD", "y", "3", "4", "5"});
  CHECK(ts.run({"SUNION", "x", "y"}) == arr({"1", "2", "3", "4", "5"}));
  CHECK(ts.run({"SUNION", "nokey", "y"}) == arr({"3", "4", "5"}));
  CHECK(ts.run({"SUNION", "nokey"}) == "*0\r\n");
  CHECK(ts.run({"SDIFF", "x", "y"}) == arr({"1", "2"}));
  CHECK(ts.run({"SDIFF", "x", "y", "y"}) == arr({"1", "2"}));
  CHECK(ts.run({"SDIFF", "y", "x"}) == arr({"5"}));
  CHECK(ts.run({"SDIFF", "x", "x"}) == "*0\r\n");
  CHECK(ts.run({"SDIFF", "x", "nokey", "x"}) == "*0\r\n");
  CHECK(ts.run({"SDIFF", "nokey", "x"}) == "*0\r\n");
  CHECK(ts.run({"SDIFF", "x", "nokey"}) == arr({"1", "2", "3", "4"}));

  // An all-integer result of hashtable sources is built as an intset: sorted output.
  ts.run(saddRange("t", 0, 600));
  std::vector<std::string> rem{"SREM", "t"};
  for (int i = 10; i < 600; i++) rem.push_back(std::to_string(i));
  ts.run(rem);
  CHECK(encoding(ts, "t") == "hashtable");
  const auto ten = arr({"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"});
  CHECK(ts.run({"SUNION", "t"}) == ten);
  CHECK(ts.run({"SDIFF", "t", "nokey"}) == ten);

  CHECK(ts.run({"SUNIONSTORE", "d", "x", "y", "nokey"}) == ":5\r\n");
  CHECK(encoding(ts, "d") == "intset");
  CHECK(ts.run({"SMEMBERS", "d"}) == arr({"1", "2", "3", "4", "5"}));
  CHECK(ts.run({"SUNIONSTORE", "t2", "t"}) == ":10\r\n");
  CHECK(encoding(ts, "t2") == "intset");
  ts.run({"SADD", "m", "a"});
  CHECK(ts.run({"SUNIONSTORE", "d", "x", "m"}) == ":5\r\n");
  CHECK(encoding(ts, "d") == "hashtable");
  CHECK(members(ts, "d") == std::set<std::string>{"1", "2", "3", "4", "a"});
  CHECK(ts.run({"SDIFFSTORE", "d", "x", "y"}) == ":2\r\n");
  CHECK(ts.run({"SMEMBERS", "d"}) == arr({"1", "2"}));
  CHECK(ts.run({"SDIFFSTORE", "d", "x", "x"}) == ":0\r\n");
  CHECK_FALSE(keyExists("d"));
  CHECK(ts.run({"SUNIONSTORE", "d", "nokey"}) == ":0\r\n");
  CHECK(ts.run({"SDIFFSTORE", "x", "x", "y"}) == ":2\r\n");  // destination is a source
  CHECK(ts.run({"SMEMBERS", "x"}) == arr({"1", "2"}));

  // Both SDIFF algorithms give the same answer: a small first set against big ones, and
  // a big first set against small ones.
  ts.run(saddRange("big", 0, 1000, "m"));
  ts.run({"SADD", "small", "m1", "m2", "zz"});
  CHECK(ts.run({"SDIFF", "small", "big"}) == arr({"zz"}));
  auto diff = bulks(ts.run({"SDIFF", "big", "small", "nokey"}));
  CHECK(diff.size() == 998);
  CHECK(std::find(diff.begin(), diff.end(), "m1") == diff.end());
}

TEST_CASE("SMOVE") {
  TestServer ts;
  ts.run({"SADD", "a", "1", "2"});
  ts.run({"SADD", "b", "2", "3"});
  CHECK(ts.run({"SMOVE", "a", "b", "2"}) == ":1\r\n");
  CHECK(ts.run({"SMEMBERS", "a"}) == arr({"1"}));
  CHECK(ts.run({"SMEMBERS", "b"}) == arr({"2", "3"}));
  CHECK(ts.run({"SMOVE", "a", "b", "9"}) == ":0\r\n");
  CHECK(ts.run({"SMOVE", "nokey", "b", "2"}) == ":0\r\n");
  CHECK(ts.run({"SMOVE", "b", "b", "2"}) == ":1\r\n");  // same key: membership only
  CHECK(ts.run({"SMOVE", "b", "b", "9"}) == ":0\r\n");
  CHECK(ts.run({"SMOVE", "a", "b", "1"}) == ":1\r\n");
  CHECK_FALSE(keyExists("a"));
  // A new destination is laid out for the member it receives.
  CHECK(ts.run({"SMOVE", "b", "c", "3"}) == ":1\r\n");
  CHECK(encoding(ts, "c") == "intset");
  ts.run({"SADD", "b", "q"});
  CHECK(ts.run({"SMOVE", "b", "w", "q"}) == ":1\r\n");
  CHECK(encoding(ts, "w") == "hashtable");
  // A non-integer member turns an intset destination into a hashtable.
  ts.run({"SADD", "b", "z"});
  CHECK(ts.run({"SMOVE", "b", "c", "z"}) == ":1\r\n");
  CHECK(encoding(ts, "c") == "hashtable");
}

TEST_CASE("SPOP") {
  TestServer ts;
  CHECK(ts.run({"SPOP", "nokey"}) == "$-1\r\n");
  CHECK(ts.run({"SPOP", "nokey", "3"}) == "*0\r\n");
  CHECK(ts.run({"SPOP", "nokey", "-1"}) == "-ERR value is out of range, must be positive\r\n");
  CHECK(ts.run({"SPOP", "nokey", "abc"}) == "-ERR value is out of range, must be positive\r\n");
  CHECK(ts.run({"SPOP", "nokey", "3", "4"}) == kSyntax);
  ts.run({"SADD", "s", "1"});
  CHECK(ts.run({"SPOP", "s", "0"}) == "*0\r\n");
  CHECK(ts.run({"SPOP", "s"}) == bulk("1"));
  CHECK_FALSE(keyExists("s"));
  // Everything: the whole set, sorted when it is all integers.
  ts.run({"SADD", "p", "3", "1", "2"});
  CHECK(ts.run({"SPOP", "p", "10"}) == arr({"1", "2", "3"}));
  CHECK_FALSE(keyExists("p"));

  // Partial pops, through both strategies, on both layouts.
  for (const char* prefix : {"", "m"}) {
    for (int count : {1, 5, 50, 95, 99}) {
      ts.run({"DEL", "q"});
      ts.run(saddRange("q", 0, 100, prefix));
      auto popped = bulks(ts.run({"SPOP", "q", std::to_string(count)}));
      CHECK(popped.size() == static_cast<size_t>(count));
      std::set<std::string> distinct(popped.begin(), popped.end());
      CHECK(distinct.size() == popped.size());
      auto rest = members(ts, "q");
      CHECK(rest.size() == static_cast<size_t>(100 - count));
      for (const auto& m : popped) CHECK(rest.count(m) == 0);
    }
  }
}

TEST_CASE("SPOP that keeps few members rebuilds the set for its first kept member") {
  TestServer ts;
  ts.run(saddRange("s", 0, 600));
  CHECK(encoding(ts, "s") == "hashtable");
  CHECK(bulks(ts.run({"SPOP", "s", "595"})).size() == 595);
  CHECK(ts.run({"SCARD", "s"}) == ":5\r\n");
  CHECK(encoding(ts, "s") == "intset");
  // The key keeps its expiry.
  ts.run(saddRange("e", 0, 20));
  ts.run({"EXPIRE", "e", "1000"});
  ts.run({"SPOP", "e", "19"});
  CHECK(ts.run({"TTL", "e"}) == ":1000\r\n");
}

TEST_CASE("SPOP propagates SREM per member, or DEL for the whole set") {
  TestServer ts;
  PropagationRecorder rec;
  using V = std::vector<std::vector<std::string>>;
  ts.run({"SADD", "s", "1"});
  rec.ops.clear();
  ts.run({"SPOP", "s"});
  CHECK(rec.ops == V{{"SREM", "s", "1"}});

  ts.run({"SADD", "t", "1", "2", "3"});
  rec.ops.clear();
  ts.run({"SPOP", "t", "5"});
  CHECK(rec.ops == V{{"DEL", "t"}});

  ts.run(saddRange("u", 0, 10));
  rec.ops.clear();
  auto popped = bulks(ts.run({"SPOP", "u", "2"}));  // pops one by one
  REQUIRE(popped.size() == 2);
  CHECK(rec.ops == V{{"MULTI"}, {"SREM", "u", popped[0]}, {"SREM", "u", popped[1]}, {"EXEC"}});

  rec.ops.clear();
  popped = bulks(ts.run({"SPOP", "u", "7"}));  // keeps 1: draws the kept one
  REQUIRE(popped.size() == 7);
  REQUIRE(rec.ops.size() == 9);
  CHECK(rec.ops.front() == std::vector<std::string>{"MULTI"});
  for (size_t i = 0; i < 7; i++)
    CHECK(rec.ops[i + 1] == std::vector<std::string>{"SREM", "u", popped[i]});
  CHECK(rec.ops.back() == std::vector<std::string>{"EXEC"});

  rec.ops.clear();
  ts.run({"SPOP", "u", "0"});
  ts.run({"SPOP", "nokey", "3"});
  CHECK(rec.ops.empty());
}

TEST_CASE("SRANDMEMBER arguments and fixed answers") {
  TestServer ts;
  CHECK(ts.run({"SRANDMEMBER", "nokey"}) == "$-1\r\n");
  CHECK(ts.run({"SRANDMEMBER", "nokey", "5"}) == "*0\r\n");
  CHECK(ts.run({"SRANDMEMBER", "nokey", "abc"}) == kNotInt);
  CHECK(ts.run({"SRANDMEMBER", "nokey", "5", "x"}) == kSyntax);
  CHECK(ts.run({"SRANDMEMBER", "nokey", "-9223372036854775808"}) ==
        "-ERR value is out of range, value must between -9223372036854775807 and "
        "9223372036854775807\r\n");
  ts.run({"SADD", "s", "5", "3", "1", "-2", "10"});
  CHECK(ts.run({"SRANDMEMBER", "s", "0"}) == "*0\r\n");
  CHECK(ts.run({"SRANDMEMBER", "s", "100"}) == arr({"-2", "1", "3", "5", "10"}));
  CHECK(ts.run({"SRANDMEMBER", "s", "5"}) == arr({"-2", "1", "3", "5", "10"}));
  auto one = bulks(ts.run({"SRANDMEMBER", "s"}));
  REQUIRE(one.size() == 1);
  CHECK(members(ts, "s").count(one[0]) == 1);
}

TEST_CASE("SRANDMEMBER sampling properties, intset and hashtable") {
  TestServer ts;
  for (const char* prefix : {"", "m"}) {
    for (int n : {10, 100, 1000}) {
      std::string key = std::string("s") + prefix + std::to_string(n);
      ts.run(saddRange(key, 0, n, prefix));
      CHECK(encoding(ts, key) == (*prefix || n > 512 ? "hashtable" : "intset"));
      auto all = members(ts, key);
      for (int count : {1, 2, n / 10, n / 3, n / 2, n - 1, n, n + 5}) {
        if (count < 1) continue;
        auto got = bulks(ts.run({"SRANDMEMBER", key, std::to_string(count)}));
        size_t want = static_cast<size_t>(std::min(count, n));
        REQUIRE(got.size() == want);
        std::set<std::string> distinct(got.begin(), got.end());
        CHECK_MESSAGE(distinct.size() == want, key << " count " << count);
        for (const auto& m : got) CHECK(all.count(m) == 1);
      }
      // Negative counts: repetitions allowed; over many draws every member shows up.
      auto rep = bulks(ts.run({"SRANDMEMBER", key, "-" + std::to_string(30 * n)}));
      CHECK(rep.size() == static_cast<size_t>(30 * n));
      std::set<std::string> seen(rep.begin(), rep.end());
      for (const auto& m : seen) CHECK(all.count(m) == 1);
      CHECK(seen.size() == static_cast<size_t>(n));
    }
  }
}

TEST_CASE("SRANDMEMBER and SPOP draw every member of a small hashtable alike") {
  // Redis's own check (unit/type/set.tcl): 10 members, 1000 draws, chi-square (9 degrees
  // of freedom) below 40. Bigger tables are only "fair-ish", in Redis as here.
  TestServer ts;
  auto chiSquare = [](const std::vector<std::string>& draws, size_t kinds) {
    std::map<std::string, int> hist;
    for (const auto& m : draws) hist[m]++;
    double expected = static_cast<double>(draws.size()) / static_cast<double>(kinds), chi = 0;
    for (auto& [m, n] : hist) chi += (n - expected) * (n - expected) / expected;
    return chi;
  };
  ts.run(saddRange("h", 0, 10, "m"));
  ts.run(saddRange("i", 0, 10));
  for (const char* key : {"h", "i"}) {
    auto draws = bulks(ts.run({"SRANDMEMBER", key, "-1000"}));
    CHECK_MESSAGE(chiSquare(draws, 10) < 40, key);
  }
  std::vector<std::string> popped;
  for (int i = 0; i < 1000; i++) {
    ts.run(saddRange("p", 0, 10, "m"));
    popped.push_back(bulks(ts.run({"SPOP", "p"}))[0]);
  }
  CHECK(chiSquare(popped, 10) < 40);
}

TEST_CASE("SSCAN arguments and an intset in one call") {
  TestServer ts;
  const std::string empty_scan = "*2\r\n$1\r\n0\r\n*0\r\n";
  CHECK(ts.run({"SSCAN", "nokey", "0"}) == empty_scan);
  CHECK(ts.run({"SSCAN", "nokey", "0", "count", "0"}) == empty_scan);
  ts.run({"SADD", "s", "1", "12", "2"});
  CHECK(ts.run({"SSCAN", "s", "x"}) == "-ERR invalid cursor\r\n");
  CHECK(ts.run({"SSCAN", "s", "0", "count", "0"}) == kSyntax);
  CHECK(ts.run({"SSCAN", "s", "0", "count", "x"}) == kNotInt);
  CHECK(ts.run({"SSCAN", "s", "0", "type", "set"}) == kSyntax);
  CHECK(ts.run({"SSCAN", "s", "0", "match", "*", "count", "1"}) ==
        "*2\r\n$1\r\n0\r\n" + arr({"1", "2", "12"}));
  CHECK(ts.run({"SSCAN", "s", "0", "match", "1*"}) == "*2\r\n$1\r\n0\r\n" + arr({"1", "12"}));
}

TEST_CASE("SSCAN of a hashtable returns every member") {
  TestServer ts;
  ts.run(saddRange("s", 0, 2000, "m"));
  for (const char* count : {"1", "7", "100", "10000"}) {
    std::set<std::string> seen;
    std::string cursor = "0";
    int calls = 0;
    do {
      auto b = bulks(ts.run({"SSCAN", "s", cursor, "COUNT", count}));
      REQUIRE(!b.empty());
      cursor = b[0];
      seen.insert(b.begin() + 1, b.end());
      calls++;
    } while (cursor != "0" && calls < 100000);
    CHECK_MESSAGE(seen.size() == 2000, "COUNT " << count);
  }
  // Members present from start to end are returned even while the set shrinks.
  std::set<std::string> seen;
  std::string cursor = "0";
  int next_removed = 1000;
  do {
    auto b = bulks(ts.run({"SSCAN", "s", cursor, "COUNT", "50"}));
    cursor = b[0];
    seen.insert(b.begin() + 1, b.end());
    std::vector<std::string> rem{"SREM", "s"};
    for (int i = 0; i < 40 && next_removed < 2000; i++)
      rem.push_back("m" + std::to_string(next_removed++));
    if (rem.size() > 2) ts.run(rem);
  } while (cursor != "0");
  for (int i = 0; i < 1000; i++) CHECK(seen.count("m" + std::to_string(i)) == 1);
}

TEST_CASE("set writes count dirty as Redis does") {
  TestServer ts;
  struct Step {
    std::vector<std::string> argv;
    long long dirty;
  };
  const Step steps[] = {
      {{"SADD", "s", "1", "2", "3"}, 3},
      {{"SADD", "s", "1"}, 0},
      {{"SREM", "s", "9"}, 0},
      {{"SREM", "s", "1", "2", "3"}, 3},
      {{"SADD", "s", "1", "2", "3"}, 3},
      {{"SPOP", "s"}, 1},
      {{"SPOP", "s", "0"}, 0},
      {{"SPOP", "s", "5"}, 2},  // the whole set: counts what was there
      {{"SADD", "s", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"}, 10},
      {{"SPOP", "s", "2"}, 2},
      {{"SPOP", "s", "7"}, 7},
      {{"SADD", "a", "1", "2"}, 2},
      {{"SADD", "b", "2", "3"}, 2},
      {{"SMOVE", "a", "b", "2"}, 1},  // removed, but already in the destination
      {{"SMOVE", "a", "b", "1"}, 2},
      {{"SMOVE", "b", "b", "2"}, 0},
      {{"SMOVE", "zz", "b", "2"}, 0},
      {{"SMOVE", "b", "c", "9"}, 0},
      {{"SINTERSTORE", "d", "a", "b"}, 0},
      {{"SINTERSTORE", "d", "b", "b"}, 1},
      {{"SINTERSTORE", "d", "b", "zz"}, 1},  // deletes d
      {{"SINTERSTORE", "d", "b", "zz"}, 0},
      {{"SUNIONSTORE", "d", "b"}, 1},
      {{"SUNIONSTORE", "d", "zz"}, 1},
      {{"SDIFFSTORE", "d", "b"}, 1},
      {{"SDIFFSTORE", "d", "b", "b"}, 1},
      {{"SDIFFSTORE", "d", "b", "b"}, 0},
  };
  for (const auto& s : steps) {
    long long before = server.dirty;
    ts.run(s.argv);
    CHECK_MESSAGE(server.dirty - before == s.dirty, s.argv[0] << " " << s.argv[1]);
  }
}

TEST_CASE("set keyspace events, in Redis's order") {
  TestServer ts;
  cfg().notify_keyspace_events = NOTIFY_KEYEVENT | NOTIFY_ALL;
  ts.runAs(1, {"PSUBSCRIBE", "__keyevent@?__:*"});  // a pattern without the prefix below
  auto events = [&](std::vector<std::string> argv) {
    ts.run(std::move(argv));
    std::string out = ts.client(1).out.str();
    ts.client(1).out.clear();
    std::vector<std::string> names;
    const std::string prefix = "__keyevent@0__:";
    for (size_t p = out.find(prefix); p != std::string::npos; p = out.find(prefix, p + 1)) {
      size_t start = p + prefix.size();
      names.push_back(out.substr(start, out.find('\r', start) - start));
    }
    return names;
  };
  using V = std::vector<std::string>;
  CHECK(events({"SADD", "s", "1", "2", "3"}) == V{"sadd"});
  CHECK(events({"SADD", "s", "1"}) == V{});
  CHECK(events({"SREM", "s", "9"}) == V{});
  CHECK(events({"SREM", "s", "1", "2", "3"}) == V{"srem", "del"});
  CHECK(events({"SADD", "s", "1", "2", "3"}) == V{"sadd"});
  CHECK(events({"SPOP", "s"}) == V{"spop"});
  CHECK(events({"SPOP", "s", "0"}) == V{});
  CHECK(events({"SPOP", "s", "5"}) == V{"spop", "del"});
  CHECK(events({"SADD", "s", "1", "2", "3", "4"}) == V{"sadd"});
  CHECK(events({"SPOP", "s", "2"}) == V{"spop"});
  CHECK(events({"SADD", "a", "1", "2"}) == V{"sadd"});
  CHECK(events({"SADD", "b", "2", "3"}) == V{"sadd"});
  CHECK(events({"SMOVE", "a", "b", "2"}) == V{"srem"});
  CHECK(events({"SMOVE", "a", "b", "1"}) == V{"srem", "del", "sadd"});
  CHECK(events({"SMOVE", "b", "b", "2"}) == V{});
  CHECK(events({"SINTERSTORE", "d", "b", "b"}) == V{"sinterstore"});
  CHECK(events({"SINTERSTORE", "d", "b", "zz"}) == V{"del"});
  CHECK(events({"SUNIONSTORE", "d", "b"}) == V{"sunionstore"});
  CHECK(events({"SDIFFSTORE", "d", "b", "b"}) == V{"del"});
  CHECK(events({"SDIFFSTORE", "d", "b"}) == V{"sdiffstore"});
  cfg().notify_keyspace_events = 0;
}

TEST_CASE("sets work with the keys family: TYPE, COPY, OBJECT ENCODING") {
  TestServer ts;
  ts.run({"SADD", "s", "3", "1", "2"});
  CHECK(ts.run({"COPY", "s", "s2"}) == ":1\r\n");
  CHECK(ts.run({"TYPE", "s2"}) == "+set\r\n");
  CHECK(encoding(ts, "s2") == "intset");
  CHECK(ts.run({"SMEMBERS", "s2"}) == arr({"1", "2", "3"}));
  ts.run({"SADD", "s2", "4"});
  CHECK(ts.run({"SCARD", "s"}) == ":3\r\n");
  ts.run(saddRange("h", 0, 100, "m"));
  CHECK(ts.run({"COPY", "h", "h2"}) == ":1\r\n");
  CHECK(encoding(ts, "h2") == "hashtable");
  CHECK(members(ts, "h2") == members(ts, "h"));
}

TEST_CASE("SetValue keyspace operations keep Object::encoding in step") {
  TestServer ts;
  Object o = createSetFor("12");
  CHECK((o.type == ObjType::Set));
  CHECK((o.encoding == Encoding::Intset));
  CHECK(setAdd(o, "12"));
  CHECK_FALSE(setAdd(o, "12"));
  CHECK(setAdd(o, "-3"));
  REQUIRE(o.set().ints().size() == 2);
  CHECK(o.set().ints().at(0) == -3);
  CHECK(o.set().ints().at(1) == 12);
  CHECK(setAdd(o, "x"));
  CHECK((o.encoding == Encoding::Hashtable));
  CHECK(o.set().contains("12"));
  CHECK(createSetFor("x").encoding == Encoding::Hashtable);
  CHECK(Object::makeSet(false).encoding == Encoding::Hashtable);
}

TEST_CASE("IntSet: sorted, widening from 2 to 4 to 8 bytes, inline and on the heap") {
  IntSet s;
  std::set<int64_t> model;
  std::mt19937_64 rng(7);
  for (int i = 0; i < 3000; i++) {
    int64_t v;
    switch (rng() % 3) {
      case 0: v = static_cast<int64_t>(rng() % 200) - 100; break;
      case 1: v = static_cast<int64_t>(rng() % 200000) - 100000; break;
      default: v = static_cast<int64_t>(rng());
    }
    if (rng() % 4 == 0) {
      CHECK(s.erase(v) == (model.erase(v) == 1));
    } else {
      CHECK(s.insert(v) == model.insert(v).second);
    }
    REQUIRE(s.size() == model.size());
  }
  size_t i = 0;
  for (int64_t v : model) CHECK(s.at(i++) == v);
  IntSet c = s.clone();
  for (int64_t v : model) CHECK(c.contains(v));
  CHECK_FALSE(c.contains(INT64_MIN + 1));
  while (c.size()) c.eraseAt(c.size() / 2);
  CHECK(c.size() == 0);
}
