// server/object.h — the values stored under keys.
//
// An Object carries its type, an encoding hint (what OBJECT ENCODING reports, following
// Redis's rules rather than our internal layout), the LRU/LFU access data and the payload.
// Strings are plain byte strings; lists, hashes and sets are compact value classes defined
// here (their commands live in server/t_*.cpp), sorted sets a class of t_zset.h.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "server/dict.h"
#include "server/short_str.h"

namespace osprey {

// Numeric values are Redis's, as stored in RDB files and reported by TYPE.
enum class ObjType : uint8_t { String = 0, List = 1, Set = 2, ZSet = 3, Hash = 4, Stream = 6 };

// What OBJECT ENCODING reports.
enum class Encoding : uint8_t {
  Raw, Int, Embstr, Quicklist, Listpack, Hashtable, Intset, Skiplist, Stream
};
const char* encodingName(Encoding e);
const char* typeName(ObjType t);  // "string", "list", ... as TYPE answers

// ==== Packed entries ===========================================================
//
// SmallBytes: up to 16 bytes stored in place, more in one malloc'd block. Its owner knows
// the byte count (so the mode); resize() keeps the first min(old, new) bytes.
union SmallBytes {
  static constexpr size_t kInline = 16;
  uint8_t* heap;
  uint8_t in[kInline];

  uint8_t* data(size_t n) { return n <= kInline ? in : heap; }
  const uint8_t* data(size_t n) const { return n <= kInline ? in : heap; }
  void resize(size_t old_n, size_t new_n);
  void release(size_t n);                   // frees the block, if any
  void copyFrom(const SmallBytes& o, size_t n);  // *this holds nothing
  size_t allocated(size_t n) const;          // bytes held from the allocator
};
//
// PackedBuf is our listpack: the entries back to back in one SmallBytes, so a small
// collection costs at most one allocation (none up to 16 bytes) instead of one per element.
// Each entry is [tag][payload][backlen]:
//   * a string of up to 127 bytes: tag = its length, then the bytes;
//   * up to 16383 bytes: two tag bytes 0x80|len>>8, len&0xff; longer: 0xFE + 4-byte length;
//   * an integer (a string that string2ll reads back exactly): 0xC0+v for 0..47, else
//     0xF1..0xF5 + 1, 2, 3, 4 or 8 little-endian bytes;
//   * backlen: the size of tag+payload, readable from the entry's end, so the buffer can
//     be walked backwards (RPOP, negative indexes).
// Positions are byte offsets of entries; bytes() is the end position. Entry values come
// back as string_views; integers are formatted into a caller's Scratch, so a view lives
// until that scratch is reused or the buffer changes.
class PackedBuf {
 public:
  struct Scratch {
    char buf[24];
  };

  PackedBuf() { buf_.heap = nullptr; }
  ~PackedBuf() { buf_.release(bytes_); }
  PackedBuf(PackedBuf&& o) noexcept : bytes_(o.bytes_), count_(o.count_), buf_(o.buf_) {
    o.bytes_ = o.count_ = 0;
  }
  PackedBuf& operator=(PackedBuf&& o) noexcept;
  PackedBuf clone() const;

  size_t count() const { return count_; }
  size_t bytes() const { return bytes_; }  // the end position
  bool empty() const { return count_ == 0; }
  size_t allocated() const { return buf_.allocated(bytes_); }  // from the allocator

  size_t next(size_t pos) const;  // pos < bytes()
  size_t prev(size_t pos) const;  // pos > 0: the entry before pos
  std::string_view get(size_t pos, Scratch& s) const;
  bool equals(size_t pos, std::string_view v) const;
  // The entry at pos as an integer, if it is one (encoded as such).
  bool getInt(size_t pos, long long* v) const;

  // Inserts v before the entry at pos (pos == bytes() appends).
  void insert(size_t pos, std::string_view v);
  void pushBack(std::string_view v) { insert(bytes(), v); }
  void pushFront(std::string_view v) { insert(0, v); }
  // Replaces the entry at pos with v.
  void replace(size_t pos, std::string_view v);
  // Removes n entries starting at pos.
  void erase(size_t pos, size_t n);
  // Removes the byte range [from, to) that holds n entries.
  void eraseBytes(size_t from, size_t to, size_t n);
  // Moves the entries from pos on into a new buffer (for splitting list nodes).
  PackedBuf splitAt(size_t pos);

  // The size v takes as an entry.
  static size_t entrySize(std::string_view v);

