// tests/unit/test_connection.cpp — connection commands in-process: PING, ECHO, SELECT,
// QUIT, RESET, HELLO, AUTH and the CLIENT family. Every expected reply was produced by the
// real redis-server 7.0.15 (ids, addresses and timings aside, which are checked by shape).
#include <doctest/doctest.h>

#include <regex>
#include <string>
#include <vector>

#include "common/config.h"
#include "server/db.h"
#include "server/networking.h"
#include "server/server.h"
#include "tests/unit/harness.h"

using namespace osprey;
using osprey::test::TestServer;

namespace {

std::string helloReply(int proto, uint64_t id) {
  std::string head = proto == 3 ? "%7\r\n" : "*14\r\n";
  std::string ids = std::to_string(id);
  return head + "$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:" +
         std::to_string(proto) + "\r\n$2\r\nid\r\n:" + ids +
         "\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n";
}

// A client registered like a socket client (listed by CLIENT LIST, killable), without a
// socket: freeClient unregisters and deletes it.
Client* addListedClient(const std::string& addr) {
  Client* c = createFakeClient();
  c->fake = false;
  c->addr = addr;
  c->laddr = "127.0.0.1:6379";
  server.clients[c->id] = c;
  server.client_list.push_back(c);
  return c;
}

// Runs a command as one of those listed clients; returns its reply bytes.
std::string runOn(Client* c, std::vector<std::string> argv) {
  c->argv = std::move(argv);
  processCommand(*c);
  std::string out = c->out.str();
  c->out.clear();
  return out;
}

bool isListed(const Client* c) { return server.clients.count(c->id) != 0; }

// Strips the RESP bulk framing of a CLIENT INFO / LIST reply.
std::string bulkBody(const std::string& reply) {
  size_t nl = reply.find("\r\n");
  REQUIRE(nl != std::string::npos);
  return reply.substr(nl + 2, reply.size() - nl - 4);
}

const std::string kWrongPass = "-WRONGPASS invalid username-password pair or user is disabled.\r\n";

}  // namespace

