// server/script_lua.h — the Lua 5.1 bridge: one sandboxed Lua state set up as Redis sets
// it up (libraries, the redis.* API, read-only globals), conversions between Lua values
// and replies, and the run of a compiled script with Redis's error formats.
#pragma once

#include <lua5.1/lua.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "common/reply.h"
#include "server/scripting.h"

namespace osprey {

class LuaEngine {
 public:
  // `functions_mode`: the state that FUNCTION libraries run in (no KEYS/ARGV globals,
  // redis.register_function available while loading).
  explicit LuaEngine(bool functions_mode = false);
  ~LuaEngine();
  LuaEngine(const LuaEngine&) = delete;
  LuaEngine& operator=(const LuaEngine&) = delete;

  lua_State* state() { return L_; }

  // Compiles `body` (chunk name "@user_script") and stores it in the registry under `name`.
  // On error fills *err with Redis's text, e.g.
  // "ERR Error compiling script (new function): user_script:1: ..." and returns false.
  bool compile(const std::string& name, std::string_view body, std::string* err);
  bool has(const std::string& name);

  // Runs the compiled function `name`. EVAL: keys/args become the KEYS/ARGV globals;
  // FUNCTION: they are passed as the function's two table arguments. The result, or the
  // error as Redis formats it, is replied to `out` (in the caller's protocol).
  void run(ScriptRun& run, const std::string& name, const std::vector<std::string>& keys,
           const std::vector<std::string>& args, bool eval_globals, ReplyBuilder& out);

  size_t memoryBytes();

  // Conversions, public for unit tests.
  static void pushReply(lua_State* L, const ReplyValue& v, int resp);
  static void replyFromLua(lua_State* L, int idx, ReplyBuilder& out, int script_resp, int depth = 0);

 private:
  void setupGlobals(bool functions_mode);
  lua_State* L_;
  int calls_since_gc_ = 0;
};

// Protects a table: writes raise "Attempt to modify a readonly table". Returns (pushes)
// the protected proxy that replaces the table at index idx.
void luaPushReadonlyProxy(lua_State* L, int idx);

// Redis's deterministic PRNG behind math.random (a 48-bit LCG); math.randomseed sets it.
void scriptRandomSeed(int32_t seed);

}  // namespace osprey
