// tests/unit/test_geo.cpp — the geohash arithmetic (server/geohash.cpp) and the GEO commands
// (server/t_geo.cpp) in-process. Expected scores, coordinates, hashes and distances were
// taken from a real Redis 7.0.15 given the same input (GEOADD / ZSCORE / GEOPOS / GEOHASH /
// GEODIST); the properties below (cell edges, neighbours, covers) hold for any input.
#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "common/util.h"
#include "server/db.h"
#include "server/geohash.h"
#include "tests/unit/harness.h"

using namespace osprey;
using osprey::test::TestServer;

namespace {

double scoreOf(double lon, double lat) {
  geo::HashBits h;
  REQUIRE(geo::encodeWGS84(lon, lat, geo::kStepMax, &h));
  return static_cast<double>(geo::align52Bits(h));
}

// Records what call() propagates (replication / AOF effects).
struct PropagationRecorder {
  std::vector<std::vector<std::string>> ops;
  PropagationRecorder() {
    server.propagate_sinks.push_back(
        [this](int, const std::vector<std::string>& argv) { ops.push_back(argv); });
  }
  ~PropagationRecorder() { server.propagate_sinks.pop_back(); }
};

}  // namespace

TEST_CASE("geohash: interleaving puts x in the even bits, y in the odd bits") {
  CHECK(geo::interleave64(1, 0) == 1);
  CHECK(geo::interleave64(0, 1) == 2);
  CHECK(geo::interleave64(0xFFFFFFFFu, 0) == 0x5555555555555555ULL);
  CHECK(geo::interleave64(0, 0xFFFFFFFFu) == 0xAAAAAAAAAAAAAAAAULL);
  CHECK(geo::interleave64(0x3, 0x1) == 0x7);  // x0 y0 x1 -> bits 0, 1, 2
  std::mt19937_64 rng(7);
  for (int i = 0; i < 1000; i++) {
    uint32_t x = static_cast<uint32_t>(rng()), y = static_cast<uint32_t>(rng());
    uint64_t sep = geo::deinterleave64(geo::interleave64(x, y));
    CHECK(static_cast<uint32_t>(sep) == x);
    CHECK(static_cast<uint32_t>(sep >> 32) == y);
  }
}

TEST_CASE("geohash: GEOADD's scores and GEOPOS's coordinates match Redis") {
  // ZSCORE after GEOADD on Redis 7.0.15.
  CHECK(scoreOf(13.361389, 38.115556) == 3479099956230698.0);  // Palermo
  CHECK(scoreOf(15.087269, 37.502669) == 3479447370796909.0);  // Catania
  CHECK(scoreOf(-180, -85.05112878) == 0.0);
  CHECK(scoreOf(13.5, 38) == 3479097324432493.0);
  CHECK(scoreOf(1, 1) == 3377822707026402.0);

  double xy[2];
  REQUIRE(geo::decodeScore(3479099956230698.0, xy));
  CHECK(ld2string_human(xy[0]) == "13.36138933897018433");
  CHECK(ld2string_human(xy[1]) == "38.11555639549629859");
  REQUIRE(geo::decodeScore(3479447370796909.0, xy));
  CHECK(ld2string_human(xy[0]) == "15.08726745843887329");
  REQUIRE(geo::decodeScore(scoreOf(1, 1), xy));
  CHECK(ld2string_human(xy[0]) == "0.99999994039535522");
  CHECK(ld2string_human(xy[1]) == "0.99999945914297683");
}

TEST_CASE("geohash: outside the WGS-84 limits nothing encodes") {
  geo::HashBits h;
  CHECK_FALSE(geo::encodeWGS84(180.0000001, 0, 26, &h));
  CHECK_FALSE(geo::encodeWGS84(0, 85.06, 26, &h));
  CHECK_FALSE(geo::encodeWGS84(0, -85.06, 26, &h));
  CHECK_FALSE(geo::encodeWGS84(0, 0, 0, &h));
  CHECK_FALSE(geo::encodeWGS84(0, 0, 33, &h));
  CHECK(geo::encodeWGS84(180, 85.05112878, 26, &h));
}

