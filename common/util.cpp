// common/util.cpp — implementation of common/util.h: strict number parsing and
// formatting, glob matching, argument splitting, string representation, SHA1, random
// hex ids and clocks, each reproducing the observable behaviour of Redis 7.0.15
// (including its quirks, which clients and the upstream test suite can see).
#include "common/util.h"

#include <cerrno>
#include <charconv>
#include <chrono>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <random>
#include <unistd.h>

namespace osprey {

namespace {

// Redis keeps long double text in buffers of this size (MAX_LONG_DOUBLE_CHARS): inputs
// of this length or more are refused and longer outputs come out empty.
constexpr size_t kMaxLongDoubleChars = 5 * 1024;

// Redis's memtoull copies the digits into a 128-byte buffer and refuses longer runs.
constexpr size_t kMemDigitsMax = 128;

// Redis's glob matcher gives up (no match) past this many nested '*' recursions.
constexpr int kGlobMaxStarNesting = 1000;

// C-locale character classes, spelled out so the results never depend on the locale
// or on the signedness of char.
inline bool cIsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}
inline bool cIsDigit(char c) { return c >= '0' && c <= '9'; }
inline bool cIsHexDigit(char c) {
  return cIsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
inline int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}
inline bool cIsPrint(unsigned char c) { return c >= 0x20 && c <= 0x7e; }
inline int cToLower(int c) { return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c; }

// Several Redis helpers receive C strings, so an embedded NUL ends the input for them.
std::string_view untilNul(std::string_view s) {
  size_t nul = s.find('\0');
  return nul == std::string_view::npos ? s : s.substr(0, nul);
}

// strtod/strtold need a NUL-terminated buffer; short inputs avoid the heap.
class CString {
 public:
  explicit CString(std::string_view s) {
    if (s.size() < sizeof(small_)) {
      std::memcpy(small_, s.data(), s.size());
      small_[s.size()] = '\0';
      ptr_ = small_;
    } else {
      big_.assign(s);
      ptr_ = big_.c_str();
    }
  }
  const char* get() const { return ptr_; }

 private:
  char small_[128];
  std::string big_;
  const char* ptr_;
};

}  // namespace

// ---- Numbers ---------------------------------------------------------------

bool string2ll(std::string_view s, long long* out) {
  if (s.empty()) return false;
  if (s.size() == 1 && s[0] == '0') {
    *out = 0;
    return true;
  }
  size_t i = 0;
  bool negative = false;
  if (s[0] == '-') {
    negative = true;
    if (++i == s.size()) return false;
  }
  // No leading zeros: the first digit must be 1-9 (so "-0" and "01" are refused).
  if (s[i] < '1' || s[i] > '9') return false;
  unsigned long long v = static_cast<unsigned long long>(s[i++] - '0');
  for (; i < s.size(); i++) {
    if (!cIsDigit(s[i])) return false;
    unsigned digit = static_cast<unsigned>(s[i] - '0');
    if (v > (ULLONG_MAX - digit) / 10) return false;
    v = v * 10 + digit;
  }
  if (negative) {
    // |LLONG_MIN| is one more than LLONG_MAX.
    if (v > static_cast<unsigned long long>(LLONG_MAX) + 1) return false;
    *out = static_cast<long long>(0ULL - v);
  } else {
    if (v > static_cast<unsigned long long>(LLONG_MAX)) return false;
    *out = static_cast<long long>(v);
  }
  return true;
}

// Redis tries the strict parser first and then falls back to strtoull, so stream IDs
// such as "+5-0" or " 6-0" are accepted (and " -1" wraps to ULLONG_MAX); we keep that.
bool string2ull(std::string_view s, unsigned long long* out) {
  s = untilNul(s);
  long long ll;
  if (string2ll(s, &ll)) {
    if (ll < 0) return false;
    *out = static_cast<unsigned long long>(ll);
    return true;
  }
  if (s.empty()) return false;
  CString buf(s);
  char* end = nullptr;
  errno = 0;
  unsigned long long v = std::strtoull(buf.get(), &end, 10);
  if (errno == EINVAL || errno == ERANGE || *end != '\0') return false;
  *out = v;
  return true;
}

