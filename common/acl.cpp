// common/acl.cpp — the ACL core (see acl.h): rule parsing, permission checks, descriptions,
// ACL files and the ACL log, with Redis 7.0.15's semantics and error texts.
#include "common/acl.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "common/sha256.h"
#include "common/util.h"

namespace osprey::acl {

// ==== Categories =============================================================

namespace {

const char* const kCategoryNames[kCategoryCount] = {
    "keyspace", "read", "write", "set", "sortedset", "list", "hash", "string", "bitmap",
    "hyperloglog", "geo", "stream", "pubsub", "admin", "fast", "slow", "blocking", "dangerous",
    "connection", "transaction", "scripting"};

// Usernames and patterns may not contain white space or NUL (ACLStringHasSpaces).
bool hasSpaces(std::string_view s) {
  for (char ch : s)
    if (ch == 0 || ch == ' ' || ch == '\t' || ch == '\n' || ch == '\v' || ch == '\f' || ch == '\r')
      return true;
  return false;
}

bool validHash(std::string_view h) {
  if (h.size() != 64) return false;
  for (char ch : h)
    if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) return false;
  return true;
}

// Compares without an early exit, so timing says nothing of where strings differ.
bool constantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); i++) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace

const char* categoryName(int index) { return kCategoryNames[index]; }

uint64_t categoryFlag(std::string_view name) {
  for (int i = 0; i < kCategoryCount; i++)
    if (equalsIgnoreCase(name, kCategoryNames[i])) return 1ULL << i;
  return 0;
}

uint64_t categoryFlags(std::string_view names) {
  uint64_t flags = 0;
  std::istringstream in{std::string(names)};
  std::string word;
  while (in >> word) flags |= categoryFlag(word[0] == '@' ? word.substr(1) : word);
  return flags;
}

const char* ruleErrorText(RuleError e) {
  switch (e) {
    case RuleError::None: return "";
    case RuleError::UnknownCommand: return "Unknown command or category name in ACL";
    case RuleError::Syntax: return "Syntax error";
    case RuleError::KeyAfterAll:
      return "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and "
             "does not have any effect. Try 'resetkeys' to start with an empty list of patterns";
    case RuleError::ChannelAfterAll:
      return "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid "
             "and does not have any effect. Try 'resetchannels' to start with an empty list of "
             "channels";
    case RuleError::NoSuchPassword:
      return "The password you are trying to remove from the user does not exist";
    case RuleError::BadHash:
      return "The password hash must be exactly 64 characters and contain only lowercase "
             "hexadecimal characters";
    case RuleError::Duplicate:
      return "Duplicate user found. A user can only be defined once in config files";
    case RuleError::FirstArgOfSub: return "Allowing first-arg of a subcommand is not supported";
  }
  return "Wrong format";
}

const char* logReasonName(LogReason r) {
  switch (r) {
    case LogReason::Command: return "command";
    case LogReason::Key: return "key";
    case LogReason::Channel: return "channel";
    case LogReason::Auth: return "auth";
  }
  return "unknown";
}

const char* logContextName(LogContext c) {
  switch (c) {
    case LogContext::Toplevel: return "toplevel";
    case LogContext::Multi: return "multi";
    case LogContext::Lua: return "lua";
    case LogContext::Module: return "module";
  }
  return "unknown";
}

// ==== Catalog ================================================================

int AclCatalog::add(std::string_view fullname, int arity, bool no_auth, uint64_t categories) {
  CatalogCommand c;
  c.fullname = toLower(fullname);
  c.id = static_cast<int>(commands_.size());
  c.arity = arity;
  c.no_auth = no_auth;
  c.categories = categories;
  size_t bar = c.fullname.find('|');
  if (bar != std::string::npos) {
    auto it = index_.find(c.fullname.substr(0, bar));
    if (it != index_.end()) {
      c.parent = it->second;
      commands_[static_cast<size_t>(it->second)].subcommands.push_back(c.id);
    }
  }
  index_[c.fullname] = c.id;
  commands_.push_back(std::move(c));
  return commands_.back().id;
}

const CatalogCommand* AclCatalog::find(std::string_view fullname) const {
  auto it = index_.find(toLower(fullname));
  return it == index_.end() ? nullptr : &commands_[static_cast<size_t>(it->second)];
}

