// server/t_zset.cpp — the sorted set type (see t_zset.h) and its commands: ZADD, ZINCRBY,
// ZREM, ZCARD, ZSCORE, ZMSCORE, ZRANK, ZREVRANK, ZCOUNT, ZLEXCOUNT, ZRANGE, ZRANGESTORE,
// ZREVRANGE, ZRANGEBYSCORE, ZREVRANGEBYSCORE, ZRANGEBYLEX, ZREVRANGEBYLEX, ZREMRANGEBYRANK,
// ZREMRANGEBYSCORE, ZREMRANGEBYLEX, ZPOPMIN, ZPOPMAX, ZMPOP, the blocking pops BZPOPMIN,
// BZPOPMAX and BZMPOP (blocking through blocking.cpp), ZRANDMEMBER, ZINTER, ZINTERSTORE,
// ZINTERCARD, ZUNION, ZUNIONSTORE, ZDIFF, ZDIFFSTORE and ZSCAN.
//
// Replies follow Redis 7.0 where its algorithms show through: argument errors come in the
// same order, listpack lexicographic ranges are scanned linearly (which matters when
// members of a lex range have different scores), ZRANDMEMBER picks between the same four
// strategies, and WITHSCORES answers flat arrays in RESP2 and [member, score] pairs in RESP3.
#include "server/t_zset.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <new>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "common/config.h"
#include "common/util.h"
#include "server/blocking.h"
#include "server/db.h"
#include "server/server.h"
#include "server/t_hash.h"  // SCAN-family helpers, dictFairRandom
#include "server/t_set.h"   // sets are valid inputs of ZUNION / ZINTER / ZDIFF

