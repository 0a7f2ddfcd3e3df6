// server/server.h — the core types of osprey-server: the command table entries, clients,
// databases and the one Server instance that owns them.
//
// Reading order for a newcomer: server.h (this file) → dispatch.cpp (how a command runs:
// lookup, the checks in Redis's order, call, propagate) → networking.cpp (sockets, the
// event loop, reading requests and flushing replies) → db.cpp (keyspace operations) →
// the command families in t_*.cpp / cmd_*.cpp, each registering its rows at its bottom.
#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "common/reply.h"
#include "common/resp_parser.h"
#include "server/dict.h"
#include "server/keyspace.h"
#include "server/object.h"

namespace osprey {

namespace acl {
struct User;
}
struct Client;
struct Db;

constexpr const char* kRedisVersion = "7.0.15";   // the behaviour we reproduce
constexpr int kRedisVersionNum = 0x0007000f;
constexpr const char* kOspreyVersion = "0.1.0";

// ==== Commands ===============================================================

using CommandProc = void (*)(Client& c);
// For commands whose key positions move (EVAL numkeys, LMPOP, SORT ...): the key indexes.
using KeysProc = std::vector<int> (*)(const std::vector<std::string>& argv);

// Command flags, as COMMAND reports them.
enum CmdFlag : uint64_t {
  CMD_WRITE = 1ULL << 0, CMD_READONLY = 1ULL << 1, CMD_DENYOOM = 1ULL << 2,
  CMD_MODULE = 1ULL << 3, CMD_ADMIN = 1ULL << 4, CMD_PUBSUB = 1ULL << 5,
  CMD_NOSCRIPT = 1ULL << 6, CMD_BLOCKING = 1ULL << 8, CMD_LOADING = 1ULL << 9,
  CMD_STALE = 1ULL << 10, CMD_SKIP_MONITOR = 1ULL << 11, CMD_SKIP_SLOWLOG = 1ULL << 12,
  CMD_ASKING = 1ULL << 13, CMD_FAST = 1ULL << 14, CMD_NO_AUTH = 1ULL << 15,
  CMD_MAY_REPLICATE = 1ULL << 16, CMD_SENTINEL = 1ULL << 17, CMD_ONLY_SENTINEL = 1ULL << 18,
  CMD_NO_MANDATORY_KEYS = 1ULL << 19, CMD_PROTECTED = 1ULL << 20,
  CMD_NO_ASYNC_LOADING = 1ULL << 23, CMD_NO_MULTI = 1ULL << 24, CMD_MOVABLE_KEYS = 1ULL << 25,
  CMD_ALLOW_BUSY = 1ULL << 26, CMD_TOUCHES_ARBITRARY_KEYS = 1ULL << 28,
};

// One row of the command table, as written in the family files. `name` is "get", or
// "config|get" for a subcommand (its container must have a row of its own). Flags and ACL
// categories are space-separated words, exactly as COMMAND prints them.
struct CommandRow {
  const char* name;
  int arity;
  const char* flags;  // "write denyoom fast"
  const char* acl;    // "@string @fast" (the @read/@write/... implied by flags are added)
  int first_key, last_key, key_step;
  CommandProc proc;
  const char* group;  // "string", "generic", "server", ...
  const char* since;
  const char* summary;
  const char* complexity;
  const char* tips = "";  // "nondeterministic_output request_policy:all_shards"
  KeysProc getkeys = nullptr;  // movable keys
};

struct Command {
  std::string name;      // "get" / "get" (subcommand name only)
  std::string fullname;  // "get" / "config|get"
  int arity = 0;
  uint64_t flags = 0;
  std::vector<std::string> acl_categories;  // without '@'
  int first_key = 0, last_key = 0, key_step = 0;
  CommandProc proc = nullptr;
  std::string group, since, summary, complexity;
  std::vector<std::string> tips;
  KeysProc getkeys = nullptr;
  Command* parent = nullptr;
  std::vector<std::unique_ptr<Command>> subcommands;  // in table order
  std::unordered_map<std::string, Command*> sub_index;

  // Statistics (INFO commandstats).
  long long calls = 0, usec = 0, rejected_calls = 0, failed_calls = 0;

