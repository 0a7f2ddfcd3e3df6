// common/config.h — the server's configuration: one typed `Settings` struct holding a field
// for every redis.conf directive of Redis 7.0.15, one table of parameters describing each
// directive (name, alias, type, flags, default, bounds), and the operations built on that
// table: loading a config file plus command-line overrides (with Redis's exact fatal error
// report), CONFIG GET / CONFIG SET (atomic, with rollback) / CONFIG REWRITE.
//
// Parameters are read by the rest of the server straight from `cfg()`; a subsystem that must
// react when a parameter changes at run time registers a callback with `configOnApply`.
#pragma once

#include <array>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace osprey {

// ---- Enumerated values (parsed case-insensitively, rendered lower case) -------------------

enum ConfigLogLevel { LL_DEBUG = 0, LL_VERBOSE, LL_NOTICE, LL_WARNING };
enum Supervised { SUPERVISED_NONE = 0, SUPERVISED_AUTODETECT, SUPERVISED_SYSTEMD, SUPERVISED_UPSTART };
enum SyslogFacility {
  SYSLOG_USER = 0, SYSLOG_LOCAL0, SYSLOG_LOCAL1, SYSLOG_LOCAL2, SYSLOG_LOCAL3,
  SYSLOG_LOCAL4, SYSLOG_LOCAL5, SYSLOG_LOCAL6, SYSLOG_LOCAL7
};
enum MaxmemoryPolicy {
  MAXMEMORY_VOLATILE_LRU = 0, MAXMEMORY_VOLATILE_LFU, MAXMEMORY_VOLATILE_RANDOM,
  MAXMEMORY_VOLATILE_TTL, MAXMEMORY_ALLKEYS_LRU, MAXMEMORY_ALLKEYS_LFU,
  MAXMEMORY_ALLKEYS_RANDOM, MAXMEMORY_NO_EVICTION
};
enum AppendFsync { AOF_FSYNC_NO = 0, AOF_FSYNC_ALWAYS, AOF_FSYNC_EVERYSEC };
enum ReplDisklessLoad { REPL_DISKLESS_LOAD_DISABLED = 0, REPL_DISKLESS_LOAD_WHEN_DB_EMPTY, REPL_DISKLESS_LOAD_SWAPDB };
enum OomScoreAdj { OOM_SCORE_ADJ_NO = 0, OOM_SCORE_RELATIVE, OOM_SCORE_ABSOLUTE };
enum AclPubsubDefault { ACL_PUBSUB_RESETCHANNELS = 0, ACL_PUBSUB_ALLCHANNELS };
enum SanitizeDumpPayload { SANITIZE_DUMP_NO = 0, SANITIZE_DUMP_YES, SANITIZE_DUMP_CLIENTS };
enum ClusterEndpointType { CLUSTER_ENDPOINT_IP = 0, CLUSTER_ENDPOINT_HOSTNAME, CLUSTER_ENDPOINT_UNKNOWN };
enum PropagationErrorBehavior { PROPAGATION_ERR_IGNORE = 0, PROPAGATION_ERR_PANIC, PROPAGATION_ERR_PANIC_ON_REPLICAS };
// enable-debug-command, enable-module-command, enable-protected-configs.
enum ProtectedAction { PROTECTED_ACTION_NO = 0, PROTECTED_ACTION_YES, PROTECTED_ACTION_LOCAL };
enum TlsAuthClients { TLS_CLIENT_AUTH_NO = 0, TLS_CLIENT_AUTH_YES, TLS_CLIENT_AUTH_OPTIONAL };
// shutdown-on-sigint / shutdown-on-sigterm are flag sets ("nosave now", "default" == 0).
enum ShutdownFlags { SHUTDOWN_DEFAULT = 0, SHUTDOWN_SAVE = 1, SHUTDOWN_NOSAVE = 2, SHUTDOWN_NOW = 4, SHUTDOWN_FORCE = 8 };