// ==== Selectors and rules ====================================================

Acl::Acl(const AclCatalog* catalog) : catalog_(catalog) {
  auto def = std::make_unique<User>(defaultUserTemplate());
  users_["default"] = std::move(def);
}

Selector Acl::newSelector(bool root) const {
  Selector s;
  s.root = root;
  s.allowed.assign(catalog_->bits(), false);
  s.allchannels = pubsub_default_all_;  // acl-pubsub-default, read when the selector is made
  return s;
}

User Acl::blankUser(std::string_view name) const {
  User u;
  u.name = std::string(name);
  u.selectors.push_back(newSelector(true));
  return u;
}

User Acl::defaultUserTemplate() const {
  User u = blankUser("default");
  applyRule(u, "+@all");
  applyRule(u, "~*");
  applyRule(u, "&*");
  applyRule(u, "on");
  applyRule(u, "nopass");
  return u;
}

// Allowing or denying a container applies to its subcommands too (ACLChangeSelectorPerm).
void Acl::setCommand(Selector& s, const CatalogCommand& cmd, bool allow) const {
  s.allowed[static_cast<size_t>(cmd.id)] = allow;
  if (!allow) s.allcommands = false;
  s.firstargs.erase(cmd.id);
  for (int sub : cmd.subcommands) {
    s.allowed[static_cast<size_t>(sub)] = allow;
  }
}

void Acl::setCategory(Selector& s, uint64_t flag, bool allow) const {
  for (const CatalogCommand& c : catalog_->all())
    if (c.categories & flag) setCommand(s, c, allow);
}

void Acl::countCategory(const Selector& s, uint64_t flag, unsigned long* on, unsigned long* off) const {
  *on = *off = 0;
  for (const CatalogCommand& c : catalog_->all())
    if (c.categories & flag) (s.allowed[static_cast<size_t>(c.id)] ? *on : *off) += 1;
}

RuleError Acl::applySelectorRule(Selector& s, std::string_view op) const {
  if (equalsIgnoreCase(op, "allkeys") || op == "~*") {
    s.allkeys = true;
    s.patterns.clear();
  } else if (equalsIgnoreCase(op, "resetkeys")) {
    s.allkeys = false;
    s.patterns.clear();
  } else if (equalsIgnoreCase(op, "allchannels") || op == "&*") {
    s.allchannels = true;
    s.channels.clear();
  } else if (equalsIgnoreCase(op, "resetchannels")) {
    s.allchannels = false;
    s.channels.clear();
  } else if (equalsIgnoreCase(op, "allcommands") || equalsIgnoreCase(op, "+@all")) {
    std::fill(s.allowed.begin(), s.allowed.end(), true);
    s.allcommands = true;
    s.firstargs.clear();
  } else if (equalsIgnoreCase(op, "nocommands") || equalsIgnoreCase(op, "-@all")) {
    std::fill(s.allowed.begin(), s.allowed.end(), false);
    s.allcommands = false;
    s.firstargs.clear();
  } else if (op[0] == '~' || op[0] == '%') {
    if (s.allkeys) return RuleError::KeyAfterAll;
    int perms = 0;
    size_t offset = 1;
    if (op[0] == '%') {
      for (; offset < op.size(); offset++) {
        char ch = static_cast<char>(toupper(static_cast<unsigned char>(op[offset])));
        if (ch == 'R' && !(perms & kKeyRead)) {
          perms |= kKeyRead;
        } else if (ch == 'W' && !(perms & kKeyWrite)) {
          perms |= kKeyWrite;
        } else if (op[offset] == '~') {
          offset++;
          break;
        } else {
          return RuleError::Syntax;
        }
      }
    } else {
      perms = kKeyAll;
    }
    std::string_view pat = op.substr(std::min(offset, op.size()));
    if (hasSpaces(pat)) return RuleError::Syntax;
    auto it = std::find_if(s.patterns.begin(), s.patterns.end(),
                           [&](const KeyPattern& p) { return p.pattern == pat; });
    if (it == s.patterns.end())
      s.patterns.push_back(KeyPattern{std::string(pat), perms});
    else
      it->perms |= perms;
    s.allkeys = false;
  } else if (op[0] == '&') {
    if (s.allchannels) return RuleError::ChannelAfterAll;
    std::string_view pat = op.substr(1);
    if (hasSpaces(pat)) return RuleError::Syntax;
    if (std::find(s.channels.begin(), s.channels.end(), pat) == s.channels.end())
      s.channels.emplace_back(pat);
    s.allchannels = false;
  } else if (op[0] == '+' && (op.size() < 2 || op[1] != '@')) {
    std::string_view name = op.substr(1);
    size_t bar = name.rfind('|');
    if (bar == std::string_view::npos) {
      const CatalogCommand* cmd = catalog_->find(name);
      if (!cmd) return RuleError::UnknownCommand;
      setCommand(s, *cmd, true);
    } else {
      std::string_view base = name.substr(0, bar), sub = name.substr(bar + 1);
      const CatalogCommand* cmd = catalog_->find(base);
      if (!cmd) return RuleError::UnknownCommand;
      if (cmd->parent >= 0) return RuleError::FirstArgOfSub;
      if (sub.empty()) return RuleError::Syntax;
      if (!cmd->subcommands.empty()) {
        const CatalogCommand* subcmd = catalog_->find(name);
        if (!subcmd) return RuleError::UnknownCommand;
        setCommand(s, *subcmd, true);
      } else {
        // +select|0: a first argument allowed for an otherwise denied command.
        auto& list = s.firstargs[cmd->id];
        bool known = std::any_of(list.begin(), list.end(),
                                 [&](const std::string& a) { return equalsIgnoreCase(a, sub); });
        if (!known) list.emplace_back(sub);
      }
    }
  } else if (op[0] == '-' && (op.size() < 2 || op[1] != '@')) {
    const CatalogCommand* cmd = catalog_->find(op.substr(1));
    if (!cmd) return RuleError::UnknownCommand;
    setCommand(s, *cmd, false);
  } else if ((op[0] == '+' || op[0] == '-') && op[1] == '@') {
    uint64_t flag = categoryFlag(op.substr(2));
    if (!flag) return RuleError::UnknownCommand;
    setCategory(s, flag, op[0] == '+');
  } else {
    return RuleError::Syntax;
  }
  return RuleError::None;
}

