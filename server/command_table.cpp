// server/command_table.cpp — the one command table, built from the rows every family
// registers, and the COMMAND command family generated from it (COMMAND, COUNT, INFO,
// LIST, GETKEYS, GETKEYSANDFLAGS, DOCS).
#include <algorithm>
#include <sstream>

#include "common/util.h"
#include "server/db.h"
#include "server/server.h"

namespace osprey {

namespace {

struct FlagName {
  const char* name;
  uint64_t flag;
};
// In the order COMMAND prints them.
const FlagName kFlagNames[] = {
    {"write", CMD_WRITE},           {"readonly", CMD_READONLY},
    {"denyoom", CMD_DENYOOM},       {"module", CMD_MODULE},
    {"admin", CMD_ADMIN},           {"pubsub", CMD_PUBSUB},
    {"noscript", CMD_NOSCRIPT},     {"blocking", CMD_BLOCKING},
    {"loading", CMD_LOADING},       {"stale", CMD_STALE},
    {"skip_monitor", CMD_SKIP_MONITOR}, {"skip_slowlog", CMD_SKIP_SLOWLOG},
    {"asking", CMD_ASKING},         {"fast", CMD_FAST},
    {"no_auth", CMD_NO_AUTH},       {"may_replicate", CMD_MAY_REPLICATE},
    {"sentinel", CMD_SENTINEL},     {"only_sentinel", CMD_ONLY_SENTINEL},
    {"no_mandatory_keys", CMD_NO_MANDATORY_KEYS}, {"protected", CMD_PROTECTED},
    {"no_async_loading", CMD_NO_ASYNC_LOADING}, {"no_multi", CMD_NO_MULTI},
    {"movablekeys", CMD_MOVABLE_KEYS}, {"allow_busy", CMD_ALLOW_BUSY},
};

uint64_t parseFlags(const char* s) {
  uint64_t f = 0;
  std::istringstream in(s ? s : "");
  std::string w;
  while (in >> w) {
    bool found = false;
    for (const auto& fn : kFlagNames)
      if (w == fn.name) {
        f |= fn.flag;
        found = true;
      }
    if (!found) {
      fprintf(stderr, "command table: unknown flag '%s'\n", w.c_str());
      abort();
    }
  }
  return f;
}

// ACL categories as Redis derives them: the row's own plus those implied by the flags.
std::vector<std::string> aclCategories(const char* acl, uint64_t flags) {
  std::vector<std::string> cats;
  auto add = [&](const std::string& c) {
    if (std::find(cats.begin(), cats.end(), c) == cats.end()) cats.push_back(c);
  };
  std::istringstream in(acl ? acl : "");
  std::string w;
  while (in >> w) add(w[0] == '@' ? w.substr(1) : w);
  if (flags & CMD_WRITE) add("write");
  if ((flags & CMD_READONLY) && std::find(cats.begin(), cats.end(), "scripting") == cats.end())
    add("read");
  if (flags & CMD_ADMIN) {
    add("admin");
    add("dangerous");
  }
  if (flags & CMD_PUBSUB) add("pubsub");
  if (flags & CMD_FAST) add("fast");
  if (flags & CMD_BLOCKING) add("blocking");
  if (!(flags & CMD_FAST)) add("slow");
  return cats;
}

std::vector<std::string> words(const char* s) {
  std::vector<std::string> out;
  std::istringstream in(s ? s : "");
  std::string w;
  while (in >> w) out.push_back(w);
  return out;
}

}  // namespace

void CommandTable::addRow(const CommandRow& row) {
  auto cmd = std::make_unique<Command>();
  std::string full = row.name;
  cmd->fullname = full;
  cmd->arity = row.arity;
  cmd->flags = parseFlags(row.flags);
  if (row.getkeys) cmd->flags |= CMD_MOVABLE_KEYS;
  cmd->acl_categories = aclCategories(row.acl, cmd->flags);
  cmd->first_key = row.first_key;
  cmd->last_key = row.last_key;
  cmd->key_step = row.key_step;
  cmd->proc = row.proc;
  cmd->getkeys = row.getkeys;
  cmd->group = row.group ? row.group : "";
  cmd->since = row.since ? row.since : "";
  cmd->summary = row.summary ? row.summary : "";
  cmd->complexity = row.complexity ? row.complexity : "";
  cmd->tips = words(row.tips);
  size_t bar = full.find('|');
  if (bar == std::string::npos) {
    cmd->name = full;
    index_[full] = cmd.get();
    commands_.push_back(std::move(cmd));
  } else {
    std::string parent = full.substr(0, bar);
    cmd->name = full.substr(bar + 1);
    auto it = index_.find(parent);
    if (it == index_.end()) {
      fprintf(stderr, "command table: subcommand %s before its container\n", full.c_str());
      abort();
    }
    cmd->parent = it->second;
    it->second->sub_index[cmd->name] = cmd.get();
    it->second->subcommands.push_back(std::move(cmd));
  }
}

void CommandTable::build() {
  commands_.clear();
  index_.clear();
  for (auto family : {connectionCommands, stringCommands, keyCommands, listCommands,
                      hashCommands, setCommands, zsetCommands, pubsubCommands, multiCommands,
                      serverCommands, introspectionCommands, scriptingCommands,
                      functionCommands, sortCommands}) {
    CommandRows rows = family();
    for (size_t i = 0; i < rows.count; i++) addRow(rows.rows[i]);
  }
}

Command* CommandTable::lookupName(std::string_view name) const {
  char buf[64];
  if (name.size() >= sizeof buf) return nullptr;
  for (size_t i = 0; i < name.size(); i++) buf[i] = static_cast<char>(tolower(static_cast<unsigned char>(name[i])));
  auto it = index_.find(std::string(buf, name.size()));
  return it == index_.end() ? nullptr : it->second;
}

Command* CommandTable::lookup(const std::vector<std::string>& argv) const {
  Command* base = lookupName(argv[0]);
  if (!base || base->subcommands.empty() || argv.size() < 2) return base;
  std::string sub = toLower(argv[1]);
  auto it = base->sub_index.find(sub);
  return it == base->sub_index.end() ? nullptr : it->second;
}

Command* CommandTable::lookupFullname(std::string_view fullname) const {
  size_t bar = fullname.find('|');
  if (bar == std::string_view::npos) return lookupName(fullname);
  Command* base = lookupName(fullname.substr(0, bar));
  if (!base) return nullptr;
  auto it = base->sub_index.find(toLower(fullname.substr(bar + 1)));
  return it == base->sub_index.end() ? nullptr : it->second;
}

std::vector<int> CommandTable::keyPositions(const Command& cmd, const std::vector<std::string>& argv) {
  if (cmd.getkeys) return cmd.getkeys(argv);
  std::vector<int> keys;
  if (cmd.first_key <= 0) return keys;
  int argc = static_cast<int>(argv.size());
  int last = cmd.last_key >= 0 ? cmd.last_key : argc + cmd.last_key;
  int step = cmd.key_step > 0 ? cmd.key_step : 1;
  for (int i = cmd.first_key; i <= last && i < argc; i += step) keys.push_back(i);
  return keys;
}

// ---- COMMAND ---------------------------------------------------------------

static void replyFlags(ReplyBuilder& r, uint64_t flags) {
  int n = 0;
  for (const auto& fn : kFlagNames)
    if (flags & fn.flag) n++;
  r.setLen(static_cast<size_t>(n));
  for (const auto& fn : kFlagNames)
    if (flags & fn.flag) r.status(fn.name);
}

static void replyKeySpecs(ReplyBuilder& r, const Command& cmd) {
  if (cmd.first_key <= 0) {
    r.arrayLen(0);
    return;
  }
  r.arrayLen(1);
  r.mapLen(3);
  r.bulk("flags");
  if (cmd.has(CMD_WRITE)) {
    r.setLen(2);
    r.status("RW");
    r.status("update");
  } else {
    r.setLen(2);
    r.status("RO");
    r.status("access");
  }
  r.bulk("begin_search");
  r.mapLen(2);
  r.bulk("type");
  r.bulk("index");
  r.bulk("spec");
  r.mapLen(1);
  r.bulk("index");
  r.integer(cmd.first_key);
  r.bulk("find_keys");
  r.mapLen(2);
  r.bulk("type");
  r.bulk("range");
  r.bulk("spec");
  r.mapLen(3);
  r.bulk("lastkey");
  r.integer(cmd.last_key < 0 ? cmd.last_key : cmd.last_key - cmd.first_key);
  r.bulk("keystep");
  r.integer(cmd.key_step);
  r.bulk("limit");
  r.integer(0);
}

static void replyCommandInfo(ReplyBuilder& r, const Command& cmd) {
  r.arrayLen(10);
  r.bulk(cmd.fullname);
  r.integer(cmd.arity);
  replyFlags(r, cmd.flags);
  r.integer(cmd.first_key);
  r.integer(cmd.last_key);
  r.integer(cmd.key_step);
  r.setLen(cmd.acl_categories.size());
  for (const auto& c : cmd.acl_categories) r.status("@" + c);
  r.setLen(cmd.tips.size());
  for (const auto& t : cmd.tips) r.bulk(t);  // tips are bulk strings in COMMAND's reply
  replyKeySpecs(r, cmd);
  r.arrayLen(cmd.subcommands.size());
  for (const auto& s : cmd.subcommands) replyCommandInfo(r, *s);
}

static void replyCommandDocs(ReplyBuilder& r, const Command& cmd) {
  size_t n = 4 + (cmd.subcommands.empty() ? 0 : 1);
  r.mapLen(n);
  r.bulk("summary");
  r.bulk(cmd.summary);
  r.bulk("since");
  r.bulk(cmd.since);
  r.bulk("group");
  r.bulk(cmd.group);
  r.bulk("complexity");
  r.bulk(cmd.complexity);
  if (!cmd.subcommands.empty()) {
    r.bulk("subcommands");
    r.mapLen(cmd.subcommands.size());
    for (const auto& s : cmd.subcommands) {
      r.bulk(s->fullname);
      replyCommandDocs(r, *s);
    }
  }
}

static void commandCommand(Client& c) {
  auto& r = c.r();
  const auto& all = server.commands.all();
  r.arrayLen(all.size());
  for (const auto& cmd : all) replyCommandInfo(r, *cmd);
}

static void commandCountCommand(Client& c) {
  c.r().integer(static_cast<long long>(server.commands.count()));
}

static void commandInfoCommand(Client& c) {
  auto& r = c.r();
  if (c.argc() == 2) {
    commandCommand(c);
    return;
  }
  r.arrayLen(c.argc() - 2);
  for (size_t i = 2; i < c.argc(); i++) {
    Command* cmd = server.commands.lookupFullname(c.arg(i));
    if (cmd)
      replyCommandInfo(r, *cmd);
    else
      r.null();
  }
}

static void commandDocsCommand(Client& c) {
  auto& r = c.r();
  std::vector<Command*> picked;
  if (c.argc() == 2) {
    for (const auto& cmd : server.commands.all()) picked.push_back(cmd.get());
  } else {
    for (size_t i = 2; i < c.argc(); i++)
      if (Command* cmd = server.commands.lookupFullname(c.arg(i))) picked.push_back(cmd);
  }
  r.mapLen(picked.size());
  for (Command* cmd : picked) {
    r.bulk(cmd->fullname);
    replyCommandDocs(r, *cmd);
  }
}

static void addListName(std::vector<std::string>& out, const Command& cmd) {
  out.push_back(cmd.fullname);
  for (const auto& s : cmd.subcommands) out.push_back(s->fullname);
}

static void commandListCommand(Client& c) {
  std::vector<std::string> names;
  size_t i = 2;
  if (c.argc() == 2) {
    for (const auto& cmd : server.commands.all()) addListName(names, *cmd);
  } else if (c.argc() == 5 && equalsIgnoreCase(c.arg(2), "filterby")) {
    const std::string& kind = c.arg(3);
    const std::string& val = c.arg(4);
    auto match = [&](const Command& cmd) {
      if (equalsIgnoreCase(kind, "module")) return false;
      if (equalsIgnoreCase(kind, "aclcat")) {
        for (const auto& cat : cmd.acl_categories)
          if (equalsIgnoreCase(cat, val)) return true;
        return false;
      }
      return stringmatch(val, cmd.fullname, true);  // pattern
    };
    for (const auto& cmd : server.commands.all()) {
      if (match(*cmd)) names.push_back(cmd->fullname);
      for (const auto& s : cmd->subcommands)
        if (match(*s)) names.push_back(s->fullname);
    }
    if (!equalsIgnoreCase(kind, "module") && !equalsIgnoreCase(kind, "aclcat") &&
        !equalsIgnoreCase(kind, "pattern")) {
      replySyntaxError(c);
      return;
    }
  } else {
    (void)i;
    replySyntaxError(c);
    return;
  }
  c.r().arrayLen(names.size());
  for (const auto& n : names) c.r().bulk(n);
}

static void getkeysCommon(Client& c, bool with_flags) {
  std::vector<std::string> argv(c.argv.begin() + 2, c.argv.end());
  Command* cmd = server.commands.lookup(argv);
  if (!cmd) {
    c.r().error("ERR Invalid command specified");
    return;
  }
  long long argc = static_cast<long long>(argv.size());
  if ((cmd->arity > 0 && cmd->arity != argc) || argc < -cmd->arity) {
    c.r().error("ERR Invalid number of arguments specified for command");
    return;
  }
  std::vector<int> keys = CommandTable::keyPositions(*cmd, argv);
  if (keys.empty()) {
    if (cmd->first_key == 0 && !cmd->getkeys)
      c.r().error("ERR The command has no key arguments");
    else
      c.r().error("ERR Invalid arguments specified for command");
    return;
  }
  c.r().arrayLen(keys.size());
  for (int k : keys) {
    if (with_flags) {
      c.r().arrayLen(2);
      c.r().bulk(argv[static_cast<size_t>(k)]);
      c.r().setLen(2);
      c.r().status(cmd->has(CMD_WRITE) ? "RW" : "RO");
      c.r().status(cmd->has(CMD_WRITE) ? "update" : "access");
    } else {
      c.r().bulk(argv[static_cast<size_t>(k)]);
    }
  }
}

static void commandGetkeysCommand(Client& c) { getkeysCommon(c, false); }
static void commandGetkeysAndFlagsCommand(Client& c) { getkeysCommon(c, true); }

static void commandHelpCommand(Client& c) {
  replyHelp(c, {
      "(no subcommand)",
      "    Return details about all Redis commands.",
      "COUNT",
      "    Return the total number of commands in this Redis server.",
      "LIST",
      "    Return a list of all commands in this Redis server.",
      "INFO [<command-name> ...]",
      "    Return details about multiple Redis commands.",
      "    If no command names are given, documentation details for all",
      "    commands are returned.",
      "DOCS [<command-name> ...]",
      "    Return documentation details about multiple Redis commands.",
      "    If no command names are given, documentation details for all",
      "    commands are returned.",
      "GETKEYS <full-command>",
      "    Return the keys from a full Redis command.",
      "GETKEYSANDFLAGS <full-command>",
      "    Return the keys and the access flags from a full Redis command.",
  });
}

static const CommandRow kIntrospectionRows[] = {
    {"command", -1, "loading stale", "@connection", 0, 0, 0, commandCommand, "server", "2.8.13",
     "Get array of Redis command details", "O(N) where N is the total number of Redis commands",
     "nondeterministic_output_order"},
    {"command|count", 2, "loading stale", "@connection", 0, 0, 0, commandCountCommand, "server",
     "2.8.13", "Get total number of Redis commands", "O(1)"},
    {"command|docs", -2, "loading stale", "@connection", 0, 0, 0, commandDocsCommand, "server",
     "7.0.0", "Get array of specific Redis command documentation",
     "O(N) where N is the number of commands to look up", "nondeterministic_output_order"},
    {"command|getkeys", -4, "loading stale", "@connection", 0, 0, 0, commandGetkeysCommand,
     "server", "2.8.13", "Extract keys given a full Redis command",
     "O(N) where N is the number of arguments to the command"},
    {"command|getkeysandflags", -4, "loading stale", "@connection", 0, 0, 0,
     commandGetkeysAndFlagsCommand, "server", "7.0.0",
     "Extract keys and access flags given a full Redis command",
     "O(N) where N is the number of arguments to the command"},
    {"command|help", 2, "loading stale", "@connection", 0, 0, 0, commandHelpCommand, "server",
     "5.0.0", "Show helpful text about the different subcommands", "O(1)"},
    {"command|info", -2, "loading stale", "@connection", 0, 0, 0, commandInfoCommand, "server",
     "2.8.13", "Get array of specific Redis command details",
     "O(N) where N is the number of commands to look up", "nondeterministic_output_order"},
    {"command|list", -2, "loading stale", "@connection", 0, 0, 0, commandListCommand, "server",
     "7.0.0", "Get an array of Redis command names", "O(N) where N is the total number of Redis commands",
     "nondeterministic_output_order"},
};

CommandRows introspectionCommands() {
  return {kIntrospectionRows, sizeof(kIntrospectionRows) / sizeof(kIntrospectionRows[0])};
}

}  // namespace osprey
