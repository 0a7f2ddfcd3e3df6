// server/t_hash.cpp — the hash type (see t_hash.h) and its commands: HSET, HSETNX, HMSET,
// HGET, HMGET, HDEL, HLEN, HSTRLEN, HEXISTS, HKEYS, HVALS, HGETALL, HINCRBY, HINCRBYFLOAT,
// HRANDFIELD and HSCAN; plus the SCAN-family helpers shared with SSCAN and ZSCAN.
//
// Every write follows Redis's bookkeeping: the "hset" / "hdel" / "hincrby" /
// "hincrbyfloat" keyspace events, "del" when the last field goes (no empty hash key ever
// exists), signalModifiedKey for WATCH, and server.dirty counted as Redis counts it.
#include "server/t_hash.h"

#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <unordered_set>

#include "common/config.h"
#include "common/util.h"
#include "server/db.h"
#include "server/server.h"

namespace osprey {

// ==== HashValue ==============================================================

namespace {
constexpr size_t kNpos = static_cast<size_t>(-1);

size_t listpackValueLimit() { return static_cast<size_t>(cfg().hash_max_listpack_value); }
size_t listpackEntriesLimit() { return static_cast<size_t>(cfg().hash_max_listpack_entries); }
}  // namespace

size_t HashValue::fieldPos(std::string_view field) const {
  for (size_t p = 0, e = lp_.bytes(); p < e; p = lp_.next(lp_.next(p)))
    if (lp_.equals(p, field)) return p;
  return kNpos;
}

bool HashValue::get(std::string_view field, std::string_view* out, Scratch& s) const {
  if (table_) {
    auto* e = table_->find(field);
    if (!e) return false;
    *out = e->value;
    return true;
  }
  size_t p = fieldPos(field);
  if (p == kNpos) return false;
  *out = lp_.get(lp_.next(p), s);
  return true;
}

bool HashValue::contains(std::string_view field) const {
  return table_ ? table_->find(field) != nullptr : fieldPos(field) != kNpos;
}

bool HashValue::set(std::string_view field, std::string_view value) {
  if (!table_ && (field.size() > listpackValueLimit() || value.size() > listpackValueLimit()))
    convertToTable();
  if (table_) {
    auto [e, inserted] = table_->insert(field, value);
    if (!inserted) e->value.assign(value);
    return inserted;
  }
  size_t p = fieldPos(field);
  if (p != kNpos) {
    lp_.replace(lp_.next(p), value);  // updated in place: keeps its position
    return false;
  }
  lp_.pushBack(field);
  lp_.pushBack(value);
  if (size() > listpackEntriesLimit()) convertToTable();
  return true;
}

bool HashValue::erase(std::string_view field) {
  if (table_) return table_->erase(field);
  size_t p = fieldPos(field);
  if (p == kNpos) return false;
  lp_.erase(p, 2);
  return true;
}

void HashValue::convertIfAnyTooLong(const std::vector<std::string>& args, size_t from, size_t to) {
  if (table_) return;
  for (size_t i = from; i < to; i++) {
    if (args[i].size() > listpackValueLimit()) {
      convertToTable();
      return;
    }
  }
}

void HashValue::convertToTable() {
  if (table_) return;
  auto t = std::make_unique<Table>();
  forEach([&](std::string_view f, std::string_view v) { t->insert(f, v); });
  lp_ = PackedBuf();
  table_ = std::move(t);
}

void HashValue::pairAt(size_t i, std::string_view* field, std::string_view* value, Scratch& sf,
                       Scratch& sv) const {
  size_t p = 0;
  while (i--) p = lp_.next(lp_.next(p));
  *field = lp_.get(p, sf);
  *value = lp_.get(lp_.next(p), sv);
}

void HashValue::random(std::string_view* field, std::string_view* value, Scratch& sf,
                       Scratch& sv) const {
  if (table_) {
    auto* e = dictFairRandom(*table_);
    *field = e->key;
    *value = e->value;
    return;
  }
  pairAt(dictRandom() % size(), field, value, sf, sv);
}

HashValue HashValue::clone() const {
  HashValue h;
  if (table_) {
    h.table_ = std::make_unique<Table>();
    table_->forEach([&](Table::Entry& e) { h.table_->insert(e.key, e.value); });
  } else {
    h.lp_ = lp_.clone();
  }
  return h;
}

bool hashSet(Object& o, std::string_view field, std::string_view value) {
  bool added = o.hash().set(field, value);
  o.encoding = o.hash().encoding();
  return added;
}

// ==== Commands ===============================================================

namespace {

// The hash at key for writing, created empty when missing. nullptr (WRONGTYPE replied)
// when key holds another type.
Object* hashLookupWriteOrCreate(Client& c, const std::string& key) {
  bool wrongtype;
  Object* o = lookupWriteOfType(c, key, ObjType::Hash, &wrongtype);
  if (wrongtype) return nullptr;
  if (!o) o = dbAdd(*c.db, key, Object::makeHash());
  return o;
}

// Bookkeeping of a write that changed `changes` fields of the hash at key.
void hashModified(Client& c, const std::string& key, const char* event, long long changes) {
  signalModifiedKey(&c, *c.db, key);
  notifyKeyspaceEvent(NOTIFY_HASH, event, key, c.db->id);
  server.dirty += changes;
}

}  // namespace

// HSET key field value [field value ...] / HMSET (same, answering +OK).
static void hsetGeneric(Client& c, bool hmset) {
  if (c.argc() % 2 == 1) {
    replyWrongArity(c);
    return;
  }
  const std::string& key = c.arg(1);
  Object* o = hashLookupWriteOrCreate(c, key);
  if (!o) return;
  HashValue& h = o->hash();
  h.convertIfAnyTooLong(c.argv, 2, c.argc());
  long long created = 0;
  for (size_t i = 2; i < c.argc(); i += 2) created += h.set(c.arg(i), c.arg(i + 1));
  o->encoding = h.encoding();
  if (hmset)
    c.r().ok();
  else
    c.r().integer(created);
  hashModified(c, key, "hset", static_cast<long long>(c.argc() - 2) / 2);
}

static void hsetCommand(Client& c) { hsetGeneric(c, false); }
static void hmsetCommand(Client& c) { hsetGeneric(c, true); }

static void hsetnxCommand(Client& c) {
  const std::string& key = c.arg(1);
  Object* o = hashLookupWriteOrCreate(c, key);
  if (!o) return;
  HashValue& h = o->hash();
  if (h.contains(c.arg(2))) {
    c.r().integer(0);
    return;
  }
  hashSet(*o, c.arg(2), c.arg(3));
  c.r().integer(1);
  hashModified(c, key, "hset", 1);
}

static void hgetCommand(Client& c) {
  bool wrongtype;
  Object* o = lookupReadOfType(c, c.arg(1), ObjType::Hash, &wrongtype);
  if (wrongtype) return;
  HashValue::Scratch s;
  std::string_view v;
  if (o && o->hash().get(c.arg(2), &v, s))
    c.r().bulk(v);
  else
    c.r().null();
}

static void hmgetCommand(Client& c) {
  bool wrongtype;
  Object* o = lookupReadOfType(c, c.arg(1), ObjType::Hash, &wrongtype);
  if (wrongtype) return;
  auto& r = c.r();
  r.arrayLen(c.argc() - 2);
  HashValue::Scratch s;
  std::string_view v;
  for (size_t i = 2; i < c.argc(); i++) {
    if (o && o->hash().get(c.arg(i), &v, s))
      r.bulk(v);
    else
      r.null();
  }
}

static void hdelCommand(Client& c) {
  const std::string& key = c.arg(1);
  bool wrongtype;
  Object* o = lookupWriteOfType(c, key, ObjType::Hash, &wrongtype);
  if (wrongtype) return;
  if (!o) {
    c.r().integer(0);
    return;
  }
  HashValue& h = o->hash();
  long long deleted = 0;
  bool key_removed = false;
  for (size_t i = 2; i < c.argc(); i++) {
    if (!h.erase(c.arg(i))) continue;
    deleted++;
    if (h.size() == 0) {
      dbDelete(*c.db, key);
      key_removed = true;
      break;
    }
  }
  if (deleted) {
    signalModifiedKey(&c, *c.db, key);
    notifyKeyspaceEvent(NOTIFY_HASH, "hdel", key, c.db->id);
    if (key_removed) notifyKeyspaceEvent(NOTIFY_GENERIC, "del", key, c.db->id);
    server.dirty += deleted;
  }
  c.r().integer(deleted);
}

static void hlenCommand(Client& c) {
  bool wrongtype;
  Object* o = lookupReadOfType(c, c.arg(1), ObjType::Hash, &wrongtype);
  if (wrongtype) return;
  c.r().integer(o ? static_cast<long long>(o->hash().size()) : 0);
}

static void hstrlenCommand(Client& c) {
  bool wrongtype;
  Object* o = lookupReadOfType(c, c.arg(1), ObjType::Hash, &wrongtype);
  if (wrongtype) return;
  HashValue::Scratch s;
  std::string_view v;
  c.r().integer(o && o->hash().get(c.arg(2), &v, s) ? static_cast<long long>(v.size()) : 0);
}

static void hexistsCommand(Client& c) {
  bool wrongtype;
  Object* o = lookupReadOfType(c, c.arg(1), ObjType::Hash, &wrongtype);
  if (wrongtype) return;
  c.r().integer(o && o->hash().contains(c.arg(2)) ? 1 : 0);
}

// HKEYS / HVALS / HGETALL: the whole hash in iteration order.
enum HashParts { kFields = 1, kValues = 2 };

static void hashGetAllGeneric(Client& c, int parts) {
  bool wrongtype;
  Object* o = lookupReadOfType(c, c.arg(1), ObjType::Hash, &wrongtype);
  if (wrongtype) return;
  auto& r = c.r();
  size_t n = o ? o->hash().size() : 0;
  if (parts == (kFields | kValues))
    r.mapLen(n);
  else
    r.arrayLen(n);
  if (!o) return;
  o->hash().forEach([&](std::string_view f, std::string_view v) {
    if (parts & kFields) r.bulk(f);
    if (parts & kValues) r.bulk(v);
  });
}

static void hkeysCommand(Client& c) { hashGetAllGeneric(c, kFields); }
static void hvalsCommand(Client& c) { hashGetAllGeneric(c, kValues); }
static void hgetallCommand(Client& c) { hashGetAllGeneric(c, kFields | kValues); }

static void hincrbyCommand(Client& c) {
  long long incr;
  if (!getLongLongOrReply(c, c.arg(3), &incr)) return;
  const std::string& key = c.arg(1);
  Object* o = hashLookupWriteOrCreate(c, key);
  if (!o) return;
  HashValue& h = o->hash();
  long long value = 0;
  HashValue::Scratch s;
  std::string_view cur;
  if (h.get(c.arg(2), &cur, s)) {
    if (!string2ll(cur, &value)) {
      c.r().error("ERR hash value is not an integer");
      return;
    }
  }
  if ((incr < 0 && value < 0 && incr < LLONG_MIN - value) ||
      (incr > 0 && value > 0 && incr > LLONG_MAX - value)) {
    c.r().error(err::kOverflow);
    return;
  }
  value += incr;
  char buf[24];
  h.set(c.arg(2), SetValue::formatInt(value, buf));
  o->encoding = h.encoding();
  c.r().integer(value);
  hashModified(c, key, "hincrby", 1);
}

// HINCRBYFLOAT propagates as HSET key field <result>, so replicas and the AOF store the
// exact bytes we computed whatever their own float formatting.
static void hincrbyfloatCommand(Client& c) {
  long double incr;
  if (!getLongDoubleOrReply(c, c.arg(3), &incr)) return;
  if (std::isnan(incr) || std::isinf(incr)) {
    c.r().error("ERR value is NaN or Infinity");
    return;
  }
  const std::string& key = c.arg(1);
  Object* o = hashLookupWriteOrCreate(c, key);
  if (!o) return;
  HashValue& h = o->hash();
  long double value = 0;
  HashValue::Scratch s;
  std::string_view cur;
  if (h.get(c.arg(2), &cur, s)) {
    if (!string2ld(cur, &value)) {
      c.r().error("ERR hash value is not a float");
      return;
    }
  }
  value += incr;
  if (std::isnan(value) || std::isinf(value)) {
    c.r().error("ERR increment would produce NaN or Infinity");
    return;
  }
  std::string result = ld2string_human(value);
  h.set(c.arg(2), std::string_view(result));
  o->encoding = h.encoding();
  c.r().bulk(result);
  hashModified(c, key, "hincrbyfloat", 1);
  c.rewriteForPropagation({"HSET", key, c.arg(2), std::move(result)});
}

// ---- HRANDFIELD ----------------------------------------------------------------

// Below this ratio of hash size to requested count, HRANDFIELD copies the hash and
// removes random fields instead of drawing distinct ones (Redis's CASE 3).
constexpr unsigned long long kRandfieldSubStrategyMul = 3;

static void hrandfieldWithCount(Client& c, long long l, bool withvalues) {
  bool wrongtype;
  Object* o = lookupReadOfType(c, c.arg(1), ObjType::Hash, &wrongtype);
  if (wrongtype) return;
  auto& r = c.r();
  if (!o) {
    r.emptyArray();
    return;
  }
  HashValue& h = o->hash();
  unsigned long long size = h.size();
  bool uniq = l >= 0;
  unsigned long long count =
      uniq ? static_cast<unsigned long long>(l) : static_cast<unsigned long long>(-l);
  if (count == 0) {
    r.emptyArray();
    return;
  }
  // RESP3 answers [field, value] pairs; RESP2 one flat array.
  bool pairs = withvalues && c.resp >= 3;
  auto header = [&](unsigned long long n) { r.arrayLen(withvalues && !pairs ? n * 2 : n); };
  auto emit = [&](std::string_view f, std::string_view v) {
    if (pairs) r.arrayLen(2);
    r.bulk(f);
    if (withvalues) r.bulk(v);
  };

  // CASE 1: negative count (repetitions allowed) or a single field: independent draws.
  if (!uniq || count == 1) {
    header(count);
    HashValue::Scratch sf, sv;
    while (count--) {
      std::string_view f, v;
      h.random(&f, &v, sf, sv);
      emit(f, v);
      if (c.close_asap) break;
    }
    return;
  }

  // CASE 2: as many as the hash holds or more: the whole hash.
  if (count >= size) {
    header(size);
    h.forEach(emit);
    return;
  }
  header(count);

  // CASE 3: most of the hash: take all fields, then drop random ones.
  if (count * kRandfieldSubStrategyMul > size) {
    std::vector<std::pair<std::string, std::string>> all;
    all.reserve(size);
    h.forEach([&](std::string_view f, std::string_view v) { all.emplace_back(f, v); });
    while (all.size() > count) {
      size_t i = dictRandom() % all.size();
      all[i] = std::move(all.back());
      all.pop_back();
    }
    for (auto& [f, v] : all) emit(f, v);
    return;
  }

  // CASE 4: few fields out of many.
  if (h.isListpack()) {
    // Selection sampling: every field is kept with probability needed/remaining, which
    // yields `count` distinct fields in listpack order.
    unsigned long long needed = count;
    size_t i = 0;
    h.forEach([&](std::string_view f, std::string_view v) {
      if (needed && dictRandom() % (size - i) < needed) {
        emit(f, v);
        needed--;
      }
      i++;
    });
    return;
  }
  std::unordered_set<const void*> picked;  // table entries never move
  picked.reserve(count);
  while (picked.size() < count) {
    auto* e = dictFairRandom(h.table());
    if (picked.insert(e).second) emit(e->key, e->value);
  }
}

// HRANDFIELD key [count [WITHVALUES]]
static void hrandfieldCommand(Client& c) {
  if (c.argc() >= 3) {
    long long l;
    if (!getRangeLongOrReply(c, c.arg(2), -LLONG_MAX, LLONG_MAX, &l)) return;
    if (c.argc() > 4 || (c.argc() == 4 && !equalsIgnoreCase(c.arg(3), "withvalues"))) {
      replySyntaxError(c);
      return;
    }
    bool withvalues = c.argc() == 4;
    // The reply of RESP2 holds 2 x count items: keep that within range.
    if (withvalues && (l < -LLONG_MAX / 2 || l > LLONG_MAX / 2)) {
      c.r().error("ERR value is out of range");
      return;
    }
    hrandfieldWithCount(c, l, withvalues);
    return;
  }
  bool wrongtype;
  Object* o = lookupReadOfType(c, c.arg(1), ObjType::Hash, &wrongtype);
  if (wrongtype) return;
  if (!o) {
    c.r().null();
    return;
  }
  HashValue::Scratch sf, sv;
  std::string_view f, v;
  o->hash().random(&f, &v, sf, sv);
  c.r().bulk(f);
}

// ---- HSCAN ---------------------------------------------------------------------

// HSCAN key cursor [MATCH pattern] [COUNT count]. A listpack hash is returned whole in one
// call with cursor 0; a hashtable is walked bucket by bucket as SCAN walks the keyspace.
static void hscanCommand(Client& c) {
  uint64_t cursor;
  if (!parseScanCursorOrReply(c, c.arg(2), &cursor)) return;
  bool wrongtype;
  Object* o = lookupReadOfType(c, c.arg(1), ObjType::Hash, &wrongtype);
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

  HashValue& h = o->hash();
  std::vector<std::pair<std::string, std::string>> found;
  auto keep = [&](std::string_view f, std::string_view v) {
    if (!opts.pattern || stringmatch(*opts.pattern, f)) found.emplace_back(f, v);
  };
  if (h.isListpack()) {
    found.reserve(h.size());
    h.forEach(keep);
    cursor = 0;
  } else {
    // As Redis: COUNT is doubled for field/value pairs and both halves count, so COUNT n
    // visits about n fields.
    cursor = scanDictSteps(h.table(), cursor, opts.count * 2, 2,
                           [&](HashValue::Table::Entry& e) { keep(e.key, e.value); });
  }
  r.arrayLen(2);
  r.bulk(ull2string(cursor));
  r.arrayLen(found.size() * 2);
  for (auto& [f, v] : found) {
    r.bulk(f);
    r.bulk(v);
  }
}

// ==== Table ==================================================================

static const CommandRow kHashRows[] = {
    {"hset", -4, "write denyoom fast", "@write @hash @fast", 1, 1, 1, hsetCommand, "hash", "2.0.0",
     "Set the string value of a hash field",
     "O(1) for each field/value pair added, so O(N) to add N field/value pairs when the "
     "command is called with multiple field/value pairs."},
    {"hsetnx", 4, "write denyoom fast", "@write @hash @fast", 1, 1, 1, hsetnxCommand, "hash",
     "2.0.0", "Set the value of a hash field, only if the field does not exist", "O(1)"},
    {"hget", 3, "readonly fast", "@read @hash @fast", 1, 1, 1, hgetCommand, "hash", "2.0.0",
     "Get the value of a hash field", "O(1)"},
    {"hmget", -3, "readonly fast", "@read @hash @fast", 1, 1, 1, hmgetCommand, "hash", "2.0.0",
     "Get the values of all the given hash fields",
     "O(N) where N is the number of fields being requested."},
    {"hmset", -4, "write denyoom fast", "@write @hash @fast", 1, 1, 1, hmsetCommand, "hash",
     "2.0.0", "Set multiple hash fields to multiple values",
     "O(N) where N is the number of fields being set."},
    {"hdel", -3, "write fast", "@write @hash @fast", 1, 1, 1, hdelCommand, "hash", "2.0.0",
     "Delete one or more hash fields", "O(N) where N is the number of fields to be removed."},
    {"hlen", 2, "readonly fast", "@read @hash @fast", 1, 1, 1, hlenCommand, "hash", "2.0.0",
     "Get the number of fields in a hash", "O(1)"},
    {"hstrlen", 3, "readonly fast", "@read @hash @fast", 1, 1, 1, hstrlenCommand, "hash", "3.2.0",
     "Get the length of the value of a hash field", "O(1)"},
    {"hexists", 3, "readonly fast", "@read @hash @fast", 1, 1, 1, hexistsCommand, "hash", "2.0.0",
     "Determine if a hash field exists", "O(1)"},
    {"hkeys", 2, "readonly", "@read @hash @slow", 1, 1, 1, hkeysCommand, "hash", "2.0.0",
     "Get all the fields in a hash", "O(N) where N is the size of the hash.",
     "nondeterministic_output_order"},
    {"hvals", 2, "readonly", "@read @hash @slow", 1, 1, 1, hvalsCommand, "hash", "2.0.0",
     "Get all the values in a hash", "O(N) where N is the size of the hash.",
     "nondeterministic_output_order"},
    {"hgetall", 2, "readonly", "@read @hash @slow", 1, 1, 1, hgetallCommand, "hash", "2.0.0",
     "Get all the fields and values in a hash", "O(N) where N is the size of the hash.",
     "nondeterministic_output_order"},
    {"hincrby", 4, "write denyoom fast", "@write @hash @fast", 1, 1, 1, hincrbyCommand, "hash",
     "2.0.0", "Increment the integer value of a hash field by the given number", "O(1)"},
    {"hincrbyfloat", 4, "write denyoom fast", "@write @hash @fast", 1, 1, 1, hincrbyfloatCommand,
     "hash", "2.6.0", "Increment the float value of a hash field by the given amount", "O(1)"},
    {"hrandfield", -2, "readonly", "@read @hash @slow", 1, 1, 1, hrandfieldCommand, "hash", "6.2.0",
     "Get one or multiple random fields from a hash",
     "O(N) where N is the number of fields returned", "nondeterministic_output"},
    {"hscan", -3, "readonly", "@read @hash @slow", 1, 1, 1, hscanCommand, "hash", "2.8.0",
     "Incrementally iterate hash fields and associated values",
     "O(1) for every call. O(N) for a complete iteration, including enough command calls for "
     "the cursor to return back to 0. N is the number of elements inside the collection..",
     "nondeterministic_output"},
};

CommandRows hashCommands() { return {kHashRows, sizeof(kHashRows) / sizeof(kHashRows[0])}; }

}  // namespace osprey
