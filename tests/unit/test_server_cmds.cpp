// tests/unit/test_server_cmds.cpp — the server family in-process: INFO (sections, field
// names and order), CONFIG, DEBUG (DIGEST / DIGEST-VALUE / OBJECT / POPULATE / PROTOCOL),
// SLOWLOG, MONITOR, TIME, LASTSAVE, ROLE, LOLWUT, MEMORY, LATENCY and the latency histogram.
// Expected bytes were produced by the real redis-server 7.0.15; values that depend on time,
// memory or the process are checked by shape.
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "common/config.h"
#include "common/util.h"
#include "server/db.h"
#include "server/server.h"
#include "tests/unit/harness.h"

using namespace osprey;
using osprey::test::TestServer;

namespace osprey {
void recordCommandLatency(Command& cmd, long long duration_us);
}

namespace {

// The text of an INFO reply (RESP2 bulk).
std::string infoText(TestServer& ts, std::vector<std::string> argv) {
  std::string reply = ts.run(std::move(argv));
  REQUIRE(reply.size() >= 4);
  REQUIRE(reply[0] == '$');
  size_t nl = reply.find("\r\n");
  size_t len = std::stoul(reply.substr(1, nl - 1));
  std::string body = reply.substr(nl + 2);
  REQUIRE(body.size() == len + 2);
  return body.substr(0, len);
}

struct Section {
  std::string header;
  std::vector<std::string> fields;  // names, in order
};

std::vector<Section> parseInfo(const std::string& text) {
  std::vector<Section> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find("\r\n", pos);
    REQUIRE(end != std::string::npos);  // every line ends with CRLF
    std::string line = text.substr(pos, end - pos);
    pos = end + 2;
    if (line.empty()) continue;
    if (line[0] == '#') {
      out.push_back({line, {}});
    } else {
      REQUIRE(!out.empty());
      size_t colon = line.find(':');
      REQUIRE(colon != std::string::npos);
      out.back().fields.push_back(line.substr(0, colon));
    }
  }
  return out;
}

std::vector<std::string> words(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> w;
  std::string x;
  while (in >> x) w.push_back(x);
  return w;
}

std::vector<std::string> headers(const std::vector<Section>& sections) {
  std::vector<std::string> h;
  for (const auto& s : sections) h.push_back(s.header);
  return h;
}

// INFO everything of Redis 7.0.15, field names per section (Osprey adds osprey_version).
const char* kServerFields =
    "redis_version osprey_version redis_git_sha1 redis_git_dirty redis_build_id redis_mode os "
    "arch_bits monotonic_clock multiplexing_api atomicvar_api gcc_version process_id "
    "process_supervised run_id tcp_port server_time_usec uptime_in_seconds uptime_in_days hz "
    "configured_hz lru_clock executable config_file io_threads_active";
const char* kClientsFields =
    "connected_clients cluster_connections maxclients client_recent_max_input_buffer "
    "client_recent_max_output_buffer blocked_clients tracking_clients clients_in_timeout_table";
const char* kMemoryFields =
    "used_memory used_memory_human used_memory_rss used_memory_rss_human used_memory_peak "
    "used_memory_peak_human used_memory_peak_perc used_memory_overhead used_memory_startup "
    "used_memory_dataset used_memory_dataset_perc allocator_allocated allocator_active "
    "allocator_resident total_system_memory total_system_memory_human used_memory_lua "
    "used_memory_vm_eval used_memory_lua_human used_memory_scripts_eval number_of_cached_scripts "
    "number_of_functions number_of_libraries used_memory_vm_functions used_memory_vm_total "
    "used_memory_vm_total_human used_memory_functions used_memory_scripts "
    "used_memory_scripts_human maxmemory maxmemory_human maxmemory_policy allocator_frag_ratio "
    "allocator_frag_bytes allocator_rss_ratio allocator_rss_bytes rss_overhead_ratio "
    "rss_overhead_bytes mem_fragmentation_ratio mem_fragmentation_bytes "
    "mem_not_counted_for_evict mem_replication_backlog mem_total_replication_buffers "
    "mem_clients_slaves mem_clients_normal mem_cluster_links mem_aof_buffer mem_allocator "
    "active_defrag_running lazyfree_pending_objects lazyfreed_objects";
const char* kPersistenceFields =
    "loading async_loading current_cow_peak current_cow_size current_cow_size_age "
    "current_fork_perc current_save_keys_processed current_save_keys_total "
    "rdb_changes_since_last_save rdb_bgsave_in_progress rdb_last_save_time "
    "rdb_last_bgsave_status rdb_last_bgsave_time_sec rdb_current_bgsave_time_sec rdb_saves "
    "rdb_last_cow_size rdb_last_load_keys_expired rdb_last_load_keys_loaded aof_enabled "
    "aof_rewrite_in_progress aof_rewrite_scheduled aof_last_rewrite_time_sec "
    "aof_current_rewrite_time_sec aof_last_bgrewrite_status aof_rewrites "
    "aof_rewrites_consecutive_failures aof_last_write_status aof_last_cow_size "
    "module_fork_in_progress module_fork_last_cow_size";
