// tests/unit/test_stream.cpp — the stream core (server/stream.cpp, server/listpack.cpp) and
// the stream commands run in-process. Byte strings below (listpack entries, the DUMP payload
// of a small stream, the legacy type-15 payload) were taken from a real Redis 7.0.15.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "common/config.h"
#include "server/db.h"
#include "server/listpack.h"
#include "server/t_stream.h"
#include "tests/unit/harness.h"

using namespace osprey;
using osprey::test::TestServer;

namespace {

struct PropagationRecorder {
  std::vector<std::vector<std::string>> ops;
  PropagationRecorder() {
    server.propagate_sinks.push_back(
        [this](int, const std::vector<std::string>& argv) { ops.push_back(argv); });
  }
  ~PropagationRecorder() { server.propagate_sinks.pop_back(); }
};

std::vector<std::string_view> fv(std::initializer_list<std::string_view> l) { return l; }

std::vector<StreamID> ids(const StreamValue& s, StreamID a, StreamID b, bool rev) {
  std::vector<StreamID> out;
  s.range(a, b, rev, [&](const StreamEntry& e) {
    out.push_back(e.id);
    return true;
  });
  return out;
}

}  // namespace

TEST_CASE("Listpack: Redis's entry encodings, replacing integers, validation") {
  Listpack lp;
  CHECK(lp.bytes() == std::string("\x07\x00\x00\x00\x00\x00\xff", 7));
  lp.appendInt(1);            // 7-bit uint + backlen
  lp.appendString("item");    // 6-bit string
  lp.appendString("-7");      // a canonical integer string is stored as an integer
  lp.appendString("007");     // not canonical: a string
  lp.appendInt(1000000000000);
  CHECK(lp.count() == 5);
  std::string b = lp.bytes();
  CHECK(b.substr(6, 2) == std::string("\x01\x01", 2));
  CHECK(b.substr(8, 6) == std::string("\x84item\x05", 6));
  CHECK(b.substr(14, 3) == std::string("\xdf\xf9\x02", 3));  // 13-bit int -7
  size_t p = lp.first();
  CHECK(lp.getInt(p) == 1);
  p = lp.next(p);
  CHECK(lp.get(p).sval == "item");
  p = lp.next(p);
  CHECK(lp.get(p).is_int);
  CHECK(lp.get(p).ival == -7);
  p = lp.next(p);
  CHECK(lp.get(p).sval == "007");
  p = lp.next(p);
  CHECK(lp.get(p).ival == 1000000000000);
  CHECK(lp.atEnd(lp.next(p)));
  CHECK(lp.prev(lp.next(p)) == p);  // walking back from the terminator
  CHECK(lp.prev(lp.next(lp.first())) == lp.first());
  // Growing and shrinking an integer in place keeps the rest and the header right.
  lp.replaceInt(lp.first(), 300);
  CHECK(lp.getInt(lp.first()) == 300);
  CHECK(lp.get(lp.next(lp.first())).sval == "item");
  lp.replaceInt(lp.first(), 2);
  CHECK(lp.bytes() == std::string(b).replace(6, 1, "\x02"));
  size_t n;
  CHECK(Listpack::validate(lp.bytes(), &n));
  CHECK(n == 5);
  std::string bad = lp.bytes();
  bad[9] = 'x';  // still fine: string content
  CHECK(Listpack::validate(bad, &n));
  bad[8] = static_cast<char>(0xBF);  // a 63-byte string that runs past the end
  CHECK_FALSE(Listpack::validate(bad, &n));
  CHECK_FALSE(Listpack::validate(std::string("\x07\x00\x00\x00\x00\x00\xfe", 7), &n));
}

