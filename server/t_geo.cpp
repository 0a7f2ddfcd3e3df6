// server/t_geo.cpp — the GEO commands: GEOADD, GEOPOS, GEODIST, GEOHASH, GEORADIUS,
// GEORADIUSBYMEMBER, GEORADIUS_RO, GEORADIUSBYMEMBER_RO, GEOSEARCH and GEOSEARCHSTORE.
//
// A geo set is an ordinary sorted set whose scores are 52-bit geohash cells (geohash.h), so
// every zset command works on it and the keyspace work is t_zset's: GEOADD is ZADD with
// computed scores (and replicates as that ZADD, as Redis does), the searches walk score
// ranges of the zset. Searching covers the shape with the centre's cell and its eight
// neighbours at a step chosen from the radius, scans each cell as one score range, and
// keeps the points whose decoded centre lies in the shape.
//
// Replies match Redis 7.0 to the byte: the same argument order of checks and error texts,
// the same candidate order (cells in Redis's order, each in zset order), the same sort
// (a stable full sort, or Redis's partial quicksort when COUNT cuts the result, so that
// equal distances come out in the same order), coordinates printed from the decoded cell
// centre with 17 decimals trimmed, distances rounded to 4 decimals.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "common/config.h"
#include "common/util.h"
#include "server/db.h"
#include "server/geohash.h"
#include "server/server.h"
#include "server/t_zset.h"

