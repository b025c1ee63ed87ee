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

// Every row of `out` from the other side's factors `fixed` (one half of an iteration).
void solve_side(const Csr& rows, const std::vector<float>& fixed, int64_t fixed_rows, const AlsOptions& o,
                std::vector<float>& out, tensor::ThreadPool* pool) {
  const int32_t K = o.factors;
  const std::vector<float> gtg = gram(fixed, fixed_rows, K, pool);
  auto work = [&](int64_t begin, int64_t end) {
    std::vector<std::pair<int32_t, float>> items;
    std::vector<float> x;
    for (int64_t r = begin; r < end; ++r) {
      items.clear();
      auto idx = rows.row_index(static_cast<int32_t>(r));
      auto val = rows.row_value(static_cast<int32_t>(r));
      for (size_t k = 0; k < idx.size(); ++k) items.emplace_back(idx[k], val[k]);
      fold_in_als(fixed, gtg, K, o.reg, o.alpha, items, x);
      std::copy(x.begin(), x.end(), out.begin() + r * K);
    }
  };
  if (pool)
    pool->parallel_for(rows.rows, work, 8);
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
