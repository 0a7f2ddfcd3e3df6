// server/dict.h — the hash table behind the keyspace and the collections.
//
// A chained hash table with power-of-two buckets and incremental rehashing, like the one
// Redis builds its keyspace on, because Redis's observable behaviour depends on it:
//   * SCAN's cursor walks buckets in reverse-binary order, so a full scan returns every
//     element present from start to end even when the table grows or shrinks in between;
//   * RANDOMKEY / SRANDMEMBER-style sampling picks a random non-empty bucket cheaply;
//   * resizing never stalls the server: each operation moves one bucket to the new table.
// Nodes never move once allocated, so a pointer to an entry (or a string_view of its key)
// stays valid until that entry is erased.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace osprey {

uint64_t dictHash(std::string_view s);  // seeded per process
uint64_t dictRandom();                  // fast PRNG for sampling
// Asked before a table grows (bytes of the new bucket array, entries per bucket now);
// false keeps the table as it is for now. maxmemory installs one (server/evict.cpp), so a
// rehash never pushes used memory past the limit. nullptr: always grow.
inline bool (*g_dict_expand_allowed)(size_t more_bytes, double fill_ratio) = nullptr;

// The default entry: a key object, a value and the chain link, one allocation each.
// A Dict's third parameter may name another node type with the same interface (keyView,
// value, next, create, destroy); the keyspace's KeyNode (server/keyspace.h) keeps the key's
// bytes inside the node instead of in a key object.
template <class K, class V>
struct DictNode {
  K key;
  V value;
  DictNode* next = nullptr;

  std::string_view keyView() const { return std::string_view(key); }
  template <class KK, class VV>
  static DictNode* create(KK&& k, VV&& v) {
    return new DictNode{K(std::forward<KK>(k)), V(std::forward<VV>(v)), nullptr};
  }
  static void destroy(DictNode* n) { delete n; }
};

template <class K, class V, class Node = DictNode<K, V>>
class Dict {
 public:
  using Entry = Node;

  Dict() = default;
  Dict(const Dict&) = delete;
  Dict& operator=(const Dict&) = delete;
  Dict(Dict&& o) noexcept { swap(o); }
  Dict& operator=(Dict&& o) noexcept {
    if (this != &o) {
      clear();
      swap(o);
    }
    return *this;
  }
  ~Dict() { clear(); }

  void swap(Dict& o) noexcept {
    std::swap(t_[0], o.t_[0]);
    std::swap(t_[1], o.t_[1]);
    std::swap(used_[0], o.used_[0]);
    std::swap(used_[1], o.used_[1]);
    std::swap(rehash_idx_, o.rehash_idx_);
    std::swap(pause_rehash_, o.pause_rehash_);
  }

  size_t size() const { return used_[0] + used_[1]; }
  bool empty() const { return size() == 0; }
  size_t buckets() const { return t_[0].size() + t_[1].size(); }
  bool rehashing() const { return rehash_idx_ >= 0; }

  Entry* find(std::string_view key) {
    if (size() == 0) return nullptr;
    step();
    uint64_t h = dictHash(key);
    for (int t = 0; t <= 1; t++) {
      if (t_[t].empty()) continue;
      for (Entry* e = t_[t][h & (t_[t].size() - 1)]; e; e = e->next)
        if (e->keyView() == key) return e;
      if (!rehashing()) break;
    }
    return nullptr;
  }

  // Inserts key if absent. Returns {entry, inserted}.
  template <class KK, class VV>
  std::pair<Entry*, bool> insert(KK&& key, VV&& value) {
    if (Entry* e = find(key)) return {e, false};
    expandIfNeeded();
    int t = rehashing() ? 1 : 0;
    auto& table = t_[t];
    uint64_t h = dictHash(std::string_view(key));
    Entry* e = Entry::create(std::forward<KK>(key), std::forward<VV>(value));
    Entry*& head = table[h & (table.size() - 1)];
    e->next = head;
    head = e;
    used_[t]++;
    return {e, true};
  }

  // Removes key; returns true if it was there. `on_erase` sees the entry before deletion.
  bool erase(std::string_view key) { return eraseWith(key, [](Entry&) {}); }

