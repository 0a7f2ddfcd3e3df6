// server/hll.h — HyperLogLog values in Redis's byte format, the data layer under PFADD,
// PFCOUNT, PFMERGE and PFDEBUG (t_hll.cpp) and the unit tests.
//
// A HyperLogLog is a string value laid out exactly as Redis lays it out, so the bytes move
// between Osprey and Redis through GET/SET, RDB, DUMP and replication:
//
//   header (16 bytes): "HYLL", encoding (0 dense, 1 sparse), 3 unused bytes, then the
//     cached cardinality as 8 little-endian bytes whose top bit (byte 15, 0x80) marks the
//     cache stale;
//   dense: 16384 registers of 6 bits, packed least significant bit first (12304 bytes in
//     all);
//   sparse: run-length opcodes, in register order, covering all 16384 registers:
//     00xxxxxx            ZERO   xxxxxx+1 (1..64) registers at zero
//     01xxxxxx yyyyyyyy   XZERO  the 14-bit xxxxxxyyyyyyyy+1 (1..16384) registers at zero
//     1vvvvvxx            VAL    xx+1 (1..4) registers holding vvvvv+1 (1..32).
//
// An element lands in register (h & 16383) with the value 1 + the number of trailing zeros
// of h >> 14 (at most 51), h being MurmurHash64A of the element with seed 0xadc83b19. A
// sparse value turns dense when a register needs more than 32 or when an update would
// take it past hll-sparse-max-bytes (header included). The cardinality is Otmar Ertl's
// improved raw estimator over the register histogram ("New cardinality estimation
// algorithms for HyperLogLog sketches", 2017), rounded to the nearest integer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace osprey::hll {

constexpr int kPrecision = 14;
constexpr int kRegisters = 1 << kPrecision;                       // 16384
constexpr int kRegisterBits = 6;
constexpr int kHeaderSize = 16;
constexpr size_t kDenseSize = kHeaderSize + kRegisters * kRegisterBits / 8;  // 12304
constexpr uint8_t kDense = 0, kSparse = 1;
constexpr int kSparseMaxValue = 32;

uint64_t murmurHash64A(const void* key, size_t len, uint64_t seed);

// The register an element updates and the value it brings (1..51).
void patternOf(std::string_view element, int* reg, int* value);

// Whether s has the shape of a HyperLogLog: at least a header, the magic, a known
// encoding, the exact dense size. (Redis answers WRONGTYPE otherwise.)
bool looksValid(const std::string& s);

// A new, empty sparse HyperLogLog (cached cardinality 0, valid).
std::string makeEmpty();

// Adds an element: 1 when a register changed, 0 when none did, -1 when the sparse data is
// corrupt (the value may be partly updated, as in Redis).
int add(std::string& s, std::string_view element);

// Sets register reg to value if that is larger (sparse or dense, promoting when needed).
// Same results as add().
int setRegister(std::string& s, int reg, int value);

// Converts a sparse value to dense in place; false (s untouched) when it is corrupt.
bool toDense(std::string& s);

// Cardinality computed from the registers; *invalid is set for corrupt sparse data.
uint64_t count(const std::string& s, bool* invalid);
// From a register histogram (hist[v] = registers holding v, 64 entries).
uint64_t countFromHistogram(const int* hist);

// max[i] = max(max[i], register i of s) for all registers; false for corrupt sparse data.
bool mergeInto(uint8_t* max, const std::string& s);

// Cached cardinality (header bytes 8..15).
bool cacheValid(const std::string& s);
uint64_t cachedCount(const std::string& s);
void storeCache(std::string& s, uint64_t card);
void invalidateCache(std::string& s);

// Dense registers (regs points at the register area, after the header).
int getDense(const uint8_t* regs, int reg);
void setDense(uint8_t* regs, int reg, int value);

// PFDEBUG DECODE's text for a sparse value: "z:N", "Z:N", "v:V,N" separated by spaces.
std::string decodeSparse(const std::string& s);

}  // namespace osprey::hll