bool string2d(std::string_view s, double* out) {
  if (s.empty() || cIsSpace(s[0])) return false;
  CString buf(s);
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(buf.get(), &end);
  if (static_cast<size_t>(end - buf.get()) != s.size()) return false;
  // Overflow and total underflow are errors; partial underflow (subnormals) is fine.
  if (errno == ERANGE && (v == HUGE_VAL || v == -HUGE_VAL || v == 0)) return false;
  if (std::isnan(v)) return false;
  *out = v;
  return true;
}

bool string2ld(std::string_view s, long double* out) {
  if (s.empty() || s.size() >= kMaxLongDoubleChars) return false;
  if (cIsSpace(s[0])) return false;
  CString buf(s);
  char* end = nullptr;
  errno = 0;
  long double v = std::strtold(buf.get(), &end);
  if (static_cast<size_t>(end - buf.get()) != s.size()) return false;
  if (errno == ERANGE && (v == HUGE_VALL || v == -HUGE_VALL || v == 0)) return false;
  if (std::isnan(v)) return false;
  *out = v;
  return true;
}

std::string ll2string(long long v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, r.ptr);
}

std::string ull2string(unsigned long long v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, r.ptr);
}

std::string d2string(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  if (v == 0) return std::signbit(v) ? "-0" : "0";
  // Integers well inside the 52-bit mantissa print through the integer path; "%.17g"
  // would give the same digits, this is only faster.
  constexpr double kMin = -4503599627370495.0;  // -(2^52 - 1)
  constexpr double kMax = 4503599627370496.0;   // 2^52
  if (v > kMin && v < kMax && v == static_cast<double>(static_cast<long long>(v)))
    return ll2string(static_cast<long long>(v));
  char buf[64];
  int n = std::snprintf(buf, sizeof(buf), "%.17g", v);
  return std::string(buf, static_cast<size_t>(n));
}

namespace {

// snprintf of one long double into Redis's MAX_LONG_DOUBLE_CHARS buffer: a result that
// does not fit comes out empty, as Redis's ld2string reports "no room".
std::string formatLongDouble(const char* fmt, long double v) {
  char small[128];
  int n = std::snprintf(small, sizeof(small), fmt, v);
  if (n < 0 || static_cast<size_t>(n) + 1 > kMaxLongDoubleChars) return std::string();
  if (static_cast<size_t>(n) < sizeof(small)) return std::string(small, static_cast<size_t>(n));
  std::string big(static_cast<size_t>(n) + 1, '\0');
  std::snprintf(big.data(), big.size(), fmt, v);
  big.resize(static_cast<size_t>(n));
  return big;
}

}  // namespace

std::string ld2string_human(long double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  // 17 fractional digits, then the zeros (and a bare '.') trimmed: with x87 long
  // doubles this makes most short decimals read back exactly as typed ("10.6").
  std::string s = formatLongDouble("%.17Lf", v);
  if (s.find('.') != std::string::npos) {
    size_t len = s.size();
    while (len > 0 && s[len - 1] == '0') len--;
    if (len > 0 && s[len - 1] == '.') len--;
    s.resize(len);
  }
  if (s == "-0") s = "0";
  return s;
}

std::string ld2string_auto(long double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return formatLongDouble("%.17Lg", v);
}

// Redis's memtoull: digits then an optional unit among b, k, kb, m, mb, g, gb (any case;
// k/m/g are powers of 1000, kb/mb/gb of 1024). Its quirks are kept: "" and a bare unit
// mean 0, digits past ULLONG_MAX saturate, and the multiplication wraps.
bool memtoull(std::string_view s, unsigned long long* out) {
  s = untilNul(s);
  if (!s.empty() && s[0] == '-') return false;
  size_t digits = 0;
  while (digits < s.size() && cIsDigit(s[digits])) digits++;
  std::string_view unit = s.substr(digits);
  unsigned long long mul;
  if (unit.empty() || equalsIgnoreCase(unit, "b")) {
    mul = 1;
  } else if (equalsIgnoreCase(unit, "k")) {
    mul = 1000ULL;
  } else if (equalsIgnoreCase(unit, "kb")) {
    mul = 1024ULL;
  } else if (equalsIgnoreCase(unit, "m")) {
    mul = 1000ULL * 1000;
  } else if (equalsIgnoreCase(unit, "mb")) {
    mul = 1024ULL * 1024;
  } else if (equalsIgnoreCase(unit, "g")) {
    mul = 1000ULL * 1000 * 1000;
  } else if (equalsIgnoreCase(unit, "gb")) {
    mul = 1024ULL * 1024 * 1024;
  } else {
    return false;
  }
  if (digits >= kMemDigitsMax) return false;
  unsigned long long v = 0;
  for (size_t i = 0; i < digits; i++) {
    unsigned digit = static_cast<unsigned>(s[i] - '0');
    if (v > (ULLONG_MAX - digit) / 10) {
      v = ULLONG_MAX;  // strtoull saturates on overflow
      break;
    }
    v = v * 10 + digit;
  }
  *out = v * mul;
  return true;
}

