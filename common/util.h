// common/util.h — small utilities shared by the server and Sentinel, each behaving
// exactly as Redis 7.0.15 does: strict number parsing and formatting, glob matching,
// argument splitting (inline commands and config lines), SHA1, run ids, clocks.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace osprey {

// ---- Numbers ---------------------------------------------------------------

// Strict integer parse as Redis's string2ll: optional '-', no '+', no spaces, no leading
// zeros (except "0"), whole string consumed, within long long range.
bool string2ll(std::string_view s, long long* out);
// Same for unsigned long long (no sign at all).
bool string2ull(std::string_view s, unsigned long long* out);
// As Redis's string2l (long range == long long on LP64).
inline bool string2l(std::string_view s, long* out) {
  long long v;
  if (!string2ll(s, &v)) return false;
  *out = static_cast<long>(v);
  return true;
}
// Double parse as Redis's string2d / getDoubleFromObject: strtod over the whole string,
// no leading space, rejects NaN; accepts "inf", "-inf", "+inf" and the forms strtod takes.
bool string2d(std::string_view s, double* out);
// Long double parse as Redis's string2ld (used by INCRBYFLOAT / HINCRBYFLOAT): rejects
// NaN and infinite results, leading/trailing space, and strings of 5000+ chars.
bool string2ld(std::string_view s, long double* out);

std::string ll2string(long long v);
std::string ull2string(unsigned long long v);
// A double as Redis replies it (addReplyDouble / RESP2 bulk): "inf", "-inf", "nan",
// integers without exponent when exactly representable in a safe range, else "%.17g".
std::string d2string(double v);
// A long double as Redis formats INCRBYFLOAT results (ld2string LD_STR_HUMAN): fixed
// notation with %.17Lf then trailing zeros (and a trailing '.') removed; "-0" -> "0".
std::string ld2string_human(long double v);
// Long double with "%.17Lg" (LD_STR_AUTO), used by some replies.
std::string ld2string_auto(long double v);

// Parse a memory amount as Redis's memtoull: "1gb", "100mb", "5k", "2048"; false on error.
bool memtoull(std::string_view s, unsigned long long* out);

// ---- Strings ---------------------------------------------------------------

// Glob-style match as Redis's stringmatchlen: * ? [abc] [^a] [a-z] and backslash escapes.
bool stringmatch(std::string_view pattern, std::string_view str, bool nocase = false);

// Split a line into arguments as Redis's sdssplitargs: spaces separate, "double quoted"
// strings with \n \r \t \b \a \\ \" and \xHH escapes, 'single quoted' with \' escape.
// A closing quote must be followed by a space or the end. Returns false on unbalanced
// quotes (the caller turns that into its own error).
bool splitArgs(std::string_view line, std::vector<std::string>* out);

// Represent a string with quotes and escapes as Redis's sdscatrepr (used by MONITOR,
// CLIENT LIST's cmd field is not quoted, DEBUG, log lines, errors).
std::string catRepr(std::string_view s);

std::string toLower(std::string_view s);
bool equalsIgnoreCase(std::string_view a, std::string_view b);

// ---- Hashing and ids -------------------------------------------------------

// Lower-case hex SHA1 of data (40 chars), as Redis's sha1hex for scripts.
std::string sha1hex(std::string_view data);
// Raw 20-byte SHA1.
void sha1raw(std::string_view data, unsigned char out[20]);
// `len` random lower-case hex characters from /dev/urandom (run ids: 40).
std::string randomHex(size_t len);

// ---- Clocks ----------------------------------------------------------------

long long ustime();      // wall clock, microseconds since the epoch
long long mstime();      // wall clock, milliseconds since the epoch
long long monotonicUs(); // monotonic clock, microseconds

}  // namespace osprey
