// server/t_set.cpp — the set type (see t_set.h) and its commands: SADD, SREM, SCARD,
// SISMEMBER, SMISMEMBER, SMEMBERS, SPOP, SRANDMEMBER, SMOVE, SINTER, SINTERCARD,
// SINTERSTORE, SUNION, SUNIONSTORE, SDIFF, SDIFFSTORE and SSCAN.
//
// Replies follow Redis's algorithms where they show: SINTER walks the smallest set (so an
// intset answers in ascending order), SUNION / SDIFF build their result in a fresh set that
// starts as an intset (so all-integer results come out sorted), SPOP and SRANDMEMBER pick
// between Redis's strategies by the same size ratios. Effects are replicated as Redis 7.0
// does: SPOP as SREM (one per popped member) or DEL when the whole set goes.
#include "server/t_set.h"

#include <algorithm>
#include <charconv>
#include <climits>
#include <unordered_set>

#include "common/config.h"
#include "common/util.h"
#include "server/db.h"
#include "server/server.h"
#include "server/t_hash.h"  // the SCAN-family helpers and dictFairRandom

namespace osprey {

// ==== SetValue ===============================================================

namespace {

bool memberAsInt(std::string_view s, int64_t* v) {
  long long ll;
  if (!string2ll(s, &ll)) return false;
  *v = ll;
  return true;
}

size_t intsetLimit() { return static_cast<size_t>(cfg().set_max_intset_entries); }

}  // namespace

SetValue::SetValue(bool intset) {
  if (!intset) table_ = std::make_unique<Table>();
}

std::string_view SetValue::formatInt(int64_t v, char* buf) {
  auto r = std::to_chars(buf, buf + 24, v);
  return std::string_view(buf, static_cast<size_t>(r.ptr - buf));
}

bool SetValue::add(std::string_view member) {
  if (!table_) {
    int64_t v;
    if (memberAsInt(member, &v)) {
      if (!ints_.insert(v)) return false;
      if (ints_.size() > intsetLimit()) convertToTable();
      return true;
    }
    convertToTable();
  }
  return table_->insert(member, '\0').second;
}

bool SetValue::remove(std::string_view member) {
  if (table_) return table_->erase(member);
  int64_t v;
  return memberAsInt(member, &v) && ints_.erase(v);
}

bool SetValue::contains(std::string_view member) const {
  if (table_) return table_->find(member) != nullptr;
  int64_t v;
  return memberAsInt(member, &v) && ints_.contains(v);
}

void SetValue::convertToTable() {
  if (table_) return;
  auto t = std::make_unique<Table>();
  char buf[24];
  for (size_t i = 0, n = ints_.size(); i < n; i++) t->insert(formatInt(ints_.at(i), buf), '\0');
  ints_.clear();
  table_ = std::move(t);
}

void SetValue::random(std::string* out) const {
  if (table_) {
    out->assign(dictFairRandom(*table_)->key);
    return;
  }
  char buf[24];
  out->assign(formatInt(ints_.at(dictRandom() % ints_.size()), buf));
}

std::string SetValue::popRandom() {
  if (table_) {
    std::string member(std::string_view(dictFairRandom(*table_)->key));
    table_->erase(member);
    return member;
  }
  size_t i = dictRandom() % ints_.size();
  char buf[24];
  std::string member(formatInt(ints_.at(i), buf));
  ints_.eraseAt(i);
  return member;
}

SetValue SetValue::clone() const {
  SetValue s(!table_);
  if (table_) {
    table_->forEach([&](Table::Entry& e) { s.table_->insert(e.key, '\0'); });
  } else {
    s.ints_ = ints_.clone();
  }
  return s;
}

Object createSetFor(std::string_view first_member) {
  int64_t v;
  return Object::makeSet(memberAsInt(first_member, &v));
}

bool setAdd(Object& o, std::string_view member) {
  bool added = o.set().add(member);
  o.encoding = o.set().encoding();
  return added;
}

static bool setRemove(Object& o, std::string_view member) { return o.set().remove(member); }

// ==== Single-set commands ====================================================

static void saddCommand(Client& c) {
  const std::string& key = c.arg(1);
  bool wrongtype;
  Object* o = lookupWriteOfType(c, key, ObjType::Set, &wrongtype);
  if (wrongtype) return;
  if (!o) o = dbAdd(*c.db, key, createSetFor(c.arg(2)));
  SetValue& s = o->set();
  long long added = 0;
  for (size_t j = 2; j < c.argc(); j++) added += s.add(c.arg(j));
  o->encoding = s.encoding();
  if (added) {
    signalModifiedKey(&c, *c.db, key);
    notifyKeyspaceEvent(NOTIFY_SET, "sadd", key, c.db->id);
  }
  server.dirty += added;
  c.r().integer(added);
}

static void sremCommand(Client& c) {
  const std::string& key = c.arg(1);
  bool wrongtype;
  Object* o = lookupWriteOfType(c, key, ObjType::Set, &wrongtype);
  if (wrongtype) return;
  if (!o) {
    c.r().integer(0);
    return;
  }
  long long deleted = 0;
  bool key_removed = false;
  for (size_t j = 2; j < c.argc(); j++) {
    if (!setRemove(*o, c.arg(j))) continue;
    deleted++;
    if (o->set().size() == 0) {
      dbDelete(*c.db, key);
      key_removed = true;
      break;
    }
  }
  if (deleted) {
    signalModifiedKey(&c, *c.db, key);
    notifyKeyspaceEvent(NOTIFY_SET, "srem", key, c.db->id);
    if (key_removed) notifyKeyspaceEvent(NOTIFY_GENERIC, "del", key, c.db->id);
    server.dirty += deleted;
  }
  c.r().integer(deleted);
}

// SMOVE source destination member. The source is looked at first: a missing source answers
// 0 whatever the destination holds.
static void smoveCommand(Client& c) {
  const std::string& src_key = c.arg(1);
  const std::string& dst_key = c.arg(2);
  const std::string& member = c.arg(3);
  Object* src = lookupKeyWrite(*c.db, src_key);
  Object* dst = lookupKeyWrite(*c.db, dst_key);
  if (!src) {
    c.r().integer(0);
    return;
  }
  if (src->type != ObjType::Set || (dst && dst->type != ObjType::Set)) {
    replyWrongType(c);
    return;
  }
  if (src == dst) {  // same key: a no-op that still answers membership
    c.r().integer(src->set().contains(member) ? 1 : 0);
    return;
  }
  if (!setRemove(*src, member)) {
    c.r().integer(0);
    return;
  }
  notifyKeyspaceEvent(NOTIFY_SET, "srem", src_key, c.db->id);
  if (src->set().size() == 0) {
    dbDelete(*c.db, src_key);
    notifyKeyspaceEvent(NOTIFY_GENERIC, "del", src_key, c.db->id);
  }
  if (!dst) dst = dbAdd(*c.db, dst_key, createSetFor(member));
  signalModifiedKey(&c, *c.db, src_key);
  server.dirty++;
  if (setAdd(*dst, member)) {
    server.dirty++;
    signalModifiedKey(&c, *c.db, dst_key);
    notifyKeyspaceEvent(NOTIFY_SET, "sadd", dst_key, c.db->id);
  }
  c.r().integer(1);
}

static void sismemberCommand(Client& c) {
  bool wrongtype;
  Object* o = lookupReadOfType(c, c.arg(1), ObjType::Set, &wrongtype);
  if (wrongtype) return;
  c.r().integer(o && o->set().contains(c.arg(2)) ? 1 : 0);
}

static void smismemberCommand(Client& c) {
  bool wrongtype;
  Object* o = lookupReadOfType(c, c.arg(1), ObjType::Set, &wrongtype);
  if (wrongtype) return;
  auto& r = c.r();
  r.arrayLen(c.argc() - 2);
  for (size_t j = 2; j < c.argc(); j++) r.integer(o && o->set().contains(c.arg(j)) ? 1 : 0);
}

static void scardCommand(Client& c) {
  bool wrongtype;
  Object* o = lookupReadOfType(c, c.arg(1), ObjType::Set, &wrongtype);
  if (wrongtype) return;
  c.r().integer(o ? static_cast<long long>(o->set().size()) : 0);
}

// ==== Set algebra ============================================================

namespace {

// Looks up the set keys argv[first, last); nullptr stands for a missing key. Replies
// WRONGTYPE and returns false when any key holds another type.
bool lookupSetsOrReply(Client& c, size_t first, size_t last, std::vector<Object*>* sets) {
  sets->clear();
  sets->reserve(last - first);
  for (size_t j = first; j < last; j++) {
    Object* o = lookupKeyRead(*c.db, c.arg(j));
    if (o && o->type != ObjType::Set) {
      replyWrongType(c);
      return false;
    }
    sets->push_back(o);
  }
  return true;
}

// Stores result under dst_key (or deletes dst_key when the result is empty) and replies
// its cardinality, with the bookkeeping of Redis's *STORE commands.
void storeSetResult(Client& c, const std::string& dst_key, Object&& result, const char* event) {
  size_t n = result.set().size();
  if (n > 0) {
    setKey(&c, *c.db, dst_key, std::move(result));
    c.r().integer(static_cast<long long>(n));
    notifyKeyspaceEvent(NOTIFY_SET, event, dst_key, c.db->id);
    server.dirty++;
  } else {
    c.r().integer(0);
    if (dbDelete(*c.db, dst_key)) {
      server.dirty++;
      signalModifiedKey(&c, *c.db, dst_key);
      notifyKeyspaceEvent(NOTIFY_GENERIC, "del", dst_key, c.db->id);
    }
  }
}

void replySetMembers(Client& c, SetValue& s) {
  auto& r = c.r();
  r.setLen(s.size());
  s.forEach([&](std::string_view m) { r.bulk(m); });
}

enum class SetOp { Union, Diff };

// SUNION / SDIFF of the sets (nullptr = empty) into a new set object that starts as an
// intset, exactly as Redis builds it (so its layout and iteration order follow Redis's).
Object unionDiff(std::vector<Object*>& sets, SetOp op) {
  Object result = Object::makeSet(true);
  bool sameset = false;  // a later key is the first one: the difference is empty
  for (size_t j = 1; j < sets.size(); j++)
    if (sets[j] && sets[j] == sets[0]) sameset = true;

  if (op == SetOp::Union) {
    for (Object* s : sets)
      if (s) s->set().forEach([&](std::string_view m) { setAdd(result, m); });
    return result;
  }
  if (!sets[0] || sameset) return result;

  // Two algorithms, chosen by estimated work as Redis does: (1) test each member of the
  // first set against the others; (2) copy the first set and remove the others' members.
  unsigned long long work1 = 0, work2 = 0;
  for (Object* s : sets) {
    if (!s) continue;
    work1 += sets[0]->set().size();
    work2 += s->set().size();
  }
  work1 /= 2;  // algorithm 1 has better constants
  if (work1 <= work2) {
    // Subtract the biggest sets first: members in common are found sooner.
    std::stable_sort(sets.begin() + 1, sets.end(), [](Object* a, Object* b) {
      return (a ? a->set().size() : 0) > (b ? b->set().size() : 0);
    });
    sets[0]->set().forEach([&](std::string_view m) {
      for (size_t j = 1; j < sets.size(); j++)
        if (sets[j] && sets[j]->set().contains(m)) return;
      setAdd(result, m);
    });
  } else {
    sets[0]->set().forEach([&](std::string_view m) { setAdd(result, m); });
    for (size_t j = 1; j < sets.size() && result.set().size() > 0; j++) {
      if (!sets[j]) continue;
      sets[j]->set().forEach([&](std::string_view m) { setRemove(result, m); });
    }
  }
  return result;
}

}  // namespace

// SINTER / SINTERSTORE / SINTERCARD / SMEMBERS over the keys argv[first, last).
// dst_key: store the result there; cardinality_only: reply just the count (stopping at
// `limit` when it is not 0).
static void sinterGeneric(Client& c, size_t first, size_t last, const std::string* dst_key,
                          bool cardinality_only, unsigned long long limit) {
  std::vector<Object*> sets;
  if (!lookupSetsOrReply(c, first, last, &sets)) return;
  auto& r = c.r();

  // Intersecting with an empty set is empty.
  if (std::find(sets.begin(), sets.end(), nullptr) != sets.end()) {
    if (dst_key) {
      if (dbDelete(*c.db, *dst_key)) {
        signalModifiedKey(&c, *c.db, *dst_key);
        notifyKeyspaceEvent(NOTIFY_GENERIC, "del", *dst_key, c.db->id);
        server.dirty++;
      }
      r.integer(0);
    } else if (cardinality_only) {
      r.integer(0);
    } else {
      r.setLen(0);
    }
    return;
  }

  // Walk the smallest set, testing each member against the others.
  std::stable_sort(sets.begin(), sets.end(),
                   [](Object* a, Object* b) { return a->set().size() < b->set().size(); });
  SetValue& smallest = sets[0]->set();
  if (sets.size() == 1 && !dst_key && !cardinality_only) {  // SMEMBERS, SINTER of one key
    replySetMembers(c, smallest);
    return;
  }
  auto inAll = [&](std::string_view m) {
    for (size_t j = 1; j < sets.size(); j++)
      if (sets[j] != sets[0] && !sets[j]->set().contains(m)) return false;
    return true;
  };

  if (cardinality_only) {
    unsigned long long n = 0;
    bool done = false;
    smallest.forEach([&](std::string_view m) {
      if (done || !inAll(m)) return;
      if (++n == limit) done = true;
    });
    r.integer(static_cast<long long>(n));
  } else if (dst_key) {
    Object result = Object::makeSet(true);
    smallest.forEach([&](std::string_view m) {
      if (inAll(m)) setAdd(result, m);
    });
    storeSetResult(c, *dst_key, std::move(result), "sinterstore");
  } else {
    Deferred len = r.deferLen();
    size_t n = 0;
    smallest.forEach([&](std::string_view m) {
      if (!inAll(m)) return;
      r.bulk(m);
      n++;
    });
    r.setDeferredSetLen(len, n);
  }
}

static void smembersCommand(Client& c) { sinterGeneric(c, 1, 2, nullptr, false, 0); }
static void sinterCommand(Client& c) { sinterGeneric(c, 1, c.argc(), nullptr, false, 0); }
static void sinterstoreCommand(Client& c) { sinterGeneric(c, 2, c.argc(), &c.arg(1), false, 0); }

// SINTERCARD numkeys key [key ...] [LIMIT limit]
static void sintercardCommand(Client& c) {
  long long numkeys;
  if (!getRangeLongOrReply(c, c.arg(1), 1, LLONG_MAX, &numkeys,
                           "ERR numkeys should be greater than 0"))
    return;
  if (numkeys > static_cast<long long>(c.argc()) - 2) {
    c.r().error("ERR Number of keys can't be greater than number of args");
    return;
  }
  size_t keys_end = 2 + static_cast<size_t>(numkeys);
  long long limit = 0;  // 0: no limit
  for (size_t j = keys_end; j < c.argc(); j++) {
    bool more = j + 1 < c.argc();
    if (more && equalsIgnoreCase(c.arg(j), "limit")) {
      j++;
      if (!getPositiveLongOrReply(c, c.arg(j), &limit, "ERR LIMIT can't be negative")) return;
    } else {
      replySyntaxError(c);
      return;
    }
  }
  sinterGeneric(c, 2, keys_end, nullptr, true, static_cast<unsigned long long>(limit));
}

// COMMAND GETKEYS for SINTERCARD: numkeys keys after the numkeys argument.
static std::vector<int> sintercardGetKeys(const std::vector<std::string>& argv) {
  long long n;
  if (argv.size() < 2 || !string2ll(argv[1], &n) || n < 0) return {};
  int count = static_cast<int>(n);
  int first = 2;
  int last = first + count - 1;
  if (count <= 0 || last >= static_cast<int>(argv.size())) return {};
  std::vector<int> keys;
  for (int i = first; i <= last; i++) keys.push_back(i);
  return keys;
}

static void unionDiffGeneric(Client& c, size_t first, const std::string* dst_key, SetOp op) {
  std::vector<Object*> sets;
  if (!lookupSetsOrReply(c, first, c.argc(), &sets)) return;
  Object result = unionDiff(sets, op);
  if (dst_key)
    storeSetResult(c, *dst_key, std::move(result),
                   op == SetOp::Union ? "sunionstore" : "sdiffstore");
  else
    replySetMembers(c, result.set());
}

static void sunionCommand(Client& c) { unionDiffGeneric(c, 1, nullptr, SetOp::Union); }
static void sunionstoreCommand(Client& c) { unionDiffGeneric(c, 2, &c.arg(1), SetOp::Union); }
static void sdiffCommand(Client& c) { unionDiffGeneric(c, 1, nullptr, SetOp::Diff); }
static void sdiffstoreCommand(Client& c) { unionDiffGeneric(c, 2, &c.arg(1), SetOp::Diff); }

// ==== Random members =========================================================

// SPOP with a count below this ratio of what stays pops members one by one; above it,
// the members that stay are drawn instead (Redis's CASE 2 / CASE 3).
constexpr unsigned long long kSpopMoveStrategyMul = 5;

static void spopWithCount(Client& c) {
  long long l;
  // Redis answers "must be positive" for a non-integer count too.
  if (!getPositiveLongOrReply(c, c.arg(2), &l, err::kPositive)) return;
  unsigned long long count = static_cast<unsigned long long>(l);
  const std::string& key = c.arg(1);
  bool wrongtype;
  Object* o = lookupWriteOfType(c, key, ObjType::Set, &wrongtype);
  if (wrongtype) return;
  auto& r = c.r();
  if (!o || count == 0) {
    r.setLen(0);
    return;
  }
  SetValue& s = o->set();
  unsigned long long size = s.size();
  notifyKeyspaceEvent(NOTIFY_SET, "spop", key, c.db->id);

  // CASE 1: everything goes. Replied like SUNION of the one set; replicated as DEL.
  if (count >= size) {
    server.dirty += static_cast<long long>(size);
    std::vector<Object*> one{o};
    Object all = unionDiff(one, SetOp::Union);
    replySetMembers(c, all.set());
    dbDelete(*c.db, key);
    notifyKeyspaceEvent(NOTIFY_GENERIC, "del", key, c.db->id);
    c.rewriteForPropagation({"DEL", key});
    signalModifiedKey(&c, *c.db, key);
    return;
  }

  // CASE 2 and 3 replicate one SREM per popped member instead of the SPOP.
  server.dirty += static_cast<long long>(count);
  r.setLen(count);
  unsigned long long remaining = size - count;
  if (remaining * kSpopMoveStrategyMul > count) {
    // CASE 2: few members go: pop them at random.
    while (count--) {
      std::string m = s.popRandom();
      r.bulk(m);
      propagate(c.db->id, {"SREM", key, std::move(m)});
    }
  } else {
    // CASE 3: most members go: draw the ones that stay into a new set, then hand out
    // whatever is left in the old one. The new set is laid out for its first member.
    Object kept;
    bool have_kept = false;
    std::string m;
    while (remaining--) {
      s.random(&m);
      if (!have_kept) {
        kept = createSetFor(m);
        have_kept = true;
      }
      setAdd(kept, m);
      s.remove(m);
    }
    s.forEach([&](std::string_view gone) {
      r.bulk(gone);
      propagate(c.db->id, {"SREM", key, std::string(gone)});
    });
    setKey(&c, *c.db, key, std::move(kept), true);
  }
  c.prevent_propagate = true;
  signalModifiedKey(&c, *c.db, key);
}

// SPOP key [count]. Without count, replicated as SREM key <member>.
static void spopCommand(Client& c) {
  if (c.argc() == 3) {
    spopWithCount(c);
    return;
  }
  if (c.argc() > 3) {
    replySyntaxError(c);
    return;
  }
  const std::string& key = c.arg(1);
  bool wrongtype;
  Object* o = lookupWriteOfType(c, key, ObjType::Set, &wrongtype);
  if (wrongtype) return;
  if (!o) {
    c.r().null();
    return;
  }
  std::string m = o->set().popRandom();
  notifyKeyspaceEvent(NOTIFY_SET, "spop", key, c.db->id);
  c.r().bulk(m);
  if (o->set().size() == 0) {
    dbDelete(*c.db, key);
    notifyKeyspaceEvent(NOTIFY_GENERIC, "del", key, c.db->id);
  }
  signalModifiedKey(&c, *c.db, key);
  server.dirty++;
  c.rewriteForPropagation({"SREM", key, std::move(m)});
}

// Below this ratio of set size to requested count, SRANDMEMBER copies the set and removes
// random members instead of drawing distinct ones (Redis's CASE 3).
constexpr unsigned long long kSrandmemberSubStrategyMul = 3;

static void srandmemberWithCount(Client& c) {
  long long l;
  if (!getRangeLongOrReply(c, c.arg(2), -LLONG_MAX, LLONG_MAX, &l)) return;
  bool uniq = l >= 0;
  unsigned long long count =
      uniq ? static_cast<unsigned long long>(l) : static_cast<unsigned long long>(-l);
  bool wrongtype;
  Object* o = lookupReadOfType(c, c.arg(1), ObjType::Set, &wrongtype);
  if (wrongtype) return;
  auto& r = c.r();
  if (!o || count == 0) {
    r.emptyArray();
    return;
  }
  SetValue& s = o->set();
  unsigned long long size = s.size();

  // CASE 1: negative count (repetitions allowed) or one member: independent draws.
  if (!uniq || count == 1) {
    r.arrayLen(count);
    std::string m;
    while (count--) {
      s.random(&m);
      r.bulk(m);
      if (c.close_asap) break;
    }
    return;
  }

  // CASE 2: the whole set.
  if (count >= size) {
    r.arrayLen(size);
    s.forEach([&](std::string_view m) { r.bulk(m); });
    return;
  }

  r.arrayLen(count);
  // CASE 3: most of the set: copy it, then drop random members.
  if (count * kSrandmemberSubStrategyMul > size) {
    std::vector<std::string> all;
    all.reserve(size);
    s.forEach([&](std::string_view m) { all.emplace_back(m); });
    while (all.size() > count) {
      size_t i = dictRandom() % all.size();
      all[i] = std::move(all.back());
      all.pop_back();
    }
    for (const auto& m : all) r.bulk(m);
    return;
  }

  // CASE 4: few members out of many: draw until enough distinct ones were seen.
  std::unordered_set<std::string> picked;
  picked.reserve(count);
  std::string m;
  while (picked.size() < count) {
    s.random(&m);
    if (picked.insert(m).second) r.bulk(m);
  }
}

// SRANDMEMBER key [count]
static void srandmemberCommand(Client& c) {
  if (c.argc() == 3) {
    srandmemberWithCount(c);
    return;
  }
  if (c.argc() > 3) {
    replySyntaxError(c);
    return;
  }
  bool wrongtype;
  Object* o = lookupReadOfType(c, c.arg(1), ObjType::Set, &wrongtype);
  if (wrongtype) return;
  if (!o) {
    c.r().null();
    return;
  }
  std::string m;
  o->set().random(&m);
  c.r().bulk(m);
}

// ==== SSCAN ==================================================================

// SSCAN key cursor [MATCH pattern] [COUNT count]. An intset is returned whole in one call
// with cursor 0; a hashtable is walked bucket by bucket.
static void sscanCommand(Client& c) {
  uint64_t cursor;
  if (!parseScanCursorOrReply(c, c.arg(2), &cursor)) return;
  bool wrongtype;
  Object* o = lookupReadOfType(c, c.arg(1), ObjType::Set, &wrongtype);
  if (wrongtype) return;
  auto& r = c.r();
  if (!o) {
    r.arrayLen(2);
    r.bulk("0");
    r.arrayLen(0);
    return;
  }
  ScanOptions opts;
  if (!parseScanOptionsOrReply(c, 3, false, &opts)) return;

  SetValue& s = o->set();
  if (s.isIntset()) {
    std::vector<int64_t> found;
    char buf[24];
    const IntSet& ints = s.ints();
    for (size_t i = 0, n = ints.size(); i < n; i++) {
      int64_t v = ints.at(i);
      if (!opts.pattern || stringmatch(*opts.pattern, SetValue::formatInt(v, buf)))
        found.push_back(v);
    }
    r.arrayLen(2);
    r.bulk("0");
    r.arrayLen(found.size());
    for (int64_t v : found) r.bulkInt(v);
    return;
  }
  std::vector<const ShortStr*> found;
  cursor = scanDictSteps(s.table(), cursor, opts.count, 1, [&](SetValue::Table::Entry& e) {
    if (!opts.pattern || stringmatch(*opts.pattern, e.key)) found.push_back(&e.key);
  });
  r.arrayLen(2);
  r.bulk(ull2string(cursor));
  r.arrayLen(found.size());
  for (const ShortStr* m : found) r.bulk(*m);
}

// ==== Table ==================================================================

static const char* const kSetAlgebraComplexity =
    "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of "
    "sets.";
static const char* const kSetUnionDiffComplexity =
    "O(N) where N is the total number of elements in all given sets.";

static const CommandRow kSetRows[] = {
    {"sadd", -3, "write denyoom fast", "@write @set @fast", 1, 1, 1, saddCommand, "set", "1.0.0",
     "Add one or more members to a set",
     "O(1) for each element added, so O(N) to add N elements when the command is called with "
     "multiple arguments."},
    {"srem", -3, "write fast", "@write @set @fast", 1, 1, 1, sremCommand, "set", "1.0.0",
     "Remove one or more members from a set",
     "O(N) where N is the number of members to be removed."},
    {"scard", 2, "readonly fast", "@read @set @fast", 1, 1, 1, scardCommand, "set", "1.0.0",
     "Get the number of members in a set", "O(1)"},
    {"sismember", 3, "readonly fast", "@read @set @fast", 1, 1, 1, sismemberCommand, "set", "1.0.0",
     "Determine if a given value is a member of a set", "O(1)"},
    {"smismember", -3, "readonly fast", "@read @set @fast", 1, 1, 1, smismemberCommand, "set",
     "6.2.0", "Returns the membership associated with the given elements for a set",
     "O(N) where N is the number of elements being checked for membership"},
    {"smembers", 2, "readonly", "@read @set @slow", 1, 1, 1, smembersCommand, "set", "1.0.0",
     "Get all the members in a set", "O(N) where N is the set cardinality.",
     "nondeterministic_output_order"},
    {"spop", -2, "write fast", "@write @set @fast", 1, 1, 1, spopCommand, "set", "1.0.0",
     "Remove and return one or multiple random members from a set",
     "Without the count argument O(1), otherwise O(N) where N is the value of the passed count.",
     "nondeterministic_output"},
    {"srandmember", -2, "readonly", "@read @set @slow", 1, 1, 1, srandmemberCommand, "set", "1.0.0",
     "Get one or multiple random members from a set",
     "Without the count argument O(1), otherwise O(N) where N is the absolute value of the "
     "passed count.",
     "nondeterministic_output"},
    {"smove", 4, "write fast", "@write @set @fast", 1, 2, 1, smoveCommand, "set", "1.0.0",
     "Move a member from one set to another", "O(1)"},
    {"sinter", -2, "readonly", "@read @set @slow", 1, -1, 1, sinterCommand, "set", "1.0.0",
     "Intersect multiple sets", kSetAlgebraComplexity, "nondeterministic_output_order"},
    {"sintercard", -3, "readonly", "@read @set @slow", 0, 0, 0, sintercardCommand, "set", "7.0.0",
     "Intersect multiple sets and return the cardinality of the result", kSetAlgebraComplexity, "",
     sintercardGetKeys},
    {"sinterstore", -3, "write denyoom", "@write @set @slow", 1, -1, 1, sinterstoreCommand, "set",
     "1.0.0", "Intersect multiple sets and store the resulting set in a key",
     kSetAlgebraComplexity},
    {"sunion", -2, "readonly", "@read @set @slow", 1, -1, 1, sunionCommand, "set", "1.0.0",
     "Add multiple sets", kSetUnionDiffComplexity, "nondeterministic_output_order"},
    {"sunionstore", -3, "write denyoom", "@write @set @slow", 1, -1, 1, sunionstoreCommand, "set",
     "1.0.0", "Add multiple sets and store the resulting set in a key", kSetUnionDiffComplexity},
    {"sdiff", -2, "readonly", "@read @set @slow", 1, -1, 1, sdiffCommand, "set", "1.0.0",
     "Subtract multiple sets", kSetUnionDiffComplexity, "nondeterministic_output_order"},
    {"sdiffstore", -3, "write denyoom", "@write @set @slow", 1, -1, 1, sdiffstoreCommand, "set",
     "1.0.0", "Subtract multiple sets and store the resulting set in a key",
     kSetUnionDiffComplexity},
    {"sscan", -3, "readonly", "@read @set @slow", 1, 1, 1, sscanCommand, "set", "2.8.0",
     "Incrementally iterate Set elements",
     "O(1) for every call. O(N) for a complete iteration, including enough command calls for "
     "the cursor to return back to 0. N is the number of elements inside the collection..",
     "nondeterministic_output"},
};

CommandRows setCommands() { return {kSetRows, sizeof(kSetRows) / sizeof(kSetRows[0])}; }

}  // namespace osprey
