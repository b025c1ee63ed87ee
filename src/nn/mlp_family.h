// The `mlp` model family: dense networks trained on tables by gradient descent, stored
// as GGUF (general.architecture "mlp"), served as Predictor, Classifier and Explainer.
#pragma once

#include <memory>

#include "core/family.h"

namespace maas::nn {

std::unique_ptr<ModelFamily> make_mlp_family();

}  // namespace maas::nn
