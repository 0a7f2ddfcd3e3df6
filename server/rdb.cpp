// server/rdb.cpp — the Redis 7.0 RDB format (version 10): writing and reading whole
// datasets, single values (DUMP / RESTORE) and function libraries (FUNCTION DUMP / RESTORE).
//
// Writing produces the bytes Redis 7.0.15 writes for the same data, so a DUMP payload taken
// here is byte-identical to one taken from the real server (except where Redis's own output
// depends on its hash seed or on the history of a value, like the order of a hashtable or
// the node split of a list that was not built by pushes at the tail):
//   * strings: integer encodings for canonical integers in int32 range (up to 11 chars),
//     LZF (liblzf, the library Redis bundles) above 20 bytes when it saves 4 bytes or more;
//   * compact encodings are serialised as the blob Redis keeps in memory: listpacks (lists'
//     quicklist nodes, small hashes and zsets) and intsets, built byte-exact here.
// Reading accepts every encoding a 7.0 server reads for our types (the old linked lists,
// zipmaps and ziplists included), validates everything it touches, and converts the value
// to the layout Redis would give it after the same load. Any inconsistency ends the load
// with an error; nothing here trusts a length or an offset it has not checked.
//
// Sections: FORMAT CONSTANTS / WRITER / LISTPACK AND INTSET BUILDERS / VALUE WRITING /
// READER / BLOB PARSERS / VALUE READING / DATASETS / DUMP PAYLOADS / FUNCTIONS.
#include "server/rdb.h"

#include <fcntl.h>
#include <lzf.h>
#include <malloc.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstring>
#include <ctime>
#include <unordered_set>
#include <vector>

#include "common/config.h"
#include "common/crc64.h"
#include "common/log.h"
#include "common/util.h"
#include "server/db.h"
#include "server/server.h"
#include "server/sticky.h"
#include "server/t_hash.h"
#include "server/t_set.h"
#include "server/t_stream.h"
#include "server/t_zset.h"

namespace osprey {

namespace {

// ==== FORMAT CONSTANTS ======================================================

// Value types (the byte before each key).
enum RdbType : uint8_t {
  kTypeString = 0, kTypeList = 1, kTypeSet = 2, kTypeZset = 3, kTypeHash = 4, kTypeZset2 = 5,
  kTypeModule = 6, kTypeModule2 = 7, kTypeHashZipmap = 9, kTypeListZiplist = 10,
  kTypeSetIntset = 11, kTypeZsetZiplist = 12, kTypeHashZiplist = 13, kTypeListQuicklist = 14,
  kTypeStreamListpacks = 15, kTypeHashListpack = 16, kTypeZsetListpack = 17,
  kTypeListQuicklist2 = 18, kTypeStreamListpacks2 = 19,
};

// Opcodes, which share the type byte's space.
enum RdbOpcode : uint8_t {
  kOpFunction2 = 245, kOpFunctionPreGa = 246, kOpModuleAux = 247, kOpIdle = 248, kOpFreq = 249,
  kOpAux = 250, kOpResizeDb = 251, kOpExpireTimeMs = 252, kOpExpireTime = 253,
  kOpSelectDb = 254, kOpEof = 255,
};

bool isObjectType(int t) { return (t >= 0 && t <= 7) || (t >= 9 && t <= 19); }

// Length prefixes: two high bits 00 = 6-bit length, 01 = 14-bit, 10 = 32/64-bit follows,
// 11 = a special encoding of the string that follows (low 6 bits say which).
constexpr uint8_t kLen32 = 0x80, kLen64 = 0x81;
constexpr uint8_t kEncInt8 = 0, kEncInt16 = 1, kEncInt32 = 2, kEncLzf = 3;

// Quicklist node containers (QUICKLIST_2).
constexpr uint64_t kContainerPlain = 1, kContainerPacked = 2;
// Elements this large get a plain node of their own (Redis's packed_threshold default).
constexpr size_t kPackedThreshold = 1ULL << 30;

// A quicklist node with a negative fill is bounded by these sizes (fill -1 .. -5).
constexpr size_t kQuicklistSizeLevels[] = {4096, 8192, 16384, 32768, 65536};
constexpr size_t kQuicklistSafetyLimit = 8192;

// The listpack header (total bytes, element count) and terminator.
constexpr size_t kListpackHeader = 6;
constexpr uint8_t kListpackEof = 0xFF;

// While loading, objects converted to Redis's layouts follow these limits.
bool lruPolicy() {
  int p = cfg().maxmemory_policy;
  return p == MAXMEMORY_VOLATILE_LRU || p == MAXMEMORY_ALLKEYS_LRU;
}
bool lfuPolicy() {
  int p = cfg().maxmemory_policy;
  return p == MAXMEMORY_VOLATILE_LFU || p == MAXMEMORY_ALLKEYS_LFU;
}

// The failure of a load: thrown anywhere below the entry points, caught by them.
struct RdbError {
  std::string msg;
};
[[noreturn]] void fail(std::string msg) { throw RdbError{std::move(msg)}; }

// ==== WRITER ================================================================

// Appends RDB encodings to a byte buffer. When it writes to a file the buffer is flushed
// (and folded into the running CRC) every few MB, so saving a large dataset needs no more
// than that in memory.
class RdbWriter {
 public:
  explicit RdbWriter(std::string& buf) : buf_(buf) {}

  void byte(uint8_t b) { buf_.push_back(static_cast<char>(b)); }
  void raw(const void* p, size_t n) { buf_.append(static_cast<const char*>(p), n); }
  void raw(std::string_view s) { buf_.append(s.data(), s.size()); }

  void len(uint64_t n) {
    if (n < (1 << 6)) {
      byte(static_cast<uint8_t>(n));
    } else if (n < (1 << 14)) {
      byte(static_cast<uint8_t>(0x40 | (n >> 8)));
      byte(static_cast<uint8_t>(n & 0xFF));
    } else if (n <= UINT32_MAX) {
      byte(kLen32);
      uint8_t b[4] = {uint8_t(n >> 24), uint8_t(n >> 16), uint8_t(n >> 8), uint8_t(n)};
      raw(b, 4);
    } else {
      byte(kLen64);
      uint8_t b[8];
      for (int i = 0; i < 8; i++) b[i] = static_cast<uint8_t>(n >> (56 - 8 * i));
      raw(b, 8);
    }
  }

  void u64le(uint64_t v) {
    uint8_t b[8];
    for (int i = 0; i < 8; i++) b[i] = static_cast<uint8_t>(v >> (8 * i));
    raw(b, 8);
  }

  void binaryDouble(double d) {
    uint64_t bits;
    memcpy(&bits, &d, 8);
    u64le(bits);
  }

  // A string as Redis's rdbSaveRawString writes it: as an integer encoding when it is the
  // canonical form of an int32, LZF-compressed when that pays, else length + bytes.
  void string(std::string_view s) {
    if (s.size() <= 11 && !s.empty()) {
      long long v;
      if (string2ll(s, &v) && integerEncoding(v)) return;
    }
    if (s.size() > 20 && cfg().rdbcompression && lzfString(s)) return;
    len(s.size());
    raw(s);
  }

  // An integer as a string value (Redis's rdbSaveLongLongAsStringObject).
  void integerString(long long v) {
    if (integerEncoding(v)) return;
    char tmp[24];
    int n = snprintf(tmp, sizeof(tmp), "%lld", v);
    len(static_cast<size_t>(n));
    raw(tmp, static_cast<size_t>(n));
  }

  std::string& buffer() { return buf_; }

  // File mode: data already flushed to disk is covered by `crc`.
  int fd = -1;
  uint64_t crc = 0;
  bool write_failed = false;
  int write_errno = 0;

