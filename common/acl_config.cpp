// common/acl_config.cpp — see acl_config.h.
#include "common/acl_config.h"

#include "common/config.h"
#include "common/log.h"

namespace osprey {

bool aclLoadAtStartup(acl::Acl& a, std::string* err) {
  a.setPubsubDefaultAll(cfg().acl_pubsub_default == ACL_PUBSUB_ALLCHANNELS);
  a.setDefaultPassword(cfg().requirepass);
  if (!cfg().aclfile.empty() && a.hasQueuedUsers()) {
    *err =
        "Configuring Redis with users defined in redis.conf and at the same setting an ACL file "
        "path is invalid. This setup is very likely to lead to configuration errors and security "
        "holes, please define either an ACL file or declare users directly in your redis.conf, "
        "but not both.";
    return false;
  }
  std::string e = a.loadConfiguredUsers();
  if (!e.empty()) {
    serverLog(LogLevel::Warning, "{}", e);
    *err = "Critical error while loading ACLs. Exiting.";
    return false;
  }
  if (!cfg().aclfile.empty()) {
    e = a.loadFile(cfg().aclfile, cfg().aclfile);
    if (!e.empty()) {
      *err = "Aborting Redis startup because of ACL errors: " + e;
      return false;
    }
  }
  return true;
}

}  // namespace osprey