  bool has(CmdFlag f) const { return (flags & f) != 0; }
};

// The table: every family contributes its rows (see registerAll in command_table.cpp).
class CommandTable {
 public:
  void build();
  // Finds the command for argv: the container's subcommand when it has any and argc >= 2.
  Command* lookup(const std::vector<std::string>& argv) const;
  Command* lookupName(std::string_view name) const;  // top-level only, any case
  // rename-command: `from` answers as `to` ("" removes it). False with Redis's config error.
  bool rename(const std::string& from, const std::string& to, std::string* err);
  // "config|get" style lookup (COMMAND INFO, ACL).
  Command* lookupFullname(std::string_view fullname) const;
  const std::vector<std::unique_ptr<Command>>& all() const { return commands_; }
  // Key positions of argv for cmd (COMMAND GETKEYS, scripts' key checks); -1 entries none.
  static std::vector<int> keyPositions(const Command& cmd, const std::vector<std::string>& argv);
  // The same keys with their key-spec flags (KS_*), as COMMAND GETKEYSANDFLAGS (ACL checks).
  static std::vector<std::pair<int, uint32_t>> keysAndFlags(const Command& cmd,
                                                            const std::vector<std::string>& argv);
  static bool hasKeys(const Command& cmd);  // whether the command can take keys at all
  size_t count() const { return commands_.size(); }

 private:
  void addRow(const CommandRow& row);
  std::vector<std::unique_ptr<Command>> commands_;
  std::unordered_map<std::string, Command*> index_;
};

// Family registration: each t_*.cpp / cmd_*.cpp defines one of these.
struct CommandRows {
  const CommandRow* rows;
  size_t count;
};
CommandRows stringCommands();
CommandRows keyCommands();
CommandRows listCommands();
CommandRows hashCommands();
CommandRows setCommands();
CommandRows zsetCommands();
CommandRows connectionCommands();
CommandRows pubsubCommands();
CommandRows multiCommands();
CommandRows serverCommands();
CommandRows introspectionCommands();
CommandRows scriptingCommands();
CommandRows functionCommands();
CommandRows sortCommands();
CommandRows dumpCommands();
CommandRows moduleCommands();  // cmd_module.cpp
CommandRows bitmapCommands();
CommandRows hyperloglogCommands();
CommandRows geoCommands();
CommandRows streamCommands();
CommandRows aclCommands();
CommandRows stickyCommands();  // sticky.cpp (STICK)
// Script cache figures for INFO memory (eval.cpp).
size_t evalCachedScripts();
size_t evalScriptsBytes();
size_t evalLuaMemory();

// ==== Databases ==============================================================

struct Db {
  int id = 0;
  Keyspace keys;
  Dict<std::string_view, long long> expires;  // key views point into `keys` entries
  // Blocking: key -> clients blocked on it, in arrival order.
  std::unordered_map<std::string, std::list<Client*>> blocking_keys;
  // WATCH: key -> clients watching it in this db.
  std::unordered_map<std::string, std::list<Client*>> watched_keys;
  long long avg_ttl = 0;
  uint64_t expires_cursor = 0;
};

// ==== Clients ================================================================

// Hash for maps keyed by std::string that are searched with a string_view (no temporary).
struct StringViewHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// Pub/Sub bookkeeping. The server maps each channel (or pattern) to its subscribers; each
// client maps its subscriptions to where it sits in that list, so unsubscribing is O(1),
// and to a sequence number, so UNSUBSCRIBE without arguments goes in subscription order.
using SubscriberMap =
    std::unordered_map<std::string, std::list<Client*>, StringViewHash, std::equal_to<>>;
struct Subscription {
  uint64_t seq = 0;
  std::list<Client*>::iterator pos;
};
using SubscriptionMap =
    std::unordered_map<std::string, Subscription, StringViewHash, std::equal_to<>>;

struct QueuedCommand {
  Command* cmd;
  std::vector<std::string> argv;
};

enum class ReplyMode : uint8_t { On, Off, Skip, SkipNext };

struct Client {
  uint64_t id = 0;
  int fd = -1;
  uv_poll_t* poll = nullptr;  // readiness watcher on fd (nullptr for fake clients)
  int poll_events = 0;        // UV_READABLE / UV_WRITABLE currently watched
  bool is_unix = false;
  std::string addr;   // "ip:port" of the peer
  std::string laddr;  // "ip:port" of our side

