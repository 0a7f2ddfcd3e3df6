// server/listpack.cpp — the listpack byte layout (see listpack.h).
#include "server/listpack.h"

#include <cstring>

#include "common/util.h"

namespace osprey {

namespace {

long long signExtend(uint64_t v, int bits) {
  uint64_t m = 1ULL << (bits - 1);
  v &= (bits == 64) ? ~0ULL : ((1ULL << bits) - 1);
  return static_cast<long long>((v ^ m) - m);
}

uint64_t readLe(const uint8_t* p, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; i++) v |= static_cast<uint64_t>(p[i]) << (8 * i);
  return v;
}

}  // namespace

std::string_view Listpack::Elem::text(char* buf) const {
  if (!is_int) return sval;
  int n = snprintf(buf, 24, "%lld", ival);
  return std::string_view(buf, static_cast<size_t>(n));
}

void Listpack::clear() {
  b_.assign(kHeader, '\0');
  b_.push_back(static_cast<char>(kEof));
  setTotal();
}

void Listpack::setTotal() {
  uint32_t t = static_cast<uint32_t>(b_.size());
  for (int i = 0; i < 4; i++) b_[i] = static_cast<char>((t >> (8 * i)) & 0xFF);
}

uint32_t Listpack::count() const {
  const uint8_t* p = reinterpret_cast<const uint8_t*>(b_.data());
  return p[4] | (p[5] << 8);
}

void Listpack::addCount(int delta) {
  uint32_t c = count();
  if (c == 65535) return;  // unknown: stays so (Redis counts on demand)
  long long n = static_cast<long long>(c) + delta;
  if (n >= 65535) n = 65535;
  b_[4] = static_cast<char>(n & 0xFF);
  b_[5] = static_cast<char>((n >> 8) & 0xFF);
}

size_t Listpack::backlenSize(size_t l) {
  if (l <= 127) return 1;
  if (l < 16383) return 2;
  if (l < 2097151) return 3;
  if (l < 268435455) return 4;
  return 5;
}

void Listpack::putBacklen(size_t l, uint8_t* out) {
  size_t n = backlenSize(l);
  for (size_t i = 0; i < n; i++) {
    out[i] = static_cast<uint8_t>((l >> (7 * (n - 1 - i))) & 127);
    if (i > 0) out[i] |= 128;
  }
}

size_t Listpack::encodeInt(long long v, uint8_t* b) {
  uint64_t u = static_cast<uint64_t>(v);
  if (v >= 0 && v <= 127) {
    b[0] = static_cast<uint8_t>(v);
    return 1;
  }
  if (v >= -4096 && v <= 4095) {
    uint64_t t = u & 0x1FFF;
    b[0] = static_cast<uint8_t>(0xC0 | (t >> 8));
    b[1] = static_cast<uint8_t>(t & 0xFF);
    return 2;
  }
  int bytes;
  if (v >= INT16_MIN && v <= INT16_MAX) {
    b[0] = 0xF1, bytes = 2;
  } else if (v >= -8388608 && v <= 8388607) {
    b[0] = 0xF2, bytes = 3;
  } else if (v >= INT32_MIN && v <= INT32_MAX) {
    b[0] = 0xF3, bytes = 4;
  } else {
    b[0] = 0xF4, bytes = 8;
  }
  for (int i = 0; i < bytes; i++) b[1 + i] = static_cast<uint8_t>(u >> (8 * i));
  return 1 + static_cast<size_t>(bytes);
}

size_t Listpack::intSize(long long v) {
  uint8_t b[9];
  size_t n = encodeInt(v, b);
  return n + backlenSize(n);
}

size_t Listpack::stringSize(std::string_view s) {
  long long v;
  if (!s.empty() && s.size() <= 20 && string2ll(s, &v)) return intSize(v);
  size_t n = s.size() + (s.size() < 64 ? 1 : s.size() < 4096 ? 2 : 5);
  return n + backlenSize(n);
}

size_t Listpack::entryLen(size_t pos) const {
  const uint8_t* p = reinterpret_cast<const uint8_t*>(b_.data()) + pos;
  size_t enc;
  uint8_t b0 = p[0];
  if ((b0 & 0x80) == 0) enc = 1;
  else if ((b0 & 0xC0) == 0x80) enc = 1 + (b0 & 0x3F);
  else if ((b0 & 0xE0) == 0xC0) enc = 2;
  else if ((b0 & 0xF0) == 0xE0) enc = 2 + (static_cast<size_t>(b0 & 0x0F) << 8 | p[1]);
  else if (b0 == 0xF0) enc = 5 + readLe(p + 1, 4);
  else if (b0 == 0xF1) enc = 3;
  else if (b0 == 0xF2) enc = 4;
  else if (b0 == 0xF3) enc = 5;
  else if (b0 == 0xF4) enc = 9;
  else return 1;  // 0xFF: the terminator
  return enc + backlenSize(enc);
}

size_t Listpack::prev(size_t pos) const {
  // The back length ends right before pos; read it backwards, 7 bits a byte, until the
  // byte without the continuation bit.
  const uint8_t* p = reinterpret_cast<const uint8_t*>(b_.data()) + pos - 1;
  size_t val = 0, shift = 0, n = 0;
  while (true) {
    val |= static_cast<size_t>(*p & 127) << shift;
    n++;
    if (!(*p & 128)) break;
    shift += 7;
    p--;
  }
  return pos - n - val;
}

