// tests/unit/test_util.cpp — unit tests for common/util (number parsing and
// formatting, glob matching, argument splitting, catRepr, SHA1, random hex, clocks) and
// common/log (line format, levels). Expected values were taken from a real Redis
// 7.0.15: INCRBY / INCRBYFLOAT / ZADD+ZSCORE / XADD ids / CONFIG SET maxmemory for the
// numbers, KEYS / CONFIG GET / PUBLISH for glob matching, inline commands for
// splitArgs, MONITOR for catRepr and redis.sha1hex for SHA1.
#include <doctest/doctest.h>
#include <unistd.h>

#include <chrono>
#include <climits>
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "common/log.h"
#include "common/util.h"

using namespace osprey;
using namespace std::string_literals;

namespace {

bool ll(std::string_view s, long long* v) { return string2ll(s, v); }

std::string human(std::string_view a, std::string_view b) {
  long double x = 0, y = 0;
  REQUIRE(string2ld(a, &x));
  REQUIRE(string2ld(b, &y));
  return ld2string_human(x + y);
}

std::vector<std::string> split(std::string_view line, bool* ok = nullptr) {
  std::vector<std::string> out;
  bool r = splitArgs(line, &out);
  if (ok) *ok = r;
  return out;
}

bool splitFails(std::string_view line) {
  std::vector<std::string> out;
  return !splitArgs(line, &out);
}

}  // namespace

// ---- Numbers ---------------------------------------------------------------

TEST_CASE("string2ll is strict like Redis (INCRBY arguments)") {
  long long v = 42;
  CHECK(ll("0", &v));
  CHECK(v == 0);
  CHECK(ll("-1", &v));
  CHECK(v == -1);
  CHECK(ll("99", &v));
  CHECK(v == 99);
  CHECK(ll("9223372036854775807", &v));
  CHECK(v == LLONG_MAX);
  CHECK(ll("-9223372036854775808", &v));
  CHECK(v == LLONG_MIN);

  for (const char* bad : {"", "-", "-0", "01", "00", " 1", "1 ", "+1", "1a", "9223372036854775808",
                          "-9223372036854775809", "18446744073709551616",
                          "99999999999999999999", "0x10", "1.0"}) {
    CAPTURE(bad);
    CHECK_FALSE(ll(bad, &v));
  }
  CHECK_FALSE(ll("1\0"s, &v));
}

TEST_CASE("string2l follows string2ll") {
  long v = 0;
  CHECK(string2l("-12345", &v));
  CHECK(v == -12345);
  CHECK_FALSE(string2l("012", &v));
}

TEST_CASE("string2ull falls back to strtoull as Redis does (XADD ids)") {
  unsigned long long v = 0;
  CHECK(string2ull("18446744073709551615", &v));
  CHECK(v == ULLONG_MAX);
  CHECK(string2ull("0", &v));
  CHECK(v == 0);
  // The strtoull fallback: sign, spaces and leading zeros are taken.
  CHECK(string2ull("+5", &v));
  CHECK(v == 5);
  CHECK(string2ull(" 6", &v));
  CHECK(v == 6);
  CHECK(string2ull("07", &v));
  CHECK(v == 7);
  CHECK(string2ull("\t4", &v));
  CHECK(v == 4);
  CHECK(string2ull(" -1", &v));  // XADD s "9- -1" gives 9-18446744073709551615
  CHECK(v == ULLONG_MAX);
  CHECK_FALSE(string2ull("-1", &v));
  CHECK_FALSE(string2ull("", &v));
  CHECK_FALSE(string2ull(" ", &v));
  CHECK_FALSE(string2ull("18446744073709551616", &v));
  CHECK_FALSE(string2ull("0x1", &v));
  CHECK_FALSE(string2ull("5 ", &v));
}

