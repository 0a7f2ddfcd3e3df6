// tests/unit/test_string.cpp — the string commands (server/t_string.cpp), byte for byte.
// Every expected reply, error text, encoding, keyspace event, dirty count and propagated
// command was taken from a real Redis 7.0.15 running the same commands (propagation read
// from the AOF it wrote with appendonly yes).
#include <doctest/doctest.h>

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
const std::string kWrongType = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
const std::string kNotInt = "-ERR value is not an integer or out of range\r\n";
const std::string kNotFloat = "-ERR value is not a valid float\r\n";
const std::string kSyntax = "-ERR syntax error\r\n";
const std::string kOverflow = "-ERR increment or decrement would overflow\r\n";
const std::string kTooBig = "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n";

std::string bulk(const std::string& s) { return "$" + std::to_string(s.size()) + "\r\n" + s + "\r\n"; }
std::string invalidExpire(const std::string& cmd) {
  return "-ERR invalid expire time in '" + cmd + "' command\r\n";
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

using Argv = std::vector<std::string>;

}  // namespace

TEST_CASE("GET / SET basics and arity") {
  TestServer ts;
  CHECK(ts.run({"GET", "k"}) == kNull);
  CHECK(ts.run({"SET", "k", "v"}) == kOk);
  CHECK(ts.run({"GET", "k"}) == bulk("v"));
  CHECK(ts.run({"SET", "k", ""}) == kOk);
  CHECK(ts.run({"GET", "k"}) == "$0\r\n\r\n");
  CHECK(ts.run({"SET"}) == "-ERR wrong number of arguments for 'set' command\r\n");
  CHECK(ts.run({"SET", "k"}) == "-ERR wrong number of arguments for 'set' command\r\n");
  CHECK(ts.run({"GET"}) == "-ERR wrong number of arguments for 'get' command\r\n");
  CHECK(ts.run({"GET", "a", "b"}) == "-ERR wrong number of arguments for 'get' command\r\n");
}

TEST_CASE("SET options: conflicts, repeats and syntax errors") {
  TestServer ts;
  CHECK(ts.run({"SET", "k", "v", "ex", "10", "ex", "20"}) == kOk);  // the last one wins
  CHECK(ts.run({"TTL", "k"}) == ":20\r\n");
  CHECK(ts.run({"SET", "k", "v", "ex", "10", "px", "20"}) == kSyntax);
  CHECK(ts.run({"SET", "k", "v", "nx", "xx"}) == kSyntax);
  CHECK(ts.run({"SET", "k", "v", "xx", "nx"}) == kSyntax);
  CHECK(ts.run({"SET", "k", "v", "keepttl", "ex", "10"}) == kSyntax);
  CHECK(ts.run({"SET", "k", "v", "ex", "10", "keepttl"}) == kSyntax);
  CHECK(ts.run({"SET", "k", "v", "persist"}) == kSyntax);
  CHECK(ts.run({"SET", "k", "v", "ex"}) == kSyntax);
  CHECK(ts.run({"SET", "k", "v", "foo"}) == kSyntax);
  CHECK(ts.run({"SET", "k", "v", "nx", "nx"}) == kNull);  // repeated NX is fine; k exists
  CHECK(ts.run({"SET", "k", "v2", "get", "get"}) == bulk("v"));
  CHECK(ts.run({"SET", "k", "v", "ex", "abc"}) == kNotInt);
}

TEST_CASE("SET expiry values") {
  TestServer ts;
  const std::string bad = invalidExpire("set");
  CHECK(ts.run({"SET", "k", "v", "ex", "0"}) == bad);
  CHECK(ts.run({"SET", "k", "v", "ex", "-1"}) == bad);
  CHECK(ts.run({"SET", "k", "v", "px", "0"}) == bad);
  CHECK(ts.run({"SET", "k", "v", "ex", "9223372036854775"}) == bad);  // overflows with now
  CHECK(ts.run({"SET", "k", "v", "ex", "9223372036854776"}) == bad);  // overflows * 1000
  CHECK(ts.run({"SET", "k", "v", "px", "9223372036854775807"}) == bad);
  CHECK(ts.run({"SET", "k", "v", "px", "9223372036854775000"}) == bad);
  CHECK(ts.run({"SET", "k", "v", "exat", "0"}) == bad);
  CHECK(ts.run({"SET", "k", "v", "exat", "9223372036854775"}) == kOk);
  CHECK(ts.run({"SET", "k", "v", "pxat", "9223372036854775807"}) == kOk);
  CHECK(ts.run({"PEXPIRETIME", "k"}) == ":9223372036854775807\r\n");
  CHECK(ts.run({"SET", "k", "v", "exat", "4000000000"}) == kOk);
  CHECK(ts.run({"PEXPIRETIME", "k"}) == ":4000000000000\r\n");
  CHECK(ts.run({"SET", "k", "v", "keepttl"}) == kOk);
  CHECK(ts.run({"PEXPIRETIME", "k"}) == ":4000000000000\r\n");
  CHECK(ts.run({"SET", "k", "v"}) == kOk);
  CHECK(ts.run({"PEXPIRETIME", "k"}) == ":-1\r\n");
  // An absolute time in the past is accepted; the key is then logically gone.
  CHECK(ts.run({"SET", "k", "v", "exat", "1"}) == kOk);
  CHECK(ts.run({"GET", "k"}) == kNull);
  CHECK(ts.run({"EXISTS", "k"}) == ":0\r\n");
}

