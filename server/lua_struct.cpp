// server/lua_struct.cpp — the `struct` Lua library Redis 7.0 scripts see:
// struct.pack(fmt, ...), struct.unpack(fmt, data [, pos]) and struct.size(fmt).
//
// Format language (each option may be followed by spaces):
//   >  big endian            <  little endian (the default)
//   !n alignment n (power of two; bare '!' = 8; the default is 1, i.e. packed)
//   x  one zero byte         b/B  signed/unsigned char     h/H  short (2)
//   l/L long (8)             T    size_t (8)               i/I[n] int of n bytes (4; n <= 32)
//   f  float (4)             d    double (8)
//   c[n] n raw bytes (default 1); c0 = the whole string when packing, and when
//        unpacking a length taken from the previous (numeric) result
//   s  zero terminated string
// Behaviour, including the odd corners (integers wider than 8 bytes, conversions of
// out of range numbers, error texts and which argument they blame, stack limits), was
// established by running scripts against a real Redis 7.0.15 on x86-64; the number
// conversions below spell out explicitly what the reference gets from the hardware.
#include <bit>
#include <climits>
#include <cstdint>
#include <cstring>
#include <utility>

#include "server/lua_libs.h"

namespace osprey {
namespace {

using lua_libs_detail::toFloat;
using lua_libs_detail::truncUnsigned;

constexpr int kIntSizeLimit = 32;   // widest i/I accepted
constexpr int kBareAlign = 8;       // alignment chosen by a '!' without a number
constexpr size_t kLongSize = 8;     // l/L and T on the reference (LP64)

struct Layout {
  bool little = true;
  size_t align = 1;
};

bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isAlnum(char c) { return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Optional decimal count after an option letter.
int readCount(lua_State* L, const char** fmt, int absent) {
  if (!isDigit(**fmt)) return absent;
  int v = 0;
  while (isDigit(**fmt)) {
    int d = **fmt - '0';
    if (v > (INT_MAX - d) / 10) luaL_error(L, "integral size overflow");
    v = v * 10 + d;
    ++*fmt;
  }
  return v;
}

// Bytes an option occupies (0 for control characters, 's' and unknown letters).
size_t optionSize(lua_State* L, char opt, const char** fmt) {
  switch (opt) {
    case 'b': case 'B': case 'x': return 1;
    case 'h': case 'H': return 2;
    case 'l': case 'L': case 'T': return kLongSize;
    case 'f': return sizeof(float);
    case 'd': return sizeof(double);
    case 'c': return static_cast<size_t>(readCount(L, fmt, 1));
    case 'i': case 'I': {
      int n = readCount(L, fmt, static_cast<int>(sizeof(int)));
      if (n > kIntSizeLimit)
        luaL_error(L, "integral size %d is larger than limit of %d", n, kIntSizeLimit);
      return static_cast<size_t>(n);
    }
    default: return 0;
  }
}

// Zero bytes to insert before an item of `size` bytes at offset `pos`.
size_t padding(size_t pos, const Layout& lay, char opt, size_t size) {
  if (size == 0 || opt == 'c') return 0;
  size_t a = size < lay.align ? size : lay.align;
  return (a - (pos & (a - 1))) & (a - 1);
}

// Endianness / alignment / blank; anything else is an invalid option.
void controlOption(lua_State* L, char opt, const char** fmt, Layout* lay) {
  switch (opt) {
    case ' ': return;
    case '>': lay->little = false; return;
    case '<': lay->little = true; return;
    case '!': {
      int a = readCount(L, fmt, kBareAlign);
      if (a <= 0 || (a & (a - 1)) != 0) luaL_error(L, "alignment %d is not a power of 2", a);
      lay->align = static_cast<size_t>(a);
      return;
    }
    default: {
      const char* msg = lua_pushfstring(L, "invalid format option '%c'", opt);
      luaL_argerror(L, 1, msg);
    }
  }
}

void reverseIfNeeded(unsigned char* p, size_t n, bool little) {
  bool hostLittle = std::endian::native == std::endian::little;
  if (little != hostLittle)
    for (size_t i = 0; i < n / 2; i++) std::swap(p[i], p[n - 1 - i]);
}

void addInteger(luaL_Buffer* b, lua_Number n, bool little, size_t size) {
  uint64_t v = truncUnsigned(n);
  unsigned char bytes[kIntSizeLimit];
  for (size_t i = 0; i < size; i++) {
    bytes[little ? i : size - 1 - i] = static_cast<unsigned char>(v & 0xff);
    v >>= 8;
  }
  luaL_addlstring(b, reinterpret_cast<const char*>(bytes), size);
}

lua_Number readInteger(const unsigned char* p, bool little, bool isSigned, size_t size) {
  uint64_t v = 0;
  for (size_t i = 0; i < size; i++) v = (v << 8) | p[little ? size - 1 - i : i];
  if (!isSigned) return static_cast<lua_Number>(v);
  // Sign bit position as the reference computes it: the shift count wraps at 64,
  // so for sizes above 8 it lands inside the low 8 bytes.
  uint64_t mask = ~uint64_t{0} << ((size * 8 - 1) & 63);
  if (v & mask) v |= mask;
  return static_cast<lua_Number>(static_cast<int64_t>(v));
}

int structPack(lua_State* L) {
  const char* fmt = luaL_checkstring(L, 1);
  Layout lay;
  int arg = 2;
  size_t total = 0;
  lua_pushnil(L);  // sits after the arguments: a missing one reads as nil
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  while (*fmt) {
    char opt = *fmt++;
    size_t size = optionSize(L, opt, &fmt);
    size_t pad = padding(total, lay, opt, size);
    total += pad;
    while (pad-- > 0) luaL_addchar(&b, '\0');
    switch (opt) {
      case 'b': case 'B': case 'h': case 'H': case 'l': case 'L': case 'T': case 'i': case 'I':
        addInteger(&b, luaL_checknumber(L, arg++), lay.little, size);
        break;
      case 'x':
        luaL_addchar(&b, '\0');
        break;
      case 'f': {
        float f = toFloat(luaL_checknumber(L, arg++));
        unsigned char bytes[sizeof f];
        std::memcpy(bytes, &f, sizeof f);
        reverseIfNeeded(bytes, sizeof f, lay.little);
        luaL_addlstring(&b, reinterpret_cast<const char*>(bytes), sizeof f);
        break;
      }
      case 'd': {
        double d = luaL_checknumber(L, arg++);
        unsigned char bytes[sizeof d];
        std::memcpy(bytes, &d, sizeof d);
        reverseIfNeeded(bytes, sizeof d, lay.little);
        luaL_addlstring(&b, reinterpret_cast<const char*>(bytes), sizeof d);
        break;
      }
      case 'c': case 's': {
        size_t len;
        const char* s = luaL_checklstring(L, arg, &len);
        if (opt == 's') {
          size = len + 1;  // including the terminating zero
        } else {
          if (size == 0) size = len;
          luaL_argcheck(L, len >= size, arg + 1, "string too short");
        }
        luaL_addlstring(&b, s, size);
        arg++;
        break;
      }
      default:
        controlOption(L, opt, &fmt, &lay);
        break;
    }
    total += size;
  }
  luaL_pushresult(&b);
  return 1;
}

int structUnpack(lua_State* L) {
  const char* fmt = luaL_checkstring(L, 1);
  size_t ld;
  const char* data = luaL_checklstring(L, 2, &ld);
  const unsigned char* bytes = reinterpret_cast<const unsigned char*>(data);
  size_t pos = static_cast<size_t>(luaL_optinteger(L, 3, 1));
  luaL_argcheck(L, pos > 0, 3, "offset must be 1 or greater");
  pos--;
  Layout lay;
  int results = 0;
  while (*fmt) {
    char opt = *fmt++;
    size_t size = optionSize(L, opt, &fmt);
    size_t pad = padding(pos, lay, opt, size);
    bool wrapped = pos + pad < pos;
    pos += pad;
    luaL_argcheck(L, !wrapped && size <= ld && pos <= ld - size, 2, "data string too short");
    luaL_checkstack(L, 2, "too many results");
    switch (opt) {
      case 'b': case 'B': case 'h': case 'H': case 'l': case 'L': case 'T': case 'i': case 'I': {
        bool isSigned = opt >= 'a' && opt <= 'z';
        lua_pushnumber(L, readInteger(bytes + pos, lay.little, isSigned, size));
        results++;
        break;
      }
      case 'x':
        break;
      case 'f': {
        unsigned char raw[sizeof(float)];
        std::memcpy(raw, bytes + pos, sizeof raw);
        reverseIfNeeded(raw, sizeof raw, lay.little);
        float f;
        std::memcpy(&f, raw, sizeof f);
        lua_pushnumber(L, static_cast<lua_Number>(f));
        results++;
        break;
      }
      case 'd': {
        unsigned char raw[sizeof(double)];
        std::memcpy(raw, bytes + pos, sizeof raw);
        reverseIfNeeded(raw, sizeof raw, lay.little);
        double d;
        std::memcpy(&d, raw, sizeof d);
        lua_pushnumber(L, d);
        results++;
        break;
      }
      case 'c': {
        if (size == 0) {
          if (results == 0 || !lua_isnumber(L, -1)) luaL_error(L, "format 'c0' needs a previous size");
          size = static_cast<size_t>(truncUnsigned(lua_tonumber(L, -1)));
          lua_pop(L, 1);
          results--;
          luaL_argcheck(L, size <= ld && pos <= ld - size, 2, "data string too short");
        }
        lua_pushlstring(L, data + pos, size);
        results++;
        break;
      }
      case 's': {
        const void* end = std::memchr(data + pos, '\0', ld - pos);
        if (end == nullptr) luaL_error(L, "unfinished string in data");
        size = static_cast<size_t>(static_cast<const char*>(end) - (data + pos)) + 1;
        lua_pushlstring(L, data + pos, size - 1);
        results++;
        break;
      }
      default:
        controlOption(L, opt, &fmt, &lay);
        break;
    }
    pos += size;
  }
  lua_pushinteger(L, static_cast<lua_Integer>(pos + 1));
  return results + 1;
}

int structSize(lua_State* L) {
  const char* fmt = luaL_checkstring(L, 1);
  Layout lay;
  size_t total = 0;
  while (*fmt) {
    char opt = *fmt++;
    size_t size = optionSize(L, opt, &fmt);
    total += padding(total, lay, opt, size);
    if (opt == 's')
      luaL_argerror(L, 1, "option 's' has no fixed size");
    else if (opt == 'c' && size == 0)
      luaL_argerror(L, 1, "option 'c0' has no fixed size");
    // Letters without a size are silently skipped here (unlike pack/unpack).
    if (!isAlnum(opt)) controlOption(L, opt, &fmt, &lay);
    total += size;
  }
  lua_pushinteger(L, static_cast<lua_Integer>(total));
  return 1;
}

const luaL_Reg kStructFunctions[] = {
    {"pack", structPack},
    {"unpack", structUnpack},
    {"size", structSize},
    {nullptr, nullptr},
};

}  // namespace

int luaopen_struct(lua_State* L) {
  luaL_register(L, "struct", kStructFunctions);
  return 1;
}

}  // namespace osprey
