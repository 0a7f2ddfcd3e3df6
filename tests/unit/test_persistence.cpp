// tests/unit/test_persistence.cpp — persistence.cpp in-process: the save point and retry
// decisions of serverCron, the dispatcher's MISCONF / LOADING refusals, SAVE / BGSAVE /
// LASTSAVE replies, DEBUG RELOAD round trips and INFO's persistence fields. Reply bytes were
// produced by the real redis-server 7.0.15. Forking (BGSAVE's child) is left to
// tests/integration/test_persistence.py.
#include <doctest/doctest.h>

#include <unistd.h>

#include <string>
#include <vector>

#include "common/config.h"
#include "server/db.h"
#include "server/persistence.h"
#include "server/server.h"
#include "tests/unit/harness.h"

using namespace osprey;
using osprey::test::TestServer;

namespace {

const std::vector<SavePoint> kDefaultPoints = {{3600, 1}, {300, 100}, {60, 10000}};

// Restores the persistence state a test changed, whatever the outcome.
struct PersistenceStateGuard {
  std::string dbfilename = cfg().dbfilename;
  ~PersistenceStateGuard() {
    server.lastbgsave_ok = true;
    server.loading = false;
    server.rdb_bgsave_scheduled = false;
    cfg().dbfilename = dbfilename;
  }
};

std::string misconfReply() { return std::string("-") + kMisconfError + "\r\n"; }

// A dump file of this process in /tmp, removed at the end of the test.
struct TempDumpFile {
  std::string path = "/tmp/osprey-unit-persist-" + std::to_string(getpid()) + ".rdb";
  TempDumpFile() { cfg().dbfilename = path; }
  ~TempDumpFile() { unlink(path.c_str()); }
};

}  // namespace

TEST_CASE("save points: changes and strictly more seconds than configured") {
  // 1 change, 3600 s: fires only once more than 3600 s passed.
  CHECK(dueSavePoint(kDefaultPoints, 1, 1000 + 3600, 1000, 0, true) == -1);
  CHECK(dueSavePoint(kDefaultPoints, 1, 1000 + 3601, 1000, 0, true) == 0);
  // 100 changes: the 300 s point.
  CHECK(dueSavePoint(kDefaultPoints, 99, 1000 + 301, 1000, 0, true) == -1);
  CHECK(dueSavePoint(kDefaultPoints, 100, 1000 + 301, 1000, 0, true) == 1);
  CHECK(dueSavePoint(kDefaultPoints, 10000, 1000 + 61, 1000, 0, true) == 2);
  CHECK(dueSavePoint(kDefaultPoints, 0, 1000 + 100000, 1000, 0, true) == -1);
  // No save points ("save ''"): never.
  CHECK(dueSavePoint({}, 1000000, 1000000, 0, 0, true) == -1);
  // "save 60 0": any number of changes, even none.
  CHECK(dueSavePoint({{60, 0}}, 0, 1061, 1000, 0, true) == 0);
}

TEST_CASE("save points: a failed bgsave is retried only after more than 5 seconds") {
  CHECK(bgsaveRetryAllowed(100, 100, true));
  CHECK_FALSE(bgsaveRetryAllowed(105, 100, false));
  CHECK(bgsaveRetryAllowed(106, 100, false));
  CHECK(dueSavePoint({{1, 1}}, 1, 1000, 10, 996, false) == -1);
  CHECK(dueSavePoint({{1, 1}}, 1, 1000, 10, 994, false) == 0);
}

TEST_CASE("BGSAVE arguments and LASTSAVE") {
  TestServer ts;
  CHECK(ts.run({"BGSAVE", "x"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"BGSAVE", "schedule", "x"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"SAVE", "x"}) == "-ERR wrong number of arguments for 'save' command\r\n");
  CHECK(ts.run({"LASTSAVE"}) == ":" + std::to_string(server.lastsave) + "\r\n");
}

TEST_CASE("BGSAVE inside MULTI is scheduled") {
  TestServer ts;
  PersistenceStateGuard guard;
  CHECK(ts.run({"MULTI"}) == "+OK\r\n");
  CHECK(ts.run({"BGSAVE"}) == "+QUEUED\r\n");
  CHECK(ts.run({"EXEC"}) == "*1\r\n+Background saving scheduled\r\n");
  CHECK(server.rdb_bgsave_scheduled);
}

TEST_CASE("MISCONF after a failed bgsave: writes and PING refused, reads served") {
  TestServer ts;
  PersistenceStateGuard guard;
  CHECK(ts.run({"SET", "k", "v"}) == "+OK\r\n");
  server.lastbgsave_ok = false;
  CHECK(ts.run({"SET", "k", "v2"}) == misconfReply());
  CHECK(ts.run({"PING"}) == misconfReply());
  CHECK(ts.run({"GET", "k"}) == "$1\r\nv\r\n");
  // A write queued in MULTI is refused and the transaction aborted.
  CHECK(ts.run({"MULTI"}) == "+OK\r\n");
  CHECK(ts.run({"SET", "k", "v3"}) == misconfReply());
  CHECK(ts.run({"EXEC"}) ==
        "-EXECABORT Transaction discarded because of previous errors.\r\n");
  // Not without save points, nor with stop-writes-on-bgsave-error no.
  cfg().save.clear();
  CHECK(ts.run({"SET", "k", "v4"}) == "+OK\r\n");
  cfg().save = kDefaultPoints;
  cfg().stop_writes_on_bgsave_error = false;
  CHECK(ts.run({"PING"}) == "+PONG\r\n");
  cfg().stop_writes_on_bgsave_error = true;
}

