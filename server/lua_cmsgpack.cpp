// server/lua_cmsgpack.cpp — the `cmsgpack` Lua library Redis 7.0 scripts see
// (it reports itself as "lua-cmsgpack 0.4.0"):
//   cmsgpack.pack(v1, v2, ...)          -> the encodings of every argument, concatenated
//   cmsgpack.unpack(s)                  -> every value encoded in s
//   cmsgpack.unpack_one(s [, offset])   -> next offset (-1 at the end), one value
//   cmsgpack.unpack_limit(s, n [, off]) -> next offset (-1 at the end), up to n values
//
// Encoding rules (byte-for-byte what the reference produces):
//   * nil, functions, userdata, threads -> nil (0xc0); booleans -> 0xc2/0xc3
//   * a number equal to its int64 truncation -> the smallest integer format
//     (fixint, u8..u64 for >= 0; negative fixint, i8..i64 for < 0), -0 included;
//     otherwise float32 when the value survives a float round trip, else float64
//   * strings -> fixstr / str8 / str16 / str32 (never bin)
//   * a table whose keys are exactly 1..n (integers that fit an int) -> array of n
//     elements; any other table (the empty one is an array) -> map in lua_next order
//   * tables nested 16 levels deep are encoded as nil (so cycles terminate)
// Decoding accepts nil, booleans, every int/uint/float format, fixstr/str8/16/32,
// arrays and maps; bin and ext formats (and 0xc1) are "Bad data format in input.",
// truncated input is "Missing bytes in input.". uint64 values are read as int64.
// Error texts, the Lua stack limits hit by huge/deep inputs and the offset arithmetic
// of unpack_one/unpack_limit were checked against a real Redis 7.0.15.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>

#include "server/lua_libs.h"

namespace osprey {
namespace {

using lua_libs_detail::toFloat;
using lua_libs_detail::truncSigned;

constexpr int kMaxNesting = 16;
constexpr char kTooManyValues[] =
    "too many return values at once; use unpack_one or unpack_limit instead.";

// ---- Encoding ---------------------------------------------------------------
// Encoding pushes only non-allocating values (nil, numbers, copies) on the Lua stack,
// so nothing in it can raise a Lua error except a failed stack check; that is
// reported through `overflow` and raised once the C++ buffer is gone.

struct Encoder {
  lua_State* L;
  std::string out;
  const char* overflow = nullptr;  // what ran out of Lua stack, if anything

