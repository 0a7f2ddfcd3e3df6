// server/t_stream.h — the stream type: entries in listpack nodes, consumer groups, and the
// keyspace operations the stream commands (t_stream.cpp), RDB and unit tests share.
//
// Layout. A stream is an ordered map from each node's master ID to a listpack holding
// exactly the bytes Redis keeps in its rax (and writes to RDB files), so nodes are saved
// and loaded verbatim. A node is:
//   master entry: count (live entries), deleted, num-fields, field_1 .. field_N, 0
//   per entry:    flags, ms-diff, seq-diff, [num-fields, f1, v1 ..] or [v1 .. vN] when the
//                 fields equal the master's (SAMEFIELDS), lp-count
// Deleting an entry only sets its DELETED flag and updates the master counters; a node whose
// last live entry goes is dropped. A new node starts when the current one would reach
// stream-node-max-bytes or holds stream-node-max-entries entries (live + deleted).
//
// Consumer groups keep Redis's structures: the group's pending entries list (PEL) maps IDs
// to NACKs (delivery time, delivery count, owner); each consumer's PEL points at the same
// NACKs. Groups and consumers are ordered by name (byte order), like Redis's radix trees.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "server/listpack.h"

namespace osprey {

struct StreamID {
  uint64_t ms = 0, seq = 0;

  auto operator<=>(const StreamID&) const = default;
  bool isZero() const { return ms == 0 && seq == 0; }
  // The next / previous ID; false on overflow / underflow (then unchanged... saturates).
  bool incr();
  bool decr();
  std::string str() const;  // "ms-seq"
  static constexpr StreamID max() { return {UINT64_MAX, UINT64_MAX}; }
  // The 16-byte big-endian form used as rax keys and in RDB PELs.
  void encode(uint8_t out[16]) const;
  static StreamID decode(const uint8_t in[16]);
};

struct StreamConsumer;

// A pending entry: delivered to `consumer` but not acknowledged yet.
struct StreamNACK {
  long long delivery_time = 0;  // unix ms of the last delivery
  uint64_t delivery_count = 1;
  StreamConsumer* consumer = nullptr;
};

struct StreamConsumer {
  std::string name;
  long long seen_time = 0;                 // unix ms of the last interaction
  std::map<StreamID, StreamNACK*> pel;     // points into the group's PEL
};

// "entries-read" unknown (Redis's SCG_INVALID_ENTRIES_READ).
constexpr long long kInvalidEntriesRead = -1;

struct StreamCG {
  StreamID last_id;
  long long entries_read = kInvalidEntriesRead;
  std::map<StreamID, StreamNACK> pel;
  std::map<std::string, std::unique_ptr<StreamConsumer>> consumers;

  StreamConsumer* lookupConsumer(std::string_view name) const;
  StreamConsumer* createConsumer(std::string_view name, long long now_ms);  // nullptr if exists
  // Removes a consumer and its pending entries; returns how many were pending.
  size_t deleteConsumer(std::string_view name);
};

// One entry as read from a node: its ID and field/value pairs (views valid until the
// stream changes or the next entry is read through the same reader).
struct StreamEntry {
  StreamID id;
  std::vector<std::pair<std::string_view, std::string_view>> fields;
};

class StreamValue {
 public:
  // Trim arguments (XADD / XTRIM): MAXLEN or MINID, exact or approximate (~), LIMIT.
  enum class Trim { None, MaxLen, MinId };
  struct TrimArgs {
    Trim strategy = Trim::None;
    bool approx = false;
    long long maxlen = 0;
    StreamID minid;
    long long limit = 0;  // 0: unlimited
  };

  StreamValue() = default;
  StreamValue(const StreamValue&) = delete;
  std::unique_ptr<StreamValue> clone() const;

  uint64_t length() const { return length_; }

  // Appends an entry with the given ID (callers check it is greater than last_id).
  // fv holds field, value, field, value ...
  void append(StreamID id, const std::vector<std::string_view>& fv);
  // The ID XADD would give for "*" (use_ms = false) or "<ms>-*"; false when exhausted /
  // not greater than the last ID.
  bool nextId(const StreamID* explicit_ms_only, StreamID* out) const;
  // Marks the entry deleted; false when there is no such (live) entry.
  bool remove(StreamID id);
  // Trims as XADD/XTRIM ask; returns the number of entries removed.
  long long trim(const TrimArgs& args);
  bool exists(StreamID id) const;

  // Visits entries with start <= id <= end, ascending (or descending when rev) until fn
  // returns false.
  template <class F>
  void range(StreamID start, StreamID end, bool rev, F&& fn) const;

  // First / last live entry ID; false when empty.
  bool firstLiveId(StreamID* out) const;
  bool lastLiveId(StreamID* out) const;

  // Group bookkeeping.
  StreamCG* lookupGroup(std::string_view name) const;
  StreamCG* createGroup(std::string_view name, StreamID last_id, long long entries_read);
  bool destroyGroup(std::string_view name);
  const std::map<std::string, std::unique_ptr<StreamCG>>& groups() const { return groups_; }

