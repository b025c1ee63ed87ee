// matmul against a double-precision product of the dequantized matrix, for every
// weight type and every kernel table this CPU runs, on odd shapes.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <memory>

#include "tensor/buffer.h"
#include "tensor/kernels/kernels.h"
#include "tensor/ops.h"
#include "tensor/thread_pool.h"
#include "tensor_test_util.h"

namespace maas::tensor {
namespace {

using testing::make_matrix;
using testing::random_floats;
using testing::reference_matmul;

// Error budget relative to the typical output magnitude |w_row| (x ~ N(0, 1)): the
// activations are quantized to 8 bits (Q8_0 / Q8_K) for the quantized types, an error
// of ~0.5-0.7% RMS per output; 0.05 is ~7 sigma.
double tolerance(DType type) {
  switch (type) {
    case DType::kF32: return 1e-5;
    case DType::kF16:
    case DType::kBF16: return 1e-4;
    default: return 0.05;
  }
}

// 64-byte aligned storage for a packed copy.
struct PackedCopy {
  std::unique_ptr<uint8_t, decltype(&std::free)> data{nullptr, &std::free};
};

void expect_matmul_close(DType type, int64_t rows, int64_t cols, int64_t n_tokens, ThreadPool& pool,
                         bool packed = false) {
  auto w = make_matrix(type, rows, cols, uint32_t(rows * 31 + cols));
  PackedCopy copy;
  if (packed) {
    const size_t bytes = matmul_packed_bytes(w.m);
    ASSERT_GT(bytes, 0u) << "no packed kernel for " << dtype_info(type).name;
    copy.data.reset(static_cast<uint8_t*>(std::aligned_alloc(64, (bytes + 63) / 64 * 64)));
    pack_matrix(w.m, copy.data.get(), pool);
    w.m.packed = copy.data.get();
    w.m.data = nullptr;  // the packed copy alone must suffice
  }
  const auto x = random_floats(size_t(n_tokens * cols), uint32_t(n_tokens + 3));
  std::vector<float> y(size_t(n_tokens * rows), NAN);
  matmul(w.m, x.data(), n_tokens, y.data(), pool);
  w.m.data = w.bytes.data();
  const auto ref = reference_matmul(w.m, x, n_tokens);
  // Scale of one output: sqrt(cols) * rms(w) * rms(x) with rms(x) = 1.
  double wsq = 0;
  std::vector<float> row(static_cast<size_t>(cols));
  for (int64_t r = 0; r < rows; ++r) {
    dequantize_row(w.m, r, row.data());
    for (float v : row) wsq += double(v) * v;
  }
  const double out_scale = std::sqrt(wsq / double(rows));
  for (size_t i = 0; i < y.size(); ++i)
    ASSERT_NEAR(y[i], ref[i], tolerance(type) * out_scale)
        << dtype_info(type).name << " rows=" << rows << " cols=" << cols << " n=" << n_tokens
        << " at " << i << " kernels=" << isa_name(kernels().isa);
}

class MatmulTest : public ::testing::TestWithParam<std::tuple<Isa, DType>> {
 protected:
  void SetUp() override {
    if (!cpu_supports(std::get<0>(GetParam()))) GTEST_SKIP() << "CPU lacks this ISA";
    ASSERT_TRUE(use_kernels(std::get<0>(GetParam())).is_ok());
  }
  void TearDown() override { (void)use_kernels(Isa::kScalar); }
};

TEST_P(MatmulTest, MatchesDoublePrecisionReference) {
  const DType type = std::get<1>(GetParam());
  ThreadPool pool(2);
  const int64_t cols = dtype_info(type).block_size == 256 ? 512 : 96;
  for (int64_t n : {1, 2, 3, 4, 5, 7, 8, 9, 16, 17}) expect_matmul_close(type, 37, cols, n, pool);
  expect_matmul_close(type, 67, cols, 64, pool);
  expect_matmul_close(type, 35, 2 * cols, 128, pool);
  expect_matmul_close(type, 1, cols, 3, pool);
}

// Packed weights (tensor/quant/packed.h): the kernels that read them give the same
// products, on shapes with partial row groups and an odd number of blocks.
TEST_P(MatmulTest, PackedWeightsMatchTheReference) {
  const DType type = std::get<1>(GetParam());
  const bool k_quant = dtype_info(type).block_size == 256;
  const int64_t cols = k_quant ? 512 : 96;  // an odd number of Q4_0 / Q8_0 blocks
  const auto w = make_matrix(type, 16, cols, 1);
  if (matmul_packed_bytes(w.m) == 0) {
    // Only types and kernel tables that declare a packed kernel take this path.
    EXPECT_TRUE((type != DType::kQ4_0 && type != DType::kQ8_0 && type != DType::kQ4_K) ||
                kernels().isa == Isa::kAvx2)
        << dtype_info(type).name << " should pack";
    return;
  }
  ThreadPool pool(2);
  for (int64_t n : {1, 2, 3, 5, 8, 9, 16, 17}) expect_matmul_close(type, 37, cols, n, pool, true);
  expect_matmul_close(type, 16, k_quant ? 256 : 64, 4, pool, true);
  expect_matmul_close(type, 67, k_quant ? 768 : 160, 64, pool, true);
  expect_matmul_close(type, 1, k_quant ? 256 : 32, 3, pool, true);
}

INSTANTIATE_TEST_SUITE_P(
    AllTypes, MatmulTest,
    ::testing::Combine(::testing::Values(Isa::kScalar, Isa::kAvx2, Isa::kAvx512),
                       ::testing::Values(DType::kF32, DType::kF16, DType::kBF16, DType::kQ8_0,
                                         DType::kQ4_0, DType::kQ4_K, DType::kQ6_K)),
    [](const auto& info) {
      return std::string(isa_name(std::get<0>(info.param))) + "_" +
             std::string(dtype_info(std::get<1>(info.param)).name);
    });

// Matrices of different types over one input (as Q4_K_M files mix Q4_K and Q6_K in a
// layer): each product equals its own matmul, packed or not, for every kernel table.
TEST(Matmul, SharedInputEqualsSeparateProducts) {
  ThreadPool pool(2);
  for (Isa isa : {Isa::kScalar, Isa::kAvx2, Isa::kAvx512}) {
    if (!cpu_supports(isa)) continue;
    ASSERT_TRUE(use_kernels(isa).is_ok());
    const int64_t cols = 512;
    std::vector<testing::TestMatrix> ws;
    ws.push_back(make_matrix(DType::kQ4_0, 37, cols, 1));
    ws.push_back(make_matrix(DType::kQ6_K, 21, cols, 2));
    ws.push_back(make_matrix(DType::kQ4_K, 48, cols, 3));
    ws.push_back(make_matrix(DType::kF16, 5, cols, 4));
    std::vector<AlignedBuffer> packs;
    for (auto& w : ws) {
      const size_t bytes = matmul_packed_bytes(w.m);
      if (bytes == 0) continue;
      packs.emplace_back(bytes);
      pack_matrix(w.m, packs.back().data(), pool);
      w.m.packed = packs.back().data();
    }
    for (int64_t n : {1, 3, 9}) {
      const auto x = random_floats(size_t(n * cols), uint32_t(n));
      std::vector<std::vector<float>> shared(ws.size()), alone(ws.size());
      MatmulTarget targets[4];
      for (size_t i = 0; i < ws.size(); ++i) {
        shared[i].assign(size_t(n * ws[i].m.rows), NAN);
        alone[i].assign(size_t(n * ws[i].m.rows), NAN);
        targets[i] = {&ws[i].m, shared[i].data()};
        matmul(ws[i].m, x.data(), n, alone[i].data(), pool);
      }
      matmul_shared_input(targets, ws.size(), x.data(), n, pool);
      for (size_t i = 0; i < ws.size(); ++i)
        EXPECT_EQ(shared[i], alone[i]) << isa_name(isa) << " matrix " << i << " n=" << n;
    }
  }
  (void)use_kernels(Isa::kScalar);
}

TEST(Matmul, SupportsTheComputeTypes) {
  EXPECT_TRUE(matmul_supports(DType::kQ4_0));
  EXPECT_TRUE(matmul_supports(DType::kF16));
  EXPECT_FALSE(matmul_supports(DType::kQ5_1));
}

}  // namespace
}  // namespace maas::tensor
