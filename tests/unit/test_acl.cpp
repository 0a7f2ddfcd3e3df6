// tests/unit/test_acl.cpp — the ACL core (common/acl.h): rule parsing and its errors,
// descriptions, credentials, permission checks with selectors, ACL files, the log; and the
// server's catalogue against the command table's ACL categories.
#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <unistd.h>

#include "common/acl.h"
#include "common/sha256.h"
#include "server/acl.h"
#include "server/server.h"
#include "tests/unit/harness.h"

using namespace osprey;
using namespace osprey::acl;

namespace {

// A small catalogue: enough commands to exercise categories, containers and first args.
const AclCatalog& testCatalog() {
  static AclCatalog cat = [] {
    AclCatalog c;
    c.add("get", 2, false, categoryFlags("read string fast"));
    c.add("set", -3, false, categoryFlags("write string slow"));
    c.add("incr", 2, false, categoryFlags("write string fast"));
    c.add("sadd", -3, false, categoryFlags("write set fast"));
    c.add("strlen", 2, false, categoryFlags("read string fast"));
    c.add("smembers", 2, false, categoryFlags("read set slow"));
    c.add("shutdown", -1, false, categoryFlags("admin slow dangerous"));
    c.add("debug", -2, false, categoryFlags("admin slow dangerous"));
    c.add("config", -2, false, categoryFlags("slow"));
    c.add("config|get", -3, false, categoryFlags("admin slow dangerous"));
    c.add("config|set", -4, false, categoryFlags("admin slow dangerous"));
    c.add("select", 2, false, categoryFlags("fast connection"));
    c.add("auth", -2, true, categoryFlags("fast connection"));
    c.add("publish", 3, false, categoryFlags("pubsub fast"));
    return c;
  }();
  return cat;
}

std::string setErr(Acl& a, const std::vector<std::string>& rules, const char* name = "u") {
  return a.setUser(name, rules);
}

Verdict checkCmd(const Acl& a, const User& u, std::vector<std::string> argv,
                 std::vector<KeyRef> keys = {}, std::vector<ChannelRef> channels = {},
                 int* pos = nullptr) {
  CallInfo call;
  call.cmd = a.catalog().find(argv.size() > 1 && a.catalog().find(argv[0] + "|" + argv[1])
                                  ? argv[0] + "|" + argv[1]
                                  : argv[0]);
  call.argv = &argv;
  if (!keys.empty()) call.keys = [keys](std::vector<KeyRef>& out) { out = keys; };
  if (!channels.empty()) call.channels = [channels](std::vector<ChannelRef>& out) { out = channels; };
  int p = 0;
  Verdict v = a.check(u, call, &p);
  if (pos) *pos = p;
  return v;
}

}  // namespace