RuleError Acl::applyRule(User& u, std::string_view op) const {
  if (op.empty()) return RuleError::None;
  if (equalsIgnoreCase(op, "on")) {
    u.enabled = true;
  } else if (equalsIgnoreCase(op, "off")) {
    u.enabled = false;
  } else if (equalsIgnoreCase(op, "skip-sanitize-payload")) {
    u.sanitize = 2;
  } else if (equalsIgnoreCase(op, "sanitize-payload")) {
    u.sanitize = 1;
  } else if (equalsIgnoreCase(op, "nopass")) {
    u.nopass = true;
    u.passwords.clear();
  } else if (equalsIgnoreCase(op, "resetpass")) {
    u.nopass = false;
    u.passwords.clear();
  } else if (op[0] == '>' || op[0] == '#') {
    std::string hash;
    if (op[0] == '>') {
      hash = sha256hex(op.substr(1));
    } else {
      if (!validHash(op.substr(1))) return RuleError::BadHash;
      hash = std::string(op.substr(1));
    }
    if (std::find(u.passwords.begin(), u.passwords.end(), hash) == u.passwords.end())
      u.passwords.push_back(hash);
    u.nopass = false;
  } else if (op[0] == '<' || op[0] == '!') {
    std::string hash;
    if (op[0] == '<') {
      hash = sha256hex(op.substr(1));
    } else {
      if (!validHash(op.substr(1))) return RuleError::BadHash;
      hash = std::string(op.substr(1));
    }
    auto it = std::find(u.passwords.begin(), u.passwords.end(), hash);
    if (it == u.passwords.end()) return RuleError::NoSuchPassword;
    u.passwords.erase(it);
  } else if (op[0] == '(' && op.back() == ')') {
    Selector s = newSelector(false);
    std::vector<std::string> parts;
    if (!splitArgs(op.substr(1, op.size() - 2), &parts)) return RuleError::Syntax;
    for (const std::string& p : parts) {
      RuleError e = applySelectorRule(s, p);
      if (e != RuleError::None) return e;
    }
    u.selectors.push_back(std::move(s));
  } else if (equalsIgnoreCase(op, "clearselectors")) {
    u.selectors.resize(1);
  } else if (equalsIgnoreCase(op, "reset")) {
    applyRule(u, "resetpass");
    applyRule(u, "resetkeys");
    applyRule(u, "resetchannels");
    if (pubsub_default_all_) applyRule(u, "allchannels");
    applyRule(u, "off");
    applyRule(u, "sanitize-payload");
    applyRule(u, "clearselectors");
    applyRule(u, "-@all");
  } else {
    return applySelectorRule(u.selectors[0], op);
  }
  return RuleError::None;
}

