// common/reply.h — the reply builder: the one way every handler answers.
//
// A handler never writes protocol bytes itself; it calls a ReplyBuilder. Two builders exist:
//   * RespWriter writes RESP2 or RESP3 bytes into an OutputBuffer (a client's socket
//     output), with deferred aggregate lengths for replies whose size is known only at the end.
//   * ReplyCapture builds a ReplyValue tree instead. Lua's redis.call and in-process tests
//     read that tree directly, so nothing is ever re-parsed from protocol text.
// RESP3-only types degrade to their RESP2 form exactly as Redis 7.0 does (maps become flat
// arrays, doubles become bulk strings, booleans become integers, nulls become $-1 / *-1).
#pragma once

#include <cstddef>
#include <cstdint>
#include <sys/uio.h>

#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace osprey {

// ---- Output buffer ---------------------------------------------------------

// A queue of chunks waiting to be written to a socket. Small replies are appended to the
// last chunk; large bulk payloads get a chunk of their own (moved in, never copied twice).
// Chunks are never relocated while queued, so a deferred-length placeholder can be
// patched after more data has been appended behind it.
class OutputBuffer {
 public:
  static constexpr size_t kChunk = 16 * 1024;

  // The common case (a small reply behind others in a growable chunk) stays inline.
  void append(std::string_view s) {
    if (!sealed_ && !chunks_.empty()) {
      std::string& back = chunks_.back();
      if (back.size() + s.size() <= kChunk) {
        back.append(s.data(), s.size());
        pending_ += s.size();
        return;
      }
    }
    appendSlow(s);
  }
  void append(char c) { append(std::string_view(&c, 1)); }
  void appendOwned(std::string&& s);  // takes a big payload as a chunk of its own
  // Opens an empty placeholder chunk and returns it; fill it later.
  std::string* placeholder();

  size_t size() const { return pending_; }  // bytes still to send
  // Bytes the queued chunks hold from the allocator (client eviction counts these).
  size_t allocated() const {
    size_t n = spare_.capacity();
    for (const std::string& ch : chunks_) n += ch.capacity();
    return n;
  }
  bool empty() const { return size() == 0; }
  // Up to `max` iovec-like pieces of what remains to be sent.
  size_t peek(struct iovec* iov, size_t max) const;
  void consume(size_t n);  // n bytes were sent
  void clear();
  // The whole pending content as one string (tests, capture of small replies).
  std::string str() const;

 private:
  friend class RespWriter;
  void appendSlow(std::string_view s);
  void filled(size_t n);  // a placeholder received n bytes
  void recycle(std::string& chunk);  // keeps a drained chunk's memory for the next one

  std::deque<std::string> chunks_;
  size_t front_off_ = 0;  // bytes of the front chunk already sent
  size_t pending_ = 0;    // bytes not yet sent
  bool sealed_ = false;   // the back chunk must not grow (placeholder or big payload)
  // A drained chunk kept with its capacity (at most kChunk), so a client answering one
  // request after another reuses one buffer instead of allocating per reply.
  std::string spare_;
};

// ---- Builder interface -----------------------------------------------------

struct Deferred {
  void* slot = nullptr;  // builder-specific handle
};

class ReplyBuilder {
 public:
  virtual ~ReplyBuilder() = default;

  int protocol() const { return resp_; }
  void setProtocol(int resp) { resp_ = resp; }

  virtual void status(std::string_view s) = 0;           // +s
  virtual void error(std::string_view s) = 0;            // -s ; s carries its code ("ERR ...")
  virtual void integer(long long v) = 0;                 // :v
  virtual void bulk(std::string_view s) = 0;             // $len s
  virtual void null() = 0;                               // RESP2 $-1, RESP3 _
  virtual void nullArray() = 0;                          // RESP2 *-1, RESP3 _
  virtual void arrayLen(size_t n) = 0;                   // *n
  virtual void mapLen(size_t n) = 0;                     // RESP3 %n, RESP2 *2n
  virtual void setLen(size_t n) = 0;                     // RESP3 ~n, RESP2 *n
  virtual void pushLen(size_t n) = 0;                    // RESP3 >n, RESP2 *n
  virtual void doubleValue(double v) = 0;                // RESP3 ,v  RESP2 bulk
  // A double already formatted by the caller (addReplyHumanLongDouble's text, GEOPOS):
  // RESP3 ,text  RESP2 bulk text.
  virtual void doubleText(std::string_view text) = 0;
  virtual void boolean(bool v) = 0;                      // RESP3 #t/#f  RESP2 :1/:0
  virtual void verbatim(std::string_view s, std::string_view ext = "txt") = 0;  // RESP2 bulk
  virtual void bigNumber(std::string_view digits) = 0;   // RESP3 (n  RESP2 bulk

