// server/t_list.cpp — the list commands: LPUSH/RPUSH(X), LPOP/RPOP, LLEN, LRANGE, LINDEX,
// LSET, LINSERT, LREM, LTRIM, LPOS, RPOPLPUSH, LMOVE and LMPOP (the non-blocking ones; the
// blocking variants arrive with the collections issue).
//
// A list is a ListValue (a quicklist of packed nodes, object.h). Redis 7.0 stores every list as a quicklist,
// whatever its size, so OBJECT ENCODING always answers "quicklist" (listpack-encoded small
// lists only appear in 7.2). An emptied list is deleted at once: no empty list key exists.
//
// Every write follows Redis's bookkeeping exactly: the keyspace events it fires (in its
// order), signalModifiedKey for WATCH, and server.dirty incremented by the number of
// elements added or removed, which decides whether call() propagates the command.
#include <algorithm>
#include <climits>

#include "common/config.h"
#include "common/util.h"
#include "server/blocking.h"
#include "server/db.h"
#include "server/server.h"

namespace osprey {

namespace {

enum class End { Head, Tail };

const char* pushEvent(End e) { return e == End::Head ? "lpush" : "rpush"; }
const char* popEvent(End e) { return e == End::Head ? "lpop" : "rpop"; }

// Creates an empty list under key (which must not exist).
Object* createListKey(Client& c, const std::string& key) {
  Object o = Object::makeList();  // "quicklist": Redis 7.0 lists always are
  // Blocking lists (collections issue): a list key appearing is what wakes clients blocked
  // on it (BLPOP ...). Redis signals the key as ready here; hook that call in at this point.
  return dbAdd(*c.db, key, std::move(o));
}

void push(ListValue& l, End e, const std::string& v) {
  if (e == End::Head)
    l.pushFront(v);
  else
    l.pushBack(v);
}

// Bookkeeping after `count` elements were popped from the list at key: the pop event,
// deletion of an emptied key (with its "del" event), WATCH and dirty. Returns whether the
// key was deleted (the object is gone then).
bool listElementsRemoved(Client& c, const std::string& key, End e, Object* o, long long count) {
  notifyKeyspaceEvent(NOTIFY_LIST, popEvent(e), key, c.db->id);
  bool deleted = o->list().empty();
  if (deleted) {
    dbDelete(*c.db, key);
    notifyKeyspaceEvent(NOTIFY_GENERIC, "del", key, c.db->id);
  }
  signalModifiedKey(&c, *c.db, key);
  server.dirty += count;
  return deleted;
}

// Replies the element at end `e` as a bulk and removes it.
void popOneAndReply(Client& c, ListValue& l, End e) {
  PackedBuf::Scratch s;
  if (e == End::Head) {
    c.r().bulk(l.front(s));
    l.popFront();
  } else {
    c.r().bulk(l.back(s));
    l.popBack();
  }
}

// Replies the `n` elements at end `e` (head first for Head, tail first for Tail) as an
// array and removes them.
void popRangeAndReply(Client& c, ListValue& l, End e, size_t n) {
  auto& r = c.r();
  r.arrayLen(n);
  for (size_t i = 0; i < n; i++) popOneAndReply(c, l, e);
}

// Parses LEFT / RIGHT (any case); replies a syntax error otherwise.
bool getEndOrReply(Client& c, const std::string& s, End* out) {
  if (equalsIgnoreCase(s, "left")) {
    *out = End::Head;
  } else if (equalsIgnoreCase(s, "right")) {
    *out = End::Tail;
  } else {
    replySyntaxError(c);
    return false;
  }
  return true;
}

// Normalises a [start, end] range with Redis's rules (negative from the tail, clamped).
// Returns false when the range is empty.
bool normaliseRange(long long len, long long* start, long long* end) {
  if (*start < 0) *start += len;
  if (*end < 0) *end += len;
  if (*start < 0) *start = 0;
  if (*start > *end || *start >= len) return false;
  if (*end >= len) *end = len - 1;
  return true;
}

}  // namespace

// ---- Push ------------------------------------------------------------------

// LPUSH / RPUSH, and LPUSHX / RPUSHX (only_existing): pushes every element in order.
static void pushGeneric(Client& c, End e, bool only_existing) {
  const std::string& key = c.arg(1);
  bool wrongtype;
  Object* o = lookupWriteOfType(c, key, ObjType::List, &wrongtype);
  if (wrongtype) return;
  if (!o) {
    if (only_existing) {
      c.r().integer(0);
      return;
    }
    o = createListKey(c, key);
  }
  ListValue& l = o->list();
  for (size_t j = 2; j < c.argc(); j++) push(l, e, c.arg(j));
  c.r().integer(static_cast<long long>(l.size()));
  signalModifiedKey(&c, *c.db, key);
  notifyKeyspaceEvent(NOTIFY_LIST, pushEvent(e), key, c.db->id);
  server.dirty += static_cast<long long>(c.argc() - 2);
}

static void lpushCommand(Client& c) { pushGeneric(c, End::Head, false); }
static void rpushCommand(Client& c) { pushGeneric(c, End::Tail, false); }
static void lpushxCommand(Client& c) { pushGeneric(c, End::Head, true); }
static void rpushxCommand(Client& c) { pushGeneric(c, End::Tail, true); }

// ---- Pop -------------------------------------------------------------------

// LPOP / RPOP key [count]: without count one bulk (or null); with count an array (or a null
// array when the key is missing; an empty array for count 0).
static void popGeneric(Client& c, End e) {
  if (c.argc() > 3) {
    replyWrongArity(c);
    return;
  }
  bool has_count = c.argc() == 3;
  long long count = 0;
  if (has_count && !getPositiveLongOrReply(c, c.arg(2), &count, err::kPositive)) return;

  const std::string& key = c.arg(1);
  bool wrongtype;
  Object* o = lookupWriteOfType(c, key, ObjType::List, &wrongtype);
  if (wrongtype) return;
  if (!o) {
    if (has_count)
      c.r().nullArray();
    else
      c.r().null();
    return;
  }
  if (has_count && count == 0) {
    c.r().emptyArray();
    return;
  }
  ListValue& l = o->list();
  if (!has_count) {
    popOneAndReply(c, l, e);
    listElementsRemoved(c, key, e, o, 1);
    return;
  }
  size_t n = std::min(static_cast<size_t>(count), l.size());
  popRangeAndReply(c, l, e, n);
  listElementsRemoved(c, key, e, o, static_cast<long long>(n));
}

static void lpopCommand(Client& c) { popGeneric(c, End::Head); }
static void rpopCommand(Client& c) { popGeneric(c, End::Tail); }

// LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]: pops from the first non-empty list.
// Propagated as LPOP/RPOP key <popped> so replicas repeat exactly what happened.
// BLMPOP shares it: `numkeys_idx` is where numkeys stands; a blocking caller passes its
// timeout (absolute ms, 0 = forever) and blocks when every list is empty.
static void lmpopGeneric(Client& c, size_t numkeys_idx, bool blocking, long long timeout) {
  long long numkeys;
  if (!getRangeLongOrReply(c, c.arg(numkeys_idx), 1, LLONG_MAX, &numkeys,
                           "ERR numkeys should be greater than 0"))
    return;
  long long argc = static_cast<long long>(c.argc());
  if (numkeys >= argc - static_cast<long long>(numkeys_idx) - 1) {  // no room for LEFT|RIGHT
    replySyntaxError(c);
    return;
  }
  size_t first_key = numkeys_idx + 1;
  size_t where_idx = static_cast<size_t>(numkeys) + first_key;
  End e;
  if (!getEndOrReply(c, c.arg(where_idx), &e)) return;
  long long count = -1;
  for (size_t j = where_idx + 1; j < c.argc(); j++) {
    bool more = j + 1 < c.argc();
    if (count == -1 && more && equalsIgnoreCase(c.arg(j), "count")) {
      j++;
      if (!getRangeLongOrReply(c, c.arg(j), 1, LLONG_MAX, &count,
                               "ERR count should be greater than 0"))
        return;
    } else {
      replySyntaxError(c);
      return;
    }
  }
  if (count == -1) count = 1;

  for (size_t j = first_key; j < where_idx; j++) {
    const std::string key = c.arg(j);
    Object* o = lookupKeyWrite(*c.db, key);
    if (!o) continue;
    if (o->type != ObjType::List) {
      replyWrongType(c);
      return;
    }
    ListValue& l = o->list();
    if (l.empty()) continue;
    size_t n = std::min(static_cast<size_t>(count), l.size());
    c.r().arrayLen(2);
    c.r().bulk(key);
    popRangeAndReply(c, l, e, n);
    listElementsRemoved(c, key, e, o, static_cast<long long>(n));
    c.rewriteForPropagation({e == End::Head ? "LPOP" : "RPOP", key, ll2string(static_cast<long long>(n))});
    return;
  }
  if (blocking && clientMayBlock(c)) {
    std::vector<std::string> keys(c.argv.begin() + static_cast<long>(first_key),
                                  c.argv.begin() + static_cast<long>(where_idx));
    blockForKeys(c, keys, timeout, BlockType::List);
    return;
  }
  c.r().nullArray();
}

static void lmpopCommand(Client& c) { lmpopGeneric(c, 1, false, 0); }

// COMMAND GETKEYS for LMPOP: numkeys keys after the numkeys argument. Redis reads numkeys
// as a C int, so absurd values wrap the same way here; keys past the end are invalid.
static std::vector<int> lmpopGetKeys(const std::vector<std::string>& argv) {
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

// ---- Move ------------------------------------------------------------------

// Pops from the source list at `from` and pushes onto the destination at `to` (the same key
// rotates the list). Replies the moved element, or null when the source is missing.
static void moveGeneric(Client& c, End from, End to) {
  const std::string& src_key = c.arg(1);
  const std::string& dst_key = c.arg(2);
  bool wrongtype;
  Object* src = lookupWriteOfType(c, src_key, ObjType::List, &wrongtype);
  if (wrongtype) return;
  if (!src || src->list().empty()) {
    c.r().null();
    return;
  }
  Object* dst = lookupKeyWrite(*c.db, dst_key);
  if (dst && dst->type != ObjType::List) {
    replyWrongType(c);
    return;
  }
  ListValue& sl = src->list();
  PackedBuf::Scratch scratch;
  std::string value(from == End::Head ? sl.front(scratch) : sl.back(scratch));
  if (from == End::Head)
    sl.popFront();
  else
    sl.popBack();
  // Push side first, as Redis: its events precede the pop's.
  if (!dst) dst = createListKey(c, dst_key);
  signalModifiedKey(&c, *c.db, dst_key);
  push(dst->list(), to, value);
  notifyKeyspaceEvent(NOTIFY_LIST, pushEvent(to), dst_key, c.db->id);
  c.r().bulk(value);

  notifyKeyspaceEvent(NOTIFY_LIST, popEvent(from), src_key, c.db->id);
  if (src->list().empty()) {
    dbDelete(*c.db, src_key);
    notifyKeyspaceEvent(NOTIFY_GENERIC, "del", src_key, c.db->id);
  }
  signalModifiedKey(&c, *c.db, src_key);
  server.dirty++;
}

static void rpoplpushCommand(Client& c) { moveGeneric(c, End::Tail, End::Head); }

static void lmoveCommand(Client& c) {
  End from, to;
  if (!getEndOrReply(c, c.arg(3), &from)) return;
  if (!getEndOrReply(c, c.arg(4), &to)) return;
  moveGeneric(c, from, to);
}

// ---- Read ------------------------------------------------------------------

static void llenCommand(Client& c) {
  bool wrongtype;
  Object* o = lookupReadOfType(c, c.arg(1), ObjType::List, &wrongtype);
  if (wrongtype) return;
  c.r().integer(o ? static_cast<long long>(o->list().size()) : 0);
}

static void lrangeCommand(Client& c) {
  long long start, end;
  if (!getLongLongOrReply(c, c.arg(2), &start) || !getLongLongOrReply(c, c.arg(3), &end)) return;
  bool wrongtype;
  Object* o = lookupReadOfType(c, c.arg(1), ObjType::List, &wrongtype);
  if (wrongtype) return;
  if (!o) {
    c.r().emptyArray();
    return;
  }
  const ListValue& l = o->list();
  if (!normaliseRange(static_cast<long long>(l.size()), &start, &end)) {
    c.r().emptyArray();
    return;
  }
  auto& r = c.r();
  size_t n = static_cast<size_t>(end - start + 1);
  r.arrayLen(n);
  for (auto cur = l.cursorAt(static_cast<size_t>(start)); n--; cur.next()) r.bulk(cur.value());
}

static void lindexCommand(Client& c) {
  bool wrongtype;
  Object* o = lookupReadOfType(c, c.arg(1), ObjType::List, &wrongtype);
  if (wrongtype) return;
  if (!o) {
    c.r().null();
    return;
  }
  long long index;
  if (!getLongLongOrReply(c, c.arg(2), &index)) return;
  const ListValue& l = o->list();
  long long len = static_cast<long long>(l.size());
  if (index < 0) index += len;
  if (index < 0 || index >= len) {
    c.r().null();
    return;
  }
  PackedBuf::Scratch s;
  c.r().bulk(l.at(static_cast<size_t>(index), s));
}

// LPOS key element [RANK rank] [COUNT num] [MAXLEN len]: positions of matches, scanning from
// the head (or from the tail for a negative rank). RANK skips the first |rank|-1 matches;
// COUNT 0 means all matches; MAXLEN bounds how many elements are compared.
static void lposCommand(Client& c) {
  long long rank = 1, count = -1, maxlen = 0;
  for (size_t j = 3; j < c.argc(); j++) {
    const std::string& opt = c.arg(j);
    bool more = j + 1 < c.argc();
    if (more && equalsIgnoreCase(opt, "rank")) {
      j++;
      if (!getLongLongOrReply(c, c.arg(j), &rank)) return;
      if (rank == 0) {
        c.r().error(
            "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... "
            "or use negative to start from the end of the list");
        return;
      }
    } else if (more && equalsIgnoreCase(opt, "count")) {
      j++;
      if (!getPositiveLongOrReply(c, c.arg(j), &count, "ERR COUNT can't be negative")) return;
    } else if (more && equalsIgnoreCase(opt, "maxlen")) {
      j++;
      if (!getPositiveLongOrReply(c, c.arg(j), &maxlen, "ERR MAXLEN can't be negative")) return;
    } else {
      replySyntaxError(c);
      return;
    }
  }
  bool from_tail = rank < 0;
  // Redis 7.0 negates LONG_MIN into itself: every match then qualifies and COUNT never
  // stops the scan. Reproduced rather than rejected (7.2 added an error for it).
  bool rank_min = rank == LLONG_MIN;
  long long skip = rank_min ? 0 : (from_tail ? -rank : rank) - 1;  // matches to pass over
  bool limited = count > 0 && !rank_min;

  bool wrongtype;
  Object* o = lookupReadOfType(c, c.arg(1), ObjType::List, &wrongtype);
  if (wrongtype) return;
  if (!o) {
    if (count != -1)
      c.r().emptyArray();
    else
      c.r().null();
    return;
  }

  const ListValue& l = o->list();
  const std::string& ele = c.arg(2);
  long long len = static_cast<long long>(l.size());
  long long matches = 0;
  std::vector<long long> found;
  auto cur = l.cursorAt(from_tail ? l.size() - 1 : 0);
  for (long long index = 0; index < len && (maxlen == 0 || index < maxlen);
       index++, from_tail ? cur.prev() : cur.next()) {
    long long pos = from_tail ? len - index - 1 : index;
    if (!cur.equals(ele)) continue;
    if (matches++ < skip) continue;
    found.push_back(pos);
    if (count == -1) break;  // only the first qualifying match is wanted
    if (limited && static_cast<long long>(found.size()) >= count) break;
  }
  if (count != -1) {
    c.r().arrayLen(found.size());
    for (long long p : found) c.r().integer(p);
  } else if (!found.empty()) {
    c.r().integer(found.front());
  } else {
    c.r().null();
  }
}

// ---- Modify ----------------------------------------------------------------

static void lsetCommand(Client& c) {
  const std::string& key = c.arg(1);
  bool wrongtype;
  Object* o = lookupWriteOfType(c, key, ObjType::List, &wrongtype);
  if (wrongtype) return;
  if (!o) {
    c.r().error(err::kNoKey);
    return;
  }
  long long index;
  if (!getLongLongOrReply(c, c.arg(2), &index)) return;
  ListValue& l = o->list();
  long long len = static_cast<long long>(l.size());
  if (index < 0) index += len;
  if (index < 0 || index >= len) {
    c.r().error(err::kOutOfRange);
    return;
  }
  l.set(static_cast<size_t>(index), c.arg(3));
  c.r().ok();
  signalModifiedKey(&c, *c.db, key);
  notifyKeyspaceEvent(NOTIFY_LIST, "lset", key, c.db->id);
  server.dirty++;
}

// LINSERT key BEFORE|AFTER pivot element: the new length, -1 without the pivot, 0 without key.
static void linsertCommand(Client& c) {
  bool after;
  if (equalsIgnoreCase(c.arg(2), "after")) {
    after = true;
  } else if (equalsIgnoreCase(c.arg(2), "before")) {
    after = false;
  } else {
    replySyntaxError(c);
    return;
  }
  const std::string& key = c.arg(1);
  bool wrongtype;
  Object* o = lookupWriteOfType(c, key, ObjType::List, &wrongtype);
  if (wrongtype) return;
  if (!o) {
    c.r().integer(0);
    return;
  }
  ListValue& l = o->list();
  size_t index = 0, len = l.size();
  for (auto cur = l.cursorAt(0); index < len && !cur.equals(c.arg(3)); cur.next()) index++;
  if (index == len) {
    c.r().integer(-1);
    return;
  }
  l.insert(after ? index + 1 : index, c.arg(4));
  signalModifiedKey(&c, *c.db, key);
  notifyKeyspaceEvent(NOTIFY_LIST, "linsert", key, c.db->id);
  server.dirty++;
  c.r().integer(static_cast<long long>(l.size()));
}

// LREM key count element: removes up to |count| matches from the head (count > 0), from the
// tail (count < 0), or all of them (0). Survivors are copied into a new list when any goes.
static void lremCommand(Client& c) {
  long long count;
  if (!getLongLongOrReply(c, c.arg(2), &count)) return;
  const std::string& key = c.arg(1);
  bool wrongtype;
  Object* o = lookupWriteOfType(c, key, ObjType::List, &wrongtype);
  if (wrongtype) return;
  if (!o) {
    c.r().integer(0);
    return;
  }
  ListValue& l = o->list();
  const std::string& ele = c.arg(3);
  // Unsigned magnitude: -LLONG_MIN does not fit a long long.
  unsigned long long limit = count == 0 ? ULLONG_MAX
                             : count > 0 ? static_cast<unsigned long long>(count)
                                         : 0ULL - static_cast<unsigned long long>(count);
  unsigned long long removed = 0;
  size_t n = l.size();
  // First pass: which positions go (counted from the chosen end).
  std::vector<bool> gone(n, false);
  if (count >= 0) {
    size_t i = 0;
    for (auto cur = l.cursorAt(0); i < n && removed < limit; cur.next(), i++)
      if (cur.equals(ele)) gone[i] = true, removed++;
  } else {
    size_t i = n;
    for (auto cur = l.cursorAt(n - 1); i > 0 && removed < limit; cur.prev()) {
      i--;
      if (cur.equals(ele)) gone[i] = true, removed++;
    }
  }
  if (removed) {
    ListValue kept;
    size_t i = 0;
    l.forEach([&](std::string_view v) {
      if (!gone[i++]) kept.pushBack(v);
    });
    l = std::move(kept);
  }
  if (removed) {
    signalModifiedKey(&c, *c.db, key);
    notifyKeyspaceEvent(NOTIFY_LIST, "lrem", key, c.db->id);
  }
  if (l.empty()) {
    dbDelete(*c.db, key);
    notifyKeyspaceEvent(NOTIFY_GENERIC, "del", key, c.db->id);
  }
  server.dirty += static_cast<long long>(removed);
  c.r().integer(static_cast<long long>(removed));
}

static void ltrimCommand(Client& c) {
  long long start, end;
  if (!getLongLongOrReply(c, c.arg(2), &start) || !getLongLongOrReply(c, c.arg(3), &end)) return;
  const std::string& key = c.arg(1);
  bool wrongtype;
  Object* o = lookupWriteOfType(c, key, ObjType::List, &wrongtype);
  if (wrongtype) return;
  if (!o) {
    c.r().ok();
    return;
  }
  ListValue& l = o->list();
  long long len = static_cast<long long>(l.size());
  long long ltrim, rtrim;
  if (!normaliseRange(len, &start, &end)) {
    ltrim = len;  // the whole list goes
    rtrim = 0;
  } else {
    ltrim = start;
    rtrim = len - end - 1;
  }
  l.trimBack(static_cast<size_t>(rtrim));
  l.trimFront(static_cast<size_t>(ltrim));
  notifyKeyspaceEvent(NOTIFY_LIST, "ltrim", key, c.db->id);
  if (l.empty()) {
    dbDelete(*c.db, key);
    notifyKeyspaceEvent(NOTIFY_GENERIC, "del", key, c.db->id);
  }
  signalModifiedKey(&c, *c.db, key);
  server.dirty += ltrim + rtrim;
  c.r().ok();
}

// ---- Table -----------------------------------------------------------------

// ---- Blocking ----------------------------------------------------------------
// BLPOP / BRPOP / BLMOVE / BRPOPLPUSH / BLMPOP: served at once when a list has data (and
// then propagated as their non-blocking forms), else the client blocks (blocking.cpp) and
// its command is re-run when a list key becomes ready. Inside MULTI or a script they never
// block: they answer as if the timeout had expired.

static void blockingPopGeneric(Client& c, End e) {
  long long timeout;
  if (!getTimeoutOrReply(c, c.arg(c.argc() - 1), true, &timeout)) return;
  for (size_t j = 1; j + 1 < c.argc(); j++) {
    const std::string key = c.arg(j);
    Object* o = lookupKeyWrite(*c.db, key);
    if (!o) continue;
    if (o->type != ObjType::List) {
      replyWrongType(c);
      return;
    }
    ListValue& l = o->list();
    if (l.empty()) continue;
    c.r().arrayLen(2);
    c.r().bulk(key);
    popOneAndReply(c, l, e);
    listElementsRemoved(c, key, e, o, 1);
    c.rewriteForPropagation({e == End::Head ? "LPOP" : "RPOP", key});
    return;
  }
  if (!clientMayBlock(c)) {
    c.r().nullArray();
    return;
  }
  std::vector<std::string> keys(c.argv.begin() + 1, c.argv.end() - 1);
  blockForKeys(c, keys, timeout, BlockType::List);
}

static void blpopCommand(Client& c) { blockingPopGeneric(c, End::Head); }
static void brpopCommand(Client& c) { blockingPopGeneric(c, End::Tail); }

static void blockingMoveGeneric(Client& c, End from, End to, const std::string& timeout_arg) {
  long long timeout;
  if (!getTimeoutOrReply(c, timeout_arg, true, &timeout)) return;
  Object* src = lookupKeyWrite(*c.db, c.arg(1));
  if (!src) {
    if (!clientMayBlock(c)) {
      c.r().null();
      return;
    }
    blockForKeys(c, {c.arg(1)}, timeout, BlockType::List);
    return;
  }
  if (src->type != ObjType::List) {
    replyWrongType(c);
    return;
  }
  moveGeneric(c, from, to);
  if (from == End::Tail && to == End::Head && c.argc() == 4)
    c.rewriteForPropagation({"RPOPLPUSH", c.arg(1), c.arg(2)});
  else
    c.rewriteForPropagation({"LMOVE", c.arg(1), c.arg(2), from == End::Head ? "LEFT" : "RIGHT",
                             to == End::Head ? "LEFT" : "RIGHT"});
}

static void brpoplpushCommand(Client& c) {
  blockingMoveGeneric(c, End::Tail, End::Head, c.arg(3));
}

static void blmoveCommand(Client& c) {
  End from, to;
  if (!getEndOrReply(c, c.arg(3), &from)) return;
  if (!getEndOrReply(c, c.arg(4), &to)) return;
  blockingMoveGeneric(c, from, to, c.arg(5));
}

static void blmpopCommand(Client& c) {
  long long timeout;
  if (!getTimeoutOrReply(c, c.arg(1), true, &timeout)) return;
  lmpopGeneric(c, 2, true, timeout);
}

static std::vector<int> blmpopGetKeys(const std::vector<std::string>& argv) {
  std::vector<std::string> shifted(argv.begin() + 1, argv.end());
  std::vector<int> keys = lmpopGetKeys(shifted);
  for (int& k : keys) k++;
  return keys;
}

static const char* const kPushComplexity =
    "O(1) for each element added, so O(N) to add N elements when the command is called with "
    "multiple arguments.";

static const CommandRow kListRows[] = {
    {"lpush", -3, "write denyoom fast", "@write @list @fast", 1, 1, 1, lpushCommand, "list",
     "1.0.0", "Prepend one or multiple elements to a list", kPushComplexity},
    {"rpush", -3, "write denyoom fast", "@write @list @fast", 1, 1, 1, rpushCommand, "list",
     "1.0.0", "Append one or multiple elements to a list", kPushComplexity},
    {"lpushx", -3, "write denyoom fast", "@write @list @fast", 1, 1, 1, lpushxCommand, "list",
     "2.2.0", "Prepend an element to a list, only if the list exists", kPushComplexity},
    {"rpushx", -3, "write denyoom fast", "@write @list @fast", 1, 1, 1, rpushxCommand, "list",
     "2.2.0", "Append an element to a list, only if the list exists", kPushComplexity},
    {"lpop", -2, "write fast", "@write @list @fast", 1, 1, 1, lpopCommand, "list", "1.0.0",
     "Remove and get the first elements in a list",
     "O(N) where N is the number of elements returned"},
    {"rpop", -2, "write fast", "@write @list @fast", 1, 1, 1, rpopCommand, "list", "1.0.0",
     "Remove and get the last elements in a list",
     "O(N) where N is the number of elements returned"},
    {"llen", 2, "readonly fast", "@read @list @fast", 1, 1, 1, llenCommand, "list", "1.0.0",
     "Get the length of a list", "O(1)"},
    {"lrange", 4, "readonly", "@read @list @slow", 1, 1, 1, lrangeCommand, "list", "1.0.0",
     "Get a range of elements from a list",
     "O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest "
     "end (HEAD or TAIL) for large lists; and N is the number of elements in the specified "
     "range."},
    {"lindex", 3, "readonly", "@read @list @slow", 1, 1, 1, lindexCommand, "list", "1.0.0",
     "Get an element from a list by its index",
     "O(N) where N is the number of elements to traverse to get to the element at index. This "
     "makes asking for the first or the last element of the list O(1)."},
    {"lset", 4, "write denyoom", "@write @list @slow", 1, 1, 1, lsetCommand, "list", "1.0.0",
     "Set the value of an element in a list by its index",
     "O(N) where N is the length of the list. Setting either the first or the last element of "
     "the list is O(1)."},
    {"linsert", 5, "write denyoom", "@write @list @slow", 1, 1, 1, linsertCommand, "list",
     "2.2.0", "Insert an element before or after another element in a list",
     "O(N) where N is the number of elements to traverse before seeing the value pivot. This "
     "means that inserting somewhere on the left end on the list (head) can be considered O(1) "
     "and inserting somewhere on the right end (tail) is O(N)."},
    {"lrem", 4, "write", "@write @list @slow", 1, 1, 1, lremCommand, "list", "1.0.0",
     "Remove elements from a list",
     "O(N+M) where N is the length of the list and M is the number of elements removed."},
    {"ltrim", 4, "write", "@write @list @slow", 1, 1, 1, ltrimCommand, "list", "1.0.0",
     "Trim a list to the specified range",
     "O(N) where N is the number of elements to be removed by the operation."},
    {"lpos", -3, "readonly", "@read @list @slow", 1, 1, 1, lposCommand, "list", "6.0.6",
     "Return the index of matching elements on a list",
     "O(N) where N is the number of elements in the list, for the average case. When searching "
     "for elements near the head or the tail of the list, or when the MAXLEN option is "
     "provided, the command may run in constant time."},
    {"rpoplpush", 3, "write denyoom", "@write @list @slow", 1, 2, 1, rpoplpushCommand, "list",
     "1.2.0", "Remove the last element in a list, prepend it to another list and return it",
     "O(1)"},
    {"lmove", 5, "write denyoom", "@write @list @slow", 1, 2, 1, lmoveCommand, "list", "6.2.0",
     "Pop an element from a list, push it to another list and return it", "O(1)"},
    {"lmpop", -4, "write", "@write @list @slow", 0, 0, 0, lmpopCommand, "list", "7.0.0",
     "Pop elements from a list",
     "O(N+M) where N is the number of provided keys and M is the number of elements returned.",
     "", lmpopGetKeys},
    {"blpop", -3, "write noscript blocking", "@list", 1, -2, 1, blpopCommand, "list", "2.0.0",
     "Remove and get the first element in a list, or block until one is available",
     "O(N) where N is the number of provided keys."},
    {"brpop", -3, "write noscript blocking", "@list", 1, -2, 1, brpopCommand, "list", "2.0.0",
     "Remove and get the last element in a list, or block until one is available",
     "O(N) where N is the number of provided keys."},
    {"brpoplpush", 4, "write denyoom noscript blocking", "@list", 1, 2, 1, brpoplpushCommand,
     "list", "2.2.0",
     "Pop an element from a list, push it to another list and return it; or block until one is available",
     "O(1)"},
    {"blmove", 6, "write denyoom noscript blocking", "@list", 1, 2, 1, blmoveCommand, "list",
     "6.2.0",
     "Pop an element from a list, push it to another list and return it; or block until one is available",
     "O(1)"},
    {"blmpop", -5, "write blocking", "@list", 0, 0, 0, blmpopCommand, "list", "7.0.0",
     "Pop elements from a list, or block until one is available",
     "O(N+M) where N is the number of provided keys and M is the number of elements returned.",
     "", blmpopGetKeys},
};

CommandRows listCommands() { return {kListRows, sizeof(kListRows) / sizeof(kListRows[0])}; }

}  // namespace osprey
