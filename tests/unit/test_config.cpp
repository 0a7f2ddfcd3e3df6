// tests/unit/test_config.cpp — unit tests for common/config: defaults as CONFIG GET shows
// them, CONFIG SET (errors, atomicity, rollback, apply callbacks), config file loading with
// the fatal error report, command-line overrides, value rendering, and CONFIG REWRITE.
// Every expected string was produced by the real redis-server 7.0.15 / redis-cli.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "common/config.h"

using namespace osprey;

namespace {

std::string get1(const std::string& name) {
  std::string v;
  REQUIRE(configGetValue(name, &v));
  return v;
}

std::string set1(const std::string& name, const std::string& value) { return configSet({{name, value}}); }

std::string loadError(const std::string& text) {
  configResetToDefaults();
  std::string report;
  CHECK_FALSE(configLoadFromString(text, &report));
  return report;
}

std::string fatal(int line, const std::string& text, const std::string& message) {
  return "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line " +
         std::to_string(line) + "\n>>> '" + text + "'\n" + message + "\n";
}

std::string tempPath(const std::string& name) {
  return "/tmp/osprey-test-config-" + std::to_string(getpid()) + "-" + name;
}

void writeFile(const std::string& path, const std::string& content) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << content;
}

std::string readFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

}  // namespace

TEST_CASE("config: defaults as CONFIG GET renders them") {
  configResetToDefaults();
  std::map<std::string, std::string> all;
  for (auto& [k, v] : configGet({"*"})) all[k] = v;
  CHECK(all.size() == 192);  // as `CONFIG GET *` on redis-server 7.0.15 (aliases included)
  CHECK(all["bind"] == "* -::*");
  CHECK(all["port"] == "6379");
  CHECK(all["protected-mode"] == "yes");
  CHECK(all["save"] == "3600 1 300 100 60 10000");
  CHECK(all["client-output-buffer-limit"] == "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60");
  CHECK(all["oom-score-adj-values"] == "0 200 800");
  CHECK(all["latency-tracking-info-percentiles"] == "50 99 99.9");
  CHECK(all["proc-title-template"] == "{title} {listen-addr} {server-mode}");
  CHECK(all["maxmemory-policy"] == "noeviction");
  CHECK(all["loglevel"] == "notice");
  CHECK(all["unixsocketperm"] == "0");
  CHECK(all["proto-max-bulk-len"] == "536870912");
  CHECK(all["client-query-buffer-limit"] == "1073741824");
  CHECK(all["busy-reply-threshold"] == "5000");
  CHECK(all["lua-time-limit"] == "5000");
  CHECK(all["slave-read-only"] == "yes");
  CHECK(all["repl-diskless-load"] == "disabled");
  CHECK(all["notify-keyspace-events"] == "");
  CHECK(all["list-max-listpack-size"] == "-2");
  CHECK(all["tls-auth-clients"] == "yes");
  CHECK(all["shutdown-on-sigint"] == "default");
  CHECK(all["replicaof"] == "");
  // Hidden parameters need their exact name.
  CHECK(all.count("key-load-delay") == 0);
  CHECK(all.count("watchdog-period") == 0);
  CHECK(get1("loading-process-events-interval-bytes") == "2097152");
  CHECK(get1("lua-enable-deprecated-api") == "no");
}

TEST_CASE("config: CONFIG GET patterns, aliases, case and duplicates") {
  configResetToDefaults();
  using KV = std::vector<std::pair<std::string, std::string>>;
  CHECK(configGet({"PORT"}) == KV{{"PORT", "6379"}});  // exact names are echoed as typed
  CHECK(configGet({"PORT", "p*rt"}) == KV{{"PORT", "6379"}});
  CHECK(configGet({"port", "PORT"}) == KV{{"port", "6379"}});
  CHECK(configGet({"nosuch"}).empty());
  CHECK(configGet({"lua-time-limit"}) == KV{{"lua-time-limit", "5000"}});
  auto mm = configGet({"maxmemory*"});
  CHECK(mm.size() == 5);
  auto slaves = configGet({"SLAVE*"});
  CHECK(slaves.size() == 8);
  auto two = configGet({"hz", "timeout"});
  CHECK(two == KV{{"hz", "10"}, {"timeout", "0"}});
}

