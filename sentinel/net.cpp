// sentinel/net.cpp — the listening sockets and client connections of osprey-sentinel on the
// libuv loop: accept, read requests (shared RequestParser), write replies (shared
// OutputBuffer / RespWriter), and deliver our events to Pub/Sub subscribers.
#include "sentinel/net.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>

#include "common/config.h"
#include "common/log.h"
#include "common/util.h"
#include "sentinel/acl.h"
#include "sentinel/sentinel.h"

namespace osprey::sentinel {

namespace {

std::vector<uv_tcp_t*> g_listeners;
uint64_t g_next_client_id = 1;
long long g_pause_until = 0;  // CLIENT PAUSE ... ALL
uv_timer_t* g_unpause_timer = nullptr;

bool paused() { return g_pause_until && mstime() < g_pause_until; }
void processInput(Client* c);

std::string peerString(const sockaddr_storage& sa) {
  char buf[INET6_ADDRSTRLEN];
  int port;
  if (sa.ss_family == AF_INET) {
    auto* s4 = reinterpret_cast<const sockaddr_in*>(&sa);
    inet_ntop(AF_INET, &s4->sin_addr, buf, sizeof(buf));
    port = ntohs(s4->sin_port);
  } else {
    auto* s6 = reinterpret_cast<const sockaddr_in6*>(&sa);
    inet_ntop(AF_INET6, &s6->sin6_addr, buf, sizeof(buf));
    port = ntohs(s6->sin6_port);
  }
  return formatAddrPort(buf, port);
}

void onAlloc(uv_handle_t*, size_t suggested, uv_buf_t* buf) {
  static char slab[64 * 1024];
  buf->base = slab;
  buf->len = sizeof(slab);
  (void)suggested;
}

void onClosed(uv_handle_t* h) { delete static_cast<Client*>(h->data); }

struct WriteReq {
  uv_write_t req;
  std::string data;
  Client* client;
};

void onWritten(uv_write_t* req, int status) {
  auto* w = reinterpret_cast<WriteReq*>(req);
  Client* c = w->client;
  delete w;
  if (status < 0) {
    closeClient(c);
    return;
  }
  if (c->close_after_reply && c->out.empty() && !c->closing) closeClient(c);
}

void processInput(Client* c) {
  while (!c->closing && !c->close_after_reply && !paused()) {
    ParserLimits limits;
    limits.auth_required = !c->authenticated;
    std::string err;
    c->argv.clear();
    RequestParser::Result res = c->parser.parse(c->querybuf, &c->qpos, &c->argv, limits, &err);
    if (res == RequestParser::Result::Incomplete) break;
    if (res == RequestParser::Result::Error) {
      c->r().error(err);
      closeClientAfterReply(c);
      break;
    }
    if (c->argv.empty()) continue;
    c->last_interaction = mstime();
    processCommand(c);
  }
  if (c->qpos == c->querybuf.size()) {
    c->querybuf.clear();
    c->qpos = 0;
  } else if (c->qpos > 64 * 1024) {
    c->querybuf.erase(0, c->qpos);
    c->qpos = 0;
  }
}

void onRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  Client* c = static_cast<Client*>(stream->data);
  if (nread < 0) {
    closeClient(c);
    return;
  }
  if (nread == 0) return;
  c->querybuf.append(buf->base, static_cast<size_t>(nread));
  processInput(c);
  flushClient(c);
}

void onConnection(uv_stream_t* server, int status) {
  if (status < 0) return;
  auto* c = new Client();
  uv_tcp_init(S().loop, &c->handle);
  c->handle.data = c;
  if (uv_accept(server, reinterpret_cast<uv_stream_t*>(&c->handle)) != 0) {
    uv_close(reinterpret_cast<uv_handle_t*>(&c->handle), onClosed);
    return;
  }
  uv_tcp_nodelay(&c->handle, 1);
  uv_fileno(reinterpret_cast<uv_handle_t*>(&c->handle), reinterpret_cast<uv_os_fd_t*>(&c->fd));
  sockaddr_storage sa;
  int len = sizeof(sa);
  if (uv_tcp_getpeername(&c->handle, reinterpret_cast<sockaddr*>(&sa), &len) == 0) c->addr = peerString(sa);
  len = sizeof(sa);
  if (uv_tcp_getsockname(&c->handle, reinterpret_cast<sockaddr*>(&sa), &len) == 0) c->laddr = peerString(sa);
  c->id = g_next_client_id++;
  c->ctime = c->last_interaction = mstime();
  aclAttachNewClient(c);
  clients().push_back(c);
  uv_read_start(reinterpret_cast<uv_stream_t*>(&c->handle), onAlloc, onRead);
}

bool listenOn(const std::string& host, int port, std::string* err) {
  auto* h = new uv_tcp_t;
  uv_tcp_init(S().loop, h);
  sockaddr_storage sa;
  bool v6 = host.find(':') != std::string::npos;
  int rc = v6 ? uv_ip6_addr(host.c_str(), port, reinterpret_cast<sockaddr_in6*>(&sa))
              : uv_ip4_addr(host.c_str(), port, reinterpret_cast<sockaddr_in*>(&sa));
  if (rc == 0) rc = uv_tcp_bind(h, reinterpret_cast<sockaddr*>(&sa), v6 ? UV_TCP_IPV6ONLY : 0);
  if (rc == 0) rc = uv_listen(reinterpret_cast<uv_stream_t*>(h), 511, onConnection);
  if (rc != 0) {
    *err = uv_strerror(rc);
    uv_close(reinterpret_cast<uv_handle_t*>(h), [](uv_handle_t* hh) { delete reinterpret_cast<uv_tcp_t*>(hh); });
    return false;
  }
  g_listeners.push_back(h);
  return true;
}

}  // namespace