bool Acl::mergeSelectorArgs(const std::vector<std::string>& in, std::vector<std::string>* out,
                            size_t* bad) {
  out->clear();
  std::string selector;
  bool open = false;
  size_t open_at = 0;
  for (size_t j = 0; j < in.size(); j++) {
    const std::string& op = in[j];
    if (!open && !op.empty() && op[0] == '(' && op.back() != ')') {
      selector = op;
      open = true;
      open_at = j;
      continue;
    }
    if (open) {
      selector += " ";
      selector += op;
      if (!op.empty() && op.back() == ')') {
        open = false;
        out->push_back(std::move(selector));
        selector.clear();
      }
      continue;
    }
    out->push_back(op);
  }
  if (open) {
    if (bad) *bad = open_at;
    return false;
  }
  return true;
}

// ==== Users ==================================================================

User* Acl::find(std::string_view name) {
  auto it = users_.find(std::string(name));
  return it == users_.end() ? nullptr : it->second.get();
}

const User* Acl::find(std::string_view name) const {
  auto it = users_.find(std::string(name));
  return it == users_.end() ? nullptr : it->second.get();
}

std::vector<const User*> Acl::users() const {
  std::vector<const User*> out;
  for (const auto& [name, u] : users_) out.push_back(u.get());
  return out;
}

std::string Acl::setUser(std::string_view name, const std::vector<std::string>& rules,
                         std::unique_ptr<User>* before) {
  std::vector<std::string> merged;
  size_t bad = 0;
  if (!mergeSelectorArgs(rules, &merged, &bad))
    return "Unmatched parenthesis in acl selector starting at '" + rules[bad] + "'.";
  User* existing = find(name);
  User staged = existing ? *existing : blankUser(name);
  for (const std::string& op : merged) {
    RuleError e = applyRule(staged, op);
    if (e != RuleError::None)
      return "Error in ACL SETUSER modifier '" + op + "': " + ruleErrorText(e);
  }
  if (existing) {
    if (before) *before = std::make_unique<User>(*existing);
    *existing = std::move(staged);
  } else {
    if (before) before->reset();
    users_[std::string(name)] = std::make_unique<User>(std::move(staged));
  }
  return "";
}

bool Acl::removeUser(std::string_view name) {
  if (name == "default") return false;
  return users_.erase(std::string(name)) > 0;
}

bool Acl::checkCredentials(std::string_view name, std::string_view pass) const {
  const User* u = find(name);
  if (!u || !u->enabled) return false;
  if (u->nopass) return true;
  std::string hash = sha256hex(pass);
  bool ok = false;
  for (const std::string& p : u->passwords) ok |= constantTimeEquals(hash, p);
  return ok;
}

void Acl::setDefaultPassword(std::string_view pass) {
  User& u = defaultUser();
  applyRule(u, "resetpass");
  if (pass.empty())
    applyRule(u, "nopass");
  else
    applyRule(u, ">" + std::string(pass));
}

// ==== Checks =================================================================

bool Acl::selectorCheckKey(const Selector& s, std::string_view key, int perms) const {
  if (s.allkeys) return true;
  for (const KeyPattern& p : s.patterns) {
    if ((p.perms & perms) != perms) continue;
    if (stringmatch(p.pattern, key)) return true;
  }
  return false;
}

static bool channelAgainstList(const std::vector<std::string>& list, std::string_view channel,
                               bool pattern) {
  for (const std::string& p : list)
    if ((pattern && p == channel) || (!pattern && stringmatch(p, channel))) return true;
  return false;
}

