// server/t_bitops.cpp — the bitmap commands: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP and
// BITFIELD / BITFIELD_RO, on string values (server/bitops.h has the bit arithmetic).
//
// A bitmap is an ordinary string; an integer-encoded string is read through its decimal
// text, as Redis reads it. Commands that write grow the string with zero bytes up to the
// highest bit they touch (never past proto-max-bulk-len, except for our master's stream)
// and leave it "raw", as Redis's dbUnshareStringValue does. SETBIT and BITFIELD count a
// change (server.dirty, the "setbit" event, WATCH) only when a bit or the length changed,
// and then replicate as themselves.
#include "server/bitops.h"

#include <algorithm>
#include <climits>
#include <cstring>
#include <vector>

#include "common/config.h"
#include "common/util.h"
#include "server/db.h"
#include "server/server.h"

namespace osprey {

// ==== Bit arithmetic ============================================================

namespace bits {

namespace {

// One body, compiled twice: with the POPCNT instruction (where the CPU has it, checked
// once at run time) and without (the portable bit-twiddling the compiler emits).
template <int kTag>
inline uint64_t popcountWords(const uint8_t* p, size_t n) {
  uint64_t c0 = 0, c1 = 0, c2 = 0, c3 = 0;
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    uint64_t w[4];
    memcpy(w, p + i, 32);
    c0 += static_cast<uint64_t>(__builtin_popcountll(w[0]));
    c1 += static_cast<uint64_t>(__builtin_popcountll(w[1]));
    c2 += static_cast<uint64_t>(__builtin_popcountll(w[2]));
    c3 += static_cast<uint64_t>(__builtin_popcountll(w[3]));
  }
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    memcpy(&w, p + i, 8);
    c0 += static_cast<uint64_t>(__builtin_popcountll(w));
  }
  for (; i < n; i++) c0 += static_cast<uint64_t>(__builtin_popcount(p[i]));
  return c0 + c1 + c2 + c3;
}

#if defined(__x86_64__)
__attribute__((target("popcnt"))) uint64_t popcountHardware(const uint8_t* p, size_t n) {
  return popcountWords<1>(p, n);
}
#endif

uint64_t popcountPortable(const uint8_t* p, size_t n) { return popcountWords<0>(p, n); }

}  // namespace

uint64_t popcount(const uint8_t* p, size_t n) {
#if defined(__x86_64__)
  static const bool hardware = __builtin_cpu_supports("popcnt");
  if (hardware) return popcountHardware(p, n);
#endif
  return popcountPortable(p, n);
}

long long firstBit(const uint8_t* p, size_t n, int bit) {
  // Skip whole words that cannot hold the bit (all zero when looking for a one, all ones
  // when looking for a zero), then find it inside the first byte that can.
  const uint8_t skip = bit ? 0x00 : 0xff;
  const uint64_t skip_word = bit ? 0 : ~uint64_t{0};
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    memcpy(&w, p + i, 8);
    if (w != skip_word) break;
  }
  for (; i < n; i++) {
    if (p[i] == skip) continue;
    uint8_t b = bit ? p[i] : static_cast<uint8_t>(~p[i]);
    return static_cast<long long>(i * 8) + (__builtin_clz(b) - 24);
  }
  return -1;
}

uint64_t getUnsigned(const uint8_t* p, uint64_t offset, unsigned width) {
  uint64_t v = 0;
  for (unsigned i = 0; i < width; i++, offset++) {
    uint64_t byte = offset >> 3;
    unsigned bit = 7 - (offset & 7);
    v = (v << 1) | ((p[byte] >> bit) & 1);
  }
  return v;
}

int64_t getSigned(const uint8_t* p, uint64_t offset, unsigned width) {
  uint64_t v = getUnsigned(p, offset, width);
  if (width < 64 && (v & (uint64_t{1} << (width - 1)))) v |= ~uint64_t{0} << width;
  return static_cast<int64_t>(v);
}

