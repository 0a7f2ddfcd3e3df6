// tests/fuzz/fuzz_lua.cpp — libFuzzer target: the Lua bridge over hostile data.
//
// Input: byte 0 picks the mode, the rest is the data.
//   0..3  scripts run by EVAL (the real sandbox) on the data as ARGV[1]: cjson.decode
//         (and encode back), cmsgpack.unpack (and pack back), struct.unpack with a format
//         taken from the data, and the decoded values returned as the script's reply;
//   4     a reply tree built from the data (every RESP2/RESP3 kind, nesting, huge counts
//         of elements are bounded by the input) converted to Lua values as redis.call
//         hands them over, then back to a reply as a script's return value converts.
#include <lua5.1/lua.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/reply.h"
#include "server/script_lua.h"
#include "tests/fuzz/fuzz_common.h"

namespace {

using osprey::ReplyValue;

struct Reader {
  const uint8_t* p;
  size_t n;
  uint8_t byte() {
    if (!n) return 0;
    n--;
    return *p++;
  }
  std::string str() {
    size_t len = byte() % 40;
    if (len > n) len = n;
    std::string s(reinterpret_cast<const char*>(p), len);
    p += len;
    n -= len;
    return s;
  }
};

ReplyValue build(Reader& r, int depth) {
  ReplyValue v;
  uint8_t k = r.byte();
  switch (k % 14) {
    case 0: v.kind = ReplyValue::Kind::Status; v.str = r.str(); break;
    case 1: v.kind = ReplyValue::Kind::Error; v.str = r.str(); break;
    case 2: v.kind = ReplyValue::Kind::Integer; v.integer = static_cast<int64_t>(uint64_t(r.byte()) << 56 | r.byte()); break;
    case 3: v.kind = ReplyValue::Kind::Bulk; v.str = r.str(); break;
    case 4: v.kind = ReplyValue::Kind::Null; break;
    case 5: v.kind = ReplyValue::Kind::NullArray; break;
    case 6: v.kind = ReplyValue::Kind::Double; {
      uint64_t bits = 0;
      for (int i = 0; i < 8; i++) bits = bits << 8 | r.byte();
      __builtin_memcpy(&v.dbl, &bits, 8);
    } break;
    case 7: v.kind = ReplyValue::Kind::Bool; v.integer = r.byte() & 1; break;
    case 8: v.kind = ReplyValue::Kind::Verbatim; v.str = r.str(); v.ext = "txt"; break;
    case 9: v.kind = ReplyValue::Kind::BigNumber; v.str = r.str(); break;
    default: {
      static const ReplyValue::Kind agg[] = {ReplyValue::Kind::Array, ReplyValue::Kind::Map,
                                             ReplyValue::Kind::Set, ReplyValue::Kind::Push};
      v.kind = agg[k % 14 - 10];
      size_t count = depth > 200 ? 0 : r.byte() % 8;
      if (v.kind == ReplyValue::Kind::Map) count *= 2;
      for (size_t i = 0; i < count && r.n; i++) v.elements.push_back(build(r, depth + 1));
      if (v.kind == ReplyValue::Kind::Map && v.elements.size() % 2) v.elements.pop_back();
    }
  }
  return v;
}

struct Conversion {
  const ReplyValue* v;
  int resp;
};

int convert(lua_State* L) {
  auto* c = static_cast<Conversion*>(lua_touserdata(L, 1));
  osprey::LuaEngine::pushReply(L, *c->v, c->resp);
  osprey::ReplyCapture back(c->resp);  // not destroyed if a Lua error longjmps: a leak the
  osprey::LuaEngine::replyFromLua(L, -1, back, c->resp);  // harness would report
  return 0;
}

const char* kScripts[] = {
    "local ok, v = pcall(cjson.decode, ARGV[1]) if ok then pcall(cjson.encode, v) return {1, v} end return {0, v}",
    "local r = {pcall(cmsgpack.unpack, ARGV[1])} if r[1] then pcall(cmsgpack.pack, unpack(r, 2)) end return r",
    "local z = string.find(ARGV[1], '\\0', 1, true) or (#ARGV[1] + 1) "
    "return {pcall(struct.unpack, string.sub(ARGV[1], 1, z - 1), string.sub(ARGV[1], z + 1))}",
    "local ok, v = pcall(cjson.decode, ARGV[1]) if ok then return {pcall(cmsgpack.pack, v)} end "
    "return {pcall(cmsgpack.unpack, ARGV[1], 1)}",
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  osprey::fuzz::Server& ts = osprey::fuzz::server();
  uint8_t mode = data[0] % 5;
  if (mode < 4) {
    std::string arg(reinterpret_cast<const char*>(data + 1), size - 1);
    ts.run({"EVAL", kScripts[mode], "0", arg});
    return 0;
  }
  static osprey::LuaEngine* engine = new osprey::LuaEngine();
  lua_State* L = engine->state();
  Reader r{data + 1, size - 1};
  ReplyValue v = build(r, 0);
  // As in the server, the conversion runs inside a protected call (redis.call runs in the
  // script's pcall): a reply Lua cannot hold (a nil or NaN map key, nesting past the stack)
  // raises a Lua error there, which must not take the process down.
  int top = lua_gettop(L);
  for (int resp : {2, 3}) {
    Conversion conv{&v, resp};
    lua_cpcall(L, convert, &conv);
    lua_settop(L, top);
  }
  return 0;
}