const char* kStatsFields =
    "total_connections_received total_commands_processed instantaneous_ops_per_sec "
    "total_net_input_bytes total_net_output_bytes total_net_repl_input_bytes "
    "total_net_repl_output_bytes instantaneous_input_kbps instantaneous_output_kbps "
    "instantaneous_input_repl_kbps instantaneous_output_repl_kbps rejected_connections sync_full "
    "sync_partial_ok sync_partial_err expired_keys expired_stale_perc "
    "expired_time_cap_reached_count expire_cycle_cpu_milliseconds evicted_keys evicted_clients "
    "total_eviction_exceeded_time current_eviction_exceeded_time keyspace_hits keyspace_misses "
    "pubsub_channels pubsub_patterns pubsubshard_channels latest_fork_usec total_forks "
    "migrate_cached_sockets slave_expires_tracked_keys active_defrag_hits active_defrag_misses "
    "active_defrag_key_hits active_defrag_key_misses total_active_defrag_time "
    "current_active_defrag_time tracking_total_keys tracking_total_items "
    "tracking_total_prefixes unexpected_error_replies total_error_replies "
    "dump_payload_sanitizations total_reads_processed total_writes_processed "
    "io_threaded_reads_processed io_threaded_writes_processed reply_buffer_shrinks "
    "reply_buffer_expands";
const char* kReplicationFields =
    "role connected_slaves master_failover_state master_replid master_replid2 "
    "master_repl_offset second_repl_offset repl_backlog_active repl_backlog_size "
    "repl_backlog_first_byte_offset repl_backlog_histlen";
const char* kCpuFields =
    "used_cpu_sys used_cpu_user used_cpu_sys_children used_cpu_user_children "
    "used_cpu_sys_main_thread used_cpu_user_main_thread";

// DEBUG is refused unless enable-debug-command allows it (an immutable parameter).
void allowDebug() { cfg().enable_debug_command = PROTECTED_ACTION_YES; }

const std::string kHelpTrailer = "+HELP\r\n+    Prints this help.\r\n";

}  // namespace

TEST_CASE("INFO default: Redis's sections, field names and order") {
  TestServer ts;
  auto sections = parseInfo(infoText(ts, {"INFO"}));
  CHECK(headers(sections) == std::vector<std::string>{"# Server", "# Clients", "# Memory",
                                                      "# Persistence", "# Stats", "# Replication",
                                                      "# CPU", "# Modules", "# Errorstats",
                                                      "# Cluster", "# Keyspace"});
  REQUIRE(sections.size() == 11);
  CHECK(sections[0].fields == words(kServerFields));
  CHECK(sections[1].fields == words(kClientsFields));
  CHECK(sections[2].fields == words(kMemoryFields));
  CHECK(sections[3].fields == words(kPersistenceFields));
  CHECK(sections[4].fields == words(kStatsFields));
  CHECK(sections[5].fields == words(kReplicationFields));
  CHECK(sections[6].fields == words(kCpuFields));
  CHECK(sections[9].fields == std::vector<std::string>{"cluster_enabled"});
  CHECK(infoText(ts, {"INFO", "default"}) .find("# Commandstats") == std::string::npos);
}

TEST_CASE("INFO section selection: all, everything, several, unknown, any case") {
  TestServer ts;
  std::vector<std::string> all = {"# Server",      "# Clients",     "# Memory",
                                  "# Persistence", "# Stats",       "# Replication",
                                  "# CPU",         "# Modules",     "# Commandstats",
                                  "# Errorstats",  "# Latencystats", "# Cluster",
                                  "# Keyspace"};
  CHECK(headers(parseInfo(infoText(ts, {"INFO", "all"}))) == all);
  CHECK(headers(parseInfo(infoText(ts, {"INFO", "everything"}))) == all);
  CHECK(headers(parseInfo(infoText(ts, {"INFO", "server", "clients"}))) ==
        std::vector<std::string>{"# Server", "# Clients"});
  CHECK(headers(parseInfo(infoText(ts, {"INFO", "clients", "server"}))) ==
        std::vector<std::string>{"# Server", "# Clients"});
  CHECK(headers(parseInfo(infoText(ts, {"INFO", "CPU", "cpu"}))) == std::vector<std::string>{"# CPU"});
  CHECK(headers(parseInfo(infoText(ts, {"INFO", "server", "foo"}))) == std::vector<std::string>{"# Server"});
  CHECK(ts.run({"INFO", "nosuchsection"}) == "$0\r\n\r\n");
  CHECK(ts.run({"INFO", "a", "b", "c"}) == "$0\r\n\r\n");
  CHECK(ts.run({"INFO", "modules"}) == "$11\r\n# Modules\r\n\r\n");
  CHECK(ts.run({"INFO", "cluster"}) == "$30\r\n# Cluster\r\ncluster_enabled:0\r\n\r\n");
  // Sections are separated by an empty line.
  CHECK(infoText(ts, {"INFO", "modules", "cluster"}) == "# Modules\r\n\r\n# Cluster\r\ncluster_enabled:0\r\n");
}

TEST_CASE("INFO is a verbatim string in RESP3") {
  TestServer ts;
  ts.client().resp = 3;
  ts.client().writer.setProtocol(3);
  CHECK(ts.run({"INFO", "modules"}) == "=15\r\ntxt:# Modules\r\n\r\n");
}

