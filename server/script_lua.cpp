// server/script_lua.cpp — the Lua bridge (see script_lua.h).
//
// Sandbox: the real globals table is hidden behind an empty proxy installed as the globals
// of every script, with __index = the real table (so reads cost one extra table probe,
// handled inside the VM) and __newindex raising "Attempt to modify a readonly table". The
// real table's own __index raises "Script attempted to access nonexistent global variable".
// Library tables (redis, string, math, table, cjson, bit, struct, cmsgpack, coroutine) are
// proxied the same way, and rawset/setmetatable refuse protected tables, so no script can
// leave state behind for the next one. (Redis patches its Lua VM for read-only tables;
// Debian's stock Lua 5.1 cannot, hence proxies. One visible difference: pairs() over a
// protected table iterates nothing.)
#include "server/script_lua.h"

#include <limits>

extern "C" {
#include <lua5.1/lua-bitop.h>
#include <lua5.1/lua-cjson.h>
}

#include <cmath>
#include <cstring>
#include <charconv>

#include "common/config.h"
#include "common/log.h"
#include "common/util.h"
#include "server/acl.h"
#include "server/lua_libs.h"
#include "server/scripting.h"

namespace osprey {

static const char* kReadonlyKey = "osprey.readonly";  // registry: weak set of proxies
static const char* kEngineKey = "osprey.engine";
static const char* kLoadApiKey = "osprey.load_api";    // functions: globals while loading
static const char* kGlobalsApiKey = "osprey.globals_api";  // functions: globals at run time
static const char* kLoadCtxKey = "osprey.load_ctx";    // functions: the LuaLibraryLoad in progress

// ---- PRNG (math.random) ------------------------------------------------------

// The state Redis's rand48 starts from at boot; it is never reseeded between scripts
// (only math.randomseed does), so sequences continue across scripts as on Redis 7.0.
static uint64_t g_rand48 = 0x1234ABCD330EULL;

void scriptRandomSeed(int32_t seed) {
  g_rand48 = (static_cast<uint64_t>(static_cast<uint32_t>(seed)) << 16) | 0x330E;
}

static int32_t rand48() {
  g_rand48 = (0x5DEECE66DULL * g_rand48 + 0xB) & ((1ULL << 48) - 1);
  return static_cast<int32_t>(g_rand48 >> 17);
}

static int luaMathRandom(lua_State* L) {
  const int32_t kMax = INT32_MAX;
  lua_Number r = static_cast<lua_Number>(rand48() % kMax) / static_cast<lua_Number>(kMax);
  switch (lua_gettop(L)) {
    case 0:
      lua_pushnumber(L, r);
      break;
    case 1: {
      int u = luaL_checkint(L, 1);
      luaL_argcheck(L, 1 <= u, 1, "interval is empty");
      lua_pushnumber(L, floor(r * u) + 1);
      break;
    }
    case 2: {
      int l = luaL_checkint(L, 1);
      int u = luaL_checkint(L, 2);
      luaL_argcheck(L, l <= u, 2, "interval is empty");
      lua_pushnumber(L, floor(r * (u - l + 1)) + l);
      break;
    }
    default:
      return luaL_error(L, "wrong number of arguments");
  }
  return 1;
}

static int luaMathRandomseed(lua_State* L) {
  scriptRandomSeed(luaL_checkint(L, 1));
  return 0;
}

// ---- Read-only protection ------------------------------------------------------

// A Lua number as an integer the way Redis's C casts come out on x86-64: truncated toward
// zero, and the type's minimum for NaN, infinities and values out of range (what the
// cvttsd2si instruction gives) — without the undefined behaviour of casting those.
template <typename T>
static T luaNumberTo(double d) {
  constexpr double lo = static_cast<double>(std::numeric_limits<T>::min());
  constexpr double hi = -lo;  // 2^(bits-1): the first value past max
  if (!(d >= lo && d < hi)) return std::numeric_limits<T>::min();
  return static_cast<T>(d);
}

static bool isProtected(lua_State* L, int idx) {
  if (!lua_istable(L, idx)) return false;
  idx = idx < 0 ? lua_gettop(L) + idx + 1 : idx;
  lua_getfield(L, LUA_REGISTRYINDEX, kReadonlyKey);
  lua_pushvalue(L, idx);
  lua_rawget(L, -2);
  bool prot = lua_toboolean(L, -1);
  lua_pop(L, 2);
  return prot;
}

static int readonlyNewindex(lua_State* L) {
  return luaL_error(L, "Attempt to modify a readonly table");
}

static int nonexistentGlobal(lua_State* L) {
  const char* name = lua_tostring(L, 2);
  return luaL_error(L, "Script attempted to access nonexistent global variable '%s'",
                    name ? name : "?");
}

static int plainError(lua_State* L, const char* msg) {
  lua_pushstring(L, msg);
  return lua_error(L);
}

static int safeRawset(lua_State* L) {
  if (isProtected(L, 1)) return plainError(L, "Attempt to modify a readonly table");
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_checkany(L, 2);
  luaL_checkany(L, 3);
  lua_settop(L, 3);
  lua_rawset(L, 1);
  return 1;
}

static int safeSetmetatable(lua_State* L) {
  if (isProtected(L, 1)) return plainError(L, "Attempt to modify a readonly table");
  int t = lua_type(L, 2);
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_argcheck(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table expected");
  if (luaL_getmetafield(L, 1, "__metatable")) luaL_error(L, "cannot change a protected metatable");
  lua_settop(L, 2);
  lua_setmetatable(L, 1);
  return 1;
}

// The table a readonly proxy guards (pushed), or nothing pushed and false.
static bool pushGuarded(lua_State* L, int idx) {
  if (!isProtected(L, idx) || !lua_getmetatable(L, idx)) return false;
  lua_pushliteral(L, "__index");
  lua_rawget(L, -2);
  lua_remove(L, -2);
  if (lua_istable(L, -1)) return true;
  lua_pop(L, 1);
  return false;
}

// rawget reads what a readonly table holds (Redis's readonly tables are the tables
// themselves, not proxies).
static int safeRawget(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_checkany(L, 2);
  lua_settop(L, 2);
  if (pushGuarded(L, 1)) lua_replace(L, 1);
  lua_rawget(L, 1);
  return 1;
}

// getmetatable of a readonly table shows a metatable only where the guarded table has one
// (the globals: a readonly view of it), nil otherwise, as Redis's; other values as Lua's.
static int safeGetmetatable(lua_State* L) {
  luaL_checkany(L, 1);
  if (isProtected(L, 1)) {
    bool has = false;
    if (pushGuarded(L, 1)) {
      has = lua_getmetatable(L, -1);
      lua_pop(L, has ? 2 : 1);
    }
    if (!has) {
      lua_pushnil(L);
      return 1;
    }
  }
  if (!lua_getmetatable(L, 1)) {
    lua_pushnil(L);
    return 1;
  }
  luaL_getmetafield(L, 1, "__metatable");
  return 1;
}

void luaPushReadonlyProxy(lua_State* L, int idx) {
  idx = idx < 0 ? lua_gettop(L) + idx + 1 : idx;
  lua_newtable(L);  // proxy
  lua_newtable(L);  // its metatable
  lua_pushvalue(L, idx);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, readonlyNewindex);
  lua_setfield(L, -2, "__newindex");
  // getmetatable(proxy) gives a protected table too, so it cannot be edited.
  lua_newtable(L);
  lua_newtable(L);
  lua_pushcfunction(L, readonlyNewindex);
  lua_setfield(L, -2, "__newindex");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, -2);
  lua_getfield(L, LUA_REGISTRYINDEX, kReadonlyKey);
  lua_pushvalue(L, -2);
  lua_pushboolean(L, 1);
  lua_rawset(L, -3);
  lua_pop(L, 1);
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, -2);
  lua_getfield(L, LUA_REGISTRYINDEX, kReadonlyKey);
  lua_pushvalue(L, -2);
  lua_pushboolean(L, 1);
  lua_rawset(L, -3);
  lua_pop(L, 1);
}

