// server/t_hash.h — the hash value type, and the helpers the collection families share
// (HSCAN/SSCAN/ZSCAN argument parsing, fair random sampling of a Dict).
//
// A hash has Redis's two layouts, and OBJECT ENCODING reports which one is in use:
//   * "listpack": while it holds at most hash-max-listpack-entries fields and every field
//     and value is at most hash-max-listpack-value bytes. Fields live in one contiguous
//     vector (field, value, field, value ...) in insertion order, which is the order
//     HGETALL / HKEYS / HSCAN return; an update keeps its place, a delete closes the gap.
//   * "hashtable": a Dict, once either limit is crossed. The conversion is one way, as in
//     Redis: a hash never goes back to listpack while it lives.
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

class HashValue {
 public:
  using Table = Dict<std::string, std::string>;

  bool isListpack() const { return !table_; }
  Encoding encoding() const { return table_ ? Encoding::Hashtable : Encoding::Listpack; }
  size_t size() const { return table_ ? table_->size() : pairs_.size() / 2; }

  // The value of field, or nullptr.
  std::string* find(std::string_view field);
  // Sets field to value, converting to a hashtable first when either is too long for a
  // listpack and afterwards when the field count passes the limit. True when field is new.
  bool set(std::string_view field, std::string_view value);
  // Same, taking ownership of the value (HINCRBY's freshly formatted numbers).
  bool set(std::string_view field, std::string&& value);
  // Removes field; true if it was there.
  bool erase(std::string_view field);

  // Converts a listpack to a hashtable when any of `args` is longer than the listpack
  // value limit (Redis checks every argument of HSET before writing any of them).
  void convertIfAnyTooLong(const std::vector<std::string>& args, size_t from, size_t to);
  void convertToTable();

  // Visits every (field, value) in iteration order (insertion order for a listpack).
  template <class F>
  void forEach(F&& fn) {
    if (table_) {
      table_->forEach([&](Table::Entry& e) { fn(e.key, e.value); });
    } else {
      for (size_t i = 0; i < pairs_.size(); i += 2) fn(pairs_[i], pairs_[i + 1]);
    }
  }

  // A uniformly random field index (listpack) or entry (hashtable); the hash is not empty.
  // Returns pointers to the field and value.
  void random(const std::string** field, const std::string** value);
  // Listpack only: direct access to pair i (0 <= i < size()).
  const std::string& fieldAt(size_t i) const { return pairs_[2 * i]; }
  const std::string& valueAt(size_t i) const { return pairs_[2 * i + 1]; }
  // Hashtable only: the table (HSCAN, sampling).
  Table& table() { return *table_; }

  std::unique_ptr<HashValue> clone() const;

 private:
  template <class V>
  bool setImpl(std::string_view field, V&& value);
  size_t indexOf(std::string_view field) const;  // pair index in a listpack, or npos

  std::vector<std::string> pairs_;  // listpack layout: field, value, field, value ...
  std::unique_ptr<Table> table_;    // hashtable layout
};

// ---- Keyspace operations on hash objects ------------------------------------

// Sets field in the hash object o, keeping o.encoding right. True when the field is new.
bool hashSet(Object& o, std::string_view field, std::string_view value);

// ---- Shared by the collection families (HSCAN, SSCAN, ZSCAN) ------------------

// Parses a SCAN-family cursor as Redis (strtoul: optional sign, no leading space, no
// overflow); replies "ERR invalid cursor" and returns false otherwise.
bool parseCollectionCursorOrReply(Client& c, const std::string& arg, uint64_t* cursor);

// The options after HSCAN/SSCAN/ZSCAN key cursor: MATCH pattern and COUNT n (TYPE is
// SCAN's alone). Replies the error and returns false when they are invalid.
struct CollectionScanOptions {
  long long count = 10;
  const std::string* pattern = nullptr;  // nullptr: no filtering ("*" also filters nothing)
};
bool parseCollectionScanOptionsOrReply(Client& c, size_t first, CollectionScanOptions* opts);

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
// length: like Redis's dictGetFairRandomKey it gathers a handful of entries from buckets
// starting at a random cursor and picks one of them uniformly.
template <class K, class V>
typename Dict<K, V>::Entry* dictFairRandom(Dict<K, V>& d) {
  using Entry = typename Dict<K, V>::Entry;
  constexpr size_t kSample = 20;
  Entry* sample[kSample + 64];
  size_t n = 0;
  uint64_t cursor = dictRandom();
  size_t steps = d.buckets();
  while (n < kSample && steps-- > 0) {
    cursor = d.scan(cursor, [&](Entry& e) {
      if (n < sizeof(sample) / sizeof(sample[0])) sample[n++] = &e;
    });
  }
  if (n == 0) return d.random();
  return sample[dictRandom() % n];
}

}  // namespace osprey
