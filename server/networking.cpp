// server/networking.cpp — sockets, clients and the event loop's I/O.
//
// Design: libuv runs the loop (timers, signals, readiness), but sockets are watched with
// uv_poll_t and read/written with plain non-blocking syscalls by our own code. Two reasons:
//   * replies are written straight from the client's OutputBuffer with writev(), without
//     copying them into libuv write requests;
//   * while a script runs past busy-reply-threshold the server must keep serving clients
//     from inside the script (libuv forbids re-entering uv_run from a callback); because our
//     read/accept/write functions are plain calls on file descriptors, the busy-state poller
//     (scripting issue) can drive them with poll(2) directly, outside libuv.
// Replies are never written while a command runs: clients with output are queued and
// flushed in beforeSleep(), once per loop iteration, as Redis does.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

#include "common/config.h"
#include "common/log.h"
#include "common/util.h"
#include "server/acl.h"
#include "server/blocking.h"
#include "server/db.h"
#include "server/networking.h"
#include "server/replication.h"
#include "server/server.h"

namespace osprey {

static void onClientEvent(uv_poll_t* h, int status, int events);
static void onListenerEvent(uv_poll_t* h, int status, int events);

// ---- Address helpers -------------------------------------------------------

static std::string formatAddr(const sockaddr_storage& ss) {
  char ip[INET6_ADDRSTRLEN] = {0};
  int port = 0;
  if (ss.ss_family == AF_INET) {
    auto* s = reinterpret_cast<const sockaddr_in*>(&ss);
    inet_ntop(AF_INET, &s->sin_addr, ip, sizeof ip);
    port = ntohs(s->sin_port);
  } else if (ss.ss_family == AF_INET6) {
    auto* s = reinterpret_cast<const sockaddr_in6*>(&ss);
    inet_ntop(AF_INET6, &s->sin6_addr, ip, sizeof ip);
    port = ntohs(s->sin6_port);
  } else {
    return "";
  }
  return std::string(ip) + ":" + std::to_string(port);
}

static bool isLoopback(const sockaddr_storage& ss) {
  if (ss.ss_family == AF_INET) {
    auto* s = reinterpret_cast<const sockaddr_in*>(&ss);
    return (ntohl(s->sin_addr.s_addr) >> 24) == 127;
  }
  if (ss.ss_family == AF_INET6) {
    auto* s = reinterpret_cast<const sockaddr_in6*>(&ss);
    return IN6_IS_ADDR_LOOPBACK(&s->sin6_addr);
  }
  return true;  // unix sockets
}

// ---- Listeners -------------------------------------------------------------

static void watchListener(int fd) {
  auto* h = new uv_poll_t;
  uv_poll_init(server.loop, h, fd);
  h->data = reinterpret_cast<void*>(static_cast<intptr_t>(fd));
  uv_poll_start(h, UV_READABLE, onListenerEvent);
  server.listeners.push_back(h);
  server.listen_fds.push_back(fd);
}

// Binds one TCP address. Returns the fd, -1 on error (errno kept), -2 if skipped.
static int listenTcp(const std::string& bindaddr, int port, std::string* errmsg) {
  bool optional = !bindaddr.empty() && bindaddr[0] == '-';
  std::string addr = optional ? bindaddr.substr(1) : bindaddr;
  bool v6 = addr.find(':') != std::string::npos;
  if (addr == "*") addr = "0.0.0.0";
  if (addr == "::*") addr = "::";
  int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    if (optional && (errno == EAFNOSUPPORT || errno == EPROTONOSUPPORT)) return -2;
    *errmsg = std::string("socket: ") + strerror(errno);
    return -1;
  }
  int yes = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  sockaddr_storage ss{};
  socklen_t len;
  if (v6) {
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &yes, sizeof yes);
    auto* s = reinterpret_cast<sockaddr_in6*>(&ss);
    s->sin6_family = AF_INET6;
    s->sin6_port = htons(static_cast<uint16_t>(port));
    if (inet_pton(AF_INET6, addr.c_str(), &s->sin6_addr) != 1) {
      close(fd);
      *errmsg = "Invalid bind address '" + addr + "'";
      return -1;
    }
    len = sizeof(sockaddr_in6);
  } else {
    auto* s = reinterpret_cast<sockaddr_in*>(&ss);
    s->sin_family = AF_INET;
    s->sin_port = htons(static_cast<uint16_t>(port));
    if (inet_pton(AF_INET, addr.c_str(), &s->sin_addr) != 1) {
      close(fd);
      *errmsg = "Invalid bind address '" + addr + "'";
      return -1;
    }
    len = sizeof(sockaddr_in);
  }
  if (bind(fd, reinterpret_cast<sockaddr*>(&ss), len) < 0 ||
      listen(fd, static_cast<int>(cfg().tcp_backlog)) < 0) {
    int e = errno;
    close(fd);
    if (optional && (e == EADDRNOTAVAIL || e == EAFNOSUPPORT || e == EPROTONOSUPPORT ||
                     e == ESOCKTNOSUPPORT || e == EOPNOTSUPP))
      return -2;
    *errmsg = std::string("bind: ") + strerror(e);
    errno = e;
    return -1;
  }
  return fd;
}

