// tests/unit/test_keys.cpp — the key commands (server/cmd_keys.cpp), byte for byte. Every
// expected reply, error text, keyspace event, dirty count and propagated command was taken
// from a real Redis 7.0.15 running the same commands (propagation read from the AOF it
// wrote with appendonly yes).
#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "common/config.h"
#include "common/util.h"
#include "server/db.h"
#include "tests/unit/harness.h"

using namespace osprey;
using osprey::test::TestServer;

namespace {

const std::string kOk = "+OK\r\n";
const std::string kNull = "$-1\r\n";
const std::string kNotInt = "-ERR value is not an integer or out of range\r\n";
const std::string kSyntax = "-ERR syntax error\r\n";
const std::string kNoKey = "-ERR no such key\r\n";
const std::string kSame = "-ERR source and destination objects are the same\r\n";
const std::string kDbRange = "-ERR DB index is out of range\r\n";
const std::string kIntRange =
    "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n";

std::string bulk(const std::string& s) { return "$" + std::to_string(s.size()) + "\r\n" + s + "\r\n"; }
std::string arr(const std::vector<std::string>& items) {
  std::string out = "*" + std::to_string(items.size()) + "\r\n";
  for (const auto& s : items) out += bulk(s);
  return out;
}
std::string invalidExpire(const std::string& cmd) {
  return "-ERR invalid expire time in '" + cmd + "' command\r\n";
}

bool keyExists(const std::string& key, int db = 0) {
  return lookupKeyPeek(server.dbs[static_cast<size_t>(db)], key) != nullptr;
}

struct PropagationRecorder {
  std::vector<std::pair<int, std::vector<std::string>>> ops;
  PropagationRecorder() {
    server.propagate_sinks.push_back(
        [this](int db, const std::vector<std::string>& argv) { ops.emplace_back(db, argv); });
  }
  ~PropagationRecorder() { server.propagate_sinks.pop_back(); }
};

using Argv = std::vector<std::string>;

// Parses a SCAN reply "*2 $cursor *n $k..." into (cursor, keys).
std::pair<std::string, std::vector<std::string>> parseScan(const std::string& r) {
  std::vector<std::string> lines;
  for (size_t p = 0; p < r.size();) {
    size_t e = r.find("\r\n", p);
    lines.push_back(r.substr(p, e - p));
    p = e + 2;
  }
  std::pair<std::string, std::vector<std::string>> out;
  out.first = lines.at(2);
  for (size_t i = 5; i < lines.size(); i += 2) out.second.push_back(lines[i]);
  return out;
}

}  // namespace

TEST_CASE("DEL / UNLINK / EXISTS / TYPE / TOUCH") {
  TestServer ts;
  CHECK(ts.run({"TYPE", "nokey"}) == "+none\r\n");
  CHECK(ts.run({"SET", "s", "1"}) == kOk);
  CHECK(ts.run({"TYPE", "s"}) == "+string\r\n");
  CHECK(ts.run({"RPUSH", "l", "a"}) == ":1\r\n");
  CHECK(ts.run({"TYPE", "l"}) == "+list\r\n");
  CHECK(ts.run({"TOUCH", "s", "l", "nokey", "s"}) == ":3\r\n");
  CHECK(ts.run({"EXISTS", "s", "s", "nokey"}) == ":2\r\n");
  CHECK(ts.run({"EXISTS", "nokey"}) == ":0\r\n");
  CHECK(ts.run({"DEL", "s", "s", "l", "nokey"}) == ":2\r\n");
  CHECK(ts.run({"DEL", "s"}) == ":0\r\n");
  CHECK(ts.run({"UNLINK", "a", "b"}) == ":0\r\n");
  CHECK(ts.run({"SET", "a", "1"}) == kOk);
  CHECK(ts.run({"UNLINK", "a", "b", "a"}) == ":1\r\n");
  CHECK(ts.run({"DEL"}) == "-ERR wrong number of arguments for 'del' command\r\n");
  CHECK(ts.run({"EXISTS"}) == "-ERR wrong number of arguments for 'exists' command\r\n");
}

TEST_CASE("EXPIRE options and errors") {
  TestServer ts;
  CHECK(ts.run({"SET", "k", "v"}) == kOk);
  const std::string nx_err = "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n";
  CHECK(ts.run({"EXPIRE", "k", "100", "nx", "xx"}) == nx_err);
  CHECK(ts.run({"EXPIRE", "k", "100", "nx", "gt"}) == nx_err);
  CHECK(ts.run({"EXPIRE", "k", "100", "nx", "lt"}) == nx_err);
  CHECK(ts.run({"EXPIRE", "k", "100", "gt", "lt"}) ==
        "-ERR GT and LT options at the same time are not compatible\r\n");
  CHECK(ts.run({"EXPIRE", "k", "100", "foo"}) == "-ERR Unsupported option foo\r\n");
  CHECK(ts.run({"EXPIRE", "k", "abc", "foo"}) == "-ERR Unsupported option foo\r\n");
  CHECK(ts.run({"EXPIRE", "k", "abc"}) == kNotInt);
  CHECK(ts.run({"EXPIRE", "k", "9223372036854776"}) == invalidExpire("expire"));
  CHECK(ts.run({"EXPIRE", "k", "-9223372036854776"}) == invalidExpire("expire"));
  CHECK(ts.run({"EXPIRE", "k", "9223372036854775"}) == invalidExpire("expire"));
  CHECK(ts.run({"PEXPIRE", "k", "9223372036854775807"}) == invalidExpire("pexpire"));
  CHECK(ts.run({"EXPIRE", "nokey", "100", "foo"}) == "-ERR Unsupported option foo\r\n");
  CHECK(ts.run({"EXPIRE", "nokey", "100"}) == ":0\r\n");
  CHECK(ts.run({"PEXPIREAT", "k", "9223372036854775807"}) == ":1\r\n");
  CHECK(ts.run({"PEXPIRETIME", "k"}) == ":9223372036854775807\r\n");
}

