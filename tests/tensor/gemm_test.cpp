// tensor::gemm against a naive double-precision reference: every transpose pair, odd
// sizes around the tile edges, alpha/beta, strided operands, each instruction set; and
// the determinism it promises (same bits for any thread count, a row alone or batched).
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "tensor/gemm.h"
#include "tensor/kernels/kernels.h"
#include "tensor/thread_pool.h"
#include "tensor_test_util.h"

namespace maas::tensor {
namespace {

using testing::random_floats;

struct Case {
  Trans ta, tb;
  int64_t m, n, k;
  float alpha, beta;
};

// C = alpha op(A) op(B) + beta C in double, with A/B/C strides larger than their widths.
std::vector<double> reference(const Case& c, const std::vector<float>& a, int64_t lda, const std::vector<float>& b,
                              int64_t ldb, const std::vector<float>& c0, int64_t ldc) {
  std::vector<double> out(c0.begin(), c0.end());
  for (int64_t i = 0; i < c.m; ++i)
    for (int64_t j = 0; j < c.n; ++j) {
      double s = 0;
      for (int64_t p = 0; p < c.k; ++p) {
        const double x = c.ta == Trans::kYes ? a[p * lda + i] : a[i * lda + p];
        const double y = c.tb == Trans::kYes ? b[j * ldb + p] : b[p * ldb + j];
        s += x * y;
      }
      double& o = out[i * ldc + j];
      o = c.alpha * s + (c.beta == 0 ? 0.0 : c.beta * o);
    }
  return out;
}

void check(const Case& c, ThreadPool* pool) {
  const int64_t a_rows = c.ta == Trans::kYes ? c.k : c.m, a_cols = c.ta == Trans::kYes ? c.m : c.k;
  const int64_t b_rows = c.tb == Trans::kYes ? c.n : c.k, b_cols = c.tb == Trans::kYes ? c.k : c.n;
  const int64_t lda = a_cols + 3, ldb = b_cols + 1, ldc = c.n + 2;
  const auto a = random_floats(size_t(a_rows * lda), uint32_t(c.m * 7 + c.k));
  const auto b = random_floats(size_t(b_rows * ldb), uint32_t(c.n * 5 + c.k));
  auto out = random_floats(size_t(c.m * ldc), uint32_t(c.m + c.n));
  if (c.beta == 0)  // beta == 0 must ignore C entirely, NaN included
    for (float& v : out) v = NAN;
  const auto want = reference(c, a, lda, b, ldb, out, ldc);
  gemm(c.ta, c.tb, {c.m, c.n, c.k}, c.alpha, a.data(), lda, b.data(), ldb, c.beta, out.data(), ldc, pool);
  for (int64_t i = 0; i < c.m; ++i)
    for (int64_t j = 0; j < c.n; ++j) {
      const double w = want[i * ldc + j];
      ASSERT_NEAR(out[i * ldc + j], w, 1e-4 * std::sqrt(double(c.k)) * (1 + std::fabs(w)))
          << "m=" << c.m << " n=" << c.n << " k=" << c.k << " ta=" << int(c.ta) << " tb=" << int(c.tb) << " at "
          << i << "," << j;
    }
}

class GemmIsa : public ::testing::TestWithParam<Isa> {
 protected:
  void SetUp() override {
    if (!cpu_supports(GetParam())) GTEST_SKIP() << "CPU lacks " << isa_name(GetParam());
    ASSERT_TRUE(use_kernels(GetParam()).is_ok());
  }
  void TearDown() override { (void)use_kernels(Isa::kScalar); }
};

TEST_P(GemmIsa, EqualsNaiveReferenceForEveryTransposeAndOddSizes) {
  ThreadPool pool(2);
  for (Trans ta : {Trans::kNo, Trans::kYes})
    for (Trans tb : {Trans::kNo, Trans::kYes})
      for (int64_t m : {1, 5, 13, 33})
        for (int64_t n : {1, 7, 17, 35})
          for (int64_t k : {1, 3, 31}) check({ta, tb, m, n, k, 1.0f, 0.0f}, &pool);
}

TEST_P(GemmIsa, AlphaBetaLargeKAndManyBlocks) {
  ThreadPool pool(2);
  for (Trans ta : {Trans::kNo, Trans::kYes})
    for (Trans tb : {Trans::kNo, Trans::kYes}) {
      check({ta, tb, 100, 300, 600, 0.5f, 1.0f}, &pool);   // k spans three k blocks
      check({ta, tb, 131, 70, 257, -1.5f, 0.25f}, &pool);  // C accumulated with beta
      check({ta, tb, 7, 9, 5, 2.0f, 0.0f}, nullptr);
    }
  check({Trans::kNo, Trans::kNo, 3, 4, 0, 1.0f, 0.5f}, nullptr);  // k = 0: C = beta C
}

TEST_P(GemmIsa, SameBitsForAnyThreadCountAndForARowAlone) {
  const int64_t m = 77, n = 130, k = 300;
  const auto a = random_floats(size_t(m * k), 1), b = random_floats(size_t(k * n), 2);
  std::vector<float> c1(static_cast<size_t>(m * n)), c2(c1), row(static_cast<size_t>(n));
  ThreadPool one(1), two(2);
  gemm(Trans::kNo, Trans::kYes, {m, n, k}, 1.0f, a.data(), k, b.data(), k, 0.0f, c1.data(), n, &one);
  gemm(Trans::kNo, Trans::kYes, {m, n, k}, 1.0f, a.data(), k, b.data(), k, 0.0f, c2.data(), n, &two);
  EXPECT_EQ(c1, c2);
  gemm(Trans::kNo, Trans::kYes, {1, n, k}, 1.0f, a.data() + 40 * k, k, b.data(), k, 0.0f, row.data(), n, &two);
  EXPECT_EQ(row, std::vector<float>(c1.begin() + 40 * n, c1.begin() + 41 * n));
}

INSTANTIATE_TEST_SUITE_P(Isas, GemmIsa, ::testing::Values(Isa::kScalar, Isa::kAvx2, Isa::kAvx512),
                         [](const auto& info) { return std::string(isa_name(info.param)); });

}  // namespace
}  // namespace maas::tensor
