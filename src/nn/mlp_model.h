// A loaded MLP: its schema and network, serving predictions on table rows and OIP
// tensors (Predictor), classifications (Classifier) and integrated-gradients
// explanations (Explainer). Read-only after load, so concurrent requests share it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/capability/classifier.h"
#include "core/capability/explainer.h"
#include "core/capability/predictor.h"
#include "core/family.h"
#include "nn/batcher.h"
#include "nn/model_file.h"
#include "tensor/thread_pool.h"

namespace maas::nn {

class MlpModel final : public LoadedModel, public Predictor, public Classifier, public Explainer {
 public:
  MlpModel(MlpArtifact artifact, int threads);

  std::string family() const override { return kArchitecture; }
  uint64_t memory_bytes() const override;
  nlohmann::json stats() const override;
  std::vector<Gauge> gauges() const override;

  const Schema& schema() const { return m_.schema; }
  const Network<float>& network() const { return m_.net; }

  // The network's outputs (probabilities, or the standardised value) for rows {column: value}.
  Result<std::vector<float>> outputs_for_rows(const std::vector<nlohmann::json>& rows, const std::string& field);

  // Predictor
  std::vector<TensorSpec> input_specs() const override;
  std::vector<TensorSpec> output_specs() const override;
  Result<std::vector<TensorData>> infer(const std::vector<TensorData>& inputs) override;
  Result<std::vector<nlohmann::json>> predict_rows(const std::vector<nlohmann::json>& rows) override;
  // Classifier
  std::vector<std::string> labels() const override { return m_.schema.labels; }
  Result<std::vector<Classification>> classify(const std::vector<nlohmann::json>& inputs) override;
  // Explainer: {"input": {column: value}, "steps": 128, "label": "..."} ->
  // {"prediction", "baseline_prediction", "attributions": {column: a}, "completeness": {...}}
  Result<nlohmann::json> explain(const nlohmann::json& request) override;

 protected:
  void* find_capability(const std::type_info& type) override {
    return offer<Predictor, Classifier, Explainer>(this, type);
  }

 private:
  std::vector<float> run(const std::vector<float>& x, int64_t rows);
  nlohmann::json prediction_json(const float* out) const;

  MlpArtifact m_;
  std::unique_ptr<tensor::ThreadPool> pool_;
  std::unique_ptr<Batcher> batcher_;  // concurrent requests share forward passes
};

}  // namespace maas::nn