// ---- Strings ---------------------------------------------------------------

namespace {

// Matches one non-'*' pattern element starting at p[*pi] against the byte c and moves
// *pi past the element. Element boundaries never depend on c. Redis compares plain
// chars, which are signed, so byte ranges such as [a-\xff] behave as they do there.
bool globMatchElement(std::string_view p, size_t* pi, char c, bool nocase) {
  size_t i = *pi;
  const size_t n = p.size();
  if (p[i] == '?') {
    *pi = i + 1;
    return true;
  }
  if (p[i] == '[') {
    i++;
    bool negate = i < n && p[i] == '^';
    if (negate) i++;
    bool match = false;
    for (;;) {
      if (i < n && p[i] == '\\' && n - i >= 2) {
        i++;
        if (p[i] == c) match = true;  // escaped class members ignore nocase
      } else if (i < n && p[i] == ']') {
        break;
      } else if (i >= n) {
        // Unterminated class: everything up to the end of the pattern belongs to it.
        i--;
        break;
      } else if (n - i >= 3 && p[i + 1] == '-') {
        int start = static_cast<signed char>(p[i]);
        int end = static_cast<signed char>(p[i + 2]);
        int ch = static_cast<signed char>(c);
        if (start > end) std::swap(start, end);
        if (nocase) {
          start = cToLower(start);
          end = cToLower(end);
          ch = cToLower(ch);
        }
        i += 2;
        if (ch >= start && ch <= end) match = true;
      } else if (nocase ? cToLower(static_cast<signed char>(p[i])) ==
                              cToLower(static_cast<signed char>(c))
                        : p[i] == c) {
        match = true;
      }
      i++;
    }
    *pi = i + 1;
    return negate ? !match : match;
  }
  if (p[i] == '\\' && n - i >= 2) i++;  // a lone trailing backslash is a literal
  *pi = i + 1;
  if (nocase)
    return cToLower(static_cast<signed char>(p[i])) == cToLower(static_cast<signed char>(c));
  return p[i] == c;
}

// Redis stops recursing after 1000 nested '*' and reports no match; since every match
// must pass through each '*' group that is not at the very end, that is the same as
// refusing patterns with more than 1000 such groups.
bool globTooManyStars(std::string_view p) {
  int groups = 0;
  bool lastWasStar = false;
  size_t i = 0;
  while (i < p.size()) {
    if (p[i] == '*') {
      if (!lastWasStar) groups++;
      lastWasStar = true;
      i++;
      continue;
    }
    lastWasStar = false;
    globMatchElement(p, &i, '\0', false);  // only to step over the element
  }
  if (lastWasStar) groups--;  // a trailing '*' matches the rest without recursing
  return groups > kGlobMaxStarNesting;
}

}  // namespace

// Same results as Redis's recursive stringmatchlen (with its skip-longer-matches cut),
// computed with the classic single-backtrack-point loop: each element other than '*'
// consumes exactly one byte, so only the most recent '*' ever needs to grow. This is
// O(len(pattern) * len(string)) and uses no recursion, whatever the pattern.
bool stringmatch(std::string_view pattern, std::string_view str, bool nocase) {
  // Redis's loop runs only while both sides are non-empty, so an empty string matches
  // only the empty pattern (callers such as KEYS special-case a bare "*" themselves).
  if (str.empty()) return pattern.empty();
  if (globTooManyStars(pattern)) return false;
  const size_t n = pattern.size();
  size_t pi = 0, si = 0;
  size_t starPi = std::string_view::npos;  // pattern index just after the last '*' group
  size_t starSi = 0;                       // where that '*' started consuming
  while (si < str.size()) {
    if (pi < n && pattern[pi] == '*') {
      while (pi < n && pattern[pi] == '*') pi++;
      if (pi == n) return true;
      starPi = pi;
      starSi = si;
      continue;
    }
    if (pi < n && globMatchElement(pattern, &pi, str[si], nocase)) {
      si++;
      continue;
    }
    if (starPi == std::string_view::npos) return false;
    pi = starPi;
    si = ++starSi;
  }
  while (pi < n && pattern[pi] == '*') pi++;
  return pi == n;
}