namespace osprey {

namespace {

size_t listpackMaxEntries() { return static_cast<size_t>(cfg().zset_max_listpack_entries); }
size_t listpackMaxValue() { return static_cast<size_t>(cfg().zset_max_listpack_value); }

// A score as a listpack keeps it. Redis stores integral scores as listpack integers, so
// -0 comes back as 0 (a skiplist keeps -0).
double listpackScore(double s) { return s == 0 ? 0.0 : s; }

// A listpack score as ZSCAN prints it: the stored integer when the score is integral and
// within +/-2^62 (Redis's double2ll), else the %.17g form.
std::string listpackScoreString(double s) {
  constexpr double kLimit = static_cast<double>(LLONG_MAX / 2);
  if (s >= -kLimit && s <= kLimit) {
    long long ll = static_cast<long long>(s);
    if (static_cast<double>(ll) == s) return ll2string(ll);
  }
  return d2string(s);
}

}  // namespace

// ==== Ranges =================================================================

// One ZRANGEBYSCORE bound. Redis runs strtod over the C string, so parsing stops at an
// embedded NUL, leading white space is skipped and "" reads as 0; only NaN and trailing
// garbage are refused. Out-of-range values become +/-inf (errno is not looked at).
static bool parseScoreBound(std::string_view s, double* value, bool* exclusive) {
  *exclusive = false;
  if (!s.empty() && s[0] == '(') {
    s.remove_prefix(1);
    *exclusive = true;
  }
  char small[64];
  std::string big;
  const char* p;
  if (s.size() < sizeof(small)) {
    memcpy(small, s.data(), s.size());
    small[s.size()] = '\0';
    p = small;
  } else {
    big.assign(s);
    p = big.c_str();
  }
  char* end = nullptr;
  *value = strtod(p, &end);
  return *end == '\0' && !std::isnan(*value);
}

bool parseScoreRange(std::string_view min, std::string_view max, ZScoreRange* out) {
  return parseScoreBound(min, &out->min, &out->minex) &&
         parseScoreBound(max, &out->max, &out->maxex);
}

static bool parseLexBound(std::string_view s, ZLexBound* out) {
  if (s.empty()) return false;
  switch (s[0]) {
    case '+':
    case '-':
      // Redis tests the C string, so "+\0..." still counts as "+".
      if (s.size() > 1 && s[1] != '\0') return false;
      out->kind = s[0] == '+' ? ZLexBound::kPlusInf : ZLexBound::kMinusInf;
      out->exclusive = true;
      return true;
    case '(':
    case '[':
      out->kind = ZLexBound::kValue;
      out->exclusive = s[0] == '(';
      out->value.assign(s.substr(1));
      return true;
    default:
      return false;
  }
}

bool parseLexRange(std::string_view min, std::string_view max, ZLexRange* out) {
  return parseLexBound(min, &out->min) && parseLexBound(max, &out->max);
}

// <0, 0, >0 as v sorts before, equal to, or after the bound.
static int compareWithBound(std::string_view v, const ZLexBound& b) {
  if (b.kind == ZLexBound::kMinusInf) return 1;
  if (b.kind == ZLexBound::kPlusInf) return -1;
  return v.compare(b.value);
}

bool ZLexRange::aboveMin(std::string_view v) const {
  int c = compareWithBound(v, min);
  return min.exclusive ? c > 0 : c >= 0;
}

bool ZLexRange::belowMax(std::string_view v) const {
  int c = compareWithBound(v, max);
  return max.exclusive ? c < 0 : c <= 0;
}

// ==== Skiplist ===============================================================

ZSkipNode* ZSkipList::allocNode(int height, double score, std::string_view member) {
  size_t bytes = sizeof(ZSkipNode) + static_cast<size_t>(height) * sizeof(ZSkipNode::Level) +
                 member.size();
  auto* n = static_cast<ZSkipNode*>(::operator new(bytes));
  n->score = score;
  n->backward = nullptr;
  n->len = static_cast<uint32_t>(member.size());
  n->height = static_cast<uint8_t>(height);
  for (int i = 0; i < height; i++) n->level(i) = {nullptr, 0};
  if (!member.empty()) memcpy(reinterpret_cast<char*>(n->levels() + height), member.data(), member.size());
  return n;
}

void ZSkipList::freeNode(ZSkipNode* n) { ::operator delete(n); }

ZSkipList::ZSkipList() { header_ = allocNode(kMaxLevel, 0, {}); }

ZSkipList::~ZSkipList() {
  ZSkipNode* n = header_->level(0).forward;
  while (n) {
    ZSkipNode* next = n->level(0).forward;
    freeNode(n);
    n = next;
  }
  freeNode(header_);
}

// Each level is kept with probability 1/4 of the one below, so a list of N nodes has
// about log4(N) levels and a search visits a bounded number of nodes per level.
int ZSkipList::randomLevel() {
  int level = 1;
  while (level < kMaxLevel && (dictRandom() & 0xFFFF) < 0xFFFF / 4) level++;
  return level;
}

void ZSkipList::findPath(double score, std::string_view member, ZSkipNode** update,
                         unsigned long* rank) const {
  ZSkipNode* x = header_;
  for (int i = level_ - 1; i >= 0; i--) {
    rank[i] = i == level_ - 1 ? 0 : rank[i + 1];
    for (;;) {
      ZSkipNode* f = x->level(i).forward;
      if (!f || !zsetLess(f->score, f->member(), score, member)) break;
      rank[i] += x->level(i).span;
      x = f;
    }
    update[i] = x;
  }
}

// Links a node (with its height already drawn) at its place in the order.
void ZSkipList::link(ZSkipNode* node) {
  ZSkipNode* update[kMaxLevel];
  unsigned long rank[kMaxLevel];
  findPath(node->score, node->member(), update, rank);
  int height = node->height;
  if (height > level_) {
    for (int i = level_; i < height; i++) {
      rank[i] = 0;
      update[i] = header_;
      header_->level(i).span = length_;
    }
    level_ = height;
  }
  for (int i = 0; i < height; i++) {
    ZSkipNode::Level& before = update[i]->level(i);
    node->level(i).forward = before.forward;
    before.forward = node;
    // `before` skipped `span` nodes; the new node sits (rank[0] - rank[i]) + 1 after it.
    node->level(i).span = before.span - (rank[0] - rank[i]);
    before.span = rank[0] - rank[i] + 1;
  }
  for (int i = height; i < level_; i++) update[i]->level(i).span++;
  node->backward = update[0] == header_ ? nullptr : update[0];
  if (ZSkipNode* next = node->level(0).forward)
    next->backward = node;
  else
    tail_ = node;
  length_++;
}

// Takes node out of the list; update[i] is its predecessor path (from findPath).
void ZSkipList::unlink(ZSkipNode* node, ZSkipNode** update) {
  for (int i = 0; i < level_; i++) {
    ZSkipNode::Level& before = update[i]->level(i);
    if (before.forward == node) {
      before.span += node->level(i).span - 1;
      before.forward = node->level(i).forward;
    } else {
      before.span -= 1;
    }
  }
  if (ZSkipNode* next = node->level(0).forward)
    next->backward = node->backward;
  else
    tail_ = node->backward;
  while (level_ > 1 && !header_->level(level_ - 1).forward) level_--;
  length_--;
}

ZSkipNode* ZSkipList::insert(double score, std::string_view member) {
  ZSkipNode* node = allocNode(randomLevel(), score, member);
  link(node);
  return node;
}

bool ZSkipList::erase(double score, std::string_view member) {
  ZSkipNode* update[kMaxLevel];
  unsigned long rank[kMaxLevel];
  findPath(score, member, update, rank);
  ZSkipNode* x = update[0]->level(0).forward;
  if (!x || x->score != score || x->member() != member) return false;
  unlink(x, update);
  freeNode(x);
  return true;
}

void ZSkipList::updateScore(ZSkipNode* node, double newscore) {
  ZSkipNode* prev = node->backward;
  ZSkipNode* next = node->level(0).forward;
  std::string_view m = node->member();
  // Still between its neighbours: the order is unchanged, only the score moves.
  if ((!prev || zsetLess(prev->score, prev->member(), newscore, m)) &&
      (!next || zsetLess(newscore, m, next->score, next->member()))) {
    node->score = newscore;
    return;
  }
  ZSkipNode* update[kMaxLevel];
  unsigned long rank[kMaxLevel];
  findPath(node->score, m, update, rank);
  unlink(node, update);
  node->score = newscore;
  link(node);
}

unsigned long ZSkipList::rank(double score, std::string_view member) const {
  ZSkipNode* x = header_;
  unsigned long r = 0;
  for (int i = level_ - 1; i >= 0; i--) {
    for (;;) {
      ZSkipNode* f = x->level(i).forward;
      if (!f) break;
      bool before_or_at = zsetLess(f->score, f->member(), score, member) ||
                          (f->score == score && f->member() == member);
      if (!before_or_at) break;
      r += x->level(i).span;
      x = f;
    }
    if (x != header_ && x->score == score && x->member() == member) return r;
  }
  return 0;
}

ZSkipNode* ZSkipList::byRank(unsigned long rank) const {
  ZSkipNode* x = header_;
  unsigned long traversed = 0;
  for (int i = level_ - 1; i >= 0; i--) {
    while (x->level(i).forward && traversed + x->level(i).span <= rank) {
      traversed += x->level(i).span;
      x = x->level(i).forward;
    }
    if (traversed == rank) return x == header_ ? nullptr : x;
  }
  return nullptr;
}

ZSkipNode* ZSkipList::firstIn(const ZScoreRange& r) const {
  if (!tail_ || !r.aboveMin(tail_->score)) return nullptr;
  ZSkipNode* x = header_;
  for (int i = level_ - 1; i >= 0; i--)
    while (x->level(i).forward && !r.aboveMin(x->level(i).forward->score)) x = x->level(i).forward;
  x = x->level(0).forward;  // not null: the tail is above min
  return r.belowMax(x->score) ? x : nullptr;
}

ZSkipNode* ZSkipList::lastIn(const ZScoreRange& r) const {
  ZSkipNode* head = header_->level(0).forward;
  if (!head || !r.belowMax(head->score)) return nullptr;
  ZSkipNode* x = header_;
  for (int i = level_ - 1; i >= 0; i--)
    while (x->level(i).forward && r.belowMax(x->level(i).forward->score)) x = x->level(i).forward;
  return r.aboveMin(x->score) ? x : nullptr;
}

// As Redis, a lex range is first tested against both ends of the list (which decides the
// answer when the members of the range do not all share one score).
static bool lexRangeReaches(std::string_view first, std::string_view last, const ZLexRange& r) {
  return r.aboveMin(last) && r.belowMax(first);
}

ZSkipNode* ZSkipList::firstIn(const ZLexRange& r) const {
  if (!tail_ || !lexRangeReaches(first()->member(), tail_->member(), r)) return nullptr;
  ZSkipNode* x = header_;
  for (int i = level_ - 1; i >= 0; i--)
    while (x->level(i).forward && !r.aboveMin(x->level(i).forward->member())) x = x->level(i).forward;
  x = x->level(0).forward;
  return r.belowMax(x->member()) ? x : nullptr;
}

ZSkipNode* ZSkipList::lastIn(const ZLexRange& r) const {
  if (!tail_ || !lexRangeReaches(first()->member(), tail_->member(), r)) return nullptr;
  ZSkipNode* x = header_;
  for (int i = level_ - 1; i >= 0; i--)
    while (x->level(i).forward && r.belowMax(x->level(i).forward->member())) x = x->level(i).forward;
  return r.aboveMin(x->member()) ? x : nullptr;
}

template <class Pred>
size_t ZSkipList::eraseRun(ZSkipNode* x, ZSkipNode** update,
                           Dict<ZMemberKey, ZSkipNode*>* dict, unsigned long limit,
                           Pred keep_going) {
  size_t removed = 0;
  // The predecessors stay the same for every node of a run: each removed node was the
  // one right after them.
  while (x && removed < limit && keep_going(x)) {
    ZSkipNode* next = x->level(0).forward;
    unlink(x, update);
    dict->erase(x->member());
    freeNode(x);
    removed++;
    x = next;
  }
  return removed;
}

size_t ZSkipList::eraseRange(const ZScoreRange& r, Dict<ZMemberKey, ZSkipNode*>* dict) {
  ZSkipNode* update[kMaxLevel];
  ZSkipNode* x = header_;
  for (int i = level_ - 1; i >= 0; i--) {
    while (x->level(i).forward && !r.aboveMin(x->level(i).forward->score)) x = x->level(i).forward;
    update[i] = x;
  }
  return eraseRun(x->level(0).forward, update, dict, ULONG_MAX,
                  [&](ZSkipNode* n) { return r.belowMax(n->score); });
}

size_t ZSkipList::eraseRange(const ZLexRange& r, Dict<ZMemberKey, ZSkipNode*>* dict) {
  ZSkipNode* update[kMaxLevel];
  ZSkipNode* x = header_;
  for (int i = level_ - 1; i >= 0; i--) {
    while (x->level(i).forward && !r.aboveMin(x->level(i).forward->member())) x = x->level(i).forward;
    update[i] = x;
  }
  return eraseRun(x->level(0).forward, update, dict, ULONG_MAX,
                  [&](ZSkipNode* n) { return r.belowMax(n->member()); });
}

size_t ZSkipList::eraseRankRange(unsigned long start, unsigned long end,
                                 Dict<ZMemberKey, ZSkipNode*>* dict) {
  ZSkipNode* update[kMaxLevel];
  ZSkipNode* x = header_;
  unsigned long traversed = 0;
  for (int i = level_ - 1; i >= 0; i--) {
    while (x->level(i).forward && traversed + x->level(i).span < start) {
      traversed += x->level(i).span;
      x = x->level(i).forward;
    }
    update[i] = x;
  }
  return eraseRun(x->level(0).forward, update, dict, end - start + 1,
                  [](ZSkipNode*) { return true; });
}

std::string ZSkipList::checkInvariants() const {
  std::unordered_map<const ZSkipNode*, unsigned long> rank_of;
  rank_of[header_] = 0;
  unsigned long n = 0;
  int max_height = 1;
  const ZSkipNode* prev = nullptr;
  for (const ZSkipNode* x = header_->level(0).forward; x; x = x->level(0).forward) {
    n++;
    rank_of[x] = n;
    if (x->backward != prev) return "wrong backward link at rank " + std::to_string(n);
    if (prev && !zsetLess(prev->score, prev->member(), x->score, x->member()))
      return "out of order at rank " + std::to_string(n);
    if (x->height < 1 || x->height > kMaxLevel) return "bad height at rank " + std::to_string(n);
    max_height = std::max<int>(max_height, x->height);
    prev = x;
  }
  if (n != length_) return "length " + std::to_string(length_) + " but " + std::to_string(n) + " nodes";
  if (tail_ != prev) return "wrong tail";
  if (level_ != max_height) return "level " + std::to_string(level_) + " but highest node " + std::to_string(max_height);
  for (int i = level_; i < kMaxLevel; i++)
    if (header_->level(i).forward) return "link above the list level " + std::to_string(i);
  for (int i = 0; i < level_; i++) {
    size_t on_level = 0;
    for (const ZSkipNode* x = header_; x->level(i).forward; x = x->level(i).forward) {
      const ZSkipNode* f = x->level(i).forward;
      if (f->height <= i) return "node below level " + std::to_string(i) + " linked on it";
      if (rank_of[f] - rank_of[x] != x->level(i).span)
        return "wrong span on level " + std::to_string(i) + " at rank " + std::to_string(rank_of[x]);
      on_level++;
    }
    size_t expected = 0;
    for (const auto& [node, r] : rank_of)
      if (node != header_ && node->height > i) expected++;
    if (on_level != expected) return "level " + std::to_string(i) + " misses nodes";
  }
  return "";
}

// ==== ZSetValue ==============================================================

namespace {

constexpr size_t kNpos = static_cast<size_t>(-1);

// A score as Redis writes it into a listpack: an integer when integral and within
// +/-2^62 (so -0 is stored as 0), else %.17g. The text always reads back to the same
// double (after the -0 normalisation).
std::string_view listpackScoreText(double s, char (&buf)[32]) {
  constexpr double kLimit = static_cast<double>(LLONG_MAX / 2);
  if (s >= -kLimit && s <= kLimit) {
    long long ll = static_cast<long long>(s);
    if (static_cast<double>(ll) == s) {
      auto r = std::to_chars(buf, buf + sizeof(buf), ll);
      return {buf, static_cast<size_t>(r.ptr - buf)};
    }
  }
  if (std::isinf(s)) return s > 0 ? "inf" : "-inf";
  int n = snprintf(buf, sizeof(buf), "%.17g", s);
  return {buf, static_cast<size_t>(n)};
}

// The score of the pair whose member entry is at member_pos.
double packedScore(const PackedBuf& lp, size_t member_pos) {
  size_t sp = lp.next(member_pos);
  long long v;
  if (lp.getInt(sp, &v)) return static_cast<double>(v);
  PackedBuf::Scratch scratch;
  std::string_view text = lp.get(sp, scratch);
  char buf[64];
  size_t n = std::min(text.size(), sizeof(buf) - 1);
  memcpy(buf, text.data(), n);
  buf[n] = '\0';
  return strtod(buf, nullptr);
}

}  // namespace

void ZSetValue::Cursor::load() {
  if (pos_ == kNone || pos_ >= lp_->bytes()) {
    pos_ = kNone;
    return;
  }
  score_ = packedScore(*lp_, pos_);
}

void ZSetValue::Cursor::next() {
  if (node_) {
    node_ = node_->level(0).forward;
    return;
  }
  if (pos_ == kNone) return;
  pos_ = lp_->next(lp_->next(pos_));
  idx_++;
  load();
}

void ZSetValue::Cursor::prev() {
  if (node_) {
    node_ = node_->backward;
    return;
  }
  if (pos_ == kNone) return;
  if (pos_ == 0) {
    pos_ = kNone;
    return;
  }
  pos_ = lp_->prev(lp_->prev(pos_));
  idx_--;
  load();
}

ZSetValue::ZSetValue(bool skiplist) {
  if (skiplist) sl_ = std::make_unique<Skip>();
}

ZSetValue::~ZSetValue() = default;
ZSetValue::ZSetValue(ZSetValue&&) noexcept = default;
ZSetValue& ZSetValue::operator=(ZSetValue&&) noexcept = default;

double ZSetValue::scoreAt(size_t member_pos) const { return packedScore(lp_, member_pos); }

size_t ZSetValue::findPair(std::string_view member, double* score, size_t* index) const {
  size_t i = 0;
  for (size_t pos = 0, end = lp_.bytes(); pos < end; pos = nextPair(pos), i++) {
    if (lp_.equals(pos, member)) {
      if (score) *score = scoreAt(pos);
      if (index) *index = i;
      return pos;
    }
  }
  return kNpos;
}

size_t ZSetValue::pairPosAt(size_t rank0) const {
  size_t n = size();
  if (rank0 <= n / 2) {
    size_t pos = 0;
    for (size_t i = 0; i < rank0; i++) pos = nextPair(pos);
    return pos;
  }
  size_t pos = lp_.bytes();
  for (size_t i = n; i > rank0; i--) pos = prevPair(pos);
  return pos;
}

// Inserts before the first pair that sorts after (score, member), as Redis's zzlInsert.
void ZSetValue::insertPair(double score, std::string_view member) {
  score = listpackScore(score);
  Scratch scratch;
  size_t pos = 0, end = lp_.bytes();
  for (; pos < end; pos = nextPair(pos)) {
    double s = scoreAt(pos);
    if (s > score || (s == score && lp_.get(pos, scratch).compare(member) > 0)) break;
  }
  char buf[32];
  lp_.insert(pos, member);
  lp_.insert(lp_.next(pos), listpackScoreText(score, buf));
}

void ZSetValue::appendPair(double score, std::string_view member) {
  char buf[32];
  lp_.pushBack(member);
  lp_.pushBack(listpackScoreText(listpackScore(score), buf));
}

bool ZSetValue::score(std::string_view member, double* out) const {
  if (sl_) {
    auto* e = sl_->dict.find(member);
    if (!e) return false;
    *out = e->value->score;
    return true;
  }
  return findPair(member, out, nullptr) != kNpos;
}

long ZSetValue::rank(std::string_view member, bool reverse) const {
  long n = static_cast<long>(size());
  long r;
  if (sl_) {
    auto* e = sl_->dict.find(member);
    if (!e) return -1;
    r = static_cast<long>(sl_->list.rank(e->value->score, member)) - 1;
  } else {
    size_t idx;
    if (findPair(member, nullptr, &idx) == kNpos) return -1;
    r = static_cast<long>(idx);
  }
  return reverse ? n - 1 - r : r;
}

bool ZSetValue::add(double score, std::string_view member, int in_flags, int* out_flags,
                    double* newscore) {
  bool incr = in_flags & ZADD_IN_INCR, nx = in_flags & ZADD_IN_NX, xx = in_flags & ZADD_IN_XX;
  bool gt = in_flags & ZADD_IN_GT, lt = in_flags & ZADD_IN_LT;
  *out_flags = 0;
  if (std::isnan(score)) {
    *out_flags = ZADD_OUT_NAN;
    return false;
  }

  // An existing member: NX keeps it, INCR adds, GT/LT compare, then the score moves.
  auto update = [&](double cur, auto&& apply) {
    if (nx) {
      *out_flags |= ZADD_OUT_NOP;
      return true;
    }
    if (incr) {
      score += cur;
      if (std::isnan(score)) {
        *out_flags |= ZADD_OUT_NAN;
        return false;
      }
    }
    if ((lt && score >= cur) || (gt && score <= cur)) {
      *out_flags |= ZADD_OUT_NOP;
      return true;
    }
    if (newscore) *newscore = score;
    if (score != cur) {
      apply();
      *out_flags |= ZADD_OUT_UPDATED;
    }
    return true;
  };

  if (!sl_) {
    double cur;
    size_t pos = findPair(member, &cur, nullptr);
    if (pos != kNpos) {
      return update(cur, [&] {
        // Remove and insert again, as Redis does (the member may move anywhere).
        lp_.erase(pos, 2);
        insertPair(score, member);
      });
    }
    if (xx) {
      *out_flags |= ZADD_OUT_NOP;
      return true;
    }
    // Check the limits before inserting, as Redis does.
    if (size() + 1 <= listpackMaxEntries() && member.size() <= listpackMaxValue()) {
      insertPair(score, member);
      if (newscore) *newscore = score;
      *out_flags |= ZADD_OUT_ADDED;
      return true;
    }
    convertToSkiplist();
  }

  if (auto* e = sl_->dict.find(member)) {
    ZSkipNode* node = e->value;
    return update(node->score, [&] { sl_->list.updateScore(node, score); });
  }
  if (xx) {
    *out_flags |= ZADD_OUT_NOP;
    return true;
  }
  ZSkipNode* node = sl_->list.insert(score, member);
  sl_->dict.insert(ZMemberKey{node}, node);
  *out_flags |= ZADD_OUT_ADDED;
  if (newscore) *newscore = score;
  return true;
}

bool ZSetValue::remove(std::string_view member) {
  if (!sl_) {
    size_t pos = findPair(member, nullptr, nullptr);
    if (pos == kNpos) return false;
    lp_.erase(pos, 2);
    return true;
  }
  ZSkipNode* node = nullptr;
  if (!sl_->dict.eraseWith(member, [&](Table::Entry& e) { node = e.value; })) return false;
  sl_->list.erase(node->score, node->member());
  return true;
}

void ZSetValue::convertToSkiplist() {
  if (sl_) return;
  auto s = std::make_unique<Skip>();
  forEach([&](std::string_view m, double score) {
    ZSkipNode* node = s->list.insert(score, m);
    s->dict.insert(ZMemberKey{node}, node);
  });
  lp_ = PackedBuf();
  sl_ = std::move(s);
}

void ZSetValue::convertToListpackIfFits(size_t maxelelen) {
  if (!sl_ || size() > listpackMaxEntries() || maxelelen > listpackMaxValue()) return;
  PackedBuf lp;
  char buf[32];
  forEach([&](std::string_view m, double s) {
    lp.pushBack(m);
    lp.pushBack(listpackScoreText(listpackScore(s), buf));
  });
  sl_.reset();
  lp_ = std::move(lp);
}

void ZSetValue::assignSorted(std::vector<Item>&& sorted, bool skiplist) {
  lp_ = PackedBuf();
  if (!skiplist) {
    sl_.reset();
    for (const Item& it : sorted) appendPair(it.score, it.member);
    return;
  }
  sl_ = std::make_unique<Skip>();
  for (const Item& it : sorted) {
    ZSkipNode* node = sl_->list.insert(it.score, it.member);
    sl_->dict.insert(ZMemberKey{node}, node);
  }
}

std::vector<ZSetValue::Item> ZSetValue::items() const {
  std::vector<Item> out;
  out.reserve(size());
  forEach([&](std::string_view m, double s) { out.push_back(Item{std::string(m), s}); });
  return out;
}

ZSetValue::Cursor ZSetValue::atRank(size_t rank0) const {
  Cursor c;
  if (!sl_) {
    c.lp_ = &lp_;
    if (rank0 >= size()) return c;
    c.pos_ = pairPosAt(rank0);
    c.idx_ = rank0;
    c.load();
  } else if (rank0 == 0) {
    c.node_ = sl_->list.first();
  } else if (rank0 + 1 == size()) {
    c.node_ = sl_->list.last();
  } else {
    c.node_ = sl_->list.byRank(rank0 + 1);
  }
  return c;
}

// The compact layout finds range ends by a linear scan from the matching end, as Redis's
// listpack functions do.
ZSetValue::Cursor ZSetValue::firstIn(const ZScoreRange& r) const {
  Cursor c;
  if (sl_) {
    c.node_ = sl_->list.firstIn(r);
    return c;
  }
  c.lp_ = &lp_;
  size_t i = 0;
  for (size_t pos = 0, end = lp_.bytes(); pos < end; pos = nextPair(pos), i++) {
    double s = scoreAt(pos);
    if (r.aboveMin(s)) {
      if (r.belowMax(s)) {
        c.pos_ = pos;
        c.idx_ = i;
        c.score_ = s;
      }
      break;
    }
  }
  return c;
}

ZSetValue::Cursor ZSetValue::lastIn(const ZScoreRange& r) const {
  Cursor c;
  if (sl_) {
    c.node_ = sl_->list.lastIn(r);
    return c;
  }
  c.lp_ = &lp_;
  size_t i = size();
  for (size_t pos = lp_.bytes(); pos > 0;) {
    pos = prevPair(pos);
    i--;
    double s = scoreAt(pos);
    if (r.belowMax(s)) {
      if (r.aboveMin(s)) {
        c.pos_ = pos;
        c.idx_ = i;
        c.score_ = s;
      }
      break;
    }
  }
  return c;
}

// Listpack lex ranges are found by a linear scan from the matching end, as Redis does:
// with members of different scores the result depends on the scan, not on an order.
ZSetValue::Cursor ZSetValue::firstIn(const ZLexRange& r) const {
  Cursor c;
  if (sl_) {
    c.node_ = sl_->list.firstIn(r);
    return c;
  }
  c.lp_ = &lp_;
  if (lp_.empty()) return c;
  Scratch s1, s2;
  if (!lexRangeReaches(lp_.get(0, s1), lp_.get(prevPair(lp_.bytes()), s2), r)) return c;
  size_t i = 0;
  for (size_t pos = 0, end = lp_.bytes(); pos < end; pos = nextPair(pos), i++) {
    std::string_view m = lp_.get(pos, s1);
    if (r.aboveMin(m)) {
      if (r.belowMax(m)) {
        c.pos_ = pos;
        c.idx_ = i;
        c.load();
      }
      break;
    }
  }
  return c;
}

ZSetValue::Cursor ZSetValue::lastIn(const ZLexRange& r) const {
  Cursor c;
  if (sl_) {
    c.node_ = sl_->list.lastIn(r);
    return c;
  }
  c.lp_ = &lp_;
  if (lp_.empty()) return c;
  Scratch s1, s2;
  if (!lexRangeReaches(lp_.get(0, s1), lp_.get(prevPair(lp_.bytes()), s2), r)) return c;
  size_t i = size();
  for (size_t pos = lp_.bytes(); pos > 0;) {
    pos = prevPair(pos);
    i--;
    std::string_view m = lp_.get(pos, s1);
    if (r.belowMax(m)) {
      if (r.aboveMin(m)) {
        c.pos_ = pos;
        c.idx_ = i;
        c.load();
      }
      break;
    }
  }
  return c;
}

size_t ZSetValue::rankOf(const Cursor& cur) const {
  if (!cur.node_) return cur.idx_;
  return sl_->list.rank(cur.node_->score, cur.node_->member()) - 1;
}

size_t ZSetValue::removeRankRange(size_t start, size_t end) {
  if (sl_) return sl_->list.eraseRankRange(start + 1, end + 1, &sl_->dict);
  size_t from = pairPosAt(start), to = from, n = end - start + 1;
  for (size_t i = 0; i < n; i++) to = nextPair(to);
  lp_.eraseBytes(from, to, 2 * n);
  return n;
}

size_t ZSetValue::removeRange(const ZScoreRange& r) {
  if (sl_) return sl_->list.eraseRange(r, &sl_->dict);
  Cursor c = firstIn(r);
  if (!c.valid()) return 0;
  size_t from = c.pos_, to = from, n = 0;
  while (to < lp_.bytes() && r.belowMax(scoreAt(to))) {
    to = nextPair(to);
    n++;
  }
  lp_.eraseBytes(from, to, 2 * n);
  return n;
}

size_t ZSetValue::removeRange(const ZLexRange& r) {
  if (sl_) return sl_->list.eraseRange(r, &sl_->dict);
  Cursor c = firstIn(r);
  if (!c.valid()) return 0;
  size_t from = c.pos_, to = from, n = 0;
  Scratch s;
  while (to < lp_.bytes() && r.belowMax(lp_.get(to, s))) {
    to = nextPair(to);
    n++;
  }
  lp_.eraseBytes(from, to, 2 * n);
  return n;
}

void ZSetValue::popEnd(bool max, std::string* member, double* score) {
  if (!sl_) {
    size_t pos = max ? prevPair(lp_.bytes()) : 0;
    Scratch s;
    member->assign(lp_.get(pos, s));
    *score = scoreAt(pos);
    lp_.erase(pos, 2);
    return;
  }
  ZSkipNode* node = max ? sl_->list.last() : sl_->list.first();
  member->assign(node->member());
  *score = node->score;
  sl_->dict.erase(node->member());
  sl_->list.erase(node->score, node->member());
}

void ZSetValue::random(std::string_view* member, double* score, Scratch& s) {
  if (sl_) {
    ZSkipNode* node = dictFairRandom(sl_->dict)->value;
    *member = node->member();
    *score = node->score;
    return;
  }
  size_t pos = pairPosAt(dictRandom() % size());
  *member = lp_.get(pos, s);
  *score = scoreAt(pos);
}

std::unique_ptr<ZSetValue> ZSetValue::clone() const {
  auto z = std::make_unique<ZSetValue>(sl_ != nullptr);
  if (sl_) {
    forEach([&](std::string_view m, double s) {
      ZSkipNode* node = z->sl_->list.insert(s, m);
      z->sl_->dict.insert(ZMemberKey{node}, node);
    });
  } else {
    z->lp_ = lp_.clone();
  }
  return z;
}

// ==== Keyspace operations ====================================================

Object createZsetFor(std::string_view first_member) {
  Object o = Object::makeZSet();
  if (listpackMaxEntries() == 0 || listpackMaxValue() < first_member.size()) {
    o.zset().convertToSkiplist();
    o.encoding = Encoding::Skiplist;
  }
  return o;
}

bool zsetAdd(Object& o, double score, std::string_view member, int in_flags, int* out_flags,
             double* newscore) {
  bool ok = o.zset().add(score, member, in_flags, out_flags, newscore);
  o.encoding = o.zset().encoding();
  return ok;
}

// An empty result zset whose layout follows Redis's choice for a result of `length`
// members (-1: not known yet): members added later convert it as ZADD would.
static Object createResultZset(long length) {
  Object o = Object::makeZSet();
  if (length > static_cast<long>(listpackMaxEntries())) {
    o.zset().convertToSkiplist();
    o.encoding = Encoding::Skiplist;
  }
  return o;
}

long zsetPop(Client& c, Db& db, const std::string& key, Object& o, bool max, long count,
             ZPopReply shape) {
  auto& r = c.r();
  ZSetValue& z = o.zset();
  if (count == -1) count = 1;
  long n = std::min<long>(count, static_cast<long>(z.size()));
  bool nested = shape == ZPopReply::Nested || shape == ZPopReply::NestedWithKey;
  switch (shape) {
    case ZPopReply::Flat: r.arrayLen(static_cast<size_t>(n) * 2); break;
    case ZPopReply::Nested: r.arrayLen(static_cast<size_t>(n)); break;
    case ZPopReply::FlatWithKey:
      r.arrayLen(static_cast<size_t>(n) * 2 + 1);
      r.bulk(key);
      break;
    case ZPopReply::NestedWithKey:
      r.arrayLen(2);
      r.bulk(key);
      r.arrayLen(static_cast<size_t>(n));
      break;
  }
  std::string member;
  double score;
  for (long i = 0; i < n; i++) {
    z.popEnd(max, &member, &score);
    server.dirty++;
    if (i == 0) {
      notifyKeyspaceEvent(NOTIFY_ZSET, max ? "zpopmax" : "zpopmin", key, db.id);
      signalModifiedKey(&c, db, key);
    }
    if (nested) r.arrayLen(2);
    r.bulk(member);
    r.doubleValue(score);
  }
  if (z.size() == 0) {
    dbDelete(db, key);
    notifyKeyspaceEvent(NOTIFY_GENERIC, "del", key, db.id);
  }
  return n;
}

// ==== Writes: ZADD, ZINCRBY, ZREM, ZREMRANGEBY* ===============================

static constexpr const char* kNanError = "ERR resulting score is not a number (NaN)";

// ZADD's work once its arguments are parsed (see t_zset.h).
void zaddParsed(Client& c, const std::string& key, int flags, bool ch, const double* scores,
                const std::string* members, size_t stride, size_t pairs) {
  bool incr = flags & ZADD_IN_INCR, xx = flags & ZADD_IN_XX;
  bool wrongtype;
  Object* o = lookupWriteOfType(c, key, ObjType::ZSet, &wrongtype);
  if (wrongtype) return;
  long long added = 0, updated = 0, processed = 0;
  double score = 0;
  if (!o && !xx) o = dbAdd(*c.db, key, createZsetFor(members[0]));
  if (o) {
    for (size_t j = 0; j < pairs; j++) {
      int out;
      double newscore = 0;
      if (!zsetAdd(*o, scores[j], members[j * stride], flags, &out, &newscore)) {
        c.r().error(kNanError);
        return;  // only INCR can get here, before anything changed
      }
      if (out & ZADD_OUT_ADDED) added++;
      if (out & ZADD_OUT_UPDATED) updated++;
      if (!(out & ZADD_OUT_NOP)) processed++;
      score = newscore;
    }
    server.dirty += added + updated;
  }

  if (incr) {
    if (processed)
      c.r().doubleValue(score);
    else
      c.r().null();
  } else {
    c.r().integer(ch ? added + updated : added);
  }
  if (added || updated) {
    signalModifiedKey(&c, *c.db, key);
    notifyKeyspaceEvent(NOTIFY_ZSET, incr ? "zincr" : "zadd", key, c.db->id);
  }
}

// ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...], and ZINCRBY
// (flags = ZADD_IN_INCR). Every score is parsed before anything is written.
static void zaddGeneric(Client& c, int flags) {
  const std::string& key = c.arg(1);
  bool ch = false;
  size_t scoreidx = 2;
  for (; scoreidx < c.argc(); scoreidx++) {
    const std::string& opt = c.arg(scoreidx);
    if (equalsIgnoreCase(opt, "nx")) flags |= ZADD_IN_NX;
    else if (equalsIgnoreCase(opt, "xx")) flags |= ZADD_IN_XX;
    else if (equalsIgnoreCase(opt, "ch")) ch = true;
    else if (equalsIgnoreCase(opt, "incr")) flags |= ZADD_IN_INCR;
    else if (equalsIgnoreCase(opt, "gt")) flags |= ZADD_IN_GT;
    else if (equalsIgnoreCase(opt, "lt")) flags |= ZADD_IN_LT;
    else break;
  }
  bool incr = flags & ZADD_IN_INCR, nx = flags & ZADD_IN_NX, xx = flags & ZADD_IN_XX;
  bool gt = flags & ZADD_IN_GT, lt = flags & ZADD_IN_LT;

  size_t pairs = c.argc() - scoreidx;
  if (pairs % 2 || pairs == 0) {
    replySyntaxError(c);
    return;
  }
  pairs /= 2;
  if (nx && xx) {
    c.r().error("ERR XX and NX options at the same time are not compatible");
    return;
  }
  if ((gt && nx) || (lt && nx) || (gt && lt)) {
    c.r().error("ERR GT, LT, and/or NX options at the same time are not compatible");
    return;
  }
  if (incr && pairs > 1) {
    c.r().error("ERR INCR option supports a single increment-element pair");
    return;
  }

  double inline_scores[8];
  std::vector<double> heap_scores;
  double* scores = inline_scores;
  if (pairs > 8) {
    heap_scores.resize(pairs);
    scores = heap_scores.data();
  }
  for (size_t j = 0; j < pairs; j++)
    if (!getDoubleOrReply(c, c.arg(scoreidx + 2 * j), &scores[j])) return;

  zaddParsed(c, key, flags, ch, scores, &c.arg(scoreidx + 1), 2, pairs);
}

static void zaddCommand(Client& c) { zaddGeneric(c, ZADD_IN_NONE); }
static void zincrbyCommand(Client& c) { zaddGeneric(c, ZADD_IN_INCR); }

static void zremCommand(Client& c) {
  const std::string& key = c.arg(1);
  bool wrongtype;
  Object* o = lookupWriteOfType(c, key, ObjType::ZSet, &wrongtype);
  if (wrongtype) return;
  if (!o) {
    c.r().integer(0);
    return;
  }
  long long deleted = 0;
  bool key_removed = false;
  for (size_t j = 2; j < c.argc(); j++) {
    if (o->zset().remove(c.arg(j))) deleted++;
    if (o->zset().size() == 0) {
      dbDelete(*c.db, key);
      key_removed = true;
      break;
    }
  }
  if (deleted) {
    notifyKeyspaceEvent(NOTIFY_ZSET, "zrem", key, c.db->id);
    if (key_removed) notifyKeyspaceEvent(NOTIFY_GENERIC, "del", key, c.db->id);
    signalModifiedKey(&c, *c.db, key);
    server.dirty += deleted;
  }
  c.r().integer(deleted);
}

enum class RangeType { Auto, Rank, Score, Lex };

// ZREMRANGEBYRANK / ZREMRANGEBYSCORE / ZREMRANGEBYLEX key min max.
static void zremrangeGeneric(Client& c, RangeType type) {
  const std::string& key = c.arg(1);
  long long start = 0, end = 0;
  ZScoreRange score_range;
  ZLexRange lex_range;
  const char* event = nullptr;
  if (type == RangeType::Rank) {
    event = "zremrangebyrank";
    if (!getLongLongOrReply(c, c.arg(2), &start) || !getLongLongOrReply(c, c.arg(3), &end)) return;
  } else if (type == RangeType::Score) {
    event = "zremrangebyscore";
    if (!parseScoreRange(c.arg(2), c.arg(3), &score_range)) {
      c.r().error("ERR min or max is not a float");
      return;
    }
  } else {
    event = "zremrangebylex";
    if (!parseLexRange(c.arg(2), c.arg(3), &lex_range)) {
      c.r().error("ERR min or max not valid string range item");
      return;
    }
  }

  bool wrongtype;
  Object* o = lookupWriteOfType(c, key, ObjType::ZSet, &wrongtype);
  if (wrongtype) return;
  if (!o) {
    c.r().integer(0);
    return;
  }
  ZSetValue& z = o->zset();
  size_t deleted;
  if (type == RangeType::Rank) {
    long long llen = static_cast<long long>(z.size());
    if (start < 0) start += llen;
    if (end < 0) end += llen;
    if (start < 0) start = 0;
    if (start > end || start >= llen) {
      c.r().integer(0);
      return;
    }
    if (end >= llen) end = llen - 1;
    deleted = z.removeRankRange(static_cast<size_t>(start), static_cast<size_t>(end));
  } else if (type == RangeType::Score) {
    deleted = z.removeRange(score_range);
  } else {
    deleted = z.removeRange(lex_range);
  }
  bool key_removed = false;
  if (z.size() == 0) {
    dbDelete(*c.db, key);
    key_removed = true;
  }
  if (deleted) {
    signalModifiedKey(&c, *c.db, key);
    notifyKeyspaceEvent(NOTIFY_ZSET, event, key, c.db->id);
    if (key_removed) notifyKeyspaceEvent(NOTIFY_GENERIC, "del", key, c.db->id);
  }
  server.dirty += static_cast<long long>(deleted);
  c.r().integer(static_cast<long long>(deleted));
}

static void zremrangebyrankCommand(Client& c) { zremrangeGeneric(c, RangeType::Rank); }
static void zremrangebyscoreCommand(Client& c) { zremrangeGeneric(c, RangeType::Score); }
static void zremrangebylexCommand(Client& c) { zremrangeGeneric(c, RangeType::Lex); }

// ==== Reads: ZCARD, ZSCORE, ZMSCORE, ZRANK, ZCOUNT, ZLEXCOUNT ====================

static void zcardCommand(Client& c) {
  bool wrongtype;
  Object* o = lookupReadOfType(c, c.arg(1), ObjType::ZSet, &wrongtype);
  if (wrongtype) return;
  c.r().integer(o ? static_cast<long long>(o->zset().size()) : 0);
}

static void zscoreCommand(Client& c) {
  bool wrongtype;
  Object* o = lookupReadOfType(c, c.arg(1), ObjType::ZSet, &wrongtype);
  if (wrongtype) return;
  double score;
  if (o && o->zset().score(c.arg(2), &score))
    c.r().doubleValue(score);
  else
    c.r().null();
}

static void zmscoreCommand(Client& c) {
  bool wrongtype;
  Object* o = lookupReadOfType(c, c.arg(1), ObjType::ZSet, &wrongtype);
  if (wrongtype) return;
  auto& r = c.r();
  r.arrayLen(c.argc() - 2);
  double score;
  for (size_t j = 2; j < c.argc(); j++) {
    if (o && o->zset().score(c.arg(j), &score))
      r.doubleValue(score);
    else
      r.null();
  }
}

static void zrankGeneric(Client& c, bool reverse) {
  bool wrongtype;
  Object* o = lookupReadOfType(c, c.arg(1), ObjType::ZSet, &wrongtype);
  if (wrongtype) return;
  long rank = o ? o->zset().rank(c.arg(2), reverse) : -1;
  if (rank >= 0)
    c.r().integer(rank);
  else
    c.r().null();
}

static void zrankCommand(Client& c) { zrankGeneric(c, false); }
static void zrevrankCommand(Client& c) { zrankGeneric(c, true); }

// ZCOUNT / ZLEXCOUNT: a listpack counts from the first member in range; a skiplist
// subtracts ranks (O(log N)).
template <class Range, class InMax>
static void countInRange(Client& c, const Range& range, InMax below_max) {
  bool wrongtype;
  Object* o = lookupReadOfType(c, c.arg(1), ObjType::ZSet, &wrongtype);
  if (wrongtype) return;
  if (!o) {
    c.r().integer(0);
    return;
  }
  ZSetValue& z = o->zset();
  long long count = 0;
  ZSetValue::Cursor first = z.firstIn(range);
  if (first.valid()) {
    if (z.isListpack()) {
      for (ZSetValue::Cursor cur = first; cur.valid() && below_max(cur); cur.next()) count++;
    } else {
      ZSetValue::Cursor last = z.lastIn(range);
      count = static_cast<long long>(z.size() - z.rankOf(first));
      if (last.valid()) count -= static_cast<long long>(z.size() - 1 - z.rankOf(last));
    }
  }
  c.r().integer(count);
}

static void zcountCommand(Client& c) {
  ZScoreRange range;
  if (!parseScoreRange(c.arg(2), c.arg(3), &range)) {
    c.r().error("ERR min or max is not a float");
    return;
  }
  countInRange(c, range, [&](const ZSetValue::Cursor& cur) { return range.belowMax(cur.score()); });
}

static void zlexcountCommand(Client& c) {
  ZLexRange range;
  if (!parseLexRange(c.arg(2), c.arg(3), &range)) {
    c.r().error("ERR min or max not valid string range item");
    return;
  }
  countInRange(c, range, [&](const ZSetValue::Cursor& cur) { return range.belowMax(cur.member()); });
}

// ==== ZRANGE and friends =====================================================

namespace {

// Where a range goes: to the client (ZRANGE ...) or into a new zset (ZRANGESTORE).
class RangeSink {
 public:
  // To the client, with or without scores.
  RangeSink(Client& c, bool withscores) : c_(c), withscores_(withscores) {}
  // Into dst.
  RangeSink(Client& c, const std::string* dst) : c_(c), withscores_(true), dst_(dst) {}

