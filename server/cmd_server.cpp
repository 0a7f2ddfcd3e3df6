// server/cmd_server.cpp — the server family: INFO, CONFIG, DEBUG, SLOWLOG, MONITOR, TIME,
// LASTSAVE, SHUTDOWN, LOLWUT, MEMORY, LATENCY and ROLE, plus the statistics only they
// report:
//   * instantaneous metrics (ops/sec, network kbps), sampled by serverStatsCron();
//   * memory samples (allocator use from mallinfo2, RSS from /proc/self/statm, the peak);
//   * per-command latency histograms (INFO latencystats, LATENCY HISTOGRAM) and the latency
//     monitor's events (LATENCY LATEST/HISTORY), both fed by recordCommandLatency() from
//     call();
//   * the dataset digest of DEBUG DIGEST / DIGEST-VALUE, computed the way Redis defines it so
//     both servers give the same digest for the same data.
// Every reply, error and INFO field name is Redis 7.0.15's.
#include <arpa/inet.h>
#include <malloc.h>
#ifdef OSPREY_JEMALLOC
#include <jemalloc/jemalloc.h>
#elif defined(__SANITIZE_ADDRESS__)
extern "C" size_t __sanitizer_get_current_allocated_bytes();  // ASan's runtime
#endif
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cmath>
#include <cstring>
#include <ctime>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <unordered_map>

#include "common/config.h"
#include "common/log.h"
#include "common/util.h"
#include "server/blocking.h"
#include "server/db.h"
#include "server/evict.h"
#include "server/rdb.h"
#include "server/t_stream.h"
#include "server/networking.h"
#include "server/persistence.h"
#include "server/scripting.h"
#include "server/scripting_hooks.h"
#include "server/replication.h"
#include "server/server.h"
#include "server/t_hash.h"
#include "server/t_set.h"
#include "server/t_zset.h"

namespace osprey {

// Called by serverCron (every tick) and by call() after each command (see server.h).
void serverStatsCron();
bool serverCronPaused();
void recordCommandLatency(Command& cmd, long long duration_us);

namespace {

template <class... A>
void appendf(std::string& out, fmt::format_string<A...> format, A&&... args) {
  fmt::format_to(std::back_inserter(out), format, std::forward<A>(args)...);
}

// ==== Instantaneous metrics ================================================
//
// As Redis: every 100 ms the rate since the previous sample is stored in a ring of 16;
// the reported value is the ring's mean.

enum Metric { kMetricCommand = 0, kMetricNetInput, kMetricNetOutput, kMetricCount };
constexpr int kMetricSamples = 16;

struct InstantaneousMetric {
  long long last_sample_time = 0;   // ms
  long long last_sample_count = 0;
  std::array<long long, kMetricSamples> samples{};
  int idx = 0;
};

std::array<InstantaneousMetric, kMetricCount> g_metrics;
long long g_last_metrics_ms = 0;

void trackMetric(Metric m, long long reading, long long now_ms) {
  InstantaneousMetric& im = g_metrics[m];
  long long t = now_ms - im.last_sample_time;
  long long ops = reading - im.last_sample_count;
  im.samples[static_cast<size_t>(im.idx)] = t > 0 ? ops * 1000 / t : 0;
  im.idx = (im.idx + 1) % kMetricSamples;
  im.last_sample_time = now_ms;
  im.last_sample_count = reading;
}

long long metricValue(Metric m) {
  long long sum = 0;
  for (long long s : g_metrics[m].samples) sum += s;
  return sum / kMetricSamples;
}

void resetMetrics() {
  long long now = mstime();
  for (auto& im : g_metrics) {
    im = InstantaneousMetric{};
    im.last_sample_time = now;
  }
}

// ==== Memory ===============================================================
//
// Osprey links jemalloc, as Redis does (ASan builds keep the C library's malloc): the
// figures are jemalloc's statistics, refreshed by bumping its "epoch". Under libc malloc
// they are what Redis reports when built with libc: used_memory is what malloc handed out,
// and the allocator's "active" and "resident" figures fall back to the process RSS.

#ifdef OSPREY_JEMALLOC
namespace {
size_t jemallocStat(const char* name) {
  size_t v = 0, len = sizeof v;
  return mallctl(name, &v, &len, nullptr, 0) == 0 ? v : 0;
}
void jemallocRefresh() {
  uint64_t epoch = 1;
  size_t len = sizeof epoch;
  mallctl("epoch", &epoch, &len, &epoch, len);
}
}  // namespace
#endif

size_t usedMemory() {
#ifdef OSPREY_JEMALLOC
  // The main thread's own counters of bytes ever allocated / freed: exact at every call
  // (stats.allocated lags behind frees kept in the thread cache, which maxmemory's
  // accounting of freed memory cannot use), and a plain memory read. As Redis's counter,
  // they count the usable size of every block; every command runs on this thread.
  static uint64_t* allocated = nullptr;
  static uint64_t* deallocated = nullptr;
  static bool tried = false;
  if (!tried) {
    tried = true;
    size_t len = sizeof allocated;
    if (mallctl("thread.allocatedp", &allocated, &len, nullptr, 0) != 0 ||
        mallctl("thread.deallocatedp", &deallocated, &len, nullptr, 0) != 0)
      allocated = deallocated = nullptr;
  }
  if (allocated && deallocated && *allocated >= *deallocated)
    return static_cast<size_t>(*allocated - *deallocated);
  jemallocRefresh();
  return jemallocStat("stats.allocated");
#elif defined(__SANITIZE_ADDRESS__)
  return __sanitizer_get_current_allocated_bytes();  // ASan's allocator fills no mallinfo
#else
  struct mallinfo2 mi = mallinfo2();
  return mi.uordblks + mi.hblkhd;
#endif
}

size_t processRss() {
  std::ifstream f("/proc/self/statm");
  size_t pages_total = 0, pages_rss = 0;
  if (!(f >> pages_total >> pages_rss)) return 0;
  return pages_rss * static_cast<size_t>(sysconf(_SC_PAGESIZE));
}

size_t totalSystemMemory() {
  long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
  return pages > 0 && page > 0 ? static_cast<size_t>(pages) * static_cast<size_t>(page) : 0;
}

size_t g_startup_memory = 0;  // used memory when the server became ready (first sample)
size_t g_peak_memory = 0;
size_t g_cron_rss = 0;        // sampled by cron, as Redis's cron_malloc_stats
size_t g_cron_used = 0;
size_t g_cron_allocated = 0;  // the allocator's own "allocated" (jemalloc: with its caches)

void sampleMemory() {
  size_t used = usedMemory();
  if (g_startup_memory == 0) g_startup_memory = used;
  if (used > g_peak_memory) g_peak_memory = used;
  g_cron_used = used;
  g_cron_rss = processRss();
#ifdef OSPREY_JEMALLOC
  jemallocRefresh();  // usedMemory() reads the thread counters: the statistics need an epoch
  g_cron_allocated = jemallocStat("stats.allocated");
#else
  g_cron_allocated = used;
#endif
}

// Redis's bytesToHuman: 100B, 2.00K, 1.50M ... (two decimals from K to P).
std::string bytesToHuman(unsigned long long n) {
  static const char kUnits[] = "KMGTP";
  if (n < 1024) return fmt::format("{}B", n);
  unsigned long long unit = 1024;
  for (int i = 0; i < 5; i++, unit *= 1024) {
    if (n < unit * 1024)
      return fmt::format("{:.2f}{}", static_cast<double>(n) / static_cast<double>(unit), kUnits[i]);
  }
  return fmt::format("{}B", n);
}

using ExpireEntry = Dict<std::string_view, long long>::Entry;

struct DbOverhead {
  int dbid;
  size_t main, expires;
};

// The breakdown MEMORY STATS / INFO memory show, from our own structures.
struct MemoryOverhead {
  size_t total_allocated = 0, startup_allocated = 0, peak_allocated = 0;
  size_t clients_normal = 0, clients_slaves = 0;
  size_t lua_caches = 0;
  std::vector<DbOverhead> dbs;
  size_t overhead_total = 0;
  size_t total_keys = 0, bytes_per_key = 0;
  size_t dataset = 0;
  float dataset_perc = 0, peak_perc = 0;
  // Allocator figures (libc: allocated = used, active = resident = RSS).
  size_t rss = 0, alloc_allocated = 0, alloc_active = 0, alloc_resident = 0;
  float allocator_frag = 0, allocator_rss = 0, rss_extra = 0, total_frag = 0;
  long long allocator_frag_bytes = 0, allocator_rss_bytes = 0, rss_extra_bytes = 0,
            total_frag_bytes = 0;
};

size_t clientMemory(const Client& c) {
  return sizeof(Client) + c.querybuf.capacity() + c.out.size() + c.argv.capacity() * sizeof(std::string);
}

MemoryOverhead memoryOverhead() {
  MemoryOverhead mh;
  size_t used = usedMemory();
  if (g_startup_memory == 0) g_startup_memory = used;
  if (used > g_peak_memory) g_peak_memory = used;
  if (g_cron_used == 0) sampleMemory();
  mh.total_allocated = used;
  mh.startup_allocated = g_startup_memory;
  mh.peak_allocated = g_peak_memory;
  size_t total = g_startup_memory;
  for (const Client* c : server.client_list)
    if (!replicationIsReplica(*c)) mh.clients_normal += clientMemory(*c);
  mh.clients_slaves = replicationBuffersMemory();
  total += mh.clients_normal + mh.clients_slaves;
  mh.lua_caches = evalScriptsBytes();
  total += mh.lua_caches;
  for (const Db& db : server.dbs) {
    if (db.keys.empty()) continue;
    mh.total_keys += db.keys.size();
    DbOverhead o{db.id, db.keys.size() * sizeof(KeyEntry) + db.keys.buckets() * sizeof(void*),
                 db.expires.size() * sizeof(ExpireEntry) + db.expires.buckets() * sizeof(void*)};
    total += o.main + o.expires;
    mh.dbs.push_back(o);
  }
  mh.overhead_total = total;
  mh.dataset = used > total ? used - total : 0;
  mh.peak_perc = static_cast<float>(used) * 100 / static_cast<float>(mh.peak_allocated);
  size_t net = used > mh.startup_allocated ? used - mh.startup_allocated : 1;
  mh.dataset_perc = static_cast<float>(mh.dataset) * 100 / static_cast<float>(net);
  mh.bytes_per_key = mh.total_keys ? net / mh.total_keys : 0;

  mh.rss = g_cron_rss;
  mh.alloc_allocated = g_cron_allocated;
#ifdef OSPREY_JEMALLOC
  jemallocRefresh();
  mh.alloc_active = jemallocStat("stats.active");
  mh.alloc_resident = jemallocStat("stats.resident");
#else
  // Without allocator statistics Redis takes the RSS minus the Lua VM as "resident".
  size_t lua = evalLuaMemory();
  mh.alloc_active = mh.alloc_resident = g_cron_rss > lua ? g_cron_rss - lua : g_cron_rss;
#endif
  auto ratio = [](size_t a, size_t b) { return static_cast<float>(a) / static_cast<float>(b); };
  auto diff = [](size_t a, size_t b) { return static_cast<long long>(a) - static_cast<long long>(b); };
  mh.total_frag = ratio(mh.rss, g_cron_used);
  mh.total_frag_bytes = diff(mh.rss, g_cron_used);
  mh.allocator_frag = ratio(mh.alloc_active, mh.alloc_allocated);
  mh.allocator_frag_bytes = diff(mh.alloc_active, mh.alloc_allocated);
  mh.allocator_rss = ratio(mh.alloc_resident, mh.alloc_active);
  mh.allocator_rss_bytes = diff(mh.alloc_resident, mh.alloc_active);
  mh.rss_extra = ratio(mh.rss, mh.alloc_resident);
  mh.rss_extra_bytes = diff(mh.rss, mh.alloc_resident);
  return mh;
}

// ==== Latency histograms ===================================================
//
// Redis records each command's duration (in ns, 1 ns .. 1 s) in an HdrHistogram with 2
// significant digits. The bucket layout below is the same, so percentiles and the buckets
// of LATENCY HISTOGRAM come out with the same numbers: 256 sub-buckets, of which the upper
// half of each further bucket is used, each bucket doubling the unit of the previous one.

class LatencyHistogram {
 public:
  static constexpr int64_t kMin = 1, kMax = 1000000000;
  static constexpr int kHalfMagnitude = 7;                 // log2(128)
  static constexpr int64_t kSubBuckets = 256, kHalf = 128;
  static constexpr int kBuckets = 23;                      // enough to cover kMax
  static constexpr int kCountsLen = (kBuckets + 1) * static_cast<int>(kHalf);

  void record(int64_t ns) {
    ns = std::clamp(ns, kMin, kMax);
    counts_[static_cast<size_t>(indexOf(ns))]++;
    total_++;
  }
  int64_t total() const { return total_; }

