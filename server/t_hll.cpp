// server/t_hll.cpp — HyperLogLog: the byte format and its operations (server/hll.h
// describes the layout), then the commands PFADD, PFCOUNT, PFMERGE, PFDEBUG and
// PFSELFTEST.
//
// Every operation reproduces Redis's output byte for byte, not only its estimates: the
// same opcode splits and merges in the sparse form and the same promotion points, so a
// value built here is the value Redis would have built from the same commands.
// PFCOUNT on one key stores the cardinality it computed in the header; that changes the
// value, so it counts as a write (server.dirty) and replicates, as in Redis.
#include "server/hll.h"

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "common/config.h"
#include "common/util.h"
#include "server/db.h"
#include "server/server.h"

namespace osprey {

namespace hll {

// ==== Hash and register values ===================================================

// MurmurHash64A (Austin Appleby, public domain): 8-byte little-endian blocks, then the
// tail.
uint64_t murmurHash64A(const void* key, size_t len, uint64_t seed) {
  constexpr uint64_t m = 0xc6a4a7935bd1e995ULL;
  constexpr int r = 47;
  const uint8_t* data = static_cast<const uint8_t*>(key);
  // Redis passes the length as an int: the same bits for any realistic element.
  uint64_t h = seed ^ (static_cast<uint64_t>(static_cast<int>(len)) * m);
  size_t blocks = len / 8;
  for (size_t i = 0; i < blocks; i++, data += 8) {
    uint64_t k = 0;
    for (int b = 7; b >= 0; b--) k = (k << 8) | data[b];
    k *= m;
    k ^= k >> r;
    k *= m;
    h ^= k;
    h *= m;
  }
  size_t tail = len & 7;
  if (tail) {
    for (size_t b = tail; b-- > 0;) h ^= static_cast<uint64_t>(data[b]) << (8 * b);
    h *= m;
  }
  h ^= h >> r;
  h *= m;
  h ^= h >> r;
  return h;
}

void patternOf(std::string_view element, int* reg, int* value) {
  uint64_t h = murmurHash64A(element.data(), element.size(), 0xadc83b19ULL);
  *reg = static_cast<int>(h & (kRegisters - 1));
  // A sentinel bit above the 50 remaining bits bounds the run of zeros.
  uint64_t rest = (h >> kPrecision) | (uint64_t{1} << (64 - kPrecision));
  *value = __builtin_ctzll(rest) + 1;
}

// ==== Header ====================================================================

namespace {

uint8_t* bytes(std::string& s) { return reinterpret_cast<uint8_t*>(s.data()); }
const uint8_t* bytes(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }

// Sparse opcodes.
bool isZero(uint8_t b) { return (b & 0xc0) == 0x00; }
bool isXzero(uint8_t b) { return (b & 0xc0) == 0x40; }
int zeroLen(uint8_t b) { return (b & 0x3f) + 1; }
int xzeroLen(const uint8_t* p) { return (((p[0] & 0x3f) << 8) | p[1]) + 1; }
int valValue(uint8_t b) { return ((b >> 2) & 0x1f) + 1; }
int valLen(uint8_t b) { return (b & 0x3) + 1; }
uint8_t makeVal(int value, int len) {
  return static_cast<uint8_t>(0x80 | ((value - 1) << 2) | (len - 1));
}
constexpr int kZeroMaxLen = 64, kXzeroMaxLen = 16384, kValMaxLen = 4;

// Appends the opcodes for a run of `len` zero registers (1..16384) to out.
void putZeros(uint8_t* out, int* n, int len) {
  if (len > kZeroMaxLen) {
    out[(*n)++] = static_cast<uint8_t>(0x40 | ((len - 1) >> 8));
    out[(*n)++] = static_cast<uint8_t>((len - 1) & 0xff);
  } else {
    out[(*n)++] = static_cast<uint8_t>(len - 1);
  }
}

// Walks the sparse opcodes of s (after the header) calling fn(first_register, run_length,
// value) for each; a XZERO cut short at the very end reads its missing byte as zero, as
// Redis does (its strings end with a zero byte; so do std::string's).
template <class F>
void forEachRun(const std::string& s, F&& fn) {
  const uint8_t* p = bytes(s) + kHeaderSize;
  const uint8_t* end = bytes(s) + s.size();
  long idx = 0;
  while (p < end) {
    if (isZero(*p)) {
      int len = zeroLen(*p);
      if (!fn(idx, len, 0)) return;
      idx += len;
      p++;
    } else if (isXzero(*p)) {
      int len = xzeroLen(p);
      if (!fn(idx, len, 0)) return;
      idx += len;
      p += 2;
    } else {
      int len = valLen(*p);
      if (!fn(idx, len, valValue(*p))) return;
      idx += len;
      p++;
    }
  }
}

}  // namespace

bool looksValid(const std::string& s) {
  if (s.size() < kHeaderSize) return false;
  if (memcmp(s.data(), "HYLL", 4) != 0) return false;
  uint8_t enc = bytes(s)[4];
  if (enc > kSparse) return false;
  if (enc == kDense && s.size() != kDenseSize) return false;
  return true;
}

std::string makeEmpty() {
  std::string s(kHeaderSize, '\0');
  memcpy(s.data(), "HYLL", 4);
  s[4] = static_cast<char>(kSparse);
  uint8_t ops[4];
  int n = 0;
  for (int left = kRegisters; left > 0; left -= kXzeroMaxLen)
    putZeros(ops, &n, left < kXzeroMaxLen ? left : kXzeroMaxLen);
  s.append(reinterpret_cast<const char*>(ops), static_cast<size_t>(n));
  return s;
}

bool cacheValid(const std::string& s) { return (bytes(s)[15] & 0x80) == 0; }

uint64_t cachedCount(const std::string& s) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--) v = (v << 8) | bytes(s)[8 + i];
  return v;
}