  void flushIfLarge() {
    if (fd >= 0 && buf_.size() >= (4u << 20)) flush();
  }
  void flush() {
    if (fd < 0 || buf_.empty()) return;
    if (cfg().rdbchecksum) crc = crc64(crc, buf_);
    const char* p = buf_.data();
    size_t left = buf_.size();
    while (left > 0 && !write_failed) {
      ssize_t n = ::write(fd, p, left);
      if (n < 0) {
        if (errno == EINTR) continue;
        write_failed = true;
        write_errno = errno;
        break;
      }
      p += n;
      left -= static_cast<size_t>(n);
    }
    buf_.clear();
  }

 private:
  bool integerEncoding(long long v) {
    if (v >= INT8_MIN && v <= INT8_MAX) {
      byte(0xC0 | kEncInt8);
      byte(static_cast<uint8_t>(v));
    } else if (v >= INT16_MIN && v <= INT16_MAX) {
      byte(0xC0 | kEncInt16);
      byte(static_cast<uint8_t>(v));
      byte(static_cast<uint8_t>(v >> 8));
    } else if (v >= INT32_MIN && v <= INT32_MAX) {
      byte(0xC0 | kEncInt32);
      for (int i = 0; i < 4; i++) byte(static_cast<uint8_t>(v >> (8 * i)));
    } else {
      return false;
    }
    return true;
  }

  // Compression must save at least 4 bytes, as in Redis (the output buffer is len - 4).
  bool lzfString(std::string_view s) {
    size_t outlen = s.size() - 4;
    if (lzf_.size() < outlen + 1) lzf_.resize(outlen + 1);
    unsigned int clen = lzf_compress(s.data(), static_cast<unsigned int>(s.size()), lzf_.data(),
                                     static_cast<unsigned int>(outlen));
    if (clen == 0) return false;
    byte(0xC0 | kEncLzf);
    len(clen);
    len(s.size());
    raw(lzf_.data(), clen);
    return true;
  }

  std::string& buf_;
  std::string lzf_;  // compression scratch, reused
};

// ==== LISTPACK AND INTSET BUILDERS ===========================================

// Builds a listpack byte-exact as Redis's lpAppend does: integers in the smallest of the
// 7/13/16/24/32/64-bit encodings, strings with a 6/12/32-bit length, each entry followed by
// its length encoded backwards (7 bits a byte).
class ListpackBuilder {
 public:
  void reset() {
    buf_.assign(kListpackHeader, '\0');
    count_ = 0;
  }

  void add(std::string_view s) {
    long long v;
    if (!s.empty() && s.size() <= 20 && string2ll(s, &v)) {
      addInt(v);
    } else {
      addString(s);
    }
  }

  void addInt(long long v) {
    uint8_t b[9];
    size_t n;
    uint64_t u = static_cast<uint64_t>(v);
    if (v >= 0 && v <= 127) {
      b[0] = static_cast<uint8_t>(v);
      n = 1;
    } else if (v >= -4096 && v <= 4095) {
      uint64_t t = u & 0x1FFF;
      b[0] = static_cast<uint8_t>(0xC0 | (t >> 8));
      b[1] = static_cast<uint8_t>(t & 0xFF);
      n = 2;
    } else {
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
      n = 1 + static_cast<size_t>(bytes);
    }
    buf_.append(reinterpret_cast<char*>(b), n);
    backlen(n);
    count_++;
  }

  void addString(std::string_view s) {
    size_t n = s.size();
    size_t hdr;
    if (n < 64) {
      buf_.push_back(static_cast<char>(0x80 | n));
      hdr = 1;
    } else if (n < 4096) {
      buf_.push_back(static_cast<char>(0xE0 | (n >> 8)));
      buf_.push_back(static_cast<char>(n & 0xFF));
      hdr = 2;
    } else {
      buf_.push_back(static_cast<char>(0xF0));
      for (int i = 0; i < 4; i++) buf_.push_back(static_cast<char>((n >> (8 * i)) & 0xFF));
      hdr = 5;
    }
    buf_.append(s.data(), n);
    backlen(hdr + n);
    count_++;
  }

  // The finished listpack (valid until the next reset).
  std::string_view finish() {
    buf_.push_back(static_cast<char>(kListpackEof));
    uint32_t total = static_cast<uint32_t>(buf_.size());
    uint16_t count = count_ < 65535 ? static_cast<uint16_t>(count_) : 65535;
    for (int i = 0; i < 4; i++) buf_[i] = static_cast<char>((total >> (8 * i)) & 0xFF);
    buf_[4] = static_cast<char>(count & 0xFF);
    buf_[5] = static_cast<char>(count >> 8);
    return buf_;
  }

  // The size one entry takes (encoding, data and backlen), as a quicklist node grows by.
  static size_t entrySize(std::string_view s) {
    long long v;
    size_t n;
    if (!s.empty() && s.size() <= 20 && string2ll(s, &v)) {
      if (v >= 0 && v <= 127) n = 1;
      else if (v >= -4096 && v <= 4095) n = 2;
      else if (v >= INT16_MIN && v <= INT16_MAX) n = 3;
      else if (v >= -8388608 && v <= 8388607) n = 4;
      else if (v >= INT32_MIN && v <= INT32_MAX) n = 5;
      else n = 9;
    } else {
      n = s.size() + (s.size() < 64 ? 1 : s.size() < 4096 ? 2 : 5);
    }
    return n + backlenSize(n);
  }

 private:
  static size_t backlenSize(size_t l) {
    if (l <= 127) return 1;
    if (l < 16383) return 2;
    if (l < 2097151) return 3;
    if (l < 268435455) return 4;
    return 5;
  }
  void backlen(size_t l) {
    size_t n = backlenSize(l);
    uint8_t b[5];
    // Most significant 7-bit group first; every byte but the first carries the high bit,
    // so a reader walking backwards knows where the length ends.
    for (size_t i = 0; i < n; i++) {
      size_t shift = 7 * (n - 1 - i);
      b[i] = static_cast<uint8_t>((l >> shift) & 127);
      if (i > 0) b[i] |= 128;
    }
    buf_.append(reinterpret_cast<char*>(b), n);
  }

  std::string buf_;
  size_t count_ = 0;
};

// An intset blob: element width (2, 4 or 8), count, then the sorted values, little endian.
void buildIntset(const IntSet& ints, std::string& out) {
  uint32_t width = 2;
  for (size_t i = 0; i < ints.size(); i++) {
    int64_t v = ints.at(i);
    if (v < INT32_MIN || v > INT32_MAX) {
      width = 8;
      break;
    }
    if (v < INT16_MIN || v > INT16_MAX) width = 4;
  }
  out.clear();
  out.reserve(8 + width * ints.size());
  auto put = [&](uint64_t v, uint32_t bytes) {
    for (uint32_t i = 0; i < bytes; i++) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  };
  put(width, 4);
  put(ints.size(), 4);
  for (size_t i = 0; i < ints.size(); i++) put(static_cast<uint64_t>(ints.at(i)), width);
}

// ==== VALUE WRITING ============================================================

// Whether a quicklist node holding `node_bytes` in `count` entries takes one more element
// of `sz` bytes (Redis 7.0's _quicklistNodeAllowInsert: it estimates the growth as the
// element's length plus 8).
bool quicklistNodeAllows(size_t node_bytes, size_t count, size_t sz) {
  if (sz >= kPackedThreshold) return false;
  size_t new_sz = node_bytes + sz + 8;
  long long fill = cfg().list_max_listpack_size;
  if (fill > 32767) fill = 32767;
  if (fill < -5) fill = -5;
  if (fill < 0 && new_sz <= kQuicklistSizeLevels[-fill - 1]) return true;
  if (new_sz > kQuicklistSafetyLimit) return false;
  return static_cast<long long>(count) < fill;
}

class ValueWriter {
 public:
  explicit ValueWriter(RdbWriter& w) : w_(w) {}

