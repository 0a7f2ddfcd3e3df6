// server/cmd_server.cpp — server commands (being written).
#include "server/server.h"

namespace osprey {

CommandRows serverCommands() { return {nullptr, 0}; }

}  // namespace osprey
