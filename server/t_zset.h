// server/t_zset.h — the sorted set value type, its skiplist, and the keyspace operations
// other families need (the blocking pops, RDB loading, COPY).
//
// A sorted set orders its members by (score, member bytes): equal scores fall back to a
// memcmp of the members, a shorter member first when one is a prefix of the other.
// It has Redis 7.0's two layouts, and OBJECT ENCODING reports which one is in use:
//   * "listpack": while it holds at most zset-max-listpack-entries members and none is
//     longer than zset-max-listpack-value bytes. The pairs live in one PackedBuf (our
//     listpack, object.h) as member, score, member, score ... sorted by score; lookups by
//     member are linear, as in Redis's listpack, and a small set costs one allocation.
//   * "skiplist": a ZSkipList (ordered, with spans so that rank and "element at rank" are
//     O(log N)) plus a Dict from member to node (O(1) score lookups, ZSCAN cursors).
// A listpack converts when ZADD pushes it past either limit; the conversion is one way
// while the key lives. Sets built whole (ZUNIONSTORE, ZRANGESTORE, ...) get the compact
// layout again when their result fits, exactly where Redis does so.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "server/dict.h"
#include "server/object.h"

namespace osprey {

struct Client;
struct Db;

// ==== Ranges ==================================================================

// A score interval: "(1.5" excludes its bound, "-inf" / "+inf" are open ends.
struct ZScoreRange {
  double min = 0, max = 0;
  bool minex = false, maxex = false;
  bool aboveMin(double v) const { return minex ? v > min : v >= min; }
  bool belowMax(double v) const { return maxex ? v < max : v <= max; }
};
// Parses ZRANGEBYSCORE-style bounds as Redis does (strtod over the argument, so leading
// spaces and "" are accepted; NaN is not). False: "min or max is not a float".
bool parseScoreRange(std::string_view min, std::string_view max, ZScoreRange* out);

// A lexicographic interval: "[a" includes a, "(a" excludes it, "-" and "+" are the
// smallest and largest possible strings.
struct ZLexBound {
  enum Kind : int8_t { kMinusInf = -1, kValue = 0, kPlusInf = 1 };
  Kind kind = kValue;
  bool exclusive = false;
  std::string value;
};
struct ZLexRange {
  ZLexBound min, max;
  bool aboveMin(std::string_view v) const;
  bool belowMax(std::string_view v) const;
};
// False: "min or max not valid string range item".
bool parseLexRange(std::string_view min, std::string_view max, ZLexRange* out);

// The order of members: by score, then by member bytes.
inline bool zsetLess(double s1, std::string_view m1, double s2, std::string_view m2) {
  return s1 < s2 || (s1 == s2 && m1.compare(m2) < 0);
}

// ==== Skiplist ================================================================

// One node: the fixed part, then `height` levels, then the member bytes, in one block.
struct ZSkipNode {
  struct Level {
    ZSkipNode* forward;
    unsigned long span;  // how many nodes `forward` is ahead of this one
  };
  double score;
  ZSkipNode* backward;
  uint32_t len;
  uint8_t height;

  Level* levels() { return reinterpret_cast<Level*>(this + 1); }
  const Level* levels() const { return reinterpret_cast<const Level*>(this + 1); }
  Level& level(int i) { return levels()[i]; }
  const Level& level(int i) const { return levels()[i]; }
  std::string_view member() const {
    return std::string_view(reinterpret_cast<const char*>(levels() + height), len);
  }
};

// The key of a skiplist zset's member table: the node itself, read as its member. One
// pointer instead of a string_view makes a table entry 24 bytes (the allocator's 32-byte
// class rather than 48), which is what brings the per-member cost down to Redis's.
struct ZMemberKey {
  const ZSkipNode* node;
  operator std::string_view() const { return node->member(); }
};

// A skiplist with spans (Pugh's structure, augmented so that each link knows how many
// nodes it skips): search, insert and delete in O(log N) expected, rank and
// element-at-rank too. Levels are drawn with p = 1/4, at most kMaxLevel.
class ZSkipList {
 public:
  static constexpr int kMaxLevel = 32;