  static uint8_t typeOf(const Object& o) {
    switch (o.type) {
      case ObjType::String: return kTypeString;
      case ObjType::List: return kTypeListQuicklist2;
      case ObjType::Set: return o.set().isIntset() ? kTypeSetIntset : kTypeSet;
      case ObjType::ZSet: return o.zset().isListpack() ? kTypeZsetListpack : kTypeZset2;
      case ObjType::Hash: return o.hash().isListpack() ? kTypeHashListpack : kTypeHash;
      case ObjType::Stream: return kTypeStreamListpacks2;
      default: return kTypeStreamListpacks;  // not a type Osprey stores
    }
  }

  void value(const Object& o) {
    switch (o.type) {
      case ObjType::String: w_.string(o.str()); break;
      case ObjType::List: list(o.list()); break;
      case ObjType::Set: set(o.set()); break;
      case ObjType::ZSet: zset(o.zset()); break;
      case ObjType::Hash: hash(o.hash()); break;
      case ObjType::Stream: stream(o.stream()); break;
      default: break;
    }
  }

 private:
  // QUICKLIST_2: the nodes a list built by pushes at the tail has, each a listpack. A
  // first pass finds the node sizes (the count comes first), the second writes them.
  void list(const ListValue& l) {
    nodes_.clear();
    size_t node_bytes = 0, count = 0;
    bool open = false;
    l.forEach([&](std::string_view s) {
      if (open && quicklistNodeAllows(node_bytes, count, s.size())) {
        node_bytes += ListpackBuilder::entrySize(s);
        count++;
        return;
      }
      if (open) nodes_.push_back(count);
      if (s.size() >= kPackedThreshold) {
        nodes_.push_back(0);  // a plain node of its own
        open = false;
        return;
      }
      open = true;
      node_bytes = kListpackHeader + 1 + ListpackBuilder::entrySize(s);
      count = 1;
    });
    if (open) nodes_.push_back(count);

    w_.len(nodes_.size());
    size_t node = 0, in_node = 0;
    l.forEach([&](std::string_view s) {
      if (nodes_[node] == 0) {
        w_.len(kContainerPlain);
        w_.string(s);
        node++;
        return;
      }
      if (in_node == 0) lp_.reset();
      lp_.add(s);
      if (++in_node == nodes_[node]) {
        w_.len(kContainerPacked);
        w_.string(lp_.finish());
        node++;
        in_node = 0;
      }
    });
  }

  void set(const SetValue& s) {
    if (s.isIntset()) {
      buildIntset(s.ints(), blob_);
      w_.string(blob_);
      return;
    }
    w_.len(s.size());
    s.forEach([&](std::string_view m) { w_.string(m); });
  }

  void zset(const ZSetValue& z) {
    if (z.isListpack()) {
      lp_.reset();
      char buf[128];
      z.forEach([&](std::string_view member, double score) {
        lp_.add(member);
        lp_.add(scoreString(score, buf));
      });
      w_.string(lp_.finish());
      return;
    }
    // From the highest score down, as Redis does (its loader then inserts at the head).
    w_.len(z.size());
    for (ZSkipNode* n = z.skiplist().last(); n; n = n->backward) {
      w_.string(n->member());
      w_.binaryDouble(n->score);
    }
  }

  // STREAM_LISTPACKS_2: the nodes verbatim (16-byte big-endian master ID, listpack), the
  // stream's counters and IDs, then each group with its PEL (raw ID, delivery time in ms
  // as 8 LE bytes, delivery count) and its consumers (name, seen time, raw PEL IDs).
  void stream(const StreamValue& s) {
    w_.len(s.nodes().size());
    for (const auto& [master, lp] : s.nodes()) {
      uint8_t key[16];
      master.encode(key);
      w_.string(std::string_view(reinterpret_cast<const char*>(key), 16));
      w_.string(lp.bytes());
    }
    w_.len(s.length());
    w_.len(s.last_id.ms);
    w_.len(s.last_id.seq);
    w_.len(s.first_id.ms);
    w_.len(s.first_id.seq);
    w_.len(s.max_deleted_entry_id.ms);
    w_.len(s.max_deleted_entry_id.seq);
    w_.len(s.entries_added);
    w_.len(s.groups().size());
    for (const auto& [name, g] : s.groups()) {
      w_.string(name);
      w_.len(g->last_id.ms);
      w_.len(g->last_id.seq);
      w_.len(static_cast<uint64_t>(g->entries_read));
      w_.len(g->pel.size());
      for (const auto& [id, nack] : g->pel) {
        uint8_t raw[16];
        id.encode(raw);
        w_.raw(raw, 16);
        w_.u64le(static_cast<uint64_t>(nack.delivery_time));
        w_.len(nack.delivery_count);
      }
      w_.len(g->consumers.size());
      for (const auto& [cname, cons] : g->consumers) {
        w_.string(cname);
        w_.u64le(static_cast<uint64_t>(cons->seen_time));
        w_.len(cons->pel.size());
        for (const auto& [id, nack] : cons->pel) {
          uint8_t raw[16];
          id.encode(raw);
          w_.raw(raw, 16);
        }
      }
    }
  }

  void hash(const HashValue& h) {
    if (h.isListpack()) {
      lp_.reset();
      h.forEach([&](std::string_view f, std::string_view v) {
        lp_.add(f);
        lp_.add(v);
      });
      w_.string(lp_.finish());
      return;
    }
    w_.len(h.size());
    h.forEach([&](std::string_view f, std::string_view v) {
      w_.string(f);
      w_.string(v);
    });
  }

  // A score as Redis 7.0's d2string writes it into a zset listpack, without allocating.
  static std::string_view scoreString(double d, char* buf) {
    int n;
    if (std::isnan(d)) {
      n = snprintf(buf, 128, "nan");
    } else if (std::isinf(d)) {
      n = snprintf(buf, 128, d > 0 ? "inf" : "-inf");
    } else if (d == 0) {
      n = snprintf(buf, 128, std::signbit(d) ? "-0" : "0");
    } else if (d > -4503599627370495.0 && d < 4503599627370496.0 &&
               d == static_cast<double>(static_cast<long long>(d))) {
      n = snprintf(buf, 128, "%lld", static_cast<long long>(d));
    } else {
      n = snprintf(buf, 128, "%.17g", d);
    }
    return std::string_view(buf, static_cast<size_t>(n));
  }

  RdbWriter& w_;
  ListpackBuilder lp_;
  std::vector<size_t> nodes_;  // list node sizes (0 = plain node)
  std::string blob_;
};

// ==== READER ==================================================================

// Reads RDB encodings from memory. Every read is bounds-checked; a read past the end or
// an impossible value throws RdbError.
class RdbReader {
 public:
  explicit RdbReader(std::string_view data) : d_(data) {}

  size_t pos() const { return pos_; }
  size_t remaining() const { return d_.size() - pos_; }
  std::string_view data() const { return d_; }