// ---- Reply -> Lua ------------------------------------------------------------------

// The text of the error table Redis hands to Lua for an error: "-CODE msg" keeps its code, other
// texts (or a dash without a space) get "ERR", and CR/LF are trimmed off both ends of msg.
static std::string luaErrorText(std::string_view err) {
  std::string_view code = "ERR", msg = err;
  if (!err.empty() && err[0] == '-') {
    size_t sp = err.find(' ');
    if (sp == std::string_view::npos) {
      msg = err.substr(1);
    } else {
      code = err.substr(1, sp - 1);
      msg = err.substr(sp + 1);
    }
  }
  while (!msg.empty() && (msg.front() == '\r' || msg.front() == '\n')) msg.remove_prefix(1);
  while (!msg.empty() && (msg.back() == '\r' || msg.back() == '\n')) msg.remove_suffix(1);
  std::string out(code);
  out += ' ';
  out.append(msg);
  return out;
}

void LuaEngine::pushReply(lua_State* L, const ReplyValue& v, int resp) {
  using K = ReplyValue::Kind;
  luaL_checkstack(L, 4, "reply too deep");
  switch (v.kind) {
    case K::Status:
      lua_newtable(L);
      lua_pushlstring(L, v.str.data(), v.str.size());
      lua_setfield(L, -2, "ok");
      return;
    case K::Error: {
      // A command's error: the text as error_reply() would store it, plus the mark that
      // it was already counted in the error stats when the command failed.
      std::string text = luaErrorText("-" + v.str);
      lua_newtable(L);
      lua_pushlstring(L, text.data(), text.size());
      lua_setfield(L, -2, "err");
      lua_pushboolean(L, 1);
      lua_setfield(L, -2, "ignore_error_stats_update");
      return;
    }
    case K::Integer:
      lua_pushnumber(L, static_cast<lua_Number>(v.integer));
      return;
    case K::Bulk:
      lua_pushlstring(L, v.str.data(), v.str.size());
      return;
    case K::Null:
    case K::NullArray:
      if (resp == 2)
        lua_pushboolean(L, 0);
      else
        lua_pushnil(L);
      return;
    case K::Bool:
      if (resp == 2)
        lua_pushnumber(L, v.integer ? 1 : 0);
      else
        lua_pushboolean(L, v.integer != 0);
      return;
    case K::Double:
      if (resp == 2) {
        std::string s = d2string(v.dbl);
        lua_pushlstring(L, s.data(), s.size());
      } else {
        lua_newtable(L);
        lua_pushnumber(L, v.dbl);
        lua_setfield(L, -2, "double");
      }
      return;
    case K::BigNumber:
      if (resp == 2) {
        lua_pushlstring(L, v.str.data(), v.str.size());
      } else {
        lua_newtable(L);
        lua_pushlstring(L, v.str.data(), v.str.size());
        lua_setfield(L, -2, "big_number");
      }
      return;
    case K::Verbatim:
      if (resp == 2) {
        lua_pushlstring(L, v.str.data(), v.str.size());
      } else {
        lua_newtable(L);
        lua_newtable(L);
        lua_pushlstring(L, v.ext.data(), v.ext.size());
        lua_setfield(L, -2, "format");
        lua_pushlstring(L, v.str.data(), v.str.size());
        lua_setfield(L, -2, "string");
        lua_setfield(L, -2, "verbatim_string");
      }
      return;
    case K::Map:
      if (resp == 3) {
        lua_newtable(L);
        lua_newtable(L);
        for (size_t i = 0; i + 1 < v.elements.size(); i += 2) {
          pushReply(L, v.elements[i], resp);
          pushReply(L, v.elements[i + 1], resp);
          lua_settable(L, -3);
        }
        lua_setfield(L, -2, "map");
        return;
      }
      [[fallthrough]];
    case K::Set:
      if (v.kind == K::Set && resp == 3) {
        lua_newtable(L);
        lua_newtable(L);
        for (const auto& e : v.elements) {
          pushReply(L, e, resp);
          lua_pushboolean(L, 1);
          lua_settable(L, -3);
        }
        lua_setfield(L, -2, "set");
        return;
      }
      [[fallthrough]];
    case K::Array:
    case K::Push: {
      lua_createtable(L, static_cast<int>(v.elements.size()), 0);
      int j = 1;
      for (const auto& e : v.elements) {
        pushReply(L, e, resp);
        lua_rawseti(L, -2, j++);
      }
      return;
    }
  }
}

// ---- Lua -> reply ------------------------------------------------------------------

// Reads t[field] as a string if present (leaves the stack as it was).
// Pushes t[field] for the table at idx without metamethods: a reply table may come with an
// __index that raises or calls Redis (the globals proxy _G does), which must not run here.
static void rawGetField(lua_State* L, int idx, const char* field) {
  idx = idx < 0 ? lua_gettop(L) + idx + 1 : idx;
  lua_pushstring(L, field);
  lua_rawget(L, idx);
}

static bool tableStringField(lua_State* L, int idx, const char* field, std::string* out) {
  rawGetField(L, idx, field);
  bool ok = lua_type(L, -1) == LUA_TSTRING;
  if (ok) {
    size_t len;
    const char* s = lua_tolstring(L, -1, &len);
    out->assign(s, len);
  }
  lua_pop(L, 1);
  return ok;
}

// True for an error table built from a command's error reply: that error was counted in
// the error stats already, when the command failed.
static bool ignoresErrorStats(lua_State* L, int idx) {
  rawGetField(L, idx, "ignore_error_stats_update");
  bool yes = lua_toboolean(L, -1);
  lua_pop(L, 1);
  return yes;
}

static std::string noNewlines(std::string s) {
  for (char& c : s)
    if (c == '\r' || c == '\n') c = ' ';
  return s;
}

