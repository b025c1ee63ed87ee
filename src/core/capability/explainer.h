// Capability: why the model answered what it did. Served at /v1/explanations; the
// request body (minus "model") goes to the family, whose answer is the response's
// "data" (per-feature attributions for an MLP, signed word weights for a text
// classifier, reasons for a recommender). Each family documents its own shape.
#pragma once

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace maas {

class Explainer {
 public:
  static constexpr const char* kName = "explanations";
  virtual ~Explainer() = default;
  virtual Result<nlohmann::json> explain(const nlohmann::json& request) = 0;
};

}  // namespace maas