TEST_CASE("SET NX / XX / GET") {
  TestServer ts;
  CHECK(ts.run({"SET", "k", "v", "xx"}) == kNull);
  CHECK_FALSE(keyExists("k"));
  CHECK(ts.run({"SET", "k", "v", "nx"}) == kOk);
  CHECK(ts.run({"SET", "k", "v2", "nx"}) == kNull);
  CHECK(ts.run({"SET", "k", "v2", "xx"}) == kOk);
  CHECK(ts.run({"SET", "k", "v3", "get"}) == bulk("v2"));
  CHECK(ts.run({"SET", "k2", "v", "nx", "get"}) == kNull);  // set, and there was nothing
  CHECK(ts.run({"GET", "k2"}) == bulk("v"));
  CHECK(ts.run({"SET", "k2", "x", "nx", "get"}) == bulk("v"));  // not set
  CHECK(ts.run({"GET", "k2"}) == bulk("v"));
  CHECK(ts.run({"SET", "k3", "v", "xx", "get"}) == kNull);
  CHECK_FALSE(keyExists("k3"));
  CHECK(ts.run({"SET", "k", "1", "ex", "10", "get"}) == bulk("v3"));
  CHECK(ts.run({"TTL", "k"}) == ":10\r\n");
}

TEST_CASE("SETNX / SETEX / PSETEX / GETSET / GETDEL") {
  TestServer ts;
  CHECK(ts.run({"SETNX", "k", "1"}) == ":1\r\n");
  CHECK(ts.run({"SETNX", "k", "2"}) == ":0\r\n");
  CHECK(ts.run({"GET", "k"}) == bulk("1"));
  CHECK(ts.run({"SETEX", "k", "0", "v"}) == invalidExpire("setex"));
  CHECK(ts.run({"SETEX", "k", "-1", "v"}) == invalidExpire("setex"));
  CHECK(ts.run({"SETEX", "k", "abc", "v"}) == kNotInt);
  CHECK(ts.run({"PSETEX", "k", "0", "v"}) == invalidExpire("psetex"));
  CHECK(ts.run({"SETEX", "k", "100", "v"}) == kOk);
  CHECK(ts.run({"TTL", "k"}) == ":100\r\n");
  CHECK(ts.run({"PSETEX", "k", "100500", "v"}) == kOk);
  long long set_at = server.mstime_cached;  // the time the command ran with
  CHECK(ts.run({"PEXPIRETIME", "k"}) == ":" + ll2string(set_at + 100500) + "\r\n");
  CHECK(ts.run({"GETSET", "k", "w"}) == bulk("v"));
  CHECK(ts.run({"TTL", "k"}) == ":-1\r\n");  // GETSET drops the expiry
  CHECK(ts.run({"GETSET", "new", "1"}) == kNull);
  CHECK(ts.run({"GETDEL", "k"}) == bulk("w"));
  CHECK(ts.run({"GETDEL", "k"}) == kNull);
  CHECK_FALSE(keyExists("k"));
}

