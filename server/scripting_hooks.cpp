// server/scripting_hooks.cpp — the scripting engine's answers to the core while no engine
// exists yet (scripting issue): no script ever runs.
#include "server/scripting_hooks.h"

namespace osprey {

bool scriptIsTimedOut() { return false; }
bool scriptIsEval() { return true; }

}  // namespace osprey