void LuaEngine::replyFromLua(lua_State* L, int idx, ReplyBuilder& out, int script_resp, int depth) {
  idx = idx < 0 ? lua_gettop(L) + idx + 1 : idx;
  if (depth > 1000 || !lua_checkstack(L, 4)) {
    out.error("ERR reached lua stack limit");
    return;
  }
  switch (lua_type(L, idx)) {
    case LUA_TSTRING: {
      size_t len;
      const char* s = lua_tolstring(L, idx, &len);
      out.bulk(std::string_view(s, len));
      return;
    }
    case LUA_TBOOLEAN:
      if (script_resp == 2) {
        if (lua_toboolean(L, idx))
          out.integer(1);
        else
          out.null();
      } else {
        out.boolean(lua_toboolean(L, idx));
      }
      return;
    case LUA_TNUMBER:
      out.integer(luaNumberTo<long long>(lua_tonumber(L, idx)));
      return;
    case LUA_TTABLE: {
      std::string s;
      if (tableStringField(L, idx, "err", &s)) {
        out.error(noNewlines(s));
        if (ignoresErrorStats(L, idx)) scriptErrorStat(s, -1);  // counted when it happened
        return;
      }
      if (tableStringField(L, idx, "ok", &s)) {
        out.status(noNewlines(s));
        return;
      }
      rawGetField(L, idx, "double");
      if (lua_type(L, -1) == LUA_TNUMBER) {
        double d = lua_tonumber(L, -1);
        lua_pop(L, 1);
        out.doubleValue(d);
        return;
      }
      lua_pop(L, 1);
      if (tableStringField(L, idx, "big_number", &s)) {
        out.bigNumber(noNewlines(s));
        return;
      }
      rawGetField(L, idx, "map");
      if (lua_type(L, -1) == LUA_TTABLE) {
        int t = lua_gettop(L);
        Deferred d = out.deferLen();
        size_t n = 0;
        lua_pushnil(L);
        while (lua_next(L, t)) {
          replyFromLua(L, -2, out, script_resp, depth + 1);
          replyFromLua(L, -1, out, script_resp, depth + 1);
          lua_pop(L, 1);
          n++;
        }
        out.setDeferredMapLen(d, n);
        lua_pop(L, 1);
        return;
      }
      lua_pop(L, 1);
      rawGetField(L, idx, "set");
      if (lua_type(L, -1) == LUA_TTABLE) {
        int t = lua_gettop(L);
        Deferred d = out.deferLen();
        size_t n = 0;
        lua_pushnil(L);
        while (lua_next(L, t)) {
          replyFromLua(L, -2, out, script_resp, depth + 1);
          lua_pop(L, 1);
          n++;
        }
        out.setDeferredSetLen(d, n);
        lua_pop(L, 1);
        return;
      }
      lua_pop(L, 1);
      rawGetField(L, idx, "verbatim_string");
      if (lua_type(L, -1) == LUA_TTABLE) {
        int t = lua_gettop(L);
        std::string fmt, str;
        if (tableStringField(L, t, "format", &fmt) && tableStringField(L, t, "string", &str)) {
          lua_pop(L, 1);
          out.verbatim(str, fmt);
          return;
        }
      }
      lua_pop(L, 1);
      // An array: elements 1..n up to the first nil.
      Deferred d = out.deferLen();
      size_t n = 0;
      for (int j = 1;; j++) {
        lua_rawgeti(L, idx, j);
        if (lua_isnil(L, -1)) {
          lua_pop(L, 1);
          break;
        }
        replyFromLua(L, -1, out, script_resp, depth + 1);
        lua_pop(L, 1);
        n++;
      }
      out.setDeferredArrayLen(d, n);
      return;
    }
    default:
      out.null();
      return;
  }
}

// ---- The redis.* API ----------------------------------------------------------------

// Pushes {err=msg} (the form redis.pcall returns and redis.call raises).
static void pushErrorTable(lua_State* L, std::string_view msg) {
  lua_newtable(L);
  lua_pushlstring(L, msg.data(), msg.size());
  lua_setfield(L, -2, "err");
}

static int raiseErrorTable(lua_State* L, std::string_view msg) {
  pushErrorTable(L, msg);
  return lua_error(L);
}

// How redis.* API functions refuse their arguments, as Redis's luaPushError + luaError do:
// an {err="ERR <msg>"} table, so the message carries no "user_script:N:" position (the
// error handler adds source and line) and pcall hands back the "ERR <msg>" string. No C++
// object may live in the caller's frame: lua_error longjmps over it.
static int raiseApiError(lua_State* L, const char* msg) {
  lua_newtable(L);
  lua_pushfstring(L, "ERR %s", msg);
  lua_setfield(L, -2, "err");
  return lua_error(L);
}

// The body of redis.call / redis.pcall. lua_error longjmps over C++ frames without running
// destructors, so the argv and reply capture live only in here: it leaves the reply (or the
// error table) on the stack and sets *raise_error, and the caller raises once they are gone.
static int redisCallBody(lua_State* L, bool raise, bool* raise_error) {
  int argc = lua_gettop(L);
  ScriptRun* run = currentScript();
  if (!run) {  // luaL_error's message: the script position, then the text
    luaL_where(L, 1);
    lua_pushstring(L, "redis.call/pcall can only be called inside a script invocation");
    lua_concat(L, 2);
    *raise_error = true;
    return 1;
  }
  if (argc == 0) {
    pushErrorTable(L, "ERR Please specify at least one argument for this redis lib call");
    *raise_error = raise;
    return 1;
  }
  std::vector<std::string> argv;
  argv.reserve(static_cast<size_t>(argc));
  for (int j = 1; j <= argc; j++) {
    int t = lua_type(L, j);
    if (t == LUA_TNUMBER) {
      // "%.17g" as Redis formats numbers, with a fast path for integral values (the
      // common case: counts, indexes), whose "%.17g" text is just their digits.
      double d = static_cast<double>(lua_tonumber(L, j));
      char buf[64];
      if (d >= -1e15 && d <= 1e15 && d == static_cast<double>(static_cast<long long>(d)) &&
          !(d == 0 && std::signbit(d))) {
        auto res = std::to_chars(buf, buf + sizeof buf, static_cast<long long>(d));
        argv.emplace_back(buf, static_cast<size_t>(res.ptr - buf));
      } else {
        int len = snprintf(buf, sizeof buf, "%.17g", d);
        argv.emplace_back(buf, static_cast<size_t>(len));
      }
    } else if (t == LUA_TSTRING) {
      size_t len;
      const char* s = lua_tolstring(L, j, &len);
      argv.emplace_back(s, len);
    } else {
      pushErrorTable(L, "ERR Lua redis lib command arguments must be strings or integers");
      *raise_error = raise;
      return 1;
    }
  }
  lua_settop(L, 0);  // up to ~8000 arguments fill the C stack; the reply needs room
  ReplyCapture out(run->fake->resp);
  scriptCall(argv, out);
  if (out.replies().empty()) {
    lua_pushnil(L);
    return 1;
  }
  const ReplyValue& v = out.replies().front();
  LuaEngine::pushReply(L, v, run->fake->resp);
  *raise_error = v.kind == ReplyValue::Kind::Error && raise;
  return 1;
}

// Whether the running coroutine may yield here: Lua 5.1 cannot yield across a C call
// (pcall, table.sort's comparator ...) or a metamethod / for iterator, so any such frame
// below the current function (level 0, the yielding function itself) forbids it.
static bool luaCanYield(lua_State* L, bool skip_level0) {
  lua_Debug ar;
  for (int level = skip_level0 ? 1 : 0; lua_getstack(L, level, &ar); level++) {
    lua_getinfo(L, "nS", &ar);
    if (strcmp(ar.what, "C") == 0) return false;
    if (ar.namewhat && (strcmp(ar.namewhat, "metamethod") == 0 || strcmp(ar.namewhat, "for iterator") == 0))
      return false;
  }
  return true;
}

