// server/blocking.h — clients blocked on keys (BLPOP, BLMOVE, BZPOPMIN, ...).
//
// A blocking command that finds no data calls blockForKeys(): the client stops reading
// input and waits in a FIFO per key. Every write signals the keys it modified
// (signalModifiedKey in db.cpp); a signalled key with waiters becomes "ready", and after
// the current command (or EXEC, or script) ends, handleClientsBlockedOnKeys() re-runs the
// blocked command of the first waiter(s) while the key can serve them — the command then
// finds its data and replies as if it had never blocked. Timeouts are kept on one libuv
// timer armed for the nearest deadline.
#pragma once

#include <string>
#include <vector>

#include "server/server.h"

namespace osprey {

enum class BlockType : uint8_t { None, List, ZSet, Stream };

// True when c may block (not inside MULTI/EXEC, not a script's client). Blocking commands
// that may not block answer as if they timed out at once.
bool clientMayBlock(const Client& c);

// Blocks c on keys of its current db until one becomes ready or timeout_ms (absolute unix
// ms, 0 = forever) passes. c.argv is kept and re-run when served.
void blockForKeys(Client& c, const std::vector<std::string>& keys, long long timeout_ms, BlockType type);

// Marks key ready if clients wait on it (called from signalModifiedKey).
void signalKeyAsReady(Db& db, std::string_view key);
// SWAPDB / FLUSH: every key with waiters in db is re-checked.
void signalAllBlockedKeysAsReady(Db& db);

// Serves clients blocked on ready keys (after each top-level command).
void handleClientsBlockedOnKeys();

// Removes c from every wait list (disconnect, CLIENT UNBLOCK, timeout).
void unblockClient(Client& c);
// CLIENT UNBLOCK: unblocks with the timeout reply or with
// "-UNBLOCKED client unblocked via CLIENT UNBLOCK". False if c was not blocked.
bool unblockClientFromOutside(Client& c, bool with_error);

// Replies the timeout answer of c's blocked command and unblocks it.
void replyToBlockedClientTimedOut(Client& c);

// Clients whose blocked command was served and whose pending input must now be processed.
void processUnblockedClients();

// INFO clients: blocked_clients, and clients_in_timeout_table (blocked with a timeout).
long long blockedClientsCount();
long long blockedClientsWithTimeout();

}  // namespace osprey
