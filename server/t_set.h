// server/t_set.h — the set value type (being written by the collections issue).
#pragma once

#include <memory>

namespace osprey {

struct SetValue {
  std::unique_ptr<SetValue> clone() const { return std::make_unique<SetValue>(); }
};

}  // namespace osprey
