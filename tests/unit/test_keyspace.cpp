// tests/unit/test_keyspace.cpp — the keyspace's node layout (server/keyspace.h) and the
// Object it embeds (server/object.h): keys of every length kept byte for byte inside the
// node, values moved in and out without disturbing the key, and the 24-bit LRU clock.
#include <doctest/doctest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "server/db.h"
#include "server/keyspace.h"
#include "server/object.h"
#include "server/server.h"
#include "server/t_hash.h"
#include "server/t_zset.h"

using namespace osprey;

TEST_CASE("keyspace: keys of every length round-trip through the node") {
  Keyspace ks;
  std::vector<std::string> keys = {"", "a", "key:123456", std::string(11, 'x'), std::string(12, 'y'),
                                   std::string(254, 'b'), std::string(255, 'c'),
                                   std::string(256, 'd'), std::string(70000, 'e')};
  keys.push_back(std::string("bin\0ary\r\n", 9));
  for (size_t i = 0; i < keys.size(); i++) {
    auto [e, inserted] = ks.insert(keys[i], Object::makeString("v" + std::to_string(i)));
    CHECK(inserted);
    CHECK(e->key() == keys[i]);
  }
  CHECK(ks.size() == keys.size());
  for (size_t i = 0; i < keys.size(); i++) {
    KeyEntry* e = ks.find(keys[i]);
    REQUIRE(e != nullptr);
    CHECK(e->key() == keys[i]);
    CHECK(e->value.str() == "v" + std::to_string(i));
    CHECK(e->allocatedBytes() >= sizeof(KeyNode));
  }
  CHECK(ks.find(std::string(255, 'b')) == nullptr);
  CHECK(ks.erase(std::string(255, 'c')));
  CHECK(ks.find(std::string(255, 'c')) == nullptr);
  CHECK(ks.size() == keys.size() - 1);
}

TEST_CASE("keyspace: a short key and a short value share one 64-byte node") {
  Keyspace ks;
  auto [e, inserted] = ks.insert(std::string("key:1234567"), Object::makeString("value"));
  REQUIRE(inserted);
  // 8 (link) + 36 (payload and header) + 1 (length) + 11 bytes: the longest key that fits.
  CHECK(e->allocatedBytes() == 56);
  auto [f, inserted2] = ks.insert(std::string("key:12345678"), Object::makeString("value"));
  REQUIRE(inserted2);
  CHECK(f->allocatedBytes() == 57);
  CHECK(sizeof(Object) == 40);
}

TEST_CASE("keyspace: replacing or moving the value leaves the key intact") {
  Keyspace ks;
  std::string key(300, 'k');
  KeyEntry* e = ks.insert(key, Object::makeString("first")).first;
  e->value = Object::makeList();
  e->value.list().pushBack("x");
  CHECK(e->key() == key);
  Object taken = std::move(e->value);
  CHECK((taken.type == ObjType::List));
  CHECK(e->key() == key);
  e->value = Object::makeZSet();
  CHECK((e->value.type == ObjType::ZSet));
  CHECK(e->key() == key);
  Object copy = e->value.clone();
  CHECK((copy.type == ObjType::ZSet));
  CHECK(e->key() == key);
}

TEST_CASE("object: every payload type moves, clones and is destroyed") {
  std::vector<Object> objs;
  objs.push_back(Object::makeString(std::string(100, 's')));
  objs.push_back(Object::makeList());
  objs.back().list().pushBack("a");
  objs.push_back(Object::makeHash());
  objs.back().hash().set("f", "v");
  objs.push_back(Object::makeSet(false));
  objs.back().set().add("m");
  objs.push_back(Object::makeSet(true));
  objs.back().set().add("7");
  objs.push_back(Object::makeZSet());
  int flags = 0;
  double score = 0;
  objs.back().zset().add(1.5, "z", 0, &flags, &score);
  for (int round = 0; round < 3; round++) {
    std::vector<Object> next;
    for (auto& o : objs) next.push_back(o.clone());
    objs = std::move(next);
  }
  CHECK(objs[0].str() == std::string(100, 's'));
  CHECK(objs[1].list().size() == 1);
  CHECK(objs[2].hash().contains("f"));
  CHECK(objs[3].set().contains("m"));
  CHECK((objs[3].encoding == Encoding::Hashtable));
  CHECK(objs[4].set().contains("7"));
  CHECK((objs[4].encoding == Encoding::Intset));
  double got = 0;
  CHECK(objs[5].zset().score("z", &got));
  CHECK(got == 1.5);
  // Assigning across types destroys the old payload and takes the new one.
  objs[0] = std::move(objs[5]);
  CHECK((objs[0].type == ObjType::ZSet));
  objs[1] = Object::makeString("plain");
  CHECK(objs[1].str() == "plain");
}

