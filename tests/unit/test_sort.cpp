// tests/unit/test_sort.cpp — SORT and SORT_RO (server/sort.cpp), byte for byte. Every
// expected reply was taken from a real Redis 7.0.15 running the same commands.
#include <doctest/doctest.h>

#include <string>

#include "server/server.h"
#include "tests/unit/harness.h"

using namespace osprey;
using osprey::test::TestServer;

TEST_CASE("SORT sorts a list numerically, ALPHA, DESC, with LIMIT") {
  TestServer ts;
  CHECK(ts.run({"RPUSH", "l", "3", "1", "2", "10", "1e1", "inf", "-inf"}) == ":7\r\n");
  CHECK(ts.run({"SORT", "l"}) == "*7\r\n$4\r\n-inf\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$2\r\n10\r\n$3\r\n1e1\r\n$3\r\ninf\r\n");
  CHECK(ts.run({"SORT", "l", "DESC"}) == "*7\r\n$3\r\ninf\r\n$3\r\n1e1\r\n$2\r\n10\r\n$1\r\n3\r\n$1\r\n2\r\n$1\r\n1\r\n$4\r\n-inf\r\n");
  CHECK(ts.run({"SORT", "l", "ALPHA"}) == "*7\r\n$4\r\n-inf\r\n$1\r\n1\r\n$2\r\n10\r\n$3\r\n1e1\r\n$1\r\n2\r\n$1\r\n3\r\n$3\r\ninf\r\n");
  CHECK(ts.run({"SORT", "l", "ALPHA", "DESC"}) == "*7\r\n$3\r\ninf\r\n$1\r\n3\r\n$1\r\n2\r\n$3\r\n1e1\r\n$2\r\n10\r\n$1\r\n1\r\n$4\r\n-inf\r\n");
  CHECK(ts.run({"SORT", "l", "LIMIT", "1", "3"}) == "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n");
  CHECK(ts.run({"SORT", "l", "LIMIT", "-5", "2"}) == "*2\r\n$4\r\n-inf\r\n$1\r\n1\r\n");
  CHECK(ts.run({"SORT", "l", "LIMIT", "7", "-3"}) == "*0\r\n");
  CHECK(ts.run({"SORT", "l", "LIMIT", "2", "0"}) == "*0\r\n");
  CHECK(ts.run({"SORT", "l", "LIMIT", "100", "5"}) == "*0\r\n");
  CHECK(ts.run({"SORT_RO", "l", "DESC", "LIMIT", "0", "2"}) == "*2\r\n$3\r\ninf\r\n$3\r\n1e1\r\n");
  CHECK(ts.run({"SORT", "missing"}) == "*0\r\n");
}

TEST_CASE("SORT BY nosort keeps list and sorted set order") {
  TestServer ts;
  CHECK(ts.run({"RPUSH", "l", "3", "1", "2", "10"}) == ":4\r\n");
  CHECK(ts.run({"SORT", "l", "BY", "nosort"}) == "*4\r\n$1\r\n3\r\n$1\r\n1\r\n$1\r\n2\r\n$2\r\n10\r\n");
  CHECK(ts.run({"SORT", "l", "BY", "nosort", "DESC"}) == "*4\r\n$2\r\n10\r\n$1\r\n2\r\n$1\r\n1\r\n$1\r\n3\r\n");
  CHECK(ts.run({"SORT", "l", "BY", "nosort", "LIMIT", "1", "2"}) == "*2\r\n$1\r\n1\r\n$1\r\n2\r\n");
  CHECK(ts.run({"SORT", "l", "BY", "nosort", "DESC", "LIMIT", "1", "2"}) == "*2\r\n$1\r\n2\r\n$1\r\n1\r\n");
  CHECK(ts.run({"SORT", "l", "BY", "nosort", "LIMIT", "5", "10"}) == "*0\r\n");
  CHECK(ts.run({"ZADD", "z", "3", "a", "1", "b", "2", "c", "5", "d"}) == ":4\r\n");
  CHECK(ts.run({"SORT", "z", "BY", "nosort"}) == "*4\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\nd\r\n");
  CHECK(ts.run({"SORT", "z", "BY", "nosort", "DESC"}) == "*4\r\n$1\r\nd\r\n$1\r\na\r\n$1\r\nc\r\n$1\r\nb\r\n");
  CHECK(ts.run({"SORT", "z", "BY", "nosort", "LIMIT", "1", "2"}) == "*2\r\n$1\r\nc\r\n$1\r\na\r\n");
  CHECK(ts.run({"SORT", "z", "BY", "nosort", "DESC", "LIMIT", "1", "2"}) == "*2\r\n$1\r\na\r\n$1\r\nc\r\n");
  CHECK(ts.run({"SORT", "z", "ALPHA", "DESC"}) == "*4\r\n$1\r\nd\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n");
  CHECK(ts.run({"OBJECT", "ENCODING", "z"}) == "$8\r\nskiplist\r\n");
}

