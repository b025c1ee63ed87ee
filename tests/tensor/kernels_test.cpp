// Every SIMD table against the scalar reference on random data and odd shapes, and the
// F32 helpers against plain formulas. Forcing a table goes through use_kernels (the
// same switch MAAS_KERNELS sets at start-up).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>


#include "tensor/kernels/kernels.h"
#include "tensor/ops.h"
#include "tensor/thread_pool.h"
#include "tensor_test_util.h"

namespace maas::tensor {
namespace {

using testing::make_matrix;
using testing::random_floats;

constexpr DType kWeightTypes[] = {DType::kF32, DType::kF16, DType::kBF16, DType::kQ8_0,
                                  DType::kQ4_0, DType::kQ4_K, DType::kQ6_K};

std::vector<float> run_matmul(Isa isa, const Matrix& w, const std::vector<float>& x, int64_t n,
                              ThreadPool& pool) {
  EXPECT_TRUE(use_kernels(isa).is_ok());
  std::vector<float> y(size_t(n * w.rows), NAN);
  matmul(w, x.data(), n, y.data(), pool);
  return y;
}

class SimdVsScalar : public ::testing::TestWithParam<Isa> {
 protected:
  void SetUp() override {
    if (!cpu_supports(GetParam())) GTEST_SKIP() << "CPU lacks " << isa_name(GetParam());
  }
  void TearDown() override { (void)use_kernels(Isa::kScalar); }
};

TEST_P(SimdVsScalar, MatmulEqualsScalarReference) {
  ThreadPool pool(2);
  for (DType type : kWeightTypes) {
    const bool k_quant = dtype_info(type).block_size == 256;
    // Rows not a multiple of any tile; cols with an odd number of blocks where possible.
    for (int64_t rows : {1, 7, 45}) {
      const int64_t cols = k_quant ? 768 : (type == DType::kQ8_0 || type == DType::kQ4_0 ? 224 : 200);
      auto w = make_matrix(type, rows, cols, uint32_t(rows + cols));
      std::vector<int64_t> token_counts;
      for (int64_t n = 1; n <= 17; ++n) token_counts.push_back(n);
      token_counts.push_back(64);
      token_counts.push_back(128);
      for (int64_t n : token_counts) {
        const auto x = random_floats(size_t(n * cols), uint32_t(n));
        const auto ref = run_matmul(Isa::kScalar, w.m, x, n, pool);
        const auto got = run_matmul(GetParam(), w.m, x, n, pool);
        double scale = 0;
        for (float v : ref) scale = std::max(scale, double(std::fabs(v)));
        // Float tolerance: the SIMD activation scales are f32 where Q8_0's are f16.
        const double tol = (type == DType::kQ8_0 || type == DType::kQ4_0 ? 2e-3 : 2e-5) * scale + 1e-5;
        for (size_t i = 0; i < ref.size(); ++i)
          ASSERT_NEAR(got[i], ref[i], tol) << dtype_info(type).name << " rows=" << rows
                                           << " n=" << n << " i=" << i;
      }
    }
  }
}

TEST_P(SimdVsScalar, VectorHelpersMatchFormulas) {
  ASSERT_TRUE(use_kernels(GetParam()).is_ok());
  for (int64_t n : {1, 5, 16, 33, 100, 2048}) {
    const auto a = random_floats(size_t(n), 1, 2.0f), b = random_floats(size_t(n), 2, 2.0f);
    std::vector<float> out(static_cast<size_t>(n));
    double d = 0, ss = 0;
    for (int64_t i = 0; i < n; ++i) {
      d += double(a[i]) * b[i];
      ss += double(a[i]) * a[i];
    }
    EXPECT_NEAR(dot(a.data(), b.data(), n), d, 1e-4 * (1 + std::fabs(d)));

    add(a.data(), b.data(), n, out.data());
    for (int64_t i = 0; i < n; ++i) ASSERT_FLOAT_EQ(out[i], a[i] + b[i]);
    out = b;
    axpy(0.5f, a.data(), n, out.data());
    for (int64_t i = 0; i < n; ++i) ASSERT_NEAR(out[i], b[i] + 0.5f * a[i], 1e-6);

    silu_mul(a.data(), b.data(), n, out.data());
    for (int64_t i = 0; i < n; ++i)
      ASSERT_NEAR(out[i], a[i] / (1 + std::exp(-double(a[i]))) * b[i], 1e-5 * (1 + std::fabs(out[i])));

    rmsnorm(a.data(), b.data(), n, 1e-5f, out.data());
    const double inv = 1 / std::sqrt(ss / n + 1e-5);
    for (int64_t i = 0; i < n; ++i) ASSERT_NEAR(out[i], a[i] * inv * b[i], 1e-5 * (1 + std::fabs(out[i])));

    out = a;
    const int64_t first = n > 1 ? 1 : 0;
    if (n > 1) out[0] = -INFINITY;  // a masked position
    softmax(out.data(), n);
    double mx = -INFINITY, sum = 0;
    for (int64_t i = first; i < n; ++i) mx = std::max(mx, double(a[i]));
    for (int64_t i = first; i < n; ++i) sum += std::exp(a[i] - mx);
    if (n > 1) {
      EXPECT_EQ(out[0], 0.0f);
    }
    for (int64_t i = first; i < n; ++i) ASSERT_NEAR(out[i], std::exp(a[i] - mx) / sum, 1e-6);
  }
}

TEST_P(SimdVsScalar, ArgmaxIsTheFirstLargest) {
  ASSERT_TRUE(use_kernels(GetParam()).is_ok());
  for (int64_t n : {1, 5, 16, 17, 100, 32000}) {
    auto x = random_floats(size_t(n), uint32_t(n), 3.0f);
    const int64_t want = std::max_element(x.begin(), x.end()) - x.begin();
    EXPECT_EQ(argmax(x.data(), n), want) << n;
    x[size_t(n - 1)] = x[size_t(want)];  // a tie later on: still the first
    EXPECT_EQ(argmax(x.data(), n), want) << n;
    x[size_t(n / 2)] = 1e30f;            // the largest anywhere (a vector lane or the tail)
    EXPECT_EQ(argmax(x.data(), n), n / 2) << n;
    std::fill(x.begin(), x.end(), -INFINITY);
    EXPECT_EQ(argmax(x.data(), n), 0) << n;
  }
}

// One attention head against the formula in double precision: head sizes with their
// own kernel (64, 128) and one without (40), keys and values strided inside wider rows.
TEST_P(SimdVsScalar, AttendMatchesSoftmaxWeightedValues) {
  ASSERT_TRUE(use_kernels(GetParam()).is_ok());
  for (int64_t hd : {40, 64, 128}) {
    for (int64_t n : {1, 7, 70}) {
      const int64_t stride = 3 * hd + 8;
      const auto q = random_floats(size_t(hd), 5, 1.0f);
      const auto k = random_floats(size_t(n * stride), 6, 1.0f), v = random_floats(size_t(n * stride), 7, 1.0f);
      const float scale = 1.0f / std::sqrt(float(hd));
      std::vector<float> score(static_cast<size_t>(n)), out(static_cast<size_t>(hd), NAN);
      attend(q.data(), k.data() + hd, v.data() + hd, n, hd, stride, scale, score.data(), out.data());
      std::vector<double> w(static_cast<size_t>(n));
      double mx = -INFINITY, sum = 0;
      for (int64_t p = 0; p < n; ++p) {
        double d = 0;
        for (int64_t i = 0; i < hd; ++i) d += double(q[i]) * k[p * stride + hd + i];
        w[p] = d * scale;
        mx = std::max(mx, w[p]);
      }
      for (double& x : w) sum += (x = std::exp(x - mx));
      for (int64_t i = 0; i < hd; ++i) {
        double o = 0;
        for (int64_t p = 0; p < n; ++p) o += w[p] / sum * v[p * stride + hd + i];
        ASSERT_NEAR(out[i], o, 1e-5) << "hd=" << hd << " n=" << n << " i=" << i;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Isas, SimdVsScalar, ::testing::Values(Isa::kScalar, Isa::kAvx2, Isa::kAvx512),
                         [](const auto& info) { return std::string(isa_name(info.param)); });

TEST(Dispatch, ForcingEachSupportedIsaWorks) {
  for (Isa isa : {Isa::kScalar, Isa::kAvx2, Isa::kAvx512}) {
    const Status s = use_kernels(isa);
    EXPECT_EQ(s.is_ok(), cpu_supports(isa)) << isa_name(isa);
    if (s.is_ok()) {
      EXPECT_EQ(kernels().isa, isa);
    }
  }
  (void)use_kernels(Isa::kScalar);
  EXPECT_TRUE(cpu_supports(Isa::kScalar));
}

// MAAS_KERNELS (read once, at the first use of the table) is checked through the binary:
// tests/app/cli_test.cpp, `maas version` under each value.

}  // namespace
}  // namespace maas::tensor
