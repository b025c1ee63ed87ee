// A model family written only for the contract test: y = w x + b. Its file is text
// ("LINEAR1 <w> <b>\n"), it trains by gradient descent on "x,y" CSV rows, evaluates by
// RMSE, offers Embedder (a text's embedding is [w * length + b]) and a route of its own
// (POST /v1/linear {"model", "x"} -> {"y"}). Everything a family does, in a few lines.
#pragma once

#include <memory>

#include "core/family.h"

namespace maas::testing {

std::unique_ptr<ModelFamily> make_linear_family();

}  // namespace maas::testing