TEST_CASE("SORT sets") {
  TestServer ts;
  CHECK(ts.run({"SADD", "s", "5", "3", "9", "1"}) == ":4\r\n");
  CHECK(ts.run({"SORT", "s"}) == "*4\r\n$1\r\n1\r\n$1\r\n3\r\n$1\r\n5\r\n$1\r\n9\r\n");
  CHECK(ts.run({"SORT", "s", "DESC", "LIMIT", "1", "2"}) == "*2\r\n$1\r\n5\r\n$1\r\n3\r\n");
  CHECK(ts.run({"SORT", "s", "BY", "nosort", "STORE", "ds"}) == ":4\r\n");
  CHECK(ts.run({"LRANGE", "ds", "0", "-1"}) == "*4\r\n$1\r\n1\r\n$1\r\n3\r\n$1\r\n5\r\n$1\r\n9\r\n");
  CHECK(ts.run({"SADD", "s2", "b", "a", "c", "zz", "aa"}) == ":5\r\n");
  CHECK(ts.run({"SORT", "s2", "ALPHA"}) == "*5\r\n$1\r\na\r\n$2\r\naa\r\n$1\r\nb\r\n$1\r\nc\r\n$2\r\nzz\r\n");
  CHECK(ts.run({"SORT", "s2", "ALPHA", "DESC", "LIMIT", "1", "2"}) == "*2\r\n$1\r\nc\r\n$1\r\nb\r\n");
  CHECK(ts.run({"SORT", "s2", "BY", "nosort", "STORE", "ds2"}) == ":5\r\n");
  CHECK(ts.run({"LRANGE", "ds2", "0", "-1"}) == "*5\r\n$1\r\na\r\n$2\r\naa\r\n$1\r\nb\r\n$1\r\nc\r\n$2\r\nzz\r\n");
  CHECK(ts.run({"OBJECT", "ENCODING", "ds2"}) == "$9\r\nquicklist\r\n");
}

