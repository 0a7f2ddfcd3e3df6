// server/t_string.cpp — the string commands: GET / SET and their variants (SETNX, SETEX,
// PSETEX, GETSET, GETDEL, GETEX, MGET, MSET, MSETNX), counters (INCR ... INCRBYFLOAT),
// ranges (GETRANGE, SUBSTR, SETRANGE), APPEND, STRLEN and LCS.
//
// A string value is a byte string; `Object::encoding` follows Redis's rules so that OBJECT
// ENCODING answers as Redis would: a value taken from an argument is "int" / "embstr" /
// "raw" by content (stringEncodingFor), a counter result is always "int", an INCRBYFLOAT
// result is "embstr" or "raw" by length, and a value modified in place (APPEND, SETRANGE)
// becomes "raw".
//
// Replication follows Redis 7.0: relative expiries travel as absolute ones (SET ... PXAT,
// PEXPIREAT), INCRBYFLOAT travels as SET ... KEEPTTL with its result, GETSET as SET,
// GETDEL as DEL, and SET ... GET without its GET.
#include <algorithm>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstdint>
#include <new>
#include <vector>

#include "common/config.h"
#include "common/util.h"
#include "server/db.h"
#include "server/server.h"
#include "server/sticky.h"

namespace osprey {

namespace {

// ---- Shared helpers --------------------------------------------------------

constexpr size_t kEmbstrMaxLen = 44;

// The encoding of a string the server built itself (not tried as a number), as Redis's
// createStringObject picks it.
Encoding plainStringEncoding(size_t len) {
  return len <= kEmbstrMaxLen ? Encoding::Embstr : Encoding::Raw;
}

// A counter value: always "int" (it is a number by construction).
Object makeIntegerString(long long v) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  Object o = Object::makeString(std::string(buf, res.ptr));
  o.encoding = Encoding::Int;
  return o;
}

// Stores v as the decimal text of an existing string object, reusing its buffer.
void assignInteger(Object& o, long long v) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  o.str().assign(buf, res.ptr);
  o.encoding = Encoding::Int;
}