namespace osprey {

namespace {

// ==== Error texts ================================================================

constexpr const char* kUnsupportedUnit = "ERR unsupported unit provided. please use M, KM, FT, MI";
constexpr const char* kNeedNumericRadius = "ERR need numeric radius";
constexpr const char* kRadiusNegative = "ERR radius cannot be negative";
constexpr const char* kNeedNumericWidth = "ERR need numeric width";
constexpr const char* kNeedNumericHeight = "ERR need numeric height";
constexpr const char* kBoxNegative = "ERR height or width cannot be negative";
constexpr const char* kCannotDecodeMember = "ERR could not decode requested zset member";
constexpr const char* kCountNotPositive = "ERR COUNT must be > 0";
constexpr const char* kAnyNeedsCount = "ERR the ANY argument requires COUNT argument";
constexpr const char* kStoreIncompatibleRadius =
    "ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD "
    "options";
constexpr const char* kStoreIncompatibleSearch =
    "ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options";
// Followed by the command name as the client spelled it.
constexpr const char* kNeedOneFrom =
    "ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for ";
constexpr const char* kNeedOneBy = "ERR exactly one of BYRADIUS and BYBOX can be specified for ";

// ==== Arguments ==================================================================

// Longitude and latitude from two arguments, in range. The out-of-range error prints the
// parsed values with "%f".
bool parseLongLatOrReply(Client& c, size_t idx, double* xy) {
  if (!getDoubleOrReply(c, c.arg(idx), &xy[0]) || !getDoubleOrReply(c, c.arg(idx + 1), &xy[1]))
    return false;
  if (xy[0] < geo::kLongMin || xy[0] > geo::kLongMax || xy[1] < geo::kLatMin ||
      xy[1] > geo::kLatMax) {
    int n = std::snprintf(nullptr, 0, "ERR invalid longitude,latitude pair %f,%f", xy[0], xy[1]);
    std::string msg(static_cast<size_t>(n), '\0');
    std::snprintf(msg.data(), msg.size() + 1, "ERR invalid longitude,latitude pair %f,%f", xy[0],
                  xy[1]);
    c.r().error(msg);
    return false;
  }
  return true;
}

// Meters per unit (m, km, ft, mi in any case); 0 after replying the error.
double unitOrReply(Client& c, const std::string& unit) {
  if (equalsIgnoreCase(unit, "m")) return 1;
  if (equalsIgnoreCase(unit, "km")) return 1000;
  if (equalsIgnoreCase(unit, "ft")) return 0.3048;
  if (equalsIgnoreCase(unit, "mi")) return 1609.34;
  c.r().error(kUnsupportedUnit);
  return 0;
}

// "<radius> <unit>" at idx.
bool radiusOrReply(Client& c, size_t idx, geo::Shape* shape) {
  double radius;
  if (!getDoubleOrReply(c, c.arg(idx), &radius, kNeedNumericRadius)) return false;
  if (radius < 0) {
    c.r().error(kRadiusNegative);
    return false;
  }
  shape->radius = radius;
  double to_meters = unitOrReply(c, c.arg(idx + 1));
  if (to_meters == 0) return false;
  shape->conversion = to_meters;
  return true;
}

// "<width> <height> <unit>" at idx.
bool boxOrReply(Client& c, size_t idx, geo::Shape* shape) {
  double w, h;
  if (!getDoubleOrReply(c, c.arg(idx), &w, kNeedNumericWidth) ||
      !getDoubleOrReply(c, c.arg(idx + 1), &h, kNeedNumericHeight))
    return false;
  if (h < 0 || w < 0) {
    c.r().error(kBoxNegative);
    return false;
  }
  shape->width = w;
  shape->height = h;
  double to_meters = unitOrReply(c, c.arg(idx + 2));
  if (to_meters == 0) return false;
  shape->conversion = to_meters;
  return true;
}

// The decoded position of a member of the geo set; false when it is not a member.
bool memberPosition(ZSetValue& z, const std::string& member, double* xy) {
  double score;
  return z.score(member, &score) && geo::decodeScore(score, xy);
}

// A coordinate as Redis's addReplyHumanLongDouble prints it (a RESP3 double, or a bulk
// string in RESP2).
void replyCoordinate(Client& c, double v) { c.r().doubleText(ld2string_human(v)); }

// ==== Collecting points ==========================================================

struct GeoPoint {
  double longitude, latitude;
  double dist;  // meters from the centre, later in the requested unit
  double score;
  std::string member;
};

// Appends the members whose scores lie in [min, max) and whose positions lie in the shape,
// stopping once `limit` points (0: no limit) have been found in all.
void pointsInScoreRange(const ZSetValue& z, double min, double max, const geo::Shape& shape,
                        size_t limit, std::vector<GeoPoint>* out) {
  ZScoreRange range{min, max, false, true};
  for (ZSetValue::Cursor cur = z.firstIn(range); cur.valid(); cur.next()) {
    double score = cur.score();
    if (!range.belowMax(score)) break;
    double xy[2], dist = 0;
    if (geo::withinShape(shape, score, xy, &dist))
      out->push_back(GeoPoint{xy[0], xy[1], dist, score, std::string(cur.member())});
    if (!out->empty() && limit && out->size() >= limit) break;
  }
}

// Scans the centre cell and its neighbours, in Redis's order. A cell is a score range: the
// cell's number aligned to 52 bits, up to (excluded) the next cell's.
void pointsInArea(const ZSetValue& z, const geo::SearchArea& area, const geo::Shape& shape,
                  size_t limit, std::vector<GeoPoint>* out) {
  const geo::Neighbors& n = area.neighbors;
  const geo::HashBits cells[9] = {area.hash,      n.north,      n.south,
                                  n.east,         n.west,       n.north_east,
                                  n.north_west,   n.south_east, n.south_west};
  // With huge radii adjacent neighbours can be the same cell: one equal to the last cell
  // scanned is skipped. (As in Redis, "last" only counts from the second scanned cell on,
  // so the centre is never compared with.)
  size_t last_scanned = 0;
  for (size_t i = 0; i < 9; i++) {
    if (cells[i].isZero()) continue;
    if (last_scanned && cells[i] == cells[last_scanned]) continue;
    if (!out->empty() && limit && out->size() >= limit) break;
    geo::HashBits next = cells[i];
    next.bits++;
    pointsInScoreRange(z, static_cast<double>(geo::align52Bits(cells[i])),
                       static_cast<double>(geo::align52Bits(next)), shape, limit, out);
    last_scanned = i;
  }
}

// ==== Ordering results ===========================================================

// A three-way comparison of distances: the order of ASC (desc = false) or DESC.
int compareDistance(const GeoPoint& a, const GeoPoint& b, bool desc) {
  int r = a.dist > b.dist ? 1 : (a.dist == b.dist ? 0 : -1);
  return desc ? -r : r;
}

// Sorts v far enough that positions [lo, hi] hold what a full sort would put there. This
// is Bentley and McIlroy's quicksort ("Engineering a Sort Function", 1993: median of three,
// or ninther above 40 elements; three-way partitioning that parks equal keys at both ends
// and swaps them to the middle; insertion sort below 7), pruned to the partitions that
// overlap [lo, hi], as Redis's pqsort. It is followed step by step because which of several
// equally distant points make the cut, and in what order, depends on its exact swaps.
class PartialQuicksort {
 public:
  PartialQuicksort(std::vector<GeoPoint>& v, bool desc, size_t lo, size_t hi)
      : v_(v), desc_(desc), lo_(lo), hi_(hi) {}

