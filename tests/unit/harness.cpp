// tests/unit/harness.cpp — the in-process command runner (see harness.h).
#include "tests/unit/harness.h"

#include "common/config.h"
#include "server/acl.h"
#include "server/db.h"
#include "server/networking.h"

namespace osprey::test {

TestServer::TestServer() {
  configResetToDefaults();
  updateCachedTime();
  if (!server.loop) server.loop = uv_default_loop();
  server.dbs.clear();
  server.dbs.resize(static_cast<size_t>(cfg().databases));
  for (size_t i = 0; i < server.dbs.size(); i++) server.dbs[i].id = static_cast<int>(i);
  if (server.commands.count() == 0) server.commands.build();
  aclInit();  // once: the ACL catalogue and the default user every fake client runs as
  for (const acl::User* u : acls().users())
    if (u->name != "default") acls().removeUser(u->name);
  acls().defaultUser() = acls().defaultUserTemplate();
  acls().resetLog();
  server.dirty = 0;
}

TestServer::~TestServer() {
  for (Client* c : clients_) freeClient(c);
  freeClientsInAsyncQueue();
  emptyData(-1);
}

Client& TestServer::client(size_t i) {
  while (clients_.size() <= i) clients_.push_back(createFakeClient());
  return *clients_[i];
}

std::string TestServer::runAs(size_t i, std::vector<std::string> argv) {
  Client& c = client(i);
  c.argv = std::move(argv);
  updateCachedTime();
  processCommand(c);
  applyReplyMode(c);
  std::string out = c.out.str();
  c.out.clear();
  return out;
}

std::string TestServer::run(std::vector<std::string> argv) { return runAs(0, std::move(argv)); }


std::vector<std::string> bulks(const std::string& reply) {
  std::vector<std::string> out;
  size_t p = 0;
  while (p < reply.size()) {
    size_t eol = reply.find("\r\n", p);
    if (reply[p] == '$') {
      long len = std::stol(reply.substr(p + 1, eol - p - 1));
      if (len >= 0) {
        out.push_back(reply.substr(eol + 2, static_cast<size_t>(len)));
        p = eol + 2 + static_cast<size_t>(len) + 2;
        continue;
      }
    }
    p = eol + 2;
  }
  return out;
}

}  // namespace osprey::test