TEST_CASE("LOADING: only commands with the loading flag run while the dataset loads") {
  TestServer ts;
  PersistenceStateGuard guard;
  server.loading = true;
  const std::string loading = "-LOADING Redis is loading the dataset in memory\r\n";
  CHECK(ts.run({"GET", "k"}) == loading);
  CHECK(ts.run({"PING"}) == loading);
  CHECK(ts.run({"LASTSAVE"}).substr(0, 1) == ":");
  std::string info = ts.run({"INFO", "persistence"});
  CHECK(info.find("loading:1\r\n") != std::string::npos);
  CHECK(info.find("loading_loaded_perc:") != std::string::npos);
  CHECK(info.find("loading_eta_seconds:") != std::string::npos);
  server.loading = false;
  info = ts.run({"INFO", "persistence"});
  CHECK(info.find("loading:0\r\n") != std::string::npos);
  CHECK(info.find("loading_loaded_perc:") == std::string::npos);
}

TEST_CASE("SAVE writes the file, resets the change counter and DEBUG RELOAD reads it back") {
  TestServer ts;
  PersistenceStateGuard guard;
  TempDumpFile file;
  cfg().enable_debug_command = PROTECTED_ACTION_YES;
  CHECK(ts.run({"SET", "k", "v"}) == "+OK\r\n");
  CHECK(ts.run({"RPUSH", "l", "a", "b"}) == ":2\r\n");
  CHECK(server.dirty > 0);
  long long saves = server.stat_rdb_saves;
  CHECK(ts.run({"SAVE"}) == "+OK\r\n");
  CHECK(server.dirty == 0);
  CHECK(server.stat_rdb_saves == saves + 1);
  CHECK(access(file.path.c_str(), F_OK) == 0);

  CHECK(ts.run({"SET", "k", "changed"}) == "+OK\r\n");
  CHECK(ts.run({"DEBUG", "RELOAD", "NOSAVE"}) == "+OK\r\n");
  CHECK(ts.run({"GET", "k"}) == "$1\r\nv\r\n");
  CHECK(ts.run({"LRANGE", "l", "0", "-1"}) == "*2\r\n$1\r\na\r\n$1\r\nb\r\n");
  CHECK(server.rdb_last_load_keys_loaded == 2);
  CHECK(ts.run({"DEBUG", "RELOAD"}) == "+OK\r\n");
  CHECK(ts.run({"DBSIZE"}) == ":2\r\n");
  // DEBUG RELOAD does not count as a save in INFO.
  CHECK(server.stat_rdb_saves == saves + 1);
  CHECK(ts.run({"DEBUG", "RELOAD", "FOO"}) ==
        "-ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.\r\n");
  unlink(file.path.c_str());
  CHECK(ts.run({"DEBUG", "RELOAD", "NOSAVE"}) == "-ERR Error trying to load the RDB dump\r\n");
}

TEST_CASE("SAVE failing answers a bare -ERR") {
  TestServer ts;
  PersistenceStateGuard guard;
  cfg().dbfilename = "/nonexistent-osprey-dir/dump.rdb";
  CHECK(ts.run({"SAVE"}) == "-ERR\r\n");
  // A failed foreground save leaves the bgsave status alone.
  CHECK(server.lastbgsave_ok);
}

TEST_CASE("INFO persistence: Redis 7.0.15's fields in its order") {
  TestServer ts;
  std::string info = ts.run({"INFO", "persistence"});
  const char* fields[] = {
      "loading", "async_loading", "current_cow_peak", "current_cow_size",
      "current_cow_size_age", "current_fork_perc", "current_save_keys_processed",
      "current_save_keys_total", "rdb_changes_since_last_save", "rdb_bgsave_in_progress",
      "rdb_last_save_time", "rdb_last_bgsave_status", "rdb_last_bgsave_time_sec",
      "rdb_current_bgsave_time_sec", "rdb_saves", "rdb_last_cow_size",
      "rdb_last_load_keys_expired", "rdb_last_load_keys_loaded", "aof_enabled",
      "aof_rewrite_in_progress", "aof_rewrite_scheduled", "aof_last_rewrite_time_sec",
      "aof_current_rewrite_time_sec", "aof_last_bgrewrite_status", "aof_rewrites",
      "aof_rewrites_consecutive_failures", "aof_last_write_status", "aof_last_cow_size",
      "module_fork_in_progress", "module_fork_last_cow_size"};
  size_t pos = info.find("# Persistence\r\n");
  REQUIRE(pos != std::string::npos);
  for (const char* f : fields) {
    size_t at = info.find(std::string("\r\n") + f + ":", pos);
    REQUIRE_MESSAGE(at != std::string::npos, f);
    pos = at + 1;
  }
  CHECK(info.find("rdb_bgsave_in_progress:0\r\n") != std::string::npos);
  CHECK(info.find("rdb_current_bgsave_time_sec:-1\r\n") != std::string::npos);
}
