// server/t_stream.cpp — the stream commands: XADD, XLEN, XRANGE, XREVRANGE, XDEL, XTRIM,
// XSETID, XREAD and XREADGROUP (blocking through blocking.cpp), XGROUP (CREATE, SETID,
// DESTROY, CREATECONSUMER, DELCONSUMER, HELP), XACK, XPENDING, XCLAIM, XAUTOCLAIM and XINFO
// (STREAM [FULL], GROUPS, CONSUMERS, HELP). The data structure is in stream.cpp.
//
// Replication follows Redis 7.0: XADD propagates with its generated ID and, when it trimmed
// approximately, with "=" and the exact threshold it reached; XREADGROUP, XCLAIM and
// XAUTOCLAIM never propagate themselves but their effects, one idempotent
//   XCLAIM key group consumer 0 id TIME ms RETRYCOUNT n FORCE JUSTID LASTID last-id
// per entry that changed owner, plus XGROUP SETID ... ENTRIESREAD n when only the group's
// last ID moved (NOACK) and XGROUP CREATECONSUMER for a consumer created by a NOACK read.
#include <algorithm>
#include <climits>
#include <cstring>

#include "common/config.h"
#include "common/util.h"
#include "server/blocking.h"
#include "server/db.h"
#include "server/server.h"
#include "server/t_stream.h"