TEST_CASE("string2d accepts what ZADD accepts") {
  double d = 0;
  CHECK(string2d("1.5", &d));
  CHECK(d == 1.5);
  CHECK(string2d("0x10", &d));
  CHECK(d == 16);
  CHECK(string2d("inf", &d));
  CHECK(std::isinf(d));
  CHECK(string2d("+inf", &d));
  CHECK(d > 0);
  CHECK(string2d("-inf", &d));
  CHECK(d < 0);
  CHECK(string2d("infinity", &d));
  CHECK(string2d("4.9e-324", &d));  // subnormal: partial underflow is fine
  CHECK(d > 0);
  CHECK(string2d("-0.0", &d));
  CHECK(std::signbit(d));
  for (const char* bad : {"", " 1", "1 ", "nan", "1e400", "-1e400", "1e-400", "abc", "1.5x"}) {
    CAPTURE(bad);
    CHECK_FALSE(string2d(bad, &d));
  }
  CHECK_FALSE(string2d("1\0"s, &d));
}

TEST_CASE("string2ld accepts what INCRBYFLOAT accepts") {
  long double d = 0;
  CHECK(string2ld("+5", &d));
  CHECK(d == 5);
  CHECK(string2ld(".5", &d));
  CHECK(d == 0.5L);
  CHECK(string2ld("5.", &d));
  CHECK(d == 5);
  CHECK(string2ld("0x10", &d));
  CHECK(d == 16);
  CHECK(string2ld("inf", &d));  // parsed; INCRBYFLOAT then refuses the infinite sum
  CHECK(std::isinf(d));
  for (const char* bad : {"", " 1", "1 ", "nan", "1e5000", "-1e-5000", "x"}) {
    CAPTURE(bad);
    CHECK_FALSE(string2ld(bad, &d));
  }
  // Redis's buffer is 5120 bytes: 5119 characters parse, 5120 do not.
  CHECK(string2ld(std::string(5118, '0') + "1", &d));
  CHECK(d == 1);
  CHECK_FALSE(string2ld(std::string(5119, '0') + "1", &d));
}

TEST_CASE("ll2string and ull2string") {
  CHECK(ll2string(0) == "0");
  CHECK(ll2string(-17) == "-17");
  CHECK(ll2string(LLONG_MIN) == "-9223372036854775808");
  CHECK(ll2string(LLONG_MAX) == "9223372036854775807");
  CHECK(ull2string(ULLONG_MAX) == "18446744073709551615");
}

TEST_CASE("d2string matches ZSCORE replies") {
  CHECK(d2string(1.5) == "1.5");
  CHECK(d2string(3.0) == "3");
  CHECK(d2string(1e300) == "1.0000000000000001e+300");
  CHECK(d2string(-INFINITY) == "-inf");
  CHECK(d2string(INFINITY) == "inf");
  CHECK(d2string(NAN) == "nan");
  CHECK(d2string(0.1) == "0.10000000000000001");
  CHECK(d2string(0.0) == "0");
  CHECK(d2string(-0.0) == "-0");
  CHECK(d2string(1e17) == "1e+17");
  CHECK(d2string(1e16) == "10000000000000000");
  CHECK(d2string(4503599627370495.0) == "4503599627370495");
  CHECK(d2string(4503599627370496.0) == "4503599627370496");
  CHECK(d2string(-4503599627370495.0) == "-4503599627370495");
  CHECK(d2string(9007199254740993.0) == "9007199254740992");
  CHECK(d2string(1e-300) == "1e-300");
  CHECK(d2string(123456789.123) == "123456789.123");
  CHECK(d2string(2.5e-5) == "2.5000000000000001e-05");
  CHECK(d2string(4.9e-324) == "4.9406564584124654e-324");
}

TEST_CASE("ld2string_human matches INCRBYFLOAT results") {
  CHECK(human("10.5", "0.1") == "10.6");
  CHECK(human("3.0e3", "0") == "3000");
  CHECK(human("5.0e3", "2.0e2") == "5200");
  CHECK(human("0", "-0") == "0");
  CHECK(human("0.1", "0.2") == "0.3");
  CHECK(human("0.1", "-0.1") == "0");
  CHECK(human("-1.5", "0") == "-1.5");
  CHECK(human("1", "1e-17") == "1.00000000000000001");
  CHECK(human("3", "1.1e-17") == "3.00000000000000001");
  CHECK(human("1", "1e-20") == "1");
  CHECK(human("1", "0x10") == "17");
  CHECK(human("123456789012345678", "0") == "123456789012345678");
  CHECK(human("-0.0000001", "0") == "-0.0000001");
  CHECK(human("0", "1e-18") == "0");
  CHECK(human("0", "-1e-18") == "0");  // "-0.00000000000000000" trims to "-0", shown as "0"
  CHECK(human("0", "1.23e-17") == "0.00000000000000001");
  CHECK(human("1e300", "1") ==
        "100000000000000000000899732407955919387052394427329074793826008232126564659618093575584"
        "9152083750497190350372508614274835903592556184672983913096260520748646287327135641843"
        "6532940842551076060167897266529323700305513829476209945402947727818896206061792676116"
        "27097410650567187386105690089424915104006144");
  CHECK(ld2string_human(INFINITY) == "inf");
  CHECK(ld2string_human(-INFINITY) == "-inf");
}

