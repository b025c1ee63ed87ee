// Held-out evaluation of a trained recommender on TEST.csv (same columns as training):
//  - rmse, mae over the test rows whose item the model knows (algorithms that predict
//    ratings only);
//  - precision_at_K, recall_at_K, ndcg_at_K, map_at_K over the test users the model
//    trained on: the top K (training items excluded) against the user's test items as
//    the relevant set (with `relevance_threshold`, only rows rated at least that);
//  - coverage: the share of the catalogue recommended to at least one of them.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "core/family.h"
#include "core/options.h"
#include "recsys/scorer.h"

namespace maas::recsys {

OptionSpecs eval_option_specs();
Result<Metrics> evaluate_recsys(const Scorer& scorer, const std::string& path, const nlohmann::json& options,
                                int threads = 0);

}  // namespace maas::recsys
