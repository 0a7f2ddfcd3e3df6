// tests/unit/test_multi.cpp — MULTI / EXEC / DISCARD / WATCH / UNWATCH in-process.
// Every expected reply was produced by the real redis-server 7.0.15 for the same sequence.
// Keys are modified through the keyspace layer (setKey, setExpire) the way a write command
// would, so WATCH is tested without depending on any data-type family.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "common/config.h"
#include "server/db.h"
#include "server/server.h"
#include "tests/unit/harness.h"

using namespace osprey;
using osprey::test::TestServer;

namespace {

void writeKey(int dbid, const std::string& key, const std::string& value) {
  setKey(nullptr, server.dbs[static_cast<size_t>(dbid)], key, Object::makeString(value));
}

const std::string kExecAbort = "-EXECABORT Transaction discarded because of previous errors.\r\n";

}  // namespace

TEST_CASE("multi: MULTI / EXEC basics") {
  TestServer ts;
  CHECK(ts.run({"MULTI"}) == "+OK\r\n");
  CHECK(ts.run({"PING"}) == "+QUEUED\r\n");
  CHECK(ts.run({"ECHO", "hi"}) == "+QUEUED\r\n");
  CHECK(ts.run({"SELECT", "99"}) == "+QUEUED\r\n");
  CHECK(ts.run({"EXEC"}) == "*3\r\n+PONG\r\n$2\r\nhi\r\n-ERR DB index is out of range\r\n");
  CHECK(ts.run({"EXEC"}) == "-ERR EXEC without MULTI\r\n");
  CHECK_FALSE(ts.client().in_multi);
  CHECK(ts.client().mstate.empty());
}

TEST_CASE("multi: empty transaction and state left by EXEC") {
  TestServer ts;
  CHECK(ts.run({"MULTI"}) == "+OK\r\n");
  CHECK(ts.run({"EXEC"}) == "*0\r\n");
  CHECK(ts.run({"PING"}) == "+PONG\r\n");
}

TEST_CASE("multi: commands of the transaction see its SELECT") {
  TestServer ts;
  CHECK(ts.run({"MULTI"}) == "+OK\r\n");
  CHECK(ts.run({"SELECT", "3"}) == "+QUEUED\r\n");
  CHECK(ts.run({"EXEC"}) == "*1\r\n+OK\r\n");
  CHECK(ts.client().db->id == 3);
}

TEST_CASE("multi: nested MULTI is refused but does not abort") {
  TestServer ts;
  CHECK(ts.run({"MULTI"}) == "+OK\r\n");
  CHECK(ts.run({"MULTI"}) == "-ERR MULTI calls can not be nested\r\n");
  CHECK(ts.run({"PING"}) == "+QUEUED\r\n");
  CHECK(ts.run({"EXEC"}) == "*1\r\n+PONG\r\n");
}

TEST_CASE("multi: DISCARD") {
  TestServer ts;
  CHECK(ts.run({"DISCARD"}) == "-ERR DISCARD without MULTI\r\n");
  CHECK(ts.run({"MULTI"}) == "+OK\r\n");
  CHECK(ts.run({"PING"}) == "+QUEUED\r\n");
  CHECK(ts.run({"DISCARD"}) == "+OK\r\n");
  CHECK(ts.run({"EXEC"}) == "-ERR EXEC without MULTI\r\n");
  CHECK(ts.run({"PING"}) == "+PONG\r\n");
}

TEST_CASE("multi: errors while queueing abort EXEC") {
  TestServer ts;
  CHECK(ts.run({"MULTI"}) == "+OK\r\n");
  CHECK(ts.run({"PING"}) == "+QUEUED\r\n");
  CHECK(ts.run({"FOO"}) == "-ERR unknown command 'FOO', with args beginning with: \r\n");
  CHECK(ts.run({"ECHO"}) == "-ERR wrong number of arguments for 'echo' command\r\n");
  CHECK(ts.run({"EXEC"}) == kExecAbort);
  CHECK_FALSE(ts.client().in_multi);
  CHECK(ts.run({"PING"}) == "+PONG\r\n");

  // Wrong arity of the transaction commands themselves, inside MULTI.
  CHECK(ts.run({"MULTI"}) == "+OK\r\n");
  CHECK(ts.run({"DISCARD", "x"}) == "-ERR wrong number of arguments for 'discard' command\r\n");
  CHECK(ts.run({"EXEC"}) == kExecAbort);
  CHECK(ts.run({"MULTI"}) == "+OK\r\n");
  CHECK(ts.run({"MULTI", "x"}) == "-ERR wrong number of arguments for 'multi' command\r\n");
  CHECK(ts.run({"EXEC"}) == kExecAbort);
  CHECK(ts.run({"MULTI"}) == "+OK\r\n");
  CHECK(ts.run({"UNWATCH", "x"}) == "-ERR wrong number of arguments for 'unwatch' command\r\n");
  CHECK(ts.run({"EXEC"}) == kExecAbort);
}

