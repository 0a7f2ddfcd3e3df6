// sentinel/info_parse.h — pure parsers for what instances send a sentinel: the INFO reply
// of a master or replica, and a hello message on __sentinel__:hello. They only read text;
// monitor.cpp decides what the values mean (as Redis's sentinelRefreshInstanceInfo and
// sentinelProcessHelloMessage do), so the parsers are unit tested on their own.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace osprey::sentinel {

struct InfoReplica {
  std::string ip;
  int port = 0;
};

struct InfoSnapshot {
  std::string run_id;                   // "" when absent (the line needs all 40 characters)
  int role = 0;                         // 0 unknown, 1 master, 2 slave
  std::vector<InfoReplica> replicas;    // slaveN: lines (old and new format)
  long long master_link_down_since_ms = 0;
  // Replica fields; the *_seen flags say the line was present.
  std::string master_host;
  bool master_host_seen = false;
  int master_port = 0;
  bool master_port_seen = false;
  bool master_link_up = false;
  bool master_link_status_seen = false;
  int slave_priority = 0;
  bool slave_priority_seen = false;
  unsigned long long slave_repl_offset = 0;
  bool slave_repl_offset_seen = false;
  int replica_announced = 1;
  bool replica_announced_seen = false;
};

// Reads an INFO reply ("\r\n" separated "field:value" lines, "# Section" headers).
InfoSnapshot parseInfo(std::string_view info);

// A hello: "<ip>,<port>,<runid>,<current_epoch>,<master name>,<master ip>,<master port>,
// <master config epoch>" (8 comma-separated fields, or it is ignored).
struct Hello {
  std::string ip;
  int port = 0;
  std::string runid;
  unsigned long long current_epoch = 0;
  std::string master_name;
  std::string master_ip;
  int master_port = 0;
  unsigned long long master_config_epoch = 0;
};
bool parseHello(std::string_view payload, Hello* out);
std::string formatHello(const Hello& h);

// Leading-integer conversions with the C library's leniency (atoi / strtoull), as Redis reads
// these fields: "12abc" is 12, "" is 0.
int atoiLenient(std::string_view s);
long long strtollLenient(std::string_view s);
unsigned long long strtoullLenient(std::string_view s);

}  // namespace osprey::sentinel
