#include "registry/prices.h"

#include <cmath>

namespace maas::registry {

Result<Prices> parse_prices(const nlohmann::json& value) {
  if (!value.is_object()) return invalid_argument("prices must be a JSON object");
  Prices p;
  for (const auto& [name, v] : value.items()) {
    double* field = name == "input_per_1k"    ? &p.input_per_1k
                    : name == "output_per_1k" ? &p.output_per_1k
                    : name == "per_call"      ? &p.per_call
                                              : nullptr;
    if (!field) return invalid_argument("unknown price '{}' (known: input_per_1k, output_per_1k, per_call)", name).with_field(name);
    if (!v.is_number() || !std::isfinite(v.get<double>()) || v.get<double>() < 0)
      return invalid_argument("price '{}' must be a number >= 0 (USD)", name).with_field(name);
    *field = v.get<double>();
  }
  return p;
}

nlohmann::json to_json(const Prices& p) {
  return {{"input_per_1k", p.input_per_1k}, {"output_per_1k", p.output_per_1k}, {"per_call", p.per_call}};
}

}  // namespace maas::registry