Verdict Acl::selectorCheck(const Selector& s, const CallInfo& call, int* pos,
                           std::vector<KeyRef>* keys, bool* keys_ready) const {
  const CatalogCommand& cmd = *call.cmd;
  const std::vector<std::string>& argv = *call.argv;
  if (!s.allcommands && !cmd.no_auth && !s.allowed[static_cast<size_t>(cmd.id)]) {
    // Denied, unless this first argument is allowed (+select|0).
    auto it = s.firstargs.find(cmd.id);
    size_t idx = cmd.parent >= 0 ? 2 : 1;
    if (argv.size() < 2 || it == s.firstargs.end() || idx >= argv.size()) return Verdict::DeniedCommand;
    bool match = std::any_of(it->second.begin(), it->second.end(),
                             [&](const std::string& a) { return equalsIgnoreCase(a, argv[idx]); });
    if (!match) return Verdict::DeniedCommand;
  }
  if (!s.allkeys && call.keys) {
    if (!*keys_ready) {
      call.keys(*keys);
      *keys_ready = true;
    }
    for (const KeyRef& k : *keys) {
      if (!selectorCheckKey(s, argv[static_cast<size_t>(k.pos)], k.perms)) {
        *pos = k.pos;
        return Verdict::DeniedKey;
      }
    }
  }
  if (!s.allchannels && call.channels) {
    std::vector<ChannelRef> channels;
    call.channels(channels);
    for (const ChannelRef& ch : channels) {
      if (!channelAgainstList(s.channels, argv[static_cast<size_t>(ch.pos)], ch.pattern)) {
        *pos = ch.pos;
        return Verdict::DeniedChannel;
      }
    }
  }
  return Verdict::Ok;
}

Verdict Acl::check(const User& u, const CallInfo& call, int* pos) const {
  // With several selectors: the command error when none runs it, else the last key or
  // channel no selector could match.
  Verdict relevant = Verdict::DeniedCommand;
  int last_pos = 0;
  std::vector<KeyRef> keys;
  bool keys_ready = false;
  for (const Selector& s : u.selectors) {
    int p = 0;
    Verdict v = selectorCheck(s, call, &p, &keys, &keys_ready);
    if (v == Verdict::Ok) return v;
    if (v > relevant || (v == relevant && p > last_pos)) {
      relevant = v;
      last_pos = p;
    }
  }
  *pos = last_pos;
  return relevant;
}

bool Acl::allowsWithAllKeys(const User& u, const CallInfo& call, int perms) const {
  std::vector<KeyRef> keys;
  bool keys_ready = false;
  for (const Selector& s : u.selectors) {
    int p = 0;
    if (selectorCheck(s, call, &p, &keys, &keys_ready) != Verdict::Ok) continue;
    if (s.allkeys) return true;
    for (const KeyPattern& k : s.patterns)
      if ((k.perms & perms) == perms && k.pattern == "*") return true;
  }
  return false;
}

bool Acl::channelAllowed(const User& u, std::string_view channel, bool pattern) const {
  for (const Selector& s : u.selectors) {
    if (s.allchannels) return true;
    if (channelAgainstList(s.channels, channel, pattern)) return true;
  }
  return false;
}

bool Acl::channelsSuperset(const User& now, const User& before) {
  for (const Selector& s : now.selectors)
    if (s.allchannels) return true;
  for (const Selector& s : before.selectors) {
    if (s.allchannels) return false;
    for (const std::string& ch : s.channels) {
      bool found = false;
      for (const Selector& n : now.selectors)
        found |= std::find(n.channels.begin(), n.channels.end(), ch) != n.channels.end();
      if (!found) return false;
    }
  }
  return true;
}

bool Acl::channelInList(const User& u, std::string_view channel, bool pattern) {
  for (const Selector& s : u.selectors)
    if (channelAgainstList(s.channels, channel, pattern)) return true;
  return false;
}

// ==== Descriptions ===========================================================