TEST_CASE("SORT BY and GET patterns, hash fields, missing keys") {
  TestServer ts;
  CHECK(ts.run({"ZADD", "z", "3", "a", "1", "b", "2", "c", "5", "d"}) == ":4\r\n");
  CHECK(ts.run({"MSET", "w_a", "3", "w_b", "1", "w_c", "2", "w_d", "2"}) == "+OK\r\n");
  CHECK(ts.run({"HSET", "h_a", "f", "30", "g", "x"}) == ":2\r\n");
  CHECK(ts.run({"HSET", "h_b", "f", "10"}) == ":1\r\n");
  CHECK(ts.run({"HSET", "h_c", "f", "20"}) == ":1\r\n");
  CHECK(ts.run({"MSET", "o_a", "A", "o_b", "B", "o_c", "C"}) == "+OK\r\n");
  CHECK(ts.run({"SORT", "z", "BY", "w_*"}) == "*4\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\na\r\n");
  CHECK(ts.run({"SORT", "z", "BY", "w_*", "DESC"}) == "*4\r\n$1\r\na\r\n$1\r\nd\r\n$1\r\nc\r\n$1\r\nb\r\n");
  CHECK(ts.run({"SORT", "z", "BY", "w_*", "GET", "o_*"}) == "*4\r\n$1\r\nB\r\n$1\r\nC\r\n$-1\r\n$1\r\nA\r\n");
  CHECK(ts.run({"SORT", "z", "BY", "w_*", "GET", "#", "GET", "o_*", "GET", "h_*->f"}) == "*12\r\n$1\r\nb\r\n$1\r\nB\r\n$2\r\n10\r\n$1\r\nc\r\n$1\r\nC\r\n$2\r\n20\r\n$1\r\nd\r\n$-1\r\n$-1\r\n$1\r\na\r\n$1\r\nA\r\n$2\r\n30\r\n");
  CHECK(ts.run({"SORT", "z", "BY", "h_*->f"}) == "*4\r\n$1\r\nd\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n");
  CHECK(ts.run({"SORT", "z", "BY", "h_*->f", "DESC", "GET", "#"}) == "*4\r\n$1\r\na\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\nd\r\n");
  CHECK(ts.run({"SORT", "z", "BY", "h_*->g"}) == "-ERR One or more scores can't be converted into double\r\n");
  CHECK(ts.run({"SORT", "z", "BY", "h_*->f", "ALPHA"}) == "*4\r\n$1\r\nd\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n");
  CHECK(ts.run({"SORT", "z", "BY", "w_*", "LIMIT", "1", "2", "GET", "o_*"}) == "*2\r\n$1\r\nC\r\n$-1\r\n");
  CHECK(ts.run({"SORT", "z", "BY", "w_*", "GET", "nostar"}) == "*4\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n");
  CHECK(ts.run({"SORT", "z", "ALPHA", "GET", "h_*->"}) == "*4\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n");
  CHECK(ts.run({"SORT", "z", "BY", "missing_*", "GET", "#"}) == "*4\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n");
  CHECK(ts.run({"SORT", "z", "BY", "h_*"}) == "*4\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n");
  CHECK(ts.run({"SORT", "z", "BY", "w_*", "GET", "o_*", "STORE", "dst"}) == ":4\r\n");
  CHECK(ts.run({"LRANGE", "dst", "0", "-1"}) == "*4\r\n$1\r\nB\r\n$1\r\nC\r\n$0\r\n\r\n$1\r\nA\r\n");
  CHECK(ts.run({"SORT_RO", "z", "BY", "w_*", "GET", "o_*", "LIMIT", "0", "1"}) == "*1\r\n$1\r\nB\r\n");
}

TEST_CASE("SORT STORE writes a list or deletes the destination") {
  TestServer ts;
  CHECK(ts.run({"RPUSH", "l", "3", "1", "2"}) == ":3\r\n");
  CHECK(ts.run({"SORT", "l", "STORE", "d"}) == ":3\r\n");
  CHECK(ts.run({"LRANGE", "d", "0", "-1"}) == "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n");
  CHECK(ts.run({"OBJECT", "ENCODING", "d"}) == "$9\r\nquicklist\r\n");
  CHECK(ts.run({"SORT", "l", "LIMIT", "0", "0", "STORE", "d"}) == ":0\r\n");
  CHECK(ts.run({"EXISTS", "d"}) == ":0\r\n");
  CHECK(ts.run({"SORT", "missing", "STORE", "d"}) == ":0\r\n");
  CHECK(ts.run({"SORT", "l", "STORE", "l"}) == ":3\r\n");
  CHECK(ts.run({"LRANGE", "l", "0", "-1"}) == "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n");
  CHECK(ts.run({"SORT", "l", "GET", "x", "STORE", "d"}) == ":3\r\n");
  CHECK(ts.run({"LRANGE", "d", "0", "-1"}) == "*3\r\n$0\r\n\r\n$0\r\n\r\n$0\r\n\r\n");
}

