// The sgns kernels of every instruction set this CPU runs agree with the scalar
// reference, and the scalar reference with the maths written out here.
#include <cmath>
#include <random>

#include <gtest/gtest.h>

#include "tensor/kernels/kernels.h"
#include "text/word2vec/sgns.h"

namespace maas::text::word2vec {
namespace {

struct Case {
  static constexpr int64_t kStride = 48, kRows = 7;
  std::vector<float> h, grad, out, in;
  std::vector<int32_t> targets{3, 0, 6, 3, 5};  // a repeated row, as negatives can be
  Case() {
    std::mt19937 rng(5);
    std::uniform_real_distribution<float> u(-0.5f, 0.5f);
    for (auto* v : {&h, &grad}) v->resize(kStride);
    for (auto* v : {&out, &in}) v->resize(kStride * kRows);
    for (auto* v : {&h, &grad, &out, &in})
      for (float& x : *v) x = u(rng);
  }
};

void expect_near(const std::vector<float>& a, const std::vector<float>& b, const char* what) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) ASSERT_NEAR(a[i], b[i], 1e-5) << what << "[" << i << "]";
}

TEST(Word2vecKernels, ScalarStepIsTheMaths) {
  Case c, ref;
  SigmoidTable table;
  const float lr = 0.1f;
  float loss = sgns_scalar().step(c.h.data(), c.grad.data(), c.out.data(), c.targets.data(), 5, Case::kStride, lr, table);
  float want_loss = 0;
  for (int t = 0; t < 5; ++t) {
    float* o = ref.out.data() + ref.targets[t] * Case::kStride;
    double f = 0;
    for (int64_t d = 0; d < Case::kStride; ++d) f += ref.h[d] * o[d];
    const double s = 1 / (1 + std::exp(-f)), label = t == 0 ? 1 : 0;
    want_loss -= static_cast<float>(label ? std::log(s) : std::log(1 - s));
    const float g = static_cast<float>(lr * (label - s));
    for (int64_t d = 0; d < Case::kStride; ++d) {
      ref.grad[d] += g * o[d];
      o[d] += g * ref.h[d];
    }
  }
  // The table's sigmoid is accurate to about 1/64 of the argument near 0.
  EXPECT_NEAR(loss, want_loss, 0.05);
  for (size_t i = 0; i < c.out.size(); ++i) ASSERT_NEAR(c.out[i], ref.out[i], 2e-3) << i;
  for (size_t i = 0; i < c.grad.size(); ++i) ASSERT_NEAR(c.grad[i], ref.grad[i], 2e-3) << i;
}

TEST(Word2vecKernels, EveryIsaMatchesScalar) {
  SigmoidTable table;
  std::vector<std::pair<tensor::Isa, const SgnsKernels*>> isas = {{tensor::Isa::kAvx2, &sgns_avx2()},
                                                                  {tensor::Isa::kAvx512, &sgns_avx512()}};
  int tested = 0;
  for (auto [isa, k] : isas) {
    if (!tensor::cpu_supports(isa)) continue;
    ++tested;
    Case a, b;
    const float la = sgns_scalar().step(a.h.data(), a.grad.data(), a.out.data(), a.targets.data(), 5, Case::kStride, 0.05f, table);
    const float lb = k->step(b.h.data(), b.grad.data(), b.out.data(), b.targets.data(), 5, Case::kStride, 0.05f, table);
    EXPECT_NEAR(la, lb, 1e-4) << k->isa;
    expect_near(a.out, b.out, "out");
    expect_near(a.grad, b.grad, "grad");
    const int32_t rows[3] = {1, 4, 4};
    sgns_scalar().mean(a.in.data(), rows, 3, Case::kStride, a.h.data());
    k->mean(b.in.data(), rows, 3, Case::kStride, b.h.data());
    expect_near(a.h, b.h, "mean");
    sgns_scalar().add(a.h.data(), a.in.data(), Case::kStride);
    k->add(b.h.data(), b.in.data(), Case::kStride);
    expect_near(a.in, b.in, "add");
  }
  if (tested == 0) GTEST_SKIP() << "this CPU has no AVX2";
}

}  // namespace
}  // namespace maas::text::word2vec
