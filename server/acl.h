// server/acl.h — the server's side of ACL (the rules engine is common/acl.h): the one
// registry of users, how a client is authenticated, the dispatcher's permission check and
// its NOPERM errors, the same check for MULTI-queued commands and redis.call, the ACL LOG
// entries, disconnection of clients whose user goes away, and the config directives
// (user, aclfile, requirepass, acl-pubsub-default).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/acl.h"

namespace osprey {

struct Client;
struct Command;

// The registry (users, log) and the catalogue of every Redis command ACL rules may name.
acl::Acl& acls();
// Before the config file is read: builds the catalogue and registers the `user` directive.
void aclInit();

acl::User* aclDefaultUser();
// Whether c must authenticate before running anything but no_auth commands (Redis's
// authRequired: the default user has a password or is off, and c has not logged in).
bool clientAuthRequired(const Client& c);
// The state of a new connection: the default user, authenticated when it needs no password.
void aclAttachNewClient(Client& c);
// AUTH / HELLO AUTH: logs c in, or logs the failure in the ACL LOG and returns false.
bool aclAuthenticate(Client& c, const std::string& user, const std::string& pass);
bool aclUserExists(std::string_view name);

// The dispatcher's check (after NOAUTH and NO_MULTI): false when the command was rejected
// with -NOPERM (and logged).
bool aclCheckCommandOrReject(Client& c);
// EXEC re-checks every queued command: "" or the error to reply instead of running it.
std::string aclCheckQueued(Client& c);
// redis.call from a script run by `caller`: "" or the error text ("ERR The user ...").
std::string aclCheckScriptCall(Client& caller, Command* cmd, const std::vector<std::string>& argv);
// redis.acl_check_cmd: whether the caller's user may run argv.
bool aclScriptMayRun(Client& caller, Command* cmd, const std::vector<std::string>& argv);
// SORT BY / GET: whether c's user may read any key with this command.
bool aclUserHasFullKeyRead(Client& c);

}  // namespace osprey
