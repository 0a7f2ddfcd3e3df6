// common/crc64.h — the CRC-64 Redis uses for RDB files and DUMP payloads (Jones
// polynomial 0xad93d23594c935a9, reflected, initial value 0): crc64(0, "123456789")
// is 0xe9c6d914c4b8d9ca.
#pragma once

#include <cstdint>
#include <string_view>

namespace osprey {

uint64_t crc64(uint64_t crc, std::string_view data);

}  // namespace osprey