std::list<Client*>& clients() {
  static std::list<Client*> all;
  return all;
}

size_t connectedClients() { return clients().size(); }

void closeClient(Client* c) {
  if (c->closing) return;
  c->closing = true;
  clients().remove(c);
  uv_close(reinterpret_cast<uv_handle_t*>(&c->handle), onClosed);
}

void closeClientAfterReply(Client* c) { c->close_after_reply = true; }

// When the pause ends, the requests that arrived meanwhile are run.
void unpauseClients() {
  g_pause_until = 0;
  std::vector<Client*> all(clients().begin(), clients().end());
  for (Client* c : all) {
    if (c->closing) continue;
    processInput(c);
    flushClient(c);
  }
}

void pauseClients(long long until_ms, bool all) {
  if (!all) return;
  if (until_ms > g_pause_until) g_pause_until = until_ms;
  if (!g_unpause_timer) {
    g_unpause_timer = new uv_timer_t;
    uv_timer_init(S().loop, g_unpause_timer);
  }
  long long delay = g_pause_until - mstime();
  uv_timer_start(g_unpause_timer, [](uv_timer_t*) { unpauseClients(); },
                 static_cast<uint64_t>(delay > 0 ? delay : 0), 0);
}

void flushClient(Client* c) {
  if (c->closing) return;
  if (!c->out.empty()) {
    auto* w = new WriteReq();
    w->data = c->out.str();
    w->client = c;
    c->out.clear();
    uv_buf_t b = uv_buf_init(w->data.data(), static_cast<unsigned>(w->data.size()));
    if (uv_write(&w->req, reinterpret_cast<uv_stream_t*>(&c->handle), &b, 1, onWritten) != 0) {
      delete w;
      closeClient(c);
    }
    return;
  }
  if (c->close_after_reply) closeClient(c);
}

std::string clientInfoLine(const Client* c) {
  long long now = mstime();
  std::string flags = c->subscriptions() ? "P" : "N";
  return fmt::format(
      "id={} addr={} laddr={} fd={} name={} age={} idle={} flags={} db=0 sub={} psub={} ssub=0 multi=-1 "
      "qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=1024 rbp=0 obl=0 oll=0 omem=0 tot-mem=0 events=r "
      "cmd={} user={} redir=-1 resp={}",
      c->id, c->addr, c->laddr, c->fd, c->name, (now - c->ctime) / 1000, (now - c->last_interaction) / 1000,
      flags, c->channels.size(), c->patterns.size(), c->lastcmd, c->user, c->writer.protocol());
}

void publishMessage(const std::string& channel, const std::string& message) {
  std::vector<Client*> all(clients().begin(), clients().end());
  for (Client* c : all) {
    if (c->closing) continue;
    bool sent = false;
    if (c->channels.count(channel)) {
      c->r().pushLen(3);
      c->r().bulk("message");
      c->r().bulk(channel);
      c->r().bulk(message);
      sent = true;
    }
    for (const std::string& p : c->patterns) {
      if (!stringmatch(p, channel)) continue;
      c->r().pushLen(4);
      c->r().bulk("pmessage");
      c->r().bulk(p);
      c->r().bulk(channel);
      c->r().bulk(message);
      sent = true;
    }
    if (sent) flushClient(c);
  }
}

bool startListening(std::string* err) {
  std::vector<std::string> addrs = cfg().bind;
  if (addrs.empty()) addrs = {"*", "-::*"};
  bool any = false;
  for (std::string a : addrs) {
    bool optional = !a.empty() && a[0] == '-';
    if (optional) a = a.substr(1);
    if (a == "*") a = "0.0.0.0";
    if (a == "::*") a = "::";
    std::string e;
    if (listenOn(a, S().port, &e)) {
      any = true;
    } else if (!optional) {
      *err = "Could not create server TCP listening socket " + a + ":" + std::to_string(S().port) + ": " + e;
      return false;
    }
  }
  if (!any) {
    *err = "Failed listening on port " + std::to_string(S().port) + " (tcp), aborting.";
    return false;
  }
  return true;
}

void closeListeners() {
  for (uv_tcp_t* h : g_listeners)
    uv_close(reinterpret_cast<uv_handle_t*>(h), [](uv_handle_t* hh) { delete reinterpret_cast<uv_tcp_t*>(hh); });
  g_listeners.clear();
}

}  // namespace osprey::sentinel
