// server/command_table.cpp — the one command table, built from the rows every family
// registers, and the COMMAND command family generated from it (COMMAND, COUNT, INFO,
// LIST, GETKEYS, GETKEYSANDFLAGS, DOCS).
#include <algorithm>
#include <sstream>

#include "common/util.h"
#include "server/command_docs.h"
#include "server/db.h"
#include "server/replication.h"
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

// ACL categories as Redis derives them: the row's own plus those implied by the flags,
// listed in Redis's fixed category order (the order COMMAND INFO prints them in).
const char* const kAclCategoryOrder[] = {
    "keyspace", "read",  "write",    "set",      "sortedset",  "list",        "hash",
    "string",   "bitmap", "hyperloglog", "geo",  "stream",     "pubsub",      "admin",
    "fast",     "slow",  "blocking", "dangerous", "connection", "transaction", "scripting",
};

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
  auto rank = [](const std::string& c) {
    const auto* end = std::end(kAclCategoryOrder);
    return std::find(std::begin(kAclCategoryOrder), end, c) - std::begin(kAclCategoryOrder);
  };
  std::stable_sort(cats.begin(), cats.end(),
                   [&](const std::string& a, const std::string& b) { return rank(a) < rank(b); });
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
  // One family per line, each ending in a comma: a new family is one added line.
  using FamilyFn = CommandRows (*)();
  const FamilyFn families[] = {
      connectionCommands,
      stringCommands,
      keyCommands,
      listCommands,
      hashCommands,
      setCommands,
      zsetCommands,
      pubsubCommands,
      multiCommands,
      serverCommands,
      introspectionCommands,
      scriptingCommands,
      functionCommands,
      sortCommands,
      dumpCommands,
      replicationCommands,
      moduleCommands,
      bitmapCommands,
      hyperloglogCommands,
      geoCommands,
      streamCommands,
      aclCommands,
      stickyCommands,
  };
  for (FamilyFn family : families) {
    CommandRows rows = family();
    for (size_t i = 0; i < rows.count; i++) addRow(rows.rows[i]);
  }
}

bool CommandTable::rename(const std::string& from, const std::string& to, std::string* err) {
  auto it = index_.find(toLower(from));
  if (it == index_.end()) {
    *err = "No such command in rename-command";
    return false;
  }
  Command* cmd = it->second;
  index_.erase(it);
  if (to.empty()) return true;  // "" removes the command
  if (!index_.emplace(toLower(to), cmd).second) {
    *err = "Target command name already exists";
    return false;
  }
  return true;
}

