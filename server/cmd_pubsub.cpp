// server/cmd_pubsub.cpp — pubsub commands (being written).
#include "server/server.h"

namespace osprey {

CommandRows pubsubCommands() { return {nullptr, 0}; }

}  // namespace osprey
namespace osprey {
long long pubsubPublishMessage(std::string_view, std::string_view) { return 0; }
void pubsubUnsubscribeAll(Client&) {}
}  // namespace osprey
