// server/eval.cpp — EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and the SCRIPT command family, with
// the script cache (SHA1 -> body and flags) and shebang parsing.
#include <memory>
#include <unordered_map>

#include "common/util.h"
#include "server/networking.h"
#include "server/script_lua.h"
#include "server/script_nonatomic.h"
#include "server/scripting.h"
#include "server/server.h"

namespace osprey {

namespace {

struct CachedScript {
  std::string body;
  uint64_t flags = 0;
};

struct EvalState {
  std::unique_ptr<LuaEngine> engine;
  std::unordered_map<std::string, CachedScript> scripts;  // sha -> script
  size_t scripts_bytes = 0;
  Client* lua_client = nullptr;
};

EvalState& evalState() {
  static EvalState st;
  if (!st.engine) st.engine = std::make_unique<LuaEngine>(false);
  if (!st.lua_client) st.lua_client = createFakeClient();
  return st;
}

// Parses "#!lua flags=a,b" on the first line. Returns false with *err on a bad shebang.
// *body_offset is where the Lua code starts (the newline ending the shebang is kept so
// line numbers in errors stay those of the script as written).
bool parseShebang(std::string_view body, uint64_t* flags, size_t* body_offset, std::string* err) {
  *body_offset = 0;
  if (body.substr(0, 5) == "--!df") {
    // Dragonfly's first line "--!df flags=a,b": a Lua comment (so the body runs as is), in
    // compatibility mode, with its flags.
    std::string_view line = body.substr(0, body.find('\n'));
    *flags = SCRIPT_FLAG_EVAL_COMPAT_MODE;
    size_t pos = 5;
    while (pos < line.size()) {
      while (pos < line.size() && line[pos] == ' ') pos++;
      size_t end = line.find(' ', pos);
      if (end == std::string_view::npos) end = line.size();
      std::string_view p = line.substr(pos, end - pos);
      pos = end;
      if (p.empty()) continue;
      if (p.substr(0, 6) != "flags=") {
        *err = "ERR Unknown lua shebang option: " + std::string(p);
        return false;
      }
      std::string_view list = p.substr(6);
      for (size_t start = 0; start <= list.size();) {
        size_t comma = list.find(',', start);
        if (comma == std::string_view::npos) comma = list.size();
        std::string_view f = list.substr(start, comma - start);
        uint64_t bit;
        if (!f.empty() && !scriptFlagFromName(f, &bit)) {
          *err = "ERR Unexpected flag in script shebang: " + std::string(f);
          return false;
        }
        if (!f.empty()) *flags |= bit;
        start = comma + 1;
      }
    }
    return true;
  }
  if (body.substr(0, 2) != "#!") {
    *flags = SCRIPT_FLAG_EVAL_COMPAT_MODE;
    return true;
  }
  size_t eol = body.find('\n');
  std::string_view line = body.substr(0, eol);
  *body_offset = eol == std::string_view::npos ? body.size() : eol;
  std::vector<std::string> parts;
  size_t pos = 0;
  while (pos <= line.size()) {
    size_t sp = line.find(' ', pos);
    if (sp == std::string_view::npos) sp = line.size();
    if (sp > pos) parts.emplace_back(line.substr(pos, sp - pos));
    pos = sp + 1;
  }
  if (parts.empty() || parts[0] != "#!lua") {
    *err = "ERR Unexpected engine in script shebang: " + (parts.empty() ? std::string() : parts[0]);
    return false;
  }
  *flags = 0;
  for (size_t i = 1; i < parts.size(); i++) {
    std::string_view p = parts[i];
    if (p.substr(0, 6) == "flags=") {
      std::string_view list = p.substr(6);
      size_t start = 0;
      while (start <= list.size()) {
        size_t comma = list.find(',', start);
        if (comma == std::string_view::npos) comma = list.size();
        std::string_view f = list.substr(start, comma - start);
        if (!f.empty()) {
          uint64_t bit;
          if (!scriptFlagFromName(f, &bit)) {
            *err = "ERR Unexpected flag in script shebang: " + std::string(f);
            return false;
          }
          *flags |= bit;
        }
        start = comma + 1;
      }
    } else {
      *err = "ERR Unknown lua shebang option: " + std::string(p);
      return false;
    }
  }
  return true;
}

// Compiles and caches body (if not cached). Returns the sha, or "" after replying an error.
std::string cacheScript(Client& c, const std::string& body) {
  EvalState& st = evalState();
  std::string sha = sha1hex(body);
  if (st.scripts.count(sha)) return sha;
  uint64_t flags = 0;
  size_t off = 0;
  std::string err;
  if (!parseShebang(body, &flags, &off, &err)) {
    c.r().error(err);
    return "";
  }
  std::string_view code = std::string_view(body).substr(off);
  if (!st.engine->compile("f_" + sha, code, &err)) {
    c.r().error(err);
    return "";
  }
  st.scripts_bytes += body.size();
  st.scripts.emplace(sha, CachedScript{body, flags});
  return sha;
}

void evalGeneric(Client& c, bool evalsha, bool ro) {
  long long numkeys;
  if (!getLongLongOrReply(c, c.arg(2), &numkeys)) return;
  if (numkeys > static_cast<long long>(c.argc()) - 3) {
    c.r().error("ERR Number of keys can't be greater than number of args");
    return;
  }
  if (numkeys < 0) {
    c.r().error("ERR Number of keys can't be negative");
    return;
  }
  EvalState& st = evalState();
  std::string sha;
  if (evalsha) {
    sha = toLower(c.arg(1));
    if (sha.size() != 40 || !st.scripts.count(sha)) {
      c.r().error("NOSCRIPT No matching script. Please use EVAL.");
      return;
    }
  } else {
    sha = cacheScript(c, c.arg(1));
    if (sha.empty()) return;
  }
  const CachedScript& script = st.scripts.at(sha);
  bool non_atomic = nonAtomicApplies(c, script.flags);
  if (non_atomic && nonAtomicWaitTurn(c)) return;  // runs when the current one ends
  if (!scriptPrepare(c, script.flags, ro)) return;

  std::vector<std::string> keys(c.argv.begin() + 3, c.argv.begin() + 3 + numkeys);
  std::vector<std::string> args(c.argv.begin() + 3 + numkeys, c.argv.end());
  Client* fake = st.lua_client;
  fake->db = c.db;
  fake->resp = 2;
  ScriptRun run;
  run.caller = &c;
  run.fake = fake;
  run.funcname = sha;
  run.is_eval = true;
  run.flags = script.flags;
  run.read_only = ro || (script.flags & SCRIPT_FLAG_NO_WRITES);
  // Effects, not the script, are propagated (the writes it makes go out one by one).
  c.prevent_propagate = true;
  if (non_atomic) {
    std::string fname = "f_" + sha;
    nonAtomicStart(c, *st.engine, run, fake, &fname, 0, std::move(keys), std::move(args));
    return;
  }
  scriptBegin(&run);
  st.engine->run(run, "f_" + sha, keys, args, true, c.r());
  scriptEnd();
}

}  // namespace

bool evalScriptFlags(const std::vector<std::string>& argv, bool evalsha, uint64_t* flags) {
  if (argv.size() < 2) return false;
  EvalState& st = evalState();
  auto it = st.scripts.find(evalsha ? toLower(argv[1]) : sha1hex(argv[1]));
  if (it != st.scripts.end()) {
    *flags = it->second.flags;
    return true;
  }
  if (evalsha) return false;
  size_t off;
  std::string err;
  return parseShebang(argv[1], flags, &off, &err);  // EVAL of a script not cached yet
}

namespace {

void evalCommand(Client& c) { evalGeneric(c, false, false); }
void evalRoCommand(Client& c) { evalGeneric(c, false, true); }
void evalShaCommand(Client& c) { evalGeneric(c, true, false); }
void evalShaRoCommand(Client& c) { evalGeneric(c, true, true); }

std::vector<int> evalGetKeys(const std::vector<std::string>& argv) {
  std::vector<int> keys;
  long long n;
  if (argv.size() < 3 || !string2ll(argv[2], &n) || n < 0 ||
      n > static_cast<long long>(argv.size()) - 3)
    return keys;
  for (long long i = 0; i < n; i++) keys.push_back(static_cast<int>(3 + i));
  return keys;
}

// ---- SCRIPT -----------------------------------------------------------------

void scriptContainer(Client& c) { replySubcommandSyntaxError(c); }

void scriptLoadCommand(Client& c) {
  std::string sha = cacheScript(c, c.arg(2));
  if (!sha.empty()) c.r().bulk(sha);
}

void scriptExistsCommand(Client& c) {
  EvalState& st = evalState();
  c.r().arrayLen(c.argc() - 2);
  for (size_t i = 2; i < c.argc(); i++) c.r().integer(st.scripts.count(toLower(c.arg(i))) ? 1 : 0);
}

void scriptFlushCommand(Client& c) {
  if (c.argc() > 3 ||
      (c.argc() == 3 && !equalsIgnoreCase(c.arg(2), "sync") && !equalsIgnoreCase(c.arg(2), "async"))) {
    c.r().error("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
    return;
  }
  EvalState& st = evalState();
  nonAtomicAbortFor(st.engine.get());  // a non-atomic EVAL still running in the old VM
  st.scripts.clear();
  st.scripts_bytes = 0;
  st.engine = std::make_unique<LuaEngine>(false);
  c.r().ok();
}

void scriptKillCmd(Client& c) { scriptKillCommand(c, true); }

void scriptHelpCommand(Client& c) {
  replyHelp(c, {
      "EXISTS <sha1> [<sha1> ...]",
      "    Return information about the existence of the scripts in the script cache.",
      "FLUSH [ASYNC|SYNC]",
      "    Flush the Lua scripts cache. Very dangerous on replicas.",
      "    When called without the optional mode argument, the behavior is determined by the",
      "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
      "    * ASYNC: Asynchronously flush the scripts cache.",
      "    * SYNC: Synchronously flush the scripts cache.",
      "KILL",
      "    Kill the currently executing Lua script.",
      "LOAD <script>",
      "    Load a script into the scripts cache without executing it.",
      "DEBUG {YES|SYNC|NO}",
      "    Set the debug mode for subsequent scripts executed.",
  });
}

const CommandRow kScriptingRows[] = {
    {"eval", -3, "noscript stale skip_monitor no_mandatory_keys", "@slow @scripting", 0, 0, 0,
     evalCommand, "scripting", "2.6.0", "Execute a Lua script server side",
     "Depends on the script that is executed.", "", evalGetKeys},
    {"evalsha", -3, "noscript stale skip_monitor no_mandatory_keys", "@slow @scripting", 0, 0, 0,
     evalShaCommand, "scripting", "2.6.0", "Execute a Lua script server side",
     "Depends on the script that is executed.", "", evalGetKeys},
    {"eval_ro", -3, "readonly noscript stale skip_monitor no_mandatory_keys", "@slow @scripting",
     0, 0, 0, evalRoCommand, "scripting", "7.0.0", "Execute a read-only Lua script server side",
     "Depends on the script that is executed.", "", evalGetKeys},
    {"evalsha_ro", -3, "readonly noscript stale skip_monitor no_mandatory_keys",
     "@slow @scripting", 0, 0, 0, evalShaRoCommand, "scripting", "7.0.0",
     "Execute a read-only Lua script server side", "Depends on the script that is executed.", "",
     evalGetKeys},
    {"script", -2, "", "", 0, 0, 0, scriptContainer, "scripting", "2.6.0",
     "A container for Lua scripts management commands", "Depends on subcommand."},
    {"script|exists", -3, "noscript", "@slow @scripting", 0, 0, 0, scriptExistsCommand,
     "scripting", "2.6.0", "Check existence of scripts in the script cache.",
     "O(N) with N being the number of scripts to check (so checking a single script is an O(1) operation).",
     "request_policy:all_shards response_policy:agg_logical_and"},
    {"script|flush", -2, "noscript", "@slow @scripting", 0, 0, 0, scriptFlushCommand,
     "scripting", "2.6.0", "Remove all the scripts from the script cache.",
     "O(N) with N being the number of scripts in cache",
     "request_policy:all_nodes response_policy:all_succeeded"},
    {"script|help", 2, "loading stale", "@slow @scripting", 0, 0, 0, scriptHelpCommand,
     "scripting", "5.0.0", "Show helpful text about the different subcommands", "O(1)"},
    {"script|kill", 2, "noscript allow_busy", "@slow @scripting", 0, 0, 0, scriptKillCmd,
     "scripting", "2.6.0", "Kill the script currently in execution.", "O(1)",
     "request_policy:all_shards response_policy:one_succeeded"},
    {"script|load", 3, "noscript stale", "@slow @scripting", 0, 0, 0, scriptLoadCommand,
     "scripting", "2.6.0", "Load the specified Lua script into the script cache.",
     "O(N) with N being the length in bytes of the script body.",
     "request_policy:all_nodes response_policy:all_succeeded"},
};

}  // namespace

CommandRows scriptingCommands() {
  return {kScriptingRows, sizeof(kScriptingRows) / sizeof(kScriptingRows[0])};
}

size_t evalCachedScripts() { return evalState().scripts.size(); }
size_t evalScriptsBytes() { return evalState().scripts_bytes; }
size_t evalLuaMemory() { return evalState().engine->memoryBytes(); }

}  // namespace osprey