TEST_CASE("GETEX") {
  TestServer ts;
  CHECK(ts.run({"GETEX", "nokey", "ex", "0"}) == kNull);  // no key: options not checked
  CHECK(ts.run({"SET", "k", "v"}) == kOk);
  CHECK(ts.run({"GETEX", "k", "ex", "0"}) == invalidExpire("getex"));
  CHECK(ts.run({"GETEX", "k", "ex", "-5"}) == invalidExpire("getex"));
  CHECK(ts.run({"GETEX", "k", "ex", "abc"}) == kNotInt);
  CHECK(ts.run({"GETEX", "k", "px", "9223372036854775000"}) == invalidExpire("getex"));
  CHECK(ts.run({"GETEX", "k", "pxat", "0"}) == invalidExpire("getex"));
  CHECK(ts.run({"GETEX", "k", "exat", "-1"}) == invalidExpire("getex"));
  CHECK(ts.run({"GETEX", "k", "persist", "ex", "10"}) == kSyntax);
  CHECK(ts.run({"GETEX", "k", "foo"}) == kSyntax);
  CHECK(ts.run({"GETEX", "k", "ex"}) == kSyntax);
  CHECK(ts.run({"GETEX", "k", "nx"}) == kSyntax);
  CHECK(ts.run({"GETEX", "k", "get"}) == kSyntax);
  CHECK(ts.run({"GETEX", "k", "keepttl"}) == kSyntax);
  CHECK(ts.run({"GETEX", "k", "ex", "10", "ex", "20"}) == bulk("v"));
  CHECK(ts.run({"TTL", "k"}) == ":20\r\n");
  CHECK(ts.run({"GETEX", "k"}) == bulk("v"));
  CHECK(ts.run({"TTL", "k"}) == ":20\r\n");
  CHECK(ts.run({"GETEX", "k", "persist", "persist"}) == bulk("v"));
  CHECK(ts.run({"TTL", "k"}) == ":-1\r\n");
  CHECK(ts.run({"GETEX", "k", "pxat", "9999999999999"}) == bulk("v"));
  CHECK(ts.run({"PEXPIRETIME", "k"}) == ":9999999999999\r\n");
  CHECK(ts.run({"GETEX", "k", "exat", "1"}) == bulk("v"));  // in the past: deleted
  CHECK_FALSE(keyExists("k"));
}

TEST_CASE("MGET / MSET / MSETNX") {
  TestServer ts;
  CHECK(ts.run({"MSET", "x"}) == "-ERR wrong number of arguments for 'mset' command\r\n");
  CHECK(ts.run({"MSET", "x", "1", "y"}) == "-ERR wrong number of arguments for 'mset' command\r\n");
  CHECK(ts.run({"MSETNX", "x", "1", "y"}) ==
        "-ERR wrong number of arguments for 'msetnx' command\r\n");
  CHECK(ts.run({"MSET", "x", "1", "y", "2"}) == kOk);
  CHECK(ts.run({"MSETNX", "x", "1", "z", "2"}) == ":0\r\n");
  CHECK_FALSE(keyExists("z"));
  CHECK(ts.run({"MSETNX", "z", "1", "w", "2"}) == ":1\r\n");
  CHECK(ts.run({"MSET", "x", "1", "x", "2"}) == kOk);
  CHECK(ts.run({"MSETNX", "q", "1", "q", "2"}) == ":1\r\n");
  CHECK(ts.run({"RPUSH", "l", "a"}) == ":1\r\n");
  CHECK(ts.run({"MGET", "x", "nokey", "q", "l"}) ==
        "*4\r\n" + bulk("2") + kNull + bulk("2") + kNull);
}

TEST_CASE("INCR / DECR / INCRBY / DECRBY") {
  TestServer ts;
  CHECK(ts.run({"INCR", "n"}) == ":1\r\n");
  CHECK(ts.run({"INCRBY", "n", "10000"}) == ":10001\r\n");
  CHECK(ts.run({"DECRBY", "n", "9223372036854775808"}) == kNotInt);
  CHECK(ts.run({"DECRBY", "n", "-9223372036854775808"}) == "-ERR decrement would overflow\r\n");
  CHECK(ts.run({"INCRBY", "n", "9223372036854775807"}) == kOverflow);
  CHECK(ts.run({"INCRBY", "n", "1.5"}) == kNotInt);
  CHECK(ts.run({"SET", "m", "9223372036854775807"}) == kOk);
  CHECK(ts.run({"INCR", "m"}) == kOverflow);
  CHECK(ts.run({"SET", "m", "-9223372036854775808"}) == kOk);
  CHECK(ts.run({"DECR", "m"}) == kOverflow);
  for (const char* bad : {"abc", " 1", "01", "+1", "1.5", ""}) {
    CHECK(ts.run({"SET", "s", bad}) == kOk);
    CHECK(ts.run({"INCR", "s"}) == kNotInt);
  }
  CHECK(ts.run({"DECR", "nd"}) == ":-1\r\n");
  CHECK(ts.run({"DECRBY", "nd2", "5"}) == ":-5\r\n");
  CHECK(ts.run({"INCRBY", "ni", "-5"}) == ":-5\r\n");
  CHECK(ts.run({"SET", "t", "7"}) == kOk);
  CHECK(ts.run({"EXPIRE", "t", "100"}) == ":1\r\n");
  CHECK(ts.run({"INCR", "t"}) == ":8\r\n");
  CHECK(ts.run({"TTL", "t"}) == ":100\r\n");  // counters keep the expiry
}

