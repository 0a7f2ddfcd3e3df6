// tests/unit/test_zset.cpp — the sorted set commands (server/t_zset.cpp) byte for byte, and
// the skiplist beneath them. Every expected reply, error text, keyspace event and dirty
// count below was taken from a real Redis 7.0.15 running the same commands; replies that
// are random by design are checked for their properties instead.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "common/config.h"
#include "server/db.h"
#include "server/t_zset.h"
#include "tests/unit/harness.h"

using namespace osprey;
using osprey::test::TestServer;

namespace {

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

// The bulk strings of a flat RESP2 array reply ("*2\r\n$1\r\na\r\n$1\r\n1\r\n" -> {"a", "1"}).
std::vector<std::string> bulks(const std::string& resp) {
  std::vector<std::string> out;
  size_t p = resp.find("\r\n") + 2;
  while (p < resp.size() && resp[p] == '$') {
    size_t eol = resp.find("\r\n", p);
    size_t len = std::stoul(resp.substr(p + 1, eol - p - 1));
    out.push_back(resp.substr(eol + 2, len));
    p = eol + 2 + len + 2;
  }
  return out;
}

std::vector<std::string> zaddArgs(const std::string& key, int n, const char* prefix = "m") {
  std::vector<std::string> argv{"ZADD", key};
  for (int i = 0; i < n; i++) {
    argv.push_back(std::to_string(i));
    argv.push_back(prefix + std::to_string(i));
  }
  return argv;
}

}  // namespace

