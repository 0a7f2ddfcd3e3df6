// tests/unit/test_list.cpp — the list commands (server/t_list.cpp), byte for byte. Every
// expected reply, error text, keyspace event and dirty count was taken from a real
// Redis 7.0.15 running the same commands.
#include <doctest/doctest.h>

#include <deque>
#include <random>
#include <string>
#include <vector>

#include "common/config.h"
#include "server/db.h"
#include "tests/unit/harness.h"

using namespace osprey;
using osprey::test::TestServer;

namespace {

const std::string kWrongType = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
const std::string kNotInt = "-ERR value is not an integer or out of range\r\n";
const std::string kSyntax = "-ERR syntax error\r\n";
const std::string kPositive = "-ERR value is out of range, must be positive\r\n";

std::string bulk(const std::string& s) { return "$" + std::to_string(s.size()) + "\r\n" + s + "\r\n"; }

// An array reply of bulk strings.
std::string arr(const std::vector<std::string>& items) {
  std::string out = "*" + std::to_string(items.size()) + "\r\n";
  for (const auto& s : items) out += bulk(s);
  return out;
}

std::string ints(const std::vector<long long>& items) {
  std::string out = "*" + std::to_string(items.size()) + "\r\n";
  for (long long v : items) out += ":" + std::to_string(v) + "\r\n";
  return out;
}

bool keyExists(const std::string& key) { return lookupKeyPeek(server.dbs[0], key) != nullptr; }

// Records what call() propagates (replication / AOF effects).
struct PropagationRecorder {
  std::vector<std::vector<std::string>> ops;
  PropagationRecorder() {
    server.propagate_sinks.push_back(
        [this](int, const std::vector<std::string>& argv) { ops.push_back(argv); });
  }
  ~PropagationRecorder() { server.propagate_sinks.pop_back(); }
};

}  // namespace

TEST_CASE("LPUSH / RPUSH / LPUSHX / RPUSHX") {
  TestServer ts;
  CHECK(ts.run({"RPUSH", "l", "a", "b", "c"}) == ":3\r\n");
  CHECK(ts.run({"LPUSH", "l", "x", "y"}) == ":5\r\n");
  CHECK(ts.run({"LRANGE", "l", "0", "-1"}) == arr({"y", "x", "a", "b", "c"}));
  CHECK(ts.run({"LPUSHX", "nokey", "a"}) == ":0\r\n");
  CHECK(ts.run({"RPUSHX", "nokey", "a", "b"}) == ":0\r\n");
  CHECK_FALSE(keyExists("nokey"));
  CHECK(ts.run({"RPUSHX", "l", "z"}) == ":6\r\n");
  CHECK(ts.run({"LPUSHX", "l", "w", "v"}) == ":8\r\n");
  CHECK(ts.run({"LRANGE", "l", "0", "-1"}) == arr({"v", "w", "y", "x", "a", "b", "c", "z"}));
  CHECK(ts.run({"LPUSH", "l"}) == "-ERR wrong number of arguments for 'lpush' command\r\n");
  CHECK(ts.run({"RPUSHX", "l"}) == "-ERR wrong number of arguments for 'rpushx' command\r\n");
  CHECK(ts.run({"SET", "s", "v"}) == "+OK\r\n");
  CHECK(ts.run({"LPUSH", "s", "a"}) == kWrongType);
  CHECK(ts.run({"LPUSHX", "s", "a"}) == kWrongType);
}

TEST_CASE("Redis 7.0 lists are always quicklists") {
  TestServer ts;
  ts.run({"RPUSH", "l", "a"});
  Object* o = lookupKeyPeek(server.dbs[0], "l");
  REQUIRE(o);
  CHECK((o->type == ObjType::List));
  CHECK((o->encoding == Encoding::Quicklist));
  ts.run({"LMOVE", "l", "dst", "LEFT", "LEFT"});
  o = lookupKeyPeek(server.dbs[0], "dst");
  REQUIRE(o);
  CHECK((o->encoding == Encoding::Quicklist));
}