TEST_CASE("INCRBYFLOAT") {
  TestServer ts;
  CHECK(ts.run({"SET", "f", "1.5"}) == kOk);
  CHECK(ts.run({"INCR", "f"}) == kNotInt);
  CHECK(ts.run({"INCRBYFLOAT", "f", "1"}) == bulk("2.5"));
  CHECK(ts.run({"INCRBYFLOAT", "f", "1.5"}) == bulk("4"));
  CHECK(ts.run({"INCRBYFLOAT", "f", "abc"}) == kNotFloat);
  CHECK(ts.run({"INCRBYFLOAT", "f", "inf"}) == "-ERR increment would produce NaN or Infinity\r\n");
  CHECK(ts.run({"INCRBYFLOAT", "f", "nan"}) == kNotFloat);
  CHECK(ts.run({"INCRBYFLOAT", "f", " 1"}) == kNotFloat);
  CHECK(ts.run({"INCRBYFLOAT", "f", "1 "}) == kNotFloat);
  CHECK(ts.run({"SET", "f", "3.0e3"}) == kOk);
  CHECK(ts.run({"INCRBYFLOAT", "f", "0"}) == bulk("3000"));
  CHECK(ts.run({"INCRBYFLOAT", "g", "0.1"}) == bulk("0.1"));
  CHECK(ts.run({"INCRBYFLOAT", "g", "0.2"}) == bulk("0.3"));
  CHECK(ts.run({"INCRBYFLOAT", "g", "1e-20"}) == bulk("0.3"));
  CHECK(ts.run({"INCRBYFLOAT", "h", "10.5"}) == bulk("10.5"));
  CHECK(ts.run({"INCRBYFLOAT", "h", "-5.0e-1"}) == bulk("10"));
  CHECK(ts.run({"INCRBYFLOAT", "z", "-0.0"}) == bulk("0"));
  CHECK(ts.run({"SET", "s", " 1"}) == kOk);
  CHECK(ts.run({"INCRBYFLOAT", "s", "1"}) == kNotFloat);
}

TEST_CASE("string encodings follow Redis's rules") {
  TestServer ts;
  auto enc = [&](const std::string& key) { return ts.run({"OBJECT", "ENCODING", key}); };
  CHECK(ts.run({"SET", "k", "123"}) == kOk);
  CHECK(enc("k") == bulk("int"));
  CHECK(ts.run({"SET", "k", "1234567890123456789"}) == kOk);
  CHECK(enc("k") == bulk("int"));
  CHECK(ts.run({"SET", "k", "12345678901234567890"}) == kOk);  // beyond long long
  CHECK(enc("k") == bulk("embstr"));
  CHECK(ts.run({"SET", "k", "-0"}) == kOk);
  CHECK(enc("k") == bulk("embstr"));
  CHECK(ts.run({"SET", "k", std::string(44, 'a')}) == kOk);
  CHECK(enc("k") == bulk("embstr"));
  CHECK(ts.run({"SET", "k", std::string(45, 'a')}) == kOk);
  CHECK(enc("k") == bulk("raw"));
  CHECK(ts.run({"INCR", "n"}) == ":1\r\n");
  CHECK(enc("n") == bulk("int"));
  CHECK(ts.run({"INCRBYFLOAT", "f", "5.0e3"}) == bulk("5000"));
  CHECK(enc("f") == bulk("embstr"));  // never int, even when integral
  CHECK(ts.run({"SET", "a", "1"}) == kOk);
  CHECK(ts.run({"APPEND", "a", "2"}) == ":2\r\n");
  CHECK(enc("a") == bulk("raw"));
  CHECK(ts.run({"APPEND", "na", "1"}) == ":1\r\n");  // a new key is encoded as SET would
  CHECK(enc("na") == bulk("int"));
  CHECK(ts.run({"APPEND", "nb", "abc"}) == ":3\r\n");
  CHECK(enc("nb") == bulk("embstr"));
  CHECK(ts.run({"SET", "i", "12345"}) == kOk);
  CHECK(ts.run({"SETRANGE", "i", "0", "9"}) == ":5\r\n");
  CHECK(enc("i") == bulk("raw"));
  CHECK(ts.run({"SETRANGE", "new", "0", "x"}) == ":1\r\n");
  CHECK(enc("new") == bulk("raw"));
  CHECK(ts.run({"GETSET", "i", "7"}) == bulk("92345"));
  CHECK(enc("i") == bulk("int"));
}