  // entries-read of a group that read up to `id` when it can be deduced, else -1
  // (Redis's streamEstimateDistanceFromFirstEverEntry).
  long long estimateDistance(StreamID id) const;
  // Whether `id` is between the first entry and the last one (Redis's streamRangeHasTombstones
  // over [id, last]).
  bool rangeHasTombstones(StreamID start, StreamID end) const;
  // Lag of a group for XINFO (-1: unknown).
  long long groupLag(const StreamCG& g) const;

  // Stream metadata (Redis's stream struct fields).
  StreamID last_id, first_id, max_deleted_entry_id;
  uint64_t entries_added = 0;

  // Nodes, for RDB, MEMORY USAGE and XINFO.
  const std::map<StreamID, Listpack>& nodes() const { return nodes_; }
  // Loading: adds a node verbatim (validated by the caller) and recomputes the length.
  void loadNode(StreamID master, Listpack lp);
  void setLength(uint64_t n) { length_ = n; }
  size_t memoryUsage() const;

  // Decodes every live entry of one node (ascending).
  template <class F>
  static void forEachInNode(StreamID master, const Listpack& lp, F&& fn);

 private:
  std::map<StreamID, Listpack> nodes_;
  uint64_t length_ = 0;
  std::map<std::string, std::unique_ptr<StreamCG>> groups_;
};

// ---- node walking --------------------------------------------------------------------

enum : int { kStreamFlagNone = 0, kStreamFlagDeleted = 1, kStreamFlagSameFields = 2 };

// Positions of one node's master entry and entries; used by the range walk.
struct StreamNodeCursor {
  const Listpack* lp;
  StreamID master;
  std::vector<size_t> master_fields;  // positions of the master field names
  size_t first_entry = 0;             // position of the first entry's flags

  StreamNodeCursor(StreamID m, const Listpack& l);
  // Reads the entry at pos: its flags, ID and fields; returns the next entry's position.
  size_t read(size_t pos, int* flags, StreamEntry* e, std::vector<std::array<char, 24>>& scratch) const;
  // Skips the entry at pos without decoding fields.
  size_t skip(size_t pos, int* flags, StreamID* id) const;
};

template <class F>
void StreamValue::forEachInNode(StreamID master, const Listpack& lp, F&& fn) {
  StreamNodeCursor cur(master, lp);
  std::vector<std::array<char, 24>> scratch;
  StreamEntry e;
  for (size_t p = cur.first_entry; !lp.atEnd(p);) {
    int flags;
    p = cur.read(p, &flags, &e, scratch);
    if (!(flags & kStreamFlagDeleted) && !fn(e)) return;
  }
}

template <class F>
void StreamValue::range(StreamID start, StreamID end, bool rev, F&& fn) const {
  if (nodes_.empty() || start > end) return;
  std::vector<std::array<char, 24>> scratch;
  StreamEntry e;
  if (!rev) {
    auto it = nodes_.upper_bound(start);
    if (it != nodes_.begin()) --it;
    for (; it != nodes_.end() && it->first <= end; ++it) {
      StreamNodeCursor cur(it->first, it->second);
      const Listpack& lp = it->second;
      for (size_t p = cur.first_entry; !lp.atEnd(p);) {
        int flags;
        StreamID id;
        size_t nextp = cur.skip(p, &flags, &id);
        if (!(flags & kStreamFlagDeleted) && id >= start) {
          if (id > end) return;
          cur.read(p, &flags, &e, scratch);
          if (!fn(e)) return;
        }
        p = nextp;
      }
    }
  } else {
    auto it = nodes_.upper_bound(end);
    while (it != nodes_.begin()) {
      --it;
      StreamNodeCursor cur(it->first, it->second);
      const Listpack& lp = it->second;
      std::vector<size_t> positions;
      for (size_t p = cur.first_entry; !lp.atEnd(p);) {
        positions.push_back(p);
        int flags;
        StreamID id;
        p = cur.skip(p, &flags, &id);
      }
      for (size_t i = positions.size(); i-- > 0;) {
        int flags;
        StreamID id;
        cur.skip(positions[i], &flags, &id);
        if ((flags & kStreamFlagDeleted) || id > end) continue;
        if (id < start) return;
        cur.read(positions[i], &flags, &e, scratch);
        if (!fn(e)) return;
      }
    }
  }
}

// Loading: whether `lp` is a well-formed listpack laid out as a stream node (master entry,
// then entries whose fields match their counts and flags), with at least one entry.
bool streamValidateNode(std::string_view lp);

// Blocking (blocking.cpp): whether a client blocked in XREAD / XREADGROUP on `key` can be
// served now, and the key its re-run command must answer for (nullptr when not serving).
struct Client;
struct Db;
bool streamBlockedClientServes(Client& c, Db& db, const std::string& key);
void setStreamServingKey(const std::string* key);

// Parses "ms-seq", "ms" (seq = missing_seq), "-" and "+". With seq_star, "ms-*" is accepted
// (*seq_given = false). Returns false for anything else.
bool parseStreamID(std::string_view s, uint64_t missing_seq, StreamID* out, bool strict,
                   bool* seq_given);

}  // namespace osprey