Listpack::Elem Listpack::get(size_t pos) const {
  const uint8_t* p = reinterpret_cast<const uint8_t*>(b_.data()) + pos;
  const char* c = b_.data() + pos;
  Elem e;
  uint8_t b0 = p[0];
  if ((b0 & 0x80) == 0) {
    e.is_int = true, e.ival = b0;
  } else if ((b0 & 0xC0) == 0x80) {
    e.sval = std::string_view(c + 1, b0 & 0x3F);
  } else if ((b0 & 0xE0) == 0xC0) {
    e.is_int = true, e.ival = signExtend((static_cast<uint64_t>(b0 & 0x1F) << 8) | p[1], 13);
  } else if ((b0 & 0xF0) == 0xE0) {
    e.sval = std::string_view(c + 2, static_cast<size_t>(b0 & 0x0F) << 8 | p[1]);
  } else if (b0 == 0xF0) {
    e.sval = std::string_view(c + 5, readLe(p + 1, 4));
  } else if (b0 >= 0xF1 && b0 <= 0xF4) {
    static const int kBytes[] = {2, 3, 4, 8};
    int n = kBytes[b0 - 0xF1];
    e.is_int = true, e.ival = signExtend(readLe(p + 1, n), n * 8);
  }
  return e;
}

long long Listpack::getInt(size_t pos) const {
  Elem e = get(pos);
  if (e.is_int) return e.ival;
  long long v = 0;
  string2ll(e.sval, &v);
  return v;
}

void Listpack::insertRaw(size_t pos, const uint8_t* enc, size_t enclen, const char* data,
                         size_t datalen, size_t replace_len) {
  size_t l = enclen + datalen;
  uint8_t back[5];
  putBacklen(l, back);
  size_t bl = backlenSize(l);
  if (replace_len == 0 && pos + 1 == b_.size()) {  // appending: write over the terminator
    b_.pop_back();
    b_.append(reinterpret_cast<const char*>(enc), enclen);
    if (datalen) b_.append(data, datalen);
    b_.append(reinterpret_cast<const char*>(back), bl);
    b_.push_back(static_cast<char>(kEof));
    setTotal();
    return;
  }
  std::string entry;
  entry.reserve(l + bl);
  entry.append(reinterpret_cast<const char*>(enc), enclen);
  if (datalen) entry.append(data, datalen);
  entry.append(reinterpret_cast<const char*>(back), bl);
  b_.replace(pos, replace_len, entry);
  setTotal();
}

void Listpack::appendInt(long long v) {
  uint8_t enc[9];
  size_t n = encodeInt(v, enc);
  insertRaw(b_.size() - 1, enc, n, nullptr, 0, 0);
  addCount(1);
}

void Listpack::appendString(std::string_view s) {
  long long v;
  if (!s.empty() && s.size() <= 20 && string2ll(s, &v)) return appendInt(v);
  uint8_t enc[5];
  size_t n = s.size(), el;
  if (n < 64) {
    enc[0] = static_cast<uint8_t>(0x80 | n), el = 1;
  } else if (n < 4096) {
    enc[0] = static_cast<uint8_t>(0xE0 | (n >> 8)), enc[1] = static_cast<uint8_t>(n & 0xFF), el = 2;
  } else {
    enc[0] = 0xF0, el = 5;
    for (int i = 0; i < 4; i++) enc[1 + i] = static_cast<uint8_t>((n >> (8 * i)) & 0xFF);
  }
  insertRaw(b_.size() - 1, enc, el, s.data(), n, 0);
  addCount(1);
}

void Listpack::replaceInt(size_t pos, long long v) {
  uint8_t enc[9];
  size_t n = encodeInt(v, enc);
  size_t old = entryLen(pos);
  if (n + backlenSize(n) == old) {  // same size: overwrite in place
    std::memcpy(b_.data() + pos, enc, n);
    return;
  }
  insertRaw(pos, enc, n, nullptr, 0, old);
}

bool Listpack::validate(std::string_view lp, size_t* entries) {
  if (lp.size() < kHeader + 1) return false;
  const uint8_t* p = reinterpret_cast<const uint8_t*>(lp.data());
  if (readLe(p, 4) != lp.size()) return false;
  if (p[lp.size() - 1] != kEof) return false;
  size_t pos = kHeader, n = 0;
  while (pos < lp.size() - 1) {
    uint8_t b0 = p[pos];
    size_t avail = lp.size() - 1 - pos;
    size_t enc;
    if ((b0 & 0x80) == 0) enc = 1;
    else if ((b0 & 0xC0) == 0x80) enc = 1 + (b0 & 0x3F);
    else if ((b0 & 0xE0) == 0xC0) enc = 2;
    else if ((b0 & 0xF0) == 0xE0) {
      if (avail < 2) return false;
      enc = 2 + (static_cast<size_t>(b0 & 0x0F) << 8 | p[pos + 1]);
    } else if (b0 == 0xF0) {
      if (avail < 5) return false;
      enc = 5 + readLe(p + pos + 1, 4);
    } else if (b0 == 0xF1) enc = 3;
    else if (b0 == 0xF2) enc = 4;
    else if (b0 == 0xF3) enc = 5;
    else if (b0 == 0xF4) enc = 9;
    else return false;
    size_t total = enc + backlenSize(enc);
    if (total > avail) return false;
    // The back length must decode to enc.
    size_t bl = backlenSize(enc);
    size_t l = 0;
    for (size_t i = 0; i < bl; i++) l = (l << 7) | (p[pos + enc + i] & 127);
    if (l != enc) return false;
    pos += total;
    n++;
  }
  uint32_t hdr = p[4] | (p[5] << 8);
  if (hdr != 65535 && hdr != n) return false;
  *entries = n;
  return true;
}

}  // namespace osprey