TEST_CASE("acl: sha256 of passwords") {
  CHECK(sha256hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // Two blocks of padding (55 < len % 64), and a multi-block message.
  CHECK(sha256hex(std::string(56, 'a')) ==
        "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
  CHECK(sha256hex(std::string(1000, 'x')).size() == 64);
}

TEST_CASE("acl: the default user and new users") {
  Acl a(&testCatalog());
  CHECK(a.describeUser(a.defaultUser()) == "on nopass ~* &* +@all");
  CHECK(setErr(a, {}) == "");
  CHECK(a.describeUser(*a.find("u")) == "off resetchannels -@all");
  CHECK(setErr(a, {"reset"}) == "");
  CHECK(a.describeUser(*a.find("u")) == "off sanitize-payload resetchannels -@all");
  a.setPubsubDefaultAll(true);
  CHECK(setErr(a, {}, "v") == "");
  CHECK(a.describeUser(*a.find("v")) == "off &* -@all");
  CHECK(a.users().size() == 3);
  CHECK(a.users()[0]->name == "default");  // name order
}

TEST_CASE("acl: rule errors have Redis's texts and change nothing") {
  Acl a(&testCatalog());
  CHECK(setErr(a, {"on", "+get"}) == "");
  auto modErr = [](const std::string& op, const std::string& why) {
    return "Error in ACL SETUSER modifier '" + op + "': " + why;
  };
  CHECK(setErr(a, {"foo"}) == modErr("foo", "Syntax error"));
  CHECK(setErr(a, {"+nosuch"}) == modErr("+nosuch", "Unknown command or category name in ACL"));
  CHECK(setErr(a, {"-@nosuch"}) == modErr("-@nosuch", "Unknown command or category name in ACL"));
  CHECK(setErr(a, {"+config|get|x"}) ==
        modErr("+config|get|x", "Allowing first-arg of a subcommand is not supported"));
  CHECK(setErr(a, {"+config|nosuch"}) ==
        modErr("+config|nosuch", "Unknown command or category name in ACL"));
  CHECK(setErr(a, {"+select|"}) == modErr("+select|", "Syntax error"));
  CHECK(setErr(a, {"#abc"}) ==
        modErr("#abc", "The password hash must be exactly 64 characters and contain only "
                       "lowercase hexadecimal characters"));
  CHECK(setErr(a, {"<nopass"}) ==
        modErr("<nopass", "The password you are trying to remove from the user does not exist"));
  CHECK(setErr(a, {"allkeys", "~x"}).find("'allkeys' flag") != std::string::npos);
  CHECK(setErr(a, {"allchannels", "&x"}).find("'allchannels' flag") != std::string::npos);
  CHECK(setErr(a, {"%X~x"}) == modErr("%X~x", "Syntax error"));
  CHECK(setErr(a, {"(+get", "~x"}) ==
        "Unmatched parenthesis in acl selector starting at '(+get'.");
  CHECK(setErr(a, {"(nosuch)"}) == modErr("(nosuch)", "Syntax error"));
  CHECK(setErr(a, {"(&* &x)"}).find("modifier '(&* &x)': Adding a pattern after") != std::string::npos);
  // The valid rules before a bad one were not applied either.
  CHECK(setErr(a, {"+set", "bad"}) == modErr("bad", "Syntax error"));
  CHECK(a.describeUser(*a.find("u")) == "on resetchannels -@all +get");
  CHECK(setErr(a, {"bad"}, "newuser") != "");
  CHECK(a.find("newuser") == nullptr);
}

TEST_CASE("acl: passwords, hashes and credentials") {
  Acl a(&testCatalog());
  CHECK(setErr(a, {">p1", ">p2", ">p1"}) == "");
  User& u = *a.find("u");
  CHECK(u.passwords.size() == 2);
  CHECK(u.passwords[0] == sha256hex("p1"));
  CHECK_FALSE(a.checkCredentials("u", "p1"));  // off
  CHECK(setErr(a, {"on"}) == "");
  CHECK(a.checkCredentials("u", "p1"));
  CHECK(a.checkCredentials("u", "p2"));
  CHECK_FALSE(a.checkCredentials("u", "p3"));
  CHECK_FALSE(a.checkCredentials("nosuch", "p1"));
  CHECK(setErr(a, {"<p1", "!" + sha256hex("p2"), "#" + sha256hex("p4")}) == "");
  CHECK_FALSE(a.checkCredentials("u", "p1"));
  CHECK(a.checkCredentials("u", "p4"));
  CHECK(setErr(a, {"nopass"}) == "");
  CHECK(a.checkCredentials("u", "anything"));
  CHECK(setErr(a, {"resetpass"}) == "");
  CHECK_FALSE(a.checkCredentials("u", "anything"));
  // requirepass sets the default user's only password.
  a.setDefaultPassword("foo");
  CHECK(a.describeUser(a.defaultUser()) == "on #" + sha256hex("foo") + " ~* &* +@all");
  CHECK(a.checkCredentials("default", "foo"));
  a.setDefaultPassword("");
  CHECK(a.describeUser(a.defaultUser()) == "on nopass ~* &* +@all");
}

TEST_CASE("acl: key and channel patterns") {
  Acl a(&testCatalog());
  CHECK(setErr(a, {"%R~foo", "%W~foo", "%RW~bar", "~baz", "%R~r*", "&c1", "&c1", "&c2"}) == "");
  const Selector& s = a.find("u")->selectors[0];
  CHECK(Acl::describeKeys(s) == "~foo ~bar ~baz %R~r*");
  CHECK(Acl::describeChannels(s) == "&c1 &c2");
  // A pattern with neither R nor W (Redis panics describing it): described as given.
  CHECK(setErr(a, {"%~odd"}, "w") == "");
  CHECK(Acl::describeKeys(a.find("w")->selectors[0]) == "%~odd");
  CHECK(setErr(a, {"allkeys", "allchannels"}) == "");
  CHECK(a.describeUser(*a.find("u")) == "off ~* &* -@all");
  CHECK(setErr(a, {"resetkeys", "resetchannels"}) == "");
  CHECK(a.describeUser(*a.find("u")) == "off resetchannels -@all");
}

TEST_CASE("acl: command rules are described with the fewest rules") {
  Acl a(&testCatalog());
  auto cmds = [&](std::vector<std::string> rules) {
    a.setUser("c", {"reset"});
    REQUIRE(a.setUser("c", rules) == "");
    return a.describeCommandRules(a.find("c")->selectors[0]);
  };
  CHECK(cmds({"+@all"}) == "+@all");
  CHECK(cmds({"+@all", "-@string"}) == "+@all -@string");
  CHECK(cmds({"-@all", "+@string"}) == "-@all +@string");
  CHECK(cmds({"+@all", "-get"}) == "+@all -get");
  CHECK(cmds({"+get", "+set"}) == "-@all +get +set");
  // A container covers its subcommands; single subcommands are named after it.
  CHECK(cmds({"+config|get"}) == "-@all +config|get");
  CHECK(cmds({"+config|get", "+config"}) == "-@all +config");
  CHECK(cmds({"+@all", "-config|set"}) == "+@all -config|set");
  // First arguments of an otherwise denied command.
  CHECK(cmds({"+select|0", "+select|1", "+select|0"}) == "-@all +select|0 +select|1");
  CHECK(cmds({"+select|0", "+select"}) == "-@all +select");
  CHECK(cmds({"allcommands", "nocommands"}) == "-@all");
}

TEST_CASE("acl: selectors") {
  Acl a(&testCatalog());
  CHECK(setErr(a, {"on", "nopass", "(+get ~r*)", "( +set ~w* )", "(", "+incr", "~c*", ")"}) == "");
  const User& u = *a.find("u");
  REQUIRE(u.selectors.size() == 4);
  CHECK(a.describeUser(u) ==
        "on nopass resetchannels -@all (~r* resetchannels -@all +get) (~w* resetchannels -@all "
        "+set) (~c* resetchannels -@all +incr)");
  CHECK(setErr(a, {"clearselectors"}) == "");
  CHECK(a.find("u")->selectors.size() == 1);
}

TEST_CASE("acl: checks with commands, keys, channels and selectors") {
  Acl a(&testCatalog());
  CHECK(setErr(a, {"on", "+get", "+set", "+select|0", "+publish", "%R~r*", "%W~w*", "&news:*",
                   "(+incr ~cnt)"}) == "");
  const User& u = *a.find("u");
  int pos = 0;
  CHECK(checkCmd(a, u, {"get", "r1"}, {{1, kKeyRead}}) == Verdict::Ok);
  CHECK(checkCmd(a, u, {"get", "w1"}, {{1, kKeyRead}}, {}, &pos) == Verdict::DeniedKey);
  CHECK(pos == 1);
  CHECK(checkCmd(a, u, {"set", "w1", "v"}, {{1, kKeyWrite}}) == Verdict::Ok);
  CHECK(checkCmd(a, u, {"set", "r1", "v"}, {{1, kKeyWrite}}) == Verdict::DeniedKey);
  // An access that needs neither read nor write (existence tests) matches any pattern.
  CHECK(checkCmd(a, u, {"get", "w1"}, {{1, 0}}) == Verdict::Ok);
  CHECK(checkCmd(a, u, {"sadd", "r1", "x"}, {{1, kKeyWrite}}) == Verdict::DeniedCommand);
  CHECK(checkCmd(a, u, {"select", "0"}) == Verdict::Ok);
  CHECK(checkCmd(a, u, {"select", "1"}) == Verdict::DeniedCommand);
  CHECK(checkCmd(a, u, {"auth", "x"}) == Verdict::Ok);  // no_auth commands always run
  CHECK(checkCmd(a, u, {"publish", "news:1", "m"}, {}, {{1, false}}) == Verdict::Ok);
  CHECK(checkCmd(a, u, {"publish", "other", "m"}, {}, {{1, false}}, &pos) == Verdict::DeniedChannel);
  // The root selector denies INCR, the selector allows it on its one key.
  CHECK(checkCmd(a, u, {"incr", "cnt"}, {{1, kKeyRead | kKeyWrite}}) == Verdict::Ok);
  CHECK(checkCmd(a, u, {"incr", "w1"}, {{1, kKeyRead | kKeyWrite}}) == Verdict::DeniedKey);
  // Channel patterns (PSUBSCRIBE) are compared literally.
  CHECK(a.channelAllowed(u, "news:*", true));
  CHECK_FALSE(a.channelAllowed(u, "news:1*", true));
  CHECK(a.channelAllowed(u, "news:1", false));
}

TEST_CASE("acl: ACL files") {
  Acl a(&testCatalog());
  char dir[] = "/tmp/osprey-acl-XXXXXX";
  REQUIRE(mkdtemp(dir));
  std::string path = std::string(dir) + "/users.acl";
  CHECK(setErr(a, {"on", ">pw", "~k*", "+get", "(+set ~w*)"}, "alice") == "");
  std::string err;
  REQUIRE(a.saveFile(path, &err));
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(text == "user alice on #" + sha256hex("pw") +
                    " ~k* resetchannels -@all +get (~w* resetchannels -@all +set)\n"
                    "user default on nopass ~* &* +@all\n");

  Acl b(&testCatalog());
  CHECK(b.loadFile(path, "users.acl") == "");
  CHECK(b.listLines() == a.listLines());

  std::ofstream(path) << "user bob on +nosuch\nuser bob off\nfoo bar\nuser alice on (+get\n";
  std::string e = b.loadFile(path, "users.acl");
  CHECK(e ==
        "users.acl:1: Error in applying operation '+nosuch': Unknown command or category name in "
        "ACL. WARNING: Duplicate user 'bob' found on line 2. users.acl:3 should start with user "
        "keyword followed by the username. users.acl:4: Unmatched parenthesis in selector "
        "definition.WARNING: ACL errors detected, no change to the previously active ACL rules "
        "was performed");
  CHECK(b.listLines() == a.listLines());  // nothing changed

  // Without a default user in the file, the default user is reset to its defaults.
  std::ofstream(path) << "user carol on nopass +@all\n";
  b.defaultUser().enabled = false;
  CHECK(b.loadFile(path, "users.acl") == "");
  CHECK(b.listLines() == std::vector<std::string>{"user carol on nopass resetchannels +@all",
                                                  "user default on nopass ~* &* +@all"});
  CHECK(b.loadFile(std::string(dir) + "/missing.acl", "x").find("Error loading ACLs, opening file") == 0);
  unlink(path.c_str());
  rmdir(dir);
}

TEST_CASE("acl: config user lines") {
  Acl a(&testCatalog());
  CHECK(a.queueConfigUser({"alice", "on", "nopass", "+get"}) == "");
  CHECK(a.queueConfigUser({"alice", "on"}) ==
        "Error in user declaration 'alice': Duplicate user found. A user can only be defined "
        "once in config files");
  // Redis names the argument of the whole line at the rule's index (a quirk kept as is):
  // the second rule is reported as the user name.
  CHECK(a.queueConfigUser({"bob", "on", "bad"}) == "Error in user declaration 'bob': Syntax error");
  CHECK(a.queueConfigUser({"bob", "on", "nopass", "bad"}) == "Error in user declaration 'on': Syntax error");
  CHECK(a.queueConfigUser({"default", "on", "nopass", "~*", "+@all"}) == "");
  CHECK(a.loadConfiguredUsers() == "");
  std::vector<std::string> lines = a.listLines();
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] == "user alice on nopass resetchannels -@all +get");
  CHECK(lines[1] == "user default on nopass sanitize-payload ~* resetchannels +@all");
}