TEST_CASE("EXPIRE NX / XX / GT / LT") {
  TestServer ts;
  CHECK(ts.run({"SET", "k", "v"}) == kOk);
  CHECK(ts.run({"EXPIRE", "k", "100", "xx", "gt"}) == ":0\r\n");
  CHECK(ts.run({"EXPIRE", "k", "100", "xx"}) == ":0\r\n");
  CHECK(ts.run({"EXPIRE", "k", "100", "gt"}) == ":0\r\n");  // no expiry = infinite
  CHECK(ts.run({"EXPIRE", "k", "100", "lt"}) == ":1\r\n");
  CHECK(ts.run({"EXPIRE", "k", "100", "nx"}) == ":0\r\n");
  CHECK(ts.run({"EXPIRE", "k", "200", "gt"}) == ":1\r\n");
  CHECK(ts.run({"EXPIRE", "k", "100", "gt"}) == ":0\r\n");
  CHECK(ts.run({"EXPIRE", "k", "50", "lt"}) == ":1\r\n");
  CHECK(ts.run({"EXPIRE", "k", "60", "lt"}) == ":0\r\n");
  CHECK(ts.run({"TTL", "k"}) == ":50\r\n");
  CHECK(ts.run({"EXPIRE", "k", "100", "XX", "GT"}) == ":1\r\n");
  CHECK(ts.run({"EXPIRE", "k", "100", "nx", "nx"}) == ":0\r\n");
  CHECK(ts.run({"PERSIST", "k"}) == ":1\r\n");
  CHECK(ts.run({"EXPIRE", "k", "100", "nx"}) == ":1\r\n");
}

TEST_CASE("EXPIRE in the past deletes the key") {
  TestServer ts;
  for (const Argv& argv : {Argv{"EXPIRE", "k", "0"}, Argv{"EXPIRE", "k", "-1", "lt"},
                           Argv{"PEXPIREAT", "k", "0"}, Argv{"EXPIREAT", "k", "100", "nx"},
                           Argv{"EXPIRE", "k", "-9223372036854775"}}) {
    CHECK(ts.run({"SET", "k", "v"}) == kOk);
    CHECK_MESSAGE(ts.run(argv) == ":1\r\n", argv[0]);
    CHECK_FALSE(keyExists("k"));
  }
}

TEST_CASE("TTL / PTTL / EXPIRETIME / PEXPIRETIME / PERSIST") {
  TestServer ts;
  for (const char* cmd : {"TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"})
    CHECK(ts.run({cmd, "nokey"}) == ":-2\r\n");
  CHECK(ts.run({"SET", "k", "v"}) == kOk);
  for (const char* cmd : {"TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"})
    CHECK(ts.run({cmd, "k"}) == ":-1\r\n");
  CHECK(ts.run({"EXPIREAT", "k", "4000000000"}) == ":1\r\n");
  CHECK(ts.run({"EXPIRETIME", "k"}) == ":4000000000\r\n");
  CHECK(ts.run({"PEXPIRETIME", "k"}) == ":4000000000000\r\n");
  CHECK(ts.run({"PEXPIREAT", "k", "4000000000499"}) == ":1\r\n");
  CHECK(ts.run({"EXPIRETIME", "k"}) == ":4000000000\r\n");
  CHECK(ts.run({"PEXPIREAT", "k", "4000000000500"}) == ":1\r\n");
  CHECK(ts.run({"EXPIRETIME", "k"}) == ":4000000001\r\n");  // rounded
  CHECK(ts.run({"PERSIST", "k"}) == ":1\r\n");
  CHECK(ts.run({"PERSIST", "k"}) == ":0\r\n");
  CHECK(ts.run({"PERSIST", "nokey"}) == ":0\r\n");
  CHECK(ts.run({"TTL", "k"}) == ":-1\r\n");
  // A key whose time has passed is gone for every command.
  setExpire(server.dbs[0], "k", server.mstime_cached - 1);
  CHECK(ts.run({"TTL", "k"}) == ":-2\r\n");
  CHECK_FALSE(keyExists("k"));
}