TEST_CASE("connection: PING, ECHO, SELECT, QUIT") {
  TestServer ts;
  CHECK(ts.run({"PING"}) == "+PONG\r\n");
  CHECK(ts.run({"PING", "hello"}) == "$5\r\nhello\r\n");
  CHECK(ts.run({"PING", "a", "b"}) == "-ERR wrong number of arguments for 'ping' command\r\n");
  CHECK(ts.run({"ECHO", "x y"}) == "$3\r\nx y\r\n");
  CHECK(ts.run({"SELECT", "x"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(ts.run({"SELECT", "16"}) == "-ERR DB index is out of range\r\n");
  CHECK(ts.run({"SELECT", "-1"}) == "-ERR DB index is out of range\r\n");
  CHECK(ts.run({"SELECT", "15"}) == "+OK\r\n");
  CHECK(ts.client().db->id == 15);
  CHECK(ts.run({"QUIT"}) == "+OK\r\n");
  CHECK(ts.client().close_after_reply);
}

TEST_CASE("connection: HELLO") {
  TestServer ts;
  uint64_t id = ts.client().id;
  CHECK(ts.run({"HELLO"}) == helloReply(2, id));
  CHECK(ts.run({"HELLO", "1"}) == "-NOPROTO unsupported protocol version\r\n");
  CHECK(ts.run({"HELLO", "4"}) == "-NOPROTO unsupported protocol version\r\n");
  CHECK(ts.run({"HELLO", "-1"}) == "-NOPROTO unsupported protocol version\r\n");
  CHECK(ts.run({"HELLO", "abc"}) == "-ERR Protocol version is not an integer or out of range\r\n");
  CHECK(ts.run({"HELLO", "99999999999999999999"}) ==
        "-ERR Protocol version is not an integer or out of range\r\n");
  CHECK(ts.run({"HELLO", "3", "FOO"}) == "-ERR Syntax error in HELLO option 'FOO'\r\n");
  CHECK(ts.run({"HELLO", "3", "AUTH", "default"}) == "-ERR Syntax error in HELLO option 'AUTH'\r\n");
  CHECK(ts.run({"HELLO", "2", "SETNAME"}) == "-ERR Syntax error in HELLO option 'SETNAME'\r\n");
  CHECK(ts.run({"HELLO", "2", "SETNAME", "a b"}) ==
        "-ERR Client names cannot contain spaces, newlines or special characters.\r\n");
  CHECK(ts.run({"HELLO", "2", "AUTH", "foo", "x"}) == kWrongPass);
  CHECK(ts.client().resp == 2);

  // No requirepass: the default user takes any password.
  CHECK(ts.run({"HELLO", "3", "AUTH", "default", "x"}) == helloReply(3, id));
  CHECK(ts.client().resp == 3);
  CHECK(ts.run({"CLIENT", "GETNAME"}) == "_\r\n");
  CHECK(ts.run({"HELLO", "2", "SETNAME", "nm"}) == helloReply(2, id));
  CHECK(ts.run({"CLIENT", "GETNAME"}) == "$2\r\nnm\r\n");
  CHECK(ts.run({"HELLO", "2", "SETNAME", ""}) == helloReply(2, id));
  CHECK(ts.run({"CLIENT", "GETNAME"}) == "$-1\r\n");
}

TEST_CASE("connection: AUTH without requirepass") {
  TestServer ts;
  CHECK(ts.run({"AUTH", "x"}) ==
        "-ERR AUTH <password> called without any password configured for the default user. "
        "Are you sure your configuration is correct?\r\n");
  CHECK(ts.run({"AUTH", "default", "x"}) == "+OK\r\n");
  CHECK(ts.run({"AUTH", "foo", "x"}) == kWrongPass);
  CHECK(ts.run({"AUTH", "a", "b", "c"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"AUTH"}) == "-ERR wrong number of arguments for 'auth' command\r\n");
}

TEST_CASE("connection: AUTH and HELLO with requirepass") {
  TestServer ts;
  CHECK(ts.run({"CONFIG", "SET", "requirepass", "pw"}) == "+OK\r\n");
  Client& c = ts.client();
  c.authenticated = false;
  CHECK(ts.run({"PING"}) == "-NOAUTH Authentication required.\r\n");
  CHECK(ts.run({"HELLO", "3"}) ==
        "-NOAUTH HELLO must be called with the client already authenticated, otherwise the "
        "HELLO AUTH <user> <pass> option can be used to authenticate the client and select the "
        "RESP protocol version at the same time\r\n");
  CHECK(ts.run({"HELLO", "3", "AUTH", "default", "x"}) == kWrongPass);
  CHECK(ts.run({"AUTH", "x"}) == kWrongPass);
  CHECK(ts.run({"AUTH", "default", "x"}) == kWrongPass);
  CHECK_FALSE(c.authenticated);
  CHECK(ts.run({"AUTH", "pw"}) == "+OK\r\n");
  CHECK(ts.run({"PING"}) == "+PONG\r\n");

  // RESET logs the connection out again; HELLO AUTH logs in and sets the name at once.
  CHECK(ts.run({"RESET"}) == "+RESET\r\n");
  CHECK(ts.run({"PING"}) == "-NOAUTH Authentication required.\r\n");
  CHECK(ts.run({"HELLO", "2", "AUTH", "default", "pw", "SETNAME", "zz"}) == helloReply(2, c.id));
  CHECK(ts.run({"CLIENT", "GETNAME"}) == "$2\r\nzz\r\n");

  // AUTH inside MULTI is queued and runs at EXEC.
  CHECK(ts.run({"MULTI"}) == "+OK\r\n");
  CHECK(ts.run({"AUTH", "pw"}) == "+QUEUED\r\n");
  CHECK(ts.run({"PING"}) == "+QUEUED\r\n");
  CHECK(ts.run({"EXEC"}) == "*2\r\n+OK\r\n+PONG\r\n");
}

TEST_CASE("connection: EXEC refused for NOAUTH aborts the transaction") {
  TestServer ts;
  Client& c = ts.client();
  CHECK(ts.run({"CONFIG", "SET", "requirepass", "pw"}) == "+OK\r\n");
  CHECK(ts.run({"MULTI"}) == "+OK\r\n");
  CHECK(ts.run({"PING"}) == "+QUEUED\r\n");
  c.authenticated = false;
  CHECK(ts.run({"EXEC"}) ==
        "-EXECABORT Transaction discarded because of: NOAUTH Authentication required.\r\n");
  CHECK_FALSE(c.in_multi);
}

TEST_CASE("connection: RESET") {
  TestServer ts;
  Client& c = ts.client();
  CHECK(ts.run({"RESET", "x"}) == "-ERR wrong number of arguments for 'reset' command\r\n");
  CHECK(ts.run({"SELECT", "3"}) == "+OK\r\n");
  CHECK(ts.run({"HELLO", "3"}) == helloReply(3, c.id));
  CHECK(ts.run({"CLIENT", "SETNAME", "foo"}) == "+OK\r\n");
  CHECK(ts.run({"CLIENT", "TRACKING", "on"}) == "+OK\r\n");
  CHECK(ts.run({"CLIENT", "NO-EVICT", "on"}) == "+OK\r\n");
  CHECK(ts.run({"WATCH", "k"}) == "+OK\r\n");
  CHECK(ts.run({"MULTI"}) == "+OK\r\n");
  c.monitor = true;
  server.monitors.push_back(&c);
  CHECK(ts.run({"RESET"}) == "+RESET\r\n");
  CHECK(c.db->id == 0);
  CHECK(c.resp == 2);
  CHECK(c.name.empty());
  CHECK_FALSE(c.in_multi);
  CHECK(c.watched.empty());
  CHECK_FALSE(c.monitor);
  CHECK(server.monitors.empty());
  CHECK(ts.run({"CLIENT", "TRACKINGINFO"}) ==
        "*6\r\n$5\r\nflags\r\n*1\r\n$3\r\noff\r\n$8\r\nredirect\r\n:-1\r\n$8\r\nprefixes\r\n*0\r\n");
  // CLIENT NO-EVICT survives RESET, as in Redis.
  std::string info = bulkBody(ts.run({"CLIENT", "INFO"}));
  CHECK(info.find(" flags=e ") != std::string::npos);

  // RESET answers even with CLIENT REPLY OFF, and turns replies back on.
  CHECK(ts.run({"CLIENT", "REPLY", "OFF"}) == "");
  CHECK(ts.run({"RESET"}) == "+RESET\r\n");
  CHECK(ts.run({"PING"}) == "+PONG\r\n");
}

TEST_CASE("connection: CLIENT container, HELP and arity") {
  TestServer ts;
  CHECK(ts.run({"CLIENT"}) == "-ERR wrong number of arguments for 'client' command\r\n");
  CHECK(ts.run({"CLIENT", "FOO"}) == "-ERR unknown subcommand 'FOO'. Try CLIENT HELP.\r\n");
  CHECK(ts.run({"CLIENT", "ID", "extra"}) ==
        "-ERR wrong number of arguments for 'client|id' command\r\n");
  CHECK(ts.run({"CLIENT", "SETNAME"}) ==
        "-ERR wrong number of arguments for 'client|setname' command\r\n");
  CHECK(ts.run({"CLIENT", "GETNAME", "x"}) ==
        "-ERR wrong number of arguments for 'client|getname' command\r\n");
  CHECK(ts.run({"CLIENT", "KILL"}) == "-ERR wrong number of arguments for 'client|kill' command\r\n");
  CHECK(ts.run({"CLIENT", "PAUSE"}) ==
        "-ERR wrong number of arguments for 'client|pause' command\r\n");
  CHECK(ts.run({"CLIENT", "HELP", "x"}) ==
        "-ERR wrong number of arguments for 'client|help' command\r\n");
  std::string help = ts.run({"CLIENT", "HELP"});
  CHECK(help.rfind("*48\r\n+CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"
                   "+CACHING (YES|NO)\r\n",
                   0) == 0);
  CHECK(help.find("+NO-EVICT (ON|OFF)\r\n+    Protect current client connection from eviction.\r\n"
                  "+HELP\r\n+    Prints this help.\r\n") != std::string::npos);
}

TEST_CASE("connection: CLIENT ID, SETNAME, GETNAME") {
  TestServer ts;
  CHECK(ts.run({"CLIENT", "ID"}) == ":" + std::to_string(ts.client().id) + "\r\n");
  CHECK(ts.run({"CLIENT", "GETNAME"}) == "$-1\r\n");
  CHECK(ts.run({"CLIENT", "SETNAME", "a b"}) ==
        "-ERR Client names cannot contain spaces, newlines or special characters.\r\n");
  CHECK(ts.run({"CLIENT", "SETNAME", "a\nb"}) ==
        "-ERR Client names cannot contain spaces, newlines or special characters.\r\n");
  CHECK(ts.run({"CLIENT", "SETNAME", "\xc3\xa9"}) ==
        "-ERR Client names cannot contain spaces, newlines or special characters.\r\n");
  CHECK(ts.run({"CLIENT", "SETNAME", "myname"}) == "+OK\r\n");
  CHECK(ts.run({"CLIENT", "GETNAME"}) == "$6\r\nmyname\r\n");
  CHECK(ts.run({"CLIENT", "SETNAME", ""}) == "+OK\r\n");
  CHECK(ts.run({"CLIENT", "GETNAME"}) == "$-1\r\n");
}

TEST_CASE("connection: CLIENT INFO line format") {
  TestServer ts;
  CHECK(ts.run({"SELECT", "2"}) == "+OK\r\n");
  std::string info = bulkBody(ts.run({"CLIENT", "INFO"}));
  std::regex shape(
      "id=[0-9]+ addr= laddr= fd=-1 name= age=[0-9]+ idle=[0-9]+ flags=N db=2 sub=0 psub=0 "
      "ssub=0 multi=-1 qbuf=[0-9]+ qbuf-free=[0-9]+ argv-mem=10 multi-mem=0 rbs=16384 "
      "rbp=16384 obl=0 oll=0 omem=0 tot-mem=[0-9]+ events= cmd=client\\|info user=default "
      "redir=-1 resp=2\n");
  CHECK(std::regex_match(info, shape));

  // Inside MULTI: flag x and the queue length; RESP3 answers a verbatim string.
  CHECK(ts.run({"MULTI"}) == "+OK\r\n");
  CHECK(ts.run({"SET", "a", "b"}).size() > 0);
  CHECK(ts.run({"DISCARD"}) == "+OK\r\n");
  CHECK(ts.run({"HELLO", "3"}).rfind("%7", 0) == 0);
  std::string v = ts.run({"CLIENT", "INFO"});
  CHECK(v.rfind("=", 0) == 0);
  CHECK(v.find("\r\ntxt:id=") != std::string::npos);
  CHECK(v.find(" resp=3\n\r\n") != std::string::npos);
}

TEST_CASE("connection: CLIENT LIST") {
  TestServer ts;
  Client* a = addListedClient("10.0.0.1:1111");
  Client* b = addListedClient("10.0.0.2:2222");
  b->name = "bee";
  b->in_multi = true;
  b->mstate.push_back(QueuedCommand{nullptr, {"set", "a", "b"}});
  b->mstate.push_back(QueuedCommand{nullptr, {"get", "a"}});
  std::string list = bulkBody(ts.run({"CLIENT", "LIST"}));
  std::regex lines(
      "id=" + std::to_string(a->id) + " addr=10\\.0\\.0\\.1:1111 laddr=127\\.0\\.0\\.1:6379 "
      "fd=-1 name= age=[0-9]+ idle=[0-9]+ flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 qbuf=0 "
      "qbuf-free=[0-9]+ argv-mem=0 multi-mem=0 rbs=16384 rbp=16384 obl=0 oll=0 omem=0 "
      "tot-mem=[0-9]+ events= cmd=NULL user=default redir=-1 resp=2\n"
      "id=" + std::to_string(b->id) + " addr=10\\.0\\.0\\.2:2222 laddr=127\\.0\\.0\\.1:6379 "
      "fd=-1 name=bee age=[0-9]+ idle=[0-9]+ flags=x db=0 sub=0 psub=0 ssub=0 multi=2 qbuf=0 "
      "qbuf-free=[0-9]+ argv-mem=0 multi-mem=49 rbs=16384 rbp=16384 obl=0 oll=0 omem=0 "
      "tot-mem=[0-9]+ events= cmd=NULL user=default redir=-1 resp=2\n");
  CHECK(std::regex_match(list, lines));
  b->mstate.clear();
  b->in_multi = false;

  // Filters.
  CHECK(ts.run({"CLIENT", "LIST", "TYPE", "foo"}) == "-ERR Unknown client type 'foo'\r\n");
  CHECK(ts.run({"CLIENT", "LIST", "TYPE"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"CLIENT", "LIST", "foo"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"CLIENT", "LIST", "ID"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"CLIENT", "LIST", "ID", "abc"}) == "-ERR Invalid client ID\r\n");
  CHECK(ts.run({"CLIENT", "LIST", "ID", "999999"}) == "$0\r\n\r\n");
  CHECK(ts.run({"CLIENT", "LIST", "TYPE", "master"}) == "$0\r\n\r\n");
  CHECK(ts.run({"CLIENT", "LIST", "TYPE", "replica"}) == "$0\r\n\r\n");
  CHECK(ts.run({"CLIENT", "LIST", "TYPE", "slave"}) == "$0\r\n\r\n");
  CHECK(ts.run({"CLIENT", "LIST", "TYPE", "pubsub"}) == "$0\r\n\r\n");
  std::string normal = bulkBody(ts.run({"CLIENT", "LIST", "TYPE", "NORMAL"}));
  CHECK(normal.find("addr=10.0.0.1:1111") != std::string::npos);
  CHECK(normal.find("addr=10.0.0.2:2222") != std::string::npos);
  std::string byid = bulkBody(ts.run({"CLIENT", "LIST", "ID", std::to_string(b->id), "777777"}));
  CHECK(byid.rfind("id=" + std::to_string(b->id) + " addr=10.0.0.2:2222 ", 0) == 0);
  CHECK(std::count(byid.begin(), byid.end(), '\n') == 1);

  // Pub/Sub subscribers are their own type, with flag P.
  CHECK(runOn(a, {"SUBSCRIBE", "ch"}) == "*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n");
  std::string pubsub = bulkBody(ts.run({"CLIENT", "LIST", "TYPE", "pubsub"}));
  CHECK(pubsub.find("addr=10.0.0.1:1111") != std::string::npos);
  CHECK(pubsub.find(" flags=P ") != std::string::npos);
  CHECK(pubsub.find(" sub=1 ") != std::string::npos);
  CHECK(runOn(a, {"UNSUBSCRIBE"}).size() > 0);

  // MONITOR shows flag O; a WATCH made dirty shows d.
  b->monitor = true;
  b->dirty_cas = true;
  std::string mon = bulkBody(ts.run({"CLIENT", "LIST", "ID", std::to_string(b->id)}));
  CHECK(mon.find(" flags=Od ") != std::string::npos);
  b->monitor = false;
  b->dirty_cas = false;

  freeClient(a);
  freeClient(b);
}

TEST_CASE("connection: CLIENT KILL") {
  TestServer ts;
  CHECK(ts.run({"CLIENT", "KILL", "1.2.3.4:5"}) == "-ERR No such client\r\n");
  CHECK(ts.run({"CLIENT", "KILL", "id", "10", "wrong_arg"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"CLIENT", "KILL", "id", "str"}) == "-ERR client-id should be greater than 0\r\n");
  CHECK(ts.run({"CLIENT", "KILL", "id", "-1"}) == "-ERR client-id should be greater than 0\r\n");
  CHECK(ts.run({"CLIENT", "KILL", "id", "0"}) == "-ERR client-id should be greater than 0\r\n");
  CHECK(ts.run({"CLIENT", "KILL", "type", "wrong_type"}) ==
        "-ERR Unknown client type 'wrong_type'\r\n");
  CHECK(ts.run({"CLIENT", "KILL", "user", "wrong_user"}) == "-ERR No such user 'wrong_user'\r\n");
  CHECK(ts.run({"CLIENT", "KILL", "skipme", "yes_or_no"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"CLIENT", "KILL", "foo", "bar"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"CLIENT", "KILL", "id", "999999"}) == ":0\r\n");
  CHECK(ts.run({"CLIENT", "KILL", "addr", "1.2.3.4:5"}) == ":0\r\n");
  CHECK(ts.run({"CLIENT", "KILL", "laddr", "1.2.3.4:5", "type", "normal", "user", "default",
                "skipme", "yes"}) == ":0\r\n");

  // Old form by address.
  Client* a = addListedClient("10.0.0.1:1111");
  uint64_t aid = a->id;
  CHECK(ts.run({"CLIENT", "KILL", "10.0.0.1:1111"}) == "+OK\r\n");
  CHECK(server.clients.count(aid) == 0);

  // New form: by id, by address, by type; several at once.
  Client* b = addListedClient("10.0.0.2:2222");
  Client* d = addListedClient("10.0.0.3:3333");
  Client* e = addListedClient("10.0.0.4:4444");
  uint64_t bid = b->id, did = d->id;
  CHECK(ts.run({"CLIENT", "KILL", "ID", std::to_string(bid)}) == ":1\r\n");
  CHECK(server.clients.count(bid) == 0);
  CHECK(ts.run({"CLIENT", "KILL", "ADDR", "10.0.0.3:3333", "ID", std::to_string(e->id)}) == ":0\r\n");
  CHECK(isListed(d));
  CHECK(ts.run({"CLIENT", "KILL", "ADDR", "10.0.0.3:3333", "LADDR", "127.0.0.1:6379"}) == ":1\r\n");
  CHECK(server.clients.count(did) == 0);
  CHECK(runOn(e, {"SUBSCRIBE", "ch"}).size() > 0);
  CHECK(ts.run({"CLIENT", "KILL", "TYPE", "normal"}) == ":0\r\n");
  CHECK(ts.run({"CLIENT", "KILL", "TYPE", "pubsub", "USER", "default"}) == ":1\r\n");
  CHECK(server.client_list.empty());
}

TEST_CASE("connection: CLIENT KILL of the caller itself") {
  TestServer ts;
  Client* self = addListedClient("10.0.0.9:9999");
  // SKIPME defaults to yes with the new form.
  CHECK(ts.runAs(0, {"CLIENT", "KILL", "ADDR", "10.0.0.1:1"}) == ":0\r\n");
  std::string id = std::to_string(self->id);
  CHECK(runOn(self, {"CLIENT", "KILL", "ID", id}) == ":0\r\n");
  CHECK_FALSE(self->close_after_reply);
  CHECK(runOn(self, {"CLIENT", "KILL", "ID", id, "SKIPME", "no"}) == ":1\r\n");
  CHECK(self->close_after_reply);
  self->close_after_reply = false;
  // The old form may kill the caller.
  CHECK(runOn(self, {"CLIENT", "KILL", "10.0.0.9:9999"}) == "+OK\r\n");
  CHECK(self->close_after_reply);
  freeClient(self);
}

TEST_CASE("connection: CLIENT REPLY") {
  TestServer ts;
  CHECK(ts.run({"CLIENT", "REPLY"}) == "-ERR wrong number of arguments for 'client|reply' command\r\n");
  CHECK(ts.run({"CLIENT", "REPLY", "foo"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"CLIENT", "REPLY", "OFF"}) == "");
  CHECK(ts.run({"PING"}) == "");
  CHECK(ts.run({"CLIENT", "REPLY", "SKIP"}) == "");  // no effect while OFF
  CHECK(ts.client().reply_mode == ReplyMode::Off);
  CHECK(ts.run({"CLIENT", "REPLY", "ON"}) == "+OK\r\n");
  CHECK(ts.run({"PING"}) == "+PONG\r\n");
  CHECK(ts.run({"CLIENT", "REPLY", "SKIP"}) == "");
  CHECK(ts.client().reply_mode == ReplyMode::SkipNext);
  CHECK(ts.run({"CLIENT", "REPLY", "ON"}) == "+OK\r\n");
}

TEST_CASE("connection: CLIENT PAUSE / UNPAUSE") {
  TestServer ts;
  CHECK(ts.run({"CLIENT", "PAUSE", "abc"}) == "-ERR timeout is not an integer or out of range\r\n");
  CHECK(ts.run({"CLIENT", "PAUSE", "1.5"}) == "-ERR timeout is not an integer or out of range\r\n");
  CHECK(ts.run({"CLIENT", "PAUSE", "-1"}) == "-ERR timeout is negative\r\n");
  CHECK(ts.run({"CLIENT", "PAUSE", "10", "foo"}) == "-ERR CLIENT PAUSE mode must be WRITE or ALL\r\n");
  CHECK(ts.run({"CLIENT", "PAUSE", "10", "write", "extra"}) ==
        "-ERR unknown subcommand or wrong number of arguments for 'PAUSE'. Try CLIENT HELP.\r\n");
  CHECK(ts.run({"CLIENT", "UNPAUSE", "x"}) ==
        "-ERR wrong number of arguments for 'client|unpause' command\r\n");
  CHECK(ts.run({"CLIENT", "PAUSE", "0"}) == "+OK\r\n");
  CHECK(server.pause_end_ms == 0);

  CHECK(ts.run({"CLIENT", "PAUSE", "100000", "WRITE"}) == "+OK\r\n");
  long long end = server.pause_end_ms;
  CHECK(end >= server.mstime_cached + 99000);
  CHECK(server.pause_write_only);
  // A second pause keeps the later end and the stricter mode.
  CHECK(ts.run({"CLIENT", "PAUSE", "10"}) == "+OK\r\n");
  CHECK(server.pause_end_ms == end);
  CHECK_FALSE(server.pause_write_only);
  CHECK(ts.run({"CLIENT", "PAUSE", "200000", "write"}) == "+OK\r\n");
  CHECK(server.pause_end_ms > end);
  CHECK_FALSE(server.pause_write_only);
  // UNPAUSE ends it at the next check (beforeSleep resumes the waiting clients).
  CHECK(ts.run({"CLIENT", "UNPAUSE"}) == "+OK\r\n");
  CHECK(server.pause_end_ms > 0);
  CHECK(server.pause_end_ms <= server.mstime_cached);
  unpauseClients();
  CHECK(server.pause_end_ms == 0);
}

TEST_CASE("connection: CLIENT NO-EVICT, GETREDIR, UNBLOCK") {
  TestServer ts;
  CHECK(ts.run({"CLIENT", "NO-EVICT", "foo"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"CLIENT", "NO-EVICT", "on"}) == "+OK\r\n");
  CHECK(bulkBody(ts.run({"CLIENT", "INFO"})).find(" flags=e ") != std::string::npos);
  CHECK(ts.run({"CLIENT", "NO-EVICT", "OFF"}) == "+OK\r\n");
  CHECK(bulkBody(ts.run({"CLIENT", "INFO"})).find(" flags=N ") != std::string::npos);
  CHECK(ts.run({"CLIENT", "GETREDIR"}) == ":-1\r\n");
  CHECK(ts.run({"CLIENT", "UNBLOCK", "1"}) == ":0\r\n");
  CHECK(ts.run({"CLIENT", "UNBLOCK", "1", "foo"}) ==
        "-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\r\n");
  CHECK(ts.run({"CLIENT", "UNBLOCK", "abc"}) == "-ERR value is not an integer or out of range\r\n");
}

TEST_CASE("connection: CLIENT TRACKING state, CACHING, TRACKINGINFO") {
  TestServer ts;
  CHECK(ts.run({"CLIENT", "TRACKINGINFO"}) ==
        "*6\r\n$5\r\nflags\r\n*1\r\n$3\r\noff\r\n$8\r\nredirect\r\n:-1\r\n$8\r\nprefixes\r\n*0\r\n");
  CHECK(ts.run({"CLIENT", "CACHING", "yes"}) ==
        "-ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN "
        "or OPTOUT mode enabled\r\n");
  CHECK(ts.run({"CLIENT", "TRACKING", "foo"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"CLIENT", "TRACKING", "on", "optin"}) == "+OK\r\n");
  CHECK(ts.run({"CLIENT", "TRACKINGINFO"}) ==
        "*6\r\n$5\r\nflags\r\n*2\r\n$2\r\non\r\n$5\r\noptin\r\n$8\r\nredirect\r\n:0\r\n$8\r\n"
        "prefixes\r\n*0\r\n");
  CHECK(ts.run({"CLIENT", "GETREDIR"}) == ":0\r\n");
  CHECK(ts.run({"CLIENT", "CACHING", "yes"}) == "+OK\r\n");
  CHECK(ts.run({"CLIENT", "TRACKINGINFO"}) ==
        "*6\r\n$5\r\nflags\r\n*3\r\n$2\r\non\r\n$5\r\noptin\r\n$11\r\ncaching-yes\r\n$8\r\n"
        "redirect\r\n:0\r\n$8\r\nprefixes\r\n*0\r\n");
  CHECK(ts.run({"CLIENT", "CACHING", "no"}) ==
        "-ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.\r\n");
  CHECK(ts.run({"CLIENT", "CACHING", "maybe"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"CLIENT", "TRACKING", "on", "optout"}) ==
        "-ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and "
        "then re-enabling it with a different mode.\r\n");
  CHECK(ts.run({"CLIENT", "TRACKING", "on", "bcast"}) ==
        "-ERR You can't switch BCAST mode on/off before disabling tracking for this client, and "
        "then re-enabling it with a different mode.\r\n");
  CHECK(ts.run({"CLIENT", "TRACKING", "off"}) == "+OK\r\n");
  CHECK(ts.run({"CLIENT", "TRACKING", "on", "prefix", "a"}) ==
        "-ERR PREFIX option requires BCAST mode to be enabled\r\n");
  CHECK(ts.run({"CLIENT", "TRACKING", "on", "bcast", "optin"}) ==
        "-ERR OPTIN and OPTOUT are not compatible with BCAST\r\n");
  CHECK(ts.run({"CLIENT", "TRACKING", "on", "optin", "optout"}) ==
        "-ERR You can't specify both OPTIN mode and OPTOUT mode\r\n");
  CHECK(ts.run({"CLIENT", "TRACKING", "on", "bcast", "prefix", "a", "prefix", "ab"}) ==
        "-ERR Prefix 'a' overlaps with another provided prefix 'ab'. Prefixes for a single "
        "client must not overlap.\r\n");
  CHECK(ts.run({"CLIENT", "TRACKING", "on", "bcast", "prefix", "b", "prefix", "a", "noloop"}) ==
        "+OK\r\n");
  CHECK(ts.run({"CLIENT", "TRACKINGINFO"}) ==
        "*6\r\n$5\r\nflags\r\n*3\r\n$2\r\non\r\n$5\r\nbcast\r\n$6\r\nnoloop\r\n$8\r\nredirect\r\n"
        ":0\r\n$8\r\nprefixes\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n");
  CHECK(ts.run({"CLIENT", "TRACKING", "on", "redirect", "999999"}) ==
        "-ERR The client ID you want redirect to does not exist\r\n");
  CHECK(ts.run({"CLIENT", "TRACKING", "on", "redirect", "abc"}) ==
        "-ERR value is not an integer or out of range\r\n");
  CHECK(ts.run({"CLIENT", "TRACKING", "off"}) == "+OK\r\n");
  CHECK(ts.run({"CLIENT", "TRACKING", "on", "bcast"}) == "+OK\r\n");
  CHECK(ts.run({"CLIENT", "TRACKINGINFO"}) ==
        "*6\r\n$5\r\nflags\r\n*2\r\n$2\r\non\r\n$5\r\nbcast\r\n$8\r\nredirect\r\n:0\r\n$8\r\n"
        "prefixes\r\n*1\r\n$0\r\n\r\n");
  CHECK(ts.run({"CLIENT", "TRACKING", "off"}) == "+OK\r\n");
}

TEST_CASE("connection: COMMAND INFO rows") {
  TestServer ts;
  CHECK(ts.run({"COMMAND", "INFO", "reset"}) ==
        "*1\r\n*10\r\n$5\r\nreset\r\n:1\r\n*6\r\n+noscript\r\n+loading\r\n+stale\r\n+fast\r\n"
        "+no_auth\r\n+allow_busy\r\n:0\r\n:0\r\n:0\r\n*2\r\n+@fast\r\n+@connection\r\n*0\r\n*0\r\n"
        "*0\r\n");
  CHECK(ts.run({"COMMAND", "INFO", "client|kill"}) ==
        "*1\r\n*10\r\n$11\r\nclient|kill\r\n:-3\r\n*4\r\n+admin\r\n+noscript\r\n+loading\r\n"
        "+stale\r\n:0\r\n:0\r\n:0\r\n*4\r\n+@admin\r\n+@slow\r\n+@dangerous\r\n+@connection\r\n"
        "*0\r\n*0\r\n*0\r\n");
  // Up to the tips (their encoding is the command table's business).
  CHECK(ts.run({"COMMAND", "INFO", "client|list"}).rfind(
            "*1\r\n*10\r\n$11\r\nclient|list\r\n:-2\r\n*4\r\n+admin\r\n+noscript\r\n+loading\r\n"
            "+stale\r\n:0\r\n:0\r\n:0\r\n*4\r\n+@admin\r\n+@slow\r\n+@dangerous\r\n+@connection\r\n"
            "*1\r\n",
            0) == 0);
  CHECK(ts.run({"COMMAND", "INFO", "echo"}) ==
        "*1\r\n*10\r\n$4\r\necho\r\n:2\r\n*3\r\n+loading\r\n+stale\r\n+fast\r\n:0\r\n:0\r\n:0\r\n"
        "*2\r\n+@fast\r\n+@connection\r\n*0\r\n*0\r\n*0\r\n");
  CHECK(ts.run({"COMMAND", "INFO", "hello"}) ==
        "*1\r\n*10\r\n$5\r\nhello\r\n:-1\r\n*6\r\n+noscript\r\n+loading\r\n+stale\r\n+fast\r\n"
        "+no_auth\r\n+allow_busy\r\n:0\r\n:0\r\n:0\r\n*2\r\n+@fast\r\n+@connection\r\n*0\r\n*0\r\n"
        "*0\r\n");
  CHECK(ts.run({"COMMAND", "INFO", "auth"}) ==
        "*1\r\n*10\r\n$4\r\nauth\r\n:-2\r\n*6\r\n+noscript\r\n+loading\r\n+stale\r\n+fast\r\n"
        "+no_auth\r\n+allow_busy\r\n:0\r\n:0\r\n:0\r\n*2\r\n+@fast\r\n+@connection\r\n*0\r\n*0\r\n"
        "*0\r\n");
  CHECK(ts.run({"COMMAND", "INFO", "client|help"}) ==
        "*1\r\n*10\r\n$11\r\nclient|help\r\n:2\r\n*2\r\n+loading\r\n+stale\r\n:0\r\n:0\r\n:0\r\n"
        "*2\r\n+@slow\r\n+@connection\r\n*0\r\n*0\r\n*0\r\n");
}
