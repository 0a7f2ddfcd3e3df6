// server/object.cpp — Object construction, copying and Redis's encoding names; the packed
// containers behind small collections (PackedBuf, IntSet) and the list type (ListValue).
#include "server/object.h"

#include <malloc.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <new>

#include "common/config.h"
#include "common/util.h"
#include "server/t_hash.h"
#include "server/t_set.h"
#include "server/t_stream.h"
#include "server/t_zset.h"

namespace osprey {

static_assert(sizeof(ZSetValue) <= 32 && alignof(ZSetValue) <= 8, "a ZSetValue must fit Object's payload");
static_assert(sizeof(Object) == 40, "Object is a 32-byte payload, 4 bytes of header, 4 spare");

Object::Object() { new (&u_.str) std::string(); }
Object::~Object() { destroyPayload(); }

void Object::destroyPayload() {
  switch (type) {
    case ObjType::List: u_.list.~ListValue(); break;
    case ObjType::Hash: u_.hash.~HashValue(); break;
    case ObjType::Set: u_.set.~SetValue(); break;
    case ObjType::ZSet: zset().~ZSetValue(); break;
    case ObjType::Stream: delete u_.stream; break;
    default: u_.str.~basic_string(); break;
  }
}

void Object::reset(ObjType t) {
  destroyPayload();
  type = t;
  switch (t) {
    case ObjType::List: new (&u_.list) ListValue(); break;
    case ObjType::Hash: new (&u_.hash) HashValue(); break;
    case ObjType::Set: new (&u_.set) SetValue(); break;
    case ObjType::ZSet: new (u_.zset) ZSetValue(); break;
    case ObjType::Stream: u_.stream = new StreamValue(); break;
    default: new (&u_.str) std::string(); break;
  }
}

void Object::movePayloadFrom(Object& o) {
  type = o.type;
  switch (o.type) {
    case ObjType::List: new (&u_.list) ListValue(std::move(o.u_.list)); break;
    case ObjType::Hash: new (&u_.hash) HashValue(std::move(o.u_.hash)); break;
    case ObjType::Set: new (&u_.set) SetValue(std::move(o.u_.set)); break;
    case ObjType::ZSet: new (u_.zset) ZSetValue(std::move(o.zset())); break;
    case ObjType::Stream:  // the pointer moves; a moved-from stream holds none
      u_.stream = o.u_.stream;
      o.u_.stream = nullptr;
      break;
    default: new (&u_.str) std::string(std::move(o.u_.str)); break;
  }
}

Object::Object(Object&& o) noexcept : encoding(o.encoding), lru(o.lru) { movePayloadFrom(o); }

Object& Object::operator=(Object&& o) noexcept {
  if (this != &o) {
    destroyPayload();
    movePayloadFrom(o);
    encoding = o.encoding;
    lru = o.lru;
  }
  return *this;
}

const char* encodingName(Encoding e) {
  switch (e) {
    case Encoding::Raw: return "raw";
    case Encoding::Int: return "int";
    case Encoding::Embstr: return "embstr";
    case Encoding::Quicklist: return "quicklist";
    case Encoding::Listpack: return "listpack";
    case Encoding::Hashtable: return "hashtable";
    case Encoding::Intset: return "intset";
    case Encoding::Skiplist: return "skiplist";
    case Encoding::Stream: return "stream";
  }
  return "unknown";
}

const char* typeName(ObjType t) {
  switch (t) {
    case ObjType::String: return "string";
    case ObjType::List: return "list";
    case ObjType::Set: return "set";
    case ObjType::ZSet: return "zset";
    case ObjType::Hash: return "hash";
    case ObjType::Stream: return "stream";
  }
  return "none";
}

Encoding stringEncodingFor(const std::string& s) {
  long long v;
  if (s.size() <= 20 && string2ll(s, &v)) return Encoding::Int;
  return s.size() <= 44 ? Encoding::Embstr : Encoding::Raw;
}

Object Object::makeString(std::string s) {
  Object o;
  o.encoding = stringEncodingFor(s);
  o.u_.str = std::move(s);
  return o;
}

Object Object::makeList() {
  Object o;
  o.reset(ObjType::List);
  o.encoding = Encoding::Quicklist;  // Redis 7.0 lists are always quicklists
  return o;
}

Object Object::makeHash() {
  Object o;
  o.reset(ObjType::Hash);
  o.encoding = Encoding::Listpack;
  return o;
}

Object Object::makeSet(bool intset) {
  Object o;
  o.reset(ObjType::Set);
  o.encoding = intset ? Encoding::Intset : Encoding::Hashtable;
  if (!intset) o.u_.set = SetValue(false);
  return o;
}

Object Object::makeZSet() {
  Object o;
  o.reset(ObjType::ZSet);
  o.encoding = Encoding::Listpack;
  return o;
}

Object Object::makeStream() {
  Object o;
  o.reset(ObjType::Stream);
  o.encoding = Encoding::Stream;
  return o;
}

Object Object::clone() const {
  Object o;
  o.reset(type);
  o.encoding = encoding;
  o.lru = lru;
  switch (type) {
    case ObjType::List: o.u_.list = u_.list.clone(); break;
    case ObjType::Hash: o.u_.hash = u_.hash.clone(); break;
    case ObjType::Set: o.u_.set = u_.set.clone(); break;
    case ObjType::ZSet: o.zset() = std::move(*zset().clone()); break;
    case ObjType::Stream:
      delete o.u_.stream;
      o.u_.stream = stream().clone().release();
      break;
    default: o.u_.str = u_.str; break;
  }
  return o;
}

// ==== PackedBuf ===============================================================

namespace {

constexpr uint8_t kTagStr14 = 0x80;  // 0x80..0xBF: 14-bit string length
constexpr uint8_t kTagImmInt = 0xC0;  // 0xC0..0xEF: integers 0..47 in the tag
constexpr int kImmIntMax = 47;
constexpr uint8_t kTagInt8 = 0xF1, kTagInt16 = 0xF2, kTagInt24 = 0xF3, kTagInt32 = 0xF4,
                  kTagInt64 = 0xF5, kTagStr32 = 0xFE;

size_t backlenSize(size_t s) {
  size_t k = 1;
  while (s >= 128) {
    s >>= 7;
    k++;
  }
  return k;
}

// Whether v is stored as an integer, and which.
bool packedInt(std::string_view v, long long* out) {
  return !v.empty() && v.size() <= 20 && string2ll(v, out);
}

size_t intPayload(long long v) {
  if (v >= 0 && v <= kImmIntMax) return 0;
  if (v >= INT8_MIN && v <= INT8_MAX) return 1;
  if (v >= INT16_MIN && v <= INT16_MAX) return 2;
  if (v >= -(1 << 23) && v < (1 << 23)) return 3;
  if (v >= INT32_MIN && v <= INT32_MAX) return 4;
  return 8;
}

// Size of tag + payload.
size_t bodySize(std::string_view v) {
  long long iv;
  if (packedInt(v, &iv)) return 1 + intPayload(iv);
  if (v.size() < 128) return 1 + v.size();
  if (v.size() < 16384) return 2 + v.size();
  return 5 + v.size();
}

// Writes the entry for v (whose body size is `body`) at dst.
void encodeEntry(uint8_t* dst, std::string_view v, size_t body) {
  uint8_t* p = dst;
  long long iv;
  if (packedInt(v, &iv)) {
    size_t n = intPayload(iv);
    if (n == 0) {
      *p++ = static_cast<uint8_t>(kTagImmInt + iv);
    } else {
      static const uint8_t kTags[] = {0, kTagInt8, kTagInt16, kTagInt24, kTagInt32, 0, 0, 0, kTagInt64};
      *p++ = kTags[n];
      uint64_t u = static_cast<uint64_t>(iv);
      for (size_t i = 0; i < n; i++) *p++ = static_cast<uint8_t>(u >> (8 * i));
    }
  } else {
    size_t len = v.size();
    if (len < 128) {
      *p++ = static_cast<uint8_t>(len);
    } else if (len < 16384) {
      *p++ = static_cast<uint8_t>(kTagStr14 | (len >> 8));
      *p++ = static_cast<uint8_t>(len & 0xFF);
    } else {
      *p++ = kTagStr32;
      for (int i = 0; i < 4; i++) *p++ = static_cast<uint8_t>(len >> (8 * i));
    }
    if (len) memcpy(p, v.data(), len);
    p += len;
  }
  size_t k = backlenSize(body);
  for (size_t j = 0; j < k; j++)
    p[k - 1 - j] = static_cast<uint8_t>(((body >> (7 * j)) & 0x7F) | (j + 1 < k ? 0x80 : 0));
}

// Body size of the entry whose tag is at p.
size_t decodeBodySize(const uint8_t* p) {
  uint8_t t = *p;
  if (t < 0x80) return 1 + t;
  if (t < kTagImmInt) return 2 + (static_cast<size_t>(t & 0x3F) << 8 | p[1]);
  if (t <= kTagImmInt + kImmIntMax) return 1;
  switch (t) {
    case kTagInt8: return 2;
    case kTagInt16: return 3;
    case kTagInt24: return 4;
    case kTagInt32: return 5;
    case kTagInt64: return 9;
    default: {
      uint32_t len = 0;
      for (int i = 0; i < 4; i++) len |= static_cast<uint32_t>(p[1 + i]) << (8 * i);
      return 5 + len;
    }
  }
}

// Decodes the integer entry at p (tag is an integer tag).
long long decodeInt(const uint8_t* p) {
  uint8_t t = *p;
  if (t >= kTagImmInt && t <= kTagImmInt + kImmIntMax) return t - kTagImmInt;
  size_t n = t == kTagInt64 ? 8 : static_cast<size_t>(t - kTagInt8 + 1);
  uint64_t u = 0;
  for (size_t i = 0; i < n; i++) u |= static_cast<uint64_t>(p[1 + i]) << (8 * i);
  if (n < 8 && (u >> (8 * n - 1)) & 1) u |= ~0ULL << (8 * n);  // sign-extend
  return static_cast<long long>(u);
}

bool isIntTag(uint8_t t) { return t >= kTagImmInt && t != kTagStr32; }

}  // namespace

void SmallBytes::resize(size_t old_n, size_t new_n) {
  bool was_heap = old_n > kInline, to_heap = new_n > kInline;
  if (!was_heap && !to_heap) return;
  if (was_heap && to_heap) {
    size_t have = malloc_usable_size(heap);
    // Growing within the block, or shrinking by little: keep the block.
    if (new_n <= have && have - new_n < 64 + new_n / 4) return;
    auto* np = static_cast<uint8_t*>(std::realloc(heap, new_n));
    if (!np) throw std::bad_alloc();
    heap = np;
    return;
  }
  if (to_heap) {  // inline -> heap
    auto* np = static_cast<uint8_t*>(std::malloc(new_n));
    if (!np) throw std::bad_alloc();
    memcpy(np, in, old_n);
    heap = np;
    return;
  }
  uint8_t* old = heap;  // heap -> inline
  memcpy(in, old, new_n);
  std::free(old);
}

void SmallBytes::release(size_t n) {
  if (n > kInline) std::free(heap);
}

void SmallBytes::copyFrom(const SmallBytes& o, size_t n) {
  if (n <= kInline) {
    memcpy(in, o.in, kInline);
    return;
  }
  heap = static_cast<uint8_t*>(std::malloc(n));
  if (!heap) throw std::bad_alloc();
  memcpy(heap, o.heap, n);
}

size_t SmallBytes::allocated(size_t n) const { return n > kInline ? malloc_usable_size(heap) : 0; }

PackedBuf& PackedBuf::operator=(PackedBuf&& o) noexcept {
  if (this != &o) {
    buf_.release(bytes_);
    bytes_ = o.bytes_;
    count_ = o.count_;
    buf_ = o.buf_;
    o.bytes_ = o.count_ = 0;
  }
  return *this;
}

PackedBuf PackedBuf::clone() const {
  PackedBuf b;
  b.buf_.copyFrom(buf_, bytes_);
  b.bytes_ = bytes_;
  b.count_ = count_;
  return b;
}

size_t PackedBuf::entrySize(std::string_view v) {
  size_t body = bodySize(v);
  return body + backlenSize(body);
}

size_t PackedBuf::next(size_t pos) const {
  size_t body = decodeBodySize(data() + pos);
  return pos + body + backlenSize(body);
}

size_t PackedBuf::prev(size_t pos) const {
  const uint8_t* p = data() + pos;
  size_t body = 0, k = 0;
  for (;;) {
    uint8_t b = *--p;
    body |= static_cast<size_t>(b & 0x7F) << (7 * k);
    k++;
    if (!(b & 0x80)) break;
  }
  return pos - k - body;
}

std::string_view PackedBuf::get(size_t pos, Scratch& s) const {
  const uint8_t* p = data() + pos;
  uint8_t t = *p;
  if (t < 0x80) return {reinterpret_cast<const char*>(p + 1), t};
  if (t < kTagImmInt)
    return {reinterpret_cast<const char*>(p + 2), static_cast<size_t>(t & 0x3F) << 8 | p[1]};
  if (t == kTagStr32) return {reinterpret_cast<const char*>(p + 5), decodeBodySize(p) - 5};
  auto r = std::to_chars(s.buf, s.buf + sizeof(s.buf), decodeInt(p));
  return {s.buf, static_cast<size_t>(r.ptr - s.buf)};
}

bool PackedBuf::getInt(size_t pos, long long* v) const {
  const uint8_t* p = data() + pos;
  if (!isIntTag(*p)) return false;
  *v = decodeInt(p);
  return true;
}

bool PackedBuf::equals(size_t pos, std::string_view v) const {
  const uint8_t* p = data() + pos;
  uint8_t t = *p;
  if (t < 0x80) return v.size() == t && (t == 0 || memcmp(p + 1, v.data(), t) == 0);
  Scratch s;
  return get(pos, s) == v;
}

void PackedBuf::insert(size_t pos, std::string_view v) {
  size_t body = bodySize(v);
  size_t es = body + backlenSize(body);
  size_t old = bytes();
  resize(old + es);
  uint8_t* d = data();
  if (pos < old) memmove(d + pos + es, d + pos, old - pos);
  encodeEntry(d + pos, v, body);
  count_++;
}

void PackedBuf::replace(size_t pos, std::string_view v) {
  size_t body = bodySize(v);
  size_t ns = body + backlenSize(body);
  size_t end = next(pos), os = end - pos, old = bytes();
  if (ns > os) {
    resize(old + ns - os);
    memmove(data() + pos + ns, data() + end, old - end);
  } else if (ns < os) {
    memmove(data() + pos + ns, data() + end, old - end);
    resize(old - (os - ns));
  }
  encodeEntry(data() + pos, v, body);
}

void PackedBuf::erase(size_t pos, size_t n) {
  size_t end = pos;
  for (size_t i = 0; i < n; i++) end = next(end);
  eraseBytes(pos, end, n);
}

void PackedBuf::eraseBytes(size_t from, size_t to, size_t n) {
  size_t old = bytes();
  if (to < old) memmove(data() + from, data() + to, old - to);
  resize(old - (to - from));
  count_ -= static_cast<uint32_t>(n);
}

PackedBuf PackedBuf::splitAt(size_t pos) {
  PackedBuf tail;
  size_t old = bytes();
  if (pos >= old) return tail;
  size_t before = 0;
  for (size_t p = 0; p < pos; p = next(p)) before++;
  size_t moved = count() - before;
  tail.resize(old - pos);
  memcpy(tail.data(), data() + pos, old - pos);
  tail.count_ = static_cast<uint32_t>(moved);
  eraseBytes(pos, old, moved);
  return tail;
}

// ==== ListValue ===============================================================

namespace {
// list-max-listpack-size levels for negative values: the byte size of one node.
constexpr size_t kNodeLevels[] = {4096, 8192, 16384, 32768, 65536};
constexpr size_t kNodeSafetyLimit = 8192;  // the byte cap of count-limited nodes
}  // namespace

bool ListValue::nodeHasRoom(const PackedBuf& n, std::string_view v) const {
  if (n.empty()) return true;
  long long fill = cfg().list_max_listpack_size;
  size_t new_bytes = n.bytes() + PackedBuf::entrySize(v);
  if (fill < 0) {
    size_t level = static_cast<size_t>(std::min<long long>(-fill, 5)) - 1;
    return new_bytes <= kNodeLevels[level];
  }
  return static_cast<long long>(n.count()) < fill && new_bytes <= kNodeSafetyLimit;
}

ListValue ListValue::clone() const {
  ListValue l;
  l.nodes_.reserve(nodes_.size());
  for (const PackedBuf& n : nodes_) l.nodes_.push_back(n.clone());
  l.count_ = count_;
  return l;
}

void ListValue::pushFront(std::string_view v) {
  if (nodes_.empty() || !nodeHasRoom(nodes_.front(), v)) nodes_.emplace(nodes_.begin());
  nodes_.front().pushFront(v);
  count_++;
}

void ListValue::pushBack(std::string_view v) {
  if (nodes_.empty() || !nodeHasRoom(nodes_.back(), v)) nodes_.emplace_back();
  nodes_.back().pushBack(v);
  count_++;
}

void ListValue::dropNodeIfEmpty(size_t node) {
  if (nodes_[node].empty()) nodes_.erase(nodes_.begin() + static_cast<long>(node));
}

void ListValue::popFront() {
  nodes_.front().erase(0, 1);
  dropNodeIfEmpty(0);
  count_--;
}

void ListValue::popBack() {
  PackedBuf& n = nodes_.back();
  size_t last = n.prev(n.bytes());
  n.eraseBytes(last, n.bytes(), 1);
  dropNodeIfEmpty(nodes_.size() - 1);
  count_--;
}

std::string_view ListValue::front(PackedBuf::Scratch& s) const { return nodes_.front().get(0, s); }

std::string_view ListValue::back(PackedBuf::Scratch& s) const {
  const PackedBuf& n = nodes_.back();
  return n.get(n.prev(n.bytes()), s);
}

void ListValue::locate(size_t i, size_t* node, size_t* pos) const {
  size_t k, j;  // node index, element index inside it
  if (i < count_ / 2) {
    k = 0;
    while (i >= nodes_[k].count()) i -= nodes_[k++].count();
    j = i;
  } else {
    size_t from_end = count_ - 1 - i;  // 0 = the last element
    k = nodes_.size() - 1;
    while (from_end >= nodes_[k].count()) from_end -= nodes_[k--].count();
    j = nodes_[k].count() - 1 - from_end;
  }
  const PackedBuf& n = nodes_[k];
  size_t p;
  if (j < n.count() / 2) {
    p = 0;
    while (j--) p = n.next(p);
  } else {
    p = n.bytes();
    for (size_t back = n.count() - j; back--;) p = n.prev(p);
  }
  *node = k;
  *pos = p;
}

std::string_view ListValue::at(size_t i, PackedBuf::Scratch& s) const {
  size_t k, p;
  locate(i, &k, &p);
  return nodes_[k].get(p, s);
}

void ListValue::set(size_t i, std::string_view v) {
  size_t k, p;
  locate(i, &k, &p);
  nodes_[k].replace(p, v);
}

void ListValue::insert(size_t i, std::string_view v) {
  if (i == 0) return pushFront(v);
  if (i >= count_) return pushBack(v);
  size_t k, p;
  locate(i, &k, &p);
  if (nodeHasRoom(nodes_[k], v)) {
    nodes_[k].insert(p, v);
  } else if (p == 0 && k > 0 && nodeHasRoom(nodes_[k - 1], v)) {
    nodes_[k - 1].pushBack(v);
  } else {
    // Full node: split it at the insertion point and put v at the end of the first half
    // (or in a node of its own when even that is full).
    PackedBuf tail = nodes_[k].splitAt(p);
    nodes_.insert(nodes_.begin() + static_cast<long>(k) + 1, std::move(tail));
    if (nodes_[k].empty() || nodeHasRoom(nodes_[k], v)) {
      nodes_[k].pushBack(v);
    } else {
      nodes_.emplace(nodes_.begin() + static_cast<long>(k) + 1);
      nodes_[k + 1].pushBack(v);
    }
  }
  count_++;
}

void ListValue::trimFront(size_t n) {
  n = std::min(n, count_);
  count_ -= n;
  size_t drop = 0;
  while (drop < nodes_.size() && nodes_[drop].count() <= n) n -= nodes_[drop++].count();
  nodes_.erase(nodes_.begin(), nodes_.begin() + static_cast<long>(drop));
  if (n) nodes_.front().erase(0, n);
}

void ListValue::trimBack(size_t n) {
  n = std::min(n, count_);
  count_ -= n;
  while (!nodes_.empty() && nodes_.back().count() <= n) {
    n -= nodes_.back().count();
    nodes_.pop_back();
  }
  if (n) {
    PackedBuf& b = nodes_.back();
    size_t p = b.bytes();
    for (size_t i = 0; i < n; i++) p = b.prev(p);
    b.eraseBytes(p, b.bytes(), n);
  }
}

ListValue::Cursor ListValue::cursorAt(size_t i) const {
  Cursor c;
  c.l_ = this;
  locate(i, &c.node_, &c.pos_);
  return c;
}

void ListValue::Cursor::next() {
  const PackedBuf& n = l_->nodes_[node_];
  pos_ = n.next(pos_);
  if (pos_ >= n.bytes()) {
    node_++;
    pos_ = 0;
  }
}

void ListValue::Cursor::prev() {
  if (pos_ == 0) {
    if (node_ == 0) {
      node_ = l_->nodes_.size();  // before the head: invalid
      return;
    }
    node_--;
    pos_ = l_->nodes_[node_].bytes();
  }
  pos_ = l_->nodes_[node_].prev(pos_);
}

// ==== IntSet ==================================================================

namespace {
uint32_t widthFor(int64_t v) {
  if (v >= INT16_MIN && v <= INT16_MAX) return 2;
  if (v >= INT32_MIN && v <= INT32_MAX) return 4;
  return 8;
}
}  // namespace

IntSet& IntSet::operator=(IntSet&& o) noexcept {
  if (this != &o) {
    buf_.release(bytes());
    count_ = o.count_;
    width_ = o.width_;
    buf_ = o.buf_;
    o.count_ = 0;
  }
  return *this;
}

IntSet IntSet::clone() const {
  IntSet s;
  s.buf_.copyFrom(buf_, bytes());
  s.count_ = count_;
  s.width_ = width_;
  return s;
}

int64_t IntSet::at(size_t i) const {
  const uint8_t* d = data();
  switch (width_) {
    case 2: {
      int16_t v;
      memcpy(&v, d + 2 * i, 2);
      return v;
    }
    case 4: {
      int32_t v;
      memcpy(&v, d + 4 * i, 4);
      return v;
    }
    default: {
      int64_t v;
      memcpy(&v, d + 8 * i, 8);
      return v;
    }
  }
}

void IntSet::put(size_t i, int64_t v) {
  uint8_t* d = data();
  switch (width_) {
    case 2: {
      auto x = static_cast<int16_t>(v);
      memcpy(d + 2 * i, &x, 2);
      break;
    }
    case 4: {
      auto x = static_cast<int32_t>(v);
      memcpy(d + 4 * i, &x, 4);
      break;
    }
    default: memcpy(d + 8 * i, &v, 8);
  }
}

size_t IntSet::search(int64_t v, bool* found) const {
  size_t lo = 0, hi = size();
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    int64_t m = at(mid);
    if (m == v) {
      *found = true;
      return mid;
    }
    if (m < v)
      lo = mid + 1;
    else
      hi = mid;
  }
  *found = false;
  return lo;
}