// Redis refuses strings longer than proto-max-bulk-len when they grow by a command
// (APPEND, SETRANGE). size and append are both >= 0.
bool checkStringLengthOrReply(Client& c, long long size, long long append) {
  if (append > LLONG_MAX - size || size + append > cfg().proto_max_bulk_len) {
    c.r().error("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
    return false;
  }
  return true;
}

void replyInvalidExpireTime(Client& c) {
  c.r().error("ERR invalid expire time in '" + c.cmd->fullname + "' command");
}

// GET's lookup and reply, shared by SET ... GET, GETSET and GETDEL. Returns false after
// replying WRONGTYPE (the caller must stop).
bool replyStringValue(Client& c, const std::string& key) {
  Object* o = lookupKeyRead(*c.db, key);
  if (!o) {
    c.r().null();
    return true;
  }
  if (o->type != ObjType::String) {
    replyWrongType(c);
    return false;
  }
  c.r().bulk(o->str());
  return true;
}

// ---- SET / GETEX options ---------------------------------------------------

enum StringOption : unsigned {
  kOptNX = 1 << 0,
  kOptXX = 1 << 1,
  kOptGet = 1 << 2,
  kOptKeepTtl = 1 << 3,
  kOptPersist = 1 << 4,
  kOptEX = 1 << 5,
  kOptPX = 1 << 6,
  kOptEXAT = 1 << 7,
  kOptPXAT = 1 << 8,
  kOptStick = 1 << 9,  // Dragonfly's SET ... STICK (server/sticky.h)
};
constexpr unsigned kAnyExpireOpt = kOptEX | kOptPX | kOptEXAT | kOptPXAT;

enum class OptionsFor { Set, Getex };

struct StringOptions {
  unsigned flags = 0;
  const std::string* expire = nullptr;  // the EX/PX/EXAT/PXAT argument, if any
};

unsigned expireOptionFlag(const std::string& opt) {
  if (equalsIgnoreCase(opt, "ex")) return kOptEX;
  if (equalsIgnoreCase(opt, "px")) return kOptPX;
  if (equalsIgnoreCase(opt, "exat")) return kOptEXAT;
  if (equalsIgnoreCase(opt, "pxat")) return kOptPXAT;
  return 0;
}

// Parses SET's options (from argv[3]) or GETEX's (from argv[2]) as Redis does: options may
// repeat (the last expiry wins) but conflicting ones are a syntax error.
bool parseStringOptionsOrReply(Client& c, OptionsFor cmd, StringOptions* out) {
  bool is_set = cmd == OptionsFor::Set;
  for (size_t j = is_set ? 3 : 2; j < c.argc(); j++) {
    const std::string& opt = c.arg(j);
    bool has_value = j + 1 < c.argc();
    unsigned flags = out->flags;
    auto none_of = [flags](unsigned f) { return (flags & f) == 0; };
    unsigned expire_flag = expireOptionFlag(opt);
    if (is_set && equalsIgnoreCase(opt, "nx") && none_of(kOptXX)) {
      out->flags |= kOptNX;
    } else if (is_set && equalsIgnoreCase(opt, "xx") && none_of(kOptNX)) {
      out->flags |= kOptXX;
    } else if (is_set && equalsIgnoreCase(opt, "get")) {
      out->flags |= kOptGet;
    } else if (is_set && equalsIgnoreCase(opt, "stick")) {
      out->flags |= kOptStick;
    } else if (is_set && equalsIgnoreCase(opt, "keepttl") && none_of(kOptPersist | kAnyExpireOpt)) {
      out->flags |= kOptKeepTtl;
    } else if (!is_set && equalsIgnoreCase(opt, "persist") && none_of(kOptKeepTtl | kAnyExpireOpt)) {
      out->flags |= kOptPersist;
    } else if (expire_flag && has_value &&
               none_of(kOptKeepTtl | kOptPersist | (kAnyExpireOpt & ~expire_flag))) {
      out->flags |= expire_flag;
      out->expire = &c.arg(++j);
    } else {
      replySyntaxError(c);
      return false;
    }
  }
  return true;
}

// The absolute unix time (ms) an EX/PX/EXAT/PXAT argument stands for, or Redis's error.
bool expireAtMsOrReply(Client& c, const std::string& arg, unsigned flags, long long* out) {
  long long v;
  if (!getLongLongOrReply(c, arg, &v)) return false;
  bool seconds = flags & (kOptEX | kOptEXAT);
  if (v <= 0 || (seconds && v > LLONG_MAX / 1000)) {
    replyInvalidExpireTime(c);
    return false;
  }
  if (seconds) v *= 1000;
  if (flags & (kOptEX | kOptPX)) {
    if (v > LLONG_MAX - server.mstime_cached) {
      replyInvalidExpireTime(c);
      return false;
    }
    v += server.mstime_cached;
  }
  *out = v;
  return true;
}

// ---- GET / SET family ------------------------------------------------------

void getCommand(Client& c) {
  Object* o = lookupKeyRead(*c.db, c.arg(1));
  if (!o) {
    c.r().null();
  } else if (o->type != ObjType::String) {
    replyWrongType(c);
  } else {
    c.r().bulk(o->str());
  }
}

// How a SET variant answers: SET's +OK / null, or SETNX's :1 / :0.
enum class SetReplies { OkOrNull, OneOrZero };

// The one SET implementation behind SET, SETNX, SETEX and PSETEX.
void setGeneric(Client& c, unsigned flags, const std::string& key, const std::string& val,
                const std::string* expire, SetReplies replies) {
  long long when = 0;
  if (expire && !expireAtMsOrReply(c, *expire, flags, &when)) return;
  if ((flags & kOptGet) && !replyStringValue(c, key)) return;

  bool found = lookupKeyWrite(*c.db, key) != nullptr;
  if (((flags & kOptNX) && found) || ((flags & kOptXX) && !found)) {
    if (!(flags & kOptGet)) {
      if (replies == SetReplies::OneOrZero)
        c.r().integer(0);
      else
        c.r().null();
    }
    return;
  }
  Object* stored = setKey(&c, *c.db, key, Object::makeString(val), flags & kOptKeepTtl);
  server.dirty++;
  notifyKeyspaceEvent(NOTIFY_STRING, "set", key, c.db->id);
  if (expire) {
    setExpire(*c.db, key, when);
    c.rewriteForPropagation({"SET", key, val, "PXAT", ll2string(when)});
    notifyKeyspaceEvent(NOTIFY_GENERIC, "expire", key, c.db->id);
  }
  if (!(flags & kOptGet)) {
    if (replies == SetReplies::OneOrZero)
      c.r().integer(1);
    else
      c.r().ok();
  }
  // SET ... GET replicates without GET (with an expiry, argv was rewritten wholesale).
  if ((flags & (kOptGet | kOptStick)) && !expire) {
    std::vector<std::string> argv;
    argv.reserve(c.argc());
    for (size_t j = 0; j < c.argc(); j++)
      if (j < 3 || (!equalsIgnoreCase(c.arg(j), "get") && !equalsIgnoreCase(c.arg(j), "stick")))
        argv.push_back(c.arg(j));
    c.rewriteForPropagation(std::move(argv));
  }
  if (flags & kOptStick) {
    // The SET (without STICK, which a real Redis replica would refuse), then the marker:
    // both propagated here, in this order, so the marker finds the key.
    stored->sticky = true;
    propagate(c.db->id, c.propagate_argv.empty() ? c.argv : c.propagate_argv);
    propagateStickMarker(c.db->id, key);
    c.prevent_propagate = true;
  }
}

void setCommand(Client& c) {
  StringOptions opts;
  if (c.argc() > 3 && !parseStringOptionsOrReply(c, OptionsFor::Set, &opts)) return;
  setGeneric(c, opts.flags, c.arg(1), c.arg(2), opts.expire, SetReplies::OkOrNull);
}

void setnxCommand(Client& c) {
  setGeneric(c, kOptNX, c.arg(1), c.arg(2), nullptr, SetReplies::OneOrZero);
}

void setexCommand(Client& c) {
  setGeneric(c, kOptEX, c.arg(1), c.arg(3), &c.arg(2), SetReplies::OkOrNull);
}

void psetexCommand(Client& c) {
  setGeneric(c, kOptPX, c.arg(1), c.arg(3), &c.arg(2), SetReplies::OkOrNull);
}

void getsetCommand(Client& c) {
  if (!replyStringValue(c, c.arg(1))) return;
  setKey(&c, *c.db, c.arg(1), Object::makeString(c.arg(2)));
  notifyKeyspaceEvent(NOTIFY_STRING, "set", c.arg(1), c.db->id);
  server.dirty++;
  c.rewriteForPropagation({"SET", c.arg(1), c.arg(2)});
}

void getdelCommand(Client& c) {
  const std::string& key = c.arg(1);
  if (!replyStringValue(c, key)) return;
  if (dbDelete(*c.db, key)) {
    c.rewriteForPropagation({cfg().lazyfree_lazy_user_del ? "UNLINK" : "DEL", key});
    signalModifiedKey(&c, *c.db, key);
    notifyKeyspaceEvent(NOTIFY_GENERIC, "del", key, c.db->id);
    server.dirty++;
  }
}

void getexCommand(Client& c) {
  StringOptions opts;
  if (!parseStringOptionsOrReply(c, OptionsFor::Getex, &opts)) return;
  const std::string& key = c.arg(1);
  Object* o = lookupKeyRead(*c.db, key);
  if (!o) {
    c.r().null();
    return;
  }
  if (o->type != ObjType::String) {
    replyWrongType(c);
    return;
  }
  long long when = 0;
  if (opts.expire && !expireAtMsOrReply(c, *opts.expire, opts.flags, &when)) return;
  c.r().bulk(o->str());  // before the key may go away below

  // GETEX never replicates as itself: PEXPIREAT, DEL / UNLINK or PERSIST instead.
  if ((opts.flags & (kOptEXAT | kOptPXAT)) && when <= server.mstime_cached) {
    // An absolute time already past deletes the key.
    dbDelete(*c.db, key);
    c.rewriteForPropagation({cfg().lazyfree_lazy_expire ? "UNLINK" : "DEL", key});
    signalModifiedKey(&c, *c.db, key);
    notifyKeyspaceEvent(NOTIFY_GENERIC, "del", key, c.db->id);
    server.dirty++;
  } else if (opts.expire) {
    setExpire(*c.db, key, when);
    c.rewriteForPropagation({"PEXPIREAT", key, ll2string(when)});
    signalModifiedKey(&c, *c.db, key);
    notifyKeyspaceEvent(NOTIFY_GENERIC, "expire", key, c.db->id);
    server.dirty++;
  } else if ((opts.flags & kOptPersist) && removeExpire(*c.db, key)) {
    signalModifiedKey(&c, *c.db, key);
    c.rewriteForPropagation({"PERSIST", key});
    notifyKeyspaceEvent(NOTIFY_GENERIC, "persist", key, c.db->id);
    server.dirty++;
  }
}

void mgetCommand(Client& c) {
  c.r().arrayLen(c.argc() - 1);
  for (size_t j = 1; j < c.argc(); j++) {
    Object* o = lookupKeyRead(*c.db, c.arg(j));
    if (o && o->type == ObjType::String)
      c.r().bulk(o->str());
    else
      c.r().null();
  }
}

void msetGeneric(Client& c, bool nx) {
  if (c.argc() % 2 == 0) {
    replyWrongArity(c);
    return;
  }
  // MSETNX sets nothing at all when any of the keys exists.
  if (nx) {
    for (size_t j = 1; j < c.argc(); j += 2) {
      if (lookupKeyWrite(*c.db, c.arg(j))) {
        c.r().integer(0);
        return;
      }
    }
  }
  for (size_t j = 1; j < c.argc(); j += 2) {
    setKey(&c, *c.db, c.arg(j), Object::makeString(c.arg(j + 1)));
    notifyKeyspaceEvent(NOTIFY_STRING, "set", c.arg(j), c.db->id);
  }
  server.dirty += static_cast<long long>((c.argc() - 1) / 2);
  if (nx)
    c.r().integer(1);
  else
    c.r().ok();
}

void msetCommand(Client& c) { msetGeneric(c, false); }
void msetnxCommand(Client& c) { msetGeneric(c, true); }

// ---- Counters --------------------------------------------------------------

void incrDecr(Client& c, long long incr) {
  const std::string& key = c.arg(1);
  Object* o = lookupKeyWrite(*c.db, key);
  if (o && o->type != ObjType::String) {
    replyWrongType(c);
    return;
  }
  long long value = 0;
  if (o && !string2ll(o->str(), &value)) {
    replyNotInteger(c);
    return;
  }
  if ((incr < 0 && value < 0 && incr < LLONG_MIN - value) ||
      (incr > 0 && value > 0 && incr > LLONG_MAX - value)) {
    c.r().error(err::kOverflow);
    return;
  }
  value += incr;
  if (o) {
    assignInteger(*o, value);
    signalModifiedKey(&c, *c.db, key);
  } else {
    dbAdd(*c.db, key, makeIntegerString(value));
    signalModifiedKey(&c, *c.db, key);
  }
  notifyKeyspaceEvent(NOTIFY_STRING, "incrby", key, c.db->id);
  server.dirty++;
  c.r().integer(value);
}

void incrCommand(Client& c) { incrDecr(c, 1); }
void decrCommand(Client& c) { incrDecr(c, -1); }

void incrbyCommand(Client& c) {
  long long incr;
  if (!getLongLongOrReply(c, c.arg(2), &incr)) return;
  incrDecr(c, incr);
}

void decrbyCommand(Client& c) {
  long long incr;
  if (!getLongLongOrReply(c, c.arg(2), &incr)) return;
  if (incr == LLONG_MIN) {  // its negation does not exist
    c.r().error("ERR decrement would overflow");
    return;
  }
  incrDecr(c, -incr);
}

void incrbyfloatCommand(Client& c) {
  const std::string& key = c.arg(1);
  Object* o = lookupKeyWrite(*c.db, key);
  if (o && o->type != ObjType::String) {
    replyWrongType(c);
    return;
  }
  long double value = 0, incr;
  if ((o && !string2ld(o->str(), &value)) || !string2ld(c.arg(2), &incr)) {
    c.r().error(err::kNotFloat);
    return;
  }
  value += incr;
  if (std::isnan(value) || std::isinf(value)) {
    c.r().error("ERR increment would produce NaN or Infinity");
    return;
  }
  std::string text = ld2string_human(value);
  if (o) {
    o->str() = text;
    o->encoding = plainStringEncoding(text.size());
  } else {
    Object fresh = Object::makeString(text);
    fresh.encoding = plainStringEncoding(text.size());
    o = dbAdd(*c.db, key, std::move(fresh));
  }
  signalModifiedKey(&c, *c.db, key);
  notifyKeyspaceEvent(NOTIFY_STRING, "incrbyfloat", key, c.db->id);
  server.dirty++;
  c.r().bulk(text);
  // Replicas get the result, not the operation: float formatting could differ there.
  c.rewriteForPropagation({"SET", key, std::move(text), "KEEPTTL"});
}

// ---- Lengths and ranges ----------------------------------------------------

void appendCommand(Client& c) {
  const std::string& key = c.arg(1);
  const std::string& tail = c.arg(2);
  Object* o = lookupKeyWrite(*c.db, key);
  size_t total;
  if (!o) {
    o = dbAdd(*c.db, key, Object::makeString(tail));
    total = tail.size();
  } else {
    if (o->type != ObjType::String) {
      replyWrongType(c);
      return;
    }
    if (!checkStringLengthOrReply(c, static_cast<long long>(o->str().size()),
                                  static_cast<long long>(tail.size())))
      return;
    o->str().append(tail);
    o->encoding = Encoding::Raw;
    total = o->str().size();
  }
  signalModifiedKey(&c, *c.db, key);
  notifyKeyspaceEvent(NOTIFY_STRING, "append", key, c.db->id);
  server.dirty++;
  c.r().integer(static_cast<long long>(total));
}

void strlenCommand(Client& c) {
  Object* o = lookupKeyRead(*c.db, c.arg(1));
  if (!o) {
    c.r().integer(0);
  } else if (o->type != ObjType::String) {
    replyWrongType(c);
  } else {
    c.r().integer(static_cast<long long>(o->str().size()));
  }
}

// GETRANGE and SUBSTR. Indexes are inclusive; negative ones count from the end.
void getrangeCommand(Client& c) {
  long long start, end;
  if (!getLongLongOrReply(c, c.arg(2), &start)) return;
  if (!getLongLongOrReply(c, c.arg(3), &end)) return;
  Object* o = lookupKeyRead(*c.db, c.arg(1));
  if (!o) {
    c.r().bulk("");
    return;
  }
  if (o->type != ObjType::String) {
    replyWrongType(c);
    return;
  }
  const std::string& s = o->str();
  long long len = static_cast<long long>(s.size());
  // Redis 7.0's rule: two negative indexes with start after end are an empty range, even
  // where clamping both to 0 would select the first byte (GETRANGE k -1 -3 on "a").
  if (start < 0 && end < 0 && start > end) {
    c.r().bulk("");
    return;
  }
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len == 0) {
    c.r().bulk("");
    return;
  }
  c.r().bulk(std::string_view(s).substr(static_cast<size_t>(start),
                                        static_cast<size_t>(end - start + 1)));
}