  ZSkipList();
  ~ZSkipList();
  ZSkipList(const ZSkipList&) = delete;
  ZSkipList& operator=(const ZSkipList&) = delete;

  size_t size() const { return length_; }
  int levelCount() const { return level_; }
  ZSkipNode* first() const { return header_->level(0).forward; }
  ZSkipNode* last() const { return tail_; }

  // Inserts a member that is not in the list yet.
  ZSkipNode* insert(double score, std::string_view member);
  // Unlinks and frees the node holding (score, member); false if there is none.
  bool erase(double score, std::string_view member);
  // Gives node a new score, moving it if its place changes. The node object stays the
  // same, so pointers to it (and views of its member) remain valid.
  void updateScore(ZSkipNode* node, double newscore);

  // 1-based rank of (score, member), 0 when absent.
  unsigned long rank(double score, std::string_view member) const;
  // The node at 1-based rank, nullptr when out of range.
  ZSkipNode* byRank(unsigned long rank) const;

  // First / last node inside the range (nullptr when the range holds nothing).
  ZSkipNode* firstIn(const ZScoreRange& r) const;
  ZSkipNode* lastIn(const ZScoreRange& r) const;
  ZSkipNode* firstIn(const ZLexRange& r) const;
  ZSkipNode* lastIn(const ZLexRange& r) const;

  // Remove every node of a range (ranks 1-based, inclusive), erasing each member from
  // `dict` too. Return how many went.
  size_t eraseRange(const ZScoreRange& r, Dict<ZMemberKey, ZSkipNode*>* dict);
  size_t eraseRange(const ZLexRange& r, Dict<ZMemberKey, ZSkipNode*>* dict);
  size_t eraseRankRange(unsigned long start, unsigned long end,
                        Dict<ZMemberKey, ZSkipNode*>* dict);

  // Test hook: checks order, spans, backward links, tail, level and length. Returns an
  // empty string when everything holds, else a description of the first violation.
  std::string checkInvariants() const;

 private:
  static ZSkipNode* allocNode(int height, double score, std::string_view member);
  static void freeNode(ZSkipNode* n);
  int randomLevel();
  // Finds, per level, the last node before (score, member), and its rank.
  void findPath(double score, std::string_view member, ZSkipNode** update,
                unsigned long* rank) const;
  void link(ZSkipNode* node);
  void unlink(ZSkipNode* node, ZSkipNode** update);
  // Unlinks, drops from dict and frees consecutive nodes from `x` (whose predecessors are
  // `update`) while keep_going(node) holds, at most `limit` of them.
  template <class Pred>
  size_t eraseRun(ZSkipNode* x, ZSkipNode** update, Dict<ZMemberKey, ZSkipNode*>* dict,
                  unsigned long limit, Pred keep_going);

  ZSkipNode* header_;
  ZSkipNode* tail_ = nullptr;
  size_t length_ = 0;
  int level_ = 1;
};

// ==== The sorted set ==========================================================

// ZADD's options and outcomes (as Redis's zsetAdd flags).
enum ZAddIn : int { ZADD_IN_NONE = 0, ZADD_IN_INCR = 1, ZADD_IN_NX = 2, ZADD_IN_XX = 4,
                    ZADD_IN_GT = 8, ZADD_IN_LT = 16 };
enum ZAddOut : int { ZADD_OUT_NOP = 1, ZADD_OUT_NAN = 2, ZADD_OUT_ADDED = 4,
                     ZADD_OUT_UPDATED = 8 };

class ZSetValue {
 public:
  using Table = Dict<ZMemberKey, ZSkipNode*>;
  using Scratch = PackedBuf::Scratch;
  struct Item {
    std::string member;
    double score;
  };

