// The AVX2 + FMA GEMM micro-kernel: a 6 x 16 tile of C in 12 ymm accumulators; per k
// step two loads of B, six broadcasts of A, twelve FMAs.
#include <immintrin.h>

#include <cmath>

#include "tensor/kernels/gemm_kernels.h"

#pragma GCC target("avx2,fma")

namespace maas::tensor {
namespace {

constexpr int64_t kMr = 6, kNr = 16;

inline __m256 combine(__m256 acc, __m256 alpha, float beta, const float* c) {
  if (beta == 0.0f) return _mm256_mul_ps(alpha, acc);
  return _mm256_fmadd_ps(alpha, acc, _mm256_mul_ps(_mm256_set1_ps(beta), _mm256_loadu_ps(c)));
}

void tile(int64_t kc, const float* ap, const float* bp, float* c, int64_t ldc, float alpha, float beta, int64_t rows,
          int64_t cols) {
  __m256 acc[kMr][2];
  #pragma GCC unroll 6
  for (int i = 0; i < kMr; ++i) acc[i][0] = acc[i][1] = _mm256_setzero_ps();
  for (int64_t p = 0; p < kc; ++p) {
    const __m256 b0 = _mm256_loadu_ps(bp + p * kNr);
    const __m256 b1 = _mm256_loadu_ps(bp + p * kNr + 8);
    #pragma GCC unroll 6
    for (int i = 0; i < kMr; ++i) {
      const __m256 a = _mm256_broadcast_ss(ap + p * kMr + i);
      acc[i][0] = _mm256_fmadd_ps(a, b0, acc[i][0]);
      acc[i][1] = _mm256_fmadd_ps(a, b1, acc[i][1]);
    }
  }
  if (rows == kMr && cols == kNr) {
    const __m256 va = _mm256_set1_ps(alpha);
    #pragma GCC unroll 6
    for (int i = 0; i < kMr; ++i) {
      float* ci = c + i * ldc;
      _mm256_storeu_ps(ci, combine(acc[i][0], va, beta, ci));
      _mm256_storeu_ps(ci + 8, combine(acc[i][1], va, beta, ci + 8));
    }
    return;
  }
  // An edge tile: the same arithmetic, element by element.
  alignas(32) float t[kMr][kNr];
  for (int i = 0; i < kMr; ++i) {
    _mm256_store_ps(t[i], acc[i][0]);
    _mm256_store_ps(t[i] + 8, acc[i][1]);
  }
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j) {
      float& out = c[i * ldc + j];
      out = beta == 0.0f ? alpha * t[i][j] : std::fma(alpha, t[i][j], beta * out);
    }
}

}  // namespace

const GemmKernel& gemm_kernel_avx2() {
  static const GemmKernel k{kMr, kNr, tile};
  return k;
}

}  // namespace maas::tensor