TEST_CASE("LPOP / RPOP with and without count") {
  TestServer ts;
  CHECK(ts.run({"LPOP", "nokey"}) == "$-1\r\n");
  CHECK(ts.run({"LPOP", "nokey", "0"}) == "*-1\r\n");
  CHECK(ts.run({"RPOP", "nokey", "1"}) == "*-1\r\n");
  CHECK(ts.run({"LPOP", "nokey", "-1"}) == kPositive);
  CHECK(ts.run({"LPOP", "nokey", "abc"}) == kPositive);
  CHECK(ts.run({"RPUSH", "l", "a", "b", "c", "d", "e"}) == ":5\r\n");
  CHECK(ts.run({"LPOP", "l", "0"}) == "*0\r\n");
  CHECK(ts.run({"LPOP", "l", "-1"}) == kPositive);
  CHECK(ts.run({"LPOP", "l", "1", "2"}) == "-ERR wrong number of arguments for 'lpop' command\r\n");
  CHECK(ts.run({"LPOP", "l"}) == "$1\r\na\r\n");
  CHECK(ts.run({"RPOP", "l"}) == "$1\r\ne\r\n");
  CHECK(ts.run({"LPOP", "l", "1"}) == arr({"b"}));
  CHECK(ts.run({"RPOP", "l", "5"}) == arr({"d", "c"}));
  CHECK_FALSE(keyExists("l"));  // an emptied list is deleted
  ts.run({"SET", "s", "v"});
  CHECK(ts.run({"LPOP", "s"}) == kWrongType);
  CHECK(ts.run({"LPOP", "s", "0"}) == kWrongType);
  CHECK(ts.run({"LPOP", "s", "-1"}) == kPositive);  // the count is checked first
}

TEST_CASE("LPOP / RPOP null forms in RESP3") {
  TestServer ts;
  ts.run({"HELLO", "3"});
  CHECK(ts.run({"LPOP", "nokey"}) == "_\r\n");
  CHECK(ts.run({"RPOP", "nokey", "2"}) == "_\r\n");
  CHECK(ts.run({"LMPOP", "1", "nokey", "LEFT"}) == "_\r\n");
  CHECK(ts.run({"RPOPLPUSH", "nokey", "d"}) == "_\r\n");
  CHECK(ts.run({"LINDEX", "nokey", "0"}) == "_\r\n");
  CHECK(ts.run({"LPOS", "nokey", "a"}) == "_\r\n");
  ts.run({"RPUSH", "l", "a"});
  CHECK(ts.run({"LPOP", "l", "0"}) == "*0\r\n");
}

TEST_CASE("LLEN, LINDEX and LRANGE") {
  TestServer ts;
  CHECK(ts.run({"LLEN", "nokey"}) == ":0\r\n");
  CHECK(ts.run({"LINDEX", "nokey", "abc"}) == "$-1\r\n");  // a missing key wins
  CHECK(ts.run({"LRANGE", "nokey", "0", "-1"}) == "*0\r\n");
  CHECK(ts.run({"LRANGE", "nokey", "a", "b"}) == kNotInt);  // the range is parsed first
  ts.run({"RPUSH", "l", "a", "b", "c", "d"});
  CHECK(ts.run({"LLEN", "l"}) == ":4\r\n");
  CHECK(ts.run({"LINDEX", "l", "0"}) == "$1\r\na\r\n");
  CHECK(ts.run({"LINDEX", "l", "-1"}) == "$1\r\nd\r\n");
  CHECK(ts.run({"LINDEX", "l", "4"}) == "$-1\r\n");
  CHECK(ts.run({"LINDEX", "l", "-5"}) == "$-1\r\n");
  CHECK(ts.run({"LINDEX", "l", "x"}) == kNotInt);
  CHECK(ts.run({"LRANGE", "l", "1", "2"}) == arr({"b", "c"}));
  CHECK(ts.run({"LRANGE", "l", "-100", "100"}) == arr({"a", "b", "c", "d"}));
  CHECK(ts.run({"LRANGE", "l", "-2", "-1"}) == arr({"c", "d"}));
  CHECK(ts.run({"LRANGE", "l", "3", "1"}) == "*0\r\n");
  CHECK(ts.run({"LRANGE", "l", "4", "10"}) == "*0\r\n");
  CHECK(ts.run({"LRANGE", "l", "-9223372036854775808", "9223372036854775807"}) ==
        arr({"a", "b", "c", "d"}));
  ts.run({"SET", "s", "v"});
  CHECK(ts.run({"LLEN", "s"}) == kWrongType);
  CHECK(ts.run({"LINDEX", "s", "abc"}) == kWrongType);
  CHECK(ts.run({"LRANGE", "s", "0", "1"}) == kWrongType);
}

