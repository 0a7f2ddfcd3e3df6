// common/resp_parser.cpp — the request parser (see resp_parser.h).
#include "common/resp_parser.h"

#include <climits>
#include <cstring>
#include <string_view>

#include "common/util.h"

namespace osprey {

void RequestParser::reset() {
  type_ = Type::None;
  multibulk_left_ = 0;
  bulk_len_ = -1;
  argc_ = 0;
}

RequestParser::Result RequestParser::parse(const std::string& buf, size_t* pos,
                                           std::vector<std::string>* argv,
                                           const ParserLimits& limits, std::string* error) {
  if (type_ == Type::None) {
    if (*pos >= buf.size()) return Result::Incomplete;
    type_ = buf[*pos] == '*' ? Type::Multibulk : Type::Inline;
  }
  last_inline_ = type_ == Type::Inline;
  if (type_ == Type::Inline) return parseInline(buf, pos, argv, error);
  return parseMultibulk(buf, pos, argv, limits, error);
}

RequestParser::Result RequestParser::parseInline(const std::string& buf, size_t* pos,
                                                 std::vector<std::string>* argv,
                                                 std::string* error) {
  size_t start = *pos;
  size_t nl = buf.find('\n', start);
  if (nl == std::string::npos) {
    if (buf.size() - start > kInlineMax) {
      *error = "Protocol error: too big inline request";
      return Result::Error;
    }
    return Result::Incomplete;
  }
  size_t end = nl;
  if (end > start && buf[end - 1] == '\r') end--;
  std::vector<std::string> args;
  if (!splitArgs(std::string_view(buf).substr(start, end - start), &args)) {
    *error = "Protocol error: unbalanced quotes in request";
    return Result::Error;
  }
  *pos = nl + 1;
  argv->clear();
  for (auto& a : args) argv->push_back(std::move(a));
  reset();
  return Result::Command;
}

// Finds "\r" after the header starting at `at`; returns npos if absent.
static size_t findCR(const std::string& buf, size_t at) { return buf.find('\r', at); }

RequestParser::Result RequestParser::parseMultibulk(const std::string& buf, size_t* pos,
                                                    std::vector<std::string>* argv,
                                                    const ParserLimits& limits,
                                                    std::string* error) {
  if (multibulk_left_ == 0) {
    // The multibulk header "*<count>\r\n".
    size_t cr = findCR(buf, *pos);
    if (cr == std::string::npos) {
      if (buf.size() - *pos > kInlineMax) {
        *error = "Protocol error: too big mbulk count string";
        return Result::Error;
      }
      return Result::Incomplete;
    }
    if (cr + 1 >= buf.size()) return Result::Incomplete;  // need the '\n'
    long long n;
    bool ok = string2ll(std::string_view(buf).substr(*pos + 1, cr - (*pos + 1)), &n);
    if (!ok || n > INT_MAX) {
      *error = "Protocol error: invalid multibulk length";
      return Result::Error;
    }
    if (n > 10 && limits.auth_required) {
      *error = "Protocol error: unauthenticated multibulk length";
      return Result::Error;
    }
    *pos = cr + 2;
    if (n <= 0) {
      argv->clear();
      reset();
      return Result::Command;  // empty request: nothing to run
    }
    multibulk_left_ = n;
    argc_ = 0;
    if (argv->size() < static_cast<size_t>(std::min<long long>(n, 1024)))
      argv->reserve(static_cast<size_t>(std::min<long long>(n, 1024)));
    argv->clear();
    bulk_len_ = -1;
  }

  while (multibulk_left_ > 0) {
    if (bulk_len_ == -1) {
      size_t cr = findCR(buf, *pos);
      if (cr == std::string::npos) {
        if (buf.size() - *pos > kInlineMax) {
          *error = "Protocol error: too big bulk count string";
          return Result::Error;
        }
        return Result::Incomplete;
      }
      if (cr + 1 >= buf.size()) return Result::Incomplete;
      if (buf[*pos] != '$') {
        *error = "Protocol error: expected '$', got '";
        error->push_back(buf[*pos]);
        error->push_back('\'');
        return Result::Error;
      }
      long long len;
      bool ok = string2ll(std::string_view(buf).substr(*pos + 1, cr - (*pos + 1)), &len);
      if (!ok || len < 0 || (!limits.from_master && len > limits.proto_max_bulk_len)) {
        *error = "Protocol error: invalid bulk length";
        return Result::Error;
      }
      if (len > 16384 && limits.auth_required) {
        *error = "Protocol error: unauthenticated bulk length";
        return Result::Error;
      }
      *pos = cr + 2;
      bulk_len_ = len;
    }
    // The payload and its trailing CRLF.
    if (buf.size() - *pos < static_cast<size_t>(bulk_len_) + 2) return Result::Incomplete;
    argv->emplace_back(buf.data() + *pos, static_cast<size_t>(bulk_len_));
    *pos += static_cast<size_t>(bulk_len_) + 2;
    bulk_len_ = -1;
    multibulk_left_--;
    argc_++;
  }
  reset();
  return Result::Command;
}

}  // namespace osprey