TEST_CASE("INFO server and replication values") {
  TestServer ts;
  std::string s = infoText(ts, {"INFO", "server"});
  CHECK(s.rfind("# Server\r\nredis_version:7.0.15\r\nosprey_version:", 0) == 0);
  CHECK(s.find("\r\nredis_mode:standalone\r\n") != std::string::npos);
  CHECK(s.find("\r\narch_bits:64\r\n") != std::string::npos);
  CHECK(s.find("\r\nmultiplexing_api:epoll\r\n") != std::string::npos);
  CHECK(s.find("\r\nprocess_id:" + std::to_string(getpid()) + "\r\n") != std::string::npos);
  CHECK(s.find("\r\nhz:10\r\nconfigured_hz:10\r\n") != std::string::npos);
  CHECK(std::regex_search(s, std::regex("\r\nlru_clock:[0-9]+\r\n")));
  std::string r = infoText(ts, {"INFO", "replication"});
  CHECK(std::regex_match(r, std::regex("# Replication\r\nrole:master\r\nconnected_slaves:0\r\n"
                                       "master_failover_state:no-failover\r\n"
                                       "master_replid:[0-9a-f]{40}\r\n"
                                       "master_replid2:0{40}\r\nmaster_repl_offset:0\r\n"
                                       "second_repl_offset:-1\r\nrepl_backlog_active:0\r\n"
                                       "repl_backlog_size:1048576\r\n"
                                       "repl_backlog_first_byte_offset:0\r\nrepl_backlog_histlen:0\r\n")));
  CHECK(std::regex_search(infoText(ts, {"INFO", "cpu"}),
                          std::regex("^# CPU\r\nused_cpu_sys:[0-9]+\\.[0-9]{6}\r\n")));
  CHECK(std::regex_search(infoText(ts, {"INFO", "memory"}),
                          std::regex("\r\nused_memory:[1-9][0-9]*\r\nused_memory_human:[0-9.]+[BKMG]\r\n")));
}

TEST_CASE("INFO keyspace counts keys and expires per database") {
  TestServer ts;
  CHECK(ts.run({"INFO", "keyspace"}) == "$12\r\n# Keyspace\r\n\r\n");
  dbAdd(server.dbs[0], "a", Object::makeString("1"));
  dbAdd(server.dbs[0], "b", Object::makeString("2"));
  setExpire(server.dbs[0], "b", mstime() + 100000);
  dbAdd(server.dbs[3], "c", Object::makeString("3"));
  CHECK(infoText(ts, {"INFO", "keyspace"}) ==
        "# Keyspace\r\ndb0:keys=2,expires=1,avg_ttl=0\r\ndb3:keys=1,expires=0,avg_ttl=0\r\n");
}

TEST_CASE("INFO commandstats, errorstats and CONFIG RESETSTAT") {
  TestServer ts;
  CHECK(ts.run({"CONFIG", "RESETSTAT"}) == "+OK\r\n");
  CHECK(infoText(ts, {"INFO", "errorstats"}) == "# Errorstats\r\n");
  ts.run({"TIME"});
  ts.run({"TIME"});
  CHECK(ts.run({"TIME", "x"}) == "-ERR wrong number of arguments for 'time' command\r\n");
  CHECK(ts.run({"SLOWLOG", "FOO"}) == "-ERR unknown subcommand 'FOO'. Try SLOWLOG HELP.\r\n");
  CHECK(ts.run({"SLOWLOG", "GET", "x"}) == "-ERR count should be greater than or equal to -1\r\n");
  CHECK(ts.run({"SLOWLOG"}) == "-ERR wrong number of arguments for 'slowlog' command\r\n");
  std::string cs = infoText(ts, {"INFO", "commandstats"});
  CHECK(std::regex_search(cs, std::regex("\r\ncmdstat_time:calls=2,usec=[0-9]+,usec_per_call=[0-9]+\\.[0-9]{2},"
                                         "rejected_calls=1,failed_calls=0\r\n")));
  CHECK(std::regex_search(cs, std::regex("\r\ncmdstat_slowlog\\|get:calls=1,usec=[0-9]+,usec_per_call=[0-9.]+,"
                                         "rejected_calls=0,failed_calls=1\r\n")));
  CHECK(std::regex_search(cs, std::regex("\r\ncmdstat_slowlog:calls=0,usec=0,usec_per_call=0\\.00,"
                                         "rejected_calls=1,failed_calls=0\r\n")));
  CHECK(infoText(ts, {"INFO", "errorstats"}) == "# Errorstats\r\nerrorstat_ERR:count=4\r\n");
  CHECK(ts.run({"CONFIG", "RESETSTAT"}) == "+OK\r\n");
  CHECK(infoText(ts, {"INFO", "errorstats"}) == "# Errorstats\r\n");
  CHECK(infoText(ts, {"INFO", "commandstats"}).find("cmdstat_time") == std::string::npos);
  CHECK(ts.run({"CONFIG", "RESETSTAT", "x"}) ==
        "-ERR wrong number of arguments for 'config|resetstat' command\r\n");
}

