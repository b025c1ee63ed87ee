#include "nn/optimizer.h"

#include <cmath>

namespace maas::nn {

Optimizer::Optimizer(const Network<float>& net, OptimizerConfig config) : c_(config) {
  for (const auto& layer : net.layers) {
    mw_.emplace_back(layer.w.size(), 0.0f);
    vw_.emplace_back(layer.w.size(), 0.0f);
    mb_.emplace_back(layer.b.size(), 0.0f);
    vb_.emplace_back(layer.b.size(), 0.0f);
  }
}

void Optimizer::update(std::vector<float>& p, const std::vector<float>& g, std::vector<float>& m,
                       std::vector<float>& v) {
  const size_t n = p.size();
  if (c_.kind == OptimizerKind::kSgd) {
    // m = momentum m + g;  p -= lr m
    const float mu = float(c_.momentum), lr = float(c_.lr);
    for (size_t i = 0; i < n; ++i) {
      m[i] = mu * m[i] + g[i];
      p[i] -= lr * m[i];
    }
    return;
  }
  // m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2;  p -= lr_t m / (sqrt(v) + eps)
  const float b1 = float(c_.beta1), b2 = float(c_.beta2), eps = float(c_.eps), lr = float(lr_t_);
  for (size_t i = 0; i < n; ++i) {
    m[i] = b1 * m[i] + (1.0f - b1) * g[i];
    v[i] = b2 * v[i] + (1.0f - b2) * g[i] * g[i];
    p[i] -= lr * m[i] / (std::sqrt(v[i]) + eps);
  }
}

void Optimizer::step(Network<float>& net, const Gradients<float>& grads) {
  ++t_;
  lr_t_ = c_.lr * std::sqrt(1.0 - std::pow(c_.beta2, double(t_))) / (1.0 - std::pow(c_.beta1, double(t_)));
  for (size_t l = 0; l < net.layers.size(); ++l) {
    update(net.layers[l].w, grads.dw[l], mw_[l], vw_[l]);
    update(net.layers[l].b, grads.db[l], mb_[l], vb_[l]);
  }
}

}  // namespace maas::nn
