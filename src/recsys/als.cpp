#include "recsys/als.h"

#include <random>

#include "recsys/linalg.h"
#include "tensor/gemm.h"
#include "tensor/thread_pool.h"

namespace maas::recsys {

std::vector<float> gram(const std::vector<float>& y, int64_t rows, int32_t K, tensor::ThreadPool* pool) {
  std::vector<float> g(static_cast<size_t>(K) * K, 0.0f);
  tensor::gemm(tensor::Trans::kYes, tensor::Trans::kNo, {K, K, rows}, 1.0f, y.data(), K, y.data(), K, 0.0f, g.data(),
               K, pool);
  return g;
}

void fold_in_als(const std::vector<float>& y, const std::vector<float>& yty, int32_t K, float reg, float alpha,
                 std::span<const std::pair<int32_t, float>> interactions, std::vector<float>& x) {
  std::vector<float> a(yty);
  x.assign(static_cast<size_t>(K), 0.0f);
  for (int32_t f = 0; f < K; ++f) a[f * K + f] += reg;
  for (auto [i, r] : interactions) {
    const float* yi = &y[static_cast<size_t>(i) * K];
    const float c = 1.0f + alpha * r;
    for (int32_t f = 0; f < K; ++f) {
      x[f] += c * yi[f];
      const float w = (c - 1.0f) * yi[f];
      for (int32_t g = 0; g < K; ++g) a[f * K + g] += w * yi[g];
    }
  }
  if (!cholesky_solve(a.data(), x.data(), K)) x.assign(static_cast<size_t>(K), 0.0f);
}

namespace {

// One row's least-squares problem A x = b, A = G + reg I + sum_i (c_i - 1) y_i y_i^T,
// b = sum_i c_i y_i, by a few conjugate-gradient steps from the current x (Takacs et
// al. 2011): each step costs one product A p = G p + reg p + sum_i (c_i - 1)(y_i . p) y_i,
// O(K^2 + n K) instead of the O(n K^2 + K^3) of forming and factoring A.
void conjugate_gradient(const std::vector<float>& y, const std::vector<float>& g, int32_t K, float reg, float alpha,
                        std::span<const int32_t> items, std::span<const float> values, int steps, float* x,
                        std::vector<float>& r, std::vector<float>& p, std::vector<float>& ap) {
  auto times_a = [&](const float* v, float* out) {
    for (int32_t f = 0; f < K; ++f) {
      float s = reg * v[f];
      for (int32_t h = 0; h < K; ++h) s += g[f * K + h] * v[h];
      out[f] = s;
    }
    for (size_t k = 0; k < items.size(); ++k) {
      const float* yi = &y[static_cast<size_t>(items[k]) * K];
      float d = 0;
      for (int32_t f = 0; f < K; ++f) d += yi[f] * v[f];
      const float w = alpha * values[k] * d;  // (c - 1) (y . v)
      for (int32_t f = 0; f < K; ++f) out[f] += w * yi[f];
    }
  };
  r.assign(static_cast<size_t>(K), 0.0f);
  p.resize(static_cast<size_t>(K));
  ap.resize(static_cast<size_t>(K));
  for (size_t k = 0; k < items.size(); ++k) {  // r = b - A x
    const float* yi = &y[static_cast<size_t>(items[k]) * K];
    const float c = 1.0f + alpha * values[k];
    for (int32_t f = 0; f < K; ++f) r[f] += c * yi[f];
  }
  times_a(x, ap.data());
  double rs = 0;
  for (int32_t f = 0; f < K; ++f) {
    r[f] -= ap[f];
    p[f] = r[f];
    rs += static_cast<double>(r[f]) * r[f];
  }
  for (int step = 0; step < steps && rs > 1e-20; ++step) {
    times_a(p.data(), ap.data());
    double pap = 0;
    for (int32_t f = 0; f < K; ++f) pap += static_cast<double>(p[f]) * ap[f];
    if (pap <= 0) break;
    const float a = static_cast<float>(rs / pap);
    double rs_new = 0;
    for (int32_t f = 0; f < K; ++f) {
      x[f] += a * p[f];
      r[f] -= a * ap[f];
      rs_new += static_cast<double>(r[f]) * r[f];
    }
    const float beta = static_cast<float>(rs_new / rs);
    for (int32_t f = 0; f < K; ++f) p[f] = r[f] + beta * p[f];
    rs = rs_new;
  }
}

// Every row of `out` from the other side's factors `fixed` (one half of an iteration).
void solve_side(const Csr& rows, const std::vector<float>& fixed, int64_t fixed_rows, const AlsOptions& o,
                std::vector<float>& out, tensor::ThreadPool* pool) {
  const int32_t K = o.factors;
  const std::vector<float> gtg = gram(fixed, fixed_rows, K, pool);
  auto work = [&](int64_t begin, int64_t end) {
    std::vector<float> r, p, ap;
    for (int64_t row = begin; row < end; ++row) {
      const int32_t i = static_cast<int32_t>(row);
      conjugate_gradient(fixed, gtg, K, o.reg, o.alpha, rows.row_index(i), rows.row_value(i), o.cg_steps,
                         &out[static_cast<size_t>(row) * K], r, p, ap);
    }
  };
  if (pool)
    pool->parallel_for(rows.rows, work, 16);
  else
    work(0, rows.rows);
}

}  // namespace

Result<AlsModel> train_als(const Csr& by_user, const Csr& by_item, const AlsOptions& o, tensor::ThreadPool* pool,
                           const std::function<Status(int32_t)>& on_iteration) {
  const int32_t K = o.factors;
  AlsModel m;
  std::mt19937_64 rng(o.seed);
  std::normal_distribution<float> init(0.0f, 0.01f);
  m.x.assign(static_cast<size_t>(by_user.rows) * K, 0.0f);
  m.y.resize(static_cast<size_t>(by_item.rows) * K);
  for (float& v : m.y) v = init(rng);
  for (int32_t it = 1; it <= o.iterations; ++it) {
    solve_side(by_user, m.y, by_item.rows, o, m.x, pool);
    solve_side(by_item, m.x, by_user.rows, o, m.y, pool);
    MAAS_RETURN_IF_ERROR(on_iteration(it));
  }
  return m;
}

}  // namespace maas::recsys
