#include "serving/openai/fields.h"

#include <cmath>

namespace maas::serving::openai {
namespace {

Status bad(const char* name, const std::string& what) {
  return invalid_argument("'{}' {}", name, what).with_field(name);
}

}  // namespace

Status Fields::check_known(const std::set<std::string>& known, const std::set<std::string>& unsupported) const {
  for (const auto& [key, value] : body_.items()) {
    if (unsupported.count(key) && !value.is_null())
      return invalid_argument("'{}' is not supported by maas", key).with_field(key);
    if (!known.count(key) && !unsupported.count(key))
      return invalid_argument("unrecognized request argument: '{}'", key).with_field(key);
  }
  return Status::ok();
}

Result<std::string> Fields::string(const char* name) const {
  if (!has(name)) return bad(name, "is required");
  if (!body_[name].is_string()) return bad(name, "must be a string");
  return body_[name].get<std::string>();
}

Result<std::optional<std::string>> Fields::opt_string(const char* name) const {
  if (!has(name)) return std::optional<std::string>();
  if (!body_[name].is_string()) return bad(name, "must be a string");
  return std::optional<std::string>(body_[name].get<std::string>());
}

Result<bool> Fields::boolean(const char* name, bool fallback) const {
  if (!has(name)) return fallback;
  if (!body_[name].is_boolean()) return bad(name, "must be a boolean");
  return body_[name].get<bool>();
}

Result<std::optional<int64_t>> Fields::opt_integer(const char* name, int64_t min, int64_t max) const {
  if (!has(name)) return std::optional<int64_t>();
  const auto& v = body_[name];
  int64_t x = 0;
  if (v.is_number_unsigned()) {
    x = v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX) ? INT64_MAX : static_cast<int64_t>(v.get<uint64_t>());
  } else if (v.is_number_integer()) {
    x = v.get<int64_t>();
  } else if (v.is_number_float() && std::floor(v.get<double>()) == v.get<double>() && std::abs(v.get<double>()) < 9e15) {
    x = static_cast<int64_t>(v.get<double>());  // 16.0 is an integer in JSON terms
  } else {
    return bad(name, "must be an integer");
  }
  if (x < min || x > max) return bad(name, fmt::format("must be between {} and {} (got {})", min, max, x));
  return std::optional<int64_t>(x);
}

Result<int64_t> Fields::integer(const char* name, int64_t fallback, int64_t min, int64_t max) const {
  MAAS_ASSIGN_OR_RETURN(std::optional<int64_t> v, opt_integer(name, min, max));
  return v.value_or(fallback);
}

Result<double> Fields::number(const char* name, double fallback, double min, double max) const {
  if (!has(name)) return fallback;
  if (!body_[name].is_number()) return bad(name, "must be a number");
  double x = body_[name].get<double>();
  if (!(x >= min && x <= max)) return bad(name, fmt::format("must be between {} and {} (got {})", min, max, x));
  return x;
}

Result<std::vector<std::string>> Fields::string_or_list(const char* name, size_t max_items) const {
  std::vector<std::string> out;
  if (!has(name)) return out;
  const auto& v = body_[name];
  if (v.is_string()) {
    out.push_back(v.get<std::string>());
  } else if (v.is_array()) {
    if (v.size() > max_items) return bad(name, fmt::format("may hold at most {} strings", max_items));
    for (const auto& item : v) {
      if (!item.is_string()) return bad(name, "must be a string or an array of strings");
      out.push_back(item.get<std::string>());
    }
  } else {
    return bad(name, "must be a string or an array of strings");
  }
  for (const auto& s : out)
    if (s.empty()) return bad(name, "must not contain empty strings");
  return out;
}

}  // namespace maas::serving::openai
