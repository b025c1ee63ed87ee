// Typed access to GGUF metadata: each getter names the key and the types involved.
#include "llm/gguf/gguf.h"

#include <limits>

namespace maas::llm {
namespace {

bool is_integer(GgufType t) {
  switch (t) {
    case GgufType::kUint8: case GgufType::kInt8: case GgufType::kUint16: case GgufType::kInt16:
    case GgufType::kUint32: case GgufType::kInt32: case GgufType::kUint64: case GgufType::kInt64:
      return true;
    default:
      return false;
  }
}

bool is_float(GgufType t) { return t == GgufType::kFloat32 || t == GgufType::kFloat64; }

Status wrong_type(const std::string& key, GgufType have, const char* want) {
  return invalid_argument("metadata '{}' is {}, want {}", key, gguf_type_name(have), want);
}

// An integer value as int64 if it fits.
bool as_int64(const GgufValue& v, int64_t* out) {
  if (const auto* u = std::get_if<uint64_t>(&v.v)) {
    if (*u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return false;
    *out = static_cast<int64_t>(*u);
    return true;
  }
  if (const auto* i = std::get_if<int64_t>(&v.v)) {
    *out = *i;
    return true;
  }
  return false;
}

double as_double(const GgufValue& v) {
  if (const auto* d = std::get_if<double>(&v.v)) return *d;
  if (const auto* u = std::get_if<uint64_t>(&v.v)) return static_cast<double>(*u);
  if (const auto* i = std::get_if<int64_t>(&v.v)) return static_cast<double>(*i);
  return 0.0;
}

Result<const GgufArray*> array_of(const GgufFile& f, const std::string& key) {
  const GgufValue* v = f.find(key);
  if (!v) return not_found("metadata '{}' is missing", key);
  const auto* a = std::get_if<std::shared_ptr<GgufArray>>(&v->v);
  if (!a || !*a) return wrong_type(key, v->type, "array");
  return a->get();
}

}  // namespace

const GgufValue* GgufFile::find(const std::string& key) const {
  auto it = kv_.find(key);
  return it == kv_.end() ? nullptr : &it->second;
}

Result<std::string> GgufFile::get_string(const std::string& key) const {
  const GgufValue* v = find(key);
  if (!v) return not_found("metadata '{}' is missing", key);
  const auto* s = std::get_if<std::string>(&v->v);
  if (!s) return wrong_type(key, v->type, "string");
  return *s;
}

Result<uint64_t> GgufFile::get_uint(const std::string& key) const {
  const GgufValue* v = find(key);
  if (!v) return not_found("metadata '{}' is missing", key);
  if (const auto* u = std::get_if<uint64_t>(&v->v)) return *u;
  if (const auto* i = std::get_if<int64_t>(&v->v)) {
    if (*i < 0) return invalid_argument("metadata '{}' is {}, want a non-negative integer", key, *i);
    return static_cast<uint64_t>(*i);
  }
  return wrong_type(key, v->type, "an integer");
}

Result<double> GgufFile::get_float(const std::string& key) const {
  const GgufValue* v = find(key);
  if (!v) return not_found("metadata '{}' is missing", key);
  if (!is_float(v->type) && !is_integer(v->type)) return wrong_type(key, v->type, "a number");
  return as_double(*v);
}

Result<bool> GgufFile::get_bool(const std::string& key) const {
  const GgufValue* v = find(key);
  if (!v) return not_found("metadata '{}' is missing", key);
  const auto* b = std::get_if<bool>(&v->v);
  if (!b) return wrong_type(key, v->type, "bool");
  return *b;
}

Result<std::vector<std::string>> GgufFile::get_string_array(const std::string& key) const {
  MAAS_ASSIGN_OR_RETURN(const GgufArray* a, array_of(*this, key));
  if (a->elem_type != GgufType::kString && !a->items.empty())
    return invalid_argument("metadata '{}' is an array of {}, want strings", key, gguf_type_name(a->elem_type));
  std::vector<std::string> out;
  out.reserve(a->items.size());
  for (const GgufValue& item : a->items) out.push_back(std::get<std::string>(item.v));
  return out;
}

Result<std::vector<double>> GgufFile::get_float_array(const std::string& key) const {
  MAAS_ASSIGN_OR_RETURN(const GgufArray* a, array_of(*this, key));
  if (!is_float(a->elem_type) && !is_integer(a->elem_type) && !a->items.empty())
    return invalid_argument("metadata '{}' is an array of {}, want numbers", key, gguf_type_name(a->elem_type));
  std::vector<double> out;
  out.reserve(a->items.size());
  for (const GgufValue& item : a->items) out.push_back(as_double(item));
  return out;
}

Result<std::vector<int64_t>> GgufFile::get_int_array(const std::string& key) const {
  MAAS_ASSIGN_OR_RETURN(const GgufArray* a, array_of(*this, key));
  if (!is_integer(a->elem_type) && !a->items.empty())
    return invalid_argument("metadata '{}' is an array of {}, want integers", key, gguf_type_name(a->elem_type));
  std::vector<int64_t> out;
  out.reserve(a->items.size());
  for (size_t i = 0; i < a->items.size(); ++i) {
    int64_t x = 0;
    if (!as_int64(a->items[i], &x))
      return invalid_argument("metadata '{}' item {} does not fit in int64", key, i);
    out.push_back(x);
  }
  return out;
}

Result<uint64_t> GgufFile::get_uint_or(const std::string& key, uint64_t fallback) const {
  return has(key) ? get_uint(key) : Result<uint64_t>(fallback);
}

Result<double> GgufFile::get_float_or(const std::string& key, double fallback) const {
  return has(key) ? get_float(key) : Result<double>(fallback);
}

Result<bool> GgufFile::get_bool_or(const std::string& key, bool fallback) const {
  return has(key) ? get_bool(key) : Result<bool>(fallback);
}

Result<std::string> GgufFile::get_string_or(const std::string& key, const std::string& fallback) const {
  return has(key) ? get_string(key) : Result<std::string>(fallback);
}

}  // namespace maas::llm