TEST_CASE("ld2string_auto uses %.17Lg") {
  CHECK(ld2string_auto(3.0L) == "3");
  CHECK(ld2string_auto(0.1L) == "0.1");
  CHECK(ld2string_auto(1e300L) == "1e+300");
  CHECK(ld2string_auto(-INFINITY) == "-inf");
}

TEST_CASE("memtoull matches CONFIG SET maxmemory") {
  struct Case {
    const char* in;
    unsigned long long out;
  } ok[] = {{"1b", 1},
            {"1B", 1},
            {"5k", 5000},
            {"5K", 5000},
            {"5kb", 5120},
            {"5KB", 5120},
            {"5Kb", 5120},
            {"2m", 2000000},
            {"2mb", 2097152},
            {"3g", 3000000000ULL},
            {"3gb", 3221225472ULL},
            {"3GB", 3221225472ULL},
            {"100", 100},
            {"", 0},    // Redis quirk: no digits at all is 0
            {"kb", 0},  // likewise with a bare unit
            {"18446744073709551615", ULLONG_MAX},
            {"18446744073709551616", ULLONG_MAX},  // strtoull saturates
            {"17179869184gb", 0}};                 // 2^34 * 2^30 wraps to 0
  for (const auto& c : ok) {
    CAPTURE(c.in);
    unsigned long long v = 12345;
    CHECK(memtoull(c.in, &v));
    CHECK(v == c.out);
  }
  for (const char* bad :
       {"1t", "1tb", "+5", "-5", "-0", " 5", "5 ", "1.5mb", "0x10", "5 k", "5kbb"}) {
    CAPTURE(bad);
    unsigned long long v = 0;
    CHECK_FALSE(memtoull(bad, &v));
  }
  unsigned long long v = 0;
  CHECK(memtoull(std::string(126, '0') + "7", &v));  // 127 digits fit Redis's buffer
  CHECK(v == 7);
  CHECK_FALSE(memtoull(std::string(127, '0') + "8", &v));  // 128 do not
}

// ---- Strings ---------------------------------------------------------------

TEST_CASE("stringmatch basic globbing (KEYS)") {
  CHECK(stringmatch("h?llo", "hello"));
  CHECK(stringmatch("h*llo", "hllo"));
  CHECK(stringmatch("h*llo", "heeeello"));
  CHECK(stringmatch("h[ae]llo", "hallo"));
  CHECK_FALSE(stringmatch("h[ae]llo", "hillo"));
  CHECK(stringmatch("h[^e]llo", "hallo"));
  CHECK_FALSE(stringmatch("h[^e]llo", "hello"));
  CHECK(stringmatch("h[a-b]llo", "hbllo"));
  CHECK(stringmatch("a*", "a"));
  CHECK(stringmatch("a**", "a"));
  CHECK(stringmatch("*a", "a"));
  CHECK_FALSE(stringmatch("a*?", "a"));
  CHECK(stringmatch("?*?", "ab"));
  CHECK_FALSE(stringmatch("?*?", "a"));
  CHECK(stringmatch("", ""));
  CHECK_FALSE(stringmatch("a", ""));
}

TEST_CASE("stringmatch: the empty string only matches the empty pattern") {
  // KEYS "*" special-cases a bare star, but the matcher itself says no: KEYS "**"
  // skips the empty key and PSUBSCRIBE "*" does not receive PUBLISH to "".
  CHECK_FALSE(stringmatch("*", ""));
  CHECK_FALSE(stringmatch("**", ""));
  CHECK_FALSE(stringmatch("?", ""));
  CHECK_FALSE(stringmatch("*?", ""));
}

