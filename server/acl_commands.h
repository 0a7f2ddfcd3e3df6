// server/acl_commands.h — the generated catalogue of Redis 7.0.15's commands for ACL
// (server/acl_commands.cpp, from scripts/gen_acl_commands.py).
#pragma once

#include <cstddef>

namespace osprey {

struct AclCommandRow {
  const char* fullname;    // "config|get"
  int arity;
  bool no_auth;
  const char* categories;  // "admin slow dangerous"
};

// Sorted by full name, so a container precedes its subcommands.
extern const AclCommandRow kAclCommandRows[];
extern const size_t kAclCommandRowCount;

}  // namespace osprey
