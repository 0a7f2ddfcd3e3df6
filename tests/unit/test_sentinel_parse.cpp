// tests/unit/test_sentinel_parse.cpp — osprey-sentinel's INFO and hello parsers, on replies
// recorded from the real redis-server 7.0.15 (master and replica) and on hellos of the real
// redis-sentinel.
#include <doctest/doctest.h>

#include <string>

#include "sentinel/info_parse.h"

using namespace osprey::sentinel;

namespace {

// Excerpts of INFO from redis-server 7.0.15 (sections the parser does not read trimmed).
const char* kMasterInfo =
    "# Server\r\nredis_version:7.0.15\r\nrun_id:af0be709d8da2067ae54786f2a15dba5a4880e07\r\ntcp_port:9721\r\n"
    "\r\n# Replication\r\nrole:master\r\nconnected_slaves:2\r\n"
    "slave0:ip=127.0.0.1,port=9722,state=online,offset=1234,lag=0\r\n"
    "slave1:ip=127.0.0.1,port=9723,state=online,offset=1234,lag=1\r\n"
    "master_failover_state:no-failover\r\nmaster_replid:40de3da68854619addf1e048b4832251a67187de\r\n"
    "master_repl_offset:1234\r\n\r\n";

const char* kReplicaInfo =
    "# Server\r\nrun_id:15657ce9efdfe2e2ddf6e70d9a5219dcbecebe4c\r\n\r\n# Replication\r\nrole:slave\r\n"
    "master_host:127.0.0.1\r\nmaster_port:9721\r\nmaster_link_status:down\r\nmaster_last_io_seconds_ago:-1\r\n"
    "master_sync_in_progress:0\r\nslave_read_repl_offset:5000\r\nslave_repl_offset:4999\r\n"
    "master_link_down_since_seconds:7\r\nslave_priority:50\r\nslave_read_only:1\r\nreplica_announced:0\r\n"
    "connected_slaves:0\r\n";

}  // namespace

TEST_CASE("INFO of a master: run id, role and replicas") {
  InfoSnapshot s = parseInfo(kMasterInfo);
  CHECK(s.run_id == "af0be709d8da2067ae54786f2a15dba5a4880e07");
  CHECK(s.role == 1);
  REQUIRE(s.replicas.size() == 2);
  CHECK(s.replicas[0].ip == "127.0.0.1");
  CHECK(s.replicas[0].port == 9722);
  CHECK(s.replicas[1].port == 9723);
  CHECK_FALSE(s.master_host_seen);
  CHECK(s.master_link_down_since_ms == 0);
}

TEST_CASE("INFO of a replica: its master, link, priority, offset, announcement") {
  InfoSnapshot s = parseInfo(kReplicaInfo);
  CHECK(s.role == 2);
  CHECK(s.master_host == "127.0.0.1");
  CHECK(s.master_port == 9721);
  CHECK(s.master_link_status_seen);
  CHECK_FALSE(s.master_link_up);
  CHECK(s.slave_repl_offset == 4999);  // not slave_read_repl_offset
  CHECK(s.master_link_down_since_ms == 7000);
  CHECK(s.slave_priority == 50);
  CHECK(s.replica_announced == 0);
  CHECK(s.replicas.empty());  // "slave_priority:" etc. are not replica lines
}

TEST_CASE("INFO replica lines in the old format and malformed ones") {
  InfoSnapshot s = parseInfo("role:master\r\nslave0:10.0.0.5,6380,online\r\nslave1:broken\r\nslaveX:1\r\n");
  REQUIRE(s.replicas.size() == 1);
  CHECK(s.replicas[0].ip == "10.0.0.5");
  CHECK(s.replicas[0].port == 6380);
}

TEST_CASE("INFO: a short run_id line is ignored, link up is case-insensitive") {
  InfoSnapshot s = parseInfo("run_id:abc\r\nrole:slave\r\nmaster_link_status:UP\r\n");
  CHECK(s.run_id.empty());
  CHECK(s.master_link_up);
  CHECK(parseInfo("role:sentinel\r\n").role == 0);
}

TEST_CASE("hello messages: 8 fields, round trip") {
  Hello h;
  REQUIRE(parseHello("127.0.0.1,26379,e0420f78c8dbd4f25a7ba3005c8b16318093c200,3,mymaster,127.0.0.1,6380,2", &h));
  CHECK(h.ip == "127.0.0.1");
  CHECK(h.port == 26379);
  CHECK(h.runid == "e0420f78c8dbd4f25a7ba3005c8b16318093c200");
  CHECK(h.current_epoch == 3);
  CHECK(h.master_name == "mymaster");
  CHECK(h.master_ip == "127.0.0.1");
  CHECK(h.master_port == 6380);
  CHECK(h.master_config_epoch == 2);
  CHECK(formatHello(h) == "127.0.0.1,26379,e0420f78c8dbd4f25a7ba3005c8b16318093c200,3,mymaster,127.0.0.1,6380,2");
}

TEST_CASE("hello messages with the wrong number of fields are refused") {
  Hello h;
  CHECK_FALSE(parseHello("127.0.0.1,26379,id,3,mymaster,127.0.0.1,6380", &h));
  CHECK_FALSE(parseHello("127.0.0.1,26379,id,3,mymaster,127.0.0.1,6380,2,extra", &h));
  CHECK_FALSE(parseHello("", &h));
  // A master name with a comma cannot be carried: Redis refuses it the same way.
  CHECK_FALSE(parseHello("127.0.0.1,26379,id,3,my,master,127.0.0.1,6380,2", &h));
}