TEST_CASE("APPEND / STRLEN") {
  TestServer ts;
  CHECK(ts.run({"APPEND", "k", "Hello"}) == ":5\r\n");
  CHECK(ts.run({"APPEND", "k", " World"}) == ":11\r\n");
  CHECK(ts.run({"GET", "k"}) == bulk("Hello World"));
  CHECK(ts.run({"APPEND", "e", ""}) == ":0\r\n");
  CHECK(keyExists("e"));  // created even when empty
  CHECK(ts.run({"STRLEN", "k"}) == ":11\r\n");
  CHECK(ts.run({"STRLEN", "nokey"}) == ":0\r\n");
  cfg().proto_max_bulk_len = 12;
  CHECK(ts.run({"APPEND", "k", "!!"}) == kTooBig);
  CHECK(ts.run({"APPEND", "k", "!"}) == ":12\r\n");
}

TEST_CASE("GETRANGE / SUBSTR") {
  TestServer ts;
  CHECK(ts.run({"SET", "s", "Hello World"}) == kOk);
  CHECK(ts.run({"GETRANGE", "s", "0", "4"}) == bulk("Hello"));
  CHECK(ts.run({"GETRANGE", "s", "-3", "-1"}) == bulk("rld"));
  CHECK(ts.run({"GETRANGE", "s", "0", "-1"}) == bulk("Hello World"));
  CHECK(ts.run({"GETRANGE", "s", "10", "100"}) == bulk("d"));
  CHECK(ts.run({"GETRANGE", "s", "5", "3"}) == bulk(""));
  CHECK(ts.run({"GETRANGE", "s", "-1", "-5"}) == bulk(""));
  CHECK(ts.run({"GETRANGE", "s", "-100", "-50"}) == bulk("H"));  // both clamp to 0
  CHECK(ts.run({"GETRANGE", "s", "-100", "2"}) == bulk("Hel"));
  CHECK(ts.run({"GETRANGE", "s", "11", "11"}) == bulk(""));
  CHECK(ts.run({"GETRANGE", "s", "-9223372036854775808", "9223372036854775807"}) ==
        bulk("Hello World"));
  CHECK(ts.run({"GETRANGE", "s", "a", "1"}) == kNotInt);
  CHECK(ts.run({"GETRANGE", "s", "1", "a"}) == kNotInt);
  CHECK(ts.run({"GETRANGE", "nokey", "0", "1"}) == bulk(""));
  CHECK(ts.run({"GETRANGE", "nokey", "a", "1"}) == kNotInt);
  CHECK(ts.run({"SET", "e", ""}) == kOk);
  CHECK(ts.run({"GETRANGE", "e", "0", "-1"}) == bulk(""));
  CHECK(ts.run({"GETRANGE", "e", "0", "0"}) == bulk(""));
  CHECK(ts.run({"SUBSTR", "s", "0", "2"}) == bulk("Hel"));
  CHECK(ts.run({"SET", "i", "12345"}) == kOk);
  CHECK(ts.run({"GETRANGE", "i", "1", "2"}) == bulk("23"));
  // Two negative indexes, start > end: empty, although both clamp to 0 (as Redis 7.0.15).
  CHECK(ts.run({"SET", "one", "a"}) == kOk);
  CHECK(ts.run({"GETRANGE", "one", "-1", "-3"}) == bulk(""));
  CHECK(ts.run({"GETRANGE", "one", "-3", "-1"}) == bulk("a"));
  CHECK(ts.run({"GETRANGE", "one", "-1", "-1"}) == bulk("a"));
}

