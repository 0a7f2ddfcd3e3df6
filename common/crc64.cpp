// common/crc64.cpp — table-driven reflected CRC-64 (see crc64.h).
#include "common/crc64.h"

#include <array>

namespace osprey {

namespace {
constexpr uint64_t kReflectedPoly = 0x95AC9329AC4BC9B5ULL;  // bit-reverse of 0xad93d23594c935a9

constexpr std::array<uint64_t, 256> makeTable() {
  std::array<uint64_t, 256> t{};
  for (uint64_t i = 0; i < 256; i++) {
    uint64_t c = i;
    for (int k = 0; k < 8; k++) c = (c & 1) ? (c >> 1) ^ kReflectedPoly : c >> 1;
    t[i] = c;
  }
  return t;
}
constexpr std::array<uint64_t, 256> kTable = makeTable();
}  // namespace

uint64_t crc64(uint64_t crc, std::string_view data) {
  for (unsigned char b : data) crc = kTable[(crc ^ b) & 0xff] ^ (crc >> 8);
  return crc;
}

}  // namespace osprey