TEST_CASE("SORT errors") {
  TestServer ts;
  CHECK(ts.run({"RPUSH", "l", "3", "1", "2"}) == ":3\r\n");
  CHECK(ts.run({"SET", "str", "x"}) == "+OK\r\n");
  CHECK(ts.run({"SORT", "str"}) == "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(ts.run({"SORT_RO", "str"}) == "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(ts.run({"SORT", "l", "LIMIT", "x", "1"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(ts.run({"SORT", "l", "LIMIT", "1", "x"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(ts.run({"SORT", "l", "LIMIT", "1"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"SORT", "l", "LIMIT", "1.5", "2"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(ts.run({"SORT", "l", "STORE"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"SORT_RO", "l", "STORE", "d"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"SORT", "l", "foo"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"SORT", "l", "BY"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"SORT", "l", "GET"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"RPUSH", "bad", "1", "x", "2"}) == ":3\r\n");
  CHECK(ts.run({"SORT", "bad"}) == "-ERR One or more scores can't be converted into double\r\n");
  CHECK(ts.run({"SORT", "bad", "ALPHA"}) == "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\nx\r\n");
  CHECK(ts.run({"SORT", "bad", "STORE", "d2"}) == "-ERR One or more scores can't be converted into double\r\n");
  CHECK(ts.run({"EXISTS", "d2"}) == ":0\r\n");
  CHECK(ts.run({"RPUSH", "e", "", " 5", "12", "-0", "0"}) == ":5\r\n");
  CHECK(ts.run({"SORT", "e"}) == "*5\r\n$0\r\n\r\n$2\r\n-0\r\n$1\r\n0\r\n$2\r\n 5\r\n$2\r\n12\r\n");
  CHECK(ts.run({"RPUSH", "nn", "nan"}) == ":1\r\n");
  CHECK(ts.run({"SORT", "nn"}) == "-ERR One or more scores can't be converted into double\r\n");
  CHECK(ts.run({"RPUSH", "big", "1e999"}) == ":1\r\n");
  CHECK(ts.run({"SORT", "big"}) == "-ERR One or more scores can't be converted into double\r\n");
  CHECK(ts.run({"SORT"}) == "-ERR wrong number of arguments for 'sort' command\r\n");
  CHECK(ts.run({"SORT_RO"}) == "-ERR wrong number of arguments for 'sort_ro' command\r\n");
}


TEST_CASE("SORT STORE counts dirty as Redis does") {
  TestServer ts;
  ts.run({"RPUSH", "l", "3", "1", "2"});
  long long before = server.dirty;
  CHECK(ts.run({"SORT", "l", "STORE", "d"}) == ":3\r\n");
  CHECK(server.dirty - before == 3);
  CHECK(ts.run({"SORT", "l", "GET", "#", "GET", "x", "STORE", "d"}) == ":6\r\n");
  CHECK(server.dirty - before == 9);
  CHECK(ts.run({"SORT", "l", "LIMIT", "0", "0", "STORE", "d"}) == ":0\r\n");
  CHECK(server.dirty - before == 10);
  CHECK(ts.run({"SORT", "l", "LIMIT", "0", "0", "STORE", "d"}) == ":0\r\n");
  CHECK(server.dirty - before == 10);
  CHECK(ts.run({"SORT", "l"}) == "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n");
  CHECK(server.dirty - before == 10);
}

TEST_CASE("COMMAND GETKEYS SORT finds the last STORE destination") {
  TestServer ts;
  CHECK(ts.run({"COMMAND", "GETKEYS", "SORT", "l", "STORE", "d"}) == "*2\r\n$1\r\nl\r\n$1\r\nd\r\n");
  CHECK(ts.run({"COMMAND", "GETKEYS", "SORT", "l", "STORE"}) == "*1\r\n$1\r\nl\r\n");
  CHECK(ts.run({"COMMAND", "GETKEYS", "SORT", "l", "BY", "x", "STORE", "d", "STORE", "e"}) ==
        "*2\r\n$1\r\nl\r\n$1\r\ne\r\n");
  CHECK(ts.run({"COMMAND", "GETKEYS", "SORT", "l", "STORE", "d", "LIMIT", "0", "1", "GET", "x", "BY", "y"}) ==
        "*2\r\n$1\r\nl\r\n$1\r\nd\r\n");
  CHECK(ts.run({"COMMAND", "GETKEYS", "SORT_RO", "l", "BY", "y"}) == "*1\r\n$1\r\nl\r\n");
}
