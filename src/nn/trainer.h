// Mini-batch gradient descent on encoded rows: seeded init (Xavier/He) and shuffling,
// SGD+momentum or Adam, L2, early stopping on a validation set (the best epoch's
// weights are kept). Deterministic for a seed and thread count.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/train.h"
#include "nn/network.h"
#include "nn/optimizer.h"
#include "nn/schema.h"

namespace maas::tensor {
class ThreadPool;
}

namespace maas::nn {

enum class Init { kAuto, kXavier, kHe };  // auto: He for relu, Xavier otherwise

struct FitConfig {
  std::vector<int64_t> hidden = {64};
  Activation activation = Activation::kRelu;
  Task task = Task::kClassify;
  Loss loss = Loss::kCrossEntropy;
  OptimizerConfig optimizer;
  int64_t epochs = 50;
  int64_t batch = 32;
  double l2 = 0;
  int64_t patience = 0;  // stop after this many epochs without a better validation loss (0: never)
  Init init = Init::kAuto;
  uint64_t seed = 1;
};

struct FitResult {
  Network<float> net;
  int64_t epochs_run = 0, best_epoch = 0;
  double train_loss = 0;
  double val_loss = NAN;
  double samples_per_second = 0;
};

// A freshly initialised network for `inputs` -> hidden... -> `outputs`.
Network<float> init_network(int64_t inputs, int64_t outputs, const FitConfig& config);

// Trains on `train`; `val` (may be empty: rows == 0) drives early stopping and the
// per-epoch metric. Stops with kCancelled when the monitor says so.
Result<FitResult> fit(const Encoded& train, const Encoded& val, const FitConfig& config, TrainMonitor& monitor,
                      tensor::ThreadPool* pool);

// The network's outputs for every row of x (rows x inputs), in batches.
std::vector<float> predict(const Network<float>& net, const float* x, int64_t rows, tensor::ThreadPool* pool);

// Splits rows by a seeded shuffle: the last `fraction` of them (at least one when
// fraction > 0) go to the second part.
void split_rows(const Encoded& all, double fraction, uint64_t seed, Encoded& first, Encoded& second);

}  // namespace maas::nn