bool splitArgs(std::string_view line, std::vector<std::string>* out) {
  // Redis parses a C string: an embedded NUL ends the line.
  line = untilNul(line);
  out->clear();
  const size_t n = line.size();
  auto at = [&](size_t i) -> char { return i < n ? line[i] : '\0'; };
  size_t i = 0;
  for (;;) {
    while (i < n && cIsSpace(line[i])) i++;
    if (i >= n) return true;
    std::string current;
    bool inDouble = false, inSingle = false, done = false;
    while (!done) {
      char c = at(i);
      if (inDouble) {
        if (c == '\\' && at(i + 1) == 'x' && cIsHexDigit(at(i + 2)) && cIsHexDigit(at(i + 3))) {
          current.push_back(static_cast<char>(hexValue(at(i + 2)) * 16 + hexValue(at(i + 3))));
          i += 3;
        } else if (c == '\\' && at(i + 1) != '\0') {
          i++;
          switch (line[i]) {
            case 'n': current.push_back('\n'); break;
            case 'r': current.push_back('\r'); break;
            case 't': current.push_back('\t'); break;
            case 'b': current.push_back('\b'); break;
            case 'a': current.push_back('\a'); break;
            default: current.push_back(line[i]); break;
          }
        } else if (c == '"') {
          // A closing quote must be followed by a space or the end of the line.
          if (at(i + 1) != '\0' && !cIsSpace(at(i + 1))) goto unbalanced;
          done = true;
        } else if (c == '\0') {
          goto unbalanced;
        } else {
          current.push_back(c);
        }
      } else if (inSingle) {
        if (c == '\\' && at(i + 1) == '\'') {
          i++;
          current.push_back('\'');
        } else if (c == '\'') {
          if (at(i + 1) != '\0' && !cIsSpace(at(i + 1))) goto unbalanced;
          done = true;
        } else if (c == '\0') {
          goto unbalanced;
        } else {
          current.push_back(c);
        }
      } else {
        switch (c) {
          // Only these end an unquoted token (\v and \f do not, unlike between tokens).
          case ' ':
          case '\n':
          case '\r':
          case '\t':
          case '\0': done = true; break;
          case '"': inDouble = true; break;
          case '\'': inSingle = true; break;
          default: current.push_back(c); break;
        }
      }
      if (i < n) i++;
    }
    out->push_back(std::move(current));
  }
unbalanced:
  out->clear();
  return false;
}

std::string catRepr(std::string_view s) {
  std::string r;
  r.reserve(s.size() + 2);
  r.push_back('"');
  for (char c : s) {
    switch (c) {
      case '\\': r += "\\\\"; break;
      case '"': r += "\\\""; break;
      case '\n': r += "\\n"; break;
      case '\r': r += "\\r"; break;
      case '\t': r += "\\t"; break;
      case '\a': r += "\\a"; break;
      case '\b': r += "\\b"; break;
      default:
        if (cIsPrint(static_cast<unsigned char>(c))) {
          r.push_back(c);
        } else {
          static const char kHex[] = "0123456789abcdef";
          unsigned char u = static_cast<unsigned char>(c);
          r += "\\x";
          r.push_back(kHex[u >> 4]);
          r.push_back(kHex[u & 15]);
        }
    }
  }
  r.push_back('"');
  return r;
}

std::string toLower(std::string_view s) {
  std::string r(s);
  for (char& c : r) c = static_cast<char>(cToLower(c));
  return r;
}

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); i++)
    if (cToLower(a[i]) != cToLower(b[i])) return false;
  return true;
}

// ---- Hashing and ids -------------------------------------------------------

namespace {

// SHA-1 as specified in FIPS 180-4: 512-bit blocks, 80 rounds, big-endian words.
class Sha1 {
 public:
  void update(const unsigned char* data, size_t len) {
    total_ += len;
    while (len > 0) {
      size_t take = std::min(len, sizeof(block_) - used_);
      std::memcpy(block_ + used_, data, take);
      used_ += take;
      data += take;
      len -= take;
      if (used_ == sizeof(block_)) {
        compress(block_);
        used_ = 0;
      }
    }
  }

