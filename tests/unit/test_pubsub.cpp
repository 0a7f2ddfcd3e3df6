// tests/unit/test_pubsub.cpp — Pub/Sub (server/cmd_pubsub.cpp), byte for byte, with two or
// more in-process clients: one publishes, the others' output buffers show what they were
// sent. Expected bytes were taken from a real Redis 7.0.15 doing the same.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "server/networking.h"
#include "tests/unit/harness.h"

using namespace osprey;
using osprey::test::TestServer;

namespace {

std::string bulk(const std::string& s) { return "$" + std::to_string(s.size()) + "\r\n" + s + "\r\n"; }

// A subscribe-family reply (or message) of three parts: word, name, count.
std::string sub(const std::string& word, const std::string& name, long long count, char agg = '*') {
  return std::string(1, agg) + "3\r\n" + bulk(word) + bulk(name) + ":" + std::to_string(count) + "\r\n";
}

std::string message(const std::string& channel, const std::string& payload, char agg = '*') {
  return std::string(1, agg) + "3\r\n" + bulk("message") + bulk(channel) + bulk(payload);
}

std::string pmessage(const std::string& pattern, const std::string& channel,
                     const std::string& payload, char agg = '*') {
  return std::string(1, agg) + "4\r\n" + bulk("pmessage") + bulk(pattern) + bulk(channel) +
         bulk(payload);
}

// What client i was sent since the last call (messages arrive outside its own commands).
std::string received(TestServer& ts, size_t i) {
  std::string out = ts.client(i).out.str();
  ts.client(i).out.clear();
  return out;
}

}  // namespace

TEST_CASE("SUBSCRIBE, PUBLISH and messages") {
  TestServer ts;
  CHECK(ts.runAs(1, {"SUBSCRIBE", "a", "b", "a"}) ==
        sub("subscribe", "a", 1) + sub("subscribe", "b", 2) + sub("subscribe", "a", 2));
  CHECK(ts.runAs(1, {"PSUBSCRIBE", "p*", "p*", "q?"}) ==
        sub("psubscribe", "p*", 3) + sub("psubscribe", "p*", 3) + sub("psubscribe", "q?", 4));
  CHECK(ts.run({"PUBLISH", "a", "hello"}) == ":1\r\n");
  CHECK(received(ts, 1) == message("a", "hello"));
  CHECK(ts.run({"PUBLISH", "pp", "hi"}) == ":1\r\n");
  CHECK(received(ts, 1) == pmessage("p*", "pp", "hi"));
  CHECK(ts.run({"PUBLISH", "other", "x"}) == ":0\r\n");
  CHECK(received(ts, 1).empty());
  CHECK(ts.run({"PUBLISH", "a"}) == "-ERR wrong number of arguments for 'publish' command\r\n");
  CHECK(ts.run({"SUBSCRIBE"}) == "-ERR wrong number of arguments for 'subscribe' command\r\n");
}

TEST_CASE("a channel subscriber and a pattern subscriber each count as a receiver") {
  TestServer ts;
  ts.runAs(1, {"SUBSCRIBE", "news"});
  ts.runAs(2, {"SUBSCRIBE", "news"});
  ts.runAs(2, {"PSUBSCRIBE", "n*"});
  CHECK(ts.run({"PUBLISH", "news", "m"}) == ":3\r\n");
  CHECK(received(ts, 1) == message("news", "m"));
  CHECK(received(ts, 2) == message("news", "m") + pmessage("n*", "news", "m"));
}

TEST_CASE("the subscribed context of RESP2") {
  TestServer ts;
  ts.runAs(1, {"SUBSCRIBE", "a"});
  CHECK(ts.runAs(1, {"GET", "x"}) ==
        "-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET "
        "are allowed in this context\r\n");
  CHECK(ts.runAs(1, {"PING"}) == "*2\r\n$4\r\npong\r\n$0\r\n\r\n");
  CHECK(ts.runAs(1, {"PING", "hi"}) == "*2\r\n$4\r\npong\r\n$2\r\nhi\r\n");
  CHECK(ts.runAs(1, {"UNSUBSCRIBE"}) == sub("unsubscribe", "a", 0));
  CHECK(ts.runAs(1, {"PING"}) == "+PONG\r\n");
}