  // Input.
  std::string querybuf;
  size_t qpos = 0;  // parse position in querybuf
  RequestParser parser;
  std::vector<std::string> argv;
  Command* cmd = nullptr;
  Command* lastcmd = nullptr;
  long long querybuf_peak = 0;

  // Output.
  OutputBuffer out;
  RespWriter writer{&out};
  ReplyBuilder* reply = &writer;  // where handlers answer (a capture inside scripts)
  ReplyMode reply_mode = ReplyMode::On;
  OutputBuffer discarded;  // replies of CLIENT REPLY OFF / SKIP land here and are dropped
  bool pending_write = false;  // queued in server.clients_pending_write

  // State.
  int resp = 2;
  Db* db = nullptr;
  std::string name;
  bool authenticated = true;
  std::string user = "default";   // the name of acl_user (CLIENT LIST, CLIENT KILL USER)
  acl::User* acl_user = nullptr;  // the ACL user (server/acl.h); nullptr: default
  long long ctime = 0;          // creation, ms
  long long last_interaction = 0;  // ms
  bool close_after_reply = false;  // QUIT, protocol errors: close once the reply is out
  bool close_asap = false;
  bool fake = false;            // no socket (scripts, tests)
  bool is_master = false;       // the link to our master (replication issue)
  bool monitor = false;
  bool in_multi = false;
  bool dirty_cas = false;   // a WATCHed key changed
  bool dirty_exec = false;  // a command was rejected while queueing
  std::vector<QueuedCommand> mstate;
  uint64_t mstate_flags = 0;  // union of the queued commands' flags
  std::vector<std::pair<int, std::string>> watched;  // (db id, key)

  // Pub/Sub subscriptions (see cmd_pubsub.cpp). Shard channels (SSUBSCRIBE) are counted
  // apart from channels and patterns, as Redis does.
  SubscriptionMap channels;
  SubscriptionMap patterns;
  SubscriptionMap shard_channels;
  uint64_t subscription_seq = 0;  // orders subscriptions for UNSUBSCRIBE without arguments
  bool pubsub() const { return !channels.empty() || !patterns.empty() || !shard_channels.empty(); }

  // Blocking on keys (blocking.cpp): the command in argv is re-run when a key is ready.
  bool blocked = false;
  uint8_t block_type = 0;  // BlockType
  std::vector<std::string> blocking_keys;
  long long block_timeout_ms = 0;  // absolute unix ms, 0 = none
  Db* block_db = nullptr;
  bool unblocked_pending = false;  // in server.unblocked_clients

  // Pause: a command waiting for CLIENT UNPAUSE (argv kept, input not read meanwhile).
  bool postponed = false;
  bool protected_ = false;  // not read (e.g. while its own script runs)

  // Propagation control for the command being called (see call()).
  bool prevent_propagate = false;        // EXEC, EVAL...: their effects propagate instead
  std::vector<std::string> propagate_argv;  // non-empty: propagate this instead of argv
  void rewriteForPropagation(std::vector<std::string> argv) { propagate_argv = std::move(argv); }

  // --- Replies --------------------------------------------------------------
  ReplyBuilder& r() { return *reply; }
  const std::string& arg(size_t i) const { return argv[i]; }
  size_t argc() const { return argv.size(); }
};

// ==== Server =================================================================

struct SlowlogEntry {
  long long id;
  long long time;      // unix seconds
  long long duration;  // microseconds
  std::vector<std::string> argv;
  std::string peer, name;
};

struct Server {
  // Event loop.
  uv_loop_t* loop = nullptr;
  uv_timer_t cron_timer;
  uv_prepare_t before_sleep;
  std::vector<uv_poll_t*> listeners;
  std::vector<int> listen_fds;

