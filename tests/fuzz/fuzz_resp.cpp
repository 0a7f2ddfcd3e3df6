// tests/fuzz/fuzz_resp.cpp — libFuzzer target: the request parser (multibulk and inline)
// over hostile bytes, delivered in chunks as reads deliver them.
//
// Input: byte 0 picks the limits (unauthenticated client, a small proto-max-bulk-len),
// byte 1 the chunk size; the rest is the query buffer. The parser must never read past
// the buffer, never move backwards, and either parse commands, wait for more, or answer
// a protocol error — whatever the bytes and however they are split.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "common/resp_parser.h"

using osprey::ParserLimits;
using osprey::RequestParser;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  ParserLimits limits;
  limits.auth_required = data[0] & 1;
  if (data[0] & 2) limits.proto_max_bulk_len = 1 + (data[0] >> 2);  // a tiny limit
  size_t chunk = 1 + data[1] % 64;
  const char* body = reinterpret_cast<const char*>(data + 2);
  size_t len = size - 2;

  RequestParser parser;
  std::string buf;
  size_t pos = 0, fed = 0;
  std::vector<std::string> argv;
  std::string error;
  while (fed < len) {
    size_t n = std::min(chunk, len - fed);
    buf.append(body + fed, n);
    fed += n;
    for (;;) {
      size_t before = pos;
      argv.clear();
      RequestParser::Result r = parser.parse(buf, &pos, &argv, limits, &error);
      if (pos < before || pos > buf.size()) std::abort();  // consumed bytes it did not have
      if (r == RequestParser::Result::Error) {
        if (error.empty()) std::abort();  // a protocol error always has Redis's text
        return 0;  // the connection closes after the error
      }
      if (r == RequestParser::Result::Incomplete) break;
      // A command: its arguments came out of the buffer, so they cannot be longer.
      size_t total = 0;
      for (const auto& a : argv) total += a.size();
      if (total > fed) std::abort();
    }
    if (pos > 0 && pos == buf.size()) {  // the server trims what it consumed
      buf.clear();
      pos = 0;
    }
  }
  return 0;
}