std::string Acl::describeCommandRules(const Selector& s) const {
  // Rebuild the bitmap with as few rules as possible: start from +@all (the user may run
  // future commands) or -@all, apply the best-fitting categories one by one, then single
  // commands for what is left. `fake` follows what the emitted rules produce; `temp` holds
  // what remains to explain.
  std::string rules;
  bool additive = !s.allowed[catalog_->futureBit()];
  Selector fake = newSelector(false);
  applySelectorRule(fake, additive ? "-@all" : "+@all");
  rules += additive ? "-@all " : "+@all ";

  Selector temp = newSelector(false);
  temp.allowed = s.allowed;
  bool applied[kCategoryCount] = {};
  while (true) {
    int best = -1;
    unsigned long mindiff = INT_MAX, maxsame = 0;
    for (int j = 0; j < kCategoryCount; j++) {
      if (applied[j]) continue;
      unsigned long on, off;
      countCategory(temp, 1ULL << j, &on, &off);
      unsigned long diff = additive ? off : on, same = additive ? on : off;
      if (same > diff && (diff < mindiff || (diff == mindiff && same > maxsame))) {
        best = j;
        mindiff = diff;
        maxsame = same;
      }
    }
    if (best == -1) break;
    std::string name = kCategoryNames[best];
    setCategory(fake, 1ULL << best, additive);
    setCategory(temp, 1ULL << best, !additive);
    rules += (additive ? "+@" : "-@") + name + " ";
    applied[best] = true;
  }

  // Single commands: containers come before their subcommands in the catalogue.
  for (const CatalogCommand& c : catalog_->all()) {
    bool userbit = s.allowed[static_cast<size_t>(c.id)];
    bool fakebit = fake.allowed[static_cast<size_t>(c.id)];
    if (userbit != fakebit) {
      rules += userbit ? "+" : "-";
      rules += c.fullname + " ";
      setCommand(fake, c, userbit);
    }
    if (!userbit) {
      auto it = s.firstargs.find(c.id);
      if (it != s.firstargs.end())
        for (const std::string& a : it->second) rules += "+" + c.fullname + "|" + a + " ";
    }
  }
  rules.pop_back();
  return rules;
}

static void catPattern(std::string& out, const KeyPattern& p) {
  if (p.perms == kKeyAll) {
    out += "~";
  } else if (p.perms == kKeyRead) {
    out += "%R~";
  } else if (p.perms == kKeyWrite) {
    out += "%W~";
  } else {
    // "%~pat" (neither R nor W) is accepted by SETUSER; Redis 7.0.15 then panics when it
    // describes the user. We describe it as given instead, which loads back the same.
    out += "%~";
  }
  out += p.pattern;
}

std::string Acl::describeKeys(const Selector& s) {
  if (s.allkeys) return "~*";
  std::string out;
  for (const KeyPattern& p : s.patterns) {
    if (!out.empty()) out += " ";
    catPattern(out, p);
  }
  return out;
}

std::string Acl::describeChannels(const Selector& s) {
  if (s.allchannels) return "&*";
  std::string out;
  for (const std::string& ch : s.channels) {
    if (!out.empty()) out += " ";
    out += "&" + ch;
  }
  return out;
}

std::string Acl::describeSelector(const Selector& s) const {
  std::string out;
  if (s.allkeys) {
    out += "~* ";
  } else {
    for (const KeyPattern& p : s.patterns) {
      catPattern(out, p);
      out += " ";
    }
  }
  if (s.allchannels) {
    out += "&* ";
  } else {
    out += "resetchannels ";
    for (const std::string& ch : s.channels) out += "&" + ch + " ";
  }
  out += describeCommandRules(s);
  return out;
}

std::string Acl::describeUser(const User& u) const {
  std::string out = u.enabled ? "on " : "off ";
  if (u.nopass) out += "nopass ";
  if (u.sanitize == 2) out += "skip-sanitize-payload ";
  if (u.sanitize == 1) out += "sanitize-payload ";
  for (const std::string& p : u.passwords) out += "#" + p + " ";
  for (const Selector& s : u.selectors) {
    if (s.root)
      out += describeSelector(s);
    else
      out += " (" + describeSelector(s) + ")";
  }
  return out;
}

std::vector<std::string> Acl::listLines() const {
  std::vector<std::string> out;
  for (const auto& [name, u] : users_) out.push_back("user " + name + " " + describeUser(*u));
  return out;
}

// ==== Files ==================================================================