// Keyspace notification classes (notify-keyspace-events), as Redis's flag letters.
enum NotifyFlags {
  NOTIFY_KEYSPACE = 1 << 0,  // K
  NOTIFY_KEYEVENT = 1 << 1,  // E
  NOTIFY_GENERIC = 1 << 2,   // g
  NOTIFY_STRING = 1 << 3,    // $
  NOTIFY_LIST = 1 << 4,      // l
  NOTIFY_SET = 1 << 5,       // s
  NOTIFY_HASH = 1 << 6,      // h
  NOTIFY_ZSET = 1 << 7,      // z
  NOTIFY_EXPIRED = 1 << 8,   // x
  NOTIFY_EVICTED = 1 << 9,   // e
  NOTIFY_STREAM = 1 << 10,   // t
  NOTIFY_KEY_MISS = 1 << 11, // m (not part of 'A')
  NOTIFY_LOADED = 1 << 12,   // module only, no letter
  NOTIFY_MODULE = 1 << 13,   // d
  NOTIFY_NEW = 1 << 14,      // n (not part of 'A')
  NOTIFY_ALL = NOTIFY_GENERIC | NOTIFY_STRING | NOTIFY_LIST | NOTIFY_SET | NOTIFY_HASH | NOTIFY_ZSET |
               NOTIFY_EXPIRED | NOTIFY_EVICTED | NOTIFY_STREAM | NOTIFY_MODULE  // A
};

// ---- Composite values ------------------------------------------------------------------

struct SavePoint {
  long long seconds = 0;
  long long changes = 0;
  bool operator==(const SavePoint&) const = default;
};

enum ClientClass { CLIENT_CLASS_NORMAL = 0, CLIENT_CLASS_REPLICA = 1, CLIENT_CLASS_PUBSUB = 2 };
struct ClientBufferLimit {
  unsigned long long hard_limit_bytes = 0;
  unsigned long long soft_limit_bytes = 0;
  long long soft_limit_seconds = 0;
  bool operator==(const ClientBufferLimit&) const = default;
};

// ---- Settings: one field per directive, named after it ('-' -> '_') ----------------------

