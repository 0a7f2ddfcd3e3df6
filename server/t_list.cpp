// server/t_list.cpp — list commands (being written).
#include "server/server.h"

namespace osprey {

CommandRows listCommands() { return {nullptr, 0}; }

}  // namespace osprey
