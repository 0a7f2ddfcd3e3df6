// server/functions.cpp — Redis 7.0 functions: the FUNCTION command family (LOAD, LIST,
// DELETE, FLUSH, KILL, STATS, HELP) and FCALL / FCALL_RO, with the library registry.
//
// A library is the code given to FUNCTION LOAD: a metadata line `#!<engine> name=<lib>`
// followed by Lua that calls redis.register_function while it loads. Libraries own their
// functions; function names are unique across all libraries, ignoring case (FCALL looks
// them up that way). All libraries share one Lua state of their own (not EVAL's), set up
// in functions mode by LuaEngine: the load-time API while a library loads, the full
// script API while a function runs.
//
// FUNCTION DUMP / RESTORE serialise the libraries in the RDB payload format (rdb.h).
#include <algorithm>
#include <map>
#include <memory>
#include <unordered_map>

#include "common/config.h"
#include "common/util.h"
#include "server/networking.h"
#include "server/rdb.h"
#include "server/script_lua.h"
#include "server/script_nonatomic.h"
#include "server/scripting.h"
#include "server/server.h"

namespace osprey {

namespace {

// ---- Registry -------------------------------------------------------------------------

struct Library;

struct FunctionInfo {
  std::string name;
  std::optional<std::string> description;
  uint64_t flags = 0;
  int ref = 0;  // the callback in the engine's registry
  Library* library = nullptr;
};

struct Library {
  std::string name;
  std::string code;  // as given to FUNCTION LOAD (FUNCTION LIST WITHCODE)
  std::map<std::string, FunctionInfo> functions;  // by name
};

// Redis lists libraries and functions in hash-table order, which changes with every server
// start (the hash seed is random); sorted order is one of the orders it can produce.
struct FunctionsState {
  std::unique_ptr<LuaEngine> engine;
  std::map<std::string, std::unique_ptr<Library>> libraries;  // by name (case-sensitive)
  std::unordered_map<std::string, FunctionInfo*> functions;   // by lower-cased name
  size_t function_count = 0;
  Client* lua_client = nullptr;
};

constexpr const char* kEngineName = "LUA";
constexpr long long kLoadTimeoutMs = 500;

FunctionsState& functionsState() {
  static FunctionsState st;
  if (!st.engine) st.engine = std::make_unique<LuaEngine>(true);
  if (!st.lua_client) st.lua_client = createFakeClient();
  return st;
}

void unlinkLibrary(FunctionsState& st, Library& lib) {
  for (auto& [name, fn] : lib.functions) st.functions.erase(toLower(name));
  st.function_count -= lib.functions.size();
}

void linkLibrary(FunctionsState& st, Library& lib) {
  for (auto& [name, fn] : lib.functions) st.functions[toLower(name)] = &fn;
  st.function_count += lib.functions.size();
}

void freeLibrary(FunctionsState& st, std::unique_ptr<Library> lib) {
  for (auto& [name, fn] : lib->functions) st.engine->unref(fn.ref);
}

// The metadata line: "#!<engine> name=<library>", split as Redis splits arguments.
// A library object for the functions a load registered (FUNCTION LOAD and RESTORE).
std::unique_ptr<Library> libraryFromLoad(const std::string& name, std::string_view code,
                                         LuaLibraryLoad& load) {
  auto lib = std::make_unique<Library>();
  lib->name = name;
  lib->code = std::string(code);
  for (auto& fn : load.functions) {
    FunctionInfo& info = lib->functions[fn.name];
    info.name = fn.name;
    info.description = std::move(fn.description);
    info.flags = fn.flags;
    info.ref = fn.ref;
    info.library = lib.get();
  }
  return lib;
}

struct LibraryMeta {
  std::string engine;
  std::string name;
  size_t code_offset = 0;  // where the code starts: at the newline ending the line, so
                           // line numbers in errors count the metadata line
};

bool parseLibraryMeta(std::string_view payload, LibraryMeta* meta, std::string* err) {
  if (payload.substr(0, 2) != "#!") {
    *err = "ERR Missing library metadata";
    return false;
  }
  size_t eol = payload.find('\n');
  std::vector<std::string> parts;
  if (eol == std::string_view::npos || !splitArgs(payload.substr(0, eol), &parts) || parts.empty()) {
    *err = "ERR Invalid library metadata";
    return false;
  }
  meta->engine = parts[0].substr(2);
  bool have_name = false;
  for (size_t i = 1; i < parts.size(); i++) {
    const std::string& p = parts[i];
    if (p.size() >= 5 && equalsIgnoreCase(std::string_view(p).substr(0, 5), "name=")) {
      if (have_name) {
        *err = "ERR Invalid metadata value, name argument was given multiple times";
        return false;
      }
      meta->name = p.substr(5);
      have_name = true;
      continue;
    }
    *err = "ERR Invalid metadata value given: " + p;
    return false;
  }
  if (!have_name) {
    *err = "ERR Library name was not given";
    return false;
  }
  meta->code_offset = eol;
  return true;
}

// Creates (or with `replace`, replaces) the library in `payload`. Returns its name, or ""
// with *err set; on failure the registry is as it was.
std::string createLibrary(std::string_view payload, bool replace, long long timeout_ms, std::string* err) {
  FunctionsState& st = functionsState();
  LibraryMeta meta;
  if (!parseLibraryMeta(payload, &meta, err)) return "";
  if (!functionNameValid(meta.name)) {
    *err =
        "ERR Library names can only contain letters, numbers, or underscores(_) and must be at "
        "least one character long";
    return "";
  }
  if (!equalsIgnoreCase(meta.engine, kEngineName)) {
    *err = "ERR Engine '" + meta.engine + "' not found";
    return "";
  }
  auto old = st.libraries.find(meta.name);
  if (old != st.libraries.end() && !replace) {
    *err = "ERR Library '" + meta.name + "' already exists";
    return "";
  }
  LuaLibraryLoad load;
  load.timeout_ms = timeout_ms;
  if (!st.engine->loadLibrary(payload.substr(meta.code_offset), load, err)) return "";
  auto release = [&] {
    for (const auto& fn : load.functions) st.engine->unref(fn.ref);
  };
  if (load.functions.empty()) {
    *err = "ERR No functions registered";
    return "";
  }
  // Names must not collide with another library's (the one being replaced excepted), nor
  // with each other once case is ignored.
  std::unordered_map<std::string, bool> seen;
  for (const auto& fn : load.functions) {
    std::string key = toLower(fn.name);
    auto it = st.functions.find(key);
    bool taken = it != st.functions.end() &&
                 (old == st.libraries.end() || it->second->library != old->second.get());
    if (taken || !seen.emplace(key, true).second) {
      *err = "ERR Function " + fn.name + " already exists";
      release();
      return "";
    }
  }
  auto lib = libraryFromLoad(meta.name, payload, load);
  if (old != st.libraries.end()) {
    unlinkLibrary(st, *old->second);
    freeLibrary(st, std::move(old->second));
    st.libraries.erase(old);
  }
  linkLibrary(st, *lib);
  std::string name = lib->name;
  st.libraries.emplace(name, std::move(lib));
  return name;
}

void flushLibraries() {
  FunctionsState& st = functionsState();
  for (auto& [name, lib] : st.libraries) freeLibrary(st, std::move(lib));
  st.libraries.clear();
  st.functions.clear();
  st.function_count = 0;
  lua_gc(st.engine->state(), LUA_GCCOLLECT, 0);
}

// ---- FUNCTION ------------------------------------------------------------------------

void functionContainer(Client& c) { replySubcommandSyntaxError(c); }  // never called

// FUNCTION LOAD [REPLACE] <code>
void functionLoadCommand(Client& c) {
  bool replace = false;
  size_t pos = 2;
  while (pos < c.argc() - 1) {
    const std::string& opt = c.arg(pos++);
    if (equalsIgnoreCase(opt, "replace")) {
      replace = true;
      continue;
    }
    c.r().error("ERR Unknown option given: " + opt);
    return;
  }
  std::string err;
  // Loads from the master or the AOF must not fail on time.
  long long timeout = c.is_master ? 0 : kLoadTimeoutMs;
  std::string name = createLibrary(c.arg(pos), replace, timeout, &err);
  if (name.empty()) {
    c.r().error(err);
    return;
  }
  server.dirty++;
  c.r().bulk(name);
}

void replyFunctionFlags(ReplyBuilder& r, uint64_t flags) {
  // In Redis's order of script flags.
  static const std::pair<uint64_t, const char*> kNames[] = {
      {SCRIPT_FLAG_NO_WRITES, "no-writes"},
      {SCRIPT_FLAG_ALLOW_OOM, "allow-oom"},
      {SCRIPT_FLAG_ALLOW_STALE, "allow-stale"},
      {SCRIPT_FLAG_NO_CLUSTER, "no-cluster"},
      {SCRIPT_FLAG_ALLOW_CROSS_SLOT, "allow-cross-slot-keys"},
      {SCRIPT_FLAG_DISABLE_ATOMICITY, "disable-atomicity"},  // Dragonfly's
      {SCRIPT_FLAG_ALLOW_UNDECLARED_KEYS, "allow-undeclared-keys"},
  };
  size_t n = 0;
  for (const auto& [bit, name] : kNames)
    if (flags & bit) n++;
  r.setLen(n);
  for (const auto& [bit, name] : kNames)
    if (flags & bit) r.status(name);
}

// FUNCTION LIST [LIBRARYNAME pattern] [WITHCODE]
void functionListCommand(Client& c) {
  bool with_code = false;
  const std::string* pattern = nullptr;
  for (size_t i = 2; i < c.argc(); i++) {
    const std::string& a = c.arg(i);
    if (!with_code && equalsIgnoreCase(a, "withcode")) {
      with_code = true;
      continue;
    }
    if (!pattern && equalsIgnoreCase(a, "libraryname")) {
      if (i >= c.argc() - 1) {
        c.r().error("ERR library name argument was not given");
        return;
      }
      pattern = &c.arg(++i);
      continue;
    }
    c.r().error("ERR Unknown argument " + a);
    return;
  }
  FunctionsState& st = functionsState();
  ReplyBuilder& r = c.r();
  Deferred len = r.deferLen();
  size_t n = 0;
  for (const auto& [name, lib] : st.libraries) {
    if (pattern && !stringmatch(*pattern, name, true)) continue;
    n++;
    r.mapLen(with_code ? 4 : 3);
    r.bulk("library_name");
    r.bulk(name);
    r.bulk("engine");
    r.bulk(kEngineName);
    r.bulk("functions");
    r.arrayLen(lib->functions.size());
    for (const auto& [fname, fn] : lib->functions) {
      r.mapLen(3);
      r.bulk("name");
      r.bulk(fn.name);
      r.bulk("description");
      if (fn.description)
        r.bulk(*fn.description);
      else
        r.null();
      r.bulk("flags");
      replyFunctionFlags(r, fn.flags);
    }
    if (with_code) {
      r.bulk("library_code");
      r.bulk(lib->code);
    }
  }
  r.setDeferredArrayLen(len, n);
}

// FUNCTION DELETE <library>
void functionDeleteCommand(Client& c) {
  FunctionsState& st = functionsState();
  auto it = st.libraries.find(c.arg(2));
  if (it == st.libraries.end()) {
    c.r().error("ERR Library not found");
    return;
  }
  unlinkLibrary(st, *it->second);
  freeLibrary(st, std::move(it->second));
  st.libraries.erase(it);
  server.dirty++;
  c.r().ok();
}

// FUNCTION FLUSH [ASYNC|SYNC] — both free at once: libraries are small.
void functionFlushCommand(Client& c) {
  if (c.argc() > 3) {
    replySubcommandSyntaxError(c);
    return;
  }
  if (c.argc() == 3 && !equalsIgnoreCase(c.arg(2), "sync") && !equalsIgnoreCase(c.arg(2), "async")) {
    c.r().error("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
    return;
  }
  flushLibraries();
  server.dirty++;
  c.r().ok();
}

void functionKillCommand(Client& c) { scriptKillCommand(c, false); }

// FUNCTION STATS: the running function (allowed while busy) and per-engine counts.
void functionStatsCommand(Client& c) {
  ScriptRun* run = currentScript();
  if (run && run->is_eval) {
    c.r().error(err::kBusyEval);
    return;
  }
  FunctionsState& st = functionsState();
  ReplyBuilder& r = c.r();
  r.mapLen(2);
  r.bulk("running_script");
  if (!run) {
    r.null();
  } else {
    r.mapLen(3);
    r.bulk("name");
    r.bulk(run->funcname);
    r.bulk("command");
    r.arrayLen(run->caller->argv.size());
    for (const auto& a : run->caller->argv) r.bulk(a);
    r.bulk("duration_ms");
    r.integer((monotonicUs() - run->start_us) / 1000);
  }
  r.bulk("engines");
  r.mapLen(1);
  r.bulk(kEngineName);
  r.mapLen(2);
  r.bulk("libraries_count");
  r.integer(static_cast<long long>(st.libraries.size()));
  r.bulk("functions_count");
  r.integer(static_cast<long long>(st.function_count));
}

// Written out rather than through replyHelp: the reference's last line reads "Prints this
// help." here, unlike every other HELP.
void functionHelpCommand(Client& c) {
  static const char* const kLines[] = {
      "FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "LOAD [REPLACE] <FUNCTION CODE>",
      "    Create a new library with the given library name and code.",
      "DELETE <LIBRARY NAME>",
      "    Delete the given library.",
      "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
      "    Return general information on all the libraries:",
      "    * Library name",
      "    * The engine used to run the Library",
      "    * Library description",
      "    * Functions list",
      "    * Library code (if WITHCODE is given)",
      "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
      "STATS",
      "    Return information about the current function running:",
      "    * Function name",
      "    * Command used to run the function",
      "    * Duration in MS that the function is running",
      "    If no function is running, return nil",
      "    In addition, returns a list of available engines.",
      "KILL",
      "    Kill the current running function.",
      "FLUSH [ASYNC|SYNC]",
      "    Delete all the libraries.",
      "    When called without the optional mode argument, the behavior is determined by the",
      "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
      "    * ASYNC: Asynchronously flush the libraries.",
      "    * SYNC: Synchronously flush the libraries.",
      "DUMP",
      "    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
      "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
      "    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
      "    control how to handle existing libraries (default APPEND):",
      "    * FLUSH: delete all existing libraries.",
      "    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
      "    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
      "      libraries with the new libraries (notice that even on this option there is a chance of failure",
      "      in case of functions name collision with another library).",
      "HELP",
      "    Prints this help.",
  };
  c.r().arrayLen(sizeof(kLines) / sizeof(kLines[0]));
  for (const char* line : kLines) c.r().status(line);
}

// ---- FUNCTION DUMP / RESTORE ----------------------------------------------------------

// Compiles a library from its code without registering it (FUNCTION RESTORE stages all the
// libraries of a payload before touching the registry). `staged` holds the libraries
// compiled so far from the same payload: names must be unique among them, library and
// function names alike. Returns nullptr with *err set on failure.
std::unique_ptr<Library> compileStagedLibrary(std::string_view code,
                                              const std::vector<std::unique_ptr<Library>>& staged,
                                              std::string* err) {
  FunctionsState& st = functionsState();
  LibraryMeta meta;
  if (!parseLibraryMeta(code, &meta, err)) return nullptr;
  if (!functionNameValid(meta.name)) {
    *err =
        "ERR Library names can only contain letters, numbers, or underscores(_) and must be at "
        "least one character long";
    return nullptr;
  }
  if (!equalsIgnoreCase(meta.engine, kEngineName)) {
    *err = "ERR Engine '" + meta.engine + "' not found";
    return nullptr;
  }
  for (const auto& lib : staged) {
    if (lib->name == meta.name) {
      *err = "ERR Library '" + meta.name + "' already exists";
      return nullptr;
    }
  }
  LuaLibraryLoad load;
  if (!st.engine->loadLibrary(code.substr(meta.code_offset), load, err)) return nullptr;
  auto lib = libraryFromLoad(meta.name, code, load);
  auto taken = [&](const std::string& name) {
    std::string key = toLower(name);
    for (const auto& other : staged)
      for (const auto& [n, f] : other->functions)
        if (toLower(n) == key) return true;
    return false;
  };
  if (lib->functions.empty()) *err = "ERR No functions registered";
  for (const auto& [name, fn] : lib->functions) {
    if (!err->empty()) break;
    if (taken(name)) *err = "ERR Function " + name + " already exists";
  }
  if (!err->empty()) {
    freeLibrary(st, std::move(lib));
    return nullptr;
  }
  return lib;
}

// FUNCTION DUMP
void functionDumpCommand(Client& c) { c.r().bulk(rdbFunctionsDumpPayload()); }

// FUNCTION RESTORE <payload> [FLUSH|APPEND|REPLACE]
void functionRestoreCommand(Client& c) {
  if (c.argc() > 4) {
    replySubcommandSyntaxError(c);
    return;
  }
  enum class Policy { Append, Replace, Flush } policy = Policy::Append;
  if (c.argc() == 4) {
    const std::string& p = c.arg(3);
    if (equalsIgnoreCase(p, "append")) {
      policy = Policy::Append;
    } else if (equalsIgnoreCase(p, "replace")) {
      policy = Policy::Replace;
    } else if (equalsIgnoreCase(p, "flush")) {
      policy = Policy::Flush;
    } else {
      c.r().error("ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.");
      return;
    }
  }
  const std::string& data = c.arg(2);
  if (!rdbVerifyDumpPayload(data)) {
    c.r().error("ERR DUMP payload version or checksum are wrong");
    return;
  }
  std::vector<std::string> codes;
  std::string err;
  if (!rdbParseFunctionsPayload(data, &codes, &err)) {
    c.r().error("ERR " + err);
    return;
  }
  FunctionsState& st = functionsState();
  std::vector<std::unique_ptr<Library>> staged;
  auto dropStaged = [&] {
    for (auto& lib : staged) freeLibrary(st, std::move(lib));
  };
  for (const std::string& code : codes) {
    auto lib = compileStagedLibrary(code, staged, &err);
    if (!lib) {
      dropStaged();
      c.r().error(err);
      return;
    }
    staged.push_back(std::move(lib));
  }

  if (policy == Policy::Flush) {
    flushLibraries();
  } else {
    // Libraries of the same name: an error for APPEND, replaced for REPLACE. Function names
    // must then not collide with any library that stays.
    std::vector<Library*> replaced;
    for (const auto& lib : staged) {
      auto it = st.libraries.find(lib->name);
      if (it == st.libraries.end()) continue;
      if (policy == Policy::Append) {
        std::string msg = "ERR Library " + lib->name + " already exists";
        dropStaged();
        c.r().error(msg);
        return;
      }
      replaced.push_back(it->second.get());
    }
    for (const auto& lib : staged) {
      for (const auto& [name, fn] : lib->functions) {
        auto it = st.functions.find(toLower(name));
        if (it == st.functions.end()) continue;
        if (std::find(replaced.begin(), replaced.end(), it->second->library) != replaced.end())
          continue;
        std::string msg = "ERR Function " + name + " already exists";
        dropStaged();
        c.r().error(msg);
        return;
      }
    }
    for (Library* old : replaced) {
      auto it = st.libraries.find(old->name);
      unlinkLibrary(st, *it->second);
      freeLibrary(st, std::move(it->second));
      st.libraries.erase(it);
    }
  }
  for (auto& lib : staged) {
    linkLibrary(st, *lib);
    std::string name = lib->name;
    st.libraries.emplace(name, std::move(lib));
  }
  server.dirty++;
  c.r().ok();
}

// ---- FCALL ---------------------------------------------------------------------------

// FCALL / FCALL_RO <function> <numkeys> [key ...] [arg ...]
void fcallGeneric(Client& c, bool ro) {
  FunctionsState& st = functionsState();
  auto it = st.functions.find(toLower(c.arg(1)));
  if (it == st.functions.end()) {
    c.r().error("ERR Function not found");
    return;
  }
  const FunctionInfo& fn = *it->second;
  long long numkeys;
  if (!string2ll(c.arg(2), &numkeys)) {
    c.r().error("ERR Bad number of keys provided");
    return;
  }
  if (numkeys > static_cast<long long>(c.argc()) - 3) {
    c.r().error("ERR Number of keys can't be greater than number of args");
    return;
  }
  if (numkeys < 0) {
    c.r().error("ERR Number of keys can't be negative");
    return;
  }
  bool non_atomic = nonAtomicApplies(c, fn.flags);
  if (non_atomic && nonAtomicWaitTurn(c)) return;  // runs when the current one ends
  if (!scriptPrepare(c, fn.flags, ro)) return;

  std::vector<std::string> keys(c.argv.begin() + 3, c.argv.begin() + 3 + numkeys);
  std::vector<std::string> args(c.argv.begin() + 3 + numkeys, c.argv.end());
  Client* fake = st.lua_client;
  fake->db = c.db;
  fake->resp = 2;
  ScriptRun run;
  run.caller = &c;
  run.fake = fake;
  run.funcname = fn.name;
  run.is_eval = false;
  run.flags = fn.flags;
  run.read_only = ro || (fn.flags & SCRIPT_FLAG_NO_WRITES);
  // Effects, not the call, are propagated.
  c.prevent_propagate = true;
  if (non_atomic) {
    nonAtomicStart(c, *st.engine, run, fake, nullptr, fn.ref, std::move(keys), std::move(args));
    return;
  }
  scriptBegin(&run);
  st.engine->runFunction(run, fn.ref, keys, args, c.r());
  scriptEnd();
}

}  // namespace

bool fcallScriptFlags(const std::string& name, uint64_t* flags) {
  FunctionsState& st = functionsState();
  auto it = st.functions.find(toLower(name));
  if (it == st.functions.end()) return false;
  *flags = it->second->flags;
  return true;
}

namespace {

void fcallCommand(Client& c) { fcallGeneric(c, false); }
void fcallRoCommand(Client& c) { fcallGeneric(c, true); }

// Keys of FCALL: numkeys names from the fourth argument on.
std::vector<int> fcallGetKeys(const std::vector<std::string>& argv) {
  std::vector<int> keys;
  long long n;
  if (argv.size() < 3 || !string2ll(argv[2], &n) || n < 0 || n > static_cast<long long>(argv.size()) - 3)
    return keys;
  for (long long i = 0; i < n; i++) keys.push_back(static_cast<int>(3 + i));
  return keys;
}

// Subcommands in the order the reference's COMMAND INFO lists them.
const CommandRow kFunctionRows[] = {
    {"fcall", -3, "noscript stale skip_monitor no_mandatory_keys", "@slow @scripting", 0, 0, 0,
     fcallCommand, "scripting", "7.0.0", "Invoke a function", "Depends on the function that is executed.",
     "", fcallGetKeys},
    {"fcall_ro", -3, "readonly noscript stale skip_monitor no_mandatory_keys", "@slow @scripting", 0, 0, 0,
     fcallRoCommand, "scripting", "7.0.0", "Invoke a read-only function",
     "Depends on the function that is executed.", "", fcallGetKeys},
    {"function", -2, "", "", 0, 0, 0, functionContainer, "scripting", "7.0.0",
     "A container for function commands", "Depends on subcommand."},
    {"function|help", 2, "loading stale", "@slow @scripting", 0, 0, 0, functionHelpCommand, "scripting",
     "7.0.0", "Show helpful text about the different subcommands", "O(1)"},
    {"function|load", -3, "write denyoom noscript", "@write @slow @scripting", 0, 0, 0, functionLoadCommand,
     "scripting", "7.0.0", "Create a function with the given arguments (name, code, description)",
     "O(1) (considering compilation time is redundant)",
     "request_policy:all_shards response_policy:all_succeeded"},
    {"function|flush", -2, "write noscript", "@write @slow @scripting", 0, 0, 0, functionFlushCommand,
     "scripting", "7.0.0", "Deleting all functions", "O(N) where N is the number of functions deleted",
     "request_policy:all_shards response_policy:all_succeeded"},
    {"function|list", -2, "noscript", "@slow @scripting", 0, 0, 0, functionListCommand, "scripting",
     "7.0.0", "List information about all the functions", "O(N) where N is the number of functions",
     "nondeterministic_output_order"},
    {"function|kill", 2, "noscript allow_busy", "@slow @scripting", 0, 0, 0, functionKillCommand,
     "scripting", "7.0.0", "Kill the function currently in execution.", "O(1)",
     "request_policy:all_shards response_policy:one_succeeded"},
    {"function|stats", 2, "noscript allow_busy", "@slow @scripting", 0, 0, 0, functionStatsCommand,
     "scripting", "7.0.0",
     "Return information about the function currently running (name, description, duration)", "O(1)",
     "nondeterministic_output request_policy:all_shards response_policy:special"},
    {"function|delete", 3, "write noscript", "@write @slow @scripting", 0, 0, 0, functionDeleteCommand,
     "scripting", "7.0.0", "Delete a function by name", "O(1)",
     "request_policy:all_shards response_policy:all_succeeded"},
    {"function|dump", 2, "noscript", "@slow @scripting", 0, 0, 0, functionDumpCommand, "scripting",
     "7.0.0", "Dump all functions into a serialized binary payload",
     "O(N) where N is the number of functions"},
    {"function|restore", -3, "write denyoom noscript", "@write @slow @scripting", 0, 0, 0,
     functionRestoreCommand, "scripting", "7.0.0", "Restore all the functions on the given payload",
     "O(N) where N is the number of functions on the payload",
     "request_policy:all_shards response_policy:all_succeeded"},
};

}  // namespace

CommandRows functionCommands() {
  return {kFunctionRows, sizeof(kFunctionRows) / sizeof(kFunctionRows[0])};
}

// ---- For the RDB code (declared in rdb.h) -----------------------------------------------

std::vector<std::string> functionLibraryCodes() {
  std::vector<std::string> codes;
  for (const auto& [name, lib] : functionsState().libraries) codes.push_back(lib->code);
  return codes;
}

bool functionsLoadLibraryCode(std::string_view code, std::string* err) {
  std::string e;
  if (!createLibrary(code, true, 0, &e).empty()) return true;
  *err = e.compare(0, 4, "ERR ") == 0 ? e.substr(4) : e;
  return false;
}

void functionsClearLibraries() { flushLibraries(); }

}  // namespace osprey
