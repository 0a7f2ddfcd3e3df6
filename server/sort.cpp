// server/sort.cpp — SORT and SORT_RO: sorting the elements of a list, set or sorted set,
// numerically or lexicographically, by the elements themselves or by weights read from other
// keys (BY pattern), returning them or values fetched through GET patterns, or storing the
// result as a list (STORE).
//
// Patterns: the first '*' is replaced by the element; "#" alone stands for the element
// itself; "key*->field" reads a field of the hash at the substituted key. A BY pattern
// without '*' means "don't sort": lists and sorted sets keep their own order (DESC reverses
// it), sets keep their iteration order unless the result is stored or a script asks, when
// Redis sorts them alphabetically so replicas see the same result.
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "common/config.h"
#include "common/util.h"
#include "server/acl.h"
#include "server/db.h"
#include "server/server.h"
#include "server/t_hash.h"
#include "server/t_set.h"
#include "server/t_zset.h"

namespace osprey {

namespace {

// One element to sort, with what it is compared by.
struct SortItem {
  SortItem() = default;
  explicit SortItem(std::string e) : elem(std::move(e)) {}
  std::string elem;
  double score = 0;      // numeric weight (0 when the BY key is missing)
  bool has_by = false;   // ALPHA with BY: whether the BY key was found
  std::string by;        // ALPHA with BY: the weight string
};

// The C-string view of a pattern: Redis scans patterns with strchr/strstr, which stop at
// the first NUL byte.
std::string_view cPrefix(const std::string& s) { return std::string_view(s.c_str()); }

// Looks up the value a pattern designates for element `subst`. Returns false when there is
// none (missing key, wrong type, missing field, or no '*' in the pattern).
bool lookupByPattern(Db& db, const std::string& pattern, const std::string& subst,
                     std::string* out) {
  std::string_view cpat = cPrefix(pattern);
  if (cpat == "#") {
    *out = subst;
    return true;
  }
  size_t star = cpat.find('*');
  if (star == std::string_view::npos) return false;

  // A hash dereference: "->" after the '*', followed by at least one character.
  size_t arrow = cpat.find("->", star + 1);
  size_t fieldlen = 0;
  if (arrow != std::string_view::npos && arrow + 2 < cpat.size()) {
    fieldlen = pattern.size() - arrow - 2;
  } else {
    arrow = std::string_view::npos;
  }
  size_t postfixlen = pattern.size() - (star + 1) - (fieldlen ? fieldlen + 2 : 0);

  std::string key;
  key.reserve(star + subst.size() + postfixlen);
  key.append(pattern, 0, star).append(subst).append(pattern, star + 1, postfixlen);

  Object* o = lookupKeyRead(db, key);
  if (!o) return false;
  if (fieldlen) {
    if (o->type != ObjType::Hash) return false;
    HashValue::Scratch scratch;
    std::string_view v;
    if (!o->hash().get(std::string_view(pattern).substr(arrow + 2), &v, scratch)) return false;
    out->assign(v);
    return true;
  }
  if (o->type != ObjType::String) return false;
  *out = o->str();
  return true;
}

// Binary comparison (memcmp, then the shorter first), as Redis's compareStringObjects.
int binaryCompare(const std::string& a, const std::string& b) {
  int cmp = std::memcmp(a.data(), b.data(), std::min(a.size(), b.size()));
  if (cmp) return cmp;
  return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}

struct SortOptions {
  bool desc = false, alpha = false, bypattern = false, store = false;
};

// The three-way comparison Redis's SORT uses (already negated for DESC).
int sortCompare(const SortOptions& opt, const SortItem& a, const SortItem& b) {
  int cmp;
  if (!opt.alpha) {
    if (a.score > b.score) {
      cmp = 1;
    } else if (a.score < b.score) {
      cmp = -1;
    } else {
      // Equal weights: fall back to the elements so the result is deterministic.
      cmp = binaryCompare(a.elem, b.elem);
    }
  } else if (opt.bypattern) {
    if (!a.has_by || !b.has_by) {
      cmp = a.has_by == b.has_by ? 0 : (!a.has_by ? -1 : 1);
    } else {
      cmp = opt.store ? binaryCompare(a.by, b.by) : std::strcoll(a.by.c_str(), b.by.c_str());
    }
  } else {
    cmp = opt.store ? binaryCompare(a.elem, b.elem) : std::strcoll(a.elem.c_str(), b.elem.c_str());
  }
  return opt.desc ? -cmp : cmp;
}

// Parses a numeric weight as Redis's SORT does: strtod over the C string, rejecting
// trailing bytes, overflow/underflow and NaN. Returns false on a conversion error.
bool parseWeight(const std::string& s, double* out) {
  char* end;
  errno = 0;
  *out = std::strtod(s.c_str(), &end);
  return end[0] == '\0' && errno != ERANGE && !std::isnan(*out);
}

void sortGeneric(Client& c, bool readonly) {
  SortOptions opt;
  long limit_start = 0, limit_count = -1;
  bool dontsort = false;
  const std::string* sortby = nullptr;
  const std::string* storekey = nullptr;
  std::vector<const std::string*> gets;

  size_t argc = c.argc();
  for (size_t j = 2; j < argc; j++) {
    const std::string& a = c.arg(j);
    size_t leftargs = argc - j - 1;
    if (equalsIgnoreCase(a, "asc")) {
      opt.desc = false;
    } else if (equalsIgnoreCase(a, "desc")) {
      opt.desc = true;
    } else if (equalsIgnoreCase(a, "alpha")) {
      opt.alpha = true;
    } else if (equalsIgnoreCase(a, "limit") && leftargs >= 2) {
      if (!getLongOrReply(c, c.arg(j + 1), &limit_start) ||
          !getLongOrReply(c, c.arg(j + 2), &limit_count))
        return;
      j += 2;
    } else if (!readonly && equalsIgnoreCase(a, "store") && leftargs >= 1) {
      storekey = &c.arg(++j);
    } else if (equalsIgnoreCase(a, "by") && leftargs >= 1) {
      sortby = &c.arg(++j);
      // A BY pattern without '*' names no per-element key: nothing to sort by. One with
      // '*' reads arbitrary keys: the user needs read access to every key.
      if (cPrefix(*sortby).find('*') == std::string_view::npos) {
        dontsort = true;
      } else if (!aclUserHasFullKeyRead(c)) {
        c.r().error("ERR BY option of SORT denied due to insufficient ACL permissions.");
        return;
      }
    } else if (equalsIgnoreCase(a, "get") && leftargs >= 1) {
      if (!aclUserHasFullKeyRead(c)) {
        c.r().error("ERR GET option of SORT denied due to insufficient ACL permissions.");
        return;
      }
      gets.push_back(&c.arg(++j));
    } else {
      replySyntaxError(c);
      return;
    }
  }

  // With STORE the source is read as by a write command (no hit/miss accounting).
  Object* sortval = storekey ? lookupKeyWrite(*c.db, c.arg(1)) : lookupKeyRead(*c.db, c.arg(1));
  if (sortval && sortval->type != ObjType::Set && sortval->type != ObjType::List &&
      sortval->type != ObjType::ZSet) {
    replyWrongType(c);
    return;
  }
  ObjType type = sortval ? sortval->type : ObjType::List;

  // An unsorted set would come out in hash order: when that result is stored or seen by a
  // script (and so replicated), sort it alphabetically instead.
  if (dontsort && type == ObjType::Set && (storekey || server.in_script)) {
    dontsort = false;
    opt.alpha = true;
    sortby = nullptr;
  }

  // SORT turns a compact sorted set into a skiplist, as Redis does (OBJECT ENCODING shows it).
  if (type == ObjType::ZSet && sortval->zset().isListpack()) {
    sortval->zset().convertToSkiplist();
    sortval->encoding = Encoding::Skiplist;
  }

  long vectorlen = 0;
  if (sortval) {
    switch (type) {
      case ObjType::List: vectorlen = static_cast<long>(sortval->list().size()); break;
      case ObjType::Set: vectorlen = static_cast<long>(sortval->set().size()); break;
      default: vectorlen = static_cast<long>(sortval->zset().size()); break;
    }
  }

  // LIMIT, clamped to the object's size.
  long start = std::min(std::max(limit_start, 0L), vectorlen);
  limit_count = std::min(std::max(limit_count, -1L), vectorlen);
  long end = limit_count < 0 ? vectorlen - 1 : start + limit_count - 1;
  if (start >= vectorlen) {
    start = vectorlen - 1;
    end = vectorlen - 2;
  }
  if (end >= vectorlen) end = vectorlen - 1;

  // Lists and sorted sets that are not sorted load only the requested range, in their own
  // order (reversed for DESC).
  bool ranged = (type == ObjType::List || type == ObjType::ZSet) && dontsort;
  std::vector<SortItem> vec;
  if (ranged) {
    long n = (start != 0 || end != vectorlen - 1) ? end - start + 1 : vectorlen;
    if (n > 0) {
      vec.resize(static_cast<size_t>(n));
      if (type == ObjType::List) {
        const ListValue& l = sortval->list();
        auto cur = l.cursorAt(static_cast<size_t>(opt.desc ? vectorlen - start - 1 : start));
        for (long i = 0; i < n; i++, opt.desc ? cur.prev() : cur.next())
          vec[static_cast<size_t>(i)].elem.assign(cur.value());
      } else {
        ZSetValue& zs = sortval->zset();
        ZSetValue::Cursor cur = zs.atRank(static_cast<size_t>(opt.desc ? vectorlen - start - 1 : start));
        for (long i = 0; i < n; i++) {
          vec[static_cast<size_t>(i)].elem = cur.member();
          if (opt.desc) cur.prev(); else cur.next();
        }
      }
    }
    if (end >= start) {
      end -= start;
      start = 0;
    }
  } else if (sortval) {
    vec.reserve(static_cast<size_t>(vectorlen));
    switch (type) {
      case ObjType::List:
        sortval->list().forEach([&](std::string_view e) { vec.emplace_back(std::string(e)); });
        break;
      case ObjType::Set:
        sortval->set().forEach([&](std::string_view m) { vec.emplace_back(std::string(m)); });
        break;
      default:
        sortval->zset().table().forEach([&](ZSetValue::Table::Entry& e) {
          vec.emplace_back(std::string(e.key));
        });
        break;
    }
  }

  bool conversion_error = false;
  if (!dontsort) {
    std::string byval;
    for (SortItem& it : vec) {
      const std::string* weight = &it.elem;
      if (sortby) {
        if (!lookupByPattern(*c.db, *sortby, it.elem, &byval)) continue;
        weight = &byval;
      }
      if (opt.alpha) {
        if (sortby) {
          it.has_by = true;
          it.by = std::move(byval);
        }
      } else if (!parseWeight(*weight, &it.score)) {
        conversion_error = true;
      }
    }
    opt.bypattern = sortby != nullptr;
    opt.store = storekey != nullptr;
    std::stable_sort(vec.begin(), vec.end(), [&](const SortItem& a, const SortItem& b) {
      return sortCompare(opt, a, b) < 0;
    });
  }

  long range = end - start + 1;
  long outputlen = gets.empty() ? range : static_cast<long>(gets.size()) * range;
  if (conversion_error) {
    c.r().error("ERR One or more scores can't be converted into double");
    return;
  }

  std::string val;
  if (!storekey) {
    c.r().arrayLen(outputlen);
    for (long j = start; j <= end; j++) {
      const std::string& elem = vec[static_cast<size_t>(j)].elem;
      if (gets.empty()) c.r().bulk(elem);
      for (const std::string* pattern : gets) {
        if (lookupByPattern(*c.db, *pattern, elem, &val))
          c.r().bulk(val);
        else
          c.r().null();
      }
    }
    return;
  }

  // STORE: the result becomes a list (a missing GET value stores an empty string).
  if (outputlen > 0) {
    Object list = Object::makeList();
    ListValue& items = list.list();
    for (long j = start; j <= end; j++) {
      SortItem& it = vec[static_cast<size_t>(j)];
      if (gets.empty()) {
        items.pushBack(it.elem);
        continue;
      }
      for (const std::string* pattern : gets) {
        if (lookupByPattern(*c.db, *pattern, it.elem, &val))
          items.pushBack(val);
        else
          items.pushBack("");
      }
    }
    setKey(&c, *c.db, *storekey, std::move(list));
    notifyKeyspaceEvent(NOTIFY_LIST, "sortstore", *storekey, c.db->id);
    server.dirty += outputlen;
  } else if (dbDelete(*c.db, *storekey)) {
    signalModifiedKey(&c, *c.db, *storekey);
    notifyKeyspaceEvent(NOTIFY_GENERIC, "del", *storekey, c.db->id);
    server.dirty++;
  }
  c.r().integer(outputlen);
}

void sortCommand(Client& c) { sortGeneric(c, false); }
void sortRoCommand(Client& c) { sortGeneric(c, true); }

// COMMAND GETKEYS for SORT: the sorted key, then the last STORE destination. Options
// taking arguments (LIMIT 2, GET 1, BY 1) are stepped over; anything else is one word.
std::vector<int> sortGetKeys(const std::vector<std::string>& argv) {
  std::vector<int> keys{1};
  int store = 0;
  int argc = static_cast<int>(argv.size());
  for (int i = 2; i < argc; i++) {
    const std::string& a = argv[static_cast<size_t>(i)];
    if (equalsIgnoreCase(a, "limit")) {
      i += 2;
    } else if (equalsIgnoreCase(a, "get") || equalsIgnoreCase(a, "by")) {
      i += 1;
    } else if (equalsIgnoreCase(a, "store") && i + 1 < argc) {
      store = i + 1;
    }
  }
  if (store) keys.push_back(store);
  return keys;
}

// SORT_RO has no STORE: its only key is the sorted one.
std::vector<int> sortRoGetKeys(const std::vector<std::string>&) { return {1}; }

const CommandRow kRows[] = {
    {"sort", -2, "write denyoom", "@write @set @sortedset @list @slow @dangerous", 1, 1, 1, sortCommand,
     "generic", "1.0.0", "Sort the elements in a list, set or sorted set",
     "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the "
     "number of returned elements. When the elements are not sorted, complexity is O(N).",
     "", sortGetKeys},
    {"sort_ro", -2, "readonly", "@read @set @sortedset @list @slow @dangerous", 1, 1, 1, sortRoCommand,
     "generic", "7.0.0", "Sort the elements in a list, set or sorted set. Read-only variant of SORT.",
     "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the "
     "number of returned elements. When the elements are not sorted, complexity is O(N).",
     "", sortRoGetKeys},
};

}  // namespace

CommandRows sortCommands() { return {kRows, sizeof(kRows) / sizeof(kRows[0])}; }

}  // namespace osprey
