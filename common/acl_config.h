// common/acl_config.h — the ACL settings of a configuration applied at start-up, shared by
// osprey-server and osprey-sentinel: acl-pubsub-default, requirepass as the default user's
// password, the `user` lines, and `aclfile` (with Redis's refusal of both at once).
#pragma once

#include <string>

#include "common/acl.h"

namespace osprey {

// After the config file is read: applies cfg()'s ACL settings to `a` (requirepass, then
// the `user` lines or the aclfile). False with the text to log before exiting, as Redis does.
bool aclLoadAtStartup(acl::Acl& a, std::string* err);

}  // namespace osprey