TEST_CASE("CONFIG GET / SET / HELP and errors") {
  TestServer ts;
  CHECK(ts.run({"CONFIG", "GET", "maxmemory"}) == "*2\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n");
  CHECK(ts.run({"CONFIG", "GET", "nosuchparam"}) == "*0\r\n");
  CHECK(ts.run({"CONFIG", "SET", "maxmemory", "100mb"}) == "+OK\r\n");
  CHECK(ts.run({"CONFIG", "GET", "maxmemory"}) == "*2\r\n$9\r\nmaxmemory\r\n$9\r\n104857600\r\n");
  CHECK(ts.run({"CONFIG", "SET", "a", "b", "c"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"CONFIG", "SET", "a"}) == "-ERR wrong number of arguments for 'config|set' command\r\n");
  CHECK(ts.run({"CONFIG", "GET"}) == "-ERR wrong number of arguments for 'config|get' command\r\n");
  CHECK(ts.run({"CONFIG", "FOO"}) == "-ERR unknown subcommand 'FOO'. Try CONFIG HELP.\r\n");
  CHECK(ts.run({"CONFIG"}) == "-ERR wrong number of arguments for 'config' command\r\n");
  CHECK(ts.run({"CONFIG", "REWRITE"}) == "-ERR The server is running without a config file\r\n");
  CHECK(ts.run({"CONFIG", "HELP"}) ==
        "*11\r\n+CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"
        "+GET <pattern>\r\n+    Return parameters matching the glob-like <pattern> and their values.\r\n"
        "+SET <directive> <value>\r\n+    Set the configuration <directive> to <value>.\r\n"
        "+RESETSTAT\r\n+    Reset statistics reported by the INFO command.\r\n"
        "+REWRITE\r\n+    Rewrite the configuration file.\r\n" + kHelpTrailer);
}

TEST_CASE("CONFIG SET redacts sensitive values from what SLOWLOG records") {
  TestServer ts;
  ts.run({"SLOWLOG", "RESET"});
  CHECK(ts.run({"CONFIG", "SET", "slowlog-log-slower-than", "0"}) == "+OK\r\n");
  CHECK(ts.run({"CONFIG", "SET", "masterauth", "secret"}) == "+OK\r\n");
  std::string log = ts.run({"SLOWLOG", "GET", "1"});
  CHECK(log.find("secret") == std::string::npos);
  CHECK(log.find("$10\r\n(redacted)\r\n") != std::string::npos);
  ts.run({"CONFIG", "SET", "slowlog-log-slower-than", "10000"});
}

TEST_CASE("DEBUG DIGEST and DIGEST-VALUE equal the real server's") {
  TestServer ts;
  allowDebug();
  const std::string zero = "+" + std::string(40, '0') + "\r\n";
  CHECK(ts.run({"DEBUG", "DIGEST"}) == zero);
  dbAdd(server.dbs[0], "a", Object::makeString("b"));
  CHECK(ts.run({"DEBUG", "DIGEST"}) == "+479783d7290f02957dfbe3408a858ba13eea1709\r\n");
  Object list = Object::makeList();
  for (const char* item : {"x", "y", "z", "12"}) list.list().pushBack(item);
  list.encoding = Encoding::Quicklist;
  dbAdd(server.dbs[0], "l", std::move(list));
  CHECK(ts.run({"DEBUG", "DIGEST-VALUE", "a", "l"}) ==
        "*2\r\n+b78559cd22bce6e6df712eb99ce7f3b08e8f8f1f\r\n+3283b7987f6fcd2a7cce656a42d5ba0357c0a756\r\n");
  CHECK(ts.run({"DEBUG", "DIGEST"}) == "+ac3e18c596812e990246a3fffc5f7610d33686fd\r\n");
  dbAdd(server.dbs[0], "e", Object::makeString("v"));
  setExpire(server.dbs[0], "e", 99999999999999LL);
  CHECK(ts.run({"DEBUG", "DIGEST-VALUE", "e", "nokey"}) ==
        "*2\r\n+311b17018163335616e089f6b951c82c477335ac\r\n" + zero);
  CHECK(ts.run({"DEBUG", "DIGEST"}) == "+9af9ffe698bd21731efd931786dbbc1050f903fc\r\n");
  dbAdd(server.dbs[3], "a", Object::makeString("b"));
  CHECK(ts.run({"DEBUG", "DIGEST"}) == "+ad59f63c892dd4e066afaccfee5b04f1835a1475\r\n");
  CHECK(ts.run({"DEBUG", "DIGEST-VALUE"}) == "*0\r\n");
  dbAdd(server.dbs[0], "k", Object::makeString("123"));
  CHECK(ts.run({"DEBUG", "DIGEST-VALUE", "k"}) == "*1\r\n+89f7f51b707418f666d5b45e053bd5bbbf82ac2b\r\n");
}

