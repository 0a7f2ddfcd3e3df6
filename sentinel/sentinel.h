// sentinel/sentinel.h — the core types of osprey-sentinel: monitored instances (masters,
// their replicas, the other sentinels watching them), their links, the sentinel's global
// state, and the functions the files of sentinel/ provide to each other.
//
// The model is Redis 7.0's Sentinel, names included: an instance carries SRI_* flags, a
// master walks the failover states (wait-start ... update-config), timers are the
// SENTINEL_* periods of Redis (tunable with SENTINEL DEBUG). Files:
//   instance.cpp   instances, addresses, events (log + Pub/Sub + notification script)
//   links.cpp      hiredis async links (command + Pub/Sub), periodic PING / INFO / hello,
//                  the reply callbacks that feed the state machines
//   monitor.cpp    SDOWN, ODOWN, votes and leader election, the failover state machine,
//                  TILT, the timer
//   info_parse.cpp pure parsers of INFO replies and hello messages (unit tested)
//   config.cpp     sentinel.conf: loading, and the rewrite Redis does on every change
//   scripts.cpp    notification-script / client-reconfig-script with the retry queue
//   net.cpp        the client side: listening socket, requests, replies, Pub/Sub
//   commands.cpp   the command table (PING, SENTINEL ..., INFO, ROLE, CLIENT ...)
//   main.cpp       start-up
#pragma once

#include <uv.h>

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

struct redisAsyncContext;

namespace osprey::sentinel {

// ---- Instance flags (Redis's SRI_*) --------------------------------------------------------

enum : uint32_t {
  SRI_MASTER = 1u << 0,
  SRI_SLAVE = 1u << 1,
  SRI_SENTINEL = 1u << 2,
  SRI_S_DOWN = 1u << 3,                // subjectively down (our own view)
  SRI_O_DOWN = 1u << 4,                // objectively down (quorum agrees)
  SRI_MASTER_DOWN = 1u << 5,           // a sentinel told us the master is down
  SRI_FAILOVER_IN_PROGRESS = 1u << 6,  // on a master: we run its failover
  SRI_PROMOTED = 1u << 7,              // on a replica: chosen for promotion
  SRI_RECONF_SENT = 1u << 8,           // SLAVEOF <new master> sent
  SRI_RECONF_INPROG = 1u << 9,         // replica is syncing with the new master
  SRI_RECONF_DONE = 1u << 10,          // replica synced with the new master
  SRI_FORCE_FAILOVER = 1u << 11,       // SENTINEL FAILOVER: no agreement needed
  SRI_SCRIPT_KILL_SENT = 1u << 12,     // SCRIPT KILL already sent to a -BUSY instance
  SRI_MASTER_REBOOT = 1u << 13,        // master restarted, inside its reboot window
  // Beyond Redis: the instance answers -BUSY and busy-down-after-milliseconds is set.
  SRI_BUSY = 1u << 20,
};

// Failover states of a master (sentinelFailoverState).
enum class FailoverState {
  None = 0,
  WaitStart,         // waiting to be elected leader
  SelectSlave,       // choosing the replica to promote
  SendSlaveofNoone,  // promoting it
  WaitPromotion,     // until its INFO says role:master
  ReconfSlaves,      // pointing the other replicas at it
  UpdateConfig,      // switching our monitored address to it
};
const char* failoverStateName(FailoverState s);

enum class MasterLinkStatus { Up, Down };

// ---- Timers (Redis's SENTINEL_* constants; SENTINEL DEBUG tunes them) -----------------------

struct Timers {
  long long info_period = 10000;
  long long ping_period = 1000;
  long long ask_period = 1000;
  long long publish_period = 2000;
  long long default_down_after = 30000;
  long long default_failover_timeout = 180000;
  long long tilt_trigger = 2000;
  long long tilt_period = 30000;
  long long slave_reconf_timeout = 10000;
  long long min_link_reconnect_period = 15000;
  long long election_timeout = 10000;
  long long script_max_runtime = 60000;
  long long script_retry_delay = 30000;
};
constexpr int kMaxPendingCommands = 100;
constexpr int kMaxDesync = 1000;
constexpr int kDefaultSlavePriority = 100;
constexpr int kDefaultParallelSyncs = 1;
constexpr int kScriptMaxQueue = 256;
constexpr int kScriptMaxRunning = 16;
constexpr int kScriptMaxRetry = 10;
constexpr const char* kHelloChannel = "__sentinel__:hello";

// ---- Addresses and links ---------------------------------------------------------------

struct Addr {
  std::string hostname;  // as configured / announced (a hostname when resolve-hostnames)
  std::string ip;        // resolved
  int port = 0;
};

struct Instance;

// The two connections to an instance: commands (PING, INFO, PUBLISH, SLAVEOF ...) and,
// for masters and replicas, a Pub/Sub connection subscribed to the hello channel.
struct Link {
  bool disconnected = true;
  int pending_commands = 0;
  redisAsyncContext* cc = nullptr;  // command connection
  redisAsyncContext* pc = nullptr;  // Pub/Sub connection
  long long cc_conn_time = 0;
  long long pc_conn_time = 0;
  long long pc_last_activity = 0;
  long long last_avail_time = 0;  // last time the instance answered PING acceptably
  long long act_ping_time = 0;    // time of the oldest PING still unanswered (0 = none)
  long long last_ping_time = 0;   // last PING sent
  long long last_pong_time = 0;   // last reply of any kind to PING
  long long last_reconn_time = 0;
};

struct Instance {
  uint32_t flags = 0;
  std::string name;   // master name; "ip:port" for replicas; run id for sentinels
  std::string runid;  // "" until known
  uint64_t config_epoch = 0;
  Addr addr;
  std::unique_ptr<Link> link;
  long long last_pub_time = 0;
  long long last_hello_time = 0;
  long long last_master_down_reply_time = 0;
  long long s_down_since_time = 0;
  long long o_down_since_time = 0;
  long long down_after_period = 0;
  long long master_reboot_down_after_period = 0;
  long long master_reboot_since_time = 0;
  long long info_refresh = 0;
  std::map<std::string, std::string> renamed_commands;  // lower-case name -> new name
  uint32_t role_reported = 0;
  long long role_reported_time = 0;
  long long slave_conf_change_time = 0;

