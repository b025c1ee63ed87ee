// `maas train textclf`: labelled texts -> TF-IDF bag of n-grams -> softmax regression,
// validated on a seeded held-out fraction, saved as a textclf GGUF artifact.
#pragma once

#include "core/options.h"
#include "core/train.h"

namespace maas::text {

OptionSpecs textclf_train_options();
OptionSpecs textclf_eval_options();

// Reads spec.data_path, trains, writes spec.output_path (only when everything succeeded).
Result<TrainResult> train_textclf(const TrainSpec& spec);

}  // namespace maas::text