TEST_CASE("DEBUG POPULATE creates key:N / value:N, skips existing keys, pads to size") {
  TestServer ts;
  allowDebug();
  CHECK(ts.run({"DEBUG", "POPULATE", "3"}) == "+OK\r\n");
  CHECK(ts.run({"DEBUG", "DIGEST"}) == "+f25db52166a7d712fb7362fd197165342e2b7442\r\n");
  dbAdd(server.dbs[3], "a", Object::makeString("b"));
  CHECK(ts.run({"DEBUG", "DIGEST"}) == "+0df480ea65b85600a5b6ad85bea5d373cf39563d\r\n");
  CHECK(ts.run({"DEBUG", "POPULATE", "2", "pfx", "20"}) == "+OK\r\n");
  REQUIRE(lookupKeyPeek(server.dbs[0], "pfx:1"));
  CHECK(lookupKeyPeek(server.dbs[0], "pfx:1")->str() == std::string("value:1\0\0\0\0\0\0\0\0\0\0\0\0\0", 20));
  CHECK(ts.run({"DEBUG", "POPULATE", "2", "pfx", "3"}) == "+OK\r\n");  // existing: untouched
  REQUIRE(lookupKeyPeek(server.dbs[0], "pfx:0"));
  CHECK(lookupKeyPeek(server.dbs[0], "pfx:0")->str().size() == 20);
  CHECK(ts.run({"DEBUG", "POPULATE", "-1"}) == "-ERR value is out of range, must be positive\r\n");
  CHECK(ts.run({"DEBUG", "POPULATE", "x"}) == "-ERR value is out of range, must be positive\r\n");
  CHECK(server.dirty == 0);  // not propagated
}

TEST_CASE("DEBUG OBJECT, PROTOCOL, misc subcommands and errors") {
  TestServer ts;
  allowDebug();
  CHECK(ts.run({"DEBUG", "OBJECT", "nokey"}) == "-ERR no such key\r\n");
  dbAdd(server.dbs[0], "key:1", Object::makeString("value:1"));
  CHECK(std::regex_match(ts.run({"DEBUG", "OBJECT", "key:1"}),
                         std::regex("\\+Value at:0x[0-9a-f]+ refcount:1 encoding:embstr serializedlength:8 "
                                    "lru:[0-9]+ lru_seconds_idle:[0-9]+\r\n")));
  dbAdd(server.dbs[0], "n", Object::makeString("100"));
  dbAdd(server.dbs[0], "n2", Object::makeString("100000"));
  CHECK(ts.run({"DEBUG", "OBJECT", "n"}).find("refcount:2147483647 encoding:int serializedlength:2 ") != std::string::npos);
  CHECK(ts.run({"DEBUG", "OBJECT", "n2"}).find("refcount:1 encoding:int serializedlength:5 ") != std::string::npos);
  Object list = Object::makeList();
  for (const char* item : {"a", "b", "c", "1", "2", "300000"}) list.list().pushBack(item);
  list.encoding = Encoding::Quicklist;
  dbAdd(server.dbs[0], "mylist", std::move(list));
  std::string ql = ts.run({"DEBUG", "OBJECT", "mylist"});
  CHECK(ql.find(" encoding:quicklist serializedlength:28 ") != std::string::npos);
  CHECK(ql.find(" ql_nodes:1 ql_avg_node:6.00 ql_listpack_max:-2 ql_compressed:0 ql_uncompressed_size:25\r\n") !=
        std::string::npos);

  CHECK(ts.run({"DEBUG", "PROTOCOL", "map"}) == "*6\r\n:0\r\n:0\r\n:1\r\n:1\r\n:2\r\n:0\r\n");
  CHECK(ts.run({"DEBUG", "PROTOCOL", "push"}) == "-ERR RESP2 is not supported by this command\r\n");
  CHECK(ts.run({"DEBUG", "PROTOCOL", "nope"}) ==
        "-ERR Wrong protocol type name. Please use one of the following: "
        "string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false\r\n");
  CHECK(ts.run({"DEBUG", "ERROR", "foo\r\nbar"}) == "-foo  bar\r\n");
  CHECK(ts.run({"DEBUG", "SLEEP", "0"}) == "+OK\r\n");
  CHECK(ts.run({"DEBUG", "LOG", "hello"}) == "+OK\r\n");
  CHECK(ts.run({"DEBUG", "SET-ACTIVE-EXPIRE", "0"}) == "+OK\r\n");
  CHECK(!server.active_expire_enabled);
  CHECK(ts.run({"DEBUG", "SET-ACTIVE-EXPIRE", "1"}) == "+OK\r\n");
  CHECK(server.active_expire_enabled);
  CHECK(ts.run({"DEBUG", "FOO"}) == "-ERR unknown subcommand or wrong number of arguments for 'FOO'. Try DEBUG HELP.\r\n");
  CHECK(ts.run({"DEBUG", "JMAP"}) == "-ERR unknown subcommand or wrong number of arguments for 'JMAP'. Try DEBUG HELP.\r\n");
  CHECK(ts.run({"DEBUG"}) == "-ERR wrong number of arguments for 'debug' command\r\n");
  std::string help = ts.run({"DEBUG", "HELP"});
  CHECK(help.rfind("*106\r\n+DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+AOF-FLUSH-SLEEP <microsec>\r\n", 0) == 0);
  CHECK(help.size() >= kHelpTrailer.size());
  CHECK(help.substr(help.size() - kHelpTrailer.size()) == kHelpTrailer);
}

TEST_CASE("DEBUG CHANGE-REPL-ID gives a new master_replid") {
  TestServer ts;
  allowDebug();
  auto replid = [&] {
    std::string r = infoText(ts, {"INFO", "replication"});
    size_t p = r.find("master_replid:");
    return r.substr(p + 14, 40);
  };
  std::string before = replid();
  CHECK(ts.run({"DEBUG", "CHANGE-REPL-ID"}) == "+OK\r\n");
  CHECK(replid() != before);
}