  template <class F>
  bool eraseWith(std::string_view key, F&& on_erase) {
    if (size() == 0) return false;
    step();
    uint64_t h = dictHash(key);
    for (int t = 0; t <= 1; t++) {
      if (t_[t].empty()) continue;
      Entry** link = &t_[t][h & (t_[t].size() - 1)];
      while (*link) {
        Entry* e = *link;
        if (e->keyView() == key) {
          *link = e->next;
          used_[t]--;
          on_erase(*e);
          Entry::destroy(e);
          shrinkIfNeeded();
          return true;
        }
        link = &e->next;
      }
      if (!rehashing()) break;
    }
    return false;
  }

  void clear() {
    for (auto& table : t_) {
      for (Entry* head : table) {
        while (head) {
          Entry* n = head->next;
          Entry::destroy(head);
          head = n;
        }
      }
      table.clear();
      table.shrink_to_fit();
    }
    used_[0] = used_[1] = 0;
    rehash_idx_ = -1;
  }

  // A random entry (nullptr when empty): a random non-empty bucket, then a random chain
  // position, as Redis's dictGetRandomKey.
  Entry* random() {
    if (size() == 0) return nullptr;
    step();
    Entry* head = nullptr;
    if (rehashing()) {
      size_t s0 = t_[0].size(), s1 = t_[1].size();
      do {
        size_t i = static_cast<size_t>(rehash_idx_) + dictRandom() % (s0 + s1 - static_cast<size_t>(rehash_idx_));
        head = i >= s0 ? t_[1][i - s0] : t_[0][i];
      } while (!head);
    } else {
      size_t mask = t_[0].size() - 1;
      do {
        head = t_[0][dictRandom() & mask];
      } while (!head);
    }
    size_t len = 0;
    for (Entry* e = head; e; e = e->next) len++;
    size_t pick = dictRandom() % len;
    while (pick--) head = head->next;
    return head;
  }

  // Up to `want` entries gathered from a random bucket onwards, walking the buckets in
  // order (both tables while rehashing), so the walk stays in cache. At most 10 buckets
  // per wanted entry are visited, and after a run of empty buckets the walk jumps to a
  // new random place, as Redis's dictGetSomeKeys. Entries may repeat only if the table
  // changes in between. Returns how many were stored in out[].
  size_t sample(Entry** out, size_t want) {
    if (size() == 0 || want == 0) return 0;
    if (want > size()) want = size();
    rehashSome(static_cast<int>(want));
    bool two = rehashing();
    size_t mask = std::max(t_[0].size(), two ? t_[1].size() : 0) - 1;
    size_t steps = want * 10, empty_run = 0, n = 0;
    size_t i = dictRandom() & mask;
    while (n < want && steps-- > 0) {
      for (int t = 0; t < (two ? 2 : 1) && n < want; t++) {
        // Buckets of table 0 below rehash_idx_ have moved to table 1 already.
        if (t == 0 && two && i < static_cast<size_t>(rehash_idx_)) continue;
        if (i >= t_[t].size()) continue;
        Entry* e = t_[t][i];
        if (!e) {
          if (++empty_run >= 5 && empty_run > want) {
            i = dictRandom() & mask;
            empty_run = 0;
          }
          continue;
        }
        empty_run = 0;
        for (; e && n < want; e = e->next) out[n++] = e;
      }
      i = (i + 1) & mask;
    }
    return n;
  }

  // One SCAN step: calls fn(entry) for every entry of the bucket(s) at `cursor` and returns
  // the next cursor (0 when the scan is complete). Reverse-binary increment, as Redis.
  template <class F>
  uint64_t scan(uint64_t cursor, F&& fn) {
    if (size() == 0) return 0;
    pause_rehash_++;
    if (!rehashing()) {
      uint64_t m0 = t_[0].size() - 1;
      for (Entry* e = t_[0][cursor & m0]; e;) {
        Entry* n = e->next;
        fn(*e);
        e = n;
      }
      cursor = nextCursor(cursor, m0);
    } else {
      int small = t_[0].size() <= t_[1].size() ? 0 : 1;
      int large = 1 - small;
      uint64_t m0 = t_[small].size() - 1, m1 = t_[large].size() - 1;
      for (Entry* e = t_[small][cursor & m0]; e;) {
        Entry* n = e->next;
        fn(*e);
        e = n;
      }
      do {
        for (Entry* e = t_[large][cursor & m1]; e;) {
          Entry* n = e->next;
          fn(*e);
          e = n;
        }
        cursor = nextCursor(cursor, m1);
      } while (cursor & (m0 ^ m1));
    }
    pause_rehash_--;
    return cursor;
  }