TEST_CASE("Stream IDs: parsing, order, increments") {
  StreamID id;
  CHECK(parseStreamID("5", 0, &id, true, nullptr));
  CHECK(id == StreamID{5, 0});
  CHECK(parseStreamID("5", UINT64_MAX, &id, true, nullptr));
  CHECK(id == StreamID{5, UINT64_MAX});
  CHECK(parseStreamID("18446744073709551615-18446744073709551615", 0, &id, true, nullptr));
  CHECK(id == StreamID::max());
  CHECK_FALSE(id.incr());
  CHECK_FALSE(parseStreamID("-", 0, &id, true, nullptr));  // strict: no "-" / "+"
  CHECK(parseStreamID("+", 0, &id, false, nullptr));
  CHECK(id == StreamID::max());
  CHECK_FALSE(parseStreamID("1-2-3", 0, &id, false, nullptr));
  CHECK_FALSE(parseStreamID("18446744073709551616", 0, &id, false, nullptr));
  bool seq_given;
  CHECK(parseStreamID("7-*", 0, &id, true, &seq_given));
  CHECK_FALSE(seq_given);
  CHECK_FALSE(parseStreamID("7-*", 0, &id, true, nullptr));
  StreamID a{1, UINT64_MAX};
  CHECK(a.incr());
  CHECK(a == StreamID{2, 0});
  CHECK(a.decr());
  CHECK(a == StreamID{1, UINT64_MAX});
  StreamID z;
  CHECK_FALSE(z.decr());
  uint8_t raw[16];
  StreamID{0x0102030405060708ULL, 9}.encode(raw);
  CHECK(raw[0] == 1);
  CHECK(raw[7] == 8);
  CHECK(raw[15] == 9);
  CHECK(StreamID::decode(raw) == StreamID{0x0102030405060708ULL, 9});
}

TEST_CASE("StreamValue: nodes, ranges, deletion and trimming") {
  TestServer ts;  // default config: 100 entries / 4096 bytes per node
  ts.run({"CONFIG", "SET", "stream-node-max-entries", "10"});
  StreamValue s;
  for (uint64_t i = 1; i <= 35; i++) s.append({i, 0}, fv({"f", "v"}));
  CHECK(s.length() == 35);
  CHECK(s.nodes().size() == 4);  // 10 + 10 + 10 + 5
  CHECK(s.first_id == StreamID{1, 0});
  CHECK(s.last_id == StreamID{35, 0});
  CHECK(ids(s, {5, 0}, {7, 0}, false) == std::vector<StreamID>{{5, 0}, {6, 0}, {7, 0}});
  CHECK(ids(s, {9, 0}, {12, 0}, true) ==
        std::vector<StreamID>{{12, 0}, {11, 0}, {10, 0}, {9, 0}});
  // Deleting marks entries; a node whose entries all go is dropped.
  CHECK(s.remove({5, 0}));
  CHECK_FALSE(s.remove({5, 0}));
  CHECK_FALSE(s.remove({99, 0}));
  CHECK(ids(s, {4, 0}, {6, 0}, false) == std::vector<StreamID>{{4, 0}, {6, 0}});
  for (uint64_t i = 11; i <= 20; i++) CHECK(s.remove({i, 0}));
  CHECK(s.nodes().size() == 3);
  CHECK(s.length() == 24);
  CHECK(s.exists({21, 0}));
  CHECK_FALSE(s.exists({11, 0}));
  // Approximate trimming removes whole nodes only; exact trimming marks entries.
  StreamValue::TrimArgs t;
  t.strategy = StreamValue::Trim::MaxLen;
  t.approx = true;
  t.maxlen = 12;
  CHECK(s.trim(t) == 9);  // the first node (9 live entries) goes, the next would overshoot
  CHECK(s.length() == 15);
  CHECK(s.first_id == StreamID{21, 0});
  t.approx = false;
  CHECK(s.trim(t) == 3);
  CHECK(s.length() == 12);
  CHECK(s.first_id == StreamID{24, 0});
  t.strategy = StreamValue::Trim::MinId;
  t.minid = {30, 0};
  t.limit = 0;
  CHECK(s.trim(t) == 6);
  CHECK(ids(s, {0, 0}, StreamID::max(), false).front() == StreamID{30, 0});
  StreamID last;
  CHECK(s.lastLiveId(&last));
  CHECK(last == StreamID{35, 0});
  // IDs for "*" and "<ms>-*".
  StreamID next;
  StreamID ms{35, 0};
  CHECK(s.nextId(&ms, &next));
  CHECK(next == StreamID{35, 1});
  StreamID old{3, 0};
  CHECK_FALSE(s.nextId(&old, &next));
  CHECK(s.nextId(nullptr, &next));
  CHECK(next.ms > 35);
}

