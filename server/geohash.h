// server/geohash.h — the geohash arithmetic behind the GEO commands (t_geo.cpp): encoding a
// longitude/latitude into the 52-bit interleaved cell number a geo sorted set uses as its
// score, decoding a score back to its cell centre, the neighbouring cells, the nine-cell
// cover of a search shape, and the great-circle (haversine) distance.
//
// Everything here is plain arithmetic with no server state, so replies can be reproduced to
// the last printed digit: the operations are done in the same order, with the same
// constants, as Redis 7.0 does them (a different but equivalent formula would round
// differently and print other digits).
//
// The grid. Longitudes span [-180, 180], latitudes [-85.05112878, 85.05112878] (the
// Web-Mercator limits: no cell reaches the poles). At `step` bits per axis the world is a
// 2^step x 2^step grid; a cell's number interleaves the latitude cell index into the even
// bits and the longitude index into the odd bits, so cells close on the map tend to have
// close numbers and one cell at a coarse step is a contiguous score range at step 26.
#pragma once

#include <cstdint>
#include <string>

namespace osprey::geo {

inline constexpr double kLatMin = -85.05112878;
inline constexpr double kLatMax = 85.05112878;
inline constexpr double kLongMin = -180;
inline constexpr double kLongMax = 180;
inline constexpr int kStepMax = 26;  // 26 bits per axis: the 52-bit scores
// The quadratic mean radius of the WGS-84 ellipsoid, the sphere distances are measured on.
inline constexpr double kEarthRadiusMeters = 6372797.560856;
// Half the circumference of the Mercator projection: where step estimation starts.
inline constexpr double kMercatorMax = 20037726.37;

// A cell: `step` bits per axis, interleaved in the low 2*step bits of `bits`. The all-zero
// value (step 0) means "no cell" (a neighbour excluded from a search).
struct HashBits {
  uint64_t bits = 0;
  uint8_t step = 0;
  bool isZero() const { return bits == 0 && step == 0; }
  bool operator==(const HashBits& o) const { return bits == o.bits && step == o.step; }
};

struct Range {
  double min = 0, max = 0;
};

// The rectangle a cell covers.
struct Area {
  HashBits hash;
  Range longitude, latitude;
};

struct Neighbors {
  HashBits north, east, west, south, north_east, south_east, north_west, south_west;
};

// Interleaves two 32-bit numbers: x into the even bits, y into the odd ones.
uint64_t interleave64(uint32_t x, uint32_t y);
// The inverse: even bits to the low 32 bits of the result, odd bits to the high 32.
uint64_t deinterleave64(uint64_t interleaved);

// The cell of (longitude, latitude) at `step` (1..32) inside the given ranges. False when
// the point lies outside them or outside the WGS-84 limits above.
bool encode(const Range& longitude_range, const Range& latitude_range, double longitude,
            double latitude, int step, HashBits* out);
// The same with the WGS-84 ranges (what GEOADD stores).
bool encodeWGS84(double longitude, double latitude, int step, HashBits* out);
// The rectangle of a cell inside the given ranges. False for the zero cell.
bool decode(const Range& longitude_range, const Range& latitude_range, const HashBits& hash,
            Area* out);
bool decodeWGS84(const HashBits& hash, Area* out);
// A cell's centre, clamped to the WGS-84 limits: xy[0] longitude, xy[1] latitude.
bool decodeToLongLatWGS84(const HashBits& hash, double* xy);

// The eight cells around `hash` at its step (wrapping around at the grid's edges).
Neighbors neighbors(const HashBits& hash);

// A cell number as a 52-bit score: the cell's bits shifted to the top of 52 bits, i.e. the
// smallest step-26 score inside the cell.
inline uint64_t align52Bits(const HashBits& hash) { return hash.bits << (52 - hash.step * 2); }

// A sorted-set score decoded as a step-26 cell's centre (GEOPOS's coordinates). Scores
// that are not geo cells decode to something, clamped to the limits, as Redis's do.
bool decodeScore(double score, double* xy);
// The 11-character standard geohash (latitude range [-90, 90]) of a stored score.
std::string standardGeohash(double score);

// ---- Distances ------------------------------------------------------------------

// Meters between two latitudes on the same meridian.
double latitudeDistance(double lat1, double lat2);
// Great-circle distance in meters (haversine).
double distance(double lon1, double lat1, double lon2, double lat2);

// ---- Searching an area ----------------------------------------------------------

// What GEOSEARCH / GEORADIUS look in: a circle of `radius` or a `width` x `height` box
// (both in the unit of `conversion`, the unit's size in meters) centred at xy.
struct Shape {
  enum class Kind { Circle, Box };
  Kind kind = Kind::Circle;
  double xy[2] = {0, 0};    // centre: longitude, latitude
  double conversion = 1;   // meters per unit
  double radius = 0;       // Circle
  double width = 0, height = 0;  // Box
  // The bounding box of the shape, filled by coverShape: min lon, min lat, max lon, max lat.
  double bounds[4] = {0, 0, 0, 0};
};

// The step whose cells are about as wide as a search of `range_meters` needs at `lat`.
int estimateStepsByRadius(double range_meters, double lat);
// The shape's bounding box in degrees: bounds[0] / bounds[2] min / max longitude,
// bounds[1] / bounds[3] min / max latitude.
void boundingBox(const Shape& shape, double* bounds);

// The cells to scan for a shape: the centre's cell and its eight neighbours, with the
// neighbours that cannot hold a match zeroed out.
struct SearchArea {
  HashBits hash;
  Neighbors neighbors;
  Area area;
};
// Also fills shape->bounds.
SearchArea coverShape(Shape* shape);

// Whether the point stored as `score` lies in the shape. On success xy holds the decoded
// point and *dist its distance from the shape's centre, in meters.
bool withinShape(const Shape& shape, double score, double* xy, double* dist);

// A distance as GEODIST / WITHDIST print it: rounded to 4 decimals (round-half-even on the
// value times 10^4, which is not always what "%.4f" gives).
std::string formatDistance(double d);

}  // namespace osprey::geo