TEST_CASE("stringmatch classes and escapes") {
  CHECK(stringmatch("[z-a]", "m"));  // reversed ranges are swapped
  CHECK(stringmatch("[^a-c]", "d"));
  CHECK_FALSE(stringmatch("[^a-c]", "b"));
  CHECK(stringmatch("[a-]", "^"));  // "a-]" is the range ']'..'a'
  CHECK(stringmatch("[a-]", "]"));
  CHECK_FALSE(stringmatch("[a-]", "b"));
  CHECK(stringmatch("[-a]", "-"));
  CHECK_FALSE(stringmatch("[-a]", "b"));
  CHECK(stringmatch("[--0]", "/"));
  // Unterminated classes run to the end of the pattern.
  CHECK(stringmatch("[abc", "a"));
  CHECK(stringmatch("[abc", "b"));
  CHECK_FALSE(stringmatch("[abc", "["));
  CHECK(stringmatch("[a-z", "q"));
  CHECK(stringmatch("[a-", "a"));
  CHECK(stringmatch("[a-", "-"));
  CHECK_FALSE(stringmatch("[a-", "b"));
  CHECK_FALSE(stringmatch("ab[", "ab"));
  CHECK_FALSE(stringmatch("ab[", "abc"));
  CHECK_FALSE(stringmatch("[", "a"));
  // Empty classes.
  CHECK_FALSE(stringmatch("[]]", "]"));
  CHECK_FALSE(stringmatch("[]", "a"));
  CHECK_FALSE(stringmatch("[]a]", "a"));
  CHECK(stringmatch("[^]", "a"));
  CHECK_FALSE(stringmatch("[^]]", "a"));
  CHECK_FALSE(stringmatch("[^]]", "]"));
  // Escapes.
  CHECK(stringmatch("\\*", "*"));
  CHECK_FALSE(stringmatch("\\*", "a"));
  CHECK(stringmatch("\\", "\\"));  // a lone trailing backslash is literal
  CHECK(stringmatch("a\\", "a\\"));
  CHECK(stringmatch("[\\]]", "]"));
  CHECK(stringmatch("[\\", "\\"));
  CHECK_FALSE(stringmatch("[\\", "a"));
  CHECK(stringmatch("[a\\", "\\"));
}

TEST_CASE("stringmatch compares bytes as signed chars, as Redis does") {
  CHECK(stringmatch("[\xff]", "\xff"));
  CHECK(stringmatch("[\x80-\xff]", "\x90"));
  // 'a'..'\xff' is 97..-1, swapped to -1..97: it holds \x01 and \xff but not 'b'.
  CHECK_FALSE(stringmatch("[a-\xff]", "b"));
  CHECK_FALSE(stringmatch("[a-\xff]", "z"));
  CHECK(stringmatch("[a-\xff]", "\xff"));
  CHECK(stringmatch("[a-\xff]", "\x01"));
}

TEST_CASE("stringmatch nocase (CONFIG GET)") {
  CHECK(stringmatch("?AXMEMORY", "maxmemory", true));
  CHECK(stringmatch("MAXMEM*", "maxmemory-policy", true));
  CHECK(stringmatch("[M-M]AXMEMORY", "maxmemory", true));
  CHECK(stringmatch("[a-z]AXMEMORY", "maxmemory", true));
  CHECK(stringmatch("[A-Z]axmemory", "maxmemory", true));
  CHECK(stringmatch("?axmemor\\Y", "maxmemory", true));
  CHECK(stringmatch("[^N]axmemory", "maxmemory", true));
  CHECK_FALSE(stringmatch("[^M]axmemory", "maxmemory", true));
  CHECK(stringmatch("[^\\M]axmemory", "maxmemory", true));
  CHECK(stringmatch("[\\m]axmemory", "maxmemory", true));
  // An escaped class member is compared case-sensitively even with nocase.
  CHECK_FALSE(stringmatch("[\\M]axmemory", "maxmemory", true));
  // [a-Z] swaps to 'Z'..'a', then lowers to 'z'..'a': empty.
  CHECK_FALSE(stringmatch("[a-Z]axmemory", "maxmemory", true));
  CHECK_FALSE(stringmatch("[Z-a]axmemory", "maxmemory", true));
  CHECK_FALSE(stringmatch("?AXMEMORY", "maxmemory", false));
}