struct Settings {
  // Network
  std::vector<std::string> bind = {"*", "-::*"}; // redis.conf ships "127.0.0.1 -::1"
  std::string bind_source_addr;
  long long port = 6379;
  bool protected_mode = true;
  long long tcp_backlog = 511;
  std::string unixsocket;
  long long unixsocketperm = 0;                  // octal on input/output
  long long timeout = 0;
  long long tcp_keepalive = 300;
  long long socket_mark_id = 0;
  // TLS (accepted, not effective)
  long long tls_port = 0;
  std::string tls_cert_file, tls_key_file, tls_key_file_pass, tls_client_cert_file,
      tls_client_key_file, tls_client_key_file_pass, tls_dh_params_file, tls_ca_cert_file,
      tls_ca_cert_dir, tls_protocols, tls_ciphers, tls_ciphersuites;
  int tls_auth_clients = TLS_CLIENT_AUTH_YES;
  bool tls_replication = false;
  bool tls_cluster = false;
  bool tls_prefer_server_ciphers = false;
  bool tls_session_caching = true;
  long long tls_session_cache_size = 20480;
  long long tls_session_cache_timeout = 300;
  // General
  bool daemonize = false;
  int supervised = SUPERVISED_NONE;
  std::string pidfile;
  int loglevel = LL_NOTICE;
  std::string logfile;
  bool syslog_enabled = false;
  std::string syslog_ident = "redis";
  int syslog_facility = SYSLOG_LOCAL0;
  bool crash_log_enabled = true;
  bool crash_memcheck_enabled = true;
  long long databases = 16;
  bool always_show_logo = false;
  bool set_proc_title = true;
  std::string proc_title_template = "{title} {listen-addr} {server-mode}";
  std::string ignore_warnings;
  // Snapshotting
  std::vector<SavePoint> save = {{3600, 1}, {300, 100}, {60, 10000}};
  bool stop_writes_on_bgsave_error = true;
  bool rdbcompression = true;
  bool rdbchecksum = true;
  int sanitize_dump_payload = SANITIZE_DUMP_NO;
  std::string dbfilename = "dump.rdb";
  bool rdb_del_sync_files = false;
  std::string dir;                               // CONFIG GET shows the current directory
  // Replication
  std::string replicaof_host;                    // "replicaof" ("" = not a replica)
  long long replicaof_port = 0;
  std::string masterauth;
  std::string masteruser;
  bool replica_serve_stale_data = true;
  bool replica_read_only = true;
  bool repl_diskless_sync = true;
  long long repl_diskless_sync_delay = 5;
  long long repl_diskless_sync_max_replicas = 0;
  int repl_diskless_load = REPL_DISKLESS_LOAD_DISABLED;
  long long repl_ping_replica_period = 10;
  long long repl_timeout = 60;
  bool repl_disable_tcp_nodelay = false;
  long long repl_backlog_size = 1024 * 1024;
  long long repl_backlog_ttl = 3600;
  long long replica_priority = 100;
  std::string replica_announce_ip;
  long long replica_announce_port = 0;
  bool replica_announced = true;
  long long min_replicas_to_write = 0;
  long long min_replicas_max_lag = 10;
  bool replica_ignore_maxmemory = true;
  bool replica_lazy_flush = false;
  bool replica_ignore_disk_write_errors = false;
  int propagation_error_behavior = PROPAGATION_ERR_IGNORE;
  // Keys tracking
  long long tracking_table_max_keys = 1000000;
  // Security
  std::string requirepass;
  long long acllog_max_len = 128;
  std::string aclfile;
  int acl_pubsub_default = ACL_PUBSUB_RESETCHANNELS;
  // Clients and memory
  long long maxclients = 10000;
  unsigned long long maxmemory = 0;
  int maxmemory_policy = MAXMEMORY_NO_EVICTION;
  long long maxmemory_samples = 5;
  long long maxmemory_eviction_tenacity = 10;
  long long maxmemory_clients = 0;               // bytes; a negative value -N means N% of maxmemory
  // Lazy freeing
  bool lazyfree_lazy_eviction = false;
  bool lazyfree_lazy_expire = false;
  bool lazyfree_lazy_server_del = false;
  bool lazyfree_lazy_user_del = false;
  bool lazyfree_lazy_user_flush = false;
  // Threads and kernel
  long long io_threads = 1;
  bool io_threads_do_reads = false;
  int oom_score_adj = OOM_SCORE_ADJ_NO;
  std::array<long long, 3> oom_score_adj_values = {0, 200, 800};
  bool disable_thp = true;
  std::string server_cpulist, bio_cpulist, aof_rewrite_cpulist, bgsave_cpulist;
  // Append only mode
  bool appendonly = false;
  std::string appendfilename = "appendonly.aof";
  std::string appenddirname = "appendonlydir";
  int appendfsync = AOF_FSYNC_EVERYSEC;
  bool no_appendfsync_on_rewrite = false;
  long long auto_aof_rewrite_percentage = 100;
  long long auto_aof_rewrite_min_size = 64LL * 1024 * 1024;
  bool aof_load_truncated = true;
  bool aof_use_rdb_preamble = true;
  bool aof_timestamp_enabled = false;
  bool aof_disable_auto_gc = false;
  bool aof_rewrite_incremental_fsync = true;
  bool rdb_save_incremental_fsync = true;
  // Shutdown
  long long shutdown_timeout = 10;
  int shutdown_on_sigint = SHUTDOWN_DEFAULT;
  int shutdown_on_sigterm = SHUTDOWN_DEFAULT;
  // Scripting
  long long busy_reply_threshold = 5000;         // alias lua-time-limit
  // Cluster (accepted, not effective)
  bool cluster_enabled = false;
  std::string cluster_config_file = "nodes.conf";
  long long cluster_node_timeout = 15000;
  long long cluster_port = 0;
  long long cluster_replica_validity_factor = 10;
  long long cluster_migration_barrier = 1;
  bool cluster_allow_replica_migration = true;
  bool cluster_require_full_coverage = true;
  bool cluster_replica_no_failover = false;
  bool cluster_allow_reads_when_down = false;
  bool cluster_allow_pubsubshard_when_down = true;
  unsigned long long cluster_link_sendbuf_limit = 0;
  std::string cluster_announce_hostname;
  int cluster_preferred_endpoint_type = CLUSTER_ENDPOINT_IP;
  std::string cluster_announce_ip;
  long long cluster_announce_port = 0;
  long long cluster_announce_bus_port = 0;
  long long cluster_announce_tls_port = 0;
  // Slow log, latency monitor, notifications
  long long slowlog_log_slower_than = 10000;
  long long slowlog_max_len = 128;
  long long latency_monitor_threshold = 0;
  bool latency_tracking = true;
  std::vector<double> latency_tracking_info_percentiles = {50.0, 99.0, 99.9};
  int notify_keyspace_events = 0;                // NotifyFlags
  // Advanced
  long long hash_max_listpack_entries = 512;
  long long hash_max_listpack_value = 64;
  long long list_max_listpack_size = -2;
  long long list_compress_depth = 0;
  long long set_max_intset_entries = 512;
  long long zset_max_listpack_entries = 128;
  long long zset_max_listpack_value = 64;
  long long hll_sparse_max_bytes = 3000;
  long long stream_node_max_bytes = 4096;
  long long stream_node_max_entries = 100;
  bool activerehashing = true;
  std::array<ClientBufferLimit, 3> client_output_buffer_limit = {
      ClientBufferLimit{0, 0, 0}, ClientBufferLimit{256LL << 20, 64LL << 20, 60},
      ClientBufferLimit{32LL << 20, 8LL << 20, 60}};
  long long client_query_buffer_limit = 1024LL * 1024 * 1024;
  long long proto_max_bulk_len = 512LL * 1024 * 1024;
  long long hz = 10;
  bool dynamic_hz = true;
  long long lfu_log_factor = 10;
  long long lfu_decay_time = 1;
  bool activedefrag = false;
  long long active_defrag_ignore_bytes = 100LL << 20;
  long long active_defrag_threshold_lower = 10;
  long long active_defrag_threshold_upper = 100;
  long long active_defrag_cycle_min = 1;
  long long active_defrag_cycle_max = 25;
  long long active_defrag_max_scan_fields = 1000;
  long long active_expire_effort = 1;
  bool jemalloc_bg_thread = true;
  int enable_protected_configs = PROTECTED_ACTION_NO;
  int enable_debug_command = PROTECTED_ACTION_NO;
  int enable_module_command = PROTECTED_ACTION_NO;
  // Hidden / debugging (shown by CONFIG GET only on an exact name)
  long long watchdog_period = 0;
  long long rdb_key_save_delay = 0;
  long long key_load_delay = 0;
  long long loading_process_events_interval_bytes = 2 * 1024 * 1024;
  bool use_exit_on_panic = false;
  bool lua_enable_deprecated_api = false;        // immutable

