// server/scripting_hooks.h — what the core needs to know about a running script.
//
// The dispatcher refuses non-allow-busy commands while a script has run past
// busy-reply-threshold. Implemented in scripting.cpp.
#pragma once

namespace osprey {

bool scriptIsTimedOut();  // a script is running past busy-reply-threshold
bool scriptIsEval();      // the running script is EVAL (else a FUNCTION)

}  // namespace osprey