  void sort() { sortRange(0, v_.size()); }

 private:
  int cmp(size_t a, size_t b) const { return compareDistance(v_[a], v_[b], desc_); }
  void swap(size_t a, size_t b) { std::swap(v_[a], v_[b]); }
  void swapRuns(size_t a, size_t b, size_t n) {
    for (size_t i = 0; i < n; i++) swap(a + i, b + i);
  }
  size_t median3(size_t a, size_t b, size_t c) const {
    if (cmp(a, b) < 0) return cmp(b, c) < 0 ? b : (cmp(a, c) < 0 ? c : a);
    return cmp(b, c) > 0 ? b : (cmp(a, c) < 0 ? a : c);
  }
  // Whether the elements [first, first + n) hold any position of [lo, hi].
  bool overlaps(size_t first, size_t n) const {
    size_t last = first + n - 1;
    return !((lo_ < first && hi_ < first) || (lo_ > last && hi_ > last));
  }

  void sortRange(size_t first, size_t n) {
    for (;;) {
      if (n < 7) {
        for (size_t m = first + 1; m < first + n; m++)
          for (size_t l = m; l > first && cmp(l - 1, l) > 0; l--) swap(l, l - 1);
        return;
      }
      size_t pm = first + n / 2;
      if (n > 7) {
        size_t pl = first, pn = first + n - 1;
        if (n > 40) {
          size_t d = n / 8;
          pl = median3(pl, pl + d, pl + 2 * d);
          pm = median3(pm - d, pm, pm + d);
          pn = median3(pn - 2 * d, pn - d, pn);
        }
        pm = median3(pl, pm, pn);
      }
      swap(first, pm);  // the pivot waits at `first`
      // [first+1, pa): equal to the pivot; [pa, pb): less; (pc, pd]: greater; (pd, end):
      // equal.
      size_t pa = first + 1, pb = first + 1;
      size_t pc = first + n - 1, pd = first + n - 1;
      for (;;) {
        int r;
        while (pb <= pc && (r = cmp(pb, first)) <= 0) {
          if (r == 0) swap(pa++, pb);
          pb++;
        }
        while (pb <= pc && (r = cmp(pc, first)) >= 0) {
          if (r == 0) swap(pc, pd--);
          pc--;
        }
        if (pb > pc) break;
        swap(pb++, pc--);
      }
      size_t end = first + n;
      size_t s = std::min(pa - first, pb - pa);
      swapRuns(first, pb - s, s);
      s = std::min(pd - pc, end - pd - 1);
      swapRuns(pb, end - s, s);
      size_t less = pb - pa, greater = pd - pc;
      if (less > 1 && overlaps(first, less)) sortRange(first, less);
      if (greater <= 1) return;
      first = end - greater;
      n = greater;
      if (!overlaps(first, n)) return;
    }
  }