  bool reserve(int slots, const char* where) {
    if (lua_checkstack(L, slots)) return true;
    overflow = where;
    return false;
  }
  void byte(unsigned v) { out.push_back(static_cast<char>(v & 0xff)); }
  void bigEndian(uint64_t v, int bytes) {
    for (int i = bytes - 1; i >= 0; --i) byte(static_cast<unsigned>(v >> (8 * i)));
  }
};

void encodeInteger(Encoder& e, int64_t v) {
  if (v >= 0) {
    if (v <= 0x7f) {
      e.byte(static_cast<unsigned>(v));
    } else if (v <= 0xff) {
      e.byte(0xcc), e.bigEndian(static_cast<uint64_t>(v), 1);
    } else if (v <= 0xffff) {
      e.byte(0xcd), e.bigEndian(static_cast<uint64_t>(v), 2);
    } else if (v <= 0xffffffffLL) {
      e.byte(0xce), e.bigEndian(static_cast<uint64_t>(v), 4);
    } else {
      e.byte(0xcf), e.bigEndian(static_cast<uint64_t>(v), 8);
    }
  } else {
    uint64_t u = static_cast<uint64_t>(v);
    if (v >= -32) {
      e.byte(static_cast<unsigned>(u));
    } else if (v >= -128) {
      e.byte(0xd0), e.bigEndian(u, 1);
    } else if (v >= -32768) {
      e.byte(0xd1), e.bigEndian(u, 2);
    } else if (v >= -2147483648LL) {
      e.byte(0xd2), e.bigEndian(u, 4);
    } else {
      e.byte(0xd3), e.bigEndian(u, 8);
    }
  }
}

void encodeNumber(Encoder& e, lua_Number x) {
  int64_t i = static_cast<int64_t>(truncSigned(x));
  if (!std::isinf(x) && static_cast<lua_Number>(i) == x) {
    encodeInteger(e, i);
    return;
  }
  float f = toFloat(x);
  if (static_cast<double>(f) == x) {
    uint32_t bits;
    std::memcpy(&bits, &f, sizeof bits);
    e.byte(0xca), e.bigEndian(bits, 4);
  } else {
    uint64_t bits;
    std::memcpy(&bits, &x, sizeof bits);
    e.byte(0xcb), e.bigEndian(bits, 8);
  }
}

void encodeString(Encoder& e) {
  size_t len;
  const char* s = lua_tolstring(e.L, -1, &len);
  if (len < 32) {
    e.byte(0xa0 | static_cast<unsigned>(len));
  } else if (len <= 0xff) {
    e.byte(0xd9), e.bigEndian(len, 1);
  } else if (len <= 0xffff) {
    e.byte(0xda), e.bigEndian(len, 2);
  } else {
    e.byte(0xdb), e.bigEndian(len, 4);
  }
  e.out.append(s, len);
}

void containerHeader(Encoder& e, size_t n, unsigned fix, unsigned c16, unsigned c32) {
  if (n < 16) {
    e.byte(fix | static_cast<unsigned>(n));
  } else if (n <= 0xffff) {
    e.byte(c16), e.bigEndian(n, 2);
  } else {
    e.byte(c32), e.bigEndian(n, 4);
  }
}

// Keys exactly 1..n: every key a positive number that fits an int, max == count.
bool tableIsArray(Encoder& e, bool* isArray) {
  lua_State* L = e.L;
  if (!e.reserve(2, "in function table_is_an_array")) return false;
  int top = lua_gettop(L);
  long long count = 0, max = 0;
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    lua_pop(L, 1);
    lua_Number n;
    if (lua_type(L, -1) != LUA_TNUMBER || (n = lua_tonumber(L, -1)) <= 0 ||
        !(n < 2147483648.0 && static_cast<lua_Number>(static_cast<int>(n)) == n)) {
      lua_settop(L, top);
      *isArray = false;
      return true;
    }
    if (n > static_cast<lua_Number>(max)) max = static_cast<long long>(n);
    count++;
  }
  *isArray = max == count;
  return true;
}

bool encodeValue(Encoder& e, int level);  // encodes and pops the stack top

bool encodeTable(Encoder& e, int level) {
  lua_State* L = e.L;
  bool isArray;
  if (!tableIsArray(e, &isArray)) return false;
  if (isArray) {
    size_t len = lua_objlen(L, -1);
    containerHeader(e, len, 0x90, 0xdc, 0xdd);
    if (!e.reserve(1, "in function mp_encode_lua_table_as_array")) return false;
    for (size_t j = 1; j <= len; j++) {
      lua_pushnumber(L, static_cast<lua_Number>(j));
      lua_gettable(L, -2);  // every key 1..len is present: no metamethod can run
      if (!encodeValue(e, level + 1)) return false;
    }
    return true;
  }
  if (!e.reserve(3, "in function mp_encode_lua_table_as_map")) return false;
  size_t count = 0;
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    lua_pop(L, 1);
    count++;
  }
  containerHeader(e, count, 0x80, 0xde, 0xdf);
  lua_pushnil(L);
  while (lua_next(L, -2)) {  // ... table key value
    lua_pushvalue(L, -2);     // ... table key value key
    if (!encodeValue(e, level + 1)) return false;  // the key copy
    if (!encodeValue(e, level + 1)) return false;  // the value
  }
  return true;
}

bool encodeValue(Encoder& e, int level) {
  lua_State* L = e.L;
  int t = lua_type(L, -1);
  if (t == LUA_TTABLE && level == kMaxNesting) t = LUA_TNIL;
  switch (t) {
    case LUA_TSTRING: encodeString(e); break;
    case LUA_TBOOLEAN: e.byte(lua_toboolean(L, -1) ? 0xc3 : 0xc2); break;
    case LUA_TNUMBER: encodeNumber(e, lua_tonumber(L, -1)); break;
    case LUA_TTABLE:
      if (!encodeTable(e, level)) return false;
      break;
    default: e.byte(0xc0); break;
  }
  lua_pop(L, 1);
  return true;
}

int msgpackPack(lua_State* L) {
  int nargs = lua_gettop(L);
  if (nargs == 0) return luaL_argerror(L, 0, "MessagePack pack needs input.");
  if (!lua_checkstack(L, nargs))
    return luaL_argerror(L, 0, "Too many arguments for MessagePack pack.");
  const char* overflow = nullptr;
  for (int i = 1; i <= nargs && overflow == nullptr; i++) {
    // Scoped so the buffer is released before any Lua error is raised.
    Encoder e{L, {}};
    lua_pushvalue(L, i);
    if (encodeValue(e, 0))
      lua_pushlstring(L, e.out.data(), e.out.size());  // one piece per argument
    else
      overflow = e.overflow;
  }
  if (overflow != nullptr) return luaL_error(L, "stack overflow (%s)", overflow);
  lua_concat(L, nargs);
  return 1;
}