  // length: members to come, or -1 when not known yet.
  void begin(long length) {
    if (dst_) {
      result_ = createResultZset(length);
      return;
    }
    if (length > 0) {
      c_.r().arrayLen(static_cast<size_t>(length) * (withscores_ && c_.resp == 2 ? 2 : 1));
      deferred_ = false;
    } else {
      len_ = c_.r().deferLen();
      deferred_ = true;
    }
  }

  void emit(std::string_view member, double score) {
    count_++;
    if (dst_) {
      int out;
      zsetAdd(result_, score, member, ZADD_IN_NONE, &out, nullptr);
      return;
    }
    auto& r = c_.r();
    if (withscores_ && c_.resp > 2) r.arrayLen(2);
    r.bulk(member);
    if (withscores_) r.doubleValue(score);
  }

  void finish() {
    if (!dst_) {
      if (deferred_) c_.r().setDeferredArrayLen(len_, count_ * (withscores_ && c_.resp == 2 ? 2 : 1));
      return;
    }
    Db& db = *c_.db;
    if (count_) {
      setKey(&c_, db, *dst_, std::move(result_));
      c_.r().integer(static_cast<long long>(count_));
      notifyKeyspaceEvent(NOTIFY_ZSET, "zrangestore", *dst_, db.id);
      server.dirty++;
    } else {
      c_.r().integer(0);
      if (dbDelete(db, *dst_)) {
        signalModifiedKey(&c_, db, *dst_);
        notifyKeyspaceEvent(NOTIFY_GENERIC, "del", *dst_, db.id);
        server.dirty++;
      }
    }
  }