  // Not parameters, but directives the loader keeps for their subsystems:
  std::vector<std::pair<std::string, std::string>> rename_commands;  // rename-command old new
  std::vector<std::vector<std::string>> user_lines;                   // "user ..." args (ACL)
  std::vector<std::vector<std::string>> loadmodule_lines;             // accepted and ignored
};

// The process-wide settings (Redis's defaults until configLoad / configSet change them).
Settings& cfg();
// Put every parameter back to its default and forget the config file (tests, restarts).
void configResetToDefaults();

// ---- Loading -----------------------------------------------------------------------------

// The fatal error of a config file: line number (1-based), the offending line text, and
// the message ("Bad directive or wrong number of arguments", "argument must be 'yes' or 'no'" ...).
struct ConfigError {
  int line = 0;
  std::string text;
  std::string message;
};
// Redis's exact report for a fatal config error:
// "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 2\n>>> 'foo bar'\nBad directive or wrong number of arguments\n"
std::string formatConfigError(const ConfigError& err);

// One non-empty, non-comment line of config text split into arguments (reusable by Sentinel).
struct ConfigLine {
  int lineno = 0;             // 1-based
  std::string text;           // the line with surrounding blanks trimmed
  std::vector<std::string> argv;
};
// Split config text into lines of args (argv[0] lower-cased), skipping blank lines and '#'
// comments. On unbalanced quotes fills *err ("Unbalanced quotes in configuration line"),
// keeps the lines before it in *out, and returns false.
bool splitConfigText(std::string_view text, std::vector<ConfigLine>* out, ConfigError* err);

// Turn the redis-server command-line tail (everything after the config file path) into
// config text as redis-server does: {"--port", "7000", "--save", ""} -> "port \"7000\" \nsave \"\" ".
// A lone "-" as first or last argument means "also read config from stdin" (*from_stdin).
// `after_config_file`: args follow a config file path on the command line (then "-" counts
// only as the last argument).
std::string overridesToConfigText(const std::vector<std::string>& args, bool* from_stdin,
                                  bool after_config_file = false);

// Load a config file (path may be empty), then stdin if asked, then the command-line
// overrides (raw argv strings, see overridesToConfigText). On a fatal error returns false
// and fills *fatal_report with formatConfigError's text (print it to stderr, exit 1).
// With "-" among the overrides the caller should log "Reading config from stdin" (notice)
// as Redis does. One case differs, as in Redis: a config file (or include) that can't be opened gives
// "Fatal error, can't open config file '<path>': <strerror>", which Redis writes as a
// warning log line; *report_is_log_line is then set to true.
bool configLoad(const std::string& path, const std::vector<std::string>& overrides, std::string* fatal_report,
                bool* report_is_log_line = nullptr);
