// server/t_set.h — keyspace operations on sets.
//
// The set value type itself (SetValue: intset or hashtable) is in server/object.h.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "server/dict.h"
#include "server/object.h"

namespace osprey {

// ---- Keyspace operations on set objects ---------------------------------------

// A new set object laid out for its first member, as Redis's setTypeCreate: an intset when
// that member is an integer, else a hashtable.
Object createSetFor(std::string_view first_member);
// Adds member to the set object o, keeping o.encoding right. True when it was added.
bool setAdd(Object& o, std::string_view member);

}  // namespace osprey
