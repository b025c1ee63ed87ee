#include "text/textclf/textclf_family.h"

#include <cmath>
#include <filesystem>

#include "text/textclf/artifact.h"
#include "text/textclf/labelled_texts.h"
#include "text/textclf/metrics.h"
#include "text/textclf/train.h"

namespace maas::text {

std::string TextClfModel::family() const { return kTextClfArchitecture; }

uint64_t TextClfModel::memory_bytes() const {
  return model_.features.memory_bytes() + (model_.linear.weight.size() + model_.linear.bias.size()) * sizeof(float);
}

nlohmann::json TextClfModel::stats() const {
  return {{"labels", model_.labels},
          {"vocabulary_size", model_.features.size()},
          {"ngram_min", model_.features.options().ngram_min},
          {"ngram_max", model_.features.options().ngram_max}};
}

Result<std::vector<Classification>> TextClfModel::classify(const std::vector<nlohmann::json>& inputs) {
  for (size_t i = 0; i < inputs.size(); ++i)
    if (!inputs[i].is_string())
      return invalid_argument("input[{}]: a text classifier takes texts (strings), got {}", i, inputs[i].type_name())
          .with_field(fmt::format("input[{}]", i));
  std::vector<Classification> out;
  for (const auto& input : inputs) {
    const std::vector<double> p = model_.probabilities(input.get<std::string>());
    Classification c;
    c.label = model_.labels[static_cast<size_t>(argmax(p))];
    for (size_t k = 0; k < p.size(); ++k) c.probabilities.emplace_back(model_.labels[k], p[k]);
    out.push_back(std::move(c));
  }
  return out;
}

Result<nlohmann::json> TextClfModel::explain(const nlohmann::json& request) {
  if (!request.is_object()) return invalid_argument("the request must be a JSON object");
  for (const auto& [key, value] : request.items())
    if (key != "input" && key != "top")
      return invalid_argument("unknown field '{}' for a text classifier explanation (fields: input, top)", key)
          .with_field(key);
  if (!request.contains("input") || !request["input"].is_string())
    return invalid_argument("'input' must be a text (a string)").with_field("input");
  int64_t top = -1;
  if (request.contains("top")) {
    if (!request["top"].is_number_integer() || request["top"].get<int64_t>() < 1)
      return invalid_argument("'top' must be a positive integer").with_field("top");
    top = request["top"].get<int64_t>();
  }

  const Explanation e = model_.explain(request["input"].get<std::string>());
  double sum = e.bias;
  nlohmann::json weights = nlohmann::json::array();
  for (const Contribution& c : e.contributions) {
    sum += c.weight;
    if (top < 0 || static_cast<int64_t>(weights.size()) < top)
      weights.push_back({{"term", c.term}, {"value", c.value}, {"weight", c.weight}});
  }
  nlohmann::json words = nlohmann::json::array();
  for (const WordWeight& w : e.words)
    if (top < 0 || static_cast<int64_t>(words.size()) < top) words.push_back({{"word", w.word}, {"weight", w.weight}});
  nlohmann::json probabilities = nlohmann::json::object();
  for (size_t k = 0; k < e.probabilities.size(); ++k) probabilities[model_.labels[k]] = e.probabilities[k];
  return nlohmann::json{{"label", model_.labels[static_cast<size_t>(e.label)]},
                        {"versus", model_.labels[static_cast<size_t>(e.versus)]},
                        {"logit_difference", e.logit_difference},
                        {"bias", e.bias},
                        {"weights", weights},
                        {"words", words},
                        {"check", {{"sum", sum}, {"error", std::abs(sum - e.logit_difference)}}},
                        {"probabilities", probabilities}};
}

namespace {

class TextClfFamily final : public ModelFamily {
 public:
  std::string name() const override { return kTextClfArchitecture; }
  std::vector<std::string> capabilities() const override { return {Classifier::kName, Explainer::kName}; }

  std::optional<std::string> detect(const FileProbe& probe) const override {
    if (probe.gguf_architecture != kTextClfArchitecture) return std::nullopt;
    return std::string("gguf");
  }

  // The whole file is small (a vocabulary and K x V floats): checking is loading it.
  Status validate(const Artifact& artifact) const override { return load_text_classifier(artifact.path).status(); }

  Result<uint64_t> estimate_memory(const Artifact& artifact, const LoadOptions&) const override {
    // The floats once, the vocabulary about three times (file bytes, strings, hash map).
    uint64_t bytes = artifact.size_bytes;
    std::error_code ec;
    if (bytes == 0) bytes = std::filesystem::file_size(artifact.path, ec);
    if (ec) return not_found("cannot read '{}': {}", artifact.path, ec.message());
    return 3 * bytes + (1u << 16);
  }

  Result<std::shared_ptr<LoadedModel>> load(const Artifact& artifact, const LoadOptions&) const override {
    MAAS_ASSIGN_OR_RETURN(TextClassifier model, load_text_classifier(artifact.path));
    return std::shared_ptr<LoadedModel>(std::make_shared<TextClfModel>(std::move(model)));
  }

  OptionSpecs eval_options() const override { return textclf_eval_options(); }

  Result<Metrics> evaluate(LoadedModel& loaded, const EvalSpec& spec) const override {
    auto* classifier = loaded.as<Classifier>();
    auto* model = dynamic_cast<TextClfModel*>(classifier);
    if (!model) return invalid_argument("not a textclf model");
    MAAS_ASSIGN_OR_RETURN(LabelledTexts data,
                          read_labelled_texts(spec.data_path, spec.options.value("text_col", std::string("text")),
                                              spec.options.value("label_col", std::string("label"))));
    return evaluate_text_classifier(model->classifier(), data);
  }

  OptionSpecs train_options() const override { return textclf_train_options(); }
  Result<TrainResult> train(const TrainSpec& spec) const override { return train_textclf(spec); }
};

}  // namespace

std::unique_ptr<ModelFamily> make_textclf_family() { return std::make_unique<TextClfFamily>(); }

}  // namespace maas::text