TEST_CASE("RENAME / RENAMENX") {
  TestServer ts;
  CHECK(ts.run({"RENAME", "nokey", "x"}) == kNoKey);
  CHECK(ts.run({"RENAME", "nokey", "nokey"}) == kNoKey);
  CHECK(ts.run({"RENAMENX", "nokey", "nokey"}) == kNoKey);
  CHECK(ts.run({"SET", "k", "v"}) == kOk);
  CHECK(ts.run({"RENAME", "k", "k"}) == kOk);
  CHECK(ts.run({"RENAMENX", "k", "k"}) == ":0\r\n");
  CHECK(ts.run({"SET", "k2", "v2"}) == kOk);
  CHECK(ts.run({"RENAMENX", "k", "k2"}) == ":0\r\n");
  CHECK(ts.run({"EXPIRE", "k", "100"}) == ":1\r\n");
  CHECK(ts.run({"RENAME", "k", "k2"}) == kOk);
  CHECK(ts.run({"GET", "k2"}) == bulk("v"));
  CHECK(ts.run({"TTL", "k2"}) == ":100\r\n");  // the expiry moves with the value
  CHECK_FALSE(keyExists("k"));
  CHECK(ts.run({"RENAMENX", "k2", "k3"}) == ":1\r\n");
  CHECK(ts.run({"TTL", "k3"}) == ":100\r\n");
  CHECK(ts.run({"RPUSH", "l", "a", "b"}) == ":2\r\n");
  CHECK(ts.run({"RENAME", "l", "k3"}) == kOk);  // overwrites whatever type
  CHECK(ts.run({"TTL", "k3"}) == ":-1\r\n");
  CHECK(ts.run({"LRANGE", "k3", "0", "-1"}) == arr({"a", "b"}));
}

TEST_CASE("MOVE") {
  TestServer ts;
  CHECK(ts.run({"SET", "k", "v"}) == kOk);
  CHECK(ts.run({"MOVE", "k", "0"}) == kSame);
  CHECK(ts.run({"MOVE", "k", "16"}) == kDbRange);
  CHECK(ts.run({"MOVE", "k", "-1"}) == kDbRange);
  CHECK(ts.run({"MOVE", "k", "abc"}) == kNotInt);
  CHECK(ts.run({"MOVE", "k", "99999999999"}) == kIntRange);
  CHECK(ts.run({"MOVE", "nokey", "1"}) == ":0\r\n");
  CHECK(ts.run({"EXPIRE", "k", "100"}) == ":1\r\n");
  CHECK(ts.run({"MOVE", "k", "1"}) == ":1\r\n");
  CHECK_FALSE(keyExists("k"));
  CHECK(keyExists("k", 1));
  CHECK(ts.run({"SET", "k", "v"}) == kOk);
  CHECK(ts.run({"MOVE", "k", "1"}) == ":0\r\n");  // exists there
  CHECK(ts.run({"SELECT", "1"}) == kOk);
  CHECK(ts.run({"TTL", "k"}) == ":100\r\n");
  CHECK(ts.run({"MOVE", "k", "1"}) == kSame);
}

TEST_CASE("COPY") {
  TestServer ts;
  CHECK(ts.run({"SET", "k", "v"}) == kOk);
  CHECK(ts.run({"COPY", "k", "k"}) == kSame);
  CHECK(ts.run({"COPY", "k", "k", "db", "0"}) == kSame);
  CHECK(ts.run({"COPY", "k", "k2", "db", "16"}) == kDbRange);
  CHECK(ts.run({"COPY", "k", "k2", "db", "abc"}) == kNotInt);
  CHECK(ts.run({"COPY", "k", "k2", "db", "99999999999"}) == kIntRange);
  CHECK(ts.run({"COPY", "k", "k2", "foo", "db", "99999999999"}) == kSyntax);
  CHECK(ts.run({"COPY", "k", "k2", "db"}) == kSyntax);
  CHECK(ts.run({"COPY", "k", "k2", "foo"}) == kSyntax);
  CHECK(ts.run({"COPY", "k", "k2", "replace", "replace"}) == ":1\r\n");
  CHECK(ts.run({"COPY", "k", "k3"}) == ":1\r\n");
  CHECK(ts.run({"COPY", "k", "k3"}) == ":0\r\n");
  CHECK(ts.run({"COPY", "k", "k3", "replace"}) == ":1\r\n");
  CHECK(ts.run({"COPY", "nokey", "k4"}) == ":0\r\n");
  CHECK(ts.run({"COPY", "k", "k", "db", "1"}) == ":1\r\n");
  CHECK(ts.run({"EXPIRE", "k", "100"}) == ":1\r\n");
  CHECK(ts.run({"COPY", "k", "k5", "db", "2"}) == ":1\r\n");
  CHECK(ts.run({"SET", "r", std::string(45, 'r')}) == kOk);
  CHECK(ts.run({"COPY", "r", "r2"}) == ":1\r\n");
  CHECK(ts.run({"OBJECT", "ENCODING", "r2"}) == bulk("raw"));
  CHECK(ts.run({"RPUSH", "l", "a", "b"}) == ":2\r\n");
  CHECK(ts.run({"COPY", "l", "l2"}) == ":1\r\n");
  CHECK(ts.run({"RPUSH", "l2", "c"}) == ":3\r\n");  // a deep copy
  CHECK(ts.run({"LRANGE", "l", "0", "-1"}) == arr({"a", "b"}));
  CHECK(ts.run({"SELECT", "2"}) == kOk);
  CHECK(ts.run({"TTL", "k5"}) == ":100\r\n");
  CHECK(ts.run({"GET", "k5"}) == bulk("v"));
}