void setrangeCommand(Client& c) {
  const std::string& key = c.arg(1);
  const std::string& value = c.arg(3);
  long long offset;
  if (!getLongLongOrReply(c, c.arg(2), &offset)) return;
  if (offset < 0) {
    c.r().error("ERR offset is out of range");
    return;
  }
  Object* o = lookupKeyWrite(*c.db, key);
  if (!o) {
    // Writing nothing on a missing key creates nothing.
    if (value.empty()) {
      c.r().integer(0);
      return;
    }
    if (!checkStringLengthOrReply(c, offset, static_cast<long long>(value.size()))) return;
    o = dbAdd(*c.db, key, Object::makeString(std::string()));
  } else {
    if (o->type != ObjType::String) {
      replyWrongType(c);
      return;
    }
    if (value.empty()) {
      c.r().integer(static_cast<long long>(o->str().size()));
      return;
    }
    if (!checkStringLengthOrReply(c, offset, static_cast<long long>(value.size()))) return;
  }
  std::string& s = o->str();
  size_t need = static_cast<size_t>(offset) + value.size();
  if (s.size() < need) s.resize(need, '\0');
  s.replace(static_cast<size_t>(offset), value.size(), value);
  o->encoding = Encoding::Raw;
  signalModifiedKey(&c, *c.db, key);
  notifyKeyspaceEvent(NOTIFY_STRING, "setrange", key, c.db->id);
  server.dirty++;
  c.r().integer(static_cast<long long>(s.size()));
}