TEST_CASE("stringmatch is fast on pathological patterns") {
  auto start = std::chrono::steady_clock::now();
  CHECK_FALSE(stringmatch("a*a*a*a*a*a*a*b", std::string(10000, 'a')));
  CHECK_FALSE(stringmatch("*a*a*a*a*a*a*a*a*a*a*a*b", std::string(60, 'a')));
  std::string many;
  for (int i = 0; i < 500; i++) many += "*a";
  CHECK_FALSE(stringmatch(many + "b", std::string(5000, 'a')));
  CHECK(stringmatch(many + "*", std::string(5000, 'a')));
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::steady_clock::now() - start)
                .count();
  CHECK(ms < 2000);
}

TEST_CASE("stringmatch gives up past 1000 nested stars, as Redis 7.0.15 does") {
  auto repeat = [](const char* unit, int n) {
    std::string s;
    for (int i = 0; i < n; i++) s += unit;
    return s;
  };
  std::string a1000(1000, 'a'), a1001(1001, 'a'), a1002(1002, 'a');
  CHECK(stringmatch(repeat("*a", 1000), a1000));
  CHECK_FALSE(stringmatch(repeat("*a", 1001), a1001));
  CHECK(stringmatch(repeat("*a", 1000) + "*", a1000));
  CHECK_FALSE(stringmatch(repeat("*a", 1001) + "*", a1001));
  CHECK(stringmatch(repeat("a*", 1001), a1001));  // the last star is trailing
  CHECK_FALSE(stringmatch(repeat("a*", 1002), a1002));
}

TEST_CASE("splitArgs matches inline command parsing") {
  CHECK(split("set foo bar") == std::vector<std::string>{"set", "foo", "bar"});
  CHECK(split("  a   b  ") == std::vector<std::string>{"a", "b"});
  CHECK(split("").empty());
  CHECK(split("   ").empty());
  CHECK(split("\"a\\x41\\n\"") == std::vector<std::string>{"aA\n"});
  CHECK(split("'it\\'s'") == std::vector<std::string>{"it's"});
  CHECK(split("a\"b c\"") == std::vector<std::string>{"ab c"});
  CHECK(split("\"\\x4g\"") == std::vector<std::string>{"x4g"});
  CHECK(split("\"\\x\"") == std::vector<std::string>{"x"});
  CHECK(split("'\\n'") == std::vector<std::string>{"\\n"});
  CHECK(split("a\vb") == std::vector<std::string>{"a\vb"});
  CHECK(split("\"\\q\"") == std::vector<std::string>{"q"});
  CHECK(split("\"\"") == std::vector<std::string>{""});
  CHECK(split("''") == std::vector<std::string>{""});
  CHECK(split("\"a\"\vb") == std::vector<std::string>{"a", "b"});
  CHECK(split("\"\\x41\\x4A\\xfF\"") == std::vector<std::string>{"AJ\xff"});
  CHECK(split("'a\\\\b'") == std::vector<std::string>{"a\\\\b"});
  CHECK(split("\"a\\\\\"") == std::vector<std::string>{"a\\"});
  CHECK(split("a\tb\fc") == std::vector<std::string>{"a", "b\fc"});
  CHECK(split("\"a\\bc\\a\"") == std::vector<std::string>{"a\bc\a"});
  CHECK(split("a\v\"b\"") == std::vector<std::string>{"a\vb"});
  CHECK(split("\v a") == std::vector<std::string>{"a"});
  CHECK(split("\"a\\'b\"") == std::vector<std::string>{"a'b"});
  CHECK(split("'a\\\"b'") == std::vector<std::string>{"a\\\"b"});
  CHECK(split("'a'\v") == std::vector<std::string>{"a"});
  CHECK(split("a\r\nb") == std::vector<std::string>{"a", "b"});
  CHECK(split("ab\0cd"s) == std::vector<std::string>{"ab"});  // C string semantics

  CHECK(splitFails("\"abc\"def"));
  CHECK(splitFails("\"abc"));
  CHECK(splitFails("\"\\\""));
  CHECK(splitFails("'abc'x"));
  CHECK(splitFails("x\"y\"z"));
  CHECK(splitFails("\"\\x41\"x"));
  CHECK(splitFails("'\\'"));
  CHECK(splitFails("'abc"));
  bool ok = true;
  auto out = split("a \"b", &ok);
  CHECK_FALSE(ok);
  CHECK(out.empty());
}