  uint8_t byte() {
    if (pos_ >= d_.size()) fail("Unexpected EOF reading RDB file");
    return static_cast<uint8_t>(d_[pos_++]);
  }
  std::string_view take(uint64_t n) {
    if (n > remaining()) fail("Unexpected EOF reading RDB file");
    std::string_view s = d_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  uint64_t le(int bytes) {
    std::string_view b = take(static_cast<uint64_t>(bytes));
    uint64_t v = 0;
    for (int i = bytes - 1; i >= 0; i--) v = (v << 8) | static_cast<uint8_t>(b[i]);
    return v;
  }

  // A length, or (when *encoded is set) the code of a special string encoding.
  uint64_t len(bool* encoded = nullptr) {
    if (encoded) *encoded = false;
    uint8_t b = byte();
    switch (b >> 6) {
      case 0: return b & 0x3F;
      case 1: return (static_cast<uint64_t>(b & 0x3F) << 8) | byte();
      case 3:
        if (!encoded) fail("Unexpected string encoding where a length was expected");
        *encoded = true;
        return b & 0x3F;
      default: break;
    }
    if (b == kLen32 || b == kLen64) {
      std::string_view s = take(b == kLen32 ? 4 : 8);
      uint64_t v = 0;
      for (char c : s) v = (v << 8) | static_cast<uint8_t>(c);
      return v;
    }
    fail("Unknown length encoding " + std::to_string(b) + " in rdbLoadLen()");
  }

  // A count of items each taking at least `min_bytes`: a larger count than the remaining
  // bytes allow is corrupt (and would make us reserve absurd amounts of memory).
  uint64_t count(size_t min_bytes = 1) {
    uint64_t n = len();
    if (n > remaining() / min_bytes) fail("Length exceeds the remaining data");
    return n;
  }

  // A string: a view into the input when stored plainly, else decoded into `scratch`.
  std::string_view stringView(std::string& scratch) {
    bool enc;
    uint64_t n = len(&enc);
    if (!enc) return take(n);
    switch (n) {
      case kEncInt8: return intToScratch(static_cast<int8_t>(le(1)), scratch);
      case kEncInt16: return intToScratch(static_cast<int16_t>(le(2)), scratch);
      case kEncInt32: return intToScratch(static_cast<int32_t>(le(4)), scratch);
      case kEncLzf: {
        uint64_t clen = len(), ulen = len();
        std::string_view c = take(clen);
        // LZF expands at most ~100 times; anything claiming more is corrupt.
        if (ulen > clen * 128 + 64) fail("Invalid LZF compressed string");
        scratch.resize(ulen);
        if (ulen == 0) return scratch;
        unsigned int got = lzf_decompress(c.data(), static_cast<unsigned int>(clen), scratch.data(),
                                          static_cast<unsigned int>(ulen));
        if (got != ulen) fail("Invalid LZF compressed string");
        return scratch;
      }
      default: fail("Unknown RDB string encoding type " + std::to_string(n));
    }
  }
  std::string string() {
    std::string scratch;
    std::string_view v = stringView(scratch);
    if (v.data() == scratch.data()) return scratch;
    return std::string(v);
  }

  double binaryDouble() {
    uint64_t bits = le(8);
    double d;
    memcpy(&d, &bits, 8);
    return d;
  }
  // The ZSET (type 3) score: a length byte (253 nan, 254 +inf, 255 -inf) and ASCII.
  double asciiDouble() {
    uint8_t n = byte();
    if (n == 253) return std::nan("");
    if (n == 254) return INFINITY;
    if (n == 255) return -INFINITY;
    std::string s(take(n));
    char* end = nullptr;
    double d = strtod(s.c_str(), &end);
    if (end == s.c_str()) fail("Invalid double value");
    return d;
  }

 private:
  static std::string_view intToScratch(long long v, std::string& scratch) {
    char tmp[24];
    int n = snprintf(tmp, sizeof(tmp), "%lld", v);
    scratch.assign(tmp, static_cast<size_t>(n));
    return scratch;
  }

  std::string_view d_;
  size_t pos_ = 0;
};

// ==== BLOB PARSERS =============================================================

// One element of a listpack or ziplist: a string, or an integer.
struct PackedEntry {
  std::string_view str;
  long long ival = 0;
  bool is_int = false;

  // The element as a string (integers formatted into buf).
  std::string_view text(char* buf) const {
    if (!is_int) return str;
    int n = snprintf(buf, 24, "%lld", ival);
    return std::string_view(buf, static_cast<size_t>(n));
  }
};

long long signExtend(uint64_t v, int bits) {
  uint64_t m = 1ULL << (bits - 1);
  if (bits < 64) v &= (1ULL << bits) - 1;
  return static_cast<long long>((v ^ m) - m);
}

uint64_t readLe(const unsigned char* p, int bytes) {
  uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; i--) v = (v << 8) | p[i];
  return v;
}

// Walks a listpack, checking its header, every entry (encoding, bounds, back-length) and
// the terminator; calls fn(entry) for each. Throws on any inconsistency.
template <class F>
void parseListpack(std::string_view lp, F&& fn) {
  const auto* p = reinterpret_cast<const unsigned char*>(lp.data());
  size_t size = lp.size();
  if (size < kListpackHeader + 1) fail("Listpack integrity check failed.");
  if (readLe(p, 4) != size) fail("Listpack integrity check failed.");
  uint32_t header_count = static_cast<uint32_t>(readLe(p + 4, 2));
  size_t pos = kListpackHeader;
  uint32_t count = 0;
  auto need = [&](size_t n) {
    if (n > size - pos) fail("Listpack integrity check failed.");
  };
  while (true) {
    need(1);
    unsigned char b = p[pos];
    if (b == kListpackEof) {
      if (pos != size - 1) fail("Listpack integrity check failed.");
      break;
    }
    PackedEntry e;
    size_t start = pos;
    if ((b & 0x80) == 0) {
      e.is_int = true, e.ival = b, pos += 1;
    } else if ((b & 0xC0) == 0x80) {
      size_t n = b & 0x3F;
      need(1 + n);
      e.str = std::string_view(lp.data() + pos + 1, n);
      pos += 1 + n;
    } else if ((b & 0xE0) == 0xC0) {
      need(2);
      e.is_int = true, e.ival = signExtend((static_cast<uint64_t>(b & 0x1F) << 8) | p[pos + 1], 13);
      pos += 2;
    } else if ((b & 0xF0) == 0xE0) {
      need(2);
      size_t n = (static_cast<size_t>(b & 0x0F) << 8) | p[pos + 1];
      need(2 + n);
      e.str = std::string_view(lp.data() + pos + 2, n);
      pos += 2 + n;
    } else if (b == 0xF0) {
      need(5);
      size_t n = static_cast<size_t>(readLe(p + pos + 1, 4));
      need(5 + n);
      e.str = std::string_view(lp.data() + pos + 5, n);
      pos += 5 + n;
    } else if (b >= 0xF1 && b <= 0xF4) {
      int bytes = b == 0xF1 ? 2 : b == 0xF2 ? 3 : b == 0xF3 ? 4 : 8;
      need(1 + static_cast<size_t>(bytes));
      e.is_int = true, e.ival = signExtend(readLe(p + pos + 1, bytes), bytes * 8);
      pos += 1 + static_cast<size_t>(bytes);
    } else {
      fail("Listpack integrity check failed.");
    }
    // The back-length: the entry's size, 7 bits a byte, most significant group first.
    size_t l = pos - start;
    size_t blen = l <= 127 ? 1 : l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;
    need(blen);
    uint64_t v = 0;
    for (size_t i = 0; i < blen; i++) v = (v << 7) | (p[pos + i] & 127);
    if (v != l) fail("Listpack integrity check failed.");
    pos += blen;
    count++;
    fn(e);
  }
  if (header_count != 65535 && header_count != count) fail("Listpack integrity check failed.");
}

// Walks a ziplist (the pre-7.0 compact encoding): header (bytes, tail offset, count),
// entries of prevlen + encoding + data, 0xFF.
template <class F>
void parseZiplist(std::string_view zl, F&& fn) {
  const auto* p = reinterpret_cast<const unsigned char*>(zl.data());
  size_t size = zl.size();
  if (size < 11 || readLe(p, 4) != size) fail("Ziplist integrity check failed.");
  uint32_t header_count = static_cast<uint32_t>(readLe(p + 8, 2));
  size_t pos = 10;
  uint32_t count = 0;
  size_t prevlen_expected = 0;
  auto need = [&](size_t n) {
    if (n > size - pos) fail("Ziplist integrity check failed.");
  };
  while (true) {
    need(1);
    if (p[pos] == 0xFF) {
      if (pos != size - 1) fail("Ziplist integrity check failed.");
      break;
    }
    size_t start = pos;
    size_t prevlen;
    if (p[pos] < 254) {
      prevlen = p[pos];
      pos += 1;
    } else {
      need(5);
      prevlen = static_cast<size_t>(readLe(p + pos + 1, 4));
      pos += 5;
    }
    if (prevlen != prevlen_expected) fail("Ziplist integrity check failed.");
    need(1);
    unsigned char b = p[pos];
    PackedEntry e;
    if ((b >> 6) == 0) {
      size_t n = b & 0x3F;
      need(1 + n);
      e.str = std::string_view(zl.data() + pos + 1, n);
      pos += 1 + n;
    } else if ((b >> 6) == 1) {
      need(2);
      size_t n = (static_cast<size_t>(b & 0x3F) << 8) | p[pos + 1];
      need(2 + n);
      e.str = std::string_view(zl.data() + pos + 2, n);
      pos += 2 + n;
    } else if (b == 0x80) {
      need(5);
      size_t n = (static_cast<size_t>(p[pos + 1]) << 24) | (static_cast<size_t>(p[pos + 2]) << 16) |
                 (static_cast<size_t>(p[pos + 3]) << 8) | p[pos + 4];
      need(5 + n);
      e.str = std::string_view(zl.data() + pos + 5, n);
      pos += 5 + n;
    } else {
      int bytes;
      e.is_int = true;
      switch (b) {
        case 0xC0: bytes = 2; break;
        case 0xD0: bytes = 4; break;
        case 0xE0: bytes = 8; break;
        case 0xF0: bytes = 3; break;
        case 0xFE: bytes = 1; break;
        default:
          if (b >= 0xF1 && b <= 0xFD) {
            bytes = 0;
            e.ival = (b & 0x0F) - 1;
          } else {
            fail("Ziplist integrity check failed.");
          }
      }
      need(1 + static_cast<size_t>(bytes));
      if (bytes) e.ival = signExtend(readLe(p + pos + 1, bytes), bytes * 8);
      pos += 1 + static_cast<size_t>(bytes);
    }
    prevlen_expected = pos - start;
    count++;
    fn(e);
  }
  if (header_count != 65535 && header_count != count) fail("Ziplist integrity check failed.");
}

// Walks a zipmap (Redis 2.4's small hashes): count byte, then key/value pairs with 1 or 5
// byte lengths and a "free" byte before each value, then 0xFF.
template <class F>
void parseZipmap(std::string_view zm, F&& fn) {
  const auto* p = reinterpret_cast<const unsigned char*>(zm.data());
  size_t size = zm.size(), pos = 1;
  if (size < 2) fail("Zipmap integrity check failed.");
  auto need = [&](size_t n) {
    if (n > size - pos) fail("Zipmap integrity check failed.");
  };
  auto readLen = [&]() -> size_t {
    need(1);
    if (p[pos] < 254) return p[pos++];
    if (p[pos] == 254) {
      need(5);
      size_t n = static_cast<size_t>(readLe(p + pos + 1, 4));
      pos += 5;
      return n;
    }
    fail("Zipmap integrity check failed.");
  };
  while (true) {
    need(1);
    if (p[pos] == 0xFF) {
      if (pos != size - 1) fail("Zipmap integrity check failed.");
      break;
    }
    size_t klen = readLen();
    need(klen);
    std::string_view key(zm.data() + pos, klen);
    pos += klen;
    size_t vlen = readLen();
    need(1);
    size_t free = p[pos++];
    need(vlen + free);
    std::string_view val(zm.data() + pos, vlen);
    pos += vlen + free;
    fn(key, val);
  }
}

// ==== VALUE READING ============================================================

// Signals a collection with no elements: skipped when loading a file, an error for RESTORE.
struct EmptyKey {};

class ValueReader {
 public:
  explicit ValueReader(RdbReader& r) : r_(r) {}

