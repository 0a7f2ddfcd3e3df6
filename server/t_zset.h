// server/t_zset.h — the zset value type (being written by the collections issue).
#pragma once

#include <memory>

namespace osprey {

struct ZSetValue {
  std::unique_ptr<ZSetValue> clone() const { return std::make_unique<ZSetValue>(); }
};

}  // namespace osprey