TEST_CASE("config: CONFIG SET errors are Redis's") {
  configResetToDefaults();
  CHECK(set1("foo", "1") == "ERR Unknown option or number of arguments for CONFIG SET - 'foo'");
  CHECK(set1("maxmemory", "10xb") ==
        "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value");
  CHECK(set1("MAXMEMORY", "x") ==
        "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value");
  CHECK(set1("LUA-TIME-LIMIT", "x") ==
        "ERR CONFIG SET failed (possibly related to argument 'lua-time-limit') - argument couldn't be parsed "
        "into an integer");
  CHECK(set1("daemonize", "no") ==
        "ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable config");
  CHECK(set1("dir", "/tmp") ==
        "ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config");
  CHECK(set1("hz", "1k") ==
        "ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an integer");
  CHECK(set1("timeout", "-1") ==
        "ERR CONFIG SET failed (possibly related to argument 'timeout') - argument must be between 0 and "
        "2147483647 inclusive");
  CHECK(set1("activedefrag", "maybe") ==
        "ERR CONFIG SET failed (possibly related to argument 'activedefrag') - argument must be 'yes' or 'no'");
  CHECK(set1("loglevel", "loud") ==
        "ERR CONFIG SET failed (possibly related to argument 'loglevel') - argument(s) must be one of the "
        "following: debug, verbose, notice, warning");
  CHECK(set1("maxmemory-clients", "-5%") ==
        "ERR CONFIG SET failed (possibly related to argument 'maxmemory-clients') - argument must be a memory or "
        "percent value");
  CHECK(set1("save", "100  10") ==
        "ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters");
  CHECK(set1("save", "0 1") == "ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters");
  CHECK(set1("shutdown-on-sigterm", "save nosave") ==
        "ERR CONFIG SET failed (possibly related to argument 'shutdown-on-sigterm') - shutdown options SAVE and "
        "NOSAVE can't be used simultaneously");
  CHECK(set1("notify-keyspace-events", "K E") ==
        "ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - Invalid event class "
        "character. Use 'Ag$lshzxeKEtmdn'.");
  CHECK(set1("client-output-buffer-limit", "master 1 2 3") ==
        "ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - Invalid client class "
        "specified in buffer limit configuration.");
  CHECK(set1("proc-title-template", "{title}") ==
        "ERR CONFIG SET failed (possibly related to argument 'proc-title-template') - template format is invalid "
        "or contains unknown variables");
  CHECK(set1("activedefrag", "yes") ==
        "ERR CONFIG SET failed (possibly related to argument 'activedefrag') - Active defragmentation cannot be "
        "enabled: it requires a Redis server compiled with a modified Jemalloc like the one shipped by default "
        "with the Redis source distribution");
  CHECK(configSet({{"port", "7000"}, {"PORT", "7001"}}) ==
        "ERR CONFIG SET failed (possibly related to argument 'PORT') - duplicate parameter");
  CHECK(configSet({{"daemonize", "no"}, {"foo", "1"}}) ==
        "ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable config");
  CHECK(configSetArgs({"port", "1", "hz"}) == "ERR syntax error");
  ConfigSetContext loading;
  loading.server_loading = true;
  CHECK(configSet({{"appendonly", "no"}}, loading) == "LOADING Redis is loading the dataset in memory");
  CHECK(get1("port") == "6379");  // nothing above changed anything
}

