// common/sha256.h — SHA-256 (FIPS 180-4), used for ACL password hashes: Redis stores and
// shows a user's passwords as the lower-case hex SHA-256 of the cleartext.
#pragma once

#include <string>
#include <string_view>

namespace osprey {

// Lower-case hex SHA-256 of data (64 chars).
std::string sha256hex(std::string_view data);

}  // namespace osprey