TEST_CASE("UNSUBSCRIBE / PUNSUBSCRIBE with and without arguments") {
  TestServer ts;
  ts.runAs(1, {"SUBSCRIBE", "a", "b", "c"});
  ts.runAs(1, {"PSUBSCRIBE", "p*", "q?"});
  CHECK(ts.runAs(1, {"UNSUBSCRIBE", "b", "zz"}) ==
        sub("unsubscribe", "b", 4) + sub("unsubscribe", "zz", 4));
  CHECK(ts.runAs(1, {"PUNSUBSCRIBE", "q?", "zz"}) ==
        sub("punsubscribe", "q?", 3) + sub("punsubscribe", "zz", 3));
  // Without arguments: every subscription of that kind, oldest first.
  CHECK(ts.runAs(1, {"UNSUBSCRIBE"}) == sub("unsubscribe", "a", 2) + sub("unsubscribe", "c", 1));
  CHECK(ts.runAs(1, {"PUNSUBSCRIBE"}) == sub("punsubscribe", "p*", 0));
  // Nothing left: one reply with a null name.
  CHECK(ts.runAs(1, {"UNSUBSCRIBE"}) == "*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n");
  CHECK(ts.runAs(1, {"PUNSUBSCRIBE"}) == "*3\r\n$12\r\npunsubscribe\r\n$-1\r\n:0\r\n");
  CHECK(ts.runAs(1, {"SUNSUBSCRIBE"}) == "*3\r\n$12\r\nsunsubscribe\r\n$-1\r\n:0\r\n");
  CHECK(ts.runAs(1, {"UNSUBSCRIBE", "x", "y"}) ==
        sub("unsubscribe", "x", 0) + sub("unsubscribe", "y", 0));
  CHECK(ts.runAs(1, {"PING"}) == "+PONG\r\n");
  // The null-name reply counts the other kind's subscriptions.
  ts.runAs(2, {"PSUBSCRIBE", "p"});
  CHECK(ts.runAs(2, {"UNSUBSCRIBE"}) == "*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:1\r\n");
}

TEST_CASE("shard channels are a namespace of their own") {
  TestServer ts;
  CHECK(ts.runAs(1, {"SSUBSCRIBE", "s1", "s2"}) ==
        sub("ssubscribe", "s1", 1) + sub("ssubscribe", "s2", 2));
  CHECK(ts.runAs(1, {"GET", "x"}).rfind("-ERR Can't execute 'get'", 0) == 0);
  CHECK(ts.runAs(1, {"SUBSCRIBE", "s1"}) == sub("subscribe", "s1", 1));  // not counted together
  CHECK(ts.runAs(1, {"PSUBSCRIBE", "*"}) == sub("psubscribe", "*", 2));
  CHECK(ts.run({"SPUBLISH", "s1", "msg"}) == ":1\r\n");  // patterns never see shard messages
  CHECK(received(ts, 1) == "*3\r\n" + bulk("smessage") + bulk("s1") + bulk("msg"));
  CHECK(ts.run({"PUBLISH", "s1", "m"}) == ":2\r\n");
  CHECK(received(ts, 1) == message("s1", "m") + pmessage("*", "s1", "m"));
  CHECK(ts.run({"PUBSUB", "SHARDNUMSUB", "s1", "s2", "s3"}) ==
        "*6\r\n" + bulk("s1") + ":1\r\n" + bulk("s2") + ":1\r\n" + bulk("s3") + ":0\r\n");
  CHECK(ts.run({"PUBSUB", "SHARDCHANNELS", "s2"}) == "*1\r\n" + bulk("s2"));
  CHECK(ts.run({"PUBSUB", "CHANNELS"}) == "*1\r\n" + bulk("s1"));
  CHECK(ts.runAs(1, {"PUNSUBSCRIBE"}) == sub("punsubscribe", "*", 1));
  CHECK(ts.runAs(1, {"UNSUBSCRIBE", "s1"}) == sub("unsubscribe", "s1", 0));
  CHECK(ts.runAs(1, {"PING"}) == "*2\r\n$4\r\npong\r\n$0\r\n\r\n");  // still subscribed
  CHECK(ts.runAs(1, {"SUNSUBSCRIBE"}) ==
        sub("sunsubscribe", "s1", 1) + sub("sunsubscribe", "s2", 0));
  CHECK(ts.runAs(1, {"PING"}) == "+PONG\r\n");
  CHECK(ts.run({"PUBSUB", "SHARDCHANNELS"}) == "*0\r\n");
}