Command* CommandTable::lookupName(std::string_view name) const {
  char buf[64];
  if (name.size() >= sizeof buf) return nullptr;
  for (size_t i = 0; i < name.size(); i++) {
    char ch = name[i];
    buf[i] = ch >= 'A' && ch <= 'Z' ? static_cast<char>(ch + ('a' - 'A')) : ch;
  }
  auto it = index_.find(std::string(buf, name.size()));  // short names: no allocation
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

// ---- Key specs -------------------------------------------------------------
// Keys are found as Redis 7.0 finds them: through the command's key specs (command_docs)
// when it has reliable ones, else through the row's getkeys function ("movable keys").

namespace {

struct FoundKey {
  int pos;
  uint32_t flags;  // KS_*
};

// Applies every key spec of doc to argv. False when a spec cannot be applied (bad numkeys,
// out-of-range positions, an unknown or incomplete spec): the caller falls back to getkeys.
bool keysFromSpecs(const CommandDoc& doc, const std::vector<std::string>& argv,
                   std::vector<FoundKey>& out) {
  int argc = static_cast<int>(argv.size());
  for (int s = 0; s < doc.nspecs; s++) {
    const KeySpecDoc& spec = doc.specs[s];
    if (spec.flags & KS_NOT_KEY) continue;
    int first = 0;
    if (spec.bs == BeginSearch::Index) {
      first = spec.bs_index;
    } else if (spec.bs == BeginSearch::Keyword) {
      // Search forward from startfrom, or backward from argc+startfrom when negative; a
      // keyword that is absent means this spec has no keys in this call.
      bool forward = spec.bs_startfrom > 0;
      int i = forward ? spec.bs_startfrom : argc + spec.bs_startfrom;
      int stop = forward ? argc - 1 : 0;
      for (; i != stop; i += forward ? 1 : -1) {
        if (i >= argc || i < 1) break;
        if (equalsIgnoreCase(argv[static_cast<size_t>(i)], spec.bs_keyword)) {
          first = i + 1;
          break;
        }
      }
      if (first == 0) continue;
    } else {
      return false;
    }
    int last = 0, step = 1;
    if (spec.fk == FindKeys::Range) {
      int lastkey = spec.fk1, limit = spec.fk3;
      step = spec.fk2;
      if (lastkey >= 0)
        last = first + lastkey;
      else if (limit == 0)
        last = argc + lastkey;
      else
        last = first + ((argc - first) / limit + lastkey);
    } else if (spec.fk == FindKeys::Keynum) {
      step = spec.fk3;
      int idx = first + spec.fk1;
      if (idx >= argc) return false;
      long long numkeys;
      if (!string2ll(argv[static_cast<size_t>(idx)], &numkeys) || numkeys < 0) return false;
      first += spec.fk2;
      last = first + static_cast<int>(numkeys) - 1;
    } else {
      return false;
    }
    if (last >= argc || last < first || first >= argc) return false;
    for (int i = first; i <= last; i += step) out.push_back({i, spec.flags});
    if (spec.flags & KS_INCOMPLETE) return false;
  }
  return true;
}

// Flags for the keys a getkeys function found: those functions know what the specs cannot
// say (SET with or without GET, BITFIELD with or without writes, SORT's STORE target).
uint32_t nativeKeyFlags(const Command& cmd, const CommandDoc* doc,
                        const std::vector<std::string>& argv, size_t nth) {
  const std::string& name = cmd.fullname;
  if (name == "set") {
    for (size_t i = 3; i < argv.size(); i++)
      if (equalsIgnoreCase(argv[i], "get")) return KS_RW | KS_ACCESS | KS_UPDATE;
    return KS_OW | KS_UPDATE;
  }
  if (name == "bitfield") {
    // Read-only only while every operation is a complete GET (OVERFLOW aside).
    size_t argc = argv.size();
    for (size_t i = 2; i < argc; i++) {
      size_t rest = argc - i - 1;
      if (equalsIgnoreCase(argv[i], "get") && rest >= 2)
        i += 2;
      else if (equalsIgnoreCase(argv[i], "overflow") && rest >= 1)
        i += 1;
      else
        return KS_RW | KS_ACCESS | KS_UPDATE;
    }
    return KS_RO | KS_ACCESS;
  }
  if (name == "sort") return nth == 0 ? KS_RO | KS_ACCESS : KS_OW | KS_UPDATE;
  if (name == "migrate") return KS_RW | KS_ACCESS | KS_DELETE;
  return doc && doc->nspecs > 0 ? doc->specs[0].flags : 0;
}

// The keys of argv for cmd, as COMMAND GETKEYS reports them.
std::vector<FoundKey> commandKeys(const Command& cmd, const std::vector<std::string>& argv) {
  std::vector<FoundKey> keys;
  const CommandDoc* doc = findCommandDoc(cmd.fullname);
  bool has_keyspec = false, has_varflags = false;
  for (int s = 0; doc && s < doc->nspecs; s++) {
    if (!(doc->specs[s].flags & KS_NOT_KEY)) has_keyspec = true;
    if (doc->specs[s].flags & KS_VARIABLE_FLAGS) has_varflags = true;
  }
  if (has_keyspec) {
    if (keysFromSpecs(*doc, argv, keys)) {
      // Variable flags (SET, BITFIELD): the positions hold, the access depends on the call.
      if (has_varflags)
        for (size_t i = 0; i < keys.size(); i++) keys[i].flags = nativeKeyFlags(cmd, doc, argv, i);
      return keys;
    }
    keys.clear();
  }
  if (cmd.getkeys) {
    std::vector<int> pos = cmd.getkeys(argv);
    for (size_t i = 0; i < pos.size(); i++)
      if (pos[i] >= 0) keys.push_back({pos[i], nativeKeyFlags(cmd, doc, argv, i)});
  } else if (!doc && cmd.first_key > 0) {
    // No docs entry (a command the reference server lacks): the legacy range.
    int argc = static_cast<int>(argv.size());
    int last = cmd.last_key >= 0 ? cmd.last_key : argc + cmd.last_key;
    int step = cmd.key_step > 0 ? cmd.key_step : 1;
    uint32_t flags = cmd.has(CMD_WRITE) ? KS_RW | KS_UPDATE : KS_RO | KS_ACCESS;
    for (int i = cmd.first_key; i <= last && i < argc; i += step) keys.push_back({i, flags});
  }
  return keys;
}

bool commandHasKeys(const Command& cmd) {
  if (cmd.getkeys) return true;
  const CommandDoc* doc = findCommandDoc(cmd.fullname);
  if (!doc) return cmd.first_key > 0;
  for (int s = 0; s < doc->nspecs; s++)
    if (!(doc->specs[s].flags & KS_NOT_KEY)) return true;
  return false;
}

struct KeySpecFlagName {
  uint32_t flag;
  const char* name;
};
const KeySpecFlagName kKeySpecFlagNames[] = {
    {KS_RO, "RO"},         {KS_RW, "RW"},           {KS_OW, "OW"},
    {KS_RM, "RM"},         {KS_ACCESS, "access"},   {KS_UPDATE, "update"},
    {KS_INSERT, "insert"}, {KS_DELETE, "delete"},   {KS_NOT_KEY, "not_key"},
    {KS_INCOMPLETE, "incomplete"}, {KS_VARIABLE_FLAGS, "variable_flags"},
};

void replyKeySpecFlags(ReplyBuilder& r, uint32_t flags) {
  size_t n = 0;
  for (const auto& f : kKeySpecFlagNames)
    if (flags & f.flag) n++;
  r.setLen(n);
  for (const auto& f : kKeySpecFlagNames)
    if (flags & f.flag) r.status(f.name);
}

}  // namespace

std::vector<int> CommandTable::keyPositions(const Command& cmd, const std::vector<std::string>& argv) {
  std::vector<int> out;
  for (const FoundKey& k : commandKeys(cmd, argv)) out.push_back(k.pos);
  return out;
}

std::vector<std::pair<int, uint32_t>> CommandTable::keysAndFlags(const Command& cmd,
                                                                const std::vector<std::string>& argv) {
  std::vector<std::pair<int, uint32_t>> out;
  for (const FoundKey& k : commandKeys(cmd, argv)) out.emplace_back(k.pos, k.flags);
  return out;
}

bool CommandTable::hasKeys(const Command& cmd) { return commandHasKeys(cmd); }

// ---- COMMAND ---------------------------------------------------------------

static void replyFlags(ReplyBuilder& r, uint64_t flags) {
  // Enforced, but not listed by 7.0's COMMAND.
  flags &= ~static_cast<uint64_t>(CMD_PROTECTED | CMD_MAY_REPLICATE);
  int n = 0;
  for (const auto& fn : kFlagNames)
    if (flags & fn.flag) n++;
  r.setLen(static_cast<size_t>(n));
  for (const auto& fn : kFlagNames)
    if (flags & fn.flag) r.status(fn.name);
}

static void replyKeySpec(ReplyBuilder& r, const KeySpecDoc& spec) {
  r.mapLen(spec.notes ? 4 : 3);
  if (spec.notes) {
    r.bulk("notes");
    r.bulk(spec.notes);
  }
  r.bulk("flags");
  replyKeySpecFlags(r, spec.flags);
  r.bulk("begin_search");
  r.mapLen(2);
  r.bulk("type");
  switch (spec.bs) {
    case BeginSearch::Index:
      r.bulk("index");
      r.bulk("spec");
      r.mapLen(1);
      r.bulk("index");
      r.integer(spec.bs_index);
      break;
    case BeginSearch::Keyword:
      r.bulk("keyword");
      r.bulk("spec");
      r.mapLen(2);
      r.bulk("keyword");
      r.bulk(spec.bs_keyword);
      r.bulk("startfrom");
      r.integer(spec.bs_startfrom);
      break;
    case BeginSearch::Unknown:
      r.bulk("unknown");
      r.bulk("spec");
      r.mapLen(0);
      break;
  }
  r.bulk("find_keys");
  r.mapLen(2);
  r.bulk("type");
  switch (spec.fk) {
    case FindKeys::Range:
      r.bulk("range");
      r.bulk("spec");
      r.mapLen(3);
      r.bulk("lastkey");
      r.integer(spec.fk1);
      r.bulk("keystep");
      r.integer(spec.fk2);
      r.bulk("limit");
      r.integer(spec.fk3);
      break;
    case FindKeys::Keynum:
      r.bulk("keynum");
      r.bulk("spec");
      r.mapLen(3);
      r.bulk("keynumidx");
      r.integer(spec.fk1);
      r.bulk("firstkey");
      r.integer(spec.fk2);
      r.bulk("keystep");
      r.integer(spec.fk3);
      break;
    case FindKeys::Unknown:
      r.bulk("unknown");
      r.bulk("spec");
      r.mapLen(0);
      break;
  }
}

static void replyKeySpecs(ReplyBuilder& r, const Command& cmd) {
  const CommandDoc* doc = findCommandDoc(cmd.fullname);
  if (!doc) {
    r.setLen(0);
    return;
  }
  r.setLen(static_cast<size_t>(doc->nspecs));
  for (int i = 0; i < doc->nspecs; i++) replyKeySpec(r, doc->specs[i]);
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
  if (cmd.subcommands.empty()) {
    r.setLen(0);
    return;
  }
  r.arrayLen(cmd.subcommands.size());
  for (const auto& s : cmd.subcommands) replyCommandInfo(r, *s);
}

// Replies the argument rows args[i..] for `count` siblings; returns the index after them.
static int replyArgs(ReplyBuilder& r, const ArgDoc* args, int i, int count) {
  r.arrayLen(static_cast<size_t>(count));
  for (int n = 0; n < count; n++) {
    const ArgDoc& a = args[i++];
    size_t fields = 2 + (a.key_spec_index >= 0) + (a.token != nullptr) + (a.since != nullptr) +
                    (a.deprecated_since != nullptr) + (a.flags != 0) + (a.children >= 0);
    r.mapLen(fields);
    r.bulk("name");
    r.bulk(a.name);
    r.bulk("type");
    r.bulk(a.type);
    if (a.key_spec_index >= 0) {
      r.bulk("key_spec_index");
      r.integer(a.key_spec_index);
    }
    if (a.token) {
      r.bulk("token");
      r.bulk(a.token);
    }
    if (a.since) {
      r.bulk("since");
      r.bulk(a.since);
    }
    if (a.deprecated_since) {
      r.bulk("deprecated_since");
      r.bulk(a.deprecated_since);
    }
    if (a.flags) {
      r.bulk("flags");
      r.setLen(0 + ((a.flags & ARG_OPTIONAL) != 0) + ((a.flags & ARG_MULTIPLE) != 0) +
               ((a.flags & ARG_MULTIPLE_TOKEN) != 0));
      if (a.flags & ARG_OPTIONAL) r.status("optional");
      if (a.flags & ARG_MULTIPLE) r.status("multiple");
      if (a.flags & ARG_MULTIPLE_TOKEN) r.status("multiple_token");
    }
    if (a.children >= 0) {
      r.bulk("arguments");
      i = replyArgs(r, args, i, a.children);
    }
  }
  return i;
}

static void replyCommandDocs(ReplyBuilder& r, const Command& cmd) {
  const CommandDoc* doc = findCommandDoc(cmd.fullname);
  bool has_args = doc && doc->top_args >= 0;
  bool has_history = doc && doc->nhistory >= 0;
  uint8_t doc_flags = doc ? doc->doc_flags : 0;
  const char* deprecated_since = doc ? doc->deprecated_since : nullptr;
  const char* replaced_by = doc ? doc->replaced_by : nullptr;
  size_t n = 3 + !cmd.complexity.empty() + (doc_flags != 0) + (deprecated_since != nullptr) +
             (replaced_by != nullptr) + has_history + has_args + !cmd.subcommands.empty();
  r.mapLen(n);
  r.bulk("summary");
  r.bulk(cmd.summary);
  r.bulk("since");
  r.bulk(cmd.since);
  r.bulk("group");
  r.bulk(cmd.group);
  if (!cmd.complexity.empty()) {
    r.bulk("complexity");
    r.bulk(cmd.complexity);
  }
  if (doc_flags) {
    r.bulk("doc_flags");
    r.setLen(((doc_flags & DOC_DEPRECATED) != 0) + ((doc_flags & DOC_SYSCMD) != 0));
    if (doc_flags & DOC_DEPRECATED) r.status("deprecated");
    if (doc_flags & DOC_SYSCMD) r.status("syscmd");
  }
  if (deprecated_since) {
    r.bulk("deprecated_since");
    r.bulk(deprecated_since);
  }
  if (replaced_by) {
    r.bulk("replaced_by");
    r.bulk(replaced_by);
  }
  if (has_history) {
    r.bulk("history");
    r.setLen(static_cast<size_t>(doc->nhistory));
    for (int i = 0; i < doc->nhistory; i++) {
      r.arrayLen(2);
      r.bulk(doc->history[i].version);
      r.bulk(doc->history[i].text);
    }
  }
  if (has_args) {
    r.bulk("arguments");
    replyArgs(r, doc->args, 0, doc->top_args);
  }
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
  if (!commandHasKeys(*cmd)) {
    c.r().error("ERR The command has no key arguments");
    return;
  }
  long long argc = static_cast<long long>(argv.size());
  if ((cmd->arity > 0 && cmd->arity != argc) || argc < -cmd->arity) {
    c.r().error("ERR Invalid number of arguments specified for command");
    return;
  }
  std::vector<FoundKey> keys = commandKeys(*cmd, argv);
  if (keys.empty() && !cmd->has(CMD_NO_MANDATORY_KEYS)) {
    c.r().error("ERR Invalid arguments specified for command");
    return;
  }
  c.r().arrayLen(keys.size());
  for (const FoundKey& k : keys) {
    if (with_flags) {
      c.r().arrayLen(2);
      c.r().bulk(argv[static_cast<size_t>(k.pos)]);
      replyKeySpecFlags(c.r(), k.flags);
    } else {
      c.r().bulk(argv[static_cast<size_t>(k.pos)]);
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
     "2.8.13", "Get array of specific Redis command details, or all when no argument is given.",
     "O(N) where N is the number of commands to look up", "nondeterministic_output_order"},
    {"command|list", -2, "loading stale", "@connection", 0, 0, 0, commandListCommand, "server",
     "7.0.0", "Get an array of Redis command names", "O(N) where N is the total number of Redis commands",
     "nondeterministic_output_order"},
};

CommandRows introspectionCommands() {
  return {kIntrospectionRows, sizeof(kIntrospectionRows) / sizeof(kIntrospectionRows[0])};
}

}  // namespace osprey