  // An empty set in the compact layout, or as a skiplist.
  explicit ZSetValue(bool skiplist = false);
  ~ZSetValue();
  ZSetValue(ZSetValue&&) noexcept;
  ZSetValue& operator=(ZSetValue&&) noexcept;

  bool isListpack() const { return !sl_; }
  Encoding encoding() const { return sl_ ? Encoding::Skiplist : Encoding::Listpack; }
  size_t size() const { return sl_ ? sl_->list.size() : lp_.count() / 2; }

  // The score of member; false when it is not there.
  bool score(std::string_view member, double* out) const;
  // 0-based rank from the lowest (or, reverse, the highest) score; -1 when absent.
  long rank(std::string_view member, bool reverse) const;

  // ZADD's work for one member (Redis's zsetAdd): applies the ZADD_IN_* options, converts
  // the layout when the member or the new count does not fit a listpack, and reports
  // ZADD_OUT_* flags. Returns false when the resulting score would be NaN (nothing
  // changed). *newscore receives the score the member ends with, when it is added/kept.
  bool add(double score, std::string_view member, int in_flags, int* out_flags, double* newscore);
  // Inserts or updates without options (result building, RDB loading).
  void set(double score, std::string_view member) {
    int out;
    add(score, member, ZADD_IN_NONE, &out, nullptr);
  }
  bool remove(std::string_view member);

  void convertToSkiplist();
  // To the compact layout when size and longest member fit the listpack limits.
  void convertToListpackIfFits(size_t maxelelen);

  // A position in order, valid until the set changes. In the compact layout it is the
  // byte position of a (member, score) pair plus its rank; the score is decoded once per
  // move, the member on each member() call (integers are formatted into the cursor).
  class Cursor {
   public:
    bool valid() const { return node_ != nullptr || (lp_ && pos_ != kNone); }
    std::string_view member() const { return node_ ? node_->member() : lp_->get(pos_, scratch_); }
    double score() const { return node_ ? node_->score : score_; }
    void next();
    void prev();

   private:
    friend class ZSetValue;
    static constexpr size_t kNone = static_cast<size_t>(-1);
    void load();  // decodes the score at pos_ (or marks the cursor invalid)

    const PackedBuf* lp_ = nullptr;
    size_t pos_ = kNone;
    size_t idx_ = 0;
    double score_ = 0;
    mutable Scratch scratch_;
    ZSkipNode* node_ = nullptr;
  };
  Cursor atRank(size_t rank0) const;  // 0-based, from the lowest score
  Cursor firstIn(const ZScoreRange& r) const;
  Cursor lastIn(const ZScoreRange& r) const;
  Cursor firstIn(const ZLexRange& r) const;
  Cursor lastIn(const ZLexRange& r) const;
  // 0-based rank of a valid cursor.
  size_t rankOf(const Cursor& cur) const;

  // Range deletions; return how many members went. Ranks are 0-based, inclusive, valid.
  size_t removeRankRange(size_t start, size_t end);
  size_t removeRange(const ZScoreRange& r);
  size_t removeRange(const ZLexRange& r);

  // Removes the lowest (or highest) member, handing it out. The set is not empty.
  void popEnd(bool max, std::string* member, double* score);
  // A random member (close to uniform) and its score. The set is not empty. The view
  // lives until the set changes or `s` is reused.
  void random(std::string_view* member, double* score, Scratch& s);

  // Visits every (member, score) in order; the views are valid during the call.
  template <class F>
  void forEach(F&& fn) const {
    if (sl_) {
      for (ZSkipNode* n = sl_->list.first(); n; n = n->level(0).forward) fn(n->member(), n->score);
    } else {
      for (Cursor cur = atRank(0); cur.valid(); cur.next()) fn(cur.member(), cur.score());
    }
  }

