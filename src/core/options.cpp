#include "core/options.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace maas {
namespace {

Status bad(const OptionSpec& spec, const std::string& what) {
  return invalid_argument("option '{}' {}", spec.name, what).with_field("options." + spec.name);
}

Status check_range(const OptionSpec& spec, double v) {
  if (!std::isfinite(v)) return bad(spec, "must be a finite number");
  if (v < spec.min || v > spec.max) {
    if (spec.max >= 1e300) return bad(spec, fmt::format("must be at least {}", spec.min));
    if (spec.min <= -1e300) return bad(spec, fmt::format("must be at most {}", spec.max));
    return bad(spec, fmt::format("must be between {} and {}", spec.min, spec.max));
  }
  return Status::ok();
}

// A JSON value checked against the option's type.
Result<nlohmann::json> check_value(const OptionSpec& spec, const nlohmann::json& v) {
  switch (spec.type) {
    case OptionType::kInt:
      if (!v.is_number_integer()) return bad(spec, "must be an integer");
      MAAS_RETURN_IF_ERROR(check_range(spec, v.get<double>()));
      return v;
    case OptionType::kFloat:
      if (!v.is_number()) return bad(spec, "must be a number");
      MAAS_RETURN_IF_ERROR(check_range(spec, v.get<double>()));
      return nlohmann::json(v.get<double>());
    case OptionType::kBool:
      if (!v.is_boolean()) return bad(spec, "must be true or false");
      return v;
    case OptionType::kIntList: {
      if (!v.is_array() || v.empty()) return bad(spec, "must be a non-empty list of integers");
      for (const auto& item : v) {
        if (!item.is_number_integer()) return bad(spec, "must be a non-empty list of integers");
        MAAS_RETURN_IF_ERROR(check_range(spec, item.get<double>()));
      }
      return v;
    }
    case OptionType::kString:
    case OptionType::kPath:
    case OptionType::kModel: {
      if (!v.is_string()) return bad(spec, "must be a string");
      const std::string s = v.get<std::string>();
      if (s.empty() && spec.type != OptionType::kString) return bad(spec, "must not be empty");
      if (!spec.choices.empty() && std::find(spec.choices.begin(), spec.choices.end(), s) == spec.choices.end()) {
        std::string list;
        for (const auto& c : spec.choices) list += (list.empty() ? "" : ", ") + c;
        return bad(spec, fmt::format("must be one of: {} (got '{}')", list, s));
      }
      return v;
    }
  }
  return bad(spec, "has an unknown type");
}

}  // namespace

const char* option_type_name(OptionType type) {
  switch (type) {
    case OptionType::kInt: return "integer";
    case OptionType::kFloat: return "number";
    case OptionType::kBool: return "boolean";
    case OptionType::kString: return "string";
    case OptionType::kIntList: return "integer list";
    case OptionType::kPath: return "path";
    case OptionType::kModel: return "model";
  }
  return "?";
}

std::string option_flag(const std::string& name) {
  std::string flag = "--" + name;
  std::replace(flag.begin(), flag.end(), '_', '-');
  return flag;
}

Result<nlohmann::json> resolve_options(const OptionSpecs& specs, const nlohmann::json& given) {
  if (!given.is_null() && !given.is_object()) return invalid_argument("'options' must be an object").with_field("options");
  nlohmann::json out = nlohmann::json::object();
  if (given.is_object()) {
    for (const auto& [key, value] : given.items()) {
      auto it = std::find_if(specs.begin(), specs.end(), [&](const OptionSpec& s) { return s.name == key; });
      if (it == specs.end()) {
        std::string known;
        for (const auto& s : specs) known += (known.empty() ? "" : ", ") + s.name;
        return invalid_argument("unknown option '{}' (known: {})", key, known.empty() ? "none" : known)
            .with_field("options." + key);
      }
      MAAS_ASSIGN_OR_RETURN(out[key], check_value(*it, value));
    }
  }
  for (const auto& spec : specs) {
    if (out.contains(spec.name)) continue;
    if (spec.required) return bad(spec, "is required");
    if (!spec.default_value.is_null()) out[spec.name] = spec.default_value;
  }
  return out;
}

Result<nlohmann::json> parse_option_text(const OptionSpec& spec, const std::string& text) {
  auto parse_int = [&](const std::string& s) -> Result<int64_t> {
    errno = 0;
    char* end = nullptr;
    const long long v = std::strtoll(s.c_str(), &end, 10);
    if (s.empty() || *end != '\0' || errno == ERANGE) return bad(spec, fmt::format("must be an integer (got '{}')", s));
    return static_cast<int64_t>(v);
  };
  switch (spec.type) {
    case OptionType::kInt: {
      MAAS_ASSIGN_OR_RETURN(int64_t v, parse_int(text));
      return check_value(spec, v);
    }
    case OptionType::kFloat: {
      errno = 0;
      char* end = nullptr;
      const double v = std::strtod(text.c_str(), &end);
      if (text.empty() || *end != '\0' || errno == ERANGE)
        return bad(spec, fmt::format("must be a number (got '{}')", text));
      return check_value(spec, v);
    }
    case OptionType::kBool:
      if (text == "true" || text == "1" || text == "yes") return nlohmann::json(true);
      if (text == "false" || text == "0" || text == "no") return nlohmann::json(false);
      return bad(spec, fmt::format("must be true or false (got '{}')", text));
    case OptionType::kIntList: {
      nlohmann::json list = nlohmann::json::array();
      size_t start = 0;
      while (start <= text.size()) {
        size_t comma = text.find(',', start);
        if (comma == std::string::npos) comma = text.size();
        MAAS_ASSIGN_OR_RETURN(int64_t v, parse_int(text.substr(start, comma - start)));
        list.push_back(v);
        start = comma + 1;
      }
      return check_value(spec, list);
    }
    case OptionType::kString:
    case OptionType::kPath:
    case OptionType::kModel:
      return check_value(spec, text);
  }
  return bad(spec, "has an unknown type");
}

}  // namespace maas