// ---- LCS -------------------------------------------------------------------

// One matching run reported by LCS IDX: inclusive ranges in both strings.
struct LcsMatch {
  uint32_t a_start, a_end, b_start, b_end;
  uint32_t length() const { return a_end - a_start + 1; }
};

void lcsCommand(Client& c) {
  Object* oa = lookupKeyRead(*c.db, c.arg(1));
  Object* ob = lookupKeyRead(*c.db, c.arg(2));
  if ((oa && oa->type != ObjType::String) || (ob && ob->type != ObjType::String)) {
    c.r().error("ERR The specified keys must contain string values");
    return;
  }
  static const std::string kEmpty;
  const std::string& a = oa ? oa->str() : kEmpty;
  const std::string& b = ob ? ob->str() : kEmpty;

  bool want_len = false, want_idx = false, with_match_len = false;
  long long min_match_len = 0;
  for (size_t j = 3; j < c.argc(); j++) {
    const std::string& opt = c.arg(j);
    bool has_value = j + 1 < c.argc();
    if (equalsIgnoreCase(opt, "idx")) {
      want_idx = true;
    } else if (equalsIgnoreCase(opt, "len")) {
      want_len = true;
    } else if (equalsIgnoreCase(opt, "withmatchlen")) {
      with_match_len = true;
    } else if (equalsIgnoreCase(opt, "minmatchlen") && has_value) {
      if (!getLongLongOrReply(c, c.arg(j + 1), &min_match_len)) return;
      if (min_match_len < 0) min_match_len = 0;
      j++;
    } else {
      replySyntaxError(c);
      return;
    }
  }
  if (want_idx && want_len) {
    c.r().error("ERR If you want both the length and indexes, please just use IDX.");
    return;
  }
  if (a.size() >= UINT32_MAX - 1 || b.size() >= UINT32_MAX - 1) {
    c.r().error("ERR String too long for LCS");
    return;
  }

  // Classic dynamic programming: table[i][j] = LCS length of a[0..i) and b[0..j).
  const size_t alen = a.size(), blen = b.size();
  const size_t width = blen + 1;
  std::vector<uint32_t> table;
  try {
    table.assign((alen + 1) * width, 0);
  } catch (const std::bad_alloc&) {
    c.r().error("ERR Insufficient memory, failed allocating transient memory for LCS");
    return;
  }
  auto at = [&](size_t i, size_t j) -> uint32_t& { return table[i * width + j]; };
  for (size_t i = 1; i <= alen; i++) {
    for (size_t j = 1; j <= blen; j++) {
      if (a[i - 1] == b[j - 1])
        at(i, j) = at(i - 1, j - 1) + 1;
      else
        at(i, j) = std::max(at(i - 1, j), at(i, j - 1));
    }
  }
  const uint32_t lcs_len = at(alen, blen);
  if (want_len) {
    c.r().integer(lcs_len);
    return;
  }

  // Walk back from the end, collecting the common subsequence and the runs of
  // consecutive matches (reported from the end of the strings towards the start).
  std::string result(lcs_len, '\0');
  std::vector<LcsMatch> matches;
  bool run_open = false;
  LcsMatch run{};
  uint32_t idx = lcs_len;
  size_t i = alen, j = blen;
  while (i > 0 && j > 0) {
    bool close_run = false;
    if (a[i - 1] == b[j - 1]) {
      result[--idx] = a[i - 1];
      uint32_t ai = static_cast<uint32_t>(i - 1), bj = static_cast<uint32_t>(j - 1);
      if (!run_open) {
        run = {ai, ai, bj, bj};
        run_open = true;
      } else if (run.a_start == ai + 1 && run.b_start == bj + 1) {
        run.a_start = ai;  // the run grows backwards
        run.b_start = bj;
      } else {
        close_run = true;
      }
      // A run touching the start of either string cannot grow further.
      if (run.a_start == 0 || run.b_start == 0) close_run = true;
      i--;
      j--;
    } else {
      if (at(i - 1, j) > at(i, j - 1))
        i--;
      else
        j--;
      if (run_open) close_run = true;
    }
    if (close_run) {
      if (want_idx && (min_match_len == 0 || run.length() >= min_match_len))
        matches.push_back(run);
      run_open = false;
    }
  }

  if (!want_idx) {
    c.r().bulk(result);
    return;
  }
  auto& r = c.r();
  r.mapLen(2);
  r.bulk("matches");
  r.arrayLen(matches.size());
  for (const LcsMatch& m : matches) {
    r.arrayLen(with_match_len ? 3 : 2);
    r.arrayLen(2);
    r.integer(m.a_start);
    r.integer(m.a_end);
    r.arrayLen(2);
    r.integer(m.b_start);
    r.integer(m.b_end);
    if (with_match_len) r.integer(m.length());
  }
  r.bulk("len");
  r.integer(lcs_len);
}