void storeCache(std::string& s, uint64_t card) {
  for (int i = 0; i < 8; i++) bytes(s)[8 + i] = static_cast<uint8_t>(card >> (8 * i));
}

void invalidateCache(std::string& s) { bytes(s)[15] |= 0x80; }

// ==== Dense registers ============================================================

int getDense(const uint8_t* regs, int reg) {
  unsigned bit = static_cast<unsigned>(reg) * kRegisterBits;
  unsigned byte = bit >> 3, shift = bit & 7;
  unsigned v = regs[byte] >> shift;
  // A register straddles two bytes unless it sits in the low bits of one; the last one
  // never straddles, so nothing past the registers is read.
  if (shift > 8 - kRegisterBits) v |= static_cast<unsigned>(regs[byte + 1]) << (8 - shift);
  return static_cast<int>(v & 63);
}

void setDense(uint8_t* regs, int reg, int value) {
  unsigned bit = static_cast<unsigned>(reg) * kRegisterBits;
  unsigned byte = bit >> 3, shift = bit & 7;
  unsigned v = static_cast<unsigned>(value) & 63;
  regs[byte] = static_cast<uint8_t>((regs[byte] & ~(63u << shift)) | (v << shift));
  if (shift > 8 - kRegisterBits) {
    unsigned high = 8 - shift;
    regs[byte + 1] = static_cast<uint8_t>((regs[byte + 1] & ~(63u >> high)) | (v >> high));
  }
}

namespace {

int denseSet(std::string& s, int reg, int value) {
  uint8_t* regs = bytes(s) + kHeaderSize;
  if (value <= getDense(regs, reg)) return 0;
  setDense(regs, reg, value);
  return 1;
}

}  // namespace

