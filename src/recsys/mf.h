// Matrix factorisation for explicit ratings by biased SGD (Funk-SVD, Koren 2009):
//   r_ui ~ mu + b_u + b_i + p_u . q_i, minimising
//   sum (r_ui - r^_ui)^2 + reg (b_u^2 + b_i^2 + |p_u|^2 + |q_i|^2)
// one rating at a time in a shuffled order, e = r_ui - r^_ui:
//   b_u += lr (e - reg b_u)          b_i += lr (e - reg b_i)
//   p_u += lr (e q_i - reg p_u)      q_i += lr (e p_u - reg q_i)
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <utility>
#include <vector>

#include "core/status.h"
#include "recsys/sparse.h"

namespace maas::recsys {

struct MfOptions {
  int32_t factors = 100;
  int32_t epochs = 20;
  float lr = 0.005f;
  float reg = 0.02f;
  float init_std = 0.1f;
  uint64_t seed = 0;
};

struct MfModel {
  float mu = 0;
  std::vector<float> user_bias, item_bias;
  std::vector<float> p, q;  // users x factors, items x factors
};

// `on_epoch(epoch, train_rmse)` after each epoch; an error from it stops training.
Result<MfModel> train_mf(const Csr& by_user, const MfOptions& o,
                         const std::function<Status(int32_t, double)>& on_epoch);

// b_u and p_u for a user the model has not seen train (or whose ratings changed), with
// the items' parameters fixed: b_u as in the bias baseline, then ridge regression
//   p_u = (sum q_i q_i^T + reg n I)^-1 sum (r_ui - mu - b_u - b_i) q_i.
void fold_in_mf(float mu, const std::vector<float>& item_bias, const std::vector<float>& q, int32_t factors, float reg,
                std::span<const std::pair<int32_t, float>> ratings, float& user_bias, std::vector<float>& p);

}  // namespace maas::recsys
