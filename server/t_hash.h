// server/t_hash.h — keyspace operations on hashes, and the helpers the collection
// families share (HSCAN/SSCAN/ZSCAN argument parsing, fair random sampling of a Dict).
//
// The hash value type itself (HashValue: listpack or hashtable) is in server/object.h.
// The keyspace operations below keep Object::encoding in step with the layout, so RDB
// loading, scripts and tests can build hashes through them.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "server/dict.h"
#include "server/object.h"

namespace osprey {

struct Client;

// ---- Keyspace operations on hash objects ------------------------------------

// Sets field in the hash object o, keeping o.encoding right. True when the field is new.
bool hashSet(Object& o, std::string_view field, std::string_view value);

// ---- Shared by the collection families (HSCAN, SSCAN, ZSCAN) ------------------

// Walks a Dict from cursor as Redis's SCAN family does: bucket by bucket until `want`
// items were gathered (`per_entry` items count per entry: 2 for hashes) or 10 x COUNT
// buckets were visited. Calls fn(entry) for each entry seen; returns the next cursor.
template <class K, class V, class F>
uint64_t scanDictSteps(Dict<K, V>& d, uint64_t cursor, long long count, size_t per_entry, F&& fn) {
  long long max_iterations = count * 10;
  size_t items = 0;
  do {
    cursor = d.scan(cursor, [&](typename Dict<K, V>::Entry& e) {
      fn(e);
      items += per_entry;
    });
  } while (cursor && max_iterations-- && items < static_cast<size_t>(count));
  return cursor;
}

// A random entry of a non-empty Dict, close to uniform even when chains differ in
// length: like Redis's dictGetFairRandomKey it gathers a handful of entries walking the
// buckets from a random place (Dict::sample, a bounded walk) and picks one of them
// uniformly; when the walk finds nothing (a nearly empty large table, as while SPOP
// drains a set) it falls back to the plain random-bucket pick.
template <class K, class V>
typename Dict<K, V>::Entry* dictFairRandom(Dict<K, V>& d) {
  using Entry = typename Dict<K, V>::Entry;
  Entry* sample[20];
  size_t n = d.sample(sample, sizeof(sample) / sizeof(sample[0]));
  if (n == 0) return d.random();
  return sample[dictRandom() % n];
}

}  // namespace osprey
