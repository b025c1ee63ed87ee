// Gradient-descent updates of a network's parameters: SGD with momentum and Adam.
#pragma once

#include <string>
#include <vector>

#include "nn/network.h"

namespace maas::nn {

enum class OptimizerKind { kSgd, kAdam };

struct OptimizerConfig {
  OptimizerKind kind = OptimizerKind::kAdam;
  double lr = 1e-3;
  double momentum = 0.9;                        // SGD
  double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;  // Adam
};

class Optimizer {
 public:
  Optimizer(const Network<float>& net, OptimizerConfig config);
  // One step against `grads` (the gradient of the loss, L2 included).
  void step(Network<float>& net, const Gradients<float>& grads);

 private:
  void update(std::vector<float>& p, const std::vector<float>& g, std::vector<float>& m, std::vector<float>& v);
  OptimizerConfig c_;
  int64_t t_ = 0;
  double lr_t_ = 0;  // Adam's bias-corrected rate of this step
  std::vector<std::vector<float>> mw_, vw_, mb_, vb_;
};

}  // namespace maas::nn
