// server/t_set.h — the set value type.
//
// A set has Redis 7.0's two layouts, and OBJECT ENCODING reports which one is in use:
//   * "intset": while every member is an integer in int64 range (as strictly parsed by
//     string2ll: "1" is, "01" and "+1" are not) and there are at most
//     set-max-intset-entries of them. The members are kept sorted, so SMEMBERS, SSCAN and
//     every reply that walks an intset come out in ascending order.
//   * "hashtable": a Dict of the members' strings. An intset converts when a non-integer
//     member arrives or the count passes the limit; a set never converts back while it
//     lives (only sets built anew, like SINTERSTORE's result, start as intsets again).
// 7.0 has no listpack sets (they came with 7.2).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "server/dict.h"
#include "server/object.h"

namespace osprey {

class SetValue {
 public:
  using Table = Dict<std::string, char>;  // the value is unused

  // An empty set in the given layout.
  explicit SetValue(bool intset = true);

  bool isIntset() const { return !table_; }
  Encoding encoding() const { return table_ ? Encoding::Hashtable : Encoding::Intset; }
  size_t size() const { return table_ ? table_->size() : ints_.size(); }

  // Adds member (converting the layout when needed); true when it was not there.
  bool add(std::string_view member);
  // Removes member; true when it was there.
  bool remove(std::string_view member);
  bool contains(std::string_view member);
  void convertToTable();

  // Visits every member as a string_view valid during the call, in iteration order
  // (ascending for an intset).
  template <class F>
  void forEach(F&& fn) {
    if (table_) {
      table_->forEach([&](Table::Entry& e) { fn(std::string_view(e.key)); });
    } else {
      char buf[24];
      for (int64_t v : ints_) fn(formatInt(v, buf));
    }
  }

  // A random member (close to uniform), copied into *out. The set is not empty.
  void random(std::string* out);
  // Removes and returns a random member.
  std::string popRandom();

  // Intset only: sorted members. Hashtable only: the table (SSCAN, sampling).
  const std::vector<int64_t>& ints() const { return ints_; }
  Table& table() { return *table_; }

  std::unique_ptr<SetValue> clone() const;

  // Writes v in decimal into buf (24 bytes) and returns a view of it.
  static std::string_view formatInt(int64_t v, char* buf);

 private:
  std::vector<int64_t> ints_;     // intset layout, ascending
  std::unique_ptr<Table> table_;  // hashtable layout
};

// ---- Keyspace operations on set objects ---------------------------------------

// A new set object laid out for its first member, as Redis's setTypeCreate: an intset when
// that member is an integer, else a hashtable.
Object createSetFor(std::string_view first_member);
// Adds member to the set object o, keeping o.encoding right. True when it was added.
bool setAdd(Object& o, std::string_view member);

}  // namespace osprey