static int redisGenericCommand(lua_State* L, bool raise) {
  bool raise_error = false;
  int n = redisCallBody(L, raise, &raise_error);
  if (raise_error) return lua_error(L);
  // A non-atomic script gives the event loop back after every call (its reply is handed
  // back as redis.call's result when the loop resumes it).
  ScriptRun* run = currentScript();
  if (run && run->non_atomic && !run->kill_requested && luaCanYield(L, true)) return lua_yield(L, n);
  return n;
}

static int luaRedisCall(lua_State* L) { return redisGenericCommand(L, true); }
static int luaRedisPcall(lua_State* L) { return redisGenericCommand(L, false); }

static int luaRedisSha1hex(lua_State* L) {
  if (lua_gettop(L) != 1) return raiseApiError(L, "wrong number of arguments");
  size_t len;
  const char* s = lua_tolstring(L, 1, &len);
  std::string h = sha1hex(std::string_view(s ? s : "", s ? len : 0));
  lua_pushlstring(L, h.data(), h.size());
  return 1;
}

static int luaRedisErrorReply(lua_State* L) {
  if (lua_gettop(L) != 1 || lua_type(L, -1) != LUA_TSTRING) {
    pushErrorTable(L, "ERR wrong number or type of arguments");
    return 1;
  }
  size_t len;
  const char* s = lua_tolstring(L, 1, &len);
  std::string_view msg(s, len);
  pushErrorTable(L, luaErrorText(!msg.empty() && msg[0] == '-' ? std::string(msg) : "-" + std::string(msg)));
  return 1;
}

// The global loadstring of scripts: text chunks only. Redis's Lua reads a precompiled
// (binary) chunk as source text, so it fails on the signature's first byte; the same error
// comes from parsing that byte, under the same chunk name, as text.
static int luaTextOnlyLoadstring(lua_State* L) {
  size_t len;
  const char* code = luaL_checklstring(L, 1, &len);
  const char* chunkname = luaL_optstring(L, 2, code);
  if (len > 0 && code[0] == LUA_SIGNATURE[0]) {
    luaL_loadbuffer(L, " \033", 2, chunkname);  // fails: "unexpected symbol near 'char(27)'"
    lua_pushnil(L);
    lua_insert(L, -2);
    return 2;
  }
  lua_pushvalue(L, lua_upvalueindex(1));  // Lua's own loadstring
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  return lua_gettop(L);
}

// The global pcall of scripts: Lua's, except that a caught error table with an `err` field
// (what redis.call and error_reply raise) comes back as that field's value, as on Redis.
static int luaScriptPcall(lua_State* L) {
  int argc = lua_gettop(L);
  if (argc == 0) {  // what Redis's replacement answers when given nothing to call
    lua_pushboolean(L, 0);
    lua_pushstring(L, "attempt to call a boolean value");
    return 2;
  }
  lua_pushboolean(L, 1);
  lua_insert(L, 1);
  if (lua_pcall(L, argc - 1, LUA_MULTRET, 0) != 0) {
    // Stack: true, error value.
    if (lua_istable(L, -1)) {
      lua_getfield(L, -1, "err");
      if (lua_isstring(L, -1))
        lua_replace(L, -2);
      else
        lua_pop(L, 1);
    }
    lua_pushboolean(L, 0);
    lua_replace(L, 1);
  }
  return lua_gettop(L);
}

static int luaRedisStatusReply(lua_State* L) {
  if (lua_gettop(L) != 1 || lua_type(L, -1) != LUA_TSTRING) {
    pushErrorTable(L, "ERR wrong number or type of arguments");
    return 1;
  }
  lua_newtable(L);
  lua_pushvalue(L, 1);
  lua_setfield(L, -2, "ok");
  return 1;
}

static int luaRedisLog(lua_State* L) {
  int argc = lua_gettop(L);
  if (argc < 2) return raiseApiError(L, "redis.log() requires two arguments or more.");
  if (!lua_isnumber(L, 1)) return raiseApiError(L, "First argument must be a number (log level).");
  int level = luaNumberTo<int>(lua_tonumber(L, 1));
  if (level < 0 || level > 3) return raiseApiError(L, "Invalid debug level.");
  if (static_cast<int>(logLevel()) > level) return 0;
  std::string msg;
  for (int j = 2; j <= argc; j++) {
    size_t len;
    const char* s = lua_tolstring(L, j, &len);
    if (!s) continue;
    if (j != 2) msg += ' ';
    msg.append(s, len);
  }
  logRaw(static_cast<LogLevel>(level), msg);
  return 0;
}

static int luaRedisSetresp(lua_State* L) {
  ScriptRun* run = currentScript();
  if (lua_gettop(L) != 1) return raiseApiError(L, "redis.setresp() requires one argument.");
  int resp = luaNumberTo<int>(lua_tonumber(L, 1));
  if (resp != 2 && resp != 3) return raiseApiError(L, "RESP version must be 2 or 3.");
  if (run) run->fake->resp = resp;
  return 0;
}

static int luaRedisSetRepl(lua_State* L) {
  ScriptRun* run = currentScript();
  if (!run) return luaL_error(L, "redis.set_repl can only be called inside a script invocation");
  // Redis's text says "two" although it takes one.
  if (lua_gettop(L) != 1) return raiseApiError(L, "redis.set_repl() requires two arguments.");
  int flags = luaNumberTo<int>(lua_tonumber(L, 1));
  if ((flags & ~SCRIPT_REPL_ALL) != 0)
    return raiseApiError(L, "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.");
  run->repl = flags;
  return 0;
}

static int luaRedisReplicateCommands(lua_State* L) {
  lua_pushboolean(L, 1);
  return 1;
}

static int luaRedisBreakpoint(lua_State* L) {
  lua_pushboolean(L, 0);  // no debugging session (LDB) is active
  return 1;
}

static int luaRedisDebug(lua_State*) { return 0; }

static int luaRedisAclCheckCmd(lua_State* L) {
  int argc = lua_gettop(L);
  if (argc < 1) return raiseApiError(L, "Please specify at least one argument for this redis lib call");
  const char* err = nullptr;
  bool allowed = false;
  {  // the argv strings must be gone before raiseApiError longjmps out of this frame
    std::vector<std::string> argv;
    for (int j = 1; j <= argc && !err; j++) {
      size_t len;
      const char* s = lua_tolstring(L, j, &len);
      if (!s)
        err = "Lua redis lib command arguments must be strings or integers";
      else
        argv.emplace_back(s, len);
    }
    Command* cmd = err ? nullptr : server.commands.lookup(argv);
    if (!err && !cmd) err = "Invalid command passed to redis.acl_check_cmd()";
    ScriptRun* run = currentScript();
    if (cmd) allowed = !run || !run->caller || aclScriptMayRun(*run->caller, cmd, argv);
  }
  if (err) return raiseApiError(L, err);
  lua_pushboolean(L, allowed ? 1 : 0);
  return 1;
}