TEST_CASE("LSET and LINSERT") {
  TestServer ts;
  CHECK(ts.run({"LSET", "nokey", "0", "x"}) == "-ERR no such key\r\n");
  CHECK(ts.run({"LSET", "nokey", "a", "x"}) == "-ERR no such key\r\n");
  ts.run({"RPUSH", "l", "a"});
  CHECK(ts.run({"LSET", "l", "a", "x"}) == kNotInt);
  CHECK(ts.run({"LSET", "l", "5", "x"}) == "-ERR index out of range\r\n");
  CHECK(ts.run({"LSET", "l", "-2", "x"}) == "-ERR index out of range\r\n");
  CHECK(ts.run({"LSET", "l", "-1", "q"}) == "+OK\r\n");
  CHECK(ts.run({"LINSERT", "l", "middle", "a", "b"}) == kSyntax);
  CHECK(ts.run({"LINSERT", "nokey", "middle", "a", "b"}) == kSyntax);
  CHECK(ts.run({"LINSERT", "nokey", "before", "a", "b"}) == ":0\r\n");
  CHECK(ts.run({"LINSERT", "l", "before", "zz", "b"}) == ":-1\r\n");
  CHECK(ts.run({"LINSERT", "l", "BEFORE", "q", "p"}) == ":2\r\n");
  CHECK(ts.run({"LINSERT", "l", "After", "q", "r"}) == ":3\r\n");
  CHECK(ts.run({"LRANGE", "l", "0", "-1"}) == arr({"p", "q", "r"}));
  ts.run({"SET", "s", "v"});
  CHECK(ts.run({"LSET", "s", "a", "x"}) == kWrongType);
  CHECK(ts.run({"LINSERT", "s", "before", "a", "b"}) == kWrongType);
}

TEST_CASE("LREM from the head, from the tail, and all") {
  TestServer ts;
  CHECK(ts.run({"LREM", "nokey", "a", "x"}) == kNotInt);
  CHECK(ts.run({"LREM", "nokey", "1", "x"}) == ":0\r\n");
  ts.run({"RPUSH", "l", "a", "b", "a", "c", "a", "b", "a"});
  CHECK(ts.run({"LREM", "l", "2", "a"}) == ":2\r\n");
  CHECK(ts.run({"LRANGE", "l", "0", "-1"}) == arr({"b", "c", "a", "b", "a"}));
  CHECK(ts.run({"LREM", "l", "-1", "b"}) == ":1\r\n");
  CHECK(ts.run({"LRANGE", "l", "0", "-1"}) == arr({"b", "c", "a", "a"}));
  CHECK(ts.run({"LREM", "l", "-9223372036854775808", "a"}) == ":2\r\n");
  CHECK(ts.run({"LREM", "l", "0", "zz"}) == ":0\r\n");
  CHECK(ts.run({"LREM", "l", "0", "b"}) == ":1\r\n");
  CHECK(ts.run({"LREM", "l", "0", "c"}) == ":1\r\n");
  CHECK_FALSE(keyExists("l"));
}

TEST_CASE("LTRIM") {
  TestServer ts;
  CHECK(ts.run({"LTRIM", "nokey", "a", "1"}) == kNotInt);
  CHECK(ts.run({"LTRIM", "nokey", "0", "1"}) == "+OK\r\n");
  ts.run({"RPUSH", "l", "a", "b", "c", "d", "e"});
  CHECK(ts.run({"LTRIM", "l", "1", "-2"}) == "+OK\r\n");
  CHECK(ts.run({"LRANGE", "l", "0", "-1"}) == arr({"b", "c", "d"}));
  CHECK(ts.run({"LTRIM", "l", "-100", "100"}) == "+OK\r\n");
  CHECK(ts.run({"LRANGE", "l", "0", "-1"}) == arr({"b", "c", "d"}));
  CHECK(ts.run({"LTRIM", "l", "2", "1"}) == "+OK\r\n");  // empty range removes everything
  CHECK_FALSE(keyExists("l"));
  ts.run({"SET", "s", "v"});
  CHECK(ts.run({"LTRIM", "s", "0", "1"}) == kWrongType);
}

