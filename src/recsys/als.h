// Alternating least squares for implicit feedback (Hu, Koren, Volinsky 2008): every
// observed (u, i) is a preference p_ui = 1 with confidence c_ui = 1 + alpha r_ui
// (unobserved: p = 0, c = 1), minimising
//   sum_{u,i} c_ui (p_ui - x_u . y_i)^2 + reg (sum |x_u|^2 + sum |y_i|^2)
// by solving for all users with items fixed, then all items with users fixed:
//   x_u = (Y^T Y + Y^T (C_u - I) Y + reg I)^-1 Y^T C_u p_u
// where Y^T Y is shared and the correction runs over u's observed items only. Training
// solves each row approximately by a few conjugate-gradient steps warm-started from
// the previous iteration; fold-in (one user, at serving time) solves it exactly.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <utility>
#include <vector>

#include "core/status.h"
#include "recsys/sparse.h"

namespace maas::tensor {
class ThreadPool;
}

namespace maas::recsys {

struct AlsOptions {
  int32_t factors = 32;
  int32_t iterations = 10;
  int cg_steps = 3;  // conjugate-gradient steps per row and half-iteration
  float reg = 0.1f;
  float alpha = 1.0f;
  uint64_t seed = 0;
};

struct AlsModel {
  std::vector<float> x, y;  // users x factors, items x factors
};

Result<AlsModel> train_als(const Csr& by_user, const Csr& by_item, const AlsOptions& o, tensor::ThreadPool* pool,
                           const std::function<Status(int32_t)>& on_iteration);

// Y^T Y (factors x factors).
std::vector<float> gram(const std::vector<float>& y, int64_t rows, int32_t factors, tensor::ThreadPool* pool);

// x_u for the user's (item, value) interactions with the items fixed (one half-step).
void fold_in_als(const std::vector<float>& y, const std::vector<float>& yty, int32_t factors, float reg, float alpha,
                 std::span<const std::pair<int32_t, float>> interactions, std::vector<float>& x);

}  // namespace maas::recsys
