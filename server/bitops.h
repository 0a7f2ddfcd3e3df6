// server/bitops.h — bit arithmetic on string values, shared by the bitmap commands
// (t_bitops.cpp), HyperLogLog (t_hll.cpp) and the unit tests.
//
// Bits are numbered as Redis numbers them: bit 0 is the most significant bit of byte 0,
// bit 8 the most significant bit of byte 1, and so on. A field of N bits at offset k is
// read most significant bit first, so `SETBIT k 1` and `BITFIELD SET u1 k 1` agree.
#pragma once

#include <cstddef>
#include <cstdint>

namespace osprey::bits {

// Set bits in n bytes.
uint64_t popcount(const uint8_t* p, size_t n);

// The first bit equal to `bit` (0 or 1) in n bytes, or -1 when none is.
long long firstBit(const uint8_t* p, size_t n, int bit);

// An unsigned field of `width` (1..64) bits at bit `offset` of p (which must hold it).
uint64_t getUnsigned(const uint8_t* p, uint64_t offset, unsigned width);
// The same field read as two's complement.
int64_t getSigned(const uint8_t* p, uint64_t offset, unsigned width);
// Writes the low `width` bits of v at bit `offset`.
void setField(uint8_t* p, uint64_t offset, unsigned width, uint64_t v);

// BITFIELD's OVERFLOW behaviours.
enum class Overflow { Wrap, Sat, Fail };

// value + incr for a field of `width` bits. Returns true on overflow, with *result the
// wrapped or saturated value (for Fail, *result is left alone). Without overflow *result
// is the sum. Unsigned fields take value as an unsigned number (a negative SET argument
// is a huge one, as in Redis, so it saturates to the maximum).
bool addSigned(int64_t value, int64_t incr, unsigned width, Overflow ow, int64_t* result);
bool addUnsigned(uint64_t value, int64_t incr, unsigned width, Overflow ow, uint64_t* result);

}  // namespace osprey::bits