TEST_CASE("SLOWLOG GET / LEN / RESET / HELP") {
  TestServer ts;
  CHECK(ts.run({"SLOWLOG", "RESET"}) == "+OK\r\n");
  CHECK(ts.run({"SLOWLOG", "LEN"}) == ":0\r\n");
  CHECK(ts.run({"SLOWLOG", "GET"}) == "*0\r\n");
  ts.run({"CONFIG", "SET", "slowlog-log-slower-than", "0"});
  ts.client().name = "me";
  ts.run({"ECHO", "hi"});
  ts.run({"CONFIG", "SET", "slowlog-log-slower-than", "-1"});  // itself not logged
  CHECK(ts.run({"SLOWLOG", "LEN"}) == ":2\r\n");
  CHECK(ts.run({"SLOWLOG", "GET", "0"}) == "*0\r\n");
  std::string one = ts.run({"SLOWLOG", "GET", "1"});
  CHECK(std::regex_match(one, std::regex("\\*1\r\n\\*6\r\n:[0-9]+\r\n:[0-9]{10}\r\n:[0-9]+\r\n"
                                         "\\*2\r\n\\$4\r\nECHO\r\n\\$2\r\nhi\r\n\\$[0-9]+\r\n[^\r]*\r\n\\$2\r\nme\r\n")));
  CHECK(ts.run({"SLOWLOG", "GET", "-1"}).rfind("*2\r\n", 0) == 0);
  CHECK(ts.run({"SLOWLOG", "GET", "-2"}) == "-ERR count should be greater than or equal to -1\r\n");
  CHECK(ts.run({"SLOWLOG", "GET", "1", "2"}) ==
        "-ERR unknown subcommand or wrong number of arguments for 'GET'. Try SLOWLOG HELP.\r\n");
  CHECK(ts.run({"SLOWLOG", "LEN", "x"}) == "-ERR wrong number of arguments for 'slowlog|len' command\r\n");
  CHECK(ts.run({"SLOWLOG", "RESET"}) == "+OK\r\n");
  CHECK(ts.run({"SLOWLOG", "LEN"}) == ":0\r\n");
  CHECK(ts.run({"SLOWLOG", "HELP"}) ==
        "*12\r\n+SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"
        "+GET [<count>]\r\n+    Return top <count> entries from the slowlog (default: 10, -1 mean all).\r\n"
        "+    Entries are made of:\r\n"
        "+    id, timestamp, time in microseconds, arguments array, client IP and port,\r\n"
        "+    client name\r\n+LEN\r\n+    Return the length of the slowlog.\r\n"
        "+RESET\r\n+    Reset the slowlog.\r\n" + kHelpTrailer);
  ts.run({"CONFIG", "SET", "slowlog-log-slower-than", "10000"});
}

TEST_CASE("TIME, LASTSAVE, ROLE, LOLWUT") {
  TestServer ts;
  CHECK(std::regex_match(ts.run({"TIME"}), std::regex("\\*2\r\n\\$10\r\n[0-9]{10}\r\n\\$[1-6]\r\n[0-9]{1,6}\r\n")));
  CHECK(ts.run({"LASTSAVE"}) == ":" + std::to_string(server.lastsave) + "\r\n");
  CHECK(ts.run({"ROLE"}) == "*3\r\n$6\r\nmaster\r\n:0\r\n*0\r\n");
  CHECK(ts.run({"LOLWUT"}) == "$18\r\nRedis ver. 7.0.15\n\r\n");
  CHECK(ts.run({"LOLWUT", "VERSION", "x"}) == "-ERR value is not an integer or out of range\r\n");
}

TEST_CASE("MONITOR registers the client once") {
  TestServer ts;
  CHECK(ts.runAs(1, {"MONITOR"}) == "+OK\r\n");
  CHECK(ts.client(1).monitor);
  CHECK(ts.runAs(1, {"MONITOR"}) == "");  // already monitoring: no reply
  CHECK(std::count(server.monitors.begin(), server.monitors.end(), &ts.client(1)) == 1);
  CHECK(ts.run({"MONITOR", "x"}) == "-ERR wrong number of arguments for 'monitor' command\r\n");
}

TEST_CASE("SHUTDOWN argument errors") {
  TestServer ts;
  CHECK(ts.run({"SHUTDOWN", "foo"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"SHUTDOWN", "NOSAVE", "SAVE"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"SHUTDOWN", "ABORT", "NOW"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"SHUTDOWN", "ABORT"}) == "-ERR No shutdown in progress.\r\n");
}

