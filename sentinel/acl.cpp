// sentinel/acl.cpp — ACL in osprey-sentinel (see acl.h): the registry over the sentinel's
// command table, authentication, the NOPERM check, the ACL LOG, the `user` lines of
// sentinel.conf and the ACL command family. The rules themselves are common/acl.cpp's.
#include "sentinel/acl.h"

#include <algorithm>

#include "common/config.h"
#include "common/log.h"
#include "common/util.h"
#include "sentinel/net.h"
#include "sentinel/sentinel.h"

namespace osprey::sentinel {

namespace {

constexpr const char* kNoPermChannel =
    "NOPERM this user has no permissions to access one of the channels used as arguments";
constexpr const char* kNoAclFile =
    "ERR This Redis instance is not configured to use an ACL file. You may want to specify "
    "users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a "
    "Redis configuration file set) in order to store users in the Redis configuration.";

acl::AclCatalog& catalog() {
  static acl::AclCatalog cat;
  static bool filled = false;
  if (!filled) {
    filled = true;
    fillAclCatalog(cat);
  }
  return cat;
}

acl::User* userOf(const Client* c) {
  acl::User* u = acls().find(c->user);
  return u ? u : &acls().defaultUser();
}

void logDenial(Client* c, acl::LogReason reason, std::string object, std::string username) {
  acl::LogEntry e;
  e.reason = reason;
  e.context = acl::LogContext::Toplevel;
  e.object = std::move(object);
  e.username = std::move(username);
  e.ctime_ms = mstime();
  e.client_info = clientInfoLine(c);
  acls().logEvent(std::move(e), cfg().acllog_max_len);
}

// The connections of a user that goes away fall back to the default user, unauthenticated,
// and are closed (the caller after its reply), as Redis frees them.
void killClientsOfUser(const std::string& name, Client* current) {
  std::vector<Client*> victims;
  for (Client* x : clients())
    if (x->user == name) victims.push_back(x);
  for (Client* x : victims) {
    x->user = "default";
    x->authenticated = false;
    if (x == current) closeClientAfterReply(x);
    else closeClient(x);
  }
}

// Subscribers whose channels the revised user no longer allows are disconnected.
void killRevokedSubscribers(const acl::User& now, const acl::User& before, Client* current) {
  if (acl::Acl::channelsSuperset(now, before)) return;
  std::vector<Client*> victims;
  for (Client* x : clients()) {
    if (x->user != now.name || !x->subscriptions()) continue;
    bool kill = false;
    for (const auto& p : x->patterns)
      if (!acl::Acl::channelInList(now, p, true)) kill = true;
    for (const auto& ch : x->channels)
      if (!acl::Acl::channelInList(now, ch, false)) kill = true;
    if (kill) victims.push_back(x);
  }
  for (Client* x : victims) {
    if (x == current) closeClientAfterReply(x);
    else closeClient(x);
  }
}

// The channels of the sentinel's Pub/Sub commands (no command of Sentinel has keys).
acl::CallInfo callInfo(const acl::CatalogCommand* entry, const std::vector<std::string>* argv) {
  acl::CallInfo call{entry, argv, nullptr, nullptr};
  const std::string& n = entry->fullname;
  if (n == "subscribe" || n == "psubscribe") {
    bool pattern = n == "psubscribe";
    call.channels = [argv, pattern](std::vector<acl::ChannelRef>& out) {
      for (size_t j = 1; j < argv->size(); j++) out.push_back({static_cast<int>(j), pattern});
    };
  } else if (n == "publish") {
    call.channels = [](std::vector<acl::ChannelRef>& out) { out.push_back({1, false}); };
  }
  return call;
}

void subcommandSyntaxError(Client* c) {
  c->r().error("ERR unknown subcommand or wrong number of arguments for '" + c->argv[1] + "'. Try ACL HELP.");
}

}  // namespace

acl::Acl& acls() {
  static acl::Acl registry(&catalog());
  return registry;
}

bool aclUserExists(const std::string& name) { return acls().find(name) != nullptr; }

// ==== Config ==================================================================================

void aclRegisterConfig() {
  configOnDirective("user", [](const std::vector<std::string>& argv, std::string* err) {
    std::vector<std::string> rest(argv.begin() + 1, argv.end());
    std::string e = acls().queueConfigUser(rest);
    if (e.empty()) return true;
    *err = e;
    return false;
  });
}

std::vector<std::string> aclConfigLines() {
  if (!cfg().aclfile.empty()) return {};
  return acls().listLines();
}

// ==== Clients =================================================================================

void aclAttachNewClient(Client* c) {
  const acl::User& def = acls().defaultUser();
  c->user = "default";
  c->authenticated = def.nopass && def.enabled;
}

bool aclAuthenticate(Client* c, const std::string& user, const std::string& pass) {
  if (acls().checkCredentials(user, pass)) {
    c->authenticated = true;
    c->user = user;
    return true;
  }
  // The object is the command as the client typed it ("AUTH", "hello").
  logDenial(c, acl::LogReason::Auth, c->argv.empty() ? std::string() : c->argv[0], user);
  return false;
}

bool aclCheckCommandOrReject(Client* c, const std::string& fullname) {
  acl::User* u = userOf(c);
  const acl::CatalogCommand* entry = catalog().find(fullname);
  if (!entry) return true;
  const acl::Selector& root = u->selectors[0];
  if (u->selectors.size() == 1 && acl::Acl::selectorAllowsEverything(root)) return true;
  int pos = 0;
  acl::Verdict v = acls().check(*u, callInfo(entry, &c->argv), &pos);
  if (v == acl::Verdict::Ok) return true;
  if (v == acl::Verdict::DeniedChannel) {
    logDenial(c, acl::LogReason::Channel, c->argv[static_cast<size_t>(pos)], u->name);
    c->r().error(kNoPermChannel);
  } else {
    logDenial(c, acl::LogReason::Command, fullname, u->name);
    c->r().error("NOPERM this user has no permissions to run the '" + fullname + "' command");
  }
  return false;
}

// ==== ACL command =============================================================================

void aclSetuser(Client* c) {
  std::string name = c->argv[2];
  std::vector<std::string> rules(c->argv.begin() + 3, c->argv.end());
  for (char ch : name) {
    if (ch == 0 || ch == ' ' || ch == '\t' || ch == '\n' || ch == '\v' || ch == '\f' || ch == '\r') {
      c->r().error("ERR Usernames can't contain spaces or null characters");
      return;
    }
  }
  std::unique_ptr<acl::User> before;
  std::string err = acls().setUser(name, rules, &before);
  if (!err.empty()) {
    for (char& ch : err)
      if (ch == '\r' || ch == '\n') ch = ' ';
    c->r().error("ERR " + err);
    return;
  }
  c->r().ok();
  if (before) killRevokedSubscribers(*acls().find(name), *before, c);
}

void aclDeluser(Client* c) {
  for (size_t j = 2; j < c->argv.size(); j++) {
    if (c->argv[j] == "default") {
      c->r().error("ERR The 'default' user cannot be removed");
      return;
    }
  }
  long long deleted = 0;
  std::vector<std::string> names(c->argv.begin() + 2, c->argv.end());
  for (const std::string& n : names) {
    if (!acls().find(n)) continue;
    killClientsOfUser(n, c);
    acls().removeUser(n);
    deleted++;
  }
  c->r().integer(deleted);
}

namespace {
void replySelector(ReplyBuilder& r, const acl::Selector& s) {
  r.bulk("commands");
  r.bulk(acls().describeCommandRules(s));
  r.bulk("keys");
  r.bulk(acl::Acl::describeKeys(s));
  r.bulk("channels");
  r.bulk(acl::Acl::describeChannels(s));
}
}  // namespace

void aclGetuser(Client* c) {
  const acl::User* u = acls().find(c->argv[2]);
  ReplyBuilder& r = c->r();
  if (!u) {
    r.null();
    return;
  }
  r.mapLen(6);
  r.bulk("flags");
  std::vector<const char*> flags;
  flags.push_back(u->enabled ? "on" : "off");
  if (u->nopass) flags.push_back("nopass");
  if (u->sanitize == 2) flags.push_back("skip-sanitize-payload");
  if (u->sanitize == 1) flags.push_back("sanitize-payload");
  r.setLen(flags.size());
  for (const char* f : flags) r.bulk(f);
  r.bulk("passwords");
  r.arrayLen(u->passwords.size());
  for (const std::string& p : u->passwords) r.bulk(p);
  replySelector(r, u->selectors[0]);
  r.bulk("selectors");
  r.arrayLen(u->selectors.size() - 1);
  for (size_t i = 1; i < u->selectors.size(); i++) {
    r.mapLen(3);
    replySelector(r, u->selectors[i]);
  }
}

void aclList(Client* c) {
  std::vector<std::string> lines = acls().listLines();
  c->r().arrayLen(lines.size());
  for (const std::string& l : lines) c->r().bulk(l);
}

void aclUsers(Client* c) {
  std::vector<const acl::User*> users = acls().users();
  c->r().arrayLen(users.size());
  for (const acl::User* u : users) c->r().bulk(u->name);
}

void aclWhoami(Client* c) { c->r().bulk(userOf(c)->name); }

void aclLoad(Client* c) {
  if (cfg().aclfile.empty()) {
    c->r().error(kNoAclFile);
    return;
  }
  std::vector<std::string> before;
  for (const acl::User* u : acls().users())
    if (u->name != "default") before.push_back(u->name);
  std::string err = acls().loadFile(cfg().aclfile, cfg().aclfile);
  if (!err.empty()) {
    c->r().error("ERR " + err);
    return;
  }
  c->r().ok();
  // Every user but default was replaced: their connections go, as Redis frees the old users.
  for (const std::string& n : before) killClientsOfUser(n, c);
}

void aclSave(Client* c) {
  if (cfg().aclfile.empty()) {
    c->r().error(kNoAclFile);
    return;
  }
  std::string err;
  if (!acls().saveFile(cfg().aclfile, &err)) {
    serverLog(LogLevel::Warning, "{}", err);
    c->r().error("ERR There was an error trying to save the ACLs. Please check the server logs for more information");
    return;
  }
  c->r().ok();
}

void aclCat(Client* c) {
  if (c->argv.size() > 3) {
    subcommandSyntaxError(c);
    return;
  }
  if (c->argv.size() == 2) {
    c->r().arrayLen(acl::kCategoryCount);
    for (int j = 0; j < acl::kCategoryCount; j++) c->r().bulk(acl::categoryName(j));
    return;
  }
  uint64_t flag = acl::categoryFlag(c->argv[2]);
  if (!flag) {
    c->r().error("ERR Unknown category '" + c->argv[2].substr(0, 128) + "'");
    return;
  }
  std::vector<const std::string*> names;
  for (const acl::CatalogCommand& cmd : catalog().all())
    if (cmd.categories & flag) names.push_back(&cmd.fullname);
  c->r().arrayLen(names.size());
  for (const std::string* n : names) c->r().bulk(*n);
}

void aclGenpass(Client* c) {
  if (c->argv.size() > 3) {
    subcommandSyntaxError(c);
    return;
  }
  long long bits = 256;
  if (c->argv.size() == 3 && !string2ll(c->argv[2], &bits)) {
    c->r().error("ERR value is not an integer or out of range");
    return;
  }
  if (bits <= 0 || bits > 4096) {
    c->r().error("ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to 4096");
    return;
  }
  c->r().bulk(randomHex(static_cast<size_t>((bits + 3) / 4)));
}

void aclLog(Client* c) {
  if (c->argv.size() > 3) {
    subcommandSyntaxError(c);
    return;
  }
  long long count = 10;
  if (c->argv.size() == 3) {
    if (equalsIgnoreCase(c->argv[2], "reset")) {
      acls().resetLog();
      c->r().ok();
      return;
    }
    if (!string2ll(c->argv[2], &count)) {
      c->r().error("ERR value is not an integer or out of range");
      return;
    }
    if (count < 0) count = 0;
  }
  const auto& log = acls().log();
  size_t n = std::min(static_cast<size_t>(count), log.size());
  ReplyBuilder& r = c->r();
  r.arrayLen(n);
  long long now = mstime();
  for (size_t i = 0; i < n; i++) {
    const acl::LogEntry& e = log[i];
    r.mapLen(7);
    r.bulk("count");
    r.integer(e.count);
    r.bulk("reason");
    r.bulk(acl::logReasonName(e.reason));
    r.bulk("context");
    r.bulk(acl::logContextName(e.context));
    r.bulk("object");
    r.bulk(e.object);
    r.bulk("username");
    r.bulk(e.username);
    r.bulk("age-seconds");
    r.doubleValue(static_cast<double>(now - e.ctime_ms) / 1000);
    r.bulk("client-info");
    r.bulk(e.client_info);
  }
}

// ACL DRYRUN user command [arg ...]: judged against the sentinel's own commands only.
void aclDryrun(Client* c) {
  const acl::User* u = acls().find(c->argv[2]);
  if (!u) {
    c->r().error("ERR User '" + c->argv[2] + "' not found");
    return;
  }
  std::vector<std::string> argv(c->argv.begin() + 3, c->argv.end());
  const acl::CatalogCommand* entry = argv[0].find('|') == std::string::npos ? catalog().find(argv[0]) : nullptr;
  if (entry && !entry->subcommands.empty())
    entry = argv.size() >= 2 && argv[1].find('|') == std::string::npos ? catalog().find(argv[0] + "|" + argv[1])
                                                                        : nullptr;
  if (!entry) {
    c->r().error("ERR Command '" + c->argv[3] + "' not found");
    return;
  }
  long long argc = static_cast<long long>(argv.size());
  if ((entry->arity > 0 && entry->arity != argc) || argc < -entry->arity) {
    c->r().error("ERR wrong number of arguments for '" + entry->fullname + "' command");
    return;
  }
  int pos = 0;
  acl::Verdict v = acls().check(*u, callInfo(entry, &argv), &pos);
  if (v == acl::Verdict::Ok) c->r().ok();
  else if (v == acl::Verdict::DeniedChannel)
    c->r().bulk("This user has no permissions to access the '" + argv[static_cast<size_t>(pos)] + "' channel");
  else c->r().bulk("This user has no permissions to run the '" + entry->fullname + "' command");
}

void aclHelp(Client* c) {
  const std::vector<std::string>& kLines = acl::helpLines();
  ReplyBuilder& r = c->r();
  r.arrayLen(kLines.size() + 3);
  r.status("ACL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  for (const std::string& l : kLines) r.status(l);
  r.status("HELP");
  r.status("    Prints this help.");
}

}  // namespace osprey::sentinel
