// server/keyspace.h — the keyspace's table: one allocation per key, holding the chain link,
// the value and the key's bytes.
//
// Redis pays for a key with a dictEntry, an sds and a robj. Osprey's KeyNode is a Dict node
// (dict.h) laid out as
//
//   [next 8][Object: payload 32, header 4, tail 4 ...][key length][key bytes ...]
//                                           ^ the Object's container_tail
//
// The key length and bytes start in the last bytes of the Object (which the Object leaves
// to its container) and run on past it, so a key of up to 11 bytes with a short string
// value or a small collection fits one 64-byte malloc chunk. A length of 255 or more is
// written as 255 followed by 8 length bytes. Nodes never move, so views of their keys
// (Db::expires holds such views) stay valid until the key is deleted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <string_view>
#include <utility>

#include "server/dict.h"
#include "server/object.h"

namespace osprey {

struct KeyNode {
  KeyNode* next = nullptr;
  Object value;

  std::string_view key() const {
    const unsigned char* p = tail();
    if (p[0] < kLongKey) return {reinterpret_cast<const char*>(p + 1), p[0]};
    uint64_t n;
    memcpy(&n, p + 1, sizeof n);
    return {reinterpret_cast<const char*>(p + 1 + sizeof n), n};
  }
  std::string_view keyView() const { return key(); }

  template <class KK, class VV>
  static KeyNode* create(KK&& k, VV&& v) {
    std::string_view key(k);
    bool long_key = key.size() >= kLongKey;
    size_t need = tailOffset() + headerBytes(key.size()) + key.size();
    void* mem = ::operator new(need < sizeof(KeyNode) ? sizeof(KeyNode) : need);
    auto* n = new (mem) KeyNode(std::forward<VV>(v));
    unsigned char* p = n->tail();
    if (long_key) {
      p[0] = kLongKey;
      uint64_t len = key.size();
      memcpy(p + 1, &len, sizeof len);
      p += 1 + sizeof len;
    } else {
      p[0] = static_cast<unsigned char>(key.size());
      p += 1;
    }
    if (!key.empty()) memcpy(p, key.data(), key.size());
    return n;
  }
  static void destroy(KeyNode* n) {
    n->~KeyNode();
    ::operator delete(n);
  }

  // Bytes of the node's allocation (MEMORY USAGE, INFO's overhead).
  size_t allocatedBytes() const {
    size_t n = key().size();
    size_t need = tailOffset() + headerBytes(n) + n;
    return need < sizeof(KeyNode) ? sizeof(KeyNode) : need;
  }

  // Where the key starts: the Object's container_tail, addressed from the node's own
  // bytes because the key runs on past the Object's end.
  static constexpr size_t tailOffset();

 private:
  static constexpr unsigned char kLongKey = 255;
  static size_t headerBytes(size_t keylen) { return keylen < kLongKey ? 1 : 1 + sizeof(uint64_t); }
  template <class VV>
  explicit KeyNode(VV&& v) : value(std::forward<VV>(v)) {}

  unsigned char* tail() { return reinterpret_cast<unsigned char*>(this) + tailOffset(); }
  const unsigned char* tail() const { return reinterpret_cast<const unsigned char*>(this) + tailOffset(); }
};

// Object is not standard-layout (private payload), so offsetof is only conditionally
// supported; GCC computes it as for any other class.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Winvalid-offsetof"
constexpr size_t KeyNode::tailOffset() { return offsetof(KeyNode, value) + offsetof(Object, container_tail); }
#pragma GCC diagnostic pop
static_assert(sizeof(KeyNode) == 48);
// The Object's header packs into the 4 bytes after its payload, so the key starts at byte
// 44 of the node: 11 key bytes then still fit a 56-byte request (a 64-byte chunk).
static_assert(KeyNode::tailOffset() == 44);

using Keyspace = Dict<std::string, Object, KeyNode>;
using KeyEntry = KeyNode;

}  // namespace osprey
