// tests/unit/test_blocking_zset.cpp — BZPOPMIN, BZPOPMAX and BZMPOP: argument errors,
// immediate pops, the answers when they may not block, and blocked clients served when a
// zset appears. Expected bytes were taken from redis-server 7.0.15.
#include <doctest/doctest.h>

#include "server/blocking.h"
#include "server/db.h"
#include "tests/unit/harness.h"

using osprey::test::TestServer;

namespace {

// A client of ts that may block (the harness's fake clients answer as if in a script).
osprey::Client& blockingClient(TestServer& ts, size_t i) {
  osprey::Client& c = ts.client(i);
  c.fake = false;
  return c;
}

// Takes what the server wrote to c since the last call.
std::string drain(osprey::Client& c) {
  std::string out = c.out.str();
  c.out.clear();
  return out;
}

}  // namespace

TEST_CASE("BZPOPMIN / BZPOPMAX: errors in Redis's order") {
  TestServer ts;
  ts.run({"SET", "str", "x"});
  CHECK(ts.run({"BZPOPMIN", "z", "abc"}) == "-ERR timeout is not a float or out of range\r\n");
  CHECK(ts.run({"BZPOPMIN", "z", "nan"}) == "-ERR timeout is not a float or out of range\r\n");
  CHECK(ts.run({"BZPOPMIN", "z", "-1"}) == "-ERR timeout is negative\r\n");
  CHECK(ts.run({"BZPOPMAX", "str", "0"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(ts.run({"BZPOPMIN", "z"}) == "-ERR wrong number of arguments for 'bzpopmin' command\r\n");
}

TEST_CASE("BZMPOP: options are checked before the timeout") {
  TestServer ts;
  CHECK(ts.run({"BZMPOP", "abc", "0", "z", "MIN"}) == "-ERR numkeys should be greater than 0\r\n");
  CHECK(ts.run({"BZMPOP", "abc", "1", "z", "FOO"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"BZMPOP", "abc", "1", "z", "MIN"}) ==
        "-ERR timeout is not a float or out of range\r\n");
  CHECK(ts.run({"BZMPOP", "-1", "1", "z", "MIN"}) == "-ERR timeout is negative\r\n");
  CHECK(ts.run({"BZMPOP", "0", "2", "z", "MIN"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"BZMPOP", "0", "1", "z", "MIN", "COUNT", "0"}) ==
        "-ERR count should be greater than 0\r\n");
  CHECK(ts.run({"BZMPOP", "0", "1", "z", "MIN", "COUNT"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"BZMPOP", "0", "1", "z", "MIN", "COUNT", "2", "COUNT", "2"}) ==
        "-ERR syntax error\r\n");
  CHECK(ts.run({"BZMPOP", "0", "1", "z"}) == "-ERR wrong number of arguments for 'bzmpop' command\r\n");
}

TEST_CASE("Blocking zset pops answer at once when a key holds a zset") {
  TestServer ts;
  ts.run({"ZADD", "z", "1", "a", "2", "b", "3", "c"});
  CHECK(ts.run({"BZPOPMIN", "none", "z", "0"}) == "*3\r\n$1\r\nz\r\n$1\r\na\r\n$1\r\n1\r\n");
  CHECK(ts.run({"BZPOPMAX", "z", "0"}) == "*3\r\n$1\r\nz\r\n$1\r\nc\r\n$1\r\n3\r\n");
  CHECK(ts.run({"BZMPOP", "0", "2", "none", "z", "MAX", "COUNT", "5"}) ==
        "*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n");
  CHECK(ts.run({"EXISTS", "z"}) == ":0\r\n");

  // RESP3: scores are doubles; BZMPOP nests its pairs.
  ts.run({"HELLO", "3"});
  ts.run({"ZADD", "z", "1.5", "a", "2", "b"});
  CHECK(ts.run({"BZPOPMIN", "z", "0"}) == "*3\r\n$1\r\nz\r\n$1\r\na\r\n,1.5\r\n");
  CHECK(ts.run({"BZMPOP", "0", "1", "z", "MIN"}) == "*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\nb\r\n,2\r\n");
}

TEST_CASE("Blocking zset pops do not block in MULTI or scripts") {
  TestServer ts;
  // The harness's clients may not block: they get the timeout answer at once.
  CHECK(ts.run({"BZPOPMIN", "none", "0"}) == "*-1\r\n");
  CHECK(ts.run({"BZMPOP", "0", "1", "none", "MAX"}) == "*-1\r\n");
  ts.run({"MULTI"});
  ts.run({"BZPOPMIN", "none", "0"});
  ts.run({"BZMPOP", "0", "1", "none", "MAX"});
  CHECK(ts.run({"EXEC"}) == "*2\r\n*-1\r\n*-1\r\n");
  CHECK(ts.run({"EVAL", "return redis.call('bzmpop', 0, 1, 'none', 'min')", "0"}) == "$-1\r\n");
  ts.run({"HELLO", "3"});
  CHECK(ts.run({"BZPOPMAX", "none", "0"}) == "_\r\n");
}

TEST_CASE("A blocked BZPOPMIN is served when a zset appears, first come first served") {
  TestServer ts;
  osprey::Client& a = blockingClient(ts, 1);
  osprey::Client& b = blockingClient(ts, 2);
  CHECK(ts.runAs(1, {"BZPOPMIN", "q", "0"}).empty());
  CHECK(ts.runAs(2, {"BZPOPMAX", "q", "0"}).empty());
  CHECK(a.blocked);
  CHECK(b.blocked);
  CHECK(osprey::blockedClientsCount() == 2);

  // A key of another type does not serve anyone.
  ts.run({"SET", "q", "v"});
  CHECK(drain(a).empty());
  ts.run({"DEL", "q"});

  ts.run({"ZADD", "q", "1", "one"});
  CHECK(drain(a) == "*3\r\n$1\r\nq\r\n$3\r\none\r\n$1\r\n1\r\n");
  CHECK_FALSE(a.blocked);
  CHECK(drain(b).empty());
  ts.run({"ZADD", "q", "2", "two", "3", "three"});
  CHECK(drain(b) == "*3\r\n$1\r\nq\r\n$5\r\nthree\r\n$1\r\n3\r\n");
  CHECK(ts.run({"ZRANGE", "q", "0", "-1"}) == "*1\r\n$3\r\ntwo\r\n");
  CHECK(osprey::blockedClientsCount() == 0);
  a.fake = b.fake = true;
}

TEST_CASE("A blocked BZMPOP is served by stores, RENAME and EXEC") {
  TestServer ts;
  osprey::Client& a = blockingClient(ts, 1);
  ts.runAs(1, {"BZMPOP", "0", "2", "x", "dst", "MIN", "COUNT", "10"});
  ts.run({"ZADD", "src", "1", "a", "2", "b"});
  ts.run({"ZUNIONSTORE", "dst", "1", "src"});
  CHECK(drain(a) == "*2\r\n$3\r\ndst\r\n*2\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n");

  ts.runAs(1, {"BZPOPMIN", "dst", "0"});
  ts.run({"RENAME", "src", "dst"});
  CHECK(drain(a) == "*3\r\n$3\r\ndst\r\n$1\r\na\r\n$1\r\n1\r\n");

  ts.runAs(1, {"BZPOPMAX", "m", "0"});
  ts.run({"MULTI"});
  ts.run({"ZADD", "m", "1", "a"});
  ts.run({"ZREM", "m", "a"});
  ts.run({"ZADD", "m", "2", "b"});
  CHECK(drain(a).empty());
  ts.run({"EXEC"});
  CHECK(drain(a) == "*3\r\n$1\r\nm\r\n$1\r\nb\r\n$1\r\n2\r\n");
  a.fake = true;
}

TEST_CASE("CLIENT UNBLOCK-style release answers the timeout reply or the error") {
  TestServer ts;
  osprey::Client& a = blockingClient(ts, 1);
  ts.runAs(1, {"BZPOPMIN", "t", "0"});
  CHECK(osprey::unblockClientFromOutside(a, false));
  CHECK(drain(a) == "*-1\r\n");
  ts.runAs(1, {"BZMPOP", "0", "1", "t", "MIN"});
  CHECK(osprey::unblockClientFromOutside(a, true));
  CHECK(drain(a) == "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n");
  CHECK_FALSE(osprey::unblockClientFromOutside(a, true));
  a.fake = true;
}
