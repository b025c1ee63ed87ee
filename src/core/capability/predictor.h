// Capability: tensors or table rows in, predictions out. Served by the Open Inference
// Protocol v2 routes (/v2/models/{m}[/versions/{v}], .../ready, .../infer) and by
// /v1/predictions ({"model", "inputs": [{column: value}]}) for every family offering it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace maas {

// A tensor's name, OIP datatype ("FP32", "BYTES", ...) and shape (-1: any size).
struct TensorSpec {
  std::string name;
  std::string datatype;
  std::vector<int64_t> shape;
};

// A tensor's values, row-major: `fp32` for FP32, `bytes` for BYTES.
struct TensorData {
  std::string name;
  std::string datatype;
  std::vector<int64_t> shape;
  std::vector<float> fp32;
  std::vector<std::string> bytes;
};

class Predictor {
 public:
  static constexpr const char* kName = "predictions";
  virtual ~Predictor() = default;
  virtual std::vector<TensorSpec> input_specs() const = 0;
  virtual std::vector<TensorSpec> output_specs() const = 0;
  // Every declared input (batch first), every output. A missing or unknown tensor, a
  // wrong datatype or shape is a kInvalidArgument naming the tensor.
  virtual Result<std::vector<TensorData>> infer(const std::vector<TensorData>& inputs) = 0;
  // One prediction per row {column: value}: {"label", "probabilities": {label: p}} for
  // a classifier, {"value"} for a regressor. Errors name the row ("inputs[2].age: ...").
  virtual Result<std::vector<nlohmann::json>> predict_rows(const std::vector<nlohmann::json>& rows) = 0;
};

}  // namespace maas