TEST_CASE("geohash: scores that are not cells decode as Redis's x86-64 build decodes them") {
  // GEOPOS of ZADD'ed scores on Redis 7.0.15: negative scores wrap through the signed
  // conversion, scores of 2^64 and more become cell 0, -1e20 becomes 2^63.
  double xy[2];
  REQUIRE(geo::decodeScore(-1, xy));
  CHECK(ld2string_human(xy[0]) == "180");
  CHECK(ld2string_human(xy[1]) == "85.0511287799999991");
  REQUIRE(geo::decodeScore(1e20, xy));
  CHECK(ld2string_human(xy[0]) == "-179.99999731779098511");
  CHECK(ld2string_human(xy[1]) == "-85.05112751263942528");
  REQUIRE(geo::decodeScore(-1e20, xy));
  CHECK(ld2string_human(xy[0]) == "180");
  CHECK(ld2string_human(xy[1]) == "-85.05112751263942528");
  REQUIRE(geo::decodeScore(4503599627370496.0, xy));  // 2^52: one past the last cell
  CHECK(ld2string_human(xy[1]) == "85.0511287799999991");
}

TEST_CASE("geohash: standard 11-character geohashes") {
  CHECK(geo::standardGeohash(3479099956230698.0) == "sqc8b49rny0");
  CHECK(geo::standardGeohash(3479447370796909.0) == "sqdtr74hyu0");
  CHECK(geo::standardGeohash(-1) == "bp05b5048p0");
  CHECK(geo::standardGeohash(0) == "00bh0hbj200");
  CHECK(geo::standardGeohash(4503599627370495.0) == "zzpgzgpfxz0");
}

TEST_CASE("geohash: a cell's neighbours share its edges, and wrap around the grid") {
  std::mt19937_64 rng(11);
  for (int i = 0; i < 500; i++) {
    int step = 2 + static_cast<int>(rng() % 25);
    double lon = -179 + static_cast<double>(rng() % 358000) / 1000.0;
    double lat = -84 + static_cast<double>(rng() % 168000) / 1000.0;
    geo::HashBits h;
    REQUIRE(geo::encodeWGS84(lon, lat, step, &h));
    geo::Area c, n, s, e, w;
    REQUIRE(geo::decodeWGS84(h, &c));
    CHECK(c.longitude.min <= lon);
    CHECK(lon <= c.longitude.max);
    CHECK(c.latitude.min <= lat);
    CHECK(lat <= c.latitude.max);
    geo::Neighbors nb = geo::neighbors(h);
    REQUIRE(geo::decodeWGS84(nb.north, &n));
    REQUIRE(geo::decodeWGS84(nb.south, &s));
    REQUIRE(geo::decodeWGS84(nb.east, &e));
    REQUIRE(geo::decodeWGS84(nb.west, &w));
    CHECK(n.longitude.min == c.longitude.min);
    CHECK(e.latitude.min == c.latitude.min);
    // Away from the grid's edges the neighbour's near edge is this cell's far edge.
    if (c.latitude.max < geo::kLatMax) CHECK(n.latitude.min == doctest::Approx(c.latitude.max));
    if (c.latitude.min > geo::kLatMin) CHECK(s.latitude.max == doctest::Approx(c.latitude.min));
    if (c.longitude.max < geo::kLongMax) CHECK(e.longitude.min == doctest::Approx(c.longitude.max));
    if (c.longitude.min > geo::kLongMin) CHECK(w.longitude.max == doctest::Approx(c.longitude.min));
    geo::Area ne;
    REQUIRE(geo::decodeWGS84(nb.north_east, &ne));
    CHECK(ne.latitude.min == n.latitude.min);
    CHECK(ne.longitude.min == e.longitude.min);
  }
  // The easternmost cell's east neighbour is the westernmost one.
  geo::HashBits h;
  REQUIRE(geo::encodeWGS84(179.9, 0, 10, &h));
  geo::Area e;
  REQUIRE(geo::decodeWGS84(geo::neighbors(h).east, &e));
  CHECK(e.longitude.min == -180);
}

TEST_CASE("geohash: distances as Redis prints them") {
  double p[2], c[2];
  REQUIRE(geo::decodeScore(3479099956230698.0, p));
  REQUIRE(geo::decodeScore(3479447370796909.0, c));
  // GEODIST Sicily Palermo Catania [km|mi|ft] on Redis 7.0.15.
  CHECK(geo::formatDistance(geo::distance(p[0], p[1], c[0], c[1])) == "166274.1516");
  CHECK(geo::formatDistance(geo::distance(p[0], p[1], c[0], c[1]) / 1000) == "166.2742");
  CHECK(geo::formatDistance(geo::distance(p[0], p[1], c[0], c[1]) / 1609.34) == "103.3182");
  CHECK(geo::formatDistance(geo::distance(p[0], p[1], c[0], c[1]) / 0.3048) == "545518.8700");
  CHECK(geo::distance(p[0], p[1], p[0], p[1]) == 0);
  // Same meridian: the latitude-only shortcut.
  CHECK(geo::distance(0, 0, 0, 1) == geo::latitudeDistance(0, 1));
  CHECK(geo::latitudeDistance(0, 1) == doctest::Approx(geo::kEarthRadiusMeters * M_PI / 180));
}

