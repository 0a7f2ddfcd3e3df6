// server/lua_libs.h — the two Lua 5.1 libraries Redis 7.0 exposes to scripts that
// Debian does not package: `struct` (binary pack/unpack, server/lua_struct.cpp) and
// `cmsgpack` (MessagePack, server/lua_cmsgpack.cpp). cjson and bit come from Debian.
//
// Each luaopen_* creates its table, stores it in the global of the same name and
// leaves it on the stack (returns 1). Call either directly and pop the result, or
// the Redis way: lua_pushcfunction(L, f); lua_pushstring(L, name); lua_call(L, 1, 0).
#pragma once

#include <lua5.1/lua.hpp>

#include <cfloat>
#include <cmath>
#include <cstdint>

namespace osprey {

// struct.pack(fmt, ...), struct.unpack(fmt, s [, pos]), struct.size(fmt).
int luaopen_struct(lua_State* L);

// cmsgpack.pack(...), cmsgpack.unpack(s), cmsgpack.unpack_one(s [, offset]),
// cmsgpack.unpack_limit(s, limit [, offset]) plus _NAME/_VERSION/_COPYRIGHT/_DESCRIPTION.
int luaopen_cmsgpack(lua_State* L);

// Number conversions shared by the two libraries. The reference casts doubles to
// integers and floats directly; these spell out what that yields on x86-64 without
// relying on undefined behaviour.
namespace lua_libs_detail {

// cvttsd2si: truncation, or the "integer indefinite" 0x8000000000000000 when the
// value (or NaN) does not fit an int64.
inline uint64_t truncSigned(double x) {
  if (!(x >= -9223372036854775808.0 && x < 9223372036854775808.0)) return 0x8000000000000000ULL;
  return static_cast<uint64_t>(static_cast<int64_t>(x));
}

// double -> uint64 as compiled for x86-64: negatives and NaN take the signed path,
// values >= 2^63 are biased by 2^63 first (so 2^64 and above come out as 0).
inline uint64_t truncUnsigned(double x) {
  if (!(x >= 9223372036854775808.0)) return truncSigned(x);
  return truncSigned(x - 9223372036854775808.0) ^ 0x8000000000000000ULL;
}

// double -> float with IEEE round-to-nearest, saturating to +-inf past FLT_MAX.
inline float toFloat(double x) {
  if (std::isfinite(x) && std::fabs(x) > static_cast<double>(FLT_MAX)) {
    // Halfway between FLT_MAX and 2^128 rounds to infinity (FLT_MAX's mantissa is odd).
    const double halfway = static_cast<double>(FLT_MAX) + 0x1p103;
    float r = std::fabs(x) < halfway ? FLT_MAX : INFINITY;
    return x > 0 ? r : -r;
  }
  return static_cast<float>(x);  // NaN keeps its sign and top payload bits
}

}  // namespace lua_libs_detail
}  // namespace osprey
