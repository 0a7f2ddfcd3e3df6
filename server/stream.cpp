// server/stream.cpp — the stream data structure (see t_stream.h): appending, deleting and
// trimming entries inside Redis-layout listpack nodes, range walks, consumer groups and the
// entries-read / lag arithmetic of Redis 7.0.
#include <algorithm>
#include <cstring>

#include "common/config.h"
#include "common/util.h"
#include "server/t_stream.h"

namespace osprey {

// ==== IDs ======================================================================

bool StreamID::incr() {
  if (seq == UINT64_MAX) {
    if (ms == UINT64_MAX) return false;
    ms++;
    seq = 0;
  } else {
    seq++;
  }
  return true;
}

bool StreamID::decr() {
  if (seq == 0) {
    if (ms == 0) return false;
    ms--;
    seq = UINT64_MAX;
  } else {
    seq--;
  }
  return true;
}

std::string StreamID::str() const {
  char buf[48];
  int n = snprintf(buf, sizeof buf, "%llu-%llu", static_cast<unsigned long long>(ms),
                   static_cast<unsigned long long>(seq));
  return std::string(buf, static_cast<size_t>(n));
}

void StreamID::encode(uint8_t out[16]) const {
  for (int i = 0; i < 8; i++) {
    out[i] = static_cast<uint8_t>(ms >> (56 - 8 * i));
    out[8 + i] = static_cast<uint8_t>(seq >> (56 - 8 * i));
  }
}

StreamID StreamID::decode(const uint8_t in[16]) {
  StreamID id;
  for (int i = 0; i < 8; i++) {
    id.ms = (id.ms << 8) | in[i];
    id.seq = (id.seq << 8) | in[8 + i];
  }
  return id;
}

// Redis reads the two halves with string2ull: a strict integer, or else strtoull's forms.
static bool parseU64(std::string_view s, uint64_t* out) {
  unsigned long long v;
  if (!string2ull(s, &v)) return false;
  *out = v;
  return true;
}

bool parseStreamID(std::string_view s, uint64_t missing_seq, StreamID* out, bool strict,
                   bool* seq_given) {
  if (seq_given) *seq_given = true;
  if (s.size() > 127) return false;
  if (!strict && s == "-") {
    *out = StreamID{0, 0};
    return true;
  }
  if (!strict && s == "+") {
    *out = StreamID::max();
    return true;
  }
  size_t dash = s.find('-');
  if (dash == std::string_view::npos) {
    if (!parseU64(s, &out->ms)) return false;
    out->seq = missing_seq;
    return true;
  }
  if (!parseU64(s.substr(0, dash), &out->ms)) return false;
  std::string_view rest = s.substr(dash + 1);
  if (seq_given && rest == "*") {
    out->seq = 0;
    *seq_given = false;
    return true;
  }
  return parseU64(rest, &out->seq);
}

// ==== Node walking =============================================================

StreamNodeCursor::StreamNodeCursor(StreamID m, const Listpack& l) : lp(&l), master(m) {
  size_t p = l.first();
  p = l.next(p);  // count
  p = l.next(p);  // deleted
  long long nf = l.getInt(p);
  p = l.next(p);
  master_fields.reserve(static_cast<size_t>(nf));
  for (long long i = 0; i < nf; i++) {
    master_fields.push_back(p);
    p = l.next(p);
  }
  first_entry = l.next(p);  // the master entry's 0 terminator
}

size_t StreamNodeCursor::skip(size_t p, int* flags, StreamID* id) const {
  *flags = static_cast<int>(lp->getInt(p));
  p = lp->next(p);
  id->ms = master.ms + static_cast<uint64_t>(lp->getInt(p));
  p = lp->next(p);
  id->seq = master.seq + static_cast<uint64_t>(lp->getInt(p));
  p = lp->next(p);
  size_t to_skip;
  if (*flags & kStreamFlagSameFields) {
    to_skip = master_fields.size();
  } else {
    to_skip = static_cast<size_t>(lp->getInt(p)) * 2;
    p = lp->next(p);
  }
  while (to_skip--) p = lp->next(p);
  return lp->next(p);  // lp-count
}

size_t StreamNodeCursor::read(size_t p, int* flags, StreamEntry* e,
                              std::vector<std::array<char, 24>>& scratch) const {
  *flags = static_cast<int>(lp->getInt(p));
  p = lp->next(p);
  e->id.ms = master.ms + static_cast<uint64_t>(lp->getInt(p));
  p = lp->next(p);
  e->id.seq = master.seq + static_cast<uint64_t>(lp->getInt(p));
  p = lp->next(p);
  e->fields.clear();
  bool same = *flags & kStreamFlagSameFields;
  size_t nf;
  if (same) {
    nf = master_fields.size();
  } else {
    nf = static_cast<size_t>(lp->getInt(p));
    p = lp->next(p);
  }
  if (scratch.size() < nf * 2) scratch.resize(nf * 2);
  for (size_t i = 0; i < nf; i++) {
    std::string_view f, v;
    if (same) {
      f = lp->get(master_fields[i]).text(scratch[2 * i].data());
    } else {
      f = lp->get(p).text(scratch[2 * i].data());
      p = lp->next(p);
    }
    v = lp->get(p).text(scratch[2 * i + 1].data());
    p = lp->next(p);
    e->fields.emplace_back(f, v);
  }
  return lp->next(p);
}

// ==== Appending ==================================================================

bool StreamValue::nextId(const StreamID* ms_only, StreamID* out) const {
  if (!ms_only) {
    uint64_t now = static_cast<uint64_t>(mstime());
    if (now > last_id.ms) {
      *out = StreamID{now, 0};
      return true;
    }
    *out = last_id;
    return out->incr();
  }
  if (ms_only->ms == last_id.ms) {
    if (last_id.seq == UINT64_MAX) return false;
    *out = StreamID{last_id.ms, last_id.seq + 1};
    return true;
  }
  *out = StreamID{ms_only->ms, 0};
  return *out > last_id;
}

void StreamValue::append(StreamID id, const std::vector<std::string_view>& fv) {
  size_t numfields = fv.size() / 2;
  size_t totelelen = 0;
  for (auto s : fv) totelelen += s.size();

  Listpack* lp = nullptr;
  StreamID master;
  if (!nodes_.empty()) {
    auto last = std::prev(nodes_.end());
    lp = &last->second;
    master = last->first;
    size_t max_bytes = static_cast<size_t>(cfg().stream_node_max_bytes);
    if (max_bytes == 0 || max_bytes > (1u << 30)) max_bytes = 1u << 30;
    bool new_node = false;
    if (lp->size() + totelelen >= max_bytes) {
      new_node = true;
    } else if (cfg().stream_node_max_entries) {
      size_t p = lp->first();
      long long count = lp->getInt(p) + lp->getInt(lp->next(p));
      if (count >= cfg().stream_node_max_entries) new_node = true;
    }
    if (new_node) {
      lp->raw().shrink_to_fit();  // a node is never appended to again
      lp = nullptr;
    }
  }

  int flags = kStreamFlagNone;
  if (!lp) {
    master = id;
    lp = &nodes_[id];
    lp->appendInt(1);
    lp->appendInt(0);
    lp->appendInt(static_cast<long long>(numfields));
    for (size_t i = 0; i < numfields; i++) lp->appendString(fv[2 * i]);
    lp->appendInt(0);
    flags |= kStreamFlagSameFields;
  } else {
    size_t p = lp->first();
    lp->replaceInt(p, lp->getInt(p) + 1);
    p = lp->next(p);  // deleted
    p = lp->next(p);  // master num-fields
    long long mf = lp->getInt(p);
    p = lp->next(p);
    if (static_cast<size_t>(mf) == numfields) {
      size_t i = 0;
      char buf[24];
      for (; i < numfields; i++) {
        if (lp->get(p).text(buf) != fv[2 * i]) break;
        p = lp->next(p);
      }
      if (i == numfields) flags |= kStreamFlagSameFields;
    }
  }

  lp->appendInt(flags);
  lp->appendInt(static_cast<long long>(id.ms - master.ms));
  lp->appendInt(static_cast<long long>(id.seq - master.seq));
  if (!(flags & kStreamFlagSameFields)) lp->appendInt(static_cast<long long>(numfields));
  for (size_t i = 0; i < numfields; i++) {
    if (!(flags & kStreamFlagSameFields)) lp->appendString(fv[2 * i]);
    lp->appendString(fv[2 * i + 1]);
  }
  long long lp_count = static_cast<long long>(numfields) + 3;
  if (!(flags & kStreamFlagSameFields)) lp_count += static_cast<long long>(numfields) + 1;
  lp->appendInt(lp_count);

  length_++;
  entries_added++;
  last_id = id;
  if (length_ == 1) first_id = id;
}

// ==== Deleting and trimming ======================================================

// Updates a node's master counters after `n` entries were marked deleted.
static void markDeleted(Listpack& lp, long long n) {
  size_t p = lp.first();
  lp.replaceInt(p, lp.getInt(p) - n);
  p = lp.next(p);
  lp.replaceInt(p, lp.getInt(p) + n);
}

bool StreamValue::remove(StreamID id) {
  auto it = nodes_.upper_bound(id);
  if (it == nodes_.begin()) return false;
  --it;
  Listpack& lp = it->second;
  StreamNodeCursor cur(it->first, lp);
  for (size_t p = cur.first_entry; !lp.atEnd(p);) {
    int flags;
    StreamID eid;
    size_t nextp = cur.skip(p, &flags, &eid);
    if (eid > id) return false;
    if (eid == id) {
      if (flags & kStreamFlagDeleted) return false;
      lp.replaceInt(p, flags | kStreamFlagDeleted);  // one byte either way
      if (lp.getInt(lp.first()) == 1) {
        nodes_.erase(it);
      } else {
        markDeleted(lp, 1);
      }
      length_--;
      return true;
    }
    p = nextp;
  }
  return false;
}

long long StreamValue::trim(const TrimArgs& a) {
  if (a.strategy == Trim::None) return 0;
  long long deleted = 0;
  auto it = nodes_.begin();
  while (it != nodes_.end()) {
    if (a.strategy == Trim::MaxLen && length_ <= static_cast<uint64_t>(a.maxlen)) break;
    Listpack& lp = it->second;
    long long entries = lp.getInt(lp.first());
    if (a.limit && deleted + entries > a.limit) break;

    bool remove_node;
    if (a.strategy == Trim::MaxLen) {
      remove_node = length_ - static_cast<uint64_t>(entries) >= static_cast<uint64_t>(a.maxlen);
    } else {
      // The node's last entry (deleted or not) decides.
      StreamNodeCursor cur(it->first, lp);
      StreamID last;
      for (size_t p = cur.first_entry; !lp.atEnd(p);) {
        int flags;
        p = cur.skip(p, &flags, &last);
      }
      remove_node = last < a.minid;
    }
    if (remove_node) {
      length_ -= static_cast<uint64_t>(entries);
      deleted += entries;
      it = nodes_.erase(it);
      continue;
    }
    if (a.approx) break;

    // Mark entries deleted from the node's head until the condition holds.
    StreamNodeCursor cur(it->first, lp);
    long long from_lp = 0;
    for (size_t p = cur.first_entry; !lp.atEnd(p);) {
      int flags;
      StreamID id;
      size_t nextp = cur.skip(p, &flags, &id);
      bool stop = a.strategy == Trim::MaxLen ? length_ <= static_cast<uint64_t>(a.maxlen)
                                              : id >= a.minid;
      if (stop) break;
      if (!(flags & kStreamFlagDeleted)) {
        lp.replaceInt(p, flags | kStreamFlagDeleted);
        from_lp++;
        length_--;
      }
      p = nextp;
    }
    deleted += from_lp;
    markDeleted(lp, from_lp);
    break;  // the rest of the stream is past the trim point
  }
  if (length_ == 0) {
    first_id = StreamID{};
  } else {
    firstLiveId(&first_id);
  }
  return deleted;
}

bool StreamValue::exists(StreamID id) const {
  bool found = false;
  range(id, id, false, [&](const StreamEntry&) {
    found = true;
    return false;
  });
  return found;
}

bool StreamValue::firstLiveId(StreamID* out) const {
  if (nodes_.empty()) return false;
  auto it = nodes_.begin();
  StreamNodeCursor cur(it->first, it->second);
  for (size_t p = cur.first_entry; !it->second.atEnd(p);) {
    int flags;
    StreamID id;
    p = cur.skip(p, &flags, &id);
    if (!(flags & kStreamFlagDeleted)) {
      *out = id;
      return true;
    }
  }
  return false;
}

bool StreamValue::lastLiveId(StreamID* out) const {
  // Walks the last node backwards: each entry ends with its element count (lp-count), so
  // the newest live entry is found without decoding the node from its start.
  for (auto it = nodes_.rbegin(); it != nodes_.rend(); ++it) {
    const Listpack& lp = it->second;
    StreamNodeCursor cur(it->first, lp);
    size_t p = lp.size() - 1;  // the terminator
    while (p > cur.first_entry) {
      size_t q = lp.prev(p);
      long long elems = lp.getInt(q);
      for (long long i = 0; i < elems; i++) q = lp.prev(q);
      int flags;
      StreamID id;
      cur.skip(q, &flags, &id);
      if (!(flags & kStreamFlagDeleted)) {
        *out = id;
        return true;
      }
      p = q;
    }
  }
  return false;
}

// ==== Groups =====================================================================

StreamConsumer* StreamCG::lookupConsumer(std::string_view name) const {
  auto it = consumers.find(std::string(name));
  return it == consumers.end() ? nullptr : it->second.get();
}

StreamConsumer* StreamCG::createConsumer(std::string_view name, long long now_ms) {
  auto [it, inserted] = consumers.try_emplace(std::string(name));
  if (!inserted) return nullptr;
  it->second = std::make_unique<StreamConsumer>();
  it->second->name = std::string(name);
  it->second->seen_time = now_ms;
  return it->second.get();
}

size_t StreamCG::deleteConsumer(std::string_view name) {
  auto it = consumers.find(std::string(name));
  if (it == consumers.end()) return 0;
  size_t pending = it->second->pel.size();
  for (auto& [id, nack] : it->second->pel) pel.erase(id);
  consumers.erase(it);
  return pending;
}

StreamCG* StreamValue::lookupGroup(std::string_view name) const {
  auto it = groups_.find(std::string(name));
  return it == groups_.end() ? nullptr : it->second.get();
}

StreamCG* StreamValue::createGroup(std::string_view name, StreamID last, long long entries_read) {
  auto [it, inserted] = groups_.try_emplace(std::string(name));
  if (!inserted) return nullptr;
  it->second = std::make_unique<StreamCG>();
  it->second->last_id = last;
  it->second->entries_read = entries_read;
  return it->second.get();
}

bool StreamValue::destroyGroup(std::string_view name) {
  return groups_.erase(std::string(name)) > 0;
}

long long StreamValue::estimateDistance(StreamID id) const {
  if (!entries_added) return 0;
  if (!length_ && id <= last_id) return static_cast<long long>(entries_added);
  if (id == last_id) return static_cast<long long>(entries_added);
  if (id > last_id) return kInvalidEntriesRead;
  if (max_deleted_entry_id.isZero() || max_deleted_entry_id < first_id) {
    if (id < first_id) return static_cast<long long>(entries_added - length_);
    if (id == first_id) return static_cast<long long>(entries_added - length_ + 1);
  }
  return kInvalidEntriesRead;
}

bool StreamValue::rangeHasTombstones(StreamID start, StreamID end) const {
  if (!length_ || max_deleted_entry_id.isZero()) return false;
  if (first_id > max_deleted_entry_id) return false;
  return start <= max_deleted_entry_id && max_deleted_entry_id <= end;
}

long long StreamValue::groupLag(const StreamCG& g) const {
  if (!entries_added) return 0;
  if (g.entries_read != kInvalidEntriesRead && !rangeHasTombstones(g.last_id, StreamID::max()))
    return static_cast<long long>(entries_added) - g.entries_read;
  long long read = estimateDistance(g.last_id);
  if (read != kInvalidEntriesRead) return static_cast<long long>(entries_added) - read;
  return -1;
}

// ==== Validation =================================================================

bool streamValidateNode(std::string_view bytes) {
  size_t n;
  if (!Listpack::validate(bytes, &n) || n == 0) return false;
  Listpack lp{std::string(bytes)};
  size_t p = lp.first();
  auto takeInt = [&](long long* v) {
    if (lp.atEnd(p)) return false;
    Listpack::Elem e = lp.get(p);
    if (!e.is_int) return false;
    *v = e.ival;
    p = lp.next(p);
    return true;
  };
  auto skip = [&](long long k) {
    for (long long i = 0; i < k; i++) {
      if (lp.atEnd(p)) return false;
      p = lp.next(p);
    }
    return true;
  };
  long long count, deleted, mf, zero;
  if (!takeInt(&count) || !takeInt(&deleted) || !takeInt(&mf)) return false;
  if (count < 0 || deleted < 0 || mf < 0 || static_cast<size_t>(mf) > n) return false;
  if (!skip(mf) || !takeInt(&zero) || zero != 0) return false;
  long long live = 0, dead = 0;
  while (!lp.atEnd(p)) {
    long long flags, msd, seqd, nf, lpcount;
    if (!takeInt(&flags) || !takeInt(&msd) || !takeInt(&seqd)) return false;
    if (flags & ~(kStreamFlagDeleted | kStreamFlagSameFields)) return false;
    if (flags & kStreamFlagSameFields) {
      nf = mf;
      if (!skip(nf)) return false;
    } else {
      if (!takeInt(&nf) || nf < 0 || static_cast<size_t>(nf) > n) return false;
      if (!skip(2 * nf)) return false;
    }
    if (!takeInt(&lpcount)) return false;
    long long expect = nf + 3 + ((flags & kStreamFlagSameFields) ? 0 : nf + 1);
    if (lpcount != expect) return false;
    ((flags & kStreamFlagDeleted) ? dead : live)++;
  }
  return live == count && dead == deleted && live + dead > 0;
}

// ==== Copying, loading, memory ===================================================

std::unique_ptr<StreamValue> StreamValue::clone() const {
  auto s = std::make_unique<StreamValue>();
  s->nodes_ = nodes_;
  s->length_ = length_;
  s->last_id = last_id;
  s->first_id = first_id;
  s->max_deleted_entry_id = max_deleted_entry_id;
  s->entries_added = entries_added;
  for (const auto& [name, g] : groups_) {
    StreamCG* ng = s->createGroup(name, g->last_id, g->entries_read);
    for (const auto& [cname, cons] : g->consumers) {
      StreamConsumer* nc = ng->createConsumer(cname, cons->seen_time);
      for (const auto& [id, nack] : cons->pel) {
        StreamNACK& n = ng->pel[id];
        n = *nack;
        n.consumer = nc;
        nc->pel[id] = &n;
      }
    }
  }
  return s;
}

void StreamValue::loadNode(StreamID master, Listpack lp) {
  length_ += static_cast<uint64_t>(lp.getInt(lp.first()));
  nodes_.emplace(master, std::move(lp));
}

size_t StreamValue::memoryUsage() const {
  // Our own layout: one tree node per listpack plus the listpack's buffer.
  size_t n = sizeof(StreamValue);
  for (const auto& [id, lp] : nodes_) n += 64 + lp.raw_capacity();
  for (const auto& [name, g] : groups_) {
    n += sizeof(StreamCG) + 64 + name.size();
    n += g->pel.size() * (sizeof(StreamNACK) + 64);
    for (const auto& [cname, c] : g->consumers)
      n += sizeof(StreamConsumer) + 64 + cname.size() + c->pel.size() * 64;
  }
  return n;
}

}  // namespace osprey