std::string Acl::loadFile(const std::string& path, const std::string& shown_name) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return "Error loading ACLs, opening file '" + path + "': " + std::strerror(errno);
  }
  std::stringstream buf;
  buf << in.rdbuf();
  std::string text = buf.str();
  // Redis reads the file with fgets into a C string: it ends at the first NUL.
  if (size_t nul = text.find('\0'); nul != std::string::npos) text.resize(nul);

  std::map<std::string, std::unique_ptr<User>> loaded;
  std::string errors;
  std::vector<std::string> lines;
  size_t start = 0;
  while (true) {
    size_t nl = text.find('\n', start);
    lines.push_back(text.substr(start, nl == std::string::npos ? std::string::npos : nl - start));
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  auto trim = [](std::string s, const char* chars) {
    size_t b = s.find_first_not_of(chars);
    if (b == std::string::npos) return std::string();
    size_t e = s.find_last_not_of(chars);
    return s.substr(b, e - b + 1);
  };
  for (size_t i = 0; i < lines.size(); i++) {
    int linenum = static_cast<int>(i + 1);
    std::string line = trim(lines[i], " \t\r\n");
    if (line.empty()) continue;
    // Plain split on single spaces (empty words are no-op rules).
    std::vector<std::string> argv;
    size_t p = 0;
    while (true) {
      size_t sp = line.find(' ', p);
      argv.push_back(line.substr(p, sp == std::string::npos ? std::string::npos : sp - p));
      if (sp == std::string::npos) break;
      p = sp + 1;
    }
    if (argv[0] != "user" || argv.size() < 2) {
      errors += shown_name + ":" + std::to_string(linenum) +
                " should start with user keyword followed by the username. ";
      continue;
    }
    if (hasSpaces(argv[1])) {
      errors += "'" + shown_name + ":" + std::to_string(linenum) + ": username '" + argv[1] +
                "' contains invalid characters. ";
      continue;
    }
    if (loaded.count(argv[1])) {
      errors += "WARNING: Duplicate user '" + argv[1] + "' found on line " +
                std::to_string(linenum) + ". ";
      continue;
    }
    auto u = std::make_unique<User>(blankUser(argv[1]));
    std::vector<std::string> rules(argv.begin() + 2, argv.end()), merged;
    if (!mergeSelectorArgs(rules, &merged, nullptr)) {
      errors += shown_name + ":" + std::to_string(linenum) +
                ": Unmatched parenthesis in selector definition.";
    }
    bool syntax_error = false;
    for (std::string& op : merged) {
      op = trim(op, "\t\r\n");
      RuleError e = applyRule(*u, op);
      if (e == RuleError::None) continue;
      if (e == RuleError::UnknownCommand) {
        errors += shown_name + ":" + std::to_string(linenum) + ": Error in applying operation '" +
                  op + "': " + ruleErrorText(e) + ". ";
      } else if (!syntax_error) {
        errors += shown_name + ":" + std::to_string(linenum) + ": " + ruleErrorText(e) + ". ";
        syntax_error = true;
      }
    }
    loaded[argv[1]] = std::move(u);
  }
  if (!errors.empty())
    return errors + "WARNING: ACL errors detected, no change to the previously active ACL rules was performed";
  // The default user object stays the same (clients point at it): its rules are copied.
  User def = loaded.count("default") ? *loaded["default"] : defaultUserTemplate();
  User& cur = defaultUser();
  cur = std::move(def);
  loaded.erase("default");
  auto keep = std::move(users_["default"]);
  users_ = std::move(loaded);
  users_["default"] = std::move(keep);
  return "";
}

bool Acl::saveFile(const std::string& path, std::string* err) const {
  std::string text;
  for (const std::string& line : listLines()) text += line + "\n";
  std::string tmp = path + ".tmp-" + std::to_string(getpid()) + "-" + std::to_string(mstime());
  FILE* f = std::fopen(tmp.c_str(), "w");
  if (!f) {
    *err = std::string("Opening temp ACL file for ACL SAVE: ") + std::strerror(errno);
    return false;
  }
  bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  ok = (std::fclose(f) == 0) && ok;
  if (!ok) {
    *err = std::string("Writing ACL file for ACL SAVE: ") + std::strerror(errno);
    unlink(tmp.c_str());
    return false;
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    *err = std::string("Renaming ACL file for ACL SAVE: ") + std::strerror(errno);
    unlink(tmp.c_str());
    return false;
  }
  return true;
}

