// server/evict.h — maxmemory: how much memory counts, when the server is over the limit,
// and eviction of keys under the eight maxmemory-policy values (Redis 7.0's evict.c).
//
// The dispatcher calls performEvictions() before every command while maxmemory is set;
// a DENYOOM command (and every command queued inside MULTI) is refused with the OOM error
// when nothing could be freed. Keys marked sticky (STICK, SET ... STICK) are never evicted.
#pragma once

#include <cstddef>
#include <cstdint>

#include "server/server.h"

namespace osprey {

enum class EvictStatus {
  Ok,       // under the limit (or freed enough)
  Running,  // freed some, the time budget ran out: the eviction timer continues
  Fail,     // over the limit and nothing more can be freed
};

// Frees keys until used memory (less what is not counted) is below maxmemory, within the
// time budget of maxmemory-eviction-tenacity. Does nothing when maxmemory is 0, while
// loading, while a script holds the server, while clients are paused.
EvictStatus performEvictions();

// Memory left out of the maxmemory check, as Redis leaves out the replication buffers:
// the replicas' output buffers (INFO mem_not_counted_for_evict).
size_t memoryNotCountedForEvict();

// INFO's total_eviction_exceeded_time / current_eviction_exceeded_time (ms): how long used
// memory stayed over maxmemory (performEvictions answered Running or Fail), in all and now.
long long evictionExceededMs(bool current_only);
void evictionResetStats();  // CONFIG RESETSTAT

// The OOM state found before the current command ran (Redis's pre_command_oom_state):
// scripts refuse their first DENYOOM call when it is set.
bool preCommandOomState();

// Whether a hash table may grow by `more_bytes` of bucket array now: Redis refuses a
// rehash that would push used memory past maxmemory, unless the table is overfull
// (Redis's load factor 1.618). Installed as the keyspace tables' g_dict_expand_allowed.
bool dictExpandAllowed(size_t more_bytes, double fill_ratio);

// The dispatcher's OOM step: runs evictions and returns true after refusing the command
// (the OOM error) when memory cannot be freed and the command may grow memory.
bool rejectCommandForMaxmemory(Client& c);

// Client eviction (maxmemory-clients): while the normal and Pub/Sub clients together use
// more than the limit, closes the largest ones (not CLIENT NO-EVICT ones, replicas or the
// master). Returns true when `current` itself was evicted (its command must not run).
bool evictClients(Client* current = nullptr);

// Starts the eviction timer (CONFIG SET maxmemory lowering the limit): evictions run from
// the event loop, outside any command, so their DELs are propagated on their own.
void startEvictionTimer();

// Registers the CONFIG SET maxmemory callback (called once at start-up).
void evictionInit();

}  // namespace osprey
