// Multinomial logistic regression over sparse features:
//   z = W x + b,   p = softmax(z),   W: classes x features, b: classes,
// trained by mini-batch Adam on the mean cross-entropy plus (l2 / 2) ||W||^2, with the
// examples shuffled each epoch by a seeded generator (same seed, same model).
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "core/status.h"
#include "text/textclf/tfidf.h"

namespace maas::text {

struct LinearModel {
  int64_t classes = 0;
  int64_t features = 0;
  std::vector<float> weight;  // classes x features, row-major
  std::vector<float> bias;    // classes

  // z_k = b_k + sum_j W[k, j] x_j
  std::vector<double> logits(const SparseVector& x) const;
  float w(int64_t k, int32_t j) const { return weight[static_cast<size_t>(k * features + j)]; }
};

// Numerically stable softmax (subtracts the largest logit first).
std::vector<double> softmax(const std::vector<double>& z);

struct AdamOptions {
  int64_t epochs = 20;
  int64_t batch = 32;
  double lr = 0.02;
  double l2 = 1e-4;
  double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
  uint64_t seed = 1;
};

struct EpochReport {
  int64_t epoch = 0;     // 1-based
  double loss = 0;       // mean cross-entropy over the epoch's examples (before each update)
  const LinearModel* model = nullptr;  // the weights after the epoch
};

struct TrainHooks {
  std::function<Status(const EpochReport&)> on_epoch;  // an error stops training
  std::function<bool()> cancelled;                     // checked before every batch
};

// x[i] with class y[i] in [0, classes). A cancelled run returns kCancelled.
Result<LinearModel> train_softmax_regression(const std::vector<SparseVector>& x, const std::vector<int32_t>& y,
                                             int64_t classes, int64_t features, const AdamOptions& options,
                                             const TrainHooks& hooks);

// A permutation of 0..n-1 by Fisher-Yates over a 64-bit Mersenne Twister (the same on
// every platform, unlike std::shuffle).
std::vector<size_t> seeded_permutation(size_t n, uint64_t seed);

}  // namespace maas::text