TEST_CASE("SWAPDB / DBSIZE / FLUSHDB / FLUSHALL") {
  TestServer ts;
  CHECK(ts.run({"MSET", "a", "1", "b", "2"}) == kOk);
  CHECK(ts.run({"DBSIZE"}) == ":2\r\n");
  CHECK(ts.run({"SWAPDB", "0", "1"}) == kOk);
  CHECK(ts.run({"DBSIZE"}) == ":0\r\n");
  CHECK(keyExists("a", 1));
  CHECK(ts.run({"SWAPDB", "0", "16"}) == kDbRange);
  CHECK(ts.run({"SWAPDB", "0", "-1"}) == kDbRange);
  CHECK(ts.run({"SWAPDB", "a", "1"}) == "-ERR invalid first DB index\r\n");
  CHECK(ts.run({"SWAPDB", "0", "b"}) == "-ERR invalid second DB index\r\n");
  CHECK(ts.run({"SWAPDB", "99999999999", "b"}) == "-ERR invalid first DB index\r\n");
  CHECK(ts.run({"SWAPDB", "1", "1"}) == kOk);
  CHECK(ts.run({"SWAPDB", "1", "0"}) == kOk);
  CHECK(ts.run({"DBSIZE"}) == ":2\r\n");
  CHECK(ts.run({"FLUSHDB", "foo"}) == kSyntax);
  CHECK(ts.run({"FLUSHDB", "sync", "x"}) == kSyntax);
  CHECK(ts.run({"FLUSHALL", "foo"}) == kSyntax);
  CHECK(ts.run({"SELECT", "3"}) == kOk);
  CHECK(ts.run({"SET", "c", "1"}) == kOk);
  CHECK(ts.run({"FLUSHDB", "async"}) == kOk);
  CHECK(ts.run({"DBSIZE"}) == ":0\r\n");
  CHECK(keyExists("a"));
  CHECK(ts.run({"FLUSHALL", "SYNC"}) == kOk);
  CHECK_FALSE(keyExists("a"));
}

TEST_CASE("SWAPDB touches WATCHed keys on both sides") {
  TestServer ts;
  CHECK(ts.run({"SET", "a", "1"}) == kOk);
  CHECK(ts.runAs(1, {"SELECT", "1"}) == kOk);
  CHECK(ts.runAs(1, {"WATCH", "a"}) == kOk);
  CHECK(ts.run({"SWAPDB", "0", "1"}) == kOk);
  CHECK(ts.runAs(1, {"MULTI"}) == kOk);
  CHECK(ts.runAs(1, {"GET", "a"}) == "+QUEUED\r\n");
  CHECK(ts.runAs(1, {"EXEC"}) == "*-1\r\n");
}

TEST_CASE("KEYS / RANDOMKEY") {
  TestServer ts;
  CHECK(ts.run({"KEYS", "*"}) == "*0\r\n");
  CHECK(ts.run({"RANDOMKEY"}) == kNull);
  CHECK(ts.run({"MSET", "one", "1", "two", "2", "three", "3"}) == kOk);
  std::string all = ts.run({"KEYS", "*"});
  CHECK(all.substr(0, 4) == "*3\r\n");
  for (const char* k : {"one", "two", "three"}) CHECK(all.find(bulk(k)) != std::string::npos);
  CHECK(ts.run({"KEYS", "o*"}) == arr({"one"}));
  CHECK(ts.run({"KEYS", "t[wx]o"}) == arr({"two"}));
  CHECK(ts.run({"KEYS", "["}) == "*0\r\n");
  setExpire(server.dbs[0], "one", server.mstime_cached - 1);
  CHECK(ts.run({"KEYS", "o*"}) == "*0\r\n");
  CHECK(keyExists("one"));  // KEYS skips expired keys without deleting them
  CHECK(ts.run({"DEL", "two", "three"}) == ":2\r\n");
  // Only "one" (expired) would remain: RANDOMKEY deletes it and answers null.
  CHECK(ts.run({"RANDOMKEY"}) == kNull);
  CHECK_FALSE(keyExists("one"));
  CHECK(ts.run({"SET", "only", "1"}) == kOk);
  CHECK(ts.run({"RANDOMKEY"}) == bulk("only"));
}