bool toDense(std::string& s) {
  if (bytes(s)[4] == kDense) return true;
  std::string dense;
  dense.reserve(kDenseSize);  // exactly: a dense value is long-lived and large
  dense.assign(kDenseSize, '\0');
  memcpy(dense.data(), s.data(), kHeaderSize);  // magic, unused bytes and cache as they are
  dense[4] = static_cast<char>(kDense);
  uint8_t* regs = bytes(dense) + kHeaderSize;
  long idx = 0;
  bool overflow = false;
  forEachRun(s, [&](long first, int len, int value) {
    if (value) {
      if (first + len > kRegisters) {
        overflow = true;
        return false;
      }
      for (int i = 0; i < len; i++) setDense(regs, static_cast<int>(first + i), value);
    }
    idx = first + len;
    return true;
  });
  if (overflow || idx != kRegisters) return false;
  s = std::move(dense);
  return true;
}

// ==== Sparse updates ==============================================================

namespace {

// The update of one register in the sparse form. The run holding the register is found,
// then either changed in place (a one-register VAL or ZERO) or split into up to three
// runs (before, the register, after), growing the value by at most 3 bytes; past
// hll-sparse-max-bytes the value turns dense instead. Finally up to five opcodes from
// the one before the change are scanned to merge neighbouring VALs of equal value.
int sparseSet(std::string& s, int reg, int value) {
  if (value > kSparseMaxValue) {
    if (!toDense(s)) return -1;
    return denseSet(s, reg, value);
  }

  uint8_t* base = bytes(s) + kHeaderSize;
  size_t end = s.size() - kHeaderSize;  // offsets from base
  size_t pos = 0, prev = SIZE_MAX;
  long first = 0, span = 0;
  while (pos < end) {
    int oplen = 1;
    if (isZero(base[pos])) {
      span = zeroLen(base[pos]);
    } else if (isXzero(base[pos])) {
      span = xzeroLen(base + pos);
      oplen = 2;
    } else {
      span = valLen(base[pos]);
    }
    if (reg <= first + span - 1) break;
    prev = pos;
    pos += static_cast<size_t>(oplen);
    first += span;
  }
  if (span == 0 || pos >= end) return -1;

  const uint8_t op = base[pos];
  const bool is_zero = isZero(op), is_xzero = isXzero(op), is_val = !is_zero && !is_xzero;
  const long runlen = is_zero ? zeroLen(op) : is_xzero ? xzeroLen(base + pos) : valLen(op);

  if (is_val && valValue(op) >= value) return 0;  // the register already holds as much

  if (is_val && runlen == 1) {
    base[pos] = makeVal(value, 1);
  } else if (is_zero && runlen == 1) {
    base[pos] = makeVal(value, 1);
  } else {
    uint8_t seq[5];
    int n = 0;
    const long last = first + span - 1;
    const long before = reg - first, after = last - reg;
    if (is_val) {
      int cur = valValue(op);
      if (before) seq[n++] = makeVal(cur, static_cast<int>(before));
      seq[n++] = makeVal(value, 1);
      if (after) seq[n++] = makeVal(cur, static_cast<int>(after));
    } else {
      if (before) putZeros(seq, &n, static_cast<int>(before));
      seq[n++] = makeVal(value, 1);
      if (after) putZeros(seq, &n, static_cast<int>(after));
    }
    const int oldlen = is_xzero ? 2 : 1;
    const long delta = n - oldlen;
    if (delta > 0 && static_cast<long long>(s.size()) + delta > cfg().hll_sparse_max_bytes) {
      if (!toDense(s)) return -1;
      return denseSet(s, reg, value);
    }
    // The length changes by exactly delta, also when a corrupt XZERO lacks its second
    // byte at the very end (Redis counts it as two bytes and so drops the last new one).
    const size_t new_size = static_cast<size_t>(static_cast<long>(s.size()) + delta);
    const size_t at = kHeaderSize + pos;
    const char* seq_chars = reinterpret_cast<const char*>(seq);
    if (at + oldlen <= s.size()) {
      s.replace(at, static_cast<size_t>(oldlen), seq_chars, static_cast<size_t>(n));
    } else {
      s.resize(at);
      s.append(seq_chars, static_cast<size_t>(n));
      s.resize(new_size);
    }
    base = bytes(s) + kHeaderSize;
    end = s.size() - kHeaderSize;
  }

  // Merge equal neighbouring VALs, scanning at most five steps (a merge uses one).
  size_t p = prev == SIZE_MAX ? 0 : prev;
  int budget = 5;
  while (p < end && budget-- > 0) {
    if (isXzero(base[p])) {
      p += 2;
      continue;
    }
    if (isZero(base[p])) {
      p++;
      continue;
    }
    if (p + 1 < end && !isZero(base[p + 1]) && !isXzero(base[p + 1])) {
      int v1 = valValue(base[p]), v2 = valValue(base[p + 1]);
      int len = valLen(base[p]) + valLen(base[p + 1]);
      if (v1 == v2 && len <= kValMaxLen) {
        base[p + 1] = makeVal(v1, len);
        s.erase(kHeaderSize + p, 1);
        base = bytes(s) + kHeaderSize;
        end--;
        continue;  // the merged run may merge again with the next one
      }
    }
    p++;
  }
  invalidateCache(s);
  return 1;
}

}  // namespace