// ---- Decoding ---------------------------------------------------------------

enum DecodeError { kDecodeOk, kDecodeEof, kDecodeBadFormat };

struct Cursor {
  const unsigned char* p;
  size_t left;
  DecodeError err;

  bool need(size_t n) {
    if (left >= n) return true;
    err = kDecodeEof;
    return false;
  }
  void skip(size_t n) { p += n, left -= n; }
  uint64_t bigEndian(size_t at, int bytes) const {
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++) v = (v << 8) | p[at + i];
    return v;
  }
};

void decodeValue(lua_State* L, Cursor& c);

void decodeArray(lua_State* L, Cursor& c, size_t len) {
  lua_newtable(L);
  luaL_checkstack(L, 1, "in function mp_decode_to_lua_array");
  for (size_t j = 1; j <= len; j++) {
    lua_pushnumber(L, static_cast<lua_Number>(j));
    decodeValue(L, c);
    if (c.err != kDecodeOk) return;
    lua_settable(L, -3);
  }
}

void decodeMap(lua_State* L, Cursor& c, size_t len) {
  lua_newtable(L);
  while (len-- > 0) {
    decodeValue(L, c);  // key
    if (c.err != kDecodeOk) return;
    decodeValue(L, c);  // value
    if (c.err != kDecodeOk) return;
    lua_settable(L, -3);  // raises "table index is nil/NaN" like the reference
  }
}

// Header of `head` bytes whose last `lenBytes` bytes are a big-endian length.
bool readLength(Cursor& c, size_t head, int lenBytes, size_t* len) {
  if (!c.need(head)) return false;
  *len = lenBytes == 0 ? 0 : static_cast<size_t>(c.bigEndian(head - lenBytes, lenBytes));
  c.skip(head);
  return true;
}

void decodeString(lua_State* L, Cursor& c, size_t len) {
  if (!c.need(len)) return;
  lua_pushlstring(L, reinterpret_cast<const char*>(c.p), len);
  c.skip(len);
}

void decodeValue(lua_State* L, Cursor& c) {
  if (!c.need(1)) return;
  luaL_checkstack(L, 1, kTooManyValues);
  unsigned t = c.p[0];
  size_t len = 0;
  if (t <= 0x7f) {
    lua_pushnumber(L, static_cast<lua_Number>(t));
    c.skip(1);
    return;
  }
  if (t >= 0xe0) {
    lua_pushnumber(L, static_cast<lua_Number>(static_cast<int>(t) - 256));
    c.skip(1);
    return;
  }
  if (t >= 0xa0 && t <= 0xbf) {
    c.skip(1);
    decodeString(L, c, t & 0x1f);
    return;
  }
  if (t >= 0x90 && t <= 0x9f) {
    c.skip(1);
    decodeArray(L, c, t & 0x0f);
    return;
  }
  if (t >= 0x80 && t <= 0x8f) {
    c.skip(1);
    decodeMap(L, c, t & 0x0f);
    return;
  }
  auto unsignedOf = [&](int bytes) -> bool {
    if (!c.need(1 + bytes)) return false;
    uint64_t v = c.bigEndian(1, bytes);
    c.skip(1 + bytes);
    if (bytes == 8)
      lua_pushnumber(L, static_cast<lua_Number>(static_cast<int64_t>(v)));
    else
      lua_pushnumber(L, static_cast<lua_Number>(v));
    return true;
  };
  auto signedOf = [&](int bytes) -> bool {
    if (!c.need(1 + bytes)) return false;
    uint64_t v = c.bigEndian(1, bytes);
    c.skip(1 + bytes);
    if (bytes < 8 && (v >> (bytes * 8 - 1)) & 1) v |= ~uint64_t{0} << (bytes * 8);
    lua_pushnumber(L, static_cast<lua_Number>(static_cast<int64_t>(v)));
    return true;
  };
  switch (t) {
    case 0xc0: lua_pushnil(L); c.skip(1); return;
    case 0xc2: lua_pushboolean(L, 0); c.skip(1); return;
    case 0xc3: lua_pushboolean(L, 1); c.skip(1); return;
    case 0xca: {
      if (!c.need(5)) return;
      uint32_t bits = static_cast<uint32_t>(c.bigEndian(1, 4));
      float f;
      std::memcpy(&f, &bits, sizeof f);
      lua_pushnumber(L, static_cast<lua_Number>(f));
      c.skip(5);
      return;
    }
    case 0xcb: {
      if (!c.need(9)) return;
      uint64_t bits = c.bigEndian(1, 8);
      double d;
      std::memcpy(&d, &bits, sizeof d);
      lua_pushnumber(L, d);
      c.skip(9);
      return;
    }
    case 0xcc: unsignedOf(1); return;
    case 0xcd: unsignedOf(2); return;
    case 0xce: unsignedOf(4); return;
    case 0xcf: unsignedOf(8); return;
    case 0xd0: signedOf(1); return;
    case 0xd1: signedOf(2); return;
    case 0xd2: signedOf(4); return;
    case 0xd3: signedOf(8); return;
    case 0xd9: if (readLength(c, 2, 1, &len)) decodeString(L, c, len); return;
    case 0xda: if (readLength(c, 3, 2, &len)) decodeString(L, c, len); return;
    case 0xdb: if (readLength(c, 5, 4, &len)) decodeString(L, c, len); return;
    case 0xdc: if (readLength(c, 3, 2, &len)) decodeArray(L, c, len); return;
    case 0xdd: if (readLength(c, 5, 4, &len)) decodeArray(L, c, len); return;
    case 0xde: if (readLength(c, 3, 2, &len)) decodeMap(L, c, len); return;
    case 0xdf: if (readLength(c, 5, 4, &len)) decodeMap(L, c, len); return;
    default: c.err = kDecodeBadFormat; return;  // 0xc1, bin, ext
  }
}