TEST_CASE("LPOS options and errors") {
  TestServer ts;
  const std::string rank0 =
      "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or "
      "use negative to start from the end of the list\r\n";
  ts.run({"RPUSH", "l", "a", "b", "c", "a", "b", "c", "a"});
  CHECK(ts.run({"LPOS", "l", "a"}) == ":0\r\n");
  CHECK(ts.run({"LPOS", "l", "a", "RANK", "0"}) == rank0);
  CHECK(ts.run({"LPOS", "nokey", "z", "rank", "0"}) == rank0);  // options before the key
  CHECK(ts.run({"LPOS", "l", "a", "rank", "x"}) == kNotInt);
  CHECK(ts.run({"LPOS", "l", "a", "count", "-1"}) == "-ERR COUNT can't be negative\r\n");
  CHECK(ts.run({"LPOS", "l", "a", "count", "x"}) == "-ERR COUNT can't be negative\r\n");
  CHECK(ts.run({"LPOS", "l", "a", "maxlen", "-1"}) == "-ERR MAXLEN can't be negative\r\n");
  CHECK(ts.run({"LPOS", "l", "a", "maxlen", "x"}) == "-ERR MAXLEN can't be negative\r\n");
  CHECK(ts.run({"LPOS", "l", "a", "rank"}) == kSyntax);
  CHECK(ts.run({"LPOS", "l", "a", "foo", "1"}) == kSyntax);
  CHECK(ts.run({"LPOS", "l", "a", "count", "0"}) == ints({0, 3, 6}));
  CHECK(ts.run({"LPOS", "l", "a", "count", "2"}) == ints({0, 3}));
  CHECK(ts.run({"LPOS", "l", "a", "rank", "-1"}) == ":6\r\n");
  CHECK(ts.run({"LPOS", "l", "a", "rank", "-1", "count", "0"}) == ints({6, 3, 0}));
  CHECK(ts.run({"LPOS", "l", "a", "rank", "2", "count", "0"}) == ints({3, 6}));
  CHECK(ts.run({"LPOS", "l", "a", "rank", "-2", "count", "2", "maxlen", "5"}) == ints({3}));
  CHECK(ts.run({"LPOS", "l", "a", "maxlen", "3", "count", "0"}) == ints({0}));
  CHECK(ts.run({"LPOS", "l", "a", "rank", "1", "rank", "2"}) == ":3\r\n");  // the last wins
  CHECK(ts.run({"LPOS", "l", "a", "count", "1", "count", "0"}) == ints({0, 3, 6}));
  CHECK(ts.run({"LPOS", "l", "a", "rank", "9223372036854775807"}) == "$-1\r\n");
  CHECK(ts.run({"LPOS", "l", "a", "rank", "-9223372036854775807"}) == "$-1\r\n");
  // 7.0 negates LONG_MIN into itself: every match qualifies, COUNT never stops the scan.
  CHECK(ts.run({"LPOS", "l", "a", "rank", "-9223372036854775808"}) == ":6\r\n");
  CHECK(ts.run({"LPOS", "l", "a", "rank", "-9223372036854775808", "count", "1"}) ==
        ints({6, 3, 0}));
  CHECK(ts.run({"LPOS", "l", "a", "rank", "-9223372036854775808", "count", "2", "maxlen", "5"}) ==
        ints({6, 3}));
  CHECK(ts.run({"LPOS", "l", "z"}) == "$-1\r\n");
  CHECK(ts.run({"LPOS", "l", "z", "count", "0"}) == "*0\r\n");
  CHECK(ts.run({"LPOS", "nokey", "z"}) == "$-1\r\n");
  CHECK(ts.run({"LPOS", "nokey", "z", "count", "1"}) == "*0\r\n");
  ts.run({"SET", "s", "v"});
  CHECK(ts.run({"LPOS", "s", "a"}) == kWrongType);
}