// ---- Command table ---------------------------------------------------------

const CommandRow kStringRows[] = {
    {"get", 2, "readonly fast", "@read @string @fast", 1, 1, 1, getCommand, "string", "1.0.0",
     "Get the value of a key", "O(1)"},
    {"set", -3, "write denyoom", "@write @string @slow", 1, 1, 1, setCommand, "string", "1.0.0",
     "Set the string value of a key", "O(1)"},
    {"setnx", 3, "write denyoom fast", "@write @string @fast", 1, 1, 1, setnxCommand, "string",
     "1.0.0", "Set the value of a key, only if the key does not exist", "O(1)"},
    {"setex", 4, "write denyoom", "@write @string @slow", 1, 1, 1, setexCommand, "string",
     "2.0.0", "Set the value and expiration of a key", "O(1)"},
    {"psetex", 4, "write denyoom", "@write @string @slow", 1, 1, 1, psetexCommand, "string",
     "2.6.0", "Set the value and expiration in milliseconds of a key", "O(1)"},
    {"getset", 3, "write denyoom fast", "@write @string @fast", 1, 1, 1, getsetCommand, "string",
     "1.0.0", "Set the string value of a key and return its old value", "O(1)"},
    {"getdel", 2, "write fast", "@write @string @fast", 1, 1, 1, getdelCommand, "string", "6.2.0",
     "Get the value of a key and delete the key", "O(1)"},
    {"getex", -2, "write fast", "@write @string @fast", 1, 1, 1, getexCommand, "string", "6.2.0",
     "Get the value of a key and optionally set its expiration", "O(1)"},
    {"mget", -2, "readonly fast", "@read @string @fast", 1, -1, 1, mgetCommand, "string", "1.0.0",
     "Get the values of all the given keys", "O(N) where N is the number of keys to retrieve.",
     "request_policy:multi_shard"},
    {"mset", -3, "write denyoom", "@write @string @slow", 1, -1, 2, msetCommand, "string", "1.0.1",
     "Set multiple keys to multiple values", "O(N) where N is the number of keys to set.",
     "request_policy:multi_shard response_policy:all_succeeded"},
    {"msetnx", -3, "write denyoom", "@write @string @slow", 1, -1, 2, msetnxCommand, "string",
     "1.0.1", "Set multiple keys to multiple values, only if none of the keys exist",
     "O(N) where N is the number of keys to set.",
     "request_policy:multi_shard response_policy:agg_min"},
    {"incr", 2, "write denyoom fast", "@write @string @fast", 1, 1, 1, incrCommand, "string",
     "1.0.0", "Increment the integer value of a key by one", "O(1)"},
    {"decr", 2, "write denyoom fast", "@write @string @fast", 1, 1, 1, decrCommand, "string",
     "1.0.0", "Decrement the integer value of a key by one", "O(1)"},
    {"incrby", 3, "write denyoom fast", "@write @string @fast", 1, 1, 1, incrbyCommand, "string",
     "1.0.0", "Increment the integer value of a key by the given amount", "O(1)"},
    {"decrby", 3, "write denyoom fast", "@write @string @fast", 1, 1, 1, decrbyCommand, "string",
     "1.0.0", "Decrement the integer value of a key by the given number", "O(1)"},
    {"incrbyfloat", 3, "write denyoom fast", "@write @string @fast", 1, 1, 1, incrbyfloatCommand,
     "string", "2.6.0", "Increment the float value of a key by the given amount", "O(1)"},
    {"append", 3, "write denyoom fast", "@write @string @fast", 1, 1, 1, appendCommand, "string",
     "2.0.0", "Append a value to a key",
     "O(1). The amortized time complexity is O(1) assuming the appended value is small and the "
     "already present value is of any size, since the dynamic string library used by Redis will "
     "double the free space available on every reallocation."},
    {"strlen", 2, "readonly fast", "@read @string @fast", 1, 1, 1, strlenCommand, "string",
     "2.2.0", "Get the length of the value stored in a key", "O(1)"},
    {"getrange", 4, "readonly", "@read @string @slow", 1, 1, 1, getrangeCommand, "string",
     "2.4.0", "Get a substring of the string stored at a key",
     "O(N) where N is the length of the returned string. The complexity is ultimately "
     "determined by the returned length, but because creating a substring from an existing "
     "string is very cheap, it can be considered O(1) for small strings."},
    {"substr", 4, "readonly", "@read @string @slow", 1, 1, 1, getrangeCommand, "string", "1.0.0",
     "Get a substring of the string stored at a key",
     "O(N) where N is the length of the returned string. The complexity is ultimately "
     "determined by the returned length, but because creating a substring from an existing "
     "string is very cheap, it can be considered O(1) for small strings."},
    {"setrange", 4, "write denyoom", "@write @string @slow", 1, 1, 1, setrangeCommand, "string",
     "2.2.0", "Overwrite part of a string at key starting at the specified offset",
     "O(1), not counting the time taken to copy the new string in place. Usually, this string "
     "is very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M "
     "being the length of the value argument."},
    {"lcs", -3, "readonly", "@read @string @slow", 1, 2, 1, lcsCommand, "string", "7.0.0",
     "Find longest common substring",
     "O(N*M) where N and M are the lengths of s1 and s2, respectively"},
};

}  // namespace

CommandRows stringCommands() {
  return {kStringRows, sizeof(kStringRows) / sizeof(kStringRows[0])};
}

}  // namespace osprey
