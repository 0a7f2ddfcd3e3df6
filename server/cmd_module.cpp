// server/cmd_module.cpp — the MODULE command of a server that loads no modules.
//
// Osprey has no module API, but client libraries' suites call MODULE, so it answers as
// Redis 7.0.15 answers with no module loaded: LIST is empty, LOAD / LOADEX fail with
// Redis's reply and log Redis's reason (a missing file: the dynamic loader's "cannot open
// shared object file"), UNLOAD finds no such module, HELP is Redis's text. The
// enable-module-command refusal ("MODULE command not allowed ...") is the dispatcher's, as
// for DEBUG: the rows below carry the protected flag where Redis's do.
//
// A file that exists is never opened: loading it would run its code in the server.
#include <sys/stat.h>

#include <string>

#include "common/log.h"
#include "common/util.h"
#include "server/server.h"

namespace osprey {

namespace {

constexpr const char* kErrLoading = "ERR Error loading the extension. Please check the server logs.";
constexpr const char* kErrUnloadNoSuch = "ERR Error unloading module: no such module with that name";

// Why the load failed, in the words Redis's log uses (dlopen's error for a missing file).
void logLoadFailure(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    serverLog(LogLevel::Warning, "Module {} failed to load: {}: cannot open shared object file: No such file or directory",
              path, path);
  } else {
    serverLog(LogLevel::Warning, "Module {} failed to load: this server (Osprey) loads no modules", path);
  }
}

void moduleHelpCommand(Client& c) {
  replyHelp(c, {
      "LIST",
      "    Return a list of loaded modules.",
      "LOAD <path> [<arg> ...]",
      "    Load a module library from <path>, passing to it any optional arguments.",
      "LOADEX <path> [[CONFIG NAME VALUE] [CONFIG NAME VALUE]] [ARGS ...]",
      "    Load a module library from <path>, while passing it module configurations and optional arguments.",
      "UNLOAD <name>",
      "    Unload a module.",
  });
}

void moduleListCommand(Client& c) { c.r().arrayLen(0); }

void moduleLoadCommand(Client& c) {
  logLoadFailure(c.arg(2));
  c.r().error(kErrLoading);
}

// LOADEX <path> [CONFIG name value ...] [ARGS arg ...]: the arguments are checked first,
// as Redis's parseLoadexArguments does (its log lines), then the load fails as LOAD's.
void moduleLoadexCommand(Client& c) {
  size_t argc = c.argv.size();
  for (size_t j = 3; j < argc; j++) {
    if (equalsIgnoreCase(c.argv[j], "config")) {
      if (j + 2 >= argc) {
        serverLog(LogLevel::Notice, "CONFIG specified without name value pair");
        c.r().error(kErrLoading);
        return;
      }
      j += 2;
    } else if (equalsIgnoreCase(c.argv[j], "args")) {
      break;  // the rest is the module's own arguments
    } else {
      serverLog(LogLevel::Notice, "Syntax Error from arguments to loadex around {}.", c.argv[j]);
      c.r().error(kErrLoading);
      return;
    }
  }
  logLoadFailure(c.arg(2));
  c.r().error(kErrLoading);
}

void moduleUnloadCommand(Client& c) { c.r().error(kErrUnloadNoSuch); }

void moduleContainerCommand(Client& c) { replySubcommandSyntaxError(c); }  // never called

constexpr const char* kModuleFlags = "admin noscript no_async_loading protected";
constexpr const char* kModuleAcl = "@admin @slow @dangerous";

const CommandRow kRows[] = {
    {"module", -2, "", "@slow", 0, 0, 0, moduleContainerCommand, "server", "4.0.0",
     "A container for module commands", "Depends on subcommand."},
    {"module|help", 2, "loading stale", "@slow", 0, 0, 0, moduleHelpCommand, "server", "5.0.0",
     "Show helpful text about the different subcommands", "O(1)"},
    {"module|list", 2, "admin noscript", kModuleAcl, 0, 0, 0, moduleListCommand, "server",
     "4.0.0", "List all modules loaded by the server",
     "O(N) where N is the number of loaded modules.", "nondeterministic_output_order"},
    {"module|load", -3, kModuleFlags, kModuleAcl, 0, 0, 0, moduleLoadCommand, "server", "4.0.0",
     "Load a module", "O(1)"},
    {"module|loadex", -3, kModuleFlags, kModuleAcl, 0, 0, 0, moduleLoadexCommand, "server", "7.0.0",
     "Load a module with extended parameters", "O(1)"},
    {"module|unload", 3, kModuleFlags, kModuleAcl, 0, 0, 0, moduleUnloadCommand, "server", "4.0.0",
     "Unload a module", "O(1)"},
};

}  // namespace

CommandRows moduleCommands() { return {kRows, sizeof(kRows) / sizeof(kRows[0])}; }

}  // namespace osprey