TEST_CASE("geohash: distance formatting rounds the scaled value, as fixedpoint_d2string") {
  CHECK(geo::formatDistance(0) == "0.0000");
  CHECK(geo::formatDistance(-0.0) == "0.0000");
  CHECK(geo::formatDistance(0.1) == "0.1000");
  CHECK(geo::formatDistance(12) == "12.0000");
  CHECK(geo::formatDistance(1234.5678) == "1234.5678");
  CHECK(geo::formatDistance(0.00004) == "0.0000");
  CHECK(geo::formatDistance(0.00006) == "0.0001");
  CHECK(geo::formatDistance(-1.5) == "-1.5000");
  CHECK(geo::formatDistance(-0.00006) == "-0.0001");
  // Half-way cases go to the even neighbour (llrint), where "%.4f" would see the exact
  // binary value: 0.00125 is stored as 0.001250000000000000026..., "%.4f" gives 0.0013.
  CHECK(geo::formatDistance(0.00125) == "0.0012");
  CHECK(geo::formatDistance(std::nan("")) == "-922337203685477.5808");
}

TEST_CASE("geohash: step estimation") {
  CHECK(geo::estimateStepsByRadius(0, 0) == 26);
  CHECK(geo::estimateStepsByRadius(100000, 0) == 7);
  CHECK(geo::estimateStepsByRadius(100000, 70) == 6);
  CHECK(geo::estimateStepsByRadius(100000, -85) == 5);
  CHECK(geo::estimateStepsByRadius(1, 0) == 24);
  CHECK(geo::estimateStepsByRadius(0.001, 0) == 26);
  CHECK(geo::estimateStepsByRadius(5e7, 0) == 1);
}

TEST_CASE("geohash: the cover of a shape holds every point within it") {
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> ulon(-179.5, 179.5), ulat(-80, 80), uoff(-3, 3);
  std::uniform_real_distribution<double> urad(1000, 400000);
  for (int i = 0; i < 300; i++) {
    geo::Shape shape;
    shape.xy[0] = ulon(rng);
    shape.xy[1] = ulat(rng);
    bool box = i % 2;
    shape.kind = box ? geo::Shape::Kind::Box : geo::Shape::Kind::Circle;
    shape.radius = urad(rng);
    shape.width = urad(rng);
    shape.height = urad(rng);
    geo::SearchArea area = geo::coverShape(&shape);
    const geo::HashBits cells[9] = {area.hash,
                                    area.neighbors.north,
                                    area.neighbors.south,
                                    area.neighbors.east,
                                    area.neighbors.west,
                                    area.neighbors.north_east,
                                    area.neighbors.north_west,
                                    area.neighbors.south_east,
                                    area.neighbors.south_west};
    for (int j = 0; j < 50; j++) {
      double lon = shape.xy[0] + uoff(rng), lat = shape.xy[1] + uoff(rng);
      if (lon < -180 || lon > 180 || lat < -85 || lat > 85) continue;
      double score = scoreOf(lon, lat), xy[2], dist;
      if (!geo::withinShape(shape, score, xy, &dist)) continue;
      // A point in the shape lies in one of the cells that are scanned.
      bool covered = false;
      for (const auto& cell : cells) {
        if (cell.isZero()) continue;
        geo::HashBits next = cell;
        next.bits++;
        if (score >= static_cast<double>(geo::align52Bits(cell)) &&
            score < static_cast<double>(geo::align52Bits(next)))
          covered = true;
      }
      CHECK(covered);
      CHECK(dist == geo::distance(shape.xy[0], shape.xy[1], xy[0], xy[1]));
    }
  }
}