// Lua's tostring() of the value at idx (without going through the protected globals).
static std::string luaToString(lua_State* L, int idx) {
  switch (lua_type(L, idx)) {
    case LUA_TNIL:
      return "nil";
    case LUA_TBOOLEAN:
      return lua_toboolean(L, idx) ? "true" : "false";
    case LUA_TNUMBER:
    case LUA_TSTRING: {
      lua_pushvalue(L, idx);  // lua_tolstring would turn a number in place
      size_t len;
      const char* s = lua_tolstring(L, -1, &len);
      std::string out(s, len);
      lua_pop(L, 1);
      return out;
    }
    default: {
      char buf[64];
      snprintf(buf, sizeof buf, "%s: %p", luaL_typename(L, idx), lua_topointer(L, idx));
      return buf;
    }
  }
}

// The error handler of every script call: turns whatever was raised into the table
// {err=..., source=..., line=...} that the final error reply is built from.
static int luaErrorHandler(lua_State* L) {
  lua_Debug ar;
  bool have = false;
  if (lua_getstack(L, 1, &ar)) {
    lua_getinfo(L, "nSl", &ar);
    have = true;
    if (strcmp(ar.what, "C") == 0) have = lua_getstack(L, 2, &ar) && lua_getinfo(L, "nSl", &ar);
  }
  if (!lua_istable(L, 1)) {
    std::string e = "ERR " + luaToString(L, 1);
    lua_settop(L, 0);
    pushErrorTable(L, e);
  } else {
    lua_settop(L, 1);
  }
  if (have && ar.currentline >= 0) {
    lua_pushstring(L, ar.source);
    lua_setfield(L, 1, "source");
    lua_pushnumber(L, ar.currentline);
    lua_setfield(L, 1, "line");
  }
  return 1;
}

// The instruction-count hook: busy detection and SCRIPT KILL.
static void luaMaskCountHook(lua_State* L, lua_Debug*) {
  ScriptRun* run = currentScript();
  if (!run) return;
  // A non-atomic script that computes without calling Redis yields once its slice is used
  // up; only where it cannot yield (inside pcall ...) does the busy logic apply.
  if (run->non_atomic && !run->kill_requested && monotonicUs() - run->slice_start_us > kNonAtomicSliceUs &&
      luaCanYield(L, false)) {
    lua_yield(L, 0);
    return;
  }
  if (scriptInterrupt() || run->kill_requested) {
    if (!run->kill_requested) return;
    serverLog(LogLevel::Warning, "Lua script killed by user with SCRIPT KILL.");
    // Keep raising on every line, so that no pcall in the script can swallow the kill.
    lua_sethook(L, luaMaskCountHook, LUA_MASKLINE, 0);
    lua_pushstring(L, "Script killed by user with SCRIPT KILL...");
    lua_error(L);
  }
}

// ---- FUNCTION libraries: redis.register_function ------------------------------------

bool functionNameValid(std::string_view name) {
  if (name.empty()) return false;
  for (char ch : name) {
    bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_';
    if (!ok) return false;
  }
  return true;
}

static LuaLibraryLoad* currentLoad(lua_State* L) {
  lua_getfield(L, LUA_REGISTRYINDEX, kLoadCtxKey);
  auto* load = static_cast<LuaLibraryLoad*>(lua_touserdata(L, -1));
  lua_pop(L, 1);
  return load;
}

// Raises {err="ERR <msg>"}: the errors of register_function carry no script position.
// lua_error longjmps over C++ frames, so nothing with a destructor may be alive here or in
// the caller when it raises (the message is built on the Lua stack).
static int raiseLoadError(lua_State* L, const char* msg) {
  lua_newtable(L);
  lua_pushstring(L, "ERR ");
  lua_pushstring(L, msg);
  lua_concat(L, 2);
  lua_setfield(L, -2, "err");
  return lua_error(L);
}

// Copies the string (or number) at idx without converting it in place (a lua_next key
// must stay as it is).
static bool luaStringAt(lua_State* L, int idx, std::string* out) {
  if (!lua_isstring(L, idx)) return false;
  lua_pushvalue(L, idx);
  size_t len;
  const char* s = lua_tolstring(L, -1, &len);
  out->assign(s, len);
  lua_pop(L, 1);
  return true;
}

// flags = {'no-writes', ...} at the top of the stack; names are matched ignoring case.
static bool readRegisterFlags(lua_State* L, uint64_t* flags) {
  uint64_t f = 0;
  for (int j = 1;; j++) {
    lua_rawgeti(L, -1, j);
    if (lua_isnil(L, -1)) {
      lua_pop(L, 1);
      break;
    }
    std::string name;
    bool is_str = luaStringAt(L, -1, &name);
    lua_pop(L, 1);
    uint64_t bit;
    if (!is_str || !scriptFlagFromName(toLower(name), &bit)) return false;
    f |= bit;
  }
  *flags = f;
  return true;
}

// redis.register_function(name, callback) or redis.register_function{function_name=...,
// callback=..., flags={...}, description=...}.
// Reads the arguments and records the function; returns nullptr, or the error to raise
// once this frame (and its strings) is gone.
static const char* registerFunctionFromArgs(lua_State* L, LuaLibraryLoad* load, int argc) {
  LuaRegisteredFunction fn;
  bool have_name = false;
  bool have_callback = false;
  const char* err = nullptr;
  if (argc == 2) {
    if (!luaStringAt(L, 1, &fn.name)) return "first argument to redis.register_function must be a string";
    if (!lua_isfunction(L, 2)) return "second argument to redis.register_function must be a function";
    fn.ref = luaL_ref(L, LUA_REGISTRYINDEX);
    have_name = have_callback = true;
  } else {
    if (!lua_istable(L, 1))
      return "calling redis.register_function with a single argument is only applicable to "
             "Lua table (representing named arguments).";
    lua_pushnil(L);
    while (lua_next(L, 1)) {  // key at -2, value at -1
      std::string key;
      if (!luaStringAt(L, -2, &key)) {
        err = "named argument key given to redis.register_function is not a string";
        break;
      }
      if (equalsIgnoreCase(key, "function_name")) {
        if (!luaStringAt(L, -1, &fn.name)) {
          err = "function_name argument given to redis.register_function must be a string";
          break;
        }
        have_name = true;
      } else if (equalsIgnoreCase(key, "description")) {
        std::string desc;
        if (!luaStringAt(L, -1, &desc)) {
          err = "description argument given to redis.register_function must be a string";
          break;
        }
        fn.description = std::move(desc);
      } else if (equalsIgnoreCase(key, "callback")) {
        if (!lua_isfunction(L, -1)) {
          err = "callback argument given to redis.register_function must be a function";
          break;
        }
        if (have_callback) luaL_unref(L, LUA_REGISTRYINDEX, fn.ref);
        fn.ref = luaL_ref(L, LUA_REGISTRYINDEX);  // pops the value
        have_callback = true;
        continue;
      } else if (equalsIgnoreCase(key, "flags")) {
        if (!lua_istable(L, -1)) {
          err = "flags argument to redis.register_function must be a table representing function flags";
          break;
        }
        if (!readRegisterFlags(L, &fn.flags)) {
          err = "unknown flag given";
          break;
        }
      } else {
        err = "unknown argument given to redis.register_function";
        break;
      }
      lua_pop(L, 1);
    }
    if (!err && !have_name) err = "redis.register_function must get a function name argument";
    if (!err && !have_callback) err = "redis.register_function must get a callback argument";
  }
  if (!err && !functionNameValid(fn.name))
    err = "Library names can only contain letters, numbers, or underscores(_) and must be at least one character long";
  if (!err) {
    for (const auto& other : load->functions)
      if (other.name == fn.name) err = "Function already exists in the library";
  }
  if (err) {
    if (have_callback) luaL_unref(L, LUA_REGISTRYINDEX, fn.ref);
    return err;
  }
  load->functions.push_back(std::move(fn));
  return nullptr;
}

