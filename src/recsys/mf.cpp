#include "recsys/mf.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "recsys/baseline.h"
#include "recsys/linalg.h"

namespace maas::recsys {

namespace {

// p . q with eight partial sums (the compiler vectorises it; the order is fixed, so the
// result does not depend on the machine).
float dot8(const float* __restrict a, const float* __restrict b, int32_t n) {
  float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int32_t f = 0;
  for (; f + 8 <= n; f += 8)
    for (int32_t j = 0; j < 8; ++j) acc[j] += a[f + j] * b[f + j];
  float s = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
  for (; f < n; ++f) s += a[f] * b[f];
  return s;
}

}  // namespace

Result<MfModel> train_mf(const Csr& by_user, const MfOptions& o,
                         const std::function<Status(int32_t, double)>& on_epoch) {
  const int32_t K = o.factors;
  MfModel m;
  m.mu = mean_value(by_user);
  m.user_bias.assign(static_cast<size_t>(by_user.rows), 0.0f);
  m.item_bias.assign(static_cast<size_t>(by_user.cols), 0.0f);
  std::mt19937_64 rng(o.seed);
  std::normal_distribution<float> init(0.0f, o.init_std);
  m.p.resize(static_cast<size_t>(by_user.rows) * K);
  m.q.resize(static_cast<size_t>(by_user.cols) * K);
  for (float& v : m.p) v = init(rng);
  for (float& v : m.q) v = init(rng);

  std::vector<int32_t> row_of(by_user.index.size());
  for (int32_t u = 0; u < by_user.rows; ++u)
    for (int32_t k = by_user.offsets[u]; k < by_user.offsets[u + 1]; ++k) row_of[k] = u;
  std::vector<int32_t> order(by_user.index.size());
  for (size_t k = 0; k < order.size(); ++k) order[k] = static_cast<int32_t>(k);

  for (int32_t epoch = 1; epoch <= o.epochs; ++epoch) {
    std::shuffle(order.begin(), order.end(), rng);
    double sse = 0;
    for (int32_t k : order) {
      const int32_t u = row_of[k], i = by_user.index[k];
      float* __restrict pu = &m.p[static_cast<size_t>(u) * K];
      float* __restrict qi = &m.q[static_cast<size_t>(i) * K];
      const float e = by_user.value[k] - (m.mu + m.user_bias[u] + m.item_bias[i] + dot8(pu, qi, K));
      sse += static_cast<double>(e) * e;
      m.user_bias[u] += o.lr * (e - o.reg * m.user_bias[u]);
      m.item_bias[i] += o.lr * (e - o.reg * m.item_bias[i]);
      for (int32_t f = 0; f < K; ++f) {
        const float p = pu[f], q = qi[f];
        pu[f] = p + o.lr * (e * q - o.reg * p);
        qi[f] = q + o.lr * (e * p - o.reg * q);
      }
    }
    MAAS_RETURN_IF_ERROR(on_epoch(epoch, std::sqrt(sse / std::max<size_t>(order.size(), 1))));
  }
  return m;
}

void fold_in_mf(float mu, const std::vector<float>& item_bias, const std::vector<float>& q, int32_t K, float reg,
                std::span<const std::pair<int32_t, float>> ratings, float& user_bias, std::vector<float>& p) {
  user_bias = fold_in_user_bias(mu, item_bias, ratings);
  std::vector<float> a(static_cast<size_t>(K) * K, 0.0f);
  p.assign(static_cast<size_t>(K), 0.0f);
  if (ratings.empty()) return;
  for (auto [i, r] : ratings) {
    const float* qi = &q[static_cast<size_t>(i) * K];
    const float e = r - mu - user_bias - item_bias[i];
    for (int32_t x = 0; x < K; ++x) {
      p[x] += e * qi[x];
      for (int32_t y = 0; y < K; ++y) a[x * K + y] += qi[x] * qi[y];
    }
  }
  const float lambda = reg * static_cast<float>(ratings.size()) + 1e-3f;
  for (int32_t x = 0; x < K; ++x) a[x * K + x] += lambda;
  if (!cholesky_solve(a.data(), p.data(), K)) p.assign(static_cast<size_t>(K), 0.0f);
}

}  // namespace maas::recsys