TEST_CASE("catRepr matches MONITOR output") {
  std::string all;
  for (int i = 0; i < 256; i++) all.push_back(static_cast<char>(i));
  CHECK(catRepr(all) ==
        "\"\\x00\\x01\\x02\\x03\\x04\\x05\\x06\\a\\b\\t\\n\\x0b\\x0c\\r\\x0e\\x0f\\x10\\x11"
        "\\x12\\x13\\x14\\x15\\x16\\x17\\x18\\x19\\x1a\\x1b\\x1c\\x1d\\x1e\\x1f "
        "!\\\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\\\]^_`"
        "abcdefghijklmnopqrstuvwxyz{|}~\\x7f\\x80\\x81\\x82\\x83\\x84\\x85\\x86\\x87\\x88"
        "\\x89\\x8a\\x8b\\x8c\\x8d\\x8e\\x8f\\x90\\x91\\x92\\x93\\x94\\x95\\x96\\x97\\x98"
        "\\x99\\x9a\\x9b\\x9c\\x9d\\x9e\\x9f\\xa0\\xa1\\xa2\\xa3\\xa4\\xa5\\xa6\\xa7\\xa8"
        "\\xa9\\xaa\\xab\\xac\\xad\\xae\\xaf\\xb0\\xb1\\xb2\\xb3\\xb4\\xb5\\xb6\\xb7\\xb8"
        "\\xb9\\xba\\xbb\\xbc\\xbd\\xbe\\xbf\\xc0\\xc1\\xc2\\xc3\\xc4\\xc5\\xc6\\xc7\\xc8"
        "\\xc9\\xca\\xcb\\xcc\\xcd\\xce\\xcf\\xd0\\xd1\\xd2\\xd3\\xd4\\xd5\\xd6\\xd7\\xd8"
        "\\xd9\\xda\\xdb\\xdc\\xdd\\xde\\xdf\\xe0\\xe1\\xe2\\xe3\\xe4\\xe5\\xe6\\xe7\\xe8"
        "\\xe9\\xea\\xeb\\xec\\xed\\xee\\xef\\xf0\\xf1\\xf2\\xf3\\xf4\\xf5\\xf6\\xf7\\xf8"
        "\\xf9\\xfa\\xfb\\xfc\\xfd\\xfe\\xff\"");
  CHECK(catRepr("a\"b\\c\n\r\t\a\b ~\x7f") == "\"a\\\"b\\\\c\\n\\r\\t\\a\\b ~\\x7f\"");
  CHECK(catRepr("") == "\"\"");
}

TEST_CASE("toLower and equalsIgnoreCase are ASCII-only") {
  CHECK(toLower("SeT\xC3\x89") == "set\xC3\x89");
  CHECK(equalsIgnoreCase("GET", "get"));
  CHECK(equalsIgnoreCase("", ""));
  CHECK_FALSE(equalsIgnoreCase("get", "gets"));
  CHECK_FALSE(equalsIgnoreCase("\xC3\x89", "\xC3\xA9"));
}

// ---- Hashing and ids -------------------------------------------------------