// Decodes values from s[offset..] (the string at index 1). decodeAll (plain unpack)
// returns just the values; otherwise the next offset (-1 when the input is used up)
// comes first.
int unpackFull(lua_State* L, lua_Integer limit, lua_Integer offset) {
  bool decodeAll = limit == 0 && offset == 0;
  size_t len;
  const char* s = luaL_checklstring(L, 1, &len);
  // The reference prints these 64-bit values with %d (low 32 bits) and reports the
  // input length where it says "limit".
  if (offset < 0 || limit < 0)
    return luaL_error(L, "Invalid request to unpack with offset of %d and limit of %d.",
                      static_cast<int>(offset), static_cast<int>(len));
  if (static_cast<size_t>(offset) > len)
    return luaL_error(L, "Start offset %d greater than input length %d.",
                      static_cast<int>(offset), static_cast<int>(len));
  Cursor c{reinterpret_cast<const unsigned char*>(s) + offset,
           len - static_cast<size_t>(offset), kDecodeOk};
  int count = 0;
  for (; c.left > 0 && (decodeAll || count < limit); count++) {
    decodeValue(L, c);
    if (c.err == kDecodeEof) return luaL_error(L, "Missing bytes in input.");
    if (c.err == kDecodeBadFormat) return luaL_error(L, "Bad data format in input.");
  }
  if (!decodeAll) {
    luaL_checkstack(L, 1, "in function mp_unpack_full");
    lua_pushinteger(L, c.left == 0 ? -1 : static_cast<lua_Integer>(static_cast<int>(len - c.left)));
    lua_insert(L, 2);
    count++;
  }
  return count;
}

int msgpackUnpack(lua_State* L) { return unpackFull(L, 0, 0); }

int msgpackUnpackOne(lua_State* L) {
  lua_Integer offset = luaL_optinteger(L, 2, 0);
  lua_settop(L, 1);
  return unpackFull(L, 1, offset);
}

int msgpackUnpackLimit(lua_State* L) {
  lua_Integer limit = luaL_checkinteger(L, 2);
  lua_Integer offset = luaL_optinteger(L, 3, 0);
  lua_settop(L, 1);
  return unpackFull(L, limit, offset);
}

const luaL_Reg kMsgpackFunctions[] = {
    {"pack", msgpackPack},
    {"unpack", msgpackUnpack},
    {"unpack_one", msgpackUnpackOne},
    {"unpack_limit", msgpackUnpackLimit},
    {nullptr, nullptr},
};

}  // namespace

int luaopen_cmsgpack(lua_State* L) {
  lua_newtable(L);
  luaL_register(L, nullptr, kMsgpackFunctions);
  lua_pushliteral(L, "cmsgpack");
  lua_setfield(L, -2, "_NAME");
  lua_pushliteral(L, "lua-cmsgpack 0.4.0");
  lua_setfield(L, -2, "_VERSION");
  // Deliberately our own text: Redis exposes its author's copyright line here.
  lua_pushliteral(L, "Copyright (C) Osprey authors");
  lua_setfield(L, -2, "_COPYRIGHT");
  lua_pushliteral(L, "MessagePack C implementation for Lua");
  lua_setfield(L, -2, "_DESCRIPTION");
  lua_pushvalue(L, -1);
  lua_setglobal(L, "cmsgpack");
  return 1;
}

}  // namespace osprey
