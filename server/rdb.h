// rdb.h — the Redis 7.0 RDB format (version 10): whole datasets and single values.
//
// One module owns the byte format (rdb.cpp, with LZF in common/lzf.*): it serialises the
// keyspace (and function libraries, AUX fields, expiries) to a file or a buffer, and loads
// one back. Everything that decides *when* to save or load (SAVE, BGSAVE, save points,
// SHUTDOWN, DEBUG RELOAD, start-up loading, replication full sync) lives in persistence.cpp
// and calls only what is declared here. DUMP / RESTORE and FUNCTION DUMP / RESTORE use the
// single-value half.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "server/object.h"

namespace osprey {

constexpr int kRdbVersion = 10;

// Replication position stored in (and read back from) the AUX fields repl-id / repl-offset.
struct RdbReplInfo {
  std::string repl_id;         // empty: not written
  long long repl_offset = -1;  // -1: not written
  int repl_stream_db = -1;     // aux "repl-stream-db"
};

// ---- Whole datasets -----------------------------------------------------------------

// Serialises every database, the function libraries and the AUX fields into `out`.
void rdbSaveToBuffer(std::string& out, const RdbReplInfo* repl = nullptr);

// Writes the dataset to `path` safely: a temp file "temp-<pid>.rdb" in the same directory,
// fflush + fsync, then rename over `path`. A failure leaves the previous file untouched and
// sets `err` (Redis's wording, e.g. "Failed opening the temp RDB file temp-123.rdb (in server
// root dir /x) for saving: Permission denied"). Safe to call in a forked child.
bool rdbSaveToFile(const std::string& path, std::string& err, const RdbReplInfo* repl = nullptr);

struct RdbLoadOptions {
  // Called every ~2 MB (and at the end) with the bytes consumed so far, so the caller can
  // serve -LOADING replies while a large file loads.
  std::function<void(size_t done, size_t total)> progress;
  RdbReplInfo* repl_out = nullptr;  // filled from AUX fields when present
  // Called for each key a master skips because it is already expired.
  std::function<void(int dbid, std::string_view key)> on_expired;
};

enum class RdbLoadStatus { Ok, NotFound, Failed };

// Loads `path` into the (already emptied) databases and function libraries. NotFound when
// the file does not exist. Failed: corrupt / truncated / foreign / bad checksum / newer
// version; `err` says why, the partial data is discarded (databases emptied again).
RdbLoadStatus rdbLoadFile(const std::string& path, std::string& err,
                          const RdbLoadOptions& opts = {});
bool rdbLoadFromBuffer(std::string_view data, std::string& err, const RdbLoadOptions& opts = {});

// ---- Single values (DUMP / RESTORE) -----------------------------------------------------

// DUMP's payload: type byte + value + RDB version (2 bytes LE) + CRC64 (8 bytes LE).
std::string rdbDumpPayload(const Object& o);
// Checks the footer (version, CRC64) of a RESTORE payload; false: "DUMP payload version or
// checksum are wrong".
bool rdbVerifyDumpPayload(std::string_view payload);
// Decodes a verified payload into `out`; false when the body is malformed ("Bad data format").
bool rdbLoadDumpPayload(std::string_view payload, Object& out);

// ---- Function libraries (FUNCTION DUMP / RESTORE, and the FUNCTION2 records of a file) ----

// FUNCTION DUMP's payload: a FUNCTION2 record per library + RDB version + CRC64.
std::string rdbFunctionsDumpPayload();
// The library codes of a verified FUNCTION RESTORE payload; false with *err (no "ERR ")
// when a record is not a function library or is malformed.
bool rdbParseFunctionsPayload(std::string_view payload, std::vector<std::string>* codes,
                              std::string* err);

// Provided by functions.cpp for the RDB code: the code of every library (as FUNCTION LOAD
// got it), creating one from its code while loading (replacing a library of the same
// name; false with *err as FUNCTION LOAD words it), and dropping them all.
std::vector<std::string> functionLibraryCodes();
bool functionsLoadLibraryCode(std::string_view code, std::string* err);
void functionsClearLibraries();

}  // namespace osprey