TEST_CASE("config: CONFIG SET values, aliases and rendering") {
  configResetToDefaults();
  CHECK(configSet({{"lua-time-limit", "1"}, {"busy-reply-threshold", "2"}}) == "");  // alias is not a duplicate
  CHECK(cfg().busy_reply_threshold == 2);
  CHECK(set1("maxmemory", "1gb") == "");
  CHECK(get1("maxmemory") == "1073741824");
  CHECK(cfg().maxmemory == 1073741824ULL);
  CHECK(set1("maxmemory", "18446744073709551615") == "");
  CHECK(get1("maxmemory") == "18446744073709551615");
  CHECK(set1("maxmemory-clients", "10%") == "");
  CHECK(get1("maxmemory-clients") == "10%");
  CHECK(set1("maxmemory-clients", "18446744073709551615") == "");
  CHECK(get1("maxmemory-clients") == "1%");
  CHECK(set1("loglevel", "WARNING") == "");
  CHECK(get1("loglevel") == "warning");
  CHECK(cfg().loglevel == LL_WARNING);
  CHECK(set1("save", "100 10 20 30") == "");
  CHECK(get1("save") == "100 10 20 30");
  CHECK(set1("save", "+5 1") == "");
  CHECK(get1("save") == "5 1");
  CHECK(set1("save", "") == "");
  CHECK(get1("save") == "");
  CHECK(set1("shutdown-on-sigint", "nosave NOW") == "");
  CHECK(get1("shutdown-on-sigint") == "nosave now");
  CHECK(set1("shutdown-on-sigterm", "now default") == "");
  CHECK(get1("shutdown-on-sigterm") == "now");
  CHECK(set1("client-output-buffer-limit", "replica 1mb 2k 3") == "");
  CHECK(get1("client-output-buffer-limit") == "normal 0 0 0 slave 1048576 2000 3 pubsub 33554432 8388608 60");
  CHECK(set1("latency-tracking-info-percentiles", "0.123456789 1e-10 33.3333333") == "");
  CHECK(get1("latency-tracking-info-percentiles") == "0.123457 0 33.333333");
  CHECK(set1("oom-score-adj", "relative") == "");
  CHECK(get1("oom-score-adj") == "yes");
  CHECK(set1("hz", "1000") == "");
  CHECK(get1("hz") == "500");
  CHECK(set1("hz", "0") == "");
  CHECK(get1("hz") == "1");
  CHECK(set1("repl-backlog-size", "1") == "");
  CHECK(get1("repl-backlog-size") == "16384");
  CHECK(set1("list-max-ziplist-size", "-5") == "");
  CHECK(get1("list-max-listpack-size") == "-5");
  CHECK(set1("slave-read-only", "no") == "");
  CHECK(cfg().replica_read_only == false);
}

TEST_CASE("config: notify-keyspace-events flags") {
  CHECK(formatNotifyKeyspaceEvents(parseNotifyKeyspaceEvents("KEA")) == "AKE");
  CHECK(formatNotifyKeyspaceEvents(parseNotifyKeyspaceEvents("Kg$lshzxetdnm")) == "AKm");
  CHECK(formatNotifyKeyspaceEvents(parseNotifyKeyspaceEvents("Kx")) == "xK");
  CHECK(formatNotifyKeyspaceEvents(parseNotifyKeyspaceEvents("EAAxm")) == "AEm");
  CHECK(formatNotifyKeyspaceEvents(parseNotifyKeyspaceEvents("Kndx")) == "xdnK");
  CHECK(parseNotifyKeyspaceEvents("Q") == -1);
  CHECK(parseNotifyKeyspaceEvents("") == 0);
}

TEST_CASE("config: CONFIG SET is all or nothing") {
  configResetToDefaults();
  CHECK(configSet({{"hz", "5"}, {"maxmemory", "x"}}) ==
        "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value");
  CHECK(get1("hz") == "10");

  // Apply callbacks run once after all values are set; a refusal restores every value and
  // re-applies the old ones.
  static int applied = 0;
  static bool refuse = false;
  static std::vector<long long> seen;
  configOnApply(std::vector<std::string>{"key-load-delay", "rdb-key-save-delay"}, [](std::string* err) {
    applied++;
    seen.push_back(cfg().key_load_delay);
    if (refuse) {
      *err = "refused by test";
      return false;
    }
    return true;
  });
  CHECK(configSet({{"key-load-delay", "5"}, {"rdb-key-save-delay", "6"}}) == "");
  CHECK(applied == 1);
  CHECK(cfg().key_load_delay == 5);
  CHECK(set1("key-load-delay", "5") == "");  // unchanged: no apply
  CHECK(applied == 1);
  refuse = true;
  seen.clear();
  CHECK(configSet({{"hz", "20"}, {"key-load-delay", "7"}}) ==
        "ERR CONFIG SET failed (possibly related to argument 'key-load-delay') - refused by test");
  CHECK(cfg().key_load_delay == 5);
  CHECK(get1("hz") == "10");
  CHECK(seen == std::vector<long long>{7, 5});  // applied with the new value, then re-applied with the old
  refuse = false;
}

