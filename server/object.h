// server/object.h — the values stored under keys.
//
// An Object carries its type, an encoding hint (what OBJECT ENCODING reports, following
// Redis's rules rather than our internal layout), the LRU/LFU access data and the payload.
// Strings are plain byte strings; each collection type is a class of its own (see
// server/t_*.h), held by pointer so a string key stays small.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <variant>

namespace osprey {

// Numeric values are Redis's, as stored in RDB files and reported by TYPE.
enum class ObjType : uint8_t { String = 0, List = 1, Set = 2, ZSet = 3, Hash = 4, Stream = 6 };

// What OBJECT ENCODING reports.
enum class Encoding : uint8_t {
  Raw, Int, Embstr, Quicklist, Listpack, Hashtable, Intset, Skiplist, Stream
};
const char* encodingName(Encoding e);
const char* typeName(ObjType t);  // "string", "list", ... as TYPE answers

// A list: a deque gives O(1) push/pop at both ends and O(1) index.
struct ListValue {
  std::deque<std::string> items;
};

// The other collection types are defined in their family headers (t_hash.h, t_set.h,
// t_zset.h); Object's special members are defined out of line (object.cpp) so those
// headers stay private to the code that uses them.
struct HashValue;
struct SetValue;
struct ZSetValue;

struct Object {
  ObjType type = ObjType::String;
  Encoding encoding = Encoding::Embstr;
  uint32_t lru = 0;  // LRU clock (seconds) of the last access
  std::variant<std::string, std::unique_ptr<ListValue>, std::unique_ptr<HashValue>,
               std::unique_ptr<SetValue>, std::unique_ptr<ZSetValue>>
      payload;

  Object();
  ~Object();
  Object(Object&&) noexcept;
  Object& operator=(Object&&) noexcept;

  static Object makeString(std::string s);
  static Object makeList();
  static Object makeHash();  // empty, listpack-encoded (t_hash.cpp)
  static Object makeSet(bool intset);  // empty (t_set.cpp)
  static Object makeZSet();  // empty, listpack-encoded (t_zset.cpp)

  std::string& str() { return std::get<std::string>(payload); }
  const std::string& str() const { return std::get<std::string>(payload); }
  ListValue& list() { return *std::get<std::unique_ptr<ListValue>>(payload); }
  const ListValue& list() const { return *std::get<std::unique_ptr<ListValue>>(payload); }
  HashValue& hash() { return *std::get<std::unique_ptr<HashValue>>(payload); }
  const HashValue& hash() const { return *std::get<std::unique_ptr<HashValue>>(payload); }
  SetValue& set() { return *std::get<std::unique_ptr<SetValue>>(payload); }
  const SetValue& set() const { return *std::get<std::unique_ptr<SetValue>>(payload); }
  ZSetValue& zset() { return *std::get<std::unique_ptr<ZSetValue>>(payload); }
  const ZSetValue& zset() const { return *std::get<std::unique_ptr<ZSetValue>>(payload); }

  // Deep copy (COPY, scripts).
  Object clone() const;
};

// Redis's rule for string encodings: an integer in long range that fits 20 chars is "int",
// up to 44 bytes "embstr", otherwise "raw". Commands that modify in place make it "raw".
Encoding stringEncodingFor(const std::string& s);

}  // namespace osprey
