// Capability: inputs in (a text, or a row {column: value}), a label and the probability
// of every label out. Served at /v1/classifications for every family that offers it.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace maas {

struct Classification {
  std::string label;
  std::vector<std::pair<std::string, double>> probabilities;  // every label, in the model's order
};

class Classifier {
 public:
  static constexpr const char* kName = "classifications";
  virtual ~Classifier() = default;
  virtual std::vector<std::string> labels() const = 0;
  // One result per input; an input of the wrong kind is a kInvalidArgument naming its
  // index ("input[2]: ...").
  virtual Result<std::vector<Classification>> classify(const std::vector<nlohmann::json>& inputs) = 0;
};

}  // namespace maas