TEST_CASE("SCAN") {
  TestServer ts;
  CHECK(ts.run({"SCAN", "0"}) == "*2\r\n$1\r\n0\r\n*0\r\n");
  CHECK(ts.run({"SCAN", "abc"}) == "-ERR invalid cursor\r\n");
  CHECK(ts.run({"SCAN", " 1"}) == "-ERR invalid cursor\r\n");
  CHECK(ts.run({"SCAN", "1x"}) == "-ERR invalid cursor\r\n");
  CHECK(ts.run({"SCAN", "18446744073709551616"}) == "-ERR invalid cursor\r\n");
  CHECK(ts.run({"SCAN", "18446744073709551615"}) == "*2\r\n$1\r\n0\r\n*0\r\n");
  CHECK(ts.run({"SCAN", "-1"}) == "*2\r\n$1\r\n0\r\n*0\r\n");
  CHECK(ts.run({"SCAN", "+0"}) == "*2\r\n$1\r\n0\r\n*0\r\n");
  CHECK(ts.run({"SCAN", ""}) == "*2\r\n$1\r\n0\r\n*0\r\n");
  CHECK(ts.run({"SCAN", "0", "count", "0"}) == kSyntax);
  CHECK(ts.run({"SCAN", "0", "count", "-1"}) == kSyntax);
  CHECK(ts.run({"SCAN", "0", "count", "abc"}) == kNotInt);
  CHECK(ts.run({"SCAN", "0", "count"}) == kSyntax);
  CHECK(ts.run({"SCAN", "0", "match"}) == kSyntax);
  CHECK(ts.run({"SCAN", "0", "type"}) == kSyntax);
  CHECK(ts.run({"SCAN", "0", "foo", "bar"}) == kSyntax);
  CHECK(ts.run({"SCAN", "0", "type", "foo"}) == "*2\r\n$1\r\n0\r\n*0\r\n");

  CHECK(ts.run({"SET", "onlykey", "1"}) == kOk);
  CHECK(ts.run({"SCAN", "0"}) == "*2\r\n$1\r\n0\r\n" + arr({"onlykey"}));
  CHECK(ts.run({"SCAN", "0", "type", "STRING"}) == "*2\r\n$1\r\n0\r\n" + arr({"onlykey"}));
  CHECK(ts.run({"SCAN", "0", "type", "list"}) == "*2\r\n$1\r\n0\r\n*0\r\n");
  CHECK(ts.run({"SCAN", "0", "match", "only*"}) == "*2\r\n$1\r\n0\r\n" + arr({"onlykey"}));
  CHECK(ts.run({"SCAN", "0", "match", "x*"}) == "*2\r\n$1\r\n0\r\n*0\r\n");

  // A full iteration returns every key exactly once, whatever COUNT.
  std::set<std::string> want = {"onlykey"};
  for (int i = 0; i < 500; i++) {
    std::string k = "key:" + std::to_string(i);
    ts.run({"SET", k, "v"});
    want.insert(k);
  }
  ts.run({"RPUSH", "alist", "x"});
  for (const char* count : {"1", "10", "1000"}) {
    std::multiset<std::string> seen;
    std::string cursor = "0";
    do {
      auto [next, keys] = parseScan(ts.run({"SCAN", cursor, "COUNT", count, "TYPE", "string"}));
      seen.insert(keys.begin(), keys.end());
      cursor = next;
    } while (cursor != "0");
    CHECK(std::set<std::string>(seen.begin(), seen.end()) == want);
    CHECK(seen.size() == want.size());
  }
}

TEST_CASE("OBJECT") {
  TestServer ts;
  CHECK(ts.run({"OBJECT", "ENCODING", "nokey"}) == kNull);
  CHECK(ts.run({"OBJECT", "REFCOUNT", "nokey"}) == kNull);
  CHECK(ts.run({"OBJECT", "IDLETIME", "nokey"}) == kNull);
  CHECK(ts.run({"OBJECT", "FREQ", "nokey"}) == kNull);
  CHECK(ts.run({"SET", "e", "0"}) == kOk);
  CHECK(ts.run({"OBJECT", "REFCOUNT", "e"}) == ":2147483647\r\n");  // shared integer
  CHECK(ts.run({"SET", "e", "9999"}) == kOk);
  CHECK(ts.run({"OBJECT", "REFCOUNT", "e"}) == ":2147483647\r\n");
  CHECK(ts.run({"SET", "e", "10000"}) == kOk);
  CHECK(ts.run({"OBJECT", "REFCOUNT", "e"}) == ":1\r\n");
  CHECK(ts.run({"SET", "e", "-1"}) == kOk);
  CHECK(ts.run({"OBJECT", "REFCOUNT", "e"}) == ":1\r\n");
  CHECK(ts.run({"SET", "e", "abc"}) == kOk);
  CHECK(ts.run({"OBJECT", "REFCOUNT", "e"}) == ":1\r\n");
  CHECK(ts.run({"OBJECT", "IDLETIME", "e"}) == ":0\r\n");
  CHECK(ts.run({"OBJECT", "FREQ", "e"}) ==
        "-ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please "
        "note that when switching between policies at runtime LRU and LFU data will take some "
        "time to adjust.\r\n");
  cfg().maxmemory_policy = MAXMEMORY_ALLKEYS_LFU;
  CHECK(ts.run({"OBJECT", "IDLETIME", "e"}) ==
        "-ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that "
        "when switching between policies at runtime LRU and LFU data will take some time to "
        "adjust.\r\n");
  cfg().maxmemory_policy = MAXMEMORY_NO_EVICTION;
  CHECK(ts.run({"RPUSH", "l", "a"}) == ":1\r\n");
  CHECK(ts.run({"OBJECT", "ENCODING", "l"}) == bulk("quicklist"));
  CHECK(ts.run({"OBJECT", "REFCOUNT", "l"}) == ":1\r\n");
  CHECK(ts.run({"OBJECT", "foo"}) == "-ERR unknown subcommand 'foo'. Try OBJECT HELP.\r\n");
  CHECK(ts.run({"OBJECT", "encoding"}) ==
        "-ERR wrong number of arguments for 'object|encoding' command\r\n");
  CHECK(ts.run({"OBJECT", "help", "x"}) ==
        "-ERR wrong number of arguments for 'object|help' command\r\n");
  std::string help = ts.run({"OBJECT", "HELP"});
  CHECK(help.substr(0, 80) ==
        "*15\r\n+OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+ENCODING");
}

