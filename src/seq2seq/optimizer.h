// Adam (Kingma & Ba 2015) with bias correction, after clipping the gradient's global L2
// norm (Pascanu et al. 2013), over the flat weight buffer.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

namespace maas::seq2seq {

class Adam {
 public:
  explicit Adam(size_t n, double lr, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8)
      : m_(n, 0.0f), v_(n, 0.0f), lr_(lr), beta1_(beta1), beta2_(beta2), eps_(eps) {}

  // Scales g so that its L2 norm is at most max_norm (<= 0: no clipping); returns the norm before.
  static double clip(std::vector<float>& g, double max_norm) {
    double sq = 0;
    for (float x : g) sq += static_cast<double>(x) * x;
    const double norm = std::sqrt(sq);
    if (max_norm > 0 && norm > max_norm) {
      const float s = static_cast<float>(max_norm / norm);
      for (float& x : g) x *= s;
    }
    return norm;
  }

  void step(std::vector<float>& w, const std::vector<float>& g) {
    ++t_;
    const double c1 = 1.0 - std::pow(beta1_, static_cast<double>(t_));
    const double c2 = 1.0 - std::pow(beta2_, static_cast<double>(t_));
    const float step = static_cast<float>(lr_ * std::sqrt(c2) / c1);
    const float b1 = static_cast<float>(beta1_), b2 = static_cast<float>(beta2_);
    const float eps = static_cast<float>(eps_ * std::sqrt(c2));
    for (size_t i = 0; i < w.size(); ++i) {
      m_[i] = b1 * m_[i] + (1.0f - b1) * g[i];
      v_[i] = b2 * v_[i] + (1.0f - b2) * g[i] * g[i];
      w[i] -= step * m_[i] / (std::sqrt(v_[i]) + eps);
    }
  }

 private:
  std::vector<float> m_, v_;
  double lr_, beta1_, beta2_, eps_;
  int64_t t_ = 0;
};

}  // namespace maas::seq2seq