TEST_CASE("RPOPLPUSH and LMOVE") {
  TestServer ts;
  CHECK(ts.run({"RPOPLPUSH", "nokey", "dst"}) == "$-1\r\n");
  CHECK_FALSE(keyExists("dst"));
  ts.run({"SET", "s", "v"});
  ts.run({"RPUSH", "l", "a", "b", "c"});
  CHECK(ts.run({"RPOPLPUSH", "s", "dst"}) == kWrongType);
  CHECK(ts.run({"RPOPLPUSH", "l", "s"}) == kWrongType);
  CHECK(ts.run({"LLEN", "l"}) == ":3\r\n");  // nothing moved on error
  CHECK(ts.run({"RPOPLPUSH", "l", "dst"}) == "$1\r\nc\r\n");
  CHECK(ts.run({"LMOVE", "l", "dst", "left", "RIGHT"}) == "$1\r\na\r\n");
  CHECK(ts.run({"LRANGE", "dst", "0", "-1"}) == arr({"c", "a"}));
  CHECK(ts.run({"LMOVE", "l", "dst", "up", "right"}) == kSyntax);
  CHECK(ts.run({"LMOVE", "l", "dst", "left", "up"}) == kSyntax);
  CHECK(ts.run({"LMOVE", "nokey", "dst", "up", "up"}) == kSyntax);
  // The same key rotates; a one-element list survives its own rotation.
  CHECK(ts.run({"LMOVE", "dst", "dst", "LEFT", "RIGHT"}) == "$1\r\nc\r\n");
  CHECK(ts.run({"LRANGE", "dst", "0", "-1"}) == arr({"a", "c"}));
  CHECK(ts.run({"LMOVE", "l", "l", "left", "left"}) == "$1\r\nb\r\n");
  CHECK(ts.run({"LRANGE", "l", "0", "-1"}) == arr({"b"}));
  CHECK(ts.run({"LMOVE", "l", "other", "left", "left"}) == "$1\r\nb\r\n");
  CHECK_FALSE(keyExists("l"));  // the emptied source is deleted
}

TEST_CASE("LMPOP arguments, replies and propagation") {
  TestServer ts;
  CHECK(ts.run({"LMPOP"}) == "-ERR wrong number of arguments for 'lmpop' command\r\n");
  CHECK(ts.run({"LMPOP", "1", "l"}) == "-ERR wrong number of arguments for 'lmpop' command\r\n");
  for (const char* n : {"0", "-1", "x"})
    CHECK(ts.run({"LMPOP", n, "l", "left"}) == "-ERR numkeys should be greater than 0\r\n");
  CHECK(ts.run({"LMPOP", "2", "l", "left"}) == kSyntax);
  CHECK(ts.run({"LMPOP", "5", "l", "left"}) == kSyntax);
  CHECK(ts.run({"LMPOP", "9223372036854775807", "l", "left"}) == kSyntax);
  CHECK(ts.run({"LMPOP", "1", "l", "middle"}) == kSyntax);
  CHECK(ts.run({"LMPOP", "1", "l", "left", "count"}) == kSyntax);
  for (const char* n : {"0", "-1", "x"})
    CHECK(ts.run({"LMPOP", "1", "l", "left", "count", n}) ==
          "-ERR count should be greater than 0\r\n");
  CHECK(ts.run({"LMPOP", "1", "l", "left", "count", "2", "count", "3"}) == kSyntax);
  CHECK(ts.run({"LMPOP", "1", "l", "left", "foo"}) == kSyntax);
  CHECK(ts.run({"LMPOP", "1", "nokey", "left"}) == "*-1\r\n");

  ts.run({"RPUSH", "l", "a", "b", "c", "d"});
  ts.run({"SET", "s", "v"});
  CHECK(ts.run({"LMPOP", "2", "nokey", "s", "left"}) == kWrongType);
  CHECK(ts.run({"LMPOP", "2", "s", "l", "left"}) == kWrongType);
  {
    PropagationRecorder rec;
    CHECK(ts.run({"LMPOP", "2", "nokey", "l", "left"}) == "*2\r\n$1\r\nl\r\n" + arr({"a"}));
    CHECK(ts.run({"LMPOP", "2", "nokey", "l", "RIGHT", "COUNT", "2"}) ==
          "*2\r\n$1\r\nl\r\n" + arr({"d", "c"}));
    CHECK(ts.run({"LMPOP", "1", "l", "left", "count", "100"}) == "*2\r\n$1\r\nl\r\n" + arr({"b"}));
    CHECK(ts.run({"LMPOP", "1", "l", "left"}) == "*-1\r\n");
    // Replicas get the pops that happened, with the count actually popped.
    REQUIRE(rec.ops.size() == 3);
    CHECK(rec.ops[0] == std::vector<std::string>{"LPOP", "l", "1"});
    CHECK(rec.ops[1] == std::vector<std::string>{"RPOP", "l", "2"});
    CHECK(rec.ops[2] == std::vector<std::string>{"LPOP", "l", "1"});
  }
  CHECK_FALSE(keyExists("l"));
}