TEST_CASE("config: protected configs") {
  configResetToDefaults();
  CHECK_FALSE(protectedActionAllowed(PROTECTED_ACTION_NO, true));
  CHECK(protectedActionAllowed(PROTECTED_ACTION_YES, false));
  CHECK(protectedActionAllowed(PROTECTED_ACTION_LOCAL, true));
  CHECK_FALSE(protectedActionAllowed(PROTECTED_ACTION_LOCAL, false));
  std::string report;
  REQUIRE(configLoadFromString("enable-protected-configs local\n", &report));
  ConfigSetContext remote;
  remote.client_is_local = false;
  CHECK(configSet({{"dbfilename", "x.rdb"}}, remote) ==
        "ERR CONFIG SET failed (possibly related to argument 'dbfilename') - can't set protected config");
  CHECK(configSet({{"dbfilename", "a/b"}}) ==
        "ERR CONFIG SET failed (possibly related to argument 'dbfilename') - dbfilename can't be a path, just a "
        "filename");
  CHECK(configSet({{"dbfilename", "x.rdb"}}) == "");
  CHECK(cfg().dbfilename == "x.rdb");
}

TEST_CASE("config: fatal config file errors") {
  CHECK(loadError("port 7311\nfoo bar\n") == fatal(2, "foo bar", "Bad directive or wrong number of arguments"));
  CHECK(loadError("daemonize maybe\n") == fatal(1, "daemonize maybe", "argument must be 'yes' or 'no'"));
  CHECK(loadError("port abc\n") == fatal(1, "port abc", "argument couldn't be parsed into an integer"));
  CHECK(loadError("port 70000\n") == fatal(1, "port 70000", "argument must be between 0 and 65535 inclusive"));
  CHECK(loadError("hz 05\n") == fatal(1, "hz 05", "argument couldn't be parsed into an integer"));
  CHECK(loadError("   port    abc   \n") == fatal(1, "port    abc", "argument couldn't be parsed into an integer"));
  CHECK(loadError("\tport abc\r\n") == fatal(1, "port abc", "argument couldn't be parsed into an integer"));
  CHECK(loadError("hz 1 2\n") == fatal(1, "hz 1 2", "wrong number of arguments"));
  CHECK(loadError("maxmemory 1.5gb\n") == fatal(1, "maxmemory 1.5gb", "argument must be a memory value"));
  CHECK(loadError("proto-max-bulk-len 10\n") ==
        fatal(1, "proto-max-bulk-len 10", "argument must be between 1048576 and 9223372036854775807 inclusive"));
  CHECK(loadError("maxmemory-clients 200%\n") ==
        fatal(1, "maxmemory-clients 200%", "percentage argument must be less or equal to 100"));
  CHECK(loadError("unixsocketperm 999\n") ==
        fatal(1, "unixsocketperm 999", "argument couldn't be parsed as an octal number"));
  CHECK(loadError("unixsocketperm 1777\n") ==
        fatal(1, "unixsocketperm 1777", "argument must be between 0 and 777 inclusive"));
  CHECK(loadError("loglevel loud\n") ==
        fatal(1, "loglevel loud", "argument(s) must be one of the following: debug, verbose, notice, warning"));
  CHECK(loadError("save 3600 1 300\n") == fatal(1, "save 3600 1 300", "Invalid save parameters"));
  CHECK(loadError("port 1\n\n# x\nport \"a\"b\n") ==
        fatal(4, "port \"a\"b", "Unbalanced quotes in configuration line"));
  CHECK(loadError("replicaof a b\n") == fatal(1, "replicaof a b", "Invalid master port"));
  CHECK(loadError("rename-command\n") == fatal(1, "rename-command", "Bad directive or wrong number of arguments"));
  CHECK(loadError("foo.bar\n") == fatal(1, "foo.bar", "Module config specified without value"));
  CHECK(loadError("sentinel monitor a b c d\n") ==
        fatal(1, "sentinel monitor a b c d", "sentinel directive while not in sentinel mode"));
  CHECK(loadError("client-output-buffer-limit normal 1x 2 3\n") ==
        fatal(1, "client-output-buffer-limit normal 1x 2 3",
              "Error in hard, soft or soft_seconds setting in buffer limit configuration."));
  CHECK(loadError("dir /nonexistdir\n") == fatal(1, "dir /nonexistdir", "No such file or directory"));
  CHECK(loadError("logfile /nonexist/x.log\n") ==
        "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nCan't open the log file: No such file or directory\n");
  CHECK(loadError("cluster-enabled yes\nreplicaof 1.2.3.4 5\n") ==
        "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nreplicaof directive not allowed in cluster mode\n");
}

