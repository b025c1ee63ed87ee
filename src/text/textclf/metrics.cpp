#include "text/textclf/metrics.h"

#include <algorithm>

namespace maas::text {

int argmax(const std::vector<double>& p) {
  return static_cast<int>(std::max_element(p.begin(), p.end()) - p.begin());
}

Metrics classification_metrics(const std::vector<std::string>& labels, const std::vector<int>& truth,
                               const std::vector<int>& predicted) {
  const size_t k = labels.size();
  std::vector<double> tp(k, 0), predicted_as(k, 0), actual(k, 0);
  double correct = 0;
  for (size_t i = 0; i < truth.size(); ++i) {
    actual[static_cast<size_t>(truth[i])] += 1;
    predicted_as[static_cast<size_t>(predicted[i])] += 1;
    if (truth[i] == predicted[i]) correct += 1, tp[static_cast<size_t>(truth[i])] += 1;
  }
  Metrics m;
  const double n = static_cast<double>(truth.size());
  m.values["accuracy"] = n > 0 ? correct / n : 0.0;
  m.values["texts"] = truth.size();
  m.higher_is_better["accuracy"] = true;
  // Macro-F1 averages F1 over the labels present in the data (a label never seen and
  // never predicted has no F1 to average).
  double f1_sum = 0;
  int f1_count = 0;
  for (size_t c = 0; c < k; ++c) {
    const double precision = predicted_as[c] > 0 ? tp[c] / predicted_as[c] : 0.0;
    const double recall = actual[c] > 0 ? tp[c] / actual[c] : 0.0;
    if (actual[c] == 0 && predicted_as[c] == 0) continue;
    const double f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0.0;
    f1_sum += f1;
    ++f1_count;
    m.values["precision_" + labels[c]] = precision;
    m.values["recall_" + labels[c]] = recall;
    m.higher_is_better["precision_" + labels[c]] = true;
    m.higher_is_better["recall_" + labels[c]] = true;
  }
  m.values["macro_f1"] = f1_count > 0 ? f1_sum / f1_count : 0.0;
  m.higher_is_better["macro_f1"] = true;
  return m;
}

Result<Metrics> evaluate_text_classifier(const TextClassifier& model, const LabelledTexts& data) {
  std::vector<int> truth, predicted;
  for (size_t i = 0; i < data.texts.size(); ++i) {
    auto it = std::find(model.labels.begin(), model.labels.end(), data.labels[i]);
    if (it == model.labels.end()) {
      std::string known;
      for (const auto& l : model.labels) known += (known.empty() ? "" : ", ") + l;
      return invalid_argument("{}: label '{}' is not one the model knows ({})", data.where[i], data.labels[i], known);
    }
    truth.push_back(static_cast<int>(it - model.labels.begin()));
    predicted.push_back(argmax(model.probabilities(data.texts[i])));
  }
  return classification_metrics(model.labels, truth, predicted);
}

}  // namespace maas::text