TEST_CASE("key writes count dirty as Redis does") {
  TestServer ts;
  // Without save points: FLUSHALL would otherwise save the (empty) dataset, which resets
  // the counter to 0, as Redis does.
  ts.run({"CONFIG", "SET", "save", ""});
  struct Step {
    Argv argv;
    long long dirty;
  };
  const Step steps[] = {
      {{"MSET", "x", "1", "y", "2", "z", "3"}, 3},
      {{"DEL", "x", "y", "nokey"}, 2},
      {{"UNLINK", "x", "y"}, 0},
      {{"EXPIRE", "z", "100"}, 1},
      {{"EXPIRE", "z", "100", "nx"}, 0},
      {{"PEXPIRE", "z", "100000", "xx"}, 1},
      {{"EXPIREAT", "z", "4000000000", "gt"}, 1},
      {{"PERSIST", "z"}, 1},
      {{"PERSIST", "z"}, 0},
      {{"EXPIRE", "z", "0"}, 1},
      {{"SET", "z", "1"}, 1},
      {{"RENAME", "z", "z"}, 0},
      {{"RENAME", "z", "z2"}, 1},
      {{"RENAMENX", "z2", "z2"}, 0},
      {{"MOVE", "z2", "2"}, 1},
      {{"MOVE", "z2", "2"}, 0},
      {{"COPY", "nokey", "x"}, 0},
      {{"SET", "z", "1"}, 1},
      {{"COPY", "z", "z3"}, 1},
      {{"COPY", "z", "z3"}, 0},
      {{"COPY", "z", "z3", "replace"}, 1},
      {{"SWAPDB", "0", "1"}, 1},
      {{"SWAPDB", "1", "1"}, 1},
      {{"SWAPDB", "0", "1"}, 1},
      {{"TOUCH", "z"}, 0},
      {{"FLUSHDB"}, 2},
      {{"FLUSHDB"}, 0},
      {{"FLUSHALL"}, 1},  // z2 in db 2
      {{"FLUSHALL"}, 0},
  };
  for (const auto& s : steps) {
    long long before = server.dirty;
    ts.run(s.argv);
    CHECK_MESSAGE(server.dirty - before == s.dirty, s.argv[0]);
  }
}

TEST_CASE("key commands propagate as Redis 7.0 does") {
  TestServer ts;
  PropagationRecorder rec;
  auto last = [&]() { return rec.ops.empty() ? Argv{} : rec.ops.back().second; };
  auto at = [](long long ms) { return ll2string(server.mstime_cached + ms); };

  ts.run({"set", "c", "1"});
  ts.run({"expire", "c", "100"});
  CHECK(last() == Argv{"PEXPIREAT", "c", at(100000)});
  ts.run({"pexpire", "c", "100000", "xx"});
  CHECK(last() == Argv{"PEXPIREAT", "c", at(100000), "xx"});
  ts.run({"expireat", "c", "2000000001"});
  CHECK(last() == Argv{"PEXPIREAT", "c", "2000000001000"});
  ts.run({"PExpireAt", "c", "9999999999999"});
  CHECK(last() == Argv{"PExpireAt", "c", "9999999999999"});  // as typed
  size_t n = rec.ops.size();
  ts.run({"pexpireat", "c", "9999999999999", "gt"});  // not greater: nothing
  ts.run({"rename", "c", "c"});
  ts.run({"persist", "nokey"});
  CHECK(rec.ops.size() == n);
  ts.run({"persist", "c"});
  CHECK(last() == Argv{"persist", "c"});
  ts.run({"expire", "c", "-1"});
  CHECK(last() == Argv{"DEL", "c"});
  cfg().lazyfree_lazy_expire = true;
  ts.run({"set", "c", "1"});
  ts.run({"pexpireat", "c", "1"});
  CHECK(last() == Argv{"UNLINK", "c"});
  cfg().lazyfree_lazy_expire = false;
  ts.run({"set", "w", "1"});
  ts.run({"rename", "w", "w2"});
  CHECK(last() == Argv{"rename", "w", "w2"});
  ts.run({"copy", "w2", "w3", "db", "2"});
  CHECK(last() == Argv{"copy", "w2", "w3", "db", "2"});
  ts.run({"move", "w2", "3"});
  CHECK(last() == Argv{"move", "w2", "3"});
  ts.run({"swapdb", "1", "1"});
  CHECK(last() == Argv{"swapdb", "1", "1"});
  // FLUSHDB / FLUSHALL replicate even when there is nothing to flush, exactly once.
  ts.run({"flushall"});
  CHECK(last() == Argv{"flushall"});
  n = rec.ops.size();
  ts.run({"flushdb"});
  ts.run({"flushall", "async"});
  CHECK(rec.ops.size() == n + 2);
  CHECK(last() == Argv{"flushall", "async"});
  ts.run({"set", "a", "1"});
  n = rec.ops.size();
  ts.run({"flushdb"});
  CHECK(rec.ops.size() == n + 1);
  // An expired key found by DEL is propagated as its own DEL, before the command's.
  ts.run({"set", "x", "1"});
  ts.run({"set", "y", "1"});
  setExpire(server.dbs[0], "x", server.mstime_cached - 1);
  n = rec.ops.size();
  ts.run({"del", "x", "y"});
  // Two effects of one command: wrapped in MULTI / EXEC (as in the reference's AOF).
  REQUIRE(rec.ops.size() == n + 4);
  CHECK(rec.ops[n].second == Argv{"MULTI"});
  CHECK(rec.ops[n + 1].second == Argv{"DEL", "x"});
  CHECK(rec.ops[n + 2].second == Argv{"del", "x", "y"});
  CHECK(rec.ops[n + 3].second == Argv{"EXEC"});
}