bool listenToPort() {
  int port = static_cast<int>(cfg().port);
  if (port != 0) {
    std::vector<std::string> binds = cfg().bind;
    if (binds.empty()) binds = {"*", "-::*"};
    for (const auto& b : binds) {
      std::string err;
      int fd = listenTcp(b, port, &err);
      if (fd == -2) continue;
      if (fd < 0) {
        std::string shown = b[0] == '-' ? b.substr(1) : b;
        serverLog(LogLevel::Warning, "Warning: Could not create server TCP listening socket {}:{}: {}",
                  shown, port, err);
        serverLog(LogLevel::Warning, "Failed listening on port {} (tcp), aborting.", port);
        return false;
      }
      watchListener(fd);
    }
    server.tcp_port = port;
  }
  if (!cfg().unixsocket.empty()) {
    const std::string& path = cfg().unixsocket;
    unlink(path.c_str());
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    sockaddr_un su{};
    su.sun_family = AF_UNIX;
    strncpy(su.sun_path, path.c_str(), sizeof(su.sun_path) - 1);
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&su), sizeof su) < 0 ||
        listen(fd, static_cast<int>(cfg().tcp_backlog)) < 0) {
      serverLog(LogLevel::Warning, "Failed opening Unix socket: {}", strerror(errno));
      return false;
    }
    if (cfg().unixsocketperm) chmod(path.c_str(), static_cast<mode_t>(cfg().unixsocketperm));
    watchListener(fd);
  }
  return true;
}

void closeListeners() {
  for (auto* h : server.listeners) {
    uv_poll_stop(h);
    uv_close(reinterpret_cast<uv_handle_t*>(h), [](uv_handle_t* hh) { delete reinterpret_cast<uv_poll_t*>(hh); });
  }
  for (int fd : server.listen_fds) close(fd);
  server.listeners.clear();
  server.listen_fds.clear();
  if (!cfg().unixsocket.empty()) unlink(cfg().unixsocket.c_str());
}

// ---- Accepting -------------------------------------------------------------

static void rejectConnection(int fd, const char* msg) {
  ssize_t ignored = write(fd, msg, strlen(msg));
  (void)ignored;
  close(fd);
}

void acceptOn(int lfd) {
  for (int i = 0; i < 1000; i++) {  // at most MAX_ACCEPTS_PER_CALL per event
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    int fd = accept4(lfd, reinterpret_cast<sockaddr*>(&ss), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
        serverLog(LogLevel::Warning, "Accepting client connection: {}", strerror(errno));
      return;
    }
    bool is_unix = ss.ss_family == AF_UNIX;
    if (static_cast<long long>(server.clients.size()) >= cfg().maxclients) {
      server.stat_rejected_conn++;
      rejectConnection(fd, "-ERR max number of clients reached\r\n");
      continue;
    }
    if (cfg().protected_mode && aclDefaultUser()->nopass && !isLoopback(ss)) {
      server.stat_rejected_conn++;
      rejectConnection(fd,
          "-DENIED Redis is running in protected mode because protected mode is enabled and "
          "no password is set for the default user. In this mode connections are only "
          "accepted from the loopback interface. If you want to connect from external "
          "computers to Redis you may adopt one of the following solutions: 1) Just disable "
          "protected mode sending the command 'CONFIG SET protected-mode no' from the "
          "loopback interface by connecting to Redis from the same host the server is "
          "running, however MAKE SURE Redis is not publicly accessible from internet if you "
          "do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can "
          "just disable the protected mode by editing the Redis configuration file, and "
          "setting the protected mode option to 'no', and then restarting the server. 3) If "
          "you started the server manually just for testing, restart it with the "
          "'--protected-mode no' option. 4) Set up an authentication password for the "
          "default user. NOTE: You only need to do one of the above things in order for the "
          "server to start accepting connections from the outside.\r\n");
      continue;
    }
    Client* c = createClient(fd, is_unix);
    if (!is_unix) {
      int yes = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
      if (cfg().tcp_keepalive > 0) {
        setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &yes, sizeof yes);
        int idle = static_cast<int>(cfg().tcp_keepalive);
        int intvl = std::max(idle / 3, 1);
        int cnt = 3;
        setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
        setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof intvl);
        setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof cnt);
      }
      c->addr = formatAddr(ss);
      sockaddr_storage ls{};
      socklen_t llen = sizeof ls;
      getsockname(fd, reinterpret_cast<sockaddr*>(&ls), &llen);
      c->laddr = formatAddr(ls);
    } else {
      c->addr = "/unixsocket";
      c->laddr = cfg().unixsocket;
    }
    serverLog(LogLevel::Verbose, "Accepted {}", is_unix ? "connection to " + cfg().unixsocket : c->addr);
  }
}

