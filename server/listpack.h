// server/listpack.h — Redis's listpack byte layout as an editable buffer.
//
// Streams keep every node in exactly the bytes Redis keeps (and writes to RDB files), so a
// node is saved and loaded verbatim and DUMP payloads cross with the real server. Layout:
// a 6-byte header (total bytes, 32-bit LE; element count, 16-bit LE, 65535 = "count it"),
// the entries, and a 0xFF terminator. An entry is [encoding+data][backlen]:
//   * integers: 7-bit 0xxxxxxx, 13-bit 110xxxxx, then 0xF1/F2/F3/F4 + 2/3/4/8 LE bytes;
//   * strings: 6-bit 10xxxxxx, 12-bit 1110xxxx, 32-bit 0xF0 + 4 LE bytes of length;
//   * backlen: the size of encoding+data, 7 bits a byte, most significant group first.
// A string that is the canonical form of an int64 (up to 20 chars) is stored as an integer,
// as lpAppend does. Positions are byte offsets of entries.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace osprey {

class Listpack {
 public:
  static constexpr size_t kHeader = 6;
  static constexpr uint8_t kEof = 0xFF;

  // One decoded element: an integer, or a string viewing the buffer.
  struct Elem {
    bool is_int = false;
    long long ival = 0;
    std::string_view sval;
    // The element as text (integers formatted into buf, 24 bytes).
    std::string_view text(char* buf) const;
  };

  Listpack() { clear(); }
  explicit Listpack(std::string bytes) : b_(std::move(bytes)) {}

  void clear();
  const std::string& bytes() const { return b_; }
  std::string& raw() { return b_; }
  size_t size() const { return b_.size(); }
  size_t raw_capacity() const { return b_.capacity(); }
  size_t first() const { return kHeader; }      // position of the first entry
  bool atEnd(size_t pos) const { return static_cast<uint8_t>(b_[pos]) == kEof; }
  size_t next(size_t pos) const { return pos + entryLen(pos); }
  // The entry before pos (pos > first(); pos may be the terminator's position).
  size_t prev(size_t pos) const;
  Elem get(size_t pos) const;
  long long getInt(size_t pos) const;  // the element as an integer (strings: strtoll-like 0)
  uint32_t count() const;              // the header's element count

  void appendInt(long long v);
  void appendString(std::string_view s);  // integers-looking strings become integers
  // Replaces the integer at pos; returns the position (unchanged) of the new element.
  void replaceInt(size_t pos, long long v);

  // Size of the entry at pos (encoding, data, backlen).
  size_t entryLen(size_t pos) const;
  // Size one appended element would take.
  static size_t intSize(long long v);
  static size_t stringSize(std::string_view s);

  // Full structural check (for loading untrusted bytes); *entries receives the count.
  static bool validate(std::string_view lp, size_t* entries);

 private:
  static size_t encodeInt(long long v, uint8_t* out);  // returns encoding+data length
  static size_t backlenSize(size_t l);
  static void putBacklen(size_t l, uint8_t* out);
  void setTotal();
  void addCount(int delta);
  void insertRaw(size_t pos, const uint8_t* enc, size_t enclen, const char* data,
                 size_t datalen, size_t replace_len);

  std::string b_;
};

}  // namespace osprey