  // A copy of the content in order (RDB writing of the compact layout; prefer forEach).
  std::vector<Item> items() const;
  // Layout-specific access: the packed pairs (listpack), the member table and the list
  // (skiplist).
  const PackedBuf& listpack() const { return lp_; }
  Table& table() { return sl_->dict; }
  const ZSkipList& skiplist() const { return sl_->list; }

  // Replaces the content with items already sorted by (score, member) and unique, laid
  // out as a listpack or a skiplist as asked.
  void assignSorted(std::vector<Item>&& sorted, bool skiplist);

  std::unique_ptr<ZSetValue> clone() const;

  // Bytes held from the allocator by the compact layout (tests, memory accounting).
  size_t listpackAllocated() const { return lp_.allocated(); }

 private:
  struct Skip {
    ZSkipList list;
    Table dict;
  };
  // Compact layout helpers: positions are byte offsets of a pair's member entry.
  size_t findPair(std::string_view member, double* score, size_t* index) const;  // or npos
  double scoreAt(size_t member_pos) const;
  size_t nextPair(size_t pos) const { return lp_.next(lp_.next(pos)); }
  size_t prevPair(size_t pos) const { return lp_.prev(lp_.prev(pos)); }
  size_t pairPosAt(size_t rank0) const;  // walks from the nearer end
  void insertPair(double score, std::string_view member);
  void appendPair(double score, std::string_view member);

  // The listpack layout: member, score, member, score ... sorted by (score, member).
  // Scores are written as Redis writes them (integers when integral, else %.17g), so an
  // integral score costs one or a few bytes.
  PackedBuf lp_;
  std::unique_ptr<Skip> sl_;  // skiplist layout
};

// ==== Keyspace operations on zset objects =======================================

// A new, empty zset object for a ZADD whose first member is `first_member`: a skiplist
// right away when that member cannot live in a listpack (or listpacks are disabled).
Object createZsetFor(std::string_view first_member);
// ZADD-style add keeping o.encoding in step; see ZSetValue::add.
bool zsetAdd(Object& o, double score, std::string_view member, int in_flags, int* out_flags,
             double* newscore);

// ZADD's work once its arguments are parsed and checked: adds `pairs` members (member j at
// members[j * stride], its score scores[j]) to the zset at key with the ZADD_IN_* flags,
// creating the key unless XX, and replies as ZADD does (the count, CH counting updates
// too; INCR's score or null). Does the write's bookkeeping: dirty, signalModifiedKey, the
// "zadd" / "zincr" event. GEOADD reuses it with its computed scores. Propagation is the
// caller's.
void zaddParsed(Client& c, const std::string& key, int flags, bool ch, const double* scores,
                const std::string* members, size_t stride, size_t pairs);

// How zsetPop shapes its reply (Redis's genericZpopCommand variants):
//   Flat          ZPOPMIN/ZPOPMAX without count, or any count in RESP2: m1 s1 m2 s2 ...
//   Nested        ZPOPMIN/ZPOPMAX with count in RESP3: [[m1 s1] [m2 s2] ...]
//   FlatWithKey   BZPOPMIN/BZPOPMAX: key m1 s1
//   NestedWithKey ZMPOP/BZMPOP: [key [[m1 s1] ...]]
enum class ZPopReply { Flat, Nested, FlatWithKey, NestedWithKey };

// Pops up to `count` members (-1: a plain single pop) from the lowest (max=false) or the
// highest end of the non-empty zset `o` stored at `key` in `db`, replying to c in the given
// shape. Does the write's bookkeeping as Redis: server.dirty += popped, one
// "zpopmin"/"zpopmax" event, signalModifiedKey, and deleting the key (with a "del" event)
// once it is empty. Propagation is the caller's: ZPOPMIN/ZPOPMAX propagate as they are;
// ZMPOP and the blocking variants rewrite to "ZPOPMIN|ZPOPMAX key [popped]".
// Returns the number of members popped.
long zsetPop(Client& c, Db& db, const std::string& key, Object& o, bool max, long count,
             ZPopReply shape);

}  // namespace osprey
