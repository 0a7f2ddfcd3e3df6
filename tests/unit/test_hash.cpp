// tests/unit/test_hash.cpp — the hash commands (server/t_hash.cpp), byte for byte. Every
// expected reply, error text, encoding, keyspace event and dirty count was taken from a
// real Redis 7.0.15 running the same commands; random replies are checked by their
// properties (sizes, distinctness, membership).
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "common/config.h"
#include "server/db.h"
#include "server/t_hash.h"
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

using osprey::test::bulks;

std::string encoding(TestServer& ts, const std::string& key) {
  auto b = bulks(ts.run({"OBJECT", "ENCODING", key}));
  return b.empty() ? "" : b[0];
}

bool keyExists(const std::string& key) { return lookupKeyPeek(server.dbs[0], key) != nullptr; }

// HSET key f0 v0 ... f<n-1> v<n-1>.
std::vector<std::string> hsetMany(const std::string& key, int n, const std::string& prefix = "f") {
  std::vector<std::string> argv{"HSET", key};
  for (int i = 0; i < n; i++) {
    argv.push_back(prefix + std::to_string(i));
    argv.push_back(std::to_string(i));
  }
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

TEST_CASE("HSET / HMSET / HSETNX / HGET / HMGET") {
  TestServer ts;
  CHECK(ts.run({"HSET", "h", "f1", "v1", "f2", "v2"}) == ":2\r\n");
  CHECK(ts.run({"HSET", "h", "f1", "x", "f3", "v3"}) == ":1\r\n");
  CHECK(ts.run({"HMSET", "h", "f4", "v4"}) == "+OK\r\n");
  CHECK(ts.run({"HGET", "h", "f1"}) == bulk("x"));
  CHECK(ts.run({"HGET", "h", "nope"}) == "$-1\r\n");
  CHECK(ts.run({"HGET", "nokey", "f"}) == "$-1\r\n");
  CHECK(ts.run({"HMGET", "h", "f1", "nope", "f4"}) == "*3\r\n$1\r\nx\r\n$-1\r\n$2\r\nv4\r\n");
  CHECK(ts.run({"HMGET", "nokey", "a", "b"}) == "*2\r\n$-1\r\n$-1\r\n");
  CHECK(ts.run({"HSETNX", "h", "f1", "y"}) == ":0\r\n");
  CHECK(ts.run({"HSETNX", "h", "f5", "v5"}) == ":1\r\n");
  CHECK(ts.run({"HSETNX", "new", "f", "v"}) == ":1\r\n");
  CHECK(ts.run({"HGET", "h", "f5"}) == bulk("v5"));
  CHECK(ts.run({"TYPE", "h"}) == "+hash\r\n");

  // Odd field/value counts are arity errors, raised by the handler.
  CHECK(ts.run({"HSET", "h", "a"}) == "-ERR wrong number of arguments for 'hset' command\r\n");
  CHECK(ts.run({"HSET", "h", "a", "b", "c"}) ==
        "-ERR wrong number of arguments for 'hset' command\r\n");
  CHECK(ts.run({"HMSET", "h", "a"}) == "-ERR wrong number of arguments for 'hmset' command\r\n");
  CHECK(ts.run({"HSETNX", "h", "a"}) == "-ERR wrong number of arguments for 'hsetnx' command\r\n");
  CHECK_FALSE(keyExists("never"));
  CHECK(ts.run({"HSET", "never", "a"}) == "-ERR wrong number of arguments for 'hset' command\r\n");
  CHECK_FALSE(keyExists("never"));
}

TEST_CASE("a small hash keeps insertion order like a listpack") {
  TestServer ts;
  ts.run({"HSET", "h", "c", "3", "a", "1", "b", "2"});
  ts.run({"HSET", "h", "a", "10", "d", "4"});  // update in place, append the new one
  CHECK(ts.run({"HGETALL", "h"}) == arr({"c", "3", "a", "10", "b", "2", "d", "4"}));
  CHECK(ts.run({"HKEYS", "h"}) == arr({"c", "a", "b", "d"}));
  CHECK(ts.run({"HVALS", "h"}) == arr({"3", "10", "2", "4"}));
  CHECK(ts.run({"HDEL", "h", "a", "zz"}) == ":1\r\n");
  CHECK(ts.run({"HGETALL", "h"}) == arr({"c", "3", "b", "2", "d", "4"}));
  ts.run({"HSET", "h", "a", "5"});
  CHECK(ts.run({"HKEYS", "h"}) == arr({"c", "b", "d", "a"}));
  CHECK(ts.run({"HSCAN", "h", "0"}) ==
        "*2\r\n$1\r\n0\r\n" + arr({"c", "3", "b", "2", "d", "4", "a", "5"}));
  CHECK(encoding(ts, "h") == "listpack");
}

TEST_CASE("HDEL / HLEN / HSTRLEN / HEXISTS") {
  TestServer ts;
  ts.run({"HSET", "h", "a", "1", "b", "hello", "c", "3"});
  CHECK(ts.run({"HLEN", "h"}) == ":3\r\n");
  CHECK(ts.run({"HLEN", "nokey"}) == ":0\r\n");
  CHECK(ts.run({"HSTRLEN", "h", "b"}) == ":5\r\n");
  CHECK(ts.run({"HSTRLEN", "h", "zz"}) == ":0\r\n");
  CHECK(ts.run({"HSTRLEN", "nokey", "zz"}) == ":0\r\n");
  CHECK(ts.run({"HEXISTS", "h", "a"}) == ":1\r\n");
  CHECK(ts.run({"HEXISTS", "h", "zz"}) == ":0\r\n");
  CHECK(ts.run({"HEXISTS", "nokey", "a"}) == ":0\r\n");
  CHECK(ts.run({"HDEL", "nokey", "a"}) == ":0\r\n");
  CHECK(ts.run({"HDEL", "h", "zz"}) == ":0\r\n");
  CHECK(ts.run({"HDEL", "h", "a", "a", "b"}) == ":2\r\n");
  // The hash empties before all fields were seen: the key goes, the count stops there.
  CHECK(ts.run({"HDEL", "h", "c", "a"}) == ":1\r\n");
  CHECK_FALSE(keyExists("h"));
  CHECK(ts.run({"HGETALL", "nokey"}) == "*0\r\n");
  CHECK(ts.run({"HKEYS", "nokey"}) == "*0\r\n");
  CHECK(ts.run({"HVALS", "nokey"}) == "*0\r\n");
}

TEST_CASE("every hash command answers WRONGTYPE on another type") {
  TestServer ts;
  ts.run({"SET", "str", "x"});
  const std::vector<std::vector<std::string>> cmds = {
      {"HSET", "str", "a", "1"},
      {"HMSET", "str", "a", "1"},
      {"HSETNX", "str", "a", "1"},
      {"HGET", "str", "a"},
      {"HMGET", "str", "a"},
      {"HDEL", "str", "a"},
      {"HLEN", "str"},
      {"HSTRLEN", "str", "a"},
      {"HEXISTS", "str", "a"},
      {"HKEYS", "str"},
      {"HVALS", "str"},
      {"HGETALL", "str"},
      {"HINCRBY", "str", "a", "1"},
      {"HINCRBYFLOAT", "str", "a", "1"},
      {"HRANDFIELD", "str"},
      {"HRANDFIELD", "str", "2"},
      {"HRANDFIELD", "str", "-2", "WITHVALUES"},
      {"HSCAN", "str", "0"},
      {"HSCAN", "str", "0", "foo"},
  };
  for (const auto& argv : cmds) CHECK_MESSAGE(ts.run(argv) == kWrongType, argv[0]);
  // Errors about arguments parsed before the lookup come first.
  CHECK(ts.run({"HSCAN", "str", "abc"}) == "-ERR invalid cursor\r\n");
  CHECK(ts.run({"HINCRBY", "str", "a", "x"}) == kNotInt);
  CHECK(ts.run({"HRANDFIELD", "str", "x"}) == kNotInt);
}

TEST_CASE("hash RESP3 replies") {
  TestServer ts;
  ts.run({"HSET", "h", "f1", "v1", "f2", "v2"});
  ts.run({"HELLO", "3"});
  CHECK(ts.run({"HGETALL", "h"}) == "%2\r\n$2\r\nf1\r\n$2\r\nv1\r\n$2\r\nf2\r\n$2\r\nv2\r\n");
  CHECK(ts.run({"HGETALL", "nokey"}) == "%0\r\n");
  CHECK(ts.run({"HKEYS", "nokey"}) == "*0\r\n");
  CHECK(ts.run({"HGET", "nokey", "a"}) == "_\r\n");
  CHECK(ts.run({"HMGET", "nokey", "a"}) == "*1\r\n_\r\n");
  CHECK(ts.run({"HRANDFIELD", "nokey"}) == "_\r\n");
  CHECK(ts.run({"HRANDFIELD", "nokey", "-3", "WITHVALUES"}) == "*0\r\n");
  CHECK(ts.run({"HRANDFIELD", "h", "5", "WITHVALUES"}) ==
        "*2\r\n*2\r\n$2\r\nf1\r\n$2\r\nv1\r\n*2\r\n$2\r\nf2\r\n$2\r\nv2\r\n");
  CHECK(ts.run({"HRANDFIELD", "h", "5"}) == "*2\r\n$2\r\nf1\r\n$2\r\nf2\r\n");
  std::string pairs = ts.run({"HRANDFIELD", "h", "-3", "WITHVALUES"});
  CHECK(pairs.rfind("*3\r\n*2\r\n", 0) == 0);
  CHECK(ts.run({"HSCAN", "h", "0"}) ==
        "*2\r\n$1\r\n0\r\n*4\r\n$2\r\nf1\r\n$2\r\nv1\r\n$2\r\nf2\r\n$2\r\nv2\r\n");
}

TEST_CASE("hash encodings follow Redis's listpack limits, one way") {
  TestServer ts;
  ts.run({"HSET", "h", "a", "1"});
  CHECK(encoding(ts, "h") == "listpack");

  // 512 fields stay a listpack; the 513th converts; deleting does not convert back.
  ts.run(hsetMany("big", 512));
  CHECK(encoding(ts, "big") == "listpack");
  CHECK(ts.run({"HLEN", "big"}) == ":512\r\n");
  ts.run({"HSET", "big", "f512", "1"});
  CHECK(encoding(ts, "big") == "hashtable");
  ts.run({"HDEL", "big", "f512", "f1", "f2"});
  CHECK(encoding(ts, "big") == "hashtable");
  ts.run(hsetMany("big2", 513));
  CHECK(encoding(ts, "big2") == "hashtable");

  // Fields and values up to 64 bytes stay; 65 converts.
  ts.run({"HSET", "v64", "f", std::string(64, 'y')});
  CHECK(encoding(ts, "v64") == "listpack");
  ts.run({"HSET", "v65", "f", std::string(65, 'y')});
  CHECK(encoding(ts, "v65") == "hashtable");
  ts.run({"HSET", "k65", std::string(65, 'x'), "v"});
  CHECK(encoding(ts, "k65") == "hashtable");
  // Any long argument of HSET converts before anything is written.
  ts.run({"HSET", "h", "b", "2", "c", std::string(70, 'z')});
  CHECK(encoding(ts, "h") == "hashtable");
  CHECK(ts.run({"HGET", "h", "a"}) == bulk("1"));

  // HSETNX on an existing field changes nothing, not even the encoding.
  ts.run({"HSET", "n", "a", "1"});
  CHECK(ts.run({"HSETNX", "n", "a", std::string(70, 'x')}) == ":0\r\n");
  CHECK(encoding(ts, "n") == "listpack");
  CHECK(ts.run({"HSETNX", "n", "g", std::string(70, 'x')}) == ":1\r\n");
  CHECK(encoding(ts, "n") == "hashtable");

  // HINCRBY with a long field and HINCRBYFLOAT with a long result convert too.
  CHECK(ts.run({"HINCRBY", "i", std::string(70, 'x'), "1"}) == ":1\r\n");
  CHECK(encoding(ts, "i") == "hashtable");
  ts.run({"HINCRBYFLOAT", "fl", "f", "1e100"});
  CHECK(encoding(ts, "fl") == "hashtable");

  // The limits are read live from the configuration.
  CHECK(ts.run({"CONFIG", "SET", "hash-max-listpack-entries", "2"}) == "+OK\r\n");
  ts.run({"HSET", "c", "a", "1", "b", "2"});
  CHECK(encoding(ts, "c") == "listpack");
  ts.run({"HSET", "c", "c", "3"});
  CHECK(encoding(ts, "c") == "hashtable");
  CHECK(ts.run({"CONFIG", "SET", "hash-max-listpack-value", "3"}) == "+OK\r\n");
  ts.run({"HSET", "d", "abcd", "1"});
  CHECK(encoding(ts, "d") == "hashtable");
}

TEST_CASE("a hashtable hash answers the same data") {
  TestServer ts;
  ts.run(hsetMany("h", 600));
  CHECK(encoding(ts, "h") == "hashtable");
  CHECK(ts.run({"HGET", "h", "f599"}) == bulk("599"));
  CHECK(ts.run({"HMGET", "h", "f0", "zz"}) == "*2\r\n$1\r\n0\r\n$-1\r\n");
  CHECK(ts.run({"HEXISTS", "h", "f42"}) == ":1\r\n");
  CHECK(ts.run({"HSTRLEN", "h", "f123"}) == ":3\r\n");
  CHECK(ts.run({"HSET", "h", "f1", "new"}) == ":0\r\n");
  CHECK(ts.run({"HGET", "h", "f1"}) == bulk("new"));
  auto keys = bulks(ts.run({"HKEYS", "h"}));
  CHECK(keys.size() == 600);
  CHECK(std::set<std::string>(keys.begin(), keys.end()).size() == 600);
  auto all = bulks(ts.run({"HGETALL", "h"}));
  REQUIRE(all.size() == 1200);
  for (size_t i = 0; i < all.size(); i += 2) {
    if (all[i] == "f1")
      CHECK(all[i + 1] == "new");
    else
      CHECK(all[i] == "f" + all[i + 1]);
  }
  std::vector<std::string> del{"HDEL", "h"};
  for (int i = 0; i < 600; i++) del.push_back("f" + std::to_string(i));
  CHECK(ts.run(del) == ":600\r\n");
  CHECK_FALSE(keyExists("h"));
}

TEST_CASE("HINCRBY") {
  TestServer ts;
  CHECK(ts.run({"HINCRBY", "h", "f", "5"}) == ":5\r\n");
  CHECK(ts.run({"HINCRBY", "h", "f", "-7"}) == ":-2\r\n");
  CHECK(ts.run({"HGET", "h", "f"}) == bulk("-2"));
  CHECK(ts.run({"HINCRBY", "h", "f", "abc"}) == kNotInt);
  CHECK(ts.run({"HINCRBY", "h", "f", "1.5"}) == kNotInt);
  ts.run({"HSET", "h", "s", "str", "hex", "0x10", "lead", "007", "sp", " 1", "exp", "1e3"});
  for (const char* f : {"s", "hex", "lead", "sp", "exp"})
    CHECK_MESSAGE(ts.run({"HINCRBY", "h", f, "1"}) == "-ERR hash value is not an integer\r\n", f);
  CHECK(ts.run({"HINCRBY", "h", "f", "9223372036854775807"}) == ":9223372036854775805\r\n");
  CHECK(ts.run({"HINCRBY", "h", "f", "3"}) == "-ERR increment or decrement would overflow\r\n");
  CHECK(ts.run({"HINCRBY", "m", "f", "-5"}) == ":-5\r\n");
  CHECK(ts.run({"HINCRBY", "m", "f", "-9223372036854775803"}) == ":-9223372036854775808\r\n");
  CHECK(ts.run({"HINCRBY", "m", "f", "-1"}) == "-ERR increment or decrement would overflow\r\n");
  CHECK(ts.run({"HGET", "m", "f"}) == bulk("-9223372036854775808"));
}

TEST_CASE("HINCRBYFLOAT") {
  TestServer ts;
  CHECK(ts.run({"HINCRBYFLOAT", "h", "f", "1.5"}) == bulk("1.5"));
  CHECK(ts.run({"HINCRBYFLOAT", "h", "f", "0.1"}) == bulk("1.6"));
  CHECK(ts.run({"HINCRBYFLOAT", "h", "f", "-1.6"}) == bulk("0"));
  CHECK(ts.run({"HINCRBYFLOAT", "h", "f", "3.0e-5"}) == bulk("0.00003"));
  CHECK(ts.run({"HINCRBYFLOAT", "h", "n", "5.0e3"}) == bulk("5000"));
  CHECK(ts.run({"HINCRBYFLOAT", "h", "n", "0x10"}) == bulk("5016"));
  CHECK(ts.run({"HINCRBY", "h", "n", "1"}) == ":5017\r\n");
  CHECK(ts.run({"HINCRBYFLOAT", "h", "f", "abc"}) == "-ERR value is not a valid float\r\n");
  CHECK(ts.run({"HINCRBYFLOAT", "h", "f", " 1"}) == "-ERR value is not a valid float\r\n");
  CHECK(ts.run({"HINCRBYFLOAT", "h", "f", "inf"}) == "-ERR value is NaN or Infinity\r\n");
  CHECK(ts.run({"HINCRBYFLOAT", "h", "f", "-inf"}) == "-ERR value is NaN or Infinity\r\n");
  CHECK(ts.run({"HINCRBYFLOAT", "h", "f", "nan"}) == "-ERR value is not a valid float\r\n");
  ts.run({"HSET", "h", "s", "str", "big", "1e4932"});
  CHECK(ts.run({"HINCRBYFLOAT", "h", "s", "1"}) == "-ERR hash value is not a float\r\n");
  CHECK(ts.run({"HINCRBYFLOAT", "h", "big", "1e4932"}) ==
        "-ERR increment would produce NaN or Infinity\r\n");
  CHECK(ts.run({"HINCRBYFLOAT", "nokey", "f", "inf"}) == "-ERR value is NaN or Infinity\r\n");
  CHECK_FALSE(keyExists("nokey"));
}

TEST_CASE("HINCRBYFLOAT propagates as HSET with the result") {
  TestServer ts;
  PropagationRecorder rec;
  ts.run({"HINCRBYFLOAT", "h", "f", "1.5"});
  ts.run({"HINCRBYFLOAT", "h", "f", "2"});
  ts.run({"HINCRBYFLOAT", "h", "f", "abc"});  // errors propagate nothing
  ts.run({"HINCRBY", "h", "g", "3"});         // HINCRBY goes as it came
  using V = std::vector<std::vector<std::string>>;
  CHECK(rec.ops ==
        V{{"HSET", "h", "f", "1.5"}, {"HSET", "h", "f", "3.5"}, {"HINCRBY", "h", "g", "3"}});
}

TEST_CASE("HRANDFIELD arguments and fixed answers") {
  TestServer ts;
  CHECK(ts.run({"HRANDFIELD", "nokey"}) == "$-1\r\n");
  CHECK(ts.run({"HRANDFIELD", "nokey", "5"}) == "*0\r\n");
  CHECK(ts.run({"HRANDFIELD", "nokey", "0"}) == "*0\r\n");
  CHECK(ts.run({"HRANDFIELD", "nokey", "abc"}) == kNotInt);
  CHECK(ts.run({"HRANDFIELD", "nokey", "-9223372036854775808"}) ==
        "-ERR value is out of range, value must between -9223372036854775807 and "
        "9223372036854775807\r\n");
  CHECK(ts.run({"HRANDFIELD", "nokey", "9223372036854775807", "WITHVALUES"}) ==
        "-ERR value is out of range\r\n");
  CHECK(ts.run({"HRANDFIELD", "nokey", "-4611686018427387904", "WITHVALUES"}) ==
        "-ERR value is out of range\r\n");
  CHECK(ts.run({"HRANDFIELD", "nokey", "5", "WITHVALUES", "x"}) == kSyntax);
  CHECK(ts.run({"HRANDFIELD", "nokey", "5", "withvaluesx"}) == kSyntax);
  ts.run({"HSET", "h", "a", "1", "b", "2", "c", "3"});
  CHECK(ts.run({"HRANDFIELD", "h", "0"}) == "*0\r\n");
  CHECK(ts.run({"HRANDFIELD", "h", "0", "WITHVALUES"}) == "*0\r\n");
  // As many as the hash holds or more: the whole hash, in its order.
  CHECK(ts.run({"HRANDFIELD", "h", "3"}) == arr({"a", "b", "c"}));
  CHECK(ts.run({"HRANDFIELD", "h", "100", "withvalues"}) == arr({"a", "1", "b", "2", "c", "3"}));
  std::string one = ts.run({"HRANDFIELD", "h"});
  CHECK((one == bulk("a") || one == bulk("b") || one == bulk("c")));
}

TEST_CASE("HRANDFIELD sampling properties, listpack and hashtable") {
  TestServer ts;
  for (int n : {10, 100, 1000}) {  // 1000 fields is a hashtable
    std::string key = "h" + std::to_string(n);
    ts.run(hsetMany(key, n));
    CHECK(encoding(ts, key) == (n > 512 ? "hashtable" : "listpack"));
    // Positive counts: distinct fields, min(count, size) of them, each with its value.
    for (int count : {1, 2, n / 10, n / 3, n / 2, n - 1, n, n + 5}) {
      if (count < 1) continue;
      auto got = bulks(ts.run({"HRANDFIELD", key, std::to_string(count), "WITHVALUES"}));
      size_t want = static_cast<size_t>(std::min(count, n));
      REQUIRE(got.size() == 2 * want);
      std::set<std::string> fields;
      for (size_t i = 0; i < got.size(); i += 2) {
        CHECK(got[i] == "f" + got[i + 1]);
        fields.insert(got[i]);
      }
      CHECK_MESSAGE(fields.size() == want, key << " count " << count);
    }
    // Negative counts: exactly |count| fields, repetitions allowed, every one a member;
    // over many draws every field shows up.
    auto rep = bulks(ts.run({"HRANDFIELD", key, "-" + std::to_string(30 * n)}));
    CHECK(rep.size() == static_cast<size_t>(30 * n));
    std::set<std::string> seen(rep.begin(), rep.end());
    for (const auto& f : seen) CHECK(ts.run({"HEXISTS", key, f}) == ":1\r\n");
    CHECK(seen.size() == static_cast<size_t>(n));
  }
}

TEST_CASE("HSCAN arguments") {
  TestServer ts;
  const std::string empty_scan = "*2\r\n$1\r\n0\r\n*0\r\n";
  CHECK(ts.run({"HSCAN", "nokey", "0"}) == empty_scan);
  CHECK(ts.run({"HSCAN", "nokey", "0", "count", "0"}) == empty_scan);  // key checked first
  ts.run({"HSET", "h", "a", "1", "b", "2", "ab", "3"});
  CHECK(ts.run({"HSCAN", "h", "abc"}) == "-ERR invalid cursor\r\n");
  CHECK(ts.run({"HSCAN", "h", " 1"}) == "-ERR invalid cursor\r\n");
  CHECK(ts.run({"HSCAN", "h", "18446744073709551616"}) == "-ERR invalid cursor\r\n");
  CHECK(ts.run({"HSCAN", "h", "0", "count", "0"}) == kSyntax);
  CHECK(ts.run({"HSCAN", "h", "0", "count", "abc"}) == kNotInt);
  CHECK(ts.run({"HSCAN", "h", "0", "type", "string"}) == kSyntax);
  CHECK(ts.run({"HSCAN", "h", "0", "match"}) == kSyntax);
  // A listpack answers everything at once with cursor 0, whatever cursor and COUNT.
  const std::string all = "*2\r\n$1\r\n0\r\n" + arr({"a", "1", "b", "2", "ab", "3"});
  CHECK(ts.run({"HSCAN", "h", "0"}) == all);
  CHECK(ts.run({"HSCAN", "h", "-1"}) == all);
  CHECK(ts.run({"HSCAN", "h", "+7", "COUNT", "1"}) == all);
  CHECK(ts.run({"HSCAN", "h", "0", "MATCH", "a*"}) ==
        "*2\r\n$1\r\n0\r\n" + arr({"a", "1", "ab", "3"}));
  CHECK(ts.run({"HSCAN", "h", "0", "MATCH", "zz", "COUNT", "5"}) == "*2\r\n$1\r\n0\r\n*0\r\n");
}

TEST_CASE("HSCAN of a hashtable returns every field, with its value") {
  TestServer ts;
  ts.run(hsetMany("h", 1000));
  CHECK(encoding(ts, "h") == "hashtable");
  for (const char* count : {"1", "10", "100", "5000"}) {
    std::set<std::string> seen;
    std::string cursor = "0";
    int calls = 0;
    do {
      auto b = bulks(ts.run({"HSCAN", "h", cursor, "COUNT", count}));
      REQUIRE(!b.empty());
      cursor = b[0];
      REQUIRE(b.size() % 2 == 1);
      for (size_t i = 1; i < b.size(); i += 2) {
        CHECK(b[i] == "f" + b[i + 1]);
        seen.insert(b[i]);
      }
      calls++;
    } while (cursor != "0" && calls < 100000);
    CHECK_MESSAGE(seen.size() == 1000, "COUNT " << count);
  }
  // MATCH filters the fields after the walk.
  std::set<std::string> matched;
  std::string cursor = "0";
  do {
    auto b = bulks(ts.run({"HSCAN", "h", cursor, "MATCH", "f1?"}));
    cursor = b[0];
    for (size_t i = 1; i < b.size(); i += 2) matched.insert(b[i]);
  } while (cursor != "0");
  CHECK(matched.size() == 10);
}

TEST_CASE("HSCAN keeps returning the fields present throughout while the hash changes") {
  TestServer ts;
  ts.run(hsetMany("h", 600));
  std::set<std::string> seen;
  std::string cursor = "0";
  int round = 0;
  do {
    auto b = bulks(ts.run({"HSCAN", "h", cursor, "COUNT", "20"}));
    cursor = b[0];
    for (size_t i = 1; i < b.size(); i += 2) seen.insert(b[i]);
    // Grow the table while scanning: new fields may or may not be seen, old ones must be.
    ts.run(hsetMany("h", 20, "new" + std::to_string(round++) + "_"));
  } while (cursor != "0");
  for (int i = 0; i < 600; i++) CHECK(seen.count("f" + std::to_string(i)) == 1);
}

TEST_CASE("hash writes count dirty as Redis does") {
  TestServer ts;
  struct Step {
    std::vector<std::string> argv;
    long long dirty;
  };
  const Step steps[] = {
      {{"HSET", "h", "a", "1", "b", "2"}, 2},
      {{"HSET", "h", "a", "1"}, 1},  // rewriting the same value still counts
      {{"HMSET", "h", "c", "3"}, 1},
      {{"HSETNX", "h", "a", "1"}, 0},
      {{"HSETNX", "h", "z", "1"}, 1},
      {{"HDEL", "h", "nope"}, 0},
      {{"HDEL", "h", "a", "b", "c", "z"}, 4},
      {{"HINCRBY", "h2", "f", "1"}, 1},
      {{"HINCRBYFLOAT", "h2", "g", "1.5"}, 1},
      {{"HINCRBY", "h2", "f", "abc"}, 0},
      {{"HDEL", "h2", "f", "g"}, 2},
  };
  for (const auto& s : steps) {
    long long before = server.dirty;
    ts.run(s.argv);
    CHECK_MESSAGE(server.dirty - before == s.dirty, s.argv[0]);
  }
}

TEST_CASE("hash keyspace events, in Redis's order") {
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
  CHECK(events({"HSET", "h", "a", "1", "b", "2"}) == V{"hset"});
  CHECK(events({"HMSET", "h", "c", "3"}) == V{"hset"});
  CHECK(events({"HSETNX", "h", "a", "1"}) == V{});
  CHECK(events({"HSETNX", "h", "z", "1"}) == V{"hset"});
  CHECK(events({"HDEL", "h", "nope"}) == V{});
  CHECK(events({"HDEL", "h", "a", "b", "c", "z"}) == V{"hdel", "del"});
  CHECK(events({"HINCRBY", "h2", "f", "1"}) == V{"hincrby"});
  CHECK(events({"HINCRBYFLOAT", "h2", "g", "1.5"}) == V{"hincrbyfloat"});
  CHECK(events({"HINCRBY", "h2", "f", "abc"}) == V{});
  CHECK(events({"HGETALL", "zz"}) == V{});
  cfg().notify_keyspace_events = 0;
}

TEST_CASE("hashes work with the keys family: TYPE, COPY, OBJECT ENCODING") {
  TestServer ts;
  ts.run({"HSET", "h", "a", "1", "b", "2"});
  CHECK(ts.run({"COPY", "h", "h2"}) == ":1\r\n");
  CHECK(ts.run({"TYPE", "h2"}) == "+hash\r\n");
  CHECK(encoding(ts, "h2") == "listpack");
  CHECK(ts.run({"HGETALL", "h2"}) == arr({"a", "1", "b", "2"}));
  ts.run({"HSET", "h2", "c", "3"});
  CHECK(ts.run({"HLEN", "h"}) == ":2\r\n");  // a deep copy
  ts.run(hsetMany("big", 600));
  CHECK(ts.run({"COPY", "big", "big2"}) == ":1\r\n");
  CHECK(encoding(ts, "big2") == "hashtable");
  CHECK(ts.run({"HLEN", "big2"}) == ":600\r\n");
  CHECK(ts.run({"HGET", "big2", "f77"}) == bulk("77"));
}

TEST_CASE("hashSet keeps Object::encoding in step (RDB loading path)") {
  TestServer ts;
  Object o = Object::makeHash();
  CHECK((o.type == ObjType::Hash));
  CHECK((o.encoding == Encoding::Listpack));
  CHECK(hashSet(o, "f", "v"));
  CHECK_FALSE(hashSet(o, "f", "w"));
  CHECK((o.encoding == Encoding::Listpack));
  CHECK(hashSet(o, "g", std::string(65, 'x')));
  CHECK((o.encoding == Encoding::Hashtable));
  HashValue::Scratch scratch;
  std::string_view v;
  CHECK(o.hash().get("f", &v, scratch));
  CHECK(v == "w");
}
