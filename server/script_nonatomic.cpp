// server/script_nonatomic.cpp — non-atomic scripts: a coroutine resumed by the event loop
// (see script_nonatomic.h for the state machine and the choices).
#include "server/script_nonatomic.h"

#include <uv.h>

#include <algorithm>
#include <memory>

#include "common/util.h"
#include "server/blocking.h"
#include "server/networking.h"
#include "server/script_lua.h"

namespace osprey {

namespace {

enum class NonAtomicState { Idle, Suspended, Running };

struct NonAtomicRun {
  ScriptRun run;
  Client* caller = nullptr;  // nullptr once it disconnected (the reply is then dropped)
  LuaEngine* engine = nullptr;
  int co = 0;  // the coroutine's registry reference
  bool first = true;
  bool eval_globals = true;
  std::vector<std::string> keys, args;
  Db* db = nullptr;
  int resp = 2;  // the script's redis.setresp, kept across slices
};

struct NonAtomicState_ {
  NonAtomicState state = NonAtomicState::Idle;
  std::unique_ptr<NonAtomicRun> current;
  std::vector<Client*> waiting;  // second non-atomic scripts, in arrival order
  bool idle_init = false;
  uv_idle_t idle;
};

NonAtomicState_& S() {
  static NonAtomicState_ st;
  return st;
}

// Ends the run: the reply is out (or dropped), the caller reads its input again, the
// scripts that waited their turn run.
void finish() {
  NonAtomicState_& st = S();
  std::unique_ptr<NonAtomicRun> na = std::move(st.current);
  st.state = NonAtomicState::Idle;
  uv_idle_stop(&st.idle);
  na->engine->dropCoroutine(na->co);
  if (Client* c = na->caller) {
    c->protected_ = false;
    queueClientWrite(c);
    if (!c->unblocked_pending) {  // processUnblockedClients resumes its pipeline
      c->unblocked_pending = true;
      server.unblocked_clients.push_back(c);
    }
  }
  auto waiting = std::move(st.waiting);
  st.waiting.clear();
  for (Client* w : waiting) resumeClient(w);  // the first starts, the others wait again
}

// One slice per loop iteration: resume the coroutine once, up to its next redis.call (or
// ~kNonAtomicSliceUs of pure Lua). One call per iteration keeps the script's share small
// next to the clients served in the same iteration (measured: `make bench`, nonatomic).
void onIdle(uv_idle_t*) {
  NonAtomicState_& st = S();
  if (!st.current) return;
  NonAtomicRun& na = *st.current;
  updateCachedTime();
  ReplyCapture dropped(2);
  ReplyBuilder& out = na.caller ? na.caller->r() : static_cast<ReplyBuilder&>(dropped);
  if (na.run.kill_requested) {
    na.engine->replyCoroutineKilled(na.run, na.co, out);
    finish();
    return;
  }
  st.state = NonAtomicState::Running;
  Client* fake = na.run.fake;
  fake->db = na.db;
  fake->resp = na.resp;
  scriptBegin(&na.run);
  na.run.slice_start_us = na.run.start_us;
  bool done = na.engine->resumeCoroutine(na.run, na.co, na.keys, na.args, na.eval_globals,
                                         na.first, out);
  na.first = false;
  na.resp = fake->resp;
  scriptEnd();
  // Clients blocked on keys the script just wrote are served as after any command.
  if (!server.ready_keys.empty()) handleClientsBlockedOnKeys();
  if (done) {
    finish();
    return;
  }
  st.state = NonAtomicState::Suspended;
  if (na.caller) na.caller->protected_ = true;  // a busy fallback may have released it
}

}  // namespace

bool nonAtomicApplies(const Client& c, uint64_t flags) {
  if (!(flags & SCRIPT_FLAG_DISABLE_ATOMICITY)) return false;
  // Where atomicity is owed to something else, the flag is ignored.
  return !c.fake && !c.is_master && !c.in_multi && !server.in_exec && !server.in_script &&
         server.loop != nullptr;
}

bool nonAtomicWaitTurn(Client& c) {
  NonAtomicState_& st = S();
  if (st.state == NonAtomicState::Idle) return false;
  c.postponed = true;
  st.waiting.push_back(&c);
  return true;
}

void nonAtomicStart(Client& caller, LuaEngine& engine, const ScriptRun& proto, Client* fake,
                    const std::string* name, int ref, std::vector<std::string> keys,
                    std::vector<std::string> args) {
  NonAtomicState_& st = S();
  auto na = std::make_unique<NonAtomicRun>();
  na->run = proto;
  na->run.non_atomic = true;
  na->run.fake = fake;
  na->caller = &caller;
  na->engine = &engine;
  na->eval_globals = name != nullptr;
  na->co = engine.startCoroutine(name, ref);
  na->keys = std::move(keys);
  na->args = std::move(args);
  na->db = caller.db;
  st.current = std::move(na);
  st.state = NonAtomicState::Suspended;
  // The caller's later commands wait for this one's reply.
  caller.protected_ = true;
  if (!st.idle_init) {
    uv_idle_init(server.loop, &st.idle);
    st.idle_init = true;
  }
  uv_idle_start(&st.idle, onIdle);
}

ScriptRun* nonAtomicCurrent() {
  NonAtomicState_& st = S();
  return st.current ? &st.current->run : nullptr;
}

void nonAtomicAbortFor(LuaEngine* engine) {
  NonAtomicState_& st = S();
  if (!st.current || st.current->engine != engine) return;
  NonAtomicRun& na = *st.current;
  ReplyCapture dropped(2);
  ReplyBuilder& out = na.caller ? na.caller->r() : static_cast<ReplyBuilder&>(dropped);
  na.engine->replyCoroutineKilled(na.run, na.co, out);
  finish();
}

void nonAtomicClientFreed(Client& c) {
  NonAtomicState_& st = S();
  st.waiting.erase(std::remove(st.waiting.begin(), st.waiting.end(), &c), st.waiting.end());
  if (st.current && st.current->caller == &c) {
    // The script goes on (it may be writing); its reply has nowhere to go.
    st.current->caller = nullptr;
    st.current->run.caller = st.current->run.fake;
  }
}

}  // namespace osprey