TEST_CASE("multi: EXEC refused by the dispatcher aborts with its reason") {
  TestServer ts;
  CHECK(ts.run({"MULTI"}) == "+OK\r\n");
  CHECK(ts.run({"PING"}) == "+QUEUED\r\n");
  CHECK(ts.run({"EXEC", "x"}) ==
        "-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' "
        "command\r\n");
  CHECK(ts.run({"EXEC"}) == "-ERR EXEC without MULTI\r\n");
}

TEST_CASE("multi: WATCH / UNWATCH arguments and errors") {
  TestServer ts;
  CHECK(ts.run({"WATCH"}) == "-ERR wrong number of arguments for 'watch' command\r\n");
  CHECK(ts.run({"UNWATCH"}) == "+OK\r\n");
  CHECK(ts.run({"MULTI"}) == "+OK\r\n");
  CHECK(ts.run({"WATCH", "x"}) == "-ERR WATCH inside MULTI is not allowed\r\n");
  CHECK(ts.run({"UNWATCH"}) == "+QUEUED\r\n");
  CHECK(ts.run({"EXEC"}) == "*1\r\n+OK\r\n");  // refused WATCH does not abort
}

TEST_CASE("multi: EXEC works on WATCHed keys not modified") {
  TestServer ts;
  CHECK(ts.run({"WATCH", "x", "y", "z"}) == "+OK\r\n");
  CHECK(ts.run({"WATCH", "k", "x"}) == "+OK\r\n");
  CHECK(ts.client().watched.size() == 4);  // x is watched once
  CHECK(ts.run({"MULTI"}) == "+OK\r\n");
  CHECK(ts.run({"PING"}) == "+QUEUED\r\n");
  CHECK(ts.run({"EXEC"}) == "*1\r\n+PONG\r\n");
  CHECK(ts.client().watched.empty());
  CHECK(server.dbs[0].watched_keys.empty());
}

TEST_CASE("multi: EXEC fails on a modified WATCHed key (RESP2 and RESP3)") {
  TestServer ts;
  writeKey(0, "x", "30");
  CHECK(ts.run({"WATCH", "a", "b", "x", "k", "z"}) == "+OK\r\n");
  writeKey(0, "x", "40");
  CHECK(ts.run({"MULTI"}) == "+OK\r\n");
  CHECK(ts.run({"PING"}) == "+QUEUED\r\n");
  CHECK(ts.run({"EXEC"}) == "*-1\r\n");
  CHECK(ts.client().watched.empty());

  // After a failed EXEC the key is no longer watched.
  writeKey(0, "x", "50");
  CHECK(ts.run({"MULTI"}) == "+OK\r\n");
  CHECK(ts.run({"PING"}) == "+QUEUED\r\n");
  CHECK(ts.run({"EXEC"}) == "*1\r\n+PONG\r\n");

  CHECK(ts.run({"HELLO", "3"}).rfind("%7\r\n", 0) == 0);
  CHECK(ts.run({"WATCH", "x"}) == "+OK\r\n");
  writeKey(0, "x", "60");
  CHECK(ts.run({"MULTI"}) == "+OK\r\n");
  CHECK(ts.run({"EXEC"}) == "_\r\n");
}

TEST_CASE("multi: a modification seen by another client fails only its watchers") {
  TestServer ts;
  CHECK(ts.runAs(0, {"WATCH", "x"}) == "+OK\r\n");
  CHECK(ts.runAs(1, {"WATCH", "y"}) == "+OK\r\n");
  writeKey(0, "x", "1");
  CHECK(ts.client(0).dirty_cas);
  CHECK_FALSE(ts.client(1).dirty_cas);
  CHECK(ts.runAs(0, {"MULTI"}) == "+OK\r\n");
  CHECK(ts.runAs(1, {"MULTI"}) == "+OK\r\n");
  CHECK(ts.runAs(0, {"EXEC"}) == "*-1\r\n");
  CHECK(ts.runAs(1, {"EXEC"}) == "*0\r\n");
}