  Object read(int type) {
    switch (type) {
      case kTypeString: return Object::makeString(r_.string());
      case kTypeList: return linkedList();
      case kTypeListQuicklist:
      case kTypeListQuicklist2: return quicklist(type == kTypeListQuicklist2);
      case kTypeListZiplist: return ziplistList();
      case kTypeSet: return set();
      case kTypeSetIntset: return intset();
      case kTypeZset:
      case kTypeZset2: return zset(type == kTypeZset2);
      case kTypeZsetZiplist:
      case kTypeZsetListpack: return packedZset(type == kTypeZsetListpack);
      case kTypeHash: return hash();
      case kTypeHashZipmap:
      case kTypeHashZiplist:
      case kTypeHashListpack: return packedHash(type);
      case kTypeStreamListpacks:
      case kTypeStreamListpacks2: return stream(type == kTypeStreamListpacks2);
      case kTypeModule:
      case kTypeModule2: fail("The RDB file contains module data I can't load");
      default: fail("Unknown RDB encoding type " + std::to_string(type));
    }
  }

 private:
  static Object newList() {
    Object o = Object::makeList();
    o.encoding = Encoding::Quicklist;
    return o;
  }

  Object linkedList() {
    uint64_t n = r_.count();
    if (n == 0) throw EmptyKey{};
    Object o = newList();
    ListValue& l = o.list();
    std::string tmp;
    for (uint64_t i = 0; i < n; i++) l.pushBack(r_.stringView(tmp));
    return o;
  }

  Object quicklist(bool v2) {
    uint64_t nodes = r_.count();
    if (nodes == 0) throw EmptyKey{};
    Object o = newList();
    ListValue& l = o.list();
    char buf[24];
    for (uint64_t i = 0; i < nodes; i++) {
      uint64_t container = kContainerPacked;
      if (v2) {
        container = r_.len();
        if (container != kContainerPacked && container != kContainerPlain)
          fail("Quicklist integrity check failed.");
      }
      std::string_view blob = r_.stringView(scratch_);
      if (blob.empty()) fail("Quicklist node is empty");
      if (container == kContainerPlain) {
        l.pushBack(blob);
        continue;
      }
      auto push = [&](const PackedEntry& e) { l.pushBack(e.text(buf)); };
      if (v2) {
        parseListpack(blob, push);
      } else {
        parseZiplist(blob, push);
      }
    }
    if (l.empty()) throw EmptyKey{};
    return o;
  }

  Object ziplistList() {
    std::string_view blob = r_.stringView(scratch_);
    Object o = newList();
    ListValue& l = o.list();
    char buf[24];
    parseZiplist(blob, [&](const PackedEntry& e) { l.pushBack(e.text(buf)); });
    if (l.empty()) throw EmptyKey{};
    return o;
  }

  Object set() {
    uint64_t n = r_.count();
    if (n == 0) throw EmptyKey{};
    size_t max_intset = static_cast<size_t>(std::max(0LL, cfg().set_max_intset_entries));
    Object o = Object::makeSet(n <= max_intset);
    std::string tmp;
    for (uint64_t i = 0; i < n; i++) {
      std::string_view m = r_.stringView(tmp);
      if (!setAdd(o, m)) fail("Duplicate set members detected");
    }
    return o;
  }

  Object intset() {
    std::string_view blob = r_.stringView(scratch_);
    const auto* p = reinterpret_cast<const unsigned char*>(blob.data());
    if (blob.size() < 8) fail("Intset integrity check failed.");
    uint32_t width = static_cast<uint32_t>(readLe(p, 4));
    uint32_t n = static_cast<uint32_t>(readLe(p + 4, 4));
    if ((width != 2 && width != 4 && width != 8) || blob.size() != 8 + uint64_t(width) * n)
      fail("Intset integrity check failed.");
    if (n == 0) throw EmptyKey{};
    Object o = Object::makeSet(true);
    char buf[24];
    long long prev = 0;
    for (uint32_t i = 0; i < n; i++) {
      long long v = signExtend(readLe(p + 8 + size_t(i) * width, static_cast<int>(width)),
                               static_cast<int>(width) * 8);
      if (i > 0 && v <= prev) fail("Intset integrity check failed.");
      prev = v;
      setAdd(o, SetValue::formatInt(v, buf));
    }
    return o;
  }