int setRegister(std::string& s, int reg, int value) {
  if (bytes(s)[4] == kDense) return denseSet(s, reg, value);
  return sparseSet(s, reg, value);
}

int add(std::string& s, std::string_view element) {
  int reg, value;
  patternOf(element, &reg, &value);
  return setRegister(s, reg, value);
}

// ==== Cardinality =================================================================

namespace {

constexpr double kAlphaInf = 0.721347520444481703680;  // 1 / (2 ln 2)

// Ertl's sigma and tau series, iterated until the sum stops changing.
double sigma(double x) {
  if (x == 1.0) return INFINITY;
  double y = 1, z = x, previous;
  do {
    x *= x;
    previous = z;
    z += x * y;
    y += y;
  } while (previous != z);
  return z;
}

double tau(double x) {
  if (x == 0.0 || x == 1.0) return 0.0;
  double y = 1.0, z = 1 - x, previous;
  do {
    x = std::sqrt(x);
    previous = z;
    y *= 0.5;
    z -= std::pow(1 - x, 2) * y;
  } while (previous != z);
  return z / 3;
}

}  // namespace

uint64_t countFromHistogram(const int* hist) {
  const double m = kRegisters;
  const int q = 64 - kPrecision;
  double z = m * tau((m - hist[q + 1]) / m);
  for (int j = q; j >= 1; j--) {
    z += hist[j];
    z *= 0.5;
  }
  z += m * sigma(hist[0] / m);
  return static_cast<uint64_t>(std::llround(kAlphaInf * m * m / z));
}

uint64_t count(const std::string& s, bool* invalid) {
  int hist[64] = {0};
  if (bytes(s)[4] == kDense) {
    const uint8_t* regs = bytes(s) + kHeaderSize;
    for (int i = 0; i < kRegisters; i++) hist[getDense(regs, i)]++;
  } else {
    long total = 0;
    forEachRun(s, [&](long, int len, int value) {
      hist[value] += len;
      total += len;
      return true;
    });
    if (total != kRegisters && invalid) *invalid = true;
  }
  return countFromHistogram(hist);
}

bool mergeInto(uint8_t* max, const std::string& s) {
  if (bytes(s)[4] == kDense) {
    const uint8_t* regs = bytes(s) + kHeaderSize;
    for (int i = 0; i < kRegisters; i++) {
      uint8_t v = static_cast<uint8_t>(getDense(regs, i));
      if (v > max[i]) max[i] = v;
    }
    return true;
  }
  long idx = 0;
  bool overflow = false;
  forEachRun(s, [&](long first, int len, int value) {
    if (value) {
      if (first + len > kRegisters) {
        overflow = true;
        return false;
      }
      for (int i = 0; i < len; i++)
        if (value > max[first + i]) max[first + i] = static_cast<uint8_t>(value);
    }
    idx = first + len;
    return true;
  });
  return !overflow && idx == kRegisters;
}

