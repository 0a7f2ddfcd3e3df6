// server/cmd_keys.cpp — key commands (being written).
#include "server/server.h"

namespace osprey {

CommandRows keyCommands() { return {nullptr, 0}; }

}  // namespace osprey