static void onListenerEvent(uv_poll_t* h, int status, int events) {
  if (status < 0) return;
  acceptOn(static_cast<int>(reinterpret_cast<intptr_t>(h->data)));
}

// ---- Client life cycle -----------------------------------------------------

static void errorHook(std::string_view err, void* ctx) {
  // Counts the error by its code (INFO errorstats), as Redis's afterErrorReply.
  server.stat_total_error_replies++;
  size_t sp = err.find(' ');
  std::string code(err.substr(0, sp == std::string_view::npos ? err.size() : sp));
  if (code.empty() || !std::all_of(code.begin(), code.end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; }))
    code = "ERR";
  if (server.errorstats.size() < 128 || server.errorstats.count(code)) server.errorstats[code]++;
  // An error while applying our master's stream means the datasets diverge: Redis logs it
  // loudly (the reply itself is never sent to the master).
  auto* c = static_cast<Client*>(ctx);
  if (c && c->is_master)
    serverLog(LogLevel::Warning,
              "== CRITICAL == This replica is sending an error to its master: '{}' after "
              "processing the command '{}'",
              err.substr(0, 128), c->cmd ? c->cmd->fullname : std::string("<unknown>"));
}

static Client* newClient() {
  auto* c = new Client;
  c->id = server.next_client_id++;
  c->db = &server.dbs[0];
  c->ctime = c->last_interaction = server.mstime_cached;
  aclAttachNewClient(*c);
  c->writer.setErrorHook(errorHook, c);
  return c;
}

Client* createClient(int fd, bool is_unix) {
  Client* c = newClient();
  c->fd = fd;
  c->is_unix = is_unix;
  c->poll = new uv_poll_t;
  uv_poll_init(server.loop, c->poll, fd);
  c->poll->data = c;
  c->poll_events = UV_READABLE;
  uv_poll_start(c->poll, UV_READABLE, onClientEvent);
  server.clients[c->id] = c;
  server.client_list.push_back(c);
  server.stat_numconnections++;
  return c;
}

Client* createFakeClient() {
  Client* c = newClient();
  c->fake = true;
  c->authenticated = true;
  return c;
}

void freeClient(Client* c) {
  if (c == server.current_client) {  // never free the client whose command is running
    freeClientAsync(c);
    return;
  }
  if (!c->fake) serverLog(LogLevel::Verbose, "Client closed connection");
  pubsubUnsubscribeAll(*c);
  unwatchAllKeys(*c);
  unblockClient(*c);
  if (c->unblocked_pending)
    server.unblocked_clients.erase(std::remove(server.unblocked_clients.begin(), server.unblocked_clients.end(), c), server.unblocked_clients.end());
  if (c->monitor) server.monitors.erase(std::remove(server.monitors.begin(), server.monitors.end(), c), server.monitors.end());
  if (c->pending_write)
    server.clients_pending_write.erase(std::remove(server.clients_pending_write.begin(), server.clients_pending_write.end(), c), server.clients_pending_write.end());
  if (c->postponed)
    server.postponed_clients.erase(std::remove(server.postponed_clients.begin(), server.postponed_clients.end(), c), server.postponed_clients.end());
  server.close_queue.erase(std::remove(server.close_queue.begin(), server.close_queue.end(), c), server.close_queue.end());
  onClientFreed(*c);
  if (!c->fake) {
    server.clients.erase(c->id);
    server.client_list.remove(c);
  }
  if (c->poll) {
    uv_poll_stop(c->poll);
    c->poll->data = nullptr;
    uv_close(reinterpret_cast<uv_handle_t*>(c->poll), [](uv_handle_t* h) { delete reinterpret_cast<uv_poll_t*>(h); });
  }
  if (c->fd >= 0) close(c->fd);
  delete c;
}