  // Masters.
  std::map<std::string, std::unique_ptr<Instance>> sentinels;  // by run id
  std::map<std::string, std::unique_ptr<Instance>> slaves;     // by "ip:port"
  unsigned int quorum = 0;
  int parallel_syncs = kDefaultParallelSyncs;
  std::string auth_pass, auth_user;

  // Replicas.
  long long master_link_down_time = 0;
  int slave_priority = kDefaultSlavePriority;
  int replica_announced = 1;
  long long slave_reconf_sent_time = 0;
  Instance* master = nullptr;  // for replicas and sentinels
  std::string slave_master_host;
  int slave_master_port = 0;
  MasterLinkStatus slave_master_link_status = MasterLinkStatus::Down;
  unsigned long long slave_repl_offset = 0;

  // Sentinels: who it voted for, learned from is-master-down-by-addr replies.
  std::string leader;  // "" = none
  uint64_t leader_epoch = 0;

  // Failover (masters).
  uint64_t failover_epoch = 0;
  FailoverState failover_state = FailoverState::None;
  long long failover_state_change_time = 0;
  long long failover_start_time = 0;
  long long failover_timeout = 0;
  long long failover_delay_logged = 0;
  Instance* promoted_slave = nullptr;
  std::string notification_script;
  std::string client_reconfig_script;
  std::string info;  // last INFO reply

  // Beyond Redis: SDOWN limit while the instance answers -BUSY (0 = off).
  long long busy_down_after_period = 0;
  long long busy_since_time = 0;  // first -BUSY of the current busy window (0 = not busy)

  bool isMaster() const { return flags & SRI_MASTER; }
  bool isSlave() const { return flags & SRI_SLAVE; }
  bool isSentinel() const { return flags & SRI_SENTINEL; }
};

// ---- Global state -----------------------------------------------------------------------

// A notification / client-reconfig script run (scripts.cpp).
struct ScriptJob {
  bool running = false;
  int retry_num = 0;
  std::vector<std::string> argv;  // argv[0] is the script path
  long long start_time = 0;       // started at (running) or not before (waiting)
  int pid = 0;
};

struct SentinelState {
  std::string myid;
  uint64_t current_epoch = 0;
  std::map<std::string, std::unique_ptr<Instance>> masters;  // by name
  bool tilt = false;
  long long tilt_start_time = 0;
  long long previous_time = 0;
  std::string announce_ip;
  int announce_port = 0;
  unsigned simfailure_flags = 0;
  bool deny_scripts_reconfig = true;
  bool resolve_hostnames = false;
  bool announce_hostnames = false;
  std::string sentinel_auth_pass, sentinel_auth_user;
  Timers timers;
  std::vector<std::unique_ptr<ScriptJob>> scripts_queue;
  int running_scripts = 0;
  // Instances removed while a callback may still be on the stack; freed next tick.
  std::vector<std::unique_ptr<Instance>> graveyard;