TEST_CASE("COMMAND GETKEYS for LMPOP") {
  TestServer ts;
  const std::string invalid = "-ERR Invalid arguments specified for command\r\n";
  CHECK(ts.run({"COMMAND", "GETKEYS", "LMPOP", "2", "a", "b", "left"}) == arr({"a", "b"}));
  CHECK(ts.run({"COMMAND", "GETKEYS", "LMPOP", "3", "a", "b", "left"}) == arr({"a", "b", "left"}));
  CHECK(ts.run({"COMMAND", "GETKEYS", "LMPOP", "1", "a", "b", "c", "d"}) == arr({"a"}));
  CHECK(ts.run({"COMMAND", "GETKEYS", "LMPOP", "4294967297", "a", "b"}) == arr({"a"}));
  CHECK(ts.run({"COMMAND", "GETKEYS", "LMPOP", "0", "a", "left"}) == invalid);
  CHECK(ts.run({"COMMAND", "GETKEYS", "LMPOP", "4", "a", "b", "left"}) == invalid);
  CHECK(ts.run({"COMMAND", "GETKEYS", "LMPOP", "x", "a", "b", "left"}) == invalid);
  CHECK(ts.run({"COMMAND", "GETKEYS", "LMPOP", "-1", "a", "b"}) == invalid);
  CHECK(ts.run({"COMMAND", "GETKEYS", "LMPOP", "2147483648", "a", "b"}) == invalid);
  CHECK(ts.run({"COMMAND", "GETKEYS", "LMPOP", "1", "a"}) ==
        "-ERR Invalid number of arguments specified for command\r\n");
  CHECK(ts.run({"COMMAND", "GETKEYS", "RPOPLPUSH", "a", "b"}) == arr({"a", "b"}));
  CHECK(ts.run({"COMMAND", "GETKEYS", "LMOVE", "a", "b", "left", "left"}) == arr({"a", "b"}));
}

TEST_CASE("list writes count dirty as Redis does") {
  TestServer ts;
  struct Step {
    std::vector<std::string> argv;
    long long dirty;
  };
  const Step steps[] = {
      {{"RPUSH", "l", "a", "b", "c", "d", "e"}, 5},
      {{"LPUSH", "l", "x"}, 1},
      {{"LPUSHX", "nokey", "a"}, 0},
      {{"LPOP", "l", "2"}, 2},
      {{"RPOP", "l"}, 1},
      {{"LPOP", "l", "0"}, 0},
      {{"LTRIM", "l", "0", "10"}, 0},
      {{"LTRIM", "l", "1", "-1"}, 1},
      {{"LREM", "l", "0", "zz"}, 0},
      {{"RPUSH", "l", "c", "c", "c"}, 3},
      {{"LREM", "l", "2", "c"}, 2},
      {{"LSET", "l", "0", "q"}, 1},
      {{"LINSERT", "l", "after", "q", "w"}, 1},
      {{"LINSERT", "l", "after", "zz", "w"}, 0},
      {{"LMOVE", "l", "m", "left", "left"}, 1},
      {{"RPOPLPUSH", "l", "l"}, 1},
      {{"LMPOP", "2", "nokey", "l", "left", "count", "2"}, 2},
      {{"LTRIM", "l", "5", "1"}, 1},
  };
  for (const auto& s : steps) {
    long long before = server.dirty;
    ts.run(s.argv);
    CHECK_MESSAGE(server.dirty - before == s.dirty, s.argv[0]);
  }
}

