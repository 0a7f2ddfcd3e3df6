// server/dict.cpp — the hash function and PRNG behind Dict.
#include "server/dict.h"

#include <chrono>

namespace osprey {

namespace {
// A per-process random seed makes bucket order (and so SCAN / KEYS order) differ between
// runs, as Redis's seeded siphash does, and protects against crafted collisions.
uint64_t seed() {
  static const uint64_t s = [] {
    std::random_device rd;
    return (static_cast<uint64_t>(rd()) << 32) ^ rd() ^
           static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  }();
  return s;
}
}  // namespace

// wyhash-style mixing: fast on short keys, good avalanche.
static inline uint64_t mix(uint64_t a, uint64_t b) {
  __uint128_t r = static_cast<__uint128_t>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}

uint64_t dictHash(std::string_view s) {
  const uint64_t k0 = 0xa0761d6478bd642fULL, k1 = 0xe7037ed1a0b428dbULL, k2 = 0x8ebc6af09c88c6e3ULL;
  uint64_t h = seed() ^ (s.size() * k0);
  const unsigned char* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t n = s.size();
  while (n >= 8) {
    uint64_t v;
    __builtin_memcpy(&v, p, 8);
    h = mix(h ^ v ^ k1, k2);
    p += 8;
    n -= 8;
  }
  uint64_t tail = 0;
  for (size_t i = 0; i < n; i++) tail |= static_cast<uint64_t>(p[i]) << (8 * i);
  h = mix(h ^ tail ^ k1, k0 ^ n);
  return mix(h, k2);
}

uint64_t dictRandom() {
  // xorshift64*, seeded once.
  static uint64_t state = seed() | 1;
  state ^= state >> 12;
  state ^= state << 25;
  state ^= state >> 27;
  return state * 0x2545F4914F6CDD1DULL;
}

}  // namespace osprey
