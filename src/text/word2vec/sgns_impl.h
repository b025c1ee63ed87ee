// The kernels of sgns.h written once over a vector type V (width, load, store, fmadd,
// set1, zero, sum); included by each per-ISA file after its `#pragma GCC target`.
// Everything here has internal linkage: each file compiles its own copy for its ISA
// (and includes sgns.h and standard headers before its pragma).
#pragma once

#include "text/word2vec/sgns.h"

namespace maas::text::word2vec {
namespace {

// The entry of SigmoidTable nearest to x.
inline int table_index(float x) {
  constexpr float kMax = SigmoidTable::kMax;
  if (!(x > -kMax)) return 0;
  if (x >= kMax) return SigmoidTable::kSize;
  return static_cast<int>((x + kMax) * (SigmoidTable::kSize / (2 * kMax)) + 0.5f);
}

template <class V>
float sgns_step(const float* h, float* grad, float* out, const int32_t* targets, int n_targets, int64_t stride,
                float lr, const SigmoidTable& table) {
  float loss = 0;
  for (int t = 0; t < n_targets; ++t) {
    float* o = out + targets[t] * stride;
    typename V::reg acc = V::zero();
    for (int64_t c = 0; c < stride; c += V::kWidth) acc = V::fmadd(V::load(h + c), V::load(o + c), acc);
    const float f = V::sum(acc);
    const bool positive = t == 0;
    const int i = table_index(f);
    loss -= positive ? table.log_sigmoid[i] : table.log_sigmoid[SigmoidTable::kSize - i];
    const float g = lr * ((positive ? 1.0f : 0.0f) - table.sigmoid[i]);
    const typename V::reg gv = V::set1(g);
    for (int64_t c = 0; c < stride; c += V::kWidth) {
      const typename V::reg ov = V::load(o + c);
      V::store(grad + c, V::fmadd(gv, ov, V::load(grad + c)));
      V::store(o + c, V::fmadd(gv, V::load(h + c), ov));
    }
  }
  return loss;
}

template <class V>
void sgns_add(const float* x, float* y, int64_t stride) {
  for (int64_t c = 0; c < stride; c += V::kWidth) V::store(y + c, V::add(V::load(y + c), V::load(x + c)));
}

template <class V>
void sgns_mean(const float* in, const int32_t* rows, int n, int64_t stride, float* h) {
  const typename V::reg scale = V::set1(1.0f / static_cast<float>(n));
  for (int64_t c = 0; c < stride; c += V::kWidth) {
    typename V::reg acc = V::zero();
    for (int r = 0; r < n; ++r) acc = V::add(acc, V::load(in + rows[r] * stride + c));
    V::store(h + c, V::mul(acc, scale));
  }
}

template <class V>
SgnsKernels sgns_table(const char* isa) {
  return SgnsKernels{sgns_step<V>, sgns_add<V>, sgns_mean<V>, isa};
}

}  // namespace
}  // namespace maas::text::word2vec