  // hdr_value_at_percentile.
  int64_t valueAtPercentile(double p) const {
    double req = p < 100.0 ? p : 100.0;
    int64_t want = static_cast<int64_t>((req / 100) * static_cast<double>(total_) + 0.5);
    if (want < 1) want = 1;
    int64_t seen = 0, value = 0;
    for (int i = 0; i < kCountsLen; i++) {
      seen += counts_[static_cast<size_t>(i)];
      if (seen >= want) {
        value = valueAt(i);
        break;
      }
    }
    return p == 0.0 ? lowestEquivalent(value) : highestEquivalent(value);
  }

  // The cumulative distribution of LATENCY HISTOGRAM: reporting levels 1024 ns, doubling;
  // at each level the highest value of the bucket that reached it (in µs) and the count of
  // samples up to that bucket, skipping levels that add nothing (HdrHistogram's log
  // iterator with 1024 and base 2, as Redis walks it).
  std::vector<std::pair<int64_t, int64_t>> cumulative() const {
    std::vector<std::pair<int64_t, int64_t>> out;
    int64_t level = 1024, level_low = lowestEquivalent(level);
    int idx = -1;
    int64_t cum = 0, value = 0, highest = 0, previous = 0;
    while (cum < total_ || (idx < kCountsLen && valueAt(idx + 1) > level_low)) {
      while (true) {
        if (value >= level_low) {
          level *= 2;
          level_low = lowestEquivalent(level);
          break;
        }
        if (++idx >= kCountsLen) break;
        cum += counts_[static_cast<size_t>(idx)];
        value = valueAt(idx);
        highest = highestEquivalent(value);
      }
      if (cum > previous) out.emplace_back(highest / 1000, cum);
      previous = cum;
      if (idx >= kCountsLen) break;
    }
    return out;
  }

 private:
  static int bucketOf(int64_t v) {
    return 64 - __builtin_clzll(static_cast<uint64_t>(v | (kSubBuckets - 1))) - (kHalfMagnitude + 1);
  }
  static int indexOf(int64_t v) {
    int b = bucketOf(v);
    int64_t sub = v >> b;
    return static_cast<int>(((static_cast<int64_t>(b) + 1) << kHalfMagnitude) + (sub - kHalf));
  }
  static int64_t valueAt(int idx) {
    int b = (idx >> kHalfMagnitude) - 1;
    int64_t sub = (idx & (kHalf - 1)) + kHalf;
    if (b < 0) {
      sub -= kHalf;
      b = 0;
    }
    return sub << b;
  }
  static int64_t lowestEquivalent(int64_t v) {
    int b = bucketOf(v);
    return (v >> b) << b;
  }
  static int64_t highestEquivalent(int64_t v) {
    int b = bucketOf(v);
    int64_t sub = v >> b;
    int adjusted = sub >= kSubBuckets ? b + 1 : b;
    return (sub << b) + (int64_t{1} << adjusted) - 1;
  }