TEST_CASE("acl: the log groups similar events") {
  Acl a(&testCatalog());
  LogEntry e;
  e.object = "get";
  e.username = "u";
  e.ctime_ms = 1000;
  a.logEvent(e, 3);
  e.ctime_ms = 2000;
  a.logEvent(e, 3);
  REQUIRE(a.log().size() == 1);
  CHECK(a.log()[0].count == 2);
  for (int i = 0; i < 5; i++) {
    e.object = "k" + std::to_string(i);
    a.logEvent(e, 3);
  }
  CHECK(a.log().size() == 3);
  CHECK(a.log()[0].object == "k4");
}

TEST_CASE("acl: the server's catalogue matches COMMAND's ACL categories") {
  test::TestServer ts;
  // Every command Osprey registers names the categories the reference publishes.
  for (const auto& cmd : server.commands.all()) {
    std::vector<const Command*> all{cmd.get()};
    for (const auto& sub : cmd->subcommands) all.push_back(sub.get());
    for (const Command* c : all) {
      const CatalogCommand* entry = acls().catalog().find(c->fullname);
      REQUIRE_MESSAGE(entry, c->fullname);
      uint64_t cats = 0;
      for (const std::string& name : c->acl_categories) cats |= categoryFlag(name);
      CHECK_MESSAGE(cats == entry->categories, c->fullname);
      CHECK_MESSAGE(c->arity == entry->arity, c->fullname);
    }
  }
}
