// server/networking.h — the socket-level functions of networking.cpp that other parts of
// the server drive: listeners, reading, writing, resuming paused clients. The busy-state
// poller of the scripting engine calls the same functions with poll(2).
#pragma once

#include "server/server.h"

namespace osprey {

bool listenToPort();            // binds bind/port and unixsocket; logs and returns false on error
void closeListeners();
void acceptOn(int listen_fd);   // accepts every pending connection on a listening socket
bool readFromClient(Client* c); // false: the client was freed
bool writeToClient(Client* c);  // false: the client was freed
void processInputBuffer(Client* c);
void handleClientsWithPendingWrites();
void freeClientsInAsyncQueue();
void resumeClient(Client* c);   // run a postponed command and the rest of the input
void applyReplyMode(Client& c); // point the writer at the socket buffer or the discard one

// call()'s clock: while the input loop runs a batch of commands, server.ustime_cached was
// read just before the next command (after the read(2), or at the end of the previous
// command), so a top-level call() takes it as its start instead of reading the clock again.
bool commandClockFresh();
void noteCommandClock();  // call() just stored a fresh reading in server.ustime_cached

// Hooks into families: Pub/Sub cleanup and per-client state of other subsystems.
void pubsubUnsubscribeAll(Client& c);
void onClientFreed(Client& c);
bool clientNoEvict(const Client& c);  // CLIENT NO-EVICT ON (cmd_connection.cpp)

}  // namespace osprey