  // Server-side settings of the sentinel process itself.
  int port = 26379;
  std::vector<std::string> bind;
  std::string requirepass;
  std::string config_file;  // absolute
  std::string dir;          // absolute working directory
  std::string logfile;
  std::string pidfile;
  bool daemonize = false;
  bool protected_mode = false;
  int hz = 10;
  std::string run_id;  // INFO run_id of this process (differs from myid as in Redis)
  long long start_time = 0;
  uv_loop_t* loop = nullptr;
  bool shutdown_asap = false;
};

enum : unsigned {
  SIMFAILURE_CRASH_AFTER_ELECTION = 1u << 0,
  SIMFAILURE_CRASH_AFTER_PROMOTION = 1u << 1,
};

SentinelState& S();

// ---- instance.cpp ----------------------------------------------------------------------

// Creates an instance; nullptr with *err set to Redis's message on failure.
Instance* createInstance(const std::string& name, uint32_t flags, const std::string& host, int port,
                         unsigned quorum, Instance* master, std::string* err);
void releaseInstance(std::unique_ptr<Instance> ri);  // closes links, defers the free
Instance* masterByName(std::string_view name);
Instance* lookupSlave(Instance* master, const std::string& ip, int port);
// An instance of `table` with this address and/or run id (either may be empty / 0).
Instance* instanceByAddrAndRunid(std::map<std::string, std::unique_ptr<Instance>>& table,
                                 const std::string& ip, int port, const std::string& runid);
bool resolveAddr(const std::string& host, Addr* out, bool accept_unresolved);
bool addrEqualsHostname(const Addr& a, const std::string& hostname);
std::string announceAddr(const Addr& a);  // the ip, or the hostname with announce-hostnames
std::string formatAddrPort(const std::string& ip, int port);  // "ip:port", "[v6]:port"
const char* instanceTypeStr(const Instance* ri);
// sentinelEvent: "%@" prefix describes ri; logs, publishes, runs the notification script.
void sentinelEvent(int level, const char* type, Instance* ri, const std::string& rest,
                   bool at_prefix = true);
std::string instanceFlagsString(const Instance* ri);
const std::string& mapCommand(const Instance* ri, const std::string& cmd);
enum ResetFlags { RESET_NO_SENTINELS = 1, RESET_GENERATE_EVENT = 2 };
void resetMaster(Instance* ri, int flags);
int resetMastersByPattern(const std::string& pattern, int flags);
void resetMasterAndChangeAddress(Instance* master, const std::string& host, int port);
const Addr& currentMasterAddress(Instance* master);

// Log levels for events (Redis's LL_*).
enum { LL_DEBUG = 0, LL_VERBOSE = 1, LL_NOTICE = 2, LL_WARNING = 3 };

// ---- links.cpp -------------------------------------------------------------------------

void reconnectInstance(Instance* ri);
void sendPeriodicCommands(Instance* ri);
void closeLinks(Instance* ri);
void closeCommandLink(Instance* ri);
void closePubsubLink(Instance* ri);
bool sendSlaveOf(Instance* ri, const Addr* addr);  // nullptr = SLAVEOF NO ONE
void forceHelloUpdateForMaster(Instance* master);
void askMasterStateToOtherSentinels(Instance* master, bool forced);
void processHelloMessage(std::string_view hello);

// ---- monitor.cpp ----------------------------------------------------------------------

void sentinelTimer();
void refreshInstanceInfo(Instance* ri, const std::string& info);
std::string voteLeader(Instance* master, uint64_t req_epoch, const std::string& req_runid,
                       uint64_t* leader_epoch);
void startFailover(Instance* master);
bool selectSlaveForTest(Instance* master);  // unused outside tests
Instance* selectSlave(Instance* master);
int isQuorumReachable(Instance* master, int* usable);
enum { QUORUM_OK = 0, QUORUM_NOQUORUM = 1, QUORUM_NOAUTH = 2 };
void simFailureCrash();
void noteBusyReply(Instance* ri);      // beyond Redis: -BUSY seen
void noteNotBusyReply(Instance* ri);   // beyond Redis: any other reply

// ---- config.cpp -------------------------------------------------------------------------

bool loadConfig(const std::string& path, const std::vector<std::string>& overrides, std::string* err);
bool flushConfig();  // rewrites sentinel.conf; false (and logged) on failure
// SENTINEL CONFIG SET / GET parameters.
std::vector<std::pair<std::string, std::string>> configGet(const std::string& pattern);

// ---- scripts.cpp ------------------------------------------------------------------------

void scheduleScript(const std::string& path, const std::vector<std::string>& args);
void runPendingScripts();
void collectTerminatedScripts();
void killTimedoutScripts();
void callClientReconfScript(Instance* master, const char* role, const char* state,
                            const Addr& from, const Addr& to);
struct PendingScriptInfo {
  std::vector<std::string> argv;
  bool running;
  long long run_time;  // ms since start (running) or until start (waiting)
  int pid;
  int retry_num;
};
std::vector<PendingScriptInfo> pendingScripts();
size_t scriptsQueueLength();
bool scriptPathUsable(const std::string& path);

// ---- net.cpp ----------------------------------------------------------------------------

bool startListening(std::string* err);
void publishMessage(const std::string& channel, const std::string& message);
size_t connectedClients();
void closeListeners();

}  // namespace osprey::sentinel
