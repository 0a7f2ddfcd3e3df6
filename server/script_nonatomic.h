// server/script_nonatomic.h — non-atomic scripts (Dragonfly's disable-atomicity flag).
//
// A script with `#!lua flags=disable-atomicity`, `--!df flags=disable-atomicity` or a
// FUNCTION registered with that flag runs as a pipeline the server writes itself: its Lua
// function runs in a coroutine, redis.call yields to the event loop after each command
// (and the instruction hook after ~50 us of pure Lua), and the loop resumes it once per
// iteration. In between every other client is served normally — reads, writes, the
// script's own keys, blocked clients, MULTI/EXEC, cron — so the server never turns BUSY.
//
// State machine of the one running script (g_nonatomic):
//   IDLE ──start──▶ SUSPENDED ──loop iteration──▶ RUNNING (a slice) ──yield──▶ SUSPENDED
//                                                     └──end / error / SCRIPT KILL──▶ IDLE
// Choices, and why:
//   * Each call's effect replicates as its own command, in the order the master ran it
//     (never wrapped in MULTI/EXEC with the others): replicas apply exactly the interleaving
//     the master had with other clients.
//   * SCRIPT KILL / FUNCTION KILL stop it at any point, writes or not (no atomicity to
//     protect); the caller gets Redis's "Script killed by user" error at the script's line.
//   * A second non-atomic script waits its turn (its client is held, as under CLIENT PAUSE,
//     and its command runs when the first ends): one coroutine at a time keeps SCRIPT KILL
//     unambiguous and the shared Lua client state simple. Atomic scripts (no flag) run in
//     between like any command, atomically; KEYS/ARGV are set again at every resume.
//   * Inside MULTI/EXEC, from a master or while another script holds the server, the flag
//     is ignored: the script runs atomically, as everything else there must.
//   * The caller's own later commands wait for the script's reply (its input is not read).
#pragma once

#include <string>
#include <vector>

#include "server/scripting.h"

namespace osprey {

class LuaEngine;

// Whether a script with these flags, called by c now, runs non-atomically.
bool nonAtomicApplies(const Client& c, uint64_t flags);
// True (after holding c) when another non-atomic script runs: c's command runs once it ends.
bool nonAtomicWaitTurn(Client& c);
// Starts the run (the caller gets its reply when the script ends). `name` for EVAL's
// compiled function, else the FUNCTION callback `ref`.
void nonAtomicStart(Client& caller, LuaEngine& engine, const ScriptRun& proto, Client* fake,
                    const std::string* name, int ref, std::vector<std::string> keys,
                    std::vector<std::string> args);
// The running non-atomic script (for SCRIPT KILL), or nullptr.
ScriptRun* nonAtomicCurrent();
// SCRIPT FLUSH is about to destroy `engine`: a non-atomic script running in it ends as if
// killed (its caller gets the SCRIPT KILL error) before its coroutine goes.
void nonAtomicAbortFor(LuaEngine* engine);
// A client went away: forget it as caller or waiter.
void nonAtomicClientFreed(Client& c);

}  // namespace osprey
