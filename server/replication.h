// server/replication.h — the master side of Redis replication: SYNC / PSYNC / REPLCONF,
// the replication backlog, and the stream of effects sent to replicas.
//
// Every effect that call() propagates (server.propagate_sinks) is turned into RESP here,
// preceded by SELECT when the database changes, appended to the backlog (which advances
// master_repl_offset) and written to each online replica. A replica asking for a full
// resynchronisation gets an RDB snapshot of the dataset built in memory (rdb.h); one that
// asks to continue from an offset still in the backlog gets the missing bytes.
// The replica side lives in the same file: REPLICAOF, the handshake state machine, the
// transfer of the snapshot, the master client whose commands go through the dispatcher,
// PSYNC2 (a replica's history is its master's), WAIT and min-replicas-to-write.
#pragma once

#include <string>

#include "server/rdb.h"
#include "server/server.h"

namespace osprey {

// Starts the replication cron (once at start-up; safe to call again). The propagation sink
// is registered when the first replica creates the backlog.
void replicationInit();

// INFO's "# Replication" section (master view).
void replicationInfo(std::string& s);
// INFO stats' sync_full / sync_partial_ok / sync_partial_err lines, and
// slave_expires_tracked_keys (keys a writable replica expires itself).
void replicationInfoSyncStats(std::string& s);
size_t replicationReplicaKeysWithExpire();
void replicationResetStats();  // CONFIG RESETSTAT
// ROLE's reply for a master.
void replicationRole(Client& c);

// The master's replication ids (INFO master_replid / master_replid2, DEBUG CHANGE-REPL-ID).
std::string& replicationId();
std::string& replicationId2();
void changeReplicationId();  // a new random id, and the old one forgotten as id2

long long replicationOffset();
bool replicationIsReplica(const Client& c);  // CLIENT LIST's 'S' flag
size_t replicationConnectedReplicas();
// Bytes waiting in the replicas' output buffers (INFO mem_clients_slaves; maxmemory leaves
// them out, as Redis leaves out its replication buffer beyond the backlog).
size_t replicationBuffersMemory();

// ---- Replica role ----
bool replicationIAmReplica();            // replicaof is set
bool replicationLinkUp();
// The running command comes from our master (directly, or a script it sent).
bool replicationCommandFromMaster();                // the link with the master is CONNECTED
bool replicationFailoverInProgress();
// min-replicas-to-write is met (or not set, or we are a replica): writes are allowed.
bool replicationEnoughGoodReplicas();
// The master client's parser consumed `bytes`; then the command they form was applied:
// our offset advances and the bytes go on, unchanged, to our backlog and our replicas.
void replicationMasterBytesParsed(Client& c, std::string_view bytes);
void replicationMasterCommandDone(Client& c);
void replicationOnMasterRead(Client& c, size_t bytes);  // slave_read_repl_offset
void replicationOnClientFreed(Client& c);  // the master link lost, a WAIT client gone
void replicationAckReceived();             // a REPLCONF ACK may release WAIT clients
void replicationBeforeSleep();             // GETACK for new WAIT clients
// The replication position to write in a snapshot's aux fields; false when none.
bool replicationSaveInfo(RdbReplInfo* info);
// A key given an expiry by a client of a writable replica: the replica expires it itself.
void replicationRememberKeyWithExpire(int dbid, std::string_view key);
// The dispatcher's replication refusals, in Redis's order: NOREPLICAS (min-replicas-to-write),
// READONLY (read-only replica), MASTERDOWN (stale data refused). Empty: the command may run.
std::string_view replicationRejectCommand(const Client& c);

inline constexpr const char* kNoReplicasError = "NOREPLICAS Not enough good replicas to write.";

CommandRows replicationCommands();

}  // namespace osprey