static int luaRegisterFunction(lua_State* L) {
  LuaLibraryLoad* load = currentLoad(L);
  if (!load) return raiseLoadError(L, "redis.register_function can only be called on FUNCTION LOAD command");
  int argc = lua_gettop(L);
  if (argc < 1 || argc > 2) return raiseLoadError(L, "wrong number of arguments to redis.register_function");
  if (const char* err = registerFunctionFromArgs(L, load, argc)) return raiseLoadError(L, err);
  return 0;
}

// The instruction-count hook while a library loads: FUNCTION LOAD has a time limit.
static void luaLoadHook(lua_State* L, lua_Debug*) {
  LuaLibraryLoad* load = currentLoad(L);
  if (!load || load->timeout_ms <= 0) return;
  if ((monotonicUs() - load->start_us) / 1000 <= load->timeout_ms) return;
  lua_sethook(L, luaLoadHook, LUA_MASKLINE, 0);  // keep failing, whatever pcall is around
  raiseErrorTable(L, "ERR FUNCTION LOAD timeout");
}

// ---- State set-up -------------------------------------------------------------------

// Opens a library; makes sure its table is the global `name` (lua-cjson only returns it).
static void loadLib(lua_State* L, const char* name, lua_CFunction f) {
  lua_pushcfunction(L, f);
  lua_pushstring(L, name);
  lua_call(L, 1, 1);
  if (*name && lua_istable(L, -1)) {
    lua_getglobal(L, name);
    bool missing = lua_isnil(L, -1);
    lua_pop(L, 1);
    if (missing) {
      lua_pushvalue(L, -1);
      lua_setglobal(L, name);
    }
  }
  lua_pop(L, 1);
}

static void setfn(lua_State* L, const char* name, lua_CFunction f) {
  lua_pushcfunction(L, f);
  lua_setfield(L, -2, name);
}

static void setnum(lua_State* L, const char* name, lua_Number v) {
  lua_pushnumber(L, v);
  lua_setfield(L, -2, name);
}

LuaEngine::LuaEngine(bool functions_mode) {
  L_ = luaL_newstate();
  lua_pushlightuserdata(L_, this);
  lua_setfield(L_, LUA_REGISTRYINDEX, kEngineKey);
  // Weak-keyed set of protected tables.
  lua_newtable(L_);
  lua_newtable(L_);
  lua_pushstring(L_, "k");
  lua_setfield(L_, -2, "__mode");
  lua_setmetatable(L_, -2);
  lua_setfield(L_, LUA_REGISTRYINDEX, kReadonlyKey);
  functions_mode_ = functions_mode;
  setupGlobals(functions_mode);
}

LuaEngine::~LuaEngine() { lua_close(L_); }