TEST_CASE("RESP3 subscribers get push messages and stay usable") {
  TestServer ts;
  ts.runAs(1, {"HELLO", "3"});
  CHECK(ts.runAs(1, {"SUBSCRIBE", "a"}) == sub("subscribe", "a", 1, '>'));
  CHECK(ts.runAs(1, {"PSUBSCRIBE", "*"}) == sub("psubscribe", "*", 2, '>'));
  CHECK(ts.runAs(1, {"SSUBSCRIBE", "s"}) == sub("ssubscribe", "s", 1, '>'));
  CHECK(ts.run({"PUBLISH", "a", "m"}) == ":2\r\n");
  CHECK(received(ts, 1) == message("a", "m", '>') + pmessage("*", "a", "m", '>'));
  CHECK(ts.run({"SPUBLISH", "s", "m"}) == ":1\r\n");
  CHECK(received(ts, 1) == ">3\r\n" + bulk("smessage") + bulk("s") + bulk("m"));
  CHECK(ts.runAs(1, {"GET", "x"}) == "_\r\n");  // RESP3 has no subscribed context
  CHECK(ts.runAs(1, {"UNSUBSCRIBE", "a"}) == sub("unsubscribe", "a", 1, '>'));
  CHECK(ts.runAs(1, {"PUNSUBSCRIBE"}) == sub("punsubscribe", "*", 0, '>'));
  CHECK(ts.runAs(1, {"SUNSUBSCRIBE"}) == sub("sunsubscribe", "s", 0, '>'));
  CHECK(ts.runAs(1, {"UNSUBSCRIBE"}) == ">3\r\n$11\r\nunsubscribe\r\n_\r\n:0\r\n");
  CHECK(ts.runAs(1, {"PUBSUB", "NUMSUB", "a", "b"}) ==
        "*4\r\n" + bulk("a") + ":0\r\n" + bulk("b") + ":0\r\n");  // an array even in RESP3
}

TEST_CASE("CLIENT REPLY OFF / SKIP do not silence Pub/Sub replies and messages") {
  TestServer ts;
  // RESP2: the subscription replies still come while replies are off.
  ts.runAs(1, {"CLIENT", "REPLY", "OFF"});
  CHECK(ts.runAs(1, {"SUBSCRIBE", "a"}) == sub("subscribe", "a", 1));
  CHECK(ts.runAs(1, {"UNSUBSCRIBE"}) == sub("unsubscribe", "a", 0));
  CHECK(ts.runAs(1, {"UNSUBSCRIBE"}) == "*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n");
  // RESP3: messages arrive, other replies stay silent.
  ts.runAs(2, {"HELLO", "3"});
  ts.runAs(2, {"CLIENT", "REPLY", "SKIP"});
  CHECK(ts.runAs(2, {"SUBSCRIBE", "a"}) == sub("subscribe", "a", 1, '>'));
  ts.runAs(2, {"CLIENT", "REPLY", "OFF"});
  CHECK(ts.runAs(2, {"PING"}).empty());
  CHECK(ts.run({"PUBLISH", "a", "m"}) == ":1\r\n");
  CHECK(received(ts, 2) == message("a", "m", '>'));
  // The publisher's own reply is silenced as usual.
  ts.runAs(3, {"CLIENT", "REPLY", "OFF"});
  CHECK(ts.runAs(3, {"PUBLISH", "a", "m2"}).empty());
  CHECK(received(ts, 2) == message("a", "m2", '>'));
}

