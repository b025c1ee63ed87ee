// Model prices (registry metadata, the models.prices_json column):
//   {"input_per_1k": USD per 1000 prompt tokens, "output_per_1k": USD per 1000
//    completion tokens, "per_call": USD per request}
// Missing fields cost nothing.
#pragma once

#include <cstdint>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace maas::registry {

struct Prices {
  double input_per_1k = 0;
  double output_per_1k = 0;
  double per_call = 0;

  double cost(int64_t prompt_tokens, int64_t completion_tokens) const {
    return per_call + input_per_1k * static_cast<double>(prompt_tokens) / 1000.0 +
           output_per_1k * static_cast<double>(completion_tokens) / 1000.0;
  }
  bool free() const { return input_per_1k == 0 && output_per_1k == 0 && per_call == 0; }
};

// Strict: an object with only the three fields, each a number >= 0.
Result<Prices> parse_prices(const nlohmann::json& value);
nlohmann::json to_json(const Prices& prices);

}  // namespace maas::registry
