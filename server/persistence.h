// server/persistence.h — when the dataset is saved and loaded (Redis 7.0.15 semantics).
//
// The byte format belongs to rdb.h; this module decides *when*: SAVE and BGSAVE (a forked
// child writing temp-<pid>.rdb, reaped from serverCron), the `save` points checked by cron
// with the 5-second retry after a failed BGSAVE, the MISCONF and LOADING refusals of the
// dispatcher, loading dir/dbfilename at start-up while answering -LOADING, the final
// snapshot of SHUTDOWN, DEBUG RELOAD and FLUSHALL's synchronous save. The state it keeps
// lives in Server ("Persistence bookkeeping", server.h) so INFO can report it.
#pragma once

#include <string>
#include <vector>

#include "common/config.h"
#include "server/rdb.h"
#include "server/server.h"

namespace osprey {

// ---- Save points (pure decisions, unit tested) ----------------------------------------

// Seconds Redis waits after a failed BGSAVE before a save point may try again.
constexpr long long kBgsaveRetryDelay = 5;

// May a background save start now? Always after a success; after a failure only once more
// than kBgsaveRetryDelay seconds passed since the last attempt.
bool bgsaveRetryAllowed(long long now, long long lastbgsave_try, bool lastbgsave_ok);

// The first save point that fires: at least `changes` changes and more than `seconds`
// seconds since the last successful save (and the retry rule above). -1: none.
int dueSavePoint(const std::vector<SavePoint>& points, long long dirty, long long now,
                 long long lastsave, long long lastbgsave_try, bool lastbgsave_ok);

// ---- Saving -----------------------------------------------------------------------------

// Redis's rdbSave: writes dir/dbfilename in the foreground. Success resets `dirty`, sets
// LASTSAVE and marks the last bgsave status ok; failure logs why.
bool rdbSaveSync();
// Redis's rdbSaveBackground: forks a child that saves and exits. False (logged) when a
// child already runs or fork fails.
bool rdbSaveBackground();
bool rdbChildRunning();
// Kills the BGSAVE child (SIGUSR1, so its end is not an error) and removes its temp file.
void killRdbChild();

// FLUSHALL's persistence step, called right after the databases were emptied: stops a
// running BGSAVE and, when save points are configured, saves the now empty dataset
// synchronously (which resets `dirty`), as Redis's flushAllDataAndResetRDB.
void rdbSaveAfterFlushAll();

// ---- Cron and shutdown --------------------------------------------------------------------

// Every serverCron tick: reaps a finished child, fires save points, starts a scheduled
// BGSAVE.
void persistenceCron();
// SHUTDOWN's persistence part: kill the child, then the final snapshot when asked (or when
// save points exist). False: the save failed without FORCE, SHUTDOWN must be aborted (the
// error lines are logged).
bool persistenceShutdown(int flags);

// ---- Loading ----------------------------------------------------------------------------

// Start-up: loads dir/dbfilename when it exists, answering clients with -LOADING
// meanwhile. A corrupt file logs "Fatal error loading the DB: ... Exiting." and exits(1).
void loadDataFromDisk();
// What the file loaded at start-up said about replication (AUX repl-id / repl-offset /
// repl-stream-db), for the replication code to resume from; defaults when nothing loaded.
const RdbReplInfo& rdbLoadedReplInfo();
// The keys (db id, key) the last load skipped as already expired: a restarted master feeds
// their DELs to its backlog, so replicas continuing partially drop them too.
std::vector<std::pair<int, std::string>> takeKeysExpiredAtLoad();

// ---- Dispatcher checks ------------------------------------------------------------------

inline constexpr const char* kMisconfError =
    "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist "
    "to disk. Commands that may modify the data set are disabled, because this instance is "
    "configured to report errors during writes if RDB snapshotting fails "
    "(stop-writes-on-bgsave-error option). Please check the Redis logs for details about "
    "the RDB error.";

// Writes are refused: stop-writes-on-bgsave-error, save points set and the last BGSAVE
// failed. Scripts use it for their write commands (with kMisconfError).
bool writeCommandsDeniedByDiskError();

// processCommand's persistence refusals, in Redis's order: MISCONF for write commands (and
// PING) after a failed BGSAVE, then LOADING for commands without the `loading` flag while
// the dataset loads. True: c was answered with the error and the command must not run.
bool rejectCommandForPersistence(Client& c);

// ---- Commands and INFO ----------------------------------------------------------------

void saveCommand(Client& c);
void bgsaveCommand(Client& c);
void lastsaveCommand(Client& c);
// DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE].
void debugReloadCommand(Client& c);
// The "# Persistence" section of INFO.
void infoPersistence(std::string& s);

}  // namespace osprey
