// sentinel/net.h — the clients of osprey-sentinel (redis-cli, other sentinels asking
// is-master-down-by-addr, Pub/Sub subscribers to events): one Client per connection, read
// with the shared RESP parser and answered through the shared reply builder.
#pragma once

#include <uv.h>

#include <list>
#include <set>
#include <string>
#include <vector>

#include "common/reply.h"
#include "common/resp_parser.h"

namespace osprey::sentinel {

struct Client {
  uv_tcp_t handle;
  uint64_t id = 0;
  int fd = -1;
  std::string addr, laddr;
  std::string name;
  std::string querybuf;
  size_t qpos = 0;
  RequestParser parser;
  OutputBuffer out;
  RespWriter writer{&out};
  std::vector<std::string> argv;
  bool authenticated = false;
  std::string user = "default";  // ACL user (sentinel/acl.h)
  // CLIENT TRACKING: accepted and reported as Redis does; Sentinel has no keys, so no
  // invalidation is ever sent.
  bool tracking = false, tracking_bcast = false, tracking_optin = false, tracking_optout = false,
       tracking_noloop = false, tracking_caching = false;  // CLIENT CACHING YES/NO given
  long long tracking_redirect = 0;
  std::vector<std::string> tracking_prefixes;
  bool close_after_reply = false;
  bool closing = false;
  std::set<std::string> channels, patterns;
  long long ctime = 0, last_interaction = 0;
  std::string lastcmd = "NULL";
  bool reply_off = false;   // CLIENT REPLY OFF
  bool reply_skip = false;  // CLIENT REPLY SKIP: the next command's reply is dropped
  ReplyBuilder& r() { return writer; }
  size_t subscriptions() const { return channels.size() + patterns.size(); }
};

std::list<Client*>& clients();
void closeClient(Client* c);           // now
void closeClientAfterReply(Client* c);  // once the pending reply is written
void flushClient(Client* c);
std::string clientInfoLine(const Client* c);

// CLIENT PAUSE: until `until_ms`, requests are left unread (all: every command; write: none
// of Sentinel's commands write, so nothing waits).
void pauseClients(long long until_ms, bool all);
void unpauseClients();

// commands.cpp: runs one request.
void processCommand(Client* c);

}  // namespace osprey::sentinel
