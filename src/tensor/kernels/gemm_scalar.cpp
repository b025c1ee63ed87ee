// The portable GEMM micro-kernel: a 4 x 8 tile of C in local accumulators.
#include "tensor/kernels/gemm_kernels.h"

namespace maas::tensor {
namespace {

constexpr int64_t kMr = 4, kNr = 8;

void tile(int64_t kc, const float* ap, const float* bp, float* c, int64_t ldc, float alpha, float beta, int64_t rows,
          int64_t cols) {
  float acc[kMr][kNr] = {};
  for (int64_t p = 0; p < kc; ++p) {
    const float* a = ap + p * kMr;
    const float* b = bp + p * kNr;
    for (int64_t i = 0; i < kMr; ++i)
      for (int64_t j = 0; j < kNr; ++j) acc[i][j] += a[i] * b[j];
  }
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j) {
      float& out = c[i * ldc + j];
      out = beta == 0.0f ? alpha * acc[i][j] : alpha * acc[i][j] + beta * out;
    }
}

}  // namespace

const GemmKernel& gemm_kernel_scalar() {
  static const GemmKernel k{kMr, kNr, tile};
  return k;
}

const GemmKernel& gemm_kernel_for(Isa isa) {
  if (isa == Isa::kAvx512) return gemm_kernel_avx512();
  if (isa == Isa::kAvx2) return gemm_kernel_avx2();
  return gemm_kernel_scalar();
}

}  // namespace maas::tensor