TEST_CASE("geohash: box and circle membership") {
  geo::Shape circle;
  circle.kind = geo::Shape::Kind::Circle;
  circle.radius = 200;
  circle.conversion = 1000;
  circle.xy[0] = 15;
  circle.xy[1] = 37;
  double xy[2], dist;
  CHECK(geo::withinShape(circle, 3479099956230698.0, xy, &dist));  // Palermo, 190.4424 km
  CHECK(geo::formatDistance(dist / 1000) == "190.4424");
  circle.radius = 190;
  CHECK_FALSE(geo::withinShape(circle, 3479099956230698.0, xy, &dist));

  geo::Shape box = circle;
  box.kind = geo::Shape::Kind::Box;
  box.width = 400;  // Palermo is 145 km west and 124 km north of (15, 37)
  box.height = 260;
  CHECK(geo::withinShape(box, 3479099956230698.0, xy, &dist));
  box.height = 240;
  CHECK_FALSE(geo::withinShape(box, 3479099956230698.0, xy, &dist));
  box.height = 400;
  box.width = 280;
  CHECK_FALSE(geo::withinShape(box, 3479099956230698.0, xy, &dist));
}

// ---- The commands -----------------------------------------------------------------

TEST_CASE("GEOADD is ZADD with cells, replicated as ZADD; stats count GEOADD only") {
  TestServer ts;
  PropagationRecorder rec;
  Command* geoadd = server.commands.lookupName("geoadd");
  Command* zadd = server.commands.lookupName("zadd");
  REQUIRE(geoadd);
  REQUIRE(zadd);
  long long geoadd_calls = geoadd->calls, zadd_calls = zadd->calls;
  CHECK(ts.run({"GEOADD", "Sicily", "CH", "13.361389", "38.115556", "Palermo", "15.087269",
                "37.502669", "Catania"}) == ":2\r\n");
  REQUIRE(rec.ops.size() == 1);
  CHECK(rec.ops[0] == std::vector<std::string>{"zadd", "Sicily", "CH", "3479099956230698",
                                               "Palermo", "3479447370796909", "Catania"});
  CHECK(ts.run({"GEOADD", "Sicily", "xx", "13.361389", "38.115556", "Palermo"}) == ":0\r\n");
  CHECK(rec.ops.size() == 1);  // nothing changed, nothing propagated
  CHECK(ts.run({"GEOADD", "Sicily", "NX", "XX", "1", "2", "a"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"GEOADD", "Sicily", "CH", "CH", "CH"}) == "-ERR syntax error\r\n");
  CHECK(ts.run({"GEOADD", "Sicily", "1", "200", "a"}) ==
        "-ERR invalid longitude,latitude pair 1.000000,200.000000\r\n");
  CHECK(ts.run({"ZSCORE", "Sicily", "Palermo"}) == "$16\r\n3479099956230698\r\n");
  CHECK(geoadd->calls - geoadd_calls == 5);
  CHECK(zadd->calls - zadd_calls == 0);  // GEOADD does ZADD's work but is no ZADD call

  // The STORE forms replicate as they were sent (Redis does not rewrite them), also when
  // an empty result only deletes the destination; a search that changes nothing is not
  // replicated.
  rec.ops.clear();
  std::vector<std::string> store{"GEORADIUS", "Sicily", "15", "37", "200", "km", "STORE", "d"};
  CHECK(ts.run(store) == ":2\r\n");
  std::vector<std::string> empty{"GEOSEARCHSTORE", "d", "Sicily", "FROMLONLAT", "0", "0",
                                 "BYRADIUS", "1", "m"};
  CHECK(ts.run(empty) == ":0\r\n");
  CHECK(ts.run(empty) == ":0\r\n");
  REQUIRE(rec.ops.size() == 2);
  CHECK(rec.ops[0] == store);
  CHECK(rec.ops[1] == empty);
}

TEST_CASE("GEOPOS prints the cell centre: bulk strings in RESP2, doubles in RESP3") {
  TestServer ts;
  ts.run({"GEOADD", "k", "13.361389", "38.115556", "Palermo"});
  CHECK(ts.run({"GEOPOS", "k", "Palermo", "nope"}) ==
        "*2\r\n*2\r\n$20\r\n13.36138933897018433\r\n$20\r\n38.11555639549629859\r\n*-1\r\n");
  ts.run({"HELLO", "3"});
  CHECK(ts.run({"GEOPOS", "k", "Palermo", "nope"}) ==
        "*2\r\n*2\r\n,13.36138933897018433\r\n,38.11555639549629859\r\n_\r\n");
}