 private:
  uint8_t* data() { return buf_.data(bytes_); }
  const uint8_t* data() const { return buf_.data(bytes_); }
  void resize(size_t new_bytes) {  // keeps the data, adjusts the allocation
    buf_.resize(bytes_, new_bytes);
    bytes_ = static_cast<uint32_t>(new_bytes);
  }

  uint32_t bytes_ = 0, count_ = 0;
  SmallBytes buf_;
};

// ==== Lists ====================================================================
//
// A list is Redis's quicklist: a sequence of PackedBuf nodes, each filled up to
// list-max-listpack-size (a byte limit when negative, an entry count when positive), so
// pushes and pops at either end are O(1) and an element costs its bytes plus 2.
class ListValue {
 public:
  ListValue() = default;
  ListValue(ListValue&&) noexcept = default;
  ListValue& operator=(ListValue&&) noexcept = default;
  ListValue clone() const;

  size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }

  void pushFront(std::string_view v);
  void pushBack(std::string_view v);
  void popFront();
  void popBack();
  std::string_view front(PackedBuf::Scratch& s) const;
  std::string_view back(PackedBuf::Scratch& s) const;

  // Element i (0 <= i < size()); O(nodes) to find the node, then O(node size).
  std::string_view at(size_t i, PackedBuf::Scratch& s) const;
  void set(size_t i, std::string_view v);
  void insert(size_t i, std::string_view v);  // before element i; i == size() appends
  // Removes `n` elements from the head / the tail.
  void trimFront(size_t n);
  void trimBack(size_t n);

  // A position in the list; walks both ways. Valid until the list changes.
  class Cursor {
   public:
    bool valid() const { return node_ < l_->nodes_.size(); }
    std::string_view value() { return l_->nodes_[node_].get(pos_, scratch_); }
    bool equals(std::string_view v) const { return l_->nodes_[node_].equals(pos_, v); }
    void next();
    void prev();

   private:
    friend class ListValue;
    const ListValue* l_;
    size_t node_, pos_;
    PackedBuf::Scratch scratch_;
  };
  Cursor cursorAt(size_t i) const;  // i < size()

  // Visits every element head to tail (string_view valid during the call).
  template <class F>
  void forEach(F&& fn) const {
    PackedBuf::Scratch s;
    for (const PackedBuf& n : nodes_)
      for (size_t p = 0, e = n.bytes(); p < e; p = n.next(p)) fn(n.get(p, s));
  }

  size_t nodeCount() const { return nodes_.size(); }
  const PackedBuf& node(size_t i) const { return nodes_[i]; }

 private:
  bool nodeHasRoom(const PackedBuf& n, std::string_view v) const;
  void locate(size_t i, size_t* node, size_t* pos) const;
  void dropNodeIfEmpty(size_t node);

  std::vector<PackedBuf> nodes_;
  size_t count_ = 0;
};

// ==== Hashes ===================================================================
//
// A hash has Redis's two layouts, and OBJECT ENCODING reports which one is in use:
//   * "listpack": while it holds at most hash-max-listpack-entries fields and every field
//     and value is at most hash-max-listpack-value bytes: a PackedBuf of field, value,
//     field, value ... in insertion order (the order HGETALL / HKEYS / HSCAN return); an
//     update keeps its place, a delete closes the gap.
//   * "hashtable": a Dict, once either limit is crossed. The conversion is one way, as in
//     Redis: a hash never goes back to listpack while it lives.
class HashValue {
 public:
  using Table = Dict<ShortStr, ShortStr>;
  using Scratch = PackedBuf::Scratch;

  HashValue() = default;
  HashValue(HashValue&&) noexcept = default;
  HashValue& operator=(HashValue&&) noexcept = default;
  HashValue clone() const;

  bool isListpack() const { return !table_; }
  Encoding encoding() const { return table_ ? Encoding::Hashtable : Encoding::Listpack; }
  size_t size() const { return table_ ? table_->size() : lp_.count() / 2; }

  // The value of field into *out (integers formatted into s); false when absent.
  bool get(std::string_view field, std::string_view* out, Scratch& s) const;
  bool contains(std::string_view field) const;
  // Sets field to value, converting to a hashtable first when either is too long for a
  // listpack and afterwards when the field count passes the limit. True when field is new.
  bool set(std::string_view field, std::string_view value);
  // Removes field; true if it was there.
  bool erase(std::string_view field);