TEST_CASE("ZADD options, replies and option conflicts") {
  TestServer ts;
  CHECK(ts.run({"ZADD", "z", "1", "a", "2", "b", "3", "c"}) == ":3\r\n");
  CHECK(ts.run({"ZADD", "z", "1", "a"}) == ":0\r\n");
  CHECK(ts.run({"ZADD", "z", "CH", "5", "a", "2", "b"}) == ":1\r\n");
  CHECK(ts.run({"ZADD", "z", "NX", "10", "a", "10", "d"}) == ":1\r\n");
  CHECK(ts.run({"ZADD", "z", "XX", "20", "a", "20", "e"}) == ":0\r\n");
  CHECK(ts.run({"ZADD", "z", "XX", "CH", "21", "a"}) == ":1\r\n");
  CHECK(ts.run({"ZADD", "z", "GT", "CH", "1", "a"}) == ":0\r\n");
  CHECK(ts.run({"ZADD", "z", "GT", "CH", "100", "a"}) == ":1\r\n");
  CHECK(ts.run({"ZADD", "z", "LT", "CH", "0", "a"}) == ":1\r\n");
  CHECK(ts.run({"ZADD", "z", "LT", "XX", "CH", "-1", "a", "-5", "nomember"}) == ":1\r\n");
  CHECK(ts.run({"ZADD", "z", "gt", "lt", "1", "a"}) ==
        "-ERR GT, LT, and/or NX options at the same time are not compatible\r\n");
  CHECK(ts.run({"ZADD", "z", "NX", "XX", "1", "a"}) ==
        "-ERR XX and NX options at the same time are not compatible\r\n");
  CHECK(ts.run({"ZADD", "z", "GT", "NX", "1", "a"}) ==
        "-ERR GT, LT, and/or NX options at the same time are not compatible\r\n");
  CHECK(ts.run({"ZADD", "z", "LT", "NX", "1", "a"}) ==
        "-ERR GT, LT, and/or NX options at the same time are not compatible\r\n");
  CHECK(ts.run({"ZADD", "z", "NX", "XX", "GT", "1", "a"}) ==
        "-ERR XX and NX options at the same time are not compatible\r\n");
  CHECK(ts.run({"ZADD", "z", "INCR", "1", "a", "2", "b"}) ==
        "-ERR INCR option supports a single increment-element pair\r\n");
  CHECK(ts.run({"ZADD", "z", "1"}) == "-ERR wrong number of arguments for 'zadd' command\r\n");
  CHECK(ts.run({"ZADD", "z", "1", "a", "2"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"ZADD", "z", "nx"}) == "-ERR wrong number of arguments for 'zadd' command\r\n");
  CHECK(ts.run({"ZADD", "z", "nx", "xx", "1"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"ZADD", "z", "abc", "a"}) == "-ERR value is not a valid float\r\n");
  CHECK(ts.run({"ZADD", "z", "1", "a", "x", "b"}) == "-ERR value is not a valid float\r\n");
  CHECK(ts.run({"ZADD", "z", "nan", "a"}) == "-ERR value is not a valid float\r\n");
  CHECK(ts.run({"ZADD", "z", "1e400", "a"}) == "-ERR value is not a valid float\r\n");
  CHECK(ts.run({"ZADD", "z", "", "a"}) == "-ERR value is not a valid float\r\n");
  CHECK(ts.run({"ZADD", "z", " 1", "a"}) == "-ERR value is not a valid float\r\n");
  CHECK(ts.run({"ZADD", "z", "1x", "a"}) == "-ERR value is not a valid float\r\n");
  CHECK(ts.run({"ZADD", "z", "-inf", "lo", "+inf", "hi", "0x10", "hex", "1.5e3", "exp", "0.1", "tenth"}) ==
        ":5\r\n");
  CHECK(ts.run({"ZRANGE", "z", "0", "-1", "WITHSCORES"}) ==
        "*18\r\n$2\r\nlo\r\n$4\r\n-inf\r\n$1\r\na\r\n$2\r\n-1\r\n$5\r\ntenth\r\n$19\r\n0.10000000000000001\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$2\r\n10\r\n$3\r\nhex\r\n$2\r\n16\r\n$3\r\nexp\r\n$4\r\n1500\r\n$2\r\nhi\r\n$3\r\ninf\r\n");
  CHECK(ts.run({"ZADD", "nokey", "XX", "1", "a"}) == ":0\r\n");
  CHECK(ts.run({"EXISTS", "nokey"}) == ":0\r\n");
  CHECK(ts.run({"ZADD", "nokey", "XX", "INCR", "1", "a"}) == "$-1\r\n");
  ts.run({"SET", "str", "v"});
  CHECK(ts.run({"ZADD", "str", "1", "a"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(ts.run({"ZADD", "str", "abc", "a"}) == "-ERR value is not a valid float\r\n");
  CHECK(ts.run({"ZADD", "str", "1", "a", "2"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"ZADD"}) == "-ERR wrong number of arguments for 'zadd' command\r\n");
  CHECK(ts.run({"ZADD", "z"}) == "-ERR wrong number of arguments for 'zadd' command\r\n");
  CHECK(ts.run({"ZADD", "z", "1"}) == "-ERR wrong number of arguments for 'zadd' command\r\n");
}

TEST_CASE("ZINCRBY and ZADD INCR") {
  TestServer ts;
  CHECK(ts.run({"ZINCRBY", "z", "1", "a"}) == "$1\r\n1\r\n");
  CHECK(ts.run({"ZINCRBY", "z", "1.5", "a"}) == "$3\r\n2.5\r\n");
  CHECK(ts.run({"ZINCRBY", "z", "-0.25", "a"}) == "$4\r\n2.25\r\n");
  CHECK(ts.run({"ZSCORE", "z", "a"}) == "$4\r\n2.25\r\n");
  CHECK(ts.run({"ZADD", "z", "INCR", "1", "a"}) == "$4\r\n3.25\r\n");
  CHECK(ts.run({"ZADD", "z", "INCR", "NX", "1", "a"}) == "$-1\r\n");
  CHECK(ts.run({"ZADD", "z", "INCR", "XX", "1", "nomember"}) == "$-1\r\n");
  CHECK(ts.run({"ZADD", "z", "INCR", "GT", "-10", "a"}) == "$-1\r\n");
  CHECK(ts.run({"ZADD", "z", "INCR", "LT", "-10", "a"}) == "$5\r\n-6.75\r\n");
  CHECK(ts.run({"ZADD", "z", "INCR", "GT", "10", "a"}) == "$4\r\n3.25\r\n");
  CHECK(ts.run({"ZINCRBY", "z", "abc", "a"}) == "-ERR value is not a valid float\r\n");
  CHECK(ts.run({"ZINCRBY", "z", "nx", "a"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"ZINCRBY", "z", "0.1", "f"}) == "$19\r\n0.10000000000000001\r\n");
  CHECK(ts.run({"ZINCRBY", "z", "0.2", "f"}) == "$19\r\n0.30000000000000004\r\n");
  CHECK(ts.run({"ZADD", "z", "inf", "i"}) == ":1\r\n");
  CHECK(ts.run({"ZINCRBY", "z", "-inf", "i"}) ==
        "-ERR resulting score is not a number (NaN)\r\n");
  CHECK(ts.run({"ZADD", "z", "INCR", "-inf", "i"}) ==
        "-ERR resulting score is not a number (NaN)\r\n");
  CHECK(ts.run({"ZSCORE", "z", "i"}) == "$3\r\ninf\r\n");
  CHECK(ts.run({"ZADD", "n", "INCR", "-0", "a"}) == "$2\r\n-0\r\n");
  CHECK(ts.run({"ZSCORE", "n", "a"}) == "$1\r\n0\r\n");
  ts.run({"SET", "str", "v"});
  CHECK(ts.run({"ZINCRBY", "str", "1", "a"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(ts.run({"ZINCRBY", "z", "1"}) ==
        "-ERR wrong number of arguments for 'zincrby' command\r\n");
}

TEST_CASE("ZREM, ZCARD, ZSCORE and ZMSCORE") {
  TestServer ts;
  ts.run({"ZADD", "z", "1", "a", "2", "b", "3", "c", "1.5", "d"});
  CHECK(ts.run({"ZCARD", "z"}) == ":4\r\n");
  CHECK(ts.run({"ZCARD", "nokey"}) == ":0\r\n");
  CHECK(ts.run({"ZSCORE", "z", "d"}) == "$3\r\n1.5\r\n");
  CHECK(ts.run({"ZSCORE", "z", "nomember"}) == "$-1\r\n");
  CHECK(ts.run({"ZSCORE", "nokey", "a"}) == "$-1\r\n");
  CHECK(ts.run({"ZMSCORE", "z", "a", "nomember", "d"}) == "*3\r\n$1\r\n1\r\n$-1\r\n$3\r\n1.5\r\n");
  CHECK(ts.run({"ZMSCORE", "nokey", "a", "b"}) == "*2\r\n$-1\r\n$-1\r\n");
  CHECK(ts.run({"ZREM", "z", "a", "nomember", "b"}) == ":2\r\n");
  CHECK(ts.run({"ZREM", "z", "nomember"}) == ":0\r\n");
  CHECK(ts.run({"ZREM", "nokey", "a"}) == ":0\r\n");
  CHECK(ts.run({"ZREM", "z", "c", "d", "c"}) == ":2\r\n");
  CHECK(ts.run({"EXISTS", "z"}) == ":0\r\n");
  ts.run({"SET", "str", "v"});
  CHECK(ts.run({"ZCARD", "str"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(ts.run({"ZSCORE", "str", "a"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(ts.run({"ZMSCORE", "str", "a"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(ts.run({"ZREM", "str", "a"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(ts.run({"ZMSCORE", "z"}) == "-ERR wrong number of arguments for 'zmscore' command\r\n");
  ts.run({"HELLO", "3"});
  ts.run({"ZADD", "z", "1", "a", "2.5", "b"});
  CHECK(ts.run({"ZSCORE", "z", "b"}) == ",2.5\r\n");
  CHECK(ts.run({"ZSCORE", "z", "nomember"}) == "_\r\n");
  CHECK(ts.run({"ZMSCORE", "z", "b", "nomember"}) == "*2\r\n,2.5\r\n_\r\n");
  CHECK(ts.run({"ZSCORE", "nokey", "a"}) == "_\r\n");
}

TEST_CASE("ZRANK and ZREVRANK") {
  TestServer ts;
  ts.run({"ZADD", "z", "1", "a", "2", "b", "2", "c", "3", "d"});
  CHECK(ts.run({"ZRANK", "z", "a"}) == ":0\r\n");
  CHECK(ts.run({"ZRANK", "z", "c"}) == ":2\r\n");
  CHECK(ts.run({"ZREVRANK", "z", "a"}) == ":3\r\n");
  CHECK(ts.run({"ZREVRANK", "z", "c"}) == ":1\r\n");
  CHECK(ts.run({"ZRANK", "z", "nomember"}) == "$-1\r\n");
  CHECK(ts.run({"ZRANK", "nokey", "a"}) == "$-1\r\n");
  ts.run({"SET", "str", "v"});
  CHECK(ts.run({"ZRANK", "str", "a"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(ts.run({"ZREVRANK", "str", "a"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
}

TEST_CASE("ZRANGE by rank, score and lex, with its errors") {
  TestServer ts;
  ts.run({"ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e", "5", "f", "5", "g", "6", "h"});
  CHECK(ts.run({"ZRANGE", "z", "0", "-1"}) ==
        "*8\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nf\r\n$1\r\ng\r\n$1\r\nh\r\n");
  CHECK(ts.run({"ZRANGE", "z", "2", "4", "WITHSCORES"}) ==
        "*6\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\ne\r\n$1\r\n5\r\n");
  CHECK(ts.run({"ZRANGE", "z", "-3", "-1"}) == "*3\r\n$1\r\nf\r\n$1\r\ng\r\n$1\r\nh\r\n");
  CHECK(ts.run({"ZRANGE", "z", "-100", "100"}) ==
        "*8\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nf\r\n$1\r\ng\r\n$1\r\nh\r\n");
  CHECK(ts.run({"ZRANGE", "z", "5", "2"}) == "*0\r\n");
  CHECK(ts.run({"ZRANGE", "z", "10", "20"}) == "*0\r\n");
  CHECK(ts.run({"ZRANGE", "z", "0", "2", "REV", "WITHSCORES"}) ==
        "*6\r\n$1\r\nh\r\n$1\r\n6\r\n$1\r\ng\r\n$1\r\n5\r\n$1\r\nf\r\n$1\r\n5\r\n");
  CHECK(ts.run({"ZRANGE", "z", "(1", "5", "BYSCORE"}) ==
        "*6\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nf\r\n$1\r\ng\r\n");
  CHECK(ts.run({"ZRANGE", "z", "1", "(5", "BYSCORE", "WITHSCORES"}) ==
        "*8\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n");
  CHECK(ts.run({"ZRANGE", "z", "(5", "(5", "BYSCORE"}) == "*0\r\n");
  CHECK(ts.run({"ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "2", "3"}) ==
        "*3\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n");
  CHECK(ts.run({"ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "2", "-1"}) ==
        "*6\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nf\r\n$1\r\ng\r\n$1\r\nh\r\n");
  CHECK(ts.run({"ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "-1", "2"}) == "*0\r\n");
  CHECK(ts.run({"ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "100", "2"}) == "*0\r\n");
  CHECK(ts.run({"ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "0", "0"}) == "*0\r\n");
  CHECK(ts.run({"ZRANGE", "z", "+inf", "-inf", "BYSCORE", "REV", "LIMIT", "1", "3", "WITHSCORES"}) ==
        "*6\r\n$1\r\ng\r\n$1\r\n5\r\n$1\r\nf\r\n$1\r\n5\r\n$1\r\ne\r\n$1\r\n5\r\n");
  CHECK(ts.run({"ZRANGE", "z", "1", "5", "BYSCORE", "REV"}) == "*0\r\n");
  CHECK(ts.run({"ZRANGE", "z", "", "1", "BYSCORE"}) == "*1\r\n$1\r\na\r\n");
  CHECK(ts.run({"ZRANGE", "z", "(", "1", "BYSCORE"}) == "*1\r\n$1\r\na\r\n");
  CHECK(ts.run({"ZRANGE", "z", "1e400", "5", "BYSCORE"}) == "*0\r\n");
  CHECK(ts.run({"ZRANGE", "z", "abc", "5", "BYSCORE"}) == "-ERR min or max is not a float\r\n");
  CHECK(ts.run({"ZRANGE", "z", "nan", "5", "BYSCORE"}) == "-ERR min or max is not a float\r\n");
  CHECK(ts.run({"ZRANGE", "z", "[a", "(c", "BYLEX"}) == "*2\r\n$1\r\na\r\n$1\r\nb\r\n");
  CHECK(ts.run({"ZRANGE", "z", "-", "+", "BYLEX", "LIMIT", "1", "2"}) == "*2\r\n$1\r\nb\r\n$1\r\nc\r\n");
  CHECK(ts.run({"ZRANGE", "z", "+", "-", "BYLEX", "REV", "LIMIT", "1", "2"}) ==
        "*2\r\n$1\r\ng\r\n$1\r\nf\r\n");
  CHECK(ts.run({"ZRANGE", "z", "a", "c", "BYLEX"}) ==
        "-ERR min or max not valid string range item\r\n");
  CHECK(ts.run({"ZRANGE", "z", "+a", "-", "BYLEX"}) ==
        "-ERR min or max not valid string range item\r\n");
  CHECK(ts.run({"ZRANGE", "z", "0", "-1", "LIMIT", "0", "1"}) ==
        "-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX\r\n");
  CHECK(ts.run({"ZRANGE", "z", "-", "+", "BYLEX", "WITHSCORES"}) ==
        "-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n");
  CHECK(ts.run({"ZRANGE", "z", "0", "-1", "BYSCORE", "BYLEX"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"ZRANGE", "z", "0", "-1", "REV", "REV"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"ZRANGE", "z", "0", "-1", "foo"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"ZRANGE", "z", "0", "-1", "LIMIT", "1"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"ZRANGE", "z", "0", "-1", "BYSCORE", "LIMIT", "a", "1"}) ==
        "-ERR value is not an integer or out of range\r\n");
  CHECK(ts.run({"ZRANGE", "z", "a", "b"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(ts.run({"ZRANGE", "nokey", "0", "-1"}) == "*0\r\n");
  CHECK(ts.run({"ZRANGE", "nokey", "a", "b"}) ==
        "-ERR value is not an integer or out of range\r\n");
  ts.run({"SET", "str", "v"});
  CHECK(ts.run({"ZRANGE", "str", "0", "-1"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(ts.run({"ZRANGE", "str", "a", "b"}) ==
        "-ERR value is not an integer or out of range\r\n");
  ts.run({"HELLO", "3"});
  CHECK(ts.run({"ZRANGE", "z", "0", "1", "WITHSCORES"}) ==
        "*2\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2\r\n");
  CHECK(ts.run({"ZRANGE", "z", "5", "+inf", "BYSCORE", "WITHSCORES", "LIMIT", "0", "2"}) ==
        "*2\r\n*2\r\n$1\r\ne\r\n,5\r\n*2\r\n$1\r\nf\r\n,5\r\n");
  CHECK(ts.run({"ZRANGE", "z", "0", "1"}) == "*2\r\n$1\r\na\r\n$1\r\nb\r\n");
}

TEST_CASE("ZREVRANGE, ZRANGEBYSCORE, ZREVRANGEBYSCORE, ZRANGEBYLEX, ZREVRANGEBYLEX") {
  TestServer ts;
  ts.run({"ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"});
  CHECK(ts.run({"ZREVRANGE", "z", "0", "-1"}) == "*5\r\n$1\r\ne\r\n$1\r\nd\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n");
  CHECK(ts.run({"ZREVRANGE", "z", "0", "1", "WITHSCORES"}) ==
        "*4\r\n$1\r\ne\r\n$1\r\n5\r\n$1\r\nd\r\n$1\r\n4\r\n");
  CHECK(ts.run({"ZREVRANGE", "z", "0", "-1", "REV"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"ZREVRANGE", "z", "0", "-1", "BYSCORE"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"ZREVRANGE", "z", "0", "-1", "LIMIT", "0", "1"}) ==
        "-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX\r\n");
  CHECK(ts.run({"ZRANGEBYSCORE", "z", "-inf", "+inf"}) ==
        "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n");
  CHECK(ts.run({"ZRANGEBYSCORE", "z", "2", "5", "WITHSCORES", "LIMIT", "1", "2"}) ==
        "*4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n");
  CHECK(ts.run({"ZRANGEBYSCORE", "z", "(2", "(5"}) == "*2\r\n$1\r\nc\r\n$1\r\nd\r\n");
  CHECK(ts.run({"ZRANGEBYSCORE", "z", "2", "5", "REV"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"ZRANGEBYSCORE", "z", "2", "5", "BYSCORE"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"ZRANGEBYSCORE", "z", "a", "5"}) == "-ERR min or max is not a float\r\n");
  CHECK(ts.run({"ZREVRANGEBYSCORE", "z", "+inf", "-inf"}) ==
        "*5\r\n$1\r\ne\r\n$1\r\nd\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n");
  CHECK(ts.run({"ZREVRANGEBYSCORE", "z", "5", "2", "WITHSCORES", "LIMIT", "1", "10"}) ==
        "*6\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nb\r\n$1\r\n2\r\n");
  CHECK(ts.run({"ZREVRANGEBYSCORE", "z", "2", "5"}) == "*0\r\n");
  ts.run({"ZADD", "l", "0", "a", "0", "b", "0", "c", "0", "d", "0", "e"});
  CHECK(ts.run({"ZRANGEBYLEX", "l", "-", "+"}) == "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n");
  CHECK(ts.run({"ZRANGEBYLEX", "l", "[b", "[d"}) == "*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n");
  CHECK(ts.run({"ZRANGEBYLEX", "l", "(b", "(e", "LIMIT", "1", "1"}) == "*1\r\n$1\r\nd\r\n");
  CHECK(ts.run({"ZRANGEBYLEX", "l", "b", "e"}) ==
        "-ERR min or max not valid string range item\r\n");
  CHECK(ts.run({"ZRANGEBYLEX", "l", "-", "+", "WITHSCORES"}) ==
        "-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n");
  CHECK(ts.run({"ZREVRANGEBYLEX", "l", "+", "-"}) == "*5\r\n$1\r\ne\r\n$1\r\nd\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n");
  CHECK(ts.run({"ZREVRANGEBYLEX", "l", "[d", "[b"}) == "*3\r\n$1\r\nd\r\n$1\r\nc\r\n$1\r\nb\r\n");
  CHECK(ts.run({"ZREVRANGEBYLEX", "l", "-", "+"}) == "*0\r\n");
  CHECK(ts.run({"ZRANGEBYLEX", "nokey", "-", "+"}) == "*0\r\n");
  CHECK(ts.run({"ZRANGEBYLEX", "nokey", "a", "b"}) ==
        "-ERR min or max not valid string range item\r\n");
}

TEST_CASE("ZCOUNT and ZLEXCOUNT") {
  TestServer ts;
  ts.run({"ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e", "5", "f"});
  CHECK(ts.run({"ZCOUNT", "z", "-inf", "+inf"}) == ":6\r\n");
  CHECK(ts.run({"ZCOUNT", "z", "(1", "5"}) == ":5\r\n");
  CHECK(ts.run({"ZCOUNT", "z", "5", "(5"}) == ":0\r\n");
  CHECK(ts.run({"ZCOUNT", "z", "10", "20"}) == ":0\r\n");
  CHECK(ts.run({"ZCOUNT", "z", "3", "1"}) == ":0\r\n");
  CHECK(ts.run({"ZCOUNT", "z", "a", "1"}) == "-ERR min or max is not a float\r\n");
  CHECK(ts.run({"ZCOUNT", "z", "1", "(a"}) == "-ERR min or max is not a float\r\n");
  CHECK(ts.run({"ZCOUNT", "nokey", "1", "2"}) == ":0\r\n");
  ts.run({"ZADD", "l", "0", "a", "0", "b", "0", "c", "0", "d"});
  CHECK(ts.run({"ZLEXCOUNT", "l", "-", "+"}) == ":4\r\n");
  CHECK(ts.run({"ZLEXCOUNT", "l", "[b", "(d"}) == ":2\r\n");
  CHECK(ts.run({"ZLEXCOUNT", "l", "(a", "(a"}) == ":0\r\n");
  CHECK(ts.run({"ZLEXCOUNT", "l", "[a", "[a"}) == ":1\r\n");
  CHECK(ts.run({"ZLEXCOUNT", "l", "+", "-"}) == ":0\r\n");
  CHECK(ts.run({"ZLEXCOUNT", "l", "-", "-"}) == ":0\r\n");
  CHECK(ts.run({"ZLEXCOUNT", "l", "b", "d"}) ==
        "-ERR min or max not valid string range item\r\n");
  CHECK(ts.run({"ZLEXCOUNT", "l", "-a", "+"}) ==
        "-ERR min or max not valid string range item\r\n");
  CHECK(ts.run({"ZLEXCOUNT", "nokey", "-", "+"}) == ":0\r\n");
  ts.run({"SET", "str", "v"});
  CHECK(ts.run({"ZCOUNT", "str", "1", "2"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(ts.run({"ZLEXCOUNT", "str", "-", "+"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  // Members of a lex range with different scores: the ends of the set decide.
  ts.run({"ZADD", "mixed", "1", "a", "2", "c", "3", "b", "0", "z"});
  CHECK(ts.run({"ZRANGEBYLEX", "mixed", "[c", "[c"}) == "*0\r\n");
  CHECK(ts.run({"ZLEXCOUNT", "mixed", "[b", "+"}) == ":4\r\n");
  CHECK(ts.run({"ZREVRANGEBYLEX", "mixed", "[c", "-"}) == "*0\r\n");
}

TEST_CASE("ZRANGESTORE") {
  TestServer ts;
  ts.run({"ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"});
  CHECK(ts.run({"ZRANGESTORE", "dst", "z", "0", "2"}) == ":3\r\n");
  CHECK(ts.run({"ZRANGE", "dst", "0", "-1", "WITHSCORES"}) ==
        "*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n");
  CHECK(ts.run({"ZRANGESTORE", "dst", "z", "2", "5", "BYSCORE", "LIMIT", "1", "2"}) == ":2\r\n");
  CHECK(ts.run({"ZRANGE", "dst", "0", "-1", "WITHSCORES"}) ==
        "*4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n");
  CHECK(ts.run({"ZRANGESTORE", "dst", "z", "[b", "[d", "BYLEX", "REV"}) == ":0\r\n");
  CHECK(ts.run({"ZRANGE", "dst", "0", "-1"}) == "*0\r\n");
  CHECK(ts.run({"ZRANGESTORE", "dst", "z", "0", "-1", "WITHSCORES"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"ZRANGESTORE", "dst", "z", "100", "200"}) == ":0\r\n");
  CHECK(ts.run({"EXISTS", "dst"}) == ":0\r\n");
  CHECK(ts.run({"ZRANGESTORE", "dst", "nokey", "0", "-1"}) == ":0\r\n");
  ts.run({"SET", "str", "v"});
  CHECK(ts.run({"ZRANGESTORE", "dst", "str", "0", "-1"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(ts.run({"ZRANGESTORE", "str", "z", "0", "1"}) == ":2\r\n");
  CHECK(ts.run({"TYPE", "str"}) == "+zset\r\n");
  CHECK(ts.run({"ZRANGESTORE", "z", "z", "1", "2"}) == ":2\r\n");
  CHECK(ts.run({"ZRANGE", "z", "0", "-1"}) == "*2\r\n$1\r\nb\r\n$1\r\nc\r\n");
  CHECK(ts.run({"ZRANGESTORE", "dst", "z", "0", "-1", "LIMIT", "0", "1"}) ==
        "-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX\r\n");
  CHECK(ts.run({"ZRANGESTORE", "dst", "z"}) ==
        "-ERR wrong number of arguments for 'zrangestore' command\r\n");
}

TEST_CASE("ZREMRANGEBYRANK, ZREMRANGEBYSCORE and ZREMRANGEBYLEX") {
  TestServer ts;
  ts.run({"ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e", "5", "f", "5", "g", "6", "h"});
  CHECK(ts.run({"ZREMRANGEBYRANK", "z", "0", "1"}) == ":2\r\n");
  CHECK(ts.run({"ZREMRANGEBYRANK", "z", "-2", "-1"}) == ":2\r\n");
  CHECK(ts.run({"ZREMRANGEBYRANK", "z", "5", "1"}) == ":0\r\n");
  CHECK(ts.run({"ZREMRANGEBYRANK", "z", "10", "20"}) == ":0\r\n");
  CHECK(ts.run({"ZRANGE", "z", "0", "-1"}) == "*4\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nf\r\n");
  CHECK(ts.run({"ZREMRANGEBYRANK", "z", "a", "1"}) ==
        "-ERR value is not an integer or out of range\r\n");
  CHECK(ts.run({"ZREMRANGEBYRANK", "nokey", "0", "1"}) == ":0\r\n");
  CHECK(ts.run({"ZREMRANGEBYSCORE", "z", "(3", "5"}) == ":3\r\n");
  CHECK(ts.run({"ZRANGE", "z", "0", "-1"}) == "*1\r\n$1\r\nc\r\n");
  CHECK(ts.run({"ZREMRANGEBYSCORE", "z", "a", "b"}) == "-ERR min or max is not a float\r\n");
  CHECK(ts.run({"ZREMRANGEBYSCORE", "z", "-inf", "+inf"}) == ":1\r\n");
  CHECK(ts.run({"EXISTS", "z"}) == ":0\r\n");
  ts.run({"ZADD", "l", "0", "a", "0", "b", "0", "c", "0", "d", "0", "e"});
  CHECK(ts.run({"ZREMRANGEBYLEX", "l", "[b", "(d"}) == ":2\r\n");
  CHECK(ts.run({"ZRANGE", "l", "0", "-1"}) == "*3\r\n$1\r\na\r\n$1\r\nd\r\n$1\r\ne\r\n");
  CHECK(ts.run({"ZREMRANGEBYLEX", "l", "b", "d"}) ==
        "-ERR min or max not valid string range item\r\n");
  CHECK(ts.run({"ZREMRANGEBYLEX", "l", "-", "+"}) == ":3\r\n");
  CHECK(ts.run({"EXISTS", "l"}) == ":0\r\n");
  CHECK(ts.run({"ZREMRANGEBYLEX", "nokey", "-", "+"}) == ":0\r\n");
  ts.run({"SET", "str", "v"});
  CHECK(ts.run({"ZREMRANGEBYLEX", "str", "-", "+"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(ts.run({"ZREMRANGEBYSCORE", "str", "1", "2"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(ts.run({"ZREMRANGEBYRANK", "str", "1", "2"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(ts.run({"ZREMRANGEBYLEX", "str", "a", "b"}) ==
        "-ERR min or max not valid string range item\r\n");
}

TEST_CASE("ZPOPMIN and ZPOPMAX") {
  TestServer ts;
  ts.run({"ZADD", "p", "1", "a", "2", "b", "3", "c", "4", "d"});
  CHECK(ts.run({"ZPOPMIN", "p"}) == "*2\r\n$1\r\na\r\n$1\r\n1\r\n");
  CHECK(ts.run({"ZPOPMAX", "p"}) == "*2\r\n$1\r\nd\r\n$1\r\n4\r\n");
  CHECK(ts.run({"ZPOPMIN", "p", "0"}) == "*0\r\n");
  CHECK(ts.run({"ZPOPMIN", "p", "-1"}) == "-ERR value is out of range, must be positive\r\n");
  CHECK(ts.run({"ZPOPMIN", "p", "abc"}) == "-ERR value is out of range, must be positive\r\n");
  CHECK(ts.run({"ZPOPMIN", "p", "1", "2"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"ZPOPMIN", "p", "10"}) == "*4\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n");
  CHECK(ts.run({"EXISTS", "p"}) == ":0\r\n");
  CHECK(ts.run({"ZPOPMIN", "p"}) == "*0\r\n");
  CHECK(ts.run({"ZPOPMAX", "p", "2"}) == "*0\r\n");
  ts.run({"SET", "str", "v"});
  CHECK(ts.run({"ZPOPMAX", "str"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(ts.run({"ZPOPMIN", "str", "0"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  ts.run({"HELLO", "3"});
  ts.run({"ZADD", "p", "1", "a", "2", "b", "3", "c", "4", "d"});
  CHECK(ts.run({"ZPOPMIN", "p"}) == "*2\r\n$1\r\na\r\n,1\r\n");
  CHECK(ts.run({"ZPOPMAX", "p", "2"}) == "*2\r\n*2\r\n$1\r\nd\r\n,4\r\n*2\r\n$1\r\nc\r\n,3\r\n");
  CHECK(ts.run({"ZPOPMIN", "p", "0"}) == "*0\r\n");
  CHECK(ts.run({"ZPOPMIN", "nokey"}) == "*0\r\n");
  CHECK(ts.run({"ZPOPMIN", "nokey", "2"}) == "*0\r\n");
  CHECK(ts.run({"ZPOPMIN", "p", "1"}) == "*1\r\n*2\r\n$1\r\nb\r\n,2\r\n");
}

TEST_CASE("ZMPOP arguments and replies") {
  TestServer ts;
  ts.run({"ZADD", "p", "1", "a", "2", "b", "3", "c", "4", "d"});
  CHECK(ts.run({"ZMPOP", "1", "p", "MIN"}) == "*2\r\n$1\r\np\r\n*1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n");
  CHECK(ts.run({"ZMPOP", "2", "nokey", "p", "MAX"}) == "*2\r\n$1\r\np\r\n*1\r\n*2\r\n$1\r\nd\r\n$1\r\n4\r\n");
  CHECK(ts.run({"ZMPOP", "2", "nokey", "p", "MAX", "COUNT", "3"}) ==
        "*2\r\n$1\r\np\r\n*2\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n");
  CHECK(ts.run({"ZMPOP", "2", "nokey", "p", "MAX", "COUNT", "3"}) == "*-1\r\n");
  CHECK(ts.run({"ZMPOP", "0", "p", "MIN"}) == "-ERR numkeys should be greater than 0\r\n");
  CHECK(ts.run({"ZMPOP", "-1", "p", "MIN"}) == "-ERR numkeys should be greater than 0\r\n");
  CHECK(ts.run({"ZMPOP", "abc", "p", "MIN"}) == "-ERR numkeys should be greater than 0\r\n");
  CHECK(ts.run({"ZMPOP", "1", "p"}) == "-ERR wrong number of arguments for 'zmpop' command\r\n");
  CHECK(ts.run({"ZMPOP", "2", "p", "MIN"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"ZMPOP", "1", "p", "FOO"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"ZMPOP", "1", "p", "MIN", "COUNT"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"ZMPOP", "1", "p", "MIN", "COUNT", "0"}) ==
        "-ERR count should be greater than 0\r\n");
  CHECK(ts.run({"ZMPOP", "1", "p", "MIN", "COUNT", "abc"}) ==
        "-ERR count should be greater than 0\r\n");
  CHECK(ts.run({"ZMPOP", "1", "p", "MIN", "COUNT", "1", "COUNT", "1"}) ==
        "-ERR syntax error\r\n");
  CHECK(ts.run({"ZMPOP", "1", "p", "MIN", "FOO", "1"}) == "-ERR syntax error\r\n");
  ts.run({"SET", "str", "v"});
  CHECK(ts.run({"ZMPOP", "2", "str", "p", "MIN"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  ts.run({"ZADD", "p", "5", "e"});
  CHECK(ts.run({"ZMPOP", "2", "p", "str", "min"}) == "*2\r\n$1\r\np\r\n*1\r\n*2\r\n$1\r\ne\r\n$1\r\n5\r\n");
  CHECK(ts.run({"ZMPOP", "2", "nokey", "nokey2", "MIN"}) == "*-1\r\n");
  ts.run({"HELLO", "3"});
  ts.run({"ZADD", "q", "1", "a", "2", "b"});
  CHECK(ts.run({"ZMPOP", "1", "q", "MAX", "COUNT", "5"}) ==
        "*2\r\n$1\r\nq\r\n*2\r\n*2\r\n$1\r\nb\r\n,2\r\n*2\r\n$1\r\na\r\n,1\r\n");
  CHECK(ts.run({"ZMPOP", "1", "q", "MAX"}) == "_\r\n");
}

TEST_CASE("ZRANDMEMBER arguments and deterministic replies") {
  TestServer ts;
  CHECK(ts.run({"ZRANDMEMBER", "nokey"}) == "$-1\r\n");
  CHECK(ts.run({"ZRANDMEMBER", "nokey", "5"}) == "*0\r\n");
  CHECK(ts.run({"ZRANDMEMBER", "nokey", "5", "WITHSCORES"}) == "*0\r\n");
  CHECK(ts.run({"ZRANDMEMBER", "nokey", "abc"}) ==
        "-ERR value is not an integer or out of range\r\n");
  CHECK(ts.run({"ZRANDMEMBER", "nokey", "1", "foo"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"ZRANDMEMBER", "nokey", "1", "withscores", "extra"}) == "-ERR syntax error\r\n");
  ts.run({"SET", "str", "v"});
  CHECK(ts.run({"ZRANDMEMBER", "str"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(ts.run({"ZRANDMEMBER", "str", "1"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  ts.run({"ZADD", "r", "1", "a", "2", "b", "3", "c"});
  CHECK(ts.run({"ZRANDMEMBER", "r", "0"}) == "*0\r\n");
  CHECK(ts.run({"ZRANDMEMBER", "r", "3"}) == "*3\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n");
  CHECK(ts.run({"ZRANDMEMBER", "r", "10", "WITHSCORES"}) ==
        "*6\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\n1\r\n");
  CHECK(ts.run({"ZRANDMEMBER", "r", "4611686018427387904", "WITHSCORES"}) ==
        "-ERR value is out of range\r\n");
  CHECK(ts.run({"ZRANDMEMBER", "r", "-4611686018427387904", "WITHSCORES"}) ==
        "-ERR value is out of range\r\n");
  CHECK(ts.run({"ZRANDMEMBER", "r", "-9223372036854775808"}) ==
        "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n");
  CHECK(ts.run({"ZRANDMEMBER", "r", "9223372036854775808"}) ==
        "-ERR value is not an integer or out of range\r\n");
  ts.run({"ZADD", "one", "7", "x"});
  CHECK(ts.run({"ZRANDMEMBER", "one"}) == "$1\r\nx\r\n");
  CHECK(ts.run({"ZRANDMEMBER", "one", "-3", "WITHSCORES"}) ==
        "*6\r\n$1\r\nx\r\n$1\r\n7\r\n$1\r\nx\r\n$1\r\n7\r\n$1\r\nx\r\n$1\r\n7\r\n");
  CHECK(ts.run({"ZRANDMEMBER", "one", "1", "WITHSCORES"}) == "*2\r\n$1\r\nx\r\n$1\r\n7\r\n");
  ts.run({"HELLO", "3"});
  CHECK(ts.run({"ZRANDMEMBER", "one", "-2", "WITHSCORES"}) ==
        "*2\r\n*2\r\n$1\r\nx\r\n,7\r\n*2\r\n$1\r\nx\r\n,7\r\n");
  CHECK(ts.run({"ZRANDMEMBER", "r", "5", "WITHSCORES"}) ==
        "*3\r\n*2\r\n$1\r\nc\r\n,3\r\n*2\r\n$1\r\nb\r\n,2\r\n*2\r\n$1\r\na\r\n,1\r\n");
  CHECK(ts.run({"ZRANDMEMBER", "nokey"}) == "_\r\n");
}

TEST_CASE("ZUNION, ZINTER, ZDIFF and ZINTERCARD") {
  TestServer ts;
  ts.run({"ZADD", "z1", "1", "a", "2", "b", "3", "c"});
  ts.run({"ZADD", "z2", "10", "b", "20", "c", "30", "d"});
  ts.run({"SADD", "s1", "a", "c", "x"});
  ts.run({"SADD", "si", "1", "2", "3"});
  ts.run({"ZADD", "zi", "5", "1", "6", "2", "7", "9"});
  CHECK(ts.run({"ZUNION", "2", "z1", "z2"}) == "*4\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n");
  CHECK(ts.run({"ZUNION", "2", "z1", "z2", "WITHSCORES"}) ==
        "*8\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$2\r\n12\r\n$1\r\nc\r\n$2\r\n23\r\n$1\r\nd\r\n$2\r\n30\r\n");
  CHECK(ts.run({"ZUNION", "2", "z1", "z2", "WEIGHTS", "2", "3", "WITHSCORES"}) ==
        "*8\r\n$1\r\na\r\n$1\r\n2\r\n$1\r\nb\r\n$2\r\n34\r\n$1\r\nc\r\n$2\r\n66\r\n$1\r\nd\r\n$2\r\n90\r\n");
  CHECK(ts.run({"ZUNION", "2", "z1", "z2", "AGGREGATE", "MIN", "WITHSCORES"}) ==
        "*8\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$2\r\n30\r\n");
  CHECK(ts.run({"ZUNION", "2", "z1", "z2", "aggregate", "max", "withscores"}) ==
        "*8\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$2\r\n10\r\n$1\r\nc\r\n$2\r\n20\r\n$1\r\nd\r\n$2\r\n30\r\n");
  CHECK(ts.run({"ZUNION", "3", "z1", "z2", "s1", "WITHSCORES"}) ==
        "*10\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\na\r\n$1\r\n2\r\n$1\r\nb\r\n$2\r\n12\r\n$1\r\nc\r\n$2\r\n24\r\n$1\r\nd\r\n$2\r\n30\r\n");
  CHECK(ts.run({"ZUNION", "3", "z1", "z2", "nokey", "WITHSCORES"}) ==
        "*8\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$2\r\n12\r\n$1\r\nc\r\n$2\r\n23\r\n$1\r\nd\r\n$2\r\n30\r\n");
  CHECK(ts.run({"ZUNION", "2", "si", "zi", "WITHSCORES"}) ==
        "*8\r\n$1\r\n3\r\n$1\r\n1\r\n$1\r\n1\r\n$1\r\n6\r\n$1\r\n2\r\n$1\r\n7\r\n$1\r\n9\r\n$1\r\n7\r\n");
  CHECK(ts.run({"ZUNION", "2", "z1", "z2", "WEIGHTS", "1", "WITHSCORES"}) ==
        "-ERR weight value is not a float\r\n");
  CHECK(ts.run({"ZUNION", "2", "z1", "z2", "WEIGHTS", "1", "abc"}) ==
        "-ERR weight value is not a float\r\n");
  CHECK(ts.run({"ZUNION", "2", "z1", "z2", "AGGREGATE", "foo"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"ZUNION", "2", "z1", "z2", "AGGREGATE"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"ZUNION", "0", "z1"}) ==
        "-ERR at least 1 input key is needed for 'zunion' command\r\n");
  CHECK(ts.run({"ZUNION", "-1", "z1"}) ==
        "-ERR at least 1 input key is needed for 'zunion' command\r\n");
  CHECK(ts.run({"ZUNION", "abc", "z1"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(ts.run({"ZUNION", "3", "z1", "z2"}) == "-ERR syntax error\r\n");
  ts.run({"SET", "str", "v"});
  CHECK(ts.run({"ZUNION", "2", "z1", "str"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(ts.run({"ZUNION", "2", "z1", "str", "FOO"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(ts.run({"ZUNION", "1", "z1", "LIMIT", "1"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"ZINTER", "2", "z1", "z2", "WITHSCORES"}) ==
        "*4\r\n$1\r\nb\r\n$2\r\n12\r\n$1\r\nc\r\n$2\r\n23\r\n");
  CHECK(ts.run({"ZINTER", "2", "z1", "s1", "WEIGHTS", "2", "5", "WITHSCORES"}) ==
        "*4\r\n$1\r\na\r\n$1\r\n7\r\n$1\r\nc\r\n$2\r\n11\r\n");
  CHECK(ts.run({"ZINTER", "2", "z1", "z1", "WITHSCORES"}) ==
        "*6\r\n$1\r\na\r\n$1\r\n2\r\n$1\r\nb\r\n$1\r\n4\r\n$1\r\nc\r\n$1\r\n6\r\n");
  CHECK(ts.run({"ZINTER", "2", "z1", "nokey", "WITHSCORES"}) == "*0\r\n");
  CHECK(ts.run({"ZINTER", "2", "z1", "z2", "AGGREGATE", "MAX", "WITHSCORES"}) ==
        "*4\r\n$1\r\nb\r\n$2\r\n10\r\n$1\r\nc\r\n$2\r\n20\r\n");
  CHECK(ts.run({"ZINTER", "0", "z1"}) ==
        "-ERR at least 1 input key is needed for 'zinter' command\r\n");
  CHECK(ts.run({"ZINTERCARD", "2", "z1", "z2"}) == ":2\r\n");
  CHECK(ts.run({"ZINTERCARD", "2", "z1", "z2", "LIMIT", "1"}) == ":1\r\n");
  CHECK(ts.run({"ZINTERCARD", "2", "z1", "z2", "LIMIT", "0"}) == ":2\r\n");
  CHECK(ts.run({"ZINTERCARD", "2", "z1", "z2", "LIMIT", "-1"}) ==
        "-ERR LIMIT can't be negative\r\n");
  CHECK(ts.run({"ZINTERCARD", "2", "z1", "z2", "WITHSCORES"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"ZINTERCARD", "2", "z1", "z2", "WEIGHTS", "1", "2"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"ZINTERCARD", "0", "z1"}) ==
        "-ERR at least 1 input key is needed for 'zintercard' command\r\n");
  CHECK(ts.run({"ZINTERCARD", "3", "z1", "z2"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"ZINTERCARD", "1", "nokey"}) == ":0\r\n");
  CHECK(ts.run({"ZDIFF", "2", "z1", "z2", "WITHSCORES"}) == "*2\r\n$1\r\na\r\n$1\r\n1\r\n");
  CHECK(ts.run({"ZDIFF", "2", "z1", "s1", "WITHSCORES"}) == "*2\r\n$1\r\nb\r\n$1\r\n2\r\n");
  CHECK(ts.run({"ZDIFF", "2", "z1", "z1"}) == "*0\r\n");
  CHECK(ts.run({"ZDIFF", "2", "nokey", "z1"}) == "*0\r\n");
  CHECK(ts.run({"ZDIFF", "2", "z1", "z2", "WEIGHTS", "1", "1"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"ZDIFF", "2", "z1", "z2", "AGGREGATE", "SUM"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"ZDIFF", "0", "z1"}) ==
        "-ERR at least 1 input key is needed for 'zdiff' command\r\n");
  // +inf plus -inf sums to 0; 0 times inf counts as 0.
  ts.run({"ZADD", "inf1", "inf", "a", "-inf", "b"});
  ts.run({"ZADD", "inf2", "-inf", "a", "inf", "b"});
  CHECK(ts.run({"ZUNION", "2", "inf1", "inf2", "WITHSCORES"}) ==
        "*4\r\n$1\r\na\r\n$1\r\n0\r\n$1\r\nb\r\n$1\r\n0\r\n");
  CHECK(ts.run({"ZINTER", "2", "inf1", "inf2", "WEIGHTS", "0", "1", "WITHSCORES"}) ==
        "*4\r\n$1\r\na\r\n$4\r\n-inf\r\n$1\r\nb\r\n$3\r\ninf\r\n");
  CHECK(ts.run({"ZUNION", "2", "inf1", "inf2", "AGGREGATE", "MIN", "WITHSCORES"}) ==
        "*4\r\n$1\r\na\r\n$4\r\n-inf\r\n$1\r\nb\r\n$4\r\n-inf\r\n");
  ts.run({"HELLO", "3"});
  CHECK(ts.run({"ZUNION", "2", "z1", "z2", "WITHSCORES"}) ==
        "*4\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,12\r\n*2\r\n$1\r\nc\r\n,23\r\n*2\r\n$1\r\nd\r\n,30\r\n");
  CHECK(ts.run({"ZDIFF", "2", "z1", "z2"}) == "*1\r\n$1\r\na\r\n");
}

TEST_CASE("ZUNIONSTORE, ZINTERSTORE and ZDIFFSTORE") {
  TestServer ts;
  ts.run({"ZADD", "z1", "1", "a", "2", "b", "3", "c"});
  ts.run({"ZADD", "z2", "10", "b", "20", "c", "30", "d"});
  CHECK(ts.run({"ZUNIONSTORE", "out", "2", "z1", "z2"}) == ":4\r\n");
  CHECK(ts.run({"ZRANGE", "out", "0", "-1", "WITHSCORES"}) ==
        "*8\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$2\r\n12\r\n$1\r\nc\r\n$2\r\n23\r\n$1\r\nd\r\n$2\r\n30\r\n");
  CHECK(ts.run({"OBJECT", "ENCODING", "out"}) == "$8\r\nlistpack\r\n");
  CHECK(ts.run({"ZUNIONSTORE", "out", "2", "z1", "z2", "WITHSCORES"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"ZUNIONSTORE", "out", "0", "z1"}) ==
        "-ERR at least 1 input key is needed for 'zunionstore' command\r\n");
  CHECK(ts.run({"ZUNIONSTORE", "out", "2", "nokey", "nokey2"}) == ":0\r\n");
  CHECK(ts.run({"EXISTS", "out"}) == ":0\r\n");
  CHECK(ts.run({"ZINTERSTORE", "out", "2", "z1", "z2", "WEIGHTS", "0.5", "2"}) == ":2\r\n");
  CHECK(ts.run({"ZRANGE", "out", "0", "-1", "WITHSCORES"}) ==
        "*4\r\n$1\r\nb\r\n$2\r\n21\r\n$1\r\nc\r\n$4\r\n41.5\r\n");
  CHECK(ts.run({"ZINTERSTORE", "out", "2", "z1", "nokey"}) == ":0\r\n");
  CHECK(ts.run({"EXISTS", "out"}) == ":0\r\n");
  CHECK(ts.run({"ZDIFFSTORE", "out", "2", "z1", "z2"}) == ":1\r\n");
  CHECK(ts.run({"ZRANGE", "out", "0", "-1", "WITHSCORES"}) == "*2\r\n$1\r\na\r\n$1\r\n1\r\n");
  CHECK(ts.run({"ZDIFFSTORE", "out", "2", "z1", "z1"}) == ":0\r\n");
  ts.run({"SET", "str", "v"});
  CHECK(ts.run({"ZDIFFSTORE", "str", "1", "z1"}) == ":3\r\n");
  CHECK(ts.run({"TYPE", "str"}) == "+zset\r\n");
  CHECK(ts.run({"ZINTERSTORE", "out", "0", "z1"}) ==
        "-ERR at least 1 input key is needed for 'zinterstore' command\r\n");
  CHECK(ts.run({"ZDIFFSTORE", "out", "0", "z1"}) ==
        "-ERR at least 1 input key is needed for 'zdiffstore' command\r\n");
  CHECK(ts.run({"ZINTERSTORE", "z1", "2", "z1", "z2"}) == ":2\r\n");
  CHECK(ts.run({"ZRANGE", "z1", "0", "-1", "WITHSCORES"}) ==
        "*4\r\n$1\r\nb\r\n$2\r\n12\r\n$1\r\nc\r\n$2\r\n23\r\n");
}

TEST_CASE("ZSCAN") {
  TestServer ts;
  ts.run({"ZADD", "z", "1", "a", "2", "b", "3", "c"});
  CHECK(ts.run({"ZSCAN", "z", "0"}) ==
        "*2\r\n$1\r\n0\r\n*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n");
  CHECK(ts.run({"ZSCAN", "z", "0", "MATCH", "a*"}) == "*2\r\n$1\r\n0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n");
  CHECK(ts.run({"ZSCAN", "z", "0", "MATCH"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"ZSCAN", "z", "0", "COUNT", "0"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"ZSCAN", "z", "0", "COUNT", "abc"}) ==
        "-ERR value is not an integer or out of range\r\n");
  CHECK(ts.run({"ZSCAN", "z", "abc"}) == "-ERR invalid cursor\r\n");
  CHECK(ts.run({"ZSCAN", "z", "-1"}) ==
        "*2\r\n$1\r\n0\r\n*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n");
  CHECK(ts.run({"ZSCAN", "z", "18446744073709551616"}) == "-ERR invalid cursor\r\n");
  CHECK(ts.run({"ZSCAN", "nokey", "0"}) == "*2\r\n$1\r\n0\r\n*0\r\n");
  CHECK(ts.run({"ZSCAN", "nokey", "0", "FOO"}) == "*2\r\n$1\r\n0\r\n*0\r\n");
  CHECK(ts.run({"ZSCAN", "z", "0", "FOO", "bar"}) == "-ERR syntax error\r\n");
  ts.run({"SET", "str", "v"});
  CHECK(ts.run({"ZSCAN", "str", "0"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  // A listpack keeps integral scores as integers, so they scan in full digits.
  ts.run({"ZADD", "s", "1e18", "big", "123456789012345678", "c", "1e19", "huge", "0.5", "half", "-0", "zero"});
  CHECK(ts.run({"ZSCAN", "s", "0"}) ==
        "*2\r\n$1\r\n0\r\n*10\r\n$4\r\nzero\r\n$1\r\n0\r\n$4\r\nhalf\r\n$3\r\n0.5\r\n$1\r\nc\r\n$18\r\n123456789012345680\r\n$3\r\nbig\r\n$19\r\n1000000000000000000\r\n$4\r\nhuge\r\n$5\r\n1e+19\r\n");
  CHECK(ts.run({"ZRANGE", "s", "0", "-1", "WITHSCORES"}) ==
        "*10\r\n$4\r\nzero\r\n$1\r\n0\r\n$4\r\nhalf\r\n$3\r\n0.5\r\n$1\r\nc\r\n$22\r\n1.2345678901234568e+17\r\n$3\r\nbig\r\n$5\r\n1e+18\r\n$4\r\nhuge\r\n$5\r\n1e+19\r\n");
}

TEST_CASE("listpack and skiplist encodings, and when sets convert") {
  TestServer ts;
  ts.run({"ZADD", "big", "0", "m0", "1", "m1", "2", "m2", "3", "m3", "4", "m4", "5", "m5", "6", "m6", "7", "m7", "8", "m8", "9", "m9", "10", "m10", "11", "m11", "12", "m12", "13", "m13", "14", "m14", "15", "m15", "16", "m16", "17", "m17", "18", "m18", "19", "m19", "20", "m20", "21", "m21", "22", "m22", "23", "m23", "24", "m24", "25", "m25", "26", "m26", "27", "m27", "28", "m28", "29", "m29", "30", "m30", "31", "m31", "32", "m32", "33", "m33", "34", "m34", "35", "m35", "36", "m36", "37", "m37", "38", "m38", "39", "m39", "40", "m40", "41", "m41", "42", "m42", "43", "m43", "44", "m44", "45", "m45", "46", "m46", "47", "m47", "48", "m48", "49", "m49", "50", "m50", "51", "m51", "52", "m52", "53", "m53", "54", "m54", "55", "m55", "56", "m56", "57", "m57", "58", "m58", "59", "m59", "60", "m60", "61", "m61", "62", "m62", "63", "m63", "64", "m64", "65", "m65", "66", "m66", "67", "m67", "68", "m68", "69", "m69", "70", "m70", "71", "m71", "72", "m72", "73", "m73", "74", "m74", "75", "m75", "76", "m76", "77", "m77", "78", "m78", "79", "m79", "80", "m80", "81", "m81", "82", "m82", "83", "m83", "84", "m84", "85", "m85", "86", "m86", "87", "m87", "88", "m88", "89", "m89", "90", "m90", "91", "m91", "92", "m92", "93", "m93", "94", "m94", "95", "m95", "96", "m96", "97", "m97", "98", "m98", "99", "m99", "100", "m100", "101", "m101", "102", "m102", "103", "m103", "104", "m104", "105", "m105", "106", "m106", "107", "m107", "108", "m108", "109", "m109", "110", "m110", "111", "m111", "112", "m112", "113", "m113", "114", "m114", "115", "m115", "116", "m116", "117", "m117", "118", "m118", "119", "m119", "120", "m120", "121", "m121", "122", "m122", "123", "m123", "124", "m124", "125", "m125", "126", "m126", "127", "m127"});
  CHECK(ts.run({"OBJECT", "ENCODING", "big"}) == "$8\r\nlistpack\r\n");
  CHECK(ts.run({"ZADD", "big", "1000", "m1000"}) == ":1\r\n");
  CHECK(ts.run({"OBJECT", "ENCODING", "big"}) == "$8\r\nskiplist\r\n");
  CHECK(ts.run({"ZREMRANGEBYRANK", "big", "0", "100"}) == ":101\r\n");
  CHECK(ts.run({"OBJECT", "ENCODING", "big"}) == "$8\r\nskiplist\r\n");
  CHECK(ts.run({"ZADD", "long", "1", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}) ==
        ":1\r\n");
  CHECK(ts.run({"OBJECT", "ENCODING", "long"}) == "$8\r\nlistpack\r\n");
  CHECK(ts.run({"ZADD", "long", "2", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}) ==
        ":1\r\n");
  CHECK(ts.run({"OBJECT", "ENCODING", "long"}) == "$8\r\nskiplist\r\n");
  CHECK(ts.run({"ZADD", "long2", "2", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "1", "a"}) ==
        ":2\r\n");
  CHECK(ts.run({"OBJECT", "ENCODING", "long2"}) == "$8\r\nskiplist\r\n");
  CHECK(ts.run({"ZADD", "long3", "1", "a", "2", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}) ==
        ":2\r\n");
  CHECK(ts.run({"OBJECT", "ENCODING", "long3"}) == "$8\r\nskiplist\r\n");
  CHECK(ts.run({"ZUNIONSTORE", "u", "1", "long3"}) == ":2\r\n");
  CHECK(ts.run({"OBJECT", "ENCODING", "u"}) == "$8\r\nskiplist\r\n");
  CHECK(ts.run({"ZREM", "long3", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}) ==
        ":1\r\n");
  CHECK(ts.run({"OBJECT", "ENCODING", "long3"}) == "$8\r\nskiplist\r\n");
  CHECK(ts.run({"ZUNIONSTORE", "u", "1", "long3"}) == ":1\r\n");
  CHECK(ts.run({"OBJECT", "ENCODING", "u"}) == "$8\r\nlistpack\r\n");
  CHECK(ts.run({"ZRANGESTORE", "d", "big", "0", "-1"}) == ":28\r\n");
  CHECK(ts.run({"OBJECT", "ENCODING", "d"}) == "$8\r\nlistpack\r\n");
  CHECK(ts.run({"ZRANGESTORE", "d", "long2", "0", "-1", "BYSCORE"}) == ":0\r\n");
  CHECK(ts.run({"OBJECT", "ENCODING", "d"}) == "$-1\r\n");
  ts.run({"CONFIG", "SET", "zset-max-listpack-entries", "1"});
  CHECK(ts.run({"ZADD", "e", "1", "a"}) == ":1\r\n");
  CHECK(ts.run({"OBJECT", "ENCODING", "e"}) == "$8\r\nlistpack\r\n");
  CHECK(ts.run({"ZADD", "e", "2", "b"}) == ":1\r\n");
  CHECK(ts.run({"OBJECT", "ENCODING", "e"}) == "$8\r\nskiplist\r\n");
  CHECK(ts.run({"ZRANGESTORE", "e2", "e", "0", "0"}) == ":1\r\n");
  CHECK(ts.run({"OBJECT", "ENCODING", "e2"}) == "$8\r\nlistpack\r\n");
  CHECK(ts.run({"ZRANGESTORE", "e2", "e", "0", "1", "BYSCORE"}) == ":1\r\n");
  CHECK(ts.run({"OBJECT", "ENCODING", "e2"}) == "$8\r\nlistpack\r\n");
  ts.run({"CONFIG", "SET", "zset-max-listpack-entries", "0"});
  CHECK(ts.run({"ZADD", "e3", "1", "a"}) == ":1\r\n");
  CHECK(ts.run({"OBJECT", "ENCODING", "e3"}) == "$8\r\nskiplist\r\n");
  // A skiplist keeps -0; a listpack stores it as the integer 0.
  CHECK(ts.run({"ZADD", "e3", "-0", "z"}) == ":1\r\n");
  CHECK(ts.run({"ZSCORE", "e3", "z"}) == "$2\r\n-0\r\n");
  ts.run({"CONFIG", "SET", "zset-max-listpack-entries", "128"});
  CHECK(ts.run({"ZADD", "e4", "-0", "z"}) == ":1\r\n");
  CHECK(ts.run({"ZSCORE", "e4", "z"}) == "$1\r\n0\r\n");
  CHECK(ts.run({"ZUNIONSTORE", "e5", "1", "e3"}) == ":2\r\n");
  CHECK(ts.run({"OBJECT", "ENCODING", "e5"}) == "$8\r\nlistpack\r\n");
  CHECK(ts.run({"ZRANGE", "e5", "0", "-1", "WITHSCORES"}) ==
        "*4\r\n$1\r\nz\r\n$1\r\n0\r\n$1\r\na\r\n$1\r\n1\r\n");
}

TEST_CASE("COMMAND GETKEYS for the numkeys commands") {
  TestServer ts;
  CHECK(ts.run({"COMMAND", "GETKEYS", "ZUNIONSTORE", "dst", "2", "a", "b", "WEIGHTS", "1", "2"}) ==
        "*3\r\n$3\r\ndst\r\n$1\r\na\r\n$1\r\nb\r\n");
  CHECK(ts.run({"COMMAND", "GETKEYS", "ZUNIONSTORE", "dst", "0", "a"}) ==
        "-ERR Invalid arguments specified for command\r\n");
  CHECK(ts.run({"COMMAND", "GETKEYS", "ZUNIONSTORE", "dst", "5", "a"}) ==
        "-ERR Invalid arguments specified for command\r\n");
  CHECK(ts.run({"COMMAND", "GETKEYS", "ZUNIONSTORE", "dst", "abc", "a"}) ==
        "-ERR Invalid arguments specified for command\r\n");
  // An invalid numkeys makes Redis fall back to its atoi-based key finder: destination last.
  CHECK(ts.run({"COMMAND", "GETKEYS", "ZUNIONSTORE", "dst", "1x", "a"}) ==
        "*2\r\n$1\r\na\r\n$3\r\ndst\r\n");
  CHECK(ts.run({"COMMAND", "GETKEYS", "ZINTERSTORE", "d", "2", "a", "b", "c"}) ==
        "*3\r\n$1\r\nd\r\n$1\r\na\r\n$1\r\nb\r\n");
  CHECK(ts.run({"COMMAND", "GETKEYS", "ZDIFFSTORE", "d", "1", "a"}) == "*2\r\n$1\r\nd\r\n$1\r\na\r\n");
  CHECK(ts.run({"COMMAND", "GETKEYS", "ZUNION", "2", "a", "b"}) == "*2\r\n$1\r\na\r\n$1\r\nb\r\n");
  CHECK(ts.run({"COMMAND", "GETKEYS", "ZUNION", "3", "a", "b"}) ==
        "-ERR Invalid arguments specified for command\r\n");
  CHECK(ts.run({"COMMAND", "GETKEYS", "ZINTER", "1x", "a", "b"}) == "*1\r\n$1\r\na\r\n");
  CHECK(ts.run({"COMMAND", "GETKEYS", "ZINTERCARD", "1", "a"}) == "*1\r\n$1\r\na\r\n");
  CHECK(ts.run({"COMMAND", "GETKEYS", "ZDIFF", "-1", "a", "b"}) ==
        "-ERR Invalid arguments specified for command\r\n");
  CHECK(ts.run({"COMMAND", "GETKEYS", "ZMPOP", "2", "a", "b", "MIN"}) == "*2\r\n$1\r\na\r\n$1\r\nb\r\n");
  CHECK(ts.run({"COMMAND", "GETKEYS", "ZMPOP", "5", "a", "b", "MIN"}) ==
        "-ERR Invalid arguments specified for command\r\n");
  CHECK(ts.run({"COMMAND", "GETKEYS", "ZMPOP", "01", "a", "b", "MIN"}) == "*1\r\n$1\r\na\r\n");
  CHECK(ts.run({"COMMAND", "GETKEYS", "ZRANGESTORE", "d", "s", "0", "1"}) ==
        "*2\r\n$1\r\nd\r\n$1\r\ns\r\n");
  CHECK(ts.run({"COMMAND", "GETKEYS", "ZADD", "z", "1", "a"}) == "*1\r\n$1\r\nz\r\n");
}

TEST_CASE("both layouts answer every read alike") {
  TestServer ts;
  const std::vector<std::string> data{"ZADD", "", "1", "a", "2", "b", "3", "c", "3", "cc",
                                      "3", "d", "4", "e", "5", "f", "-inf", "lo", "+inf", "hi",
                                      "0", "", "2.5", "bb"};
  auto build = [&](const std::string& key) {
    auto argv = data;
    argv[1] = key;
    ts.run(argv);
  };
  build("lp");
  ts.run({"CONFIG", "SET", "zset-max-listpack-entries", "0"});
  build("sl");
  ts.run({"CONFIG", "SET", "zset-max-listpack-entries", "128"});
  REQUIRE(ts.run({"OBJECT", "ENCODING", "lp"}) == "$8\r\nlistpack\r\n");
  REQUIRE(ts.run({"OBJECT", "ENCODING", "sl"}) == "$8\r\nskiplist\r\n");
  const std::vector<std::vector<std::string>> queries{
      {"ZRANGE", "$", "0", "-1", "WITHSCORES"},
      {"ZRANGE", "$", "3", "7", "REV", "WITHSCORES"},
      {"ZRANGE", "$", "-4", "-2"},
      {"ZRANGE", "$", "(1", "(4", "BYSCORE"},
      {"ZRANGE", "$", "-inf", "+inf", "BYSCORE", "LIMIT", "3", "4"},
      {"ZRANGE", "$", "+inf", "3", "BYSCORE", "REV", "LIMIT", "1", "2"},
      {"ZRANGE", "$", "3", "3", "BYSCORE", "WITHSCORES"},
      {"ZRANGE", "$", "(3", "3", "BYSCORE"},
      {"ZCOUNT", "$", "(2", "+inf"},
      {"ZCOUNT", "$", "-inf", "(-inf"},
      {"ZCOUNT", "$", "3", "3"},
      {"ZRANK", "$", "cc"},
      {"ZRANK", "$", ""},
      {"ZREVRANK", "$", "lo"},
      {"ZSCORE", "$", "bb"},
      {"ZMSCORE", "$", "hi", "nomember", "lo"},
      {"ZCARD", "$"},
      {"ZUNION", "1", "$", "WITHSCORES"},
  };
  for (auto q : queries) {
    auto lp = q, sl = q;
    for (auto& a : lp)
      if (a == "$") a = "lp";
    for (auto& a : sl)
      if (a == "$") a = "sl";
    CHECK_MESSAGE(ts.run(lp) == ts.run(sl), q[0]);
  }
  // Writes too, on copies.
  const std::vector<std::vector<std::string>> writes{
      {"ZREMRANGEBYSCORE", "$", "(2", "3"},
      {"ZREMRANGEBYRANK", "$", "1", "2"},
      {"ZREMRANGEBYLEX", "$", "-", "(d"},
      {"ZPOPMAX", "$", "2"},
      {"ZINCRBY", "$", "10", "lo"},
      {"ZRANGE", "$", "0", "-1", "WITHSCORES"},
  };
  for (auto w : writes) {
    auto lp = w, sl = w;
    for (auto& a : lp)
      if (a == "$") a = "lp";
    for (auto& a : sl)
      if (a == "$") a = "sl";
    CHECK_MESSAGE(ts.run(lp) == ts.run(sl), w[0]);
  }
}

TEST_CASE("ZRANDMEMBER samples as Redis's strategies do") {
  TestServer ts;
  ts.run(zaddArgs("lp", 50));  // listpack
  ts.run(zaddArgs("sl", 300));  // skiplist
  REQUIRE(ts.run({"OBJECT", "ENCODING", "sl"}) == "$8\r\nskiplist\r\n");
  for (const std::string key : {"lp", "sl"}) {
    long size = key == "lp" ? 50 : 300;
    auto isMember = [&](const std::string& m) {
      return m.size() > 1 && m[0] == 'm' && std::stol(m.substr(1)) < size;
    };
    // Distinct members: few (drawn one by one) and most of the set (copy, then remove).
    for (long count : {1L, 5L, size / 2, size - 1}) {
      auto got = bulks(ts.run({"ZRANDMEMBER", key, std::to_string(count)}));
      CHECK(got.size() == static_cast<size_t>(count));
      std::set<std::string> distinct(got.begin(), got.end());
      CHECK(distinct.size() == got.size());
      CHECK(std::all_of(got.begin(), got.end(), isMember));
    }
    // Negative count: repetitions allowed, exactly |count| replies.
    auto rep = bulks(ts.run({"ZRANDMEMBER", key, "-1000"}));
    CHECK(rep.size() == 1000);
    CHECK(std::all_of(rep.begin(), rep.end(), isMember));
    CHECK(std::set<std::string>(rep.begin(), rep.end()).size() < rep.size());
    // Scores go with their members (member mN has score N).
    auto ws = bulks(ts.run({"ZRANDMEMBER", key, "-20", "WITHSCORES"}));
    REQUIRE(ws.size() == 40);
    for (size_t i = 0; i < ws.size(); i += 2) CHECK(ws[i] == "m" + ws[i + 1]);
    // Without count, every member shows up sooner or later.
    std::set<std::string> seen;
    for (int i = 0; i < 20000 && static_cast<long>(seen.size()) < size; i++) {
      auto r = ts.run({"ZRANDMEMBER", key});
      seen.insert(r.substr(r.find("\r\n") + 2, r.size() - r.find("\r\n") - 4));
    }
    CHECK(static_cast<long>(seen.size()) == size);
  }
  // A few distinct members of a listpack come out in set order, as Redis's listpack sampling.
  auto few = bulks(ts.run({"ZRANDMEMBER", "lp", "10"}));
  std::vector<long> ranks;
  for (const auto& m : few) ranks.push_back(std::stol(m.substr(1)));
  CHECK(std::is_sorted(ranks.begin(), ranks.end()));
}

TEST_CASE("zset pops propagate as Redis 7.0 does") {
  TestServer ts;
  ts.run({"ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d"});
  PropagationRecorder rec;
  CHECK(ts.run({"ZPOPMIN", "z"}) == "*2\r\n$1\r\na\r\n$1\r\n1\r\n");
  CHECK(ts.run({"ZPOPMAX", "nokey"}) == "*0\r\n");
  CHECK(ts.run({"ZMPOP", "2", "nokey", "z", "MAX", "COUNT", "2"}) ==
        "*2\r\n$1\r\nz\r\n*2\r\n*2\r\n$1\r\nd\r\n$1\r\n4\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n");
  CHECK(ts.run({"ZMPOP", "1", "z", "MIN", "COUNT", "10"}) ==
        "*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n");
  CHECK(ts.run({"ZMPOP", "1", "z", "MIN"}) == "*-1\r\n");
  CHECK_FALSE(keyExists("z"));
  REQUIRE(rec.ops.size() == 3);
  CHECK(rec.ops[0] == std::vector<std::string>{"ZPOPMIN", "z"});
  CHECK(rec.ops[1] == std::vector<std::string>{"ZPOPMAX", "z", "2"});
  CHECK(rec.ops[2] == std::vector<std::string>{"ZPOPMIN", "z", "1"});
}

TEST_CASE("zset writes count dirty as Redis does") {
  TestServer ts;
  struct Step {
    std::vector<std::string> argv;
    long long dirty;
  };
  const Step steps[] = {
      {{"ZADD", "z", "1", "a", "2", "b", "3", "c"}, 3},
      {{"ZADD", "z", "1", "a"}, 0},
      {{"ZADD", "z", "CH", "5", "a", "9", "n"}, 2},
      {{"ZADD", "z", "NX", "1", "a"}, 0},
      {{"ZINCRBY", "z", "1", "a"}, 1},
      {{"ZADD", "z", "INCR", "0", "a"}, 0},
      {{"ZREM", "z", "nope", "n"}, 1},
      {{"ZREMRANGEBYSCORE", "z", "100", "200"}, 0},
      {{"ZREMRANGEBYSCORE", "z", "2", "3"}, 2},
      {{"ZADD", "lx", "0", "x", "0", "y", "0", "w"}, 3},
      {{"ZREMRANGEBYLEX", "lx", "[x", "[y"}, 2},
      {{"ZREMRANGEBYLEX", "lx", "[x", "[y"}, 0},
      {{"ZREMRANGEBYRANK", "z", "0", "-1"}, 1},
      {{"ZADD", "p", "1", "a", "2", "b", "3", "c", "4", "d"}, 4},
      {{"ZPOPMAX", "p", "2"}, 2},
      {{"ZPOPMIN", "p", "0"}, 0},
      {{"ZMPOP", "1", "p", "MIN", "COUNT", "5"}, 2},
      {{"ZADD", "p", "1", "a"}, 1},
      {{"ZUNIONSTORE", "u", "1", "p"}, 1},
      {{"ZINTERSTORE", "u", "2", "p", "nokey"}, 1},
      {{"ZINTERSTORE", "u", "2", "p", "nokey"}, 0},
      {{"ZRANGESTORE", "r", "p", "0", "-1"}, 1},
      {{"ZDIFFSTORE", "r", "2", "p", "p"}, 1},
      {{"ZRANDMEMBER", "p", "2"}, 0},
  };
  for (const auto& s : steps) {
    long long before = server.dirty;
    ts.run(s.argv);
    CHECK_MESSAGE(server.dirty - before == s.dirty, s.argv[0]);
  }
}

TEST_CASE("zset keyspace events, in Redis's order") {
  TestServer ts;
  cfg().notify_keyspace_events = NOTIFY_KEYEVENT | NOTIFY_ALL;
  ts.runAs(1, {"PSUBSCRIBE", "__keyevent@?__:*"});
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
  CHECK(events({"ZADD", "z", "1", "a", "2", "b", "3", "c"}) == V{"zadd"});
  CHECK(events({"ZADD", "z", "1", "a"}) == V{});
  CHECK(events({"ZINCRBY", "z", "1", "a"}) == V{"zincr"});
  CHECK(events({"ZADD", "z", "INCR", "1", "a"}) == V{"zincr"});
  CHECK(events({"ZREM", "z", "nope"}) == V{});
  CHECK(events({"ZREM", "z", "a"}) == V{"zrem"});
  CHECK(events({"ZREMRANGEBYSCORE", "z", "100", "200"}) == V{});
  CHECK(events({"ZREMRANGEBYSCORE", "z", "2", "2"}) == V{"zremrangebyscore"});
  CHECK(events({"ZADD", "lx", "0", "x", "0", "y"}) == V{"zadd"});
  CHECK(events({"ZREMRANGEBYLEX", "lx", "[x", "[x"}) == V{"zremrangebylex"});
  CHECK(events({"ZREMRANGEBYRANK", "z", "0", "-1"}) == V{"zremrangebyrank", "del"});
  CHECK(events({"ZREMRANGEBYLEX", "lx", "-", "+"}) == V{"zremrangebylex", "del"});
  CHECK(events({"ZADD", "p", "1", "a", "2", "b", "3", "c"}) == V{"zadd"});
  CHECK(events({"ZPOPMIN", "p"}) == V{"zpopmin"});
  CHECK(events({"ZPOPMAX", "p", "5"}) == V{"zpopmax", "del"});
  CHECK(events({"ZADD", "p", "1", "a", "2", "b"}) == V{"zadd"});
  CHECK(events({"ZMPOP", "1", "p", "MAX", "COUNT", "5"}) == V{"zpopmax", "del"});
  CHECK(events({"ZADD", "p", "1", "a", "2", "b"}) == V{"zadd"});
  CHECK(events({"ZADD", "q", "1", "a", "3", "c"}) == V{"zadd"});
  CHECK(events({"ZUNIONSTORE", "u", "2", "p", "q"}) == V{"zunionstore"});
  CHECK(events({"ZINTERSTORE", "i", "2", "p", "q"}) == V{"zinterstore"});
  CHECK(events({"ZDIFFSTORE", "d", "2", "p", "q"}) == V{"zdiffstore"});
  CHECK(events({"ZDIFFSTORE", "d", "2", "p", "p"}) == V{"del"});
  CHECK(events({"ZDIFFSTORE", "d", "2", "p", "p"}) == V{});
  CHECK(events({"ZRANGESTORE", "r", "p", "0", "-1"}) == V{"zrangestore"});
  CHECK(events({"ZRANGESTORE", "r", "p", "5", "6"}) == V{"del"});
  CHECK(events({"ZREM", "p", "a", "b"}) == V{"zrem", "del"});
  CHECK(events({"ZRANGE", "q", "0", "-1"}) == V{});
  cfg().notify_keyspace_events = 0;
}

// ---- The skiplist ----------------------------------------------------------

namespace {

using Ref = std::set<std::pair<double, std::string>>;  // (score, member): Redis's order

// Members with shared prefixes, high bytes and an empty one, so ties exercise the
// memcmp order (shorter first on a common prefix).
std::string randomMember(std::mt19937& rng) {
  static const std::string kParts[] = {"a", "b", "ab", "\xff", std::string(1, '\0'), "z", "abc"};
  std::string m;
  int parts = static_cast<int>(rng() % 4);
  for (int i = 0; i < parts; i++) m += kParts[rng() % 7];
  if (rng() % 2) m += std::to_string(rng() % 50);
  return m;
}

double randomScore(std::mt19937& rng) { return static_cast<double>(rng() % 40) / 4.0 - 2.0; }

}  // namespace

TEST_CASE("skiplist against std::set under thousands of random operations") {
  std::mt19937 rng(12345);
  ZSkipList list;
  Dict<ZMemberKey, ZSkipNode*> dict;  // as a zset keeps it: member -> node
  std::map<std::string, double> scores;
  Ref ref;

  auto checkAll = [&] {
    REQUIRE(list.checkInvariants() == "");
    REQUIRE(list.size() == ref.size());
    unsigned long r = 1;
    for (const auto& [s, m] : ref) {
      ZSkipNode* n = list.byRank(r);
      REQUIRE(n != nullptr);
      CHECK(n->score == s);
      CHECK(n->member() == m);
      CHECK(list.rank(s, m) == r);
      r++;
    }
    CHECK(list.byRank(r) == nullptr);
    CHECK(list.byRank(0) == nullptr);
  };

  for (int op = 0; op < 20000; op++) {
    std::string m = randomMember(rng);
    double s = randomScore(rng);
    auto it = scores.find(m);
    switch (rng() % 4) {
      case 0:
      case 1:  // insert or update
        if (it == scores.end()) {
          ZSkipNode* n = list.insert(s, m);
          dict.insert(ZMemberKey{n}, n);
          scores[m] = s;
          ref.insert({s, m});
        } else {
          ZSkipNode* n = dict.find(m)->value;
          ref.erase({it->second, m});
          list.updateScore(n, s);
          CHECK(n->score == s);
          it->second = s;
          ref.insert({s, m});
        }
        break;
      case 2:  // delete
        if (it != scores.end()) {
          dict.erase(m);
          CHECK(list.erase(it->second, m));
          ref.erase({it->second, m});
          scores.erase(it);
        } else {
          CHECK_FALSE(list.erase(s, m));
        }
        break;
      case 3: {  // a score range query against the reference
        ZScoreRange r;
        r.min = randomScore(rng);
        r.max = r.min + static_cast<double>(rng() % 12) / 4.0;
        r.minex = rng() % 2;
        r.maxex = rng() % 2;
        const std::pair<double, std::string>* first = nullptr;
        const std::pair<double, std::string>* last = nullptr;
        for (const auto& e : ref) {
          if (!r.aboveMin(e.first) || !r.belowMax(e.first)) continue;
          if (!first) first = &e;
          last = &e;
        }
        ZSkipNode* f = list.firstIn(r);
        ZSkipNode* l = list.lastIn(r);
        REQUIRE((f != nullptr) == (first != nullptr));
        REQUIRE((l != nullptr) == (last != nullptr));
        if (f) {
          CHECK(f->member() == first->second);
          CHECK(l->member() == last->second);
        }
        break;
      }
    }
    if (op % 2000 == 0) checkAll();
  }
  checkAll();

  // Range deletions keep the structure and the member table in step.
  ZScoreRange mid{0, 3, false, true};
  size_t expect = 0;
  for (auto it = ref.begin(); it != ref.end();) {
    if (mid.aboveMin(it->first) && mid.belowMax(it->first)) {
      scores.erase(it->second);
      it = ref.erase(it);
      expect++;
    } else {
      ++it;
    }
  }
  CHECK(list.eraseRange(mid, &dict) == expect);
  CHECK(dict.size() == ref.size());
  checkAll();
  size_t before = list.size();
  CHECK(list.eraseRankRange(2, 11, &dict) == 10);
  auto from = std::next(ref.begin()), to = std::next(ref.begin(), 11);
  for (auto it = from; it != to; ++it) scores.erase(it->second);
  ref.erase(from, to);
  CHECK(list.size() == before - 10);
  CHECK(dict.size() == ref.size());
  checkAll();
}

TEST_CASE("ZSetValue stays a sorted set through layout conversions") {
  std::mt19937 rng(777);
  ZSetValue z;  // listpack, converting past 128 members or 64-byte members
  std::map<std::string, double> ref;
  for (int op = 0; op < 5000; op++) {
    std::string m = randomMember(rng);
    if (op == 4000) m = std::string(65, 'L');  // forces the skiplist if not there yet
    double s = randomScore(rng);
    if (rng() % 3) {
      int out;
      double newscore;
      REQUIRE(z.add(s, m, ZADD_IN_NONE, &out, &newscore));
      CHECK(newscore == s);
      CHECK(bool(out & ZADD_OUT_ADDED) == (ref.count(m) == 0));
      ref[m] = s;
    } else {
      CHECK(z.remove(m) == (ref.erase(m) == 1));
    }
    if (op % 500 == 0 || op == 4000) {
      REQUIRE(z.size() == ref.size());
      Ref ordered;
      for (const auto& [mm, ss] : ref) ordered.insert({ss, mm});
      long r = 0;
      auto it = ordered.begin();
      z.forEach([&](std::string_view mm, double ss) {
        CHECK(mm == it->second);
        CHECK(ss == it->first);
        ++it;
      });
      for (const auto& [ss, mm] : ordered) {
        CHECK(z.rank(mm, false) == r);
        CHECK(z.rank(mm, true) == static_cast<long>(ordered.size()) - 1 - r);
        r++;
      }
    }
  }
  CHECK(z.encoding() == Encoding::Skiplist);
  if (!z.isListpack()) CHECK(z.skiplist().checkInvariants() == "");
}

TEST_CASE("The listpack layout is one small buffer and keeps every score exactly") {
  ZSetValue z;
  z.set(1, "a");
  z.set(2, "b");
  REQUIRE(z.isListpack());
  // Two one-byte members with small integer scores: 10 bytes of entries plus the header,
  // one allocation of the allocator's smallest class (Redis's listpack takes 17 bytes).
  CHECK(z.listpackAllocated() <= 24);

  const double scores[] = {-0.0, 0.1, 1.5, -7, 1e17, 4503599627370497.0, 9.5e18, 1e300,
                           -1e-300, HUGE_VAL, -HUGE_VAL, 123456789012.25};
  ZSetValue w;
  int i = 0;
  for (double s : scores) w.set(s, "m" + std::to_string(i++));
  w.set(3, "123");  // integer-looking members are stored as integers
  w.set(3, "-5");
  REQUIRE(w.isListpack());
  double out;
  i = 0;
  for (double s : scores) {
    CHECK(w.score("m" + std::to_string(i++), &out));
    CHECK(out == s);
  }
  CHECK(w.score("m0", &out));
  CHECK_FALSE(std::signbit(out));  // -0 is stored as the integer 0, as Redis does
  CHECK(w.score("123", &out));
  CHECK(out == 3);
  CHECK(w.rank("-5", false) == 6);  // after -inf -7 -1e-300 0 0.1 1.5; "-5" < "123"
  CHECK(w.rank("123", false) == 7);

  // Cursors walk both ways and agree with ranks.
  std::vector<std::string> fwd, back;
  for (auto c = w.atRank(0); c.valid(); c.next()) fwd.emplace_back(c.member());
  for (auto c = w.atRank(w.size() - 1); c.valid(); c.prev()) back.emplace_back(c.member());
  std::reverse(back.begin(), back.end());
  CHECK(fwd == back);
  CHECK(fwd.size() == w.size());
  for (size_t r = 0; r < w.size(); r++) CHECK(std::string(w.atRank(r).member()) == fwd[r]);

  // The same content after a round trip through the skiplist.
  auto before = w.items();
  w.convertToSkiplist();
  CHECK_FALSE(w.isListpack());
  w.convertToListpackIfFits(3);
  REQUIRE(w.isListpack());
  auto after = w.items();
  REQUIRE(before.size() == after.size());
  for (size_t k = 0; k < before.size(); k++) {
    CHECK(before[k].member == after[k].member);
    CHECK(before[k].score == after[k].score);
  }
}

TEST_CASE("Listpack zsets: replies with integer members and scores") {
  TestServer ts;
  ts.run({"ZADD", "z", "2", "10", "1", "-3", "1.5", "x", "-0", "0"});
  CHECK(ts.run({"OBJECT", "ENCODING", "z"}) == "$8\r\nlistpack\r\n");
  CHECK(ts.run({"ZRANGE", "z", "0", "-1", "WITHSCORES"}) ==
        "*8\r\n$1\r\n0\r\n$1\r\n0\r\n$2\r\n-3\r\n$1\r\n1\r\n$1\r\nx\r\n$3\r\n1.5\r\n$2\r\n10\r\n$1\r\n2\r\n");
  CHECK(ts.run({"ZREVRANGEBYSCORE", "z", "+inf", "1", "LIMIT", "1", "2"}) ==
        "*2\r\n$1\r\nx\r\n$2\r\n-3\r\n");
  CHECK(ts.run({"ZSCAN", "z", "0", "MATCH", "*0"}) ==
        "*2\r\n$1\r\n0\r\n*4\r\n$1\r\n0\r\n$1\r\n0\r\n$2\r\n10\r\n$1\r\n2\r\n");
  CHECK(ts.run({"ZRANDMEMBER", "z", "4", "WITHSCORES"}).substr(0, 4) == "*8\r\n");
  CHECK(ts.run({"ZPOPMAX", "z"}) == "*2\r\n$2\r\n10\r\n$1\r\n2\r\n");
  CHECK(ts.run({"ZREMRANGEBYSCORE", "z", "0", "1"}) == ":2\r\n");
  CHECK(ts.run({"ZRANGE", "z", "0", "-1"}) == "*1\r\n$1\r\nx\r\n");
}