std::string decodeSparse(const std::string& s) {
  std::string out;
  const uint8_t* p = bytes(s) + kHeaderSize;
  const uint8_t* end = bytes(s) + s.size();
  while (p < end) {
    if (!out.empty()) out += ' ';
    if (isZero(*p)) {
      out += "z:" + std::to_string(zeroLen(*p));
      p++;
    } else if (isXzero(*p)) {
      out += "Z:" + std::to_string(xzeroLen(p));
      p += 2;
    } else {
      out += "v:" + std::to_string(valValue(*p)) + "," + std::to_string(valLen(*p));
      p++;
    }
  }
  return out;
}

}  // namespace hll

namespace {

// ==== Commands ====================================================================

constexpr const char* kErrInvalidHll = "INVALIDOBJ Corrupted HLL object detected";
constexpr const char* kErrNotHll = "WRONGTYPE Key is not a valid HyperLogLog string value.";

// The type check of every HLL command: WRONGTYPE for another type, Redis's HLL-specific
// WRONGTYPE for a string that is not a HyperLogLog.
bool isHllOrReply(Client& c, const Object& o) {
  if (o.type != ObjType::String) {
    replyWrongType(c);
    return false;
  }
  if (!hll::looksValid(o.str())) {
    c.r().error(kErrNotHll);
    return false;
  }
  return true;
}

void pfaddCommand(Client& c) {
  const std::string& key = c.arg(1);
  Object* o = lookupKeyWrite(*c.db, key);
  long long updated = 0;
  if (!o) {
    Object fresh = Object::makeString(hll::makeEmpty());
    fresh.encoding = Encoding::Raw;
    o = dbAdd(*c.db, key, std::move(fresh));
    updated++;
  } else {
    if (!isHllOrReply(c, *o)) return;
    o->encoding = Encoding::Raw;
  }
  for (size_t j = 2; j < c.argc(); j++) {
    int r = hll::add(o->str(), c.arg(j));
    if (r < 0) {
      c.r().error(kErrInvalidHll);
      return;
    }
    updated += r;
  }
  if (updated) {
    signalModifiedKey(&c, *c.db, key);
    notifyKeyspaceEvent(NOTIFY_STRING, "pfadd", key, c.db->id);
    server.dirty += updated;
    hll::invalidateCache(o->str());
  }
  c.r().integer(updated ? 1 : 0);
}

void pfcountCommand(Client& c) {
  if (c.argc() > 2) {
    // The cardinality of the union: the register-wise maximum of every key.
    std::vector<uint8_t> max(hll::kRegisters, 0);
    for (size_t j = 1; j < c.argc(); j++) {
      Object* o = lookupKeyRead(*c.db, c.arg(j));
      if (!o) continue;  // an empty HyperLogLog
      if (!isHllOrReply(c, *o)) return;
      if (!hll::mergeInto(max.data(), o->str())) {
        c.r().error(kErrInvalidHll);
        return;
      }
    }
    int hist[64] = {0};
    for (uint8_t v : max) hist[v]++;
    c.r().integer(static_cast<long long>(hll::countFromHistogram(hist)));
    return;
  }

  const std::string& key = c.arg(1);
  Object* o = lookupKeyRead(*c.db, key);
  if (!o) {
    c.r().integer(0);
    return;
  }
  if (!isHllOrReply(c, *o)) return;
  o->encoding = Encoding::Raw;
  std::string& s = o->str();
  uint64_t card;
  if (hll::cacheValid(s)) {
    card = hll::cachedCount(s);
  } else {
    bool invalid = false;
    card = hll::count(s, &invalid);
    if (invalid) {
      c.r().error(kErrInvalidHll);
      return;
    }
    // Storing the cache changes the value: replicas get this PFCOUNT too.
    hll::storeCache(s, card);
    signalModifiedKey(&c, *c.db, key);
    server.dirty++;
  }
  c.r().integer(static_cast<long long>(card));
}

void pfmergeCommand(Client& c) {
  std::vector<uint8_t> max(hll::kRegisters, 0);
  bool any_dense = false;
  // The destination is argv[1] and merges into the result too.
  for (size_t j = 1; j < c.argc(); j++) {
    Object* o = lookupKeyRead(*c.db, c.arg(j));
    if (!o) continue;
    if (!isHllOrReply(c, *o)) return;
    if (static_cast<uint8_t>(o->str()[4]) == hll::kDense) any_dense = true;
    if (!hll::mergeInto(max.data(), o->str())) {
      c.r().error(kErrInvalidHll);
      return;
    }
  }

  const std::string& key = c.arg(1);
  Object* o = lookupKeyWrite(*c.db, key);
  if (!o) {
    Object fresh = Object::makeString(hll::makeEmpty());
    o = dbAdd(*c.db, key, std::move(fresh));
  }
  o->encoding = Encoding::Raw;
  std::string& s = o->str();
  // A dense input makes the result dense straight away.
  if (any_dense && !hll::toDense(s)) {
    c.r().error(kErrInvalidHll);
    return;
  }
  for (int i = 0; i < hll::kRegisters; i++)
    if (max[i]) hll::setRegister(s, i, max[i]);
  hll::invalidateCache(s);
  signalModifiedKey(&c, *c.db, key);
  notifyKeyspaceEvent(NOTIFY_STRING, "pfadd", key, c.db->id);
  server.dirty++;
  c.r().ok();
}

void pfdebugCommand(Client& c) {
  const std::string& sub = c.arg(1);
  const std::string& key = c.arg(2);
  Object* o = lookupKeyWrite(*c.db, key);
  if (!o) {
    c.r().error("ERR The specified key does not exist");
    return;
  }
  if (!isHllOrReply(c, *o)) return;
  o->encoding = Encoding::Raw;
  std::string& s = o->str();
  bool sparse = static_cast<uint8_t>(s[4]) == hll::kSparse;

  if (equalsIgnoreCase(sub, "getreg")) {
    if (sparse) {
      if (!hll::toDense(s)) {
        c.r().error(kErrInvalidHll);
        return;
      }
      server.dirty++;  // the encoding changed: replicate it
    }
    const uint8_t* regs = reinterpret_cast<const uint8_t*>(s.data()) + hll::kHeaderSize;
    c.r().arrayLen(hll::kRegisters);
    for (int i = 0; i < hll::kRegisters; i++) c.r().integer(hll::getDense(regs, i));
  } else if (equalsIgnoreCase(sub, "decode")) {
    if (!sparse) {
      c.r().error("ERR HLL encoding is not sparse");
      return;
    }
    c.r().bulk(hll::decodeSparse(s));
  } else if (equalsIgnoreCase(sub, "encoding")) {
    c.r().status(sparse ? "sparse" : "dense");
  } else if (equalsIgnoreCase(sub, "todense")) {
    if (sparse) {
      if (!hll::toDense(s)) {
        c.r().error(kErrInvalidHll);
        return;
      }
      server.dirty++;
    }
    c.r().integer(sparse ? 1 : 0);
  } else {
    c.r().error("ERR Unknown PFDEBUG subcommand '" + sub + "'");
  }
}

// PFSELFTEST: the dense register packing round-trips every value at every position, and
// the estimate of the sparse and dense forms agree and stay within six standard errors
// of the true cardinality at 10, 100, ... 1,000,000 elements.
void pfselftestCommand(Client& c) {
  std::mt19937_64 rng(std::random_device{}());
  std::vector<uint8_t> regs(hll::kDenseSize - hll::kHeaderSize + 1, 0);
  std::vector<uint8_t> expect(hll::kRegisters);
  for (int cycle = 0; cycle < 100; cycle++) {
    for (int i = 0; i < hll::kRegisters; i++) {
      expect[i] = static_cast<uint8_t>(rng() & 63);
      hll::setDense(regs.data(), i, expect[i]);
    }
    for (int i = 0; i < hll::kRegisters; i++) {
      if (hll::getDense(regs.data(), i) != expect[i]) {
        c.r().error("TESTFAILED Register error at " + std::to_string(i));
        return;
      }
    }
  }

  std::string sparse = hll::makeEmpty(), dense = hll::makeEmpty();
  hll::toDense(dense);
  const double relerr = 1.04 / std::sqrt(static_cast<double>(hll::kRegisters));
  const uint64_t seed = rng();
  uint64_t checkpoint = 1;
  for (uint64_t j = 1; j <= 1000000; j++) {
    uint64_t ele = j ^ seed;
    std::string_view v(reinterpret_cast<const char*>(&ele), sizeof ele);
    if (static_cast<uint8_t>(sparse[4]) == hll::kSparse) hll::add(sparse, v);
    hll::add(dense, v);
    if (j != checkpoint) continue;
    uint64_t est = hll::count(dense, nullptr);
    if (static_cast<uint8_t>(sparse[4]) == hll::kSparse && hll::count(sparse, nullptr) != est) {
      c.r().error("TESTFAILED sparse and dense estimates differ at " + std::to_string(j));
      return;
    }
    double abserr = std::fabs(static_cast<double>(j) - static_cast<double>(est));
    double maxerr = j == 10 ? 1 : std::ceil(relerr * 6 * static_cast<double>(j));
    if (abserr > maxerr) {
      c.r().error("TESTFAILED Too big error. card:" + std::to_string(j) +
                  " abserr:" + std::to_string(abserr));
      return;
    }
    checkpoint *= 10;
  }
  c.r().ok();
}

// ==== Command table ===============================================================

const CommandRow kHyperLogLogRows[] = {
    {"pfadd", -2, "write denyoom fast", "@hyperloglog @fast", 1, 1, 1, pfaddCommand,
     "hyperloglog", "2.8.9", "Adds the specified elements to the specified HyperLogLog.",
     "O(1) to add every element."},
    // may_replicate: storing the cache is a write, so CLIENT PAUSE WRITE holds PFCOUNT.
    {"pfcount", -2, "readonly may_replicate", "@hyperloglog @slow", 1, -1, 1, pfcountCommand, "hyperloglog",
     "2.8.9",
     "Return the approximated cardinality of the set(s) observed by the HyperLogLog at key(s).",
     "O(1) with a very small average constant time when called with a single key. O(N) with N "
     "being the number of keys, and much bigger constant times, when called with multiple "
     "keys."},
    {"pfmerge", -2, "write denyoom", "@hyperloglog @slow", 1, -1, 1, pfmergeCommand,
     "hyperloglog", "2.8.9", "Merge N different HyperLogLogs into a single one.",
     "O(N) to merge N HyperLogLogs, but with high constant times."},
    {"pfdebug", 3, "write denyoom admin", "@hyperloglog @slow", 2, 2, 1, pfdebugCommand,
     "hyperloglog", "2.8.9", "Internal commands for debugging HyperLogLog values", "N/A"},
    {"pfselftest", 1, "admin", "@hyperloglog @slow", 0, 0, 0, pfselftestCommand, "hyperloglog",
     "2.8.9", "An internal command for testing HyperLogLog values", "N/A"},
};

}  // namespace

CommandRows hyperloglogCommands() {
  return {kHyperLogLogRows, sizeof(kHyperLogLogRows) / sizeof(kHyperLogLogRows[0])};
}

}  // namespace osprey