TEST_CASE("StreamValue: entries-read estimates and lag as Redis 7.0 computes them") {
  StreamValue s;
  for (uint64_t i = 1; i <= 5; i++) s.append({i, 0}, fv({"data", "x"}));
  CHECK(s.estimateDistance({0, 0}) == 0);
  CHECK(s.estimateDistance({1, 0}) == 1);
  CHECK(s.estimateDistance({5, 0}) == 5);
  CHECK(s.estimateDistance({9, 0}) == kInvalidEntriesRead);
  CHECK(s.estimateDistance({3, 0}) == kInvalidEntriesRead);  // arbitrary ID in the middle
  StreamCG* g = s.createGroup("g", {0, 0}, kInvalidEntriesRead);
  CHECK(s.groupLag(*g) == 5);
  s.remove({3, 0});
  s.max_deleted_entry_id = {3, 0};
  CHECK(s.rangeHasTombstones({0, 0}, StreamID::max()));
  CHECK_FALSE(s.rangeHasTombstones({4, 0}, StreamID::max()));
  CHECK(s.groupLag(*g) == -1);  // a tombstone ahead: unknown
  g->last_id = {5, 0};
  CHECK(s.groupLag(*g) == 0);
}

TEST_CASE("Stream commands: DUMP payload byte-identical to Redis, RESTORE of a legacy payload") {
  TestServer ts;
  ts.run({"XADD", "m", "10-1", "f1", "v1", "f2", "2"});
  ts.run({"XADD", "m", "10-2", "f1", "-7", "f2", "1000000000000"});
  ts.run({"XADD", "m", "10-3", "other", "1"});
  ts.run({"XADD", "m", "10-4", "f1", "", "f2", ""});
  const std::string dump(
      "\x13\x01\x10\x00\x00\x00\x00\x00\x00\x00\n\x00\x00\x00\x00\x00\x00\x00\x01@YY\x00\x00\x00"
      "\x1f\x00\x04\x01\x00\x01\x02\x01\x82" "f1\x03\x82" "f2\x03\x00\x01\x02\x01\x00\x01\x00\x01"
      "\x82v1\x03\x02\x01\x05\x01\x02\x01\x00\x01\x01\x01\xdf\xf9\x02\xf4\x00\x10\xa5\xd4\xe8\x00"
      "\x00\x00\t\x05\x01\x00\x01\x00\x01\x02\x01\x01\x01\x85other\x06\x01\x01\x06\x01\x02\x01\x00"
      "\x01\x03\x01\x80\x01\x80\x01\x05\x01\xff\x04\n\x04\n\x01\x00\x00\x04\x00\n\x00M\x1a\xfa\xdc"
      "\xdc\x04\xf1u",
      129);
  CHECK(ts.run({"DUMP", "m"}) == "$129\r\n" + dump + "\r\n");
  CHECK(ts.run({"RESTORE", "m2", "0", dump}) == "+OK\r\n");
  CHECK(ts.run({"XRANGE", "m2", "10-2", "10-2"}) ==
        "*1\r\n*2\r\n$4\r\n10-2\r\n*4\r\n$2\r\nf1\r\n$2\r\n-7\r\n$2\r\nf2\r\n$13\r\n"
        "1000000000000\r\n");
  // A corrupt node is refused, not trusted.
  std::string bad = dump;
  bad[40] = static_cast<char>(0x7f);
  std::string r = ts.run({"RESTORE", "m3", "0", bad});
  CHECK(r.rfind("-", 0) == 0);
  CHECK(ts.run({"EXISTS", "m3"}) == ":0\r\n");
  CHECK(ts.run({"OBJECT", "ENCODING", "m"}) == "$6\r\nstream\r\n");
  CHECK(ts.run({"TYPE", "m"}) == "+stream\r\n");
}

