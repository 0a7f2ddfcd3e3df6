// server/sticky.h — STICK (from Dragonfly): keys that no maxmemory policy evicts.
//
// The mark is a bit of the key's Object (Object::sticky). It is set by `STICK key [key ...]`
// and by `SET ... STICK`, kept when the key is overwritten, and dropped when the key is
// deleted. How it travels, so that a real Redis never sees anything it cannot take:
//   * RDB: an AUX field "osprey-sticky" written just before the sticky key's record. Redis
//     (and redis-check-rdb) skip AUX fields they do not know, wherever they appear; Osprey
//     marks the key that follows. DEBUG RELOAD, restarts and full syncs all use this.
//   * Replication stream: the write without STICK (SET k v), then `PING osprey-stick:<key>`
//     in the same MULTI/EXEC. PING from a master is a no-op on a real Redis replica (its
//     master sends PINGs anyway); an Osprey replica reads the marker and marks the key.
#pragma once

#include <string>
#include <vector>

#include "server/server.h"

namespace osprey {

// The payload prefix of the replication marker.
inline constexpr const char* kStickMarkerPrefix = "osprey-stick:";
// The RDB AUX field that precedes a sticky key.
inline constexpr const char* kStickyAuxField = "osprey-sticky";

// Propagates the stream marker of key (after the write that created it, if any).
void propagateStickMarker(int dbid, const std::string& key);

// PING from our master: true when it was a STICK marker, now applied to c's db.
bool applyStickMarkerFromMaster(Client& c);

CommandRows stickyCommands();

}  // namespace osprey
