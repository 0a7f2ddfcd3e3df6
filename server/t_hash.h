// server/t_hash.h — the hash value type (being written by the collections issue).
#pragma once

#include <memory>

namespace osprey {

struct HashValue {
  std::unique_ptr<HashValue> clone() const { return std::make_unique<HashValue>(); }
};

}  // namespace osprey
