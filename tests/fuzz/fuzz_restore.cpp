// tests/fuzz/fuzz_restore.cpp — libFuzzer target: RESTORE of hostile payloads, with
// sanitize-dump-payload yes and no.
//
// Input: byte 0 picks sanitize-dump-payload (bit 0) and whether the footer is fixed up
// (bit 1, most inputs): the rest is the payload body (type byte + value), to which the
// harness appends RDB version 10 and the right CRC64, so that mutations reach the value
// decoder rather than stop at the checksum (as upstream's corrupt-dump-fuzzer does).
// Whatever RESTORE accepts is then read back by every read command of its type.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/crc64.h"
#include "tests/fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  osprey::fuzz::Server& ts = osprey::fuzz::server();
  ts.run({"CONFIG", "SET", "sanitize-dump-payload", (data[0] & 1) ? "yes" : "no"});
  std::string payload(reinterpret_cast<const char*>(data + 1), size - 1);
  if (data[0] & 2) {
    payload.push_back(10);
    payload.push_back(0);
    uint64_t crc = osprey::crc64(0, payload);
    for (int i = 0; i < 8; i++) payload.push_back(static_cast<char>((crc >> (8 * i)) & 0xff));
  }
  std::string r = ts.run({"RESTORE", "k", "0", payload, "REPLACE"});
  if (r == "+OK\r\n") osprey::fuzz::readEveryKey(ts);
  ts.run({"FLUSHALL"});
  return 0;
}