TEST_CASE("config: loading a file with include, accumulated save lines and overrides") {
  configResetToDefaults();
  std::string inc = tempPath("inc.conf"), main = tempPath("main.conf");
  writeFile(inc, "maxmemory 100mb\nsave 200 2\n");
  writeFile(main, "# comment\nport 7000\nsave 100 1\ninclude " + inc +
                      "\nlist-max-ziplist-entries 5\nrename-command FLUSHALL \"\"\nbind 1.2.3.4\nhz 0\n");
  std::string report;
  REQUIRE(configLoad(main, {"--save", "5", "5", "--timeout", "7", "--bind", "127.0.0.1 -::1"}, &report));
  CHECK(get1("port") == "7000");
  CHECK(get1("maxmemory") == "104857600");
  CHECK(get1("save") == "100 1 200 2 5 5");
  CHECK(get1("timeout") == "7");
  CHECK(get1("bind") == "127.0.0.1 -::1");
  CHECK(get1("hz") == "1");
  CHECK(cfg().rename_commands == std::vector<std::pair<std::string, std::string>>{{"FLUSHALL", ""}});
  CHECK(configFilePath() == main);

  // Override lines are numbered after the file's own lines (the file plus one separator).
  configResetToDefaults();
  writeFile(main, "port 7311\n");
  CHECK_FALSE(configLoad(main, {"--hz", "5", "--port", "abc"}, &report));
  CHECK(report == fatal(4, "port \"abc\"", "argument couldn't be parsed into an integer"));

  configResetToDefaults();
  bool is_log = false;
  CHECK_FALSE(configLoad(tempPath("missing.conf"), {}, &report, &is_log));
  CHECK(is_log);
  CHECK(report == "Fatal error, can't open config file '" + tempPath("missing.conf") + "': No such file or directory");
  std::remove(inc.c_str());
  std::remove(main.c_str());
  configResetToDefaults();
}

TEST_CASE("config: command-line overrides as redis-server builds them") {
  bool from_stdin = false;
  CHECK(overridesToConfigText({"--port", "7000", "--save", ""}, &from_stdin) == "port \"7000\" \nsave \"\" ");
  CHECK(overridesToConfigText({"--save", "--port", "1"}, &from_stdin) == "save \"\"\nport \"1\" ");
  CHECK(overridesToConfigText({"--port", "1", "--save"}, &from_stdin) == "port \"1\" \nsave \"\"");
  CHECK(overridesToConfigText({"--port 6380", "--hz", "5"}, &from_stdin) == "port 6380 \nhz \"5\" ");
  CHECK(overridesToConfigText({"--port", "--hz", "5"}, &from_stdin) == "port \"--hz\" \"5\" ");
  CHECK_FALSE(from_stdin);
  CHECK(overridesToConfigText({"-", "--port", "1"}, &from_stdin) == "port \"1\" ");
  CHECK(from_stdin);
  from_stdin = false;
  overridesToConfigText({"-", "--port", "1"}, &from_stdin, true);
  CHECK_FALSE(from_stdin);  // after a config file, "-" counts only as the last argument
}

