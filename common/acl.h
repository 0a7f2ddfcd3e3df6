// common/acl.h — the ACL core shared by osprey-server and the Sentinel: users, their rules
// (Redis 7.0's ACL SETUSER language, selectors included), password hashes, the permission
// check of one command against a user, the description of a user as ACL LIST prints it, the
// ACL file format, and the ACL log.
//
// The core knows commands only through an AclCatalog (full names, categories, subcommands),
// which the binary fills from its command table, and receives the keys and channels of a call
// already extracted (key positions with their read/write access, channel positions): how
// keys are found is the server's business (key specs), what is allowed is this file's.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace osprey::acl {

// ==== Categories =============================================================

// Redis's ACL categories, in ACL CAT order (bit i = the i-th name).
constexpr int kCategoryCount = 21;
const char* categoryName(int index);
// The category's bit by name (case-insensitive, without '@'); 0 when unknown.
uint64_t categoryFlag(std::string_view name);
// "string fast" (space-separated names) -> bits; unknown names are ignored.
uint64_t categoryFlags(std::string_view names);

// ==== Commands ===============================================================

struct CatalogCommand {
  std::string fullname;  // "get", "config|get"
  int id = 0;            // index into selectors' command bitmaps
  int arity = 0;
  uint64_t categories = 0;
  bool no_auth = false;  // AUTH, HELLO ...: allowed whatever the rules
  int parent = -1;       // container's id for a subcommand
  std::vector<int> subcommands;
};

// Every command ACL rules can name, in a fixed order (ids are positions). Containers must
// be added before their subcommands.
class AclCatalog {
 public:
  int add(std::string_view fullname, int arity, bool no_auth, uint64_t categories);
  // By full name, case-insensitive ("CONFIG|GET"); nullptr when unknown.
  const CatalogCommand* find(std::string_view fullname) const;
  const CatalogCommand& at(int id) const { return commands_[static_cast<size_t>(id)]; }
  const std::vector<CatalogCommand>& all() const { return commands_; }
  // Bitmap size: one bit per command plus the "future commands" bit that +@all sets.
  size_t bits() const { return commands_.size() + 1; }
  size_t futureBit() const { return commands_.size(); }

 private:
  std::vector<CatalogCommand> commands_;
  std::unordered_map<std::string, int> index_;
};

// ==== Users and selectors ====================================================

enum KeyPerm : int { kKeyRead = 1, kKeyWrite = 2, kKeyAll = 3 };

struct KeyPattern {
  std::string pattern;
  int perms = kKeyAll;  // KeyPerm bits
  bool operator==(const KeyPattern&) const = default;
};

// One set of permissions: the root selector (rules outside parentheses) or one "(...)".
struct Selector {
  bool root = false;
  bool allkeys = false, allchannels = false, allcommands = false;
  std::vector<bool> allowed;  // by command id, plus the future-commands bit
  // Allowed first arguments of an otherwise denied command (+select|0), by command id.
  std::map<int, std::vector<std::string>> firstargs;
  std::vector<KeyPattern> patterns;   // in the order given
  std::vector<std::string> channels;  // in the order given
  bool operator==(const Selector&) const = default;
};

struct User {
  std::string name;
  bool enabled = false;  // "on" / "off"
  bool nopass = false;
  int sanitize = 0;      // 0: neither flag, 1: sanitize-payload, 2: skip-sanitize-payload
  std::vector<std::string> passwords;  // lower-case hex SHA-256, in the order added
  std::vector<Selector> selectors;     // [0] is the root selector
};

// Why a rule was refused (each has Redis's text, see ruleErrorText).
enum class RuleError {
  None,
  Syntax,            // "Syntax error"
  UnknownCommand,    // "Unknown command or category name in ACL"
  KeyAfterAll,       // a key pattern after allkeys
  ChannelAfterAll,   // a channel pattern after allchannels
  NoSuchPassword,    // <pass / !hash of a password the user does not have
  BadHash,           // #hash that is not 64 lower-case hex characters
  Duplicate,         // a user defined twice in config files
  FirstArgOfSub,     // +config|get|x
};
const char* ruleErrorText(RuleError e);

// ==== Permission checks ======================================================

// Ordered as Redis's ACL_DENIED_* codes: with several selectors the highest is reported.
enum class Verdict { Ok = 0, DeniedCommand = 1, DeniedKey = 2, DeniedAuth = 3, DeniedChannel = 4 };

struct KeyRef {
  int pos;    // argv index
  int perms;  // KeyPerm bits the access needs (0: any pattern will do)
};
struct ChannelRef {
  int pos;
  bool pattern;  // PSUBSCRIBE: compared literally with the user's patterns
};

// What the check needs of a call. Keys and channels are only asked for when a selector
// restricts them.
struct CallInfo {
  const CatalogCommand* cmd;
  const std::vector<std::string>* argv;
  std::function<void(std::vector<KeyRef>&)> keys;          // nullptr: the command has no keys
  std::function<void(std::vector<ChannelRef>&)> channels;  // nullptr: no channels to check
};

// ==== ACL log ================================================================

enum class LogReason { Command, Key, Channel, Auth };
enum class LogContext { Toplevel, Multi, Lua, Module };

struct LogEntry {
  long long count = 1;
  LogReason reason = LogReason::Command;
  LogContext context = LogContext::Toplevel;
  std::string object, username;
  long long ctime_ms = 0;
  std::string client_info;
};
const char* logReasonName(LogReason r);
const char* logContextName(LogContext c);

// ==== The registry ===========================================================