void setField(uint8_t* p, uint64_t offset, unsigned width, uint64_t v) {
  for (unsigned i = 0; i < width; i++, offset++) {
    uint64_t byte = offset >> 3;
    unsigned bit = 7 - (offset & 7);
    uint8_t mask = static_cast<uint8_t>(1u << bit);
    if ((v >> (width - 1 - i)) & 1)
      p[byte] |= mask;
    else
      p[byte] &= static_cast<uint8_t>(~mask);
  }
}

// Both checks do the arithmetic in 128 bits, where value + incr cannot overflow, and
// compare with the field's range; wrapping keeps the low `width` bits.
bool addSigned(int64_t value, int64_t incr, unsigned width, Overflow ow, int64_t* result) {
  const __int128 max = width == 64 ? INT64_MAX : (__int128{1} << (width - 1)) - 1;
  const __int128 min = -max - 1;
  const __int128 sum = static_cast<__int128>(value) + incr;
  if (sum >= min && sum <= max) {
    *result = static_cast<int64_t>(sum);
    return false;
  }
  if (ow == Overflow::Sat) {
    *result = static_cast<int64_t>(sum > max ? max : min);
  } else if (ow == Overflow::Wrap) {
    uint64_t u = static_cast<uint64_t>(sum);
    if (width < 64) {
      u &= (uint64_t{1} << width) - 1;
      if (u & (uint64_t{1} << (width - 1))) u |= ~uint64_t{0} << width;
    }
    *result = static_cast<int64_t>(u);
  }
  return true;
}

bool addUnsigned(uint64_t value, int64_t incr, unsigned width, Overflow ow, uint64_t* result) {
  const __int128 max = (__int128{1} << width) - 1;
  const __int128 sum = static_cast<__int128>(value) + incr;
  if (sum >= 0 && sum <= max) {
    *result = static_cast<uint64_t>(sum);
    return false;
  }
  if (ow == Overflow::Sat)
    *result = static_cast<uint64_t>(sum > max ? max : 0);
  else if (ow == Overflow::Wrap)
    *result = static_cast<uint64_t>(sum) & static_cast<uint64_t>(max);
  return true;
}

}  // namespace bits