  // Converts a listpack to a hashtable when any of `args` is longer than the listpack
  // value limit (Redis checks every argument of HSET before writing any of them).
  void convertIfAnyTooLong(const std::vector<std::string>& args, size_t from, size_t to);
  void convertToTable();

  // Visits every (field, value) in iteration order (insertion order for a listpack) as
  // string_views valid during the call.
  template <class F>
  void forEach(F&& fn) const {
    if (table_) {
      table_->forEach([&](Table::Entry& e) { fn(std::string_view(e.key), std::string_view(e.value)); });
    } else {
      Scratch sf, sv;
      for (size_t p = 0, e = lp_.bytes(); p < e;) {
        size_t q = lp_.next(p);
        fn(lp_.get(p, sf), lp_.get(q, sv));
        p = lp_.next(q);
      }
    }
  }

  // A random (field, value), close to uniform; the hash is not empty. Views live until
  // the scratches are reused or the hash changes.
  void random(std::string_view* field, std::string_view* value, Scratch& sf, Scratch& sv) const;
  // Listpack only: pair i (0 <= i < size()), O(i).
  void pairAt(size_t i, std::string_view* field, std::string_view* value, Scratch& sf,
              Scratch& sv) const;
  // Hashtable only: the table (HSCAN, sampling).
  Table& table() { return *table_; }
  const PackedBuf& listpack() const { return lp_; }

 private:
  size_t fieldPos(std::string_view field) const;  // listpack position, or npos

  PackedBuf lp_;                  // listpack layout: field, value, field, value ...
  std::unique_ptr<Table> table_;  // hashtable layout
};

// ==== Sets =====================================================================
//
// A set has Redis 7.0's two layouts, and OBJECT ENCODING reports which one is in use:
//   * "intset": while every member is an integer in int64 range (as strictly parsed by
//     string2ll: "1" is, "01" and "+1" are not) and there are at most
//     set-max-intset-entries of them: a sorted array of 2, 4 or 8-byte integers (the
//     narrowest that holds them all), so SMEMBERS, SSCAN and every reply that walks an
//     intset come out in ascending order.
//   * "hashtable": a Dict of the members' strings. An intset converts when a non-integer
//     member arrives or the count passes the limit; a set never converts back while it
//     lives (only sets built anew, like SINTERSTORE's result, start as intsets again).
// 7.0 has no listpack sets (they came with 7.2).
class IntSet {
 public:
  IntSet() { buf_.heap = nullptr; }
  ~IntSet() { buf_.release(bytes()); }
  IntSet(IntSet&& o) noexcept : count_(o.count_), width_(o.width_), buf_(o.buf_) { o.count_ = 0; }
  IntSet& operator=(IntSet&& o) noexcept;
  IntSet clone() const;

  size_t size() const { return count_; }
  int64_t at(size_t i) const;
  bool contains(int64_t v) const;
  bool insert(int64_t v);  // false when present
  bool erase(int64_t v);   // false when absent
  void eraseAt(size_t i);
  void clear();
  size_t allocated() const { return buf_.allocated(bytes()); }

 private:
  size_t bytes() const { return static_cast<size_t>(count_) * width_; }
  uint8_t* data() { return buf_.data(bytes()); }
  const uint8_t* data() const { return buf_.data(bytes()); }
  size_t search(int64_t v, bool* found) const;  // index of v or where it goes
  void put(size_t i, int64_t v);
  void resize(size_t count, uint32_t width);  // sets count_ and width_

  uint32_t count_ = 0, width_ = 2;  // width: 2, 4 or 8 bytes per member
  SmallBytes buf_;
};

class SetValue {
 public:
  using Table = Dict<ShortStr, char>;  // the value is unused

  // An empty set in the given layout.
  explicit SetValue(bool intset = true);
  SetValue(SetValue&&) noexcept = default;
  SetValue& operator=(SetValue&&) noexcept = default;
  SetValue clone() const;

  bool isIntset() const { return !table_; }
  Encoding encoding() const { return table_ ? Encoding::Hashtable : Encoding::Intset; }
  size_t size() const { return table_ ? table_->size() : ints_.size(); }

  // Adds member (converting the layout when needed); true when it was not there.
  bool add(std::string_view member);
  // Removes member; true when it was there.
  bool remove(std::string_view member);
  bool contains(std::string_view member) const;
  void convertToTable();

