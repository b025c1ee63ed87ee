#include "text/textclf/softmax_regression.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

namespace maas::text {

std::vector<double> LinearModel::logits(const SparseVector& x) const {
  std::vector<double> z(bias.begin(), bias.end());
  for (int64_t k = 0; k < classes; ++k) {
    const float* row = weight.data() + k * features;
    double sum = 0;
    for (size_t i = 0; i < x.size(); ++i) sum += static_cast<double>(row[x.index[i]]) * x.value[i];
    z[static_cast<size_t>(k)] += sum;
  }
  return z;
}

std::vector<double> softmax(const std::vector<double>& z) {
  const double top = *std::max_element(z.begin(), z.end());
  std::vector<double> p(z.size());
  double total = 0;
  for (size_t k = 0; k < z.size(); ++k) total += p[k] = std::exp(z[k] - top);
  for (double& pk : p) pk /= total;
  return p;
}

std::vector<size_t> seeded_permutation(size_t n, uint64_t seed) {
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  std::mt19937_64 rng(seed);
  for (size_t i = n; i > 1; --i) std::swap(order[i - 1], order[rng() % i]);
  return order;
}

namespace {

// One Adam step on parameters p with gradient g (moments m, v; step t is 1-based).
void adam_step(std::vector<float>& p, const std::vector<float>& g, std::vector<float>& m, std::vector<float>& v,
               int64_t t, const AdamOptions& o) {
  const double c1 = 1.0 - std::pow(o.beta1, static_cast<double>(t));
  const double c2 = 1.0 - std::pow(o.beta2, static_cast<double>(t));
  const float step = static_cast<float>(o.lr * std::sqrt(c2) / c1);  // bias corrections folded in
  const float b1 = static_cast<float>(o.beta1), b2 = static_cast<float>(o.beta2);
  const float eps = static_cast<float>(o.eps * std::sqrt(c2));
  for (size_t i = 0; i < p.size(); ++i) {
    m[i] = b1 * m[i] + (1 - b1) * g[i];
    v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
    p[i] -= step * m[i] / (std::sqrt(v[i]) + eps);
  }
}

}  // namespace

Result<LinearModel> train_softmax_regression(const std::vector<SparseVector>& x, const std::vector<int32_t>& y,
                                             int64_t classes, int64_t features, const AdamOptions& o,
                                             const TrainHooks& hooks) {
  if (x.empty() || x.size() != y.size()) return invalid_argument("no training examples");
  LinearModel model;
  model.classes = classes;
  model.features = features;
  model.weight.assign(static_cast<size_t>(classes * features), 0.0f);
  model.bias.assign(static_cast<size_t>(classes), 0.0f);

  std::vector<float> grad_w(model.weight.size()), m_w(model.weight.size()), v_w(model.weight.size());
  std::vector<float> grad_b(model.bias.size()), m_b(model.bias.size()), v_b(model.bias.size());
  const size_t batch = static_cast<size_t>(std::max<int64_t>(1, o.batch));
  int64_t t = 0;
  for (int64_t epoch = 1; epoch <= o.epochs; ++epoch) {
    const std::vector<size_t> order = seeded_permutation(x.size(), o.seed * 1000003u + static_cast<uint64_t>(epoch));
    double loss_sum = 0;
    for (size_t start = 0; start < order.size(); start += batch) {
      if (hooks.cancelled && hooks.cancelled()) return Status(Code::kCancelled, "training cancelled");
      const size_t end = std::min(order.size(), start + batch);
      const float inv_b = 1.0f / static_cast<float>(end - start);
      // g_W = l2 W + (1/B) sum_i (p_i - onehot(y_i)) x_i^T,  g_b = (1/B) sum_i (p_i - onehot(y_i))
      for (size_t i = 0; i < grad_w.size(); ++i) grad_w[i] = static_cast<float>(o.l2) * model.weight[i];
      std::fill(grad_b.begin(), grad_b.end(), 0.0f);
      for (size_t s = start; s < end; ++s) {
        const SparseVector& xi = x[order[s]];
        const int32_t yi = y[order[s]];
        std::vector<double> p = softmax(model.logits(xi));
        loss_sum += -std::log(std::max(p[static_cast<size_t>(yi)], 1e-300));
        p[static_cast<size_t>(yi)] -= 1.0;
        for (int64_t k = 0; k < classes; ++k) {
          const float err = static_cast<float>(p[static_cast<size_t>(k)]) * inv_b;
          float* g = grad_w.data() + k * features;
          for (size_t n = 0; n < xi.size(); ++n) g[xi.index[n]] += err * xi.value[n];
          grad_b[static_cast<size_t>(k)] += err;
        }
      }
      ++t;
      adam_step(model.weight, grad_w, m_w, v_w, t, o);
      adam_step(model.bias, grad_b, m_b, v_b, t, o);
    }
    if (hooks.on_epoch)
      MAAS_RETURN_IF_ERROR(hooks.on_epoch({epoch, loss_sum / static_cast<double>(x.size()), &model}));
  }
  return model;
}

}  // namespace maas::text