TEST_CASE("key keyspace events, in Redis's order") {
  TestServer ts;
  cfg().notify_keyspace_events = NOTIFY_KEYEVENT | NOTIFY_ALL;
  ts.runAs(1, {"PSUBSCRIBE", "__keyevent@*__:*"});
  // "<db>:<event>" for each pmessage the subscriber received, in order.
  auto events = [&](Argv argv) {
    ts.run(std::move(argv));
    std::string out = ts.client(1).out.str();
    ts.client(1).out.clear();
    std::vector<std::string> lines, names;
    for (size_t p = 0; p < out.size();) {
      size_t e = out.find("\r\n", p);
      lines.push_back(out.substr(p, e - p));
      p = e + 2;
    }
    const std::string prefix = "__keyevent@";
    for (size_t i = 0; i + 6 < lines.size(); i++) {
      if (lines[i] != "pmessage") continue;
      const std::string& channel = lines[i + 4];  // __keyevent@<db>__:<event>
      size_t db_end = channel.find("__:");
      names.push_back(channel.substr(prefix.size(), db_end - prefix.size()) + ":" +
                      channel.substr(db_end + 3));
    }
    return names;
  };
  using V = std::vector<std::string>;
  CHECK(events({"MSET", "a", "1", "b", "2"}) == V{"0:set", "0:set"});
  CHECK(events({"DEL", "a", "b", "nokey"}) == V{"0:del", "0:del"});
  CHECK(events({"SET", "k", "v"}) == V{"0:set"});
  CHECK(events({"EXPIRE", "k", "100"}) == V{"0:expire"});
  CHECK(events({"PEXPIREAT", "k", "4000000000000"}) == V{"0:expire"});
  CHECK(events({"EXPIRE", "k", "100", "nx"}) == V{});
  CHECK(events({"PERSIST", "k"}) == V{"0:persist"});
  CHECK(events({"PERSIST", "k"}) == V{});
  CHECK(events({"EXPIRE", "k", "0"}) == V{"0:del"});
  CHECK(events({"SET", "k", "v"}) == V{"0:set"});
  CHECK(events({"RENAME", "k", "k2"}) == V{"0:rename_from", "0:rename_to"});
  CHECK(events({"RENAMENX", "k2", "k3"}) == V{"0:rename_from", "0:rename_to"});
  CHECK(events({"RENAME", "k3", "k3"}) == V{});
  CHECK(events({"MOVE", "k3", "1"}) == V{"0:move_from", "1:move_to"});
  CHECK(events({"SET", "k", "v"}) == V{"0:set"});
  CHECK(events({"COPY", "k", "k9"}) == V{"0:copy_to"});
  CHECK(events({"COPY", "k", "k9", "db", "2"}) == V{"2:copy_to"});
  CHECK(events({"SWAPDB", "0", "2"}) == V{});
  CHECK(events({"FLUSHDB"}) == V{});
  CHECK(events({"FLUSHALL"}) == V{});
  CHECK(events({"EXISTS", "nokey"}) == V{});
  CHECK(events({"UNLINK", "nokey"}) == V{});
  cfg().notify_keyspace_events = NOTIFY_KEYEVENT | NOTIFY_KEY_MISS;
  CHECK(events({"EXISTS", "nokey"}) == V{"0:keymiss"});
  CHECK(events({"TTL", "nokey"}) == V{"0:keymiss"});
  CHECK(events({"OBJECT", "ENCODING", "nokey"}) == V{});  // OBJECT does not notify
  cfg().notify_keyspace_events = 0;
}