TEST_CASE("SETRANGE") {
  TestServer ts;
  CHECK(ts.run({"SET", "s", "Hello World"}) == kOk);
  CHECK(ts.run({"SETRANGE", "s", "6", "Redis"}) == ":11\r\n");
  CHECK(ts.run({"GET", "s"}) == bulk("Hello Redis"));
  CHECK(ts.run({"SETRANGE", "s", "-1", "x"}) == "-ERR offset is out of range\r\n");
  CHECK(ts.run({"SETRANGE", "s", "a", "x"}) == kNotInt);
  CHECK(ts.run({"SETRANGE", "new", "5", "x"}) == ":6\r\n");
  CHECK(ts.run({"GET", "new"}) == bulk(std::string(5, '\0') + "x"));
  CHECK(ts.run({"SETRANGE", "new2", "5", ""}) == ":0\r\n");
  CHECK_FALSE(keyExists("new2"));
  CHECK(ts.run({"SETRANGE", "s", "0", ""}) == ":11\r\n");
  CHECK(ts.run({"SETRANGE", "s", "536870912", "x"}) == kTooBig);
  CHECK(ts.run({"SETRANGE", "s", "536870911", "xx"}) == kTooBig);
  CHECK(ts.run({"SETRANGE", "nn", "536870912", "x"}) == kTooBig);
  CHECK(ts.run({"SETRANGE", "s", "9223372036854775807", "x"}) == kTooBig);
  CHECK(ts.run({"SETRANGE", "s", "536870912", ""}) == ":11\r\n");  // nothing to write
  CHECK(ts.run({"SETRANGE", "s", "13", "abc"}) == ":16\r\n");
  CHECK(ts.run({"GET", "s"}) == bulk(std::string("Hello Redis") + '\0' + '\0' + "abc"));
}