void freeClientAsync(Client* c) {
  if (c->close_asap) return;
  c->close_asap = true;
  server.close_queue.push_back(c);
}

void freeClientsInAsyncQueue() {
  while (!server.close_queue.empty()) {
    Client* c = server.close_queue.back();
    server.close_queue.pop_back();
    if (c == server.current_client) continue;
    c->close_asap = false;  // freeClient will not re-queue
    freeClient(c);
  }
}

// ---- Output ----------------------------------------------------------------

void queueClientWrite(Client* c) {
  if (c->pending_write || c->fake) return;
  c->pending_write = true;
  server.clients_pending_write.push_back(c);
}

static void setPollEvents(Client* c, int events) {
  if (!c->poll || c->poll_events == events) return;
  c->poll_events = events;
  if (events)
    uv_poll_start(c->poll, events, onClientEvent);
  else
    uv_poll_stop(c->poll);
}

// Writes as much pending output as the socket takes. Returns false if the client was freed.
bool writeToClient(Client* c) {
  while (!c->out.empty()) {
    iovec iov[64];
    size_t n = c->out.peek(iov, 64);
    // One chunk (the usual reply) goes through write(): the kernel's writev path costs a
    // little more per call (it imports the iovec array first).
    ssize_t w = n == 1 ? write(c->fd, iov[0].iov_base, iov[0].iov_len)
                       : writev(c->fd, iov, static_cast<int>(n));
    if (w < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      if (errno == EINTR) continue;
      serverLog(LogLevel::Verbose, "Error writing to client: {}", strerror(errno));
      freeClient(c);
      return false;
    }
    server.stat_net_output_bytes += w;
    c->out.consume(static_cast<size_t>(w));
  }
  if (c->out.empty()) {
    if (c->close_after_reply) {
      freeClient(c);
      return false;
    }
    // A paused master link is still read (slave_read_repl_offset grows), not applied.
    bool held = c->postponed && !c->is_master;
    int want = c->protected_ || held ? 0 : UV_READABLE;
    if (c->close_asap) want = 0;
    setPollEvents(c, want);
  } else {
    bool held = c->postponed && !c->is_master;
    int want = UV_WRITABLE | (c->protected_ || held || c->close_asap ? 0 : UV_READABLE);
    setPollEvents(c, want);
  }
  return true;
}

void handleClientsWithPendingWrites() {
  auto pending = std::move(server.clients_pending_write);
  server.clients_pending_write.clear();
  for (Client* c : pending) {
    c->pending_write = false;
    if (c->close_asap) continue;
    if (c->out.empty() && !c->close_after_reply) continue;
    writeToClient(c);
  }
}

// ---- Input -----------------------------------------------------------------

namespace {
bool g_in_batch = false;     // a top-level processInputBuffer is running commands
bool g_clock_fresh = false;  // server.ustime_cached is a reading taken just now
}  // namespace

bool commandClockFresh() { return g_clock_fresh; }
void noteCommandClock() {
  if (g_in_batch) g_clock_fresh = true;
}

// Parses and runs every complete command in c's query buffer.
void processInputBuffer(Client* c) {
  // The outermost call (not the busy-script poller, not a client resumed from inside a
  // command) owns the clock hint and drops it when the batch ends.
  bool outer = !g_in_batch && server.execution_nesting == 0;
  if (outer) g_in_batch = true;
  ParserLimits limits;
  limits.proto_max_bulk_len = cfg().proto_max_bulk_len;
  limits.from_master = c->is_master;
  while (c->qpos < c->querybuf.size()) {
    if (c->close_after_reply || c->close_asap || c->postponed || c->protected_ || c->blocked) break;
    limits.auth_required = clientAuthRequired(*c);
    std::string perr;
    size_t cmd_start = c->qpos;
    auto res = c->parser.parse(c->querybuf, &c->qpos, &c->argv, limits, &perr);
    // Our master's stream is counted in bytes (the parser may stop inside a command).
    if (c->is_master)
      replicationMasterBytesParsed(*c, std::string_view(c->querybuf).substr(cmd_start, c->qpos - cmd_start));
    if (res == RequestParser::Result::Incomplete) break;
    if (res == RequestParser::Result::Error) {
      serverLog(LogLevel::Verbose, "Protocol error ({}) from client: {}", perr, c->addr);
      c->writer.retarget(&c->out);
      c->writer.error("ERR " + perr);
      c->close_after_reply = true;
      c->querybuf.clear();
      c->qpos = 0;
      queueClientWrite(c);
      break;
    }
    if (c->argv.empty()) {
      if (c->is_master) replicationMasterCommandDone(*c);
      continue;
    }
    if (c->reply_mode == ReplyMode::SkipNext) c->reply_mode = ReplyMode::Skip;
    c->last_interaction = server.mstime_cached;
    bool go_on = processCommand(*c);
    // Our master's stream: the applied bytes advance our offset and go on to our replicas.
    // (A command held by CLIENT PAUSE is counted when it runs, in resumeClient.)
    if (c->is_master && !c->postponed) replicationMasterCommandDone(*c);
    if (c->reply_mode == ReplyMode::Skip) c->reply_mode = ReplyMode::On;
    applyReplyMode(*c);
    if (!c->out.empty() || c->close_after_reply) queueClientWrite(c);
    if (!go_on) break;
  }
  // Drop what was consumed so the buffer does not grow without bound.
  if (c->qpos > 0 && (c->qpos == c->querybuf.size() || c->qpos > 64 * 1024)) {
    c->querybuf.erase(0, c->qpos);
    c->qpos = 0;
  }
  if (outer) {
    g_in_batch = false;
    g_clock_fresh = false;
  }
}