TEST_CASE("MEMORY USAGE / DOCTOR / HELP / errors") {
  TestServer ts;
  CHECK(ts.run({"MEMORY", "USAGE", "nokey"}) == "$-1\r\n");
  dbAdd(server.dbs[0], "key:1", Object::makeString("value:1"));
  dbAdd(server.dbs[0], "n", Object::makeString("100"));
  dbAdd(server.dbs[0], "s", Object::makeString(std::string(86, 'a')));
  Object list = Object::makeList();
  for (const char* item : {"a", "b", "c", "1", "2", "300000"}) list.list().pushBack(item);
  list.encoding = Encoding::Quicklist;
  dbAdd(server.dbs[0], "mylist", std::move(list));
  CHECK(ts.run({"MEMORY", "USAGE", "key:1"}) == ":64\r\n");
  CHECK(ts.run({"MEMORY", "USAGE", "key:1", "SAMPLES", "0"}) == ":64\r\n");
  CHECK(ts.run({"MEMORY", "USAGE", "n"}) == ":48\r\n");
  CHECK(ts.run({"MEMORY", "USAGE", "s"}) == ":144\r\n");
  CHECK(ts.run({"MEMORY", "USAGE", "mylist"}) == ":160\r\n");
  CHECK(ts.run({"MEMORY", "USAGE", "key:1", "SAMPLES"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"MEMORY", "USAGE", "key:1", "SAMPLES", "-1"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"MEMORY", "USAGE", "key:1", "FOO", "1"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"MEMORY", "DOCTOR"}) ==
        "$268\r\nHi Sam, this instance is empty or is using very little memory, my issues detector "
        "can't be used in these conditions. Please, leave for your mission on Earth and fill it with "
        "some data. The new Sam and I will be back to our programming as soon as I finished rebooting.\n\r\n");
  CHECK(ts.run({"MEMORY", "PURGE"}) == "+OK\r\n");
  CHECK(ts.run({"MEMORY", "FOO"}) == "-ERR unknown subcommand 'FOO'. Try MEMORY HELP.\r\n");
  CHECK(ts.run({"MEMORY", "HELP"}) ==
        "*14\r\n+MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"
        "+DOCTOR\r\n+    Return memory problems reports.\r\n"
        "+MALLOC-STATS\r\n+    Return internal statistics report from the memory allocator.\r\n"
        "+PURGE\r\n+    Attempt to purge dirty pages for reclamation by the allocator.\r\n"
        "+STATS\r\n+    Return information about the memory usage of the server.\r\n"
        "+USAGE <key> [SAMPLES <count>]\r\n"
        "+    Return memory in bytes used by <key> and its value. Nested values are\r\n"
        "+    sampled up to <count> times (default: 5, 0 means sample all).\r\n" + kHelpTrailer);
  std::string stats = ts.run({"MEMORY", "STATS"});
  CHECK(stats.rfind("*56\r\n$14\r\npeak.allocated\r\n:", 0) == 0);  // 27 fields + db.0
  CHECK(stats.find("$4\r\ndb.0\r\n*6\r\n$23\r\noverhead.hashtable.main\r\n") != std::string::npos);
  CHECK(stats.find("$10\r\nkeys.count\r\n:4\r\n") != std::string::npos);
}

TEST_CASE("LATENCY with the monitor disabled") {
  TestServer ts;
  CHECK(ts.run({"LATENCY", "RESET"}) == ":0\r\n");
  CHECK(ts.run({"LATENCY", "LATEST"}) == "*0\r\n");
  CHECK(ts.run({"LATENCY", "HISTORY", "command"}) == "*0\r\n");
  CHECK(ts.run({"LATENCY", "GRAPH", "command"}) == "-ERR No samples available for event 'command'\r\n");
  CHECK(ts.run({"LATENCY", "DOCTOR"}) ==
        "$288\r\nI'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis "
        "instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order "
        "to enable it. If we weren't in a deep space mission I'd suggest to take a look at "
        "https://redis.io/topics/latency-monitor.\n\r\n");
  CHECK(ts.run({"LATENCY", "FOO"}) == "-ERR unknown subcommand 'FOO'. Try LATENCY HELP.\r\n");
  CHECK(ts.run({"LATENCY", "HELP"}) ==
        "*17\r\n+LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+DOCTOR\r\n"
        "+    Return a human readable latency analysis report.\r\n+GRAPH <event>\r\n"
        "+    Return an ASCII latency graph for the <event> class.\r\n+HISTORY <event>\r\n"
        "+    Return time-latency samples for the <event> class.\r\n+LATEST\r\n"
        "+    Return the latest latency samples for all events.\r\n+RESET [<event> ...]\r\n"
        "+    Reset latency data of one or more <event> classes.\r\n"
        "+    (default: reset all data for all event classes)\r\n+HISTOGRAM [COMMAND ...]\r\n"
        "+    Return a cumulative distribution of latencies in the format of a histogram for the "
        "specified command names.\r\n"
        "+    If no commands are specified then all histograms are replied.\r\n" + kHelpTrailer);
}