// Apply config text directly (the last step of configLoad; used by tests).
bool configLoadFromString(std::string_view text, std::string* fatal_report);

// Directives that are not parameters but belong to other subsystems. The handler is called
// when the directive is read from a config file, with the whole line's args (argv[0] is the
// lower-cased directive); returning false with *err set makes it a fatal config error
// (e.g. "No such command in rename-command", "Target command name already exists").
// Without a handler, "rename-command" (3 args) and "user" (2+ args) lines are stored in
// Settings::rename_commands / user_lines and "loadmodule" lines in loadmodule_lines.
void configOnDirective(std::string_view directive,
                       std::function<bool(const std::vector<std::string>& argv, std::string* err)> fn);

// Absolute path of the loaded config file, "" if none (CONFIG REWRITE needs one).
const std::string& configFilePath();

// ---- Run time: CONFIG GET / SET / REWRITE -------------------------------------------------

// CONFIG GET pattern [pattern ...]: name/value pairs of every parameter (or alias) matching
// any pattern (glob, case-insensitive; hidden parameters need an exact name), without
// duplicates. An exact (non-glob) name is echoed as the client typed it, as Redis does.
std::vector<std::pair<std::string, std::string>> configGet(const std::vector<std::string>& patterns);
// The value of one parameter as CONFIG GET renders it; false if there is no such name.
bool configGetValue(std::string_view name, std::string* value);

// Facts about the caller that CONFIG SET needs.
struct ConfigSetContext {
  bool client_is_local = true;  // for enable-protected-configs local
  bool server_loading = false;  // DENY_LOADING parameters are refused while loading
};
// CONFIG SET name value [name value ...]: all or nothing. Returns "" on success, else the
// error text without the leading '-' (e.g. "ERR Unknown option or number of arguments for
// CONFIG SET - 'foo'"). Apply callbacks run after every value is set; if one fails all
// values are restored and the callbacks run again.
std::string configSet(const std::vector<std::pair<std::string, std::string>>& pairs,
                      const ConfigSetContext& ctx = {});
// Same from the raw arguments after "CONFIG SET" (an odd count gives "ERR syntax error",
// as Redis 7.0 does once the command's arity -4 has passed).
std::string configSetArgs(const std::vector<std::string>& args, const ConfigSetContext& ctx = {});

// Register a callback run when `name` (canonical name) changes through CONFIG SET. A callback
// registered for several parameters that change together runs once. Return false and fill
// *err to refuse the new value (the whole CONFIG SET is then rolled back).
void configOnApply(std::string_view name, std::function<bool(std::string* err)> fn);
// One callback for several parameters (e.g. "bind" and "port": rebind once).
void configOnApply(const std::vector<std::string>& names, std::function<bool(std::string* err)> fn);

// CONFIG REWRITE writes one line per ACL user, e.g. "user default on nopass ~* &* +@all"
// (unless aclfile is set). The ACL subsystem registers the provider of those full lines;
// without one, only a password-less default user can be described (when requirepass is
// set, the old "user" lines are then left as they are).
void configOnRewriteUsers(std::function<std::vector<std::string>()> fn);

// CONFIG REWRITE: rewrite the config file in place as Redis does. Returns "" or error text
// (without '-'), e.g. "ERR The server is running without a config file".
// force_all (DEBUG CONFIG-REWRITE-FORCE-ALL) writes every parameter, defaults included.
std::string configRewrite(bool force_all = false);

// Whether a protected action (enable-debug-command / enable-protected-configs /
// enable-module-command value) is allowed for a client.
bool protectedActionAllowed(int setting, bool client_is_local);

// Whether a parameter (or alias) is SENSITIVE (requirepass, masterauth, masteruser): its value
// must be redacted from SLOWLOG / MONITOR / logs.
bool configIsSensitive(std::string_view name);

// Whether Osprey honours a parameter (false: accepted and shown, but no effect yet).
bool configIsEffective(std::string_view name);

// Rendering helpers shared with INFO and the keyspace-notification code.
std::string formatSaveParams(const std::vector<SavePoint>& save);
std::string formatNotifyKeyspaceEvents(int flags);
// Parse a notify-keyspace-events flag string; -1 on an unknown letter.
int parseNotifyKeyspaceEvents(std::string_view s);
const char* logLevelName(int level);
const char* maxmemoryPolicyName(int policy);

}  // namespace osprey