  std::vector<GeoPoint>& v_;
  bool desc_;
  size_t lo_, hi_;
};

// ==== GEORADIUS / GEOSEARCH ======================================================

enum SearchFlags : int {
  kAroundCoords = 1,   // GEORADIUS: centre from arguments 2 and 3
  kAroundMember = 2,   // GEORADIUSBYMEMBER: centre from member argument 2
  kNoStore = 4,        // the _RO forms: no STORE / STOREDIST
  kSearch = 8,         // GEOSEARCH syntax (FROM... / BY... options)
  kSearchStore = 16,   // GEOSEARCHSTORE: destination at 1, STOREDIST without a key
};

enum class Sort { None, Asc, Desc };

// Deletes the destination of a search that found nothing (STORE with no result).
void deleteStoreKey(Client& c, const std::string& key) {
  if (dbDelete(*c.db, key)) {
    signalModifiedKey(&c, *c.db, key);
    notifyKeyspaceEvent(NOTIFY_GENERIC, "del", key, c.db->id);
    server.dirty++;
  }
}

// GEORADIUS key lon lat radius unit [WITHDIST] [WITHHASH] [WITHCOORD] [ASC|DESC]
//   [COUNT n [ANY]] [STORE key] [STOREDIST key]
// GEORADIUSBYMEMBER key member radius unit ... (the same options)
// GEOSEARCH key FROMMEMBER m | FROMLONLAT lon lat  BYRADIUS r unit | BYBOX w h unit
//   [ASC|DESC] [COUNT n [ANY]] [WITHCOORD] [WITHDIST] [WITHHASH]
// GEOSEARCHSTORE dst src (as GEOSEARCH) [STOREDIST]
// The checks come in Redis's order: the source's type, the centre (and radius) of the
// GEORADIUS forms, each option as it is read, then the combinations.
void geoSearchGeneric(Client& c, size_t src_idx, int flags) {
  const std::string* storekey = nullptr;
  bool storedist = false;

  Object* o = lookupKeyRead(*c.db, c.arg(src_idx));
  if (o && o->type != ObjType::ZSet) {
    replyWrongType(c);
    return;
  }

  size_t base_args;
  geo::Shape shape;
  if (flags & kAroundCoords) {
    base_args = 6;
    shape.kind = geo::Shape::Kind::Circle;
    if (!parseLongLatOrReply(c, 2, shape.xy) || !radiusOrReply(c, 4, &shape)) return;
  } else if (flags & kAroundMember) {
    base_args = 5;
    // Without a source key the centre is not needed: the options are still parsed, so
    // that the reply (0 or an empty array) and their errors follow Redis's.
    if (o) {
      shape.kind = geo::Shape::Kind::Circle;
      if (!memberPosition(o->zset(), c.arg(2), shape.xy)) {
        c.r().error(kCannotDecodeMember);
        return;
      }
      if (!radiusOrReply(c, 3, &shape)) return;
    }
  } else {
    base_args = 2;
    if (flags & kSearchStore) {
      base_args = 3;
      storekey = &c.arg(1);
    }
  }

  bool withdist = false, withhash = false, withcoords = false;
  bool frommember = false, fromloc = false, byradius = false, bybox = false;
  Sort sort = Sort::None;
  bool any = false;     // stop as soon as COUNT points are found
  long long count = 0;  // 0: unlimited
  const bool search = flags & kSearch;
  const bool can_store = !(flags & kNoStore) && !search;
  for (size_t i = base_args; i < c.argc(); i++) {
    const std::string& arg = c.arg(i);
    size_t remaining = c.argc() - i - 1;  // arguments after this one
    if (equalsIgnoreCase(arg, "withdist")) {
      withdist = true;
    } else if (equalsIgnoreCase(arg, "withhash")) {
      withhash = true;
    } else if (equalsIgnoreCase(arg, "withcoord")) {
      withcoords = true;
    } else if (equalsIgnoreCase(arg, "any")) {
      any = true;
    } else if (equalsIgnoreCase(arg, "asc")) {
      sort = Sort::Asc;
    } else if (equalsIgnoreCase(arg, "desc")) {
      sort = Sort::Desc;
    } else if (equalsIgnoreCase(arg, "count") && remaining >= 1) {
      if (!getLongLongOrReply(c, c.arg(i + 1), &count)) return;
      if (count <= 0) {
        c.r().error(kCountNotPositive);
        return;
      }
      i++;
    } else if (equalsIgnoreCase(arg, "store") && remaining >= 1 && can_store) {
      storekey = &c.arg(++i);
      storedist = false;
    } else if (equalsIgnoreCase(arg, "storedist") && remaining >= 1 && can_store) {
      storekey = &c.arg(++i);
      storedist = true;
    } else if (equalsIgnoreCase(arg, "storedist") && search && (flags & kSearchStore)) {
      storedist = true;
    } else if (equalsIgnoreCase(arg, "frommember") && remaining >= 1 && search && !fromloc) {
      if (o && !memberPosition(o->zset(), c.arg(i + 1), shape.xy)) {
        c.r().error(kCannotDecodeMember);
        return;
      }
      frommember = true;
      i++;
    } else if (equalsIgnoreCase(arg, "fromlonlat") && remaining >= 2 && search && !frommember) {
      if (!parseLongLatOrReply(c, i + 1, shape.xy)) return;
      fromloc = true;
      i += 2;
    } else if (equalsIgnoreCase(arg, "byradius") && remaining >= 2 && search && !bybox) {
      if (!radiusOrReply(c, i + 1, &shape)) return;
      shape.kind = geo::Shape::Kind::Circle;
      byradius = true;
      i += 2;
    } else if (equalsIgnoreCase(arg, "bybox") && remaining >= 3 && search && !byradius) {
      if (!boxOrReply(c, i + 1, &shape)) return;
      shape.kind = geo::Shape::Kind::Box;
      bybox = true;
      i += 3;
    } else {
      replySyntaxError(c);
      return;
    }
  }

  if (storekey && (withdist || withhash || withcoords)) {
    c.r().error((flags & kSearchStore) ? kStoreIncompatibleSearch : kStoreIncompatibleRadius);
    return;
  }
  if (search && !(frommember || fromloc)) {
    c.r().error(std::string(kNeedOneFrom) + c.arg(0));
    return;
  }
  if (search && !(byradius || bybox)) {
    c.r().error(std::string(kNeedOneBy) + c.arg(0));
    return;
  }
  if (any && !count) {
    c.r().error(kAnyNeedsCount);
    return;
  }

  if (!o) {
    if (storekey) {
      deleteStoreKey(c, *storekey);
      c.r().integer(0);
    } else {
      c.r().emptyArray();
    }
    return;
  }

  // COUNT picks the nearest points, which needs them sorted (unless ANY: the first found).
  if (count != 0 && sort == Sort::None && !any) sort = Sort::Asc;

  geo::SearchArea area = geo::coverShape(&shape);
  std::vector<GeoPoint> points;
  pointsInArea(o->zset(), area, shape, any ? static_cast<size_t>(count) : 0, &points);

  if (points.empty() && !storekey) {
    c.r().emptyArray();
    return;
  }

  size_t found = points.size();
  size_t returned = (count == 0 || found < static_cast<unsigned long long>(count))
                        ? found
                        : static_cast<size_t>(count);
  if (sort != Sort::None) {
    bool desc = sort == Sort::Desc;
    if (returned == found) {
      // The reference sorts with the C library's qsort, a stable merge sort here.
      std::stable_sort(points.begin(), points.end(), [desc](const GeoPoint& a, const GeoPoint& b) {
        return compareDistance(a, b, desc) < 0;
      });
    } else {
      PartialQuicksort(points, desc, 0, returned - 1).sort();
    }
  }

  if (!storekey) {
    size_t options = (withdist ? 1 : 0) + (withcoords ? 1 : 0) + (withhash ? 1 : 0);
    auto& r = c.r();
    r.arrayLen(returned);
    for (size_t i = 0; i < returned; i++) {
      GeoPoint& p = points[i];
      p.dist /= shape.conversion;
      if (options) r.arrayLen(options + 1);
      r.bulk(p.member);
      if (withdist) r.bulk(geo::formatDistance(p.dist));
      if (withhash) r.integer(static_cast<long long>(p.score));
      if (withcoords) {
        r.arrayLen(2);
        replyCoordinate(c, p.longitude);
        replyCoordinate(c, p.latitude);
      }
    }
    return;
  }

  if (returned) {
    // Built as a skiplist, then compacted when it fits, as Redis builds its result.
    Object result = Object::makeZSet();
    ZSetValue& z = result.zset();
    z.convertToSkiplist();
    size_t maxelelen = 0;
    for (size_t i = 0; i < returned; i++) {
      GeoPoint& p = points[i];
      p.dist /= shape.conversion;
      maxelelen = std::max(maxelelen, p.member.size());
      z.set(storedist ? p.dist : p.score, p.member);
    }
    z.convertToListpackIfFits(maxelelen);
    result.encoding = z.encoding();
    setKey(&c, *c.db, *storekey, std::move(result));
    notifyKeyspaceEvent(NOTIFY_ZSET, search ? "geosearchstore" : "georadiusstore", *storekey,
                        c.db->id);
    server.dirty += static_cast<long long>(returned);
  } else {
    deleteStoreKey(c, *storekey);
  }
  c.r().integer(static_cast<long long>(returned));
}

// ==== Commands ===================================================================

// GEOADD key [NX|XX] [CH] lon lat member [lon lat member ...]: ZADD with the members'
// cells as scores, replicated as that ZADD.
void geoaddCommand(Client& c) {
  bool nx = false, xx = false, ch = false;
  size_t longidx = 2;
  for (; longidx < c.argc(); longidx++) {
    const std::string& opt = c.arg(longidx);
    if (equalsIgnoreCase(opt, "nx"))
      nx = true;
    else if (equalsIgnoreCase(opt, "xx"))
      xx = true;
    else if (equalsIgnoreCase(opt, "ch"))
      ch = true;
    else
      break;
  }
  size_t elements = (c.argc() - longidx) / 3;
  // No element at all is ZADD's syntax error in the reference (it calls ZADD regardless).
  if ((c.argc() - longidx) % 3 || (xx && nx) || elements == 0) {
    replySyntaxError(c);
    return;
  }

  std::vector<double> scores(elements);
  for (size_t i = 0; i < elements; i++) {
    double xy[2];
    if (!parseLongLatOrReply(c, longidx + i * 3, xy)) return;
    geo::HashBits hash;
    geo::encodeWGS84(xy[0], xy[1], geo::kStepMax, &hash);
    scores[i] = static_cast<double>(geo::align52Bits(hash));
  }

  int flags = (nx ? ZADD_IN_NX : 0) | (xx ? ZADD_IN_XX : 0);
  zaddParsed(c, c.arg(1), flags, ch, scores.data(), &c.arg(longidx + 2), 3, elements);

  // Replicas and the AOF get "ZADD key [options] score member ..." (built only when one
  // listens: call() queues nothing otherwise).
  if (server.propagate_sinks.empty()) return;
  std::vector<std::string> zadd;
  zadd.reserve(longidx + elements * 2);
  zadd.push_back("zadd");
  for (size_t i = 1; i < longidx; i++) zadd.push_back(c.arg(i));
  for (size_t i = 0; i < elements; i++) {
    zadd.push_back(std::to_string(static_cast<long long>(scores[i])));
    zadd.push_back(c.arg(longidx + i * 3 + 2));
  }
  c.rewriteForPropagation(std::move(zadd));
}

// GEOPOS key member [member ...]: [lon, lat] of each member, null for a missing one.
void geoposCommand(Client& c) {
  Object* o = lookupKeyRead(*c.db, c.arg(1));
  if (o && o->type != ObjType::ZSet) {
    replyWrongType(c);
    return;
  }
  auto& r = c.r();
  r.arrayLen(c.argc() - 2);
  for (size_t j = 2; j < c.argc(); j++) {
    double xy[2];
    if (!o || !memberPosition(o->zset(), c.arg(j), xy)) {
      r.nullArray();
      continue;
    }
    r.arrayLen(2);
    replyCoordinate(c, xy[0]);
    replyCoordinate(c, xy[1]);
  }
}

// GEODIST key member1 member2 [unit]: null when the key or either member is missing.
void geodistCommand(Client& c) {
  double to_meters = 1;
  if (c.argc() == 5) {
    to_meters = unitOrReply(c, c.arg(4));
    if (to_meters == 0) return;
  } else if (c.argc() > 5) {
    replySyntaxError(c);
    return;
  }
  Object* o = lookupKeyRead(*c.db, c.arg(1));
  if (!o) {
    c.r().null();
    return;
  }
  if (o->type != ObjType::ZSet) {
    replyWrongType(c);
    return;
  }
  double score1, score2, a[2], b[2];
  ZSetValue& z = o->zset();
  if (!z.score(c.arg(2), &score1) || !z.score(c.arg(3), &score2) ||
      !geo::decodeScore(score1, a) || !geo::decodeScore(score2, b)) {
    c.r().null();
    return;
  }
  c.r().bulk(geo::formatDistance(geo::distance(a[0], a[1], b[0], b[1]) / to_meters));
}

// GEOHASH key member [member ...]: 11-character standard geohashes, null when missing.
void geohashCommand(Client& c) {
  Object* o = lookupKeyRead(*c.db, c.arg(1));
  if (o && o->type != ObjType::ZSet) {
    replyWrongType(c);
    return;
  }
  auto& r = c.r();
  r.arrayLen(c.argc() - 2);
  for (size_t j = 2; j < c.argc(); j++) {
    double score;
    std::string hash;
    if (o && o->zset().score(c.arg(j), &score)) hash = geo::standardGeohash(score);
    if (hash.empty())
      r.null();
    else
      r.bulk(hash);
  }
}

void georadiusCommand(Client& c) { geoSearchGeneric(c, 1, kAroundCoords); }
void georadiusbymemberCommand(Client& c) { geoSearchGeneric(c, 1, kAroundMember); }
void georadiusroCommand(Client& c) { geoSearchGeneric(c, 1, kAroundCoords | kNoStore); }
void georadiusbymemberroCommand(Client& c) { geoSearchGeneric(c, 1, kAroundMember | kNoStore); }
void geosearchCommand(Client& c) { geoSearchGeneric(c, 1, kSearch); }
void geosearchstoreCommand(Client& c) { geoSearchGeneric(c, 2, kSearch | kSearchStore); }

// GEORADIUS / GEORADIUSBYMEMBER keys: the source, and the destination of the last STORE
// or STOREDIST (the one the command uses) among the arguments after the radius.
std::vector<int> georadiusGetKeys(const std::vector<std::string>& argv) {
  int stored = -1;
  int argc = static_cast<int>(argv.size());
  for (int i = 5; i < argc; i++) {
    if ((equalsIgnoreCase(argv[i], "store") || equalsIgnoreCase(argv[i], "storedist")) &&
        i + 1 < argc) {
      stored = i + 1;
      i++;
    }
  }
  if (stored == -1) return {1};
  return {1, stored};
}

// ==== Table ======================================================================

constexpr const char* kRadiusComplexity =
    "O(N+log(M)) where N is the number of elements inside the bounding box of the circular "
    "area delimited by center and radius and M is the number of items inside the index.";
constexpr const char* kSearchComplexity =
    "O(N+log(M)) where N is the number of elements in the grid-aligned bounding box area "
    "around the shape provided as the filter and M is the number of items inside the shape";

const CommandRow kGeoRows[] = {
    {"geoadd", -5, "write denyoom", "@write @geo @slow", 1, 1, 1, geoaddCommand, "geo", "3.2.0",
     "Add one or more geospatial items in the geospatial index represented using a sorted set",
     "O(log(N)) for each item added, where N is the number of elements in the sorted set."},
    {"geodist", -4, "readonly", "@read @geo @slow", 1, 1, 1, geodistCommand, "geo", "3.2.0",
     "Returns the distance between two members of a geospatial index", "O(log(N))"},
    {"geohash", -2, "readonly", "@read @geo @slow", 1, 1, 1, geohashCommand, "geo", "3.2.0",
     "Returns members of a geospatial index as standard geohash strings",
     "O(log(N)) for each member requested, where N is the number of elements in the sorted "
     "set."},
    {"geopos", -2, "readonly", "@read @geo @slow", 1, 1, 1, geoposCommand, "geo", "3.2.0",
     "Returns longitude and latitude of members of a geospatial index",
     "O(N) where N is the number of members requested."},
    {"georadius", -6, "write denyoom", "@write @geo @slow", 1, 1, 1, georadiusCommand, "geo",
     "3.2.0",
     "Query a sorted set representing a geospatial index to fetch members matching a given "
     "maximum distance from a point",
     kRadiusComplexity, "", georadiusGetKeys},
    {"georadius_ro", -6, "readonly", "@read @geo @slow", 1, 1, 1, georadiusroCommand, "geo",
     "3.2.10", "A read-only variant for GEORADIUS", kRadiusComplexity},
    {"georadiusbymember", -5, "write denyoom", "@write @geo @slow", 1, 1, 1,
     georadiusbymemberCommand, "geo", "3.2.0",
     "Query a sorted set representing a geospatial index to fetch members matching a given "
     "maximum distance from a member",
     kRadiusComplexity, "", georadiusGetKeys},
    {"georadiusbymember_ro", -5, "readonly", "@read @geo @slow", 1, 1, 1,
     georadiusbymemberroCommand, "geo", "3.2.10", "A read-only variant for GEORADIUSBYMEMBER",
     kRadiusComplexity},
    {"geosearch", -7, "readonly", "@read @geo @slow", 1, 1, 1, geosearchCommand, "geo", "6.2.0",
     "Query a sorted set representing a geospatial index to fetch members inside an area of a "
     "box or a circle.",
     kSearchComplexity},
    {"geosearchstore", -8, "write denyoom", "@write @geo @slow", 1, 2, 1, geosearchstoreCommand,
     "geo", "6.2.0",
     "Query a sorted set representing a geospatial index to fetch members inside an area of a "
     "box or a circle, and store the result in another key.",
     kSearchComplexity},
};

}  // namespace

CommandRows geoCommands() { return {kGeoRows, sizeof(kGeoRows) / sizeof(kGeoRows[0])}; }

}  // namespace osprey