TEST_CASE("XREADGROUP, XCLAIM and XAUTOCLAIM propagate their effects, not themselves") {
  TestServer ts;
  PropagationRecorder rec;
  ts.run({"XADD", "s", "1-0", "f", "v"});
  ts.run({"XADD", "s", "2-0", "f", "v"});
  ts.run({"XADD", "s", "3-0", "f", "v"});
  ts.run({"XGROUP", "CREATE", "s", "g", "0"});
  rec.ops.clear();
  CHECK(ts.run({"XREADGROUP", "GROUP", "g", "alice", "COUNT", "2", "STREAMS", "s", ">"}) ==
        "*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n"
        "2-0\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n");
  REQUIRE(rec.ops.size() == 4);  // MULTI, XCLAIM, XCLAIM, EXEC
  CHECK(rec.ops[0] == std::vector<std::string>{"MULTI"});
  CHECK(rec.ops[1][0] == "XCLAIM");
  CHECK(rec.ops[1][3] == "alice");
  CHECK(rec.ops[1][5] == "1-0");
  CHECK(rec.ops[1][6] == "TIME");
  CHECK(std::vector<std::string>(rec.ops[1].begin() + 8, rec.ops[1].end()) ==
        std::vector<std::string>{"RETRYCOUNT", "1", "FORCE", "JUSTID", "LASTID", "1-0"});
  CHECK(rec.ops[2][13] == "2-0");
  rec.ops.clear();
  ts.run({"XREADGROUP", "GROUP", "g", "bob", "NOACK", "STREAMS", "s", ">"});
  REQUIRE(rec.ops.size() == 4);
  CHECK(rec.ops[1] == std::vector<std::string>{"XGROUP", "CREATECONSUMER", "s", "g", "bob"});
  CHECK(rec.ops[2] ==
        std::vector<std::string>{"XGROUP", "SETID", "s", "g", "3-0", "ENTRIESREAD", "3"});
  // A claim of a deleted entry drops it from the PEL and says so to replicas.
  ts.run({"XDEL", "s", "2-0"});
  rec.ops.clear();
  CHECK(ts.run({"XCLAIM", "s", "g", "carol", "0", "1-0", "2-0", "JUSTID"}) ==
        "*1\r\n$3\r\n1-0\r\n");
  REQUIRE(rec.ops.size() == 4);
  CHECK(rec.ops[1][3] == "carol");  // in argument order: 1-0 changes owner
  CHECK(rec.ops[1][5] == "1-0");
  CHECK(rec.ops[2][3] == "alice");  // the deleted entry, as its last owner held it
  CHECK(rec.ops[2][5] == "2-0");
  CHECK(ts.run({"XPENDING", "s", "g"}) ==
        "*4\r\n:1\r\n$3\r\n1-0\r\n$3\r\n1-0\r\n*1\r\n*2\r\n$5\r\ncarol\r\n$1\r\n1\r\n");
  CHECK(ts.run({"XAUTOCLAIM", "s", "g", "dave", "0", "0", "JUSTID"}) ==
        "*3\r\n$3\r\n0-0\r\n*1\r\n$3\r\n1-0\r\n*0\r\n");
}

TEST_CASE("Blocking XREAD is served through the blocking machinery") {
  TestServer ts;
  // A fake client may not block: BLOCK answers as a timeout at once.
  CHECK(ts.run({"XREAD", "BLOCK", "0", "STREAMS", "s", "$"}) == "*-1\r\n");
  CHECK(ts.run({"XADD", "s", "1-0", "a", "b"}) == "$3\r\n1-0\r\n");
  CHECK(ts.run({"XREAD", "BLOCK", "0", "STREAMS", "s", "0"}) ==
        "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n");
}