  // Scores of ZSET/ZSET_2 values come unsorted; the set gets the listpack layout when it
  // fits, as Redis converts it after loading.
  Object zset(bool binary) {
    uint64_t n = r_.count(binary ? 9 : 2);
    if (n == 0) throw EmptyKey{};
    std::vector<ZSetValue::Item> items;
    items.reserve(n);
    size_t maxlen = 0;
    for (uint64_t i = 0; i < n; i++) {
      std::string member = r_.string();
      double score = binary ? r_.binaryDouble() : r_.asciiDouble();
      if (std::isnan(score)) fail("Zset with NAN score detected");
      maxlen = std::max(maxlen, member.size());
      items.push_back({std::move(member), score});
    }
    bool fits = static_cast<long long>(n) <= cfg().zset_max_listpack_entries &&
                static_cast<long long>(maxlen) <= cfg().zset_max_listpack_value;
    return finishZset(std::move(items), !fits);
  }

  Object packedZset(bool listpack) {
    std::string_view blob = r_.stringView(scratch_);
    std::vector<ZSetValue::Item> items;
    bool member_turn = true;
    char buf[24];
    auto each = [&](const PackedEntry& e) {
      if (member_turn) {
        items.push_back({std::string(e.text(buf)), 0});
      } else {
        double score;
        if (e.is_int) {
          score = static_cast<double>(e.ival);
        } else {
          std::string s(e.str);
          char* end = nullptr;
          score = strtod(s.c_str(), &end);
          if (s.empty() || *end != '\0') fail("Zset listpack integrity check failed.");
        }
        if (std::isnan(score)) fail("Zset with NAN score detected");
        items.back().score = score;
      }
      member_turn = !member_turn;
    };
    if (listpack) {
      parseListpack(blob, each);
    } else {
      parseZiplist(blob, each);
    }
    if (!member_turn) fail("Zset listpack integrity check failed.");
    if (items.empty()) throw EmptyKey{};
    bool skiplist = static_cast<long long>(items.size()) > cfg().zset_max_listpack_entries;
    return finishZset(std::move(items), skiplist);
  }

  static Object finishZset(std::vector<ZSetValue::Item>&& items, bool skiplist) {
    auto less = [](const ZSetValue::Item& a, const ZSetValue::Item& b) {
      return zsetLess(a.score, a.member, b.score, b.member);
    };
    if (!std::is_sorted(items.begin(), items.end(), less)) std::sort(items.begin(), items.end(), less);
    if (items.size() > 1) {
      std::unordered_set<std::string_view> seen;
      seen.reserve(items.size());
      for (const auto& it : items) {
        if (!seen.insert(it.member).second) fail("Duplicate zset fields detected");
      }
    }
    Object o = Object::makeZSet();
    o.zset().assignSorted(std::move(items), skiplist);
    o.encoding = o.zset().encoding();
    return o;
  }

  // STREAM_LISTPACKS (Redis 5 - 6.2) and STREAM_LISTPACKS_2 (7.0). Every node must be a
  // well-formed stream listpack; the PELs must agree; for the older type the 7.0 counters
  // are derived as Redis derives them (entries added = length, first ID from the data,
  // each group's entries-read estimated).
  Object stream(bool v2) {
    Object o = Object::makeStream();
    StreamValue& s = o.stream();
    uint64_t nodes = r_.count(2);
    std::string keybuf, lpbuf;
    while (nodes--) {
      std::string_view key = r_.stringView(keybuf);
      if (key.size() != 16) fail("Stream node key entry is not the size of a stream ID");
      StreamID master = StreamID::decode(reinterpret_cast<const uint8_t*>(key.data()));
      std::string lp(r_.stringView(lpbuf));
      if (!streamValidateNode(lp)) fail("Stream listpack integrity check failed");
      if (s.nodes().count(master)) fail("Listpack re-added with existing key");
      s.loadNode(master, Listpack(std::move(lp)));
    }
    uint64_t length = r_.len();
    if (length != s.length()) fail("Stream length inconsistent with the listpacks");
    s.last_id.ms = r_.len();
    s.last_id.seq = r_.len();
    if (v2) {
      s.first_id.ms = r_.len();
      s.first_id.seq = r_.len();
      s.max_deleted_entry_id.ms = r_.len();
      s.max_deleted_entry_id.seq = r_.len();
      s.entries_added = r_.len();
    } else {
      s.entries_added = s.length();
      if (!s.firstLiveId(&s.first_id)) s.first_id = StreamID::max();
    }
    uint64_t groups = r_.count(3);
    while (groups--) {
      std::string name = r_.string();
      StreamID last;
      last.ms = r_.len();
      last.seq = r_.len();
      long long entries_read =
          v2 ? static_cast<long long>(r_.len()) : s.estimateDistance(last);
      StreamCG* g = s.createGroup(name, last, entries_read);
      if (!g) fail("Duplicated consumer group name " + name);
      uint64_t pel = r_.count(18);
      while (pel--) {
        StreamID id = StreamID::decode(reinterpret_cast<const uint8_t*>(r_.take(16).data()));
        StreamNACK nack;
        nack.delivery_time = static_cast<long long>(r_.le(8));
        nack.delivery_count = r_.len();
        if (!g->pel.emplace(id, nack).second)
          fail("Duplicated global PEL entry loading stream consumer group");
      }
      uint64_t consumers = r_.count(10);
      while (consumers--) {
        std::string cname = r_.string();
        long long seen = static_cast<long long>(r_.le(8));
        StreamConsumer* cons = g->createConsumer(cname, seen);
        if (!cons) fail("Duplicate stream consumer detected.");
        uint64_t cpel = r_.count(16);
        while (cpel--) {
          StreamID id = StreamID::decode(reinterpret_cast<const uint8_t*>(r_.take(16).data()));
          auto it = g->pel.find(id);
          if (it == g->pel.end()) fail("Consumer entry not found in group global PEL");
          if (it->second.consumer) fail("Duplicated consumer PEL entry loading a stream consumer group");
          it->second.consumer = cons;
          cons->pel[id] = &it->second;
        }
      }
      for (auto& [id, nack] : g->pel)
        if (!nack.consumer) fail("Stream CG PEL entry without consumer");
    }
    return o;
  }

  Object hash() {
    uint64_t n = r_.count(2);
    if (n == 0) throw EmptyKey{};
    Object o = Object::makeHash();
    if (static_cast<long long>(n) > cfg().hash_max_listpack_entries) {
      o.hash().convertToTable();
      o.encoding = Encoding::Hashtable;
    }
    std::string f, v;
    for (uint64_t i = 0; i < n; i++) {
      std::string_view fv = r_.stringView(f);
      if (fv.data() != f.data()) f.assign(fv);
      std::string_view vv = r_.stringView(v);
      if (!hashSet(o, f, vv)) fail("Duplicate hash fields detected");
    }
    return o;
  }

  Object packedHash(int type) {
    std::string_view blob = r_.stringView(scratch_);
    std::vector<std::string> flat;
    char buf[24];
    if (type == kTypeHashZipmap) {
      parseZipmap(blob, [&](std::string_view k, std::string_view v) {
        flat.emplace_back(k);
        flat.emplace_back(v);
      });
    } else {
      auto each = [&](const PackedEntry& e) { flat.emplace_back(e.text(buf)); };
      if (type == kTypeHashListpack) {
        parseListpack(blob, each);
      } else {
        parseZiplist(blob, each);
      }
    }
    if (flat.size() % 2) fail("Hash listpack integrity check failed.");
    if (flat.empty()) throw EmptyKey{};
    Object o = Object::makeHash();
    size_t pairs = flat.size() / 2;
    if (static_cast<long long>(pairs) > cfg().hash_max_listpack_entries) {
      o.hash().convertToTable();
      o.encoding = Encoding::Hashtable;
    }
    for (size_t i = 0; i < flat.size(); i += 2) {
      if (!hashSet(o, flat[i], flat[i + 1])) fail("Duplicate hash fields detected");
    }
    return o;
  }