  // Identity and time.
  std::string runid;
  int pid = 0;
  long long start_time_ms = 0;
  long long mstime_cached = 0;  // refreshed per event and per command
  long long ustime_cached = 0;
  std::string executable, config_file;
  int tcp_port = 0;  // actually bound port

  CommandTable commands;
  std::vector<Db> dbs;

  // Clients.
  std::unordered_map<uint64_t, Client*> clients;  // by id
  std::list<Client*> client_list;                 // creation order (CLIENT LIST)
  std::vector<Client*> clients_pending_write;
  std::vector<Client*> monitors;
  uint64_t next_client_id = 1;
  Client* current_client = nullptr;  // the client whose command runs now
  std::vector<Client*> close_queue;

  // Pub/Sub: channel (pattern) -> its subscribers, in subscription order.
  SubscriberMap pubsub_channels;
  SubscriberMap pubsub_patterns;
  SubscriberMap pubsub_shard_channels;

  // Blocking on keys.
  std::vector<std::pair<Db*, std::string>> ready_keys;
  std::vector<Client*> unblocked_clients;
  long long blocked_clients = 0;
  uv_timer_t block_timer;

  // Client pause.
  long long pause_end_ms = 0;
  bool pause_write_only = false;
  std::vector<Client*> postponed_clients;

  // Replication propagation (sinks added by the replication issue).
  std::vector<std::function<void(int dbid, const std::vector<std::string>& argv)>> propagate_sinks;
  bool in_exec = false;
  bool in_script = false;
  int execution_nesting = 0;  // call() depth; effects flush when it returns to 0
  std::vector<std::pair<int, std::vector<std::string>>> pending_propagate;

  // Persistence bookkeeping (persistence.cpp: SAVE / BGSAVE, save points, loading).
  long long dirty = 0;
  long long lastsave = 0;  // unix seconds of the last successful save
  bool active_expire_enabled = true;
  long long dirty_before_bgsave = 0;   // `dirty` when the BGSAVE child forked
  long long lastbgsave_try = 0;        // unix seconds of the last BGSAVE attempt
  bool lastbgsave_ok = true;           // INFO rdb_last_bgsave_status
  bool rdb_bgsave_scheduled = false;   // BGSAVE SCHEDULE / BGSAVE inside MULTI
  int rdb_child_pid = -1;              // the BGSAVE child, -1 when none
  long long rdb_child_keys_total = 0;  // keys when it forked (current_save_keys_total)
  long long rdb_save_time_start = -1;  // unix seconds the running BGSAVE started
  long long rdb_save_time_last = -1;   // seconds the last BGSAVE took
  long long stat_rdb_saves = 0;
  long long rdb_last_load_keys_loaded = 0, rdb_last_load_keys_expired = 0;
  bool loading = false;                // the dataset is being loaded: -LOADING
  long long loading_start_time = 0;    // unix seconds
  long long loading_total_bytes = 0, loading_loaded_bytes = 0;

  // Shutdown.
  bool shutdown_asap = false;
  int shutdown_flags = 0;

  // Slowlog.
  std::deque<SlowlogEntry> slowlog;
  long long slowlog_next_id = 0;