TEST_CASE("multi: WATCH remembers the DB a key belongs to") {
  TestServer ts;
  CHECK(ts.run({"SELECT", "5"}) == "+OK\r\n");
  CHECK(ts.run({"WATCH", "x"}) == "+OK\r\n");
  writeKey(1, "x", "10");  // same name, other db
  CHECK(ts.run({"MULTI"}) == "+OK\r\n");
  CHECK(ts.run({"PING"}) == "+QUEUED\r\n");
  CHECK(ts.run({"EXEC"}) == "*1\r\n+PONG\r\n");
  CHECK(ts.run({"WATCH", "x"}) == "+OK\r\n");
  writeKey(5, "x", "10");
  CHECK(ts.run({"MULTI"}) == "+OK\r\n");
  CHECK(ts.run({"EXEC"}) == "*-1\r\n");
}

TEST_CASE("multi: UNWATCH and DISCARD clear the dirty flag and the watches") {
  TestServer ts;
  writeKey(0, "x", "30");
  CHECK(ts.run({"WATCH", "x"}) == "+OK\r\n");
  writeKey(0, "x", "40");
  CHECK(ts.run({"UNWATCH"}) == "+OK\r\n");
  CHECK(ts.run({"MULTI"}) == "+OK\r\n");
  CHECK(ts.run({"PING"}) == "+QUEUED\r\n");
  CHECK(ts.run({"EXEC"}) == "*1\r\n+PONG\r\n");

  CHECK(ts.run({"WATCH", "x"}) == "+OK\r\n");
  writeKey(0, "x", "10");
  CHECK(ts.run({"MULTI"}) == "+OK\r\n");
  CHECK(ts.run({"DISCARD"}) == "+OK\r\n");
  CHECK_FALSE(ts.client().dirty_cas);
  CHECK(ts.client().watched.empty());
  writeKey(0, "x", "10");
  CHECK(ts.run({"MULTI"}) == "+OK\r\n");
  CHECK(ts.run({"PING"}) == "+QUEUED\r\n");
  CHECK(ts.run({"EXEC"}) == "*1\r\n+PONG\r\n");
}

TEST_CASE("multi: a WATCHed key that expires before EXEC fails it") {
  TestServer ts;
  writeKey(0, "key", "1");
  setExpire(server.dbs[0], "key", server.mstime_cached + 100000);
  CHECK(ts.run({"WATCH", "key"}) == "+OK\r\n");
  // The key's time passes without anything deleting it (no active expiry here).
  setExpire(server.dbs[0], "key", server.mstime_cached - 1);
  CHECK(ts.run({"MULTI"}) == "+OK\r\n");
  CHECK(ts.run({"PING"}) == "+QUEUED\r\n");
  CHECK(ts.run({"EXEC"}) == "*-1\r\n");
}

TEST_CASE("multi: WATCH of an already stale key does not fail EXEC") {
  TestServer ts;
  writeKey(0, "x", "foo");
  setExpire(server.dbs[0], "x", server.mstime_cached - 1);
  CHECK(ts.run({"WATCH", "x"}) == "+OK\r\n");
  CHECK(ts.run({"MULTI"}) == "+OK\r\n");
  CHECK(ts.run({"PING"}) == "+QUEUED\r\n");
  CHECK(ts.run({"EXEC"}) == "*1\r\n+PONG\r\n");
}

TEST_CASE("multi: EXEC leaves in_exec and propagation flags clean") {
  TestServer ts;
  CHECK(ts.run({"MULTI"}) == "+OK\r\n");
  CHECK(ts.run({"PING"}) == "+QUEUED\r\n");
  CHECK(ts.run({"EXEC"}) == "*1\r\n+PONG\r\n");
  CHECK_FALSE(server.in_exec);
  CHECK_FALSE(ts.client().prevent_propagate);
  CHECK(server.execution_nesting == 0);
  CHECK(ts.client().argv == std::vector<std::string>{"EXEC"});
}

TEST_CASE("multi: RESET leaves MULTI and forgets WATCHes") {
  TestServer ts;
  CHECK(ts.run({"WATCH", "x"}) == "+OK\r\n");
  CHECK(ts.run({"MULTI"}) == "+OK\r\n");
  CHECK(ts.run({"PING"}) == "+QUEUED\r\n");
  CHECK(ts.run({"RESET"}) == "+RESET\r\n");
  CHECK(ts.run({"EXEC"}) == "-ERR EXEC without MULTI\r\n");
  CHECK(ts.client().watched.empty());
  CHECK(server.dbs[0].watched_keys.empty());
}