TEST_CASE("list keyspace events, in Redis's order") {
  TestServer ts;
  cfg().notify_keyspace_events = NOTIFY_KEYEVENT | NOTIFY_ALL;
  ts.runAs(1, {"PSUBSCRIBE", "__keyevent@?__:*"});  // a pattern without the prefix below
  auto events = [&](std::vector<std::string> argv) {
    ts.run(std::move(argv));
    std::string out = ts.client(1).out.str();
    ts.client(1).out.clear();
    // Keep only the event names, in order.
    std::vector<std::string> names;
    const std::string prefix = "__keyevent@0__:";
    for (size_t p = out.find(prefix); p != std::string::npos; p = out.find(prefix, p + 1)) {
      size_t start = p + prefix.size();
      names.push_back(out.substr(start, out.find('\r', start) - start));
    }
    return names;
  };
  using V = std::vector<std::string>;
  CHECK(events({"RPUSH", "l", "a", "b"}) == V{"rpush"});
  CHECK(events({"LPOP", "l", "2"}) == V{"lpop", "del"});
  CHECK(events({"RPUSH", "l", "a", "b", "c"}) == V{"rpush"});
  CHECK(events({"LMOVE", "l", "l2", "left", "right"}) == V{"rpush", "lpop"});
  CHECK(events({"LTRIM", "l", "5", "6"}) == V{"ltrim", "del"});
  CHECK(events({"LTRIM", "l2", "0", "5"}) == V{"ltrim"});  // even when nothing is removed
  CHECK(events({"RPUSH", "l", "a", "b"}) == V{"rpush"});
  CHECK(events({"LREM", "l", "0", "zz"}) == V{});
  CHECK(events({"LREM", "l", "0", "a"}) == V{"lrem"});
  CHECK(events({"LINSERT", "l", "before", "b", "x"}) == V{"linsert"});
  CHECK(events({"LINSERT", "l", "before", "zz", "x"}) == V{});
  CHECK(events({"LSET", "l", "0", "y"}) == V{"lset"});
  CHECK(events({"RPOPLPUSH", "l", "l"}) == V{"lpush", "rpop"});
  CHECK(events({"LMPOP", "1", "l", "right", "count", "10"}) == V{"rpop", "del"});
  CHECK(events({"LPUSHX", "nokey", "a"}) == V{});
  CHECK(events({"RPUSH", "l2", "b", "b"}) == V{"rpush"});
  CHECK(events({"LREM", "l2", "0", "b"}) == V{"lrem"});
  CHECK(events({"LREM", "l2", "0", "a"}) == V{"lrem", "del"});
  cfg().notify_keyspace_events = 0;
}

// ---- The packed layout (object.h): a model check against std::deque --------------

TEST_CASE("PackedBuf keeps every value byte for byte, integers included") {
  PackedBuf b;
  std::vector<std::string> vals = {"", "a", "0", "47", "48", "-1", "127", "128", "-129", "32767",
                                   "-32768", "8388607", "-8388608", "2147483647", "-2147483648",
                                   "9223372036854775807", "-9223372036854775808",
                                   "9223372036854775808", "01", "-0", "+1", " 1", "1.5",
                                   std::string(127, 'x'), std::string(128, 'y'),
                                   std::string(16383, 'z'), std::string(16384, 'w'),
                                   std::string(70000, 'v')};
  for (const auto& v : vals) b.pushBack(v);
  CHECK(b.count() == vals.size());
  PackedBuf::Scratch s;
  size_t i = 0;
  for (size_t p = 0; p < b.bytes(); p = b.next(p), i++) {
    CHECK(b.get(p, s) == vals[i]);
    CHECK(b.equals(p, vals[i]));
  }
  CHECK(i == vals.size());
  // Backwards too.
  for (size_t p = b.bytes(); p > 0;) {
    p = b.prev(p);
    CHECK(b.get(p, s) == vals[--i]);
  }
  PackedBuf c = b.clone();
  c.replace(0, std::string(200, 'q'));
  CHECK(c.get(0, s) == std::string(200, 'q'));
  c.replace(0, "7");
  CHECK(c.get(0, s) == "7");
  CHECK(c.get(c.next(0), s) == "a");
  c.erase(0, vals.size());
  CHECK(c.empty());
  CHECK(c.bytes() == 0);
}