namespace {

// ==== Shared helpers ============================================================

constexpr const char* kErrBitOffset = "ERR bit offset is not an integer or out of range";
constexpr const char* kErrBitValue = "ERR bit is not an integer or out of range";
constexpr const char* kErrBitposBit = "ERR The bit argument must be 1 or 0.";
constexpr const char* kErrBitopNot = "ERR BITOP NOT must be called with a single source key.";
constexpr const char* kErrBitfieldType =
    "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but "
    "i64 is.";
constexpr const char* kErrOverflowType = "ERR Invalid OVERFLOW type specified";
constexpr const char* kErrBitfieldRo = "ERR BITFIELD_RO only supports the GET subcommand";

const uint8_t* bytesOf(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }
uint8_t* bytesOf(std::string& s) { return reinterpret_cast<uint8_t*>(s.data()); }

// A bit offset argument. With `field_width` > 0 (BITFIELD) the "#N" form means N fields of
// that width. Offsets whose byte would pass proto-max-bulk-len are refused, except from
// our master (it already accepted them).
bool bitOffsetOrReply(Client& c, const std::string& arg, unsigned field_width, uint64_t* out) {
  std::string_view text = arg;
  bool by_field = field_width > 0 && !text.empty() && text[0] == '#';
  if (by_field) text.remove_prefix(1);
  long long v;
  if (!string2ll(text, &v)) {
    c.r().error(kErrBitOffset);
    return false;
  }
  if (by_field) {
    if (__builtin_mul_overflow(v, static_cast<long long>(field_width), &v)) v = -1;
  }
  if (v < 0 || (!c.is_master && (v >> 3) >= cfg().proto_max_bulk_len)) {
    c.r().error(kErrBitOffset);
    return false;
  }
  *out = static_cast<uint64_t>(v);
  return true;
}

// The string at argv[1] for a command that writes up to bit `max_bit`: created (zeroed)
// when missing, grown with zero bytes when shorter. Replies WRONGTYPE and returns nullptr
// for another type. *grew is set when the key was created or made longer.
Object* stringForBitWrite(Client& c, uint64_t max_bit, bool* grew) {
  const std::string& key = c.arg(1);
  size_t need = static_cast<size_t>(max_bit >> 3) + 1;
  Object* o = lookupKeyWrite(*c.db, key);
  if (o && o->type != ObjType::String) {
    replyWrongType(c);
    return nullptr;
  }
  *grew = false;
  if (!o) {
    o = dbAdd(*c.db, key, Object::makeString(std::string(need, '\0')));
    *grew = true;
  } else if (o->str().size() < need) {
    o->str().resize(need, '\0');
    *grew = true;
  }
  o->encoding = Encoding::Raw;
  return o;
}

// Start/end arguments of BITCOUNT and BITPOS, made absolute and clamped as Redis does, in
// bytes or (bit_unit) bits of a string of `len` bytes. Returns false when the range is
// empty.
bool clampRange(long long len, bool bit_unit, long long* start, long long* end) {
  long long total = bit_unit ? len * 8 : len;
  if (*start < 0) *start += total;
  if (*end < 0) *end += total;
  if (*start < 0) *start = 0;
  if (*end < 0) *end = 0;
  if (*end >= total) *end = total - 1;
  return *start <= *end;
}

// BYTE or BIT at argv[i]; replies a syntax error otherwise.
bool unitOrReply(Client& c, size_t i, bool* bit_unit) {
  if (equalsIgnoreCase(c.arg(i), "bit")) {
    *bit_unit = true;
  } else if (equalsIgnoreCase(c.arg(i), "byte")) {
    *bit_unit = false;
  } else {
    replySyntaxError(c);
    return false;
  }
  return true;
}

// Set bits between bit positions first and last (inclusive) of p.
uint64_t countBitRange(const uint8_t* p, uint64_t first, uint64_t last) {
  uint64_t fb = first >> 3, lb = last >> 3;
  uint64_t count = bits::popcount(p + fb, lb - fb + 1);
  // Take back the bits of the edge bytes that lie outside the range.
  uint8_t head = static_cast<uint8_t>(p[fb] & ~(0xffu >> (first & 7)));
  uint8_t tail = static_cast<uint8_t>(p[lb] & ((1u << (7 - (last & 7))) - 1));
  return count - static_cast<uint64_t>(__builtin_popcount(head) + __builtin_popcount(tail));
}

// The first bit equal to `bit` between bit positions first and last (inclusive), or -1.
long long findBitInRange(const uint8_t* p, uint64_t first, uint64_t last, int bit) {
  uint64_t pos = first;
  // The partial head byte, bit by bit.
  for (; pos <= last && (pos & 7); pos++)
    if (((p[pos >> 3] >> (7 - (pos & 7))) & 1) == bit) return static_cast<long long>(pos);
  // Whole bytes.
  if (pos + 7 <= last) {
    uint64_t whole = (last + 1 - pos) >> 3;
    long long hit = bits::firstBit(p + (pos >> 3), whole, bit);
    if (hit >= 0) return static_cast<long long>(pos) + hit;
    pos += whole * 8;
  }
  // The partial tail byte.
  for (; pos <= last; pos++)
    if (((p[pos >> 3] >> (7 - (pos & 7))) & 1) == bit) return static_cast<long long>(pos);
  return -1;
}

// ==== SETBIT / GETBIT ===========================================================

void setbitCommand(Client& c) {
  uint64_t offset;
  if (!bitOffsetOrReply(c, c.arg(2), 0, &offset)) return;
  long long on;
  if (!getLongLongOrReply(c, c.arg(3), &on, kErrBitValue)) return;
  if (on & ~1LL) {
    c.r().error(kErrBitValue);
    return;
  }
  bool grew;
  Object* o = stringForBitWrite(c, offset, &grew);
  if (!o) return;
  uint8_t& byte = bytesOf(o->str())[offset >> 3];
  uint8_t mask = static_cast<uint8_t>(1u << (7 - (offset & 7)));
  int old = (byte & mask) ? 1 : 0;
  if (on)
    byte |= mask;
  else
    byte &= static_cast<uint8_t>(~mask);
  if (grew || old != on) {
    signalModifiedKey(&c, *c.db, c.arg(1));
    notifyKeyspaceEvent(NOTIFY_STRING, "setbit", c.arg(1), c.db->id);
    server.dirty++;
  }
  c.r().integer(old);
}

void getbitCommand(Client& c) {
  uint64_t offset;
  if (!bitOffsetOrReply(c, c.arg(2), 0, &offset)) return;
  Object* o = lookupKeyRead(*c.db, c.arg(1));
  if (!o) {
    c.r().integer(0);
    return;
  }
  if (o->type != ObjType::String) {
    replyWrongType(c);
    return;
  }
  const std::string& s = o->str();
  uint64_t byte = offset >> 3;
  int bit = byte < s.size() ? (static_cast<uint8_t>(s[byte]) >> (7 - (offset & 7))) & 1 : 0;
  c.r().integer(bit);
}

// ==== BITCOUNT / BITPOS =========================================================

void bitcountCommand(Client& c) {
  // A missing key counts zero before the arguments are even looked at, as in Redis.
  Object* o = lookupKeyRead(*c.db, c.arg(1));
  if (!o) {
    c.r().integer(0);
    return;
  }
  if (o->type != ObjType::String) {
    replyWrongType(c);
    return;
  }
  const std::string& s = o->str();
  const long long len = static_cast<long long>(s.size());
  long long start = 0, end = len - 1;
  bool bit_unit = false;
  if (c.argc() == 4 || c.argc() == 5) {
    if (!getLongLongOrReply(c, c.arg(2), &start)) return;
    if (!getLongLongOrReply(c, c.arg(3), &end)) return;
    // Both negative and reversed: empty whatever the unit (checked before the unit).
    if (start < 0 && end < 0 && start > end) {
      c.r().integer(0);
      return;
    }
    if (c.argc() == 5 && !unitOrReply(c, 4, &bit_unit)) return;
    if (!clampRange(len, bit_unit, &start, &end)) {
      c.r().integer(0);
      return;
    }
  } else if (c.argc() != 2) {
    replySyntaxError(c);
    return;
  }
  if (start > end) {
    c.r().integer(0);
    return;
  }
  const uint8_t* p = bytesOf(s);
  uint64_t count = bit_unit ? countBitRange(p, static_cast<uint64_t>(start), static_cast<uint64_t>(end))
                            : bits::popcount(p + start, static_cast<size_t>(end - start + 1));
  c.r().integer(static_cast<long long>(count));
}

void bitposCommand(Client& c) {
  long long bit;
  if (!getLongLongOrReply(c, c.arg(2), &bit)) return;
  if (bit != 0 && bit != 1) {
    c.r().error(kErrBitposBit);
    return;
  }
  // A missing key is an endless run of zeros.
  Object* o = lookupKeyRead(*c.db, c.arg(1));
  if (!o) {
    c.r().integer(bit ? -1 : 0);
    return;
  }
  if (o->type != ObjType::String) {
    replyWrongType(c);
    return;
  }
  const std::string& s = o->str();
  const long long len = static_cast<long long>(s.size());
  long long start = 0, end = len - 1;
  bool bit_unit = false, end_given = false;
  if (c.argc() >= 4 && c.argc() <= 6) {
    if (!getLongLongOrReply(c, c.arg(3), &start)) return;
    if (c.argc() == 6 && !unitOrReply(c, 5, &bit_unit)) return;
    if (c.argc() >= 5) {
      if (!getLongLongOrReply(c, c.arg(4), &end)) return;
      end_given = true;
    }
    if (!clampRange(len, bit_unit, &start, &end)) {
      c.r().integer(-1);
      return;
    }
  } else if (c.argc() != 3) {
    replySyntaxError(c);
    return;
  }
  if (start > end) {  // an empty string: no bit at all
    c.r().integer(-1);
    return;
  }
  uint64_t first = bit_unit ? static_cast<uint64_t>(start) : static_cast<uint64_t>(start) * 8;
  uint64_t last = bit_unit ? static_cast<uint64_t>(end) : static_cast<uint64_t>(end) * 8 + 7;
  long long pos = findBitInRange(bytesOf(s), first, last, static_cast<int>(bit));
  // Looking for a zero without an explicit end, the string counts as padded with zeros:
  // the answer is the first bit past its end.
  if (pos < 0 && bit == 0 && !end_given) pos = static_cast<long long>(last) + 1;
  c.r().integer(pos);
}

// ==== BITOP =====================================================================

enum class BitOp { And, Or, Xor, Not };

void bitopCommand(Client& c) {
  const std::string& opname = c.arg(1);
  BitOp op;
  if (equalsIgnoreCase(opname, "and")) {
    op = BitOp::And;
  } else if (equalsIgnoreCase(opname, "or")) {
    op = BitOp::Or;
  } else if (equalsIgnoreCase(opname, "xor")) {
    op = BitOp::Xor;
  } else if (equalsIgnoreCase(opname, "not")) {
    op = BitOp::Not;
  } else {
    replySyntaxError(c);
    return;
  }
  if (op == BitOp::Not && c.argc() != 4) {
    c.r().error(kErrBitopNot);
    return;
  }

  // Every source first (a missing one is an empty string), so a wrong type writes nothing.
  std::vector<const std::string*> srcs;
  static const std::string kEmpty;
  size_t maxlen = 0;
  for (size_t j = 3; j < c.argc(); j++) {
    Object* o = lookupKeyRead(*c.db, c.arg(j));
    if (o && o->type != ObjType::String) {
      replyWrongType(c);
      return;
    }
    srcs.push_back(o ? &o->str() : &kEmpty);
    maxlen = std::max(maxlen, srcs.back()->size());
  }

  // Shorter sources count as zero-padded to the longest.
  std::string res(maxlen, '\0');
  if (maxlen) {
    uint8_t* out = bytesOf(res);
    const std::string& first = *srcs[0];
    memcpy(out, first.data(), first.size());
    if (op == BitOp::Not) {
      for (size_t i = 0; i < maxlen; i++) out[i] = static_cast<uint8_t>(~out[i]);
    }
    for (size_t k = 1; k < srcs.size(); k++) {
      const uint8_t* in = bytesOf(*srcs[k]);
      size_t n = srcs[k]->size();
      switch (op) {
        case BitOp::And:
          for (size_t i = 0; i < n; i++) out[i] &= in[i];
          for (size_t i = n; i < maxlen; i++) out[i] = 0;
          break;
        case BitOp::Or:
          for (size_t i = 0; i < n; i++) out[i] |= in[i];
          break;
        case BitOp::Xor:
          for (size_t i = 0; i < n; i++) out[i] ^= in[i];
          break;
        case BitOp::Not:
          break;
      }
    }
  }

  const std::string& dest = c.arg(2);
  if (maxlen) {
    Object val = Object::makeString(std::move(res));
    val.encoding = Encoding::Raw;
    setKey(&c, *c.db, dest, std::move(val));
    notifyKeyspaceEvent(NOTIFY_STRING, "set", dest, c.db->id);
    server.dirty++;
  } else if (dbDelete(*c.db, dest)) {
    signalModifiedKey(&c, *c.db, dest);
    notifyKeyspaceEvent(NOTIFY_GENERIC, "del", dest, c.db->id);
    server.dirty++;
  }
  c.r().integer(static_cast<long long>(maxlen));
}

// ==== BITFIELD ==================================================================

enum class FieldOp { Get, Set, Incrby };

struct FieldCommand {
  FieldOp op;
  bool is_signed;
  unsigned width;
  uint64_t offset;
  long long value;  // SET's value or INCRBY's increment
  bits::Overflow overflow;
};

// "i8", "u16": i1..i64, u1..u63 (an unsigned 64-bit value could not be replied).
bool fieldTypeOrReply(Client& c, const std::string& arg, bool* is_signed, unsigned* width) {
  long long w;
  if (arg.empty() || (arg[0] != 'i' && arg[0] != 'u') ||
      !string2ll(std::string_view(arg).substr(1), &w) || w < 1 || w > (arg[0] == 'i' ? 64 : 63)) {
    c.r().error(kErrBitfieldType);
    return false;
  }
  *is_signed = arg[0] == 'i';
  *width = static_cast<unsigned>(w);
  return true;
}

// Parses every subcommand before touching the key, as Redis does: any bad argument is
// reported and nothing runs.
bool parseBitfieldOrReply(Client& c, std::vector<FieldCommand>* ops, bool* writes,
                          uint64_t* max_bit) {
  bits::Overflow overflow = bits::Overflow::Wrap;
  *writes = false;
  *max_bit = 0;
  for (size_t j = 2; j < c.argc(); j++) {
    const std::string& sub = c.arg(j);
    size_t remaining = c.argc() - j - 1;
    FieldCommand fc{};
    if (equalsIgnoreCase(sub, "get") && remaining >= 2) {
      fc.op = FieldOp::Get;
    } else if (equalsIgnoreCase(sub, "set") && remaining >= 3) {
      fc.op = FieldOp::Set;
    } else if (equalsIgnoreCase(sub, "incrby") && remaining >= 3) {
      fc.op = FieldOp::Incrby;
    } else if (equalsIgnoreCase(sub, "overflow") && remaining >= 1) {
      const std::string& kind = c.arg(++j);
      if (equalsIgnoreCase(kind, "wrap")) {
        overflow = bits::Overflow::Wrap;
      } else if (equalsIgnoreCase(kind, "sat")) {
        overflow = bits::Overflow::Sat;
      } else if (equalsIgnoreCase(kind, "fail")) {
        overflow = bits::Overflow::Fail;
      } else {
        c.r().error(kErrOverflowType);
        return false;
      }
      continue;
    } else {
      replySyntaxError(c);
      return false;
    }
    if (!fieldTypeOrReply(c, c.arg(j + 1), &fc.is_signed, &fc.width)) return false;
    if (!bitOffsetOrReply(c, c.arg(j + 2), fc.width, &fc.offset)) return false;
    if (fc.op != FieldOp::Get) {
      *writes = true;
      *max_bit = std::max(*max_bit, fc.offset + fc.width - 1);
      if (!getLongLongOrReply(c, c.arg(j + 3), &fc.value)) return false;
    }
    fc.overflow = overflow;
    ops->push_back(fc);
    j += fc.op == FieldOp::Get ? 2 : 3;
  }
  return true;
}

// A GET reads through a zero-padded copy of the up to 9 bytes the field spans, so fields
// past the end of the string (or of a missing key) read as zeros.
long long readField(const std::string* s, const FieldCommand& fc) {
  uint8_t buf[9] = {0};
  uint64_t byte = fc.offset >> 3;
  if (s) {
    for (uint64_t i = 0; i < 9 && byte + i < s->size(); i++)
      buf[i] = static_cast<uint8_t>((*s)[byte + i]);
  }
  uint64_t off = fc.offset & 7;
  if (fc.is_signed) return bits::getSigned(buf, off, fc.width);
  return static_cast<long long>(bits::getUnsigned(buf, off, fc.width));
}

void bitfieldGeneric(Client& c, bool read_only_command) {
  std::vector<FieldCommand> ops;
  bool writes;
  uint64_t max_bit;
  if (!parseBitfieldOrReply(c, &ops, &writes, &max_bit)) return;

  Object* o;
  bool grew = false;
  if (!writes) {
    o = lookupKeyRead(*c.db, c.arg(1));
    if (o && o->type != ObjType::String) {
      replyWrongType(c);
      return;
    }
  } else {
    if (read_only_command) {
      c.r().error(kErrBitfieldRo);
      return;
    }
    o = stringForBitWrite(c, max_bit, &grew);
    if (!o) return;
  }

  long long changes = 0;
  auto& r = c.r();
  r.arrayLen(ops.size());
  for (const FieldCommand& fc : ops) {
    if (fc.op == FieldOp::Get) {
      r.integer(readField(o ? &o->str() : nullptr, fc));
      continue;
    }
    // SET answers the old value, INCRBY the new one; an overflow under FAIL writes
    // nothing and answers null.
    uint8_t* p = bytesOf(o->str());
    bool overflow;
    uint64_t old_bits, new_bits;
    long long reply;
    if (fc.is_signed) {
      int64_t old = bits::getSigned(p, fc.offset, fc.width), nv = 0;
      if (fc.op == FieldOp::Incrby) {
        overflow = bits::addSigned(old, fc.value, fc.width, fc.overflow, &nv);
        reply = nv;
      } else {
        overflow = bits::addSigned(fc.value, 0, fc.width, fc.overflow, &nv);
        reply = old;
      }
      old_bits = static_cast<uint64_t>(old);
      new_bits = static_cast<uint64_t>(nv);
    } else {
      uint64_t old = bits::getUnsigned(p, fc.offset, fc.width), nv = 0;
      if (fc.op == FieldOp::Incrby) {
        overflow = bits::addUnsigned(old, fc.value, fc.width, fc.overflow, &nv);
        reply = static_cast<long long>(nv);
      } else {
        overflow = bits::addUnsigned(static_cast<uint64_t>(fc.value), 0, fc.width, fc.overflow,
                                     &nv);
        reply = static_cast<long long>(old);
      }
      old_bits = old;
      new_bits = nv;
    }
    if (overflow && fc.overflow == bits::Overflow::Fail) {
      r.null();
      continue;
    }
    r.integer(reply);
    bits::setField(p, fc.offset, fc.width, new_bits);
    if (grew || old_bits != new_bits) changes++;
  }

  if (changes) {
    signalModifiedKey(&c, *c.db, c.arg(1));
    notifyKeyspaceEvent(NOTIFY_STRING, "setbit", c.arg(1), c.db->id);
    server.dirty += changes;
  }
}

void bitfieldCommand(Client& c) { bitfieldGeneric(c, false); }
void bitfieldRoCommand(Client& c) { bitfieldGeneric(c, true); }

// ==== Command table =============================================================

const CommandRow kBitmapRows[] = {
    {"setbit", 4, "write denyoom", "@bitmap @slow", 1, 1, 1, setbitCommand, "bitmap", "2.2.0",
     "Sets or clears the bit at offset in the string value stored at key", "O(1)"},
    {"getbit", 3, "readonly fast", "@bitmap @fast", 1, 1, 1, getbitCommand, "bitmap", "2.2.0",
     "Returns the bit value at offset in the string value stored at key", "O(1)"},
    {"bitcount", -2, "readonly", "@bitmap @slow", 1, 1, 1, bitcountCommand, "bitmap", "2.6.0",
     "Count set bits in a string", "O(N)"},
    {"bitpos", -3, "readonly", "@bitmap @slow", 1, 1, 1, bitposCommand, "bitmap", "2.8.7",
     "Find first bit set or clear in a string", "O(N)"},
    {"bitop", -4, "write denyoom", "@bitmap @slow", 2, -1, 1, bitopCommand, "bitmap", "2.6.0",
     "Perform bitwise operations between strings", "O(N)"},
    {"bitfield", -2, "write denyoom", "@bitmap @slow", 1, 1, 1, bitfieldCommand, "bitmap",
     "3.2.0", "Perform arbitrary bitfield integer operations on strings",
     "O(1) for each subcommand specified"},
    {"bitfield_ro", -2, "readonly fast", "@bitmap @fast", 1, 1, 1, bitfieldRoCommand, "bitmap",
     "6.0.0", "Perform arbitrary bitfield integer operations on strings. Read-only variant of "
     "BITFIELD", "O(1) for each subcommand specified"},
};

}  // namespace

CommandRows bitmapCommands() {
  return {kBitmapRows, sizeof(kBitmapRows) / sizeof(kBitmapRows[0])};
}

}  // namespace osprey