class Acl {
 public:
  explicit Acl(const AclCatalog* catalog);

  const AclCatalog& catalog() const { return *catalog_; }

  // acl-pubsub-default: whether "reset" (and new users) get allchannels.
  void setPubsubDefaultAll(bool all) { pubsub_default_all_ = all; }
  bool pubsubDefaultAll() const { return pubsub_default_all_; }

  // ---- users -----------------------------------------------------------------
  User* find(std::string_view name);
  const User* find(std::string_view name) const;
  User& defaultUser() { return *users_.at("default"); }
  // Users in name order (as Redis's radix tree iterates them).
  std::vector<const User*> users() const;
  // A user with no rights, not registered (as Redis's ACLCreateUser: "off", -@all).
  User blankUser(std::string_view name) const;
  User defaultUserTemplate() const;  // on nopass ~* &* +@all

  // ACL SETUSER: applies every rule to a copy and stores it only if all are valid.
  // Returns "" or Redis's error text without "ERR " ("Error in ACL SETUSER modifier ...").
  // *before receives the user as it was (nullptr for a new user), for the caller's
  // disconnection of subscribers whose channels were revoked.
  std::string setUser(std::string_view name, const std::vector<std::string>& rules,
                      std::unique_ptr<User>* before = nullptr);
  bool removeUser(std::string_view name);  // never "default"

  // One rule applied to a user / a selector (ACLSetUser / ACLSetSelector).
  RuleError applyRule(User& u, std::string_view rule) const;
  RuleError applySelectorRule(Selector& s, std::string_view rule) const;
  // Joins rules split on spaces back into "(...)" selectors. False with *bad set to the
  // index of the opening argument when a parenthesis is not closed.
  static bool mergeSelectorArgs(const std::vector<std::string>& in, std::vector<std::string>* out,
                                size_t* bad);

  // ---- authentication --------------------------------------------------------
  // True when name exists, is on and pass is one of its passwords (or it is nopass).
  bool checkCredentials(std::string_view name, std::string_view pass) const;
  // requirepass: the default user's only password ("" = nopass).
  void setDefaultPassword(std::string_view pass);

  // ---- checks ----------------------------------------------------------------
  // Whether u may run the call; *pos is the argv index of the refused key or channel.
  Verdict check(const User& u, const CallInfo& call, int* pos) const;
  static bool selectorAllowsEverything(const Selector& s) {
    return s.allcommands && s.allkeys && s.allchannels;
  }
  bool channelAllowed(const User& u, std::string_view channel, bool pattern) const;
  // Whether a selector of u that allows the call also has unrestricted key access of
  // `perms` (SORT BY/GET patterns).
  bool allowsWithAllKeys(const User& u, const CallInfo& call, int perms) const;
  // Whether the revised user keeps every channel the old one had (else its subscribers
  // must be checked), and whether a subscription is still allowed to the new user.
  static bool channelsSuperset(const User& now, const User& before);
  static bool channelInList(const User& u, std::string_view channel, bool pattern);

  // ---- descriptions ----------------------------------------------------------
  // "on nopass ~* &* +@all" (what follows "user <name> " in ACL LIST and ACL files).
  std::string describeUser(const User& u) const;
  std::string describeSelector(const Selector& s) const;       // keys, channels, commands
  std::string describeCommandRules(const Selector& s) const;   // "+@all -debug"
  static std::string describeKeys(const Selector& s);          // "%R~foo ~bar" or "~*"
  static std::string describeChannels(const Selector& s);      // "&foo &bar" or "&*"
  // "user <name> <description>" lines, in name order.
  std::vector<std::string> listLines() const;

  // ---- files -----------------------------------------------------------------
  // Replaces every user with the file's (ACL LOAD): all or nothing. Returns "" or the
  // error text (without "ERR "). `shown_name` is how errors name the file.
  std::string loadFile(const std::string& path, const std::string& shown_name);
  // Writes the users (ACL SAVE) through a temp file renamed over path. False with *err.
  bool saveFile(const std::string& path, std::string* err) const;
  // `user` directives of the config file: validates one (ACLAppendUserForLoading) and
  // queues it; loadConfiguredUsers applies the queue at start-up.
  std::string queueConfigUser(const std::vector<std::string>& argv_after_user);
  bool hasQueuedUsers() const { return !queued_.empty(); }
  std::string loadConfiguredUsers();

  // ---- log -------------------------------------------------------------------
  void logEvent(LogEntry e, long long max_len);
  const std::deque<LogEntry>& log() const { return log_; }
  void resetLog() { log_.clear(); }

 private:
  void setCommand(Selector& s, const CatalogCommand& cmd, bool allow) const;
  void setCategory(Selector& s, uint64_t flag, bool allow) const;
  void countCategory(const Selector& s, uint64_t flag, unsigned long* on, unsigned long* off) const;
  Selector newSelector(bool root) const;
  bool selectorCheckKey(const Selector& s, std::string_view key, int perms) const;
  Verdict selectorCheck(const Selector& s, const CallInfo& call, int* pos,
                        std::vector<KeyRef>* keys, bool* keys_ready) const;

  const AclCatalog* catalog_;
  bool pubsub_default_all_ = false;
  std::map<std::string, std::unique_ptr<User>> users_;
  std::vector<std::vector<std::string>> queued_;  // config "user" lines: name, rules...
  std::deque<LogEntry> log_;
};

// The lines of ACL HELP between its heading and the closing HELP entry (server and sentinel).
const std::vector<std::string>& helpLines();

}  // namespace osprey::acl
