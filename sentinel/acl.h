// sentinel/acl.h — ACL in osprey-sentinel, on the rules engine shared with the server
// (common/acl.h): the registry of users, authentication (AUTH, HELLO AUTH), the permission
// check processCommand runs after NOAUTH, the ACL LOG, the `user` lines of sentinel.conf,
// and the ACL command family as Redis 7.0.15's sentinel answers it.
#pragma once

#include <string>
#include <vector>

#include "common/acl.h"

namespace osprey::sentinel {

struct Client;

// The registry; its catalogue is the sentinel's own command table (commands.cpp), as the
// real sentinel's rules only know the commands it has.
acl::Acl& acls();
// commands.cpp: every command and subcommand of the table, containers first.
void fillAclCatalog(acl::AclCatalog& cat);
// Before sentinel.conf is read: registers the `user` directive.
void aclRegisterConfig();
// The `user` lines a config rewrite writes (none when an aclfile is set).
std::vector<std::string> aclConfigLines();

// A new connection: the default user, authenticated when it needs no password.
void aclAttachNewClient(Client* c);
// AUTH / HELLO AUTH: logs c in, or logs the failure in the ACL LOG and returns false.
bool aclAuthenticate(Client* c, const std::string& user, const std::string& pass);
// processCommand's check: false when the call was refused with -NOPERM (and logged).
bool aclCheckCommandOrReject(Client* c, const std::string& fullname);
bool aclUserExists(const std::string& name);

// The ACL subcommands.
void aclSetuser(Client* c);
void aclDeluser(Client* c);
void aclGetuser(Client* c);
void aclList(Client* c);
void aclUsers(Client* c);
void aclWhoami(Client* c);
void aclLoad(Client* c);
void aclSave(Client* c);
void aclCat(Client* c);
void aclGenpass(Client* c);
void aclLog(Client* c);
void aclDryrun(Client* c);
void aclHelp(Client* c);

}  // namespace osprey::sentinel