  virtual Deferred deferLen() = 0;
  virtual void setDeferredArrayLen(Deferred d, size_t n) = 0;
  virtual void setDeferredMapLen(Deferred d, size_t n) = 0;
  virtual void setDeferredSetLen(Deferred d, size_t n) = 0;

  // Conveniences built on the primitives.
  void ok() { status("OK"); }
  void bulkOrNull(const std::string* s) { s ? bulk(*s) : null(); }
  void bulkInt(long long v);      // an integer sent as a bulk string
  void emptyArray() { arrayLen(0); }
  void errorFormat(std::string_view fmt_prefix, std::string_view arg);  // prefix + arg

 protected:
  int resp_ = 2;
};

// ---- RESP writer -----------------------------------------------------------

class RespWriter final : public ReplyBuilder {
 public:
  explicit RespWriter(OutputBuffer* out) : out_(out) {}
  void retarget(OutputBuffer* out) { out_ = out; }
  OutputBuffer* buffer() { return out_; }

  void status(std::string_view s) override;
  void error(std::string_view s) override;
  void integer(long long v) override;
  void bulk(std::string_view s) override;
  void null() override;
  void nullArray() override;
  void arrayLen(size_t n) override;
  void mapLen(size_t n) override;
  void setLen(size_t n) override;
  void pushLen(size_t n) override;
  void doubleValue(double v) override;
  void doubleText(std::string_view text) override;
  void boolean(bool v) override;
  void verbatim(std::string_view s, std::string_view ext) override;
  void bigNumber(std::string_view digits) override;
  Deferred deferLen() override;
  void setDeferredArrayLen(Deferred d, size_t n) override;
  void setDeferredMapLen(Deferred d, size_t n) override;
  void setDeferredSetLen(Deferred d, size_t n) override;

  // Counts error replies (INFO errorstats, total_error_replies); set by the server.
  using ErrorHook = void (*)(std::string_view err, void* ctx);
  void setErrorHook(ErrorHook h, void* ctx) { error_hook_ = h; error_ctx_ = ctx; }

 private:
  void header(char type, long long n);
  void fillDeferred(Deferred d, char type, size_t n);
  OutputBuffer* out_;
  ErrorHook error_hook_ = nullptr;
  void* error_ctx_ = nullptr;
};

// ---- Captured replies ------------------------------------------------------

struct ReplyValue {
  enum class Kind : uint8_t {
    Status, Error, Integer, Bulk, Null, NullArray, Array, Map, Set, Push, Double, Bool,
    Verbatim, BigNumber
  };
  Kind kind = Kind::Null;
  long long integer = 0;  // Integer, Bool (0/1)
  double dbl = 0;         // Double
  std::string str;        // Status, Error, Bulk, Verbatim, BigNumber, a Double's own text
                          // when it came through doubleText (and Verbatim ext in ext)
  std::string ext;
  std::vector<ReplyValue> elements;  // Array, Set, Push; Map as k,v,k,v...

  bool isAggregate() const {
    return kind == Kind::Array || kind == Kind::Map || kind == Kind::Set || kind == Kind::Push;
  }
  // Writes this value back through a builder (for forwarding a captured reply).
  void replay(ReplyBuilder& out) const;
};

class ReplyCapture final : public ReplyBuilder {
 public:
  explicit ReplyCapture(int resp = 2) { resp_ = resp; }

  void status(std::string_view s) override;
  void error(std::string_view s) override;
  void integer(long long v) override;
  void bulk(std::string_view s) override;
  void null() override;
  void nullArray() override;
  void arrayLen(size_t n) override;
  void mapLen(size_t n) override;
  void setLen(size_t n) override;
  void pushLen(size_t n) override;
  void doubleValue(double v) override;
  void doubleText(std::string_view text) override;
  void boolean(bool v) override;
  void verbatim(std::string_view s, std::string_view ext) override;
  void bigNumber(std::string_view digits) override;
  Deferred deferLen() override;
  void setDeferredArrayLen(Deferred d, size_t n) override;
  void setDeferredMapLen(Deferred d, size_t n) override;
  void setDeferredSetLen(Deferred d, size_t n) override;

  // The completed top-level replies, in order.
  std::vector<ReplyValue>& replies() { return done_; }
  void clear() { done_.clear(); open_.clear(); }
  // RESP bytes of everything captured (tests compare these with the real server's).
  std::string toResp() const;

 private:
  struct Open {
    ReplyValue* node;
    long long remaining;  // elements still expected; -1 while the length is deferred
  };
  ReplyValue* add(ReplyValue v);
  void openAggregate(ReplyValue::Kind kind, long long n);
  void closeFinished();
  std::vector<ReplyValue> done_;
  std::vector<Open> open_;
};

}  // namespace osprey