TEST_CASE("PUBSUB introspection") {
  TestServer ts;
  ts.runAs(1, {"SUBSCRIBE", "a", "b"});
  ts.runAs(2, {"SUBSCRIBE", "a"});
  ts.runAs(2, {"PSUBSCRIBE", "p*", "q*"});
  ts.runAs(1, {"PSUBSCRIBE", "p*"});
  std::string channels = ts.run({"PUBSUB", "CHANNELS"});
  CHECK((channels == "*2\r\n" + bulk("a") + bulk("b") || channels == "*2\r\n" + bulk("b") + bulk("a")));
  CHECK(ts.run({"PUBSUB", "CHANNELS", "a"}) == "*1\r\n" + bulk("a"));
  CHECK(ts.run({"PUBSUB", "CHANNELS", "z*"}) == "*0\r\n");
  CHECK(ts.run({"PUBSUB", "channels", "*", "x"}) ==
        "-ERR unknown subcommand or wrong number of arguments for 'channels'. Try PUBSUB HELP.\r\n");
  CHECK(ts.run({"PUBSUB", "NUMSUB", "a", "b", "c"}) ==
        "*6\r\n" + bulk("a") + ":2\r\n" + bulk("b") + ":1\r\n" + bulk("c") + ":0\r\n");
  CHECK(ts.run({"PUBSUB", "NUMSUB"}) == "*0\r\n");
  CHECK(ts.run({"PUBSUB", "NUMPAT"}) == ":2\r\n");  // unique patterns
  CHECK(ts.run({"PUBSUB", "NUMPAT", "x"}) ==
        "-ERR wrong number of arguments for 'pubsub|numpat' command\r\n");
  CHECK(ts.run({"PUBSUB", "SHARDCHANNELS"}) == "*0\r\n");
  CHECK(ts.run({"PUBSUB", "SHARDNUMSUB", "a"}) == "*2\r\n" + bulk("a") + ":0\r\n");
  CHECK(ts.run({"PUBSUB", "foo"}) == "-ERR unknown subcommand 'foo'. Try PUBSUB HELP.\r\n");
  CHECK(ts.run({"PUBSUB"}) == "-ERR wrong number of arguments for 'pubsub' command\r\n");
  CHECK(ts.run({"PUBSUB", "HELP"}) ==
        "*14\r\n"
        "+PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"
        "+CHANNELS [<pattern>]\r\n"
        "+    Return the currently active channels matching a <pattern> (default: '*').\r\n"
        "+NUMPAT\r\n"
        "+    Return number of subscriptions to patterns.\r\n"
        "+NUMSUB [<channel> ...]\r\n"
        "+    Return the number of subscribers for the specified channels, excluding\r\n"
        "+    pattern subscriptions(default: no channels).\r\n"
        "+SHARDCHANNELS [<pattern>]\r\n"
        "+    Return the currently active shard level channels matching a <pattern> (default: "
        "'*').\r\n"
        "+SHARDNUMSUB [<shardchannel> ...]\r\n"
        "+    Return the number of subscribers for the specified shard level channel(s)\r\n"
        "+HELP\r\n"
        "+    Prints this help.\r\n");
}

TEST_CASE("a freed client leaves no subscription behind") {
  TestServer ts;
  Client* c = createFakeClient();
  c->argv = {"SUBSCRIBE", "a", "b"};
  processCommand(*c);
  c->argv = {"PSUBSCRIBE", "p*"};
  processCommand(*c);
  c->argv = {"SSUBSCRIBE", "s"};
  processCommand(*c);
  ts.runAs(1, {"SUBSCRIBE", "a"});
  CHECK(ts.run({"PUBSUB", "NUMSUB", "a", "b"}) ==
        "*4\r\n" + bulk("a") + ":2\r\n" + bulk("b") + ":1\r\n");
  freeClient(c);
  CHECK(ts.run({"PUBSUB", "NUMSUB", "a", "b"}) ==
        "*4\r\n" + bulk("a") + ":1\r\n" + bulk("b") + ":0\r\n");
  CHECK(ts.run({"PUBSUB", "NUMPAT"}) == ":0\r\n");
  CHECK(ts.run({"PUBSUB", "SHARDCHANNELS"}) == "*0\r\n");
  CHECK(ts.run({"PUBLISH", "a", "m"}) == ":1\r\n");
}

TEST_CASE("PUBLISH reaches replicas though it changes no data") {
  TestServer ts;
  std::vector<std::vector<std::string>> ops;
  server.propagate_sinks.push_back(
      [&](int, const std::vector<std::string>& argv) { ops.push_back(argv); });
  ts.run({"PUBLISH", "ch", "m"});
  ts.run({"SPUBLISH", "ch", "m"});
  server.propagate_sinks.pop_back();
  REQUIRE(ops.size() == 2);
  CHECK(ops[0] == std::vector<std::string>{"PUBLISH", "ch", "m"});
  CHECK(ops[1] == std::vector<std::string>{"SPUBLISH", "ch", "m"});
}