  void finish(unsigned char out[20]) {
    uint64_t bits = total_ * 8;
    unsigned char pad[72] = {0x80};
    // Pad to 56 bytes mod 64, then append the message length in bits.
    size_t padLen = (used_ < 56) ? 56 - used_ : 120 - used_;
    for (int i = 0; i < 8; i++) pad[padLen + i] = static_cast<unsigned char>(bits >> (56 - 8 * i));
    update(pad, padLen + 8);
    for (int i = 0; i < 5; i++) {
      out[4 * i] = static_cast<unsigned char>(h_[i] >> 24);
      out[4 * i + 1] = static_cast<unsigned char>(h_[i] >> 16);
      out[4 * i + 2] = static_cast<unsigned char>(h_[i] >> 8);
      out[4 * i + 3] = static_cast<unsigned char>(h_[i]);
    }
  }

 private:
  static uint32_t rotl(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }

  void compress(const unsigned char* p) {
    uint32_t w[80];
    for (int t = 0; t < 16; t++)
      w[t] = (uint32_t{p[4 * t]} << 24) | (uint32_t{p[4 * t + 1]} << 16) |
             (uint32_t{p[4 * t + 2]} << 8) | uint32_t{p[4 * t + 3]};
    for (int t = 16; t < 80; t++) w[t] = rotl(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);
    uint32_t a = h_[0], b = h_[1], c = h_[2], d = h_[3], e = h_[4];
    for (int t = 0; t < 80; t++) {
      uint32_t f, k;
      if (t < 20) {
        f = (b & c) | (~b & d);
        k = 0x5A827999;
      } else if (t < 40) {
        f = b ^ c ^ d;
        k = 0x6ED9EBA1;
      } else if (t < 60) {
        f = (b & c) | (b & d) | (c & d);
        k = 0x8F1BBCDC;
      } else {
        f = b ^ c ^ d;
        k = 0xCA62C1D6;
      }
      uint32_t tmp = rotl(a, 5) + f + e + k + w[t];
      e = d;
      d = c;
      c = rotl(b, 30);
      b = a;
      a = tmp;
    }
    h_[0] += a;
    h_[1] += b;
    h_[2] += c;
    h_[3] += d;
    h_[4] += e;
  }

  uint32_t h_[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
  unsigned char block_[64];
  size_t used_ = 0;
  uint64_t total_ = 0;
};

}  // namespace

void sha1raw(std::string_view data, unsigned char out[20]) {
  Sha1 sha;
  sha.update(reinterpret_cast<const unsigned char*>(data.data()), data.size());
  sha.finish(out);
}

std::string sha1hex(std::string_view data) {
  static const char kHex[] = "0123456789abcdef";
  unsigned char digest[20];
  sha1raw(data, digest);
  std::string r(40, '0');
  for (int i = 0; i < 20; i++) {
    r[2 * i] = kHex[digest[i] >> 4];
    r[2 * i + 1] = kHex[digest[i] & 15];
  }
  return r;
}

std::string randomHex(size_t len) {
  static const char kHex[] = "0123456789abcdef";
  std::string bytes((len + 1) / 2, '\0');
  size_t got = 0;
  int fd = ::open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    while (got < bytes.size()) {
      ssize_t r = ::read(fd, bytes.data() + got, bytes.size() - got);
      if (r <= 0) {
        if (r < 0 && errno == EINTR) continue;
        break;
      }
      got += static_cast<size_t>(r);
    }
    ::close(fd);
  }
  if (got < bytes.size()) {
    // No /dev/urandom: fall back to a generator seeded from the OS and the clock.
    std::mt19937_64 gen(std::random_device{}() ^ static_cast<uint64_t>(ustime()) ^
                        static_cast<uint64_t>(::getpid()));
    for (; got < bytes.size(); got++) bytes[got] = static_cast<char>(gen() & 0xff);
  }
  std::string r(len, '0');
  for (size_t i = 0; i < len; i++) {
    unsigned char b = static_cast<unsigned char>(bytes[i / 2]);
    r[i] = kHex[(i % 2 == 0) ? (b >> 4) : (b & 15)];
  }
  return r;
}

// ---- Clocks ----------------------------------------------------------------

long long ustime() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

long long mstime() { return ustime() / 1000; }

long long monotonicUs() {
  using namespace std::chrono;
  return duration_cast<microseconds>(steady_clock::now().time_since_epoch()).count();
}

}  // namespace osprey