 private:
  Client& c_;
  bool withscores_;
  const std::string* dst_ = nullptr;
  Object result_;
  Deferred len_;
  bool deferred_ = false;
  size_t count_ = 0;
};

void rangeByRank(RangeSink& sink, ZSetValue& z, long long start, long long end, bool reverse) {
  long long llen = static_cast<long long>(z.size());
  if (start < 0) start += llen;
  if (end < 0) end += llen;
  if (start < 0) start = 0;
  if (start > end || start >= llen) {
    sink.begin(0);
    sink.finish();
    return;
  }
  if (end >= llen) end = llen - 1;
  long long n = end - start + 1;
  sink.begin(static_cast<long>(n));
  ZSetValue::Cursor cur = z.atRank(static_cast<size_t>(reverse ? llen - 1 - start : start));
  while (n--) {
    sink.emit(cur.member(), cur.score());
    if (reverse)
      cur.prev();
    else
      cur.next();
  }
  sink.finish();
}

// BYSCORE / BYLEX: from the first (last, when reversed) member in range, skip `offset`
// members, then emit at most `limit` (negative: all) while they stay in range. A
// negative offset skips everything, as in Redis.
template <class Range, class InRange>
void rangeByBounds(RangeSink& sink, ZSetValue& z, const Range& range, long long offset,
                   long long limit, bool reverse, InRange still_in_range) {
  sink.begin(-1);
  if (offset > 0 && offset >= static_cast<long long>(z.size())) {
    sink.finish();
    return;
  }
  ZSetValue::Cursor cur = reverse ? z.lastIn(range) : z.firstIn(range);
  auto step = [&] {
    if (reverse)
      cur.prev();
    else
      cur.next();
  };
  while (cur.valid() && offset--) step();
  while (cur.valid() && limit--) {
    if (!still_in_range(cur)) break;
    sink.emit(cur.member(), cur.score());
    step();
  }
  sink.finish();
}

}  // namespace

enum class Direction { Auto, Forward, Reverse };

// ZRANGE / ZRANGESTORE and the older Z[REV]RANGE[BYSCORE|BYLEX] forms: `key_idx` is the
// source key, followed by min, max and the options.
static void zrangeGeneric(Client& c, size_t key_idx, const std::string* dst, RangeType type,
                          Direction dir) {
  const std::string& key = c.arg(key_idx);
  size_t minidx = key_idx + 1, maxidx = key_idx + 2;
  bool withscores = false;
  long long offset = 0, limit = -1;

  for (size_t j = key_idx + 3; j < c.argc(); j++) {
    size_t left = c.argc() - j - 1;
    const std::string& opt = c.arg(j);
    if (!dst && equalsIgnoreCase(opt, "withscores")) {
      withscores = true;
    } else if (equalsIgnoreCase(opt, "limit") && left >= 2) {
      if (!getLongLongOrReply(c, c.arg(j + 1), &offset) || !getLongLongOrReply(c, c.arg(j + 2), &limit)) return;
      j += 2;
    } else if (dir == Direction::Auto && equalsIgnoreCase(opt, "rev")) {
      dir = Direction::Reverse;
    } else if (type == RangeType::Auto && equalsIgnoreCase(opt, "bylex")) {
      type = RangeType::Lex;
    } else if (type == RangeType::Auto && equalsIgnoreCase(opt, "byscore")) {
      type = RangeType::Score;
    } else {
      replySyntaxError(c);
      return;
    }
  }
  if (dir == Direction::Auto) dir = Direction::Forward;
  if (type == RangeType::Auto) type = RangeType::Rank;
  bool reverse = dir == Direction::Reverse;

  if (limit != -1 && type == RangeType::Rank) {
    c.r().error("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
    return;
  }
  if (withscores && type == RangeType::Lex) {
    c.r().error("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
    return;
  }
  if (reverse && type != RangeType::Rank) std::swap(minidx, maxidx);  // given as max, min

  long long start = 0, end = 0;
  ZScoreRange score_range;
  ZLexRange lex_range;
  if (type == RangeType::Rank) {
    if (!getLongLongOrReply(c, c.arg(minidx), &start) || !getLongLongOrReply(c, c.arg(maxidx), &end)) return;
  } else if (type == RangeType::Score) {
    if (!parseScoreRange(c.arg(minidx), c.arg(maxidx), &score_range)) {
      c.r().error("ERR min or max is not a float");
      return;
    }
  } else if (!parseLexRange(c.arg(minidx), c.arg(maxidx), &lex_range)) {
    c.r().error("ERR min or max not valid string range item");
    return;
  }

  std::optional<RangeSink> sink;
  if (dst)
    sink.emplace(c, dst);
  else
    sink.emplace(c, withscores);

  Object* o = lookupKeyRead(*c.db, key);
  if (!o) {
    if (dst) {
      sink->begin(-1);
      sink->finish();
    } else {
      c.r().emptyArray();
    }
    return;
  }
  if (o->type != ObjType::ZSet) {
    replyWrongType(c);
    return;
  }
  ZSetValue& z = o->zset();
  switch (type) {
    case RangeType::Auto:
    case RangeType::Rank:
      rangeByRank(*sink, z, start, end, reverse);
      break;
    case RangeType::Score:
      rangeByBounds(*sink, z, score_range, offset, limit, reverse, [&](const ZSetValue::Cursor& cur) {
        return reverse ? score_range.aboveMin(cur.score()) : score_range.belowMax(cur.score());
      });
      break;
    case RangeType::Lex:
      rangeByBounds(*sink, z, lex_range, offset, limit, reverse, [&](const ZSetValue::Cursor& cur) {
        return reverse ? lex_range.aboveMin(cur.member()) : lex_range.belowMax(cur.member());
      });
      break;
  }
}

static void zrangeCommand(Client& c) { zrangeGeneric(c, 1, nullptr, RangeType::Auto, Direction::Auto); }
static void zrangestoreCommand(Client& c) {
  zrangeGeneric(c, 2, &c.arg(1), RangeType::Auto, Direction::Auto);
}
static void zrevrangeCommand(Client& c) {
  zrangeGeneric(c, 1, nullptr, RangeType::Rank, Direction::Reverse);
}
static void zrangebyscoreCommand(Client& c) {
  zrangeGeneric(c, 1, nullptr, RangeType::Score, Direction::Forward);
}
static void zrevrangebyscoreCommand(Client& c) {
  zrangeGeneric(c, 1, nullptr, RangeType::Score, Direction::Reverse);
}
static void zrangebylexCommand(Client& c) {
  zrangeGeneric(c, 1, nullptr, RangeType::Lex, Direction::Forward);
}
static void zrevrangebylexCommand(Client& c) {
  zrangeGeneric(c, 1, nullptr, RangeType::Lex, Direction::Reverse);
}

// ==== Pops ===================================================================

// ZPOPMIN / ZPOPMAX key [count]. Without count a flat pair; with count, pairs nested in
// RESP3. Propagated as they are (the result is deterministic).
static void zpopMinMax(Client& c, bool max) {
  if (c.argc() > 3) {
    replySyntaxError(c);
    return;
  }
  long long count = -1;
  if (c.argc() == 3 && !getPositiveLongOrReply(c, c.arg(2), &count, err::kPositive)) return;
  const std::string& key = c.arg(1);
  bool wrongtype;
  Object* o = lookupWriteOfType(c, key, ObjType::ZSet, &wrongtype);
  if (wrongtype) return;
  if (!o || count == 0) {
    c.r().emptyArray();
    return;
  }
  ZPopReply shape = c.resp > 2 && count != -1 ? ZPopReply::Nested : ZPopReply::Flat;
  zsetPop(c, *c.db, key, *o, max, static_cast<long>(count), shape);
}

static void zpopminCommand(Client& c) { zpopMinMax(c, false); }
static void zpopmaxCommand(Client& c) { zpopMinMax(c, true); }

// ---- Blocking pops ------------------------------------------------------------
// BZPOPMIN / BZPOPMAX / BZMPOP are served at once when one of their keys holds a zset (and
// then replicate as ZPOPMIN/ZPOPMAX key [count popped], as Redis 7.0 does), else the client
// blocks (blocking.cpp) and the command runs again when a zset appears under one of the
// keys; the re-run finds it and answers and replicates exactly like an immediate pop.
// Inside MULTI/EXEC or a script they never block: they answer a null array, as on timeout.

// Pops from the first of keys argv[first, end) holding a zset, or blocks until timeout
// (absolute ms, 0 = forever). `count` -1 is BZPOPMIN's single flat pop; otherwise the
// ZMPOP shape with up to count members.
static void blockingZpop(Client& c, size_t first, size_t end, bool max, long count,
                         long long timeout) {
  for (size_t j = first; j < end; j++) {
    const std::string& key = c.arg(j);
    Object* o = lookupKeyWrite(*c.db, key);
    if (!o) continue;
    if (o->type != ObjType::ZSet) {
      replyWrongType(c);
      return;
    }
    const char* name = max ? "ZPOPMAX" : "ZPOPMIN";
    if (count == -1) {
      zsetPop(c, *c.db, key, *o, max, -1, ZPopReply::FlatWithKey);
      c.rewriteForPropagation({name, key});
    } else {
      std::string k = key;  // the pop may delete the key; argv is rewritten after
      long n = zsetPop(c, *c.db, k, *o, max, count, ZPopReply::NestedWithKey);
      c.rewriteForPropagation({name, std::move(k), ll2string(n)});
    }
    return;
  }
  if (!clientMayBlock(c)) {
    c.r().nullArray();
    return;
  }
  std::vector<std::string> keys(c.argv.begin() + static_cast<long>(first),
                                c.argv.begin() + static_cast<long>(end));
  blockForKeys(c, keys, timeout, BlockType::ZSet);
}

// BZPOPMIN / BZPOPMAX key [key ...] timeout. The timeout is parsed first.
static void bzpopGeneric(Client& c, bool max) {
  long long timeout;
  if (!getTimeoutOrReply(c, c.arg(c.argc() - 1), true, &timeout)) return;
  blockingZpop(c, 1, c.argc() - 1, max, -1, timeout);
}

static void bzpopminCommand(Client& c) { bzpopGeneric(c, false); }
static void bzpopmaxCommand(Client& c) { bzpopGeneric(c, true); }

// ZMPOP numkeys key [key ...] MIN|MAX [COUNT count], and BZMPOP timeout numkeys ...
// (`numkeys_idx` 2): pops from the first key that exists. Replicated as ZPOPMIN/ZPOPMAX
// key <popped>. BZMPOP parses its timeout after the other arguments, as Redis does.
static void zmpopGeneric(Client& c, size_t numkeys_idx, bool blocking) {
  long long numkeys;
  if (!getRangeLongOrReply(c, c.arg(numkeys_idx), 1, LONG_MAX, &numkeys,
                           "ERR numkeys should be greater than 0"))
    return;
  // No room left for MIN|MAX.
  if (numkeys >= static_cast<long long>(c.argc()) - static_cast<long long>(numkeys_idx) - 1) {
    replySyntaxError(c);
    return;
  }
  size_t first_key = numkeys_idx + 1;
  size_t where_idx = first_key + static_cast<size_t>(numkeys);
  bool max;
  const std::string& where = c.arg(where_idx);
  if (equalsIgnoreCase(where, "min")) {
    max = false;
  } else if (equalsIgnoreCase(where, "max")) {
    max = true;
  } else {
    replySyntaxError(c);
    return;
  }
  long long count = -1;
  for (size_t j = where_idx + 1; j < c.argc(); j++) {
    bool more = j + 1 < c.argc();
    if (count == -1 && more && equalsIgnoreCase(c.arg(j), "count")) {
      j++;
      if (!getRangeLongOrReply(c, c.arg(j), 1, LONG_MAX, &count, "ERR count should be greater than 0"))
        return;
    } else {
      replySyntaxError(c);
      return;
    }
  }
  if (count == -1) count = 1;

  long long timeout = 0;
  if (blocking && !getTimeoutOrReply(c, c.arg(1), true, &timeout)) return;
  if (blocking) {
    blockingZpop(c, first_key, where_idx, max, static_cast<long>(count), timeout);
    return;
  }
  for (size_t j = first_key; j < where_idx; j++) {
    const std::string& key = c.arg(j);
    Object* o = lookupKeyWrite(*c.db, key);
    if (!o) continue;
    if (o->type != ObjType::ZSet) {
      replyWrongType(c);
      return;
    }
    std::string k = key;
    long n = zsetPop(c, *c.db, k, *o, max, static_cast<long>(count), ZPopReply::NestedWithKey);
    c.rewriteForPropagation({max ? "ZPOPMAX" : "ZPOPMIN", std::move(k), ll2string(n)});
    return;
  }
  c.r().nullArray();
}

static void zmpopCommand(Client& c) { zmpopGeneric(c, 1, false); }
static void bzmpopCommand(Client& c) { zmpopGeneric(c, 2, true); }

// COMMAND GETKEYS for commands whose keys are "numkeys key [key ...]" (ZUNION, ZINTER,
// ZDIFF, ZINTERCARD, ZMPOP) or "destination numkeys key [key ...]" (the *STORE forms).
// Redis reads numkeys through the key specs first (strict integer), and falls back to its
// atoi-based getkeys function when that fails, which then lists the destination last.
static std::vector<int> numkeysGetKeys(const std::vector<std::string>& argv, int store_idx,
                                       int numkeys_idx) {
  int argc = static_cast<int>(argv.size());
  int first = numkeys_idx + 1;
  if (numkeys_idx >= argc) return {};
  long long n;
  if (string2ll(argv[static_cast<size_t>(numkeys_idx)], &n) && n >= 0) {
    int last = first + static_cast<int>(n) - 1;
    if (!(last >= argc || last < first || first >= argc)) {
      std::vector<int> keys;
      if (store_idx) keys.push_back(store_idx);
      for (int i = first; i <= last; i++) keys.push_back(i);
      return keys;
    }
  }
  int num = atoi(argv[static_cast<size_t>(numkeys_idx)].c_str());
  if (num < 1 || num > argc - first) return {};
  std::vector<int> keys;
  for (int i = 0; i < num; i++) keys.push_back(first + i);
  if (store_idx) keys.push_back(store_idx);
  return keys;
}

static std::vector<int> numkeysAt1GetKeys(const std::vector<std::string>& argv) {
  return numkeysGetKeys(argv, 0, 1);
}
static std::vector<int> numkeysAt2GetKeys(const std::vector<std::string>& argv) {
  return numkeysGetKeys(argv, 0, 2);
}
static std::vector<int> storeNumkeysGetKeys(const std::vector<std::string>& argv) {
  return numkeysGetKeys(argv, 1, 2);
}

// ==== ZRANDMEMBER ============================================================

// Above this ratio of set size to count, ZRANDMEMBER draws distinct members at random;
// below it, it copies the set and removes random members (Redis's CASE 3 / CASE 4).
constexpr unsigned long kZrandmemberSubStrategyMul = 3;

static void zrandmemberWithCount(Client& c, long long l, bool withscores) {
  bool wrongtype;
  Object* o = lookupReadOfType(c, c.arg(1), ObjType::ZSet, &wrongtype);
  if (wrongtype) return;
  auto& r = c.r();
  if (!o) {
    r.emptyArray();
    return;
  }
  ZSetValue& z = o->zset();
  unsigned long size = z.size();
  bool uniq = l >= 0;
  unsigned long count = uniq ? static_cast<unsigned long>(l) : static_cast<unsigned long>(-l);
  if (count == 0) {
    r.emptyArray();
    return;
  }
  bool pairs = withscores && c.resp > 2;
  auto emit = [&](std::string_view m, double s) {
    if (pairs) r.arrayLen(2);
    r.bulk(m);
    if (withscores) r.doubleValue(s);
  };

  // CASE 1: negative count (repetitions allowed) or a single member: independent draws.
  if (!uniq || count == 1) {
    r.arrayLen(withscores && c.resp == 2 ? count * 2 : count);
    std::string_view m;
    double s;
    ZSetValue::Scratch scratch;
    while (count--) {
      z.random(&m, &s, scratch);
      emit(m, s);
      if (c.close_asap) break;
    }
    return;
  }

  unsigned long reply_size = std::min(count, size);
  r.arrayLen(withscores && c.resp == 2 ? reply_size * 2 : reply_size);

  // CASE 2: the whole set, from the highest score down (Redis walks zsets backwards).
  if (count >= size) {
    for (ZSetValue::Cursor cur = z.atRank(size - 1); cur.valid(); cur.prev()) emit(cur.member(), cur.score());
    return;
  }

  // CASE 3: most of the set: copy it, then drop random members.
  if (count * kZrandmemberSubStrategyMul > size) {
    // Cursors, not views: a listpack member may be an integer formatted on demand.
    std::vector<ZSetValue::Cursor> all;
    all.reserve(size);
    for (ZSetValue::Cursor cur = z.atRank(0); cur.valid(); cur.next()) all.push_back(cur);
    while (all.size() > count) {
      size_t i = dictRandom() % all.size();
      all[i] = all.back();
      all.pop_back();
    }
    for (const auto& cur : all) emit(cur.member(), cur.score());
    return;
  }

  // CASE 4: few members out of many. A listpack picks distinct positions in one ordered
  // pass (so they come out in set order, as Redis's listpack sampling does); a skiplist
  // draws until enough distinct members were seen.
  if (z.isListpack()) {
    unsigned long needed = count, left = size;
    for (ZSetValue::Cursor cur = z.atRank(0); cur.valid() && needed; cur.next(), left--) {
      if (dictRandom() % left < needed) {
        emit(cur.member(), cur.score());
        needed--;
      }
    }
    return;
  }
  std::unordered_set<std::string_view> picked;
  picked.reserve(count);
  std::string_view m;
  double s;
  ZSetValue::Scratch scratch;  // unused: skiplist members are views into their nodes
  while (picked.size() < count) {
    z.random(&m, &s, scratch);
    if (picked.insert(m).second) emit(m, s);
  }
}

// ZRANDMEMBER key [count [WITHSCORES]]
static void zrandmemberCommand(Client& c) {
  if (c.argc() >= 3) {
    long long l;
    if (!getRangeLongOrReply(c, c.arg(2), -LONG_MAX, LONG_MAX, &l)) return;
    bool withscores = false;
    if (c.argc() > 4 || (c.argc() == 4 && !equalsIgnoreCase(c.arg(3), "withscores"))) {
      replySyntaxError(c);
      return;
    }
    if (c.argc() == 4) {
      withscores = true;
      if (l < -LONG_MAX / 2 || l > LONG_MAX / 2) {
        c.r().error("ERR value is out of range");
        return;
      }
    }
    zrandmemberWithCount(c, l, withscores);
    return;
  }
  bool wrongtype;
  Object* o = lookupReadOfType(c, c.arg(1), ObjType::ZSet, &wrongtype);
  if (wrongtype) return;
  if (!o) {
    c.r().null();
    return;
  }
  std::string_view m;
  double s;
  ZSetValue::Scratch scratch;
  o->zset().random(&m, &s, scratch);
  c.r().bulk(m);
}

// ==== ZUNION / ZINTER / ZDIFF ================================================

namespace {

enum class SetOp { Union, Inter, Diff };
enum class Aggregate { Sum, Min, Max };

// One input of the set algebra: a zset, a plain set (every member scores 1), or nothing.
struct Source {
  Object* obj = nullptr;
  double weight = 1.0;

  size_t size() const {
    if (!obj) return 0;
    return obj->type == ObjType::Set ? obj->set().size() : obj->zset().size();
  }
  bool find(std::string_view member, double* score) const {
    if (!obj) return false;
    if (obj->type == ObjType::ZSet) return obj->zset().score(member, score);
    if (!obj->set().contains(member)) return false;
    *score = 1.0;
    return true;
  }
  // Calls fn(member, score) until it returns false. Zsets are walked from the highest
  // score down, as Redis's set-algebra iterator does.
  template <class F>
  void visit(F&& fn) const {
    if (!obj) return;
    if (obj->type == ObjType::Set) {
      bool go = true;
      obj->set().forEach([&](std::string_view m) {
        if (go) go = fn(m, 1.0);
      });
      return;
    }
    ZSetValue& z = obj->zset();
    if (z.size() == 0) return;
    for (ZSetValue::Cursor cur = z.atRank(z.size() - 1); cur.valid(); cur.prev())
      if (!fn(cur.member(), cur.score())) return;
  }
};

void aggregate(double* target, double value, Aggregate how) {
  switch (how) {
    case Aggregate::Sum:
      *target += value;
      if (std::isnan(*target)) *target = 0.0;  // +inf + -inf counts as 0
      break;
    case Aggregate::Min: *target = value < *target ? value : *target; break;
    case Aggregate::Max: *target = value > *target ? value : *target; break;
  }
}

}  // namespace

// ZUNION / ZINTER / ZDIFF / ZINTERCARD and their *STORE forms. `numkeys_idx` is where
// numkeys sits (1, or 2 after a destination). Errors come in Redis's order: numkeys,
// then every key's type, then the options.
static void zsetOpGeneric(Client& c, const std::string* dst, size_t numkeys_idx, SetOp op,
                          bool cardinality_only) {
  long long setnum;
  if (!getLongLongOrReply(c, c.arg(numkeys_idx), &setnum)) return;
  if (setnum < 1) {
    c.r().error("ERR at least 1 input key is needed for '" + (c.cmd ? c.cmd->fullname : std::string()) +
                "' command");
    return;
  }
  if (setnum > static_cast<long long>(c.argc() - (numkeys_idx + 1))) {
    replySyntaxError(c);
    return;
  }
  std::vector<Source> src(static_cast<size_t>(setnum));
  size_t j = numkeys_idx + 1;
  for (auto& s : src) {
    Object* o = lookupKeyRead(*c.db, c.arg(j++));
    if (o && o->type != ObjType::ZSet && o->type != ObjType::Set) {
      replyWrongType(c);
      return;
    }
    s.obj = o;
  }

  Aggregate agg = Aggregate::Sum;
  bool withscores = false;
  long long limit = 0;
  while (j < c.argc()) {
    size_t remaining = c.argc() - j;
    const std::string& opt = c.arg(j);
    if (op != SetOp::Diff && !cardinality_only && remaining >= src.size() + 1 &&
        equalsIgnoreCase(opt, "weights")) {
      j++;
      for (auto& s : src)
        if (!getDoubleOrReply(c, c.arg(j++), &s.weight, "ERR weight value is not a float")) return;
    } else if (op != SetOp::Diff && !cardinality_only && remaining >= 2 &&
               equalsIgnoreCase(opt, "aggregate")) {
      const std::string& how = c.arg(j + 1);
      if (equalsIgnoreCase(how, "sum")) {
        agg = Aggregate::Sum;
      } else if (equalsIgnoreCase(how, "min")) {
        agg = Aggregate::Min;
      } else if (equalsIgnoreCase(how, "max")) {
        agg = Aggregate::Max;
      } else {
        replySyntaxError(c);
        return;
      }
      j += 2;
    } else if (!dst && !cardinality_only && equalsIgnoreCase(opt, "withscores")) {
      j++;
      withscores = true;
    } else if (cardinality_only && remaining >= 2 && equalsIgnoreCase(opt, "limit")) {
      if (!getPositiveLongOrReply(c, c.arg(j + 1), &limit, "ERR LIMIT can't be negative")) return;
      j += 2;
    } else {
      replySyntaxError(c);
      return;
    }
  }

  // Smallest inputs first: intersections test fewer members, and the order in which
  // scores are summed is Redis's.
  if (op != SetOp::Diff)
    std::stable_sort(src.begin(), src.end(), [](const Source& a, const Source& b) { return a.size() < b.size(); });

  std::vector<ZSetValue::Item> result;
  unsigned long long cardinality = 0;
  if (op == SetOp::Inter) {
    if (src[0].size() > 0) {
      src[0].visit([&](std::string_view m, double s) {
        double score = src[0].weight * s;
        if (std::isnan(score)) score = 0;
        size_t k = 1;
        for (; k < src.size(); k++) {
          double value;
          if (src[k].obj == src[0].obj) {
            value = s * src[k].weight;
          } else if (src[k].find(m, &value)) {
            value *= src[k].weight;
          } else {
            break;
          }
          aggregate(&score, value, agg);
        }
        if (k < src.size()) return true;
        if (cardinality_only) {
          cardinality++;
          return !(limit && cardinality >= static_cast<unsigned long long>(limit));
        }
        result.push_back(ZSetValue::Item{std::string(m), score});
        return true;
      });
    }
  } else if (op == SetOp::Union) {
    std::unordered_map<std::string, size_t> index;  // member -> position in result
    index.reserve(src.back().size());
    for (const Source& s : src) {
      s.visit([&](std::string_view m, double sc) {
        double score = s.weight * sc;
        if (std::isnan(score)) score = 0;
        auto [it, inserted] = index.try_emplace(std::string(m), result.size());
        if (inserted)
          result.push_back(ZSetValue::Item{it->first, score});
        else
          aggregate(&result[it->second].score, score, agg);
        return true;
      });
    }
  } else {
    bool same_as_first = false;  // the first key repeated: everything is subtracted
    for (size_t k = 1; k < src.size(); k++)
      if (src[k].obj && src[k].obj == src[0].obj) same_as_first = true;
    if (src[0].size() > 0 && !same_as_first) {
      src[0].visit([&](std::string_view m, double s) {
        double unused;
        for (size_t k = 1; k < src.size(); k++)
          if (src[k].find(m, &unused)) return true;
        result.push_back(ZSetValue::Item{std::string(m), s});
        return true;
      });
    }
  }

  auto& r = c.r();
  if (cardinality_only) {
    r.integer(static_cast<long long>(cardinality));
    return;
  }
  std::sort(result.begin(), result.end(), [](const ZSetValue::Item& a, const ZSetValue::Item& b) {
    return zsetLess(a.score, a.member, b.score, b.member);
  });

  if (dst) {
    if (!result.empty()) {
      size_t n = result.size(), maxelelen = 0;
      for (const auto& it : result) maxelelen = std::max(maxelelen, it.member.size());
      Object obj = Object::makeZSet();
      bool skiplist = n > listpackMaxEntries() || maxelelen > listpackMaxValue();
      obj.zset().assignSorted(std::move(result), skiplist);
      obj.encoding = obj.zset().encoding();
      setKey(&c, *c.db, *dst, std::move(obj));
      r.integer(static_cast<long long>(n));
      const char* event = op == SetOp::Union ? "zunionstore" : op == SetOp::Inter ? "zinterstore" : "zdiffstore";
      notifyKeyspaceEvent(NOTIFY_ZSET, event, *dst, c.db->id);
      server.dirty++;
    } else {
      r.integer(0);
      if (dbDelete(*c.db, *dst)) {
        signalModifiedKey(&c, *c.db, *dst);
        notifyKeyspaceEvent(NOTIFY_GENERIC, "del", *dst, c.db->id);
        server.dirty++;
      }
    }
    return;
  }
  r.arrayLen(withscores && c.resp == 2 ? result.size() * 2 : result.size());
  for (const auto& it : result) {
    if (withscores && c.resp > 2) r.arrayLen(2);
    r.bulk(it.member);
    if (withscores) r.doubleValue(it.score);
  }
}

static void zunionstoreCommand(Client& c) { zsetOpGeneric(c, &c.arg(1), 2, SetOp::Union, false); }
static void zinterstoreCommand(Client& c) { zsetOpGeneric(c, &c.arg(1), 2, SetOp::Inter, false); }
static void zdiffstoreCommand(Client& c) { zsetOpGeneric(c, &c.arg(1), 2, SetOp::Diff, false); }
static void zunionCommand(Client& c) { zsetOpGeneric(c, nullptr, 1, SetOp::Union, false); }
static void zinterCommand(Client& c) { zsetOpGeneric(c, nullptr, 1, SetOp::Inter, false); }
static void zintercardCommand(Client& c) { zsetOpGeneric(c, nullptr, 1, SetOp::Inter, true); }
static void zdiffCommand(Client& c) { zsetOpGeneric(c, nullptr, 1, SetOp::Diff, false); }

// ==== ZSCAN ==================================================================

// ZSCAN key cursor [MATCH pattern] [COUNT count]. A listpack is returned whole with
// cursor 0; a skiplist's member table is walked bucket by bucket like SCAN.
static void zscanCommand(Client& c) {
  uint64_t cursor;
  if (!parseScanCursorOrReply(c, c.arg(2), &cursor)) return;
  bool wrongtype;
  Object* o = lookupReadOfType(c, c.arg(1), ObjType::ZSet, &wrongtype);
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

  ZSetValue& z = o->zset();
  if (z.isListpack()) {
    // All of it at once, cursor 0. Scores print as the listpack stores them.
    std::vector<ZSetValue::Cursor> found;
    found.reserve(z.size());
    for (ZSetValue::Cursor cur = z.atRank(0); cur.valid(); cur.next())
      if (!opts.pattern || stringmatch(*opts.pattern, cur.member())) found.push_back(cur);
    r.arrayLen(2);
    r.bulk("0");
    r.arrayLen(found.size() * 2);
    for (const auto& cur : found) {
      r.bulk(cur.member());
      r.bulk(listpackScoreString(cur.score()));
    }
    return;
  }
  // Redis doubles COUNT for pair-returning types and counts both halves of each pair.
  std::vector<std::pair<std::string_view, double>> found;
  cursor = scanDictSteps(z.table(), cursor, opts.count * 2, 2, [&](ZSetValue::Table::Entry& e) {
    if (!opts.pattern || stringmatch(*opts.pattern, e.key)) found.emplace_back(e.key, e.value->score);
  });
  r.arrayLen(2);
  r.bulk(ull2string(cursor));
  r.arrayLen(found.size() * 2);
  for (const auto& [m, s] : found) {
    r.bulk(m);
    r.bulk(d2string(s));
  }
}

// ==== Table ==================================================================

static const char* const kRangeComplexity =
    "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
    "elements returned.";
static const char* const kRangeLimitComplexity =
    "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
    "elements being returned. If M is constant (e.g. always asking for the first 10 elements "
    "with LIMIT), you can consider it O(log(N)).";
static const char* const kRemRangeComplexity =
    "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
    "elements removed by the operation.";
static const char* const kInterComplexity =
    "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the "
    "number of input sorted sets and M being the number of elements in the resulting sorted "
    "set.";
static const char* const kDiffComplexity =
    "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N "
    "is the size of the first set, and K is the size of the result set.";
static const char* const kPopComplexity =
    "O(log(N)*M) with N being the number of elements in the sorted set, and M being the "
    "number of elements popped.";

static const CommandRow kZSetRows[] = {
    {"zadd", -4, "write denyoom fast", "@write @sortedset @fast", 1, 1, 1, zaddCommand,
     "sorted-set", "1.2.0",
     "Add one or more members to a sorted set, or update its score if it already exists",
     "O(log(N)) for each item added, where N is the number of elements in the sorted set."},
    {"zincrby", 4, "write denyoom fast", "@write @sortedset @fast", 1, 1, 1, zincrbyCommand,
     "sorted-set", "1.2.0", "Increment the score of a member in a sorted set",
     "O(log(N)) where N is the number of elements in the sorted set."},
    {"zrem", -3, "write fast", "@write @sortedset @fast", 1, 1, 1, zremCommand, "sorted-set",
     "1.2.0", "Remove one or more members from a sorted set",
     "O(M*log(N)) with N being the number of elements in the sorted set and M the number of "
     "elements to be removed."},
    {"zcard", 2, "readonly fast", "@read @sortedset @fast", 1, 1, 1, zcardCommand, "sorted-set",
     "1.2.0", "Get the number of members in a sorted set", "O(1)"},
    {"zscore", 3, "readonly fast", "@read @sortedset @fast", 1, 1, 1, zscoreCommand,
     "sorted-set", "1.2.0", "Get the score associated with the given member in a sorted set",
     "O(1)"},
    {"zmscore", -3, "readonly fast", "@read @sortedset @fast", 1, 1, 1, zmscoreCommand,
     "sorted-set", "6.2.0", "Get the score associated with the given members in a sorted set",
     "O(N) where N is the number of members being requested."},
    {"zrank", 3, "readonly fast", "@read @sortedset @fast", 1, 1, 1, zrankCommand, "sorted-set",
     "2.0.0", "Determine the index of a member in a sorted set", "O(log(N))"},
    {"zrevrank", 3, "readonly fast", "@read @sortedset @fast", 1, 1, 1, zrevrankCommand,
     "sorted-set", "2.0.0",
     "Determine the index of a member in a sorted set, with scores ordered from high to low",
     "O(log(N))"},
    {"zcount", 4, "readonly fast", "@read @sortedset @fast", 1, 1, 1, zcountCommand,
     "sorted-set", "2.0.0", "Count the members in a sorted set with scores within the given values",
     "O(log(N)) with N being the number of elements in the sorted set."},
    {"zlexcount", 4, "readonly fast", "@read @sortedset @fast", 1, 1, 1, zlexcountCommand,
     "sorted-set", "2.8.9",
     "Count the number of members in a sorted set between a given lexicographical range",
     "O(log(N)) with N being the number of elements in the sorted set."},
    {"zrange", -4, "readonly", "@read @sortedset @slow", 1, 1, 1, zrangeCommand, "sorted-set",
     "1.2.0", "Return a range of members in a sorted set", kRangeComplexity},
    {"zrangestore", -5, "write denyoom", "@write @sortedset @slow", 1, 2, 1, zrangestoreCommand,
     "sorted-set", "6.2.0", "Store a range of members from sorted set into another key",
     "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
     "elements stored into the destination key."},
    {"zrevrange", -4, "readonly", "@read @sortedset @slow", 1, 1, 1, zrevrangeCommand,
     "sorted-set", "1.2.0",
     "Return a range of members in a sorted set, by index, with scores ordered from high to low",
     kRangeComplexity},
    {"zrangebyscore", -4, "readonly", "@read @sortedset @slow", 1, 1, 1, zrangebyscoreCommand,
     "sorted-set", "1.0.5", "Return a range of members in a sorted set, by score",
     kRangeLimitComplexity},
    {"zrevrangebyscore", -4, "readonly", "@read @sortedset @slow", 1, 1, 1,
     zrevrangebyscoreCommand, "sorted-set", "2.2.0",
     "Return a range of members in a sorted set, by score, with scores ordered from high to low",
     kRangeLimitComplexity},
    {"zrangebylex", -4, "readonly", "@read @sortedset @slow", 1, 1, 1, zrangebylexCommand,
     "sorted-set", "2.8.9", "Return a range of members in a sorted set, by lexicographical range",
     kRangeLimitComplexity},
    {"zrevrangebylex", -4, "readonly", "@read @sortedset @slow", 1, 1, 1, zrevrangebylexCommand,
     "sorted-set", "2.8.9",
     "Return a range of members in a sorted set, by lexicographical range, ordered from higher "
     "to lower strings.",
     kRangeLimitComplexity},
    {"zremrangebyrank", 4, "write", "@write @sortedset @slow", 1, 1, 1, zremrangebyrankCommand,
     "sorted-set", "2.0.0", "Remove all members in a sorted set within the given indexes",
     kRemRangeComplexity},
    {"zremrangebyscore", 4, "write", "@write @sortedset @slow", 1, 1, 1, zremrangebyscoreCommand,
     "sorted-set", "1.2.0", "Remove all members in a sorted set within the given scores",
     kRemRangeComplexity},
    {"zremrangebylex", 4, "write", "@write @sortedset @slow", 1, 1, 1, zremrangebylexCommand,
     "sorted-set", "2.8.9",
     "Remove all members in a sorted set between the given lexicographical range",
     kRemRangeComplexity},
    {"zpopmin", -2, "write fast", "@write @sortedset @fast", 1, 1, 1, zpopminCommand,
     "sorted-set", "5.0.0", "Remove and return members with the lowest scores in a sorted set",
     kPopComplexity},
    {"zpopmax", -2, "write fast", "@write @sortedset @fast", 1, 1, 1, zpopmaxCommand,
     "sorted-set", "5.0.0", "Remove and return members with the highest scores in a sorted set",
     kPopComplexity},
    {"zmpop", -4, "write", "@write @sortedset @slow", 0, 0, 0, zmpopCommand, "sorted-set",
     "7.0.0", "Remove and return members with scores in a sorted set",
     "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of "
     "elements in the sorted set, and M being the number of elements popped.",
     "", numkeysAt1GetKeys},
    {"bzpopmin", -3, "write noscript blocking fast", "@sortedset", 1, -2, 1, bzpopminCommand,
     "sorted-set", "5.0.0",
     "Remove and return the member with the lowest score from one or more sorted sets, or "
     "block until one is available",
     "O(log(N)) with N being the number of elements in the sorted set."},
    {"bzpopmax", -3, "write noscript blocking fast", "@sortedset", 1, -2, 1, bzpopmaxCommand,
     "sorted-set", "5.0.0",
     "Remove and return the member with the highest score from one or more sorted sets, or "
     "block until one is available",
     "O(log(N)) with N being the number of elements in the sorted set."},
    {"bzmpop", -5, "write blocking", "@sortedset", 0, 0, 0, bzmpopCommand, "sorted-set", "7.0.0",
     "Remove and return members with scores in a sorted set or block until one is available",
     "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of "
     "elements in the sorted set, and M being the number of elements popped.",
     "", numkeysAt2GetKeys},
    {"zrandmember", -2, "readonly", "@read @sortedset @slow", 1, 1, 1, zrandmemberCommand,
     "sorted-set", "6.2.0", "Get one or multiple random elements from a sorted set",
     "O(N) where N is the number of elements returned", "nondeterministic_output"},
    {"zinter", -3, "readonly", "@read @sortedset @slow", 0, 0, 0, zinterCommand, "sorted-set",
     "6.2.0", "Intersect multiple sorted sets", kInterComplexity, "", numkeysAt1GetKeys},
    {"zinterstore", -4, "write denyoom", "@write @sortedset @slow", 1, 1, 1, zinterstoreCommand,
     "sorted-set", "2.0.0",
     "Intersect multiple sorted sets and store the resulting sorted set in a new key",
     kInterComplexity, "", storeNumkeysGetKeys},
    {"zintercard", -3, "readonly", "@read @sortedset @slow", 0, 0, 0, zintercardCommand,
     "sorted-set", "7.0.0", "Intersect multiple sorted sets and return the cardinality of the result",
     "O(N*K) worst case with N being the smallest input sorted set, K being the number of input "
     "sorted sets.",
     "", numkeysAt1GetKeys},
    {"zunion", -3, "readonly", "@read @sortedset @slow", 0, 0, 0, zunionCommand, "sorted-set",
     "6.2.0", "Add multiple sorted sets",
     "O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being "
     "the number of elements in the resulting sorted set.",
     "", numkeysAt1GetKeys},
    {"zunionstore", -4, "write denyoom", "@write @sortedset @slow", 1, 1, 1, zunionstoreCommand,
     "sorted-set", "2.0.0",
     "Add multiple sorted sets and store the resulting sorted set in a new key",
     "O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being "
     "the number of elements in the resulting sorted set.",
     "", storeNumkeysGetKeys},
    {"zdiff", -3, "readonly", "@read @sortedset @slow", 0, 0, 0, zdiffCommand, "sorted-set",
     "6.2.0", "Subtract multiple sorted sets", kDiffComplexity, "", numkeysAt1GetKeys},
    {"zdiffstore", -4, "write denyoom", "@write @sortedset @slow", 1, 1, 1, zdiffstoreCommand,
     "sorted-set", "6.2.0",
     "Subtract multiple sorted sets and store the resulting sorted set in a new key",
     kDiffComplexity, "", storeNumkeysGetKeys},
    {"zscan", -3, "readonly", "@read @sortedset @slow", 1, 1, 1, zscanCommand, "sorted-set",
     "2.8.0", "Incrementally iterate sorted sets elements and associated scores",
     "O(1) for every call. O(N) for a complete iteration, including enough command calls for "
     "the cursor to return back to 0. N is the number of elements inside the collection..",
     "nondeterministic_output"},
};

CommandRows zsetCommands() { return {kZSetRows, sizeof(kZSetRows) / sizeof(kZSetRows[0])}; }

}  // namespace osprey
