// The user + item bias baseline: r_ui ~ mu + b_u + b_i, regularised least squares fitted
// by alternating closed-form updates (Koren 2010, section 2.1):
//   b_i = sum_{u in R(i)} (r_ui - mu - b_u) / (reg_item + |R(i)|)
//   b_u = sum_{i in R(u)} (r_ui - mu - b_i) / (reg_user + |R(u)|)
#pragma once

#include <span>
#include <utility>
#include <vector>

#include "recsys/sparse.h"

namespace maas::recsys {

inline constexpr float kBiasRegUser = 15;
inline constexpr float kBiasRegItem = 10;

struct Biases {
  float mu = 0;
  std::vector<float> user, item;
};

float mean_value(const Csr& m);
Biases fit_biases(const Csr& by_user, const Csr& by_item, int iterations);

// b_u of a user the model did not train on, from its (item, rating) pairs.
float fold_in_user_bias(float mu, const std::vector<float>& item_bias,
                        std::span<const std::pair<int32_t, float>> ratings);

}  // namespace maas::recsys
