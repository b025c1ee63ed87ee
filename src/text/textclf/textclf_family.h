// The `textclf` model family: text classification / sentiment. A loaded model offers
// Classifier (/v1/classifications: label + every label's probability) and Explainer
// (/v1/explanations: the n-grams that pushed the decision, with signed weights that add
// up to the logit difference).
#pragma once

#include <memory>

#include "core/capability/classifier.h"
#include "core/capability/explainer.h"
#include "core/family.h"
#include "text/textclf/text_classifier.h"

namespace maas::text {

class TextClfModel final : public LoadedModel, public Classifier, public Explainer {
 public:
  explicit TextClfModel(TextClassifier model) : model_(std::move(model)) {}

  std::string family() const override;
  uint64_t memory_bytes() const override;
  nlohmann::json stats() const override;

  std::vector<std::string> labels() const override { return model_.labels; }
  Result<std::vector<Classification>> classify(const std::vector<nlohmann::json>& inputs) override;
  // {"input": "text", "top": N (optional: list only the N largest weights)} ->
  // {"label", "versus", "logit_difference", "bias", "weights": [{"term", "value",
  //  "weight"}], "words": [{"word", "weight"}], "check": {"sum", "error"},
  //  "probabilities"}; sum = bias + every term's weight (= bias + every word's weight).
  Result<nlohmann::json> explain(const nlohmann::json& request) override;

  const TextClassifier& classifier() const { return model_; }

 protected:
  void* find_capability(const std::type_info& type) override { return offer<Classifier, Explainer>(this, type); }

 private:
  const TextClassifier model_;
};

std::unique_ptr<ModelFamily> make_textclf_family();

}  // namespace maas::text