void LuaEngine::setupGlobals(bool functions_mode) {
  lua_State* L = L_;
  loadLib(L, "", luaopen_base);
  loadLib(L, LUA_TABLIBNAME, luaopen_table);
  loadLib(L, LUA_STRLIBNAME, luaopen_string);
  loadLib(L, LUA_MATHLIBNAME, luaopen_math);
  loadLib(L, "cjson", luaopen_cjson);
  loadLib(L, "bit", luaopen_bit);
  loadLib(L, "struct", luaopen_struct);
  loadLib(L, "cmsgpack", luaopen_cmsgpack);
  // What Redis removes or replaces in the base library.
  for (const char* name : {"loadfile", "dofile", "print", "require", "module", "package",
                           "newproxy", "setfenv", "getfenv", "os", "io", "debug"}) {
    lua_pushnil(L);
    lua_setglobal(L, name);
  }
  lua_pushcfunction(L, safeRawset);
  lua_setglobal(L, "rawset");
  lua_pushcfunction(L, safeSetmetatable);
  lua_setglobal(L, "setmetatable");
  lua_pushcfunction(L, safeGetmetatable);
  lua_setglobal(L, "getmetatable");
  lua_pushcfunction(L, safeRawget);
  lua_setglobal(L, "rawget");
  lua_pushcfunction(L, luaScriptPcall);
  lua_setglobal(L, "pcall");
  lua_getglobal(L, "loadstring");
  lua_pushcclosure(L, luaTextOnlyLoadstring, 1);
  lua_setglobal(L, "loadstring");
  lua_getglobal(L, "math");
  setfn(L, "random", luaMathRandom);
  setfn(L, "randomseed", luaMathRandomseed);
  lua_pop(L, 1);

  // redis.*
  lua_newtable(L);
  setfn(L, "call", luaRedisCall);
  setfn(L, "pcall", luaRedisPcall);
  setfn(L, "log", luaRedisLog);
  setnum(L, "LOG_DEBUG", 0);
  setnum(L, "LOG_VERBOSE", 1);
  setnum(L, "LOG_NOTICE", 2);
  setnum(L, "LOG_WARNING", 3);
  setfn(L, "setresp", luaRedisSetresp);
  setfn(L, "sha1hex", luaRedisSha1hex);
  setfn(L, "error_reply", luaRedisErrorReply);
  setfn(L, "status_reply", luaRedisStatusReply);
  setfn(L, "set_repl", luaRedisSetRepl);
  setnum(L, "REPL_NONE", SCRIPT_REPL_NONE);
  setnum(L, "REPL_AOF", SCRIPT_REPL_AOF);
  setnum(L, "REPL_SLAVE", SCRIPT_REPL_REPLICA);
  setnum(L, "REPL_REPLICA", SCRIPT_REPL_REPLICA);
  setnum(L, "REPL_ALL", SCRIPT_REPL_ALL);
  if (!functions_mode) {
    // EVAL only: functions have no debugger and always replicate effects.
    setfn(L, "replicate_commands", luaRedisReplicateCommands);
    setfn(L, "breakpoint", luaRedisBreakpoint);
    setfn(L, "debug", luaRedisDebug);
  }
  setfn(L, "acl_check_cmd", luaRedisAclCheckCmd);
  lua_pushstring(L, kRedisVersion);
  lua_setfield(L, -2, "REDIS_VERSION");
  setnum(L, "REDIS_VERSION_NUM", kRedisVersionNum);
  lua_setglobal(L, "redis");

  if (!functions_mode) {
    lua_pushcfunction(L, luaErrorHandler);
    lua_setglobal(L, "__redis__err__handler");
  }

  // Protect the library tables, then the globals themselves.
  for (const char* lib : {"redis", "string", "math", "table", "cjson", "bit", "struct",
                          "cmsgpack", "coroutine"}) {
    lua_getglobal(L, lib);
    if (!lua_istable(L, -1)) {
      lua_pop(L, 1);
      continue;
    }
    luaPushReadonlyProxy(L, -1);
    lua_setglobal(L, lib);
    lua_pop(L, 1);
  }
  // The strings' metatable, shared by every script: its methods read through the readonly
  // string table, and getmetatable('') gives a readonly view of it, so no script can
  // change what ('x'):len() does for the next one (Redis makes it readonly too).
  lua_pushliteral(L, "");
  if (lua_getmetatable(L, -1)) {
    lua_getglobal(L, "string");  // the readonly proxy by now
    lua_setfield(L, -2, "__index");
    luaPushReadonlyProxy(L, -1);
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  lua_pushvalue(L, LUA_GLOBALSINDEX);  // the real globals
  lua_newtable(L);                     // its metatable: reading a missing name is an error
  lua_pushcfunction(L, nonexistentGlobal);
  lua_setfield(L, -2, "__index");
  lua_setmetatable(L, -2);
  luaPushReadonlyProxy(L, -1);  // proxy for the real globals
  lua_pushvalue(L, -1);
  lua_setfield(L, -3, "_G");  // _G names the proxy
  lua_replace(L, LUA_GLOBALSINDEX);
  if (functions_mode) {
    // What the globals proxy reads through at run time; loadLibrary swaps in the load API.
    lua_setfield(L, LUA_REGISTRYINDEX, kGlobalsApiKey);
    setupLoadApi();
  } else {
    lua_pop(L, 1);
  }
}

// The globals a library sees while it loads: only `redis`, with register_function, log,
// the LOG_* levels and the version. Anything else reads as a nonexistent global, as on
// Redis (which words it so even for a missing field of `redis`).
void LuaEngine::setupLoadApi() {
  lua_State* L = L_;
  lua_newtable(L);  // load-time globals
  lua_newtable(L);
  lua_pushcfunction(L, nonexistentGlobal);
  lua_setfield(L, -2, "__index");
  lua_setmetatable(L, -2);
  lua_newtable(L);  // load-time redis
  setfn(L, "register_function", luaRegisterFunction);
  setfn(L, "log", luaRedisLog);
  setnum(L, "LOG_DEBUG", 0);
  setnum(L, "LOG_VERBOSE", 1);
  setnum(L, "LOG_NOTICE", 2);
  setnum(L, "LOG_WARNING", 3);
  lua_pushstring(L, kRedisVersion);
  lua_setfield(L, -2, "REDIS_VERSION");
  setnum(L, "REDIS_VERSION_NUM", kRedisVersionNum);
  lua_newtable(L);
  lua_pushcfunction(L, nonexistentGlobal);
  lua_setfield(L, -2, "__index");
  lua_setmetatable(L, -2);
  luaPushReadonlyProxy(L, -1);
  lua_setfield(L, -3, "redis");
  lua_pop(L, 1);
  lua_setfield(L, LUA_REGISTRYINDEX, kLoadApiKey);
}

// ---- Compile and run -------------------------------------------------------------

bool LuaEngine::compile(const std::string& name, std::string_view body, std::string* err) {
  if (luaL_loadbuffer(L_, body.data(), body.size(), "@user_script")) {
    const char* msg = lua_tostring(L_, -1);
    *err = "ERR Error compiling script (new function): ";
    *err += msg ? msg : "";
    lua_pop(L_, 1);
    return false;
  }
  lua_setfield(L_, LUA_REGISTRYINDEX, name.c_str());
  return true;
}

bool LuaEngine::has(const std::string& name) {
  lua_getfield(L_, LUA_REGISTRYINDEX, name.c_str());
  bool ok = lua_isfunction(L_, -1);
  lua_pop(L_, 1);
  return ok;
}

static void setRealGlobalArray(lua_State* L, const char* name, const std::vector<std::string>& elems) {
  // Writes the real globals table behind the proxy (KEYS/ARGV are read-only to scripts).
  lua_getmetatable(L, LUA_GLOBALSINDEX);
  lua_getfield(L, -1, "__index");
  lua_createtable(L, static_cast<int>(elems.size()), 0);
  int j = 1;
  for (const auto& e : elems) {
    lua_pushlstring(L, e.data(), e.size());
    lua_rawseti(L, -2, j++);
  }
  lua_setfield(L, -2, name);  // rawset-like: the field exists after the first script
  lua_pop(L, 2);
}

void LuaEngine::run(ScriptRun& run, const std::string& name, const std::vector<std::string>& keys,
                    const std::vector<std::string>& args, bool eval_globals, ReplyBuilder& out) {
  lua_State* L = L_;
  int base = lua_gettop(L);
  lua_pushcfunction(L, luaErrorHandler);
  int errfunc = lua_gettop(L);
  lua_getfield(L, LUA_REGISTRYINDEX, name.c_str());
  callAndReply(run, base, errfunc, keys, args, eval_globals, out);
}

void LuaEngine::runFunction(ScriptRun& run, int ref, const std::vector<std::string>& keys,
                            const std::vector<std::string>& args, ReplyBuilder& out) {
  lua_State* L = L_;
  int base = lua_gettop(L);
  lua_pushcfunction(L, luaErrorHandler);
  int errfunc = lua_gettop(L);
  lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
  callAndReply(run, base, errfunc, keys, args, false, out);
}

static void replyScriptError(lua_State* L, ScriptRun& run, ReplyBuilder& out);

void LuaEngine::callAndReply(ScriptRun& run, int base, int errfunc, const std::vector<std::string>& keys,
                             const std::vector<std::string>& args, bool eval_globals, ReplyBuilder& out) {
  lua_State* L = L_;
  int nargs = 0;
  if (eval_globals) {
    // Setting a field the real table lacks would hit its erroring __index on read only;
    // __newindex is absent there, so lua_setfield stores it directly.
    setRealGlobalArray(L, "KEYS", keys);
    setRealGlobalArray(L, "ARGV", args);
  } else {
    for (const auto* v : {&keys, &args}) {
      lua_createtable(L, static_cast<int>(v->size()), 0);
      int j = 1;
      for (const auto& e : *v) {
        lua_pushlstring(L, e.data(), e.size());
        lua_rawseti(L, -2, j++);
      }
    }
    nargs = 2;
  }
  lua_sethook(L, luaMaskCountHook, LUA_MASKCOUNT, 100000);
  int rc = lua_pcall(L, nargs, 1, errfunc);
  lua_sethook(L, nullptr, 0, 0);
  if (rc) {
    replyScriptError(L, run, out);
  } else {
    replyFromLua(L, -1, out, run.fake->resp);
  }
  lua_settop(L, base);
  if (++calls_since_gc_ >= 50) {
    lua_gc(L, LUA_GCSTEP, 50);
    calls_since_gc_ = 0;
  }
}

// The error at the top of L's stack (a table from luaErrorHandler) as Redis replies it.
static void replyScriptError(lua_State* L, ScriptRun& run, ReplyBuilder& out) {
  {
    if (lua_istable(L, -1)) {
      std::string msg, source;
      lua_getfield(L, -1, "err");
      if (lua_isstring(L, -1)) msg = luaToString(L, -1);
      lua_pop(L, 1);
      tableStringField(L, -1, "source", &source);
      lua_getfield(L, -1, "line");
      bool has_line = lua_isnumber(L, -1);
      long long line = has_line ? luaNumberTo<long long>(lua_tonumber(L, -1)) : 0;
      lua_pop(L, 1);
      if (!source.empty() && has_line)
        msg += " script: " + run.funcname + ", on " + source + ":" + std::to_string(line) + ".";
      out.error(noNewlines(msg));
      if (ignoresErrorStats(L, -1)) scriptErrorStat(msg, -1);  // counted when it happened
    } else {
      const char* m = lua_tostring(L, -1);
      out.error(std::string("ERR Error running script (call to ") + run.funcname + "): @user_script: " + (m ? m : "unknown error"));
    }
  }
}

// ---- Non-atomic runs: coroutines ------------------------------------------------------

// The error handler's work on a coroutine that died (its stack is not unwound, so the
// position is read from it): replaces the error value at the top by {err, source, line}.
static void decorateCoroutineError(lua_State* co) {
  lua_Debug ar;
  bool have = false;
  if (lua_getstack(co, 0, &ar)) {
    lua_getinfo(co, "nSl", &ar);
    have = true;
    if (strcmp(ar.what, "C") == 0) have = lua_getstack(co, 1, &ar) && lua_getinfo(co, "nSl", &ar);
  }
  if (!lua_istable(co, -1)) {
    std::string e = "ERR " + luaToString(co, -1);
    lua_pop(co, 1);
    pushErrorTable(co, e);
  }
  if (have && ar.currentline >= 0) {
    lua_pushstring(co, ar.source);
    lua_setfield(co, -2, "source");
    lua_pushnumber(co, ar.currentline);
    lua_setfield(co, -2, "line");
  }
}

static lua_State* coroutineOf(lua_State* L, int co) {
  lua_rawgeti(L, LUA_REGISTRYINDEX, co);
  lua_State* t = lua_tothread(L, -1);
  lua_pop(L, 1);
  return t;
}

int LuaEngine::startCoroutine(const std::string* name, int ref) {
  lua_State* co = lua_newthread(L_);
  int co_ref = luaL_ref(L_, LUA_REGISTRYINDEX);
  if (name)
    lua_getfield(co, LUA_REGISTRYINDEX, name->c_str());
  else
    lua_rawgeti(co, LUA_REGISTRYINDEX, ref);
  return co_ref;
}

bool LuaEngine::resumeCoroutine(ScriptRun& run, int co_ref, const std::vector<std::string>& keys,
                                const std::vector<std::string>& args, bool eval_globals, bool first,
                                ReplyBuilder& out) {
  lua_State* co = coroutineOf(L_, co_ref);
  if (eval_globals) {
    setRealGlobalArray(L_, "KEYS", keys);
    setRealGlobalArray(L_, "ARGV", args);
  }
  int nargs = lua_gettop(co);  // what the last yield handed out goes back as its results
  if (first) {
    nargs = 0;
    if (!eval_globals) {
      for (const auto* v : {&keys, &args}) {
        lua_createtable(co, static_cast<int>(v->size()), 0);
        int j = 1;
        for (const auto& e : *v) {
          lua_pushlstring(co, e.data(), e.size());
          lua_rawseti(co, -2, j++);
        }
      }
      nargs = 2;
    }
  }
  lua_sethook(co, luaMaskCountHook, LUA_MASKCOUNT, 10000);
  int rc = lua_resume(co, nargs);
  if (rc == LUA_YIELD) return false;
  lua_sethook(co, nullptr, 0, 0);
  if (rc == 0) {
    if (lua_gettop(co) == 0) lua_pushnil(co);
    replyFromLua(co, 1, out, run.fake->resp);
  } else {
    decorateCoroutineError(co);
    replyScriptError(co, run, out);
  }
  return true;
}

void LuaEngine::replyCoroutineKilled(ScriptRun& run, int co_ref, ReplyBuilder& out) {
  lua_State* co = coroutineOf(L_, co_ref);
  serverLog(LogLevel::Warning, "Lua script killed by user with SCRIPT KILL.");
  lua_pushstring(co, "Script killed by user with SCRIPT KILL...");
  decorateCoroutineError(co);
  replyScriptError(co, run, out);
}

void LuaEngine::dropCoroutine(int co_ref) {
  luaL_unref(L_, LUA_REGISTRYINDEX, co_ref);
  lua_gc(L_, LUA_GCSTEP, 50);
}

// Points the globals proxy's reads at the table registered under `key`.
static void setGlobalsSource(lua_State* L, const char* key) {
  lua_getmetatable(L, LUA_GLOBALSINDEX);
  lua_pushstring(L, "__index");
  lua_getfield(L, LUA_REGISTRYINDEX, key);
  lua_rawset(L, -3);
  lua_pop(L, 1);
}

bool LuaEngine::loadLibrary(std::string_view code, LuaLibraryLoad& load, std::string* err) {
  lua_State* L = L_;
  int base = lua_gettop(L);
  if (luaL_loadbuffer(L, code.data(), code.size(), "@user_function")) {
    const char* msg = lua_tostring(L, -1);
    *err = "ERR Error compiling function: ";
    *err += msg ? msg : "";
    lua_settop(L, base);
    return false;
  }
  setGlobalsSource(L, kLoadApiKey);
  lua_pushlightuserdata(L, &load);
  lua_setfield(L, LUA_REGISTRYINDEX, kLoadCtxKey);
  load.start_us = monotonicUs();
  lua_sethook(L, luaLoadHook, LUA_MASKCOUNT, 100000);
  int rc = lua_pcall(L, 0, 0, 0);
  lua_sethook(L, nullptr, 0, 0);
  lua_pushnil(L);
  lua_setfield(L, LUA_REGISTRYINDEX, kLoadCtxKey);
  setGlobalsSource(L, kGlobalsApiKey);
  if (rc) {
    std::string msg;
    if (lua_istable(L, -1)) {
      if (!tableStringField(L, -1, "err", &msg)) msg = "(null)";
    } else {
      const char* m = lua_tostring(L, -1);
      msg = std::string("ERR ") + (m ? m : "unknown error");
    }
    *err = "ERR Error registering functions: " + msg;
    for (const auto& fn : load.functions) unref(fn.ref);
    load.functions.clear();
  }
  lua_settop(L, base);
  return rc == 0;
}

void LuaEngine::unref(int ref) { luaL_unref(L_, LUA_REGISTRYINDEX, ref); }

size_t LuaEngine::memoryBytes() {
  return static_cast<size_t>(lua_gc(L_, LUA_GCCOUNT, 0)) * 1024 +
         static_cast<size_t>(lua_gc(L_, LUA_GCCOUNTB, 0));
}

}  // namespace osprey
