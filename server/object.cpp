// server/object.cpp — Object construction, copying and Redis's encoding names.
#include "server/object.h"

#include "common/util.h"
#include "server/t_hash.h"
#include "server/t_set.h"
#include "server/t_zset.h"

namespace osprey {

Object::Object() = default;
Object::~Object() = default;
Object::Object(Object&&) noexcept = default;
Object& Object::operator=(Object&&) noexcept = default;

const char* encodingName(Encoding e) {
  switch (e) {
    case Encoding::Raw: return "raw";
    case Encoding::Int: return "int";
    case Encoding::Embstr: return "embstr";
    case Encoding::Quicklist: return "quicklist";
    case Encoding::Listpack: return "listpack";
    case Encoding::Hashtable: return "hashtable";
    case Encoding::Intset: return "intset";
    case Encoding::Skiplist: return "skiplist";
    case Encoding::Stream: return "stream";
  }
  return "unknown";
}

const char* typeName(ObjType t) {
  switch (t) {
    case ObjType::String: return "string";
    case ObjType::List: return "list";
    case ObjType::Set: return "set";
    case ObjType::ZSet: return "zset";
    case ObjType::Hash: return "hash";
    case ObjType::Stream: return "stream";
  }
  return "none";
}

Encoding stringEncodingFor(const std::string& s) {
  long long v;
  if (s.size() <= 20 && string2ll(s, &v)) return Encoding::Int;
  return s.size() <= 44 ? Encoding::Embstr : Encoding::Raw;
}

Object Object::makeString(std::string s) {
  Object o;
  o.type = ObjType::String;
  o.encoding = stringEncodingFor(s);
  o.payload = std::move(s);
  return o;
}

Object Object::makeList() {
  Object o;
  o.type = ObjType::List;
  o.encoding = Encoding::Listpack;
  o.payload = std::make_unique<ListValue>();
  return o;
}

Object Object::clone() const {
  Object o;
  o.type = type;
  o.encoding = encoding;
  o.lru = lru;
  if (auto* s = std::get_if<std::string>(&payload)) {
    o.payload = *s;
  } else if (auto* l = std::get_if<std::unique_ptr<ListValue>>(&payload)) {
    o.payload = std::make_unique<ListValue>(**l);
  } else if (auto* h = std::get_if<std::unique_ptr<HashValue>>(&payload)) {
    o.payload = (*h)->clone();
  } else if (auto* st = std::get_if<std::unique_ptr<SetValue>>(&payload)) {
    o.payload = (*st)->clone();
  } else if (auto* z = std::get_if<std::unique_ptr<ZSetValue>>(&payload)) {
    o.payload = (*z)->clone();
  }
  return o;
}

}  // namespace osprey
