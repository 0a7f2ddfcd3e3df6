// server/scripting.h — the engine-neutral side of scripts (EVAL and FUNCTION alike): the
// run context of the script in progress, the busy state, SCRIPT KILL / FUNCTION KILL, and
// how a script executes a Redis command.
//
// The Lua bridge (script_lua.*) calls scriptInterrupt() from its instruction-count hook and
// scriptCall() for redis.call/pcall. Everything that depends on *which* engine runs lives
// there; everything that depends on the server lives here.
#pragma once

#include <string>
#include <vector>

#include "common/reply.h"
#include "server/server.h"

namespace osprey {

// Script flags (shebang `#!lua flags=...` / register_function flags).
enum ScriptFlag : uint64_t {
  SCRIPT_FLAG_NO_WRITES = 1 << 0,
  SCRIPT_FLAG_ALLOW_OOM = 1 << 1,
  SCRIPT_FLAG_ALLOW_STALE = 1 << 2,
  SCRIPT_FLAG_NO_CLUSTER = 1 << 3,
  SCRIPT_FLAG_EVAL_COMPAT_MODE = 1 << 4,  // EVAL without a shebang
  SCRIPT_FLAG_ALLOW_CROSS_SLOT = 1 << 5,
  // Dragonfly's flags (server/script_nonatomic.cpp): the script yields between its
  // redis.calls; it may touch keys it did not declare (Redis 7.0 allows that anyway
  // outside cluster mode, so the flag is accepted and changes nothing).
  SCRIPT_FLAG_DISABLE_ATOMICITY = 1 << 6,
  SCRIPT_FLAG_ALLOW_UNDECLARED_KEYS = 1 << 7,
};
// Parses one flag name ("no-writes", ...); false if unknown.
bool scriptFlagFromName(std::string_view name, uint64_t* flag);

// Replication targets of redis.set_repl.
enum ScriptRepl : int { SCRIPT_REPL_NONE = 0, SCRIPT_REPL_AOF = 1, SCRIPT_REPL_REPLICA = 2, SCRIPT_REPL_ALL = 3 };

struct ScriptRun {
  Client* caller = nullptr;  // the client that sent EVAL / FCALL
  Client* fake = nullptr;    // the client redis.call runs commands as
  std::string funcname;      // EVAL: the sha; FCALL: the function name (error texts, logs)
  bool is_eval = true;
  bool read_only = false;    // EVAL_RO / FCALL_RO / no-writes
  uint64_t flags = 0;
  long long start_us = 0;    // monotonic
  bool timed_out = false;    // ran past busy-reply-threshold: the server is "busy"
  bool kill_requested = false;
  bool wrote = false;        // executed a write command: the script can no longer be killed
  int repl = SCRIPT_REPL_ALL;
  // Non-atomic (disable-atomicity): the script runs in slices from the event loop and
  // yields between its calls (script_nonatomic.cpp); slice_start_us bounds a slice.
  bool non_atomic = false;
  long long slice_start_us = 0;
};

// How long a non-atomic script computes before its hook yields to the event loop.
inline constexpr long long kNonAtomicSliceUs = 50;

// The script in progress, or nullptr.
ScriptRun* currentScript();

// Checks run before a script starts (flags against server state). Replies the error and
// returns false when the script must not run.
bool scriptPrepare(Client& caller, uint64_t flags, bool ro_command);
// The flags of the script an EVAL / EVALSHA (eval.cpp) or FCALL (functions.cpp) would
// run; false when it is unknown (not cached, no such function, a bad shebang).
bool evalScriptFlags(const std::vector<std::string>& argv, bool evalsha, uint64_t* flags);
bool fcallScriptFlags(const std::string& name, uint64_t* flags);
// Whether c's EVAL / FCALL runs a script whose flags make it a DENYOOM command (a shebang
// without allow-oom or no-writes), as Redis derives a script command's flags.
bool scriptCommandDenyOom(const Client& c);

// Starts / ends the run context. While it is set, other clients are served only through
// the busy poller once the script times out.
void scriptBegin(ScriptRun* run);
void scriptEnd();

// Called periodically by the engine's hook while a script runs. Detects the timeout, logs
// "Slow script detected", serves other clients while busy. Returns true when the script
// must be stopped (SCRIPT KILL / FUNCTION KILL).
bool scriptInterrupt();

// Runs argv as a command on behalf of the running script, with the checks Redis applies
// inside scripts. The reply (or the refusal, as an error) goes to `out`. Returns false if
// the command was refused before running (the error text is in `out`).
bool scriptCall(std::vector<std::string>& argv, ReplyCapture& out);

// Adds `delta` to the error statistics (INFO errorstats, total_error_replies) for the error
// text `err` ("CODE message"). Errors of commands a script runs are counted when they happen,
// as on Redis; a script's final error that only hands one of them back is then uncounted.
void scriptErrorStat(std::string_view err, int delta);

// DEBUG SET-DISABLE-DENY-SCRIPTS: when set, NOSCRIPT commands may run inside scripts (the
// upstream test suite uses it).
extern bool g_script_disable_deny_script;

// SCRIPT KILL (is_eval) / FUNCTION KILL handler body.
void scriptKillCommand(Client& c, bool is_eval);

// Serves clients for one round without the event loop (used while busy). Public so tests
// and DEBUG SLEEP-like blocking can share it.
void processEventsWhileBusy();

}  // namespace osprey