std::string Acl::queueConfigUser(const std::vector<std::string>& argv) {
  // argv: name, rules... Errors are "Error in user declaration '<arg>': <reason>", where
  // Redis names the argument of the whole "user <name> <rules>" line at the failing rule's
  // index among the rules (so the second rule is reported as the user name).
  auto lineArg = [&](size_t j) { return j == 0 ? std::string("user") : argv[j - 1]; };
  for (const auto& q : queued_)
    if (q[0] == argv[0])
      return "Error in user declaration '" + argv[0] + "': " + ruleErrorText(RuleError::Duplicate);
  std::vector<std::string> rules(argv.begin() + 1, argv.end()), merged;
  size_t bad = 0;
  if (!mergeSelectorArgs(rules, &merged, &bad))
    return "Error in user declaration '" + lineArg(bad) + "': " + ruleErrorText(RuleError::Syntax);
  User fake = blankUser("__fakeuser__");
  for (size_t j = 0; j < merged.size(); j++) {
    RuleError e = applyRule(fake, merged[j]);
    // Unknown commands may come from modules loaded later: checked when applied.
    if (e != RuleError::None && e != RuleError::UnknownCommand)
      return "Error in user declaration '" + lineArg(j) + "': " + ruleErrorText(e);
  }
  std::vector<std::string> q{argv[0]};
  q.insert(q.end(), merged.begin(), merged.end());
  queued_.push_back(std::move(q));
  return "";
}

std::string Acl::loadConfiguredUsers() {
  for (const auto& q : queued_) {
    if (hasSpaces(q[0])) return "Spaces not allowed in ACL usernames";
    User* u = find(q[0]);
    if (u) {
      applyRule(*u, "reset");  // only "default" can already exist
    } else {
      users_[q[0]] = std::make_unique<User>(blankUser(q[0]));
      u = find(q[0]);
    }
    for (size_t j = 1; j < q.size(); j++) {
      RuleError e = applyRule(*u, q[j]);
      if (e != RuleError::None)
        return "Error loading ACL rule '" + q[j] + "' for the user named '" + q[0] + "': " +
               ruleErrorText(e);
    }
  }
  queued_.clear();
  return "";
}

// ==== Log ====================================================================

void Acl::logEvent(LogEntry e, long long max_len) {
  // A similar event (same reason, context, object and user within 60 s) among the ten
  // newest only bumps that entry's count, and moves it to the front.
  size_t scan = std::min<size_t>(log_.size(), 10);
  for (size_t i = 0; i < scan; i++) {
    LogEntry& cur = log_[i];
    long long delta = cur.ctime_ms - e.ctime_ms;
    if (delta < 0) delta = -delta;
    if (cur.reason == e.reason && cur.context == e.context && delta <= 60000 &&
        cur.object == e.object && cur.username == e.username) {
      LogEntry match = std::move(cur);
      log_.erase(log_.begin() + static_cast<long>(i));
      match.client_info = std::move(e.client_info);
      match.ctime_ms = e.ctime_ms;
      match.count++;
      log_.push_front(std::move(match));
      return;
    }
  }
  log_.push_front(std::move(e));
  while (static_cast<long long>(log_.size()) > max_len) log_.pop_back();
}

const std::vector<std::string>& helpLines() {
  static const std::vector<std::string> kLines = {
      "CAT [<category>]",
      "    List all commands that belong to <category>, or all command categories",
      "    when no category is specified.",
      "DELUSER <username> [<username> ...]",
      "    Delete a list of users.",
      "DRYRUN <username> <command> [<arg> ...]",
      "    Returns whether the user can execute the given command without executing the command.",
      "GETUSER <username>",
      "    Get the user's details.",
      "GENPASS [<bits>]",
      "    Generate a secure 256-bit user password. The optional `bits` argument can",
      "    be used to specify a different size.",
      "LIST",
      "    Show users details in config file format.",
      "LOAD",
      "    Reload users from the ACL file.",
      "LOG [<count> | RESET]",
      "    Show the ACL log entries.",
      "SAVE",
      "    Save the current config to the ACL file.",
      "SETUSER <username> <attribute> [<attribute> ...]",
      "    Create or modify a user with the specified attributes.",
      "USERS",
      "    List all the registered usernames.",
      "WHOAMI",
      "    Return the current connection username.",
  };
  return kLines;
}

}  // namespace osprey::acl