TEST_CASE("config: splitConfigText") {
  std::vector<ConfigLine> lines;
  ConfigError err;
  REQUIRE(splitConfigText("# c\n\n  PORT 1 \nsave \"\"\n", &lines, &err));
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].lineno == 3);
  CHECK(lines[0].text == "PORT 1");
  CHECK(lines[0].argv == std::vector<std::string>{"port", "1"});
  CHECK(lines[1].argv == std::vector<std::string>{"save", ""});
  lines.clear();
  CHECK_FALSE(splitConfigText("port 1\nport \"x\n", &lines, &err));
  CHECK(err.line == 2);
  CHECK(err.message == "Unbalanced quotes in configuration line");
  CHECK(formatConfigError(ConfigError{2, "foo bar", "Bad directive or wrong number of arguments"}) ==
        "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 2\n>>> 'foo "
        "bar'\nBad directive or wrong number of arguments\n");
}

TEST_CASE("config: CONFIG REWRITE keeps the file's shape") {
  configResetToDefaults();
  CHECK(configRewrite() == "ERR The server is running without a config file");
  std::string path = tempPath("rewrite.conf");
  writeFile(path,
            "# Redis config\n   # indented comment\nport 7312\n  bind 127.0.0.1 -::1\n\n\nsave 900 1\nsave 300 "
            "10\nslave-read-only no\nlua-time-limit 3000\nmaxmemory 100mb\nrename-command FLUSHALL \"\"\nhz 10\nhz "
            "20\nlist-max-ziplist-entries 512\n# end\n");
  std::string report;
  REQUIRE(configLoad(path, {}, &report));
  writeFile(path, readFile(path) + "foo-unknown bar\n");  // edited behind the server's back
  CHECK(configSetArgs({"maxmemory", "2gb", "slave-read-only", "yes", "save", "60 5", "timeout", "30", "bind",
                       "127.0.0.1", "notify-keyspace-events", "KEA", "masterauth", "a b\"c"}) == "");
  REQUIRE(configRewrite() == "");
  std::string dir = cfg().dir;
  // Same bytes as redis-server 7.0.15 (whose appended lines come in hash order; ours in
  // table order).
  CHECK(readFile(path) ==
        "# Redis config\n# indented comment\nport 7312\nbind 127.0.0.1\n\nsave 60 5\n\nreplica-read-only "
        "yes\nbusy-reply-threshold 3000\nmaxmemory 2gb\nrename-command FLUSHALL \"\"\nhz 20\n\n# ??? "
        "list-max-ziplist-entries 512\n# end\n# ??? foo-unknown bar\n\n# Generated by CONFIG REWRITE\nmasterauth "
        "\"a b\\\"c\"\ntimeout 30\ndir \"" +
            dir + "\"\nnotify-keyspace-events \"AKE\"\nlatency-tracking-info-percentiles 50 99 99.9\nuser default on "
            "nopass ~* &* +@all\n");
  std::remove(path.c_str());
  configResetToDefaults();
}

TEST_CASE("config: effective and sensitive parameters") {
  CHECK(configIsEffective("port"));
  CHECK(configIsEffective("lua-time-limit"));
  CHECK_FALSE(configIsEffective("maxmemory"));
  CHECK(configIsSensitive("requirepass"));
  CHECK(configIsSensitive("masterauth"));
  CHECK_FALSE(configIsSensitive("port"));
  CHECK(std::string(logLevelName(LL_VERBOSE)) == "verbose");
  CHECK(std::string(maxmemoryPolicyName(MAXMEMORY_ALLKEYS_LFU)) == "allkeys-lfu");
  CHECK(formatSaveParams({{3600, 1}, {300, 100}}) == "3600 1 300 100");
}