namespace osprey {

namespace err {
inline constexpr const char* kInvalidStreamId =
    "ERR Invalid stream ID specified as stream command argument";
inline constexpr const char* kXaddZeroId = "ERR The ID specified in XADD must be greater than 0-0";
inline constexpr const char* kXaddSmaller =
    "ERR The ID specified in XADD is equal or smaller than the target stream top item";
inline constexpr const char* kXaddExhausted =
    "ERR The stream has exhausted the last possible ID, unable to add more items";
inline constexpr const char* kInvalidStart = "ERR invalid start ID for the interval";
inline constexpr const char* kInvalidEnd = "ERR invalid end ID for the interval";
inline constexpr const char* kTrimBoth =
    "ERR syntax error, MAXLEN and MINID options at the same time are not compatible";
inline constexpr const char* kMaxlenNegative = "ERR The MAXLEN argument must be >= 0.";
inline constexpr const char* kLimitNegative = "ERR The LIMIT argument must be >= 0.";
inline constexpr const char* kLimitNoStrategy =
    "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy";
inline constexpr const char* kXtrimNoStrategy =
    "ERR syntax error, XTRIM must be called with a trimming strategy";
inline constexpr const char* kLimitNoApprox =
    "ERR syntax error, LIMIT cannot be used without the special ~ option";
inline constexpr const char* kBusyGroup = "BUSYGROUP Consumer Group name already exists";
inline constexpr const char* kXgroupNoKey =
    "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want "
    "to use the MKSTREAM option to create an empty stream automatically.";
inline constexpr const char* kEntriesRead = "ERR value for ENTRIESREAD must be positive or -1";
inline constexpr const char* kGroupOnlyXreadgroup =
    "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.";
inline constexpr const char* kNoackOnlyXreadgroup =
    "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.";
inline constexpr const char* kMissingGroup = "ERR Missing GROUP option for XREADGROUP";
inline constexpr const char* kDollarInGroup =
    "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history "
    "of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ "
    "ID would just return an empty result set.";
inline constexpr const char* kGtOutsideGroup =
    "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> "
    "<consumer> option.";
inline constexpr const char* kGroupGone =
    "NOGROUP the consumer group this client was blocked on no longer exists";
inline constexpr const char* kStreamGone = "UNBLOCKED the stream key no longer exists";
inline constexpr const char* kXsetidSmallerTop =
    "ERR The ID specified in XSETID is smaller than the target stream top item";
inline constexpr const char* kXsetidSmallerGivenMaxDel =
    "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id";
inline constexpr const char* kXsetidEntriesAdded =
    "ERR The entries_added specified in XSETID is smaller than the target stream length";
inline constexpr const char* kEntriesAddedPositive = "ERR entries_added must be positive";
inline constexpr const char* kUnbalanced =
    "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.";
inline constexpr const char* kTooLarge = "ERR Elements are too large to be stored";
inline constexpr const char* kXclaimMinIdle = "ERR Invalid min-idle-time argument for XCLAIM";
inline constexpr const char* kXclaimIdle = "ERR Invalid IDLE option argument for XCLAIM";
inline constexpr const char* kXclaimTime = "ERR Invalid TIME option argument for XCLAIM";
inline constexpr const char* kXclaimRetry = "ERR Invalid RETRYCOUNT option argument for XCLAIM";
inline constexpr const char* kXautoclaimMinIdle =
    "ERR Invalid min-idle-time argument for XAUTOCLAIM";
// Formatted: "ERR <command> command is not allowed with BLOCK option from scripts",
// "ERR Unrecognized XCLAIM option '<opt>'", and the NOGROUP texts built below.
inline constexpr const char* kAutoclaimCount = "ERR COUNT must be > 0";
}  // namespace err

namespace {

constexpr long long kXreadBlockedDefaultCount = 1000;

// The key a blocked XREAD / XREADGROUP is being served for (blocking.cpp re-runs it).
const std::string* g_serving_key = nullptr;

// ==== Argument helpers ==========================================================

bool parseIdOrReply(Client& c, const std::string& arg, StreamID* id, uint64_t missing_seq,
                    bool strict = true, bool* seq_given = nullptr) {
  if (parseStreamID(arg, missing_seq, id, strict, seq_given)) return true;
  c.r().error(err::kInvalidStreamId);
  return false;
}

// A range bound: an ID, "-" / "+", or "(" + ID for an exclusive bound.
bool parseIntervalIdOrReply(Client& c, const std::string& arg, StreamID* id, bool* exclusive,
                            uint64_t missing_seq) {
  *exclusive = false;
  if (arg.size() > 1 && arg[0] == '(') {
    *exclusive = true;
    if (parseStreamID(std::string_view(arg).substr(1), missing_seq, id, true, nullptr)) return true;
    c.r().error(err::kInvalidStreamId);
    return false;
  }
  return parseIdOrReply(c, arg, id, missing_seq, false);
}

void replyId(Client& c, StreamID id) { c.r().bulk(id.str()); }

void replyEntry(Client& c, const StreamEntry& e) {
  c.r().arrayLen(2);
  replyId(c, e.id);
  c.r().arrayLen(e.fields.size() * 2);
  for (auto& [f, v] : e.fields) {
    c.r().bulk(f);
    c.r().bulk(v);
  }
}

// Replies the entry `id` if it exists; false otherwise (nothing replied).
bool replyEntryIfExists(Client& c, const StreamValue& s, StreamID id) {
  bool found = false;
  s.range(id, id, false, [&](const StreamEntry& e) {
    replyEntry(c, e);
    found = true;
    return false;
  });
  return found;
}

Object* streamOfType(Client& c, const std::string& key, bool write, bool* wrongtype) {
  return write ? lookupWriteOfType(c, key, ObjType::Stream, wrongtype)
               : lookupReadOfType(c, key, ObjType::Stream, wrongtype);
}

std::string noGroupKeyError(const std::string& key, const std::string& group) {
  return "NOGROUP No such key '" + key + "' or consumer group '" + group + "'";
}

std::string noGroupError(const std::string& group, const std::string& key) {
  return "NOGROUP No such consumer group '" + group + "' for key name '" + key + "'";
}

// ==== Propagation of consumer group effects =====================================

void propagateXclaim(Client& c, const std::string& key, const StreamCG& g,
                     const std::string& group, const std::string& id, const StreamNACK& nack) {
  propagate(c.db->id, {"XCLAIM", key, group, nack.consumer->name, "0", id, "TIME",
                       ll2string(nack.delivery_time), "RETRYCOUNT",
                       ll2string(static_cast<long long>(nack.delivery_count)), "FORCE",
                       "JUSTID", "LASTID", g.last_id.str()});
}

void propagateGroupId(Client& c, const std::string& key, const StreamCG& g,
                      const std::string& group) {
  propagate(c.db->id, {"XGROUP", "SETID", key, group, g.last_id.str(), "ENTRIESREAD",
                       ll2string(g.entries_read)});
}

void propagateConsumerCreation(Client& c, const std::string& key, const std::string& group,
                               const std::string& consumer) {
  propagate(c.db->id, {"XGROUP", "CREATECONSUMER", key, group, consumer});
}

// Looks a consumer up (refreshing its seen time) or creates it, with its notification.
StreamConsumer* lookupOrCreateConsumer(Client& c, StreamCG& g, const std::string& key,
                                       const std::string& name, bool* created = nullptr) {
  if (created) *created = false;
  StreamConsumer* cons = g.lookupConsumer(name);
  if (cons) {
    cons->seen_time = mstime();
    return cons;
  }
  cons = g.createConsumer(name, mstime());
  notifyKeyspaceEvent(NOTIFY_STREAM, "xgroup-createconsumer", key, c.db->id);
  if (created) *created = true;
  return cons;
}

}  // namespace

void setStreamServingKey(const std::string* key) { g_serving_key = key; }

// ==== XADD / XTRIM argument parsing ===============================================

namespace {

struct AddTrimArgs {
  StreamValue::TrimArgs trim;
  size_t strategy_arg = 0;  // index of the MAXLEN / MINID threshold
  bool id_given = false, seq_given = true, no_mkstream = false;
  StreamID id;
};

// Parses XADD's (xadd = true) or XTRIM's options; returns the index of the ID argument for
// XADD (or argc for XTRIM), or 0 after replying an error.
size_t parseAddTrimArgsOrReply(Client& c, AddTrimArgs* a, bool xadd) {
  size_t i = 2;
  bool limit_given = false;
  for (; i < c.argc(); i++) {
    size_t moreargs = c.argc() - 1 - i;
    const std::string& opt = c.arg(i);
    if (xadd && opt == "*") break;
    if (equalsIgnoreCase(opt, "maxlen") && moreargs) {
      if (a->trim.strategy != StreamValue::Trim::None) {
        c.r().error(err::kTrimBoth);
        return 0;
      }
      a->trim.approx = false;
      const std::string& next = c.arg(i + 1);
      if (moreargs >= 2 && next == "~") {
        a->trim.approx = true;
        i++;
      } else if (moreargs >= 2 && next == "=") {
        i++;
      }
      if (!getLongLongOrReply(c, c.arg(i + 1), &a->trim.maxlen)) return 0;
      if (a->trim.maxlen < 0) {
        c.r().error(err::kMaxlenNegative);
        return 0;
      }
      i++;
      a->trim.strategy = StreamValue::Trim::MaxLen;
      a->strategy_arg = i;
    } else if (equalsIgnoreCase(opt, "minid") && moreargs) {
      if (a->trim.strategy != StreamValue::Trim::None) {
        c.r().error(err::kTrimBoth);
        return 0;
      }
      a->trim.approx = false;
      const std::string& next = c.arg(i + 1);
      if (moreargs >= 2 && next == "~") {
        a->trim.approx = true;
        i++;
      } else if (moreargs >= 2 && next == "=") {
        i++;
      }
      if (!parseIdOrReply(c, c.arg(i + 1), &a->trim.minid, 0)) return 0;
      i++;
      a->trim.strategy = StreamValue::Trim::MinId;
      a->strategy_arg = i;
    } else if (equalsIgnoreCase(opt, "limit") && moreargs) {
      if (!getLongLongOrReply(c, c.arg(i + 1), &a->trim.limit)) return 0;
      if (a->trim.limit < 0) {
        c.r().error(err::kLimitNegative);
        return 0;
      }
      limit_given = true;
      i++;
    } else if (xadd && equalsIgnoreCase(opt, "nomkstream")) {
      a->no_mkstream = true;
    } else if (xadd) {
      // An ID, or a syntax error reported as an invalid ID.
      if (!parseIdOrReply(c, opt, &a->id, 0, true, &a->seq_given)) return 0;
      a->id_given = true;
      break;
    } else {
      replySyntaxError(c);
      return 0;
    }
  }
  if (a->trim.limit && a->trim.strategy == StreamValue::Trim::None) {
    c.r().error(err::kLimitNoStrategy);
    return 0;
  }
  if (!xadd && a->trim.strategy == StreamValue::Trim::None) {
    c.r().error(err::kXtrimNoStrategy);
    return 0;
  }
  if (c.is_master) {
    a->trim.limit = 0;  // the master rewrote the threshold to what it trimmed exactly
  } else if (limit_given) {
    if (!a->trim.approx) {
      c.r().error(err::kLimitNoApprox);
      return 0;
    }
  } else if (a->trim.approx) {
    a->trim.limit = 100 * cfg().stream_node_max_entries;
    if (a->trim.limit <= 0 || a->trim.limit > 1000000) a->trim.limit = 10000;
  } else {
    a->trim.limit = 0;
  }
  return i;
}

// After an approximate trim, what was actually reached replaces "~ threshold", so that a
// replica trims exactly the same entries.
void rewriteApproxTrim(std::vector<std::string>& argv, const AddTrimArgs& a, const StreamValue& s) {
  argv[a.strategy_arg - 1].assign(1, '=');
  if (a.trim.strategy == StreamValue::Trim::MaxLen) {
    argv[a.strategy_arg] = ll2string(static_cast<long long>(s.length()));
  } else {
    StreamID first = StreamID::max();
    s.firstLiveId(&first);
    argv[a.strategy_arg] = first.str();
  }
}

}  // namespace

// ==== XADD, XLEN, XRANGE, XDEL, XTRIM, XSETID ======================================

void xaddCommand(Client& c) {
  AddTrimArgs a;
  size_t idpos = parseAddTrimArgsOrReply(c, &a, true);
  if (!idpos) return;
  size_t field_pos = idpos + 1;
  if (c.argc() < field_pos + 2 || (c.argc() - field_pos) % 2 == 1) {
    replyWrongArity(c);
    return;
  }
  if (a.id_given && a.seq_given && a.id.isZero()) {
    c.r().error(err::kXaddZeroId);
    return;
  }
  const std::string& key = c.arg(1);
  bool wrongtype;
  Object* o = streamOfType(c, key, true, &wrongtype);
  if (wrongtype) return;
  if (!o) {
    if (a.no_mkstream) {
      c.r().null();
      return;
    }
    o = dbAdd(*c.db, key, Object::makeStream());
  }
  StreamValue& s = o->stream();
  if (s.last_id == StreamID::max()) {
    c.r().error(err::kXaddExhausted);
    return;
  }
  StreamID id;
  if (a.id_given && a.seq_given) {
    id = a.id;
    if (id <= s.last_id) {
      c.r().error(err::kXaddSmaller);
      return;
    }
  } else if (a.id_given && a.id.ms == s.last_id.ms && s.last_id.seq == UINT64_MAX) {
    c.r().error(err::kTooLarge);  // "<ms>-*" past the last sequence: Redis's wording
    return;
  } else if (!s.nextId(a.id_given ? &a.id : nullptr, &id)) {
    c.r().error(err::kXaddSmaller);
    return;
  }
  std::vector<std::string_view> fv;
  fv.reserve(c.argc() - field_pos);
  for (size_t i = field_pos; i < c.argc(); i++) fv.emplace_back(c.arg(i));
  s.append(id, fv);
  c.r().bulk(id.str());
  signalModifiedKey(&c, *c.db, key);
  notifyKeyspaceEvent(NOTIFY_STREAM, "xadd", key, c.db->id);
  server.dirty++;

  if (a.trim.strategy != StreamValue::Trim::None && s.trim(a.trim))
    notifyKeyspaceEvent(NOTIFY_STREAM, "xtrim", key, c.db->id);
  // Replicas get the ID that was generated and the exact trim that was reached. (Nothing
  // to rewrite while no replica or AOF listens.)
  bool rewrite_trim = a.trim.strategy != StreamValue::Trim::None && a.trim.approx;
  if (!server.propagate_sinks.empty() && (rewrite_trim || !a.id_given || !a.seq_given)) {
    std::vector<std::string> prop = c.argv;
    if (rewrite_trim) rewriteApproxTrim(prop, a, s);
    if (!a.id_given || !a.seq_given) prop[idpos] = id.str();
    c.rewriteForPropagation(std::move(prop));
  }
}

void xlenCommand(Client& c) {
  bool wrongtype;
  Object* o = streamOfType(c, c.arg(1), false, &wrongtype);
  if (wrongtype) return;
  c.r().integer(o ? static_cast<long long>(o->stream().length()) : 0);
}

static void xrangeGeneric(Client& c, bool rev) {
  const std::string& start_arg = rev ? c.arg(3) : c.arg(2);
  const std::string& end_arg = rev ? c.arg(2) : c.arg(3);
  StreamID start, end;
  bool startex, endex;
  if (!parseIntervalIdOrReply(c, start_arg, &start, &startex, 0)) return;
  if (startex && !start.incr()) {
    c.r().error(err::kInvalidStart);
    return;
  }
  if (!parseIntervalIdOrReply(c, end_arg, &end, &endex, UINT64_MAX)) return;
  if (endex && !end.decr()) {
    c.r().error(err::kInvalidEnd);
    return;
  }
  long long count = -1;
  for (size_t j = 4; j < c.argc(); j++) {
    size_t additional = c.argc() - j - 1;
    if (equalsIgnoreCase(c.arg(j), "count") && additional >= 1) {
      if (!getLongLongOrReply(c, c.arg(j + 1), &count)) return;
      if (count < 0) count = 0;
      j++;
    } else {
      replySyntaxError(c);
      return;
    }
  }
  bool wrongtype;
  Object* o = streamOfType(c, c.arg(1), false, &wrongtype);
  if (wrongtype) return;
  if (!o) {
    c.r().emptyArray();
    return;
  }
  if (count == 0) {
    c.r().nullArray();
    return;
  }
  auto d = c.r().deferLen();
  size_t n = 0;
  o->stream().range(start, end, rev, [&](const StreamEntry& e) {
    replyEntry(c, e);
    n++;
    return count < 0 || static_cast<long long>(n) < count;
  });
  c.r().setDeferredArrayLen(d, n);
}

void xrangeCommand(Client& c) { xrangeGeneric(c, false); }
void xrevrangeCommand(Client& c) { xrangeGeneric(c, true); }

void xdelCommand(Client& c) {
  bool wrongtype;
  Object* o = streamOfType(c, c.arg(1), true, &wrongtype);
  if (wrongtype) return;
  if (!o) {
    c.r().integer(0);
    return;
  }
  std::vector<StreamID> ids(c.argc() - 2);
  for (size_t j = 2; j < c.argc(); j++)
    if (!parseIdOrReply(c, c.arg(j), &ids[j - 2], 0)) return;
  StreamValue& s = o->stream();
  long long deleted = 0;
  bool first_entry = false;
  for (StreamID id : ids) {
    if (!s.remove(id)) continue;
    if (id == s.first_id) first_entry = true;
    if (id > s.max_deleted_entry_id) s.max_deleted_entry_id = id;
    deleted++;
  }
  if (deleted) {
    if (s.length() == 0) {
      s.first_id = StreamID{};
    } else if (first_entry) {
      s.firstLiveId(&s.first_id);
    }
    signalModifiedKey(&c, *c.db, c.arg(1));
    notifyKeyspaceEvent(NOTIFY_STREAM, "xdel", c.arg(1), c.db->id);
    server.dirty += deleted;
  }
  c.r().integer(deleted);
}

void xtrimCommand(Client& c) {
  bool wrongtype;
  Object* o = streamOfType(c, c.arg(1), true, &wrongtype);
  if (wrongtype) return;
  if (!o) {
    c.r().integer(0);
    return;
  }
  AddTrimArgs a;
  if (!parseAddTrimArgsOrReply(c, &a, false)) return;
  StreamValue& s = o->stream();
  long long deleted = s.trim(a.trim);
  if (deleted) {
    notifyKeyspaceEvent(NOTIFY_STREAM, "xtrim", c.arg(1), c.db->id);
    if (a.trim.approx) {
      std::vector<std::string> prop = c.argv;
      rewriteApproxTrim(prop, a, s);
      c.rewriteForPropagation(std::move(prop));
    }
    signalModifiedKey(&c, *c.db, c.arg(1));
    server.dirty += deleted;
  }
  c.r().integer(deleted);
}

void xsetidCommand(Client& c) {
  StreamID id, max_xdel;
  long long entries_added = -1;
  if (!parseIdOrReply(c, c.arg(2), &id, 0)) return;
  for (size_t i = 3; i < c.argc();) {
    size_t moreargs = c.argc() - 1 - i;
    if (equalsIgnoreCase(c.arg(i), "entriesadded") && moreargs) {
      if (!getLongLongOrReply(c, c.arg(i + 1), &entries_added)) return;
      if (entries_added < 0) {
        c.r().error(err::kEntriesAddedPositive);
        return;
      }
      i += 2;
    } else if (equalsIgnoreCase(c.arg(i), "maxdeletedid") && moreargs) {
      if (!parseIdOrReply(c, c.arg(i + 1), &max_xdel, 0)) return;
      if (id < max_xdel) {
        c.r().error(err::kXsetidSmallerGivenMaxDel);
        return;
      }
      i += 2;
    } else {
      replySyntaxError(c);
      return;
    }
  }
  bool wrongtype;
  Object* o = streamOfType(c, c.arg(1), true, &wrongtype);
  if (wrongtype) return;
  if (!o) {
    c.r().error(err::kNoKey);
    return;
  }
  StreamValue& s = o->stream();
  if (s.length() > 0) {
    StreamID maxid;
    s.lastLiveId(&maxid);
    if (id < maxid) {
      c.r().error(err::kXsetidSmallerTop);
      return;
    }
    if (entries_added != -1 && s.length() > static_cast<uint64_t>(entries_added)) {
      c.r().error(err::kXsetidEntriesAdded);
      return;
    }
  }
  s.last_id = id;
  if (entries_added != -1) s.entries_added = static_cast<uint64_t>(entries_added);
  if (!max_xdel.isZero()) s.max_deleted_entry_id = max_xdel;
  c.r().ok();
  signalModifiedKey(&c, *c.db, c.arg(1));
  notifyKeyspaceEvent(NOTIFY_STREAM, "xsetid", c.arg(1), c.db->id);
  server.dirty++;
}

// ==== XREAD / XREADGROUP ===========================================================

namespace {

struct XreadArgs {
  long long timeout = -1;  // absolute unix ms when blocking, 0 = forever, -1 = no BLOCK
  bool block = false;
  long long count = 0;
  size_t streams_arg = 0, streams_count = 0;
  bool noack = false;
  const std::string* group = nullptr;
  const std::string* consumer = nullptr;
};

bool isXreadgroup(const Client& c) { return c.argv[0].size() == 10; }

bool parseXreadArgsOrReply(Client& c, XreadArgs* a) {
  bool group_cmd = isXreadgroup(c);
  for (size_t i = 1; i < c.argc(); i++) {
    size_t moreargs = c.argc() - i - 1;
    const std::string& o = c.arg(i);
    if (equalsIgnoreCase(o, "block") && moreargs) {
      if (server.in_script) {
        c.r().error("ERR " + c.arg(0) + " command is not allowed with BLOCK option from scripts");
        return false;
      }
      i++;
      if (!getTimeoutOrReply(c, c.arg(i), false, &a->timeout)) return false;
      a->block = true;
    } else if (equalsIgnoreCase(o, "count") && moreargs) {
      i++;
      if (!getLongLongOrReply(c, c.arg(i), &a->count)) return false;
      if (a->count < 0) a->count = 0;
    } else if (equalsIgnoreCase(o, "streams") && moreargs) {
      a->streams_arg = i + 1;
      a->streams_count = c.argc() - a->streams_arg;
      if (a->streams_count % 2 != 0) {
        c.r().error(err::kUnbalanced);  // Redis 7.0 says XREAD and '$' for both commands
        return false;
      }
      a->streams_count /= 2;
      break;
    } else if (equalsIgnoreCase(o, "group") && moreargs >= 2) {
      if (!group_cmd) {
        c.r().error(err::kGroupOnlyXreadgroup);
        return false;
      }
      a->group = &c.arg(i + 1);
      a->consumer = &c.arg(i + 2);
      i += 2;
    } else if (equalsIgnoreCase(o, "noack")) {
      if (!group_cmd) {
        c.r().error(err::kNoackOnlyXreadgroup);
        return false;
      }
      a->noack = true;
    } else {
      replySyntaxError(c);
      return false;
    }
  }
  if (a->streams_arg == 0) {
    replySyntaxError(c);
    return false;
  }
  if (group_cmd && !a->group) {
    c.r().error(err::kMissingGroup);
    return false;
  }
  return true;
}

// Serves one stream of XREADGROUP / XREAD: entries after *gt (history from the consumer's
// PEL when `history`), with the group bookkeeping and propagation.
void replyStreamRange(Client& c, const std::string& key, StreamValue& s, StreamID start,
                      long long count, StreamCG* group, const std::string* groupname,
                      StreamConsumer* consumer, bool noack, bool history) {
  auto d = c.r().deferLen();
  size_t n = 0;
  if (history) {
    // The consumer's pending entries from start on; deleted entries come back as [id, nil].
    for (auto it = consumer->pel.lower_bound(start);
         it != consumer->pel.end() && (!count || static_cast<long long>(n) < count); ++it) {
      if (!replyEntryIfExists(c, s, it->first)) {
        c.r().arrayLen(2);
        replyId(c, it->first);
        c.r().nullArray();
      } else {
        it->second->delivery_time = mstime();
        it->second->delivery_count++;
      }
      n++;
    }
    c.r().setDeferredArrayLen(d, n);
    return;
  }
  bool propagate_last_id = false;
  std::vector<StreamID> delivered;
  s.range(start, StreamID::max(), false, [&](const StreamEntry& e) {
    if (group && e.id > group->last_id) {
      if (group->entries_read != kInvalidEntriesRead &&
          !s.rangeHasTombstones(e.id, StreamID::max())) {
        group->entries_read++;
      } else if (s.entries_added) {
        group->entries_read = s.estimateDistance(e.id);
      }
      group->last_id = e.id;
      if (noack) propagate_last_id = true;
    }
    replyEntry(c, e);
    n++;
    if (group && !noack) {
      auto [pit, inserted] = group->pel.try_emplace(e.id);
      StreamNACK& nack = pit->second;
      if (!inserted) nack.consumer->pel.erase(e.id);
      nack.consumer = consumer;
      nack.delivery_time = mstime();
      nack.delivery_count = 1;
      consumer->pel[e.id] = &nack;
      propagateXclaim(c, key, *group, *groupname, e.id.str(), nack);
    }
    return !count || static_cast<long long>(n) < count;
  });
  c.r().setDeferredArrayLen(d, n);
  if (group && propagate_last_id) propagateGroupId(c, key, *group, *groupname);
}

}  // namespace

void xreadCommand(Client& c) {
  XreadArgs a;
  if (!parseXreadArgsOrReply(c, &a)) return;
  bool serving = g_serving_key != nullptr;
  size_t nkeys = a.streams_count;
  std::vector<StreamID> ids(nkeys);
  std::vector<StreamCG*> groups(nkeys, nullptr);
  std::vector<bool> is_gt(nkeys, false);
  for (size_t i = 0; i < nkeys; i++) {
    const std::string& key = c.arg(a.streams_arg + i);
    const std::string& idarg = c.arg(a.streams_arg + nkeys + i);
    if (serving && key != *g_serving_key) continue;
    Object* o = lookupKeyRead(*c.db, key);
    if (serving && a.group && (!o || o->type != ObjType::Stream)) {
      c.r().error(err::kStreamGone);
      return;
    }
    if (o && o->type != ObjType::Stream) {
      replyWrongType(c);
      return;
    }
    if (a.group) {
      StreamCG* g = o ? o->stream().lookupGroup(*a.group) : nullptr;
      if (!g) {
        if (serving) {
          c.r().error(err::kGroupGone);
        } else {
          c.r().error(noGroupKeyError(key, *a.group) + " in XREADGROUP with GROUP option");
        }
        return;
      }
      groups[i] = g;
    }
    if (idarg == "$") {
      if (a.group) {
        c.r().error(err::kDollarInGroup);
        return;
      }
      ids[i] = o ? o->stream().last_id : StreamID{};
      continue;
    }
    if (idarg == ">") {
      if (!a.group) {
        c.r().error(err::kGtOutsideGroup);
        return;
      }
      ids[i] = StreamID::max();
      is_gt[i] = true;
      continue;
    }
    if (!parseIdOrReply(c, idarg, &ids[i], 0)) return;
  }

  long long count = a.count;
  if (serving && !count) count = kXreadBlockedDefaultCount;
  size_t served = 0;
  Deferred top{};
  std::vector<bool> seen_key(nkeys, false);
  for (size_t i = 0; i < nkeys; i++) {
    const std::string& key = c.arg(a.streams_arg + i);
    if (serving) {
      if (key != *g_serving_key) continue;
      // One reply per key: the first occurrence (as Redis keeps the first ID per key).
      bool dup = false;
      for (size_t j = 0; j < i; j++) dup |= c.arg(a.streams_arg + j) == key;
      if (dup) continue;
    }
    Object* o = lookupKeyRead(*c.db, key);
    if (!o) continue;
    StreamValue& s = o->stream();
    StreamID gt = ids[i];
    bool serve = false, history = false;
    StreamConsumer* consumer = nullptr;
    if (a.group) {
      if (!is_gt[i]) {
        serve = history = true;
      } else if (s.length()) {
        StreamID maxid;
        s.lastLiveId(&maxid);
        if (maxid > groups[i]->last_id) {
          serve = true;
          gt = groups[i]->last_id;
        }
      }
      if (serve) {
        bool created;
        consumer = lookupOrCreateConsumer(c, *groups[i], key, *a.consumer, &created);
        if (created && a.noack) propagateConsumerCreation(c, key, *a.group, *a.consumer);
      }
    } else if (s.length()) {
      StreamID maxid;
      s.lastLiveId(&maxid);
      serve = maxid > gt;
    }
    if (!serve) continue;
    if (++served == 1) top = c.r().deferLen();
    if (c.resp == 2) c.r().arrayLen(2);
    c.r().bulk(key);
    StreamID start = gt;
    start.incr();
    replyStreamRange(c, key, s, start, count, groups[i], a.group, consumer,
                     a.noack, history);
    if (a.group) server.dirty++;
  }
  if (served) {
    if (c.resp == 2) {
      c.r().setDeferredArrayLen(top, served);
    } else {
      c.r().setDeferredMapLen(top, served);
    }
    if (a.group) c.prevent_propagate = true;  // its effects were propagated instead
    return;
  }
  if (a.block && !serving) {
    if (!clientMayBlock(c)) {
      c.r().nullArray();
      return;
    }
    // "$" means "after what the stream holds now": pin it, so that serving the client
    // later re-runs the command against the IDs it blocked with.
    for (size_t i = 0; i < nkeys; i++)
      if (c.argv[a.streams_arg + nkeys + i] == "$") c.argv[a.streams_arg + nkeys + i] = ids[i].str();
    std::vector<std::string> keys(c.argv.begin() + static_cast<long>(a.streams_arg),
                                  c.argv.begin() + static_cast<long>(a.streams_arg + nkeys));
    blockForKeys(c, keys, a.timeout, BlockType::Stream);
    return;
  }
  c.r().nullArray();
}

// Whether a client blocked in XREAD / XREADGROUP on `key` has something to be served now
// (data past its ID, or an error because its group or stream went away).
bool streamBlockedClientServes(Client& c, Db& db, const std::string& key) {
  bool group_cmd = isXreadgroup(c);
  size_t streams_arg = 0;
  const std::string* group = nullptr;
  for (size_t i = 1; i < c.argc(); i++) {
    if (equalsIgnoreCase(c.arg(i), "group") && i + 2 < c.argc()) {
      group = &c.arg(i + 1);
      i += 2;
    } else if (equalsIgnoreCase(c.arg(i), "block") || equalsIgnoreCase(c.arg(i), "count")) {
      i++;
    } else if (equalsIgnoreCase(c.arg(i), "streams")) {
      streams_arg = i + 1;
      break;
    }
  }
  if (!streams_arg) return false;
  size_t n = (c.argc() - streams_arg) / 2;
  Object* o = lookupKeyPeek(db, key);
  if (o && keyIsExpired(db, key)) o = nullptr;
  if (group_cmd && (!o || o->type != ObjType::Stream)) return true;
  if (!o || o->type != ObjType::Stream) return false;
  StreamValue& s = o->stream();
  for (size_t i = 0; i < n; i++) {
    if (c.arg(streams_arg + i) != key) continue;
    StreamID gt;
    if (group_cmd) {
      StreamCG* g = group ? s.lookupGroup(*group) : nullptr;
      if (!g) return true;
      gt = g->last_id;
    } else if (!parseStreamID(c.arg(streams_arg + n + i), 0, &gt, true, nullptr)) {
      return false;
    }
    StreamID maxid;
    return s.length() && s.lastLiveId(&maxid) && maxid > gt;
  }
  return false;
}

// ==== XGROUP =======================================================================

namespace {

// The common preamble of the XGROUP subcommands: the stream (may be null for CREATE with
// MKSTREAM) and the group (null when absent). False when an error was replied.
bool xgroupLookup(Client& c, bool mkstream, bool group_required, StreamValue** s, StreamCG** g) {
  *s = nullptr;
  *g = nullptr;
  bool wrongtype;
  Object* o = streamOfType(c, c.arg(2), true, &wrongtype);
  if (wrongtype) return false;
  if (o) *s = &o->stream();
  if (!mkstream) {
    if (!*s) {
      c.r().error(err::kXgroupNoKey);
      return false;
    }
    *g = (*s)->lookupGroup(c.arg(3));
    if (!*g && group_required) {
      c.r().error(noGroupError(c.arg(3), c.arg(2)));
      return false;
    }
  } else if (*s) {
    *g = (*s)->lookupGroup(c.arg(3));
  }
  return true;
}

}  // namespace

void xgroupCreateCommand(Client& c) {
  bool mkstream = false;
  long long entries_read = kInvalidEntriesRead;
  for (size_t i = 5; i < c.argc();) {
    if (equalsIgnoreCase(c.arg(i), "mkstream")) {
      mkstream = true;
      i++;
    } else if (equalsIgnoreCase(c.arg(i), "entriesread") && i + 1 < c.argc()) {
      if (!getLongLongOrReply(c, c.arg(i + 1), &entries_read)) return;
      if (entries_read < 0 && entries_read != kInvalidEntriesRead) {
        c.r().error(err::kEntriesRead);
        return;
      }
      i += 2;
    } else {
      replySubcommandSyntaxError(c);
      return;
    }
  }
  StreamValue* s;
  StreamCG* g;
  if (!xgroupLookup(c, mkstream, false, &s, &g)) return;
  if (c.argc() > 8) {
    replySubcommandSyntaxError(c);
    return;
  }
  StreamID id;
  if (c.arg(4) == "$") {
    id = s ? s->last_id : StreamID{};
  } else if (!parseIdOrReply(c, c.arg(4), &id, 0)) {
    return;
  }
  if (!s) {
    Object* o = dbAdd(*c.db, c.arg(2), Object::makeStream());
    s = &o->stream();
    signalModifiedKey(&c, *c.db, c.arg(2));
  }
  if (s->createGroup(c.arg(3), id, entries_read)) {
    c.r().ok();
    server.dirty++;
    notifyKeyspaceEvent(NOTIFY_STREAM, "xgroup-create", c.arg(2), c.db->id);
  } else {
    c.r().error(err::kBusyGroup);
  }
}

void xgroupSetidCommand(Client& c) {
  StreamValue* s;
  StreamCG* g;
  if (!xgroupLookup(c, false, true, &s, &g)) return;
  if (c.argc() != 5 && c.argc() != 7) {
    replySubcommandSyntaxError(c);
    return;
  }
  StreamID id;
  if (c.arg(4) == "$") {
    id = s->last_id;
  } else if (!parseIdOrReply(c, c.arg(4), &id, 0, false)) {
    return;
  }
  long long entries_read = kInvalidEntriesRead;
  if (c.argc() == 7) {
    if (!equalsIgnoreCase(c.arg(5), "entriesread")) {
      replySubcommandSyntaxError(c);
      return;
    }
    if (!getLongLongOrReply(c, c.arg(6), &entries_read)) return;
    if (entries_read < 0 && entries_read != kInvalidEntriesRead) {
      c.r().error(err::kEntriesRead);
      return;
    }
  }
  g->last_id = id;
  g->entries_read = entries_read;
  c.r().ok();
  server.dirty++;
  notifyKeyspaceEvent(NOTIFY_STREAM, "xgroup-setid", c.arg(2), c.db->id);
}

void xgroupDestroyCommand(Client& c) {
  StreamValue* s;
  StreamCG* g;
  if (!xgroupLookup(c, false, false, &s, &g)) return;
  if (!g) {
    c.r().integer(0);
    return;
  }
  s->destroyGroup(c.arg(3));
  c.r().integer(1);
  server.dirty++;
  notifyKeyspaceEvent(NOTIFY_STREAM, "xgroup-destroy", c.arg(2), c.db->id);
  signalKeyAsReady(*c.db, c.arg(2));  // XREADGROUP clients blocked on it get -NOGROUP
}

void xgroupCreateconsumerCommand(Client& c) {
  StreamValue* s;
  StreamCG* g;
  if (!xgroupLookup(c, false, true, &s, &g)) return;
  StreamConsumer* created = g->createConsumer(c.arg(4), mstime());
  if (created) {
    server.dirty++;
    notifyKeyspaceEvent(NOTIFY_STREAM, "xgroup-createconsumer", c.arg(2), c.db->id);
  }
  c.r().integer(created ? 1 : 0);
}

void xgroupDelconsumerCommand(Client& c) {
  StreamValue* s;
  StreamCG* g;
  if (!xgroupLookup(c, false, true, &s, &g)) return;
  long long pending = 0;
  if (g->lookupConsumer(c.arg(4))) {
    pending = static_cast<long long>(g->deleteConsumer(c.arg(4)));
    server.dirty++;
    notifyKeyspaceEvent(NOTIFY_STREAM, "xgroup-delconsumer", c.arg(2), c.db->id);
  }
  c.r().integer(pending);
}

void xgroupHelpCommand(Client& c) {
  replyHelp(c, {
                   "CREATE <key> <groupname> <id|$> [option]",
                   "    Create a new consumer group. Options are:",
                   "    * MKSTREAM",
                   "      Create the empty stream if it does not exist.",
                   "    * ENTRIESREAD entries_read",
                   "      Set the group's entries_read counter (internal use).",
                   "CREATECONSUMER <key> <groupname> <consumer>",
                   "    Create a new consumer in the specified group.",
                   "DELCONSUMER <key> <groupname> <consumer>",
                   "    Remove the specified consumer.",
                   "DESTROY <key> <groupname>",
                   "    Remove the specified group.",
                   "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
                   "    Set the current group ID and entries_read counter.",
               });
}

// ==== XACK, XPENDING, XCLAIM, XAUTOCLAIM ===========================================

void xackCommand(Client& c) {
  bool wrongtype;
  Object* o = streamOfType(c, c.arg(1), false, &wrongtype);
  if (wrongtype) return;
  StreamCG* g = o ? o->stream().lookupGroup(c.arg(2)) : nullptr;
  if (!g) {
    c.r().integer(0);
    return;
  }
  std::vector<StreamID> ids(c.argc() - 3);
  for (size_t j = 3; j < c.argc(); j++)
    if (!parseIdOrReply(c, c.arg(j), &ids[j - 3], 0)) return;
  long long acked = 0;
  for (StreamID id : ids) {
    auto it = g->pel.find(id);
    if (it == g->pel.end()) continue;
    it->second.consumer->pel.erase(id);
    g->pel.erase(it);
    acked++;
    server.dirty++;
  }
  c.r().integer(acked);
}

// A group PEL holds NACKs, a consumer PEL points at them: XPENDING walks either.
static const StreamNACK* nackOf(const StreamNACK& n) { return &n; }
static const StreamNACK* nackOf(const StreamNACK* n) { return n; }

void xpendingCommand(Client& c) {
  bool justinfo = c.argc() == 3;
  long long count = 0, minidle = 0;
  StreamID start, end;
  const std::string* consumer_name = nullptr;
  if (c.argc() != 3 && (c.argc() < 6 || c.argc() > 9)) {
    replySyntaxError(c);
    return;
  }
  if (c.argc() >= 6) {
    size_t startidx = 3;
    if (equalsIgnoreCase(c.arg(3), "idle")) {
      if (!getLongLongOrReply(c, c.arg(4), &minidle)) return;
      if (c.argc() < 8) {
        replySyntaxError(c);
        return;
      }
      startidx += 2;
    }
    if (!getLongLongOrReply(c, c.arg(startidx + 2), &count)) return;
    if (count < 0) count = 0;
    bool startex, endex;
    if (!parseIntervalIdOrReply(c, c.arg(startidx), &start, &startex, 0)) return;
    if (startex && !start.incr()) {
      c.r().error(err::kInvalidStart);
      return;
    }
    if (!parseIntervalIdOrReply(c, c.arg(startidx + 1), &end, &endex, UINT64_MAX)) return;
    if (endex && !end.decr()) {
      c.r().error(err::kInvalidEnd);
      return;
    }
    if (startidx + 3 < c.argc()) consumer_name = &c.arg(startidx + 3);
  }
  bool wrongtype;
  Object* o = streamOfType(c, c.arg(1), false, &wrongtype);
  if (wrongtype) return;
  StreamCG* g = o ? o->stream().lookupGroup(c.arg(2)) : nullptr;
  if (!g) {
    c.r().error(noGroupKeyError(c.arg(1), c.arg(2)));
    return;
  }
  if (justinfo) {
    c.r().arrayLen(4);
    c.r().integer(static_cast<long long>(g->pel.size()));
    if (g->pel.empty()) {
      c.r().null();
      c.r().null();
      c.r().nullArray();
      return;
    }
    replyId(c, g->pel.begin()->first);
    replyId(c, std::prev(g->pel.end())->first);
    size_t n = 0;
    for (auto& [name, cons] : g->consumers) n += cons->pel.empty() ? 0 : 1;
    c.r().arrayLen(n);
    for (auto& [name, cons] : g->consumers) {
      if (cons->pel.empty()) continue;
      c.r().arrayLen(2);
      c.r().bulk(name);
      c.r().bulkInt(static_cast<long long>(cons->pel.size()));
    }
    return;
  }
  long long now = mstime();
  auto reply_nack = [&](StreamID id, const StreamNACK& nack) {
    c.r().arrayLen(4);
    replyId(c, id);
    c.r().bulk(nack.consumer->name);
    c.r().integer(std::max(0LL, now - nack.delivery_time));
    c.r().integer(static_cast<long long>(nack.delivery_count));
  };
  std::vector<std::pair<StreamID, const StreamNACK*>> out;
  auto collect = [&](auto& pel) {
    for (auto it = pel.lower_bound(start); count && it != pel.end() && it->first <= end; ++it) {
      const StreamNACK& nack = *nackOf(it->second);
      if (minidle && now - nack.delivery_time < minidle) continue;
      out.emplace_back(it->first, &nack);
      count--;
    }
  };
  if (consumer_name) {
    StreamConsumer* cons = g->lookupConsumer(*consumer_name);
    if (!cons) {
      c.r().emptyArray();
      return;
    }
    collect(cons->pel);
  } else {
    collect(g->pel);
  }
  c.r().arrayLen(out.size());
  for (auto& [id, nack] : out) reply_nack(id, *nack);
}

void xclaimCommand(Client& c) {
  bool wrongtype;
  Object* o = streamOfType(c, c.arg(1), false, &wrongtype);
  if (wrongtype) return;
  StreamCG* g = o ? o->stream().lookupGroup(c.arg(2)) : nullptr;
  if (!g) {
    c.r().error(noGroupKeyError(c.arg(1), c.arg(2)));
    return;
  }
  StreamValue& s = o->stream();
  long long minidle;
  if (!getLongLongOrReply(c, c.arg(4), &minidle, err::kXclaimMinIdle))
    return;
  if (minidle < 0) minidle = 0;
  size_t j = 5;
  std::vector<StreamID> ids;
  for (; j < c.argc(); j++) {
    StreamID id;
    if (!parseStreamID(c.arg(j), 0, &id, true, nullptr)) break;
    ids.push_back(id);
  }
  long long retrycount = -1, deliverytime = -1;
  bool force = false, justid = false;
  long long now = mstime();
  StreamID last_id;
  for (; j < c.argc(); j++) {
    size_t moreargs = c.argc() - 1 - j;
    const std::string& opt = c.arg(j);
    if (equalsIgnoreCase(opt, "force")) {
      force = true;
    } else if (equalsIgnoreCase(opt, "justid")) {
      justid = true;
    } else if (equalsIgnoreCase(opt, "idle") && moreargs) {
      j++;
      if (!getLongLongOrReply(c, c.arg(j), &deliverytime,
                              err::kXclaimIdle))
        return;
      deliverytime = now - deliverytime;
    } else if (equalsIgnoreCase(opt, "time") && moreargs) {
      j++;
      if (!getLongLongOrReply(c, c.arg(j), &deliverytime,
                              err::kXclaimTime))
        return;
    } else if (equalsIgnoreCase(opt, "retrycount") && moreargs) {
      j++;
      if (!getLongLongOrReply(c, c.arg(j), &retrycount,
                              err::kXclaimRetry))
        return;
    } else if (equalsIgnoreCase(opt, "lastid") && moreargs) {
      j++;
      if (!parseIdOrReply(c, c.arg(j), &last_id, 0)) return;
    } else {
      c.r().error("ERR Unrecognized XCLAIM option '" + opt + "'");
      return;
    }
  }
  bool propagate_last_id = false;
  if (last_id > g->last_id) {
    g->last_id = last_id;
    propagate_last_id = true;
  }
  if (deliverytime != -1) {
    if (deliverytime < 0 || deliverytime > now) deliverytime = now;
  } else {
    deliverytime = now;
  }
  StreamConsumer* consumer = nullptr;
  std::vector<StreamID> claimed;
  for (size_t k = 0; k < ids.size(); k++) {
    StreamID id = ids[k];
    const std::string& idarg = c.arg(5 + k);
    auto it = g->pel.find(id);
    if (!s.exists(id)) {
      if (it != g->pel.end()) {
        propagateXclaim(c, c.arg(1), *g, c.arg(2), idarg, it->second);
        propagate_last_id = false;
        server.dirty++;
        it->second.consumer->pel.erase(id);
        g->pel.erase(it);
      }
      continue;
    }
    if (force && it == g->pel.end()) {
      it = g->pel.try_emplace(id).first;
      it->second.consumer = nullptr;
      it->second.delivery_time = now;
    }
    if (it == g->pel.end()) continue;
    StreamNACK& nack = it->second;
    if (nack.consumer && minidle && now - nack.delivery_time < minidle) continue;
    if (!consumer) consumer = lookupOrCreateConsumer(c, *g, c.arg(1), c.arg(3));
    if (nack.consumer != consumer && nack.consumer) nack.consumer->pel.erase(id);
    nack.delivery_time = deliverytime;
    if (retrycount >= 0) {
      nack.delivery_count = static_cast<uint64_t>(retrycount);
    } else if (!justid) {
      nack.delivery_count++;
    }
    if (nack.consumer != consumer) {
      consumer->pel[id] = &nack;
      nack.consumer = consumer;
    }
    claimed.push_back(id);
    propagateXclaim(c, c.arg(1), *g, c.arg(2), idarg, nack);
    propagate_last_id = false;
    server.dirty++;
  }
  if (propagate_last_id) {
    propagateGroupId(c, c.arg(1), *g, c.arg(2));
    server.dirty++;
  }
  c.r().arrayLen(claimed.size());
  for (StreamID id : claimed) {
    if (justid) {
      replyId(c, id);
    } else if (!replyEntryIfExists(c, s, id)) {
      c.r().null();
    }
  }
  c.prevent_propagate = true;
}

void xautoclaimCommand(Client& c) {
  long long minidle;
  if (!getLongLongOrReply(c, c.arg(4), &minidle,
                          err::kXautoclaimMinIdle))
    return;
  if (minidle < 0) minidle = 0;
  StreamID start;
  bool startex;
  if (!parseIntervalIdOrReply(c, c.arg(5), &start, &startex, 0)) return;
  if (startex && !start.incr()) {
    c.r().error(err::kInvalidStart);
    return;
  }
  long long count = 100;
  bool justid = false;
  constexpr long long kAttemptsFactor = 10;
  for (size_t j = 6; j < c.argc(); j++) {
    size_t moreargs = c.argc() - 1 - j;
    if (equalsIgnoreCase(c.arg(j), "count") && moreargs) {
      long long max_count = LONG_MAX / std::max<long long>(sizeof(StreamID), kAttemptsFactor);
      if (!getRangeLongOrReply(c, c.arg(j + 1), 1, max_count, &count, err::kAutoclaimCount))
        return;
      j++;
    } else if (equalsIgnoreCase(c.arg(j), "justid")) {
      justid = true;
    } else {
      replySyntaxError(c);
      return;
    }
  }
  bool wrongtype;
  Object* o = streamOfType(c, c.arg(1), false, &wrongtype);
  if (wrongtype) return;
  StreamCG* g = o ? o->stream().lookupGroup(c.arg(2)) : nullptr;
  if (!g) {
    c.r().error(noGroupKeyError(c.arg(1), c.arg(2)));
    return;
  }
  StreamValue& s = o->stream();
  long long attempts = count * kAttemptsFactor;
  long long now = mstime();
  StreamConsumer* consumer = nullptr;
  std::vector<StreamID> claimed, deleted;
  auto it = g->pel.lower_bound(start);
  while (attempts-- && count && it != g->pel.end()) {
    StreamID id = it->first;
    StreamNACK& nack = it->second;
    if (!s.exists(id)) {
      propagateXclaim(c, c.arg(1), *g, c.arg(2), id.str(), nack);
      server.dirty++;
      nack.consumer->pel.erase(id);
      it = g->pel.erase(it);
      deleted.push_back(id);
      count--;
      continue;
    }
    if (minidle && now - nack.delivery_time < minidle) {
      ++it;
      continue;
    }
    if (!consumer) consumer = lookupOrCreateConsumer(c, *g, c.arg(1), c.arg(3));
    if (nack.consumer != consumer && nack.consumer) nack.consumer->pel.erase(id);
    nack.delivery_time = now;
    if (!justid) nack.delivery_count++;
    if (nack.consumer != consumer) {
      consumer->pel[id] = &nack;
      nack.consumer = consumer;
    }
    claimed.push_back(id);
    count--;
    propagateXclaim(c, c.arg(1), *g, c.arg(2), id.str(), nack);
    server.dirty++;
    ++it;
  }
  StreamID cursor = it == g->pel.end() ? StreamID{} : it->first;
  c.r().arrayLen(3);
  replyId(c, cursor);
  c.r().arrayLen(claimed.size());
  for (StreamID id : claimed) {
    if (justid) {
      replyId(c, id);
    } else if (!replyEntryIfExists(c, s, id)) {
      c.r().null();
    }
  }
  c.r().arrayLen(deleted.size());
  for (StreamID id : deleted) replyId(c, id);
  c.prevent_propagate = true;
}

// ==== XINFO ========================================================================

namespace {

Object* xinfoLookup(Client& c) {
  bool wrongtype;
  Object* o = streamOfType(c, c.arg(2), false, &wrongtype);
  if (wrongtype) return nullptr;
  if (!o) c.r().error(err::kNoKey);
  return o;
}

void replyLag(Client& c, const StreamValue& s, const StreamCG& g) {
  long long lag = s.groupLag(g);
  if (lag < 0) {
    c.r().null();
  } else {
    c.r().integer(lag);
  }
}

void replyEntriesRead(Client& c, const StreamCG& g) {
  if (g.entries_read != kInvalidEntriesRead) {
    c.r().integer(g.entries_read);
  } else {
    c.r().null();
  }
}

}  // namespace

// Redis's rax holds the node keys (16-byte big-endian IDs) in a compressed radix tree; its
// node count is what a rax built from these keys would have: a compressed node for each run
// of single-child bytes, a branching node where keys diverge, and a node per key end.
static long long raxNodeCount(const std::map<StreamID, Listpack>& nodes) {
  std::vector<std::array<uint8_t, 16>> keys;
  keys.reserve(nodes.size());
  for (auto& [id, lp] : nodes) {
    std::array<uint8_t, 16> k;
    id.encode(k.data());
    keys.push_back(k);
  }
  if (keys.empty()) return 1;
  // Counts nodes of the sub-tree for keys[lo, hi) that share their first `depth` bytes.
  std::function<long long(size_t, size_t, size_t)> count = [&](size_t lo, size_t hi,
                                                                 size_t depth) -> long long {
    if (depth == 16) return 1;  // the key's end node
    // Common prefix of the whole group beyond depth.
    size_t common = depth;
    while (common < 16 && keys[lo][common] == keys[hi - 1][common]) common++;
    long long n = 0;
    if (common > depth) {
      n += 1;  // a compressed node holding bytes [depth, common)
      if (common == 16) return n + 1;
      depth = common;
    }
    n += 1;  // the branching node at depth
    for (size_t i = lo; i < hi;) {
      size_t k = i;
      while (k < hi && keys[k][depth] == keys[i][depth]) k++;
      n += count(i, k, depth + 1);
      i = k;
    }
    return n;
  };
  return count(0, keys.size(), 0);
}

void xinfoStreamCommand(Client& c) {
  Object* o = xinfoLookup(c);
  if (!o) return;
  bool full = false;
  long long count = 10;
  size_t argc = c.argc() - 3;
  if (argc == 1 || argc == 3) {
    if (!equalsIgnoreCase(c.arg(3), "full") || (argc == 3 && !equalsIgnoreCase(c.arg(4), "count"))) {
      replySubcommandSyntaxError(c);
      return;
    }
    full = true;
    if (argc == 3) {
      if (!getLongLongOrReply(c, c.arg(5), &count)) return;
      if (count < 0) count = 10;
    }
  } else if (argc != 0) {
    replySubcommandSyntaxError(c);
    return;
  }
  const StreamValue& s = o->stream();
  c.r().mapLen(full ? 9 : 10);
  c.r().bulk("length");
  c.r().integer(static_cast<long long>(s.length()));
  c.r().bulk("radix-tree-keys");
  c.r().integer(static_cast<long long>(s.nodes().size()));
  c.r().bulk("radix-tree-nodes");
  c.r().integer(raxNodeCount(s.nodes()));
  c.r().bulk("last-generated-id");
  replyId(c, s.last_id);
  c.r().bulk("max-deleted-entry-id");
  replyId(c, s.max_deleted_entry_id);
  c.r().bulk("entries-added");
  c.r().integer(static_cast<long long>(s.entries_added));
  c.r().bulk("recorded-first-entry-id");
  replyId(c, s.first_id);
  if (!full) {
    c.r().bulk("groups");
    c.r().integer(static_cast<long long>(s.groups().size()));
    bool emitted = false;
    c.r().bulk("first-entry");
    s.range(StreamID{}, StreamID::max(), false, [&](const StreamEntry& e) {
      replyEntry(c, e);
      emitted = true;
      return false;
    });
    if (!emitted) c.r().null();
    emitted = false;
    c.r().bulk("last-entry");
    s.range(StreamID{}, StreamID::max(), true, [&](const StreamEntry& e) {
      replyEntry(c, e);
      emitted = true;
      return false;
    });
    if (!emitted) c.r().null();
    return;
  }
  c.r().bulk("entries");
  auto d = c.r().deferLen();
  long long n = 0;
  s.range(StreamID{}, StreamID::max(), false, [&](const StreamEntry& e) {
    replyEntry(c, e);
    n++;
    return !count || n < count;
  });
  c.r().setDeferredArrayLen(d, static_cast<size_t>(n));
  c.r().bulk("groups");
  c.r().arrayLen(s.groups().size());
  for (auto& [name, g] : s.groups()) {
    c.r().mapLen(7);
    c.r().bulk("name");
    c.r().bulk(name);
    c.r().bulk("last-delivered-id");
    replyId(c, g->last_id);
    c.r().bulk("entries-read");
    replyEntriesRead(c, *g);
    c.r().bulk("lag");
    replyLag(c, s, *g);
    c.r().bulk("pel-count");
    c.r().integer(static_cast<long long>(g->pel.size()));
    c.r().bulk("pending");
    long long npel = count ? std::min<long long>(count, static_cast<long long>(g->pel.size()))
                           : static_cast<long long>(g->pel.size());
    c.r().arrayLen(static_cast<size_t>(npel));
    long long k = 0;
    for (auto& [id, nack] : g->pel) {
      if (k++ == npel) break;
      c.r().arrayLen(4);
      replyId(c, id);
      c.r().bulk(nack.consumer->name);
      c.r().integer(nack.delivery_time);
      c.r().integer(static_cast<long long>(nack.delivery_count));
    }
    c.r().bulk("consumers");
    c.r().arrayLen(g->consumers.size());
    for (auto& [cname, cons] : g->consumers) {
      c.r().mapLen(4);
      c.r().bulk("name");
      c.r().bulk(cname);
      c.r().bulk("seen-time");
      c.r().integer(cons->seen_time);
      c.r().bulk("pel-count");
      c.r().integer(static_cast<long long>(cons->pel.size()));
      c.r().bulk("pending");
      long long ncp = count ? std::min<long long>(count, static_cast<long long>(cons->pel.size()))
                            : static_cast<long long>(cons->pel.size());
      c.r().arrayLen(static_cast<size_t>(ncp));
      long long m = 0;
      for (auto& [id, nack] : cons->pel) {
        if (m++ == ncp) break;
        c.r().arrayLen(3);
        replyId(c, id);
        c.r().integer(nack->delivery_time);
        c.r().integer(static_cast<long long>(nack->delivery_count));
      }
    }
  }
}

void xinfoGroupsCommand(Client& c) {
  Object* o = xinfoLookup(c);
  if (!o) return;
  const StreamValue& s = o->stream();
  c.r().arrayLen(s.groups().size());
  for (auto& [name, g] : s.groups()) {
    c.r().mapLen(6);
    c.r().bulk("name");
    c.r().bulk(name);
    c.r().bulk("consumers");
    c.r().integer(static_cast<long long>(g->consumers.size()));
    c.r().bulk("pending");
    c.r().integer(static_cast<long long>(g->pel.size()));
    c.r().bulk("last-delivered-id");
    replyId(c, g->last_id);
    c.r().bulk("entries-read");
    replyEntriesRead(c, *g);
    c.r().bulk("lag");
    replyLag(c, s, *g);
  }
}

void xinfoConsumersCommand(Client& c) {
  Object* o = xinfoLookup(c);
  if (!o) return;
  StreamCG* g = o->stream().lookupGroup(c.arg(3));
  if (!g) {
    c.r().error(noGroupError(c.arg(3), c.arg(2)));
    return;
  }
  long long now = mstime();
  c.r().arrayLen(g->consumers.size());
  for (auto& [name, cons] : g->consumers) {
    c.r().mapLen(3);
    c.r().bulk("name");
    c.r().bulk(name);
    c.r().bulk("pending");
    c.r().integer(static_cast<long long>(cons->pel.size()));
    c.r().bulk("idle");
    c.r().integer(std::max(0LL, now - cons->seen_time));
  }
}

void xinfoHelpCommand(Client& c) {
  replyHelp(c, {
                   "CONSUMERS <key> <groupname>",
                   "    Show consumers of <groupname>.",
                   "GROUPS <key>",
                   "    Show the stream consumer groups.",
                   "STREAM <key> [FULL [COUNT <count>]",
                   "    Show information about the stream.",
               });
}

// XREAD / XREADGROUP: the keys follow STREAMS, as many as IDs after them. Options before
// it are skipped with their arguments (a group may well be called "streams").
static std::vector<int> xreadGetKeys(const std::vector<std::string>& argv) {
  std::vector<int> keys;
  size_t streams = 0;
  for (size_t i = 1; i < argv.size(); i++) {
    const std::string& a = argv[i];
    if (equalsIgnoreCase(a, "block") || equalsIgnoreCase(a, "count")) {
      i++;
    } else if (equalsIgnoreCase(a, "group")) {
      i += 2;
    } else if (equalsIgnoreCase(a, "noack")) {
      continue;
    } else if (equalsIgnoreCase(a, "streams")) {
      streams = i;
      break;
    } else {
      break;
    }
  }
  if (!streams) return keys;
  size_t n = argv.size() - streams - 1;
  if (n == 0 || n % 2) return keys;
  for (size_t i = 0; i < n / 2; i++) keys.push_back(static_cast<int>(streams + 1 + i));
  return keys;
}

void xgroupContainerCommand(Client& c) { replySubcommandSyntaxError(c); }  // subcommands only
void xinfoContainerCommand(Client& c) { replySubcommandSyntaxError(c); }

// ==== Command table ==================================================================

static const CommandRow kStreamRows[] = {
    {"xadd", -5, "write denyoom fast", "@write @stream @fast", 1, 1, 1, xaddCommand, "stream",
     "5.0.0", "Appends a new entry to a stream",
     "O(1) when adding a new entry, O(N) when trimming where N being the number of entries "
     "evicted.",
     "nondeterministic_output"},
    {"xlen", 2, "readonly fast", "@read @stream @fast", 1, 1, 1, xlenCommand, "stream", "5.0.0",
     "Return the number of entries in a stream", "O(1)"},
    {"xrange", -4, "readonly", "@read @stream @slow", 1, 1, 1, xrangeCommand, "stream", "5.0.0",
     "Return a range of elements in a stream, with IDs matching the specified IDs interval",
     "O(N) with N being the number of elements being returned. If N is constant (e.g. always "
     "asking for the first 10 elements with COUNT), you can consider it O(1)."},
    {"xrevrange", -4, "readonly", "@read @stream @slow", 1, 1, 1, xrevrangeCommand, "stream",
     "5.0.0",
     "Return a range of elements in a stream, with IDs matching the specified IDs interval, in "
     "reverse order (from greater to smaller IDs) compared to XRANGE",
     "O(N) with N being the number of elements returned. If N is constant (e.g. always asking "
     "for the first 10 elements with COUNT), you can consider it O(1)."},
    {"xdel", -3, "write fast", "@write @stream @fast", 1, 1, 1, xdelCommand, "stream", "5.0.0",
     "Removes the specified entries from the stream. Returns the number of items actually "
     "deleted, that may be different from the number of IDs passed in case certain IDs do not "
     "exist.",
     "O(1) for each single item to delete in the stream, regardless of the stream size."},
    {"xtrim", -4, "write", "@write @stream @slow", 1, 1, 1, xtrimCommand, "stream", "5.0.0",
     "Trims the stream to (approximately if '~' is passed) a certain size",
     "O(N), with N being the number of evicted entries. Constant times are very small however, "
     "since entries are organized in macro nodes containing multiple entries that can be "
     "released with a single deallocation.",
     "nondeterministic_output"},
    {"xsetid", -3, "write denyoom fast", "@write @stream @fast", 1, 1, 1, xsetidCommand,
     "stream", "5.0.0", "An internal command for replicating stream values", "O(1)"},
    {"xread", -4, "readonly blocking movablekeys", "@read @stream @slow @blocking", 0, 0, 0,
     xreadCommand, "stream", "5.0.0",
     "Return never seen elements in multiple streams, with IDs greater than the ones reported "
     "by the caller for each stream. Can block.",
     "For each stream mentioned: O(N) with N being the number of elements being returned, it "
     "means that XREAD-ing with a fixed COUNT is O(1). Note that when the BLOCK option is used, "
     "XADD will pay O(M) time in order to serve the M clients blocked on the stream getting new "
     "data.",
     "", xreadGetKeys},
    {"xreadgroup", -7, "write blocking movablekeys", "@write @stream @slow @blocking", 0, 0, 0,
     xreadCommand, "stream", "5.0.0",
     "Return new entries from a stream using a consumer group, or access the history of the "
     "pending entries for a given consumer. Can block.",
     "For each stream mentioned: O(M) with M being the number of elements returned. If M is "
     "constant (e.g. always asking for the first 10 elements with COUNT), you can consider it "
     "O(1). On the other side when XREADGROUP blocks, XADD will pay the O(N) time in order to "
     "serve the N clients blocked on the stream getting new data.",
     "", xreadGetKeys},
    {"xgroup", -2, "", "@slow", 0, 0, 0, xgroupContainerCommand, "stream", "5.0.0",
     "A container for consumer groups commands", "Depends on subcommand."},
    {"xgroup|create", -5, "write denyoom", "@write @stream @slow", 2, 2, 1, xgroupCreateCommand,
     "stream", "5.0.0", "Create a consumer group.", "O(1)"},
    {"xgroup|setid", -5, "write", "@write @stream @slow", 2, 2, 1, xgroupSetidCommand, "stream",
     "5.0.0", "Set a consumer group to an arbitrary last delivered ID value.", "O(1)"},
    {"xgroup|destroy", 4, "write", "@write @stream @slow", 2, 2, 1, xgroupDestroyCommand,
     "stream", "5.0.0", "Destroy a consumer group.",
     "O(N) where N is the number of entries in the group's pending entries list (PEL)."},
    {"xgroup|createconsumer", 5, "write denyoom", "@write @stream @slow", 2, 2, 1,
     xgroupCreateconsumerCommand, "stream", "6.2.0", "Create a consumer in a consumer group.",
     "O(1)"},
    {"xgroup|delconsumer", 5, "write", "@write @stream @slow", 2, 2, 1, xgroupDelconsumerCommand,
     "stream", "5.0.0", "Delete a consumer from a consumer group.", "O(1)"},
    {"xgroup|help", 2, "loading stale", "@stream @slow", 0, 0, 0, xgroupHelpCommand, "stream",
     "5.0.0", "Show helpful text about the different subcommands", "O(1)"},
    {"xack", -4, "write fast", "@write @stream @fast", 1, 1, 1, xackCommand, "stream", "5.0.0",
     "Marks a pending message as correctly processed, effectively removing it from the pending "
     "entries list of the consumer group. Return value of the command is the number of "
     "messages successfully acknowledged, that is, the IDs we were actually able to resolve in "
     "the PEL.",
     "O(1) for each message ID processed."},
    {"xpending", -3, "readonly", "@read @stream @slow", 1, 1, 1, xpendingCommand, "stream",
     "5.0.0",
     "Return information and entries from a stream consumer group pending entries list, that "
     "are messages fetched but never acknowledged.",
     "O(N) with N being the number of elements returned, so asking for a small fixed number of "
     "entries per call is O(1). O(M), where M is the total number of entries scanned when used "
     "with the IDLE filter. When the command returns just the summary and the list of consumers "
     "is small, it runs in O(1) time; otherwise, an additional O(N) time for iterating every "
     "consumer.",
     "nondeterministic_output"},
    {"xclaim", -6, "write fast", "@write @stream @fast", 1, 1, 1, xclaimCommand, "stream",
     "5.0.0",
     "Changes (or acquires) ownership of a message in a consumer group, as if the message was "
     "delivered to the specified consumer.",
     "O(log N) with N being the number of messages in the PEL of the consumer group.",
     "nondeterministic_output"},
    {"xautoclaim", -6, "write fast", "@write @stream @fast", 1, 1, 1, xautoclaimCommand,
     "stream", "6.2.0",
     "Changes (or acquires) ownership of messages in a consumer group, as if the messages were "
     "delivered to the specified consumer.",
     "O(1) if COUNT is small.", "nondeterministic_output"},
    {"xinfo", -2, "", "@slow", 0, 0, 0, xinfoContainerCommand, "stream", "5.0.0",
     "A container for stream introspection commands", "Depends on subcommand."},
    {"xinfo|stream", -3, "readonly", "@read @stream @slow", 2, 2, 1, xinfoStreamCommand,
     "stream", "5.0.0", "Get information about a stream", "O(1)"},
    {"xinfo|groups", 3, "readonly", "@read @stream @slow", 2, 2, 1, xinfoGroupsCommand, "stream",
     "5.0.0", "List the consumer groups of a stream", "O(1)"},
    {"xinfo|consumers", 4, "readonly", "@read @stream @slow", 2, 2, 1, xinfoConsumersCommand,
     "stream", "5.0.0", "List the consumers in a consumer group", "O(1)",
     "nondeterministic_output"},
    {"xinfo|help", 2, "loading stale", "@stream @slow", 0, 0, 0, xinfoHelpCommand, "stream",
     "5.0.0", "Show helpful text about the different subcommands", "O(1)"},
};

CommandRows streamCommands() { return {kStreamRows, sizeof(kStreamRows) / sizeof(kStreamRows[0])}; }

}  // namespace osprey
