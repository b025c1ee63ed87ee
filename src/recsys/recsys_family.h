// The `recsys` model family: recommenders trained by maas (popularity, bias baseline,
// item/user kNN, MF, implicit ALS, content-based, hybrid), loaded from GGUF
// (general.architecture "recsys"), offering Recommender and Explainer.
#pragma once

#include <memory>

#include "core/family.h"

namespace maas::recsys {

std::unique_ptr<ModelFamily> make_recsys_family();

}  // namespace maas::recsys