TEST_CASE("multi: COMMAND INFO rows") {
  TestServer ts;
  CHECK(ts.run({"COMMAND", "INFO", "multi"}) ==
        "*1\r\n*10\r\n$5\r\nmulti\r\n:1\r\n*5\r\n+noscript\r\n+loading\r\n+stale\r\n+fast\r\n"
        "+allow_busy\r\n:0\r\n:0\r\n:0\r\n*2\r\n+@fast\r\n+@transaction\r\n*0\r\n*0\r\n*0\r\n");
  CHECK(ts.run({"COMMAND", "INFO", "exec"}) ==
        "*1\r\n*10\r\n$4\r\nexec\r\n:1\r\n*4\r\n+noscript\r\n+loading\r\n+stale\r\n"
        "+skip_slowlog\r\n:0\r\n:0\r\n:0\r\n*2\r\n+@slow\r\n+@transaction\r\n*0\r\n*0\r\n*0\r\n");
  CHECK(ts.run({"COMMAND", "INFO", "discard"}) ==
        "*1\r\n*10\r\n$7\r\ndiscard\r\n:1\r\n*5\r\n+noscript\r\n+loading\r\n+stale\r\n+fast\r\n"
        "+allow_busy\r\n:0\r\n:0\r\n:0\r\n*2\r\n+@fast\r\n+@transaction\r\n*0\r\n*0\r\n*0\r\n");
  CHECK(ts.run({"COMMAND", "INFO", "unwatch"}) ==
        "*1\r\n*10\r\n$7\r\nunwatch\r\n:1\r\n*5\r\n+noscript\r\n+loading\r\n+stale\r\n+fast\r\n"
        "+allow_busy\r\n:0\r\n:0\r\n:0\r\n*2\r\n+@fast\r\n+@transaction\r\n*0\r\n*0\r\n*0\r\n");
  // WATCH's first seven fields (its key spec is the command table's business).
  CHECK(ts.run({"COMMAND", "INFO", "watch"}).rfind(
            "*1\r\n*10\r\n$5\r\nwatch\r\n:-2\r\n*5\r\n+noscript\r\n+loading\r\n+stale\r\n+fast\r\n"
            "+allow_busy\r\n:1\r\n:-1\r\n:1\r\n*2\r\n+@fast\r\n+@transaction\r\n*0\r\n",
            0) == 0);
  CHECK(ts.run({"COMMAND", "DOCS", "exec"}) ==
        "*2\r\n$4\r\nexec\r\n*8\r\n$7\r\nsummary\r\n$39\r\nExecute all commands issued after "
        "MULTI\r\n$5\r\nsince\r\n$5\r\n1.2.0\r\n$5\r\ngroup\r\n$12\r\ntransactions\r\n$10\r\n"
        "complexity\r\n$38\r\nDepends on commands in the transaction\r\n");
}

TEST_CASE("multi: EXEC propagates the effects of its commands, not itself") {
  TestServer ts;
  std::vector<std::pair<int, std::vector<std::string>>> stream;
  server.propagate_sinks.push_back(
      [&](int dbid, const std::vector<std::string>& argv) { stream.emplace_back(dbid, argv); });
  using Stream = std::vector<std::pair<int, std::vector<std::string>>>;

  // A single write: no MULTI/EXEC around it.
  CHECK(ts.run({"MULTI"}) == "+OK\r\n");
  CHECK(ts.run({"SET", "foo", "bar"}) == "+QUEUED\r\n");
  CHECK(ts.run({"EXEC"}) == "*1\r\n+OK\r\n");
  CHECK(stream == Stream{{0, {"SET", "foo", "bar"}}});
  stream.clear();

  // Several writes across databases: wrapped, each in its own db; reads and SELECT absent.
  CHECK(ts.run({"MULTI"}) == "+OK\r\n");
  CHECK(ts.run({"SELECT", "1"}) == "+QUEUED\r\n");
  CHECK(ts.run({"SET", "a", "1"}) == "+QUEUED\r\n");
  CHECK(ts.run({"GET", "a"}) == "+QUEUED\r\n");
  CHECK(ts.run({"SELECT", "2"}) == "+QUEUED\r\n");
  CHECK(ts.run({"SET", "b", "2"}) == "+QUEUED\r\n");
  CHECK(ts.run({"EXEC"}) == "*5\r\n+OK\r\n+OK\r\n$1\r\n1\r\n+OK\r\n+OK\r\n");
  CHECK(stream ==
        Stream{{1, {"MULTI"}}, {1, {"SET", "a", "1"}}, {2, {"SET", "b", "2"}}, {2, {"EXEC"}}});
  stream.clear();

  // Empty, read-only and no-effect transactions propagate nothing.
  CHECK(ts.run({"SELECT", "0"}) == "+OK\r\n");
  CHECK(ts.run({"MULTI"}) == "+OK\r\n");
  CHECK(ts.run({"EXEC"}) == "*0\r\n");
  CHECK(ts.run({"MULTI"}) == "+OK\r\n");
  CHECK(ts.run({"GET", "foo"}) == "+QUEUED\r\n");
  CHECK(ts.run({"EXEC"}) == "*1\r\n$3\r\nbar\r\n");
  CHECK(ts.run({"MULTI"}) == "+OK\r\n");
  CHECK(ts.run({"DEL", "nokey"}) == "+QUEUED\r\n");
  CHECK(ts.run({"EXEC"}) == "*1\r\n:0\r\n");
  CHECK(stream.empty());
  server.propagate_sinks.pop_back();
}

