// server/acl.cpp — ACL in osprey-server (see acl.h): the registry, authentication, the
// dispatcher's check, ACL LOG entries, disconnections, config glue, and the ACL command
// family (SETUSER GETUSER DELUSER LIST USERS WHOAMI CAT GENPASS LOG DRYRUN SAVE LOAD HELP).
#include "server/acl.h"

#include <algorithm>
#include <unordered_map>

#include "common/config.h"
#include "common/log.h"
#include "common/util.h"
#include "server/acl_commands.h"
#include "server/command_docs.h"
#include "server/networking.h"
#include "server/server.h"

namespace osprey {

std::string clientInfoString(const Client& c);  // cmd_connection.cpp

// ==== State ==================================================================

namespace {

acl::AclCatalog& catalog() {
  static acl::AclCatalog cat;
  return cat;
}

// Osprey's command -> its catalogue entry (by the name it had before rename-command, as
// Redis's rules follow the original command table).
std::unordered_map<const Command*, const acl::CatalogCommand*>& commandIndex() {
  static std::unordered_map<const Command*, const acl::CatalogCommand*> m;
  return m;
}

const acl::CatalogCommand* catalogEntry(const Command* cmd) {
  auto it = commandIndex().find(cmd);
  return it == commandIndex().end() ? nullptr : it->second;
}

acl::User* userOf(const Client& c) { return c.acl_user ? c.acl_user : aclDefaultUser(); }

// NOPERM replies of the dispatcher, EXEC and scripts (Redis 7.0.15's texts).
constexpr const char* kNoPermKey =
    "NOPERM this user has no permissions to access one of the keys used as arguments";
constexpr const char* kNoPermChannel =
    "NOPERM this user has no permissions to access one of the channels used as arguments";
constexpr const char* kWrongPass = "WRONGPASS invalid username-password pair or user is disabled.";
constexpr const char* kNoAclFile =
    "ERR This Redis instance is not configured to use an ACL file. You may want to specify "
    "users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a "
    "Redis configuration file set) in order to store users in the Redis configuration.";

}  // namespace

acl::Acl& acls() {
  static acl::Acl registry(&catalog());
  return registry;
}

acl::User* aclDefaultUser() { return &acls().defaultUser(); }

bool aclUserExists(std::string_view name) { return acls().find(name) != nullptr; }

// ==== Start-up and config ====================================================

void aclInit() {
  static bool done = false;
  if (done) return;
  done = true;
  acl::AclCatalog& cat = catalog();
  {
    for (size_t i = 0; i < kAclCommandRowCount; i++) {
      const AclCommandRow& row = kAclCommandRows[i];
      cat.add(row.fullname, row.arity, row.no_auth, acl::categoryFlags(row.categories));
    }
    // Commands Osprey has that the reference lacks are still governed by rules.
    for (const auto& cmd : server.commands.all()) {
      std::vector<const Command*> all{cmd.get()};
      for (const auto& sub : cmd->subcommands) all.push_back(sub.get());
      for (const Command* c : all) {
        if (cat.find(c->fullname)) continue;
        uint64_t cats = 0;
        for (const std::string& name : c->acl_categories) cats |= acl::categoryFlag(name);
        cat.add(c->fullname, c->arity, c->has(CMD_NO_AUTH), cats);
      }
    }
  }
  acls();  // the default user exists from here on
  commandIndex().clear();
  for (const auto& cmd : server.commands.all()) {
    commandIndex()[cmd.get()] = cat.find(cmd->fullname);
    for (const auto& sub : cmd->subcommands) commandIndex()[sub.get()] = cat.find(sub->fullname);
  }
  configOnDirective("user", [](const std::vector<std::string>& argv, std::string* err) {
    std::vector<std::string> rest(argv.begin() + 1, argv.end());
    std::string e = acls().queueConfigUser(rest);
    if (e.empty()) return true;
    *err = e;
    return false;
  });
  configOnApply("requirepass", [](std::string*) {
    acls().setDefaultPassword(cfg().requirepass);
    return true;
  });
  configOnApply("acl-pubsub-default", [](std::string*) {
    acls().setPubsubDefaultAll(cfg().acl_pubsub_default == ACL_PUBSUB_ALLCHANNELS);
    return true;
  });
  configOnRewriteUsers([] { return acls().listLines(); });
}

// ==== Clients ================================================================

bool clientAuthRequired(const Client& c) {
  if (c.is_master) return false;  // our master's link obeys no user (Redis: user NULL)
  const acl::User& def = *aclDefaultUser();
  return (!def.nopass || !def.enabled) && !c.authenticated;
}

void aclAttachNewClient(Client& c) {
  acl::User* def = aclDefaultUser();
  c.acl_user = def;
  c.user = "default";
  c.authenticated = def->nopass && def->enabled;
}

static void logDenial(Client& c, acl::LogReason reason, acl::LogContext ctx, std::string object,
                      std::string username) {
  acl::LogEntry e;
  e.reason = reason;
  e.context = ctx;
  e.object = std::move(object);
  e.username = std::move(username);
  e.ctime_ms = mstime();
  e.client_info = clientInfoString(c);
  acls().logEvent(std::move(e), cfg().acllog_max_len);
}

bool aclAuthenticate(Client& c, const std::string& user, const std::string& pass) {
  if (acls().checkCredentials(user, pass)) {
    c.authenticated = true;
    c.acl_user = acls().find(user);
    c.user = user;
    return true;
  }
  logDenial(c, acl::LogReason::Auth, c.in_multi ? acl::LogContext::Multi : acl::LogContext::Toplevel,
            c.argv.empty() ? std::string() : c.argv[0], user);
  return false;
}

// Closes every connection of the user about to be freed: they fall back to the default user,
// unauthenticated; the caller gets its reply first.
static void killClientsOfUser(const acl::User* u) {
  std::vector<Client*> victims;
  for (Client* cl : server.client_list)
    if (cl->acl_user == u) victims.push_back(cl);
  for (Client* cl : victims) {
    cl->acl_user = aclDefaultUser();
    cl->user = "default";
    cl->authenticated = false;
    if (cl == server.current_client)
      cl->close_after_reply = true;
    else
      freeClientAsync(cl);
  }
}

// After ACL SETUSER: subscribers of the user whose channels or patterns are no longer all
// allowed are disconnected.
static void killRevokedSubscribers(const acl::User& now, const acl::User& before, const acl::User* self) {
  if (acl::Acl::channelsSuperset(now, before)) return;
  std::vector<Client*> victims;
  for (Client* cl : server.client_list) {
    if (cl->acl_user != self || !cl->pubsub()) continue;
    bool kill = false;
    for (const auto& [pat, sub] : cl->patterns)
      if (!kill && !acl::Acl::channelInList(now, pat, true)) kill = true;
    for (const auto& [ch, sub] : cl->channels)
      if (!kill && !acl::Acl::channelInList(now, ch, false)) kill = true;
    for (const auto& [ch, sub] : cl->shard_channels)
      if (!kill && !acl::Acl::channelInList(now, ch, false)) kill = true;
    if (kill) victims.push_back(cl);
  }
  for (Client* cl : victims) freeClient(cl);
}

// ==== Checks =================================================================

namespace {

// The read/write access a key spec's flags ask for (access: read; insert, delete, update:
// write; neither, e.g. HEXISTS's existence test: any pattern of the user will do).
int permsOfKeySpec(uint32_t flags) {
  int perms = 0;
  if (flags & KS_ACCESS) perms |= acl::kKeyRead;
  if (flags & (KS_INSERT | KS_DELETE | KS_UPDATE)) perms |= acl::kKeyWrite;
  return perms;
}

// PUBLISH / SPUBLISH name one channel, (S)SUBSCRIBE channels and PSUBSCRIBE patterns: the
// commands whose channels ACL checks (unsubscribing is always allowed).
int channelKind(const std::string& fullname) {
  if (fullname == "publish" || fullname == "spublish") return 1;
  if (fullname == "subscribe" || fullname == "ssubscribe") return 2;
  if (fullname == "psubscribe") return 3;
  return 0;
}

acl::CallInfo callInfo(const Command* cmd, const acl::CatalogCommand* entry,
                       const std::vector<std::string>* argv) {
  acl::CallInfo call;
  call.cmd = entry;
  call.argv = argv;
  if (cmd && CommandTable::hasKeys(*cmd)) {
    call.keys = [cmd, argv](std::vector<acl::KeyRef>& out) {
      for (const auto& [pos, flags] : CommandTable::keysAndFlags(*cmd, *argv))
        out.push_back({pos, permsOfKeySpec(flags)});
    };
  }
  int kind = channelKind(entry->fullname);
  if (kind) {
    call.channels = [kind, argv](std::vector<acl::ChannelRef>& out) {
      if (kind == 1) {
        if (argv->size() > 1) out.push_back({1, false});
        return;
      }
      for (size_t i = 1; i < argv->size(); i++) out.push_back({static_cast<int>(i), kind == 3});
    };
  }
  return call;
}

// The fast path: a user allowed everything everywhere (the default user as shipped).
bool unrestricted(const acl::User& u) {
  return u.selectors.size() == 1 && acl::Acl::selectorAllowsEverything(u.selectors[0]);
}

acl::Verdict checkCall(const acl::User& u, const Command* cmd, const std::vector<std::string>& argv,
                       int* pos) {
  if (unrestricted(u)) return acl::Verdict::Ok;
  const acl::CatalogCommand* entry = catalogEntry(cmd);
  if (!entry) return acl::Verdict::Ok;
  return acls().check(u, callInfo(cmd, entry, &argv), pos);
}

acl::LogReason reasonOf(acl::Verdict v) {
  switch (v) {
    case acl::Verdict::DeniedKey: return acl::LogReason::Key;
    case acl::Verdict::DeniedChannel: return acl::LogReason::Channel;
    case acl::Verdict::DeniedAuth: return acl::LogReason::Auth;
    default: return acl::LogReason::Command;
  }
}

std::string logObject(const Command* cmd, const std::vector<std::string>& argv, acl::Verdict v, int pos) {
  if (v == acl::Verdict::DeniedCommand) return cmd->fullname;
  return argv[static_cast<size_t>(pos)];
}

}  // namespace

bool aclCheckCommandOrReject(Client& c) {
  if (c.is_master) return true;  // the replication stream runs whatever the master sent
  acl::User& u = *userOf(c);
  int pos = 0;
  acl::Verdict v = checkCall(u, c.cmd, c.argv, &pos);
  if (v == acl::Verdict::Ok) return true;
  logDenial(c, reasonOf(v), c.in_multi ? acl::LogContext::Multi : acl::LogContext::Toplevel,
            logObject(c.cmd, c.argv, v, pos), u.name);
  if (v == acl::Verdict::DeniedCommand)
    rejectCommand(c, "NOPERM this user has no permissions to run the '" + c.cmd->fullname + "' command");
  else if (v == acl::Verdict::DeniedKey)
    rejectCommand(c, kNoPermKey);
  else
    rejectCommand(c, kNoPermChannel);
  return false;
}

std::string aclCheckQueued(Client& c) {
  if (c.is_master) return "";
  acl::User& u = *userOf(c);
  int pos = 0;
  acl::Verdict v = checkCall(u, c.cmd, c.argv, &pos);
  if (v == acl::Verdict::Ok) return "";
  logDenial(c, reasonOf(v), acl::LogContext::Multi, logObject(c.cmd, c.argv, v, pos), u.name);
  const char* reason = v == acl::Verdict::DeniedCommand ? "no permission to execute the command or subcommand"
                       : v == acl::Verdict::DeniedKey   ? "no permission to touch the specified keys"
                                                        : "no permission to access one of the channels used as arguments";
  return std::string(
             "NOPERM ACLs rules changed between the moment the transaction was accumulated and the "
             "EXEC call. This command is no longer allowed for the following reason: ") +
         reason;
}

std::string aclCheckScriptCall(Client& caller, Command* cmd, const std::vector<std::string>& argv) {
  acl::User& u = *userOf(caller);
  int pos = 0;
  acl::Verdict v = checkCall(u, cmd, argv, &pos);
  if (v == acl::Verdict::Ok) return "";
  logDenial(caller, reasonOf(v), acl::LogContext::Lua, logObject(cmd, argv, v, pos), u.name);
  const char* what = v == acl::Verdict::DeniedCommand ? "can't run this command or subcommand"
                     : v == acl::Verdict::DeniedKey
                         ? "can't access at least one of the keys mentioned in the command arguments"
                         : "can't publish to the channel mentioned in the command";
  return std::string("ERR The user executing the script ") + what;
}

bool aclScriptMayRun(Client& caller, Command* cmd, const std::vector<std::string>& argv) {
  int pos = 0;
  return checkCall(*userOf(caller), cmd, argv, &pos) == acl::Verdict::Ok;
}

bool aclUserHasFullKeyRead(Client& c) {
  if (c.fake) return true;  // scripts: redis.call was checked against the caller's user
  acl::User& u = *userOf(c);
  if (unrestricted(u)) return true;
  const acl::CatalogCommand* entry = catalogEntry(c.cmd);
  if (!entry) return true;
  return acls().allowsWithAllKeys(u, callInfo(c.cmd, entry, &c.argv), acl::kKeyRead);
}

// ==== ACL command ============================================================

static void aclSetuserCommand(Client& c) {
  // Usernames and rules (passwords) never reach SLOWLOG: redacted once read, as Redis does.
  std::string name = c.arg(2);
  std::vector<std::string> rules(c.argv.begin() + 3, c.argv.end());
  for (size_t j = 2; j < c.argc(); j++) c.argv[j] = "(redacted)";
  for (char ch : name) {
    if (ch == 0 || ch == ' ' || ch == '\t' || ch == '\n' || ch == '\v' || ch == '\f' || ch == '\r') {
      c.r().error("ERR Usernames can't contain spaces or null characters");
      return;
    }
  }
  std::unique_ptr<acl::User> before;
  std::string err = acls().setUser(name, rules, &before);
  if (!err.empty()) {
    for (char& ch : err)
      if (ch == '\r' || ch == '\n') ch = ' ';
    c.r().error("ERR " + err);
    return;
  }
  if (before) killRevokedSubscribers(*acls().find(name), *before, acls().find(name));
  c.r().ok();
}

static void aclDeluserCommand(Client& c) {
  for (size_t j = 2; j < c.argc(); j++) {
    if (c.arg(j) == "default") {
      c.r().error("ERR The 'default' user cannot be removed");
      return;
    }
  }
  long long deleted = 0;
  for (size_t j = 2; j < c.argc(); j++) {
    acl::User* u = acls().find(c.arg(j));
    if (!u) continue;
    killClientsOfUser(u);
    acls().removeUser(c.arg(j));
    deleted++;
  }
  c.r().integer(deleted);
}

static void replySelector(ReplyBuilder& r, const acl::Selector& s) {
  r.bulk("commands");
  r.bulk(acls().describeCommandRules(s));
  r.bulk("keys");
  r.bulk(acl::Acl::describeKeys(s));
  r.bulk("channels");
  r.bulk(acl::Acl::describeChannels(s));
}

static void aclGetuserCommand(Client& c) {
  const acl::User* u = acls().find(c.arg(2));
  auto& r = c.r();
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

static void aclListCommand(Client& c) {
  std::vector<std::string> lines = acls().listLines();
  c.r().arrayLen(lines.size());
  for (const std::string& l : lines) c.r().bulk(l);
}

static void aclUsersCommand(Client& c) {
  std::vector<const acl::User*> users = acls().users();
  c.r().arrayLen(users.size());
  for (const acl::User* u : users) c.r().bulk(u->name);
}

static void aclWhoamiCommand(Client& c) { c.r().bulk(userOf(c)->name); }

static void aclLoadCommand(Client& c) {
  if (cfg().aclfile.empty()) {
    c.r().error(kNoAclFile);
    return;
  }
  // Every user but default is replaced: their clients are disconnected, as Redis frees
  // the old users.
  std::vector<Client*> affected;
  for (Client* cl : server.client_list)
    if (cl->acl_user && cl->acl_user != aclDefaultUser()) affected.push_back(cl);
  std::string err = acls().loadFile(cfg().aclfile, cfg().aclfile);
  if (!err.empty()) {
    c.r().error("ERR " + err);
    return;
  }
  for (Client* cl : affected) {
    cl->acl_user = aclDefaultUser();
    cl->user = "default";
    cl->authenticated = false;
    if (cl == &c)
      cl->close_after_reply = true;
    else
      freeClientAsync(cl);
  }
  c.r().ok();
}

static void aclSaveCommand(Client& c) {
  if (cfg().aclfile.empty()) {
    c.r().error(kNoAclFile);
    return;
  }
  std::string err;
  if (!acls().saveFile(cfg().aclfile, &err)) {
    serverLog(LogLevel::Warning, "{}", err);
    c.r().error("ERR There was an error trying to save the ACLs. Please check the server logs for more information");
    return;
  }
  c.r().ok();
}

static void aclCatCommand(Client& c) {
  if (c.argc() > 3) {
    replySubcommandSyntaxError(c);
    return;
  }
  if (c.argc() == 2) {
    c.r().arrayLen(acl::kCategoryCount);
    for (int j = 0; j < acl::kCategoryCount; j++) c.r().bulk(acl::categoryName(j));
    return;
  }
  uint64_t flag = acl::categoryFlag(c.arg(2));
  if (!flag) {
    c.r().error("ERR Unknown category '" + c.arg(2).substr(0, 128) + "'");
    return;
  }
  std::vector<const std::string*> names;
  for (const acl::CatalogCommand& cmd : catalog().all())
    if (cmd.categories & flag) names.push_back(&cmd.fullname);
  c.r().arrayLen(names.size());
  for (const std::string* n : names) c.r().bulk(*n);
}

static void aclGenpassCommand(Client& c) {
  if (c.argc() > 3) {
    replySubcommandSyntaxError(c);
    return;
  }
  long long bits = 256;
  if (c.argc() == 3 && !getLongLongOrReply(c, c.arg(2), &bits)) return;
  if (bits <= 0 || bits > 4096) {
    c.r().error("ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to 4096");
    return;
  }
  c.r().bulk(randomHex(static_cast<size_t>((bits + 3) / 4)));
}

static void aclLogCommand(Client& c) {
  if (c.argc() > 3) {
    replySubcommandSyntaxError(c);
    return;
  }
  long long count = 10;
  if (c.argc() == 3) {
    if (equalsIgnoreCase(c.arg(2), "reset")) {
      acls().resetLog();
      c.r().ok();
      return;
    }
    if (!getLongLongOrReply(c, c.arg(2), &count)) return;
    if (count < 0) count = 0;
  }
  const auto& log = acls().log();
  size_t n = std::min(static_cast<size_t>(count), log.size());
  auto& r = c.r();
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

// MIGRATE's keys (its KEYS form defeats the key specs): the key argument, or what follows
// KEYS when the key argument is empty (AUTH takes one argument, AUTH2 two).
static std::vector<int> migrateKeys(const std::vector<std::string>& argv) {
  int argc = static_cast<int>(argv.size());
  for (int i = 6; i < argc; i++) {
    if (equalsIgnoreCase(argv[static_cast<size_t>(i)], "auth2")) {
      i += 2;
    } else if (equalsIgnoreCase(argv[static_cast<size_t>(i)], "auth")) {
      i += 1;
    } else if (equalsIgnoreCase(argv[static_cast<size_t>(i)], "keys")) {
      if (!argv[3].empty()) return {};
      std::vector<int> keys;
      for (int k = i + 1; k < argc; k++) keys.push_back(k);
      return keys;
    }
  }
  return {3};
}

// ACL DRYRUN user command [arg ...]: whether the user could run it, without running it.
// Commands of Redis's table that Osprey lacks are judged from the catalogue and their key
// specs, as the reference would judge them.
static void aclDryrunCommand(Client& c) {
  const acl::User* u = acls().find(c.arg(2));
  if (!u) {
    c.r().error("ERR User '" + c.arg(2) + "' not found");
    return;
  }
  std::vector<std::string> argv(c.argv.begin() + 3, c.argv.end());
  Command* cmd = server.commands.lookup(argv);
  Command missing;  // stands for a catalogue command Osprey does not have
  const acl::CatalogCommand* entry = cmd ? catalogEntry(cmd) : nullptr;
  if (!cmd) {
    entry = catalog().find(argv[0]);
    if (entry && !entry->subcommands.empty())
      entry = argv.size() >= 2 && argv[1].find('|') == std::string::npos
                  ? catalog().find(argv[0] + "|" + argv[1])
                  : nullptr;
    if (!entry || argv[0].find('|') != std::string::npos) {
      c.r().error("ERR Command '" + c.arg(3) + "' not found");
      return;
    }
    missing.fullname = entry->fullname;
    missing.arity = entry->arity;
    if (entry->fullname == "migrate") missing.getkeys = migrateKeys;
    cmd = &missing;
  }
  long long argc = static_cast<long long>(argv.size());
  if ((cmd->arity > 0 && cmd->arity != argc) || argc < -cmd->arity) {
    c.r().error("ERR wrong number of arguments for '" + cmd->fullname + "' command");
    return;
  }
  int pos = 0;
  acl::Verdict v = acl::Verdict::Ok;
  if (entry && !unrestricted(*u)) v = acls().check(*u, callInfo(cmd, entry, &argv), &pos);
  if (v == acl::Verdict::Ok) {
    c.r().ok();
  } else if (v == acl::Verdict::DeniedCommand) {
    c.r().bulk("This user has no permissions to run the '" + cmd->fullname + "' command");
  } else if (v == acl::Verdict::DeniedKey) {
    c.r().bulk("This user has no permissions to access the '" + argv[static_cast<size_t>(pos)] + "' key");
  } else {
    c.r().bulk("This user has no permissions to access the '" + argv[static_cast<size_t>(pos)] + "' channel");
  }
}

static void aclHelpCommand(Client& c) { replyHelp(c, acl::helpLines()); }

static void aclContainerCommand(Client& c) { replySubcommandSyntaxError(c); }  // never called

constexpr const char* kAclAdminFlags = "admin noscript loading stale";
constexpr const char* kAclAdminCats = "@admin @slow @dangerous";
constexpr const char* kAclFlags = "noscript loading stale";

static const CommandRow kAclRows[] = {
    {"acl", -2, "", "@slow", 0, 0, 0, aclContainerCommand, "server", "6.0.0",
     "A container for Access List Control commands ", "Depends on subcommand."},
    {"acl|cat", -2, kAclFlags, "@slow", 0, 0, 0, aclCatCommand, "server", "6.0.0",
     "List the ACL categories or the commands inside a category",
     "O(1) since the categories and commands are a fixed set."},
    {"acl|deluser", -3, kAclAdminFlags, kAclAdminCats, 0, 0, 0, aclDeluserCommand, "server",
     "6.0.0", "Remove the specified ACL users and the associated rules",
     "O(1) amortized time considering the typical user."},
    {"acl|dryrun", -4, kAclAdminFlags, kAclAdminCats, 0, 0, 0, aclDryrunCommand, "server",
     "7.0.0", "Returns whether the user can execute the given command without executing the command.",
     "O(1)."},
    {"acl|genpass", -2, kAclFlags, "@slow", 0, 0, 0, aclGenpassCommand, "server", "6.0.0",
     "Generate a pseudorandom secure password to use for ACL users", "O(1)"},
    {"acl|getuser", 3, kAclAdminFlags, kAclAdminCats, 0, 0, 0, aclGetuserCommand, "server",
     "6.0.0", "Get the rules for a specific ACL user",
     "O(N). Where N is the number of password, command and pattern rules that the user has."},
    {"acl|help", 2, "loading stale", "@slow", 0, 0, 0, aclHelpCommand, "server", "6.0.0",
     "Show helpful text about the different subcommands", "O(1)"},
    {"acl|list", 2, kAclAdminFlags, kAclAdminCats, 0, 0, 0, aclListCommand, "server", "6.0.0",
     "List the current ACL rules in ACL config file format",
     "O(N). Where N is the number of configured users."},
    {"acl|load", 2, kAclAdminFlags, kAclAdminCats, 0, 0, 0, aclLoadCommand, "server", "6.0.0",
     "Reload the ACLs from the configured ACL file",
     "O(N). Where N is the number of configured users."},
    {"acl|log", -2, kAclAdminFlags, kAclAdminCats, 0, 0, 0, aclLogCommand, "server", "6.0.0",
     "List latest events denied because of ACLs in place",
     "O(N) with N being the number of entries shown."},
    {"acl|save", 2, kAclAdminFlags, kAclAdminCats, 0, 0, 0, aclSaveCommand, "server", "6.0.0",
     "Save the current ACL rules in the configured ACL file",
     "O(N). Where N is the number of configured users."},
    {"acl|setuser", -3, kAclAdminFlags, kAclAdminCats, 0, 0, 0, aclSetuserCommand, "server",
     "6.0.0", "Modify or create the rules for a specific ACL user",
     "O(N). Where N is the number of rules provided."},
    {"acl|users", 2, kAclAdminFlags, kAclAdminCats, 0, 0, 0, aclUsersCommand, "server", "6.0.0",
     "List the username of all the configured ACL rules",
     "O(N). Where N is the number of configured users."},
    {"acl|whoami", 2, kAclFlags, "@slow", 0, 0, 0, aclWhoamiCommand, "server", "6.0.0",
     "Return the name of the user associated to the current connection", "O(1)"},
};

CommandRows aclCommands() { return {kAclRows, sizeof(kAclRows) / sizeof(kAclRows[0])}; }

}  // namespace osprey
