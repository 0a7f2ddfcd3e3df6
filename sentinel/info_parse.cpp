// sentinel/info_parse.cpp — INFO and hello parsers (see info_parse.h).
#include "sentinel/info_parse.h"

#include <cctype>
#include <cstdlib>
#include <cstring>

namespace osprey::sentinel {

namespace {

bool startsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

std::vector<std::string_view> split(std::string_view s, std::string_view sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t pos = s.find(sep, start);
    if (pos == std::string_view::npos) {
      out.push_back(s.substr(start));
      break;
    }
    out.push_back(s.substr(start, pos - start));
    start = pos + sep.size();
  }
  return out;
}

// A "slaveN:" line of a master's INFO. The old format is "slave0:<ip>,<port>,<state>", the
// new one "slave0:ip=...,port=...,state=...,offset=...,lag=...".
bool parseReplicaLine(std::string_view l, InfoReplica* out) {
  std::string_view ip, port;
  if (l.find("ip=") == std::string_view::npos) {
    size_t colon = l.find(':');
    if (colon == std::string_view::npos) return false;
    std::string_view rest = l.substr(colon + 1);
    size_t c1 = rest.find(',');
    if (c1 == std::string_view::npos) return false;
    ip = rest.substr(0, c1);
    std::string_view after = rest.substr(c1 + 1);
    size_t c2 = after.find(',');
    if (c2 == std::string_view::npos) return false;
    port = after.substr(0, c2);
  } else {
    size_t ipos = l.find("ip=");
    size_t ppos = l.find("port=");
    if (ppos == std::string_view::npos) return false;
    ip = l.substr(ipos + 3);
    ip = ip.substr(0, ip.find(','));
    port = l.substr(ppos + 5);
    port = port.substr(0, port.find(','));
  }
  out->ip = std::string(ip);
  out->port = atoiLenient(port);
  return true;
}

}  // namespace

int atoiLenient(std::string_view s) { return static_cast<int>(strtollLenient(s)); }

long long strtollLenient(std::string_view s) {
  std::string tmp(s);
  return std::strtoll(tmp.c_str(), nullptr, 10);
}

unsigned long long strtoullLenient(std::string_view s) {
  std::string tmp(s);
  return std::strtoull(tmp.c_str(), nullptr, 10);
}

InfoSnapshot parseInfo(std::string_view info) {
  InfoSnapshot snap;
  for (std::string_view l : split(info, "\r\n")) {
    if (l.size() >= 47 && startsWith(l, "run_id:")) {
      snap.run_id = std::string(l.substr(7, 40));
    } else if (l.size() >= 7 && startsWith(l, "slave") && std::isdigit(static_cast<unsigned char>(l[5]))) {
      InfoReplica r;
      if (parseReplicaLine(l, &r)) snap.replicas.push_back(std::move(r));
    } else if (startsWith(l, "master_link_down_since_seconds:")) {
      snap.master_link_down_since_ms = strtollLenient(l.substr(31)) * 1000;
    } else if (l == "role:master") {
      snap.role = 1;
    } else if (l == "role:slave") {
      snap.role = 2;
    } else if (startsWith(l, "master_host:")) {
      snap.master_host = std::string(l.substr(12));
      snap.master_host_seen = true;
    } else if (startsWith(l, "master_port:")) {
      snap.master_port = atoiLenient(l.substr(12));
      snap.master_port_seen = true;
    } else if (startsWith(l, "master_link_status:")) {
      std::string_view v = l.substr(19);
      snap.master_link_up = v.size() == 2 && std::tolower(v[0]) == 'u' && std::tolower(v[1]) == 'p';
      snap.master_link_status_seen = true;
    } else if (startsWith(l, "slave_priority:")) {
      snap.slave_priority = atoiLenient(l.substr(15));
      snap.slave_priority_seen = true;
    } else if (startsWith(l, "slave_repl_offset:")) {
      snap.slave_repl_offset = strtoullLenient(l.substr(18));
      snap.slave_repl_offset_seen = true;
    } else if (startsWith(l, "replica_announced:")) {
      snap.replica_announced = atoiLenient(l.substr(18));
      snap.replica_announced_seen = true;
    }
  }
  return snap;
}

bool parseHello(std::string_view payload, Hello* out) {
  std::vector<std::string_view> t = split(payload, ",");
  if (t.size() != 8) return false;
  out->ip = std::string(t[0]);
  out->port = atoiLenient(t[1]);
  out->runid = std::string(t[2]);
  out->current_epoch = strtoullLenient(t[3]);
  out->master_name = std::string(t[4]);
  out->master_ip = std::string(t[5]);
  out->master_port = atoiLenient(t[6]);
  out->master_config_epoch = strtoullLenient(t[7]);
  return true;
}

std::string formatHello(const Hello& h) {
  return h.ip + "," + std::to_string(h.port) + "," + h.runid + "," + std::to_string(h.current_epoch) +
         "," + h.master_name + "," + h.master_ip + "," + std::to_string(h.master_port) + "," +
         std::to_string(h.master_config_epoch);
}

}  // namespace osprey::sentinel