TEST_CASE("key COMMAND INFO rows") {
  TestServer ts;
  // Everything before the key specifications.
  const std::string keys =
      "*1\r\n*10\r\n$4\r\nkeys\r\n:2\r\n*1\r\n+readonly\r\n:0\r\n:0\r\n:0\r\n"
      "*4\r\n+@keyspace\r\n+@read\r\n+@slow\r\n+@dangerous\r\n"
      "*2\r\n$25\r\nrequest_policy:all_shards\r\n$29\r\nnondeterministic_output_order\r\n";
  CHECK(ts.run({"COMMAND", "INFO", "keys"}).substr(0, keys.size()) == keys);
  const std::string help =
      "*1\r\n*10\r\n$11\r\nobject|help\r\n:2\r\n*2\r\n+loading\r\n+stale\r\n:0\r\n:0\r\n:0\r\n"
      "*2\r\n+@keyspace\r\n+@slow\r\n*0\r\n";
  CHECK(ts.run({"COMMAND", "INFO", "object|help"}).substr(0, help.size()) == help);
}

TEST_CASE("OBJECT FREQ follows Redis's LFU counter") {
  TestServer ts;
  cfg().maxmemory_policy = MAXMEMORY_ALLKEYS_LFU;
  CHECK(ts.run({"SET", "f", "v"}) == kOk);
  CHECK(ts.run({"OBJECT", "FREQ", "f"}) == ":5\r\n");  // LFU_INIT_VAL, not touched by FREQ
  // With lfu-log-factor 0 every access counts, up to 255.
  cfg().lfu_log_factor = 0;
  for (int i = 0; i < 10; i++) ts.run({"GET", "f"});
  CHECK(ts.run({"OBJECT", "FREQ", "f"}) == ":15\r\n");
  ts.run({"APPEND", "f", "x"});  // writes are accesses too
  CHECK(ts.run({"OBJECT", "FREQ", "f"}) == ":16\r\n");
  // SET looks the key up (one more access), and the new value keeps the frequency.
  CHECK(ts.run({"SET", "f", "w"}) == kOk);
  CHECK(ts.run({"OBJECT", "FREQ", "f"}) == ":17\r\n");
  for (int i = 0; i < 300; i++) ts.run({"GET", "f"});
  CHECK(ts.run({"OBJECT", "FREQ", "f"}) == ":255\r\n");
  // The counter decays by one per lfu-decay-time minutes without access.
  Object* o = lookupKeyPeek(*ts.client().db, "f");
  REQUIRE(o);
  uint32_t minutes = (o->lru >> 8) & 65535;
  o->lru = (((minutes + 65536 - 10) & 65535) << 8) | 20;  // counter 20, 10 minutes ago
  CHECK(ts.run({"OBJECT", "FREQ", "f"}) == ":10\r\n");
  cfg().lfu_decay_time = 0;  // no decay
  CHECK(ts.run({"OBJECT", "FREQ", "f"}) == ":20\r\n");
  cfg().lfu_decay_time = 1;
  cfg().lfu_log_factor = 10;
  cfg().maxmemory_policy = MAXMEMORY_NO_EVICTION;
}

TEST_CASE("HSCAN / SSCAN / ZSCAN share SCAN's option parser") {
  TestServer ts;
  ts.run({"HSET", "h", "a", "1"});
  ts.run({"SADD", "s", "a"});
  ts.run({"ZADD", "z", "1", "a"});
  for (const char* cmd : {"HSCAN", "SSCAN", "ZSCAN"}) {
    std::string key = std::string(1, static_cast<char>(tolower(cmd[0])));
    CAPTURE(cmd);
    CHECK(ts.run({cmd, key, "abc"}) == "-ERR invalid cursor\r\n");
    CHECK(ts.run({cmd, key, "0", "count", "0"}) == kSyntax);
    CHECK(ts.run({cmd, key, "0", "count", "x"}) == kNotInt);
    CHECK(ts.run({cmd, key, "0", "match"}) == kSyntax);
    CHECK(ts.run({cmd, key, "0", "type", "string"}) == kSyntax);  // TYPE is SCAN's alone
    CHECK(ts.run({cmd, key, "0", "match", "b*"}) == "*2\r\n$1\r\n0\r\n*0\r\n");
    // Options are only parsed when the key exists, as Redis does.
    CHECK(ts.run({cmd, "nokey", "0", "foo"}) == "*2\r\n$1\r\n0\r\n*0\r\n");
  }
}

TEST_CASE("HSCAN COUNT counts fields of a hashtable, not field+value items") {
  TestServer ts;
  ts.run({"CONFIG", "SET", "hash-max-listpack-entries", "0"});
  for (int i = 0; i < 1000; i++) ts.run({"HSET", "h", "f" + std::to_string(i), "v"});
  std::string reply = ts.run({"HSCAN", "h", "0", "COUNT", "20"});
  // Each field comes with its value: about 2 x COUNT bulk strings (buckets may hold more).
  size_t items = static_cast<size_t>(std::count(reply.begin(), reply.end(), '$')) - 1;
  CHECK(items >= 40);
  CHECK(items % 2 == 0);
  ts.run({"CONFIG", "SET", "hash-max-listpack-entries", "128"});
}
