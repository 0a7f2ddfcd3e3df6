// tests/unit/harness.h — runs commands in-process, without sockets, for unit tests.
//
//   TestServer ts;                       // fresh databases and default config
//   CHECK(ts.run({"SET", "k", "v"}) == "+OK\r\n");
// Each call goes through processCommand (the same checks as a socket client) with a fake
// client, and returns the exact RESP bytes of the reply.
#pragma once

#include <initializer_list>
#include <string>
#include <vector>

#include "server/server.h"

namespace osprey::test {

class TestServer {
 public:
  TestServer();
  ~TestServer();
  // Runs one command as the default client; returns its reply bytes.
  std::string run(std::vector<std::string> argv);
  // Runs one command as another fake client (created on first use, by index).
  std::string runAs(size_t client, std::vector<std::string> argv);
  Client& client(size_t i = 0);

 private:
  std::vector<Client*> clients_;
};

// Every bulk string of a reply, in order, whatever aggregates hold them.
std::vector<std::string> bulks(const std::string& reply);

}  // namespace osprey::test
