// common/resp_parser.h — incremental, resumable parser of client requests.
//
// Reads multibulk (`*N\r\n$len\r\n...`) and inline (`PING\r\n`) requests out of a query
// buffer exactly as Redis 7.0 does, including its limits and protocol error texts. It keeps
// its state between calls, so a request split across many reads is parsed as bytes arrive,
// and a large bulk argument is reserved once and never re-scanned.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace osprey {

struct ParserLimits {
  long long proto_max_bulk_len = 512LL * 1024 * 1024;
  bool auth_required = false;  // unauthenticated clients get stricter limits, as in Redis
  bool from_master = false;    // the master link is trusted with any bulk length
};

class RequestParser {
 public:
  enum class Result {
    Command,     // argv holds a complete command (possibly argc 0: an empty inline line)
    Incomplete,  // need more bytes; everything consumed so far is remembered
    Error,       // protocol error; `error` holds the text without '-'; close after reply
  };

  // Parses from buf starting at *pos; advances *pos past consumed bytes.
  Result parse(const std::string& buf, size_t* pos, std::vector<std::string>* argv,
               const ParserLimits& limits, std::string* error);

  bool midRequest() const { return type_ != Type::None; }
  bool isInline() const { return last_inline_; }
  void reset();

  static constexpr size_t kInlineMax = 64 * 1024;  // PROTO_INLINE_MAX_SIZE

 private:
  enum class Type { None, Inline, Multibulk };
  Result parseInline(const std::string& buf, size_t* pos, std::vector<std::string>* argv,
                     std::string* error);
  Result parseMultibulk(const std::string& buf, size_t* pos, std::vector<std::string>* argv,
                        const ParserLimits& limits, std::string* error);

  Type type_ = Type::None;
  long long multibulk_left_ = 0;  // arguments still to read
  long long bulk_len_ = -1;       // length of the argument being read, -1 = header next
  size_t argc_ = 0;               // arguments read so far
  bool last_inline_ = false;
};

}  // namespace osprey