bool IntSet::contains(int64_t v) const {
  if (count_ == 0 || widthFor(v) > width_) return false;
  bool found;
  search(v, &found);
  return found;
}

void IntSet::resize(size_t count, uint32_t width) {
  buf_.resize(bytes(), count * width);
  count_ = static_cast<uint32_t>(count);
  width_ = width;
}

bool IntSet::insert(int64_t v) {
  uint32_t need = widthFor(v);
  size_t n = size();
  if (n == 0) {
    resize(1, need);
    put(0, v);
    return true;
  }
  if (need > width_) {
    // Upgrade: v lies beyond every member (below all when negative), so it goes at an end.
    // The members are rewritten from the last, so none is overwritten before it is read.
    uint32_t old = width_;
    resize(n + 1, need);
    bool front = v < 0;
    for (size_t i = n; i-- > 0;) {
      int64_t x;
      const uint8_t* src = data() + old * i;
      if (old == 2) {
        int16_t y;
        memcpy(&y, src, 2);
        x = y;
      } else {
        int32_t y;
        memcpy(&y, src, 4);
        x = y;
      }
      put(front ? i + 1 : i, x);
    }
    put(front ? 0 : n, v);
    return true;
  }
  bool found;
  size_t i = search(v, &found);
  if (found) return false;
  uint32_t w = width_;
  resize(n + 1, w);
  memmove(data() + (i + 1) * w, data() + i * w, (n - i) * w);
  put(i, v);
  return true;
}

void IntSet::eraseAt(size_t i) {
  size_t n = size();
  uint32_t w = width_;
  memmove(data() + i * w, data() + (i + 1) * w, (n - i - 1) * w);
  resize(n - 1, w);
}

bool IntSet::erase(int64_t v) {
  if (count_ == 0 || widthFor(v) > width_) return false;
  bool found;
  size_t i = search(v, &found);
  if (!found) return false;
  eraseAt(i);
  return true;
}

void IntSet::clear() {
  buf_.release(bytes());
  count_ = 0;
  width_ = 2;
}

}  // namespace osprey

namespace osprey {
// Object's 32-byte payload holds every collection in place.
static_assert(sizeof(ListValue) <= 32 && sizeof(HashValue) <= 32 && sizeof(SetValue) <= 32);
}  // namespace osprey