TEST_CASE("sha1hex matches redis.sha1hex") {
  CHECK(sha1hex("") == "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  CHECK(sha1hex("abc") == "a9993e364706816aba3e25717850c26c9cd0d89d");
  CHECK(sha1hex(std::string(1000, 'a')) == "291e9a6c66994949b57ba5e650361e98fc36b1ba");
  // Padding edges: 55, 56 and 64 bytes.
  CHECK(sha1hex(std::string(55, 'x')) == "cef734ba81a024479e09eb5a75b6ddae62e6abf1");
  CHECK(sha1hex(std::string(56, 'x')) == "901305367c259952f4e7af8323f480d59f81335b");
  CHECK(sha1hex(std::string(64, 'x')) == "bb2fa3ee7afb9f54c6dfb5d021f14b1ffe40c163");
  unsigned char raw[20];
  sha1raw("abc", raw);
  CHECK(raw[0] == 0xa9);
  CHECK(raw[19] == 0x9d);
}

TEST_CASE("randomHex gives lower-case hex of the requested length") {
  for (size_t len : {0, 1, 7, 40, 41}) {
    std::string s = randomHex(len);
    CHECK(s.size() == len);
    CHECK(s.find_first_not_of("0123456789abcdef") == std::string::npos);
  }
  CHECK(randomHex(40) != randomHex(40));
}

// ---- Clocks ----------------------------------------------------------------

TEST_CASE("clocks") {
  long long us = ustime(), ms = mstime();
  CHECK(us > 1600000000000000LL);
  CHECK(ms / 1000 - us / 1000000 <= 1);
  long long m1 = monotonicUs();
  long long m2 = monotonicUs();
  CHECK(m2 >= m1);
}

// ---- Log -------------------------------------------------------------------

TEST_CASE("log lines use Redis's format and honour the level") {
  char path[] = "/tmp/osprey-test-log-XXXXXX";
  int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  close(fd);
  logSetFile(path);
  logSetRole('M');
  logSetLevel(LogLevel::Notice);
  logRaw(LogLevel::Notice, "Ready to accept connections");
  logRaw(LogLevel::Verbose, "filtered out");
  serverLog(LogLevel::Warning, "answer {} {}", 42, "x");
  CHECK(logSetLevelByName("DEBUG"));
  CHECK(logLevel() == LogLevel::Debug);
  logSetRole('S');
  serverLog(LogLevel::Debug, "{}", std::string(2000, 'z'));  // cut to 1023 bytes
  logRaw(LogLevel::Verbose, "verbose");
  CHECK_FALSE(logSetLevelByName("nothing"));
  CHECK(logSetLevelByName("notice"));
  logSetFile("");  // back to stdout, closing the file

  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  unlink(path);
  REQUIRE(lines.size() == 4);
  // Each line: <pid>:<role> <dd> <Mon> <yyyy> <hh>:<mm>:<ss>.<mmm> <c> <msg>
  struct Parsed {
    char role = 0, level = 0;
    std::string msg;
  };
  auto parse = [](const std::string& line, Parsed* out) {
    std::string pid = std::to_string(getpid()) + ":";
    if (line.compare(0, pid.size(), pid) != 0) return false;
    std::string rest = line.substr(pid.size());
    // "M 22 Nov 2026 04:49:38.123 * " is 29 characters.
    if (rest.size() < 29) return false;
    static const std::string kMonths = "JanFebMarAprMayJunJulAugSepOctNovDec";
    auto digits = [&](size_t at, size_t n) {
      for (size_t i = at; i < at + n; i++)
        if (rest[i] < '0' || rest[i] > '9') return false;
      return true;
    };
    size_t month = kMonths.find(rest.substr(5, 3));
    bool ok = rest[1] == ' ' && digits(2, 2) && rest[4] == ' ' &&
              month != std::string::npos && month % 3 == 0 && rest[8] == ' ' && digits(9, 4) &&
              rest[13] == ' ' && digits(14, 2) && rest[16] == ':' && digits(17, 2) &&
              rest[19] == ':' && digits(20, 2) && rest[22] == '.' && digits(23, 3) &&
              rest[26] == ' ' && rest[28] == ' ';
    if (!ok) return false;
    out->role = rest[0];
    out->level = rest[27];
    out->msg = rest.substr(29);
    return true;
  };
  Parsed p;
  REQUIRE(parse(lines[0], &p));
  CHECK(p.role == 'M');
  CHECK(p.level == '*');
  CHECK(p.msg == "Ready to accept connections");
  REQUIRE(parse(lines[1], &p));
  CHECK(p.level == '#');
  CHECK(p.msg == "answer 42 x");
  REQUIRE(parse(lines[2], &p));
  CHECK(p.role == 'S');
  CHECK(p.level == '.');
  CHECK(p.msg == std::string(1023, 'z'));
  REQUIRE(parse(lines[3], &p));
  CHECK(p.level == '-');
  CHECK(p.msg == "verbose");
  logSetRole('M');
}
