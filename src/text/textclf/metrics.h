// Scores of a classifier on labelled texts: accuracy, macro-F1 and, per label,
// precision and recall (all "higher is better"), as the lifecycle gates read them.
#pragma once

#include <string>
#include <vector>

#include "core/family.h"
#include "text/textclf/labelled_texts.h"
#include "text/textclf/text_classifier.h"

namespace maas::text {

// truth[i], predicted[i] in [0, labels.size()).
Metrics classification_metrics(const std::vector<std::string>& labels, const std::vector<int>& truth,
                               const std::vector<int>& predicted);

// Classifies every text; a label the model does not know is an error naming its line.
Result<Metrics> evaluate_text_classifier(const TextClassifier& model, const LabelledTexts& data);

int argmax(const std::vector<double>& p);

}  // namespace maas::text
