// server/geohash.cpp — the geohash arithmetic (see geohash.h): cells, neighbours, the search
// cover of a shape and distances. The floating-point expressions are kept in the order
// Redis evaluates them, since the last printed digit of every coordinate and distance
// depends on it.
#include "server/geohash.h"

#include <climits>
#include <cmath>

namespace osprey::geo {

namespace {

constexpr uint64_t kEvenBits = 0x5555555555555555ULL;  // latitude bits of a cell number
constexpr uint64_t kOddBits = 0xAAAAAAAAAAAAAAAAULL;   // longitude bits

// Degrees to radians and back with the factor pi/180 computed in double, as the reference
// does (not the longer literal it also defines and never uses).
constexpr double kDegToRad = M_PI / 180.0;
double toRadians(double deg) { return deg * kDegToRad; }
double toDegrees(double rad) { return rad / kDegToRad; }

// Spreads the 32 bits of v to the even positions of a 64-bit word: each round moves the
// upper half of every group away from the lower half by the group's half size.
uint64_t spreadBits(uint64_t v) {
  v = (v | (v << 16)) & 0x0000FFFF0000FFFFULL;
  v = (v | (v << 8)) & 0x00FF00FF00FF00FFULL;
  v = (v | (v << 4)) & 0x0F0F0F0F0F0F0F0FULL;
  v = (v | (v << 2)) & 0x3333333333333333ULL;
  v = (v | (v << 1)) & kEvenBits;
  return v;
}

// The inverse of spreadBits: gathers the even bits of v into its low 32 bits.
uint64_t gatherBits(uint64_t v) {
  v &= kEvenBits;
  v = (v | (v >> 1)) & 0x3333333333333333ULL;
  v = (v | (v >> 2)) & 0x0F0F0F0F0F0F0F0FULL;
  v = (v | (v >> 4)) & 0x00FF00FF00FF00FFULL;
  v = (v | (v >> 8)) & 0x0000FFFF0000FFFFULL;
  v = (v | (v >> 16)) & 0x00000000FFFFFFFFULL;
  return v;
}

// Moves a cell one place along one axis (d = +1 or -1), wrapping around the grid. `axis`
// selects that axis's bits (odd: longitude, even: latitude) and `gaps` the other axis's
// bits within the cell's 2*step bits. Setting the gap bits before an add (or a subtract)
// lets the carry (or borrow) run across them, so the interleaved number counts along the
// axis as if it were contiguous.
void moveAlongAxis(HashBits* hash, int d, uint64_t axis, uint64_t gaps_all) {
  unsigned shift = 64 - hash->step * 2;
  uint64_t mine = hash->bits & axis;
  uint64_t other = hash->bits & ~axis;
  uint64_t gaps = gaps_all >> shift;
  if (d > 0)
    mine = mine + (gaps + 1);
  else
    mine = (mine | gaps) - (gaps + 1);
  mine &= axis >> shift;
  hash->bits = mine | other;
}

void moveLongitude(HashBits* hash, int d) { moveAlongAxis(hash, d, kOddBits, kEvenBits); }
void moveLatitude(HashBits* hash, int d) { moveAlongAxis(hash, d, kEvenBits, kOddBits); }

HashBits moved(HashBits hash, int dlon, int dlat) {
  if (dlon) moveLongitude(&hash, dlon);
  if (dlat) moveLatitude(&hash, dlat);
  return hash;
}

const Range kWGS84Longitude{kLongMin, kLongMax};
const Range kWGS84Latitude{kLatMin, kLatMax};

bool rangeIsZero(const Range& r) { return r.min == 0 && r.max == 0; }

// A double converted to an unsigned 64-bit integer the way an x86-64 build converts it
// (a sorted-set score need not be a valid cell number): values below 2^63 go through the
// signed conversion (so negative ones wrap), larger ones are offset by 2^63 first, and
// anything the hardware cannot represent (NaN, >= 2^64) ends up as 0 or 2^63 the same way.
uint64_t scoreToBits(double score) {
  constexpr double kTwo63 = 9223372036854775808.0;
  auto truncate = [](double v) -> int64_t {
    if (!(v >= -kTwo63 && v < kTwo63)) return INT64_MIN;  // the hardware's "indefinite"
    return static_cast<int64_t>(v);
  };
  if (score < kTwo63) return static_cast<uint64_t>(truncate(score));
  return static_cast<uint64_t>(truncate(score - kTwo63)) ^ (1ULL << 63);
}

}  // namespace

uint64_t interleave64(uint32_t x, uint32_t y) { return spreadBits(x) | (spreadBits(y) << 1); }

uint64_t deinterleave64(uint64_t interleaved) {
  return gatherBits(interleaved) | (gatherBits(interleaved >> 1) << 32);
}

// ==== Cells ====================================================================

bool encode(const Range& longitude_range, const Range& latitude_range, double longitude,
            double latitude, int step, HashBits* out) {
  if (step > 32 || step == 0 || rangeIsZero(latitude_range) || rangeIsZero(longitude_range))
    return false;
  if (longitude > kLongMax || longitude < kLongMin || latitude > kLatMax || latitude < kLatMin)
    return false;
  out->bits = 0;
  out->step = static_cast<uint8_t>(step);
  if (latitude < latitude_range.min || latitude > latitude_range.max ||
      longitude < longitude_range.min || longitude > longitude_range.max)
    return false;
  // The position inside each range as a fraction, scaled to 2^step cells and truncated.
  double lat_offset = (latitude - latitude_range.min) / (latitude_range.max - latitude_range.min);
  double long_offset =
      (longitude - longitude_range.min) / (longitude_range.max - longitude_range.min);
  lat_offset *= static_cast<double>(1ULL << step);
  long_offset *= static_cast<double>(1ULL << step);
  out->bits = interleave64(static_cast<uint32_t>(lat_offset), static_cast<uint32_t>(long_offset));
  return true;
}

bool encodeWGS84(double longitude, double latitude, int step, HashBits* out) {
  return encode(kWGS84Longitude, kWGS84Latitude, longitude, latitude, step, out);
}

bool decode(const Range& longitude_range, const Range& latitude_range, const HashBits& hash,
            Area* out) {
  if (hash.isZero() || rangeIsZero(latitude_range) || rangeIsZero(longitude_range)) return false;
  out->hash = hash;
  uint64_t separated = deinterleave64(hash.bits);
  double lat_scale = latitude_range.max - latitude_range.min;
  double long_scale = longitude_range.max - longitude_range.min;
  uint32_t lat_cell = static_cast<uint32_t>(separated);
  uint32_t long_cell = static_cast<uint32_t>(separated >> 32);
  // Cell index over 2^step is the fraction of the range; +1 gives the far edge (the
  // increment is 32-bit, wrapping exactly as the reference's does for out-of-grid scores).
  double cells = static_cast<double>(1ULL << hash.step);
  uint32_t lat_next = lat_cell + 1, long_next = long_cell + 1;
  out->latitude.min = latitude_range.min + (lat_cell * 1.0 / cells) * lat_scale;
  out->latitude.max = latitude_range.min + (lat_next * 1.0 / cells) * lat_scale;
  out->longitude.min = longitude_range.min + (long_cell * 1.0 / cells) * long_scale;
  out->longitude.max = longitude_range.min + (long_next * 1.0 / cells) * long_scale;
  return true;
}

bool decodeWGS84(const HashBits& hash, Area* out) {
  return decode(kWGS84Longitude, kWGS84Latitude, hash, out);
}

bool decodeToLongLatWGS84(const HashBits& hash, double* xy) {
  Area area;
  if (!decodeWGS84(hash, &area)) return false;
  xy[0] = (area.longitude.min + area.longitude.max) / 2;
  if (xy[0] > kLongMax) xy[0] = kLongMax;
  if (xy[0] < kLongMin) xy[0] = kLongMin;
  xy[1] = (area.latitude.min + area.latitude.max) / 2;
  if (xy[1] > kLatMax) xy[1] = kLatMax;
  if (xy[1] < kLatMin) xy[1] = kLatMin;
  return true;
}

Neighbors neighbors(const HashBits& hash) {
  Neighbors n;
  n.east = moved(hash, 1, 0);
  n.west = moved(hash, -1, 0);
  n.south = moved(hash, 0, -1);
  n.north = moved(hash, 0, 1);
  n.north_west = moved(hash, -1, 1);
  n.north_east = moved(hash, 1, 1);
  n.south_east = moved(hash, 1, -1);
  n.south_west = moved(hash, -1, -1);
  return n;
}

bool decodeScore(double score, double* xy) {
  HashBits hash{scoreToBits(score), kStepMax};
  return decodeToLongLatWGS84(hash, xy);
}

std::string standardGeohash(double score) {
  static const char kAlphabet[] = "0123456789bcdefghjkmnpqrstuvwxyz";
  // Stored cells use latitudes [-85.05, 85.05]; the standard geohash uses [-90, 90], so
  // the point is decoded and encoded again on the standard grid.
  double xy[2];
  if (!decodeScore(score, xy)) return {};
  HashBits hash;
  encode(Range{-180, 180}, Range{-90, 90}, xy[0], xy[1], kStepMax, &hash);
  // 52 bits give ten 5-bit characters; the eleventh of the customary 11 is always '0'.
  std::string out(11, '0');
  for (int i = 0; i < 10; i++) out[i] = kAlphabet[(hash.bits >> (52 - (i + 1) * 5)) & 0x1f];
  return out;
}

// ==== Distances ================================================================

double latitudeDistance(double lat1, double lat2) {
  return kEarthRadiusMeters * std::fabs(toRadians(lat2) - toRadians(lat1));
}

double distance(double lon1, double lat1, double lon2, double lat2) {
  double lon1r = toRadians(lon1);
  double lon2r = toRadians(lon2);
  double v = std::sin((lon2r - lon1r) / 2);
  // Same meridian: the haversine reduces to the latitude difference (and the reference
  // takes this shortcut, whose result differs in the last bits from the full formula).
  if (v == 0.0) return latitudeDistance(lat1, lat2);
  double lat1r = toRadians(lat1);
  double lat2r = toRadians(lat2);
  double u = std::sin((lat2r - lat1r) / 2);
  double a = u * u + std::cos(lat1r) * std::cos(lat2r) * v * v;
  return 2.0 * kEarthRadiusMeters * std::asin(std::sqrt(a));
}

// ==== Searching an area ========================================================

int estimateStepsByRadius(double range_meters, double lat) {
  if (range_meters == 0) return kStepMax;
  // Each halving of the cell size is one more step: count how often the range doubles
  // before it spans the world, then back off two steps so that the range fits a cell.
  int step = 1;
  while (range_meters < kMercatorMax) {
    range_meters *= 2;
    step++;
  }
  step -= 2;
  // Cells get narrower towards the poles: coarser steps there.
  if (lat > 66 || lat < -66) {
    step--;
    if (lat > 80 || lat < -80) step--;
  }
  if (step < 1) step = 1;
  if (step > kStepMax) step = kStepMax;
  return step;
}

void boundingBox(const Shape& shape, double* bounds) {
  double longitude = shape.xy[0];
  double latitude = shape.xy[1];
  bool circle = shape.kind == Shape::Kind::Circle;
  double height = shape.conversion * (circle ? shape.radius : shape.height / 2);
  double width = shape.conversion * (circle ? shape.radius : shape.width / 2);
  const double lat_delta = toDegrees(height / kEarthRadiusMeters);
  // A degree of longitude is shortest on the edge nearer the pole: the box is widened to
  // the span there (the top edge north of the equator, the bottom one south of it).
  const double long_delta_top =
      toDegrees(width / kEarthRadiusMeters / std::cos(toRadians(latitude + lat_delta)));
  const double long_delta_bottom =
      toDegrees(width / kEarthRadiusMeters / std::cos(toRadians(latitude - lat_delta)));
  bool southern = latitude < 0;
  bounds[0] = southern ? longitude - long_delta_bottom : longitude - long_delta_top;
  bounds[2] = southern ? longitude + long_delta_bottom : longitude + long_delta_top;
  bounds[1] = latitude - lat_delta;
  bounds[3] = latitude + lat_delta;
}

SearchArea coverShape(Shape* shape) {
  boundingBox(*shape, shape->bounds);
  double min_lon = shape->bounds[0], min_lat = shape->bounds[1];
  double max_lon = shape->bounds[2], max_lat = shape->bounds[3];
  double longitude = shape->xy[0], latitude = shape->xy[1];
  // A box is covered like the circle through its corners.
  double radius_meters =
      shape->kind == Shape::Kind::Circle
          ? shape->radius
          : std::sqrt((shape->width / 2) * (shape->width / 2) +
                      (shape->height / 2) * (shape->height / 2));
  radius_meters *= shape->conversion;

  int steps = estimateStepsByRadius(radius_meters, latitude);
  SearchArea s;
  encodeWGS84(longitude, latitude, steps, &s.hash);
  s.neighbors = neighbors(s.hash);
  decodeWGS84(s.hash, &s.area);

  // Near a cell's edge the estimated step may be too fine: when a side neighbour does not
  // reach the bounding box's edge, one step coarser (cells twice as large) is used.
  Area north, south, east, west;
  decodeWGS84(s.neighbors.north, &north);
  decodeWGS84(s.neighbors.south, &south);
  decodeWGS84(s.neighbors.east, &east);
  decodeWGS84(s.neighbors.west, &west);
  bool decrease_step = north.latitude.max < max_lat || south.latitude.min > min_lat ||
                       east.longitude.max < max_lon || west.longitude.min > min_lon;
  if (steps > 1 && decrease_step) {
    steps--;
    encodeWGS84(longitude, latitude, steps, &s.hash);
    s.neighbors = neighbors(s.hash);
    decodeWGS84(s.hash, &s.area);
  }

  // Neighbours on a side the centre cell already covers past the bounding box hold no
  // match: drop them (not at step 1, where the neighbours wrap around the whole world).
  if (steps >= 2) {
    Neighbors& n = s.neighbors;
    if (s.area.latitude.min < min_lat) n.south = n.south_west = n.south_east = HashBits{};
    if (s.area.latitude.max > max_lat) n.north = n.north_east = n.north_west = HashBits{};
    if (s.area.longitude.min < min_lon) n.west = n.south_west = n.north_west = HashBits{};
    if (s.area.longitude.max > max_lon) n.east = n.south_east = n.north_east = HashBits{};
  }
  return s;
}

bool withinShape(const Shape& shape, double score, double* xy, double* dist) {
  if (!decodeScore(score, xy)) return false;
  const double cx = shape.xy[0], cy = shape.xy[1];
  if (shape.kind == Shape::Kind::Circle) {
    *dist = distance(cx, cy, xy[0], xy[1]);
    return *dist <= shape.radius * shape.conversion;
  }
  double width_m = shape.width * shape.conversion;
  double height_m = shape.height * shape.conversion;
  // The latitude test is the cheap one, so it goes first; the longitude extent is
  // measured along the point's own parallel.
  if (latitudeDistance(xy[1], cy) > height_m / 2) return false;
  if (distance(xy[0], xy[1], cx, xy[1]) > width_m / 2) return false;
  *dist = distance(cx, cy, xy[0], xy[1]);
  return true;
}

std::string formatDistance(double d) {
  if (d == 0) return "0.0000";
  long long scaled = std::llrint(d * 10000.0);
  unsigned long long magnitude;
  std::string out;
  if (scaled < 0) {
    out.push_back('-');
    magnitude = scaled == LLONG_MIN ? static_cast<unsigned long long>(LLONG_MAX) + 1
                                    : static_cast<unsigned long long>(-scaled);
  } else {
    magnitude = static_cast<unsigned long long>(scaled);
  }
  std::string frac = std::to_string(magnitude % 10000);
  out += std::to_string(magnitude / 10000);
  out.push_back('.');
  out.append(4 - frac.size(), '0');
  out += frac;
  return out;
}

}  // namespace osprey::geo
