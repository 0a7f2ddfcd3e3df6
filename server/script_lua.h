// server/script_lua.h — the Lua 5.1 bridge: one sandboxed Lua state set up as Redis sets
// it up (libraries, the redis.* API, read-only globals), conversions between Lua values
// and replies, and the run of a compiled script with Redis's error formats.
#pragma once

#include <lua5.1/lua.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/reply.h"
#include "server/scripting.h"

namespace osprey {

// What redis.register_function collects while a FUNCTION library loads.
struct LuaRegisteredFunction {
  std::string name;
  std::optional<std::string> description;
  uint64_t flags = 0;  // ScriptFlag bits
  int ref = 0;         // the callback, referenced in the Lua registry (LuaEngine::unref)
};
struct LuaLibraryLoad {
  std::vector<LuaRegisteredFunction> functions;  // in registration order
  long long start_us = 0;
  long long timeout_ms = 0;  // 0 = no limit (e.g. loads from the master)
};

// Library and function names: letters, digits and '_', at least one character.
bool functionNameValid(std::string_view name);

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

  // Functions mode: runs a library's code (chunk name "@user_function", `code` starting
  // after the metadata line) with only the load-time API visible (redis.register_function,
  // redis.log, redis.LOG_*, redis.REDIS_VERSION*). Registered callbacks are appended to
  // `load`. On failure fills *err with Redis's text ("ERR Error compiling function: ...",
  // "ERR Error registering functions: ...") and releases what was registered.
  bool loadLibrary(std::string_view code, LuaLibraryLoad& load, std::string* err);
  // Releases a callback registered by loadLibrary.
  void unref(int ref);
  // Functions mode: runs the callback `ref` with (keys, args) as its two arguments; replies
  // as run() does.
  void runFunction(ScriptRun& run, int ref, const std::vector<std::string>& keys,
                   const std::vector<std::string>& args, ReplyBuilder& out);

  // Runs the compiled function `name`. EVAL: keys/args become the KEYS/ARGV globals;
  // FUNCTION: they are passed as the function's two table arguments. The result, or the
  // error as Redis formats it, is replied to `out` (in the caller's protocol).
  void run(ScriptRun& run, const std::string& name, const std::vector<std::string>& keys,
           const std::vector<std::string>& args, bool eval_globals, ReplyBuilder& out);

  size_t memoryBytes();

  // Non-atomic runs (script_nonatomic.cpp): the compiled function `name` (EVAL) or the
  // callback `ref` (FUNCTION, name == nullptr) in a coroutine of this state. Returns the
  // coroutine's registry reference.
  int startCoroutine(const std::string* name, int ref);
  // Runs the coroutine until redis.call or the hook yields (false) or it ends (true: the
  // result, or the error as run() formats it, replied to `out`). KEYS/ARGV are set again
  // on every resume (an atomic script may have run in between).
  bool resumeCoroutine(ScriptRun& run, int co, const std::vector<std::string>& keys,
                       const std::vector<std::string>& args, bool eval_globals, bool first,
                       ReplyBuilder& out);
  // SCRIPT KILL of a suspended coroutine: replies the kill error at its current line.
  void replyCoroutineKilled(ScriptRun& run, int co, ReplyBuilder& out);
  void dropCoroutine(int co);

  // Conversions, public for unit tests.
  static void pushReply(lua_State* L, const ReplyValue& v, int resp);
  static void replyFromLua(lua_State* L, int idx, ReplyBuilder& out, int script_resp, int depth = 0);

 private:
  void setupGlobals(bool functions_mode);
  void setupLoadApi();
  // Calls the function on top of the stack (above the error handler at `errfunc`).
  void callAndReply(ScriptRun& run, int base, int errfunc, const std::vector<std::string>& keys,
                    const std::vector<std::string>& args, bool eval_globals, ReplyBuilder& out);
  lua_State* L_;
  bool functions_mode_ = false;
  int calls_since_gc_ = 0;
};

// Protects a table: writes raise "Attempt to modify a readonly table". Returns (pushes)
// the protected proxy that replaces the table at index idx.
void luaPushReadonlyProxy(lua_State* L, int idx);

// Redis's deterministic PRNG behind math.random (a 48-bit LCG); math.randomseed sets it.
void scriptRandomSeed(int32_t seed);

}  // namespace osprey