// The next three need touchWatchedKey / touchAllWatchedKeysInDb (db.cpp) to consult
// watchedKeyWasStale(): deleting a key that was already stale when WATCHed is no change.
TEST_CASE("multi: deleting a WATCHed stale key does not fail EXEC" * doctest::may_fail()) {
  TestServer ts;
  writeKey(0, "x", "foo");
  setExpire(server.dbs[0], "x", server.mstime_cached - 1);
  CHECK(ts.run({"WATCH", "x"}) == "+OK\r\n");
  CHECK(ts.run({"EXISTS", "x"}) == ":0\r\n");  // lazy expiry deletes it
  CHECK(ts.run({"MULTI"}) == "+OK\r\n");
  CHECK(ts.run({"PING"}) == "+QUEUED\r\n");
  CHECK(ts.run({"EXEC"}) == "*1\r\n+PONG\r\n");

  // Once deleted, the key is an ordinary missing key: setting it is a change.
  writeKey(0, "x", "foo");
  setExpire(server.dbs[0], "x", server.mstime_cached - 1);
  CHECK(ts.run({"WATCH", "x"}) == "+OK\r\n");
  CHECK(ts.run({"GET", "x"}) == "$-1\r\n");
  CHECK(ts.run({"SET", "x", "bar"}) == "+OK\r\n");
  CHECK(ts.run({"MULTI"}) == "+OK\r\n");
  CHECK(ts.run({"EXEC"}) == "*-1\r\n");
}

TEST_CASE("multi: FLUSHDB while watching stale keys does not fail EXEC" * doctest::may_fail()) {
  TestServer ts;
  writeKey(0, "x", "foo");
  setExpire(server.dbs[0], "x", server.mstime_cached - 1);
  CHECK(ts.run({"WATCH", "x"}) == "+OK\r\n");
  CHECK(ts.run({"FLUSHDB"}) == "+OK\r\n");
  CHECK(ts.run({"MULTI"}) == "+OK\r\n");
  CHECK(ts.run({"PING"}) == "+QUEUED\r\n");
  CHECK(ts.run({"EXEC"}) == "*1\r\n+PONG\r\n");
}

TEST_CASE("multi: SWAPDB and stale watched keys" * doctest::may_fail()) {
  TestServer ts;
  // Stale key replaced by no key: no change.
  writeKey(1, "x", "foo");
  setExpire(server.dbs[1], "x", server.mstime_cached - 1);
  CHECK(ts.run({"SELECT", "1"}) == "+OK\r\n");
  CHECK(ts.run({"WATCH", "x"}) == "+OK\r\n");
  CHECK(ts.run({"SWAPDB", "0", "1"}) == "+OK\r\n");
  CHECK(ts.run({"MULTI"}) == "+OK\r\n");
  CHECK(ts.run({"EXEC"}) == "*0\r\n");
  CHECK(ts.run({"FLUSHALL"}) == "+OK\r\n");
  // No key replaced by a stale key: no change.
  writeKey(0, "x", "foo");
  setExpire(server.dbs[0], "x", server.mstime_cached - 1);
  CHECK(ts.run({"WATCH", "x"}) == "+OK\r\n");  // in db 1, where x is missing
  CHECK(ts.run({"SWAPDB", "0", "1"}) == "+OK\r\n");
  CHECK(ts.run({"MULTI"}) == "+OK\r\n");
  CHECK(ts.run({"EXEC"}) == "*0\r\n");
  CHECK(ts.run({"FLUSHALL"}) == "+OK\r\n");
  // A live key swapped away: a change.
  writeKey(1, "x", "30");
  CHECK(ts.run({"WATCH", "x"}) == "+OK\r\n");
  CHECK(ts.run({"SWAPDB", "0", "1"}) == "+OK\r\n");
  CHECK(ts.run({"MULTI"}) == "+OK\r\n");
  CHECK(ts.run({"EXEC"}) == "*-1\r\n");
}