  // Visits every member as a string_view valid during the call, in iteration order
  // (ascending for an intset).
  template <class F>
  void forEach(F&& fn) const {
    if (table_) {
      table_->forEach([&](Table::Entry& e) { fn(std::string_view(e.key)); });
    } else {
      char buf[24];
      for (size_t i = 0, n = ints_.size(); i < n; i++) fn(formatInt(ints_.at(i), buf));
    }
  }

  // A random member (close to uniform), copied into *out. The set is not empty.
  void random(std::string* out) const;
  // Removes and returns a random member.
  std::string popRandom();

  // Intset only: the sorted members. Hashtable only: the table (SSCAN, sampling).
  const IntSet& ints() const { return ints_; }
  Table& table() { return *table_; }

  // Writes v in decimal into buf (24 bytes) and returns a view of it.
  static std::string_view formatInt(int64_t v, char* buf);

 private:
  IntSet ints_;                   // intset layout, ascending
  std::unique_ptr<Table> table_;  // hashtable layout
};

// Sorted sets are defined in t_zset.h; Object keeps one in place as raw storage and its
// special members are defined out of line (object.cpp), so that header stays private to the
// code that uses it.
class ZSetValue;
// Streams (t_stream.h) are always large enough to live behind a pointer.
class StreamValue;

// A value. Its type selects the payload (string, ListValue, HashValue, SetValue or
// ZSetValue), which sits in the Object itself: a small collection costs only its packed
// buffer. The layout is Redis's robj squeezed the same way: a 32-byte payload, then type,
// the sticky mark and encoding in one byte and 24 bits of LRU/LFU data (LRU_BITS), so that
// an Object is 40 bytes and its last 4 bytes are free for the container that holds it. The keyspace
// (server/keyspace.h) stores each key's bytes from there on, in the same allocation.
struct Object {
 private:
  union Payload {
    std::string str;
    ListValue list;
    HashValue hash;
    SetValue set;
    alignas(8) unsigned char zset[32];  // a ZSetValue (object.cpp checks it fits)
    StreamValue* stream;                // owned
    Payload() {}
    ~Payload() {}
  } u_;
 public:
  // Read-only outside Object: the payload follows the type (set by the make* functions).
  ObjType type : 3 = ObjType::String;
  // STICK (server/sticky.cpp): no maxmemory policy evicts this key. A mark of the key's
  // slot, not of the value: moves and copies leave it alone, so overwriting a sticky key
  // keeps it sticky and a new key starts without it.
  bool sticky : 1 = false;
  Encoding encoding : 4 = Encoding::Embstr;
  uint32_t lru : 24 = 0;  // LRU clock (seconds, 24 bits) or LFU data of the last access
  // Not part of the value: moves and copies leave them alone. The keyspace keeps its key
  // length and the first key bytes here (KeyNode).
  uint8_t container_tail[4];

  Object();
  ~Object();
  Object(Object&&) noexcept;
  Object& operator=(Object&&) noexcept;

  static Object makeString(std::string s);
  static Object makeList();
  static Object makeHash();  // empty, listpack-encoded (t_hash.cpp)
  static Object makeSet(bool intset);  // empty (t_set.cpp)
  static Object makeZSet();  // empty, listpack-encoded (t_zset.cpp)
  static Object makeStream();  // empty (encoding "stream")

  std::string& str() { return u_.str; }
  const std::string& str() const { return u_.str; }
  ListValue& list() { return u_.list; }
  const ListValue& list() const { return u_.list; }
  HashValue& hash() { return u_.hash; }
  const HashValue& hash() const { return u_.hash; }
  SetValue& set() { return u_.set; }
  const SetValue& set() const { return u_.set; }
  ZSetValue& zset() { return *reinterpret_cast<ZSetValue*>(u_.zset); }
  const ZSetValue& zset() const { return *reinterpret_cast<const ZSetValue*>(u_.zset); }
  StreamValue& stream() { return *u_.stream; }
  const StreamValue& stream() const { return *u_.stream; }

  // Deep copy (COPY, scripts).
  Object clone() const;

 private:
  // Destroys the payload of the current type and constructs an empty one of type t.
  void reset(ObjType t);
  void destroyPayload();
  void movePayloadFrom(Object& o);  // *this has no live payload
};
// Layout checks: object.cpp asserts the 40 bytes, keyspace.h where container_tail starts.

// Redis's rule for string encodings: an integer in long range that fits 20 chars is "int",
// up to 44 bytes "embstr", otherwise "raw". Commands that modify in place make it "raw".
Encoding stringEncodingFor(const std::string& s);

}  // namespace osprey