TEST_CASE("GEOSEARCH: argument errors in Redis's order") {
  TestServer ts;
  ts.run({"GEOADD", "k", "13.361389", "38.115556", "Palermo"});
  CHECK(ts.run({"GEOSEARCH", "k", "BYRADIUS", "1", "km", "ASC", "WITHDIST"}) ==
        "-ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for GEOSEARCH\r\n");
  CHECK(ts.run({"geosearch", "k", "FROMMEMBER", "Palermo", "ASC", "WITHDIST", "WITHHASH"}) ==
        "-ERR exactly one of BYRADIUS and BYBOX can be specified for geosearch\r\n");
  CHECK(ts.run({"GEOSEARCH", "k", "FROMMEMBER", "nope", "BYRADIUS", "-1", "km"}) ==
        "-ERR could not decode requested zset member\r\n");
  CHECK(ts.run({"GEOSEARCH", "k", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "km", "ANY"}) ==
        "-ERR the ANY argument requires COUNT argument\r\n");
  CHECK(ts.run({"GEOSEARCHSTORE", "d", "k", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "km",
                "WITHDIST"}) ==
        "-ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options\r\n");
  CHECK(ts.run({"GEOSEARCH", "k", "FROMLONLAT", "1", "1", "BYBOX", "1", "-1", "parsec"}) ==
        "-ERR height or width cannot be negative\r\n");
  CHECK(ts.run({"GEOSEARCH", "k", "FROMLONLAT", "1", "1", "BYBOX", "1", "1", "parsec"}) ==
        "-ERR unsupported unit provided. please use M, KM, FT, MI\r\n");
}

TEST_CASE("GEOSEARCHSTORE: results as zsets, an empty result deletes the destination") {
  TestServer ts;
  ts.run({"GEOADD", "Sicily", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669",
          "Catania"});
  CHECK(ts.run({"GEOSEARCHSTORE", "d", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200",
                "km", "STOREDIST"}) == ":2\r\n");
  CHECK(ts.run({"ZRANGE", "d", "0", "-1", "WITHSCORES"}) ==
        "*4\r\n$7\r\nCatania\r\n$18\r\n56.441257870158204\r\n$7\r\nPalermo\r\n$18\r\n"
        "190.44242984775784\r\n");
  CHECK(ts.run({"OBJECT", "ENCODING", "d"}) == "$8\r\nlistpack\r\n");
  CHECK(ts.run({"GEOSEARCHSTORE", "d", "Sicily", "FROMLONLAT", "0", "0", "BYRADIUS", "1",
                "km"}) == ":0\r\n");
  CHECK(ts.run({"EXISTS", "d"}) == ":0\r\n");
  CHECK(ts.run({"SET", "d", "x"}) == "+OK\r\n");
  CHECK(ts.run({"GEOSEARCHSTORE", "d", "nokey", "FROMMEMBER", "x", "BYRADIUS", "1", "km"}) ==
        ":0\r\n");
  CHECK(ts.run({"EXISTS", "d"}) == ":0\r\n");
}

TEST_CASE("GEORADIUS COUNT cuts ties where Redis's partial quicksort does") {
  // 17 points on four spots of one parallel. COUNT 6 cuts inside a group of equal
  // distances: which members make it, and in what order, is what Redis 7.0.15's partial
  // quicksort leaves there (recorded), not what a stable sort would give.
  TestServer ts;
  const char* lons[] = {"2.352", "2.352", "2.35",  "2.353", "2.351", "2.35",
                        "2.351", "2.35",  "2.352", "2.353", "2.351", "2.353",
                        "2.35",  "2.351", "2.35",  "2.351", "2.353"};
  std::vector<std::string> add{"GEOADD", "k"};
  for (int i = 0; i < 17; i++) {
    add.push_back(lons[i]);
    add.push_back("48.85");
    add.push_back((i < 10 ? "p0" : "p") + std::to_string(i));
  }
  ts.run(add);
  CHECK(test::bulks(ts.run({"GEORADIUS", "k", "2.35", "48.85", "5", "km", "COUNT", "6"})) ==
        std::vector<std::string>{"p05", "p07", "p12", "p02", "p14", "p13"});
  // Without COUNT the sort is stable: equal distances keep the zset order.
  CHECK(test::bulks(ts.run({"GEORADIUS", "k", "2.35", "48.85", "5", "km", "ASC"})) ==
        std::vector<std::string>{"p02", "p05", "p07", "p12", "p14", "p04", "p06", "p10", "p13",
                                 "p15", "p00", "p01", "p08", "p03", "p09", "p11", "p16"});
}