void applyReplyMode(Client& c) {
  if (c.reply_mode == ReplyMode::On) {
    c.writer.retarget(&c.out);
  } else {
    c.discarded.clear();
    c.writer.retarget(&c.discarded);
  }
}

// Reads what the socket has. Returns false if the client was freed.
bool readFromClient(Client* c) {
  char buf[16 * 1024];
  ssize_t n = read(c->fd, buf, sizeof buf);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return true;
    serverLog(LogLevel::Verbose, "Reading from client: {}", strerror(errno));
    if (server.execution_nesting == 0) updateCachedTime();
    freeClient(c);
    return false;
  }
  if (n == 0) {
    serverLog(LogLevel::Verbose, "Client closed connection");
    if (server.execution_nesting == 0) updateCachedTime();
    freeClient(c);
    return false;
  }
  // The time of this batch of commands (frozen while a script runs: the busy poller reads
  // clients from inside one).
  bool fresh_clock = server.execution_nesting == 0 && !g_in_batch;
  if (fresh_clock) updateCachedTime();
  server.stat_net_input_bytes += n;
  c->querybuf.append(buf, static_cast<size_t>(n));
  c->querybuf_peak = std::max<long long>(c->querybuf_peak, static_cast<long long>(c->querybuf.size()));
  c->last_interaction = server.mstime_cached;
  if (c->is_master) replicationOnMasterRead(*c, static_cast<size_t>(n));
  // A master may send commands longer than the limit (it is not a client to protect against).
  if (!c->is_master &&
      static_cast<long long>(c->querybuf.size() - c->qpos) > cfg().client_query_buffer_limit) {
    serverLog(LogLevel::Warning, "Closing client that reached max query buffer length: id={} addr={} (qbuf initial bytes: {})",
              c->id, c->addr, catRepr(std::string_view(c->querybuf).substr(c->qpos, 64)));
    freeClient(c);
    return false;
  }
  g_clock_fresh = fresh_clock;
  processInputBuffer(c);
  return true;
}

static void onClientEvent(uv_poll_t* h, int status, int events) {
  auto* c = static_cast<Client*>(h->data);
  if (!c) return;
  // readFromClient reads the clock itself, right after read(2).
  if (status < 0 || !(events & UV_READABLE)) updateCachedTime();
  if (status < 0) {
    freeClient(c);
    return;
  }
  if (events & UV_READABLE) {
    if (!readFromClient(c)) return;
  }
  if ((events & UV_WRITABLE) && !c->close_asap) writeToClient(c);
}

// ---- Resuming clients ------------------------------------------------------

void resumeClient(Client* c) {
  // A postponed command (CLIENT PAUSE) runs now, then the rest of its input.
  if (c->postponed) {
    c->postponed = false;
    if (!c->argv.empty()) {
      processCommand(*c);
      if (c->is_master && !c->postponed) replicationMasterCommandDone(*c);
      if (c->reply_mode == ReplyMode::Skip) c->reply_mode = ReplyMode::On;
      applyReplyMode(*c);
      if (!c->out.empty()) queueClientWrite(c);
      if (c->postponed) return;
    }
  }
  processInputBuffer(c);
  if (!c->close_asap) setPollEvents(c, UV_READABLE | (c->out.empty() ? 0 : UV_WRITABLE));
}

}  // namespace osprey