TEST_CASE("LCS") {
  TestServer ts;
  CHECK(ts.run({"MSET", "key1", "ohmytext", "key2", "mynewtext"}) == kOk);
  CHECK(ts.run({"LCS", "key1", "key2"}) == bulk("mytext"));
  CHECK(ts.run({"LCS", "key1", "key2", "LEN"}) == ":6\r\n");
  CHECK(ts.run({"LCS", "key1", "key2", "IDX"}) ==
        "*4\r\n$7\r\nmatches\r\n*2\r\n"
        "*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n"
        "*2\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n"
        "$3\r\nlen\r\n:6\r\n");
  CHECK(ts.run({"LCS", "key1", "key2", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"}) ==
        "*4\r\n$7\r\nmatches\r\n*1\r\n"
        "*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n"
        "$3\r\nlen\r\n:6\r\n");
  CHECK(ts.run({"LCS", "key1", "key2", "idx", "len"}) ==
        "-ERR If you want both the length and indexes, please just use IDX.\r\n");
  CHECK(ts.run({"LCS", "key1", "key2", "foo"}) == kSyntax);
  CHECK(ts.run({"LCS", "key1", "key2", "minmatchlen"}) == kSyntax);
  CHECK(ts.run({"LCS", "key1", "key2", "minmatchlen", "abc"}) == kNotInt);
  CHECK(ts.run({"LCS", "key1", "key2", "withmatchlen"}) == bulk("mytext"));
  CHECK(ts.run({"LCS", "key1", "nokey"}) == bulk(""));
  CHECK(ts.run({"LCS", "nokey", "nokey", "idx"}) ==
        "*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n");
  CHECK(ts.run({"RPUSH", "lst", "a"}) == ":1\r\n");
  // The type check comes before the option parsing.
  CHECK(ts.run({"LCS", "key1", "lst", "foo"}) ==
        "-ERR The specified keys must contain string values\r\n");
  CHECK(ts.run({"HELLO", "3"}).substr(0, 2) == "%7");
  CHECK(ts.run({"LCS", "key1", "key2", "IDX", "MINMATCHLEN", "4"}) ==
        "%2\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n"
        "$3\r\nlen\r\n:6\r\n");
}

TEST_CASE("string commands against a list answer WRONGTYPE") {
  TestServer ts;
  CHECK(ts.run({"RPUSH", "l", "a", "b"}) == ":2\r\n");
  const std::vector<Argv> cmds = {
      {"GET", "l"},          {"SET", "l", "v", "get"},  {"SET", "l", "v", "nx", "get"},
      {"GETSET", "l", "v"},  {"GETDEL", "l"},           {"GETEX", "l"},
      {"GETEX", "l", "ex", "abc"}, {"INCR", "l"},       {"DECR", "l"},
      {"INCRBY", "l", "1"},  {"DECRBY", "l", "1"},      {"INCRBYFLOAT", "l", "1"},
      {"APPEND", "l", "x"},  {"STRLEN", "l"},           {"GETRANGE", "l", "0", "1"},
      {"SUBSTR", "l", "0", "1"}, {"SETRANGE", "l", "0", "x"}, {"SETRANGE", "l", "0", ""},
  };
  for (const auto& argv : cmds) CHECK_MESSAGE(ts.run(argv) == kWrongType, argv[0]);
  // Argument errors come first where Redis checks them first.
  CHECK(ts.run({"INCRBY", "l", "abc"}) == kNotInt);
  CHECK(ts.run({"GETRANGE", "l", "a", "1"}) == kNotInt);
  CHECK(ts.run({"SETRANGE", "l", "-1", "x"}) == "-ERR offset is out of range\r\n");
  CHECK(ts.run({"GETEX", "l", "foo"}) == kSyntax);
  // Plain SET / SETNX / MSETNX overwrite or see the key, whatever its type.
  CHECK(ts.run({"SETNX", "l", "v"}) == ":0\r\n");
  CHECK(ts.run({"MSETNX", "l", "1", "x", "2"}) == ":0\r\n");
  CHECK(ts.run({"SET", "l", "v"}) == kOk);
  CHECK(ts.run({"GET", "l"}) == bulk("v"));
}

TEST_CASE("string writes count dirty as Redis does") {
  TestServer ts;
  struct Step {
    Argv argv;
    long long dirty;
  };
  const Step steps[] = {
      {{"SET", "k", "v"}, 1},
      {{"SET", "k", "v", "nx"}, 0},
      {{"SET", "k", "v", "ex", "100", "get"}, 1},
      {{"SETNX", "k", "v"}, 0},
      {{"SETEX", "k", "10", "v"}, 1},
      {{"MSET", "a", "1", "b", "2", "c", "3"}, 3},
      {{"MSETNX", "a", "1", "d", "2"}, 0},
      {{"MSETNX", "d", "1", "e", "2"}, 2},
      {{"INCR", "n"}, 1},
      {{"INCRBYFLOAT", "n", "1.5"}, 1},
      {{"INCR", "k"}, 0},
      {{"APPEND", "k", ""}, 1},
      {{"SETRANGE", "k", "0", ""}, 0},
      {{"SETRANGE", "k", "0", "x"}, 1},
      {{"SETRANGE", "nokey", "0", ""}, 0},
      {{"GETSET", "k", "v"}, 1},
      {{"GETEX", "k"}, 0},
      {{"GETEX", "k", "persist"}, 0},
      {{"GETEX", "k", "ex", "100"}, 1},
      {{"GETEX", "k", "persist"}, 1},
      {{"GETEX", "k", "exat", "1"}, 1},
      {{"GETDEL", "k"}, 0},
      {{"GETDEL", "a"}, 1},
      {{"LCS", "b", "c"}, 0},
  };
  for (const auto& s : steps) {
    long long before = server.dirty;
    ts.run(s.argv);
    CHECK_MESSAGE(server.dirty - before == s.dirty, s.argv[0]);
  }
}

TEST_CASE("string commands propagate as Redis 7.0 does") {
  TestServer ts;
  PropagationRecorder rec;
  auto last = [&]() { return rec.ops.empty() ? Argv{} : rec.ops.back(); };
  auto at = [](long long ms) { return ll2string(server.mstime_cached + ms); };

  ts.run({"set", "k", "v", "ex", "100"});
  CHECK(last() == Argv{"SET", "k", "v", "PXAT", at(100000)});
  ts.run({"SET", "k", "v", "px", "5000", "nx", "get"});  // fails NX: nothing
  CHECK(rec.ops.size() == 1);
  ts.run({"set", "k", "v", "exat", "2000000000"});
  CHECK(last() == Argv{"SET", "k", "v", "PXAT", "2000000000000"});
  ts.run({"set", "k", "v", "keepttl"});
  CHECK(last() == Argv{"set", "k", "v", "keepttl"});
  ts.run({"set", "k", "v3", "xx", "GET", "get"});
  CHECK(last() == Argv{"set", "k", "v3", "xx"});
  ts.run({"setex", "f", "100", "v"});
  CHECK(last() == Argv{"SET", "f", "v", "PXAT", at(100000)});
  ts.run({"psetex", "g", "100000", "v"});
  CHECK(last() == Argv{"SET", "g", "v", "PXAT", at(100000)});
  ts.run({"setnx", "h", "1"});
  CHECK(last() == Argv{"setnx", "h", "1"});
  ts.run({"incrbyfloat", "h", "1.5"});
  CHECK(last() == Argv{"SET", "h", "2.5", "KEEPTTL"});
  ts.run({"getset", "h", "2"});
  CHECK(last() == Argv{"SET", "h", "2"});
  ts.run({"getex", "h", "ex", "100"});
  CHECK(last() == Argv{"PEXPIREAT", "h", at(100000)});
  ts.run({"getex", "h", "pxat", "9999999999999"});
  CHECK(last() == Argv{"PEXPIREAT", "h", "9999999999999"});
  ts.run({"getex", "h", "persist"});
  CHECK(last() == Argv{"PERSIST", "h"});
  ts.run({"getex", "h", "pxat", "1"});
  CHECK(last() == Argv{"DEL", "h"});
  ts.run({"set", "x", "1"});
  ts.run({"getdel", "x"});
  CHECK(last() == Argv{"DEL", "x"});
  cfg().lazyfree_lazy_user_del = true;
  ts.run({"set", "x", "1"});
  ts.run({"getdel", "x"});
  CHECK(last() == Argv{"UNLINK", "x"});
  cfg().lazyfree_lazy_user_del = false;
  ts.run({"incr", "n"});
  CHECK(last() == Argv{"incr", "n"});
  ts.run({"mset", "a", "1", "b", "2"});
  CHECK(last() == Argv{"mset", "a", "1", "b", "2"});
  size_t n = rec.ops.size();
  ts.run({"get", "a"});
  ts.run({"msetnx", "a", "1"});
  ts.run({"setrange", "a", "0", ""});
  CHECK(rec.ops.size() == n);
}

TEST_CASE("string keyspace events, in Redis's order") {
  TestServer ts;
  cfg().notify_keyspace_events = NOTIFY_KEYEVENT | NOTIFY_ALL;
  ts.runAs(1, {"PSUBSCRIBE", "__keyevent@0__:*"});
  // The event names of the pmessages the subscriber received, in order.
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
    const std::string prefix = "__keyevent@0__:";
    for (size_t i = 0; i + 6 < lines.size(); i++)
      if (lines[i] == "pmessage") names.push_back(lines[i + 4].substr(prefix.size()));
    return names;
  };
  using V = std::vector<std::string>;
  CHECK(events({"SET", "a", "1"}) == V{"set"});
  CHECK(events({"SET", "a", "2", "ex", "100"}) == V{"set", "expire"});
  CHECK(events({"SET", "a", "4", "nx"}) == V{});
  CHECK(events({"SETEX", "c", "100", "v"}) == V{"set", "expire"});
  CHECK(events({"GETSET", "c", "x"}) == V{"set"});
  CHECK(events({"GETDEL", "c"}) == V{"del"});
  CHECK(events({"GETEX", "a", "ex", "100"}) == V{"expire"});
  CHECK(events({"GETEX", "a", "persist"}) == V{"persist"});
  CHECK(events({"GETEX", "a", "persist"}) == V{});
  CHECK(events({"GETEX", "a", "pxat", "1"}) == V{"del"});
  CHECK(events({"MSET", "m1", "1", "m2", "2"}) == V{"set", "set"});
  CHECK(events({"MSETNX", "m1", "1", "m3", "3"}) == V{});
  CHECK(events({"INCR", "n"}) == V{"incrby"});
  CHECK(events({"DECRBY", "n", "5"}) == V{"incrby"});
  CHECK(events({"INCRBYFLOAT", "n", "1.5"}) == V{"incrbyfloat"});
  CHECK(events({"APPEND", "n", "x"}) == V{"append"});
  CHECK(events({"SETRANGE", "n", "0", "y"}) == V{"setrange"});
  CHECK(events({"SETRANGE", "n", "0", ""}) == V{});
  CHECK(events({"GET", "nokey"}) == V{});  // keymiss is not part of 'A'
  cfg().notify_keyspace_events = 0;
}

TEST_CASE("string COMMAND INFO rows") {
  TestServer ts;
  // Everything before the key specifications.
  const std::string get =
      "*1\r\n*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n"
      "*3\r\n+@read\r\n+@string\r\n+@fast\r\n*0\r\n";
  CHECK(ts.run({"COMMAND", "INFO", "get"}).substr(0, get.size()) == get);
  const std::string mset =
      "*1\r\n*10\r\n$4\r\nmset\r\n:-3\r\n*2\r\n+write\r\n+denyoom\r\n:1\r\n:-1\r\n:2\r\n"
      "*3\r\n+@write\r\n+@string\r\n+@slow\r\n"
      "*2\r\n$26\r\nrequest_policy:multi_shard\r\n$29\r\nresponse_policy:all_succeeded\r\n";
  CHECK(ts.run({"COMMAND", "INFO", "mset"}).substr(0, mset.size()) == mset);
}