  RdbReader& r_;
  std::string scratch_;
};

// ==== DATASETS ===================================================================

void writeAux(RdbWriter& w, std::string_view key, std::string_view value) {
  w.byte(kOpAux);
  w.string(key);
  w.string(value);
}

// The whole RDB file. With a file descriptor the writer streams to it as it goes.
void saveDataset(RdbWriter& w, const RdbReplInfo* repl) {
  char magic[16];
  snprintf(magic, sizeof(magic), "REDIS%04d", kRdbVersion);
  w.raw(magic, 9);

  writeAux(w, "redis-ver", kRedisVersion);
  writeAux(w, "redis-bits", "64");
  writeAux(w, "ctime", std::to_string(static_cast<long long>(time(nullptr))));
  struct mallinfo2 mi = mallinfo2();
  writeAux(w, "used-mem", std::to_string(mi.uordblks + mi.hblkhd));
  if (repl) {
    writeAux(w, "repl-stream-db", std::to_string(repl->repl_stream_db));
    writeAux(w, "repl-id", repl->repl_id);
    writeAux(w, "repl-offset", std::to_string(repl->repl_offset));
  }
  writeAux(w, "aof-base", "0");

  for (const std::string& code : functionLibraryCodes()) {
    w.byte(kOpFunction2);
    w.string(code);
  }

  bool save_lru = lruPolicy(), save_lfu = lfuPolicy();
  long long delay_us = cfg().rdb_key_save_delay;
  ValueWriter values(w);
  for (Db& db : server.dbs) {
    if (db.keys.empty()) continue;
    w.byte(kOpSelectDb);
    w.len(static_cast<uint64_t>(db.id));
    w.byte(kOpResizeDb);
    w.len(db.keys.size());
    w.len(db.expires.size());
    bool has_expires = !db.expires.empty();
    db.keys.forEach([&](KeyEntry& e) {
      const Object& o = e.value;
      if (o.sticky) writeAux(w, kStickyAuxField, "1");  // STICK's mark (server/sticky.h)
      if (has_expires) {
        auto* ex = db.expires.find(e.key());
        if (ex) {
          w.byte(kOpExpireTimeMs);
          w.u64le(static_cast<uint64_t>(ex->value));
        }
      }
      if (save_lru) {
        w.byte(kOpIdle);
        w.len(lruIdleSeconds(o));
      } else if (save_lfu) {
        w.byte(kOpFreq);
        w.byte(static_cast<uint8_t>(o.lru & 255));
      }
      w.byte(ValueWriter::typeOf(o));
      w.string(e.key());
      values.value(o);
      w.flushIfLarge();
      if (delay_us > 0) usleep(static_cast<useconds_t>(delay_us));
    });
  }
  w.byte(kOpEof);
}

void applyIdleOrFreq(Object& o, long long lru_idle, long long lfu_freq) {
  if (lfuPolicy()) {
    if (lfu_freq >= 0) {
      unsigned long minutes = static_cast<unsigned long>(time(nullptr) / 60) & 65535;
      o.lru = static_cast<uint32_t>((minutes << 8) | static_cast<unsigned long>(lfu_freq));
    }
  } else if (lru_idle >= 0) {
    o.lru = lruFromIdle(lru_idle);
  }
}

// Loads a whole RDB image. Throws RdbError; the caller discards partial data.
void loadDataset(std::string_view data, const RdbLoadOptions& opts) {
  RdbReader r(data);
  std::string_view magic = r.take(9);
  if (magic.substr(0, 5) != "REDIS") fail("Wrong signature trying to load DB from file");
  int ver = 0;
  for (char c : magic.substr(5)) {
    if (c < '0' || c > '9') fail("Wrong signature trying to load DB from file");
    ver = ver * 10 + (c - '0');
  }
  if (ver < 1 || ver > kRdbVersion) fail("Can't handle RDB format version " + std::to_string(ver));

  Db* db = &server.dbs[0];
  long long expire = -1, lru_idle = -1, lfu_freq = -1;
  bool sticky_next = false;  // an "osprey-sticky" AUX field came before this key
  long long now = mstime();
  bool master = cfg().replicaof_host.empty();
  size_t next_progress = 2u << 20;
  long long empty_skipped = 0;
  ValueReader values(r);
  std::string key_scratch;
  std::string_view key;
  while (true) {
    if (opts.progress && r.pos() >= next_progress) {
      opts.progress(r.pos(), data.size());
      next_progress = r.pos() + (2u << 20);
    }
    int type = r.byte();
    switch (type) {
      case kOpExpireTime:
        expire = static_cast<long long>(static_cast<int32_t>(r.le(4))) * 1000;
        continue;
      case kOpExpireTimeMs:
        expire = static_cast<long long>(r.le(8));
        continue;
      case kOpFreq:
        lfu_freq = r.byte();
        continue;
      case kOpIdle:
        lru_idle = static_cast<long long>(r.len());
        continue;
      case kOpSelectDb: {
        uint64_t id = r.len();
        if (id >= server.dbs.size())
          fail("Data file was created with a Redis server configured to handle more than " +
               std::to_string(server.dbs.size()) + " databases");
        db = &server.dbs[id];
        continue;
      }
      case kOpResizeDb:
        r.len();
        r.len();
        continue;
      case kOpAux: {
        std::string k = r.string(), v = r.string();
        if (k == "repl-stream-db") {
          if (opts.repl_out) opts.repl_out->repl_stream_db = atoi(v.c_str());
        } else if (k == "repl-id") {
          if (opts.repl_out && v.size() == 40) opts.repl_out->repl_id = v;
        } else if (k == "repl-offset") {
          if (opts.repl_out) opts.repl_out->repl_offset = strtoll(v.c_str(), nullptr, 10);
        } else if (k == kStickyAuxField) {
          sticky_next = true;
        } else if (k == "redis-ver") {
          serverLog(LogLevel::Notice, "Loading RDB produced by version {}", v);
        }
        continue;
      }
      case kOpModuleAux:
        fail("The RDB file contains AUX module data I can't load: no matching module");
      case kOpFunctionPreGa:
        fail("Pre-release function format not supported.");
      case kOpFunction2: {
        std::string code = r.string();
        std::string ferr;
        if (!functionsLoadLibraryCode(code, &ferr)) fail("Failed loading library, " + ferr);
        continue;
      }
      case kOpEof:
        break;
      default:
        if (!isObjectType(type)) fail("Unknown RDB object type " + std::to_string(type));
        key = r.stringView(key_scratch);  // a view into the image when stored plainly
        try {
          Object o = values.read(type);
          bool expired = master && expire != -1 && expire < now;
          if (expired && opts.on_expired) opts.on_expired(db->id, key);
          if (!expired) {
            // dbAdd leaves an existing key alone: the size tells a duplicate without a
            // second lookup.
            size_t before = db->keys.size();
            Object* stored = dbAdd(*db, key, std::move(o));
            if (db->keys.size() == before)
              fail("RDB has duplicated key '" + std::string(key) + "' in DB " + std::to_string(db->id));
            if (expire != -1) setExpire(*db, key, expire);
            applyIdleOrFreq(*stored, lru_idle, lfu_freq);
            stored->sticky = sticky_next;
          }
        } catch (const EmptyKey&) {
          if (empty_skipped++ < 10)
            serverLog(LogLevel::Warning, "rdbLoadObject skipping empty key: {}", key);
        }
        expire = lru_idle = lfu_freq = -1;
        sticky_next = false;
        continue;
    }
    break;  // EOF
  }
  if (ver >= 5) {
    uint64_t expected = cfg().rdbchecksum ? crc64(0, data.substr(0, r.pos())) : 0;
    uint64_t stored = r.le(8);
    if (cfg().rdbchecksum) {
      if (stored == 0) {
        serverLog(LogLevel::Warning, "RDB file was saved with checksum disabled: no check performed.");
      } else if (stored != expected) {
        char msg[128];
        snprintf(msg, sizeof(msg), "Wrong RDB checksum expected: (%llx) got: (%llx). Aborting now.",
                 static_cast<unsigned long long>(stored), static_cast<unsigned long long>(expected));
        fail(msg);
      }
    }
  }
  if (opts.progress) opts.progress(data.size(), data.size());
}

void discardPartialLoad() {
  emptyData(-1);
  functionsClearLibraries();
}

}  // namespace

// ==== Whole datasets (public) ==================================================

void rdbSaveToBuffer(std::string& out, const RdbReplInfo* repl) {
  out.clear();
  RdbWriter w(out);
  saveDataset(w, repl);
  uint64_t crc = cfg().rdbchecksum ? crc64(0, out) : 0;
  w.u64le(crc);
}

bool rdbSaveToFile(const std::string& path, std::string& err, const RdbReplInfo* repl) {
  std::string dir = ".";
  size_t slash = path.rfind('/');
  if (slash != std::string::npos) dir = slash == 0 ? "/" : path.substr(0, slash);
  std::string tmpname = "temp-" + std::to_string(getpid()) + ".rdb";
  std::string tmppath = slash == std::string::npos ? tmpname : dir + "/" + tmpname;

  int fd = ::open(tmppath.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    char cwd[4096];
    const char* root = getcwd(cwd, sizeof(cwd)) ? cwd : "unknown";
    err = "Failed opening the temp RDB file " + tmpname + " (in server root dir " + root +
          ") for saving: " + strerror(errno);
    return false;
  }
  std::string buf;
  buf.reserve(4u << 20);
  RdbWriter w(buf);
  w.fd = fd;
  saveDataset(w, repl);
  w.flush();
  uint64_t crc = cfg().rdbchecksum ? w.crc : 0;
  w.u64le(crc);
  w.flush();
  bool ok = !w.write_failed;
  int saved_errno = w.write_errno;
  if (ok && fsync(fd) != 0) {
    ok = false;
    saved_errno = errno;
  }
  if (::close(fd) != 0 && ok) {
    ok = false;
    saved_errno = errno;
  }
  if (!ok) {
    unlink(tmppath.c_str());
    err = std::string("Write error saving DB on disk: ") + strerror(saved_errno);
    return false;
  }
  if (rename(tmppath.c_str(), path.c_str()) != 0) {
    saved_errno = errno;
    char cwd[4096];
    const char* root = getcwd(cwd, sizeof(cwd)) ? cwd : "unknown";
    err = "Error moving temp DB file " + tmpname + " on the final destination " + path +
          " (in server root dir " + root + "): " + strerror(saved_errno);
    unlink(tmppath.c_str());
    return false;
  }
  return true;
}

RdbLoadStatus rdbLoadFile(const std::string& path, std::string& err, const RdbLoadOptions& opts) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return RdbLoadStatus::NotFound;
    err = std::string("Fatal error loading the DB: ") + strerror(errno) + ". Exiting.";
    return RdbLoadStatus::Failed;
  }
  struct stat st;
  if (fstat(fd, &st) != 0) {
    err = std::string("Fatal error loading the DB: ") + strerror(errno) + ". Exiting.";
    ::close(fd);
    return RdbLoadStatus::Failed;
  }
  size_t size = static_cast<size_t>(st.st_size);
  void* map = nullptr;
  std::string fallback;
  std::string_view data;
  if (size > 0) {
    map = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map == MAP_FAILED) {
      map = nullptr;
      fallback.resize(size);
      size_t got = 0;
      while (got < size) {
        ssize_t n = ::read(fd, fallback.data() + got, size - got);
        if (n <= 0) break;
        got += static_cast<size_t>(n);
      }
      fallback.resize(got);
      data = fallback;
    } else {
      madvise(map, size, MADV_SEQUENTIAL);
      data = std::string_view(static_cast<const char*>(map), size);
    }
  }
  ::close(fd);
  bool ok = rdbLoadFromBuffer(data, err, opts);
  if (map) munmap(map, size);
  return ok ? RdbLoadStatus::Ok : RdbLoadStatus::Failed;
}