TEST_CASE("ListValue behaves as a deque across node boundaries") {
  TestServer ts;
  for (long long fill : {-2LL, 3LL, 1LL}) {
    cfg().list_max_listpack_size = fill;
    std::mt19937 rng(42);
    ListValue l;
    std::deque<std::string> model;
    auto value = [&] {
      switch (rng() % 4) {
        case 0: return std::to_string(static_cast<int>(rng() % 1000) - 500);
        case 1: return std::string(rng() % 300, static_cast<char>('a' + rng() % 26));
        case 2: return std::to_string(rng());
        default: return std::string(1, static_cast<char>('a' + rng() % 26));
      }
    };
    for (int step = 0; step < 4000; step++) {
      int op = static_cast<int>(rng() % 10);
      std::string v = value();
      if (op < 3) {
        l.pushBack(v);
        model.push_back(v);
      } else if (op < 5) {
        l.pushFront(v);
        model.push_front(v);
      } else if (op == 5 && !model.empty()) {
        l.popFront();
        model.pop_front();
      } else if (op == 6 && !model.empty()) {
        l.popBack();
        model.pop_back();
      } else if (op == 7) {
        size_t i = rng() % (model.size() + 1);
        l.insert(i, v);
        model.insert(model.begin() + static_cast<long>(i), v);
      } else if (op == 8 && !model.empty()) {
        size_t i = rng() % model.size();
        l.set(i, v);
        model[i] = v;
      } else if (op == 9 && step % 50 == 0) {
        size_t a = rng() % (model.size() / 4 + 1), b = rng() % (model.size() / 4 + 1);
        l.trimFront(a);
        model.erase(model.begin(), model.begin() + static_cast<long>(std::min(a, model.size())));
        l.trimBack(b);
        model.erase(model.end() - static_cast<long>(std::min(b, model.size())), model.end());
      }
      REQUIRE(l.size() == model.size());
    }
    PackedBuf::Scratch s;
    std::vector<std::string> got;
    l.forEach([&](std::string_view v) { got.emplace_back(v); });
    CHECK(got == std::vector<std::string>(model.begin(), model.end()));
    for (size_t i = 0; i < model.size(); i += 7) CHECK(l.at(i, s) == model[i]);
    if (!model.empty()) {
      size_t i = model.size();
      for (auto cur = l.cursorAt(model.size() - 1); cur.valid(); cur.prev()) CHECK(cur.value() == model[--i]);
      CHECK(i == 0);
      CHECK(l.front(s) == model.front());
      CHECK(l.back(s) == model.back());
    }
    ListValue copy = l.clone();
    CHECK(copy.size() == l.size());
    if (fill == 1) CHECK(l.nodeCount() == l.size());
  }
  cfg().list_max_listpack_size = -2;
}

TEST_CASE("LINSERT / LREM / LTRIM / LPOS over many nodes") {
  TestServer ts;
  cfg().list_max_listpack_size = 2;
  for (int i = 0; i < 10; i++) ts.run({"RPUSH", "l", std::to_string(i % 3)});
  CHECK(ts.run({"LINSERT", "l", "AFTER", "2", "x"}) == ":11\r\n");
  CHECK(ts.run({"LRANGE", "l", "0", "-1"}) == arr({"0", "1", "2", "x", "0", "1", "2", "0", "1", "2", "0"}));
  CHECK(ts.run({"LPOS", "l", "0", "RANK", "-2", "COUNT", "0"}) == ints({7, 4, 0}));
  CHECK(ts.run({"LREM", "l", "-2", "0"}) == ":2\r\n");
  CHECK(ts.run({"LRANGE", "l", "0", "-1"}) == arr({"0", "1", "2", "x", "0", "1", "2", "1", "2"}));
  CHECK(ts.run({"LREM", "l", "1", "0"}) == ":1\r\n");
  CHECK(ts.run({"LTRIM", "l", "2", "-2"}) == "+OK\r\n");
  CHECK(ts.run({"LRANGE", "l", "0", "-1"}) == arr({"x", "0", "1", "2", "1"}));
  CHECK(ts.run({"LINDEX", "l", "-1"}) == bulk("1"));
  CHECK(ts.run({"LSET", "l", "1", std::string(100, 'z')}) == "+OK\r\n");
  CHECK(ts.run({"LINDEX", "l", "1"}) == bulk(std::string(100, 'z')));
  cfg().list_max_listpack_size = -2;
}