TEST_CASE("Latency histograms: Redis's buckets and percentiles") {
  TestServer ts;
  ts.run({"CONFIG", "RESETSTAT"});
  Command* set = server.commands.lookupFullname("config|get");
  Command* lolwut = server.commands.lookupFullname("lolwut");
  REQUIRE(set);
  REQUIRE(lolwut);
  recordCommandLatency(*set, 8);  // one 8 µs call: its bucket tops at 8031 ns
  for (long long us : {2, 150, 250, 4200}) recordCommandLatency(*lolwut, us);
  std::string ls = infoText(ts, {"INFO", "latencystats"});
  CHECK(ls.find("latency_percentiles_usec_config|get:p50=8.031,p99=8.031,p99.9=8.031\r\n") != std::string::npos);
  CHECK(ls.find("latency_percentiles_usec_lolwut:p50=150.527,p99=4227.071,p99.9=4227.071\r\n") != std::string::npos);
  CHECK(ts.run({"LATENCY", "HISTOGRAM", "lolwut", "nosuchcmd"}) ==
        "*2\r\n$6\r\nlolwut\r\n*4\r\n$5\r\ncalls\r\n:4\r\n$14\r\nhistogram_usec\r\n"
        "*6\r\n:2\r\n:1\r\n:264\r\n:3\r\n:4227\r\n:4\r\n");
  // call() records every command too (latency-tracking is on by default), so CONFIG
  // RESETSTAT's own call sits beside the manual config|get sample.
  std::string config_hist = ts.run({"LATENCY", "HISTOGRAM", "config"});
  CHECK(config_hist.rfind("*4\r\n", 0) == 0);
  CHECK(config_hist.find("$10\r\nconfig|get\r\n*4\r\n$5\r\ncalls\r\n:1\r\n$14\r\nhistogram_usec\r\n*2\r\n:8\r\n:1\r\n") !=
        std::string::npos);
  CHECK(config_hist.find("$16\r\nconfig|resetstat\r\n") != std::string::npos);
  ts.run({"CONFIG", "RESETSTAT"});
  // As Redis: the reset empties every histogram, then records CONFIG RESETSTAT itself.
  std::string after = infoText(ts, {"INFO", "latencystats"});
  CHECK(after.rfind("# Latencystats\r\nlatency_percentiles_usec_config|resetstat:p50=", 0) == 0);
  CHECK(after.find("lolwut") == std::string::npos);
}

TEST_CASE("Latency monitor events") {
  TestServer ts;
  ts.run({"LATENCY", "RESET"});
  ts.run({"CONFIG", "SET", "latency-monitor-threshold", "1"});
  Command* time = server.commands.lookupFullname("time");
  Command* info = server.commands.lookupFullname("info");
  recordCommandLatency(*time, 500);   // below 1 ms: ignored
  recordCommandLatency(*time, 3000);  // fast command
  recordCommandLatency(*info, 7000);
  std::string latest = ts.run({"LATENCY", "LATEST"});
  CHECK(std::regex_match(latest, std::regex("\\*2\r\n\\*4\r\n\\$7\r\ncommand\r\n:[0-9]{10}\r\n:7\r\n:7\r\n"
                                            "\\*4\r\n\\$12\r\nfast-command\r\n:[0-9]{10}\r\n:3\r\n:3\r\n")));
  CHECK(std::regex_match(ts.run({"LATENCY", "HISTORY", "command"}),
                         std::regex("\\*1\r\n\\*2\r\n:[0-9]{10}\r\n:7\r\n")));
  CHECK(ts.run({"LATENCY", "RESET", "command", "nosuch"}) == ":1\r\n");
  CHECK(ts.run({"LATENCY", "RESET"}) == ":1\r\n");
  ts.run({"CONFIG", "SET", "latency-monitor-threshold", "0"});
}

TEST_CASE("DEBUG DIGEST of hashes and sets equals the real server's") {
  TestServer ts;
  allowDebug();
  CHECK(ts.run({"HSET", "h", "f1", "v1", "f2", "v2", "f3", "123"}) == ":3\r\n");
  CHECK(ts.run({"SADD", "s", "a", "b", "c"}) == ":3\r\n");
  CHECK(ts.run({"SADD", "si", "1", "2", "3", "-7", "100000"}) == ":5\r\n");  // an intset
  CHECK(ts.run({"DEBUG", "DIGEST-VALUE", "h", "s", "si"}) ==
        "*3\r\n+46b777944bd9dc16b5131c85c1993c44db8ac71a\r\n+593c2414786d75446e97f4ea5d4b731f3313da72\r\n"
        "+3c8634f7967eadde21377f1eb74a98249d415f0b\r\n");
  CHECK(ts.run({"DEBUG", "DIGEST"}) == "+8220347d8bd4a25a706aac27e3632faf047707a6\r\n");
}

TEST_CASE("LATENCY GRAPH draws Redis's sparkline") {
  TestServer ts;
  ts.run({"LATENCY", "RESET"});
  ts.run({"CONFIG", "SET", "latency-monitor-threshold", "1"});
  recordCommandLatency(*server.commands.lookupFullname("info"), 7000);
  // One sample: scaled to the bottom row ('_'), then a blank row and its age ("0s").
  CHECK(ts.run({"LATENCY", "GRAPH", "command"}) ==
        "$146\r\ncommand - high 7 ms, low 7 ms (all time high 7 ms)\n" + std::string(80, '-') +
            "\n \n \n \n_\n \n0\ns\n\r\n");
  ts.run({"LATENCY", "RESET"});
  ts.run({"CONFIG", "SET", "latency-monitor-threshold", "0"});
}

TEST_CASE("DEBUG PAUSE-CRON stops serverCron's work") {
  TestServer ts;
  allowDebug();
  long long loops = server.cronloops;
  CHECK(ts.run({"DEBUG", "PAUSE-CRON", "1"}) == "+OK\r\n");
  serverCron();
  CHECK(server.cronloops == loops);
  CHECK(ts.run({"DEBUG", "PAUSE-CRON", "0"}) == "+OK\r\n");
  serverCron();
  CHECK(server.cronloops == loops + 1);
}
