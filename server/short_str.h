// server/short_str.h — ShortStr, the 16-byte string that large hashes and sets keep their
// fields, values and members in.
//
// A std::string is 32 bytes, which made a hash table entry of a big hash (field, value,
// link) 72 bytes. ShortStr keeps up to 15 bytes in place and longer strings in one exact
// heap block, so that entry is 40 bytes and a set member's 32: with jemalloc's size classes
// that is less per element than Redis's dictEntry plus sds strings. It is immutable apart
// from assign(), and reads as a std::string_view.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string_view>

namespace osprey {

class ShortStr {
 public:
  static constexpr size_t kInline = 15;

  ShortStr() { setInline(std::string_view()); }
  ShortStr(std::string_view v) { init(v); }  // NOLINT: reads like a string
  ShortStr(const ShortStr& o) { init(o); }
  ShortStr(ShortStr&& o) noexcept {
    memcpy(raw_, o.raw_, sizeof raw_);
    o.setInline(std::string_view());
  }
  ShortStr& operator=(const ShortStr& o) {
    if (this != &o) assign(o);
    return *this;
  }
  ShortStr& operator=(ShortStr&& o) noexcept {
    if (this != &o) {
      release();
      memcpy(raw_, o.raw_, sizeof raw_);
      o.setInline(std::string_view());
    }
    return *this;
  }
  ~ShortStr() { release(); }

  void assign(std::string_view v) {
    if (onHeap() && v.size() > kInline && v.size() == heapLen()) {  // same size: in place
      memmove(heapPtr(), v.data(), v.size());
      return;
    }
    ShortStr tmp(v);  // v may point into *this
    *this = std::move(tmp);
  }

  size_t size() const { return onHeap() ? heapLen() : raw_[kInline]; }
  const char* data() const { return onHeap() ? heapPtr() : raw_; }
  operator std::string_view() const { return {data(), size()}; }  // NOLINT
  bool operator==(std::string_view v) const { return std::string_view(*this) == v; }

  // Bytes held from the allocator beyond the 16 in place.
  size_t heapBytes() const { return onHeap() ? heapLen() : 0; }

 private:
  static constexpr unsigned char kHeapMark = 0x80;

  bool onHeap() const { return static_cast<unsigned char>(raw_[kInline]) == kHeapMark; }
  char* heapPtr() const {
    char* p;
    memcpy(&p, raw_, sizeof p);
    return p;
  }
  // The heap length takes the 7 bytes between the pointer and the mark (little-endian).
  size_t heapLen() const {
    uint64_t n = 0;
    memcpy(&n, raw_ + sizeof(char*), 7);
    return n;
  }
  void setInline(std::string_view v) {
    if (!v.empty()) memcpy(raw_, v.data(), v.size());
    raw_[kInline] = static_cast<char>(v.size());
  }
  void init(std::string_view v) {
    if (v.size() <= kInline) {
      setInline(v);
      return;
    }
    char* p = static_cast<char*>(malloc(v.size()));
    if (!p) throw std::bad_alloc();
    memcpy(p, v.data(), v.size());
    uint64_t n = v.size();
    memcpy(raw_, &p, sizeof p);
    memcpy(raw_ + sizeof(char*), &n, 7);
    raw_[kInline] = static_cast<char>(kHeapMark);
  }
  void release() {
    if (onHeap()) free(heapPtr());
  }

  char raw_[16];
};
static_assert(sizeof(ShortStr) == 16);

}  // namespace osprey