  // Visits every entry; fn may not insert or erase.
  template <class F>
  void forEach(F&& fn) {
    for (auto& table : t_)
      for (Entry* e : table)
        for (; e; e = e->next) fn(*e);
  }

  // Resizes the table to fit its size (used after bulk deletes, e.g. by DEBUG or FLUSH).
  void rehashSome(int n) {
    while (n-- > 0 && rehashing()) step(true);
  }

 private:
  static uint64_t rev(uint64_t v) {
    v = ((v >> 1) & 0x5555555555555555ULL) | ((v & 0x5555555555555555ULL) << 1);
    v = ((v >> 2) & 0x3333333333333333ULL) | ((v & 0x3333333333333333ULL) << 2);
    v = ((v >> 4) & 0x0F0F0F0F0F0F0F0FULL) | ((v & 0x0F0F0F0F0F0F0F0FULL) << 4);
    v = ((v >> 8) & 0x00FF00FF00FF00FFULL) | ((v & 0x00FF00FF00FF00FFULL) << 8);
    v = ((v >> 16) & 0x0000FFFF0000FFFFULL) | ((v & 0x0000FFFF0000FFFFULL) << 16);
    return (v >> 32) | (v << 32);
  }
  static uint64_t nextCursor(uint64_t c, uint64_t mask) {
    c |= ~mask;
    c = rev(c);
    c++;
    return rev(c);
  }

  void expandIfNeeded() {
    if (rehashing()) return;
    if (t_[0].empty()) {
      t_[0].assign(4, nullptr);
      return;
    }
    if (used_[0] >= t_[0].size()) {
      if (g_dict_expand_allowed) {
        size_t n = 4;
        while (n < used_[0] * 2) n <<= 1;
        double fill = static_cast<double>(used_[0]) / static_cast<double>(t_[0].size());
        if (!g_dict_expand_allowed(n * sizeof(Entry*), fill)) return;
      }
      resize(used_[0] * 2);
    }
  }
  void shrinkIfNeeded() {
    if (rehashing() || pause_rehash_) return;
    if (t_[0].size() > 4 && used_[0] * 10 < t_[0].size()) resize(used_[0] < 4 ? 4 : used_[0]);
  }
  void resize(size_t want) {
    size_t n = 4;
    while (n < want) n <<= 1;
    if (n == t_[0].size()) return;
    t_[1].assign(n, nullptr);
    used_[1] = 0;
    rehash_idx_ = 0;
  }
  // Moves one bucket (a few empty ones at most) from table 0 to table 1.
  void step(bool force = false) {
    if (!rehashing() || (pause_rehash_ && !force)) return;
    int empty_visits = 10;
    while (static_cast<size_t>(rehash_idx_) < t_[0].size() && !t_[0][rehash_idx_]) {
      rehash_idx_++;
      if (--empty_visits == 0) return;
    }
    if (static_cast<size_t>(rehash_idx_) < t_[0].size()) {
      Entry* e = t_[0][rehash_idx_];
      size_t mask = t_[1].size() - 1;
      while (e) {
        Entry* n = e->next;
        Entry*& head = t_[1][dictHash(e->keyView()) & mask];
        e->next = head;
        head = e;
        used_[0]--;
        used_[1]++;
        e = n;
      }
      t_[0][rehash_idx_] = nullptr;
      rehash_idx_++;
    }
    if (used_[0] == 0) {
      t_[0].swap(t_[1]);
      t_[1].clear();
      t_[1].shrink_to_fit();
      used_[0] = used_[1];
      used_[1] = 0;
      rehash_idx_ = -1;
    }
  }

  std::vector<Entry*> t_[2];
  size_t used_[2] = {0, 0};
  long long rehash_idx_ = -1;
  int pause_rehash_ = 0;
};

}  // namespace osprey
