// server/t_string.cpp — string commands (being written).
#include "server/server.h"

namespace osprey {

CommandRows stringCommands() { return {nullptr, 0}; }

}  // namespace osprey