TEST_CASE("object: the LRU clock is 24 bits and idle time survives its wrap") {
  long long saved = server.mstime_cached;
  server.mstime_cached = (static_cast<long long>(kLruClockMax) + 10) * 1000;  // wrapped: clock 9
  CHECK(lruClock() == 9);
  Object o = Object::makeString("x");
  o.lru = kLruClockMax - 5;  // touched 15 seconds ago, before the wrap
  CHECK(lruIdleSeconds(o) == 14);
  o.lru = lruFromIdle(100);
  CHECK(lruIdleSeconds(o) == 100);
  o.lru = kLruClockMax;  // the field holds all 24 bits
  CHECK((o.lru == kLruClockMax));
  server.mstime_cached = saved;
}

TEST_CASE("short_str: in place up to 15 bytes, one exact heap block beyond") {
  std::vector<std::string> vals = {"", "a", std::string(15, 'x'), std::string(16, 'y'),
                                   std::string(1000, 'z'), std::string("nul\0byte", 8)};
  for (const auto& v : vals) {
    ShortStr s(v);
    CHECK(std::string_view(s) == v);
    CHECK(s.size() == v.size());
    CHECK(s.heapBytes() == (v.size() > 15 ? v.size() : 0));
    ShortStr copy(s);
    CHECK(std::string_view(copy) == v);
    ShortStr moved(std::move(copy));
    CHECK(std::string_view(moved) == v);
    CHECK(std::string_view(copy).empty());
    for (const auto& w : vals) {  // every size to every size, the same size in place
      ShortStr t(v);
      t.assign(w);
      CHECK(std::string_view(t) == w);
    }
    ShortStr self(v);
    self.assign(std::string_view(self).substr(v.size() / 2));  // a view into itself
    CHECK(std::string_view(self) == std::string_view(v).substr(v.size() / 2));
  }
  CHECK(sizeof(HashValue::Table::Entry) == 40);
  CHECK(sizeof(SetValue::Table::Entry) == 32);
}

TEST_CASE("dict: sample walks from a random bucket, bounded, and covers every entry") {
  Dict<ShortStr, char> d;
  for (int i = 0; i < 1000; i++) d.insert(std::string("m") + std::to_string(i), '\0');
  using E = Dict<ShortStr, char>::Entry;
  E* out[20];
  std::map<std::string, int> seen;
  for (int round = 0; round < 2000; round++) {
    size_t n = d.sample(out, 20);
    REQUIRE(n == 20);  // 1000 entries: 20 are always found within 200 buckets
    std::set<E*> distinct(out, out + n);
    CHECK(distinct.size() == n);
    for (size_t i = 0; i < n; i++) seen[std::string(std::string_view(out[i]->key))]++;
  }
  CHECK(seen.size() == 1000);  // 40000 draws reach every member
  // Draining to a few entries in a large table: the bounded walk may find nothing, and
  // dictFairRandom then falls back to the random-bucket pick, which always finds one.
  for (int i = 3; i < 1000; i++) d.erase(std::string("m") + std::to_string(i));
  std::set<std::string> left;
  for (int round = 0; round < 300; round++) left.insert(std::string(std::string_view(dictFairRandom(d)->key)));
  CHECK(left == std::set<std::string>{"m0", "m1", "m2"});
  CHECK(d.sample(out, 20) <= 3);
}
