// common/reply.cpp — OutputBuffer, the RESP writer and the capturing builder.
#include "common/reply.h"

#include <sys/uio.h>

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cstdlib>
#include <cstring>

#include "common/util.h"

namespace osprey {

// ---- OutputBuffer ----------------------------------------------------------

void OutputBuffer::appendSlow(std::string_view s) {
  if (s.empty()) return;
  if (s.size() > kChunk) {
    chunks_.emplace_back(s);
    sealed_ = true;
    pending_ += s.size();
    return;
  }
  if (spare_.capacity() >= s.size()) {
    chunks_.push_back(std::move(spare_));
    spare_ = std::string();
    chunks_.back().clear();
  } else {
    chunks_.emplace_back();
    chunks_.back().reserve(std::max<size_t>(s.size(), 1024));
  }
  sealed_ = false;
  chunks_.back().append(s.data(), s.size());
  pending_ += s.size();
}

void OutputBuffer::recycle(std::string& chunk) {
  if (chunk.capacity() > spare_.capacity() && chunk.capacity() <= kChunk) {
    chunk.clear();
    spare_.swap(chunk);
  }
}

void OutputBuffer::appendOwned(std::string&& s) {
  if (s.size() <= kChunk) {
    append(std::string_view(s));
    return;
  }
  pending_ += s.size();
  chunks_.push_back(std::move(s));
  sealed_ = true;
}

std::string* OutputBuffer::placeholder() {
  chunks_.emplace_back();
  sealed_ = true;
  return &chunks_.back();
}

void OutputBuffer::filled(size_t n) { pending_ += n; }

size_t OutputBuffer::peek(struct iovec* iov, size_t max) const {
  size_t n = 0;
  size_t off = front_off_;
  for (const auto& c : chunks_) {
    if (n == max) break;
    if (c.size() > off) {
      iov[n].iov_base = const_cast<char*>(c.data() + off);
      iov[n].iov_len = c.size() - off;
      n++;
    }
    off = 0;
  }
  return n;
}

void OutputBuffer::consume(size_t n) {
  pending_ -= n;
  if (pending_ == 0) {
    clear();
    return;
  }
  while (n > 0 && !chunks_.empty()) {
    size_t avail = chunks_.front().size() - front_off_;
    if (n < avail) {
      front_off_ += n;
      return;
    }
    n -= avail;
    if (chunks_.size() == 1) sealed_ = false;  // the deque is about to be empty
    recycle(chunks_.front());
    chunks_.pop_front();
    front_off_ = 0;
  }
  // Drop leading chunks that are now empty (filled placeholders of size 0 never occur,
  // but an unfilled one would block; they are always filled before a flush).
  while (!chunks_.empty() && chunks_.front().size() == front_off_ && chunks_.size() > 1) {
    chunks_.pop_front();
    front_off_ = 0;
  }
}

void OutputBuffer::clear() {
  if (!chunks_.empty()) recycle(chunks_.front());
  chunks_.clear();
  front_off_ = 0;
  pending_ = 0;
  sealed_ = false;
}

std::string OutputBuffer::str() const {
  std::string s;
  s.reserve(pending_);
  size_t off = front_off_;
  for (const auto& c : chunks_) {
    if (c.size() > off) s.append(c, off, std::string::npos);
    off = 0;
  }
  return s;
}

// ---- ReplyBuilder conveniences ---------------------------------------------

void ReplyBuilder::bulkInt(long long v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  bulk(std::string_view(buf, r.ptr - buf));
}

void ReplyBuilder::errorFormat(std::string_view prefix, std::string_view arg) {
  std::string s;
  s.reserve(prefix.size() + arg.size());
  s.append(prefix);
  s.append(arg);
  error(s);
}

// ---- RespWriter ------------------------------------------------------------

void RespWriter::header(char type, long long n) {
  char buf[32];
  buf[0] = type;
  auto r = std::to_chars(buf + 1, buf + sizeof buf - 2, n);
  r.ptr[0] = '\r';
  r.ptr[1] = '\n';
  out_->append(std::string_view(buf, r.ptr + 2 - buf));
}

void RespWriter::status(std::string_view s) {
  out_->append('+');
  out_->append(s);
  out_->append("\r\n");
}

void RespWriter::error(std::string_view s) {
  // Redis never lets an error reply span lines: newlines become spaces.
  out_->append('-');
  if (s.find_first_of("\r\n") != std::string_view::npos) {
    std::string t(s);
    for (char& ch : t)
      if (ch == '\r' || ch == '\n') ch = ' ';
    out_->append(t);
  } else {
    out_->append(s);
  }
  out_->append("\r\n");
  if (error_hook_) error_hook_(s, error_ctx_);
}

void RespWriter::integer(long long v) { header(':', v); }

void RespWriter::bulk(std::string_view s) {
  header('$', static_cast<long long>(s.size()));
  out_->append(s);
  out_->append("\r\n");
}

void RespWriter::null() { out_->append(resp_ >= 3 ? "_\r\n" : "$-1\r\n"); }
void RespWriter::nullArray() { out_->append(resp_ >= 3 ? "_\r\n" : "*-1\r\n"); }
void RespWriter::arrayLen(size_t n) { header('*', static_cast<long long>(n)); }
void RespWriter::mapLen(size_t n) {
  if (resp_ >= 3)
    header('%', static_cast<long long>(n));
  else
    header('*', static_cast<long long>(n * 2));
}
void RespWriter::setLen(size_t n) { header(resp_ >= 3 ? '~' : '*', static_cast<long long>(n)); }
void RespWriter::pushLen(size_t n) { header(resp_ >= 3 ? '>' : '*', static_cast<long long>(n)); }

void RespWriter::doubleValue(double v) {
  std::string s = d2string(v);
  if (resp_ >= 3) {
    out_->append(',');
    out_->append(s);
    out_->append("\r\n");
  } else {
    bulk(s);
  }
}

void RespWriter::doubleText(std::string_view text) {
  if (resp_ >= 3) {
    out_->append(',');
    out_->append(text);
    out_->append("\r\n");
  } else {
    bulk(text);
  }
}

void RespWriter::boolean(bool v) {
  if (resp_ >= 3)
    out_->append(v ? "#t\r\n" : "#f\r\n");
  else
    out_->append(v ? ":1\r\n" : ":0\r\n");
}

void RespWriter::verbatim(std::string_view s, std::string_view ext) {
  if (resp_ < 3) {
    bulk(s);
    return;
  }
  header('=', static_cast<long long>(s.size() + 4));
  out_->append(ext.substr(0, 3));
  out_->append(':');
  out_->append(s);
  out_->append("\r\n");
}

void RespWriter::bigNumber(std::string_view digits) {
  if (resp_ < 3) {
    bulk(digits);
    return;
  }
  out_->append('(');
  out_->append(digits);
  out_->append("\r\n");
}

Deferred RespWriter::deferLen() { return Deferred{out_->placeholder()}; }

void RespWriter::fillDeferred(Deferred d, char type, size_t n) {
  auto* slot = static_cast<std::string*>(d.slot);
  slot->push_back(type);
  slot->append(std::to_string(n));
  slot->append("\r\n");
  out_->filled(slot->size());
}

void RespWriter::setDeferredArrayLen(Deferred d, size_t n) { fillDeferred(d, '*', n); }
void RespWriter::setDeferredMapLen(Deferred d, size_t n) {
  if (resp_ >= 3)
    fillDeferred(d, '%', n);
  else
    fillDeferred(d, '*', n * 2);
}
void RespWriter::setDeferredSetLen(Deferred d, size_t n) {
  fillDeferred(d, resp_ >= 3 ? '~' : '*', n);
}

// ---- ReplyValue ------------------------------------------------------------

void ReplyValue::replay(ReplyBuilder& out) const {
  using K = Kind;
  switch (kind) {
    case K::Status: out.status(str); break;
    case K::Error: out.error(str); break;
    case K::Integer: out.integer(integer); break;
    case K::Bulk: out.bulk(str); break;
    case K::Null: out.null(); break;
    case K::NullArray: out.nullArray(); break;
    case K::Double:
      if (str.empty())
        out.doubleValue(dbl);
      else
        out.doubleText(str);
      break;
    case K::Bool: out.boolean(integer != 0); break;
    case K::Verbatim: out.verbatim(str, ext); break;
    case K::BigNumber: out.bigNumber(str); break;
    case K::Array:
    case K::Set:
    case K::Push:
    case K::Map: {
      if (kind == K::Array) out.arrayLen(elements.size());
      if (kind == K::Set) out.setLen(elements.size());
      if (kind == K::Push) out.pushLen(elements.size());
      if (kind == K::Map) out.mapLen(elements.size() / 2);
      for (const auto& e : elements) e.replay(out);
      break;
    }
  }
}

// ---- ReplyCapture ----------------------------------------------------------

ReplyValue* ReplyCapture::add(ReplyValue v) {
  ReplyValue* slot;
  if (open_.empty()) {
    done_.push_back(std::move(v));
    slot = &done_.back();
  } else {
    Open& top = open_.back();
    top.node->elements.push_back(std::move(v));
    slot = &top.node->elements.back();
    if (top.remaining > 0) top.remaining--;
  }
  return slot;
}

void ReplyCapture::closeFinished() {
  while (!open_.empty() && open_.back().remaining == 0) open_.pop_back();
}

void ReplyCapture::openAggregate(ReplyValue::Kind kind, long long n) {
  ReplyValue v;
  v.kind = kind;
  ReplyValue* node = add(std::move(v));
  // The parent may now be complete, but the new child must close first.
  if (n == 0) {
    closeFinished();
    return;
  }
  if (n > 0) node->elements.reserve(static_cast<size_t>(n));
  open_.push_back(Open{node, n});
}

static ReplyValue scalar(ReplyValue::Kind k) {
  ReplyValue v;
  v.kind = k;
  return v;
}

void ReplyCapture::status(std::string_view s) {
  auto v = scalar(ReplyValue::Kind::Status);
  v.str = s;
  add(std::move(v));
  closeFinished();
}
void ReplyCapture::error(std::string_view s) {
  auto v = scalar(ReplyValue::Kind::Error);
  v.str = s;
  add(std::move(v));
  closeFinished();
}
void ReplyCapture::integer(long long n) {
  auto v = scalar(ReplyValue::Kind::Integer);
  v.integer = n;
  add(std::move(v));
  closeFinished();
}
void ReplyCapture::bulk(std::string_view s) {
  auto v = scalar(ReplyValue::Kind::Bulk);
  v.str = s;
  add(std::move(v));
  closeFinished();
}
void ReplyCapture::null() {
  add(scalar(ReplyValue::Kind::Null));
  closeFinished();
}
void ReplyCapture::nullArray() {
  add(scalar(ReplyValue::Kind::NullArray));
  closeFinished();
}
void ReplyCapture::arrayLen(size_t n) { openAggregate(ReplyValue::Kind::Array, (long long)n); }
void ReplyCapture::mapLen(size_t n) { openAggregate(ReplyValue::Kind::Map, (long long)n * 2); }
void ReplyCapture::setLen(size_t n) { openAggregate(ReplyValue::Kind::Set, (long long)n); }
void ReplyCapture::pushLen(size_t n) { openAggregate(ReplyValue::Kind::Push, (long long)n); }
void ReplyCapture::doubleValue(double d) {
  auto v = scalar(ReplyValue::Kind::Double);
  v.dbl = d;
  add(std::move(v));
  closeFinished();
}
void ReplyCapture::doubleText(std::string_view text) {
  if (resp_ < 3) {  // a bulk string in RESP2, as on the wire
    bulk(text);
    return;
  }
  auto v = scalar(ReplyValue::Kind::Double);
  v.dbl = std::strtod(std::string(text).c_str(), nullptr);
  v.str = text;
  add(std::move(v));
  closeFinished();
}
void ReplyCapture::boolean(bool b) {
  auto v = scalar(ReplyValue::Kind::Bool);
  v.integer = b ? 1 : 0;
  add(std::move(v));
  closeFinished();
}
void ReplyCapture::verbatim(std::string_view s, std::string_view ext) {
  auto v = scalar(ReplyValue::Kind::Verbatim);
  v.str = s;
  v.ext = ext;
  add(std::move(v));
  closeFinished();
}
void ReplyCapture::bigNumber(std::string_view digits) {
  auto v = scalar(ReplyValue::Kind::BigNumber);
  v.str = digits;
  add(std::move(v));
  closeFinished();
}

Deferred ReplyCapture::deferLen() {
  // The kind is fixed when the length is set; Array until then.
  ReplyValue v;
  v.kind = ReplyValue::Kind::Array;
  ReplyValue* node = add(std::move(v));
  open_.push_back(Open{node, -1});
  return Deferred{node};
}

void ReplyCapture::setDeferredArrayLen(Deferred d, size_t) {
  auto* node = static_cast<ReplyValue*>(d.slot);
  node->kind = ReplyValue::Kind::Array;
  assert(!open_.empty() && open_.back().node == node);
  open_.back().remaining = 0;
  closeFinished();
}
void ReplyCapture::setDeferredMapLen(Deferred d, size_t n) {
  setDeferredArrayLen(d, n * 2);
  static_cast<ReplyValue*>(d.slot)->kind = ReplyValue::Kind::Map;
}
void ReplyCapture::setDeferredSetLen(Deferred d, size_t n) {
  setDeferredArrayLen(d, n);
  static_cast<ReplyValue*>(d.slot)->kind = ReplyValue::Kind::Set;
}

std::string ReplyCapture::toResp() const {
  OutputBuffer buf;
  RespWriter w(&buf);
  w.setProtocol(resp_);
  for (const auto& v : done_) v.replay(w);
  return buf.str();
}

}  // namespace osprey