bool rdbLoadFromBuffer(std::string_view data, std::string& err, const RdbLoadOptions& opts) {
  try {
    loadDataset(data, opts);
    return true;
  } catch (const RdbError& e) {
    err = e.msg;
  } catch (const EmptyKey&) {
    err = "Empty key";
  } catch (const std::bad_alloc&) {
    err = "Out of memory loading the RDB";
  } catch (const std::length_error&) {
    err = "Out of memory loading the RDB";
  }
  discardPartialLoad();
  return false;
}

// ==== DUMP PAYLOADS (public) =====================================================

namespace {
void appendFooter(std::string& out) {
  out.push_back(static_cast<char>(kRdbVersion & 0xFF));
  out.push_back(static_cast<char>((kRdbVersion >> 8) & 0xFF));
  uint64_t crc = crc64(0, out);
  for (int i = 0; i < 8; i++) out.push_back(static_cast<char>((crc >> (8 * i)) & 0xFF));
}
}  // namespace

std::string rdbDumpPayload(const Object& o) {
  std::string out;
  RdbWriter w(out);
  w.byte(ValueWriter::typeOf(o));
  ValueWriter(w).value(o);
  appendFooter(out);
  return out;
}

bool rdbVerifyDumpPayload(std::string_view payload) {
  if (payload.size() < 10) return false;
  const auto* footer = reinterpret_cast<const unsigned char*>(payload.data() + payload.size() - 10);
  unsigned ver = footer[0] | (footer[1] << 8);
  if (ver > static_cast<unsigned>(kRdbVersion)) return false;
  uint64_t crc = crc64(0, payload.substr(0, payload.size() - 8));
  return readLe(footer + 2, 8) == crc;
}

bool rdbLoadDumpPayload(std::string_view payload, Object& out) {
  if (payload.size() < 10) return false;
  try {
    // Like Redis, the value is read from the whole payload: the footer is not fenced off.
    RdbReader r(payload);
    int type = r.byte();
    if (!isObjectType(type)) return false;
    out = ValueReader(r).read(type);
    return true;
  } catch (const RdbError&) {
  } catch (const EmptyKey&) {
  } catch (const std::bad_alloc&) {
  } catch (const std::length_error&) {
  }
  return false;
}

// ==== FUNCTIONS (public) ==========================================================

std::string rdbFunctionsDumpPayload() {
  std::string out;
  RdbWriter w(out);
  for (const std::string& code : functionLibraryCodes()) {
    w.byte(kOpFunction2);
    w.string(code);
  }
  appendFooter(out);
  return out;
}

bool rdbParseFunctionsPayload(std::string_view payload, std::vector<std::string>* codes,
                              std::string* err) {
  try {
    RdbReader r(payload);
    while (r.remaining() > 10) {
      int type = r.byte();
      if (type == kOpFunctionPreGa) {
        *err = "Pre-release function format not supported.";
        return false;
      }
      if (type != kOpFunction2) {
        *err = "given type is not a function";
        return false;
      }
      codes->push_back(r.string());
    }
    return true;
  } catch (const RdbError&) {
    *err = "Failed loading library payload";
  } catch (const std::bad_alloc&) {
    *err = "Failed loading library payload";
  } catch (const std::length_error&) {
    *err = "Failed loading library payload";
  }
  return false;
}

}  // namespace osprey