  std::array<int64_t, kCountsLen> counts_{};
  int64_t total_ = 0;
};

std::unordered_map<const Command*, std::unique_ptr<LatencyHistogram>> g_histograms;
// The last command's histogram: consecutive calls of one command (benchmarks, pipelines)
// skip the map lookup. Cleared with the map.
const Command* g_last_histogram_cmd = nullptr;
LatencyHistogram* g_last_histogram = nullptr;

void clearHistograms() {
  g_histograms.clear();
  g_last_histogram_cmd = nullptr;
  g_last_histogram = nullptr;
}

const LatencyHistogram* histogramOf(const Command& cmd) {
  auto it = g_histograms.find(&cmd);
  return it == g_histograms.end() ? nullptr : it->second.get();
}

// ==== Latency monitor events ===============================================

constexpr int kLatencySamples = 160;

struct LatencySample {
  long long time = 0;     // unix seconds
  long long latency = 0;  // ms
};

struct LatencySeries {
  int idx = 0;
  long long max = 0;
  std::array<LatencySample, kLatencySamples> samples{};
};

std::map<std::string, LatencySeries> g_latency_events;

void latencyAddSample(const std::string& event, long long latency_ms) {
  LatencySeries& ts = g_latency_events[event];
  long long now = time(nullptr);
  if (latency_ms > ts.max) ts.max = latency_ms;
  LatencySample& prev = ts.samples[static_cast<size_t>((ts.idx + kLatencySamples - 1) % kLatencySamples)];
  if (prev.time == now) {  // one sample per second: keep the worst
    prev.latency = std::max(prev.latency, latency_ms);
    return;
  }
  ts.samples[static_cast<size_t>(ts.idx)] = {now, latency_ms};
  ts.idx = (ts.idx + 1) % kLatencySamples;
}


bool g_cron_paused = false;  // DEBUG PAUSE-CRON

// ==== Helpers ==============================================================

bool isLocalClient(const Client& c) {
  if (c.is_unix || c.fake) return true;
  return c.addr.rfind("127.", 0) == 0 || c.addr.rfind("::1:", 0) == 0;
}

// Allocation size jemalloc would give for n bytes (Redis's MEMORY USAGE and DEBUG OBJECT
// report sizes in those classes): 8, 16, then steps of 16 up to 128, then four classes
// per power of two.
size_t allocSize(size_t n) {
  if (n <= 8) return 8;
  if (n <= 128) return (n + 15) & ~static_cast<size_t>(15);
  size_t pow = 1;
  while (pow < n) pow <<= 1;
  size_t spacing = pow / 8;
  return (n + spacing - 1) / spacing * spacing;
}

// Bytes of an sds string header for a string of len bytes (Redis picks the smallest type).
size_t sdsHeader(size_t len, bool allow_type5) {
  if (len < 32) return allow_type5 && len > 0 ? 1 : 3;
  if (len < 256) return 3;
  if (len < 65536) return 5;
  if (len < (1ULL << 32)) return 9;
  return 17;
}

constexpr size_t kRobjSize = 16, kDictEntrySize = 24, kQuicklistSize = 40,
                 kQuicklistNodeSize = 40;

// Size of one element encoded in a listpack (encoding + data + back length).
size_t listpackEntrySize(std::string_view s) {
  size_t enc;
  long long v;
  if (s.size() <= 20 && string2ll(s, &v)) {
    if (v >= 0 && v <= 127) enc = 1;
    else if (v >= -4096 && v <= 4095) enc = 2;
    else if (v >= -32768 && v <= 32767) enc = 3;
    else if (v >= -8388608 && v <= 8388607) enc = 4;
    else if (v >= INT32_MIN && v <= INT32_MAX) enc = 5;
    else enc = 9;
  } else if (s.size() < 64) {
    enc = 1 + s.size();
  } else if (s.size() < 4096) {
    enc = 2 + s.size();
  } else {
    enc = 5 + s.size();
  }
  size_t backlen = enc < 128 ? 1 : enc < 16384 ? 2 : enc < 2097152 ? 3 : enc < 268435456 ? 4 : 5;
  return enc + backlen;
}

constexpr size_t kListpackEmpty = 7;  // 6-byte header + end marker

struct QuicklistNodeModel {
  size_t count = 0, bytes = kListpackEmpty;
};

// How Redis's quicklist would split this list into listpack nodes when built by pushing
// at the tail (list-max-listpack-size: negative = byte limit, positive = entry count).
std::vector<QuicklistNodeModel> quicklistModel(const ListValue& list) {
  static const size_t kLevels[] = {4096, 8192, 16384, 32768, 65536};
  long long fill = cfg().list_max_listpack_size;
  std::vector<QuicklistNodeModel> nodes;
  list.forEach([&](std::string_view item) {
    bool fits = false;
    if (!nodes.empty()) {
      size_t new_sz = nodes.back().bytes + item.size() + 8;
      if (fill < 0 && -fill - 1 < 5) {
        fits = new_sz <= kLevels[-fill - 1];
      } else if (new_sz <= 8192) {
        fits = static_cast<long long>(nodes.back().count) < fill;
      }
    }
    if (!fits) nodes.emplace_back();
    nodes.back().count++;
    nodes.back().bytes += listpackEntrySize(item);
  });
  return nodes;
}

// Length prefix of an RDB length-encoded value.
size_t rdbLenSize(size_t len) {
  if (len < 64) return 1;
  if (len < 16384) return 2;
  if (len <= UINT32_MAX) return 5;
  return 9;
}

// Serialized size of a string in an RDB file. Short integers are stored as integers;
// LZF compression of longer strings is not modelled (the real size can be smaller).
size_t rdbStringSize(const std::string& s) {
  long long v;
  if (s.size() <= 11 && string2ll(s, &v)) {
    if (v >= -128 && v <= 127) return 2;
    if (v >= -32768 && v <= 32767) return 3;
    if (v >= INT32_MIN && v <= INT32_MAX) return 5;
  }
  return rdbLenSize(s.size()) + s.size();
}

size_t rdbObjectSize(const Object& o) {
  if (o.type == ObjType::String) return rdbStringSize(o.str());
  // A stream is serialised as it is (its nodes verbatim): measure the real thing, a DUMP
  // payload without its type byte, version and checksum.
  if (o.type == ObjType::Stream) return rdbDumpPayload(o).size() - 11;
  if (o.type == ObjType::List) {
    auto nodes = quicklistModel(o.list());
    size_t n = rdbLenSize(nodes.size());
    for (const auto& node : nodes) n += 1 + rdbLenSize(node.bytes) + node.bytes;
    return n;
  }
  return 0;
}

// Redis shares the integer objects 0..9999 (refcount INT_MAX, created at startup).
bool isSharedInteger(const Object& o) {
  if (o.type != ObjType::String || o.encoding != Encoding::Int) return false;
  long long v;
  int policy = cfg().maxmemory_policy;
  bool lru_lfu = policy == MAXMEMORY_VOLATILE_LRU || policy == MAXMEMORY_VOLATILE_LFU ||
                 policy == MAXMEMORY_ALLKEYS_LRU || policy == MAXMEMORY_ALLKEYS_LFU;
  if (cfg().maxmemory != 0 && lru_lfu) return false;
  return string2ll(o.str(), &v) && v >= 0 && v < 10000;
}


// MEMORY USAGE's estimate of a value (Redis's objectComputeSize).
size_t objectMemory(const Object& o, long long samples) {
  if (o.type == ObjType::String) {
    const std::string& s = o.str();
    switch (o.encoding) {
      case Encoding::Int: return kRobjSize;
      case Encoding::Embstr: return allocSize(kRobjSize + 3 + s.size() + 1);
      default: return kRobjSize + allocSize(sdsHeader(s.size(), false) + s.size() + 1);
    }
  }
  if (o.type == ObjType::List) {
    auto nodes = quicklistModel(o.list());
    size_t size = kRobjSize + kQuicklistSize;
    if (nodes.empty()) return size;
    size_t sampled = 0, elesize = 0;
    for (const auto& node : nodes) {
      if (static_cast<long long>(sampled) >= samples) break;
      elesize += kQuicklistNodeSize + allocSize(node.bytes);
      sampled++;
    }
    return size + static_cast<size_t>(static_cast<double>(elesize) / static_cast<double>(sampled) *
                                      static_cast<double>(nodes.size()));
  }
  if (o.type == ObjType::Stream) return kRobjSize + o.stream().memoryUsage();
  return kRobjSize;
}

// ==== Dataset digest =======================================================
//
// Redis's definition (DEBUG DIGEST): unordered collections combine element hashes with
// XOR, ordered ones feed each element into the running digest:
//   xorDigest(d, data):  d ^= SHA1(data)
//   mixDigest(d, data):  d = SHA1(d ^ SHA1(data))
// A key's digest is mix(key), mix(htonl(type)), then the value (strings: mix(text); lists:
// mix(each element) head to tail), then xor("!!expire!!") if it has an expiry. The dataset
// digest mixes htonl(db id) for every non-empty db and XORs SHA1 of each key's digest.

using Digest = std::array<unsigned char, 20>;

void xorDigest(Digest& d, std::string_view data) {
  unsigned char h[20];
  sha1raw(data, h);
  for (size_t i = 0; i < 20; i++) d[i] ^= h[i];
}

void mixDigest(Digest& d, std::string_view data) {
  xorDigest(d, data);
  unsigned char h[20];
  sha1raw(std::string_view(reinterpret_cast<const char*>(d.data()), d.size()), h);
  std::memcpy(d.data(), h, 20);
}

std::string_view uint32View(const uint32_t& v) {
  return std::string_view(reinterpret_cast<const char*>(&v), sizeof v);
}

std::string_view digestView(const Digest& d) {
  return std::string_view(reinterpret_cast<const char*>(d.data()), d.size());
}

// Mixes one value (and its expiry flag) into d. Sets XOR their members; hashes XOR, for
// each pair, the digest of mix(field) then mix(value); sorted sets likewise XOR, per
// member, mix(member) then mix(score as "%.17g").
void objectDigest(Db& db, std::string_view key, Object& o, Digest& d) {
  uint32_t type = htonl(static_cast<uint32_t>(o.type));
  mixDigest(d, uint32View(type));
  if (o.type == ObjType::String) {
    mixDigest(d, o.str());
  } else if (o.type == ObjType::List) {
    o.list().forEach([&](std::string_view item) { mixDigest(d, item); });
  } else if (o.type == ObjType::Set) {
    o.set().forEach([&](std::string_view member) { xorDigest(d, member); });
  } else if (o.type == ObjType::Hash) {
    o.hash().forEach([&](std::string_view field, std::string_view value) {
      Digest pair{};
      mixDigest(pair, field);
      mixDigest(pair, value);
      xorDigest(d, digestView(pair));
    });
  } else if (o.type == ObjType::ZSet) {
    o.zset().forEach([&](std::string_view member, double score) {
      Digest pair{};
      char buf[128];
      int n = snprintf(buf, sizeof buf, "%.17g", score);
      mixDigest(pair, member);
      mixDigest(pair, std::string_view(buf, static_cast<size_t>(n)));
      xorDigest(d, digestView(pair));
    });
  } else if (o.type == ObjType::Stream) {
    // Redis mixes each entry's "ms.seq" then its fields and values in order.
    o.stream().range(StreamID{}, StreamID::max(), false, [&](const StreamEntry& e) {
      char buf[48];
      int n = snprintf(buf, sizeof buf, "%llu.%llu", static_cast<unsigned long long>(e.id.ms),
                       static_cast<unsigned long long>(e.id.seq));
      mixDigest(d, std::string_view(buf, static_cast<size_t>(n)));
      for (auto& [f, v] : e.fields) {
        mixDigest(d, f);
        mixDigest(d, v);
      }
      return true;
    });
  }
  if (getExpire(db, key) != -1) xorDigest(d, "!!expire!!");
}

std::string digestHex(const Digest& d) {
  static const char* kHex = "0123456789abcdef";
  std::string s;
  for (unsigned char ch : d) {
    s += kHex[ch >> 4];
    s += kHex[ch & 15];
  }
  return s;
}

Digest datasetDigest() {
  Digest final{};
  for (Db& db : server.dbs) {
    if (db.keys.empty()) continue;
    uint32_t id = htonl(static_cast<uint32_t>(db.id));
    mixDigest(final, uint32View(id));
    db.keys.forEach([&](KeyEntry& e) {
      Digest kd{};
      mixDigest(kd, e.key());
      objectDigest(db, e.key(), e.value, kd);
      xorDigest(final, digestView(kd));
    });
  }
  return final;
}

// ==== INFO =================================================================

struct InfoSections {
  bool all = false, everything = false;
  std::set<std::string> names;  // lower case
  bool wants(const char* name) const { return all || names.count(name); }
};

const char* const kDefaultSections[] = {"server", "clients", "memory", "persistence",
                                        "stats", "replication", "cpu", "module_list",
                                        "errorstats", "cluster", "keyspace"};

InfoSections parseInfoSections(const Client& c) {
  InfoSections s;
  auto add_defaults = [&] {
    for (const char* n : kDefaultSections) s.names.insert(n);
  };
  if (c.argc() == 1) add_defaults();
  for (size_t i = 1; i < c.argc(); i++) {
    std::string name = toLower(c.arg(i));
    if (name == "default") {
      add_defaults();
    } else if (name == "all") {
      s.all = true;
    } else if (name == "everything") {
      s.all = s.everything = true;
    } else {
      s.names.insert(std::move(name));
    }
  }
  return s;
}

const std::string& executablePath() {
  static std::string path = [] {
    std::string exe = server.executable;
    if (exe.empty() || exe[0] == '/') return exe;
    char cwd[4096];
    if (!getcwd(cwd, sizeof cwd)) return exe;
    return std::string(cwd) + "/" + exe;
  }();
  return path;
}

const char* supervisedName() {
  switch (cfg().supervised) {
    case SUPERVISED_SYSTEMD: return getenv("NOTIFY_SOCKET") ? "systemd" : "no";
    case SUPERVISED_UPSTART: return getenv("UPSTART_JOB") ? "upstart" : "no";
    case SUPERVISED_AUTODETECT:
      if (getenv("UPSTART_JOB")) return "upstart";
      if (getenv("NOTIFY_SOCKET")) return "systemd";
      return "no";
    default: return "no";
  }
}

// An identifier of this build, stable for one binary (Redis hashes its build details).
const std::string& buildId() {
  static std::string id = sha1hex(std::string(kOspreyVersion) + __DATE__ __TIME__).substr(0, 15);
  return id;
}

void infoServer(std::string& s) {
  static struct utsname name;
  static bool have_uname = uname(&name) == 0;
  long long unixtime = server.mstime_cached / 1000;
  long long uptime = unixtime - server.start_time_ms / 1000;
  s += "# Server\r\n";
  appendf(s, "redis_version:{}\r\n", kRedisVersion);
  appendf(s, "osprey_version:{}\r\n", kOspreyVersion);
  s += "redis_git_sha1:00000000\r\nredis_git_dirty:0\r\n";
  appendf(s, "redis_build_id:{}\r\n", buildId());
  appendf(s, "redis_mode:{}\r\n", cfg().cluster_enabled ? "cluster" : "standalone");
  appendf(s, "os:{} {} {}\r\n", have_uname ? name.sysname : "", have_uname ? name.release : "",
          have_uname ? name.machine : "");
  appendf(s, "arch_bits:{}\r\n", sizeof(void*) * 8);
  s += "monotonic_clock:POSIX clock_gettime\r\n";
  s += "multiplexing_api:epoll\r\n";
  s += "atomicvar_api:c11-builtin\r\n";
#ifdef __GNUC__
  appendf(s, "gcc_version:{}.{}.{}\r\n", __GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__);
#else
  s += "gcc_version:0.0.0\r\n";
#endif
  appendf(s, "process_id:{}\r\n", getpid());
  appendf(s, "process_supervised:{}\r\n", supervisedName());
  appendf(s, "run_id:{}\r\n", server.runid);
  appendf(s, "tcp_port:{}\r\n", cfg().port ? cfg().port : cfg().tls_port);
  appendf(s, "server_time_usec:{}\r\n", server.ustime_cached);
  appendf(s, "uptime_in_seconds:{}\r\n", uptime);
  appendf(s, "uptime_in_days:{}\r\n", uptime / (3600 * 24));
  appendf(s, "hz:{}\r\n", cfg().hz);
  appendf(s, "configured_hz:{}\r\n", cfg().hz);
  appendf(s, "lru_clock:{}\r\n", lruClock());
  appendf(s, "executable:{}\r\n", executablePath());
  appendf(s, "config_file:{}\r\n", server.config_file);
  s += "io_threads_active:0\r\n";
}

void infoClients(std::string& s) {
  size_t max_in = 0, max_out = 0;
  for (const Client* c : server.client_list) {
    max_in = std::max(max_in, c->querybuf.size() - c->qpos);
    max_out = std::max(max_out, c->out.size());
  }
  s += "# Clients\r\n";
  // Replicas are not counted as clients, as in Redis.
  appendf(s, "connected_clients:{}\r\n", server.clients.size() - replicationConnectedReplicas());
  s += "cluster_connections:0\r\n";
  appendf(s, "maxclients:{}\r\n", cfg().maxclients);
  appendf(s, "client_recent_max_input_buffer:{}\r\n", max_in);
  appendf(s, "client_recent_max_output_buffer:{}\r\n", max_out);
  appendf(s, "blocked_clients:{}\r\n", blockedClientsCount());
  s += "tracking_clients:0\r\n";
  appendf(s, "clients_in_timeout_table:{}\r\n", blockedClientsWithTimeout());
}

void infoMemory(std::string& s) {
  MemoryOverhead mh = memoryOverhead();
  size_t used = mh.total_allocated;
  unsigned long long maxmemory = cfg().maxmemory;
  // EVAL's Lua VM and script cache; FUNCTION has no VM of its own yet.
  long long lua = static_cast<long long>(evalLuaMemory()), functions = 0;
  long long lua_caches = static_cast<long long>(mh.lua_caches), functions_caches = 0;
  s += "# Memory\r\n";
  appendf(s, "used_memory:{}\r\n", used);
  appendf(s, "used_memory_human:{}\r\n", bytesToHuman(used));
  appendf(s, "used_memory_rss:{}\r\n", mh.rss);
  appendf(s, "used_memory_rss_human:{}\r\n", bytesToHuman(mh.rss));
  appendf(s, "used_memory_peak:{}\r\n", mh.peak_allocated);
  appendf(s, "used_memory_peak_human:{}\r\n", bytesToHuman(mh.peak_allocated));
  appendf(s, "used_memory_peak_perc:{:.2f}%\r\n", mh.peak_perc);
  appendf(s, "used_memory_overhead:{}\r\n", mh.overhead_total);
  appendf(s, "used_memory_startup:{}\r\n", mh.startup_allocated);
  appendf(s, "used_memory_dataset:{}\r\n", mh.dataset);
  appendf(s, "used_memory_dataset_perc:{:.2f}%\r\n", mh.dataset_perc);
  appendf(s, "allocator_allocated:{}\r\n", mh.alloc_allocated);
  appendf(s, "allocator_active:{}\r\n", mh.alloc_active);
  appendf(s, "allocator_resident:{}\r\n", mh.alloc_resident);
  size_t sysmem = totalSystemMemory();
  appendf(s, "total_system_memory:{}\r\n", sysmem);
  appendf(s, "total_system_memory_human:{}\r\n", bytesToHuman(sysmem));
  appendf(s, "used_memory_lua:{}\r\n", lua);
  appendf(s, "used_memory_vm_eval:{}\r\n", lua);
  appendf(s, "used_memory_lua_human:{}\r\n", bytesToHuman(static_cast<unsigned long long>(lua)));
  appendf(s, "used_memory_scripts_eval:{}\r\n", lua_caches);
  appendf(s, "number_of_cached_scripts:{}\r\n", evalCachedScripts());
  s += "number_of_functions:0\r\n";
  s += "number_of_libraries:0\r\n";
  appendf(s, "used_memory_vm_functions:{}\r\n", functions);
  appendf(s, "used_memory_vm_total:{}\r\n", functions + lua);
  appendf(s, "used_memory_vm_total_human:{}\r\n",
          bytesToHuman(static_cast<unsigned long long>(functions + lua)));
  appendf(s, "used_memory_functions:{}\r\n", functions_caches);
  appendf(s, "used_memory_scripts:{}\r\n", lua_caches + functions_caches);
  appendf(s, "used_memory_scripts_human:{}\r\n",
          bytesToHuman(static_cast<unsigned long long>(lua_caches + functions_caches)));
  appendf(s, "maxmemory:{}\r\n", maxmemory);
  appendf(s, "maxmemory_human:{}\r\n", bytesToHuman(maxmemory));
  appendf(s, "maxmemory_policy:{}\r\n", maxmemoryPolicyName(cfg().maxmemory_policy));
  appendf(s, "allocator_frag_ratio:{:.2f}\r\n", mh.allocator_frag);
  appendf(s, "allocator_frag_bytes:{}\r\n", mh.allocator_frag_bytes);
  appendf(s, "allocator_rss_ratio:{:.2f}\r\n", mh.allocator_rss);
  appendf(s, "allocator_rss_bytes:{}\r\n", mh.allocator_rss_bytes);
  appendf(s, "rss_overhead_ratio:{:.2f}\r\n", mh.rss_extra);
  appendf(s, "rss_overhead_bytes:{}\r\n", mh.rss_extra_bytes);
  appendf(s, "mem_fragmentation_ratio:{:.2f}\r\n", mh.total_frag);
  appendf(s, "mem_fragmentation_bytes:{}\r\n", mh.total_frag_bytes);
  appendf(s, "mem_not_counted_for_evict:{}\r\n", memoryNotCountedForEvict());
  s += "mem_replication_backlog:0\r\n";
  appendf(s, "mem_total_replication_buffers:{}\r\n", mh.clients_slaves);
  appendf(s, "mem_clients_slaves:{}\r\n", mh.clients_slaves);
  appendf(s, "mem_clients_normal:{}\r\n", mh.clients_normal);
  s += "mem_cluster_links:0\r\n";
  s += "mem_aof_buffer:0\r\n";
#ifdef OSPREY_JEMALLOC
  appendf(s, "mem_allocator:jemalloc-{}.{}.{}\r\n", JEMALLOC_VERSION_MAJOR, JEMALLOC_VERSION_MINOR,
          JEMALLOC_VERSION_BUGFIX);
#else
  s += "mem_allocator:libc\r\n";
#endif
  s += "active_defrag_running:0\r\n";
  s += "lazyfree_pending_objects:0\r\n";
  s += "lazyfreed_objects:0\r\n";
}

void infoStats(std::string& s) {
  s += "# Stats\r\n";
  appendf(s, "total_connections_received:{}\r\n", server.stat_numconnections);
  appendf(s, "total_commands_processed:{}\r\n", server.stat_numcommands);
  appendf(s, "instantaneous_ops_per_sec:{}\r\n", metricValue(kMetricCommand));
  appendf(s, "total_net_input_bytes:{}\r\n", server.stat_net_input_bytes);
  appendf(s, "total_net_output_bytes:{}\r\n", server.stat_net_output_bytes);
  s += "total_net_repl_input_bytes:0\r\ntotal_net_repl_output_bytes:0\r\n";
  appendf(s, "instantaneous_input_kbps:{:.2f}\r\n",
          static_cast<float>(metricValue(kMetricNetInput)) / 1024);
  appendf(s, "instantaneous_output_kbps:{:.2f}\r\n",
          static_cast<float>(metricValue(kMetricNetOutput)) / 1024);
  s += "instantaneous_input_repl_kbps:0.00\r\ninstantaneous_output_repl_kbps:0.00\r\n";
  appendf(s, "rejected_connections:{}\r\n", server.stat_rejected_conn);
  replicationInfoSyncStats(s);  // sync_full, sync_partial_ok, sync_partial_err
  appendf(s, "expired_keys:{}\r\n", server.stat_expiredkeys);
  appendf(s, "expired_stale_perc:{:.2f}\r\n", static_cast<double>(server.stat_expired_stale_perc) * 100);
  appendf(s, "expired_time_cap_reached_count:{}\r\n", server.stat_expired_time_cap_reached_count);
  s += "expire_cycle_cpu_milliseconds:0\r\n";
  appendf(s, "evicted_keys:{}\r\n", server.stat_evictedkeys);
  appendf(s, "evicted_clients:{}\r\n", server.stat_evictedclients);
  appendf(s, "total_eviction_exceeded_time:{}\r\n", evictionExceededMs(false));
  appendf(s, "current_eviction_exceeded_time:{}\r\n", evictionExceededMs(true));
  appendf(s, "keyspace_hits:{}\r\n", server.stat_keyspace_hits);
  appendf(s, "keyspace_misses:{}\r\n", server.stat_keyspace_misses);
  appendf(s, "pubsub_channels:{}\r\n", server.pubsub_channels.size());
  appendf(s, "pubsub_patterns:{}\r\n", server.pubsub_patterns.size());
  appendf(s, "pubsubshard_channels:{}\r\n", server.pubsub_shard_channels.size());
  s += "latest_fork_usec:0\r\ntotal_forks:0\r\n";
  s += "migrate_cached_sockets:0\r\n";
  appendf(s, "slave_expires_tracked_keys:{}\r\n", replicationReplicaKeysWithExpire());
  s += "active_defrag_hits:0\r\nactive_defrag_misses:0\r\n";
  s += "active_defrag_key_hits:0\r\nactive_defrag_key_misses:0\r\n";
  s += "total_active_defrag_time:0\r\ncurrent_active_defrag_time:0\r\n";
  s += "tracking_total_keys:0\r\ntracking_total_items:0\r\ntracking_total_prefixes:0\r\n";
  appendf(s, "unexpected_error_replies:{}\r\n", server.stat_unexpected_error_replies);
  appendf(s, "total_error_replies:{}\r\n", server.stat_total_error_replies);
  s += "dump_payload_sanitizations:0\r\n";
  appendf(s, "total_reads_processed:{}\r\n", server.stat_io_reads);
  appendf(s, "total_writes_processed:{}\r\n", server.stat_io_writes);
  s += "io_threaded_reads_processed:0\r\nio_threaded_writes_processed:0\r\n";
  s += "reply_buffer_shrinks:0\r\nreply_buffer_expands:0\r\n";
}

void infoReplication(std::string& s) { replicationInfo(s); }

void appendRusage(std::string& s, const char* name, const timeval& tv) {
  appendf(s, "{}:{}.{:06}\r\n", name, static_cast<long>(tv.tv_sec), static_cast<long>(tv.tv_usec));
}

void infoCpu(std::string& s) {
  rusage self{}, children{}, thread{};
  getrusage(RUSAGE_SELF, &self);
  getrusage(RUSAGE_CHILDREN, &children);
  getrusage(RUSAGE_THREAD, &thread);
  s += "# CPU\r\n";
  appendRusage(s, "used_cpu_sys", self.ru_stime);
  appendRusage(s, "used_cpu_user", self.ru_utime);
  appendRusage(s, "used_cpu_sys_children", children.ru_stime);
  appendRusage(s, "used_cpu_user_children", children.ru_utime);
  appendRusage(s, "used_cpu_sys_main_thread", thread.ru_stime);
  appendRusage(s, "used_cpu_user_main_thread", thread.ru_utime);
}

void infoCommandStats(std::string& s, const Command& cmd) {
  if (cmd.calls || cmd.failed_calls || cmd.rejected_calls) {
    float per_call = cmd.calls == 0 ? 0.0f : static_cast<float>(cmd.usec) / static_cast<float>(cmd.calls);
    appendf(s, "cmdstat_{}:calls={},usec={},usec_per_call={:.2f},rejected_calls={},failed_calls={}\r\n",
            cmd.fullname, cmd.calls, cmd.usec, per_call, cmd.rejected_calls, cmd.failed_calls);
  }
  for (const auto& sub : cmd.subcommands) infoCommandStats(s, *sub);
}

// "99.9" for 99.9, "50" for 50.0: Redis prints "%f" and trims trailing zeros.
std::string percentileName(double p) {
  std::string f = fmt::format("{:f}", p);
  if (f.find('.') != std::string::npos) {
    while (f.back() == '0') f.pop_back();
    if (f.back() == '.') f.pop_back();
  }
  return f;
}

void infoLatencyStats(std::string& s, const Command& cmd) {
  if (const LatencyHistogram* h = histogramOf(cmd)) {
    appendf(s, "latency_percentiles_usec_{}:", cmd.fullname);
    const auto& ps = cfg().latency_tracking_info_percentiles;
    for (size_t i = 0; i < ps.size(); i++) {
      appendf(s, "p{}={:.3f}", percentileName(ps[i]),
              static_cast<double>(h->valueAtPercentile(ps[i])) / 1000.0);
      if (i + 1 != ps.size()) s += ',';
    }
    s += "\r\n";
  }
  for (const auto& sub : cmd.subcommands) infoLatencyStats(s, *sub);
}

std::string genInfoString(const InfoSections& req) {
  std::string s;
  int sections = 0;
  auto section = [&](bool wanted, void (*fill)(std::string&)) {
    if (!wanted) return;
    if (sections++) s += "\r\n";
    fill(s);
  };
  section(req.wants("server"), infoServer);
  section(req.wants("clients"), infoClients);
  section(req.wants("memory"), infoMemory);
  section(req.wants("persistence"), infoPersistence);
  section(req.wants("stats"), infoStats);
  section(req.wants("replication"), infoReplication);
  section(req.wants("cpu"), infoCpu);
  section(req.wants("module_list") || req.wants("modules"), [](std::string& out) { out += "# Modules\r\n"; });
  section(req.wants("commandstats"), [](std::string& out) {
    out += "# Commandstats\r\n";
    for (const auto& cmd : server.commands.all()) infoCommandStats(out, *cmd);
  });
  section(req.wants("errorstats"), [](std::string& out) {
    out += "# Errorstats\r\n";
    std::map<std::string, long long> sorted(server.errorstats.begin(), server.errorstats.end());
    for (const auto& [code, count] : sorted) appendf(out, "errorstat_{}:count={}\r\n", code, count);
  });
  section(req.wants("latencystats"), [](std::string& out) {
    out += "# Latencystats\r\n";
    if (cfg().latency_tracking)
      for (const auto& cmd : server.commands.all()) infoLatencyStats(out, *cmd);
  });
  section(req.wants("cluster"), [](std::string& out) {
    appendf(out, "# Cluster\r\ncluster_enabled:{}\r\n", cfg().cluster_enabled ? 1 : 0);
  });
  section(req.wants("keyspace"), [](std::string& out) {
    out += "# Keyspace\r\n";
    for (const Db& db : server.dbs) {
      if (db.keys.empty() && db.expires.empty()) continue;
      appendf(out, "db{}:keys={},expires={},avg_ttl={}\r\n", db.id, db.keys.size(),
              db.expires.size(), db.avg_ttl);
    }
  });
  return s;
}

void infoCommand(Client& c) { c.r().verbatim(genInfoString(parseInfoSections(c)), "txt"); }

// ==== CONFIG ===============================================================

void containerCommand(Client& c) { replySubcommandSyntaxError(c); }

void configGetCommand(Client& c) {
  std::vector<std::string> patterns(c.argv.begin() + 2, c.argv.end());
  auto pairs = configGet(patterns);
  c.r().mapLen(pairs.size());
  for (const auto& [name, value] : pairs) {
    c.r().bulk(name);
    c.r().bulk(value);
  }
}

void configSetCommand(Client& c) {
  std::vector<std::string> args(c.argv.begin() + 2, c.argv.end());
  ConfigSetContext ctx;
  ctx.client_is_local = isLocalClient(c);
  ctx.server_loading = server.loading;
  std::string err = configSetArgs(args, ctx);
  // Values of sensitive parameters never reach SLOWLOG or MONITOR (call() reads argv after
  // the handler), as Redis redacts them.
  for (size_t i = 2; i + 1 < c.argc(); i += 2)
    if (configIsSensitive(c.arg(i))) c.argv[i + 1] = "(redacted)";
  if (err.empty())
    c.r().ok();
  else
    c.r().error(err);
}

void resetServerStats() {
  server.stat_numcommands = 0;
  replicationResetStats();
  server.stat_numconnections = 0;
  server.stat_expiredkeys = 0;
  server.stat_expired_stale_perc = 0;
  server.stat_expired_time_cap_reached_count = 0;
  server.stat_evictedkeys = 0;
  server.stat_evictedclients = 0;
  evictionResetStats();
  server.stat_keyspace_misses = 0;
  server.stat_keyspace_hits = 0;
  server.stat_rejected_conn = 0;
  server.stat_io_reads = 0;
  server.stat_io_writes = 0;
  server.stat_net_input_bytes = 0;
  server.stat_net_output_bytes = 0;
  server.stat_unexpected_error_replies = 0;
  server.stat_total_error_replies = 0;
  resetMetrics();
}

void resetCommandStats(Command& cmd) {
  cmd.calls = cmd.usec = cmd.rejected_calls = cmd.failed_calls = 0;
  for (auto& sub : cmd.subcommands) resetCommandStats(*sub);
}

void configResetStatCommand(Client& c) {
  resetServerStats();
  for (const auto& cmd : server.commands.all()) resetCommandStats(*cmd);
  clearHistograms();
  server.errorstats.clear();
  c.r().ok();
}

void configRewriteCommand(Client& c) {
  std::string err = configRewrite();
  if (err.empty()) {
    serverLog(LogLevel::Warning, "CONFIG REWRITE executed with success.");
    c.r().ok();
    return;
  }
  const std::string prefix = "ERR Rewriting config file: ";
  if (err.rfind(prefix, 0) == 0)
    serverLog(LogLevel::Warning, "CONFIG REWRITE failed: {}", err.substr(prefix.size()));
  c.r().error(err);
}

void configHelpCommand(Client& c) {
  replyHelp(c, {
      "GET <pattern>",
      "    Return parameters matching the glob-like <pattern> and their values.",
      "SET <directive> <value>",
      "    Set the configuration <directive> to <value>.",
      "RESETSTAT",
      "    Reset statistics reported by the INFO command.",
      "REWRITE",
      "    Rewrite the configuration file.",
  });
}

// ==== DEBUG ================================================================

const std::vector<std::string>& debugHelp() {
  static const std::vector<std::string> lines = {
      "AOF-FLUSH-SLEEP <microsec>",
      "    Server will sleep before flushing the AOF, this is used for testing.",
      "ASSERT",
      "    Crash by assertion failed.",
      "CHANGE-REPL-ID",
      "    Change the replication IDs of the instance.",
      "    Dangerous: should be used only for testing the replication subsystem.",
      "CONFIG-REWRITE-FORCE-ALL",
      "    Like CONFIG REWRITE but writes all configuration options, including",
      "    keywords not listed in original configuration file or default values.",
      "CRASH-AND-RECOVER [<milliseconds>]",
      "    Hard crash and restart after a <milliseconds> delay (default 0).",
      "DIGEST",
      "    Output a hex signature representing the current DB content.",
      "DIGEST-VALUE <key> [<key> ...]",
      "    Output a hex signature of the values of all the specified keys.",
      "ERROR <string>",
      "    Return a Redis protocol error with <string> as message. Useful for clients",
      "    unit tests to simulate Redis errors.",
      "LEAK <string>",
      "    Create a memory leak of the input string.",
      "LOG <message>",
      "    Write <message> to the server log.",
      "HTSTATS <dbid>",
      "    Return hash table statistics of the specified Redis database.",
      "HTSTATS-KEY <key>",
      "    Like HTSTATS but for the hash table stored at <key>'s value.",
      "LOADAOF",
      "    Flush the AOF buffers on disk and reload the AOF in memory.",
      "REPLICATE <string>",
      "    Replicates the provided string to replicas, allowing data divergence.",
      "MALLCTL <key> [<val>]",
      "    Get or set a malloc tuning integer.",
      "MALLCTL-STR <key> [<val>]",
      "    Get or set a malloc tuning string.",
      "OBJECT <key>",
      "    Show low level info about `key` and associated value.",
      "DROP-CLUSTER-PACKET-FILTER <packet-type>",
      "    Drop all packets that match the filtered type. Set to -1 allow all packets.",
      "OOM",
      "    Crash the server simulating an out-of-memory error.",
      "PANIC",
      "    Crash the server simulating a panic.",
      "POPULATE <count> [<prefix>] [<size>]",
      "    Create <count> string keys named key:<num>. If <prefix> is specified then",
      "    it is used instead of the 'key' prefix. These are not propagated to",
      "    replicas. Cluster slots are not respected so keys not belonging to the",
      "    current node can be created in cluster mode.",
      "PROTOCOL <type>",
      "    Reply with a test value of the specified type. <type> can be: string,",
      "    integer, double, bignum, null, array, set, map, attrib, push, verbatim,",
      "    true, false.",
      "RELOAD [option ...]",
      "    Save the RDB on disk and reload it back to memory. Valid <option> values:",
      "    * MERGE: conflicting keys will be loaded from RDB.",
      "    * NOFLUSH: the existing database will not be removed before load, but",
      "      conflicting keys will generate an exception and kill the server.",
      "    * NOSAVE: the database will be loaded from an existing RDB file.",
      "    Examples:",
      "    * DEBUG RELOAD: verify that the server is able to persist, flush and reload",
      "      the database.",
      "    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an",
      "      existing RDB file.",
      "    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB",
      "      file to the database.",
      "RESTART [<milliseconds>]",
      "    Graceful restart: save config, db, restart after a <milliseconds> delay (default 0).",
      "SDSLEN <key>",
      "    Show low level SDS string info representing `key` and value.",
      "SEGFAULT",
      "    Crash the server with sigsegv.",
      "SET-ACTIVE-EXPIRE <0|1>",
      "    Setting it to 0 disables expiring keys in background when they are not",
      "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
      "    default.",
      "QUICKLIST-PACKED-THRESHOLD <size>",
      "    Sets the threshold for elements to be inserted as plain vs packed nodes",
      "    Default value is 1GB, allows values up to 4GB. Setting to 0 restores to default.",
      "SET-SKIP-CHECKSUM-VALIDATION <0|1>",
      "    Enables or disables checksum checks for RDB files and RESTORE's payload.",
      "SLEEP <seconds>",
      "    Stop the server for <seconds>. Decimals allowed.",
      "STRINGMATCH-TEST",
      "    Run a fuzz tester against the stringmatchlen() function.",
      "STRUCTSIZE",
      "    Return the size of different Redis core C structures.",
      "LISTPACK <key>",
      "    Show low level info about the listpack encoding of <key>.",
      "QUICKLIST <key> [<0|1>]",
      "    Show low level info about the quicklist encoding of <key>.",
      "    The optional argument (0 by default) sets the level of detail",
      "CLIENT-EVICTION",
      "    Show low level client eviction pools info (maxmemory-clients).",
      "PAUSE-CRON <0|1>",
      "    Stop periodic cron job processing.",
      "REPLYBUFFER PEAK-RESET-TIME <NEVER||RESET|time>",
      "    Sets the time (in milliseconds) to wait between client reply buffer peak resets.",
      "    In case NEVER is provided the last observed peak will never be reset",
      "    In case RESET is provided the peak reset time will be restored to the default value",
      "REPLYBUFFER RESIZING <0|1>",
      "    Enable or disable the reply buffer resize cron job",
      "CLUSTERLINK KILL <to|from|all> <node-id>",
      "    Kills the link based on the direction to/from (both) with the provided node.",
  };
  return lines;
}

#ifdef OSPREY_JEMALLOC
// DEBUG MALLCTL <key> [<val>] / MALLCTL-STR <key> [<val>]: read a jemalloc control, or
// write it. Integers are 64-bit (Redis 7.0.15 answers "Invalid argument" for narrower
// controls such as opt.narenas, and so do we); a write-only control (EPERM on read) is
// written alone and answers OK. For strings the old
// value is read first and "VOID" writes with no value (an action such as a tcache flush).
static void debugMallctl(Client& c, bool as_string) {
  const char* name = c.arg(2).c_str();
  bool write = c.argc() > 3;
  auto fail = [&](int err) { c.r().error(std::string("ERR ") + strerror(err)); };
  if (!as_string) {
    long long ll = 0;
    if (write && !string2ll(c.arg(3), &ll)) {
      c.r().error(err::kNotInteger);
      return;
    }
    int64_t val = ll, old = 0;
    size_t oldlen = sizeof old;
    int ret = mallctl(name, &old, &oldlen, write ? &val : nullptr, write ? sizeof val : 0);
    if (ret == 0) {
      c.r().integer(old);
    } else if (ret == EPERM && write && mallctl(name, nullptr, nullptr, &val, sizeof val) == 0) {
      c.r().ok();
    } else {
      fail(ret);
    }
    return;
  }
  const char* old = nullptr;
  size_t oldlen = sizeof old;
  int read_err = mallctl(name, &old, &oldlen, nullptr, 0);
  if (read_err != 0 && !(read_err == EPERM && write)) return fail(read_err);
  int write_err = 0;
  if (write) {
    const char* val = c.arg(3).c_str();
    write_err = c.arg(3) == "VOID" ? mallctl(name, nullptr, nullptr, nullptr, 0)
                                   : mallctl(name, nullptr, nullptr, &val, sizeof val);
  }
  if (read_err == 0)
    c.r().bulk(old ? old : "");
  else if (write_err != 0)
    fail(write_err);
  else
    c.r().ok();
}
#endif

void debugObject(Client& c) {
  Object* o = lookupKeyPeek(*c.db, c.arg(2));
  if (!o) {
    c.r().error(err::kNoKey);
    return;
  }
  bool shared = isSharedInteger(*o);
  // Shared integers are created when the server starts, so their access time is that.
  uint32_t lru = shared ? static_cast<uint32_t>(server.start_time_ms / 1000) & kLruClockMax
                        : o->lru & kLruClockMax;
  uint32_t now = lruClock();
  long long idle = now >= lru ? now - lru : (kLruClockMax - lru) + now;
  std::string extra;
  if (o->type == ObjType::List && o->encoding == Encoding::Quicklist) {
    auto nodes = quicklistModel(o->list());
    size_t bytes = 0;
    for (const auto& n : nodes) bytes += n.bytes;
    double avg = nodes.empty() ? 0.0 : static_cast<double>(o->list().size()) / static_cast<double>(nodes.size());
    extra = fmt::format(" ql_nodes:{} ql_avg_node:{:.2f} ql_listpack_max:{} ql_compressed:{} ql_uncompressed_size:{}",
                        nodes.size(), avg, cfg().list_max_listpack_size,
                        cfg().list_compress_depth != 0 ? 1 : 0, bytes);
  }
  char addr[32];
  snprintf(addr, sizeof addr, "%p", static_cast<void*>(o));
  c.r().status(fmt::format("Value at:{} refcount:{} encoding:{} serializedlength:{} lru:{} lru_seconds_idle:{}{}",
                           addr, shared ? INT_MAX : 1, encodingName(o->encoding), rdbObjectSize(*o),
                           lru, idle, extra));
}

void debugPopulate(Client& c) {
  long long count, size = 0;
  if (!getPositiveLongOrReply(c, c.arg(2), &count, err::kPositive)) return;
  if (c.argc() == 5 && !getPositiveLongOrReply(c, c.arg(4), &size, err::kPositive)) return;
  std::string prefix = c.argc() >= 4 ? c.arg(3) : "key";
  for (long long j = 0; j < count; j++) {
    std::string key = prefix + ":" + std::to_string(j);
    if (lookupKeyWrite(*c.db, key)) continue;
    std::string val = "value:" + std::to_string(j);
    if (size) val.resize(static_cast<size_t>(size), '\0');  // padded with zero bytes, or cut
    dbAdd(*c.db, key, Object::makeString(std::move(val)));
    signalModifiedKey(&c, *c.db, key);
  }
  c.r().ok();
}

void debugDigestValue(Client& c) {
  c.r().arrayLen(c.argc() - 2);
  for (size_t j = 2; j < c.argc(); j++) {
    Digest d{};
    // Logically expired keys still count: DEBUG looks at the table, not through expiry.
    if (Object* o = lookupKeyPeek(*c.db, c.arg(j))) objectDigest(*c.db, c.arg(j), *o, d);
    c.r().status(digestHex(d));
  }
}

void debugProtocol(Client& c) {
  std::string name = toLower(c.arg(2));
  auto& r = c.r();
  if (name == "string") {
    r.bulk("Hello World");
  } else if (name == "integer") {
    r.integer(12345);
  } else if (name == "double") {
    r.doubleValue(3.141);
  } else if (name == "bignum") {
    r.bigNumber("1234567999999999999999999999999999999");
  } else if (name == "null") {
    r.null();
  } else if (name == "array") {
    r.arrayLen(3);
    for (int j = 0; j < 3; j++) r.integer(j);
  } else if (name == "set") {
    r.setLen(3);
    for (int j = 0; j < 3; j++) r.integer(j);
  } else if (name == "map") {
    r.mapLen(3);
    for (int j = 0; j < 3; j++) {
      r.integer(j);
      r.boolean(j == 1);
    }
  } else if (name == "attrib") {
    // RESP3 attributes have no builder call; write them raw when answering a socket.
    if (c.resp >= 3 && c.reply == &c.writer)
      c.writer.buffer()->append("|1\r\n$14\r\nkey-popularity\r\n*2\r\n$7\r\nkey:123\r\n:90\r\n");
    r.bulk("Some real reply following the attribute");
  } else if (name == "push") {
    if (c.resp < 3) {
      r.error("ERR RESP2 is not supported by this command");
      return;
    }
    r.pushLen(2);
    r.bulk("server-cpu-usage");
    r.integer(42);
    r.bulk("Some real reply following the push reply");
  } else if (name == "true") {
    r.boolean(true);
  } else if (name == "false") {
    r.boolean(false);
  } else if (name == "verbatim") {
    r.verbatim("This is a verbatim\nstring", "txt");
  } else {
    r.error("ERR Wrong protocol type name. Please use one of the following: "
            "string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false");
  }
}

void debugCommand(Client& c) {
  std::string sub = toLower(c.arg(1));
  size_t argc = c.argc();
  if (argc == 2 && sub == "help") {
    replyHelp(c, debugHelp());
  } else if (sub == "log" && argc == 3) {
    serverLog(LogLevel::Warning, "DEBUG LOG: {}", c.arg(2));
    c.r().ok();
  } else if (sub == "object" && argc == 3) {
    debugObject(c);
  } else if (sub == "reload") {
    debugReloadCommand(c);
  } else if (sub == "populate" && argc >= 3 && argc <= 5) {
    debugPopulate(c);
  } else if (sub == "digest" && argc == 2) {
    c.r().status(digestHex(datasetDigest()));
  } else if (sub == "digest-value" && argc >= 2) {
    debugDigestValue(c);
  } else if (sub == "protocol" && argc == 3) {
    debugProtocol(c);
  } else if (sub == "sleep" && argc == 3) {
    // Blocks the whole server, as Redis's nanosleep does. strtod: junk reads as 0.
    double secs = strtod(c.arg(2).c_str(), nullptr);
    long long usec = static_cast<long long>(secs * 1000000);
    timespec ts{static_cast<time_t>(usec / 1000000), static_cast<long>((usec % 1000000) * 1000)};
    nanosleep(&ts, nullptr);
    c.r().ok();
  } else if (sub == "pause-cron" && argc == 3) {
    g_cron_paused = atoi(c.arg(2).c_str()) != 0;
    c.r().ok();
  } else if (sub == "set-active-expire" && argc == 3) {
    server.active_expire_enabled = atoi(c.arg(2).c_str()) != 0;
    c.r().ok();
  } else if (sub == "set-disable-deny-scripts" && argc == 3) {
    g_script_disable_deny_script = atoi(c.arg(2).c_str()) != 0;  // NOSCRIPT commands in scripts
    c.r().ok();
  } else if (sub == "config-rewrite-force-all" && argc == 2) {
    std::string err = configRewrite(true);
    if (err.empty()) {
      c.r().ok();
    } else {
      size_t colon = err.rfind(": ");
      c.r().error("ERR CONFIG-REWRITE-FORCE-ALL failed: " +
                  (colon == std::string::npos ? err.substr(4) : err.substr(colon + 2)));
    }
#ifdef OSPREY_JEMALLOC
  } else if ((sub == "mallctl" || sub == "mallctl-str") && argc >= 3) {
    debugMallctl(c, sub == "mallctl-str");
#endif
  } else if (sub == "change-repl-id" && argc == 2) {
    serverLog(LogLevel::Warning, "Changing replication IDs after receiving DEBUG change-repl-id");
    changeReplicationId();
    replicationId2().assign(40, '0');
    c.r().ok();
  } else if (sub == "replicate" && argc >= 3) {
    // Sends arguments to the replicas as if a command had that effect (no SELECT first).
    propagate(-1, std::vector<std::string>(c.argv.begin() + 2, c.argv.end()));
    c.r().ok();
  } else if (sub == "error" && argc == 3) {
    std::string e = c.arg(2);
    for (char& ch : e)
      if (ch == '\r' || ch == '\n') ch = ' ';
    // Redis writes this error as raw protocol, so it is not counted in the error stats.
    if (c.reply == &c.writer)
      c.writer.buffer()->append("-" + e + "\r\n");
    else
      c.r().error(e);
  } else {
    replySubcommandSyntaxError(c);
  }
}

// ==== SLOWLOG ==============================================================

void slowlogGetCommand(Client& c) {
  long long count = 10;
  if (c.argc() > 3) {
    replySubcommandSyntaxError(c);
    return;
  }
  if (c.argc() == 3) {
    if (!getRangeLongOrReply(c, c.arg(2), -1, LONG_MAX, &count,
                             "ERR count should be greater than or equal to -1"))
      return;
    if (count == -1) count = static_cast<long long>(server.slowlog.size());
  }
  size_t n = std::min<size_t>(static_cast<size_t>(count), server.slowlog.size());
  c.r().arrayLen(n);
  for (size_t i = 0; i < n; i++) {
    const SlowlogEntry& e = server.slowlog[i];
    c.r().arrayLen(6);
    c.r().integer(e.id);
    c.r().integer(e.time);
    c.r().integer(e.duration);
    c.r().arrayLen(e.argv.size());
    for (const auto& a : e.argv) c.r().bulk(a);
    c.r().bulk(e.peer);
    c.r().bulk(e.name);
  }
}

void slowlogLenCommand(Client& c) { c.r().integer(static_cast<long long>(server.slowlog.size())); }

void slowlogResetCommand(Client& c) {
  server.slowlog.clear();
  c.r().ok();
}

void slowlogHelpCommand(Client& c) {
  replyHelp(c, {
      "GET [<count>]",
      "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
      "    Entries are made of:",
      "    id, timestamp, time in microseconds, arguments array, client IP and port,",
      "    client name",
      "LEN",
      "    Return the length of the slowlog.",
      "RESET",
      "    Reset the slowlog.",
  });
}

// ==== MONITOR, TIME, LASTSAVE, ROLE, LOLWUT ================================

void monitorCommand(Client& c) {
  if (server.in_exec) {
    c.r().error("ERR MONITOR isn't allowed for DENY BLOCKING client");
    return;
  }
  if (c.monitor) return;  // already monitoring: no reply, as Redis
  c.monitor = true;
  server.monitors.push_back(&c);
  c.r().ok();
}

void timeCommand(Client& c) {
  long long us = ustime();
  c.r().arrayLen(2);
  c.r().bulkInt(us / 1000000);
  c.r().bulkInt(us % 1000000);
}

void roleCommand(Client& c) { replicationRole(c); }

// LOLWUT's art of versions 5 and 6 is drawn from rand() and so never byte-identical to
// another process; every version answers with the plain text of the current one.
void lolwutCommand(Client& c) {
  if (c.argc() >= 3 && equalsIgnoreCase(c.arg(1), "version")) {
    long long ver;
    if (!getLongLongOrReply(c, c.arg(2), &ver)) return;
  }
  c.r().verbatim(std::string("Redis ver. ") + kRedisVersion + "\n", "txt");
}

// ==== SHUTDOWN =============================================================

void shutdownCommand(Client& c) {
  int flags = SHUTDOWN_DEFAULT;
  bool abort = false;
  for (size_t i = 1; i < c.argc(); i++) {
    const std::string& a = c.arg(i);
    if (equalsIgnoreCase(a, "nosave")) flags |= SHUTDOWN_NOSAVE;
    else if (equalsIgnoreCase(a, "save")) flags |= SHUTDOWN_SAVE;
    else if (equalsIgnoreCase(a, "now")) flags |= SHUTDOWN_NOW;
    else if (equalsIgnoreCase(a, "force")) flags |= SHUTDOWN_FORCE;
    else if (equalsIgnoreCase(a, "abort")) abort = true;
    else {
      replySyntaxError(c);
      return;
    }
  }
  if ((abort && flags != SHUTDOWN_DEFAULT) || ((flags & SHUTDOWN_NOSAVE) && (flags & SHUTDOWN_SAVE))) {
    replySyntaxError(c);
    return;
  }
  if (abort) {
    // Only a signal-requested shutdown can be pending: nothing waits for replicas yet.
    if (!server.shutdown_asap) {
      c.r().error("ERR No shutdown in progress.");
      return;
    }
    server.shutdown_asap = false;
    server.shutdown_flags = 0;
    serverLog(LogLevel::Notice, "Shutdown manually aborted.");
    c.r().ok();
    return;
  }
  if (!(flags & SHUTDOWN_NOSAVE) && scriptIsTimedOut()) {
    c.r().error(scriptIsEval() ? err::kBusyEval : err::kBusyFcall);
    return;
  }
  if (prepareForShutdown(flags)) exitServer(0);
  c.r().error("ERR Errors trying to SHUTDOWN. Check logs.");
}

// ==== MEMORY ===============================================================

void memoryUsageCommand(Client& c) {
  long long samples = 5;
  for (size_t j = 3; j < c.argc(); j++) {
    if (equalsIgnoreCase(c.arg(j), "samples") && j + 1 < c.argc()) {
      if (!getLongLongOrReply(c, c.arg(j + 1), &samples)) return;
      if (samples < 0) {
        replySyntaxError(c);
        return;
      }
      if (samples == 0) samples = LLONG_MAX;
      j++;
    } else {
      replySyntaxError(c);
      return;
    }
  }
  Object* o = lookupKeyPeek(*c.db, c.arg(2));
  if (!o) {
    c.r().null();
    return;
  }
  const std::string& key = c.arg(2);
  size_t usage = objectMemory(*o, samples) + allocSize(sdsHeader(key.size(), true) + key.size() + 1) +
                 kDictEntrySize;
  c.r().integer(static_cast<long long>(usage));
}

void memoryStatsCommand(Client& c) {
  MemoryOverhead mh = memoryOverhead();
  auto& r = c.r();
  auto num = [&](const char* name, long long v) {
    r.bulk(name);
    r.integer(v);
  };
  auto dbl = [&](const char* name, float v) {
    r.bulk(name);
    r.doubleValue(static_cast<double>(v));
  };
  r.mapLen(27 + mh.dbs.size());
  num("peak.allocated", static_cast<long long>(mh.peak_allocated));
  num("total.allocated", static_cast<long long>(mh.total_allocated));
  num("startup.allocated", static_cast<long long>(mh.startup_allocated));
  num("replication.backlog", 0);
  num("clients.slaves", 0);
  num("clients.normal", static_cast<long long>(mh.clients_normal));
  num("cluster.links", 0);
  num("aof.buffer", 0);
  num("lua.caches", static_cast<long long>(mh.lua_caches));
  num("functions.caches", 0);
  for (const auto& db : mh.dbs) {
    r.bulk("db." + std::to_string(db.dbid));
    r.mapLen(3);
    num("overhead.hashtable.main", static_cast<long long>(db.main));
    num("overhead.hashtable.expires", static_cast<long long>(db.expires));
    num("overhead.hashtable.slot-to-keys", 0);
  }
  num("overhead.total", static_cast<long long>(mh.overhead_total));
  num("keys.count", static_cast<long long>(mh.total_keys));
  num("keys.bytes-per-key", static_cast<long long>(mh.bytes_per_key));
  num("dataset.bytes", static_cast<long long>(mh.dataset));
  dbl("dataset.percentage", mh.dataset_perc);
  dbl("peak.percentage", mh.peak_perc);
  num("allocator.allocated", static_cast<long long>(mh.alloc_allocated));
  num("allocator.active", static_cast<long long>(mh.alloc_active));
  num("allocator.resident", static_cast<long long>(mh.alloc_resident));
  dbl("allocator-fragmentation.ratio", mh.allocator_frag);
  num("allocator-fragmentation.bytes", mh.allocator_frag_bytes);
  dbl("allocator-rss.ratio", mh.allocator_rss);
  num("allocator-rss.bytes", mh.allocator_rss_bytes);
  dbl("rss-overhead.ratio", mh.rss_extra);
  num("rss-overhead.bytes", mh.rss_extra_bytes);
  dbl("fragmentation", mh.total_frag);
  num("fragmentation.bytes", mh.total_frag_bytes);
}

void memoryDoctorCommand(Client& c) {
  MemoryOverhead mh = memoryOverhead();
  std::string s;
  int reports = 0;
  bool empty = mh.total_allocated < 1024 * 1024 * 5;
  bool big_peak = false, high_frag = false, big_client_buf = false, many_scripts = false;
  if (empty) {
    reports++;
  } else {
    // The allocator-level checks of Redis compare figures that are equal under libc.
    big_peak = static_cast<float>(mh.peak_allocated) / static_cast<float>(mh.total_allocated) > 1.5f;
    high_frag = mh.total_frag > 1.4f && mh.total_frag_bytes > (10 << 20);
    size_t nclients = std::max<size_t>(server.clients.size(), 1);
    big_client_buf = mh.clients_normal / nclients > 1024 * 200;
    many_scripts = evalCachedScripts() > 1000;
    reports += big_peak + high_frag + big_client_buf + many_scripts;
  }
  if (reports == 0) {
    s = "Hi Sam, I can't find any memory issue in your instance. I can only account for what "
        "occurs on this base.\n";
  } else if (empty) {
    s = "Hi Sam, this instance is empty or is using very little memory, my issues detector "
        "can't be used in these conditions. Please, leave for your mission on Earth and fill "
        "it with some data. The new Sam and I will be back to our programming as soon as I "
        "finished rebooting.\n";
  } else {
    s = "Sam, I detected a few issues in this Redis instance memory implants:\n\n";
    if (big_peak)
      s += " * Peak memory: In the past this instance used more than 150% the memory that is "
           "currently using. The allocator is normally not able to release memory after a peak, "
           "so you can expect to see a big fragmentation ratio, however this is actually "
           "harmless and is only due to the memory peak, and if the Redis instance Resident Set "
           "Size (RSS) is currently bigger than expected, the memory will be used as soon as you "
           "fill the Redis instance with more data. If the memory peak was only occasional and "
           "you want to try to reclaim memory, please try the MEMORY PURGE command, otherwise "
           "the only other option is to shutdown and restart the instance.\n\n";
    if (high_frag)
      s += " * High total RSS: This instance has a memory fragmentation and RSS overhead greater "
           "than 1.4 (this means that the Resident Set Size of the Redis process is much larger "
           "than the sum of the logical allocations Redis performed). This problem is usually "
           "due either to a large peak memory (check if there is a peak memory entry above in "
           "the report) or may result from a workload that causes the allocator to fragment "
           "memory a lot. If the problem is a large peak memory, then there is no issue. "
           "Otherwise, make sure you are using the Jemalloc allocator and not the default libc "
           "malloc. Note: The currently used allocator is \"libc\".\n\n";
    if (big_client_buf)
      s += " * Big client buffers: The clients output buffers in this instance are greater than "
           "200K per client (on average). This may result from different causes, like Pub/Sub "
           "clients subscribed to channels bot not receiving data fast enough, so that data "
           "piles on the Redis instance output buffer, or clients sending commands with large "
           "replies or very large sequences of commands in the same pipeline. Please use the "
           "CLIENT LIST command in order to investigate the issue if it causes problems in your "
           "instance, or to understand better why certain clients are using a big amount of "
           "memory.\n\n";
    if (many_scripts)
      s += " * Many scripts: There seem to be many cached scripts in this instance (more than "
           "1000). This may be because scripts are generated and `EVAL`ed, instead of being "
           "parameterized (with KEYS and ARGV), `SCRIPT LOAD`ed and `EVALSHA`ed. Unless `SCRIPT "
           "FLUSH` is called periodically, the scripts' caches may end up consuming most of your "
           "memory.\n\n";
    s += "I'm here to keep you safe, Sam. I want to help you.\n";
  }
  c.r().verbatim(s, "txt");
}

void memoryMallocStatsCommand(Client& c) {
#ifdef OSPREY_JEMALLOC
  std::string out;
  malloc_stats_print([](void* o, const char* text) { static_cast<std::string*>(o)->append(text); },
                     &out, nullptr);
  c.r().verbatim(out);
#else
  c.r().bulk("Stats not supported for the current allocator");
#endif
}

void memoryPurgeCommand(Client& c) {
#ifdef OSPREY_JEMALLOC
  // Redis purges every arena's dirty pages: arena MALLCTL_ARENAS_ALL (4096).
  mallctl("arena.4096.purge", nullptr, nullptr, nullptr, 0);
#else
  malloc_trim(0);
#endif
  c.r().ok();
}

void memoryHelpCommand(Client& c) {
  replyHelp(c, {
      "DOCTOR",
      "    Return memory problems reports.",
      "MALLOC-STATS",
      "    Return internal statistics report from the memory allocator.",
      "PURGE",
      "    Attempt to purge dirty pages for reclamation by the allocator.",
      "STATS",
      "    Return information about the memory usage of the server.",
      "USAGE <key> [SAMPLES <count>]",
      "    Return memory in bytes used by <key> and its value. Nested values are",
      "    sampled up to <count> times (default: 5, 0 means sample all).",
  });
}

// ==== LATENCY ==============================================================

void latencyLatestCommand(Client& c) {
  c.r().arrayLen(g_latency_events.size());
  for (const auto& [event, ts] : g_latency_events) {
    const LatencySample& last = ts.samples[static_cast<size_t>((ts.idx + kLatencySamples - 1) % kLatencySamples)];
    c.r().arrayLen(4);
    c.r().bulk(event);
    c.r().integer(last.time);
    c.r().integer(last.latency);
    c.r().integer(ts.max);
  }
}

void latencyHistoryCommand(Client& c) {
  auto it = g_latency_events.find(c.arg(2));
  if (it == g_latency_events.end()) {
    c.r().arrayLen(0);
    return;
  }
  const LatencySeries& ts = it->second;
  std::vector<const LatencySample*> picked;
  for (int j = 0; j < kLatencySamples; j++) {
    const LatencySample& s = ts.samples[static_cast<size_t>((ts.idx + j) % kLatencySamples)];
    if (s.time) picked.push_back(&s);
  }
  c.r().arrayLen(picked.size());
  for (const LatencySample* s : picked) {
    c.r().arrayLen(2);
    c.r().integer(s->time);
    c.r().integer(s->latency);
  }
}

void latencyResetCommand(Client& c) {
  if (c.argc() == 2) {
    long long n = static_cast<long long>(g_latency_events.size());
    g_latency_events.clear();
    c.r().integer(n);
    return;
  }
  long long resets = 0;
  for (size_t j = 2; j < c.argc(); j++) {
    for (auto it = g_latency_events.begin(); it != g_latency_events.end();) {
      if (equalsIgnoreCase(it->first, c.arg(j))) {
        it = g_latency_events.erase(it);
        resets++;
      } else {
        ++it;
      }
    }
  }
  c.r().integer(resets);
}

void replyHistogram(Client& c, const Command& cmd, const LatencyHistogram& h) {
  c.r().bulk(cmd.fullname);
  c.r().mapLen(2);
  c.r().bulk("calls");
  c.r().integer(h.total());
  c.r().bulk("histogram_usec");
  auto buckets = h.cumulative();
  c.r().mapLen(buckets.size());
  for (const auto& [usec, count] : buckets) {
    c.r().integer(usec);
    c.r().integer(count);
  }
}

void latencyHistogramCommand(Client& c) {
  std::vector<const Command*> picked;
  auto add_with_subs = [&](const Command& cmd) {
    if (histogramOf(cmd)) picked.push_back(&cmd);
    for (const auto& sub : cmd.subcommands)
      if (histogramOf(*sub)) picked.push_back(sub.get());
  };
  if (c.argc() == 2) {
    for (const auto& cmd : server.commands.all()) add_with_subs(*cmd);
  } else {
    for (size_t j = 2; j < c.argc(); j++)
      if (const Command* cmd = server.commands.lookupFullname(c.arg(j))) add_with_subs(*cmd);
  }
  c.r().mapLen(picked.size());
  for (const Command* cmd : picked) replyHistogram(c, *cmd, *histogramOf(*cmd));
}

// Anonymous huge pages mapped by the process (LATENCY DOCTOR advises disabling THP).
long long anonHugePagesBytes() {
  std::ifstream f("/proc/self/smaps_rollup");
  if (!f) f.open("/proc/self/smaps");
  long long total = 0;
  std::string field;
  while (f >> field) {
    if (field == "AnonHugePages:") {
      long long kb = 0;
      f >> kb;
      total += kb * 1024;
    }
  }
  return total;
}

// LATENCY DOCTOR: per-event statistics, then advice chosen from the kinds of events seen.
std::string latencyReport() {
  if (g_latency_events.empty() && cfg().latency_monitor_threshold == 0) {
    return "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis "
           "instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in "
           "order to enable it. If we weren't in a deep space mission I'd suggest to take a look "
           "at https://redis.io/topics/latency-monitor.\n";
  }
  enum Advice {
    kSlowlogEnabled, kSlowlogTuning, kSlowlogInspect, kScheduler, kLocalDisk, kSsd,
    kDataWriteback, kDiskContention, kNoAppendfsync, kRelaxFsync, kWriteLoadInfo, kHz,
    kLargeObjects, kMassEviction, kDisableThp, kAdviceCount
  };
  std::array<bool, kAdviceCount> advise{};
  int advices = 0;
  auto add = [&](std::initializer_list<Advice> list) {
    for (Advice a : list) advise[a] = true;
    advices += static_cast<int>(list.size());
  };
  std::string report;
  int eventnum = 0;
  long long now = time(nullptr);
  for (const auto& [event, ts] : g_latency_events) {
    if (++eventnum == 1)
      report += "Dave, I have observed latency spikes in this Redis instance. You don't mind "
                "talking about it, do you Dave?\n\n";
    long long samples = 0, sum = 0, oldest = 0;
    for (const auto& smp : ts.samples) {
      if (!smp.time) continue;
      samples++;
      sum += smp.latency;
      if (oldest == 0 || smp.time < oldest) oldest = smp.time;
    }
    long long avg = samples ? sum / samples : 0, mad = 0, period = 0;
    if (samples) {
      period = now - oldest;
      if (period == 0) period = 1;
      for (const auto& smp : ts.samples)
        if (smp.time) mad += std::llabs(avg - smp.latency);
      mad /= samples;
    }
    appendf(report, "{}. {}: {} latency spikes (average {}ms, mean deviation {}ms, period {:.2f} sec). Worst all time event {}ms.",
            eventnum, event, samples, avg, mad,
            samples ? static_cast<double>(period) / static_cast<double>(samples) : 0.0, ts.max);
    std::string e = toLower(event);
    if (e == "command") {
      if (cfg().slowlog_log_slower_than < 0) add({kSlowlogEnabled});
      else if (cfg().slowlog_log_slower_than / 1000 > cfg().latency_monitor_threshold) add({kSlowlogTuning});
      add({kSlowlogInspect, kLargeObjects});
    } else if (e == "fast-command") {
      add({kScheduler});
    } else if (e == "aof-write-pending-fsync") {
      add({kLocalDisk, kDiskContention, kSsd, kDataWriteback});
    } else if (e == "aof-write-active-child") {
      add({kNoAppendfsync, kDataWriteback, kSsd});
    } else if (e == "aof-write-alone") {
      add({kLocalDisk, kDataWriteback, kSsd});
    } else if (e == "aof-fsync-always") {
      add({kRelaxFsync});
    } else if (e == "aof-fstat" || e == "rdb-unlink-temp-file") {
      add({kDiskContention, kLocalDisk});
    } else if (e == "aof-rewrite-diff-write" || e == "aof-rename") {
      add({kWriteLoadInfo, kDataWriteback, kSsd, kLocalDisk});
    } else if (e == "expire-cycle") {
      add({kHz, kLargeObjects});
    } else if (e == "eviction-del") {
      add({kLargeObjects});
    } else if (e == "eviction-cycle") {
      add({kMassEviction});
    }
    report += '\n';
  }
  if (anonHugePagesBytes() > 0) add({kDisableThp});

  if (eventnum == 0 && advices == 0) {
    report += "Dave, no latency spike was observed during the lifetime of this Redis instance, not "
              "in the slightest bit. I honestly think you ought to sit down calmly, take a stress "
              "pill, and think things over.\n";
    return report;
  }
  if (eventnum > 0 && advices == 0) {
    report += "\nWhile there are latency events logged, I'm not able to suggest any easy fix. "
              "Please use the Redis community to get some help, providing this report in your "
              "help request.\n";
    return report;
  }
  long long threshold_us = cfg().latency_monitor_threshold * 1000;
  report += "\nI have a few advices for you:\n\n";
  if (advise[kSlowlogEnabled])
    appendf(report, "- There are latency issues with potentially slow commands you are using. Try to enable the Slow Log Redis feature using the command 'CONFIG SET slowlog-log-slower-than {}'. If the Slow log is disabled Redis is not able to log slow commands execution for you.\n", threshold_us);
  if (advise[kSlowlogTuning])
    appendf(report, "- Your current Slow Log configuration only logs events that are slower than your configured latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than {}'.\n", threshold_us);
  if (advise[kSlowlogInspect])
    report += "- Check your Slow Log to understand what are the commands you are running which are too slow to execute. Please check https://redis.io/commands/slowlog for more information.\n";
  if (advise[kScheduler])
    report += "- The system is slow to execute Redis code paths not containing system calls. This usually means the system does not provide Redis CPU time to run for long periods. You should try to:\n"
              "  1) Lower the system load.\n"
              "  2) Use a computer / VM just for Redis if you are running other software in the same system.\n"
              "  3) Check if you have a \"noisy neighbour\" problem.\n"
              "  4) Check with 'redis-cli --intrinsic-latency 100' what is the intrinsic latency in your system.\n"
              "  5) Check if the problem is allocator-related by recompiling Redis with MALLOC=libc, if you are using Jemalloc. However this may create fragmentation problems.\n";
  if (advise[kLocalDisk])
    report += "- It is strongly advised to use local disks for persistence, especially if you are using AOF. Remote disks provided by platform-as-a-service providers are known to be slow.\n";
  if (advise[kSsd])
    report += "- SSD disks are able to reduce fsync latency, and total time needed for snapshotting and AOF log rewriting (resulting in smaller memory usage). With extremely high write load SSD disks can be a good option. However Redis should perform reasonably with high load using normal disks. Use this advice as a last resort.\n";
  if (advise[kDataWriteback])
    report += "- Mounting ext3/4 filesystems with data=writeback can provide a performance boost compared to data=ordered, however this mode of operation provides less guarantees, and sometimes it can happen that after a hard crash the AOF file will have a half-written command at the end and will require to be repaired before Redis restarts.\n";
  if (advise[kDiskContention])
    report += "- Try to lower the disk contention. This is often caused by other disk intensive processes running in the same computer (including other Redis instances).\n";
  if (advise[kNoAppendfsync])
    report += "- Assuming from the point of view of data safety this is viable in your environment, you could try to enable the 'no-appendfsync-on-rewrite' option, so that fsync will not be performed while there is a child rewriting the AOF file or producing an RDB file (the moment where there is high disk contention).\n";
  if (advise[kRelaxFsync] && cfg().appendfsync == AOF_FSYNC_ALWAYS)
    report += "- Your fsync policy is set to 'always'. It is very hard to get good performances with such a setup, if possible try to relax the fsync policy to 'onesec'.\n";
  if (advise[kWriteLoadInfo])
    report += "- Latency during the AOF atomic rename operation or when the final difference is flushed to the AOF file at the end of the rewrite, sometimes is caused by very high write load, causing the AOF buffer to get very large. If possible try to send less commands to accomplish the same work, or use Lua scripts to group multiple operations into a single EVALSHA call.\n";
  if (advise[kHz] && cfg().hz < 100)
    report += "- In order to make the Redis keys expiring process more incremental, try to set the 'hz' configuration parameter to 100 using 'CONFIG SET hz 100'.\n";
  if (advise[kLargeObjects])
    report += "- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking operation. If you have very large objects that are often deleted, expired, or evicted, try to fragment those objects into multiple smaller objects.\n";
  if (advise[kMassEviction])
    report += "- Sudden changes to the 'maxmemory' setting via 'CONFIG SET', or allocation of large objects via sets or sorted sets intersections, STORE option of SORT, Redis Cluster large keys migrations (RESTORE command), may create sudden memory pressure forcing the server to block trying to evict keys. \n";
  if (advise[kDisableThp])
    report += "- I detected a non zero amount of anonymous huge pages used by your process. This creates very serious latency events in different conditions, especially when Redis is persisting on disk. To disable THP support use the command 'echo never > /sys/kernel/mm/transparent_hugepage/enabled', make sure to also add it into /etc/rc.local so that the command will be executed again after a reboot. Note that even if you have already disabled THP, you still need to restart the Redis process to get rid of the huge pages already created.\n";
  return report;
}

void latencyDoctorCommand(Client& c) { c.r().verbatim(latencyReport(), "txt"); }

// LATENCY GRAPH: Redis's ASCII sparkline. Samples are drawn in columns (at most 80 per
// block), 4 rows high with the fill charset "_o#" ('|' below the top character), scaled
// between the lowest and highest sample; under each column, after one blank row, the age of
// the sample written vertically ("12s", "3m", "2h", "1d").
std::string renderSparkline(const std::vector<std::pair<long long, std::string>>& samples) {
  constexpr int kRows = 4, kCharsetLen = 3, kColumns = 80;
  static const char kFill[] = "_o#";
  std::string out;
  if (samples.empty()) return out;
  double min = static_cast<double>(samples[0].first), max = min;
  for (const auto& smp : samples) {
    min = std::min(min, static_cast<double>(smp.first));
    max = std::max(max, static_cast<double>(smp.first));
  }
  double relmax = max - min;
  if (relmax == 0) relmax = 1;
  const int steps = kCharsetLen * kRows;
  for (size_t start = 0; start < samples.size(); start += kColumns) {
    if (start) out += '\n';
    size_t len = std::min<size_t>(kColumns, samples.size() - start);
    for (int row = 0;; row++) {
      std::string line(len, ' ');
      bool any = false;
      for (size_t j = 0; j < len; j++) {
        const auto& [value, label] = samples[start + j];
        double relval = static_cast<double>(value) - min;
        int step = static_cast<int>(static_cast<int>(relval * steps) / relmax);
        step = std::clamp(step, 0, steps - 1);
        if (row < kRows) {
          any = true;
          int idx = step - (kRows - row - 1) * kCharsetLen;
          if (idx >= 0 && idx < kCharsetLen) line[j] = kFill[idx];
          else if (idx >= kCharsetLen) line[j] = '|';
        } else if (row == kRows) {
          any = true;  // the blank row between the graph and the labels
          break;
        } else {
          size_t at = static_cast<size_t>(row - kRows - 1);
          if (at < label.size()) {
            any = true;
            line[j] = label[at];
          }
        }
      }
      if (!any) break;
      out += line;
      out += '\n';
    }
  }
  return out;
}

void latencyGraphCommand(Client& c) {
  auto it = g_latency_events.find(c.arg(2));
  if (it == g_latency_events.end()) {
    c.r().error("ERR No samples available for event '" + c.arg(2) + "'");
    return;
  }
  const LatencySeries& ts = it->second;
  long long now = time(nullptr), low = 0, high = 0;
  std::vector<std::pair<long long, std::string>> samples;
  for (int j = 0; j < kLatencySamples; j++) {
    const LatencySample& smp = ts.samples[static_cast<size_t>((ts.idx + j) % kLatencySamples)];
    if (!smp.time) continue;
    if (samples.empty()) low = high = smp.latency;
    low = std::min(low, smp.latency);
    high = std::max(high, smp.latency);
    long long age = now - smp.time;
    std::string label = age < 60      ? fmt::format("{}s", age)
                        : age < 3600  ? fmt::format("{}m", age / 60)
                        : age < 86400 ? fmt::format("{}h", age / 3600)
                                      : fmt::format("{}d", age / 86400);
    samples.emplace_back(smp.latency, std::move(label));
  }
  std::string s = fmt::format("{} - high {} ms, low {} ms (all time high {} ms)\n", it->first, high,
                              low, ts.max);
  s.append(80, '-');
  s += '\n';
  s += renderSparkline(samples);
  c.r().verbatim(s, "txt");
}

void latencyHelpCommand(Client& c) {
  replyHelp(c, {
      "DOCTOR",
      "    Return a human readable latency analysis report.",
      "GRAPH <event>",
      "    Return an ASCII latency graph for the <event> class.",
      "HISTORY <event>",
      "    Return time-latency samples for the <event> class.",
      "LATEST",
      "    Return the latest latency samples for all events.",
      "RESET [<event> ...]",
      "    Reset latency data of one or more <event> classes.",
      "    (default: reset all data for all event classes)",
      "HISTOGRAM [COMMAND ...]",
      "    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
      "    If no commands are specified then all histograms are replied.",
  });
}

// ==== The table ============================================================

constexpr const char* kAdminFlags = "admin noscript loading stale";
constexpr const char* kAdminAcl = "@admin @slow @dangerous";

const CommandRow kServerRows[] = {
    {"info", -1, "loading stale", "@slow @dangerous", 0, 0, 0, infoCommand, "server", "1.0.0",
     "Get information and statistics about the server", "O(1)",
     "nondeterministic_output request_policy:all_shards response_policy:special"},

    {"config", -2, "", "@slow", 0, 0, 0, containerCommand, "server", "2.0.0",
     "A container for server configuration commands", "Depends on subcommand."},
    {"config|get", -3, kAdminFlags, kAdminAcl, 0, 0, 0, configGetCommand, "server", "2.0.0",
     "Get the values of configuration parameters",
     "O(N) when N is the number of configuration parameters provided"},
    {"config|help", 2, "loading stale", "@slow", 0, 0, 0, configHelpCommand, "server", "5.0.0",
     "Show helpful text about the different subcommands", "O(1)"},
    {"config|resetstat", 2, kAdminFlags, kAdminAcl, 0, 0, 0, configResetStatCommand, "server",
     "2.0.0", "Reset the stats returned by INFO", "O(1)"},
    {"config|rewrite", 2, kAdminFlags, kAdminAcl, 0, 0, 0, configRewriteCommand, "server", "2.8.0",
     "Rewrite the configuration file with the in memory configuration", "O(1)"},
    {"config|set", -4, kAdminFlags, kAdminAcl, 0, 0, 0, configSetCommand, "server", "2.0.0",
     "Set configuration parameters to the given values",
     "O(N) when N is the number of configuration parameters provided",
     "request_policy:all_nodes response_policy:all_succeeded"},

    {"debug", -2, "admin noscript loading stale protected", kAdminAcl, 0, 0, 0, debugCommand,
     "server", "1.0.0", "A container for debugging commands", "Depends on subcommand."},

    {"slowlog", -2, "", "@slow", 0, 0, 0, containerCommand, "server", "2.2.12",
     "A container for slow log commands", "Depends on subcommand."},
    {"slowlog|get", -2, "admin loading stale", kAdminAcl, 0, 0, 0, slowlogGetCommand, "server",
     "2.2.12", "Get the slow log's entries", "O(N) where N is the number of entries returned",
     "request_policy:all_nodes nondeterministic_output"},
    {"slowlog|help", 2, "loading stale", "@slow", 0, 0, 0, slowlogHelpCommand, "server", "6.2.0",
     "Show helpful text about the different subcommands", "O(1)"},
    {"slowlog|len", 2, "admin loading stale", kAdminAcl, 0, 0, 0, slowlogLenCommand, "server",
     "2.2.12", "Get the slow log's length", "O(1)",
     "request_policy:all_nodes response_policy:agg_sum nondeterministic_output"},
    {"slowlog|reset", 2, "admin loading stale", kAdminAcl, 0, 0, 0, slowlogResetCommand, "server",
     "2.2.12", "Clear all entries from the slow log",
     "O(N) where N is the number of entries in the slowlog",
     "request_policy:all_nodes response_policy:all_succeeded"},

    {"monitor", 1, kAdminFlags, kAdminAcl, 0, 0, 0, monitorCommand, "server", "1.0.0",
     "Listen for all requests received by the server in real time", ""},
    {"time", 1, "loading stale fast", "@fast", 0, 0, 0, timeCommand, "server", "2.6.0",
     "Return the current server time", "O(1)", "nondeterministic_output"},
    {"save", 1, "admin noscript no_async_loading no_multi", kAdminAcl, 0, 0, 0, saveCommand,
     "server", "1.0.0", "Synchronously save the dataset to disk",
     "O(N) where N is the total number of keys in all databases"},
    {"bgsave", -1, "admin noscript no_async_loading", kAdminAcl, 0, 0, 0, bgsaveCommand,
     "server", "1.0.0", "Asynchronously save the dataset to disk", "O(1)"},
    {"lastsave", 1, "loading stale fast", "@admin @fast @dangerous", 0, 0, 0, lastsaveCommand,
     "server", "1.0.0", "Get the UNIX time stamp of the last successful save to disk", "O(1)",
     "nondeterministic_output"},
    {"shutdown", -1, "admin noscript loading stale no_multi allow_busy", kAdminAcl, 0, 0, 0,
     shutdownCommand, "server", "1.0.0",
     "Synchronously save the dataset to disk and then shut down the server",
     "O(N) when saving, where N is the total number of keys in all databases when saving data, "
     "otherwise O(1)"},
    {"lolwut", -1, "readonly fast", "@read @fast", 0, 0, 0, lolwutCommand, "server", "5.0.0",
     "Display some computer art and the Redis version", ""},
    {"role", 1, "noscript loading stale fast", "@admin @fast @dangerous", 0, 0, 0, roleCommand,
     "server", "2.8.12", "Return the role of the instance in the context of replication", "O(1)"},

    {"memory", -2, "", "@slow", 0, 0, 0, containerCommand, "server", "4.0.0",
     "A container for memory diagnostics commands", "Depends on subcommand."},
    {"memory|doctor", 2, "", "@slow", 0, 0, 0, memoryDoctorCommand, "server", "4.0.0",
     "Outputs memory problems report", "O(1)",
     "nondeterministic_output request_policy:all_shards response_policy:special"},
    {"memory|help", 2, "loading stale", "@slow", 0, 0, 0, memoryHelpCommand, "server", "4.0.0",
     "Show helpful text about the different subcommands", "O(1)"},
    {"memory|malloc-stats", 2, "", "@slow", 0, 0, 0, memoryMallocStatsCommand, "server", "4.0.0",
     "Show allocator internal stats", "Depends on how much memory is allocated, could be slow",
     "nondeterministic_output request_policy:all_shards response_policy:special"},
    {"memory|purge", 2, "", "@slow", 0, 0, 0, memoryPurgeCommand, "server", "4.0.0",
     "Ask the allocator to release memory",
     "Depends on how much memory is allocated, could be slow",
     "request_policy:all_shards response_policy:all_succeeded"},
    {"memory|stats", 2, "", "@slow", 0, 0, 0, memoryStatsCommand, "server", "4.0.0",
     "Show memory usage details", "O(1)",
     "nondeterministic_output request_policy:all_shards response_policy:special"},
    {"memory|usage", -3, "readonly", "@read @slow", 2, 2, 1, memoryUsageCommand, "server", "4.0.0",
     "Estimate the memory usage of a key", "O(N) where N is the number of samples."},

    {"latency", -2, "", "@slow", 0, 0, 0, containerCommand, "server", "2.8.13",
     "A container for latency diagnostics commands", "Depends on subcommand."},
    {"latency|doctor", 2, kAdminFlags, kAdminAcl, 0, 0, 0, latencyDoctorCommand, "server",
     "2.8.13", "Return a human readable latency analysis report.", "O(1)",
     "nondeterministic_output request_policy:all_nodes response_policy:special"},
    {"latency|graph", 3, kAdminFlags, kAdminAcl, 0, 0, 0, latencyGraphCommand, "server", "2.8.13",
     "Return a latency graph for the event.", "O(1)",
     "nondeterministic_output request_policy:all_nodes response_policy:special"},
    {"latency|help", 2, "loading stale", "@slow", 0, 0, 0, latencyHelpCommand, "server", "2.8.13",
     "Show helpful text about the different subcommands.", "O(1)"},
    {"latency|histogram", -2, kAdminFlags, kAdminAcl, 0, 0, 0, latencyHistogramCommand, "server",
     "7.0.0", "Return the cumulative distribution of latencies of a subset of commands or all.",
     "O(N) where N is the number of commands with latency information being retrieved.",
     "nondeterministic_output request_policy:all_nodes response_policy:special"},
    {"latency|history", 3, kAdminFlags, kAdminAcl, 0, 0, 0, latencyHistoryCommand, "server",
     "2.8.13", "Return timestamp-latency samples for the event.", "O(1)",
     "nondeterministic_output request_policy:all_nodes response_policy:special"},
    {"latency|latest", 2, kAdminFlags, kAdminAcl, 0, 0, 0, latencyLatestCommand, "server",
     "2.8.13", "Return the latest latency samples for all events.", "O(1)",
     "nondeterministic_output request_policy:all_nodes response_policy:special"},
    {"latency|reset", -2, kAdminFlags, kAdminAcl, 0, 0, 0, latencyResetCommand, "server",
     "2.8.13", "Reset latency data for one or more events.", "O(1)",
     "request_policy:all_nodes response_policy:all_succeeded"},
};

}  // namespace

// used_memory, for maxmemory (evict.cpp).
size_t allocatorUsedMemory() { return usedMemory(); }

// DEBUG PAUSE-CRON 1 stops serverCron's periodic work until PAUSE-CRON 0.
bool serverCronPaused() { return g_cron_paused; }

// Samples the instantaneous metrics every 100 ms and the memory figures, as Redis's cron.
void serverStatsCron() {
  long long now = mstime();
  if (now - g_last_metrics_ms < 100) return;
  g_last_metrics_ms = now;
  trackMetric(kMetricCommand, server.stat_numcommands, now);
  trackMetric(kMetricNetInput, server.stat_net_input_bytes, now);
  trackMetric(kMetricNetOutput, server.stat_net_output_bytes, now);
  sampleMemory();
}

// After each execution: the command's latency histogram (latency-tracking) and the latency
// monitor's "command" / "fast-command" event (latency-monitor-threshold, in ms).
void recordCommandLatency(Command& cmd, long long duration_us) {
  if (cfg().latency_tracking) {
    if (g_last_histogram_cmd != &cmd) {
      auto& h = g_histograms[&cmd];
      if (!h) h = std::make_unique<LatencyHistogram>();
      g_last_histogram_cmd = &cmd;
      g_last_histogram = h.get();
    }
    g_last_histogram->record(duration_us * 1000);
  }
  long long ms = duration_us / 1000;
  long long threshold = cfg().latency_monitor_threshold;
  if (threshold && ms >= threshold) latencyAddSample(cmd.has(CMD_FAST) ? "fast-command" : "command", ms);
}

CommandRows serverCommands() { return {kServerRows, sizeof(kServerRows) / sizeof(kServerRows[0])}; }

}  // namespace osprey