  // Stats (INFO stats).
  long long stat_numcommands = 0, stat_numconnections = 0, stat_rejected_conn = 0;
  long long stat_expiredkeys = 0, stat_keyspace_hits = 0, stat_keyspace_misses = 0;
  long long stat_net_input_bytes = 0, stat_net_output_bytes = 0;
  long long stat_total_error_replies = 0, stat_unexpected_error_replies = 0;
  long long stat_expired_stale_perc = 0, stat_expired_time_cap_reached_count = 0;
  long long stat_evictedkeys = 0, stat_evictedclients = 0;
  long long stat_io_reads = 0, stat_io_writes = 0;
  std::unordered_map<std::string, long long> errorstats;  // "ERR" -> count
  uint32_t lru_clock = 0;
  long long cronloops = 0;
};

extern Server server;

// ==== Core functions (dispatch.cpp, networking.cpp, server.cpp) =============

// Runs one complete command for c (checks, then call()). Returns false if c was freed
// or must stop processing input.
bool processCommand(Client& c);
// Executes the command in c.argv/c.cmd (no checks): stats, slowlog, MONITOR, propagation.
void call(Client& c);
// Rejects a command with an error (counts it; marks an open MULTI dirty).
void rejectCommand(Client& c, std::string_view err);
// Records an effect for the replication stream (effects, not requests). Inside a command
// it is emitted when the top-level call ends; outside (active expiry) at once.
void propagate(int dbid, const std::vector<std::string>& argv);
void flushPropagation();

Client* createClient(int fd, bool is_unix);
Client* createFakeClient();
void freeClient(Client* c);
void freeClientAsync(Client* c);
// Marks c for a flush before the loop sleeps.
void queueClientWrite(Client* c);
// Refreshes cached time (before commands and in cron).
void updateCachedTime();
void serverCron();
void unpauseClients();
// SHUTDOWN's work (save when asked, remove pid file, close listeners, log). False: abort.
bool prepareForShutdown(int flags);
[[noreturn]] void exitServer(int code);
// Entry point of osprey-server after argument parsing (main.cpp).
int serverMain(const std::string& config_path, const std::vector<std::string>& overrides,
               const std::string& executable);
// Called once the server is initialised, before it accepts connections (loading the
// dataset and starting replication hook in here).
void onServerStarted();

// Reply helpers shared by handlers (names as Redis's).
void replyWrongArity(Client& c);  // from a handler that validates its own argument count
void replySyntaxError(Client& c);
void replyWrongType(Client& c);
void replyNotInteger(Client& c);
void replyHelp(Client& c, const std::vector<std::string>& lines);
void replySubcommandSyntaxError(Client& c);
// Parses an integer argument or replies Redis's error (msg "" = the default text).
bool getLongLongOrReply(Client& c, const std::string& s, long long* out, const char* msg = nullptr);
bool getLongOrReply(Client& c, const std::string& s, long* out, const char* msg = nullptr);
bool getPositiveLongOrReply(Client& c, const std::string& s, long long* out, const char* msg = nullptr);
bool getRangeLongOrReply(Client& c, const std::string& s, long long min, long long max, long long* out, const char* msg = nullptr);
bool getDoubleOrReply(Client& c, const std::string& s, double* out, const char* msg = nullptr);
bool getLongDoubleOrReply(Client& c, const std::string& s, long double* out, const char* msg = nullptr);
// Timeouts of blocking commands and CLIENT PAUSE: seconds (double) or ms; errors as Redis.
bool getTimeoutOrReply(Client& c, const std::string& s, bool seconds, long long* abs_ms);

// Error texts, byte-identical to Redis 7.0.15 (without the leading '-').
namespace err {
inline constexpr const char* kSyntax = "ERR syntax error";
inline constexpr const char* kWrongType = "WRONGTYPE Operation against a key holding the wrong kind of value";
inline constexpr const char* kNotInteger = "ERR value is not an integer or out of range";
inline constexpr const char* kNotFloat = "ERR value is not a valid float";
inline constexpr const char* kNoKey = "ERR no such key";
inline constexpr const char* kOutOfRange = "ERR index out of range";
inline constexpr const char* kNoAuth = "NOAUTH Authentication required.";
inline constexpr const char* kDbIndexRange = "ERR DB index is out of range";
inline constexpr const char* kSameObject = "ERR source and destination objects are the same";
inline constexpr const char* kOverflow = "ERR increment or decrement would overflow";
inline constexpr const char* kNoMulti = "ERR Command not allowed inside a transaction";
inline constexpr const char* kOom = "OOM command not allowed when used memory > 'maxmemory'.";
inline constexpr const char* kBusyEval = "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
inline constexpr const char* kBusyFcall = "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.";
inline constexpr const char* kLoading = "LOADING Redis is loading the dataset in memory";
inline constexpr const char* kReadonlyReplica = "READONLY You can't write against a read only replica.";
inline constexpr const char* kMasterDown = "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.";
inline constexpr const char* kExecAbort = "EXECABORT Transaction discarded because of previous errors.";
inline constexpr const char* kPositive = "ERR value is out of range, must be positive";
}  // namespace err

}  // namespace osprey
